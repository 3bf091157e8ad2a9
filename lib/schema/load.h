/*
 * load.h - the declared schema's SQL (declared.c) and running schema SQL
 * on a connection, its statements in any order (load.c).  Below both the
 * runner (create loads the declared schema) and the schema sources (which
 * load it into a scratch database).
 */
#ifndef RT_SCHEMA_LOAD_H
#define RT_SCHEMA_LOAD_H

#include "retort_int.h"
#include "dialect/dialect.h"

/*
 * Run schema SQL's statements on c (own_tx: in a transaction of its own);
 * name is the file named in errors.  The statements may come in any
 * order: one that refers to something a later one creates runs after it.
 */
int rt_sm_run_sql(rt_conn *c, const char *sql, size_t len, const char *name,
		  int own_tx, rt_error *err);
/*
 * Run statements l on c in any order (load.c): those failing only for a
 * missing referent run again after the others until none is left, else
 * the error names each one left and why.  tx: in a transaction of its own.
 */
int rt_sm_run_any_order(rt_conn *c, const rt_stmtlist *l, const char *name,
			int tx, rt_error *err);

/* The declared schema's SQL, and the name its errors give as the file. */
typedef struct rt_declared {
	char *sql;
	size_t len;
	char *name;
} rt_declared;

/*
 * Read the declared schema: the schema file, or the output of
 * schema_command run for dialect d (see declared.c).  When the context
 * holds one already read (create: checked, then loaded) that one is used.
 */
int rt_declared_read(const rt_ctx *ctx, const rt_dialect *d, rt_declared *out,
		     rt_error *err);
void rt_declared_free(rt_declared *dc);

#endif
