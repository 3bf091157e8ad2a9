/*
 * diff_part.c - tables made and dropped, partitions among them, in a
 * PostgreSQL schema diff.
 *
 * A partition is a table of the model with a parent and a bound; its
 * columns are its parent's (CREATE TABLE ... PARTITION OF takes them),
 * and what it inherits from its parent (keys, foreign keys, indexes
 * attached to the parent's, cloned triggers) is the parent's too, so
 * only what it has of its own is compared.  New tables are made parents
 * first; tables are dropped partitions first; a partition whose parent
 * or bound changes is detached before the tables change and attached
 * (ATTACH PARTITION checks its rows against the bound) once every table
 * exists.
 */
#include "dialect/postgres/pgdiff.h"

#include <string.h>

/* The parent of partition t in s, or NULL. */
static const sm_table *parent_of(const sm_schema *s, const sm_table *t)
{
	return t->partition_of ? rt_pgd_table_by_dep(s, t->partition_of) : NULL;
}

/* CREATE TABLE ... PARTITION OF parent bound, with its own partition key and options. */
static void create_partition(dd *d, const sm_table *t)
{
	const sm_table *parent = parent_of(d->b, t);
	sm_op *op = rt_sm_ops_add(d->out, 0, "create table %s.%s (partition of %s)", t->schema, t->name,
				  t->partition_of);
	char *unlogged = rt_pgd_option_line(t->options, "UNLOGGED");
	char *part = rt_pgd_option_line(t->options, "PARTITION BY ");
	char *with = rt_pgd_option_line(t->options, "WITH (");
	rt_sm_op_sql(op, "CREATE %sTABLE %s PARTITION OF %s %s%s%s%s%s", unlogged ? "UNLOGGED " : "",
		     Q(&d->n, t->schema, t->name),
		     parent ? Q(&d->n, parent->schema, parent->name) : t->partition_of, t->partition_bound,
		     part ? " " : "", part ? part : "", with ? " " : "", with ? with : "");
	free(unlogged);
	free(part);
	free(with);
}

/* Is a table of s that is a partition of t (directly) still to be dropped? */
static int has_child(const sm_schema *s, const unsigned char *todo, const sm_table *t)
{
	char *name = dep_name(t->schema, t->name);
	int found = 0;
	for (size_t i = 0; i < s->ntables && !found; i++)
		found = todo[i] && eq(s->tables[i].partition_of, name);
	free(name);
	return found;
}

/* Tables of a only (their foreign keys, views and triggers went first): partitions before their parents. */
void rt_pgd_drop_tables(dd *d)
{
	unsigned char *todo = rt_xcalloc(d->a->ntables + 1, 1);
	size_t left = 0;
	for (size_t i = 0; i < d->a->ntables; i++) {
		const sm_table *t = &d->a->tables[i];
		todo[i] = !rt_sm_find_table(d->b, t->schema, t->name);
		left += todo[i];
	}
	while (left) {
		for (size_t i = 0; i < d->a->ntables; i++) {
			const sm_table *t = &d->a->tables[i];
			if (!todo[i] || has_child(d->a, todo, t))
				continue; /* its partitions first (a parent is never its own descendant) */
			todo[i] = 0;
			left--;
			sm_op *op = rt_sm_ops_add(d->out, 1, "drop table %s.%s", t->schema, t->name);
			rt_sm_op_note(op, "drops table %s.%s and all its rows", t->schema, t->name);
			rt_sm_op_sql(op, "DROP TABLE %s", Q(&d->n, t->schema, t->name));
		}
	}
	free(todo);
}

/* Tables of b only (foreign keys come later, once every table exists): parents before partitions. */
void rt_pgd_create_tables(dd *d)
{
	unsigned char *made = rt_xcalloc(d->b->ntables + 1, 1);
	for (int more = 1; more;) {
		more = 0;
		for (size_t i = 0; i < d->b->ntables; i++) {
			const sm_table *t = &d->b->tables[i];
			if (made[i] || rt_sm_find_table(d->a, t->schema, t->name))
				continue;
			const sm_table *parent = parent_of(d->b, t);
			if (parent && !rt_sm_find_table(d->a, parent->schema, parent->name) &&
			    !made[parent - d->b->tables])
				continue; /* after its parent */
			if (t->partition_of)
				create_partition(d, t);
			else
				rt_pgd_create_table(d, t);
			rt_pgd_new_table_settings(d, t);
			made[i] = 1;
			more = 1;
		}
	}
	free(made);
}

/* Does the table's place among partitions change (parent or bound)? */
static int moves(const sm_table *ta, const sm_table *tb)
{
	return !eq(ta->partition_of, tb->partition_of) ||
	       (ta->partition_of && !eq(ta->partition_bound, tb->partition_bound));
}

/*
 * A detached partition keeps what it had of its parent's (keys, foreign
 * keys, indexes), now its own: those the table does not have are
 * dropped, foreign keys first.
 */
static void drop_inherited(dd *d, sm_op *op, const sm_table *ta, const sm_table *tb)
{
	static const char *const kinds[] = { "foreign key ", "constraint ", "index " };
	char *qt = rt_xstrdup(Q(&d->n, ta->schema, ta->name));
	for (int pass = 0; pass < 3; pass++)
		for (size_t i = 0; i < ta->ninherited; i++) {
			size_t n = strlen(kinds[pass]);
			const char *name = ta->inherited[i] + n;
			if (strncmp(ta->inherited[i], kinds[pass], n))
				continue;
			if (pass < 2 && !rt_sm_find_constraint(tb, name))
				rt_sm_op_sql(op, "ALTER TABLE %s DROP CONSTRAINT %s", qt, I(&d->n, name));
			else if (pass == 2 && !rt_sm_find_index(tb->idx, tb->nidx, name))
				rt_sm_op_sql(op, "DROP INDEX %s", Q(&d->n, ta->schema, name));
		}
	free(qt);
}

/* Partitions of a whose parent or bound changes (or that become tables): detached, before the tables change. */
void rt_pgd_detach_partitions(dd *d)
{
	for (size_t i = 0; i < d->a->ntables; i++) {
		const sm_table *ta = &d->a->tables[i];
		const sm_table *tb = rt_sm_find_table(d->b, ta->schema, ta->name);
		const sm_table *parent = parent_of(d->a, ta);
		if (!tb || !parent || !moves(ta, tb))
			continue;
		sm_op *op = rt_sm_ops_add(d->out, 0, "detach partition %s.%s from %s", ta->schema, ta->name,
					  ta->partition_of);
		rt_sm_op_sql(op, "ALTER TABLE %s DETACH PARTITION %s", Q(&d->n, parent->schema, parent->name),
			     Q(&d->n, ta->schema, ta->name));
		if (!tb->partition_of)
			drop_inherited(d, op, ta, tb);
	}
}

/* Tables of b that become partitions (or move): attached once every table exists. */
void rt_pgd_attach_partitions(dd *d)
{
	for (size_t i = 0; i < d->b->ntables; i++) {
		const sm_table *tb = &d->b->tables[i];
		const sm_table *ta = rt_sm_find_table(d->a, tb->schema, tb->name);
		const sm_table *parent = parent_of(d->b, tb);
		if (!ta || !parent || !moves(ta, tb))
			continue;
		sm_op *op = rt_sm_ops_add(d->out, 0, "attach partition %s.%s to %s", tb->schema, tb->name,
					  tb->partition_of);
		rt_sm_op_note(op, "fails if a row of %s.%s is outside its bound (%s)", tb->schema, tb->name,
			      tb->partition_bound);
		rt_sm_op_sql(op, "ALTER TABLE %s ATTACH PARTITION %s %s", Q(&d->n, parent->schema, parent->name),
			     Q(&d->n, tb->schema, tb->name), tb->partition_bound);
	}
}
