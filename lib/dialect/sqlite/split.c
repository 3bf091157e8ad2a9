/*
 * split.c - split SQLite migration SQL into statements with SQLite's own
 * tokenizer.
 *
 * sqlite3_complete() knows SQLite's quoting, comments and the
 * CREATE TRIGGER ... BEGIN ... END rule, so a candidate ending at a ';'
 * is a statement exactly when SQLite says it is complete.  No naive ';'
 * search: semicolons inside strings, identifiers, comments and trigger
 * bodies stay where they are.
 */
#include "internal.h"
#include "dialect/dialect.h"
#include "dialect/sqlite/sqlite_internal.h"
#include "sqltext.h"

#include <sqlite3.h>
#include <string.h>

/*
 * May the statement change the connection for the statements after it
 * (lib/session.c)?  PRAGMA, ATTACH and DETACH, and a CREATE of something
 * temporary: TEMP or TEMPORARY, or a name in schema temp, both before the
 * object's body.  Nothing else can: no trigger or view runs a PRAGMA.
 */
static int changes_session(const char *s, size_t n)
{
	char w[16];
	rt_sql_next_word(s, n, 0, w, sizeof(w));
	if (!strcmp(w, "PRAGMA") || !strcmp(w, "ATTACH") || !strcmp(w, "DETACH"))
		return 1;
	if (strcmp(w, "CREATE"))
		return 0;
	sq_tokens t = { 0 };
	rt_sq_tokenize(s, n < 400 ? n : 400, &t);
	int yes = 0;
	for (size_t i = 1; i < t.n && i < 16 && !yes; i++) {
		const sq_token *k = &t.v[i];
		if (rt_sq_punct(k, "(") || rt_sq_is(k, "AS") || rt_sq_is(k, "ON") ||
		    rt_sq_is(k, "BEGIN"))
			break;
		yes = rt_sq_is(k, "TEMP") || rt_sq_is(k, "TEMPORARY") ||
		      (rt_sq_names(k, "temp") && i + 1 < t.n && rt_sq_punct(&t.v[i + 1], "."));
	}
	rt_sq_tokens_free(&t);
	return yes;
}

/*
 * Is the statement a data change whose rows SQLite counts (an INSERT,
 * REPLACE, UPDATE or DELETE, also after a WITH clause)?  Its verb is the
 * first of those words outside parentheses: a WITH clause's bodies are
 * all inside them.
 */
static int changes_rows(const char *s, size_t n)
{
	static const char *const verbs[] = { "INSERT", "REPLACE", "UPDATE", "DELETE", NULL };
	static const char *const others[] = { "SELECT", "VALUES", NULL };
	char w[16];
	rt_sql_next_word(s, n, 0, w, sizeof(w));
	for (int i = 0; verbs[i]; i++)
		if (!strcmp(w, verbs[i]))
			return 1;
	if (strcmp(w, "WITH"))
		return 0;
	sq_tokens t = { 0 };
	rt_sq_tokenize(s, n, &t);
	int yes = 0, found = 0;
	for (size_t i = 1; i < t.n && !found; i++) {
		if (t.v[i].depth || t.v[i].kind != SQ_WORD)
			continue;
		for (int j = 0; verbs[j] && !found; j++)
			found = yes = rt_sq_is(&t.v[i], verbs[j]);
		for (int j = 0; others[j] && !found; j++)
			found = rt_sq_is(&t.v[i], others[j]);
	}
	rt_sq_tokens_free(&t);
	return yes;
}

/*
 * Add [s, s+n) unless it is only whitespace and comments, or an empty
 * statement (a stray ';', which SQLite would prepare to nothing).
 */
static void add_stmt(rt_stmtlist *out, sql_cursor *pos, const char *s,
		     size_t n)
{
	size_t body = n && s[n - 1] == ';' ? n - 1 : n;
	if (rt_sql_is_blank(s, body))
		return;
	size_t lead = 0;
	while (lead < n && (s[lead] == ' ' || s[lead] == '\t' ||
			    s[lead] == '\n' || s[lead] == '\r'))
		lead++;
	rt_sql_cursor_to(pos, (size_t)(s + lead - pos->s));
	rt_stmtlist_push(out, s + lead, n - lead, pos->line, pos->col);
	out->v[out->n - 1].session = changes_session(s + lead, n - lead);
	out->v[out->n - 1].rows = changes_rows(s + lead, n - lead);
}

/*
 * A byte SQLite's tokenizer cannot start a token with (TK_ILLEGAL, or the
 * NUL that ends the text): control characters but white space, and
 * \ ] ^ { } DEL.  Outside a quote or comment SQLite fails the statement
 * there, quoting it, before a quote opened after it could matter.
 */
static int illegal(char ch)
{
	unsigned char c = (unsigned char)ch;
	return (c < 0x20 && c != '\t' && c != '\n' && c != '\f' && c != '\r') ||
	       c == 0x7f || c == '\\' || c == ']' || c == '^' || c == '{' || c == '}';
}

/*
 * Where the text ends inside a quote or a block comment that is never
 * closed: the offset of its opening and what it is; -1 when it ends
 * outside.  SQLite's own rules: '' inside a string, [ ] and ` ` quote
 * names, -- runs to the end of the line (ending there is fine); an illegal
 * byte outside them ends the scan (-1), as it ends SQLite's.
 */
static long open_at_end(const char *s, size_t n, const char **what)
{
	size_t i = 0;
	while (i < n) {
		char c = s[i];
		const char *close = c == '\'' ? "'" : c == '"' ? "\"" : c == '`' ? "`" : c == '[' ? "]" : NULL;
		if (c == '-' && i + 1 < n && s[i + 1] == '-') {
			while (i < n && s[i] != '\n')
				i++;
			continue;
		}
		if (c == '/' && i + 1 < n && s[i + 1] == '*') {
			size_t at = i;
			for (i += 2; i + 1 < n && !(s[i] == '*' && s[i + 1] == '/'); i++)
				;
			if (i + 1 >= n) {
				*what = "/* comment";
				return (long)at;
			}
			i += 2;
			continue;
		}
		if (!close && illegal(c))
			return -1; /* SQLite stops here and names the token itself */
		if (!close) {
			i++;
			continue;
		}
		size_t at = i++;
		for (;;) {
			while (i < n && s[i] != *close)
				i++;
			if (i >= n) {
				*what = c == '\'' ? "string literal" : "quoted name";
				return (long)at;
			}
			i++;
			if (c == '[' || i >= n || s[i] != *close)
				break;
			i++; /* a doubled quote stands for itself */
		}
	}
	return -1;
}

/*
 * See dialect.h.  Each ';' ends a candidate, copied from the statement's
 * start because sqlite3_complete wants a NUL-terminated string, that is a
 * statement once sqlite3_complete says so.  Text after the last complete
 * statement becomes a statement too, for SQLite to reject when it runs.
 * Text that ends inside a quote or a block comment never closed is
 * refused: what retort prints after a section would end up inside it.
 */
int rt_sqlite_split(const char *sql, size_t len, int first_line,
		    const char *file, rt_stmtlist *out, rt_error *err)
{
	const char *what;
	long open = open_at_end(sql, len, &what);
	if (open >= 0) {
		int line, col;
		rt_sql_position(sql, (size_t)open, first_line, &line, &col);
		rt_fail_at(err, RT_ESCRIPT, file, line, "this %s is never closed: the text ends inside it",
			   what);
		err->column = col;
		rt_hint(err, "close it or remove it: what follows it would be read as part of it (in --sql output, the ';' and the statements retort adds too); nothing was run");
		return -1;
	}
	strbuf cand = STRBUF_INIT;
	sql_cursor cur;
	rt_sql_cursor_init(&cur, sql, first_line);
	size_t start = 0, pos = 0;
	while (pos < len) {
		const char *semi = memchr(sql + pos, ';', len - pos);
		if (!semi)
			break;
		size_t end = (size_t)(semi - sql) + 1;
		rt_strbuf_reset(&cand);
		rt_strbuf_add(&cand, sql + start, end - start);
		if (sqlite3_complete(cand.buf)) {
			add_stmt(out, &cur, sql + start, end - start);
			start = end;
		}
		pos = end;
	}
	if (start < len)
		add_stmt(out, &cur, sql + start, len - start);
	rt_strbuf_release(&cand);
	return 0;
}
