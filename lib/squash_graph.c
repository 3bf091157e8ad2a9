/*
 * squash_graph.c - squashed revisions in the graph and in plans.
 *
 * A squash S (a file with "-- Replaces: r1, ..., rk", a linear chain
 * oldest first) stands for the chain.  While the replaced files are there
 * S stands beside them: it revises r1's parents, nothing revises it, it is
 * neither a head nor a base, and it is in the graph's order (for history
 * and lint).  The version table never records S: a database that took S
 * records rk, exactly as one that took the chain, so databases migrated
 * either way, before or after the squash, by retort or by Alembic with
 * the old files, read alike.  Plans use S where a run would apply (or
 * revert) the whole chain -- a fresh database -- and the replaced files
 * where it starts or ends inside the chain.
 *
 * Once the replaced files are deleted S is an ordinary revision known by
 * rk's id too (rk's children still revise rk), recorded as rk; a database
 * left at r1..r(k-1) is then at a revision no file defines, and the error
 * says which squash replaced it.
 */
#include "internal.h"
#include "graph_internal.h"

#include <stdarg.h>
#include <string.h>

/* "S replaced r1, r2, ..." rows: the squash whose Replaces lists id, or -1. */
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

/* See internal.h. */
void rt_target_unsquash(const rt_graph *g, rt_revset *revs)
{
	for (size_t i = 0; i < revs->n; i++)
		if (g->revs[revs->v[i]]->squash_last >= 0)
			revs->v[i] = g->revs[revs->v[i]]->squash_last;
}

/* Is every revision of squash s's chain among the steps of the plan? */
static int whole_chain(const rt_graph *g, const rt_revision *s, const unsigned char *in_plan)
{
	for (size_t j = 0; j < s->replaces.n; j++)
		if (!in_plan[rt_graph_find(g, s->replaces.v[j])])
			return 0;
	return 1;
}

/*
 * The step of the squash: the first replaced revision's step (the one the
 * version table changes at below the chain) with that revision's id in its
 * version changes replaced by the last's, so the table goes from r1's
 * parents to rk (or back) in one step; displayed as S.
 */
static void squash_step(const rt_graph *g, int si, rt_step *first, rt_step *out)
{
	const rt_revision *s = g->revs[si];
	const char *r1 = s->replaces.v[0], *rk = s->replaces.v[s->replaces.n - 1];
	*out = *first;
	memset(first, 0, sizeof(*first));
	out->rev = si;
	for (size_t j = 0; j < out->nvops; j++) {
		char **f = &out->vops[j].from, **t = &out->vops[j].to;
		if (*f && !strcmp(*f, r1)) {
			free(*f);
			*f = rt_xstrdup(rk);
		}
		if (*t && !strcmp(*t, r1)) {
			free(*t);
			*t = rt_xstrdup(rk);
		}
	}
	rt_strlist *ids = out->dir == RT_UPGRADE ? &out->to : &out->from;
	rt_strlist_free(ids);
	rt_strlist_push(ids, s->id);
}

/*
 * See internal.h.  Steps of a replaced chain that the plan runs whole
 * become the squash's one step, at the place of the chain's last
 * revision (upgrade: everything any of them needs is applied by then;
 * downgrade: rk's place, the first of the chain to go).
 */
void rt_plan_use_squashes(const rt_graph *g, rt_plan *plan)
{
	unsigned char *in_plan = rt_xcalloc(g->nrevs ? g->nrevs : 1, 1);
	for (size_t i = 0; i < plan->n; i++)
		if (plan->steps[i].rev >= 0)
			in_plan[plan->steps[i].rev] = 1;
	for (size_t si = 0; si < g->nrevs; si++) {
		const rt_revision *s = g->revs[si];
		if (s->squash_last < 0 || !whole_chain(g, s, in_plan))
			continue;
		int r1 = rt_graph_find(g, s->replaces.v[0]);
		size_t at = plan->n, first = plan->n, out = 0;
		for (size_t i = 0; i < plan->n; i++) {
			if (plan->steps[i].rev == s->squash_last)
				at = i;
			if (plan->steps[i].rev == r1)
				first = i;
		}
		rt_step merged;
		squash_step(g, (int)si, &plan->steps[first], &merged);
		for (size_t i = 0; i < plan->n; i++) {
			rt_step *st = &plan->steps[i];
			int replaced = i == first || (st->rev >= 0 && g->revs[st->rev]->squashed_by == (int)si);
			if (replaced)
				rt_step_free(st);
			if (i == at)
				plan->steps[out++] = merged;
			else if (!replaced)
				plan->steps[out++] = *st;
		}
		plan->n = out;
	}
	free(in_plan);
}
