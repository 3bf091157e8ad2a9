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

/*
 * See retort.h.  The default name carries the UTC time to the second, with
 * -2, -3 ... added while such a file exists; backups/ is made as needed.
 */
int rt_backup(rt_ctx *ctx, const char *path, char **written, rt_error *err)
{
	const rt_dialect *d = rt_dialect_for_config(ctx->cfg, err);
	if (!d)
		return -1;
	if (!d->backup)
		return rt_fail(err, RT_EFAIL, "backups are not available for %s", d->name);
	char *dest;
	if (path) {
		dest = rt_xstrdup(path);
	} else {
		char *dir = rt_fs_join(ctx->cfg->dir, "backups");
		if (rt_fs_mkdirs(dir, err) < 0) {
			free(dir);
			return -1;
		}
		char stamp[32];
		time_t now = time(NULL);
		struct tm tm;
		gmtime_r(&now, &tm);
		strftime(stamp, sizeof(stamp), "%Y%m%d-%H%M%SZ", &tm);
		dest = rt_xasprintf("%s/backup-%s.%s", dir, stamp, d->backup_ext);
		for (int i = 2; rt_fs_exists(dest); i++) {
			free(dest);
			dest = rt_xasprintf("%s/backup-%s-%d.%s", dir, stamp, i, d->backup_ext);
		}
		free(dir);
	}
	*written = NULL;
	int rc = d->backup(ctx->cfg, dest, err);
	if (rc != 0) {
		free(dest);
		return rc;
	}
	*written = dest;
	return 0;
}
