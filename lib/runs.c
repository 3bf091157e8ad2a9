/*
 * runs.c - the history table read as runs: every upgrade, downgrade or
 * stamp command records its steps with one run id, so a deploy that
 * applied three migrations is one run (history --runs lists them, and
 * downgrade --last-run reverts the last one).
 *
 * Rows an older retort wrote have no run id: consecutive ones are listed
 * together as one entry without an id, which no command can revert as a
 * unit.
 */
#include "internal.h"
#include "ctx_internal.h"
#include "runs.h"

#include <stdlib.h>
#include <string.h>

/* See runs.h. */
void rt_history_started_at(const rt_dialect *d, strbuf *sql)
{
	const char *col = d->time_text ? strstr(d->time_text, "%s") : NULL;
	if (!col) {
		rt_strbuf_adds(sql, "started_at");
		return;
	}
	rt_strbuf_add(sql, d->time_text, (size_t)(col - d->time_text)); /* the format's %s is the column */
	rt_strbuf_adds(sql, "started_at");
	rt_strbuf_adds(sql, col + 2);
}

static int no_row(void *ud, int n, const char *const *v)
{
	(void)ud, (void)n, (void)v;
	return 0;
}

/* See runs.h. */
int rt_history_has_column(const rt_dialect *d, rt_conn *c, const char *ht, const char *column)
{
	char *sql = rt_xasprintf("SELECT %s FROM %s WHERE 1 = 0", column, ht);
	rt_error e = { 0 };
	int ok = d->query(c, sql, no_row, NULL, &e) == 0;
	rt_error_clear(&e);
	free(sql);
	return ok;
}

/* The run rows are added to: a new one unless the row continues the last. */
static rt_run_rec *run_for(rt_runs *rs, const char *id)
{
	if (rs->n) {
		rt_run_rec *last = &rs->v[rs->n - 1];
		if ((!id && !last->id) || (id && last->id && !strcmp(id, last->id)))
			return last;
	}
	rs->v = rt_xrealloc(rs->v, (rs->n + 1) * sizeof(*rs->v));
	rt_run_rec *r = &rs->v[rs->n++];
	memset(r, 0, sizeof(*r));
	r->id = rt_xstrdup_or_null(id);
	return r;
}

/* Is rev one of the comma-separated revisions of list? */
static int listed(const char *list, const char *rev)
{
	size_t n = strlen(rev);
	for (const char *p = list; p && *p; p = strchr(p, ',') ? strchr(p, ',') + 1 : NULL)
		if (!strncmp(p, rev, n) && (p[n] == ',' || !p[n]))
			return 1;
	return 0;
}

/*
 * A run's failure row: its outcome, revision and message.  A run that
 * failed before any step stayed has only this row: its direction is read
 * from the failed step (an upgrade's step leads to its revision), or is
 * "unknown" when the run's final commit failed.
 */
static void failed_row(rt_run_rec *r, const char *const *v)
{
	free(r->outcome);
	free(r->failed_revision);
	free(r->failure);
	r->outcome = rt_xstrdup("failed");
	r->failed_revision = rt_xstrdup_or_null(v[0]);
	r->failure = rt_xstrdup_or_null(v[8]);
	if (!r->direction) /* no revision: the run's one transaction failed to commit */
		r->direction = rt_xstrdup(!v[0] ? "unknown" : listed(v[2], v[0]) ? "upgrade" : "downgrade");
}

/*
 * Query callback over history rows in id order: revision, direction,
 * to_revisions, run_id, started_at, duration_ms, db_user, outcome,
 * failure.  A step without a revision (a stamp that only removes rows, a
 * reset) is listed by what it left; a failure row is the run's outcome,
 * not a step.  The record of a step of a revision of several (direction
 * 'step') lists nothing: the revision is listed with its last step; a run
 * that ran only such steps (it failed before a revision completed) has
 * direction "step" and no revisions.
 */
static int run_row(void *ud, int n, const char *const *v)
{
	rt_runs *rs = ud;
	if (n < 9 || !v[1])
		return 0;
	rt_run_rec *r = run_for(rs, v[3]);
	if (!r->started_at) {
		r->started_at = rt_xstrdup_or_null(v[4]);
		r->user = rt_xstrdup_or_null(v[6]);
	}
	if (!strcmp(v[1], "failed")) {
		failed_row(r, v);
		return 0;
	}
	r->stayed++;
	if (v[7] && !r->outcome)
		r->outcome = rt_xstrdup(v[7]);
	r->ms += v[5] ? strtod(v[5], NULL) : 0;
	if (!strcmp(v[1], "step")) {
		/* a step of a revision of several: its revision comes with the last */
		if (!r->direction)
			r->direction = rt_xstrdup("step"); /* so far the run only ran steps */
		return 0;
	}
	if (r->direction && !strcmp(r->direction, "step")) {
		free(r->direction);
		r->direction = NULL;
	}
	if (!r->direction)
		r->direction = rt_xstrdup(v[1]);
	else if (strcmp(r->direction, v[1]) && strcmp(r->direction, "mixed")) {
		free(r->direction);
		r->direction = rt_xstrdup("mixed");
	}
	const char *what = v[0] ? v[0] : v[2] && *v[2] ? v[2] : "base";
	rt_strlist_push(&r->revisions, what);
	rt_strlist_push(&r->directions, v[1]);
	return 0;
}

/* See runs.h. */
int rt_runs_read_conn(const rt_ctx *ctx, const rt_dialect *d, rt_conn *c, rt_runs *out,
		      rt_error *err)
{
	memset(out, 0, sizeof(*out));
	const char *schema;
	char *history = rt_history_table(ctx->cfg);
	int rc = rt_tables_schema(d, c, ctx->cfg, &schema, err);
	if (rc == 0)
		rc = d->table_exists(c, schema, history, &out->history, err);
	if (rc == 0 && out->history) {
		strbuf sql = STRBUF_INIT;
		rt_table_name(d, schema, history, &sql);
		int have_ids = rt_history_has_column(d, c, sql.buf, "run_id");
		int have_outcomes = have_ids && rt_history_has_column(d, c, sql.buf, "outcome");
		rt_strbuf_reset(&sql);
		rt_strbuf_addf(&sql, "SELECT revision, direction, to_revisions, %s, ",
			       have_ids ? "run_id" : "NULL");
		rt_history_started_at(d, &sql);
		rt_strbuf_addf(&sql, ", duration_ms, db_user, %s FROM ",
			       have_outcomes ? "outcome, failure" : "NULL, NULL");
		rt_table_name(d, schema, history, &sql);
		rt_strbuf_adds(&sql, " ORDER BY id");
		rc = d->query(c, sql.buf, run_row, out, err);
		rt_strbuf_release(&sql);
		/* A run that ended said so: one with an id and no word was stopped. */
		for (size_t i = 0; rc == 0 && i < out->n; i++)
			if (out->v[i].id && !out->v[i].outcome)
				out->v[i].outcome = rt_xstrdup("unfinished");
	}
	free(history);
	if (rc < 0)
		rt_runs_free(out);
	return rc;
}

/* See retort.h: read-only, nothing created. */
rt_runs *rt_runs_read(rt_ctx *ctx, rt_error *err)
{
	const rt_dialect *d = rt_ctx_dialect(ctx, err);
	if (!d)
		return NULL;
	rt_runs *rs = rt_xcalloc(1, sizeof(*rs));
	int missing = 0, rc = 0;
	rt_conn *c = d->connect(ctx->cfg, 1, &missing, err);
	if (!c && !missing)
		rc = -1;
	if (c) {
		rc = rt_runs_read_conn(ctx, d, c, rs, err);
		d->disconnect(c);
	}
	if (rc < 0) {
		free(rs);
		return NULL;
	}
	rs->heap = 1;
	return rs;
}

/* See runs.h: releases a local rt_runs, frees one rt_runs_read returned. */
void rt_runs_free(rt_runs *rs)
{
	if (!rs)
		return;
	int heap = rs->heap;
	for (size_t i = 0; i < rs->n; i++) {
		free(rs->v[i].id);
		free(rs->v[i].direction);
		free(rs->v[i].started_at);
		free(rs->v[i].user);
		free(rs->v[i].outcome);
		free(rs->v[i].failed_revision);
		free(rs->v[i].failure);
		rt_strlist_free(&rs->v[i].revisions);
		rt_strlist_free(&rs->v[i].directions);
	}
	free(rs->v);
	memset(rs, 0, sizeof(*rs));
	if (heap)
		free(rs);
}

static const rt_run_rec *rec(const rt_runs *rs, size_t i)
{
	return rs && i < rs->n ? &rs->v[i] : NULL;
}

int rt_runs_history_exists(const rt_runs *rs)
{
	return rs ? rs->history : 0;
}

size_t rt_runs_count(const rt_runs *rs)
{
	return rs ? rs->n : 0;
}

/* The runs' fields (retort.h): each NULL (0) past the end. */
RT_RECORD_GETTER(const char *, rt_runs_id, rt_runs, rec, id, NULL)
RT_RECORD_GETTER(const char *, rt_runs_direction, rt_runs, rec, direction, NULL)
RT_RECORD_GETTER(const char *, rt_runs_started_at, rt_runs, rec, started_at, NULL)
RT_RECORD_GETTER(const char *, rt_runs_user, rt_runs, rec, user, NULL)
RT_RECORD_GETTER(double, rt_runs_duration_ms, rt_runs, rec, ms, 0)

RT_RECORD_GETTER(size_t, rt_runs_step_count, rt_runs, rec, revisions.n, 0)

const char *rt_runs_step_revision(const rt_runs *rs, size_t i, size_t j)
{
	const rt_run_rec *r = rec(rs, i);
	return r && j < r->revisions.n ? r->revisions.v[j] : NULL;
}

const char *rt_runs_step_direction(const rt_runs *rs, size_t i, size_t j)
{
	const rt_run_rec *r = rec(rs, i);
	return r && j < r->directions.n ? r->directions.v[j] : NULL;
}

RT_RECORD_GETTER(const char *, rt_runs_outcome, rt_runs, rec, outcome, NULL)
RT_RECORD_GETTER(const char *, rt_runs_failed_revision, rt_runs, rec, failed_revision, NULL)
RT_RECORD_GETTER(const char *, rt_runs_failure, rt_runs, rec, failure, NULL)
