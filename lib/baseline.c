/*
 * baseline.c - a database's schema as SQL: baseline (adopt a database
 * made without retort: a first revision that creates what it holds, and
 * the database stamped at it) and dump-schema (its schema for review, in
 * a stable order).  Both read the database's catalog, as diff does.
 */
#include "internal.h"
#include "ctx_internal.h"
#include "schema/model.h"
#include "schema/ops.h"
#include "schema/source.h"
#include "util/fs.h"

#include <string.h>

/* The database's schema and the operations that build it from nothing. */
static int database_ops(rt_ctx *ctx, const rt_dialect **dp, sm_schema **model,
			sm_ops *ops, rt_error *err)
{
	const rt_dialect *d = rt_ctx_dialect(ctx, err);
	if (!d)
		return -1;
	if (!d->introspect || !d->diff)
		return rt_fail(err, RT_EFAIL, "reading the schema is not available for %s", d->name);
	*dp = d;
	if (rt_sm_source_load(ctx, d, ctx->cfg, "database", model, err) < 0)
		return -1;
	sm_schema *empty = rt_sm_new();
	sm_diff_opts opts = { .column_order_strict = ctx->cfg->column_order_strict };
	int rc = d->diff(empty, *model, &opts, ops, err);
	rt_sm_free(empty);
	return rc;
}

/*
 * The statements of ops, one operation per paragraph, without comments:
 * what pg_dump or sqlite3 .schema would print, in retort's dependency
 * order (names sorted within it), so two dumps of one schema are equal.
 */
static void render_statements(const sm_ops *ops, strbuf *sb)
{
	for (size_t i = 0; i < ops->n; i++) {
		if (ops->v[i].check_only || !ops->v[i].sql.n)
			continue;
		if (sb->len)
			rt_strbuf_addc(sb, '\n');
		for (size_t j = 0; j < ops->v[i].sql.n; j++)
			rt_strbuf_addf(sb, "%s;\n", ops->v[i].sql.v[j]);
	}
}

/* "-- not dumped ..." lines for what the model cannot hold. */
static void render_unsupported(const sm_schema *s, strbuf *sb)
{
	for (size_t i = 0; i < s->nunsupported; i++)
		rt_strbuf_addf(sb, "-- not included (retort cannot read it yet): %s\n",
			       s->unsupported[i]);
	if (s->nunsupported)
		rt_strbuf_addc(sb, '\n');
}

/* The database's revisions for a header: "abc, def", "base" or "no version table". */
static void revisions_of(rt_ctx *ctx, strbuf *sb)
{
	rt_state st;
	rt_error e = { 0 };
	if (rt_current_into(ctx, &st, &e) < 0) {
		rt_strbuf_adds(sb, "unknown (the version table cannot be read)");
		rt_error_clear(&e);
		return;
	}
	if (!st.exists)
		rt_strbuf_adds(sb, "none (no version table)");
	else if (!st.rows.n && !st.unknown.n)
		rt_strbuf_adds(sb, "base");
	rt_revset_join(sb, ctx->graph, &st.rows, ", ");
	for (size_t i = 0; i < st.unknown.n; i++)
		rt_strbuf_addf(sb, "%s%s", sb->len ? ", " : "", st.unknown.v[i]);
	rt_state_free(&st);
}

/* See retort.h. */
int rt_dump_schema(rt_ctx *ctx, char **sql, rt_error *err)
{
	*sql = NULL;
	if (rt_ctx_need_sql(ctx, err) < 0)
		return -1;
	const rt_dialect *d;
	sm_schema *model = NULL;
	sm_ops ops = { 0 };
	int rc = database_ops(ctx, &d, &model, &ops, err);
	if (rc == 0) {
		strbuf sb = STRBUF_INIT, revs = STRBUF_INIT, body = STRBUF_INIT;
		revisions_of(ctx, &revs);
		rt_strbuf_addf(&sb, "-- The schema of the database (%s) at revision %s.\n"
				    "-- Written by retort dump-schema: do not edit, it is rewritten.\n\n",
			       d->name, revs.buf);
		render_unsupported(model, &sb);
		render_statements(&ops, &body);
		rt_strbuf_add(&sb, body.buf ? body.buf : "", body.len);
		*sql = rt_strbuf_detach(&sb);
		rt_strbuf_release(&revs);
		rt_strbuf_release(&body);
	}
	rt_sm_ops_free(&ops);
	rt_sm_free(model);
	return rc;
}

/* Does the declared schema file hold no statement (missing, or comments only)? */
static int schema_file_empty(const rt_dialect *d, const char *path)
{
	char *text;
	size_t len;
	rt_error e = { 0 };
	if (rt_fs_read_file(path, &text, &len, &e) < 0) {
		rt_error_clear(&e);
		return !rt_fs_exists(path);
	}
	rt_stmtlist stmts = { 0 };
	int empty = d->split(text, len, 1, path, &stmts, &e) == 0 && stmts.n == 0;
	rt_error_clear(&e);
	rt_stmtlist_free(&stmts);
	free(text);
	return empty;
}

/*
 * A project adopting its database usually has no declared schema yet (or
 * the one retort init wrote, comments only): write the database's, so
 * check agrees with the new revision.  A schema file with statements is
 * the user's and stays as it is.
 */
static int write_declared_schema(rt_ctx *ctx, rt_error *err)
{
	const rt_config *cfg = ctx->cfg;
	const rt_dialect *d = rt_ctx_dialect(ctx, err);
	if (!d || !cfg->schema || cfg->schema_command || !schema_file_empty(d, cfg->schema))
		return d ? 0 : -1;
	sm_schema *model = NULL;
	sm_ops ops = { 0 };
	int rc = database_ops(ctx, &d, &model, &ops, err);
	if (rc == 0) {
		strbuf sb = STRBUF_INIT;
		rt_strbuf_adds(&sb, "-- The declared schema: the tables the application wants.\n"
				    "-- Written by retort baseline from the adopted database. Edit it, then\n"
				    "-- write the migration with: retort revision --autogenerate -m \"...\"\n\n");
		render_unsupported(model, &sb);
		strbuf body = STRBUF_INIT;
		render_statements(&ops, &body);
		rt_strbuf_add(&sb, body.buf ? body.buf : "", body.len);
		rt_strbuf_release(&body);
		rc = rt_fs_replace_file(cfg->schema, sb.buf, sb.len, err);
		if (rc == 0) {
			char *note = rt_xasprintf("wrote the declared schema to %s", cfg->schema);
			rt_ctx_emit(ctx, RT_EV_NOTICE, NULL, 0, note);
			free(note);
		}
		rt_strbuf_release(&sb);
	}
	rt_sm_ops_free(&ops);
	rt_sm_free(model);
	return rc;
}

/*
 * A database that has no revision recorded, and a place for the new
 * revision: base when the project has none, else the one --head names.
 * *from gets the diff source the revision starts from.
 */
static int check_adoptable(rt_ctx *ctx, const rt_new_revision *nr, char **from,
			   rt_error *err)
{
	const rt_graph *g = ctx->graph;
	rt_state st;
	if (rt_current_into(ctx, &st, err) < 0)
		return -1;
	size_t rows = st.rows.n + st.unknown.n;
	strbuf at = STRBUF_INIT;
	rt_revset_join(&at, g, &st.rows, ", ");
	rt_strlist_join(&at, &st.unknown, ", ");
	rt_state_free(&st);
	if (rows) {
		rt_fail(err, RT_EFAIL, "the database is already at revision %s: baseline adopts a database that has no revision",
			at.buf);
		rt_hint(err, "to bring it up to date run: retort upgrade heads");
		rt_strbuf_release(&at);
		return -1;
	}
	rt_strbuf_release(&at);
	if (!nr->heads || !nr->nheads) {
		if (g->nrevs) {
			strbuf heads = STRBUF_INIT;
			for (size_t i = 0; i < g->nheads; i++)
				rt_strbuf_addf(&heads, "%s%s", i ? ", " : "", g->revs[g->heads[i]]->id);
			rt_fail(err, RT_EUSAGE, "the project already has %zu revision%s (head%s: %s): say where the baseline goes",
				g->nrevs, g->nrevs == 1 ? "" : "s", g->nheads == 1 ? "" : "s", heads.buf);
			rt_hint(err, "--head REV puts it after REV, creating what the database has beyond the migrations up to REV; --head base makes it a new base");
			rt_strbuf_release(&heads);
			return -1;
		}
		*from = rt_xstrdup("empty");
		return 0;
	}
	if (nr->nheads > 1)
		return rt_fail(err, RT_EUSAGE, "baseline goes after one revision; %zu were given", nr->nheads);
	rt_target t;
	if (rt_resolve_into(g, nr->heads[0], NULL, &t, err) < 0)
		return -1;
	if (t.revs.n > 1) {
		rt_target_free(&t);
		return rt_fail(err, RT_EUSAGE, "'%s' names %zu revisions: baseline goes after one", nr->heads[0], t.revs.n);
	}
	*from = t.revs.n ? rt_xasprintf("migrations:%s", g->revs[t.revs.v[0]]->id) : rt_xstrdup("empty");
	rt_target_free(&t);
	return 0;
}

/* Stamp the database at the revision just written (a new context sees the new file). */
static int stamp_new(rt_ctx *ctx, const char *path, rt_error *err)
{
	rt_ctx *fresh = rt_ctx_open(ctx->cfg, err);
	if (!fresh)
		return -1;
	rt_ctx_on_event(fresh, ctx->on_event, ctx->event_ud);
	int rc = -1;
	for (size_t i = 0; i < fresh->graph->nrevs; i++)
		if (!strcmp(fresh->graph->revs[i]->path, path)) {
			const char *id = fresh->graph->revs[i]->id;
			rc = rt_stamp(fresh, &id, 1, 0, err);
			break;
		}
	if (rc < 0 && !err->message)
		rt_fail_at(err, RT_EFAIL, path, 0, "the new revision was written but not found again");
	rt_ctx_close(fresh);
	return rc;
}

/*
 * See retort.h.  The revision's upgrade is what `diff --from FROM --to
 * database` gives (FROM: empty, or the migrations at --head), its
 * downgrade the way back; the file is written, the database stamped at it
 * under the lock, and an empty declared schema file filled.
 */
int rt_baseline_into(rt_ctx *ctx, const rt_new_revision *nr, rt_diff *diff,
		     char **path, rt_error *err)
{
	*path = NULL;
	memset(diff, 0, sizeof(*diff));
	if (ctx->out)
		return rt_fail(err, RT_EUSAGE, "baseline has no --sql form: it writes a file and stamps the database");
	char *from = NULL;
	if (check_adoptable(ctx, nr, &from, err) < 0)
		return -1;
	int rc = rt_schema_diff_into(ctx, from, "database", diff, err);
	if (rc == 0 && !diff->changes.n) {
		if (!strcmp(from, "empty")) {
			rt_fail(err, RT_EFAIL, "the database has no tables, views or other objects retort can read: there is nothing to adopt");
			rt_hint(err, "for a new database, write migrations and run: retort upgrade head");
		} else {
			rt_fail(err, RT_EFAIL, "the database already matches the migrations at %s: no new revision is needed",
				from + 11);
			rt_hint(err, "record that with: retort stamp %s", from + 11);
		}
		rc = -1;
	}
	if (rc == 0) {
		rt_new_revision copy = *nr;
		copy.upgrade_sql = diff->upgrade_sql;
		copy.downgrade_sql = diff->downgrade_sql;
		if (!strcmp(from, "empty")) {
			static const char *const base[] = { "base" };
			copy.heads = base;
			copy.nheads = 1;
		}
		rc = rt_revision_write(ctx->cfg, ctx->graph, &copy, path, err);
	}
	if (rc == 0 && (rc = stamp_new(ctx, *path, err)) < 0 && err->message) {
		char *m = err->message;
		err->message = rt_xasprintf("%s was written, but stamping the database at it failed: %s", *path, m);
		free(m);
	}
	if (rc == 0)
		rc = write_declared_schema(ctx, err);
	free(from);
	return rc;
}
