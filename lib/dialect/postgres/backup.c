/*
 * backup.c - PostgreSQL backups with pg_dump (custom format, for
 * pg_restore), using the same connection settings as retort.
 *
 * No secret is ever on pg_dump's command line, where `ps` shows it: the
 * connection goes to pg_dump as a libpq service file holding the settings
 * retort's own connection used (password and sslpassword included; the
 * environment has no variable for sslpassword).  That file is private
 * (0600) and removed before pg_dump even starts: pg_dump reads it through
 * the descriptor it inherits (/dev/fd/N).  pg_dump must be at least as
 * new as the server.
 */
#include "internal.h"
#include "dialect/postgres/libpq.h"
#include "dialect/postgres/pg_internal.h"
#include "util/fs.h"
#include "util/proc.h"

#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

/* The pg_dump to run: $RETORT_PG_DUMP, else the newest installed, else PATH's. */
static char *find_pg_dump(void)
{
	const char *env = getenv("RETORT_PG_DUMP");
	if (env && *env)
		return rt_xstrdup(env);
	for (int v = 30; v >= 9; v--) {
		char *p = rt_xasprintf("/usr/lib/postgresql/%d/bin/pg_dump", v);
		if (access(p, X_OK) == 0)
			return p;
		free(p);
	}
	return rt_xstrdup("pg_dump");
}

/* Major version of a pg_dump ("pg_dump (PostgreSQL) 15.18" -> 15), or -1. */
static int dump_major(const char *pg_dump)
{
	strbuf cmd = STRBUF_INIT; /* '...' for the shell, each ' as '\'' */
	rt_strbuf_addc(&cmd, '\'');
	for (const char *p = pg_dump; *p; p++) {
		if (*p == '\'')
			rt_strbuf_adds(&cmd, "'\\''");
		else
			rt_strbuf_addc(&cmd, *p);
	}
	rt_strbuf_adds(&cmd, "' --version");
	rt_proc_result r;
	rt_error e = { 0 };
	int major = -1;
	if (rt_proc_run(cmd.buf, NULL, NULL, &r, &e) == 0) {
		const char *p = r.exit_status == 0 ? strstr(rt_strbuf_str(&r.out), ") ") : NULL;
		if (p)
			major = atoi(p + 2);
		rt_proc_result_free(&r);
	}
	rt_error_clear(&e);
	rt_strbuf_release(&cmd);
	return major;
}

/*
 * Connect as retort does (url as dbname with expansion on, so URLs and
 * key=value strings both work) and take the server's major version
 * (PQserverVersion / 10000: 150004 -> 15) and the settings the connection
 * really used (*settings, from PQconninfo: the URL, PG* variables, a
 * service and ~/.pgpass all resolved).  -1 with err when it cannot connect.
 */
static int server_major(const char *url, PQconninfoOption **settings, rt_error *err)
{
	const char *keys[] = { "application_name", "dbname", NULL };
	const char *vals[] = { "retort", url, NULL };
	PGconn *pg = PQconnectdbParams(keys, vals, 1);
	*settings = NULL;
	if (!pg || PQstatus(pg) != CONNECTION_OK) {
		char *masked = rt_url_mask(url);
		strbuf why = STRBUF_INIT;
		rt_strbuf_adds(&why, pg ? PQerrorMessage(pg) : "out of memory");
		rt_url_hide_secrets(&why, url);
		rt_fail(err, RT_EDB, "cannot connect to %s: %s", masked, why.buf);
		rt_strbuf_release(&why);
		free(masked);
		PQfinish(pg);
		return -1;
	}
	int v = PQserverVersion(pg) / 10000;
	*settings = PQconninfo(pg);
	PQfinish(pg);
	return v;
}

/* Write all of buf to fd; 0, or an errno value. */
static int write_all(int fd, const char *buf, size_t len)
{
	size_t off = 0;
	while (off < len) {
		ssize_t w = write(fd, buf + off, len - off);
		if (w < 0 && errno == EINTR)
			continue;
		if (w < 0)
			return errno;
		off += (size_t)w;
	}
	return 0;
}

/*
 * A private service file "[retort]" holding the settings as key=value
 * lines, already unlinked: only the returned descriptor (at offset 0)
 * reaches it.  A value libpq's service-file reader would change (a line
 * break, white space at either end) cannot go this way: the error names
 * the setting.  -1 on failure.
 */
static int service_file(const PQconninfoOption *settings, rt_error *err)
{
	strbuf sb = STRBUF_INIT;
	rt_strbuf_adds(&sb, "[retort]\n");
	for (const PQconninfoOption *o = settings; o && o->keyword; o++) {
		const char *v = o->val;
		if (!v || !*v || !strcmp(o->keyword, "service") || !strcmp(o->keyword, "servicefile"))
			continue;
		size_t n = strlen(v);
		if (strpbrk(v, "\r\n") || isspace((unsigned char)v[0]) || isspace((unsigned char)v[n - 1])) {
			rt_strbuf_release(&sb);
			return rt_fail(err, RT_EFAIL, "the connection setting '%s' holds a line break or white space at an end: pg_dump cannot be given it without showing it on its command line",
				       o->keyword);
		}
		rt_strbuf_addf(&sb, "%s=%s\n", o->keyword, v);
	}
	const char *tmpdir = getenv("TMPDIR");
	if (!tmpdir || !*tmpdir)
		tmpdir = "/tmp";
	char *path = rt_xasprintf("%s/retort-pgservice-XXXXXX", tmpdir);
	int fd = mkstemp(path); /* mode 0600, O_EXCL */
	int e = fd < 0 ? errno : 0;
	if (fd >= 0) {
		unlink(path);
		e = write_all(fd, sb.buf, sb.len);
	}
	memset(sb.buf, 0, sb.len); /* no copy of the secrets stays in memory either */
	rt_strbuf_release(&sb);
	free(path);
	if (e) {
		if (fd >= 0)
			close(fd);
		return rt_fail(err, RT_EIO, "cannot write a private service file for pg_dump in %s: %s",
			       tmpdir, strerror(e));
	}
	fcntl(fd, F_SETFD, FD_CLOEXEC); /* only pg_dump gets it */
	lseek(fd, 0, SEEK_SET);
	return fd;
}

/*
 * Run pg_dump -Fc into dest (opened here, never through a symlink, and
 * given as pg_dump's stdout) with the connection in the service file on
 * descriptor svc: its argv holds no connection setting at all.
 */
static int run_pg_dump(const char *pg_dump, int svc, const char *dest, rt_error *err)
{
	int out = open(dest, O_WRONLY | O_TRUNC | O_NOFOLLOW | O_CLOEXEC);
	if (out < 0)
		return rt_fail_at(err, RT_EIO, dest, 0, "cannot write: %s", strerror(errno));
	char svcpath[32];
	snprintf(svcpath, sizeof(svcpath), "/dev/fd/%d", svc);
	/*
	 * The path, arguments and environment are made before fork, so the
	 * child only calls async-signal-safe functions: the host program may
	 * have threads, and a malloc or environment lock held by one of them
	 * would hang a child that called setenv or malloc.
	 */
	char *exe = rt_proc_find(pg_dump);
	char *svcfile = rt_xasprintf("PGSERVICEFILE=%s", svcpath);
	const char *const env[] = { svcfile, "PGSERVICE=retort", NULL };
	char **envp = rt_proc_envp(env);
	char *argv[] = { (char *)pg_dump, "--format=custom", "--no-password", NULL };
	pid_t pid = exe ? fork() : 0;
	if (exe && pid == 0) {
		if (dup2(out, 1) < 0)
			_exit(126);
		fcntl(svc, F_SETFD, 0); /* kept across exec */
		execve(exe, argv, envp);
		_exit(127);
	}
	int saved = errno;
	free(envp);
	free(svcfile);
	free(exe);
	close(out);
	if (pid < 0)
		return rt_fail(err, RT_EFAIL, "cannot start pg_dump: %s", strerror(saved));
	int status = 127 << 8; /* not found: as the shell says it */
	while (pid > 0 && waitpid(pid, &status, 0) < 0 && errno == EINTR)
		;
	if (WIFEXITED(status) && WEXITSTATUS(status) == 0)
		return 0;
	if (WIFEXITED(status) && WEXITSTATUS(status) == 127) {
		rt_fail(err, RT_EFAIL, "pg_dump was not found");
		rt_hint(err, "install the PostgreSQL client (Debian: postgresql-client), or point RETORT_PG_DUMP at pg_dump");
		return -1;
	}
	return rt_fail(err, RT_EFAIL, "pg_dump failed (its messages are above)");
}

/*
 * The dialect's backup (see dialect.h): compares pg_dump's major version
 * with the server's before running it, because an older pg_dump refuses
 * a newer server -- the error can then say which client to install.
 * Never returns 1: a database that does not exist is a connection error
 * here.
 */
int rt_pg_backup(const rt_config *cfg, const char *dest, rt_error *err)
{
	if (rt_libpq_load(err) < 0)
		return -1;
	PQconninfoOption *settings;
	int server = server_major(cfg->url, &settings, err);
	if (server < 0)
		return -1;
	char *pg_dump = find_pg_dump();
	int client = dump_major(pg_dump);
	int rc = -1;
	if (client < 0) {
		rt_fail(err, RT_EFAIL, "pg_dump was not found (looked for %s)", pg_dump);
		rt_hint(err, "install the PostgreSQL client (Debian: postgresql-client-%d), or point RETORT_PG_DUMP at pg_dump", server);
	} else if (client < server) {
		rt_fail(err, RT_EFAIL, "%s is version %d, older than the server (%d): it cannot dump it",
			pg_dump, client, server);
		rt_hint(err, "install postgresql-client-%d, or point RETORT_PG_DUMP at a pg_dump of version %d or newer", server, server);
	} else {
		int svc = service_file(settings, err);
		if (svc >= 0) {
			rc = run_pg_dump(pg_dump, svc, dest, err);
			close(svc);
		}
	}
	PQconninfoFree(settings);
	free(pg_dump);
	return rc;
}
