/*
 * graph_cache.h - the graph cache of a migrations directory (graph_cache.c):
 * each migration file's header, keyed by the file's name and what stat
 * says of it, so that listing commands (status, heads, current, history)
 * need one stat per file instead of reading and parsing every file.
 */
#ifndef RT_GRAPH_CACHE_H
#define RT_GRAPH_CACHE_H

#include "retort_int.h"

#include <sys/stat.h>

/* The cache's file name inside the directory it describes. */
#define RT_GCACHE_NAME ".retort-graph"

/* What identifies one version of a file: an entry is used only when all of it matches. */
typedef struct rt_gcache_key {
	unsigned long long dev, ino, size;
	long long mtime_s, mtime_ns, ctime_s, ctime_ns;
} rt_gcache_key;

typedef struct rt_gcache rt_gcache;

/* The key of a stat result. */
void rt_gcache_key_of(const struct stat *st, rt_gcache_key *key);

/*
 * The cache of the directory open as dfd, or NULL when there is none or it
 * cannot be used (unreadable, another format, damaged: all the same, the
 * files are read).
 */
rt_gcache *rt_gcache_read(int dfd);
void rt_gcache_free(rt_gcache *c);
/* How many entries the cache holds. */
size_t rt_gcache_count(const rt_gcache *c);

/*
 * For each of the directory's names (sorted, as rt_fs_list_dir gives
 * them), the index of its entry in the cache, or -1 (c may be NULL).
 */
void rt_gcache_match(const rt_gcache *c, const rt_strlist *names, int *entries);
/*
 * The revision the cache's entry (from rt_gcache_match) holds for the
 * file name of the directory dir when key is the one it was stored with;
 * else NULL.  The revision has its header only (no text, no sections).
 * Safe from several threads.
 */
rt_revision *rt_gcache_get(const rt_gcache *c, int entry, const char *dir, const char *name,
			   const rt_gcache_key *key);

/*
 * Write the cache of the directory dfd: names[i], keys[i], revs[i] for
 * the n files (a NULL revision is left out, as is a file modified too
 * recently for its time stamp to tell a later change: see graph_cache.c).
 * Written to a temporary file renamed over the cache, so a reader sees
 * the old or the new one whole; when the directory is not writable
 * nothing is written.  Errors are not reported: the cache is only a
 * shortcut.
 */
void rt_gcache_write(int dfd, const rt_strlist *names, const rt_gcache_key *keys,
		     rt_revision *const *revs, size_t n);

#endif
