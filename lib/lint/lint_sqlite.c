/*
 * rt_lint_sqlite.c - the SQLite lint rules.
 *
 * SQLite has no parser library, so each statement (split by SQLite's own
 * tokenizer, as a run splits it) is cut into tokens by the SQLite
 * dialect's lexical rules (rt_sq_tokenize: comments skipped, strings and
 * quoted identifiers "x", [x], `x` whole), and the rules match keyword
 * sequences at the start of the statement.  Which ALTER TABLE forms
 * exist, and which ADD COLUMNs SQLite refuses, follows https://www.sqlite.org/lang_altertable.html: only
 * RENAME TO, RENAME COLUMN, ADD COLUMN and DROP COLUMN exist; an added
 * column cannot be PRIMARY KEY or UNIQUE, and on a table with rows it
 * cannot be NOT NULL without a non-NULL default, have a non-constant
 * default (CURRENT_TIME/DATE/TIMESTAMP, an expression in parentheses other
 * than a plain value such as (0)) or be STORED.  Tables created earlier in the section have no rows yet.
 */
#include "internal.h"
#include "lint/lint.h"
#include "dialect/dialect.h"
#include "dialect/sqlite/sqlite_internal.h"

#include <ctype.h>
#include <string.h>
#include <strings.h>

/* A DROP TABLE whose finding waits for the end of the section. */
typedef struct drop {
	char *table;
	int line, column;
} drop;

typedef struct sq_lint {
	lint_section *s;
	int line, column;       /* first token of the statement being checked */
	rt_strlist new_tables;  /* created earlier in this section (no rows yet) */
	rt_strlist renamed_to;  /* names a new table was renamed into */
	rt_strlist new_cols;    /* "table.column" of the tables created here */
	rt_strlist copied;      /* "table.column" filled by INSERT ... SELECT into them */
	drop *drops;
	size_t ndrops, dropalloc;
} sq_lint;

#define REPORT(p, rule, ...) \
	rt_lint_finding((p)->s, rule, (p)->line, (p)->column, __VA_ARGS__)

/* ------------------------------------------------------------------ */
/* Tokens                                                               */
/* ------------------------------------------------------------------ */

/* Is token i the keyword kw (any case)? */
static int kw(const sq_tokens *t, size_t i, const char *kw)
{
	return i < t->n && rt_sq_is(&t->v[i], kw);
}

/* Is token i the punctuation p? */
static int punct(const sq_tokens *t, size_t i, const char *p)
{
	return i < t->n && rt_sq_punct(&t->v[i], p);
}

/* Token i as a name: lower case (SQLite names ignore ASCII case), or NULL. */
static char *name_at(const sq_tokens *t, size_t i)
{
	if (i >= t->n || !(t->v[i].kind == SQ_WORD || t->v[i].kind == SQ_QUOTED ||
			   t->v[i].kind == SQ_STRING))
		return NULL;
	char *s = rt_sq_name(&t->v[i]);
	for (char *p = s; *p; p++)
		*p = (char)tolower((unsigned char)*p);
	return s;
}

/* A possibly schema-qualified table name at *i (advanced past it). */
static char *table_at(const sq_tokens *t, size_t *i)
{
	if (punct(t, *i + 1, ".")) {
		char *n = name_at(t, *i + 2);
		*i += 3;
		return n;
	}
	return name_at(t, (*i)++);
}

/* ------------------------------------------------------------------ */
/* Rules                                                                */
/* ------------------------------------------------------------------ */

/* Was the table created earlier in this section? */
static int is_new(const sq_lint *p, const char *table)
{
	return rt_lint_listed(&p->new_tables, table);
}

/*
 * The names of a parenthesised list at token open: "table.column" for each
 * item that starts with a name (not CONSTRAINT, PRIMARY, UNIQUE, CHECK or
 * FOREIGN, which are table constraints).
 */
static void column_names(const sq_tokens *t, size_t open, const char *table,
			 rt_strlist *out)
{
	static const char *const cons[] = { "CONSTRAINT", "PRIMARY", "UNIQUE", "CHECK",
					    "FOREIGN", NULL };
	int depth = t->v[open].depth + 1;
	int item_start = 1;
	for (size_t i = open + 1; i < t->n && t->v[i].depth >= depth; i++) {
		if (t->v[i].depth != depth)
			continue;
		if (punct(t, i, ",")) {
			item_start = 1;
			continue;
		}
		if (!item_start)
			continue;
		item_start = 0;
		int constraint = 0;
		for (int k = 0; cons[k] && !constraint; k++)
			constraint = kw(t, i, cons[k]);
		char *col = constraint ? NULL : name_at(t, i);
		if (col) {
			char *key = rt_xasprintf("%s.%s", table, col);
			rt_strlist_push(out, key);
			free(key);
		}
		free(col);
	}
}

/* CREATE [TEMP] [VIRTUAL] TABLE [IF NOT EXISTS] name: new from here on. */
static void sq_create(sq_lint *p, const sq_tokens *t)
{
	size_t i = 1;
	if (kw(t, i, "TEMP") || kw(t, i, "TEMPORARY"))
		i++;
	if (kw(t, i, "VIRTUAL"))
		i++;
	if (!kw(t, i++, "TABLE"))
		return;
	if (kw(t, i, "IF") && kw(t, i + 1, "NOT") && kw(t, i + 2, "EXISTS"))
		i += 3;
	char *name = table_at(t, &i);
	if (name) {
		rt_strlist_push(&p->new_tables, name);
		if (punct(t, i, "("))
			column_names(t, i, name, &p->new_cols);
	}
	free(name);
}

/* INSERT INTO new_table (a, b) SELECT ...: the columns a rebuild copies. */
static void sq_insert(sq_lint *p, const sq_tokens *t)
{
	size_t i = 1;
	if (kw(t, i, "OR"))
		i += 2;
	if (!kw(t, i++, "INTO"))
		return;
	char *name = table_at(t, &i);
	if (name && is_new(p, name) && punct(t, i, "("))
		column_names(t, i, name, &p->copied);
	free(name);
}

/* DROP TABLE: the finding waits for the end (a rebuild renames a copy in). */
static void sq_drop_table(sq_lint *p, const sq_tokens *t)
{
	size_t i = 2;
	if (kw(t, i, "IF") && kw(t, i + 1, "EXISTS"))
		i += 2;
	char *name = table_at(t, &i);
	if (name && !is_new(p, name) &&
	    !(p->s->downgrade && rt_lint_listed(&p->s->mem->tables, name))) {
		ALLOC_GROW(p->drops, p->ndrops + 1, p->dropalloc);
		p->drops[p->ndrops++] = (drop){ name, p->line, p->column };
		return;
	}
	free(name);
}

/*
 * A new table renamed into u is a rebuild: its columns that INSERT ...
 * SELECT did not copy from the old u are new, and a downgrade may drop
 * them (as it may drop columns an ADD COLUMN added).
 */
static void rebuilt_columns(sq_lint *p, const char *from, const char *to)
{
	if (p->s->downgrade)
		return;
	size_t fl = strlen(from);
	for (size_t i = 0; i < p->new_cols.n; i++) {
		const char *key = p->new_cols.v[i];
		if (strncmp(key, from, fl) || key[fl] != '.' || rt_lint_listed(&p->copied, key))
			continue;
		char *own = rt_xasprintf("%s.%s", to, key + fl + 1);
		rt_strlist_push(&p->s->mem->columns, own);
		free(own);
	}
}

/*
 * ALTER TABLE t RENAME TO u / RENAME [COLUMN] a TO b (i: after RENAME):
 * breaks running code unless t is new; a new table stays new renamed.
 */
static void sq_rename(sq_lint *p, const sq_tokens *t, size_t i, const char *table)
{
	int fresh = is_new(p, table);
	if (kw(t, i, "TO")) {
		char *to = table_at(t, &(size_t){ i + 1 });
		if (!to)
			return;
		if (fresh) {
			rt_strlist_push(&p->new_tables, to);
			rt_strlist_push(&p->renamed_to, to);
			rebuilt_columns(p, table, to);
		} else {
			REPORT(p, "renaming-table", "ALTER TABLE %s RENAME TO %s", table, to);
		}
		free(to);
		return;
	}
	if (kw(t, i, "COLUMN"))
		i++;
	char *from = name_at(t, i), *to = name_at(t, i + 2);
	if (from && to && !fresh)
		REPORT(p, "renaming-column", "ALTER TABLE %s RENAME COLUMN %s TO %s",
		       table, from, to);
	free(from);
	free(to);
}

/* What an added column's definition says, at its own nesting level. */
typedef struct coldef {
	int not_null, has_default, default_null, nonconst, primary, unique;
	int generated, stored, references;
	const char *nonconst_kind;
} coldef;

/*
 * Is the parenthesized default at i a plain value, e.g. (0), (-1), ('x'),
 * ((NULL))?  SQLite accepts those in ADD COLUMN, not (1 + 1) or (abs(1)).
 */
static int paren_literal(const sq_tokens *t, size_t i)
{
	size_t open = 0;
	while (punct(t, i, "(")) {
		open++;
		i++;
	}
	if (punct(t, i, "-") || punct(t, i, "+"))
		i++;
	if (i >= t->n || !(t->v[i].kind == SQ_NUMBER || t->v[i].kind == SQ_STRING ||
			   t->v[i].kind == SQ_BLOB || kw(t, i, "NULL") || kw(t, i, "TRUE") || kw(t, i, "FALSE")))
		return 0;
	for (i++; open && punct(t, i, ")"); i++)
		open--;
	return open == 0;
}

/* The DEFAULT clause starting at token i. */
static void read_default(const sq_tokens *t, size_t i, coldef *d)
{
	d->has_default = 1;
	if (punct(t, i, "(") && paren_literal(t, i)) {
		while (punct(t, i, "("))
			i++;
		d->default_null = kw(t, i, "NULL");
	} else if (punct(t, i, "(")) {
		d->nonconst = 1;
		d->nonconst_kind = "an expression in parentheses";
	} else if (kw(t, i, "CURRENT_TIME") || kw(t, i, "CURRENT_DATE") ||
		   kw(t, i, "CURRENT_TIMESTAMP")) {
		d->nonconst = 1;
		d->nonconst_kind = kw(t, i, "CURRENT_TIME") ? "CURRENT_TIME"
				 : kw(t, i, "CURRENT_DATE") ? "CURRENT_DATE"
				 : "CURRENT_TIMESTAMP";
	} else if (kw(t, i, "NULL")) {
		d->default_null = 1;
	}
}

/* Read the column definition whose name is token first. */
static void coldef_read(const sq_tokens *t, size_t first, coldef *d)
{
	memset(d, 0, sizeof(*d));
	int depth = first < t->n ? t->v[first].depth : 0;
	for (size_t i = first + 1; i < t->n; i++) {
		if (t->v[i].depth != depth)
			continue;
		if (kw(t, i, "NOT") && kw(t, i + 1, "NULL"))
			d->not_null = 1;
		else if (kw(t, i, "DEFAULT") && !kw(t, i - 1, "SET")) /* not ON DELETE SET DEFAULT */
			read_default(t, i + 1, d);
		else if (kw(t, i, "PRIMARY"))
			d->primary = 1;
		else if (kw(t, i, "UNIQUE"))
			d->unique = 1;
		else if (kw(t, i, "STORED"))
			d->stored = 1;
		else if (kw(t, i, "GENERATED") || (kw(t, i, "AS") && punct(t, i + 1, "(")))
			d->generated = 1;
		else if (kw(t, i, "REFERENCES"))
			d->references = 1;
	}
}

/* The ADD COLUMNs SQLite refuses, always or on a table with rows. */
static void sq_add_column(sq_lint *p, const sq_tokens *t, size_t i,
			  const char *table)
{
	char *col = name_at(t, i);
	if (!col)
		return;
	if (!p->s->downgrade) {
		char *key = rt_xasprintf("%s.%s", table, col);
		rt_strlist_push(&p->s->mem->columns, key);
		free(key);
	}
	coldef d;
	coldef_read(t, i, &d);
	const char *rb = "sqlite-alter-needs-rebuild";
	if (d.primary || d.unique)
		REPORT(p, rb, "ALTER TABLE %s ADD COLUMN %s ... %s: SQLite cannot add a %s column",
		       table, col, d.primary ? "PRIMARY KEY" : "UNIQUE",
		       d.primary ? "PRIMARY KEY" : "UNIQUE");
	if (!is_new(p, table)) {
		if (d.not_null && (!d.has_default || d.default_null) && !d.generated)
			REPORT(p, "adding-not-nullable-field",
			       "ALTER TABLE %s ADD COLUMN %s ... NOT NULL without a non-NULL DEFAULT",
			       table, col);
		if (d.nonconst)
			REPORT(p, rb, "ALTER TABLE %s ADD COLUMN %s DEFAULT %s: SQLite refuses a non-constant default on a table with rows",
			       table, col, d.nonconst_kind);
		if (d.stored)
			REPORT(p, rb, "ALTER TABLE %s ADD COLUMN %s ... STORED: SQLite cannot add a STORED generated column to a table with rows",
			       table, col);
		if (d.references && d.has_default && !d.default_null)
			REPORT(p, rb, "ALTER TABLE %s ADD COLUMN %s ... REFERENCES with a non-NULL default: SQLite refuses it while foreign keys are enforced",
			       table, col);
	}
	free(col);
}

/*
 * Does token i (after ADD or DROP) start a constraint rather than name a
 * column?  A column may be called key, index, unique, check...: only the
 * shape of what follows tells (PRIMARY KEY, UNIQUE (...), KEY name (...)
 * after ADD; a name after DROP CONSTRAINT / INDEX / KEY).
 */
static int constraint_word(const sq_tokens *t, size_t i, int add)
{
	if (kw(t, i, "PRIMARY") || kw(t, i, "FOREIGN"))
		return kw(t, i + 1, "KEY");
	int name_next = i + 1 < t->n && (t->v[i + 1].kind == SQ_WORD || t->v[i + 1].kind == SQ_QUOTED);
	if (kw(t, i, "CONSTRAINT"))
		return name_next;
	if (!add)
		return (kw(t, i, "INDEX") || kw(t, i, "KEY") || kw(t, i, "UNIQUE") ||
			kw(t, i, "CHECK")) && name_next;
	if (kw(t, i, "UNIQUE") || kw(t, i, "CHECK"))
		return punct(t, i + 1, "(");
	if (kw(t, i, "INDEX") || kw(t, i, "KEY"))
		return punct(t, i + 1, "(") || punct(t, i + 2, "(");
	return 0;
}

/* ALTER TABLE t DROP [COLUMN] c (i: after DROP). */
static void sq_drop_column(sq_lint *p, const sq_tokens *t, size_t i,
			   const char *table)
{
	if (kw(t, i, "COLUMN"))
		i++;
	char *col = name_at(t, i);
	if (!col || is_new(p, table)) {
		free(col);
		return;
	}
	char *key = rt_xasprintf("%s.%s", table, col);
	if (!(p->s->downgrade && rt_lint_listed(&p->s->mem->columns, key)))
		REPORT(p, "ban-drop-column", "ALTER TABLE %s DROP COLUMN %s", table, col);
	free(key);
	free(col);
}

/*
 * ALTER TABLE: the four forms SQLite has, each with its rules; any other
 * form is a rebuild.
 */
static void sq_alter(sq_lint *p, const sq_tokens *t)
{
	size_t i = 2;
	char *table = table_at(t, &i);
	if (!table)
		return;
	if (kw(t, i, "RENAME")) {
		sq_rename(p, t, i + 1, table);
	} else if (kw(t, i, "ADD") && !constraint_word(t, i + 1, 1)) {
		sq_add_column(p, t, kw(t, i + 1, "COLUMN") ? i + 2 : i + 1, table);
	} else if (kw(t, i, "DROP") && !constraint_word(t, i + 1, 0)) {
		sq_drop_column(p, t, i + 1, table);
	} else if (i < t->n) {
		const sq_token *a = &t->v[i], *b = i + 1 < t->n ? &t->v[i + 1] : NULL;
		REPORT(p, "sqlite-alter-needs-rebuild",
		       "ALTER TABLE %s %.*s%s%.*s ...: SQLite's ALTER TABLE has no such form",
		       table, (int)a->n, a->s, b ? " " : "", b ? (int)b->n : 0,
		       b ? b->s : "");
	}
	free(table);
}

/* PRAGMA [schema.]foreign_keys = value, which a transaction ignores. */
static void sq_pragma(sq_lint *p, const sq_tokens *t)
{
	size_t i = punct(t, 2, ".") ? 3 : 1;
	if (!kw(t, i, "foreign_keys") || !(punct(t, i + 1, "=") || punct(t, i + 1, "(")))
		return;
	if (!p->s->transactional)
		return;
	const sq_token *v = i + 2 < t->n ? &t->v[i + 2] : NULL;
	REPORT(p, "pragma-foreign-keys-in-transaction",
	       "PRAGMA foreign_keys = %.*s in a transactional section (SQLite ignores it there)",
	       v ? (int)v->n : 0, v ? v->s : "");
}

/* One statement: the rules of its first keywords. */
static void sq_stmt(sq_lint *p, const sq_tokens *t)
{
	if (kw(t, 0, "CREATE"))
		sq_create(p, t);
	else if (kw(t, 0, "DROP") && kw(t, 1, "TABLE"))
		sq_drop_table(p, t);
	else if (kw(t, 0, "ALTER") && kw(t, 1, "TABLE"))
		sq_alter(p, t);
	else if (kw(t, 0, "PRAGMA"))
		sq_pragma(p, t);
	else if (kw(t, 0, "INSERT") || kw(t, 0, "REPLACE"))
		sq_insert(p, t);
}

/* Findings that waited for the end of the section; what the downgrade learns. */
static void finish(sq_lint *p)
{
	for (size_t i = 0; i < p->ndrops; i++) {
		const drop *d = &p->drops[i];
		if (!rt_lint_listed(&p->renamed_to, d->table))
			rt_lint_finding(p->s, "ban-drop-table", d->line, d->column,
				    "DROP TABLE %s", d->table);
		free(d->table);
	}
	free(p->drops);
	if (!p->s->downgrade)
		for (size_t i = 0; i < p->new_tables.n; i++)
			rt_strlist_push(&p->s->mem->tables, p->new_tables.v[i]);
	rt_strlist_free(&p->new_tables);
	rt_strlist_free(&p->renamed_to);
	rt_strlist_free(&p->new_cols);
	rt_strlist_free(&p->copied);
}

/* Split the section as a run would, then tokenize and check each statement. */
void rt_lint_sqlite(lint_section *s)
{
	rt_stmtlist stmts = { 0 };
	rt_error err = { 0 };
	if (rt_dialect_sqlite.split(s->sql, s->len, s->first_line, s->file,
				    &stmts, &err) < 0)
		rt_error_clear(&err); /* SQLite's splitter never fails */
	sq_lint p = { .s = s };
	sq_tokens t = { 0 };
	for (size_t i = 0; i < stmts.n; i++) {
		t.n = 0;
		rt_sq_tokenize(stmts.v[i].sql, stmts.v[i].len, &t);
		p.line = stmts.v[i].line;
		p.column = stmts.v[i].column;
		sq_stmt(&p, &t);
	}
	rt_sq_tokens_free(&t);
	finish(&p);
	rt_stmtlist_free(&stmts);
}
