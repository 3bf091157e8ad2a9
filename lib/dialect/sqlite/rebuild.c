/*
 * rebuild.c - SQLite's documented table rebuild
 * (https://www.sqlite.org/lang_altertable.html#otheralter) as one
 * operation of a diff: the target's CREATE TABLE under a temporary name,
 * the rows copied (rowids and the AUTOINCREMENT sequence kept, NULLs of a
 * column that becomes NOT NULL given its default), the old table dropped,
 * the new one renamed, its indexes created again.  diff.c decides when a
 * table is rebuilt and in what order.
 */
#include "internal.h"
#include "dialect/sqlite/diff_internal.h"
#include "dialect/sqlite/sqlite_internal.h"
#include "schema/model.h"
#include "schema/ops.h"
#include "sqltext.h"

#include <ctype.h>
#include <sqlite3.h>
#include <string.h>
#include <strings.h>

/* See diff_internal.h. */
void rt_sq_op_named(sm_op *op, const char *verb, const char *name)
{
	strbuf sb = STRBUF_INIT;
	rt_strbuf_addf(&sb, "%s ", verb);
	rt_sq_ident(&sb, name);
	rt_strlist_push(&op->sql, sb.buf);
	rt_strbuf_release(&sb);
}

/* See diff_internal.h. */
const sm_column *rt_sq_column_ci(const sm_table *t, const char *name)
{
	for (size_t i = 0; i < t->ncols; i++)
		if (!strcasecmp(t->cols[i].name, name))
			return &t->cols[i];
	return NULL;
}

/* The new table's CREATE TABLE text under another name. */
static char *renamed_create(const sm_table *t, const char *name)
{
	sq_table_text tt;
	strbuf sb = STRBUF_INIT;
	if (rt_sq_table_parse(t->sql, &tt) == 0 && tt.name_end > tt.name_first) {
		const sq_token *first = &tt.tok.v[tt.name_first];
		const sq_token *last = &tt.tok.v[tt.name_end - 1];
		rt_strbuf_add(&sb, t->sql, (size_t)(first->s - t->sql));
		rt_sq_ident(&sb, name);
		rt_strbuf_adds(&sb, last->s + last->n);
	}
	rt_sq_table_text_free(&tt);
	return rt_strbuf_detach(&sb);
}

/* A name that reaches the rowid of t (no column hides it), or NULL. */
static const char *rowid_name(const sm_table *t)
{
	static const char *const names[] = { "rowid", "_rowid_", "oid", NULL };
	for (int i = 0; names[i]; i++)
		if (!rt_sq_column_ci(t, names[i]))
			return names[i];
	return NULL;
}

/*
 * Add one copied column: into the new table's list, from the old one's
 * (through coalesce(old, fill) when its NULLs take a default).
 */
static void copy_col(strbuf *into, strbuf *from, const char *to_name,
		     const char *from_name, const char *fill)
{
	if (into->len) {
		rt_strbuf_adds(into, ", ");
		rt_strbuf_adds(from, ", ");
	}
	rt_sq_ident(into, to_name);
	if (fill)
		rt_strbuf_adds(from, "coalesce(");
	rt_sq_ident(from, from_name);
	if (fill)
		rt_strbuf_addf(from, ", %s)", fill);
}

/*
 * The rows' rowids are kept where both tables have one: through the
 * rowid itself, or through the new table's INTEGER PRIMARY KEY when the
 * old table has no such column.
 */
static void copy_rowid(strbuf *into, strbuf *from, const sm_table *a,
		       const sm_table *b)
{
	if (a->without_rowid || b->without_rowid || !rowid_name(a))
		return;
	const char *alias = rt_sqlite_rowid_alias(b);
	if (alias && rt_sq_column_ci(a, alias))
		return;
	const char *to = alias ? alias : rowid_name(b);
	if (to)
		copy_col(into, from, to, rowid_name(a), NULL);
}

/*
 * Can a default be used as an expression in a SELECT?  Not when it names
 * something: DEFAULT abc (or "abc") is the string 'abc' to SQLite.
 */
static int default_is_expr(const char *def)
{
	sq_tokens tok = { 0 };
	rt_sq_tokenize(def, strlen(def), &tok);
	int ok = 1;
	for (size_t i = 0; i < tok.n && ok; i++) {
		const sq_token *t = &tok.v[i];
		int call = i + 1 < tok.n && rt_sq_punct(&tok.v[i + 1], "(");
		if (t->kind == SQ_QUOTED ||
		    (t->kind == SQ_WORD && !call && !sqlite3_keyword_check(t->s, (int)t->n) &&
		     !rt_sq_is(t, "TRUE") && !rt_sq_is(t, "FALSE")))
			ok = 0;
	}
	rt_sq_tokens_free(&tok);
	return ok;
}

/*
 * A column that becomes NOT NULL and has a default takes the default for
 * its NULLs (as Django's rebuild does), rather than failing the copy.
 */
static int fills_nulls(const sm_column *c, const sm_column *o)
{
	return c->notnull && !o->notnull && c->def && default_is_expr(c->def);
}

/* INSERT INTO tmp (...) SELECT ... FROM old: the columns both have. */
static void copy_sql(sm_op *op, const tplan *p, const char *tmp)
{
	strbuf into = STRBUF_INIT, from = STRBUF_INIT;
	for (size_t i = 0; i < p->b->ncols; i++) {
		const sm_column *c = &p->b->cols[i];
		const sm_column *o = rt_sq_column_ci(p->a, c->name);
		if (!o || c->generated)
			continue;
		int fill = fills_nulls(c, o);
		copy_col(&into, &from, c->name, o->name, fill ? c->def : NULL);
		if (fill)
			rt_sm_op_note(op, "NULLs in %s.%s become its default, %s", p->b->name,
				   c->name, c->def);
	}
	copy_rowid(&into, &from, p->a, p->b);
	if (into.len) {
		strbuf sb = STRBUF_INIT;
		rt_strbuf_adds(&sb, "INSERT INTO ");
		rt_sq_ident(&sb, tmp);
		rt_strbuf_addf(&sb, " (%s) SELECT %s FROM ", into.buf, from.buf);
		rt_sq_ident(&sb, p->a->name);
		rt_strlist_push(&op->sql, sb.buf);
		rt_strbuf_release(&sb);
	}
	rt_strbuf_release(&into);
	rt_strbuf_release(&from);
}

/* AUTOINCREMENT: the new table continues the old one's sequence. */
static void sequence_sql(sm_op *op, const tplan *p, const char *tmp)
{
	if (!p->a->autoincrement || !p->b->autoincrement)
		return;
	strbuf sb = STRBUF_INIT;
	rt_strbuf_adds(&sb, "DELETE FROM sqlite_sequence WHERE name = ");
	rt_sql_literal(&sb, tmp);
	rt_strlist_push(&op->sql, sb.buf);
	rt_strbuf_reset(&sb);
	rt_strbuf_adds(&sb, "INSERT INTO sqlite_sequence (name, seq) SELECT ");
	rt_sql_literal(&sb, tmp);
	rt_strbuf_adds(&sb, ", seq FROM sqlite_sequence WHERE name = ");
	rt_sql_literal(&sb, p->a->name);
	rt_strlist_push(&op->sql, sb.buf);
	rt_strbuf_release(&sb);
}

/*
 * Columns kept by the rebuild whose affinity changes, "t.a (TEXT ->
 * INTEGER)": the copy converts their values ('02134' becomes 2134 under
 * INTEGER affinity), and converting back does not restore them.
 */
static void converted_columns(const tplan *p, strbuf *sb)
{
	for (size_t i = 0; i < p->b->ncols; i++) {
		const sm_column *c = &p->b->cols[i];
		const sm_column *o = rt_sq_column_ci(p->a, c->name);
		if (!o || c->generated || o->generated)
			continue;
		const char *from = rt_sq_affinity(o->type), *to = rt_sq_affinity(c->type);
		if (!strcmp(from, to))
			continue;
		if (sb->len)
			rt_strbuf_adds(sb, ", ");
		rt_strbuf_addf(sb, "%s.%s (%s -> %s)", p->b->name, c->name, from, to);
	}
}

/* The old columns whose data the rebuild leaves behind, "t.a, t.b". */
static void lost_columns(const tplan *p, strbuf *sb)
{
	for (size_t i = 0; i < p->a->ncols; i++) {
		const sm_column *c = &p->a->cols[i];
		if (c->generated || rt_sq_column_ci(p->b, c->name))
			continue;
		if (sb->len)
			rt_strbuf_adds(sb, ", ");
		rt_strbuf_addf(sb, "%s.%s", p->a->name, c->name);
	}
}

/* See diff_internal.h. */
void rt_sq_rebuild(sm_ops *out, const tplan *p, const char *tmp)
{
	strbuf lost = STRBUF_INIT, conv = STRBUF_INIT;
	lost_columns(p, &lost);
	converted_columns(p, &conv);
	sm_op *op = rt_sm_ops_add(out, lost.len > 0 || conv.len > 0, "rebuild table %s: %s",
			       p->b->name, p->why ? p->why : "");
	if (lost.len)
		rt_sm_op_note(op, "drops column%s %s and %s data",
			   strchr(lost.buf, ',') ? "s" : "", lost.buf,
			   strchr(lost.buf, ',') ? "their" : "its");
	if (conv.len)
		rt_sm_op_note(op, "converts the values of %s to the new type affinity: values can change (text '02134' becomes 2134 under INTEGER), and converting back does not restore them",
			   conv.buf);
	rt_strbuf_release(&conv);
	rt_sm_op_note(op, "SQLite's ALTER TABLE cannot do this: the table is copied into a new one "
		       "(assumes PRAGMA foreign_keys is OFF, as on retort's connection)");
	/* nothing is online on SQLite: say how long the copy blocks every writer */
	if (p->rows >= 0)
		rt_sm_op_note(op, "the copy holds the database's write lock until the migration commits: "
			      "no other connection can write meanwhile, for a time that grows with the "
			      "table's rows (%ld when this migration was generated)", p->rows);
	else
		rt_sm_op_note(op, "the copy holds the database's write lock until the migration commits: "
			      "no other connection can write meanwhile, for a time that grows with the "
			      "table's rows");
	char *create = renamed_create(p->b, tmp);
	rt_strlist_push(&op->sql, create);
	free(create);
	copy_sql(op, p, tmp);
	sequence_sql(op, p, tmp);
	rt_sq_op_named(op, "DROP TABLE", p->a->name);
	strbuf sb = STRBUF_INIT;
	rt_strbuf_adds(&sb, "ALTER TABLE ");
	rt_sq_ident(&sb, tmp);
	rt_strbuf_adds(&sb, " RENAME TO ");
	rt_sq_ident(&sb, p->b->name);
	rt_strlist_push(&op->sql, sb.buf);
	for (size_t i = 0; i < p->b->nidx; i++)
		rt_strlist_push(&op->sql, p->b->idx[i].sql);
	rt_strbuf_release(&sb);
	rt_strbuf_release(&lost);
}
