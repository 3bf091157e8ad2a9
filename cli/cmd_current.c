/*
 * cmd_current.c - current: the database's revisions, read without
 * changing anything (no version table or database file is created).
 */
#include "cli.h"

#include <stdlib.h>

/* Are the database's effective heads exactly the graph's heads? */
static int on_all_heads(const rt_graph *g, const rt_state *st)
{
	if (rt_state_head_count(st) != rt_graph_head_count(g))
		return 0;
	for (size_t i = 0; i < rt_graph_head_count(g); i++)
		if (!rt_state_is_head(st, rt_graph_head(g, i)))
			return 0;
	return 1;
}

/*
 * current [--check-heads]: the database's effective heads (its rows plus
 * heads implied by dependencies); --json adds the raw rows and those no
 * file defines.  Such unknown rows fail only after the rest is printed.
 */
int cmd_current(cli *c, int argc, char **argv)
{
	int check_heads = 0;
	const opt opts[] = {
		OPT_BOOL(0, "check-heads", &check_heads, "exit 1 unless the database is at every head"),
		OPT_END(),
	};
	const cli_spec spec = { opts, "retort current [-v] [--check-heads] [--json]",
		"Print the database's current revision(s), one per line, marked (head) when\n"
		"they are heads of the graph. Prints nothing for an empty database.",
		0, 0, NULL };
	c->headers = 1; /* a listing: no SQL needed, the graph cache serves */
	int rc = cli_start(c, &argc, argv, &spec, NULL);
	if (rc >= 0)
		return rc;
	rt_error *err = c->err;
	rt_state *st = cli_read_current(c, err);
	if (!st)
		return cli_fail(c, err);
	const rt_graph *g = rt_ctx_graph(c->ctx);
	revlist cur = { 0 };
	for (size_t i = 0; i < rt_state_head_count(st); i++)
		revlist_add(&cur, rt_state_head(st, i));
	char *url = rt_config_get(rt_ctx_config(c->ctx), "url");
	char *masked = rt_url_mask(url ? url : "");
	rt_free(url);
	if (c->json) {
		fputs("{\"database\": ", stdout);
		json_str(stdout, masked);
		fputs(", \"version_table_exists\": ", stdout);
		fputs(rt_state_exists(st) ? "true" : "false", stdout);
		fputs(", \"rows\": [", stdout);
		for (size_t i = 0; i < rt_state_row_count(st); i++)
			json_item(stdout, i, rt_revision_id(rt_graph_revision(g, rt_state_row(st, i))));
		fputs("], \"unknown_rows\": [", stdout);
		for (size_t i = 0; i < rt_state_unknown_count(st); i++)
			json_item(stdout, i, rt_state_unknown(st, i));
		fprintf(stdout, "], \"at_all_heads\": %s,\n", on_all_heads(g, st) ? "true" : "false");
		json_revisions(stdout, "current", g, cur.v, cur.n, NULL);
		fputs("}\n", stdout);
	} else if (c->verbose) {
		printf("Current revision(s) for %s:\n", cli_safe(masked));
	}
	rt_free(masked);
	for (size_t i = 0; i < cur.n && !c->json; i++) {
		if (c->verbose) {
			print_rev_verbose(stdout, g, cur.v[i], NULL);
		} else {
			print_rev_short(stdout, g, cur.v[i], NULL);
			putchar('\n');
		}
	}
	int status = 0;
	if (rt_state_check(g, st, err) < 0)
		status = cli_fail(c, err);
	else if (check_heads && !on_all_heads(g, st)) {
		status = cli_error(c, 1, "'retort upgrade heads' applies the missing ones",
				   "Database is not on all head revisions");
	}
	revlist_free(&cur);
	rt_state_free(st);
	return status;
}
