/*
 * cmd_ops.c - backup, seed, create and reset: the operations teams used
 * to script around their migrations.
 */
#include "cli.h"

#include <stdlib.h>
#include <string.h>
#include <unistd.h>

/*
 * backup [-o FILE]: prints the path written; a database that does not
 * exist yet is an error here (rt_backup returns 1 for it).
 */
int cmd_backup(cli *c, int argc, char **argv)
{
	const char *out = NULL;
	const opt opts[] = {
		OPT_STRING('o', "output", &out, "FILE", "where to write it (default: backups/backup-<time>.<ext>)"),
		OPT_END(),
	};
	const cli_spec spec = { opts, "retort backup [-o FILE]",
		"Back the database up: SQLite through its online backup API (a consistent\n"
		"copy while others keep working), PostgreSQL through pg_dump in custom format\n"
		"(restore with pg_restore). Prints the file's path.",
		0, 0, NULL };
	int rc = cli_start(c, &argc, argv, &spec, NULL);
	if (rc >= 0)
		return rc;
	rt_error *err = c->err;
	rt_ctx *ctx = cli_ctx(c, err);
	char *path;
	if (!ctx || (rc = rt_backup(ctx, out, &path, err)) < 0)
		return cli_fail(c, err);
	if (rc == 1) {
		return cli_error(c, 1, NULL, "the database does not exist yet: there is nothing to back up");
	}
	printf("%s\n", path);
	free(path);
	return 0;
}

/*
 * seed NAME...: each seed in its own transaction, in order; stops at the
 * first that fails, the ones before it staying committed.
 */
int cmd_seed(cli *c, int argc, char **argv)
{
	const cli_spec spec = { NULL, "retort seed NAME...",
		"Run seeds/NAME.sql (seed_location in retort.ini) in one transaction: data\n"
		"for development and tests, with ${placeholders} as in migrations.",
		1, -1, "name the seed(s) to run" };
	rt_ctx *ctx;
	int rc = cli_start(c, &argc, argv, &spec, &ctx);
	if (rc >= 0)
		return rc;
	rt_error *err = c->err;
	if ((rc = cli_confirm_protected(c, ctx, "seed")) >= 0)
		return rc;
	for (int i = 1; i < argc; i++) {
		if (rt_seed(ctx, argv[i], err) < 0)
			return cli_fail(c, err);
		cli_note(c, "seeded %s", argv[i]);
	}
	return 0;
}

/* create: the declared schema into an empty database, stamped at the heads. */
int cmd_create(cli *c, int argc, char **argv)
{
	const cli_spec spec = { NULL, "retort create",
		"Load the declared schema (schema or schema_command in retort.ini) into an\n"
		"empty database and stamp it at the heads, in one transaction -- the quick\n"
		"start for a new database. Refuses a database that has tables or a revision.",
		0, 0, NULL };
	int rc = cli_start(c, &argc, argv, &spec, NULL);
	if (rc >= 0)
		return rc;
	rt_error *err = c->err;
	rt_ctx *ctx = cli_ctx(c, err);
	if (!ctx)
		return cli_fail(c, err);
	if ((rc = cli_confirm_protected(c, ctx, "create")) >= 0)
		return rc;
	if (rt_create(ctx, err) < 0)
		return cli_fail(c, err);
	char *schema = rt_config_get(rt_ctx_config(ctx), "schema");
	char *command = schema ? NULL : rt_config_get(rt_ctx_config(ctx), "schema_command");
	if (schema)
		cli_note(c, "created the schema from %s and stamped the heads", schema);
	else
		cli_note(c, "created the schema from what '%s' printed and stamped the heads",
			 command ? command : "");
	rt_free(schema);
	rt_free(command);
	return 0;
}

/* Ask on the terminal; 1 when the answer is yes. */
static int confirm(const char *url)
{
	fprintf(stderr, "This throws away everything in %s and builds it again.\nContinue? [y/N] ", cli_safe(url));
	fflush(stderr);
	char line[16];
	if (!fgets(line, sizeof(line), stdin))
		return 0;
	return line[0] == 'y' || line[0] == 'Y';
}

/*
 * reset [--yes]: asks first unless --yes, and insists on --yes unless
 * stdin and stderr are both terminals.  A protected environment needs
 * more than --yes: its name, typed or given with --confirm.
 */
int cmd_reset(cli *c, int argc, char **argv)
{
	int yes = 0;
	const opt opts[] = {
		OPT_BOOL('y', "yes", &yes, "do not ask (needed when not on a terminal)"),
		OPT_END(),
	};
	const cli_spec spec = { opts, "retort reset [--yes]",
		"Start the database over: downgrade to base (or, when a revision has no\n"
		"downgrade, drop what the migrations created), upgrade to the heads, then run the seeds\n"
		"listed in retort.ini (seeds = ...). Asks first on a terminal; in an\n"
		"environment marked protected = true, needs its name (typed, or --confirm NAME).",
		0, 0, NULL };
	rt_ctx *ctx;
	int rc = cli_start(c, &argc, argv, &spec, &ctx);
	if (rc >= 0)
		return rc;
	rt_error *err = c->err;
	const rt_config *cfg = rt_ctx_config(ctx);
	int protected_env = rt_protected_name(cfg) != NULL;
	if (protected_env && (rc = cli_confirm_protected(c, ctx, "reset")) >= 0)
		return rc;
	if (!protected_env && !yes) {
		if (!isatty(0) || !isatty(2))
			return usage_error(c, spec.usage, "reset asks for confirmation: run it on a terminal, or pass --yes");
		char *url = rt_config_get(cfg, "url");
		char *masked = rt_url_mask(url);
		rt_free(url);
		int ok = confirm(masked);
		rt_free(masked);
		if (!ok) {
			fprintf(stderr, "reset cancelled\n");
			return 1;
		}
	}
	if (rt_reset(ctx, err) < 0)
		return cli_fail(c, err);
	cli_note(c, "reset done");
	return 0;
}
