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

#include <errno.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

/* A new empty database file under $TMPDIR (else /tmp): its sqlite:/// URL. */
int rt_sqlite_scratch_create(const rt_config *cfg, char **url, rt_error *err)
{
	(void)cfg;
	const char *dir = getenv("TMPDIR");
	if (!dir || !*dir)
		dir = "/tmp";
	char real[PATH_MAX];
	if (!realpath(dir, real))
		return rt_fail(err, RT_EFAIL, "cannot use %s for a scratch database: %s",
			       dir, strerror(errno));
	char *path = rt_xasprintf("%s/retort-scratch-XXXXXX.db", real);
	int fd = mkstemps(path, 3);
	if (fd < 0) {
		rt_fail(err, RT_EFAIL, "cannot create a scratch database in %s: %s",
			real, strerror(errno));
		free(path);
		return -1;
	}
	close(fd);
	*url = rt_xasprintf("sqlite:///%s", path);
	free(path);
	return 0;
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
	static const char *const suffixes[] = { "", "-journal", "-wal", "-shm", NULL };
	for (int i = 0; suffixes[i]; i++) {
		char *p = rt_xasprintf("%s%s", path, suffixes[i]);
		unlink(p);
		free(p);
	}
	free(path);
}
