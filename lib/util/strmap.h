/*
 * strmap.h - a map from strings to ints (open addressing, FNV-1a).
 *
 * Used to find revisions by id and labels by name in constant time.  Keys
 * are not copied: they must outlive the map.
 */
#ifndef RT_STRMAP_H
#define RT_STRMAP_H

#include <stddef.h>

typedef struct strmap {
	const char **keys;
	int *vals;
	size_t cap;   /* a power of two */
	size_t count;
} strmap;

void rt_strmap_init(strmap *m, size_t expected);
/* Insert key -> val.  Returns the previous value if key was present, else -1. */
int rt_strmap_put(strmap *m, const char *key, int val);
/* The value for key, or -1. */
int rt_strmap_get(const strmap *m, const char *key);
void rt_strmap_free(strmap *m);

#endif
