/*
 * cmd_verify.c - verify: the pre-deploy check, one line per check, the
 * problems under it, exit 1 when any check fails.
 */
#include "cli.h"

#include <stdlib.h>
#include <string.h>
#include <unistd.h>

/* {"ok": ..., "checks": [{name, ok, skipped, summary, problems, fix_sql, fix}, ...]} (docs/json.md) */
static void print_json(const rt_verify_report *r)
{
	printf("{\"ok\": %s, \"checks\": [", rt_verify_report_ok(r) ? "true" : "false");
	for (size_t i = 0; i < rt_verify_check_count(r); i++) {
		printf("%s\n  {\"name\": ", i ? "," : "");
		json_str(stdout, rt_verify_check_name(r, i));
		printf(", \"ok\": %s, \"skipped\": %s, \"summary\": ", rt_verify_check_ok(r, i) ? "true" : "false",
		       rt_verify_check_skipped(r, i) ? "true" : "false");
		json_str(stdout, rt_verify_check_summary(r, i));
		fputs(", \"problems\": [", stdout);
		for (size_t j = 0; j < rt_verify_check_problem_count(r, i); j++)
			json_item(stdout, j, rt_verify_check_problem(r, i, j));
		fputs("], \"fix_sql\": ", stdout);
		json_str(stdout, rt_verify_check_fix_sql(r, i));
		char buf[512];
		const char *fix = cli_fix_text_of(rt_verify_check_fix(r, i), rt_verify_check_fix_arg(r, i),
						  buf, sizeof(buf));
		json_field(stdout, "fix", fix ? fix : NULL);
		fputc('}', stdout);
	}
	puts("\n]}");
}

/*
 * One line per check, "ok", "skip" or "FAIL" coloured only when both
 * stderr (c->color) and stdout are terminals; its problems below it, the
 * command that fixes them, then any fix SQL indented (blank lines kept
 * blank).
 */
static void print_text(cli *c, const rt_verify_report *r)
{
	const char *red = c->color ? "\033[1;31m" : "", *green = c->color ? "\033[32m" : "";
	const char *off = c->color && isatty(1) ? "\033[0m" : "";
	if (!isatty(1))
		red = green = "";
	for (size_t i = 0; i < rt_verify_check_count(r); i++) {
		int ok = rt_verify_check_ok(r, i), skipped = rt_verify_check_skipped(r, i);
		const char *fix = rt_verify_check_fix_sql(r, i);
		printf("%s%-4s%s  %-13s %s\n", !ok ? red : skipped ? "" : green,
		       !ok ? "FAIL" : skipped ? "skip" : "ok", skipped && ok ? "" : off,
		       rt_verify_check_name(r, i), cli_safe(rt_verify_check_summary(r, i)));
		for (size_t j = 0; j < rt_verify_check_problem_count(r, i); j++)
			printf("      - %s\n", cli_safe(rt_verify_check_problem(r, i, j)));
		char buf[512];
		const char *cmd = cli_fix_text_of(rt_verify_check_fix(r, i), rt_verify_check_fix_arg(r, i),
						  buf, sizeof(buf));
		if (cmd)
			printf("      %s\n", cmd);
		if (fix) {
			printf("      SQL that brings the database back in line with its migrations:\n");
			const char *p = fix;
			while (*p) {
				const char *nl = strchr(p, '\n');
				int n = nl ? (int)(nl - p) : (int)strlen(p);
				printf("%s%.*s\n", n ? "        " : "", n, p);
				p += n + (nl != NULL);
			}
		}
	}
}

/*
 * --json when the configuration or the migration files cannot be loaded:
 * a one-check report whose problem reads as the text error does
 * ("file:line: message (hint: ...)"), so scripts always get an object.
 */
static void print_json_load_failure(const rt_error *err)
{
	const char *msg = rt_error_message(err) ? rt_error_message(err) : "unknown error";
	const char *efile = rt_error_file(err), *hint = rt_error_hint(err);
	int eline = rt_error_line(err);
	const char *file = efile ? efile : "";
	const char *sep = !efile ? "" : eline ? ":" : ": ";
	char line[24] = "";
	if (efile && eline)
		snprintf(line, sizeof(line), "%d: ", eline);
	const char *h0 = hint ? " (hint: " : "", *h = hint ? hint : "", *h1 = hint ? ")" : "";
	int n = snprintf(NULL, 0, "%s%s%s%s%s%s%s", file, sep, line, msg, h0, h, h1);
	char *prob = n >= 0 ? malloc((size_t)n + 1) : NULL;
	if (prob)
		snprintf(prob, (size_t)n + 1, "%s%s%s%s%s%s%s", file, sep, line, msg, h0, h, h1);
	printf("{\"ok\": false, \"checks\": [{\"name\": \"config\", \"ok\": false, \"skipped\": false, "
	       "\"summary\": \"the configuration or the migration files cannot be loaded\", "
	       "\"problems\": [");
	json_str(stdout, prob ? prob : msg);
	puts("], \"fix_sql\": null, \"fix\": null}]}");
	free(prob);
}

/* verify: run every check and print the report. */
int cmd_verify(cli *c, int argc, char **argv)
{
	const cli_spec spec = { NULL, "retort verify [--json]",
		"Check before deploying: the configuration, the connection, one head (or one\n"
		"per branch in `branches`), every version row defined by a file, the checksum\n"
		"of every applied revision against its file, drift between the database and\n"
		"its migrations (with the SQL that would fix it), the declared schema against\n"
		"the migrations at the heads (a model changed without its migration), lint of\n"
		"the revisions still to apply, and a downgrade for every revision. A check\n"
		"that cannot run prints 'skip' and why. Exit 1 when a check fails.",
		0, 0, NULL };
	int rc = cli_start(c, &argc, argv, &spec, NULL);
	if (rc >= 0)
		return rc;
	rt_error *err = c->err;
	rt_ctx *ctx = cli_ctx(c, err);
	if (!ctx) {
		if (c->json)
			print_json_load_failure(err);
		return cli_fail(c, err);
	}
	rt_verify_report *r = rt_verify(ctx, err);
	if (!r)
		return cli_fail(c, err);
	if (c->json)
		print_json(r);
	else
		print_text(c, r);
	int ok = rt_verify_report_ok(r);
	if (!ok && !c->json)
		cli_error(c, 1, NULL, "verify found problems; fix them before deploying");
	rt_verify_report_free(r);
	return ok ? 0 : 1;
}
