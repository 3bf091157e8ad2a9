/*
 * diff.c - the PostgreSQL operations that turn one schema model into
 * another (see schema/ops.h), in an order the server accepts.
 *
 * Every name written is schema-qualified (public too), so the SQL means
 * the same whatever search_path the migration runs with; definitions are
 * the server's own renderings, read with an empty search_path and so
 * qualified as well (introspect.c).
 *
 * The order, for `from` -> `to`:
 *
 *   drops of what depends on things that change: triggers; views,
 *   materialized views and functions that use relations (dependents
 *   first, from pg_depend); functions made again; foreign keys; other
 *   constraints; indexes; sequence ownership that is about to go away;
 *   schemas; extensions (new ones, required ones first; new schema or
 *   version); enum types (new ones, added values, and the first half of
 *   the rename-create-recast-drop dance for removed or reordered values);
 *   sequences; functions that use no relation;
 *   columns of existing tables (new ones at the end; with column_order
 *   = strict, moves of columns to their declared position); removed tables; what they no longer need
 *   (functions, then the renamed and removed enum types, sequences);
 *   new tables; sequence ownership; constraints; indexes; foreign keys;
 *   views and functions that use relations (what they use first);
 *   triggers; comments; removed extensions; removed schemas.
 *
 * What depends on a changed object is dropped before the change and made
 * again after it: views reading a table whose columns change type or go
 * away (and the views and functions reading those views), triggers of a
 * function that is dropped and created again, foreign keys pointing at a
 * primary key that is replaced, and so on.  A view whose query changes
 * but keeps its columns (and may add some at the end) is replaced with
 * CREATE OR REPLACE and keeps its dependents.
 *
 * This file runs the phases in that order and writes the drops, schemas,
 * enum types, sequences, functions and comments; diff_mark.c decides
 * beforehand what is dropped and made again, diff_table.c writes the
 * table phases, diff_ext.c the extensions, diff_render.c the statements
 * for single objects.
 */
#include "dialect/postgres/pgdiff.h"

#include <ctype.h>
#include <string.h>

/* ------------------------------------------------------------------ */
/* The phases                                                           */
/* ------------------------------------------------------------------ */

static void drop_triggers(dd *d)
{
	for (size_t i = 0; i < d->a->ntables; i++) {
		const sm_table *ta = &d->a->tables[i];
		const sm_table *tb = rt_sm_find_table(d->b, ta->schema, ta->name);
		if (!tb)
			continue; /* they go with the table */
		for (size_t j = 0; j < ta->ntrg; j++)
			if (rt_pgd_trg_dropped(d, ta, tb, &ta->trg[j]))
				rt_pgd_drop_trigger(d, ta, &ta->trg[j]);
	}
}

/* Views and functions that use relations, dependents first. */
static void drop_views(dd *d)
{
	node *v;
	size_t n;
	rt_pgd_nodes_build(d->a, &v, &n);
	size_t *order = rt_pgd_nodes_order(v, n);
	for (size_t k = n; k-- > 0;) {
		const node *x = &v[order[k]];
		if (x->v && d->va_drop[(size_t)(x->v - d->a->views)])
			rt_pgd_drop_view(d, x->v);
		else if (x->f && d->fa_drop[(size_t)(x->f - d->a->funcs)])
			rt_pgd_drop_function(d, x->f);
	}
	free(order);
	rt_pgd_nodes_free(v, n);
	/* indexes of materialized views that stay */
	for (size_t i = 0; i < d->a->nviews; i++) {
		const sm_view *x = &d->a->views[i];
		const sm_view *y = rt_sm_find_view(d->b, x->schema, x->name);
		if (d->va_drop[i] || !y)
			continue;
		for (size_t j = 0; j < x->nidx; j++) {
			const sm_index *m = rt_sm_find_index(y->idx, y->nidx, x->idx[j].name);
			if (!m || strcmp(m->def, x->idx[j].def))
				rt_pgd_drop_index(d, x->schema, &x->idx[j]);
		}
	}
}

/* Foreign keys (foreign) or the other constraints of a that go or are made again. */
static void drop_constraints(dd *d, int foreign)
{
	for (size_t i = 0; i < d->a->ntables; i++) {
		const sm_table *ta = &d->a->tables[i];
		const sm_table *tb = rt_sm_find_table(d->b, ta->schema, ta->name);
		if (!tb && !foreign)
			continue;
		for (size_t j = 0; j < ta->ncons; j++) {
			const sm_constraint *k = &ta->cons[j];
			if ((k->kind == SM_FOREIGN) == foreign && rt_pgd_con_dropped(d, ta, tb, k))
				rt_pgd_drop_constraint(d, ta, k);
		}
	}
}

/* Indexes of a's tables that go or are made again (not those of constraints). */
static void drop_indexes(dd *d)
{
	for (size_t i = 0; i < d->a->ntables; i++) {
		const sm_table *ta = &d->a->tables[i];
		const sm_table *tb = rt_sm_find_table(d->b, ta->schema, ta->name);
		if (!tb)
			continue;
		for (size_t j = 0; j < ta->nidx; j++)
			if (!ta->idx[j].constraint && rt_pgd_idx_dropped(d, ta, tb, &ta->idx[j]) &&
			    !rt_pgd_online_drop_index(d, ta, &ta->idx[j]))
				rt_pgd_drop_index(d, ta->schema, &ta->idx[j]);
	}
}

/* The table and column "schema.table.column" names, in s (NULL when absent). */
static const sm_table *owner_of(const sm_schema *s, const char *owned_by, const char **col)
{
	for (size_t i = 0; owned_by && i < s->ntables; i++) {
		const sm_table *t = &s->tables[i];
		size_t ls = strlen(t->schema), ln = strlen(t->name);
		if (!strncmp(owned_by, t->schema, ls) && owned_by[ls] == '.' &&
		    !strncmp(owned_by + ls + 1, t->name, ln) && owned_by[ls + 1 + ln] == '.' &&
		    rt_sm_find_column(t, owned_by + ls + ln + 2)) {
			*col = owned_by + ls + ln + 2;
			return t;
		}
	}
	return NULL;
}

/* Does a sequence's owner (in a) go away, or change? */
static int owner_changes(const dd *d, const sm_sequence *x, const sm_sequence *y)
{
	if (!x->owned_by)
		return 0;
	if (!y || !eq(x->owned_by, y->owned_by))
		return 1;
	const char *col;
	const sm_table *ta = owner_of(d->a, x->owned_by, &col);
	const sm_table *tb = ta ? rt_sm_find_table(d->b, ta->schema, ta->name) : NULL;
	if (!tb)
		return 1;
	const sm_column *cx = rt_sm_find_column(ta, col), *cy = rt_sm_find_column(tb, col);
	return !cy || rt_pgd_col_remade(d, ta, tb, cx, cy);
}

/* OWNED BY NONE before a sequence's owning column goes: else the sequence would go with it. */
static void disown_sequences(dd *d)
{
	for (size_t i = 0; i < d->a->nseqs; i++) {
		const sm_sequence *x = &d->a->seqs[i];
		const sm_sequence *y = rt_sm_find_sequence(d->b, x->schema, x->name);
		if (!owner_changes(d, x, y))
			continue;
		sm_op *op = rt_sm_ops_add(d->out, 0, "sequence %s.%s: owned by nothing", x->schema, x->name);
		rt_sm_op_sql(op, "ALTER SEQUENCE %s OWNED BY NONE", Q(&d->n, x->schema, x->name));
	}
}

/* Schemas of b only, before anything is made in them. */
static void create_schemas(dd *d)
{
	for (size_t i = 0; i < d->b->nschemas; i++) {
		if (rt_pgd_has_str(d->a->schemas, d->a->nschemas, d->b->schemas[i]))
			continue;
		sm_op *op = rt_sm_ops_add(d->out, 0, "create schema %s", d->b->schemas[i]);
		rt_sm_op_sql(op, "CREATE SCHEMA %s", I(&d->n, d->b->schemas[i]));
	}
}

/* Schemas of a only, last: DROP SCHEMA without CASCADE fails if anything is left in them. */
static void drop_schemas(dd *d)
{
	for (size_t i = 0; i < d->a->nschemas; i++) {
		if (rt_pgd_has_str(d->b->schemas, d->b->nschemas, d->a->schemas[i]))
			continue;
		sm_op *op = rt_sm_ops_add(d->out, 1, "drop schema %s", d->a->schemas[i]);
		rt_sm_op_note(op, "drops schema %s (it must be empty)", d->a->schemas[i]);
		rt_sm_op_sql(op, "DROP SCHEMA %s", I(&d->n, d->a->schemas[i]));
	}
}

static void enum_labels(strbuf *sb, const sm_enum *e)
{
	for (size_t i = 0; i < e->nlabels; i++) {
		if (i)
			rt_strbuf_adds(sb, ", ");
		rt_sql_literal(sb, e->labels[i]);
	}
}

/* CREATE TYPE ... AS ENUM with the labels in order. */
static void create_enum(dd *d, const sm_enum *e)
{
	sm_op *op = rt_sm_ops_add(d->out, 0, "create type %s.%s", e->schema, e->name);
	strbuf sb = STRBUF_INIT;
	enum_labels(&sb, e);
	rt_sm_op_sql(op, "CREATE TYPE %s AS ENUM (%s)", Q(&d->n, e->schema, e->name), rt_strbuf_str(&sb));
	rt_strbuf_release(&sb);
}

/* Does a definition of s use the enum value ('label'::type)? */
static int label_used(const sm_schema *s, const char *qtype, const char *label)
{
	strbuf lit = STRBUF_INIT;
	rt_sql_literal(&lit, label);
	rt_strbuf_addf(&lit, "::%s", qtype);
	int used = 0;
	for (size_t i = 0; i < s->ntables && !used; i++) {
		const sm_table *t = &s->tables[i];
		for (size_t j = 0; j < t->ncols && !used; j++)
			used = rt_pgd_mentions(t->cols[j].def, lit.buf) || rt_pgd_mentions(t->cols[j].generated, lit.buf);
		for (size_t j = 0; j < t->ncons && !used; j++)
			used = rt_pgd_mentions(t->cons[j].def, lit.buf);
		for (size_t j = 0; j < t->nidx && !used; j++)
			used = rt_pgd_mentions(t->idx[j].def, lit.buf);
		for (size_t j = 0; j < t->ntrg && !used; j++)
			used = rt_pgd_mentions(t->trg[j].def, lit.buf);
	}
	for (size_t i = 0; i < s->nviews && !used; i++)
		used = rt_pgd_mentions(s->views[i].def, lit.buf);
	rt_strbuf_release(&lit);
	return used;
}

/* New labels of an enum whose old labels all stay, in order. */
static void add_enum_values(dd *d, const sm_enum *x, const sm_enum *y)
{
	for (size_t i = 0; i < y->nlabels; i++) {
		if (rt_pgd_has_str(x->labels, x->nlabels, y->labels[i]))
			continue;
		sm_op *op = rt_sm_ops_add(d->out, 0, "type %s.%s: add value %s", y->schema, y->name,
				       y->labels[i]);
		if (label_used(d->b, Q(&d->n, y->schema, y->name), y->labels[i]))
			rt_sm_op_note(op, "PostgreSQL cannot use the new value %s before this transaction commits, and a default, check, index or view below does: put this step in a migration of its own (or mark this one transaction:false)",
				   y->labels[i]);
		if (i > 0)
			rt_sm_op_sql(op, "ALTER TYPE %s ADD VALUE %s AFTER %s", Q(&d->n, y->schema, y->name),
				  L(&d->n, y->labels[i]), L(&d->n, y->labels[i - 1]));
		else if (y->nlabels > 1 && x->nlabels)
			rt_sm_op_sql(op, "ALTER TYPE %s ADD VALUE %s BEFORE %s", Q(&d->n, y->schema, y->name),
				  L(&d->n, y->labels[i]), L(&d->n, y->labels[1]));
		else
			rt_sm_op_sql(op, "ALTER TYPE %s ADD VALUE %s", Q(&d->n, y->schema, y->name),
				  L(&d->n, y->labels[i]));
	}
}

/* The name an enum type has while its columns move to the new version. */
static char *old_enum_name(const char *name)
{
	char *s = rt_xasprintf("%.50s__retort_old", name);
	return s;
}

/* First half of the dance: the old type renamed away, the new one made. */
static void dance_start(dd *d, const sm_enum *x, const sm_enum *y)
{
	char *old = old_enum_name(x->name);
	strbuf gone = STRBUF_INIT;
	for (size_t i = 0; i < x->nlabels; i++)
		if (!rt_pgd_has_str(y->labels, y->nlabels, x->labels[i]))
			rt_strbuf_addf(&gone, "%s%s", gone.len ? ", " : "", x->labels[i]);
	sm_op *op = rt_sm_ops_add(d->out, gone.len > 0, "type %s.%s: %s (recreated)", x->schema,
			       x->name, gone.len ? "values removed" : "values reordered");
	if (gone.len)
		rt_sm_op_note(op, "removes values %s of type %s.%s: the change fails if rows still hold them",
			   gone.buf, x->schema, x->name);
	rt_sm_op_sql(op, "ALTER TYPE %s RENAME TO %s", Q(&d->n, x->schema, x->name), I(&d->n, old));
	strbuf sb = STRBUF_INIT;
	enum_labels(&sb, y);
	rt_sm_op_sql(op, "CREATE TYPE %s AS ENUM (%s)", Q(&d->n, y->schema, y->name), rt_strbuf_str(&sb));
	rt_strbuf_release(&sb);
	rt_strbuf_release(&gone);
	free(old);
}

/* New enum types, added values, and the first half of each dance. */
static void enums_first(dd *d)
{
	for (size_t i = 0; i < d->b->nenums; i++) {
		const sm_enum *y = &d->b->enums[i];
		const sm_enum *x = rt_sm_find_enum(d->a, y->schema, y->name);
		if (!x)
			create_enum(d, y);
		else if (rt_pgd_enum_dance(x, y))
			dance_start(d, x, y);
		else
			add_enum_values(d, x, y);
	}
}

/* Removed enum types and the old versions left by the dances, once no column uses them. */
static void enums_last(dd *d)
{
	for (size_t i = 0; i < d->a->nenums; i++) {
		const sm_enum *x = &d->a->enums[i];
		const sm_enum *y = rt_sm_find_enum(d->b, x->schema, x->name);
		if (y && !rt_pgd_enum_dance(x, y))
			continue;
		char *old = y ? old_enum_name(x->name) : NULL;
		sm_op *op = rt_sm_ops_add(d->out, 0, "drop type %s.%s%s", x->schema, y ? old : x->name,
				       y ? " (the old version)" : "");
		rt_sm_op_sql(op, "DROP TYPE %s", Q(&d->n, x->schema, y ? old : x->name));
		free(old);
	}
}

/* New sequences, and changed options (only those that change). */
static void sequences_first(dd *d)
{
	for (size_t i = 0; i < d->b->nseqs; i++) {
		const sm_sequence *y = &d->b->seqs[i];
		const sm_sequence *x = rt_sm_find_sequence(d->a, y->schema, y->name);
		if (x && eq(x->def, y->def))
			continue;
		sm_op *op = rt_sm_ops_add(d->out, 0, "%s sequence %s.%s", x ? "alter" : "create",
				       y->schema, y->name);
		seqopts a, b;
		rt_pgd_seqopts_parse(x ? x->def : "", &a);
		rt_pgd_seqopts_parse(y->def, &b);
		strbuf sb = STRBUF_INIT;
		if (b.head && (x ? !eq(a.head, b.head) : strcmp(b.head, "bigint")))
			rt_strbuf_addf(&sb, "AS %s", b.head);
		if (x)
			rt_pgd_seq_changes(&sb, &a, &b, "");
		else
			rt_pgd_seq_nondefault(&sb, &b, b.head ? b.head : "bigint", "");
		if (x && (!eq(a.v[SQ_MIN], b.v[SQ_MIN]) || !eq(a.v[SQ_MAX], b.v[SQ_MAX])))
			rt_sm_op_note(op, "fails if the current value of %s.%s is outside the new range (add RESTART WITH a value inside it)",
				   y->schema, y->name);
		rt_sm_op_sql(op, "%s SEQUENCE %s%s%s", x ? "ALTER" : "CREATE",
			  Q(&d->n, y->schema, y->name), sb.len ? " " : "", rt_strbuf_str(&sb));
		rt_strbuf_release(&sb);
		rt_pgd_seqopts_free(&a);
		rt_pgd_seqopts_free(&b);
	}
}

/* Removed sequences, after the defaults that used them changed. */
static void sequences_last(dd *d)
{
	for (size_t i = 0; i < d->a->nseqs; i++) {
		const sm_sequence *x = &d->a->seqs[i];
		if (rt_sm_find_sequence(d->b, x->schema, x->name))
			continue;
		sm_op *op = rt_sm_ops_add(d->out, 0, "drop sequence %s.%s", x->schema, x->name);
		rt_sm_op_sql(op, "DROP SEQUENCE %s", Q(&d->n, x->schema, x->name));
	}
}

/* OWNED BY for sequences whose owner is new or changed, once the owning tables exist. */
static void own_sequences(dd *d)
{
	for (size_t i = 0; i < d->b->nseqs; i++) {
		const sm_sequence *y = &d->b->seqs[i];
		const sm_sequence *x = rt_sm_find_sequence(d->a, y->schema, y->name);
		if (!y->owned_by || (x && eq(x->owned_by, y->owned_by) && !owner_changes(d, x, y)))
			continue;
		const char *col;
		const sm_table *t = owner_of(d->b, y->owned_by, &col);
		if (!t)
			continue;
		sm_op *op = rt_sm_ops_add(d->out, 0, "sequence %s.%s: owned by %s", y->schema, y->name,
				       y->owned_by);
		rt_sm_op_sql(op, "ALTER SEQUENCE %s OWNED BY %s.%s", Q(&d->n, y->schema, y->name),
			  Q(&d->n, t->schema, t->name), I(&d->n, col));
	}
}

/* ---- comments ---- */

/* Comments of a table's constraints and triggers (made-again ones lost theirs). */
static void table_part_comments(dd *d, const sm_table *ta, const sm_table *tb, const char *label)
{
	char *qt = rt_xstrdup(Q(&d->n, tb->schema, tb->name));
	for (size_t i = 0; i < tb->ncons; i++) {
		const sm_constraint *y = &tb->cons[i];
		const sm_constraint *x = ta ? rt_sm_find_constraint(ta, y->name) : NULL;
		int fresh = !x || rt_pgd_con_dropped(d, ta, tb, x);
		char *cl = rt_xasprintf("%s on %s", y->name, label);
		char *target = rt_xasprintf("CONSTRAINT %s ON %s", I(&d->n, y->name), qt);
		rt_pgd_comment_on(d, fresh, x ? x->comment : NULL, y->comment, "constraint", cl, target);
		free(cl);
		free(target);
	}
	for (size_t i = 0; i < tb->ntrg; i++) {
		const sm_trigger *y = &tb->trg[i];
		const sm_trigger *x = ta ? rt_sm_find_trigger(ta, y->name) : NULL;
		int fresh = !x || rt_pgd_trg_dropped(d, ta, tb, x);
		char *cl = rt_xasprintf("%s on %s", y->name, label);
		char *target = rt_xasprintf("TRIGGER %s ON %s", I(&d->n, y->name), qt);
		rt_pgd_comment_on(d, fresh, x ? x->comment : NULL, y->comment, "trigger", cl, target);
		free(cl);
		free(target);
	}
	free(qt);
}

/* Comments of schemas (public's too) and sequences. */
static void schema_comments(dd *d)
{
	for (size_t i = 0; i < d->b->nnamespaces; i++) {
		const sm_namespace *y = &d->b->namespaces[i];
		int fresh = strcmp(y->schema, "public") && !rt_pgd_has_str(d->a->schemas, d->a->nschemas, y->schema);
		rt_pgd_comment(d, fresh, rt_sm_schema_comment(d->a, y->schema), y->comment, "schema", y->schema,
			       I(&d->n, y->schema));
	}
	for (size_t i = 0; i < d->a->nnamespaces; i++) { /* removed, on a schema that stays */
		const sm_namespace *x = &d->a->namespaces[i];
		int stays = !strcmp(x->schema, "public") || rt_pgd_has_str(d->b->schemas, d->b->nschemas, x->schema);
		if (stays && !rt_sm_schema_comment(d->b, x->schema))
			rt_pgd_comment(d, 0, x->comment, NULL, "schema", x->schema, I(&d->n, x->schema));
	}
	for (size_t i = 0; i < d->b->nseqs; i++) {
		const sm_sequence *y = &d->b->seqs[i];
		const sm_sequence *x = rt_sm_find_sequence(d->a, y->schema, y->name);
		char *label = dep_name(y->schema, y->name);
		rt_pgd_comment(d, !x, x ? x->comment : NULL, y->comment, "sequence", label,
			       Q(&d->n, y->schema, y->name));
		free(label);
	}
}

/* Comments of a table of b, its columns and indexes (made-again objects lost theirs). */
static void table_comments(dd *d, const sm_table *tb)
{
	const sm_table *ta = rt_sm_find_table(d->a, tb->schema, tb->name);
	char *label = dep_name(tb->schema, tb->name);
	rt_pgd_comment(d, !ta, ta ? ta->comment : NULL, tb->comment, "table", label,
		Q(&d->n, tb->schema, tb->name));
	for (size_t i = 0; i < tb->ncols; i++) {
		const sm_column *y = &tb->cols[i];
		const sm_column *x = ta ? rt_sm_find_column(ta, y->name) : NULL;
		int fresh = !x || rt_pgd_col_remade(d, ta, tb, x, y);
		char *cl = rt_xasprintf("%s.%s", label, y->name);
		char *target = rt_xasprintf("%s.%s", Q(&d->n, tb->schema, tb->name), I(&d->n, y->name));
		rt_pgd_comment(d, fresh, x ? x->comment : NULL, y->comment, "column", cl, target);
		free(cl);
		free(target);
	}
	for (size_t i = 0; i < tb->nidx; i++) {
		const sm_index *y = &tb->idx[i];
		const sm_index *x = ta ? rt_sm_find_index(ta->idx, ta->nidx, y->name) : NULL;
		int fresh = !x || (!x->constraint && rt_pgd_idx_dropped(d, ta, tb, x));
		if (x && x->constraint) {
			const sm_constraint *k = rt_sm_find_constraint(ta, x->name);
			fresh = !k || rt_pgd_con_dropped(d, ta, tb, k);
		}
		char *il = dep_name(tb->schema, y->name);
		rt_pgd_comment(d, fresh, x ? x->comment : NULL, y->comment, "index", il,
			Q(&d->n, tb->schema, y->name));
		free(il);
	}
	table_part_comments(d, ta, tb, label);
	free(label);
}

/* The comment on column name of view v ("name\x1fcomment" entries), or NULL. */
static const char *view_col_comment(const sm_view *v, const char *name)
{
	size_t n = strlen(name);
	for (size_t i = 0; v && i < v->ncol_comments; i++)
		if (!strncmp(v->col_comments[i], name, n) && v->col_comments[i][n] == '\x1f')
			return v->col_comments[i] + n + 1;
	return NULL;
}

/* One column comment of view y: set, changed or (new NULL) removed. */
static void view_column_comment(dd *d, const sm_view *y, int fresh, const char *label,
				const char *entry, const char *old, const char *new)
{
	char *col = rt_xstrndup(entry, strcspn(entry, "\x1f"));
	char *cl = rt_xasprintf("%s.%s", label, col);
	char *target = rt_xasprintf("%s.%s", Q(&d->n, y->schema, y->name), I(&d->n, col));
	rt_pgd_comment(d, fresh, old, new, "column", cl, target);
	free(target);
	free(cl);
	free(col);
}

/*
 * Comments on the columns of view y (x: the view in a, NULL if none;
 * fresh: made anew, so it has none): set or changed, and removed from
 * the columns y still has.
 */
static void view_column_comments(dd *d, const sm_view *x, const sm_view *y, int fresh,
				 const char *label)
{
	for (size_t j = 0; j < y->ncol_comments; j++) {
		char *col = rt_xstrndup(y->col_comments[j], strcspn(y->col_comments[j], "\x1f"));
		view_column_comment(d, y, fresh, label, y->col_comments[j],
				    fresh ? NULL : view_col_comment(x, col), view_col_comment(y, col));
		free(col);
	}
	for (size_t j = 0; x && !fresh && j < x->ncol_comments; j++) {
		const char *e = x->col_comments[j];
		size_t n = strcspn(e, "\x1f");
		char *col = rt_xstrndup(e, n);
		int kept = 0; /* y has the column ("name type") */
		for (size_t k = 0; k < y->ncols && !kept; k++)
			kept = !strncmp(y->cols[k], col, n) && y->cols[k][n] == ' ';
		if (kept && !view_col_comment(y, col))
			view_column_comment(d, y, 0, label, e, e + n + 1, NULL);
		free(col);
	}
}

/* Comments of views and their indexes, enum types and functions of b. */
static void other_comments(dd *d)
{
	for (size_t i = 0; i < d->b->nexts; i++) {
		const sm_extension *y = &d->b->exts[i];
		const sm_extension *x = rt_sm_find_extension(d->a, y->name);
		rt_pgd_comment(d, !x, x ? x->comment : NULL, y->comment, "extension", y->name, I(&d->n, y->name));
	}
	for (size_t i = 0; i < d->b->nviews; i++) {
		const sm_view *y = &d->b->views[i];
		const sm_view *x = rt_sm_find_view(d->a, y->schema, y->name);
		char *label = dep_name(y->schema, y->name);
		rt_pgd_comment(d, d->vb_make[i] == 1, x ? x->comment : NULL, y->comment,
			y->materialized ? "materialized view" : "view", label,
			Q(&d->n, y->schema, y->name));
		view_column_comments(d, x, y, d->vb_make[i] == 1 || !x, label);
		for (size_t j = 0; j < y->nidx; j++) {
			const sm_index *m = x ? rt_sm_find_index(x->idx, x->nidx, y->idx[j].name) : NULL;
			int fresh = d->vb_make[i] == 1 || !m || strcmp(m->def, y->idx[j].def);
			char *il = dep_name(y->schema, y->idx[j].name);
			rt_pgd_comment(d, fresh, m ? m->comment : NULL, y->idx[j].comment, "index", il,
				Q(&d->n, y->schema, y->idx[j].name));
			free(il);
		}
		free(label);
	}
	for (size_t i = 0; i < d->b->nenums; i++) {
		const sm_enum *y = &d->b->enums[i];
		const sm_enum *x = rt_sm_find_enum(d->a, y->schema, y->name);
		char *label = dep_name(y->schema, y->name);
		rt_pgd_comment(d, !x || rt_pgd_enum_dance(x, y), x ? x->comment : NULL, y->comment, "type", label,
			Q(&d->n, y->schema, y->name));
		free(label);
	}
	for (size_t i = 0; i < d->b->nfuncs; i++) {
		const sm_function *y = &d->b->funcs[i];
		const sm_function *x = rt_sm_find_function(d->a, y->schema, y->identity);
		char *label = dep_name(y->schema, y->identity);
		rt_pgd_comment(d, d->fb_make[i] == 1, x ? x->comment : NULL, y->comment,
			rt_pgd_is_procedure(y) ? "procedure" : "function", label, rt_pgd_fsig(&d->n, y));
		free(label);
	}
}

/* Every comment that is new, changed, removed, or lost with an object made again. */
static void comments(dd *d)
{
	for (size_t i = 0; i < d->b->ntables; i++)
		table_comments(d, &d->b->tables[i]);
	other_comments(d);
	schema_comments(d);
	rt_pgd_domain_comments(d);
	rt_pgd_object_comments(d);
}

/* ------------------------------------------------------------------ */

/* A diff from a to b writing into out: per-object marks all cleared. */
static void dd_init(dd *d, const sm_schema *a, const sm_schema *b, const sm_diff_opts *opts,
		    sm_ops *out, rt_error *err)
{
	memset(d, 0, sizeof(*d));
	d->strict_order = opts && opts->column_order_strict;
	d->online = opts && opts->online;
	d->lock_timeout = opts && opts->lock_timeout && *opts->lock_timeout &&
			  strspn(opts->lock_timeout, "0 msinhd") != strlen(opts->lock_timeout)
			  ? opts->lock_timeout : "5s";
	d->a = a;
	d->b = b;
	d->out = out;
	d->err = err;
	d->tflags = rt_xcalloc(a->ntables + 1, 1);
	d->prefix = rt_xcalloc(a->ntables + 1, sizeof(size_t));
	d->va_drop = rt_xcalloc(a->nviews + 1, 1);
	d->vb_make = rt_xcalloc(b->nviews + 1, 1);
	d->fa_drop = rt_xcalloc(a->nfuncs + 1, 1);
	d->fb_make = rt_xcalloc(b->nfuncs + 1, 1);
	d->oa_drop = rt_xcalloc(a->nobjects + 1, 1);
	d->ob_make = rt_xcalloc(b->nobjects + 1, 1);
}

/* Release what dd_init and the marking allocated (not the operations). */
static void dd_free(dd *d)
{
	free(d->tflags);
	free(d->prefix);
	free(d->va_drop);
	free(d->vb_make);
	free(d->fa_drop);
	free(d->fb_make);
	free(d->oa_drop);
	free(d->ob_make);
	rt_strlist_free(&d->dirty);
	rt_strlist_free(&d->dance);
	rt_strlist_free(&d->online_made);
	names_free(&d->n);
}

/*
 * A migration that would make something of b that uses an object retort
 * does not compare (a composite type, a foreign table, ...) which a does
 * not have, fails where it makes it: refuse, naming both.
 */
static int refuse_unsupported_uses(dd *d)
{
	for (size_t i = 0; i < d->b->nunsupported_uses; i++) {
		const char *u = d->b->unsupported_uses[i];
		const char *sep = strchr(u, '\x1f');
		if (!sep)
			continue;
		char *used = rt_xstrndup(u, (size_t)(sep - u));
		int there = rt_pgd_has_str(d->a->unsupported_keys, d->a->nunsupported_keys, used);
		if (!there) {
			rt_fail(d->err, RT_EFAIL, "%s uses %s, which retort does not compare: a migration would not "
				"create it, and would fail where it creates %s", sep + 1, used, sep + 1);
			rt_hint(d->err, "create %s first, by hand (a migration of its own, written by hand, or "
				"before the first migration), then run this again", used);
		}
		free(used);
		if (!there)
			return -1;
	}
	return 0;
}

/* Decide what is dropped and made again, before writing anything. */
static void mark(dd *d)
{
	rt_pgd_mark_dances(d);
	rt_pgd_mark_functions(d); /* before the tables: rt_pgd_col_rebuilt reads fa_drop */
	rt_pgd_mark_objects(d);
	rt_pgd_mark_tables(d);
	while (rt_pgd_mark_views_once(d) | rt_pgd_mark_objects_once(d, 1))
		;
	rt_pgd_mark_makes(d);
	rt_pgd_mark_object_makes(d);
}

/* Phases up to the new tables; -1 when a change cannot be written. */
static int first_phases(dd *d)
{
	drop_triggers(d);
	rt_pgd_drop_late_objects(d);
	drop_views(d);
	drop_constraints(d, 1);
	drop_constraints(d, 0);
	drop_indexes(d);
	rt_pgd_release_functions(d);
	if (rt_pgd_drop_early(d, 1) < 0)
		return -1;
	disown_sequences(d);
	create_schemas(d);
	if (rt_pgd_create_extensions(d) < 0)
		return -1;
	enums_first(d);
	sequences_first(d);
	rt_pgd_detach_partitions(d);
	if (rt_pgd_create_early(d) < 0 || rt_pgd_alter_tables(d) < 0)
		return -1;
	rt_pgd_drop_tables(d);
	if (rt_pgd_drop_early(d, 0) < 0)
		return -1;
	enums_last(d);
	sequences_last(d);
	return 0;
}

static void last_phases(dd *d)
{
	rt_pgd_create_tables(d);
	rt_pgd_attach_partitions(d);
	own_sequences(d);
	rt_pgd_add_constraints(d, 0);
	rt_pgd_create_indexes(d);
	rt_pgd_add_constraints(d, 1);
	rt_pgd_create_views(d);
	rt_pgd_create_triggers(d);
	comments(d);
	rt_pgd_privileges(d);
	rt_pgd_drop_extensions(d);
	drop_schemas(d);
}

/*
 * Mark what changes (and what must be dropped around it) first, then
 * write the phases in order.  On failure no operation is left in out.
 */
int rt_pg_diff(const sm_schema *from, const sm_schema *to, const sm_diff_opts *opts,
	       sm_ops *out, rt_error *err)
{
	dd d;
	dd_init(&d, from, to, opts, out, err);
	mark(&d);
	int rc = refuse_unsupported_uses(&d);
	if (rc == 0)
		rc = first_phases(&d);
	if (rc == 0) {
		last_phases(&d);
		rt_pgd_online_finish(&d);
	}
	dd_free(&d);
	if (rc < 0)
		rt_sm_ops_free(out);
	return rc;
}
