/*
 * diff_rename.c - the renames a declared schema asks for, on PostgreSQL
 * (see dialect.h and schema/rename.c).
 *
 * ALTER TABLE ... RENAME [COLUMN] keeps the data, and everything that
 * uses the table or column follows it (constraints, indexes, triggers,
 * defaults, views hold it by number, not by name).  What PostgreSQL names
 * after the table or column itself does not follow: t's primary key stays
 * t_pkey, its serial sequence t_id_seq.  Where the schema diffed to has
 * the name the new one gives (u_pkey, u_id_seq) and not the old one,
 * those are renamed too (RENAME CONSTRAINT, ALTER INDEX / ALTER SEQUENCE
 * RENAME), instead of being dropped and made again.
 *
 * The model of the database is then changed to what the catalog will
 * show: names, and the definitions that print them (pg_get_constraintdef,
 * pg_get_indexdef, pg_get_triggerdef, defaults, sequence ownership).  A
 * view's definition is left as it was: PostgreSQL keeps the old column
 * name as the view's output name ("t.new AS old"), so the view is made
 * again from the declared schema.  Policies and extended statistics of
 * the table follow it (their definitions print the new names), and so do
 * its partitions: they point to the renamed parent, and a column renamed
 * on a partitioned table is renamed on every partition.
 */
#include "dialect/postgres/pgdiff.h"

#include <ctype.h>
#include <string.h>

static int ident_char(char c)
{
	return isalnum((unsigned char)c) || c == '_' || c == '$' || (unsigned char)c >= 0x80;
}

/*
 * text with every occurrence of the name `from` (a whole identifier, or
 * qualified name, as the server prints it: bare or "quoted") from offset
 * start on replaced by `to`; string literals are left alone.  dots: a
 * match may follow a '.' (a column qualified by its table: new.x).
 */
static char *replace_name(const char *text, size_t start, const char *from, const char *to,
			  int dots)
{
	size_t n = strlen(from);
	strbuf sb = STRBUF_INIT;
	rt_strbuf_add(&sb, text, start);
	for (size_t i = start; text[i];) {
		int before_ok = i == 0 || (!ident_char(text[i - 1]) && text[i - 1] != '"' &&
					   (dots || text[i - 1] != '.'));
		if (before_ok && !strncmp(text + i, from, n) && !ident_char(text[i + n]) &&
		    text[i + n] != '"' && (from[n - 1] == '"' || text[i + n] != '"')) {
			rt_strbuf_adds(&sb, to);
			i += n;
		} else if (text[i] == '\'' || text[i] == '"') {
			size_t e = rt_pg_quoted_end(text, i);
			if (text[i] == '"' && before_ok && !strncmp(text + i, from, n) && e == i + n) {
				rt_strbuf_adds(&sb, to);
			} else {
				rt_strbuf_add(&sb, text + i, e - i);
			}
			i = e;
		} else {
			rt_strbuf_addc(&sb, text[i++]);
		}
	}
	return rt_strbuf_detach(&sb);
}

/* *slot = replace_name(*slot, ...) from the end of the first `after` in it (0 if absent: nothing). */
static void rewrite(char **slot, const char *after, const char *from, const char *to, int dots)
{
	if (!*slot)
		return;
	const char *at = after ? strstr(*slot, after) : *slot;
	if (!at)
		return;
	char *x = replace_name(*slot, (size_t)(at - *slot) + (after ? strlen(after) : 0), from, to, dots);
	free(*slot);
	*slot = x;
}

/* A quoted (qualified) name, malloc'd: held across many calls, unlike Q and I. */
static char *qname(const char *schema, const char *name)
{
	strbuf sb = STRBUF_INIT;
	if (schema)
		rt_pg_qname(&sb, schema, name);
	else
		rt_pg_ident(&sb, name);
	return rt_strbuf_detach(&sb);
}

static void set(char **slot, const char *v)
{
	free(*slot);
	*slot = rt_xstrdup(v);
}

/* "schema.name" raw (as ref_table and owned_by hold it) of table t renamed. */
static int is_dep(const char *dep, const char *schema, const char *name)
{
	size_t ls = strlen(schema);
	return dep && !strncmp(dep, schema, ls) && dep[ls] == '.' && !strcmp(dep + ls + 1, name);
}

/* Dependency names ("schema.table", "schema.table.column") of objects: old -> new, columns too. */
static void deps_rename(sm_schema *s, const char *old_dep, const char *new_dep)
{
	size_t ld = strlen(old_dep);
	for (size_t i = 0; i < s->nobjects; i++)
		for (size_t j = 0; j < s->objects[i].ndeps; j++) {
			char *d = s->objects[i].deps[j];
			if (!strncmp(d, old_dep, ld) && (!d[ld] || d[ld] == '.')) {
				char *x = rt_xasprintf("%s%s", new_dep, d + ld);
				free(d);
				s->objects[i].deps[j] = x;
			}
		}
}

/* Is object o a policy or statistics object of the table quoted tq (schema.name)? */
static int object_of_table(const sm_object *o, const char *tq)
{
	size_t n = strlen(tq);
	if (!strcmp(o->kind, "policy")) {
		const char *on = o->drop ? strstr(o->drop, " ON ") : NULL;
		return on && !strcmp(on + 4, tq);
	}
	if (!strcmp(o->kind, "statistics")) {
		const char *from = o->def ? strstr(o->def, " FROM ") : NULL;
		return from && !strncmp(from + 6, tq, n) && (!from[6 + n] || from[6 + n] == '\n');
	}
	return 0;
}

/* The policies and statistics of table t, and its partitions, for t renamed to `to`. */
static void objects_table(sm_schema *s, const sm_table *t, const char *to, const char *oq,
			  const char *nq, const char *old_dep, const char *new_dep)
{
	for (size_t i = 0; i < s->nobjects; i++) {
		sm_object *o = &s->objects[i];
		if (!object_of_table(o, oq))
			continue;
		rewrite(&o->def, NULL, oq, nq, 0);
		rewrite(&o->drop, NULL, oq, nq, 0);
		rewrite(&o->target, NULL, oq, nq, 0);
		rewrite(&o->key, NULL, oq, nq, 0);
		char *on = !strcmp(o->kind, "policy") ? strstr(o->name, " on ") : NULL;
		if (on && !strcmp(on + 4, t->name)) {
			char *x = rt_xasprintf("%.*s on %s", (int)(on - o->name), o->name, to);
			free(o->name);
			o->name = x;
		}
	}
	deps_rename(s, old_dep, new_dep);
	for (size_t i = 0; i < s->ntables; i++)
		if (s->tables[i].partition_of && !strcmp(s->tables[i].partition_of, old_dep))
			set(&s->tables[i].partition_of, new_dep);
}

/* Rewrite the model for table schema.from renamed to `to` (see the top). */
static void model_table(sm_schema *s, sm_table *t, const char *to)
{
	char *oq = qname(t->schema, t->name), *nq = qname(t->schema, to);
	char *old_dep = dep_name(t->schema, t->name), *new_dep = dep_name(t->schema, to);
	size_t ld = strlen(old_dep);
	for (size_t i = 0; i < s->ntables; i++) {
		sm_table *x = &s->tables[i];
		for (size_t j = 0; j < x->ncons; j++)
			if (x->cons[j].kind == SM_FOREIGN && is_dep(x->cons[j].ref_table, t->schema, t->name)) {
				set(&x->cons[j].ref_table, new_dep);
				rewrite(&x->cons[j].def, " REFERENCES ", oq, nq, 0);
			}
	}
	for (size_t j = 0; j < t->nidx; j++)
		rewrite(&t->idx[j].def, " ON ", oq, nq, 0);
	for (size_t j = 0; j < t->ntrg; j++)
		rewrite(&t->trg[j].def, " ON ", oq, nq, 0);
	for (size_t i = 0; i < s->nseqs; i++) {
		char *o = s->seqs[i].owned_by;
		if (o && !strncmp(o, old_dep, ld) && o[ld] == '.') {
			char *x = rt_xasprintf("%s%s", new_dep, o + ld);
			free(o);
			s->seqs[i].owned_by = x;
		}
	}
	for (size_t i = 0; i < s->nviews; i++)
		for (size_t j = 0; j < s->views[i].ndeps; j++) {
			char *d = s->views[i].deps[j];
			if (!strncmp(d, old_dep, ld) && (!d[ld] || d[ld] == '.')) {
				char *x = rt_xasprintf("%s%s", new_dep, d + ld);
				free(d);
				s->views[i].deps[j] = x;
			}
		}
	objects_table(s, t, to, oq, nq, old_dep, new_dep);
	set(&t->name, to);
	free(old_dep);
	free(new_dep);
	free(oq);
	free(nq);
}

/* Policies and statistics of t quoted tq: column oc (quoted) is now nc in their expressions. */
static void objects_column(sm_schema *s, const sm_table *t, const char *oc, const char *nc,
			   const char *tq)
{
	(void)t;
	for (size_t i = 0; i < s->nobjects; i++) {
		sm_object *o = &s->objects[i];
		if (!object_of_table(o, tq))
			continue;
		if (!strcmp(o->kind, "policy"))
			rewrite(&o->def, strstr(o->def, " USING (") ? " USING (" : " WITH CHECK (", oc, nc, 1);
		else
			rewrite(&o->def, " ON ", oc, nc, 0);
	}
}

/* Rewrite the model for column from of t renamed to `to`. */
static void model_column(sm_schema *s, sm_table *t, sm_column *c, const char *to)
{
	char *oc = qname(NULL, c->name), *nc = qname(NULL, to), *tq = qname(t->schema, t->name);
	char *on = rt_xasprintf(" ON %s ", tq), *refs = rt_xasprintf(" REFERENCES %s(", tq);
	for (size_t j = 0; j < t->ncons; j++) {
		sm_constraint *k = &t->cons[j];
		for (size_t m = 0; m < k->ncols; m++)
			if (!strcmp(k->cols[m], c->name))
				set(&k->cols[m], to);
		/* its own columns: before REFERENCES (a foreign key to t itself is done below) */
		char *r = k->def ? strstr(k->def, " REFERENCES ") : NULL;
		if (r) {
			char *head = rt_xstrndup(k->def, (size_t)(r - k->def));
			char *x = replace_name(head, 0, oc, nc, 0);
			char *all = rt_xasprintf("%s%s", x, r);
			free(head);
			free(x);
			free(k->def);
			k->def = all;
		} else {
			rewrite(&k->def, NULL, oc, nc, 0);
		}
	}
	for (size_t i = 0; i < s->ntables; i++) {
		sm_table *x = &s->tables[i];
		for (size_t j = 0; j < x->ncons; j++) {
			sm_constraint *k = &x->cons[j];
			if (k->kind != SM_FOREIGN || !is_dep(k->ref_table, t->schema, t->name))
				continue;
			for (size_t m = 0; m < k->nref_cols; m++)
				if (!strcmp(k->ref_cols[m], c->name))
					set(&k->ref_cols[m], to);
			rewrite(&k->def, refs, oc, nc, 0);
		}
	}
	for (size_t j = 0; j < t->nidx; j++)
		rewrite(&t->idx[j].def, on, oc, nc, 0);
	for (size_t j = 0; j < t->ntrg; j++) {
		/* after the trigger's name: UPDATE OF col, WHEN (new.col ...) */
		char *nm = qname(NULL, t->trg[j].name);
		rewrite(&t->trg[j].def, nm, oc, nc, 1);
		free(nm);
	}
	for (size_t j = 0; j < t->ncols; j++) {
		rewrite(&t->cols[j].def, NULL, oc, nc, 0);
		rewrite(&t->cols[j].generated, NULL, oc, nc, 0);
	}
	char *old_dep = rt_xasprintf("%s.%s.%s", t->schema, t->name, c->name);
	char *new_dep = rt_xasprintf("%s.%s.%s", t->schema, t->name, to);
	for (size_t i = 0; i < s->nseqs; i++)
		if (s->seqs[i].owned_by && !strcmp(s->seqs[i].owned_by, old_dep))
			set(&s->seqs[i].owned_by, new_dep);
	for (size_t i = 0; i < s->nviews; i++)
		for (size_t j = 0; j < s->views[i].ndeps; j++)
			if (!strcmp(s->views[i].deps[j], old_dep))
				set(&s->views[i].deps[j], new_dep);
	objects_column(s, t, oc, nc, tq);
	deps_rename(s, old_dep, new_dep);
	rewrite(&t->options, "PARTITION BY ", oc, nc, 0);
	char *self = dep_name(t->schema, t->name);
	for (size_t i = 0; i < s->ntables; i++) { /* the partitions have the column too */
		sm_table *x = &s->tables[i];
		sm_column *xc = x->partition_of && !strcmp(x->partition_of, self) ?
			rt_sm_find_column(x, c->name) : NULL;
		if (xc)
			model_column(s, x, xc, to);
	}
	free(self);
	set(&c->name, to);
	free(old_dep);
	free(new_dep);
	free(on);
	free(refs);
	free(oc);
	free(nc);
	free(tq);
}

/* The operations of one rename. */
typedef struct rw {
	sm_ops *out;
	names n;
} rw;

static void op_add(rw *w, const char *what, const char *sql)
{
	sm_op *op = rt_sm_ops_add(w->out, 0, "%s", what);
	rt_strlist_push(&op->sql, sql);
}

/* Does schema s have a relation-level name (constraint, index, sequence) nm in schema sch? */
static int name_taken(const sm_schema *s, const char *sch, const char *nm)
{
	for (size_t i = 0; i < s->ntables; i++) {
		const sm_table *t = &s->tables[i];
		if (!eq(t->schema, sch))
			continue;
		for (size_t j = 0; j < t->ncons; j++)
			if (eq(t->cons[j].name, nm))
				return 1;
		for (size_t j = 0; j < t->nidx; j++)
			if (eq(t->idx[j].name, nm))
				return 1;
	}
	for (size_t i = 0; i < s->nseqs; i++)
		if (eq(s->seqs[i].schema, sch) && eq(s->seqs[i].name, nm))
			return 1;
	return 0;
}

/* An index definition from " ON " on: what it is, whatever it is called. */
static const char *index_body(const char *def)
{
	const char *on = def ? strstr(def, " ON ") : NULL;
	return on ? on : "";
}

/*
 * Sequences of s owned by a column of t (once renamed) that target has
 * under another name, owned by the same column with the same options:
 * renamed, and the defaults and identities that name them.
 */
static void sequences_along(rw *w, sm_schema *s, const sm_schema *target, const sm_table *t)
{
	char *prefix = rt_xasprintf("%s.%s.", t->schema, t->name);
	for (size_t i = 0; i < s->nseqs; i++) {
		sm_sequence *q = &s->seqs[i];
		if (!q->owned_by || strncmp(q->owned_by, prefix, strlen(prefix)) ||
		    name_taken(target, q->schema, q->name))
			continue;
		const sm_sequence *m = NULL;
		for (size_t j = 0; j < target->nseqs && !m; j++)
			if (eq(target->seqs[j].schema, q->schema) && eq(target->seqs[j].owned_by, q->owned_by) &&
			    eq(target->seqs[j].def, q->def) && !name_taken(s, q->schema, target->seqs[j].name))
				m = &target->seqs[j];
		if (!m)
			continue;
		char *oq = qname(q->schema, q->name), *nq = qname(q->schema, m->name);
		char *nn = qname(NULL, m->name);
		char *up = rt_xasprintf("ALTER SEQUENCE %s RENAME TO %s", oq, nn);
		char *wu = rt_xasprintf("rename sequence %s.%s to %s", q->schema, q->name, m->name);
		op_add(w, wu, up);
		/* nextval('schema.seq'::regclass) and SEQUENCE NAME schema.seq print the new name */
		strbuf ol = STRBUF_INIT, nl = STRBUF_INIT;
		rt_sql_literal(&ol, oq);
		rt_sql_literal(&nl, nq);
		for (size_t k = 0; k < s->ntables; k++)
			for (size_t c = 0; c < s->tables[k].ncols; c++) {
				sm_column *col = &s->tables[k].cols[c];
				char *d = col->def ? strstr(col->def, ol.buf) : NULL;
				if (d) {
					char *x = rt_xasprintf("%.*s%s%s", (int)(d - col->def), col->def, nl.buf,
							       d + ol.len);
					free(col->def);
					col->def = x;
				}
				rewrite(&col->identity_opts, "SEQUENCE NAME ", oq, nq, 0);
			}
		set(&q->name, m->name);
		rt_strbuf_release(&ol);
		rt_strbuf_release(&nl);
		free(oq);
		free(nq);
		free(nn);
		free(up);
		free(wu);
	}
	free(prefix);
}

/*
 * Constraints and indexes of t (once renamed) that target's table has
 * with the same definition under another name (t_pkey, where target says
 * u_pkey): renamed rather than dropped and made again.
 */
static void keys_along(rw *w, sm_schema *s, const sm_schema *target, sm_table *t)
{
	const sm_table *tt = rt_sm_find_table(target, t->schema, t->name);
	if (!tt)
		return;
	char *tq = qname(t->schema, t->name);
	for (size_t j = 0; j < t->ncons; j++) {
		sm_constraint *k = &t->cons[j];
		if (!k->name || rt_sm_find_constraint(tt, k->name))
			continue;
		const sm_constraint *m = NULL;
		for (size_t i = 0; i < tt->ncons && !m; i++)
			if (tt->cons[i].kind == k->kind && eq(tt->cons[i].def, k->def) &&
			    !name_taken(s, t->schema, tt->cons[i].name))
				m = &tt->cons[i];
		if (!m)
			continue;
		char *ok = qname(NULL, k->name), *nk = qname(NULL, m->name);
		char *up = rt_xasprintf("ALTER TABLE %s RENAME CONSTRAINT %s TO %s", tq, ok, nk);
		char *wu = rt_xasprintf("rename constraint %s on %s.%s to %s", k->name, t->schema, t->name, m->name);
		op_add(w, wu, up);
		for (size_t i = 0; i < t->nidx; i++) /* the index of a key has its name */
			if (t->idx[i].constraint && eq(t->idx[i].name, k->name)) {
				rewrite(&t->idx[i].def, NULL, ok, nk, 0);
				set(&t->idx[i].name, m->name);
			}
		set(&k->name, m->name);
		free(ok);
		free(nk);
		free(up);
		free(wu);
	}
	for (size_t j = 0; j < t->nidx; j++) {
		sm_index *x = &t->idx[j];
		if (x->constraint || rt_sm_find_index(tt->idx, tt->nidx, x->name))
			continue;
		const sm_index *m = NULL;
		for (size_t i = 0; i < tt->nidx && !m; i++)
			if (!tt->idx[i].constraint && !strcmp(index_body(tt->idx[i].def), index_body(x->def)) &&
			    x->unique == tt->idx[i].unique && !name_taken(s, t->schema, tt->idx[i].name))
				m = &tt->idx[i];
		if (!m)
			continue;
		char *oq = qname(t->schema, x->name), *nq = qname(t->schema, m->name);
		char *ox = qname(NULL, x->name), *nx = qname(NULL, m->name);
		char *up = rt_xasprintf("ALTER INDEX %s RENAME TO %s", oq, nx);
		char *wu = rt_xasprintf("rename index %s.%s to %s", t->schema, x->name, m->name);
		op_add(w, wu, up);
		rewrite(&x->def, NULL, ox, nx, 0);
		set(&x->name, m->name);
		free(oq);
		free(nq);
		free(ox);
		free(nx);
		free(up);
		free(wu);
	}
	free(tq);
}

/* See dialect.h. */
int rt_pg_rename(sm_schema *s, const sm_schema *target, const sm_rename *r, sm_ops *out,
		 rt_error *err)
{
	sm_table *t = NULL;
	for (size_t i = 0; i < s->ntables && !t; i++)
		if (eq(s->tables[i].schema, r->schema) && !strcmp(s->tables[i].name, r->table))
			t = &s->tables[i];
	sm_column *c = t && r->column ? (sm_column *)rt_sm_find_column(t, r->column) : NULL;
	if (!t || (r->column && !c))
		return rt_fail(err, RT_EFAIL, "cannot rename %s.%s%s%s: not in the database's schema",
			       r->schema, r->table, r->column ? "." : "", r->column ? r->column : "");
	rw w = { .out = out };
	char *tq = qname(t->schema, t->name);
	char *sql_up, *wu;
	if (c) {
		sql_up = rt_xasprintf("ALTER TABLE %s RENAME COLUMN %s TO %s", tq, I(&w.n, r->from), I(&w.n, r->to));
		wu = rt_xasprintf("rename column %s.%s.%s to %s", t->schema, t->name, r->from, r->to);
	} else {
		sql_up = rt_xasprintf("ALTER TABLE %s RENAME TO %s", tq, I(&w.n, r->to));
		wu = rt_xasprintf("rename table %s.%s to %s", t->schema, r->from, r->to);
	}
	op_add(&w, wu, sql_up);
	if (c)
		model_column(s, t, c, r->to);
	else
		model_table(s, t, r->to);
	/*
	 * Every table, not only t: a key's definition names other tables and
	 * their columns (a foreign key to a table renamed after this one), so
	 * it matches target's only once every rename is made; the last rename
	 * finds what the others could not.
	 */
	for (size_t i = 0; i < s->ntables; i++) {
		keys_along(&w, s, target, &s->tables[i]);
		sequences_along(&w, s, target, &s->tables[i]);
	}
	names_free(&w.n);
	free(sql_up);
	free(wu);
	free(tq);
	return 0;
}
