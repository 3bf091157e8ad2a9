/*
 * cmd_status.c - status: every revision in the order upgrade applies
 * them, each applied (when, by whom, how long, from the history table) or
 * pending, and where the database is.  --check makes it a gate: exit 1
 * when anything is pending.
 */
#include "cli.h"

#include <stdlib.h>
#include <string.h>

/*
 * Every entry's revision as the short listings print it ("id (labels)
 * (markers)"), NUL-terminated one after another in one buffer (for
 * free()), with where each starts in *at: one memory stream for all, as
 * opening one per revision costs more than the rest of the table.
 */
static char *short_revs(const rt_graph *g, const rt_status *s, size_t *at)
{
	char *buf = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);
	if (!f)
		abort();
	rev_marks m = { rt_status_current(s) };
	for (size_t i = 0; i < rt_status_count(s); i++) {
		fflush(f);
		at[i] = len;
		print_rev_short(f, g, rt_status_revision(s, i), &m);
		fputc('\0', f);
	}
	fclose(f);
	return buf;
}

/* "2026-11-24T01:27:53.858Z" as "2026-11-24 01:27:53" (the listing says UTC once). */
static void short_time(char *buf, size_t n, const char *iso)
{
	snprintf(buf, n, "%.19s", iso ? iso : "");
	if (strlen(buf) > 10 && buf[10] == 'T')
		buf[10] = ' ';
}

/* The TOOK column: "12 ms", "stamped", or "" when not recorded. */
static void took(char *buf, size_t n, const char *how, double ms)
{
	if (how && !strcmp(how, "stamp"))
		snprintf(buf, n, "stamped");
	else if (ms >= 0)
		snprintf(buf, n, "%.0f ms", ms);
	else
		buf[0] = '\0';
}

/* Widest value of each column, so the table lines up. */
typedef struct widths {
	int rev, at, by, took;
} widths;

static int max_int(int a, int b)
{
	return a > b ? a : b;
}

/* The table: a header, one line per revision, then the counts. */
static void print_table(const rt_graph *g, const rt_status *s)
{
	size_t n = rt_status_count(s);
	size_t *at = calloc(n ? n : 1, sizeof(size_t));
	if (!at)
		abort();
	char *revs = short_revs(g, s, at);
	widths w = { (int)strlen("REVISION"), (int)strlen("APPLIED (UTC)"), 2, 4 };
	for (size_t i = 0; i < n; i++) {
		char buf[64];
		w.rev = max_int(w.rev, (int)strlen(revs + at[i]));
		const char *by = rt_status_applied_by(s, i);
		w.by = max_int(w.by, by ? (int)strlen(cli_safe(by)) : 0);
		took(buf, sizeof(buf), rt_status_how(s, i), rt_status_duration_ms(s, i));
		w.took = max_int(w.took, (int)strlen(buf));
	}
	w.at = max_int(w.at, 19);
	printf("%-8s %-*s  %-*s  %-*s  %-*s  %s\n", "STATE", w.rev, "REVISION", w.at,
	       "APPLIED (UTC)", w.by, "BY", w.took, "TOOK", "MESSAGE");
	for (size_t i = 0; i < n; i++) {
		char when[32], t[64];
		const rt_revision *r = rt_graph_revision(g, rt_status_revision(s, i));
		const char *by = rt_status_applied_by(s, i);
		int applied = rt_status_applied(s, i);
		short_time(when, sizeof(when), applied ? rt_status_applied_at(s, i) : NULL);
		took(t, sizeof(t), applied ? rt_status_how(s, i) : NULL,
		     applied ? rt_status_duration_ms(s, i) : -1);
		printf("%-8s %-*s  %-*s  %-*s  %-*s  %s\n", applied ? "applied" : "pending",
		       w.rev, revs + at[i], w.at, applied && !*when ? "-" : when, w.by,
		       applied && by ? cli_safe(by) : "", w.took, t,
		       cli_safe(rt_revision_message(r)));
	}
	free(revs);
	free(at);
}

/* Where the database is: "at X, Y", "empty", or "not created yet", and the counts. */
static void print_summary(const rt_graph *g, const rt_status *s, const char *url)
{
	const rt_state *st = rt_status_current(s);
	size_t n = rt_status_count(s), pending = rt_status_pending_count(s);
	printf("\n%s: ", cli_safe(url));
	if (!rt_state_exists(st))
		fputs("no version table yet", stdout);
	else if (!rt_state_head_count(st) && !rt_state_unknown_count(st))
		fputs("at base (no revision applied)", stdout);
	else
		fputs("at ", stdout);
	for (size_t i = 0; i < rt_state_head_count(st); i++)
		printf("%s%s", i ? ", " : "", rt_revision_id(rt_graph_revision(g, rt_state_head(st, i))));
	for (size_t i = 0; i < rt_state_unknown_count(st); i++)
		printf("%s%s (no file defines it)", i || rt_state_head_count(st) ? ", " : "",
		       cli_safe(rt_state_unknown(st, i)));
	printf("\n%zu applied, %zu pending\n", n - pending, pending);
}

static void json_status(const rt_graph *g, const rt_status *s, const char *url)
{
	const rt_state *st = rt_status_current(s);
	size_t n = rt_status_count(s);
	fputs("{\"database\": ", stdout);
	json_str(stdout, url);
	printf(", \"version_table_exists\": %s, \"history_table_exists\": %s, \"current\": [",
	       rt_state_exists(st) ? "true" : "false",
	       rt_status_history_exists(s) ? "true" : "false");
	for (size_t i = 0; i < rt_state_head_count(st); i++)
		json_item(stdout, i, rt_revision_id(rt_graph_revision(g, rt_state_head(st, i))));
	fputs("], \"unknown_rows\": [", stdout);
	for (size_t i = 0; i < rt_state_unknown_count(st); i++)
		json_item(stdout, i, rt_state_unknown(st, i));
	printf("], \"applied\": %zu, \"pending\": %zu,\n\"revisions\": [",
	       n - rt_status_pending_count(s), rt_status_pending_count(s));
	for (size_t i = 0; i < n; i++) {
		int applied = rt_status_applied(s, i);
		fputs(i ? ",\n  " : "\n  ", stdout);
		json_revision_open(stdout, g, rt_status_revision(s, i), st);
		fprintf(stdout, ", \"state\": \"%s\", \"applied_at\": ", applied ? "applied" : "pending");
		json_str(stdout, applied ? rt_status_applied_at(s, i) : NULL);
		fputs(", \"applied_by\": ", stdout);
		json_str(stdout, applied ? rt_status_applied_by(s, i) : NULL);
		fputs(", \"applied_how\": ", stdout);
		json_str(stdout, applied ? rt_status_how(s, i) : NULL);
		double ms = applied ? rt_status_duration_ms(s, i) : -1;
		if (ms >= 0)
			printf(", \"duration_ms\": %.0f}", ms);
		else
			fputs(", \"duration_ms\": null}", stdout);
	}
	fputs(n ? "\n]}\n" : "]}\n", stdout);
}

/*
 * status [--check]: the table (or --json), then where the database is.
 * A version row no file defines fails after the listing, as in current;
 * --check fails when a revision is pending.
 */
int cmd_status(cli *c, int argc, char **argv)
{
	int check = 0;
	const opt opts[] = {
		OPT_BOOL(0, "check", &check, "exit 1 when a migration is pending (a deploy or readiness gate)"),
		OPT_END(),
	};
	const cli_spec spec = { opts, "retort status [--check] [--json]",
		"List every revision in the order upgrade applies them: applied (when, by whom,\n"
		"how long, from the history table) or pending; then the revisions the database\n"
		"is at. Reads the database without changing it.",
		0, 0, NULL };
	rt_ctx *ctx;
	int rc = cli_start(c, &argc, argv, &spec, &ctx);
	if (rc >= 0)
		return rc;
	rt_error *err = c->err;
	rt_status *s = rt_status_read(ctx, err);
	if (!s)
		return cli_fail(c, err);
	const rt_graph *g = rt_ctx_graph(ctx);
	char *url = rt_config_get(rt_ctx_config(ctx), "url");
	char *masked = rt_url_mask(url ? url : "");
	rt_free(url);
	if (c->json) {
		json_status(g, s, masked);
	} else {
		print_table(g, s);
		print_summary(g, s, masked);
	}
	rt_free(masked);
	size_t pending = rt_status_pending_count(s);
	int status = 0;
	if (rt_state_check(g, rt_status_current(s), err) < 0)
		status = cli_fail(c, err);
	else if (check && pending)
		status = cli_error(c, 1, "'retort upgrade heads' applies them",
				   "%zu migration%s pending", pending, pending == 1 ? " is" : "s are");
	rt_status_free(s);
	return status;
}
