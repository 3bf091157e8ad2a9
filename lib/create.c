/*
 * create.c - rt_create: fill an empty database from the declared schema
 * and stamp the heads.
 *
 * Above the schema diff (it checks that the declared schema is what the
 * migrations build) and above migrate.c (which runs the stamp).
 */
#include "internal.h"
#include "ctx_internal.h"
#include "migrate.h"

#include <string.h>

/*
 * The changes between the migrations at the heads and the declared
 * schema dc, as an error; 0 when there are none.
 */
static int check_declared(rt_ctx *ctx, const rt_declared *dc, rt_error *err)
{
	ctx->declared = dc;
	rt_diff d;
	int rc = rt_schema_diff_into(ctx, "migrations", "schema", &d, err);
	ctx->declared = NULL;
	if (rc < 0)
		return -1;
	size_t n = d.changes.n;
	if (n) {
		strbuf sb = STRBUF_INIT;
		for (size_t i = 0; i < n && i < 5; i++)
			rt_strbuf_addf(&sb, "\n  %s", d.changes.v[i]);
		if (n > 5)
			rt_strbuf_addf(&sb, "\n  ... (%zu in all)", n);
		rc = rt_fail(err, RT_EFAIL,
			"the declared schema and the migrations at the heads differ, so stamping the heads would be untrue:%s",
			sb.buf);
		rt_hint(err, "write the missing migration from the declared schema, or fix the declared schema");
		rt_fix_with(err, RT_FIX_AUTOGENERATE, NULL);
		rt_strbuf_release(&sb);
	}
	rt_diff_free(&d);
	return rc;
}

/*
 * See retort.h.  First the declared schema must equal what the migrations
 * build at the heads, since stamping the heads claims exactly that; then,
 * under the lock, the same schema text is loaded and the heads stamped in
 * one transaction.  The schema is read once (schema_command runs once),
 * so what was checked is what is loaded.
 */
int rt_create(rt_ctx *ctx, rt_error *err)
{
	if (ctx->out || ctx->dry_out || ctx->rehearse)
		return rt_fail(err, RT_EUSAGE, "create has no offline form, dry run or rehearsal; the declared schema itself is the SQL");
	if (rt_ctx_check_protected(ctx, "create", err) < 0)
		return -1;
	const rt_dialect *dl = rt_ctx_dialect(ctx, err);
	rt_declared dc;
	if (!dl || rt_declared_read(ctx, dl, &dc, err) < 0)
		return -1;
	int rc = check_declared(ctx, &dc, err);
	if (rc == 0)
		rc = rt_create_stamp(ctx, &dc, err);
	rt_declared_free(&dc);
	return rc;
}
