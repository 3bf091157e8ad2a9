/*
 * migtest.c - retort test: does every revision come undone?
 *
 * In a scratch database each selected revision, in upgrade order, is
 * applied, reverted and applied again, and the schema after the revert is
 * compared with the schema before the apply.  What projects write by hand
 * as "up, down, up" scripts in CI, and what Atlas's `migrate test` does.
 *
 * The comparison has two paths.  The fast one needs the dialect's
 * fingerprint (a cheap text of the catalog, equal only for equal schemas)
 * and a revision whose sections both run in a transaction: the apply and
 * the revert run in one held transaction, and when the fingerprint after
 * them equals the one before, the revision passes with no model built.
 * Anything else -- a different fingerprint, a failure, a section outside
 * a transaction, a dialect without fingerprints -- rolls the held
 * transaction back and takes the literal path: schema models before and
 * after, every step committed on its own.  So the fast path only ever
 * confirms a pass; every failure is found and described by the slow one.
 * The fingerprint of the committed state is kept from one revision to the
 * next: the apply again runs in a held transaction too, and the
 * fingerprint is brought up to date in it before it commits, so the
 * dialect reads again only what that transaction wrote (PostgreSQL: the
 * catalogs it wrote, not all sixty, whose rows grow with every revision;
 * or only its statistics counters, when they are exact).
 */
#include "runner.h"
#include "schema/model.h"
#include "schema/ops.h"

#include <string.h>

typedef struct tester {
	rt_ctx *ctx;           /* the caller's */
	rt_ctx *sub;           /* on the scratch database, sharing ctx's graph */
	rt_config *scfg;
	char *url;             /* the scratch database */
	rt_conn *conn;
	run r;
	rt_state st;           /* the scratch database's version rows */
	strbuf fp;             /* fingerprint of the committed state, when fp_ok */
	int fp_ok;
	sm_schema *model;      /* model of the committed state, or NULL */
	rt_test_report *out;
} tester;

/* The version rows as the last plan left them (the run's expected rows). */
static void state_from_run(tester *t)
{
	t->st.rows.n = 0;
	for (size_t i = 0; i < t->r.expected.n; i++) {
		int rev = rt_graph_find(t->r.g, t->r.expected.v[i]);
		if (rev >= 0)
			rt_revset_add(&t->st.rows, rev);
	}
	t->st.exists = 1;
}

static void copy_rows(rt_revset *to, const rt_revset *from)
{
	to->n = 0;
	for (size_t i = 0; i < from->n; i++)
		rt_revset_add(to, from->v[i]);
}

/*
 * Run a plan on the scratch connection: committed step by step, or with
 * hold all in one transaction left open.  The state follows on success.
 */
static int run_plan(tester *t, rt_plan *plan, int hold, rt_error *err)
{
	t->scfg->transaction_per_migration = !hold;
	t->r.hold = hold;
	rt_run_start_state(&t->r, &t->st);
	int rc = rt_run_plan(&t->r, plan, err);
	if (rc == 0)
		state_from_run(t);
	rt_plan_free(plan);
	return rc;
}

/* Apply revs (and whatever they need) in one transaction. */
static int upgrade_to(tester *t, const rt_revset *revs, int hold, rt_error *err)
{
	rt_target target = { 0 };
	copy_rows(&target.revs, revs);
	rt_plan plan;
	int rc = rt_plan_upgrade(t->r.g, &t->st, &target, &plan, err);
	rt_target_free(&target);
	return rc < 0 ? -1 : run_plan(t, &plan, hold, err);
}

static int upgrade_one(tester *t, int rev, int hold, rt_error *err)
{
	rt_revset one = { 0 };
	rt_revset_add(&one, rev);
	int rc = upgrade_to(t, &one, hold, err);
	rt_revset_free(&one);
	return rc;
}

static int downgrade_one(tester *t, int rev, int hold, rt_error *err)
{
	rt_plan plan;
	if (rt_plan_downgrade_one(t->r.g, &t->st, rev, &plan, err) < 0)
		return -1;
	return run_plan(t, &plan, hold, err);
}

/* The committed state changed: what was known of its schema is stale. */
static void forget_schema(tester *t)
{
	t->fp_ok = 0;
	rt_strbuf_reset(&t->fp);
	rt_sm_free(t->model);
	t->model = NULL;
}

/* See dialect.h: sb holds the fingerprint the open transaction started from, or nothing. */
static int fingerprint(tester *t, rt_fp_when when, strbuf *sb, rt_error *err)
{
	return t->r.d->fingerprint(t->conn, t->scfg, when, sb, err);
}

static rt_test_result *add_result(tester *t, int rev)
{
	rt_test_report *o = t->out;
	o->v = rt_xrealloc(o->v, (o->n + 1) * sizeof(*o->v));
	rt_test_result *res = &o->v[o->n++];
	memset(res, 0, sizeof(*res));
	res->rev = rev;
	res->ok = 1;
	return res;
}

/* Mark a result failed at stage, with err's text ("file:line: message"); err is cleared. */
static void failed(tester *t, rt_test_result *res, const char *stage, rt_error *err)
{
	strbuf sb = STRBUF_INIT;
	if (res->message)
		rt_strbuf_addf(&sb, "%s; then ", res->message);
	rt_error_format_location(&sb, err);
	free(res->message);
	res->message = rt_strbuf_detach(&sb);
	if (res->ok)
		t->out->failed++;
	res->ok = 0;
	if (!res->stage)
		res->stage = stage;
	rt_error_clear(err);
}

/*
 * Do what the downgrade missed, so the revisions after this one are
 * tested from the schema they expect.  When that fails the revision's
 * apply-again fails next, and says why.
 */
static void restore(tester *t, const sm_ops *ops)
{
	const rt_dialect *d = t->r.d;
	rt_error e = { 0 };
	int rc = d->begin(t->conn, &e);
	for (size_t i = 0; rc == 0 && i < ops->n; i++)
		for (size_t j = 0; rc == 0 && j < ops->v[i].sql.n; j++)
			rc = d->exec(t->conn, ops->v[i].sql.v[j], &e);
	if (rc == 0)
		rc = d->commit(t->conn, &e);
	else
		d->rollback(t->conn);
	rt_error_clear(&e);
}

/*
 * Compare the schema after the revert (read now) with the one before the
 * apply: what turns the one into the other is what the downgrade missed.
 */
static int compare_models(tester *t, const sm_schema *before, rt_test_result *res,
			  rt_error *err)
{
	sm_schema *after;
	if (t->r.d->introspect(t->conn, t->scfg, &after, err) < 0)
		return -1;
	sm_ops ops = { 0 };
	sm_diff_opts opts = { .column_order_strict = t->scfg->column_order_strict };
	int rc = t->r.d->diff(after, before, &opts, &ops, err);
	size_t n = 0;
	for (size_t i = 0; rc == 0 && i < ops.n; i++)
		if (!ops.v[i].check_only) {
			rt_strlist_push(&res->changes, ops.v[i].what);
			n++;
		}
	if (rc == 0 && n) {
		res->restore_sql = rt_sm_ops_render(t->r.d, &ops, NULL, "upgrade");
		res->ok = 0;
		res->stage = "schema";
		res->message = rt_xasprintf("%s: the downgrade does not restore the schema from before the upgrade (%zu difference%s)",
					    t->r.g->revs[res->rev]->path, n, n == 1 ? "" : "s");
		t->out->failed++;
		restore(t, &ops);
	}
	rt_sm_ops_free(&ops);
	rt_sm_free(after);
	return rc;
}

enum { GO_ON = 0, STOP = 1, BROKEN = -1 };

/*
 * The literal test of one revision, every step committed: model before,
 * apply, revert, model after and compare, apply again.  Returns STOP when
 * the revision is not applied afterwards (what needs it cannot run),
 * BROKEN when the scratch database itself fails.
 */
static int slow_path(tester *t, int rev, rt_test_result *res, rt_error *err)
{
	const rt_revision *R = t->r.g->revs[rev];
	if (!t->model && t->r.d->introspect(t->conn, t->scfg, &t->model, err) < 0)
		return BROKEN;
	sm_schema *before = t->model;
	t->model = NULL;
	forget_schema(t);
	int rc = GO_ON;
	if (upgrade_one(t, rev, 0, err) < 0) {
		failed(t, res, "upgrade", err);
		t->out->stopped = 1;
		rc = STOP;
	} else if (downgrade_one(t, rev, 0, err) < 0) {
		/*
		 * Nothing ran (no section) or it rolled back: the revision
		 * stays applied and the test goes on.  A section outside a
		 * transaction may have run in part: what follows is unknown.
		 */
		failed(t, res, "downgrade", err);
		if (R->downgrade.present && (!R->downgrade.transactional || R->downgrade.batch)) {
			t->out->stopped = 1;
			rc = STOP;
		}
	} else if (compare_models(t, before, res, err) < 0) {
		rc = BROKEN;
	} else if (upgrade_one(t, rev, 0, err) < 0) {
		failed(t, res, "upgrade again", err);
		t->out->stopped = 1;
		rc = STOP;
	}
	rt_sm_free(before);
	return rc;
}

/* Can the fast path try rev: fingerprints, and both sections in a transaction? */
static int fast_path_fits(const tester *t, const rt_revision *R)
{
	return t->r.d->fingerprint && R->downgrade.present &&
	       R->upgrade.transactional && !R->upgrade.batch &&
	       R->downgrade.transactional && !R->downgrade.batch;
}

/*
 * Apply and revert in one held transaction; 1 when the fingerprint after
 * equals the one before (the revision passes its round trip; what is
 * left is to apply it again), 0 when the slow path must decide (the
 * transaction was rolled back).
 */
static int fast_path(tester *t, int rev, rt_error *err)
{
	if (!t->fp_ok) {
		rt_strbuf_reset(&t->fp);
		if (fingerprint(t, RT_FP_NOW, &t->fp, err) < 0)
			return -1;
		t->fp_ok = 1;
	}
	rt_revset saved = { 0 };
	copy_rows(&saved, &t->st.rows);
	strbuf after = STRBUF_INIT;
	rt_strbuf_adds(&after, rt_strbuf_str(&t->fp));
	rt_error e = { 0 };
	int same = upgrade_one(t, rev, 1, &e) == 0 && downgrade_one(t, rev, 1, &e) == 0 &&
		   fingerprint(t, RT_FP_NOW, &after, &e) == 0 &&
		   !strcmp(rt_strbuf_str(&after), rt_strbuf_str(&t->fp));
	rt_error_clear(&e);
	int rc = rt_run_end(&t->r, same, err) < 0 ? -1 : same;
	if (!same)
		copy_rows(&t->st.rows, &saved);
	rt_revset_free(&saved);
	rt_strbuf_release(&after);
	return rc;
}

/*
 * Apply rev again after the fast path passed it, committed, with the
 * fingerprint brought up to date in its transaction before the commit:
 * the dialect is told when the transaction begins, before the apply, and
 * asked for the text of the state it commits after.  When the fingerprint
 * fails, the apply is rolled back and done again with it forgotten.
 */
static int apply_again(tester *t, int rev, rt_error *err)
{
	rt_sm_free(t->model);
	t->model = NULL;
	rt_revset saved = { 0 };
	copy_rows(&saved, &t->st.rows);
	rt_error e = { 0 };
	/* the run takes the transaction opened here for the apply */
	int rc = rt_run_begin(&t->r, &e) == 0 && fingerprint(t, RT_FP_BEGIN, &t->fp, &e) == 0 ? 0 : -1;
	if (rc == 0) {
		if (upgrade_one(t, rev, 1, err) < 0) {
			rt_revset_free(&saved);
			forget_schema(t);
			return -1;
		}
		rc = fingerprint(t, RT_FP_COMMIT, &t->fp, &e);
	}
	if (rc == 0) {
		rt_revset_free(&saved);
		if (rt_run_end(&t->r, 1, err) == 0)
			return 0;
		forget_schema(t);
		return -1;
	}
	rt_error_clear(&e);
	rt_run_end(&t->r, 0, NULL);
	copy_rows(&t->st.rows, &saved);
	rt_revset_free(&saved);
	forget_schema(t);
	return upgrade_one(t, rev, 0, err);
}

/* Test one revision: fast path when it fits, else (or when it is unsure) the slow one. */
static int test_one(tester *t, int rev, rt_error *err)
{
	rt_test_result *res = add_result(t, rev);
	if (fast_path_fits(t, t->r.g->revs[rev])) {
		int fast = fast_path(t, rev, err);
		if (fast < 0)
			return BROKEN;
		if (fast) {
			if (apply_again(t, rev, err) < 0) {
				failed(t, res, "upgrade again", err);
				t->out->stopped = 1;
				return STOP;
			}
			return GO_ON;
		}
	}
	int rc = slow_path(t, rev, res, err);
	forget_schema(t);
	return rc;
}

/* Marks over the graph: which revisions to test, and which the test needs applied. */
static unsigned char *needed_set(const rt_graph *g, const unsigned char *selected)
{
	unsigned char *need = rt_xcalloc(g->nrevs ? g->nrevs : 1, 1);
	for (size_t k = g->nrevs; k-- > 0;) {
		int r = g->order[k];
		if (!selected[r] && !need[r])
			continue;
		need[r] = 1;
		const rt_revision *R = g->revs[r];
		for (int j = 0; j < R->nparents; j++)
			need[R->parents[j]] = 1;
		for (int j = 0; j < R->ndeps; j++)
			need[R->deps[j]] = 1;
	}
	return need;
}

/* Load the seed on the state reached, before the first revision tested. */
static int load_seed(tester *t, const char *name, int before, rt_error *err)
{
	char *path, *text;
	size_t len;
	if (rt_seed_read(t->ctx, t->scfg, name, &path, &text, &len, err) < 0)
		return -1;
	int rc = rt_seed_run(t->ctx, t->r.d, t->conn, t->scfg, path, text, len, err);
	free(text);
	if (rc < 0) {
		char *m = err->message;
		err->message = rt_xasprintf("seed %s failed on the schema before revision %s: %s",
					    name, t->r.g->revs[before]->id, m);
		free(m);
		rt_hint(err, "a seed fits the schema where the test starts: test a range that starts after the tables it fills exist, e.g. retort test --seed %s <first revision to test>:heads",
			name);
	}
	free(path);
	forget_schema(t);
	return rc;
}

/*
 * Walk the graph's order: revisions needed but not selected are applied
 * (in batches, one transaction each), selected ones are tested.
 */
static int walk(tester *t, const unsigned char *selected, const char *seed,
		rt_error *err)
{
	const rt_graph *g = t->r.g;
	unsigned char *need = needed_set(g, selected);
	rt_revset pending = { 0 };
	int rc = GO_ON, seeded = !seed;
	for (size_t k = 0; k < g->nrevs && rc == GO_ON; k++) {
		int r = g->order[k];
		if (!need[r] || g->revs[r]->squash_last >= 0)
			continue; /* a squash beside its chain: verify compares it with the chain */
		if (!selected[r]) {
			rt_revset_add(&pending, r);
			continue;
		}
		if (pending.n) {
			if (upgrade_to(t, &pending, 0, err) < 0) {
				rc = BROKEN;
				break;
			}
			t->out->applied += pending.n;
			pending.n = 0;
			forget_schema(t);
		}
		if (!seeded) {
			seeded = 1;
			if (load_seed(t, seed, r, err) < 0) {
				rc = BROKEN;
				break;
			}
		}
		rc = test_one(t, r, err);
	}
	rt_revset_free(&pending);
	free(need);
	return rc == BROKEN ? -1 : 0;
}

/* Make the scratch database and a run on it: a connection, the migration tables' names. */
static int open_scratch(tester *t, rt_error *err)
{
	const rt_dialect *d = rt_ctx_dialect(t->ctx, err);
	if (!d)
		return -1;
	if (!d->scratch_create || !d->introspect || !d->diff)
		return rt_fail(err, RT_EFAIL, "test is not available for %s", d->name);
	if (d->scratch_create(t->ctx->cfg, &t->url, err) < 0)
		return -1;
	t->scfg = rt_config_clone(t->ctx->cfg);
	free(t->scfg->url);
	t->scfg->url = rt_xstrdup(t->url);
	t->scfg->scratch = 1;
	t->sub = rt_ctx_borrow(t->ctx, t->scfg, d);
	if (rt_run_init(&t->r, t->sub, RT_UPGRADE, err) < 0)
		return -1;
	int missing;
	t->conn = d->connect(t->scfg, 0, &missing, err);
	if (!t->conn)
		return -1;
	t->r.conn = t->conn;
	if (rt_run_table_names(&t->r, err) < 0)
		return -1;
	t->st.exists = 1;
	/* made now, so they are part of every fingerprint alike */
	return rt_run_make_tables(&t->r, err);
}

static void close_scratch(tester *t)
{
	if (t->conn) {
		rt_run_end(&t->r, 0, NULL);
		t->r.d->disconnect(t->conn);
	}
	if (t->r.d)
		rt_run_release(&t->r);
	if (t->url) {
		const rt_dialect *d = rt_ctx_dialect(t->ctx, NULL);
		if (d)
			d->scratch_drop(t->ctx->cfg, t->url);
	}
	rt_ctx_close(t->sub);
	rt_config_free(t->scfg);
	free(t->url);
	rt_state_free(&t->st);
	rt_strbuf_release(&t->fp);
	rt_sm_free(t->model);
}

int rt_test_into(rt_ctx *ctx, const char *const *idents, size_t n, const char *seed,
		 rt_test_report *out, rt_error *err)
{
	memset(out, 0, sizeof(*out));
	if (rt_ctx_need_sql(ctx, err) < 0)
		return -1;
	const rt_graph *g = ctx->graph;
	unsigned char *selected = rt_xcalloc(g->nrevs ? g->nrevs : 1, 1);
	if (rt_select_revisions(g, idents, n, selected, err) < 0) {
		free(selected);
		return -1;
	}
	tester t = { .ctx = ctx, .out = out };
	int rc = open_scratch(&t, err);
	if (rc == 0)
		rc = walk(&t, selected, seed, err);
	close_scratch(&t);
	free(selected);
	if (rc < 0)
		rt_test_report_free(out);
	return rc;
}

void rt_test_report_free(rt_test_report *r)
{
	if (!r)
		return;
	int heap = r->heap;
	for (size_t i = 0; i < r->n; i++) {
		free(r->v[i].message);
		rt_strlist_free(&r->v[i].changes);
		free(r->v[i].restore_sql);
	}
	free(r->v);
	memset(r, 0, sizeof(*r));
	if (heap)
		free(r);
}
