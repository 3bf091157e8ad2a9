/*
 * source.h - loading a schema to compare from one of the sources of
 * rt_schema_diff (see retort.h): schema, file:PATH, migrations[:REV],
 * database, a URL, empty.
 */
#ifndef RT_SCHEMA_SOURCE_H
#define RT_SCHEMA_SOURCE_H

#include "retort_int.h"
#include "dialect/dialect.h"
#include "schema/model.h"

/* Load spec's schema with dialect d; cfg->url is the configured database. */
int rt_sm_source_load(const rt_ctx *ctx, const rt_dialect *d, const rt_config *cfg,
		   const char *spec, sm_schema **out, rt_error *err);
/*
 * Run schema SQL's statements on c (own_tx: in a transaction of its own);
 * name is the file named in errors.  The statements may come in any
 * order: one that refers to something a later one creates runs after it.
 */
int rt_sm_run_sql(const rt_dialect *d, rt_conn *c, const char *sql, size_t len,
		  const char *name, int own_tx, rt_error *err);
/*
 * Run statements l on c in any order (load.c): those failing only for a
 * missing referent run again after the others until none is left, else
 * the error names each one left and why.  tx: in a transaction of its own.
 */
int rt_sm_run_any_order(const rt_dialect *d, rt_conn *c, const rt_stmtlist *l,
			const char *name, int tx, rt_error *err);

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
/* The URL a source names, or NULL when it is not a URL. */
const char *rt_sm_source_url(const char *spec);

#endif
