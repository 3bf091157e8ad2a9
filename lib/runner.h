/*
 * runner.h - the run of a plan, shared by runner.c (which carries out the
 * steps) and migrate.c (which makes the plan for upgrade, downgrade, stamp
 * and create, online or offline, and hands it over).
 */
#ifndef RT_RUNNER_H
#define RT_RUNNER_H

#include "internal.h"
#include "ctx_internal.h"

/* One run of upgrade, downgrade, stamp or create. */
typedef struct run {
	rt_ctx *ctx;
	const rt_config *cfg;
	const rt_graph *g;
	const rt_dialect *d;
	rt_conn *conn;       /* NULL offline */
	char *history;       /* history table name */
	strbuf vt;           /* version table, quoted and qualified for SQL */
	strbuf ht;           /* history table, likewise */
	strbuf user;         /* the history table's db_user value, looked up once */
	int version_ready;   /* the version table exists (read, or FROM given offline) */
	int tables_ready;    /* and the history table: ensure_tables ran */
	int tables_committed; /* and what it made is committed */
	/*
	 * The run's id, recorded on its history rows (online runs that change
	 * something; NULL offline, in dry runs and rehearsals); add_run_id: the
	 * history table predates the run_id column, which ensure_tables adds.
	 */
	char *run_id;
	int add_run_id;
	/* The last failed step: its statements ran on their own, and how much of them ran. */
	int failed_own, failed_applied;
	int in_tx;
	rt_strlist expected; /* version rows as the plan leaves them so far */
	rt_strlist committed; /* version rows as last committed: what a failure leaves */
	int kept_mid_run;    /* one transaction per run, but a step committed on its own */
	rt_strlist session;  /* the connection's state before the first step (session.c) */
	const struct rt_declared *create_sql; /* create: the declared schema loaded with the stamp */
	rt_direction dir;
	/* Where SQL goes when conn is NULL: offline, or a dry run's printing. */
	rt_output_fn out;
	void *out_ud;
	/* A rehearsal: one transaction for the whole plan, rolled back at the end. */
	int rehearse;
	/*
	 * Called once, under the lock, right before the first step of an
	 * online run that has one (not for stamps).  migrate.c hands in the
	 * backup that rt_ctx_backup_first asked for: the runner itself never
	 * calls up into the operations above it.
	 */
	int (*before_first)(struct run *r, rt_error *err);
} run;

/*
 * Carry out a plan: prepare every step, back up if asked, run the steps,
 * commit what is still open (or roll it back on failure).
 */
int rt_run_plan(run *r, const rt_plan *plan, rt_error *err);

/*
 * Online: s NULL reads the connection's state, before the first step;
 * after the statements of step s, what they changed of that state is
 * undone (a notice names it), or the step fails.
 */
int rt_run_session_check(run *r, const rt_step *s, rt_error *err);

/* Generated SQL: execute it online, print it as a statement offline. */
int rt_run_emit(run *r, const char *sql, rt_error *err);

/*
 * A placeholder left in a string literal or comment although it has a
 * value: a notice each ("warning: FILE:LINE: ..."); nothing stops.
 */
void rt_run_placeholder_warnings(rt_ctx *ctx, const rt_config *cfg,
				 const rt_dialect *d, const char *sql, size_t len,
				 const char *file, int first_line);

#endif
