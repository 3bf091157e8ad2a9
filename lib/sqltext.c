/*
 * sqltext.c - dialect-neutral helpers for SQL text (see sqltext.h).
 */
#include "sqltext.h"
#include "util/xalloc.h"

#include <ctype.h>
#include <sqlite3.h>
#include <stdlib.h>
#include <string.h>

/*
 * See sqltext.h.  Block comments do not nest here (PostgreSQL's do); an
 * unterminated one runs to the end.
 */
size_t rt_sql_skip_comment(const char *s, size_t len, size_t i)
{
	if (i + 1 < len && s[i] == '-' && s[i + 1] == '-') {
		while (i < len && s[i] != '\n')
			i++;
	} else if (i + 1 < len && s[i] == '/' && s[i + 1] == '*') {
		i += 2;
		while (i + 1 < len && !(s[i] == '*' && s[i + 1] == '/'))
			i++;
		i = i + 2 <= len ? i + 2 : len;
	}
	return i;
}

/* See sqltext.h; where a statement's reported position (its first token) is. */
size_t rt_sql_skip_blank(const char *s, size_t len)
{
	size_t i = 0;
	while (i < len) {
		size_t j = isspace((unsigned char)s[i]) ? i + 1 : rt_sql_skip_comment(s, len, i);
		if (j == i)
			break;
		i = j;
	}
	return i;
}

int rt_sql_is_blank(const char *s, size_t len)
{
	return rt_sql_skip_blank(s, len) == len;
}

/* See sqltext.h. */
size_t rt_sql_next_word(const char *s, size_t len, size_t i, char *out,
		     size_t size)
{
	i += rt_sql_skip_blank(s + i, len - i);
	size_t n = 0;
	while (i < len && (isalpha((unsigned char)s[i]) || s[i] == '_')) {
		if (n + 1 < size)
			out[n++] = (char)toupper((unsigned char)s[i]);
		i++;
	}
	if (size)
		out[n] = '\0';
	return i;
}

static const char *const reserved[] = {
	"all", "and", "as", "by", "check", "column", "constraint", "create",
	"default", "delete", "desc", "distinct", "drop", "from", "group",
	"in", "index", "insert", "into", "is", "join", "key", "limit", "not",
	"null", "on", "or", "order", "primary", "references", "select",
	"set", "table", "to", "union", "unique", "update", "user", "using",
	"values", "where", "with", NULL
};

/*
 * See sqltext.h.  A name is quoted when it is not plain lower case, when it
 * is one of SQLite's keywords (sqlite3_keyword_check: most of SQL's), or
 * one of a few more PostgreSQL reserves -- enough for the names retort
 * writes itself (its tables; the dialects quote schema objects their way).
 */
void rt_sql_ident(strbuf *sb, const char *name)
{
	int plain = (islower((unsigned char)name[0]) || name[0] == '_');
	for (const char *p = name; *p && plain; p++)
		plain = islower((unsigned char)*p) || isdigit((unsigned char)*p) ||
			*p == '_';
	for (int i = 0; plain && reserved[i]; i++)
		if (!strcmp(name, reserved[i]))
			plain = 0;
	if (plain && sqlite3_keyword_check(name, (int)strlen(name)))
		plain = 0;
	if (plain)
		rt_strbuf_adds(sb, name);
	else
		rt_sql_quote_ident(sb, name);
}

void rt_sql_quote_ident(strbuf *sb, const char *name)
{
	rt_strbuf_addc(sb, '"');
	for (const char *p = name; *p; p++) {
		if (*p == '"')
			rt_strbuf_addc(sb, '"');
		rt_strbuf_addc(sb, *p);
	}
	rt_strbuf_addc(sb, '"');
}

/* See sqltext.h; split at the first '.', so a part cannot itself hold one. */
void rt_sql_qualified(strbuf *sb, const char *name)
{
	const char *dot = strchr(name, '.');
	if (!dot) {
		rt_sql_ident(sb, name);
		return;
	}
	char *schema = rt_xstrndup(name, (size_t)(dot - name));
	rt_sql_ident(sb, schema);
	free(schema);
	rt_strbuf_addc(sb, '.');
	rt_sql_ident(sb, dot + 1);
}

/*
 * See sqltext.h.  Backslashes are copied as they are: right for SQLite,
 * and for PostgreSQL with standard_conforming_strings on (its default).
 */
void rt_sql_literal(strbuf *sb, const char *s)
{
	if (!s) {
		rt_strbuf_adds(sb, "NULL");
		return;
	}
	rt_strbuf_addc(sb, '\'');
	for (; *s; s++) {
		if (*s == '\'')
			rt_strbuf_addc(sb, '\'');
		rt_strbuf_addc(sb, *s);
	}
	rt_strbuf_addc(sb, '\'');
}

int rt_sql_count_lines(const char *s, size_t n)
{
	int lines = 0;
	for (size_t i = 0; i < n; i++)
		lines += s[i] == '\n';
	return lines;
}

void rt_sql_cursor_init(sql_cursor *c, const char *s, int first_line)
{
	c->s = s;
	c->off = 0;
	c->line = c->first_line = first_line;
	c->col = 1;
}

/* See sqltext.h.  Columns count bytes, not characters. */
void rt_sql_cursor_to(sql_cursor *c, size_t off)
{
	if (off < c->off)
		rt_sql_cursor_init(c, c->s, c->first_line);
	for (; c->off < off; c->off++) {
		if (c->s[c->off] == '\n') {
			c->line++;
			c->col = 1;
		} else {
			c->col++;
		}
	}
}

/*
 * See sqltext.h.  Scans from s each time: for many offsets in order use
 * an sql_cursor.  Columns count bytes, not characters.
 */
void rt_sql_position(const char *s, size_t off, int first_line, int *line,
		  int *col)
{
	int l = first_line, c = 1;
	for (size_t i = 0; i < off; i++) {
		if (s[i] == '\n') {
			l++;
			c = 1;
		} else {
			c++;
		}
	}
	*line = l;
	*col = c;
}
