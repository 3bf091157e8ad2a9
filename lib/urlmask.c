/*
 * urlmask.c - database URLs and libpq connection strings with their
 * passwords hidden, for every message and log line that shows one
 * (retort never prints a password).  Passwords are found the way libpq
 * reads them: URL user-info up to the last '@' before the path, password
 * and sslpassword in a URL query, and key=value strings with spaces
 * around '=', quotes and backslash escapes.
 */
#include "internal.h"

#include <ctype.h>
#include <string.h>
#include <strings.h>

/*
 * If s is "scheme://..." (a URL scheme: a letter, then letters, digits,
 * '+', '-', '.'; white space before it is skipped, so a stray space does
 * not turn a URL into a key=value string), the text after "://"; else
 * NULL.  A libpq key=value string never matches: its first '=' or space
 * comes before any "://".
 */
static const char *url_authority(const char *s)
{
	while (isspace((unsigned char)*s))
		s++;
	if (!isalpha((unsigned char)*s))
		return NULL;
	const char *p = s + 1;
	while (isalnum((unsigned char)*p) || *p == '+' || *p == '-' || *p == '.')
		p++;
	return strncmp(p, "://", 3) ? NULL : p + 3;
}

/*
 * Is the parameter name (n bytes, %XX-decoded when decode is set, as libpq
 * decodes URI query parameters) one of libpq's secrets, password or
 * sslpassword?  Any case: masking one more value is harmless.
 */
static int is_password_key(const char *k, size_t n, int decode)
{
	char name[16];
	size_t len = 0;
	for (size_t i = 0; i < n; i++) {
		char c = k[i];
		if (decode && c == '%' && i + 2 < n &&
		    isxdigit((unsigned char)k[i + 1]) && isxdigit((unsigned char)k[i + 2])) {
			char hex[3] = { k[i + 1], k[i + 2], '\0' };
			c = (char)strtol(hex, NULL, 16);
			i += 2;
		}
		if (len == sizeof(name) - 1)
			return 0;
		name[len++] = c;
	}
	name[len] = '\0';
	return !strcasecmp(name, "password") || !strcasecmp(name, "sslpassword");
}

/*
 * The end of a libpq key=value value starting at p: a quoted one runs to
 * its closing quote (or the end, when it has none), an unquoted one to
 * the next white space; a backslash escapes the next character in both.
 */
static const char *conninfo_value_end(const char *p)
{
	int quoted = *p == '\'';
	if (quoted)
		p++;
	while (*p) {
		if (*p == '\\') {
			p += p[1] ? 2 : 1;
			continue;
		}
		if (quoted ? *p == '\'' : isspace((unsigned char)*p))
			return quoted ? p + 1 : p;
		p++;
	}
	return p;
}

/*
 * Mask a libpq key=value string: "password = 'a b'" -> "password = ***".
 * Parsed as libpq parses it (white space around '=', quotes, backslash
 * escapes), so no part of a secret survives; a word without '=' is copied
 * and the scan goes on, so a malformed string is masked too.
 */
static void mask_conninfo(strbuf *sb, const char *p)
{
	while (*p) {
		if (isspace((unsigned char)*p)) {
			rt_strbuf_addc(sb, *p++);
			continue;
		}
		const char *key = p;
		while (*p && *p != '=' && !isspace((unsigned char)*p))
			p++;
		size_t klen = (size_t)(p - key);
		const char *q = p;
		while (isspace((unsigned char)*q))
			q++;
		if (*q != '=') {
			rt_strbuf_add(sb, key, klen);
			continue;
		}
		q++;
		while (isspace((unsigned char)*q))
			q++;
		const char *end = conninfo_value_end(q);
		if (is_password_key(key, klen, 0)) {
			rt_strbuf_add(sb, key, (size_t)(q - key));
			rt_strbuf_adds(sb, "***");
		} else {
			rt_strbuf_add(sb, key, (size_t)(end - key));
		}
		p = end;
	}
}

/*
 * Mask the query of a URL from its '?': each "name=value" parameter up to
 * the next '&' (libpq knows no fragment, so a '#' is part of the value)
 * whose name is a password gets "***" for its value.
 */
static void mask_query(strbuf *sb, const char *p)
{
	while (*p) {
		size_t len = strcspn(p, "&");
		const char *eq = memchr(p, '=', len);
		if (eq && is_password_key(p, (size_t)(eq - p), 1)) {
			rt_strbuf_add(sb, p, (size_t)(eq + 1 - p));
			rt_strbuf_adds(sb, "***");
		} else {
			rt_strbuf_add(sb, p, len);
		}
		p += len;
		if (*p)
			rt_strbuf_addc(sb, *p++);
	}
}

/*
 * See retort.h.  Mask every password that libpq would read from a URL
 * or key=value string, so that no message shows one:
 *
 *   scheme://user:secret@host/db?password=x  ->  scheme://user:***@host/db?password=***
 *   host=db password = 'it\'s'                ->  host=db password = ***
 *
 * libpq ends a URL's authority only at '/', so '?' and '#' may be part of
 * the password; the LAST '@' before the first '/' ends the user-info, so a
 * password with an '@' is masked whole (libpq takes the first '@', which
 * masks less).  password and sslpassword are masked in a URL's query
 * (their names %-decoded) and in key=value strings.
 */
char *rt_url_mask(const char *url)
{
	if (!url)
		return rt_xstrdup("");
	strbuf sb = STRBUF_INIT;
	const char *auth = url_authority(url);
	if (!auth) {
		mask_conninfo(&sb, url);
		return rt_strbuf_detach(&sb);
	}
	const char *end = auth + strcspn(auth, "/");
	const char *at = NULL;
	for (const char *p = auth; p < end; p++)
		if (*p == '@')
			at = p;
	const char *rest = url;
	if (at) {
		const char *colon = memchr(auth, ':', (size_t)(at - auth));
		if (colon) {
			rt_strbuf_add(&sb, url, (size_t)(colon + 1 - url));
			rt_strbuf_adds(&sb, "***");
			rest = at;
		}
	}
	/* The query starts at the first '?' after the user-info. */
	const char *query = strchr(at ? at : auth, '?');
	if (!query) {
		rt_strbuf_adds(&sb, rest);
		return rt_strbuf_detach(&sb);
	}
	rt_strbuf_add(&sb, rest, (size_t)(query + 1 - rest));
	mask_query(&sb, query + 1);
	return rt_strbuf_detach(&sb);
}
