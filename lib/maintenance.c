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
#include "schema/source.h"
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
	if (!d || rt_ctx_check_protected(ctx, "seed", err) < 0 ||
	    rt_seed_read(ctx, cfg, name, &path, &text, &len, err) < 0)
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

/* The drop operations of a schema: the diff from it to nothing. */
static int drops_of(const rt_dialect *d, const sm_schema *s, sm_ops *out, rt_error *err)
{
	sm_schema *empty = rt_sm_new();
	int rc = d->diff(s, empty, NULL, out, err);
	rt_sm_free(empty);
	return rc;
}

/* The schema this project's migrations build at the database's revisions. */
static int migrations_at(rt_ctx *ctx, const rt_dialect *d, rt_conn *c,
			 sm_schema **out, rt_error *err)
{
	rt_state st;
	if (rt_read_state(ctx, c, 0, &st, err) < 0)
		return -1;
	strbuf spec = STRBUF_INIT;
	rt_strbuf_adds(&spec, "migrations:");
	for (size_t i = 0; i < st.rows.n; i++)
		rt_strbuf_addf(&spec, "%s%s", i ? "," : "", ctx->graph->revs[st.rows.v[i]]->id);
	if (!st.rows.n)
		rt_strbuf_adds(&spec, "base");
	rt_state_free(&st);
	int rc = rt_sm_source_load(ctx, d, ctx->cfg, spec.buf, out, err);
	rt_strbuf_release(&spec);
	return rc;
}

/*
 * Which operations of `all` (the drop of everything in the database) to
 * run: those whose object this project's migrations create -- the same
 * drop, named the same way, is in the drop of what the migrations build at
 * the database's revisions.  The rest (another project's tables in a
 * shared database, its version table, what was made by hand) is kept and
 * named in *kept.  What retort does not manage among the migrations'
 * objects would survive and break the upgrade after the drop: refused.
 */
static int select_ours(rt_ctx *ctx, const rt_dialect *d, rt_conn *c,
		       const sm_schema *now, const sm_ops *all, char *pick,
		       strbuf *kept, rt_error *err)
{
	sm_schema *ours = NULL;
	sm_ops mine = { 0 };
	int rc = migrations_at(ctx, d, c, &ours, err);
	if (rc == 0 && ours->nunsupported) {
		strbuf sb = STRBUF_INIT;
		for (size_t i = 0; i < ours->nunsupported; i++)
			rt_strbuf_addf(&sb, "%s%s", i ? ", " : "", ours->unsupported[i]);
		rc = rt_fail(err, RT_EFAIL,
			     "reset cannot drop what the migrations created: they create what retort does not manage: %s",
			     sb.buf);
		rt_hint(err, "drop those objects by hand (or write the missing downgrade sections), then run reset again; nothing was changed");
		rt_strbuf_release(&sb);
	}
	if (rc == 0)
		rc = drops_of(d, ours, &mine, err);
	for (size_t i = 0; rc == 0 && i < all->n; i++) {
		for (size_t j = 0; j < mine.n && !pick[i]; j++)
			pick[i] = !strcmp(all->v[i].what, mine.v[j].what);
		if (!pick[i])
			rt_strbuf_addf(kept, "%s%s", kept->len ? ", " : "",
				    strncmp(all->v[i].what, "drop ", 5) ? all->v[i].what : all->v[i].what + 5);
	}
	for (size_t i = 0; rc == 0 && i < now->nunsupported; i++)
		rt_strbuf_addf(kept, "%s%s", kept->len ? ", " : "", now->unsupported[i]);
	rt_sm_ops_free(&mine);
	rt_sm_free(ours);
	return rc;
}

/* Empty the version table (when there is one). */
static int empty_version_table(rt_ctx *ctx, const rt_dialect *d, rt_conn *c, rt_error *err)
{
	int exists = 0;
	const char *schema = NULL;
	int rc = rt_tables_schema(d, c, ctx->cfg, &schema, err);
	if (rc == 0)
		rc = d->table_exists(c, schema, ctx->cfg->version_table, &exists, err);
	if (rc == 0 && exists) {
		strbuf sb = STRBUF_INIT;
		rt_strbuf_adds(&sb, "DELETE FROM ");
		rt_table_name(d, schema, ctx->cfg->version_table, &sb);
		rc = d->exec(c, sb.buf, err);
		rt_strbuf_release(&sb);
	}
	return rc;
}

/*
 * When downgrades are missing: what this project's migrations created is
 * dropped (select_ours), the version table emptied and the reset recorded,
 * in one transaction under the migration lock.  Everything else in the
 * database stays, named in a notice: a database two projects share keeps
 * the other project's tables.
 */
static int drop_ours(rt_ctx *ctx, rt_error *err)
{
	const rt_dialect *d = rt_ctx_dialect(ctx, err);
	if (!d)
		return -1;
	int missing;
	rt_conn *c = d->connect(ctx->cfg, 0, &missing, err);
	if (!c)
		return -1;
	sm_schema *now = NULL;
	sm_ops all = { 0 };
	char *pick = NULL;
	strbuf kept = STRBUF_INIT;
	int rc = d->lock(c, ctx->cfg, ctx->on_event, ctx->event_ud, err);
	int locked = rc == 0;
	if (rc == 0)
		rc = d->introspect(c, ctx->cfg, &now, err);
	if (rc == 0)
		rc = drops_of(d, now, &all, err);
	if (rc == 0) {
		pick = rt_xcalloc(all.n ? all.n : 1, 1);
		rc = select_ours(ctx, d, c, now, &all, pick, &kept, err);
	}
	if (rc == 0)
		rc = d->begin(c, err);
	for (size_t i = 0; rc == 0 && i < all.n; i++)
		for (size_t j = 0; rc == 0 && pick[i] && j < all.v[i].sql.n; j++)
			if ((rc = d->exec(c, all.v[i].sql.v[j], err)) < 0)
				rt_hint(err, "nothing was changed (the drop runs in one transaction). reset drops only what this project's migrations created, without CASCADE, and keeps the rest%s%s%s: "
					"what it keeps may depend on what it drops (another project's foreign key); change that by hand, or write the downgrade sections the applied revisions lack",
					kept.len ? " (kept: " : "", kept.buf ? kept.buf : "", kept.len ? ")" : "");
	if (rc == 0)
		rc = empty_version_table(ctx, d, c, err);
	if (rc == 0)
		rc = record_reset(ctx, c, err);
	if (rc == 0)
		rc = d->commit(c, err);
	else
		d->rollback(c);
	if (rc == 0 && kept.len) {
		char *text = rt_xasprintf("kept what this project's migrations did not create: %s", kept.buf);
		rt_ctx_emit(ctx, RT_EV_NOTICE, NULL, 0, text);
		free(text);
	}
	if (locked)
		d->unlock(c);
	d->disconnect(c);
	rt_sm_ops_free(&all);
	rt_sm_free(now);
	free(pick);
	rt_strbuf_release(&kept);
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
	if (rt_ctx_check_protected(ctx, "reset", err) < 0)
		return -1;
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
			    "some applied revisions have no downgrade: dropping what the migrations created instead");
		rc = drop_ours(ctx, err);
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
