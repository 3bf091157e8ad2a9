/*
 * cmd_test.c - test: every revision applied, reverted and applied again
 * in a scratch database; a downgrade that does not restore the schema
 * fails, naming the revision and what it left behind.  One line per
 * revision on stdout (or --json), the summary on stderr, exit 1 when a
 * revision fails.
 */
#include "cli.h"

#include <stdlib.h>
#include <string.h>
#include <unistd.h>

/* Each line of text, indented (blank lines kept blank). */
static void print_indented(const char *text, const char *indent)
{
	const char *p = text;
	while (*p) {
		const char *nl = strchr(p, '\n');
		int n = nl ? (int)(nl - p) : (int)strlen(p);
		printf("%s%.*s\n", n ? indent : "", n, p);
		p += n + (nl != NULL);
	}
}

/* "ok"/"FAIL", id, message; under a failure what went wrong and the SQL that restores. */
static void print_text(cli *c, const rt_graph *g, const rt_test_report *r)
{
	int tty = c->color && isatty(1);
	const char *red = tty ? "\033[1;31m" : "", *green = tty ? "\033[32m" : "",
		   *off = tty ? "\033[0m" : "";
	for (size_t i = 0; i < rt_test_report_count(r); i++) {
		const rt_revision *rev = rt_graph_revision(g, rt_test_revision(r, i));
		const char *stage = rt_test_stage(r, i), *msg = rt_revision_message(rev);
		printf("%s%-4s%s  %s  %s\n", stage ? red : green, stage ? "FAIL" : "ok", off,
		       rt_revision_id(rev), msg ? cli_safe(msg) : "");
		if (!stage)
			continue;
		const char *what = rt_test_message(r, i), *sql = rt_test_restore_sql(r, i);
		printf("      %s: %s\n", stage, what ? cli_safe(what) : "");
		for (size_t j = 0; j < rt_test_change_count(r, i); j++)
			printf("      - %s\n", cli_safe(rt_test_change(r, i, j)));
		if (sql && *sql) {
			printf("      the downgrade would also need:\n");
			print_indented(sql, "        ");
		}
	}
}

/* {"ok", "tested", "failed", "applied", "stopped", "results": [...]} (docs/json.md) */
static void print_json(const rt_graph *g, const rt_test_report *r)
{
	size_t n = rt_test_report_count(r), failed = rt_test_report_failed(r);
	printf("{\"ok\": %s, \"tested\": %zu, \"failed\": %zu, \"applied\": %zu, \"stopped\": %s, \"results\": [",
	       failed ? "false" : "true", n, failed, rt_test_report_applied(r),
	       rt_test_report_stopped(r) ? "true" : "false");
	for (size_t i = 0; i < n; i++) {
		const rt_revision *rev = rt_graph_revision(g, rt_test_revision(r, i));
		const char *stage = rt_test_stage(r, i);
		fputs(i ? ",\n  {\"revision\": " : "\n  {\"revision\": ", stdout);
		json_str(stdout, rt_revision_id(rev));
		json_field(stdout, "message", rt_revision_message(rev));
		json_field(stdout, "path", rt_revision_path(rev));
		printf(", \"ok\": %s, \"stage\": ", stage ? "false" : "true");
		json_str(stdout, stage);
		json_field(stdout, "error", rt_test_message(r, i));
		fputs(", \"changes\": [", stdout);
		for (size_t j = 0; j < rt_test_change_count(r, i); j++)
			json_item(stdout, j, rt_test_change(r, i, j));
		fputs("], \"restore_sql\": ", stdout);
		json_str(stdout, rt_test_restore_sql(r, i));
		fputc('}', stdout);
	}
	fputs(n ? "\n]}\n" : "]}\n", stdout);
}

/* The stderr summary. */
static void summary(cli *c, const rt_test_report *r)
{
	size_t n = rt_test_report_count(r), failed = rt_test_report_failed(r);
	size_t applied = rt_test_report_applied(r);
	if (applied)
		cli_note(c, "%zu revision%s applied untested first (below those tested)",
			 applied, applied == 1 ? "" : "s");
	if (rt_test_report_stopped(r))
		cli_note(c, "stopped: a revision could not be applied, so the ones after it were not tested");
	if (failed)
		cli_error(c, 1, "fix the downgrade section (or the upgrade) of each failing revision and run retort test again",
			  "%zu of %zu revision%s failed", failed, n, n == 1 ? "" : "s");
	else
		cli_note(c, "%zu revision%s passed: each applied, reverted and applied again",
			 n, n == 1 ? "" : "s");
}

/* test [--seed NAME] [--since GITREF] [REVISION | A:B]... */
int cmd_test(cli *c, int argc, char **argv)
{
	const char *seed = NULL, *since = NULL;
	const opt opts[] = {
		OPT_STRING(0, "seed", &seed, "NAME", "load seeds/NAME.sql before the first revision tested"),
		OPT_STRING(0, "since", &since, "GITREF", "test only revisions whose files changed since GITREF"),
		OPT_END(),
	};
	const cli_spec spec = { opts,
		"retort test [--seed NAME] [--since GITREF] [--json] [REVISION | A:B]...",
		"Check that every revision can be applied and undone. In a scratch database\n"
		"(nothing touches the configured one), each revision in upgrade order is\n"
		"applied, reverted, compared with the schema before it, and applied again. A\n"
		"downgrade that does not restore the schema fails, naming the revision and\n"
		"what it left different. Without arguments every revision is tested, else the\n"
		"named revisions and ranges A:B (their ancestors are applied first, untested).\n"
		"Exit status: 1 when a revision fails.",
		0, -1, NULL };
	int rc = cli_start(c, &argc, argv, &spec, NULL);
	if (rc >= 0)
		return rc;
	rt_error *err = c->err;
	rt_ctx *ctx = cli_ctx(c, err);
	if (!ctx)
		return cli_fail(c, err);
	opt_list ids = { 0 };
	if ((rc = cli_revision_args(c, ctx, argc, argv, since, &ids)) >= 0)
		return rc;
	if (since && !ids.n) {
		cli_note(c, "No migration file changed since %s: nothing to test.", since);
		if (c->json)
			puts("{\"ok\": true, \"tested\": 0, \"failed\": 0, \"applied\": 0, \"stopped\": false, \"results\": []}");
		return 0;
	}
	rt_test_report *r = rt_test(ctx, (const char *const *)ids.v, ids.n, seed, err);
	free(ids.v);
	if (!r)
		return cli_fail(c, err);
	const rt_graph *g = rt_ctx_graph(ctx);
	if (c->json)
		print_json(g, r);
	else
		print_text(c, g, r);
	summary(c, r);
	int status = rt_test_report_failed(r) ? 1 : 0;
	rt_test_report_free(r);
	return status;
}
