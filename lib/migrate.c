/*
 * migrate.c - upgrade, downgrade, stamp and create's stamp (create.c
 * checks its schema first): check the request, read where the database is
 * (online, under the migration lock) or where a FROM:TO range says it
 * starts (offline, --sql), make the plan, and hand it to the runner
 * (runner.c).
 */
#include "migrate.h"
#include "runner.h"
#include "runs.h"
#include "schema/model.h"
#include "schema/load.h"

#include <stdio.h>
#include <string.h>
#include <sys/random.h>
#include <time.h>
#include <unistd.h>

typedef struct request {
	rt_direction dir;
	const rt_declared *create_sql; /* create: load this schema, stamp heads */
	const char *target;           /* upgrade, downgrade */
	const char *const *targets;   /* stamp */
	size_t ntargets;
	int purge;
	int last_run;                 /* downgrade: revert what the last run applied */
} request;

/*
 * What the last run applied, from the history table, as the set of
 * revisions to revert: the last run must be an upgrade with a run id (a
 * later downgrade or stamp, or rows of a retort before run ids, make
 * "the last deploy" something else), and rt_plan_revert checks the
 * version table still agrees.  A run that failed (or was killed) is
 * reverted by what stayed of it: the steps before the failure; one that
 * failed at its first step left nothing to revert.
 */
static int plan_last_run(run *r, const rt_state *st, rt_plan *plan, rt_error *err)
{
	rt_runs rs;
	if (!r->conn) /* a dry run of a database not made yet */
		return rt_fail(err, RT_EFAIL, "no run to revert: the database does not exist yet");
	if (rt_runs_read_conn(r->ctx, r->d, r->conn, &rs, err) < 0)
		return -1;
	const rt_run_rec *last = rs.n ? &rs.v[rs.n - 1] : NULL;
	int rc = -1;
	if (!last) {
		rt_fail(err, RT_EFAIL, "no run to revert: the history table %s",
			rs.history ? "is empty" : "does not exist (nothing was ever migrated here by retort)");
	} else if (!last->id) {
		rt_fail(err, RT_EFAIL, "the last change in the history table (%s of %s) has no run id: a retort before run ids recorded it, so which steps belong to its run is unknown",
			last->directions.v[last->directions.n - 1], last->revisions.v[last->revisions.n - 1]);
		rt_hint(err, "downgrade to the revision the database should be at instead");
		rt_fix_with(err, RT_FIX_LIST_REVISIONS, NULL);
	} else if (!last->stayed) {
		/* A deploy that failed at its first step left nothing to revert (only its failure row). */
		char *text = rt_xasprintf("run %s (%s at %s) %s before any of its steps stayed: it left nothing to revert",
					  last->id, last->direction, last->started_at ? last->started_at : "an unknown time",
					  "failed");
		rt_ctx_emit(r->ctx, RT_EV_NOTICE, NULL, 0, text);
		free(text);
		rc = 0;
	} else if (strcmp(last->direction, "upgrade")) {
		rt_fail(err, RT_EFAIL, "the last run, %s at %s, was a %s, not an upgrade: only an upgrade run with nothing after it can be reverted as a whole",
			last->id, last->started_at ? last->started_at : "an unknown time", last->direction);
		rt_hint(err, "the runs in the history table show what happened since; downgrade to a revision instead");
		rt_fix_with(err, RT_FIX_LIST_RUNS, NULL);
	} else {
		unsigned char *drop = rt_xcalloc(r->g->nrevs ? r->g->nrevs : 1, 1);
		rc = 0;
		for (size_t i = 0; rc == 0 && i < last->revisions.n; i++) {
			int rev = rt_graph_find(r->g, last->revisions.v[i]);
			if (rev < 0)
				rc = rt_fail(err, RT_EFAIL, "run %s applied revision %s, which no migration file defines any more",
					     last->id, last->revisions.v[i]);
			else
				drop[rev] = 1;
		}
		if (rc == 0 && (rc = rt_plan_revert(r->g, st, drop, plan, err)) < 0) {
			char *m = err->message;
			err->message = rt_xasprintf("cannot revert run %s as a whole: %s", last->id, m);
			free(m);
			rt_hint(err, "downgrade to a revision instead");
		}
		free(drop);
		if (rc == 0) {
			const char *how = last->outcome && !strcmp(last->outcome, "failed") ? "; it failed after them"
					  : last->outcome && !strcmp(last->outcome, "unfinished") ? "; it stopped after them" : "";
			char *text = rt_xasprintf("reverting run %s (upgrade at %s by %s: %zu revision%s%s)", last->id,
						  last->started_at ? last->started_at : "an unknown time",
						  last->user ? last->user : "an unknown user", last->revisions.n,
						  last->revisions.n == 1 ? "" : "s", how);
			rt_ctx_emit(r->ctx, RT_EV_NOTICE, NULL, 0, text);
			free(text);
		}
	}
	rt_runs_free(&rs);
	return rc;
}


/*
 * Resolve the target(s) against the state (online: read under the lock)
 * and compute the plan; each target of a stamp is resolved on its own.
 */
static int make_plan(run *r, const request *q, const rt_state *st,
		     rt_plan *plan, rt_error *err)
{
	/* An unknown row first: it explains why "-1" or "head" cannot work. */
	if (!(q->dir == RT_STAMP && q->purge) && rt_state_check(r->g, st, err) < 0)
		return -1;
	if (q->last_run)
		return plan_last_run(r, st, plan, err);
	if (q->dir == RT_STAMP) {
		rt_target *t = rt_xcalloc(q->ntargets ? q->ntargets : 1, sizeof(*t));
		int rc = 0;
		size_t done = 0;
		for (; rc == 0 && done < q->ntargets; done++)
			if ((rc = rt_resolve_into(r->g, q->targets[done], st, &t[done], err)) == 0)
				rt_target_unsquash(r->g, &t[done].revs);
		if (rc == 0)
			rc = rt_plan_stamp(r->g, st, t, q->ntargets, q->purge,
					   plan, err);
		for (size_t i = 0; i < done; i++)
			rt_target_free(&t[i]);
		free(t);
		return rc;
	}
	const char *target = q->target;
	if (r->ctx->partial == RT_PARTIAL_UNDO)
		return 0; /* rt_progress_prepare makes the one step */
	if (!target) { /* --resume or --partial alone: as far as the partial revision goes */
		const rt_revision *pr = r->partial.rev >= 0 ? r->g->revs[r->partial.rev] : NULL;
		if (!pr)
			return rt_fail(err, RT_EUSAGE, "there is nothing to %s: no revision is partly applied",
				       r->ctx->partial == RT_PARTIAL_RESUME ? "resume" : "undo");
		if (q->dir == RT_UPGRADE)
			target = pr->id;
		else if (pr->nparents <= 1)
			target = pr->nparents ? r->g->revs[pr->parents[0]]->id : "base";
		else
			return rt_fail(err, RT_EUSAGE, "%s is a merge point: say which revision the downgrade goes to",
				       pr->id);
	}
	rt_target t;
	if (rt_resolve_into(r->g, target, st, &t, err) < 0)
		return -1;
	rt_target_unsquash(r->g, &t.revs);
	int rc = q->dir == RT_UPGRADE ? rt_plan_upgrade(r->g, st, &t, plan, err)
				      : rt_plan_downgrade(r->g, st, &t, plan, err);
	rt_target_free(&t);
	return rc;
}

/*
 * "+N" for downgrade and "-N" for upgrade (relative to the database) go
 * the wrong way: refuse them, as Alembic does, rather than do nothing.
 */
static int check_direction(const request *q, rt_error *err)
{
	if (q->dir == RT_STAMP || !q->target)
		return 0;
	const char *at = strchr(q->target, '@');
	const char *rel = at ? at + 1 : q->target;
	char wrong = q->dir == RT_UPGRADE ? '-' : '+';
	if (rel[0] != wrong || !rel[1] || strspn(rel + 1, "0123456789") != strlen(rel + 1))
		return 0;
	rt_fail(err, RT_ERESOLVE, "Relative revision %s didn't produce %s migrations: %s goes %s",
		q->target, rel + 1, q->target, wrong == '-' ? "down" : "up");
	char *fix = rt_xasprintf("%c%s", wrong, rel + 1);
	rt_hint(err, "%s to %s instead", wrong == '-' ? "downgrade" : "upgrade", fix);
	rt_fix_with(err, wrong == '-' ? RT_FIX_DOWNGRADE : RT_FIX_UPGRADE, fix);
	free(fix);
	return -1;
}

/*
 * Resolve what can be resolved without the database, so a typo fails
 * before anything connects (and before a SQLite file is created).
 */
static int precheck(run *r, const request *q, rt_error *err)
{
	if (check_direction(q, err) < 0)
		return -1;
	size_t n = q->dir == RT_STAMP ? q->ntargets : q->target ? 1 : 0;
	for (size_t i = 0; i < n; i++) {
		rt_target t;
		rt_error e = { 0 };
		const char *ident = q->dir == RT_STAMP ? q->targets[i] : q->target;
		if (rt_resolve_into(r->g, ident, NULL, &t, &e) == 0) {
			rt_target_free(&t);
			continue;
		}
		if (e.code == RT_EUSAGE) { /* needs the database: decided later */
			rt_error_clear(&e);
			continue;
		}
		rt_error_clear(err);
		*err = e;
		return -1;
	}
	return 0;
}

/* create: refuse a database that has a revision or any table or view. */
static int check_empty(run *r, const rt_state *st, rt_error *err)
{
	if (st->rows.n || st->unknown.n) {
		rt_fail(err, RT_EFAIL, "the database is already at a revision: create only fills an empty database");
		rt_hint(err, "to bring it to the newest revision, upgrade it to heads");
		rt_fix_with(err, RT_FIX_UPGRADE, "heads");
		return -1;
	}
	sm_schema *s;
	if (r->d->introspect(r->conn, r->cfg, &s, err) < 0)
		return -1;
	size_t n = s->ntables + s->nviews;
	rt_sm_free(s);
	if (!n)
		return 0;
	rt_fail(err, RT_EFAIL, "the database already has %zu table%s or view%s: create only fills an empty database",
		n, n == 1 ? "" : "s", n == 1 ? "" : "s");
	rt_hint(err, "if it already holds the schema, record that by stamping heads");
	rt_fix_with(err, RT_FIX_STAMP, "heads");
	return -1;
}

/*
 * A history table made by a retort before run ids gets the run_id column
 * (and one before run outcomes the outcome and failure columns) with the
 * first step (ensure_tables adds them in that step's transaction).
 * Asked once the plan has steps (a run with nothing to do writes no row)
 * and before any transaction begins: on PostgreSQL the probe of a missing
 * column fails.
 */
static int check_run_id_column(run *r, rt_error *err)
{
	const char *schema;
	int exists = 0;
	if (rt_tables_schema(r->d, r->conn, r->cfg, &schema, err) < 0 ||
	    r->d->table_exists(r->conn, schema, r->history, &exists, err) < 0)
		return -1;
	r->add_run_id = exists && !rt_history_has_column(r->d, r->conn, r->ht.buf, "run_id");
	r->add_outcome = exists && !rt_history_has_column(r->d, r->conn, r->ht.buf, "outcome");
	return 0;
}

/*
 * Plan from the state read and carry the plan out, a partly applied
 * revision (progress.c) taken into account.  A dry run (r->out set
 * online) prints it from that state instead: the runner sees no
 * connection, as offline.
 */
static int plan_and_run(run *r, const request *q, const rt_state *st, rt_error *err)
{
	r->version_ready = st->exists;
	rt_run_start_state(r, st);
	rt_plan plan = { 0 };
	int rc = r->conn ? rt_progress_read(r, err) : 0;
	if (rc == 0)
		rc = make_plan(r, q, st, &plan, err);
	if (rc == 0 && r->conn && r->run_id && plan.n)
		rc = check_run_id_column(r, err);
	if (rc == 0 && r->conn)
		rc = rt_progress_prepare(r, &plan, err);
	if (rc == 0 && r->conn)
		rc = rt_steps_read(r, &plan, err);
	if (rc == 0) {
		rt_conn *c = r->conn;
		if (r->out)
			r->conn = NULL;
		rc = rt_run_plan(r, &plan, err);
		r->conn = c;
	}
	if (rc == 0 && plan.n && r->run_id && !r->rehearse) {
		free(r->ctx->last_run_id);
		r->ctx->last_run_id = rt_xstrdup(r->run_id);
	}
	if (rc == 0 && plan.n == 0)
		rt_ctx_emit(r->ctx, RT_EV_NOTICE, NULL, 0,
			    "nothing to do: the database is already there");
	rt_plan_free(&plan);
	return rc;
}

/*
 * An upgrade that finds the database at its target already, by one read
 * of the version table without the lock (a program starting with nothing
 * to do makes one query instead of a lock, catalog lookups and a read).
 * Safe because one statement reads a consistent snapshot: the version
 * rows a run commits move only with the step that did the work, so rows
 * that say "there" were there when read, and the locked path would find
 * nothing to do either (or a later run's state, which is as valid an
 * answer).  Everything else takes the locked path: a plan with steps, an
 * error of any kind (unknown rows, no version table), a dialect that
 * records partly applied revisions elsewhere (progress_table_ddl), --resume
 * or --partial, dry runs and rehearsals, create, reverting the last run.
 * 1 when there; the same notice as the locked path then.
 */
static int already_there(run *r, const request *q)
{
	if (q->dir != RT_UPGRADE || !q->target || q->last_run || q->create_sql || r->out ||
	    r->rehearse || r->ctx->partial != RT_PARTIAL_REFUSE || r->d->progress_table_ddl)
		return 0;
	rt_state st;
	rt_error e = { 0 };
	if (rt_read_state_quick(r->ctx, r->conn, &st, &e) < 0) {
		rt_error_clear(&e);
		return 0;
	}
	rt_plan plan = { 0 };
	int there = make_plan(r, q, &st, &plan, &e) == 0 && plan.n == 0;
	rt_error_clear(&e);
	rt_plan_free(&plan);
	rt_state_free(&st);
	if (there)
		rt_ctx_emit(r->ctx, RT_EV_NOTICE, NULL, 0,
			    "nothing to do: the database is already there");
	return there;
}

/*
 * Connected: lock, read the state under the lock, plan, run; unlock,
 * disconnect.  An upgrade with nothing to do ends before the lock
 * (already_there).
 */
static int locked_run(run *r, const request *q, rt_error *err)
{
	r->d = rt_conn_dialect(r->conn); /* as its session reads SQL (MySQL: NO_BACKSLASH_ESCAPES) */
	if (already_there(r, q)) {
		r->d->disconnect(r->conn);
		r->conn = NULL;
		return 0;
	}
	int rc = r->d->lock(r->conn, r->cfg, r->ctx->on_event,
			    r->ctx->event_ud, err);
	int locked = rc == 0;
	if (rc == 0)
		rc = rt_run_table_names(r, err);
	if (rc == 0) {
		rt_state st;
		rc = rt_read_state(r->ctx, r->conn, 0, &st, err);
		int read = rc == 0;
		if (rc == 0 && q->create_sql)
			rc = check_empty(r, &st, err);
		if (rc == 0)
			rc = plan_and_run(r, q, &st, err);
		if (read)
			rt_state_free(&st);
	}
	if (locked)
		r->d->unlock(r->conn);
	r->d->disconnect(r->conn);
	r->conn = NULL;
	return rc;
}

/*
 * A rehearsal of a database that does not exist yet (a SQLite file not
 * made) runs on an empty scratch database, so that none is created.
 */
static int rehearse_on_scratch(run *r, const request *q, rt_error *err)
{
	char *url = NULL;
	if (!r->d->scratch_create || r->d->scratch_create(r->cfg, &url, err) < 0) {
		if (!r->d->scratch_create)
			rt_fail(err, RT_EFAIL, "the database does not exist yet, and %s has no scratch database to rehearse on",
				r->d->name);
		return -1;
	}
	rt_ctx_emit(r->ctx, RT_EV_NOTICE, NULL, 0,
		    "the database does not exist yet: rehearsing on an empty scratch database");
	rt_config *scfg = rt_config_clone(r->cfg);
	free(scfg->url);
	scfg->url = rt_xstrdup(url);
	scfg->scratch = 1;
	const rt_config *cfg = r->cfg;
	r->cfg = scfg;
	int missing;
	r->conn = r->d->connect(scfg, 0, &missing, err);
	int rc = r->conn ? locked_run(r, q, err) : -1;
	r->cfg = cfg;
	r->d->scratch_drop(cfg, url);
	rt_config_free(scfg);
	free(url);
	return rc;
}

/*
 * Online: connect, lock, read the state under the lock, plan, run.  A dry
 * run or a rehearsal creates nothing: a database that does not exist yet
 * (a SQLite file) is planned from empty, or rehearsed on a scratch one.
 */
static int online(run *r, const request *q, rt_error *err)
{
	int missing;
	if (precheck(r, q, err) < 0)
		return -1;
	int probe = r->out || r->rehearse;
	r->conn = r->d->connect(r->cfg, probe, &missing, err);
	if (!r->conn && probe && missing) {
		if (r->rehearse)
			return rehearse_on_scratch(r, q, err);
		rt_state st;
		memset(&st, 0, sizeof(st));
		rt_run_table_names(r, err); /* unconnected: from the configuration */
		return plan_and_run(r, q, &st, err);
	}
	if (!r->conn)
		return -1;
	return locked_run(r, q, err);
}

/* The starting state of an offline run: FROM of FROM:TO, comma-separated. */
static int offline_start(run *r, const char *from, rt_state *st, rt_error *err)
{
	memset(st, 0, sizeof(*st));
	char *list = rt_xstrdup(from);
	int rc = 0;
	char *save = NULL;
	for (char *tok = strtok_r(list, ",", &save); tok && rc == 0; tok = strtok_r(NULL, ",", &save)) {
		rt_target t;
		rc = rt_resolve_into(r->g, tok, NULL, &t, err);
		if (rc == 0) {
			rt_target_unsquash(r->g, &t.revs);
			for (size_t i = 0; i < t.revs.n; i++)
				rt_revset_add(&st->rows, t.revs.v[i]);
			rt_target_free(&t);
		}
	}
	free(list);
	st->exists = 1;
	/* The version table holds heads only: an ancestor among them matches no row. */
	for (size_t i = 0; rc == 0 && i < st->rows.n; i++)
		for (size_t j = 0; rc == 0 && j < st->rows.n; j++)
			if (i != j && rt_graph_is_ancestor(r->g, st->rows.v[i], st->rows.v[j])) {
				rc = rt_fail(err, RT_EUSAGE,
					     "the starting point names %s, an ancestor of %s: a version table never holds both",
					     r->g->revs[st->rows.v[i]]->id, r->g->revs[st->rows.v[j]]->id);
				rt_hint(err, "start from the revisions the database is at, as its current revisions show them (here %s)",
					r->g->revs[st->rows.v[j]]->id);
			}
	return rc;
}

/* Offline: split FROM:TO, plan from FROM (base when absent), print. */
static int offline(run *r, const request *q, rt_error *err)
{
	request local = *q;
	const char *spec = q->dir == RT_STAMP ? (q->ntargets == 1 ? q->targets[0] : NULL)
					      : q->target;
	const char *colon = spec ? strchr(spec, ':') : NULL;
	char *from = NULL, *to = NULL;
	rt_state st;
	memset(&st, 0, sizeof(st));
	rt_run_table_names(r, err); /* offline: from the configuration, cannot fail */
	if (!colon && q->dir == RT_DOWNGRADE) {
		rt_fail(err, RT_EUSAGE, "an offline downgrade needs a range FROM:TO");
		rt_hint(err, "offline, the database's revision is not read: say where it starts, e.g. head:-1");
		return -1;
	}
	int rc = 0;
	if (colon) {
		from = rt_xstrndup(spec, (size_t)(colon - spec));
		to = rt_xstrdup(colon + 1);
		if (!*from || !*to) {
			rc = rt_fail(err, RT_EUSAGE, "range '%s' needs both FROM and TO", spec);
		} else if (!strcmp(from, "current")) {
			/* The database says where it starts: its version table, read-only. */
			rc = rt_current_into(r->ctx, &st, err);
			r->version_ready = st.exists;
		} else {
			rc = offline_start(r, from, &st, err);
			/* From base (no revision) the version table is made, as online. */
			r->version_ready = st.rows.n > 0;
		}
		if (q->dir == RT_STAMP)
			local.targets = (const char *const *)&to;
		else
			local.target = to;
	}
	if (rc == 0) {
		rt_run_start_state(r, &st);
		rt_plan plan = { 0 };
		rc = make_plan(r, &local, &st, &plan, err);
		if (rc == 0)
			rc = rt_run_plan(r, &plan, err);
		rt_plan_free(&plan);
	}
	rt_state_free(&st);
	free(from);
	free(to);
	return rc;
}

/* create: the declared schema, loaded in the stamp's transaction (run.create_load). */
static int create_load(run *r, rt_error *err)
{
	return rt_sm_run_sql(r->conn, r->create_sql->sql, r->create_sql->len,
			     r->create_sql->name, 0, err);
}

/* rt_ctx_backup_first: a backup before anything changes, now that something will. */
static int backup_first(run *r, rt_error *err)
{
	char *path = NULL;
	int rc = rt_backup(r->ctx, NULL, &path, err);
	if (rc < 0)
		return -1;
	char *text = rc == 1 ? rt_xstrdup("no backup: the database does not exist yet")
			     : rt_xasprintf("backed up to %s", path);
	rt_ctx_emit(r->ctx, RT_EV_NOTICE, NULL, 0, text);
	free(text);
	free(path);
	return 0;
}

/*
 * A run id: the UTC time it started and 24 random bits,
 * 20261203T170512Z-3fa2c1: sorts by time, and two replicas deploying in
 * the same second still differ.
 */
static char *new_run_id(void)
{
	struct timespec ts;
	struct tm tm;
	clock_gettime(CLOCK_REALTIME, &ts);
	gmtime_r(&ts.tv_sec, &tm);
	unsigned char b[3];
	if (getrandom(b, sizeof(b), 0) != (ssize_t)sizeof(b)) {
		unsigned long x = (unsigned long)ts.tv_nsec ^ ((unsigned long)getpid() << 8);
		b[0] = (unsigned char)x, b[1] = (unsigned char)(x >> 8), b[2] = (unsigned char)(x >> 16);
	}
	char buf[40];
	size_t n = strftime(buf, sizeof(buf), "%Y%m%dT%H%M%SZ", &tm);
	snprintf(buf + n, sizeof(buf) - n, "-%02x%02x%02x", b[0], b[1], b[2]);
	return rt_xstrdup(buf);
}

/*
 * What upgrade, downgrade, stamp and create share: the dialect and table
 * names, then offline (session settings printed first, FROM:TO allowed)
 * or online (ranges refused: the database says where the run starts).
 */
static int execute(rt_ctx *ctx, const request *q, rt_error *err)
{
	run r;
	if (rt_run_init(&r, ctx, q->dir, err) < 0)
		return -1;
	r.create_sql = q->create_sql;
	r.create_load = q->create_sql ? create_load : NULL;
	r.before_first = ctx->backup_first ? backup_first : NULL;
	r.out = ctx->out ? ctx->out : ctx->dry_out;
	r.out_ud = ctx->out ? ctx->out_ud : ctx->dry_ud;
	r.rehearse = !ctx->out && ctx->rehearse;
	if (!r.out)
		r.run_id = new_run_id();
	int rc;
	if (r.rehearse && ctx->dry_out) {
		rc = rt_fail(err, RT_EUSAGE, "a run is either a dry run or a rehearsal, not both");
	} else if (ctx->partial != RT_PARTIAL_REFUSE && (r.out || r.rehearse || q->dir == RT_STAMP)) {
		rc = rt_fail(err, RT_EUSAGE, "--resume and --partial read how far a revision got from the database: %s",
			     ctx->out ? "they cannot be used with --sql" : ctx->dry_out ? "they cannot be used with a dry run"
			     : r.rehearse ? "they cannot be rehearsed" : "stamp takes neither");
	} else if (r.rehearse && r.d->ddl_commits) {
		rc = rt_fail(err, RT_EUSAGE, "%s commits each DDL statement as it runs, so a run cannot be rehearsed in one transaction and rolled back",
			     r.d->name);
		rt_hint(err, "a dry run prints the plan and its SQL from the database's real state");
	} else if (!q->target && !q->last_run && q->dir != RT_STAMP && ctx->partial == RT_PARTIAL_REFUSE) {
		rc = rt_fail(err, RT_EUSAGE, "a target revision is needed");
	} else if (ctx->out) {
		rc = offline(&r, q, err);
	} else {
		const char *spec = q->dir == RT_STAMP ? NULL : q->target;
		for (size_t i = 0; q->dir == RT_STAMP && i < q->ntargets && !spec; i++)
			if (strchr(q->targets[i], ':'))
				spec = q->targets[i];
		if (spec && strchr(spec, ':')) {
			rt_fail(err, RT_EUSAGE, "a range '%s' is only allowed offline", spec);
			rt_hint(err, "online, retort reads where the database starts; give only the target");
			rc = -1;
		} else {
			rc = online(&r, q, err);
		}
	}
	rt_run_release(&r);
	return rc;
}

int rt_upgrade(rt_ctx *ctx, const char *target, rt_error *err)
{
	request q = { .dir = RT_UPGRADE, .target = target };
	return execute(ctx, &q, err);
}

int rt_downgrade(rt_ctx *ctx, const char *target, rt_error *err)
{
	if (rt_ctx_check_protected(ctx, "downgrade", err) < 0)
		return -1;
	request q = { .dir = RT_DOWNGRADE, .target = target };
	return execute(ctx, &q, err);
}

/* See retort.h: the history table says what to revert, so not offline. */
int rt_downgrade_last_run(rt_ctx *ctx, rt_error *err)
{
	if (ctx->out) {
		rt_fail(err, RT_EUSAGE, "reverting the last run reads the history table, so it has no offline form");
		rt_hint(err, "a dry run prints the SQL it would run from the database's real state");
		return -1;
	}
	request q = { .dir = RT_DOWNGRADE, .last_run = 1 };
	return execute(ctx, &q, err);
}

/*
 * See migrate.h: under the lock, the declared schema dc is loaded and the
 * heads stamped in one transaction (a stamp request with create_sql).
 */
int rt_create_stamp(rt_ctx *ctx, const rt_declared *dc, rt_error *err)
{
	static const char *const heads[] = { "heads" };
	request q = { .dir = RT_STAMP, .targets = heads, .ntargets = 1,
		      .create_sql = dc };
	return execute(ctx, &q, err);
}

/*
 * See retort.h.  --purge is online only (offline the rows to purge are
 * not known); with --sql a FROM:TO range goes with a single target.
 */
int rt_stamp(rt_ctx *ctx, const char *const *targets, size_t n, int purge,
	     rt_error *err)
{
	if (purge && ctx->out)
		return rt_fail(err, RT_EUSAGE, "purge cannot be used offline");
	if (n == 0)
		return rt_fail(err, RT_EUSAGE, "stamp needs at least one revision");
	if (rt_ctx_check_protected(ctx, "stamp", err) < 0)
		return -1;
	if (ctx->out && n > 1) {
		for (size_t i = 0; i < n; i++)
			if (strchr(targets[i], ':'))
				return rt_fail(err, RT_EUSAGE,
					       "offline, a range FROM:TO goes with a single stamp target");
	}
	request q = { .dir = RT_STAMP, .targets = targets, .ntargets = n,
		      .purge = purge };
	return execute(ctx, &q, err);
}
