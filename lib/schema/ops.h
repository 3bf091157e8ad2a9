/*
 * ops.h - the result of comparing two schemas: an ordered list of
 * operations, each a step a user can read ("add column users.bio") and
 * the SQL statements that perform it in one dialect.
 */
#ifndef RT_SCHEMA_OPS_H
#define RT_SCHEMA_OPS_H

#include "retort_int.h"

typedef struct sm_op {
	char *what;       /* one line: "add column users.bio", "rebuild table users (...)" */
	int destructive;  /* loses data: a dropped table or column, a narrowing change */
	char *note;       /* for the migration file: what data it drops, a possible rename */
	rt_strlist sql;   /* the statements, without a trailing ';' */
	int check_only;   /* verifies, changes nothing (not a difference) */
} sm_op;

/*
 * How a diff is computed.  NULL means the defaults (all zero): column
 * order is no difference, and new columns are added at the end.
 */
typedef struct sm_diff_opts {
	int column_order_strict; /* column_order = strict: reorder columns to the declared order */
} sm_diff_opts;

typedef struct sm_ops {
	sm_op *v;
	size_t n;
} sm_ops;

/* Append an operation; what is printf-style. */
sm_op *rt_sm_ops_add(sm_ops *ops, int destructive, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
/* Append a statement to an operation (printf-style, no trailing ';'). */
void rt_sm_op_sql(sm_op *op, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
void rt_sm_op_note(sm_op *op, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
void rt_sm_ops_free(sm_ops *ops);
/*
 * The operations as migration SQL for dialect d (schema/diff.c): a
 * comment per operation, its note, its statements; warnings (e.g. possible renames, may be NULL) first, as
 * comments.  The caller frees the text.
 */
struct rt_dialect;
char *rt_sm_ops_render(const struct rt_dialect *d, const sm_ops *ops, const rt_strlist *warnings);

#endif
