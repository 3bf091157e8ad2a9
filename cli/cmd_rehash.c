/*
 * cmd_rehash.c - rehash REV...: record the current checksum of applied
 * revisions whose files were edited on purpose, so verify passes again.
 * One line per revision on stdout; exit 1 when nothing could be recorded.
 */
#include "cli.h"

int cmd_rehash(cli *c, int argc, char **argv)
{
	const cli_spec spec = { NULL, "retort rehash REVISION...",
		"Record the current checksum of applied revisions whose files were edited on\n"
		"purpose (a comment reworded, SQL reformatted), after which verify passes. The\n"
		"history table gets a row of direction 'rehash' with the old and new checksum.\n"
		"Refuses a revision that is not applied (nothing is recorded then). Only for\n"
		"edits that change nothing that ran: the database keeps what it executed.",
		1, -1, "name the revisions whose files were edited" };
	rt_ctx *ctx;
	int rc = cli_start(c, &argc, argv, &spec, &ctx);
	if (rc >= 0)
		return rc;
	rt_error *err = c->err;
	rt_rehash_report *r = rt_rehash(ctx, (const char *const *)argv + 1, (size_t)argc - 1, err);
	if (!r)
		return cli_fail(c, err);
	const rt_graph *g = rt_ctx_graph(ctx);
	size_t changed = 0, n = rt_rehash_count(r);
	for (size_t i = 0; i < n; i++) {
		const char *id = rt_revision_id(rt_graph_revision(g, rt_rehash_revision(r, i)));
		const char *old_sum = rt_rehash_old_sum(r, i), *new_sum = rt_rehash_new_sum(r, i);
		int x = rt_rehash_changed(r, i);
		if (x)
			printf("%s %s -> %s\n", id, old_sum ? old_sum : "(none recorded)", new_sum);
		else
			printf("%s unchanged %s\n", id, old_sum ? old_sum : new_sum);
		changed += (size_t)x;
	}
	cli_note(c, "recorded %zu new checksum%s; %zu revision%s already matched",
		 changed, changed == 1 ? "" : "s", n - changed, n - changed == 1 ? "" : "s");
	rt_rehash_report_free(r);
	return 0;
}
