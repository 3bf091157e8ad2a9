/*
 * cmd_revision.c - revision and merge: write new migration files.  The
 * path of the new file goes to stdout, so `$EDITOR $(retort revision -m x)`
 * works.
 */
#include "cli.h"

#include <stdlib.h>
#include <string.h>

/* Write the new revision's file (empty sections) and print its path on stdout. */
static int create(cli *c, rt_new_revision *nr)
{
	rt_error err = { 0 };
	rt_ctx *ctx = cli_ctx(c, &err);
	if (!ctx)
		return cli_fail(c, &err);
	char *path;
	if (rt_revision_create(rt_ctx_config(ctx), rt_ctx_graph(ctx), nr, &path,
			       &err) < 0)
		return cli_fail(c, &err);
	printf("%s\n", path);
	free(path);
	return 0;
}

/*
 * Lint what autogenerate wrote (its upgrade section, read back so
 * positions are the file's) and print the findings as warnings: they
 * point at generated statements worth rewriting in a safe form before
 * applying, but change no exit status.
 */
static void lint_written(cli *c, const char *path)
{
	FILE *f = fopen(path, "rb");
	if (!f)
		return;
	char *text = NULL;
	size_t len = 0, cap = 0, n;
	char buf[8192];
	while ((n = fread(buf, 1, sizeof(buf), f)) > 0) {
		if (len + n + 1 > cap) {
			cap = 2 * (len + n + 1);
			char *t = realloc(text, cap);
			if (!t)
				break;
			text = t;
		}
		memcpy(text + len, buf, n);
		len += n;
	}
	fclose(f);
	rt_error err = { 0 };
	/* the revision owns text from here on, also when parsing fails */
	rt_revision *rev = text ? rt_revision_parse(path, text, len, &err) : NULL;
	char *sql = rev ? strndup(rev->upgrade.body, rev->upgrade.len) : NULL;
	rt_lint_options lo = { .nontransactional = rev && !rev->upgrade.transactional };
	rt_lint_report r = { 0 };
	if (sql && rt_lint_sql(c->cfg, &lo, sql, path, rev->upgrade.body_line,
			       &r, &err) == 0) {
		for (size_t i = 0; i < r.n; i++)
			cli_note(c, "warning: %s:%d:%d: %s: %s\n  why: %s\n  fix: %s",
				 r.v[i].file, r.v[i].line, r.v[i].column, r.v[i].rule,
				 r.v[i].message, r.v[i].why, r.v[i].fix);
		if (r.n)
			cli_note(c, "warning: lint found %zu unsafe statement%s in the new migration (docs/lint.md; recheck with: retort lint %s)",
				 r.n, r.n == 1 ? "" : "s", rev->id);
	}
	rt_lint_report_free(&r);
	rt_revision_free(rev);
	rt_error_clear(&err);
	free(sql);
}

/* --autogenerate: the file's SQL comes from the database and the declared schema. */
static int autogenerate(cli *c, rt_new_revision *nr)
{
	rt_error err = { 0 };
	rt_ctx *ctx = cli_ctx(c, &err);
	if (!ctx)
		return cli_fail(c, &err);
	rt_diff d;
	char *path;
	if (rt_autogenerate(ctx, nr, &d, &path, &err) < 0) {
		rt_diff_free(&d);
		return cli_fail(c, &err);
	}
	cli_report_unsupported(c, &d);
	if (!path) {
		cli_note(c, "No changes in schema detected: the database already matches the declared schema; no migration written.");
		rt_diff_free(&d);
		return 0;
	}
	for (size_t i = 0; i < d.changes.n; i++)
		cli_note(c, "  %s", d.changes.v[i]);
	for (size_t i = 0; i < d.warnings.n; i++)
		cli_note(c, "warning: %s", d.warnings.v[i]);
	lint_written(c, path);
	cli_note(c, "Review it, then apply it with: retort upgrade head");
	printf("%s\n", path);
	free(path);
	rt_diff_free(&d);
	return 0;
}

/* revision, and migrate (= revision --autogenerate) */
static int revision(cli *c, int argc, char **argv, int autogen)
{
	const char *message = NULL, *rev_id = NULL, *version_path = NULL;
	int splice = 0;
	opt_list heads = { 0 }, labels = { 0 }, depends = { 0 };
	const opt opts[] = {
		OPT_STRING('m', "message", &message, "MSG", "what the migration does (also names the file)"),
		OPT_LIST(0, "head", &heads, "REV", "parent revision (default: head; 'base' for a new root)"),
		OPT_BOOL(0, "splice", &splice, "allow a parent that is not a head (starts a branch)"),
		OPT_LIST(0, "branch-label", &labels, "LABEL", "a branch label for the new revision"),
		OPT_LIST(0, "depends-on", &depends, "REV", "a revision (or label) that must be applied first"),
		OPT_STRING(0, "rev-id", &rev_id, "ID", "use this revision id instead of a random one"),
		OPT_STRING(0, "version-path", &version_path, "DIR", "which script location to write to"),
		OPT_BOOL(0, "autogenerate", &autogen, "fill it from the database and the declared schema"),
		OPT_END(),
	};
	const cli_spec rev = { opts,
		"retort revision [-m MSG] [--autogenerate] [--head REV] [--splice] [--branch-label L] [--depends-on REV] [--rev-id ID] [--version-path DIR]",
		"Write a new migration file whose parent is the current head (or --head)\n"
		"and print its path. Its sections start empty; with --autogenerate they hold\n"
		"the SQL from the database (which must be at every head) to the declared\n"
		"schema, and its way back.",
		0, -1, NULL };
	const cli_spec mig = { opts,
		"retort migrate [-m MSG] [--head REV] [--splice] [--branch-label L] [--depends-on REV] [--rev-id ID] [--version-path DIR]",
		"Flask-Migrate's name for revision --autogenerate: write a migration from the\n"
		"database (which must be at every head) to the declared schema, both sections,\n"
		"and print its path; nothing is written when they already match.",
		0, -1, NULL };
	const cli_spec spec = autogen == 2 ? mig : rev;
	int rc = cli_start(c, &argc, argv, &spec, NULL);
	if (rc < 0 && argc > 1)
		rc = usage_error(c, spec.usage, "unexpected argument '%s' (did you mean -m \"%s\"?)",
				 argv[1], argv[1]);
	if (rc < 0) {
		rt_new_revision nr = {
			.message = message, .rev_id = rev_id, .splice = splice,
			.heads = heads.n ? heads.v : NULL, .nheads = heads.n,
			.labels = labels.v, .nlabels = labels.n,
			.depends = depends.v, .ndepends = depends.n,
			.version_path = version_path,
		};
		rc = autogen ? autogenerate(c, &nr) : create(c, &nr);
	}
	free(heads.v);
	free(labels.v);
	free(depends.v);
	return rc;
}

int cmd_revision(cli *c, int argc, char **argv)
{
	return revision(c, argc, argv, 0);
}

int cmd_migrate(cli *c, int argc, char **argv)
{
	return revision(c, argc, argv, 2);
}

/*
 * merge REVISION... | heads: a revision whose parents are the named
 * revisions; rt_revision_create checks they are at least two distinct
 * heads (any revisions with --splice).
 */
int cmd_merge(cli *c, int argc, char **argv)
{
	const char *message = NULL, *rev_id = NULL;
	int splice = 0;
	opt_list labels = { 0 };
	const opt opts[] = {
		OPT_STRING('m', "message", &message, "MSG", "what the merge is for"),
		OPT_LIST(0, "branch-label", &labels, "LABEL", "a branch label for the merge revision"),
		OPT_STRING(0, "rev-id", &rev_id, "ID", "use this revision id instead of a random one"),
		OPT_BOOL(0, "splice", &splice, "allow revisions that are not heads"),
		OPT_END(),
	};
	const cli_spec spec = { opts,
		"retort merge [-m MSG] [--splice] [--branch-label L] [--rev-id ID] REVISION... | heads",
		"Write a migration that revises several heads at once, joining their\n"
		"branches ('heads' names them all). Its sections start empty.",
		1, -1, "name the revisions to merge, or 'heads'" };
	int rc = cli_start(c, &argc, argv, &spec, NULL);
	if (rc < 0) {
		rt_new_revision nr = {
			.message = message, .rev_id = rev_id, .splice = splice,
			.merge = 1, .heads = (const char *const *)argv + 1,
			.nheads = (size_t)argc - 1,
			.labels = labels.v, .nlabels = labels.n,
		};
		rc = create(c, &nr);
	}
	free(labels.v);
	return rc;
}

/*
 * squash FROM:TO -m MSG: one revision standing for the linear chain
 * FROM..TO; its path on stdout, what it could not carry over on stderr.
 */
int cmd_squash(cli *c, int argc, char **argv)
{
	const char *message = NULL, *rev_id = NULL, *version_path = NULL;
	const opt opts[] = {
		OPT_STRING('m', "message", &message, "MSG", "what the squash stands for (also names the file)"),
		OPT_STRING(0, "rev-id", &rev_id, "ID", "use this revision id instead of a random one"),
		OPT_STRING(0, "version-path", &version_path, "DIR", "which script location to write to"),
		OPT_END(),
	};
	const cli_spec spec = { opts, "retort squash FROM:TO -m MSG [--rev-id ID] [--version-path DIR]",
		"Write one revision that replaces the linear chain FROM..TO (both included):\n"
		"header '-- Replaces: <ids>', upgrade = the schema at TO built from FROM's\n"
		"parent, downgrade = the way back. A fresh database applies it instead of the\n"
		"chain; a database inside the chain goes on through the replaced files; one\n"
		"past it is unaffected. Refuses branch points and merge points, naming them.\n"
		"'retort verify' checks it builds what the chain builds and says when no\n"
		"configured environment needs the replaced files any more.",
		1, 1, "give the range FROM:TO to squash" };
	rt_ctx *ctx;
	int rc = cli_start(c, &argc, argv, &spec, &ctx);
	if (rc >= 0)
		return rc;
	if (!message)
		return usage_error(c, spec.usage, "squash needs -m MSG: it names the new revision");
	rt_error err = { 0 };
	rt_new_revision nr = { .message = message, .rev_id = rev_id, .version_path = version_path };
	rt_squash_info info;
	char *path;
	if (rt_squash(ctx, argv[1], &nr, &info, &path, &err) < 0)
		return cli_fail(c, &err);
	for (size_t i = 0; i < info.warnings.n; i++)
		cli_note(c, "warning: %s", info.warnings.v[i]);
	cli_note(c, "It replaces %zu revisions (%s .. %s). Review it; 'retort verify' compares it with them.",
		 info.replaced.n, info.replaced.v[0], info.replaced.v[info.replaced.n - 1]);
	lint_written(c, path);
	printf("%s\n", path);
	free(path);
	rt_squash_info_free(&info);
	return 0;
}
