/*
 * test_checksum.c - revision checksums: sha256-sql leaves out only what
 * cannot change what the SQL does (comments found by the dialect's lexer,
 * white space outside quoted text, line endings), so "-- retort:lint-ignore"
 * inside a string literal is data; sums recorded by the older sha256
 * algorithm are still computed by it.
 */
#include "unit.h"
#include "internal.h"
#include "checksum.h"
#include "dialect/dialect.h"

/* The lexical rules of the dialect named. */
static const rt_lexrules *lex_of(const char *dialect)
{
	rt_error e = { 0 };
	const rt_dialect *d = rt_dialect_by_name(dialect, &e);
	assert_non_null(d);
	return d->lex;
}

#define HEAD "-- Revision ID: a\n-- migrate:upgrade\n"

/* The sha256-sql sum of an upgrade section (caller frees). */
static char *sum_of(const char *upgrade, const char *dialect)
{
	char *text = rt_xasprintf(HEAD "%s\n-- migrate:downgrade\nDROP TABLE t;\n", upgrade);
	rt_revision *r = unit_parse("x.sql", text);
	free(text);
	char *sum = rt_checksum(r, lex_of(dialect));
	rt_revision_free(r);
	return sum;
}

static void assert_same(const char *a, const char *b, const char *dialect)
{
	char *x = sum_of(a, dialect), *y = sum_of(b, dialect);
	if (strcmp(x, y))
		fail_msg("[%s] should have the same checksum:\n%s\n---\n%s", dialect, a, b);
	free(x);
	free(y);
}

static void assert_differ(const char *a, const char *b, const char *dialect)
{
	char *x = sum_of(a, dialect), *y = sum_of(b, dialect);
	if (!strcmp(x, y))
		fail_msg("[%s] should have different checksums:\n%s\n---\n%s", dialect, a, b);
	free(x);
	free(y);
}

static const char *const both[] = { "postgresql", "sqlite" };

/* What cannot change behaviour keeps the sum. */
static void test_comments_and_blanks_are_left_out(void **state)
{
	(void)state;
	const char *base = "CREATE TABLE t (id INTEGER, v TEXT DEFAULT 'x');\nINSERT INTO t VALUES (1, 'a');\n";
	const char *same[] = {
		"-- Copyright 2026 Example Ltd.\n-- SPDX-License-Identifier: MIT\n\nCREATE TABLE t (id INTEGER, v TEXT DEFAULT 'x');\nINSERT INTO t VALUES (1, 'a');\n",
		"/* A license\n   header */\nCREATE TABLE t (id INTEGER, v TEXT DEFAULT 'x');\nINSERT INTO t VALUES (1, 'a');\n",
		"CREATE TABLE t (id INTEGER, v TEXT DEFAULT 'x'); -- reworded note\nINSERT INTO t VALUES (1, 'a');   \n\n\n",
		"-- retort:lint-ignore require-primary-key\nCREATE TABLE t (id INTEGER, v TEXT DEFAULT 'x');\nINSERT INTO t VALUES (1, 'a');\n",
		"CREATE TABLE t (\n    id INTEGER,\n    v TEXT DEFAULT 'x'\n);\r\nINSERT INTO t VALUES (1, 'a');\r\n",
		"CREATE TABLE t (id INTEGER, /* the value */ v TEXT DEFAULT 'x');\nINSERT INTO t VALUES (1, 'a');",
		"\tCREATE TABLE t (id INTEGER, v TEXT DEFAULT 'x');\r\rINSERT INTO t VALUES (1, 'a');\n",
	};
	for (int d = 0; d < 2; d++)
		for (size_t i = 0; i < sizeof(same) / sizeof(*same); i++)
			assert_same(base, same[i], both[d]);
	/* The sum is of the folded text, under its algorithm's name. */
	char *sum = sum_of("  SELECT   1;  -- x\n", "sqlite");
	assert_string_equal(sum, "sha256-sql:17db4fd369edb9244b9f91d9aeed145c3d04ad8ba6e95d06247f07a63527d11a");
	free(sum);
}

/* Anything that changes what runs changes the sum, quoted text above all. */
static void test_quoted_text_counts(void **state)
{
	(void)state;
	for (int d = 0; d < 2; d++) {
		const char *dl = both[d];
		/* The case: a lint-ignore line inside a string literal is data. */
		assert_differ("INSERT INTO t VALUES ('a\n-- retort:lint-ignore b\n');\n",
			      "INSERT INTO t VALUES ('a\n-- retort:lint-ignore c\n');\n", dl);
		assert_differ("INSERT INTO t VALUES ('a  b');\n", "INSERT INTO t VALUES ('a b');\n", dl);
		assert_differ("INSERT INTO t VALUES ('a\n\nb');\n", "INSERT INTO t VALUES ('a\nb');\n", dl);
		assert_differ("INSERT INTO t VALUES ('a ');\n", "INSERT INTO t VALUES ('a');\n", dl);
		assert_differ("CREATE TABLE \"a  b\" (id INTEGER);\n", "CREATE TABLE \"a b\" (id INTEGER);\n", dl);
		assert_differ("CREATE TABLE t (id INTEGER);\n", "CREATE TABLE u (id INTEGER);\n", dl);
		assert_differ("SELECT 1 - -1;\n", "SELECT 1 - 1;\n", dl);
		assert_differ("SELECT 1;\n", "SELECT 1; SELECT 2;\n", dl);
		/* White space that splits a number from a '.' is code. */
		assert_differ("SELECT 1.5;\n", "SELECT 1 .5;\n", dl);
		assert_differ("SELECT 1.5;\n", "SELECT 1. 5;\n", dl);
		assert_same("SELECT t.c FROM t;\n", "SELECT t . c FROM t;\n", dl);
		/* Two literals on two lines are one string on PostgreSQL. */
		assert_differ("SELECT 'a'\n'b';\n", "SELECT 'a' 'b';\n", dl);
		assert_differ("SELECT 'a' -- x\n'b';\n", "SELECT 'a' /* x */ 'b';\n", dl);
		assert_same("SELECT 'a'\n  'b';\n", "SELECT 'a'   \r\n\n'b';\n", dl);
	}
	/* A function body is kept whole, comments and all. */
	assert_differ("CREATE FUNCTION f() RETURNS int AS $$ SELECT 1 -- one\n $$ LANGUAGE sql;\n",
		      "CREATE FUNCTION f() RETURNS int AS $$ SELECT 1 -- uno\n $$ LANGUAGE sql;\n", "postgresql");
	/* Each dialect's comments: PostgreSQL's nest, SQLite's end at the first star-slash. */
	assert_same("/* a /* b */ x */ SELECT 1;\n", "/* a /* b */ y */ SELECT 1;\n", "postgresql");
	assert_differ("/* a /* b */ x */ SELECT 1;\n", "/* a /* b */ y */ SELECT 1;\n", "sqlite");
	/* An E'' string with a backslash-escaped quote, then a real comment. */
	assert_same("SELECT E'it\\'s'; -- a\n", "SELECT E'it\\'s'; -- b\n", "postgresql");
}

/* A recorded sum is recomputed by the algorithm it names. */
static void test_by_recorded_algorithm(void **state)
{
	(void)state;
	rt_revision *r = unit_parse("x.sql", HEAD "-- note\nCREATE TABLE t (id INTEGER);\n\n-- migrate:downgrade\n");
	char *v1 = rt_revision_checksum(r), *v2 = rt_checksum(r, lex_of("sqlite"));
	assert_true(!strncmp(v1, "sha256:", 7) && !strncmp(v2, "sha256-sql:", 11));
	char *again = rt_checksum_as(r, lex_of("sqlite"), v1);
	assert_string_equal(again, v1);
	free(again);
	again = rt_checksum_as(r, lex_of("sqlite"), v2);
	assert_string_equal(again, v2);
	free(again);
	assert_null(rt_checksum_as(r, lex_of("sqlite"), "md5:0123"));
	assert_null(rt_checksum_as(r, lex_of("sqlite"), "sha256"));
	assert_null(rt_checksum_as(r, lex_of("sqlite"), "sha256-sql2:00"));
	free(v1);
	free(v2);
	rt_revision_free(r);
}

/*
 * Steps: a file of one section keeps its sum; splitting it into steps,
 * or changing a step's options, changes it (what runs changes); a step's
 * own sum covers its options.
 */
static void test_steps(void **state)
{
	(void)state;
	const char *one = "CREATE TABLE t (id INT);\nCREATE INDEX i ON t (id);\n";
	const char *two = "CREATE TABLE t (id INT);\n-- migrate:upgrade\nCREATE INDEX i ON t (id);\n";
	const char *nontx = "CREATE TABLE t (id INT);\n-- migrate:upgrade transaction:false\nCREATE INDEX i ON t (id);\n";
	const char *nontx2 = "CREATE TABLE t (id INT);\n--   migrate:upgrade   transaction:false  \n\nCREATE INDEX i ON t (id);\n";
	for (size_t i = 0; i < 2; i++) {
		assert_differ(one, two, both[i]);
		assert_differ(two, nontx, both[i]);
		assert_same(nontx, nontx2, both[i]);
	}
	char *text = rt_xasprintf(HEAD "%s", nontx);
	rt_revision *r = unit_parse("x.sql", text);
	free(text);
	char *a = rt_checksum_section(r, RT_SECTION_UPGRADE, 0, lex_of("sqlite"));
	char *b = rt_checksum_section(r, RT_SECTION_UPGRADE, 1, lex_of("sqlite"));
	assert_string_not_equal(a, b);
	assert_true(!strncmp(a, "sha256-sql:", 11));
	free(a);
	free(b);
	rt_revision_free(r);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_comments_and_blanks_are_left_out),
		cmocka_unit_test(test_quoted_text_counts),
		cmocka_unit_test(test_by_recorded_algorithm),
		cmocka_unit_test(test_steps),
	};
	return cmocka_run_group_tests_name("checksum", tests, NULL, NULL);
}
