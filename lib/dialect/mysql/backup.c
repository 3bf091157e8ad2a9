/*
 * backup.c - MySQL and MariaDB backups with mariadb-dump (or mysqldump),
 * using the same connection settings as retort.
 *
 * The credentials never appear on the dump's command line, where `ps`
 * would show them: they go into an option file of mode 0600 in a
 * directory of mode 0700 that only this process knows, handed over with
 * --defaults-file and removed when the dump ends.  The dump is a plain SQL
 * file that the mysql client replays: one consistent snapshot
 * (--single-transaction) with routines, triggers and events.
 */
#include "internal.h"
#include "dialect/mysql/mysql_internal.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

/* A value for an option file: double-quoted, with \ and " escaped. */
static void option_value(FILE *f, const char *key, const char *val)
{
	if (!val)
		return;
	fprintf(f, "%s=\"", key);
	for (const char *p = val; *p; p++) {
		if (*p == '"' || *p == '\\')
			fputc('\\', f);
		if (*p == '\n')
			fputs("\\n", f);
		else
			fputc(*p, f);
	}
	fputs("\"\n", f);
}

/* Write the [client] group for u into path (created 0600); 0 or -1. */
static int write_options(const char *path, const rt_my_url *u, rt_error *err)
{
	int fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
	FILE *f = fd >= 0 ? fdopen(fd, "w") : NULL;
	if (!f) {
		if (fd >= 0)
			close(fd);
		return rt_fail(err, RT_EFAIL, "cannot write %s: %s", path, strerror(errno));
	}
	fputs("[client]\n", f);
	option_value(f, "user", u->user);
	option_value(f, "password", u->password);
	option_value(f, "host", u->host);
	if (u->port)
		fprintf(f, "port=%u\n", u->port);
	option_value(f, "socket", u->socket);
	option_value(f, "default-character-set", u->charset);
	option_value(f, "ssl-ca", u->ssl_ca);
	option_value(f, "ssl-capath", u->ssl_capath);
	option_value(f, "ssl-cert", u->ssl_cert);
	option_value(f, "ssl-key", u->ssl_key);
	option_value(f, "ssl-cipher", u->ssl_cipher);
	if (u->ssl_mode && (!strcmp(u->ssl_mode, "VERIFY_CA") || !strcmp(u->ssl_mode, "VERIFY_IDENTITY")))
		fputs("ssl-verify-server-cert\n", f);
	else if (u->ssl_mode && !strcmp(u->ssl_mode, "REQUIRED"))
		fputs("ssl\n", f);
	if (fclose(f) != 0)
		return rt_fail(err, RT_EFAIL, "cannot write %s: %s", path, strerror(errno));
	return 0;
}

/* The dump program: $RETORT_MYSQLDUMP, else mariadb-dump, else mysqldump. */
static char *find_dump(void)
{
	const char *env = getenv("RETORT_MYSQLDUMP");
	if (env && *env)
		return rt_xstrdup(env);
	const char *path = getenv("PATH");
	char *dirs = rt_xstrdup(path && *path ? path : "/usr/bin:/bin");
	const char *names[] = { "mariadb-dump", "mysqldump" };
	char *found = NULL;
	for (int n = 0; n < 2 && !found; n++) {
		char *save = NULL, *copy = rt_xstrdup(dirs);
		for (char *d = strtok_r(copy, ":", &save); d && !found; d = strtok_r(NULL, ":", &save)) {
			char *p = rt_xasprintf("%s/%s", d, names[n]);
			if (access(p, X_OK) == 0)
				found = p;
			else
				free(p);
		}
		free(copy);
	}
	free(dirs);
	return found ? found : rt_xstrdup("mysqldump");
}

/* Run the dump of db into dest with the option file; 0 or -1. */
static int run_dump(const char *dump, const char *options, const char *db,
		    const char *dest, rt_error *err)
{
	pid_t pid = fork();
	if (pid < 0)
		return rt_fail(err, RT_EFAIL, "cannot start %s: %s", dump, strerror(errno));
	if (pid == 0) {
		char *defaults = rt_xasprintf("--defaults-file=%s", options);
		char *result = rt_xasprintf("--result-file=%s", dest);
		execlp(dump, dump, defaults, "--single-transaction", "--routines", "--triggers",
		       "--events", "--hex-blob", "--default-character-set=utf8mb4", result, "--",
		       db, (char *)NULL);
		_exit(127);
	}
	int status;
	while (waitpid(pid, &status, 0) < 0 && errno == EINTR)
		;
	if (WIFEXITED(status) && WEXITSTATUS(status) == 0)
		return 0;
	if (WIFEXITED(status) && WEXITSTATUS(status) == 127) {
		rt_fail(err, RT_EFAIL, "%s was not found", dump);
		rt_hint(err, "install the client (Debian: mariadb-client or mysql-client), or point RETORT_MYSQLDUMP at mariadb-dump or mysqldump");
		return -1;
	}
	return rt_fail(err, RT_EFAIL, "%s failed (its messages are above)", dump);
}

/*
 * The dialect's backup (see dialect.h): the dump goes into dest, the
 * caller's empty private file.  Never returns 1, since a database that
 * does not exist is a connection error.
 */
int rt_my_backup(const rt_config *cfg, const char *dest, rt_error *err)
{
	rt_my_url u;
	if (rt_my_url_parse(cfg->url, &u, err) < 0)
		return -1;
	int rc = -1;
	char dir[] = "/tmp/retort-dump.XXXXXX";
	if (!u.db) {
		char *masked = rt_url_mask(cfg->url);
		rt_fail(err, RT_ECONFIG, "the URL %s names no database to back up", masked);
		free(masked);
	} else if (!mkdtemp(dir)) {
		rt_fail(err, RT_EFAIL, "cannot make a private directory: %s", strerror(errno));
	} else {
		char *options = rt_xasprintf("%s/client.cnf", dir);
		if (write_options(options, &u, err) == 0) {
			char *dump = find_dump();
			rc = run_dump(dump, options, u.db, dest, err);
			free(dump);
		}
		unlink(options);
		rmdir(dir);
		free(options);
	}
	rt_my_url_free(&u);
	return rc;
}
