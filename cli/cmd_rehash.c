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
	rt_error err = { 0 };
	rt_rehash_report r;
	if (rt_rehash(ctx, (const char *const *)argv + 1, (size_t)argc - 1, &r, &err) < 0)
		return cli_fail(c, &err);
	const rt_graph *g = rt_ctx_graph(ctx);
	size_t changed = 0;
	for (size_t i = 0; i < r.n; i++) {
		const rt_rehash_result *x = &r.v[i];
		if (x->changed)
			printf("%s %s -> %s\n", g->revs[x->rev]->id, x->old_sum ? x->old_sum : "(none recorded)",
			       x->new_sum);
		else
			printf("%s unchanged %s\n", g->revs[x->rev]->id, x->new_sum);
		changed += (size_t)x->changed;
	}
	cli_note(c, "recorded %zu new checksum%s; %zu revision%s already matched",
		 changed, changed == 1 ? "" : "s", r.n - changed, r.n - changed == 1 ? "" : "s");
	rt_rehash_report_free(&r);
	return 0;
}
