/*
 * fingerprint.c - a cheap text of a PostgreSQL database's schema, for
 * telling two states apart quickly (retort test: is the schema after a
 * revert the one before the apply?).
 *
 * For every catalog of the database (pg_catalog's own tables that are not
 * shared, statistics left out): how many rows it has, and how many of
 * those the current transaction wrote.  retort test takes the first
 * fingerprint between transactions (no row is the transaction's then) and
 * the second inside the transaction that applied and reverted a revision.
 * Equal texts mean no catalog row was written by that transaction and none
 * went missing: every row visible now was visible before, and there are as
 * many -- the same catalog, so the same schema, whatever kind of object
 * (tables, types, functions, policies, grants, comments, extensions ...).
 * A row the transaction wrote is any whose xmin is its xid or one of its
 * subtransactions' (they are younger); nothing else writes the catalog of
 * a scratch database meanwhile, and what VACUUM and ANALYZE change in
 * place keeps its xmin.  The reverse does not hold: a column added and
 * dropped stays as a dropped column, an object dropped and made again is
 * a new row; then the texts differ and the caller compares models.
 * Counting is a scan of each catalog with no text made of any row, which
 * keeps this several times cheaper than reading the schema.
 */
#include "internal.h"
#include "dialect/postgres/pg_internal.h"

/* The query that writes the fingerprint query: one branch per catalog, by name. */
static const char builder_sql[] =
	"SELECT 'SELECT string_agg(x, '','') FROM (' || string_agg(format("
	"'SELECT %L || '':'' || count(*) || '':'' || count(*) FILTER (WHERE age(xmin) <= "
	"age(txid_current_if_assigned()::text::xid)) AS x FROM pg_catalog.%I', relname, relname), "
	"' UNION ALL ' ORDER BY relname) || ') s' FROM pg_catalog.pg_class "
	"WHERE relnamespace = 'pg_catalog'::pg_catalog.regnamespace AND relkind = 'r' AND NOT relisshared "
	"AND relname NOT IN ('pg_statistic', 'pg_statistic_ext_data', 'pg_largeobject')";

/* The first column of the row, appended (a hash; or "1": the statement is prepared). */
static int take_value(void *ud, int n, const char *const *v)
{
	strbuf *sb = ud;
	if (n >= 1 && v[0])
		rt_strbuf_adds(sb, v[0]);
	return 0;
}

/*
 * See dialect.h and the top of this file.  The query is written and
 * prepared once per session: planning its sixty branches costs as much as
 * running them.  PREPARE is not transactional, so a rollback keeps it.
 */
int rt_pg_fingerprint(rt_conn *c, const rt_config *cfg, strbuf *out, rt_error *err)
{
	(void)cfg;
	const rt_dialect *d = &rt_dialect_postgres;
	rt_strbuf_reset(out);
	if (d->query(c, "SELECT 1 FROM pg_catalog.pg_prepared_statements WHERE name = 'rt_fingerprint'",
		     take_value, out, err) < 0)
		return -1;
	if (!out->len) {
		strbuf sql = STRBUF_INIT;
		rt_strbuf_adds(&sql, "PREPARE rt_fingerprint AS ");
		int rc = d->query(c, builder_sql, take_value, &sql, err);
		if (rc == 0)
			rc = d->exec(c, sql.buf, err);
		rt_strbuf_release(&sql);
		if (rc < 0)
			return -1;
	}
	rt_strbuf_reset(out);
	return d->query(c, "EXECUTE rt_fingerprint", take_value, out, err);
}
