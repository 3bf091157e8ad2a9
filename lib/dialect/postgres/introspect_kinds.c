/*
 * introspect_kinds.c - the PostgreSQL object kinds read besides
 * relations, enum types and functions (introspect.c): extensions,
 * domains, and the objects kept as their definition (sm_object):
 * aggregates, collations, operators, operator families and classes, text
 * search parsers, templates, dictionaries and configurations, composite
 * and range types, extended statistics and row-level security policies.
 *
 * As in introspect.c, every definition is the server's own rendering,
 * read with an empty search_path, so names outside pg_catalog come
 * qualified.
 */
#include "dialect/postgres/pgintrospect.h"
#include "dialect/postgres/pg_internal.h"

#include <stdio.h>
#include <string.h>

/* ---- extensions ---- */

/*
 * plpgsql aside (every database has it).  The version is kept; whether it
 * is the one CREATE EXTENSION installs by default decides whether a
 * migration names it.  The comment every extension sets from its control
 * file is no comment of the user's.
 */
static const char q_exts[] =
	"SELECT e.extname, n.nspname, e.extversion, "
	"e.extversion IS NOT DISTINCT FROM a.default_version, e.extrelocatable, "
	"CASE WHEN d.description IS DISTINCT FROM a.comment THEN d.description END, "
	"(SELECT pg_catalog.string_agg(r.extname, " SEP_SQL " ORDER BY r.extname) "
	"FROM pg_catalog.pg_depend x JOIN pg_catalog.pg_extension r ON r.oid = x.refobjid "
	"WHERE x.classid = 'pg_catalog.pg_extension'::pg_catalog.regclass AND x.objid = e.oid "
	"AND x.refclassid = 'pg_catalog.pg_extension'::pg_catalog.regclass) "
	"FROM pg_catalog.pg_extension e "
	"JOIN pg_catalog.pg_namespace n ON n.oid = e.extnamespace "
	"LEFT JOIN pg_catalog.pg_available_extensions a ON a.name = e.extname "
	"LEFT JOIN pg_catalog.pg_description d ON d.classoid = 'pg_catalog.pg_extension'::pg_catalog.regclass "
	"AND d.objoid = e.oid AND d.objsubid = 0 "
	"WHERE e.extname <> 'plpgsql'";

static int on_ext(void *ud, int n, const char *const *v)
{
	pgi *p = ud;
	(void)n;
	sm_extension *e = rt_sm_add_extension(p->s);
	e->name = dup(v[0]);
	e->schema = dup(v[1]);
	e->version = dup(v[2]);
	e->default_version = is_true(v[3]);
	e->relocatable = is_true(v[4]);
	e->comment = dup(v[5]);
	rt_pgi_split_list(v[6], &e->requires, &e->nrequires);
	return 0;
}

/* ---- domains ---- */

static const char q_domains[] =
	"SELECT t.oid, n.nspname, t.typname, pg_catalog.format_type(t.typbasetype, t.typtypmod), "
	"t.typnotnull, pg_catalog.pg_get_expr(t.typdefaultbin, 0), "
	"CASE WHEN t.typcollation <> bt.typcollation THEN "
	"pg_catalog.quote_ident(cn.nspname) || '.' || pg_catalog.quote_ident(co.collname) END, "
	"d.description "
	"FROM pg_catalog.pg_type t "
	"JOIN pg_catalog.pg_namespace n ON n.oid = t.typnamespace "
	"JOIN pg_catalog.pg_type bt ON bt.oid = t.typbasetype "
	"LEFT JOIN pg_catalog.pg_collation co ON co.oid = t.typcollation "
	"LEFT JOIN pg_catalog.pg_namespace cn ON cn.oid = co.collnamespace "
	"LEFT JOIN pg_catalog.pg_description d ON d.classoid = 'pg_catalog.pg_type'::pg_catalog.regclass "
	"AND d.objoid = t.oid AND d.objsubid = 0 "
	"WHERE t.typtype = 'd' AND " PG_NS_OK("n") " AND " PG_NOT_EXT("pg_type", "t.oid");

/* CHECK constraints of domains (NOT NULL is typnotnull). */
static const char q_domain_cons[] =
	"SELECT co.contypid, co.conname, pg_catalog.pg_get_constraintdef(co.oid), co.convalidated, "
	"d.description "
	"FROM pg_catalog.pg_constraint co "
	"LEFT JOIN pg_catalog.pg_description d ON d.classoid = 'pg_catalog.pg_constraint'::pg_catalog.regclass "
	"AND d.objoid = co.oid AND d.objsubid = 0 "
	"WHERE co.contypid <> 0 AND co.contype = 'c'";

/* What a domain uses: its base type, the functions of its default and checks. */
static const char q_domain_deps[] =
	"SELECT DISTINCT t.oid, " PG_KEY("d.refclassid", "d.refobjid") " "
	"FROM pg_catalog.pg_type t JOIN pg_catalog.pg_depend d ON d.deptype = 'n' "
	"AND d.refobjid <> t.oid AND ((d.classid = 'pg_catalog.pg_type'::pg_catalog.regclass "
	"AND d.objid = t.oid) OR (d.classid = 'pg_catalog.pg_constraint'::pg_catalog.regclass "
	"AND d.objid IN (SELECT k.oid FROM pg_catalog.pg_constraint k WHERE k.contypid = t.oid))) "
	"WHERE t.typtype = 'd'";

static sm_domain *domain_of(pgi *p, const char *oid)
{
	int i = rt_strmap_get(&p->domains, oid);
	return i < 0 ? NULL : &p->s->domains[i];
}

static int on_domain(void *ud, int n, const char *const *v)
{
	pgi *p = ud;
	(void)n;
	rt_pgi_map_put(p, &p->domains, v[0], (int)p->s->ndomains);
	sm_domain *m = rt_sm_add_domain(p->s);
	m->schema = dup(v[1]);
	m->name = dup(v[2]);
	m->type = dup(v[3]);
	m->notnull = is_true(v[4]);
	m->def = dup(v[5]);
	m->collation = dup(v[6]);
	m->comment = dup(v[7]);
	return 0;
}

static int on_domain_con(void *ud, int n, const char *const *v)
{
	pgi *p = ud;
	(void)n;
	sm_domain *m = domain_of(p, v[0]);
	if (!m)
		return 0;
	sm_constraint *k = rt_sm_add_domain_constraint(m);
	k->kind = SM_CHECK;
	k->name = dup(v[1]);
	k->def = dup(v[2]);
	k->validated = is_true(v[3]);
	k->comment = dup(v[4]);
	return 0;
}

static int on_domain_dep(void *ud, int n, const char *const *v)
{
	pgi *p = ud;
	(void)n;
	sm_domain *m = domain_of(p, v[0]);
	if (m && v[1])
		rt_sm_strv_push(&m->deps, &m->ndeps, v[1]);
	return 0;
}

/*
 * ---- objects kept as their definition ----
 *
 * One query per kind, each row: catalog oid, object oid, kind, schema,
 * name, key, definition, drop statement, comment target, comment.
 */
#define OBJ_DESC(cat, oid)                                                     \
	"LEFT JOIN pg_catalog.pg_description d ON d.classoid = '" cat "'::pg_catalog.regclass " \
	"AND d.objoid = " oid " AND d.objsubid = 0 "

/* Aggregates: CREATE AGGREGATE written from pg_aggregate. */
static const char q_aggregates[] =
	"SELECT 'pg_catalog.pg_proc'::pg_catalog.regclass::oid, p.oid, 'aggregate', n.nspname, "
	"p.proname || '(' || pg_catalog.oidvectortypes(p.proargtypes) || ')', "
	"n.nspname || '.' || p.proname || '(' || pg_catalog.oidvectortypes(p.proargtypes) || ')', "
	"'CREATE AGGREGATE ' || pg_catalog.quote_ident(n.nspname) || '.' || pg_catalog.quote_ident(p.proname) "
	"|| '(' || CASE WHEN p.pronargs = 0 THEN '*' ELSE pg_catalog.pg_get_function_arguments(p.oid) END "
	"|| ') (' || pg_catalog.concat_ws(', ', "
	"'SFUNC = ' || a.aggtransfn::pg_catalog.regproc, "
	"'STYPE = ' || pg_catalog.format_type(a.aggtranstype, NULL), "
	"CASE WHEN a.aggtransspace <> 0 THEN 'SSPACE = ' || a.aggtransspace END, "
	"CASE WHEN a.aggfinalfn <> 0 THEN 'FINALFUNC = ' || a.aggfinalfn::pg_catalog.regproc END, "
	"CASE WHEN a.aggfinalextra THEN 'FINALFUNC_EXTRA' END, "
	"CASE WHEN a.aggfinalfn <> 0 THEN 'FINALFUNC_MODIFY = ' || CASE a.aggfinalmodify "
	"WHEN 'r' THEN 'READ_ONLY' WHEN 's' THEN 'SHAREABLE' ELSE 'READ_WRITE' END END, "
	"CASE WHEN a.aggcombinefn <> 0 THEN 'COMBINEFUNC = ' || a.aggcombinefn::pg_catalog.regproc END, "
	"CASE WHEN a.aggserialfn <> 0 THEN 'SERIALFUNC = ' || a.aggserialfn::pg_catalog.regproc END, "
	"CASE WHEN a.aggdeserialfn <> 0 THEN 'DESERIALFUNC = ' || a.aggdeserialfn::pg_catalog.regproc END, "
	"CASE WHEN a.agginitval IS NOT NULL THEN 'INITCOND = ' || pg_catalog.quote_literal(a.agginitval) END, "
	"CASE WHEN a.aggmtransfn <> 0 THEN 'MSFUNC = ' || a.aggmtransfn::pg_catalog.regproc END, "
	"CASE WHEN a.aggminvtransfn <> 0 THEN 'MINVFUNC = ' || a.aggminvtransfn::pg_catalog.regproc END, "
	"CASE WHEN a.aggmtranstype <> 0 THEN 'MSTYPE = ' || pg_catalog.format_type(a.aggmtranstype, NULL) END, "
	"CASE WHEN a.aggmtransspace <> 0 THEN 'MSSPACE = ' || a.aggmtransspace END, "
	"CASE WHEN a.aggmfinalfn <> 0 THEN 'MFINALFUNC = ' || a.aggmfinalfn::pg_catalog.regproc END, "
	"CASE WHEN a.aggmfinalextra THEN 'MFINALFUNC_EXTRA' END, "
	"CASE WHEN a.aggmfinalfn <> 0 THEN 'MFINALFUNC_MODIFY = ' || CASE a.aggmfinalmodify "
	"WHEN 'r' THEN 'READ_ONLY' WHEN 's' THEN 'SHAREABLE' ELSE 'READ_WRITE' END END, "
	"CASE WHEN a.aggminitval IS NOT NULL THEN 'MINITCOND = ' || pg_catalog.quote_literal(a.aggminitval) END, "
	"CASE WHEN a.aggsortop <> 0 THEN (SELECT 'SORTOP = OPERATOR(' || pg_catalog.quote_ident(sn.nspname) "
	"|| '.' || so.oprname || ')' FROM pg_catalog.pg_operator so "
	"JOIN pg_catalog.pg_namespace sn ON sn.oid = so.oprnamespace WHERE so.oid = a.aggsortop) END, "
	"CASE p.proparallel WHEN 's' THEN 'PARALLEL = SAFE' WHEN 'r' THEN 'PARALLEL = RESTRICTED' END, "
	"CASE WHEN a.aggkind = 'h' THEN 'HYPOTHETICAL' END) || ')', "
	"'DROP AGGREGATE ' || pg_catalog.quote_ident(n.nspname) || '.' || pg_catalog.quote_ident(p.proname) "
	"|| '(' || CASE WHEN p.pronargs = 0 THEN '*' ELSE pg_catalog.pg_get_function_identity_arguments(p.oid) END || ')', "
	"'AGGREGATE ' || pg_catalog.quote_ident(n.nspname) || '.' || pg_catalog.quote_ident(p.proname) "
	"|| '(' || CASE WHEN p.pronargs = 0 THEN '*' ELSE pg_catalog.pg_get_function_identity_arguments(p.oid) END || ')', "
	"d.description "
	"FROM pg_catalog.pg_proc p JOIN pg_catalog.pg_aggregate a ON a.aggfnoid = p.oid "
	"JOIN pg_catalog.pg_namespace n ON n.oid = p.pronamespace "
	OBJ_DESC("pg_catalog.pg_proc", "p.oid")
	"WHERE " PG_NS_OK("n") " AND " PG_NOT_EXT("pg_proc", "p.oid");

/* Collations: provider, determinism, locale (the fields vary by version: read through jsonb). */
static const char q_collations[] =
	"SELECT 'pg_catalog.pg_collation'::pg_catalog.regclass::oid, c.oid, 'collation', n.nspname, "
	"c.collname, pg_catalog.pg_describe_object('pg_catalog.pg_collation'::pg_catalog.regclass, c.oid, 0), "
	"'CREATE COLLATION ' || pg_catalog.quote_ident(n.nspname) || '.' || pg_catalog.quote_ident(c.collname) "
	"|| ' (' || pg_catalog.concat_ws(', ', "
	"'PROVIDER = ' || CASE c.collprovider WHEN 'i' THEN 'icu' WHEN 'b' THEN 'builtin' ELSE 'libc' END, "
	"CASE WHEN c.collprovider <> 'c' THEN 'LOCALE = ' || pg_catalog.quote_literal(COALESCE("
	"j.v ->> 'colllocale', j.v ->> 'colliculocale', c.collcollate)) "
	"WHEN c.collcollate = c.collctype THEN 'LOCALE = ' || pg_catalog.quote_literal(c.collcollate) "
	"ELSE 'LC_COLLATE = ' || pg_catalog.quote_literal(c.collcollate) || ', LC_CTYPE = ' "
	"|| pg_catalog.quote_literal(c.collctype) END, "
	"CASE WHEN j.v ->> 'collicurules' IS NOT NULL THEN 'RULES = ' "
	"|| pg_catalog.quote_literal(j.v ->> 'collicurules') END, "
	"CASE WHEN NOT c.collisdeterministic THEN 'DETERMINISTIC = false' END) || ')', "
	"'DROP COLLATION ' || pg_catalog.quote_ident(n.nspname) || '.' || pg_catalog.quote_ident(c.collname), "
	"'COLLATION ' || pg_catalog.quote_ident(n.nspname) || '.' || pg_catalog.quote_ident(c.collname), "
	"d.description "
	"FROM pg_catalog.pg_collation c JOIN pg_catalog.pg_namespace n ON n.oid = c.collnamespace "
	"CROSS JOIN LATERAL (SELECT pg_catalog.to_jsonb(c) AS v) j "
	OBJ_DESC("pg_catalog.pg_collation", "c.oid")
	"WHERE " PG_NS_OK("n") " AND " PG_NOT_EXT("pg_collation", "c.oid");

/* Operators: CREATE OPERATOR from pg_operator (a commutator not made yet is made as a shell). */
#define OPR_NAME(o) "(SELECT pg_catalog.quote_ident(xn.nspname) || '.' || x.oprname " \
	"FROM pg_catalog.pg_operator x JOIN pg_catalog.pg_namespace xn ON xn.oid = x.oprnamespace " \
	"WHERE x.oid = " o ")"
static const char q_operators[] =
	"SELECT 'pg_catalog.pg_operator'::pg_catalog.regclass::oid, o.oid, 'operator', n.nspname, "
	"pg_catalog.substr(o.oid::pg_catalog.regoperator::text, pg_catalog.length(n.nspname) + 2), "
	"pg_catalog.pg_describe_object('pg_catalog.pg_operator'::pg_catalog.regclass, o.oid, 0), "
	"'CREATE OPERATOR ' || pg_catalog.quote_ident(n.nspname) || '.' || o.oprname || ' (' "
	"|| pg_catalog.concat_ws(', ', 'FUNCTION = ' || o.oprcode::pg_catalog.regproc, "
	"CASE WHEN o.oprleft <> 0 THEN 'LEFTARG = ' || pg_catalog.format_type(o.oprleft, NULL) END, "
	"CASE WHEN o.oprright <> 0 THEN 'RIGHTARG = ' || pg_catalog.format_type(o.oprright, NULL) END, "
	"CASE WHEN o.oprcom <> 0 THEN 'COMMUTATOR = OPERATOR(' || " OPR_NAME("o.oprcom") " || ')' END, "
	"CASE WHEN o.oprnegate <> 0 THEN 'NEGATOR = OPERATOR(' || " OPR_NAME("o.oprnegate") " || ')' END, "
	"CASE WHEN o.oprrest <> 0 THEN 'RESTRICT = ' || o.oprrest::pg_catalog.regproc END, "
	"CASE WHEN o.oprjoin <> 0 THEN 'JOIN = ' || o.oprjoin::pg_catalog.regproc END, "
	"CASE WHEN o.oprcanhash THEN 'HASHES' END, CASE WHEN o.oprcanmerge THEN 'MERGES' END) || ')', "
	"'DROP OPERATOR ' || o.oid::pg_catalog.regoperator::text, "
	"'OPERATOR ' || o.oid::pg_catalog.regoperator::text, "
	"d.description "
	"FROM pg_catalog.pg_operator o JOIN pg_catalog.pg_namespace n ON n.oid = o.oprnamespace "
	OBJ_DESC("pg_catalog.pg_operator", "o.oid")
	"WHERE o.oprcode <> 0 AND " PG_NS_OK("n") " AND " PG_NOT_EXT("pg_operator", "o.oid");

/* Operator families: CREATE, then the members no class holds ("loose" ones). */
#define QN(ns, name) "pg_catalog.quote_ident(" ns ") || '.' || pg_catalog.quote_ident(" name ")"
#define AMOP_ITEM(ao) \
	"'OPERATOR ' || " ao ".amopstrategy || ' ' || " ao ".amopopr::pg_catalog.regoperator::text " \
	"|| CASE WHEN " ao ".amoppurpose = 'o' THEN (SELECT ' FOR ORDER BY ' || " QN("sn.nspname", "sf.opfname") \
	" FROM pg_catalog.pg_opfamily sf JOIN pg_catalog.pg_namespace sn ON sn.oid = sf.opfnamespace " \
	"WHERE sf.oid = " ao ".amopsortfamily) ELSE '' END"
#define AMPROC_ITEM(ap) \
	"'FUNCTION ' || " ap ".amprocnum || ' (' || pg_catalog.format_type(" ap ".amproclefttype, NULL) " \
	"|| ', ' || pg_catalog.format_type(" ap ".amprocrighttype, NULL) || ') ' " \
	"|| " ap ".amproc::pg_catalog.regprocedure::text"
/* The operators (functions) of family/class oid: those whose pg_depend row points at it. */
#define MEMBERS(cat, item, order, refcat, oid) \
	"(SELECT pg_catalog.string_agg(" item ", ', ' ORDER BY " order ") FROM pg_catalog." cat " m " \
	"JOIN pg_catalog.pg_depend x ON x.classid = 'pg_catalog." cat "'::pg_catalog.regclass " \
	"AND x.objid = m.oid AND x.refclassid = 'pg_catalog." refcat "'::pg_catalog.regclass " \
	"AND x.refobjid = " oid ")"

static const char q_opfamilies[] =
	"SELECT 'pg_catalog.pg_opfamily'::pg_catalog.regclass::oid, f.oid, 'operator family', n.nspname, "
	"f.opfname || ' USING ' || a.amname, "
	"pg_catalog.pg_describe_object('pg_catalog.pg_opfamily'::pg_catalog.regclass, f.oid, 0), "
	"'CREATE OPERATOR FAMILY ' || " QN("n.nspname", "f.opfname") " || ' USING ' || pg_catalog.quote_ident(a.amname) "
	"|| COALESCE(E'\\n;\\nALTER OPERATOR FAMILY ' || " QN("n.nspname", "f.opfname") " || ' USING ' "
	"|| pg_catalog.quote_ident(a.amname) || ' ADD ' || NULLIF(pg_catalog.concat_ws(', ', "
	MEMBERS("pg_amop", AMOP_ITEM("m"), "m.amopstrategy, m.amoplefttype, m.amoprighttype", "pg_opfamily", "f.oid") ", "
	MEMBERS("pg_amproc", AMPROC_ITEM("m"), "m.amprocnum, m.amproclefttype, m.amprocrighttype", "pg_opfamily", "f.oid")
	"), ''), ''), "
	"'DROP OPERATOR FAMILY ' || " QN("n.nspname", "f.opfname") " || ' USING ' || pg_catalog.quote_ident(a.amname), "
	"'OPERATOR FAMILY ' || " QN("n.nspname", "f.opfname") " || ' USING ' || pg_catalog.quote_ident(a.amname), "
	"d.description "
	"FROM pg_catalog.pg_opfamily f JOIN pg_catalog.pg_namespace n ON n.oid = f.opfnamespace "
	"JOIN pg_catalog.pg_am a ON a.oid = f.opfmethod "
	OBJ_DESC("pg_catalog.pg_opfamily", "f.oid")
	"WHERE " PG_NS_OK("n") " AND " PG_NOT_EXT("pg_opfamily", "f.oid");

static const char q_opclasses[] =
	"SELECT 'pg_catalog.pg_opclass'::pg_catalog.regclass::oid, c.oid, 'operator class', n.nspname, "
	"c.opcname || ' USING ' || a.amname, "
	"pg_catalog.pg_describe_object('pg_catalog.pg_opclass'::pg_catalog.regclass, c.oid, 0), "
	"'CREATE OPERATOR CLASS ' || " QN("n.nspname", "c.opcname")
	" || CASE WHEN c.opcdefault THEN ' DEFAULT' ELSE '' END "
	"|| ' FOR TYPE ' || pg_catalog.format_type(c.opcintype, NULL) || ' USING ' || pg_catalog.quote_ident(a.amname) "
	"|| ' FAMILY ' || " QN("fn.nspname", "f.opfname") " || ' AS ' || pg_catalog.concat_ws(', ', "
	MEMBERS("pg_amop", AMOP_ITEM("m"), "m.amopstrategy, m.amoplefttype, m.amoprighttype", "pg_opclass", "c.oid") ", "
	MEMBERS("pg_amproc", AMPROC_ITEM("m"), "m.amprocnum, m.amproclefttype, m.amprocrighttype", "pg_opclass", "c.oid") ", "
	"CASE WHEN c.opckeytype <> 0 THEN 'STORAGE ' || pg_catalog.format_type(c.opckeytype, NULL) END), "
	"'DROP OPERATOR CLASS ' || " QN("n.nspname", "c.opcname") " || ' USING ' || pg_catalog.quote_ident(a.amname), "
	"'OPERATOR CLASS ' || " QN("n.nspname", "c.opcname") " || ' USING ' || pg_catalog.quote_ident(a.amname), "
	"d.description "
	"FROM pg_catalog.pg_opclass c JOIN pg_catalog.pg_namespace n ON n.oid = c.opcnamespace "
	"JOIN pg_catalog.pg_am a ON a.oid = c.opcmethod JOIN pg_catalog.pg_opfamily f ON f.oid = c.opcfamily "
	"JOIN pg_catalog.pg_namespace fn ON fn.oid = f.opfnamespace "
	OBJ_DESC("pg_catalog.pg_opclass", "c.oid")
	"WHERE " PG_NS_OK("n") " AND " PG_NOT_EXT("pg_opclass", "c.oid");

/* Text search: parsers, templates, dictionaries, configurations (with their mappings). */
#define TS_OBJECT(cat, kind, KIND, alias, name, ns, def) \
	"SELECT 'pg_catalog." cat "'::pg_catalog.regclass::oid, " alias ".oid, '" kind "', n.nspname, " \
	alias "." name ", pg_catalog.pg_describe_object('pg_catalog." cat "'::pg_catalog.regclass, " alias ".oid, 0), " \
	def ", 'DROP " KIND " ' || " QN("n.nspname", alias "." name) ", " \
	"'" KIND " ' || " QN("n.nspname", alias "." name) ", d.description " \
	"FROM pg_catalog." cat " " alias " JOIN pg_catalog.pg_namespace n ON n.oid = " alias "." ns " " \
	OBJ_DESC("pg_catalog." cat, alias ".oid") \
	"WHERE " PG_NS_OK("n") " AND " PG_NOT_EXT(cat, alias ".oid")

static const char q_ts_parsers[] = TS_OBJECT("pg_ts_parser", "text search parser", "TEXT SEARCH PARSER", "p", "prsname", "prsnamespace",
	"'CREATE TEXT SEARCH PARSER ' || " QN("n.nspname", "p.prsname") " || ' (START = ' "
	"|| p.prsstart::pg_catalog.regproc || ', GETTOKEN = ' || p.prstoken::pg_catalog.regproc "
	"|| ', END = ' || p.prsend::pg_catalog.regproc || ', LEXTYPES = ' || p.prslextype::pg_catalog.regproc "
	"|| CASE WHEN p.prsheadline <> 0 THEN ', HEADLINE = ' || p.prsheadline::pg_catalog.regproc ELSE '' END || ')'");

static const char q_ts_templates[] = TS_OBJECT("pg_ts_template", "text search template", "TEXT SEARCH TEMPLATE", "t", "tmplname", "tmplnamespace",
	"'CREATE TEXT SEARCH TEMPLATE ' || " QN("n.nspname", "t.tmplname") " || ' (' || pg_catalog.concat_ws(', ', "
	"CASE WHEN t.tmplinit <> 0 THEN 'INIT = ' || t.tmplinit::pg_catalog.regproc END, "
	"'LEXIZE = ' || t.tmpllexize::pg_catalog.regproc) || ')'");

static const char q_ts_dicts[] = TS_OBJECT("pg_ts_dict", "text search dictionary", "TEXT SEARCH DICTIONARY", "t", "dictname", "dictnamespace",
	"'CREATE TEXT SEARCH DICTIONARY ' || " QN("n.nspname", "t.dictname") " || ' (TEMPLATE = ' "
	"|| (SELECT " QN("tn.nspname", "tt.tmplname") " FROM pg_catalog.pg_ts_template tt "
	"JOIN pg_catalog.pg_namespace tn ON tn.oid = tt.tmplnamespace WHERE tt.oid = t.dicttemplate) "
	"|| COALESCE(', ' || t.dictinitoption, '') || ')'");

static const char q_ts_configs[] = TS_OBJECT("pg_ts_config", "text search configuration", "TEXT SEARCH CONFIGURATION", "c", "cfgname", "cfgnamespace",
	"'CREATE TEXT SEARCH CONFIGURATION ' || " QN("n.nspname", "c.cfgname") " || ' (PARSER = ' "
	"|| (SELECT " QN("pn.nspname", "p.prsname") " FROM pg_catalog.pg_ts_parser p "
	"JOIN pg_catalog.pg_namespace pn ON pn.oid = p.prsnamespace WHERE p.oid = c.cfgparser) || ')' "
	"|| COALESCE((SELECT pg_catalog.string_agg(E'\\n;\\nALTER TEXT SEARCH CONFIGURATION ' "
	"|| " QN("n.nspname", "c.cfgname") " || ' ADD MAPPING FOR ' || z.alias || ' WITH ' || z.dicts, '' ORDER BY z.alias) "
	"FROM (SELECT t.alias, pg_catalog.string_agg(" QN("dn.nspname", "dd.dictname") ", ', ' ORDER BY m.mapseqno) AS dicts "
	"FROM pg_catalog.pg_ts_config_map m JOIN pg_catalog.ts_token_type(c.cfgparser) t ON t.tokid = m.maptokentype "
	"JOIN pg_catalog.pg_ts_dict dd ON dd.oid = m.mapdict JOIN pg_catalog.pg_namespace dn ON dn.oid = dd.dictnamespace "
	"WHERE m.mapcfg = c.oid GROUP BY t.alias) z), '')");

/*
 * Extended statistics (made after their table), with a statistics
 * target when set.  The columns are a set: named in the order of their
 * names, not of their places in the table (which differ where column
 * order is not compared); with expressions, the server's rendering.
 */
static const char q_statistics[] =
	"SELECT 'pg_catalog.pg_statistic_ext'::pg_catalog.regclass::oid, s.oid, 'statistics', sn.nspname, s.stxname, "
	"pg_catalog.pg_describe_object('pg_catalog.pg_statistic_ext'::pg_catalog.regclass, s.oid, 0), "
	"CASE WHEN pg_catalog.to_jsonb(s) ->> 'stxexprs' IS NULL THEN 'CREATE STATISTICS ' || " QN("sn.nspname", "s.stxname")
	" || ' (' || pg_catalog.array_to_string(ARRAY(SELECT CASE k WHEN 'd' THEN 'ndistinct' "
	"WHEN 'f' THEN 'dependencies' WHEN 'm' THEN 'mcv' END FROM pg_catalog.unnest(s.stxkind) k "
	"WHERE k IN ('d', 'f', 'm') ORDER BY pg_catalog.strpos('dfm', k)), ', ') || ') ON ' "
	"|| (SELECT pg_catalog.string_agg(pg_catalog.quote_ident(a.attname), ', ' ORDER BY a.attname) "
	"FROM pg_catalog.pg_attribute a WHERE a.attrelid = s.stxrelid AND a.attnum = ANY (s.stxkeys)) "
	"|| ' FROM ' || " QN("n.nspname", "c.relname") " ELSE pg_catalog.pg_get_statisticsobjdef(s.oid) END || COALESCE(E'\\n;\\nALTER STATISTICS ' || " QN("sn.nspname", "s.stxname")
	" || ' SET STATISTICS ' || NULLIF(pg_catalog.to_jsonb(s) ->> 'stxstattarget', '-1'), ''), "
	"'DROP STATISTICS ' || " QN("sn.nspname", "s.stxname") ", 'STATISTICS ' || " QN("sn.nspname", "s.stxname") ", "
	"d.description "
	"FROM pg_catalog.pg_statistic_ext s JOIN pg_catalog.pg_namespace sn ON sn.oid = s.stxnamespace "
	"JOIN pg_catalog.pg_class c ON c.oid = s.stxrelid JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace "
	OBJ_DESC("pg_catalog.pg_statistic_ext", "s.oid")
	"WHERE " PG_NS_OK("sn") " AND ";

/* Row-level security policies, on the tables retort reads. */
static const char q_policies[] =
	"SELECT 'pg_catalog.pg_policy'::pg_catalog.regclass::oid, o.oid, 'policy', n.nspname, "
	"o.polname || ' on ' || c.relname, "
	"pg_catalog.pg_describe_object('pg_catalog.pg_policy'::pg_catalog.regclass, o.oid, 0), "
	"'CREATE POLICY ' || pg_catalog.quote_ident(o.polname) || ' ON ' || " QN("n.nspname", "c.relname")
	" || CASE WHEN o.polpermissive THEN '' ELSE ' AS RESTRICTIVE' END || ' FOR ' || CASE o.polcmd "
	"WHEN 'r' THEN 'SELECT' WHEN 'a' THEN 'INSERT' WHEN 'w' THEN 'UPDATE' WHEN 'd' THEN 'DELETE' ELSE 'ALL' END "
	"|| ' TO ' || (SELECT pg_catalog.string_agg(CASE WHEN r.r = 0 THEN 'PUBLIC' "
	"ELSE pg_catalog.quote_ident(pg_catalog.pg_get_userbyid(r.r)) END, ', ' ORDER BY r.r = 0 DESC, "
	"pg_catalog.pg_get_userbyid(r.r)) FROM pg_catalog.unnest(o.polroles) r(r)) "
	"|| COALESCE(' USING (' || pg_catalog.pg_get_expr(o.polqual, o.polrelid) || ')', '') "
	"|| COALESCE(' WITH CHECK (' || pg_catalog.pg_get_expr(o.polwithcheck, o.polrelid) || ')', ''), "
	"'DROP POLICY ' || pg_catalog.quote_ident(o.polname) || ' ON ' || " QN("n.nspname", "c.relname") ", "
	"'POLICY ' || pg_catalog.quote_ident(o.polname) || ' ON ' || " QN("n.nspname", "c.relname") ", "
	"d.description "
	"FROM pg_catalog.pg_policy o JOIN pg_catalog.pg_class c ON c.oid = o.polrelid "
	"JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace "
	OBJ_DESC("pg_catalog.pg_policy", "o.oid")
	"WHERE ";

/* Types made by CREATE TYPE ... AS (...) or AS RANGE, named as dependencies name types. */
#define TYPE_OBJECT(kind, def)                                                                        \
	"SELECT 'pg_catalog.pg_type'::pg_catalog.regclass::oid, t.oid, '" kind "', n.nspname, t.typname, " \
	"n.nspname || '.' || t.typname, " def ", 'DROP TYPE ' || " QN("n.nspname", "t.typname") ", "        \
	"'TYPE ' || " QN("n.nspname", "t.typname") ", d.description"

/* An attribute's type, with COLLATE when it is not its type's own collation. */
#define ATTR_TYPE                                                                                     \
	"pg_catalog.format_type(a.atttypid, a.atttypmod) || CASE WHEN a.attcollation <> at.typcollation " \
	"THEN ' COLLATE ' || " QN("cn.nspname", "co.collname") " ELSE '' END"

/*
 * Composite types (not the row types of tables), with their attributes
 * in order as an eleventh value ("name\x1ftype" joined by \x1e) and the
 * comments on them as a twelfth ("name\x1fcomment" joined by \x1e); the
 * definition has the COMMENT ON COLUMN statements after CREATE TYPE.
 */
static const char q_composites[] =
	TYPE_OBJECT("composite type", "'CREATE TYPE ' || " QN("n.nspname", "t.typname") " || ' AS (' || "
		"COALESCE(pg_catalog.string_agg(pg_catalog.quote_ident(a.attname) || ' ' || " ATTR_TYPE ", ', ' "
		"ORDER BY a.attnum), '') || ')' || COALESCE(pg_catalog.string_agg(E'\\n;\\nCOMMENT ON COLUMN ' || "
		QN("n.nspname", "t.typname") " || '.' || pg_catalog.quote_ident(a.attname) || ' IS ' || "
		"pg_catalog.quote_literal(ad.description), '' ORDER BY a.attnum), '')")
	", pg_catalog.string_agg(a.attname || E'\\x1f' || " ATTR_TYPE ", E'\\x1e' ORDER BY a.attnum), "
	"pg_catalog.string_agg(a.attname || E'\\x1f' || ad.description, E'\\x1e' ORDER BY a.attnum) "
	"FROM pg_catalog.pg_type t JOIN pg_catalog.pg_namespace n ON n.oid = t.typnamespace "
	"JOIN pg_catalog.pg_class k ON k.oid = t.typrelid AND k.relkind = 'c' "
	"LEFT JOIN pg_catalog.pg_attribute a ON a.attrelid = k.oid AND a.attnum > 0 AND NOT a.attisdropped "
	"LEFT JOIN pg_catalog.pg_type at ON at.oid = a.atttypid "
	"LEFT JOIN pg_catalog.pg_collation co ON co.oid = a.attcollation "
	"LEFT JOIN pg_catalog.pg_namespace cn ON cn.oid = co.collnamespace "
	"LEFT JOIN pg_catalog.pg_description ad ON ad.classoid = 'pg_catalog.pg_class'::pg_catalog.regclass "
	"AND ad.objoid = k.oid AND ad.objsubid = a.attnum "
	OBJ_DESC("pg_catalog.pg_type", "t.oid")
	"WHERE t.typtype = 'c' AND " PG_NS_OK("n") " AND " PG_NOT_EXT("pg_type", "t.oid") " "
	"GROUP BY t.oid, n.nspname, t.typname, d.description";

/*
 * Range types, with what CREATE TYPE takes: the subtype's operator
 * class and collation when not its defaults, the difference function,
 * the multirange type's name (PostgreSQL 14+, read through jsonb).  A
 * canonical function must exist before the type and take it: such a
 * range type is not modelled (unsupported.c lists it).
 */
static const char q_ranges[] =
	TYPE_OBJECT("range type", "'CREATE TYPE ' || " QN("n.nspname", "t.typname") " || ' AS RANGE (' || "
		"pg_catalog.concat_ws(', ', 'SUBTYPE = ' || pg_catalog.format_type(r.rngsubtype, NULL), "
		"CASE WHEN NOT oc.opcdefault THEN 'SUBTYPE_OPCLASS = ' || " QN("ocn.nspname", "oc.opcname") " END, "
		"CASE WHEN r.rngcollation <> 0 AND r.rngcollation <> st.typcollation THEN 'COLLATION = ' || "
		QN("cn.nspname", "co.collname") " END, "
		"CASE WHEN r.rngsubdiff <> 0 THEN 'SUBTYPE_DIFF = ' || r.rngsubdiff::pg_catalog.regproc::text END, "
		"(SELECT 'MULTIRANGE_TYPE_NAME = ' || " QN("mn.nspname", "mt.typname") " FROM pg_catalog.pg_type mt "
		"JOIN pg_catalog.pg_namespace mn ON mn.oid = mt.typnamespace "
		"WHERE mt.oid = (pg_catalog.to_jsonb(r) ->> 'rngmultitypid')::pg_catalog.oid)) || ')'")
	" FROM pg_catalog.pg_type t JOIN pg_catalog.pg_namespace n ON n.oid = t.typnamespace "
	"JOIN pg_catalog.pg_range r ON r.rngtypid = t.oid "
	"JOIN pg_catalog.pg_type st ON st.oid = r.rngsubtype "
	"JOIN pg_catalog.pg_opclass oc ON oc.oid = r.rngsubopc "
	"JOIN pg_catalog.pg_namespace ocn ON ocn.oid = oc.opcnamespace "
	"LEFT JOIN pg_catalog.pg_collation co ON co.oid = r.rngcollation "
	"LEFT JOIN pg_catalog.pg_namespace cn ON cn.oid = co.collnamespace "
	OBJ_DESC("pg_catalog.pg_type", "t.oid")
	"WHERE r.rngcanonical = 0 AND " PG_NS_OK("n") " AND " PG_NOT_EXT("pg_type", "t.oid");

/* The object (catalog oid, object oid) read so far, or NULL. */
static sm_object *object_of(pgi *p, const char *cat, const char *oid)
{
	char key[64];
	snprintf(key, sizeof(key), "%s/%s", cat, oid);
	int i = rt_strmap_get(&p->objects, key);
	return i < 0 ? NULL : &p->s->objects[i];
}

static int on_object(void *ud, int n, const char *const *v)
{
	pgi *p = ud;
	(void)n;
	char *key = rt_xasprintf("%s/%s", v[0], v[1]);
	rt_pgi_map_put(p, &p->objects, key, (int)p->s->nobjects);
	free(key);
	sm_object *o = rt_sm_add_object(p->s);
	o->kind = dup(v[2]);
	o->schema = dup(v[3]);
	o->name = dup(v[4]);
	o->key = dup(v[5]);
	o->def = dup(v[6]);
	o->drop = dup(v[7]);
	o->target = dup(v[8]);
	o->comment = dup(v[9]);
	/* made once their table and its columns exist */
	o->late = !strcmp(o->kind, "policy") || !strcmp(o->kind, "statistics");
	return 0;
}

/* Split a \x1e-joined value into a string vector. */
static void split_records(const char *v, char ***out, size_t *n)
{
	for (const char *a = v; a && *a;) {
		size_t len = strcspn(a, "\x1e");
		char *one = rt_xstrndup(a, len);
		rt_sm_strv_push(out, n, one);
		free(one);
		a += len + (a[len] != '\0');
	}
}

/* A composite type: an object, its attributes and the comments on them. */
static int on_composite(void *ud, int n, const char *const *v)
{
	pgi *p = ud;
	on_object(ud, n, v);
	sm_object *o = &p->s->objects[p->s->nobjects - 1];
	split_records(v[10], &o->attrs, &o->nattrs);
	split_records(v[11], &o->attr_comments, &o->nattr_comments);
	return 0;
}

/*
 * What objects use (for ordering), and what of tables uses them (a
 * column of a collation, an index with an operator class: they block
 * DROP, so such an object cannot be made again by the diff).
 */
/* The catalogs of objects kept as their definition (SQL list). */
#define OBJ_CATALOGS                                                                                   \
	"'pg_catalog.pg_proc'::pg_catalog.regclass, 'pg_catalog.pg_collation'::pg_catalog.regclass, "   \
	"'pg_catalog.pg_operator'::pg_catalog.regclass, 'pg_catalog.pg_opfamily'::pg_catalog.regclass, " \
	"'pg_catalog.pg_opclass'::pg_catalog.regclass, 'pg_catalog.pg_ts_parser'::pg_catalog.regclass, " \
	"'pg_catalog.pg_ts_template'::pg_catalog.regclass, 'pg_catalog.pg_ts_dict'::pg_catalog.regclass, " \
	"'pg_catalog.pg_ts_config'::pg_catalog.regclass, 'pg_catalog.pg_statistic_ext'::pg_catalog.regclass, " \
	"'pg_catalog.pg_policy'::pg_catalog.regclass"

/*
 * What objects use: their own pg_depend rows (and the automatic ones of
 * operator classes, statistics and policies: their family, table and
 * columns), and those of the operators and functions of operator
 * classes and families.  A column comes as a third value.
 */
static const char q_object_deps[] =
	"SELECT d.classid::oid, d.objid, " PG_KEY("d.refclassid", "d.refobjid") ", "
	"CASE WHEN d.refclassid = 'pg_catalog.pg_class'::pg_catalog.regclass AND d.refobjsubid > 0 "
	"THEN (SELECT a.attname FROM pg_catalog.pg_attribute a WHERE a.attrelid = d.refobjid "
	"AND a.attnum = d.refobjsubid) END "
	"FROM pg_catalog.pg_depend d WHERE d.refobjid >= 16384 AND d.classid IN (" OBJ_CATALOGS ") "
	"AND (d.deptype = 'n' OR (d.deptype = 'a' AND d.classid IN ('pg_catalog.pg_opclass'::pg_catalog.regclass, "
	"'pg_catalog.pg_statistic_ext'::pg_catalog.regclass, 'pg_catalog.pg_policy'::pg_catalog.regclass))) "
	"UNION ALL SELECT own.refclassid::oid, own.refobjid, " PG_KEY("d.refclassid", "d.refobjid") ", NULL "
	"FROM pg_catalog.pg_depend own JOIN pg_catalog.pg_depend d ON d.classid = own.classid "
	"AND d.objid = own.objid AND d.deptype = 'n' AND d.refobjid >= 16384 "
	"WHERE own.classid IN ('pg_catalog.pg_amop'::pg_catalog.regclass, 'pg_catalog.pg_amproc'::pg_catalog.regclass) "
	"AND own.refclassid IN ('pg_catalog.pg_opclass'::pg_catalog.regclass, "
	"'pg_catalog.pg_opfamily'::pg_catalog.regclass) AND own.deptype IN ('a', 'i')";

/* What composite and range types use: their attributes' types, subtype, functions, ... */
static const char q_type_deps[] =
	"SELECT 'pg_catalog.pg_type'::pg_catalog.regclass::oid, t.oid, " PG_KEY("d.refclassid", "d.refobjid") ", NULL "
	"FROM pg_catalog.pg_type t JOIN pg_catalog.pg_depend d ON d.deptype = 'n' AND d.refobjid >= 16384 "
	"AND ((d.classid = 'pg_catalog.pg_type'::pg_catalog.regclass AND d.objid = t.oid) "
	"OR (d.classid = 'pg_catalog.pg_class'::pg_catalog.regclass AND d.objid = t.typrelid)) "
	"WHERE t.typtype = 'r' OR (t.typtype = 'c' AND EXISTS (SELECT 1 FROM pg_catalog.pg_class k "
	"WHERE k.oid = t.typrelid AND k.relkind = 'c'))";

/*
 * What of tables uses a type: a column of it, of an array of it, of its
 * multirange; not an attribute of another composite type nor a column
 * of a view (made again with it).
 */
static const char q_type_users[] =
	"SELECT 'pg_catalog.pg_type'::pg_catalog.regclass::oid, COALESCE((SELECT r.rngtypid "
	"FROM pg_catalog.pg_range r WHERE (pg_catalog.to_jsonb(r) ->> 'rngmultitypid')::pg_catalog.oid = u.t), u.t), "
	"pg_catalog.pg_describe_object(u.classid, u.objid, u.objsubid) "
	"FROM (SELECT d.classid, d.objid, d.objsubid, COALESCE((SELECT e.typelem FROM pg_catalog.pg_type e "
	"WHERE e.oid = d.refobjid AND e.typcategory = 'A' AND e.typelem <> 0), d.refobjid) AS t "
	"FROM pg_catalog.pg_depend d WHERE d.deptype = 'n' AND d.refobjid >= 16384 "
	"AND d.refclassid = 'pg_catalog.pg_type'::pg_catalog.regclass "
	"AND d.classid IN ('pg_catalog.pg_class'::pg_catalog.regclass, "
	"'pg_catalog.pg_constraint'::pg_catalog.regclass, 'pg_catalog.pg_attrdef'::pg_catalog.regclass)) u "
	"WHERE NOT EXISTS (SELECT 1 FROM pg_catalog.pg_class k WHERE u.classid = "
	"'pg_catalog.pg_class'::pg_catalog.regclass AND k.oid = u.objid AND k.relkind IN ('c', 'v', 'm'))";

static const char q_object_users[] =
	"SELECT d.refclassid::oid, d.refobjid, pg_catalog.pg_describe_object(d.classid, d.objid, d.objsubid) "
	"FROM pg_catalog.pg_depend d WHERE d.deptype = 'n' AND d.refobjid >= 16384 "
	"AND d.classid IN ('pg_catalog.pg_class'::pg_catalog.regclass, "
	"'pg_catalog.pg_constraint'::pg_catalog.regclass, 'pg_catalog.pg_attrdef'::pg_catalog.regclass) "
	"AND d.refclassid IN (" OBJ_CATALOGS ")";

static int on_object_dep(void *ud, int n, const char *const *v)
{
	pgi *p = ud;
	(void)n;
	sm_object *o = object_of(p, v[0], v[1]);
	if (!o || !v[2] || !strcmp(v[2], o->key))
		return 0;
	int known = 0;
	for (size_t i = 0; i < o->ndeps && !known; i++)
		known = !strcmp(o->deps[i], v[2]);
	if (!known)
		rt_sm_strv_push(&o->deps, &o->ndeps, v[2]);
	if (v[3]) { /* a column: "schema.table.column", for changes to it */
		char *col = rt_xasprintf("%s.%s", v[2], v[3]);
		rt_sm_strv_push(&o->deps, &o->ndeps, col);
		free(col);
	}
	return 0;
}

static int on_object_user(void *ud, int n, const char *const *v)
{
	pgi *p = ud;
	(void)n;
	sm_object *o = object_of(p, v[0], v[1]);
	if (o && v[2])
		rt_sm_strv_push(&o->users, &o->nusers, v[2]);
	return 0;
}

/* Every kind this file reads, into p->s. */
int rt_pgi_read_kinds(pgi *p, rt_error *err)
{
	static const char *const objects[] = {
		q_aggregates, q_collations, q_operators, q_opfamilies, q_opclasses, q_ts_parsers,
		q_ts_templates, q_ts_dicts, q_ts_configs, NULL,
	};
	if (rt_pgi_run(p, q_exts, 0, NULL, on_ext, err) < 0 ||
	    rt_pgi_run(p, q_domains, 0, NULL, on_domain, err) < 0 ||
	    rt_pgi_run(p, q_domain_cons, 0, NULL, on_domain_con, err) < 0 ||
	    rt_pgi_run(p, q_domain_deps, 0, NULL, on_domain_dep, err) < 0)
		return -1;
	for (int i = 0; objects[i]; i++)
		if (rt_pgi_run(p, objects[i], 0, NULL, on_object, err) < 0)
			return -1;
	if (rt_pgi_run(p, q_composites, 0, NULL, on_composite, err) < 0 ||
	    rt_pgi_run(p, q_ranges, 0, NULL, on_object, err) < 0 ||
	    rt_pgi_run(p, q_type_deps, 0, NULL, on_object_dep, err) < 0 ||
	    rt_pgi_run(p, q_type_users, 0, NULL, on_object_user, err) < 0)
		return -1;
	if (rt_pgi_run(p, q_statistics, 1, NULL, on_object, err) < 0 ||
	    rt_pgi_run(p, q_policies, 1, NULL, on_object, err) < 0 ||
	    rt_pgi_run(p, q_object_deps, 0, NULL, on_object_dep, err) < 0 ||
	    rt_pgi_run(p, q_object_users, 0, NULL, on_object_user, err) < 0)
		return -1;
	return 0;
}
