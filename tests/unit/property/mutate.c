/*
 * mutate.c - schema B of a property-test pair, made from A by random
 * mutations, one kind of object per function.
 */
#include "property.h"

#include <ctype.h>

/* ------------------------------------------------------------------ */
/* Mutations: B from A                                                  */
/* ------------------------------------------------------------------ */

static gtable *any_table(gschema *s)
{
	return s->nt ? &s->t[R(s->nt)] : NULL;
}

/* The columns tied to t.col by foreign keys, either way, transitively. */
typedef struct colset {
	gtable *t[NT * NC];
	int c[NT * NC];
	int n;
} colset;

static int colset_has(const colset *cs, const gtable *t, int c)
{
	for (int i = 0; i < cs->n; i++)
		if (cs->t[i] == t && cs->c[i] == c)
			return 1;
	return 0;
}

/* Add t.c and, through every foreign key it is part of, its partners. */
static void fk_closure(gschema *s, gtable *t, int c, colset *cs)
{
	if (colset_has(cs, t, c) || cs->n >= NT * NC)
		return;
	cs->t[cs->n] = t;
	cs->c[cs->n++] = c;
	for (int i = 0; i < s->nt; i++) {
		gtable *x = &s->t[i];
		for (int j = 0; j < x->nfk; j++) {
			gfk *f = &x->fk[j];
			for (int k = 0; k < f->r.n; k++) {
				int child = x == t && is(f->r.c[k], t->c[c].name);
				int parent = is(f->parent, t->name) && is(f->pr.c[k], t->c[c].name);
				gtable *p = find_table(s, f->parent);
				if (child && p && col_index(p, f->pr.c[k]) >= 0)
					fk_closure(s, p, col_index(p, f->pr.c[k]), cs);
				if (parent && col_index(x, f->r.c[k]) >= 0)
					fk_closure(s, x, col_index(x, f->r.c[k]), cs);
			}
		}
	}
}

/* Change a column's type (within its domain); on PostgreSQL its foreign-key partners follow. */
static int m_type(gschema *s)
{
	gtable *t = any_table(s);
	if (!t)
		return 0;
	int i = R(t->nc);
	gcol *c = &t->c[i];
	if (c->gen) {
		if (s->pg)
			gen_type(s, c, c->dom);
		else
			pick_type(s, c->dom, t->strict, c->type);
		return 1;
	}
	char type[NM];
	colset cs = { .n = 0 };
	fk_closure(s, t, i, &cs);
	int ident = 0;
	for (int k = 0; k < cs.n; k++)
		ident |= cs.t[k]->c[cs.c[k]].ident;
	for (int tries = 0; tries < 10; tries++) {
		pick_type(s, c->dom, t->strict, type);
		if (ident && !pg_intish(type))
			continue;
		if (!is(type, c->type))
			break;
	}
	for (int k = 0; k < cs.n; k++) {
		gcol *x = &cs.t[k]->c[cs.c[k]];
		char other[NM];
		if (fk_type(s, x->dom, cs.t[k]->strict, type, other))
			cpy(x->type, other);
	}
	return 1;
}

/* A new column, at the end or anywhere. */
static int m_add_col(gschema *s)
{
	gtable *t = any_table(s);
	if (!t || t->nc >= NC)
		return 0;
	gcol c;
	gen_col(s, t, &c);
	int at = R(3) ? t->nc : R(t->nc + 1);
	memmove(&t->c[at + 1], &t->c[at], (size_t)(t->nc - at) * sizeof(gcol));
	t->c[at] = c;
	t->nc++;
	return 1;
}

/* A column goes (what uses it goes too, in repair()). */
static int m_drop_col(gschema *s)
{
	gtable *t = any_table(s);
	if (!t || t->nc < 2)
		return 0;
	DEL(t->c, t->nc, R(t->nc));
	return 1;
}

/* A column moves: the column order changes. */
static int m_move_col(gschema *s)
{
	gtable *t = any_table(s);
	if (!t || t->nc < 2)
		return 0;
	int from = R(t->nc), to = R(t->nc);
	if (from == to)
		return 0;
	gcol c = t->c[from];
	DEL(t->c, t->nc, from);
	memmove(&t->c[to + 1], &t->c[to], (size_t)(t->nc - to) * sizeof(gcol));
	t->c[to] = c;
	t->nc++;
	return 1;
}

/* Nullability, default, collation, comment, identity or generation of a column. */
static int m_col_attr(gschema *s)
{
	gtable *t = any_table(s);
	if (!t)
		return 0;
	gcol *c = &t->c[R(t->nc)];
	switch (R(s->pg ? 8 : 5)) {
	case 0:
		c->notnull = !c->notnull;
		return 1;
	case 1:
		c->def = R(3);
		c->defv = R(3);
		if (s->pg && s->ns && one_in(3)) {
			c->def = DEF_SEQ;
			c->defv = s->s[R(s->ns)].num;
		}
		for (int i = 0; s->pg && i < s->nf; i++)
			if (!s->f[i].trig && one_in(2)) {
				c->def = DEF_FUNC;
				c->defv = s->f[i].num;
			}
		return 1;
	case 2:
		c->coll = collatable(s, c) ? (c->coll + 1 + R(3)) % 4 : 0;
		return 1;
	case 3:
		if (c->gen) {
			if (s->pg || R(2))
				c->gop = (c->gop + 1) % (s->pg ? 3 : 2);
			else
				c->gstored = !c->gstored;
			return 1;
		} else {
			/*
			 * plain -> generated, keeping the column's domain: the
			 * way back keeps the generated values, which must
			 * convert to the plain column's type.
			 */
			gcol *src = pick_plain(t);
			if (!src || src == c || (src->dom != DM_NUM && src->dom != DM_TEXT) ||
			    src->dom != c->dom)
				return 0;
			c->gen = 1;
			cpy(c->gsrc, src->name);
			c->gop = R(s->pg ? 3 : 2);
			c->gstored = s->pg || R(2);
			gen_type(s, c, src->dom);
			return 1;
		}
	case 4:
		if (!c->gen)
			return 0;
		c->gen = 0; /* generated -> plain */
		return 1;
	case 5:
		c->comment = (c->comment + 1 + R(3)) % 4;
		return 1;
	case 6:
		if (c->gen || c->dom != DM_NUM)
			return 0;
		if (c->ident) {
			if (one_in(3))
				c->ident = 0;
			else if (R(2))
				c->ident = c->ident == 'a' ? 'd' : 'a';
			else {
				c->istart = 1 + R(50);
				c->iinc = 1 + R(4);
			}
			return 1;
		}
		if (!pg_intish(c->type))
			return 0;
		c->ident = R(2) ? 'a' : 'd';
		c->istart = R(2) ? 1 : 1 + R(50);
		c->iinc = R(2) ? 1 : 1 + R(4);
		c->notnull = 1;
		c->def = DEF_NONE;
		return 1;
	default:
		return m_type(s);
	}
}

/* The primary key: dropped, made anew, renamed, its options. */
static int m_pk(gschema *s)
{
	gtable *t = any_table(s);
	if (!t)
		return 0;
	switch (R(4)) {
	case 0:
		if (!t->pk.on)
			return 0;
		t->pk.on = 0;
		return 1;
	case 1:
		gen_key(s, t, &t->pk, 2);
		return t->pk.on;
	case 2:
		if (!t->pk.on)
			return 0;
		t->pk.named = !t->pk.named;
		fresh(s, "k", t->pk.name);
		return 1;
	default:
		if (!t->pk.on)
			return 0;
		if (s->pg)
			t->pk.defer = (t->pk.defer + 1) % 3;
		else
			t->pk.conflict = (t->pk.conflict + 1 + R(5)) % 6;
		return 1;
	}
}

/* A unique constraint: added, dropped, renamed, its options. */
static int m_unique(gschema *s)
{
	gtable *t = any_table(s);
	if (!t)
		return 0;
	if (t->nuq && R(2)) {
		gkey *k = &t->uq[R(t->nuq)];
		switch (R(3)) {
		case 0: DEL(t->uq, t->nuq, (int)(k - t->uq)); return 1;
		case 1: k->named = !k->named; fresh(s, "k", k->name); return 1;
		default:
			if (s->pg)
				k->nnd = !k->nnd;
			else
				k->conflict = (k->conflict + 1 + R(5)) % 6;
			return 1;
		}
	}
	if (t->nuq >= NU)
		return 0;
	gen_key(s, t, &t->uq[t->nuq], 2);
	if (!t->uq[t->nuq].on)
		return 0;
	t->nuq++;
	return 1;
}

/* A check: added, dropped, another expression, renamed. */
static int m_check(gschema *s)
{
	gtable *t = any_table(s);
	if (!t)
		return 0;
	if (t->nck && R(2)) {
		gcheck *k = &t->ck[R(t->nck)];
		switch (R(3)) {
		case 0: DEL(t->ck, t->nck, (int)(k - t->ck)); return 1;
		case 1: k->v = (k->v + 1) % 4; return 1;
		default: k->named = !k->named; fresh(s, "k", k->name); return 1;
		}
	}
	if (t->nck >= NCK)
		return 0;
	gen_check(s, t, &t->ck[t->nck++]);
	return 1;
}

/* A foreign key: added, dropped, its actions, deferrability, match, name. */
static int m_fk(gschema *s)
{
	gtable *t = any_table(s);
	if (!t)
		return 0;
	if (t->nfk && R(2)) {
		gfk *f = &t->fk[R(t->nfk)];
		switch (R(5)) {
		case 0: DEL(t->fk, t->nfk, (int)(f - t->fk)); return 1;
		case 1: f->ondel = R(6); f->onupd = R(6); return 1;
		case 2: f->defer = (f->defer + 1 + R(3)) % 4; return 1;
		case 3: f->full = f->r.n > 1 && !f->full; return 1;
		default: f->named = !f->named; fresh(s, "k", f->name); return 1;
		}
	}
	if (t->nfk >= NFK || !gen_fk(s, t, &t->fk[t->nfk]))
		return 0;
	t->nfk++;
	return 1;
}

/* An index: added, dropped, or one of its options changed. */
static int m_index(gschema *s)
{
	gtable *t = any_table(s);
	if (!t)
		return 0;
	if (t->nix && R(3)) {
		gidx *x = &t->ix[R(t->nix)];
		switch (R(s->pg ? 9 : 6)) {
		case 0: DEL(t->ix, t->nix, (int)(x - t->ix)); return 1;
		case 1: x->unique = !x->unique; return 1;
		case 2: x->desc[R(x->r.n)] ^= 1; return 1;
		case 3: x->expr = (x->expr + 1) % (s->pg ? 3 : 2); return 1;
		case 4:
			if (*x->where)
				x->where[0] = '\0';
			else
				cpy(x->where, t->c[R(t->nc)].name);
			return 1;
		case 5: {
			gidx y;
			gen_index(s, t, &y);
			x->r = y.r; /* other columns, same name */
			return 1;
		}
		case 6: x->method = R(3); return 1;
		case 7:
			if (*x->incl)
				x->incl[0] = '\0';
			else
				cpy(x->incl, t->c[R(t->nc)].name);
			return 1;
		default: x->comment = (x->comment + 1 + R(2)) % 3; return 1;
		}
	}
	if (t->nix >= NI)
		return 0;
	gen_index(s, t, &t->ix[t->nix++]);
	return 1;
}

/* A trigger: added, dropped, its body, timing or events. */
static int m_trigger(gschema *s)
{
	gtable *t = any_table(s);
	if (!t)
		return 0;
	if (t->ntg && R(2)) {
		gtrg *g = &t->tg[R(t->ntg)];
		switch (R(4)) {
		case 0: DEL(t->tg, t->ntg, (int)(g - t->tg)); return 1;
		case 1: g->v = (g->v + 1) % 3; return 1;
		case 2: g->before = !g->before; return 1;
		default: {
			gtrg y;
			if (!gen_trigger(s, t, &y))
				return 0;
			memcpy(y.name, g->name, NM);
			*g = y;
			return 1;
		}
		}
	}
	if (t->ntg >= NTG || !gen_trigger(s, t, &t->tg[t->ntg]))
		return 0;
	t->ntg++;
	return 1;
}

/* A table added or dropped. */
static int m_table(gschema *s)
{
	if (R(2) && s->nt < NT) {
		gen_table(s);
		return 1;
	}
	if (s->nt < 2)
		return 0;
	DEL(s->t, s->nt, R(s->nt));
	return 1;
}

/* Table kinds: SQLite's WITHOUT ROWID, STRICT, AUTOINCREMENT; PostgreSQL's comment and fillfactor. */
static int m_table_attr(gschema *s)
{
	gtable *t = any_table(s);
	if (!t)
		return 0;
	if (s->pg) {
		if (R(2))
			t->comment = (t->comment + 1 + R(3)) % 4;
		else
			t->fillfactor = t->fillfactor ? 0 : 50 + 10 * R(5);
		return 1;
	}
	switch (R(3)) {
	case 0:
		t->without_rowid = !t->without_rowid && t->pk.on;
		return 1;
	case 1:
		t->strict = !t->strict;
		return 1;
	default:
		if (t->autoinc) {
			t->autoinc = 0;
			return 1;
		}
		if (!t->pk.on || t->pk.r.n != 1 || t->without_rowid)
			return 0;
		gcol *c = (gcol *)find_col(t, t->pk.r.c[0]);
		if (!c || (c->dom != DM_NUM && c->dom != DM_BOOL)) /* a key on a column dropped before repair */
			return 0;
		snprintf(c->type, NM, "INTEGER");
		t->autoinc = 1;
		return 1;
	}
}

/* A view: added, dropped, its columns, filter, kind, comment, indexes. */
static int m_view(gschema *s)
{
	if (!s->nv || one_in(3)) {
		if (s->nv >= NV)
			return 0;
		gen_view(s);
		return 1;
	}
	gview *v = &s->v[R(s->nv)];
	switch (R(s->pg ? 7 : 5)) {
	case 0:
		DEL(s->v, s->nv, (int)(v - s->v));
		return 1;
	case 1: {
		char cols[NC][NM];
		int n = rel_cols(s, v->src, cols);
		if (n && v->nc < NC)
			cpy(v->c[v->nc++], cols[R(n)]);
		for (int i = 0; i < v->nc; i++)
			for (int j = i + 1; j < v->nc; j++)
				if (is(v->c[i], v->c[j])) {
					DEL(v->c, v->nc, j);
					j--;
				}
		return 1;
	}
	case 2:
		if (v->nc < 2)
			return 0;
		DEL(v->c, v->nc, R(v->nc));
		return 1;
	case 3:
		if (*v->where)
			v->where[0] = '\0';
		else if (v->nc)
			cpy(v->where, v->c[R(v->nc)]);
		return 1;
	case 4:
		if (s->pg)
			v->mat = !v->mat;
		else
			v->ntg = 0;
		return 1;
	case 5:
		v->comment = (v->comment + 1 + R(3)) % 4;
		return 1;
	default:
		if (!v->mat)
			return 0;
		if (v->nix) {
			v->nix--;
			return 1;
		}
		gidx *x = &v->ix[v->nix++];
		memset(x, 0, sizeof(*x));
		fresh(s, "i", x->name);
		cpy(x->r.c[x->r.n++], v->c[R(v->nc)]);
		x->unique = one_in(3);
		return 1;
	}
}

/* A sequence: added, dropped, its options or owner. */
static int m_seq(gschema *s)
{
	if (!s->ns || one_in(4)) {
		if (s->ns >= NSQ)
			return 0;
		gen_seq(s);
		return 1;
	}
	gseq *q = &s->s[R(s->ns)];
	switch (R(6)) {
	case 0: DEL(s->s, s->ns, (int)(q - s->s)); return 1;
	case 1: q->as = (q->as + 1 + R(2)) % 3; return 1;
	case 2: q->inc = q->inc == 1 ? (R(2) ? -1 : 3) : 1; return 1;
	case 3: q->cache = q->cache == 1 ? 10 : 1; q->cycle = !q->cycle; return 1;
	case 4: q->start = R(2) ? 0 : 1 + R(90); return 1;
	default: {
		if (*q->otab) {
			q->otab[0] = q->ocol[0] = '\0';
			return 1;
		}
		const gtable *t = any_table(s);
		if (!t)
			return 0;
		cpy(q->otab, t->name);
		cpy(q->ocol, t->c[R(t->nc)].name);
		return 1;
	}
	}
}

/* An enum type: added, dropped, a label added, removed or moved, its comment. */
static int m_enum(gschema *s)
{
	if (!s->ne || one_in(5)) {
		if (s->ne >= NE)
			return 0;
		gen_enum(s);
		return 1;
	}
	genum *e = &s->e[R(s->ne)];
	switch (R(6)) {
	case 0:
		DEL(s->e, s->ne, (int)(e - s->e)); /* its columns become text (repair) */
		return 1;
	case 1:
	case 2: {
		if (e->nl >= NL)
			return 0;
		int at = R(3) ? e->nl : R(e->nl + 1);
		memmove(e->l[at + 1], e->l[at], (size_t)(e->nl - at) * NM);
		snprintf(e->l[at], NM, "x%d", ++s->next);
		e->nl++;
		return 1;
	}
	case 3:
		for (int i = 0; i < e->nl; i++)
			if (e->l[i][0] == 'x') {
				memmove(e->l[i], e->l[i + 1], (size_t)(e->nl - i - 1) * NM);
				e->nl--;
				return 1;
			}
		return 0;
	case 4: {
		int i = R(e->nl), j = R(e->nl);
		if (i == j)
			return 0;
		char tmp[NM];
		memcpy(tmp, e->l[i], NM);
		memcpy(e->l[i], e->l[j], NM);
		memcpy(e->l[j], tmp, NM);
		return 1;
	}
	default:
		e->comment = (e->comment + 1 + R(3)) % 4;
		return 1;
	}
}

/* A function: added, dropped, its body, comment, result or argument type. */
static int m_func(gschema *s)
{
	if (!s->nf || one_in(4)) {
		if (s->nf >= NF)
			return 0;
		gen_func(s, R(3) > 0);
		return 1;
	}
	gfunc *f = &s->f[R(s->nf)];
	switch (R(6)) {
	case 0: DEL(s->f, s->nf, (int)(f - s->f)); return 1;
	case 1: f->v = (f->v + 1) % 4; return 1;
	case 2: f->comment = (f->comment + 1 + R(3)) % 4; return 1;
	case 3: f->big = !f->big; return !f->trig;
	case 4: f->bigarg = !f->bigarg; return !f->trig;
	default: f->atomic = !f->atomic; return !f->trig;
	}
}

/*
 * PostgreSQL's table and column settings: row-level security ENABLE and
 * FORCE, a policy added, dropped or changed, a column's statistics
 * target, a named check's comment.
 */
static int m_security(gschema *s)
{
	gtable *t = any_table(s);
	if (!t)
		return 0;
	switch (R(5)) {
	case 0:
		t->rls = (t->rls + 1 + R(3)) % 4;
		return 1;
	case 1:
		if (t->npol >= NP)
			return 0;
		gen_policy(s, t, &t->pol[t->npol++]);
		return 1;
	case 2:
		if (!t->npol)
			return 0;
		if (R(2)) {
			DEL(t->pol, t->npol, R(t->npol));
		} else {
			gpol *p = &t->pol[R(t->npol)];
			p->v = (p->v + 1 + R(PV_N - 1)) % PV_N;
			if (p->v == PV_COL)
				cpy(p->col, t->c[R(t->nc)].name);
		}
		return 1;
	case 3: {
		gcol *c = &t->c[R(t->nc)];
		c->stat = c->stat ? (R(2) ? 0 : 100 * (1 + R(9))) : 100 * (1 + R(9));
		return 1;
	}
	default:
		for (int i = 0; i < t->nck; i++)
			if (t->ck[i].named) {
				t->ck[i].comment = (t->ck[i].comment + 1 + R(3)) % 4;
				return 1;
			}
		return 0;
	}
}

/* A domain: added, dropped (its columns change type), its check, default or comment. */
static int m_domain(gschema *s)
{
	if (!s->nd || one_in(4)) {
		if (s->nd >= ND)
			return 0;
		gen_domain(s);
		return 1;
	}
	gdom *d = &s->dm[R(s->nd)];
	switch (R(4)) {
	case 0: DEL(s->dm, s->nd, (int)(d - s->dm)); return 1;
	case 1: d->chk = (d->chk + 1 + R(2)) % 3; return 1;
	case 2: d->def = !d->def; return 1;
	default: d->comment = (d->comment + 1 + R(3)) % 4; return 1;
	}
}

/* One random change to s; 1 when something changed. */
int mutate(gschema *s)
{
	typedef int (*mut)(gschema *);
	static const mut common[] = { m_type, m_type, m_add_col, m_add_col, m_drop_col, m_move_col,
				      m_col_attr, m_col_attr, m_col_attr, m_pk, m_unique, m_check,
				      m_fk, m_fk, m_index, m_index, m_trigger, m_table, m_table,
				      m_table_attr, m_view, m_view };
	static const mut pg_only[] = { m_seq, m_enum, m_enum, m_func, m_security, m_security, m_domain,
				       mutate_kinds, mutate_kinds, mutate_kinds, mutate_kinds, mutate_kinds,
				       mutate_kinds, mutate_kinds, mutate_kinds };
	int n = (int)(sizeof(common) / sizeof(common[0]));
	int np = s->pg ? (int)(sizeof(pg_only) / sizeof(pg_only[0])) : 0;
	int i = R(n + np);
	return i < n ? common[i](s) : pg_only[i - n](s);
}
