/*
 * api_results.c - the public face of what the library computes and
 * writes: schema diffs, verify, lint, test and rehash reports, baselines,
 * squashes, and the specification of a new revision.  Each public function runs its *_into counterpart on a
 * structure of its own (retort_int.h) and hands it out as a handle.
 */
#include "internal.h"

#include <stdlib.h>
#include <string.h>

static const char *list_item(const rt_strlist *l, size_t i)
{
	return i < l->n ? l->v[i] : NULL;
}

/* ---- schema diffs ---- */

rt_diff *rt_schema_diff(rt_ctx *ctx, const char *from, const char *to,
			rt_error *err)
{
	rt_diff *d = rt_xcalloc(1, sizeof(*d));
	if (rt_schema_diff_into(ctx, from, to, d, err) < 0) {
		rt_diff_free(d);
		free(d);
		return NULL;
	}
	d->heap = 1;
	return d;
}

const char *rt_diff_upgrade_sql(const rt_diff *d)
{
	return d->upgrade_sql ? d->upgrade_sql : "";
}

const char *rt_diff_downgrade_sql(const rt_diff *d)
{
	return d->downgrade_sql ? d->downgrade_sql : "";
}

size_t rt_diff_change_count(const rt_diff *d)
{
	return d->changes.n;
}

const char *rt_diff_change(const rt_diff *d, size_t i)
{
	return list_item(&d->changes, i);
}

size_t rt_diff_warning_count(const rt_diff *d)
{
	return d->warnings.n;
}

const char *rt_diff_warning(const rt_diff *d, size_t i)
{
	return list_item(&d->warnings, i);
}

size_t rt_diff_unsupported_count(const rt_diff *d)
{
	return d->unsupported.n;
}

const char *rt_diff_unsupported(const rt_diff *d, size_t i)
{
	return list_item(&d->unsupported, i);
}

/* ---- new revisions ---- */

/*
 * The public specification owns its strings; nr borrows them, pointing
 * into the lists below, and is what rt_revision_write reads.
 */
struct rt_revision_spec {
	rt_new_revision nr;
	char *message, *rev_id, *version_path, *upgrade_sql, *downgrade_sql;
	rt_strlist heads, labels, depends;
};

rt_revision_spec *rt_revision_spec_new(void)
{
	return rt_xcalloc(1, sizeof(rt_revision_spec));
}

void rt_revision_spec_free(rt_revision_spec *s)
{
	if (!s)
		return;
	free(s->message);
	free(s->rev_id);
	free(s->version_path);
	free(s->upgrade_sql);
	free(s->downgrade_sql);
	rt_strlist_free(&s->heads);
	rt_strlist_free(&s->labels);
	rt_strlist_free(&s->depends);
	free(s);
}

/* Replace *slot with a copy of v (NULL unsets it). */
static void set_string(char **slot, const char *v)
{
	free(*slot);
	*slot = rt_xstrdup_or_null(v);
}

void rt_revision_spec_set_message(rt_revision_spec *s, const char *message)
{
	set_string(&s->message, message);
}

void rt_revision_spec_set_rev_id(rt_revision_spec *s, const char *id)
{
	set_string(&s->rev_id, id);
}

void rt_revision_spec_add_head(rt_revision_spec *s, const char *ident)
{
	rt_strlist_push(&s->heads, ident);
}

void rt_revision_spec_set_splice(rt_revision_spec *s, int on)
{
	s->nr.splice = on;
}

void rt_revision_spec_set_merge(rt_revision_spec *s, int on)
{
	s->nr.merge = on;
}

void rt_revision_spec_add_label(rt_revision_spec *s, const char *label)
{
	rt_strlist_push(&s->labels, label);
}

void rt_revision_spec_add_depends(rt_revision_spec *s, const char *ident)
{
	rt_strlist_push(&s->depends, ident);
}

void rt_revision_spec_set_version_path(rt_revision_spec *s, const char *dir)
{
	set_string(&s->version_path, dir);
}

void rt_revision_spec_set_sql(rt_revision_spec *s, rt_section_kind section,
			      const char *sql)
{
	set_string(section == RT_SECTION_DOWNGRADE ? &s->downgrade_sql : &s->upgrade_sql, sql);
}

/* The borrowed view rt_revision_write reads: no heads given means "head". */
static rt_new_revision view(const rt_revision_spec *s)
{
	rt_new_revision nr = s->nr;
	nr.message = s->message;
	nr.rev_id = s->rev_id;
	nr.heads = s->heads.n ? (const char *const *)s->heads.v : NULL;
	nr.nheads = s->heads.n;
	nr.labels = (const char *const *)s->labels.v;
	nr.nlabels = s->labels.n;
	nr.depends = (const char *const *)s->depends.v;
	nr.ndepends = s->depends.n;
	nr.version_path = s->version_path;
	nr.upgrade_sql = s->upgrade_sql;
	nr.downgrade_sql = s->downgrade_sql;
	return nr;
}

int rt_revision_create(const rt_config *cfg, const rt_graph *g,
		       const rt_revision_spec *spec, char **path_out,
		       rt_error *err)
{
	rt_new_revision nr = view(spec);
	return rt_revision_write(cfg, g, &nr, path_out, err);
}

int rt_autogenerate(rt_ctx *ctx, const rt_revision_spec *spec, rt_diff **diff,
		    char **path, rt_error *err)
{
	rt_new_revision nr = view(spec);
	rt_diff *d = rt_xcalloc(1, sizeof(*d));
	int rc = rt_autogenerate_into(ctx, &nr, d, path, err);
	d->heap = 1; /* after: rt_autogenerate_into starts from a zeroed diff */
	*diff = d;
	return rc;
}

int rt_baseline(rt_ctx *ctx, const rt_revision_spec *spec, rt_diff **diff,
		char **path, rt_error *err)
{
	rt_new_revision nr = view(spec);
	rt_diff *d = rt_xcalloc(1, sizeof(*d));
	int rc = rt_baseline_into(ctx, &nr, d, path, err);
	d->heap = 1; /* after: rt_baseline_into starts from a zeroed diff */
	*diff = d;
	return rc;
}

int rt_squash(rt_ctx *ctx, const char *range, const rt_revision_spec *spec,
	      rt_squash_info **info, char **path, rt_error *err)
{
	rt_new_revision nr = view(spec);
	rt_squash_info *s = rt_xcalloc(1, sizeof(*s));
	int rc = rt_squash_into(ctx, range, &nr, s, path, err);
	s->heap = 1; /* after: rt_squash_into starts from a zeroed info */
	*info = s;
	return rc;
}

size_t rt_squash_info_replaced_count(const rt_squash_info *s)
{
	return s->replaced.n;
}

const char *rt_squash_info_replaced(const rt_squash_info *s, size_t i)
{
	return list_item(&s->replaced, i);
}

size_t rt_squash_info_warning_count(const rt_squash_info *s)
{
	return s->warnings.n;
}

const char *rt_squash_info_warning(const rt_squash_info *s, size_t i)
{
	return list_item(&s->warnings, i);
}

/* ---- test and rehash ---- */

rt_test_report *rt_test(rt_ctx *ctx, const char *const *idents, size_t n,
			const char *seed, rt_error *err)
{
	rt_test_report *r = rt_xcalloc(1, sizeof(*r));
	if (rt_test_into(ctx, idents, n, seed, r, err) < 0) {
		free(r);
		return NULL;
	}
	r->heap = 1;
	return r;
}

size_t rt_test_report_count(const rt_test_report *r) { return r->n; }
size_t rt_test_report_failed(const rt_test_report *r) { return r->failed; }
size_t rt_test_report_applied(const rt_test_report *r) { return r->applied; }
int rt_test_report_stopped(const rt_test_report *r) { return r->stopped; }

static const rt_test_result *test_result(const rt_test_report *r, size_t i)
{
	return i < r->n ? &r->v[i] : NULL;
}

int rt_test_revision(const rt_test_report *r, size_t i)
{
	const rt_test_result *t = test_result(r, i);
	return t ? t->rev : -1;
}

const char *rt_test_stage(const rt_test_report *r, size_t i)
{
	const rt_test_result *t = test_result(r, i);
	return t && !t->ok ? t->stage : NULL;
}

const char *rt_test_message(const rt_test_report *r, size_t i)
{
	const rt_test_result *t = test_result(r, i);
	return t ? t->message : NULL;
}

size_t rt_test_change_count(const rt_test_report *r, size_t i)
{
	const rt_test_result *t = test_result(r, i);
	return t ? t->changes.n : 0;
}

const char *rt_test_change(const rt_test_report *r, size_t i, size_t j)
{
	const rt_test_result *t = test_result(r, i);
	return t ? list_item(&t->changes, j) : NULL;
}

const char *rt_test_restore_sql(const rt_test_report *r, size_t i)
{
	const rt_test_result *t = test_result(r, i);
	return t ? t->restore_sql : NULL;
}

rt_rehash_report *rt_rehash(rt_ctx *ctx, const char *const *idents, size_t n, rt_error *err)
{
	rt_rehash_report *r = rt_xcalloc(1, sizeof(*r));
	if (rt_rehash_into(ctx, idents, n, r, err) < 0) {
		rt_rehash_report_free(r);
		free(r);
		return NULL;
	}
	r->heap = 1;
	return r;
}

size_t rt_rehash_count(const rt_rehash_report *r)
{
	return r->n;
}

int rt_rehash_revision(const rt_rehash_report *r, size_t i)
{
	return i < r->n ? r->v[i].rev : -1;
}

const char *rt_rehash_old_sum(const rt_rehash_report *r, size_t i)
{
	return i < r->n ? r->v[i].old_sum : NULL;
}

const char *rt_rehash_new_sum(const rt_rehash_report *r, size_t i)
{
	return i < r->n ? r->v[i].new_sum : NULL;
}

int rt_rehash_changed(const rt_rehash_report *r, size_t i)
{
	return i < r->n && r->v[i].changed;
}

/* ---- verify ---- */

rt_verify_report *rt_verify(rt_ctx *ctx, rt_error *err)
{
	rt_verify_report *r = rt_xcalloc(1, sizeof(*r));
	if (rt_verify_into(ctx, r, err) < 0) {
		free(r);
		return NULL;
	}
	r->heap = 1;
	return r;
}

int rt_verify_report_ok(const rt_verify_report *r)
{
	return r->ok;
}

size_t rt_verify_check_count(const rt_verify_report *r)
{
	return r->n;
}

/* Check i, or NULL past the end. */
static const rt_verify_check *check(const rt_verify_report *r, size_t i)
{
	return i < r->n ? &r->v[i] : NULL;
}

const char *rt_verify_check_name(const rt_verify_report *r, size_t i)
{
	const rt_verify_check *c = check(r, i);
	return c ? c->name : NULL;
}

int rt_verify_check_ok(const rt_verify_report *r, size_t i)
{
	const rt_verify_check *c = check(r, i);
	return c ? c->ok : 0;
}

int rt_verify_check_skipped(const rt_verify_report *r, size_t i)
{
	const rt_verify_check *c = check(r, i);
	return c ? c->skipped : 0;
}

const char *rt_verify_check_summary(const rt_verify_report *r, size_t i)
{
	const rt_verify_check *c = check(r, i);
	return c ? c->summary : NULL;
}

size_t rt_verify_check_problem_count(const rt_verify_report *r, size_t i)
{
	const rt_verify_check *c = check(r, i);
	return c ? c->problems.n : 0;
}

const char *rt_verify_check_problem(const rt_verify_report *r, size_t i, size_t j)
{
	const rt_verify_check *c = check(r, i);
	return c ? list_item(&c->problems, j) : NULL;
}

const char *rt_verify_check_fix_sql(const rt_verify_report *r, size_t i)
{
	const rt_verify_check *c = check(r, i);
	return c ? c->fix_sql : NULL;
}

rt_fix rt_verify_check_fix(const rt_verify_report *r, size_t i)
{
	const rt_verify_check *c = check(r, i);
	return c ? c->fix : RT_FIX_NONE;
}

const char *rt_verify_check_fix_arg(const rt_verify_report *r, size_t i)
{
	const rt_verify_check *c = check(r, i);
	return c ? c->fix_arg : NULL;
}

/* ---- lint ---- */

rt_lint_report *rt_lint(rt_ctx *ctx, const char *const *idents, size_t n,
			const char *dialect, unsigned flags, rt_error *err)
{
	rt_lint_options o = { .dialect = dialect,
			      .upgrade_only = !!(flags & RT_LINT_UPGRADE_ONLY) };
	rt_lint_report *r = rt_xcalloc(1, sizeof(*r));
	if (rt_lint_into(ctx, idents, n, &o, r, err) < 0) {
		rt_lint_report_free(r);
		free(r);
		return NULL;
	}
	r->heap = 1;
	return r;
}

rt_lint_report *rt_lint_sql(const rt_config *cfg, const char *dialect,
			    unsigned flags, const char *sql, const char *file,
			    int first_line, rt_error *err)
{
	rt_lint_options o = { .dialect = dialect,
			      .nontransactional = !!(flags & RT_LINT_NONTRANSACTIONAL) };
	rt_lint_report *r = rt_xcalloc(1, sizeof(*r));
	if (rt_lint_sql_into(cfg, &o, sql, file, first_line, r, err) < 0) {
		rt_lint_report_free(r);
		free(r);
		return NULL;
	}
	r->heap = 1;
	return r;
}

rt_lint_report *rt_lint_revision(const rt_config *cfg, const char *dialect,
				 unsigned flags, const rt_revision *rev, rt_error *err)
{
	rt_lint_options o = { .dialect = dialect,
			      .upgrade_only = !!(flags & RT_LINT_UPGRADE_ONLY) };
	rt_lint_report *r = rt_xcalloc(1, sizeof(*r));
	if (rt_lint_revision_into(cfg, &o, rev, r, err) < 0) {
		rt_lint_report_free(r);
		free(r);
		return NULL;
	}
	r->heap = 1;
	return r;
}

const char *rt_lint_report_dialect(const rt_lint_report *r)
{
	return r->dialect;
}

size_t rt_lint_report_revisions(const rt_lint_report *r)
{
	return r->nrevisions;
}

size_t rt_lint_report_skipped(const rt_lint_report *r)
{
	return r->nskipped;
}

size_t rt_lint_report_warnings(const rt_lint_report *r)
{
	return r->nwarnings;
}

size_t rt_lint_report_count(const rt_lint_report *r)
{
	return r->n;
}

const rt_finding *rt_lint_report_finding(const rt_lint_report *r, size_t i)
{
	return i < r->n ? &r->v[i] : NULL;
}

const char *rt_finding_rule(const rt_finding *f) { return f->rule; }
const char *rt_finding_file(const rt_finding *f) { return f->file; }
int rt_finding_line(const rt_finding *f) { return f->line; }
int rt_finding_column(const rt_finding *f) { return f->column; }
const char *rt_finding_revision(const rt_finding *f) { return f->revision; }
const char *rt_finding_section(const rt_finding *f) { return f->section; }
const char *rt_finding_message(const rt_finding *f) { return f->message; }
const char *rt_finding_why(const rt_finding *f) { return f->why; }
const char *rt_finding_fix(const rt_finding *f) { return f->fix; }
int rt_finding_warning(const rt_finding *f) { return f->warning; }

size_t rt_lint_rule_count(void)
{
	size_t n;
	rt_lint_rules(&n);
	return n;
}

/* Rule i of the table, or NULL past its end. */
static const rt_lint_rule *rule(size_t i)
{
	size_t n;
	const rt_lint_rule *r = rt_lint_rules(&n);
	return i < n ? &r[i] : NULL;
}

const char *rt_lint_rule_name(size_t i)
{
	return rule(i) ? rule(i)->name : NULL;
}

const char *rt_lint_rule_dialects(size_t i)
{
	return rule(i) ? rule(i)->dialects : NULL;
}

const char *rt_lint_rule_summary(size_t i)
{
	return rule(i) ? rule(i)->summary : NULL;
}
