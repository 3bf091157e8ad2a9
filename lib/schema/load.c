/*
 * load.c - running the statements of a declared schema in any order.
 *
 * Real schema files refer to what they define further down: a foreign
 * key to a table created later, a view before the table it reads, an
 * index before the ALTER TABLE that adds its column.  A statement that
 * fails only because something it refers to does not exist yet (the
 * dialect tells those failures apart: PostgreSQL by SQLSTATE, SQLite by
 * its message) is put aside and run again after the others, pass after
 * pass, until all have run or a pass runs none; the error then names
 * every statement left, with the database's reason for each.
 *
 * A failed statement aborts a PostgreSQL transaction, so a statement
 * that may fail runs guarded (under a savepoint).  In a transaction of
 * its own, a file first runs unguarded, which costs nothing when it is in
 * order; at the first statement that fails for a missing referent the
 * transaction is rolled back and the file runs again, guarded.  Inside a
 * caller's transaction (create), or outside any, statements are guarded
 * from the start (the dialect guards only where a transaction is open).
 */
#include "internal.h"
#include "schema/load.h"

#include <string.h>

/* The first line of a message (the database's reason, without detail lines). */
static int first_line_len(const char *m)
{
	const char *nl = strchr(m, '\n');
	return nl ? (int)(nl - m) : (int)strlen(m);
}

/*
 * The error for statements left: which ones (file:line) and why, the
 * first one's position as the error's.
 */
static int stuck(const rt_stmtlist *l, const size_t *left, size_t n, rt_error *why,
		 const char *name, rt_error *err)
{
	strbuf sb = STRBUF_INIT;
	rt_strbuf_addf(&sb, "%zu statement%s could not run, even when tried again after all the others:",
		       n, n == 1 ? "" : "s");
	for (size_t k = 0; k < n; k++) {
		const rt_error *e = &why[left[k]];
		const char *m = e->message ? e->message : "?";
		rt_strbuf_addf(&sb, "\n  %s:%d:%d: %.*s", name, e->line ? e->line : l->v[left[k]].line,
			       e->line ? e->column : l->v[left[k]].column, first_line_len(m), m);
	}
	rt_fail_at(err, RT_ESQL, name, l->v[left[0]].line, "%s", sb.buf);
	err->column = why[left[0]].column;
	rt_hint(err, "create what they refer to in the schema, or correct them "
		"(the order of the statements does not matter)");
	rt_strbuf_release(&sb);
	return -1;
}

/*
 * Run every statement of l on c, putting aside those that fail for a
 * missing referent and running them again after the others.  restart
 * (unguarded runs only): set, and -1 returned, at the first such failure.
 */
static int run_passes(const rt_dialect *d, rt_conn *c, const rt_stmtlist *l,
		      const char *name, int guarded, int *restart, rt_error *err)
{
	size_t *todo = rt_xcalloc(l->n + 1, sizeof(size_t)), ntodo = l->n;
	rt_error *why = rt_xcalloc(l->n + 1, sizeof(rt_error));
	for (size_t i = 0; i < l->n; i++)
		todo[i] = i;
	int rc = 0;
	while (ntodo && rc == 0) {
		size_t left = 0, ran = 0;
		for (size_t k = 0; k < ntodo && rc == 0; k++) {
			size_t i = todo[k];
			int missing = 0;
			rt_error e = { 0 };
			if (d->exec_schema_stmt(c, &l->v[i], name, guarded, &missing, &e) == 0) {
				ran++;
				continue;
			}
			if (!missing || restart) {
				if (restart)
					*restart = missing;
				*err = e;
				rc = -1;
				break;
			}
			rt_error_clear(&why[i]);
			why[i] = e;
			todo[left++] = i;
		}
		if (rc == 0 && left && !ran)
			rc = stuck(l, todo, left, why, name, err);
		ntodo = left;
	}
	for (size_t i = 0; i < l->n; i++)
		rt_error_clear(&why[i]);
	free(why);
	free(todo);
	return rc;
}

/*
 * See source.h.  Where DDL commits as it runs (MySQL), nothing of a first
 * unguarded pass could be rolled back, so such a dialect runs guarded
 * from the start (a failed statement there leaves the transaction as it
 * was).
 */
int rt_sm_run_any_order(rt_conn *c, const rt_stmtlist *l, const char *name,
			int tx, rt_error *err)
{
	const rt_dialect *d = rt_conn_dialect(c);
	if (!tx)
		return run_passes(d, c, l, name, 1, NULL, err);
	int restart = 0;
	if (d->begin(c, err) < 0)
		return -1;
	int rc = run_passes(d, c, l, name, d->ddl_commits, d->ddl_commits ? NULL : &restart, err);
	if (rc < 0 && restart) {
		d->rollback(c);
		rt_error_clear(err);
		if (d->begin(c, err) < 0)
			return -1;
		rc = run_passes(d, c, l, name, 1, NULL, err);
	}
	if (rc == 0)
		return d->commit(c, err);
	d->rollback(c);
	return -1;
}

/*
 * See load.h: with own_tx, in one transaction of its own when no
 * statement forbids it; in any order (rt_sm_run_any_order).
 */
int rt_sm_run_sql(rt_conn *c, const char *sql, size_t len, const char *name,
		  int own_tx, rt_error *err)
{
	const rt_dialect *d = rt_conn_dialect(c);
	rt_stmtlist stmts = { 0 };
	int rc = d->split(sql, len, 1, name, &stmts, err);
	int nontx = 0;
	for (size_t i = 0; rc == 0 && i < stmts.n; i++)
		nontx |= stmts.v[i].nontx;
	if (rc == 0)
		rc = rt_sm_run_any_order(c, &stmts, name, own_tx && !nontx, err);
	rt_stmtlist_free(&stmts);
	return rc;
}
