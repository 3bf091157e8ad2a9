/*
 * git.c - --since GITREF (lint, test): the revisions whose migration files
 * changed since a git revision -- committed since, staged, edited in the
 * working tree, or new and not yet added.  git runs as a child with an
 * argument vector (no shell), so a ref is never interpreted twice.
 */
#include "cli.h"

#include <errno.h>
#include <limits.h>
#include <spawn.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

extern char **environ;

/*
 * Run git with args (NULL-terminated, "git" first); its stdout into *out
 * (NUL-separated with -z), its stderr passed through.  Returns git's exit
 * status, or -1 when it could not run.
 */
static int run_git(char *const *args, char **out, size_t *len)
{
	int fds[2];
	*out = NULL;
	*len = 0;
	if (pipe(fds) < 0)
		return -1;
	posix_spawn_file_actions_t fa;
	posix_spawn_file_actions_init(&fa);
	posix_spawn_file_actions_adddup2(&fa, fds[1], 1);
	posix_spawn_file_actions_addclose(&fa, fds[0]);
	posix_spawn_file_actions_addclose(&fa, fds[1]);
	pid_t pid;
	int rc = posix_spawnp(&pid, "git", &fa, NULL, args, environ);
	posix_spawn_file_actions_destroy(&fa);
	close(fds[1]);
	if (rc != 0) {
		close(fds[0]);
		errno = rc;
		return -1;
	}
	size_t cap = 0;
	char *buf = NULL;
	for (;;) {
		if (*len + 4096 + 1 > cap) {
			cap = cap ? cap * 2 : 8192;
			char *nb = realloc(buf, cap);
			if (!nb)
				abort();
			buf = nb;
		}
		ssize_t n = read(fds[0], buf + *len, cap - *len - 1);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			break;
		*len += (size_t)n;
	}
	close(fds[0]);
	if (buf)
		buf[*len] = '\0';
	*out = buf;
	int status;
	while (waitpid(pid, &status, 0) < 0)
		if (errno != EINTR)
			return -1;
	return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
}

/* Add each NUL-separated path of buf (relative to top) to list, as a real path. */
static void add_paths(const char *top, const char *buf, size_t len, opt_list *list)
{
	for (size_t i = 0; i < len;) {
		const char *p = buf + i;
		size_t n = strlen(p);
		i += n + 1;
		if (!n)
			continue;
		size_t m = strlen(top) + n + 2;
		char *full = malloc(m);
		char *real = full ? malloc(PATH_MAX) : NULL;
		if (!real)
			abort();
		snprintf(full, m, "%s/%s", top, p);
		if (realpath(full, real)) {
			cli_list_add(list, real);
		} else {
			free(real); /* deleted since: no revision to name */
		}
		free(full);
	}
}

/* The changed files, as real paths (the caller frees them and the array); -1 after an error. */
static int changed_files(cli *c, const char *ref, opt_list *files)
{
	char *top = NULL, *buf = NULL;
	size_t len;
	char *toplevel[] = { "git", "rev-parse", "--show-toplevel", NULL };
	int st = run_git(toplevel, &top, &len);
	if (st != 0 || !top || !len) {
		free(top);
		cli_error(c, 1, "--since needs git, run inside the project's git working tree",
			  "cannot find the git working tree for --since %s", ref);
		return -1;
	}
	top[strcspn(top, "\n")] = '\0';
	char *diff[] = { "git", "diff", "--name-only", "-z", (char *)ref, "--", NULL };
	st = run_git(diff, &buf, &len);
	if (st != 0) {
		free(top);
		free(buf);
		cli_error(c, 1, "give a commit, branch or tag git knows, e.g. --since origin/main",
			  "git could not list the files changed since '%s'", ref);
		return -1;
	}
	add_paths(top, buf, len, files);
	free(buf);
	char *untracked[] = { "git", "ls-files", "-z", "--others", "--exclude-standard", "--full-name", NULL };
	if (run_git(untracked, &buf, &len) == 0)
		add_paths(top, buf, len, files);
	free(buf);
	free(top);
	return 0;
}

/* See cli.h. */
int cli_since_revisions(cli *c, rt_ctx *ctx, const char *ref, opt_list *ids)
{
	if (!*ref || ref[0] == '-') {
		cli_error(c, 2, "give a commit, branch or tag, e.g. --since origin/main",
			  "--since '%s' is not a git revision", ref);
		return -1;
	}
	opt_list files = { 0 };
	if (changed_files(c, ref, &files) < 0)
		return -1;
	const rt_graph *g = rt_ctx_graph(ctx);
	char real[PATH_MAX];
	for (size_t i = 0; i < rt_graph_count(g); i++) {
		const rt_revision *r = rt_graph_revision(g, (int)i);
		if (!realpath(rt_revision_path(r), real))
			continue;
		for (size_t j = 0; j < files.n; j++)
			if (!strcmp(files.v[j], real)) {
				cli_list_add(ids, rt_revision_id(r));
				break;
			}
	}
	for (size_t j = 0; j < files.n; j++)
		free((char *)files.v[j]);
	free(files.v);
	return 0;
}

/* See cli.h. */
int cli_revision_args(cli *c, rt_ctx *ctx, int argc, char **argv, const char *since,
		      opt_list *ids)
{
	for (int i = 1; i < argc; i++)
		cli_list_add(ids, argv[i]);
	if (since && cli_since_revisions(c, ctx, since, ids) < 0) {
		free(ids->v);
		ids->v = NULL;
		return since[0] == '-' || !since[0] ? 2 : 1;
	}
	return -1;
}
