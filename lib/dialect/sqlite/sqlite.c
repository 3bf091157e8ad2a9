/*
 * sqlite.c - the SQLite dialect: URLs, connections, statements,
 * transactions and the migration lock.
 *
 * SQLite has transactional DDL, so unlike Alembic (whose driver
 * autocommits DDL) every migration runs inside BEGIN IMMEDIATE ... COMMIT
 * and a failure leaves nothing behind.  Concurrent retort processes are
 * serialised by an flock() on the database file for the whole run (flock
 * locks are separate from the POSIX locks SQLite itself takes), and each
 * transaction also waits for other writers (busy.c), saying so.
 */
#include "internal.h"
#include "dialect/dialect.h"
#include "dialect/sqlite/sqlite_internal.h"
#include "lint/lint.h"
#include "sqltext.h"
#include "util/fs.h"

#include <errno.h>
#include <fcntl.h>
#include <pwd.h>
#include <sqlite3.h>
#include <string.h>
#include <strings.h>
#include <sys/file.h>
#include <time.h>
#include <unistd.h>

struct rt_conn {
	const rt_dialect *dialect; /* first, as in every dialect */
	sqlite3 *db;
	char *path;  /* file name, or ":memory:" */
	int lockfd;  /* open on the database file while the lock is held */
	int in_tx;
	rt_sq_busy busy; /* waiting for other connections' locks (busy.c) */
};

/*
 * The file a sqlite URL names: sqlite:///rel.db is relative to the
 * configuration's directory, sqlite:////abs.db absolute, sqlite://:memory:
 * (or sqlite:///:memory:) in memory; sqlite:path is accepted too.
 */
int rt_sqlite_path(const char *url, const char *dir, char **path,
		   rt_error *err)
{
	const char *p;
	if (!strncmp(url, "sqlite://", 9))
		p = url + 9;
	else if (!strncmp(url, "sqlite:", 7))
		p = url + 7;
	else {
		char *masked = rt_url_mask(url);
		rt_fail(err, RT_ECONFIG, "'%s' is not a sqlite URL", masked);
		free(masked);
		return -1;
	}
	if (!strcmp(p, ":memory:") || !strcmp(p, "/:memory:")) {
		*path = rt_xstrdup(":memory:");
		return 0;
	}
	if (strchr(p, '?'))
		return rt_fail(err, RT_ECONFIG,
			       "sqlite URL '%s': query parameters are not supported",
			       url);
	if (!strncmp(url, "sqlite://", 9)) {
		if (p[0] != '/' || p[1] == '\0') {
			rt_fail(err, RT_ECONFIG,
				"sqlite URL '%s' names no file", url);
			rt_hint(err, "write sqlite:///relative.db, sqlite:////absolute/path.db or sqlite://:memory:");
			return -1;
		}
		p++; /* the host part is empty: what follows "///" is the path */
	}
	if (!*p)
		return rt_fail(err, RT_ECONFIG, "sqlite URL '%s' names no file",
			       url);
	*path = p[0] == '/' ? rt_xstrdup(p) : rt_fs_join(dir, p);
	return 0;
}

/* What kind of failure an SQLite result code is (see rt_fault). */
static rt_fault sq_fault(int code)
{
	switch (code & 0xff) {
	case SQLITE_BUSY: case SQLITE_LOCKED:
		return RT_FAULT_LOCK;
	case SQLITE_FULL: case SQLITE_IOERR: case SQLITE_CORRUPT: case SQLITE_NOTADB:
	case SQLITE_NOMEM: case SQLITE_PROTOCOL: case SQLITE_NOLFS:
		return RT_FAULT_IO;
	case SQLITE_READONLY: case SQLITE_PERM: case SQLITE_CANTOPEN: case SQLITE_AUTH:
		return RT_FAULT_PERMISSION;
	case SQLITE_CONSTRAINT:
		return RT_FAULT_CONSTRAINT;
	case SQLITE_MISMATCH: case SQLITE_TOOBIG:
		return RT_FAULT_DATA;
	default:
		return RT_FAULT_STATEMENT;
	}
}

/*
 * The fault of the connection's last error: SQLite reports an object that
 * is already there as a plain SQLITE_ERROR, told apart by its message
 * ("table users already exists", "duplicate column name: bio").
 */
static rt_fault sq_fault_of(sqlite3 *db)
{
	int code = sqlite3_extended_errcode(db);
	const char *m = sqlite3_errmsg(db);
	if (code == SQLITE_ERROR && m && (strstr(m, " already exists") || !strncmp(m, "duplicate column name", 21)))
		return RT_FAULT_EXISTS;
	return sq_fault(code);
}

/* The fault of the last error, and whether another try may succeed (busy, locked). */
static void sq_set_fault(rt_error *err, sqlite3 *db)
{
	int code = sqlite3_extended_errcode(db) & 0xff;
	err->fault = sq_fault_of(db);
	err->lock_conflict = code == SQLITE_BUSY || code == SQLITE_LOCKED;
}

static int sqlite_fail(rt_conn *c, rt_error *err, const char *what)
{
	rt_fail(err, RT_EDB, "%s: %s: %s", c->path, what, sqlite3_errmsg(c->db));
	if (err)
		sq_set_fault(err, c->db);
	return -1;
}

/*
 * The dialect's connect (see dialect.h).  readonly reports a file that
 * does not exist as missing rather than creating it, and opens an existing
 * one without SQLITE_OPEN_CREATE but still read-write when it may: a run
 * killed mid-migration leaves a hot journal, which only a connection that
 * can write rolls back -- a read-only one fails every query ("attempt to
 * write a readonly database").  Every statement waits up to lock_wait for
 * other writers (busy.c); errors carry SQLite's extended result codes.
 */
static rt_conn *sq_connect(const rt_config *cfg, int readonly, int *missing,
			   rt_error *err)
{
	char *path;
	*missing = 0;
	if (rt_sqlite_path(cfg->url, cfg->dir, &path, err) < 0)
		return NULL;
	int memory = !strcmp(path, ":memory:");
	if (readonly && !memory && !rt_fs_exists(path)) {
		/* Missing is only "not created yet" when it can be created. */
		char *dir = rt_xstrdup(path);
		char *slash = strrchr(dir, '/');
		if (slash)
			*(slash == dir ? slash + 1 : slash) = '\0';
		int creatable = !slash || access(dir, W_OK | X_OK) == 0;
		if (!creatable)
			rt_fail(err, RT_EDB, "SQLite database %s does not exist, and cannot be created: %s: %s",
				path, dir, strerror(errno));
		free(dir);
		if (!creatable) {
			rt_hint(err, "check the URL, or create the directory (and make it writable) before deploying");
			free(path);
			return NULL;
		}
		*missing = 1;
		free(path);
		return NULL;
	}
	rt_conn *c = rt_xcalloc(1, sizeof(*c));
	c->dialect = &rt_dialect_sqlite;
	c->path = path;
	c->lockfd = -1;
	int flags = readonly ? SQLITE_OPEN_READWRITE
			     : SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE;
	if (sqlite3_open_v2(path, &c->db, flags | SQLITE_OPEN_NOMUTEX, NULL) !=
	    SQLITE_OK) {
		rt_fail(err, RT_EDB, "cannot open SQLite database %s: %s", path,
			c->db ? sqlite3_errmsg(c->db) : "out of memory");
		if (!readonly)
			rt_hint(err, "check that the directory exists and is writable");
		sqlite3_close(c->db);
		free(c->path);
		free(c);
		return NULL;
	}
	c->busy.limit = cfg->lock_wait > 0 ? cfg->lock_wait : 0;
	c->busy.path = c->path;
	sqlite3_busy_handler(c->db, rt_sq_busy_handler, &c->busy);
	sqlite3_extended_result_codes(c->db, 1);
	/*
	 * Foreign keys unenforced, as in SQLite's default and its CLI: the
	 * documented table rebuild (which autogenerate writes) drops a parent
	 * table, and with enforcement on that would delete its children.
	 * PRAGMA foreign_key_check in a migration still fails it on a
	 * violation.
	 */
	sqlite3_exec(c->db, "PRAGMA foreign_keys = OFF", NULL, NULL, NULL);
	/*
	 * A scratch database is thrown away: no fsync, and the journal in
	 * memory (not OFF: ROLLBACK must still work, retort test relies on it).
	 */
	if (cfg->scratch)
		sqlite3_exec(c->db, "PRAGMA journal_mode = MEMORY; PRAGMA synchronous = OFF",
			     NULL, NULL, NULL);
	return c;
}

/*
 * Roll back a transaction still open and close the database; the lock's
 * descriptor is closed only after that (see below).  c may be NULL.
 */
static void sq_disconnect(rt_conn *c)
{
	if (!c)
		return;
	if (c->in_tx)
		sqlite3_exec(c->db, "ROLLBACK", NULL, NULL, NULL);
	sqlite3_close(c->db);
	/* Only now: closing a descriptor of the file drops SQLite's POSIX locks. */
	if (c->lockfd >= 0)
		close(c->lockfd);
	free(c->path);
	free(c);
}

/* Is this statement PRAGMA foreign_key_check (which reports by returning rows)? */
static int is_fk_check(sqlite3_stmt *st)
{
	const char *s = sqlite3_sql(st);
	s += rt_sql_skip_blank(s, strlen(s));
	return !strncasecmp(s, "PRAGMA", 6) && strstr(s, "foreign_key_check") != NULL;
}

/* A row of foreign_key_check: table, rowid, parent, fkid. */
static void fk_violation(sqlite3_stmt *st, rt_error *err)
{
	const char *table = (const char *)sqlite3_column_text(st, 0);
	const char *parent = (const char *)sqlite3_column_text(st, 2);
	rt_fail(err, RT_ESQL,
		"PRAGMA foreign_key_check found a row of %s (rowid %lld) whose parent in %s does not exist",
		table ? table : "?", (long long)sqlite3_column_int64(st, 1),
		parent ? parent : "?");
}

/*
 * Run every statement in sql (NUL-terminated); report errors by offset.
 * PRAGMA foreign_key_check is the one query that fails the migration
 * when it returns a row: it is how the table-rebuild procedure checks
 * that no foreign key was broken.
 */
static int run(rt_conn *c, const char *sql, int *err_off, rt_error *err)
{
	const char *tail = sql;
	*err_off = -1;
	while (*tail) {
		sqlite3_stmt *st = NULL;
		const char *start = tail;
		int rc = sqlite3_prepare_v2(c->db, start, -1, &st, &tail);
		if (rc != SQLITE_OK) {
			int off = sqlite3_error_offset(c->db);
			*err_off = (int)(start - sql) + (off >= 0 ? off : 0);
			rt_fail(err, RT_ESQL, "%s", sqlite3_errmsg(c->db));
			sq_set_fault(err, c->db);
			return -1;
		}
		if (!st)
			continue; /* whitespace or a comment */
		int fk_check = is_fk_check(st);
		while ((rc = sqlite3_step(st)) == SQLITE_ROW)
			if (fk_check) {
				*err_off = (int)(start - sql);
				fk_violation(st, err);
				err->fault = RT_FAULT_CONSTRAINT;
				sqlite3_finalize(st);
				return -1;
			}
		if (rc != SQLITE_DONE) {
			*err_off = (int)(start - sql);
			rt_fail(err, RT_ESQL, "%s", sqlite3_errmsg(c->db));
			sq_set_fault(err, c->db);
			sqlite3_finalize(st);
			return -1;
		}
		sqlite3_finalize(st);
	}
	return 0;
}

/*
 * A statement of a migration file: run() on a NUL-terminated copy, an
 * error placed at the file line and column of SQLite's error offset when
 * there is one, else at the statement's first token.
 */
static int sq_exec_stmt(rt_conn *c, const rt_stmt *s, const char *file,
			rt_error *err)
{
	char *sql = rt_xstrndup(s->sql, s->len);
	int off;
	int rc = run(c, sql, &off, err);
	if (rc < 0) {
		int line = s->line, col = s->column;
		if (off >= 0)
			rt_stmt_position(s, (size_t)off, &line, &col);
		char *m = err->message;
		rt_fault fault = err->fault;
		err->message = NULL;
		rt_fail_at(err, RT_ESQL, file, line, "%s", m);
		err->column = col;
		err->fault = fault;
		free(m);
	}
	free(sql);
	return rc;
}

/*
 * A statement of a declared schema (see dialect.h).  A failed statement
 * leaves SQLite's transaction usable, so guarded changes nothing; the
 * failures a later statement can cure are named by SQLite's message: a
 * table, view or column not there yet, or a database not attached yet.
 */
static int sq_exec_schema_stmt(rt_conn *c, const rt_stmt *s, const char *file, int guarded,
			       int *missing, rt_error *err)
{
	static const char *const cured[] = { "no such table: ", "no such column: ",
					     " has no column named ", "unknown database ", NULL };
	(void)guarded;
	*missing = 0;
	if (sq_exec_stmt(c, s, file, err) == 0)
		return 0;
	const char *m = sqlite3_errmsg(c->db);
	for (int i = 0; cured[i] && !*missing; i++)
		*missing = strstr(m, cured[i]) != NULL;
	return -1;
}

/*
 * A statement and the rows it changed: the growth of total_changes, which
 * only INSERT, UPDATE and DELETE move (sqlite3_changes64 keeps the count
 * of the last such statement, so a CREATE after an UPDATE would repeat
 * the UPDATE's count).
 */
static int sq_exec_rows(rt_conn *c, const rt_stmt *s, const char *file,
			long long *rows, rt_error *err)
{
	sqlite3_int64 before = sqlite3_total_changes64(c->db);
	int rc = sq_exec_stmt(c, s, file, err);
	*rows = rc == 0 ? (long long)(sqlite3_total_changes64(c->db) - before) : 0;
	return rc;
}

/*
 * SQL retort generated itself; an error (RT_EDB) names the database file
 * and quotes the statement, since it is no file's.
 */
static int sq_exec(rt_conn *c, const char *sql, rt_error *err)
{
	int off;
	if (run(c, sql, &off, err) < 0) {
		char *m = err->message;
		rt_fault fault = err->fault;
		err->message = NULL;
		rt_fail(err, RT_EDB, "%s: %s (in: %s)", c->path, m, sql);
		err->fault = fault;
		free(m);
		return -1;
	}
	return 0;
}

/*
 * The dialect's query: only the first statement of sql runs; fn gets each
 * row as text (NULL for SQL NULL) and returns nonzero to skip the rest.
 */
static int sq_query(rt_conn *c, const char *sql, rt_row_fn fn, void *ud,
		    rt_error *err)
{
	sqlite3_stmt *st;
	if (sqlite3_prepare_v2(c->db, sql, -1, &st, NULL) != SQLITE_OK)
		return sqlite_fail(c, err, "query failed");
	int rc, n = sqlite3_column_count(st);
	const char **vals = rt_xcalloc((size_t)(n ? n : 1), sizeof(char *));
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		for (int i = 0; i < n; i++)
			vals[i] = (const char *)sqlite3_column_text(st, i);
		if (fn(ud, n, vals) != 0)
			break;
	}
	free(vals);
	int ok = rc == SQLITE_ROW || rc == SQLITE_DONE;
	if (!ok)
		sqlite_fail(c, err, "query failed");
	sqlite3_finalize(st);
	return ok ? 0 : -1;
}

static int count_row(void *ud, int n, const char *const *v)
{
	(void)n;
	*(int *)ud = v[0] && v[0][0] != '0';
	return 0;
}

/* Is there a table (not a view) of that name in sqlite_master? */
static int sq_table_exists(rt_conn *c, const char *schema, const char *table,
			   int *exists, rt_error *err)
{
	(void)schema; /* refused for SQLite when the configuration is checked */
	strbuf sb = STRBUF_INIT;
	rt_strbuf_adds(&sb, "SELECT count(*) FROM sqlite_master WHERE type = 'table' AND name = ");
	rt_sql_literal(&sb, table);
	*exists = 0;
	int rc = sq_query(c, sb.buf, count_row, exists, err);
	rt_strbuf_release(&sb);
	return rc;
}

/*
 * BEGIN IMMEDIATE takes the write lock up front, waiting up to the busy
 * timeout, so a migration cannot fail halfway because another connection
 * started writing first.
 */
static int sq_begin(rt_conn *c, rt_error *err)
{
	/* Again, in case a migration's PRAGMA busy_timeout replaced the handler. */
	sqlite3_busy_handler(c->db, rt_sq_busy_handler, &c->busy);
	if (sqlite3_exec(c->db, "BEGIN IMMEDIATE", NULL, NULL, NULL) != SQLITE_OK) {
		sqlite_fail(c, err, "cannot begin a transaction");
		strbuf who = STRBUF_INIT;
		if (sqlite3_errcode(c->db) == SQLITE_BUSY)
			rt_sq_lock_holder(c->path, 0, &who);
		if (who.len) { /* "database is locked (by process 4242 (python3))" */
			char *m = rt_xasprintf("%s (by %s)", err->message, who.buf);
			free(err->message);
			err->message = m;
		}
		rt_strbuf_release(&who);
		return -1;
	}
	c->in_tx = 1;
	return 0;
}

static int sq_commit(rt_conn *c, rt_error *err)
{
	if (sqlite3_exec(c->db, "COMMIT", NULL, NULL, NULL) != SQLITE_OK)
		return sqlite_fail(c, err, "cannot commit");
	c->in_tx = 0;
	return 0;
}

static void sq_rollback(rt_conn *c)
{
	if (sqlite3_get_autocommit(c->db) == 0)
		sqlite3_exec(c->db, "ROLLBACK", NULL, NULL, NULL);
	c->in_tx = 0;
}

/*
 * See sqlite_internal.h: BEGIN (deferred) unless a transaction is open
 * already; 1 when this one was started here.
 */
int rt_sq_read_begin(rt_conn *c)
{
	if (sqlite3_get_autocommit(c->db) == 0)
		return 0;
	return sqlite3_exec(c->db, "BEGIN", NULL, NULL, NULL) == SQLITE_OK;
}

void rt_sq_read_end(rt_conn *c, int started)
{
	if (started && sqlite3_get_autocommit(c->db) == 0)
		sqlite3_exec(c->db, "COMMIT", NULL, NULL, NULL);
}

static double now_seconds(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* flock() the database file, polling until cfg->lock_wait seconds pass. */
static int sq_lock(rt_conn *c, const rt_config *cfg, rt_event_fn fn, void *ud,
		   rt_error *err)
{
	if (!strcmp(c->path, ":memory:"))
		return 0;
	c->lockfd = open(c->path, O_RDONLY | O_CLOEXEC);
	if (c->lockfd < 0)
		return rt_fail(err, RT_EDB, "%s: cannot open for locking: %s",
			       c->path, strerror(errno));
	c->busy.fn = fn; /* from now on, waits for other writers are reported too */
	c->busy.ud = ud;
	double start = now_seconds();
	int told = 0;
	while (flock(c->lockfd, LOCK_EX | LOCK_NB) < 0) {
		if (errno != EWOULDBLOCK && errno != EINTR)
			return rt_fail(err, RT_EDB, "%s: cannot lock: %s",
				       c->path, strerror(errno));
		double waited = now_seconds() - start;
		if (waited >= cfg->lock_wait) {
			rt_fail(err, RT_ELOCK,
				"another retort process held the migration lock on %s for more than %g s",
				c->path, cfg->lock_wait);
			rt_hint(err, "wait for it to finish, or raise lock_wait in retort.ini");
			rt_fix_with(err, RT_FIX_SET, "lock_wait");
			return -1;
		}
		if (!told && fn) {
			strbuf who = STRBUF_INIT;
			rt_sq_lock_holder(c->path, 1, &who);
			char *text = rt_xasprintf("%s is migrating %s; waiting up to %g s",
					       who.len ? who.buf : "another retort process", c->path, cfg->lock_wait);
			rt_strbuf_release(&who);
			rt_event ev = { .kind = RT_EV_LOCK_WAIT, .text = text };
			fn(&ev, ud);
			free(text);
			told = 1;
		}
		struct timespec ts = { 0, 20 * 1000 * 1000 };
		nanosleep(&ts, NULL);
	}
	return 0;
}

static void sq_unlock(rt_conn *c)
{
	if (c->lockfd >= 0)
		flock(c->lockfd, LOCK_UN);
}

/*
 * The history table (name already quoted), as on PostgreSQL but with
 * started_at as ISO 8601 text (see now_expr).
 */
/*
 * What a --sql script for SQLite starts with: foreign keys off, as on
 * retort's own connections (sq_connect).  A table rebuild drops and
 * renames a parent table, which with enforcement on (an application's
 * connection, a driver's default) would delete or orphan its children.
 * It must come before the first BEGIN: in a transaction it does nothing.
 */
static void sq_session_sql(const rt_config *cfg, rt_strlist *out)
{
	(void)cfg;
	rt_strlist_push(out, "PRAGMA foreign_keys = OFF");
}

static void sq_history_ddl(strbuf *sb, const char *name)
{
	rt_strbuf_addf(sb, "CREATE TABLE IF NOT EXISTS %s (\n"
			"    id INTEGER PRIMARY KEY,\n"
			"    revision VARCHAR(32),\n"
			"    direction VARCHAR(10) NOT NULL,\n"
			"    from_revisions TEXT,\n"
			"    to_revisions TEXT,\n"
			"    checksum VARCHAR(80),\n"
			"    started_at VARCHAR(32) NOT NULL,\n"
			"    duration_ms INTEGER,\n"
			"    db_user VARCHAR(128),\n"
			"    retort_version VARCHAR(32) NOT NULL,\n"
			"    run_id VARCHAR(40),\n"
			"    outcome VARCHAR(16),\n"
			"    failure TEXT\n"
			")", name);
}

/* SQLite has no users: the operating-system user that ran retort. */
static void sq_user_expr(rt_conn *c, strbuf *sb)
{
	if (!c) {
		rt_strbuf_adds(sb, "NULL");
		return;
	}
	struct passwd pwd, *pw = NULL;
	char buf[1024];
	if (getpwuid_r(geteuid(), &pwd, buf, sizeof(buf), &pw) != 0)
		pw = NULL;
	const char *name = pw ? pw->pw_name : getenv("USER");
	rt_sql_literal(sb, name);
}

static const char *const sqlite_schemes[] = { "sqlite", NULL };
static const char *const sqlite_names[] = { "sqlite", "sqlite3", NULL };
/* Block comments end at the first star-slash: they do not nest. */
static const rt_lexrules sqlite_lex = {
	.backticks = 1, .brackets = 1,
	.quote_literal = rt_sql_literal, .quote_ident = rt_sql_quote_ident,
};

const rt_dialect rt_dialect_sqlite = {
	.name = "sqlite",
	.title = "SQLite",
	.names = sqlite_names,
	.schemes = sqlite_schemes,
	.url_examples = "sqlite:///relative.db, sqlite:////absolute.db, sqlite://:memory:",
	.error_prefix = "SQLite: ",
	.lex = &sqlite_lex,
	.ident = rt_sq_ident,
	.literal = rt_sql_literal,
	.lint = rt_lint_sqlite,
	.session_sql = sq_session_sql,
	.connect = sq_connect,
	.disconnect = sq_disconnect,
	.exec_stmt = sq_exec_stmt,
	.exec_rows = sq_exec_rows,
	.exec_schema_stmt = sq_exec_schema_stmt,
	.backup = rt_sqlite_backup,
	.backup_ext = "sqlite",
	.exec = sq_exec,
	.query = sq_query,
	.table_exists = sq_table_exists,
	.begin = sq_begin,
	.commit = sq_commit,
	.rollback = sq_rollback,
	.lock = sq_lock,
	.unlock = sq_unlock,
	.split = rt_sqlite_split,
	.session_state = rt_sqlite_session_state,
	.session_undo = rt_sqlite_session_undo,
	.session_reset_sql = rt_sqlite_session_reset_sql,
	.begin_sql = "BEGIN IMMEDIATE",
	.commit_sql = "COMMIT",
	.version_table_ddl = rt_version_table_ddl,
	.history_table_ddl = sq_history_ddl,
	.user_expr = sq_user_expr,
	.now_expr = "strftime('%Y-%m-%dT%H:%M:%fZ', 'now')",
	.introspect = rt_sqlite_introspect,
	.diff = rt_sqlite_diff,
	.rename = rt_sqlite_rename,
	.fingerprint = rt_sqlite_fingerprint,
	.scratch_create = rt_sqlite_scratch_create,
	.scratch_sweep = rt_sqlite_scratch_sweep,
	.scratch_drop = rt_sqlite_scratch_drop,
};
