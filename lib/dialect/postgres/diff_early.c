/*
 * diff_early.c - what a PostgreSQL schema diff makes before the tables
 * and drops after them (domains, functions that use no relation, and
 * objects kept as their definition: aggregates, collations, operators,
 * ...), in the order of what they use; and objects that use tables
 * (policies, statistics), made with the views.
 *
 * An object (sm_object) that changes is dropped and made again, and so
 * is one that uses something dropped and made again; what uses it in
 * turn is dropped first.  One that a column, constraint or index uses
 * cannot be dropped under it: the diff refuses, naming both.
 */
#include "dialect/postgres/pgdiff.h"

#include <string.h>

/* ---- nodes ---- */

/* Domains, functions that use no relation, objects that use none: as nodes. */
void rt_pgd_early_nodes(const sm_schema *s, node **out, size_t *n)
{
	*out = rt_xcalloc(s->ndomains + s->nfuncs + s->nobjects + 1, sizeof(node));
	*n = 0;
	for (size_t i = 0; i < s->ndomains; i++) {
		node *x = &(*out)[(*n)++];
		x->m = &s->domains[i];
		x->name = dep_name(x->m->schema, x->m->name);
	}
	for (size_t i = 0; i < s->nfuncs; i++) {
		if (rt_pgd_func_is_late(s, &s->funcs[i]))
			continue;
		node *x = &(*out)[(*n)++];
		x->f = &s->funcs[i];
		x->name = dep_name(x->f->schema, x->f->identity);
	}
	for (size_t i = 0; i < s->nobjects; i++) {
		if (rt_pgd_obj_is_late(s, &s->objects[i]))
			continue;
		node *x = &(*out)[(*n)++];
		x->o = &s->objects[i];
		x->name = rt_xstrdup(x->o->key);
	}
}

/* ---- rendering ---- */

static void create_object(dd *d, const sm_object *o)
{
	sm_op *op = rt_sm_ops_add(d->out, 0, "create %s %s%s%s", o->kind, o->schema ? o->schema : "",
				  o->schema ? "." : "", o->name);
	for (const char *p = o->def; p;) {
		const char *e = strstr(p, "\n;\n");
		rt_sm_op_sql(op, "%.*s", (int)(e ? (size_t)(e - p) : strlen(p)), p);
		p = e ? e + 3 : NULL;
	}
}

static void drop_object(dd *d, const sm_object *o)
{
	sm_op *op = rt_sm_ops_add(d->out, 0, "drop %s %s%s%s", o->kind, o->schema ? o->schema : "",
				  o->schema ? "." : "", o->name);
	rt_sm_op_sql(op, "%s", o->drop);
}

/* ---- marking ---- */

static int deps_dirty(const dd *d, char *const *deps, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (is_dirty(d, deps[i]) || rt_strlist_has(&d->dance, deps[i]))
			return 1;
	return 0;
}

/*
 * Objects of a that are dropped (late ones: those using relations, when
 * late is set): gone, changed, or using something dropped.  Returns
 * whether it found any.
 */
int rt_pgd_mark_objects_once(dd *d, int late)
{
	int more = 0;
	for (size_t i = 0; i < d->a->nobjects; i++) {
		const sm_object *x = &d->a->objects[i];
		if (d->oa_drop[i] || rt_pgd_obj_is_late(d->a, x) != late)
			continue;
		const sm_object *y = rt_sm_find_object(d->b, x->kind, x->schema, x->name);
		if (y && (eq(x->def, y->def) || rt_pgd_composite_in_place(x, y)) &&
		    !deps_dirty(d, x->deps, x->ndeps))
			continue;
		d->oa_drop[i] = 1;
		mark_dirty(d, x->key);
		more = 1;
	}
	return more;
}

/*
 * Before the tables are marked: early objects dropped, and the functions
 * (using no relation) that use one of them, until nothing more is found.
 */
void rt_pgd_mark_objects(dd *d)
{
	for (int more = 1; more;) {
		more = rt_pgd_mark_objects_once(d, 0);
		for (size_t i = 0; i < d->a->nfuncs; i++) {
			const sm_function *f = &d->a->funcs[i];
			if (d->fa_drop[i] || rt_pgd_func_is_late(d->a, f) || !deps_dirty(d, f->deps, f->ndeps))
				continue;
			d->fa_drop[i] = 1;
			char *n = dep_name(f->schema, f->identity);
			mark_dirty(d, n);
			free(n);
			more = 1;
		}
	}
}

/* Objects of b to make: new, or dropped above. */
void rt_pgd_mark_object_makes(dd *d)
{
	for (size_t j = 0; j < d->b->nobjects; j++) {
		const sm_object *y = &d->b->objects[j];
		const sm_object *x = rt_sm_find_object(d->a, y->kind, y->schema, y->name);
		d->ob_make[j] = !x || d->oa_drop[(size_t)(x - d->a->objects)];
	}
}

/* ---- phases ---- */

/* Objects that use relations, dropped before anything they use changes. */
void rt_pgd_drop_late_objects(dd *d)
{
	for (size_t i = d->a->nobjects; i-- > 0;)
		if (d->oa_drop[i] && rt_pgd_obj_is_late(d->a, &d->a->objects[i]))
			drop_object(d, &d->a->objects[i]);
}

/*
 * Functions that use no relation and are dropped early: those made
 * again, and those whose signature names an enum type about to be
 * renamed away (after that, the name means its new version).
 */
static int early_drop(const dd *d, size_t i)
{
	const sm_function *f = &d->a->funcs[i];
	return d->fa_drop[i] && !rt_pgd_func_is_late(d->a, f) &&
	       (rt_sm_find_function(d->b, f->schema, f->identity) || rt_pgd_uses_dance(d, f));
}

/*
 * Does object o of a use an object that is dropped and made again?  Then
 * o goes before it, with the objects made again, even when b lacks o.
 */
static int uses_remade(const dd *d, const sm_object *o)
{
	for (size_t k = 0; k < o->ndeps; k++)
		for (size_t i = 0; i < d->a->nobjects; i++) {
			const sm_object *u = &d->a->objects[i];
			if (d->oa_drop[i] && !strcmp(u->key, o->deps[k]) &&
			    rt_sm_find_object(d->b, u->kind, u->schema, u->name))
				return 1;
		}
	return 0;
}

/* Is early node x of a dropped now (changed: made again) or after the tables (gone)? */
static int dropped_now(const dd *d, const node *x, int changed)
{
	if (x->f) {
		size_t i = (size_t)(x->f - d->a->funcs);
		return changed ? early_drop(d, i) : d->fa_drop[i] && !early_drop(d, i);
	}
	if (x->o) {
		size_t i = (size_t)(x->o - d->a->objects);
		int now = rt_sm_find_object(d->b, x->o->kind, x->o->schema, x->o->name) != NULL ||
			  uses_remade(d, x->o);
		return d->oa_drop[i] && now == changed;
	}
	return !changed && !rt_sm_find_domain(d->b, x->m->schema, x->m->name);
}

/* An object made again cannot be dropped under a column, constraint or index. */
static int refuse_used(dd *d, const sm_object *o)
{
	if (!o->nusers)
		return 0;
	rt_fail(d->err, RT_EFAIL, "%s %s.%s must be dropped and made again (%s), but %s uses it",
		o->kind, o->schema, o->name, !strcmp(o->kind, "composite type") ?
		"ALTER TYPE cannot reorder attributes, add one before others, or change the type of one "
		"while a column uses the type" : "its definition or something it uses changes", o->users[0]);
	rt_hint(d->err, "write this migration by hand: drop or change what uses it first, make %s again, then restore them",
		o->name);
	return -1;
}

/*
 * Early nodes of a dropped now (changed) or after the tables (gone),
 * what uses another first.  -1 when an object made again is in use.
 */
int rt_pgd_drop_early(dd *d, int changed)
{
	node *v;
	size_t n;
	rt_pgd_early_nodes(d->a, &v, &n);
	size_t *order = rt_pgd_nodes_order(v, n);
	int rc = 0;
	for (size_t k = n; k-- > 0 && rc == 0;) {
		const node *x = &v[order[k]];
		if (!dropped_now(d, x, changed))
			continue;
		if (x->f)
			rt_pgd_drop_function(d, x->f);
		else if (x->o && !(rc = changed && rt_sm_find_object(d->b, x->o->kind, x->o->schema,
								     x->o->name) ? refuse_used(d, x->o) : 0))
			drop_object(d, x->o);
		else if (x->m)
			rt_pgd_drop_domain(d, x->m);
	}
	free(order);
	rt_pgd_nodes_free(v, n);
	return rc;
}

/*
 * Before the tables, in the order of what they use: new domains,
 * functions that use no relation (new or changed), objects that use
 * none; then changes to existing domains and composite types.  -1 when
 * a domain change cannot be written.
 */
int rt_pgd_create_early(dd *d)
{
	node *v;
	size_t n;
	rt_pgd_early_nodes(d->b, &v, &n);
	size_t *order = rt_pgd_nodes_order(v, n);
	for (size_t k = 0; k < n; k++) {
		const node *x = &v[order[k]];
		if (x->f && d->fb_make[x->f - d->b->funcs])
			rt_pgd_create_function(d, x->f, d->fb_make[x->f - d->b->funcs] == 2);
		else if (x->o && d->ob_make[x->o - d->b->objects])
			create_object(d, x->o);
		else if (x->m && !rt_sm_find_domain(d->a, x->m->schema, x->m->name))
			rt_pgd_create_domain(d, x->m);
	}
	free(order);
	rt_pgd_nodes_free(v, n);
	for (size_t i = 0; i < d->b->ndomains; i++) {
		const sm_domain *y = &d->b->domains[i];
		const sm_domain *x = rt_sm_find_domain(d->a, y->schema, y->name);
		if (x && rt_pgd_alter_domain(d, x, y) < 0)
			return -1;
	}
	rt_pgd_alter_composites(d);
	return 0;
}

/* An object of b that uses relations, made with the views (rt_pgd_create_views). */
void rt_pgd_create_late_object(dd *d, const sm_object *o)
{
	if (d->ob_make[o - d->b->objects])
		create_object(d, o);
}

/* Comments of objects (made-again ones lost theirs). */
void rt_pgd_object_comments(dd *d)
{
	for (size_t i = 0; i < d->b->nobjects; i++) {
		const sm_object *y = &d->b->objects[i];
		if (!y->target)
			continue;
		const sm_object *x = rt_sm_find_object(d->a, y->kind, y->schema, y->name);
		char *label = rt_xasprintf("%s%s%s", y->schema ? y->schema : "", y->schema ? "." : "", y->name);
		/* the target names the kind: COMMENT ON <target> */
		rt_pgd_comment_on(d, d->ob_make[i], x ? x->comment : NULL, y->comment, y->kind, label, y->target);
		free(label);
	}
}
