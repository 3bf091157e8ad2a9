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
	for (size_t i = 0; i < r->n; i++) {
		const rt_test_result *t = &r->v[i];
		const rt_revision *rev = g->revs[t->rev];
		printf("%s%-4s%s  %s  %s\n", t->ok ? green : red, t->ok ? "ok" : "FAIL", off,
		       rev->id, rev->message ? cli_safe(rev->message) : "");
		if (t->ok)
			continue;
		printf("      %s: %s\n", t->stage, t->message ? cli_safe(t->message) : "");
		for (size_t j = 0; j < t->changes.n; j++)
			printf("      - %s\n", cli_safe(t->changes.v[j]));
		if (t->restore_sql && *t->restore_sql) {
			printf("      the downgrade would also need:\n");
			print_indented(t->restore_sql, "        ");
		}
	}
}

/* {"ok", "tested", "failed", "applied", "stopped", "results": [...]} (docs/json.md) */
static void print_json(const rt_graph *g, const rt_test_report *r)
{
	printf("{\"ok\": %s, \"tested\": %zu, \"failed\": %zu, \"applied\": %zu, \"stopped\": %s, \"results\": [",
	       r->failed ? "false" : "true", r->n, r->failed, r->applied,
	       r->stopped ? "true" : "false");
	for (size_t i = 0; i < r->n; i++) {
		const rt_test_result *t = &r->v[i];
		const rt_revision *rev = g->revs[t->rev];
		fputs(i ? ",\n  {\"revision\": " : "\n  {\"revision\": ", stdout);
		json_str(stdout, rev->id);
		fputs(", \"message\": ", stdout);
		json_str(stdout, rev->message);
		fputs(", \"path\": ", stdout);
		json_str(stdout, rev->path);
		printf(", \"ok\": %s, \"stage\": ", t->ok ? "true" : "false");
		json_str(stdout, t->stage);
		fputs(", \"error\": ", stdout);
		json_str(stdout, t->message);
		fputs(", \"changes\": ", stdout);
		json_strlist(stdout, &t->changes);
		fputs(", \"restore_sql\": ", stdout);
		json_str(stdout, t->restore_sql);
		fputc('}', stdout);
	}
	fputs(r->n ? "\n]}\n" : "]}\n", stdout);
}

/* The stderr summary. */
static void summary(cli *c, const rt_test_report *r)
{
	if (r->applied)
		cli_note(c, "%zu revision%s applied untested first (below those tested)",
			 r->applied, r->applied == 1 ? "" : "s");
	if (r->stopped)
		cli_note(c, "stopped: a revision could not be applied, so the ones after it were not tested");
	if (r->failed)
		cli_error(c, 1, "fix the downgrade section (or the upgrade) of each failing revision and run retort test again",
			  "%zu of %zu revision%s failed", r->failed, r->n, r->n == 1 ? "" : "s");
	else
		cli_note(c, "%zu revision%s passed: each applied, reverted and applied again",
			 r->n, r->n == 1 ? "" : "s");
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
	rt_error err = { 0 };
	rt_ctx *ctx = cli_ctx(c, &err);
	if (!ctx)
		return cli_fail(c, &err);
	opt_list ids = { 0 };
	if ((rc = cli_revision_args(c, ctx, argc, argv, since, &ids)) >= 0)
		return rc;
	if (since && !ids.n) {
		cli_note(c, "No migration file changed since %s: nothing to test.", since);
		if (c->json)
			puts("{\"ok\": true, \"tested\": 0, \"failed\": 0, \"applied\": 0, \"stopped\": false, \"results\": []}");
		return 0;
	}
	rt_test_options to = { .idents = ids.v, .n = ids.n, .seed = seed };
	rt_test_report r;
	rc = rt_test(ctx, &to, &r, &err);
	free(ids.v);
	if (rc < 0)
		return cli_fail(c, &err);
	const rt_graph *g = rt_ctx_graph(ctx);
	if (c->json)
		print_json(g, &r);
	else
		print_text(c, g, &r);
	summary(c, &r);
	int status = r.failed ? 1 : 0;
	rt_test_report_free(&r);
	return status;
}
