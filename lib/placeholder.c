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
 *
 * ${name} pastes the value as SQL text; ${name:literal} and ${name:ident}
 * quote it as a string literal or an identifier, the dialect's way
 * (rt_lexrules.quote_literal, quote_ident), so a value can never end the
 * quotes around it.  A placeholder inside a protected region is
 * left alone, and reported when its name has a value (a mistake, most
 * likely: '${tenant}' is the text ${tenant}, not the tenant).
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

/*
 * See placeholder.h.  Comments start with -, / or #, everything else that
 * protected_region takes whole is quoted; code runs up to the next
 * region that is not.
 */
size_t rt_sql_region(const char *sql, size_t len, size_t i, const rt_lexrules *lx,
		     rt_sql_kind *kind)
{
	size_t n = protected_region(sql, len, i, lx);
	if (n) {
		*kind = sql[i] == '-' || sql[i] == '/' || sql[i] == '#' ? RT_SQL_COMMENT : RT_SQL_QUOTED;
		return n;
	}
	*kind = RT_SQL_CODE;
	size_t j = i + 1;
	while (j < len && !protected_region(sql, len, j, lx))
		j++;
	return j - i;
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

/* How a placeholder's value goes into the SQL. */
enum form { FORM_RAW, FORM_LITERAL, FORM_IDENT, FORM_BAD };

/*
 * A "${" found at sql[at]: the name is sql[at + 2 .. name_end), the
 * form after an optional ':' and close the offset of its '}' (0 when the
 * placeholder is malformed: no name, or no '}' right after it).
 */
typedef struct ph {
	size_t at, name_end, close;
	enum form form;
} ph;

/* Read the placeholder whose "${" is at sql[at] (see ph). */
static void read_placeholder(const char *sql, size_t len, size_t at, ph *p)
{
	size_t j = at + 2;
	while (j < len && name_char(sql[j], j == at + 2))
		j++;
	p->at = at;
	p->name_end = j;
	p->close = 0;
	p->form = FORM_RAW;
	if (j == at + 2)
		return;
	if (j < len && sql[j] == ':') {
		size_t w = ++j;
		while (j < len && isalpha((unsigned char)sql[j]))
			j++;
		p->form = j - w == 7 && !memcmp(sql + w, "literal", 7) ? FORM_LITERAL
			: j - w == 5 && !memcmp(sql + w, "ident", 5) ? FORM_IDENT
			: FORM_BAD;
	}
	if (j < len && sql[j] == '}')
		p->close = j;
}

/*
 * The next "${" at or after from outside the protected regions, read into
 * *p.  0 when there is none.
 */
static int next_placeholder(const char *sql, size_t len, const rt_lexrules *lx,
			    size_t from, ph *p)
{
	size_t i = from;
	while (i < len) {
		size_t skip = protected_region(sql, len, i, lx);
		if (skip) {
			i += skip;
			continue;
		}
		if (sql[i] == '$' && i + 1 < len && sql[i + 1] == '{') {
			read_placeholder(sql, len, i, p);
			return 1;
		}
		i++;
	}
	return 0;
}

/*
 * See placeholder.h.  A name is a letter or _, then letters, digits, _, .
 * and -.  ${name} pastes the value in verbatim (SQL text, not a quoted
 * literal); ${name:literal} and ${name:ident} quote it.  On error out
 * holds part of the copy.
 */
int rt_placeholders_apply(const rt_config *cfg, const char *sql, size_t len,
			  const rt_lexrules *lx, const char *file,
			  int first_line, strbuf *out, rt_error *err)
{
	size_t from = 0, copied = 0;
	ph p;
	rt_strbuf_grow(out, len);
	while (next_placeholder(sql, len, lx, from, &p)) {
		if (!p.close)
			return rt_fail_at(err, RT_ESCRIPT, file, line_of(sql, p.at, first_line),
					  "malformed placeholder: '${' must be followed by a name and '}'");
		char *name = rt_xstrndup(sql + p.at + 2, p.name_end - p.at - 2);
		const char *val = rt_config_placeholder(cfg, name);
		if (p.form == FORM_BAD || !val) {
			int line = line_of(sql, p.at, first_line);
			if (p.form == FORM_BAD) {
				rt_fail_at(err, RT_ESCRIPT, file, line,
					   "unknown placeholder form '%.*s'", (int)(p.close + 1 - p.at), sql + p.at);
				rt_hint(err, "write ${%s} (the value as SQL text), ${%s:literal} (as a quoted string) or ${%s:ident} (as a quoted name)",
					name, name, name);
			} else {
				rt_fail_at(err, RT_ESCRIPT, file, line,
					   "placeholder ${%s} is not defined", name);
				rt_hint(err, "give ${%s} a value, or set it in the [placeholders] section of retort.ini",
					name);
				rt_fix_with(err, RT_FIX_SET_PLACEHOLDER, name);
			}
			free(name);
			return -1;
		}
		free(name);
		rt_strbuf_add(out, sql + copied, p.at - copied);
		if (p.form == FORM_LITERAL)
			lx->quote_literal(out, val);
		else if (p.form == FORM_IDENT)
			lx->quote_ident(out, val);
		else
			rt_strbuf_adds(out, val);
		from = copied = p.close + 1;
	}
	rt_strbuf_add(out, sql + copied, len - copied);
	return 0;
}

/* What kind of protected region starts at s[i] (see protected_region). */
static const char *region_kind(const char *s, size_t i)
{
	switch (s[i]) {
	case '\'': return "a string literal";
	case '-': case '/': case '#': return "a comment";
	case '$': return "a dollar-quoted body";
	default: return "a quoted identifier";
	}
}

/*
 * See placeholder.h.  Each protected region is searched for well-formed
 * placeholders whose name has a value; one warning per placeholder.
 */
void rt_placeholders_warnings(const rt_config *cfg, const char *sql, size_t len,
			      const rt_lexrules *lx, const char *file,
			      int first_line, rt_strlist *out)
{
	int line = first_line;
	size_t counted = 0; /* line is that of sql[counted] */
	for (size_t i = 0; i < len;) {
		size_t skip = protected_region(sql, len, i, lx);
		if (!skip) {
			i++;
			continue;
		}
		for (size_t k = i; k + 1 < i + skip; k++) {
			if (sql[k] != '$' || sql[k + 1] != '{')
				continue;
			ph p;
			read_placeholder(sql, i + skip, k, &p);
			if (!p.close || p.form == FORM_BAD)
				continue;
			char *name = rt_xstrndup(sql + k + 2, p.name_end - k - 2);
			if (rt_config_placeholder(cfg, name)) {
				for (; counted < k; counted++)
					line += sql[counted] == '\n';
				char *w = rt_xasprintf("%s:%d: %.*s is inside %s, so it is not replaced (only placeholders in SQL code are)",
						       file, line, (int)(p.close + 1 - k), sql + k,
						       region_kind(sql, i));
				rt_strlist_push(out, w);
				free(w);
			}
			free(name);
		}
		i += skip;
	}
}

/*
 * See placeholder.h: "${name}" and "${name:ident}" become "__name_..."
 * (characters other than letters and digits as '_'), "${name:literal}" a
 * string literal '____', all of the same length, so positions stay put.
 */
void rt_placeholders_mask(const char *sql, size_t len, const rt_lexrules *lx,
			  strbuf *out)
{
	size_t from = 0, copied = 0;
	ph p;
	rt_strbuf_grow(out, len);
	while (next_placeholder(sql, len, lx, from, &p)) {
		if (!p.close || p.form == FORM_BAD) {
			from = p.at + 2;
			continue;
		}
		rt_strbuf_add(out, sql + copied, p.at - copied);
		if (p.form == FORM_LITERAL) {
			rt_strbuf_addc(out, '\'');
			for (size_t k = p.at + 1; k < p.close; k++)
				rt_strbuf_addc(out, '_');
			rt_strbuf_addc(out, '\'');
		} else {
			rt_strbuf_adds(out, "__");
			for (size_t k = p.at + 2; k < p.close; k++)
				rt_strbuf_addc(out, isalnum((unsigned char)sql[k]) ? sql[k] : '_');
			rt_strbuf_addc(out, '_');
		}
		from = copied = p.close + 1;
	}
	rt_strbuf_add(out, sql + copied, len - copied);
}
