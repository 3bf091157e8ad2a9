/*
 * lockwatch.c - a statement that stands still because another session
 * holds a lock it needs (an ALTER TABLE behind a long transaction, a
 * migration behind an "idle in transaction" psql) is reported within a
 * second, naming the sessions that hold the lock -- instead of a deploy
 * that hangs without a word until lock_timeout, or forever.
 *
 * The statement is sent without blocking; when it has not finished after
 * half a second, a second connection asks pg_blocking_pids() about its
 * backend, and again every few seconds until a holder is found.
 */
#include "internal.h"
#include "dialect/postgres/libpq.h"
#include "dialect/postgres/pg_internal.h"

#include <errno.h>
#include <poll.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#define FIRST_LOOK 0.5 /* seconds */
#define NEXT_LOOK 5.0

static double mono(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/*
 * The sessions that block backend pid, one line for all ("backend 4242
 * (psql, user app, idle in transaction since 14:02:11: UPDATE ...)"),
 * into out; nothing when none.  *watch is the second connection, opened
 * on first use.
 */
static void blockers(PGconn **watch, const char *url, int pid, strbuf *out)
{
	if (!*watch) {
		const char *keys[] = { "application_name", "dbname", NULL };
		const char *vals[] = { "retort (lock watch)", url, NULL };
		*watch = PQconnectdbParams(keys, vals, 1);
	}
	if (!*watch || PQstatus(*watch) != CONNECTION_OK)
		return;
	char *sql = rt_xasprintf(
		"SELECT pg_catalog.string_agg(pg_catalog.format('backend %%s (%%s, user %%s, %%s%%s%%s)', a.pid, "
		"coalesce(nullif(a.application_name, ''), 'no application_name'), a.usename, a.state, "
		"coalesce(' since ' || pg_catalog.to_char(coalesce(a.xact_start, a.query_start), 'HH24:MI:SS'), ''), "
		"coalesce(': ' || nullif(pg_catalog.left(pg_catalog.regexp_replace(a.query, '\\s+', ' ', 'g'), 80), ''), '')), '; ') "
		"FROM pg_catalog.pg_stat_activity a WHERE a.pid = ANY (pg_catalog.pg_blocking_pids(%d))",
		pid);
	PGresult *res = PQexec(*watch, sql);
	if (res && PQresultStatus(res) == PGRES_TUPLES_OK && PQntuples(res) == 1 &&
	    !PQgetisnull(res, 0, 0))
		rt_strbuf_adds(out, PQgetvalue(res, 0, 0));
	PQclear(res);
	free(sql);
}

/*
 * See pg_internal.h.  Results are gathered as PQexec gathers them: the
 * last one, or the first error; a COPY state ends the gathering, for the
 * caller to finish the COPY.
 */
PGresult *rt_pg_exec_watched(PGconn *pg, const char *sql, const rt_pg_watch *w)
{
	if (!w || !w->fn)
		return PQexec(pg, sql);
	if (!PQsendQuery(pg, sql))
		return NULL; /* PQerrorMessage says why */
	PGconn *watch = NULL;
	double start = mono(), next = start + FIRST_LOOK;
	int told = 0;
	while (PQisBusy(pg)) {
		struct pollfd p = { .fd = PQsocket(pg), .events = POLLIN };
		double left = told ? -1 : next - mono();
		int n = poll(&p, 1, told ? -1 : left > 0 ? (int)(left * 1000) + 1 : 0);
		if (n < 0 && errno != EINTR)
			break;
		if (n > 0 && !PQconsumeInput(pg))
			break;
		if (told || mono() < next)
			continue;
		strbuf who = STRBUF_INIT;
		blockers(&watch, w->url, PQbackendPID(pg), &who);
		if (who.len) {
			char *text = rt_xasprintf("%s waits for a lock held by %s (it waits as long as lock_timeout allows%s)",
						  w->what, who.buf, w->lock_timeout ? "" : ", which is not set: for ever");
			rt_event ev = { .kind = RT_EV_LOCK_WAIT, .text = text };
			w->fn(&ev, w->ud);
			free(text);
			told = 1;
		}
		rt_strbuf_release(&who);
		next = mono() + NEXT_LOOK;
	}
	if (watch)
		PQfinish(watch);
	PGresult *keep = NULL, *r;
	while ((r = PQgetResult(pg))) {
		ExecStatusType st = PQresultStatus(r);
		if (keep && PQresultStatus(keep) == PGRES_FATAL_ERROR) {
			PQclear(r); /* the first error stays */
			continue;
		}
		PQclear(keep);
		keep = r;
		if (st == PGRES_COPY_IN || st == PGRES_COPY_OUT || st == PGRES_COPY_BOTH)
			break;
	}
	return keep;
}
