/*
 * rename.c - the renames a declared schema asks for, as operations.
 *
 * A table or column marked "-- retort:renamed-from OLD" (hints.c) is a
 * rename when the other side of the diff has OLD and not the new name:
 * the hint on the schema diffed to renames forwards, a hint on the schema
 * diffed from renames backwards (a downgrade, or `diff --from schema`).
 * Once the rename has run, OLD is gone and the hint does nothing.
 *
 * Renames run first: the dialect writes each and changes the model of
 * the database to what it holds after it, so the diff that follows sees
 * a column renamed, not one dropped and one added.  The way back starts
 * the same way, the renames undone (last first) on the schema renamed
 * to, then the diff back: what names the old objects (a view's query)
 * is made again only once they have their old names.
 */
#include "internal.h"
#include "dialect/dialect.h"
#include "schema/model.h"
#include "schema/ops.h"
#include "schema/rename.h"

#include <string.h>

static const sm_table *table_named(const sm_schema *s, const char *schema, const char *name)
{
	return rt_sm_find_table_ci(s, schema, name);
}

static const sm_column *column_named(const sm_table *t, const char *name)
{
	return rt_sm_find_column_ci(t, name);
}

static const char *keep(sm_renames *l, const char *s)
{
	l->names = rt_xrealloc(l->names, (l->nnames + 1) * sizeof(char *));
	return l->names[l->nnames++] = rt_xstrdup(s);
}

static void push(sm_renames *l, const char *schema, const char *table, const char *column,
		 const char *from, const char *to)
{
	l->v = rt_xrealloc(l->v, (l->n + 1) * sizeof(sm_rename));
	l->v[l->n++] = (sm_rename){ schema ? keep(l, schema) : NULL, keep(l, table),
				    column ? keep(l, column) : NULL, keep(l, from), keep(l, to) };
}

/*
 * Table renames: a table of `marked` with renamed_from OLD, where `other`
 * has OLD and not the table's name.  forward: marked is the target (other
 * is renamed to it); else other is renamed back to OLD.
 */
static void table_renames(const sm_schema *other, const sm_schema *marked, int forward, sm_renames *l)
{
	for (size_t i = 0; i < marked->ntables; i++) {
		const sm_table *t = &marked->tables[i];
		const sm_table *o = t->renamed_from ? table_named(other, t->schema, t->renamed_from) : NULL;
		if (!o || table_named(other, t->schema, t->name))
			continue;
		if (forward)
			push(l, o->schema, o->name, NULL, o->name, t->name);
		else
			push(l, t->schema, t->name, NULL, t->name, o->name);
	}
}

/* Column renames of marked's tables, as table_renames. */
static void column_renames(const sm_schema *a, const sm_schema *b, const sm_schema *marked,
			   int forward, sm_renames *l, size_t ntables)
{
	const sm_schema *other = forward ? a : b;
	for (size_t i = 0; i < marked->ntables; i++) {
		const sm_table *t = &marked->tables[i];
		/* the same table on the other side: by name, or by the table rename */
		const sm_table *o = table_named(other, t->schema, t->name);
		for (size_t k = 0; !o && k < ntables; k++) {
			const sm_rename *r = &l->v[k];
			if (forward && !strcmp(r->to, t->name))
				o = table_named(other, r->schema, r->from);
			if (!forward && !strcmp(r->from, t->name))
				o = table_named(other, r->schema, r->to);
		}
		if (!o)
			continue;
		/* a's tables carry b's names once the table renames ran */
		const char *table = forward ? t->name : o->name;
		for (size_t j = 0; j < t->ncols; j++) {
			const sm_column *c = &t->cols[j];
			const sm_column *oc = c->renamed_from ? column_named(o, c->renamed_from) : NULL;
			if (!oc || column_named(o, c->name))
				continue;
			if (forward)
				push(l, o->schema, table, oc->name, oc->name, c->name);
			else
				push(l, t->schema, table, c->name, c->name, oc->name);
		}
	}
}

/* See rename.h. */
void rt_sm_renames_gather(const sm_schema *a, const sm_schema *b, sm_renames *out)
{
	memset(out, 0, sizeof(*out));
	table_renames(a, b, 1, out);
	table_renames(b, a, 0, out);
	size_t ntables = out->n;
	column_renames(a, b, b, 1, out, ntables);
	column_renames(a, b, a, 0, out, ntables);
}

/*
 * See rename.h.  Back: the renames undone, last first, on the schema
 * renamed to (its tables carry the new names, so a column's table is
 * already named as the rename says).
 */
int rt_sm_renames_apply(const rt_dialect *d, sm_schema *s, const sm_schema *target,
			const sm_renames *l, int back, sm_ops *out, rt_error *err)
{
	for (size_t k = 0; k < l->n; k++) {
		const sm_rename *r = &l->v[back ? l->n - 1 - k : k];
		sm_rename x = *r;
		if (back) {
			x.from = r->to;
			x.to = r->from;
			if (!r->column)
				x.table = r->to;
			else
				x.column = r->to;
		}
		if (d->rename(s, target, &x, out, err) < 0)
			return -1;
	}
	return 0;
}

void rt_sm_renames_free(sm_renames *l)
{
	for (size_t i = 0; i < l->nnames; i++)
		free(l->names[i]);
	free(l->names);
	free(l->v);
	memset(l, 0, sizeof(*l));
}
