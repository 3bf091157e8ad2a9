/*
 * cmd_schema.c - check and diff: the declared schema compared with the
 * migrations or a database.
 */
#include "cli.h"

#include <string.h>

/* Objects retort found but cannot compare: always said, never skipped silently. */
void cli_report_unsupported(cli *c, const rt_diff *d)
{
	for (size_t i = 0; i < rt_diff_unsupported_count(d); i++)
		cli_note(c, "warning: not compared (retort cannot diff it yet): %s",
			 rt_diff_unsupported(d, i));
}

/* "changes": [...], "warnings": [...], "unsupported": [...] of check and diff --json. */
static void json_diff_lists(const rt_diff *d)
{
	fputs("\"changes\": [", stdout);
	for (size_t i = 0; i < rt_diff_change_count(d); i++)
		json_item(stdout, i, rt_diff_change(d, i));
	fputs("], \"warnings\": [", stdout);
	for (size_t i = 0; i < rt_diff_warning_count(d); i++)
		json_item(stdout, i, rt_diff_warning(d, i));
	fputs("], \"unsupported\": [", stdout);
	for (size_t i = 0; i < rt_diff_unsupported_count(d); i++)
		json_item(stdout, i, rt_diff_unsupported(d, i));
	fputs("]}\n", stdout);
}

/*
 * check: the migrations replayed to the heads against the declared schema,
 * both loaded into scratch databases; exit 1 when they differ.
 */
int cmd_check(cli *c, int argc, char **argv)
{
	const cli_spec spec = { NULL, "retort check [--json]",
		"Compare the declared schema (schema or schema_command in retort.ini) with\n"
		"what the migrations build at head, replayed into a scratch database. Prints\n"
		"each difference and exits 1 when they differ (Alembic's `alembic check`), 0\n"
		"when they match.",
		0, 0, NULL };
	rt_ctx *ctx;
	int rc = cli_start(c, &argc, argv, &spec, &ctx);
	if (rc >= 0)
		return rc;
	rt_error *err = c->err;
	rt_diff *d = rt_schema_diff(ctx, "migrations", "schema", err);
	if (!d)
		return cli_fail(c, err);
	size_t n = rt_diff_change_count(d);
	if (c->json) {
		printf("{\"equal\": %s, ", n ? "false" : "true");
		json_diff_lists(d);
	} else {
		for (size_t i = 0; i < n; i++)
			printf("%s\n", cli_safe(rt_diff_change(d, i)));
	}
	cli_report_unsupported(c, d);
	int status = n ? 1 : 0;
	if (status)
		cli_error(c, 1, "write a migration for them: retort revision --autogenerate -m \"...\"",
			  "the declared schema and the migrations at head differ (%zu change%s)",
			  n, n == 1 ? "" : "s");
	else
		cli_note(c, "No changes: the declared schema matches the migrations at head.");
	rt_diff_free(d);
	return status;
}

/*
 * diff [--from SRC] [--to SRC]: the upgrade SQL (with --downgrade the way
 * back) on stdout, warnings on stderr; differences exit 1 only with
 * --exit-code, as with git diff.
 */
int cmd_diff(cli *c, int argc, char **argv)
{
	const char *from = "database", *to = "schema";
	int down = 0, exit_code = 0;
	const opt opts[] = {
		OPT_STRING(0, "from", &from, "SRC", "what to start from (default: database)"),
		OPT_STRING(0, "to", &to, "SRC", "what to arrive at (default: schema)"),
		OPT_BOOL(0, "downgrade", &down, "print the way back instead"),
		OPT_BOOL(0, "exit-code", &exit_code, "exit 1 when there are differences"),
		OPT_END(),
	};
	const cli_spec spec = { opts, "retort diff [--from SRC] [--to SRC] [--downgrade] [--exit-code] [--json]",
		"Print the SQL that turns one schema into another. SRC is one of: schema\n"
		"(the declared schema), file:PATH, migrations[:REV], database (the configured\n"
		"one), a database URL, empty.",
		0, 0, NULL };
	rt_ctx *ctx;
	int rc = cli_start(c, &argc, argv, &spec, &ctx);
	if (rc >= 0)
		return rc;
	rt_error *err = c->err;
	rt_diff *d = rt_schema_diff(ctx, from, to, err);
	if (!d)
		return cli_fail(c, err);
	if (c->json) {
		fputs("{\"upgrade_sql\": ", stdout);
		json_str(stdout, rt_diff_upgrade_sql(d));
		json_field(stdout, "downgrade_sql", rt_diff_downgrade_sql(d));
		fputs(", ", stdout);
		json_diff_lists(d);
	} else {
		fputs(down ? rt_diff_downgrade_sql(d) : rt_diff_upgrade_sql(d), stdout);
	}
	cli_report_unsupported(c, d);
	for (size_t i = 0; i < rt_diff_warning_count(d); i++)
		cli_note(c, "warning: %s", rt_diff_warning(d, i));
	size_t n = rt_diff_change_count(d);
	if (!n)
		cli_note(c, "No differences.");
	int status = exit_code && n ? 1 : 0;
	rt_diff_free(d);
	return status;
}
