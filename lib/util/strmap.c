/*
 * strmap.c - string -> int hash map with linear probing (see strmap.h).
 */
#include "util/strmap.h"
#include "util/xalloc.h"

#include <stdint.h>
#include <string.h>

static uint64_t hash(const char *s)
{
	uint64_t h = 1469598103934665603ULL;
	while (*s) {
		h ^= (unsigned char)*s++;
		h *= 1099511628211ULL;
	}
	return h;
}

/*
 * An empty map whose capacity (a power of two, at least 16) keeps
 * expected keys at most half full.
 */
void rt_strmap_init(strmap *m, size_t expected)
{
	size_t cap = 16;
	while (cap < expected * 2)
		cap *= 2;
	m->keys = rt_xcalloc(cap, sizeof(*m->keys));
	m->vals = rt_xcalloc(cap, sizeof(*m->vals));
	m->cap = cap;
	m->count = 0;
}

static void grow(strmap *m)
{
	strmap n;
	rt_strmap_init(&n, m->cap);
	for (size_t i = 0; i < m->cap; i++)
		if (m->keys[i])
			rt_strmap_put(&n, m->keys[i], m->vals[i]);
	rt_strmap_free(m);
	*m = n;
}

/*
 * See strmap.h.  The table doubles before it would pass half full, so a
 * probe always meets an empty slot.  key is stored, not copied.
 */
int rt_strmap_put(strmap *m, const char *key, int val)
{
	if ((m->count + 1) * 2 > m->cap)
		grow(m);
	size_t i = (size_t)hash(key) & (m->cap - 1);
	while (m->keys[i]) {
		if (!strcmp(m->keys[i], key)) {
			int old = m->vals[i];
			m->vals[i] = val;
			return old;
		}
		i = (i + 1) & (m->cap - 1);
	}
	m->keys[i] = key;
	m->vals[i] = val;
	m->count++;
	return -1;
}

/* See strmap.h; a map never initialised (cap 0) finds nothing. */
int rt_strmap_get(const strmap *m, const char *key)
{
	if (!m->cap)
		return -1;
	size_t i = (size_t)hash(key) & (m->cap - 1);
	while (m->keys[i]) {
		if (!strcmp(m->keys[i], key))
			return m->vals[i];
		i = (i + 1) & (m->cap - 1);
	}
	return -1;
}

void rt_strmap_free(strmap *m)
{
	free(m->keys);
	free(m->vals);
	memset(m, 0, sizeof(*m));
}
