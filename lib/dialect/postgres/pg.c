/*
 * pg.c - the PostgreSQL dialect on libpq: connections, statements,
 * transactions, and the migration lock.
 *
 * URLs (postgresql:// and postgres://) and key=value strings go to libpq
 * unchanged, so PG* environment variables, ~/.pgpass, unix-socket hosts
 * (?host=/run/postgresql) and sslmode work exactly as in psql.  libpq
 * itself is loaded on first use (libpq.h).
 *
 * Concurrent deployers are serialised by a session-level advisory lock
 * taken with a pg_try_advisory_lock loop: never a transaction-level lock,
 * which CREATE INDEX CONCURRENTLY would wait on forever.  While waiting,
 * retort says which backend holds the lock.
 */
#include "internal.h"
#include "dialect/dialect.h"
#include "dialect/postgres/libpq.h"
#include "dialect/postgres/pg_internal.h"
#include "lint/lint.h"
#include "sqltext.h"

#include <stdint.h>
#include <string.h>
#include <stdio.h>
#include <time.h>

struct rt_conn {
	const rt_dialect *dialect; /* first, as in every dialect */
	PGconn *pg;
	char *masked;    /* URL for messages, password hidden */
	int64_t lockkey; /* advisory lock key while held */
	int locked;
	int in_tx;
	char *tables_schema; /* where retort's tables are, once read */
	char state[6];       /* SQLSTATE of the last failed statement of a file */
	char *url;       /* for the second connection that looks at lock waits */
	rt_pg_watch watch; /* statements' lock waits, reported once the run holds the lock */
	rt_pg_fp_state fp; /* the fingerprint's prepared statements and note (fingerprint.c) */
};

/* Close and free a connection (c may be NULL). */
static void conn_free(rt_conn *c)
{
	if (!c)
		return;
	PQfinish(c->pg); /* ends the session: its advisory lock goes with it */
	free(c->masked);
	free(c->url);
	free(c->tables_schema);
	free(c->fp.mark);
	free(c);
}

static void ignore_notice(void *arg, const char *message)
{
	(void)arg;
	(void)message;
}

/* SET statements for the migration session, from the configuration. */
static void pg_session_sql(const rt_config *cfg, rt_strlist *out)
{
	const char *names[] = { "search_path", "lock_timeout", "statement_timeout" };
	const char *vals[] = { cfg->search_path, cfg->lock_timeout, cfg->statement_timeout };
	for (int i = 0; i < 3; i++) {
		if (!vals[i])
			continue;
		strbuf sb = STRBUF_INIT;
		rt_strbuf_addf(&sb, "SELECT pg_catalog.set_config('%s', ", names[i]);
		rt_sql_literal(&sb, vals[i]);
		rt_strbuf_adds(&sb, ", false)");
		rt_strlist_push(out, sb.buf);
		rt_strbuf_release(&sb);
	}
}

static int pg_exec(rt_conn *c, const char *sql, rt_error *err);

/*
 * The dialect's connect (see dialect.h).  readonly changes nothing here
 * and *missing is never set: on PostgreSQL a database that does not exist
 * is a connection error.  Notices are dropped; then the setup statements
 * run (dead-client check, scratch durability, pg_session_sql), and one
 * that fails fails the connection.
 */
static rt_conn *pg_connect(const rt_config *cfg, int readonly, int *missing,
			   rt_error *err)
{
	(void)readonly;
	*missing = 0;
	if (rt_libpq_load(err) < 0)
		return NULL;
	/* application_name first: a value in the URL, after it, wins. */
	const char *keys[] = { "application_name", "dbname", NULL };
	const char *vals[] = { "retort", cfg->url, NULL };
	rt_conn *c = rt_xcalloc(1, sizeof(*c));
	c->dialect = &rt_dialect_postgres;
	c->masked = rt_url_mask(cfg->url);
	c->url = rt_xstrdup(cfg->url);
	c->watch.url = c->url;
	c->watch.lock_timeout = cfg->lock_timeout && strspn(cfg->lock_timeout, "0 msinhd") != strlen(cfg->lock_timeout);
	c->pg = PQconnectdbParams(keys, vals, 1);
	if (!c->pg || PQstatus(c->pg) != CONNECTION_OK) {
		strbuf msg = STRBUF_INIT;
		rt_strbuf_adds(&msg, c->pg ? PQerrorMessage(c->pg) : "out of memory");
		rt_strbuf_rtrim(&msg);
		rt_url_hide_secrets(&msg, cfg->url);
		rt_fail(err, RT_EDB, "cannot connect to %s: %s", c->masked, msg.buf);
		const char *pw_hint = rt_url_password_hint(cfg->url);
		rt_hint(err, "%s", pw_hint ? pw_hint : "check the URL (url in retort.ini or DATABASE_URL), that the server runs, and the password (~/.pgpass or PGPASSWORD)");
		rt_strbuf_release(&msg);
		conn_free(c);
		return NULL;
	}
	PQsetNoticeProcessor(c->pg, ignore_notice, NULL);
	rt_strlist setup = { 0 };
	/*
	 * If retort is killed mid-statement, have the server notice the dead
	 * client within seconds, roll back and free the lock (PostgreSQL 14+).
	 */
	if (PQserverVersion(c->pg) >= 140000)
		rt_strlist_push(&setup, "SET client_connection_check_interval = '1s'");
	if (cfg->scratch) /* thrown away: commits need not wait for the WAL flush */
		rt_strlist_push(&setup, "SET synchronous_commit = off");
	pg_session_sql(cfg, &setup);
	for (size_t i = 0; i < setup.n; i++)
		if (pg_exec(c, setup.v[i], err) < 0) {
			rt_strlist_free(&setup);
			conn_free(c);
			return NULL;
		}
	rt_strlist_free(&setup);
	return c;
}

static void pg_disconnect(rt_conn *c)
{
	conn_free(c);
}

/* Byte offset of a 1-based character position (the server counts characters). */
static size_t char_to_byte(const char *s, size_t len, long pos)
{
	size_t i = 0;
	for (long n = 1; n < pos && i < len; n++) {
		i++;
		while (i < len && ((unsigned char)s[i] & 0xC0) == 0x80)
			i++;
	}
	return i;
}

/* lock_not_available (lock_timeout, NOWAIT) or deadlock_detected: worth another try. */
static int pg_lock_conflict(const PGresult *res)
{
	const char *s = res ? PQresultErrorField(res, PG_DIAG_SQLSTATE) : NULL;
	return s && (!strcmp(s, "55P03") || !strcmp(s, "40P01"));
}

/*
 * What kind of failure a result is (see rt_fault), by its SQLSTATE class;
 * with no result, a connection gone bad.
 */
static rt_fault pg_fault(const PGresult *res, PGconn *pg)
{
	const char *s = res ? PQresultErrorField(res, PG_DIAG_SQLSTATE) : NULL;
	if (!s || strlen(s) != 5)
		return PQstatus(pg) == CONNECTION_BAD ? RT_FAULT_CONNECTION : RT_FAULT_STATEMENT;
	static const struct { const char *prefix; rt_fault fault; } classes[] = {
		{ "23", RT_FAULT_CONSTRAINT },
		{ "22", RT_FAULT_DATA },
		{ "55P03", RT_FAULT_LOCK },  /* lock_not_available (lock_timeout, NOWAIT) */
		{ "40P01", RT_FAULT_LOCK },  /* deadlock_detected */
		{ "40001", RT_FAULT_LOCK },  /* serialization_failure */
		{ "57014", RT_FAULT_LOCK },  /* query_canceled (statement_timeout) */
		{ "57P", RT_FAULT_CONNECTION }, /* server shut down */
		{ "08", RT_FAULT_CONNECTION },
		{ "42501", RT_FAULT_PERMISSION }, /* insufficient_privilege */
		{ "42P07", RT_FAULT_EXISTS },  /* duplicate_table (also an index, a sequence, a view) */
		{ "42701", RT_FAULT_EXISTS },  /* duplicate_column */
		{ "42710", RT_FAULT_EXISTS },  /* duplicate_object (a constraint, a type, a trigger) */
		{ "42P06", RT_FAULT_EXISTS },  /* duplicate_schema */
		{ "42723", RT_FAULT_EXISTS },  /* duplicate_function */
		{ "25006", RT_FAULT_PERMISSION }, /* read_only_sql_transaction (a standby) */
		{ "53", RT_FAULT_IO },        /* disk full, out of memory, too many connections */
		{ "58", RT_FAULT_IO },        /* system error, I/O error */
		{ "XX", RT_FAULT_IO },        /* internal error, data corrupted */
	};
	for (size_t i = 0; i < sizeof(classes) / sizeof(*classes); i++)
		if (!strncmp(s, classes[i].prefix, strlen(classes[i].prefix)))
			return classes[i].fault;
	return RT_FAULT_STATEMENT;
}

/*
 * Run one statement; results are discarded.  COPY FROM STDIN is refused.
 * what names the statement when a wait for a lock is reported (NULL:
 * not watched).
 */
static PGresult *run(rt_conn *c, const char *sql, const char *what, int *ok)
{
	rt_pg_watch w = c->watch;
	w.what = what;
	PGresult *res = rt_pg_exec_watched(c->pg, sql, what ? &w : NULL);
	ExecStatusType st = res ? PQresultStatus(res) : PGRES_FATAL_ERROR;
	if (st == PGRES_COPY_IN) {
		PQputCopyEnd(c->pg, "COPY FROM STDIN is not supported in migrations");
		PQclear(res);
		while ((res = PQgetResult(c->pg)) && PQresultStatus(res) != PGRES_FATAL_ERROR)
			PQclear(res);
		*ok = 0;
		return res;
	}
	if (st == PGRES_COPY_OUT) { /* rt_pg_split refuses COPY TO STDOUT; should one get here, drain it */
		char *row;
		while (PQgetCopyData(c->pg, &row, 0) > 0)
			PQfreemem(row);
		PQclear(res);
		res = PQgetResult(c->pg);
		st = res ? PQresultStatus(res) : PGRES_FATAL_ERROR;
		for (PGresult *more; (more = PQgetResult(c->pg));)
			PQclear(more);
	}
	*ok = st == PGRES_COMMAND_OK || st == PGRES_TUPLES_OK ||
	      st == PGRES_EMPTY_QUERY;
	return res;
}

/*
 * After a failed CREATE INDEX CONCURRENTLY or REINDEX CONCURRENTLY: the
 * INVALID indexes of those it builds now in the database, which
 * PostgreSQL keeps after a failed concurrent build (or a killed one, when
 * the rerun fails on the name it left) -- a rerun with IF NOT EXISTS
 * would skip them and leave, say, a unique index that enforces nothing.
 */
static void invalid_indexes(rt_conn *c, const rt_stmt *s, strbuf *sb)
{
	if (!s->nontx_kind || (strncmp(s->nontx_kind, "CREATE INDEX", 12) &&
			       strncmp(s->nontx_kind, "REINDEX", 7)) ||
	    PQtransactionStatus(c->pg) != PQTRANS_IDLE)
		return;
	strbuf cond = STRBUF_INIT;
	rt_pg_index_target(s, &cond);
	char *sql = rt_xasprintf("SELECT pg_catalog.string_agg(i.indexrelid::pg_catalog.regclass::text, ', ') "
				 "FROM pg_catalog.pg_index i WHERE NOT i.indisvalid AND (%s)", cond.buf);
	PGresult *res = PQexec(c->pg, sql);
	free(sql);
	rt_strbuf_release(&cond);
	if (res && PQresultStatus(res) == PGRES_TUPLES_OK && PQntuples(res) == 1 &&
	    !PQgetisnull(res, 0, 0))
		rt_strbuf_addf(sb, "\n  left behind: INVALID index %s (a failed concurrent build keeps it); "
				"drop it with DROP INDEX CONCURRENTLY before running again",
			    PQgetvalue(res, 0, 0));
	PQclear(res);
}

/*
 * A statement of a migration file; *rows gets the rows it changed
 * (PQcmdTuples), counted only for INSERT, UPDATE, DELETE and MERGE: a
 * SELECT's row count changes nothing, and would repeat a batch forever.
 */
static int pg_exec_rows(rt_conn *c, const rt_stmt *s, const char *file,
			long long *rows, rt_error *err)
{
	char *sql = rt_xstrndup(s->sql, s->len);
	int ok;
	char *what = rt_xasprintf("the statement at %s:%d", file ? file : "(SQL)", s->line);
	PGresult *res = run(c, sql, what, &ok);
	free(what);
	*rows = 0;
	if (ok && res) {
		const char *tag = PQcmdStatus(res);
		if (tag && (!strncmp(tag, "INSERT ", 7) || !strncmp(tag, "UPDATE ", 7) ||
			    !strncmp(tag, "DELETE ", 7) || !strncmp(tag, "MERGE ", 6)))
			*rows = strtoll(PQcmdTuples(res), NULL, 10);
	}
	if (!ok) {
		strbuf sb = STRBUF_INIT;
		long pos;
		const char *state = res ? PQresultErrorField(res, PG_DIAG_SQLSTATE) : NULL;
		snprintf(c->state, sizeof(c->state), "%s", state ? state : "");
		rt_pg_describe(res, c->pg, &sb, &pos);
		invalid_indexes(c, s, &sb);
		int line = s->line, col = s->column;
		if (pos > 0)
			rt_stmt_position(s, char_to_byte(sql, s->len, pos), &line, &col);
		rt_fail_at(err, RT_ESQL, file, line, "%s", sb.buf);
		err->column = col;
		err->fault = pg_fault(res, c->pg), err->lock_conflict = pg_lock_conflict(res);
		rt_strbuf_release(&sb);
	}
	PQclear(res);
	free(sql);
	return ok ? 0 : -1;
}

static int pg_exec_stmt(rt_conn *c, const rt_stmt *s, const char *file,
			rt_error *err)
{
	long long rows;
	return pg_exec_rows(c, s, file, &rows, err);
}

/*
 * SQLSTATEs of a statement that failed only because something it refers
 * to does not exist yet: an undefined table, column, function, object
 * (type, index, ...) or schema; a foreign key to a key not declared yet;
 * a view grouping by a primary key not declared yet (so pg_dump makes
 * such views later); an object not in the state needed yet (an index
 * attached to a partitioned one before its table is attached).
 */
static const char *const missing_states[] = {
	"42P01", "42703", "42883", "42704", "3F000", "42830", "42803", "55000", NULL,
};

/*
 * A statement of a declared schema (see dialect.h): guarded inside a
 * transaction block by a savepoint, since a failed statement aborts the
 * transaction.
 */
static int pg_exec_schema_stmt(rt_conn *c, const rt_stmt *s, const char *file, int guarded,
			       int *missing, rt_error *err)
{
	int sp = guarded && PQtransactionStatus(c->pg) == PQTRANS_INTRANS;
	*missing = 0;
	if (sp && pg_exec(c, "SAVEPOINT retort_schema", err) < 0)
		return -1;
	if (pg_exec_stmt(c, s, file, err) == 0)
		return sp ? pg_exec(c, "RELEASE SAVEPOINT retort_schema", err) : 0;
	for (int i = 0; missing_states[i] && !*missing; i++)
		*missing = !strcmp(c->state, missing_states[i]);
	rt_error e = { 0 };
	if (sp && pg_exec(c, "ROLLBACK TO SAVEPOINT retort_schema", &e) < 0)
		*missing = 0; /* the transaction cannot go on */
	rt_error_clear(&e);
	return -1;
}

/*
 * SQL retort generated itself (see dialect.h); an error (RT_EDB) names the
 * masked URL and quotes the statement, since it is no file's.
 */
static int pg_exec(rt_conn *c, const char *sql, rt_error *err)
{
	int ok;
	char *what = rt_xasprintf("retort's statement %.40s%s", sql, strlen(sql) > 40 ? "..." : "");
	PGresult *res = run(c, sql, what, &ok);
	free(what);
	if (!ok) {
		strbuf sb = STRBUF_INIT;
		long pos;
		rt_pg_describe(res, c->pg, &sb, &pos);
		rt_fail(err, RT_EDB, "%s: %s (in: %s)", c->masked, sb.buf, sql);
		if (err)
			err->fault = pg_fault(res, c->pg), err->lock_conflict = pg_lock_conflict(res);
		rt_strbuf_release(&sb);
	}
	PQclear(res);
	return ok ? 0 : -1;
}

/*
 * The dialect's query: fn gets each row, SQL NULL as a NULL pointer, and
 * returns nonzero to skip the remaining rows (not an error).  The whole
 * result is held in memory (PQexec).
 */
static int pg_query(rt_conn *c, const char *sql, rt_row_fn fn, void *ud,
		    rt_error *err)
{
	PGresult *res = PQexec(c->pg, sql);
	if (!res || PQresultStatus(res) != PGRES_TUPLES_OK) {
		strbuf sb = STRBUF_INIT;
		long pos;
		rt_pg_describe(res, c->pg, &sb, &pos);
		rt_fail(err, RT_EDB, "%s: %s (in: %s)", c->masked, sb.buf, sql);
		rt_strbuf_release(&sb);
		PQclear(res);
		return -1;
	}
	int n = PQnfields(res), rows = PQntuples(res);
	const char **vals = rt_xcalloc((size_t)(n ? n : 1), sizeof(char *));
	for (int r = 0; r < rows; r++) {
		for (int i = 0; i < n; i++)
			vals[i] = PQgetisnull(res, r, i) ? NULL : PQgetvalue(res, r, i);
		if (fn(ud, n, vals) != 0)
			break;
	}
	free(vals);
	PQclear(res);
	return 0;
}

static int first_value(void *ud, int n, const char *const *v)
{
	strbuf *sb = ud;
	if (n > 0 && v[0])
		rt_strbuf_adds(sb, v[0]);
	return 1;
}

/*
 * to_regclass of the quoted name: NULL when there is no such relation
 * (where a ::regclass cast would raise an error), and with schema NULL the
 * session's search_path decides where to look.
 */
static int pg_table_exists(rt_conn *c, const char *schema, const char *table,
			   int *exists, rt_error *err)
{
	strbuf name = STRBUF_INIT, sql = STRBUF_INIT, out = STRBUF_INIT;
	if (schema) {
		rt_pg_ident(&name, schema);
		rt_strbuf_addc(&name, '.');
	}
	rt_pg_ident(&name, table);
	rt_strbuf_adds(&sql, "SELECT pg_catalog.to_regclass(");
	rt_sql_literal(&sql, name.buf);
	rt_strbuf_adds(&sql, ") IS NOT NULL");
	int rc = pg_query(c, sql.buf, first_value, &out, err);
	*exists = rc == 0 && !strcmp(rt_strbuf_str(&out), "t");
	rt_strbuf_release(&name);
	rt_strbuf_release(&sql);
	rt_strbuf_release(&out);
	return rc;
}

/*
 * See dialect.h.  version_table_schema when set; else the schema in which
 * the search_path finds the version table (as Alembic finds
 * alembic_version); else the first schema of the search_path that exists,
 * where CREATE TABLE would put it.  Read once per connection, before any
 * migration runs: a migration's SET search_path or CREATE SCHEMA (of a
 * schema named first in the search_path) cannot move the tables, within a
 * run or from one run to the next.
 */
int rt_pg_tables_schema(rt_conn *c, const rt_config *cfg, const char **schema,
			rt_error *err)
{
	*schema = cfg->version_table_schema;
	if (*schema)
		return 0;
	if (!c->tables_schema) {
		strbuf name = STRBUF_INIT, sql = STRBUF_INIT, out = STRBUF_INIT;
		rt_pg_ident(&name, cfg->version_table);
		rt_strbuf_adds(&sql, "SELECT coalesce((SELECT n.nspname FROM pg_catalog.pg_class c "
				     "JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace "
				     "WHERE c.oid = pg_catalog.to_regclass(");
		rt_sql_literal(&sql, name.buf);
		rt_strbuf_adds(&sql, ")), pg_catalog.current_schema())");
		int rc = pg_query(c, sql.buf, first_value, &out, err);
		if (rc == 0 && out.len)
			c->tables_schema = rt_strbuf_detach(&out);
		rt_strbuf_release(&name);
		rt_strbuf_release(&sql);
		rt_strbuf_release(&out);
		if (rc < 0)
			return -1;
		if (!c->tables_schema) {
			rt_fail(err, RT_EDB, "no schema of the search_path exists on %s, so retort has no schema for its version table %s",
				c->masked, cfg->version_table);
			rt_hint(err, "create the schema first, or set version_table_schema in retort.ini (e.g. version_table_schema = public)");
			return -1;
		}
	}
	*schema = c->tables_schema;
	return 0;
}

static int pg_begin(rt_conn *c, rt_error *err)
{
	if (pg_exec(c, "BEGIN", err) < 0)
		return -1;
	c->in_tx = 1;
	return 0;
}

static int pg_commit(rt_conn *c, rt_error *err)
{
	c->in_tx = 0;
	return pg_exec(c, "COMMIT", err);
}

static void pg_rollback(rt_conn *c)
{
	PQclear(PQexec(c->pg, "ROLLBACK"));
	c->in_tx = 0;
}

/* The lock key: FNV-1a of database, schema and version table. */
static int64_t lock_key(rt_conn *c, const rt_config *cfg)
{
	uint64_t h = 1469598103934665603ULL;
	char *s = rt_xasprintf("retort:%s:%s.%s", PQdb(c->pg),
			    cfg->version_table_schema ? cfg->version_table_schema : "",
			    cfg->version_table);
	for (const char *p = s; *p; p++) {
		h ^= (unsigned char)*p;
		h *= 1099511628211ULL;
	}
	free(s);
	return (int64_t)h;
}

/* Who holds the advisory lock: "pid 123 (retort), holding since ...". */
static void lock_holder(rt_conn *c, int64_t key, strbuf *out)
{
	uint64_t k = (uint64_t)key;
	char *sql = rt_xasprintf(
		"SELECT a.pid || ' (application_name ' || coalesce(nullif(a.application_name, ''), 'none') "
		"|| ', connected since ' || to_char(a.backend_start, 'YYYY-MM-DD HH24:MI:SS TZ') || ')' "
		"FROM pg_catalog.pg_locks l JOIN pg_catalog.pg_stat_activity a ON a.pid = l.pid "
		"WHERE l.locktype = 'advisory' AND l.granted AND l.classid = %u AND l.objid = %u AND l.objsubid = 1",
		(unsigned)(k >> 32), (unsigned)(k & 0xffffffffu));
	rt_error e = { 0 };
	if (pg_query(c, sql, first_value, out, &e) < 0)
		rt_error_clear(&e);
	free(sql);
}

static double mono(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/*
 * The session-level advisory lock (see the file header), polled with
 * pg_try_advisory_lock every 50 ms at first, the pause growing by half up
 * to about 0.6 s, for at most cfg->lock_wait seconds.  The first wait is
 * reported once through fn, naming the backend that holds the lock.
 */
static int pg_lock(rt_conn *c, const rt_config *cfg, rt_event_fn fn, void *ud,
		   rt_error *err)
{
	int64_t key = lock_key(c, cfg);
	c->watch.fn = fn; /* from now on, statements that wait for a lock say so */
	c->watch.ud = ud;
	char *sql = rt_xasprintf("SELECT pg_catalog.pg_try_advisory_lock(%lld)", (long long)key);
	double start = mono(), delay = 0.05;
	int told = 0, rc = 0;
	for (;;) {
		strbuf got = STRBUF_INIT;
		if (pg_query(c, sql, first_value, &got, err) < 0) {
			rt_strbuf_release(&got);
			rc = -1;
			break;
		}
		int ok = !strcmp(rt_strbuf_str(&got), "t");
		rt_strbuf_release(&got);
		if (ok) {
			c->lockkey = key;
			c->locked = 1;
			break;
		}
		strbuf who = STRBUF_INIT;
		lock_holder(c, key, &who);
		if (mono() - start >= cfg->lock_wait) {
			rc = rt_fail(err, RT_ELOCK,
				     "another retort held the migration lock on %s for more than %g s (holder: backend %s)",
				     c->masked, cfg->lock_wait, who.len ? who.buf : "unknown");
			rt_hint(err, "wait for it to finish, or raise lock_wait in retort.ini; pg_terminate_backend(pid) ends a stuck one");
			rt_fix_with(err, RT_FIX_SET, "lock_wait");
			rt_strbuf_release(&who);
			break;
		}
		if (!told && fn) {
			char *text = rt_xasprintf("waiting up to %g s for the migration lock, held by backend %s",
					       cfg->lock_wait, who.len ? who.buf : "(unknown)");
			rt_event ev = { .kind = RT_EV_LOCK_WAIT, .text = text };
			fn(&ev, ud);
			free(text);
			told = 1;
		}
		rt_strbuf_release(&who);
		struct timespec ts = { 0, (long)(delay * 1e9) };
		nanosleep(&ts, NULL);
		if (delay < 0.5)
			delay *= 1.5;
	}
	free(sql);
	return rc;
}

/*
 * Release the advisory lock, if held.  A transaction still open (after a
 * failure) is rolled back first: in an aborted transaction the server
 * would refuse the unlock.
 */
static void pg_unlock(rt_conn *c)
{
	if (!c->locked)
		return;
	if (c->in_tx)
		pg_rollback(c);
	char *sql = rt_xasprintf("SELECT pg_catalog.pg_advisory_unlock(%lld)", (long long)c->lockkey);
	PQclear(PQexec(c->pg, sql));
	free(sql);
	c->locked = 0;
}

/*
 * The history table (name already quoted and qualified): one row per
 * upgrade, downgrade or stamp, with checksum, time, duration and user.
 */
static void pg_history_ddl(strbuf *sb, const char *name)
{
	rt_strbuf_addf(sb, "CREATE TABLE IF NOT EXISTS %s (\n"
			"    id BIGINT GENERATED BY DEFAULT AS IDENTITY PRIMARY KEY,\n"
			"    revision VARCHAR(32),\n"
			"    direction VARCHAR(10) NOT NULL,\n"
			"    from_revisions TEXT,\n"
			"    to_revisions TEXT,\n"
			"    checksum VARCHAR(80),\n"
			"    started_at TIMESTAMP WITH TIME ZONE NOT NULL,\n"
			"    duration_ms INTEGER,\n"
			"    db_user VARCHAR(128),\n"
			"    retort_version VARCHAR(32) NOT NULL,\n"
			"    run_id VARCHAR(40),\n"
			"    outcome VARCHAR(16),\n"
			"    failure TEXT\n"
			")", name);
}

static void pg_user_expr(rt_conn *c, strbuf *sb)
{
	(void)c;
	rt_strbuf_adds(sb, "current_user");
}

int rt_pg_in_transaction(rt_conn *c)
{
	return PQtransactionStatus(c->pg) != PQTRANS_IDLE;
}

/* See pg_internal.h. */
rt_pg_fp_state *rt_pg_fingerprint_state(rt_conn *c)
{
	return &c->fp;
}

static const char *const pg_schemes[] = { "postgresql", "postgres", NULL };
static const char *const pg_names[] = { "postgresql", "postgres", "pg", NULL };
static const char *const pg_settings[] = {
	"version_table_schema", "search_path", "lock_timeout", "statement_timeout", NULL
};
/*
 * A value as a literal PostgreSQL reads back as exactly it: '...' with
 * quotes doubled; a value holding a backslash is written E'...' with
 * backslashes doubled, which reads the same whatever
 * standard_conforming_strings says.
 */
static void pg_quote_literal(strbuf *sb, const char *val)
{
	int esc = strchr(val, '\\') != NULL;
	rt_strbuf_adds(sb, esc ? "E'" : "'");
	for (const char *p = val; *p; p++) {
		if (*p == '\'' || (esc && *p == '\\'))
			rt_strbuf_addc(sb, *p);
		rt_strbuf_addc(sb, *p);
	}
	rt_strbuf_addc(sb, '\'');
}

static const rt_lexrules pg_lex = {
	.nested_comments = 1, .e_strings = 1, .dollar_quotes = 1,
	.quote_literal = pg_quote_literal, .quote_ident = rt_sql_quote_ident,
};

const rt_dialect rt_dialect_postgres = {
	.name = "postgresql",
	.title = "PostgreSQL",
	.names = pg_names,
	.schemes = pg_schemes,
	.url_examples = "postgresql://user@host/dbname and libpq strings such as 'host=/run/postgresql dbname=app' "
		"(SQLAlchemy's postgresql+driver:// forms too)",
	.settings = pg_settings,
	.error_prefix = "",
	.lex = &pg_lex,
	.ident = rt_pg_ident,
	.literal = rt_sql_literal,
	.lint = rt_lint_pg,
	.connect = pg_connect,
	.disconnect = pg_disconnect,
	.exec_stmt = pg_exec_stmt,
	.exec_rows = pg_exec_rows,
	.exec_schema_stmt = pg_exec_schema_stmt,
	.backup = rt_pg_backup,
	.backup_ext = "dump",
	.exec = pg_exec,
	.query = pg_query,
	.table_exists = pg_table_exists,
	.begin = pg_begin,
	.commit = pg_commit,
	.rollback = pg_rollback,
	.lock = pg_lock,
	.unlock = pg_unlock,
	.split = rt_pg_split,
	.session_state = rt_pg_session_state,
	.tables_schema = rt_pg_tables_schema,
	.leftovers = rt_pg_leftovers,
	.session_undo = rt_pg_session_undo,
	.session_reset_sql = rt_pg_session_reset_sql,
	.session_sql = pg_session_sql,
	.begin_sql = "BEGIN",
	.commit_sql = "COMMIT",
	.version_table_ddl = rt_version_table_ddl,
	.history_table_ddl = pg_history_ddl,
	.time_text = "to_char(%s AT TIME ZONE 'UTC', 'YYYY-MM-DD\"T\"HH24:MI:SS.MS\"Z\"')",
	.user_expr = pg_user_expr,
	.now_expr = "now()",
	.introspect = rt_pg_introspect,
	.diff = rt_pg_diff,
	.rename = rt_pg_rename,
	.scratch_create = rt_pg_scratch_create,
	.fingerprint = rt_pg_fingerprint,
	.scratch_sweep = rt_pg_scratch_sweep,
	.scratch_spare = rt_pg_scratch_spare,
	.scratch_drop = rt_pg_scratch_drop,
};
