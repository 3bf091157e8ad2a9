/*
 * resolve.c - turn a revision identifier into revisions.
 *
 * The grammar is Alembic's, accepted the same way everywhere:
 *
 *   base | head | heads | current
 *   <id> | <unique id prefix> | <branch label>
 *   <branch>@head | <branch>@heads | <branch>@base | <branch>@<rev>
 *   +N | -N                      relative to the database's current revision
 *   <rev>+N | <rev>-N | head-N   relative to a revision
 *   <branch>@+N | <branch>@-N | <branch>@<rev>+N
 *
 * where <branch> is a branch label, or a revision id standing for the line
 * of revisions through it.  Errors keep Alembic's "Can't locate revision
 * identified by ..." but say why (unknown, ambiguous prefix, not on that
 * branch), and list the candidates.
 */
#include "internal.h"
#include "graph_internal.h"

#include <ctype.h>
#include <limits.h>
#include <string.h>

/* See retort.h and retort_int.h (heap).  t may be NULL. */
void rt_target_free(rt_target *t)
{
	if (!t)
		return;
	int heap = t->heap;
	rt_revset_free(&t->revs);
	free(t->branch);
	t->branch = NULL;
	t->below = 0;
	if (heap)
		free(t);
}

/* See retort.h and retort_int.h (heap).  st may be NULL. */
void rt_state_free(rt_state *st)
{
	if (!st)
		return;
	int heap = st->heap;
	rt_revset_free(&st->rows);
	rt_revset_free(&st->heads);
	rt_strlist_free(&st->unknown);
	st->exists = 0;
	if (heap)
		free(st);
}

/*
 * The database's effective heads: every applied revision (rows and their
 * ancestors through parents and dependencies) that no applied revision
 * revises.  A dependency that is not a row shows up here, as in Alembic.
 */
void rt_state_heads(const rt_graph *g, const rt_state *st, rt_revset *out)
{
	size_t n = g->nrevs;
	if (!st->rows.n || !n)
		return;
	unsigned char *applied = rt_xcalloc(n, 1);
	int *order = rt_xmalloc(n * sizeof(int));
	size_t cnt = 0;
	rt_graph_dfs_order(g, st->rows.v, st->rows.n, applied, order, &cnt);
	for (size_t i = 0; i < cnt; i++) {
		const rt_revision *r = g->revs[order[i]];
		int top = 1;
		for (int j = 0; j < r->nchildren && top; j++)
			if (applied[r->children[j]])
				top = 0;
		if (top)
			rt_revset_add(out, order[i]);
	}
	/* Rows first, in their stored order, then implied heads. */
	rt_revset sorted = { 0 };
	for (size_t i = 0; i < st->rows.n; i++)
		if (rt_revset_has(out, st->rows.v[i]))
			rt_revset_add(&sorted, st->rows.v[i]);
	for (size_t i = 0; i < out->n; i++)
		if (!rt_revset_has(&sorted, out->v[i]))
			rt_revset_add(&sorted, out->v[i]);
	rt_revset_free(out);
	*out = sorted;
	free(applied);
	free(order);
}

static int cant_locate(rt_error *err, const char *ident, const char *why)
{
	return rt_fail(err, RT_ERESOLVE,
		       "Can't locate revision identified by '%s': %s", ident,
		       why);
}

/* "a, b, c" of up to 8 revisions, then "..." */
static void list_revs(strbuf *sb, const rt_graph *g, const int *v, size_t n)
{
	for (size_t i = 0; i < n && i < 8; i++)
		rt_strbuf_addf(sb, "%s%s", i ? ", " : "", g->revs[v[i]]->id);
	if (n > 8)
		rt_strbuf_addf(sb, ", ... (%zu in all)", n);
}

/*
 * Alembic's "Multiple head revisions are present" for an identifier that
 * needs one head, listing them with the ways out; returns -1.
 */
static int multiple_heads(rt_error *err, const rt_graph *g, const char *ident,
			  const int *v, size_t n)
{
	strbuf sb = STRBUF_INIT;
	list_revs(&sb, g, v, n);
	rt_fail(err, RT_ERESOLVE,
		"Multiple head revisions are present for given argument '%s': %s",
		ident, sb.buf);
	rt_hint(err, "name one of them, use '<branchname>@head' or 'heads' for all of them, or join them with a merge revision");
	rt_fix_with(err, RT_FIX_MERGE, "heads");
	rt_strbuf_release(&sb);
	return -1;
}

/* Heads that nothing depends on: what 'head' means when several heads exist. */
static void real_heads(const rt_graph *g, const unsigned char *mask,
		       rt_revset *out)
{
	for (size_t i = 0; i < g->nheads; i++) {
		int h = g->heads[i];
		if (mask && !mask[h])
			continue;
		rt_revset_add(out, h);
	}
	if (out->n < 2)
		return;
	rt_revset keep = { 0 };
	for (size_t i = 0; i < out->n; i++)
		if (!g->revs[out->v[i]]->ndependants)
			rt_revset_add(&keep, out->v[i]);
	if (keep.n) {
		rt_revset_free(out);
		*out = keep;
	} else {
		rt_revset_free(&keep);
	}
}

/* Exact id, exact branch label, then unique prefix. */
static int resolve_name(const rt_graph *g, const char *name, int *rev,
			rt_error *err)
{
	int r = rt_graph_find(g, name);
	if (r >= 0) {
		*rev = r;
		return 0;
	}
	int l = rt_graph_find_label(g, name);
	if (l >= 0) {
		*rev = g->labels[l].rev;
		return 0;
	}
	int a, b;
	int n = rt_graph_prefix(g, name, &a, &b);
	if (n == 1) {
		*rev = a;
		return 0;
	}
	if (n == 0) {
		cant_locate(err, name,
			    "no revision id, id prefix or branch label matches");
		rt_hint(err, "check it against the ids and branch labels of the revision graph");
		rt_fix_with(err, RT_FIX_LIST_REVISIONS, NULL);
		return -1;
	}
	strbuf sb = STRBUF_INIT;
	size_t pl = strlen(name);
	int shown = 0;
	for (size_t i = 0; i < g->nrevs && shown < 8; i++)
		if (!strncmp(g->revs[i]->id, name, pl))
			rt_strbuf_addf(&sb, "%s%s", shown++ ? ", " : "",
				    g->revs[i]->id);
	if (n > 8)
		rt_strbuf_addf(&sb, ", ... (%d in all)", n);
	char *why = rt_xasprintf("the prefix matches %d revisions: %s", n, sb.buf);
	cant_locate(err, name, why);
	rt_hint(err, "give more characters of the id");
	free(why);
	rt_strbuf_release(&sb);
	return -1;
}

/*
 * The revisions on a branch.  For a label: everything descending from the
 * revision that declares it, plus the chain below down to a branch point.
 * For a revision id: its ancestors and descendants along down revisions.
 */
static unsigned char *branch_mask(const rt_graph *g, const char *ident,
				  const char *branch, int *label, rt_error *err)
{
	size_t n = g->nrevs;
	int start;
	*label = rt_graph_find_label(g, branch);
	if (*label >= 0) {
		start = g->labels[*label].rev;
	} else {
		rt_error e = { 0 };
		if (resolve_name(g, branch, &start, &e) < 0) {
			rt_fail(err, RT_ERESOLVE,
				"Can't locate revision identified by '%s': no branch label or revision '%s'",
				ident, branch);
			rt_hint(err, "branch labels come from the 'Branch Labels:' headers of the migration files");
			rt_fix_with(err, RT_FIX_LIST_REVISIONS, NULL);
			rt_error_clear(&e);
			return NULL;
		}
	}
	unsigned char *mask = rt_xcalloc(n ? n : 1, 1);
	int *stack = rt_xmalloc((n ? n : 1) * sizeof(int));
	size_t sp = 0;
	mask[start] = 1;
	stack[sp++] = start;
	while (sp) {
		const rt_revision *r = g->revs[stack[--sp]];
		for (int j = 0; j < r->nchildren; j++)
			if (!mask[r->children[j]]) {
				mask[r->children[j]] = 1;
				stack[sp++] = r->children[j];
			}
	}
	if (*label >= 0) {
		int base = rt_graph_label_base(g, *label);
		for (int r = start; r != base; r = g->revs[r]->parents[0])
			mask[g->revs[r]->parents[0]] = 1;
	} else {
		stack[sp++] = start;
		while (sp) {
			const rt_revision *r = g->revs[stack[--sp]];
			for (int j = 0; j < r->nparents; j++)
				if (!mask[r->parents[j]]) {
					mask[r->parents[j]] = 1;
					stack[sp++] = r->parents[j];
				}
		}
	}
	free(stack);
	return mask;
}

/* Parse "<sym>+N" / "<sym>-N": returns 1 and sets *symlen, *delta. */
static int parse_relative(const char *s, size_t *symlen, int *delta)
{
	size_t n = strlen(s), i = n;
	while (i > 0 && isdigit((unsigned char)s[i - 1]))
		i--;
	if (i == n || i == 0 || (s[i - 1] != '+' && s[i - 1] != '-'))
		return 0;
	if (n - i > 9)
		return 0;
	long v = strtol(s + i, NULL, 10);
	*delta = s[i - 1] == '-' ? -(int)v : (int)v;
	*symlen = i - 1;
	return 1;
}

static int walk_failed(rt_error *err, const char *ident, int delta,
		       const char *why)
{
	rt_fail(err, RT_ERESOLVE,
		"Relative revision %s didn't produce %d migrations: %s", ident,
		delta < 0 ? -delta : delta, why);
	return -1;
}

/*
 * Walk delta steps from rev (up through children, down through parents),
 * staying inside mask when given.  A downward walk that ends below a base
 * gives {base} with below set; one that ends at a merge point's parents
 * gives all of them.  asked is the N the identifier said, for messages
 * (a walk from base takes one step fewer than asked).
 */
static int walk(const rt_graph *g, const char *ident, int asked, int rev,
		int delta, const unsigned char *mask, rt_target *out,
		rt_error *err)
{
	int steps = delta < 0 ? -delta : delta;
	for (int s = 0; s < steps; s++) {
		const rt_revision *r = g->revs[rev];
		const int *next = delta > 0 ? r->children : r->parents;
		int nnext = delta > 0 ? r->nchildren : r->nparents;
		int cand[2], nc = 0;
		for (int j = 0; j < nnext; j++)
			if (!mask || mask[next[j]]) {
				if (nc < 2)
					cand[nc] = next[j];
				nc++;
			}
		if (nc == 0 && delta > 0) {
			char *why = rt_xasprintf("%s is a head", r->id);
			walk_failed(err, ident, asked, why);
			free(why);
			return -1;
		}
		if (nc == 0) {
			if (s != steps - 1) {
				char *why = rt_xasprintf("%s is a base", r->id);
				walk_failed(err, ident, asked, why);
				free(why);
				return -1;
			}
			rt_revset_add(&out->revs, rev);
			out->below = 1;
			return 0;
		}
		if (nc > 1 && delta < 0 && s == steps - 1) {
			for (int j = 0; j < nnext; j++)
				if (!mask || mask[next[j]])
					rt_revset_add(&out->revs, next[j]);
			return 0;
		}
		if (nc > 1) {
			rt_fail(err, RT_ERESOLVE,
				"Ambiguous walk for '%s': %s is a %s (%s, %s%s)",
				ident, r->id,
				delta > 0 ? "branch point with children"
					  : "merge point of",
				g->revs[cand[0]]->id, g->revs[cand[1]]->id,
				nc > 2 ? ", ..." : "");
			rt_hint(err, "name the branch with '<branchname>@%+d', or give a revision id",
				asked);
			return -1;
		}
		rev = cand[0];
	}
	rt_revset_add(&out->revs, rev);
	return 0;
}

/*
 * Where a relative walk starts: the database's heads (on the branch, when
 * mask is given) -- for a downward walk only the version-table rows: a
 * revision implied through depends_on is no head to step down from
 * (downgrade -1 with one row reverts that row).  An upward walk on a
 * branch may also start from the
 * highest applied revision of the branch that is no database head because
 * another branch grew out of it: at bbbb2222 of S3, cccc3333@+1 starts
 * from the shared aaaa1111 and gives cccc3333.
 */
static void walk_start(const rt_graph *g, const rt_state *st,
		       const unsigned char *mask, int up, rt_revset *start)
{
	rt_revset heads = { 0 };
	if (up)
		rt_state_heads(g, st, &heads);
	else
		for (size_t i = 0; i < st->rows.n; i++)
			rt_revset_add(&heads, st->rows.v[i]);
	for (size_t i = 0; i < heads.n; i++)
		if (!mask || mask[heads.v[i]])
			rt_revset_add(start, heads.v[i]);
	rt_revset_free(&heads);
	if (!mask || !up || !st->rows.n || start->n)
		return;
	size_t n = g->nrevs, cnt = 0;
	unsigned char *applied = rt_xcalloc(n, 1);
	int *order = rt_xmalloc(n * sizeof(int));
	rt_graph_dfs_order(g, st->rows.v, st->rows.n, applied, order, &cnt);
	for (size_t k = 0; k < cnt; k++) {
		const rt_revision *r = g->revs[order[k]];
		int top = mask[order[k]];
		for (int j = 0; j < r->nchildren && top; j++)
			if (applied[r->children[j]] && mask[r->children[j]])
				top = 0;
		if (top)
			rt_revset_add(start, order[k]);
	}
	free(applied);
	free(order);
}

/* +N from base: the first step lands on the base of the branch. */
static int walk_from_base(const rt_graph *g, const char *ident, int delta,
			  const unsigned char *mask, rt_target *out,
			  rt_error *err)
{
	rt_revset bases = { 0 };
	for (size_t i = 0; i < g->nbases; i++)
		if (!mask || mask[g->bases[i]])
			rt_revset_add(&bases, g->bases[i]);
	int rc;
	if (bases.n == 1) {
		rc = walk(g, ident, delta, bases.v[0], delta - 1, mask, out,
			  err);
	} else if (bases.n == 0) {
		rc = walk_failed(err, ident, delta, "there are no revisions");
	} else {
		strbuf sb = STRBUF_INIT;
		list_revs(&sb, g, bases.v, bases.n);
		rc = rt_fail(err, RT_ERESOLVE,
			     "Ambiguous upgrade from base: there are several bases: %s",
			     sb.buf);
		rt_hint(err, "say which branch with '<branchname>@%+d'", delta);
		rt_strbuf_release(&sb);
	}
	rt_revset_free(&bases);
	return rc;
}

/*
 * +N / -N / label@+N: relative to the database's heads (on the branch
 * named by label, whose revisions are mask; both NULL for none).
 */
static int relative_to_db(const rt_graph *g, const char *ident, int delta,
			  const unsigned char *mask, const char *branch,
			  const rt_state *st, rt_target *out, rt_error *err)
{
	if (!st) {
		rt_fail(err, RT_EUSAGE,
			"'%s' is relative to the database's current revision, and no database is used here",
			ident);
		rt_hint(err, "give a revision id, or offline a range FROM:TO");
		return -1;
	}
	rt_revset start = { 0 };
	walk_start(g, st, mask, delta > 0, &start);
	int rc;
	if (start.n > 1) {
		strbuf sb = STRBUF_INIT;
		list_revs(&sb, g, start.v, start.n);
		rc = rt_fail(err, RT_ERESOLVE,
			     "Ambiguous %s from multiple current revisions: %s",
			     delta > 0 ? "upgrade" : "downgrade", sb.buf);
		rt_hint(err, "say which branch with '<branchname>@%+d', or give a revision id",
			delta);
		rt_strbuf_release(&sb);
	} else if (start.n == 1) {
		rc = walk(g, ident, delta, start.v[0], delta, mask, out, err);
	} else if (delta < 0 && branch) {
		char *why = rt_xasprintf("no revision of branch '%s' is applied",
				      branch);
		rc = walk_failed(err, ident, delta, why);
		free(why);
	} else if (delta < 0) {
		rc = walk_failed(err, ident, delta, "the database is at base");
	} else {
		rc = walk_from_base(g, ident, delta, mask, out, err);
	}
	rt_revset_free(&start);
	return rc;
}

static int resolve_plain(const rt_graph *g, const char *ident,
			 const rt_state *st, rt_target *out, rt_error *err);

/*
 * branch@SYM+N / branch@SYM-N: SYM is "head" (the branch's head) or a
 * revision that must be on the branch; the walk stays on the branch.
 */
static int relative_on_branch(const rt_graph *g, const char *ident,
			      const char *branch, const char *what,
			      size_t symlen, int delta,
			      const unsigned char *mask, const rt_state *st,
			      rt_target *out, rt_error *err)
{
	char *sym = rt_xstrndup(what, symlen);
	int r, rc;
	if (!strcmp(sym, "head")) {
		char *bh = rt_xasprintf("%s@head", branch);
		rc = rt_resolve_one(g, bh, st, &r, err);
		free(bh);
	} else {
		rc = rt_resolve_one(g, sym, st, &r, err);
		if (rc == 0 && !mask[r])
			rc = rt_fail(err, RT_ERESOLVE,
				     "Can't locate revision identified by '%s': revision %s is not on branch '%s'",
				     ident, g->revs[r]->id, branch);
	}
	free(sym);
	if (rc < 0)
		return -1;
	return walk(g, ident, delta, r, delta, mask, out, err);
}

/* branch@what: head, heads, base, +N/-N, or a revision on that branch. */
static int resolve_at(const rt_graph *g, const char *ident, const char *at,
		      const rt_state *st, rt_target *out, rt_error *err)
{
	const char *what = at + 1;
	if (at == ident || !*what) {
		rt_fail(err, RT_EUSAGE,
			"'%s' is incomplete: a branch label (or revision) goes before '@', and head, heads, base, a revision or +N/-N after it",
			ident);
		rt_hint(err, "for example accounts@head or accounts@-1");
		return -1;
	}
	char *branch = rt_xstrndup(ident, (size_t)(at - ident));
	int label, rc = 0;
	unsigned char *mask = branch_mask(g, ident, branch, &label, err);
	if (!mask) {
		free(branch);
		return -1;
	}
	size_t symlen;
	int delta;
	if (!strcmp(what, "head") || !strcmp(what, "heads")) {
		real_heads(g, mask, &out->revs);
		if (!strcmp(what, "heads")) {
			rt_revset_free(&out->revs);
			for (size_t i = 0; i < g->nheads; i++)
				if (mask[g->heads[i]])
					rt_revset_add(&out->revs, g->heads[i]);
		} else if (out->revs.n > 1) {
			rc = multiple_heads(err, g, ident, out->revs.v,
					    out->revs.n);
		}
	} else if (!strcmp(what, "base")) {
		out->below = 1;
		if (label >= 0) {
			rt_revset_add(&out->revs, rt_graph_label_base(g, label));
		} else {
			for (size_t i = 0; i < g->nbases; i++)
				if (mask[g->bases[i]])
					rt_revset_add(&out->revs, g->bases[i]);
		}
	} else if (parse_relative(what, &symlen, &delta)) {
		if (symlen == 0)
			rc = relative_to_db(g, ident, delta, mask, branch, st,
					    out, err);
		else
			rc = relative_on_branch(g, ident, branch, what, symlen,
						delta, mask, st, out, err);
	} else {
		rc = resolve_plain(g, what, st, out, err);
		for (size_t i = 0; rc == 0 && i < out->revs.n; i++)
			if (!mask[out->revs.v[i]])
				rc = rt_fail(err, RT_ERESOLVE,
					     "Can't locate revision identified by '%s': revision %s is not on branch '%s'",
					     ident, g->revs[out->revs.v[i]]->id,
					     branch);
	}
	out->branch = mask;
	free(branch);
	return rc;
}

/* Everything without '@'. */
static int resolve_plain(const rt_graph *g, const char *ident,
			 const rt_state *st, rt_target *out, rt_error *err)
{
	if (!strcmp(ident, "base"))
		return 0;
	if (!strcmp(ident, "heads")) {
		for (size_t i = 0; i < g->nheads; i++)
			rt_revset_add(&out->revs, g->heads[i]);
		return 0;
	}
	if (!strcmp(ident, "head")) {
		real_heads(g, NULL, &out->revs);
		if (out->revs.n > 1)
			return multiple_heads(err, g, ident, out->revs.v,
					      out->revs.n);
		return 0;
	}
	if (!strcmp(ident, "current")) {
		if (!st) {
			rt_fail(err, RT_EUSAGE,
				"'current' means the database's revisions, and no database is used here");
			return -1;
		}
		rt_state_heads(g, st, &out->revs);
		return 0;
	}
	size_t symlen;
	int delta;
	if (parse_relative(ident, &symlen, &delta)) {
		if (symlen == 0)
			return relative_to_db(g, ident, delta, NULL, NULL, st,
					      out, err);
		char *sym = rt_xstrndup(ident, symlen);
		int r, rc = rt_resolve_one(g, sym, st, &r, err);
		free(sym);
		if (rc < 0)
			return -1;
		return walk(g, ident, delta, r, delta, NULL, out, err);
	}
	int r;
	if (resolve_name(g, ident, &r, err) < 0)
		return -1;
	rt_revset_add(&out->revs, r);
	return 0;
}

/*
 * See retort.h.  Ranges are refused (rt_resolve_range takes them); out is
 * always initialised, and empty again after a failure.
 */
int rt_resolve_into(const rt_graph *g, const char *ident, const rt_state *st,
	       rt_target *out, rt_error *err)
{
	memset(out, 0, sizeof(*out));
	if (!*ident)
		return rt_fail(err, RT_EUSAGE, "an empty revision identifier");
	if (strchr(ident, ':')) {
		rt_fail(err, RT_EUSAGE,
			"a range '%s' is not allowed here", ident);
		rt_hint(err, "ranges FROM:TO select revisions for a history listing, or say where an offline run starts");
		return -1;
	}
	const char *at = strchr(ident, '@');
	int rc = at ? resolve_at(g, ident, at, st, out, err)
		    : resolve_plain(g, ident, st, out, err);
	if (rc < 0)
		rt_target_free(out);
	return rc;
}

/*
 * See retort.h.  base and label@base name no revision, so they are errors
 * here, as is an identifier that names several (heads, a merge's parents).
 */
int rt_resolve_one(const rt_graph *g, const char *ident, const rt_state *st,
		   int *rev, rt_error *err)
{
	rt_target t;
	if (rt_resolve_into(g, ident, st, &t, err) < 0)
		return -1;
	int rc = 0;
	if (t.revs.n == 1 && !t.below) {
		*rev = t.revs.v[0];
	} else if (t.revs.n == 0 || t.below) {
		rc = rt_fail(err, RT_ERESOLVE,
			     "'%s' names no revision (it means below the first one)",
			     ident);
	} else {
		strbuf sb = STRBUF_INIT;
		list_revs(&sb, g, t.revs.v, t.revs.n);
		rc = rt_fail(err, RT_ERESOLVE,
			     "'%s' names %zu revisions (%s); one is needed here",
			     ident, t.revs.n, sb.buf);
		rt_strbuf_release(&sb);
	}
	rt_target_free(&t);
	return rc;
}
