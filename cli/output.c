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
 * file's url before its ${VAR}s are expanded.  Each -x becomes a
 * placeholder (no '=' or an empty key is a usage error); --lock-wait
 * overrides lock_wait only when given (c->lock_wait >= 0).
 */
rt_config *cli_config(cli *c, rt_error *err)
{
	if (c->cfg)
		return c->cfg;
	rt_kv url = { "url", (char *)c->url };
	rt_config *cfg = rt_config_load_with(c->config_path, c->env, 0, &url, c->url ? 1 : 0, err);
	if (!cfg)
		return NULL;
	if (c->verbose && !c->quiet && cfg->url_driver)
		fprintf(stderr, "note: the URL names the driver '%s', which retort ignores: it has its own client for each database\n",
			cfg->url_driver);
	for (size_t i = 0; i < c->xargs.n; i++) {
		const char *kv = c->xargs.v[i];
		const char *eq = strchr(kv, '=');
		if (!eq || eq == kv) {
			err->code = RT_EUSAGE;
			err->message = strdup("-x needs KEY=VALUE");
			size_t n = 2 * strlen(kv) + 40;
			err->hint = malloc(n);
			if (err->hint)
				snprintf(err->hint, n, eq ? "'-x %s' has no KEY before '=': write -x KEY%s"
							  : "'-x %s' has no '=': write -x %s=VALUE",
					 kv, eq ? eq : kv);
			goto fail;
		}
		char *key = strndup(kv, (size_t)(eq - kv));
		rt_config_set_placeholder(cfg, key, eq + 1);
		free(key);
	}
	if (c->lock_wait >= 0)
		cfg->lock_wait = c->lock_wait;
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
	c->ctx = rt_ctx_open(cfg, err);
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

/*
 * See cli.h: "error: FILE:LINE:COL: message", the location only as precise
 * as the error knows it, then "hint: ...".  Clears err.
 */
int cli_fail(cli *c, rt_error *err)
{
	fflush(stdout); /* data printed so far comes before the error, also in one pipe */
	fprintf(stderr, "%serror:%s ", red(c), off(c));
	const char *file = err->file ? cli_safe(err->file) : NULL;
	if (file && err->line && err->column)
		fprintf(stderr, "%s:%d:%d: ", file, err->line, err->column);
	else if (file && err->line)
		fprintf(stderr, "%s:%d: ", file, err->line);
	else if (file)
		fprintf(stderr, "%s: ", file);
	fprintf(stderr, "%s\n", err->message ? cli_safe(err->message) : "unknown error");
	if (err->hint)
		fprintf(stderr, "%shint:%s %s\n", yellow(c), off(c), cli_safe(err->hint));
	int status = rt_error_exit_status(err);
	rt_error_clear(err);
	return status;
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

static void join(FILE *f, const rt_strlist *l)
{
	for (size_t i = 0; i < l->n; i++)
		fprintf(f, "%s%s", i ? ", " : "", l->v[i]);
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
	double rate = ev->elapsed_ms > 0 ? (double)ev->total * 1000.0 / ev->elapsed_ms : 0;
	int done = ev->rows == 0;
	int tty = isatty(2);
	if (!done && !tty && ev->elapsed_ms - last_ms < 1000)
		return;
	last_ms = done ? -1e9 : ev->elapsed_ms; /* the next batch section starts afresh */
	fprintf(stderr, "%s  batch: %lld rows%s, %.0f rows/s, %.1f s%s", tty ? "\r" : "",
		ev->total, done ? " in all" : " so far", rate, ev->elapsed_ms / 1000.0,
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
	switch (ev->kind) {
	case RT_EV_STEP_BEGIN:
		if (c->quiet)
			return;
		dir = ev->step->dir == RT_UPGRADE ? "upgrade"
		    : ev->step->dir == RT_DOWNGRADE ? "downgrade" : "stamp_revision";
		{
			/* one write per line: stderr is unbuffered */
			char buf[512];
			FILE *f = fmemopen(buf, sizeof(buf), "w");
			if (!f)
				break;
			fprintf(f, "Running %s ", dir);
			join(f, &ev->step->from);
			fprintf(f, " -> ");
			join(f, &ev->step->to);
			if (ev->rev && ev->rev->message)
				fprintf(f, ", %s", cli_safe(ev->rev->message));
			long n = ftell(f);
			fclose(f);
			if (n >= (long)sizeof(buf))
				n = sizeof(buf) - 1;
			buf[n] = '\n';
			fwrite(buf, 1, (size_t)n + 1, stderr);
		}
		break;
	case RT_EV_STEP_END:
		if (c->verbose && !c->quiet && ev->step->rev >= 0)
			fprintf(stderr, "  done in %.1f ms\n", ev->elapsed_ms);
		break;
	case RT_EV_BATCH:
		report_batch(c, ev);
		break;
	case RT_EV_LOCK_WAIT:
	case RT_EV_NOTICE:
		cli_note(c, "%s", ev->text);
		break;
	}
}

void cli_write_stdout(const char *text, size_t len, void *ud)
{
	(void)ud;
	fwrite(text, 1, len, stdout);
}

/* Labels in effect on a revision, " (a, b)". */
static void print_labels(FILE *f, const rt_graph *g, const rt_revision *r)
{
	if (!r->nbranch)
		return;
	fputs(" (", f);
	for (int i = 0; i < r->nbranch; i++)
		fprintf(f, "%s%s", i ? ", " : "", g->labels[r->branch[i]].name);
	fputc(')', f);
}

/*
 * Alembic's markers after an id: (head), or (effective head) when another
 * revision depends on it; (current) when m has the database's heads and
 * rev is one; (branchpoint), (mergepoint).
 */
static void print_marks(FILE *f, const rt_graph *g, int rev, const rev_marks *m)
{
	const rt_revision *r = g->revs[rev];
	if (!r->nchildren)
		fputs(rt_graph_is_effective_head(g, rev) ? " (effective head)" : " (head)", f);
	if (m && m->current && rt_revset_has(m->current, rev))
		fputs(" (current)", f);
	if (r->nchildren > 1)
		fputs(" (branchpoint)", f);
	if (r->nparents > 1)
		fputs(" (mergepoint)", f);
}

void print_rev_short(FILE *f, const rt_graph *g, int rev, const rev_marks *m)
{
	fputs(g->revs[rev]->id, f);
	print_labels(f, g, g->revs[rev]);
	print_marks(f, g, rev, m);
}

static void list_ids(FILE *f, const rt_graph *g, const int *v, int n)
{
	for (int i = 0; i < n; i++)
		fprintf(f, "%s%s", i ? ", " : "", g->revs[v[i]]->id);
}

/*
 * See cli.h.  Lines that do not apply (Also depends on, Branches into,
 * Branch names, Create Date) are left out; the message comes last,
 * indented, followed by a blank line.
 */
void print_rev_verbose(FILE *f, const rt_graph *g, int rev, const rev_marks *m)
{
	const rt_revision *r = g->revs[rev];
	fprintf(f, "Rev: %s", r->id);
	print_marks(f, g, rev, m);
	fputc('\n', f);
	if (r->nparents > 1) {
		fputs("Merges: ", f);
		list_ids(f, g, r->parents, r->nparents);
	} else {
		fprintf(f, "Parent: %s", r->nparents ? g->revs[r->parents[0]]->id : "<base>");
	}
	fputc('\n', f);
	if (r->ndeps) {
		fputs("Also depends on: ", f);
		list_ids(f, g, r->deps, r->ndeps);
		fputc('\n', f);
	}
	if (r->nchildren > 1) {
		fputs("Branches into: ", f);
		list_ids(f, g, r->children, r->nchildren);
		fputc('\n', f);
	}
	if (r->nbranch) { /* declared here or inherited, as Alembic shows them */
		fputs("Branch names: ", f);
		for (int i = 0; i < r->nbranch; i++)
			fprintf(f, "%s%s", i ? ", " : "", g->labels[r->branch[i]].name);
		fputc('\n', f);
	}
	fprintf(f, "Path: %s\n", cli_safe(r->path));
	if (r->create_date)
		fprintf(f, "Create Date: %s\n", cli_safe(r->create_date));
	fprintf(f, "\n    %s\n\n", cli_safe(r->message));
}

int cli_read_current(cli *c, rt_state *st, rt_error *err)
{
	rt_ctx *ctx = cli_ctx(c, err);
	if (!ctx)
		return -1;
	return rt_current(ctx, st, err);
}
