/*
 * ctx.c - rt_ctx: a configuration with its loaded revision graph, the
 * callbacks a caller installed, and reading the database's state.
 */
#include "internal.h"
#include "ctx_internal.h"
#include "sqltext.h"

#include <openssl/evp.h>
#include <string.h>

/*
 * See retort.h.  cfg is not copied: it must outlive the context
 * (rt_ctx_close before rt_config_free).
 */
rt_ctx *rt_ctx_open(const rt_config *cfg, rt_error *err)
{
	rt_graph *g = rt_graph_load(cfg, err);
	return g ? rt_ctx_with_graph(cfg, g, err) : NULL;
}

/* See ctx_internal.h: what rt_ctx_open and rt_ctx_open_embedded share. */
rt_ctx *rt_ctx_with_graph(const rt_config *cfg, rt_graph *g, rt_error *err)
{
	(void)err;
	rt_ctx *ctx = rt_xcalloc(1, sizeof(*ctx));
	ctx->cfg = cfg;
	ctx->graph = g;
	return ctx;
}

rt_ctx *rt_ctx_borrow(const rt_ctx *base, const rt_config *cfg)
{
	rt_ctx *ctx = rt_xcalloc(1, sizeof(*ctx));
	ctx->cfg = cfg;
	ctx->graph = base->graph;
	ctx->borrowed = 1;
	ctx->embedded = base->embedded;
	return ctx;
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

/*
 * See ctx_internal.h.  Rows are read ORDER BY version_num, so the state
 * does not depend on the order the database happens to return them in.
 * On failure st is freed (and empty).
 */
int rt_read_state(const rt_ctx *ctx, const rt_dialect *d, rt_conn *c,
		  int known_to_exist, rt_state *st, rt_error *err)
{
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
	strbuf sql = STRBUF_INIT;
	rt_strbuf_adds(&sql, "SELECT version_num FROM ");
	rt_table_name(schema, ctx->cfg->version_table, &sql);
	rt_strbuf_adds(&sql, " ORDER BY version_num");
	state_rows sr = { ctx->graph, st };
	int rc = d->query(c, sql.buf, add_row, &sr, err);
	rt_strbuf_release(&sql);
	if (rc < 0)
		rt_state_free(st);
	return rc;
}

/*
 * See retort.h.  Connects read-only, so nothing is created; a database
 * that does not exist yet is an empty state, not an error.
 */
int rt_current_into(rt_ctx *ctx, rt_state *st, rt_error *err)
{
	memset(st, 0, sizeof(*st));
	const rt_dialect *d = rt_dialect_for_config(ctx->cfg, err);
	if (!d)
		return -1;
	int missing;
	rt_conn *c = d->connect(ctx->cfg, 1, &missing, err);
	if (!c)
		return missing ? 0 : -1;
	int rc = rt_read_state(ctx, d, c, 0, st, err);
	d->disconnect(c);
	if (rc == 0)
		rt_state_heads(ctx->graph, st, &st->heads);
	return rc;
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
	EVP_MD_CTX *md = EVP_MD_CTX_new();
	unsigned char hash[EVP_MAX_MD_SIZE];
	unsigned int hlen = 0;
	EVP_DigestInit_ex(md, EVP_sha256(), NULL);
	const char *s = rev->upgrade.body;
	size_t n = rev->upgrade.len, i = 0;
	while (i < n) {
		size_t e = i;
		while (e < n && s[e] != '\n' && s[e] != '\r')
			e++;
		if (!lint_ignore_line(s + i, e - i)) {
			EVP_DigestUpdate(md, s + i, e - i);
			if (e < n)
				EVP_DigestUpdate(md, "\n", 1);
		}
		if (e < n && s[e] == '\r' && e + 1 < n && s[e + 1] == '\n')
			e++;
		i = e + 1;
	}
	EVP_DigestFinal_ex(md, hash, &hlen);
	EVP_MD_CTX_free(md);
	strbuf sb = STRBUF_INIT;
	rt_strbuf_adds(&sb, "sha256:");
	for (unsigned int k = 0; k < hlen; k++)
		rt_strbuf_addf(&sb, "%02x", hash[k]);
	return rt_strbuf_detach(&sb);
}
