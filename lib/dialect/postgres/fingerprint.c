/*
 * fingerprint.c - a cheap text of a PostgreSQL database's schema, for
 * telling two states apart quickly (retort test: is the schema after a
 * revert the one before the apply?).
 *
 * For every catalog of the database (pg_catalog's own tables that are not
 * shared, statistics left out): how many rows it has, and how many of
 * those the current transaction wrote, as "name:rows:written" entries.
 * retort test takes the first text between transactions (no row is the
 * transaction's then) and the second inside the transaction that applied
 * and reverted a revision.  Equal texts mean no catalog row was written by
 * that transaction and none went missing: every row visible now was
 * visible before, and there are as many -- the same catalog, so the same
 * schema, whatever kind of object (tables, types, functions, policies,
 * grants, comments, extensions ...).  A row the transaction wrote is any
 * whose xmin is its xid or one of its subtransactions' (they are younger);
 * nothing else writes the catalog of a scratch database meanwhile, and
 * what VACUUM and ANALYZE change in place keeps its xmin.  The reverse
 * does not hold: a column added and dropped stays as a dropped column, an
 * object dropped and made again is a new row; then the texts differ and
 * the caller compares models.
 *
 * Counting is a scan of each catalog with no text made of any row, but a
 * scan of every catalog after every revision makes retort test O(n^2) in
 * the catalog it fills.  So once the caller has a text, only the catalogs
 * the open transaction can have written are counted again: a catalog
 * whose insert, update and delete counters of pg_stat_xact_sys_tables are
 * all zero was not written, and its entry is the one the caller passed.
 * Those counters never miss a write of the transaction (rows of a rolled
 * back subtransaction count too, and PostgreSQL 15 adds writes of earlier
 * transactions of the session not yet reported to the statistics): they
 * can only cost a catalog counted for nothing.
 */
#include "internal.h"
#include "dialect/postgres/pg_internal.h"

#include <string.h>

/* The catalogs counted, as a condition on pg_class. */
#define CATALOGS                                                                          \
	"relnamespace = 'pg_catalog'::pg_catalog.regnamespace AND relkind = 'r' AND NOT relisshared " \
	"AND relname NOT IN ('pg_statistic', 'pg_statistic_ext_data', 'pg_largeobject')"

/*
 * Rows of a catalog the transaction (or one of its subtransactions) wrote;
 * the transaction's age is a subquery, worked out once rather than per row.
 */
#define WRITTEN "count(*) FILTER (WHERE age(xmin) <= (SELECT age(txid_current_if_assigned()::text::xid)))"

/* The query that writes the query counting every catalog: one branch per catalog, by name. */
static const char all_builder_sql[] =
	"SELECT 'SELECT string_agg(x, '','') FROM (' || string_agg(format("
	"'SELECT %L || '':'' || count(*) || '':'' || " WRITTEN " AS x FROM pg_catalog.%I', relname, relname), "
	"' UNION ALL ' ORDER BY relname) || ') s' FROM pg_catalog.pg_class WHERE " CATALOGS;

/* The query that writes the query naming the catalogs the transaction may have written. */
static const char written_builder_sql[] =
	"SELECT 'SELECT n FROM (VALUES ' || "
	"string_agg(format('(%L, %s::pg_catalog.oid)', relname, oid), ', ') || ') v(n, o) "
	"WHERE pg_catalog.pg_stat_get_xact_tuples_inserted(o) + pg_catalog.pg_stat_get_xact_tuples_updated(o) "
	"+ pg_catalog.pg_stat_get_xact_tuples_deleted(o) > 0' FROM pg_catalog.pg_class WHERE " CATALOGS;

/* The first column of the row, appended. */
static int take_value(void *ud, int n, const char *const *v)
{
	strbuf *sb = ud;
	if (n >= 1 && v[0])
		rt_strbuf_adds(sb, v[0]);
	return 0;
}

/* The first column of each row, listed. */
static int take_row(void *ud, int n, const char *const *v)
{
	if (n >= 1 && v[0])
		rt_strlist_push(ud, v[0]);
	return 0;
}

/*
 * Prepare rt_fingerprint (count every catalog) and rt_fingerprint_written
 * (name those the transaction may have written) once per session:
 * planning the sixty branches of the first costs as much as running them.
 * PREPARE is not transactional, so a rollback keeps them.
 */
static int prepare(rt_conn *c, rt_error *err)
{
	static const struct {
		const char *name, *builder;
	} stmts[] = {
		{ "rt_fingerprint", all_builder_sql },
		{ "rt_fingerprint_written", written_builder_sql },
	};
	const rt_dialect *d = &rt_dialect_postgres;
	rt_strlist have = { 0 };
	int rc = d->query(c, "SELECT name FROM pg_catalog.pg_prepared_statements "
			  "WHERE name IN ('rt_fingerprint', 'rt_fingerprint_written')",
			  take_row, &have, err);
	for (size_t i = 0; rc == 0 && i < sizeof(stmts) / sizeof(stmts[0]); i++) {
		if (rt_strlist_has(&have, stmts[i].name))
			continue;
		strbuf sql = STRBUF_INIT;
		rt_strbuf_addf(&sql, "PREPARE %s AS ", stmts[i].name);
		rc = d->query(c, stmts[i].builder, take_value, &sql, err);
		if (rc == 0)
			rc = d->exec(c, sql.buf, err);
		rt_strbuf_release(&sql);
	}
	rt_strlist_free(&have);
	return rc;
}

/* Is s[0..n) a catalog's name as the texts hold it (no quoting needed, no separator)? */
static int plain_name(const char *s, size_t n)
{
	if (!n)
		return 0;
	for (size_t i = 0; i < n; i++)
		if (!((s[i] >= 'a' && s[i] <= 'z') || (s[i] >= '0' && s[i] <= '9') || s[i] == '_'))
			return 0;
	return 1;
}

/* The comma-separated entry at *p ("name:rows:written"): its length; *p moves past it. */
static size_t next_entry(const char **p)
{
	const char *s = *p, *end = strchr(s, ',');
	size_t n = end ? (size_t)(end - s) : strlen(s);
	*p = s + n + (end != NULL);
	return n;
}

/*
 * Append the entry s[0..n) to out; with commit, as it reads once the
 * transaction has committed (no row is the transaction's any more).
 */
static void add_entry(strbuf *out, const char *s, size_t n, int commit)
{
	if (out->len)
		rt_strbuf_addc(out, ',');
	size_t keep = n;
	while (commit && keep > 0 && s[keep - 1] != ':')
		keep--;
	if (commit && keep > 0) {
		rt_strbuf_add(out, s, keep);
		rt_strbuf_addc(out, '0');
	} else {
		rt_strbuf_add(out, s, n);
	}
}

/*
 * The entries of fp into out, each in fresh (entries counted now) taken
 * from there; 0, or -1 when fresh has an entry fp lacks.
 */
static int merge(strbuf *out, const char *fp, const rt_strlist *fresh, int commit)
{
	size_t matched = 0;
	for (const char *p = fp; *p;) {
		const char *e = p;
		size_t n = next_entry(&p);
		const char *colon = memchr(e, ':', n);
		size_t nn = colon ? (size_t)(colon - e) : 0;
		const char *f = NULL;
		for (size_t i = 0; nn && !f && i < fresh->n; i++)
			if (!strncmp(fresh->v[i], e, nn + 1))
				f = fresh->v[i];
		if (f)
			matched++;
		add_entry(out, f ? f : e, f ? strlen(f) : n, commit);
	}
	return matched == fresh->n ? 0 : -1;
}

/*
 * Count again the catalogs named, merged into fp's entries; 1 when a name
 * or fp is not what this file writes (the caller counts everything then).
 */
static int count_written(rt_conn *c, const rt_strlist *names, int commit, strbuf *fp,
			 rt_error *err)
{
	strbuf sql = STRBUF_INIT, out = STRBUF_INIT;
	rt_strlist fresh = { 0 };
	int rc = 0;
	for (size_t i = 0; rc == 0 && i < names->n; i++) {
		const char *name = names->v[i];
		if (!plain_name(name, strlen(name)))
			rc = 1;
		rt_strbuf_addf(&sql, "%sSELECT '%s:' || count(*) || ':' || %s FROM pg_catalog.%s",
			       i ? " UNION ALL " : "", name, commit ? "0" : WRITTEN, name);
	}
	if (rc == 0)
		rc = rt_dialect_postgres.query(c, sql.buf, take_row, &fresh, err);
	if (rc == 0)
		rc = merge(&out, rt_strbuf_str(fp), &fresh, commit) < 0 ? 1 : 0;
	if (rc == 0) {
		rt_strbuf_reset(fp);
		rt_strbuf_adds(fp, rt_strbuf_str(&out));
	}
	rt_strbuf_release(&sql);
	rt_strbuf_release(&out);
	rt_strlist_free(&fresh);
	return rc;
}

/* Every catalog counted (with commit, as the text reads once the transaction commits). */
static int count_all(rt_conn *c, int commit, strbuf *fp, rt_error *err)
{
	strbuf all = STRBUF_INIT;
	rt_strlist none = { 0 };
	int rc = rt_dialect_postgres.query(c, "EXECUTE rt_fingerprint", take_value, &all, err);
	if (rc == 0) {
		rt_strbuf_reset(fp);
		(void)merge(fp, rt_strbuf_str(&all), &none, commit);
	}
	rt_strbuf_release(&all);
	return rc;
}

/* See dialect.h and the top of this file. */
int rt_pg_fingerprint(rt_conn *c, const rt_config *cfg, int commit, strbuf *fp, rt_error *err)
{
	(void)cfg;
	if (prepare(c, err) < 0)
		return -1;
	if (!fp->len || !rt_pg_in_transaction(c))
		return count_all(c, commit, fp, err);
	rt_strlist names = { 0 };
	int rc = rt_dialect_postgres.query(c, "EXECUTE rt_fingerprint_written", take_row, &names, err);
	if (rc == 0 && names.n)
		rc = count_written(c, &names, commit, fp, err);
	rt_strlist_free(&names);
	return rc > 0 ? count_all(c, commit, fp, err) : rc;
}
