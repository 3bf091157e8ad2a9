/*
 * runner.c - carry out a plan (made by migrate.c): online against a
 * database, or offline by printing the SQL that would run.
 *
 * Both modes go through the same few calls (begin, statement, generated
 * SQL, commit), so --sql prints exactly what an online run executes,
 * version-table and history statements included.
 *
 * Online, the migration lock is held for the whole run and the version
 * table is read under it; each step and its version-table update commit
 * together (or the whole run commits once with
 * transaction_per_migration = false).  A failing statement rolls back the
 * step in flight: the database stays at the last revision that completed.
 * Every UPDATE or DELETE of the version table must then change exactly one
 * row, so a change by anything else is caught (the step rolls back), not
 * clobbered.
 */
#include "runner.h"
#include "checksum.h"
#include "placeholder.h"
#include "sqltext.h"
#include "schema/model.h"
#include "schema/load.h"

#include <stdio.h>
#include <string.h>
#include <time.h>

static double mono_ms(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec * 1e3 + (double)ts.tv_nsec / 1e6;
}

static void out(run *r, const char *s)
{
	r->ctx->out(s, strlen(s), r->ctx->out_ud);
}

/* See runner.h. */
int rt_run_emit(run *r, const char *sql, rt_error *err)
{
	if (r->conn)
		return r->d->exec(r->conn, sql, err);
	out(r, sql);
	out(r, ";\n\n");
	return 0;
}

/* A statement of a migration file. */
static int emit_stmt(run *r, const rt_stmt *st, const char *file,
		     rt_error *err)
{
	if (r->conn)
		return r->d->exec_stmt(r->conn, st, file, err);
	strbuf sb = STRBUF_INIT;
	if (r->d->script_stmt) {
		r->d->script_stmt(&sb, st);
		rt_strbuf_adds(&sb, "\n\n");
		out(r, sb.buf);
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
	out(r, sb.buf);
	rt_strbuf_release(&sb);
	return 0;
}

/*
 * Open a transaction unless one is open (with transaction_per_migration
 * = false one spans the run); offline, print begin_sql instead.
 */
static int tx_begin(run *r, rt_error *err)
{
	if (r->in_tx)
		return 0;
	if (r->conn && r->d->begin(r->conn, err) < 0)
		return -1;
	if (!r->conn) {
		out(r, r->d->begin_sql);
		out(r, ";\n\n");
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
static int tx_commit(run *r, rt_error *err)
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
		return 0;
	}
	out(r, r->d->commit_sql);
	out(r, ";\n\n");
	return 0;
}

static void tx_rollback(run *r)
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
	    tx_commit(r, err) < 0)
		return -1;
	return ensure_tables(r, err);
}

/*
 * Open the transaction of a step's bookkeeping with retort's tables made
 * sure of inside it -- or, where DDL commits (MySQL), before it, since a
 * CREATE TABLE would commit the transaction it ran in.
 */
static int begin_recorded(run *r, rt_error *err)
{
	if (r->d->ddl_commits)
		return rt_run_tables(r, err) < 0 ? -1 : tx_begin(r, err);
	return tx_begin(r, err) < 0 ? -1 : ensure_tables(r, err);
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
static int emit_vop(run *r, const rt_vop *v, rt_error *err)
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

static void utc_now(char *buf, size_t n)
{
	struct timespec ts;
	struct tm tm;
	clock_gettime(CLOCK_REALTIME, &ts);
	gmtime_r(&ts.tv_sec, &tm);
	char base[32];
	strftime(base, sizeof(base), "%Y-%m-%dT%H:%M:%S", &tm);
	snprintf(buf, n, "%.20s.%03dZ", base, (int)(ts.tv_nsec / 1000000));
}

static const char *direction_name(rt_direction d)
{
	return d == RT_UPGRADE ? "upgrade" : d == RT_DOWNGRADE ? "downgrade" : "stamp";
}

/* One row of the history table for a step. */
static int emit_history(run *r, const rt_step *s, const char *revision,
			const char *checksum, const char *started,
			double ms, rt_error *err)
{
	strbuf sb = STRBUF_INIT, from = STRBUF_INIT, to = STRBUF_INIT;
	rt_strlist_join(&from, &s->from, ",");
	rt_strlist_join(&to, &s->to, ",");
	rt_strbuf_addf(&sb, "INSERT INTO %s (revision, direction, from_revisions, to_revisions, checksum, started_at, duration_ms, db_user, retort_version) VALUES (", r->ht.buf);
	r->d->literal(&sb, revision);
	rt_strbuf_addf(&sb, ", '%s', ", direction_name(s->dir));
	r->d->literal(&sb, rt_strbuf_str(&from));
	rt_strbuf_adds(&sb, ", ");
	r->d->literal(&sb, rt_strbuf_str(&to));
	rt_strbuf_adds(&sb, ", ");
	r->d->literal(&sb, checksum);
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
	rt_strbuf_adds(&sb, ", '" RETORT_VERSION "')");
	int rc = rt_run_emit(r, sb.buf, err);
	rt_strbuf_release(&sb);
	rt_strbuf_release(&from);
	rt_strbuf_release(&to);
	return rc;
}

/*
 * Does statement s end or start a transaction itself (BEGIN, START
 * TRANSACTION, COMMIT, END, ROLLBACK but not ROLLBACK TO, ABORT, PREPARE
 * TRANSACTION)?  In a section retort runs in a transaction it would
 * commit half a migration behind retort's back.
 */
static const char *transaction_control(const rt_stmt *s)
{
	char w[16], w2[16];
	size_t at = rt_sql_next_word(s->sql, s->len, 0, w, sizeof(w));
	rt_sql_next_word(s->sql, s->len, at, w2, sizeof(w2));
	if (!strcmp(w, "ROLLBACK"))
		return strcmp(w2, "TO") ? "ROLLBACK" : NULL;
	if (!strcmp(w, "START") || !strcmp(w, "PREPARE"))
		return !strcmp(w2, "TRANSACTION") ? (w[0] == 'S' ? "START TRANSACTION" : "PREPARE TRANSACTION") : NULL;
	static const char *const words[] = { "BEGIN", "COMMIT", "END", "ABORT", NULL };
	for (int i = 0; words[i]; i++)
		if (!strcmp(w, words[i]))
			return words[i];
	return NULL;
}

/*
 * Statements a section cannot hold as marked: a transaction-control
 * statement in a section retort runs in a transaction (it would break the
 * migration's atomicity), and in a batch section anything but a data
 * change whose changed rows the database counts (rt_stmt.rows, decided by
 * the dialect from what the statement is, not its first word), since
 * those rows end the repetition: a SELECT over a data-changing WITH
 * reports the rows it returns, and ran once.  Found before anything runs.
 */
static int check_statements(const prepared *p, const rt_revision *rev, rt_error *err)
{
	const char *sec = p->sec == &rev->upgrade ? "upgrade" : "downgrade";
	for (size_t i = 0; i < p->stmts.n; i++) {
		const rt_stmt *s = &p->stmts.v[i];
		char w[16];
		rt_sql_next_word(s->sql, s->len, 0, w, sizeof(w));
		const char *tc = transaction_control(s);
		if (p->sec->batch && !s->rows) {
			rt_fail_at(err, RT_ESCRIPT, rev->path, s->line,
				   "a batch section repeats an INSERT, UPDATE or DELETE until it changes no rows; this statement is %s",
				   !strcmp(w, "WITH") ? "a WITH whose main statement is not one, so the rows it changes cannot be counted (the database reports the rows it returns)"
				   : *w ? w : "not one");
			err->column = s->column;
			rt_hint(err, "put the repeated data change alone in the batch section, and schema changes in an ordinary section; nothing was run");
			return -1;
		}
		if (p->sec->transactional && !p->sec->batch && tc) {
			rt_fail_at(err, RT_ESCRIPT, rev->path, s->line,
				   "%s inside a migration that retort runs in a transaction would commit or abandon part of it behind retort's back",
				   tc);
			err->column = s->column;
			rt_hint(err, "remove it: retort begins and commits each migration itself; or, to manage transactions yourself, mark the section '-- migrate:%s transaction:false'; nothing was run",
				sec);
			return -1;
		}
	}
	return 0;
}

/* A statement that cannot run in a transaction needs its section marked. */
static int check_nontx(const prepared *p, const rt_revision *rev, rt_error *err)
{
	if (!p->sec->transactional)
		return 0;
	for (size_t i = 0; i < p->stmts.n; i++) {
		const rt_stmt *s = &p->stmts.v[i];
		if (!s->nontx)
			continue;
		rt_fail_at(err, RT_ESCRIPT, rev->path, s->line,
			   "%s cannot run inside a transaction block, and this section runs in one",
			   s->nontx_kind);
		err->column = s->column;
		rt_hint(err, "mark the section: '-- migrate:%s transaction:false' (its statements then run one by one, outside a transaction); nothing was run",
			p->sec == &rev->upgrade ? "upgrade" : "downgrade");
		return -1;
	}
	return 0;
}

/* See runner.h. */
void rt_run_placeholder_warnings(rt_ctx *ctx, const rt_config *cfg,
				 const rt_dialect *d, const char *sql, size_t len,
				 const char *file, int first_line)
{
	rt_strlist w = { 0 };
	rt_placeholders_warnings(cfg, sql, len, d->lex, file, first_line, &w);
	for (size_t i = 0; i < w.n; i++) {
		char *text = rt_xasprintf("warning: %s", w.v[i]);
		rt_ctx_emit(ctx, RT_EV_NOTICE, NULL, 0, text);
		free(text);
	}
	rt_strlist_free(&w);
}

/* Placeholders and statement splitting for every step, before anything runs. */
static int prepare_steps(run *r, const rt_plan *plan, prepared *p,
			 rt_error *err)
{
	for (size_t i = 0; i < plan->n; i++) {
		const rt_step *s = &plan->steps[i];
		if (s->rev < 0)
			continue;
		const rt_revision *rev = r->g->revs[s->rev];
		p[i].sec = s->dir == RT_UPGRADE ? &rev->upgrade : &rev->downgrade;
		p[i].checksum = rt_checksum(rev, r->d->lex);
		if (!p[i].sec->present) {
			rt_fail_at(err, RT_ESCRIPT, rev->path, 0,
				   "revision %s has no '-- migrate:downgrade' section, so it cannot be downgraded",
				   rev->id);
			const char *below = rev->nparents ? r->g->revs[rev->parents[0]]->id : "base";
			rt_hint(err, "write the downgrade SQL into the file, or if its changes may stay, move the version table by stamping %s",
				below);
			rt_fix_with(err, RT_FIX_STAMP, below);
			return -1;
		}
		if (rt_placeholders_apply(r->cfg, p[i].sec->body, p[i].sec->len,
					  r->d->lex, rev->path, p[i].sec->body_line,
					  &p[i].text, err) < 0)
			return -1;
		rt_run_placeholder_warnings(r->ctx, r->cfg, r->d, p[i].sec->body, p[i].sec->len,
					    rev->path, p[i].sec->body_line);
		if (r->d->split(rt_strbuf_str(&p[i].text), p[i].text.len,
				p[i].sec->body_line, rev->path, &p[i].stmts,
				err) < 0)
			return -1;
		for (size_t j = 0; j < p[i].stmts.n; j++) {
			p[i].session |= p[i].stmts.v[j].session;
			p[i].autocommit |= p[i].stmts.v[j].autocommit;
		}
		if (check_nontx(&p[i], rev, err) < 0 ||
		    check_statements(&p[i], rev, err) < 0)
			return -1;
		if (p[i].sec->batch && p[i].stmts.n != 1) {
			rt_fail_at(err, RT_ESCRIPT, rev->path, p[i].sec->line,
				   "a batch section holds exactly one statement, this one has %zu",
				   p[i].stmts.n);
			rt_hint(err, "keep the repeated statement alone in its section, e.g. UPDATE ... WHERE id IN (SELECT id ... LIMIT 10000)");
			return -1;
		}
	}
	return 0;
}

static void free_prepared(prepared *p, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		rt_strbuf_release(&p[i].text);
		rt_stmtlist_free(&p[i].stmts);
		free(p[i].checksum);
	}
	free(p);
}

/* See runner.h. */
void rt_run_name_failure(run *r, const rt_step *s, rt_error *err)
{
	const rt_revision *rev = r->g->revs[s->rev];
	char *m = err->message;
	err->message = rt_xasprintf("%s %s (%s) failed: %s%s",
				 direction_name(s->dir), rev->id,
				 rev->message ? rev->message : "no message",
				 r->d->error_prefix, m ? m : "");
	free(m);
	if (!err->file)
		err->file = rt_xstrdup(rev->path);
}

/*
 * What to do next after a failed step, by the kind of failure: only a
 * fault of the SQL itself (or an unknown one) is the migration's to fix;
 * a lock, a full disk, a missing privilege or a lost connection are not.
 */
static const char *next_step(const rt_error *err)
{
	switch (err->fault) {
	case RT_FAULT_LOCK:
		return "it waited for a lock that another session held, or ran past lock_timeout or statement_timeout; the migration itself is not at fault: run the command again when the database is less busy (see what holds locks), or allow a longer wait";
	case RT_FAULT_IO:
		return "the database could not read or write its storage (disk full, an I/O error, a damaged file, no memory); the migration itself is not at fault: free space or repair the storage, then run the command again";
	case RT_FAULT_PERMISSION:
		return "the database refused for lack of permission: a privilege the database user lacks, or a read-only database, file or directory; grant it (or make it writable), then run the command again";
	case RT_FAULT_CONSTRAINT:
		return "rows already in the database break a constraint the migration adds or relies on: fix those rows (or the migration), then run the command again";
	case RT_FAULT_DATA:
		return "a value does not fit the change (say, text the new type cannot hold, in rows already there or in the migration): fix those rows or the migration, then run the command again";
	case RT_FAULT_CONNECTION:
		return "the connection to the database was lost: check the server, then run the command again";
	default:
		return "fix the migration and run the command again";
	}
}

/* How much of a failed step's own SQL had run when it failed. */
enum { APPLIED_NONE, APPLIED_SOME, APPLIED_ALL };

/*
 * Name the failed step in the message (and its file, when the error has
 * none) and say where the database is left: r->committed, the version rows
 * of the last commit.  A hint the error already has (a version table
 * changed behind retort's back) is kept.  own: the step's statements ran
 * outside its transaction (transaction:false or batch), so what of them
 * ran stays.
 */
static void failed_step(run *r, const rt_step *s, rt_error *err, int own,
			int applied)
{
	const rt_revision *rev = r->g->revs[s->rev];
	rt_run_name_failure(r, s, err);
	if (err->hint && applied == APPLIED_ALL)
		return;
	strbuf sb = STRBUF_INIT;
	rt_strlist_join(&sb, &r->committed, ", ");
	const char *at = sb.len ? sb.buf : "base";
	if (own && applied == APPLIED_ALL) {
		rt_hint(err, "the section runs outside a transaction and all of it ran, but recording it failed: the version table still says %s; fix the cause, then run the command again if the section is safe to rerun, or else mark it done by stamping %s",
			at, rev->id);
		rt_fix_with(err, RT_FIX_STAMP, rev->id);
	} else if (own && applied == APPLIED_SOME)
		rt_hint(err, "this section runs outside a transaction: the statements before the failing one were applied, and the version table still says %s; make the rest of the section safe to rerun, then run the command again",
			at);
	else if (r->cfg->transaction_per_migration)
		rt_hint(err, "nothing of %s was %s: the database is still at %s; %s",
			rev->id, s->dir == RT_DOWNGRADE ? "reverted" : "applied", at, next_step(err));
	else if (r->kept_mid_run)
		rt_hint(err, "the run was rolled back to the last section that ran outside a transaction (transaction_per_migration = false): the database is at %s; %s",
			at, next_step(err));
	else
		rt_hint(err, "the whole run was rolled back (transaction_per_migration = false); %s",
			next_step(err));
	rt_strbuf_release(&sb);
}

/*
 * A batch section: its one statement runs again and again, each time in
 * a transaction of its own, until it changes no rows -- so a backfill of
 * millions of rows never holds one long lock.
 */
static int run_batch(run *r, const rt_step *s, const prepared *p, rt_error *err)
{
	const rt_revision *rev = r->g->revs[s->rev];
	const rt_stmt *st = &p->stmts.v[0];
	if (!r->conn) {
		out(r, "-- batch: repeat the next statement, one transaction each, until it changes no rows\n");
		tx_begin(r, err);
		emit_stmt(r, st, rev->path, err);
		return tx_commit(r, err);
	}
	long long total = 0, rows;
	double t0 = mono_ms();
	do {
		if (tx_begin(r, err) < 0)
			return -1;
		if (r->d->exec_rows(r->conn, st, rev->path, &rows, err) < 0) {
			tx_rollback(r);
			failed_step(r, s, err, 1, total > 0 ? APPLIED_SOME : APPLIED_NONE);
			if (total > 0) {
				char *h = rt_xasprintf("earlier repetitions committed %lld rows; the version table still names the previous revision, so a rerun repeats the statement from where it stopped",
						    total);
				free(err->hint);
				err->hint = h;
			}
			return -1;
		}
		if (tx_commit(r, err) < 0)
			return -1;
		total += rows;
		if (r->ctx->on_event) {
			rt_event ev = { .kind = RT_EV_BATCH, .step = s, .rev = rev,
					.rows = rows, .total = total,
					.elapsed_ms = mono_ms() - t0 };
			r->ctx->on_event(&ev, r->ctx->event_ud);
		}
	} while (rows > 0);
	return 0;
}

/*
 * After a section that ran outside a transaction: what its statements left
 * broken (an INVALID index that a rerun's IF NOT EXISTS took for done)
 * fails the step before it is recorded, naming how to clear it.
 */
static int check_leftovers(run *r, const rt_step *s, const prepared *p,
			   rt_error *err)
{
	if (!r->conn || p->sec->transactional || !r->d->leftovers)
		return 0;
	rt_strlist left = { 0 };
	int rc = r->d->leftovers(r->conn, &p->stmts, &left, err);
	if (rc == 0 && left.n) {
		strbuf sb = STRBUF_INIT, at = STRBUF_INIT;
		rt_strlist_join(&sb, &left, "\n  ");
		rt_strlist_join(&at, &r->committed, ", ");
		rc = rt_fail(err, RT_ESQL, "its statements ran, but left behind:\n  %s", sb.buf);
		rt_hint(err, "nothing of %s was recorded: the version table still says %s. Drop what is named above (DROP INDEX CONCURRENTLY runs outside a transaction), then run the command again to build it anew",
			r->g->revs[s->rev]->id, at.len ? at.buf : "base");
		rt_strbuf_release(&sb);
		rt_strbuf_release(&at);
	}
	rt_strlist_free(&left);
	return rc;
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
	if (begin_recorded(r, err) < 0)
		return -1;
	for (size_t i = 0; i < s->nvops && r->undo_rev != s->rev; i++)
		if (emit_vop(r, &s->vops[i], err) < 0)
			return -1;
	return emit_history(r, s, r->g->revs[s->rev]->id, p->checksum,
			    r->conn ? started : NULL, ms, err);
}

/*
 * The statements and bookkeeping of one step.  A transactional section
 * runs with its bookkeeping in one transaction (the run's, with
 * transaction_per_migration = false).  A section whose statements run on
 * their own (transaction:false, batch) first commits what is open, and its
 * bookkeeping commits at once in a transaction of its own: what ran of it
 * stays, so the version table must say so even if a later step fails.
 */
static int run_step(run *r, const rt_step *s, prepared *p, rt_error *err)
{
	const rt_revision *rev = r->g->revs[s->rev];
	int own = !p->sec->transactional || p->sec->batch;
	char started[40];
	utc_now(started, sizeof(started));
	double t0 = mono_ms();
	rt_ctx_emit(r->ctx, RT_EV_STEP_BEGIN, s, 0, NULL);
	if (!r->conn) {
		strbuf c = STRBUF_INIT;
		rt_strbuf_addf(&c, "-- Running %s ", direction_name(s->dir));
		rt_strlist_join(&c, &s->from, ", ");
		rt_strbuf_adds(&c, " -> ");
		rt_strlist_join(&c, &s->to, ", ");
		if (rev->message)
			rt_strbuf_addf(&c, ", %s", rev->message);
		rt_strbuf_adds(&c, "\n\n");
		out(r, c.buf);
		rt_strbuf_release(&c);
	}
	if ((p->autocommit && r->d->progress_table_ddl && !p->sec->batch) || s->rev == r->undo_rev)
		return rt_progress_step(r, s, p, started, t0, err);
	if (own) {
		if (r->in_tx && !r->cfg->transaction_per_migration)
			r->kept_mid_run = 1;
		if (tx_commit(r, err) < 0)
			return -1;
	} else if (begin_recorded(r, err) < 0) {
		failed_step(r, s, err, 0, APPLIED_NONE);
		return -1;
	}
	if (p->sec->batch && run_batch(r, s, p, err) < 0)
		return -1;
	for (size_t i = 0; i < p->stmts.n && !p->sec->batch; i++)
		if (emit_stmt(r, &p->stmts.v[i], rev->path, err) < 0) {
			tx_rollback(r);
			failed_step(r, s, err, own, i > 0 ? APPLIED_SOME : APPLIED_NONE);
			return -1;
		}
	if (check_leftovers(r, s, p, err) < 0) {
		failed_step(r, s, err, own, APPLIED_ALL);
		return -1;
	}
	if (!r->conn && p->session && r->d->session_reset_sql) {
		rt_strlist undo = { 0 };
		r->d->session_reset_sql(r->cfg, &p->stmts, &undo);
		for (size_t i = 0; i < undo.n; i++)
			rt_run_emit(r, undo.v[i], err);
		rt_strlist_free(&undo);
	}
	if (p->session && rt_run_session_check(r, s, err) < 0) {
		tx_rollback(r);
		failed_step(r, s, err, own, own ? APPLIED_ALL : APPLIED_NONE);
		return -1;
	}
	if (rt_run_record(r, s, p, started, mono_ms() - t0, err) < 0 ||
	    ((r->cfg->transaction_per_migration || own) && tx_commit(r, err) < 0)) {
		tx_rollback(r);
		failed_step(r, s, err, own, APPLIED_ALL);
		return -1;
	}
	rt_ctx_emit(r->ctx, RT_EV_STEP_END, s, mono_ms() - t0, NULL);
	return 0;
}

/* A stamp: version-table changes and one history row per revision added. */
static int run_stamp(run *r, const rt_step *s, rt_error *err)
{
	char started[40];
	utc_now(started, sizeof(started));
	rt_ctx_emit(r->ctx, RT_EV_STEP_BEGIN, s, 0, NULL);
	if (!r->conn) {
		strbuf c = STRBUF_INIT;
		rt_strbuf_adds(&c, "-- Running stamp_revision ");
		rt_strlist_join(&c, &s->from, ", ");
		rt_strbuf_adds(&c, " -> ");
		rt_strlist_join(&c, &s->to, ", ");
		rt_strbuf_adds(&c, "\n\n");
		out(r, c.buf);
		rt_strbuf_release(&c);
	}
	if (begin_recorded(r, err) < 0 || rt_progress_clear(r, err) < 0)
		return -1;
	if (r->create_sql && r->conn &&
	    rt_sm_run_sql(r->conn, r->create_sql->sql, r->create_sql->len,
			  r->create_sql->name, 0, err) < 0)
		return -1;
	for (size_t i = 0; i < s->nvops; i++)
		if (emit_vop(r, &s->vops[i], err) < 0)
			return -1;
	int any = 0;
	for (size_t i = 0; i < s->to.n; i++) {
		if (rt_strlist_has(&s->from, s->to.v[i]))
			continue;
		int rev = rt_graph_find(r->g, s->to.v[i]);
		char *sum = rev >= 0 ? rt_checksum(r->g->revs[rev], r->d->lex) : NULL;
		int rc = emit_history(r, s, s->to.v[i], sum,
				      r->conn ? started : NULL, 0, err);
		free(sum);
		if (rc < 0)
			return -1;
		any = 1;
	}
	if (!any && emit_history(r, s, NULL, NULL, r->conn ? started : NULL, 0,
				 err) < 0)
		return -1;
	if (tx_commit(r, err) < 0)
		return -1;
	rt_ctx_emit(r->ctx, RT_EV_STEP_END, s, 0, NULL);
	return 0;
}

/* What progress.c borrows (see runner.h). */
void rt_run_out(run *r, const char *s)
{
	out(r, s);
}

int rt_run_stmt(run *r, const rt_stmt *st, const char *file, rt_error *err)
{
	return emit_stmt(r, st, file, err);
}

int rt_run_begin(run *r, rt_error *err)
{
	return tx_begin(r, err);
}

int rt_run_commit(run *r, rt_error *err)
{
	return tx_commit(r, err);
}

void rt_run_rollback(run *r)
{
	tx_rollback(r);
}

double rt_run_ms(void)
{
	return mono_ms();
}

/*
 * Prepare every step first (placeholders, splitting, checks), so a
 * mistake in a later migration stops the run before the first one runs;
 * then the caller's before_first step (the backup), if something will run
 * (offline: the session settings); then the steps.
 * A transaction still open (transaction_per_migration = false) commits at
 * the end, or rolls back on failure.
 */
int rt_run_plan(run *r, const rt_plan *plan, rt_error *err)
{
	prepared *p = rt_xcalloc(plan->n ? plan->n : 1, sizeof(*p));
	int rc = prepare_steps(r, plan, p, err);
	if (rc == 0 && plan->n && !r->conn && r->d->session_sql) {
		/* Offline: the session settings head the script, once it is sure to have one. */
		rt_strlist setup = { 0 };
		r->d->session_sql(r->cfg, &setup);
		for (size_t i = 0; i < setup.n; i++)
			rt_run_emit(r, setup.v[i], NULL);
		rt_strlist_free(&setup);
	}
	if (rc == 0 && plan->n && r->conn && r->before_first && r->dir != RT_STAMP)
		rc = r->before_first(r, err);
	int session = 0; /* read the connection's state only when a step may change it */
	for (size_t i = 0; i < plan->n; i++)
		session |= p[i].session;
	if (rc == 0 && session)
		rc = rt_run_session_check(r, NULL, err);
	for (size_t i = 0; rc == 0 && i < plan->n; i++)
		rc = plan->steps[i].rev < 0 ? run_stamp(r, &plan->steps[i], err)
					    : run_step(r, &plan->steps[i], &p[i], err);
	if (rc == 0 && !r->hold)
		rc = tx_commit(r, err);
	else if (rc < 0)
		tx_rollback(r);
	free_prepared(p, plan->n);
	return rc;
}

/* See runner.h. */
int rt_run_make_tables(run *r, rt_error *err)
{
	if (tx_begin(r, err) < 0)
		return -1;
	if (ensure_tables(r, err) < 0) {
		tx_rollback(r);
		return -1;
	}
	return tx_commit(r, err);
}

/* See runner.h. */
int rt_run_end(run *r, int commit, rt_error *err)
{
	if (commit)
		return tx_commit(r, err);
	tx_rollback(r);
	r->tables_ready = r->version_ready = 0;
	return 0;
}

