/*
 * cmd_lint.c - lint: rules over migration SQL that find statements
 * dangerous on a live database (long locks, table rewrites, broken
 * clients), with why and the safe alternative (docs/lint.md).  Needs no
 * database: the dialect comes from the configured URL or --dialect.
 * Findings go to stdout (text or --json), the summary to stderr; the
 * exit status is 1 when there are findings, 0 when there are none.
 */
#include "cli.h"

#include <stdlib.h>
#include <string.h>

/* file:line:col: rule: message ("rule (warning)" for [lint] warn), then why and fix indented. */
static void print_text(const rt_lint_report *r)
{
	for (size_t i = 0; i < rt_lint_report_count(r); i++) {
		const rt_finding *f = rt_lint_report_finding(r, i);
		const char *file = rt_finding_file(f);
		printf("%s:%d:%d: %s%s: %s%s\n", file ? cli_safe(file) : "-", rt_finding_line(f),
		       rt_finding_column(f), rt_finding_rule(f), rt_finding_warning(f) ? " (warning)" : "",
		       cli_safe(rt_finding_message(f)),
		       strcmp(rt_finding_section(f), "downgrade") ? "" : " (downgrade section)");
		printf("  why: %s\n  fix: %s\n", cli_safe(rt_finding_why(f)), cli_safe(rt_finding_fix(f)));
	}
}

/* {"dialect": ..., "revisions": N, "findings": [...]} (docs/json.md) */
static void print_json(const rt_lint_report *r)
{
	size_t n = rt_lint_report_count(r);
	fputs("{\"dialect\": ", stdout);
	json_str(stdout, rt_lint_report_dialect(r));
	printf(", \"revisions\": %zu, \"findings\": [", rt_lint_report_revisions(r));
	for (size_t i = 0; i < n; i++) {
		const rt_finding *f = rt_lint_report_finding(r, i);
		fputs(i ? ",\n  {\"rule\": " : "\n  {\"rule\": ", stdout);
		json_str(stdout, rt_finding_rule(f));
		json_field(stdout, "file", rt_finding_file(f));
		printf(", \"line\": %d, \"column\": %d, \"revision\": ", rt_finding_line(f),
		       rt_finding_column(f));
		json_str(stdout, rt_finding_revision(f));
		json_field(stdout, "section", rt_finding_section(f));
		json_field(stdout, "message", rt_finding_message(f));
		json_field(stdout, "why", rt_finding_why(f));
		json_field(stdout, "fix", rt_finding_fix(f));
		printf(", \"level\": \"%s\"}", rt_finding_warning(f) ? "warning" : "error");
	}
	fputs(n ? "\n]}\n" : "]}\n", stdout);
}

/* --list-rules: every rule, its dialects and what fires it. */
static int list_rules(cli *c)
{
	size_t n = rt_lint_rule_count();
	if (c->json)
		fputs("{\"rules\": [", stdout);
	for (size_t i = 0; i < n; i++) {
		if (!c->json) {
			printf("%-36s %-26s %s\n", rt_lint_rule_name(i), rt_lint_rule_dialects(i),
			       rt_lint_rule_summary(i));
			continue;
		}
		fputs(i ? ",\n  {\"name\": " : "\n  {\"name\": ", stdout);
		json_str(stdout, rt_lint_rule_name(i));
		json_field(stdout, "dialects", rt_lint_rule_dialects(i));
		json_field(stdout, "summary", rt_lint_rule_summary(i));
		fputc('}', stdout);
	}
	if (c->json)
		fputs("\n]}\n", stdout);
	return 0;
}

/* The stderr summary: how many findings, of how many rules, where. */
static void summary(cli *c, const rt_lint_report *r)
{
	size_t n = rt_lint_report_count(r), nrev = rt_lint_report_revisions(r);
	size_t nskipped = rt_lint_report_skipped(r), nwarnings = rt_lint_report_warnings(r);
	const char *dialect = rt_lint_report_dialect(r);
	if (nskipped)
		cli_note(c, "%zu revision%s left out by [lint] exclude / ignore_before", nskipped,
			 nskipped == 1 ? "" : "s");
	if (!n) {
		cli_note(c, "No findings in %zu revision%s (%s).", nrev, nrev == 1 ? "" : "s", dialect);
		return;
	}
	if (nwarnings)
		cli_note(c, "%zu of the findings %s warning%s ([lint] warn): %s not fail the run",
			 nwarnings, nwarnings == 1 ? "is a" : "are", nwarnings == 1 ? "" : "s",
			 nwarnings == 1 ? "it does" : "they do");
	size_t rules = 0;
	for (size_t i = 0; i < n; i++) {
		const char *rule = rt_finding_rule(rt_lint_report_finding(r, i));
		size_t j = 0;
		while (j < i && strcmp(rt_finding_rule(rt_lint_report_finding(r, j)), rule))
			j++;
		rules += j == i;
	}
	cli_note(c, "%zu finding%s (%zu rule%s) in %zu revision%s (%s); "
		 "suppress one with '-- retort:lint-ignore RULE' on the line before its statement",
		 n, n == 1 ? "" : "s", rules, rules == 1 ? "" : "s",
		 nrev, nrev == 1 ? "" : "s", dialect);
}

/* --format NAME (or --json): 0 text, 1 json, 2 github, 3 sarif; -1 unknown. */
static int format_of(cli *c, const char *name)
{
	static const char *const names[] = { "text", "json", "github", "sarif", NULL };
	if (!name)
		return c->json ? 1 : 0;
	for (int i = 0; names[i]; i++)
		if (!strcmp(name, names[i]))
			return c->json && i != 1 ? -1 : i;
	return -1;
}

/*
 * lint [REVISION | A:B]...: findings on stdout, the summary on stderr,
 * exit 1 on any finding that is not a warning.  --list-rules needs no
 * configuration, so it runs before the configuration is loaded.
 */
int cmd_lint(cli *c, int argc, char **argv)
{
	const char *dialect = NULL, *format = NULL, *since = NULL;
	int upgrade_only = 0, list = 0;
	const opt opts[] = {
		OPT_STRING(0, "dialect", &dialect, "sqlite|postgresql|mysql", "the dialect (default: the configured URL's)"),
		OPT_BOOL(0, "upgrade-only", &upgrade_only, "leave the downgrade sections out"),
		OPT_STRING(0, "format", &format, "text|json|github|sarif", "text (default), JSON, GitHub annotations, SARIF 2.1.0"),
		OPT_STRING(0, "since", &since, "GITREF", "lint only revisions whose files changed since GITREF"),
		OPT_BOOL(0, "list-rules", &list, "list the rules and exit"),
		OPT_END(),
	};
	const cli_spec spec = { opts,
		"retort lint [--dialect sqlite|postgresql|mysql] [--upgrade-only] [--format text|json|github|sarif]\n"
		"                   [--since GITREF] [--list-rules] [--json] [REVISION | A:B]...",
		"Check migration SQL for statements that are dangerous on a live database:\n"
		"long locks, table rewrites, changes that break running code. Each finding\n"
		"names the rule, file:line:column, why it is dangerous and the safe\n"
		"alternative. Without arguments every revision is linted, else the named\n"
		"revisions and ranges A:B; upgrade and downgrade sections both. No database\n"
		"is needed. [lint] in retort.ini disables rules, makes them warnings, and\n"
		"leaves files out. Exit status: 1 when there are findings (warnings aside),\n"
		"0 when there are none. Rules and suppression ('-- retort:lint-ignore RULE'):\n"
		"docs/lint.md; CI set-ups: docs/ci.md.",
		0, -1, NULL };
	int rc = cli_start(c, &argc, argv, &spec, NULL);
	if (rc >= 0)
		return rc;
	int fmt = format_of(c, format);
	if (fmt < 0)
		return usage_error(c, spec.usage, c->json && format ? "--json and --format %s disagree"
							     : "unknown --format '%s' (text, json, github, sarif)",
				   format);
	if (list) {
		c->json = fmt == 1;
		return list_rules(c);
	}
	rt_error *err = c->err;
	rt_ctx *ctx = cli_ctx(c, err);
	if (!ctx)
		return cli_fail(c, err);
	opt_list ids = { 0 };
	if ((rc = cli_revision_args(c, ctx, argc, argv, since, &ids)) >= 0)
		return rc;
	if (since && !ids.n)
		cli_note(c, "No migration file changed since %s: nothing to lint.", since);
	unsigned flags = upgrade_only ? RT_LINT_UPGRADE_ONLY : 0;
	/* nothing changed: an empty report of the right dialect, in the format asked for */
	rt_lint_report *r = since && !ids.n
		? rt_lint_sql(rt_ctx_config(ctx), dialect, flags, "", NULL, 1, err)
		: rt_lint(ctx, (const char *const *)ids.v, ids.n, dialect, flags, err);
	free(ids.v);
	if (!r)
		return cli_fail(c, err);
	if (fmt == 1)
		print_json(r);
	else if (fmt == 2)
		cli_lint_github(r);
	else if (fmt == 3)
		cli_lint_sarif(r);
	else
		print_text(r);
	if (rt_lint_report_revisions(r) || rt_lint_report_skipped(r) || !since)
		summary(c, r);
	int status = rt_lint_report_count(r) > rt_lint_report_warnings(r) ? 1 : 0;
	rt_lint_report_free(r);
	return status;
}
