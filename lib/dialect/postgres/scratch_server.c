/*
 * scratch_server.c - the connection to the server where scratch
 * databases are made and dropped (dev_url, or url): what scratch.c's
 * scratch_create/scratch_drop, the sweep and the spare all start from.
 */
#include "internal.h"
#include "dialect/postgres/libpq.h"
#include "dialect/postgres/pg_internal.h"

/*
 * See pg_internal.h.  That database may not exist yet (a project's first
 * diff), so the server's "postgres" database is tried next.
 */
PGconn *rt_pg_scratch_server(const rt_config *cfg, rt_error *err)
{
	const char *base = cfg->dev_url ? cfg->dev_url : cfg->url;
	const char *keys[] = { "application_name", "dbname", NULL, NULL };
	const char *vals[] = { "retort", base, NULL, NULL };
	PGconn *pg = PQconnectdbParams(keys, vals, 1);
	if (pg && PQstatus(pg) == CONNECTION_OK)
		return pg;
	strbuf msg = STRBUF_INIT;
	rt_strbuf_adds(&msg, pg ? PQerrorMessage(pg) : "out of memory");
	rt_strbuf_rtrim(&msg);
	rt_url_hide_secrets(&msg, base);
	PQfinish(pg);
	keys[2] = "dbname"; /* a later dbname overrides the URL's */
	vals[2] = "postgres";
	pg = PQconnectdbParams(keys, vals, 1);
	if (pg && PQstatus(pg) == CONNECTION_OK) {
		rt_strbuf_release(&msg);
		return pg;
	}
	PQfinish(pg);
	char *masked = rt_url_mask(base);
	rt_fail(err, RT_EDB, "cannot connect to %s to make a scratch database: %s", masked, msg.buf);
	rt_hint(err, "schema work needs a PostgreSQL server where retort may create databases: set dev_url in retort.ini");
	free(masked);
	rt_strbuf_release(&msg);
	return NULL;
}
