/*
 * sqltext.h - small, dialect-neutral facts about SQL text: skipping
 * whitespace and comments, double-quoting identifiers and quoting
 * literals the standard way (each dialect decides where it uses them),
 * and the lexical rules a dialect describes itself with.
 */
#ifndef RT_SQLTEXT_H
#define RT_SQLTEXT_H

#include <stddef.h>
#include "util/strbuf.h"

/*
 * The lexical rules of a dialect's SQL that matter to placeholder
 * substitution (and anything else that must find where strings, quoted
 * names and comments start and end).  '...' strings with doubled quotes,
 * "..." names and -- comments are everyone's.
 */
typedef struct rt_lexrules {
	int nested_comments;   /* block comments nest (PostgreSQL) */
	int e_strings;         /* E'...' strings take backslash escapes (PostgreSQL) */
	int backslash_strings; /* every '...' and "..." string takes backslash escapes (MySQL) */
	int dollar_quotes;     /* $tag$ ... $tag$ bodies (PostgreSQL) */
	int backticks;         /* `name` (SQLite, MySQL) */
	int brackets;          /* [name] (SQLite) */
	int hash_comments;     /* # to the end of the line (MySQL) */
	int dash_space;        /* -- starts a comment only before a space or line end (MySQL) */
	/* A value as a string literal the database reads back as exactly it. */
	void (*quote_literal)(strbuf *sb, const char *s);
	/* A name as a quoted identifier, always quoted. */
	void (*quote_ident)(strbuf *sb, const char *name);
} rt_lexrules;

/* Offset of the first character after whitespace and comments. */
size_t rt_sql_skip_blank(const char *s, size_t len);
/* Index just past a -- or block comment starting at s[i], or i when none. */
size_t rt_sql_skip_comment(const char *s, size_t len, size_t i);
/* Nothing but whitespace and comments? */
int rt_sql_is_blank(const char *s, size_t len);
/*
 * The word (letters and '_') starting after whitespace and comments at or
 * after s[i], upper-cased into out (truncated to size - 1; "" when the
 * text there is not a word); returns the index just past it.
 */
size_t rt_sql_next_word(const char *s, size_t len, size_t i, char *out,
		     size_t size);
/* name always "double-quoted", quotes doubled. */
void rt_sql_quote_ident(strbuf *sb, const char *name);
/* 'single-quoted' with quotes doubled; NULL when s is NULL. */
void rt_sql_literal(strbuf *sb, const char *s);
/* Count newlines in [s, s+n). */
int rt_sql_count_lines(const char *s, size_t n);
/* Line and column (1-based) of offset off, counting from first_line. */
void rt_sql_position(const char *s, size_t off, int first_line, int *line,
		  int *col);

/*
 * Positions of offsets that only move forward, found in linear time: the
 * splitters and lint ask for every statement of a file in order, and
 * scanning from the start each time made a 500 KB schema take seconds.
 */
typedef struct sql_cursor {
	const char *s;
	size_t off;
	int line, col;
	int first_line;
} sql_cursor;

void rt_sql_cursor_init(sql_cursor *c, const char *s, int first_line);
/* Move to offset off (a smaller one restarts from the beginning). */
void rt_sql_cursor_to(sql_cursor *c, size_t off);

#endif
