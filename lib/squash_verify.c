/*
 * squash_verify.c - verify's "squashes" check: each squash beside its
 * chain builds the same schema as the chain, and which configured
 * environments still need the replaced files (a database inside the
 * chain goes on through them), so a team knows when it may delete them.
 */
#include "internal.h"
#include "ctx_internal.h"

#include <string.h>

/* A problem line of the check, which then fails. */
#define fail_line(c, ...) ((c)->ok = 0, rt_strlist_pushf(&(c)->problems, __VA_ARGS__))

int rt_verify_has_squashes(const rt_graph *g)
{
	for (size_t i = 0; i < g->nrevs; i++)
		if (g->revs[i]->replaces.n)
			return 1;
	return 0;
}

/* The schema through the chain (to r1, then on to rk) against the one through the squash. */
static void same_schema(rt_ctx *ctx, const rt_revision *s, rt_verify_check *c)
{
	const char *r1 = s->replaces.v[0], *rk = s->replaces.v[s->replaces.n - 1];
	char *chain = rt_xasprintf("migrations:%s,%s", r1, rk);
	char *squash = rt_xasprintf("migrations:%s", rk);
	rt_diff d;
	rt_error e = { 0 };
	if (rt_schema_diff_into(ctx, chain, squash, &d, &e) < 0) {
		fail_line(c, "%s: cannot compare the squash with its chain: %s", s->path, e.message);
		rt_error_clear(&e);
	} else {
		for (size_t i = 0; i < d.changes.n; i++)
			fail_line(c, "%s (squash %s) does not build what %s..%s build: to match them, %s",
					  s->path, s->id, r1, rk, d.changes.v[i]);
		rt_diff_free(&d);
	}
	free(chain);
	free(squash);
}

/*
 * The database of one environment: is it at a revision inside the chain
 * (it needs the replaced files)?  1 yes, 0 no, -1 cannot tell (*why set).
 */
static int env_inside(const rt_ctx *ctx, const char *env, const rt_revision *s, char **at,
		      char **why)
{
	rt_error e = { 0 };
	rt_config *cfg = ctx->cfg->path ? rt_config_load(ctx->cfg->path, env, 1, &e)
				       : rt_config_clone(ctx->cfg);
	const rt_dialect *d = cfg ? rt_dialect_for_config(cfg, &e) : NULL;
	int missing = 0, inside = -1;
	rt_conn *conn = d ? d->connect(cfg, 1, &missing, &e) : NULL;
	rt_ctx *sub = d ? rt_ctx_borrow(ctx, cfg, d) : NULL;
	rt_state st = { 0 };
	if (!conn && missing) {
		inside = 0;
	} else if (conn && rt_read_state(sub, conn, 0, &st, &e) == 0) {
		inside = 0;
		for (size_t i = 0; i < st.rows.n && !inside; i++)
			if (ctx->graph->revs[st.rows.v[i]]->squashed_by >= 0 &&
			    st.rows.v[i] != s->squash_last) {
				inside = 1;
				*at = rt_xstrdup(ctx->graph->revs[st.rows.v[i]]->id);
			}
		rt_state_free(&st);
	}
	if (inside < 0)
		*why = rt_xstrdup(e.message ? e.message : "cannot be read");
	if (conn)
		d->disconnect(conn);
	rt_ctx_close(sub);
	rt_config_free(cfg);
	rt_error_clear(&e);
	return inside;
}

/* Each environment of retort.ini (the default one first): which still need the replaced files. */
static void environments(rt_ctx *ctx, const rt_revision *s, rt_verify_check *c)
{
	const rt_strlist *envs = &ctx->cfg->envs;
	size_t need = 0, unknown = 0;
	for (size_t i = 0; i <= envs->n; i++) {
		const char *env = i ? envs->v[i - 1] : NULL;
		char *at = NULL, *why = NULL;
		int r = env_inside(ctx, env, s, &at, &why);
		const char *name = env ? env : "(default)";
		if (r > 0) {
			char *m = rt_xasprintf("environment %s is at %s, inside the chain squash %s replaces: it still needs the replaced files",
					       name, at, s->id);
			rt_strlist_push(&c->problems, m);
			free(m);
			need++;
		} else if (r < 0) {
			char *m = rt_xasprintf("environment %s cannot be read (%s): it may still need the replaced files of %s",
					       name, why, s->id);
			rt_strlist_push(&c->problems, m);
			free(m);
			unknown++;
		}
		free(at);
		free(why);
	}
	if (!need && !unknown) {
		char *m = rt_xasprintf("no configured environment needs the %zu files squash %s replaces: they can be deleted",
				       s->replaces.n, s->id);
		rt_strlist_push(&c->problems, m);
		free(m);
	}
}

/*
 * See internal.h.  Lines about environments are information, not
 * failures: a database inside the chain is fine while the files are
 * there.  A squash whose files are gone is an ordinary revision.
 */
void rt_verify_squashes(rt_ctx *ctx, rt_verify_check *c)
{
	const rt_graph *g = ctx->graph;
	size_t beside = 0, alone = 0;
	for (size_t i = 0; i < g->nrevs; i++) {
		const rt_revision *s = g->revs[i];
		if (!s->replaces.n)
			continue;
		if (s->squash_last < 0) {
			alone++;
			continue;
		}
		beside++;
		same_schema(ctx, s, c);
		environments(ctx, s, c);
	}
	free(c->summary);
	c->summary = rt_xasprintf("%zu squash%s beside the revisions %s replace%s, %zu whose replaced files are deleted",
				  beside, beside == 1 ? "" : "es", beside == 1 ? "it" : "they",
				  beside == 1 ? "s" : "", alone);
}
