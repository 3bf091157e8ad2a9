/*
 * introspect.c - read a SQLite database's schema into the model, from its
 * own catalog.
 *
 * sqlite_schema lists the objects; PRAGMA table_list, table_xinfo,
 * index_list, index_xinfo and foreign_key_list describe tables, columns
 * (hidden generated ones included), keys, unique constraints and foreign
 * keys.  What no PRAGMA reports - CHECK constraints, column collations,
 * generation expressions, AUTOINCREMENT, constraint names, ON CONFLICT
 * clauses, deferrable foreign keys - comes from the CREATE TABLE text
 * SQLite keeps in sqlite_schema, found by tokens, never by a grammar
 * (table_text.c).
 * Views, triggers and explicit indexes are compared by the canonical form
 * of their text (comments gone, whitespace and keyword case settled) and
 * created again from the text as written.
 *
 * Left out: SQLite's own sqlite_* tables, the shadow tables of virtual
 * tables (their virtual table makes them), and retort's version and
 * history tables.
 */
#include "internal.h"
#include "dialect/dialect.h"
#include "dialect/sqlite/sqlite_internal.h"
#include "schema/model.h"
#include "sqltext.h"

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

/* One row of sqlite_schema. */
typedef struct master_row {
	char *type, *name, *tbl, *sql;
} master_row;

/* One row of PRAGMA table_list (absent before SQLite 3.37). */
typedef struct list_row {
	char *name, *type;
	int wr, strict;
} list_row;

typedef struct ictx {
	rt_conn *c;
	rt_error *err;
	sm_schema *s;
	master_row *rows;
	size_t nrows;
	list_row *list;
	size_t nlist;
	int have_list;
	const char *version_table;
	char *history_table;
} ictx;

/* Run a query; fn gets each row with text values. */
static int query(ictx *x, const char *sql, rt_row_fn fn, void *ud)
{
	return rt_dialect_sqlite.query(x->c, sql, fn, ud, x->err);
}

static char *dup_or_null(const char *s)
{
	return s ? rt_xstrdup(s) : NULL;
}

static int master_cb(void *ud, int n, const char *const *v)
{
	ictx *x = ud;
	(void)n;
	x->rows = rt_xrealloc(x->rows, (x->nrows + 1) * sizeof(*x->rows));
	x->rows[x->nrows++] = (master_row){ dup_or_null(v[0]), dup_or_null(v[1]),
					    dup_or_null(v[2]), dup_or_null(v[3]) };
	return 0;
}

/*
 * A row of PRAGMA table_list (schema, name, type, ncol, wr, strict), kept
 * only for the main schema.  A table or view in temp or an attached
 * database (a schema file that says CREATE TEMP TABLE, or ATTACHes one)
 * is not part of the database and is listed as unsupported rather than
 * dropped from the comparison unnoticed.
 */
static int list_cb(void *ud, int n, const char *const *v)
{
	ictx *x = ud;
	(void)n;
	if (!v[0] || !v[1])
		return 0;
	if (strcmp(v[0], "main")) {
		if (strncmp(v[1], "sqlite_", 7)) {
			char *what = rt_xasprintf("%s %s.%s (in %s, not in the database itself)",
					       v[2] ? v[2] : "table", v[0], v[1],
					       strcmp(v[0], "temp") ? "an attached database" : "temp");
			rt_sm_add_unsupported(x->s, what);
			free(what);
		}
		return 0;
	}
	x->list = rt_xrealloc(x->list, (x->nlist + 1) * sizeof(*x->list));
	x->list[x->nlist++] = (list_row){ dup_or_null(v[1]), dup_or_null(v[2]),
					  v[4] && atoi(v[4]), v[5] && atoi(v[5]) };
	return 0;
}

static const list_row *list_find(const ictx *x, const char *name)
{
	for (size_t i = 0; i < x->nlist; i++)
		if (x->list[i].name && !strcasecmp(x->list[i].name, name))
			return &x->list[i];
	return NULL;
}

/* head 'name' tail: a query about one object. */
static char *with_name(const char *head, const char *name, const char *tail)
{
	strbuf sb = STRBUF_INIT;
	rt_strbuf_adds(&sb, head);
	rt_sql_literal(&sb, name);
	rt_strbuf_adds(&sb, tail);
	return rt_strbuf_detach(&sb);
}

/* ------------------------------------------------------------------ */
/* Columns, keys and foreign keys from the PRAGMAs                      */
/* ------------------------------------------------------------------ */

typedef struct tctx {
	ictx *x;
	sm_table *t;
	tx_info *tx;
} tctx;

static char *canon_or_null(const char *s, int flags)
{
	return s ? rt_sq_canon_text(s, flags) : NULL;
}

/* name, type, notnull, dflt_value, pk, hidden */
static int column_cb(void *ud, int n, const char *const *v)
{
	tctx *tc = ud;
	(void)n;
	sm_column *col = rt_sm_add_column(tc->t);
	col->name = rt_xstrdup(v[0] ? v[0] : "");
	col->type = canon_or_null(v[1] ? v[1] : "", SQ_CANON_UPPER | SQ_CANON_IDENTS);
	col->notnull = v[2] && atoi(v[2]);
	col->def = canon_or_null(v[3], SQ_CANON_KEYWORDS | SQ_CANON_IDENTS);
	if (col->def && !strcmp(col->def, "NULL")) {
		free(col->def); /* DEFAULT NULL is no default */
		col->def = NULL;
	}
	col->pk = v[4] ? atoi(v[4]) : 0;
	int hidden = v[5] ? atoi(v[5]) : 0;
	col->stored = hidden == 3;
	const tx_col *w = rt_sq_tx_find_col(tc->tx, col->name);
	if (w) {
		col->collation = dup_or_null(w->collation);
		if (hidden == 2 || hidden == 3)
			col->generated = rt_xstrdup(w->generated ? w->generated : "");
	}
	return 0;
}

/* One key column of an automatic index. */
typedef struct keycol {
	char *name;
	int desc;
	char *coll;
} keycol;

typedef struct keycols {
	keycol *v;
	size_t n;
} keycols;

/* name, desc, coll of key columns */
static int keycol_cb(void *ud, int n, const char *const *v)
{
	keycols *k = ud;
	(void)n;
	k->v = rt_xrealloc(k->v, (k->n + 1) * sizeof(*k->v));
	k->v[k->n++] = (keycol){ rt_xstrdup(v[0] ? v[0] : ""), v[1] && atoi(v[1]),
				 dup_or_null(v[2]) };
	return 0;
}

static void keycols_free(keycols *k)
{
	for (size_t i = 0; i < k->n; i++) {
		free(k->v[i].name);
		free(k->v[i].coll);
	}
	free(k->v);
}

/* The key columns of an index, in order, from PRAGMA index_xinfo. */
static int read_keycols(ictx *x, const char *index, keycols *k)
{
	char *q = with_name("SELECT name, \"desc\", coll FROM pragma_index_xinfo(", index,
			    ") WHERE key ORDER BY seqno");
	int rc = query(x, q, keycol_cb, k);
	free(q);
	return rc;
}

/* "(a, b DESC, c COLLATE NOCASE)": the key as the index has it. */
static void key_text(strbuf *sb, const keycols *k)
{
	rt_strbuf_adds(sb, "(");
	for (size_t i = 0; i < k->n; i++) {
		if (i)
			rt_strbuf_adds(sb, ", ");
		rt_sq_ident(sb, k->v[i].name);
		if (k->v[i].desc)
			rt_strbuf_adds(sb, " DESC");
		if (k->v[i].coll && strcasecmp(k->v[i].coll, "BINARY")) {
			rt_strbuf_adds(sb, " COLLATE ");
			for (const char *p = k->v[i].coll; *p; p++)
				rt_strbuf_addc(sb, (char)toupper((unsigned char)*p));
		}
	}
	rt_strbuf_adds(sb, ")");
}

/* A PRIMARY KEY or UNIQUE constraint from its key columns and the text. */
static void add_key_constraint(tctx *tc, char kind, const keycols *k)
{
	sm_constraint *c = rt_sm_add_constraint(tc->t);
	c->kind = kind;
	c->validated = 1;
	for (size_t i = 0; i < k->n; i++)
		rt_sm_strv_push(&c->cols, &c->ncols, k->v[i].name);
	const tx_con *w = rt_sq_tx_match(tc->tx, kind, c->cols, c->ncols, NULL);
	strbuf sb = STRBUF_INIT;
	rt_strbuf_adds(&sb, kind == SM_PRIMARY ? "PRIMARY KEY " : "UNIQUE ");
	key_text(&sb, k);
	if (w && w->conflict)
		rt_strbuf_addf(&sb, " ON CONFLICT %s", w->conflict);
	c->def = rt_strbuf_detach(&sb);
	c->name = w ? dup_or_null(w->name) : NULL;
}

/*
 * The primary key of a rowid table whose key is the rowid: no index.  Its
 * one column is the rowid, never NULL, NOT NULL written or not (as
 * SQLAlchemy writes it, "id INTEGER NOT NULL, ..., PRIMARY KEY (id)", or by
 * hand, "id INTEGER PRIMARY KEY").
 */
static void add_rowid_key(tctx *tc)
{
	keycols k = { 0 };
	for (int pos = 1; pos <= (int)tc->t->ncols; pos++)
		for (size_t i = 0; i < tc->t->ncols; i++)
			if (tc->t->cols[i].pk == pos) {
				k.v = rt_xrealloc(k.v, (k.n + 1) * sizeof(*k.v));
				k.v[k.n++] = (keycol){ rt_xstrdup(tc->t->cols[i].name), 0, NULL };
				if (pos == 1)
					tc->t->cols[i].notnull = 1;
			}
	if (k.n)
		add_key_constraint(tc, SM_PRIMARY, &k);
	keycols_free(&k);
}

/* One row of PRAGMA index_list, kept until the table's columns are read. */
typedef struct idx_row {
	char *name;
	int unique;
	char origin[4];
} idx_row;

typedef struct idx_rows {
	idx_row *v;
	size_t n;
} idx_rows;

/* name, unique, origin */
static int index_cb(void *ud, int n, const char *const *v)
{
	idx_rows *r = ud;
	(void)n;
	r->v = rt_xrealloc(r->v, (r->n + 1) * sizeof(*r->v));
	idx_row *row = &r->v[r->n++];
	memset(row, 0, sizeof(*row));
	row->name = rt_xstrdup(v[0] ? v[0] : "");
	row->unique = v[1] && atoi(v[1]);
	snprintf(row->origin, sizeof(row->origin), "%s", v[2] ? v[2] : "");
	return 0;
}

static const master_row *master_find(const ictx *x, const char *type,
				     const char *name)
{
	for (size_t i = 0; i < x->nrows; i++)
		if (x->rows[i].type && !strcmp(x->rows[i].type, type) &&
		    x->rows[i].name && !strcasecmp(x->rows[i].name, name))
			return &x->rows[i];
	return NULL;
}

/* An index made by CREATE INDEX: its text, canonical and as written. */
static void add_explicit_index(tctx *tc, const idx_row *r)
{
	const master_row *m = master_find(tc->x, "index", r->name);
	if (!m || !m->sql)
		return;
	sm_index *ix = rt_sm_add_index(tc->t);
	ix->name = rt_xstrdup(m->name);
	ix->def = rt_sq_index_canon(m->sql);
	ix->sql = rt_xstrdup(m->sql);
	ix->unique = r->unique;
}

/* Keys, unique constraints and explicit indexes, from PRAGMA index_list. */
static int read_indexes(tctx *tc)
{
	idx_rows r = { 0 };
	char *q = with_name("SELECT name, \"unique\", origin FROM pragma_index_list(",
			    tc->t->name, ")");
	int rc = query(tc->x, q, index_cb, &r);
	free(q);
	int has_pk_index = 0;
	for (size_t i = 0; rc == 0 && i < r.n; i++) {
		if (!strcmp(r.v[i].origin, "c")) {
			add_explicit_index(tc, &r.v[i]);
			continue;
		}
		keycols k = { 0 };
		rc = read_keycols(tc->x, r.v[i].name, &k);
		int pk = !strcmp(r.v[i].origin, "pk");
		has_pk_index |= pk;
		if (rc == 0)
			add_key_constraint(tc, pk ? SM_PRIMARY : SM_UNIQUE, &k);
		keycols_free(&k);
	}
	if (rc == 0 && !has_pk_index)
		add_rowid_key(tc);
	for (size_t i = 0; i < r.n; i++)
		free(r.v[i].name);
	free(r.v);
	return rc;
}

/* One row of PRAGMA foreign_key_list. */
typedef struct fk_row {
	int id;
	char *table, *from, *to, *on_update, *on_delete, *match;
} fk_row;

typedef struct fk_rows {
	fk_row *v;
	size_t n;
} fk_rows;

/* id, table, from, to, on_update, on_delete, match */
static int fk_cb(void *ud, int n, const char *const *v)
{
	fk_rows *r = ud;
	(void)n;
	r->v = rt_xrealloc(r->v, (r->n + 1) * sizeof(*r->v));
	r->v[r->n++] = (fk_row){ v[0] ? atoi(v[0]) : 0, dup_or_null(v[1]),
				 dup_or_null(v[2]), dup_or_null(v[3]),
				 dup_or_null(v[4]), dup_or_null(v[5]),
				 dup_or_null(v[6]) };
	return 0;
}

/* Frees the strings of every foreign-key row and the array; not r itself. */
static void fk_rows_free(fk_rows *r)
{
	for (size_t i = 0; i < r->n; i++) {
		free(r->v[i].table);
		free(r->v[i].from);
		free(r->v[i].to);
		free(r->v[i].on_update);
		free(r->v[i].on_delete);
		free(r->v[i].match);
	}
	free(r->v);
}

/* One foreign key: rows [first, end) of the same id, in seq order. */
static void add_fk(tctx *tc, const fk_row *rows, size_t first, size_t end)
{
	sm_constraint *c = rt_sm_add_constraint(tc->t);
	c->kind = SM_FOREIGN;
	c->validated = 1;
	c->ref_table = rt_xstrdup(rows[first].table ? rows[first].table : "");
	c->on_update = rt_xstrdup(rows[first].on_update ? rows[first].on_update : "NO ACTION");
	c->on_delete = rt_xstrdup(rows[first].on_delete ? rows[first].on_delete : "NO ACTION");
	c->match = dup_or_null(rows[first].match);
	for (size_t i = first; i < end; i++) {
		rt_sm_strv_push(&c->cols, &c->ncols, rows[i].from ? rows[i].from : "");
		if (rows[i].to)
			rt_sm_strv_push(&c->ref_cols, &c->nref_cols, rows[i].to);
	}
	const tx_con *w = rt_sq_tx_match(tc->tx, SM_FOREIGN, c->cols, c->ncols, c->ref_table);
	if (w) {
		c->name = dup_or_null(w->name);
		c->deferrable = c->deferred = w->deferred;
	}
	rt_sq_fk_text(c);
}

/*
 * Foreign keys.  The PRAGMA numbers them last-declared first, so they are
 * matched to the written clauses (for names and deferral) from the highest id.
 */
static int read_fks(tctx *tc)
{
	fk_rows r = { 0 };
	char *q = with_name("SELECT id, \"table\", \"from\", \"to\", on_update, on_delete, "
			    "\"match\" FROM pragma_foreign_key_list(", tc->t->name,
			    ") ORDER BY id DESC, seq");
	int rc = query(tc->x, q, fk_cb, &r);
	free(q);
	for (size_t i = 0; rc == 0 && i < r.n;) {
		size_t j = i;
		while (j < r.n && r.v[j].id == r.v[i].id)
			j++;
		add_fk(tc, r.v, i, j);
		i = j;
	}
	fk_rows_free(&r);
	return rc;
}

/* CHECK constraints (the catalog has no list of them) from the text. */
static void add_checks(tctx *tc)
{
	for (size_t i = 0; i < tc->tx->ncons; i++) {
		const tx_con *w = &tc->tx->cons[i];
		if (w->kind != SM_CHECK)
			continue;
		sm_constraint *c = rt_sm_add_constraint(tc->t);
		c->kind = SM_CHECK;
		c->validated = 1;
		c->name = dup_or_null(w->name);
		c->def = rt_xasprintf("CHECK (%s)", w->expr ? w->expr : "");
		if (w->inline_col)
			rt_sm_strv_push(&c->cols, &c->ncols, w->cols.v[0]);
	}
}

static int cmp_strp(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* Clauses with no field of their own (NOT NULL ON CONFLICT), as options. */
static void add_options(tctx *tc)
{
	rt_strlist l = { 0 };
	for (size_t i = 0; i < tc->tx->ncols; i++) {
		const tx_col *c = &tc->tx->cols[i];
		if (!c->notnull_conflict)
			continue;
		char *s = rt_xasprintf("%s NOT NULL ON CONFLICT %s", c->name, c->notnull_conflict);
		rt_strlist_push(&l, s);
		free(s);
	}
	if (!l.n)
		return;
	qsort(l.v, l.n, sizeof(char *), cmp_strp);
	strbuf sb = STRBUF_INIT;
	rt_strlist_join(&sb, &l, "; ");
	tc->t->options = rt_strbuf_detach(&sb);
	rt_strlist_free(&l);
}

/* Columns, hidden generated ones included, from PRAGMA table_xinfo. */
static int read_columns(tctx *tc)
{
	char *q = with_name("SELECT name, type, \"notnull\", dflt_value, pk, hidden "
			    "FROM pragma_table_xinfo(", tc->t->name, ") ORDER BY cid");
	int rc = query(tc->x, q, column_cb, tc);
	free(q);
	return rc;
}

/* An ordinary table: columns, keys, constraints, indexes. */
static int load_table(ictx *x, const master_row *m)
{
	tx_info tx;
	if (rt_sq_tx_scan(m->sql, &tx) < 0) {
		rt_sq_tx_free(&tx);
		char *what = rt_xasprintf("table %s (its CREATE TABLE text has no column list)", m->name);
		rt_sm_add_unsupported(x->s, what);
		free(what);
		return 0;
	}
	sm_table *t = rt_sm_add_table(x->s);
	t->name = rt_xstrdup(m->name);
	t->sql = rt_xstrdup(m->sql);
	const list_row *l = list_find(x, m->name);
	t->without_rowid = l ? l->wr : tx.without_rowid;
	t->strict = l ? l->strict : tx.strict;
	t->autoincrement = tx.autoincrement;
	tctx tc = { x, t, &tx };
	int rc = read_columns(&tc);
	if (rc == 0)
		rc = read_indexes(&tc);
	if (rc == 0)
		rc = read_fks(&tc);
	if (rc == 0) {
		add_checks(&tc);
		add_options(&tc);
	}
	rt_sq_tx_free(&tx);
	return rc;
}

/* A virtual table: kept and compared as its definition. */
static void load_virtual(ictx *x, const master_row *m)
{
	sm_table *t = rt_sm_add_table(x->s);
	t->name = rt_xstrdup(m->name);
	t->is_virtual = 1;
	t->sql = rt_sq_squeeze(m->sql);
}

/* ------------------------------------------------------------------ */
/* Which tables belong to the schema                                    */
/* ------------------------------------------------------------------ */

static int is_virtual_sql(const char *sql)
{
	return sql && !strncasecmp(sql, "CREATE VIRTUAL TABLE", 20);
}

/*
 * A shadow table of a virtual table.  PRAGMA table_list says so for the
 * modules that declare their shadow tables (FTS3/4/5, R-Tree); before
 * SQLite 3.37 the names those modules use decide.
 */
static int is_shadow(const ictx *x, const char *name)
{
	if (x->have_list) {
		const list_row *l = list_find(x, name);
		return l && l->type && !strcmp(l->type, "shadow");
	}
	static const char *const suffixes[] = { "_content", "_segments", "_segdir",
						"_docsize", "_stat", "_data", "_idx",
						"_config", "_node", "_parent", "_rowid",
						NULL };
	for (size_t i = 0; i < x->nrows; i++) {
		const master_row *m = &x->rows[i];
		size_t n = m->name ? strlen(m->name) : 0;
		if (!is_virtual_sql(m->sql) || strncasecmp(name, m->name, n))
			continue;
		for (int k = 0; suffixes[k]; k++)
			if (!strcasecmp(name + n, suffixes[k]))
				return 1;
	}
	return 0;
}

/* SQLite's own tables, shadow tables and retort's tables are not the schema's. */
static int skipped_table(const ictx *x, const char *name)
{
	return !strncasecmp(name, "sqlite_", 7) || !strcasecmp(name, x->version_table) ||
	       !strcasecmp(name, x->history_table) || is_shadow(x, name);
}

static sm_table *find_table(const sm_schema *s, const char *name)
{
	for (size_t i = 0; i < s->ntables; i++)
		if (!strcasecmp(s->tables[i].name, name))
			return &s->tables[i];
	return NULL;
}

static sm_view *find_view(const sm_schema *s, const char *name)
{
	for (size_t i = 0; i < s->nviews; i++)
		if (!strcasecmp(s->views[i].name, name))
			return &s->views[i];
	return NULL;
}

/* Every table of the schema, ordinary or virtual. */
static int load_tables(ictx *x)
{
	for (size_t i = 0; i < x->nrows; i++) {
		const master_row *m = &x->rows[i];
		if (strcmp(m->type, "table") || !m->sql || skipped_table(x, m->name))
			continue;
		if (is_virtual_sql(m->sql))
			load_virtual(x, m);
		else if (load_table(x, m) < 0)
			return -1;
	}
	return 0;
}

/* A view: compared by its canonical text, created from the text as written. */
static void load_view(ictx *x, const master_row *m)
{
	sm_view *v = rt_sm_add_view(x->s);
	v->name = rt_xstrdup(m->name);
	v->def = rt_sq_canon_text(m->sql, SQ_CANON_KEYWORDS | SQ_CANON_IDENTS);
	v->sql = rt_xstrdup(m->sql);
}

static sm_trigger *add_view_trigger(sm_view *v)
{
	v->trg = rt_xrealloc(v->trg, (v->ntrg + 1) * sizeof(*v->trg));
	sm_trigger *tr = &v->trg[v->ntrg++];
	memset(tr, 0, sizeof(*tr));
	return tr;
}

/* A trigger belongs to its table, or to its view (INSTEAD OF). */
static void load_trigger(ictx *x, const master_row *m)
{
	sm_table *t = find_table(x->s, m->tbl);
	sm_view *v = t ? NULL : find_view(x->s, m->tbl);
	if (!t && !v)
		return; /* on one of retort's tables */
	sm_trigger *tr = t ? rt_sm_add_trigger(t) : add_view_trigger(v);
	tr->name = rt_xstrdup(m->name);
	tr->def = rt_sq_canon_text(m->sql, SQ_CANON_FOLD | SQ_CANON_IDENTS);
	tr->sql = rt_xstrdup(m->sql);
}

/* The tables and views a view's text names: what it must be created after. */
static void view_deps(sm_schema *s, sm_view *v)
{
	sq_tokens tok = { 0 };
	rt_sq_tokenize(v->sql, strlen(v->sql), &tok);
	for (size_t i = 0; i < s->ntables; i++)
		if (rt_sq_mentions(tok.v, tok.n, s->tables[i].name))
			rt_sm_strv_push(&v->deps, &v->ndeps, s->tables[i].name);
	for (size_t i = 0; i < s->nviews; i++)
		if (&s->views[i] != v && rt_sq_mentions(tok.v, tok.n, s->views[i].name))
			rt_sm_strv_push(&v->deps, &v->ndeps, s->views[i].name);
	rt_sq_tokens_free(&tok);
}

/*
 * Indexes and triggers a user put on a virtual table's shadow tables:
 * the virtual table's definition does not make them, so they are named.
 */
static void report_on_shadows(ictx *x)
{
	for (size_t i = 0; i < x->nrows; i++) {
		const master_row *m = &x->rows[i];
		if (!m->sql || !m->tbl || strcmp(m->type, "table") == 0 ||
		    strcmp(m->type, "view") == 0 || !is_shadow(x, m->tbl))
			continue;
		char *what = rt_xasprintf("%s %s (on %s, a shadow table of a virtual table)",
				       m->type, m->name, m->tbl);
		rt_sm_add_unsupported(x->s, what);
		free(what);
	}
}

/* Views, then triggers (a trigger may be on a view), then what views read. */
static void load_rest(ictx *x)
{
	report_on_shadows(x);
	for (size_t i = 0; i < x->nrows; i++)
		if (!strcmp(x->rows[i].type, "view"))
			load_view(x, &x->rows[i]);
	for (size_t i = 0; i < x->nrows; i++)
		if (!strcmp(x->rows[i].type, "trigger") && x->rows[i].sql)
			load_trigger(x, &x->rows[i]);
	for (size_t i = 0; i < x->s->nviews; i++)
		view_deps(x->s, &x->s->views[i]);
}

/*
 * Frees what introspection gathered on the way (sqlite_master and
 * table_list rows, the history table's name) -- not the schema, which
 * went to the caller or was already freed.
 */
static void ictx_free(ictx *x)
{
	for (size_t i = 0; i < x->nrows; i++) {
		free(x->rows[i].type);
		free(x->rows[i].name);
		free(x->rows[i].tbl);
		free(x->rows[i].sql);
	}
	free(x->rows);
	for (size_t i = 0; i < x->nlist; i++) {
		free(x->list[i].name);
		free(x->list[i].type);
	}
	free(x->list);
	free(x->history_table);
}

/* PRAGMA table_list, when this SQLite has it (3.37+). */
static void read_table_list(ictx *x)
{
	rt_error e = { 0 };
	rt_error *keep = x->err;
	x->err = &e;
	x->have_list = query(x, "SELECT schema, name, type, ncol, wr, strict "
				"FROM pragma_table_list", list_cb, x) == 0;
	x->err = keep;
	rt_error_clear(&e);
}

/*
 * The schema of the database on c, leaving out cfg's version and history
 * tables (retort_version when cfg is NULL); sorted for comparing.
 */
int rt_sqlite_introspect(rt_conn *c, const rt_config *cfg, sm_schema **out,
			 rt_error *err)
{
	ictx x = { 0 };
	x.c = c;
	x.err = err;
	x.s = rt_sm_new();
	x.version_table = cfg && cfg->version_table ? cfg->version_table : "retort_version";
	x.history_table = rt_xasprintf("%s_history", x.version_table);
	*out = NULL;
	int started = rt_sq_read_begin(c);
	int rc = query(&x, "SELECT type, name, tbl_name, sql FROM sqlite_master "
			   "ORDER BY rowid", master_cb, &x);
	if (rc == 0) {
		read_table_list(&x);
		rc = load_tables(&x);
	}
	rt_sq_read_end(c, started);
	if (rc == 0) {
		load_rest(&x);
		rt_sq_spellings(x.s);
		rt_sm_sort(x.s);
		*out = x.s;
	} else {
		rt_sm_free(x.s);
	}
	ictx_free(&x);
	return rc;
}

/* What the fingerprint collects into, and which tables it leaves out. */
typedef struct fp_ctx {
	strbuf *out;
	const char *vt;
	char *ht;
} fp_ctx;

/* One sqlite_schema row, unless it belongs to retort's tables; fields and rows separated by bytes no name holds. */
static int fingerprint_row(void *ud, int n, const char *const *v)
{
	fp_ctx *f = ud;
	if (n < 4 || (v[2] && (!strcasecmp(v[2], f->vt) || !strcasecmp(v[2], f->ht))))
		return 0;
	for (int i = 0; i < n; i++) {
		rt_strbuf_adds(f->out, v[i] ? v[i] : "\x02");
		rt_strbuf_addc(f->out, '\x1f');
	}
	rt_strbuf_addc(f->out, '\x1e');
	return 0;
}

/*
 * See dialect.h.  SQLite keeps its whole schema as the CREATE text of each
 * object in sqlite_schema, so equal rows mean equal schemas; a rebuilt
 * table whose text is spelled differently, or an object dropped and made
 * again (a new rowid, so another place in the scan), is merely unequal
 * text, and the caller compares models.  Rows come in rowid order: no
 * sort, as this runs twice per revision in retort test.  The text is
 * read whole every time (one small table) and is the same committed or
 * not.
 */
int rt_sqlite_fingerprint(rt_conn *c, const rt_config *cfg, int commit,
			  strbuf *out, rt_error *err)
{
	(void)commit;
	fp_ctx f = { out, cfg && cfg->version_table ? cfg->version_table : "retort_version", NULL };
	f.ht = rt_xasprintf("%s_history", f.vt);
	rt_strbuf_reset(out);
	int rc = rt_dialect_sqlite.query(c, "SELECT type, name, tbl_name, sql FROM main.sqlite_schema",
					 fingerprint_row, &f, err);
	free(f.ht);
	return rc;
}
