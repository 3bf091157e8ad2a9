/*
 * test_pg_types.c - PostgreSQL types made with CREATE TYPE besides enums
 * (composite types, range types; base types are not compared and are
 * refused where used) and the defaults of view columns: introspected,
 * diffed both ways with rows that must survive, and compared, against a
 * real server (helpers: pgtest.h).
 */
#include "pgtest.h"

/*
 * A base type needs C input and output functions; the server's own (as
 * LANGUAGE internal, which a superuser may name) make one without a
 * compiler.
 */
#define BASE_TYPE                                                                              \
	"CREATE TYPE tag;"                                                                     \
	"CREATE FUNCTION tag_in(cstring) RETURNS tag LANGUAGE internal IMMUTABLE STRICT AS 'textin';" \
	"CREATE FUNCTION tag_out(tag) RETURNS cstring LANGUAGE internal IMMUTABLE STRICT AS 'textout';" \
	"CREATE TYPE tag (INPUT = tag_in, OUTPUT = tag_out, LIKE = text);"

/* The diff from old_sql's schema to new_sql's is refused, its message containing each of want. */
static void assert_refused(const char *old_sql, const char *new_sql, const char *const *want)
{
	char *d1 = db_create("from"), *d2 = db_create("to");
	rt_conn *c1 = db_connect(d1), *c2 = db_connect(d2);
	db_exec(c1, old_sql);
	db_exec(c2, new_sql);
	sm_schema *a = db_introspect(c1), *b = db_introspect(c2);
	sm_ops ops = { 0 };
	rt_error err = { 0 };
	assert_int_equal(PG->diff(a, b, NULL, &ops, &err), -1);
	for (size_t i = 0; want[i]; i++)
		assert_contains(err.message, want[i]);
	assert_non_null(err.hint);
	rt_error_clear(&err);
	rt_sm_free(a);
	rt_sm_free(b);
	PG->disconnect(c1);
	PG->disconnect(c2);
	db_drop(d1);
	db_drop(d2);
}

/* ------------------------------------------------------------------ */
/* Composite types                                                      */
/* ------------------------------------------------------------------ */

/*
 * A composite type a column uses (and an array of it) gains attributes
 * at its end, one of a new enum type: ALTER TYPE ... ADD ATTRIBUTE in
 * place, the rows kept; back down, the attributes are dropped (their
 * values lost: destructive) and the enum after them.
 */
static void test_composite_altered_in_place(void **state)
{
	(void)state;
	change k = {
		"CREATE TYPE addr AS (street text, city text);"
		"CREATE TABLE t (id int PRIMARY KEY, home addr, past addr[]);",
		"CREATE TYPE kind AS ENUM ('home', 'work');"
		"CREATE TYPE addr AS (street text, city text, zip varchar(10), k kind);"
		"COMMENT ON TYPE addr IS 'a postal address';"
		"COMMENT ON COLUMN addr.city IS 'the town';"
		"COMMENT ON COLUMN addr.zip IS 'postal code';"
		"CREATE TABLE t (id int PRIMARY KEY, home addr, past addr[]);",
		"INSERT INTO t VALUES (1, ROW('Main St', 'Springfield'), ARRAY[ROW('Old Rd', 'Shelbyville')::addr])",
		"SELECT (home).city || '/' || (past[1]).city || '/' || coalesce((home).zip, '-') FROM t",
		"Springfield/Shelbyville/-",
		"SELECT (home).street FROM t", "Main St",
	};
	sm_ops up, down;
	run_change(&k, &up, &down);
	assert_sql(&up, "ALTER TYPE public.addr ADD ATTRIBUTE zip character varying(10), ADD ATTRIBUTE k public.kind");
	assert_sql(&up, "COMMENT ON TYPE public.addr IS 'a postal address'");
	assert_sql(&up, "COMMENT ON COLUMN public.addr.city IS 'the town'");
	assert_sql(&up, "COMMENT ON COLUMN public.addr.zip IS 'postal code'");
	assert_sql(&down, "COMMENT ON COLUMN public.addr.city IS NULL");
	assert_false(has_sql(&up, "DROP TYPE"));
	assert_op(&down, "alter composite type public.addr", 1);
	assert_sql(&down, "ALTER TYPE public.addr DROP ATTRIBUTE zip, DROP ATTRIBUTE k");
	/* the enum is dropped after the attribute that used it */
	size_t alter = down.n, drop = down.n;
	for (size_t i = 0; i < down.n; i++) {
		if (strstr(down.v[i].what, "alter composite type"))
			alter = i;
		if (strstr(down.v[i].what, "kind") && strstr(down.v[i].what, "drop"))
			drop = i;
	}
	assert_true(alter < drop && drop < down.n);
	rt_sm_ops_free(&up);
	rt_sm_ops_free(&down);
}

/*
 * From nothing: a composite type of a composite type of an enum (with a
 * collation on an attribute), a function returning it and a table of an
 * array of it, each made after what it uses, dropped before.
 */
static void test_composite_order(void **state)
{
	(void)state;
	change k = {
		"SELECT 1",
		"CREATE TYPE mood AS ENUM ('ok', 'sad');"
		"CREATE TYPE inner1 AS (m mood, x text COLLATE \"C\");"
		"COMMENT ON COLUMN inner1.x IS 'made with the type';"
		"CREATE TYPE outer1 AS (i inner1, n numeric(10,2));"
		"CREATE FUNCTION mk(n numeric) RETURNS outer1 LANGUAGE sql AS $$ SELECT ROW(NULL, n)::outer1 $$;"
		"CREATE TABLE u (o outer1[]);",
		NULL, "SELECT (mk(2.5)).n", "2.50", NULL, NULL,
	};
	sm_ops up, down;
	run_change(&k, &up, &down);
	assert_sql(&up, "CREATE TYPE public.inner1 AS (m public.mood, x text COLLATE pg_catalog.\"C\")");
	assert_sql(&up, "CREATE TYPE public.outer1 AS (i public.inner1, n numeric(10,2))");
	assert_sql(&up, "COMMENT ON COLUMN public.inner1.x IS 'made with the type'");
	assert_sql(&down, "DROP TYPE public.outer1");
	rt_sm_ops_free(&up);
	rt_sm_ops_free(&down);
}

/*
 * Attributes reordered: ALTER TYPE cannot, so the type is dropped and
 * made again -- refused while a column uses it, naming both; done when
 * nothing does.
 */
static void test_composite_reordered(void **state)
{
	(void)state;
	static const char *const why[] = {
		"composite type public.addr must be dropped and made again",
		"ALTER TYPE cannot reorder attributes", "column home of table public.t uses it", NULL,
	};
	assert_refused("CREATE TYPE addr AS (street text, city text); CREATE TABLE t (home addr)",
		       "CREATE TYPE addr AS (city text, street text); CREATE TABLE t (home addr)", why);

	change k = {
		"CREATE TYPE addr AS (street text, city text);"
		"CREATE FUNCTION city(a addr) RETURNS text LANGUAGE sql AS $$ SELECT a.city $$;",
		"CREATE TYPE addr AS (city text, street text);"
		"CREATE FUNCTION city(a addr) RETURNS text LANGUAGE sql AS $$ SELECT a.city $$;",
		NULL, "SELECT city(ROW('x', 'y'))", "x", "SELECT city(ROW('x', 'y'))", "y",
	};
	sm_ops up;
	run_change(&k, &up, NULL);
	assert_sql(&up, "DROP TYPE public.addr");
	assert_sql(&up, "CREATE TYPE public.addr AS (city text, street text)");
	rt_sm_ops_free(&up);
}

/* ------------------------------------------------------------------ */
/* Range types                                                          */
/* ------------------------------------------------------------------ */

/*
 * Range types with a difference function and a collation, a column of
 * one and of its multirange, a comment: made after the function, before
 * the table; back down, dropped after it.  A changed range type a column
 * uses is refused.
 */
static void test_range_types(void **state)
{
	(void)state;
	change k = {
		"SELECT 1",
		"CREATE FUNCTION span_diff(a int4, b int4) RETURNS float8 LANGUAGE sql IMMUTABLE AS 'SELECT (a - b)::float8';"
		"CREATE TYPE span AS RANGE (subtype = int4, subtype_diff = span_diff);"
		"COMMENT ON TYPE span IS 'a span of ids';"
		"CREATE TYPE words AS RANGE (subtype = text, collation = \"C\", multirange_type_name = word_ranges);"
		"CREATE TABLE booking (id int, during span, spans span_multirange, w words);"
		"CREATE INDEX booking_during ON booking USING gist (during);",
		NULL, "SELECT upper(span(1, 5))::text", "5", NULL, NULL,
	};
	sm_ops up, down;
	run_change(&k, &up, &down);
	assert_sql(&up, "CREATE TYPE public.span AS RANGE (SUBTYPE = integer, SUBTYPE_DIFF = public.span_diff, "
			"MULTIRANGE_TYPE_NAME = public.span_multirange)");
	assert_sql(&up, "COLLATION = pg_catalog.\"C\"");
	assert_sql(&up, "MULTIRANGE_TYPE_NAME = public.word_ranges");
	assert_sql(&up, "COMMENT ON TYPE public.span IS 'a span of ids'");
	assert_sql(&down, "DROP TYPE public.span");
	rt_sm_ops_free(&up);
	rt_sm_ops_free(&down);

	static const char *const why[] = {
		"range type public.span must be dropped and made again", "column s of table public.t uses it", NULL,
	};
	assert_refused("CREATE TYPE span AS RANGE (subtype = int4); CREATE TABLE t (s span)",
		       "CREATE TYPE span AS RANGE (subtype = int8); CREATE TABLE t (s span)", why);
}

/*
 * A view that uses a composite and a range type made again is dropped
 * before them and made after them (a view's columns do not block it).
 */
static void test_types_under_views(void **state)
{
	(void)state;
	change k = {
		"CREATE TYPE span AS RANGE (subtype = integer); CREATE TYPE pair AS (a int, b text);"
		"CREATE VIEW v AS SELECT '[1,2)'::span AS s, ROW(1, 'x')::pair AS p;",
		"CREATE TYPE span AS RANGE (subtype = bigint); CREATE TYPE pair AS (b text, a int);"
		"CREATE VIEW v AS SELECT '[1,2)'::span AS s, ROW('x', 1)::pair AS p;",
		NULL, "SELECT (p).a FROM v", "1", "SELECT (p).b FROM v", "x",
	};
	sm_ops up;
	run_change(&k, &up, NULL);
	assert_string_equal(up.v[0].what, "drop view public.v");
	assert_string_equal(up.v[up.n - 1].what, "create view public.v");
	rt_sm_ops_free(&up);
}

/* ------------------------------------------------------------------ */
/* What is not compared                                                  */
/* ------------------------------------------------------------------ */

/*
 * A base type (shell, I/O functions, CREATE TYPE) is listed as not
 * compared; a table using it cannot be made where the type is not: the
 * diff refuses, naming both; where it was made by hand, the table is
 * made and the type and its functions left alone.
 */
static void test_base_type_refused(void **state)
{
	(void)state;
	char *d1 = db_create("empty"), *d2 = db_create("full"), *d3 = db_create("typed");
	rt_conn *c1 = db_connect(d1), *c2 = db_connect(d2), *c3 = db_connect(d3);
	db_exec(c2, BASE_TYPE "CREATE TABLE t (v tag, vs tag[])");
	db_exec(c3, BASE_TYPE);
	sm_schema *empty = db_introspect(c1), *full = db_introspect(c2), *typed = db_introspect(c3);
	int listed = 0;
	for (size_t i = 0; i < full->nunsupported; i++)
		listed |= !strcmp(full->unsupported[i], "base type public.tag");
	assert_true(listed);
	sm_ops ops = { 0 };
	rt_error err = { 0 };
	assert_int_equal(PG->diff(empty, full, NULL, &ops, &err), -1);
	assert_contains(err.message, "uses type public.tag, which retort does not compare");
	assert_non_null(err.hint);
	rt_error_clear(&err);
	sm_schema *before = migrate(c3, full, &ops, "by hand first");
	assert_sql(&ops, "CREATE TABLE public.t");
	assert_false(has_sql(&ops, "TYPE"));
	assert_false(has_sql(&ops, "FUNCTION"));
	rt_sm_ops_free(&ops);
	rt_sm_free(before);
	rt_sm_free(empty);
	rt_sm_free(full);
	rt_sm_free(typed);
	PG->disconnect(c1);
	PG->disconnect(c2);
	PG->disconnect(c3);
	db_drop(d1);
	db_drop(d2);
	db_drop(d3);
}

/* ------------------------------------------------------------------ */
/* Defaults of view columns                                             */
/* ------------------------------------------------------------------ */

/*
 * ALTER VIEW ... ALTER COLUMN ... SET DEFAULT: set, changed, dropped; a
 * new view gets its defaults after it is made, one made again (a column
 * changes type) gets them again.  An INSERT through the view sees them.
 */
static void test_view_column_defaults(void **state)
{
	(void)state;
	change k = {
		.old_sql = "CREATE TABLE t (id int, state text, n int);"
			   "CREATE VIEW v AS SELECT id, state FROM t;"
			   "ALTER VIEW v ALTER COLUMN state SET DEFAULT 'new';"
			   "ALTER VIEW v ALTER COLUMN id SET DEFAULT 0;"
			   "CREATE VIEW w AS SELECT id, n FROM t;"
			   "ALTER VIEW w ALTER COLUMN n SET DEFAULT 1;",
		.new_sql = "CREATE TABLE t (id int, state text, n int);"
			   "CREATE VIEW v AS SELECT id, state FROM t;"
			   "ALTER VIEW v ALTER COLUMN state SET DEFAULT 'open';"
			   "CREATE VIEW w AS SELECT id, n::bigint AS n FROM t;"
			   "ALTER VIEW w ALTER COLUMN n SET DEFAULT 1;"
			   "CREATE VIEW x AS SELECT id FROM t;"
			   "ALTER VIEW x ALTER COLUMN id SET DEFAULT 7;",
		.check_up = "WITH i AS (INSERT INTO v (id) VALUES (1) RETURNING state) SELECT state FROM i",
		.up_value = "open",
		.check_down = "WITH i AS (INSERT INTO v (state) VALUES ('x') RETURNING id) SELECT id FROM i",
		.down_value = "0",
	};
	sm_ops up, down;
	run_change(&k, &up, &down);
	assert_sql(&up, "ALTER VIEW public.v ALTER COLUMN state SET DEFAULT 'open'::text");
	assert_sql(&up, "ALTER VIEW public.v ALTER COLUMN id DROP DEFAULT");
	assert_sql(&up, "ALTER VIEW public.x ALTER COLUMN id SET DEFAULT 7");
	assert_sql(&up, "ALTER VIEW public.w ALTER COLUMN n SET DEFAULT 1");
	assert_sql(&down, "ALTER VIEW public.v ALTER COLUMN id SET DEFAULT 0");
	rt_sm_ops_free(&up);
	rt_sm_ops_free(&down);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_teardown(test_composite_altered_in_place, teardown),
		cmocka_unit_test_teardown(test_composite_order, teardown),
		cmocka_unit_test_teardown(test_composite_reordered, teardown),
		cmocka_unit_test_teardown(test_range_types, teardown),
		cmocka_unit_test_teardown(test_types_under_views, teardown),
		cmocka_unit_test_teardown(test_base_type_refused, teardown),
		cmocka_unit_test_teardown(test_view_column_defaults, teardown),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
