/*
 * graph.c - the revision graph: connect the revisions graph_load.c read
 * (or an embedded project's), validate, and precompute what every
 * command asks (heads, bases, a topological order, branch labels).
 *
 * Edges: a revision's down revisions ("Revises") are its parents; its
 * dependencies ("Depends On") must be applied before it but are not
 * parents, so they do not make heads or branch points.  Every algorithm
 * here is linear in revisions + edges: Alembic's quadratic walks are what
 * make its `current` take seconds on long histories.
 */
#include "internal.h"
#include "graph_internal.h"
#include "util/strmap.h"

#include <stdarg.h>
#include <string.h>

static graph_index *gindex(const rt_graph *g)
{
	return g->index;
}

int rt_graph_find(const rt_graph *g, const char *id)
{
	return rt_strmap_get(&gindex(g)->ids, id);
}

int rt_graph_find_label(const rt_graph *g, const char *name)
{
	return rt_strmap_get(&gindex(g)->labels, name);
}

/* Append to an int array of known length (small arrays: grow by one). */
static void push_int(int **v, int *n, int x)
{
	*v = rt_xrealloc(*v, (size_t)(*n + 1) * sizeof(int));
	(*v)[(*n)++] = x;
}

/*
 * Find the revisions whose id starts with prefix; returns how many, and the
 * first two in *a, *b.  Linear: prefixes are only looked up on request.
 */
int rt_graph_prefix(const rt_graph *g, const char *prefix, int *a, int *b)
{
	size_t pl = strlen(prefix);
	int count = 0;
	*a = *b = -1;
	for (size_t i = 0; i < g->nrevs; i++) {
		if (strncmp(g->revs[i]->id, prefix, pl))
			continue;
		if (count == 0)
			*a = (int)i;
		else if (count == 1)
			*b = (int)i;
		count++;
	}
	return count;
}

/* Index ids and labels; duplicates are errors naming both files. */
static void index_names(rt_graph *g, rt_errlist *errs)
{
	graph_index *ix = gindex(g);
	rt_error e = { 0 };
	for (size_t i = 0; i < g->nrevs; i++) {
		rt_revision *r = g->revs[i];
		int old = rt_strmap_put(&ix->ids, r->id, (int)i);
		if (old >= 0) {
			rt_strmap_put(&ix->ids, r->id, old);
			rt_fail_at(&e, RT_EGRAPH, r->path, r->line_id,
				   "revision id %s is already defined by %s",
				   r->id, g->revs[old]->path);
			rt_errlist_add(errs, &e);
		}
	}
	for (size_t i = 0; i < g->nrevs; i++) {
		rt_revision *r = g->revs[i];
		for (size_t j = 0; j < r->labels.n; j++) {
			const char *name = r->labels.v[j];
			int owner = rt_strmap_get(&ix->labels, name);
			if (owner >= 0) {
				rt_fail_at(&e, RT_EGRAPH, r->path, r->line_labels,
					   "branch label '%s' is already used by revision %s (%s)",
					   name, g->revs[g->labels[owner].rev]->id,
					   g->revs[g->labels[owner].rev]->path);
				rt_errlist_add(errs, &e);
				continue;
			}
			if (rt_strmap_get(&ix->ids, name) >= 0) {
				rt_fail_at(&e, RT_EGRAPH, r->path, r->line_labels,
					   "branch label '%s' is also a revision id",
					   name);
				rt_errlist_add(errs, &e);
				continue;
			}
			g->labels = rt_xrealloc(g->labels,
					     (g->nlabels + 1) * sizeof(*g->labels));
			g->labels[g->nlabels].name = name;
			g->labels[g->nlabels].rev = (int)i;
			rt_strmap_put(&ix->labels, name, (int)g->nlabels);
			g->nlabels++;
		}
	}
}

/* Resolve Revises entries: they must be exact ids. */
static void link_parents(rt_graph *g, rt_errlist *errs)
{
	rt_error e = { 0 };
	for (size_t i = 0; i < g->nrevs; i++) {
		rt_revision *r = g->revs[i];
		for (size_t j = 0; j < r->down.n; j++) {
			int p = rt_graph_find(g, r->down.v[j]);
			if (p >= 0) {
				push_int(&r->parents, &r->nparents, p);
				continue;
			}
			int a, b;
			int n = rt_graph_prefix(g, r->down.v[j], &a, &b);
			rt_fail_at(&e, RT_EGRAPH, r->path, r->line_revises,
				   "revision %s revises %s, which no migration file defines",
				   r->id, r->down.v[j]);
			if (n == 1)
				rt_hint(&e, "'Revises' needs the full id: did you mean %s?",
					g->revs[a]->id);
			else
				rt_hint(&e, "restore the missing migration file, or correct 'Revises' in %s",
					r->path);
			rt_errlist_add(errs, &e);
		}
	}
}

/* Resolve Depends On entries: an exact id, a branch label, or a unique prefix. */
static void link_dependencies(rt_graph *g, rt_errlist *errs)
{
	rt_error e = { 0 };
	for (size_t i = 0; i < g->nrevs; i++) {
		rt_revision *r = g->revs[i];
		for (size_t j = 0; j < r->depends.n; j++) {
			const char *d = r->depends.v[j];
			int t = rt_graph_find(g, d);
			if (t < 0) {
				int l = rt_graph_find_label(g, d);
				if (l >= 0)
					t = g->labels[l].rev;
			}
			if (t < 0) {
				int a, b;
				int n = rt_graph_prefix(g, d, &a, &b);
				if (n == 1) {
					t = a;
				} else {
					if (n > 1)
						rt_fail_at(&e, RT_EGRAPH, r->path, r->line_depends,
							   "dependency '%s' of revision %s is ambiguous: %s, %s%s",
							   d, r->id, g->revs[a]->id, g->revs[b]->id,
							   n > 2 ? ", ..." : "");
					else
						rt_fail_at(&e, RT_EGRAPH, r->path, r->line_depends,
							   "revision %s depends on '%s', which is neither a revision nor a branch label",
							   r->id, d);
					rt_errlist_add(errs, &e);
					continue;
				}
			}
			if (t == (int)i) {
				rt_fail_at(&e, RT_EGRAPH, r->path, r->line_depends,
					   "revision %s depends on itself", r->id);
				rt_errlist_add(errs, &e);
				continue;
			}
			push_int(&r->deps, &r->ndeps, t);
			g->revs[t]->ndependants++;
		}
	}
}

/*
 * Children from parents.  A revision that lists the same parent twice is
 * one child of it, so a branch point is not made up; a squash standing
 * beside the chain it replaces is no child at all (see Squashes below).
 */
static void link_children(rt_graph *g)
{
	for (size_t i = 0; i < g->nrevs; i++) {
		rt_revision *r = g->revs[i];
		if (r->squash_last >= 0)
			continue; /* a squash beside its chain makes no branch point */
		for (int j = 0; j < r->nparents; j++) {
			rt_revision *p = g->revs[r->parents[j]];
			int dup = 0;
			for (int k = 0; k < p->nchildren; k++)
				dup |= p->children[k] == (int)i;
			if (!dup)
				push_int(&p->children, &p->nchildren, (int)i);
		}
	}
}

/*
 * Kahn's algorithm over parents and dependencies.  If some revisions are
 * never freed, they sit on or behind a cycle: walk unprocessed
 * predecessors until one repeats, and report the cycle found.
 */
static int check_cycles(rt_graph *g, rt_error *err)
{
	size_t n = g->nrevs, done = 0;
	int *pending = rt_xcalloc(n, sizeof(int));
	int *queue = rt_xmalloc(n * sizeof(int) + 1);
	int **succ = rt_xcalloc(n, sizeof(int *));
	int *nsucc = rt_xcalloc(n, sizeof(int));
	size_t qh = 0, qt = 0;
	for (size_t i = 0; i < n; i++) {
		rt_revision *r = g->revs[i];
		pending[i] = r->nparents + r->ndeps;
		for (int j = 0; j < r->nparents; j++)
			push_int(&succ[r->parents[j]], &nsucc[r->parents[j]], (int)i);
		for (int j = 0; j < r->ndeps; j++)
			push_int(&succ[r->deps[j]], &nsucc[r->deps[j]], (int)i);
		if (!pending[i])
			queue[qt++] = (int)i;
	}
	while (qh < qt) {
		int u = queue[qh++];
		done++;
		for (int j = 0; j < nsucc[u]; j++)
			if (--pending[succ[u][j]] == 0)
				queue[qt++] = succ[u][j];
	}
	int rc = 0;
	if (done < n) {
		/* Follow unprocessed predecessors until a revision repeats. */
		int *pos = rt_xcalloc(n, sizeof(int));
		int *path = rt_xmalloc(n * sizeof(int));
		size_t len = 0;
		int u = 0;
		while (!pending[u])
			u++;
		while (!pos[u]) {
			path[len++] = u;
			pos[u] = (int)len;
			const rt_revision *r = g->revs[u];
			int next = -1;
			for (int j = 0; j < r->nparents && next < 0; j++)
				if (pending[r->parents[j]])
					next = r->parents[j];
			for (int j = 0; j < r->ndeps && next < 0; j++)
				if (pending[r->deps[j]])
					next = r->deps[j];
			u = next;
		}
		strbuf sb = STRBUF_INIT;
		for (size_t k = (size_t)pos[u] - 1; k < len; k++)
			rt_strbuf_addf(&sb, "\n  %s (%s)", g->revs[path[k]]->id,
				    g->revs[path[k]]->path);
		rc = rt_fail(err, RT_EGRAPH,
			     "cycle in the revision graph: each of these revises or depends on the next:%s",
			     rt_strbuf_str(&sb));
		rt_hint(err, "fix 'Revises' or 'Depends On' in one of these files so the chain ends at a base");
		rt_strbuf_release(&sb);
		free(pos);
		free(path);
	}
	for (size_t i = 0; i < n; i++)
		free(succ[i]);
	free(succ);
	free(nsucc);
	free(pending);
	free(queue);
	return rc;
}

/*
 * Depth-first post-order from the heads (in load order), visiting parents
 * in their written order and then dependencies: a topological order in
 * which each branch stays contiguous.  Iterative, so 100,000-revision
 * chains do not exhaust the stack.
 */
void rt_graph_dfs_order(const rt_graph *g, const int *roots, size_t nroots,
			unsigned char *visited, int *out, size_t *nout)
{
	typedef struct { int rev, edge; } frame;
	size_t cap = 64, sp = 0;
	frame *st = rt_xmalloc(cap * sizeof(*st));
	for (size_t k = 0; k < nroots; k++) {
		if (visited[roots[k]])
			continue;
		visited[roots[k]] = 1;
		st[sp++] = (frame){ roots[k], 0 };
		while (sp) {
			frame *f = &st[sp - 1];
			const rt_revision *r = g->revs[f->rev];
			int total = r->nparents + r->ndeps;
			if (f->edge < total) {
				int e = f->edge++;
				int next = e < r->nparents ? r->parents[e]
							   : r->deps[e - r->nparents];
				if (visited[next])
					continue;
				visited[next] = 1;
				if (sp == cap) {
					cap *= 2;
					st = rt_xrealloc(st, cap * sizeof(*st));
				}
				st[sp++] = (frame){ next, 0 };
				continue;
			}
			out[(*nout)++] = f->rev;
			sp--;
		}
	}
	free(st);
}

/*
 * Heads (no children) and bases (no parents) in load order, then the
 * parents-first order walked from the heads -- which reaches every
 * revision -- and each revision's position in it (rt_revision.order,
 * which rt_graph_is_ancestor prunes by).
 */
static void compute_order(rt_graph *g)
{
	size_t n = g->nrevs;
	int *beside = rt_xmalloc((n ? n : 1) * sizeof(int));
	size_t nbeside = 0;
	for (size_t i = 0; i < n; i++) {
		rt_revision *r = g->revs[i];
		if (r->squash_last >= 0) { /* beside its chain: neither head nor base */
			beside[nbeside++] = (int)i;
			continue;
		}
		if (!r->nchildren) {
			g->heads = rt_xrealloc(g->heads, (g->nheads + 1) * sizeof(int));
			g->heads[g->nheads++] = (int)i;
		}
		if (!r->nparents) {
			g->bases = rt_xrealloc(g->bases, (g->nbases + 1) * sizeof(int));
			g->bases[g->nbases++] = (int)i;
		}
	}
	unsigned char *visited = rt_xcalloc(n ? n : 1, 1);
	g->order = rt_xmalloc((n ? n : 1) * sizeof(int));
	size_t nout = 0;
	rt_graph_dfs_order(g, g->heads, g->nheads, visited, g->order, &nout);
	rt_graph_dfs_order(g, beside, nbeside, visited, g->order, &nout);
	free(beside);
	for (size_t i = 0; i < nout; i++)
		g->revs[g->order[i]]->order = (int)i;
	free(visited);
}

/* The lowest revision of a label's branch: down the single-parent chain. */
int rt_graph_label_base(const rt_graph *g, int label)
{
	int r = g->labels[label].rev;
	for (;;) {
		const rt_revision *rev = g->revs[r];
		if (rev->nparents != 1)
			return r;
		const rt_revision *p = g->revs[rev->parents[0]];
		if (p->nchildren != 1)
			return r;
		r = rev->parents[0];
	}
}

/*
 * A label applies to the revision declaring it, its descendants, and the
 * chain below it down to the nearest branch point: as in Alembic, where
 * `history` shows the label on all of them.
 */
static void propagate_labels(rt_graph *g)
{
	size_t n = g->nrevs;
	if (!g->nlabels)
		return;
	int *stack = rt_xmalloc(n * sizeof(int));
	unsigned char *seen = rt_xcalloc(n, 1);
	for (size_t l = 0; l < g->nlabels; l++) {
		memset(seen, 0, n);
		size_t sp = 0;
		int base = rt_graph_label_base(g, (int)l);
		for (int r = g->labels[l].rev; r != base;
		     r = g->revs[r]->parents[0]) {
			seen[r] = 1;
			stack[sp++] = r;
		}
		seen[base] = 1;
		stack[sp++] = base;
		while (sp) {
			rt_revision *r = g->revs[stack[--sp]];
			push_int(&r->branch, &r->nbranch, (int)l);
			for (int j = 0; j < r->nchildren; j++)
				if (!seen[r->children[j]]) {
					seen[r->children[j]] = 1;
					stack[sp++] = r->children[j];
				}
		}
	}
	free(stack);
	free(seen);
}

/*
 * See retort.h.  Parents and dependencies are linked only when ids and
 * labels are sound, so a duplicate id brings no flood of follow-on
 * errors; the errors of a stage are reported together.  Cycles are
 * refused before anything that assumes a DAG (order, labels) runs.
 */
rt_graph *rt_graph_build(rt_revision **revs, size_t n, rt_error *err)
{
	rt_graph *g = rt_xcalloc(1, sizeof(*g));
	graph_index *ix = rt_xcalloc(1, sizeof(*ix));
	g->index = ix;
	g->revs = revs;
	g->nrevs = n;
	rt_strmap_init(&ix->ids, n);
	rt_strmap_init(&ix->labels, 8);
	rt_strmap_init(&ix->replaced, 8);
	for (size_t i = 0; i < n; i++) {
		revs[i]->squash_last = revs[i]->squashed_by = -1;
		revs[i]->version_id = revs[i]->id;
	}
	rt_errlist errs = { 0 };
	index_names(g, &errs);
	if (!errs.n)
		rt_graph_link_squashes(g, &errs);
	if (!errs.n) {
		link_parents(g, &errs);
		link_dependencies(g, &errs);
	}
	if (!errs.n) {
		link_children(g);
		rt_graph_check_squashes(g, &errs);
	}
	if (rt_errlist_finish(&errs, err) < 0) {
		rt_graph_free(g);
		return NULL;
	}
	if (check_cycles(g, err) < 0) {
		rt_graph_free(g);
		return NULL;
	}
	compute_order(g);
	propagate_labels(g);
	for (size_t i = 0; i < n; i++) {
		revs[i]->graph = g;
		revs[i]->index = (int)i;
	}
	return g;
}

/* Frees the revisions (with their texts), the arrays and the index; g may be NULL. */
void rt_graph_free(rt_graph *g)
{
	if (!g)
		return;
	for (size_t i = 0; i < g->nrevs; i++)
		rt_revision_free(g->revs[i]);
	free(g->revs);
	free(g->heads);
	free(g->bases);
	free(g->order);
	free(g->labels);
	graph_index *ix = g->index;
	if (ix) {
		rt_strmap_free(&ix->ids);
		rt_strmap_free(&ix->labels);
		rt_strmap_free(&ix->replaced);
		free(ix);
	}
	free(g);
}

/* Depth-first search down from b, pruned by topological position. */
int rt_graph_is_ancestor(const rt_graph *g, int a, int b)
{
	if (a == b)
		return 0;
	int lo = g->revs[a]->order;
	if (g->revs[b]->order < lo)
		return 0;
	size_t n = g->nrevs, sp = 0;
	int *stack = rt_xmalloc(n * sizeof(int));
	unsigned char *seen = rt_xcalloc(n, 1);
	int found = 0;
	stack[sp++] = b;
	seen[b] = 1;
	while (sp && !found) {
		const rt_revision *r = g->revs[stack[--sp]];
		int total = r->nparents + r->ndeps;
		for (int e = 0; e < total; e++) {
			int p = e < r->nparents ? r->parents[e]
						: r->deps[e - r->nparents];
			if (p == a) {
				found = 1;
				break;
			}
			if (!seen[p] && g->revs[p]->order > lo) {
				seen[p] = 1;
				stack[sp++] = p;
			}
		}
	}
	free(stack);
	free(seen);
	return found;
}

int rt_graph_is_effective_head(const rt_graph *g, int rev)
{
	const rt_revision *r = g->revs[rev];
	return r->nchildren == 0 && r->ndependants > 0;
}

void rt_revset_add(rt_revset *s, int rev)
{
	ALLOC_GROW(s->v, s->n + 1, s->alloc);
	s->v[s->n++] = rev;
}

int rt_revset_has(const rt_revset *s, int rev)
{
	for (size_t i = 0; i < s->n; i++)
		if (s->v[i] == rev)
			return 1;
	return 0;
}

void rt_revset_free(rt_revset *s)
{
	free(s->v);
	memset(s, 0, sizeof(*s));
}

void rt_revset_join(strbuf *sb, const rt_graph *g, const rt_revset *s,
		    const char *sep)
{
	for (size_t i = 0; i < s->n; i++) {
		if (i)
			rt_strbuf_adds(sb, sep);
		rt_strbuf_adds(sb, g->revs[s->v[i]]->id);
	}
}

/* ------------------------------------------------------------------ */
/* Squashes                                                             */
/* ------------------------------------------------------------------ */

/*
 * A squash S ("-- Replaces: r1, ..., rk", docs/revisions.md) beside its
 * chain is neither head nor base nor anyone's child, and is recorded as
 * rk (version_id); once the chain's files are gone it is an ordinary
 * revision that also answers to rk's id.  Plans: rt_plan_use_squashes.
 */

/* See internal.h: the squash whose Replaces lists id (files gone), or -1. */
int rt_graph_replaced_by(const rt_graph *g, const char *id)
{
	return rt_strmap_get(&((graph_index *)g->index)->replaced, id);
}

/*
 * See graph_internal.h.  Before parents are linked, so that rk's children
 * find S by rk's id when the replaced files are gone.
 */
void rt_graph_link_squashes(rt_graph *g, rt_errlist *errs)
{
	graph_index *ix = g->index;
	rt_error e = { 0 };
	for (size_t i = 0; i < g->nrevs; i++) {
		rt_revision *s = g->revs[i];
		size_t k = s->replaces.n, present = 0;
		if (!k)
			continue;
		for (size_t j = 0; j < k; j++)
			present += rt_graph_find(g, s->replaces.v[j]) >= 0;
		if (present && present < k) {
			strbuf gone = STRBUF_INIT;
			for (size_t j = 0; j < k; j++)
				if (rt_graph_find(g, s->replaces.v[j]) < 0)
					rt_strbuf_addf(&gone, "%s%s", gone.len ? ", " : "", s->replaces.v[j]);
			rt_fail_at(&e, RT_EGRAPH, s->path, s->line_replaces,
				   "squash %s replaces %zu revisions, but only %zu of their files are here (gone: %s)",
				   s->id, k, present, gone.buf);
			rt_hint(&e, "delete the replaced files all together once no database needs them (retort verify says), or restore the missing ones");
			rt_strbuf_release(&gone);
			rt_errlist_add(errs, &e);
			continue;
		}
		s->version_id = s->replaces.v[k - 1];
		if (present) {
			s->squash_last = rt_graph_find(g, s->replaces.v[k - 1]);
			for (size_t j = 0; j < k; j++) {
				rt_revision *r = g->revs[rt_graph_find(g, s->replaces.v[j])];
				if (r->squashed_by >= 0) {
					rt_fail_at(&e, RT_EGRAPH, s->path, s->line_replaces,
						   "revision %s is replaced by two squashes: %s and %s",
						   r->id, g->revs[r->squashed_by]->id, s->id);
					rt_errlist_add(errs, &e);
					continue;
				}
				r->squashed_by = (int)i;
			}
			continue;
		}
		/* the files are gone: S answers to rk's id, and the others name S */
		rt_strmap_put(&ix->ids, s->replaces.v[k - 1], (int)i);
		for (size_t j = 0; j < k; j++)
			rt_strmap_put(&ix->replaced, s->replaces.v[j], (int)i);
	}
}

static void chain_error(rt_errlist *errs, const rt_revision *s, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
/* One problem of a squash's chain (printf-style), naming the squash and what to do. */
static void chain_error(rt_errlist *errs, const rt_revision *s, const char *fmt, ...)
{
	rt_error e = { 0 };
	strbuf m = STRBUF_INIT;
	va_list ap;
	va_start(ap, fmt);
	rt_strbuf_vaddf(&m, fmt, ap);
	va_end(ap);
	rt_fail_at(&e, RT_EGRAPH, s->path, s->line_replaces, "squash %s: %s", s->id, m.buf);
	rt_hint(&e, "a squash replaces a linear chain, oldest first, and revises what its first revision revises");
	rt_strbuf_release(&m);
	rt_errlist_add(errs, &e);
}

/*
 * See graph_internal.h.  A squash beside its chain: the chain is linear
 * (each revision the only child of the one before, nothing but the last
 * depended on), S revises what r1 revises, and nothing revises S.
 */
void rt_graph_check_squashes(rt_graph *g, rt_errlist *errs)
{
	for (size_t i = 0; i < g->nrevs; i++) {
		const rt_revision *s = g->revs[i];
		if (s->squash_last < 0)
			continue;
		size_t k = s->replaces.n;
		if (s->nchildren)
			chain_error(errs, s, "%s revises it; revisions after a squash revise its last replaced revision, %s",
				    g->revs[s->children[0]]->id, g->revs[s->squash_last]->id);
		const rt_revision *first = g->revs[rt_graph_find(g, s->replaces.v[0])];
		int same = first->nparents == s->nparents;
		for (int j = 0; same && j < s->nparents; j++)
			same = first->parents[j] == s->parents[j];
		if (!same)
			chain_error(errs, s, "it must revise what %s revises", first->id);
		for (size_t j = 0; j < k; j++) {
			const rt_revision *r = g->revs[rt_graph_find(g, s->replaces.v[j])];
			if (j + 1 < k) {
				const char *next = s->replaces.v[j + 1];
				if (r->nchildren != 1 || strcmp(g->revs[r->children[0]]->id, next))
					chain_error(errs, s, "%s is not followed by %s alone (a branch point, or not in this order)",
						    r->id, next);
				if (r->ndependants)
					chain_error(errs, s, "a revision depends on %s, which is inside the chain", r->id);
			}
			if (j > 0 && r->nparents != 1)
				chain_error(errs, s, "%s is a merge point", r->id);
		}
	}
}
