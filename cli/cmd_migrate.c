/*
 * cmd_migrate.c - upgrade, downgrade and stamp: the commands that move
 * the database (or, with --sql, print the SQL that would move it).
 */
#include "cli.h"

#include <stdlib.h>
#include <string.h>
#include <time.h>

static double now_ms(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec * 1e3 + (double)ts.tv_nsec / 1e6;
}

/* Counts steps, and times them from the first (not from any lock wait). */
typedef struct counter {
	cli *c;
	int steps;
	double first;
} counter;

static void count_event(const rt_event *ev, void *ud)
{
	counter *k = ud;
	if (rt_event_kind_of(ev) == RT_EV_STEP_BEGIN && !k->first)
		k->first = now_ms();
	if (rt_event_kind_of(ev) == RT_EV_STEP_END)
		k->steps++;
	cli_on_event(ev, k->c);
}

typedef enum { MOVE_UP, MOVE_DOWN } move;

/*
 * upgrade and downgrade TARGET: --sql runs offline (SQL to stdout, no
 * database), --backup backs up before the first step (never with --sql).
 * The closing summary times the steps from the first one's start, so a
 * wait for another retort's lock is not counted.
 */
static int run_move(cli *c, int argc, char **argv, move m)
{
	int sql = 0, backup = 0, resume = 0, partial = 0;
	const char *applied = NULL;
	const opt opts[] = {
		OPT_BOOL(0, "sql", &sql, "print the SQL instead of running it (no database needed)"),
		OPT_BOOL(0, "backup", &backup, "back the database up first (see retort backup)"),
		OPT_BOOL(0, "resume", &resume, "continue a partly applied revision (MySQL) where it stopped"),
		OPT_BOOL(0, "partial", &partial, "undo what took effect of a partly applied revision (MySQL)"),
		OPT_STRING(0, "applied", &applied, "N", "with --resume or --partial: N statements of it took effect"),
		OPT_END(),
	};
	const cli_spec up = { opts, "retort upgrade [--sql] [--backup] TARGET\n"
		"   or: retort upgrade --resume [--applied N] [TARGET]\n"
		"   or: retort upgrade --partial [--applied N]",
		"Apply every migration needed to reach TARGET: head, heads, a revision id or\n"
		"prefix, label@head, +N, REV+N ... Each migration and its version-table update\n"
		"commit together. With --sql, TARGET may be a range FROM:TO (FROM defaults to base).\n"
		"On MySQL, where DDL commits as it runs, --resume continues a revision a failed\n"
		"run left partly applied, and --partial undoes what took effect of a downgrade.",
		0, 1, NULL };
	const cli_spec down = { opts, "retort downgrade [--sql] [--backup] TARGET\n"
		"   or: retort downgrade --resume [--applied N] [TARGET]\n"
		"   or: retort downgrade --partial [--applied N]",
		"Revert applied migrations down to TARGET: base, -N, a revision, label@base,\n"
		"label@-N ... With --sql, TARGET must be a range FROM:TO. On MySQL, --partial\n"
		"runs the downgrade statements that undo what took effect of a partly applied\n"
		"upgrade, and --resume continues a partly applied downgrade.",
		0, 1, NULL };
	const cli_spec *spec = m == MOVE_UP ? &up : &down;
	int rc = cli_start(c, &argc, argv, spec, NULL);
	if (rc >= 0)
		return rc;
	long n = -1;
	if (applied) {
		char *end;
		n = strtol(applied, &end, 10);
		if (!*applied || *end || n < 0)
			return usage_error(c, spec->usage, "--applied needs a number of statements, not '%s'", applied);
	}
	if (resume && partial)
		return usage_error(c, spec->usage, "--resume (continue the revision) and --partial (undo it) cannot be used together");
	if (applied && !resume && !partial)
		return usage_error(c, spec->usage, "--applied goes with --resume or --partial");
	if (partial && argc > 1)
		return usage_error(c, spec->usage, "--partial undoes the partly applied revision only: it takes no target");
	if (!resume && !partial && argc < 2)
		return usage_error(c, spec->usage, "a target revision is needed");
	if (sql && (resume || partial))
		return usage_error(c, spec->usage, "--resume and --partial act on the database: they do not go with --sql");
	if (sql && m == MOVE_DOWN && !strchr(argv[1], ':'))
		return cli_error(c, 2, "offline, the database's revision is not read: say where it starts, e.g. retort downgrade head:-1 --sql",
				 "downgrade with --sql needs a range FROM:TO");
	if (!sql && argc > 1 && strchr(argv[1], ':'))
		return cli_error(c, 2, "online, retort reads where the database starts; give only the target",
				 "a range '%s' is only allowed with --sql", argv[1]);
	rt_error *err = c->err;
	rt_ctx *ctx = cli_ctx(c, err);
	if (!ctx)
		return cli_fail(c, err);
	rt_ctx_partial(ctx, resume ? RT_PARTIAL_RESUME : partial ? RT_PARTIAL_UNDO : RT_PARTIAL_REFUSE, n);
	counter k = { c, 0, 0 };
	rt_ctx_on_event(ctx, count_event, &k);
	if (sql)
		rt_ctx_set_offline(ctx, cli_write_stdout, NULL);
	else if (m == MOVE_DOWN && (rc = cli_confirm_protected(c, ctx, "downgrade")) >= 0)
		return rc;
	rt_ctx_backup_first(ctx, backup && !sql);
	const char *target = argc > 1 ? argv[1] : NULL;
	rc = m == MOVE_UP ? rt_upgrade(ctx, target, err)
			  : rt_downgrade(ctx, target, err);
	if (rc < 0)
		return cli_fail(c, err);
	if (!sql && k.steps)
		cli_note(c, "%s %d migration%s in %.0f ms",
			 m == MOVE_UP ? "applied" : "reverted", k.steps,
			 k.steps == 1 ? "" : "s", now_ms() - k.first);
	/* dump_schema_after_upgrade: the schema file follows the database (development) */
	char *dump = sql || !k.steps ? NULL : rt_config_get(rt_ctx_config(ctx), "dump_schema_after_upgrade");
	rc = dump ? cli_dump_schema_to(c, ctx, dump) : 0;
	if (dump && rc == 0)
		cli_note(c, "wrote %s (dump_schema_after_upgrade)", dump);
	rt_free(dump);
	return rc ? 1 : 0;
}

int cmd_upgrade(cli *c, int argc, char **argv)
{
	return run_move(c, argc, argv, MOVE_UP);
}

int cmd_downgrade(cli *c, int argc, char **argv)
{
	return run_move(c, argc, argv, MOVE_DOWN);
}

/*
 * stamp [--purge] [--sql] REVISION...: set the version table to the
 * targets without running migrations (rt_plan_stamp decides which rows stay).
 */
int cmd_stamp(cli *c, int argc, char **argv)
{
	int sql = 0, purge = 0;
	const opt opts[] = {
		OPT_BOOL(0, "sql", &sql, "print the SQL instead of running it"),
		OPT_BOOL(0, "purge", &purge, "delete every row first (also rows no file defines)"),
		OPT_END(),
	};
	const cli_spec spec = { opts, "retort stamp [--purge] [--sql] REVISION...",
		"Set the version table to REVISION(s) without running any migration: rows of\n"
		"unrelated branches stay, rows on the same line are replaced. 'base' empties it.",
		1, -1, "at least one revision is needed" };
	rt_ctx *ctx;
	int rc = cli_start(c, &argc, argv, &spec, &ctx);
	if (rc >= 0)
		return rc;
	rt_error *err = c->err;
	if (purge && sql)
		return cli_error(c, 2, NULL, "--purge cannot be used with --sql");
	for (int i = 1; i < argc && !sql; i++)
		if (strchr(argv[i], ':'))
			return cli_error(c, 2, "online, retort reads where the database starts; give only the target",
					 "a range '%s' is only allowed with --sql", argv[i]);
	if (sql && argc > 2)
		for (int i = 1; i < argc; i++)
			if (strchr(argv[i], ':'))
				return cli_error(c, 2, NULL, "with --sql, a range FROM:TO goes with a single stamp target");
	if (sql)
		rt_ctx_set_offline(ctx, cli_write_stdout, NULL);
	else if ((rc = cli_confirm_protected(c, ctx, "stamp")) >= 0)
		return rc;
	if (rt_stamp(ctx, (const char *const *)argv + 1, (size_t)argc - 1, purge,
		     err) < 0)
		return cli_fail(c, err);
	return 0;
}
