/*
 * test_api.c - libretort as an application sees it: only retort.h (every
 * structure opaque), linked against the shared library, so a function the
 * header promises but the library does not export fails the build.  A
 * SQLite project goes through version, errors and their fixes, the
 * configuration, the graph and its revisions, the database's state,
 * identifiers, events, writing a revision, a diff, verify and lint.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <cmocka.h>

#include "retort.h"

/* Fail the test unless haystack contains needle. */
#define assert_contains(haystack, needle)                                    \
	do {                                                                 \
		const char *h_ = (haystack), *n_ = (needle);                 \
		if (!h_ || !strstr(h_, n_))                                  \
			fail_msg("\"%s\" does not contain \"%s\"",           \
				 h_ ? h_ : "(null)", n_);                    \
	} while (0)

typedef struct project {
	char dir[64];
	char ini[128];
	rt_config *cfg;
	rt_ctx *ctx;
	rt_error *err;
} project;

static void write_file(const char *dir, const char *name, const char *text)
{
	char path[256];
	snprintf(path, sizeof(path), "%s/%s", dir, name);
	FILE *f = fopen(path, "w");
	assert_non_null(f);
	fputs(text, f);
	fclose(f);
}

/*
 * A project of three revisions: aaaa (base), bbbb (label feat) and cccc
 * after it, cccc depending on aaaa; schema.sql declares what cccc builds
 * plus a column, so there is a diff.
 */
static int setup(void **state)
{
	project *p = calloc(1, sizeof(*p));
	snprintf(p->dir, sizeof(p->dir), "/tmp/rt-api-XXXXXX");
	assert_non_null(mkdtemp(p->dir));
	char sub[128];
	snprintf(sub, sizeof(sub), "%s/migrations", p->dir);
	assert_int_equal(mkdir(sub, 0700), 0);
	snprintf(p->ini, sizeof(p->ini), "%s/retort.ini", p->dir);
	write_file(p->dir, "retort.ini",
		   "[retort]\nscript_location = migrations\nurl = sqlite:///app.db\n"
		   "schema = schema.sql\nseeds = a, b\n");
	write_file(p->dir, "schema.sql",
		   "CREATE TABLE users (id INTEGER PRIMARY KEY, name TEXT, bio TEXT);\n"
		   "CREATE TABLE posts (id INTEGER PRIMARY KEY);\n"
		   "CREATE INDEX users_name ON users (name);\n");
	write_file(sub, "aaaa_users.sql",
		   "-- Revision ID: aaaa\n-- Revises:\n-- Message: users\n\n"
		   "-- migrate:upgrade\nCREATE TABLE users (id INTEGER PRIMARY KEY, name TEXT);\n\n"
		   "-- migrate:downgrade\nDROP TABLE users;\n");
	write_file(sub, "bbbb_posts.sql",
		   "-- Revision ID: bbbb\n-- Revises: aaaa\n-- Branch Labels: feat\n-- Message: posts\n\n"
		   "-- migrate:upgrade\nCREATE TABLE posts (id INTEGER PRIMARY KEY);\n\n"
		   "-- migrate:downgrade\nDROP TABLE posts;\n");
	write_file(sub, "cccc_index.sql",
		   "-- Revision ID: cccc\n-- Revises: bbbb\n-- Depends On: aaaa\n-- Message: index\n\n"
		   "-- migrate:upgrade transaction:false\nCREATE INDEX users_name ON users (name);\n");
	p->err = rt_error_new();
	assert_int_equal(chdir(p->dir), 0);
	p->cfg = rt_config_load(p->ini, NULL, 1, p->err);
	assert_non_null(p->cfg);
	p->ctx = rt_ctx_open(p->cfg, p->err);
	assert_non_null(p->ctx);
	*state = p;
	return 0;
}

static int teardown(void **state)
{
	project *p = *state;
	rt_ctx_close(p->ctx);
	rt_config_free(p->cfg);
	rt_error_free(p->err);
	char cmd[160];
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", p->dir);
	assert_int_equal(system(cmd), 0);
	free(p);
	return 0;
}

static void test_version(void **state)
{
	(void)state;
	assert_string_equal(rt_version(), RETORT_VERSION);
	assert_int_equal(rt_version_number(), RETORT_VERSION_NUMBER);
	assert_int_equal(RETORT_VERSION_NUMBER, RETORT_VERSION_MAJOR * 1000000 +
				 RETORT_VERSION_MINOR * 1000 + RETORT_VERSION_PATCH);
	char v[32];
	snprintf(v, sizeof(v), "%d.%d.%d", RETORT_VERSION_MAJOR, RETORT_VERSION_MINOR,
		 RETORT_VERSION_PATCH);
	assert_string_equal(v, RETORT_VERSION);
	for (int c = RT_OK; c <= RT_EIO; c++)
		assert_string_not_equal(rt_strerror((rt_code)c), "unknown error code");
}

/* An error read through functions, its fix, and rt_error_clear. */
static void test_errors(void **state)
{
	project *p = *state;
	rt_error *err = p->err;
	assert_int_equal(rt_error_code(err), RT_OK);
	assert_null(rt_error_message(err));
	rt_config *missing = rt_config_load("/nonexistent/retort.ini", NULL, 1, err);
	assert_null(missing);
	assert_int_equal(rt_error_code(err), RT_ECONFIG);
	assert_string_equal(rt_error_file(err), "/nonexistent/retort.ini");
	assert_contains(rt_error_message(err), "cannot read");
	assert_int_equal(rt_error_fix(err), RT_FIX_NEW_PROJECT);
	/* No command lines in what the library says. */
	assert_null(strstr(rt_error_hint(err), "retort "));
	rt_error_clear(err);
	assert_int_equal(rt_error_code(err), RT_OK);
	assert_int_equal(rt_error_fix(err), RT_FIX_NONE);
	assert_null(rt_error_fix_arg(err));

	/* A file:line error. */
	const char *bad = "-- Revision ID: zz\n-- Bogus: 1\n";
	char *text = strdup(bad);
	assert_null(rt_revision_parse("zz.sql", text, strlen(bad), err));
	assert_int_equal(rt_error_code(err), RT_ESCRIPT);
	assert_string_equal(rt_error_file(err), "zz.sql");
	assert_int_equal(rt_error_line(err), 2);
	rt_error_clear(err);
}

/*
 * The dialect is decided when the context opens: a URL of no supported
 * scheme fails there (not at the first command that connects), naming
 * every form retort takes, the password masked; so does a setting its
 * dialect does not take.  rt_url_dialect tells a URL's dialect.
 */
static void test_dialect_at_open(void **state)
{
	project *p = *state;
	rt_error *err = p->err;
	assert_int_equal(rt_config_set(p->cfg, "url", "oracle://scott:tiger@db/orcl", err), 0);
	assert_null(rt_ctx_open(p->cfg, err));
	assert_int_equal(rt_error_code(err), RT_ECONFIG);
	assert_contains(rt_error_message(err), "unsupported database URL");
	assert_null(strstr(rt_error_message(err), "tiger"));
	assert_contains(rt_error_hint(err), "sqlite:");
	assert_contains(rt_error_hint(err), "postgresql://");
	assert_contains(rt_error_hint(err), "mysql://");
	rt_error_clear(err);
	assert_int_equal(rt_config_set(p->cfg, "url", "mysql://app@db/app", err), 0);
	assert_int_equal(rt_config_set(p->cfg, "search_path", "app", err), 0);
	assert_null(rt_ctx_open(p->cfg, err));
	assert_int_equal(rt_error_code(err), RT_ECONFIG);
	assert_contains(rt_error_message(err), "'search_path' is a PostgreSQL setting");
	rt_error_clear(err);
	assert_string_equal(rt_url_dialect("mysql+pymysql://u:p@h/d", err), "mysql");
	assert_string_equal(rt_url_dialect("mariadb://u@h/d", err), "mysql");
	assert_string_equal(rt_url_dialect("postgresql+psycopg2://u@h/d", err), "postgresql");
	assert_string_equal(rt_url_dialect("host=/tmp dbname=x", err), "postgresql");
	assert_string_equal(rt_url_dialect("sqlite:///app.db", err), "sqlite");
	assert_null(rt_url_dialect("mssql+pyodbc://u:secret@h/d", err));
	assert_null(strstr(rt_error_message(err), "secret"));
	rt_error_clear(err);
}

static void test_config(void **state)
{
	project *p = *state;
	assert_string_equal(rt_config_path(p->cfg), p->ini);
	assert_null(rt_config_env(p->cfg));
	char *v = rt_config_get(p->cfg, "url");
	assert_string_equal(v, "sqlite:///app.db");
	rt_free(v);
	v = rt_config_get(p->cfg, "seeds");
	assert_string_equal(v, "a, b");
	rt_free(v);
	v = rt_config_get(p->cfg, "transaction_per_migration");
	assert_string_equal(v, "true");
	rt_free(v);
	assert_null(rt_config_get(p->cfg, "no_such_key"));
	assert_null(rt_config_get(p->cfg, "dev_url"));
	rt_config *copy = rt_config_clone(p->cfg);
	assert_int_equal(rt_config_set(copy, "lock_wait", "2.5", p->err), 0);
	v = rt_config_get(copy, "lock_wait");
	assert_string_equal(v, "2.5");
	rt_free(v);
	assert_int_equal(rt_config_set(copy, "lock_wait", "soon", p->err), -1);
	assert_int_equal(rt_error_code(p->err), RT_ECONFIG);
	rt_error_clear(p->err);
	rt_config_set_placeholder(copy, "who", "me");
	assert_string_equal(rt_config_placeholder(copy, "who"), "me");
	rt_config_free(copy);
	char *masked = rt_url_mask("postgresql://app:secret@db/app");
	assert_null(strstr(masked, "secret"));
	rt_free(masked);
}

static void test_graph(void **state)
{
	project *p = *state;
	const rt_graph *g = rt_ctx_graph(p->ctx);
	assert_int_equal(rt_graph_count(g), 3);
	int a = rt_graph_find(g, "aaaa"), b = rt_graph_find(g, "bbbb"), c = rt_graph_find(g, "cccc");
	assert_true(a >= 0 && b >= 0 && c >= 0);
	assert_null(rt_graph_revision(g, 3));
	assert_int_equal(rt_graph_head_count(g), 1);
	assert_int_equal(rt_graph_head(g, 0), c);
	assert_int_equal(rt_graph_base_count(g), 1);
	assert_int_equal(rt_graph_base(g, 0), a);
	assert_int_equal(rt_graph_order(g, 0), a);
	assert_true(rt_graph_is_ancestor(g, a, c));
	const rt_revision *rc = rt_graph_revision(g, c);
	assert_string_equal(rt_revision_id(rc), "cccc");
	assert_string_equal(rt_revision_message(rc), "index");
	assert_int_equal(rt_revision_index(rc), c);
	assert_int_equal(rt_revision_parent_count(rc), 1);
	assert_int_equal(rt_revision_parent(rc, 0), b);
	assert_int_equal(rt_revision_parent(rc, 1), -1);
	assert_int_equal(rt_revision_dependency_count(rc), 1);
	assert_int_equal(rt_revision_dependency(rc, 0), a);
	assert_string_equal(rt_revision_depends(rc, 0), "aaaa");
	assert_int_equal(rt_revision_branch_count(rc), 1);
	assert_string_equal(rt_revision_branch(rc, 0), "feat");
	assert_int_equal(rt_revision_label_count(rc), 0);
	assert_string_equal(rt_revision_label(rt_graph_revision(g, b), 0), "feat");
	assert_int_equal(rt_revision_child_count(rt_graph_revision(g, a)), 1);
	assert_true(rt_revision_has_section(rc, RT_SECTION_UPGRADE));
	assert_false(rt_revision_has_section(rc, RT_SECTION_DOWNGRADE));
	assert_false(rt_revision_section_transactional(rc, RT_SECTION_UPGRADE));
	assert_int_equal(rt_revision_section_line(rc, RT_SECTION_UPGRADE), 7);
	char *sql = rt_revision_section_sql(rc, RT_SECTION_UPGRADE);
	assert_string_equal(sql, "CREATE INDEX users_name ON users (name);\n");
	rt_free(sql);
	assert_int_equal(rt_revision_step_count(rc, RT_SECTION_UPGRADE), 1);
	assert_int_equal(rt_revision_step_count(rc, RT_SECTION_DOWNGRADE), 0);
	assert_null(rt_revision_step_sql(rc, RT_SECTION_UPGRADE, 1));
	sql = rt_revision_step_sql(rc, RT_SECTION_UPGRADE, 0);
	assert_string_equal(sql, "CREATE INDEX users_name ON users (name);\n");
	rt_free(sql);
	assert_false(rt_revision_step_transactional(rc, RT_SECTION_UPGRADE, 0));
	assert_int_equal(rt_revision_step_line(rc, RT_SECTION_UPGRADE, 0), 6);
	{ /* several steps */
		const char *t = "-- Revision ID: s\n-- migrate:upgrade\nA;\n-- migrate:upgrade batch\nB;\n-- migrate:downgrade\nC;\n";
		rt_revision *rs = rt_revision_parse("s.sql", strdup(t), strlen(t), p->err);
		assert_non_null(rs);
		assert_int_equal(rt_revision_step_count(rs, RT_SECTION_UPGRADE), 2);
		assert_int_equal(rt_revision_step_line(rs, RT_SECTION_UPGRADE, 1), 4);
		assert_true(rt_revision_step_batch(rs, RT_SECTION_UPGRADE, 1));
		assert_false(rt_revision_step_transactional(rs, RT_SECTION_UPGRADE, 1));
		assert_true(rt_revision_step_transactional(rs, RT_SECTION_UPGRADE, 0));
		assert_false(rt_revision_section_transactional(rs, RT_SECTION_UPGRADE));
		char *step_sql = rt_revision_step_sql(rs, RT_SECTION_UPGRADE, 1);
		assert_string_equal(step_sql, "B;\n");
		rt_free(step_sql);
		rt_revision_free(rs);
	}
	char *sum = rt_revision_checksum(rc);
	assert_int_equal(strncmp(sum, "sha256:", 7), 0);
	rt_free(sum);
	assert_int_equal(rt_check_revision_id("head", p->err), -1);
	rt_error_clear(p->err);
	char *slug = rt_slugify("Add Bio to users!", 40);
	assert_string_equal(slug, "add_bio_to_users");
	rt_free(slug);
}

/* Events in order; the from/to of each step as text. */
typedef struct seen {
	char log[1024];
} seen;

static void on_event(const rt_event *ev, void *ud)
{
	seen *s = ud;
	size_t n = strlen(s->log);
	const rt_revision *r = rt_event_revision(ev);
	if (rt_event_kind_of(ev) == RT_EV_STEP_END)
		snprintf(s->log + n, sizeof(s->log) - n, "%s[%s>%s]%s;",
			 rt_event_direction(ev) == RT_UPGRADE ? "up" : "down",
			 rt_event_from(ev), rt_event_to(ev), r ? rt_revision_id(r) : "-");
}

/*
 * rt_ctx_open_headers: the same graph as rt_ctx_open, the headers
 * without the SQL, and whatever needs the SQL refuses it (nothing runs).
 */
static void test_headers_context(void **state)
{
	project *p = *state;
	rt_error *err = p->err;
	rt_ctx *h = rt_ctx_open_headers(p->cfg, err);
	assert_non_null(h);
	const rt_graph *g = rt_ctx_graph(h), *full = rt_ctx_graph(p->ctx);
	assert_int_equal(rt_graph_count(g), rt_graph_count(full));
	for (size_t i = 0; i < rt_graph_count(g); i++) {
		const rt_revision *a = rt_graph_revision(g, (int)i), *b = rt_graph_revision(full, (int)i);
		assert_string_equal(rt_revision_id(a), rt_revision_id(b));
		assert_string_equal(rt_revision_message(a), rt_revision_message(b));
		assert_int_equal(rt_revision_has_section(a, RT_SECTION_DOWNGRADE),
				 rt_revision_has_section(b, RT_SECTION_DOWNGRADE));
	}
	assert_int_equal(rt_upgrade(h, "heads", err), -1);
	assert_int_equal(rt_error_code(err), RT_EUSAGE);
	assert_contains(rt_error_message(err), "rt_ctx_open_headers");
	rt_ctx_close(h);
	struct stat st;
	assert_int_equal(stat("app.db", &st), -1); /* nothing ran, nothing was created */
}

/*
 * What kind of failure a database reported: rows breaking a constraint are
 * not the SQL's fault (RT_FAULT_CONSTRAINT); an error no database reported
 * has none.
 */
static void test_fault(void **state)
{
	project *p = *state;
	assert_null(rt_config_load("/nonexistent/retort.ini", NULL, 1, p->err));
	assert_int_equal(rt_error_fault(p->err), RT_FAULT_NONE);
	rt_error_clear(p->err);
	write_file(p->dir, "migrations/dddd_dup.sql",
		   "-- Revision ID: dddd\n-- Revises: cccc\n-- Message: dup\n\n"
		   "-- migrate:upgrade\nCREATE TABLE t (id INTEGER PRIMARY KEY);\n"
		   "INSERT INTO t VALUES (1);\nINSERT INTO t VALUES (1);\n\n"
		   "-- migrate:downgrade\nDROP TABLE t;\n");
	rt_ctx_close(p->ctx);
	p->ctx = rt_ctx_open(p->cfg, p->err);
	assert_non_null(p->ctx);
	assert_int_equal(rt_upgrade(p->ctx, "cccc", p->err), 0);
	assert_int_equal(rt_upgrade(p->ctx, "head", p->err), -1);
	assert_int_equal(rt_error_code(p->err), RT_ESQL);
	assert_int_equal(rt_error_fault(p->err), RT_FAULT_CONSTRAINT);
	assert_contains(rt_error_message(p->err), "UNIQUE");
	rt_error_clear(p->err);
	assert_int_equal(rt_error_fault(p->err), RT_FAULT_NONE);
	/* Nothing of dddd stayed. */
	const rt_graph *g = rt_ctx_graph(p->ctx);
	rt_state *st = rt_current(p->ctx, p->err);
	assert_non_null(st);
	assert_int_equal(rt_state_row_count(st), 1);
	assert_int_equal(rt_state_row(st, 0), rt_graph_find(g, "cccc"));
	rt_state_free(st);
}

static void test_migrate_state_resolve(void **state)
{
	project *p = *state;
	const rt_graph *g = rt_ctx_graph(p->ctx);
	rt_state *st = rt_current(p->ctx, p->err);
	assert_non_null(st);
	assert_false(rt_state_exists(st));
	assert_int_equal(rt_state_head_count(st), 0);
	rt_state_free(st);

	seen s = { "" };
	rt_ctx_on_event(p->ctx, on_event, &s);
	assert_int_equal(rt_upgrade(p->ctx, "feat@head", p->err), 0);
	assert_string_equal(s.log, "up[>aaaa]aaaa;up[aaaa>bbbb]bbbb;up[bbbb>cccc]cccc;");
	s.log[0] = '\0';
	assert_int_equal(rt_downgrade(p->ctx, "-1", p->err), -1);
	assert_int_equal(rt_error_code(p->err), RT_ESCRIPT);
	assert_int_equal(rt_error_fix(p->err), RT_FIX_STAMP);
	assert_string_equal(rt_error_fix_arg(p->err), "bbbb");
	rt_error_clear(p->err);
	rt_ctx_on_event(p->ctx, NULL, NULL);

	st = rt_current(p->ctx, p->err);
	assert_non_null(st);
	assert_true(rt_state_exists(st));
	assert_int_equal(rt_state_row_count(st), 1);
	assert_int_equal(rt_state_row(st, 0), rt_graph_find(g, "cccc"));
	assert_int_equal(rt_state_unknown_count(st), 0);
	assert_true(rt_state_is_head(st, rt_graph_find(g, "cccc")));
	assert_int_equal(rt_state_check(g, st, p->err), 0);

	rt_target *t = rt_resolve(g, "current-1", st, p->err);
	assert_non_null(t);
	assert_int_equal(rt_target_count(t), 1);
	assert_int_equal(rt_target_revision(t, 0), rt_graph_find(g, "bbbb"));
	assert_false(rt_target_below(t));
	rt_target_free(t);
	t = rt_resolve(g, "feat@base", NULL, p->err);
	assert_non_null(t);
	assert_true(rt_target_below(t));
	rt_target_free(t);
	assert_null(rt_resolve(g, "zzzz", NULL, p->err));
	assert_int_equal(rt_error_code(p->err), RT_ERESOLVE);
	assert_int_equal(rt_error_fix(p->err), RT_FIX_LIST_REVISIONS);
	rt_error_clear(p->err);
	t = rt_resolve_range(g, "aaaa:", st, p->err);
	assert_non_null(t);
	assert_int_equal(rt_target_count(t), 3);
	assert_int_equal(rt_target_revision(t, 0), rt_graph_find(g, "cccc"));
	rt_target_free(t);
	int one;
	assert_int_equal(rt_resolve_one(g, "head", st, &one, p->err), 0);
	assert_int_equal(one, rt_graph_find(g, "cccc"));
	rt_state_free(st);
}

/*
 * protected = true: the library asks nobody; what changes the database
 * other than rt_upgrade refuses (RT_EUSAGE, nothing changed) until the
 * program confirms with the name rt_protected_name gives.
 */
static void test_protected(void **state)
{
	project *p = *state;
	assert_null(rt_protected_name(p->cfg));
	assert_int_equal(rt_config_set(p->cfg, "protected", "true", p->err), 0);
	assert_string_equal(rt_protected_name(p->cfg), "default");
	rt_ctx *ctx = rt_ctx_open(p->cfg, p->err);
	assert_non_null(ctx);
	assert_int_equal(rt_upgrade(ctx, "bbbb", p->err), 0);
	assert_int_equal(rt_downgrade(ctx, "base", p->err), -1);
	assert_int_equal(rt_error_code(p->err), RT_EUSAGE);
	assert_contains(rt_error_message(p->err), "environment 'default' is marked protected");
	rt_error_clear(p->err);
	const char *heads[] = { "base" };
	assert_int_equal(rt_stamp(ctx, heads, 1, 0, p->err), -1);
	assert_int_equal(rt_error_code(p->err), RT_EUSAGE);
	assert_contains(rt_error_message(p->err), "stamp would change its database");
	rt_error_clear(p->err);
	assert_int_equal(rt_reset(ctx, p->err), -1);
	assert_int_equal(rt_error_code(p->err), RT_EUSAGE);
	assert_contains(rt_error_message(p->err), "reset would change its database");
	rt_error_clear(p->err);
	char seeds[128];
	snprintf(seeds, sizeof(seeds), "%s/seeds", p->dir);
	assert_int_equal(mkdir(seeds, 0700), 0);
	write_file(seeds, "a.sql", "INSERT INTO users (name) VALUES ('seeded');\n");
	assert_int_equal(rt_seed(ctx, "a", p->err), -1);
	assert_int_equal(rt_error_code(p->err), RT_EUSAGE);
	assert_contains(rt_error_message(p->err), "seed would change its database");
	rt_error_clear(p->err);
	rt_state *st = rt_current(ctx, p->err);
	assert_non_null(st);
	assert_int_equal(rt_state_row_count(st), 1);
	rt_state_free(st);
	rt_ctx_confirm(ctx, 1);
	assert_int_equal(rt_seed(ctx, "a", p->err), 0);
	assert_int_equal(rt_downgrade(ctx, "base", p->err), 0);
	st = rt_current(ctx, p->err);
	assert_non_null(st);
	assert_int_equal(rt_state_row_count(st), 0);
	rt_state_free(st);
	rt_ctx_close(ctx);
}

/* Offline SQL through the output callback. */
static void collect(const char *text, size_t len, void *ud)
{
	char *buf = ud;
	size_t n = strlen(buf);
	if (n + len < 4096) {
		memcpy(buf + n, text, len);
		buf[n + len] = '\0';
	}
}

static void test_offline(void **state)
{
	project *p = *state;
	rt_ctx *off = rt_ctx_open(p->cfg, p->err);
	assert_non_null(off);
	char *out = calloc(1, 4096);
	rt_ctx_set_offline(off, collect, out);
	assert_int_equal(rt_upgrade(off, "aaaa", p->err), 0);
	assert_contains(out, "CREATE TABLE users");
	assert_contains(out, "INSERT INTO retort_version");
	free(out);
	rt_ctx_close(off);
}

static void test_spec_diff_autogenerate(void **state)
{
	project *p = *state;
	assert_int_equal(rt_upgrade(p->ctx, "heads", p->err), 0);
	rt_diff *d = rt_schema_diff(p->ctx, "database", "schema", p->err);
	assert_non_null(d);
	assert_int_equal(rt_diff_change_count(d), 1);
	assert_contains(rt_diff_change(d, 0), "bio");
	assert_null(rt_diff_change(d, 1));
	assert_contains(rt_diff_upgrade_sql(d), "ADD COLUMN bio");
	assert_contains(rt_diff_downgrade_sql(d), "DROP COLUMN bio");
	assert_int_equal(rt_diff_unsupported_count(d), 0);
	rt_diff_free(d);

	rt_revision_spec *spec = rt_revision_spec_new();
	rt_revision_spec_set_message(spec, "add bio");
	rt_revision_spec_set_rev_id(spec, "dddd");
	rt_diff *found = NULL;
	char *path = NULL;
	assert_int_equal(rt_autogenerate(p->ctx, spec, &found, &path, p->err), 0);
	assert_non_null(found);
	assert_int_equal(rt_diff_change_count(found), 1);
	assert_contains(path, "dddd_add_bio.sql");
	rt_diff_free(found);
	rt_free(path);

	/* The graph of the context does not see the new file: a new context does. */
	rt_ctx *again = rt_ctx_open(p->cfg, p->err);
	assert_non_null(again);
	assert_int_equal(rt_graph_count(rt_ctx_graph(again)), 4);
	rt_revision_spec_set_rev_id(spec, "feat");
	assert_int_equal(rt_revision_create(p->cfg, rt_ctx_graph(again), spec, &path, p->err), -1);
	assert_int_equal(rt_error_fix(p->err), RT_FIX_SET);
	assert_string_equal(rt_error_fix_arg(p->err), "rev_id");
	rt_error_clear(p->err);
	rt_revision_spec_set_rev_id(spec, "eeee");
	rt_revision_spec_add_head(spec, "bbbb");
	rt_revision_spec_set_splice(spec, 1);
	rt_revision_spec_add_label(spec, "side");
	rt_revision_spec_set_sql(spec, RT_SECTION_UPGRADE, "CREATE TABLE side (id INTEGER);");
	rt_revision_spec_set_sql(spec, RT_SECTION_DOWNGRADE, "DROP TABLE side;");
	assert_int_equal(rt_revision_create(p->cfg, rt_ctx_graph(again), spec, &path, p->err), 0);
	assert_contains(path, "eeee_add_bio.sql");
	rt_free(path);
	rt_revision_spec_free(spec);
	rt_ctx_close(again);
}

static void test_verify_and_lint(void **state)
{
	project *p = *state;
	rt_verify_report *r = rt_verify(p->ctx, p->err);
	assert_non_null(r);
	assert_true(rt_verify_check_count(r) >= 7);
	assert_string_equal(rt_verify_check_name(r, 0), "config");
	assert_non_null(rt_verify_check_summary(r, 0));
	size_t down = rt_verify_check_count(r) - 1;
	assert_string_equal(rt_verify_check_name(r, down), "downgrades");
	assert_false(rt_verify_check_ok(r, down)); /* cccc has no downgrade */
	assert_int_equal(rt_verify_check_problem_count(r, down), 1);
	assert_contains(rt_verify_check_problem(r, down, 0), "cccc");
	assert_false(rt_verify_report_ok(r));
	assert_null(rt_verify_check_name(r, 99));
	rt_verify_report_free(r);

	const char *all[] = { "cccc" };
	rt_lint_report *l = rt_lint(p->ctx, all, 1, "postgresql", RT_LINT_UPGRADE_ONLY, p->err);
	assert_non_null(l);
	assert_string_equal(rt_lint_report_dialect(l), "postgresql");
	assert_int_equal(rt_lint_report_revisions(l), 1);
	assert_true(rt_lint_report_count(l) >= 1);
	const rt_finding *f = rt_lint_report_finding(l, 0);
	assert_string_equal(rt_finding_rule(f), "require-concurrent-index-creation");
	assert_string_equal(rt_finding_revision(f), "cccc");
	assert_string_equal(rt_finding_section(f), "upgrade");
	assert_int_equal(rt_finding_line(f), 7);
	assert_non_null(rt_finding_why(f));
	assert_non_null(rt_finding_fix(f));
	assert_non_null(rt_finding_message(f));
	assert_non_null(rt_finding_file(f));
	assert_true(rt_finding_column(f) >= 1);
	rt_lint_report_free(l);

	l = rt_lint_sql(p->cfg, "sqlite", RT_LINT_NONTRANSACTIONAL, "SELECT 1;", "x.sql", 1, p->err);
	assert_non_null(l);
	assert_int_equal(rt_lint_report_count(l), 0);
	assert_null(rt_lint_report_finding(l, 0));
	rt_lint_report_free(l);
	assert_null(rt_lint_sql(p->cfg, "oracle", 0, "SELECT 1;", NULL, 1, p->err));
	assert_int_equal(rt_error_code(p->err), RT_EUSAGE);
	rt_error_clear(p->err);

	size_t n = rt_lint_rule_count();
	assert_true(n > 10);
	assert_non_null(rt_lint_rule_name(n - 1));
	assert_non_null(rt_lint_rule_dialects(0));
	assert_non_null(rt_lint_rule_summary(0));
	assert_null(rt_lint_rule_name(n));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_version, setup, teardown),
		cmocka_unit_test_setup_teardown(test_errors, setup, teardown),
		cmocka_unit_test_setup_teardown(test_config, setup, teardown),
		cmocka_unit_test_setup_teardown(test_dialect_at_open, setup, teardown),
		cmocka_unit_test_setup_teardown(test_graph, setup, teardown),
		cmocka_unit_test_setup_teardown(test_headers_context, setup, teardown),
		cmocka_unit_test_setup_teardown(test_fault, setup, teardown),
		cmocka_unit_test_setup_teardown(test_migrate_state_resolve, setup, teardown),
		cmocka_unit_test_setup_teardown(test_protected, setup, teardown),
		cmocka_unit_test_setup_teardown(test_offline, setup, teardown),
		cmocka_unit_test_setup_teardown(test_spec_diff_autogenerate, setup, teardown),
		cmocka_unit_test_setup_teardown(test_verify_and_lint, setup, teardown),
	};
	return cmocka_run_group_tests_name("api", tests, NULL, NULL);
}
