/*
 * diff.c - the operations that turn one SQLite schema into another.
 *
 * Each table is compared as a whole (rt_sm_compare on the table without its
 * indexes and triggers), so the diff acts on exactly what the model calls
 * a difference.  A changed table is altered in place when SQLite's ALTER
 * TABLE can express the change - columns dropped (DROP COLUMN, 3.35+) and
 * columns added at the end (ADD COLUMN) - and the result is checked by
 * doing it on a copy of the table in a private in-memory database and
 * reading that back.  Anything else is SQLite's documented table rebuild
 * (rebuild.c; https://www.sqlite.org/lang_altertable.html#otheralter): the target's
 * CREATE TABLE under a temporary name, the rows copied, the old table
 * dropped, the new one renamed, its indexes created again.  The copy keeps
 * rowids (through rowid, or the new INTEGER PRIMARY KEY) and the
 * AUTOINCREMENT sequence; a column that becomes NOT NULL with a default
 * takes the default for its NULLs, and the migration says so.
 *
 * The generated SQL assumes PRAGMA foreign_keys is OFF while it runs.
 * retort runs a migration inside one transaction, where the pragma cannot
 * change, and its SQLite connection leaves foreign keys off (SQLite's
 * default): then DROP TABLE of a rebuilt parent neither fails nor
 * cascades to its children, whose REFERENCES clauses name the table and
 * so point at the rebuilt one once it is renamed.  The documented
 * procedure ends with PRAGMA foreign_key_check; it is kept after the
 * rebuilds, where it lists violations to anyone running the SQL in the
 * sqlite3 shell (a migration runner steps over its rows: with foreign
 * keys off SQLite enforces nothing, and the rows were copied unchanged).
 *
 * Renaming a table makes SQLite check every view and trigger of the
 * schema, so views and triggers that read a rebuilt, dropped or
 * recreated table (found by the names their text mentions) are dropped
 * first and created again at the end from the target schema.
 *
 * Order: views, triggers and indexes that go or change are dropped;
 * tables are dropped (children first); tables are created, altered and
 * rebuilt (parents first); then indexes, views (each after the views it
 * reads), the tables' triggers and the views' triggers are created.
 */
#include "internal.h"
#include "dialect/dialect.h"
#include "dialect/sqlite/diff_internal.h"
#include "dialect/sqlite/sqlite_internal.h"
#include "schema/model.h"
#include "schema/ops.h"
#include "sqltext.h"

#include <sqlite3.h>
#include <string.h>
#include <strings.h>

typedef struct dctx {
	const sm_schema *a, *b;
	sm_ops *out;
	tplan *t;
	size_t nt;
	char *view_gone;    /* per old view: dropped (changed, removed or in the way) */
	unsigned cmp;       /* rt_sm_compare flags: SM_CMP_COLUMN_ORDER with column_order = strict */
	int rebuilt;        /* some table was rebuilt */
	const sm_diff_opts *opts; /* may be NULL */
} dctx;

static const char *name_of(const tplan *p)
{
	return p->b ? p->b->name : p->a->name;
}

static tplan *plan_find(const dctx *d, const char *name)
{
	for (size_t i = 0; i < d->nt; i++)
		if (!strcasecmp(name_of(&d->t[i]), name))
			return &d->t[i];
	return NULL;
}

static const sm_index *index_find(const sm_table *t, const char *name)
{
	for (size_t i = 0; t && i < t->nidx; i++)
		if (!strcmp(t->idx[i].name, name))
			return &t->idx[i];
	return NULL;
}

static const sm_trigger *trigger_find(const sm_table *t, const char *name)
{
	for (size_t i = 0; t && i < t->ntrg; i++)
		if (!strcmp(t->trg[i].name, name))
			return &t->trg[i];
	return NULL;
}

static const sm_trigger *view_trigger_find(const sm_view *v, const char *name)
{
	for (size_t i = 0; v && i < v->ntrg; i++)
		if (!strcmp(v->trg[i].name, name))
			return &v->trg[i];
	return NULL;
}

static int same_text(const char *x, const char *y)
{
	return x && y && !strcmp(x, y);
}

/* ------------------------------------------------------------------ */
/* Comparing one table                                                  */
/* ------------------------------------------------------------------ */

/*
 * The differences of two tables' bodies (columns, constraints, options),
 * leaving indexes and triggers aside, as rt_sm_compare words them.
 */
static size_t body_diff(const sm_table *a, const sm_table *b, unsigned flags, strbuf *why)
{
	sm_table ta = *a, tb = *b;
	ta.idx = tb.idx = NULL;
	ta.nidx = tb.nidx = 0;
	ta.trg = tb.trg = NULL;
	ta.ntrg = tb.ntrg = 0;
	sm_schema sa = { 0 }, sb = { 0 };
	sa.tables = &ta;
	sa.ntables = 1;
	sb.tables = &tb;
	sb.ntables = 1;
	return rt_sm_compare(&sa, &sb, flags, why);
}

/*
 * rt_sm_compare's lines on one line, "a; b; c", with "only in the first"
 * and "only in the second" said as what the change does.
 */
static char *one_line(strbuf *sb)
{
	static const char *const from[] = { " only in the first", " only in the second", "\n" };
	static const char *const to[] = { " removed", " added", "; " };
	rt_strbuf_rtrim(sb);
	strbuf out = STRBUF_INIT;
	for (size_t i = 0; i < sb->len;) {
		int k = 0;
		while (k < 3 && strncmp(sb->buf + i, from[k], strlen(from[k])))
			k++;
		if (k < 3) {
			rt_strbuf_adds(&out, to[k]);
			i += strlen(from[k]);
		} else {
			rt_strbuf_addc(&out, sb->buf[i++]);
		}
	}
	return rt_strbuf_detach(&out);
}

static int has_col(const sm_table *t, const char *name)
{
	for (size_t i = 0; i < t->ncols; i++)
		if (!strcasecmp(t->cols[i].name, name))
			return 1;
	return 0;
}

/* The element of a CREATE TABLE text that defines a column, as written. */
static char *column_text(const sm_table *t, const char *col)
{
	sq_table_text tt;
	char *out = NULL;
	if (rt_sq_table_parse(t->sql, &tt) == 0)
		for (size_t i = 0; i < tt.nelems && !out; i++) {
			const sq_elem *e = &tt.elems[i];
			const sq_token *first = &tt.tok.v[e->first];
			const sq_token *last = &tt.tok.v[e->end - 1];
			if (!rt_sq_elem_is_constraint(&tt, e) && rt_sq_names(first, col))
				out = rt_xstrndup(first->s, (size_t)(last->s + last->n - first->s));
		}
	rt_sq_table_text_free(&tt);
	return out;
}

/*
 * Checks ADD COLUMN makes only when the table has rows, so an empty copy
 * cannot show them: a NOT NULL column needs a default, a REFERENCES column
 * no default (while foreign keys are on), the default must be constant
 * (no CURRENT_TIME-style value, no expression in parentheses), and a
 * generated column cannot be STORED.
 */
static int addable(const sm_table *b, const sm_column *c, const char *text)
{
	if (!c->generated && c->notnull && !c->def)
		return 0;
	if (c->generated && c->stored)
		return 0;
	for (size_t i = 0; i < b->ncons; i++)
		if (b->cons[i].kind == SM_FOREIGN && c->def)
			for (size_t j = 0; j < b->cons[i].ncols; j++)
				if (!strcasecmp(b->cons[i].cols[j], c->name))
					return 0;
	sq_tokens tok = { 0 };
	rt_sq_tokenize(text, strlen(text), &tok);
	int ok = 1;
	for (size_t i = 0; i + 1 < tok.n && ok; i++) {
		const sq_token *n = &tok.v[i + 1];
		if (tok.v[i].depth == 0 && rt_sq_is(&tok.v[i], "DEFAULT"))
			ok = !(rt_sq_punct(n, "(") || rt_sq_is(n, "CURRENT_TIME") ||
			       rt_sq_is(n, "CURRENT_DATE") || rt_sq_is(n, "CURRENT_TIMESTAMP"));
	}
	rt_sq_tokens_free(&tok);
	return ok;
}

/* ALTER TABLE statements for the columns of p (drops first, then adds). */
static void alter_sql(const tplan *p, rt_strlist *out)
{
	strbuf sb = STRBUF_INIT;
	for (size_t i = 0; i < p->drops.n; i++) {
		rt_strbuf_reset(&sb);
		rt_strbuf_adds(&sb, "ALTER TABLE ");
		rt_sq_ident(&sb, p->a->name);
		rt_strbuf_adds(&sb, " DROP COLUMN ");
		rt_sq_ident(&sb, p->drops.v[i]);
		rt_strlist_push(out, sb.buf);
	}
	for (size_t i = 0; i < p->adds.n; i++) {
		char *text = column_text(p->b, p->adds.v[i]);
		rt_strbuf_reset(&sb);
		rt_strbuf_adds(&sb, "ALTER TABLE ");
		rt_sq_ident(&sb, p->a->name);
		rt_strbuf_addf(&sb, " ADD COLUMN %s", text ? text : "");
		rt_strlist_push(out, sb.buf);
		free(text);
	}
	rt_strbuf_release(&sb);
}

/* See diff_internal.h: a private in-memory database for trying statements. */
rt_conn *rt_sq_memory_db(rt_config **cfg)
{
	*cfg = rt_config_new("/");
	free((*cfg)->url);
	(*cfg)->url = rt_xstrdup("sqlite://:memory:");
	int missing;
	rt_error err = { 0 };
	rt_conn *c = rt_dialect_sqlite.connect(*cfg, 0, &missing, &err);
	rt_error_clear(&err);
	return c;
}

/* Run statements; 0 when every one succeeds. */
static int try_sql(rt_conn *c, const rt_strlist *sql)
{
	for (size_t i = 0; i < sql->n; i++) {
		rt_error err = { 0 };
		int rc = rt_dialect_sqlite.exec(c, sql->v[i], &err);
		rt_error_clear(&err);
		if (rc < 0)
			return -1;
	}
	return 0;
}

/* Does the new table, read back from the scratch database, equal p->b? */
static int same_as_target(rt_conn *c, const tplan *p)
{
	sm_schema *s = NULL;
	rt_error err = { 0 };
	int ok = 0;
	if (rt_sqlite_introspect(c, NULL, &s, &err) == 0) {
		const sm_table *got = rt_sm_find_table(s, NULL, p->b->name);
		ok = got && body_diff(got, p->b, p->cmp, NULL) == 0;
	}
	rt_error_clear(&err);
	rt_sm_free(s);
	return ok;
}

/*
 * Whether p's ALTER statements really give the new table: the old table
 * and the indexes it keeps are made in an in-memory database, the ALTERs
 * run there (SQLite refuses what it cannot do: a dropped column that is
 * indexed, in a CHECK or a key, an added UNIQUE or STORED column ...), and
 * the result is read back and compared.
 */
static int alter_verified(const tplan *p)
{
	rt_strlist sql = { 0 };
	rt_strlist_push(&sql, p->a->sql);
	for (size_t i = 0; i < p->a->nidx; i++) {
		const sm_index *kept = index_find(p->b, p->a->idx[i].name);
		if (kept && same_text(kept->def, p->a->idx[i].def))
			rt_strlist_push(&sql, p->a->idx[i].sql);
	}
	alter_sql(p, &sql);
	rt_config *cfg;
	rt_conn *c = rt_sq_memory_db(&cfg);
	int ok = c && try_sql(c, &sql) == 0 && same_as_target(c, p);
	if (c)
		rt_dialect_sqlite.disconnect(c);
	rt_config_free(cfg);
	rt_strlist_free(&sql);
	return ok;
}

/* Can SQLite's ALTER TABLE make p->b out of p->a? Fills drops and adds. */
static int alterable(tplan *p)
{
	const sm_table *a = p->a, *b = p->b;
	if (a->without_rowid != b->without_rowid || a->strict != b->strict ||
	    a->autoincrement != b->autoincrement)
		return 0;
	for (size_t i = 0; i < a->ncols; i++)
		if (!has_col(b, a->cols[i].name))
			rt_strlist_push(&p->drops, a->cols[i].name);
	for (size_t i = 0; i < b->ncols; i++) {
		if (has_col(a, b->cols[i].name))
			continue;
		char *text = column_text(b, b->cols[i].name);
		int ok = text && addable(b, &b->cols[i], text);
		free(text);
		if (!ok)
			return 0;
		rt_strlist_push(&p->adds, b->cols[i].name);
	}
	return (p->drops.n || p->adds.n) && alter_verified(p);
}

/* Decide what happens to a table present in both schemas. */
static void plan_pair(tplan *p)
{
	const sm_table *a = p->a, *b = p->b;
	if (a->is_virtual || b->is_virtual) {
		int same = a->is_virtual && b->is_virtual && same_text(a->sql, b->sql);
		p->act = same ? T_SAME : T_RECREATE;
		return;
	}
	strbuf why = STRBUF_INIT;
	if (body_diff(a, b, p->cmp, &why) == 0) {
		p->act = T_SAME;
	} else if (alterable(p)) {
		p->act = T_ALTER;
	} else {
		p->act = T_REBUILD;
		p->why = one_line(&why);
		rt_strlist_free(&p->drops);
		rt_strlist_free(&p->adds);
	}
	rt_strbuf_release(&why);
}

/* What happens to every table of either schema. */
static void plan_tables(dctx *d)
{
	d->t = rt_xcalloc(d->a->ntables + d->b->ntables + 1, sizeof(tplan));
	for (size_t i = 0; i < d->a->ntables; i++) {
		tplan *p = &d->t[d->nt++];
		p->a = &d->a->tables[i];
		p->b = rt_sm_find_table(d->b, NULL, p->a->name);
		p->cmp = d->cmp;
		if (p->b)
			plan_pair(p);
		else
			p->act = T_DROP;
	}
	for (size_t i = 0; i < d->b->ntables; i++)
		if (!rt_sm_find_table(d->a, NULL, d->b->tables[i].name)) {
			tplan *p = &d->t[d->nt++];
			p->b = &d->b->tables[i];
			p->act = T_CREATE;
		}
}

/* ------------------------------------------------------------------ */
/* Views and triggers in the way                                        */
/* ------------------------------------------------------------------ */

/*
 * Does a view's or trigger's text read something that changes under it:
 * a table dropped, rebuilt or recreated, a column dropped from a table it
 * names, or a view that is dropped?  SQLite checks every view and trigger
 * when a table is renamed or loses a column, and one that names a table
 * missing at that moment fails the statement.  own: a table to leave out
 * (a trigger's own table, when DROP TABLE takes the trigger anyway).
 */
static int in_the_way(const dctx *d, const char *sql, const char *own)
{
	sq_tokens tok = { 0 };
	rt_sq_tokenize(sql, strlen(sql), &tok);
	int hit = 0;
	for (size_t i = 0; i < d->nt && !hit; i++) {
		const tplan *p = &d->t[i];
		if (p->act == T_SAME || p->act == T_CREATE ||
		    (p->act == T_ALTER && !p->drops.n) || (own && !strcmp(p->a->name, own)))
			continue;
		if (!rt_sq_mentions(tok.v, tok.n, p->a->name))
			continue;
		hit = p->act != T_ALTER;
		for (size_t j = 0; j < p->drops.n && !hit; j++)
			hit = rt_sq_mentions(tok.v, tok.n, p->drops.v[j]);
	}
	for (size_t i = 0; i < d->a->nviews && !hit; i++)
		hit = d->view_gone[i] && rt_sq_mentions(tok.v, tok.n, d->a->views[i].name);
	rt_sq_tokens_free(&tok);
	return hit;
}

/* Mark the old views to drop, until no more views are in the way. */
static void plan_views(dctx *d)
{
	d->view_gone = rt_xcalloc(d->a->nviews + 1, 1);
	for (size_t i = 0; i < d->a->nviews; i++) {
		const sm_view *v = &d->a->views[i];
		const sm_view *w = rt_sm_find_view(d->b, NULL, v->name);
		d->view_gone[i] = !w || !same_text(v->def, w->def);
	}
	for (int changed = 1; changed;) {
		changed = 0;
		for (size_t i = 0; i < d->a->nviews; i++)
			if (!d->view_gone[i] && in_the_way(d, d->a->views[i].sql, NULL))
				d->view_gone[i] = changed = 1;
	}
}

/*
 * An old trigger that is dropped before the tables change.  DROP TABLE
 * takes the triggers of a dropped table (no check runs among the drops)
 * and of a rebuilt one, unless another table's rebuild or lost column
 * comes first while the trigger names something missing then.
 */
static int trigger_dropped(const dctx *d, const tplan *p, const sm_trigger *tr)
{
	if (p->act == T_DROP)
		return 0;
	if (p->act == T_REBUILD || p->act == T_RECREATE)
		return in_the_way(d, tr->sql, p->a->name);
	const sm_trigger *w = trigger_find(p->b, tr->name);
	return !w || !same_text(w->def, tr->def) || in_the_way(d, tr->sql, NULL);
}

/* A new trigger that must be created at the end. */
static int trigger_created(const dctx *d, const tplan *p, const sm_trigger *tr)
{
	if (p->act != T_SAME && p->act != T_ALTER)
		return 1;
	const sm_trigger *old = trigger_find(p->a, tr->name);
	return !old || !same_text(old->def, tr->def) || in_the_way(d, old->sql, NULL);
}

/* ------------------------------------------------------------------ */
/* Emitting operations                                                  */
/* ------------------------------------------------------------------ */

/* Old views in dependent-first order: each before the views it reads. */
static void view_drop_visit(dctx *d, size_t i, char *seen)
{
	if (seen[i])
		return;
	seen[i] = 1;
	const sm_view *v = &d->a->views[i];
	for (size_t j = 0; j < d->a->nviews; j++) {
		const sm_view *u = &d->a->views[j];
		for (size_t k = 0; k < u->ndeps; k++)
			if (j != i && !strcasecmp(u->deps[k], v->name))
				view_drop_visit(d, j, seen);
	}
	if (d->view_gone[i]) {
		sm_op *op = rt_sm_ops_add(d->out, 0, "drop view %s", v->name);
		rt_sq_op_named(op, "DROP VIEW", v->name);
	}
}

/* Old views that are dropped, each before the views it reads. */
static void drop_views(dctx *d)
{
	char *seen = rt_xcalloc(d->a->nviews + 1, 1);
	for (size_t i = 0; i < d->a->nviews; i++)
		view_drop_visit(d, i, seen);
	free(seen);
}

/* Table triggers that go, change or are in the way (not those DROP TABLE takes). */
static void drop_triggers(dctx *d)
{
	for (size_t i = 0; i < d->nt; i++) {
		const tplan *p = &d->t[i];
		for (size_t j = 0; p->a && j < p->a->ntrg; j++)
			if (trigger_dropped(d, p, &p->a->trg[j])) {
				sm_op *op = rt_sm_ops_add(d->out, 0, "drop trigger %s on %s",
						       p->a->trg[j].name, p->a->name);
				rt_sq_op_named(op, "DROP TRIGGER", p->a->trg[j].name);
			}
	}
}

/* Triggers on views that stay: dropped when they go, change or are in the way. */
static void drop_view_triggers(dctx *d)
{
	for (size_t i = 0; i < d->a->nviews; i++) {
		const sm_view *v = &d->a->views[i];
		const sm_view *w = rt_sm_find_view(d->b, NULL, v->name);
		if (d->view_gone[i])
			continue; /* DROP VIEW takes them */
		for (size_t j = 0; j < v->ntrg; j++) {
			const sm_trigger *nt = view_trigger_find(w, v->trg[j].name);
			if (nt && same_text(nt->def, v->trg[j].def) && !in_the_way(d, v->trg[j].sql, NULL))
				continue;
			sm_op *op = rt_sm_ops_add(d->out, 0, "drop trigger %s on %s",
					       v->trg[j].name, v->name);
			rt_sq_op_named(op, "DROP TRIGGER", v->trg[j].name);
		}
	}
}

/* Indexes that go or change, on tables that stay (DROP TABLE takes the others). */
static void drop_indexes(dctx *d)
{
	for (size_t i = 0; i < d->nt; i++) {
		const tplan *p = &d->t[i];
		if (p->act != T_SAME && p->act != T_ALTER)
			continue;
		for (size_t j = 0; j < p->a->nidx; j++) {
			const sm_index *w = index_find(p->b, p->a->idx[j].name);
			if (w && same_text(w->def, p->a->idx[j].def))
				continue;
			sm_op *op = rt_sm_ops_add(d->out, 0, "drop index %s on %s",
					       p->a->idx[j].name, p->a->name);
			rt_sq_op_named(op, "DROP INDEX", p->a->idx[j].name);
		}
	}
}

static const sm_table *side_of(const tplan *p, int side)
{
	return side ? p->b : p->a;
}

/* Put plan i into order after the tables its foreign keys reference. */
static void order_visit(const dctx *d, size_t i, int side, char *seen,
			size_t *order, size_t *n)
{
	if (seen[i])
		return;
	seen[i] = 1;
	const sm_table *t = side_of(&d->t[i], side);
	for (size_t k = 0; k < t->ncons; k++) {
		const sm_constraint *c = &t->cons[k];
		if (c->kind != SM_FOREIGN || !c->ref_table)
			continue;
		const tplan *q = plan_find(d, c->ref_table);
		if (q && side_of(q, side))
			order_visit(d, (size_t)(q - d->t), side, seen, order, n);
	}
	order[(*n)++] = i;
}

/* The plans' tables, parents first (side 0: the old schema, 1: the new). */
static size_t *parents_first(const dctx *d, int side, size_t *n)
{
	size_t *order = rt_xcalloc(d->nt + 1, sizeof(size_t));
	char *seen = rt_xcalloc(d->nt + 1, 1);
	*n = 0;
	for (size_t i = 0; i < d->nt; i++)
		if (side_of(&d->t[i], side))
			order_visit(d, i, side, seen, order, n);
	free(seen);
	return order;
}

/* Tables that go, and changed virtual tables, children before parents. */
static void drop_tables(dctx *d)
{
	size_t n;
	size_t *order = parents_first(d, 0, &n);
	for (size_t k = n; k-- > 0;) {
		const tplan *p = &d->t[order[k]];
		sm_op *op;
		if (p->act == T_DROP) {
			op = rt_sm_ops_add(d->out, 1, "drop table %s", p->a->name);
			rt_sm_op_note(op, "drops table %s and all its rows", p->a->name);
		} else if (p->act == T_RECREATE) {
			op = rt_sm_ops_add(d->out, 1, "drop %stable %s to create it again",
					p->a->is_virtual ? "virtual " : "", p->a->name);
			rt_sm_op_note(op, "its definition changes: the rows of %s are lost", p->a->name);
		} else {
			continue;
		}
		rt_sq_op_named(op, "DROP TABLE", p->a->name);
	}
	free(order);
}

static void create_table(dctx *d, const tplan *p)
{
	sm_op *op = rt_sm_ops_add(d->out, 0, "create %stable %s",
			       p->b->is_virtual ? "virtual " : "", p->b->name);
	rt_strlist_push(&op->sql, p->b->sql);
}

/* One operation per DROP COLUMN and ADD COLUMN. */
static void alter_table(dctx *d, const tplan *p)
{
	rt_strlist sql = { 0 };
	alter_sql(p, &sql);
	for (size_t i = 0; i < p->drops.n; i++) {
		const sm_column *c = rt_sq_column_ci(p->a, p->drops.v[i]);
		int loses = c && !c->generated;
		sm_op *op = rt_sm_ops_add(d->out, loses, "drop column %s.%s", p->a->name,
				       p->drops.v[i]);
		if (loses)
			rt_sm_op_note(op, "drops column %s.%s and its data", p->a->name,
				   p->drops.v[i]);
		rt_strlist_push(&op->sql, sql.v[i]);
	}
	for (size_t i = 0; i < p->adds.n; i++) {
		sm_op *op = rt_sm_ops_add(d->out, 0, "add column %s.%s", p->b->name,
				       p->adds.v[i]);
		rt_strlist_push(&op->sql, sql.v[p->drops.n + i]);
	}
	rt_strlist_free(&sql);
}

/* A name for the rebuilt table that no table of either schema has. */
static char *temp_name(const dctx *d, const char *name)
{
	char *s = rt_xasprintf("_retort_new_%s", name);
	for (int k = 2; plan_find(d, s); k++) {
		free(s);
		s = rt_xasprintf("_retort_new%d_%s", k, name);
	}
	return s;
}

/* SQLite's 12-step rebuild (rebuild.c), under a name no table has. */
static void rebuild_table(dctx *d, const tplan *p)
{
	char *tmp = temp_name(d, p->b->name);
	tplan q = *p;
	q.rows = d->opts && d->opts->count_rows && p->a
		 ? d->opts->count_rows(d->opts->count_ud, NULL, p->a->name) : -1;
	rt_sq_rebuild(d->out, &q, tmp);
	free(tmp);
	d->rebuilt = 1;
}

/* New, altered and rebuilt tables, parents before the tables referencing them. */
static void change_tables(dctx *d)
{
	size_t n;
	size_t *order = parents_first(d, 1, &n);
	for (size_t k = 0; k < n; k++) {
		const tplan *p = &d->t[order[k]];
		if (p->act == T_CREATE || p->act == T_RECREATE)
			create_table(d, p);
		else if (p->act == T_ALTER)
			alter_table(d, p);
		else if (p->act == T_REBUILD)
			rebuild_table(d, p);
	}
	free(order);
}

/* Indexes that are new or changed (a rebuilt table's came with it). */
static void create_indexes(dctx *d)
{
	for (size_t i = 0; i < d->nt; i++) {
		const tplan *p = &d->t[i];
		if (!p->b || p->act == T_REBUILD)
			continue;
		int all = p->act == T_CREATE || p->act == T_RECREATE;
		for (size_t j = 0; j < p->b->nidx; j++) {
			const sm_index *x = &p->b->idx[j];
			const sm_index *old = all ? NULL : index_find(p->a, x->name);
			if (old && same_text(old->def, x->def))
				continue;
			sm_op *op = rt_sm_ops_add(d->out, 0, "create index %s on %s", x->name,
					       p->b->name);
			rt_strlist_push(&op->sql, x->sql);
		}
	}
}

static size_t view_index(const sm_schema *s, const char *name)
{
	for (size_t i = 0; i < s->nviews; i++)
		if (!strcasecmp(s->views[i].name, name))
			return i;
	return s->nviews;
}

/* Create a new view after the views it reads. */
static void view_create_visit(dctx *d, size_t i, char *seen)
{
	if (seen[i])
		return;
	seen[i] = 1;
	const sm_view *v = &d->b->views[i];
	for (size_t k = 0; k < v->ndeps; k++) {
		size_t j = view_index(d->b, v->deps[k]);
		if (j < d->b->nviews && j != i)
			view_create_visit(d, j, seen);
	}
	size_t old = view_index(d->a, v->name);
	if (old < d->a->nviews && !d->view_gone[old])
		return;
	sm_op *op = rt_sm_ops_add(d->out, 0, "create view %s", v->name);
	rt_strlist_push(&op->sql, v->sql);
}

/* New views, changed views and views that made way, after what they read. */
static void create_views(dctx *d)
{
	char *seen = rt_xcalloc(d->b->nviews + 1, 1);
	for (size_t i = 0; i < d->b->nviews; i++)
		view_create_visit(d, i, seen);
	free(seen);
}

/* Table triggers that are new, changed, made way, or on a created or rebuilt table. */
static void create_triggers(dctx *d)
{
	for (size_t i = 0; i < d->nt; i++) {
		const tplan *p = &d->t[i];
		for (size_t j = 0; p->b && j < p->b->ntrg; j++)
			if (trigger_created(d, p, &p->b->trg[j])) {
				sm_op *op = rt_sm_ops_add(d->out, 0, "create trigger %s on %s",
						       p->b->trg[j].name, p->b->name);
				rt_strlist_push(&op->sql, p->b->trg[j].sql);
			}
	}
}

/* Triggers on views: with a view created, or new, changed or in the way. */
static void create_view_triggers(dctx *d)
{
	for (size_t i = 0; i < d->b->nviews; i++) {
		const sm_view *v = &d->b->views[i];
		size_t k = view_index(d->a, v->name);
		const sm_view *old = k < d->a->nviews ? &d->a->views[k] : NULL;
		int all = !old || d->view_gone[k];
		for (size_t j = 0; j < v->ntrg; j++) {
			const sm_trigger *ot = all ? NULL : view_trigger_find(old, v->trg[j].name);
			if (ot && same_text(ot->def, v->trg[j].def) && !in_the_way(d, ot->sql, NULL))
				continue;
			sm_op *op = rt_sm_ops_add(d->out, 0, "create trigger %s on %s",
					       v->trg[j].name, v->name);
			rt_strlist_push(&op->sql, v->trg[j].sql);
		}
	}
}

static void dctx_free(dctx *d)
{
	for (size_t i = 0; i < d->nt; i++) {
		rt_strlist_free(&d->t[i].drops);
		rt_strlist_free(&d->t[i].adds);
		free(d->t[i].why);
	}
	free(d->t);
	free(d->view_gone);
}

/* The operations from one schema to the other, in the order described at the top. */
int rt_sqlite_diff(const sm_schema *from, const sm_schema *to, const sm_diff_opts *opts,
		   sm_ops *out, rt_error *err)
{
	(void)err;
	dctx d = { 0 };
	d.cmp = opts && opts->column_order_strict ? SM_CMP_COLUMN_ORDER : 0;
	d.opts = opts;
	d.a = from;
	d.b = to;
	d.out = out;
	plan_tables(&d);
	plan_views(&d);
	drop_views(&d);
	drop_triggers(&d);
	drop_view_triggers(&d);
	drop_indexes(&d);
	drop_tables(&d);
	change_tables(&d);
	create_indexes(&d);
	create_views(&d);
	create_triggers(&d);
	create_view_triggers(&d);
	if (d.rebuilt) {
		sm_op *op = rt_sm_ops_add(out, 0, "check foreign keys after rebuilding tables");
		op->check_only = 1;
		rt_strlist_push(&op->sql, "PRAGMA foreign_key_check");
	}
	dctx_free(&d);
	return 0;
}
