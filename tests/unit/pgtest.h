/*
 * pgtest.h - what the PostgreSQL unit tests share: the test server's
 * databases (made and dropped per test), introspection, diffs applied
 * for real, and the assertions on their operations.  tests/run starts
 * the server and exports RETORT_TEST_PGHOST, RETORT_TEST_PGPORT and
 * RETORT_TEST_PGUSER; without them every test fails.
 *
 * The bar is exactness: a generated upgrade turns schema A into exactly
 * B, comparing the models introspected from the databases (rt_sm_compare
 * finds nothing).  Every helper is static: each test program includes
 * this once.
 */
#ifndef RT_TEST_PGTEST_H
#define RT_TEST_PGTEST_H

#include "unit.h"
#include "internal.h"
#include "dialect/dialect.h"
#include "dialect/postgres/pg_internal.h"
#include "schema/model.h"
#include "schema/ops.h"

#include <unistd.h>

#define PGT_UNUSED __attribute__((unused))

static const rt_dialect *PG = &rt_dialect_postgres;

/* ------------------------------------------------------------------ */
/* The test server and its databases                                   */
/* ------------------------------------------------------------------ */

PGT_UNUSED static const char *env(const char *name)
{
	const char *v = getenv(name);
	if (!v || !*v)
		fail_msg("%s is not set: tests/run starts a PostgreSQL server for these tests "
			 "(scripts/pg-test-server start prints the variables)", name);
	return v;
}

/* A libpq connection string for database db of the test server. */
PGT_UNUSED static char *db_url(const char *db)
{
	return rt_xasprintf("host='%s' port='%s' user='%s' dbname='%s'",
			 env("RETORT_TEST_PGHOST"), env("RETORT_TEST_PGPORT"),
			 env("RETORT_TEST_PGUSER"), db);
}

PGT_UNUSED static rt_config *db_config(const char *db)
{
	rt_config *cfg = rt_config_new("/tmp");
	free(cfg->url);
	cfg->url = db_url(db);
	return cfg;
}

PGT_UNUSED static rt_conn *db_connect(const char *db)
{
	rt_config *cfg = db_config(db);
	rt_error err = { 0 };
	int missing;
	rt_conn *c = PG->connect(cfg, 0, &missing, &err);
	if (!c)
		fail_msg("connect to %s: %s", db, err.message);
	rt_config_free(cfg);
	return c;
}

PGT_UNUSED static void db_exec(rt_conn *c, const char *sql)
{
	rt_error err = { 0 };
	if (PG->exec(c, sql, &err) < 0)
		fail_msg("%s", err.message);
}

/* Databases made and not dropped yet: a failed test's are dropped by teardown(). */
PGT_UNUSED static rt_strlist made;

/* Introspect with compare_privileges = true (a test sets it; teardown clears it). */
PGT_UNUSED static int pgt_privileges;
/* column_order = strict for the diffs and comparisons of the running test (teardown clears it) */
PGT_UNUSED static int strict_order;

/* A fresh, empty database named for this process; the caller frees the name. */
PGT_UNUSED static char *db_create(const char *tag)
{
	static int counter;
	char *name = rt_xasprintf("rt_test_%ld_%d_%s", (long)getpid(), ++counter, tag);
	rt_strlist_push(&made, name);
	rt_conn *c = db_connect("postgres");
	char *sql = rt_xasprintf("DROP DATABASE IF EXISTS %s WITH (FORCE)", name);
	db_exec(c, sql);
	free(sql);
	sql = rt_xasprintf("CREATE DATABASE %s TEMPLATE template0", name);
	db_exec(c, sql);
	free(sql);
	PG->disconnect(c);
	return name;
}

PGT_UNUSED static void db_drop(char *name)
{
	rt_conn *c = db_connect("postgres");
	char *sql = rt_xasprintf("DROP DATABASE IF EXISTS %s WITH (FORCE)", name);
	db_exec(c, sql);
	free(sql);
	PG->disconnect(c);
	for (size_t i = 0; i < made.n; i++)
		if (!strcmp(made.v[i], name)) {
			free(made.v[i]);
			made.v[i] = made.v[--made.n];
			break;
		}
	free(name);
}

/* After each test: drop what a failed one left behind. */
PGT_UNUSED static int teardown(void **state)
{
	pgt_privileges = 0;
	(void)state;
	while (made.n)
		db_drop(rt_xstrdup(made.v[made.n - 1]));
	rt_strlist_free(&made);
	strict_order = 0;
	return 0;
}

PGT_UNUSED static int first_value(void *ud, int n, const char *const *v)
{
	char **out = ud;
	if (n > 0)
		*out = rt_xstrdup(v[0] ? v[0] : "(null)");
	return 1;
}

/* The first value of a query, malloc'd ("(null)" for NULL). */
PGT_UNUSED static char *db_value(rt_conn *c, const char *sql)
{
	char *out = NULL;
	rt_error err = { 0 };
	if (PG->query(c, sql, first_value, &out, &err) < 0)
		fail_msg("%s", err.message);
	return out ? out : rt_xstrdup("(no row)");
}

PGT_UNUSED static sm_schema *db_introspect(rt_conn *c)
{
	rt_config *cfg = rt_config_new("/tmp");
	cfg->compare_privileges = pgt_privileges;
	sm_schema *s = NULL;
	rt_error err = { 0 };
	if (PG->introspect(c, cfg, &s, &err) < 0)
		fail_msg("introspect: %.2000s", err.message);
	rt_config_free(cfg);
	return s;
}

PGT_UNUSED static const char *corpus(void)
{
	const char *d = getenv("RETORT_TEST_SCHEMAS");
	return d && *d ? d : "../shared/schemas";
}

/*
 * Load a file with psql (as a user would), ON_ERROR_STOP off: the corpus
 * files are known to load cleanly, and no line of psql's output may be
 * an error.
 */
PGT_UNUSED static void db_load_file(const char *db, const char *path)
{
	if (access(path, R_OK) != 0)
		fail_msg("%s: cannot read it (RETORT_TEST_SCHEMAS names the corpus)", path);
	char *cmd = rt_xasprintf("psql -X -q -v ON_ERROR_STOP=0 -h '%s' -p '%s' -U '%s' -d '%s' -f '%s' 2>&1",
			      env("RETORT_TEST_PGHOST"), env("RETORT_TEST_PGPORT"),
			      env("RETORT_TEST_PGUSER"), db, path);
	FILE *p = popen(cmd, "r");
	if (!p)
		fail_msg("cannot run psql");
	char line[4096];
	strbuf errors = STRBUF_INIT;
	while (fgets(line, sizeof(line), p))
		if (strstr(line, "ERROR:") || strstr(line, "FATAL:"))
			rt_strbuf_adds(&errors, line);
	int status = pclose(p);
	free(cmd);
	if (status != 0 || errors.len)
		fail_msg("loading %s (psql status %d):\n%s", path, status, rt_strbuf_str(&errors));
	rt_strbuf_release(&errors);
}

/* ------------------------------------------------------------------ */
/* Diffs                                                                */
/* ------------------------------------------------------------------ */

PGT_UNUSED static void ops_text(const sm_ops *ops, strbuf *sb)
{
	for (size_t i = 0; i < ops->n; i++) {
		rt_strbuf_addf(sb, "-- %s%s%s\n", ops->v[i].what, ops->v[i].note ? ": " : "",
			    ops->v[i].note ? ops->v[i].note : "");
		for (size_t j = 0; j < ops->v[i].sql.n; j++)
			rt_strbuf_addf(sb, "%s;\n", ops->v[i].sql.v[j]);
	}
}

PGT_UNUSED static void diff(const sm_schema *from, const sm_schema *to, sm_ops *ops)
{
	rt_error err = { 0 };
	memset(ops, 0, sizeof(*ops));
	sm_diff_opts opts = { .column_order_strict = strict_order };
	if (PG->diff(from, to, &opts, ops, &err) < 0)
		fail_msg("diff: %s", err.message);
}

/* Run every statement of ops in one transaction; fail naming the statement. */
PGT_UNUSED static void apply(rt_conn *c, const sm_ops *ops)
{
	rt_error err = { 0 };
	db_exec(c, "BEGIN");
	for (size_t i = 0; i < ops->n; i++)
		for (size_t j = 0; j < ops->v[i].sql.n; j++)
			if (PG->exec(c, ops->v[i].sql.v[j], &err) < 0) {
				strbuf all = STRBUF_INIT;
				ops_text(ops, &all);
				fail_msg("step '%s' failed: %.3000s\n---- the whole diff:\n%.20000s",
					 ops->v[i].what, err.message, all.buf);
			}
	db_exec(c, "COMMIT");
}

/* The models must be equal; else fail listing the differences. */
PGT_UNUSED static void assert_same(const sm_schema *want, const sm_schema *got, const char *when)
{
	strbuf sb = STRBUF_INIT;
	size_t n = rt_sm_compare(want, got, strict_order ? SM_CMP_COLUMN_ORDER : 0, &sb);
	if (n)
		fail_msg("%s: %zu differences:\n%.6000s", when, n, sb.buf);
	rt_strbuf_release(&sb);
}

/*
 * Make b's schema that of `want` with diff(b, want), check it, and return
 * the operations (for assertions) and the model b had before.
 */
PGT_UNUSED static sm_schema *migrate(rt_conn *b, const sm_schema *want, sm_ops *ops, const char *when)
{
	sm_schema *before = db_introspect(b);
	diff(before, want, ops);
	apply(b, ops);
	sm_schema *after = db_introspect(b);
	assert_same(want, after, when);
	rt_sm_free(after);
	return before;
}

/* Is there an operation whose description contains what (and destructive as given, -1: any)? */
PGT_UNUSED static int has_op(const sm_ops *ops, const char *what, int destructive)
{
	for (size_t i = 0; i < ops->n; i++)
		if (strstr(ops->v[i].what, what) &&
		    (destructive < 0 || ops->v[i].destructive == destructive))
			return 1;
	return 0;
}

#define assert_op(ops, what, destructive)                                    \
	do {                                                                 \
		if (!has_op((ops), (what), (destructive))) {                  \
			strbuf all_ = STRBUF_INIT;                           \
			ops_text((ops), &all_);                              \
			fail_msg("no operation \"%s\" (destructive %d) in:\n%s", \
				 (what), (destructive), all_.buf);           \
		}                                                            \
	} while (0)

/* Does any statement of ops contain text? */
PGT_UNUSED static int has_sql(const sm_ops *ops, const char *text)
{
	for (size_t i = 0; i < ops->n; i++)
		for (size_t j = 0; j < ops->v[i].sql.n; j++)
			if (strstr(ops->v[i].sql.v[j], text))
				return 1;
	return 0;
}

#define assert_sql(ops, text)                                                \
	do {                                                                 \
		if (!has_sql((ops), (text))) {                               \
			strbuf all_ = STRBUF_INIT;                           \
			ops_text((ops), &all_);                              \
			fail_msg("no statement with \"%s\" in:\n%s", (text), all_.buf); \
		}                                                            \
	} while (0)


/*
 * A change: B starts from old (plus rows), is migrated to new's model,
 * check_up must then give up_value; migrated back to old's model,
 * check_down must give down_value.  ops_up and ops_down (optional)
 * receive the operations for further assertions.
 */
typedef struct change {
	const char *old_sql, *new_sql, *rows;
	const char *check_up, *up_value;
	const char *check_down, *down_value;
} change;

PGT_UNUSED static void run_change(const change *k, sm_ops *ops_up, sm_ops *ops_down)
{
	char *dold = db_create("old"), *dnew = db_create("new"), *dwork = db_create("work");
	rt_conn *co = db_connect(dold), *cn = db_connect(dnew), *w = db_connect(dwork);
	db_exec(co, k->old_sql);
	db_exec(cn, k->new_sql);
	db_exec(w, k->old_sql);
	if (k->rows)
		db_exec(w, k->rows);
	sm_schema *sold = db_introspect(co), *snew = db_introspect(cn);
	sm_ops up, down;
	sm_schema *before = migrate(w, snew, &up, "upgrade");
	assert_same(sold, before, "the old schema as loaded");
	if (k->check_up)
		assert_str_free(db_value(w, k->check_up), k->up_value);
	sm_schema *after = migrate(w, sold, &down, "downgrade");
	if (k->check_down)
		assert_str_free(db_value(w, k->check_down), k->down_value);
	/* nothing more to do either way */
	sm_ops none;
	sm_schema *now = db_introspect(w);
	diff(now, sold, &none);
	assert_int_equal(none.n, 0);
	rt_sm_ops_free(&none);
	rt_sm_free(now);
	if (ops_up)
		*ops_up = up;
	else
		rt_sm_ops_free(&up);
	if (ops_down)
		*ops_down = down;
	else
		rt_sm_ops_free(&down);
	rt_sm_free(after);
	rt_sm_free(before);
	rt_sm_free(sold);
	rt_sm_free(snew);
	PG->disconnect(co);
	PG->disconnect(cn);
	PG->disconnect(w);
	db_drop(dold);
	db_drop(dnew);
	db_drop(dwork);
}

#endif
