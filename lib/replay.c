/*
 * replay.c - migrations replayed into a scratch database.
 *
 * The schema side (schema/source.c) builds the schema of migrations[:REV]
 * by running the migrations in a database of its own and reading it back.
 * That run is the runner's (runner.c), as for upgrade, but none of
 * upgrade's checks apply: the database is new and private (no lock, no
 * partly applied revision, no backup, no run id) and the targets are ids
 * already resolved.  Being below both migrate.c and schema/, it keeps the
 * flow one way: the schema side never calls up into the operations that
 * use the schema diff.
 */
#include "replay.h"
#include "runner.h"

#include <string.h>

/* Plan the upgrade from the database's state to rev, and run it. */
static int replay_one(run *r, const char *rev, rt_error *err)
{
	rt_state st;
	if (rt_read_state(r->ctx, r->conn, 0, &st, err) < 0)
		return -1;
	r->version_ready = st.exists;
	rt_run_start_state(r, &st);
	rt_target t;
	int rc = rt_resolve_into(r->g, rev, &st, &t, err);
	if (rc == 0) {
		rt_plan plan = { 0 };
		rt_target_unsquash(r->g, &t.revs);
		rc = rt_plan_upgrade(r->g, &st, &t, &plan, err);
		if (rc == 0)
			rc = rt_steps_read(r, &plan, err);
		if (rc == 0)
			rc = rt_run_plan(r, &plan, err);
		rt_plan_free(&plan);
		rt_target_free(&t);
	}
	rt_state_free(&st);
	return rc;
}

/* See replay.h. */
int rt_replay(const rt_ctx *ctx, const rt_dialect *d, const rt_config *scfg,
	      const char *revs, rt_error *err)
{
	rt_ctx *sub = rt_ctx_borrow(ctx, scfg, d);
	run r;
	int missing;
	int rc = rt_run_init(&r, sub, RT_UPGRADE, err);
	if (rc == 0)
		rc = (r.conn = d->connect(scfg, 0, &missing, err)) ? 0 : -1;
	if (rc == 0)
		rc = rt_run_table_names(&r, err);
	char *list = rt_xstrdup(revs), *save = NULL;
	for (char *tok = strtok_r(list, ",", &save); tok && rc == 0; tok = strtok_r(NULL, ",", &save))
		rc = replay_one(&r, tok, err);
	free(list);
	if (r.conn)
		d->disconnect(r.conn);
	rt_run_release(&r);
	rt_ctx_close(sub);
	if (rc < 0 && err->message) {
		char *m = err->message;
		err->message = rt_xasprintf("replaying the migrations into a scratch database: %s", m);
		free(m);
	}
	return rc;
}
