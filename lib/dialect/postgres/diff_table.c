/*
 * diff_table.c - the table phases of a PostgreSQL schema diff: columns
 * added, dropped, retyped, moved to their declared position, identities
 * and storage options; then new and removed tables, constraints, indexes,
 * views and triggers in the order diff.c runs them.
 */
#include "dialect/postgres/pgdiff.h"

#include <ctype.h>
#include <string.h>

/* ---- columns ---- */

static int type_is(const char *t, const char *prefix)
{
	return !strncmp(t, prefix, strlen(prefix));
}

/* The length or precision in "name(n)" / "name(p,s)", -1 when none. */
static long type_arg(const char *t, int which)
{
	const char *p = strchr(t, '(');
	if (!p)
		return -1;
	long v = strtol(p + 1, (char **)&p, 10);
	if (which == 0)
		return v;
	return *p == ',' ? strtol(p + 1, NULL, 10) : 0;
}

/* Can every value of type a be stored in type b unchanged? (else the change is marked destructive) */
static int widening(const char *a, const char *b)
{
	static const char *const ints[] = { "smallint", "integer", "bigint", "numeric", NULL };
	int ia = -1, ib = -1;
	for (int i = 0; ints[i]; i++) {
		if (!strcmp(a, ints[i]))
			ia = i;
		if (!strcmp(b, ints[i]))
			ib = i;
	}
	if (ia >= 0 && ib >= 0)
		return ia <= ib;
	if (!strcmp(b, "text") && (type_is(a, "character varying") || type_is(a, "character(")))
		return 1;
	if (type_is(a, "character varying(") && !strcmp(b, "character varying"))
		return 1;
	if (type_is(a, "character varying(") && type_is(b, "character varying("))
		return type_arg(a, 0) <= type_arg(b, 0);
	if (type_is(a, "numeric(") && !strcmp(b, "numeric"))
		return 1;
	if (type_is(a, "numeric(") && type_is(b, "numeric(")) {
		long pa = type_arg(a, 0), sa = type_arg(a, 1), pb = type_arg(b, 0), sb = type_arg(b, 1);
		return sb >= sa && pb - sb >= pa - sa;
	}
	if ((!strcmp(a, "real") && !strcmp(b, "double precision")) ||
	    (!strcmp(a, "timestamp without time zone") && !strcmp(b, "timestamp with time zone")) ||
	    (!strcmp(a, "json") && !strcmp(b, "jsonb")))
		return 1;
	return 0;
}

/* An ALTER TABLE ... ALTER COLUMN operation: one statement, clause after the column. */
static sm_op *alter_col(dd *d, const sm_table *t, const sm_column *c, int destructive,
			const char *what, const char *clause)
{
	sm_op *op = rt_sm_ops_add(d->out, destructive, "alter column %s.%s.%s: %s", t->schema, t->name,
			       c->name, what);
	rt_sm_op_sql(op, "ALTER TABLE %s ALTER COLUMN %s %s", Q(&d->n, t->schema, t->name),
		  I(&d->n, c->name), clause);
	return op;
}

/*
 * Before a column with a default becomes NOT NULL, its NULLs take that
 * default (as the SQLite rebuild does), so rows written before the change
 * do not fail SET NOT NULL.
 */
static void fill_nulls(dd *d, const sm_table *t, const sm_column *c)
{
	sm_op *op = rt_sm_ops_add(d->out, 0, "alter column %s.%s.%s: NULLs take the default",
			       t->schema, t->name, c->name);
	const char *col = I(&d->n, c->name);
	rt_sm_op_sql(op, "UPDATE %s SET %s = %s WHERE %s IS NULL", Q(&d->n, t->schema, t->name),
		  col, c->def, col);
	rt_sm_op_note(op, "NULLs in %s.%s become its default, %s", t->name, c->name, c->def);
}

/* ALTER TABLE ... ADD COLUMN with the whole column definition. */
static void add_column(dd *d, const sm_table *t, const sm_column *c)
{
	sm_op *op = rt_sm_ops_add(d->out, 0, "add column %s.%s.%s", t->schema, t->name, c->name);
	strbuf sb = STRBUF_INIT;
	rt_pgd_col_def(&sb, t, c);
	rt_sm_op_sql(op, "ALTER TABLE %s ADD COLUMN %s", Q(&d->n, t->schema, t->name), sb.buf);
	if (c->notnull && !c->def && !c->generated && !c->identity)
		rt_sm_op_note(op, "NOT NULL without a default: fails if %s.%s has rows", t->schema, t->name);
	rt_strbuf_release(&sb);
	rt_pgd_column_settings(d, t, c->name, NULL, c->settings);
}

/* ALTER TABLE ... DROP COLUMN; destructive unless the data is kept elsewhere (a generated column). */
static void drop_column(dd *d, const sm_table *t, const sm_column *c, int keeps_data)
{
	sm_op *op = rt_sm_ops_add(d->out, !keeps_data, "drop column %s.%s.%s", t->schema, t->name,
			       c->name);
	if (!keeps_data)
		rt_sm_op_note(op, "drops column %s.%s.%s and its data", t->schema, t->name, c->name);
	rt_sm_op_sql(op, "ALTER TABLE %s DROP COLUMN %s", Q(&d->n, t->schema, t->name),
		  I(&d->n, c->name));
}

/*
 * Before functions are dropped: the generated columns that call them
 * (dropped, or their expression when b's column is plain), the defaults
 * that call them (alter_column sets them again), and the checks and
 * indexes that call them on tables b does not have (rt_pgd_con_dropped and
 * rt_pgd_idx_dropped see to the others).
 */
void rt_pgd_release_functions(dd *d)
{
	for (size_t i = 0; i < d->a->ntables; i++) {
		const sm_table *ta = &d->a->tables[i];
		const sm_table *tb = rt_sm_find_table(d->b, ta->schema, ta->name);
		for (size_t j = 0; j < ta->ncols; j++) {
			const sm_column *x = &ta->cols[j];
			const sm_column *y = tb ? rt_sm_find_column(tb, x->name) : NULL;
			if (rt_pgd_released_column(d, x) && y && !y->generated)
				alter_col(d, ta, x, 0, "no longer generated", "DROP EXPRESSION");
			else if (rt_pgd_released_column(d, x))
				drop_column(d, ta, x, 1); /* added again by alter_table when b has it */
			if (!rt_pgd_calls_dropped_function(d, x->def))
				continue;
			sm_op *op = rt_sm_ops_add(d->out, 0, "alter column %s.%s.%s: drop default (its function is dropped)",
					       ta->schema, ta->name, x->name);
			rt_sm_op_sql(op, "ALTER TABLE %s ALTER COLUMN %s DROP DEFAULT",
				  Q(&d->n, ta->schema, ta->name), I(&d->n, x->name));
		}
		if (tb)
			continue;
		for (size_t j = 0; j < ta->ncons; j++)
			if (ta->cons[j].kind != SM_FOREIGN && rt_pgd_calls_dropped_function(d, ta->cons[j].def))
				rt_pgd_drop_constraint(d, ta, &ta->cons[j]);
		for (size_t j = 0; j < ta->nidx; j++)
			if (!ta->idx[j].constraint && rt_pgd_calls_dropped_function(d, ta->idx[j].def))
				rt_pgd_drop_index(d, ta->schema, &ta->idx[j]);
	}
}

/* After an identity is added to a column with rows: its sequence past their values. */
static void identity_catch_up(dd *d, sm_op *op, const sm_table *t, const sm_column *c)
{
	seqopts o;
	rt_pgd_seqopts_parse(c->identity_opts ? c->identity_opts : "", &o);
	if (!o.v[SQ_INC] || o.v[SQ_INC][0] != '-') {
		const char *qt = Q(&d->n, t->schema, t->name);
		strbuf lit = STRBUF_INIT;
		rt_sql_literal(&lit, qt);
		rt_sm_op_sql(op, "SELECT pg_catalog.setval(pg_catalog.pg_get_serial_sequence(%s, %s), "
			  "coalesce(max(%s) + 1, %s), false) FROM %s", lit.buf, L(&d->n, c->name),
			  I(&d->n, c->name), o.v[SQ_START] ? o.v[SQ_START] : "1", qt);
		rt_strbuf_release(&lit);
	}
	rt_pgd_seqopts_free(&o);
}

/* Identity options of a column on both sides: SET ... for what changes, a rename of its sequence. */
static void identity_changes(dd *d, const sm_table *t, const sm_column *x, const sm_column *y)
{
	seqopts a, b;
	rt_pgd_seqopts_parse(x->identity_opts, &a);
	rt_pgd_seqopts_parse(y->identity_opts, &b);
	strbuf sb = STRBUF_INIT;
	rt_pgd_seq_changes(&sb, &a, &b, "SET ");
	if (sb.len)
		alter_col(d, t, y, 0, "identity options", sb.buf);
	if (a.head && b.head && strcmp(a.head, b.head)) {
		const char *dot = strrchr(b.head, '.');
		sm_op *op = rt_sm_ops_add(d->out, 0, "identity sequence of %s.%s.%s: renamed", t->schema,
				       t->name, y->name);
		rt_sm_op_sql(op, "ALTER SEQUENCE %s RENAME TO %s", a.head, dot ? dot + 1 : b.head);
	}
	rt_strbuf_release(&sb);
	rt_pgd_seqopts_free(&a);
	rt_pgd_seqopts_free(&b);
}

/* Identity of a column on both sides: added, dropped, ALWAYS <-> BY DEFAULT, options. */
static void alter_identity(dd *d, const sm_table *t, const sm_column *x, const sm_column *y)
{
	if (x->identity && !y->identity) {
		alter_col(d, t, x, 0, "drop identity", "DROP IDENTITY");
		return;
	}
	if (!x->identity && y->identity) {
		strbuf sb = STRBUF_INIT;
		rt_strbuf_addf(&sb, "ADD GENERATED %s AS IDENTITY",
			    y->identity == 'a' ? "ALWAYS" : "BY DEFAULT");
		rt_pgd_identity_options(&sb, t->schema, t->name, y);
		sm_op *op = alter_col(d, t, y, 0, "add identity", sb.buf);
		identity_catch_up(d, op, t, y);
		rt_strbuf_release(&sb);
		return;
	}
	if (!x->identity)
		return;
	if (x->identity != y->identity)
		alter_col(d, t, y, 0, "identity kind", y->identity == 'a' ?
			  "SET GENERATED ALWAYS" : "SET GENERATED BY DEFAULT");
	if (!eq(x->identity_opts, y->identity_opts) && x->identity_opts && y->identity_opts)
		identity_changes(d, t, x, y);
}

/* Is type (as format_type writes it) an enum type of s, or an array of one? */
static int is_enum_type(const sm_schema *s, const char *type)
{
	for (size_t i = 0; i < s->nenums; i++) {
		strbuf q = STRBUF_INIT;
		rt_pg_qname(&q, s->enums[i].schema, s->enums[i].name);
		size_t n = q.len;
		int hit = !strncmp(type, q.buf, n) && (!type[n] || !strcmp(type + n, "[]"));
		rt_strbuf_release(&q);
		if (hit)
			return 1;
	}
	return 0;
}

/*
 * The cast of a column's values to its new type: "c::new", through text
 * when there is no cast between the two (an enum type to another, or to
 * the new version of itself).
 */
static void cast_to(dd *d, strbuf *sb, const char *expr, const sm_column *x, const sm_column *y)
{
	rt_strbuf_addf(sb, "%s::", expr);
	if (rt_pgd_col_recast(d, x, y) || (is_enum_type(d->a, x->type) && is_enum_type(d->b, y->type)))
		rt_strbuf_addf(sb, "%s::", strstr(x->type, "[]") ? "text[]" : "text");
	rt_strbuf_adds(sb, y->type);
}

/* The new type of a column: ALTER ... TYPE ... [COLLATE] USING. */
static void alter_type(dd *d, const sm_table *t, const sm_column *x, const sm_column *y)
{
	int recast = rt_pgd_col_recast(d, x, y);
	int lossy = recast ? 0 : !widening(x->type, y->type) && strcmp(x->type, y->type);
	strbuf sb = STRBUF_INIT, what = STRBUF_INIT;
	rt_strbuf_addf(&sb, "TYPE %s", y->type);
	/*
	 * Without COLLATE the column gets the new type's default collation,
	 * which is what no collation in the model means (and the only one a
	 * type without collations takes); any other is written every time.
	 */
	if (y->collation)
		rt_strbuf_addf(&sb, " COLLATE %s", y->collation);
	/* a generated column is computed again: the server refuses USING for it */
	if (!y->generated) {
		rt_strbuf_adds(&sb, " USING ");
		cast_to(d, &sb, I(&d->n, y->name), x, y);
	}
	if (recast)
		rt_strbuf_addf(&what, "type %s (recast to its new version)", y->type);
	else
		rt_strbuf_addf(&what, "type %s -> %s", x->type, y->type);
	sm_op *op = alter_col(d, t, y, lossy, what.buf, sb.buf);
	if (lossy)
		rt_sm_op_note(op, "changes the type of %s.%s.%s from %s to %s: values that do not fit fail the change or are converted",
			   t->schema, t->name, y->name, x->type, y->type);
	rt_pgd_online_type(d, op, t, x, y);
	rt_strbuf_release(&sb);
	rt_strbuf_release(&what);
}

/*
 * One column on both sides: generation, identity, type, default and
 * nullability, each its own statement.  A default is dropped before a
 * type changes (it may not cast) and set again after.
 */
static void alter_column(dd *d, const sm_table *t, const sm_column *x, const sm_column *y)
{
	/* a default calling a dropped function is gone already (rt_pgd_release_functions) */
	const char *xdef = rt_pgd_calls_dropped_function(d, x->def) ? NULL : x->def;
	if (x->generated && !y->generated && !rt_pgd_released_column(d, x))
		alter_col(d, t, y, 0, "no longer generated", "DROP EXPRESSION");
	int retype = rt_pgd_col_type_changes(d, x, y);
	if (xdef && (retype || (y->identity && !x->identity) || !eq(xdef, y->def))) {
		if (!y->def || retype || y->identity)
			alter_col(d, t, y, 0, "drop default", "DROP DEFAULT");
		if (!y->def || retype || y->identity)
			xdef = NULL;
	}
	/*
	 * An identity column is NOT NULL: set before it is added, dropped
	 * after it goes.  The type first: its identity sequence follows it.
	 */
	if (!x->notnull && y->notnull) {
		int fill = y->def && !retype && !y->identity && !y->generated;
		if (rt_pgd_online(d, t) && !y->identity) { /* an identity needs NOT NULL first */
			rt_pgd_online_not_null(d, t, y, fill);
		} else {
			if (fill)
				fill_nulls(d, t, y);
			alter_col(d, t, y, 0, "not null", "SET NOT NULL");
		}
	}
	/* an identity that goes, goes before the type (which may take none) */
	int unident = x->identity && !y->identity;
	if (unident)
		alter_identity(d, t, x, y);
	if (retype)
		alter_type(d, t, x, y);
	if (!unident)
		alter_identity(d, t, x, y);
	if (y->def && !eq(xdef, y->def)) {
		char *set = rt_xasprintf("SET DEFAULT %s", y->def);
		alter_col(d, t, y, 0, "default", set);
		free(set);
	}
	if (x->notnull && !y->notnull)
		alter_col(d, t, y, 0, "nullable", "DROP NOT NULL");
	rt_pgd_column_settings(d, t, y->name, x->settings, y->settings);
}

/* Storage parameters and logging of a table on both sides. */
static int alter_options(dd *d, const sm_table *ta, const sm_table *tb)
{
	char *pa = rt_pgd_option_line(ta->options, "PARTITION BY "), *pb = rt_pgd_option_line(tb->options, "PARTITION BY ");
	int same_part = eq(pa, pb);
	free(pa);
	free(pb);
	if (!same_part) {
		rt_fail(d->err, RT_EFAIL, "the partitioning of table %s.%s changes, which PostgreSQL cannot alter",
			ta->schema, ta->name);
		rt_hint(d->err, "write this migration by hand (a new table, a copy of the rows, a rename)");
		return -1;
	}
	char *ua = rt_pgd_option_line(ta->options, "UNLOGGED"), *ub = rt_pgd_option_line(tb->options, "UNLOGGED");
	if (!ua != !ub) {
		sm_op *op = rt_sm_ops_add(d->out, 0, "table %s.%s: %s", tb->schema, tb->name,
				       ub ? "unlogged" : "logged");
		rt_sm_op_sql(op, "ALTER TABLE %s SET %s", Q(&d->n, tb->schema, tb->name),
			  ub ? "UNLOGGED" : "LOGGED");
	}
	free(ua);
	free(ub);
	char *wa = rt_pgd_option_line(ta->options, "WITH ("), *wb = rt_pgd_option_line(tb->options, "WITH (");
	if (!eq(wa, wb)) {
		sm_op *op = rt_sm_ops_add(d->out, 0, "table %s.%s: storage parameters", tb->schema, tb->name);
		if (wa) {
			/* RESET (key, ...): the keys of "WITH (k=v, k2=v2)" */
			strbuf keys = STRBUF_INIT;
			rt_pgd_option_keys(&keys, wa + 6);
			rt_sm_op_sql(op, "ALTER TABLE %s RESET (%s)", Q(&d->n, tb->schema, tb->name), keys.buf);
			rt_strbuf_release(&keys);
		}
		if (wb)
			rt_sm_op_sql(op, "ALTER TABLE %s SET %s", Q(&d->n, tb->schema, tb->name), wb + 5);
	}
	free(wa);
	free(wb);
	rt_pgd_row_security(d, tb, ta->row_security, tb->row_security);
	return 0;
}

/* The name a moved column has while its data is copied. */
static char *moving_name(const char *name)
{
	return rt_xasprintf("%.48s__retort_moving", name);
}

/* First half of a move: the column renamed away, its data kept. */
static void move_start(dd *d, const sm_table *t, const sm_column *x)
{
	char *tmp = moving_name(x->name);
	sm_op *op = rt_sm_ops_add(d->out, 0, "move column %s.%s.%s (1/2): rename it away", t->schema,
			       t->name, x->name);
	rt_sm_op_note(op, "column_order = strict: columns after the first new or reordered one are moved to the end, in the declared order, by copying their data (without that setting, order is no difference and new columns are added at the end)");
	rt_sm_op_sql(op, "ALTER TABLE %s RENAME COLUMN %s TO %s", Q(&d->n, t->schema, t->name),
		  I(&d->n, x->name), I(&d->n, tmp));
	free(tmp);
}

/* Second half: the column added at the end, the data copied, the old one dropped. */
static void move_finish(dd *d, const sm_table *t, const sm_column *x, const sm_column *y)
{
	char *tmp = moving_name(x->name);
	const char *qt = Q(&d->n, t->schema, t->name);
	sm_op *op = rt_sm_ops_add(d->out, 0, "move column %s.%s.%s (2/2): add it at the end, copy the data",
			       t->schema, t->name, y->name);
	sm_column plain = { .name = y->name, .type = y->type, .collation = y->collation };
	strbuf sb = STRBUF_INIT;
	rt_pgd_col_def(&sb, t, &plain);
	rt_sm_op_sql(op, "ALTER TABLE %s ADD COLUMN %s", qt, sb.buf);
	rt_strbuf_reset(&sb);
	if (rt_pgd_col_type_changes(d, x, y))
		cast_to(d, &sb, I(&d->n, tmp), x, y);
	else
		rt_strbuf_adds(&sb, I(&d->n, tmp));
	rt_sm_op_sql(op, "UPDATE %s SET %s = %s", qt, I(&d->n, y->name), sb.buf);
	rt_sm_op_sql(op, "ALTER TABLE %s DROP COLUMN %s", qt, I(&d->n, tmp));
	const char *qc = I(&d->n, y->name);
	if (y->def)
		rt_sm_op_sql(op, "ALTER TABLE %s ALTER COLUMN %s SET DEFAULT %s", qt, qc, y->def);
	if (y->notnull)
		rt_sm_op_sql(op, "ALTER TABLE %s ALTER COLUMN %s SET NOT NULL", qt, qc);
	if (y->identity) {
		rt_strbuf_reset(&sb);
		rt_pgd_identity_options(&sb, t->schema, t->name, y);
		rt_sm_op_sql(op, "ALTER TABLE %s ALTER COLUMN %s ADD GENERATED %s AS IDENTITY%s", qt, qc,
			  y->identity == 'a' ? "ALWAYS" : "BY DEFAULT", rt_strbuf_str(&sb));
		identity_catch_up(d, op, t, y);
	}
	rt_strbuf_release(&sb);
	free(tmp);
	rt_pgd_column_settings(d, t, y->name, NULL, y->settings);
}

/*
 * Columns of one table on both sides: drops (and the first half of
 * moves), changes in place, then additions at the end in b's order.
 */
/*
 * Columns from the first moved or new one on are added at the end, in b's
 * order: a generated one among them can read only columns present by
 * then.  One that reads a column declared after it cannot be made by
 * ALTER TABLE: refuse, saying so.
 */
static int check_generated_order(dd *d, const sm_table *ta, const sm_table *tb)
{
	for (size_t i = d->prefix[rt_pgd_table_index(d->a, ta)]; i < tb->ncols; i++) {
		const sm_column *y = &tb->cols[i];
		if (!y->generated)
			continue;
		for (size_t j = i + 1; j < tb->ncols; j++) {
			strbuf q = STRBUF_INIT;
			rt_pg_ident(&q, tb->cols[j].name);
			int reads = rt_pgd_mentions(y->generated, q.buf);
			rt_strbuf_release(&q);
			if (!reads)
				continue;
			rt_fail(d->err, RT_EFAIL,
				"table %s.%s: generated column %s comes before column %s, which it reads, "
				"and both must be added at the end (ALTER TABLE cannot place a column)",
				tb->schema, tb->name, y->name, tb->cols[j].name);
			rt_hint(d->err, "declare %s after %s, or write this migration by hand "
				"(a new table, a copy of the rows, a rename)", y->name, tb->cols[j].name);
			return -1;
		}
	}
	return 0;
}

static int alter_table(dd *d, const sm_table *ta, const sm_table *tb)
{
	if (ta->partition_of || tb->partition_of)
		return alter_options(d, ta, tb); /* a partition's columns are its parent's */
	if (check_generated_order(d, ta, tb) < 0)
		return -1;
	/* generated columns first: a column they read cannot go before them */
	for (int generated = 1; generated >= 0; generated--)
		for (size_t i = 0; i < ta->ncols; i++) {
			const sm_column *x = &ta->cols[i];
			const sm_column *y = rt_sm_find_column(tb, x->name);
			if (!x->generated != !generated)
				continue;
			if (rt_pgd_released_column(d, x) && !(y && !y->generated))
				continue; /* dropped by rt_pgd_release_functions */
			if (!y)
				drop_column(d, ta, x, x->generated != NULL);
			else if (rt_pgd_col_rebuilt(d, ta, tb, x, y))
				drop_column(d, ta, x, x->generated != NULL);
			else if (rt_pgd_col_moved(d, ta, tb, y) && !y->generated)
				move_start(d, ta, x);
			else if (rt_pgd_col_moved(d, ta, tb, y))
				drop_column(d, ta, x, 1);
		}
	for (size_t i = 0; i < tb->ncols; i++) {
		const sm_column *y = &tb->cols[i];
		const sm_column *x = rt_sm_find_column(ta, y->name);
		if (x && !rt_pgd_col_remade(d, ta, tb, x, y))
			alter_column(d, tb, x, y);
	}
	/*
	 * Strict order: in b's order (check_generated_order made sure that
	 * works).  Otherwise plain columns first, then generated ones, which
	 * may read any of them (PostgreSQL's cannot read each other).
	 */
	int first = d->strict_order ? 2 : 0, end = d->strict_order ? 3 : 2;
	for (int pass = first; pass < end; pass++)
		for (size_t i = 0; i < tb->ncols; i++) {
			const sm_column *y = &tb->cols[i];
			const sm_column *x = rt_sm_find_column(ta, y->name);
			if (pass < 2 && !y->generated != !pass)
				continue;
			if (x && rt_pgd_col_moved(d, ta, tb, y) && !y->generated)
				move_finish(d, tb, x, y);
			else if (!x || rt_pgd_col_remade(d, ta, tb, x, y))
				add_column(d, tb, y);
		}
	return alter_options(d, ta, tb);
}

/* Every table on both sides; -1 when a change cannot be written. */
int rt_pgd_alter_tables(dd *d)
{
	for (size_t i = 0; i < d->b->ntables; i++) {
		const sm_table *tb = &d->b->tables[i];
		const sm_table *ta = rt_sm_find_table(d->a, tb->schema, tb->name);
		if (ta && alter_table(d, ta, tb) < 0)
			return -1;
	}
	return 0;
}

/* Is b's constraint k (of table tb) to be added? */
static int con_added(const dd *d, const sm_table *tb, const sm_constraint *k)
{
	const sm_table *ta = rt_sm_find_table(d->a, tb->schema, tb->name);
	if (!ta)
		return k->kind == SM_FOREIGN || !rt_pgd_con_inline(k) || tb->partition_of;
	const sm_constraint *m = rt_sm_find_constraint(ta, k->name);
	return !m || rt_pgd_con_dropped(d, ta, tb, m);
}

/*
 * Foreign keys (foreign) or the other constraints of b that are new,
 * made again, or left out of CREATE TABLE; NOT VALID -> valid is a
 * VALIDATE CONSTRAINT.
 */
void rt_pgd_add_constraints(dd *d, int foreign)
{
	for (size_t i = 0; i < d->b->ntables; i++) {
		const sm_table *tb = &d->b->tables[i];
		const sm_table *ta = rt_sm_find_table(d->a, tb->schema, tb->name);
		for (size_t j = 0; j < tb->ncons; j++) {
			const sm_constraint *k = &tb->cons[j];
			if ((k->kind == SM_FOREIGN) != foreign)
				continue;
			/* online: a key to a key made in a later step waits for it */
			int late = foreign && rt_pgd_key_made_online(d, k->ref_table);
			if (con_added(d, tb, k)) {
				if (!rt_pgd_online_constraint(d, tb, k, late))
					rt_pgd_add_constraint(d, tb, k)->step = late ? SM_STEP_LATE : SM_STEP_MAIN;
				continue;
			}
			const sm_constraint *m = ta ? rt_sm_find_constraint(ta, k->name) : NULL;
			if (m && !m->validated && k->validated && rt_pgd_online(d, tb)) {
				rt_pgd_online_validate(d, tb, k->name, "constraint", late);
			} else if (m && !m->validated && k->validated) {
				sm_op *op = rt_sm_ops_add(d->out, 0, "validate constraint %s on %s.%s",
						       k->name, tb->schema, tb->name);
				rt_sm_op_sql(op, "ALTER TABLE %s VALIDATE CONSTRAINT %s",
					  Q(&d->n, tb->schema, tb->name), I(&d->n, k->name));
			}
		}
	}
}

/* Indexes of b's tables that are new or made again (not those of constraints). */
void rt_pgd_create_indexes(dd *d)
{
	for (size_t i = 0; i < d->b->ntables; i++) {
		const sm_table *tb = &d->b->tables[i];
		const sm_table *ta = rt_sm_find_table(d->a, tb->schema, tb->name);
		for (size_t j = 0; j < tb->nidx; j++) {
			const sm_index *x = &tb->idx[j];
			const sm_index *m = ta ? rt_sm_find_index(ta->idx, ta->nidx, x->name) : NULL;
			if (x->constraint) { /* made with its constraint, or kept with it */
				const sm_constraint *k = m ? rt_sm_find_constraint(ta, m->name) : NULL;
				int fresh = !k || rt_pgd_con_dropped(d, ta, tb, k);
				rt_pgd_index_settings(d, tb->schema, x->name, fresh ? NULL : m->settings, x->settings);
			} else if (!m || m->constraint || rt_pgd_idx_dropped(d, ta, tb, m)) {
				if (rt_pgd_online(d, tb))
					rt_pgd_online_index(d, tb->schema, x);
				else
					rt_pgd_create_index(d, tb->schema, x, rt_pgd_is_partitioned(tb));
				rt_pgd_index_settings(d, tb->schema, x->name, NULL, x->settings);
			} else {
				rt_pgd_index_settings(d, tb->schema, x->name, m->settings, x->settings);
			}
		}
	}
}

/* Views and functions that use relations, in dependency order; then view column defaults, matview indexes. */
void rt_pgd_create_views(dd *d)
{
	node *v;
	size_t n;
	rt_pgd_nodes_build(d->b, &v, &n);
	size_t *order = rt_pgd_nodes_order(v, n);
	for (size_t k = 0; k < n; k++) {
		const node *x = &v[order[k]];
		if (x->v && d->vb_make[(size_t)(x->v - d->b->views)])
			rt_pgd_create_view(d, x->v, d->vb_make[(size_t)(x->v - d->b->views)] == 2);
		else if (x->f && d->fb_make[(size_t)(x->f - d->b->funcs)])
			rt_pgd_create_function(d, x->f, d->fb_make[(size_t)(x->f - d->b->funcs)] == 2);
		else if (x->o)
			rt_pgd_create_late_object(d, x->o);
	}
	free(order);
	rt_pgd_nodes_free(v, n);
	for (size_t j = 0; j < d->b->nviews; j++) {
		const sm_view *y = &d->b->views[j];
		const sm_view *x = rt_sm_find_view(d->a, y->schema, y->name);
		rt_pgd_view_defaults(d, x, y, d->vb_make[j] == 1 || !x);
		if (d->vb_make[j] == 1 || !x)
			continue;
		for (size_t i = 0; i < y->nidx; i++) {
			const sm_index *m = rt_sm_find_index(x->idx, x->nidx, y->idx[i].name);
			if (!m || strcmp(m->def, y->idx[i].def))
				rt_pgd_create_index(d, y->schema, &y->idx[i], 0);
		}
	}
}

/* Triggers of b that are new or made again, once their functions exist. */
void rt_pgd_create_triggers(dd *d)
{
	for (size_t i = 0; i < d->b->ntables; i++) {
		const sm_table *tb = &d->b->tables[i];
		const sm_table *ta = rt_sm_find_table(d->a, tb->schema, tb->name);
		for (size_t j = 0; j < tb->ntrg; j++) {
			const sm_trigger *g = &tb->trg[j];
			const sm_trigger *m = ta ? rt_sm_find_trigger(ta, g->name) : NULL;
			if (!m || rt_pgd_trg_dropped(d, ta, tb, m))
				rt_pgd_create_trigger(d, tb, g);
		}
	}
}

