/*
 * fs.h - the few file-system operations retort needs, with errors as
 * rt_error values.
 */
#ifndef RT_FS_H
#define RT_FS_H

#include "retort.h"

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
