/*
 * test_placeholder.c - ${name} substitution in migration SQL: replaced in
 * code, never inside string literals, quoted identifiers, comments or
 * dollar-quoted bodies, by PostgreSQL's lexical rules and by SQLite's;
 * undefined and malformed placeholders are errors naming file and line.
 */
#include "unit.h"
#include "internal.h"
#include "placeholder.h"
#include "dialect/dialect.h"
#include "util/strbuf.h"

static int setup(void **state)
{
	rt_config *cfg = rt_config_new("/tmp");
	rt_config_set_placeholder(cfg, "schema", "app");
	rt_config_set_placeholder(cfg, "owner", "admin");
	rt_config_set_placeholder(cfg, "n", "42");
	rt_config_set_placeholder(cfg, "app.name", "shop");
	rt_config_set_placeholder(cfg, "a-b", "dash");
	rt_config_set_placeholder(cfg, "empty", "");
	*state = cfg;
	return 0;
}

static int teardown(void **state)
{
	rt_config_free(*state);
	return 0;
}

/*
 * Apply placeholders to sql by the lexical rules of PostgreSQL (pg) or
 * SQLite; the result (caller frees), failing the test on error.
 */
static char *apply_as(const rt_config *cfg, const char *sql, int pg)
{
	strbuf out = STRBUF_INIT;
	rt_error err = { 0 };
	if (rt_placeholders_apply(cfg, sql, strlen(sql), pg ? rt_dialect_postgres.lex : rt_dialect_sqlite.lex,
				  "m/x.sql", 1, &out, &err) < 0)
		fail_msg("'%s': %s", sql, err.message);
	return rt_strbuf_detach(&out);
}

/* The same by PostgreSQL's rules (the cases both dialects agree on use it too). */
static char *apply(const rt_config *cfg, const char *sql)
{
	return apply_as(cfg, sql, 1);
}

/* Apply placeholders to sql, which must fail; the error (caller clears it). */
static rt_error apply_err(const rt_config *cfg, const char *sql, int first_line)
{
	strbuf out = STRBUF_INIT;
	rt_error err = { 0 };
	if (rt_placeholders_apply(cfg, sql, strlen(sql), rt_dialect_postgres.lex, "m/x.sql", first_line, &out, &err) == 0)
		fail_msg("'%s' gave '%s', but should fail", sql, rt_strbuf_str(&out));
	rt_strbuf_release(&out);
	assert_int_equal(err.code, RT_ESCRIPT);
	assert_string_equal(err.file, "m/x.sql");
	return err;
}

static void test_replaced_in_code(void **state)
{
	const rt_config *cfg = *state;
	assert_str_free(apply(cfg, "CREATE SCHEMA ${schema};"), "CREATE SCHEMA app;");
	assert_str_free(apply(cfg, "ALTER TABLE ${schema}.t OWNER TO ${owner};\nSELECT ${n}+${n};"),
			"ALTER TABLE app.t OWNER TO admin;\nSELECT 42+42;");
	assert_str_free(apply(cfg, "${schema}${n}"), "app42");
	assert_str_free(apply(cfg, "SELECT '${app.name}' || ${app.name}, ${a-b}, x${empty}y"),
			"SELECT '${app.name}' || shop, dash, xy");
	assert_str_free(apply(cfg, "no placeholders at all"), "no placeholders at all");
	assert_str_free(apply(cfg, ""), "");
	/* A '$' that starts no placeholder is left alone. */
	assert_str_free(apply(cfg, "SELECT $1, $x, ${n} $"), "SELECT $1, $x, 42 $");
}

static void test_not_in_strings_or_identifiers(void **state)
{
	const rt_config *cfg = *state;
	assert_str_free(apply(cfg, "SELECT '${schema}', ${schema};"), "SELECT '${schema}', app;");
	assert_str_free(apply(cfg, "SELECT 'it''s ${n}', ${n};"), "SELECT 'it''s ${n}', 42;");
	/* A backslash ends nothing in a standard string ... */
	assert_str_free(apply(cfg, "SELECT 'C:\\', ${n};"), "SELECT 'C:\\', 42;");
	/* ... but escapes the quote in an E'' string. */
	assert_str_free(apply(cfg, "SELECT E'it\\'s ${n}', ${n};"), "SELECT E'it\\'s ${n}', 42;");
	assert_str_free(apply(cfg, "SELECT e'\\' ${n}' , ${n}"), "SELECT e'\\' ${n}' , 42");
	assert_str_free(apply(cfg, "SELECT \"${schema}\" FROM ${schema}.t;"),
			"SELECT \"${schema}\" FROM app.t;");
	assert_str_free(apply(cfg, "SELECT \"a\"\"${n}\" , ${n}"),
			"SELECT \"a\"\"${n}\" , 42");
	/* An unterminated string protects the rest. */
	assert_str_free(apply(cfg, "${n} 'open ${n}"), "42 'open ${n}");
}

static void test_not_in_comments(void **state)
{
	const rt_config *cfg = *state;
	assert_str_free(apply(cfg, "-- uses ${schema}\nSELECT ${n}; -- ${n}"),
			"-- uses ${schema}\nSELECT 42; -- ${n}");
	assert_str_free(apply(cfg, "/* ${schema} */ SELECT ${n};"), "/* ${schema} */ SELECT 42;");
	/* Block comments nest (PostgreSQL). */
	assert_str_free(apply(cfg, "/* a /* ${schema} */ ${schema} */ SELECT ${n};"),
			"/* a /* ${schema} */ ${schema} */ SELECT 42;");
	assert_str_free(apply(cfg, "SELECT 5-${n}"), "SELECT 5-42");
}

static void test_not_in_dollar_bodies(void **state)
{
	const rt_config *cfg = *state;
	assert_str_free(apply(cfg, "CREATE FUNCTION f() RETURNS int AS $$ SELECT ${n} $$ LANGUAGE sql; SELECT ${n};"),
			"CREATE FUNCTION f() RETURNS int AS $$ SELECT ${n} $$ LANGUAGE sql; SELECT 42;");
	assert_str_free(apply(cfg, "AS $fn$ a $$ ${n} $$ b 'x $fn$ ${n}"),
			"AS $fn$ a $$ ${n} $$ b 'x $fn$ 42");
	assert_str_free(apply(cfg, "AS $body_1$ ${n} $body_1$; ${schema}"),
			"AS $body_1$ ${n} $body_1$; app");
	/* A dollar inside an identifier starts no body. */
	assert_str_free(apply(cfg, "SELECT a$b$, ${n}"), "SELECT a$b$, 42");
}

/*
 * SQLite reads text its own way: block comments end at the first star-slash,
 * a backslash escapes nothing (E'' is an identifier and a string), $tag$
 * starts no body, and [...] quotes an identifier.  Where the two readings
 * differ, each dialect gets the substitution its parser will see.
 */
static void test_sqlite_rules(void **state)
{
	const rt_config *cfg = *state;
	const char *nested = "/* a /* b */ ${n} */";
	assert_str_free(apply_as(cfg, nested, 0), "/* a /* b */ 42 */");
	assert_str_free(apply_as(cfg, nested, 1), nested);
	const char *esc = "SELECT E'\\' , ${n} '";
	assert_str_free(apply_as(cfg, esc, 0), "SELECT E'\\' , 42 '");
	assert_str_free(apply_as(cfg, esc, 1), esc);
	const char *dollar = "SELECT $a$ ${n} $a$";
	assert_str_free(apply_as(cfg, dollar, 0), "SELECT $a$ 42 $a$");
	assert_str_free(apply_as(cfg, dollar, 1), dollar);
	const char *bracket = "SELECT [${n}], ${n}";
	assert_str_free(apply_as(cfg, bracket, 0), "SELECT [${n}], 42");
	assert_str_free(apply_as(cfg, bracket, 1), "SELECT [42], 42");
	/* Backticks quote a name in SQLite; in PostgreSQL they are operator characters. */
	const char *tick = "SELECT `${n}`";
	assert_str_free(apply_as(cfg, tick, 0), tick);
	assert_str_free(apply_as(cfg, tick, 1), "SELECT `42`");
	/* What both read alike. */
	assert_str_free(apply_as(cfg, "SELECT '${n}', \"${n}\", `${n}`, ${n} -- ${n}", 0),
			"SELECT '${n}', \"${n}\", `${n}`, 42 -- ${n}");
	assert_str_free(apply_as(cfg, "/* ${n} */ ${n} /* open ${n}", 0), "/* ${n} */ 42 /* open ${n}");
	assert_str_free(apply_as(cfg, "[open ${n}", 0), "[open ${n}");
}

/*
 * PostgreSQL identifiers (and so dollar-quote tags) may hold bytes 0x80
 * and up, and only an E or e that is not the end of a longer identifier
 * starts an E'' string.
 */
static void test_pg_identifier_characters(void **state)
{
	const rt_config *cfg = *state;
	const char *tag = "AS $\xc3\xa9t\xc3\xa9$ ${n} $\xc3\xa9t\xc3\xa9$; ${n}";
	assert_str_free(apply(cfg, tag), "AS $\xc3\xa9t\xc3\xa9$ ${n} $\xc3\xa9t\xc3\xa9$; 42");
	/* x_e'\' is the identifier x_e and a plain string ending at the second quote. */
	assert_str_free(apply(cfg, "SELECT x_e'\\' ${n} ''"), "SELECT x_e'\\' 42 ''");
	assert_str_free(apply(cfg, "SELECT \xc3\xa9" "e'\\' ${n} ''"), "SELECT \xc3\xa9" "e'\\' 42 ''");
	assert_str_free(apply(cfg, "SELECT (e'\\' ${n} ')"), "SELECT (e'\\' ${n} ')");
	/* A $ after an identifier character starts no body. */
	assert_str_free(apply(cfg, "SELECT \xc3\xa9$a$ ${n}"), "SELECT \xc3\xa9$a$ 42");
}

/* Many placeholders in a large text: one pass (when each one counted lines from the start, this took ~30 s). */
static void test_large_text(void **state)
{
	const rt_config *cfg = *state;
	strbuf in = STRBUF_INIT, want = STRBUF_INIT;
	for (int i = 0; i < 50000; i++) {
		rt_strbuf_adds(&in, "INSERT INTO t VALUES (${n});\n");
		rt_strbuf_adds(&want, "INSERT INTO t VALUES (42);\n");
	}
	char *got = apply(cfg, rt_strbuf_str(&in));
	assert_string_equal(got, rt_strbuf_str(&want));
	free(got);
	rt_strbuf_release(&in);
	rt_strbuf_release(&want);
	rt_error err = apply_err(cfg, "SELECT 1;\nSELECT 2;\n${nope}", 10);
	assert_int_equal(err.line, 12);
	rt_error_clear(&err);
}

static void test_undefined(void **state)
{
	const rt_config *cfg = *state;
	rt_error err = apply_err(cfg, "SELECT 1;\n\nSELECT ${nope};", 7);
	assert_int_equal(err.line, 9);
	assert_string_equal(err.message, "placeholder ${nope} is not defined");
	assert_int_equal(err.fix, RT_FIX_SET_PLACEHOLDER);
	assert_string_equal(err.fix_arg, "nope");
	assert_contains(err.hint, "[placeholders]");
	rt_error_clear(&err);
	/* Names are case-sensitive. */
	err = apply_err(cfg, "SELECT ${N};", 1);
	assert_int_equal(err.line, 1);
	rt_error_clear(&err);
}

static void test_malformed(void **state)
{
	const rt_config *cfg = *state;
	const char *bad[] = { "SELECT ${", "SELECT ${}", "SELECT ${1x}",
			      "SELECT ${na me}", "SELECT ${name", "SELECT ${.x}" };
	for (size_t i = 0; i < sizeof(bad) / sizeof(*bad); i++) {
		rt_error err = apply_err(cfg, bad[i], 4);
		assert_int_equal(err.line, 4);
		assert_string_equal(err.message,
				    "malformed placeholder: '${' must be followed by a name and '}'");
		rt_error_clear(&err);
	}
	rt_error err = apply_err(cfg, "SELECT 1;\r\nSELECT ${n\r\n", 1);
	assert_int_equal(err.line, 2);
	rt_error_clear(&err);
}

/*
 * Masking (lint without -x values): each placeholder substitution would
 * replace becomes a same-length identifier; strings, comments, bodies and
 * malformed ones are left alone.
 */
static void test_mask(void **state)
{
	(void)state;
	const char *sql = "CREATE TABLE ${schema}.t (v text DEFAULT '${x}'); -- ${y}\n"
			  "AS $$ ${z} $$; ALTER TABLE ${app.name-1} OWNER TO ${;";
	strbuf out = STRBUF_INIT;
	rt_placeholders_mask(sql, strlen(sql), rt_dialect_postgres.lex, &out);
	assert_string_equal(rt_strbuf_str(&out),
			    "CREATE TABLE __schema_.t (v text DEFAULT '${x}'); -- ${y}\n"
			    "AS $$ ${z} $$; ALTER TABLE __app_name_1_ OWNER TO ${;");
	assert_int_equal(out.len, strlen(sql));
	rt_strbuf_reset(&out);
	rt_placeholders_mask("[${a}] $$ ${b} $$", 17, rt_dialect_sqlite.lex, &out);
	assert_string_equal(rt_strbuf_str(&out), "[${a}] $$ __b_ $$");
	rt_strbuf_release(&out);
}

/*
 * ${name:literal} quotes the value as a string literal the database reads
 * back as exactly that text, ${name:ident} as a quoted identifier: no
 * value can end the quotes around it.  PostgreSQL gets E'' with doubled
 * backslashes when the value holds one, which reads the same whatever
 * standard_conforming_strings says.
 */
static void test_quoting_forms(void **state)
{
	rt_config *cfg = *state;
	rt_config_set_placeholder(cfg, "evil", "1'); DROP TABLE keep; --");
	rt_config_set_placeholder(cfg, "bs", "a\\'b");
	rt_config_set_placeholder(cfg, "name", "we\"ird");
	assert_str_free(apply(cfg, "VALUES (${evil:literal})"), "VALUES ('1''); DROP TABLE keep; --')");
	assert_str_free(apply_as(cfg, "VALUES (${evil:literal})", 0), "VALUES ('1''); DROP TABLE keep; --')");
	assert_str_free(apply(cfg, "VALUES (${bs:literal})"), "VALUES (E'a\\\\''b')");
	assert_str_free(apply_as(cfg, "VALUES (${bs:literal})", 0), "VALUES ('a\\''b')");
	assert_str_free(apply(cfg, "CREATE TABLE ${name:ident}.${schema:ident} (${empty:literal})"),
			"CREATE TABLE \"we\"\"ird\".\"app\" ('')");
	assert_str_free(apply(cfg, "SELECT ${app.name:literal}, ${a-b:ident}, ${n}"),
			"SELECT 'shop', \"dash\", 42");
	/* Not replaced where plain ${name} is not. */
	assert_str_free(apply(cfg, "SELECT '${n:literal}' -- ${n:ident}"), "SELECT '${n:literal}' -- ${n:ident}");
	/* Unknown or malformed forms. */
	rt_error err = apply_err(cfg, "SELECT 1;\nSELECT ${n:lit};", 3);
	assert_int_equal(err.line, 4);
	assert_string_equal(err.message, "unknown placeholder form '${n:lit}'");
	assert_contains(err.hint, "${n:literal}");
	rt_error_clear(&err);
	const char *bad[] = { "${n:}", "${n:literal", "${n:literal }", "${n:ident:x}", "${n:1}" };
	for (size_t i = 0; i < sizeof(bad) / sizeof(*bad); i++) {
		err = apply_err(cfg, bad[i], 1);
		assert_int_equal(err.line, 1);
		rt_error_clear(&err);
	}
	err = apply_err(cfg, "${nope:literal}", 1);
	assert_string_equal(err.message, "placeholder ${nope} is not defined");
	rt_error_clear(&err);
}

/* The warnings for placeholders in protected regions: only names with values. */
static void test_warnings(void **state)
{
	const rt_config *cfg = *state;
	const char *sql = "SELECT '${n}', ${n}; -- ${schema:ident} ${nope}\n"
			  "/* ${owner} */ SELECT \"${n}\", $$ ${n:literal} $$, '${n', '${n:bad}';";
	rt_strlist w = { 0 };
	rt_placeholders_warnings(cfg, sql, strlen(sql), rt_dialect_postgres.lex, "m/x.sql", 5, &w);
	assert_int_equal(w.n, 5);
	assert_string_equal(w.v[0], "m/x.sql:5: ${n} is inside a string literal, so it is not replaced (only placeholders in SQL code are)");
	assert_contains(w.v[1], "m/x.sql:5: ${schema:ident} is inside a comment");
	assert_contains(w.v[2], "m/x.sql:6: ${owner} is inside a comment");
	assert_contains(w.v[3], "m/x.sql:6: ${n} is inside a quoted identifier");
	assert_contains(w.v[4], "m/x.sql:6: ${n:literal} is inside a dollar-quoted body");
	rt_strlist_free(&w);
	/* SQLite: no dollar bodies, [..] names. */
	rt_placeholders_warnings(cfg, "SELECT $$ ${n} $$, [${n}]", 25, rt_dialect_sqlite.lex, "f", 1, &w);
	assert_int_equal(w.n, 1);
	assert_contains(w.v[0], "f:1: ${n} is inside a quoted identifier");
	rt_strlist_free(&w);
}

/* Masking reads the forms too: a literal becomes a same-length literal. */
static void test_mask_forms(void **state)
{
	(void)state;
	const char *sql = "INSERT INTO ${t:ident} VALUES (${v:literal}, ${v:bad}, ${w})";
	strbuf out = STRBUF_INIT;
	rt_placeholders_mask(sql, strlen(sql), rt_dialect_postgres.lex, &out);
	assert_string_equal(rt_strbuf_str(&out),
			    "INSERT INTO __t_ident_ VALUES ('__________', ${v:bad}, __w_)");
	assert_int_equal(out.len, strlen(sql));
	rt_strbuf_release(&out);
}

static void test_appends(void **state)
{
	const rt_config *cfg = *state;
	strbuf out = STRBUF_INIT;
	rt_strbuf_adds(&out, "before;");
	rt_error err = { 0 };
	const char *sql = "SELECT ${n}; trailing";
	assert_int_equal(rt_placeholders_apply(cfg, sql, 11, rt_dialect_postgres.lex, "x", 1, &out, &err), 0);
	assert_string_equal(rt_strbuf_str(&out), "before;SELECT 42");
	rt_strbuf_release(&out);
}

int main(void)
{
#define T(name) cmocka_unit_test_setup_teardown(name, setup, teardown)
	const struct CMUnitTest tests[] = {
		T(test_replaced_in_code),
		T(test_not_in_strings_or_identifiers),
		T(test_not_in_comments),
		T(test_not_in_dollar_bodies),
		T(test_sqlite_rules),
		T(test_pg_identifier_characters),
		T(test_large_text),
		T(test_undefined),
		T(test_malformed),
		T(test_mask),
		T(test_appends),
		T(test_quoting_forms),
		T(test_warnings),
		T(test_mask_forms),
	};
	return cmocka_run_group_tests_name("placeholder", tests, NULL, NULL);
}
