/*
 * cmd_revision.c - revision and merge: write new migration files.  The
 * path of the new file goes to stdout, so `$EDITOR $(retort revision -m x)`
 * works.
 */
#include "cli.h"

#include <stdlib.h>
#include <string.h>

/* Write the new revision's file (empty sections) and print its path on stdout. */
static int create(cli *c, const rt_revision_spec *nr)
{
	rt_error *err = c->err;
	rt_ctx *ctx = cli_ctx(c, err);
	if (!ctx)
		return cli_fail(c, err);
	char *path;
	if (rt_revision_create(rt_ctx_config(ctx), rt_ctx_graph(ctx), nr, &path,
			       err) < 0)
		return cli_fail(c, err);
	printf("%s\n", path);
	free(path);
	return 0;
}

/*
 * Lint what autogenerate wrote (its upgrade steps, read back so
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
	rt_error *err = c->err;
	/* the revision owns text from here on, also when parsing fails */
	rt_revision *rev = text ? rt_revision_parse(path, text, len, err) : NULL;
	/* every upgrade step with its own options */
	rt_lint_report *r = rev ? rt_lint_revision(c->cfg, NULL, RT_LINT_UPGRADE_ONLY, rev, err)
				: NULL;
	size_t nf = r ? rt_lint_report_count(r) : 0;
	for (size_t i = 0; i < nf; i++) {
		const rt_finding *w = rt_lint_report_finding(r, i);
		cli_note(c, "warning: %s:%d:%d: %s: %s\n  why: %s\n  fix: %s",
			 rt_finding_file(w), rt_finding_line(w), rt_finding_column(w),
			 rt_finding_rule(w), rt_finding_message(w), rt_finding_why(w),
			 rt_finding_fix(w));
	}
	if (nf)
		cli_note(c, "warning: lint found %zu unsafe statement%s in the new migration (docs/lint.md; recheck with: retort lint %s)",
			 nf, nf == 1 ? "" : "s", rt_revision_id(rev));
	rt_lint_report_free(r);
	rt_revision_free(rev);
	rt_error_clear(err);
}

/* --autogenerate: the file's SQL comes from the database and the declared schema. */
static int autogenerate(cli *c, const rt_revision_spec *nr)
{
	rt_error *err = c->err;
	rt_ctx *ctx = cli_ctx(c, err);
	if (!ctx)
		return cli_fail(c, err);
	rt_diff *d;
	char *path;
	if (rt_autogenerate(ctx, nr, &d, &path, err) < 0) {
		rt_diff_free(d);
		return cli_fail(c, err);
	}
	cli_report_unsupported(c, d);
	if (!path) {
		cli_note(c, "No changes in schema detected: the database already matches the declared schema; no migration written.");
		rt_diff_free(d);
		return 0;
	}
	for (size_t i = 0; i < rt_diff_change_count(d); i++)
		cli_note(c, "  %s", rt_diff_change(d, i));
	for (size_t i = 0; i < rt_diff_warning_count(d); i++)
		cli_note(c, "warning: %s", rt_diff_warning(d, i));
	lint_written(c, path);
	cli_note(c, "Review it, then apply it with: retort upgrade head");
	printf("%s\n", path);
	rt_free(path);
	rt_diff_free(d);
	return 0;
}

/* Every string of an option list, added to the spec with add. */
static void add_all(rt_revision_spec *s, const opt_list *l,
		    void (*add)(rt_revision_spec *, const char *))
{
	for (size_t i = 0; i < l->n; i++)
		add(s, l->v[i]);
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
		rt_revision_spec *nr = rt_revision_spec_new();
		rt_revision_spec_set_message(nr, message);
		rt_revision_spec_set_rev_id(nr, rev_id);
		rt_revision_spec_set_splice(nr, splice);
		add_all(nr, &heads, rt_revision_spec_add_head);
		add_all(nr, &labels, rt_revision_spec_add_label);
		add_all(nr, &depends, rt_revision_spec_add_depends);
		rt_revision_spec_set_version_path(nr, version_path);
		rc = autogen ? autogenerate(c, nr) : create(c, nr);
		rt_revision_spec_free(nr);
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
		rt_revision_spec *nr = rt_revision_spec_new();
		rt_revision_spec_set_message(nr, message);
		rt_revision_spec_set_rev_id(nr, rev_id);
		rt_revision_spec_set_splice(nr, splice);
		rt_revision_spec_set_merge(nr, 1);
		for (int i = 1; i < argc; i++)
			rt_revision_spec_add_head(nr, argv[i]);
		add_all(nr, &labels, rt_revision_spec_add_label);
		rc = create(c, nr);
		rt_revision_spec_free(nr);
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
	rt_error *err = c->err;
	rt_revision_spec *nr = rt_revision_spec_new();
	rt_revision_spec_set_message(nr, message);
	rt_revision_spec_set_rev_id(nr, rev_id);
	rt_revision_spec_set_version_path(nr, version_path);
	rt_squash_info *info;
	char *path;
	rc = rt_squash(ctx, argv[1], nr, &info, &path, err);
	rt_revision_spec_free(nr);
	if (rc < 0) {
		rt_squash_info_free(info);
		return cli_fail(c, err);
	}
	for (size_t i = 0; i < rt_squash_info_warning_count(info); i++)
		cli_note(c, "warning: %s", rt_squash_info_warning(info, i));
	size_t n = rt_squash_info_replaced_count(info);
	cli_note(c, "It replaces %zu revisions (%s .. %s). Review it; 'retort verify' compares it with them.",
		 n, rt_squash_info_replaced(info, 0), rt_squash_info_replaced(info, n - 1));
	lint_written(c, path);
	printf("%s\n", path);
	rt_free(path);
	rt_squash_info_free(info);
	return 0;
}
