/*
 * maintenance.c - what teams otherwise script around their migrations:
 * seed data, and starting a development database over (backups are in
 * backup.c, below migrate.c, which backs up before a run).
 */
#include "internal.h"
#include "ctx_internal.h"
#include "placeholder.h"
#include "runner.h"
#include "schema/model.h"
#include "schema/ops.h"
#include "util/fs.h"

#include <string.h>
#include <time.h>
#include <unistd.h>


/* The seed names that exist, for the message when one does not. */
static void list_seeds(const rt_config *cfg, strbuf *sb)
{
	rt_strlist names = { 0 };
	rt_error e = { 0 };
	if (rt_fs_list_dir(cfg->seed_location, ".sql", &names, &e) == 0)
		for (size_t i = 0; i < names.n; i++)
			rt_strbuf_addf(sb, "%s%.*s", i ? ", " : "",
				    (int)(strlen(names.v[i]) - 4), names.v[i]);
	rt_error_clear(&e);
	rt_strlist_free(&names);
}

/* See ctx_internal.h: placeholders, the dialect's splitter, one transaction. */
int rt_seed_run(rt_ctx *ctx, const rt_dialect *d, rt_conn *c, const rt_config *cfg,
		const char *path, const char *text, size_t len, rt_error *err)
{
	strbuf sql = STRBUF_INIT;
	rt_stmtlist stmts = { 0 };
	int rc = rt_placeholders_apply(cfg, text, len, d->lex, path, 1, &sql, err);
	if (rc == 0)
		rt_run_placeholder_warnings(ctx, cfg, d, text, len, path, 1);
	if (rc == 0)
		rc = d->split(rt_strbuf_str(&sql), sql.len, 1, path, &stmts, err);
	if (rc == 0)
		rc = d->begin(c, err);
	for (size_t i = 0; rc == 0 && i < stmts.n; i++)
		rc = d->exec_stmt(c, &stmts.v[i], path, err);
	if (rc == 0)
		rc = d->commit(c, err);
	else
		d->rollback(c);
	if (rc < 0 && err->code == RT_ESQL)
		rt_hint(err, "the seed ran in one transaction: nothing of it was kept");
	rt_stmtlist_free(&stmts);
	rt_strbuf_release(&sql);
	return rc;
}

/*
 * See ctx_internal.h.  A name with '/' is refused: seeds come from
 * seed_location only (or, for an embedded project, from what it embeds).
 */
int rt_seed_read(const rt_ctx *ctx, const rt_config *cfg, const char *name, char **path_out,
		 char **text_out, size_t *len_out, rt_error *err)
{
	if (!*name || strchr(name, '/'))
		return rt_fail(err, RT_EUSAGE, "'%s' is not a seed name", name);
	const rt_embedded_file *emb = ctx->embedded ? rt_embedded_seed(ctx->embedded, name) : NULL;
	char *file = rt_xasprintf("%s.sql", name);
	char *path = emb ? rt_xstrdup(emb->path) : rt_fs_join(cfg->seed_location, file);
	free(file);
	char *text = NULL;
	size_t len = 0;
	if (ctx->embedded && !emb) {
		rt_fail(err, RT_EUSAGE, "no seed named '%s' is embedded", name);
		goto fail;
	}
	if (!emb && !rt_fs_exists(path)) {
		strbuf have = STRBUF_INIT;
		list_seeds(cfg, &have);
		rt_fail_at(err, RT_EUSAGE, path, 0, "no seed named '%s'", name);
		rt_hint(err, have.len ? "seeds here: %s" : "seeds are files NAME.sql in %s", have.len ? have.buf : cfg->seed_location);
		rt_strbuf_release(&have);
		goto fail;
	}
	if (emb) {
		text = rt_xstrndup(emb->data, emb->len);
		len = emb->len;
	} else if (rt_fs_read_file(path, &text, &len, err) < 0) {
		goto fail;
	}
	*path_out = path;
	*text_out = text;
	*len_out = len;
	return 0;
fail:
	free(path);
	return -1;
}

/*
 * See retort.h.  Under the migration lock, so a seed never runs alongside
 * a migration of the same database.
 */
int rt_seed(rt_ctx *ctx, const char *name, rt_error *err)
{
	const rt_config *cfg = ctx->cfg;
	const rt_dialect *d = rt_ctx_dialect(ctx, err);
	char *path, *text;
	size_t len;
	if (!d || rt_seed_read(ctx, cfg, name, &path, &text, &len, err) < 0)
		return -1;
	int missing, rc = -1;
	rt_conn *c = d->connect(cfg, 0, &missing, err);
	if (c) {
		rc = d->lock(c, cfg, ctx->on_event, ctx->event_ud, err);
		if (rc == 0) {
			rc = rt_seed_run(ctx, d, c, cfg, path, text, len, err);
			d->unlock(c);
		}
		d->disconnect(c);
	}
	free(text);
	free(path);
	return rc;
}

/* Do all applied revisions have a downgrade section? */
static int downgrades_complete(const rt_graph *g, const rt_state *st)
{
	size_t n = g->nrevs;
	unsigned char *seen = rt_xcalloc(n ? n : 1, 1);
	int *stack = rt_xmalloc((n ? n : 1) * sizeof(int));
	size_t sp = 0;
	int ok = 1;
	for (size_t i = 0; i < st->rows.n; i++)
		if (!seen[st->rows.v[i]]) {
			seen[st->rows.v[i]] = 1;
			stack[sp++] = st->rows.v[i];
		}
	while (sp && ok) {
		const rt_revision *r = g->revs[stack[--sp]];
		ok = r->downgrade.present;
		for (int j = 0; j < r->nparents + r->ndeps; j++) {
			int p = j < r->nparents ? r->parents[j] : r->deps[j - r->nparents];
			if (!seen[p]) {
				seen[p] = 1;
				stack[sp++] = p;
			}
		}
	}
	free(seen);
	free(stack);
	return ok;
}

/* A row in the history table saying the database was wiped (when there is one). */
static int record_reset(rt_ctx *ctx, rt_conn *c, rt_error *err)
{
	const rt_dialect *d = rt_conn_dialect(c);
	char *history = rt_history_table(ctx->cfg);
	int exists = 0;
	const char *schema;
	int rc = rt_tables_schema(d, c, ctx->cfg, &schema, err);
	if (rc == 0)
		rc = d->table_exists(c, schema, history, &exists, err);
	free(history);
	if (rc == 0 && exists) {
		rt_history_row row = { .direction = "reset", .to = "" };
		rc = rt_history_insert(ctx, d, c, &row, err);
	}
	return rc;
}

/*
 * When downgrades are missing: every object of the database dropped (the
 * schema diff from it to nothing) and the version table emptied, in one
 * transaction.
 */
static int drop_everything(rt_ctx *ctx, rt_error *err)
{
	const rt_dialect *d = rt_ctx_dialect(ctx, err);
	if (!d)
		return -1;
	int missing;
	rt_conn *c = d->connect(ctx->cfg, 0, &missing, err);
	if (!c)
		return -1;
	sm_schema *now = NULL, *empty = rt_sm_new();
	sm_ops ops = { 0 };
	int rc = d->lock(c, ctx->cfg, ctx->on_event, ctx->event_ud, err);
	int locked = rc == 0;
	if (rc == 0)
		rc = d->introspect(c, ctx->cfg, &now, err);
	if (rc == 0 && now->nunsupported) {
		/* What the model cannot hold would survive the drop and break the upgrade after it. */
		strbuf sb = STRBUF_INIT;
		for (size_t i = 0; i < now->nunsupported; i++)
			rt_strbuf_addf(&sb, "%s%s", i ? ", " : "", now->unsupported[i]);
		rc = rt_fail(err, RT_EFAIL,
			     "reset cannot drop everything: the database holds what retort does not manage: %s",
			     sb.buf);
		rt_hint(err, "drop those objects by hand (or write the missing downgrade sections), then run reset again; nothing was changed");
		rt_strbuf_release(&sb);
	}
	if (rc == 0)
		rc = d->diff(now, empty, NULL, &ops, err);
	if (rc == 0)
		rc = d->begin(c, err);
	for (size_t i = 0; rc == 0 && i < ops.n; i++)
		for (size_t j = 0; rc == 0 && j < ops.v[i].sql.n; j++)
			rc = d->exec(c, ops.v[i].sql.v[j], err);
	int exists = 0;
	const char *schema = NULL;
	if (rc == 0)
		rc = rt_tables_schema(d, c, ctx->cfg, &schema, err);
	if (rc == 0)
		rc = d->table_exists(c, schema, ctx->cfg->version_table, &exists, err);
	if (rc == 0 && exists) {
		strbuf sb = STRBUF_INIT;
		rt_strbuf_adds(&sb, "DELETE FROM ");
		rt_table_name(d, schema, ctx->cfg->version_table, &sb);
		rc = d->exec(c, sb.buf, err);
		rt_strbuf_release(&sb);
	}
	if (rc == 0)
		rc = record_reset(ctx, c, err);
	if (rc == 0)
		rc = d->commit(c, err);
	else
		d->rollback(c);
	if (locked)
		d->unlock(c);
	d->disconnect(c);
	rt_sm_ops_free(&ops);
	rt_sm_free(now);
	rt_sm_free(empty);
	return rc;
}

/*
 * See retort.h.  Whether the applied revisions (and everything below
 * them) all have downgrades is decided from a state read before any lock
 * is taken.  Each stage -- down or drop, up, every seed -- locks and
 * commits on its own, so a failure leaves the database after the last
 * stage that succeeded.
 */
int rt_reset(rt_ctx *ctx, rt_error *err)
{
	if (ctx->cfg->protected_env) {
		rt_fail(err, RT_EUSAGE, "environment '%s' is marked protected: reset refuses to run there",
			ctx->cfg->env ? ctx->cfg->env : "(default)");
		rt_hint(err, "reset is for development databases; protected = true in retort.ini marks the ones it must never touch");
		return -1;
	}
	rt_state st;
	if (rt_current_into(ctx, &st, err) < 0)
		return -1;
	int rc = rt_state_check(ctx->graph, &st, err);
	int complete = rc == 0 && downgrades_complete(ctx->graph, &st);
	rt_state_free(&st);
	if (rc < 0)
		return -1;
	if (complete)
		rc = rt_downgrade(ctx, "base", err);
	else {
		rt_ctx_emit(ctx, RT_EV_NOTICE, NULL, 0,
			    "some applied revisions have no downgrade: dropping every object instead");
		rc = drop_everything(ctx, err);
	}
	if (rc == 0)
		rc = rt_upgrade(ctx, "heads", err);
	for (size_t i = 0; rc == 0 && i < ctx->cfg->nseeds; i++) {
		char *msg = rt_xasprintf("seed %s", ctx->cfg->seeds[i]);
		rt_ctx_emit(ctx, RT_EV_NOTICE, NULL, 0, msg);
		free(msg);
		rc = rt_seed(ctx, ctx->cfg->seeds[i], err);
	}
	return rc;
}
