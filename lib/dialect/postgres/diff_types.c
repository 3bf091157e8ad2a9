/*
 * diff_types.c - composite types changed in place, and the defaults of
 * view columns, in a PostgreSQL schema diff.
 *
 * A composite type (an sm_object of kind "composite type") that a column
 * uses cannot be dropped and made again.  ALTER TYPE adds attributes at
 * the end, drops attributes, and changes an attribute's type while no
 * column uses the type.  So a change that keeps the attributes both
 * sides have in the same order, with the new ones after them, is made in
 * place; any other (attributes reordered, one added before others, a
 * type changed under a column) drops the type and makes it again, which
 * diff_early.c refuses while a column uses it.
 */
#include "dialect/postgres/pgdiff.h"

#include <string.h>

/* The entry "name\x1f..." of v[0..n) for the name entry e starts with, or -1. */
static long find_entry(char *const *v, size_t n, const char *e)
{
	size_t len = strcspn(e, "\x1f");
	for (size_t i = 0; i < n; i++)
		if (!strncmp(v[i], e, len) && v[i][len] == '\x1f')
			return (long)i;
	return -1;
}

static int is_composite(const sm_object *o)
{
	return !strcmp(o->kind, "composite type");
}

/*
 * Can composite type x (of a) become y (of b) by ALTER TYPE?  The
 * attributes kept are in the same order, the new ones after them, and
 * no attribute changes type while something uses the type.
 */
int rt_pgd_composite_in_place(const sm_object *x, const sm_object *y)
{
	if (!is_composite(x) || !is_composite(y))
		return 0;
	long last = -1;
	int added = 0;
	for (size_t j = 0; j < y->nattrs; j++) {
		long i = find_entry(x->attrs, x->nattrs, y->attrs[j]);
		if (i < 0) {
			added = 1;
			continue;
		}
		if (added || i < last)
			return 0;
		last = i;
		if (strcmp(x->attrs[i], y->attrs[j]) && x->nusers)
			return 0;
	}
	return 1;
}

/* One action of ALTER TYPE: "what name[ type]", ", " before every one but the first. */
static void action(strbuf *sb, names *n, const char *what, const char *name, const char *type)
{
	rt_strbuf_addf(sb, "%s%s %s%s%s", sb->len ? ", " : " ", what, I(n, name), type ? " " : "",
		       type ? type : "");
}

/* ALTER TYPE for what changes of composite type x (in a) to y (in b), when anything does. */
static void alter_composite(dd *d, const sm_object *x, const sm_object *y)
{
	strbuf acts = STRBUF_INIT;
	size_t dropped = 0;
	for (size_t i = 0; i < x->nattrs; i++) {
		if (find_entry(y->attrs, y->nattrs, x->attrs[i]) >= 0)
			continue;
		char *name = rt_xstrndup(x->attrs[i], strcspn(x->attrs[i], "\x1f"));
		action(&acts, &d->n, "DROP ATTRIBUTE", name, NULL);
		free(name);
		dropped++;
	}
	for (size_t j = 0; j < y->nattrs; j++) {
		long i = find_entry(x->attrs, x->nattrs, y->attrs[j]);
		if (i >= 0 && !strcmp(x->attrs[i], y->attrs[j]))
			continue;
		const char *type = strchr(y->attrs[j], '\x1f') + 1;
		char *name = rt_xstrndup(y->attrs[j], (size_t)(type - 1 - y->attrs[j]));
		if (i < 0)
			action(&acts, &d->n, "ADD ATTRIBUTE", name, type);
		else {
			char *to = rt_xasprintf("TYPE %s", type);
			action(&acts, &d->n, "ALTER ATTRIBUTE", name, to);
			free(to);
		}
		free(name);
	}
	if (acts.len) {
		sm_op *op = rt_sm_ops_add(d->out, dropped && x->nusers, "alter composite type %s.%s",
					  y->schema, y->name);
		if (dropped && x->nusers)
			rt_sm_op_note(op, "drops %zu attribute%s of composite type %s.%s: %s loses those values",
				      dropped, dropped == 1 ? "" : "s", y->schema, y->name, x->users[0]);
		rt_sm_op_sql(op, "ALTER TYPE %s%s", Q(&d->n, y->schema, y->name), acts.buf);
	}
	rt_strbuf_release(&acts);
}

/* The comment on the attribute entry e names, in o, or NULL. */
static const char *attr_comment(const sm_object *o, const char *e)
{
	long i = find_entry(o->attr_comments, o->nattr_comments, e);
	return i < 0 ? NULL : strchr(o->attr_comments[i], '\x1f') + 1;
}

/* Comments on y's attributes that are new, changed or gone (x: the type in a). */
static void attr_comments(dd *d, const sm_object *x, const sm_object *y)
{
	for (size_t j = 0; j < y->nattrs; j++) {
		const char *e = y->attrs[j];
		int fresh = find_entry(x->attrs, x->nattrs, e) < 0;
		char *name = rt_xstrndup(e, strcspn(e, "\x1f"));
		char *label = rt_xasprintf("%s.%s.%s", y->schema, y->name, name);
		char *target = rt_xasprintf("%s.%s", Q(&d->n, y->schema, y->name), I(&d->n, name));
		rt_pgd_comment(d, fresh, fresh ? NULL : attr_comment(x, e), attr_comment(y, e), "column",
			       label, target);
		free(target);
		free(label);
		free(name);
	}
}

/* Composite types on both sides that change in place (after new types are made). */
void rt_pgd_alter_composites(dd *d)
{
	for (size_t j = 0; j < d->b->nobjects; j++) {
		const sm_object *y = &d->b->objects[j];
		const sm_object *x = is_composite(y) ? rt_sm_find_object(d->a, y->kind, y->schema, y->name) : NULL;
		if (x && !d->oa_drop[x - d->a->objects] && !eq(x->def, y->def)) {
			alter_composite(d, x, y);
			attr_comments(d, x, y);
		}
	}
}

/*
 * Defaults of view y's columns (x: the view in a, NULL if none; fresh:
 * made anew, so it has none): set, changed, or dropped from the columns
 * y still has.
 */
void rt_pgd_view_defaults(dd *d, const sm_view *x, const sm_view *y, int fresh)
{
	char *qv = rt_xstrdup(Q(&d->n, y->schema, y->name));
	for (size_t j = 0; j < y->ncol_defaults; j++) {
		const char *e = y->col_defaults[j];
		long i = fresh || !x ? -1 : find_entry(x->col_defaults, x->ncol_defaults, e);
		if (i >= 0 && !strcmp(x->col_defaults[i], e))
			continue;
		size_t len = strcspn(e, "\x1f");
		char *col = rt_xstrndup(e, len);
		sm_op *op = rt_sm_ops_add(d->out, 0, "view %s.%s: column %s default", y->schema, y->name, col);
		rt_sm_op_sql(op, "ALTER VIEW %s ALTER COLUMN %s SET DEFAULT %s", qv, I(&d->n, col), e + len + 1);
		free(col);
	}
	for (size_t i = 0; x && !fresh && i < x->ncol_defaults; i++) {
		const char *e = x->col_defaults[i];
		size_t len = strcspn(e, "\x1f");
		int kept = 0; /* y has the column ("name type") */
		for (size_t k = 0; k < y->ncols && !kept; k++)
			kept = !strncmp(y->cols[k], e, len) && y->cols[k][len] == ' ';
		if (!kept || find_entry(y->col_defaults, y->ncol_defaults, e) >= 0)
			continue;
		char *col = rt_xstrndup(e, len);
		sm_op *op = rt_sm_ops_add(d->out, 0, "view %s.%s: column %s default", y->schema, y->name, col);
		rt_sm_op_sql(op, "ALTER VIEW %s ALTER COLUMN %s DROP DEFAULT", qv, I(&d->n, col));
		free(col);
	}
	free(qv);
}
