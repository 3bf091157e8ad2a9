/*
 * placeholder.c - replace ${name} in migration SQL (see placeholder.h).
 *
 * A small scanner finds the regions where a placeholder must not be
 * touched, by the lexical rules the dialect gives (rt_lexrules): '...'
 * strings, "..." identifiers, -- and block comments everywhere; on
 * PostgreSQL also E'...' strings with backslash escapes, nested block
 * comments and $tag$...$tag$ bodies; on SQLite [...] and `...`
 * identifiers, and block comments that end at the first star-slash (they
 * do not nest there); on MySQL `...` identifiers, # comments, and
 * backslash escapes in every string.  A ${ cannot start a dollar-quote
 * tag (tags are identifiers), so the two never collide.
 */
#include "internal.h"
#include "placeholder.h"

#include <ctype.h>
#include <string.h>

/* End of a quoted region starting at s[i] == q, with doubled-quote escapes. */
static size_t skip_quoted(const char *s, size_t len, size_t i, char q,
			  int backslash)
{
	for (i++; i < len; i++) {
		if (backslash && s[i] == '\\') {
			i++;
			continue;
		}
		if (s[i] == q) {
			if (i + 1 < len && s[i + 1] == q) {
				i++;
				continue;
			}
			return i + 1;
		}
	}
	return len;
}

/*
 * End of the block comment at s[i]: nested ones counted as PostgreSQL
 * counts them, or (elsewhere) at the first star-slash.  An unterminated
 * one runs to the end.
 */
static size_t skip_block_comment(const char *s, size_t len, size_t i, int nested)
{
	int depth = 0;
	while (i < len) {
		if (i + 1 < len && s[i] == '/' && s[i + 1] == '*' && (nested || !depth)) {
			depth++;
			i += 2;
		} else if (i + 1 < len && s[i] == '*' && s[i + 1] == '/') {
			i += 2;
			if (--depth == 0)
				return i;
		} else {
			i++;
		}
	}
	return len;
}

/*
 * Can c continue a PostgreSQL identifier (or a dollar-quote tag, dollar
 * signs aside)?  Bytes of 0x80 and up are identifier characters there.
 */
static int pg_ident_char(char c)
{
	return isalnum((unsigned char)c) || c == '_' || (unsigned char)c >= 0x80;
}

/* If s[i] starts a $tag$ (or $$), return the end of the body, else 0. */
static size_t skip_dollar(const char *s, size_t len, size_t i)
{
	size_t j = i + 1;
	if (j < len && !isdigit((unsigned char)s[j]) && pg_ident_char(s[j]))
		while (j < len && pg_ident_char(s[j]))
			j++;
	if (j >= len || s[j] != '$')
		return 0;
	if (i > 0 && (pg_ident_char(s[i - 1]) || s[i - 1] == '$'))
		return 0; /* $1-style parameter or part of an identifier */
	size_t tlen = j - i + 1;
	for (size_t k = j + 1; k + tlen <= len; k++)
		if (s[k] == '$' && !memcmp(s + k, s + i, tlen))
			return k + tlen;
	return len;
}

/* Length of the line comment at s[i] (up to the newline). */
static size_t line_comment(const char *s, size_t len, size_t i)
{
	const char *nl = memchr(s + i, '\n', len - i);
	return (nl ? (size_t)(nl - s) : len) - i;
}

/*
 * Length of the region at s[i] that must be copied untouched (0: none),
 * by the dialect's lexical rules.
 */
static size_t protected_region(const char *s, size_t len, size_t i,
			       const rt_lexrules *lx)
{
	char c = s[i];
	if (c == '\'') {
		int esc = lx->backslash_strings ||
			  (lx->e_strings && i > 0 && (s[i - 1] == 'E' || s[i - 1] == 'e') &&
			   (i < 2 || !(pg_ident_char(s[i - 2]) || s[i - 2] == '$')));
		return skip_quoted(s, len, i, '\'', esc) - i;
	}
	if (c == '"' || (c == '`' && lx->backticks))
		return skip_quoted(s, len, i, c, c == '"' && lx->backslash_strings) - i;
	if (c == '[' && lx->brackets) {
		const char *end = memchr(s + i, ']', len - i);
		return (end ? (size_t)(end - s) + 1 : len) - i;
	}
	if (c == '-' && i + 1 < len && s[i + 1] == '-' &&
	    (!lx->dash_space || i + 2 >= len || isspace((unsigned char)s[i + 2])))
		return line_comment(s, len, i);
	if (c == '#' && lx->hash_comments)
		return line_comment(s, len, i);
	if (c == '/' && i + 1 < len && s[i + 1] == '*')
		return skip_block_comment(s, len, i, lx->nested_comments) - i;
	if (c == '$' && lx->dollar_quotes) {
		size_t end = skip_dollar(s, len, i);
		return end ? end - i : 0;
	}
	return 0;
}

/* The line of sql[i], first_line being that of sql[0] (for errors only). */
static int line_of(const char *sql, size_t i, int first_line)
{
	int line = first_line;
	for (size_t k = 0; k < i; k++)
		line += sql[k] == '\n';
	return line;
}

static int name_char(char c, int first)
{
	return isalpha((unsigned char)c) || c == '_' ||
	       (!first && (isdigit((unsigned char)c) || c == '.' || c == '-'));
}

/*
 * The next "${" at or after *at outside the protected regions: its offset
 * in *at, and in *end where the name after it stops (a placeholder is
 * well formed when that is a '}' after at least one character).  0 when
 * there is none.
 */
static int next_placeholder(const char *sql, size_t len, const rt_lexrules *lx,
			    size_t *at, size_t *end)
{
	size_t i = *at;
	while (i < len) {
		size_t skip = protected_region(sql, len, i, lx);
		if (skip) {
			i += skip;
			continue;
		}
		if (sql[i] == '$' && i + 1 < len && sql[i + 1] == '{') {
			size_t j = i + 2;
			while (j < len && name_char(sql[j], j == i + 2))
				j++;
			*at = i;
			*end = j;
			return 1;
		}
		i++;
	}
	return 0;
}

static int well_formed(const char *sql, size_t len, size_t at, size_t end)
{
	return end > at + 2 && end < len && sql[end] == '}';
}

/*
 * See placeholder.h.  A name is a letter or _, then letters, digits, _, .
 * and -; its value goes in verbatim (SQL text, not a quoted literal).  On
 * error out holds part of the copy.
 */
int rt_placeholders_apply(const rt_config *cfg, const char *sql, size_t len,
			  const rt_lexrules *lx, const char *file,
			  int first_line, strbuf *out, rt_error *err)
{
	size_t at = 0, end, copied = 0;
	rt_strbuf_grow(out, len);
	while (next_placeholder(sql, len, lx, &at, &end)) {
		if (!well_formed(sql, len, at, end))
			return rt_fail_at(err, RT_ESCRIPT, file, line_of(sql, at, first_line),
					  "malformed placeholder: '${' must be followed by a name and '}'");
		char *name = rt_xstrndup(sql + at + 2, end - at - 2);
		const char *val = rt_config_placeholder(cfg, name);
		if (!val) {
			rt_fail_at(err, RT_ESCRIPT, file, line_of(sql, at, first_line),
				   "placeholder ${%s} is not defined", name);
			rt_hint(err, "pass -x %s=VALUE, or set it in the [placeholders] section of retort.ini",
				name);
			free(name);
			return -1;
		}
		free(name);
		rt_strbuf_add(out, sql + copied, at - copied);
		rt_strbuf_adds(out, val);
		at = copied = end + 1;
	}
	rt_strbuf_add(out, sql + copied, len - copied);
	return 0;
}

/*
 * See placeholder.h: "${name}" becomes "__name_" (characters other than
 * letters and digits as '_'), the same length, so positions stay put.
 */
void rt_placeholders_mask(const char *sql, size_t len, const rt_lexrules *lx,
			  strbuf *out)
{
	size_t at = 0, end, copied = 0;
	rt_strbuf_grow(out, len);
	while (next_placeholder(sql, len, lx, &at, &end)) {
		if (!well_formed(sql, len, at, end)) {
			at += 2;
			continue;
		}
		rt_strbuf_add(out, sql + copied, at - copied);
		rt_strbuf_adds(out, "__");
		for (size_t k = at + 2; k < end; k++)
			rt_strbuf_addc(out, isalnum((unsigned char)sql[k]) ? sql[k] : '_');
		rt_strbuf_addc(out, '_');
		at = copied = end + 1;
	}
	rt_strbuf_add(out, sql + copied, len - copied);
}
