/*
 * diff_internal.h - what diff.c (the SQLite diff) shares with rebuild.c
 * (the table rebuild).
 */
#ifndef RT_SQLITE_DIFF_INTERNAL_H
#define RT_SQLITE_DIFF_INTERNAL_H

#include "dialect/dialect.h"
#include "schema/model.h"
#include "schema/ops.h"

/* What happens to one table. */
typedef enum tact {
	T_SAME,     /* the table itself is unchanged */
	T_CREATE,
	T_DROP,
	T_ALTER,    /* DROP COLUMN / ADD COLUMN */
	T_REBUILD,  /* the 12-step rebuild */
	T_RECREATE, /* a virtual table: dropped and created again */
} tact;

typedef struct tplan {
	const sm_table *a;  /* in the old schema, or NULL */
	const sm_table *b;  /* in the new schema, or NULL */
	tact act;
	rt_strlist drops;   /* T_ALTER: columns dropped */
	rt_strlist adds;    /* T_ALTER: columns added */
	char *why;          /* T_REBUILD: the differences */
	unsigned cmp;       /* rt_sm_compare flags of the diff */
	long rows;          /* T_REBUILD: rows of the table when the diff was made, -1 unknown */
} tplan;

/* A private in-memory database (its configuration in *cfg, freed by the caller). */
rt_conn *rt_sq_memory_db(rt_config **cfg);

/* Append "VERB name" to op's SQL, the name quoted as needed. */
void rt_sq_op_named(sm_op *op, const char *verb, const char *name);

/* The column of t with that name in any case, or NULL. */
const sm_column *rt_sq_column_ci(const sm_table *t, const char *name);

/*
 * Append the operation rebuilding p->a into p->b through a new table
 * named tmp: create, copy the rows, drop, rename, create the indexes.
 * The table's triggers are not included: they come back with the others.
 */
void rt_sq_rebuild(sm_ops *out, const tplan *p, const char *tmp);

#endif
