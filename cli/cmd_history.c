/*
 * cmd_history.c - history and show: revisions listed newest first, or
 * one revision in detail.
 */
#include "cli.h"

#include <string.h>

/* Does the identifier need the database (current, +N, -N)? */
static int needs_db(const char *s)
{
	return strstr(s, "current") || s[0] == '-' || s[0] == '+' ||
	       strstr(s, ":-") || strstr(s, ":+") || strstr(s, "@-") ||
	       strstr(s, "@+");
}

/* "<parents> (deps) -> " in Alembic's history format. */
static void print_parents(const rt_graph *g, const rt_revision *r)
{
	size_t np = rt_revision_parent_count(r), nd = rt_revision_dependency_count(r);
	if (!np)
		fputs("<base>", stdout);
	for (size_t i = 0; i < np; i++)
		printf("%s%s", i ? ", " : "", rt_revision_id(rt_graph_revision(g, rt_revision_parent(r, i))));
	if (nd) {
		fputs(" (", stdout);
		for (size_t i = 0; i < nd; i++)
			printf("%s%s", i ? ", " : "",
			       rt_revision_id(rt_graph_revision(g, rt_revision_dependency(r, i))));
		fputc(')', stdout);
	}
	fputs(" -> ", stdout);
}

/*
 * The end of a run's line: nothing more for one that ended well (or of a
 * retort before outcomes), else how it ended, and a failure's revision and
 * message on the next line.
 */
static void print_outcome(const rt_runs *rs, size_t i)
{
	const char *outcome = rt_runs_outcome(rs, i);
	if (!outcome || !strcmp(outcome, "ok")) {
		putchar('\n');
		return;
	}
	printf(" %s\n", outcome);
	if (strcmp(outcome, "failed"))
		return;
	const char *rev = rt_runs_failed_revision(rs, i), *why = rt_runs_failure(rs, i);
	printf("    failed at %s: %s\n", rev ? cli_safe(rev) : "its commit", why ? cli_safe(why) : "no message");
}

/*
 * history --runs: every run in the history table, newest first, one line
 * each: run id, when, by whom, what (upgrade, downgrade, stamp), the
 * revisions of its steps, how long, and how it ended unless well (a
 * failure's message below it); --json as docs/json.md says.
 */
static int print_runs(cli *c, rt_ctx *ctx)
{
	rt_runs *rs = rt_runs_read(ctx, c->err);
	if (!rs)
		return cli_fail(c, c->err);
	size_t n = rt_runs_count(rs);
	if (c->json)
		fputs("{\"runs\": [", stdout);
	for (size_t k = 0; k < n; k++) {
		size_t i = n - 1 - k, steps = rt_runs_step_count(rs, i);
		if (c->json) {
			fputs(k ? ",\n  {\"run_id\": " : "\n  {\"run_id\": ", stdout);
			json_str(stdout, rt_runs_id(rs, i));
			json_field(stdout, "direction", rt_runs_direction(rs, i));
			json_field(stdout, "started_at", rt_runs_started_at(rs, i));
			json_field(stdout, "user", rt_runs_user(rs, i));
			json_field(stdout, "outcome", rt_runs_outcome(rs, i));
			json_field(stdout, "failed_revision", rt_runs_failed_revision(rs, i));
			json_field(stdout, "failure", rt_runs_failure(rs, i));
			printf(", \"duration_ms\": %.0f, \"steps\": [", rt_runs_duration_ms(rs, i));
			for (size_t j = 0; j < steps; j++) {
				fputs(j ? ", {\"revision\": " : "{\"revision\": ", stdout);
				json_str(stdout, rt_runs_step_revision(rs, i, j));
				json_field(stdout, "direction", rt_runs_step_direction(rs, i, j));
				fputc('}', stdout);
			}
			fputs("]}", stdout);
			continue;
		}
		const char *id = rt_runs_id(rs, i), *at = rt_runs_started_at(rs, i), *who = rt_runs_user(rs, i);
		printf("%-23s %-24s %-9s %s, %zu step%s:", id ? id : "(no run id)", at ? at : "-",
		       rt_runs_direction(rs, i), who ? cli_safe(who) : "unknown user", steps, steps == 1 ? "" : "s");
		for (size_t j = 0; j < steps; j++)
			printf("%s %s", j ? "," : "", cli_safe(rt_runs_step_revision(rs, i, j)));
		printf(" (%.0f ms)", rt_runs_duration_ms(rs, i));
		print_outcome(rs, i);
	}
	if (c->json)
		puts(n ? "\n]}" : "]}");
	else if (!n)
		cli_note(c, rt_runs_history_exists(rs) ? "no runs recorded yet"
						       : "no history table: nothing was migrated here by retort yet");
	rt_runs_free(rs);
	return 0;
}

/*
 * history [-r A:B] [-i]: newest first, "parents (deps) -> id (labels)
 * (markers), message".  The database is read only for -i or a range that
 * needs it (current, relative forms); rows no file defines are then an
 * error.
 */
int cmd_history(cli *c, int argc, char **argv)
{
	const char *range = NULL;
	int indicate = 0, runs = 0;
	const opt opts[] = {
		OPT_STRING('r', "rev-range", &range, "A:B", "only revisions from A to B (either may be left out)"),
		OPT_BOOL('i', "indicate-current", &indicate, "mark the database's revisions (current)"),
		OPT_BOOL(0, "runs", &runs, "list the runs recorded in the database's history table instead"),
		OPT_END(),
	};
	const cli_spec spec = { opts, "retort history [-r A:B] [-v] [-i] [--json] | --runs [--json]",
		"List revisions newest first: parents -> revision (labels) (markers), message.\n"
		"--runs lists what was run against the database instead, newest first: each\n"
		"upgrade, downgrade or stamp with its run id, when, by whom, and its steps.",
		0, 0, NULL };
	rt_ctx *ctx;
	c->headers = 1; /* a listing: no SQL needed, the graph cache serves */
	int rc = cli_start(c, &argc, argv, &spec, &ctx);
	if (rc >= 0)
		return rc;
	if (runs && (range || indicate))
		return usage_error(c, spec.usage, "--runs lists runs, not revisions: it takes no -r or -i");
	if (runs)
		return print_runs(c, ctx);
	rt_error *err = c->err;
	const rt_graph *g = rt_ctx_graph(ctx);
	rt_state *st = NULL;
	int have_st = indicate || (range && needs_db(range));
	if (have_st && (!(st = cli_read_current(c, err)) ||
			rt_state_check(g, st, err) < 0)) {
		rt_state_free(st);
		return cli_fail(c, err);
	}
	rt_target *t = rt_resolve_range(g, range ? range : ":", st, err);
	if (!t) {
		rt_state_free(st);
		return cli_fail(c, err);
	}
	revlist revs = { 0 };
	for (size_t i = 0; i < rt_target_count(t); i++)
		revlist_add(&revs, rt_target_revision(t, i));
	rt_target_free(t);
	const rt_state *cur = indicate ? st : NULL;
	rev_marks m = { cur };
	if (c->json) {
		fputs("{", stdout);
		json_revisions(stdout, "revisions", g, revs.v, revs.n, cur);
		fputs("}\n", stdout);
		revs.n = 0;
	}
	for (size_t i = 0; i < revs.n; i++) {
		const rt_revision *r = rt_graph_revision(g, revs.v[i]);
		if (c->verbose) {
			print_rev_verbose(stdout, g, revs.v[i], &m);
			continue;
		}
		print_parents(g, r);
		print_rev_short(stdout, g, revs.v[i], &m);
		printf(", %s\n", cli_safe(rt_revision_message(r)));
	}
	revlist_free(&revs);
	rt_state_free(st);
	return 0;
}

/*
 * show REVISION...: the verbose block of every revision each identifier
 * names, in argument order, reading the database only for identifiers
 * that need it.  --json collects them all into one object.  Stops at the
 * first identifier that does not resolve.
 */
int cmd_show(cli *c, int argc, char **argv)
{
	const cli_spec spec = { NULL, "retort show [--json] REVISION...",
		"Show revisions in detail: parents, path, labels, message. Any identifier\n"
		"works: head, heads, a prefix, label@head, head-1, current ...",
		1, -1, "a revision is needed: 'retort show head' shows the newest, 'retort show current' the database's" };
	rt_ctx *ctx;
	int rc = cli_start(c, &argc, argv, &spec, &ctx);
	if (rc >= 0)
		return rc;
	rt_error *err = c->err;
	const rt_graph *g = rt_ctx_graph(ctx);
	int status = 0;
	revlist all = { 0 };
	for (int i = 1; i < argc && !status; i++) {
		rt_state *st = NULL;
		if (needs_db(argv[i]) && (!(st = cli_read_current(c, err)) ||
					  rt_state_check(g, st, err) < 0)) {
			rt_state_free(st);
			revlist_free(&all);
			return cli_fail(c, err);
		}
		rt_target *t = rt_resolve(g, argv[i], st, err);
		if (!t) {
			status = cli_fail(c, err);
		} else {
			for (size_t j = 0; j < rt_target_count(t) && !rt_target_below(t); j++)
				if (c->json)
					revlist_add(&all, rt_target_revision(t, j));
				else
					print_rev_verbose(stdout, g, rt_target_revision(t, j), NULL);
			rt_target_free(t);
		}
		rt_state_free(st);
	}
	if (c->json && !status) {
		fputs("{", stdout);
		json_revisions(stdout, "revisions", g, all.v, all.n, NULL);
		fputs("}\n", stdout);
	}
	revlist_free(&all);
	return status;
}
