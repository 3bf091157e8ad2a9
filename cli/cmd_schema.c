/*
 * cmd_schema.c - check and diff: the declared schema compared with the
 * migrations or a database.
 */
#include "cli.h"

#include <string.h>

/* Objects retort found but cannot compare: always said, never skipped silently. */
void cli_report_unsupported(cli *c, const rt_diff *d)
{
	for (size_t i = 0; i < d->unsupported.n; i++)
		cli_note(c, "warning: not compared (retort cannot diff it yet): %s",
			 d->unsupported.v[i]);
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
	rt_error err = { 0 };
	rt_diff d;
	if (rt_schema_diff(ctx, "migrations", "schema", &d, &err) < 0)
		return cli_fail(c, &err);
	if (c->json) {
		printf("{\"equal\": %s, \"changes\": ", d.changes.n ? "false" : "true");
		json_strlist(stdout, &d.changes);
		fputs(", \"warnings\": ", stdout);
		json_strlist(stdout, &d.warnings);
		fputs(", \"unsupported\": ", stdout);
		json_strlist(stdout, &d.unsupported);
		fputs("}\n", stdout);
	} else {
		for (size_t i = 0; i < d.changes.n; i++)
			printf("%s\n", cli_safe(d.changes.v[i]));
	}
	cli_report_unsupported(c, &d);
	int status = d.changes.n ? 1 : 0;
	if (status)
		cli_error(c, 1, "write a migration for them: retort revision --autogenerate -m \"...\"",
			  "the declared schema and the migrations at head differ (%zu change%s)",
			  d.changes.n, d.changes.n == 1 ? "" : "s");
	else
		cli_note(c, "No changes: the declared schema matches the migrations at head.");
	rt_diff_free(&d);
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
	rt_error err = { 0 };
	rt_diff d;
	if (rt_schema_diff(ctx, from, to, &d, &err) < 0)
		return cli_fail(c, &err);
	if (c->json) {
		fputs("{\"upgrade_sql\": ", stdout);
		json_str(stdout, d.upgrade_sql);
		fputs(", \"downgrade_sql\": ", stdout);
		json_str(stdout, d.downgrade_sql);
		fputs(", \"changes\": ", stdout);
		json_strlist(stdout, &d.changes);
		fputs(", \"warnings\": ", stdout);
		json_strlist(stdout, &d.warnings);
		fputs(", \"unsupported\": ", stdout);
		json_strlist(stdout, &d.unsupported);
		fputs("}\n", stdout);
	} else {
		fputs(down ? d.downgrade_sql : d.upgrade_sql, stdout);
	}
	cli_report_unsupported(c, &d);
	for (size_t i = 0; i < d.warnings.n; i++)
		cli_note(c, "warning: %s", d.warnings.v[i]);
	if (!d.changes.n)
		cli_note(c, "No differences.");
	int status = exit_code && d.changes.n ? 1 : 0;
	rt_diff_free(&d);
	return status;
}
