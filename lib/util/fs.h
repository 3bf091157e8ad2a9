/*
 * fs.h - the few file-system operations retort needs, with errors as
 * rt_error values.
 */
#ifndef RT_FS_H
#define RT_FS_H

#include "retort.h"

/* Read a whole file; *out is NUL-terminated, *len excludes the NUL. */
int fs_read_file(const char *path, char **out, size_t *len, rt_error *err);
/* Read a file relative to an open directory (cheaper for many files). */
int fs_read_file_at(int dirfd, const char *name, const char *display,
		    char **out, size_t *len, rt_error *err);
/* Names in dir ending in suffix (hidden files skipped), sorted bytewise. */
int fs_list_dir(const char *dir, const char *suffix, rt_strlist *names,
		rt_error *err);
/* Write a file that must not exist yet (O_EXCL). */
int fs_write_new_file(const char *path, const char *data, size_t len,
		      rt_error *err);
int fs_exists(const char *path);
int fs_is_dir(const char *path);
/* mkdir -p */
int fs_mkdirs(const char *path, rt_error *err);
/*
 * dir + "/" + name, or name itself when it is absolute or dir is NULL;
 * a name "." or a leading "./" adds nothing.
 */
char *fs_join(const char *dir, const char *name);
/* Directory part of a path ("." when none); the caller frees it. */
char *fs_dirname(const char *path);

#endif
