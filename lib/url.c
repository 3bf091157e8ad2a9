/*
 * url.c - database URLs as Python applications write them.
 *
 * SQLAlchemy names a driver in the scheme: postgresql+psycopg2://,
 * postgresql+asyncpg://, sqlite+aiosqlite:///app.db.  retort has one
 * client per database, so the driver part only says which database it is:
 * it is taken out, and the rest is the URL retort reads.  asyncpg's "ssl"
 * query parameter is libpq's "sslmode" (the same values), so an async
 * application's URL connects with the same TLS settings.
 */
#include "internal.h"

#include <ctype.h>
#include <string.h>

/* The length of a URL scheme at s ("postgresql+asyncpg"), or 0 when s has none. */
static size_t scheme_len(const char *s)
{
	if (!isalpha((unsigned char)*s))
		return 0;
	size_t n = 1;
	while (isalnum((unsigned char)s[n]) || s[n] == '+' || s[n] == '-' || s[n] == '.')
		n++;
	return s[n] == ':' ? n : 0;
}

/* Rename asyncpg's query parameter ssl= to libpq's sslmode= in sb (from off on). */
static void asyncpg_query(strbuf *sb, size_t off)
{
	char *q = strchr(sb->buf + off, '?');
	while (q) {
		if (!strncmp(q + 1, "ssl=", 4)) {
			size_t at = (size_t)(q + 1 - sb->buf) + 3;
			strbuf rest = STRBUF_INIT;
			rt_strbuf_adds(&rest, sb->buf + at);
			rt_strbuf_setlen(sb, at);
			rt_strbuf_adds(sb, "mode");
			rt_strbuf_add(sb, rest.buf, rest.len);
			rt_strbuf_release(&rest);
			q = sb->buf + at;
		}
		q = strchr(q + 1, '&');
	}
}

/* See internal.h. */
char *rt_url_without_driver(const char *url, char **driver)
{
	*driver = NULL;
	size_t n = scheme_len(url);
	const char *plus = n ? memchr(url, '+', n) : NULL;
	if (!plus)
		return rt_xstrdup(url);
	*driver = rt_xstrndup(plus + 1, n - (size_t)(plus + 1 - url));
	strbuf sb = STRBUF_INIT;
	rt_strbuf_add(&sb, url, (size_t)(plus - url));
	rt_strbuf_adds(&sb, url + n);
	if (!strcmp(*driver, "asyncpg"))
		asyncpg_query(&sb, (size_t)(plus - url));
	return rt_strbuf_detach(&sb);
}
