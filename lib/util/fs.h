/*
 * fs.h - the few file-system operations retort needs, with errors as
 * rt_error values.
 */
#ifndef RT_FS_H
#define RT_FS_H

#include "retort_int.h"

/* Read a whole file; *out is NUL-terminated, *len excludes the NUL. */
int rt_fs_read_file(const char *path, char **out, size_t *len, rt_error *err);
/* Read a file relative to an open directory (cheaper for many files). */
int rt_fs_read_file_at(int dirfd, const char *name, const char *display,
		    char **out, size_t *len, rt_error *err);
/* Names in dir ending in suffix (hidden files skipped), sorted bytewise. */
int rt_fs_list_dir(const char *dir, const char *suffix, rt_strlist *names,
		rt_error *err);
/* Write a file that must not exist yet (O_EXCL). */
int rt_fs_write_new_file(const char *path, const char *data, size_t len,
		      rt_error *err);
/* Write a file whole, replacing what is there (a reader sees old or new, never half). */
int rt_fs_replace_file(const char *path, const char *data, size_t len,
		       rt_error *err);
/*
 * Create an empty file beside path (in its directory, so that publishing
 * it stays on one file system), named ".<name>.partial-XXXXXX", mode 0600,
 * never through a symlink; its name goes in *tmp (the caller frees it).
 */
int rt_fs_create_partial(const char *path, char **tmp, rt_error *err);
/*
 * Make the complete file tmp appear as path at once, only if nothing is
 * at path (a symlink there, even a dangling one, counts), so a reader
 * never sees a partial file under the final name: tmp is flushed to disk,
 * linked to path and removed.  On failure tmp is removed.
 */
int rt_fs_publish(const char *tmp, const char *path, rt_error *err);
/* mkdir -p whose last directory, when it is made, is private (0700). */
int rt_fs_mkdirs_private(const char *path, rt_error *err);
/* Anything at path, a dangling symlink included (lstat). */
int rt_fs_lexists(const char *path);
int rt_fs_exists(const char *path);
int rt_fs_is_dir(const char *path);
/* mkdir -p */
int rt_fs_mkdirs(const char *path, rt_error *err);
/*
 * dir + "/" + name, or name itself when it is absolute or dir is NULL;
 * a name "." or a leading "./" adds nothing.
 */
char *rt_fs_join(const char *dir, const char *name);
/* Directory part of a path ("." when none); the caller frees it. */
char *rt_fs_dirname(const char *path);

#endif
