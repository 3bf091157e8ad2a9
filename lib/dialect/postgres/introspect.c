/*
 * introspect.c - read a PostgreSQL schema into the model (schema/model.h)
 * from pg_catalog, never by parsing SQL text.
 *
 * A fixed handful of set-based queries reads the whole database, whatever
 * its size: schemas, relations (tables, views, materialized views,
 * sequences), columns, constraints, indexes, triggers, dependencies, enum
 * types, functions, and one query that names everything the model cannot
 * hold.  Expressions and definitions are the server's own renderings
 * (format_type, pg_get_expr, pg_get_constraintdef, pg_get_indexdef,
 * pg_get_triggerdef, pg_get_viewdef, pg_get_functiondef), so the same
 * schema always reads back as the same strings.
 *
 * Names.  The queries run with search_path set to '' (and TimeZone UTC,
 * DateStyle ISO), in a read-only snapshot that is rolled back afterwards,
 * so the connection's settings are untouched.  With an empty search path
 * the server qualifies every name outside pg_catalog in what it renders
 * ("public.users", "nextval('public.users_id_seq'::regclass)"), exactly
 * as pg_dump does since 2018: the model of a schema does not depend on
 * the search_path of the session that read it, and the SQL generated
 * from it (diff.c, which qualifies every name it writes, public included)
 * means the same thing whatever search_path the migration runs with.
 * Model fields hold raw names (schema and name apart, unquoted).
 *
 * Left out: pg_catalog, information_schema, pg_toast and temporary
 * schemas; every object that belongs to an extension (pg_depend deptype
 * 'e'); retort's own version and history tables.  Ownership is not part
 * of the model.  Everything else the model cannot represent (domains,
 * aggregates, rules, policies, partitions, privileges, ...) is listed in
 * sm_schema.unsupported as "kind name", so callers can say so.
 */
#include "internal.h"
#include "dialect/dialect.h"
#include "dialect/postgres/pg_internal.h"
#include "schema/model.h"
#include "sqltext.h"
#include "dialect/postgres/pgintrospect.h"

#include <string.h>

static sm_table *table_of(pgi *p, const char *oid)
{
	int i = rt_strmap_get(&p->tables, oid);
	return i < 0 ? NULL : &p->s->tables[i];
}

static sm_view *view_of(pgi *p, const char *oid)
{
	int i = rt_strmap_get(&p->views, oid);
	return i < 0 ? NULL : &p->s->views[i];
}

/*
 * The options of a table as lines, in a fixed order: UNLOGGED, the
 * partition key, storage parameters.  NULL when there are none.
 */
static char *table_options(const char *persistence, const char *partkey,
			   const char *reloptions)
{
	strbuf sb = STRBUF_INIT;
	if (persistence && persistence[0] == 'u')
		rt_strbuf_adds(&sb, "UNLOGGED\n");
	if (partkey)
		rt_strbuf_addf(&sb, "PARTITION BY %s\n", partkey);
	if (reloptions && *reloptions)
		rt_strbuf_addf(&sb, "WITH (%s)\n", reloptions);
	if (!sb.len)
		return NULL;
	rt_strbuf_setlen(&sb, sb.len - 1);
	return rt_strbuf_detach(&sb);
}

/* ---- schemas ---- */

static const char q_schemas[] =
	"SELECT n.nspname FROM pg_catalog.pg_namespace n "
	"WHERE " PG_NS_OK("n") " AND n.nspname <> 'public' "
	"AND " PG_NOT_EXT("pg_namespace", "n.oid");

/* Comments of schemas; public's standard one is no user's. */
static const char q_schema_comments[] =
	"SELECT n.nspname, d.description FROM pg_catalog.pg_namespace n "
	"JOIN pg_catalog.pg_description d ON d.classoid = 'pg_catalog.pg_namespace'::pg_catalog.regclass "
	"AND d.objoid = n.oid AND d.objsubid = 0 "
	"WHERE " PG_NS_OK("n") " AND NOT (n.nspname = 'public' AND d.description = 'standard public schema') "
	"AND " PG_NOT_EXT("pg_namespace", "n.oid");

static int on_schema_comment(void *ud, int n, const char *const *v)
{
	pgi *p = ud;
	(void)n;
	sm_namespace *k = rt_sm_add_namespace(p->s);
	k->schema = dup(v[0]);
	k->comment = dup(v[1]);
	return 0;
}

static int on_schema(void *ud, int n, const char *const *v)
{
	pgi *p = ud;
	(void)n;
	rt_sm_strv_push(&p->s->schemas, &p->s->nschemas, v[0]);
	return 0;
}

/* ---- relations: tables, views, materialized views, sequences ---- */

static const char q_rels[] =
	"SELECT c.oid, n.nspname, c.relname, c.relkind, c.relpersistence, "
	"pg_catalog.array_to_string(c.reloptions, ', '), "
	"CASE WHEN c.relkind = 'p' THEN pg_catalog.pg_get_partkeydef(c.oid) END, "
	"d.description, "
	"CASE WHEN c.relkind IN ('v', 'm') THEN pg_catalog.pg_get_viewdef(c.oid) END, "
	"pg_catalog.format_type(s.seqtypid, NULL), s.seqstart, s.seqincrement, "
	"s.seqmin, s.seqmax, s.seqcache, s.seqcycle, own.deptype, own.owner, "
	"c.relrowsecurity, c.relforcerowsecurity, "
	"CASE WHEN c.relispartition THEN (SELECT pn.nspname || '.' || pc.relname FROM pg_catalog.pg_inherits h "
	"JOIN pg_catalog.pg_class pc ON pc.oid = h.inhparent JOIN pg_catalog.pg_namespace pn ON pn.oid = pc.relnamespace "
	"WHERE h.inhrelid = c.oid) END, "
	"CASE WHEN c.relispartition THEN pg_catalog.pg_get_expr(c.relpartbound, c.oid) END "
	"FROM pg_catalog.pg_class c "
	"JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace "
	"LEFT JOIN pg_catalog.pg_description d ON d.classoid = 'pg_catalog.pg_class'::pg_catalog.regclass "
	"AND d.objoid = c.oid AND d.objsubid = 0 "
	"LEFT JOIN pg_catalog.pg_sequence s ON s.seqrelid = c.oid "
	"LEFT JOIN LATERAL (SELECT dep.deptype, tn.nspname || '.' || tc.relname || '.' || a.attname AS owner "
	"FROM pg_catalog.pg_depend dep "
	"JOIN pg_catalog.pg_class tc ON tc.oid = dep.refobjid "
	"JOIN pg_catalog.pg_namespace tn ON tn.oid = tc.relnamespace "
	"JOIN pg_catalog.pg_attribute a ON a.attrelid = dep.refobjid AND a.attnum = dep.refobjsubid "
	"WHERE dep.classid = 'pg_catalog.pg_class'::pg_catalog.regclass AND dep.objid = c.oid "
	"AND dep.refclassid = 'pg_catalog.pg_class'::pg_catalog.regclass AND dep.deptype IN ('a', 'i') "
	"LIMIT 1) own ON c.relkind = 'S' "
	"WHERE c.relkind IN ('r', 'p', 'v', 'm', 'S') AND ";

/* A sequence's options as one clause list: what CREATE/ALTER SEQUENCE take. */
static char *sequence_def(const char *const *v)
{
	return rt_xasprintf("AS %s START WITH %s INCREMENT BY %s MINVALUE %s MAXVALUE %s CACHE %s %s",
			 v[9], v[10], v[11], v[12], v[13], v[14],
			 is_true(v[15]) ? "CYCLE" : "NO CYCLE");
}

/* A sequence, unless an identity column owns it (then it is part of the column). */
static void add_sequence(pgi *p, const char *const *v)
{
	if (v[16] && v[16][0] == 'i')
		return; /* an identity column's: part of the column */
	sm_sequence *q = rt_sm_add_sequence(p->s);
	q->schema = dup(v[1]);
	q->name = dup(v[2]);
	q->def = sequence_def(v);
	q->owned_by = v[16] ? dup(v[17]) : NULL;
	q->comment = dup(v[7]);
}

/* A view or materialized view; options (WITH ...) cannot be held and are reported. */
static void add_view(pgi *p, const char *const *v)
{
	rt_pgi_map_put(p, &p->views, v[0], (int)p->s->nviews);
	sm_view *w = rt_sm_add_view(p->s);
	w->schema = dup(v[1]);
	w->name = dup(v[2]);
	w->materialized = v[3][0] == 'm';
	w->comment = dup(v[7]);
	w->def = dup(v[8]);
	if (v[5] && *v[5]) {
		char *what = rt_xasprintf("options of %s %s.%s (%s)",
				       w->materialized ? "materialized view" : "view",
				       v[1], v[2], v[5]);
		rt_sm_add_unsupported(p->s, what);
		free(what);
	}
}

/* One relation: a table, view, materialized view or sequence. */
static int on_rel(void *ud, int n, const char *const *v)
{
	pgi *p = ud;
	(void)n;
	switch (v[3][0]) {
	case 'S':
		add_sequence(p, v);
		return 0;
	case 'v':
	case 'm':
		add_view(p, v);
		return 0;
	}
	rt_pgi_map_put(p, &p->tables, v[0], (int)p->s->ntables);
	sm_table *t = rt_sm_add_table(p->s);
	t->schema = dup(v[1]);
	t->name = dup(v[2]);
	t->comment = dup(v[7]);
	t->options = table_options(v[4], v[6], v[5]);
	t->row_security = (is_true(v[18]) ? 1 : 0) | (is_true(v[19]) ? 2 : 0);
	t->partition_of = dup(v[20]);
	t->partition_bound = dup(v[21]);
	return 0;
}

/* ---- columns (of tables; names and types of view columns) ---- */

static const char q_cols[] =
	"SELECT a.attrelid, a.attname, pg_catalog.format_type(a.atttypid, a.atttypmod), "
	"a.attnotnull, pg_catalog.pg_get_expr(ad.adbin, ad.adrelid), a.attgenerated, "
	"a.attidentity, "
	"CASE WHEN a.attcollation <> t.typcollation THEN "
	"pg_catalog.quote_ident(cn.nspname) || '.' || pg_catalog.quote_ident(co.collname) END, "
	"d.description, "
	"CASE WHEN a.attidentity <> '' THEN (SELECT 'SEQUENCE NAME ' || "
	"pg_catalog.quote_ident(sn.nspname) || '.' || pg_catalog.quote_ident(sc.relname) || "
	"' START WITH ' || s.seqstart || ' INCREMENT BY ' || s.seqincrement || "
	"' MINVALUE ' || s.seqmin || ' MAXVALUE ' || s.seqmax || ' CACHE ' || s.seqcache || "
	"CASE WHEN s.seqcycle THEN ' CYCLE' ELSE ' NO CYCLE' END "
	"FROM pg_catalog.pg_depend dep "
	"JOIN pg_catalog.pg_sequence s ON s.seqrelid = dep.objid "
	"JOIN pg_catalog.pg_class sc ON sc.oid = s.seqrelid "
	"JOIN pg_catalog.pg_namespace sn ON sn.oid = sc.relnamespace "
	"WHERE dep.classid = 'pg_catalog.pg_class'::pg_catalog.regclass "
	"AND dep.refclassid = 'pg_catalog.pg_class'::pg_catalog.regclass "
	"AND dep.refobjid = a.attrelid AND dep.refobjsubid = a.attnum AND dep.deptype = 'i' "
	"LIMIT 1) END, "
	/* settings: statistics target, compression (PostgreSQL 14+, read through jsonb), options */
	"NULLIF(pg_catalog.concat_ws(E'\\n', CASE WHEN a.attstattarget >= 0 THEN 'SET STATISTICS ' || a.attstattarget END, "
	"CASE pg_catalog.to_jsonb(a) ->> 'attcompression' WHEN 'p' THEN 'SET COMPRESSION pglz' "
	"WHEN 'l' THEN 'SET COMPRESSION lz4' END, CASE WHEN a.attoptions IS NOT NULL THEN 'SET (' "
	"|| pg_catalog.array_to_string(a.attoptions, ', ') || ')' END), '') "
	"FROM pg_catalog.pg_attribute a "
	"JOIN pg_catalog.pg_class c ON c.oid = a.attrelid "
	"JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace "
	"JOIN pg_catalog.pg_type t ON t.oid = a.atttypid "
	"LEFT JOIN pg_catalog.pg_attrdef ad ON ad.adrelid = a.attrelid AND ad.adnum = a.attnum "
	"LEFT JOIN pg_catalog.pg_collation co ON co.oid = a.attcollation "
	"LEFT JOIN pg_catalog.pg_namespace cn ON cn.oid = co.collnamespace "
	"LEFT JOIN pg_catalog.pg_description d ON d.classoid = 'pg_catalog.pg_class'::pg_catalog.regclass "
	"AND d.objoid = a.attrelid AND d.objsubid = a.attnum "
	"WHERE a.attnum > 0 AND NOT a.attisdropped AND c.relkind IN ('r', 'p', 'v', 'm') AND ";

static const char q_cols_order[] = " ORDER BY a.attrelid, a.attnum";

/* A view column as "name type", its comment and its default (ALTER VIEW ... SET DEFAULT). */
static void add_view_column(sm_view *w, const char *const *v)
{
	char *col = rt_xasprintf("%s %s", v[1], v[2]);
	rt_sm_strv_push(&w->cols, &w->ncols, col);
	free(col);
	if (v[8]) {
		char *cc = rt_xasprintf("%s%c%s", v[1], SEP, v[8]);
		rt_sm_strv_push(&w->col_comments, &w->ncol_comments, cc);
		free(cc);
	}
	if (v[4]) {
		char *cd = rt_xasprintf("%s%c%s", v[1], SEP, v[4]);
		rt_sm_strv_push(&w->col_defaults, &w->ncol_defaults, cd);
		free(cd);
	}
}

/* One column of a table (generated, identity, default, collation, comment), or of a view. */
static int on_col(void *ud, int n, const char *const *v)
{
	pgi *p = ud;
	(void)n;
	sm_table *t = table_of(p, v[0]);
	if (!t) {
		sm_view *w = view_of(p, v[0]);
		if (w)
			add_view_column(w, v);
		return 0;
	}
	sm_column *c = rt_sm_add_column(t);
	c->name = dup(v[1]);
	c->type = dup(v[2]);
	c->notnull = is_true(v[3]);
	if (v[5] && *v[5]) {
		c->generated = dup(v[4]);
		c->stored = v[5][0] == 's';
	} else {
		c->def = rt_pg_default_canon(v[4]);
	}
	c->identity = v[6] && *v[6] ? v[6][0] : 0;
	c->identity_opts = c->identity ? dup(v[9]) : NULL;
	c->collation = dup(v[7]);
	c->comment = dup(v[8]);
	c->settings = dup(v[10]);
	return 0;
}

/* A partition's constraint or index that is its parent's: kept by name only. */
static void inherited(sm_table *t, const char *kind, const char *name)
{
	if (!t->partition_of)
		return;
	char *what = rt_xasprintf("%s %s", kind, name);
	rt_sm_strv_push(&t->inherited, &t->ninherited, what);
	free(what);
}

/* ---- constraints ---- */

static const char q_cons[] =
	"SELECT co.conrelid, co.conname, co.contype, pg_catalog.pg_get_constraintdef(co.oid), "
	"co.convalidated, co.condeferrable, co.condeferred, "
	"(SELECT pg_catalog.string_agg(a.attname, " SEP_SQL " ORDER BY k.i) "
	"FROM pg_catalog.unnest(co.conkey) WITH ORDINALITY k(att, i) "
	"JOIN pg_catalog.pg_attribute a ON a.attrelid = co.conrelid AND a.attnum = k.att), "
	"fn.nspname || '.' || fc.relname, "
	"(SELECT pg_catalog.string_agg(a.attname, " SEP_SQL " ORDER BY k.i) "
	"FROM pg_catalog.unnest(co.confkey) WITH ORDINALITY k(att, i) "
	"JOIN pg_catalog.pg_attribute a ON a.attrelid = co.confrelid AND a.attnum = k.att), "
	"co.confupdtype, co.confdeltype, co.confmatchtype, "
	"CASE WHEN co.contype IN ('p', 'u') THEN (SELECT pg_catalog.array_to_string(ic.reloptions, ', ') "
	"FROM pg_catalog.pg_class ic WHERE ic.oid = co.conindid) END, d.description, "
	"co.conparentid <> 0 OR co.coninhcount > 0 "
	"FROM pg_catalog.pg_constraint co "
	"JOIN pg_catalog.pg_class c ON c.oid = co.conrelid "
	"JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace "
	"LEFT JOIN pg_catalog.pg_class fc ON fc.oid = co.confrelid "
	"LEFT JOIN pg_catalog.pg_namespace fn ON fn.oid = fc.relnamespace "
	"LEFT JOIN pg_catalog.pg_description d ON d.classoid = 'pg_catalog.pg_constraint'::pg_catalog.regclass "
	"AND d.objoid = co.oid AND d.objsubid = 0 "
	"WHERE co.contype IN ('p', 'u', 'c', 'f', 'x') AND c.relkind IN ('r', 'p') AND ";

static const char *fk_action(const char *code)
{
	switch (code ? code[0] : 'a') {
	case 'r': return "RESTRICT";
	case 'c': return "CASCADE";
	case 'n': return "SET NULL";
	case 'd': return "SET DEFAULT";
	default: return "NO ACTION";
	}
}

static const char *fk_match(const char *code)
{
	switch (code ? code[0] : 's') {
	case 'f': return "FULL";
	case 'p': return "PARTIAL";
	default: return "SIMPLE";
	}
}

/*
 * pg_get_constraintdef leaves out the storage parameters of the index
 * behind a primary key or unique constraint (an exclusion constraint has
 * them): put them where CREATE TABLE takes them, before DEFERRABLE.
 */
static char *con_def(const char *def, const char *reloptions)
{
	if (!reloptions || !*reloptions || strstr(def, " WITH ("))
		return dup(def);
	const char *at = strstr(def, " DEFERRABLE");
	size_t n = at ? (size_t)(at - def) : strlen(def);
	return rt_xasprintf("%.*s WITH (%s)%s", (int)n, def, reloptions, def + n);
}

/* One constraint, with its columns and, for a foreign key, what it references and how. */
static int on_con(void *ud, int n, const char *const *v)
{
	pgi *p = ud;
	(void)n;
	sm_table *t = table_of(p, v[0]);
	if (!t)
		return 0;
	if (is_true(v[15])) { /* its parent's (a partition), or a clone of a key referencing a partition */
		inherited(t, v[2][0] == 'f' ? "foreign key" : "constraint", v[1]);
		return 0;
	}
	sm_constraint *k = rt_sm_add_constraint(t);
	k->kind = v[2][0];
	k->name = dup(v[1]);
	k->def = con_def(v[3], v[13]);
	k->validated = is_true(v[4]);
	k->deferrable = is_true(v[5]);
	k->deferred = is_true(v[6]);
	rt_pgi_split_list(v[7], &k->cols, &k->ncols);
	k->comment = dup(v[14]);
	if (k->kind != SM_FOREIGN)
		return 0;
	k->ref_table = dup(v[8]);
	rt_pgi_split_list(v[9], &k->ref_cols, &k->nref_cols);
	k->on_update = rt_xstrdup(fk_action(v[10]));
	k->on_delete = rt_xstrdup(fk_action(v[11]));
	k->match = rt_xstrdup(fk_match(v[12]));
	return 0;
}

/* ---- indexes (of tables and materialized views) ---- */

static const char q_idx[] =
	"SELECT i.indrelid, ic.relname, pg_catalog.pg_get_indexdef(i.indexrelid), i.indisunique, "
	"EXISTS (SELECT 1 FROM pg_catalog.pg_constraint k WHERE k.conindid = i.indexrelid "
	"AND k.conrelid = i.indrelid AND k.contype IN ('p', 'u', 'x')), d.description, "
	"(SELECT pg_catalog.string_agg('ALTER COLUMN ' || a.attnum || ' SET STATISTICS ' || a.attstattarget, "
	"E'\\n' ORDER BY a.attnum) FROM pg_catalog.pg_attribute a WHERE a.attrelid = i.indexrelid "
	"AND a.attstattarget >= 0), ic.relispartition "
	"FROM pg_catalog.pg_index i "
	"JOIN pg_catalog.pg_class ic ON ic.oid = i.indexrelid "
	"JOIN pg_catalog.pg_class c ON c.oid = i.indrelid "
	"JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace "
	"LEFT JOIN pg_catalog.pg_description d ON d.classoid = 'pg_catalog.pg_class'::pg_catalog.regclass "
	"AND d.objoid = i.indexrelid AND d.objsubid = 0 "
	"WHERE c.relkind IN ('r', 'p', 'm') AND ";

/* A new, zeroed index of a materialized view (the model has no appender for it). */
static sm_index *view_add_index(sm_view *w)
{
	w->idx = rt_xrealloc(w->idx, (w->nidx + 1) * sizeof(*w->idx));
	memset(&w->idx[w->nidx], 0, sizeof(*w->idx));
	return &w->idx[w->nidx++];
}

/* One index of a table or a materialized view. */
static int on_idx(void *ud, int n, const char *const *v)
{
	pgi *p = ud;
	(void)n;
	sm_table *t = table_of(p, v[0]);
	sm_view *w = t ? NULL : view_of(p, v[0]);
	if (!t && !w)
		return 0;
	if (is_true(v[7])) { /* attached to its parent's index: the parent's */
		if (t && !is_true(v[4]))
			inherited(t, "index", v[1]);
		return 0;
	}
	sm_index *x = t ? rt_sm_add_index(t) : view_add_index(w);
	x->name = dup(v[1]);
	x->def = dup(v[2]);
	x->unique = is_true(v[3]);
	x->constraint = is_true(v[4]);
	x->comment = dup(v[5]);
	x->settings = dup(v[6]);
	return 0;
}

/* ---- triggers (user triggers on tables) ---- */

static const char q_trg[] =
	"SELECT t.tgrelid, t.tgname, pg_catalog.pg_get_triggerdef(t.oid), d.description "
	"FROM pg_catalog.pg_trigger t "
	"LEFT JOIN pg_catalog.pg_description d ON d.classoid = 'pg_catalog.pg_trigger'::pg_catalog.regclass "
	"AND d.objoid = t.oid AND d.objsubid = 0 "
	"JOIN pg_catalog.pg_class c ON c.oid = t.tgrelid "
	"JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace "
	"WHERE NOT t.tgisinternal AND c.relkind IN ('r', 'p') "
	"AND COALESCE(pg_catalog.to_jsonb(t) ->> 'tgparentid', '0') = '0' AND ";

static int on_trg(void *ud, int n, const char *const *v)
{
	pgi *p = ud;
	(void)n;
	sm_table *t = table_of(p, v[0]);
	if (!t)
		return 0;
	sm_trigger *g = rt_sm_add_trigger(t);
	g->name = dup(v[1]);
	g->def = dup(v[2]);
	g->comment = dup(v[3]);
	return 0;
}

/* ---- enum types ---- */

static const char q_enums[] =
	"SELECT n.nspname, t.typname, "
	"(SELECT pg_catalog.string_agg(e.enumlabel, " SEP_SQL " ORDER BY e.enumsortorder) "
	"FROM pg_catalog.pg_enum e WHERE e.enumtypid = t.oid), d.description "
	"FROM pg_catalog.pg_type t "
	"JOIN pg_catalog.pg_namespace n ON n.oid = t.typnamespace "
	"LEFT JOIN pg_catalog.pg_description d ON d.classoid = 'pg_catalog.pg_type'::pg_catalog.regclass "
	"AND d.objoid = t.oid AND d.objsubid = 0 "
	"WHERE t.typtype = 'e' AND " PG_NS_OK("n") " AND " PG_NOT_EXT("pg_type", "t.oid");

static int on_enum(void *ud, int n, const char *const *v)
{
	pgi *p = ud;
	(void)n;
	sm_enum *e = rt_sm_add_enum(p->s);
	e->schema = dup(v[0]);
	e->name = dup(v[1]);
	rt_pgi_split_list(v[2], &e->labels, &e->nlabels);
	e->comment = dup(v[3]);
	return 0;
}

/* ---- functions and procedures (aggregates are unsupported) ---- */

static const char q_funcs[] =
	"SELECT p.oid, n.nspname, p.proname, "
	"p.proname || '(' || pg_catalog.oidvectortypes(p.proargtypes) || ')', "
	"pg_catalog.pg_get_functiondef(p.oid), d.description "
	"FROM pg_catalog.pg_proc p "
	"JOIN pg_catalog.pg_namespace n ON n.oid = p.pronamespace "
	"LEFT JOIN pg_catalog.pg_description d ON d.classoid = 'pg_catalog.pg_proc'::pg_catalog.regclass "
	"AND d.objoid = p.oid AND d.objsubid = 0 "
	"WHERE p.prokind <> 'a' AND " PG_NS_OK("n") " AND " PG_NOT_EXT("pg_proc", "p.oid")
	/* not the constructors of a range type: they come with it */
	" AND NOT EXISTS (SELECT 1 FROM pg_catalog.pg_depend x WHERE x.classid = 'pg_catalog.pg_proc'::pg_catalog.regclass "
	"AND x.objid = p.oid AND x.deptype = 'i')";

/* One function or procedure, identified by name and argument types. */
static int on_func(void *ud, int n, const char *const *v)
{
	pgi *p = ud;
	(void)n;
	rt_pgi_map_put(p, &p->funcs, v[0], (int)p->s->nfuncs);
	sm_function *f = rt_sm_add_function(p->s);
	f->schema = dup(v[1]);
	f->name = dup(v[2]);
	f->identity = dup(v[3]);
	f->def = dup(v[4]);
	f->comment = dup(v[5]);
	return 0;
}

/*
 * ---- dependencies, for ordering ----
 *
 * What a view's query reads (relations, functions, types) and what a
 * function's signature or SQL-standard body uses (relations by their row
 * types, types), each as "schema.name" (functions: "schema.name(types)").
 * Arrays count as their element type, row types as their relation.
 */
#define DEP_NAME PG_KEY("d.refclassid", "d.refobjid")

static const char q_view_deps[] =
	"SELECT DISTINCT r.ev_class, " DEP_NAME ", "
	"CASE WHEN d.refclassid = 'pg_catalog.pg_class'::pg_catalog.regclass AND d.refobjsubid > 0 "
	"THEN (SELECT a.attname FROM pg_catalog.pg_attribute a WHERE a.attrelid = d.refobjid "
	"AND a.attnum = d.refobjsubid) END "
	"FROM pg_catalog.pg_rewrite r "
	"JOIN pg_catalog.pg_depend d ON d.classid = 'pg_catalog.pg_rewrite'::pg_catalog.regclass "
	"AND d.objid = r.oid AND d.deptype = 'n' AND d.refobjid <> r.ev_class "
	"JOIN pg_catalog.pg_class c ON c.oid = r.ev_class "
	"JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace "
	"WHERE r.rulename = '_RETURN' AND c.relkind IN ('v', 'm') AND ";

static const char q_func_deps[] =
	"SELECT DISTINCT d.objid, " DEP_NAME " "
	"FROM pg_catalog.pg_depend d "
	"WHERE d.classid = 'pg_catalog.pg_proc'::pg_catalog.regclass AND d.deptype = 'n' "
	"AND d.refobjid <> d.objid";

/* A dependency of a view: the relation once, and each column it reads. */
static int on_view_dep(void *ud, int n, const char *const *v)
{
	pgi *p = ud;
	(void)n;
	sm_view *w = view_of(p, v[0]);
	if (!w || !v[1])
		return 0;
	int known = 0;
	for (size_t i = 0; i < w->ndeps && !known; i++)
		known = !strcmp(w->deps[i], v[1]);
	if (!known)
		rt_sm_strv_push(&w->deps, &w->ndeps, v[1]);
	if (v[2]) { /* a column: "schema.table.column", for changes to it */
		char *col = rt_xasprintf("%s.%s", v[1], v[2]);
		rt_sm_strv_push(&w->deps, &w->ndeps, col);
		free(col);
	}
	return 0;
}

static int on_func_dep(void *ud, int n, const char *const *v)
{
	pgi *p = ud;
	(void)n;
	int i = rt_strmap_get(&p->funcs, v[0]);
	if (i >= 0 && v[1])
		rt_sm_strv_push(&p->s->funcs[i].deps, &p->s->funcs[i].ndeps, v[1]);
	return 0;
}

static int on_unsupported(void *ud, int n, const char *const *v)
{
	pgi *p = ud;
	(void)n;
	if (v[0])
		rt_sm_add_unsupported(p->s, v[0]);
	return 0;
}

/* ---- putting it together ---- */

/*
 * The relations retort reads (aliases c and n): not the system's, not an
 * extension's, not a partition or inheritance child (listed as
 * unsupported), not retort's own version and history tables.
 */
static char *make_rel_filter(const rt_config *cfg, const char *schema)
{
	strbuf sb = STRBUF_INIT;
	rt_strbuf_adds(&sb, PG_NS_OK("n") " AND " PG_NOT_EXT("pg_class", "c.oid")
		    " AND (c.relispartition OR NOT EXISTS (SELECT 1 FROM "
		    "pg_catalog.pg_inherits i WHERE i.inhrelid = c.oid))");
	const char *table = cfg->version_table ? cfg->version_table : "retort_version";
	if (schema) {
		char *hist = rt_xasprintf("%s_history", table);
		rt_strbuf_adds(&sb, " AND NOT (n.nspname = ");
		rt_sql_literal(&sb, schema);
		rt_strbuf_adds(&sb, " AND c.relname IN (");
		rt_sql_literal(&sb, table);
		rt_strbuf_adds(&sb, ", ");
		rt_sql_literal(&sb, hist);
		rt_strbuf_adds(&sb, "))");
		free(hist);
	}
	return rt_strbuf_detach(&sb);
}

/* Everything the model cannot hold (unsupported.c), into p->s. */
static int on_unsupported_key(void *ud, int n, const char *const *v)
{
	pgi *p = ud;
	(void)n;
	if (v[0])
		rt_sm_strv_push(&p->s->unsupported_keys, &p->s->nunsupported_keys, v[0]);
	return 0;
}

static int on_unsupported_use(void *ud, int n, const char *const *v)
{
	pgi *p = ud;
	(void)n;
	if (!v[0] || !v[1])
		return 0;
	char *use = rt_xasprintf("%s%c%s", v[0], SEP, v[1]);
	rt_sm_strv_push(&p->s->unsupported_uses, &p->s->nunsupported_uses, use);
	free(use);
	return 0;
}

static int run_unsupported(pgi *p, rt_error *err)
{
	char *q = rt_pg_unsupported_query(p->privileges);
	int rc = rt_pgi_run(p, q, 0, NULL, on_unsupported, err);
	free(q);
	if (rc == 0)
		rc = rt_pgi_run(p, rt_pg_unsupported_keys_query(), 0, NULL, on_unsupported_key, err);
	if (rc == 0)
		rc = rt_pgi_run(p, rt_pg_unsupported_uses_query(), 0, NULL, on_unsupported_use, err);
	return rc;
}

/* Every query, in an order where owners are known before what they own. */
static int read_all(pgi *p, rt_error *err)
{
	if (rt_pgi_run(p, q_schemas, 0, NULL, on_schema, err) < 0 ||
	    rt_pgi_run(p, q_schema_comments, 0, NULL, on_schema_comment, err) < 0 ||
	    rt_pgi_run(p, q_rels, 1, NULL, on_rel, err) < 0 ||
	    rt_pgi_run(p, q_cols, 1, q_cols_order, on_col, err) < 0 ||
	    rt_pgi_run(p, q_cons, 1, NULL, on_con, err) < 0 ||
	    rt_pgi_run(p, q_idx, 1, NULL, on_idx, err) < 0 ||
	    rt_pgi_run(p, q_trg, 1, NULL, on_trg, err) < 0 ||
	    rt_pgi_run(p, q_enums, 0, NULL, on_enum, err) < 0 ||
	    rt_pgi_run(p, q_funcs, 0, NULL, on_func, err) < 0 ||
	    rt_pgi_run(p, q_view_deps, 1, NULL, on_view_dep, err) < 0 ||
	    rt_pgi_run(p, q_func_deps, 0, NULL, on_func_dep, err) < 0 ||
	    rt_pgi_read_kinds(p, err) < 0 ||
	    (p->privileges && rt_pgi_read_privileges(p, err) < 0))
		return -1;
	return run_unsupported(p, err);
}

int rt_pg_introspect(rt_conn *c, const rt_config *cfg, sm_schema **out,
		     rt_error *err)
{
	*out = NULL;
	const char *tables = NULL;
	rt_error e = { 0 };
	/* None when the search_path names no schema that exists: none to leave out. */
	if (rt_pg_tables_schema(c, cfg, &tables, &e) < 0)
		rt_error_clear(&e);
	pgi p = { .c = c, .s = rt_sm_new(), .privileges = cfg->compare_privileges };
	p.rel_filter = make_rel_filter(cfg, tables);
	rt_strmap_init(&p.tables, 64);
	rt_strmap_init(&p.views, 16);
	rt_strmap_init(&p.funcs, 16);
	rt_strmap_init(&p.domains, 16);
	rt_strmap_init(&p.objects, 16);
	if (cfg->scratch && !rt_pg_in_transaction(c)) { /* introspect_share.c */
		rt_strlist sql = { 0 };
		pgi plan = p;
		plan.collect = &sql;
		read_all(&plan, err);
		p.share = rt_pgi_share_start(c, cfg, &sql);
	}
	int savepoint = 0;
	int rc = rt_pgi_enter(c, &savepoint, err);
	if (rc == 0)
		rc = read_all(&p, err);
	rt_pgi_share_end(p.share);
	rt_pgi_leave(c, savepoint);
	rt_strmap_free(&p.tables);
	rt_strmap_free(&p.views);
	rt_strmap_free(&p.funcs);
	rt_strmap_free(&p.domains);
	rt_strmap_free(&p.objects);
	rt_strlist_free(&p.keys);
	free(p.rel_filter);
	if (rc < 0) {
		rt_sm_free(p.s);
		return -1;
	}
	rt_sm_sort(p.s);
	*out = p.s;
	return 0;
}
