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

/* ------------------------------------------------------------------ */
/* Domains                                                              */
/* ------------------------------------------------------------------ */

/*
 * A domain is altered in place (columns use it): default, NOT NULL,
 * constraints changed, added NOT VALID, validated; a domain over a
 * domain, made after it; comments on both and on a constraint.
 */
static void test_domains(void **state)
{
	(void)state;
	change k = {
		"CREATE DOMAIN year AS integer CONSTRAINT year_check CHECK (VALUE >= 1901 AND VALUE <= 2155);"
		"CREATE DOMAIN code AS text;"
		"ALTER DOMAIN code ADD CONSTRAINT code_len CHECK (length(VALUE) < 10) NOT VALID;"
		"CREATE TABLE film (id int PRIMARY KEY, released year, code code);",
		"CREATE DOMAIN year AS integer DEFAULT 2000 NOT NULL "
		" CONSTRAINT year_check CHECK (VALUE >= 1800 AND VALUE <= 2155);"
		"ALTER DOMAIN year ADD CONSTRAINT year_round CHECK (VALUE % 1 = 0) NOT VALID;"
		"COMMENT ON DOMAIN year IS 'a year of release';"
		"COMMENT ON CONSTRAINT year_check ON DOMAIN year IS 'the range';"
		"CREATE DOMAIN code AS text CONSTRAINT code_len CHECK (length(VALUE) < 10);"
		"CREATE DOMAIN recent_year AS year CHECK (VALUE > 1990);"
		"CREATE TABLE film (id int PRIMARY KEY, released year, code code, remade recent_year);",
		"INSERT INTO film VALUES (1, 1999, 'x'), (2, 2001, 'yy')",
		"SELECT string_agg(id || ':' || released || code, ',' ORDER BY id) FROM film", "1:1999x,2:2001yy",
		"SELECT count(*) FROM film", "2",
	};
	sm_ops up, down;
	run_change(&k, &up, &down);
	assert_sql(&up, "ALTER DOMAIN public.year SET DEFAULT 2000");
	assert_sql(&up, "ALTER DOMAIN public.year SET NOT NULL");
	assert_sql(&up, "ALTER DOMAIN public.year DROP CONSTRAINT year_check");
	assert_sql(&up, "ALTER DOMAIN public.year ADD CONSTRAINT year_round CHECK (((VALUE % 1) = 0)) NOT VALID");
	assert_sql(&up, "ALTER DOMAIN public.code VALIDATE CONSTRAINT code_len");
	assert_sql(&up, "CREATE DOMAIN public.recent_year AS public.year DEFAULT 2000 CONSTRAINT recent_year_check");
	assert_sql(&up, "COMMENT ON CONSTRAINT year_check ON DOMAIN public.year IS 'the range'");
	assert_sql(&up, "COMMENT ON DOMAIN public.year IS 'a year of release'");
	assert_sql(&down, "DROP DOMAIN public.recent_year");
	assert_sql(&down, "ALTER DOMAIN public.year DROP NOT NULL");
	assert_sql(&down, "ALTER DOMAIN public.year DROP DEFAULT");
	rt_sm_ops_free(&up);
	rt_sm_ops_free(&down);
}

/* From nothing: a domain with a default calling a function, used by a function's signature. */
static void test_domain_order(void **state)
{
	(void)state;
	change k = {
		"SELECT 1",
		"CREATE FUNCTION next_code() RETURNS text LANGUAGE sql AS $$SELECT 'c' || 1$$;"
		"CREATE DOMAIN code AS text COLLATE \"C\" DEFAULT next_code() NOT NULL;"
		"CREATE FUNCTION shout(c code) RETURNS code LANGUAGE sql AS $$SELECT upper(c)::code$$;"
		"CREATE TABLE t (c code);",
		NULL, "SELECT public.shout('x')", "X", NULL, NULL,
	};
	run_change(&k, NULL, NULL);
}

/* A new base type cannot be written with ALTER DOMAIN: refused, naming it. */
static void test_domain_retyped_refused(void **state)
{
	(void)state;
	char *d1 = db_create("a"), *d2 = db_create("b");
	rt_conn *c1 = db_connect(d1), *c2 = db_connect(d2);
	db_exec(c1, "CREATE DOMAIN money2 AS numeric(10,2)");
	db_exec(c2, "CREATE DOMAIN money2 AS numeric(12,2)");
	sm_schema *a = db_introspect(c1), *b = db_introspect(c2);
	sm_ops ops = { 0 };
	rt_error err = { 0 };
	assert_int_equal(PG->diff(a, b, NULL, &ops, &err), -1);
	assert_contains(err.message, "domain public.money2 changes its base type (numeric(10,2) -> numeric(12,2))");
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
/* Objects kept as their definition                                     */
/* ------------------------------------------------------------------ */

/*
 * Aggregates: made after their functions, dropped before them; a change
 * makes the aggregate again, and a view that uses it is dropped first and
 * made again after.
 */
static void test_aggregates(void **state)
{
	(void)state;
	change k = {
		"CREATE FUNCTION _cat(text, text) RETURNS text LANGUAGE sql STRICT AS $$SELECT $1 || $2$$;"
		"CREATE AGGREGATE cat(text) (SFUNC = _cat, STYPE = text);"
		"CREATE TABLE w (x text); CREATE VIEW words AS SELECT cat(x ORDER BY x) AS all_x FROM w;",
		"CREATE FUNCTION _cat(text, text) RETURNS text LANGUAGE sql STRICT AS $$SELECT $1 || $2$$;"
		"CREATE FUNCTION _fin(text) RETURNS text LANGUAGE sql AS $$SELECT '<' || $1 || '>'$$;"
		"CREATE AGGREGATE cat(text) (SFUNC = _cat, STYPE = text, INITCOND = '', FINALFUNC = _fin,"
		" PARALLEL = SAFE);"
		"CREATE AGGREGATE cnt(*) (SFUNC = int8inc, STYPE = int8, INITCOND = '0');"
		"COMMENT ON AGGREGATE cnt(*) IS 'counts';"
		"CREATE TABLE w (x text); CREATE VIEW words AS SELECT cat(x ORDER BY x) AS all_x FROM w;",
		"INSERT INTO w VALUES ('b'), ('a')",
		"SELECT all_x || public.cnt(*) FROM words, w GROUP BY all_x", "<ab>2",
		"SELECT all_x FROM words", "ab",
	};
	sm_ops up, down;
	run_change(&k, &up, &down);
	assert_op(&up, "drop view public.words", 0);
	assert_op(&up, "drop aggregate public.cat(text)", 0);
	assert_sql(&up, "CREATE AGGREGATE public.cat(text) (SFUNC = public._cat, STYPE = text, FINALFUNC = public._fin, "
		   "FINALFUNC_MODIFY = READ_ONLY, INITCOND = '', PARALLEL = SAFE)");
	assert_sql(&up, "CREATE AGGREGATE public.cnt(*) (SFUNC = int8inc, STYPE = bigint, INITCOND = '0')");
	assert_sql(&up, "COMMENT ON AGGREGATE public.cnt(*) IS 'counts'");
	assert_sql(&down, "DROP AGGREGATE public.cnt(*)");
	assert_sql(&down, "DROP FUNCTION public._fin(text)");
	rt_sm_ops_free(&up);
	rt_sm_ops_free(&down);
}

/* Collations: made before the columns that use them, dropped after. */
static void test_collations(void **state)
{
	(void)state;
	change k = {
		"CREATE TABLE u (name text);",
		"CREATE COLLATION nocase (provider = icu, locale = 'und-u-ks-level2', deterministic = false);"
		"CREATE COLLATION plain (locale = 'C');"
		"COMMENT ON COLLATION nocase IS 'case-insensitive';"
		"CREATE TABLE u (name text COLLATE nocase, code text COLLATE plain);",
		"INSERT INTO u VALUES ('Ann'), ('ann')",
		"SELECT count(DISTINCT name) FROM u", "1",
		"SELECT count(DISTINCT name) FROM u", "2",
	};
	sm_ops up, down;
	run_change(&k, &up, &down);
	assert_sql(&up, "CREATE COLLATION public.nocase (PROVIDER = icu, LOCALE = 'und-u-ks-level2', DETERMINISTIC = false)");
	assert_sql(&up, "CREATE COLLATION public.plain (PROVIDER = libc, LOCALE = 'C')");
	assert_sql(&up, "COMMENT ON COLLATION public.nocase IS 'case-insensitive'");
	assert_sql(&down, "DROP COLLATION public.nocase");
	rt_sm_ops_free(&up);
	rt_sm_ops_free(&down);
}

/*
 * A collation a column uses cannot be dropped and made again under it:
 * the diff refuses, naming both, instead of writing a migration that
 * fails.
 */
static void test_object_in_use_refused(void **state)
{
	(void)state;
	char *d1 = db_create("a"), *d2 = db_create("b");
	rt_conn *c1 = db_connect(d1), *c2 = db_connect(d2);
	db_exec(c1, "CREATE COLLATION c1 (locale = 'C'); CREATE TABLE t (x text COLLATE c1)");
	db_exec(c2, "CREATE COLLATION c1 (locale = 'POSIX'); CREATE TABLE t (x text COLLATE c1)");
	sm_schema *a = db_introspect(c1), *b = db_introspect(c2);
	sm_ops ops = { 0 };
	rt_error err = { 0 };
	assert_int_equal(PG->diff(a, b, NULL, &ops, &err), -1);
	assert_contains(err.message, "collation public.c1 must be dropped and made again");
	assert_contains(err.message, "column x of table public.t uses it");
	rt_error_clear(&err);
	rt_sm_free(a);
	rt_sm_free(b);
	PG->disconnect(c1);
	PG->disconnect(c2);
	db_drop(d1);
	db_drop(d2);
}

/* Operators (danbooru's ~<<): after their function; a view using one is made again around a change. */
static void test_operators(void **state)
{
	(void)state;
	change k = {
		"CREATE FUNCTION rev_eq(text, text) RETURNS boolean LANGUAGE sql IMMUTABLE AS $$SELECT reverse($1) = $2$$;"
		"CREATE OPERATOR ~<< (FUNCTION = rev_eq, LEFTARG = text, RIGHTARG = text);"
		"CREATE TABLE w (x text); CREATE VIEW palindromes AS SELECT x FROM w WHERE x OPERATOR(public.~<<) x;",
		"CREATE FUNCTION rev_eq(text, text) RETURNS boolean LANGUAGE sql IMMUTABLE AS $$SELECT reverse($1) = $2$$;"
		"CREATE OPERATOR ~<< (FUNCTION = rev_eq, LEFTARG = text, RIGHTARG = text, COMMUTATOR = ~<<);"
		"CREATE OPERATOR === (FUNCTION = texteq, LEFTARG = text, RIGHTARG = text, COMMUTATOR = ===,"
		" NEGATOR = !==, HASHES, MERGES, RESTRICT = eqsel, JOIN = eqjoinsel);"
		"CREATE OPERATOR !== (FUNCTION = textne, LEFTARG = text, RIGHTARG = text, NEGATOR = ===);"
		"COMMENT ON OPERATOR === (text, text) IS 'equal';"
		"CREATE TABLE w (x text); CREATE VIEW palindromes AS SELECT x FROM w WHERE x OPERATOR(public.~<<) x;",
		"INSERT INTO w VALUES ('abba'), ('abc')",
		"SELECT string_agg(x, ',') FROM palindromes WHERE x OPERATOR(public.===) 'abba'", "abba",
		"SELECT string_agg(x, ',') FROM palindromes", "abba",
	};
	sm_ops up, down;
	run_change(&k, &up, &down);
	assert_op(&up, "drop view public.palindromes", 0);
	assert_sql(&up, "CREATE OPERATOR public.~<< (FUNCTION = public.rev_eq, LEFTARG = text, RIGHTARG = text, "
		   "COMMUTATOR = OPERATOR(public.~<<))");
	assert_sql(&up, "COMMENT ON OPERATOR public.===(text,text) IS 'equal'");
	assert_sql(&down, "DROP OPERATOR public.===(text,text)");
	rt_sm_ops_free(&up);
	rt_sm_ops_free(&down);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_teardown(test_extensions, teardown),
		cmocka_unit_test_teardown(test_extension_requires, teardown),
		cmocka_unit_test_teardown(test_extension_schema_and_comment, teardown),
		cmocka_unit_test_teardown(test_extension_version, teardown),
		cmocka_unit_test_teardown(test_extension_not_relocatable, teardown),
		cmocka_unit_test_teardown(test_domains, teardown),
		cmocka_unit_test_teardown(test_domain_order, teardown),
		cmocka_unit_test_teardown(test_domain_retyped_refused, teardown),
		cmocka_unit_test_teardown(test_aggregates, teardown),
		cmocka_unit_test_teardown(test_collations, teardown),
		cmocka_unit_test_teardown(test_object_in_use_refused, teardown),
		cmocka_unit_test_teardown(test_operators, teardown),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
