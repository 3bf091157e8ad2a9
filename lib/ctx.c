/*
 * ctx.c - rt_ctx: a configuration with its loaded revision graph, the
 * callbacks a caller installed, and reading the database's state.
 */
#include "internal.h"
#include "ctx_internal.h"
#include "sqltext.h"
#include "util/sha256.h"

#include <string.h>

/*
 * See retort.h.  cfg is not copied: it must outlive the context
 * (rt_ctx_close before rt_config_free).  The dialect is resolved here,
 * once: a URL no dialect takes, or a setting the URL's dialect does not
 * take, fails now; no URL at all fails only when a database is needed.
 */
rt_ctx *rt_ctx_open(const rt_config *cfg, rt_error *err)
{
	if (cfg->url && *cfg->url && !rt_dialect_for_config(cfg, err))
		return NULL;
	rt_graph *g = rt_graph_load(cfg, err);
	return g ? rt_ctx_with_graph(cfg, g, err) : NULL;
}

/*
 * See ctx_internal.h: what rt_ctx_open and rt_ctx_open_embedded share.
 * The dialect is resolved here, once: a URL no dialect takes, or a
 * setting its dialect does not take, fails the open.
 */
rt_ctx *rt_ctx_with_graph(const rt_config *cfg, rt_graph *g, rt_error *err)
{
	const rt_dialect *d = NULL;
	if (cfg->url && *cfg->url && !(d = rt_dialect_for_config(cfg, err))) {
		rt_graph_free(g);
		return NULL;
	}
	rt_ctx *ctx = rt_xcalloc(1, sizeof(*ctx));
	ctx->cfg = cfg;
	ctx->dialect = d;
	ctx->graph = g;
	ctx->partial_applied = -1;
	return ctx;
}

rt_ctx *rt_ctx_borrow(const rt_ctx *base, const rt_config *cfg,
		      const rt_dialect *d)
{
	rt_ctx *ctx = rt_xcalloc(1, sizeof(*ctx));
	ctx->cfg = cfg;
	ctx->dialect = d;
	ctx->graph = base->graph;
	ctx->borrowed = 1;
	ctx->partial_applied = -1;
	ctx->embedded = base->embedded;
	return ctx;
}

/* See ctx_internal.h: rt_dialect_for_url names the missing URL. */
const rt_dialect *rt_ctx_dialect(const rt_ctx *ctx, rt_error *err)
{
	return ctx->dialect ? ctx->dialect : rt_dialect_for_url(NULL, err);
}

void rt_ctx_close(rt_ctx *ctx)
{
	if (!ctx)
		return;
	if (!ctx->borrowed)
		rt_graph_free(ctx->graph);
	free(ctx->last_run_id);
	free(ctx);
}

const char *rt_ctx_last_run_id(const rt_ctx *ctx)
{
	return ctx->last_run_id;
}

const rt_graph *rt_ctx_graph(const rt_ctx *ctx)
{
	return ctx->graph;
}

const rt_config *rt_ctx_config(const rt_ctx *ctx)
{
	return ctx->cfg;
}

void rt_ctx_on_event(rt_ctx *ctx, rt_event_fn fn, void *ud)
{
	ctx->on_event = fn;
	ctx->event_ud = ud;
}

void rt_ctx_backup_first(rt_ctx *ctx, int on)
{
	ctx->backup_first = on;
}

void rt_ctx_partial(rt_ctx *ctx, rt_partial how, long applied)
{
	ctx->partial = how;
	ctx->partial_applied = applied;
}

void rt_ctx_set_offline(rt_ctx *ctx, rt_output_fn fn, void *ud)
{
	ctx->out = fn;
	ctx->out_ud = ud;
}

void rt_ctx_set_dry_run(rt_ctx *ctx, rt_output_fn fn, void *ud)
{
	ctx->dry_out = fn;
	ctx->dry_ud = ud;
}

void rt_ctx_set_rehearse(rt_ctx *ctx, int on)
{
	ctx->rehearse = on;
}

void rt_ctx_confirm(rt_ctx *ctx, int confirmed)
{
	ctx->confirmed = confirmed;
}

const char *rt_protected_name(const rt_config *cfg)
{
	if (!cfg->protected_env)
		return NULL;
	return cfg->env ? cfg->env : "default";
}

/* See ctx_internal.h. */
int rt_ctx_check_protected(const rt_ctx *ctx, const char *what, rt_error *err)
{
	if (!ctx->cfg->protected_env || ctx->confirmed || ctx->out || ctx->dry_out || ctx->rehearse)
		return 0;
	const char *name = rt_protected_name(ctx->cfg);
	rt_fail(err, RT_EUSAGE, "environment '%s' is marked protected: %s would change its database, and nobody confirmed it",
		name, what);
	rt_hint(err, "retort asks for the environment's name on a terminal; elsewhere pass --confirm %s. Nothing was changed",
		name);
	return -1;
}

/*
 * Send an event to the installed callback, if any, with the step's
 * revision (none for a stamp).
 */
void rt_ctx_emit(const rt_ctx *ctx, rt_event_kind kind, const rt_step *step,
		 double ms, const char *text)
{
	if (!ctx->on_event)
		return;
	rt_event ev = { .kind = kind, .step = step, .elapsed_ms = ms,
			.text = text };
	strbuf from = STRBUF_INIT, to = STRBUF_INIT;
	if (step) {
		if (step->rev >= 0)
			ev.rev = ctx->graph->revs[step->rev];
		rt_strlist_join(&from, &step->from, ", ");
		rt_strlist_join(&to, &step->to, ", ");
		ev.from = from.buf ? from.buf : "";
		ev.to = to.buf ? to.buf : "";
	}
	ctx->on_event(&ev, ctx->event_ud);
	rt_strbuf_release(&from);
	rt_strbuf_release(&to);
}

char *rt_history_table(const rt_config *cfg)
{
	return rt_xasprintf("%s_history", cfg->version_table);
}

char *rt_progress_table(const rt_config *cfg)
{
	return rt_xasprintf("%s_progress", cfg->version_table);
}

typedef struct state_rows {
	const rt_graph *g;
	rt_state *st;
} state_rows;

/*
 * Query callback for one version row: into st->rows when a file defines
 * it, else into st->unknown (kept, so rt_state_check can name it).  A
 * NULL value is skipped.
 */
static int add_row(void *ud, int n, const char *const *v)
{
	state_rows *sr = ud;
	if (n < 1 || !v[0])
		return 0;
	int r = rt_graph_find(sr->g, v[0]);
	if (r >= 0)
		rt_revset_add(&sr->st->rows, r);
	else
		rt_strlist_push(&sr->st->unknown, v[0]);
	return 0;
}

/* The version rows of the table in schema into st (freed on failure). */
static int read_rows(const rt_ctx *ctx, const rt_dialect *d, rt_conn *c,
		     const char *schema, rt_state *st, rt_error *err)
{
	strbuf sql = STRBUF_INIT;
	rt_strbuf_adds(&sql, "SELECT version_num FROM ");
	rt_table_name(d, schema, ctx->cfg->version_table, &sql);
	rt_strbuf_adds(&sql, " ORDER BY version_num");
	state_rows sr = { ctx->graph, st };
	int rc = d->query(c, sql.buf, add_row, &sr, err);
	rt_strbuf_release(&sql);
	if (rc < 0)
		rt_state_free(st);
	return rc;
}

/*
 * See ctx_internal.h.  Rows are read ORDER BY version_num, so the state
 * does not depend on the order the database happens to return them in.
 * On failure st is freed (and empty).
 */
int rt_read_state(const rt_ctx *ctx, rt_conn *c, int known_to_exist,
		  rt_state *st, rt_error *err)
{
	const rt_dialect *d = rt_conn_dialect(c);
	memset(st, 0, sizeof(*st));
	st->exists = known_to_exist;
	const char *schema;
	if (rt_tables_schema(d, c, ctx->cfg, &schema, err) < 0)
		return -1;
	if (!known_to_exist &&
	    d->table_exists(c, schema, ctx->cfg->version_table, &st->exists, err) < 0)
		return -1;
	if (!st->exists)
		return 0;
	return read_rows(ctx, d, c, schema, st, err);
}

/*
 * See ctx_internal.h.  One statement: the table named as configured
 * (unqualified unless version_table_schema is set), so the database finds
 * it where rt_tables_schema would (PostgreSQL: the search_path); a missing
 * table is an error, not an empty state.
 */
int rt_read_state_quick(const rt_ctx *ctx, rt_conn *c, rt_state *st, rt_error *err)
{
	memset(st, 0, sizeof(*st));
	st->exists = 1;
	return read_rows(ctx, rt_conn_dialect(c), c, ctx->cfg->version_table_schema, st, err);
}

/* A progress row (revision, direction, statements, done) as a notice. */
static int partial_row(void *ud, int n, const char *const *v)
{
	rt_ctx *ctx = ud;
	if (n < 4 || !v[0])
		return 0;
	char *text = rt_xasprintf("revision %s is partly applied: %s of its %s %s statements took effect "
				  "(resuming the %s continues it; see docs/mysql.md)",
				  v[0], v[3] ? v[3] : "?", v[2] ? v[2] : "?", v[1] ? v[1] : "", v[1] ? v[1] : "upgrade");
	rt_ctx_emit(ctx, RT_EV_NOTICE, NULL, 0, text);
	free(text);
	return 0;
}

/*
 * Where DDL commits as it runs, a revision a failed run left partly
 * applied is in no version row: say so, as a notice.  Errors are not the
 * caller's (the state was read).
 */
static void partial_notice(rt_ctx *ctx, rt_conn *c)
{
	const rt_dialect *d = rt_conn_dialect(c);
	if (!d->progress_table_ddl || !ctx->on_event)
		return;
	rt_error e = { 0 };
	const char *schema;
	char *name = rt_progress_table(ctx->cfg);
	int exists = 0;
	if (rt_tables_schema(d, c, ctx->cfg, &schema, &e) == 0 &&
	    d->table_exists(c, schema, name, &exists, &e) == 0 && exists) {
		strbuf sql = STRBUF_INIT;
		rt_strbuf_adds(&sql, "SELECT revision, direction, statements, done FROM ");
		rt_table_name(d, schema, name, &sql);
		d->query(c, sql.buf, partial_row, ctx, &e);
		rt_strbuf_release(&sql);
	}
	rt_error_clear(&e);
	free(name);
}

/*
 * See retort.h.  Connects read-only, so nothing is created; a database
 * that does not exist yet is an empty state, not an error.
 */
int rt_current_into(rt_ctx *ctx, rt_state *st, rt_error *err)
{
	memset(st, 0, sizeof(*st));
	const rt_dialect *d = rt_ctx_dialect(ctx, err);
	if (!d)
		return -1;
	int missing;
	rt_conn *c = d->connect(ctx->cfg, 1, &missing, err);
	if (!c)
		return missing ? 0 : -1;
	int rc = rt_read_state(ctx, c, 0, st, err);
	if (rc == 0)
		partial_notice(ctx, c);
	d->disconnect(c);
	if (rc == 0)
		rt_state_heads(ctx->graph, st, &st->heads);
	return rc;
}

/* See ctx_internal.h.  NULL values are written as SQL NULL. */
int rt_history_insert(const rt_ctx *ctx, const rt_dialect *d, rt_conn *c,
		      const rt_history_row *row, rt_error *err)
{
	const char *schema;
	if (rt_tables_schema(d, c, ctx->cfg, &schema, err) < 0)
		return -1;
	char *history = rt_history_table(ctx->cfg);
	strbuf sb = STRBUF_INIT, user = STRBUF_INIT;
	d->user_expr(c, &user);
	rt_strbuf_adds(&sb, "INSERT INTO ");
	rt_table_name(d, schema, history, &sb);
	rt_strbuf_adds(&sb, " (revision, direction, from_revisions, to_revisions, checksum, started_at, duration_ms, db_user, retort_version) VALUES (");
	const char *vals[] = { row->revision, row->direction, row->from, row->to, row->checksum };
	for (size_t i = 0; i < 5; i++) {
		if (vals[i])
			d->literal(&sb, vals[i]);
		else
			rt_strbuf_adds(&sb, "NULL");
		rt_strbuf_adds(&sb, ", ");
	}
	rt_strbuf_addf(&sb, "%s, NULL, %s, '" RETORT_VERSION "')", d->now_expr, user.buf);
	int rc = d->exec(c, sb.buf, err);
	rt_strbuf_release(&sb);
	rt_strbuf_release(&user);
	free(history);
	return rc;
}

/*
 * Query callback over history rows in id order: the last checksum
 * recorded for a revision wins, so a revision applied again (or rehashed)
 * is checked against its latest row.  Revisions no file defines are
 * passed over.
 */
static int checksum_row(void *ud, int n, const char *const *v)
{
	rt_checksums *a = ud;
	if (n < 3 || !v[0] || !v[1])
		return 0;
	int r = rt_graph_find(a->g, v[0]);
	if (r < 0)
		return 0;
	free(a->sums[r]);
	free(a->when[r]);
	a->sums[r] = rt_xstrdup(v[1]);
	a->when[r] = rt_xstrdup_or_null(v[2]);
	return 0;
}

/* See ctx_internal.h. */
int rt_read_checksums(const rt_ctx *ctx, const rt_dialect *d, rt_conn *c,
		      rt_checksums *out, rt_error *err)
{
	const rt_graph *g = ctx->graph;
	memset(out, 0, sizeof(*out));
	out->g = g;
	out->sums = rt_xcalloc(g->nrevs + 1, sizeof(char *));
	out->when = rt_xcalloc(g->nrevs + 1, sizeof(char *));
	char *history = rt_history_table(ctx->cfg);
	const char *schema;
	int rc = rt_tables_schema(d, c, ctx->cfg, &schema, err);
	if (rc == 0)
		rc = d->table_exists(c, schema, history, &out->exists, err);
	if (rc == 0 && out->exists) {
		strbuf sql = STRBUF_INIT;
		rt_strbuf_adds(&sql, "SELECT revision, checksum, started_at FROM ");
		rt_table_name(d, schema, history, &sql);
		rt_strbuf_adds(&sql, " WHERE checksum IS NOT NULL AND direction IN ('upgrade', 'stamp', 'rehash') ORDER BY id");
		rc = d->query(c, sql.buf, checksum_row, out, err);
		rt_strbuf_release(&sql);
	}
	free(history);
	return rc;
}

void rt_checksums_free(rt_checksums *a)
{
	for (size_t i = 0; a->g && i < a->g->nrevs; i++) {
		free(a->sums[i]);
		free(a->when[i]);
	}
	free(a->sums);
	free(a->when);
	memset(a, 0, sizeof(*a));
}

/* Is this line a lint suppression comment ("-- retort:lint-ignore ...")? */
static int lint_ignore_line(const char *s, size_t n)
{
	while (n && (*s == ' ' || *s == '\t')) {
		s++;
		n--;
	}
	return n >= 21 && !memcmp(s, "-- retort:lint-ignore", 21);
}

/*
 * SHA-256 over the upgrade section, line by line with CRLF and CR turned
 * into LF.  Lint suppression comments are left out, so adding one to an
 * applied migration does not make it look edited.
 */
char *rt_revision_checksum(const rt_revision *rev)
{
	rt_sha256 h;
	rt_sha256_init(&h);
	const char *s = rev->upgrade.body;
	size_t n = rev->upgrade.len, i = 0;
	while (i < n) {
		size_t e = i;
		while (e < n && s[e] != '\n' && s[e] != '\r')
			e++;
		if (!lint_ignore_line(s + i, e - i)) {
			rt_sha256_add(&h, s + i, e - i);
			if (e < n)
				rt_sha256_add(&h, "\n", 1);
		}
		if (e < n && s[e] == '\r' && e + 1 < n && s[e + 1] == '\n')
			e++;
		i = e + 1;
	}
	strbuf sb = STRBUF_INIT;
	rt_sha256_end_hex(&h, "sha256", &sb);
	return rt_strbuf_detach(&sb);
}
