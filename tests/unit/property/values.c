/*
 * values.c - the property test's seeded random stream, the types each
 * value domain may take on SQLite and PostgreSQL, row values, defaults,
 * checks and generated expressions that fit a column, and lookups by name
 * in a generated schema.
 */
#include "property.h"

#include <ctype.h>

/* ------------------------------------------------------------------ */
/* A seeded generator                                                   */
/* ------------------------------------------------------------------ */

uint64_t rng_state;

/* splitmix64: every seed gives a good, reproducible stream. */
static uint64_t rng_next(void)
{
	uint64_t z = (rng_state += 0x9e3779b97f4a7c15ULL);
	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
	return z ^ (z >> 31);
}

/* A number in [0, n). */
int R(int n)
{
	return n <= 1 ? 0 : (int)(rng_next() % (uint64_t)n);
}

/* True one time in n. */
int one_in(int n)
{
	return R(n) == 0;
}

/* ------------------------------------------------------------------ */
/* Types, domains and values                                            */
/* ------------------------------------------------------------------ */

/* PostgreSQL: the types each domain's values convert between, both ways. */
static const char *const pg_types[DM_N][11] = {
	[DM_NUM] = { "integer", "bigint", "smallint", "numeric(10,2)", "numeric(8,0)", "real",
		     "double precision", "text", "varchar(16)", "char(4)", NULL },
	[DM_TEXT] = { "text", "varchar(16)", "varchar(32)", "char(8)", NULL },
	[DM_BOOL] = { "boolean", "text", "varchar(8)", NULL },
	[DM_TIME] = { "date", "timestamp", "timestamptz", "text", "varchar(40)", NULL },
	[DM_IVAL] = { "interval", "text", "varchar(32)", NULL },
	[DM_UUID] = { "uuid", "text", "varchar(40)", NULL },
	[DM_JSON] = { "jsonb", "text", NULL },
	[DM_BYTES] = { "bytea", "text", NULL },
	[DM_ENUM] = { "text", "varchar(16)", NULL }, /* and the enum types */
	[DM_ARRAY] = { "integer[]", "bigint[]", "text[]", "text", NULL },
};

/* SQLite: declared types (affinities) for each domain; "" is no type. */
static const char *const sq_types[DM_N][11] = {
	[DM_NUM] = { "INTEGER", "INT", "BIGINT", "REAL", "NUMERIC", "DECIMAL(10,2)", "TEXT",
		     "VARCHAR(16)", "", NULL },
	[DM_TEXT] = { "TEXT", "VARCHAR(16)", "CHAR(8)", "CLOB", "", NULL },
	[DM_BOOL] = { "BOOLEAN", "INTEGER", "INT", NULL },
	[DM_TIME] = { "DATETIME", "DATE", "TIMESTAMP", "TEXT", NULL },
	[DM_BYTES] = { "BLOB", "", NULL },
};

/* SQLite STRICT tables: the types a domain may have there. */
static const char *const sq_strict_types[DM_N][6] = {
	[DM_NUM] = { "INTEGER", "INT", "REAL", "ANY", NULL },
	[DM_TEXT] = { "TEXT", "ANY", NULL },
	[DM_BOOL] = { "INTEGER", "INT", NULL },
	[DM_TIME] = { "TEXT", NULL },
	[DM_BYTES] = { "BLOB", "ANY", NULL },
};

/* Copy a name (at most NM - 1 characters); the two may overlap. */
void cpy(char *dst, const char *src)
{
	size_t n = strlen(src);
	if (n >= NM)
		n = NM - 1;
	memmove(dst, src, n);
	dst[n] = '\0';
}

static int count_of(const char *const *v)
{
	int n = 0;
	while (v[n])
		n++;
	return n;
}

int is(const char *t, const char *name)
{
	return !strcmp(t, name);
}

int starts(const char *t, const char *prefix)
{
	return !strncmp(t, prefix, strlen(prefix));
}

/* PostgreSQL type classes (SQLite columns answer by their domain). */
int pg_intish(const char *t)
{
	return is(t, "integer") || is(t, "bigint") || is(t, "smallint");
}

static int pg_textish(const char *t)
{
	return is(t, "text") || starts(t, "varchar") || starts(t, "char(") || starts(t, "dtext");
}

static int pg_numeric(const char *t)
{
	return pg_intish(t) || starts(t, "numeric") || is(t, "real") || is(t, "double precision");
}

int pg_array(const char *t)
{
	size_t n = strlen(t);
	return n > 2 && !strcmp(t + n - 2, "[]");
}

/* Is the type of c a number (not a number held as text)? */
int col_numeric(const gschema *s, const gcol *c)
{
	if (s->pg)
		return pg_numeric(c->type);
	return c->dom == DM_NUM || c->dom == DM_BOOL;
}

int col_textish(const gschema *s, const gcol *c)
{
	if (s->pg)
		return pg_textish(c->type);
	return c->dom == DM_TEXT;
}

const gdom *find_domain(const gschema *s, const char *name)
{
	for (int i = 0; i < s->nd; i++)
		if (is(s->dm[i].name, name))
			return &s->dm[i];
	return NULL;
}

const genum *find_enum(const gschema *s, const char *name)
{
	for (int i = 0; i < s->ne; i++)
		if (is(s->e[i].name, name))
			return &s->e[i];
	return NULL;
}

/* Is type a valid type of domain dom in s (enum types included)? */
int type_ok(const gschema *s, int dom, const char *type, int strict)
{
	const char *const *v = s->pg ? pg_types[dom] : strict ? sq_strict_types[dom] : sq_types[dom];
	for (int i = 0; v[i]; i++)
		if (is(v[i], type))
			return 1;
	return (s->pg && dom == DM_ENUM && find_enum(s, type)) ||
	       (s->pg && dom == DM_TEXT && find_domain(s, type));
}

/* A random type of domain dom (enum types included). */
void pick_type(const gschema *s, int dom, int strict, char *out)
{
	const char *const *v = s->pg ? pg_types[dom] : strict ? sq_strict_types[dom] : sq_types[dom];
	int n = count_of(v);
	if (s->pg && dom == DM_ENUM && s->ne && R(3)) {
		cpy(out, s->e[R(s->ne)].name);
		return;
	}
	cpy(out, v[R(n)]);
}

/* A domain for a new column of s. */
int pick_dom(const gschema *s)
{
	if (!s->pg) {
		static const int d[] = { DM_NUM, DM_NUM, DM_TEXT, DM_TEXT, DM_BOOL, DM_TIME, DM_BYTES };
		return d[R(7)];
	}
	static const int d[] = { DM_NUM, DM_NUM, DM_NUM, DM_TEXT, DM_TEXT, DM_BOOL, DM_TIME, DM_IVAL,
				 DM_UUID, DM_JSON, DM_BYTES, DM_ENUM, DM_ARRAY };
	return d[R(13)];
}

/*
 * SQLite: the affinity of a declared type (section 3.1 of "Datatypes In
 * SQLite"); ANY (STRICT tables) apart.  A foreign key's rows find their
 * parents only when both columns have the same affinity.
 */
static char sq_affinity(const char *type)
{
	char up[NM];
	size_t i;
	for (i = 0; type[i] && i < NM - 1; i++)
		up[i] = (char)toupper((unsigned char)type[i]);
	up[i] = '\0';
	if (!strcmp(up, "ANY"))
		return 'a';
	if (strstr(up, "INT"))
		return 'i';
	if (strstr(up, "CHAR") || strstr(up, "CLOB") || strstr(up, "TEXT"))
		return 't';
	if (!*up || strstr(up, "BLOB"))
		return 'b';
	if (strstr(up, "REAL") || strstr(up, "FLOA") || strstr(up, "DOUB"))
		return 'r';
	return 'n';
}

/* May a foreign key column of type child reference one of type parent? */
int fk_types_ok(const gschema *s, const char *child, const char *parent)
{
	return s->pg ? is(child, parent) : sq_affinity(child) == sq_affinity(parent);
}

/*
 * A type for a column of domain dom (in a STRICT table or not) that a
 * foreign key may tie to a column of type like; 0 when there is none.
 */
int fk_type(const gschema *s, int dom, int strict, const char *like, char *out)
{
	const char *const *v = s->pg ? pg_types[dom] : strict ? sq_strict_types[dom] : sq_types[dom];
	if (s->pg || type_ok(s, dom, like, strict)) {
		cpy(out, like);
		return 1;
	}
	for (int i = 0; v[i]; i++)
		if (fk_types_ok(s, v[i], like)) {
			cpy(out, v[i]);
			return 1;
		}
	return 0;
}

int collatable(const gschema *s, const gcol *c)
{
	return s->pg ? pg_textish(c->type) : 1;
}

/* A quoted identifier (names never hold a double quote). */
void Q(strbuf *sb, const char *name)
{
	rt_strbuf_addf(sb, "\"%s\"", name);
}

/* Row k's value (k = 0, 1) of column c, as a literal of its current type. */
void value_sql(strbuf *sb, const gschema *s, const gcol *c, int k)
{
	if (!s->pg) {
		switch (c->dom) {
		case DM_TEXT: rt_strbuf_addf(sb, "'t%d'", k); return;
		case DM_TIME: rt_strbuf_addf(sb, "'2020-01-0%d'", k + 1); return;
		case DM_BYTES: rt_strbuf_addf(sb, "x'0%d'", k); return;
		default: rt_strbuf_addf(sb, "%d", k); return;
		}
	}
	switch (c->dom) {
	case DM_NUM:
		rt_strbuf_addf(sb, pg_textish(c->type) ? "'%d'" : "%d", k);
		return;
	case DM_TEXT: rt_strbuf_addf(sb, "'t%d'", k); return;
	case DM_BOOL:
		if (is(c->type, "boolean"))
			rt_strbuf_adds(sb, k ? "true" : "false");
		else
			rt_strbuf_adds(sb, k ? "'true'" : "'false'");
		return;
	case DM_TIME: rt_strbuf_addf(sb, "'2020-01-0%d'", k + 1); return;
	case DM_IVAL: rt_strbuf_addf(sb, "'%d days'", k + 1); return;
	case DM_UUID: rt_strbuf_addf(sb, "'00000000-0000-0000-0000-00000000000%d'", k); return;
	case DM_JSON: rt_strbuf_addf(sb, "'{\"k\": %d}'", k); return;
	case DM_BYTES: rt_strbuf_addf(sb, "'\\x0%d'", k); return;
	case DM_ENUM: rt_strbuf_addf(sb, "'a%d'", k); return;
	default: rt_strbuf_addf(sb, "'{%d}'", k); return;
	}
}

const gseq *find_seq(const gschema *s, int num)
{
	for (int i = 0; i < s->ns; i++)
		if (s->s[i].num == num)
			return &s->s[i];
	return NULL;
}

/*
 * PostgreSQL: a scalar function column c can be passed to (an integer
 * column to f(integer) or f(bigint), a bigint one to f(bigint)), the
 * pick-th of them, or NULL.  f(x) = x + v: never negative for our values.
 */
const gfunc *func_for(const gschema *s, const gcol *c, int pick)
{
	const gfunc *v[NF];
	int n = 0;
	for (int i = 0; s->pg && i < s->nf; i++)
		if (!s->f[i].trig && pg_intish(c->type) && (s->f[i].bigarg || !is(c->type, "bigint")))
			v[n++] = &s->f[i];
	return n ? v[pick % n] : NULL;
}

/* The default of c (which has one): a constant, an expression or nextval. */
void default_sql(strbuf *sb, const gschema *s, const gcol *c)
{
	const char *t = c->type;
	if (c->def == DEF_SEQ && s->pg && pg_numeric(t) && find_seq(s, c->defv)) {
		rt_strbuf_addf(sb, "nextval('\"%s\"')", find_seq(s, c->defv)->name);
		return;
	}
	const gfunc *f = c->def == DEF_FUNC && s->pg && pg_numeric(t) ? find_func(s, c->defv) : NULL;
	if (f && !f->trig) {
		rt_strbuf_addf(sb, "\"%s\"(1)", f->name); /* 1 + its variant: a value every check takes */
		return;
	}
	if (c->def == DEF_EXPR && !s->pg) {
		switch (c->dom) {
		case DM_NUM: rt_strbuf_adds(sb, "(1 + 1)"); return;
		case DM_TEXT: rt_strbuf_adds(sb, "(upper('t9'))"); return;
		case DM_BOOL: rt_strbuf_adds(sb, "(1 > 0)"); return;
		case DM_TIME: rt_strbuf_adds(sb, "CURRENT_TIMESTAMP"); return;
		default: rt_strbuf_adds(sb, "(zeroblob(2))"); return;
		}
	}
	if (c->def == DEF_EXPR) {
		const char *e = NULL;
		if (pg_numeric(t))
			e = "(1 + 1)";
		else if (is(t, "boolean"))
			e = "(1 > 0)";
		else if (is(t, "date"))
			e = "CURRENT_DATE";
		else if (is(t, "timestamp"))
			e = "LOCALTIMESTAMP";
		else if (is(t, "timestamptz"))
			e = "now()";
		else if (is(t, "interval"))
			e = "make_interval(days => 3)";
		else if (is(t, "uuid"))
			e = "gen_random_uuid()";
		else if (is(t, "jsonb"))
			e = "jsonb_build_object('k', 2)";
		else if (is(t, "bytea"))
			e = "decode('0a', 'hex')";
		else if (is(t, "text[]"))
			e = "ARRAY['2']";
		else if (pg_array(t))
			e = "ARRAY[2]";
		else if (c->dom == DM_TEXT)
			e = "('t' || 'x')";
		if (e) {
			rt_strbuf_adds(sb, e);
			return;
		}
	}
	if (c->dom == DM_TEXT && c->defv == 2) {
		rt_strbuf_adds(sb, "'it''s'"); /* a quote to keep through every rendering */
		return;
	}
	value_sql(sb, s, c, c->defv & 1);
}

/*
 * A check on column c: true for both rows and for every default, whatever
 * the type; v picks among the forms.
 */
void check_sql(strbuf *sb, const gschema *s, const gcol *c, int v)
{
	char q[NM + 2];
	snprintf(q, sizeof(q), "\"%s\"", c->name);
	const char *t = c->type;
	if (!s->pg) {
		switch (c->dom) {
		case DM_NUM: rt_strbuf_addf(sb, v & 1 ? "%s >= 0" : "length(%s) < 30", q); return;
		case DM_TEXT: rt_strbuf_addf(sb, v & 1 ? "%s <> ''" : "length(%s) < 40", q); return;
		case DM_BOOL: rt_strbuf_addf(sb, "%s IN (0, 1)", q); return;
		case DM_TIME: rt_strbuf_addf(sb, "%s > '2000'", q); return;
		default: rt_strbuf_addf(sb, "length(%s) > 0", q); return;
		}
	}
	/*
	 * IN lists over varchar are written as ORs: PostgreSQL renders
	 * "c IN ('a', 'b')" as "(c)::text = ANY ((ARRAY['a'::character
	 * varying, ...])::text[])", which reads back as another expression
	 * (ARRAY[('a'::character varying)::text, ...]), so no tool that
	 * copies pg_get_constraintdef can reproduce the original.
	 */
	int in_ok = !starts(t, "varchar");
	const gfunc *f = v >= 2 ? func_for(s, c, v) : NULL;
	if (f)
		rt_strbuf_addf(sb, "\"%s\"(%s) >= 0", f->name, q);
	else if (pg_numeric(t))
		rt_strbuf_addf(sb, v & 1 ? "%s >= 0" : "%s < 1000", q);
	else if (c->dom == DM_BOOL && is(t, "boolean"))
		rt_strbuf_addf(sb, "%s IN (true, false)", q);
	else if (c->dom == DM_BOOL)
		rt_strbuf_addf(sb, in_ok ? "%s IN ('true', 'false')" : "%s = 'true' OR %s = 'false'", q, q);
	else if (c->dom == DM_ENUM)
		rt_strbuf_addf(sb, in_ok ? "%s IN ('a0', 'a1')" : "%s = 'a0' OR %s = 'a1'", q, q);
	else if (pg_textish(t) && c->dom == DM_TIME)
		rt_strbuf_addf(sb, "%s > '2000'", q);
	else if (pg_textish(t))
		rt_strbuf_addf(sb, v & 1 ? "%s <> ''" : "length(%s) < 40", q);
	else if (is(t, "date") || is(t, "timestamp") || is(t, "timestamptz"))
		rt_strbuf_addf(sb, "%s > '2000-01-01'", q);
	else if (is(t, "interval"))
		rt_strbuf_addf(sb, "%s >= '0 seconds'", q);
	else if (is(t, "uuid"))
		rt_strbuf_addf(sb, "%s <> '00000000-0000-0000-0000-0000000000ff'", q);
	else if (is(t, "jsonb"))
		rt_strbuf_addf(sb, v & 1 ? "%s ? 'k'" : "jsonb_typeof(%s) = 'object'", q);
	else if (is(t, "bytea"))
		rt_strbuf_addf(sb, "length(%s) > 0", q);
	else
		rt_strbuf_addf(sb, "cardinality(%s) >= 1", q);
}

/* A generated column's type: what its expression gives (see gen_sql). */
void gen_type(const gschema *s, gcol *g, int src_dom)
{
	static const char *const pg_num[] = { "bigint", "numeric", "double precision", "integer" };
	static const char *const pg_text[] = { "text", "varchar(64)" };
	g->dom = src_dom;
	if (s->pg)
		cpy(g->type, src_dom == DM_NUM ? pg_num[R(4)] : pg_text[R(2)]);
	else
		pick_type(s, src_dom, 0, g->type);
}

const gcol *find_col(const gtable *t, const char *name)
{
	for (int i = 0; i < t->nc; i++)
		if (is(t->c[i].name, name))
			return &t->c[i];
	return NULL;
}

/* The expression of generated column g of table t. */
void gen_sql(strbuf *sb, const gschema *s, const gtable *t, const gcol *g)
{
	const gcol *src = find_col(t, g->gsrc);
	char q[NM + 2];
	snprintf(q, sizeof(q), "\"%s\"", g->gsrc);
	const gfunc *f = g->gop == 2 ? func_for(s, src, 0) : NULL;
	if (f)
		rt_strbuf_addf(sb, "\"%s\"(%s)", f->name, q);
	else if (src->dom == DM_NUM && col_numeric(s, src))
		rt_strbuf_addf(sb, g->gop ? "%s + 1" : "%s * 2", q);
	else if (src->dom == DM_NUM)
		rt_strbuf_addf(sb, g->gop ? "length(%s) + 1" : "length(%s)", q);
	else
		rt_strbuf_addf(sb, g->gop ? "%s || '!'" : "upper(%s)", q);
}

/* ------------------------------------------------------------------ */
/* Names and lookups                                                    */
/* ------------------------------------------------------------------ */

/*
 * A fresh name: prefix and a number never used before in this pair (B
 * continues A's numbering), now and then one that needs quoting.
 */
void fresh(gschema *s, const char *prefix, char *out)
{
	int n = ++s->next;
	switch (R(12)) {
	case 0:
		snprintf(out, NM, "%s %d", prefix, n);
		break;
	case 1:
		snprintf(out, NM, "%c%s%d", prefix[0] - 'a' + 'A', prefix + 1, n);
		break;
	default:
		snprintf(out, NM, "%s%d", prefix, n);
	}
}

gtable *find_table(gschema *s, const char *name)
{
	for (int i = 0; i < s->nt; i++)
		if (is(s->t[i].name, name))
			return &s->t[i];
	return NULL;
}

const gtable *find_ctable(const gschema *s, const char *name)
{
	return find_table((gschema *)s, name);
}

gview *find_view(gschema *s, const char *name)
{
	for (int i = 0; i < s->nv; i++)
		if (is(s->v[i].name, name))
			return &s->v[i];
	return NULL;
}

int col_index(const gtable *t, const char *name)
{
	for (int i = 0; i < t->nc; i++)
		if (is(t->c[i].name, name))
			return i;
	return -1;
}

const gfunc *find_func(const gschema *s, int num)
{
	/* (declared before default_sql) */
	for (int i = 0; i < s->nf; i++)
		if (s->f[i].num == num)
			return &s->f[i];
	return NULL;
}

int ref_has(const gref *r, const char *name)
{
	for (int i = 0; i < r->n; i++)
		if (is(r->c[i], name))
			return 1;
	return 0;
}

int ref_eq(const gref *a, const gref *b)
{
	if (a->n != b->n)
		return 0;
	for (int i = 0; i < a->n; i++)
		if (strcmp(a->c[i], b->c[i]))
			return 0;
	return 1;
}

/* A plain column: not generated (identity columns are plain). */
int plain(const gcol *c)
{
	return c && !c->gen;
}

/* A random plain column of t, or NULL. */
gcol *pick_plain(gtable *t)
{
	int idx[NC], n = 0;
	for (int i = 0; i < t->nc; i++)
		if (plain(&t->c[i]))
			idx[n++] = i;
	return n ? &t->c[idx[R(n)]] : NULL;
}

/* Up to max distinct plain columns of t, in a random order, into r. */
void pick_cols(gtable *t, int max, gref *r)
{
	int idx[NC], n = 0;
	for (int i = 0; i < t->nc; i++)
		if (plain(&t->c[i]))
			idx[n++] = i;
	for (int i = n - 1; i > 0; i--) {
		int j = R(i + 1), x = idx[i];
		idx[i] = idx[j];
		idx[j] = x;
	}
	r->n = 0;
	int want = 1 + R(max);
	for (int i = 0; i < n && r->n < want; i++)
		cpy(r->c[r->n++], t->c[idx[i]].name);
}

/* The columns a table or view shows to a view reading it. */
int rel_cols(const gschema *s, const char *rel, char out[NC][NM])
{
	const gtable *t = find_ctable(s, rel);
	if (t) {
		for (int i = 0; i < t->nc; i++)
			cpy(out[i], t->c[i].name);
		return t->nc;
	}
	for (int i = 0; i < s->nv; i++)
		if (is(s->v[i].name, rel)) {
			for (int j = 0; j < s->v[i].nc; j++)
				cpy(out[j], s->v[i].c[j]);
			return s->v[i].nc;
		}
	return 0;
}

/* The table column behind column col of a table or view (views of views followed). */
const gcol *base_col(const gschema *s, const char *rel, const char *col)
{
	for (int depth = 0; depth < NV + 1; depth++) {
		const gtable *t = find_ctable(s, rel);
		if (t)
			return find_col(t, col);
		const gview *v = NULL;
		for (int i = 0; i < s->nv && !v; i++)
			if (is(s->v[i].name, rel))
				v = &s->v[i];
		if (!v)
			return NULL;
		rel = v->src;
	}
	return NULL;
}
