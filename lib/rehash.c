/*
 * rehash.c - checksum repair (Flyway's `repair`): an applied migration
 * edited on purpose -- a comment reworded, SQL reformatted, a statement
 * that ran by hand written down -- makes verify fail until the database
 * records the file as it is now.  rehash writes that record: a history
 * row of direction 'rehash' with the old and the new checksum, which
 * verify then checks the file against.  Nothing else changes.
 */
#include "internal.h"
#include "checksum.h"
#include "ctx_internal.h"
#include "graph_internal.h"

#include <string.h>

void rt_rehash_report_free(rt_rehash_report *r)
{
	if (!r)
		return;
	int heap = r->heap;
	for (size_t i = 0; i < r->n; i++) {
		free(r->v[i].old_sum);
		free(r->v[i].new_sum);
	}
	free(r->v);
	memset(r, 0, sizeof(*r));
	if (heap)
		free(r);
}

/* Resolve every identifier to one revision, all before anything is written. */
static int resolve_all(const rt_graph *g, const char *const *idents, size_t n,
		       rt_revset *revs, rt_error *err)
{
	for (size_t i = 0; i < n; i++) {
		int r;
		if (rt_resolve_one(g, idents[i], NULL, &r, err) < 0)
			return -1;
		if (!rt_revset_has(revs, r))
			rt_revset_add(revs, r);
	}
	return 0;
}

/* Which revisions the database has applied: its rows and everything below them. */
static unsigned char *applied_of(const rt_graph *g, const rt_state *st)
{
	size_t n = g->nrevs ? g->nrevs : 1, cnt = 0;
	unsigned char *applied = rt_xcalloc(n, 1);
	int *order = rt_xmalloc(n * sizeof(int));
	rt_revset heads = { 0 };
	rt_state_heads(g, st, &heads);
	rt_graph_dfs_order(g, heads.v, heads.n, applied, order, &cnt);
	rt_revset_free(&heads);
	free(order);
	return applied;
}

/* Every revision must be applied: the checksum of one that never ran means nothing. */
static int check_applied(const rt_graph *g, const rt_state *st, const rt_revset *revs,
			 rt_error *err)
{
	unsigned char *applied = applied_of(g, st);
	int rc = 0;
	for (size_t i = 0; i < revs->n && rc == 0; i++) {
		int last = g->revs[revs->v[i]]->squash_last;
		if (applied[revs->v[i]] || (last >= 0 && applied[last]))
			continue; /* a squash beside its chain ran if its last revision is applied */
		const rt_revision *R = g->revs[revs->v[i]];
		rc = rt_fail_at(err, RT_EFAIL, R->path, 0,
				"revision %s is not applied: there is no recorded checksum to repair", R->id);
		rt_hint(err, "its checksum is recorded when it is applied; nothing was changed");
		rt_fix_with(err, RT_FIX_UPGRADE, R->id);
	}
	free(applied);
	return rc;
}

/* The history table, made as a migration run would (IF NOT EXISTS). */
static int ensure_history(const rt_ctx *ctx, const rt_dialect *d, rt_conn *c, rt_error *err)
{
	const char *schema;
	if (rt_tables_schema(d, c, ctx->cfg, &schema, err) < 0)
		return -1;
	char *history = rt_history_table(ctx->cfg);
	strbuf name = STRBUF_INIT, ddl = STRBUF_INIT;
	rt_table_name(d, schema, history, &name);
	d->history_table_ddl(&ddl, name.buf);
	int rc = d->exec(c, ddl.buf, err);
	rt_strbuf_release(&name);
	rt_strbuf_release(&ddl);
	free(history);
	return rc;
}

/* Under the lock, in one transaction: read the recorded sums, write a row per changed one. */
static int record(rt_ctx *ctx, const rt_dialect *d, rt_conn *c, const rt_revset *revs,
		  rt_rehash_report *out, rt_error *err)
{
	const rt_graph *g = ctx->graph;
	rt_state st;
	if (rt_read_state(ctx, c, 0, &st, err) < 0)
		return -1;
	int rc = rt_state_check(g, &st, err);
	if (rc == 0)
		rc = check_applied(g, &st, revs, err);
	rt_state_free(&st);
	rt_checksums sums = { 0 };
	if (rc == 0)
		rc = rt_read_checksums(ctx, d, c, &sums, err);
	/* before the transaction: where DDL commits (MySQL) it would end it */
	if (rc == 0)
		rc = ensure_history(ctx, d, c, err);
	if (rc == 0)
		rc = d->begin(c, err);
	int in_tx = rc == 0;
	for (size_t i = 0; rc == 0 && i < revs->n; i++) {
		const rt_revision *R = g->revs[revs->v[i]];
		out->v = rt_xrealloc(out->v, (out->n + 1) * sizeof(*out->v));
		rt_rehash_result *res = &out->v[out->n++];
		memset(res, 0, sizeof(*res));
		res->rev = revs->v[i];
		res->old_sum = rt_xstrdup_or_null(sums.sums[revs->v[i]]);
		res->new_sum = rt_checksum(R, d->lex);
		/* the recorded sum still holds by its own algorithm: nothing to repair */
		char *now = res->old_sum ? rt_checksum_as(R, d->lex, res->old_sum) : NULL;
		res->changed = !now || strcmp(now, res->old_sum);
		free(now);
		if (!res->changed)
			continue;
		rt_history_row row = { .revision = R->id, .direction = "rehash",
				       .from = res->old_sum, .to = res->new_sum,
				       .checksum = res->new_sum };
		rc = rt_history_insert(ctx, d, c, &row, err);
	}
	if (rc == 0 && in_tx)
		rc = d->commit(c, err);
	else if (in_tx)
		d->rollback(c);
	rt_checksums_free(&sums);
	return rc;
}

/*
 * See retort.h.  All or nothing: every identifier is resolved and every
 * revision checked to be applied before the one transaction that writes
 * the rows, under the migration lock so no migration runs meanwhile.
 */
int rt_rehash_into(rt_ctx *ctx, const char *const *idents, size_t n, rt_rehash_report *out,
		   rt_error *err)
{
	memset(out, 0, sizeof(*out));
	if (rt_ctx_need_sql(ctx, err) < 0)
		return -1;
	if (!n)
		return rt_fail(err, RT_EUSAGE, "rehash needs the revisions whose files were edited on purpose");
	if (ctx->out)
		return rt_fail(err, RT_EUSAGE, "rehash has no --sql form");
	rt_revset revs = { 0 };
	int rc = resolve_all(ctx->graph, idents, n, &revs, err);
	const rt_dialect *d = rc == 0 ? rt_ctx_dialect(ctx, err) : NULL;
	if (!d) {
		rt_revset_free(&revs);
		return -1;
	}
	int missing;
	rt_conn *c = d->connect(ctx->cfg, 1, &missing, err);
	if (!c) {
		rt_revset_free(&revs);
		if (!missing)
			return -1;
		return rt_fail(err, RT_EFAIL, "the database does not exist yet: no revision is applied, so there is no checksum to repair");
	}
	d->disconnect(c);
	c = d->connect(ctx->cfg, 0, &missing, err);
	rc = c ? d->lock(c, ctx->cfg, ctx->on_event, ctx->event_ud, err) : -1;
	if (rc == 0) {
		rc = record(ctx, d, c, &revs, out, err);
		d->unlock(c);
	}
	if (c)
		d->disconnect(c);
	rt_revset_free(&revs);
	if (rc < 0)
		rt_rehash_report_free(out);
	return rc;
}
