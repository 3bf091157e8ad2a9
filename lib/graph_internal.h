/*
 * graph_internal.h - graph helpers shared by graph.c, resolve.c and
 * plan.c but not part of the public API.
 */
#ifndef RT_GRAPH_INTERNAL_H
#define RT_GRAPH_INTERNAL_H

#include "retort_int.h"
#include "util/strmap.h"

typedef struct graph_index {
	strmap ids;    /* revision id -> index (also a squash under its last replaced id, files gone) */
	strmap labels; /* label name -> index into rt_graph.labels */
	strmap replaced; /* id a squash replaced whose file is gone -> the squash */
} graph_index;

/*
 * Squashes (graph.c and plan.c).  link: before parents are linked, mark the
 * squashes beside their chain and let the others answer to their last
 * replaced id; check: once children are linked, that each chain is linear.
 */
struct rt_errlist;
void rt_graph_link_squashes(rt_graph *g, struct rt_errlist *errs);
void rt_graph_check_squashes(rt_graph *g, struct rt_errlist *errs);

/* Index into g->labels of a branch label, or -1. */
int rt_graph_find_label(const rt_graph *g, const char *name);
/* Count revisions whose id starts with prefix; the first two in *a, *b. */
int rt_graph_prefix(const rt_graph *g, const char *prefix, int *a, int *b);
/* The lowest revision of a label's branch. */
int rt_graph_label_base(const rt_graph *g, int label);
/*
 * Depth-first post-order from roots over parents then dependencies,
 * skipping revisions already marked in visited (which it marks).  Appends
 * to out (room for every revision) and advances *nout.
 */
void rt_graph_dfs_order(const rt_graph *g, const int *roots, size_t nroots,
			unsigned char *visited, int *out, size_t *nout);

#endif
