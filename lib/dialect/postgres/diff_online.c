/*
 * diff_online.c - the online forms of a PostgreSQL schema diff (online =
 * true, the default): changes to a table that exists before the migration
 * are written so that no step blocks its readers and writers for longer
 * than a catalog update.
 *
 *   index                CREATE [UNIQUE] INDEX CONCURRENTLY IF NOT EXISTS in a
 *                        transaction:false step, after a DO block that drops an
 *                        INVALID leftover of the same name (a build that failed
 *                        or was killed), so a rerun builds it afresh and --sql is
 *                        what runs; a removed index: DROP INDEX CONCURRENTLY
 *   CHECK, FOREIGN KEY   ADD CONSTRAINT ... NOT VALID, then VALIDATE CONSTRAINT
 *                        in a later step (SHARE UPDATE EXCLUSIVE: writes go on)
 *   SET NOT NULL         CHECK (c IS NOT NULL) NOT VALID, VALIDATE, SET NOT NULL
 *                        (which the validated check spares its scan), drop the check
 *   NULLs take a default a batch step: slices of 10000 rows by primary key
 *   PRIMARY KEY, UNIQUE  the unique index built concurrently, then ADD CONSTRAINT
 *                        ... USING INDEX
 *   type change          kept; marked when it rewrites the table, silenced for lint
 *                        when it does not (a binary-coercible widening)
 *
 * and every transactional step starts with SET LOCAL lock_timeout, so a
 * step waiting for its lock on a busy table gives up (and the runner tries
 * it again, lock_retries) instead of making every query queue behind it.
 * Tables created by the migration keep the plain forms: nobody uses them
 * yet.  Partitioned tables and partitions keep them too: PostgreSQL builds
 * no index concurrently on a partitioned table, nor adds NOT VALID
 * constraints to one.  The steps are sm_step (schema/ops.h); the order
 * they run in is fixed there.
 */
#include "dialect/postgres/pgdiff.h"

#include <string.h>

/* Rows a repetition of a batch backfill changes. */
#define BATCH_ROWS 10000

/* See pgdiff.h. */
int rt_pgd_online(const dd *d, const sm_table *tb)
{
	if (!d->online || !tb || tb->partition_of || rt_pgd_is_partitioned(tb))
		return 0;
	const sm_table *ta = rt_sm_find_table(d->a, tb->schema, tb->name);
	return ta && !ta->partition_of && !rt_pgd_is_partitioned(ta);
}

/*
 * Statements of a later step that name an object made online (an index, a
 * constraint made with USING INDEX) start with a prefix recorded here
 * ("\x1f" then the step's number): rt_pgd_online_finish moves them to
 * that step, after the object exists.
 */
static void follow(dd *d, sm_step step, const char *head, const char *a, const char *b)
{
	strbuf sb = STRBUF_INIT;
	rt_strbuf_addf(&sb, "%s %s%s%s \x1f%d", head, a, b ? " ON " : "", b ? b : "", (int)step);
	rt_strlist_push(&d->online_made, sb.buf);
	rt_strbuf_release(&sb);
}

/* The definition of an index with CONCURRENTLY IF NOT EXISTS after INDEX. */
static char *concurrent_def(const char *def)
{
	const char *p = strstr(def, "INDEX ");
	if (!p)
		return rt_xstrdup(def);
	p += 6;
	return rt_xasprintf("%.*sCONCURRENTLY IF NOT EXISTS %s", (int)(p - def), def, p);
}

/*
 * Build index x (its definition def) concurrently in step
 * SM_STEP_CONCURRENT, what naming it.  A build that failed (or was killed)
 * leaves an INVALID index that IF NOT EXISTS would take for done: the DO
 * block before it drops one (plain DROP INDEX, as DO runs in a
 * transaction; an INVALID index is never used, and lock_timeout bounds
 * the wait for the table's lock).
 */
static void build_concurrently(dd *d, const char *schema, const char *name, const char *def,
			       const char *what)
{
	sm_op *op = rt_sm_ops_add(d->out, 0, "%s", what);
	op->step = SM_STEP_CONCURRENT;
	const char *qi = Q(&d->n, schema, name);
	strbuf lit = STRBUF_INIT;
	rt_sql_literal(&lit, qi);
	rt_sm_op_sql(op, "DO $retort$\nBEGIN\n"
		     "\tIF EXISTS (SELECT FROM pg_catalog.pg_index\n"
		     "\t\t   WHERE indexrelid = pg_catalog.to_regclass(%s) AND NOT indisvalid) THEN\n"
		     "\t\tPERFORM pg_catalog.set_config('lock_timeout', %s, true);\n"
		     "\t\tDROP INDEX %s;\n\tEND IF;\nEND\n$retort$",
		     lit.buf, L(&d->n, d->lock_timeout), qi);
	rt_strbuf_release(&lit);
	char *c = concurrent_def(def);
	rt_sm_op_sql(op, "%s", c);
	free(c);
	rt_sm_op_note(op, "built without blocking writes; a failed build left INVALID is dropped first");
	follow(d, SM_STEP_CONCURRENT, "COMMENT ON INDEX", qi, NULL);
	follow(d, SM_STEP_CONCURRENT, "ALTER INDEX", qi, NULL);
}

/* See pgdiff.h. */
void rt_pgd_online_index(dd *d, const char *schema, const sm_index *x)
{
	char *what = rt_xasprintf("create index %s.%s (concurrently)", schema, x->name);
	build_concurrently(d, schema, x->name, x->def, what);
	free(what);
}

/*
 * Does a foreign key of a use a unique index of table ta?  Then the index
 * cannot go before the key (dropped in the first step), so it is dropped
 * where the plain form drops it.
 */
static int referenced(const dd *d, const sm_table *ta)
{
	char *dep = dep_name(ta->schema, ta->name);
	int hit = 0;
	for (size_t i = 0; i < d->a->ntables && !hit; i++)
		for (size_t j = 0; j < d->a->tables[i].ncons && !hit; j++) {
			const sm_constraint *k = &d->a->tables[i].cons[j];
			hit = k->kind == SM_FOREIGN && k->ref_table && !strcmp(k->ref_table, dep);
		}
	free(dep);
	return hit;
}

/* See pgdiff.h. */
int rt_pgd_online_drop_index(dd *d, const sm_table *ta, const sm_index *x)
{
	const sm_table *tb = rt_sm_find_table(d->b, ta->schema, ta->name);
	if (!rt_pgd_online(d, tb) || (x->unique && referenced(d, ta)))
		return 0;
	sm_op *op = rt_sm_ops_add(d->out, 0, "drop index %s.%s (concurrently)", ta->schema, x->name);
	op->step = SM_STEP_PRE;
	rt_sm_op_sql(op, "DROP INDEX CONCURRENTLY IF EXISTS %s", Q(&d->n, ta->schema, x->name));
	return 1;
}

/* The index of b's table t that backs constraint k, or NULL. */
static const sm_index *backing_index(const sm_table *t, const sm_constraint *k)
{
	const sm_index *x = rt_sm_find_index(t->idx, t->nidx, k->name);
	return x && x->constraint && x->unique ? x : NULL;
}

/* A primary key or unique constraint: its index concurrently, then USING INDEX. */
static int online_key(dd *d, const sm_table *t, const sm_constraint *k)
{
	const sm_index *x = backing_index(t, k);
	if (!x || strncmp(x->def, "CREATE UNIQUE INDEX ", 20))
		return 0;
	const char *kind = k->kind == SM_PRIMARY ? "primary key" : "unique constraint";
	char *what = rt_xasprintf("add %s %s on %s.%s (1/2): its index, concurrently", kind, k->name,
				  t->schema, t->name);
	build_concurrently(d, t->schema, x->name, x->def, what);
	free(what);
	sm_op *op = rt_sm_ops_add(d->out, 0, "add %s %s on %s.%s (2/2): the constraint, using the index",
				  kind, k->name, t->schema, t->name);
	op->step = SM_STEP_FINISH;
	const char *qt = Q(&d->n, t->schema, t->name);
	rt_sm_op_sql(op, "ALTER TABLE %s ADD CONSTRAINT %s %s USING INDEX %s%s%s", qt,
		     I(&d->n, k->name), k->kind == SM_PRIMARY ? "PRIMARY KEY" : "UNIQUE",
		     I(&d->n, x->name), k->deferrable ? " DEFERRABLE" : "",
		     k->deferred ? " INITIALLY DEFERRED" : "");
	follow(d, SM_STEP_FINISH, "COMMENT ON CONSTRAINT", I(&d->n, k->name), qt);
	return 1;
}

/* See pgdiff.h. */
int rt_pgd_online_constraint(dd *d, const sm_table *t, const sm_constraint *k, int late)
{
	if (!rt_pgd_online(d, t))
		return 0;
	if (k->kind == SM_PRIMARY || k->kind == SM_UNIQUE)
		return online_key(d, t, k);
	if ((k->kind != SM_CHECK && k->kind != SM_FOREIGN) || !k->validated)
		return 0;
	const char *kind = k->kind == SM_FOREIGN ? "foreign key" : "check constraint";
	const char *qt = Q(&d->n, t->schema, t->name);
	sm_op *op = rt_sm_ops_add(d->out, 0, "add %s %s on %s.%s (1/2): NOT VALID, checked for new rows",
				  kind, k->name, t->schema, t->name);
	op->step = late ? SM_STEP_LATE : SM_STEP_MAIN;
	rt_sm_op_sql(op, "ALTER TABLE %s ADD CONSTRAINT %s %s NOT VALID", qt, I(&d->n, k->name), k->def);
	rt_pgd_online_validate(d, t, k->name, kind, late);
	return 1;
}

/* See pgdiff.h. */
void rt_pgd_online_validate(dd *d, const sm_table *t, const char *name, const char *kind, int late)
{
	sm_op *op = rt_sm_ops_add(d->out, 0, "validate %s %s on %s.%s%s", kind, name, t->schema,
				  t->name, strcmp(kind, "constraint") ? " (2/2): the existing rows" : "");
	op->step = late ? SM_STEP_LATE_VALIDATE : SM_STEP_VALIDATE;
	rt_sm_op_sql(op, "ALTER TABLE %s VALIDATE CONSTRAINT %s", Q(&d->n, t->schema, t->name),
		     I(&d->n, name));
	rt_sm_op_note(op, "reads every row under a SHARE UPDATE EXCLUSIVE lock: reads and writes go on");
}

/* The name of the CHECK that proves a column NOT NULL while it is set. */
static char *not_null_check(const sm_column *c)
{
	return rt_xasprintf("retort_nn_%.50s", c->name);
}

/*
 * UPDATE t SET c = default WHERE key IN (the next slice of NULLs): the
 * primary key of a (the table as it is before the migration), else ctid.
 */
static void online_fill(dd *d, const sm_table *t, const sm_column *c)
{
	const sm_table *ta = rt_sm_find_table(d->a, t->schema, t->name);
	const sm_constraint *pk = NULL;
	for (size_t i = 0; ta && i < ta->ncons && !pk; i++)
		if (ta->cons[i].kind == SM_PRIMARY && ta->cons[i].ncols)
			pk = &ta->cons[i];
	strbuf key = STRBUF_INIT;
	for (size_t i = 0; pk && i < pk->ncols; i++)
		rt_strbuf_addf(&key, "%s%s", i ? ", " : "", I(&d->n, pk->cols[i]));
	if (!pk)
		rt_strbuf_adds(&key, "ctid");
	sm_op *op = rt_sm_ops_add(d->out, 0, "alter column %s.%s.%s: NULLs take the default, %d rows at a time",
				  t->schema, t->name, c->name, BATCH_ROWS);
	op->step = SM_STEP_BATCH;
	const char *qt = Q(&d->n, t->schema, t->name), *qc = I(&d->n, c->name);
	int many = pk && pk->ncols > 1;
	rt_sm_op_sql(op, "UPDATE %s SET %s = %s WHERE %s%s%s IN (SELECT %s FROM %s WHERE %s IS NULL LIMIT %d)",
		     qt, qc, c->def, many ? "(" : "", key.buf, many ? ")" : "", key.buf, qt, qc, BATCH_ROWS);
	rt_sm_op_note(op, "NULLs in %s.%s become its default, %s", t->name, c->name, c->def);
	rt_strbuf_release(&key);
}

/* See pgdiff.h. */
void rt_pgd_online_not_null(dd *d, const sm_table *t, const sm_column *c, int fill)
{
	char *check = not_null_check(c);
	const char *qt = Q(&d->n, t->schema, t->name), *qc = I(&d->n, c->name), *qk = I(&d->n, check);
	sm_op *op = rt_sm_ops_add(d->out, 0, "alter column %s.%s.%s: not null (1/3): a CHECK NOT VALID, "
				  "which new rows must pass", t->schema, t->name, c->name);
	rt_sm_op_sql(op, "ALTER TABLE %s ADD CONSTRAINT %s CHECK (%s IS NOT NULL) NOT VALID", qt, qk, qc);
	if (fill)
		online_fill(d, t, c);
	op = rt_sm_ops_add(d->out, 0, "alter column %s.%s.%s: not null (2/3): validate the check",
			   t->schema, t->name, c->name);
	op->step = SM_STEP_VALIDATE;
	qt = Q(&d->n, t->schema, t->name);
	rt_sm_op_sql(op, "ALTER TABLE %s VALIDATE CONSTRAINT %s", qt, I(&d->n, check));
	rt_sm_op_note(op, "reads every row under a SHARE UPDATE EXCLUSIVE lock: reads and writes go on");
	op = rt_sm_ops_add(d->out, 0, "alter column %s.%s.%s: not null (3/3): SET NOT NULL, which the "
			   "validated check spares its scan; then the check goes", t->schema, t->name, c->name);
	op->step = SM_STEP_FINISH;
	qt = Q(&d->n, t->schema, t->name);
	rt_sm_op_sql(op, "ALTER TABLE %s ALTER COLUMN %s SET NOT NULL", qt, I(&d->n, c->name));
	rt_sm_op_sql(op, "ALTER TABLE %s DROP CONSTRAINT %s", qt, I(&d->n, check));
	free(check);
}

/* Type names as format_type writes them, without a modifier: "character varying(20)" -> 20. */
static int type_head(const char *t, const char *name, long *mod, long *scale)
{
	size_t n = strlen(name);
	if (strncmp(t, name, n) || (t[n] && t[n] != '('))
		return 0;
	*mod = *scale = -1;
	if (t[n] == '(') {
		char *e;
		*mod = strtol(t + n + 1, &e, 10);
		*scale = *e == ',' ? strtol(e + 1, NULL, 10) : 0;
	}
	return 1;
}

/*
 * Does PostgreSQL change the type from a to b without rewriting the table
 * (binary coercible: no value changes)?  varchar(n) to a longer varchar,
 * to varchar or text; varchar to text and back; numeric(p,s) to a larger
 * precision at the same scale, or to numeric; cidr to inet.
 */
static int keeps_storage(const char *a, const char *b)
{
	long ma, sa, mb, sb;
	if (type_head(a, "character varying", &ma, &sa)) {
		if (!strcmp(b, "text"))
			return 1;
		if (type_head(b, "character varying", &mb, &sb))
			return mb < 0 || (ma >= 0 && mb >= ma);
		return 0;
	}
	if (!strcmp(a, "text"))
		return !strcmp(b, "character varying");
	if (type_head(a, "numeric", &ma, &sa) && type_head(b, "numeric", &mb, &sb))
		return mb < 0 || (ma >= 0 && sa == sb && mb >= ma);
	return !strcmp(a, "cidr") && !strcmp(b, "inet");
}

/* See pgdiff.h. */
void rt_pgd_online_type(dd *d, sm_op *op, const sm_table *t, const sm_column *x, const sm_column *y)
{
	if (!rt_pgd_online(d, t))
		return;
	if (keeps_storage(x->type, y->type) && eq(x->collation, y->collation) && !y->generated) {
		op->lint_ignore = rt_xstrdup("changing-column-type");
		rt_sm_op_note(op, "%s to %s keeps every value as it is stored: no rewrite", x->type, y->type);
		return;
	}
	rt_sm_op_note(op, "rewrites table %s.%s and its indexes under an ACCESS EXCLUSIVE lock (no reads "
		      "or writes until it ends); on a large live table change the type in steps instead: "
		      "a new column, written by both, backfilled in batches (see \"Changing a column's type\" "
		      "in docs/postgresql.md)", t->schema, t->name);
}

/* Does the migration make a key of table ref (a dep name) in a later step? */
int rt_pgd_key_made_online(const dd *d, const char *ref)
{
	const sm_table *tb = ref ? rt_pgd_table_by_dep(d->b, ref) : NULL;
	if (!rt_pgd_online(d, tb))
		return 0;
	const sm_table *ta = rt_sm_find_table(d->a, tb->schema, tb->name);
	for (size_t i = 0; i < tb->nidx; i++) {
		const sm_index *x = &tb->idx[i], *m = rt_sm_find_index(ta->idx, ta->nidx, x->name);
		if (x->unique && (!m || strcmp(m->def, x->def) || rt_pgd_idx_dropped(d, ta, tb, m)))
			return 1;
	}
	for (size_t i = 0; i < tb->ncons; i++) {
		const sm_constraint *k = &tb->cons[i], *m = rt_sm_find_constraint(ta, k->name);
		if ((k->kind == SM_PRIMARY || k->kind == SM_UNIQUE) &&
		    (!m || rt_pgd_con_dropped(d, ta, tb, m)))
			return 1;
	}
	return 0;
}

/* The step recorded for a statement that names an object made in a later one, or SM_STEP_MAIN. */
static sm_step followed(const dd *d, const char *sql)
{
	for (size_t i = 0; i < d->online_made.n; i++) {
		const char *e = d->online_made.v[i], *sep = strchr(e, '\x1f');
		if (sep && !strncmp(sql, e, (size_t)(sep - e)))
			return (sm_step)atoi(sep + 1);
	}
	return SM_STEP_MAIN;
}

/* Is step s run in a transaction? */
static int transactional(sm_step s)
{
	return s != SM_STEP_PRE && s != SM_STEP_BATCH && s != SM_STEP_CONCURRENT;
}

/*
 * See pgdiff.h.  Settings and comments of objects made online move
 * to the step that makes them; then each transactional step with a change
 * starts with SET LOCAL lock_timeout: the first one only when the
 * database has tables (a migration of a new database locks nothing
 * anyone waits on).
 */
void rt_pgd_online_finish(dd *d)
{
	if (!d->online)
		return;
	sm_ops *ops = d->out;
	for (size_t i = 0; i < ops->n; i++)
		if (ops->v[i].step == SM_STEP_MAIN && ops->v[i].sql.n)
			ops->v[i].step = followed(d, ops->v[i].sql.v[0]);
	for (int s = SM_STEP_N - 1; s >= 0; s--) {
		int used = 0;
		for (size_t i = 0; i < ops->n && !used; i++)
			used = (int)ops->v[i].step == s && !ops->v[i].check_only;
		if (!used || !transactional((sm_step)s) || (s == SM_STEP_MAIN && !d->a->ntables))
			continue;
		sm_ops one = { 0 };
		sm_op *op = rt_sm_ops_add(&one, 0, "wait at most %s for each lock, then fail (retort tries "
					  "the step again: lock_retries)", d->lock_timeout);
		op->step = (sm_step)s;
		op->check_only = 1;
		rt_sm_op_sql(op, "SET LOCAL lock_timeout = %s", L(&d->n, d->lock_timeout));
		rt_sm_ops_append(&one, ops); /* the new one first: a step's operations stay in order */
		*ops = one;
	}
}
