/*
 * verify.c - one pre-deploy check of everything that bites teams in
 * production: a broken configuration, an unreachable database, two heads,
 * a database at a revision no file defines ("Can't locate revision"), a
 * migration edited after it was applied, a schema changed by hand
 * ("table has no column named X"), a declared schema changed without
 * its migration, unsafe SQL about to run, and a revision that cannot be
 * rolled back.
 */
#include "internal.h"
#include "checksum.h"
#include "ctx_internal.h"

#include <stdarg.h>
#include <string.h>

static rt_verify_check *add_check(rt_verify_report *r, const char *name)
{
	r->v = rt_xrealloc(r->v, (r->n + 1) * sizeof(*r->v));
	rt_verify_check *c = &r->v[r->n++];
	memset(c, 0, sizeof(*c));
	c->name = name;
	c->ok = 1;
	return c;
}

static void summary(rt_verify_check *c, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
/* Set a check's one-line summary (printf-style), replacing an earlier one. */
static void summary(rt_verify_check *c, const char *fmt, ...)
{
	strbuf sb = STRBUF_INIT;
	va_list ap;
	va_start(ap, fmt);
	rt_strbuf_vaddf(&sb, fmt, ap);
	va_end(ap);
	free(c->summary);
	c->summary = rt_strbuf_detach(&sb);
}

static void problem(rt_verify_check *c, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
static void skip(rt_verify_check *c, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
/* Mark a check as not run: its summary is "skipped: " and why. */
static void skip(rt_verify_check *c, const char *fmt, ...)
{
	strbuf sb = STRBUF_INIT;
	va_list ap;
	rt_strbuf_adds(&sb, "skipped: ");
	va_start(ap, fmt);
	rt_strbuf_vaddf(&sb, fmt, ap);
	va_end(ap);
	free(c->summary);
	c->summary = rt_strbuf_detach(&sb);
	c->skipped = 1;
}

/* Add a problem line (printf-style) to a check, which then fails. */
static void problem(rt_verify_check *c, const char *fmt, ...)
{
	strbuf sb = STRBUF_INIT;
	va_list ap;
	va_start(ap, fmt);
	rt_strbuf_vaddf(&sb, fmt, ap);
	va_end(ap);
	rt_strlist_push(&c->problems, sb.buf);
	rt_strbuf_release(&sb);
	c->ok = 0;
}

/* See retort.h and retort_int.h (heap).  r may be NULL. */
void rt_verify_report_free(rt_verify_report *r)
{
	if (!r)
		return;
	int heap = r->heap;
	for (size_t i = 0; i < r->n; i++) {
		free(r->v[i].summary);
		rt_strlist_free(&r->v[i].problems);
		free(r->v[i].fix_sql);
		free(r->v[i].fix_arg);
	}
	free(r->v);
	memset(r, 0, sizeof(*r));
	if (heap)
		free(r);
}

/* One head, or exactly one head on each branch the configuration declares. */
static void check_heads(const rt_ctx *ctx, rt_verify_check *c)
{
	const rt_graph *g = ctx->graph;
	const rt_config *cfg = ctx->cfg;
	if (!cfg->nbranches) {
		if (g->nheads <= 1) {
			summary(c, g->nheads ? "one head: %s" : "no revisions yet",
				g->nheads ? g->revs[g->heads[0]]->id : "");
			return;
		}
		strbuf sb = STRBUF_INIT;
		for (size_t i = 0; i < g->nheads; i++)
			rt_strbuf_addf(&sb, "%s%s", i ? ", " : "", g->revs[g->heads[i]]->id);
		problem(c, "%zu heads: %s; join them with a merge revision (or declare branches = ... in retort.ini)",
			g->nheads, sb.buf);
		summary(c, "%zu heads", g->nheads);
		rt_strbuf_release(&sb);
		return;
	}
	for (size_t b = 0; b < cfg->nbranches; b++) {
		char *ident = rt_xasprintf("%s@heads", cfg->branches[b]);
		rt_target t;
		rt_error e = { 0 };
		if (rt_resolve_into(g, ident, NULL, &t, &e) < 0) {
			problem(c, "branch %s: %s", cfg->branches[b], e.message);
			rt_error_clear(&e);
		} else {
			if (t.revs.n != 1)
				problem(c, "branch %s has %zu heads", cfg->branches[b], t.revs.n);
			rt_target_free(&t);
		}
		free(ident);
	}
	for (size_t i = 0; i < g->nheads; i++) {
		const rt_revision *h = g->revs[g->heads[i]];
		int declared = 0;
		for (int j = 0; j < h->nbranch && !declared; j++)
			for (size_t b = 0; b < cfg->nbranches && !declared; b++)
				declared = !strcmp(g->labels[h->branch[j]].name, cfg->branches[b]);
		if (!declared)
			problem(c, "head %s is on none of the declared branches", h->id);
	}
	summary(c, "%zu heads on %zu declared branches", g->nheads, cfg->nbranches);
}

/* Applied revisions whose file changed since: the latest recorded checksum against the file's. */
static void check_checksums(const rt_ctx *ctx, rt_conn *conn, const rt_state *st,
			    rt_verify_check *c)
{
	const rt_dialect *d = rt_conn_dialect(conn);
	const rt_graph *g = ctx->graph;
	rt_checksums a;
	rt_error e = { 0 };
	if (rt_read_checksums(ctx, d, conn, &a, &e) < 0 || !a.exists) {
		if (a.exists)
			problem(c, "cannot read the history table: %s", e.message);
		else
			skip(c, "no history table, so no checksums were recorded (a database migrated by another tool?)");
		rt_error_clear(&e);
		rt_checksums_free(&a);
		return;
	}
	/* every applied revision: the rows and their ancestors */
	rt_revset applied = { 0 };
	rt_state_heads(g, st, &applied);
	unsigned char *seen = rt_xcalloc(g->nrevs + 1, 1);
	while (applied.n) {
		int r = applied.v[--applied.n];
		if (seen[r])
			continue;
		seen[r] = 1;
		const rt_revision *rev = g->revs[r];
		for (int j = 0; j < rev->nparents + rev->ndeps; j++)
			rt_revset_add(&applied, j < rev->nparents ? rev->parents[j] : rev->deps[j - rev->nparents]);
	}
	/* a squash stands for its chain: applied with its last revision (its sum is there if it ran) */
	for (size_t i = 0; i < g->nrevs; i++)
		if (g->revs[i]->squash_last >= 0 && seen[g->revs[i]->squash_last])
			seen[i] = 1;
	size_t checked = 0;
	for (size_t r = 0; r < g->nrevs; r++) {
		if (!seen[r] || !a.sums[r])
			continue;
		const rt_revision *rev = g->revs[r];
		checked++;
		char *now = rt_checksum_as(rev, d->lex, a.sums[r]);
		if (!now)
			problem(c, "revision %s was recorded with a checksum of an algorithm this retort does not know (%.*s): a newer retort applied it",
				rev->id, (int)strcspn(a.sums[r], ":"), a.sums[r]);
		else if (strcmp(now, a.sums[r]))
			problem(c, "%s was changed after it was applied (revision %s, applied %s): the database ran other SQL than the file now holds; "
				"if the edit changes nothing that ran, rehash %s records the file as it is",
				rev->path, rev->id, a.when[r] ? a.when[r] : "at an unknown time", rev->id);
		free(now);
	}
	summary(c, checked == 1 ? "%zu applied revision checked against its file"
				: "%zu applied revisions checked against their files", checked);
	rt_checksums_free(&a);
	free(seen);
	rt_revset_free(&applied);
}

/*
 * Does the database hold exactly what the migrations build at the current
 * rows plus target (a pending revision, or "heads")?  Then it is ahead of
 * its version table: a migration applied by hand, or tables made by
 * create_all.
 */
static int matches_at(rt_ctx *ctx, const rt_state *st, const char *target)
{
	strbuf src = STRBUF_INIT;
	rt_strbuf_adds(&src, "migrations:");
	for (size_t i = 0; i < st->rows.n; i++)
		rt_strbuf_addf(&src, "%s,", ctx->graph->revs[st->rows.v[i]]->id);
	rt_strbuf_adds(&src, target);
	rt_diff d;
	rt_error e = { 0 };
	int same = rt_schema_diff_into(ctx, "database", src.buf, &d, &e) == 0;
	if (same) {
		same = d.changes.n == 0;
		rt_diff_free(&d);
	}
	rt_error_clear(&e);
	rt_strbuf_release(&src);
	return same;
}

/*
 * Where the database matches its migrations ahead of its version table
 * (a revision id, or "heads"), or NULL.  Two are tried, each a replay in
 * a scratch database: the next revision an upgrade applies (a migration
 * run by hand) and the heads (everything made at once, by create_all).
 */
static const char *ahead_at(rt_ctx *ctx, const rt_state *st)
{
	rt_target heads = { 0 };
	rt_plan plan = { 0 };
	rt_error e = { 0 };
	const char *found = NULL;
	for (size_t i = 0; i < ctx->graph->nheads; i++)
		rt_revset_add(&heads.revs, ctx->graph->heads[i]);
	if (rt_plan_upgrade(ctx->graph, st, &heads, &plan, &e) == 0 && plan.n) {
		const char *next = ctx->graph->revs[plan.steps[0].rev]->id;
		if (matches_at(ctx, st, next))
			found = next;
		else if (plan.n > 1 && matches_at(ctx, st, "heads"))
			found = "heads";
	}
	rt_error_clear(&e);
	rt_plan_free(&plan);
	rt_target_free(&heads);
	return found;
}

/*
 * The database against what its migrations build at its revisions.  When
 * it differs but matches them at a later revision, the fix is to stamp
 * that revision, not SQL that would drop what the migrations are about to
 * make.
 */
static void check_drift(rt_ctx *ctx, const rt_state *st, rt_verify_check *c)
{
	strbuf src = STRBUF_INIT;
	rt_strbuf_adds(&src, "migrations:");
	for (size_t i = 0; i < st->rows.n; i++)
		rt_strbuf_addf(&src, "%s%s", i ? "," : "", ctx->graph->revs[st->rows.v[i]]->id);
	if (!st->rows.n)
		rt_strbuf_adds(&src, "base");
	rt_diff d;
	rt_error e = { 0 };
	if (rt_schema_diff_into(ctx, "database", src.buf, &d, &e) < 0) {
		problem(c, "cannot compare: %s", e.message);
		rt_error_clear(&e);
		rt_strbuf_release(&src);
		return;
	}
	const char *id = d.changes.n ? ahead_at(ctx, st) : NULL;
	if (id) {
		problem(c, "the database already holds what the migrations build at %s, which its version table does not record (a migration applied by hand, or tables made by create_all): it is ahead of its revision; record that by stamping %s",
			id, id);
		summary(c, "the database is ahead of its version table: it matches its migrations at %s", id);
		c->fix = RT_FIX_STAMP;
		c->fix_arg = rt_xstrdup(id);
		rt_diff_free(&d);
		rt_strbuf_release(&src);
		return;
	}
	for (size_t i = 0; i < d.changes.n; i++)
		problem(c, "the database differs from its migrations: to match them, %s", d.changes.v[i]);
	for (size_t i = 0; i < d.unsupported.n; i++)
		rt_strlist_push(&c->problems, d.unsupported.v[i]);
	if (d.changes.n) {
		c->fix_sql = d.upgrade_sql;
		d.upgrade_sql = NULL;
		summary(c, "%zu difference%s between the database and its migrations", d.changes.n,
			d.changes.n == 1 ? "" : "s");
	} else {
		summary(c, "the database matches its migrations%s", d.unsupported.n ? " (some objects not compared)" : "");
	}
	rt_diff_free(&d);
	rt_strbuf_release(&src);
}

/*
 * The declared schema (schema or schema_command) against what the
 * migrations build at the heads: a model changed without its migration
 * deploys code that expects a column no migration adds.
 */
static void check_schema(rt_ctx *ctx, rt_verify_check *c)
{
	const rt_config *cfg = ctx->cfg;
	const char *what = cfg->schema ? cfg->schema : cfg->schema_command;
	rt_diff d;
	rt_error e = { 0 };
	if (rt_schema_diff_into(ctx, "migrations:heads", "schema", &d, &e) < 0) {
		problem(c, "cannot compare the declared schema with the migrations: %s", e.message);
		rt_error_clear(&e);
		return;
	}
	for (size_t i = 0; i < d.changes.n; i++)
		problem(c, "to match the declared schema, a migration would %s", d.changes.v[i]);
	if (d.changes.n) {
		summary(c, "%s differs from the migrations at the heads (%zu difference%s): a migration is missing",
			what, d.changes.n, d.changes.n == 1 ? "" : "s");
		c->fix = RT_FIX_AUTOGENERATE;
	} else {
		summary(c, "%s matches the migrations at the heads%s", what,
			d.unsupported.n ? " (some objects not compared)" : "");
	}
	rt_diff_free(&d);
}

/* Lint what is still to run (the revisions an upgrade to heads would apply). */
static void check_lint(rt_ctx *ctx, const rt_state *st, rt_verify_check *c)
{
	rt_target heads = { 0 };
	rt_plan plan = { 0 };
	rt_error e = { 0 };
	for (size_t i = 0; i < ctx->graph->nheads; i++)
		rt_revset_add(&heads.revs, ctx->graph->heads[i]);
	if (rt_plan_upgrade(ctx->graph, st, &heads, &plan, &e) < 0) {
		problem(c, "%s", e.message);
		rt_error_clear(&e);
		rt_target_free(&heads);
		return;
	}
	const char **idents = rt_xcalloc(plan.n + 1, sizeof(char *));
	for (size_t i = 0; i < plan.n; i++)
		idents[i] = ctx->graph->revs[plan.steps[i].rev]->id;
	rt_lint_report rep = { 0 };
	rt_lint_options opts = { 0 };
	if (!plan.n) {
		summary(c, "no revisions to apply");
	} else if (rt_lint_into(ctx, idents, plan.n, &opts, &rep, &e) < 0) {
		problem(c, "%s", e.message);
		rt_error_clear(&e);
	} else {
		for (size_t i = 0; i < rep.n; i++) {
			const rt_finding *f = &rep.v[i];
			char *line = rt_xasprintf("%s%s:%d:%d: %s: %s%s", f->warning ? "warning: " : "",
						  f->file, f->line, f->column, f->rule, f->message,
						  f->section && !strcmp(f->section, "downgrade") ? " (downgrade section)" : "");
			if (f->warning) /* [lint] warn: listed, but the check passes */
				rt_strlist_push(&c->problems, line);
			else
				problem(c, "%s", line);
			free(line);
		}
		size_t errors = rep.n - rep.nwarnings;
		char *warn = rep.nwarnings ? rt_xasprintf(", %zu warning%s", rep.nwarnings,
							  rep.nwarnings == 1 ? "" : "s") : rt_xstrdup("");
		summary(c, "%zu revision%s to apply, %zu finding%s%s", plan.n, plan.n == 1 ? "" : "s",
			errors, errors == 1 ? "" : "s", warn);
		free(warn);
	}
	rt_lint_report_free(&rep);
	free(idents);
	rt_plan_free(&plan);
	rt_target_free(&heads);
}

static void check_downgrades(const rt_ctx *ctx, rt_verify_check *c)
{
	const rt_graph *g = ctx->graph;
	for (size_t i = 0; i < g->nrevs; i++)
		if (!g->revs[i]->downgrade.present)
			problem(c, "%s (revision %s) has no downgrade section", g->revs[i]->path, g->revs[i]->id);
	summary(c, "%zu of %zu revisions can be downgraded", g->nrevs - c->problems.n, g->nrevs);
}

/*
 * See retort.h.  Checks are added in a fixed order, and later ones read
 * earlier results by position (v[1] database, v[3] version table):
 * checksums and drift need both passed, lint the version table.  The
 * connection is read-only; a database that does not exist yet counts as
 * empty.  Fails only when no URL is configured.
 */
int rt_verify_into(rt_ctx *ctx, rt_verify_report *out, rt_error *err)
{
	memset(out, 0, sizeof(*out));
	if (rt_ctx_need_sql(ctx, err) < 0)
		return -1;
	rt_verify_check *c = add_check(out, "config");
	summary(c, "%s, %zu revision%s", ctx->cfg->path ? ctx->cfg->path : "defaults (no retort.ini)",
		ctx->graph->nrevs, ctx->graph->nrevs == 1 ? "" : "s");
	const rt_dialect *d = rt_ctx_dialect(ctx, err);
	if (!d) {
		rt_verify_report_free(out);
		return -1;
	}
	c = add_check(out, "database");
	int missing;
	rt_conn *conn = d->connect(ctx->cfg, 1, &missing, err);
	char *url = rt_url_mask(ctx->cfg->url);
	rt_state st = { 0 };
	if (!conn && !missing) {
		summary(c, "%s cannot be reached", url);
		problem(c, "cannot connect: %s", err->message);
		rt_error_clear(err);
	} else if (!conn) {
		summary(c, "%s does not exist yet (an empty database)", url);
	} else if (rt_read_state(ctx, conn, 0, &st, err) < 0) {
		summary(c, "%s cannot be read", url);
		problem(c, "cannot read the version table: %s", err->message);
		rt_error_clear(err);
	} else {
		summary(c, "%s reachable", url);
	}
	free(url);
	check_heads(ctx, add_check(out, "heads"));
	c = add_check(out, "version table");
	if (!out->v[1].ok) {
		skip(c, "the database cannot be read");
	} else if (rt_state_check(ctx->graph, &st, err) < 0) {
		summary(c, "names a revision no migration file defines");
		problem(c, "%s", err->message);
		rt_error_clear(err);
	} else {
		summary(c, "%zu row%s, each defined by a migration file", st.rows.n, st.rows.n == 1 ? "" : "s");
	}
	int usable = out->v[1].ok && out->v[3].ok;
	const char *why = !out->v[1].ok ? "the database cannot be read"
			: !out->v[3].ok ? "the version table names unknown revisions"
			: "the database does not exist yet";
	c = add_check(out, "checksums");
	if (conn && usable)
		check_checksums(ctx, conn, &st, c);
	else
		skip(c, "%s", why);
	rt_strlist broken = { 0 };
	if (conn && usable && d->leftovers && d->leftovers(conn, NULL, &broken, err) < 0) {
		rt_strlist_push(&broken, err->message);
		rt_error_clear(err);
	}
	if (conn)
		d->disconnect(conn);
	c = add_check(out, "drift");
	if (usable && d->introspect)
		check_drift(ctx, &st, c);
	else
		skip(c, "%s", usable ? "not available for this database" : why);
	/* The catalog lists an INVALID index like any other: the diff cannot see it. */
	for (size_t i = 0; i < broken.n; i++)
		problem(c, "%s", broken.v[i]);
	if (broken.n && c->summary && strstr(c->summary, "matches"))
		summary(c, "the database matches its migrations, but holds %zu INVALID index%s", broken.n,
			broken.n == 1 ? "" : "es");
	rt_strlist_free(&broken);
	c = add_check(out, "schema");
	if (!ctx->cfg->schema && !ctx->cfg->schema_command)
		skip(c, "no declared schema (schema or schema_command in the configuration)");
	else if (!out->v[1].ok)
		skip(c, "the database cannot be reached to compare in");
	else if (!d->introspect)
		skip(c, "not available for this database");
	else
		check_schema(ctx, c);
	c = add_check(out, "lint");
	if (out->v[1].ok && out->v[3].ok)
		check_lint(ctx, &st, c);
	else
		skip(c, "%s", !out->v[1].ok ? "the database cannot be read, so what is to apply is unknown"
					     : "the version table names unknown revisions");
	check_downgrades(ctx, add_check(out, "downgrades"));
	if (rt_verify_has_squashes(ctx->graph))
		rt_verify_squashes(ctx, add_check(out, "squashes"));
	rt_state_free(&st);
	out->ok = 1;
	for (size_t i = 0; i < out->n; i++)
		out->ok &= out->v[i].ok;
	return 0;
}
