/*
 * runs.h - the history table read as runs (runs.c): for history --runs
 * and downgrade --last-run.
 */
#ifndef RT_RUNS_H
#define RT_RUNS_H

#include "internal.h"
#include "dialect/dialect.h"

/* One run: consecutive history rows with one run id (or none). */
typedef struct rt_run_rec {
	char *id;            /* NULL: rows of a retort before run ids */
	char *direction;     /* upgrade, downgrade, stamp, reset, or mixed */
	char *started_at;    /* its first row's, ISO 8601 UTC */
	char *user;          /* its first row's db_user */
	double ms;           /* the steps' duration_ms added up */
	rt_strlist revisions; /* per step: the revision (a stamp's rows when none) */
	rt_strlist directions; /* per step: its direction */
	/*
	 * "ok" (its last step recorded the end), "failed" (its failure row),
	 * "unfinished" (a run id and neither: killed, or the connection lost);
	 * NULL for rows of a retort before run ids.
	 */
	char *outcome;
	char *failed_revision; /* failed: the revision of the failed step (NULL: none) */
	char *failure;       /* failed: the message, as the user saw it */
	size_t stayed;       /* its rows but a failure's: 0 when nothing of the run stayed */
} rt_run_rec;

struct rt_runs {
	rt_run_rec *v;       /* oldest first */
	size_t n;
	int history;         /* the history table exists */
	int heap;            /* rt_runs_read made it: rt_runs_free frees it */
};

/* Read every run on an open connection (the history table may be missing: none). */
int rt_runs_read_conn(const rt_ctx *ctx, const rt_dialect *d, rt_conn *c, rt_runs *out,
		      rt_error *err);
/*
 * Does the history table (ht: quoted and qualified) have the column?  A
 * history table made by a retort before run ids has no run_id, one before
 * run outcomes no outcome and failure.  Call it outside a transaction: on
 * PostgreSQL the probe fails when it has not.
 */
int rt_history_has_column(const rt_dialect *d, rt_conn *c, const char *ht, const char *column);
/* Append started_at as the dialect reads it as ISO 8601 UTC text. */
void rt_history_started_at(const rt_dialect *d, strbuf *sql);

#endif
