/*
 * fs.c - reading files and directories (see fs.h).
 */
#include "internal.h"
#include "util/fs.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

/* Read everything from fd into a NUL-terminated buffer. */
static int read_all(int fd, const char *display, int regular, char **out,
		    size_t *len, rt_error *err)
{
	size_t alloc = 8192, n = 0;
	char *buf = rt_xmalloc(alloc);
	for (;;) {
		if (n + 1 >= alloc) {
			alloc *= 2;
			buf = rt_xrealloc(buf, alloc);
		}
		ssize_t r = read(fd, buf + n, alloc - n - 1);
		if (r < 0) {
			if (errno == EINTR)
				continue;
			int e = errno;
			free(buf);
			return rt_fail_at(err, RT_EIO, display, 0, "cannot read: %s",
					  strerror(e));
		}
		if (r == 0)
			break;
		n += (size_t)r;
		(void)regular; /* read to EOF: network file systems may return short reads */
	}
	buf[n] = '\0';
	*out = n + 1 < alloc ? rt_xrealloc(buf, n + 1) : buf; /* keep only what is used */
	*len = n;
	return 0;
}

int rt_fs_read_file_at(int dirfd, const char *name, const char *display,
		    char **out, size_t *len, rt_error *err)
{
	int fd = openat(dirfd, name, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return rt_fail_at(err, RT_EIO, display, 0, "cannot open: %s",
				  strerror(errno));
	int rc = read_all(fd, display, 1, out, len, err);
	close(fd);
	return rc;
}

int rt_fs_read_file(const char *path, char **out, size_t *len, rt_error *err)
{
	return rt_fs_read_file_at(AT_FDCWD, path, path, out, len, err);
}

static int cmp_str(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/*
 * See fs.h.  Appends to names, then sorts all of it.  Entries known to be
 * neither regular files nor symlinks are skipped; DT_UNKNOWN ones (some
 * file systems give no type) are kept for the read to judge.
 */
int rt_fs_list_dir(const char *dir, const char *suffix, rt_strlist *names,
		rt_error *err)
{
	DIR *d = opendir(dir);
	if (!d)
		return rt_fail_at(err, RT_EIO, dir, 0, "cannot open directory: %s",
				  strerror(errno));
	size_t sl = strlen(suffix), alloc = names->n;
	struct dirent *de;
	while ((de = readdir(d))) {
		size_t n = strlen(de->d_name);
		if (de->d_name[0] == '.' || n <= sl ||
		    strcmp(de->d_name + n - sl, suffix))
			continue;
		if (de->d_type != DT_REG && de->d_type != DT_LNK &&
		    de->d_type != DT_UNKNOWN)
			continue;
		ALLOC_GROW(names->v, names->n + 1, alloc);
		names->v[names->n++] = rt_xstrndup(de->d_name, n);
	}
	closedir(d);
	if (names->n > 1)
		qsort(names->v, names->n, sizeof(*names->v), cmp_str);
	return 0;
}

/*
 * See fs.h.  A failed write removes the file again, so no partial file is
 * left; there is no fsync.
 */
int rt_fs_write_new_file(const char *path, const char *data, size_t len,
		      rt_error *err)
{
	int fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0644);
	if (fd < 0)
		return rt_fail_at(err, RT_EIO, path, 0, "cannot create: %s",
				  strerror(errno));
	size_t off = 0;
	while (off < len) {
		ssize_t w = write(fd, data + off, len - off);
		if (w < 0) {
			if (errno == EINTR)
				continue;
			int e = errno;
			close(fd);
			unlink(path);
			return rt_fail_at(err, RT_EIO, path, 0, "cannot write: %s",
					  strerror(e));
		}
		off += (size_t)w;
	}
	if (close(fd) < 0) {
		int e = errno;
		unlink(path);
		return rt_fail_at(err, RT_EIO, path, 0, "cannot write: %s",
				  strerror(e));
	}
	return 0;
}

/*
 * See fs.h.  A temporary file beside path (same directory, so rename is
 * atomic), written with rt_fs_write_new_file and renamed over path.
 */
int rt_fs_replace_file(const char *path, const char *data, size_t len,
		       rt_error *err)
{
	char *tmp = rt_xasprintf("%s.tmp-%ld", path, (long)getpid());
	unlink(tmp);
	int rc = rt_fs_write_new_file(tmp, data, len, err);
	if (rc == 0 && rename(tmp, path) < 0) {
		rc = rt_fail_at(err, RT_EIO, path, 0, "cannot write: %s", strerror(errno));
		unlink(tmp);
	}
	free(tmp);
	return rc;
}

/* See fs.h.  mkstemp opens with O_CREAT | O_EXCL (no symlink is followed) and mode 0600. */
int rt_fs_create_partial(const char *path, char **tmp, rt_error *err)
{
	const char *slash = strrchr(path, '/');
	const char *name = slash ? slash + 1 : path;
	*tmp = rt_xasprintf("%.*s.%s.partial-XXXXXX", (int)(name - path), path, name);
	int fd = mkstemp(*tmp);
	if (fd < 0) {
		int e = errno;
		char *dir = rt_fs_dirname(path);
		rt_fail_at(err, RT_EIO, dir, 0, "cannot create a file here: %s", strerror(e));
		free(dir);
		free(*tmp);
		*tmp = NULL;
		return -1;
	}
	fcntl(fd, F_SETFD, FD_CLOEXEC);
	close(fd);
	return 0;
}

/* fsync a file or directory by name; errors are returned as errno. */
static int sync_path(const char *path, int dir)
{
	int fd = open(path, (dir ? O_RDONLY | O_DIRECTORY : O_RDONLY) | O_CLOEXEC | O_NOFOLLOW);
	if (fd < 0)
		return errno;
	int e = fsync(fd) < 0 && !dir ? errno : 0; /* some file systems cannot sync a directory */
	close(fd);
	return e;
}

/*
 * See fs.h.  link() fails when anything is at path and never follows a
 * symlink there; where the file system has no hard links, rename() after
 * an lstat does the same but for a race with another writer.
 */
int rt_fs_publish(const char *tmp, const char *path, rt_error *err)
{
	int e = sync_path(tmp, 0);
	if (!e && link(tmp, path) < 0) {
		e = errno;
		if (e == EPERM || e == ENOTSUP || e == EOPNOTSUPP || e == ENOSYS) {
			e = rt_fs_lexists(path) ? EEXIST : rename(tmp, path) < 0 ? errno : 0;
			if (!e)
				goto synced;
		}
	}
	unlink(tmp);
	if (e == EEXIST)
		return rt_fail_at(err, RT_EUSAGE, path, 0, "already exists; it is not overwritten");
	if (e)
		return rt_fail_at(err, RT_EIO, path, 0, "cannot write: %s", strerror(e));
synced:;
	char *dir = rt_fs_dirname(path);
	sync_path(dir, 1);
	free(dir);
	return 0;
}

/* See fs.h. */
int rt_fs_mkdirs_private(const char *path, rt_error *err)
{
	char *parent = rt_fs_dirname(path);
	int rc = rt_fs_mkdirs(parent, err);
	free(parent);
	if (rc < 0)
		return -1;
	if (mkdir(path, 0700) < 0 && errno != EEXIST)
		return rt_fail_at(err, RT_EIO, path, 0, "cannot create directory: %s", strerror(errno));
	return 0;
}

int rt_fs_lexists(const char *path)
{
	struct stat st;
	return lstat(path, &st) == 0;
}

int rt_fs_exists(const char *path)
{
	struct stat st;
	return stat(path, &st) == 0;
}

int rt_fs_is_dir(const char *path)
{
	struct stat st;
	return stat(path, &st) == 0 && S_ISDIR(st.st_mode);
}

/*
 * See fs.h.  Each prefix of path is made in turn (mode 0755); one that
 * exists is accepted even when it is not a directory -- what comes next
 * reports that.
 */
int rt_fs_mkdirs(const char *path, rt_error *err)
{
	char *p = rt_xstrdup(path);
	for (char *s = p + 1;; s++) {
		if (*s != '/' && *s != '\0')
			continue;
		char c = *s;
		*s = '\0';
		if (mkdir(p, 0755) < 0 && errno != EEXIST) {
			int e = errno;
			rt_fail_at(err, RT_EIO, p, 0, "cannot create directory: %s",
				   strerror(e));
			free(p);
			return -1;
		}
		*s = c;
		if (!c)
			break;
	}
	free(p);
	return 0;
}

/* dir/name, where "." and a leading "./" of name add nothing ("dir/./x" is "dir/x"). */
char *rt_fs_join(const char *dir, const char *name)
{
	if (!dir || !*dir || name[0] == '/')
		return rt_xstrdup(name);
	while (name[0] == '.' && name[1] == '/')
		name += 2;
	if (!strcmp(name, "."))
		name = "";
	size_t dl = strlen(dir);
	while (dl > 1 && dir[dl - 1] == '/')
		dl--;
	if (dl == 1 && dir[0] == '.')
		return rt_xstrdup(*name ? name : ".");
	if (!*name)
		return rt_xstrndup(dir, dl);
	return rt_xasprintf("%.*s/%s", (int)dl, dir, name);
}

char *rt_fs_dirname(const char *path)
{
	const char *slash = strrchr(path, '/');
	if (!slash)
		return rt_xstrdup(".");
	if (slash == path)
		return rt_xstrdup("/");
	return rt_xstrndup(path, (size_t)(slash - path));
}
