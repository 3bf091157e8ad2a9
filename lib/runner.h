/*
 * runner.h - the run of a plan, shared by runner.c (which carries out the
 * steps), run_setup.c (a run's set-up), migrate.c (which makes the plan
 * for upgrade, downgrade, stamp and create, online or offline, and hands
 * it over) and replay.c (migrations replayed into a scratch database).
 */
#ifndef RT_RUNNER_H
#define RT_RUNNER_H

#include "internal.h"
#include "ctx_internal.h"

/*
 * A revision a failed run left partly applied (dialects whose DDL commits
 * as it runs): its row of the progress table.
 */
typedef struct rt_progress {
	int rev;             /* -1: none */
	char *revision;
	rt_direction dir;    /* of the run that stopped */
	size_t statements;   /* in its section */
	size_t done;         /* how many took effect, in order */
	size_t running;      /* 1-based statement in flight when it stopped, 0: none */
	char *checksum;      /* of the revision when it started */
	char *done_checksum; /* covers the statements that took effect (progress.c) */
	int undoing;         /* the run was an undo (--partial): it changes no version row */
} rt_progress;

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
	strbuf pt;           /* progress table, likewise (dialects with one) */
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
	int add_outcome;     /* nor its outcome and failure columns: ensure_tables adds them */
	const rt_step *last; /* the plan's last step: its history row says the run ended "ok" */
	/* The last failed step: its statements ran on their own, and how much of them ran (-1: none). */
	int failed_own, failed_applied;
	int in_tx;
	rt_strlist expected; /* version rows as the plan leaves them so far */
	rt_strlist committed; /* version rows as last committed: what a failure leaves */
	int kept_mid_run;    /* one transaction per run, but a step committed on its own */
	rt_strlist session;  /* the connection's state before the first step (session.c) */
	/*
	 * create: loads the declared schema in the stamp's transaction, before
	 * its version rows (migrate.c hands it in: the runner knows no
	 * schema); NULL otherwise.
	 */
	int (*create_load)(struct run *r, rt_error *err);
	const struct rt_declared *create_sql; /* what create_load loads */
	rt_direction dir;
	rt_progress partial; /* read under the lock (progress.c) */
	int resume_rev;      /* the step of this revision continues a partial one (-1: none) */
	rt_direction resume_dir;
	size_t resume_at;    /* its first statement to run, 0-based */
	int undo_rev;        /* an undo of a partial revision: no version-table change (-1: none) */
	int hold;            /* leave the run's last transaction open (rt_run_end ends it) */
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
	/*
	 * Steps: the revision in flight has `sections` sections in its
	 * direction (1 for the usual file), `section` (0-based) is running;
	 * step_written of them have their record written, step_committed
	 * committed.  steps: what the history table records of the plan's
	 * revisions of several steps (steps.c; NULL offline).
	 */
	size_t section, sections;
	size_t step_written, step_committed;
	struct rt_steps_rec *steps;
} run;

/* A migration section ready to run: placeholders replaced, split, checked. */
typedef struct prepared {
	strbuf text;        /* section after placeholder substitution */
	rt_stmtlist stmts;
	const rt_section *sec;
	rt_section_kind kind; /* its direction */
	size_t section;      /* its place among the revision's sections of that direction */
	size_t sections;     /* how many there are (1: an ordinary file) */
	char *checksum;      /* the revision's */
	char *section_sum;   /* the section's (several sections only) */
	int session;        /* a statement may change the connection (rt_stmt.session) */
	int autocommit;     /* a statement commits as it runs (rt_stmt.autocommit) */
} prepared;
/* Set up a run for ctx: dialect, table names (0, or -1 with err filled). */
int rt_run_init(run *r, rt_ctx *ctx, rt_direction dir, rt_error *err);
void rt_run_release(run *r);
/* Name the version and history tables for the run's connection (offline: the configuration's). */
int rt_run_table_names(run *r, rt_error *err);
/* The version rows a plan starts from: expected and committed both become st's. */
void rt_run_start_state(run *r, const rt_state *st);

/*
 * Carry out a plan: prepare every step, back up if asked, run the steps,
 * commit what is still open (or roll it back on failure).
 */
int rt_run_plan(run *r, const rt_plan *plan, rt_error *err);
/* Make retort's version and history tables now, in a transaction of their own. */
int rt_run_make_tables(run *r, rt_error *err);
/*
 * End the transaction a run with hold set left open: commit it, or roll
 * it back (also after a failed plan: retort's tables, perhaps made in the
 * transaction undone, are then made sure of again by the next step).
 */
int rt_run_end(run *r, int commit, rt_error *err);

/*
 * Online: s NULL reads the connection's state, before the first step;
 * after the statements of step s, what they changed of that state is
 * undone (a notice names it), or the step fails.
 */
int rt_run_session_check(run *r, const rt_step *s, rt_error *err);

/* Generated SQL: execute it online, print it as a statement offline. */
int rt_run_emit(run *r, const char *sql, rt_error *err);

/* run_io.c: what a run writes, online or as --sql (runner.c and progress.c use it). */
void rt_run_out(run *r, const char *s);
int rt_run_stmt(run *r, const rt_stmt *st, const char *file, rt_error *err);
int rt_run_begin(run *r, rt_error *err);
int rt_run_commit(run *r, rt_error *err);
void rt_run_rollback(run *r);
/* Create retort's tables if need be (outside any transaction where DDL commits). */
int rt_run_tables(run *r, rt_error *err);
/* A step's version-table changes (none for an undo) and history row, in the open transaction. */
int rt_run_record(run *r, const rt_step *s, const prepared *p,
		  const char *started, double ms, rt_error *err);
/*
 * A failed run's outcome: a history row with direction "failed", the
 * failing step's revision (s NULL: the run's final commit failed) and
 * failure's message, committed on its own after the failed step was rolled
 * back.  Online runs with a run id only.
 */
void rt_run_record_failure(run *r, const rt_step *s, const rt_error *failure);
/* "upgrade X (message) failed: " before err's message, and its file. */
void rt_run_name_failure(run *r, const rt_step *s, rt_error *err);
/* Milliseconds of a monotonic clock. */
double rt_run_ms(void);
/* The current UTC time as 2026-12-03T16:23:42.123Z, for history rows. */
void rt_run_now(char *buf, size_t n);
/* "upgrade", "downgrade" or "stamp". */
const char *rt_run_direction(rt_direction d);
/*
 * The transaction a step's bookkeeping goes in, with retort's tables made
 * sure of (before it, where DDL commits).
 */
int rt_run_begin_recorded(run *r, rt_error *err);
/* One version-table change, checked to change exactly one row online. */
int rt_run_vop(run *r, const rt_vop *v, rt_error *err);
/* One row of the history table for step s (started NULL offline). */
int rt_run_history(run *r, const rt_step *s, const char *revision,
		   const char *checksum, const char *started, double ms,
		   rt_error *err);

/*
 * steps.c: revisions of several steps.  Read what the history table
 * records of the plan's such revisions (online, under the lock), and
 * where the step s of one continues: *from (0-based) is the first section
 * not recorded complete since its last version change (a notice says
 * which were); fails when a recorded section was changed since.
 */
int rt_steps_read(run *r, const rt_plan *plan, rt_error *err);
int rt_steps_from(run *r, const rt_step *s, size_t n, size_t *from, rt_error *err);
void rt_steps_free(run *r);

/* Read the progress table into r->partial (online, after r->expected is read). */
int rt_progress_read(run *r, rt_error *err);
/*
 * Decide what the request may do with a partial revision: the plan's
 * first step continues it (--resume), a step of its own undoes it
 * (--partial), or the run is refused with what to do.  plan may be
 * replaced.
 */
int rt_progress_prepare(run *r, rt_plan *plan, rt_error *err);
void rt_progress_free(rt_progress *p);
/*
 * Run a step whose statements commit one by one (some rt_stmt.autocommit),
 * recording each in the progress table as it completes.
 */
int rt_progress_step(run *r, const rt_step *s, const prepared *p,
		     const char *started, double t0, rt_error *err);
/* Statements of the progress table for stamp: forget every partial revision. */
int rt_progress_clear(run *r, rt_error *err);

/*
 * A placeholder left in a string literal or comment although it has a
 * value: a notice each ("warning: FILE:LINE: ..."); nothing stops.
 */
void rt_run_placeholder_warnings(rt_ctx *ctx, const rt_config *cfg,
				 const rt_dialect *d, const char *sql, size_t len,
				 const char *file, int first_line);

#endif
