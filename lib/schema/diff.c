/*
 * diff.c - rt_schema_diff: load two schemas, let the dialect compute the
 * operations both ways, and render them as migration SQL with comments
 * that say what each step does and what data it drops.
 */
#include "internal.h"
#include "ctx_internal.h"
#include "schema/model.h"
#include "schema/ops.h"
#include "schema/source.h"

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

/*
 * See ops.h.  Each operation: a comment line, its warning, its statements
 * (each ended as the dialect's client scripts end it: on MySQL, a body
 * holding ';' between DELIMITER lines); possible renames first, as
 * comments, where the reviewer of the file sees them.
 */
char *rt_sm_ops_render(const rt_dialect *d, const sm_ops *ops, const rt_strlist *renames)
{
	strbuf sb = STRBUF_INIT;
	for (size_t i = 0; renames && i < renames->n; i++)
		rt_strbuf_addf(&sb, "-- WARNING: %s\n%s", renames->v[i],
			    i + 1 == renames->n && ops->n ? "\n" : "");
	for (size_t i = 0; i < ops->n; i++) {
		const sm_op *op = &ops->v[i];
		if (i)
			rt_strbuf_addc(&sb, '\n');
		rt_strbuf_addf(&sb, "-- %s\n", op->what);
		if (op->note)
			rt_strbuf_addf(&sb, "-- %s%s\n", op->destructive ? "WARNING: " : "", op->note);
		for (size_t j = 0; j < op->sql.n; j++) {
			if (!d->script_stmt) {
				rt_strbuf_addf(&sb, "%s;\n", op->sql.v[j]);
				continue;
			}
			/* the dialect's terminator (MySQL: DELIMITER around a body with ';') */
			rt_stmt st = { .sql = op->sql.v[j], .len = strlen(op->sql.v[j]) };
			d->script_stmt(&sb, &st);
			rt_strbuf_addc(&sb, '\n');
		}
	}
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
						    "if it is a rename, replace both with %s, and the downgrade's "
						    "two with the rename back)",
						    t->name, old->cols[j].name, t->cols[k].name,
						    old->cols[j].name, t->cols[k].name, sql.buf);
				rt_strlist_push(out, w);
				free(w);
				rt_strbuf_release(&sql);
			}
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
	sm_schema *a = NULL, *b = NULL;
	sm_ops up = { 0 }, down = { 0 };
	int rc = -1;
	if (!d->introspect || !d->diff) {
		rt_fail(err, RT_EFAIL, "comparing schemas is not available for %s", d->name);
		goto done;
	}
	sm_diff_opts opts = { .column_order_strict = cfg->column_order_strict };
	if (rt_sm_source_load(ctx, d, cfg, from, &a, err) < 0 ||
	    rt_sm_source_load(ctx, d, cfg, to, &b, err) < 0 ||
	    d->diff(a, b, &opts, &up, err) < 0 || d->diff(b, a, &opts, &down, err) < 0)
		goto done;
	rt_strlist renames = { 0 };
	possible_renames(d, a, b, &renames);
	unfillable_columns(a, b, &renames);
	out->upgrade_sql = rt_sm_ops_render(d, &up, &renames);
	out->downgrade_sql = rt_sm_ops_render(d, &down, NULL);
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
	rc = 0;
done:
	rt_sm_ops_free(&up);
	rt_sm_ops_free(&down);
	rt_sm_free(a);
	rt_sm_free(b);
	rt_config_free(cfg);
	if (rc < 0)
		rt_diff_free(out);
	return rc;
}
