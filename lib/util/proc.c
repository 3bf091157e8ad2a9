/*
 * proc.c - run a shell command and collect its stdout and stderr.
 *
 * Everything the child needs (argv, the environment, its file
 * descriptors) is prepared before fork, so that between fork and exec it
 * calls only async-signal-safe functions: the host program may have
 * threads, and a malloc lock held by one of them would deadlock the child.
 */
#define _GNU_SOURCE /* pipe2: pipes that are close-on-exec from the start */
#include "internal.h"
#include "util/fs.h"
#include "util/proc.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

extern char **environ;

#define ERR_KEEP (64 * 1024)

/* Length of the NAME of a "NAME=value" string. */
static size_t name_len(const char *kv)
{
	const char *eq = strchr(kv, '=');
	return eq ? (size_t)(eq - kv) : strlen(kv);
}

/* See proc.h. */
char **rt_proc_envp(const char *const *env)
{
	size_t n = 0, k = 0;
	while (environ && environ[n])
		n++;
	while (env && env[k])
		k++;
	char **envp = rt_xcalloc(n + k + 1, sizeof(char *));
	size_t m = 0;
	for (size_t i = 0; i < n; i++) {
		int replaced = 0;
		for (size_t j = 0; j < k && !replaced; j++)
			replaced = name_len(environ[i]) == name_len(env[j]) &&
				   !strncmp(environ[i], env[j], name_len(env[j]));
		if (!replaced)
			envp[m++] = environ[i];
	}
	for (size_t j = 0; j < k; j++)
		envp[m++] = (char *)env[j];
	return envp;
}

/*
 * fd moved to a number of 3 or more (close-on-exec), so that putting the
 * child's ends on 0, 1 and 2 never overwrites another of them -- a host
 * that closed its own stdin would otherwise get a pipe on fd 0.
 */
static int high_fd(int fd)
{
	if (fd < 0 || fd > 2)
		return fd;
	int h = fcntl(fd, F_DUPFD_CLOEXEC, 3);
	close(fd);
	return h;
}

static void close_all(int *fds, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (fds[i] >= 0)
			close(fds[i]);
}

/* The child, after fork: async-signal-safe calls only, then exec. */
static void child(const char *dir, int in, int out, int err, char **argv,
		  char **envp)
{
	sigset_t none;
	sigemptyset(&none);
	sigprocmask(SIG_SETMASK, &none, NULL);
	signal(SIGPIPE, SIG_DFL);
	if (dup2(in, 0) < 0 || dup2(out, 1) < 0 || dup2(err, 2) < 0)
		_exit(126);
	if (dir && chdir(dir) < 0) {
		static const char msg[] = "retort: cannot enter the project directory\n";
		ssize_t w = write(2, msg, sizeof(msg) - 1);
		(void)w;
		_exit(126);
	}
	execve("/bin/sh", argv, envp);
	_exit(127);
}

/* Read what is ready on fd into sb; 0 at end of file. */
static int drain(int fd, strbuf *sb)
{
	char buf[8192];
	ssize_t n = read(fd, buf, sizeof(buf));
	if (n < 0)
		return errno == EINTR || errno == EAGAIN ? 1 : 0;
	if (n > 0)
		rt_strbuf_add(sb, buf, (size_t)n);
	return n > 0;
}

/* Read both pipes until both are closed, keeping the end of stderr only. */
static void collect(int out, int err, rt_proc_result *res)
{
	struct pollfd p[2] = { { out, POLLIN, 0 }, { err, POLLIN, 0 } };
	while (p[0].fd >= 0 || p[1].fd >= 0) {
		if (poll(p, 2, -1) < 0) {
			if (errno == EINTR)
				continue;
			break;
		}
		for (int i = 0; i < 2; i++) {
			if (p[i].fd < 0 || !p[i].revents)
				continue;
			if (!drain(p[i].fd, i ? &res->err : &res->out))
				p[i].fd = -1;
		}
		if (res->err.len > 2 * ERR_KEEP) {
			memmove(res->err.buf, res->err.buf + res->err.len - ERR_KEEP, ERR_KEEP);
			rt_strbuf_setlen(&res->err, ERR_KEEP);
		}
	}
}

/* See proc.h. */
int rt_proc_run(const char *cmd, const char *dir, const char *const *env,
		rt_proc_result *res, rt_error *err)
{
	memset(res, 0, sizeof(*res));
	res->exit_status = -1;
	int opipe[2] = { -1, -1 }, epipe[2] = { -1, -1 };
	int devnull = high_fd(open("/dev/null", O_RDONLY | O_CLOEXEC));
	if (devnull < 0 || pipe2(opipe, O_CLOEXEC) < 0 || pipe2(epipe, O_CLOEXEC) < 0) {
		int fds[] = { devnull, opipe[0], opipe[1], epipe[0], epipe[1] };
		close_all(fds, 5);
		return rt_fail(err, RT_EFAIL, "cannot run a command: %s", strerror(errno));
	}
	int fds[] = { devnull, high_fd(opipe[0]), high_fd(opipe[1]),
		      high_fd(epipe[0]), high_fd(epipe[1]) };
	for (size_t i = 0; i < 5; i++)
		if (fds[i] < 0) {
			close_all(fds, 5);
			return rt_fail(err, RT_EFAIL, "cannot run a command: %s", strerror(errno));
		}
	char *argv[] = { "sh", "-c", (char *)cmd, NULL };
	char **envp = rt_proc_envp(env);
	pid_t pid = fork();
	if (pid == 0)
		child(dir, fds[0], fds[2], fds[4], argv, envp);
	int saved = errno;
	free(envp);
	close(fds[0]);
	close(fds[2]);
	close(fds[4]);
	if (pid < 0) {
		close(fds[1]);
		close(fds[3]);
		return rt_fail(err, RT_EFAIL, "cannot run a command: %s", strerror(saved));
	}
	collect(fds[1], fds[3], res);
	close(fds[1]);
	close(fds[3]);
	int status = 0;
	while (waitpid(pid, &status, 0) < 0)
		if (errno != EINTR) {
			rt_proc_result_free(res);
			return rt_fail(err, RT_EFAIL, "cannot wait for a command: %s", strerror(errno));
		}
	if (WIFEXITED(status))
		res->exit_status = WEXITSTATUS(status);
	else if (WIFSIGNALED(status))
		res->signal = WTERMSIG(status);
	return 0;
}

/* See proc.h: PATH's directories in order, as execvp would search them. */
char *rt_proc_find(const char *name)
{
	if (strchr(name, '/'))
		return access(name, X_OK) == 0 ? rt_xstrdup(name) : NULL;
	const char *path = getenv("PATH");
	if (!path || !*path)
		path = "/usr/local/bin:/usr/bin:/bin";
	while (*path) {
		size_t n = strcspn(path, ":");
		char *dir = rt_xstrndup(n ? path : ".", n ? n : 1);
		char *full = rt_fs_join(dir, name);
		free(dir);
		if (access(full, X_OK) == 0)
			return full;
		free(full);
		path += n + (path[n] == ':');
	}
	return NULL;
}

void rt_proc_result_free(rt_proc_result *res)
{
	rt_strbuf_release(&res->out);
	rt_strbuf_release(&res->err);
}
