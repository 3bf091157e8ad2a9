/*
 * introspect_share.c - reading a scratch database's catalog over two
 * sessions at once.
 *
 * An introspection is some fifty catalog queries, one after the other:
 * on a mid-size schema a tenth of a second or more of the server's time,
 * which a schema command waits for after loading its scratch database.
 * A scratch database is this process's alone and nothing writes to it
 * while it is read, so a second session sees exactly what the first
 * does: a helper thread opens one and runs the queries from the last
 * backwards while the caller runs them from the first forwards, until
 * they meet.  The helper only fetches rows; the caller hands every row to
 * its callback, in the order and with the values a single session would
 * (a query the helper could not run is run by the caller again, so its
 * error is the caller's).  The queries are known beforehand: the caller
 * runs its introspection once with rt_pgi_run only noting the SQL.  The
 * helper's session takes the settings the caller's session has of its own
 * (the schema file may have SET extra_float_digits, bytea_output, ...,
 * which change how values are written out).
 */
#include "internal.h"
#include "dialect/dialect.h"
#include "dialect/postgres/pg_internal.h"
#include "schema/model.h"
#include "dialect/postgres/pgintrospect.h"
#include "sqltext.h"

#include <pthread.h>
#include <string.h>

/* The rows of one query, as the helper fetched them. */
typedef struct rows {
	int nf;
	size_t n;
	char **v; /* n * nf values, NULL for SQL NULL */
} rows;

enum { FREE, MAIN, HELPER, FETCHED, FAILED };

struct pgi_share {
	pthread_mutex_t mu;
	pthread_cond_t cv;
	pthread_t th;
	const rt_config *cfg;
	rt_strlist settings; /* name, value, name, value, ...: the caller's session's own */
	rt_strlist sql;  /* every query, in the caller's order */
	int *state;      /* per query: FREE, MAIN, HELPER, FETCHED, FAILED */
	rows *rows;      /* per query, once FETCHED */
	size_t next;     /* the caller's next query */
	int stop;
	int threaded;
};

/*
 * Enter a snapshot of our own (a read-only transaction, or a savepoint
 * when the caller is in one) with the settings that make renderings
 * independent of the session.  *savepoint tells how to leave it.
 */
int rt_pgi_enter(rt_conn *c, int *savepoint, rt_error *err)
{
	*savepoint = rt_pg_in_transaction(c);
	const char *start = *savepoint ? "SAVEPOINT retort_introspect"
				       : "BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY";
	if (rt_dialect_postgres.exec(c, start, err) < 0)
		return -1;
	return rt_dialect_postgres.exec(c,
		"SELECT pg_catalog.set_config('search_path', '', true), "
		"pg_catalog.set_config('timezone', 'UTC', true), "
		"pg_catalog.set_config('datestyle', 'ISO, MDY', true), "
		"pg_catalog.set_config('intervalstyle', 'postgres', true)", err);
}

/* Leave the snapshot, restoring the session's settings. */
void rt_pgi_leave(rt_conn *c, int savepoint)
{
	rt_error e = { 0 };
	if (savepoint) {
		rt_dialect_postgres.exec(c, "ROLLBACK TO SAVEPOINT retort_introspect", &e);
		rt_error_clear(&e);
		rt_dialect_postgres.exec(c, "RELEASE SAVEPOINT retort_introspect", &e);
	} else {
		rt_dialect_postgres.exec(c, "ROLLBACK", &e);
	}
	rt_error_clear(&e);
}

static int keep_row(void *ud, int n, const char *const *v)
{
	rows *r = ud;
	r->nf = n;
	r->v = rt_xrealloc(r->v, (r->n + 1) * (size_t)n * sizeof(char *));
	for (int i = 0; i < n; i++)
		r->v[r->n * (size_t)n + (size_t)i] = rt_xstrdup_or_null(v[i]);
	r->n++;
	return 0;
}

static void rows_free(rows *r)
{
	for (size_t i = 0; i < r->n * (size_t)r->nf; i++)
		free(r->v[i]);
	free(r->v);
}

/* The helper: a session of its own, the queries from the last backwards. */
static void *helper(void *arg)
{
	pgi_share *sh = arg;
	rt_error err = { 0 };
	int missing, savepoint;
	rt_conn *c = rt_dialect_postgres.connect(sh->cfg, 1, &missing, &err);
	for (size_t i = 0; c && i + 1 < sh->settings.n; i += 2) {
		strbuf q = STRBUF_INIT;
		rt_strbuf_adds(&q, "SELECT pg_catalog.set_config(");
		rt_sql_literal(&q, sh->settings.v[i]);
		rt_strbuf_adds(&q, ", ");
		rt_sql_literal(&q, sh->settings.v[i + 1]);
		rt_strbuf_adds(&q, ", false)");
		if (rt_dialect_postgres.exec(c, q.buf, &err) < 0) { /* one it cannot take: share nothing */
			rt_dialect_postgres.disconnect(c);
			c = NULL;
		}
		rt_strbuf_release(&q);
	}
	if (c && rt_pgi_enter(c, &savepoint, &err) == 0) {
		for (size_t k = sh->sql.n; k-- > 0;) {
			pthread_mutex_lock(&sh->mu);
			int mine = !sh->stop && sh->state[k] == FREE;
			if (mine)
				sh->state[k] = HELPER;
			pthread_mutex_unlock(&sh->mu);
			if (!mine)
				break;
			rows r = { 0 };
			int rc = rt_dialect_postgres.query(c, sh->sql.v[k], keep_row, &r, &err);
			rt_error_clear(&err);
			pthread_mutex_lock(&sh->mu);
			sh->rows[k] = r;
			sh->state[k] = rc == 0 ? FETCHED : FAILED;
			pthread_cond_broadcast(&sh->cv);
			pthread_mutex_unlock(&sh->mu);
		}
		rt_pgi_leave(c, savepoint);
	}
	rt_error_clear(&err);
	if (c)
		rt_dialect_postgres.disconnect(c);
	return NULL;
}

static int keep_setting(void *ud, int n, const char *const *v)
{
	if (n == 2 && v[0] && v[1]) {
		rt_strlist_push(ud, v[0]);
		rt_strlist_push(ud, v[1]);
	}
	return 0;
}

/* See pgintrospect.h. */
pgi_share *rt_pgi_share_start(rt_conn *c, const rt_config *cfg, rt_strlist *sql)
{
	rt_strlist settings = { 0 };
	rt_error err = { 0 };
	if (rt_dialect_postgres.query(c,
		"SELECT name, setting FROM pg_catalog.pg_settings WHERE source = 'session' "
		"AND name NOT IN ('transaction_isolation', 'transaction_read_only', 'transaction_deferrable')",
		keep_setting, &settings, &err) < 0) {
		rt_error_clear(&err);
		rt_strlist_free(&settings);
		rt_strlist_free(sql);
		return NULL;
	}
	pgi_share *sh = rt_xcalloc(1, sizeof(*sh));
	sh->cfg = cfg;
	sh->settings = settings;
	sh->sql = *sql;
	memset(sql, 0, sizeof(*sql));
	sh->state = rt_xcalloc(sh->sql.n ? sh->sql.n : 1, sizeof(int));
	sh->rows = rt_xcalloc(sh->sql.n ? sh->sql.n : 1, sizeof(rows));
	pthread_mutex_init(&sh->mu, NULL);
	pthread_cond_init(&sh->cv, NULL);
	sh->threaded = pthread_create(&sh->th, NULL, helper, sh) == 0;
	if (!sh->threaded) {
		rt_pgi_share_end(sh);
		return NULL;
	}
	return sh;
}

/* See pgintrospect.h. */
void rt_pgi_share_end(pgi_share *sh)
{
	if (!sh)
		return;
	pthread_mutex_lock(&sh->mu);
	sh->stop = 1;
	pthread_mutex_unlock(&sh->mu);
	if (sh->threaded)
		pthread_join(sh->th, NULL);
	for (size_t i = 0; i < sh->sql.n; i++)
		rows_free(&sh->rows[i]);
	free(sh->rows);
	free(sh->state);
	rt_strlist_free(&sh->sql);
	rt_strlist_free(&sh->settings);
	pthread_mutex_destroy(&sh->mu);
	pthread_cond_destroy(&sh->cv);
	free(sh);
}

/*
 * See pgintrospect.h: 1 when the helper fetched sql's rows (they went to
 * fn), 0 when the caller is to run it itself.
 */
int rt_pgi_share_take(pgi_share *sh, const char *sql, rt_row_fn fn, void *ud)
{
	pthread_mutex_lock(&sh->mu);
	size_t i = sh->next++;
	if (i >= sh->sql.n || strcmp(sql, sh->sql.v[i])) { /* not the query foreseen: share no more */
		sh->stop = 1;
		pthread_mutex_unlock(&sh->mu);
		return 0;
	}
	if (sh->state[i] == FREE)
		sh->state[i] = MAIN;
	while (sh->state[i] == HELPER)
		pthread_cond_wait(&sh->cv, &sh->mu);
	int fetched = sh->state[i] == FETCHED;
	pthread_mutex_unlock(&sh->mu);
	if (!fetched)
		return 0;
	rows *r = &sh->rows[i];
	for (size_t k = 0; k < r->n; k++)
		if (fn(ud, r->nf, (const char *const *)&r->v[k * (size_t)r->nf]) != 0)
			break;
	return 1;
}
