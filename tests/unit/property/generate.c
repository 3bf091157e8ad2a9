/*
 * generate.c - random objects for the property test's schemas (columns,
 * keys, checks, foreign keys, indexes, triggers, tables, views, enum
 * types, sequences, functions), and the repairs that keep a schema and a
 * pair of schemas valid for the database after mutations.
 */
#include "property.h"

#include <ctype.h>

/* ------------------------------------------------------------------ */
/* Random objects                                                       */
/* ------------------------------------------------------------------ */

/* A new column for table t (generated from one of t's columns now and then). */
void gen_col(gschema *s, gtable *t, gcol *c)
{
	memset(c, 0, sizeof(*c));
	fresh(s, "c", c->name);
	c->dom = pick_dom(s);
	pick_type(s, c->dom, t->strict, c->type);
	gcol *src = pick_plain(t);
	if (src && (src->dom == DM_NUM || src->dom == DM_TEXT) && one_in(6)) {
		c->gen = 1;
		cpy(c->gsrc, src->name);
		c->gop = R(s->pg ? 3 : 2);
		c->gstored = s->pg || R(2);
		gen_type(s, c, src->dom);
		if (t->strict)
			pick_type(s, c->dom, 1, c->type);
		return;
	}
	c->notnull = one_in(3);
	switch (R(6)) {
	case 0: case 1: c->def = DEF_CONST; break;
	case 2: c->def = DEF_EXPR; break;
	case 3: c->def = s->ns && s->pg ? DEF_SEQ : DEF_NONE; break;
	default: c->def = DEF_NONE;
	}
	c->defv = c->def == DEF_SEQ ? s->s[R(s->ns)].num : R(3);
	for (int i = 0; s->pg && i < s->nf && c->def != DEF_SEQ; i++)
		if (!s->f[i].trig && one_in(3)) {
			c->def = DEF_FUNC;
			c->defv = s->f[i].num;
		}
	if (s->pg && c->dom == DM_NUM && one_in(8)) {
		static const char *const it[] = { "integer", "bigint", "smallint" };
		cpy(c->type, it[R(3)]);
		c->ident = R(2) ? 'a' : 'd';
		c->istart = R(3) ? 1 : 1 + R(50);
		c->iinc = R(3) ? 1 : 1 + R(5);
		c->notnull = 1;
		c->def = DEF_NONE;
	}
	if (collatable(s, c) && one_in(5))
		c->coll = 1 + R(3);
	if (s->pg && one_in(6))
		c->comment = 1 + R(3);
	if (s->pg && one_in(8))
		c->stat = 100 * (1 + R(9));
	if (s->pg && c->dom == DM_TEXT && s->nd && one_in(3))
		cpy(c->type, s->dm[R(s->nd)].name);
}

/* A key (primary or unique) on t's plain columns. */
void gen_key(gschema *s, gtable *t, gkey *k, int max)
{
	memset(k, 0, sizeof(*k));
	pick_cols(t, max, &k->r);
	k->on = k->r.n > 0;
	k->named = one_in(3);
	fresh(s, "k", k->name);
	k->inl = k->r.n == 1 && R(2);
	if (s->pg) {
		k->defer = one_in(6) ? 1 + R(2) : 0;
		k->nnd = one_in(6);
	} else {
		k->conflict = one_in(6) ? 1 + R(5) : 0;
	}
}

/* A check on one of t's columns, named or not, at the column or not. */
void gen_check(gschema *s, gtable *t, gcheck *k)
{
	memset(k, 0, sizeof(*k));
	const gcol *c = &t->c[R(t->nc)];
	cpy(k->col, c->name);
	k->named = R(2);
	fresh(s, "k", k->name);
	k->v = R(4);
	k->inl = R(2);
	k->novalid = s->pg && one_in(8);
	if (one_in(4)) {
		cpy(k->col2, t->c[R(t->nc)].name);
		k->inl = 0;
	}
	k->comment = s->pg && k->named && one_in(4) ? 1 + R(3) : 0;
}

/* See property.h. */
void gen_policy(gschema *s, gtable *t, gpol *p)
{
	memset(p, 0, sizeof(*p));
	fresh(s, "p", p->name);
	p->v = R(PV_N);
	if (p->v == PV_COL)
		cpy(p->col, t->c[R(t->nc)].name);
}

/*
 * A foreign key from t to a table of lower id (or t itself) that has a
 * primary key or unique constraint; its columns are new columns of t
 * with the referenced columns' types (0 when there is no room or no such
 * parent).
 */
int gen_fk(gschema *s, gtable *t, gfk *f)
{
	int cand[NT], n = 0;
	for (int i = 0; i < s->nt; i++)
		if (s->t[i].id <= t->id && (s->t[i].pk.on || s->t[i].nuq))
			cand[n++] = i;
	if (!n)
		return 0;
	gtable *p = &s->t[cand[R(n)]];
	const gkey *k = p->pk.on && (!p->nuq || R(2)) ? &p->pk : &p->uq[R(p->nuq)];
	if (!k->on || k->defer || t->nc + k->r.n > NC)
		return 0;
	char types[NR][NM];
	for (int i = 0; i < k->r.n; i++) {
		const gcol *pc = find_col(p, k->r.c[i]);
		if (!plain(pc))
			return 0; /* a mutation took the column away; repair() drops the key */
		if (!fk_type(s, pc->dom, t->strict, pc->type, types[i]))
			return 0;
	}
	memset(f, 0, sizeof(*f));
	cpy(f->parent, p->name);
	f->pr = k->r;
	f->r.n = k->r.n;
	for (int i = 0; i < k->r.n; i++) {
		const gcol *pc = find_col(p, k->r.c[i]);
		gcol *c = &t->c[t->nc++];
		memset(c, 0, sizeof(*c));
		fresh(s, "c", c->name);
		c->dom = pc->dom;
		cpy(c->type, types[i]);
		c->notnull = one_in(4);
		cpy(f->r.c[i], c->name);
	}
	f->named = R(2);
	fresh(s, "k", f->name);
	f->ondel = R(4) ? 0 : 1 + R(5);
	f->onupd = R(4) ? 0 : 1 + R(5);
	f->defer = R(3) ? 0 : 1 + R(3);
	f->full = f->r.n > 1 && one_in(3);
	f->inl = f->r.n == 1 && R(2);
	f->novalid = s->pg && one_in(8);
	return 1;
}

/* An index on up to NR of t's columns, with any of the options an index may have. */
void gen_index(gschema *s, gtable *t, gidx *x)
{
	memset(x, 0, sizeof(*x));
	fresh(s, "i", x->name);
	pick_cols(t, NR, &x->r);
	if (!x->r.n)
		cpy(x->r.c[x->r.n++], t->c[0].name);
	for (int i = 0; i < x->r.n; i++)
		x->desc[i] = one_in(3);
	x->expr = one_in(4) ? 1 + R(s->pg ? 2 : 1) : 0; /* PostgreSQL: 2 calls a function */
	x->unique = one_in(3);
	if (one_in(4))
		cpy(x->where, t->c[R(t->nc)].name);
	if (s->pg) {
		x->method = one_in(5) ? IM_HASH : one_in(3) ? IM_GIN : IM_BTREE;
		if (one_in(4))
			cpy(x->incl, t->c[R(t->nc)].name);
		x->comment = one_in(5) ? 1 + R(3) : 0;
	}
}

/* A trigger on table t (PostgreSQL: needs a trigger function). */
int gen_trigger(gschema *s, gtable *t, gtrg *g)
{
	memset(g, 0, sizeof(*g));
	fresh(s, "g", g->name);
	g->before = R(2);
	g->v = R(3);
	if (s->pg) {
		int fn[NF], n = 0;
		for (int i = 0; i < s->nf; i++)
			if (s->f[i].trig)
				fn[n++] = s->f[i].num;
		if (!n)
			return 0;
		g->func = fn[R(n)];
		g->row = R(3) > 0;
		do
			g->ev = R(g->row ? 8 : 16);
		while (!g->ev);
	} else {
		static const int ev[] = { EV_INSERT, EV_UPDATE, EV_DELETE };
		g->ev = ev[R(3)];
		g->row = 1;
		if (R(2)) {
			const gtable *o = &s->t[R(s->nt)];
			const gcol *oc = &o->c[R(o->nc)];
			cpy(g->ttab, o->name);
			cpy(g->tcol, oc->name);
		}
	}
	if ((g->ev & EV_UPDATE) && one_in(3))
		cpy(g->ofcol, t->c[R(t->nc)].name);
	if (g->row && !(g->ev & (EV_DELETE | EV_TRUNCATE)) && one_in(3))
		cpy(g->whencol, t->c[R(t->nc)].name);
	return 1;
}

/* A new table, appended to s. */
gtable *gen_table(gschema *s)
{
	gtable *t = &s->t[s->nt];
	memset(t, 0, sizeof(*t));
	fresh(s, "t", t->name);
	t->id = s->next;
	if (!s->pg)
		t->strict = one_in(6);
	s->nt++;
	int n = 1 + R(5);
	while (t->nc < n)
		gen_col(s, t, &t->c[t->nc++]);
	if (R(5))
		gen_key(s, t, &t->pk, 2);
	if (one_in(3))
		gen_key(s, t, &t->uq[t->nuq++], 2);
	if (one_in(5))
		gen_key(s, t, &t->uq[t->nuq++], 1);
	for (int i = R(3); i > 0; i--)
		gen_check(s, t, &t->ck[t->nck++]);
	if (R(2) && gen_fk(s, t, &t->fk[t->nfk]))
		t->nfk++;
	if (one_in(5) && gen_fk(s, t, &t->fk[t->nfk]))
		t->nfk++;
	for (int i = R(3); i > 0; i--)
		gen_index(s, t, &t->ix[t->nix++]);
	if (one_in(3) && gen_trigger(s, t, &t->tg[t->ntg]))
		t->ntg++;
	if (s->pg) {
		t->comment = one_in(4) ? 1 + R(3) : 0;
		t->fillfactor = one_in(6) ? 50 + 10 * R(5) : 0;
		t->rls = one_in(4) ? 1 + R(3) : 0;
		for (int i = one_in(3) ? 1 + R(NP) : 0; i > 0; i--)
			gen_policy(s, t, &t->pol[t->npol++]);
	} else {
		t->without_rowid = t->pk.on && one_in(5);
		if (t->pk.on && t->pk.r.n == 1 && !t->without_rowid && one_in(4)) {
			gcol *c = (gcol *)find_col(t, t->pk.r.c[0]);
			if (c->dom == DM_NUM || c->dom == DM_BOOL) {
				snprintf(c->type, NM, "INTEGER");
				t->autoinc = 1;
			}
		}
	}
	return t;
}

/* A view of a table or of an earlier view. */
void gen_view(gschema *s)
{
	gview *v = &s->v[s->nv];
	memset(v, 0, sizeof(*v));
	int nsrc = s->nt + s->nv;
	if (!nsrc)
		return;
	int pick = R(nsrc);
	const char *src = pick < s->nt ? s->t[pick].name : s->v[pick - s->nt].name;
	char cols[NC][NM];
	int n = rel_cols(s, src, cols);
	if (!n)
		return;
	fresh(s, "v", v->name);
	v->id = s->next;
	cpy(v->src, src);
	for (int i = 0; i < n; i++)
		if (R(3) || (i == n - 1 && !v->nc))
			cpy(v->c[v->nc++], cols[i]);
	if (one_in(3))
		cpy(v->where, cols[R(n)]);
	if (s->pg) {
		v->mat = one_in(4);
		v->comment = one_in(4) ? 1 + R(3) : 0;
		if (v->mat && R(2)) {
			gidx *x = &v->ix[v->nix++];
			memset(x, 0, sizeof(*x));
			fresh(s, "i", x->name);
			cpy(x->r.c[x->r.n++], v->c[R(v->nc)]);
			x->comment = one_in(4);
		}
	} else if (one_in(5)) {
		gtrg *g = &v->tg[v->ntg++];
		memset(g, 0, sizeof(*g));
		fresh(s, "g", g->name);
		g->ev = EV_INSERT;
		g->row = 1;
		g->v = R(3);
		if (R(2)) {
			const gtable *o = &s->t[R(s->nt)];
			cpy(g->ttab, o->name);
			cpy(g->tcol, o->c[R(o->nc)].name);
		}
	}
	s->nv++;
}

/* An enum type: a0 and a1 (the values rows hold) and a few extra labels anywhere. */
void gen_enum(gschema *s)
{
	genum *e = &s->e[s->ne++];
	memset(e, 0, sizeof(*e));
	fresh(s, "e", e->name);
	snprintf(e->l[e->nl++], NM, "a0");
	snprintf(e->l[e->nl++], NM, "a1");
	for (int i = R(3); i > 0; i--) {
		int at = R(e->nl + 1);
		memmove(e->l[at + 1], e->l[at], (size_t)(e->nl - at) * NM);
		snprintf(e->l[at], NM, "x%d", ++s->next);
		e->nl++;
	}
	e->comment = one_in(4) ? 1 + R(3) : 0;
}

/* See property.h. */
void gen_domain(gschema *s)
{
	gdom *d = &s->dm[s->nd++];
	memset(d, 0, sizeof(*d));
	snprintf(d->name, NM, "dtext%d", ++s->next);
	d->chk = R(3);
	d->def = R(2);
	d->comment = one_in(3) ? 1 + R(3) : 0;
}

/* A sequence: its type, increment (descending too), start, cache, cycle. */
void gen_seq(gschema *s)
{
	gseq *q = &s->s[s->ns++];
	memset(q, 0, sizeof(*q));
	fresh(s, "s", q->name);
	q->num = s->next;
	q->as = R(3);
	q->inc = R(3) ? 1 : one_in(2) ? -1 : 2 + R(3);
	q->start = R(2) ? 0 : 1 + R(90);
	q->cache = R(3) ? 1 : 1 + R(20);
	q->cycle = one_in(5);
}

/* A function: a trigger function (plpgsql) or a scalar SQL one, x + v. */
void gen_func(gschema *s, int trig)
{
	gfunc *f = &s->f[s->nf++];
	memset(f, 0, sizeof(*f));
	fresh(s, "f", f->name);
	f->num = s->next;
	f->trig = trig;
	f->v = R(4);
	f->big = one_in(3);
	f->bigarg = one_in(4);
	f->atomic = one_in(3);
	f->comment = one_in(4) ? 1 + R(3) : 0;
}

/* Schema A: a few of everything. */
void gen_schema(gschema *s, int pg)
{
	memset(s, 0, sizeof(*s));
	s->pg = pg;
	if (pg) {
		for (int i = R(3); i > 0; i--)
			gen_enum(s);
		for (int i = R(ND + 1); i > 0; i--)
			gen_domain(s);
		for (int i = R(3); i > 0; i--)
			gen_seq(s);
		for (int i = R(3); i > 0; i--)
			gen_func(s, 1);
		if (R(2))
			gen_func(s, 0);
	}
	for (int i = 2 + R(3); i > 0; i--)
		gen_table(s);
	for (int i = R(4); i > 0; i--)
		gen_view(s);
	if (pg) {
		gen_kinds(s);
		gen_kinds_late(s);
	}
	if (pg)
		for (int i = 0; i < s->ns; i++)
			if (one_in(3)) {
				const gtable *t = &s->t[R(s->nt)];
				cpy(s->s[i].otab, t->name);
				cpy(s->s[i].ocol, t->c[R(t->nc)].name);
			}
}

/* ------------------------------------------------------------------ */
/* Keeping a schema valid                                               */
/* ------------------------------------------------------------------ */

/* Do all of r's columns exist in t as plain columns? */
static int ref_plain(const gtable *t, const gref *r)
{
	for (int i = 0; i < r->n; i++)
		if (!plain(find_col(t, r->c[i])))
			return 0;
	return r->n > 0;
}

/*
 * Is r exactly the primary key or a unique constraint of t, one a foreign
 * key may reference (PostgreSQL: not deferrable)?
 */
static int is_key_of(const gtable *t, const gref *r)
{
	if (t->pk.on && !t->pk.defer && ref_eq(&t->pk.r, r))
		return 1;
	for (int i = 0; i < t->nuq; i++)
		if (!t->uq[i].defer && ref_eq(&t->uq[i].r, r))
			return 1;
	return 0;
}

/* Clear name unless it is a column of t. */
static int keep_col(const gtable *t, char *name)
{
	if (!*name || find_col(t, name))
		return 0;
	*name = '\0';
	return 1;
}

/* Columns: what each kind of column needs (types, identity, defaults). */
static int repair_columns(gschema *s, gtable *t)
{
	int changed = 0;
	for (int i = 0; i < t->nc; i++) {
		gcol *c = &t->c[i];
		if (c->gen) {
			const gcol *src = find_col(t, c->gsrc);
			if (!plain(src) || (src->dom != DM_NUM && src->dom != DM_TEXT)) {
				DEL(t->c, t->nc, i);
				return 1;
			}
			c->ident = 0;
			c->def = DEF_NONE;
			c->notnull = 0;
			/*
			 * PostgreSQL adds columns at the end only: a generated
			 * column declared before the column it reads cannot be
			 * reached when both must be added, and the diff says so
			 * (check_generated_order).  Keep it after its source.
			 */
			int at = col_index(t, c->gsrc);
			if (s->pg && at > i) {
				gcol g = *c;
				DEL(t->c, t->nc, i);
				memmove(&t->c[at + 1], &t->c[at], (size_t)(t->nc - at) * sizeof(gcol));
				t->c[at] = g;
				t->nc++;
				return 1;
			}
		}
		if (!type_ok(s, c->dom, c->type, t->strict)) {
			if (c->gen && s->pg)
				gen_type(s, c, c->dom);
			else
				pick_type(s, c->dom, t->strict, c->type);
			if (c->dom == DM_ENUM && !type_ok(s, c->dom, c->type, t->strict))
				snprintf(c->type, NM, "text");
			changed = 1;
		}
		if (c->ident && !pg_intish(c->type))
			c->ident = 0;
		if (c->ident) {
			c->notnull = 1;
			c->def = DEF_NONE;
		}
		if (c->def == DEF_SEQ && !find_seq(s, c->defv))
			c->def = DEF_CONST;
		if (c->def == DEF_FUNC && (!find_func(s, c->defv) || find_func(s, c->defv)->trig))
			c->def = DEF_CONST;
		if (c->coll && !collatable(s, c))
			c->coll = 0;
	}
	return changed;
}

/* Keys, checks, foreign keys, indexes and triggers on what exists. */
static int repair_constraints(gschema *s, gtable *t)
{
	int changed = 0;
	if (t->pk.on && !ref_plain(t, &t->pk.r)) {
		t->pk.on = 0;
		changed = 1;
	}
	for (int i = t->nuq - 1; i >= 0; i--)
		if (!ref_plain(t, &t->uq[i].r)) {
			DEL(t->uq, t->nuq, i);
			changed = 1;
		}
	for (int i = t->nck - 1; i >= 0; i--) {
		if (!find_col(t, t->ck[i].col)) {
			DEL(t->ck, t->nck, i);
			changed = 1;
			continue;
		}
		changed |= keep_col(t, t->ck[i].col2);
	}
	for (int i = t->nfk - 1; i >= 0; i--) {
		gfk *f = &t->fk[i];
		const gtable *p = find_ctable(s, f->parent);
		int ok = p && p->id <= t->id && ref_plain(t, &f->r) && is_key_of(p, &f->pr);
		for (int j = 0; ok && j < f->r.n; j++) {
			const gcol *c = find_col(t, f->r.c[j]), *pc = find_col(p, f->pr.c[j]);
			ok = c->dom == pc->dom && fk_types_ok(s, c->type, pc->type);
		}
		if (!ok) {
			DEL(t->fk, t->nfk, i);
			changed = 1;
		}
	}
	for (int i = t->nix - 1; i >= 0; i--) {
		gidx *x = &t->ix[i];
		int ok = 1;
		for (int j = 0; j < x->r.n; j++)
			ok = ok && find_col(t, x->r.c[j]);
		if (!ok) {
			DEL(t->ix, t->nix, i);
			changed = 1;
			continue;
		}
		changed |= keep_col(t, x->where);
		changed |= keep_col(t, x->incl);
		if (*x->incl && ref_has(&x->r, x->incl))
			x->incl[0] = '\0';
	}
	for (int i = t->ntg - 1; i >= 0; i--) {
		gtrg *g = &t->tg[i];
		if (s->pg && !find_func(s, g->func)) {
			DEL(t->tg, t->ntg, i);
			changed = 1;
			continue;
		}
		changed |= keep_col(t, g->ofcol);
		changed |= keep_col(t, g->whencol);
		/* PostgreSQL: a BEFORE trigger's WHEN may not read NEW generated columns */
		if (s->pg && g->before && *g->whencol && !plain(find_col(t, g->whencol))) {
			g->whencol[0] = '\0';
			changed = 1;
		}
		const gtable *o = *g->ttab ? find_ctable(s, g->ttab) : NULL;
		if (*g->ttab && (!o || !plain(find_col(o, g->tcol)))) {
			g->ttab[0] = g->tcol[0] = '\0';
			changed = 1;
		}
	}
	return changed;
}

/*
 * SQLite table kinds: WITHOUT ROWID needs a key, AUTOINCREMENT an INTEGER
 * PRIMARY KEY; two keys on the same columns may not have different ON
 * CONFLICT clauses (SQLite makes them one index).
 */
static void repair_kind(gtable *t)
{
	for (int i = 0; i < t->nuq; i++) {
		int same = t->pk.on && ref_eq(&t->pk.r, &t->uq[i].r);
		for (int j = 0; j < i && !same; j++)
			same = ref_eq(&t->uq[j].r, &t->uq[i].r);
		if (same)
			t->uq[i].conflict = 0;
	}
	if (!t->pk.on)
		t->without_rowid = 0;
	if (t->autoinc) {
		const gcol *c = t->pk.on && t->pk.r.n == 1 ? find_col(t, t->pk.r.c[0]) : NULL;
		if (!c || !is(c->type, "INTEGER") || t->without_rowid)
			t->autoinc = 0;
		else
			t->pk.inl = 1;
	}
}

/* Views: of what exists, with columns their source has. */
static int repair_views(gschema *s)
{
	for (int i = 0; i < s->nv; i++) {
		gview *v = &s->v[i];
		const gtable *t = find_ctable(s, v->src);
		const gview *w = t ? NULL : find_view(s, v->src);
		if ((!t && !w) || (w && w->id >= v->id)) {
			DEL(s->v, s->nv, i);
			return 1;
		}
		char cols[NC][NM];
		int n = rel_cols(s, v->src, cols), kept = 0;
		for (int j = 0; j < v->nc; j++) {
			int found = 0;
			for (int k = 0; k < n && !found; k++)
				found = is(cols[k], v->c[j]);
			if (found)
				memmove(v->c[kept++], v->c[j], NM);
		}
		int changed = kept != v->nc;
		v->nc = kept;
		if (!kept) {
			DEL(s->v, s->nv, i);
			return 1;
		}
		int where_ok = !*v->where;
		for (int k = 0; k < n && !where_ok; k++)
			where_ok = is(cols[k], v->where);
		if (!where_ok)
			v->where[0] = '\0';
		if (!v->mat)
			v->nix = 0;
		for (int j = v->nix - 1; j >= 0; j--) {
			int found = 0;
			for (int k = 0; k < v->nc && !found; k++)
				found = is(v->c[k], v->ix[j].r.c[0]);
			if (!found)
				DEL(v->ix, v->nix, j);
		}
		for (int j = 0; j < v->ntg; j++) {
			gtrg *g = &v->tg[j];
			const gtable *o = *g->ttab ? find_ctable(s, g->ttab) : NULL;
			if (*g->ttab && (!o || !plain(find_col(o, g->tcol))))
				g->ttab[0] = g->tcol[0] = '\0';
		}
		if (changed)
			return 1;
	}
	return 0;
}

/* Make s a schema the database accepts after mutations removed things. */
void repair(gschema *s)
{
	for (int pass = 0; pass < 50; pass++) {
		int changed = 0;
		for (int i = 0; i < s->nt; i++) {
			gtable *t = &s->t[i];
			int plains = 0;
			for (int j = 0; j < t->nc; j++)
				plains += plain(&t->c[j]);
			if (!plains) {
				DEL(s->t, s->nt, i);
				changed = 1;
				break;
			}
			changed |= repair_columns(s, t);
			changed |= repair_constraints(s, t);
			repair_kind(t);
		}
		changed |= repair_views(s);
		changed |= repair_kinds(s);
		for (int i = 0; i < s->nt; i++)
			for (int j = 0; j < s->t[i].npol; j++)
				if (s->t[i].pol[j].v == PV_COL && !find_col(&s->t[i], s->t[i].pol[j].col)) {
					DEL(s->t[i].pol, s->t[i].npol, j);
					changed = 1;
					break;
				}
		for (int i = 0; i < s->ns; i++) {
			gseq *q = &s->s[i];
			const gtable *t = *q->otab ? find_ctable(s, q->otab) : NULL;
			if (*q->otab && (!t || !find_col(t, q->ocol)))
				q->otab[0] = q->ocol[0] = '\0';
		}
		if (!changed)
			return;
	}
}

/*
 * Does column name of table t keep its rows' values from a to b: plain on
 * both sides (values the generator wrote, converted by type changes)?
 */
static int kept(const gschema *a, const gschema *b, const char *table, const char *name)
{
	const gtable *ta = find_ctable(a, table), *tb = find_ctable(b, table);
	if (!ta || !tb)
		return 0;
	const gcol *x = find_col(ta, name), *y = find_col(tb, name);
	return plain(x) && plain(y);
}

/* Are all of r's columns kept (see kept())? */
static int ref_kept(const gschema *a, const gschema *b, const char *table, const gref *r)
{
	for (int i = 0; i < r->n; i++)
		if (!kept(a, b, table, r->c[i]))
			return 0;
	return 1;
}

/*
 * Do the columns of foreign key f (of table t) pair up on the other side
 * o as a foreign key's would (same type; SQLite: same affinity)?  The
 * rows pass through o's types: through REAL a 0 comes back as '0.0'.
 */
static int fk_types_kept(const gschema *o, const char *table, const gfk *f)
{
	const gtable *t = find_ctable(o, table), *p = find_ctable(o, f->parent);
	for (int i = 0; i < f->r.n; i++) {
		const gcol *c = t ? find_col(t, f->r.c[i]) : NULL, *pc = p ? find_col(p, f->pr.c[i]) : NULL;
		if (!c || !pc || !fk_types_ok(o, c->type, pc->type))
			return 0;
	}
	return 1;
}

/* Are all of r's columns new to this side (not in other), nullable and without a default? */
static int ref_null(const gtable *t, const gtable *other, const gref *r)
{
	for (int i = 0; i < r->n; i++) {
		const gcol *c = find_col(t, r->c[i]);
		if (find_col(other, r->c[i]) || c->def || c->ident || c->notnull)
			return 0;
	}
	return 1;
}

/*
 * Keep the rows valid on side s of the pair (o is the other side): the
 * tables both have hold A's two rows.  Unique keys only on columns
 * whose values are kept (a column added with a default has the same
 * value twice); foreign keys whose rows find their parents; a column
 * that one side adds to a table with rows is nullable or has a default.
 */
static int fix_side(gschema *s, const gschema *o, const gschema *a, const gschema *b)
{
	int changed = 0;
	for (int i = 0; i < s->nt; i++) {
		gtable *t = &s->t[i];
		const gtable *ot = find_ctable(o, t->name);
		if (!ot)
			continue;
		if (t->pk.on && !ref_kept(a, b, t->name, &t->pk.r)) {
			t->pk.on = 0;
			changed = 1;
		}
		for (int j = t->nuq - 1; j >= 0; j--)
			if (!ref_kept(a, b, t->name, &t->uq[j].r)) {
				DEL(t->uq, t->nuq, j);
				changed = 1;
			}
		for (int j = t->nix - 1; j >= 0; j--)
			if (t->ix[j].unique && !ref_kept(a, b, t->name, &t->ix[j].r)) {
				t->ix[j].unique = 0;
				changed = 1;
			}
		for (int j = t->nfk - 1; j >= 0; j--) {
			const gfk *f = &t->fk[j];
			int ok = (ref_kept(a, b, t->name, &f->r) && find_ctable(o, f->parent) &&
				  ref_kept(a, b, f->parent, &f->pr) && fk_types_kept(o, t->name, f)) ||
				 ref_null(t, ot, &f->r);
			if (!ok) {
				DEL(t->fk, t->nfk, j);
				changed = 1;
			}
		}
		for (int j = 0; j < t->nc; j++) {
			gcol *c = &t->c[j];
			const gcol *oc = find_col(ot, c->name);
			if (plain(c) && !c->ident && !kept(a, b, t->name, c->name) && c->notnull &&
			    c->def == DEF_NONE) {
				c->def = DEF_CONST;
				changed = 1;
			}
			/*
			 * SQLite: a generated column becoming plain keeps its
			 * values; a STRICT table takes them only in their own
			 * type (a REAL 2.0 does not go into an INTEGER column).
			 */
			if (!s->pg && t->strict && plain(c) && oc && oc->gen && !is(c->type, oc->type) &&
			    type_ok(s, c->dom, oc->type, 1)) {
				cpy(c->type, oc->type);
				changed = 1;
			}
		}
	}
	return changed;
}

/* Both sides valid, and valid for the rows A holds; until nothing changes. */
void pair_fix(gschema *a, gschema *b)
{
	for (int pass = 0; pass < 50; pass++) {
		repair(a);
		repair(b);
		int changed = fix_side(a, b, a, b);
		changed |= fix_side(b, a, a, b);
		if (!changed)
			return;
	}
}
