/*
 * runner.c - carry out a plan (made by migrate.c): online against a
 * database, or offline by printing the SQL that would run.
 *
 * Both modes go through the same few calls of run_io.c (begin,
 * statement, generated SQL, commit, bookkeeping), so --sql prints exactly
 * what an online run executes, version-table and history statements
 * included.
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

#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/random.h>
#include <time.h>

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

/* "upgrade" or "downgrade". */
static const char *kind_word(rt_section_kind k)
{
	return k == RT_SECTION_UPGRADE ? "upgrade" : "downgrade";
}

/* " step 2/3" for a revision of several steps, "" for the usual one section. */
static void step_name(char *buf, size_t n, const prepared *p)
{
	if (p->sections > 1)
		snprintf(buf, n, " step %zu/%zu", p->section + 1, p->sections);
	else
		*buf = '\0';
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
	const char *sec = kind_word(p->kind);
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
			kind_word(p->kind));
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

/* A plan step ready to run: its revision's sections of the step's direction. */
typedef struct planned {
	prepared *v;
	size_t n;
} planned;

/* Placeholders, statement splitting and checks for section k of a step's revision. */
static int prepare_section(run *r, const rt_step *s, rt_section_kind kind, size_t k,
			   prepared *p, rt_error *err)
{
	const rt_revision *rev = r->g->revs[s->rev];
	char step[48];
	p->kind = kind;
	p->section = k;
	p->sections = rev->nsections[kind];
	p->sec = &rev->sections[kind][k];
	p->checksum = rt_checksum(rev, r->d->lex);
	if (p->sections > 1)
		p->section_sum = rt_checksum_section(rev, kind, k, r->d->lex);
	step_name(step, sizeof(step), p);
	if (r->rehearse && (!p->sec->transactional || p->sec->batch)) {
		rt_fail_at(err, RT_EUSAGE, rev->path, p->sec->line,
			   "revision %s: its %s%s section is marked %s, so it runs outside a transaction and cannot be rehearsed: a rehearsal runs the whole plan in one transaction and rolls it back",
			   rev->id, kind_word(kind), step,
			   p->sec->batch ? "batch" : "transaction:false");
		rt_hint(err, "rehearse the revisions before it, and review this one's SQL with --dry-run; nothing was run");
		return -1;
	}
	if (rt_placeholders_apply(r->cfg, p->sec->body, p->sec->len,
				  r->d->lex, rev->path, p->sec->body_line,
				  &p->text, err) < 0)
		return -1;
	rt_run_placeholder_warnings(r->ctx, r->cfg, r->d, p->sec->body, p->sec->len,
				    rev->path, p->sec->body_line);
	if (r->d->split(rt_strbuf_str(&p->text), p->text.len,
			p->sec->body_line, rev->path, &p->stmts,
			err) < 0)
		return -1;
	for (size_t j = 0; j < p->stmts.n; j++) {
		p->session |= p->stmts.v[j].session;
		p->autocommit |= p->stmts.v[j].autocommit;
	}
	if (check_nontx(p, rev, err) < 0 ||
	    check_statements(p, rev, err) < 0)
		return -1;
	if (p->sec->batch && p->stmts.n != 1) {
		rt_fail_at(err, RT_ESCRIPT, rev->path, p->sec->line,
			   "a batch section holds exactly one statement, this one has %zu",
			   p->stmts.n);
		rt_hint(err, "keep the repeated statement alone in its section, e.g. UPDATE ... WHERE id IN (SELECT id ... LIMIT 10000)");
		return -1;
	}
	return 0;
}

/* Every section of every step, before anything runs. */
static int prepare_steps(run *r, const rt_plan *plan, planned *pl,
			 rt_error *err)
{
	for (size_t i = 0; i < plan->n; i++) {
		const rt_step *s = &plan->steps[i];
		if (s->rev < 0)
			continue;
		const rt_revision *rev = r->g->revs[s->rev];
		rt_section_kind kind = s->dir == RT_UPGRADE ? RT_SECTION_UPGRADE : RT_SECTION_DOWNGRADE;
		if (!rev->nsections[kind]) {
			rt_fail_at(err, RT_ESCRIPT, rev->path, 0,
				   "revision %s has no '-- migrate:downgrade' section, so it cannot be downgraded",
				   rev->id);
			const char *below = rev->nparents ? r->g->revs[rev->parents[0]]->id : "base";
			rt_hint(err, "write the downgrade SQL into the file, or if its changes may stay, move the version table by stamping %s",
				below);
			rt_fix_with(err, RT_FIX_STAMP, below);
			return -1;
		}
		pl[i].n = rev->nsections[kind];
		pl[i].v = rt_xcalloc(pl[i].n, sizeof(prepared));
		for (size_t k = 0; k < pl[i].n; k++)
			if (prepare_section(r, s, kind, k, &pl[i].v[k], err) < 0)
				return -1;
	}
	return 0;
}

static void free_planned(planned *pl, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		for (size_t k = 0; k < pl[i].n; k++) {
			prepared *p = &pl[i].v[k];
			rt_strbuf_release(&p->text);
			rt_stmtlist_free(&p->stmts);
			free(p->checksum);
			free(p->section_sum);
		}
		free(pl[i].v);
	}
	free(pl);
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
	case RT_FAULT_EXISTS:
		return "the database already holds what the migration creates (made outside the migrations: by create_all, by hand, or by a run that was not recorded); the migration is not at fault: compare the database with what the migrations build at this revision, and when they match, record the revision as applied without running it";
	default:
		return "fix the migration and run the command again";
	}
}

/* How much of a failed step's own SQL had run when it failed. */
enum { APPLIED_NONE, APPLIED_SOME, APPLIED_ALL };

/*
 * A revision of several steps: what is recorded of the steps before the
 * failed one, after the hint (a rerun continues after them).
 */
static void steps_note(run *r, rt_error *err)
{
	if (r->sections < 2 || !r->conn || r->rehearse)
		return;
	size_t k = r->step_committed, n = r->sections;
	strbuf sb = STRBUF_INIT;
	if (err->hint)
		rt_strbuf_addf(&sb, "%s. ", err->hint);
	if (k == 0)
		rt_strbuf_addf(&sb, "No step of its %zu is recorded as applied: a rerun starts at step 1/%zu", n, n);
	else if (k == 1)
		rt_strbuf_addf(&sb, "Step 1 of %zu is recorded as applied: a rerun continues at step 2/%zu", n, n);
	else
		rt_strbuf_addf(&sb, "Steps 1-%zu of %zu are recorded as applied: a rerun continues at step %zu/%zu",
			       k, n, k + 1, n);
	free(err->hint);
	err->hint = rt_strbuf_detach(&sb);
}

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
	r->failed_own = own;
	r->failed_applied = applied;
	rt_run_name_failure(r, s, err);
	if (err->hint && applied == APPLIED_ALL)
		return;
	strbuf sb = STRBUF_INIT;
	rt_strlist_join(&sb, &r->committed, ", ");
	const char *at = sb.len ? sb.buf : "base";
	if (r->rehearse) {
		/* A real run would have committed each step before this one. */
		strbuf real = STRBUF_INIT;
		rt_strlist_join(&real, r->cfg->transaction_per_migration ? &r->expected : &r->committed, ", ");
		rt_hint(err, "a rehearsal: the whole run was rolled back and nothing changed; a real run would stop here with the database at %s; %s",
			real.len ? real.buf : "base", next_step(err));
		rt_strbuf_release(&real);
	} else if (own && applied == APPLIED_ALL) {
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
	if (err->fault == RT_FAULT_EXISTS && s->dir == RT_UPGRADE && !own)
		rt_fix_with(err, RT_FIX_COMPARE_STAMP, rev->id);
	rt_strbuf_release(&sb);
	steps_note(r, err);
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
		rt_run_out(r, "-- batch: repeat the next statement, one transaction each, until it changes no rows\n");
		rt_run_begin(r, err);
		rt_run_stmt(r, st, rev->path, err);
		return rt_run_commit(r, err);
	}
	long long total = 0, rows;
	double t0 = rt_run_ms();
	do {
		if (rt_run_begin(r, err) < 0)
			return -1;
		if (r->d->exec_rows(r->conn, st, rev->path, &rows, err) < 0) {
			rt_run_rollback(r);
			failed_step(r, s, err, 1, total > 0 ? APPLIED_SOME : APPLIED_NONE);
			if (total > 0) {
				char *h = rt_xasprintf("earlier repetitions committed %lld rows; the version table still names the previous revision, so a rerun repeats the statement from where it stopped",
						    total);
				free(err->hint);
				err->hint = h;
			}
			return -1;
		}
		if (rt_run_commit(r, err) < 0)
			return -1;
		total += rows;
		if (r->ctx->on_event) {
			rt_event ev = { .kind = RT_EV_BATCH, .step = s, .rev = rev,
					.rows = rows, .total = total,
					.section = p->sections > 1 ? (int)p->section + 1 : 0,
					.sections = p->sections > 1 ? (int)p->sections : 0,
					.elapsed_ms = rt_run_ms() - t0 };
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
	rt_run_now(started, sizeof(started));
	double t0 = rt_run_ms();
	if ((p->autocommit && r->d->progress_table_ddl && !p->sec->batch) || s->rev == r->undo_rev)
		return rt_progress_step(r, s, p, started, t0, err);
	if (own) {
		if (r->in_tx && !r->cfg->transaction_per_migration)
			r->kept_mid_run = 1;
		if (rt_run_commit(r, err) < 0)
			return -1;
	} else if (rt_run_begin_recorded(r, err) < 0) {
		failed_step(r, s, err, 0, APPLIED_NONE);
		return -1;
	}
	if (p->sec->batch && run_batch(r, s, p, err) < 0)
		return -1;
	for (size_t i = 0; i < p->stmts.n && !p->sec->batch; i++)
		if (rt_run_stmt(r, &p->stmts.v[i], rev->path, err) < 0) {
			rt_run_rollback(r);
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
		rt_run_rollback(r);
		failed_step(r, s, err, own, own ? APPLIED_ALL : APPLIED_NONE);
		return -1;
	}
	if (rt_run_record(r, s, p, started, rt_run_ms() - t0, err) < 0 ||
	    (!r->rehearse && (r->cfg->transaction_per_migration || own) && rt_run_commit(r, err) < 0)) {
		rt_run_rollback(r);
		failed_step(r, s, err, own, APPLIED_ALL);
		return -1;
	}
	if (p->section + 1 == p->sections)
		rt_ctx_emit(r->ctx, RT_EV_STEP_END, s, rt_run_ms() - t0, NULL);
	return 0;
}

/*
 * May a failed step run again?  Only a lock conflict the database gave up
 * on (lock_timeout, a deadlock, SQLite busy), online, outside a
 * rehearsal, while tries are left, and only when nothing of the step
 * stayed: a step in its own transaction (transaction_per_migration), or a
 * section running on its own that failed at its first statement.  With
 * one transaction per run the whole run was rolled back: no step retry.
 */
static int retryable(const run *r, const rt_error *err, int tries)
{
	if (!r->conn || r->rehearse || r->hold || !err->lock_conflict || tries >= r->cfg->lock_retries)
		return 0;
	if (r->failed_own)
		return r->failed_applied == APPLIED_NONE;
	return r->cfg->transaction_per_migration && r->failed_applied == APPLIED_NONE;
}

/*
 * The pause before try n (1-based): 0.5 s doubled each time, at most
 * lock_retry_max_wait, then between half and all of it at random
 * (jitter: several replicas deploying at once do not retry in step).
 */
static double retry_pause(const run *r, int n)
{
	double pause = 0.5;
	for (int i = 1; i < n && pause < r->cfg->lock_retry_max_wait; i++)
		pause *= 2;
	if (pause > r->cfg->lock_retry_max_wait)
		pause = r->cfg->lock_retry_max_wait;
	unsigned short b = 0;
	if (getrandom(&b, sizeof(b), 0) != (ssize_t)sizeof(b))
		b = (unsigned short)(rt_run_ms() * 1000);
	return pause * (0.5 + 0.5 * b / 65535.0);
}

/*
 * run_step, tried again after a lock conflict (see retryable), each try
 * announced with the database's message -- the lock's holder is named by
 * the dialect's wait notice, which comes first when the wait passed half a
 * second -- and the pause before it.
 */
static int run_step_retrying(run *r, const rt_step *s, prepared *p, rt_error *err)
{
	for (int tries = 0;; tries++) {
		r->failed_own = r->failed_applied = -1;
		int rc = run_step(r, s, p, err);
		if (rc == 0 || r->failed_own < 0 || !retryable(r, err, tries))
			return rc;
		double pause = retry_pause(r, tries + 1);
		const rt_revision *rev = r->g->revs[s->rev];
		char step[48];
		step_name(step, sizeof(step), p);
		char *text = rt_xasprintf("%s; nothing of %s%s%s stayed: trying again in %.1f s (retry %d of %d)",
					  err->message, rev->id, *step ? "," : "", step, pause, tries + 1,
					  r->cfg->lock_retries);
		rt_ctx_emit(r->ctx, RT_EV_NOTICE, NULL, 0, text);
		free(text);
		rt_error_clear(err);
		if (!r->tables_committed) /* made in the transaction rolled back */
			r->tables_ready = 0;
		struct timespec ts = { (time_t)pause, (long)((pause - (double)(time_t)pause) * 1e9) };
		while (nanosleep(&ts, &ts) < 0 && errno == EINTR)
			;
	}
}

/*
 * The offline header of a step ("-- Running upgrade A -> B, message"),
 * as Alembic prints it.
 */
static void running_comment(run *r, const rt_step *s)
{
	const rt_revision *rev = r->g->revs[s->rev];
	strbuf c = STRBUF_INIT;
	rt_strbuf_addf(&c, "-- Running %s ", rt_run_direction(s->dir));
	rt_strlist_join(&c, &s->from, ", ");
	rt_strbuf_adds(&c, " -> ");
	rt_strlist_join(&c, &s->to, ", ");
	if (rev->message)
		rt_strbuf_addf(&c, ", %s", rev->message);
	rt_strbuf_adds(&c, "\n\n");
	rt_run_out(r, c.buf);
	rt_strbuf_release(&c);
}

/* A section of a revision of several steps starts: an event, offline a comment. */
static void section_begins(run *r, const rt_step *s, const prepared *p, int skipped)
{
	const rt_section *sec = p->sec;
	const char *opts = sec->batch ? " batch" : !sec->transactional ? " transaction:false" : "";
	if (!r->conn) {
		char *c = rt_xasprintf("-- step %zu/%zu%s (line %d)%s\n\n", p->section + 1,
				       p->sections, opts, sec->line,
				       skipped ? ": already applied, skipped" : "");
		rt_run_out(r, c);
		free(c);
	}
	if (skipped || !r->ctx->on_event)
		return;
	rt_event ev = { .kind = RT_EV_SECTION, .step = s, .rev = r->g->revs[s->rev],
			.section = (int)p->section + 1, .sections = (int)p->sections,
			.line = sec->line, .text = *opts ? opts + 1 : NULL };
	r->ctx->on_event(&ev, r->ctx->event_ud);
}

/*
 * One step of the plan: its revision's sections of the direction, in
 * order, each as its kind.  With several, the sections recorded complete
 * by an earlier run are skipped (steps.c), and the version table moves
 * with the last.
 */
static int run_revision(run *r, const rt_step *s, planned *pl, rt_error *err)
{
	size_t from = 0;
	r->sections = pl->n;
	r->section = 0;
	if (pl->n > 1 && s->rev == r->undo_rev) {
		const rt_revision *rev = r->g->revs[s->rev];
		rt_fail_at(err, RT_EUSAGE, rev->path, pl->v[0].sec->line,
			   "revision %s has several %s steps: --partial cannot tell which of them undo what took effect",
			   rev->id, kind_word(pl->v[0].kind));
		rt_hint(err, "resume it instead, or undo what took effect by hand and stamp the revision the database is at; nothing was run");
		return -1;
	}
	if (pl->n > 1 && rt_steps_from(r, s, pl->n, &from, err) < 0)
		return -1;
	r->step_written = r->step_committed = from;
	rt_ctx_emit(r->ctx, RT_EV_STEP_BEGIN, s, 0, NULL);
	if (!r->conn)
		running_comment(r, s);
	for (size_t k = 0; k < pl->n; k++) {
		r->section = k;
		if (pl->n > 1)
			section_begins(r, s, &pl->v[k], k < from);
		if (k < from)
			continue;
		if (run_step_retrying(r, s, &pl->v[k], err) < 0)
			return -1;
		/* a partly applied revision's record (progress.c) is of the first section run */
		r->resume_rev = -1;
		if (r->partial.rev == s->rev)
			rt_progress_free(&r->partial);
	}
	r->sections = 0;
	return 0;
}

/* A stamp: version-table changes and one history row per revision added. */
static int run_stamp(run *r, const rt_step *s, rt_error *err)
{
	char started[40];
	rt_run_now(started, sizeof(started));
	rt_ctx_emit(r->ctx, RT_EV_STEP_BEGIN, s, 0, NULL);
	if (!r->conn) {
		strbuf c = STRBUF_INIT;
		rt_strbuf_adds(&c, "-- Running stamp_revision ");
		rt_strlist_join(&c, &s->from, ", ");
		rt_strbuf_adds(&c, " -> ");
		rt_strlist_join(&c, &s->to, ", ");
		rt_strbuf_adds(&c, "\n\n");
		rt_run_out(r, c.buf);
		rt_strbuf_release(&c);
	}
	if (rt_run_begin_recorded(r, err) < 0 || rt_progress_clear(r, err) < 0)
		return -1;
	if (r->create_load && r->conn && r->create_load(r, err) < 0)
		return -1;
	for (size_t i = 0; i < s->nvops; i++)
		if (rt_run_vop(r, &s->vops[i], err) < 0)
			return -1;
	int any = 0;
	for (size_t i = 0; i < s->to.n; i++) {
		if (rt_strlist_has(&s->from, s->to.v[i]))
			continue;
		int rev = rt_graph_find(r->g, s->to.v[i]);
		char *sum = rev >= 0 ? rt_checksum(r->g->revs[rev], r->d->lex) : NULL;
		int rc = rt_run_history(r, s, s->to.v[i], sum,
				      r->conn ? started : NULL, 0, err);
		free(sum);
		if (rc < 0)
			return -1;
		any = 1;
	}
	if (!any && rt_run_history(r, s, NULL, NULL, r->conn ? started : NULL, 0,
				 err) < 0)
		return -1;
	if (!r->rehearse && rt_run_commit(r, err) < 0)
		return -1;
	rt_ctx_emit(r->ctx, RT_EV_STEP_END, s, 0, NULL);
	return 0;
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
	planned *p = rt_xcalloc(plan->n ? plan->n : 1, sizeof(*p));
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
		for (size_t k = 0; k < p[i].n; k++)
			session |= p[i].v[k].session;
	if (rc == 0 && session)
		rc = rt_run_session_check(r, NULL, err);
	r->last = plan->n ? &plan->steps[plan->n - 1] : NULL;
	const rt_step *failed = NULL; /* the step that failed, once steps ran */
	int ran = 0;
	for (size_t i = 0; rc == 0 && i < plan->n; i++) {
		failed = &plan->steps[i];
		ran = 1;
		rc = plan->steps[i].rev < 0 ? run_stamp(r, &plan->steps[i], err)
					    : run_revision(r, &plan->steps[i], &p[i], err);
	}
	if (rc == 0 && !r->hold && !r->rehearse) {
		failed = NULL; /* the run's one transaction, if it failed to commit */
		rc = rt_run_commit(r, err);
	} else if (rc < 0 || r->rehearse)
		rt_run_rollback(r); /* a failure, or the end of a rehearsal */
	if (rc < 0 && ran) /* not a refusal before anything ran */
		rt_run_record_failure(r, failed, err);
	free_planned(p, plan->n);
	return rc;
}


