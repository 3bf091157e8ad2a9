/*
 * test_pg_kinds.c - the PostgreSQL object kinds besides tables, views,
 * sequences, enum types and functions (test_pg_schema.c has those):
 * each is introspected, diffed both ways with rows that must survive,
 * and compared, against a real server (helpers: pgtest.h).
 */
#include "pgtest.h"

/* ------------------------------------------------------------------ */
/* Extensions                                                           */
/* ------------------------------------------------------------------ */

/*
 * What a real structure.sql starts with: extensions, then a column of
 * one's type and an index with another's operator class.  Both made
 * first on the way up, dropped last on the way down.
 */
static void test_extensions(void **state)
{
	(void)state;
	change k = {
		"CREATE TABLE t (id int PRIMARY KEY, name text);",
		"CREATE EXTENSION IF NOT EXISTS citext WITH SCHEMA public;"
		"CREATE EXTENSION IF NOT EXISTS pg_trgm WITH SCHEMA public;"
		"COMMENT ON EXTENSION pg_trgm IS 'text similarity measurement and index searching based on trigrams';"
		"CREATE TABLE t (id int PRIMARY KEY, name text, email public.citext);"
		"CREATE INDEX t_name_trgm ON t USING gin (name public.gin_trgm_ops);",
		"INSERT INTO t VALUES (1, 'one'), (2, 'two')",
		"SELECT count(*) FROM t WHERE name % 'one'", "1",
		"SELECT count(*) FROM t", "2",
	};
	sm_ops up, down;
	run_change(&k, &up, &down);
	assert_sql(&up, "CREATE EXTENSION IF NOT EXISTS citext WITH SCHEMA public");
	assert_sql(&up, "CREATE EXTENSION IF NOT EXISTS pg_trgm WITH SCHEMA public");
	assert_false(has_sql(&up, "VERSION")); /* the default version is not pinned */
	assert_false(has_sql(&up, "COMMENT ON EXTENSION")); /* its own comment is no user's */
	assert_op(&down, "drop extension pg_trgm", 1);
	assert_op(&down, "drop extension citext", 1);
	/* dropped after the index and the column that use them */
	assert_true(strstr(up.v[0].what, "create extension") != NULL);
	assert_true(strstr(down.v[down.n - 1].what, "drop extension") != NULL);
	rt_sm_ops_free(&up);
	rt_sm_ops_free(&down);
}

/* earthdistance requires cube: made after it, dropped before it. */
static void test_extension_requires(void **state)
{
	(void)state;
	change k = {
		"SELECT 1",
		"CREATE EXTENSION earthdistance CASCADE;"
		"CREATE TABLE place (id int, at public.earth);",
		NULL, "SELECT pg_catalog.count(*) FROM place", "0", NULL, NULL,
	};
	sm_ops up, down;
	run_change(&k, &up, &down);
	assert_string_equal(up.v[0].what, "create extension cube");
	assert_string_equal(up.v[1].what, "create extension earthdistance");
	assert_string_equal(down.v[down.n - 2].what, "drop extension earthdistance");
	assert_string_equal(down.v[down.n - 1].what, "drop extension cube");
	rt_sm_ops_free(&up);
	rt_sm_ops_free(&down);
}

/* Another schema (made first, dropped last), a comment of the user's. */
static void test_extension_schema_and_comment(void **state)
{
	(void)state;
	change k = {
		"CREATE EXTENSION hstore WITH SCHEMA public;"
		"CREATE TABLE t (h public.hstore);",
		"CREATE SCHEMA ext; CREATE EXTENSION hstore WITH SCHEMA ext;"
		"COMMENT ON EXTENSION hstore IS 'key/value pairs, for settings';"
		"CREATE TABLE t (h ext.hstore);",
		"INSERT INTO t VALUES ('a=>1')",
		"SELECT ext.fetchval(h, 'a') FROM t", "1", "SELECT public.fetchval(h, 'a') FROM t", "1",
	};
	sm_ops up, down;
	run_change(&k, &up, &down);
	assert_sql(&up, "CREATE SCHEMA ext");
	assert_sql(&up, "ALTER EXTENSION hstore SET SCHEMA ext");
	assert_sql(&up, "COMMENT ON EXTENSION hstore IS 'key/value pairs, for settings'");
	assert_sql(&down, "ALTER EXTENSION hstore SET SCHEMA public");
	assert_sql(&down, "DROP SCHEMA ext");
	rt_sm_ops_free(&up);
	rt_sm_ops_free(&down);
}

/*
 * A version that is not the default is named; moving to the default is
 * ALTER EXTENSION ... UPDATE (there is no way back down: only up).
 */
static void test_extension_version(void **state)
{
	(void)state;
	char *dold = db_create("old"), *dnew = db_create("new");
	rt_conn *co = db_connect(dold), *cn = db_connect(dnew);
	db_exec(co, "CREATE EXTENSION pg_trgm VERSION '1.4'");
	db_exec(cn, "CREATE EXTENSION pg_trgm");
	sm_schema *sold = db_introspect(co), *snew = db_introspect(cn);
	assert_int_equal(sold->nexts, 1);
	assert_string_equal(sold->exts[0].version, "1.4");
	assert_false(sold->exts[0].default_version);
	assert_true(snew->exts[0].default_version);
	strbuf why = STRBUF_INIT;
	assert_int_equal(rt_sm_compare(sold, snew, 0, &why), 1);
	assert_contains(why.buf, "version of extension pg_trgm: 1.4 -> ");
	rt_strbuf_release(&why);
	sm_ops up, make;
	sm_schema *empty = rt_sm_new();
	diff(empty, sold, &make);
	assert_sql(&make, "CREATE EXTENSION IF NOT EXISTS pg_trgm WITH SCHEMA public VERSION '1.4'");
	sm_schema *before = migrate(co, snew, &up, "update");
	assert_sql(&up, "ALTER EXTENSION pg_trgm UPDATE");
	assert_false(has_sql(&up, "UPDATE TO"));
	rt_sm_free(before);
	rt_sm_free(empty);
	rt_sm_ops_free(&up);
	rt_sm_ops_free(&make);
	rt_sm_free(sold);
	rt_sm_free(snew);
	PG->disconnect(co);
	PG->disconnect(cn);
	db_drop(dold);
	db_drop(dnew);
}

/* A schema change an extension does not allow is refused, naming it. */
static void test_extension_not_relocatable(void **state)
{
	(void)state;
	char *d1 = db_create("a"), *d2 = db_create("b");
	rt_conn *c1 = db_connect(d1), *c2 = db_connect(d2);
	db_exec(c1, "CREATE EXTENSION xml2 WITH SCHEMA public");
	db_exec(c2, "CREATE SCHEMA ext; CREATE EXTENSION xml2 WITH SCHEMA ext");
	sm_schema *a = db_introspect(c1), *b = db_introspect(c2);
	assert_false(a->exts[0].relocatable);
	sm_ops ops = { 0 };
	rt_error err = { 0 };
	assert_int_equal(PG->diff(a, b, NULL, &ops, &err), -1);
	assert_contains(err.message, "extension xml2 moves from schema public to ext");
	assert_int_equal(ops.n, 0);
	rt_error_clear(&err);
	rt_sm_free(a);
	rt_sm_free(b);
	PG->disconnect(c1);
	PG->disconnect(c2);
	db_drop(d1);
	db_drop(d2);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_teardown(test_extensions, teardown),
		cmocka_unit_test_teardown(test_extension_requires, teardown),
		cmocka_unit_test_teardown(test_extension_schema_and_comment, teardown),
		cmocka_unit_test_teardown(test_extension_version, teardown),
		cmocka_unit_test_teardown(test_extension_not_relocatable, teardown),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
