/*
 * sqtext.c - SQLite's lexical rules for the schema work (see
 * sqlite_internal.h): tokens, canonical text, identifier quoting, and the
 * elements of a CREATE TABLE body.
 *
 * The catalog (sqlite_schema and the PRAGMAs) is the source of truth.
 * Tokens serve only what the catalog leaves in the CREATE text: to compare
 * two texts without tripping over whitespace, comments and keyword case,
 * and to find the few clauses no PRAGMA reports.
 */
#include "internal.h"
#include "dialect/sqlite/sqlite_internal.h"
#include "schema/model.h"
#include "sqltext.h"

#include <ctype.h>
#include <sqlite3.h>
#include <string.h>
#include <strings.h>

static int is_space(char c)
{
	return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f';
}

/* SQLite's identifier characters: letters, digits, _, $ and non-ASCII. */
static int is_idchar(char c)
{
	return isalnum((unsigned char)c) || c == '_' || c == '$' ||
	       (unsigned char)c >= 0x80;
}

/* End of a quoted run starting at s[i] (the quote), doubled quotes inside. */
static size_t quoted_end(const char *s, size_t len, size_t i, char close)
{
	i++;
	while (i < len) {
		if (s[i] == close) {
			if (close != ']' && i + 1 < len && s[i + 1] == close) {
				i += 2;
				continue;
			}
			return i + 1;
		}
		i++;
	}
	return len;
}

/* End of a number starting at s[i] (decimal, exponent, or 0x hex). */
static size_t number_end(const char *s, size_t len, size_t i)
{
	if (s[i] == '0' && i + 1 < len && (s[i + 1] == 'x' || s[i + 1] == 'X')) {
		i += 2;
		while (i < len && isxdigit((unsigned char)s[i]))
			i++;
		return i;
	}
	while (i < len && (isdigit((unsigned char)s[i]) || s[i] == '.'))
		i++;
	if (i < len && (s[i] == 'e' || s[i] == 'E')) {
		size_t j = i + 1;
		if (j < len && (s[j] == '+' || s[j] == '-'))
			j++;
		if (j < len && isdigit((unsigned char)s[j])) {
			i = j;
			while (i < len && isdigit((unsigned char)s[i]))
				i++;
		}
	}
	while (i < len && is_idchar(s[i])) /* SQLite rejects these; keep them whole */
		i++;
	return i;
}

/* Length of the operator at s[i]: the two- and three-character ones first. */
static size_t punct_len(const char *s, size_t len, size_t i)
{
	static const char *const ops[] = { "->>", "||", "<=", ">=", "<>", "!=",
					   "==", "<<", ">>", "->", NULL };
	for (int k = 0; ops[k]; k++) {
		size_t n = strlen(ops[k]);
		if (i + n <= len && !memcmp(s + i, ops[k], n))
			return n;
	}
	return 1;
}

/* Where a comment or whitespace run starting at s[i] ends (i if none). */
static size_t blank_end(const char *s, size_t len, size_t i)
{
	if (is_space(s[i]))
		return i + 1;
	if (s[i] == '-' && i + 1 < len && s[i + 1] == '-') {
		while (i < len && s[i] != '\n')
			i++;
		return i;
	}
	if (s[i] == '/' && i + 1 < len && s[i + 1] == '*') {
		const char *e = NULL;
		for (size_t j = i + 2; j + 1 < len && !e; j++)
			if (s[j] == '*' && s[j + 1] == '/')
				e = s + j + 2;
		return e ? (size_t)(e - s) : len;
	}
	return i;
}

/* The token at s[i] (not blank): its kind and end. */
static size_t token_end(const char *s, size_t len, size_t i, sq_kind *kind)
{
	char c = s[i];
	if ((c == 'x' || c == 'X') && i + 1 < len && s[i + 1] == '\'') {
		*kind = SQ_BLOB;
		return quoted_end(s, len, i + 1, '\'');
	}
	if (c == '\'') {
		*kind = SQ_STRING;
		return quoted_end(s, len, i, '\'');
	}
	if (c == '"' || c == '`' || c == '[') {
		*kind = SQ_QUOTED;
		return quoted_end(s, len, i, c == '[' ? ']' : c);
	}
	if (isdigit((unsigned char)c) ||
	    (c == '.' && i + 1 < len && isdigit((unsigned char)s[i + 1]))) {
		*kind = SQ_NUMBER;
		return number_end(s, len, i);
	}
	if (c == '?' || c == ':' || c == '@' || c == '$') {
		size_t j = i + 1;
		while (j < len && is_idchar(s[j]))
			j++;
		if (j > i + 1 || c == '?') {
			*kind = SQ_VAR;
			return j;
		}
	}
	if (is_idchar(c)) {
		size_t j = i;
		while (j < len && is_idchar(s[j]))
			j++;
		*kind = SQ_WORD;
		return j;
	}
	*kind = SQ_PUNCT;
	return i + punct_len(s, len, i);
}

/* Cut text into tokens, skipping whitespace and comments, noting paren depth. */
void rt_sq_tokenize(const char *sql, size_t len, sq_tokens *out)
{
	size_t i = 0;
	int depth = 0;
	while (i < len) {
		size_t b = blank_end(sql, len, i);
		if (b != i) {
			i = b;
			continue;
		}
		sq_kind kind;
		size_t e = token_end(sql, len, i, &kind);
		int is_close = kind == SQ_PUNCT && sql[i] == ')';
		if (is_close && depth > 0)
			depth--;
		ALLOC_GROW(out->v, out->n + 1, out->alloc);
		out->v[out->n++] = (sq_token){ kind, sql + i, e - i, depth };
		if (kind == SQ_PUNCT && sql[i] == '(')
			depth++;
		i = e;
	}
}

void rt_sq_tokens_free(sq_tokens *t)
{
	free(t->v);
	memset(t, 0, sizeof(*t));
}

int rt_sq_is(const sq_token *t, const char *kw)
{
	return t->kind == SQ_WORD && strlen(kw) == t->n &&
	       !strncasecmp(t->s, kw, t->n);
}

int rt_sq_punct(const sq_token *t, const char *p)
{
	return t->kind == SQ_PUNCT && strlen(p) == t->n && !memcmp(t->s, p, t->n);
}

/*
 * See sqlite_internal.h.  The quotes come off and a doubled quote
 * character stands for one ("a""b" -> a"b; [x] has no escape); a missing
 * closing quote is tolerated.  A 'string' counts as a name, as SQLite
 * accepts one where a name is expected.
 */
char *rt_sq_name(const sq_token *t)
{
	if (t->kind != SQ_QUOTED && t->kind != SQ_STRING)
		return rt_xstrndup(t->s, t->n);
	char close = t->s[0] == '[' ? ']' : t->s[0];
	strbuf sb = STRBUF_INIT;
	size_t end = t->n > 1 && t->s[t->n - 1] == close ? t->n - 1 : t->n;
	for (size_t i = 1; i < end; i++) {
		rt_strbuf_addc(&sb, t->s[i]);
		if (t->s[i] == close && close != ']' && i + 1 < end)
			i++;
	}
	return rt_strbuf_detach(&sb);
}

/*
 * See sqlite_internal.h.  Case-insensitive for ASCII letters only, as
 * SQLite compares names.
 */
int rt_sq_names(const sq_token *t, const char *id)
{
	if (t->kind == SQ_WORD)
		return strlen(id) == t->n && !strncasecmp(t->s, id, t->n);
	if (t->kind != SQ_QUOTED && t->kind != SQ_STRING)
		return 0;
	char *name = rt_sq_name(t);
	int same = !strcasecmp(name, id);
	free(name);
	return same;
}

size_t rt_sq_close(const sq_token *v, size_t n, size_t i)
{
	for (size_t j = i + 1; j < n; j++)
		if (v[j].depth == v[i].depth && rt_sq_punct(&v[j], ")"))
			return j;
	return n;
}

int rt_sq_mentions(const sq_token *v, size_t n, const char *id)
{
	for (size_t i = 0; i < n; i++)
		if (rt_sq_names(&v[i], id))
			return 1;
	return 0;
}

static int is_keyword(const char *s, size_t n)
{
	return sqlite3_keyword_check(s, (int)n) != 0;
}

/* A name that needs no quotes: letters, digits and _, not a keyword. */
static int plain_name(const char *s, size_t n)
{
	if (!n || !(isalpha((unsigned char)s[0]) || s[0] == '_'))
		return 0;
	for (size_t i = 1; i < n; i++)
		if (!isalnum((unsigned char)s[i]) && s[i] != '_')
			return 0;
	return !is_keyword(s, n);
}

void rt_sq_ident(strbuf *sb, const char *name)
{
	if (plain_name(name, strlen(name)))
		rt_strbuf_adds(sb, name);
	else
		rt_sql_quote_ident(sb, name);
}

/* Append s in upper case (how > 0), lower case (how < 0) or as it is. */
static void add_case(strbuf *sb, const char *s, size_t n, int how)
{
	for (size_t i = 0; i < n; i++) {
		unsigned char c = (unsigned char)s[i];
		rt_strbuf_addc(sb, (char)(how > 0 ? toupper(c) : how < 0 ? tolower(c) : c));
	}
}

/* One token in canonical form. */
static void canon_token(strbuf *sb, const sq_token *t, int flags)
{
	if (t->kind == SQ_WORD) {
		int kw = is_keyword(t->s, t->n);
		if ((flags & SQ_CANON_UPPER) || ((flags & (SQ_CANON_KEYWORDS | SQ_CANON_FOLD)) && kw))
			add_case(sb, t->s, t->n, 1);
		else
			add_case(sb, t->s, t->n, flags & SQ_CANON_FOLD ? -1 : 0);
	} else if (t->kind == SQ_QUOTED && (flags & SQ_CANON_IDENTS)) {
		char *name = rt_sq_name(t);
		if ((flags & SQ_CANON_FOLD) && plain_name(name, strlen(name)))
			add_case(sb, name, strlen(name), -1);
		else
			rt_sq_ident(sb, name);
		free(name);
	} else if (t->kind == SQ_BLOB) {
		rt_strbuf_addc(sb, 'X');
		for (size_t i = 1; i < t->n; i++)
			rt_strbuf_addc(sb, (char)toupper((unsigned char)t->s[i]));
	} else {
		rt_strbuf_add(sb, t->s, t->n);
	}
}

/* A function name or a table name directly followed by its ( list. */
static int calls(const sq_token *t)
{
	return t->kind == SQ_QUOTED || (t->kind == SQ_WORD && !is_keyword(t->s, t->n));
}

/* Whether canonical text puts a space between tokens p and c. */
static int spaced(const sq_token *p, const sq_token *c)
{
	if (rt_sq_punct(c, ")") || rt_sq_punct(c, ",") || rt_sq_punct(c, ";") ||
	    rt_sq_punct(c, ".") || rt_sq_punct(p, "(") || rt_sq_punct(p, "."))
		return 0;
	if (rt_sq_punct(c, "(") && calls(p))
		return 0;
	return 1;
}

void rt_sq_canon(strbuf *sb, const sq_token *v, size_t n, int flags)
{
	for (size_t i = 0; i < n; i++) {
		if (i && spaced(&v[i - 1], &v[i]))
			rt_strbuf_addc(sb, ' ');
		canon_token(sb, &v[i], flags);
	}
}

char *rt_sq_canon_text(const char *sql, int flags)
{
	sq_tokens t = { 0 };
	rt_sq_tokenize(sql, strlen(sql), &t);
	strbuf sb = STRBUF_INIT;
	rt_sq_canon(&sb, t.v, t.n, flags);
	rt_sq_tokens_free(&t);
	return rt_strbuf_detach(&sb);
}

/* The text as written, only with comments gone and each gap one space. */
char *rt_sq_squeeze(const char *sql)
{
	size_t len = strlen(sql), i = 0;
	strbuf sb = STRBUF_INIT;
	int gap = 0;
	while (i < len) {
		size_t b = blank_end(sql, len, i);
		if (b != i) {
			gap = 1;
			i = b;
			continue;
		}
		sq_kind kind;
		size_t e = token_end(sql, len, i, &kind);
		if (gap && sb.len)
			rt_strbuf_addc(&sb, ' ');
		gap = 0;
		rt_strbuf_add(&sb, sql + i, e - i);
		i = e;
	}
	return rt_strbuf_detach(&sb);
}

/* Skip CREATE [TEMP] [VIRTUAL] TABLE [IF NOT EXISTS]: index of the name. */
static size_t after_create(const sq_tokens *t)
{
	size_t i = 0;
	static const char *const words[] = { "CREATE", "TEMP", "TEMPORARY",
					     "VIRTUAL", "TABLE", NULL };
	for (int k = 0; words[k]; k++)
		if (i < t->n && rt_sq_is(&t->v[i], words[k]))
			i++;
	if (i + 2 < t->n && rt_sq_is(&t->v[i], "IF") && rt_sq_is(&t->v[i + 1], "NOT") &&
	    rt_sq_is(&t->v[i + 2], "EXISTS"))
		i += 3;
	return i;
}

/* Where the name and the body's elements of a CREATE TABLE text are. */
int rt_sq_table_parse(const char *sql, sq_table_text *out)
{
	memset(out, 0, sizeof(*out));
	rt_sq_tokenize(sql, strlen(sql), &out->tok);
	const sq_token *v = out->tok.v;
	size_t n = out->tok.n;
	size_t i = after_create(&out->tok);
	out->name_first = i;
	if (i + 2 < n && rt_sq_punct(&v[i + 1], "."))
		i += 2;
	out->name_end = i < n ? i + 1 : n;
	size_t open = out->name_end;
	if (open >= n || !rt_sq_punct(&v[open], "("))
		return -1;
	out->close = rt_sq_close(v, n, open);
	if (out->close == n)
		return -1;
	size_t start = open + 1;
	for (size_t j = start; j <= out->close; j++) {
		if (j < out->close && !(v[j].depth == 1 && rt_sq_punct(&v[j], ",")))
			continue;
		if (j > start) {
			out->elems = rt_xrealloc(out->elems, (out->nelems + 1) * sizeof(sq_elem));
			out->elems[out->nelems++] = (sq_elem){ start, j };
		}
		start = j + 1;
	}
	return 0;
}

void rt_sq_table_text_free(sq_table_text *t)
{
	rt_sq_tokens_free(&t->tok);
	free(t->elems);
	memset(t, 0, sizeof(*t));
}

int rt_sq_elem_is_constraint(const sq_table_text *t, const sq_elem *e)
{
	static const char *const starts[] = { "CONSTRAINT", "PRIMARY", "UNIQUE",
					      "CHECK", "FOREIGN", NULL };
	for (int k = 0; starts[k]; k++)
		if (rt_sq_is(&t->tok.v[e->first], starts[k]))
			return 1;
	return 0;
}

/*
 * A rowid table's INTEGER PRIMARY KEY is the rowid itself.  The catalog
 * says so by having no index for that key: introspection writes such a
 * key as "PRIMARY KEY (col)" with no DESC (an INTEGER PRIMARY KEY DESC
 * column is the one exception SQLite keeps, with an index and a DESC).
 */
const char *rt_sqlite_rowid_alias(const sm_table *t)
{
	if (t->without_rowid || t->is_virtual)
		return NULL;
	const sm_column *key = NULL;
	for (size_t i = 0; i < t->ncols; i++) {
		if (!t->cols[i].pk)
			continue;
		if (key)
			return NULL;
		key = &t->cols[i];
	}
	if (!key || strcasecmp(key->type, "INTEGER"))
		return NULL;
	for (size_t i = 0; i < t->ncons; i++)
		if (t->cons[i].kind == SM_PRIMARY && t->cons[i].def &&
		    strstr(t->cons[i].def, " DESC"))
			return NULL;
	return key->name;
}
