/*
 * ops.h - the result of comparing two schemas: an ordered list of
 * operations, each a step a user can read ("add column users.bio") and
 * the SQL statements that perform it in one dialect.
 */
#ifndef RT_SCHEMA_OPS_H
#define RT_SCHEMA_OPS_H

#include "retort_int.h"

/*
 * The step of a migration an operation's statements belong to.  Every
 * operation is in SM_STEP_MAIN unless the dialect writes online forms
 * (PostgreSQL, online = true), which spread a change over steps of
 * different kinds so that no step holds a lock on a live table for long.
 * rt_sm_ops_render writes the steps in the order of the comments below,
 * each with its marker ("-- migrate:upgrade transaction:false"), and a
 * migration whose operations are all in SM_STEP_MAIN as one plain section.
 */
typedef enum sm_step {
	SM_STEP_MAIN = 0,      /* transactional (second in order) */
	SM_STEP_PRE,           /* transaction:false, first: DROP INDEX CONCURRENTLY */
	SM_STEP_BATCH,         /* batch, one step per operation: a backfill in slices */
	SM_STEP_CONCURRENT,    /* transaction:false: CREATE INDEX CONCURRENTLY */
	SM_STEP_VALIDATE,      /* transactional: VALIDATE CONSTRAINT (SHARE UPDATE EXCLUSIVE only) */
	SM_STEP_FINISH,        /* transactional: SET NOT NULL, ADD CONSTRAINT ... USING INDEX */
	SM_STEP_LATE,          /* transactional: foreign keys to keys SM_STEP_FINISH made */
	SM_STEP_LATE_VALIDATE, /* transactional: their VALIDATE CONSTRAINT */
	SM_STEP_N
} sm_step;

typedef struct sm_op {
	char *what;       /* one line: "add column users.bio", "rebuild table users (...)" */
	int destructive;  /* loses data: a dropped table or column, a narrowing change */
	char *note;       /* for the migration file: what data it drops, a possible rename */
	rt_strlist sql;   /* the statements, without a trailing ';' */
	int check_only;   /* verifies, changes nothing (not a difference) */
	sm_step step;     /* where it runs (SM_STEP_MAIN unless online forms are written) */
	char *lint_ignore; /* lint rules its first statement is known not to break ("-- retort:lint-ignore"), or NULL */
} sm_op;

/*
 * How a diff is computed.  NULL means the defaults (all zero): column
 * order is no difference, and new columns are added at the end.
 */
typedef struct sm_diff_opts {
	int column_order_strict; /* column_order = strict: reorder columns to the declared order */
	int online;              /* online = true: forms that do not block a live table, in steps */
	const char *lock_timeout; /* online: what every transactional step sets ("5s"), NULL: "5s" */
	/* the rows of a table of the live database the diff starts from, -1 unknown; may be NULL */
	long (*count_rows)(void *ud, const char *schema, const char *table);
	void *count_ud;
} sm_diff_opts;

typedef struct sm_ops {
	sm_op *v;
	size_t n;
} sm_ops;

/*
 * A rename the declared schema asks for with "-- retort:renamed-from OLD"
 * (hints.c; schema/diff.c gathers them): table `table` (named as it is
 * when the rename runs) becomes `to`, or its column `from` does.
 */
typedef struct sm_rename {
	const char *schema;  /* PostgreSQL: the table's schema; NULL on SQLite */
	const char *table;
	const char *column;  /* NULL: the table itself is renamed */
	const char *from, *to;
} sm_rename;

/* Move every operation of src to the end of dst (src is left empty). */
void rt_sm_ops_append(sm_ops *dst, sm_ops *src);

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
 * comments.  Operations of several steps (sm_step) are written as steps,
 * each starting with its marker "-- migrate:" direction ("upgrade" or
 * "downgrade") and its options; one transactional step has no marker.
 * The caller frees the text.
 */
struct rt_dialect;
char *rt_sm_ops_render(const struct rt_dialect *d, const sm_ops *ops, const rt_strlist *warnings,
		       const char *direction);

#endif
