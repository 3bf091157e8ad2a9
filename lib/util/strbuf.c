/*
 * strbuf.c - growable NUL-terminated strings (see strbuf.h).
 */
#include "retort.h"
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

/*
 * Length of the well-formed UTF-8 sequence at p (2-4 bytes, p < end), or 0
 * when the bytes there are not one (stray continuation, overlong form,
 * surrogate, beyond U+10FFFF, cut short).
 */
static int utf8_len(const unsigned char *p, const unsigned char *end)
{
	int n = p[0] >= 0xf0 ? 4 : p[0] >= 0xe0 ? 3 : p[0] >= 0xc2 ? 2 : 0;
	if (!n || p[0] > 0xf4 || end - p < n)
		return 0;
	for (int i = 1; i < n; i++)
		if ((p[i] & 0xc0) != 0x80)
			return 0;
	if ((p[0] == 0xe0 && p[1] < 0xa0) || (p[0] == 0xed && p[1] >= 0xa0) ||
	    (p[0] == 0xf0 && p[1] < 0x90) || (p[0] == 0xf4 && p[1] >= 0x90))
		return 0;
	return n;
}

/* See strbuf.h.  C1 controls are U+0080..U+009F: 0xc2 0x80..0x9f in UTF-8. */
void rt_strbuf_add_printable(strbuf *sb, const char *s, size_t n)
{
	const unsigned char *p = (const unsigned char *)s, *end = p + n;
	rt_strbuf_grow(sb, n);
	while (p < end) {
		if (*p == '\n' || *p == '\t' || (*p >= 0x20 && *p < 0x7f)) {
			rt_strbuf_addc(sb, (char)*p++);
			continue;
		}
		int len = *p >= 0x80 ? utf8_len(p, end) : 0;
		if (len && !(p[0] == 0xc2 && p[1] < 0xa0))
			rt_strbuf_add(sb, p, (size_t)len);
		else
			rt_strbuf_adds(sb, "\xef\xbf\xbd");
		p += len ? len : 1;
	}
}

/* See retort.h. */
char *rt_printable(const char *s)
{
	strbuf sb = STRBUF_INIT;
	if (s)
		rt_strbuf_add_printable(&sb, s, strlen(s));
	return rt_strbuf_detach(&sb);
}
