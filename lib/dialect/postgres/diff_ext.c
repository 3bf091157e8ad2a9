/*
 * diff_ext.c - extensions in a PostgreSQL schema diff.
 *
 * They are made right after the schemas, before anything that may use
 * their types, functions or operator classes (a column of type citext, a
 * gin_trgm_ops index), each after the extensions it requires; they are
 * dropped at the very end, once nothing uses them, dependents first.  A
 * version named in CREATE/ALTER EXTENSION only when it is not the one
 * the server installs by default, so a migration runs on servers that
 * ship a newer default.
 */
#include "dialect/postgres/pgdiff.h"

#include <string.h>

/* Is every extension e requires made already (or not made by this diff)? */
static int ready(const sm_schema *s, const unsigned char *todo, const sm_extension *e)
{
	for (size_t i = 0; i < e->nrequires; i++) {
		const sm_extension *r = rt_sm_find_extension(s, e->requires[i]);
		if (r && todo[r - s->exts])
			return 0;
	}
	return 1;
}

/*
 * The extensions of s marked in todo, in an order where each comes after
 * those it requires (reverse: before them); a cycle ends in name order.
 * Returns indexes into s->exts; *n how many.
 */
static size_t *ext_order(const sm_schema *s, unsigned char *todo, int reverse, size_t *n)
{
	size_t *order = rt_xcalloc(s->nexts + 1, sizeof(size_t)), k = 0, left = 0;
	for (size_t i = 0; i < s->nexts; i++)
		left += todo[i] != 0;
	while (left) {
		size_t before = k;
		for (size_t i = 0; i < s->nexts; i++)
			if (todo[i] && ready(s, todo, &s->exts[i])) {
				order[k++] = i;
				todo[i] = 0;
				left--;
			}
		if (k == before)
			for (size_t i = 0; i < s->nexts; i++)
				if (todo[i]) {
					order[k++] = i;
					todo[i] = 0;
					left--;
					break;
				}
	}
	for (size_t i = 0; reverse && i < k / 2; i++) {
		size_t t = order[i];
		order[i] = order[k - 1 - i];
		order[k - 1 - i] = t;
	}
	*n = k;
	return order;
}

static void create_extension(dd *d, const sm_extension *e)
{
	sm_op *op = rt_sm_ops_add(d->out, 0, "create extension %s", e->name);
	strbuf sb = STRBUF_INIT;
	rt_strbuf_addf(&sb, "CREATE EXTENSION IF NOT EXISTS %s WITH SCHEMA %s", I(&d->n, e->name),
		       I(&d->n, e->schema));
	if (!e->default_version)
		rt_strbuf_addf(&sb, " VERSION %s", L(&d->n, e->version));
	rt_sm_op_sql(op, "%s", sb.buf);
	rt_strbuf_release(&sb);
}

/* Schema and version of an extension on both sides; -1 when it cannot move. */
static int alter_extension(dd *d, const sm_extension *x, const sm_extension *y)
{
	if (!eq(x->schema, y->schema)) {
		if (!x->relocatable) {
			rt_fail(d->err, RT_EFAIL, "extension %s moves from schema %s to %s, which it does not allow (it is not relocatable)",
				y->name, x->schema, y->schema);
			rt_hint(d->err, "write this migration by hand: drop what uses the extension, DROP EXTENSION %s, "
				"CREATE EXTENSION %s WITH SCHEMA %s, and make those objects again", y->name, y->name, y->schema);
			return -1;
		}
		sm_op *op = rt_sm_ops_add(d->out, 0, "extension %s: schema %s", y->name, y->schema);
		rt_sm_op_sql(op, "ALTER EXTENSION %s SET SCHEMA %s", I(&d->n, y->name), I(&d->n, y->schema));
	}
	if (!eq(x->version, y->version)) {
		sm_op *op = rt_sm_ops_add(d->out, 0, "extension %s: version %s -> %s", y->name,
					  x->version, y->version);
		rt_sm_op_note(op, "fails if the server has no update script from %s to %s", x->version, y->version);
		if (y->default_version)
			rt_sm_op_sql(op, "ALTER EXTENSION %s UPDATE", I(&d->n, y->name));
		else
			rt_sm_op_sql(op, "ALTER EXTENSION %s UPDATE TO %s", I(&d->n, y->name),
				     L(&d->n, y->version));
	}
	return 0;
}

/* New extensions (required ones first) and changes to existing ones; -1 when one cannot be written. */
int rt_pgd_create_extensions(dd *d)
{
	unsigned char *todo = rt_xcalloc(d->b->nexts + 1, 1);
	for (size_t i = 0; i < d->b->nexts; i++) {
		const sm_extension *y = &d->b->exts[i];
		const sm_extension *x = rt_sm_find_extension(d->a, y->name);
		if (!x)
			todo[i] = 1;
		else if (alter_extension(d, x, y) < 0) {
			free(todo);
			return -1;
		}
	}
	size_t n;
	size_t *order = ext_order(d->b, todo, 0, &n);
	for (size_t k = 0; k < n; k++)
		create_extension(d, &d->b->exts[order[k]]);
	free(order);
	free(todo);
	return 0;
}

/* Extensions of a only, once nothing uses them: those requiring others first. */
void rt_pgd_drop_extensions(dd *d)
{
	unsigned char *todo = rt_xcalloc(d->a->nexts + 1, 1);
	for (size_t i = 0; i < d->a->nexts; i++)
		todo[i] = !rt_sm_find_extension(d->b, d->a->exts[i].name);
	size_t n;
	size_t *order = ext_order(d->a, todo, 1, &n);
	for (size_t k = 0; k < n; k++) {
		const sm_extension *x = &d->a->exts[order[k]];
		sm_op *op = rt_sm_ops_add(d->out, 1, "drop extension %s", x->name);
		rt_sm_op_note(op, "drops extension %s and every object that belongs to it (with any data it keeps)",
			      x->name);
		rt_sm_op_sql(op, "DROP EXTENSION %s", I(&d->n, x->name));
	}
	free(order);
	free(todo);
}
