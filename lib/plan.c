/*
 * plan.c - from the database's version rows and a target to an ordered
 * list of steps, each with the version-table changes it makes.
 *
 * The version table keeps Alembic's invariant: one row per applied head,
 * never a row that is an ancestor (or dependency) of another row.  Each
 * step changes it exactly as Alembic would, so a database can be handed
 * back and forth between the two tools:
 *
 *   upgrade R, P = R's parents and dependencies:
 *     no P is a row            INSERT R
 *     one P is a row           UPDATE p -> R
 *     several are rows         DELETE all but the last, UPDATE last -> R
 *   downgrade R, P as above, keeping those no other applied revision needs:
 *     none                     DELETE R
 *     one                      UPDATE R -> p
 *     several                  UPDATE R -> first, INSERT the others
 *
 * Where Alembic picks by hash order (the un-merge), retort is
 * deterministic.  Everything is linear in revisions + edges.
 */
#include "internal.h"
#include "graph_internal.h"

#include <string.h>

/* Rows as a membership bitmap plus an ordered list (the table's rows). */
typedef struct rows {
	unsigned char *is;
	rt_revset list;
} rows;

static void rows_init(rows *r, const rt_graph *g, const rt_revset *from)
{
	r->is = rt_xcalloc(g->nrevs ? g->nrevs : 1, 1);
	memset(&r->list, 0, sizeof(r->list));
	for (size_t i = 0; i < from->n; i++)
		if (!r->is[from->v[i]]) {
			r->is[from->v[i]] = 1;
			rt_revset_add(&r->list, from->v[i]);
		}
}

/*
 * Remove rev: its bit, and its entry of the ordered list, the others
 * keeping their order.  (Only the bitmap is read back in this file; the
 * list is kept up to date all the same.)
 */
static void rows_del(rows *r, int rev)
{
	r->is[rev] = 0;
	for (size_t i = 0; i < r->list.n; i++)
		if (r->list.v[i] == rev) {
			memmove(r->list.v + i, r->list.v + i + 1,
				(r->list.n - i - 1) * sizeof(int));
			r->list.n--;
			return;
		}
}

static void rows_add(rows *r, int rev)
{
	if (!r->is[rev]) {
		r->is[rev] = 1;
		rt_revset_add(&r->list, rev);
	}
}

static void rows_free(rows *r)
{
	free(r->is);
	rt_revset_free(&r->list);
}

static void add_vop(rt_step *s, int kind, const char *from, const char *to)
{
	s->vops = rt_xrealloc(s->vops, (s->nvops + 1) * sizeof(*s->vops));
	rt_vop *v = &s->vops[s->nvops++];
	v->kind = kind;
	v->from = rt_xstrdup_or_null(from);
	v->to = rt_xstrdup_or_null(to);
}

static rt_step *new_step(rt_plan *p, rt_direction dir, int rev)
{
	p->steps = rt_xrealloc(p->steps, (p->n + 1) * sizeof(*p->steps));
	rt_step *s = &p->steps[p->n++];
	memset(s, 0, sizeof(*s));
	s->dir = dir;
	s->rev = rev;
	return s;
}

/* See internal.h. */
void rt_step_free(rt_step *s)
{
	for (size_t j = 0; j < s->nvops; j++) {
		free(s->vops[j].from);
		free(s->vops[j].to);
	}
	free(s->vops);
	rt_strlist_free(&s->from);
	rt_strlist_free(&s->to);
}

/* Frees every step's vops and id lists and the steps; the plan is left empty. */
void rt_plan_free(rt_plan *p)
{
	for (size_t i = 0; i < p->n; i++)
		rt_step_free(&p->steps[i]);
	free(p->steps);
	p->steps = NULL;
	p->n = 0;
}

/* A database row that no file defines stops every plan but a purging stamp. */
int rt_state_check(const rt_graph *g, const rt_state *st, rt_error *err)
{
	if (!st->unknown.n)
		return 0;
	for (size_t i = 0; i < st->unknown.n; i++) {
		int s = rt_graph_replaced_by(g, st->unknown.v[i]);
		if (s < 0)
			continue;
		const rt_revision *S = g->revs[s];
		rt_fail(err, RT_EDB,
			"database is at revision %s, inside the chain that squash %s replaces (%s), and the replaced files have been deleted",
			st->unknown.v[i], S->id, S->path);
		rt_hint(err, "restore the replaced files (the revisions listed in its Replaces header) and run retort upgrade, which goes on through them; retort verify lists the databases that still need them");
		return -1;
	}
	strbuf heads = STRBUF_INIT, unknown = STRBUF_INIT;
	for (size_t i = 0; i < g->nheads; i++)
		rt_strbuf_addf(&heads, "%s%s", i ? ", " : "",
			    g->revs[g->heads[i]]->id);
	rt_strlist_join(&unknown, &st->unknown, ", ");
	rt_fail(err, RT_EDB,
		"database is at revision%s %s, which no migration file defines (the known heads are: %s)",
		st->unknown.n > 1 ? "s" : "", unknown.buf,
		g->nheads ? heads.buf : "none");
	rt_strbuf_release(&unknown);
	rt_hint(err, "restore the missing migration file (is this checkout older than the database?), "
		"or once the schema is checked to match, stamp the right revision replacing every row");
	rt_fix_with(err, RT_FIX_STAMP_PURGE, "<revision>");
	rt_strbuf_release(&heads);
	return -1;
}

/* Bitmap of everything applied: the rows and all their ancestors. */
static unsigned char *applied_set(const rt_graph *g, const rt_revset *roots)
{
	size_t n = g->nrevs ? g->nrevs : 1, cnt = 0;
	unsigned char *applied = rt_xcalloc(n, 1);
	int *tmp = rt_xmalloc(n * sizeof(int));
	rt_graph_dfs_order(g, roots->v, roots->n, applied, tmp, &cnt);
	free(tmp);
	return applied;
}

/* The targets of an upgrade: label@base means the parents of those named. */
static void upgrade_roots(const rt_graph *g, const rt_target *t, rt_revset *out)
{
	for (size_t i = 0; i < t->revs.n; i++) {
		const rt_revision *r = g->revs[t->revs.v[i]];
		if (!t->below) {
			rt_revset_add(out, t->revs.v[i]);
			continue;
		}
		for (int j = 0; j < r->nparents; j++)
			if (!rt_revset_has(out, r->parents[j]))
				rt_revset_add(out, r->parents[j]);
	}
}

static void ids_of(rt_strlist *l, const rt_graph *g, const int *v, int n)
{
	for (int i = 0; i < n; i++)
		rt_strlist_push(l, g->revs[v[i]]->id);
}

/* Record the version-table change of upgrading rev and apply it to r. */
static void upgrade_vops(const rt_graph *g, rows *r, int rev, rt_step *s)
{
	const rt_revision *R = g->revs[rev];
	int in[64], nin = 0, total = R->nparents + R->ndeps;
	int *inrows = total > 64 ? rt_xmalloc((size_t)total * sizeof(int)) : in;
	for (int e = 0; e < total; e++) {
		int p = e < R->nparents ? R->parents[e] : R->deps[e - R->nparents];
		int dup = 0;
		for (int k = 0; k < nin; k++)
			dup |= inrows[k] == p;
		if (r->is[p] && !dup)
			inrows[nin++] = p;
	}
	if (nin == 0) {
		add_vop(s, RT_VOP_INSERT, NULL, R->version_id);
	} else {
		for (int k = 0; k < nin - 1; k++) {
			add_vop(s, RT_VOP_DELETE, g->revs[inrows[k]]->version_id, NULL);
			rows_del(r, inrows[k]);
		}
		add_vop(s, RT_VOP_UPDATE, g->revs[inrows[nin - 1]]->version_id, R->version_id);
		rows_del(r, inrows[nin - 1]);
	}
	rows_add(r, rev);
	if (inrows != in)
		free(inrows);
}

/*
 * See retort.h.  The steps are the post-order walk from the targets that
 * skips whatever is applied already (the rows and all below them), so a
 * revision's parents and dependencies always come first; the version
 * table is simulated step by step to record each step's changes.
 */
int rt_plan_upgrade(const rt_graph *g, const rt_state *st,
		    const rt_target *target, rt_plan *plan, rt_error *err)
{
	memset(plan, 0, sizeof(*plan));
	if (rt_state_check(g, st, err) < 0)
		return -1;
	rt_revset roots = { 0 };
	upgrade_roots(g, target, &roots);
	unsigned char *visited = applied_set(g, &st->rows);
	int *order = rt_xmalloc((g->nrevs ? g->nrevs : 1) * sizeof(int));
	size_t n = 0;
	rt_graph_dfs_order(g, roots.v, roots.n, visited, order, &n);
	rows r;
	rows_init(&r, g, &st->rows);
	for (size_t i = 0; i < n; i++) {
		const rt_revision *R = g->revs[order[i]];
		rt_step *s = new_step(plan, RT_UPGRADE, order[i]);
		ids_of(&s->from, g, R->parents, R->nparents);
		rt_strlist_push(&s->to, R->id);
		upgrade_vops(g, &r, order[i], s);
	}
	rows_free(&r);
	free(order);
	free(visited);
	rt_revset_free(&roots);
	rt_plan_use_squashes(g, plan);
	return 0;
}

/* Reverse adjacency of dependencies: who depends on each revision. */
static int **dependants_of(const rt_graph *g, int **counts)
{
	size_t n = g->nrevs ? g->nrevs : 1;
	int **dep = rt_xcalloc(n, sizeof(int *));
	int *cnt = rt_xcalloc(n, sizeof(int));
	for (size_t i = 0; i < g->nrevs; i++) {
		const rt_revision *r = g->revs[i];
		for (int j = 0; j < r->ndeps; j++) {
			int t = r->deps[j];
			dep[t] = rt_xrealloc(dep[t], (size_t)(cnt[t] + 1) * sizeof(int));
			dep[t][cnt[t]++] = (int)i;
		}
	}
	*counts = cnt;
	return dep;
}

static void free_dependants(const rt_graph *g, int **dep, int *cnt)
{
	for (size_t i = 0; i < g->nrevs; i++)
		free(dep[i]);
	free(dep);
	free(cnt);
}

/* Is p still needed by an applied revision other than rev? */
static int still_needed(const rt_graph *g, const unsigned char *applied,
			int **dep, const int *ndep, int p, int rev)
{
	const rt_revision *P = g->revs[p];
	for (int j = 0; j < P->nchildren; j++)
		if (P->children[j] != rev && applied[P->children[j]])
			return 1;
	for (int j = 0; j < ndep[p]; j++)
		if (dep[p][j] != rev && applied[dep[p][j]])
			return 1;
	return 0;
}

/* Record the version-table change of downgrading rev and apply it. */
static void downgrade_vops(const rt_graph *g, rows *r, unsigned char *applied,
			   int **dep, const int *ndep, int rev, rt_step *s)
{
	const rt_revision *R = g->revs[rev];
	applied[rev] = 0;
	int in[64], nin = 0, total = R->nparents + R->ndeps;
	int *keep = total > 64 ? rt_xmalloc((size_t)total * sizeof(int)) : in;
	for (int e = 0; e < total; e++) {
		int p = e < R->nparents ? R->parents[e] : R->deps[e - R->nparents];
		int dup = 0;
		for (int k = 0; k < nin; k++)
			dup |= keep[k] == p;
		if (!dup && !r->is[p] && !still_needed(g, applied, dep, ndep, p, rev))
			keep[nin++] = p;
	}
	if (nin == 0) {
		add_vop(s, RT_VOP_DELETE, R->version_id, NULL);
	} else {
		for (int k = 1; k < nin; k++) {
			add_vop(s, RT_VOP_INSERT, NULL, g->revs[keep[k]]->version_id);
			rows_add(r, keep[k]);
		}
		add_vop(s, RT_VOP_UPDATE, R->version_id, g->revs[keep[0]]->version_id);
		rows_add(r, keep[0]);
	}
	rows_del(r, rev);
	if (keep != in)
		free(keep);
}

/* A downgrade step for rev (from it to its parents), its version-table changes applied to r. */
static void downgrade_step(const rt_graph *g, rt_plan *plan, rows *r, unsigned char *applied,
			   int **dep, const int *ndep, int rev)
{
	const rt_revision *R = g->revs[rev];
	rt_step *s = new_step(plan, RT_DOWNGRADE, rev);
	rt_strlist_push(&s->from, R->id);
	ids_of(&s->to, g, R->parents, R->nparents);
	downgrade_vops(g, r, applied, dep, ndep, rev, s);
}

/* Every target must be applied: downgrading "to" something absent means nothing. */
static int check_downgrade_target(const rt_graph *g, const rt_state *st,
				  const unsigned char *applied,
				  const rt_target *t, rt_error *err)
{
	for (size_t i = 0; i < t->revs.n; i++) {
		if (applied[t->revs.v[i]])
			continue;
		if (t->below)
			continue;
		rt_revset cur = { 0 };
		rt_state_heads(g, st, &cur);
		strbuf sb = STRBUF_INIT;
		rt_revset_join(&sb, g, &cur, ", ");
		rt_fail(err, RT_ERESOLVE,
			"Destination %s is not a valid downgrade target from current head(s) %s: it is not applied",
			g->revs[t->revs.v[i]]->id, cur.n ? sb.buf : "(base)");
		rt_hint(err, "the current revisions show what is applied; upgrading to %s moves forward instead",
			g->revs[t->revs.v[i]]->id);
		rt_fix_with(err, RT_FIX_UPGRADE, g->revs[t->revs.v[i]]->id);
		rt_strbuf_release(&sb);
		rt_revset_free(&cur);
		return -1;
	}
	return 0;
}

/* Push rev unless it was pushed before (the stack never exceeds nrevs). */
static void push_unseen(int *stack, size_t *sp, unsigned char *seen, int rev)
{
	if (seen[rev])
		return;
	seen[rev] = 1;
	stack[(*sp)++] = rev;
}

/*
 * The applied revisions to remove: everything reachable upward (children
 * and dependants) from the target's children -- or from the targets
 * themselves for label@base, or from every base for base -- that is
 * applied and is not itself needed by a target.  What merely depends on a
 * target stays: the target itself stays applied.
 */
static unsigned char *drop_set(const rt_graph *g, const unsigned char *applied,
			       const rt_target *t, int **dep, const int *ndep)
{
	size_t n = g->nrevs ? g->nrevs : 1, sp = 0;
	unsigned char *keep = applied_set(g, t->below ? &(rt_revset){ 0 } : &t->revs);
	unsigned char *drop = rt_xcalloc(n, 1);
	unsigned char *seen = rt_xcalloc(n, 1);
	int *stack = rt_xmalloc(n * sizeof(int));
	if (!t->revs.n) {
		for (size_t i = 0; i < g->nbases; i++)
			push_unseen(stack, &sp, seen, g->bases[i]);
	} else if (t->below) {
		for (size_t i = 0; i < t->revs.n; i++)
			push_unseen(stack, &sp, seen, t->revs.v[i]);
	} else {
		/* The targets' children: for branch@... only those on the branch. */
		for (size_t i = 0; i < t->revs.n; i++) {
			const rt_revision *r = g->revs[t->revs.v[i]];
			for (int j = 0; j < r->nchildren; j++)
				if (!t->branch || t->branch[r->children[j]])
					push_unseen(stack, &sp, seen, r->children[j]);
		}
	}
	while (sp) {
		int u = stack[--sp];
		if (!applied[u] || keep[u])
			continue;
		drop[u] = 1;
		const rt_revision *r = g->revs[u];
		for (int j = 0; j < r->nchildren; j++)
			push_unseen(stack, &sp, seen, r->children[j]);
		for (int j = 0; j < ndep[u]; j++)
			push_unseen(stack, &sp, seen, dep[u][j]);
	}
	free(seen);
	free(stack);
	free(keep);
	return drop;
}

/*
 * See retort.h.  A target that is not applied is an error (label@base
 * aside); what goes is drop_set, in the order explained below.
 */
int rt_plan_downgrade(const rt_graph *g, const rt_state *st,
		      const rt_target *target, rt_plan *plan, rt_error *err)
{
	memset(plan, 0, sizeof(*plan));
	if (rt_state_check(g, st, err) < 0)
		return -1;
	unsigned char *applied = applied_set(g, &st->rows);
	if (check_downgrade_target(g, st, applied, target, err) < 0) {
		free(applied);
		return -1;
	}
	int *ndep;
	int **dep = dependants_of(g, &ndep);
	unsigned char *drop = drop_set(g, applied, target, dep, ndep);
	/*
	 * The exact reverse of the graph's topological order: children
	 * first, and the same order whatever order the table's rows are in.
	 */
	rows r;
	rows_init(&r, g, &st->rows);
	for (size_t k = g->nrevs; k-- > 0;) {
		int rev = g->order[k];
		if (drop[rev])
			downgrade_step(g, plan, &r, applied, dep, ndep, rev);
	}
	rows_free(&r);
	free(drop);
	free(applied);
	free_dependants(g, dep, ndep);
	rt_plan_use_squashes(g, plan);
	return 0;
}

/*
 * See internal.h.  The single step rt_plan_downgrade would make for rev
 * if rev were the only revision to go.
 */
int rt_plan_downgrade_one(const rt_graph *g, const rt_state *st, int rev,
			  rt_plan *plan, rt_error *err)
{
	memset(plan, 0, sizeof(*plan));
	unsigned char *applied = applied_set(g, &st->rows);
	int *ndep;
	int **dep = dependants_of(g, &ndep);
	int rc = 0;
	if (!applied[rev] || still_needed(g, applied, dep, ndep, rev, -1)) {
		rc = rt_fail(err, RT_EUSAGE, "revision %s cannot be reverted alone: it is %s",
			     g->revs[rev]->id, applied[rev] ? "needed by an applied revision" : "not applied");
	} else {
		rows r;
		rows_init(&r, g, &st->rows);
		downgrade_step(g, plan, &r, applied, dep, ndep, rev);
		rows_free(&r);
	}
	free(applied);
	free_dependants(g, dep, ndep);
	return rc;
}

/*
 * See retort_int.h.  drop must be applied and nothing applied outside it
 * may need a member of it (checked here: the history a run id names can
 * disagree with a version table changed by hand since).  Steps go in the
 * exact reverse of the graph's topological order, as rt_plan_downgrade's.
 */
int rt_plan_revert(const rt_graph *g, const rt_state *st, const unsigned char *drop,
		   rt_plan *plan, rt_error *err)
{
	memset(plan, 0, sizeof(*plan));
	if (rt_state_check(g, st, err) < 0)
		return -1;
	unsigned char *applied = applied_set(g, &st->rows);
	int rc = 0;
	for (size_t i = 0; rc == 0 && i < g->nrevs; i++) {
		const rt_revision *R = g->revs[i];
		if (drop[i] && !applied[i]) {
			rc = rt_fail(err, RT_EFAIL, "revision %s is not applied any more: the version table changed since",
				     R->id);
			continue;
		}
		for (int j = 0; rc == 0 && applied[i] && !drop[i] && j < R->nparents + R->ndeps; j++) {
			int p = j < R->nparents ? R->parents[j] : R->deps[j - R->nparents];
			if (drop[p])
				rc = rt_fail(err, RT_EFAIL, "revision %s is applied and needs %s, which would be reverted",
					     R->id, g->revs[p]->id);
		}
	}
	if (rc == 0) {
		int *ndep;
		int **dep = dependants_of(g, &ndep);
		rows r;
		rows_init(&r, g, &st->rows);
		for (size_t k = g->nrevs; k-- > 0;) {
			int rev = g->order[k];
			if (drop[rev])
				downgrade_step(g, plan, &r, applied, dep, ndep, rev);
		}
		rows_free(&r);
		free_dependants(g, dep, ndep);
	}
	free(applied);
	return rc;
}

/* Drop members of s that are ancestors of other members. */
static void minimise(const rt_graph *g, rt_revset *s)
{
	rt_revset parents = { 0 };
	for (size_t i = 0; i < s->n; i++) {
		const rt_revision *r = g->revs[s->v[i]];
		for (int j = 0; j < r->nparents; j++)
			rt_revset_add(&parents, r->parents[j]);
		for (int j = 0; j < r->ndeps; j++)
			rt_revset_add(&parents, r->deps[j]);
	}
	unsigned char *below = applied_set(g, &parents);
	rt_revset out = { 0 };
	for (size_t i = 0; i < s->n; i++)
		if (!below[s->v[i]] && !rt_revset_has(&out, s->v[i]))
			rt_revset_add(&out, s->v[i]);
	free(below);
	rt_revset_free(&parents);
	rt_revset_free(s);
	*s = out;
}

static int related(const rt_graph *g, int a, int b)
{
	return a == b || rt_graph_is_ancestor(g, a, b) ||
	       rt_graph_is_ancestor(g, b, a);
}

/* Sort a (small) set by position in the graph's order: deterministic output. */
static void sort_by_order(const rt_graph *g, rt_revset *s)
{
	for (size_t i = 1; i < s->n; i++) {
		int x = s->v[i];
		size_t j = i;
		for (; j > 0 && g->revs[s->v[j - 1]]->order > g->revs[x]->order; j--)
			s->v[j] = s->v[j - 1];
		s->v[j] = x;
	}
}

/*
 * The rows after a stamp.  A target is a set of revisions (label@base: the
 * parents of those named); rows on the same line as a named revision
 * (ancestors or descendants) are replaced, rows of unrelated branches
 * kept -- except for base, or with purge, which replace every row.
 */
static void stamp_rows(const rt_graph *g, const rt_state *st,
		       const rt_target *targets, size_t ntargets, int purge,
		       rt_revset *next)
{
	rt_revset want = { 0 }, named = { 0 };
	int clear = purge;
	for (size_t i = 0; i < ntargets; i++) {
		upgrade_roots(g, &targets[i], &want);
		for (size_t j = 0; j < targets[i].revs.n; j++)
			rt_revset_add(&named, targets[i].revs.v[j]);
		if (!targets[i].revs.n)
			clear = 1;
	}
	for (size_t i = 0; i < st->rows.n && !clear; i++) {
		int keep = 1;
		for (size_t j = 0; j < named.n && keep; j++)
			keep = !related(g, st->rows.v[i], named.v[j]);
		if (keep)
			rt_revset_add(next, st->rows.v[i]);
	}
	for (size_t i = 0; i < want.n; i++)
		rt_revset_add(next, want.v[i]);
	minimise(g, next);
	sort_by_order(g, next);
	rt_revset_free(&want);
	rt_revset_free(&named);
}

/*
 * The version-table changes from the rows to next: unknown rows deleted
 * (purge), then each new row UPDATEd from a removed row of its own line
 * (else from any removed row), the rest DELETEd and INSERTed.
 */
static void stamp_vops(const rt_graph *g, const rt_state *st,
		       const rt_revset *next, rt_step *s)
{
	rt_revset removed = { 0 }, added = { 0 };
	for (size_t i = 0; i < st->rows.n; i++)
		if (!rt_revset_has(next, st->rows.v[i]) &&
		    !rt_revset_has(&removed, st->rows.v[i]))
			rt_revset_add(&removed, st->rows.v[i]);
	for (size_t i = 0; i < next->n; i++)
		if (!rt_revset_has(&st->rows, next->v[i]))
			rt_revset_add(&added, next->v[i]);
	sort_by_order(g, &removed);
	for (size_t i = 0; i < st->unknown.n; i++)
		add_vop(s, RT_VOP_DELETE, st->unknown.v[i], NULL);
	/* pair[i]: the removed row added[i] replaces, or -1. */
	int *pair = rt_xmalloc((added.n ? added.n : 1) * sizeof(int));
	unsigned char *used = rt_xcalloc(removed.n ? removed.n : 1, 1);
	for (int pass = 0; pass < 2; pass++)
		for (size_t i = 0; i < added.n; i++) {
			if (pass == 0)
				pair[i] = -1;
			for (size_t k = 0; k < removed.n && pair[i] < 0; k++)
				if (!used[k] && (pass == 1 ||
						 related(g, removed.v[k], added.v[i]))) {
					used[k] = 1;
					pair[i] = (int)k;
				}
		}
	for (size_t i = 0; i < added.n; i++)
		if (pair[i] >= 0)
			add_vop(s, RT_VOP_UPDATE, g->revs[removed.v[pair[i]]]->version_id,
				g->revs[added.v[i]]->version_id);
	for (size_t k = 0; k < removed.n; k++)
		if (!used[k])
			add_vop(s, RT_VOP_DELETE, g->revs[removed.v[k]]->version_id, NULL);
	for (size_t i = 0; i < added.n; i++)
		if (pair[i] < 0)
			add_vop(s, RT_VOP_INSERT, NULL, g->revs[added.v[i]]->version_id);
	free(pair);
	free(used);
	rt_revset_free(&removed);
	rt_revset_free(&added);
}

/*
 * See retort.h.  One step (rev -1), or none when the rows would not
 * change.  Without purge a row no file defines is an error, as for every
 * plan; with purge such rows are deleted.
 */
int rt_plan_stamp(const rt_graph *g, const rt_state *st,
		  const rt_target *targets, size_t ntargets, int purge,
		  rt_plan *plan, rt_error *err)
{
	memset(plan, 0, sizeof(*plan));
	if (!purge && rt_state_check(g, st, err) < 0)
		return -1;
	rt_revset next = { 0 };
	stamp_rows(g, st, targets, ntargets, purge, &next);
	int same = next.n == st->rows.n && !(purge && st->unknown.n);
	for (size_t i = 0; i < next.n && same; i++)
		same = rt_revset_has(&st->rows, next.v[i]);
	if (!same) {
		/* from/to: the rows that go and the rows that come (Alembic's display) */
		rt_step *s = new_step(plan, RT_STAMP, -1);
		for (size_t i = 0; i < st->rows.n; i++)
			if (!rt_revset_has(&next, st->rows.v[i]))
				rt_strlist_push(&s->from, g->revs[st->rows.v[i]]->id);
		for (size_t i = 0; purge && i < st->unknown.n; i++)
			rt_strlist_push(&s->from, st->unknown.v[i]);
		for (size_t i = 0; i < next.n; i++)
			if (!rt_revset_has(&st->rows, next.v[i]))
				rt_strlist_push(&s->to, g->revs[next.v[i]]->id);
		stamp_vops(g, st, &next, s);
	}
	rt_revset_free(&next);
	return 0;
}

/* ------------------------------------------------------------------ */
/* Squashes (graph.c tells which revisions are; docs/revisions.md)      */
/* ------------------------------------------------------------------ */

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
