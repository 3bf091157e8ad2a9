/*
 * mysql.c - the MySQL and MariaDB dialect: connections, statements,
 * transactions, the migration lock and retort's own tables.
 *
 * MySQL commits implicitly around DDL, so a migration cannot be one
 * transaction the way it is on PostgreSQL and SQLite.  The splitter marks
 * such statements (rt_stmt.autocommit) and the runner records each one as
 * it completes (see docs/mysql.md); this file only runs what it is given.
 *
 * The migration lock is GET_LOCK on a connection of its own, opened for
 * the lock and held for the whole run: the lock belongs to a session,
 * and a session that only holds the lock is never in a state (a failed
 * statement, a reconnect) that could lose it.  A killed retort's session
 * ends with its socket, and the server frees the lock then.
 */
#include "internal.h"
#include "dialect/dialect.h"
#include "dialect/mysql/libmariadb.h"
#include "dialect/mysql/mysql_internal.h"
#include "lint/lint.h"
#include "sqltext.h"

#include <errmsg.h>
#include <mysqld_error.h>
#include <pthread.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

struct rt_conn {
	const rt_dialect *dialect; /* first, as in every dialect */
	MYSQL *my;
	MYSQL *lock;     /* the lock's own session while the lock is held */
	char *lockname;
	char *masked;    /* URL for messages, password hidden */
	char *url;       /* to open the lock's session like this one */
	int in_tx;
	int mariadb;
	rt_strlist temps; /* names CREATE TEMPORARY TABLE statements gave (rt_my_temp_tables) */
};

/* Connect one session for url (db NULL: the URL's); an error names the masked URL. */
static MYSQL *open_session(const char *url, const char *db_override, int use_db,
			   rt_error *err)
{
	rt_my_url u;
	if (rt_my_url_parse(url, &u, err) < 0)
		return NULL;
	MYSQL *my = mysql_init(NULL);
	if (!my) {
		rt_my_url_free(&u);
		rt_fail(err, RT_EDB, "out of memory");
		return NULL;
	}
	unsigned int zero = 0;
	my_bool yes = 1;
	mysql_options(my, MYSQL_OPT_LOCAL_INFILE, &zero); /* a migration never reads client files */
	mysql_options(my, MYSQL_SET_CHARSET_NAME, u.charset);
	mysql_options(my, MYSQL_READ_DEFAULT_GROUP, "client"); /* ~/.my.cnf, as the mysql client */
	if (u.connect_timeout)
		mysql_options(my, MYSQL_OPT_CONNECT_TIMEOUT, &u.connect_timeout);
	if (u.ssl_mode && strcmp(u.ssl_mode, "DISABLED") && strcmp(u.ssl_mode, "PREFERRED")) {
		mysql_options(my, MYSQL_OPT_SSL_ENFORCE, &yes);
		if (!strcmp(u.ssl_mode, "VERIFY_CA") || !strcmp(u.ssl_mode, "VERIFY_IDENTITY"))
			mysql_options(my, MYSQL_OPT_SSL_VERIFY_SERVER_CERT, &yes);
	}
	if (u.ssl_ca)
		mysql_options(my, MYSQL_OPT_SSL_CA, u.ssl_ca);
	if (u.ssl_capath)
		mysql_options(my, MYSQL_OPT_SSL_CAPATH, u.ssl_capath);
	if (u.ssl_cert)
		mysql_options(my, MYSQL_OPT_SSL_CERT, u.ssl_cert);
	if (u.ssl_key)
		mysql_options(my, MYSQL_OPT_SSL_KEY, u.ssl_key);
	if (u.ssl_cipher)
		mysql_options(my, MYSQL_OPT_SSL_CIPHER, u.ssl_cipher);
	const char *db = !use_db ? NULL : db_override ? db_override : u.db;
	MYSQL *ok = mysql_real_connect(my, u.host, u.user, u.password, db, u.port,
				       u.socket, CLIENT_MULTI_RESULTS);
	if (!ok) {
		char *masked = rt_url_mask(url);
		strbuf msg = STRBUF_INIT;
		rt_strbuf_adds(&msg, mysql_error(my));
		if (u.password && strlen(u.password) > 1) { /* never echo it back */
			char *hit;
			while ((hit = strstr(msg.buf, u.password))) {
				size_t at = (size_t)(hit - msg.buf), n = strlen(u.password);
				strbuf t = STRBUF_INIT;
				rt_strbuf_add(&t, msg.buf, at);
				rt_strbuf_adds(&t, "***");
				rt_strbuf_adds(&t, msg.buf + at + n);
				rt_strbuf_release(&msg);
				msg = t;
			}
		}
		unsigned code = mysql_errno(my);
		rt_fail(err, RT_EDB, "cannot connect to %s: %s (error %u)", masked, msg.buf, code);
		if (code == ER_BAD_DB_ERROR)
			rt_hint(err, "create the database first (CREATE DATABASE %s CHARACTER SET utf8mb4), or fix the URL",
				db ? db : "name");
		else
			rt_hint(err, "check the URL (url in retort.ini, DATABASE_URL or --url), that the server runs, and the password (~/.my.cnf [client] or the URL)");
		rt_strbuf_release(&msg);
		free(masked);
		mysql_close(my);
		rt_my_url_free(&u);
		return NULL;
	}
	rt_my_url_free(&u);
	return my;
}

static int my_exec(rt_conn *c, const char *sql, rt_error *err);

/*
 * lock_timeout as MySQL's lock_wait_timeout, in whole seconds (at least
 * 1): "5s", "500ms", "2min", "1h" or a number of milliseconds, as
 * PostgreSQL reads it.  0 when it cannot be read.
 */
static long timeout_seconds(const char *v)
{
	char *end;
	double n = strtod(v, &end);
	while (*end == ' ')
		end++;
	double ms = !*end || !strcmp(end, "ms") ? n
		  : !strcmp(end, "s") ? n * 1e3
		  : !strcmp(end, "min") ? n * 60e3
		  : !strcmp(end, "h") ? n * 3600e3 : -1;
	if (ms <= 0)
		return 0;
	long s = (long)((ms + 999) / 1000);
	return s < 1 ? 1 : s;
}

/* SET statements for the migration session, from the configuration. */
static void my_session_sql(const rt_config *cfg, rt_strlist *out)
{
	long s = cfg->lock_timeout ? timeout_seconds(cfg->lock_timeout) : 0;
	if (s) {
		char *sql = rt_xasprintf("SET SESSION lock_wait_timeout = %ld", s);
		rt_strlist_push(out, sql);
		free(sql);
	}
}

static int my_query(rt_conn *c, const char *sql, rt_row_fn fn, void *ud,
		    rt_error *err);

static int mode_row(void *ud, int n, const char *const *v)
{
	*(int *)ud = n > 0 && v[0] && strstr(v[0], "NO_BACKSLASH_ESCAPES") != NULL;
	return 0;
}

/*
 * Does the session read a backslash in a string as a plain character
 * (sql_mode NO_BACKSLASH_ESCAPES, from the server's configuration or an
 * init-command)?  Unknown is the server's default: escapes.
 */
static int no_backslash_escapes(rt_conn *c)
{
	int on = 0;
	rt_error e = { 0 };
	my_query(c, "SELECT @@SESSION.sql_mode", mode_row, &on, &e);
	rt_error_clear(&e);
	return on;
}

/*
 * The dialect of a session with NO_BACKSLASH_ESCAPES: MySQL's, whose
 * splitter reads a backslash in a string as a plain character.  Only the
 * splitter differs: checksums and placeholders keep the default lexical
 * rules, so a recorded checksum does not depend on the session, and
 * literals retort writes read the same under both modes (rt_my_literal).
 */
static rt_dialect no_backslash;
static pthread_once_t no_backslash_once = PTHREAD_ONCE_INIT;

static void init_no_backslash(void)
{
	no_backslash = rt_dialect_mysql;
	no_backslash.split = rt_mysql_split_no_backslash;
}

const rt_dialect *rt_my_dialect_no_backslash(void)
{
	pthread_once(&no_backslash_once, init_no_backslash);
	return &no_backslash;
}

/*
 * The dialect's connect (see dialect.h).  As on PostgreSQL, a database
 * that does not exist is a connection error, readonly or not; the hint
 * says how to create it.
 */
static rt_conn *my_connect(const rt_config *cfg, int readonly, int *missing,
			   rt_error *err)
{
	(void)readonly;
	*missing = 0;
	if (rt_libmariadb_load(err) < 0)
		return NULL;
	MYSQL *my = open_session(cfg->url, NULL, 1, err);
	if (!my)
		return NULL;
	rt_conn *c = rt_xcalloc(1, sizeof(*c));
	c->dialect = &rt_dialect_mysql;
	c->my = my;
	c->masked = rt_url_mask(cfg->url);
	c->url = rt_xstrdup(cfg->url);
	const char *info = mysql_get_server_info(my);
	c->mariadb = info && strstr(info, "MariaDB") != NULL;
	rt_strlist setup = { 0 };
	my_session_sql(cfg, &setup);
	for (size_t i = 0; i < setup.n; i++)
		if (my_exec(c, setup.v[i], err) < 0) {
			rt_strlist_free(&setup);
			mysql_close(c->my);
			free(c->masked);
			free(c->url);
			free(c);
			return NULL;
		}
	rt_strlist_free(&setup);
	if (no_backslash_escapes(c))
		c->dialect = rt_my_dialect_no_backslash();
	return c;
}

static void my_unlock(rt_conn *c);

static void my_disconnect(rt_conn *c)
{
	if (!c)
		return;
	my_unlock(c);
	mysql_close(c->my);
	free(c->masked);
	free(c->url);
	rt_strlist_free(&c->temps);
	free(c);
}

const rt_strlist *rt_my_temp_tables(rt_conn *c)
{
	return &c->temps;
}

int rt_my_is_mariadb(rt_conn *c)
{
	return c->mariadb;
}

/*
 * The server's message with its error number and SQLSTATE: "Table 'x'
 * already exists (MariaDB error 1050, SQLSTATE 42S01)".
 */
static void describe(rt_conn *c, MYSQL *my, strbuf *sb)
{
	rt_strbuf_addf(sb, "%s (%s error %u, SQLSTATE %s)", mysql_error(my),
		       c->mariadb ? "MariaDB" : "MySQL", mysql_errno(my), mysql_sqlstate(my));
}

/*
 * Run sql and read every result it sends (a CALL may send several), so
 * the session is ready for the next statement.  *rows gets the rows the
 * first result changed (none for one that returned rows).  0, or -1 with
 * the server's error left on the session.
 */
static int run(MYSQL *my, const char *sql, size_t len, long long *rows)
{
	*rows = 0;
	if (mysql_real_query(my, sql, (unsigned long)len) != 0)
		return -1;
	int first = 1, st;
	do {
		MYSQL_RES *res = mysql_store_result(my);
		if (res) {
			mysql_free_result(res);
		} else if (mysql_field_count(my) != 0) {
			return -1; /* rows were due but could not be read */
		} else if (first) {
			my_ulonglong n = mysql_affected_rows(my);
			*rows = n == (my_ulonglong)-1 ? 0 : (long long)n;
		}
		first = 0;
	} while ((st = mysql_next_result(my)) == 0);
	return st > 0 ? -1 : 0;
}

/*
 * A syntax error says "... near 'text' at line N", N counting from the
 * statement's first line: find that place in the statement, so the error
 * points at the file's line and column.
 */
static void error_position(const rt_stmt *s, const char *msg, int *line, int *col)
{
	const char *at = strstr(msg, " at line ");
	const char *near = strstr(msg, "near '");
	if (!at)
		return;
	int n = atoi(at + 9);
	if (n < 1)
		return;
	size_t off = 0;
	for (int l = 1; l < n && off < s->len; off++)
		if (s->sql[off] == '\n')
			l++;
	if (near && near < at) {
		/* the quoted text runs to the "' at line" that ends the message */
		size_t k = (size_t)(at - near - 6);
		if (k > 20)
			k = 20;
		for (size_t i = off; k && i + k <= s->len; i++)
			if (!memcmp(s->sql + i, near + 6, k)) {
				off = i;
				break;
			}
	}
	rt_stmt_position(s, off, line, col);
}

/*
 * What kind of failure the server reported (see rt_fault): by the error
 * number where MySQL's SQLSTATE is the catch-all HY000 (lock waits,
 * privileges, a full disk), else by the SQLSTATE class.
 */
static rt_fault my_fault(MYSQL *my)
{
	unsigned e = mysql_errno(my);
	switch (e) {
	case ER_LOCK_WAIT_TIMEOUT: case ER_LOCK_DEADLOCK: case ER_STATEMENT_TIMEOUT:
	case ER_USER_LOCK_DEADLOCK:
		return RT_FAULT_LOCK;
	case ER_DBACCESS_DENIED_ERROR: case ER_TABLEACCESS_DENIED_ERROR:
	case ER_SPECIFIC_ACCESS_DENIED_ERROR: case ER_OPTION_PREVENTS_STATEMENT:
		return RT_FAULT_PERMISSION;
	case ER_DISK_FULL: case ER_RECORD_FILE_FULL:
		return RT_FAULT_IO;
	case CR_SERVER_GONE_ERROR: case CR_SERVER_LOST:
		return RT_FAULT_CONNECTION;
	}
	const char *s = mysql_sqlstate(my);
	if (s && !strncmp(s, "23", 2))
		return RT_FAULT_CONSTRAINT;
	if (s && !strncmp(s, "22", 2))
		return RT_FAULT_DATA;
	if (s && !strncmp(s, "08", 2))
		return RT_FAULT_CONNECTION;
	if (s && !strncmp(s, "40", 2))
		return RT_FAULT_LOCK;
	return RT_FAULT_STATEMENT;
}

/*
 * A statement of a migration file; *rows gets the rows it changed
 * (affected rows: changed, not merely matched, so a batch whose UPDATE
 * finds nothing more to change ends).
 */
static int my_exec_rows(rt_conn *c, const rt_stmt *s, const char *file,
			long long *rows, rt_error *err)
{
	if (run(c->my, s->sql, s->len, rows) == 0) {
		strbuf name = STRBUF_INIT;
		if (s->session && rt_my_temp_table(s->sql, s->len, &name) &&
		    !rt_strlist_has(&c->temps, name.buf))
			rt_strlist_push(&c->temps, name.buf);
		rt_strbuf_release(&name);
		return 0;
	}
	strbuf sb = STRBUF_INIT;
	describe(c, c->my, &sb);
	int line = s->line, col = s->column;
	if (mysql_errno(c->my) == ER_PARSE_ERROR)
		error_position(s, mysql_error(c->my), &line, &col);
	rt_fail_at(err, RT_ESQL, file, line, "%s", sb.buf);
	err->column = col;
	err->fault = my_fault(c->my);
	rt_strbuf_release(&sb);
	return -1;
}

static int my_exec_stmt(rt_conn *c, const rt_stmt *s, const char *file,
			rt_error *err)
{
	long long rows;
	return my_exec_rows(c, s, file, &rows, err);
}

/*
 * A statement of a declared schema (see dialect.h).  It failed only for
 * something it refers to that does not exist yet when the server says
 * so: an unknown table, column or routine, a view over one, a foreign
 * key to a table not created yet (MySQL: 1824, 1215; MariaDB: 1005 with
 * errno 150).  A failed statement leaves a transaction usable on MySQL,
 * so guarded needs nothing.
 */
static int my_exec_schema_stmt(rt_conn *c, const rt_stmt *s, const char *file,
			       int guarded, int *missing, rt_error *err)
{
	(void)guarded;
	*missing = 0;
	if (my_exec_stmt(c, s, file, err) == 0)
		return 0;
	switch (mysql_errno(c->my)) {
	case ER_NO_SUCH_TABLE: case ER_BAD_FIELD_ERROR: case ER_SP_DOES_NOT_EXIST:
	case ER_VIEW_INVALID: case ER_FK_CANNOT_OPEN_PARENT: case ER_CANNOT_ADD_FOREIGN:
		*missing = 1;
		break;
	case ER_CANT_CREATE_TABLE:
		*missing = strstr(mysql_error(c->my), "errno: 150") != NULL;
		break;
	}
	return -1;
}

/* SQL retort generated itself; an error (RT_EDB) names the masked URL and quotes it. */
static int my_exec(rt_conn *c, const char *sql, rt_error *err)
{
	long long rows;
	if (run(c->my, sql, strlen(sql), &rows) == 0)
		return 0;
	strbuf sb = STRBUF_INIT;
	describe(c, c->my, &sb);
	rt_fail(err, RT_EDB, "%s: %s (in: %s)", c->masked, sb.buf, sql);
	rt_strbuf_release(&sb);
	return -1;
}

/* A query on session my of c (the connection's own, or its lock's). */
static int query_on(rt_conn *c, MYSQL *my, const char *sql, rt_row_fn fn, void *ud,
		    rt_error *err)
{
	MYSQL_RES *res = NULL;
	if (mysql_real_query(my, sql, (unsigned long)strlen(sql)) != 0 ||
	    !(res = mysql_store_result(my))) {
		strbuf sb = STRBUF_INIT;
		if (mysql_errno(my))
			describe(c, my, &sb);
		else
			rt_strbuf_adds(&sb, "the statement returned no rows to read");
		rt_fail(err, RT_EDB, "%s: %s (in: %s)", c->masked, sb.buf, sql);
		rt_strbuf_release(&sb);
		while (mysql_next_result(my) == 0)
			mysql_free_result(mysql_store_result(my));
		return -1;
	}
	int n = (int)mysql_num_fields(res);
	MYSQL_ROW row;
	while ((row = mysql_fetch_row(res)))
		if (fn(ud, n, (const char *const *)row) != 0)
			break;
	mysql_free_result(res);
	while (mysql_next_result(my) == 0)
		mysql_free_result(mysql_store_result(my));
	return 0;
}

/* The dialect's query: fn gets each row, SQL NULL as NULL; nonzero stops (not an error). */
static int my_query(rt_conn *c, const char *sql, rt_row_fn fn, void *ud,
		    rt_error *err)
{
	return query_on(c, c->my, sql, fn, ud, err);
}

static int first_value(void *ud, int n, const char *const *v)
{
	if (n > 0 && v[0])
		rt_strbuf_adds(ud, v[0]);
	return 1;
}

/* In the connection's database (MySQL has no schemas within one: schema is unused). */
static int my_table_exists(rt_conn *c, const char *schema, const char *table,
			   int *exists, rt_error *err)
{
	(void)schema;
	strbuf sql = STRBUF_INIT, out = STRBUF_INIT;
	rt_strbuf_adds(&sql, "SELECT COUNT(*) FROM information_schema.tables "
			     "WHERE table_schema = DATABASE() AND table_name = ");
	rt_my_literal(&sql, table);
	int rc = my_query(c, sql.buf, first_value, &out, err);
	*exists = rc == 0 && strcmp(rt_strbuf_str(&out), "0") != 0;
	rt_strbuf_release(&sql);
	rt_strbuf_release(&out);
	return rc;
}

static int my_begin(rt_conn *c, rt_error *err)
{
	if (my_exec(c, "BEGIN", err) < 0)
		return -1;
	c->in_tx = 1;
	return 0;
}

static int my_commit(rt_conn *c, rt_error *err)
{
	c->in_tx = 0;
	return my_exec(c, "COMMIT", err);
}

static void my_rollback(rt_conn *c)
{
	long long rows;
	run(c->my, "ROLLBACK", 8, &rows);
	c->in_tx = 0;
}

/*
 * The lock's name: database and version table, as on PostgreSQL; GET_LOCK
 * takes at most 64 characters, so a longer one becomes its FNV-1a hash.
 */
static char *lock_name(rt_conn *c, const rt_config *cfg)
{
	strbuf db = STRBUF_INIT;
	if (my_query(c, "SELECT DATABASE()", first_value, &db, NULL) < 0)
		rt_strbuf_reset(&db);
	char *name = rt_xasprintf("retort:%s.%s", rt_strbuf_str(&db), cfg->version_table);
	rt_strbuf_release(&db);
	if (strlen(name) <= 64)
		return name;
	uint64_t h = 1469598103934665603ULL;
	for (const char *p = name; *p; p++) {
		h ^= (unsigned char)*p;
		h *= 1099511628211ULL;
	}
	free(name);
	return rt_xasprintf("retort:%016llx", (unsigned long long)h);
}

/* Who holds the lock: "connection 12 (root@localhost, in the server for 3 s)". */
static void lock_holder(rt_conn *c, const char *quoted, strbuf *out)
{
	char *sql = rt_xasprintf(
		"SELECT CONCAT('connection ', p.id, ' (', p.user, '@', p.host, ', connected for ', p.time, ' s)') "
		"FROM information_schema.processlist p WHERE p.id = IS_USED_LOCK(%s)", quoted);
	rt_error e = { 0 };
	if (my_query(c, sql, first_value, out, &e) < 0)
		rt_error_clear(&e);
	free(sql);
}

/*
 * The migration lock (see the file header): GET_LOCK on a session of its
 * own, tried at once and, when another session holds it, waited for in
 * one GET_LOCK with the rest of cfg->lock_wait as its timeout.  The wait
 * is reported once through fn, naming the holder.
 */
static int my_lock(rt_conn *c, const rt_config *cfg, rt_event_fn fn, void *ud,
		   rt_error *err)
{
	MYSQL *lk = open_session(c->url, NULL, 1, err);
	if (!lk)
		return -1;
	char *name = lock_name(c, cfg);
	strbuf q = STRBUF_INIT;
	rt_my_literal(&q, name);
	int rc = 0;
	for (int attempt = 0; attempt < 2; attempt++) {
		char *sql = rt_xasprintf("SELECT GET_LOCK(%s, %g)", q.buf, attempt ? cfg->lock_wait : 0.0);
		strbuf got = STRBUF_INIT;
		int qr = query_on(c, lk, sql, first_value, &got, err);
		free(sql);
		if (qr < 0) {
			rt_strbuf_release(&got);
			rc = -1;
			break;
		}
		int ok = !strcmp(rt_strbuf_str(&got), "1");
		rt_strbuf_release(&got);
		if (ok) {
			c->lock = lk;
			c->lockname = name;
			name = NULL;
			lk = NULL;
			break;
		}
		strbuf who = STRBUF_INIT;
		lock_holder(c, q.buf, &who);
		if (attempt) {
			rc = rt_fail(err, RT_ELOCK,
				     "another retort held the migration lock on %s for more than %g s (holder: %s)",
				     c->masked, cfg->lock_wait, who.len ? who.buf : "unknown");
			rt_hint(err, "wait for it to finish, or raise lock_wait in retort.ini (or --lock-wait); KILL <connection> ends a stuck one");
		} else if (fn) {
			char *text = rt_xasprintf("waiting up to %g s for the migration lock, held by %s",
						  cfg->lock_wait, who.len ? who.buf : "(unknown)");
			rt_event ev = { .kind = RT_EV_LOCK_WAIT, .text = text };
			fn(&ev, ud);
			free(text);
		}
		rt_strbuf_release(&who);
		if (cfg->lock_wait <= 0 && !attempt) {
			rc = rt_fail(err, RT_ELOCK, "another retort holds the migration lock on %s", c->masked);
			rt_hint(err, "wait for it to finish, or raise lock_wait in retort.ini (or --lock-wait)");
			break;
		}
	}
	rt_strbuf_release(&q);
	free(name);
	if (lk)
		mysql_close(lk);
	return rc;
}

/* Release the lock by ending its session; a transaction left open is rolled back first. */
static void my_unlock(rt_conn *c)
{
	if (c->in_tx)
		my_rollback(c);
	if (!c->lock)
		return;
	mysql_close(c->lock); /* the server frees a session's locks when it ends */
	c->lock = NULL;
	free(c->lockname);
	c->lockname = NULL;
}

/* retort's tables are InnoDB (transactions) in utf8mb4, whatever the server's defaults. */
#define TABLE_OPTIONS " ENGINE=InnoDB DEFAULT CHARSET=utf8mb4"

/* Alembic's alembic_version, plus the engine and character set. */
static void my_version_ddl(strbuf *sb, const char *name, const char *pkname)
{
	rt_version_table_ddl(sb, name, pkname);
	rt_strbuf_adds(sb, TABLE_OPTIONS);
}

/* The history table: as on the other dialects, started_at in UTC to the millisecond. */
static void my_history_ddl(strbuf *sb, const char *name)
{
	rt_strbuf_addf(sb, "CREATE TABLE IF NOT EXISTS %s (\n"
			"    id BIGINT NOT NULL AUTO_INCREMENT PRIMARY KEY,\n"
			"    revision VARCHAR(32),\n"
			"    direction VARCHAR(10) NOT NULL,\n"
			"    from_revisions TEXT,\n"
			"    to_revisions TEXT,\n"
			"    checksum VARCHAR(80),\n"
			"    started_at DATETIME(3) NOT NULL,\n"
			"    duration_ms INTEGER,\n"
			"    db_user VARCHAR(128),\n"
			"    retort_version VARCHAR(32) NOT NULL,\n"
			"    run_id VARCHAR(40),\n"
			"    outcome VARCHAR(16),\n"
			"    failure TEXT\n"
			")" TABLE_OPTIONS, name);
}

/* The progress table: one row per revision whose statements are being applied one by one. */
static void my_progress_ddl(strbuf *sb, const char *name)
{
	rt_strbuf_addf(sb, "CREATE TABLE IF NOT EXISTS %s (\n"
			"    revision VARCHAR(32) NOT NULL PRIMARY KEY,\n"
			"    direction VARCHAR(10) NOT NULL,\n"
			"    statements INTEGER NOT NULL,\n"
			"    done INTEGER NOT NULL,\n"
			"    running INTEGER,\n"
			"    checksum VARCHAR(80),\n"
			"    done_checksum VARCHAR(80),\n"
			"    started_at DATETIME(3) NOT NULL\n"
			")" TABLE_OPTIONS, name);
}

/* "2026-12-03T13:45:00.123Z" as MySQL reads a DATETIME: '2026-12-03 13:45:00.123'. */
static void my_timestamp(strbuf *sb, const char *iso)
{
	char *t = rt_xstrdup(iso);
	char *p = strchr(t, 'T');
	if (p)
		*p = ' ';
	size_t n = strlen(t);
	if (n && t[n - 1] == 'Z')
		t[n - 1] = '\0';
	rt_my_literal(sb, t);
	free(t);
}

/*
 * A statement for the mysql client (--sql): a statement that holds a ';'
 * (a procedure or trigger body) goes between DELIMITER lines, as mysqldump
 * writes it; the terminator goes on a line of its own after a comment
 * that would swallow it.
 */
static void my_script_stmt(strbuf *sb, const rt_stmt *st)
{
	strbuf text = STRBUF_INIT;
	rt_strbuf_add(&text, st->sql, st->len);
	rt_strbuf_rtrim(&text);
	const char *delim = !memchr(text.buf, ';', text.len) ? ";"
			  : !strstr(text.buf, ";;") ? ";;" : "$$";
	const char *nl = strrchr(text.buf, '\n');
	const char *last = nl ? nl + 1 : text.buf;
	int own_line = strchr(last, '#') || strstr(last, "--");
	if (strcmp(delim, ";"))
		rt_strbuf_addf(sb, "DELIMITER %s\n", delim);
	rt_strbuf_addf(sb, "%s%s%s", text.buf, own_line ? "\n" : "", delim);
	if (strcmp(delim, ";"))
		rt_strbuf_adds(sb, "\nDELIMITER ;");
	rt_strbuf_release(&text);
}

static void my_user_expr(rt_conn *c, strbuf *sb)
{
	(void)c;
	rt_strbuf_adds(sb, "CURRENT_USER()");
}

/* A connection to the server where scratch databases are made: dev_url when set, else url. */
static MYSQL *scratch_server(const rt_config *cfg, rt_error *err)
{
	const char *base = cfg->dev_url ? cfg->dev_url : cfg->url;
	MYSQL *my = open_session(base, NULL, 0, err);
	if (!my)
		rt_hint(err, "schema work needs a MySQL server where retort may create databases: set dev_url in retort.ini");
	return my;
}

/*
 * A new, empty database on the dev server (rt_scratch_name's,
 * utf8mb4); *url gets dev_url (or url) with that database.
 */
static int my_scratch_create(const rt_config *cfg, char **url, rt_error *err)
{
	*url = NULL;
	if (rt_libmariadb_load(err) < 0)
		return -1;
	MYSQL *my = scratch_server(cfg, err);
	if (!my)
		return -1;
	char name[64];
	rt_scratch_name(name, sizeof(name));
	char *sql = rt_xasprintf("CREATE DATABASE %s CHARACTER SET utf8mb4", name);
	long long rows;
	int ok = run(my, sql, strlen(sql), &rows) == 0;
	if (!ok) {
		rt_fail(err, RT_EDB, "cannot create a scratch database: %s (error %u)", mysql_error(my),
			mysql_errno(my));
		rt_hint(err, "the user of dev_url (or url) needs the CREATE and DROP privileges on databases named retort_scratch_%%");
	}
	free(sql);
	mysql_close(my);
	if (!ok)
		return -1;
	*url = rt_my_url_with_db(cfg->dev_url ? cfg->dev_url : cfg->url, name);
	return 0;
}

/* Drop a scratch database (never one not named retort_scratch_...). */
static void my_scratch_drop(const rt_config *cfg, const char *url)
{
	rt_error err = { 0 };
	rt_my_url u;
	if (rt_libmariadb_load(&err) < 0 || rt_my_url_parse(url, &u, &err) < 0) {
		rt_error_clear(&err);
		return;
	}
	if (u.db && !strncmp(u.db, "retort_scratch_", 15)) {
		MYSQL *my = scratch_server(cfg, &err);
		if (my) {
			strbuf sql = STRBUF_INIT;
			rt_strbuf_adds(&sql, "DROP DATABASE IF EXISTS ");
			rt_my_quote_ident(&sql, u.db);
			long long rows;
			run(my, sql.buf, sql.len, &rows);
			rt_strbuf_release(&sql);
			mysql_close(my);
		}
	}
	rt_error_clear(&err);
	rt_my_url_free(&u);
}

/*
 * Drop the scratch databases of runs killed before they could (see
 * rt_scratch_abandoned), once per process: those no session of this
 * user is in, whose process is gone.  Errors are left to scratch_create.
 */
static void my_scratch_sweep(const rt_config *cfg, rt_strlist *notes)
{
	static int swept;
	if (__atomic_exchange_n(&swept, 1, __ATOMIC_ACQ_REL))
		return;
	rt_error err = { 0 };
	MYSQL *my = rt_libmariadb_load(&err) == 0 ? scratch_server(cfg, &err) : NULL;
	rt_error_clear(&err);
	if (!my)
		return;
	static const char q[] =
		"SELECT schema_name FROM information_schema.schemata "
		"WHERE schema_name LIKE 'retort\\_scratch\\_%' AND schema_name NOT IN "
		"(SELECT db FROM information_schema.processlist WHERE db IS NOT NULL) ORDER BY 1";
	rt_strlist names = { 0 };
	MYSQL_RES *res = mysql_real_query(my, q, sizeof(q) - 1) == 0 ? mysql_store_result(my) : NULL;
	for (MYSQL_ROW row; res && (row = mysql_fetch_row(res));)
		if (row[0])
			rt_strlist_push(&names, row[0]);
	if (res)
		mysql_free_result(res);
	for (size_t i = 0; i < names.n; i++) {
		char *why = rt_scratch_abandoned(names.v[i]);
		if (!why)
			continue;
		strbuf sql = STRBUF_INIT;
		rt_strbuf_adds(&sql, "DROP DATABASE IF EXISTS ");
		rt_my_quote_ident(&sql, names.v[i]);
		long long rows;
		if (run(my, sql.buf, sql.len, &rows) == 0) {
			char *note = rt_xasprintf("dropped the abandoned scratch database %s (%s)",
						  names.v[i], why);
			rt_strlist_push(notes, note);
			free(note);
		}
		rt_strbuf_release(&sql);
		free(why);
	}
	rt_strlist_free(&names);
	mysql_close(my);
}

static const char *const my_schemes[] = { "mysql", "mariadb", NULL };
static const char *const my_names[] = { "mysql", "mariadb", NULL };
static const char *const my_settings[] = { "lock_timeout", NULL };
static const rt_lexrules my_lex = {
	.backslash_strings = 1, .backticks = 1, .hash_comments = 1, .dash_space = 1,
	.quote_literal = rt_my_literal, .quote_ident = rt_my_quote_ident,
};

const rt_dialect rt_dialect_mysql = {
	.name = "mysql",
	.title = "MySQL",
	.names = my_names,
	.schemes = my_schemes,
	.url_examples = "mysql://user@host/dbname (mariadb:// too)",
	.settings = my_settings,
	.ddl_commits = 1,
	.error_prefix = "",
	.lex = &my_lex,
	.ident = rt_my_ident,
	.literal = rt_my_literal,
	.timestamp = my_timestamp,
	.lint = rt_lint_mysql,
	.connect = my_connect,
	.disconnect = my_disconnect,
	.exec_stmt = my_exec_stmt,
	.exec_rows = my_exec_rows,
	.exec_schema_stmt = my_exec_schema_stmt,
	.exec = my_exec,
	.query = my_query,
	.table_exists = my_table_exists,
	.begin = my_begin,
	.commit = my_commit,
	.rollback = my_rollback,
	.lock = my_lock,
	.unlock = my_unlock,
	.split = rt_mysql_split,
	.script_stmt = my_script_stmt,
	.session_sql = my_session_sql,
	.session_state = rt_my_session_state,
	.session_undo = rt_my_session_undo,
	.begin_sql = "BEGIN",
	.commit_sql = "COMMIT",
	.version_table_ddl = my_version_ddl,
	.history_table_ddl = my_history_ddl,
	.progress_table_ddl = my_progress_ddl,
	.user_expr = my_user_expr,
	.now_expr = "UTC_TIMESTAMP(3)",
	.time_text = "CONCAT(SUBSTRING(DATE_FORMAT(%s, '%Y-%m-%dT%H:%i:%s.%f'), 1, 23), 'Z')",
	.introspect = rt_mysql_introspect,
	.diff = rt_mysql_diff,
	.backup = rt_my_backup,
	.backup_ext = "sql",
	.scratch_create = my_scratch_create,
	.scratch_sweep = my_scratch_sweep,
	.scratch_drop = my_scratch_drop,
};
