/*
 * sql.c - a generated schema written as the SQL script that creates it,
 * in an order the database accepts, and the two rows of every table.
 */
#include "property.h"

#include <ctype.h>

static const char *const pg_colls[] = { NULL, "C", "POSIX", "und-x-icu" };
static const char *const sq_colls[] = { NULL, "NOCASE", "RTRIM", "BINARY" };
static const char *const fk_actions[] = { NULL, "CASCADE", "SET NULL", "SET DEFAULT", "RESTRICT",
					  "NO ACTION" };
static const char *const sq_conflicts[] = { NULL, "ROLLBACK", "ABORT", "FAIL", "IGNORE", "REPLACE" };
/* ------------------------------------------------------------------ */
/* Writing a schema as SQL                                              */
/* ------------------------------------------------------------------ */

static void ref_sql(strbuf *sb, const gref *r)
{
	rt_strbuf_adds(sb, "(");
	for (int i = 0; i < r->n; i++) {
		if (i)
			rt_strbuf_adds(sb, ", ");
		Q(sb, r->c[i]);
	}
	rt_strbuf_adds(sb, ")");
}

/* Comment variant v as a literal (quotes inside, to be quoted right). */
static void comment_text(strbuf *sb, int v)
{
	static const char *const text[] = { "", "'a comment'", "'it''s another'", "'third, with \"quotes\"'" };
	rt_strbuf_adds(sb, text[v & 3]);
}

/* PostgreSQL: NULLS NOT DISTINCT of a unique constraint, before its columns. */
static void key_tail(strbuf *sb, const gkey *k)
{
	if (k->nnd)
		rt_strbuf_adds(sb, " NULLS NOT DISTINCT");
}

/* PRIMARY KEY or UNIQUE with its options, after the column list (or at the column). */
static void key_opts(strbuf *sb, const gschema *s, const gkey *k)
{
	if (!s->pg && k->conflict)
		rt_strbuf_addf(sb, " ON CONFLICT %s", sq_conflicts[k->conflict]);
	if (s->pg && k->defer)
		rt_strbuf_adds(sb, k->defer == 2 ? " DEFERRABLE INITIALLY DEFERRED" : " DEFERRABLE");
}

/* CONSTRAINT name, for a named constraint. */
static void named(strbuf *sb, int isnamed, const char *name)
{
	if (!isnamed)
		return;
	rt_strbuf_adds(sb, "CONSTRAINT ");
	Q(sb, name);
	rt_strbuf_adds(sb, " ");
}

/* A foreign key from REFERENCES on (FOREIGN KEY (...) first unless at the column). */
static void fk_body(strbuf *sb, const gfk *f, int inl)
{
	if (!inl) {
		rt_strbuf_adds(sb, "FOREIGN KEY ");
		ref_sql(sb, &f->r);
		rt_strbuf_adds(sb, " ");
	}
	rt_strbuf_adds(sb, "REFERENCES ");
	Q(sb, f->parent);
	rt_strbuf_adds(sb, " ");
	ref_sql(sb, &f->pr);
	if (f->full)
		rt_strbuf_adds(sb, " MATCH FULL");
	if (f->ondel)
		rt_strbuf_addf(sb, " ON DELETE %s", fk_actions[f->ondel]);
	if (f->onupd)
		rt_strbuf_addf(sb, " ON UPDATE %s", fk_actions[f->onupd]);
	static const char *const defer[] = { "", " DEFERRABLE", " DEFERRABLE INITIALLY DEFERRED",
					     " NOT DEFERRABLE" };
	rt_strbuf_adds(sb, defer[f->defer]);
}

/* CHECK (expression) of check k of table t. */
static void check_body(strbuf *sb, const gschema *s, const gtable *t, const gcheck *k)
{
	rt_strbuf_adds(sb, "CHECK (");
	if (*k->col2)
		rt_strbuf_adds(sb, "(");
	check_sql(sb, s, find_col(t, k->col), k->v);
	if (*k->col2)
		rt_strbuf_addf(sb, ") OR \"%s\" IS NULL", k->col2);
	rt_strbuf_adds(sb, ")");
}

/* One column definition with what is written at it. */
static void column_sql(strbuf *sb, const gschema *s, const gtable *t, const gcol *c)
{
	Q(sb, c->name);
	if (s->pg && find_enum(s, c->type)) {
		rt_strbuf_adds(sb, " ");
		Q(sb, c->type);
	} else if (*c->type) {
		rt_strbuf_addf(sb, " %s", c->type);
	}
	if (c->coll)
		rt_strbuf_addf(sb, s->pg ? " COLLATE \"%s\"" : " COLLATE %s",
			    s->pg ? pg_colls[c->coll] : sq_colls[c->coll]);
	if (c->gen) {
		rt_strbuf_adds(sb, " GENERATED ALWAYS AS (");
		gen_sql(sb, s, t, c);
		rt_strbuf_adds(sb, c->gstored ? ") STORED" : ") VIRTUAL");
	}
	if (c->ident) {
		rt_strbuf_addf(sb, " GENERATED %s AS IDENTITY", c->ident == 'a' ? "ALWAYS" : "BY DEFAULT");
		if (c->istart != 1 || c->iinc != 1)
			rt_strbuf_addf(sb, " (START WITH %d INCREMENT BY %d)", c->istart, c->iinc);
	}
	if (c->notnull)
		rt_strbuf_adds(sb, " NOT NULL");
	if (c->def) {
		rt_strbuf_adds(sb, " DEFAULT ");
		default_sql(sb, s, c);
	}
	if (t->pk.on && t->pk.inl && t->pk.r.n == 1 && is(t->pk.r.c[0], c->name)) {
		rt_strbuf_adds(sb, " ");
		named(sb, t->pk.named, t->pk.name);
		rt_strbuf_adds(sb, "PRIMARY KEY");
		key_opts(sb, s, &t->pk);
		if (t->autoinc)
			rt_strbuf_adds(sb, " AUTOINCREMENT");
	}
	for (int i = 0; i < t->nuq; i++)
		if (t->uq[i].inl && t->uq[i].r.n == 1 && is(t->uq[i].r.c[0], c->name)) {
			rt_strbuf_adds(sb, " ");
			named(sb, t->uq[i].named, t->uq[i].name);
			rt_strbuf_adds(sb, "UNIQUE");
			key_tail(sb, &t->uq[i]);
			key_opts(sb, s, &t->uq[i]);
		}
	for (int i = 0; i < t->nck; i++)
		if (t->ck[i].inl && !*t->ck[i].col2 && !t->ck[i].novalid && is(t->ck[i].col, c->name)) {
			rt_strbuf_adds(sb, " ");
			named(sb, t->ck[i].named, t->ck[i].name);
			check_body(sb, s, t, &t->ck[i]);
		}
	for (int i = 0; i < t->nfk; i++)
		if (t->fk[i].inl && !t->fk[i].novalid && t->fk[i].r.n == 1 && is(t->fk[i].r.c[0], c->name)) {
			rt_strbuf_adds(sb, " ");
			named(sb, t->fk[i].named, t->fk[i].name);
			fk_body(sb, &t->fk[i], 1);
		}
}

/* CREATE TABLE with columns, keys, checks and the foreign keys written in it. */
static void create_table_sql(strbuf *sb, const gschema *s, const gtable *t)
{
	rt_strbuf_adds(sb, "CREATE TABLE ");
	Q(sb, t->name);
	rt_strbuf_adds(sb, " (");
	for (int i = 0; i < t->nc; i++) {
		rt_strbuf_adds(sb, i ? ",\n  " : "\n  ");
		column_sql(sb, s, t, &t->c[i]);
	}
	if (t->pk.on && !(t->pk.inl && t->pk.r.n == 1)) {
		rt_strbuf_adds(sb, ",\n  ");
		named(sb, t->pk.named, t->pk.name);
		rt_strbuf_adds(sb, "PRIMARY KEY ");
		ref_sql(sb, &t->pk.r);
		key_opts(sb, s, &t->pk);
	}
	for (int i = 0; i < t->nuq; i++)
		if (!(t->uq[i].inl && t->uq[i].r.n == 1)) {
			rt_strbuf_adds(sb, ",\n  ");
			named(sb, t->uq[i].named, t->uq[i].name);
			rt_strbuf_adds(sb, "UNIQUE");
			key_tail(sb, &t->uq[i]);
			rt_strbuf_adds(sb, " ");
			ref_sql(sb, &t->uq[i].r);
			key_opts(sb, s, &t->uq[i]);
		}
	for (int i = 0; i < t->nck; i++)
		if ((!t->ck[i].inl || *t->ck[i].col2) && !t->ck[i].novalid) {
			rt_strbuf_adds(sb, ",\n  ");
			named(sb, t->ck[i].named, t->ck[i].name);
			check_body(sb, s, t, &t->ck[i]);
		}
	for (int i = 0; i < t->nfk; i++)
		if (!(t->fk[i].inl && t->fk[i].r.n == 1) && !t->fk[i].novalid) {
			rt_strbuf_adds(sb, ",\n  ");
			named(sb, t->fk[i].named, t->fk[i].name);
			fk_body(sb, &t->fk[i], 0);
		}
	rt_strbuf_adds(sb, "\n)");
	if (t->without_rowid)
		rt_strbuf_adds(sb, " WITHOUT ROWID");
	if (t->strict)
		rt_strbuf_adds(sb, t->without_rowid ? ", STRICT" : " STRICT");
	if (t->fillfactor)
		rt_strbuf_addf(sb, " WITH (fillfactor = %d)", t->fillfactor);
	rt_strbuf_adds(sb, ";\n");
}

/* The first key column of an index as an expression (2: a function call), when its type has one. */
static void index_expr(strbuf *sb, const gschema *s, const gcol *c, int expr)
{
	char q[NM + 2];
	snprintf(q, sizeof(q), "\"%s\"", c->name);
	const gfunc *f = expr == 2 ? func_for(s, c, 1) : NULL;
	if (f)
		rt_strbuf_addf(sb, "\"%s\"(%s)", f->name, q);
	else if (col_numeric(s, c))
		rt_strbuf_addf(sb, "(%s + 1)", q);
	else if (col_textish(s, c))
		rt_strbuf_addf(sb, "lower(%s)", q);
	else if (!s->pg && c->dom == DM_TIME)
		rt_strbuf_addf(sb, "date(%s)", q);
	else if (!s->pg)
		rt_strbuf_addf(sb, "hex(%s)", q);
	else
		rt_strbuf_adds(sb, q);
}

/* A partial index's predicate on column c. */
static void where_sql(strbuf *sb, const gschema *s, const gcol *c)
{
	if (col_numeric(s, c))
		rt_strbuf_addf(sb, "\"%s\" > -1", c->name);
	else if (col_textish(s, c))
		rt_strbuf_addf(sb, "\"%s\" <> ''", c->name);
	else
		rt_strbuf_addf(sb, "\"%s\" IS NOT NULL", c->name);
}

/*
 * An index of relation rel (a table or materialized view), written for
 * the current types: GIN where the column has GIN operators (jsonb,
 * arrays), else btree; hash on one column; INCLUDE and DESC with btree.
 */
static void index_sql(strbuf *sb, const gschema *s, const char *rel, const gidx *x)
{
	const gcol *first = base_col(s, rel, x->r.c[0]);
	int method = x->method;
	if (method == IM_GIN && !(is(first->type, "jsonb") || pg_array(first->type)))
		method = IM_BTREE;
	if (method == IM_HASH && x->unique)
		method = IM_BTREE;
	int unique = x->unique && method == IM_BTREE;
	rt_strbuf_addf(sb, "CREATE %sINDEX ", unique ? "UNIQUE " : "");
	Q(sb, x->name);
	rt_strbuf_adds(sb, " ON ");
	Q(sb, rel);
	if (method == IM_GIN)
		rt_strbuf_adds(sb, " USING gin");
	if (method == IM_HASH)
		rt_strbuf_adds(sb, " USING hash");
	rt_strbuf_adds(sb, " (");
	int n = method == IM_BTREE ? x->r.n : 1;
	for (int i = 0; i < n; i++) {
		const gcol *c = base_col(s, rel, x->r.c[i]);
		if (i)
			rt_strbuf_adds(sb, ", ");
		if (i == 0 && x->expr && method == IM_BTREE)
			index_expr(sb, s, c, x->expr);
		else
			Q(sb, x->r.c[i]);
		if (method == IM_GIN && is(c->type, "jsonb") && x->expr)
			rt_strbuf_adds(sb, " jsonb_path_ops");
		if (method == IM_BTREE && x->desc[i])
			rt_strbuf_adds(sb, i % 2 && s->pg ? " DESC NULLS LAST" : " DESC");
	}
	rt_strbuf_adds(sb, ")");
	if (method == IM_BTREE && *x->incl && s->pg) {
		rt_strbuf_adds(sb, " INCLUDE (");
		Q(sb, x->incl);
		rt_strbuf_adds(sb, ")");
	}
	if (*x->where) {
		rt_strbuf_adds(sb, " WHERE ");
		where_sql(sb, s, base_col(s, rel, x->where));
	}
	rt_strbuf_adds(sb, ";\n");
}

/* CREATE [MATERIALIZED] VIEW and the indexes of a materialized one. */
static void view_sql(strbuf *sb, const gschema *s, const gview *v)
{
	rt_strbuf_addf(sb, "CREATE %sVIEW ", v->mat ? "MATERIALIZED " : "");
	Q(sb, v->name);
	rt_strbuf_adds(sb, " AS SELECT ");
	for (int i = 0; i < v->nc; i++) {
		if (i)
			rt_strbuf_adds(sb, ", ");
		Q(sb, v->c[i]);
	}
	rt_strbuf_adds(sb, " FROM ");
	Q(sb, v->src);
	if (*v->where) {
		rt_strbuf_adds(sb, " WHERE ");
		Q(sb, v->where);
		rt_strbuf_adds(sb, " IS NOT NULL");
	}
	rt_strbuf_adds(sb, ";\n");
	for (int i = 0; i < v->nix; i++)
		index_sql(sb, s, v->name, &v->ix[i]);
}

/* A trigger of table (or, on SQLite, view) rel. */
static void trigger_sql(strbuf *sb, const gschema *s, const char *rel, int view, const gtrg *g)
{
	rt_strbuf_adds(sb, "CREATE TRIGGER ");
	Q(sb, g->name);
	rt_strbuf_adds(sb, view ? " INSTEAD OF" : g->before ? " BEFORE" : " AFTER");
	static const char *const evs[] = { "INSERT", "UPDATE", "DELETE", "TRUNCATE" };
	int first = 1;
	for (int i = 0; i < 4; i++) {
		if (!(g->ev & (1 << i)))
			continue;
		rt_strbuf_addf(sb, "%s%s", first ? " " : " OR ", evs[i]);
		first = 0;
		if ((1 << i) == EV_UPDATE && *g->ofcol) {
			rt_strbuf_adds(sb, " OF ");
			Q(sb, g->ofcol);
		}
	}
	rt_strbuf_adds(sb, " ON ");
	Q(sb, rel);
	rt_strbuf_adds(sb, g->row ? " FOR EACH ROW" : " FOR EACH STATEMENT");
	if (*g->whencol) {
		rt_strbuf_adds(sb, " WHEN (NEW.");
		Q(sb, g->whencol);
		rt_strbuf_adds(sb, " IS NOT NULL)");
	}
	if (s->pg) {
		rt_strbuf_adds(sb, " EXECUTE FUNCTION ");
		Q(sb, find_func(s, g->func)->name);
		rt_strbuf_adds(sb, "();\n");
		return;
	}
	rt_strbuf_addf(sb, "\nBEGIN\n  SELECT %d;\n", g->v);
	if (*g->ttab) {
		rt_strbuf_adds(sb, "  UPDATE ");
		Q(sb, g->ttab);
		rt_strbuf_adds(sb, " SET ");
		Q(sb, g->tcol);
		rt_strbuf_adds(sb, " = ");
		Q(sb, g->tcol);
		rt_strbuf_adds(sb, " WHERE 0;\n");
	}
	rt_strbuf_adds(sb, "END;\n");
}

/* CREATE FUNCTION: a trigger function, or x + v in SQL (an SQL-standard body now and then). */
static void func_sql(strbuf *sb, const gfunc *f)
{
	rt_strbuf_adds(sb, "CREATE FUNCTION ");
	Q(sb, f->name);
	if (f->trig) {
		rt_strbuf_addf(sb, "() RETURNS trigger LANGUAGE plpgsql AS $$\nBEGIN\n  PERFORM %d;\n"
			    "  RETURN NEW;\nEND\n$$;\n", f->v);
		return;
	}
	const char *arg = f->bigarg ? "bigint" : "integer", *ret = f->big ? "bigint" : "integer";
	if (f->atomic)
		rt_strbuf_addf(sb, "(x %s) RETURNS %s LANGUAGE sql IMMUTABLE RETURN x + %d;\n", arg, ret, f->v);
	else
		rt_strbuf_addf(sb, "(x %s) RETURNS %s LANGUAGE sql IMMUTABLE AS $$ SELECT x + %d $$;\n",
			    arg, ret, f->v);
}

/* CREATE SEQUENCE with the options that differ from the defaults. */
static void seq_sql(strbuf *sb, const gseq *q)
{
	static const char *const as[] = { "bigint", "integer", "smallint" };
	rt_strbuf_adds(sb, "CREATE SEQUENCE ");
	Q(sb, q->name);
	rt_strbuf_addf(sb, " AS %s INCREMENT BY %d", as[q->as], q->inc);
	if (q->inc < 0)
		rt_strbuf_adds(sb, " MINVALUE 1 MAXVALUE 500 START WITH 500");
	else if (q->start)
		rt_strbuf_addf(sb, " START WITH %d", q->start);
	if (q->cache != 1)
		rt_strbuf_addf(sb, " CACHE %d", q->cache);
	if (q->cycle)
		rt_strbuf_adds(sb, " CYCLE");
	rt_strbuf_adds(sb, ";\n");
}

/* COMMENT ON kind name[.sub] when v (the comment's variant) is set. */
static void comment_on(strbuf *sb, const char *kind, const char *name, const char *sub, int v)
{
	if (!v)
		return;
	rt_strbuf_addf(sb, "COMMENT ON %s ", kind);
	Q(sb, name);
	if (sub) {
		rt_strbuf_adds(sb, ".");
		Q(sb, sub);
	}
	rt_strbuf_adds(sb, " IS ");
	comment_text(sb, v);
	rt_strbuf_adds(sb, ";\n");
}

/*
 * PostgreSQL's settings of table t: statistics targets, comments on
 * named checks, row-level security and its policies.
 */
static void security_sql(strbuf *sb, const gtable *t)
{
	static const char *const pv[] = {
		[PV_ALL] = "USING (true)",
		[PV_SELECT] = "FOR SELECT USING (true)",
		[PV_INSERT] = "FOR INSERT WITH CHECK (true)",
		[PV_RESTRICTIVE] = "AS RESTRICTIVE FOR UPDATE USING (true) WITH CHECK (true)",
	};
	for (int j = 0; j < t->nc; j++)
		if (t->c[j].stat) {
			rt_strbuf_adds(sb, "ALTER TABLE ");
			Q(sb, t->name);
			rt_strbuf_adds(sb, " ALTER COLUMN ");
			Q(sb, t->c[j].name);
			rt_strbuf_addf(sb, " SET STATISTICS %d;\n", t->c[j].stat);
		}
	for (int j = 0; j < t->nck; j++)
		if (t->ck[j].named && t->ck[j].comment) {
			rt_strbuf_adds(sb, "COMMENT ON CONSTRAINT ");
			Q(sb, t->ck[j].name);
			rt_strbuf_adds(sb, " ON ");
			Q(sb, t->name);
			rt_strbuf_adds(sb, " IS ");
			comment_text(sb, t->ck[j].comment);
			rt_strbuf_adds(sb, ";\n");
		}
	if (t->rls & 1) {
		rt_strbuf_adds(sb, "ALTER TABLE ");
		Q(sb, t->name);
		rt_strbuf_adds(sb, " ENABLE ROW LEVEL SECURITY;\n");
	}
	if (t->rls & 2) {
		rt_strbuf_adds(sb, "ALTER TABLE ");
		Q(sb, t->name);
		rt_strbuf_adds(sb, " FORCE ROW LEVEL SECURITY;\n");
	}
	for (int j = 0; j < t->npol; j++) {
		const gpol *p = &t->pol[j];
		rt_strbuf_adds(sb, "CREATE POLICY ");
		Q(sb, p->name);
		rt_strbuf_adds(sb, " ON ");
		Q(sb, t->name);
		if (p->v == PV_COL) {
			rt_strbuf_adds(sb, " USING (");
			Q(sb, p->col);
			rt_strbuf_adds(sb, " IS NOT NULL)");
		} else {
			rt_strbuf_addf(sb, " %s", pv[p->v]);
		}
		rt_strbuf_adds(sb, ";\n");
	}
}

/* The whole schema as a script, in an order the database accepts. */
char *schema_sql(const gschema *s)
{
	strbuf sb = STRBUF_INIT;
	if (s->pg)
		kinds_sql(&sb, s);
	for (int i = 0; i < s->ne; i++) {
		rt_strbuf_adds(&sb, "CREATE TYPE ");
		Q(&sb, s->e[i].name);
		rt_strbuf_adds(&sb, " AS ENUM (");
		for (int j = 0; j < s->e[i].nl; j++)
			rt_strbuf_addf(&sb, "%s'%s'", j ? ", " : "", s->e[i].l[j]);
		rt_strbuf_adds(&sb, ");\n");
	}
	for (int i = 0; i < s->nd; i++) {
		static const char *const chk[] = { "", " CHECK (VALUE <> 'zz')", " CHECK (length(VALUE) < 100)" };
		rt_strbuf_addf(&sb, "CREATE DOMAIN %s AS text%s%s;\n", s->dm[i].name,
			       s->dm[i].def ? " DEFAULT NULL" : "", chk[s->dm[i].chk]);
	}
	for (int i = 0; i < s->ns; i++)
		seq_sql(&sb, &s->s[i]);
	for (int i = 0; i < s->nf; i++)
		func_sql(&sb, &s->f[i]);
	for (int i = 0; i < s->nt; i++)
		create_table_sql(&sb, s, &s->t[i]);
	for (int i = 0; i < s->nt; i++) {
		const gtable *t = &s->t[i];
		for (int j = 0; j < t->nck; j++)
			if (t->ck[j].novalid) {
				rt_strbuf_adds(&sb, "ALTER TABLE ");
				Q(&sb, t->name);
				rt_strbuf_adds(&sb, " ADD ");
				named(&sb, 1, t->ck[j].name);
				check_body(&sb, s, t, &t->ck[j]);
				rt_strbuf_adds(&sb, " NOT VALID;\n");
			}
		for (int j = 0; j < t->nfk; j++)
			if (t->fk[j].novalid) {
				rt_strbuf_adds(&sb, "ALTER TABLE ");
				Q(&sb, t->name);
				rt_strbuf_adds(&sb, " ADD ");
				named(&sb, t->fk[j].named, t->fk[j].name);
				fk_body(&sb, &t->fk[j], 0);
				rt_strbuf_adds(&sb, " NOT VALID;\n");
			}
	}
	for (int i = 0; i < s->ns; i++)
		if (*s->s[i].otab) {
			rt_strbuf_adds(&sb, "ALTER SEQUENCE ");
			Q(&sb, s->s[i].name);
			rt_strbuf_adds(&sb, " OWNED BY ");
			Q(&sb, s->s[i].otab);
			rt_strbuf_adds(&sb, ".");
			Q(&sb, s->s[i].ocol);
			rt_strbuf_adds(&sb, ";\n");
		}
	for (int i = 0; i < s->nt; i++)
		for (int j = 0; j < s->t[i].nix; j++)
			index_sql(&sb, s, s->t[i].name, &s->t[i].ix[j]);
	if (s->pg)
		kinds_late_sql(&sb, s);
	for (int i = 0; i < s->nv; i++)
		view_sql(&sb, s, &s->v[i]);
	for (int i = 0; i < s->nt; i++)
		for (int j = 0; j < s->t[i].ntg; j++)
			trigger_sql(&sb, s, s->t[i].name, 0, &s->t[i].tg[j]);
	for (int i = 0; i < s->nv; i++)
		for (int j = 0; j < s->v[i].ntg; j++)
			trigger_sql(&sb, s, s->v[i].name, 1, &s->v[i].tg[j]);
	if (!s->pg)
		return rt_strbuf_detach(&sb);
	for (int i = 0; i < s->nt; i++) {
		const gtable *t = &s->t[i];
		comment_on(&sb, "TABLE", t->name, NULL, t->comment);
		for (int j = 0; j < t->nc; j++)
			comment_on(&sb, "COLUMN", t->name, t->c[j].name, t->c[j].comment);
		for (int j = 0; j < t->nix; j++)
			comment_on(&sb, "INDEX", t->ix[j].name, NULL, t->ix[j].comment);
	}
	for (int i = 0; i < s->nv; i++) {
		comment_on(&sb, s->v[i].mat ? "MATERIALIZED VIEW" : "VIEW", s->v[i].name, NULL,
			   s->v[i].comment);
		for (int j = 0; j < s->v[i].nix; j++)
			comment_on(&sb, "INDEX", s->v[i].ix[j].name, NULL, s->v[i].ix[j].comment);
	}
	for (int i = 0; i < s->nt; i++)
		security_sql(&sb, &s->t[i]);
	for (int i = 0; i < s->ne; i++)
		comment_on(&sb, "TYPE", s->e[i].name, NULL, s->e[i].comment);
	for (int i = 0; i < s->nd; i++)
		comment_on(&sb, "DOMAIN", s->dm[i].name, NULL, s->dm[i].comment);
	for (int i = 0; i < s->nf; i++)
		if (s->f[i].comment) {
			rt_strbuf_adds(&sb, "COMMENT ON FUNCTION ");
			Q(&sb, s->f[i].name);
			if (s->f[i].trig)
				rt_strbuf_adds(&sb, "()");
			else
				rt_strbuf_addf(&sb, "(%s)", s->f[i].bigarg ? "bigint" : "integer");
			rt_strbuf_adds(&sb, " IS ");
			comment_text(&sb, s->f[i].comment);
			rt_strbuf_adds(&sb, ";\n");
		}
	return rt_strbuf_detach(&sb);
}

/* Two rows for every table (parents first: foreign keys point to lower ids). */
char *rows_sql(const gschema *s)
{
	strbuf sb = STRBUF_INIT;
	for (int i = 0; i < s->nt; i++) {
		const gtable *t = &s->t[i];
		int ident = 0;
		rt_strbuf_adds(&sb, "INSERT INTO ");
		Q(&sb, t->name);
		rt_strbuf_adds(&sb, " (");
		int first = 1;
		for (int j = 0; j < t->nc; j++)
			if (plain(&t->c[j])) {
				rt_strbuf_adds(&sb, first ? "" : ", ");
				Q(&sb, t->c[j].name);
				first = 0;
				ident |= t->c[j].ident;
			}
		rt_strbuf_adds(&sb, ident ? ") OVERRIDING SYSTEM VALUE VALUES " : ") VALUES ");
		for (int k = 0; k < 2; k++) {
			rt_strbuf_adds(&sb, k ? ", (" : "(");
			first = 1;
			for (int j = 0; j < t->nc; j++)
				if (plain(&t->c[j])) {
					rt_strbuf_adds(&sb, first ? "" : ", ");
					value_sql(&sb, s, &t->c[j], k);
					first = 0;
				}
			rt_strbuf_adds(&sb, ")");
		}
		rt_strbuf_adds(&sb, ";\n");
	}
	return rt_strbuf_detach(&sb);
}
