/*
 * scratch.c - the dialect's scratch_create and scratch_drop: an empty
 * database on the scratch server (scratch_server.c) for schema work,
 * a spare made ahead taken when there is one (scratch_spare.c), and
 * dropped when done.
 */
#include "internal.h"
#include "dialect/postgres/libpq.h"
#include "dialect/postgres/pg_internal.h"

#include <string.h>

/* key='value' for a libpq connection string, quotes and backslashes escaped. */
static void conninfo_add(strbuf *sb, const char *key, const char *val)
{
	if (sb->len)
		rt_strbuf_addc(sb, ' ');
	rt_strbuf_addf(sb, "%s='", key);
	for (const char *p = val; *p; p++) {
		if (*p == '\'' || *p == '\\')
			rt_strbuf_addc(sb, '\\');
		rt_strbuf_addc(sb, *p);
	}
	rt_strbuf_addc(sb, '\'');
}

/* base's connection parameters with dbname replaced, as a key=value string. */
static char *conninfo_with_db(const char *base, const char *db)
{
	char *errmsg = NULL;
	PQconninfoOption *opts = PQconninfoParse(base, &errmsg);
	PQfreemem(errmsg);
	strbuf sb = STRBUF_INIT;
	for (PQconninfoOption *o = opts; o && o->keyword; o++)
		if (o->val && strcmp(o->keyword, "dbname"))
			conninfo_add(&sb, o->keyword, o->val);
	conninfo_add(&sb, "dbname", db);
	PQconninfoFree(opts);
	return rt_strbuf_detach(&sb);
}

/* The dbname a connection string names, or NULL. */
static char *conninfo_db(const char *conninfo)
{
	char *errmsg = NULL, *db = NULL;
	PQconninfoOption *opts = PQconninfoParse(conninfo, &errmsg);
	PQfreemem(errmsg);
	for (PQconninfoOption *o = opts; o && o->keyword; o++)
		if (o->val && !strcmp(o->keyword, "dbname"))
			db = rt_xstrdup(o->val);
	PQconninfoFree(opts);
	return db;
}

/*
 * See pg_internal.h.  A new, empty database on the dev server, from template0 so nothing of
 * template1 leaks in, named retort_scratch_<pidtag>_<n> (util/pidtag.h)
 * so a later run can tell when the process that made it is gone; *url
 * gets a libpq connection string for it.  A spare made ahead
 * (scratch_spare.c) is taken when there is one: CREATE DATABASE takes
 * a few hundred milliseconds.
 */
int rt_pg_scratch_create(const rt_config *cfg, char **url, rt_error *err)
{
	*url = NULL;
	if (rt_libpq_load(err) < 0)
		return -1;
	PGconn *pg = rt_pg_scratch_server(cfg, err);
	if (!pg)
		return -1;
	char name[64];
	rt_scratch_name(name, sizeof(name));
	int ok = rt_pg_spare_take(pg, name);
	if (!ok) {
		char *sql = rt_xasprintf("CREATE DATABASE %s TEMPLATE template0", name);
		PGresult *res = PQexec(pg, sql);
		ok = res && PQresultStatus(res) == PGRES_COMMAND_OK;
		if (!ok) {
			strbuf sb = STRBUF_INIT;
			long pos;
			rt_pg_describe(res, pg, &sb, &pos);
			rt_fail(err, RT_EDB, "cannot create a scratch database: %s", sb.buf);
			rt_hint(err, "the user of dev_url (or url) needs the CREATEDB privilege");
			rt_strbuf_release(&sb);
		}
		PQclear(res);
		free(sql);
	}
	PQfinish(pg);
	if (!ok)
		return -1;
	*url = conninfo_with_db(cfg->dev_url ? cfg->dev_url : cfg->url, name);
	return 0;
}

/* See pg_internal.h.  Drop a scratch database, ending sessions still connected to it. */
void rt_pg_scratch_drop(const rt_config *cfg, const char *url)
{
	rt_error err = { 0 };
	if (rt_libpq_load(&err) < 0) { /* then nothing was created either */
		rt_error_clear(&err);
		return;
	}
	char *db = conninfo_db(url);
	if (db && strncmp(db, "retort_scratch_", 15)) { /* never anything else */
		free(db);
		db = NULL;
	}
	PGconn *pg = db ? rt_pg_scratch_server(cfg, &err) : NULL;
	rt_error_clear(&err);
	if (pg) {
		char *sql = rt_xasprintf("DROP DATABASE IF EXISTS %s%s", db,
				      PQserverVersion(pg) >= 130000 ? " WITH (FORCE)" : "");
		PQclear(PQexec(pg, sql));
		free(sql);
		PQfinish(pg);
	}
	free(db);
}
