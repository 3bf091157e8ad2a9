/*
 * introspect_acl.c - privileges of a PostgreSQL schema (compare_privileges
 * = true): tables, views, sequences and their columns, functions and
 * procedures, enum types and domains, schemas.
 *
 * Each object's ACL (its default when the catalog holds none) is read
 * through aclexplode, without the owner's own privileges: ownership is
 * not compared, and the owner of a scratch database's objects is not the
 * production owner.  What remains is written one grantee a line,
 * "grantee=PRIV,PRIV*" (* with grant option), sorted (model.h).
 */
#include "dialect/postgres/pgintrospect.h"

#include <string.h>

/* SQL: the privileges of an object as model.h writes them ("" for none). */
#define ACL_TEXT(acl, owner)                                                                  \
	"(SELECT COALESCE(pg_catalog.string_agg(g.who || '=' || g.privs, E'\\n' ORDER BY g.who), '') " \
	"FROM (SELECT CASE WHEN x.grantee = 0 THEN 'PUBLIC' "                                         \
	"ELSE pg_catalog.quote_ident(pg_catalog.pg_get_userbyid(x.grantee)) END AS who, "             \
	"pg_catalog.string_agg(x.privilege_type || CASE WHEN x.is_grantable THEN '*' ELSE '' END, "    \
	"',' ORDER BY x.privilege_type) AS privs FROM pg_catalog.aclexplode(" acl ") x "             \
	"WHERE x.grantee <> " owner " GROUP BY x.grantee) g)"

static const char q_rel_acl[] =
	"SELECT c.oid, " ACL_TEXT("COALESCE(c.relacl, pg_catalog.acldefault(CASE WHEN c.relkind = 'S' "
				  "THEN 's' ELSE 'r' END::\"char\", c.relowner))", "c.relowner") " "
	"FROM pg_catalog.pg_class c JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace "
	"WHERE c.relkind IN ('r', 'p', 'v', 'm') AND ";

static const char q_col_acl[] =
	"SELECT c.oid, a.attname, " ACL_TEXT("a.attacl", "c.relowner") " "
	"FROM pg_catalog.pg_attribute a JOIN pg_catalog.pg_class c ON c.oid = a.attrelid "
	"JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace "
	"WHERE a.attacl IS NOT NULL AND a.attnum > 0 AND NOT a.attisdropped AND c.relkind IN ('r', 'p') AND ";

static const char q_func_acl[] =
	"SELECT p.oid, " ACL_TEXT("COALESCE(p.proacl, pg_catalog.acldefault('f', p.proowner))", "p.proowner") " "
	"FROM pg_catalog.pg_proc p JOIN pg_catalog.pg_namespace n ON n.oid = p.pronamespace "
	"WHERE p.prokind <> 'a' AND " PG_NS_OK("n");

static const char q_type_acl[] =
	"SELECT n.nspname, t.typname, " ACL_TEXT("COALESCE(t.typacl, pg_catalog.acldefault('T', t.typowner))",
						 "t.typowner") " "
	"FROM pg_catalog.pg_type t JOIN pg_catalog.pg_namespace n ON n.oid = t.typnamespace "
	"WHERE t.typtype IN ('e', 'd') AND " PG_NS_OK("n");

static const char q_schema_acl[] =
	"SELECT n.nspname, " ACL_TEXT("COALESCE(n.nspacl, pg_catalog.acldefault('n', n.nspowner))", "n.nspowner") " "
	"FROM pg_catalog.pg_namespace n WHERE " PG_NS_OK("n") " AND " PG_NOT_EXT("pg_namespace", "n.oid");

static int on_rel_acl(void *ud, int n, const char *const *v)
{
	pgi *p = ud;
	(void)n;
	int i = rt_strmap_get(&p->tables, v[0]);
	if (i >= 0) {
		p->s->tables[i].acl = dup(v[1]);
		return 0;
	}
	if ((i = rt_strmap_get(&p->views, v[0])) >= 0) {
		p->s->views[i].acl = dup(v[1]);
		return 0;
	}
	return 0; /* a sequence: q_seq_acl */
}

static const char q_seq_acl[] =
	"SELECT n.nspname, c.relname, " ACL_TEXT("COALESCE(c.relacl, pg_catalog.acldefault('s', c.relowner))",
						 "c.relowner") " "
	"FROM pg_catalog.pg_class c JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace "
	"WHERE c.relkind = 'S' AND " PG_NS_OK("n");

static int on_seq_acl(void *ud, int n, const char *const *v)
{
	pgi *p = ud;
	(void)n;
	for (size_t i = 0; i < p->s->nseqs; i++)
		if (!strcmp(p->s->seqs[i].schema, v[0]) && !strcmp(p->s->seqs[i].name, v[1]))
			p->s->seqs[i].acl = dup(v[2]);
	return 0;
}

static int on_col_acl(void *ud, int n, const char *const *v)
{
	pgi *p = ud;
	(void)n;
	int i = rt_strmap_get(&p->tables, v[0]);
	sm_column *c = i < 0 ? NULL : rt_sm_find_column(&p->s->tables[i], v[1]);
	if (c && *v[2])
		c->acl = dup(v[2]);
	return 0;
}

static int on_func_acl(void *ud, int n, const char *const *v)
{
	pgi *p = ud;
	(void)n;
	int i = rt_strmap_get(&p->funcs, v[0]);
	if (i >= 0)
		p->s->funcs[i].acl = dup(v[1]);
	return 0;
}

static int on_type_acl(void *ud, int n, const char *const *v)
{
	pgi *p = ud;
	(void)n;
	sm_domain *m = rt_sm_find_domain(p->s, v[0], v[1]);
	if (m) {
		m->acl = dup(v[2]);
		return 0;
	}
	for (size_t i = 0; i < p->s->nenums; i++)
		if (!strcmp(p->s->enums[i].schema, v[0]) && !strcmp(p->s->enums[i].name, v[1]))
			p->s->enums[i].acl = dup(v[2]);
	return 0;
}

static int on_schema_acl(void *ud, int n, const char *const *v)
{
	pgi *p = ud;
	(void)n;
	sm_namespace *k = rt_sm_find_namespace(p->s, v[0]);
	if (!k) {
		k = rt_sm_add_namespace(p->s);
		k->schema = dup(v[0]);
	}
	k->acl = dup(v[1]);
	return 0;
}

/* Every object's privileges into the model read so far (p->s). */
int rt_pgi_read_privileges(pgi *p, rt_error *err)
{
	p->s->privileges = 1;
	if (rt_pgi_run(p, q_rel_acl, 1, NULL, on_rel_acl, err) < 0 ||
	    rt_pgi_run(p, q_seq_acl, 0, NULL, on_seq_acl, err) < 0 ||
	    rt_pgi_run(p, q_col_acl, 1, NULL, on_col_acl, err) < 0 ||
	    rt_pgi_run(p, q_func_acl, 0, NULL, on_func_acl, err) < 0 ||
	    rt_pgi_run(p, q_type_acl, 0, NULL, on_type_acl, err) < 0 ||
	    rt_pgi_run(p, q_schema_acl, 0, NULL, on_schema_acl, err) < 0)
		return -1;
	return 0;
}
