/*
 * dialect.h - the interface between generic code and a database.
 *
 * Everything in lib/ outside lib/dialect/ reaches a database only through
 * this struct of function pointers: connecting, running statements,
 * transactions, the migration lock, splitting migration SQL into
 * statements, and the DDL of retort's own tables.
 */
#ifndef RT_DIALECT_H
#define RT_DIALECT_H

#include "retort_int.h"
#include "sqltext.h"
#include "util/strbuf.h"

struct sm_schema;
struct sm_ops;
struct sm_diff_opts;
struct sm_rename;
struct lint_section;
struct rt_dialect;

/*
 * A connection.  Each dialect defines struct rt_conn itself, and its
 * first member is always `const rt_dialect *dialect`, set by connect: a
 * connection carries its dialect, so generic code passes the connection
 * alone and asks it with rt_conn_dialect.
 */
typedef struct rt_conn rt_conn;

/* The dialect a connection belongs to (the first member of every rt_conn). */
static inline const struct rt_dialect *rt_conn_dialect(const rt_conn *c)
{
	return *(const struct rt_dialect *const *)(const void *)c;
}


/* One statement of a migration section. */
typedef struct rt_stmt {
	const char *sql; /* not NUL-terminated: use len */
	size_t len;
	int line;        /* position of its first token (after comments) */
	int column;
	int text_line;   /* position of sql[0] */
	int text_column;
	int nontx;       /* cannot run inside a transaction block */
	const char *nontx_kind; /* e.g. "CREATE INDEX CONCURRENTLY" */
	int session;     /* may change the connection for later statements (SET, PRAGMA, a temporary table): see lib/session.c */
	/*
	 * The server commits before and after it, so it cannot be rolled
	 * back (DDL on MySQL): the runner records each such statement as it
	 * completes.
	 */
	int autocommit;
	int rows;        /* a data change whose changed rows the database counts: INSERT, UPDATE, DELETE (MERGE, REPLACE), also after WITH */
} rt_stmt;

typedef struct rt_stmtlist {
	rt_stmt *v;
	size_t n;
	size_t alloc;
} rt_stmtlist;

/* Add a statement; line/column give the position of sql[0]. */
void rt_stmtlist_push(rt_stmtlist *l, const char *sql, size_t len, int line,
		      int column);
/* Line and column in the file of byte off of a statement's text. */
void rt_stmt_position(const rt_stmt *s, size_t off, int *line, int *column);
void rt_stmtlist_free(rt_stmtlist *l);

/* Called with each row of a query: ncols values, NULL for SQL NULL. */
typedef int (*rt_row_fn)(void *ud, int ncols, const char *const *vals);

/* Which fingerprint a call asks for (see rt_dialect.fingerprint). */
typedef enum { RT_FP_NOW, RT_FP_BEGIN, RT_FP_COMMIT } rt_fp_when;

typedef struct rt_dialect {
	const char *name;         /* "sqlite", "postgresql": in messages and --json */
	const char *title;        /* "SQLite", "PostgreSQL": in sentences */
	const char *const *names; /* what --dialect accepts for it, NULL-terminated */
	const char *const *schemes; /* URL schemes, NULL-terminated */
	const char *url_examples; /* the URL forms it takes, for the hint of a bad URL */
	/*
	 * The configuration settings only some dialects take that this one
	 * does (names as in retort.ini: version_table_schema, search_path,
	 * lock_timeout, statement_timeout), NULL-terminated; the others are
	 * refused when the context opens.
	 */
	const char *const *settings;
	/*
	 * DDL commits the open transaction (MySQL): retort's tables are made
	 * before a migration's transaction begins, and statements marked
	 * rt_stmt.autocommit run one by one with their progress recorded.
	 */
	int ddl_commits;
	/* Put before a message of the database's own ("SQLite: "), or "". */
	const char *error_prefix;
	const rt_lexrules *lex;

	/* An identifier as this dialect needs it written (quoted when it must be). */
	void (*ident)(strbuf *sb, const char *name);
	/* A string literal, escaped as this dialect reads it; NULL as NULL. */
	void (*literal)(strbuf *sb, const char *s);
	/*
	 * A UTC time "YYYY-MM-DDTHH:MM:SS.mmmZ" as a literal of the history
	 * table's started_at; NULL: as literal writes any string.
	 */
	void (*timestamp)(strbuf *sb, const char *iso);
	/* The lint rules over one section (lib/lint/lint.h). */
	void (*lint)(struct lint_section *s);

	/*
	 * Connect.  readonly: create nothing, and when the database does
	 * not exist return NULL with *missing set (not an error).
	 */
	rt_conn *(*connect)(const rt_config *cfg, int readonly, int *missing,
			    rt_error *err);
	void (*disconnect)(rt_conn *c);

	/* A statement of a migration file; errors name file and position. */
	int (*exec_stmt)(rt_conn *c, const rt_stmt *st, const char *file,
			 rt_error *err);
	/* The same, also telling how many rows the statement changed. */
	int (*exec_rows)(rt_conn *c, const rt_stmt *st, const char *file,
			 long long *rows, rt_error *err);
	/*
	 * A statement of a declared schema being loaded: as exec_stmt, and
	 * on failure *missing says whether it failed only because something
	 * it refers to does not exist yet (so it may succeed once the rest of
	 * the file has run).  guarded: a failure must leave an open
	 * transaction usable (PostgreSQL: a savepoint around it).
	 */
	int (*exec_schema_stmt)(rt_conn *c, const rt_stmt *st, const char *file,
				int guarded, int *missing, rt_error *err);
	/* SQL retort generated itself (version table and history). */
	int (*exec)(rt_conn *c, const char *sql, rt_error *err);
	int (*query)(rt_conn *c, const char *sql, rt_row_fn fn, void *ud,
		     rt_error *err);
	/* schema NULL: wherever the connection's search finds tables. */
	int (*table_exists)(rt_conn *c, const char *schema, const char *table,
			    int *exists, rt_error *err);

	int (*begin)(rt_conn *c, rt_error *err);
	int (*commit)(rt_conn *c, rt_error *err);
	void (*rollback)(rt_conn *c);

	/* The session-level migration lock, waited for at most cfg->lock_wait. */
	int (*lock)(rt_conn *c, const rt_config *cfg, rt_event_fn fn, void *ud,
		    rt_error *err);
	void (*unlock)(rt_conn *c);

	/* Split a section (first_line = line of sql[0]) into statements. */
	int (*split)(const char *sql, size_t len, int first_line,
		     const char *file, rt_stmtlist *out, rt_error *err);

	/*
	 * Statements that set up a session (search_path, timeouts), run
	 * after connecting and printed first offline.  May be NULL.
	 */
	void (*session_sql)(const rt_config *cfg, rt_strlist *out);

	/*
	 * The connection state a migration can change and the next one would
	 * inherit (settings, temporary objects, attached databases...), as
	 * lines "kind name[=value]"; and the statements that bring it back
	 * from now to was (an earlier reading), in order, each with what it
	 * undoes in words (lib/session.c runs them).
	 */
	int (*session_state)(rt_conn *c, rt_strlist *out, rt_error *err);
	void (*session_undo)(const rt_strlist *was, const rt_strlist *now,
			     rt_strlist *sql, rt_strlist *what);
	/*
	 * Offline, with no state to read: the statements that undo what a
	 * section's statements visibly change of the session (a SET, a PRAGMA,
	 * ATTACH, a temporary table), printed where the online run undoes it.
	 */
	void (*session_reset_sql)(const rt_config *cfg, const rt_stmtlist *stmts,
				  rt_strlist *out);

	/*
	 * What is left broken, one line each (what, and the statement that
	 * clears it): by the statements of a section that ran outside a
	 * transaction, or with stmts NULL anywhere in the database.
	 * PostgreSQL: INVALID indexes of failed concurrent builds, which a
	 * rerun's CREATE INDEX ... IF NOT EXISTS would take for done.  May be
	 * NULL.
	 */
	int (*leftovers)(rt_conn *c, const rt_stmtlist *stmts, rt_strlist *out,
			 rt_error *err);

	/*
	 * The schema of retort's version and history tables on this
	 * connection, read once, before any migration runs (see pg.c).  NULL
	 * for a dialect without schemas.
	 */
	int (*tables_schema)(rt_conn *c, const rt_config *cfg,
			     const char **schema, rt_error *err);

	/*
	 * A statement of a migration as a client script holds it (--sql),
	 * terminator included.  NULL: its text and ';' (on a line of its own
	 * after a trailing -- comment).
	 */
	void (*script_stmt)(strbuf *sb, const rt_stmt *st);

	/* SQL text: transaction statements and retort's own tables. */
	const char *begin_sql;
	const char *commit_sql;
	/* DDL of retort's tables; name and pkname are already quoted (and qualified). */
	void (*version_table_ddl)(strbuf *sb, const char *name, const char *pkname);
	void (*history_table_ddl)(strbuf *sb, const char *name);
	/*
	 * DDL of the progress table, where a revision whose statements commit
	 * one by one (rt_stmt.autocommit) records how far it got; NULL when
	 * the dialect's splitter never marks a statement so.
	 */
	void (*progress_table_ddl)(strbuf *sb, const char *name);
	/* The history table's db_user value (conn NULL when offline). */
	void (*user_expr)(rt_conn *c, strbuf *sb);
	/* A timestamp expression for offline output. */
	const char *now_expr;
	/*
	 * The history table's started_at read as ISO 8601 UTC text
	 * ("2026-11-24T01:27:53.858Z"): a format whose %s is the column.
	 * NULL when the column holds that text already (SQLite).
	 */
	const char *time_text;

	/*
	 * Schema work (autogenerate, check, diff).  introspect reads the
	 * whole schema from the catalog, leaving out retort's own version
	 * and history tables.  diff turns `from` into `to`: an ordered list
	 * of operations whose SQL this dialect runs.  A scratch database is
	 * an empty one that retort may fill and then throws away.
	 */
	int (*introspect)(rt_conn *c, const rt_config *cfg,
			  struct sm_schema **out, rt_error *err);
	int (*diff)(const struct sm_schema *from, const struct sm_schema *to,
		    const struct sm_diff_opts *opts, struct sm_ops *out, rt_error *err);
	/*
	 * A rename of a table or a column of s (schema/ops.h): the operations
	 * that do it appended to out, and s changed to what the database
	 * holds after them.  Names that would follow it (PostgreSQL: t_pkey
	 * when t becomes u) are renamed too where target, the schema diffed
	 * to, has the new one.  May be NULL: no renames.
	 */
	int (*rename)(struct sm_schema *s, const struct sm_schema *target,
		      const struct sm_rename *r, struct sm_ops *out, rt_error *err);
	int (*scratch_create)(const rt_config *cfg, char **url, rt_error *err);
	/*
	 * A cheap text of the schema on c (retort's own tables left out) for
	 * telling two states apart quickly: equal text guarantees equal
	 * schemas, unequal text guarantees nothing (compare models then).
	 * fp is empty, or holds the text this gave on c for the state the
	 * open transaction started from: then the dialect may read again only
	 * what the transaction can have changed.  when: RT_FP_NOW, fp becomes
	 * the text of the state now; RT_FP_COMMIT, the text of the state once
	 * the transaction commits (the caller commits next); RT_FP_BEGIN, the
	 * transaction has just begun and nothing ran in it yet: fp is left
	 * as it is, and the dialect may note what makes the RT_FP_COMMIT call
	 * of the same transaction cheaper.  May be NULL.
	 */
	int (*fingerprint)(rt_conn *c, const rt_config *cfg, rt_fp_when when,
			   strbuf *fp, rt_error *err);
	/*
	 * A full copy of the database into the file dest, an empty private
	 * file the caller made and publishes under its final name once this
	 * succeeds (and removes otherwise); 1 when there is no database yet,
	 * so nothing to copy.
	 */
	int (*backup)(const rt_config *cfg, const char *dest, rt_error *err);
	const char *backup_ext; /* file name extension of a backup: "sqlite", "dump" */
	void (*scratch_drop)(const rt_config *cfg, const char *url);
	/*
	 * Drop the scratch databases that runs killed before they could
	 * (their process gone, see util/pidtag.h), once per process; a line
	 * saying what went and why is added to notes for each.  May be NULL.
	 */
	void (*scratch_sweep)(const rt_config *cfg, rt_strlist *notes);
	/*
	 * Make ahead, when there is none, what the next scratch_create takes
	 * instead of making a database (PostgreSQL: scratch_spare.c); errors
	 * are ignored (that next call then makes one).  May be NULL.
	 */
	void (*scratch_spare)(const rt_config *cfg);
} rt_dialect;

/*
 * The dialect for a URL's scheme; an error naming the URL (masked) and
 * the forms every dialect takes if none.
 */
const rt_dialect *rt_dialect_for_url(const char *url, rt_error *err);
/* The same for a configuration, also refusing settings the dialect does not take. */
const rt_dialect *rt_dialect_for_config(const rt_config *cfg, rt_error *err);
/* The dialect one of its names (rt_dialect.names) means; an error listing them if none. */
const rt_dialect *rt_dialect_by_name(const char *name, rt_error *err);

/*
 * A new scratch database's name, retort_scratch_<pidtag>_<counter>
 * (util/pidtag.h): unique to this process and call, recognisably
 * retort's (scratch_drop drops no other), and naming its process, so
 * scratch_sweep can drop what a killed run left.
 */
void rt_scratch_name(char *buf, size_t n);
/*
 * Why the scratch database name was abandoned by the run that made it
 * (its process, on this machine, is gone; or it was made on another
 * machine more than a day ago), or NULL when it may be in use or is not
 * a scratch name of the current form.  The caller frees it.
 */
char *rt_scratch_abandoned(const char *name);

/* Alembic's alembic_version DDL, exactly, so the table can change hands. */
void rt_version_table_ddl(strbuf *sb, const char *name, const char *pkname);
/*
 * The schema of retort's tables: the dialect's tables_schema online (c not
 * NULL), else version_table_schema (NULL: unqualified).
 */
int rt_tables_schema(const rt_dialect *d, rt_conn *c, const rt_config *cfg,
		     const char **schema, rt_error *err);
/* The SQL name of one of retort's tables, quoted as d quotes, qualified when schema is not NULL. */
void rt_table_name(const rt_dialect *d, const char *schema, const char *table,
		   strbuf *sb);

extern const rt_dialect rt_dialect_sqlite;
extern const rt_dialect rt_dialect_postgres;
extern const rt_dialect rt_dialect_mysql;

#endif
