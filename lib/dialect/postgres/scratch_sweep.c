/*
 * scratch_sweep.c - drop the scratch databases of runs that were killed
 * (verify, check, diff, autogenerate under SIGKILL, a CI job cancelled)
 * before they could drop them.
 *
 * A scratch database is named retort_scratch_<pidtag>_<n> (util/pidtag.h).
 * One is abandoned when no session is connected to it (its run keeps one
 * open for almost all of its life) and either its process, on this
 * machine, is gone, or it was made on another machine more than a day
 * ago.  It is dropped without FORCE, so a run that has just connected
 * keeps it.  Names of the older form (retort_scratch_<pid>_<hex>) tell
 * neither machine nor time, and are left alone.  A spare made ahead for
 * the next scratch database (retort_spare_<pidtag>_<n>, scratch_spare.c) is
 * dropped when nobody took it within a day.
 */
#include "internal.h"
#include "dialect/dialect.h"
#include "dialect/postgres/libpq.h"
#include "dialect/postgres/pg_internal.h"
#include "util/pidtag.h"

#include <stdio.h>
#include <string.h>

#define SPARE_PREFIX "retort_spare_"
#define SPARE_AGE (24 * 3600) /* seconds: a spare not taken this long is dropped */

/* Why a scratch database or spare is to be dropped, or NULL; the caller frees it. */
static char *abandoned(const char *name)
{
	long pid, age;
	if (strncmp(name, SPARE_PREFIX, strlen(SPARE_PREFIX)))
		return rt_scratch_abandoned(name);
	if (rt_pidtag_check(name + strlen(SPARE_PREFIX), &pid, &age) == RT_PIDTAG_INVALID ||
	    age <= SPARE_AGE)
		return NULL;
	return rt_xasprintf("a spare made %ld hours ago and not taken", age / 3600);
}

/* See pg_internal.h and dialect.h. */
void rt_pg_scratch_sweep(const rt_config *cfg, rt_strlist *notes)
{
	static int swept;
	if (__atomic_exchange_n(&swept, 1, __ATOMIC_ACQ_REL))
		return;
	rt_error err = { 0 };
	if (rt_libpq_load(&err) < 0) {
		rt_error_clear(&err);
		return;
	}
	struct pg_conn *pg = rt_pg_scratch_server(cfg, &err);
	rt_error_clear(&err); /* scratch_create reports it */
	if (!pg)
		return;
	PGresult *res = PQexec(pg,
		"SELECT d.datname FROM pg_catalog.pg_database d "
		"WHERE (d.datname LIKE 'retort\\_scratch\\_%' OR d.datname LIKE 'retort\\_spare\\_%') AND NOT EXISTS "
		"(SELECT 1 FROM pg_catalog.pg_stat_activity a WHERE a.datname = d.datname) "
		"ORDER BY 1");
	for (int i = 0; res && PQresultStatus(res) == PGRES_TUPLES_OK && i < PQntuples(res); i++) {
		const char *name = PQgetvalue(res, i, 0);
		char *why = abandoned(name);
		if (!why)
			continue;
		strbuf sql = STRBUF_INIT;
		rt_strbuf_adds(&sql, "DROP DATABASE IF EXISTS ");
		rt_pg_ident(&sql, name);
		PGresult *drop = PQexec(pg, sql.buf);
		if (drop && PQresultStatus(drop) == PGRES_COMMAND_OK) {
			char *note = rt_xasprintf("dropped the abandoned scratch database %s (%s)", name, why);
			rt_strlist_push(notes, note);
			free(note);
		}
		PQclear(drop);
		rt_strbuf_release(&sql);
		free(why);
	}
	PQclear(res);
	PQfinish(pg);
}
