/*
 * lint.c - `retort lint`: rules over migration SQL, the generic part.
 *
 * Chooses the revisions (identifiers and ranges, or all of them), lints
 * each one's upgrade section and then its downgrade (marked as such, and
 * allowed to undo what its own upgrade created), replaces placeholders as
 * a run would, and keeps the findings.  The rules themselves live in
 * lint_pg.c (PostgreSQL, over libpg_query's parse tree), lint_sqlite.c
 * (SQLite, over the SQLite dialect's tokens) and lint_mysql.c; they
 * report through finding.c, which holds the table of rules.
 */
#include "internal.h"
#include "graph_internal.h"
#include "lint/lint.h"
#include "ctx_internal.h"
#include "placeholder.h"

#include <fnmatch.h>
#include <string.h>

/* ------------------------------------------------------------------ */
/* Reports                                                              */
/* ------------------------------------------------------------------ */

/* Order the findings [from, n) by position, keeping the order of equals. */
static void sort_findings(rt_lint_report *r, size_t from)
{
	for (size_t i = from + 1; i < r->n; i++) {
		rt_finding f = r->v[i];
		size_t j = i;
		while (j > from && (r->v[j - 1].line > f.line ||
				    (r->v[j - 1].line == f.line &&
				     r->v[j - 1].column > f.column))) {
			r->v[j] = r->v[j - 1];
			j--;
		}
		r->v[j] = f;
	}
}

/*
 * Frees every finding's strings and the array, leaving r empty (dialect is
 * static), and r itself when heap (retort_int.h); r may be NULL.
 */
void rt_lint_report_free(rt_lint_report *r)
{
	if (!r)
		return;
	int heap = r->heap;
	for (size_t i = 0; i < r->n; i++) {
		rt_finding *f = &r->v[i];
		free(f->rule);
		free(f->file);
		free(f->revision);
		free(f->section);
		free(f->message);
		free(f->why);
		free(f->fix);
	}
	free(r->v);
	memset(r, 0, sizeof(*r));
	if (heap)
		free(r);
}

/* ------------------------------------------------------------------ */
/* Sections                                                             */
/* ------------------------------------------------------------------ */

/*
 * The section's SQL with each ${name} (outside strings, comments and
 * bodies) turned into an identifier of the same length, defined or not:
 * lint needs no -x values, and positions -- lines, columns, and so which
 * statement a suppression comment belongs to -- stay those of the file
 * whatever the values are.
 */
static char *section_text(const char *sql, size_t len, const rt_lexrules *lx,
			  size_t *outlen)
{
	strbuf sb = STRBUF_INIT;
	rt_placeholders_mask(sql, len, lx, &sb);
	*outlen = sb.len;
	return rt_strbuf_detach(&sb);
}

/* Where a section is and how it runs. */
typedef struct section_ref {
	const char *file;
	const char *revision;
	const char *body;
	size_t len;
	int first_line;
	int transactional;
	int downgrade;
} section_ref;

/* Lint one section with the dialect's rules; its findings end up sorted. */
static void lint_section_run(const rt_config *cfg, const rt_dialect *d,
			     const section_ref *ref, lint_memory *mem,
			     rt_lint_report *out)
{
	size_t len = 0;
	char *text = section_text(ref->body, ref->len, d->lex, &len);
	lint_section s = {
		.cfg = cfg, .dialect = d->name, .lex = d->lex, .sql = text, .len = len,
		.pg_version = cfg ? cfg->lint_postgres_version : 0,
		.first_line = ref->first_line, .file = ref->file,
		.revision = ref->revision, .downgrade = ref->downgrade,
		.transactional = ref->transactional, .mem = mem, .out = out,
	};
	size_t from = out->n;
	if (d->lint)
		d->lint(&s);
	sort_findings(out, from);
	free(s.lexmap);
	free(text);
}

static void memory_free(lint_memory *m)
{
	rt_strlist_free(&m->tables);
	rt_strlist_free(&m->columns);
	rt_strlist_free(&m->indexes);
	rt_strlist_free(&m->validated[0]);
	rt_strlist_free(&m->validated[1]);
}

/*
 * Every section of one revision, each with its own options (a revision
 * of several steps has several per direction), in file order: the
 * upgrade first, it informs the downgrade.
 */
static void lint_revision(const rt_config *cfg, const rt_dialect *d,
			  const rt_revision *rev, int upgrade_only,
			  rt_lint_report *out)
{
	lint_memory mem = { 0 };
	for (int i = 0; i < 2; i++) {
		if (i == 1 && upgrade_only)
			continue;
		for (size_t k = 0; k < rev->nsections[i]; k++) {
			const rt_section *sec = &rev->sections[i][k];
			section_ref ref = {
				.file = rev->path, .revision = rev->id,
				.body = sec->body, .len = sec->len,
				.first_line = sec->body_line,
				.transactional = sec->transactional,
				.downgrade = i,
			};
			lint_section_run(cfg, d, &ref, &mem, out);
		}
	}
	memory_free(&mem);
}

/* ------------------------------------------------------------------ */
/* Entry points                                                         */
/* ------------------------------------------------------------------ */

/*
 * The dialect to lint for: the option, else the context's (ctx NULL: the
 * configured URL's).
 */
static const rt_dialect *pick_dialect(const rt_ctx *ctx, const rt_config *cfg,
				      const rt_lint_options *opts, rt_error *err)
{
	if (opts && opts->dialect)
		return rt_dialect_by_name(opts->dialect, err);
	const rt_dialect *d = ctx ? rt_ctx_dialect(ctx, err)
				  : rt_dialect_for_url(cfg ? cfg->url : NULL, err);
	if (!d) {
		rt_hint(err, "lint needs no database, only its dialect: set url in retort.ini, or name the dialect (sqlite, postgresql or mysql)");
		rt_fix_with(err, RT_FIX_SET, "dialect");
	}
	return d;
}

/* Every rule [lint] disable and warn name must exist: a typo would silently lint. */
static int check_lint_config(const rt_config *cfg, rt_error *err)
{
	if (!cfg)
		return 0;
	const rt_strlist *lists[] = { &cfg->lint_disable, &cfg->lint_warn };
	for (int k = 0; k < 2; k++)
		for (size_t i = 0; i < lists[k]->n; i++) {
			const char *name = lists[k]->v[i];
			size_t n, j = 0;
			const rt_lint_rule *rules = rt_lint_rules(&n);
			while (j < n && strcmp(rules[j].name, name))
				j++;
			if (j < n)
				continue;
			rt_fail_at(err, RT_ECONFIG, cfg->path ? cfg->path : "retort.ini", 0,
				   "[lint] %s names no rule '%s'", k ? "warn" : "disable", name);
			rt_hint(err, "'retort lint --list-rules' lists the rules");
			return -1;
		}
	return 0;
}

/* Does a [lint] exclude glob match the file: as found, relative to the config's directory, or its name? */
static int excluded(const rt_config *cfg, const char *path)
{
	const char *base = strrchr(path, '/');
	base = base ? base + 1 : path;
	size_t dl = cfg->dir ? strlen(cfg->dir) : 0;
	const char *rel = dl && !strncmp(path, cfg->dir, dl) && path[dl] == '/' ? path + dl + 1 : path;
	for (size_t i = 0; i < cfg->lint_exclude.n; i++) {
		const char *g = cfg->lint_exclude.v[i];
		if (!fnmatch(g, path, 0) || !fnmatch(g, rel, 0) || !fnmatch(g, base, 0))
			return 1;
	}
	return 0;
}

/*
 * Unmark what [lint] leaves out: files matching exclude, and the
 * revisions before ignore_before (its ancestors: history, not linted).
 * Returns how many marked revisions were unmarked, or -1.
 */
static long apply_lint_config(const rt_graph *g, const rt_config *cfg,
			      unsigned char *mark, rt_error *err)
{
	int before = -1;
	if (cfg->lint_ignore_before &&
	    rt_resolve_one(g, cfg->lint_ignore_before, NULL, &before, err) < 0) {
		char *m = err->message;
		err->message = rt_xasprintf("[lint] ignore_before: %s", m);
		free(m);
		return -1;
	}
	size_t n = g->nrevs ? g->nrevs : 1, cnt = 0;
	unsigned char *history = rt_xcalloc(n, 1);
	if (before >= 0) {
		int *order = rt_xmalloc(n * sizeof(int));
		rt_graph_dfs_order(g, &before, 1, history, order, &cnt);
		history[before] = 0;
		free(order);
	}
	long skipped = 0;
	for (size_t i = 0; i < g->nrevs; i++)
		if (mark[i] && (history[i] || excluded(cfg, g->revs[i]->path))) {
			mark[i] = 0;
			skipped++;
		}
	free(history);
	return skipped;
}

/*
 * See retort.h.  No database is read, so identifiers that need one
 * (current, +N, -N) fail.  Revisions are linted in the graph's
 * parents-first order, each with a fresh memory of what its own upgrade
 * creates.
 */
int rt_lint_into(rt_ctx *ctx, const char *const *idents, size_t n,
	    const rt_lint_options *opts, rt_lint_report *out, rt_error *err)
{
	if (rt_ctx_need_sql(ctx, err) < 0)
		return -1;
	const rt_graph *g = rt_ctx_graph(ctx);
	const rt_config *cfg = rt_ctx_config(ctx);
	const rt_dialect *d = pick_dialect(ctx, cfg, opts, err);
	if (!d)
		return -1;
	if (check_lint_config(cfg, err) < 0)
		return -1;
	unsigned char *mark = rt_xcalloc(g->nrevs ? g->nrevs : 1, 1);
	long skipped = -1;
	if (rt_select_revisions(g, idents, n, mark, err) < 0 ||
	    (skipped = apply_lint_config(g, cfg, mark, err)) < 0) {
		free(mark);
		return -1;
	}
	out->nskipped = (size_t)skipped;
	out->dialect = d->name;
	for (size_t i = 0; i < g->nrevs; i++) {
		int r = g->order[i];
		if (!mark[r])
			continue;
		lint_revision(cfg, d, g->revs[r],
			      opts && opts->upgrade_only, out);
		out->nrevisions++;
	}
	free(mark);
	return 0;
}

/*
 * See retort.h.  The SQL is one upgrade section of no revision (findings
 * have revision NULL); a first_line below 1 counts as 1.
 */
/* See retort.h (rt_lint_revision). */
int rt_lint_revision_into(const rt_config *cfg, const rt_lint_options *opts,
			  const rt_revision *rev, rt_lint_report *out, rt_error *err)
{
	const rt_dialect *d = pick_dialect(NULL, cfg, opts, err);
	if (!d || check_lint_config(cfg, err) < 0)
		return -1;
	out->dialect = d->name;
	out->nrevisions = 1;
	lint_revision(cfg, d, rev, opts && opts->upgrade_only, out);
	return 0;
}

int rt_lint_sql_into(const rt_config *cfg, const rt_lint_options *opts,
		const char *sql, const char *file, int first_line,
		rt_lint_report *out, rt_error *err)
{
	const rt_dialect *d = pick_dialect(NULL, cfg, opts, err);
	if (!d || check_lint_config(cfg, err) < 0)
		return -1;
	out->dialect = d->name;
	lint_memory mem = { 0 };
	section_ref ref = {
		.file = file, .body = sql, .len = strlen(sql),
		.first_line = first_line > 0 ? first_line : 1,
		.transactional = !(opts && opts->nontransactional),
	};
	lint_section_run(cfg, d, &ref, &mem, out);
	memory_free(&mem);
	return 0;
}
