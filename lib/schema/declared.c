/*
 * declared.c - the declared schema's SQL: the text of the schema file,
 * or what schema_command prints.
 *
 * schema_command lets the schema be declared in an application's own
 * terms (SQLAlchemy models: python3 -m retort.sqlalchemy app:db): it runs
 * with the project directory as its working directory and RETORT_DIALECT
 * in its environment, and its standard output is used as schema.sql would
 * be -- all of it, or, when the command fails, none of it.
 */
#include "internal.h"
#include "ctx_internal.h"
#include "schema/load.h"
#include "util/fs.h"
#include "util/proc.h"

#include <signal.h>
#include <stdlib.h>
#include <string.h>

#define TAIL_LINES 12

/* The last TAIL_LINES lines of text, each indented, into sb. */
static void add_tail(strbuf *sb, const strbuf *text)
{
	const char *s = rt_strbuf_str(text);
	size_t end = text->len;
	while (end && (s[end - 1] == '\n' || s[end - 1] == '\r' || s[end - 1] == ' '))
		end--;
	size_t start = end;
	int lines = 0;
	while (start && lines < TAIL_LINES) {
		start--;
		if (s[start] == '\n' && ++lines == TAIL_LINES) {
			start++;
			break;
		}
	}
	if (start)
		rt_strbuf_adds(sb, "\n  ...");
	for (const char *p = s + start; p < s + end;) {
		const char *nl = memchr(p, '\n', (size_t)(s + end - p));
		const char *e = nl ? nl : s + end;
		rt_strbuf_addf(sb, "\n  %.*s", (int)(e - p), p);
		p = nl ? nl + 1 : e;
	}
}

/* Each line a successful command wrote to stderr, as a notice. */
static void pass_on_stderr(const rt_ctx *ctx, const strbuf *text)
{
	if (!ctx->on_event || !text->len)
		return;
	const char *s = rt_strbuf_str(text);
	for (const char *p = s; *p;) {
		const char *nl = strchr(p, '\n');
		size_t n = nl ? (size_t)(nl - p) : strlen(p);
		if (n) {
			char *line = rt_xasprintf("schema_command: %.*s", (int)n, p);
			rt_event ev = { .kind = RT_EV_NOTICE, .text = line };
			ctx->on_event(&ev, ctx->event_ud);
			free(line);
		}
		p = nl ? nl + 1 : p + n;
	}
}

/* Fail, naming the command, how it ended and the end of its stderr. */
static int command_failed(const rt_config *cfg, const rt_proc_result *r,
			  rt_error *err)
{
	strbuf sb = STRBUF_INIT;
	if (r->signal)
		rt_strbuf_addf(&sb, "schema_command was killed by signal %d (%s): %s",
			       r->signal, strsignal(r->signal), cfg->schema_command);
	else
		rt_strbuf_addf(&sb, "schema_command failed with exit status %d: %s",
			       r->exit_status, cfg->schema_command);
	if (r->err.len) {
		rt_strbuf_adds(&sb, "\nthe end of its stderr:");
		add_tail(&sb, &r->err);
	} else {
		rt_strbuf_adds(&sb, " (it wrote nothing to stderr)");
	}
	rt_fail_at(err, RT_EFAIL, cfg->path, 0, "%s", sb.buf);
	rt_strbuf_release(&sb);
	if (r->exit_status == 127)
		rt_hint(err, "the shell did not find the program: check its name and PATH (a virtualenv's python must be named by its path, or be first on PATH)");
	else {
		char *dir = realpath(cfg->dir, NULL);
		rt_hint(err, "run it in %s to see all it prints; its standard output must be the schema's SQL",
			dir ? dir : cfg->dir);
		free(dir);
	}
	return -1;
}

/* Run schema_command for dialect d and take its whole output, or nothing. */
static int run_command(const rt_ctx *ctx, const rt_config *cfg,
		       const rt_dialect *d, rt_declared *out, rt_error *err)
{
	char *dialect = rt_xasprintf("RETORT_DIALECT=%s", d->name);
	const char *env[] = { dialect, NULL };
	rt_proc_result r;
	int rc = rt_proc_run(cfg->schema_command, cfg->dir, env, &r, err);
	free(dialect);
	if (rc < 0)
		return -1;
	if (r.exit_status != 0) {
		command_failed(cfg, &r, err);
		rt_proc_result_free(&r);
		return -1;
	}
	const char *text = rt_strbuf_str(&r.out);
	size_t blank = strspn(text, " \t\r\n");
	if (memchr(text, '\0', r.out.len) || blank == r.out.len) {
		rt_fail_at(err, RT_EFAIL, cfg->path, 0,
			   blank == r.out.len
			   ? "schema_command printed nothing, and an empty declared schema would mean dropping every table: %s"
			   : "schema_command printed a NUL byte, which SQL text never holds: %s",
			   cfg->schema_command);
		rt_hint(err, "its standard output must be the schema's CREATE statements; a schema that is really empty can print a comment (-- empty)");
		rt_proc_result_free(&r);
		return -1;
	}
	pass_on_stderr(ctx, &r.err);
	out->len = r.out.len;
	out->sql = rt_strbuf_detach(&r.out);
	out->name = rt_xstrdup("schema_command output");
	rt_proc_result_free(&r);
	return 0;
}

/* See source.h. */
int rt_declared_read(const rt_ctx *ctx, const rt_dialect *d, rt_declared *out,
		     rt_error *err)
{
	const rt_config *cfg = ctx->cfg;
	memset(out, 0, sizeof(*out));
	const rt_embedded_file *emb = ctx->embedded ? ctx->embedded->schema : NULL;
	if (emb) {
		out->sql = rt_xstrndup(emb->data, emb->len);
		out->len = emb->len;
		out->name = rt_xstrdup(emb->path);
		return 0;
	}
	if (cfg->schema_command)
		return run_command(ctx, cfg, d, out, err);
	if (!cfg->schema) {
		rt_fail(err, RT_ECONFIG, "no declared schema is configured");
		rt_hint(err, "set 'schema = schema.sql' in retort.ini, or 'schema_command = ...' for a command that prints it");
		return -1;
	}
	if (!rt_fs_exists(cfg->schema))
		return rt_fail_at(err, RT_ECONFIG, cfg->schema, 0,
				  "the declared schema file does not exist");
	if (rt_fs_read_file(cfg->schema, &out->sql, &out->len, err) < 0)
		return -1;
	out->name = rt_xstrdup(cfg->schema);
	return 0;
}

void rt_declared_free(rt_declared *dc)
{
	free(dc->sql);
	free(dc->name);
	memset(dc, 0, sizeof(*dc));
}
