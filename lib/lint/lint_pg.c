/*
 * rt_lint_pg.c - the PostgreSQL lint rules, over libpg_query's parse tree.
 *
 * Each section is parsed once (pg_query_parse_protobuf, the server's own
 * grammar) and its statements are walked in order, remembering what the
 * section did so far: the tables it created (locking or rewriting a table
 * nobody else can see yet is harmless, so rules stay quiet there),
 * indexes built on them, NOT VALID constraints, VALIDATE CONSTRAINTs, and
 * whether lock_timeout is set.  A few findings wait for the end of the
 * section: a new table may get its primary key from a later ALTER, and a
 * dropped table may come back as the renamed copy of a table rebuild.
 */
#include "internal.h"
#include "lint/lint.h"
#include "lint/pg_tree.h"
#include "dialect/postgres/pg_internal.h"
#include "sqltext.h"

#include <pg_query.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

/* A finding that waits for the end of the section. */
typedef struct pending {
	char *table;
	int line, column;
	int done;      /* settled: no finding */
} pending;

typedef struct pending_list {
	pending *v;
	size_t n, alloc;
} pending_list;

/* What the walk of one section knows. */
typedef struct pg_lint {
	lint_section *s;
	int line, column;       /* first token of the statement being checked */
	rt_strlist new_tables;  /* created earlier in this section */
	rt_strlist new_indexes; /* created on those tables */
	rt_strlist renamed_to;  /* tables a new table was renamed into */
	rt_strlist not_valid;   /* "table.constraint" added NOT VALID here */
	rt_strlist validated;   /* tables with a VALIDATE CONSTRAINT here */
	pending_list no_pk;     /* new tables without a primary key so far */
	pending_list drops;     /* DROP TABLEs of existing tables */
	int lock_timeout;       /* lock_timeout is in effect here */
	int lock_reported;      /* require-lock-timeout given for this section */
} pg_lint;

/* Report rule at the current statement. */
#define REPORT(p, rule, ...) \
	rt_lint_finding((p)->s, rule, (p)->line, (p)->column, __VA_ARGS__)

/* ------------------------------------------------------------------ */
/* Section state                                                        */
/* ------------------------------------------------------------------ */

static int is_new(const pg_lint *p, const char *table)
{
	return rt_lint_listed(&p->new_tables, table);
}

static void pending_add(pending_list *l, const char *table, int line,
			int column)
{
	ALLOC_GROW(l->v, l->n + 1, l->alloc);
	l->v[l->n++] = (pending){ rt_xstrdup(table), line, column, 0 };
}

/* The open entry for table, or NULL. */
static pending *pending_find(pending_list *l, const char *table)
{
	for (size_t i = 0; i < l->n; i++)
		if (!l->v[i].done && !strcmp(l->v[i].table, table))
			return &l->v[i];
	return NULL;
}

static void pending_free(pending_list *l)
{
	for (size_t i = 0; i < l->n; i++)
		free(l->v[i].table);
	free(l->v);
}

/* A new table got its primary key. */
static void pk_added(pg_lint *p, const char *table)
{
	pending *e = pending_find(&p->no_pk, table);
	if (e)
		e->done = 1;
}

/*
 * The statement waits for a lock on a table that exists before the
 * migration: without lock_timeout, the first such statement of a section
 * is a finding.
 */
static void locks_existing(pg_lint *p, const char *what)
{
	if (p->lock_timeout || p->lock_reported)
		return;
	p->lock_reported = 1;
	REPORT(p, "require-lock-timeout",
	       "%s waits for a lock on an existing table, and no lock_timeout is set before it",
	       what);
}

/* ------------------------------------------------------------------ */
/* Statements                                                           */
/* ------------------------------------------------------------------ */

/* Column and table constraints of CREATE TABLE: primary key, foreign keys. */
static void create_constraint(pg_lint *p, const char *table,
			      const PgQuery__Constraint *c, int *pk)
{
	if (c->contype == PG_QUERY__CONSTR_TYPE__CONSTR_PRIMARY)
		*pk = 1;
	if (c->contype == PG_QUERY__CONSTR_TYPE__CONSTR_FOREIGN && c->pktable &&
	    !is_new(p, c->pktable->relname)) {
		strbuf sb = STRBUF_INIT;
		rt_strbuf_addf(&sb, "CREATE TABLE %s (a foreign key to %s)", table,
			    c->pktable->relname);
		locks_existing(p, sb.buf);
		rt_strbuf_release(&sb);
	}
}

/*
 * CREATE TABLE: the table is new from here on; without a primary key (and
 * not a partition, typed table, LIKE copy or temporary table) it waits in
 * no_pk for an ALTER that adds one.
 */
static void pg_create(pg_lint *p, const PgQuery__CreateStmt *c)
{
	if (!c->relation)
		return;
	const char *t = c->relation->relname;
	int pk = 0, like = 0;
	for (size_t i = 0; i < c->n_table_elts; i++) {
		const Node *e = c->table_elts[i];
		if (e->node_case == PG_QUERY__NODE__NODE_CONSTRAINT)
			create_constraint(p, t, e->constraint, &pk);
		else if (e->node_case == PG_QUERY__NODE__NODE_TABLE_LIKE_CLAUSE)
			like = 1;
		else if (e->node_case == PG_QUERY__NODE__NODE_COLUMN_DEF)
			for (size_t j = 0; j < e->column_def->n_constraints; j++) {
				const Node *k = e->column_def->constraints[j];
				if (k->node_case == PG_QUERY__NODE__NODE_CONSTRAINT)
					create_constraint(p, t, k->constraint, &pk);
			}
	}
	rt_strlist_push(&p->new_tables, t);
	if (!pk && !like && !c->partbound && !c->of_typename &&
	    strcmp(c->relation->relpersistence, "t"))
		pending_add(&p->no_pk, t, p->line, p->column);
}

/* CREATE TABLE AS / CREATE MATERIALIZED VIEW: new, and a table has no key. */
static void pg_create_as(pg_lint *p, const PgQuery__CreateTableAsStmt *c)
{
	if (!c->into || !c->into->rel)
		return;
	const PgQuery__RangeVar *rv = c->into->rel;
	rt_strlist_push(&p->new_tables, rv->relname);
	if (c->objtype == PG_QUERY__OBJECT_TYPE__OBJECT_TABLE &&
	    strcmp(rv->relpersistence, "t"))
		pending_add(&p->no_pk, rv->relname, p->line, p->column);
}

/*
 * CREATE INDEX: CONCURRENTLY cannot run in a transaction; without it the
 * build blocks writes, unless the table is new (its index is then new too).
 */
static void pg_index(pg_lint *p, const PgQuery__IndexStmt *ix)
{
	const char *t = ix->relation ? ix->relation->relname : "";
	if (ix->concurrent) {
		if (p->s->transactional)
			REPORT(p, "concurrently-in-transaction",
			       "CREATE INDEX CONCURRENTLY %s in a transactional section",
			       ix->idxname);
		return;
	}
	if (is_new(p, t)) {
		if (*ix->idxname)
			rt_strlist_push(&p->new_indexes, ix->idxname);
		return;
	}
	strbuf sb = STRBUF_INIT;
	rt_strbuf_addf(&sb, "CREATE %sINDEX %s%son %s", ix->unique ? "UNIQUE " : "",
		    ix->idxname, *ix->idxname ? " " : "", t);
	REPORT(p, "require-concurrent-index-creation",
	       "%s without CONCURRENTLY (the table exists before this migration)",
	       sb.buf);
	locks_existing(p, sb.buf);
	rt_strbuf_release(&sb);
}

/* An index this section (or, in a downgrade, its upgrade) built on a new table. */
static int index_is_new(const pg_lint *p, const char *name)
{
	return rt_lint_listed(&p->new_indexes, name) ||
	       (p->s->downgrade && rt_lint_listed(&p->s->mem->indexes, name));
}

/* DROP INDEX: CONCURRENTLY outside transactions, else a finding per statement. */
static void pg_drop_index(pg_lint *p, const PgQuery__DropStmt *d)
{
	strbuf names = STRBUF_INIT;
	for (size_t i = 0; i < d->n_objects; i++) {
		const Node *o = d->objects[i];
		if (o->node_case != PG_QUERY__NODE__NODE_LIST)
			continue;
		const char *name = rt_pgt_last_name(o->list->items, o->list->n_items);
		if (!index_is_new(p, name))
			rt_strbuf_addf(&names, "%s%s", names.len ? ", " : "", name);
	}
	if (d->concurrent) {
		if (p->s->transactional)
			REPORT(p, "concurrently-in-transaction",
			       "DROP INDEX CONCURRENTLY in a transactional section");
	} else if (names.len) {
		REPORT(p, "require-concurrent-index-deletion",
		       "DROP INDEX %s without CONCURRENTLY", names.buf);
		strbuf sb = STRBUF_INIT;
		rt_strbuf_addf(&sb, "DROP INDEX %s", names.buf);
		locks_existing(p, sb.buf);
		rt_strbuf_release(&sb);
	}
	rt_strbuf_release(&names);
}

/*
 * DROP TABLE of tables that exist before the migration.  The finding
 * waits for the end of the section: a table rebuild drops the old table
 * and renames its filled copy into its place.  A downgrade dropping what
 * its own upgrade created is no finding (and takes no lock anyone waits on).
 */
static void pg_drop_table(pg_lint *p, const PgQuery__DropStmt *d)
{
	strbuf names = STRBUF_INIT;
	for (size_t i = 0; i < d->n_objects; i++) {
		const Node *o = d->objects[i];
		if (o->node_case != PG_QUERY__NODE__NODE_LIST)
			continue;
		const char *name = rt_pgt_last_name(o->list->items, o->list->n_items);
		pending *e = pending_find(&p->no_pk, name);
		if (e)
			e->done = 1;
		if (is_new(p, name) ||
		    (p->s->downgrade && rt_lint_listed(&p->s->mem->tables, name)))
			continue;
		pending_add(&p->drops, name, p->line, p->column);
		rt_strbuf_addf(&names, "%s%s", names.len ? ", " : "", name);
	}
	if (names.len) {
		strbuf sb = STRBUF_INIT;
		rt_strbuf_addf(&sb, "DROP TABLE %s", names.buf);
		locks_existing(p, sb.buf);
		rt_strbuf_release(&sb);
	}
	rt_strbuf_release(&names);
}

/* DROP of an index or a table; other objects have no rule. */
static void pg_drop(pg_lint *p, const PgQuery__DropStmt *d)
{
	if (d->remove_type == PG_QUERY__OBJECT_TYPE__OBJECT_INDEX)
		pg_drop_index(p, d);
	else if (d->remove_type == PG_QUERY__OBJECT_TYPE__OBJECT_TABLE)
		pg_drop_table(p, d);
}

/*
 * ALTER TABLE ... RENAME [COLUMN]: breaks running code unless the table is
 * new; a new table renamed stays new under its new name.
 */
static void pg_rename(pg_lint *p, const PgQuery__RenameStmt *r)
{
	if (!r->relation)
		return;
	const char *t = r->relation->relname;
	strbuf sb = STRBUF_INIT;
	if (r->rename_type == PG_QUERY__OBJECT_TYPE__OBJECT_TABLE) {
		if (is_new(p, t)) {
			pending *e = pending_find(&p->no_pk, t);
			if (e) {
				free(e->table);
				e->table = rt_xstrdup(r->newname);
			}
			rt_strlist_push(&p->new_tables, r->newname);
			rt_strlist_push(&p->renamed_to, r->newname);
			return;
		}
		rt_strbuf_addf(&sb, "ALTER TABLE %s RENAME TO %s", t, r->newname);
		REPORT(p, "renaming-table", "%s", sb.buf);
	} else if (r->rename_type == PG_QUERY__OBJECT_TYPE__OBJECT_COLUMN &&
		   r->relation_type == PG_QUERY__OBJECT_TYPE__OBJECT_TABLE) {
		if (is_new(p, t))
			return;
		rt_strbuf_addf(&sb, "ALTER TABLE %s RENAME COLUMN %s TO %s", t,
			    r->subname, r->newname);
		REPORT(p, "renaming-column", "%s", sb.buf);
	} else {
		return;
	}
	locks_existing(p, sb.buf);
	rt_strbuf_release(&sb);
}

/* What a column definition declares. */
typedef struct coldef {
	int not_null, has_default, identity, generated, primary, unique, serial;
	const Node *default_expr;
} coldef;

/* Read a column definition: its constraints, default and serial type. */
static void coldef_read(const PgQuery__ColumnDef *c, coldef *d)
{
	static const char *const serials[] = { "serial", "serial4", "bigserial",
		"serial8", "smallserial", "serial2", NULL };
	memset(d, 0, sizeof(*d));
	d->not_null = c->is_not_null;
	d->default_expr = c->raw_default;
	d->has_default = c->raw_default != NULL && !rt_pgt_const_is_null(c->raw_default);
	if (c->type_name)
		d->serial = rt_pgt_in_list(serials, rt_pgt_last_name(c->type_name->names,
						       c->type_name->n_names));
	for (size_t i = 0; i < c->n_constraints; i++) {
		const Node *n = c->constraints[i];
		if (n->node_case != PG_QUERY__NODE__NODE_CONSTRAINT)
			continue;
		const PgQuery__Constraint *k = n->constraint;
		switch (k->contype) {
		case PG_QUERY__CONSTR_TYPE__CONSTR_NOTNULL: d->not_null = 1; break;
		case PG_QUERY__CONSTR_TYPE__CONSTR_DEFAULT:
			d->has_default = !rt_pgt_const_is_null(k->raw_expr);
			d->default_expr = k->raw_expr;
			break;
		case PG_QUERY__CONSTR_TYPE__CONSTR_IDENTITY: d->identity = 1; break;
		case PG_QUERY__CONSTR_TYPE__CONSTR_GENERATED: d->generated = 1; break;
		case PG_QUERY__CONSTR_TYPE__CONSTR_PRIMARY: d->primary = 1; break;
		case PG_QUERY__CONSTR_TYPE__CONSTR_UNIQUE: d->unique = 1; break;
		default: break;
		}
	}
}

/* ADD COLUMN that rewrites the table: a value computed for every row. */
static void volatile_column(pg_lint *p, const char *t,
			    const PgQuery__ColumnDef *c, const coldef *d)
{
	strbuf ty = STRBUF_INIT;
	rt_pgt_type_name(&ty, c->type_name);
	const char *fn = d->has_default ? rt_pgt_volatile_call(d->default_expr) : NULL;
	if (d->serial)
		REPORT(p, "adding-field-with-volatile-default",
		       "ALTER TABLE %s ADD COLUMN %s %s: a serial column is filled from a sequence, row by row",
		       t, c->colname, ty.buf);
	else if (d->identity)
		REPORT(p, "adding-field-with-volatile-default",
		       "ALTER TABLE %s ADD COLUMN %s ... GENERATED AS IDENTITY: every row gets a value from a sequence",
		       t, c->colname);
	else if (d->generated)
		REPORT(p, "adding-field-with-volatile-default",
		       "ALTER TABLE %s ADD COLUMN %s ... GENERATED ALWAYS AS (...) STORED: computed and stored for every row",
		       t, c->colname);
	else if (fn)
		REPORT(p, "adding-field-with-volatile-default",
		       "ALTER TABLE %s ADD COLUMN %s with a DEFAULT calling %s(): %s",
		       t, c->colname, fn, rt_pgt_known_volatile(fn)
		       ? "volatile, so it is computed for every existing row"
		       : "not known to be STABLE or IMMUTABLE, so it may be computed for every existing row");
	else if (d->has_default && p->s->pg_version && p->s->pg_version < 11)
		REPORT(p, "adding-field-with-volatile-default",
		       "ALTER TABLE %s ADD COLUMN %s with a DEFAULT: before PostgreSQL 11 (postgres_version = %d) even a constant default is written into every existing row",
		       t, c->colname, p->s->pg_version);
	rt_strbuf_release(&ty);
}

/*
 * ADD COLUMN: remembered for the downgrade; on an existing table the
 * column must not need a value per row (NOT NULL without a default, a
 * volatile default) nor build an index under the lock.
 */
static void pg_add_column(pg_lint *p, const char *t, int fresh,
			  const PgQuery__ColumnDef *c)
{
	if (!p->s->downgrade) {
		char *key = rt_xasprintf("%s.%s", t, c->colname);
		rt_strlist_push(&p->s->mem->columns, key);
		free(key);
	}
	coldef d;
	coldef_read(c, &d);
	if (fresh) {
		if (d.primary)
			pk_added(p, t);
		return;
	}
	if ((d.not_null || d.primary) && !d.has_default && !d.identity &&
	    !d.generated && !d.serial)
		REPORT(p, "adding-not-nullable-field",
		       "ALTER TABLE %s ADD COLUMN %s ... %s without a DEFAULT", t,
		       c->colname, d.not_null ? "NOT NULL" : "PRIMARY KEY (so NOT NULL)");
	volatile_column(p, t, c, &d);
	if (d.primary)
		REPORT(p, "adding-primary-key",
		       "ALTER TABLE %s ADD COLUMN %s ... PRIMARY KEY builds its index under an ACCESS EXCLUSIVE lock",
		       t, c->colname);
	if (d.unique)
		REPORT(p, "adding-unique-constraint",
		       "ALTER TABLE %s ADD COLUMN %s ... UNIQUE builds its index under an ACCESS EXCLUSIVE lock",
		       t, c->colname);
}

/* ADD CONSTRAINT CHECK / FOREIGN KEY: NOT VALID, or a full scan now. */
static void add_validated(pg_lint *p, const char *t, int fresh,
			  const PgQuery__Constraint *c)
{
	int fk = c->contype == PG_QUERY__CONSTR_TYPE__CONSTR_FOREIGN;
	if (c->skip_validation) {
		char *key = rt_xasprintf("%s.%s", t, c->conname);
		rt_strlist_push(&p->not_valid, key);
		free(key);
		return;
	}
	if (fresh) {
		if (fk && c->pktable && !is_new(p, c->pktable->relname)) {
			char *what = rt_xasprintf("ALTER TABLE %s ADD FOREIGN KEY referencing %s",
					       t, c->pktable->relname);
			locks_existing(p, what);
			free(what);
		}
		return;
	}
	strbuf cols = STRBUF_INIT;
	rt_pgt_names_join(&cols, c->fk_attrs, c->n_fk_attrs);
	char *name = *c->conname ? rt_xasprintf("CONSTRAINT %s ", c->conname)
				 : rt_xstrdup("");
	if (fk)
		REPORT(p, "constraint-missing-not-valid",
		       "ALTER TABLE %s ADD %sFOREIGN KEY (%s) REFERENCES %s without NOT VALID",
		       t, name, cols.buf, c->pktable ? c->pktable->relname : "?");
	else
		REPORT(p, "constraint-missing-not-valid",
		       "ALTER TABLE %s ADD %sCHECK (...) without NOT VALID", t, name);
	free(name);
	rt_strbuf_release(&cols);
}

/* ADD PRIMARY KEY / UNIQUE: without USING INDEX the index builds under the lock. */
static void add_indexed(pg_lint *p, const char *t, int fresh,
			const PgQuery__Constraint *c)
{
	int pk = c->contype == PG_QUERY__CONSTR_TYPE__CONSTR_PRIMARY;
	if (fresh) {
		if (pk)
			pk_added(p, t);
		return;
	}
	if (*c->indexname)
		return;
	strbuf cols = STRBUF_INIT;
	rt_pgt_names_join(&cols, c->keys, c->n_keys);
	char *name = *c->conname ? rt_xasprintf("CONSTRAINT %s ", c->conname)
				 : rt_xstrdup("");
	REPORT(p, pk ? "adding-primary-key" : "adding-unique-constraint",
	       "ALTER TABLE %s ADD %s%s (%s) without USING INDEX", t, name,
	       pk ? "PRIMARY KEY" : "UNIQUE", cols.buf);
	free(name);
	rt_strbuf_release(&cols);
}

/* ADD CONSTRAINT: the rule depends on the kind of constraint. */
static void pg_add_constraint(pg_lint *p, const char *t, int fresh,
			      const PgQuery__Constraint *c)
{
	switch (c->contype) {
	case PG_QUERY__CONSTR_TYPE__CONSTR_CHECK:
	case PG_QUERY__CONSTR_TYPE__CONSTR_FOREIGN:
		add_validated(p, t, fresh, c);
		break;
	case PG_QUERY__CONSTR_TYPE__CONSTR_PRIMARY:
	case PG_QUERY__CONSTR_TYPE__CONSTR_UNIQUE:
		add_indexed(p, t, fresh, c);
		break;
	default:
		break;
	}
}

/*
 * VALIDATE CONSTRAINT: in the transaction that added the constraint NOT
 * VALID it defeats the point; before a SET NOT NULL it is the safe form.
 */
static void pg_validate(pg_lint *p, const char *t, const char *name)
{
	char *key = rt_xasprintf("%s.%s", t, name);
	if (p->s->transactional && rt_lint_listed(&p->not_valid, key))
		REPORT(p, "constraint-missing-not-valid",
		       "ALTER TABLE %s VALIDATE CONSTRAINT %s in the transaction that added it NOT VALID",
		       t, name);
	free(key);
	rt_strlist_push(&p->validated, t);
	if (p->s->mem && !rt_lint_listed(&p->s->mem->validated[p->s->downgrade != 0], t))
		rt_strlist_push(&p->s->mem->validated[p->s->downgrade != 0], t);
}

/*
 * Has a VALIDATE CONSTRAINT on t run before, in this step or an earlier
 * one of the same direction (an online SET NOT NULL validates its CHECK
 * in a step of its own, so that a retry of the short SET NOT NULL does
 * not scan the table again)?
 */
static int was_validated(const pg_lint *p, const char *t)
{
	return rt_lint_listed(&p->validated, t) ||
	       (p->s->mem && rt_lint_listed(&p->s->mem->validated[p->s->downgrade != 0], t));
}

/* A column dropped by a downgrade that its own upgrade added. */
static int column_is_own(const pg_lint *p, const char *t, const char *col)
{
	if (!p->s->downgrade)
		return 0;
	char *key = rt_xasprintf("%s.%s", t, col);
	int own = rt_lint_listed(&p->s->mem->columns, key);
	free(key);
	return own;
}

/* One subcommand of ALTER TABLE on table t (fresh: created in this section). */
static void pg_alter_cmd(pg_lint *p, const char *t, int fresh,
			 const PgQuery__AlterTableCmd *cmd)
{
	const Node *def = cmd->def;
	strbuf ty = STRBUF_INIT;
	switch (cmd->subtype) {
	case PG_QUERY__ALTER_TABLE_TYPE__AT_AddColumn:
		if (def && def->node_case == PG_QUERY__NODE__NODE_COLUMN_DEF)
			pg_add_column(p, t, fresh, def->column_def);
		break;
	case PG_QUERY__ALTER_TABLE_TYPE__AT_SetNotNull:
		/* PostgreSQL 12+ skips the scan when a validated CHECK proves it */
		if (!fresh && (!was_validated(p, t) ||
			       (p->s->pg_version && p->s->pg_version < 12)))
			REPORT(p, "setting-column-not-null",
			       "ALTER TABLE %s ALTER COLUMN %s SET NOT NULL%s", t, cmd->name,
			       was_validated(p, t)
			       ? ": before PostgreSQL 12 (postgres_version) a validated CHECK does not spare the scan" : "");
		break;
	case PG_QUERY__ALTER_TABLE_TYPE__AT_AlterColumnType:
		if (fresh || !def || def->node_case != PG_QUERY__NODE__NODE_COLUMN_DEF)
			break;
		rt_pgt_type_name(&ty, def->column_def->type_name);
		REPORT(p, "changing-column-type",
		       "ALTER TABLE %s ALTER COLUMN %s TYPE %s", t, cmd->name, ty.buf);
		break;
	case PG_QUERY__ALTER_TABLE_TYPE__AT_AddConstraint:
		if (def && def->node_case == PG_QUERY__NODE__NODE_CONSTRAINT)
			pg_add_constraint(p, t, fresh, def->constraint);
		break;
	case PG_QUERY__ALTER_TABLE_TYPE__AT_ValidateConstraint:
		pg_validate(p, t, cmd->name);
		break;
	case PG_QUERY__ALTER_TABLE_TYPE__AT_DropColumn:
		if (!fresh && !column_is_own(p, t, cmd->name))
			REPORT(p, "ban-drop-column", "ALTER TABLE %s DROP COLUMN %s",
			       t, cmd->name);
		break;
	case PG_QUERY__ALTER_TABLE_TYPE__AT_DetachPartition:
		if (p->s->transactional && def &&
		    def->node_case == PG_QUERY__NODE__NODE_PARTITION_CMD &&
		    def->partition_cmd->concurrent)
			REPORT(p, "concurrently-in-transaction",
			       "ALTER TABLE %s DETACH PARTITION ... CONCURRENTLY in a transactional section",
			       t);
		break;
	default:
		break;
	}
	rt_strbuf_release(&ty);
}

/* ALTER TABLE: each subcommand, then the lock it waits for. */
static void pg_alter(pg_lint *p, const PgQuery__AlterTableStmt *a)
{
	if (a->objtype != PG_QUERY__OBJECT_TYPE__OBJECT_TABLE || !a->relation)
		return;
	const char *t = a->relation->relname;
	int fresh = is_new(p, t);
	for (size_t i = 0; i < a->n_cmds; i++)
		if (a->cmds[i]->node_case == PG_QUERY__NODE__NODE_ALTER_TABLE_CMD)
			pg_alter_cmd(p, t, fresh, a->cmds[i]->alter_table_cmd);
	if (!fresh) {
		char *what = rt_xasprintf("ALTER TABLE %s", t);
		locks_existing(p, what);
		free(what);
	}
}

/* SET [LOCAL] lock_timeout, RESET lock_timeout, RESET ALL. */
static void pg_set(pg_lint *p, const PgQuery__VariableSetStmt *v)
{
	if (v->kind == PG_QUERY__VARIABLE_SET_KIND__VAR_RESET_ALL) {
		p->lock_timeout = 0;
		return;
	}
	if (strcmp(v->name, "lock_timeout"))
		return;
	if (v->kind == PG_QUERY__VARIABLE_SET_KIND__VAR_SET_VALUE) {
		/* SET LOCAL outside a transaction block does nothing */
		if (v->is_local && !p->s->transactional)
			return;
		p->lock_timeout = !(v->n_args && rt_pgt_const_is_zero(v->args[0]));
	} else if (v->kind == PG_QUERY__VARIABLE_SET_KIND__VAR_SET_DEFAULT ||
		   v->kind == PG_QUERY__VARIABLE_SET_KIND__VAR_RESET) {
		p->lock_timeout = 0;
	}
}

/* SELECT set_config('lock_timeout', value, is_local); SELECT ... INTO t. */
static void pg_select(pg_lint *p, const PgQuery__SelectStmt *sel)
{
	const PgQuery__IntoClause *into = sel->into_clause;
	if (into && into->rel) {
		rt_strlist_push(&p->new_tables, into->rel->relname);
		if (strcmp(into->rel->relpersistence, "t"))
			pending_add(&p->no_pk, into->rel->relname, p->line, p->column);
	}
	for (size_t i = 0; i < sel->n_target_list; i++) {
		const Node *n = sel->target_list[i];
		if (n->node_case != PG_QUERY__NODE__NODE_RES_TARGET || !n->res_target->val ||
		    n->res_target->val->node_case != PG_QUERY__NODE__NODE_FUNC_CALL)
			continue;
		const PgQuery__FuncCall *fc = n->res_target->val->func_call;
		const char *key = fc->n_args >= 2 ? rt_pgt_const_str(fc->args[0]) : NULL;
		if (strcmp(rt_pgt_last_name(fc->funcname, fc->n_funcname), "set_config") ||
		    !key || strcmp(key, "lock_timeout"))
			continue;
		if (fc->n_args >= 3 && rt_pgt_const_is_true(fc->args[2]) &&
		    !p->s->transactional)
			continue;
		p->lock_timeout = !rt_pgt_const_is_zero(fc->args[1]);
	}
}

/* Statements that lock an existing table without a rule of their own. */
static void pg_locker(pg_lint *p, const char *what, const PgQuery__RangeVar *rv)
{
	if (!rv || is_new(p, rv->relname))
		return;
	char *s = rt_xasprintf("%s %s", what, rv->relname);
	locks_existing(p, s);
	free(s);
}

/* One statement of the section: the rules of its kind. */
static void pg_stmt(pg_lint *p, const Node *n)
{
	switch (n->node_case) {
	case PG_QUERY__NODE__NODE_CREATE_STMT:
		pg_create(p, n->create_stmt);
		break;
	case PG_QUERY__NODE__NODE_CREATE_TABLE_AS_STMT:
		pg_create_as(p, n->create_table_as_stmt);
		break;
	case PG_QUERY__NODE__NODE_INDEX_STMT:
		pg_index(p, n->index_stmt);
		break;
	case PG_QUERY__NODE__NODE_DROP_STMT:
		pg_drop(p, n->drop_stmt);
		break;
	case PG_QUERY__NODE__NODE_RENAME_STMT:
		pg_rename(p, n->rename_stmt);
		break;
	case PG_QUERY__NODE__NODE_ALTER_TABLE_STMT:
		pg_alter(p, n->alter_table_stmt);
		break;
	case PG_QUERY__NODE__NODE_VARIABLE_SET_STMT:
		pg_set(p, n->variable_set_stmt);
		break;
	case PG_QUERY__NODE__NODE_SELECT_STMT:
		pg_select(p, n->select_stmt);
		break;
	case PG_QUERY__NODE__NODE_CREATE_TRIG_STMT:
		pg_locker(p, "CREATE TRIGGER on", n->create_trig_stmt->relation);
		break;
	case PG_QUERY__NODE__NODE_TRUNCATE_STMT:
		for (size_t i = 0; i < n->truncate_stmt->n_relations; i++) {
			const Node *r = n->truncate_stmt->relations[i];
			if (r->node_case == PG_QUERY__NODE__NODE_RANGE_VAR)
				pg_locker(p, "TRUNCATE", r->range_var);
		}
		break;
	case PG_QUERY__NODE__NODE_REINDEX_STMT:
		for (size_t i = 0; i < n->reindex_stmt->n_params; i++) {
			const Node *o = n->reindex_stmt->params[i];
			if (o->node_case == PG_QUERY__NODE__NODE_DEF_ELEM &&
			    !strcmp(o->def_elem->defname, "concurrently") &&
			    p->s->transactional)
				REPORT(p, "concurrently-in-transaction",
				       "REINDEX CONCURRENTLY in a transactional section");
		}
		break;
	default:
		break;
	}
}

/* ------------------------------------------------------------------ */
/* The section                                                          */
/* ------------------------------------------------------------------ */

/* A parse error as a finding, at the position PostgreSQL names. */
static void syntax_error(lint_section *s, const PgQueryError *e)
{
	size_t off = 0;
	for (int n = 1; n < e->cursorpos && off < s->len; n++) {
		off++;
		while (off < s->len && ((unsigned char)s->sql[off] & 0xC0) == 0x80)
			off++;
	}
	int line = s->first_line, col = 1;
	if (e->cursorpos > 0)
		rt_sql_position(s->sql, off, s->first_line, &line, &col);
	rt_lint_finding(s, "syntax-error", line, col, "%s", e->message);
}

/* Findings that waited for the end of the section; what the downgrade learns. */
static void finish(pg_lint *p)
{
	for (size_t i = 0; i < p->no_pk.n; i++) {
		const pending *e = &p->no_pk.v[i];
		if (!e->done)
			rt_lint_finding(p->s, "require-primary-key", e->line, e->column,
				    "CREATE TABLE %s without a primary key", e->table);
	}
	strbuf names = STRBUF_INIT;
	for (size_t i = 0; i < p->drops.n; i++) {
		const pending *e = &p->drops.v[i], *next = e + 1;
		if (!rt_lint_listed(&p->renamed_to, e->table))
			rt_strbuf_addf(&names, "%s%s", names.len ? ", " : "", e->table);
		/* one finding per statement: its entries are adjacent */
		if (i + 1 < p->drops.n && next->line == e->line &&
		    next->column == e->column)
			continue;
		if (names.len)
			rt_lint_finding(p->s, "ban-drop-table", e->line, e->column,
				    "DROP TABLE %s", names.buf);
		rt_strbuf_reset(&names);
	}
	rt_strbuf_release(&names);
	if (!p->s->downgrade) {
		for (size_t i = 0; i < p->new_tables.n; i++)
			rt_strlist_push(&p->s->mem->tables, p->new_tables.v[i]);
		for (size_t i = 0; i < p->new_indexes.n; i++)
			rt_strlist_push(&p->s->mem->indexes, p->new_indexes.v[i]);
	}
	pending_free(&p->no_pk);
	pending_free(&p->drops);
	rt_strlist_free(&p->new_tables);
	rt_strlist_free(&p->new_indexes);
	rt_strlist_free(&p->renamed_to);
	rt_strlist_free(&p->not_valid);
	rt_strlist_free(&p->validated);
}

/*
 * Parse the section once and walk its statements in order; a parse error
 * is itself the section's one finding.  Runs on a stack deep enough for
 * the section's nesting (see rt_lint_pg).
 */
static void lint_parsed(void *arg)
{
	lint_section *s = arg;
	PgQueryProtobufParseResult res = pg_query_parse_protobuf(s->sql);
	if (res.error) {
		syntax_error(s, res.error);
		pg_query_free_protobuf_parse_result(res);
		return;
	}
	PgQuery__ParseResult *tree = pg_query__parse_result__unpack(
		NULL, res.parse_tree.len, (const uint8_t *)res.parse_tree.data);
	pg_lint p = { .s = s };
	p.lock_timeout = s->cfg && s->cfg->lock_timeout &&
			 !rt_pgt_setting_is_zero(s->cfg->lock_timeout);
	sql_cursor pos;
	rt_sql_cursor_init(&pos, s->sql, s->first_line);
	for (size_t i = 0; tree && i < tree->n_stmts; i++) {
		const PgQuery__RawStmt *raw = tree->stmts[i];
		size_t start = (size_t)raw->stmt_location;
		size_t n = raw->stmt_len ? (size_t)raw->stmt_len : s->len - start;
		start += rt_sql_skip_blank(s->sql + start, n);
		rt_sql_cursor_to(&pos, start);
		p.line = pos.line;
		p.column = pos.col;
		if (raw->stmt)
			pg_stmt(&p, raw->stmt);
	}
	finish(&p);
	if (tree)
		pg_query__parse_result__free_unpacked(tree, NULL);
	pg_query_free_protobuf_parse_result(res);
}

/*
 * The PostgreSQL rules over one section.  The parse and the walks recurse
 * as deep as the SQL nests, so they run on a stack that holds it (deep.c);
 * a section too deep for any is one finding, as a syntax error is.
 */
void rt_lint_pg(lint_section *s)
{
	rt_pg_depth_bound d;
	rt_pg_depth(s->sql, s->len, &d);
	if (rt_pg_on_stack(d.bound, lint_parsed, s) == 0)
		return;
	rt_error e = { 0 };
	rt_pg_too_deep(s->sql, &d, s->first_line, NULL, &e);
	rt_lint_finding(s, "syntax-error", e.line, e.column, "%s", e.message);
	rt_error_clear(&e);
}
