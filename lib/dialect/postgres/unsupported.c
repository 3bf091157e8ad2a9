/*
 * unsupported.c - the catalog query that lists, one row per object,
 * "kind schema.name" for everything in a PostgreSQL database that the
 * schema model cannot hold (domains, rules, policies, privileges, ...),
 * so that introspect.c reports them rather than silently leaving them
 * out of a diff.
 */
#include "internal.h"
#include "dialect/postgres/pg_internal.h"

/*
 * Unsupported objects of one catalog that have a schema: "KIND schema.name"
 * for each one in a user schema and not owned by an extension.
 */
#define NAMED_OBJECT(kind, cat, name, ns)                                       \
	"SELECT '" kind " ' || n.nspname || '.' || o." name " FROM pg_catalog." cat \
	" o JOIN pg_catalog.pg_namespace n ON n.oid = o." ns " WHERE " PG_NS_OK("n")    \
	" AND " PG_NOT_EXT(cat, "o.oid")

/* The relation c is one the model leaves out: an inheritance child (not a partition). */
#define NOT_IN_MODEL(c) "(NOT " c ".relispartition AND EXISTS (SELECT 1 FROM pg_catalog.pg_inherits i " \
	"WHERE i.inhrelid = " c ".oid))"

/*
 * One row per object, "kind schema.name": retort reports them rather
 * than silently leaving them out of a diff.
 */
static const char *const q_unsupported[] = {
	/* types other than enums, composite types and range types without a canonical function */
	"SELECT CASE t.typtype WHEN 'r' THEN 'range type with a canonical function ' "
	"WHEN 'p' THEN 'pseudo-type ' ELSE 'base type ' END "
	"|| n.nspname || '.' || t.typname FROM pg_catalog.pg_type t "
	"JOIN pg_catalog.pg_namespace n ON n.oid = t.typnamespace "
	"WHERE " PG_NS_OK("n") " AND " PG_NOT_EXT("pg_type", "t.oid") " AND "
	"(t.typtype = 'p' OR (t.typtype = 'b' AND t.typcategory <> 'A') "
	"OR (t.typtype = 'r' AND EXISTS (SELECT 1 FROM pg_catalog.pg_range r "
	"WHERE r.rngtypid = t.oid AND r.rngcanonical <> 0)))",
	"SELECT 'rule ' || r.rulename || ' on ' || n.nspname || '.' || c.relname "
	"FROM pg_catalog.pg_rewrite r JOIN pg_catalog.pg_class c ON c.oid = r.ev_class "
	"JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace "
	"WHERE r.rulename <> '_RETURN' AND " PG_NS_OK("n") " AND " PG_NOT_EXT("pg_class", "c.oid"),
	/* row-level security, policies and statistics on tables the model leaves out */
	"SELECT 'row level security on ' || n.nspname || '.' || c.relname "
	"FROM pg_catalog.pg_class c JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace "
	"WHERE (c.relrowsecurity OR c.relforcerowsecurity) AND " PG_NS_OK("n") " AND " NOT_IN_MODEL("c"),
	"SELECT 'policy ' || o.polname || ' on ' || n.nspname || '.' || c.relname "
	"FROM pg_catalog.pg_policy o JOIN pg_catalog.pg_class c ON c.oid = o.polrelid "
	"JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace WHERE " PG_NS_OK("n") " AND " NOT_IN_MODEL("c"),
	"SELECT 'statistics ' || n.nspname || '.' || s.stxname FROM pg_catalog.pg_statistic_ext s "
	"JOIN pg_catalog.pg_namespace n ON n.oid = s.stxnamespace JOIN pg_catalog.pg_class c ON c.oid = s.stxrelid "
	"WHERE " PG_NS_OK("n") " AND " NOT_IN_MODEL("c"),
	"SELECT 'event trigger ' || t.evtname FROM pg_catalog.pg_event_trigger t "
	"WHERE " PG_NOT_EXT("pg_event_trigger", "t.oid"),
	"SELECT 'foreign table ' || n.nspname || '.' || c.relname FROM pg_catalog.pg_class c "
	"JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace "
	"WHERE c.relkind = 'f' AND " PG_NS_OK("n") " AND " PG_NOT_EXT("pg_class", "c.oid"),
	"SELECT 'foreign-data wrapper ' || w.fdwname FROM pg_catalog.pg_foreign_data_wrapper w "
	"WHERE " PG_NOT_EXT("pg_foreign_data_wrapper", "w.oid"),
	"SELECT 'foreign server ' || s.srvname FROM pg_catalog.pg_foreign_server s "
	"WHERE " PG_NOT_EXT("pg_foreign_server", "s.oid"),
	"SELECT 'publication ' || p.pubname FROM pg_catalog.pg_publication p",
	"SELECT 'subscription ' || s.subname FROM pg_catalog.pg_subscription s "
	"JOIN pg_catalog.pg_database b ON b.oid = s.subdbid WHERE b.datname = pg_catalog.current_database()",
	"SELECT 'cast (' || pg_catalog.format_type(k.castsource, NULL) || ' AS ' || "
	"pg_catalog.format_type(k.casttarget, NULL) || ')' FROM pg_catalog.pg_cast k "
	"WHERE k.oid >= 16384 AND " PG_NOT_EXT("pg_cast", "k.oid") " AND NOT EXISTS (SELECT 1 "
	"FROM pg_catalog.pg_depend x WHERE x.classid = 'pg_catalog.pg_cast'::pg_catalog.regclass "
	"AND x.objid = k.oid AND x.deptype = 'i')",
	NAMED_OBJECT("conversion", "pg_conversion", "conname", "connamespace"),
	"SELECT 'language ' || l.lanname FROM pg_catalog.pg_language l "
	"WHERE l.lanispl AND l.lanname <> 'plpgsql' AND " PG_NOT_EXT("pg_language", "l.oid"),
	"SELECT 'access method ' || a.amname FROM pg_catalog.pg_am a "
	"WHERE a.oid >= 16384 AND " PG_NOT_EXT("pg_am", "a.oid"),
	/* inheritance children and foreign partitions: the table and all it holds */
	"SELECT CASE WHEN c.relispartition THEN 'partition ' ELSE 'inheritance child ' END "
	"|| n.nspname || '.' || c.relname || ' of ' || pn.nspname || '.' || pc.relname "
	"FROM pg_catalog.pg_inherits i JOIN pg_catalog.pg_class c ON c.oid = i.inhrelid "
	"JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace "
	"JOIN pg_catalog.pg_class pc ON pc.oid = i.inhparent "
	"JOIN pg_catalog.pg_namespace pn ON pn.oid = pc.relnamespace "
	"WHERE c.relkind IN ('r', 'p', 'f') AND (NOT c.relispartition OR c.relkind = 'f') AND "
	PG_NS_OK("n") " AND " PG_NOT_EXT("pg_class", "c.oid"),
	"SELECT 'trigger ' || t.tgname || ' on ' || CASE c.relkind WHEN 'v' THEN 'view ' "
	"ELSE 'foreign table ' END || n.nspname || '.' || c.relname "
	"FROM pg_catalog.pg_trigger t JOIN pg_catalog.pg_class c ON c.oid = t.tgrelid "
	"JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace "
	"WHERE NOT t.tgisinternal AND c.relkind IN ('v', 'f') AND " PG_NS_OK("n"),
	/* properties of tables the model has no field for */
	"SELECT 'typed table ' || n.nspname || '.' || c.relname FROM pg_catalog.pg_class c "
	"JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace "
	"WHERE c.reloftype <> 0 AND c.relkind IN ('r', 'p') AND " PG_NS_OK("n"),
	"SELECT 'tablespace of ' || n.nspname || '.' || c.relname FROM pg_catalog.pg_class c "
	"JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace "
	"WHERE c.reltablespace <> 0 AND c.relkind IN ('r', 'p', 'm', 'i', 'I') AND " PG_NS_OK("n")
	" AND " PG_NOT_EXT("pg_class", "c.oid"),
	"SELECT 'replica identity of ' || n.nspname || '.' || c.relname FROM pg_catalog.pg_class c "
	"JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace "
	"WHERE c.relreplident NOT IN ('d', 'n') AND c.relkind IN ('r', 'p') AND " PG_NS_OK("n")
	" AND " PG_NOT_EXT("pg_class", "c.oid"),
	"SELECT 'access method of ' || n.nspname || '.' || c.relname FROM pg_catalog.pg_class c "
	"JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace "
	"JOIN pg_catalog.pg_am a ON a.oid = c.relam "
	"WHERE c.relkind IN ('r', 'm') AND a.amname <> 'heap' AND " PG_NS_OK("n"),
	"SELECT 'clustering of ' || n.nspname || '.' || c.relname FROM pg_catalog.pg_index i "
	"JOIN pg_catalog.pg_class c ON c.oid = i.indrelid "
	"JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace WHERE i.indisclustered AND " PG_NS_OK("n"),
	"SELECT CASE t.tgenabled WHEN 'D' THEN 'disabled trigger ' ELSE 'replica or always trigger ' END "
	"|| t.tgname || ' on ' || n.nspname || '.' || c.relname "
	"FROM pg_catalog.pg_trigger t JOIN pg_catalog.pg_class c ON c.oid = t.tgrelid "
	"JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace "
	"WHERE NOT t.tgisinternal AND t.tgenabled <> 'O' AND " PG_NS_OK("n"),
	/* per-column settings with no field in the model: storage; any setting of a materialized view's */
	"SELECT CASE WHEN a.attstorage <> t.typstorage AND c.relkind IN ('r', 'p', 'm') THEN 'storage of ' "
	"WHEN a.attstattarget >= 0 THEN 'statistics target of ' WHEN a.attoptions IS NOT NULL THEN 'options of ' "
	"ELSE 'compression of ' END "
	"|| CASE WHEN c.relkind IN ('i', 'I') THEN 'index column ' ELSE 'column ' END "
	"|| n.nspname || '.' || c.relname || '.' || a.attname "
	"FROM pg_catalog.pg_attribute a JOIN pg_catalog.pg_class c ON c.oid = a.attrelid "
	"JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace "
	"JOIN pg_catalog.pg_type t ON t.oid = a.atttypid "
	"LEFT JOIN pg_catalog.pg_index x ON x.indexrelid = c.oid "
	"LEFT JOIN pg_catalog.pg_class xc ON xc.oid = x.indrelid "
	"WHERE a.attnum > 0 AND NOT a.attisdropped AND ((c.relkind IN ('r', 'p', 'm') AND a.attstorage <> t.typstorage) "
	"OR ((c.relkind = 'm' OR xc.relkind = 'm') AND (a.attstattarget >= 0 OR a.attoptions IS NOT NULL "
	"OR pg_catalog.length(pg_catalog.to_jsonb(a) ->> 'attcompression') > 0))) "
	"AND c.relkind IN ('r', 'p', 'm', 'i', 'I') AND NOT c.relispartition "
	"AND NOT EXISTS (SELECT 1 FROM pg_catalog.pg_inherits i WHERE i.inhrelid = c.oid) "
	"AND " PG_NS_OK("n") " AND " PG_NOT_EXT("pg_class", "c.oid"),
	/* comments on constraints and triggers of relations the model leaves out */
	"SELECT 'comment on constraint ' || o.conname || ' on ' || n.nspname || '.' || c.relname "
	"FROM pg_catalog.pg_description d JOIN pg_catalog.pg_constraint o ON o.oid = d.objoid "
	"JOIN pg_catalog.pg_class c ON c.oid = o.conrelid "
	"JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace "
	"WHERE d.classoid = 'pg_catalog.pg_constraint'::pg_catalog.regclass AND " PG_NS_OK("n")
	" AND " NOT_IN_MODEL("c"),
	"SELECT 'comment on trigger ' || o.tgname || ' on ' || n.nspname || '.' || c.relname "
	"FROM pg_catalog.pg_description d JOIN pg_catalog.pg_trigger o ON o.oid = d.objoid "
	"JOIN pg_catalog.pg_class c ON c.oid = o.tgrelid "
	"JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace "
	"WHERE d.classoid = 'pg_catalog.pg_trigger'::pg_catalog.regclass AND " PG_NS_OK("n")
	" AND (c.relkind NOT IN ('r', 'p') OR " NOT_IN_MODEL("c") ")",
	"SELECT 'default privileges' FROM pg_catalog.pg_default_acl LIMIT 1",
	NULL,
};

/* Privileges, when they are not compared (compare_privileges = false, the default). */
static const char *const q_privileges[] = {
	"SELECT 'privileges on ' || CASE c.relkind WHEN 'S' THEN 'sequence ' WHEN 'v' THEN 'view ' "
	"WHEN 'm' THEN 'materialized view ' ELSE 'table ' END || n.nspname || '.' || c.relname "
	"FROM pg_catalog.pg_class c JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace "
	"WHERE c.relkind IN ('r', 'p', 'v', 'm', 'S') AND " PG_NS_OK("n") " AND " PG_NOT_EXT("pg_class", "c.oid")
	" AND (c.relacl IS NOT NULL AND c.relacl <> pg_catalog.acldefault((CASE c.relkind WHEN 'S' "
	"THEN 's' ELSE 'r' END)::\"char\", c.relowner) OR EXISTS (SELECT 1 FROM pg_catalog.pg_attribute a "
	"WHERE a.attrelid = c.oid AND a.attacl IS NOT NULL AND a.attnum > 0))",
	"SELECT 'privileges on function ' || p.oid::pg_catalog.regprocedure::text FROM pg_catalog.pg_proc p "
	"JOIN pg_catalog.pg_namespace n ON n.oid = p.pronamespace WHERE " PG_NS_OK("n")
	" AND " PG_NOT_EXT("pg_proc", "p.oid") " AND p.proacl IS NOT NULL "
	"AND p.proacl <> pg_catalog.acldefault('f'::\"char\", p.proowner)",
	"SELECT 'privileges on type ' || n.nspname || '.' || t.typname FROM pg_catalog.pg_type t "
	"JOIN pg_catalog.pg_namespace n ON n.oid = t.typnamespace WHERE " PG_NS_OK("n")
	" AND " PG_NOT_EXT("pg_type", "t.oid") " AND t.typacl IS NOT NULL "
	"AND t.typacl <> pg_catalog.acldefault('T'::\"char\", t.typowner)",
	"SELECT 'privileges on schema ' || n.nspname FROM pg_catalog.pg_namespace n WHERE " PG_NS_OK("n")
	" AND " PG_NOT_EXT("pg_namespace", "n.oid") " AND n.nspacl IS NOT NULL "
	"AND n.nspacl <> pg_catalog.acldefault('n'::\"char\", n.nspowner) AND NOT (n.nspname = 'public' "
	"AND n.nspacl::text = pg_catalog.format(CASE WHEN pg_catalog.current_setting('server_version_num')::int "
	">= 150000 THEN '{%1$s=UC/%1$s,=U/%1$s}' ELSE '{%1$s=UC/%1$s,=UC/%1$s}' END, "
	"pg_catalog.pg_get_userbyid(n.nspowner)))",
	NULL,
};

/* When they are: those of objects whose privileges the model does not hold. */
static const char *const q_privileges_left[] = {
	"SELECT 'privileges on aggregate ' || p.oid::pg_catalog.regprocedure::text FROM pg_catalog.pg_proc p "
	"JOIN pg_catalog.pg_namespace n ON n.oid = p.pronamespace WHERE p.prokind = 'a' AND " PG_NS_OK("n")
	" AND " PG_NOT_EXT("pg_proc", "p.oid") " AND p.proacl IS NOT NULL "
	"AND p.proacl <> pg_catalog.acldefault('f'::\"char\", p.proowner)",
	"SELECT 'privileges on type ' || n.nspname || '.' || t.typname FROM pg_catalog.pg_type t "
	"JOIN pg_catalog.pg_namespace n ON n.oid = t.typnamespace WHERE t.typtype NOT IN ('e', 'd') AND "
	PG_NS_OK("n") " AND " PG_NOT_EXT("pg_type", "t.oid") " AND t.typacl IS NOT NULL "
	"AND t.typacl <> pg_catalog.acldefault('T'::\"char\", t.typowner)",
	NULL,
};

static void add_queries(strbuf *sb, const char *const *q)
{
	for (int i = 0; q[i]; i++)
		rt_strbuf_addf(sb, "%s(%s)", sb->len ? " UNION ALL " : "", q[i]);
}

/* The queries above joined with UNION ALL: one column of text, "kind name". */
char *rt_pg_unsupported_query(int privileges)
{
	strbuf sb = STRBUF_INIT;
	add_queries(&sb, q_unsupported);
	add_queries(&sb, privileges ? q_privileges_left : q_privileges);
	return rt_strbuf_detach(&sb);
}

/*
 * ---- what the model's objects use of them ----
 *
 * The unsupported objects a modelled one can depend on: base types,
 * pseudo-types and range types with a canonical function (an array as
 * its element, a multirange as its range), foreign tables and
 * inheritance children, casts, conversions, languages, access methods,
 * foreign servers and wrappers.  ref(cls, oid) is true for one of them.
 */
#define UNSUPPORTED_REF(cls, oid)                                                                   \
	"((" cls " = 'pg_catalog.pg_type'::pg_catalog.regclass AND EXISTS (SELECT 1 FROM "              \
	"pg_catalog.pg_type t WHERE t.oid = " oid                                                      \
	" AND (t.typtype IN ('b', 'p') OR (t.typtype IN ('r', 'm') AND EXISTS (SELECT 1 FROM "           \
	"pg_catalog.pg_range r WHERE r.rngcanonical <> 0 AND (r.rngtypid = t.oid "                       \
	"OR (pg_catalog.to_jsonb(r) ->> 'rngmultitypid')::pg_catalog.oid = t.oid)))) "                   \
	"AND t.typcategory <> 'A')) "                                                                   \
	"OR (" cls " = 'pg_catalog.pg_class'::pg_catalog.regclass AND EXISTS (SELECT 1 FROM "            \
	"pg_catalog.pg_class k WHERE k.oid = " oid " AND (k.relkind = 'f' OR (NOT k.relispartition "      \
	"AND EXISTS (SELECT 1 FROM pg_catalog.pg_inherits i WHERE i.inhrelid = k.oid))))) "               \
	"OR " cls " IN ('pg_catalog.pg_cast'::pg_catalog.regclass, "                                     \
	"'pg_catalog.pg_conversion'::pg_catalog.regclass, 'pg_catalog.pg_language'::pg_catalog.regclass, " \
	"'pg_catalog.pg_am'::pg_catalog.regclass, 'pg_catalog.pg_foreign_server'::pg_catalog.regclass, "  \
	"'pg_catalog.pg_foreign_data_wrapper'::pg_catalog.regclass)) "                                   \
	"AND NOT EXISTS (SELECT 1 FROM pg_catalog.pg_depend x WHERE x.classid = " cls                   \
	" AND x.objid = " oid " AND x.deptype = 'e')"

/* An array type counts as its element type. */
#define ELEM(cls, oid)                                                                          \
	"CASE WHEN " cls " = 'pg_catalog.pg_type'::pg_catalog.regclass THEN COALESCE((SELECT "      \
	"t.typelem FROM pg_catalog.pg_type t WHERE t.oid = " oid " AND t.typcategory = 'A' "        \
	"AND t.typelem <> 0), " oid ") ELSE " oid " END"

/* Every such object (pg_describe_object's name), from the catalogs that hold them. */
static const char q_unsupported_keys[] =
	"SELECT pg_catalog.pg_describe_object(o.cls, o.oid, 0) FROM ("
	"SELECT 'pg_catalog.pg_type'::pg_catalog.regclass AS cls, oid FROM pg_catalog.pg_type "
	"UNION ALL SELECT 'pg_catalog.pg_class'::pg_catalog.regclass, oid FROM pg_catalog.pg_class "
	"WHERE relkind IN ('r', 'p', 'f') "
	"UNION ALL SELECT 'pg_catalog.pg_cast'::pg_catalog.regclass, oid FROM pg_catalog.pg_cast "
	"UNION ALL SELECT 'pg_catalog.pg_conversion'::pg_catalog.regclass, oid FROM pg_catalog.pg_conversion "
	"UNION ALL SELECT 'pg_catalog.pg_language'::pg_catalog.regclass, oid FROM pg_catalog.pg_language "
	"UNION ALL SELECT 'pg_catalog.pg_am'::pg_catalog.regclass, oid FROM pg_catalog.pg_am "
	"UNION ALL SELECT 'pg_catalog.pg_foreign_server'::pg_catalog.regclass, oid FROM pg_catalog.pg_foreign_server "
	"UNION ALL SELECT 'pg_catalog.pg_foreign_data_wrapper'::pg_catalog.regclass, oid "
	"FROM pg_catalog.pg_foreign_data_wrapper) o "
	"WHERE o.oid >= 16384 AND " UNSUPPORTED_REF("o.cls", "o.oid");

/* The relation an object of catalog cls belongs to (0: none), for the uses below. */
#define OWNER_REL(cls, oid)                                                                             \
	"CASE " cls " WHEN 'pg_catalog.pg_class'::pg_catalog.regclass THEN " oid " "                       \
	"WHEN 'pg_catalog.pg_constraint'::pg_catalog.regclass THEN (SELECT conrelid FROM "                  \
	"pg_catalog.pg_constraint WHERE oid = " oid ") "                                                   \
	"WHEN 'pg_catalog.pg_attrdef'::pg_catalog.regclass THEN (SELECT adrelid FROM pg_catalog.pg_attrdef " \
	"WHERE oid = " oid ") "                                                                            \
	"WHEN 'pg_catalog.pg_trigger'::pg_catalog.regclass THEN (SELECT tgrelid FROM pg_catalog.pg_trigger " \
	"WHERE oid = " oid ") "                                                                            \
	"WHEN 'pg_catalog.pg_policy'::pg_catalog.regclass THEN (SELECT polrelid FROM pg_catalog.pg_policy "  \
	"WHERE oid = " oid ") "                                                                            \
	"WHEN 'pg_catalog.pg_statistic_ext'::pg_catalog.regclass THEN (SELECT stxrelid FROM "               \
	"pg_catalog.pg_statistic_ext WHERE oid = " oid ") "                                                \
	"WHEN 'pg_catalog.pg_rewrite'::pg_catalog.regclass THEN (SELECT ev_class FROM pg_catalog.pg_rewrite " \
	"WHERE oid = " oid " AND rulename = '_RETURN') ELSE 0 END"

/*
 * What modelled objects use of them: columns, constraints, defaults,
 * indexes, views, functions, triggers, policies, statistics, domains --
 * not those of relations retort leaves out, nor what comes with another
 * object (a range type's constructors) or an extension.
 */
static const char q_unsupported_uses[] =
	"SELECT DISTINCT pg_catalog.pg_describe_object(d.refclassid, " ELEM("d.refclassid", "d.refobjid") ", 0), "
	"pg_catalog.pg_describe_object(d.classid, d.objid, d.objsubid) "
	"FROM pg_catalog.pg_depend d WHERE d.deptype = 'n' AND d.refobjid >= 16384 "
	"AND " UNSUPPORTED_REF("d.refclassid", ELEM("d.refclassid", "d.refobjid"))
	" AND NOT EXISTS (SELECT 1 FROM pg_catalog.pg_depend x WHERE x.classid = d.classid "
	"AND x.objid = d.objid AND x.deptype IN ('e', 'i')) "
	/* not of a relation left out; a rule (a pg_rewrite that is no view's) is left out too */
	"AND COALESCE((SELECT k.relkind NOT IN ('r', 'p', 'v', 'm', 'i', 'I', 'S', 'c') OR (NOT k.relispartition "
	"AND EXISTS (SELECT 1 FROM pg_catalog.pg_inherits i WHERE i.inhrelid = k.oid)) "
	"FROM pg_catalog.pg_class k WHERE k.oid = (" OWNER_REL("d.classid", "d.objid") ")), "
	"d.classid = 'pg_catalog.pg_rewrite'::pg_catalog.regclass) = false "
	"AND (d.classid IN ('pg_catalog.pg_attrdef'::pg_catalog.regclass, "
	"'pg_catalog.pg_constraint'::pg_catalog.regclass, 'pg_catalog.pg_proc'::pg_catalog.regclass, "
	"'pg_catalog.pg_rewrite'::pg_catalog.regclass, 'pg_catalog.pg_trigger'::pg_catalog.regclass, "
	"'pg_catalog.pg_policy'::pg_catalog.regclass, 'pg_catalog.pg_statistic_ext'::pg_catalog.regclass) "
	"OR (d.classid = 'pg_catalog.pg_class'::pg_catalog.regclass AND EXISTS (SELECT 1 FROM "
	"pg_catalog.pg_class k WHERE k.oid = d.objid AND k.relkind IN ('r', 'p', 'v', 'm', 'i', 'I', 'S', 'c') "
	"AND NOT (NOT k.relispartition AND EXISTS (SELECT 1 FROM pg_catalog.pg_inherits i "
	"WHERE i.inhrelid = k.oid)))) "
	"OR (d.classid = 'pg_catalog.pg_type'::pg_catalog.regclass AND EXISTS (SELECT 1 FROM "
	"pg_catalog.pg_type t WHERE t.oid = d.objid AND t.typtype IN ('d', 'r'))))";

const char *rt_pg_unsupported_keys_query(void)
{
	return q_unsupported_keys;
}

const char *rt_pg_unsupported_uses_query(void)
{
	return q_unsupported_uses;
}
