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
	c->headers = 1; /* a listing: no SQL needed, the graph cache serves */
	int rc = cli_start(c, &argc, argv, &spec, &ctx);
	if (rc >= 0)
		return rc;
	const rt_graph *g = rt_ctx_graph(ctx);
	revlist shown = { 0 };
	for (size_t i = 0; i < rt_graph_head_count(g); i++)
		if (!resolve || !rt_graph_is_effective_head(g, rt_graph_head(g, i)))
			revlist_add(&shown, rt_graph_head(g, i));
	if (c->json) {
		fputs("{", stdout);
		json_revisions(stdout, "heads", g, shown.v, shown.n, NULL);
		fputs("}\n", stdout);
		revlist_free(&shown);
		return 0;
	}
	for (size_t i = 0; i < shown.n; i++) {
		int h = shown.v[i];
		if (c->verbose) {
			print_rev_verbose(stdout, g, h, NULL);
		} else {
			print_rev_short(stdout, g, h, NULL);
			putchar('\n');
		}
	}
	revlist_free(&shown);
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
	c->headers = 1; /* a listing: no SQL needed, the graph cache serves */
	int rc = cli_start(c, &argc, argv, &spec, &ctx);
	if (rc >= 0)
		return rc;
	const rt_graph *g = rt_ctx_graph(ctx);
	if (c->json) {
		revlist bp = { 0 };
		for (size_t k = rt_graph_count(g); k-- > 0;)
			if (rt_revision_child_count(rt_graph_revision(g, rt_graph_order(g, k))) > 1)
				revlist_add(&bp, rt_graph_order(g, k));
		fputs("{", stdout);
		json_revisions(stdout, "branch_points", g, bp.v, bp.n, NULL);
		fputs("}\n", stdout);
		revlist_free(&bp);
		return 0;
	}
	for (size_t k = rt_graph_count(g); k-- > 0;) {
		int r = rt_graph_order(g, k);
		const rt_revision *rev = rt_graph_revision(g, r);
		if (rt_revision_child_count(rev) < 2)
			continue;
		if (c->verbose)
			print_rev_verbose(stdout, g, r, NULL);
		else {
			print_rev_short(stdout, g, r, NULL);
			putchar('\n');
		}
		for (size_t j = 0; j < rt_revision_child_count(rev); j++) {
			printf("%*s-> ", (int)strlen(rt_revision_id(rev)) + 1, "");
			print_rev_short(stdout, g, rt_revision_child(rev, j), NULL);
			putchar('\n');
		}
		putchar('\n');
	}
	return 0;
}
