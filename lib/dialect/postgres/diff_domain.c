/*
 * diff_domain.c - domains in a PostgreSQL schema diff.  Columns use a
 * domain, so it is changed in place (ALTER DOMAIN: default, NOT NULL,
 * constraints), never dropped and made again; a new base type or
 * collation, which ALTER DOMAIN cannot give, is refused with what to do.
 */
#include "dialect/postgres/pgdiff.h"

#include <string.h>

static const sm_constraint *find_con(const sm_domain *m, const char *name)
{
	for (size_t i = 0; i < m->ncons; i++)
		if (eq(m->cons[i].name, name))
			return &m->cons[i];
	return NULL;
}

static void add_con(dd *d, const sm_domain *m, const sm_constraint *k)
{
	sm_op *op = rt_sm_ops_add(d->out, 0, "domain %s.%s: add constraint %s", m->schema, m->name,
				  k->name);
	rt_sm_op_note(op, "fails if a column of domain %s.%s holds a value constraint %s rejects",
		      m->schema, m->name, k->name);
	rt_sm_op_sql(op, "ALTER DOMAIN %s ADD CONSTRAINT %s %s", Q(&d->n, m->schema, m->name),
		     I(&d->n, k->name), k->def);
}

/* CREATE DOMAIN with its valid constraints; NOT VALID ones are added after (unchecked). */
void rt_pgd_create_domain(dd *d, const sm_domain *m)
{
	sm_op *op = rt_sm_ops_add(d->out, 0, "create domain %s.%s", m->schema, m->name);
	strbuf sb = STRBUF_INIT;
	rt_strbuf_addf(&sb, "CREATE DOMAIN %s AS %s", Q(&d->n, m->schema, m->name), m->type);
	if (m->collation)
		rt_strbuf_addf(&sb, " COLLATE %s", m->collation);
	if (m->def)
		rt_strbuf_addf(&sb, " DEFAULT %s", m->def);
	if (m->notnull)
		rt_strbuf_adds(&sb, " NOT NULL");
	for (size_t i = 0; i < m->ncons; i++)
		if (m->cons[i].validated)
			rt_strbuf_addf(&sb, " CONSTRAINT %s %s", I(&d->n, m->cons[i].name), m->cons[i].def);
	rt_sm_op_sql(op, "%s", sb.buf);
	for (size_t i = 0; i < m->ncons; i++)
		if (!m->cons[i].validated)
			rt_sm_op_sql(op, "ALTER DOMAIN %s ADD CONSTRAINT %s %s", Q(&d->n, m->schema, m->name),
				     I(&d->n, m->cons[i].name), m->cons[i].def);
	rt_strbuf_release(&sb);
}

void rt_pgd_drop_domain(dd *d, const sm_domain *m)
{
	sm_op *op = rt_sm_ops_add(d->out, 0, "drop domain %s.%s", m->schema, m->name);
	rt_sm_op_sql(op, "DROP DOMAIN %s", Q(&d->n, m->schema, m->name));
}

/* Is x's constraint k dropped (gone, or changed beyond NOT VALID -> valid)? */
static int con_dropped(const sm_domain *y, const sm_constraint *k)
{
	const sm_constraint *m = find_con(y, k->name);
	if (!m)
		return 1;
	if (!strcmp(k->def, m->def) && k->validated == m->validated)
		return 0;
	return !(!k->validated && m->validated && rt_pgd_same_but_validity(k->def, m->def));
}

static void alter(dd *d, const sm_domain *m, const char *what, const char *clause)
{
	sm_op *op = rt_sm_ops_add(d->out, 0, "domain %s.%s: %s", m->schema, m->name, what);
	rt_sm_op_sql(op, "ALTER DOMAIN %s %s", Q(&d->n, m->schema, m->name), clause);
}

/* Constraints of a domain on both sides: drops, additions, validations. */
static void alter_constraints(dd *d, const sm_domain *x, const sm_domain *y)
{
	for (size_t i = 0; i < x->ncons; i++)
		if (con_dropped(y, &x->cons[i])) {
			char *c = rt_xasprintf("DROP CONSTRAINT %s", I(&d->n, x->cons[i].name));
			char *w = rt_xasprintf("drop constraint %s", x->cons[i].name);
			alter(d, y, w, c);
			free(c);
			free(w);
		}
	for (size_t i = 0; i < y->ncons; i++) {
		const sm_constraint *k = &y->cons[i];
		const sm_constraint *m = find_con(x, k->name);
		if (!m || con_dropped(y, m)) {
			add_con(d, y, k);
		} else if (!m->validated && k->validated) {
			char *c = rt_xasprintf("VALIDATE CONSTRAINT %s", I(&d->n, k->name));
			char *w = rt_xasprintf("validate constraint %s", k->name);
			alter(d, y, w, c);
			free(c);
			free(w);
		}
	}
}

/* ALTER DOMAIN for what changes; -1 when the base type or collation changes. */
int rt_pgd_alter_domain(dd *d, const sm_domain *x, const sm_domain *y)
{
	if (strcmp(x->type, y->type) || !eq(x->collation, y->collation)) {
		rt_fail(d->err, RT_EFAIL, "domain %s.%s changes its %s (%s -> %s), which ALTER DOMAIN cannot do",
			y->schema, y->name, strcmp(x->type, y->type) ? "base type" : "collation",
			strcmp(x->type, y->type) ? x->type : x->collation ? x->collation : "default",
			strcmp(x->type, y->type) ? y->type : y->collation ? y->collation : "default");
		rt_hint(d->err, "write this migration by hand: create a new domain, ALTER TABLE ... ALTER COLUMN ... TYPE "
			"it for each column of %s.%s, drop the old one and rename the new one", y->schema, y->name);
		return -1;
	}
	if (!eq(x->def, y->def)) {
		char *c = y->def ? rt_xasprintf("SET DEFAULT %s", y->def) : rt_xstrdup("DROP DEFAULT");
		alter(d, y, "default", c);
		free(c);
	}
	if (x->notnull != y->notnull)
		alter(d, y, y->notnull ? "not null" : "nullable", y->notnull ? "SET NOT NULL" : "DROP NOT NULL");
	alter_constraints(d, x, y);
	return 0;
}

/* Comments of domains and their constraints (new constraints have none yet). */
void rt_pgd_domain_comments(dd *d)
{
	for (size_t i = 0; i < d->b->ndomains; i++) {
		const sm_domain *y = &d->b->domains[i];
		const sm_domain *x = rt_sm_find_domain(d->a, y->schema, y->name);
		char *label = dep_name(y->schema, y->name);
		char *q = rt_xstrdup(Q(&d->n, y->schema, y->name));
		rt_pgd_comment(d, !x, x ? x->comment : NULL, y->comment, "domain", label, q);
		for (size_t j = 0; j < y->ncons; j++) {
			const sm_constraint *k = &y->cons[j];
			const sm_constraint *m = x ? find_con(x, k->name) : NULL;
			char *cl = rt_xasprintf("%s on domain %s", k->name, label);
			char *target = rt_xasprintf("CONSTRAINT %s ON DOMAIN %s", I(&d->n, k->name), q);
			rt_pgd_comment_on(d, !m || con_dropped(y, m), m ? m->comment : NULL, k->comment,
					  "constraint", cl, target);
			free(cl);
			free(target);
		}
		free(label);
		free(q);
	}
}
