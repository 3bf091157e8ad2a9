/*
 * output.c - what the command line prints: errors and hints, progress,
 * and revisions in Alembic's short and verbose formats.  Data goes to
 * stdout, everything else to stderr; colour only on a terminal.
 */
#include "cli.h"

#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

/*
 * See cli.h.  Loaded once per run and kept in c->cfg; --url replaces the
 * file's url before its ${VAR}s are expanded.  Each -x (checked by
 * parse_options to be KEY=VALUE) becomes a placeholder; --lock-wait
 * overrides lock_wait only when given.
 */
rt_config *cli_config(cli *c, rt_error *err)
{
	if (c->cfg)
		return c->cfg;
	const char *key = "url";
	rt_config *cfg = rt_config_load_with(c->config_path, c->env, 0, &key, &c->url,
					     c->url ? 1 : 0, err);
	if (!cfg)
		return NULL;
	char *driver = rt_config_get(cfg, "url_driver");
	if (c->verbose && !c->quiet && driver)
		fprintf(stderr, "note: the URL names the driver '%s', which retort ignores: it has its own client for each database\n",
			driver);
	rt_free(driver);
	for (size_t i = 0; i < c->xargs.n; i++) {
		const char *kv = c->xargs.v[i];
		const char *eq = strchr(kv, '=');
		char *name = strndup(kv, (size_t)(eq - kv));
		rt_config_set_placeholder(cfg, name, eq + 1);
		free(name);
	}
	if (c->lock_wait_arg && rt_config_set(cfg, "lock_wait", c->lock_wait_arg, err) < 0)
		goto fail;
	c->cfg = cfg;
	return cfg;
fail:
	rt_config_free(cfg);
	return NULL;
}

/*
 * See cli.h.  Opened once per run and kept in c->ctx (main closes it), with
 * cli_on_event installed to report progress.
 */
rt_ctx *cli_ctx(cli *c, rt_error *err)
{
	if (c->ctx)
		return c->ctx;
	rt_config *cfg = cli_config(c, err);
	if (!cfg)
		return NULL;
	c->ctx = c->headers ? rt_ctx_open_headers(cfg, err) : rt_ctx_open(cfg, err);
	if (c->ctx)
		rt_ctx_on_event(c->ctx, cli_on_event, c);
	return c->ctx;
}

/*
 * See cli.h.  The copies live in a ring of 16, each freed when its slot
 * comes round again, so a few can share one printf (and the last ones
 * stay reachable until exit).
 */
const char *cli_safe(const char *s)
{
	static char *ring[16];
	static unsigned next;
	unsigned i = next++ % 16;
	free(ring[i]);
	ring[i] = rt_printable(s);
	return ring[i];
}

/* See cli.h. */
void cli_vprint_safe(FILE *stream, const char *fmt, va_list ap)
{
	va_list again;
	va_copy(again, ap);
	int n = vsnprintf(NULL, 0, fmt, ap);
	char *text = n < 0 ? NULL : malloc((size_t)n + 1);
	if (text) {
		vsnprintf(text, (size_t)n + 1, fmt, again);
		fputs(cli_safe(text), stream);
		free(text);
	}
	va_end(again);
}

/* ANSI colours for stderr: "" unless c->color (a terminal, no NO_COLOR, TERM not dumb). */
static const char *red(cli *c) { return c->color ? "\033[1;31m" : ""; }
static const char *yellow(cli *c) { return c->color ? "\033[33m" : ""; }
static const char *off(cli *c) { return c->color ? "\033[0m" : ""; }

/* The command-line option that sets what an RT_FIX_SET names. */
static const char *option_for(const char *what)
{
	static const char *const map[][2] = {
		{ "url", "--url URL" }, { "lock_wait", "--lock-wait SECONDS" },
		{ "config_file", "-c FILE" }, { "dialect", "--dialect sqlite|postgresql|mysql" },
		{ "rev_id", "--rev-id ID" }, { "splice", "--splice" },
		{ "version_path", "--version-path DIR" },
	};
	for (size_t i = 0; what && i < sizeof(map) / sizeof(*map); i++)
		if (!strcmp(map[i][0], what))
			return map[i][1];
	return NULL;
}

/*
 * See cli.h: the library says what fixes an error in its own terms; this
 * is the same as a retort command line (or option).
 */
const char *cli_fix_text(const rt_error *err, char *buf, size_t size)
{
	return cli_fix_text_of(rt_error_fix(err), rt_error_fix_arg(err), buf, size);
}

/* See cli.h: the command line (or option) of a library's rt_fix and its argument. */
const char *cli_fix_text_of(rt_fix fix, const char *arg, char *buf, size_t size)
{
	const char *pre = NULL, *post = "";
	switch (fix) {
	case RT_FIX_NONE: return NULL;
	case RT_FIX_UPGRADE: pre = "run: retort upgrade "; break;
	case RT_FIX_DOWNGRADE: pre = "run: retort downgrade "; break;
	case RT_FIX_STAMP: pre = "run: retort stamp "; break;
	case RT_FIX_STAMP_PURGE: pre = "run: retort stamp --purge "; break;
	case RT_FIX_MERGE: pre = "run: retort merge -m \"merge heads\" "; break;
	case RT_FIX_NEW_PROJECT: return "run: retort init DIR, or name another file with -c FILE";
	case RT_FIX_AUTOGENERATE:
		return "run: retort revision --autogenerate -m \"...\" ('retort check' lists the differences)";
	case RT_FIX_READ_CURRENT: return "run: retort current";
	case RT_FIX_LIST_REVISIONS: return "run: retort history (or retort heads, retort branches)";
	case RT_FIX_SET: pre = "option: "; arg = option_for(arg); break;
	case RT_FIX_SET_PLACEHOLDER: pre = "option: -x "; post = "=VALUE"; break;
	case RT_FIX_RESUME: {
		size_t n = arg ? strcspn(arg, " ") : 0;
		if (!n)
			return NULL;
		snprintf(buf, size, "run: retort %.*s --resume%s", (int)n, arg, arg + n);
		return buf;
	}
	case RT_FIX_LIST_RUNS: return "run: retort history --runs";
	case RT_FIX_COMPARE_STAMP:
		if (!arg)
			return NULL;
		snprintf(buf, size, "run: retort diff --from database --to migrations:%s; when it lists no difference, "
			 "record the revision as applied: retort stamp %s", arg, arg);
		return buf;
	}
	if (!pre || !arg)
		return NULL;
	snprintf(buf, size, "%s%s%s", pre, arg, post);
	return buf;
}

/*
 * See cli.h: "error: FILE:LINE:COL: message", the location only as precise
 * as the error knows it, then "hint: ..." and the command that fixes it.
 * Clears err.
 */
int cli_fail(cli *c, rt_error *err)
{
	const char *file = rt_error_file(err), *msg = rt_error_message(err);
	const char *hint = rt_error_hint(err);
	int line = rt_error_line(err), col = rt_error_column(err);
	fflush(stdout); /* data printed so far comes before the error, also in one pipe */
	fprintf(stderr, "%serror:%s ", red(c), off(c));
	if (file)
		file = cli_safe(file);
	if (file && line && col)
		fprintf(stderr, "%s:%d:%d: ", file, line, col);
	else if (file && line)
		fprintf(stderr, "%s:%d: ", file, line);
	else if (file)
		fprintf(stderr, "%s: ", file);
	fprintf(stderr, "%s\n", msg ? cli_safe(msg) : "unknown error");
	if (hint)
		fprintf(stderr, "%shint:%s %s\n", yellow(c), off(c), cli_safe(hint));
	char buf[512];
	const char *fix = cli_fix_text(err, buf, sizeof(buf));
	if (fix)
		fprintf(stderr, "%shint:%s %s\n", yellow(c), off(c), cli_safe(fix));
	rt_code code = rt_error_code(err);
	rt_error_clear(err);
	return code == RT_EUSAGE || code == RT_ECONFIG ? 2 : 1;
}

/*
 * See cli.h: "error: message" (red on a terminal), then "hint: ..." when
 * hint is not NULL.  Returns status, so a command can return it directly.
 */
int cli_error(cli *c, int status, const char *hint, const char *fmt, ...)
{
	va_list ap;
	fflush(stdout);
	fprintf(stderr, "%serror:%s ", red(c), off(c));
	va_start(ap, fmt);
	cli_vprint_safe(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
	if (hint)
		fprintf(stderr, "%shint:%s %s\n", yellow(c), off(c), cli_safe(hint));
	return status;
}

void cli_note(cli *c, const char *fmt, ...)
{
	if (c->quiet)
		return;
	va_list ap;
	va_start(ap, fmt);
	cli_vprint_safe(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
}

/*
 * Progress of a batch section: on a terminal one line rewritten in place,
 * otherwise a line at most every second and one at the end.
 */
static void report_batch(cli *c, const rt_event *ev)
{
	static double last_ms = -1e9;
	if (c->quiet)
		return;
	double ms = rt_event_elapsed_ms(ev);
	long long total = rt_event_total(ev);
	double rate = ms > 0 ? (double)total * 1000.0 / ms : 0;
	int done = rt_event_rows(ev) == 0;
	int tty = isatty(2);
	if (!done && !tty && ms - last_ms < 1000)
		return;
	last_ms = done ? -1e9 : ms; /* the next batch section starts afresh */
	fprintf(stderr, "%s  batch: %lld rows%s, %.0f rows/s, %.1f s%s", tty ? "\r" : "",
		total, done ? " in all" : " so far", rate, ms / 1000.0,
		tty && !done ? "" : "\n");
}

/*
 * See cli.h: "Running upgrade A -> B, message" per step as Alembic prints
 * it ("stamp_revision" for stamps), with -v the time of each migration,
 * batch progress, lock waits and notices.  -q silences all of it.
 */
void cli_on_event(const rt_event *ev, void *ud)
{
	cli *c = ud;
	const char *dir;
	const rt_revision *rev = rt_event_revision(ev);
	switch (rt_event_kind_of(ev)) {
	case RT_EV_STEP_BEGIN:
		if (c->quiet)
			return;
		dir = rt_event_direction(ev) == RT_UPGRADE ? "upgrade"
		    : rt_event_direction(ev) == RT_DOWNGRADE ? "downgrade" : "stamp_revision";
		{
			/* one write per line: stderr is unbuffered */
			char buf[512];
			FILE *f = fmemopen(buf, sizeof(buf), "w");
			if (!f)
				break;
			fprintf(f, "Running %s %s -> %s", dir, rt_event_from(ev), rt_event_to(ev));
			if (rev && rt_revision_message(rev))
				fprintf(f, ", %s", cli_safe(rt_revision_message(rev)));
			long n = ftell(f);
			fclose(f);
			if (n >= (long)sizeof(buf))
				n = sizeof(buf) - 1;
			buf[n] = '\n';
			fwrite(buf, 1, (size_t)n + 1, stderr);
		}
		break;
	case RT_EV_STEP_END:
		if (c->verbose && !c->quiet && rev)
			fprintf(stderr, "  done in %.1f ms\n", rt_event_elapsed_ms(ev));
		break;
	case RT_EV_BATCH:
		report_batch(c, ev);
		break;
	case RT_EV_STATEMENT:
		if (c->verbose && !c->quiet)
			fprintf(stderr, "  statement %d of %d (line %d) took effect in %.1f ms\n",
				rt_event_statement(ev), rt_event_statements(ev), rt_event_line(ev),
				rt_event_elapsed_ms(ev));
		break;
	case RT_EV_SECTION:
		if (!c->quiet)
			fprintf(stderr, "  step %d/%d%s%s (line %d)\n", rt_event_section(ev),
				rt_event_sections(ev), rt_event_text(ev) ? " " : "",
				rt_event_text(ev) ? rt_event_text(ev) : "", rt_event_line(ev));
		break;
	case RT_EV_LOCK_WAIT:
	case RT_EV_NOTICE:
		cli_note(c, "%s", rt_event_text(ev));
		break;
	}
}

void cli_write_stdout(const char *text, size_t len, void *ud)
{
	(void)ud;
	fwrite(text, 1, len, stdout);
}

/* Labels in effect on a revision, " (a, b)". */
static void print_labels(FILE *f, const rt_revision *r)
{
	size_t n = rt_revision_branch_count(r);
	if (!n)
		return;
	fputs(" (", f);
	for (size_t i = 0; i < n; i++)
		fprintf(f, "%s%s", i ? ", " : "", rt_revision_branch(r, i));
	fputc(')', f);
}

/*
 * Alembic's markers after an id: (head), or (effective head) when another
 * revision depends on it; (current) when m has the database's heads and
 * rev is one; (branchpoint), (mergepoint).
 */
static void print_marks(FILE *f, const rt_graph *g, int rev, const rev_marks *m)
{
	const rt_revision *r = rt_graph_revision(g, rev);
	size_t nreplaces = rt_revision_replaces_count(r);
	if (rt_revision_squash_last(r) >= 0)
		fprintf(f, " (squash of %s..%s)", rt_revision_replaces(r, 0),
			rt_revision_replaces(r, nreplaces - 1));
	else if (!rt_revision_child_count(r))
		fputs(rt_graph_is_effective_head(g, rev) ? " (effective head)" : " (head)", f);
	if (m && m->current && rt_state_is_head(m->current, rev))
		fputs(" (current)", f);
	if (rt_revision_child_count(r) > 1)
		fputs(" (branchpoint)", f);
	if (rt_revision_parent_count(r) > 1)
		fputs(" (mergepoint)", f);
}

void print_rev_short(FILE *f, const rt_graph *g, int rev, const rev_marks *m)
{
	const rt_revision *r = rt_graph_revision(g, rev);
	fputs(rt_revision_id(r), f);
	print_labels(f, r);
	print_marks(f, g, rev, m);
}

/* The ids of the revisions i < n that idx(r, i) names, ", "-separated. */
static void list_ids(FILE *f, const rt_graph *g, const rt_revision *r, size_t n,
		     int (*idx)(const rt_revision *, size_t))
{
	for (size_t i = 0; i < n; i++)
		fprintf(f, "%s%s", i ? ", " : "", rt_revision_id(rt_graph_revision(g, idx(r, i))));
}

/*
 * See cli.h.  Lines that do not apply (Also depends on, Branches into,
 * Branch names, Create Date) are left out; the message comes last,
 * indented, followed by a blank line.
 */
void print_rev_verbose(FILE *f, const rt_graph *g, int rev, const rev_marks *m)
{
	const rt_revision *r = rt_graph_revision(g, rev);
	size_t nparents = rt_revision_parent_count(r);
	fprintf(f, "Rev: %s", rt_revision_id(r));
	print_marks(f, g, rev, m);
	fputc('\n', f);
	if (nparents > 1) {
		fputs("Merges: ", f);
		list_ids(f, g, r, nparents, rt_revision_parent);
	} else {
		fprintf(f, "Parent: %s", nparents ? rt_revision_id(rt_graph_revision(g, rt_revision_parent(r, 0)))
						  : "<base>");
	}
	fputc('\n', f);
	if (rt_revision_dependency_count(r)) {
		fputs("Also depends on: ", f);
		list_ids(f, g, r, rt_revision_dependency_count(r), rt_revision_dependency);
		fputc('\n', f);
	}
	if (rt_revision_child_count(r) > 1) {
		fputs("Branches into: ", f);
		list_ids(f, g, r, rt_revision_child_count(r), rt_revision_child);
		fputc('\n', f);
	}
	if (rt_revision_branch_count(r)) { /* declared here or inherited, as Alembic shows them */
		fputs("Branch names: ", f);
		for (size_t i = 0; i < rt_revision_branch_count(r); i++)
			fprintf(f, "%s%s", i ? ", " : "", rt_revision_branch(r, i));
		fputc('\n', f);
	}
	fprintf(f, "Path: %s\n", cli_safe(rt_revision_path(r)));
	if (rt_revision_create_date(r))
		fprintf(f, "Create Date: %s\n", cli_safe(rt_revision_create_date(r)));
	fprintf(f, "\n    %s\n\n", cli_safe(rt_revision_message(r)));
}

rt_state *cli_read_current(cli *c, rt_error *err)
{
	rt_ctx *ctx = cli_ctx(c, err);
	if (!ctx)
		return NULL;
	return rt_current(ctx, err);
}

void revlist_add(revlist *l, int rev)
{
	int *v = realloc(l->v, (l->n + 1) * sizeof(*v));
	if (!v)
		abort();
	l->v = v;
	l->v[l->n++] = rev;
}

void revlist_free(revlist *l)
{
	free(l->v);
	l->v = NULL;
	l->n = 0;
}
