/*
 * scratch.c - scratch SQLite databases for the schema work: an empty
 * file where a schema file is loaded or migrations are replayed, read
 * back through the catalog, then thrown away.
 *
 * A file rather than :memory: because replaying migrations opens the
 * database through a URL more than once (and takes the migration lock on
 * the file); every connection must see the same database.
 */
#include "internal.h"
#include "dialect/sqlite/sqlite_internal.h"

#include "util/pidtag.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

/* $TMPDIR (else /tmp) with symlinks resolved, or NULL with err. */
static char *scratch_dir(rt_error *err)
{
	const char *dir = getenv("TMPDIR");
	if (!dir || !*dir)
		dir = "/tmp";
	char real[PATH_MAX];
	if (!realpath(dir, real)) {
		rt_fail(err, RT_EFAIL, "cannot use %s for a scratch database: %s", dir, strerror(errno));
		return NULL;
	}
	return rt_xstrdup(real);
}

/*
 * A new empty database file under $TMPDIR (else /tmp), named
 * retort-scratch-<pidtag>_<n>.db (util/pidtag.h) so a later run can tell
 * when the process that made it is gone: its sqlite:/// URL.
 */
int rt_sqlite_scratch_create(const rt_config *cfg, char **url, rt_error *err)
{
	(void)cfg;
	static unsigned counter;
	char *dir = scratch_dir(err);
	if (!dir)
		return -1;
	char *tag = rt_pidtag_new();
	char *path = NULL;
	int fd = -1;
	for (int tries = 0; fd < 0 && tries < 100; tries++) {
		free(path);
		path = rt_xasprintf("%s/retort-scratch-%s_%u.db", dir, tag,
				    __atomic_add_fetch(&counter, 1, __ATOMIC_RELAXED));
		fd = open(path, O_RDWR | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0600);
		if (fd < 0 && errno != EEXIST)
			break;
	}
	free(tag);
	if (fd < 0) {
		rt_fail(err, RT_EFAIL, "cannot create a scratch database in %s: %s", dir, strerror(errno));
		free(path);
		free(dir);
		return -1;
	}
	close(fd);
	*url = rt_xasprintf("sqlite:///%s", path);
	free(path);
	free(dir);
	return 0;
}

/* Remove a database file and the files SQLite keeps beside it. */
static void remove_db_files(const char *path)
{
	static const char *const suffixes[] = { "", "-journal", "-wal", "-shm", NULL };
	for (int i = 0; suffixes[i]; i++) {
		char *p = rt_xasprintf("%s%s", path, suffixes[i]);
		unlink(p);
		free(p);
	}
}

/* Remove a scratch database and the files SQLite keeps beside it. */
void rt_sqlite_scratch_drop(const rt_config *cfg, const char *url)
{
	(void)cfg;
	char *path = NULL;
	rt_error err = { 0 };
	if (rt_sqlite_path(url, "/", &path, &err) < 0 || !strcmp(path, ":memory:")) {
		rt_error_clear(&err);
		free(path);
		return;
	}
	remove_db_files(path);
	free(path);
}

/*
 * The dialect's scratch_sweep (see dialect.h): scratch files in $TMPDIR
 * whose process, on this machine, is gone, or that another machine sharing
 * the directory made more than a day ago and left untouched since.  Files
 * of the older form (retort-scratch-XXXXXX.db) tell neither, and stay.
 */
void rt_sqlite_scratch_sweep(const rt_config *cfg, rt_strlist *notes)
{
	(void)cfg;
	static int swept;
	if (__atomic_exchange_n(&swept, 1, __ATOMIC_ACQ_REL))
		return;
	rt_error err = { 0 };
	char *dir = scratch_dir(&err);
	rt_error_clear(&err);
	DIR *d = dir ? opendir(dir) : NULL;
	struct dirent *e;
	while (d && (e = readdir(d))) {
		size_t n = strlen(e->d_name);
		if (strncmp(e->d_name, "retort-scratch-", 15) || n < 19 || strcmp(e->d_name + n - 3, ".db"))
			continue;
		long pid, age;
		rt_pidtag_state st = rt_pidtag_check(e->d_name + 15, &pid, &age);
		char *path = rt_xasprintf("%s/%s", dir, e->d_name);
		struct stat sb;
		char *why = NULL;
		if (st == RT_PIDTAG_GONE)
			why = rt_xasprintf("left by process %ld, which is gone", pid);
		else if (st == RT_PIDTAG_FOREIGN && lstat(path, &sb) == 0 &&
			 time(NULL) - sb.st_mtime > 24 * 3600)
			why = rt_xstrdup("made on another machine more than a day ago, and unused since");
		if (why) {
			remove_db_files(path);
			char *note = rt_xasprintf("removed the abandoned scratch database %s (%s)", path, why);
			rt_strlist_push(notes, note);
			free(note);
			free(why);
		}
		free(path);
	}
	if (d)
		closedir(d);
	free(dir);
}
