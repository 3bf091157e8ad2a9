/*
 * graph_cache.c - the graph cache of a migrations directory, the way git's
 * index caches what stat says of each file.
 *
 * DIR/.retort-graph holds, per migration file, its name, the key of the
 * version that was read (device, inode, size, modification and change
 * times in nanoseconds) and the header parsed from it: everything the
 * graph and the listing commands use (and whether there is a downgrade
 * section), no SQL.  A listing command stats
 * every file and takes the header from the cache when the key matches,
 * else reads and parses the file (and rewrites the cache).  The directory
 * is still listed every time, so added, removed and renamed files are
 * seen; a file edited in place changes its change time at least (which
 * no user can set), so it is read again.
 *
 * Racy files: a file changed within the time stamps' granularity of the
 * moment it was read could be changed again with the same size and time
 * stamps.  Such files (a change time less than RACY_NS before the cache
 * is written, or in the future) are not stored: the next command reads
 * them again, as git re-checks entries as new as its index.
 *
 * Format (native byte order; the header's marker refuses another
 * machine's): "RTGC", u32 version, u32 0x01020304, u32 count, the
 * entries, then the 64-bit sum of everything before it (sum_of).  A string is
 * a u32 length (0xffffffff: none) and its bytes, a list a u32 count and
 * its strings.  An entry: the file's name, its key (seven i64), the id,
 * message and create date, the lists Revises, Branch Labels, Depends On
 * and Replaces, the five header lines and the flags (u32 each).  A cache
 * that fails any check is ignored and rewritten.
 */
#include "internal.h"
#include "graph_cache.h"

#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#define VERSION 1u
#define BYTE_ORDER_MARK 0x01020304u
#define NO_STRING 0xffffffffu
#define FLAG_DOWNGRADE 1u /* the file has a downgrade section */
/* Newer than this before the cache is written: not stored (see above). */
#define RACY_NS (2LL * 1000000000LL)
/* The largest cache read (a 100,000-revision project writes ~20 MB). */
#define MAX_SIZE (1ull << 30)

typedef struct entry {
	const char *name; /* in the buffer, not NUL-terminated */
	uint32_t nlen;
	rt_gcache_key key;
	size_t at;        /* where the header starts in the buffer */
} entry;

struct rt_gcache {
	char *buf;
	size_t len;
	entry *v;         /* in name order, as rt_fs_list_dir sorts them */
	size_t n;
};

/* A bounds-checked reader over the buffer: any overrun sets bad. */
typedef struct reader {
	const char *buf;
	size_t len, at;
	int bad;
} reader;

/*
 * The cache's sum: FNV-1a over 64-bit words (the tail byte by byte), a
 * check against damage, not an attacker (who could rewrite the files).
 */
static uint64_t sum_of(const char *p, size_t n)
{
	uint64_t h = 1469598103934665603ull, w;
	size_t i = 0;
	for (; i + 8 <= n; i += 8) {
		memcpy(&w, p + i, 8);
		h = (h ^ w) * 1099511628211ull;
	}
	for (; i < n; i++)
		h = (h ^ (unsigned char)p[i]) * 1099511628211ull;
	return h;
}

static void get(reader *r, void *out, size_t n)
{
	if (r->bad || r->len - r->at < n) {
		r->bad = 1;
		memset(out, 0, n);
		return;
	}
	memcpy(out, r->buf + r->at, n);
	r->at += n;
}

static uint32_t get_u32(reader *r)
{
	uint32_t v;
	get(r, &v, sizeof(v));
	return v;
}

static int64_t get_i64(reader *r)
{
	int64_t v;
	get(r, &v, sizeof(v));
	return v;
}

/* A string in place: *n its length; NULL for none (or when bad). */
static const char *get_str(reader *r, uint32_t *n)
{
	*n = get_u32(r);
	if (r->bad || *n == NO_STRING || r->len - r->at < *n) {
		r->bad |= *n != NO_STRING;
		return NULL;
	}
	const char *s = r->buf + r->at;
	r->at += *n;
	return s;
}

/* A string as a new allocation, or NULL for none. */
static char *dup_str(reader *r)
{
	uint32_t n;
	const char *s = get_str(r, &n);
	return s ? rt_xstrndup(s, n) : NULL;
}

static void get_list(reader *r, rt_strlist *l)
{
	uint32_t count = get_u32(r);
	for (uint32_t i = 0; i < count && !r->bad; i++) {
		uint32_t n;
		const char *s = get_str(r, &n);
		if (!s) {
			r->bad = 1;
			break;
		}
		rt_strlist_pushn(l, s, n);
	}
}

static void get_key(reader *r, rt_gcache_key *k)
{
	k->dev = (unsigned long long)get_i64(r);
	k->ino = (unsigned long long)get_i64(r);
	k->size = (unsigned long long)get_i64(r);
	k->mtime_s = get_i64(r);
	k->mtime_ns = get_i64(r);
	k->ctime_s = get_i64(r);
	k->ctime_ns = get_i64(r);
}

/* Skip a header (checking its bounds): what the index pass does. */
static void skip_header(reader *r)
{
	uint32_t n;
	for (int i = 0; i < 3; i++) /* id, message, create date */
		(void)get_str(r, &n);
	for (int i = 0; i < 4; i++) { /* down, labels, depends, replaces */
		uint32_t count = get_u32(r);
		for (uint32_t j = 0; j < count && !r->bad; j++)
			if (!get_str(r, &n))
				r->bad = 1;
	}
	for (int i = 0; i < 6; i++) /* header lines, flags */
		(void)get_u32(r);
}

/* strcmp's order for names of known length without NUL bytes. */
static int name_cmp(const char *a, size_t na, const char *b, size_t nb)
{
	int cmp = memcmp(a, b, na < nb ? na : nb);
	return cmp ? cmp : na < nb ? -1 : na > nb;
}

void rt_gcache_key_of(const struct stat *st, rt_gcache_key *key)
{
	memset(key, 0, sizeof(*key));
	key->dev = (unsigned long long)st->st_dev;
	key->ino = (unsigned long long)st->st_ino;
	key->size = (unsigned long long)st->st_size;
	key->mtime_s = (long long)st->st_mtim.tv_sec;
	key->mtime_ns = (long long)st->st_mtim.tv_nsec;
	key->ctime_s = (long long)st->st_ctim.tv_sec;
	key->ctime_ns = (long long)st->st_ctim.tv_nsec;
}

static int same_key(const rt_gcache_key *a, const rt_gcache_key *b)
{
	return a->dev == b->dev && a->ino == b->ino && a->size == b->size &&
	       a->mtime_s == b->mtime_s && a->mtime_ns == b->mtime_ns &&
	       a->ctime_s == b->ctime_s && a->ctime_ns == b->ctime_ns;
}

/* Read the whole cache file into c->buf; -1 when there is none or it is unusable. */
static int read_file(int dfd, rt_gcache *c)
{
	int fd = openat(dfd, RT_GCACHE_NAME, O_RDONLY | O_CLOEXEC | O_NOFOLLOW);
	if (fd < 0)
		return -1;
	struct stat st;
	int rc = -1;
	if (fstat(fd, &st) == 0 && S_ISREG(st.st_mode) && st.st_size > 0 &&
	    (unsigned long long)st.st_size < MAX_SIZE) {
		c->len = (size_t)st.st_size;
		c->buf = rt_xmalloc(c->len);
		size_t got = 0;
		while (got < c->len) {
			ssize_t r = read(fd, c->buf + got, c->len - got);
			if (r < 0 && errno == EINTR)
				continue;
			if (r <= 0)
				break;
			got += (size_t)r;
		}
		rc = got == c->len ? 0 : -1;
	}
	close(fd);
	return rc;
}

/*
 * See graph_cache.h.  The whole file is checked (sum, then every entry's
 * bounds) before any entry is used, so a damaged cache is never half used.
 */
rt_gcache *rt_gcache_read(int dfd)
{
	rt_gcache *c = rt_xcalloc(1, sizeof(*c));
	if (read_file(dfd, c) < 0 || c->len < 16 + sizeof(uint64_t))
		goto bad;
	uint64_t sum;
	memcpy(&sum, c->buf + c->len - sizeof(sum), sizeof(sum));
	reader r = { c->buf, c->len - sizeof(sum), 0, 0 };
	if (sum != sum_of(c->buf, r.len))
		goto bad;
	char magic[4];
	get(&r, magic, 4);
	uint32_t version = get_u32(&r), mark = get_u32(&r), count = get_u32(&r);
	if (memcmp(magic, "RTGC", 4) || version != VERSION || mark != BYTE_ORDER_MARK ||
	    count > r.len / 16)
		goto bad;
	c->v = rt_xcalloc(count ? count : 1, sizeof(*c->v));
	for (uint32_t i = 0; i < count && !r.bad; i++) {
		entry *e = &c->v[c->n++];
		e->name = get_str(&r, &e->nlen);
		get_key(&r, &e->key);
		e->at = r.at;
		skip_header(&r);
		if (!e->name || r.bad || memchr(e->name, '\0', e->nlen) ||
		    (i && name_cmp(c->v[i - 1].name, c->v[i - 1].nlen, e->name, e->nlen) >= 0))
			goto bad; /* names are stored in strictly increasing order */
	}
	if (r.bad || r.at != r.len)
		goto bad;
	return c;
bad:
	rt_gcache_free(c);
	return NULL;
}

void rt_gcache_free(rt_gcache *c)
{
	if (!c)
		return;
	free(c->v);
	free(c->buf);
	free(c);
}

size_t rt_gcache_count(const rt_gcache *c)
{
	return c ? c->n : 0;
}

/* See graph_cache.h: one pass, as both lists are in strcmp order. */
void rt_gcache_match(const rt_gcache *c, const rt_strlist *names, int *entries)
{
	size_t j = 0, n = c ? c->n : 0;
	for (size_t i = 0; i < names->n; i++) {
		size_t len = strlen(names->v[i]);
		int cmp = 1;
		while (j < n && (cmp = name_cmp(c->v[j].name, c->v[j].nlen, names->v[i], len)) < 0)
			j++;
		entries[i] = j < n && cmp == 0 ? (int)j : -1;
	}
}

/* See graph_cache.h.  The entry was bounds-checked when the cache was read. */
rt_revision *rt_gcache_get(const rt_gcache *c, int i, const char *dir, const char *name,
			   const rt_gcache_key *key)
{
	if (!c || i < 0 || (size_t)i >= c->n || !same_key(&c->v[i].key, key))
		return NULL;
	reader r = { c->buf, c->len - sizeof(uint64_t), c->v[i].at, 0 };
	rt_revision *rev = rt_xcalloc(1, sizeof(*rev));
	size_t dl = strlen(dir), nl = strlen(name);
	rev->path = rt_xmalloc(dl + nl + 2);
	memcpy(rev->path, dir, dl);
	rev->path[dl] = '/';
	memcpy(rev->path + dl + 1, name, nl + 1);
	rev->id = dup_str(&r);
	rev->message = dup_str(&r);
	rev->create_date = dup_str(&r);
	get_list(&r, &rev->down);
	get_list(&r, &rev->labels);
	get_list(&r, &rev->depends);
	get_list(&r, &rev->replaces);
	rev->line_id = (int)get_u32(&r);
	rev->line_revises = (int)get_u32(&r);
	rev->line_labels = (int)get_u32(&r);
	rev->line_depends = (int)get_u32(&r);
	rev->line_replaces = (int)get_u32(&r);
	rev->downgrade.present = (get_u32(&r) & FLAG_DOWNGRADE) != 0;
	rev->upgrade.present = 1; /* a file is stored only once it parsed, with one */
	if (r.bad || !rev->id) {
		rt_revision_free(rev);
		return NULL;
	}
	return rev;
}

/* Writing: into a strbuf, then one write. */
static void put(strbuf *sb, const void *p, size_t n)
{
	rt_strbuf_add(sb, p, n);
}

static void put_u32(strbuf *sb, uint32_t v)
{
	put(sb, &v, sizeof(v));
}

static void put_i64(strbuf *sb, int64_t v)
{
	put(sb, &v, sizeof(v));
}

static void put_str(strbuf *sb, const char *s)
{
	if (!s) {
		put_u32(sb, NO_STRING);
		return;
	}
	size_t n = strlen(s);
	put_u32(sb, (uint32_t)n);
	put(sb, s, n);
}

static void put_list(strbuf *sb, const rt_strlist *l)
{
	put_u32(sb, (uint32_t)l->n);
	for (size_t i = 0; i < l->n; i++)
		put_str(sb, l->v[i]);
}

static void put_entry(strbuf *sb, const char *name, const rt_gcache_key *k,
		      const rt_revision *r)
{
	put_str(sb, name);
	put_i64(sb, (int64_t)k->dev);
	put_i64(sb, (int64_t)k->ino);
	put_i64(sb, (int64_t)k->size);
	put_i64(sb, k->mtime_s);
	put_i64(sb, k->mtime_ns);
	put_i64(sb, k->ctime_s);
	put_i64(sb, k->ctime_ns);
	put_str(sb, r->id);
	put_str(sb, r->message);
	put_str(sb, r->create_date);
	put_list(sb, &r->down);
	put_list(sb, &r->labels);
	put_list(sb, &r->depends);
	put_list(sb, &r->replaces);
	put_u32(sb, (uint32_t)r->line_id);
	put_u32(sb, (uint32_t)r->line_revises);
	put_u32(sb, (uint32_t)r->line_labels);
	put_u32(sb, (uint32_t)r->line_depends);
	put_u32(sb, (uint32_t)r->line_replaces);
	put_u32(sb, r->downgrade.present ? FLAG_DOWNGRADE : 0);
}

/*
 * Is the file too new for its time stamps to show a later change?  Its
 * change time is what counts: every write sets it (no user can set it
 * back, unlike the modification time), so a file changed since it was
 * read has a change time after the stat, and one older than RACY_NS
 * before now cannot share it.  One in the future is racy too.
 */
static int racy(const rt_gcache_key *k, const struct timespec *now)
{
	long long c = k->ctime_s * 1000000000LL + k->ctime_ns;
	long long t = (long long)now->tv_sec * 1000000000LL + now->tv_nsec;
	return c > t - RACY_NS;
}

/* Write data to a new temporary file of the directory and rename it over the cache. */
static void replace_file(int dfd, const char *data, size_t len)
{
	char tmp[64];
	snprintf(tmp, sizeof(tmp), "%s.%ld.tmp", RT_GCACHE_NAME, (long)getpid());
	int fd = openat(dfd, tmp, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0644);
	if (fd < 0 && errno == EEXIST) { /* left by a process of this pid that died */
		unlinkat(dfd, tmp, 0);
		fd = openat(dfd, tmp, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0644);
	}
	if (fd < 0)
		return; /* a read-only directory: no cache */
	size_t off = 0;
	while (off < len) {
		ssize_t w = write(fd, data + off, len - off);
		if (w < 0 && errno == EINTR)
			continue;
		if (w <= 0)
			break;
		off += (size_t)w;
	}
	if (close(fd) != 0 || off < len || renameat(dfd, tmp, dfd, RT_GCACHE_NAME) != 0)
		unlinkat(dfd, tmp, 0);
}

/* See graph_cache.h. */
void rt_gcache_write(int dfd, const rt_strlist *names, const rt_gcache_key *keys,
		     rt_revision *const *revs, size_t n)
{
	struct timespec now;
	if (dfd < 0 || clock_gettime(CLOCK_REALTIME, &now) != 0)
		return;
	strbuf sb = STRBUF_INIT;
	uint32_t count = 0;
	put(&sb, "RTGC", 4);
	put_u32(&sb, VERSION);
	put_u32(&sb, BYTE_ORDER_MARK);
	size_t count_at = sb.len;
	put_u32(&sb, 0);
	for (size_t i = 0; i < n; i++) {
		if (!revs[i] || racy(&keys[i], &now))
			continue;
		put_entry(&sb, names->v[i], &keys[i], revs[i]);
		count++;
	}
	memcpy(sb.buf + count_at, &count, sizeof(count));
	uint64_t sum = sum_of(sb.buf, sb.len);
	put(&sb, &sum, sizeof(sum));
	replace_file(dfd, sb.buf, sb.len);
	rt_strbuf_release(&sb);
}
