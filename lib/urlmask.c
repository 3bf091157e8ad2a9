/*
 * urlmask.c - database URLs and libpq connection strings with their
 * passwords hidden, for every message and log line that shows one
 * (retort never prints a password).  Passwords are found the way libpq
 * reads them -- URL user-info, password and sslpassword in a URL query,
 * key=value strings with spaces around '=', quotes and backslash escapes --
 * and, where a URL is malformed, the way its author meant them (a password
 * with an unencoded '/' or '@').  rt_url_mask hides them in the URL itself;
 * rt_url_hide_secrets in any other text (libpq's own messages), each in
 * every form libpq may quote it.
 */
#include "internal.h"

#include <ctype.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

/*
 * If s is "scheme://..." (a URL scheme: a letter, then letters, digits,
 * '+', '-', '.'; white space before it is skipped, so a stray space does
 * not turn a URL into a key=value string), the text after "://"; else
 * NULL.  A libpq key=value string never matches: its first '=' or space
 * comes before any "://".  A URL missing a slash or two ("postgresql:/u:pw@h",
 * which libpq reads as a broken key=value string and quotes whole) counts
 * too when an '@' follows with no '=' or space before it: the text after
 * the slashes.
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
	if (!strncmp(p, "://", 3))
		return p + 3;
	if (*p != ':')
		return NULL;
	size_t before_at = strcspn(p, "@= \t\n");
	if (p[before_at] != '@')
		return NULL;
	p++;
	while (*p == '/')
		p++;
	return p;
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

/* The byte ranges of a URL or connection string that hold a secret. */
typedef struct span {
	size_t at, len;
	int conninfo;  /* a key=value value: maybe quoted, backslash escapes */
	int userinfo;  /* the password of a URL's user-info */
} span;

typedef struct spans {
	span *v;
	size_t n, alloc;
} spans;

static void add_span(spans *l, size_t at, size_t len, int conninfo, int userinfo)
{
	if (l->n == l->alloc) {
		l->alloc = l->alloc ? 2 * l->alloc : 4;
		l->v = rt_xrealloc(l->v, l->alloc * sizeof(*l->v));
	}
	l->v[l->n++] = (span){ at, len, conninfo, userinfo };
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

static void url_spans(const char *url, const char *auth, spans *out);

/*
 * A key=value value [q, end) of s that is itself a URL ("dbname=postgresql://
 * u:pw@h/db", which libpq may pass on as a database name and quote): its
 * secrets, when it is written plainly (quotes allowed, no backslash).
 */
static void nested_url_spans(const char *s, const char *q, const char *end,
			     spans *out)
{
	if (*q == '\'')
		q++, end -= end > q && end[-1] == '\'';
	if (memchr(q, '\\', (size_t)(end - q)))
		return;
	char *v = rt_xstrndup(q, (size_t)(end - q));
	const char *auth = strstr(v, "://") ? url_authority(v) : NULL;
	if (auth) {
		spans in = { 0 };
		url_spans(v, auth, &in);
		for (size_t i = 0; i < in.n; i++)
			add_span(out, (size_t)(q - s) + in.v[i].at, in.v[i].len, 0, in.v[i].userinfo);
		free(in.v);
	}
	free(v);
}

/*
 * The secrets of a libpq key=value string ("password = 'a b'"), parsed as
 * libpq parses it (white space around '=', quotes, backslash escapes); a
 * word without '=' is skipped and the scan goes on, so a malformed string
 * is read too.
 */
static void conninfo_spans(const char *s, spans *out)
{
	const char *p = s;
	while (*p) {
		if (isspace((unsigned char)*p)) {
			p++;
			continue;
		}
		const char *key = p;
		while (*p && *p != '=' && !isspace((unsigned char)*p))
			p++;
		size_t klen = (size_t)(p - key);
		const char *q = p;
		while (isspace((unsigned char)*q))
			q++;
		if (*q != '=')
			continue;
		q++;
		while (isspace((unsigned char)*q))
			q++;
		const char *end = conninfo_value_end(q);
		if (is_password_key(key, klen, 0))
			add_span(out, (size_t)(q - s), (size_t)(end - q), 1, 0);
		else if (end > q)
			nested_url_spans(s, q, end, out);
		p = end;
	}
}

/*
 * Where a URL's user-info ends: the '@' after which the host comes.  libpq
 * takes the first '@' before the first '/', so a password holding an
 * unencoded '/' (base64 has them) is not read as a password at all but
 * spills into the port and database name of libpq's messages.  To hide
 * it whole, the LAST '@' that can end a user-info is taken: any '@' before
 * the first '/', and one after it that does not stand in a name=value
 * query parameter (?user=a@b).  NULL when there is none.
 */
static const char *userinfo_end(const char *auth)
{
	if (*auth == '/')
		return NULL; /* scheme:///db: no authority, so no user-info */
	const char *slash = auth + strcspn(auth, "/");
	const char *at = NULL;
	for (const char *p = auth; *p; p++) {
		if (*p != '@')
			continue;
		if (p < slash) {
			at = p;
			continue;
		}
		/* After the first '/': not inside a query's name=value. */
		const char *seg = NULL;
		for (const char *k = slash; k < p; k++)
			if (*k == '?' || *k == '&')
				seg = k + 1;
		if (!seg || !memchr(seg, '=', (size_t)(p - seg)))
			at = p;
	}
	return at;
}

/*
 * The secrets of a URL: the password of its user-info (from the first
 * ':' to the end found by userinfo_end), and the values of password and
 * sslpassword query parameters (names %-decoded as libpq decodes them);
 * libpq knows no fragment, so a '#' is part of a value.
 */
static void url_spans(const char *url, const char *auth, spans *out)
{
	const char *at = userinfo_end(auth);
	if (at) {
		const char *colon = memchr(auth, ':', (size_t)(at - auth));
		if (colon && at > colon + 1)
			add_span(out, (size_t)(colon + 1 - url), (size_t)(at - colon - 1), 0, 1);
	}
	const char *query = strchr(at ? at : auth, '?');
	if (!query)
		return;
	for (const char *p = query + 1; *p;) {
		size_t len = strcspn(p, "&");
		const char *eq = memchr(p, '=', len);
		if (eq && is_password_key(p, (size_t)(eq - p), 1))
			add_span(out, (size_t)(eq + 1 - url), (size_t)(p + len - eq - 1), 0, 0);
		p += len;
		if (*p)
			p++;
	}
}

/* The secrets of url, a URL or a key=value string, in order. */
static void secret_spans(const char *url, spans *out)
{
	const char *auth = url_authority(url);
	if (auth)
		url_spans(url, auth, out);
	else
		conninfo_spans(url, out);
}

/*
 * See retort.h.  Every password libpq would read from a URL or key=value
 * string -- and, in a malformed URL, what was meant as one -- becomes
 * "***", so that no message shows one:
 *
 *   scheme://user:secret@host/db?password=x  ->  scheme://user:***@host/db?password=***
 *   scheme://user:ab/cd@host/db               ->  scheme://user:***@host/db
 *   host=db password = 'it\'s'                ->  host=db password = ***
 */
char *rt_url_mask(const char *url)
{
	if (!url)
		return rt_xstrdup("");
	spans sp = { 0 };
	secret_spans(url, &sp);
	strbuf sb = STRBUF_INIT;
	size_t copied = 0;
	for (size_t i = 0; i < sp.n; i++) {
		rt_strbuf_add(&sb, url + copied, sp.v[i].at - copied);
		rt_strbuf_adds(&sb, "***");
		copied = sp.v[i].at + sp.v[i].len;
	}
	rt_strbuf_adds(&sb, url + copied);
	free(sp.v);
	return rt_strbuf_detach(&sb);
}

/* s[0..n) with %XX decoded, as libpq decodes URL parts. */
static char *percent_decode(const char *s, size_t n)
{
	strbuf sb = STRBUF_INIT;
	for (size_t i = 0; i < n; i++) {
		if (s[i] == '%' && i + 2 < n && isxdigit((unsigned char)s[i + 1]) &&
		    isxdigit((unsigned char)s[i + 2])) {
			char hex[3] = { s[i + 1], s[i + 2], '\0' };
			rt_strbuf_addc(&sb, (char)strtol(hex, NULL, 16));
			i += 2;
		} else {
			rt_strbuf_addc(&sb, s[i]);
		}
	}
	return rt_strbuf_detach(&sb);
}

/* A key=value value as libpq reads it: quotes removed, escapes resolved. */
static char *conninfo_unquote(const char *s, size_t n)
{
	strbuf sb = STRBUF_INIT;
	size_t i = 0, end = n;
	if (n && s[0] == '\'') {
		i = 1;
		if (n > 1 && s[n - 1] == '\'')
			end = n - 1;
	}
	for (; i < end; i++) {
		if (s[i] == '\\' && i + 1 < end)
			i++;
		rt_strbuf_addc(&sb, s[i]);
	}
	return rt_strbuf_detach(&sb);
}

/* Add s unless empty or already listed (takes ownership). */
static void add_secret(rt_strlist *l, char *s)
{
	if (*s && !rt_strlist_has(l, s))
		rt_strlist_push(l, s);
	free(s);
}

/*
 * The pieces of a user-info password between the characters at which
 * libpq cuts a URL (/ ? @ : , & = #), and every run of consecutive pieces:
 * when libpq does not read it as the password, they surface as a port, a
 * host, a database name or the token it quotes ("wo@rd@host/db").  At
 * most the first 16 cuts are used.
 */
static void add_pieces(rt_strlist *l, const char *pw)
{
	static const char cuts[] = "/?@:,&=#";
	size_t len = strlen(pw), at[18], n = 0;
	at[n++] = 0; /* piece starts: 0 and after each cut */
	for (size_t i = 0; i < len && n < 17; i++)
		if (strchr(cuts, pw[i]))
			at[n++] = i + 1;
	if (n == 1)
		return; /* one piece: the password itself */
	for (size_t a = 0; a < n; a++)
		for (size_t b = a + 1; b <= n; b++) {
			size_t end = b < n ? at[b] - 1 : len; /* the cut before piece b, or the end */
			if (end > at[a] && !(a == 0 && end == len))
				add_secret(l, rt_xstrndup(pw + at[a], end - at[a]));
		}
}

/* Can c stand right before or after a value libpq quotes? */
static int quote_char(char c)
{
	return c == '"' || c == '\'';
}

/*
 * Replace the occurrences of secret in text with "***": anywhere when it
 * is a whole secret 4 bytes or longer; a shorter one, or a piece, only
 * where libpq would quote it as a value or the start or end of one --
 * between a quote and a quote or a character at which libpq cuts a URL
 * ("ab", "et@h/db") -- so that ordinary words survive.
 */
static void hide_one(strbuf *text, const char *secret, int piece)
{
	size_t n = strlen(secret);
	strbuf out = STRBUF_INIT;
	const char *at = rt_strbuf_str(text), *hit;
	const char *start = at;
	while ((hit = strstr(at, secret))) {
		char before = hit > start ? hit[-1] : ' ', after = hit[n];
		int edge_b = quote_char(before) || (before && strchr("/?@:,&=#", before));
		int edge_a = quote_char(after) || (after && strchr("/?@:,&=#", after));
		int whole = (n >= 4 && !piece) || (edge_b && edge_a && (quote_char(before) || quote_char(after)));
		rt_strbuf_add(&out, at, (size_t)(hit - at) + (whole ? 0 : 1));
		if (whole)
			rt_strbuf_adds(&out, "***");
		at = whole ? hit + n : hit + 1;
	}
	rt_strbuf_adds(&out, at);
	rt_strbuf_reset(text);
	rt_strbuf_add(text, out.buf ? out.buf : "", out.len);
	rt_strbuf_release(&out);
}

static int longer_first(const void *a, const void *b)
{
	size_t x = strlen(*(char *const *)a), y = strlen(*(char *const *)b);
	return x < y ? 1 : x > y ? -1 : 0;
}

/*
 * See internal.h.  The secrets are those rt_url_mask hides, each as written
 * and as libpq reads it (%-decoded, unquoted), and for a user-info password
 * libpq does not read as one, its pieces; the longest go first, so a piece
 * never cuts a longer secret in two.
 */
void rt_url_hide_secrets(strbuf *text, const char *url)
{
	if (!url || !text->len)
		return;
	spans sp = { 0 };
	secret_spans(url, &sp);
	rt_strlist secrets = { 0 }, pieces = { 0 };
	for (size_t i = 0; i < sp.n; i++) {
		const span *s = &sp.v[i];
		add_secret(&secrets, rt_xstrndup(url + s->at, s->len));
		if (s->conninfo) {
			add_secret(&secrets, conninfo_unquote(url + s->at, s->len));
			continue;
		}
		if (s->userinfo) { /* libpq cuts before it decodes */
			char *raw = rt_xstrndup(url + s->at, s->len);
			add_pieces(&pieces, raw);
			free(raw);
		}
		add_secret(&secrets, percent_decode(url + s->at, s->len));
	}
	free(sp.v);
	if (secrets.n)
		qsort(secrets.v, secrets.n, sizeof(*secrets.v), longer_first);
	if (pieces.n)
		qsort(pieces.v, pieces.n, sizeof(*pieces.v), longer_first);
	for (size_t i = 0; i < secrets.n; i++)
		hide_one(text, secrets.v[i], 0);
	for (size_t i = 0; i < pieces.n; i++)
		hide_one(text, pieces.v[i], 1);
	rt_strlist_free(&secrets);
	rt_strlist_free(&pieces);
}

/*
 * See internal.h: the URL's user-info ends somewhere other than where
 * libpq ends it (the first '@' before the first '/'), or its password
 * holds a character libpq reads differently.
 */
const char *rt_url_password_hint(const char *url)
{
	const char *auth = url ? url_authority(url) : NULL;
	if (!auth)
		return NULL;
	const char *at = userinfo_end(auth);
	if (!at)
		return NULL;
	const char *slash = auth + strcspn(auth, "/");
	const char *first = memchr(auth, '@', (size_t)(slash - auth));
	if (first == at || !memchr(auth, ':', (size_t)(at - auth)))
		return NULL;
	return "the URL's password holds a character that ends it early for libpq ('/', '@' ...): percent-encode them in the URL (/ as %2F, @ as %40, ? as %3F, # as %23, : as %3A), or leave the password out of the URL and set PGPASSWORD or ~/.pgpass";
}
