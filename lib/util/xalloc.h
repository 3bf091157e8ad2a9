/*
 * xalloc.h - allocation wrappers that never return NULL.
 *
 * Running out of memory is not an error retort can report usefully, so
 * like git and Redis it aborts with a message instead of threading NULL
 * checks through every caller.  ALLOC_GROW grows a (ptr, nr, alloc) array.
 */
#ifndef RT_XALLOC_H
#define RT_XALLOC_H

#include <stddef.h>
#include <stdlib.h>

void *rt_xmalloc(size_t n);
void *rt_xcalloc(size_t nmemb, size_t size);
void *rt_xrealloc(void *p, size_t n);
char *rt_xstrdup(const char *s);
char *rt_xstrndup(const char *s, size_t n);
/* Like rt_xstrdup, but NULL stays NULL. */
char *rt_xstrdup_or_null(const char *s);
char *rt_xasprintf(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/* Ensure array x (of *x elements) can hold nr items; alloc is its capacity. */
#define ALLOC_GROW(x, nr, alloc)                                           \
	do {                                                               \
		if ((size_t)(nr) > (size_t)(alloc)) {                      \
			size_t ag_n_ = (alloc) ? (size_t)(alloc) * 2 : 8;  \
			if (ag_n_ < (size_t)(nr))                          \
				ag_n_ = (size_t)(nr);                      \
			(x) = rt_xrealloc((x), ag_n_ * sizeof(*(x)));         \
			(alloc) = ag_n_;                                   \
		}                                                          \
	} while (0)

#endif
