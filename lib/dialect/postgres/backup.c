/*
 * backup.c - PostgreSQL backups with pg_dump (custom format, for
 * pg_restore), using the same connection settings as retort.
 *
 * The password never appears on pg_dump's command line (where `ps` would
 * show it): it is taken out of the connection string and handed over in
 * PGPASSWORD.  pg_dump must be at least as new as the server.
 */
#include "internal.h"
#include "dialect/postgres/libpq.h"
#include "dialect/postgres/pg_internal.h"
#include "util/fs.h"
#include "util/proc.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

/* The connection string without its password; the password in *password. */
static char *split_password(const char *url, char **password, rt_error *err)
{
	char *msg = NULL;
	PQconninfoOption *opts = PQconninfoParse(url, &msg);
	if (!opts) {
		char *masked = rt_url_mask(url);
		strbuf why = STRBUF_INIT;
		rt_strbuf_adds(&why, msg ? msg : "out of memory");
		rt_pg_hide_password(&why, url);
		rt_fail(err, RT_ECONFIG, "cannot read the connection string %s: %s", masked, why.buf);
		rt_strbuf_release(&why);
		free(masked);
		PQfreemem(msg);
		return NULL;
	}
	strbuf sb = STRBUF_INIT;
	*password = NULL;
	for (PQconninfoOption *o = opts; o->keyword; o++) {
		if (!o->val || !*o->val)
			continue;
		if (!strcmp(o->keyword, "password")) {
			*password = rt_xstrdup(o->val);
			continue;
		}
		rt_strbuf_addf(&sb, "%s%s='", sb.len ? " " : "", o->keyword);
		for (const char *p = o->val; *p; p++) {
			if (*p == '\'' || *p == '\\')
				rt_strbuf_addc(&sb, '\\');
			rt_strbuf_addc(&sb, *p);
		}
		rt_strbuf_addc(&sb, '\'');
	}
	PQconninfoFree(opts);
	return rt_strbuf_detach(&sb);
}

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
	char *cmd = rt_xasprintf("'%s' --version 2>/dev/null", pg_dump);
	FILE *f = popen(cmd, "r");
	free(cmd);
	if (!f)
		return -1;
	char line[256] = "";
	int major = -1;
	if (fgets(line, sizeof(line), f)) {
		const char *p = strstr(line, ") ");
		if (p)
			major = atoi(p + 2);
	}
	pclose(f);
	return major;
}

/*
 * The server's major version (PQserverVersion / 10000: 150004 -> 15) over
 * a short connection of its own; url goes in as dbname with expansion on,
 * so URLs and key=value strings both work.  -1 with err when it cannot
 * connect.
 */
static int server_major(const char *url, rt_error *err)
{
	const char *keys[] = { "application_name", "dbname", NULL };
	const char *vals[] = { "retort", url, NULL };
	PGconn *pg = PQconnectdbParams(keys, vals, 1);
	if (!pg || PQstatus(pg) != CONNECTION_OK) {
		char *masked = rt_url_mask(url);
		strbuf why = STRBUF_INIT;
		rt_strbuf_adds(&why, pg ? PQerrorMessage(pg) : "out of memory");
		rt_pg_hide_password(&why, url);
		rt_fail(err, RT_EDB, "cannot connect to %s: %s", masked, why.buf);
		rt_strbuf_release(&why);
		free(masked);
		PQfinish(pg);
		return -1;
	}
	int v = PQserverVersion(pg) / 10000;
	PQfinish(pg);
	return v;
}

/*
 * Run pg_dump -Fc -f dest with conninfo; the password goes through the
 * environment.  Its path, arguments and environment are made before fork,
 * so the child only calls execve: the host program may have threads, and
 * a malloc or environment lock held by one of them would hang the child.
 */
static int run_pg_dump(const char *pg_dump, const char *conninfo, const char *password,
		       const char *dest, rt_error *err)
{
	char *exe = rt_proc_find(pg_dump);
	char *dbname = rt_xasprintf("--dbname=%s", conninfo);
	char *file = rt_xasprintf("--file=%s", dest);
	char *pw = password ? rt_xasprintf("PGPASSWORD=%s", password) : NULL;
	const char *const env[] = { pw, NULL };
	char **envp = rt_proc_envp(env);
	char *argv[] = { (char *)pg_dump, "--format=custom", "--no-password", dbname, file, NULL };
	pid_t pid = exe ? fork() : 0;
	if (exe && pid == 0) {
		execve(exe, argv, envp);
		_exit(127);
	}
	int saved = errno;
	free(envp);
	if (pw)
		memset(pw, 0, strlen(pw));
	free(pw);
	free(file);
	free(dbname);
	free(exe);
	int status = 127 << 8; /* not found: as the shell says it */
	if (pid < 0)
		return rt_fail(err, RT_EFAIL, "cannot start pg_dump: %s", strerror(saved));
	while (pid > 0 && waitpid(pid, &status, 0) < 0 && errno == EINTR)
		;
	if (WIFEXITED(status) && WEXITSTATUS(status) == 0)
		return 0;
	if (pid > 0)
		unlink(dest);
	if (WIFEXITED(status) && WEXITSTATUS(status) == 127) {
		rt_fail(err, RT_EFAIL, "pg_dump was not found");
		rt_hint(err, "install the PostgreSQL client (Debian: postgresql-client), or point RETORT_PG_DUMP at pg_dump");
		return -1;
	}
	return rt_fail(err, RT_EFAIL, "pg_dump failed (its messages are above)");
}

/*
 * The dialect's backup (see dialect.h): refuses an existing dest, then
 * compares pg_dump's major version with the server's before running it,
 * because an older pg_dump refuses a newer server -- the error can then
 * say which client to install.  Never returns 1: a database that does not
 * exist is a connection error here.
 */
int rt_pg_backup(const rt_config *cfg, const char *dest, rt_error *err)
{
	if (rt_fs_exists(dest))
		return rt_fail_at(err, RT_EUSAGE, dest, 0,
				  "already exists; retort never overwrites a backup");
	if (rt_libpq_load(err) < 0)
		return -1;
	int server = server_major(cfg->url, err);
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
		char *password = NULL;
		char *conninfo = split_password(cfg->url, &password, err);
		if (conninfo)
			rc = run_pg_dump(pg_dump, conninfo, password, dest, err);
		free(conninfo);
		free(password);
	}
	free(pg_dump);
	return rc;
}
