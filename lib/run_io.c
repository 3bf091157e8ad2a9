/*
 * run_io.c - what a run writes: statements, transactions, retort's own
 * tables and the bookkeeping of each step (version-table changes, history
 * rows), online against the connection or offline as --sql text.
 *
 * Both modes go through these few calls, so --sql prints exactly what an
 * online run executes.  runner.c (the plan and its steps) and progress.c
 * (steps whose statements commit one by one) both build on this file;
 * it calls neither.
 */
#include "runner.h"
#include "checksum.h"

#include <stdio.h>
#include <string.h>
#include <time.h>

double rt_run_ms(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec * 1e3 + (double)ts.tv_nsec / 1e6;
}

void rt_run_out(run *r, const char *s)
{
	r->out(s, strlen(s), r->out_ud);
}

/* See runner.h. */
int rt_run_emit(run *r, const char *sql, rt_error *err)
{
	if (r->conn)
		return r->d->exec(r->conn, sql, err);
	rt_run_out(r, sql);
	rt_run_out(r, ";\n\n");
	return 0;
}

/* A statement of a migration file. */
int rt_run_stmt(run *r, const rt_stmt *st, const char *file,
		     rt_error *err)
{
	if (r->conn)
		return r->d->exec_stmt(r->conn, st, file, err);
	strbuf sb = STRBUF_INIT;
	if (r->d->script_stmt) {
		r->d->script_stmt(&sb, st);
		rt_strbuf_adds(&sb, "\n\n");
		rt_run_out(r, sb.buf);
		rt_strbuf_release(&sb);
		return 0;
	}
	rt_strbuf_add(&sb, st->sql, st->len);
	rt_strbuf_rtrim(&sb);
	/* A trailing comment would swallow the terminator: put it on its own line. */
	const char *last_nl = strrchr(sb.buf, '\n');
	const char *last = last_nl ? last_nl + 1 : sb.buf;
	if (sb.len && sb.buf[sb.len - 1] != ';')
		rt_strbuf_adds(&sb, strstr(last, "--") ? "\n;" : ";");
	rt_strbuf_adds(&sb, "\n\n");
	rt_run_out(r, sb.buf);
	rt_strbuf_release(&sb);
	return 0;
}

/*
 * Open a transaction unless one is open (with transaction_per_migration
 * = false one spans the run); offline, print begin_sql instead.
 */
int rt_run_begin(run *r, rt_error *err)
{
	if (r->in_tx)
		return 0;
	if (r->conn && r->d->begin(r->conn, err) < 0)
		return -1;
	if (!r->conn) {
		rt_run_out(r, r->d->begin_sql);
		rt_run_out(r, ";\n\n");
	}
	r->in_tx = 1;
	return 0;
}

/*
 * Commit the open transaction, if any (offline: print commit_sql).  in_tx
 * is cleared first, so a failed COMMIT is not rolled back here: the server
 * has ended the transaction (PostgreSQL), or disconnect rolls it back
 * (SQLite).
 */
int rt_run_commit(run *r, rt_error *err)
{
	if (!r->in_tx)
		return 0;
	r->in_tx = 0;
	if (r->conn) {
		if (r->d->commit(r->conn, err) < 0)
			return -1;
		rt_strlist_free(&r->committed);
		for (size_t i = 0; i < r->expected.n; i++)
			rt_strlist_push(&r->committed, r->expected.v[i]);
		r->tables_committed = r->tables_ready;
		r->step_committed = r->step_written;
		return 0;
	}
	rt_run_out(r, r->d->commit_sql);
	rt_run_out(r, ";\n\n");
	return 0;
}

void rt_run_rollback(run *r)
{
	if (r->in_tx && r->conn)
		r->d->rollback(r->conn);
	r->in_tx = 0;
}

/*
 * CREATE TABLE IF NOT EXISTS for the version table (unless it is known to
 * exist), the history table and the dialect's progress table, once,
 * before the first step records itself.  The history table is always made
 * sure of: a version table without one is a database Alembic has been
 * migrating, which retort takes over as it is.
 */
static int ensure_tables(run *r, rt_error *err)
{
	if (r->tables_ready)
		return 0;
	strbuf sb = STRBUF_INIT;
	int rc = 0;
	if (!r->version_ready) {
		char *pk = rt_xasprintf("%s_pkc", r->cfg->version_table);
		strbuf qpk = STRBUF_INIT;
		r->d->ident(&qpk, pk);
		r->d->version_table_ddl(&sb, r->vt.buf, qpk.buf);
		rt_strbuf_release(&qpk);
		free(pk);
		rc = rt_run_emit(r, sb.buf, err);
		rt_strbuf_reset(&sb);
	}
	r->d->history_table_ddl(&sb, r->ht.buf);
	if (rc == 0)
		rc = rt_run_emit(r, sb.buf, err);
	/* A history table of a retort before run ids, or before run outcomes. */
	static const char *const added[] = { "run_id VARCHAR(40)", "outcome VARCHAR(16)", "failure TEXT" };
	for (size_t i = 0; i < 3; i++) {
		if (rc < 0 || !(i ? r->add_outcome : r->add_run_id))
			continue;
		rt_strbuf_reset(&sb);
		rt_strbuf_addf(&sb, "ALTER TABLE %s ADD COLUMN %s", r->ht.buf, added[i]);
		rc = rt_run_emit(r, sb.buf, err);
	}
	if (rc == 0 && r->d->progress_table_ddl) {
		rt_strbuf_reset(&sb);
		r->d->progress_table_ddl(&sb, r->pt.buf);
		rc = rt_run_emit(r, sb.buf, err);
	}
	rt_strbuf_release(&sb);
	if (rc == 0)
		r->tables_ready = 1;
	return rc;
}

/* See runner.h: where DDL commits, before the transaction it would end. */
int rt_run_tables(run *r, rt_error *err)
{
	if (r->d->ddl_commits && r->in_tx && !r->tables_ready &&
	    rt_run_commit(r, err) < 0)
		return -1;
	return ensure_tables(r, err);
}

/*
 * Open the transaction of a step's bookkeeping with retort's tables made
 * sure of inside it -- or, where DDL commits (MySQL), before it, since a
 * CREATE TABLE would commit the transaction it ran in.
 */
int rt_run_begin_recorded(run *r, rt_error *err)
{
	if (r->d->ddl_commits)
		return rt_run_tables(r, err) < 0 ? -1 : rt_run_begin(r, err);
	return rt_run_begin(r, err) < 0 ? -1 : ensure_tables(r, err);
}

/* Apply a version-table change to the expected rows. */
static void expect_vop(run *r, const rt_vop *v)
{
	rt_strlist *l = &r->expected;
	if (v->from)
		for (size_t i = 0; i < l->n; i++)
			if (!strcmp(l->v[i], v->from)) {
				free(l->v[i]);
				memmove(l->v + i, l->v + i + 1,
					(l->n - i - 1) * sizeof(char *));
				l->n--;
				break;
			}
	if (v->to)
		rt_strlist_push(l, v->to);
}

/*
 * Run a version-table statement and check it changed exactly one row.
 * The rows were read under the migration lock; a different count means
 * something other than retort changed the table meanwhile (as Alembic
 * checks), and the step is rolled back rather than the table clobbered.
 */
static int exec_version(run *r, const rt_vop *v, const char *sql, rt_error *err)
{
	rt_stmt st = { .sql = sql, .len = strlen(sql) };
	long long rows = 0;
	if (r->d->exec_rows(r->conn, &st, NULL, &rows, err) < 0) {
		err->code = RT_EDB;
		return -1;
	}
	if (rows == 1)
		return 0;
	strbuf sb = STRBUF_INIT;
	rt_strlist_join(&sb, &r->expected, ", ");
	rt_fail(err, RT_EDB,
		"the version table %s changed while retort was migrating: %s of %s matched %lld rows, not 1 (retort expected the rows: %s)",
		r->cfg->version_table, v->kind == RT_VOP_UPDATE ? "UPDATE" : v->kind == RT_VOP_DELETE ? "DELETE" : "INSERT",
		v->from ? v->from : v->to, rows, sb.len ? sb.buf : "none");
	rt_hint(err, "something other than retort changed it; read the current revisions and try again");
	rt_fix_with(err, RT_FIX_READ_CURRENT, NULL);
	rt_strbuf_release(&sb);
	return -1;
}

/*
 * One version-table change as Alembic writes it (UPDATE t SET ... WHERE
 * t.version_num = ...): online checked to touch exactly one row, offline
 * printed.  r->expected follows only when it succeeds.
 */
int rt_run_vop(run *r, const rt_vop *v, rt_error *err)
{
	strbuf sb = STRBUF_INIT;
	const char *t = r->vt.buf;
	switch (v->kind) {
	case RT_VOP_INSERT:
		rt_strbuf_addf(&sb, "INSERT INTO %s (version_num) VALUES (", t);
		r->d->literal(&sb, v->to);
		rt_strbuf_addc(&sb, ')');
		break;
	case RT_VOP_UPDATE:
		rt_strbuf_addf(&sb, "UPDATE %s SET version_num=", t);
		r->d->literal(&sb, v->to);
		rt_strbuf_addf(&sb, " WHERE %s.version_num = ", t);
		r->d->literal(&sb, v->from);
		break;
	case RT_VOP_DELETE:
		rt_strbuf_addf(&sb, "DELETE FROM %s WHERE %s.version_num = ", t, t);
		r->d->literal(&sb, v->from);
		break;
	}
	int rc = r->conn ? exec_version(r, v, sb.buf, err) : rt_run_emit(r, sb.buf, err);
	rt_strbuf_release(&sb);
	if (rc == 0)
		expect_vop(r, v);
	return rc;
}

void rt_run_now(char *buf, size_t n)
{
	struct timespec ts;
	struct tm tm;
	clock_gettime(CLOCK_REALTIME, &ts);
	gmtime_r(&ts.tv_sec, &tm);
	char base[32];
	strftime(base, sizeof(base), "%Y-%m-%dT%H:%M:%S", &tm);
	snprintf(buf, n, "%.20s.%03dZ", base, (int)(ts.tv_nsec / 1000000));
}

const char *rt_run_direction(rt_direction d)
{
	return d == RT_UPGRADE ? "upgrade" : d == RT_DOWNGRADE ? "downgrade" : "stamp";
}

/*
 * One row of the history table (from and to are ","-joined version rows):
 * a step's (direction its own), a section's of a revision of several
 * ("step"), or a run's failure ("failed", its message in failure).  A
 * run's rows carry its id; the row of the plan's last step (s) the outcome
 * "ok", so a run whose rows have no outcome stopped without a word
 * (killed).
 */
static int history_row(run *r, const rt_step *s, const char *revision,
		       const char *direction, const char *from, const char *to,
		       const char *checksum, const char *started, double ms,
		       const char *failure, rt_error *err)
{
	strbuf sb = STRBUF_INIT;
	const char *outcome = !r->run_id ? NULL : failure ? "failed" : s && s == r->last ? "ok" : NULL;
	rt_strbuf_addf(&sb, "INSERT INTO %s (revision, direction, from_revisions, to_revisions, checksum, started_at, duration_ms, db_user, retort_version%s%s) VALUES (",
		       r->ht.buf, r->run_id ? ", run_id" : "", outcome ? ", outcome, failure" : "");
	if (revision)
		r->d->literal(&sb, revision);
	else
		rt_strbuf_adds(&sb, "NULL");
	rt_strbuf_addf(&sb, ", '%s', ", direction);
	r->d->literal(&sb, from);
	rt_strbuf_adds(&sb, ", ");
	r->d->literal(&sb, to);
	rt_strbuf_adds(&sb, ", ");
	if (checksum)
		r->d->literal(&sb, checksum);
	else
		rt_strbuf_adds(&sb, "NULL");
	rt_strbuf_adds(&sb, ", ");
	if (started)
		(r->d->timestamp ? r->d->timestamp : r->d->literal)(&sb, started);
	else
		rt_strbuf_adds(&sb, r->d->now_expr);
	if (r->conn)
		rt_strbuf_addf(&sb, ", %.0f, ", ms);
	else
		rt_strbuf_adds(&sb, ", NULL, ");
	if (!r->user.len)
		r->d->user_expr(r->conn, &r->user);
	rt_strbuf_adds(&sb, r->user.buf);
	rt_strbuf_adds(&sb, ", '" RETORT_VERSION "'");
	if (r->run_id) {
		rt_strbuf_adds(&sb, ", ");
		r->d->literal(&sb, r->run_id);
	}
	if (outcome) {
		rt_strbuf_addf(&sb, ", '%s', ", outcome);
		if (failure)
			r->d->literal(&sb, failure);
		else
			rt_strbuf_adds(&sb, "NULL");
	}
	rt_strbuf_adds(&sb, ")");
	int rc = rt_run_emit(r, sb.buf, err);
	rt_strbuf_release(&sb);
	return rc;
}

/* One row of the history table for a step. */
int rt_run_history(run *r, const rt_step *s, const char *revision,
			const char *checksum, const char *started,
			double ms, rt_error *err)
{
	strbuf from = STRBUF_INIT, to = STRBUF_INIT;
	rt_strlist_join(&from, &s->from, ",");
	rt_strlist_join(&to, &s->to, ",");
	int rc = history_row(r, s, revision, rt_run_direction(s->dir), rt_strbuf_str(&from),
			     rt_strbuf_str(&to), checksum, started, ms, NULL, err);
	rt_strbuf_release(&from);
	rt_strbuf_release(&to);
	return rc;
}

/*
 * The record that a step of a revision with several completed (steps.c
 * reads it back): direction 'step', to_revisions "upgrade 2/3" (the
 * version rows do not move until the last step), the section's checksum.
 */
static int record_section(run *r, const rt_step *s, const prepared *p,
			  const char *started, double ms, rt_error *err)
{
	strbuf from = STRBUF_INIT;
	rt_strlist_join(&from, &s->from, ",");
	char *what = rt_xasprintf("%s %zu/%zu", rt_run_direction(s->dir), p->section + 1,
				  p->sections);
	int rc = history_row(r, NULL, r->g->revs[s->rev]->id, "step", rt_strbuf_str(&from), what,
			     p->section_sum, started, ms, NULL, err);
	free(what);
	rt_strbuf_release(&from);
	if (rc == 0)
		r->step_written = p->section + 1;
	return rc;
}

/*
 * See runner.h: after the rollback, while the lock is held, in a
 * transaction of its own, when the history table exists.  The message is the one the user sees, with the
 * URL's secrets masked.  Recording it can fail too (the connection is
 * gone, the disk full): a notice says so, and the run's own error stands.
 */
void rt_run_record_failure(run *r, const rt_step *s, const rt_error *failure)
{
	if (!r->conn || !r->run_id || r->rehearse || r->hold)
		return;
	/*
	 * A step that gave up waiting for a lock: recording would wait for it
	 * again (SQLite's write lock), so the run is left to show as
	 * unfinished.
	 */
	if (failure->lock_conflict || failure->fault == RT_FAULT_LOCK)
		return;
	/*
	 * A failed first run into an empty database leaves it empty: the
	 * history table rolled back with the step is not made again for this.
	 */
	const char *schema;
	int exists = 0;
	rt_error e = { 0 };
	if (rt_tables_schema(r->d, r->conn, r->cfg, &schema, &e) < 0 ||
	    r->d->table_exists(r->conn, schema, r->history, &exists, &e) < 0 || !exists) {
		rt_error_clear(&e);
		return;
	}
	r->tables_ready = r->tables_committed; /* what the rollback undid is made again */
	strbuf msg = STRBUF_INIT;
	rt_strbuf_adds(&msg, failure->message ? failure->message : "failed");
	rt_url_hide_secrets(&msg, r->cfg->url);
	const char *rev = s && s->rev >= 0 ? r->g->revs[s->rev]->id : NULL;
	strbuf from = STRBUF_INIT, to = STRBUF_INIT;
	if (s) {
		rt_strlist_join(&from, &s->from, ",");
		rt_strlist_join(&to, &s->to, ",");
	}
	if (rt_run_begin_recorded(r, &e) < 0 ||
	    history_row(r, NULL, rev, "failed", rt_strbuf_str(&from), rt_strbuf_str(&to),
			NULL, NULL, 0, msg.buf, &e) < 0 ||
	    rt_run_commit(r, &e) < 0) {
		rt_run_rollback(r);
		char *text = rt_xasprintf("the failure could not be recorded in the history table: %s",
					  e.message ? e.message : "unknown error");
		rt_ctx_emit(r->ctx, RT_EV_NOTICE, NULL, 0, text);
		free(text);
	}
	rt_error_clear(&e);
	rt_strbuf_release(&msg);
	rt_strbuf_release(&from);
	rt_strbuf_release(&to);
}

/* See runner.h. */
void rt_run_name_failure(run *r, const rt_step *s, rt_error *err)
{
	const rt_revision *rev = r->g->revs[s->rev];
	char *m = err->message, step[64] = "";
	if (r->sections > 1)
		snprintf(step, sizeof(step), ", step %zu/%zu,", r->section + 1, r->sections);
	strbuf sb = STRBUF_INIT;
	rt_strbuf_addf(&sb, "%s %s (%s)%s failed: %s%s", rt_run_direction(s->dir), rev->id,
		       rev->message ? rev->message : "no message", step, r->d->error_prefix, m ? m : "");
	rt_url_hide_secrets(&sb, r->cfg->url); /* the database may echo what a statement held */
	err->message = rt_strbuf_detach(&sb);
	free(m);
	if (!err->file)
		err->file = rt_xstrdup(rev->path);
}

/*
 * See runner.h: in the open transaction (a new one for a step whose
 * statements ran on their own).  The undo of a partly applied revision
 * changes no version row: the revision was never recorded as applied (or
 * is still recorded, for an undone downgrade).
 */
int rt_run_record(run *r, const rt_step *s, const prepared *p,
		  const char *started, double ms, rt_error *err)
{
	if (rt_run_begin_recorded(r, err) < 0)
		return -1;
	if (p->section + 1 < p->sections)
		return record_section(r, s, p, started, ms, err);
	for (size_t i = 0; i < s->nvops && r->undo_rev != s->rev; i++)
		if (rt_run_vop(r, &s->vops[i], err) < 0)
			return -1;
	return rt_run_history(r, s, r->g->revs[s->rev]->id, p->checksum,
			    r->conn ? started : NULL, ms, err);
}

/* See runner.h. */
int rt_run_make_tables(run *r, rt_error *err)
{
	if (rt_run_begin(r, err) < 0)
		return -1;
	if (ensure_tables(r, err) < 0) {
		rt_run_rollback(r);
		return -1;
	}
	return rt_run_commit(r, err);
}

/* See runner.h. */
int rt_run_end(run *r, int commit, rt_error *err)
{
	if (commit)
		return rt_run_commit(r, err);
	rt_run_rollback(r);
	r->tables_ready = r->version_ready = 0;
	return 0;
}
