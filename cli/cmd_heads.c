/*
 * cmd_heads.c - heads and branches: the shape of the revision graph,
 * read from the migration files only (no database).
 */
#include "cli.h"

#include <string.h>

/*
 * heads [--resolve-dependencies]: every head in load order, marked
 * (effective head) when a revision depends on it; the option leaves those
 * out.  Reads only the migration files.
 */
int cmd_heads(cli *c, int argc, char **argv)
{
	int resolve = 0;
	const opt opts[] = {
		OPT_BOOL(0, "resolve-dependencies", &resolve,
			 "leave out heads that another revision depends on"),
		OPT_END(),
	};
	const cli_spec spec = { opts, "retort heads [-v] [--resolve-dependencies] [--json]",
		"Print the heads: revisions that no other revision revises. A head that\n"
		"another revision depends on is shown as (effective head).",
		0, 0, NULL };
	rt_ctx *ctx;
	int rc = cli_start(c, &argc, argv, &spec, &ctx);
	if (rc >= 0)
		return rc;
	const rt_graph *g = rt_ctx_graph(ctx);
	rt_revset shown = { 0 };
	for (size_t i = 0; i < g->nheads; i++)
		if (!resolve || !rt_graph_is_effective_head(g, g->heads[i]))
			rt_revset_add(&shown, g->heads[i]);
	if (c->json) {
		fputs("{", stdout);
		json_revisions(stdout, "heads", g, shown.v, shown.n, NULL);
		fputs("}\n", stdout);
		rt_revset_free(&shown);
		return 0;
	}
	rt_revset_free(&shown);
	for (size_t i = 0; i < g->nheads; i++) {
		int h = g->heads[i];
		if (resolve && rt_graph_is_effective_head(g, h))
			continue;
		if (c->verbose) {
			print_rev_verbose(stdout, g, h, NULL);
		} else {
			print_rev_short(stdout, g, h, NULL);
			putchar('\n');
		}
	}
	return 0;
}

/*
 * branches: every branch point newest first (the graph's parents-first
 * order backwards), each followed by the revisions it branches into.
 */
int cmd_branches(cli *c, int argc, char **argv)
{
	const cli_spec spec = { NULL, "retort branches [-v] [--json]",
		"Print every branch point (a revision revised by several others) and the\n"
		"revisions it branches into, newest first.",
		0, 0, NULL };
	rt_ctx *ctx;
	int rc = cli_start(c, &argc, argv, &spec, &ctx);
	if (rc >= 0)
		return rc;
	const rt_graph *g = rt_ctx_graph(ctx);
	if (c->json) {
		rt_revset bp = { 0 };
		for (size_t k = g->nrevs; k-- > 0;)
			if (g->revs[g->order[k]]->nchildren > 1)
				rt_revset_add(&bp, g->order[k]);
		fputs("{", stdout);
		json_revisions(stdout, "branch_points", g, bp.v, bp.n, NULL);
		fputs("}\n", stdout);
		rt_revset_free(&bp);
		return 0;
	}
	for (size_t k = g->nrevs; k-- > 0;) {
		int r = g->order[k];
		const rt_revision *rev = g->revs[r];
		if (rev->nchildren < 2)
			continue;
		if (c->verbose)
			print_rev_verbose(stdout, g, r, NULL);
		else {
			print_rev_short(stdout, g, r, NULL);
			putchar('\n');
		}
		for (int j = 0; j < rev->nchildren; j++) {
			printf("%*s-> ", (int)strlen(rev->id) + 1, "");
			print_rev_short(stdout, g, rev->children[j], NULL);
			putchar('\n');
		}
		putchar('\n');
	}
	return 0;
}
