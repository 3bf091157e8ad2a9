/*
 * cmd_lint.c - lint: rules over migration SQL that find statements
 * dangerous on a live database (long locks, table rewrites, broken
 * clients), with why and the safe alternative (docs/lint.md).  Needs no
 * database: the dialect comes from the configured URL or --dialect.
 * Findings go to stdout (text or --json), the summary to stderr; the
 * exit status is 1 when there are findings, 0 when there are none.
 */
#include "cli.h"

#include <string.h>

/* file:line:col: rule: message, then why and fix indented. */
static void print_text(const rt_lint_report *r)
{
	for (size_t i = 0; i < rt_lint_report_count(r); i++) {
		const rt_finding *f = rt_lint_report_finding(r, i);
		const char *file = rt_finding_file(f);
		printf("%s:%d:%d: %s: %s%s\n", file ? cli_safe(file) : "-", rt_finding_line(f),
		       rt_finding_column(f), rt_finding_rule(f), cli_safe(rt_finding_message(f)),
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
		fputs(", \"file\": ", stdout);
		json_str(stdout, rt_finding_file(f));
		printf(", \"line\": %d, \"column\": %d, \"revision\": ", rt_finding_line(f),
		       rt_finding_column(f));
		json_str(stdout, rt_finding_revision(f));
		fputs(", \"section\": ", stdout);
		json_str(stdout, rt_finding_section(f));
		fputs(", \"message\": ", stdout);
		json_str(stdout, rt_finding_message(f));
		fputs(", \"why\": ", stdout);
		json_str(stdout, rt_finding_why(f));
		fputs(", \"fix\": ", stdout);
		json_str(stdout, rt_finding_fix(f));
		fputc('}', stdout);
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
			printf("%-36s %-19s %s\n", rt_lint_rule_name(i), rt_lint_rule_dialects(i),
			       rt_lint_rule_summary(i));
			continue;
		}
		fputs(i ? ",\n  {\"name\": " : "\n  {\"name\": ", stdout);
		json_str(stdout, rt_lint_rule_name(i));
		fputs(", \"dialects\": ", stdout);
		json_str(stdout, rt_lint_rule_dialects(i));
		fputs(", \"summary\": ", stdout);
		json_str(stdout, rt_lint_rule_summary(i));
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
	const char *dialect = rt_lint_report_dialect(r);
	if (!n) {
		cli_note(c, "No findings in %zu revision%s (%s).", nrev, nrev == 1 ? "" : "s", dialect);
		return;
	}
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

/*
 * lint [REVISION | A:B]...: findings on stdout, the summary on stderr,
 * exit 1 on any.  --list-rules needs no configuration, so it runs before
 * the configuration is loaded.
 */
int cmd_lint(cli *c, int argc, char **argv)
{
	const char *dialect = NULL;
	int upgrade_only = 0, list = 0;
	const opt opts[] = {
		OPT_STRING(0, "dialect", &dialect, "NAME", "sqlite or postgresql (default: the configured URL's)"),
		OPT_BOOL(0, "upgrade-only", &upgrade_only, "leave the downgrade sections out"),
		OPT_BOOL(0, "list-rules", &list, "list the rules and exit"),
		OPT_END(),
	};
	const cli_spec spec = { opts,
		"retort lint [--dialect sqlite|postgresql] [--upgrade-only] [--list-rules] [--json] [REVISION | A:B]...",
		"Check migration SQL for statements that are dangerous on a live database:\n"
		"long locks, table rewrites, changes that break running code. Each finding\n"
		"names the rule, file:line:column, why it is dangerous and the safe\n"
		"alternative. Without arguments every revision is linted, else the named\n"
		"revisions and ranges A:B; upgrade and downgrade sections both. No database\n"
		"is needed. Exit status: 1 when there are findings, 0 when there are none.\n"
		"Rules and suppression ('-- retort:lint-ignore RULE'): docs/lint.md.",
		0, -1, NULL };
	int rc = cli_start(c, &argc, argv, &spec, NULL);
	if (rc >= 0)
		return rc;
	if (list)
		return list_rules(c);
	rt_error *err = c->err;
	rt_ctx *ctx = cli_ctx(c, err);
	if (!ctx)
		return cli_fail(c, err);
	rt_lint_report *r = rt_lint(ctx, (const char *const *)argv + 1, (size_t)argc - 1,
				    dialect, upgrade_only ? RT_LINT_UPGRADE_ONLY : 0, err);
	if (!r)
		return cli_fail(c, err);
	if (c->json)
		print_json(r);
	else
		print_text(r);
	summary(c, r);
	int status = rt_lint_report_count(r) ? 1 : 0;
	rt_lint_report_free(r);
	return status;
}
