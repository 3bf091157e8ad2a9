/*
 * lint_mysql.c - the MySQL and MariaDB lint rules.
 *
 * Each statement (split as a run splits it, DELIMITER blocks included)
 * goes through a small tokenizer that knows MySQL's strings, `names` and
 * comments, and the rules match keyword sequences.  What they look for
 * is what hurts on a live MySQL table (see docs/lint.md): an ALTER that
 * copies the table (ALGORITHM=COPY, MODIFY/CHANGE COLUMN, a new primary
 * key, a character-set conversion, an engine change, a foreign key added
 * with its checks on), an index that blocks writes while it builds
 * (FULLTEXT, SPATIAL), a NOT NULL column added without a default (MySQL
 * fills the rows with 0 or '' instead of failing), dropped and renamed
 * tables and columns, a foreign key with no index of its own, and tables
 * of engines without transactions.  Tables created earlier in the same
 * section have no rows yet: nothing on them is flagged.
 */
#include "internal.h"
#include "lint/lint.h"
#include "dialect/dialect.h"

#include <ctype.h>
#include <string.h>
#include <strings.h>

typedef enum tk_kind { TK_WORD, TK_IDENT, TK_STRING, TK_NUMBER, TK_PUNCT } tk_kind;

typedef struct token {
	tk_kind kind;
	const char *s;
	size_t n;
	int depth; /* parentheses around it */
} token;

typedef struct tokens {
	token *v;
	size_t n, alloc;
} tokens;

typedef struct my_lint {
	lint_section *s;
	int line, column;     /* first token of the statement being checked */
	rt_strlist new_tables;
	rt_strlist indexed;   /* "table.column" leading some index made in the section */
} my_lint;

#define REPORT(p, rule, ...) \
	rt_lint_finding((p)->s, rule, (p)->line, (p)->column, __VA_ARGS__)

static void push(tokens *t, tk_kind kind, const char *s, size_t n, int depth)
{
	ALLOC_GROW(t->v, t->n + 1, t->alloc);
	t->v[t->n++] = (token){ kind, s, n, depth };
}

static size_t skip_quoted(const char *s, size_t len, size_t i, char q)
{
	for (i++; i < len; i++) {
		if (s[i] == '\\' && q != '`') {
			i++;
		} else if (s[i] == q) {
			if (i + 1 < len && s[i + 1] == q)
				i++;
			else
				return i + 1;
		}
	}
	return len;
}

static int word_char(char c)
{
	return isalnum((unsigned char)c) || c == '_' || c == '$' || (unsigned char)c >= 0x80;
}

/*
 * One statement as tokens, without blanks and comments.  A versioned
 * comment's text is code: only its opening and closing marks go.
 */
static void tokenize(const char *s, size_t len, tokens *out)
{
	int depth = 0;
	size_t i = 0, j;
	while (i < len) {
		char c = s[i];
		if (isspace((unsigned char)c)) {
			i++;
		} else if (c == '#' || (c == '-' && i + 2 < len && s[i + 1] == '-' &&
					isspace((unsigned char)s[i + 2]))) {
			const char *nl = memchr(s + i, '\n', len - i);
			i = nl ? (size_t)(nl - s) : len;
		} else if (c == '/' && i + 1 < len && s[i + 1] == '*') {
			if (i + 2 < len && (s[i + 2] == '!' || s[i + 2] == 'M')) {
				i += s[i + 2] == 'M' ? 4 : 3;
				while (i < len && isdigit((unsigned char)s[i]))
					i++;
				continue;
			}
			const char *e = NULL;
			for (j = i + 2; j + 1 < len && !e; j++)
				if (s[j] == '*' && s[j + 1] == '/')
					e = s + j;
			i = e ? (size_t)(e - s) + 2 : len;
		} else if (c == '*' && i + 1 < len && s[i + 1] == '/') {
			i += 2; /* the end of a versioned comment */
		} else if (c == '\'' || c == '"') {
			j = skip_quoted(s, len, i, c);
			push(out, TK_STRING, s + i, j - i, depth);
			i = j;
		} else if (c == '`') {
			j = skip_quoted(s, len, i, c);
			push(out, TK_IDENT, s + i + 1, j - i >= 2 ? j - i - 2 : 0, depth);
			i = j;
		} else if (isdigit((unsigned char)c)) {
			for (j = i + 1; j < len && (word_char(s[j]) || s[j] == '.'); j++)
				;
			push(out, TK_NUMBER, s + i, j - i, depth);
			i = j;
		} else if (word_char(c)) {
			for (j = i + 1; j < len && word_char(s[j]); j++)
				;
			push(out, TK_WORD, s + i, j - i, depth);
			i = j;
		} else {
			if (c == ')' && depth > 0)
				depth--;
			push(out, TK_PUNCT, s + i, 1, depth);
			if (c == '(')
				depth++;
			i++;
		}
	}
}

static int kw(const tokens *t, size_t i, const char *k)
{
	return i < t->n && t->v[i].kind == TK_WORD && t->v[i].n == strlen(k) &&
	       !strncasecmp(t->v[i].s, k, t->v[i].n);
}

static int punct(const tokens *t, size_t i, char c)
{
	return i < t->n && t->v[i].kind == TK_PUNCT && t->v[i].s[0] == c;
}

/* Token i as a name (`quotes` gone), or NULL when it is none. */
static char *name_at(const tokens *t, size_t i)
{
	if (i >= t->n || (t->v[i].kind != TK_WORD && t->v[i].kind != TK_IDENT))
		return NULL;
	return rt_xstrndup(t->v[i].s, t->v[i].n);
}

/* A table name, db.table allowed, at *i (advanced past it). */
static char *table_at(const tokens *t, size_t *i)
{
	if (punct(t, *i + 1, '.')) {
		char *n = name_at(t, *i + 2);
		*i += 3;
		return n;
	}
	return name_at(t, (*i)++);
}

static int is_new(const my_lint *p, const char *table)
{
	return rt_lint_listed(&p->new_tables, table);
}

/* The index of the token after the ')' matching the '(' at open. */
static size_t after_parens(const tokens *t, size_t open)
{
	int depth = t->v[open].depth;
	size_t i = open + 1;
	while (i < t->n && !(punct(t, i, ')') && t->v[i].depth == depth))
		i++;
	return i + 1;
}

/* Remember the first column of the list at '(' open as indexed on table. */
static void note_index(my_lint *p, const tokens *t, size_t open, const char *table)
{
	char *col = punct(t, open, '(') ? name_at(t, open + 1) : NULL;
	if (col) {
		char *key = rt_xasprintf("%s.%s", table, col);
		rt_strlist_push(&p->indexed, key);
		free(key);
	}
	free(col);
}

/* Engines without transactions: a failed migration leaves their rows half-changed. */
static void engine(my_lint *p, const tokens *t, size_t i, const char *table)
{
	if (!kw(t, i, "ENGINE"))
		return;
	size_t v = punct(t, i + 1, '=') ? i + 2 : i + 1;
	static const char *const plain[] = { "MyISAM", "MEMORY", "HEAP", "ARCHIVE", "CSV",
					     "Aria", "MERGE", "MRG_MyISAM", "BLACKHOLE", NULL };
	for (int k = 0; plain[k]; k++)
		if (kw(t, v, plain[k]))
			REPORT(p, "mysql-non-transactional-engine", "table %s ENGINE=%s", table, plain[k]);
}

/*
 * The items of a CREATE TABLE's list: indexes noted, foreign keys whose
 * first column no index of the table (made so far) starts with found.
 */
static void create_items(my_lint *p, const tokens *t, size_t open, const char *table)
{
	int depth = t->v[open].depth + 1;
	size_t fk_at[32];
	int nfk = 0;
	int item_start = 1;
	for (size_t i = open + 1; i < t->n && t->v[i].depth >= depth; i++) {
		if (t->v[i].depth != depth)
			continue;
		if (punct(t, i, ',')) {
			item_start = 1;
			continue;
		}
		if (!item_start)
			continue;
		item_start = 0;
		size_t k = i;
		if (kw(t, k, "CONSTRAINT"))
			k += kw(t, k + 1, "PRIMARY") || kw(t, k + 1, "UNIQUE") || kw(t, k + 1, "FOREIGN") ||
			     kw(t, k + 1, "CHECK") ? 1 : 2;
		if (kw(t, k, "FOREIGN") && kw(t, k + 1, "KEY")) {
			size_t o = k + 2;
			while (o < t->n && !punct(t, o, '('))
				o++;
			if (nfk < 32)
				fk_at[nfk++] = o;
			continue;
		}
		if (kw(t, k, "PRIMARY") || kw(t, k, "UNIQUE") || kw(t, k, "KEY") || kw(t, k, "INDEX") ||
		    kw(t, k, "FULLTEXT") || kw(t, k, "SPATIAL")) {
			size_t o = k + 1;
			while (o < t->n && !punct(t, o, '('))
				o++;
			note_index(p, t, o, table);
			continue;
		}
		/* a column: PRIMARY KEY or UNIQUE in its definition indexes it */
		char *col = name_at(t, k);
		for (size_t j = k + 1; col && j < t->n && t->v[j].depth >= depth; j++) {
			if (t->v[j].depth == depth && punct(t, j, ','))
				break;
			if (t->v[j].depth == depth && (kw(t, j, "PRIMARY") || kw(t, j, "UNIQUE"))) {
				char *key = rt_xasprintf("%s.%s", table, col);
				rt_strlist_push(&p->indexed, key);
				free(key);
				break;
			}
		}
		free(col);
	}
	for (int f = 0; f < nfk; f++) {
		char *col = name_at(t, fk_at[f] + 1);
		char *key = col ? rt_xasprintf("%s.%s", table, col) : NULL;
		if (key && !rt_lint_listed(&p->indexed, key))
			REPORT(p, "foreign-key-without-index",
			       "FOREIGN KEY (%s) on %s: no index of the table starts with %s", col, table, col);
		free(key);
		free(col);
	}
}

/* CREATE [TEMPORARY] TABLE name (...) options; CREATE [UNIQUE|FULLTEXT|SPATIAL] INDEX. */
static void my_create(my_lint *p, const tokens *t)
{
	size_t i = 1;
	while (kw(t, i, "OR") || kw(t, i, "REPLACE") || kw(t, i, "TEMPORARY"))
		i++;
	if (kw(t, i, "UNIQUE") || kw(t, i, "FULLTEXT") || kw(t, i, "SPATIAL") || kw(t, i, "INDEX")) {
		int blocking = kw(t, i, "FULLTEXT") || kw(t, i, "SPATIAL");
		const token *kind = &t->v[i];
		while (i < t->n && !kw(t, i, "ON"))
			i++;
		i++;
		char *table = table_at(t, &i);
		if (table && !is_new(p, table) && blocking)
			REPORT(p, "mysql-blocking-index", "CREATE %.*s INDEX ON %s", (int)kind->n, kind->s, table);
		if (table)
			note_index(p, t, i, table);
		free(table);
		return;
	}
	if (!kw(t, i++, "TABLE"))
		return;
	if (kw(t, i, "IF") && kw(t, i + 1, "NOT") && kw(t, i + 2, "EXISTS"))
		i += 3;
	char *table = table_at(t, &i);
	if (!table)
		return;
	rt_strlist_push(&p->new_tables, table);
	if (!p->s->downgrade)
		rt_strlist_push(&p->s->mem->tables, table);
	if (punct(t, i, '(')) {
		create_items(p, t, i, table);
		i = after_parens(t, i);
	}
	for (; i < t->n; i++)
		if (t->v[i].depth == 0)
			engine(p, t, i, table);
	free(table);
}

/* DROP TABLE a, b: each one that exists before the section. */
static void my_drop_table(my_lint *p, const tokens *t)
{
	size_t i = kw(t, 1, "TEMPORARY") ? 3 : 2;
	if (kw(t, 1, "TEMPORARY"))
		return;
	if (kw(t, i, "IF") && kw(t, i + 1, "EXISTS"))
		i += 2;
	while (i < t->n) {
		char *table = table_at(t, &i);
		if (table && !is_new(p, table) &&
		    !(p->s->downgrade && rt_lint_listed(&p->s->mem->tables, table)))
			REPORT(p, "ban-drop-table", "DROP TABLE %s", table);
		free(table);
		if (!punct(t, i, ','))
			break;
		i++;
	}
}

/* ADD [COLUMN] c type ... NOT NULL without DEFAULT (MySQL fills 0 or ''). */
static void add_column(my_lint *p, const tokens *t, size_t i, const char *table)
{
	char *col = name_at(t, i);
	if (!col)
		return;
	if (!p->s->downgrade) {
		char *key = rt_xasprintf("%s.%s", table, col);
		rt_strlist_push(&p->s->mem->columns, key);
		free(key);
	}
	int not_null = 0, def = 0, generated = 0, autoinc = 0;
	for (size_t j = i + 1; j < t->n && !(t->v[j].depth == 0 && punct(t, j, ',')); j++) {
		if (t->v[j].depth)
			continue;
		not_null |= kw(t, j, "NOT") && kw(t, j + 1, "NULL");
		def |= kw(t, j, "DEFAULT");
		generated |= kw(t, j, "AS") || kw(t, j, "GENERATED");
		autoinc |= kw(t, j, "AUTO_INCREMENT");
	}
	if (!is_new(p, table) && not_null && !def && !generated && !autoinc)
		REPORT(p, "adding-not-nullable-field",
		       "ALTER TABLE %s ADD COLUMN %s ... NOT NULL without a DEFAULT", table, col);
	free(col);
}

/*
 * One clause of an ALTER TABLE on an existing table (i: its first token),
 * and what it costs the table.
 */
static void alter_clause(my_lint *p, const tokens *t, size_t i, const char *table,
			 int fresh)
{
	if (kw(t, i, "ADD")) {
		size_t k = kw(t, i + 1, "CONSTRAINT") ? i + 3 : i + 1;
		if (kw(t, k, "PRIMARY")) {
			if (!fresh)
				REPORT(p, "mysql-table-copy", "ALTER TABLE %s ADD PRIMARY KEY: rebuilds the table", table);
		} else if (kw(t, k, "FOREIGN")) {
			size_t o = k;
			while (o < t->n && !punct(t, o, '('))
				o++;
			char *col = name_at(t, o + 1);
			char *key = col ? rt_xasprintf("%s.%s", table, col) : NULL;
			if (!fresh)
				REPORT(p, "mysql-table-copy",
				       "ALTER TABLE %s ADD FOREIGN KEY: with foreign_key_checks on, MySQL copies the table", table);
			if (key && !rt_lint_listed(&p->indexed, key))
				REPORT(p, "foreign-key-without-index",
				       "FOREIGN KEY (%s) on %s: no index of the table starts with %s", col, table, col);
			free(key);
			free(col);
		} else if (kw(t, k, "FULLTEXT") || kw(t, k, "SPATIAL")) {
			if (!fresh)
				REPORT(p, "mysql-blocking-index", "ALTER TABLE %s ADD %.*s INDEX", table,
				       (int)t->v[k].n, t->v[k].s);
			size_t o = k;
			while (o < t->n && !punct(t, o, '('))
				o++;
			note_index(p, t, o, table);
		} else if (kw(t, k, "INDEX") || kw(t, k, "KEY") || kw(t, k, "UNIQUE")) {
			size_t o = k;
			while (o < t->n && !punct(t, o, '('))
				o++;
			note_index(p, t, o, table);
		} else if (!kw(t, k, "CHECK") && !kw(t, k, "PARTITION")) {
			add_column(p, t, kw(t, k, "COLUMN") ? k + 1 : k, table);
		}
	} else if (kw(t, i, "DROP")) {
		size_t k = i + 1;
		if (kw(t, k, "PRIMARY")) {
			if (!fresh)
				REPORT(p, "mysql-table-copy", "ALTER TABLE %s DROP PRIMARY KEY: rebuilds the table", table);
			return;
		}
		if (kw(t, k, "INDEX") || kw(t, k, "KEY") || kw(t, k, "FOREIGN") || kw(t, k, "CONSTRAINT") ||
		    kw(t, k, "CHECK") || kw(t, k, "PARTITION"))
			return;
		if (kw(t, k, "COLUMN"))
			k++;
		if (kw(t, k, "IF") && kw(t, k + 1, "EXISTS"))
			k += 2;
		char *col = name_at(t, k);
		char *key = col ? rt_xasprintf("%s.%s", table, col) : NULL;
		if (key && !fresh && !(p->s->downgrade && rt_lint_listed(&p->s->mem->columns, key)))
			REPORT(p, "ban-drop-column", "ALTER TABLE %s DROP COLUMN %s", table, col);
		free(key);
		free(col);
	} else if (kw(t, i, "MODIFY") || kw(t, i, "CHANGE")) {
		size_t k = kw(t, i + 1, "COLUMN") ? i + 2 : i + 1;
		char *col = name_at(t, k);
		char *to = kw(t, i, "CHANGE") ? name_at(t, k + 1) : NULL;
		if (!fresh && to && col && strcmp(col, to))
			REPORT(p, "renaming-column", "ALTER TABLE %s CHANGE %s %s", table, col, to);
		if (!fresh && col)
			REPORT(p, "mysql-table-copy",
			       "ALTER TABLE %s %s %s: a new type, a narrower one or a changed NULL rebuilds the table",
			       table, kw(t, i, "MODIFY") ? "MODIFY" : "CHANGE", col);
		free(col);
		free(to);
	} else if (kw(t, i, "RENAME")) {
		size_t k = i + 1;
		if (kw(t, k, "COLUMN")) {
			char *col = name_at(t, k + 1), *to = name_at(t, k + 3);
			if (!fresh && col && to)
				REPORT(p, "renaming-column", "ALTER TABLE %s RENAME COLUMN %s TO %s", table, col, to);
			free(col);
			free(to);
		} else if (!kw(t, k, "INDEX") && !kw(t, k, "KEY")) {
			if (kw(t, k, "TO") || kw(t, k, "AS"))
				k++;
			char *to = name_at(t, k);
			if (!fresh && to)
				REPORT(p, "renaming-table", "ALTER TABLE %s RENAME TO %s", table, to);
			else if (to)
				rt_strlist_push(&p->new_tables, to);
			free(to);
		}
	} else if (!fresh && kw(t, i, "CONVERT")) {
		REPORT(p, "mysql-table-copy", "ALTER TABLE %s CONVERT TO CHARACTER SET: copies the table", table);
	} else if (!fresh && (kw(t, i, "FORCE") || kw(t, i, "ORDER"))) {
		REPORT(p, "mysql-table-copy", "ALTER TABLE %s %.*s: rebuilds the table", table,
		       (int)t->v[i].n, t->v[i].s);
	} else if (kw(t, i, "ALGORITHM")) {
		size_t v = punct(t, i + 1, '=') ? i + 2 : i + 1;
		if (!fresh && kw(t, v, "COPY"))
			REPORT(p, "mysql-table-copy", "ALTER TABLE %s ALGORITHM=COPY", table);
	} else if (kw(t, i, "ENGINE")) {
		engine(p, t, i, table);
		if (!fresh)
			REPORT(p, "mysql-table-copy", "ALTER TABLE %s ENGINE=...: copies the table", table);
	}
}

/* ALTER [ONLINE] [IGNORE] TABLE t clause, clause, ... */
static void my_alter(my_lint *p, const tokens *t)
{
	size_t i = 1;
	while (kw(t, i, "ONLINE") || kw(t, i, "IGNORE"))
		i++;
	if (!kw(t, i++, "TABLE"))
		return;
	if (kw(t, i, "IF") && kw(t, i + 1, "EXISTS"))
		i += 2;
	char *table = table_at(t, &i);
	if (!table)
		return;
	int fresh = is_new(p, table);
	while (i < t->n) {
		alter_clause(p, t, i, table, fresh);
		while (i < t->n && !(t->v[i].depth == 0 && punct(t, i, ',')))
			i++;
		i++;
	}
	free(table);
}

/* RENAME TABLE a TO b, c TO d. */
static void my_rename(my_lint *p, const tokens *t)
{
	size_t i = 2;
	while (i < t->n) {
		char *from = table_at(t, &i);
		if (!kw(t, i++, "TO")) {
			free(from);
			return;
		}
		char *to = table_at(t, &i);
		if (from && to && !is_new(p, from))
			REPORT(p, "renaming-table", "RENAME TABLE %s TO %s", from, to);
		else if (to)
			rt_strlist_push(&p->new_tables, to);
		free(from);
		free(to);
		if (!punct(t, i, ','))
			return;
		i++;
	}
}

/* OPTIMIZE TABLE rebuilds; so does ALTER TABLE ... FORCE. */
static void my_stmt(my_lint *p, const tokens *t)
{
	if (kw(t, 0, "CREATE"))
		my_create(p, t);
	else if (kw(t, 0, "DROP") && (kw(t, 1, "TABLE") || (kw(t, 1, "TEMPORARY") && kw(t, 2, "TABLE"))))
		my_drop_table(p, t);
	else if (kw(t, 0, "ALTER"))
		my_alter(p, t);
	else if (kw(t, 0, "RENAME") && kw(t, 1, "TABLE"))
		my_rename(p, t);
	else if (kw(t, 0, "OPTIMIZE") && kw(t, 1, "TABLE"))
		REPORT(p, "mysql-table-copy", "OPTIMIZE TABLE: rebuilds the table");
}

/* See lint.h: split as a run would, then each statement's tokens. */
void rt_lint_mysql(lint_section *s)
{
	rt_stmtlist stmts = { 0 };
	rt_error err = { 0 };
	if (rt_dialect_mysql.split(s->sql, s->len, s->first_line, s->file, &stmts, &err) < 0)
		rt_error_clear(&err); /* the splitter never fails */
	my_lint p = { .s = s };
	tokens t = { 0 };
	for (size_t i = 0; i < stmts.n; i++) {
		t.n = 0;
		tokenize(stmts.v[i].sql, stmts.v[i].len, &t);
		p.line = stmts.v[i].line;
		p.column = stmts.v[i].column;
		my_stmt(&p, &t);
	}
	free(t.v);
	rt_strlist_free(&p.new_tables);
	rt_strlist_free(&p.indexed);
	rt_stmtlist_free(&stmts);
}
