/*
 * spelling.c - one schema written in different hands reads as one model.
 *
 * SQLite keeps a table's CREATE text as written, and a few of the facts
 * the model takes from it depend on how it was written while meaning the
 * same: what SQLAlchemy, Django and Rails write and what people write by
 * hand.  Introspection reads them through here, so equal schemas compare
 * equal:
 *
 *   - a foreign key to a table's primary key, written with or without its
 *     columns (REFERENCES users / REFERENCES users (id)), names them;
 *   - an integer default written as a string ('1', as SQLAlchemy writes a
 *     server default) or as a number is what the column stores: the
 *     number under INTEGER, REAL or NUMERIC affinity, the text under TEXT;
 *   - an index key column written ASC is the same key as one without;
 *   - a foreign key's definition text is written one way
 *     (rt_sq_fk_text), whatever the CREATE text said.
 *
 * (The rowid alias, NOT NULL or not, is decided where keys are read:
 * introspect.c.)
 */
#include "internal.h"
#include "dialect/sqlite/sqlite_internal.h"
#include "schema/model.h"

#include <ctype.h>
#include <string.h>
#include <strings.h>

/* See sqlite_internal.h: "FOREIGN KEY (a) REFERENCES p (x) ON UPDATE ... ON DELETE ..." */
void rt_sq_fk_text(sm_constraint *c)
{
	strbuf sb = STRBUF_INIT;
	rt_strbuf_adds(&sb, "FOREIGN KEY (");
	for (size_t i = 0; i < c->ncols; i++) {
		if (i)
			rt_strbuf_adds(&sb, ", ");
		rt_sq_ident(&sb, c->cols[i]);
	}
	rt_strbuf_adds(&sb, ") REFERENCES ");
	rt_sq_ident(&sb, c->ref_table);
	for (size_t i = 0; i < c->nref_cols; i++) {
		rt_strbuf_adds(&sb, i ? ", " : " (");
		rt_sq_ident(&sb, c->ref_cols[i]);
	}
	if (c->nref_cols)
		rt_strbuf_adds(&sb, ")");
	rt_strbuf_addf(&sb, " ON UPDATE %s ON DELETE %s", c->on_update, c->on_delete);
	if (c->match && strcmp(c->match, "NONE"))
		rt_strbuf_addf(&sb, " MATCH %s", c->match);
	if (c->deferred)
		rt_strbuf_adds(&sb, " DEFERRABLE INITIALLY DEFERRED");
	c->def = rt_strbuf_detach(&sb);
}

/* See sqlite_internal.h: the rules of "Determination of Column Affinity", in their order. */
const char *rt_sq_affinity(const char *type)
{
	char up[64];
	size_t n = 0;
	for (const char *s = type ? type : ""; *s && n + 1 < sizeof(up); s++)
		up[n++] = (char)toupper((unsigned char)*s);
	up[n] = '\0';
	if (strstr(up, "INT"))
		return "INTEGER";
	if (strstr(up, "CHAR") || strstr(up, "CLOB") || strstr(up, "TEXT"))
		return "TEXT";
	if (!n || strstr(up, "BLOB"))
		return "BLOB";
	if (strstr(up, "REAL") || strstr(up, "FLOA") || strstr(up, "DOUB"))
		return "REAL";
	return "NUMERIC";
}

/* The table of s named name (SQLite compares names without case). */
static sm_table *table_ci(const sm_schema *s, const char *name)
{
	for (size_t i = 0; i < s->ntables; i++)
		if (!strcasecmp(s->tables[i].name, name))
			return &s->tables[i];
	return NULL;
}

/* REFERENCES p without columns means p's primary key: name its columns. */
static void implied_ref_cols(const sm_schema *s, sm_constraint *c)
{
	const sm_table *p = c->nref_cols ? NULL : table_ci(s, c->ref_table);
	for (size_t i = 0; p && i < p->ncons; i++) {
		const sm_constraint *k = &p->cons[i];
		if (k->kind != SM_PRIMARY || k->ncols != c->ncols)
			continue;
		for (size_t j = 0; j < k->ncols; j++)
			rt_sm_strv_push(&c->ref_cols, &c->nref_cols, k->cols[j]);
		free(c->def);
		rt_sq_fk_text(c);
		return;
	}
}

/*
 * Is s an integer SQLite reads back as written, -?(0|[1-9][0-9]*), the
 * minus maybe spaced off as the canonical text writes it ("- 2")?
 */
static int plain_integer(const char *s, size_t n)
{
	size_t i = n && s[0] == '-';
	while (i && i < n && s[i] == ' ')
		i++;
	if (i == n || (s[i] == '0' && n > i + 1))
		return 0;
	for (; i < n; i++)
		if (!isdigit((unsigned char)s[i]))
			return 0;
	return 1;
}

/*
 * DEFAULT '1' is DEFAULT 1 where the column converts one into the other:
 * text that reads as an integer becomes the integer under INTEGER, REAL
 * and NUMERIC affinity, an integer becomes its text under TEXT.  Written
 * as the column stores it (BLOB affinity converts nothing).
 */
static void numeric_default(sm_column *c)
{
	size_t n = c->def ? strlen(c->def) : 0;
	const char *aff = rt_sq_affinity(c->type);
	if (!strcmp(aff, "BLOB") || !n)
		return;
	int quoted = n >= 3 && c->def[0] == '\'' && c->def[n - 1] == '\'';
	char *to = NULL;
	if (!strcmp(aff, "TEXT") && !quoted && plain_integer(c->def, n))
		to = rt_xasprintf("'%s%s'", c->def[0] == '-' ? "-" : "",
				  c->def + strspn(c->def, "- "));
	else if (strcmp(aff, "TEXT") && quoted && plain_integer(c->def + 1, n - 2) && c->def[1] != ' ') {
		char *bare = rt_xstrndup(c->def + 1, n - 2);
		to = rt_sq_canon_text(bare, SQ_CANON_KEYWORDS | SQ_CANON_IDENTS);
		free(bare);
	}
	if (to) {
		free(c->def);
		c->def = to;
	}
}

/* See sqlite_internal.h. */
void rt_sq_spellings(sm_schema *s)
{
	for (size_t i = 0; i < s->ntables; i++) {
		sm_table *t = &s->tables[i];
		for (size_t j = 0; j < t->ncons; j++)
			if (t->cons[j].kind == SM_FOREIGN)
				implied_ref_cols(s, &t->cons[j]);
		for (size_t j = 0; j < t->ncols; j++)
			if (!t->cols[j].generated)
				numeric_default(&t->cols[j]);
	}
}

/* See sqlite_internal.h: the canonical text without the ASC of key columns. */
char *rt_sq_index_canon(const char *sql)
{
	sq_tokens t = { 0 };
	rt_sq_tokenize(sql, strlen(sql), &t);
	size_t k = 0;
	for (size_t i = 0; i < t.n; i++) {
		const sq_token *next = i + 1 < t.n ? &t.v[i + 1] : NULL;
		if (rt_sq_is(&t.v[i], "ASC") && t.v[i].depth == 1 && next &&
		    (rt_sq_punct(next, ",") || rt_sq_punct(next, ")")))
			continue;
		t.v[k++] = t.v[i];
	}
	strbuf sb = STRBUF_INIT;
	rt_sq_canon(&sb, t.v, k, SQ_CANON_FOLD | SQ_CANON_IDENTS);
	rt_sq_tokens_free(&t);
	return rt_strbuf_detach(&sb);
}
