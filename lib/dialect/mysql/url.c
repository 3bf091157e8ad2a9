/*
 * url.c - mysql:// and mariadb:// URLs (see mysql_internal.h).
 *
 * The form is the one every MySQL tool and driver takes:
 *   mysql://user:password@host:3306/dbname?socket=/run/mysqld/mysqld.sock
 * User-info ends at the last '@' before the path, as rt_url_mask reads
 * it, so a password may hold '@' (and anything else %XX-encoded).
 */
#include "internal.h"
#include "dialect/mysql/mysql_internal.h"

#include <ctype.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

/* n bytes of s with %XX decoded. */
static char *decode(const char *s, size_t n)
{
	strbuf sb = STRBUF_INIT;
	for (size_t i = 0; i < n; i++) {
		if (s[i] == '%' && i + 2 < n &&
		    isxdigit((unsigned char)s[i + 1]) && isxdigit((unsigned char)s[i + 2])) {
			char hex[3] = { s[i + 1], s[i + 2], '\0' };
			rt_strbuf_addc(&sb, (char)strtol(hex, NULL, 16));
			i += 2;
		} else {
			rt_strbuf_addc(&sb, s[i]);
		}
	}
	return rt_strbuf_detach(&sb);
}

/* The parameters a URL may carry, each with the spellings it is known by. */
typedef struct param {
	const char *names[4];
	size_t off;     /* of the char * (or unsigned) in rt_my_url */
	int number;
} param;

static const param params[] = {
	{ { "socket", "unix_socket", NULL }, offsetof(rt_my_url, socket), 0 },
	{ { "ssl-mode", "ssl_mode", "sslmode", NULL }, offsetof(rt_my_url, ssl_mode), 0 },
	{ { "ssl-ca", "ssl_ca", "sslca", NULL }, offsetof(rt_my_url, ssl_ca), 0 },
	{ { "ssl-capath", "ssl_capath", "sslcapath", NULL }, offsetof(rt_my_url, ssl_capath), 0 },
	{ { "ssl-cert", "ssl_cert", "sslcert", NULL }, offsetof(rt_my_url, ssl_cert), 0 },
	{ { "ssl-key", "ssl_key", "sslkey", NULL }, offsetof(rt_my_url, ssl_key), 0 },
	{ { "ssl-cipher", "ssl_cipher", NULL }, offsetof(rt_my_url, ssl_cipher), 0 },
	{ { "connect-timeout", "connect_timeout", NULL }, offsetof(rt_my_url, connect_timeout), 1 },
	{ { "charset", NULL }, offsetof(rt_my_url, charset), 0 },
	{ { "password", NULL }, offsetof(rt_my_url, password), 0 },
	{ { "user", NULL }, offsetof(rt_my_url, user), 0 },
};

static const char *const ssl_modes[] = {
	"DISABLED", "PREFERRED", "REQUIRED", "VERIFY_CA", "VERIFY_IDENTITY", NULL
};

static int bad_url(const char *url, rt_error *err, const char *what, const char *detail)
{
	char *masked = rt_url_mask(url);
	rt_fail(err, RT_ECONFIG, "%s in the URL '%s'%s%s", what, masked,
		detail ? ": " : "", detail ? detail : "");
	free(masked);
	rt_hint(err, "write mysql://user:password@host:3306/dbname, or mysql://user@localhost/dbname?socket=/run/mysqld/mysqld.sock; "
		"parameters: socket, ssl-mode, ssl-ca, ssl-capath, ssl-cert, ssl-key, ssl-cipher, connect-timeout, charset");
	return -1;
}

/* One key=value of the query into u. */
static int set_param(rt_my_url *u, const char *url, char *key, char *val, rt_error *err)
{
	for (size_t i = 0; i < sizeof(params) / sizeof(*params); i++) {
		const param *p = &params[i];
		int hit = 0;
		for (int j = 0; p->names[j] && !hit; j++)
			hit = !strcasecmp(p->names[j], key);
		if (!hit)
			continue;
		if (p->number) {
			char *end;
			unsigned long v = strtoul(val, &end, 10);
			if (!*val || *end || v > 3600)
				return bad_url(url, err, "a bad number", key);
			*(unsigned *)((char *)u + p->off) = (unsigned)v;
			return 0;
		}
		char **slot = (char **)((char *)u + p->off);
		free(*slot);
		*slot = rt_xstrdup(val);
		if (p->off == offsetof(rt_my_url, ssl_mode)) {
			for (char *c = *slot; *c; c++)
				*c = (char)toupper((unsigned char)*c == '-' ? '_' : (unsigned char)*c);
			int known = 0;
			for (int j = 0; ssl_modes[j] && !known; j++)
				known = !strcmp(ssl_modes[j], *slot);
			if (!known)
				return bad_url(url, err, "an unknown ssl-mode",
					       "use DISABLED, PREFERRED, REQUIRED, VERIFY_CA or VERIFY_IDENTITY");
		}
		return 0;
	}
	return bad_url(url, err, "an unknown parameter", key);
}

/* The query string ("a=1&b=2"), %XX-decoded. */
static int parse_query(rt_my_url *u, const char *url, const char *q, rt_error *err)
{
	while (*q) {
		const char *amp = strchr(q, '&');
		size_t n = amp ? (size_t)(amp - q) : strlen(q);
		const char *eq = memchr(q, '=', n);
		if (n) {
			if (!eq)
				return bad_url(url, err, "a parameter without '='", NULL);
			char *key = decode(q, (size_t)(eq - q));
			char *val = decode(eq + 1, n - (size_t)(eq - q) - 1);
			int rc = set_param(u, url, key, val, err);
			free(key);
			free(val);
			if (rc < 0)
				return -1;
		}
		q += n + (amp ? 1 : 0);
	}
	return 0;
}

/* host[:port], or [v6]:port. */
static int parse_hostport(rt_my_url *u, const char *url, const char *s, size_t n,
			  rt_error *err)
{
	const char *colon = NULL;
	if (n && s[0] == '[') {
		const char *close = memchr(s, ']', n);
		if (!close)
			return bad_url(url, err, "an unclosed '['", NULL);
		u->host = rt_xstrndup(s + 1, (size_t)(close - s - 1));
		if ((size_t)(close - s) + 1 < n)
			colon = close + 1;
		if (colon && *colon != ':')
			return bad_url(url, err, "text after ']'", NULL);
	} else {
		colon = memchr(s, ':', n);
		size_t hn = colon ? (size_t)(colon - s) : n;
		if (hn)
			u->host = decode(s, hn);
	}
	if (colon) {
		char *port = rt_xstrndup(colon + 1, n - (size_t)(colon + 1 - s));
		char *end;
		unsigned long v = strtoul(port, &end, 10);
		int ok = *port && !*end && v > 0 && v < 65536;
		free(port);
		if (!ok)
			return bad_url(url, err, "a bad port", NULL);
		u->port = (unsigned)v;
	}
	return 0;
}

/* See mysql_internal.h. */
int rt_my_url_parse(const char *url, rt_my_url *u, rt_error *err)
{
	memset(u, 0, sizeof(*u));
	const char *p = strstr(url, "://");
	if (!p)
		return bad_url(url, err, "no '://'", NULL);
	p += 3;
	const char *q = strchr(p, '?');
	const char *end = q ? q : p + strlen(p);
	const char *slash = memchr(p, '/', (size_t)(end - p));
	const char *auth_end = slash ? slash : end;
	const char *at = NULL;
	for (const char *c = p; c < auth_end; c++)
		if (*c == '@')
			at = c;
	int rc = 0;
	if (at) {
		const char *colon = memchr(p, ':', (size_t)(at - p));
		u->user = decode(p, (size_t)((colon ? colon : at) - p));
		if (colon)
			u->password = decode(colon + 1, (size_t)(at - colon - 1));
		p = at + 1;
	}
	rc = parse_hostport(u, url, p, (size_t)(auth_end - p), err);
	if (rc == 0 && slash && end > slash + 1)
		u->db = decode(slash + 1, (size_t)(end - slash - 1));
	if (rc == 0 && q)
		rc = parse_query(u, url, q + 1, err);
	if (rc == 0 && u->db && strchr(u->db, '/'))
		rc = bad_url(url, err, "a '/' in the database name", NULL);
	if (rc == 0 && !u->charset)
		u->charset = rt_xstrdup("utf8mb4");
	if (rc < 0)
		rt_my_url_free(u);
	return rc;
}

void rt_my_url_free(rt_my_url *u)
{
	char **strs[] = { &u->user, &u->password, &u->host, &u->socket, &u->db,
			  &u->ssl_mode, &u->ssl_ca, &u->ssl_capath, &u->ssl_cert,
			  &u->ssl_key, &u->ssl_cipher, &u->charset };
	for (size_t i = 0; i < sizeof(strs) / sizeof(*strs); i++)
		free(*strs[i]);
	memset(u, 0, sizeof(*u));
}

/* See mysql_internal.h: the text between the authority and the query is replaced. */
char *rt_my_url_with_db(const char *url, const char *db)
{
	const char *p = strstr(url, "://");
	p = p ? p + 3 : url;
	const char *q = strchr(p, '?');
	const char *end = q ? q : p + strlen(p);
	const char *slash = memchr(p, '/', (size_t)(end - p));
	const char *cut = slash ? slash : end;
	strbuf sb = STRBUF_INIT;
	rt_strbuf_add(&sb, url, (size_t)(cut - url));
	rt_strbuf_addf(&sb, "/%s", db);
	rt_strbuf_adds(&sb, end);
	return rt_strbuf_detach(&sb);
}
