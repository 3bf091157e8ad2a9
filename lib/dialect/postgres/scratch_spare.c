/*
 * scratch_spare.c - an empty database made ahead for the next scratch
 * database, so that a schema command does not wait for CREATE DATABASE.
 *
 * CREATE DATABASE copies template0 (7 MB of catalog on PostgreSQL 15) and
 * takes a few hundred milliseconds, as long as loading a mid-size schema
 * file.  While a schema command loads its scratch database it makes a
 * spare, retort_spare_<pidtag>_<n> (util/pidtag.h), from template0 with
 * connections disallowed, and the next scratch database is that spare
 * renamed.  A spare nobody can connect to is as empty as template0: it is
 * taken only when it still allows no connections, belongs to the current
 * user, and carries no grants, settings, tablespace, encoding or locale
 * of its own; anything else is left alone (the sweep drops it a day after
 * it was made).  Taking it is one transaction (rename, then allow
 * connections), so two runs can never take the same one.
 */
#include "internal.h"
#include "dialect/dialect.h"
#include "dialect/postgres/libpq.h"
#include "dialect/postgres/pg_internal.h"
#include "util/pidtag.h"

#include <string.h>

/*
 * The spares the current user may take: unchanged since they were made
 * from template0 with no options.
 */
#define USABLE_SPARES \
	"FROM pg_catalog.pg_database d, pg_catalog.pg_database t " \
	"WHERE t.datname = 'template0' AND d.datname LIKE 'retort\\_spare\\_%' " \
	"AND NOT d.datallowconn AND d.datconnlimit = -1 AND d.datacl IS NULL " \
	"AND d.datdba = (SELECT oid FROM pg_catalog.pg_roles WHERE rolname = current_user) " \
	"AND d.encoding = t.encoding AND d.datcollate = t.datcollate AND d.datctype = t.datctype " \
	"AND d.dattablespace = t.dattablespace " \
	"AND NOT EXISTS (SELECT 1 FROM pg_catalog.pg_db_role_setting s WHERE s.setdatabase = d.oid)"

/* See pg_internal.h. */
int rt_pg_spare_take(struct pg_conn *pg, const char *name)
{
	PGresult *res = PQexec(pg, "SELECT d.datname " USABLE_SPARES " ORDER BY 1 LIMIT 4");
	int taken = 0;
	for (int i = 0; res && PQresultStatus(res) == PGRES_TUPLES_OK && i < PQntuples(res) && !taken; i++) {
		strbuf sql = STRBUF_INIT;
		rt_strbuf_adds(&sql, "ALTER DATABASE ");
		rt_pg_ident(&sql, PQgetvalue(res, i, 0));
		rt_strbuf_adds(&sql, " RENAME TO ");
		rt_pg_ident(&sql, name);
		rt_strbuf_adds(&sql, "; ALTER DATABASE ");
		rt_pg_ident(&sql, name);
		rt_strbuf_adds(&sql, " ALLOW_CONNECTIONS true");
		PGresult *r = PQexec(pg, sql.buf); /* one implicit transaction: both or neither */
		taken = r && PQresultStatus(r) == PGRES_COMMAND_OK;
		PQclear(r);
		rt_strbuf_release(&sql);
	}
	PQclear(res);
	return taken;
}

/* See pg_internal.h and dialect.h. */
void rt_pg_scratch_spare(const rt_config *cfg)
{
	rt_error err = { 0 };
	if (rt_libpq_load(&err) < 0) {
		rt_error_clear(&err);
		return;
	}
	struct pg_conn *pg = rt_pg_scratch_server(cfg, &err);
	rt_error_clear(&err);
	if (!pg)
		return;
	PGresult *res = PQexec(pg, "SELECT count(*) " USABLE_SPARES);
	int none = res && PQresultStatus(res) == PGRES_TUPLES_OK && !strcmp(PQgetvalue(res, 0, 0), "0");
	PQclear(res);
	if (none) { /* _<n>: check makes two at once */
		static unsigned counter;
		char *tag = rt_pidtag_new();
		char *sql = rt_xasprintf("CREATE DATABASE retort_spare_%s_%u TEMPLATE template0 ALLOW_CONNECTIONS false",
					 tag, __atomic_add_fetch(&counter, 1, __ATOMIC_RELAXED));
		PQclear(PQexec(pg, sql)); /* a failure costs the next run the wait, nothing else */
		free(sql);
		free(tag);
	}
	PQfinish(pg);
}
