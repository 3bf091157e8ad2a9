/*
 * test_split.c - the SQLite statement splitter: semicolons inside strings,
 * identifiers, comments and trigger bodies never split a statement, and
 * each statement knows the line and column where it starts.
 */
#include "unit.h"
#include "dialect/sqlite/sqlite_internal.h"

/* Split sql (first line numbered first_line); the test fails on error. */
static rt_stmtlist split(const char *sql, int first_line)
{
	rt_stmtlist l = { 0 };
	rt_error err = { 0 };
	if (rt_sqlite_split(sql, strlen(sql), first_line, "m/x.sql", &l, &err) < 0)
		fail_msg("split failed: %s", err.message);
	return l;
}

/* Statement i's text must be want, starting at line:column. */
static void assert_stmt(const rt_stmtlist *l, size_t i, const char *want,
			int line, int column)
{
	if (i >= l->n)
		fail_msg("statement %zu of %zu", i + 1, l->n);
	const rt_stmt *s = &l->v[i];
	if (s->len != strlen(want) || memcmp(s->sql, want, s->len))
		fail_msg("statement %zu is \"%.*s\", want \"%s\"", i + 1,
			 (int)s->len, s->sql, want);
	assert_int_equal(s->line, line);
	assert_int_equal(s->column, column);
}

static void test_simple(void **state)
{
	(void)state;
	rt_stmtlist l = split("CREATE TABLE a (x);\nCREATE TABLE b (y);\n", 1);
	assert_int_equal(l.n, 2);
	assert_stmt(&l, 0, "CREATE TABLE a (x);", 1, 1);
	assert_stmt(&l, 1, "CREATE TABLE b (y);", 2, 1);
	assert_int_equal(l.v[1].text_line, 2);
	assert_int_equal(l.v[1].text_column, 1);
	rt_stmtlist_free(&l);

	/* Positions count from the section's first line; indentation counts. */
	l = split("\n\n   SELECT 1; SELECT 2;\n\tSELECT 3;", 10);
	assert_int_equal(l.n, 3);
	assert_stmt(&l, 0, "SELECT 1;", 12, 4);
	assert_stmt(&l, 1, "SELECT 2;", 12, 14);
	assert_stmt(&l, 2, "SELECT 3;", 13, 2);
	rt_stmtlist_free(&l);
}

static void test_semicolons_in_strings_and_identifiers(void **state)
{
	(void)state;
	rt_stmtlist l = split("INSERT INTO t VALUES ('a;b');\n"
			      "INSERT INTO t VALUES ('it''s; fine');\n"
			      "CREATE TABLE \"we;ird\" ([br;acket] INT, `back;tick` INT);\n"
			      "INSERT INTO t VALUES ('multi\nline;\nstring');\n"
			      "SELECT 4;\n", 1);
	assert_int_equal(l.n, 5);
	assert_stmt(&l, 0, "INSERT INTO t VALUES ('a;b');", 1, 1);
	assert_stmt(&l, 1, "INSERT INTO t VALUES ('it''s; fine');", 2, 1);
	assert_stmt(&l, 2, "CREATE TABLE \"we;ird\" ([br;acket] INT, `back;tick` INT);", 3, 1);
	assert_stmt(&l, 3, "INSERT INTO t VALUES ('multi\nline;\nstring');", 4, 1);
	assert_stmt(&l, 4, "SELECT 4;", 7, 1);
	rt_stmtlist_free(&l);
}

static void test_comments(void **state)
{
	(void)state;
	rt_stmtlist l = split("-- a; b\nSELECT 1; /* c; d */ SELECT 2;\n", 1);
	assert_int_equal(l.n, 2);
	/* The text starts at the comment; the position is the first token's. */
	assert_stmt(&l, 0, "-- a; b\nSELECT 1;", 2, 1);
	assert_int_equal(l.v[0].text_line, 1);
	assert_int_equal(l.v[0].text_column, 1);
	assert_stmt(&l, 1, "/* c; d */ SELECT 2;", 2, 22);
	assert_int_equal(l.v[1].text_line, 2);
	assert_int_equal(l.v[1].text_column, 11);
	rt_stmtlist_free(&l);
}

static void test_trigger(void **state)
{
	(void)state;
	const char *trigger = "CREATE TRIGGER tr AFTER INSERT ON t BEGIN\n"
			      "  UPDATE t SET x = 1;\n"
			      "  DELETE FROM t WHERE x = ';';\n"
			      "END;";
	char sql[512];
	snprintf(sql, sizeof(sql), "CREATE TABLE t (x);\n%s\nSELECT 1;\n", trigger);
	rt_stmtlist l = split(sql, 5);
	assert_int_equal(l.n, 3);
	assert_stmt(&l, 0, "CREATE TABLE t (x);", 5, 1);
	assert_stmt(&l, 1, trigger, 6, 1);
	assert_stmt(&l, 2, "SELECT 1;", 10, 1);
	rt_stmtlist_free(&l);

	/* A temporary trigger with a CASE ... END inside. */
	l = split("CREATE TEMP TRIGGER t2 BEFORE DELETE ON t BEGIN "
		  "SELECT CASE WHEN old.x = 1 THEN RAISE(ABORT, 'no;') END; END; SELECT 2;", 1);
	assert_int_equal(l.n, 2);
	assert_stmt(&l, 1, "SELECT 2;", 1, 111);
	rt_stmtlist_free(&l);
}

static void test_tails(void **state)
{
	(void)state;
	/* A last statement without ';' is still a statement. */
	rt_stmtlist l = split("SELECT 1;\n  SELECT 2\n", 1);
	assert_int_equal(l.n, 2);
	assert_stmt(&l, 1, "SELECT 2\n", 2, 3);
	rt_stmtlist_free(&l);

	/* A tail of only comments and blanks is no statement. */
	l = split("SELECT 1;\n-- done; really\n/* end; */\n\n", 1);
	assert_int_equal(l.n, 1);
	rt_stmtlist_free(&l);

	/* Nothing at all. */
	l = split("", 1);
	assert_int_equal(l.n, 0);
	rt_stmtlist_free(&l);
	l = split("  \n-- only a comment\n", 1);
	assert_int_equal(l.n, 0);
	rt_stmtlist_free(&l);
}

static void test_empty_statements(void **state)
{
	(void)state;
	/* Stray semicolons make no statements to execute. */
	rt_stmtlist l = split("SELECT 1;;\n ; -- x\n;SELECT 2;", 1);
	assert_int_equal(l.n, 2);
	assert_stmt(&l, 0, "SELECT 1;", 1, 1);
	assert_stmt(&l, 1, "SELECT 2;", 3, 2);
	rt_stmtlist_free(&l);
	l = split(";", 1);
	assert_int_equal(l.n, 0);
	rt_stmtlist_free(&l);
}

static void test_crlf(void **state)
{
	(void)state;
	rt_stmtlist l = split("SELECT 1;\r\nSELECT 'a;\r\nb';\r\n  SELECT 3;\r\n", 1);
	assert_int_equal(l.n, 3);
	assert_stmt(&l, 0, "SELECT 1;", 1, 1);
	assert_stmt(&l, 1, "SELECT 'a;\r\nb';", 2, 1);
	assert_stmt(&l, 2, "SELECT 3;", 4, 3);
	rt_stmtlist_free(&l);
}

static void test_position_inside_statement(void **state)
{
	(void)state;
	rt_stmtlist l = split("SELECT 1;\n  -- note\n  INSERT INTO t\n  VALUES (1);", 3);
	assert_int_equal(l.n, 2);
	assert_stmt(&l, 1, "-- note\n  INSERT INTO t\n  VALUES (1);", 5, 3);
	/* Byte 25 of the statement ("VALUES") is on line 6, column 3. */
	int line, col;
	const rt_stmt *s = &l.v[1];
	size_t off = (size_t)(strstr(s->sql, "VALUES") - s->sql);
	rt_stmt_position(s, off, &line, &col);
	assert_int_equal(line, 6);
	assert_int_equal(col, 3);
	rt_stmt_position(s, 0, &line, &col);
	assert_int_equal(line, 4);
	assert_int_equal(col, 3);
	rt_stmtlist_free(&l);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_simple),
		cmocka_unit_test(test_semicolons_in_strings_and_identifiers),
		cmocka_unit_test(test_comments),
		cmocka_unit_test(test_trigger),
		cmocka_unit_test(test_tails),
		cmocka_unit_test(test_empty_statements),
		cmocka_unit_test(test_crlf),
		cmocka_unit_test(test_position_inside_statement),
	};
	return cmocka_run_group_tests_name("split", tests, NULL, NULL);
}
