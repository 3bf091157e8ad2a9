/*
 * split.c - split MySQL and MariaDB migration SQL into statements by the
 * rules of the mysql client, which is how such files are written and
 * tested: '...' and "..." strings with backslash escapes and doubled
 * quotes, `...` names, -- (followed by a space), # and block comments, and
 * DELIMITER lines that change the statement terminator, as mysqldump
 * writes procedures and triggers:
 *
 *   DELIMITER ;;
 *   CREATE TRIGGER t BEFORE INSERT ON x FOR EACH ROW BEGIN SET NEW.a = 1; END ;;
 *   DELIMITER ;
 *
 * Versioned comments ("slash-star-bang" 40101 ... , MariaDB's "slash-star-M-bang")
 * hold SQL the server runs, so a statement made only of one is kept, and a terminator
 * inside one does not end the statement.  The terminator itself is not
 * part of a statement's text (the server does not want it); DELIMITER
 * lines are the client's, and never reach the server.
 *
 * Each statement is also marked when the server commits around it
 * (autocommit: DDL and a few administrative statements), which the runner
 * needs to know: such a statement cannot be rolled back.
 */
#include "internal.h"
#include "dialect/dialect.h"
#include "dialect/mysql/mysql_internal.h"
#include "sqltext.h"

#include <ctype.h>
#include <string.h>
#include <strings.h>

/*
 * End of the string or quoted name starting at s[i] == q; backslash: a
 * backslash escapes the next character of a string (the server's default,
 * off under NO_BACKSLASH_ESCAPES).
 */
static size_t skip_quoted_as(const char *s, size_t len, size_t i, char q, int backslash)
{
	for (i++; i < len; i++) {
		if (backslash && s[i] == '\\' && q != '`') {
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

static size_t skip_quoted(const char *s, size_t len, size_t i, char q)
{
	return skip_quoted_as(s, len, i, q, 1);
}

/* Does "-- " start a comment at s[i]? MySQL wants a space or control character after it. */
static int dash_comment(const char *s, size_t len, size_t i)
{
	return i + 1 < len && s[i] == '-' && s[i + 1] == '-' &&
	       (i + 2 >= len || isspace((unsigned char)s[i + 2]) || iscntrl((unsigned char)s[i + 2]));
}

/* Is the block comment at s[i] a versioned one, whose text the server runs? */
static int versioned(const char *s, size_t len, size_t i)
{
	return (i + 2 < len && s[i + 2] == '!') ||
	       (i + 3 < len && (s[i + 2] == 'M' || s[i + 2] == 'm') && s[i + 3] == '!');
}

/*
 * If a comment starts at s[i], the index just past it (a block comment
 * ends at the first star-slash; an unterminated one runs to the end);
 * else i.  *code is set when it is a versioned comment.
 */
static size_t skip_comment(const char *s, size_t len, size_t i, int *code)
{
	*code = 0;
	if (s[i] == '#' || dash_comment(s, len, i)) {
		const char *nl = memchr(s + i, '\n', len - i);
		return nl ? (size_t)(nl - s) : len;
	}
	if (i + 1 < len && s[i] == '/' && s[i + 1] == '*') {
		*code = versioned(s, len, i);
		for (size_t j = i + 2; j + 1 < len; j++)
			if (s[j] == '*' && s[j + 1] == '/')
				return j + 2;
		return len;
	}
	return i;
}

/* Offset of the first character of [s, s+n) that is not blank or a plain comment; n if none. */
static size_t first_code(const char *s, size_t n)
{
	size_t i = 0;
	while (i < n) {
		if (isspace((unsigned char)s[i])) {
			i++;
			continue;
		}
		int code;
		size_t e = skip_comment(s, n, i, &code);
		if (e == i || code)
			return i;
		i = e;
	}
	return n;
}

/*
 * The first word of a statement, upper-cased; a leading versioned comment
 * is looked into (the CREATE of a mysqldump trigger is in one).  *at gets
 * the offset after it.
 */
static void first_word(const char *s, size_t n, char *w, size_t size, size_t *at)
{
	size_t i = first_code(s, n), k = 0;
	if (i + 1 < n && s[i] == '/' && s[i + 1] == '*') {
		i += 2;
		if (i < n && (s[i] == 'M' || s[i] == 'm'))
			i++;
		i++; /* '!' */
		while (i < n && isdigit((unsigned char)s[i]))
			i++;
		while (i < n && isspace((unsigned char)s[i]))
			i++;
	}
	while (i < n && (isalpha((unsigned char)s[i]) || s[i] == '_') && k + 1 < size)
		w[k++] = (char)toupper((unsigned char)s[i++]);
	w[k] = '\0';
	*at = i;
}

/*
 * Does the server commit the open transaction before and after this
 * statement (MySQL's "statements that cause an implicit commit")?  Data
 * definition, accounts and privileges, table locks and maintenance.
 * CREATE/DROP TEMPORARY TABLE do not.
 */
static int implicit_commit(const char *s, size_t n)
{
	static const char *const words[] = {
		"CREATE", "ALTER", "DROP", "RENAME", "TRUNCATE", "GRANT", "REVOKE",
		"LOCK", "UNLOCK", "ANALYZE", "OPTIMIZE", "REPAIR", "INSTALL",
		"UNINSTALL", "FLUSH", "CACHE", NULL
	};
	char w[16], w2[16];
	size_t at;
	first_word(s, n, w, sizeof(w), &at);
	int hit = 0;
	for (int i = 0; words[i] && !hit; i++)
		hit = !strcmp(w, words[i]);
	if (!hit) {
		if (!strcmp(w, "LOAD")) { /* LOAD INDEX INTO CACHE, not LOAD DATA */
			rt_sql_next_word(s, n, at, w2, sizeof(w2));
			return !strcmp(w2, "INDEX");
		}
		return 0;
	}
	if (!strcmp(w, "CREATE") || !strcmp(w, "DROP")) {
		rt_sql_next_word(s, n, at, w2, sizeof(w2));
		if (!strcmp(w2, "TEMPORARY"))
			return 0;
	}
	return 1;
}

/*
 * See mysql_internal.h.  The name is taken as written (`quoted`, or
 * db.name), which is how a DROP TEMPORARY TABLE names it again.
 */
int rt_my_temp_table(const char *s, size_t n, strbuf *name)
{
	char w[16];
	size_t at;
	first_word(s, n, w, sizeof(w), &at);
	if (strcmp(w, "CREATE"))
		return 0;
	at = rt_sql_next_word(s, n, at, w, sizeof(w));
	if (strcmp(w, "TEMPORARY"))
		return 0;
	at = rt_sql_next_word(s, n, at, w, sizeof(w));
	if (strcmp(w, "TABLE"))
		return 0;
	size_t after_if = rt_sql_next_word(s, n, at, w, sizeof(w));
	if (!strcmp(w, "IF")) { /* IF NOT EXISTS */
		at = rt_sql_next_word(s, n, after_if, w, sizeof(w));
		at = rt_sql_next_word(s, n, at, w, sizeof(w));
	}
	at += rt_sql_skip_blank(s + at, n - at);
	size_t start = at;
	for (;;) {
		if (at < n && s[at] == '`')
			at = skip_quoted(s, n, at, '`');
		else
			while (at < n && (isalnum((unsigned char)s[at]) || s[at] == '_' ||
					  s[at] == '$' || (unsigned char)s[at] >= 0x80))
				at++;
		if (at >= n || s[at] != '.')
			break;
		at++;
	}
	if (at == start)
		return 0;
	rt_strbuf_add(name, s + start, at - start);
	return 1;
}

/*
 * Is the statement a data change whose rows the server counts (INSERT,
 * REPLACE, UPDATE, DELETE, also after a WITH clause)?  After WITH, the
 * main statement's verb is the first of those words (or SELECT, TABLE,
 * VALUES) outside parentheses, strings, names and comments: the WITH
 * clause's bodies are all inside parentheses.
 */
static int changes_rows(const char *s, size_t n)
{
	static const char *const verbs[] = { "INSERT", "REPLACE", "UPDATE", "DELETE", NULL };
	static const char *const others[] = { "SELECT", "TABLE", "VALUES", NULL };
	char w[16];
	size_t i;
	first_word(s, n, w, sizeof(w), &i);
	for (int k = 0; verbs[k]; k++)
		if (!strcmp(w, verbs[k]))
			return 1;
	if (strcmp(w, "WITH"))
		return 0;
	int depth = 0;
	while (i < n) {
		int code;
		size_t e = skip_comment(s, n, i, &code);
		if (e != i) {
			i = e;
			continue;
		}
		char c = s[i];
		if (c == '\'' || c == '"' || c == '`') {
			i = skip_quoted(s, n, i, c);
			continue;
		}
		if (c == '(' || c == ')') {
			depth += c == '(' ? 1 : -1;
			i++;
			continue;
		}
		if (!isalpha((unsigned char)c) && c != '_') {
			i++;
			continue;
		}
		size_t k = 0;
		while (i < n && (isalnum((unsigned char)s[i]) || s[i] == '_' || s[i] == '$')) {
			if (k + 1 < sizeof(w))
				w[k++] = (char)toupper((unsigned char)s[i]);
			i++;
		}
		w[k] = '\0';
		if (depth)
			continue;
		for (int v = 0; verbs[v]; v++)
			if (!strcmp(w, verbs[v]))
				return 1;
		for (int v = 0; others[v]; v++)
			if (!strcmp(w, others[v]))
				return 0;
	}
	return 0;
}

/*
 * A DELIMITER command at s[i] (the start of a statement): its new
 * terminator into *delim (at most size - 1 bytes), and the index of the end
 * of its line; 0 when s[i] is no DELIMITER command.
 */
static size_t delimiter_command(const char *s, size_t len, size_t i, char *delim,
				size_t size)
{
	if (len - i < 10 || strncasecmp(s + i, "DELIMITER", 9) ||
	    !(s[i + 9] == ' ' || s[i + 9] == '\t'))
		return 0;
	size_t j = i + 9;
	while (j < len && (s[j] == ' ' || s[j] == '\t'))
		j++;
	size_t k = 0;
	while (j < len && !isspace((unsigned char)s[j]) && k + 1 < size)
		delim[k++] = s[j++];
	if (!k)
		return 0;
	delim[k] = '\0';
	const char *nl = memchr(s + j, '\n', len - j);
	return nl ? (size_t)(nl - s) : len;
}

typedef struct splitter {
	const char *sql;
	size_t len;
	sql_cursor pos;
	rt_stmtlist *out;
	size_t refused;         /* 1 + index of the first statement a migration must not hold, 0: none */
} splitter;

/*
 * Statements a migration must not hold: USE moves the session (and
 * retort's own tables, and every later migration) to another database,
 * and CREATE or DROP DATABASE acts on the server, which a replay into a
 * scratch database (autogenerate, check) would do for real there.  NULL
 * when s is none of them.
 */
static const char *refused(const char *s, size_t n)
{
	char w[16], w2[16];
	size_t at;
	first_word(s, n, w, sizeof(w), &at);
	if (!strcmp(w, "USE"))
		return "USE";
	if (strcmp(w, "CREATE") && strcmp(w, "DROP"))
		return NULL;
	rt_sql_next_word(s, n, at, w2, sizeof(w2));
	if (!strcmp(w2, "DATABASE"))
		return w[0] == 'C' ? "CREATE DATABASE" : "DROP DATABASE";
	if (!strcmp(w2, "SCHEMA"))
		return w[0] == 'C' ? "CREATE SCHEMA" : "DROP SCHEMA";
	return NULL;
}

/* Add [start, end) as a statement unless it holds no code. */
static void add(splitter *sp, size_t start, size_t end)
{
	const char *s = sp->sql + start;
	size_t n = end - start;
	size_t code = first_code(s, n);
	if (code == n)
		return;
	size_t lead = 0;
	while (lead < n && isspace((unsigned char)s[lead]))
		lead++;
	rt_sql_cursor_to(&sp->pos, start + lead);
	rt_stmtlist_push(sp->out, s + lead, n - lead, sp->pos.line, sp->pos.col);
	rt_stmt *st = &sp->out->v[sp->out->n - 1];
	/* The first token after # comments too, which the generic position skips not. */
	rt_stmt_position(st, code - lead, &st->line, &st->column);
	st->autocommit = implicit_commit(s, n);
	st->rows = changes_rows(s, n);
	/* SET (also in a versioned comment, as mysqldump writes it) and CREATE TEMPORARY TABLE change the session */
	char w[16];
	size_t at;
	first_word(s, n, w, sizeof(w), &at);
	st->session = !strcmp(w, "SET");
	if (!st->session && !strcmp(w, "CREATE")) { /* a temporary table outlives its migration */
		strbuf name = STRBUF_INIT;
		st->session = rt_my_temp_table(s, n, &name);
		rt_strbuf_release(&name);
	}
	if (!sp->refused && refused(s, n))
		sp->refused = sp->out->n;
}

/*
 * See dialect.h.  An unterminated string or comment runs to the end of
 * the section, for the server to reject; only the statements refused()
 * names fail here, before anything runs.
 */
static int split_as(const char *sql, size_t len, int first_line, const char *file,
		    rt_stmtlist *out, int backslash, rt_error *err)
{
	splitter sp = { .sql = sql, .len = len, .out = out };
	rt_sql_cursor_init(&sp.pos, sql, first_line);
	char delim[32] = ";";
	size_t dlen = 1, start = 0, i = 0;
	int blank = 1; /* nothing but blanks and comments since start */
	while (i < len) {
		char c = sql[i];
		if (isspace((unsigned char)c)) {
			i++;
			continue;
		}
		int code;
		size_t e = skip_comment(sql, len, i, &code);
		if (e != i) {
			blank &= !code;
			i = e;
			continue;
		}
		char nd[32];
		if (blank && (e = delimiter_command(sql, len, i, nd, sizeof(nd)))) {
			memcpy(delim, nd, sizeof(nd));
			dlen = strlen(delim);
			start = i = e;
			continue;
		}
		if (len - i >= dlen && !memcmp(sql + i, delim, dlen)) {
			add(&sp, start, i);
			start = i = i + dlen;
			blank = 1;
			continue;
		}
		blank = 0;
		if (c == '\'' || c == '"' || c == '`')
			i = skip_quoted_as(sql, len, i, c, backslash);
		else
			i++;
	}
	if (start < len)
		add(&sp, start, len);
	if (!sp.refused)
		return 0;
	const rt_stmt *st = &out->v[sp.refused - 1];
	const char *what = refused(st->sql, st->len);
	rt_fail_at(err, RT_ESCRIPT, file, st->line, "%s cannot be in a migration or a declared schema: %s",
		   what, !strcmp(what, "USE") ? "it moves the session, retort's own tables and every later migration to another database"
					     : "it acts on the whole server, and autogenerate and check replay migrations on a development server for real");
	err->column = st->column;
	rt_hint(err, !strcmp(what, "USE") ? "remove it and qualify names of other databases instead (otherdb.table); retort migrates the database of its URL"
					  : "create and drop databases outside migrations; retort migrates the database of its URL");
	return -1;
}

/* See mysql_internal.h: as the server reads strings by default. */
int rt_mysql_split(const char *sql, size_t len, int first_line,
		   const char *file, rt_stmtlist *out, rt_error *err)
{
	return split_as(sql, len, first_line, file, out, 1, err);
}

/* See mysql_internal.h: a backslash in a string is a plain character. */
int rt_mysql_split_no_backslash(const char *sql, size_t len, int first_line,
				const char *file, rt_stmtlist *out, rt_error *err)
{
	return split_as(sql, len, first_line, file, out, 0, err);
}
