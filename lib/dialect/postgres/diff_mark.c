/*
 * diff_mark.c - before a PostgreSQL schema diff writes anything, it marks
 * what must be dropped and made again around each change (views over a
 * retyped column, triggers of a remade function, foreign keys into a
 * replaced key, enum types recreated by the rename dance), and orders the
 * views and functions that use relations, dependencies first.
 */
#include "dialect/postgres/pgdiff.h"

#include <ctype.h>
#include <string.h>

/* ------------------------------------------------------------------ */
/* What changes: marking                                               */
/* ------------------------------------------------------------------ */

/* Is column a's type (or array of it) the enum named qtype (quoted, qualified)? */
static int col_of_type(const sm_column *c, const char *qtype)
{
	size_t n = strlen(qtype);
	return !strncmp(c->type, qtype, n) && (!c->type[n] || !strcmp(c->type + n, "[]"));
}

/* Is the enum (on both sides) recreated by the rename-create-recast-drop dance? */
int rt_pgd_enum_dance(const sm_enum *a, const sm_enum *b)
{
	size_t j = 0;
	for (size_t i = 0; i < b->nlabels && j < a->nlabels; i++)
		if (!strcmp(b->labels[i], a->labels[j]))
			j++;
	return j < a->nlabels; /* a's labels are not all in b in the same order */
}

/* Is column x (of a) recast to the new version of a danced enum? */
int rt_pgd_col_recast(const dd *d, const sm_column *x, const sm_column *y)
{
	if (strcmp(x->type, y->type))
		return 0;
	for (size_t i = 0; i < d->dance.n; i++) {
		const char *dot = strchr(d->dance.v[i], '.');
		char *schema = rt_xstrndup(d->dance.v[i], (size_t)(dot - d->dance.v[i]));
		strbuf q = STRBUF_INIT;
		rt_pg_qname(&q, schema, dot + 1);
		int hit = col_of_type(x, q.buf);
		rt_strbuf_release(&q);
		free(schema);
		if (hit)
			return 1;
	}
	return 0;
}

/* Does def mention one of the danced enum types? */
static int mentions_dance(const dd *d, const char *def)
{
	for (size_t i = 0; i < d->dance.n; i++) {
		const char *dot = strchr(d->dance.v[i], '.');
		char *schema = rt_xstrndup(d->dance.v[i], (size_t)(dot - d->dance.v[i]));
		strbuf q = STRBUF_INIT;
		rt_pg_qname(&q, schema, dot + 1);
		int hit = rt_pgd_mentions(def, q.buf);
		rt_strbuf_release(&q);
		free(schema);
		if (hit)
			return 1;
	}
	return 0;
}

/*
 * Does def (a default, check or index) call a function of a that is
 * dropped (and made again when b has it)?  The server refuses DROP
 * FUNCTION under it, so it goes first and comes back after.
 */
int rt_pgd_calls_dropped_function(const dd *d, const char *def)
{
	for (size_t i = 0; def && i < d->a->nfuncs; i++) {
		if (!d->fa_drop[i])
			continue;
		strbuf q = STRBUF_INIT;
		rt_pg_qname(&q, d->a->funcs[i].schema, d->a->funcs[i].name);
		rt_strbuf_addc(&q, '(');
		int hit = strstr(def, q.buf) != NULL;
		rt_strbuf_release(&q);
		if (hit)
			return 1;
	}
	return 0;
}

/* Does the column change type (or collation, or enum version)? */
int rt_pgd_col_type_changes(const dd *d, const sm_column *x, const sm_column *y)
{
	return strcmp(x->type, y->type) || !eq(x->collation, y->collation) || rt_pgd_col_recast(d, x, y);
}

/*
 * Does generated column y read a column whose type changes?  PostgreSQL
 * refuses to change it under the expression.  The expression names
 * columns bare (quoted when needed), so the name is looked for.
 */
static int reads_retyped(const dd *d, const sm_table *ta, const sm_table *tb,
			 const sm_column *y)
{
	for (size_t i = 0; i < tb->ncols; i++) {
		const sm_column *c = &tb->cols[i];
		const sm_column *x = rt_sm_find_column(ta, c->name);
		if (c == y || !x || !rt_pgd_col_type_changes(d, x, c))
			continue;
		strbuf q = STRBUF_INIT;
		rt_pg_ident(&q, c->name);
		int hit = rt_pgd_mentions(y->generated, q.buf);
		rt_strbuf_release(&q);
		if (hit)
			return 1;
	}
	return 0;
}

/*
 * Is x a generated column of a that calls a function dropped and made
 * again?  The server refuses DROP FUNCTION under it: rt_pgd_release_functions
 * drops the column (or its expression) first.  Only the functions
 * rt_pgd_mark_functions drops (fa_drop 1) count: the rest go after the tables.
 */
int rt_pgd_released_column(const dd *d, const sm_column *x)
{
	for (size_t i = 0; x->generated && i < d->a->nfuncs; i++) {
		if (d->fa_drop[i] != 1)
			continue;
		strbuf q = STRBUF_INIT;
		rt_pg_qname(&q, d->a->funcs[i].schema, d->a->funcs[i].name);
		rt_strbuf_addc(&q, '(');
		int hit = strstr(x->generated, q.buf) != NULL;
		rt_strbuf_release(&q);
		if (hit)
			return 1;
	}
	return 0;
}

/*
 * Must a generated column be dropped and added again: its expression
 * changes, a column it reads changes type, or a function it calls is
 * made again?
 */
int rt_pgd_col_rebuilt(const dd *d, const sm_table *ta, const sm_table *tb,
		    const sm_column *x, const sm_column *y)
{
	if (!y->generated)
		return 0;
	return !x->generated || strcmp(x->generated, y->generated) || x->stored != y->stored ||
	       reads_retyped(d, ta, tb, y) || rt_pgd_released_column(d, x);
}

/*
 * How many of b's columns (from the first) stay where they are.  By
 * default all of them: order is no difference, and new columns go at the
 * end.  With column_order = strict, the columns of a, in a's order, not
 * rebuilt; every later column is added at the end in b's order, new ones
 * and existing ones moved there (a column cannot move in place), so the
 * table ends with b's column order.
 */
static size_t kept_prefix(const dd *d, const sm_table *ta, const sm_table *tb)
{
	size_t last = 0, i;
	if (!d->strict_order)
		return tb->ncols;
	for (i = 0; i < tb->ncols; i++) {
		const sm_column *x = rt_sm_find_column(ta, tb->cols[i].name);
		if (!x || rt_pgd_col_rebuilt(d, ta, tb, x, &tb->cols[i]) || (size_t)(x - ta->cols) < last)
			break;
		last = (size_t)(x - ta->cols);
	}
	return i;
}

/* Is column y of b's table tb (which a has as ta) moved to the end? */
int rt_pgd_col_moved(const dd *d, const sm_table *ta, const sm_table *tb, const sm_column *y)
{
	const sm_column *x = rt_sm_find_column(ta, y->name);
	return x && !rt_pgd_col_rebuilt(d, ta, tb, x, y) &&
	       (size_t)(y - tb->cols) >= d->prefix[rt_pgd_table_index(d->a, ta)];
}

/* Is the column dropped and added again (rebuilt or moved)? */
int rt_pgd_col_remade(const dd *d, const sm_table *ta, const sm_table *tb,
		   const sm_column *x, const sm_column *y)
{
	return rt_pgd_col_rebuilt(d, ta, tb, x, y) || rt_pgd_col_moved(d, ta, tb, y);
}

/*
 * Columns whose dependents (views, from pg_depend's column-level
 * entries "schema.table.column") must be dropped first: dropped, rebuilt,
 * moved, or changing type.
 */
static void mark_columns(dd *d, const sm_table *ta, const sm_table *tb)
{
	for (size_t i = 0; i < ta->ncols; i++) {
		const sm_column *x = &ta->cols[i];
		const sm_column *y = rt_sm_find_column(tb, x->name);
		if (y && !rt_pgd_col_remade(d, ta, tb, x, y) && !rt_pgd_col_type_changes(d, x, y))
			continue;
		char *n = rt_xasprintf("%s.%s.%s", ta->schema, ta->name, x->name);
		mark_dirty(d, n);
		free(n);
	}
}

/* Flags of a table on both sides, from its columns. */
static unsigned column_flags(const dd *d, const sm_table *ta, const sm_table *tb)
{
	unsigned f = 0;
	for (size_t i = 0; i < ta->ncols; i++) {
		const sm_column *x = &ta->cols[i];
		const sm_column *y = rt_sm_find_column(tb, x->name);
		if (!y)
			f |= TF_TRIGGERS;
		else if (rt_pgd_col_remade(d, ta, tb, x, y))
			f |= TF_TRIGGERS | TF_ALL | TF_FKIN;
		else if (rt_pgd_col_type_changes(d, x, y) || (x->generated && !y->generated))
			f |= TF_TRIGGERS;
	}
	return f;
}

/* Does a column of a's table ta named in cols change type (collation, enum version) in b? */
static int cols_retyped(const dd *d, const sm_table *ta, char *const *cols, size_t n)
{
	const sm_table *tb = ta ? rt_sm_find_table(d->b, ta->schema, ta->name) : NULL;
	for (size_t i = 0; tb && i < n; i++) {
		const sm_column *x = rt_sm_find_column(ta, cols[i]);
		const sm_column *y = rt_sm_find_column(tb, cols[i]);
		if (x && y && rt_pgd_col_type_changes(d, x, y))
			return 1;
	}
	return 0;
}

/* Is a's constraint k (of table ta) dropped: gone, changed, or forced? */
int rt_pgd_con_dropped(const dd *d, const sm_table *ta, const sm_table *tb,
		    const sm_constraint *k)
{
	const sm_constraint *m = tb ? rt_sm_find_constraint(tb, k->name) : NULL;
	if (!m || m->kind != k->kind)
		return 1;
	unsigned f = d->tflags[rt_pgd_table_index(d->a, ta)];
	if (f & TF_ALL)
		return 1;
	if (k->kind == SM_FOREIGN && k->ref_table) {
		const sm_table *r = rt_pgd_table_by_dep(d->a, k->ref_table);
		if (r && (d->tflags[rt_pgd_table_index(d->a, r)] & TF_FKIN))
			return 1;
		/*
		 * Its columns or the ones it references change type: the
		 * server checks the pair at each ALTER COLUMN TYPE, so the key
		 * goes first and comes back when both have their new types.
		 */
		if (cols_retyped(d, ta, k->cols, k->ncols) ||
		    cols_retyped(d, r, k->ref_cols, k->nref_cols))
			return 1;
	}
	if (mentions_dance(d, k->def) || rt_pgd_calls_dropped_function(d, k->def))
		return 1;
	if (!strcmp(k->def, m->def) && k->validated == m->validated)
		return 0;
	/* NOT VALID -> valid is ALTER TABLE ... VALIDATE CONSTRAINT */
	return !(!k->validated && m->validated && rt_pgd_same_but_validity(k->def, m->def));
}

/* Is a's index x (of table ta) dropped? */
int rt_pgd_idx_dropped(const dd *d, const sm_table *ta, const sm_table *tb, const sm_index *x)
{
	const sm_index *m = tb ? rt_sm_find_index(tb->idx, tb->nidx, x->name) : NULL;
	if (!m || strcmp(m->def, x->def))
		return 1;
	return (d->tflags[rt_pgd_table_index(d->a, ta)] & TF_ALL) || mentions_dance(d, x->def) ||
	       rt_pgd_calls_dropped_function(d, x->def);
}

/* Keys of a table change (so foreign keys pointing at it are made again). */
static unsigned key_flags(const dd *d, const sm_table *ta, const sm_table *tb)
{
	unsigned f = 0;
	for (size_t i = 0; i < ta->ncons; i++) {
		const sm_constraint *k = &ta->cons[i];
		if ((k->kind == SM_PRIMARY || k->kind == SM_UNIQUE) && rt_pgd_con_dropped(d, ta, tb, k))
			f |= TF_FKIN | (k->kind == SM_PRIMARY ? TF_VIEWS : 0);
	}
	for (size_t i = 0; i < ta->nidx; i++)
		if (ta->idx[i].unique && !ta->idx[i].constraint && rt_pgd_idx_dropped(d, ta, tb, &ta->idx[i]))
			f |= TF_FKIN;
	return f;
}

/* Enum types recreated by the dance. */
void rt_pgd_mark_dances(dd *d)
{
	for (size_t i = 0; i < d->a->nenums; i++) {
		const sm_enum *x = &d->a->enums[i];
		const sm_enum *y = rt_sm_find_enum(d->b, x->schema, x->name);
		if (y && rt_pgd_enum_dance(x, y)) {
			char *n = dep_name(x->schema, x->name);
			rt_strlist_push(&d->dance, n);
			mark_dirty(d, n);
			free(n);
		}
	}
}

/* Flags of every table on both sides; views over flagged tables become dirty. */
void rt_pgd_mark_tables(dd *d)
{
	for (size_t i = 0; i < d->a->ntables; i++) {
		const sm_table *ta = &d->a->tables[i];
		const sm_table *tb = rt_sm_find_table(d->b, ta->schema, ta->name);
		if (!tb)
			continue;
		if (tb->partition_of) { /* its columns are its parent's: nothing of them is done */
			d->prefix[i] = tb->ncols;
			continue;
		}
		d->prefix[i] = kept_prefix(d, ta, tb);
		d->tflags[i] = (unsigned char)column_flags(d, ta, tb);
		mark_columns(d, ta, tb);
	}
	/* keys depend on the column flags of every table (TF_ALL) */
	for (size_t i = 0; i < d->a->ntables; i++) {
		const sm_table *ta = &d->a->tables[i];
		const sm_table *tb = rt_sm_find_table(d->b, ta->schema, ta->name);
		if (tb)
			d->tflags[i] |= (unsigned char)key_flags(d, ta, tb);
	}
	for (size_t i = 0; i < d->a->ntables; i++) {
		const sm_table *ta = &d->a->tables[i];
		const sm_table *tb = rt_sm_find_table(d->b, ta->schema, ta->name);
		char *n = dep_name(ta->schema, ta->name);
		if (!tb || (d->tflags[i] & TF_VIEWS))
			mark_dirty(d, n);
		free(n);
	}
}

/* Does a function's signature use an enum type that is recreated? */
int rt_pgd_uses_dance(const dd *d, const sm_function *f)
{
	for (size_t j = 0; j < f->ndeps; j++)
		if (rt_strlist_has(&d->dance, f->deps[j]))
			return 1;
	return 0;
}

/*
 * Functions of a that are dropped: gone, changed beyond CREATE OR
 * REPLACE (arguments or result), or using an enum type that is
 * recreated.  What uses them must go first.
 */
void rt_pgd_mark_functions(dd *d)
{
	for (size_t i = 0; i < d->a->nfuncs; i++) {
		const sm_function *f = &d->a->funcs[i];
		const sm_function *g = rt_sm_find_function(d->b, f->schema, f->identity);
		if (g && rt_pgd_func_replaceable(f, g) && !rt_pgd_uses_dance(d, f))
			continue;
		char *n = dep_name(f->schema, f->identity);
		mark_dirty(d, n);
		free(n);
		d->fa_drop[i] = 1;
	}
}

/*
 * Can CREATE OR REPLACE VIEW turn view x into y?  Only when y keeps x's
 * columns (names and types, in order) and at most adds some at the end.
 */
static int view_replaceable(const sm_view *x, const sm_view *y)
{
	if (x->materialized || y->materialized || x->ncols > y->ncols)
		return 0;
	for (size_t i = 0; i < x->ncols; i++)
		if (strcmp(x->cols[i], y->cols[i]))
			return 0;
	return 1;
}

/* Does one of deps name something dropped and made again (or a recreated enum type)? */
static int deps_dirty(const dd *d, char *const *deps, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (is_dirty(d, deps[i]) || rt_strlist_has(&d->dance, deps[i]))
			return 1;
	return 0;
}

/*
 * Views (and functions that use relations) of a that must be dropped:
 * gone, changed beyond CREATE OR REPLACE, or reading something dirty.
 * Each one found is dirty in turn (what reads it must go too), so this
 * runs until it finds nothing more.
 */
int rt_pgd_mark_views_once(dd *d)
{
	int more = 0;
	for (size_t i = 0; i < d->a->nviews; i++) {
		const sm_view *x = &d->a->views[i];
		if (d->va_drop[i])
			continue;
		const sm_view *y = rt_sm_find_view(d->b, x->schema, x->name);
		int drop = !y || x->materialized != y->materialized ||
			   deps_dirty(d, x->deps, x->ndeps) ||
			   (strcmp(x->def, y->def) && !view_replaceable(x, y));
		if (!drop)
			continue;
		d->va_drop[i] = 1;
		char *n = dep_name(x->schema, x->name);
		mark_dirty(d, n);
		free(n);
		more = 1;
	}
	for (size_t i = 0; i < d->a->nfuncs; i++) {
		const sm_function *f = &d->a->funcs[i];
		if (d->fa_drop[i] || !rt_pgd_func_is_late(d->a, f) || !deps_dirty(d, f->deps, f->ndeps))
			continue;
		d->fa_drop[i] = 2; /* late: after the tables (rt_pgd_released_column ignores it) */
		char *n = dep_name(f->schema, f->identity);
		mark_dirty(d, n);
		free(n);
		more = 1;
	}
	return more;
}

/* Views and functions of b to make: new, dropped above, or changed. */
void rt_pgd_mark_makes(dd *d)
{
	for (size_t j = 0; j < d->b->nviews; j++) {
		const sm_view *y = &d->b->views[j];
		const sm_view *x = rt_sm_find_view(d->a, y->schema, y->name);
		if (!x || d->va_drop[(size_t)(x - d->a->views)])
			d->vb_make[j] = 1;
		else if (strcmp(x->def, y->def))
			d->vb_make[j] = 2;
	}
	for (size_t j = 0; j < d->b->nfuncs; j++) {
		const sm_function *g = &d->b->funcs[j];
		const sm_function *f = rt_sm_find_function(d->a, g->schema, g->identity);
		if (!f || d->fa_drop[(size_t)(f - d->a->funcs)])
			d->fb_make[j] = 1;
		else if (strcmp(f->def, g->def))
			d->fb_make[j] = 2;
	}
}

/* Is trigger g (of a's table ta) dropped? */
int rt_pgd_trg_dropped(const dd *d, const sm_table *ta, const sm_table *tb, const sm_trigger *g)
{
	const sm_trigger *m = tb ? rt_sm_find_trigger(tb, g->name) : NULL;
	if (!m || strcmp(m->def, g->def))
		return 1;
	if (d->tflags[rt_pgd_table_index(d->a, ta)] & TF_TRIGGERS)
		return 1;
	for (size_t i = 0; i < d->a->nfuncs; i++) {
		const sm_function *f = &d->a->funcs[i];
		if (!d->fa_drop[i])
			continue;
		strbuf q = STRBUF_INIT;
		rt_strbuf_adds(&q, "FUNCTION ");
		rt_pg_qname(&q, f->schema, f->name);
		rt_strbuf_addc(&q, '(');
		int hit = strstr(g->def, q.buf) != NULL;
		rt_strbuf_release(&q);
		if (hit)
			return 1;
	}
	return 0;
}

/* ------------------------------------------------------------------ */
/* Ordering views and functions that use relations                     */
/* ------------------------------------------------------------------ */


/* Every view, and every function and object that uses a relation of s, as nodes. */
void rt_pgd_nodes_build(const sm_schema *s, node **out, size_t *n)
{
	*out = rt_xcalloc(s->nviews + s->nfuncs + s->nobjects + 1, sizeof(node));
	*n = 0;
	for (size_t i = 0; i < s->nviews; i++) {
		node *x = &(*out)[(*n)++];
		x->v = &s->views[i];
		x->name = dep_name(x->v->schema, x->v->name);
	}
	for (size_t i = 0; i < s->nfuncs; i++) {
		if (!rt_pgd_func_is_late(s, &s->funcs[i]))
			continue;
		node *x = &(*out)[(*n)++];
		x->f = &s->funcs[i];
		x->name = dep_name(x->f->schema, x->f->identity);
	}
	for (size_t i = 0; i < s->nobjects; i++) {
		if (!rt_pgd_obj_is_late(s, &s->objects[i]))
			continue;
		node *x = &(*out)[(*n)++];
		x->o = &s->objects[i];
		x->name = rt_xstrdup(x->o->key);
	}
}

void rt_pgd_nodes_free(node *v, size_t n)
{
	for (size_t i = 0; i < n; i++)
		free(v[i].name);
	free(v);
}

/* Does node x use a node not yet done? */
static int node_waits(const node *v, size_t n, const node *x)
{
	char *const *deps = x->v ? x->v->deps : x->f ? x->f->deps : x->o ? x->o->deps : x->m->deps;
	size_t nd = x->v ? x->v->ndeps : x->f ? x->f->ndeps : x->o ? x->o->ndeps : x->m->ndeps;
	for (size_t i = 0; i < n; i++)
		if (!v[i].done && &v[i] != x && rt_pgd_has_str(deps, nd, v[i].name))
			return 1;
	return 0;
}

/*
 * The nodes in dependency order (what they use first; name order among
 * equals).  A cycle, which PostgreSQL itself would refuse, ends in name
 * order.
 */
size_t *rt_pgd_nodes_order(node *v, size_t n)
{
	size_t *order = rt_xcalloc(n + 1, sizeof(size_t)), k = 0;
	while (k < n) {
		size_t before = k;
		for (size_t i = 0; i < n; i++)
			if (!v[i].done && !node_waits(v, n, &v[i])) {
				v[i].done = 1;
				order[k++] = i;
			}
		if (k == before)
			for (size_t i = 0; i < n; i++)
				if (!v[i].done) {
					v[i].done = 1;
					order[k++] = i;
					break;
				}
	}
	return order;
}

