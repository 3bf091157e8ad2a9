/*
 * range.c - history ranges "A:B": the revisions that descend from A (or
 * everything, when A is empty or base) and lead to B (or to every head),
 * both ends included, listed newest first.
 */
#include "internal.h"
#include "graph_internal.h"

#include <string.h>

/* Mark the descendants of the revisions in s (through children and dependants). */
static void mark_descendants(const rt_graph *g, const rt_revset *s,
			     unsigned char *mark)
{
	size_t n = g->nrevs;
	int **dep = rt_xcalloc(n, sizeof(int *));
	int *ndep = rt_xcalloc(n, sizeof(int));
	for (size_t i = 0; i < n; i++)
		for (int j = 0; j < g->revs[i]->ndeps; j++) {
			int t = g->revs[i]->deps[j];
			dep[t] = rt_xrealloc(dep[t], (size_t)(ndep[t] + 1) * sizeof(int));
			dep[t][ndep[t]++] = (int)i;
		}
	int *stack = rt_xmalloc(n * sizeof(int));
	size_t sp = 0;
	for (size_t i = 0; i < s->n; i++)
		if (!mark[s->v[i]]) {
			mark[s->v[i]] = 1;
			stack[sp++] = s->v[i];
		}
	while (sp) {
		int u = stack[--sp];
		const rt_revision *r = g->revs[u];
		for (int j = 0; j < r->nchildren + ndep[u]; j++) {
			int v = j < r->nchildren ? r->children[j] : dep[u][j - r->nchildren];
			if (!mark[v]) {
				mark[v] = 1;
				stack[sp++] = v;
			}
		}
	}
	for (size_t i = 0; i < n; i++)
		free(dep[i]);
	free(dep);
	free(ndep);
	free(stack);
}

/*
 * See retort.h.  Each end is any identifier rt_resolve accepts (st needed
 * for current and relative forms); A of base means from the beginning.
 * Selecting nothing between two real revisions is an error, as in
 * Alembic, but an end B of base or label@base selects nothing silently.
 */
int rt_resolve_range_into(const rt_graph *g, const char *range, const rt_state *st,
		     rt_revset *out, rt_error *err)
{
	memset(out, 0, sizeof(*out));
	const char *colon = strchr(range, ':');
	if (!colon || strchr(colon + 1, ':')) {
		rt_fail(err, RT_EUSAGE,
			"History range requires [start]:[end], [start]:, or :[end] (got '%s')",
			range);
		return -1;
	}
	size_t n = g->nrevs ? g->nrevs : 1;
	char *a = rt_xstrndup(range, (size_t)(colon - range));
	const char *b = colon + 1;
	rt_target ta = { 0 }, tb = { 0 };
	int rc = 0;
	if (*a && rt_resolve_into(g, a, st, &ta, err) < 0)
		rc = -1;
	if (rc == 0 && *b && rt_resolve_into(g, b, st, &tb, err) < 0)
		rc = -1;
	if (rc < 0) {
		free(a);
		rt_target_free(&ta);
		return -1;
	}
	unsigned char *below = rt_xcalloc(n, 1), *above = rt_xcalloc(n, 1);
	if (*b && !tb.below) {
		int *tmp = rt_xmalloc(n * sizeof(int));
		size_t cnt = 0;
		rt_graph_dfs_order(g, tb.revs.v, tb.revs.n, below, tmp, &cnt);
		free(tmp);
	} else if (!*b) {
		memset(below, 1, n);
	}
	if (*a && ta.revs.n)
		mark_descendants(g, &ta.revs, above);
	else
		memset(above, 1, n);
	for (size_t k = g->nrevs; k-- > 0;) {
		int r = g->order[k];
		if (below[r] && above[r])
			rt_revset_add(out, r);
	}
	if (!out->n && *a && *b && ta.revs.n && tb.revs.n) {
		rc = rt_fail(err, RT_ERESOLVE,
			     "Requested range %s does not refer to ancestor/descendant revisions along the same branch",
			     range);
		rt_hint(err, "the start of a range must be an ancestor of its end");
	}
	free(below);
	free(above);
	free(a);
	rt_target_free(&ta);
	rt_target_free(&tb);
	return rc;
}

/* See internal.h. */
int rt_select_revisions(const rt_graph *g, const char *const *idents, size_t n,
			unsigned char *mark, rt_error *err)
{
	if (!n) {
		memset(mark, 1, g->nrevs);
		return 0;
	}
	for (size_t i = 0; i < n; i++) {
		rt_target t = { 0 };
		int rc = strchr(idents[i], ':')
			? rt_resolve_range_into(g, idents[i], NULL, &t.revs, err)
			: rt_resolve_into(g, idents[i], NULL, &t, err);
		if (rc < 0) {
			rt_target_free(&t);
			return -1;
		}
		for (size_t j = 0; j < t.revs.n; j++)
			mark[t.revs.v[j]] = 1;
		rt_target_free(&t);
	}
	return 0;
}
