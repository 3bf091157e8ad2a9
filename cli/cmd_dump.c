/*
 * cmd_dump.c - baseline and dump-schema: the database's own schema as
 * SQL, to adopt a database made without retort or to keep a reviewed
 * schema file next to the migrations (Rails' structure.sql, dbmate's
 * schema.sql).
 */
#include "cli.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

/*
 * Write text to path whole: a temporary file beside it renamed over it,
 * so an editor or a concurrent reader never sees half a dump.
 */
static int write_whole(cli *c, const char *path, const char *text)
{
	size_t n = strlen(path) + 32;
	char *tmp = malloc(n);
	if (!tmp)
		abort();
	snprintf(tmp, n, "%s.retort-tmp", path);
	FILE *f = fopen(tmp, "w");
	int ok = f && fputs(text, f) >= 0;
	if (f && fclose(f) != 0)
		ok = 0;
	if (ok && rename(tmp, path) != 0)
		ok = 0;
	int e = errno;
	if (!ok)
		remove(tmp);
	free(tmp);
	if (!ok)
		return cli_error(c, 1, NULL, "cannot write %s: %s", path, strerror(e));
	return 0;
}

/* See cli.h. */
int cli_dump_schema_to(cli *c, rt_ctx *ctx, const char *path)
{
	rt_error *err = c->err;
	char *sql;
	if (rt_dump_schema(ctx, &sql, err) < 0)
		return cli_fail(c, err);
	int rc = path ? write_whole(c, path, sql) : (fputs(sql, stdout), 0);
	rt_free(sql);
	return rc;
}

/* dump-schema [-o FILE] */
int cmd_dump_schema(cli *c, int argc, char **argv)
{
	const char *out = NULL;
	const opt opts[] = {
		OPT_STRING('o', "output", &out, "FILE", "write the file (replacing it whole) instead of stdout"),
		OPT_END(),
	};
	const cli_spec spec = { opts, "retort dump-schema [-o FILE]",
		"Print the database's schema as SQL, read from its catalog: tables, indexes,\n"
		"views, triggers and the rest retort models, dependencies first and names\n"
		"sorted, so two dumps of one schema are identical and a diff of the file shows\n"
		"what a migration changed. A comment on top names the database's revision.\n"
		"dump_schema_after_upgrade = FILE in retort.ini rewrites FILE after every\n"
		"upgrade and downgrade.",
		0, 0, NULL };
	rt_ctx *ctx;
	int rc = cli_start(c, &argc, argv, &spec, &ctx);
	if (rc >= 0)
		return rc;
	rc = cli_dump_schema_to(c, ctx, out);
	if (rc == 0 && out)
		cli_note(c, "wrote %s", out);
	return rc;
}

/* baseline -m MSG [--head REV] [--rev-id ID] [--branch-label L] [--version-path DIR] */
int cmd_baseline(cli *c, int argc, char **argv)
{
	const char *message = NULL, *rev_id = NULL, *head = NULL, *version_path = NULL;
	opt_list labels = { 0 };
	const opt opts[] = {
		OPT_STRING('m', "message", &message, "MSG", "what the revision is (also names the file)"),
		OPT_STRING(0, "head", &head, "REV", "where it goes when the project has revisions: after REV, or 'base'"),
		OPT_LIST(0, "branch-label", &labels, "LABEL", "a branch label for the new revision"),
		OPT_STRING(0, "rev-id", &rev_id, "ID", "use this revision id instead of a random one"),
		OPT_STRING(0, "version-path", &version_path, "DIR", "which script location to write to"),
		OPT_END(),
	};
	const cli_spec spec = { opts,
		"retort baseline -m MSG [--head REV|base] [--branch-label L] [--rev-id ID] [--version-path DIR]",
		"Adopt a database made without retort (by hand, by create_all, by another\n"
		"tool): write a first revision whose upgrade creates the schema the database\n"
		"has and whose downgrade drops it, and stamp the database at it. Refuses a\n"
		"database that is at a revision, and, when the project already has revisions,\n"
		"wants --head: after REV the revision holds what the database has beyond the\n"
		"migrations up to REV. An empty declared schema file gets the database's\n"
		"schema. Prints the new file's path.",
		0, 0, NULL };
	int rc = cli_start(c, &argc, argv, &spec, NULL);
	if (rc < 0 && !message)
		rc = usage_error(c, spec.usage, "baseline needs -m MSG: it names the new revision");
	if (rc >= 0) {
		free(labels.v);
		return rc;
	}
	rt_error *err = c->err;
	rt_ctx *ctx = cli_ctx(c, err);
	if (!ctx) {
		free(labels.v);
		return cli_fail(c, err);
	}
	rt_revision_spec *nr = rt_revision_spec_new();
	rt_revision_spec_set_message(nr, message);
	rt_revision_spec_set_rev_id(nr, rev_id);
	rt_revision_spec_set_version_path(nr, version_path);
	if (head)
		rt_revision_spec_add_head(nr, head);
	for (size_t i = 0; i < labels.n; i++)
		rt_revision_spec_add_label(nr, labels.v[i]);
	free(labels.v);
	rt_diff *d;
	char *path;
	rc = rt_baseline(ctx, nr, &d, &path, err);
	rt_revision_spec_free(nr);
	if (rc < 0) {
		rt_diff_free(d);
		if (path)
			cli_note(c, "note: %s stays; check it, then run: retort stamp <its revision>", path);
		rt_free(path);
		return cli_fail(c, err);
	}
	cli_report_unsupported(c, d);
	for (size_t i = 0; i < rt_diff_warning_count(d); i++)
		cli_note(c, "warning: %s", rt_diff_warning(d, i));
	size_t n = rt_diff_change_count(d);
	cli_note(c, "The new revision creates %zu object%s; the database is stamped at it.",
		 n, n == 1 ? "" : "s");
	printf("%s\n", path);
	rt_free(path);
	rt_diff_free(d);
	return 0;
}
