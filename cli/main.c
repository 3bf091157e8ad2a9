/*
 * main.c - the `retort` command: global options, then one command from
 * the table below, each implemented in its own cli/cmd_*.c file.
 */
#include "cli.h"

#include <stdlib.h>
#include <string.h>
#include <unistd.h>

typedef cli_command command;

static const command commands[] = {
	{ "init", cmd_init, "create retort.ini, migrations/ and schema.sql in a directory", 0, "dirs" },
	{ "revision", cmd_revision, "write a new migration file (--autogenerate: from the declared schema)", 0, NULL },
	{ "migrate", cmd_migrate, "revision --autogenerate (Flask-Migrate's name)", 0, NULL },
	{ "merge", cmd_merge, "write a migration that joins several heads", 0, "revisions" },
	{ "squash", cmd_squash, "write one revision that replaces a linear chain of old ones", 0, "revisions" },
	{ "edit", cmd_edit, "open a migration file in $EDITOR", 0, "revisions" },
	{ "upgrade", cmd_upgrade, "apply migrations up to a target (--sql: print them)", 0, "revisions" },
	{ "downgrade", cmd_downgrade, "revert migrations down to a target (--sql: print them)", 0, "revisions" },
	{ "stamp", cmd_stamp, "set the version table without running migrations", 0, "revisions" },
	{ "current", cmd_current, "show the database's current revision(s)", 1, NULL },
	{ "heads", cmd_heads, "show the heads of the revision graph", 1, NULL },
	{ "branches", cmd_branches, "show the branch points", 1, NULL },
	{ "history", cmd_history, "list revisions, newest first", 1, NULL },
	{ "show", cmd_show, "show one revision in detail", 1, "revisions" },
	{ "backup", cmd_backup, "copy the database to a file (SQLite backup API, pg_dump)", 0, NULL },
	{ "seed", cmd_seed, "run seeds/NAME.sql in one transaction", 0, "seeds" },
	{ "baseline", cmd_baseline, "adopt a database made without retort: a first revision of its schema", 0, NULL },
	{ "dump-schema", cmd_dump_schema, "print the database's schema as SQL, in a stable order", 0, NULL },
	{ "create", cmd_create, "load the declared schema into an empty database, stamp heads", 0, NULL },
	{ "reset", cmd_reset, "start over: to base, to the heads, seeds (asks first)", 0, NULL },
	{ "rehash", cmd_rehash, "record the checksum of applied revisions edited on purpose", 0, "revisions" },
	{ "verify", cmd_verify, "pre-deploy check: heads, checksums, drift, lint, downgrades", 1, NULL },
	{ "check", cmd_check, "exit 1 when the declared schema and the migrations differ", 1, NULL },
	{ "diff", cmd_diff, "SQL between two schemas: schema file, migrations, databases", 1, NULL },
	{ "lint", cmd_lint, "find migration SQL that is dangerous on a live database", 1, "revisions" },
	{ "test", cmd_test, "apply, revert and reapply each revision in a scratch database", 1, "revisions" },
	{ "embed", cmd_embed, "write a C source holding the migration files, for rt_ctx_open_embedded", 0, NULL },
	{ "completion", cmd_completion, "print a bash, zsh or fish completion script", 0, "shells" },
	{ NULL, NULL, NULL, 0, NULL },
};

const cli_command *cli_command_table(void)
{
	return commands;
}

/* What 'retort --help' prints: usage, every command of the table, exit statuses. */
static void general_help(FILE *f)
{
	fprintf(f, "usage: retort [-c FILE] [-e ENV] [-x KEY=VALUE] [--url URL] [--lock-wait SECONDS]\n"
		   "              [--confirm NAME] [--json] [-q] [-v] [--version] COMMAND [ARGS]\n\n"
	       "retort manages a database schema with plain-SQL migration files arranged in\n"
	       "a graph of revisions, as Alembic does.\n\ncommands:\n");
	for (const command *cmd = commands; cmd->name; cmd++)
		fprintf(f, "  %-10s %s\n", cmd->name, cmd->summary);
	fprintf(f, "\n'retort COMMAND --help' describes a command and its options.\n"
	       "Exit status: 0 success, 1 failure (or a check found something), 2 usage error.\n");
}

/*
 * Does global option a take the next argument as its value, so the command
 * name comes after that?  Short flags combine as options.c reads them: in
 * -qc FILE the last letter takes the next argument, in -qcFILE the rest
 * of the cluster is the value.
 */
static int takes_value(const char *a)
{
	static const char *const with_value[] = { "--config", "--env", "--url",
		"--lock-wait", "--confirm", NULL };
	if (a[0] == '-' && a[1] && a[1] != '-') {
		for (const char *p = a + 1; *p; p++)
			if (strchr("cex", *p))
				return p[1] == '\0';
		return 0;
	}
	for (int i = 0; with_value[i]; i++)
		if (!strcmp(a, with_value[i]))
			return 1;
	return 0;
}

static const command *find_command(const char *name)
{
	for (const command *cmd = commands; cmd->name; cmd++)
		if (!strcmp(cmd->name, name))
			return cmd;
	return NULL;
}

/*
 * Find the command: the first argument that is neither an option nor the
 * value of a global option, so global options may come before it.
 * --version anywhere before "--" wins, and "help CMD" runs CMD --help.
 * The command gets its own name as argv[0], then every other argument, so
 * it parses the global options together with its own; --json is refused
 * here for commands that have no JSON output.
 */
int main(int argc, char **argv)
{
	cli c = { .lock_wait = -1 };
	const char *nc = getenv("NO_COLOR"), *term = getenv("TERM");
	c.color = isatty(2) && !(nc && *nc) && !(term && !strcmp(term, "dumb"));

	for (int i = 1; i < argc; i++) {
		if (!strcmp(argv[i], "--"))
			break;
		if (!strcmp(argv[i], "--version")) {
			printf("retort %s\n", RETORT_VERSION);
			return 0;
		}
	}
	int idx = 0;
	for (int i = 1; i < argc && !idx; i++) {
		if (argv[i][0] != '-') {
			idx = i;
		} else if (takes_value(argv[i])) {
			if (i + 1 >= argc) {
				cli_error(&c, 2, NULL, "option '%s' needs a value", argv[i]);
				fprintf(stderr, "See 'retort --help'.\n");
				return 2;
			}
			i++;
		}
	}
	if (!idx) {
		for (int i = 1; i < argc; i++)
			if (!strcmp(argv[i], "-h") || !strcmp(argv[i], "--help")) {
				general_help(stdout);
				return 0;
			}
		cli_error(&c, 2, NULL, "no command given\n");
		general_help(stderr);
		return 2;
	}
	if (!strcmp(argv[idx], "help")) {
		const command *cmd = idx + 1 < argc ? find_command(argv[idx + 1]) : NULL;
		if (!cmd) {
			if (idx + 1 < argc)
				cli_error(&c, 2, NULL, "unknown command '%s'\n", argv[idx + 1]);
			general_help(idx + 1 < argc ? stderr : stdout);
			return idx + 1 < argc ? 2 : 0;
		}
		char *hargv[] = { (char *)cmd->name, "--help", NULL };
		c.cmd = cmd->name;
		c.err = rt_error_new();
		int rc = cmd->fn(&c, 2, hargv);
		rt_error_free(c.err);
		return rc;
	}
	const command *cmd = find_command(argv[idx]);
	static const command complete = { "__complete", cmd_complete, "", 0, NULL };
	if (!cmd && !strcmp(argv[idx], "__complete"))
		cmd = &complete; /* what completion scripts ask for; not listed */
	if (!cmd) {
		cli_error(&c, 2, NULL, "unknown command '%s'\n", argv[idx]);
		general_help(stderr);
		return 2;
	}
	/* The command sees its name first, then every other argument. */
	char **args = calloc((size_t)argc + 1, sizeof(char *));
	if (!args)
		return 1;
	int n = 0;
	args[n++] = argv[idx];
	for (int i = 1; i < argc; i++)
		if (i != idx)
			args[n++] = argv[i];
	c.cmd = cmd->name;
	for (int i = 1; i < n && !cmd->json; i++) {
		if (!strcmp(args[i], "--"))
			break;
		if (!strcmp(args[i], "--json")) {
			cli_error(&c, 2, "--json works with current, heads, branches, history, show, check, diff, lint, test and verify",
				  "'retort %s' has no JSON output", cmd->name);
			free(args);
			return 2;
		}
	}
	c.err = rt_error_new();
	int rc = cmd->fn(&c, n, args);
	rt_ctx_close(c.ctx);
	rt_config_free(c.cfg);
	rt_error_free(c.err);
	free(c.xargs.v);
	free(args);
	return rc;
}
