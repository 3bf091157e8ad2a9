/*
 * backup.c - SQLite backups through SQLite's online backup API: a
 * consistent copy page by page while other connections keep working.
 */
#include "internal.h"
#include "dialect/sqlite/sqlite_internal.h"
#include "util/fs.h"

#include <sqlite3.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

/*
 * The dialect's backup (see dialect.h); 1 when the file does not exist or
 * is empty.  Copies 1024 pages a step, sleeping 20 ms whenever the source
 * is busy, so writers keep working.  dest needs no journal: it becomes a
 * backup only once complete.
 */
int rt_sqlite_backup(const rt_config *cfg, const char *dest, rt_error *err)
{
	char *path;
	if (rt_sqlite_path(cfg->url, cfg->dir, &path, err) < 0)
		return -1;
	int rc = -1;
	sqlite3 *src = NULL, *dst = NULL;
	if (!strcmp(path, ":memory:")) {
		rt_fail(err, RT_EUSAGE, "an in-memory database cannot be backed up");
		goto out;
	}
	struct stat sb;
	if (stat(path, &sb) < 0 || sb.st_size == 0) {
		rc = 1; /* no database yet (or one only just opened): nothing to back up */
		goto out;
	}
	if (sqlite3_open_v2(path, &src, SQLITE_OPEN_READONLY, NULL) != SQLITE_OK ||
	    sqlite3_open_v2(dest, &dst, SQLITE_OPEN_READWRITE | SQLITE_OPEN_NOFOLLOW, NULL) != SQLITE_OK ||
	    sqlite3_exec(dst, "PRAGMA journal_mode = OFF", NULL, NULL, NULL) != SQLITE_OK) {
		rt_fail(err, RT_EDB, "cannot open %s or %s: %s", path, dest,
			sqlite3_errmsg(src && dst ? dst : src ? src : dst));
		goto out;
	}
	sqlite3_busy_timeout(src, (int)(cfg->lock_wait * 1000));
	sqlite3_backup *b = sqlite3_backup_init(dst, "main", src, "main");
	if (!b) {
		rt_fail(err, RT_EDB, "cannot back up %s: %s", path, sqlite3_errmsg(dst));
		goto out;
	}
	/* Busy or locked: wait 20 ms and go on, at most lock_wait in all. */
	int step, waited_ms = 0;
	while ((step = sqlite3_backup_step(b, 1024)) == SQLITE_OK ||
	       ((step == SQLITE_BUSY || step == SQLITE_LOCKED) &&
		waited_ms < cfg->lock_wait * 1000)) {
		if (step != SQLITE_OK) {
			sqlite3_sleep(20);
			waited_ms += 20;
		}
	}
	sqlite3_backup_finish(b);
	if (step != SQLITE_DONE) {
		rt_fail(err, RT_EDB, "backing up %s failed: %s", path, sqlite3_errstr(step));
		goto out;
	}
	rc = 0;
out:
	sqlite3_close(src);
	sqlite3_close(dst);
	free(path);
	return rc;
}
