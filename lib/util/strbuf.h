/*
 * strbuf.h - the one growable string builder used throughout retort.
 *
 * Modelled on git's strbuf: buf is always NUL-terminated (once anything
 * has been added), len excludes the terminator.  Allocation failure aborts
 * (see xalloc.h), so none of these functions can fail.
 */
#ifndef RT_STRBUF_H
#define RT_STRBUF_H

#include <stdarg.h>
#include <stddef.h>

typedef struct strbuf {
	char *buf;
	size_t len;
	size_t alloc;
} strbuf;

#define STRBUF_INIT { NULL, 0, 0 }

void rt_strbuf_grow(strbuf *sb, size_t extra);
void rt_strbuf_add(strbuf *sb, const void *data, size_t len);
void rt_strbuf_adds(strbuf *sb, const char *s);
void rt_strbuf_addc(strbuf *sb, char c);
void rt_strbuf_addf(strbuf *sb, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
void rt_strbuf_vaddf(strbuf *sb, const char *fmt, va_list ap)
	__attribute__((format(printf, 2, 0)));
/* Append n copies of c. */
void rt_strbuf_addchars(strbuf *sb, char c, size_t n);
/* Shorten to len bytes (len <= sb->len). */
void rt_strbuf_setlen(strbuf *sb, size_t len);
void rt_strbuf_reset(strbuf *sb);
/* Remove trailing whitespace. */
void rt_strbuf_rtrim(strbuf *sb);
/*
 * Append s[0..n) made safe to show on a terminal: control characters other
 * than newline and tab (C0, DEL, and C1 such as CSI), and bytes that are
 * not UTF-8, each become U+FFFD, so text from a file cannot move the
 * cursor, recolour the screen or end a comment early.
 */
void rt_strbuf_add_printable(strbuf *sb, const char *s, size_t n);
/* Return the buffer (never NULL) and leave sb empty; the caller frees it. */
char *rt_strbuf_detach(strbuf *sb);
void rt_strbuf_release(strbuf *sb);
/* The current contents, "" when nothing was added. */
const char *rt_strbuf_str(const strbuf *sb);

#endif
