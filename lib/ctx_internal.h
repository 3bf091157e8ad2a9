/*
 * ctx_internal.h - the context shared by ctx.c, migrate.c and runner.c.
 */
#ifndef RT_CTX_INTERNAL_H
#define RT_CTX_INTERNAL_H

#include "retort_int.h"
#include "dialect/dialect.h"

struct rt_ctx {
	const rt_config *cfg;
	const rt_dialect *dialect; /* of cfg->url, resolved at open; NULL: no URL set */
	rt_graph *graph;
	int borrowed;       /* graph belongs to another context */
	int backup_first;   /* rt_ctx_backup_first */
	int confirmed;      /* rt_ctx_confirm */
	rt_partial partial; /* rt_ctx_partial */
	long partial_applied;
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
 * In a protected environment, refuse what (a command name: "downgrade")
 * unless it was confirmed (rt_ctx_confirm) or runs offline.
 */
int rt_ctx_check_protected(const rt_ctx *ctx, const char *what, rt_error *err);
/*
 * Read the version table into st.  known_to_exist skips the catalog
 * lookup (the table may otherwise be missing: an empty state).
 */
int rt_read_state(const rt_ctx *ctx, rt_conn *c, int known_to_exist,
		  rt_state *st, rt_error *err);
/*
 * Read the version table into st with one statement and nothing else (no
 * catalog lookup): -1 when it fails, e.g. as the table does not exist.
 */
int rt_read_state_quick(const rt_ctx *ctx, rt_conn *c, rt_state *st, rt_error *err);
/*
 * The context's dialect; when no URL is configured, an error saying so
 * (commands that never touch a database work without one).
 */
const rt_dialect *rt_ctx_dialect(const rt_ctx *ctx, rt_error *err);
/* The embedded seed NAME (its file NAME.sql), or NULL. */
const rt_embedded_file *rt_embedded_seed(const rt_embedded *p, const char *name);
/* A context for cfg owning graph g (freed on failure). */
rt_ctx *rt_ctx_with_graph(const rt_config *cfg, rt_graph *g, rt_error *err);
/*
 * A context on another configuration (of dialect d) sharing base's graph
 * (and nothing else).
 */
rt_ctx *rt_ctx_borrow(const rt_ctx *base, const rt_config *cfg,
		      const rt_dialect *d);
/*
 * Find seed NAME (seed_location/NAME.sql, or the embedded one) and read it:
 * *path and *text to free.  -1 when there is none (err names those there).
 */
int rt_seed_read(const rt_ctx *ctx, const rt_config *cfg, const char *name, char **path,
		 char **text, size_t *len, rt_error *err);
/* Run a seed's text on c in one transaction of its own (ctx: where warnings go). */
int rt_seed_run(rt_ctx *ctx, const rt_dialect *d, rt_conn *c, const rt_config *cfg,
		const char *path, const char *text, size_t len, rt_error *err);
/* One row of the history table (NULL fields are SQL NULL); the time, user and version are added. */
typedef struct rt_history_row {
	const char *revision, *direction, *from, *to, *checksum;
} rt_history_row;
int rt_history_insert(const rt_ctx *ctx, const rt_dialect *d, rt_conn *c,
		      const rt_history_row *row, rt_error *err);

/* The latest checksum recorded for each revision (upgrade, stamp, rehash rows). */
typedef struct rt_checksums {
	const rt_graph *g;
	char **sums;    /* per revision (index in g->revs), NULL when none */
	char **when;    /* when that row was written */
	int exists;     /* the history table exists */
} rt_checksums;
/* Read them (no history table: all NULL); free with rt_checksums_free also after a failure. */
int rt_read_checksums(const rt_ctx *ctx, const rt_dialect *d, rt_conn *c,
		      rt_checksums *out, rt_error *err);
void rt_checksums_free(rt_checksums *a);
/* The name of the history table for a version table. */
char *rt_history_table(const rt_config *cfg);
/* The name of the progress table (dialects whose DDL commits as it runs). */
char *rt_progress_table(const rt_config *cfg);

#endif
