/*
 * autogen.c - revision --autogenerate: a migration from the database to
 * the declared schema, as Alembic's autogenerate (and Flask-Migrate's
 * `flask db migrate`) does, but from a plain schema.sql.
 */
#include "internal.h"
#include "ctx_internal.h"

#include <string.h>

/* The database must be at every head, or the new migration would redo or undo work. */
static int check_at_heads(rt_ctx *ctx, rt_error *err)
{
	rt_state st;
	if (rt_current_into(ctx, &st, err) < 0)
		return -1;
	int rc = rt_state_check(ctx->graph, &st, err);
	if (rc == 0) {
		rt_revset cur = { 0 };
		rt_state_heads(ctx->graph, &st, &cur);
		int same = cur.n == ctx->graph->nheads;
		for (size_t i = 0; same && i < ctx->graph->nheads; i++)
			same = rt_revset_has(&cur, ctx->graph->heads[i]);
		if (!same) {
			rc = rt_fail(err, RT_EFAIL, "Target database is not up to date: it is not at every head");
			rt_hint(err, "upgrade the database to heads first, so the new migration starts where the others end");
			rt_fix_with(err, RT_FIX_UPGRADE, "heads");
		}
		rt_revset_free(&cur);
	}
	rt_state_free(&st);
	return rc;
}

/*
 * See retort.h.  diff may always be given to rt_diff_free, and must be
 * when writing the file failed: it still holds the computed changes.
 */
int rt_autogenerate_into(rt_ctx *ctx, const rt_new_revision *nr, rt_diff *diff,
		    char **path, rt_error *err)
{
	*path = NULL;
	memset(diff, 0, sizeof(*diff));
	if (check_at_heads(ctx, err) < 0)
		return -1;
	if (rt_schema_diff_into(ctx, "database", "schema", diff, err) < 0)
		return -1;
	if (!diff->changes.n)
		return 0;
	rt_new_revision copy = *nr;
	copy.upgrade_sql = diff->upgrade_sql;
	copy.downgrade_sql = diff->downgrade_sql;
	return rt_revision_write(ctx->cfg, ctx->graph, &copy, path, err);
}
