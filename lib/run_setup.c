/*
 * run_setup.c - a run's set-up and release: its dialect, the names of
 * retort's tables, and the version rows it starts from.  Below migrate.c
 * (upgrade, downgrade, stamp) and replay.c (migrations replayed into a
 * scratch database), which both hand their plans to runner.c.
 */
#include "runner.h"

#include <string.h>

/* See runner.h. */
int rt_run_init(run *r, rt_ctx *ctx, rt_direction dir, rt_error *err)
{
	memset(r, 0, sizeof(*r));
	if (rt_ctx_need_sql(ctx, err) < 0)
		return -1;
	r->ctx = ctx;
	r->cfg = ctx->cfg;
	r->g = ctx->graph;
	r->dir = dir;
	r->partial.rev = -1;
	r->resume_rev = -1;
	r->undo_rev = -1;
	r->failed_own = r->failed_applied = -1;
	r->out = ctx->out; /* a dry run's printing replaces it (execute) */
	r->out_ud = ctx->out_ud;
	r->d = rt_ctx_dialect(ctx, err);
	if (!r->d)
		return -1;
	r->history = rt_history_table(ctx->cfg);
	return 0;
}

void rt_run_release(run *r)
{
	rt_strlist_free(&r->expected);
	rt_strlist_free(&r->committed);
	rt_strlist_free(&r->session);
	free(r->history);
	free(r->run_id);
	rt_strbuf_release(&r->vt);
	rt_strbuf_release(&r->ht);
	rt_strbuf_release(&r->pt);
	rt_strbuf_release(&r->user);
	rt_progress_free(&r->partial);
	rt_steps_free(r);
}

/*
 * See runner.h.  The SQL names of the version and history tables:
 * qualified with the schema the connection finds them in (read once,
 * before any migration can change the search_path), offline with
 * version_table_schema.
 */
int rt_run_table_names(run *r, rt_error *err)
{
	const char *schema;
	if (rt_tables_schema(r->d, r->conn, r->cfg, &schema, err) < 0)
		return -1;
	rt_table_name(r->d, schema, r->cfg->version_table, &r->vt);
	rt_table_name(r->d, schema, r->history, &r->ht);
	char *progress = rt_progress_table(r->cfg);
	rt_table_name(r->d, schema, progress, &r->pt);
	free(progress);
	return 0;
}

/* See runner.h: the state read, or the start of a range. */
void rt_run_start_state(run *r, const rt_state *st)
{
	rt_strlist_free(&r->expected);
	rt_strlist_free(&r->committed);
	for (size_t i = 0; i < st->rows.n; i++)
		rt_strlist_push(&r->expected, r->g->revs[st->rows.v[i]]->version_id);
	for (size_t i = 0; i < st->unknown.n; i++)
		rt_strlist_push(&r->expected, st->unknown.v[i]);
	for (size_t i = 0; i < r->expected.n; i++)
		rt_strlist_push(&r->committed, r->expected.v[i]);
}
