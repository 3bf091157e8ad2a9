/*
 * progress.c - migrations whose statements commit one by one.
 *
 * On MySQL and MariaDB every DDL statement commits by itself (the server
 * commits before and after it), so a migration holding one cannot be
 * rolled back as a whole, and a failure in its third statement leaves the
 * first two in effect.  retort does not hide that behind a "dirty" flag:
 * such a step runs its statements one at a time and records each in the
 * progress table (<version_table>_progress) as it completes -- a DDL
 * statement with an UPDATE right after it (the "running" column says which
 * one was in flight, should retort die in between), a data statement in a
 * transaction with its UPDATE.  Only when every statement has run do the
 * version-table change, the history row and the removal of the progress
 * row commit together.
 *
 * A progress row left by a failed or killed run stops every later upgrade
 * and downgrade (rt_progress_prepare) until the user chooses:
 *   --resume    continue with the first statement that did not take effect;
 *   --partial   run the statements of the other section that undo those
 *               that took effect (the last k of it, when both sections have
 *               as many statements: the usual mirror-image downgrade);
 *   stamp       the user repaired the database by hand.
 * A statement in flight when retort died may or may not have taken effect;
 * the user says which with --applied N.
 */
#include "checksum.h"
#include "runner.h"
#include "sqltext.h"
#include "util/sha256.h"

#include <string.h>

void rt_progress_free(rt_progress *p)
{
	free(p->revision);
	free(p->checksum);
	free(p->done_checksum);
	memset(p, 0, sizeof(*p));
	p->rev = -1;
}

static const char *dir_word(rt_direction d)
{
	return d == RT_UPGRADE ? "upgrade" : "downgrade";
}

static rt_direction opposite(rt_direction d)
{
	return d == RT_UPGRADE ? RT_DOWNGRADE : RT_UPGRADE;
}

/*
 * The progress row's done_checksum after one more statement: the SHA-256
 * of the previous one and the statement's text, so it covers every
 * statement that took effect, in order ("" before the first).
 */
static char *chain_next(const char *prev, const rt_stmt *st)
{
	rt_sha256 h;
	rt_sha256_init(&h);
	rt_sha256_add(&h, prev, strlen(prev));
	rt_sha256_add(&h, "\n", 1);
	rt_sha256_add(&h, st->sql, st->len);
	strbuf sb = STRBUF_INIT;
	rt_sha256_end_hex(&h, "sha256", &sb);
	return rt_strbuf_detach(&sb);
}

/* UPDATE <progress> SET <set> WHERE revision = '<id>' (online: executed; offline: printed). */
static int update(run *r, const char *id, const char *set, rt_error *err)
{
	strbuf sb = STRBUF_INIT;
	rt_strbuf_addf(&sb, "UPDATE %s SET %s WHERE revision = ", r->pt.buf, set);
	r->d->literal(&sb, id);
	int rc = rt_run_emit(r, sb.buf, err);
	rt_strbuf_release(&sb);
	return rc;
}

static int delete_row(run *r, const char *id, rt_error *err)
{
	strbuf sb = STRBUF_INIT;
	rt_strbuf_addf(&sb, "DELETE FROM %s WHERE revision = ", r->pt.buf);
	r->d->literal(&sb, id);
	int rc = rt_run_emit(r, sb.buf, err);
	rt_strbuf_release(&sb);
	return rc;
}

/* The chain (see chain_next) over statements [0, n) of p. */
static char *chain_upto(const prepared *p, size_t n)
{
	char *c = rt_xstrdup("");
	for (size_t i = 0; i < n && i < p->stmts.n; i++) {
		char *next = chain_next(c, &p->stmts.v[i]);
		free(c);
		c = next;
	}
	return c;
}

/*
 * The row a step starts with: a new one, or the partial one it continues
 * (an undo counts the statements of its section that mirror what never
 * ran as done).
 */
static int start_row(run *r, const rt_step *s, const prepared *p, size_t from,
		     const char *chain, const char *started, rt_error *err)
{
	const char *id = r->g->revs[s->rev]->id;
	if (from || s->rev == r->undo_rev || s->rev == r->resume_rev) {
		strbuf set = STRBUF_INIT;
		rt_strbuf_addf(&set, "direction = '%s', statements = %zu, done = %zu, running = NULL, done_checksum = ",
			       dir_word(s->dir), p->stmts.n, from);
		r->d->literal(&set, chain);
		int rc = update(r, id, set.buf, err);
		rt_strbuf_release(&set);
		return rc;
	}
	strbuf sb = STRBUF_INIT;
	rt_strbuf_addf(&sb, "INSERT INTO %s (revision, direction, statements, done, running, checksum, started_at) VALUES (",
		       r->pt.buf);
	r->d->literal(&sb, id);
	rt_strbuf_addf(&sb, ", '%s', %zu, 0, NULL, ", dir_word(s->dir), p->stmts.n);
	r->d->literal(&sb, p->checksum);
	rt_strbuf_adds(&sb, ", ");
	if (started && r->conn)
		(r->d->timestamp ? r->d->timestamp : r->d->literal)(&sb, started);
	else
		rt_strbuf_adds(&sb, r->d->now_expr);
	rt_strbuf_addc(&sb, ')');
	int rc = rt_run_emit(r, sb.buf, err);
	rt_strbuf_release(&sb);
	return rc;
}

/* "4, 9 and 12": the file lines of statements [a, b) of p. */
static void lines_of(strbuf *sb, const prepared *p, size_t a, size_t b)
{
	for (size_t i = a; i < b; i++)
		rt_strbuf_addf(sb, "%s%d", i == a ? "" : i + 1 == b ? " and " : ", ",
			       p->stmts.v[i].line);
}

/*
 * What the user can do about a revision stopped after `done` statements
 * of dir, in words (the command line names the commands); resuming is
 * the error's fix.
 */
static void choices(strbuf *sb, const char *id, rt_direction dir, size_t done,
		    int undoing, rt_error *err)
{
	rt_strbuf_addf(sb, "resume the %s (it continues at statement %zu)", dir_word(dir), done + 1);
	if (!undoing)
		rt_strbuf_addf(sb, ", undo the %zu that took effect (a partial %s runs the %s statements that match them)",
			       done, dir_word(opposite(dir)), dir_word(opposite(dir)));
	rt_strbuf_addf(sb, ", or, once the database is repaired by hand, stamp %s (or the revision before it)", id);
	rt_fix_with(err, RT_FIX_RESUME, dir_word(dir));
}

/*
 * Statement i (0-based) of step s failed; [from, i) ran in this run and
 * [0, from) before it.  A statement that failed did not take effect (the
 * server reports an error only for a statement it did not apply; a data
 * statement's transaction was rolled back).  When nothing at all took
 * effect the progress row goes, and the revision is simply not applied.
 */
static int stmt_failed(run *r, const rt_step *s, const prepared *p, size_t i,
		       int undoing, rt_error *err)
{
	const rt_revision *rev = r->g->revs[s->rev];
	rt_error e = { 0 };
	rt_run_name_failure(r, s, err);
	strbuf at = STRBUF_INIT, sb = STRBUF_INIT;
	rt_strlist_join(&at, &r->committed, ", ");
	if (i == 0 && !undoing && s->rev != r->resume_rev) {
		if (r->conn)
			delete_row(r, rev->id, &e);
		rt_error_clear(&e);
		rt_hint(err, "statement 1 failed, so nothing of %s took effect: the database is still at %s; fix the migration and run the command again",
			rev->id, at.len ? at.buf : "base");
	} else {
		rt_strbuf_addf(&sb, "%s commits each DDL statement as it runs: statement%s 1-%zu of %zu of %s (line%s ",
			       r->d->title, i == 1 ? "" : "s", i, p->stmts.n, rev->id, i == 1 ? "" : "s");
		lines_of(&sb, p, 0, i);
		rt_strbuf_addf(&sb, ") took effect, statement %zu (line %d) did not%s; the version table still says %s, "
			       "and %s_progress records how far %s got. Fix the cause, then: ",
			       i + 1, p->stmts.v[i].line,
			       p->stmts.v[i].autocommit ? "" : " (its transaction was rolled back)",
			       at.len ? at.buf : "base", r->cfg->version_table, rev->id);
		if (i == 1) /* "statements 1-1" reads oddly */
			memcpy(strstr(sb.buf, "statement 1-1"), "statement 1  ", 13);
		choices(&sb, rev->id, s->dir, i, undoing, err);
		rt_hint(err, "%s", sb.buf);
	}
	rt_strbuf_release(&at);
	rt_strbuf_release(&sb);
	return -1;
}

/* One statement and the progress row's record of it; *chain moves on when it took effect. */
static int run_one(run *r, const rt_step *s, const rt_stmt *st, size_t i,
		   char **chain, rt_error *err)
{
	const rt_revision *rev = r->g->revs[s->rev];
	char *next = chain_next(*chain, st);
	strbuf set = STRBUF_INIT;
	rt_strbuf_addf(&set, "done = %zu, running = NULL, done_checksum = ", i + 1);
	r->d->literal(&set, next);
	int rc;
	if (st->autocommit) {
		char *running = rt_xasprintf("running = %zu", i + 1);
		rc = update(r, rev->id, running, err);
		free(running);
		if (rc < 0)
			goto out;
		rc = rt_run_stmt(r, st, rev->path, err);
		if (rc < 0) {
			rt_error e = { 0 };
			update(r, rev->id, "running = NULL", &e); /* it failed: it is not in flight */
			rt_error_clear(&e);
			goto out;
		}
		rc = update(r, rev->id, set.buf, err);
	} else {
		rc = rt_run_begin(r, err);
		if (rc == 0 && (rc = rt_run_stmt(r, st, rev->path, err)) == 0)
			rc = update(r, rev->id, set.buf, err);
		if (rc == 0)
			rc = rt_run_commit(r, err);
		else
			rt_run_rollback(r);
	}
out:
	rt_strbuf_release(&set);
	if (rc == 0) {
		free(*chain);
		*chain = next;
	} else {
		free(next);
	}
	return rc;
}

/*
 * Continuing a revision in the direction it stopped in: the statements
 * that took effect must still be those of the file (statements after
 * them may have been fixed meanwhile).
 */
static int check_unchanged(run *r, const rt_step *s, const prepared *p, rt_error *err)
{
	const rt_progress *pr = &r->partial;
	if (pr->rev != s->rev || pr->dir != s->dir || !pr->done_checksum)
		return 0;
	char *c = chain_upto(p, pr->done);
	int same = pr->done <= p->stmts.n && !strcmp(c, pr->done_checksum);
	free(c);
	if (same)
		return 0;
	const rt_revision *rev = r->g->revs[s->rev];
	rt_fail_at(err, RT_EFAIL, rev->path, p->sec->line,
		   "the %zu statements of %s that took effect are not those of its %s section any more: the file was changed",
		   pr->done, rev->id, dir_word(s->dir));
	rt_hint(err, "only statements after the %zu that took effect may change before resuming: restore the others, or repair the database by hand and stamp where it is; nothing was run",
		pr->done);
	return -1;
}

/* See runner.h. */
int rt_progress_step(run *r, const rt_step *s, const prepared *p,
		     const char *started, double t0, rt_error *err)
{
	const rt_revision *rev = r->g->revs[s->rev];
	int undoing = s->rev == r->undo_rev;
	size_t from = undoing || (s->rev == r->resume_rev && s->dir == r->resume_dir) ? r->resume_at : 0;
	size_t n = p->stmts.n;
	if (undoing && r->partial.rev == s->rev && r->partial.dir != s->dir && n != r->partial.statements) {
		rt_fail_at(err, RT_EFAIL, rev->path, p->sec->line,
			   "the %s section of %s has %zu statements and its %s section %zu: retort cannot tell which of them undo the %zu that took effect",
			   dir_word(s->dir), rev->id, n, dir_word(r->partial.dir), r->partial.statements,
			   r->partial.done);
		rt_hint(err, "undo them by hand, then stamp the revision the database is at; nothing was run");
		return -1;
	}
	if (from > n)
		from = n;
	if (check_unchanged(r, s, p, err) < 0)
		return -1;
	char *chain = chain_upto(p, from);
	if (r->in_tx && !r->cfg->transaction_per_migration)
		r->kept_mid_run = 1;
	if (rt_run_commit(r, err) < 0 || rt_run_tables(r, err) < 0 ||
	    start_row(r, s, p, from, chain, started, err) < 0) {
		free(chain);
		rt_run_name_failure(r, s, err);
		return -1;
	}
	for (size_t i = from; i < n; i++) {
		double t1 = rt_run_ms();
		if (run_one(r, s, &p->stmts.v[i], i, &chain, err) < 0) {
			free(chain);
			return stmt_failed(r, s, p, i, undoing, err);
		}
		if (r->ctx->on_event) {
			rt_event ev = { .kind = RT_EV_STATEMENT, .step = s, .rev = rev,
					.elapsed_ms = rt_run_ms() - t1,
					.statement = (int)i + 1, .statements = (int)n,
					.section = p->sections > 1 ? (int)p->section + 1 : 0,
					.sections = p->sections > 1 ? (int)p->sections : 0,
					.line = p->stmts.v[i].line };
			r->ctx->on_event(&ev, r->ctx->event_ud);
		}
	}
	free(chain);
	if ((p->session && rt_run_session_check(r, s, err) < 0) ||
	    rt_run_record(r, s, p, started, rt_run_ms() - t0, err) < 0 ||
	    delete_row(r, rev->id, err) < 0 || rt_run_commit(r, err) < 0) {
		rt_run_rollback(r);
		rt_run_name_failure(r, s, err);
		rt_hint(err, "all %zu statements of %s took effect, but it could not be recorded as applied; %s_progress still says so: resuming the %s records it",
			n, rev->id, r->cfg->version_table, dir_word(s->dir));
		rt_fix_with(err, RT_FIX_RESUME, dir_word(s->dir));
		return -1;
	}
	if (p->section + 1 == p->sections)
		rt_ctx_emit(r->ctx, RT_EV_STEP_END, s, rt_run_ms() - t0, NULL);
	return 0;
}

/* See runner.h: stamp says where the database is, so no revision is partly applied any more. */
int rt_progress_clear(run *r, rt_error *err)
{
	if (!r->d->progress_table_ddl)
		return 0;
	strbuf sb = STRBUF_INIT;
	rt_strbuf_addf(&sb, "DELETE FROM %s", r->pt.buf);
	int rc = rt_run_emit(r, sb.buf, err);
	rt_strbuf_release(&sb);
	if (rc == 0 && r->partial.revision) {
		char *text = rt_xasprintf("the record that %s was partly applied is cleared", r->partial.revision);
		rt_ctx_emit(r->ctx, RT_EV_NOTICE, NULL, 0, text);
		free(text);
	}
	return rc;
}

/* Query callback: the progress row (the first, should there be several). */
static int progress_row(void *ud, int n, const char *const *v)
{
	rt_progress *p = ud;
	if (n < 7 || !v[0] || p->revision)
		return 0;
	p->revision = rt_xstrdup(v[0]);
	p->dir = v[1] && !strcmp(v[1], "downgrade") ? RT_DOWNGRADE : RT_UPGRADE;
	p->statements = v[2] ? strtoul(v[2], NULL, 10) : 0;
	p->done = v[3] ? strtoul(v[3], NULL, 10) : 0;
	p->running = v[4] ? strtoul(v[4], NULL, 10) : 0;
	p->checksum = rt_xstrdup_or_null(v[5]);
	p->done_checksum = rt_xstrdup_or_null(v[6]);
	return 0;
}

/* See runner.h. */
int rt_progress_read(run *r, rt_error *err)
{
	rt_progress_free(&r->partial);
	if (!r->d->progress_table_ddl || !r->conn)
		return 0;
	const char *schema;
	char *name = rt_progress_table(r->cfg);
	int exists = 0;
	int rc = rt_tables_schema(r->d, r->conn, r->cfg, &schema, err);
	if (rc == 0)
		rc = r->d->table_exists(r->conn, schema, name, &exists, err);
	free(name);
	if (rc < 0 || !exists)
		return rc;
	strbuf sql = STRBUF_INIT;
	rt_strbuf_addf(&sql, "SELECT revision, direction, statements, done, running, checksum, done_checksum FROM %s ORDER BY revision",
		       r->pt.buf);
	rc = r->d->query(r->conn, sql.buf, progress_row, &r->partial, err);
	rt_strbuf_release(&sql);
	if (rc == 0 && r->partial.revision) {
		r->partial.rev = rt_graph_find(r->g, r->partial.revision);
		/* an upgrade of a revision the version table holds is the undo of a downgrade */
		r->partial.undoing = rt_strlist_has(&r->expected, r->partial.revision) ==
				     (r->partial.dir == RT_UPGRADE);
	}
	return rc;
}

/* "revision X was left partly applied ...: 2 of its 5 statements took effect", and the one in flight. */
static void describe(const run *r, strbuf *sb)
{
	const rt_progress *p = &r->partial;
	rt_strbuf_addf(sb, "revision %s was left partly applied by an interrupted %s%s: %zu of its %zu %s statements took effect",
		       p->revision, p->undoing ? "undo of a " : "",
		       p->undoing ? dir_word(opposite(p->dir)) : dir_word(p->dir),
		       p->done, p->statements, dir_word(p->dir));
	if (p->running)
		rt_strbuf_addf(sb, ", and statement %zu was running when it stopped (it may or may not have taken effect)",
			       p->running);
}

/* One step of p's revision in direction dir, changing no version row (an undo, or an undo resumed). */
static void undo_plan(run *r, rt_direction dir, rt_plan *plan)
{
	rt_plan_free(plan);
	plan->steps = rt_xcalloc(1, sizeof(*plan->steps));
	plan->n = 1;
	rt_step *s = &plan->steps[0];
	const rt_revision *rev = r->g->revs[r->partial.rev];
	s->dir = dir;
	s->rev = r->partial.rev;
	if (dir == RT_DOWNGRADE) {
		rt_strlist_push(&s->from, rev->id);
		for (int i = 0; i < rev->nparents; i++)
			rt_strlist_push(&s->to, r->g->revs[rev->parents[i]]->id);
	} else {
		for (int i = 0; i < rev->nparents; i++)
			rt_strlist_push(&s->from, r->g->revs[rev->parents[i]]->id);
		rt_strlist_push(&s->to, rev->id);
	}
	r->undo_rev = r->partial.rev;
}

/*
 * How many statements took effect: as recorded, or --applied N, which is
 * needed (and may only say done or done + 1) when one was in flight.
 */
static int applied(run *r, size_t *k, rt_error *err)
{
	const rt_progress *p = &r->partial;
	long want = r->ctx->partial_applied;
	if (want < 0 && !p->running) {
		*k = p->done;
		return 0;
	}
	if (want >= 0 && ((size_t)want == p->done || (p->running && (size_t)want == p->done + 1))) {
		*k = (size_t)want;
		return 0;
	}
	strbuf sb = STRBUF_INIT;
	describe(r, &sb);
	rt_fail(err, RT_EUSAGE, "%s", sb.buf);
	if (p->running)
		rt_hint(err, "check whether statement %zu took effect, then say so: --applied %zu if it did, --applied %zu if it did not",
			p->running, p->done + 1, p->done);
	else
		rt_hint(err, "%zu statements took effect, as recorded: leave out --applied, or give --applied %zu",
			p->done, p->done);
	rt_strbuf_release(&sb);
	return -1;
}

/* See runner.h. */
int rt_progress_prepare(run *r, rt_plan *plan, rt_error *err)
{
	rt_partial how = r->ctx->partial;
	const rt_progress *p = &r->partial;
	if (!p->revision) {
		if (how != RT_PARTIAL_REFUSE)
			return rt_fail(err, RT_EUSAGE, "there is nothing to %s: no revision is partly applied",
				       how == RT_PARTIAL_RESUME ? "resume" : "undo");
		return 0;
	}
	if (r->dir == RT_STAMP)
		return 0;
	strbuf sb = STRBUF_INIT;
	describe(r, &sb);
	int rc = 0;
	if (p->rev < 0) {
		rc = rt_fail(err, RT_EFAIL, "%s, and no migration file defines it", sb.buf);
		rt_hint(err, "restore its file, or repair the database by hand and stamp the revision it is at");
	} else if (how == RT_PARTIAL_REFUSE) {
		rc = rt_fail(err, RT_EFAIL, "%s", sb.buf);
		strbuf c = STRBUF_INIT;
		choices(&c, p->revision, p->dir, p->done, p->undoing, err);
		rt_hint(err, "check the database, then: %s", c.buf);
		rt_strbuf_release(&c);
	} else {
		/* undoing an upgrade needs the statements it ran: its section as it was */
		char *sum = p->checksum ? rt_checksum_as(r->g->revs[p->rev], r->d->lex, p->checksum) : NULL;
		int changed = how == RT_PARTIAL_UNDO && p->dir == RT_UPGRADE && p->checksum &&
			      (!sum || strcmp(sum, p->checksum));
		free(sum);
		rt_direction want = how == RT_PARTIAL_RESUME ? p->dir : opposite(p->dir);
		size_t k = 0;
		if (how == RT_PARTIAL_UNDO && p->undoing) {
			rc = rt_fail(err, RT_EUSAGE, "%s: it is itself an undo, which --partial cannot undo", sb.buf);
			rt_hint(err, "finish the undo by resuming it");
			rt_fix_with(err, RT_FIX_RESUME, dir_word(p->dir));
		} else if (changed) {
			rc = rt_fail_at(err, RT_EFAIL, r->g->revs[p->rev]->path, 0,
					"%s, and its upgrade section has changed since, so which statements ran is not known",
					sb.buf);
			rt_hint(err, "restore the upgrade section as it was, or repair the database by hand and stamp %s (or the revision before it)",
				p->revision);
			rt_fix_with(err, RT_FIX_STAMP, p->revision);
		} else if (r->dir != want) {
			rc = rt_fail(err, RT_EUSAGE, "%s: it is %s by %s", sb.buf,
				     how == RT_PARTIAL_RESUME ? "resumed" : "undone",
				     want == RT_UPGRADE ? "an upgrade" : "a downgrade");
		} else if (applied(r, &k, err) < 0) {
			rc = -1;
		} else if (how == RT_PARTIAL_UNDO) {
			undo_plan(r, want, plan);
			r->resume_at = p->statements - k;
		} else if (p->undoing) {
			undo_plan(r, want, plan);
			r->resume_at = k;
		} else if (plan->n && plan->steps[0].rev == p->rev && plan->steps[0].dir == p->dir) {
			r->resume_rev = p->rev;
			r->resume_dir = p->dir;
			r->resume_at = k;
		} else {
			rc = rt_fail(err, RT_EUSAGE, "%s, but the %s asked for does not start with it",
				     sb.buf, dir_word(r->dir));
			rt_hint(err, "resume it on its own, as far as %s", p->revision);
			char *arg = rt_xasprintf("%s %s", dir_word(p->dir), p->revision);
			rt_fix_with(err, RT_FIX_RESUME, arg);
			free(arg);
		}
	}
	rt_strbuf_release(&sb);
	return rc;
}
