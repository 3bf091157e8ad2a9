/*
 * pg_internal.h - pieces of the PostgreSQL dialect shared between its files.
 */
#ifndef RT_PG_INTERNAL_H
#define RT_PG_INTERNAL_H

#include "retort_int.h"
#include "dialect/dialect.h"
#include "schema/model.h"
#include "schema/ops.h"

/*
 * Split PostgreSQL SQL into statements with libpg_query (the server's own
 * parser), marking those that cannot run inside a transaction block.
 */
int rt_pg_split(const char *sql, size_t len, int first_line, const char *file,
		rt_stmtlist *out, rt_error *err);

/* Is the session inside a transaction block (also a failed one)? */
int rt_pg_in_transaction(rt_conn *c);

/* Where retort's version and history tables are (see dialect.h). */
int rt_pg_tables_schema(rt_conn *c, const rt_config *cfg, const char **schema,
			rt_error *err);

/*
 * The condition on pg_index (alias i) that picks the indexes statement s
 * (a CREATE INDEX or REINDEX) builds, appended to cond (leftovers.c).
 */
void rt_pg_index_target(const rt_stmt *s, strbuf *cond);
/* INVALID indexes left by concurrent builds (leftovers.c; see dialect.h). */
int rt_pg_leftovers(rt_conn *c, const rt_stmtlist *stmts, rt_strlist *out,
		    rt_error *err);

/* The session state between migrations (session.c; see dialect.h). */
int rt_pg_session_state(rt_conn *c, rt_strlist *out, rt_error *err);
void rt_pg_session_undo(const rt_strlist *was, const rt_strlist *now,
			rt_strlist *sql, rt_strlist *what);
void rt_pg_session_reset_sql(const rt_config *cfg, const rt_stmtlist *stmts,
			     rt_strlist *out);

/*
 * Read the whole schema from pg_catalog (introspect.c): every name is
 * schema-qualified, objects of extensions and retort's own tables are
 * left out, and whatever the model cannot hold is listed as unsupported.
 */
int rt_pg_introspect(rt_conn *c, const rt_config *cfg, sm_schema **out,
		     rt_error *err);

/*
 * Pieces of catalog queries (introspect.c, unsupported.c).
 * Schemas retort reads: not the system's.
 */
#define PG_NS_OK(n) n ".nspname !~ '^pg_' AND " n ".nspname <> 'information_schema'"
/* Not part of an extension. */
#define PG_NOT_EXT(cls, oid)                                                     \
	"NOT EXISTS (SELECT 1 FROM pg_catalog.pg_depend x WHERE x.classid = '" \
	cls "'::pg_catalog.regclass AND x.objid = " oid " AND x.deptype = 'e')"

/*
 * One query listing everything the model cannot hold, one text column
 * "kind schema.name" per object (unsupported.c); the caller frees it.
 * With privileges, the model holds those of tables, functions, types
 * and schemas.
 */
char *rt_pg_unsupported_query(int privileges);
/*
 * Of those, the ones modelled objects can use (pg_describe_object's
 * names, one column), and what uses them (used, user).
 */
const char *rt_pg_unsupported_keys_query(void);
const char *rt_pg_unsupported_uses_query(void);

/* Row counts of the catalogs, read again where a transaction wrote (fingerprint.c; see dialect.h). */
int rt_pg_fingerprint(rt_conn *c, const rt_config *cfg, rt_fp_when when, strbuf *fp,
		      rt_error *err);
/* What the fingerprint keeps on a connection (freed with it). */
typedef struct rt_pg_fp_state {
	int prepared; /* its statements are prepared on the session */
	char *mark;   /* what it noted when the open transaction began, or NULL */
} rt_pg_fp_state;
rt_pg_fp_state *rt_pg_fingerprint_state(rt_conn *c);
/*
 * A column default as pg_get_expr gives it, with the spellings of one
 * function read as one (now() as CURRENT_TIMESTAMP, ...; spelling.c).
 */
char *rt_pg_default_canon(const char *def);
/* End of the quoted run (' or ") at s[i] of a NUL-terminated text, doubled quotes inside. */
size_t rt_pg_quoted_end(const char *s, size_t i);

/* A rename asked by the declared schema (diff_rename.c; see dialect.h). */
int rt_pg_rename(sm_schema *s, const sm_schema *target, const sm_rename *r, sm_ops *out,
		 rt_error *err);

/* The operations that turn `from` into `to`, in dependency order (diff.c). */
int rt_pg_diff(const sm_schema *from, const sm_schema *to, const sm_diff_opts *opts,
	       sm_ops *out, rt_error *err);

/*
 * An identifier as PostgreSQL's quote_ident writes it: bare when it is
 * lower case and no keyword that needs quoting, else double-quoted.
 */
void rt_pg_ident(strbuf *sb, const char *name);
/* schema.name, each part through rt_pg_ident. */
void rt_pg_qname(strbuf *sb, const char *schema, const char *name);

int rt_pg_backup(const rt_config *cfg, const char *dest, rt_error *err);

/*
 * A connection to the server where scratch databases are made: dev_url
 * when set, else url; NULL with err when there is none.
 */
struct pg_conn *rt_pg_scratch_server(const rt_config *cfg, rt_error *err);
struct pg_result;
/* The dialect's scratch_create and scratch_drop (scratch.c). */
int rt_pg_scratch_create(const rt_config *cfg, char **url, rt_error *err);
void rt_pg_scratch_drop(const rt_config *cfg, const char *url);
/*
 * A failed result as "message (SQLSTATE x)" with the detail, the
 * server's hint and context; *pos gets the error position (characters,
 * 0 = none).  res may be NULL (then pg's message).
 */
void rt_pg_describe(struct pg_result *res, struct pg_conn *pg, strbuf *sb, long *pos);
/*
 * How a statement's wait for a lock is reported (lockwatch.c): what the
 * statement is ("the statement at m/x.sql:12"), the run's event callback
 * (NULL: not watched), the URL for a second connection, and whether a
 * lock_timeout is set.
 */
typedef struct rt_pg_watch {
	const char *what;
	rt_event_fn fn;
	void *ud;
	const char *url;
	int lock_timeout;
} rt_pg_watch;
/*
 * PQexec(pg, sql), reporting through w->fn, within a second, that the
 * statement waits for a lock and who holds it.  w NULL: plain PQexec.
 */
struct pg_result *rt_pg_exec_watched(struct pg_conn *pg, const char *sql, const rt_pg_watch *w);

/*
 * Statements nested too deeply for the stack (deep.c).  rt_pg_depth bounds
 * how deeply the parse of sql can nest (bound) and says where the
 * statement with the largest bound starts (at, a byte offset).
 * rt_pg_on_stack runs fn(arg) on a stack that holds a parse of that
 * depth -- the caller's own for a small one, else a thread's -- or
 * returns -1 without running it when the bound passes RT_PG_MAX_DEPTH or
 * no such stack can be had.
 */
#define RT_PG_MAX_DEPTH 10000
typedef struct rt_pg_depth_bound {
	size_t bound;
	size_t at;
} rt_pg_depth_bound;
void rt_pg_depth(const char *sql, size_t len, rt_pg_depth_bound *d);
int rt_pg_on_stack(size_t bound, void (*fn)(void *), void *arg);
/*
 * fn(tree, ud) with the parse tree of sql (len bytes), parsed on a stack
 * deep enough for it (rt_pg_on_stack); tree is NULL when sql does not
 * parse or is too deep to.  For statements the splitter already read:
 * what a caller learns again from one of them must not cost the stack
 * the split was careful to have.
 */
struct PgQuery__ParseResult;
void rt_pg_with_tree(const char *sql, size_t len,
		     void (*fn)(const struct PgQuery__ParseResult *tree, void *ud), void *ud);
/*
 * The error for a section rt_pg_on_stack refused (sql NUL-terminated):
 * file:line of the deepest statement, what to do; -1.
 */
int rt_pg_too_deep(const char *sql, const rt_pg_depth_bound *d, int first_line,
		   const char *file, rt_error *err);

/* The dialect's scratch_sweep (scratch_sweep.c). */
void rt_pg_scratch_sweep(const rt_config *cfg, rt_strlist *notes);
/* The dialect's scratch_spare (scratch_spare.c). */
void rt_pg_scratch_spare(const rt_config *cfg);
/*
 * Rename a spare database (scratch_spare.c) to name and allow connections
 * to it: 1 when one was taken, 0 when none could be (make one then).
 */
int rt_pg_spare_take(struct pg_conn *pg, const char *name);

#endif
