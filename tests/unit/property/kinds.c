/*
 * kinds.c - the PostgreSQL object kinds besides tables, views and what
 * hangs on them, for the property test: extensions, collations,
 * operators, operator classes, text search dictionaries and
 * configurations, composite and range types, extended statistics and
 * partitioned tables with their partitions.  Each is generated, mutated
 * (added, dropped, changed) and written as SQL; statistics are repaired
 * when their table or columns go.
 */
#include "property.h"

#include <stdio.h>

/* Extensions the test server has (postgresql-contrib), by bit. */
static const char *const exts[] = { "citext", "hstore", "pg_trgm", "cube", "isn" };
#define NEXT ((int)(sizeof(exts) / sizeof(exts[0])))

static const char *const coll_defs[] = {
	"provider = libc, locale = 'C'",
	"provider = libc, locale = 'POSIX'",
	"provider = icu, locale = 'de-DE'",
	"provider = icu, locale = 'und-u-ks-level2', deterministic = false",
};
#define NCOLLV ((int)(sizeof(coll_defs) / sizeof(coll_defs[0])))

static const char *const op_names[] = { "#=#", "#<>#" };
static const char *const op_defs[] = {
	"FUNCTION = pg_catalog.int4eq, LEFTARG = integer, RIGHTARG = integer",
	"FUNCTION = pg_catalog.int4ne, LEFTARG = integer, RIGHTARG = integer",
	"FUNCTION = pg_catalog.int8eq, LEFTARG = bigint, RIGHTARG = bigint",
};

static const char *const opc_defs[] = {
	"FOR TYPE integer USING btree AS OPERATOR 1 <, OPERATOR 2 <=, OPERATOR 3 =, OPERATOR 4 >=, "
	"OPERATOR 5 >, FUNCTION 1 pg_catalog.btint4cmp(integer, integer)",
	"FOR TYPE integer USING hash AS OPERATOR 1 =, FUNCTION 1 pg_catalog.hashint4(integer)",
	"FOR TYPE text USING btree AS OPERATOR 1 <, OPERATOR 2 <=, OPERATOR 3 =, OPERATOR 4 >=, "
	"OPERATOR 5 >, FUNCTION 1 pg_catalog.bttextcmp(text, text)",
};

static const char *const dict_defs[] = {
	"TEMPLATE = pg_catalog.simple",
	"TEMPLATE = pg_catalog.simple, ACCEPT = false",
	"TEMPLATE = pg_catalog.simple, STOPWORDS = english",
};

/* Token types a configuration maps, per variant. */
static const char *const ts_maps[] = { "asciiword", "asciiword, word", "word, numword, email" };

static const char *const attr_types[] = { "integer", "text", "numeric(10,2)", "date", "boolean", "bigint" };
#define NATV ((int)(sizeof(attr_types) / sizeof(attr_types[0])))

static const char *const range_subtypes[] = {
	"subtype = integer", "subtype = bigint", "subtype = numeric", "subtype = date",
	"subtype = text, collation = \"C\"",
};
#define NRGV ((int)(sizeof(range_subtypes) / sizeof(range_subtypes[0])))

static const char *const stat_kinds[] = { "ndistinct", "dependencies", "mcv", "ndistinct, dependencies" };

/* ---- generating ---- */

static void gen_coll(gschema *s)
{
	gkinds *k = &s->k;
	if (k->ncl >= NK)
		return;
	fresh(s, "coll", k->cl[k->ncl].name);
	k->cl[k->ncl++].v = R(NCOLLV);
}

static void gen_obj(gschema *s, gkobj *v, int *n, const char *prefix, int variants)
{
	if (*n >= NK)
		return;
	fresh(s, prefix, v[*n].name);
	v[*n].v = R(variants);
	(*n)++;
}

static void gen_ctype(gschema *s)
{
	gkinds *k = &s->k;
	if (k->nct >= NK)
		return;
	gctype *c = &k->ct[k->nct++];
	fresh(s, "ct", c->name);
	c->na = 1 + R(3);
	for (int i = 0; i < c->na; i++) {
		snprintf(c->a[i], NM, "f%d", ++s->next);
		c->t[i] = R(NATV);
	}
}

/* Extended statistics on two plain columns of a table, or nothing. */
static void gen_stat(gschema *s)
{
	gkinds *k = &s->k;
	if (k->nst >= NK || !s->nt)
		return;
	gtable *t = &s->t[R(s->nt)];
	gref r;
	pick_cols(t, 2, &r);
	if (r.n < 2)
		return;
	gstat *x = &k->st[k->nst++];
	fresh(s, "st", x->name);
	cpy(x->table, t->name);
	cpy(x->c[0], r.c[0]);
	cpy(x->c[1], r.c[1]);
	x->v = R((int)(sizeof(stat_kinds) / sizeof(stat_kinds[0])));
}

static void gen_part(gschema *s)
{
	gkinds *k = &s->k;
	if (k->npt >= 2)
		return;
	gpart *p = &k->pt[k->npt++];
	fresh(s, "pt", p->name);
	p->years = 1 + R(15);
	p->dflt = R(2);
	p->extra = R(2);
	p->index = R(2);
}

/* A few of each kind (PostgreSQL), into s->k. */
void gen_kinds(gschema *s)
{
	memset(&s->k, 0, sizeof(s->k));
	s->k.ext = R(1 << NEXT) & R(1 << NEXT);
	for (int i = R(3); i > 0; i--)
		gen_coll(s);
	for (int i = R(2); i > 0; i--)
		gen_obj(s, s->k.op, &s->k.nop, "op", 3);
	for (int i = R(2); i > 0; i--)
		gen_obj(s, s->k.opc, &s->k.nopc, "opc", 3);
	for (int i = R(2); i > 0; i--)
		gen_obj(s, s->k.dict, &s->k.ndict, "dict", 3);
	for (int i = R(2); i > 0; i--)
		gen_obj(s, s->k.ts, &s->k.nts, "ts", 3);
	for (int i = R(3); i > 0; i--)
		gen_ctype(s);
	for (int i = R(2); i > 0; i--)
		gen_obj(s, s->k.rg, &s->k.nrg, "rg", NRGV);
	for (int i = R(2); i > 0; i--)
		gen_part(s);
}

/* Statistics after the tables (they need two of a table's columns). */
void gen_kinds_late(gschema *s)
{
	for (int i = R(3); i > 0; i--)
		gen_stat(s);
}

/* ---- mutating ---- */

/* One object of v[0..*n): dropped, or given another variant. */
static int mut_obj(gkobj *v, int *n, int variants)
{
	if (!*n)
		return 0;
	int i = R(*n);
	if (one_in(3)) {
		DEL(v, *n, i);
		return 1;
	}
	v[i].v = (v[i].v + 1 + R(variants - 1)) % variants;
	return 1;
}

static int mut_ctype(gschema *s)
{
	gkinds *k = &s->k;
	if (!k->nct || one_in(4)) {
		gen_ctype(s);
		return 1;
	}
	gctype *c = &k->ct[R(k->nct)];
	switch (R(5)) {
	case 0: DEL(k->ct, k->nct, (int)(c - k->ct)); return 1;
	case 1: /* an attribute at the end (in place) */
		if (c->na >= NCA)
			return 0;
		snprintf(c->a[c->na], NM, "f%d", ++s->next);
		c->t[c->na++] = R(NATV);
		return 1;
	case 2: /* an attribute dropped (in place) */
		if (c->na < 2)
			return 0;
		for (int i = R(c->na); i + 1 < c->na; i++) {
			cpy(c->a[i], c->a[i + 1]);
			c->t[i] = c->t[i + 1];
		}
		c->na--;
		return 1;
	case 3: /* another type (in place: nothing uses it) */
		c->t[R(c->na)] = R(NATV);
		return 1;
	default: /* the first attribute moved last (made again) */
		if (c->na < 2)
			return 0;
		{
			char a[NM];
			int t = c->t[0];
			cpy(a, c->a[0]);
			for (int i = 0; i + 1 < c->na; i++) {
				cpy(c->a[i], c->a[i + 1]);
				c->t[i] = c->t[i + 1];
			}
			cpy(c->a[c->na - 1], a);
			c->t[c->na - 1] = t;
		}
		return 1;
	}
}

static int mut_part(gschema *s)
{
	gkinds *k = &s->k;
	if (!k->npt || one_in(4)) {
		gen_part(s);
		return 1;
	}
	gpart *p = &k->pt[R(k->npt)];
	switch (R(5)) {
	case 0: DEL(k->pt, k->npt, (int)(p - k->pt)); return 1;
	case 1: p->years ^= 1 << R(4); return 1; /* a partition added or dropped */
	case 2: p->dflt = !p->dflt; return 1;
	case 3: p->extra = !p->extra; return 1;
	default: p->index = !p->index; return 1;
	}
}

static int mut_stat(gschema *s)
{
	gkinds *k = &s->k;
	if (!k->nst || one_in(3)) {
		int n = k->nst;
		gen_stat(s);
		return k->nst > n;
	}
	int i = R(k->nst);
	if (one_in(2)) {
		DEL(k->st, k->nst, i);
		return 1;
	}
	k->st[i].v = (k->st[i].v + 1) % (int)(sizeof(stat_kinds) / sizeof(stat_kinds[0]));
	return 1;
}

/* One random change to the kinds of s; 1 when something changed. */
int mutate_kinds(gschema *s)
{
	gkinds *k = &s->k;
	switch (R(10)) {
	case 0: k->ext ^= 1 << R(NEXT); return 1;
	case 1: if (one_in(3)) { gen_coll(s); return 1; } return mut_obj(k->cl, &k->ncl, NCOLLV);
	case 2: if (one_in(3)) { gen_obj(s, k->op, &k->nop, "op", 3); return 1; } return mut_obj(k->op, &k->nop, 3);
	case 3: if (one_in(3)) { gen_obj(s, k->opc, &k->nopc, "opc", 3); return 1; } return mut_obj(k->opc, &k->nopc, 3);
	case 4: if (one_in(3)) { gen_obj(s, k->dict, &k->ndict, "dict", 3); return 1; } return mut_obj(k->dict, &k->ndict, 3);
	case 5: if (one_in(3)) { gen_obj(s, k->ts, &k->nts, "ts", 3); return 1; } return mut_obj(k->ts, &k->nts, 3);
	case 6: return mut_ctype(s);
	case 7: if (one_in(3)) { gen_obj(s, k->rg, &k->nrg, "rg", NRGV); return 1; } return mut_obj(k->rg, &k->nrg, NRGV);
	case 8: return mut_part(s);
	default: return mut_stat(s);
	}
}

/* Statistics whose table or columns went (or are no longer plain) go too; 1 when any did. */
int repair_kinds(gschema *s)
{
	gkinds *k = &s->k;
	for (int i = 0; i < k->nst; i++) {
		const gtable *t = find_ctable(s, k->st[i].table);
		if (!t || !plain(find_col(t, k->st[i].c[0])) || !plain(find_col(t, k->st[i].c[1]))) {
			DEL(k->st, k->nst, i);
			return 1;
		}
	}
	return 0;
}

/* ---- SQL ---- */

/* "KEYWORD name" with the name quoted, then the rest (printf). */
static void named(strbuf *sb, const char *kw, const char *name, const char *suffix)
{
	char buf[NM + 16];
	snprintf(buf, sizeof(buf), "%s%s", name, suffix ? suffix : "");
	rt_strbuf_addf(sb, "%s ", kw);
	Q(sb, buf);
}

/* Every kind that comes before the tables. */
void kinds_sql(strbuf *sb, const gschema *s)
{
	const gkinds *k = &s->k;
	for (int i = 0; i < NEXT; i++)
		if (k->ext & (1 << i))
			rt_strbuf_addf(sb, "CREATE EXTENSION %s;\n", exts[i]);
	for (int i = 0; i < k->ncl; i++) {
		named(sb, "CREATE COLLATION", k->cl[i].name, NULL);
		rt_strbuf_addf(sb, " (%s);\n", coll_defs[k->cl[i].v]);
	}
	for (int i = 0; i < k->nop; i++) /* a symbol per place in the list */
		rt_strbuf_addf(sb, "CREATE OPERATOR public.%s%.*s (%s);\n", op_names[i % 2], i / 2, "###",
			       op_defs[k->op[i].v]);
	for (int i = 0; i < k->nopc; i++) {
		named(sb, "CREATE OPERATOR CLASS", k->opc[i].name, NULL);
		rt_strbuf_addf(sb, " %s;\n", opc_defs[k->opc[i].v]);
	}
	for (int i = 0; i < k->ndict; i++) {
		named(sb, "CREATE TEXT SEARCH DICTIONARY", k->dict[i].name, NULL);
		rt_strbuf_addf(sb, " (%s);\n", dict_defs[k->dict[i].v]);
	}
	for (int i = 0; i < k->nts; i++) {
		named(sb, "CREATE TEXT SEARCH CONFIGURATION", k->ts[i].name, NULL);
		rt_strbuf_adds(sb, " (PARSER = pg_catalog.default);\n");
		named(sb, "ALTER TEXT SEARCH CONFIGURATION", k->ts[i].name, NULL);
		rt_strbuf_addf(sb, " ADD MAPPING FOR %s WITH ", ts_maps[k->ts[i].v]);
		if (k->ndict)
			Q(sb, k->dict[k->ts[i].v % k->ndict].name);
		else
			rt_strbuf_adds(sb, "pg_catalog.simple");
		rt_strbuf_adds(sb, ";\n");
	}
	for (int i = 0; i < k->nct; i++) {
		const gctype *c = &k->ct[i];
		named(sb, "CREATE TYPE", c->name, NULL);
		rt_strbuf_adds(sb, " AS (");
		for (int j = 0; j < c->na; j++) {
			rt_strbuf_adds(sb, j ? ", " : "");
			Q(sb, c->a[j]);
			rt_strbuf_addf(sb, " %s", attr_types[c->t[j]]);
		}
		rt_strbuf_adds(sb, ");\n");
	}
	for (int i = 0; i < k->nrg; i++) {
		named(sb, "CREATE TYPE", k->rg[i].name, NULL);
		rt_strbuf_addf(sb, " AS RANGE (%s);\n", range_subtypes[k->rg[i].v]);
	}
}

/* Partitioned tables and their partitions, and statistics: after the tables. */
void kinds_late_sql(strbuf *sb, const gschema *s)
{
	const gkinds *k = &s->k;
	for (int i = 0; i < k->npt; i++) {
		const gpart *p = &k->pt[i];
		named(sb, "CREATE TABLE", p->name, NULL);
		rt_strbuf_addf(sb, " (id bigint NOT NULL, at date NOT NULL, v text%s) PARTITION BY RANGE (at);\n",
			       p->extra ? ", note varchar(20)" : "");
		for (int y = 0; y < 4; y++)
			if (p->years & (1 << y)) {
				char part[16];
				snprintf(part, sizeof(part), "_%d", 2020 + y);
				named(sb, "CREATE TABLE", p->name, part);
				named(sb, " PARTITION OF", p->name, NULL);
				rt_strbuf_addf(sb, " FOR VALUES FROM ('%d-01-01') TO ('%d-01-01');\n", 2020 + y, 2021 + y);
			}
		if (p->dflt) {
			named(sb, "CREATE TABLE", p->name, "_rest");
			named(sb, " PARTITION OF", p->name, NULL);
			rt_strbuf_adds(sb, " DEFAULT;\n");
		}
		if (p->index) {
			named(sb, "CREATE INDEX", p->name, "_at");
			named(sb, " ON", p->name, NULL);
			rt_strbuf_adds(sb, " (at);\n");
		}
	}
	for (int i = 0; i < k->nst; i++) {
		const gstat *x = &k->st[i];
		named(sb, "CREATE STATISTICS", x->name, NULL);
		rt_strbuf_addf(sb, " (%s) ON ", stat_kinds[x->v]);
		Q(sb, x->c[0]);
		rt_strbuf_adds(sb, ", ");
		Q(sb, x->c[1]);
		rt_strbuf_adds(sb, " FROM ");
		Q(sb, x->table);
		rt_strbuf_adds(sb, ";\n");
	}
}
