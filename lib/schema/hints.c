/*
 * hints.c - rename hints in a declared schema.
 *
 * No catalog can tell a rename from a drop and an add, so the schema says
 * it: a comment "-- retort:renamed-from OLD" on the line of a column's
 * definition, or on the line of CREATE TABLE for the table itself:
 *
 *     CREATE TABLE accounts (          -- retort:renamed-from users
 *         id INTEGER PRIMARY KEY,
 *         full_name TEXT NOT NULL,     -- retort:renamed-from name
 *
 * The database reads the file, not retort; this only finds which CREATE
 * TABLE statement, and which element of its body, each hint comment sits
 * on, with a scanner that knows where names, strings and comments start
 * and end ("..", `..`, [..] names; '..', E'..', $tag$..$tag$ strings; --
 * and block comments).  The names found are marked on the model read from
 * the database (rt_sm_hints_mark); schema/diff.c turns the marks into
 * renames.
 */
#include "internal.h"
#include "schema/hints.h"

#include <ctype.h>
#include <stdint.h>
#include <string.h>
#include <strings.h>

#define HINT "retort:renamed-from"

/* A token of a statement: word, quoted name, string, comment or punctuation. */
typedef struct tok {
	const char *s;
	size_t n;
	int line;
	char kind; /* 'w' word, 'q' quoted name, 's' string, 'c' comment, 'p' punctuation */
} tok;

typedef struct toks {
	tok *v;
	size_t n;
} toks;

static int word_char(char c)
{
	return isalnum((unsigned char)c) || c == '_' || c == '$' || (unsigned char)c >= 0x80;
}

/* End of a quoted run at s[i] closed by q (doubled inside; backslashes escape when esc). */
static size_t quoted_end(const char *s, size_t len, size_t i, char q, int esc)
{
	for (i++; i < len; i++) {
		if (esc && s[i] == '\\') {
			i++;
		} else if (s[i] == q) {
			if (i + 1 < len && s[i + 1] == q && q != ']') {
				i++;
				continue;
			}
			return i + 1;
		}
	}
	return len;
}

/* End of a $tag$ ... $tag$ string at s[i], or 0 when s[i] starts none. */
static size_t dollar_end(const char *s, size_t len, size_t i)
{
	size_t j = i + 1;
	while (j < len && word_char(s[j]) && s[j] != '$')
		j++;
	if (j >= len || s[j] != '$' || (j > i + 1 && isdigit((unsigned char)s[i + 1])))
		return 0;
	size_t tl = j - i + 1;
	for (size_t k = j + 1; k + tl <= len; k++)
		if (!memcmp(s + k, s + i, tl))
			return k + tl;
	return len;
}

/* The kind and end of the token at s[i] (not a blank). */
static size_t token_end(const char *s, size_t len, size_t i, char *kind)
{
	char c = s[i];
	*kind = 'p';
	if (c == '-' && i + 1 < len && s[i + 1] == '-') {
		*kind = 'c';
		const char *nl = memchr(s + i, '\n', len - i);
		return nl ? (size_t)(nl - s) : len;
	}
	if (c == '/' && i + 1 < len && s[i + 1] == '*') {
		*kind = 'c';
		const char *e = NULL;
		for (size_t k = i + 2; k + 1 < len && !e; k++)
			if (s[k] == '*' && s[k + 1] == '/')
				e = s + k + 2;
		return e ? (size_t)(e - s) : len;
	}
	if (c == '\'') {
		*kind = 's';
		int esc = i > 0 && (s[i - 1] == 'E' || s[i - 1] == 'e');
		return quoted_end(s, len, i, '\'', esc);
	}
	if (c == '"' || c == '`') {
		*kind = 'q';
		return quoted_end(s, len, i, c, 0);
	}
	/* [name], unless it follows a name or ')' at once: int[] is a type, a[1] an element */
	if (c == '[' && !(i > 0 && (word_char(s[i - 1]) || strchr("\")]`", s[i - 1])))) {
		*kind = 'q';
		return quoted_end(s, len, i, ']', 0);
	}
	if (c == '$') {
		size_t e = dollar_end(s, len, i);
		if (e) {
			*kind = 's';
			return e;
		}
	}
	if (word_char(c)) {
		*kind = 'w';
		while (i < len && word_char(s[i]))
			i++;
		return i;
	}
	return i + 1;
}

static void tokenize(const char *s, size_t len, int line, toks *t)
{
	for (size_t i = 0; i < len;) {
		if (isspace((unsigned char)s[i])) {
			line += s[i++] == '\n';
			continue;
		}
		char kind;
		size_t e = token_end(s, len, i, &kind);
		t->v = rt_xrealloc(t->v, (t->n + 1) * sizeof(tok));
		t->v[t->n++] = (tok){ s + i, e - i, line, kind };
		for (size_t k = i; k < e; k++)
			line += s[k] == '\n';
		i = e;
	}
}

static int is_word(const tok *t, const char *w)
{
	return t->kind == 'w' && strlen(w) == t->n && !strncasecmp(t->s, w, t->n);
}

/* The name a word or quoted token stands for (quotes removed, doubled ones undone). */
static char *tok_name(const tok *t)
{
	if (t->kind != 'q')
		return rt_xstrndup(t->s, t->n);
	strbuf sb = STRBUF_INIT;
	char close = t->s[0] == '[' ? ']' : t->s[0];
	for (size_t i = 1; i + 1 < t->n; i++) {
		rt_strbuf_addc(&sb, t->s[i]);
		if (t->s[i] == close && close != ']' && i + 2 < t->n && t->s[i + 1] == close)
			i++;
	}
	return rt_strbuf_detach(&sb);
}

/* The OLD of a comment "-- retort:renamed-from OLD" (its last dotted part), or NULL. */
static char *hint_of(const tok *c)
{
	const char *s = c->s + 2, *end = c->s + c->n;
	if (c->s[0] == '/')
		end -= 2;
	while (s < end && isspace((unsigned char)*s))
		s++;
	if ((size_t)(end - s) <= strlen(HINT) || strncmp(s, HINT, strlen(HINT)) ||
	    !isspace((unsigned char)s[strlen(HINT)]))
		return NULL;
	s += strlen(HINT);
	toks t = { 0 };
	tokenize(s, (size_t)(end - s), 0, &t);
	char *name = NULL;
	for (size_t i = 0; i < t.n && (t.v[i].kind == 'w' || t.v[i].kind == 'q'); i += 2) {
		free(name);
		name = tok_name(&t.v[i]);
		if (i + 1 >= t.n || t.v[i + 1].kind != 'p' || t.v[i + 1].s[0] != '.')
			break;
	}
	free(t.v);
	return name;
}

/* Words that start a table constraint rather than a column. */
static int constraint_word(const tok *t)
{
	static const char *const w[] = { "CONSTRAINT", "PRIMARY", "UNIQUE", "CHECK", "FOREIGN",
					 "EXCLUDE", "LIKE", "INDEX", "KEY", "FULLTEXT", "SPATIAL", NULL };
	for (int i = 0; w[i]; i++)
		if (is_word(t, w[i]))
			return 1;
	return 0;
}

/* Index of the table name after CREATE [GLOBAL|LOCAL] [TEMP|UNLOGGED] TABLE [IF NOT EXISTS], or n. */
static size_t table_name_at(const toks *t)
{
	static const char *const skip[] = { "GLOBAL", "LOCAL", "TEMP", "TEMPORARY", "UNLOGGED", NULL };
	size_t i = 0;
	while (i < t->n && t->v[i].kind == 'c')
		i++;
	if (i >= t->n || !is_word(&t->v[i], "CREATE"))
		return t->n;
	for (i++; i < t->n;) {
		int k = 0;
		while (skip[k] && !is_word(&t->v[i], skip[k]))
			k++;
		if (!skip[k])
			break;
		i++;
	}
	if (i >= t->n || !is_word(&t->v[i], "TABLE"))
		return t->n;
	i++;
	if (i + 2 < t->n && is_word(&t->v[i], "IF") && is_word(&t->v[i + 1], "NOT") &&
	    is_word(&t->v[i + 2], "EXISTS"))
		i += 3;
	return i < t->n && (t->v[i].kind == 'w' || t->v[i].kind == 'q') ? i : t->n;
}

static void add_hint(sm_hints *h, char *schema, const char *table, const char *column,
		     char *old, int line)
{
	h->v = rt_xrealloc(h->v, (h->n + 1) * sizeof(sm_hint));
	h->v[h->n++] = (sm_hint){ schema, rt_xstrdup(table), column ? rt_xstrdup(column) : NULL, old,
				  line };
}

/* Does s[0..len) contain needle? */
static int contains(const char *s, size_t len, const char *needle)
{
	size_t n = strlen(needle);
	for (size_t i = 0; i + n <= len; i++)
		if (!memcmp(s + i, needle, n))
			return 1;
	return 0;
}

static int is_punct(const tok *t, char c)
{
	return t->kind == 'p' && t->s[0] == c;
}

/* An element of a CREATE TABLE body: its first and last tokens. */
typedef struct el {
	size_t first, last;
} el;

/* The elements of the body starting at t[open] (a '('), up to its ')'. */
static el *body_elements(const tok *t, size_t end, size_t open, size_t *n)
{
	el *v = NULL;
	*n = 0;
	int depth = 0;
	size_t first = SIZE_MAX, last = 0;
	for (size_t k = open; k < end; k++) {
		const tok *x = &t[k];
		if (is_punct(x, '(') && depth++ == 0)
			continue;
		if ((is_punct(x, ',') && depth == 1) || (is_punct(x, ')') && depth == 1)) {
			if (first != SIZE_MAX) {
				v = rt_xrealloc(v, (*n + 1) * sizeof(el));
				v[(*n)++] = (el){ first, last };
			}
			first = SIZE_MAX;
			if (is_punct(x, ')'))
				break;
			continue;
		}
		if (is_punct(x, ')'))
			depth--;
		if (x->kind == 'c')
			continue;
		if (first == SIZE_MAX)
			first = k;
		last = k;
	}
	return v;
}

/*
 * The hints of one CREATE TABLE statement, tokens [0, end) with the
 * comments after it on its last line: on the line of CREATE (or of the
 * table's name) for the table; else on the line where a column's
 * definition starts (the last one before the comment, when several
 * start on it), or one its definition spans.
 */
static void statement_hints(const tok *t, size_t end, size_t at, sm_hints *h,
			    rt_strlist *stray, const char *file)
{
	char *schema = NULL, *table = tok_name(&t[at]);
	size_t i = at;
	while (i + 2 < end && is_punct(&t[i + 1], '.') && (t[i + 2].kind == 'w' || t[i + 2].kind == 'q')) {
		free(schema);
		schema = table;
		table = tok_name(&t[i + 2]);
		i += 2;
	}
	i++;
	size_t nels = 0;
	el *els = i < end && is_punct(&t[i], '(') ? body_elements(t, end, i, &nels) : NULL;
	int create_line = t[0].line, name_line = t[at].line;
	for (size_t k = 0; k < end; k++) {
		char *old = t[k].kind == 'c' ? hint_of(&t[k]) : NULL;
		if (!old)
			continue;
		int line = t[k].line;
		const el *on = NULL;
		/* several on the line: the last one that starts before the comment, which follows it */
		for (size_t e = 0; e < nels; e++)
			if (t[els[e].first].line == line && els[e].first < k)
				on = &els[e];
		for (size_t e = 0; e < nels && !on; e++)
			if (t[els[e].first].line < line && t[els[e].last].line >= line)
				on = &els[e];
		if (line == create_line || line == name_line) {
			add_hint(h, schema ? rt_xstrdup(schema) : NULL, table, NULL, old, line);
		} else if (on && !constraint_word(&t[on->first]) &&
			   (t[on->first].kind == 'w' || t[on->first].kind == 'q')) {
			char *col = tok_name(&t[on->first]);
			add_hint(h, schema ? rt_xstrdup(schema) : NULL, table, col, old, line);
			free(col);
		} else {
			char *m = rt_xasprintf("%s:%d: '-- %s %s' is on neither a column's line nor a CREATE "
					       "TABLE line, so it renames nothing", file, line, HINT, old);
			rt_strlist_push(stray, m);
			free(m);
			free(old);
		}
	}
	free(els);
	free(schema);
	free(table);
}

/* A hint comment outside any CREATE TABLE: said so. */
static void stray_hint(const tok *c, rt_strlist *stray, const char *file)
{
	char *old = hint_of(c);
	if (!old)
		return;
	char *m = rt_xasprintf("%s:%d: '-- %s %s' is not in a CREATE TABLE statement, so it renames "
			       "nothing", file, c->line, HINT, old);
	rt_strlist_push(stray, m);
	free(m);
	free(old);
}

/* See hints.h. */
void rt_sm_hints_read(const char *sql, size_t len, const char *file, sm_hints *out,
		      rt_strlist *stray)
{
	memset(out, 0, sizeof(*out));
	if (!contains(sql, len, HINT))
		return; /* the common case: nothing to find */
	toks t = { 0 };
	tokenize(sql, len, 1, &t);
	for (size_t start = 0; start < t.n;) {
		/* the statement: up to its ';' at depth 0, and the comments on that line */
		size_t end = start;
		int depth = 0;
		while (end < t.n && !(is_punct(&t.v[end], ';') && depth == 0)) {
			depth += is_punct(&t.v[end], '(') - is_punct(&t.v[end], ')');
			end++;
		}
		size_t next = end < t.n ? end + 1 : end;
		while (next < t.n && t.v[next].kind == 'c' && t.v[next].line == t.v[end < t.n ? end : t.n - 1].line)
			next++;
		size_t first = start;
		while (first < end && t.v[first].kind == 'c')
			stray_hint(&t.v[first++], stray, file);
		toks one = { t.v + first, next - first };
		size_t at = table_name_at(&one);
		if (at < one.n)
			statement_hints(one.v, one.n, at, out, stray, file);
		else
			for (size_t k = first; k < next; k++)
				if (t.v[k].kind == 'c')
					stray_hint(&t.v[k], stray, file);
		start = next;
	}
	free(t.v);
}

void rt_sm_hints_free(sm_hints *h)
{
	for (size_t i = 0; i < h->n; i++) {
		free(h->v[i].schema);
		free(h->v[i].table);
		free(h->v[i].column);
		free(h->v[i].old);
	}
	free(h->v);
	memset(h, 0, sizeof(*h));
}

/* See hints.h. */
void rt_sm_hints_mark(sm_schema *s, const sm_hints *h, const char *file, rt_strlist *stray)
{
	for (size_t i = 0; i < h->n; i++) {
		const sm_hint *x = &h->v[i];
		sm_table *t = rt_sm_find_table_ci(s, x->schema, x->table);
		sm_column *c = t && x->column ? rt_sm_find_column_ci(t, x->column) : NULL;
		char **slot = c ? &c->renamed_from : t && !x->column ? &t->renamed_from : NULL;
		if (!slot) {
			char *m = rt_xasprintf("%s:%d: '-- %s %s': the schema has no %s %s%s%s, so it renames nothing",
					       file, x->line, HINT, x->old, x->column ? "column" : "table",
					       x->table, x->column ? "." : "", x->column ? x->column : "");
			rt_strlist_push(stray, m);
			free(m);
			continue;
		}
		free(*slot);
		*slot = rt_xstrdup(x->old);
	}
}
