/*
 * diff.c - rt_schema_diff: load two schemas, let the dialect compute the
 * operations both ways, and render them as migration SQL with comments
 * that say what each step does and what data it drops.
 */
#include "internal.h"
#include "ctx_internal.h"
#include "schema/model.h"
#include "schema/ops.h"
#include "schema/rename.h"
#include "schema/source.h"

#include <pthread.h>
#include <stdlib.h>
#include <string.h>

/* See retort.h and retort_int.h (heap).  d may be NULL. */
void rt_diff_free(rt_diff *d)
{
	if (!d)
		return;
	int heap = d->heap;
	free(d->upgrade_sql);
	free(d->downgrade_sql);
	rt_strlist_free(&d->changes);
	rt_strlist_free(&d->warnings);
	rt_strlist_free(&d->unsupported);
	memset(d, 0, sizeof(*d));
	if (heap)
		free(d);
}

/* One operation: its comment line, its note, its statements. */
static void render_op(strbuf *sb, const rt_dialect *d, const sm_op *op)
{
	rt_strbuf_addf(sb, "-- %s\n", op->what);
	if (op->note)
		rt_strbuf_addf(sb, "-- %s%s\n", op->destructive ? "WARNING: " : "", op->note);
	for (size_t j = 0; j < op->sql.n; j++) {
		if (j == 0 && op->lint_ignore)
			rt_strbuf_addf(sb, "-- retort:lint-ignore %s\n", op->lint_ignore);
		if (!d->script_stmt) {
			rt_strbuf_addf(sb, "%s;\n", op->sql.v[j]);
			continue;
		}
		/* the dialect's terminator (MySQL: DELIMITER around a body with ';') */
		rt_stmt st = { .sql = op->sql.v[j], .len = strlen(op->sql.v[j]) };
		d->script_stmt(sb, &st);
		rt_strbuf_addc(sb, '\n');
	}
}

/* The order steps are written in (sm_step in ops.h), and each one's options. */
static const struct {
	sm_step step;
	const char *options;
} step_order[SM_STEP_N] = {
	{ SM_STEP_PRE, " transaction:false" },
	{ SM_STEP_MAIN, "" },
	{ SM_STEP_BATCH, " batch" },
	{ SM_STEP_CONCURRENT, " transaction:false" },
	{ SM_STEP_VALIDATE, "" },
	{ SM_STEP_FINISH, "" },
	{ SM_STEP_LATE, "" },
	{ SM_STEP_LATE_VALIDATE, "" },
};

/*
 * See ops.h.  Each operation: a comment line, its warning, its statements
 * (each ended as the dialect's client scripts end it: on MySQL, a body
 * holding ';' between DELIMITER lines); possible renames first, as
 * comments, where the reviewer of the file sees them.  With several
 * steps, each starts with its marker (the first one before the warnings,
 * so that no step is made of comments alone), and a batch operation is a
 * step of its own (a batch step repeats its one statement).
 */
char *rt_sm_ops_render(const rt_dialect *d, const sm_ops *ops, const rt_strlist *renames,
		       const char *direction)
{
	strbuf sb = STRBUF_INIT;
	size_t nsteps = 0, written = 0;
	for (size_t k = 0; k < SM_STEP_N; k++)
		for (size_t i = 0, seen = 0; i < ops->n; i++)
			if (ops->v[i].step == step_order[k].step &&
			    (!seen++ || step_order[k].step == SM_STEP_BATCH))
				nsteps++;
	int marked = nsteps > 1 || (nsteps == 1 && ops->v[0].step != SM_STEP_MAIN);
	for (size_t k = 0; k < SM_STEP_N; k++) {
		int open = 0;
		for (size_t i = 0; i < ops->n; i++) {
			const sm_op *op = &ops->v[i];
			if (op->step != step_order[k].step)
				continue;
			if (marked && (!open || op->step == SM_STEP_BATCH))
				rt_strbuf_addf(&sb, "%s-- migrate:%s%s\n", written ? "\n" : "", direction,
					       step_order[k].options);
			for (size_t j = 0; !written && renames && j < renames->n; j++)
				rt_strbuf_addf(&sb, "-- WARNING: %s\n%s", renames->v[j],
					       j + 1 == renames->n ? "\n" : "");
			if (open && !(marked && op->step == SM_STEP_BATCH))
				rt_strbuf_addc(&sb, '\n');
			render_op(&sb, d, op);
			open = 1;
			written++;
		}
	}
	for (size_t j = 0; !written && renames && j < renames->n; j++)
		rt_strbuf_addf(&sb, "-- WARNING: %s\n", renames->v[j]);
	return rt_strbuf_detach(&sb);
}

/*
 * A table losing some columns and gaining others may be a rename, which
 * no catalog can tell: say so, with the statement that would keep the data.
 */
static void possible_renames(const rt_dialect *d, const sm_schema *a, const sm_schema *b,
			     rt_strlist *out)
{
	for (size_t i = 0; i < b->ntables; i++) {
		const sm_table *t = &b->tables[i];
		const sm_table *old = rt_sm_find_table(a, t->schema, t->name);
		if (!old)
			continue;
		for (size_t j = 0; j < old->ncols; j++) {
			if (rt_sm_find_column(t, old->cols[j].name))
				continue;
			for (size_t k = 0; k < t->ncols; k++) {
				if (rt_sm_find_column(old, t->cols[k].name))
					continue;
				strbuf sql = STRBUF_INIT;
				rt_strbuf_adds(&sql, "ALTER TABLE ");
				if (t->schema) {
					d->ident(&sql, t->schema);
					rt_strbuf_addc(&sql, '.');
				}
				d->ident(&sql, t->name);
				rt_strbuf_adds(&sql, " RENAME COLUMN ");
				d->ident(&sql, old->cols[j].name);
				rt_strbuf_adds(&sql, " TO ");
				d->ident(&sql, t->cols[k].name);
				char *w = rt_xasprintf("possible rename: %s.%s -> %s (the migration drops %s and adds %s; "
						    "if it is a rename, end %s's line in the schema with "
						    "'-- retort:renamed-from %s' and generate the migration again, "
						    "or replace both with %s, and the downgrade's two with the "
						    "rename back)",
						    t->name, old->cols[j].name, t->cols[k].name,
						    old->cols[j].name, t->cols[k].name, t->cols[k].name,
						    old->cols[j].name, sql.buf);
				rt_strlist_push(out, w);
				free(w);
				rt_strbuf_release(&sql);
			}
		}
	}
}

/* Do two tables have the same columns (by name, in any order)? */
static int same_columns(const sm_table *x, const sm_table *y)
{
	if (x->ncols != y->ncols)
		return 0;
	for (size_t i = 0; i < x->ncols; i++)
		if (!rt_sm_find_column(y, x->cols[i].name))
			return 0;
	return 1;
}

/* A table dropped and another with its columns created may be a rename: say how to mark it. */
static void possible_table_renames(const sm_schema *a, const sm_schema *b, rt_strlist *out)
{
	for (size_t i = 0; i < a->ntables; i++) {
		const sm_table *old = &a->tables[i];
		if (rt_sm_find_table(b, old->schema, old->name))
			continue;
		for (size_t j = 0; j < b->ntables; j++) {
			const sm_table *t = &b->tables[j];
			if (rt_sm_find_table(a, t->schema, t->name) || !same_columns(old, t))
				continue;
			char *w = rt_xasprintf("possible rename: table %s -> %s (the migration drops %s and its "
					    "rows and creates %s; if it is a rename, end the CREATE TABLE %s line "
					    "in the schema with '-- retort:renamed-from %s' and generate the "
					    "migration again)", old->name, t->name, old->name, t->name, t->name,
					    old->name);
			rt_strlist_push(out, w);
			free(w);
		}
	}
}

/*
 * A new NOT NULL column without a default on a table that already exists
 * cannot be filled: the upgrade fails as soon as the table has rows.
 */
static void unfillable_columns(const sm_schema *a, const sm_schema *b, rt_strlist *out)
{
	for (size_t i = 0; i < b->ntables; i++) {
		const sm_table *t = &b->tables[i];
		const sm_table *old = rt_sm_find_table(a, t->schema, t->name);
		for (size_t j = 0; old && j < t->ncols; j++) {
			const sm_column *c = &t->cols[j];
			if (rt_sm_find_column(old, c->name) || !c->notnull || c->def || c->generated ||
			    c->identity)
				continue;
			char *w = rt_xasprintf("%s.%s is added NOT NULL without a default: the upgrade fails if %s has rows "
					    "(give it a DEFAULT, or add it nullable, fill it, then set NOT NULL)",
					    t->name, c->name, t->name);
			rt_strlist_push(out, w);
			free(w);
		}
	}
}

static void add_unsupported(rt_strlist *out, const sm_schema *s)
{
	for (size_t i = 0; i < s->nunsupported; i++)
		if (!rt_strlist_has(out, s->unsupported[i]))
			rt_strlist_push(out, s->unsupported[i]);
}

/*
 * The configuration a diff runs with, and its dialect in *d.  An explicit
 * URL among the sources decides the dialect (and where scratch databases
 * are made), unless the other source is "database", which means the
 * configured URL; every URL involved must be of the same dialect.
 */
static rt_config *diff_config(const rt_ctx *ctx, const char *from, const char *to,
			      const rt_dialect **d, rt_error *err)
{
	const char *given[2] = { rt_sm_source_url(from), rt_sm_source_url(to) };
	char *urls[3] = { NULL, NULL, NULL }, *driver;
	for (int i = 0; i < 2; i++)
		if (given[i]) {
			urls[i] = rt_url_without_driver(given[i], &driver);
			free(driver);
		}
	int uses_db = !strcmp(from, "database") || !strcmp(to, "database");
	rt_config *cfg = rt_config_clone(ctx->cfg);
	const char *explicit = urls[0] ? urls[0] : urls[1];
	if (explicit && !uses_db) {
		free(cfg->url);
		cfg->url = rt_xstrdup(explicit);
	}
	if (uses_db)
		urls[2] = rt_xstrdup(cfg->url);
	const rt_dialect *first = NULL;
	for (int i = 0; i < 3 && cfg; i++) {
		if (!urls[i])
			continue;
		rt_error e = { 0 };
		const rt_dialect *dl = rt_dialect_for_url(urls[i], &e);
		rt_error_clear(&e);
		if (dl && first && dl != first) {
			rt_fail(err, RT_EUSAGE, "cannot compare a %s database with a %s one",
				first->name, dl->name);
			rt_config_free(cfg);
			cfg = NULL;
		}
		if (dl)
			first = dl;
	}
	for (int i = 0; i < 3; i++)
		free(urls[i]);
	if (!cfg)
		return NULL;
	*d = explicit && !uses_db ? rt_dialect_for_config(cfg, err) : rt_ctx_dialect(ctx, err);
	if (!*d) {
		rt_config_free(cfg);
		return NULL;
	}
	return cfg;
}

/* The live database a diff starts from (its tables' rows go into the notes of table rebuilds). */
typedef struct live_db {
	const rt_dialect *d;
	const rt_config *cfg;
} live_db;

static int first_long(void *ud, int n, const char *const *v)
{
	*(long *)ud = n && v[0] ? atol(v[0]) : -1;
	return 0;
}

/* sm_diff_opts.count_rows: a read-only connection of its own, -1 when anything fails. */
static long count_rows(void *ud, const char *schema, const char *table)
{
	const live_db *l = ud;
	rt_error e = { 0 };
	int missing = 0;
	long n = -1;
	rt_conn *c = l->d->connect(l->cfg, 1, &missing, &e);
	if (c) {
		strbuf sql = STRBUF_INIT;
		rt_strbuf_adds(&sql, "SELECT count(*) FROM ");
		rt_table_name(l->d, schema, table, &sql);
		if (l->d->query(c, sql.buf, first_long, &n, &e) < 0)
			n = -1;
		rt_strbuf_release(&sql);
		l->d->disconnect(c);
	}
	rt_error_clear(&e);
	return n;
}

/* A migrations[:REV] source (a replay through the runner). */
static int is_migrations(const char *spec)
{
	return !strcmp(spec, "migrations") || !strncmp(spec, "migrations:", 11);
}

/* One source being loaded by a thread of its own. */
typedef struct load_job {
	const rt_ctx *ctx;
	const rt_dialect *d;
	const rt_config *cfg;
	const char *spec;
	sm_schema *out;
	rt_sm_pending *later;
	rt_error err;
	int rc;
} load_job;

static void *load_one(void *p)
{
	load_job *j = p;
	j->rc = rt_sm_source_load_later(j->ctx, j->d, j->cfg, j->spec, &j->out, &j->later, &j->err);
	return NULL;
}

/*
 * Both sources, side by side: each load is the database's work in a
 * session of its own (a scratch database filled from a file or from the
 * migrations, or a catalog read), so `check`, which fills two, takes
 * about the time of one on a machine with two cores.  Two replays of the
 * migrations run one after the other (the runner is not made to run
 * twice at once in one process).  An error of from comes first.  What
 * the loads leave to finish (dropping scratch databases) goes on while
 * the caller compares: later[0..1], for rt_sm_pending_finish.
 */
static int load_sources(const rt_ctx *ctx, const rt_dialect *d, const rt_config *cfg,
			const char *from, const char *to, sm_schema **a, sm_schema **b,
			rt_sm_pending **later, rt_error *err)
{
	load_job j = { .ctx = ctx, .d = d, .cfg = cfg, .spec = to };
	pthread_t th;
	int threaded = strcmp(from, "empty") && strcmp(to, "empty") &&
		       !(is_migrations(from) && is_migrations(to)) &&
		       pthread_create(&th, NULL, load_one, &j) == 0;
	int rc = rt_sm_source_load_later(ctx, d, cfg, from, a, &later[0], err);
	if (threaded)
		pthread_join(th, NULL);
	else if (rc == 0)
		load_one(&j);
	later[1] = j.later;
	if (rc == 0 && j.rc < 0) {
		*err = j.err;
		return -1;
	}
	rt_error_clear(&j.err);
	*b = j.out;
	return rc;
}

/*
 * See retort.h.  The dialect computes each direction as a diff of its own
 * (the downgrade is not the upgrade inverted).  Operations that only check
 * are not changes, so a diff of nothing else is empty.  On failure out is
 * freed.
 */
int rt_schema_diff_into(rt_ctx *ctx, const char *from, const char *to, rt_diff *out,
		   rt_error *err)
{
	memset(out, 0, sizeof(*out));
	const rt_dialect *d;
	rt_config *cfg = diff_config(ctx, from, to, &d, err);
	if (!cfg)
		return -1;
	sm_schema *a = NULL, *b = NULL, *a0 = NULL;
	sm_ops up = { 0 }, down = { 0 }, changes = { 0 };
	sm_renames rn = { 0 };
	rt_sm_pending *later[2] = { NULL, NULL };
	int rc = -1;
	if (!d->introspect || !d->diff) {
		rt_fail(err, RT_EFAIL, "comparing schemas is not available for %s", d->name);
		goto done;
	}
	sm_diff_opts opts = { .column_order_strict = cfg->column_order_strict, .online = cfg->online,
			      .lock_timeout = cfg->lock_timeout };
	live_db live = { d, cfg };
	if (!strcmp(from, "database") || !strcmp(to, "database")) {
		opts.count_rows = count_rows;
		opts.count_ud = &live;
	}
	if (load_sources(ctx, d, cfg, from, to, &a, &b, later, err) < 0)
		goto done;
	/*
	 * Renames (rename.c) run first each way: a renamed forwards for the
	 * upgrade, b back for the downgrade, which then needs a as it was
	 * (read once more: the models are changed in place).
	 */
	rt_sm_renames_gather(a, b, &rn);
	if (rn.n && !d->rename) {
		rt_strlist_push(&out->warnings, "rename hints are not carried out on this database yet: "
				"the migration drops and adds instead");
		rt_sm_renames_free(&rn);
	}
	if (rn.n && rt_sm_source_load(ctx, d, cfg, from, &a0, err) < 0)
		goto done;
	if (rt_sm_renames_apply(d, a, b, &rn, 0, &up, err) < 0 ||
	    d->diff(a, b, &opts, &changes, err) < 0)
		goto done;
	rt_sm_ops_append(&up, &changes);
	rt_strlist renames = { 0 }; /* what to tell about the upgrade, before b is renamed back */
	possible_table_renames(a, b, &renames);
	possible_renames(d, a, b, &renames);
	unfillable_columns(a, b, &renames);
	if (rt_sm_renames_apply(d, b, a0 ? a0 : a, &rn, 1, &down, err) < 0 ||
	    d->diff(b, a0 ? a0 : a, &opts, &changes, err) < 0) {
		rt_strlist_free(&renames);
		goto done;
	}
	rt_sm_ops_append(&down, &changes);
	out->upgrade_sql = rt_sm_ops_render(d, &up, &renames, "upgrade");
	out->downgrade_sql = rt_sm_ops_render(d, &down, NULL, "downgrade");
	for (size_t i = 0; i < up.n; i++) {
		if (up.v[i].check_only)
			continue;
		rt_strlist_push(&out->changes, up.v[i].what);
		if (up.v[i].destructive && up.v[i].note)
			rt_strlist_push(&out->warnings, up.v[i].note);
	}
	if (!out->changes.n) { /* only checks: nothing to do */
		free(out->upgrade_sql);
		free(out->downgrade_sql);
		out->upgrade_sql = rt_xstrdup("");
		out->downgrade_sql = rt_xstrdup("");
	}
	for (size_t i = 0; i < renames.n; i++)
		rt_strlist_push(&out->warnings, renames.v[i]);
	rt_strlist_free(&renames);
	add_unsupported(&out->unsupported, a);
	add_unsupported(&out->unsupported, b);
	for (size_t i = 0; i < a->nwarnings; i++)
		rt_strlist_push(&out->warnings, a->warnings[i]);
	for (size_t i = 0; i < b->nwarnings; i++)
		rt_strlist_push(&out->warnings, b->warnings[i]);
	rc = 0;
done:
	rt_sm_pending_finish(later[0]);
	rt_sm_pending_finish(later[1]);
	rt_sm_ops_free(&up);
	rt_sm_ops_free(&down);
	rt_sm_ops_free(&changes);
	rt_sm_renames_free(&rn);
	rt_sm_free(a0);
	rt_sm_free(a);
	rt_sm_free(b);
	rt_config_free(cfg);
	if (rc < 0)
		rt_diff_free(out);
	return rc;
}
