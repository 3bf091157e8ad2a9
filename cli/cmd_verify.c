/*
 * cmd_verify.c - verify: the pre-deploy check, one line per check, the
 * problems under it, exit 1 when any check fails.
 */
#include "cli.h"

#include <string.h>
#include <unistd.h>

/* {"ok": ..., "checks": [{name, ok, summary, problems, fix_sql}, ...]} (docs/json.md) */
static void print_json(const rt_verify_report *r)
{
	printf("{\"ok\": %s, \"checks\": [", r->ok ? "true" : "false");
	for (size_t i = 0; i < r->n; i++) {
		const rt_verify_check *c = &r->v[i];
		printf("%s\n  {\"name\": ", i ? "," : "");
		json_str(stdout, c->name);
		printf(", \"ok\": %s, \"summary\": ", c->ok ? "true" : "false");
		json_str(stdout, c->summary);
		fputs(", \"problems\": ", stdout);
		json_strlist(stdout, &c->problems);
		fputs(", \"fix_sql\": ", stdout);
		json_str(stdout, c->fix_sql);
		fputc('}', stdout);
	}
	puts("\n]}");
}

/*
 * One line per check, "ok" or "FAIL" coloured only when both stderr
 * (c->color) and stdout are terminals; its problems below it, then any fix
 * SQL indented (blank lines kept blank).
 */
static void print_text(cli *c, const rt_verify_report *r)
{
	const char *red = c->color ? "\033[1;31m" : "", *green = c->color ? "\033[32m" : "";
	const char *off = c->color && isatty(1) ? "\033[0m" : "";
	if (!isatty(1))
		red = green = "";
	for (size_t i = 0; i < r->n; i++) {
		const rt_verify_check *k = &r->v[i];
		printf("%s%-4s%s  %-13s %s\n", k->ok ? green : red, k->ok ? "ok" : "FAIL", off,
		       k->name, k->summary ? k->summary : "");
		for (size_t j = 0; j < k->problems.n; j++)
			printf("      - %s\n", k->problems.v[j]);
		if (k->fix_sql) {
			printf("      SQL that brings the database back in line with its migrations:\n");
			const char *p = k->fix_sql;
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
 * verify: run every check and print the report.  A configuration that
 * cannot be loaded still gives a one-check report with --json, so scripts
 * always get an object.
 */
int cmd_verify(cli *c, int argc, char **argv)
{
	const cli_spec spec = { NULL, "retort verify",
		"Check before deploying: the configuration, the connection, one head (or one\n"
		"per branch in `branches`), every version row defined by a file, the checksum\n"
		"of every applied revision against its file, drift between the database and\n"
		"its migrations (with the SQL that would fix it), lint of the revisions still\n"
		"to apply, and a downgrade for every revision. Exit 1 when a check fails.",
		0, 0, NULL };
	int rc = cli_start(c, &argc, argv, &spec, NULL);
	if (rc >= 0)
		return rc;
	rt_error err = { 0 };
	rt_ctx *ctx = cli_ctx(c, &err);
	if (!ctx) {
		if (c->json) {
			printf("{\"ok\": false, \"checks\": [{\"name\": \"config\", \"ok\": false, \"summary\": ");
			json_str(stdout, err.message);
			puts(", \"problems\": [], \"fix_sql\": null}]}");
		}
		return cli_fail(c, &err);
	}
	rt_verify_report r;
	if (rt_verify(ctx, &r, &err) < 0)
		return cli_fail(c, &err);
	if (c->json)
		print_json(&r);
	else
		print_text(c, &r);
	int status = r.ok ? 0 : 1;
	if (!r.ok && !c->json)
		cli_error(c, 1, NULL, "verify found problems; fix them before deploying");
	rt_verify_report_free(&r);
	return status;
}
