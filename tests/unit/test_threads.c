/*
 * test_threads.c - libretort in a threaded host, built with
 * ThreadSanitizer (the Makefile compiles the library's sources into it
 * with -fsanitize=thread, so any data race fails the run).
 *
 * Eight threads each open their own configuration and context and
 * upgrade to heads: four on databases of their own, four on one shared
 * database, which the migration lock serialises.  Meanwhile a ninth
 * thread writes revisions with a timezone configured, which once switched
 * the process's TZ: the host's TZ must be untouched, and the Create Date
 * must carry the zone's real offset.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <pthread.h>
#include <stdatomic.h>
#include <unistd.h>
#include <cmocka.h>

#include "retort.h"

#define NREVS 12
#define NTHREADS 8

static char root[64];

static void write_file(const char *path, const char *text)
{
	FILE *f = fopen(path, "w");
	assert_non_null(f);
	fputs(text, f);
	fclose(f);
}

/* migrations/r01..r12, each creating a table; the ids are 4 digits. */
static int setup(void **state)
{
	(void)state;
	snprintf(root, sizeof(root), "/tmp/rt-threads-XXXXXX");
	assert_non_null(mkdtemp(root));
	char dir[128], path[192], text[512];
	snprintf(dir, sizeof(dir), "%s/migrations", root);
	assert_int_equal(mkdir(dir, 0700), 0);
	for (int i = 1; i <= NREVS; i++) {
		char prev[16] = "";
		if (i > 1)
			snprintf(prev, sizeof(prev), "%04d", i - 1);
		snprintf(path, sizeof(path), "%s/%04d_t.sql", dir, i);
		snprintf(text, sizeof(text),
			 "-- Revision ID: %04d\n-- Revises: %s\n\n-- migrate:upgrade\n"
			 "CREATE TABLE t%d (id INTEGER PRIMARY KEY, v TEXT);\n"
			 "INSERT INTO t%d (v) VALUES ('x');\n\n"
			 "-- migrate:downgrade\nDROP TABLE t%d;\n",
			 i, prev, i, i, i);
		write_file(path, text);
	}
	snprintf(dir, sizeof(dir), "%s/written", root);
	assert_int_equal(mkdir(dir, 0700), 0);
	return 0;
}

static int teardown(void **state)
{
	(void)state;
	char cmd[128];
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", root);
	return system(cmd) == 0 ? 0 : -1;
}

typedef struct job {
	int n;
	char db[160];
	int rc;
	char msg[256];
	int steps;
} job;

static void count_steps(const rt_event *ev, void *ud)
{
	if (rt_event_kind_of(ev) == RT_EV_STEP_END)
		((job *)ud)->steps++;
}

/* Read the database's heads after the run: must be the last revision. */
static int at_head(rt_ctx *ctx, rt_error *err)
{
	rt_state *st = rt_current(ctx, err);
	if (!st)
		return 0;
	const rt_graph *g = rt_ctx_graph(ctx);
	int ok = rt_state_head_count(st) == 1 &&
		 !strcmp(rt_revision_id(rt_graph_revision(g, rt_state_head(st, 0))), "0012");
	rt_state_free(st);
	return ok;
}

static void *migrate(void *arg)
{
	job *j = arg;
	rt_error *err = rt_error_new();
	rt_config *cfg = rt_config_new(root);
	char url[200];
	snprintf(url, sizeof(url), "sqlite:///%s", j->db);
	rt_ctx *ctx = NULL;
	j->rc = rt_config_set(cfg, "url", url, err);
	if (j->rc == 0)
		j->rc = rt_config_set(cfg, "lock_wait", "120", err);
	if (j->rc == 0 && !(ctx = rt_ctx_open(cfg, err)))
		j->rc = -1;
	if (ctx) {
		rt_ctx_on_event(ctx, count_steps, j);
		j->rc = rt_upgrade(ctx, "heads", err);
		if (j->rc == 0 && !at_head(ctx, err))
			j->rc = -2;
	}
	if (j->rc)
		snprintf(j->msg, sizeof(j->msg), "%s", rt_error_message(err) ? rt_error_message(err) : "not at head");
	rt_ctx_close(ctx);
	rt_config_free(cfg);
	rt_error_free(err);
	return NULL;
}

/*
 * The ninth thread: revisions written with timezone = Europe/Paris, while
 * a tenth, standing for the host's own code, keeps reading TZ.
 */
#define NWRITES 40

typedef struct writer {
	int rc;
	char path[256];
	atomic_int done;
	int tz_changed; /* the observer saw TZ other than the host's */
} writer;

static void *observe_tz(void *arg)
{
	writer *w = arg;
	while (!atomic_load(&w->done)) {
		const char *tz = getenv("TZ");
		if (!tz || strcmp(tz, "America/New_York"))
			w->tz_changed = 1;
	}
	return NULL;
}

static void *write_revisions(void *arg)
{
	writer *w = arg;
	rt_error *err = rt_error_new();
	rt_config *cfg = rt_config_new(root);
	char dir[128];
	snprintf(dir, sizeof(dir), "%s/written", root);
	w->rc = rt_config_set(cfg, "script_location", dir, err);
	if (w->rc == 0)
		w->rc = rt_config_set(cfg, "timezone", "Europe/Paris", err);
	for (int i = 0; i < NWRITES && w->rc == 0; i++) {
		rt_graph *g = rt_graph_load(cfg, err);
		if (!g) {
			w->rc = -1;
			break;
		}
		rt_revision_spec *s = rt_revision_spec_new();
		rt_revision_spec_set_message(s, "threaded");
		char *path = NULL;
		w->rc = rt_revision_create(cfg, g, s, &path, err);
		if (path)
			snprintf(w->path, sizeof(w->path), "%s", path);
		rt_free(path);
		rt_revision_spec_free(s);
		rt_graph_free(g);
	}
	rt_config_free(cfg);
	rt_error_free(err);
	atomic_store(&w->done, 1);
	return NULL;
}

/* "+01:00" for the offset of zone at now, computed the old way (in this test only). */
static void expected_offset(const char *zone, char *out, size_t n)
{
	char *saved = getenv("TZ") ? strdup(getenv("TZ")) : NULL;
	setenv("TZ", zone, 1);
	tzset();
	time_t now = time(NULL);
	struct tm tm;
	localtime_r(&now, &tm);
	long off = tm.tm_gmtoff;
	snprintf(out, n, "%c%02d:%02d", off < 0 ? '-' : '+', (int)(labs(off) / 3600 % 100), (int)(labs(off) % 3600 / 60));
	if (saved)
		setenv("TZ", saved, 1);
	else
		unsetenv("TZ");
	tzset();
	free(saved);
}

static void test_eight_threads(void **state)
{
	(void)state;
	setenv("TZ", "America/New_York", 1);
	tzset();
	job jobs[NTHREADS];
	pthread_t th[NTHREADS + 2];
	writer w = { 0, "", 0, 0 };
	for (int i = 0; i < NTHREADS; i++) {
		memset(&jobs[i], 0, sizeof(jobs[i]));
		jobs[i].n = i;
		if (i < 4)
			snprintf(jobs[i].db, sizeof(jobs[i].db), "%s/own%d.db", root, i);
		else
			snprintf(jobs[i].db, sizeof(jobs[i].db), "%s/shared.db", root);
	}
	for (int i = 0; i < NTHREADS; i++)
		assert_int_equal(pthread_create(&th[i], NULL, migrate, &jobs[i]), 0);
	assert_int_equal(pthread_create(&th[NTHREADS], NULL, write_revisions, &w), 0);
	assert_int_equal(pthread_create(&th[NTHREADS + 1], NULL, observe_tz, &w), 0);
	for (int i = 0; i <= NTHREADS + 1; i++)
		pthread_join(th[i], NULL);

	int shared_steps = 0;
	for (int i = 0; i < NTHREADS; i++) {
		if (jobs[i].rc)
			fail_msg("thread %d (%s): %d: %s", i, jobs[i].db, jobs[i].rc, jobs[i].msg);
		if (i < 4)
			assert_int_equal(jobs[i].steps, NREVS);
		else
			shared_steps += jobs[i].steps;
	}
	/* The shared database: each migration applied exactly once. */
	assert_int_equal(shared_steps, NREVS);

	assert_int_equal(w.rc, 0);
	assert_false(w.tz_changed);
	assert_string_equal(getenv("TZ"), "America/New_York");
	char want[16], line[256] = "";
	expected_offset("Europe/Paris", want, sizeof(want));
	FILE *f = fopen(w.path, "r");
	assert_non_null(f);
	while (fgets(line, sizeof(line), f) && strncmp(line, "-- Create Date:", 15))
		;
	fclose(f);
	if (!strstr(line, want))
		fail_msg("Create Date in Europe/Paris should end %s: %s", want, line);
	unsetenv("TZ");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_eight_threads, setup, teardown),
	};
	return cmocka_run_group_tests_name("threads", tests, NULL, NULL);
}
