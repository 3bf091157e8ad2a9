/*
 * diff.c - the operations that turn one MySQL/MariaDB schema into another.
 *
 * The model holds each column, key and constraint as the line SHOW CREATE
 * TABLE renders for it (introspect.c), so a change is that line written
 * back: ADD COLUMN <line>, MODIFY COLUMN <line>, ADD <key line>.  A table's
 * changes go into one ALTER TABLE, which MySQL applies in one pass; when
 * they are all of a kind the server can do online, the ALTER asks for it
 * (ALGORITHM=INSTANT for adding and dropping columns, ALGORITHM=INPLACE,
 * LOCK=NONE for ordinary indexes), so the server refuses rather than
 * copying the table behind the migration's back.
 *
 * Order: triggers, views and routines that go or change are dropped;
 * foreign keys that go or change are dropped (so the tables and columns
 * under them can go); tables are dropped (those referencing others
 * first); tables are created (referenced ones first; a foreign key to a
 * table created later waits for the end) and altered; routines, views
 * (each after those it reads) and triggers are created; the foreign keys
 * that waited are added.
 */
#include "internal.h"
#include "dialect/dialect.h"
#include "dialect/mysql/mysql_internal.h"
#include "schema/model.h"
#include "schema/ops.h"

#include <stdarg.h>
#include <string.h>

typedef struct mdiff {
	const sm_schema *a, *b;
	const sm_diff_opts *opts;
	sm_ops *out;
	rt_strlist later;      /* "table\tfk line": foreign keys added at the end */
	rt_strlist later_what;
} mdiff;

static int same(const char *x, const char *y)
{
	return (!x && !y) || (x && y && !strcmp(x, y));
}

static const sm_constraint *find_con(const sm_table *t, const char *name)
{
	for (size_t i = 0; t && i < t->ncons; i++)
		if (same(t->cons[i].name, name))
			return &t->cons[i];
	return NULL;
}

static const sm_index *find_idx(const sm_table *t, const char *name)
{
	for (size_t i = 0; t && i < t->nidx; i++)
		if (!strcmp(t->idx[i].name, name))
			return &t->idx[i];
	return NULL;
}

static const sm_trigger *find_trg(const sm_table *t, const char *name)
{
	for (size_t i = 0; t && i < t->ntrg; i++)
		if (!strcmp(t->trg[i].name, name))
			return &t->trg[i];
	return NULL;
}

static const sm_function *find_func(const sm_schema *s, const char *identity)
{
	for (size_t i = 0; i < s->nfuncs; i++)
		if (!strcmp(s->funcs[i].identity, identity))
			return &s->funcs[i];
	return NULL;
}

/* `name` into a fresh string. */
static char *q(const char *name)
{
	strbuf sb = STRBUF_INIT;
	rt_my_quote_ident(&sb, name);
	return rt_strbuf_detach(&sb);
}

/* The first line of a table's options (partitioning is on the lines after it). */
static char *options_head(const char *o)
{
	const char *nl = o ? strchr(o, '\n') : NULL;
	return o ? rt_xstrndup(o, nl ? (size_t)(nl - o) : strlen(o)) : rt_xstrdup("");
}

static const char *options_tail(const char *o)
{
	const char *nl = o ? strchr(o, '\n') : NULL;
	return nl ? nl + 1 : "";
}

/*
 * The NAME of each NAME=value of a table's options line ("DEFAULT CHARSET",
 * "COMMENT"; values may be quoted with spaces), into names.
 */
static void option_names(const char *o, rt_strlist *names)
{
	const char *p = o;
	while (*p) {
		while (*p == ' ')
			p++;
		const char *k = p;
		while (*p && *p != '=')
			p++;
		if (!*p)
			break;
		rt_strlist_pushn(names, k, (size_t)(p - k));
		p++;
		if (*p == '\'') {
			for (p++; *p; p++) {
				if (*p == '\\' && p[1]) {
					p++;
				} else if (*p == '\'') {
					if (p[1] != '\'')
						break;
					p++;
				}
			}
			if (*p)
				p++;
		} else {
			while (*p && *p != ' ')
				p++;
		}
	}
}

/*
 * ALTER TABLE's options clause that turns options a into b: b's options
 * as they are, and each option only a has set back to its default --
 * ALTER TABLE keeps an option it does not name.
 */
static char *options_clause(const char *a, const char *b)
{
	rt_strlist an = { 0 }, bn = { 0 };
	option_names(a, &an);
	option_names(b, &bn);
	strbuf sb = STRBUF_INIT;
	rt_strbuf_adds(&sb, b);
	static const char *const zero[] = { "KEY_BLOCK_SIZE", "CHECKSUM", "DELAY_KEY_WRITE", "MAX_ROWS",
					     "MIN_ROWS", "AVG_ROW_LENGTH", NULL };
	for (size_t i = 0; i < an.n; i++) {
		if (rt_strlist_has(&bn, an.v[i]))
			continue;
		const char *v = "DEFAULT";
		if (!strcmp(an.v[i], "COMMENT"))
			v = "''";
		for (int k = 0; zero[k]; k++)
			if (!strcmp(an.v[i], zero[k]))
				v = "0";
		rt_strbuf_addf(&sb, "%s%s=%s", sb.len ? " " : "", an.v[i], v);
	}
	rt_strlist_free(&an);
	rt_strlist_free(&bn);
	return rt_strbuf_detach(&sb);
}

/* ---------------------------------------------------------------- drops */

static void drop_triggers(mdiff *d)
{
	for (size_t i = 0; i < d->a->ntables; i++) {
		const sm_table *ta = &d->a->tables[i];
		const sm_table *tb = rt_sm_find_table(d->b, NULL, ta->name);
		for (size_t j = 0; j < ta->ntrg; j++) {
			const sm_trigger *g = find_trg(tb, ta->trg[j].name);
			if (!tb || (g && same(g->def, ta->trg[j].def)))
				continue; /* goes with its table, or stays */
			char *n = q(ta->trg[j].name);
			sm_op *op = rt_sm_ops_add(d->out, 0, "drop trigger %s on %s", ta->trg[j].name, ta->name);
			rt_sm_op_sql(op, "DROP TRIGGER IF EXISTS %s", n);
			free(n);
		}
	}
}

static void drop_views(mdiff *d)
{
	for (size_t i = 0; i < d->a->nviews; i++) {
		const sm_view *v = &d->a->views[i];
		const sm_view *w = rt_sm_find_view(d->b, NULL, v->name);
		if (w && same(w->def, v->def))
			continue;
		char *n = q(v->name);
		sm_op *op = rt_sm_ops_add(d->out, 0, "drop view %s", v->name);
		rt_sm_op_sql(op, "DROP VIEW IF EXISTS %s", n);
		free(n);
	}
}

static void drop_routines(mdiff *d)
{
	for (size_t i = 0; i < d->a->nfuncs; i++) {
		const sm_function *f = &d->a->funcs[i];
		const sm_function *g = find_func(d->b, f->identity);
		if (g && same(g->def, f->def))
			continue;
		char *n = q(f->name);
		const char *kind = !strncmp(f->identity, "PROCEDURE", 9) ? "PROCEDURE" : "FUNCTION";
		sm_op *op = rt_sm_ops_add(d->out, 0, "drop %s %s", !strcmp(kind, "PROCEDURE") ? "procedure" : "function",
					   f->name);
		rt_sm_op_sql(op, "DROP %s IF EXISTS %s", kind, n);
		free(n);
	}
}

/* Foreign keys of kept tables that go or change. */
static void drop_foreign_keys(mdiff *d)
{
	for (size_t i = 0; i < d->a->ntables; i++) {
		const sm_table *ta = &d->a->tables[i];
		const sm_table *tb = rt_sm_find_table(d->b, NULL, ta->name);
		if (!tb)
			continue;
		for (size_t j = 0; j < ta->ncons; j++) {
			const sm_constraint *k = &ta->cons[j];
			const sm_constraint *kb = find_con(tb, k->name);
			if (k->kind != SM_FOREIGN || (kb && same(kb->def, k->def)))
				continue;
			char *t = q(ta->name), *n = q(k->name);
			sm_op *op = rt_sm_ops_add(d->out, 0, "drop foreign key %s.%s", ta->name, k->name);
			rt_sm_op_sql(op, "ALTER TABLE %s DROP FOREIGN KEY %s", t, n);
			free(t);
			free(n);
		}
	}
}

/* Does table t have a foreign key to the table called name (other than itself)? */
static int refers_to(const sm_table *t, const char *name)
{
	for (size_t j = 0; j < t->ncons; j++)
		if (t->cons[j].kind == SM_FOREIGN && t->cons[j].ref_table &&
		    !strcmp(t->cons[j].ref_table, name) && strcmp(t->name, name))
			return 1;
	return 0;
}

/* Does t refer to a table of s marked in set? */
static int refers_to_set(const sm_table *t, const sm_schema *s, const char *set)
{
	for (size_t i = 0; i < s->ntables; i++)
		if (set[i] && refers_to(t, s->tables[i].name))
			return 1;
	return 0;
}

static void drop_table_op(mdiff *d, const sm_table *t)
{
	char *tn = q(t->name);
	sm_op *op = rt_sm_ops_add(d->out, 1, "drop table %s", t->name);
	rt_sm_op_note(op, "drops the table %s and every row in it", t->name);
	rt_sm_op_sql(op, "DROP TABLE %s", tn);
	free(tn);
}

/*
 * Tables that go: one no other going table refers to is dropped first
 * (children before parents); a cycle is broken by dropping the foreign
 * keys of the tables left, which then go in any order.
 */
static void drop_tables(mdiff *d)
{
	size_t n = d->a->ntables, nleft = 0;
	char *left = rt_xcalloc(n ? n : 1, 1);
	for (size_t i = 0; i < n; i++)
		if (!rt_sm_find_table(d->b, NULL, d->a->tables[i].name)) {
			left[i] = 1;
			nleft++;
		}
	while (nleft) {
		size_t pick = n;
		for (size_t i = 0; i < n && pick == n; i++) {
			int referenced = 0;
			for (size_t j = 0; left[i] && j < n && !referenced; j++)
				referenced = left[j] && refers_to(&d->a->tables[j], d->a->tables[i].name);
			if (left[i] && !referenced)
				pick = i;
		}
		if (pick < n) {
			drop_table_op(d, &d->a->tables[pick]);
			left[pick] = 0;
			nleft--;
			continue;
		}
		for (size_t i = 0; i < n; i++) {
			const sm_table *t = &d->a->tables[i];
			for (size_t j = 0; left[i] && j < t->ncons; j++) {
				if (t->cons[j].kind != SM_FOREIGN)
					continue;
				char *tn = q(t->name), *kn = q(t->cons[j].name);
				sm_op *op = rt_sm_ops_add(d->out, 0, "drop foreign key %s.%s", t->name, t->cons[j].name);
				rt_sm_op_sql(op, "ALTER TABLE %s DROP FOREIGN KEY %s", tn, kn);
				free(tn);
				free(kn);
			}
		}
		for (size_t i = 0; i < n; i++)
			if (left[i])
				drop_table_op(d, &d->a->tables[i]);
		break;
	}
	free(left);
}

/* -------------------------------------------------------------- creates */

/* Does table `name` exist at this point of the migration (kept, or created already)? */
static int exists_now(const mdiff *d, const char *name, const char *created)
{
	if (rt_sm_find_table(d->a, NULL, name) && rt_sm_find_table(d->b, NULL, name))
		return 1;
	for (size_t i = 0; i < d->b->ntables; i++)
		if (created[i] && !strcmp(d->b->tables[i].name, name))
			return 1;
	return 0;
}

/* A foreign key that must wait for the end: added to d->later. */
static void add_later(mdiff *d, const sm_table *t, const sm_constraint *k)
{
	char *tn = q(t->name);
	char *sql = rt_xasprintf("ALTER TABLE %s ADD %s", tn, k->def);
	char *what = rt_xasprintf("add foreign key %s.%s", t->name, k->name);
	rt_strlist_push(&d->later, sql);
	rt_strlist_push(&d->later_what, what);
	free(tn);
	free(sql);
	free(what);
}

/*
 * CREATE TABLE from the model's lines: columns, keys, indexes, checks and
 * foreign keys; a foreign key to a table not there yet waits for the end.
 */
static void create_table(mdiff *d, const sm_table *t, const char *created)
{
	strbuf sb = STRBUF_INIT;
	char *tn = q(t->name);
	rt_strbuf_addf(&sb, "CREATE TABLE %s (", tn);
	size_t items = 0;
	for (size_t i = 0; i < t->ncols; i++) {
		char *cn = q(t->cols[i].name);
		rt_strbuf_addf(&sb, "%s\n  %s %s", items++ ? "," : "", cn, t->cols[i].type);
		free(cn);
	}
	static const char kinds[] = { SM_PRIMARY, SM_UNIQUE, 0, SM_CHECK, SM_FOREIGN };
	for (size_t k = 0; k < sizeof(kinds); k++) {
		if (!kinds[k]) {
			for (size_t i = 0; i < t->nidx; i++)
				rt_strbuf_addf(&sb, "%s\n  %s", items++ ? "," : "", t->idx[i].def);
			continue;
		}
		for (size_t i = 0; i < t->ncons; i++) {
			const sm_constraint *c = &t->cons[i];
			if (c->kind != kinds[k])
				continue;
			if (c->kind == SM_FOREIGN && c->ref_table && strcmp(c->ref_table, t->name) &&
			    !exists_now(d, c->ref_table, created)) {
				add_later(d, t, c);
				continue;
			}
			rt_strbuf_addf(&sb, "%s\n  %s", items++ ? "," : "", c->def);
		}
	}
	rt_strbuf_addf(&sb, "\n)%s%s", t->options && *t->options ? " " : "", t->options ? t->options : "");
	sm_op *op = rt_sm_ops_add(d->out, 0, "create table %s", t->name);
	rt_sm_op_sql(op, "%s", sb.buf);
	rt_strbuf_release(&sb);
	free(tn);
}

/* New tables, a table after the new tables it references (cycles: foreign keys wait). */
static void create_tables(mdiff *d)
{
	size_t n = d->b->ntables;
	char *created = rt_xcalloc(n ? n : 1, 1);
	char *todo = rt_xcalloc(n ? n : 1, 1);
	size_t left = 0;
	for (size_t i = 0; i < n; i++)
		if (!rt_sm_find_table(d->a, NULL, d->b->tables[i].name)) {
			todo[i] = 1;
			left++;
		}
	while (left) {
		size_t pick = n;
		for (size_t i = 0; i < n && pick == n; i++)
			if (todo[i] && !refers_to_set(&d->b->tables[i], d->b, todo))
				pick = i;
		for (size_t i = 0; i < n && pick == n; i++) /* a cycle: the first one, its keys wait */
			if (todo[i])
				pick = i;
		create_table(d, &d->b->tables[pick], created);
		created[pick] = 1;
		todo[pick] = 0;
		left--;
	}
	free(created);
	free(todo);
}

/* --------------------------------------------------------------- alters */

typedef struct alter {
	strbuf sb;
	size_t clauses;
	int other;          /* a clause that is neither column add/drop nor a plain index */
	int columns;        /* ADD/DROP COLUMN clauses */
	int indexes;        /* plain index clauses */
	int destructive;
	strbuf what;
	strbuf note;
} alter;

static void clause(alter *x, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* One more clause of the ALTER TABLE (printf-style). */
static void clause(alter *x, const char *fmt, ...)
{
	va_list ap;
	rt_strbuf_addf(&x->sb, "%s\n  ", x->clauses++ ? "," : "");
	va_start(ap, fmt);
	rt_strbuf_vaddf(&x->sb, fmt, ap);
	va_end(ap);
}

static void what(alter *x, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* One more item of the operation's description (printf-style). */
static void what(alter *x, const char *fmt, ...)
{
	va_list ap;
	if (x->what.len)
		rt_strbuf_adds(&x->what, ", ");
	va_start(ap, fmt);
	rt_strbuf_vaddf(&x->what, fmt, ap);
	va_end(ap);
}

/* Is an index line a plain (B-tree) one, which InnoDB builds online? */
static int plain_index(const char *def)
{
	return !strncmp(def, "KEY ", 4) || !strncmp(def, "UNIQUE KEY ", 11);
}

/* Where column i of table b goes relative to the others: " AFTER `x`" or " FIRST". */
static char *position(const sm_table *b, size_t i)
{
	if (i == 0)
		return rt_xstrdup(" FIRST");
	char *p = q(b->cols[i - 1].name);
	char *s = rt_xasprintf(" AFTER %s", p);
	free(p);
	return s;
}

/* The columns of a kept table: drops, adds (at the end, or in place when strict), changes. */
static void alter_columns(mdiff *d, const sm_table *a, const sm_table *b, alter *x)
{
	int strict = d->opts && d->opts->column_order_strict;
	for (size_t i = 0; i < a->ncols; i++) {
		if (rt_sm_find_column(b, a->cols[i].name))
			continue;
		char *cn = q(a->cols[i].name);
		clause(x, "DROP COLUMN %s", cn);
		what(x, "drop column %s", a->cols[i].name);
		rt_strbuf_addf(&x->note, "%sdrops the column %s.%s and its data", x->note.len ? "; " : "",
			       a->name, a->cols[i].name);
		x->columns++;
		x->destructive = 1;
		free(cn);
	}
	for (size_t i = 0; i < b->ncols; i++) {
		const sm_column *cb = &b->cols[i];
		const sm_column *ca = rt_sm_find_column(a, cb->name);
		char *cn = q(cb->name);
		char *pos = strict ? position(b, i) : rt_xstrdup("");
		if (!ca) {
			strbuf c = STRBUF_INIT;
			rt_strbuf_addf(&c, "ADD COLUMN %s %s%s", cn, cb->type, pos);
			clause(x, "%s", c.buf);
			what(x, "add column %s", cb->name);
			x->columns++;
			rt_strbuf_release(&c);
		} else if (!same(ca->type, cb->type) && (ca->generated || cb->generated)) {
			/* a generated column cannot be MODIFYed (VIRTUAL to STORED, ...): it is computed anew */
			strbuf c = STRBUF_INIT;
			rt_strbuf_addf(&c, "DROP COLUMN %s", cn);
			clause(x, "%s", c.buf);
			rt_strbuf_reset(&c);
			rt_strbuf_addf(&c, "ADD COLUMN %s %s%s", cn, cb->type, pos);
			clause(x, "%s", c.buf);
			what(x, "recompute column %s", cb->name);
			x->other = 1;
			rt_strbuf_release(&c);
		} else if (!same(ca->type, cb->type)) {
			strbuf c = STRBUF_INIT;
			rt_strbuf_addf(&c, "MODIFY COLUMN %s %s%s", cn, cb->type, pos);
			clause(x, "%s", c.buf);
			what(x, "change column %s", cb->name);
			rt_strbuf_addf(&x->note, "%s%s.%s was %s", x->note.len ? "; " : "", a->name, cb->name, ca->type);
			x->other = 1;
			rt_strbuf_release(&c);
		}
		free(cn);
		free(pos);
	}
	if (!strict)
		return;
	/* columns kept in both whose order differs: moved into the declared order */
	size_t ia = 0;
	for (size_t i = 0; i < b->ncols; i++) {
		const sm_column *ca = rt_sm_find_column(a, b->cols[i].name);
		if (!ca || strcmp(ca->type, b->cols[i].type)) /* new or modified: placed already */
			continue;
		while (ia < a->ncols && !rt_sm_find_column(b, a->cols[ia].name))
			ia++;
		if (ia < a->ncols && !strcmp(a->cols[ia].name, b->cols[i].name)) {
			ia++;
			continue;
		}
		char *cn = q(b->cols[i].name), *pos = position(b, i);
		strbuf c = STRBUF_INIT;
		rt_strbuf_addf(&c, "MODIFY COLUMN %s %s%s", cn, b->cols[i].type, pos);
		clause(x, "%s", c.buf);
		what(x, "move column %s", b->cols[i].name);
		x->other = 1;
		rt_strbuf_release(&c);
		free(cn);
		free(pos);
	}
}

/* Keys, checks and indexes of a kept table (foreign keys are added at the end). */
static void alter_keys(mdiff *d, const sm_table *a, const sm_table *b, alter *x)
{
	(void)d;
	for (size_t i = 0; i < a->ncons; i++) {
		const sm_constraint *k = &a->cons[i];
		const sm_constraint *kb = find_con(b, k->name);
		if (k->kind == SM_FOREIGN || (kb && same(kb->def, k->def)))
			continue;
		char *n = q(k->name);
		if (k->kind == SM_PRIMARY)
			clause(x, "DROP PRIMARY KEY");
		else if (k->kind == SM_UNIQUE)
			clause(x, "DROP INDEX %s", n);
		else
			clause(x, "DROP CONSTRAINT %s", n);
		what(x, "drop %s", k->kind == SM_PRIMARY ? "primary key" : k->name);
		if (k->kind == SM_UNIQUE)
			x->indexes++;
		else
			x->other = 1;
		free(n);
	}
	for (size_t i = 0; i < a->nidx; i++) {
		const sm_index *ix = find_idx(b, a->idx[i].name);
		if (ix && same(ix->def, a->idx[i].def))
			continue;
		char *n = q(a->idx[i].name);
		clause(x, "DROP INDEX %s", n);
		what(x, "drop index %s", a->idx[i].name);
		x->indexes++;
		free(n);
	}
	for (size_t i = 0; i < b->ncons; i++) {
		const sm_constraint *k = &b->cons[i];
		const sm_constraint *ka = find_con(a, k->name);
		if (k->kind == SM_FOREIGN || (ka && same(ka->def, k->def)))
			continue;
		clause(x, "ADD %s", k->def);
		what(x, "add %s", k->kind == SM_PRIMARY ? "primary key" : k->name);
		if (k->kind == SM_UNIQUE)
			x->indexes++;
		else
			x->other = 1;
	}
	for (size_t i = 0; i < b->nidx; i++) {
		const sm_index *ia = find_idx(a, b->idx[i].name);
		if (ia && same(ia->def, b->idx[i].def))
			continue;
		clause(x, "ADD %s", b->idx[i].def);
		what(x, "add index %s", b->idx[i].name);
		if (plain_index(b->idx[i].def))
			x->indexes++;
		else
			x->other = 1; /* FULLTEXT, SPATIAL: not with LOCK=NONE */
	}
	char *ha = options_head(a->options), *hb = options_head(b->options);
	if (strcmp(ha, hb)) {
		char *o = options_clause(ha, hb);
		clause(x, "%s", o);
		free(o);
		what(x, "table options");
		x->other = 1;
	}
	free(ha);
	free(hb);
}

/*
 * Can InnoDB change this table in place at all?  Not with a FULLTEXT
 * index (any column change rebuilds it) or compressed rows: no
 * ALGORITHM is asked for there, and the server does what it must.
 */
static int online_capable(const sm_table *t)
{
	for (size_t i = 0; i < t->nidx; i++)
		if (!strncmp(t->idx[i].def, "FULLTEXT", 8))
			return 0;
	return !(t->options && strstr(t->options, "ROW_FORMAT=COMPRESSED"));
}

/* One ALTER TABLE for everything that changes in a kept table (partitioning apart). */
static void alter_table(mdiff *d, const sm_table *a, const sm_table *b)
{
	alter x = { STRBUF_INIT, 0, 0, 0, 0, 0, STRBUF_INIT, STRBUF_INIT };
	alter_columns(d, a, b, &x);
	alter_keys(d, a, b, &x);
	if (!online_capable(a) || !online_capable(b))
		x.other = 1;
	if (x.clauses) {
		char *tn = q(a->name);
		const char *online = x.other ? ""
				   : !x.indexes ? ",\n  ALGORITHM=INSTANT"
				   : ",\n  ALGORITHM=INPLACE, LOCK=NONE";
		sm_op *op = rt_sm_ops_add(d->out, x.destructive, "alter table %s: %s", a->name, x.what.buf);
		if (x.note.len)
			rt_sm_op_note(op, "%s", x.note.buf);
		rt_sm_op_sql(op, "ALTER TABLE %s%s%s", tn, x.sb.buf, online);
		free(tn);
	}
	const char *pa = options_tail(a->options), *pb = options_tail(b->options);
	if (strcmp(pa, pb)) {
		char *tn = q(a->name);
		sm_op *op = rt_sm_ops_add(d->out, 0, "partitioning of %s", a->name);
		if (*pb)
			rt_sm_op_sql(op, "ALTER TABLE %s %s", tn, pb);
		else
			rt_sm_op_sql(op, "ALTER TABLE %s REMOVE PARTITIONING", tn);
		free(tn);
	}
	rt_strbuf_release(&x.sb);
	rt_strbuf_release(&x.what);
	rt_strbuf_release(&x.note);
}

static void alter_tables(mdiff *d)
{
	for (size_t i = 0; i < d->b->ntables; i++) {
		const sm_table *b = &d->b->tables[i];
		const sm_table *a = rt_sm_find_table(d->a, NULL, b->name);
		if (a)
			alter_table(d, a, b);
	}
}

/* Foreign keys of kept tables that are new or changed: at the end. */
static void kept_foreign_keys(mdiff *d)
{
	for (size_t i = 0; i < d->b->ntables; i++) {
		const sm_table *b = &d->b->tables[i];
		const sm_table *a = rt_sm_find_table(d->a, NULL, b->name);
		for (size_t j = 0; a && j < b->ncons; j++) {
			const sm_constraint *k = &b->cons[j];
			const sm_constraint *ka = find_con(a, k->name);
			if (k->kind == SM_FOREIGN && !(ka && same(ka->def, k->def)))
				add_later(d, b, k);
		}
	}
}

/* --------------------------------------------- routines, views, triggers */

static void create_routines(mdiff *d)
{
	for (size_t i = 0; i < d->b->nfuncs; i++) {
		const sm_function *f = &d->b->funcs[i];
		const sm_function *g = find_func(d->a, f->identity);
		if (g && same(g->def, f->def))
			continue;
		sm_op *op = rt_sm_ops_add(d->out, 0, "create %s %s",
					   !strncmp(f->identity, "PROCEDURE", 9) ? "procedure" : "function", f->name);
		rt_sm_op_sql(op, "%s", f->def);
	}
}

static void view_visit(mdiff *d, size_t i, char *seen)
{
	if (seen[i])
		return;
	seen[i] = 1;
	const sm_view *v = &d->b->views[i];
	for (size_t j = 0; j < v->ndeps; j++)
		for (size_t k = 0; k < d->b->nviews; k++)
			if (!strcmp(d->b->views[k].name, v->deps[j]))
				view_visit(d, k, seen);
	const sm_view *w = rt_sm_find_view(d->a, NULL, v->name);
	if (w && same(w->def, v->def))
		return;
	sm_op *op = rt_sm_ops_add(d->out, 0, "create view %s", v->name);
	rt_sm_op_sql(op, "%s", v->def);
}

static void create_views(mdiff *d)
{
	char *seen = rt_xcalloc(d->b->nviews ? d->b->nviews : 1, 1);
	for (size_t i = 0; i < d->b->nviews; i++)
		view_visit(d, i, seen);
	free(seen);
}

static void create_triggers(mdiff *d)
{
	for (size_t i = 0; i < d->b->ntables; i++) {
		const sm_table *tb = &d->b->tables[i];
		const sm_table *ta = rt_sm_find_table(d->a, NULL, tb->name);
		for (size_t j = 0; j < tb->ntrg; j++) {
			const sm_trigger *g = find_trg(ta, tb->trg[j].name);
			if (g && same(g->def, tb->trg[j].def))
				continue;
			sm_op *op = rt_sm_ops_add(d->out, 0, "create trigger %s on %s", tb->trg[j].name, tb->name);
			rt_sm_op_sql(op, "%s", tb->trg[j].def);
		}
	}
}

/* See dialect.h. */
int rt_mysql_diff(const sm_schema *from, const sm_schema *to, const sm_diff_opts *opts,
		  sm_ops *out, rt_error *err)
{
	(void)err;
	mdiff d = { .a = from, .b = to, .opts = opts, .out = out };
	drop_triggers(&d);
	drop_views(&d);
	drop_routines(&d);
	drop_foreign_keys(&d);
	drop_tables(&d);
	create_tables(&d);
	alter_tables(&d);
	kept_foreign_keys(&d);
	create_routines(&d);
	create_views(&d);
	create_triggers(&d);
	for (size_t i = 0; i < d.later.n; i++) {
		sm_op *op = rt_sm_ops_add(out, 0, "%s", d.later_what.v[i]);
		rt_sm_op_sql(op, "%s", d.later.v[i]);
	}
	rt_strlist_free(&d.later);
	rt_strlist_free(&d.later_what);
	return 0;
}
