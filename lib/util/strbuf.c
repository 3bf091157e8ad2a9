/*
 * strbuf.c - growable NUL-terminated strings (see strbuf.h).
 */
#include "util/strbuf.h"
#include "util/xalloc.h"

#include <stdio.h>
#include <string.h>
#include <ctype.h>

/* Make room for extra more bytes plus the terminator. */
void rt_strbuf_grow(strbuf *sb, size_t extra)
{
	size_t need = sb->len + extra + 1;
	if (need <= sb->alloc)
		return;
	size_t n = sb->alloc ? sb->alloc : 64;
	while (n < need)
		n *= 2;
	sb->buf = rt_xrealloc(sb->buf, n);
	sb->alloc = n;
}

void rt_strbuf_add(strbuf *sb, const void *data, size_t len)
{
	rt_strbuf_grow(sb, len);
	if (len)
		memcpy(sb->buf + sb->len, data, len);
	sb->len += len;
	sb->buf[sb->len] = '\0';
}

void rt_strbuf_adds(strbuf *sb, const char *s)
{
	rt_strbuf_add(sb, s, strlen(s));
}

void rt_strbuf_addc(strbuf *sb, char c)
{
	rt_strbuf_add(sb, &c, 1);
}

void rt_strbuf_addchars(strbuf *sb, char c, size_t n)
{
	rt_strbuf_grow(sb, n);
	memset(sb->buf + sb->len, c, n);
	sb->len += n;
	sb->buf[sb->len] = '\0';
}

/* Format into the buffer; tries once in the free space, then grows exactly. */
void rt_strbuf_vaddf(strbuf *sb, const char *fmt, va_list ap)
{
	va_list cp;
	rt_strbuf_grow(sb, 64);
	va_copy(cp, ap);
	int n = vsnprintf(sb->buf + sb->len, sb->alloc - sb->len, fmt, cp);
	va_end(cp);
	if (n < 0)
		return;
	if ((size_t)n >= sb->alloc - sb->len) {
		rt_strbuf_grow(sb, (size_t)n);
		vsnprintf(sb->buf + sb->len, sb->alloc - sb->len, fmt, ap);
	}
	sb->len += (size_t)n;
}

void rt_strbuf_addf(strbuf *sb, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	rt_strbuf_vaddf(sb, fmt, ap);
	va_end(ap);
}

void rt_strbuf_setlen(strbuf *sb, size_t len)
{
	if (!sb->buf)
		return;
	sb->len = len;
	sb->buf[len] = '\0';
}

void rt_strbuf_reset(strbuf *sb)
{
	rt_strbuf_setlen(sb, 0);
}

void rt_strbuf_rtrim(strbuf *sb)
{
	while (sb->len && isspace((unsigned char)sb->buf[sb->len - 1]))
		sb->len--;
	rt_strbuf_setlen(sb, sb->len);
}

char *rt_strbuf_detach(strbuf *sb)
{
	char *s = sb->buf ? sb->buf : rt_xstrdup("");
	sb->buf = NULL;
	sb->len = sb->alloc = 0;
	return s;
}

void rt_strbuf_release(strbuf *sb)
{
	free(sb->buf);
	sb->buf = NULL;
	sb->len = sb->alloc = 0;
}

const char *rt_strbuf_str(const strbuf *sb)
{
	return sb->buf ? sb->buf : "";
}
