/*
 * backup.c - rt_backup: a copy of the database through its dialect
 * (SQLite's online backup API, pg_dump).  It sits below migrate.c, which
 * takes one right before the first step when rt_ctx_backup_first asks,
 * and uses nothing above the dialects.
 */
#include "internal.h"
#include "ctx_internal.h"
#include "util/fs.h"

#include <string.h>
#include <time.h>
#include <unistd.h>

/*
 * See retort.h.  The default name carries the UTC time to the second, with
 * -2, -3 ... added while such a file exists; backups/ is made as needed,
 * private (0700).  The copy is written to a hidden 0600 file beside the
 * destination and appears under its name only once complete (a killed
 * backup leaves no file that looks whole), never over an existing file
 * or through a symlink.
 */
int rt_backup(rt_ctx *ctx, const char *path, char **written, rt_error *err)
{
	const rt_dialect *d = rt_ctx_dialect(ctx, err);
	if (!d)
		return -1;
	if (!d->backup)
		return rt_fail(err, RT_EFAIL, "backups are not available for %s", d->name);
	char *dest;
	if (path) {
		dest = rt_xstrdup(path);
	} else {
		char *dir = rt_fs_join(ctx->cfg->dir, "backups");
		if (rt_fs_mkdirs_private(dir, err) < 0) {
			free(dir);
			return -1;
		}
		char stamp[32];
		time_t now = time(NULL);
		struct tm tm;
		gmtime_r(&now, &tm);
		strftime(stamp, sizeof(stamp), "%Y%m%d-%H%M%SZ", &tm);
		dest = rt_xasprintf("%s/backup-%s.%s", dir, stamp, d->backup_ext);
		for (int i = 2; rt_fs_lexists(dest); i++) {
			free(dest);
			dest = rt_xasprintf("%s/backup-%s-%d.%s", dir, stamp, i, d->backup_ext);
		}
		free(dir);
	}
	*written = NULL;
	char *tmp = NULL;
	int rc = -1;
	if (rt_fs_lexists(dest))
		rt_fail_at(err, RT_EUSAGE, dest, 0, "already exists; retort never overwrites a backup");
	else if (rt_fs_create_partial(dest, &tmp, err) == 0)
		rc = d->backup(ctx->cfg, tmp, err);
	if (rc == 0 && rt_fs_publish(tmp, dest, err) == 0) {
		*written = dest;
		dest = NULL;
	} else if (rc == 0) {
		rc = -1;
	} else if (tmp) {
		unlink(tmp);
	}
	free(tmp);
	free(dest);
	return rc;
}
