/*
 * cmd_edit.c - edit: open migration files in the user's editor
 * ($VISUAL, $EDITOR, then sensible-editor, editor, nano, vi).
 */
#include "cli.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

/* Run the editor through sh, as git does, so "code --wait" style values work. */
static int run_editor(const char *editor, char **files, size_t n)
{
	size_t len = strlen(editor) + 8;
	char *cmd = malloc(len);
	char **args = calloc(n + 5, sizeof(char *));
	if (!cmd || !args) {
		free(cmd);
		free(args);
		return -1;
	}
	snprintf(cmd, len, "%s \"$@\"", editor);
	args[0] = "sh";
	args[1] = "-c";
	args[2] = cmd;
	args[3] = "sh";
	memcpy(args + 4, files, n * sizeof(char *));
	pid_t pid = fork();
	if (pid == 0) {
		execvp("sh", args);
		_exit(127);
	}
	free(cmd);
	free(args);
	if (pid < 0)
		return -1;
	int status;
	while (waitpid(pid, &status, 0) < 0)
		if (errno != EINTR)
			return -1;
	return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
}

/*
 * $VISUAL, else $EDITOR (either may hold arguments: run_editor hands it to
 * sh), else the first fallback found executable on $PATH; NULL when none.
 */
static const char *find_editor(void)
{
	static const char *const fallback[] = { "sensible-editor", "editor", "nano", "vi", NULL };
	const char *e = getenv("VISUAL");
	if (e && *e)
		return e;
	e = getenv("EDITOR");
	if (e && *e)
		return e;
	const char *path = getenv("PATH");
	for (int i = 0; fallback[i] && path; i++) {
		char *copy = strdup(path);
		for (char *d = strtok(copy, ":"); d; d = strtok(NULL, ":")) {
			char buf[4096];
			snprintf(buf, sizeof(buf), "%s/%s", d, fallback[i]);
			if (access(buf, X_OK) == 0) {
				free(copy);
				return fallback[i];
			}
		}
		free(copy);
	}
	return NULL;
}

/*
 * edit REVISION: resolve it, reading the database only for the forms that
 * need it (current, +N, -N), and open every file it names in one editor
 * run.  base and label@base name no file.
 */
int cmd_edit(cli *c, int argc, char **argv)
{
	const cli_spec spec = { NULL, "retort edit REVISION",
		"Open the migration file(s) of REVISION (head, a prefix, current ...) in\n"
		"$VISUAL or $EDITOR.",
		1, 1, "one revision is needed" };
	rt_ctx *ctx;
	int rc = cli_start(c, &argc, argv, &spec, &ctx);
	if (rc >= 0)
		return rc;
	rt_error *err = c->err;
	const rt_graph *g = rt_ctx_graph(ctx);
	rt_state *st = NULL;
	int need = strstr(argv[1], "current") || argv[1][0] == '-' || argv[1][0] == '+';
	if (need && !(st = cli_read_current(c, err)))
		return cli_fail(c, err);
	rt_target *t = rt_resolve(g, argv[1], st, err);
	rt_state_free(st);
	if (!t)
		return cli_fail(c, err);
	size_t n = rt_target_count(t);
	if (!n || rt_target_below(t)) {
		rt_target_free(t);
		return cli_error(c, 1, NULL, "'%s' names no migration file", argv[1]);
	}
	char **files = calloc(n, sizeof(char *));
	for (size_t i = 0; files && i < n; i++)
		files[i] = (char *)rt_revision_path(rt_graph_revision(g, rt_target_revision(t, i)));
	const char *editor = find_editor();
	int status = 1;
	if (!editor)
		cli_error(c, 1, "set EDITOR, e.g. export EDITOR=nano", "no editor found");
	else if (files && (rc = run_editor(editor, files, n)) != 0)
		cli_error(c, 1, NULL, "the editor '%s' exited with status %d", editor, rc);
	else
		status = 0;
	free(files);
	rt_target_free(t);
	return status;
}
