/*
 * rename.c - the renames a declared schema asks for, on SQLite (see
 * dialect.h and schema/rename.c): ALTER TABLE ... RENAME TO and RENAME
 * COLUMN (SQLite 3.25), which keep the data and rewrite the foreign
 * keys, indexes, views and triggers that name what they rename.
 *
 * What the database holds after a rename is not worked out here: the
 * model's own statements make its schema in a private in-memory database,
 * the rename runs there, and the result is read back, so every text
 * SQLite rewrote is exactly as it will be.
 */
#include "internal.h"
#include "dialect/dialect.h"
#include "dialect/sqlite/diff_internal.h"
#include "dialect/sqlite/sqlite_internal.h"
#include "schema/model.h"
#include "schema/ops.h"

#include <string.h>

/* ALTER TABLE t RENAME [COLUMN from] TO to, named as it reads in a migration. */
static void rename_op(sm_ops *ops, const char *table, const char *column, const char *from,
		      const char *to)
{
	strbuf sb = STRBUF_INIT;
	rt_strbuf_adds(&sb, "ALTER TABLE ");
	rt_sq_ident(&sb, column ? table : from);
	if (column) {
		rt_strbuf_adds(&sb, " RENAME COLUMN ");
		rt_sq_ident(&sb, from);
	} else {
		rt_strbuf_adds(&sb, " RENAME");
	}
	rt_strbuf_adds(&sb, " TO ");
	rt_sq_ident(&sb, to);
	sm_op *op = column ? rt_sm_ops_add(ops, 0, "rename column %s.%s to %s", table, from, to)
			   : rt_sm_ops_add(ops, 0, "rename table %s to %s", from, to);
	rt_strlist_push(&op->sql, sb.buf);
	rt_strbuf_release(&sb);
}

/* Every statement that makes s: tables, indexes, views, then triggers. */
static void schema_sql(const sm_schema *s, rt_strlist *out)
{
	for (size_t i = 0; i < s->ntables; i++)
		rt_strlist_push(out, s->tables[i].sql);
	for (size_t i = 0; i < s->ntables; i++)
		for (size_t j = 0; j < s->tables[i].nidx; j++)
			rt_strlist_push(out, s->tables[i].idx[j].sql);
	for (size_t i = 0; i < s->nviews; i++)
		rt_strlist_push(out, s->views[i].sql);
	for (size_t i = 0; i < s->ntables; i++)
		for (size_t j = 0; j < s->tables[i].ntrg; j++)
			rt_strlist_push(out, s->tables[i].trg[j].sql);
	for (size_t i = 0; i < s->nviews; i++)
		for (size_t j = 0; j < s->views[i].ntrg; j++)
			rt_strlist_push(out, s->views[i].trg[j].sql);
}

/* s as it is after sql: made in memory, changed, read back; NULL (err set) on failure. */
static sm_schema *after(const sm_schema *s, const char *sql, rt_error *err)
{
	rt_strlist all = { 0 };
	schema_sql(s, &all);
	rt_strlist_push(&all, sql);
	rt_config *cfg;
	rt_conn *c = rt_sq_memory_db(&cfg);
	sm_schema *out = NULL;
	int rc = c ? 0 : rt_fail(err, RT_EFAIL, "cannot open an in-memory SQLite database");
	for (size_t i = 0; rc == 0 && i < all.n; i++)
		rc = rt_dialect_sqlite.exec(c, all.v[i], err);
	if (rc == 0)
		rt_sqlite_introspect(c, NULL, &out, err);
	if (c)
		rt_dialect_sqlite.disconnect(c);
	rt_config_free(cfg);
	rt_strlist_free(&all);
	return out;
}

/* See dialect.h. */
int rt_sqlite_rename(sm_schema *s, const sm_schema *target, const sm_rename *r, sm_ops *out,
		     rt_error *err)
{
	(void)target; /* SQLite renames nothing along: automatic indexes have no name of ours */
	rename_op(out, r->table, r->column, r->from, r->to);
	sm_schema *x = after(s, out->v[out->n - 1].sql.v[0], err);
	if (!x) {
		char *m = err->message;
		err->message = rt_xasprintf("cannot rename %s%s%s to %s: %s", r->column ? r->table : "",
					    r->column ? "." : "", r->from, r->to, m ? m : "?");
		free(m);
		return -1;
	}
	/* the tables and views as renamed; what s says besides stays */
	sm_schema keep = *s;
	s->tables = x->tables;
	s->ntables = x->ntables;
	s->views = x->views;
	s->nviews = x->nviews;
	x->tables = keep.tables;
	x->ntables = keep.ntables;
	x->views = keep.views;
	x->nviews = keep.nviews;
	rt_sm_free(x);
	return 0;
}
