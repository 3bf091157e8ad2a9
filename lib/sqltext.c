/*
 * sqltext.c - dialect-neutral helpers for SQL text (see sqltext.h).
 */
#include "sqltext.h"
#include "util/xalloc.h"

#include <ctype.h>
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
