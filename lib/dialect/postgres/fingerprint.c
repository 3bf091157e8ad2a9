/*
 * fingerprint.c - a cheap text of a PostgreSQL database's schema, for
 * telling two states apart quickly (retort test: is the schema after a
 * revert the one before the apply?).
 *
 * One query hashes every catalog row that belongs to an object made in
 * the database (oid >= FirstNormalObjectId, 16384) or to a schema, row by
 * row as the catalog holds it.  Equal hashes mean equal catalogs, so equal
 * schemas -- whatever kind of object (tables, types, functions, policies,
 * grants, comments, extensions ...).  The reverse does not hold: an
 * object dropped and made again gets a new oid, a column added and
 * dropped stays behind as a dropped column; then the hashes differ and the
 * caller compares schema models instead.  Left out: what changes without
 * a schema change (pg_class's statistics and storage columns, pg_statistic,
 * dropped columns, TOAST tables and temporary schemas).  Rows are hashed
 * in the order the scans return them, unsorted: unchanged rows come back
 * in the same order, and a row moved elsewhere is at worst a difference
 * the models then settle.
 */
#include "internal.h"
#include "dialect/postgres/pg_internal.h"

static const char fingerprint_sql[] =
	"SELECT md5(coalesce(string_agg(x, E'\\n'), '')) FROM ("
	" SELECT 'class ' || (c.oid, c.relname, c.relnamespace, c.reltype, c.reloftype, c.relowner,"
	" c.relam, c.reltablespace, c.relpersistence, c.relkind, c.relchecks, c.relrowsecurity,"
	" c.relforcerowsecurity, c.relispopulated, c.relreplident, c.relispartition, c.relacl,"
	" c.reloptions, c.relpartbound)::text AS x"
	"  FROM pg_catalog.pg_class c JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace"
	"  WHERE c.oid >= 16384 AND n.nspname <> 'pg_toast' AND n.nspname NOT LIKE 'pg\\_toast\\_temp%'"
	" UNION ALL SELECT 'attribute ' || a::text FROM pg_catalog.pg_attribute a"
	"  JOIN pg_catalog.pg_class c ON c.oid = a.attrelid"
	"  WHERE a.attrelid >= 16384 AND NOT a.attisdropped AND c.relnamespace <> 99"
	" UNION ALL SELECT 'index ' || i::text FROM pg_catalog.pg_index i"
	"  JOIN pg_catalog.pg_class c ON c.oid = i.indrelid"
	"  WHERE i.indexrelid >= 16384 AND c.relnamespace <> 99"
	" UNION ALL SELECT 'namespace ' || n::text FROM pg_catalog.pg_namespace n"
	"  WHERE n.nspname NOT LIKE 'pg\\_temp\\_%' AND n.nspname NOT LIKE 'pg\\_toast\\_temp\\_%'"
	" UNION ALL SELECT 'description ' || d::text FROM pg_catalog.pg_description d"
	"  WHERE d.objoid >= 16384 OR d.classoid = 'pg_catalog.pg_namespace'::pg_catalog.regclass"
	" UNION ALL SELECT 'depend ' || d::text FROM pg_catalog.pg_depend d"
	"  WHERE d.objid >= 16384 OR d.refobjid >= 16384"
	" UNION ALL SELECT 'attrdef ' || t::text FROM pg_catalog.pg_attrdef t WHERE t.oid >= 16384"
	" UNION ALL SELECT 'constraint ' || t::text FROM pg_catalog.pg_constraint t WHERE t.oid >= 16384"
	" UNION ALL SELECT 'trigger ' || t::text FROM pg_catalog.pg_trigger t WHERE t.oid >= 16384"
	" UNION ALL SELECT 'rewrite ' || t::text FROM pg_catalog.pg_rewrite t WHERE t.oid >= 16384"
	" UNION ALL SELECT 'proc ' || t::text FROM pg_catalog.pg_proc t WHERE t.oid >= 16384"
	" UNION ALL SELECT 'type ' || t::text FROM pg_catalog.pg_type t WHERE t.oid >= 16384"
	" UNION ALL SELECT 'enum ' || t::text FROM pg_catalog.pg_enum t WHERE t.oid >= 16384"
	" UNION ALL SELECT 'policy ' || t::text FROM pg_catalog.pg_policy t WHERE t.oid >= 16384"
	" UNION ALL SELECT 'extension ' || t::text FROM pg_catalog.pg_extension t WHERE t.oid >= 16384"
	" UNION ALL SELECT 'collation ' || t::text FROM pg_catalog.pg_collation t WHERE t.oid >= 16384"
	" UNION ALL SELECT 'statistic_ext ' || t::text FROM pg_catalog.pg_statistic_ext t WHERE t.oid >= 16384"
	" UNION ALL SELECT 'event_trigger ' || t::text FROM pg_catalog.pg_event_trigger t WHERE t.oid >= 16384"
	" UNION ALL SELECT 'publication ' || t::text FROM pg_catalog.pg_publication t WHERE t.oid >= 16384"
	" UNION ALL SELECT 'publication_rel ' || t::text FROM pg_catalog.pg_publication_rel t WHERE t.oid >= 16384"
	" UNION ALL SELECT 'cast ' || t::text FROM pg_catalog.pg_cast t WHERE t.oid >= 16384"
	" UNION ALL SELECT 'operator ' || t::text FROM pg_catalog.pg_operator t WHERE t.oid >= 16384"
	" UNION ALL SELECT 'opclass ' || t::text FROM pg_catalog.pg_opclass t WHERE t.oid >= 16384"
	" UNION ALL SELECT 'opfamily ' || t::text FROM pg_catalog.pg_opfamily t WHERE t.oid >= 16384"
	" UNION ALL SELECT 'amop ' || t::text FROM pg_catalog.pg_amop t WHERE t.oid >= 16384"
	" UNION ALL SELECT 'amproc ' || t::text FROM pg_catalog.pg_amproc t WHERE t.oid >= 16384"
	" UNION ALL SELECT 'conversion ' || t::text FROM pg_catalog.pg_conversion t WHERE t.oid >= 16384"
	" UNION ALL SELECT 'ts_config ' || t::text FROM pg_catalog.pg_ts_config t WHERE t.oid >= 16384"
	" UNION ALL SELECT 'ts_config_map ' || t::text FROM pg_catalog.pg_ts_config_map t WHERE t.mapcfg >= 16384"
	" UNION ALL SELECT 'ts_dict ' || t::text FROM pg_catalog.pg_ts_dict t WHERE t.oid >= 16384"
	" UNION ALL SELECT 'ts_parser ' || t::text FROM pg_catalog.pg_ts_parser t WHERE t.oid >= 16384"
	" UNION ALL SELECT 'ts_template ' || t::text FROM pg_catalog.pg_ts_template t WHERE t.oid >= 16384"
	" UNION ALL SELECT 'transform ' || t::text FROM pg_catalog.pg_transform t WHERE t.oid >= 16384"
	" UNION ALL SELECT 'default_acl ' || t::text FROM pg_catalog.pg_default_acl t WHERE t.oid >= 16384"
	" UNION ALL SELECT 'language ' || t::text FROM pg_catalog.pg_language t WHERE t.oid >= 16384"
	" UNION ALL SELECT 'am ' || t::text FROM pg_catalog.pg_am t WHERE t.oid >= 16384"
	" UNION ALL SELECT 'fdw ' || t::text FROM pg_catalog.pg_foreign_data_wrapper t WHERE t.oid >= 16384"
	" UNION ALL SELECT 'server ' || t::text FROM pg_catalog.pg_foreign_server t WHERE t.oid >= 16384"
	" UNION ALL SELECT 'user_mapping ' || t::text FROM pg_catalog.pg_user_mapping t WHERE t.oid >= 16384"
	" UNION ALL SELECT 'foreign_table ' || t::text FROM pg_catalog.pg_foreign_table t WHERE t.ftrelid >= 16384"
	" UNION ALL SELECT 'inherits ' || t::text FROM pg_catalog.pg_inherits t WHERE t.inhrelid >= 16384"
	" UNION ALL SELECT 'partitioned_table ' || t::text FROM pg_catalog.pg_partitioned_table t WHERE t.partrelid >= 16384"
	" UNION ALL SELECT 'sequence ' || t::text FROM pg_catalog.pg_sequence t WHERE t.seqrelid >= 16384"
	" UNION ALL SELECT 'aggregate ' || t::text FROM pg_catalog.pg_aggregate t WHERE t.aggfnoid::oid >= 16384"
	" UNION ALL SELECT 'range ' || t::text FROM pg_catalog.pg_range t WHERE t.rngtypid >= 16384"
	" UNION ALL SELECT 'init_privs ' || t::text FROM pg_catalog.pg_init_privs t WHERE t.objoid >= 16384"
	" UNION ALL SELECT 'seclabel ' || t::text FROM pg_catalog.pg_seclabel t WHERE t.objoid >= 16384"
	") s";

/* The first column of the row, appended (a hash; or "1": the statement is prepared). */
static int take_value(void *ud, int n, const char *const *v)
{
	strbuf *sb = ud;
	if (n >= 1 && v[0])
		rt_strbuf_adds(sb, v[0]);
	return 0;
}

/*
 * See dialect.h and the top of this file.  The query is prepared once per
 * session: planning its fifty branches costs as much as running them.
 * PREPARE is not transactional, so a rollback does not undo it.
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
		rt_strbuf_addf(&sql, "PREPARE rt_fingerprint AS %s", fingerprint_sql);
		int rc = d->exec(c, sql.buf, err);
		rt_strbuf_release(&sql);
		if (rc < 0)
			return -1;
	}
	rt_strbuf_reset(out);
	return d->query(c, "EXECUTE rt_fingerprint", take_value, out, err);
}
