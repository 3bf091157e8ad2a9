/*
 * ctx_internal.h - the context shared by ctx.c, migrate.c and runner.c.
 */
#ifndef RT_CTX_INTERNAL_H
#define RT_CTX_INTERNAL_H

#include "retort_int.h"
#include "dialect/dialect.h"

struct rt_ctx {
	const rt_config *cfg;
	rt_graph *graph;
	int borrowed;       /* graph belongs to another context */
	int backup_first;   /* rt_ctx_backup_first */
	rt_event_fn on_event;
	void *event_ud;
	rt_output_fn out;   /* set: offline mode */
	void *out_ud;
	rt_output_fn dry_out; /* set: dry run (online reading, SQL written here) */
	void *dry_ud;
	int rehearse;       /* rt_ctx_set_rehearse */
	char *last_run_id;  /* rt_ctx_last_run_id */
	const rt_embedded *embedded; /* rt_ctx_open_embedded: schema and seeds from it */
	/*
	 * create: the declared schema read once, so that the schema it
	 * checks and the one it loads are the same (schema_command runs once).
	 */
	const struct rt_declared *declared;
};

void rt_ctx_emit(const rt_ctx *ctx, rt_event_kind kind, const rt_step *step,
		 double ms, const char *text);
/*
 * Read the version table into st.  known_to_exist skips the catalog
 * lookup (the table may otherwise be missing: an empty state).
 */
int rt_read_state(const rt_ctx *ctx, const rt_dialect *d, rt_conn *c,
		  int known_to_exist, rt_state *st, rt_error *err);
/* The embedded seed NAME (its file NAME.sql), or NULL. */
const rt_embedded_file *rt_embedded_seed(const rt_embedded *p, const char *name);
/* A context for cfg owning graph g (freed on failure). */
rt_ctx *rt_ctx_with_graph(const rt_config *cfg, rt_graph *g, rt_error *err);
/* A context on another configuration sharing base's graph (and nothing else). */
rt_ctx *rt_ctx_borrow(const rt_ctx *base, const rt_config *cfg);
/* The name of the history table for a version table. */
char *rt_history_table(const rt_config *cfg);

#endif
