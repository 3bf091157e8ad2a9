/*
 * steps.c - revisions of several steps: what the history table records
 * of them, and where a rerun continues.
 *
 * A migration file may repeat its "-- migrate:upgrade" marker (and its
 * "-- migrate:downgrade" marker): each section is a step, run in order
 * as its kind (in a transaction, transaction:false or batch).  The
 * version table moves with the last step only; each earlier step, when it
 * completes, adds a history row of direction 'step' whose to_revisions
 * says which ("upgrade 2/3") and whose checksum is the section's (written
 * by run_io.c).  A run that fails at step 3 of 5 leaves the records of
 * steps 1 and 2; the next run of the revision in the same direction
 * starts at step 3.
 *
 * Records count only since the revision's last version change: any other
 * row naming the revision (its upgrade, downgrade, stamp), a step row of
 * the other direction, every stamp or reset (the user said where the
 * database is) and every downgrade (of any revision: it may have undone
 * what the steps did, say dropped the table they changed) forget them.
 */
#include "runner.h"
#include "checksum.h"
#include "runs.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* What is recorded of one revision: its first `done` steps, in r->dir. */
typedef struct rt_steps_rec {
	int tracked;       /* the plan runs it and it has several steps */
	size_t done;
	rt_strlist sums;   /* the checksum recorded for each of them */
	char *at;          /* when the last of them started */
} rt_steps_rec;

static void rec_clear(rt_steps_rec *e)
{
	e->done = 0;
	rt_strlist_free(&e->sums);
	free(e->at);
	e->at = NULL;
}

typedef struct reader {
	run *r;
	const char *dir; /* "upgrade" or "downgrade" */
} reader;

/*
 * Query callback over history rows in id order: revision, direction,
 * to_revisions, checksum, started_at.
 */
static int step_row(void *ud, int n, const char *const *v)
{
	reader *rd = ud;
	run *r = rd->r;
	if (n < 5 || !v[1])
		return 0;
	if (!strcmp(v[1], "stamp") || !strcmp(v[1], "reset") || !strcmp(v[1], "downgrade")) {
		for (size_t i = 0; i < r->g->nrevs; i++)
			rec_clear(&r->steps[i]);
		return 0;
	}
	int rev = v[0] ? rt_graph_find(r->g, v[0]) : -1;
	if (rev < 0 || !r->steps[rev].tracked)
		return 0;
	rt_steps_rec *e = &r->steps[rev];
	size_t len = strlen(rd->dir), k = 0, of = 0;
	if (strcmp(v[1], "step") || !v[2] || strncmp(v[2], rd->dir, len) || v[2][len] != ' ' ||
	    sscanf(v[2] + len + 1, "%zu/%zu", &k, &of) != 2) {
		rec_clear(e); /* a version change, or a step of the other direction */
		return 0;
	}
	if (k == 1)
		rec_clear(e);
	if (k != e->done + 1) {
		rec_clear(e);
		return 0;
	}
	e->done = k;
	rt_strlist_push(&e->sums, v[3] ? v[3] : "");
	free(e->at);
	e->at = rt_xstrdup_or_null(v[4]);
	return 0;
}

/* See runner.h: one query, only when the plan has a revision of several steps. */
int rt_steps_read(run *r, const rt_plan *plan, rt_error *err)
{
	rt_section_kind kind = r->dir == RT_DOWNGRADE ? RT_SECTION_DOWNGRADE : RT_SECTION_UPGRADE;
	int any = 0;
	for (size_t i = 0; i < plan->n; i++) {
		int rev = plan->steps[i].rev;
		if (rev < 0 || r->g->revs[rev]->nsections[kind] < 2)
			continue;
		if (!r->steps)
			r->steps = rt_xcalloc(r->g->nrevs, sizeof(*r->steps));
		r->steps[rev].tracked = any = 1;
	}
	if (!any || r->dir == RT_STAMP)
		return 0;
	const char *schema;
	int exists = 0;
	if (rt_tables_schema(r->d, r->conn, r->cfg, &schema, err) < 0 ||
	    r->d->table_exists(r->conn, schema, r->history, &exists, err) < 0)
		return -1;
	if (!exists)
		return 0;
	strbuf sql = STRBUF_INIT;
	rt_strbuf_adds(&sql, "SELECT revision, direction, to_revisions, checksum, ");
	rt_history_started_at(r->d, &sql);
	rt_strbuf_addf(&sql, " FROM %s WHERE direction IN ('stamp', 'reset', 'downgrade') OR revision IN (",
		       r->ht.buf);
	int first = 1;
	for (size_t i = 0; i < r->g->nrevs; i++) {
		if (!r->steps[i].tracked)
			continue;
		if (!first)
			rt_strbuf_adds(&sql, ", ");
		r->d->literal(&sql, r->g->revs[i]->id);
		first = 0;
	}
	rt_strbuf_adds(&sql, ") ORDER BY id");
	reader rd = { r, rt_run_direction(r->dir) };
	int rc = r->d->query(r->conn, sql.buf, step_row, &rd, err);
	rt_strbuf_release(&sql);
	return rc;
}

/* See runner.h. */
int rt_steps_from(run *r, const rt_step *s, size_t n, size_t *from, rt_error *err)
{
	*from = 0;
	if (!r->steps || !r->steps[s->rev].tracked || !r->steps[s->rev].done)
		return 0;
	const rt_steps_rec *e = &r->steps[s->rev];
	const rt_revision *rev = r->g->revs[s->rev];
	rt_section_kind kind = s->dir == RT_DOWNGRADE ? RT_SECTION_DOWNGRADE : RT_SECTION_UPGRADE;
	const char *dir = rt_run_direction(s->dir);
	for (size_t k = 0; k < e->done; k++) {
		char *sum = k < n ? rt_checksum_section(rev, kind, k, r->d->lex) : NULL;
		int same = sum && !strcmp(sum, e->sums.v[k]);
		free(sum);
		if (same)
			continue;
		if (k < n)
			rt_fail_at(err, RT_EFAIL, rev->path, rev->sections[kind][k].line,
				   "%s %s: step %zu/%zu was applied (recorded at %s), but its section has changed since",
				   dir, rev->id, k + 1, n, e->at ? e->at : "an unknown time");
		else
			rt_fail_at(err, RT_EFAIL, rev->path, 0,
				   "%s %s: %zu of its steps were applied (the last recorded at %s), but its file now has %zu",
				   dir, rev->id, e->done, e->at ? e->at : "an unknown time", n);
		rt_hint(err, "a rerun continues after the steps already applied, which must stay as they ran: restore the section as it was; or complete the revision by hand and stamp %s (a stamp forgets the steps recorded); nothing was run",
			rev->id);
		rt_fix_with(err, RT_FIX_STAMP, rev->id);
		return -1;
	}
	*from = e->done;
	char *text;
	if (e->done == 1)
		text = rt_xasprintf("%s %s: step 1/%zu already applied at %s; continuing at step 2/%zu",
				    dir, rev->id, n, e->at ? e->at : "an unknown time", n);
	else
		text = rt_xasprintf("%s %s: steps 1-%zu/%zu already applied (the last at %s); continuing at step %zu/%zu",
				    dir, rev->id, e->done, n, e->at ? e->at : "an unknown time",
				    e->done + 1, n);
	rt_ctx_emit(r->ctx, RT_EV_NOTICE, NULL, 0, text);
	free(text);
	return 0;
}

/* See runner.h. */
void rt_steps_free(run *r)
{
	if (!r->steps)
		return;
	for (size_t i = 0; i < r->g->nrevs; i++)
		rec_clear(&r->steps[i]);
	free(r->steps);
	r->steps = NULL;
}
