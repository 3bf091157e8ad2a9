/*
 * table_text.c - what a SQLite CREATE TABLE text says beyond the PRAGMAs:
 * CHECK constraints, column collations, generation expressions,
 * AUTOINCREMENT, constraint names, ON CONFLICT clauses, deferrable foreign
 * keys, WITHOUT ROWID and STRICT.  Read by tokens (sqtext.c), element by
 * element; introspect.c matches what is found here to the catalog's rows.
 */
#include "internal.h"
#include "dialect/sqlite/sqlite_internal.h"
#include "schema/model.h"
#include "sqltext.h"

#include <ctype.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

/* See sqlite_internal.h. */
void rt_sq_tx_free(tx_info *t)
{
	for (size_t i = 0; i < t->ncols; i++) {
		free(t->cols[i].name);
		free(t->cols[i].collation);
		free(t->cols[i].generated);
		free(t->cols[i].notnull_conflict);
	}
	free(t->cols);
	for (size_t i = 0; i < t->ncons; i++) {
		free(t->cons[i].name);
		free(t->cons[i].conflict);
		free(t->cons[i].expr);
		rt_strlist_free(&t->cons[i].cols);
		free(t->cons[i].ref);
	}
	free(t->cons);
}

/* A new constraint, taking the pending CONSTRAINT name. */
static tx_con *tx_add(tx_info *t, char kind, char **pending)
{
	t->cons = rt_xrealloc(t->cons, (t->ncons + 1) * sizeof(*t->cons));
	tx_con *c = &t->cons[t->ncons++];
	memset(c, 0, sizeof(*c));
	c->kind = kind;
	c->name = *pending;
	*pending = NULL;
	return c;
}

static char *upper_name(const sq_token *t)
{
	char *s = rt_sq_name(t);
	for (char *p = s; *p; p++)
		*p = (char)toupper((unsigned char)*p);
	return s;
}

/* ON CONFLICT x at v[i]: the resolution into *out; the index after it. */
static size_t conflict_clause(const sq_token *v, size_t i, size_t end, char **out)
{
	if (i + 2 < end && rt_sq_is(&v[i], "ON") && rt_sq_is(&v[i + 1], "CONFLICT")) {
		free(*out);
		*out = upper_name(&v[i + 2]);
		return i + 3;
	}
	return i;
}

/* The canonical text inside the parentheses opening at v[i]; index after them. */
static size_t paren_text(const sq_token *v, size_t end, size_t i, char **out)
{
	if (i >= end || !rt_sq_punct(&v[i], "(")) {
		*out = rt_xstrdup("");
		return i;
	}
	size_t close = rt_sq_close(v, end, i);
	strbuf sb = STRBUF_INIT;
	rt_sq_canon(&sb, v + i + 1, close - i - 1, SQ_CANON_FOLD | SQ_CANON_IDENTS);
	*out = rt_strbuf_detach(&sb);
	return close < end ? close + 1 : end;
}

/* The first name of each comma-separated item inside the ( at v[i]. */
static size_t name_list(const sq_token *v, size_t end, size_t i, rt_strlist *out)
{
	if (i >= end || !rt_sq_punct(&v[i], "("))
		return i;
	size_t close = rt_sq_close(v, end, i);
	int want = 1;
	for (size_t j = i + 1; j < close; j++) {
		if (v[j].depth == v[i].depth + 1 && rt_sq_punct(&v[j], ",")) {
			want = 1;
		} else if (want) {
			char *name = rt_sq_name(&v[j]);
			rt_strlist_push(out, name);
			free(name);
			want = 0;
		}
	}
	return close < end ? close + 1 : end;
}

/* ON DELETE|UPDATE action at v[i] (SET NULL, SET DEFAULT, NO ACTION ...). */
static size_t fk_action(const sq_token *v, size_t end, size_t i)
{
	i += 2;
	if (i < end && (rt_sq_is(&v[i], "SET") || rt_sq_is(&v[i], "NO")))
		i++;
	return i < end ? i + 1 : end;
}

/*
 * REFERENCES parent [(cols)] then actions, MATCH and deferral, at v[i].
 * Only DEFERRABLE INITIALLY DEFERRED defers a SQLite foreign key.
 */
static size_t fk_clause(const sq_token *v, size_t end, size_t i, tx_con *c)
{
	i++;
	if (i < end) {
		c->ref = rt_sq_name(&v[i]);
		i++;
	}
	if (i < end && rt_sq_punct(&v[i], "("))
		i = rt_sq_close(v, end, i) + 1;
	while (i < end) {
		if (rt_sq_is(&v[i], "ON") && i + 1 < end && !rt_sq_is(&v[i + 1], "CONFLICT")) {
			i = fk_action(v, end, i);
		} else if (rt_sq_is(&v[i], "MATCH")) {
			i += 2;
		} else if (rt_sq_is(&v[i], "NOT") && i + 1 < end && rt_sq_is(&v[i + 1], "DEFERRABLE")) {
			i += 2;
			if (i + 1 < end && rt_sq_is(&v[i], "INITIALLY"))
				i += 2;
		} else if (rt_sq_is(&v[i], "DEFERRABLE")) {
			i++;
			if (i + 1 < end && rt_sq_is(&v[i], "INITIALLY")) {
				c->deferred = rt_sq_is(&v[i + 1], "DEFERRED");
				i += 2;
			}
		} else {
			break;
		}
	}
	return i < end ? i : end;
}

/* PRIMARY KEY [ASC|DESC] [ON CONFLICT x] [AUTOINCREMENT] on a column. */
static size_t column_pk(tx_info *t, tx_col *col, const sq_token *v, size_t end,
			size_t i, char **pending)
{
	tx_con *c = tx_add(t, SM_PRIMARY, pending);
	rt_strlist_push(&c->cols, col->name);
	c->inline_col = 1;
	i += 2;
	if (i < end && (rt_sq_is(&v[i], "ASC") || rt_sq_is(&v[i], "DESC")))
		i++;
	i = conflict_clause(v, i, end, &c->conflict);
	if (i < end && rt_sq_is(&v[i], "AUTOINCREMENT")) {
		t->autoincrement = 1;
		i++;
	}
	return i;
}

/* GENERATED ALWAYS AS (expr) [STORED|VIRTUAL], or AS (expr) ... */
static size_t generated(tx_col *col, const sq_token *v, size_t end, size_t i)
{
	while (i < end && !rt_sq_punct(&v[i], "("))
		i++;
	free(col->generated);
	i = paren_text(v, end, i, &col->generated);
	if (i < end && (rt_sq_is(&v[i], "STORED") || rt_sq_is(&v[i], "VIRTUAL")))
		i++;
	return i;
}

/* DEFAULT value: a literal, a signed number, a word or ( expr ). */
static size_t skip_default(const sq_token *v, size_t end, size_t i)
{
	i++;
	if (i < end && (rt_sq_punct(&v[i], "-") || rt_sq_punct(&v[i], "+")))
		i++;
	if (i < end && rt_sq_punct(&v[i], "("))
		return rt_sq_close(v, end, i) + 1;
	return i + 1;
}

/* One step through a column definition at v[i]; the index after it. */
static size_t column_step(tx_info *t, tx_col *col, const sq_token *v, size_t end,
			  size_t i, char **pending)
{
	if (rt_sq_is(&v[i], "CONSTRAINT") && i + 1 < end) {
		free(*pending);
		*pending = rt_sq_name(&v[i + 1]);
		return i + 2;
	}
	if (rt_sq_is(&v[i], "PRIMARY"))
		return column_pk(t, col, v, end, i, pending);
	if (rt_sq_is(&v[i], "NOT") && i + 1 < end && rt_sq_is(&v[i + 1], "NULL"))
		return conflict_clause(v, i + 2, end, &col->notnull_conflict);
	if (rt_sq_is(&v[i], "UNIQUE")) {
		tx_con *c = tx_add(t, SM_UNIQUE, pending);
		rt_strlist_push(&c->cols, col->name);
		c->inline_col = 1;
		return conflict_clause(v, i + 1, end, &c->conflict);
	}
	if (rt_sq_is(&v[i], "CHECK")) {
		tx_con *c = tx_add(t, SM_CHECK, pending);
		rt_strlist_push(&c->cols, col->name);
		c->inline_col = 1;
		return paren_text(v, end, i + 1, &c->expr);
	}
	if (rt_sq_is(&v[i], "REFERENCES")) {
		tx_con *c = tx_add(t, SM_FOREIGN, pending);
		rt_strlist_push(&c->cols, col->name);
		c->inline_col = 1;
		return fk_clause(v, end, i, c);
	}
	if (rt_sq_is(&v[i], "DEFAULT"))
		return skip_default(v, end, i);
	if (rt_sq_is(&v[i], "COLLATE") && i + 1 < end) {
		free(col->collation);
		col->collation = upper_name(&v[i + 1]);
		return i + 2;
	}
	if ((rt_sq_is(&v[i], "GENERATED") && i + 1 < end && rt_sq_is(&v[i + 1], "ALWAYS")) ||
	    (rt_sq_is(&v[i], "AS") && i + 1 < end && rt_sq_punct(&v[i + 1], "(")))
		return generated(col, v, end, i);
	if (rt_sq_punct(&v[i], "("))
		return rt_sq_close(v, end, i) + 1;
	return i + 1; /* the type's words, NULL, ON CONFLICT of NULL ... */
}

/* A column definition: its collation, generation and inline constraints. */
static void scan_column(tx_info *t, const sq_token *v, size_t first, size_t end)
{
	t->cols = rt_xrealloc(t->cols, (t->ncols + 1) * sizeof(*t->cols));
	tx_col *col = &t->cols[t->ncols++];
	memset(col, 0, sizeof(*col));
	col->name = rt_sq_name(&v[first]);
	char *pending = NULL;
	for (size_t i = first + 1; i < end;)
		i = column_step(t, col, v, end, i, &pending);
	free(pending);
	if (col->collation && !strcmp(col->collation, "BINARY")) {
		free(col->collation);
		col->collation = NULL;
	}
}

/* One table constraint at v[i] (several may follow without commas). */
static size_t table_step(tx_info *t, const sq_token *v, size_t end, size_t i,
			 char **pending)
{
	if (rt_sq_is(&v[i], "CONSTRAINT") && i + 1 < end) {
		free(*pending);
		*pending = rt_sq_name(&v[i + 1]);
		return i + 2;
	}
	if ((rt_sq_is(&v[i], "PRIMARY") || rt_sq_is(&v[i], "FOREIGN")) && i + 1 < end &&
	    rt_sq_is(&v[i + 1], "KEY")) {
		int fk = rt_sq_is(&v[i], "FOREIGN");
		tx_con *c = tx_add(t, fk ? SM_FOREIGN : SM_PRIMARY, pending);
		i = name_list(v, end, i + 2, &c->cols);
		if (fk)
			return i < end && rt_sq_is(&v[i], "REFERENCES") ? fk_clause(v, end, i, c) : i;
		return conflict_clause(v, i, end, &c->conflict);
	}
	if (rt_sq_is(&v[i], "UNIQUE")) {
		tx_con *c = tx_add(t, SM_UNIQUE, pending);
		i = name_list(v, end, i + 1, &c->cols);
		return conflict_clause(v, i, end, &c->conflict);
	}
	if (rt_sq_is(&v[i], "CHECK")) {
		tx_con *c = tx_add(t, SM_CHECK, pending);
		i = paren_text(v, end, i + 1, &c->expr);
		return conflict_clause(v, i, end, &c->conflict);
	}
	return rt_sq_punct(&v[i], "(") ? rt_sq_close(v, end, i) + 1 : i + 1;
}

/* A table constraint element (several constraints may share one). */
static void scan_constraints(tx_info *t, const sq_token *v, size_t first, size_t end)
{
	char *pending = NULL;
	for (size_t i = first; i < end;)
		i = table_step(t, v, end, i, &pending);
	free(pending);
}

/* WITHOUT ROWID and STRICT after the body, and any AUTOINCREMENT in it. */
static void scan_options(tx_info *t, const sq_table_text *tt)
{
	const sq_token *v = tt->tok.v;
	for (size_t i = tt->close + 1; i < tt->tok.n; i++) {
		if (rt_sq_is(&v[i], "ROWID"))
			t->without_rowid = 1;
		if (rt_sq_is(&v[i], "STRICT"))
			t->strict = 1;
	}
	for (size_t i = tt->name_end; i < tt->close; i++)
		if (rt_sq_is(&v[i], "AUTOINCREMENT"))
			t->autoincrement = 1;
}

/* See sqlite_internal.h. */
int rt_sq_tx_scan(const char *sql, tx_info *t)
{
	memset(t, 0, sizeof(*t));
	sq_table_text tt;
	if (rt_sq_table_parse(sql, &tt) < 0) {
		rt_sq_table_text_free(&tt);
		return -1;
	}
	for (size_t i = 0; i < tt.nelems; i++) {
		const sq_elem *e = &tt.elems[i];
		if (rt_sq_elem_is_constraint(&tt, e))
			scan_constraints(t, tt.tok.v, e->first, e->end);
		else
			scan_column(t, tt.tok.v, e->first, e->end);
	}
	scan_options(t, &tt);
	rt_sq_table_text_free(&tt);
	return 0;
}

/* See sqlite_internal.h. */
tx_col *rt_sq_tx_find_col(const tx_info *t, const char *name)
{
	for (size_t i = 0; i < t->ncols; i++)
		if (!strcasecmp(t->cols[i].name, name))
			return &t->cols[i];
	return NULL;
}

static int same_names(const rt_strlist *a, char *const *b, size_t nb)
{
	if (a->n != nb)
		return 0;
	for (size_t i = 0; i < nb; i++)
		if (strcasecmp(a->v[i], b[i]))
			return 0;
	return 1;
}

/* See sqlite_internal.h. */
tx_con *rt_sq_tx_match(tx_info *t, char kind, char *const *cols, size_t ncols,
			const char *ref)
{
	for (size_t i = 0; i < t->ncons; i++) {
		tx_con *c = &t->cons[i];
		if (c->used || c->kind != kind || !same_names(&c->cols, cols, ncols))
			continue;
		if (ref && (!c->ref || strcasecmp(c->ref, ref)))
			continue;
		c->used = 1;
		return c;
	}
	return NULL;
}
