/*
 * source.c - where a schema to compare comes from: a schema file, the
 * migrations replayed to a revision, or a live database.
 *
 * retort never parses schema SQL to understand it.  Files and migrations
 * are executed in a scratch database of the same dialect, and every
 * source is then read back from the database's own catalog, so whatever
 * the database accepts, retort understands (Atlas's "dev database").
 */
#include "internal.h"
#include "ctx_internal.h"
#include "replay.h"
#include "schema/hints.h"
#include "schema/load.h"
#include "schema/model.h"
#include "schema/source.h"
#include "util/fs.h"

#include <pthread.h>
#include <string.h>

/* A database URL or a libpq "key=value" string, rather than a source name. */
static int is_url(const char *s)
{
	size_t n = strlen(s);
	return strstr(s, "://") || !strncmp(s, "sqlite:", 7) ||
	       (strchr(s, '=') && !(n > 4 && !strcmp(s + n - 4, ".sql")));
}

/* Connect to cfg->url and read its schema; a missing SQLite file is empty. */
static int introspect_url(const rt_dialect *d, const rt_config *cfg, int readonly,
			  sm_schema **out, rt_error *err)
{
	int missing;
	rt_conn *c = d->connect(cfg, readonly, &missing, err);
	if (!c) {
		if (!missing)
			return -1;
		*out = rt_sm_new();
		return 0;
	}
	int rc = d->introspect(c, cfg, out, err);
	d->disconnect(c);
	return rc;
}

/*
 * The rename hints of declared SQL, marked on the model read from it;
 * hints that rename nothing become the model's warnings.
 */
static void mark_hints(sm_schema *s, const rt_declared *sql)
{
	sm_hints h;
	rt_strlist stray = { 0 };
	rt_sm_hints_read(sql->sql, sql->len, sql->name, &h, &stray);
	rt_sm_hints_mark(s, &h, sql->name, &stray);
	for (size_t i = 0; i < stray.n; i++)
		rt_sm_strv_push(&s->warnings, &s->nwarnings, stray.v[i]);
	rt_strlist_free(&stray);
	rt_sm_hints_free(&h);
}

/*
 * Drop the scratch databases of runs that were killed, with a notice for
 * each.  One at a time: diff.c loads its two sources on two threads.
 */
static void sweep(const rt_ctx *ctx, const rt_dialect *d, const rt_config *cfg)
{
	static pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;
	if (!d->scratch_sweep)
		return;
	pthread_mutex_lock(&lock);
	rt_strlist notes = { 0 };
	d->scratch_sweep(cfg, &notes);
	for (size_t i = 0; i < notes.n; i++)
		rt_ctx_emit(ctx, RT_EV_NOTICE, NULL, 0, notes.v[i]);
	rt_strlist_free(&notes);
	pthread_mutex_unlock(&lock);
}

/* A scratch database being made (by a thread of its own when one can start). */
typedef struct scratch_job {
	const rt_dialect *d;
	const rt_config *cfg;
	char *url;
	rt_error err;
	int rc;
	pthread_t th;
	int threaded;
} scratch_job;

static void *scratch_make(void *p)
{
	scratch_job *j = p;
	j->rc = j->d->scratch_create(j->cfg, &j->url, &j->err);
	return NULL;
}

/* The configured database's state, read once (a missing SQLite file: base). */
static int db_state(const rt_ctx *ctx, const rt_dialect *d, const rt_config *cfg,
		    rt_state *st, int *have, rt_error *err)
{
	if (*have)
		return 0;
	memset(st, 0, sizeof(*st));
	int missing;
	rt_conn *c = d->connect(cfg, 1, &missing, err);
	if (!c && !missing)
		return -1;
	int rc = c ? rt_read_state(ctx, c, 0, st, err) : 0;
	if (c)
		d->disconnect(c);
	if (rc == 0)
		rc = rt_state_check(ctx->graph, st, err);
	*have = rc == 0;
	if (rc < 0)
		rt_state_free(st);
	return rc;
}

/*
 * The revisions migrations:REV names, as ids joined with ','.  What needs
 * a database (current, -1, label@current) is resolved against the
 * configured database: in the scratch database that replays them it would
 * mean base, and a diff against it would drop every table.
 */
static int source_revs(const rt_ctx *ctx, const rt_dialect *d, const rt_config *cfg,
		       const char *revs, strbuf *ids, rt_error *err)
{
	rt_state st;
	int have = 0, rc = 0;
	char *list = rt_xstrdup(revs);
	char *save = NULL;
	for (char *tok = strtok_r(list, ",", &save); tok && rc == 0; tok = strtok_r(NULL, ",", &save)) {
		rt_target t;
		rt_error e = { 0 };
		rc = rt_resolve_into(ctx->graph, tok, NULL, &t, &e);
		if (rc < 0 && e.code == RT_EUSAGE && !strchr(tok, ':')) { /* needs the database */
			rt_error_clear(&e);
			rc = db_state(ctx, d, cfg, &st, &have, err);
			if (rc == 0)
				rc = rt_resolve_into(ctx->graph, tok, &st, &t, err);
		} else if (rc < 0) {
			rt_error_clear(err);
			*err = e;
		}
		for (size_t i = 0; rc == 0 && !t.below && i < t.revs.n; i++)
			rt_strbuf_addf(ids, "%s%s", ids->len ? "," : "", ctx->graph->revs[t.revs.v[i]]->id);
		if (rc == 0)
			rt_target_free(&t);
	}
	free(list);
	if (have)
		rt_state_free(&st);
	return rc;
}

/* What runs beside a scratch load: the sweep, then a spare for the next run. */
typedef struct aside_job {
	const rt_ctx *ctx;
	const rt_dialect *d;
	const rt_config *cfg;
	pthread_t th;
	int threaded;
} aside_job;

/* See source.h: the scratch database to drop, and the aside job to join. */
struct rt_sm_pending {
	aside_job aside;
	char *url;
	pthread_t th;
	int threaded;
};

static void *aside_run(void *p)
{
	aside_job *j = p;
	sweep(j->ctx, j->d, j->cfg);
	if (j->d->scratch_spare && j->cfg->scratch_spare)
		j->d->scratch_spare(j->cfg);
	return NULL;
}

/* Drop the scratch database, then wait for the aside job. */
static void *finish(void *p)
{
	rt_sm_pending *f = p;
	f->aside.d->scratch_drop(f->aside.cfg, f->url);
	if (f->aside.threaded)
		pthread_join(f->aside.th, NULL);
	return NULL;
}

/* See source.h. */
void rt_sm_pending_finish(rt_sm_pending *p)
{
	if (!p)
		return;
	if (p->threaded)
		pthread_join(p->th, NULL);
	else
		finish(p);
	free(p->url);
	free(p);
}

/*
 * Fill a scratch database from schema SQL or from migrations, then read
 * it.  The database is made (on PostgreSQL, CREATE DATABASE: a tenth of a
 * second or more, unless a spare made ahead by an earlier run is taken)
 * while the SQL is parsed; once it is there, the sweep and the spare for
 * the next run are made while it loads.
 */
static int load_scratch(const rt_ctx *ctx, const rt_dialect *d,
			const rt_config *cfg, const rt_declared *sql, const char *rev,
			sm_schema **out, rt_sm_pending **later, rt_error *err)
{
	if (!d->scratch_create)
		return rt_fail(err, RT_EFAIL, "schema work is not available for %s", d->name);
	scratch_job job = { .d = d, .cfg = cfg };
	job.threaded = pthread_create(&job.th, NULL, scratch_make, &job) == 0;
	if (!job.threaded)
		scratch_make(&job);
	rt_stmtlist stmts = { 0 };
	rt_error serr = { 0 };
	int split = sql ? d->split(sql->sql, sql->len, 1, sql->name, &stmts, &serr) : 0;
	if (job.threaded)
		pthread_join(job.th, NULL);
	rt_sm_pending *f = rt_xcalloc(1, sizeof(*f));
	f->aside = (aside_job){ .ctx = ctx, .d = d, .cfg = cfg };
	f->aside.threaded = job.rc == 0 && pthread_create(&f->aside.th, NULL, aside_run, &f->aside) == 0;
	if (!f->aside.threaded)
		sweep(ctx, d, cfg);
	char *url = job.url;
	if (job.rc < 0 || split < 0) {
		if (job.rc == 0)
			d->scratch_drop(cfg, url);
		if (f->aside.threaded)
			pthread_join(f->aside.th, NULL);
		free(f);
		*err = job.rc < 0 ? job.err : serr;
		if (job.rc < 0)
			rt_error_clear(&serr);
		free(url);
		rt_stmtlist_free(&stmts);
		if (split < 0 && job.rc == 0 && err->message) {
			char *m = err->message;
			err->message = rt_xasprintf("loading the schema into a scratch database: %s", m);
			free(m);
		}
		return -1;
	}
	rt_config *scfg = rt_config_clone(cfg);
	free(scfg->url);
	scfg->url = rt_xstrdup(url);
	scfg->scratch = 1;
	int rc;
	if (sql) {
		int missing;
		rt_conn *c = d->connect(scfg, 0, &missing, err);
		rc = c ? 0 : -1;
		if (rc == 0 && (rc = rt_sm_run_stmts(c, &stmts, sql->name, 1, err)) < 0 &&
		    err->message) {
			char *m = err->message;
			err->message = rt_xasprintf("loading the schema into a scratch database: %s", m);
			free(m);
		}
		if (rc == 0)
			rc = d->introspect(c, scfg, out, err);
		if (rc == 0)
			mark_hints(*out, sql);
		if (c)
			d->disconnect(c);
	} else {
		rc = rt_replay(ctx, d, scfg, rev, err);
		if (rc == 0)
			rc = introspect_url(d, scfg, 0, out, err);
	}
	rt_config_free(scfg);
	rt_stmtlist_free(&stmts);
	f->url = url;
	if (later && rc == 0) { /* the caller compares meanwhile */
		f->threaded = pthread_create(&f->th, NULL, finish, f) == 0;
		*later = f;
	} else {
		rt_sm_pending_finish(f);
	}
	return rc;
}

/*
 * See source.h.  The names empty, schema, migrations[:REV] and database
 * come first, even where a file has such a name; then file:PATH, an
 * existing file, or a name ending in .sql -- unless is_url says it is a
 * URL, as it does for any name starting with "postgres"; then URLs.
 */
int rt_sm_source_load_later(const rt_ctx *ctx, const rt_dialect *d, const rt_config *cfg,
			 const char *spec, sm_schema **out, rt_sm_pending **later, rt_error *err)
{
	*out = NULL;
	if (later)
		*later = NULL;
	if (!strcmp(spec, "empty")) {
		*out = rt_sm_new();
		return 0;
	}
	if (!strcmp(spec, "schema")) {
		if (ctx->declared)
			return load_scratch(ctx, d, cfg, ctx->declared, NULL, out, later, err);
		rt_declared dc;
		int rc = rt_declared_read(ctx, d, &dc, err);
		if (rc == 0)
			rc = load_scratch(ctx, d, cfg, &dc, NULL, out, later, err);
		rt_declared_free(&dc);
		return rc;
	}
	if (!strcmp(spec, "migrations") || !strncmp(spec, "migrations:", 11)) {
		const char *rev = spec[10] == ':' ? spec + 11 : "heads";
		strbuf ids = STRBUF_INIT;
		int rc = source_revs(ctx, d, cfg, *rev ? rev : "heads", &ids, err);
		if (rc == 0)
			rc = load_scratch(ctx, d, cfg, NULL, rt_strbuf_str(&ids), out, later, err);
		rt_strbuf_release(&ids);
		return rc;
	}
	if (!strcmp(spec, "database"))
		return introspect_url(d, cfg, 1, out, err);
	if (!strncmp(spec, "file:", 5) || (!is_url(spec) && rt_fs_exists(spec) && !rt_fs_is_dir(spec)) ||
	    (strlen(spec) > 4 && !strcmp(spec + strlen(spec) - 4, ".sql") && !is_url(spec))) {
		const char *path = !strncmp(spec, "file:", 5) ? spec + 5 : spec;
		if (!rt_fs_exists(path))
			return rt_fail_at(err, RT_EUSAGE, path, 0, "no such schema file");
		rt_declared f = { .name = rt_xstrdup(path) };
		int rc = rt_fs_read_file(path, &f.sql, &f.len, err);
		if (rc == 0)
			rc = load_scratch(ctx, d, cfg, &f, NULL, out, later, err);
		rt_declared_free(&f);
		return rc;
	}
	if (is_url(spec)) {
		rt_config *lcfg = rt_config_clone(cfg);
		int rc = rt_config_set(lcfg, "url", spec, err); /* as --url: driver forms too */
		if (rc == 0)
			rc = introspect_url(d, lcfg, 1, out, err);
		rt_config_free(lcfg);
		return rc;
	}
	char *masked = rt_url_mask(spec); /* a mistyped URL can hold a password */
	rt_fail(err, RT_EUSAGE, "'%s' is not a schema source", masked);
	free(masked);
	rt_hint(err, "sources: schema, file:PATH, migrations[:REV], database, a database URL, empty");
	return -1;
}

/* See source.h. */
int rt_sm_source_load(const rt_ctx *ctx, const rt_dialect *d, const rt_config *cfg,
		   const char *spec, sm_schema **out, rt_error *err)
{
	return rt_sm_source_load_later(ctx, d, cfg, spec, out, NULL, err);
}

const char *rt_sm_source_url(const char *spec)
{
	return spec && is_url(spec) && strncmp(spec, "file:", 5) ? spec : NULL;
}
