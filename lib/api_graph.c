/*
 * api_graph.c - the public accessors of the revision graph, its
 * revisions, the database's state and resolved identifiers: indices and
 * strings read out of the structures of retort_int.h.
 */
#include "internal.h"

#include <stdlib.h>
#include <string.h>

/* ---- graph ---- */

size_t rt_graph_count(const rt_graph *g)
{
	return g->nrevs;
}

const rt_revision *rt_graph_revision(const rt_graph *g, int rev)
{
	return rev >= 0 && (size_t)rev < g->nrevs ? g->revs[rev] : NULL;
}

size_t rt_graph_head_count(const rt_graph *g)
{
	return g->nheads;
}

int rt_graph_head(const rt_graph *g, size_t i)
{
	return i < g->nheads ? g->heads[i] : -1;
}

size_t rt_graph_base_count(const rt_graph *g)
{
	return g->nbases;
}

int rt_graph_base(const rt_graph *g, size_t i)
{
	return i < g->nbases ? g->bases[i] : -1;
}

int rt_graph_order(const rt_graph *g, size_t k)
{
	return k < g->nrevs ? g->order[k] : -1;
}

/* ---- revisions ---- */

const char *rt_revision_id(const rt_revision *rev)
{
	return rev->id;
}

const char *rt_revision_message(const rt_revision *rev)
{
	return rev->message;
}

const char *rt_revision_create_date(const rt_revision *rev)
{
	return rev->create_date;
}

const char *rt_revision_path(const rt_revision *rev)
{
	return rev->path;
}

/* Item i of a list, or NULL past its end. */
static const char *list_item(const rt_strlist *l, size_t i)
{
	return i < l->n ? l->v[i] : NULL;
}

size_t rt_revision_down_count(const rt_revision *rev)
{
	return rev->down.n;
}

const char *rt_revision_down(const rt_revision *rev, size_t i)
{
	return list_item(&rev->down, i);
}

size_t rt_revision_label_count(const rt_revision *rev)
{
	return rev->labels.n;
}

const char *rt_revision_label(const rt_revision *rev, size_t i)
{
	return list_item(&rev->labels, i);
}

size_t rt_revision_depends_count(const rt_revision *rev)
{
	return rev->depends.n;
}

const char *rt_revision_depends(const rt_revision *rev, size_t i)
{
	return list_item(&rev->depends, i);
}

size_t rt_revision_replaces_count(const rt_revision *rev)
{
	return rev->replaces.n;
}

const char *rt_revision_replaces(const rt_revision *rev, size_t i)
{
	return list_item(&rev->replaces, i);
}

int rt_revision_squash_last(const rt_revision *rev)
{
	return rev->graph ? rev->squash_last : -1;
}

int rt_revision_squashed_by(const rt_revision *rev)
{
	return rev->graph ? rev->squashed_by : -1;
}

int rt_revision_index(const rt_revision *rev)
{
	return rev->graph ? rev->index : -1;
}

/* Item i of an index array of n, or -1 past its end (or outside a graph). */
static int index_item(const rt_revision *rev, const int *v, int n, size_t i)
{
	return rev->graph && i < (size_t)n ? v[i] : -1;
}

size_t rt_revision_parent_count(const rt_revision *rev)
{
	return rev->graph ? (size_t)rev->nparents : 0;
}

int rt_revision_parent(const rt_revision *rev, size_t i)
{
	return index_item(rev, rev->parents, rev->nparents, i);
}

size_t rt_revision_dependency_count(const rt_revision *rev)
{
	return rev->graph ? (size_t)rev->ndeps : 0;
}

int rt_revision_dependency(const rt_revision *rev, size_t i)
{
	return index_item(rev, rev->deps, rev->ndeps, i);
}

size_t rt_revision_child_count(const rt_revision *rev)
{
	return rev->graph ? (size_t)rev->nchildren : 0;
}

int rt_revision_child(const rt_revision *rev, size_t i)
{
	return index_item(rev, rev->children, rev->nchildren, i);
}

size_t rt_revision_branch_count(const rt_revision *rev)
{
	return rev->graph ? (size_t)rev->nbranch : 0;
}

const char *rt_revision_branch(const rt_revision *rev, size_t i)
{
	int l = index_item(rev, rev->branch, rev->nbranch, i);
	return l >= 0 ? rev->graph->labels[l].name : NULL;
}

const char *rt_revision_text(const rt_revision *rev, size_t *len)
{
	if (len)
		*len = rev->textlen;
	return rev->text;
}

static const rt_section *section_of(const rt_revision *rev, rt_section_kind s)
{
	return s == RT_SECTION_DOWNGRADE ? &rev->downgrade : &rev->upgrade;
}

int rt_revision_has_section(const rt_revision *rev, rt_section_kind s)
{
	return section_of(rev, s)->present;
}

char *rt_revision_section_sql(const rt_revision *rev, rt_section_kind s)
{
	const rt_section *sec = section_of(rev, s);
	return sec->body ? rt_xstrndup(sec->body, sec->len) : rt_xstrdup("");
}

int rt_revision_section_line(const rt_revision *rev, rt_section_kind s)
{
	return section_of(rev, s)->body_line;
}

int rt_revision_section_transactional(const rt_revision *rev, rt_section_kind s)
{
	return section_of(rev, s)->transactional;
}

size_t rt_revision_step_count(const rt_revision *rev, rt_section_kind s)
{
	return rev->nsections[s == RT_SECTION_DOWNGRADE];
}

/* Step k of kind s, or NULL. */
static const rt_section *step_of(const rt_revision *rev, rt_section_kind s, size_t k)
{
	int i = s == RT_SECTION_DOWNGRADE;
	return k < rev->nsections[i] ? &rev->sections[i][k] : NULL;
}

char *rt_revision_step_sql(const rt_revision *rev, rt_section_kind s, size_t k)
{
	const rt_section *sec = step_of(rev, s, k);
	return sec ? rt_xstrndup(sec->body, sec->len) : NULL;
}

int rt_revision_step_line(const rt_revision *rev, rt_section_kind s, size_t k)
{
	const rt_section *sec = step_of(rev, s, k);
	return sec ? sec->line : 0;
}

int rt_revision_step_transactional(const rt_revision *rev, rt_section_kind s, size_t k)
{
	const rt_section *sec = step_of(rev, s, k);
	return sec ? sec->transactional : 0;
}

int rt_revision_step_batch(const rt_revision *rev, rt_section_kind s, size_t k)
{
	const rt_section *sec = step_of(rev, s, k);
	return sec ? sec->batch : 0;
}

/* ---- state ---- */

/* See retort.h: rt_current_into on a state of its own. */
rt_state *rt_current(rt_ctx *ctx, rt_error *err)
{
	rt_state *st = rt_xcalloc(1, sizeof(*st));
	if (rt_current_into(ctx, st, err) < 0) {
		free(st);
		return NULL;
	}
	st->heap = 1;
	return st;
}

int rt_state_exists(const rt_state *st)
{
	return st->exists;
}

size_t rt_state_row_count(const rt_state *st)
{
	return st->rows.n;
}

int rt_state_row(const rt_state *st, size_t i)
{
	return i < st->rows.n ? st->rows.v[i] : -1;
}

size_t rt_state_unknown_count(const rt_state *st)
{
	return st->unknown.n;
}

const char *rt_state_unknown(const rt_state *st, size_t i)
{
	return list_item(&st->unknown, i);
}

size_t rt_state_head_count(const rt_state *st)
{
	return st->heads.n;
}

int rt_state_head(const rt_state *st, size_t i)
{
	return i < st->heads.n ? st->heads.v[i] : -1;
}

int rt_state_is_head(const rt_state *st, int rev)
{
	return rt_revset_has(&st->heads, rev);
}

/* ---- targets ---- */

rt_target *rt_resolve(const rt_graph *g, const char *ident, const rt_state *st,
		      rt_error *err)
{
	rt_target *t = rt_xcalloc(1, sizeof(*t));
	if (rt_resolve_into(g, ident, st, t, err) < 0) {
		free(t);
		return NULL;
	}
	t->heap = 1;
	return t;
}

rt_target *rt_resolve_range(const rt_graph *g, const char *range,
			    const rt_state *st, rt_error *err)
{
	rt_target *t = rt_xcalloc(1, sizeof(*t));
	if (rt_resolve_range_into(g, range, st, &t->revs, err) < 0) {
		rt_revset_free(&t->revs);
		free(t);
		return NULL;
	}
	t->heap = 1;
	return t;
}

size_t rt_target_count(const rt_target *t)
{
	return t->revs.n;
}

int rt_target_revision(const rt_target *t, size_t i)
{
	return i < t->revs.n ? t->revs.v[i] : -1;
}

int rt_target_below(const rt_target *t)
{
	return t->below;
}
