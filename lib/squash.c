/*
 * squash.c - retort squash FROM:TO: one new revision for a linear chain
 * of old ones (Django's squashmigrations), so a fresh database runs one
 * file instead of hundreds.  Its upgrade is the schema at TO built from
 * FROM's parent (read from scratch databases, as diff does), its
 * downgrade the way back; the header "-- Replaces:" lists the chain.
 * The graph and plans treat it in graph.c and plan.c (Squashes).
 */
#include "internal.h"
#include "ctx_internal.h"
#include "sqltext.h"

#include <string.h>

void rt_squash_info_free(rt_squash_info *s)
{
	if (!s)
		return;
	int heap = s->heap;
	rt_strlist_free(&s->replaced);
	rt_strlist_free(&s->warnings);
	memset(s, 0, sizeof(*s));
	if (heap)
		free(s);
}

/* The chain from a to b, oldest first, when it is linear; else an error naming what breaks it. */
static int linear_chain(const rt_graph *g, int a, int b, rt_revset *chain, rt_error *err)
{
	rt_revset back = { 0 };
	int r = b;
	for (;;) {
		const rt_revision *R = g->revs[r];
		if (R->squash_last >= 0 || R->squashed_by >= 0) {
			rt_revset_free(&back);
			return rt_fail(err, RT_EGRAPH, "revision %s is %s already", R->id,
				       R->squash_last >= 0 ? "a squash" : "replaced by a squash");
		}
		if (r != b && R->nchildren != 1) {
			strbuf kids = STRBUF_INIT;
			for (int j = 0; j < R->nchildren; j++)
				rt_strbuf_addf(&kids, "%s%s", j ? ", " : "", g->revs[R->children[j]]->id);
			rt_fail(err, RT_EGRAPH, "revision %s is a branch point (its children: %s): a squash replaces a linear chain",
				R->id, kids.buf);
			rt_hint(err, "squash each branch on its own, or the chain up to the branch point");
			rt_strbuf_release(&kids);
			rt_revset_free(&back);
			return -1;
		}
		if (r != b && R->ndependants) {
			rt_revset_free(&back);
			return rt_fail(err, RT_EGRAPH, "revision %s is inside the range and another revision depends on it: a squash cannot stand for it",
				       R->id);
		}
		rt_revset_add(&back, r);
		if (r == a)
			break;
		if (R->nparents != 1) {
			int merge = R->nparents > 1;
			rt_revset_free(&back);
			if (merge) {
				rt_fail(err, RT_EGRAPH, "revision %s is a merge point: a squash replaces a linear chain", R->id);
				rt_hint(err, "squash up to the merge point, or from it onwards");
			} else {
				rt_fail(err, RT_EGRAPH, "%s is not below %s on one line of revisions",
					g->revs[a]->id, g->revs[b]->id);
				rt_hint(err, "give FROM:TO with FROM an ancestor of TO, e.g. the range 'retort history' shows");
			}
			return -1;
		}
		r = R->parents[0];
	}
	if (g->revs[a]->nparents > 1) {
		rt_revset_free(&back);
		rt_fail(err, RT_EGRAPH, "revision %s is a merge point: a squash replaces a linear chain", g->revs[a]->id);
		rt_hint(err, "start the range after the merge point");
		return -1;
	}
	for (size_t i = back.n; i-- > 0;)
		rt_revset_add(chain, back.v[i]);
	rt_revset_free(&back);
	if (chain->n < 2)
		return rt_fail(err, RT_EUSAGE, "FROM:TO names one revision: a squash replaces two or more");
	return 0;
}

/* The data statements of one section (see data_warnings). */
static void section_data_warnings(const rt_dialect *d, const rt_revision *R,
				  const rt_section *sec, rt_strlist *out)
{
	static const char *const dml[] = { "INSERT", "UPDATE", "DELETE", "MERGE", "COPY", "REPLACE", NULL };
	rt_stmtlist stmts = { 0 };
	rt_error e = { 0 };
	if (d->split(sec->body, sec->len, sec->body_line, R->path, &stmts, &e) == 0)
		for (size_t j = 0; j < stmts.n; j++) {
			char w[16];
			rt_sql_next_word(stmts.v[j].sql, stmts.v[j].len, 0, w, sizeof(w));
			for (int k = 0; dml[k]; k++)
				if (!strcmp(w, dml[k])) {
					char *m = rt_xasprintf("%s:%d: %s changes data; the squashed revision is built from the schema alone, so copy the statement into its upgrade section if a fresh database needs the rows",
							       R->path, stmts.v[j].line, w);
					rt_strlist_push(out, m);
					free(m);
				}
		}
	rt_error_clear(&e);
	rt_stmtlist_free(&stmts);
}

/*
 * Statements that change data rather than the schema: the squashed
 * revision is built from the schema alone, so they would be lost.  Every
 * upgrade step of every revision is looked at (the squash itself is one
 * plain section: it builds a fresh database, where nothing is live).
 */
static void data_warnings(const rt_ctx *ctx, const rt_revset *chain, rt_strlist *out)
{
	const rt_dialect *d = rt_ctx_dialect(ctx, NULL);
	for (size_t i = 0; d && i < chain->n; i++) {
		const rt_revision *R = ctx->graph->revs[chain->v[i]];
		for (size_t k = 0; k < R->nsections[RT_SECTION_UPGRADE]; k++)
			section_data_warnings(d, R, &R->sections[RT_SECTION_UPGRADE][k], out);
	}
}

/* Dependencies of the chain on revisions outside it: the squash needs them too. */
static void outside_deps(const rt_graph *g, const rt_revset *chain, rt_strlist *deps)
{
	for (size_t i = 0; i < chain->n; i++) {
		const rt_revision *R = g->revs[chain->v[i]];
		for (int j = 0; j < R->ndeps; j++)
			if (!rt_revset_has(chain, R->deps[j]) && !rt_strlist_has(deps, g->revs[R->deps[j]]->id))
				rt_strlist_push(deps, g->revs[R->deps[j]]->id);
	}
}

/* Resolve "FROM:TO" to the chain. */
static int resolve_chain(const rt_graph *g, const char *range, rt_revset *chain, rt_error *err)
{
	const char *colon = strchr(range, ':');
	if (!colon || colon == range || !colon[1]) {
		rt_fail(err, RT_EUSAGE, "squash needs a range FROM:TO, not '%s'", range);
		rt_hint(err, "e.g. retort squash 1a2b3c:4d5e6f -m \"squash 2024\"; both ends are replaced");
		return -1;
	}
	char *from = rt_xstrndup(range, (size_t)(colon - range));
	int a, b;
	int rc = rt_resolve_one(g, from, NULL, &a, err);
	if (rc == 0)
		rc = rt_resolve_one(g, colon + 1, NULL, &b, err);
	free(from);
	if (rc == 0)
		rc = linear_chain(g, a, b, chain, err);
	return rc;
}

/*
 * See retort.h.  The new file revises FROM's parent (a base when FROM is
 * one) and goes where that parent's file is, unless nr->version_path
 * says otherwise.
 */
int rt_squash_into(rt_ctx *ctx, const char *range, const rt_new_revision *nr,
		   rt_squash_info *info, char **path, rt_error *err)
{
	*path = NULL;
	memset(info, 0, sizeof(*info));
	if (rt_ctx_need_sql(ctx, err) < 0)
		return -1;
	const rt_graph *g = ctx->graph;
	rt_revset chain = { 0 };
	if (resolve_chain(g, range, &chain, err) < 0) {
		rt_revset_free(&chain);
		return -1;
	}
	const rt_revision *first = g->revs[chain.v[0]], *last = g->revs[chain.v[chain.n - 1]];
	for (size_t i = 0; i < chain.n; i++)
		rt_strlist_push(&info->replaced, g->revs[chain.v[i]]->id);
	data_warnings(ctx, &chain, &info->warnings);
	char *from = first->nparents ? rt_xasprintf("migrations:%s", g->revs[first->parents[0]]->id)
				     : rt_xstrdup("empty");
	char *to = rt_xasprintf("migrations:%s", last->id);
	rt_diff d;
	int rc = rt_schema_diff_into(ctx, from, to, &d, err);
	if (rc == 0) {
		for (size_t i = 0; i < d.unsupported.n; i++) {
			char *m = rt_xasprintf("not compared, so not in the squash: %s", d.unsupported.v[i]);
			rt_strlist_push(&info->warnings, m);
			free(m);
		}
		rt_strlist deps = { 0 };
		outside_deps(g, &chain, &deps);
		const char *parent = first->nparents ? g->revs[first->parents[0]]->id : "base";
		rt_new_revision copy = *nr;
		copy.heads = &parent;
		copy.nheads = 1;
		copy.splice = 1;
		copy.merge = 0;
		copy.depends = (const char *const *)deps.v;
		copy.ndepends = deps.n;
		copy.replaces = (const char *const *)info->replaced.v;
		copy.nreplaces = info->replaced.n;
		copy.upgrade_sql = d.upgrade_sql;
		copy.downgrade_sql = d.downgrade_sql;
		rc = rt_revision_write(ctx->cfg, g, &copy, path, err);
		rt_strlist_free(&deps);
		rt_diff_free(&d);
	}
	free(from);
	free(to);
	rt_revset_free(&chain);
	if (rc < 0)
		rt_squash_info_free(info);
	return rc;
}
