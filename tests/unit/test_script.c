/*
 * test_script.c - the migration file parser (header keys, section
 * markers and their options, every malformed-file error with its file and
 * line), revision id rules, slugs for file names, and checksums.
 */
#include "unit.h"

#include <dirent.h>
#include <time.h>
#include <unistd.h>

#define GOOD                                                                 \
	"-- Revision ID: 3f2a1b9c0d4e\n"                                     \
	"-- Revises: 1a2b3c4d5e6f, 0a0b0c0d0e0f\n"                           \
	"-- Create Date: 2026-11-22 14:30:00.000000+00:00\n"                 \
	"-- Message: add bio: to users\n"                                    \
	"-- Branch Labels: accounts, users\n"                                \
	"-- Depends On: shared, 9f8e\n"                                      \
	"\n"                                                                 \
	"-- migrate:upgrade\n"                                               \
	"ALTER TABLE users ADD COLUMN bio VARCHAR(500);\n"                   \
	"\n"                                                                 \
	"-- migrate:downgrade\n"                                             \
	"ALTER TABLE users DROP COLUMN bio;\n"

/* Parse text that must fail; check file and line; return the error. */
static rt_error parse_error(const char *text, int line)
{
	rt_error err = { 0 };
	rt_revision *r = unit_parse_try("m/x.sql", text, &err);
	if (r) {
		rt_revision_free(r);
		fail_msg("parsed, but should fail:\n%s", text);
	}
	assert_int_equal(err.code, RT_ESCRIPT);
	assert_string_equal(err.file, "m/x.sql");
	assert_int_equal(err.line, line);
	return err;
}

/* Like parse_error, and the message must be exactly msg. */
static void assert_parse_msg(const char *text, int line, const char *msg)
{
	rt_error err = parse_error(text, line);
	assert_string_equal(err.message, msg);
	rt_error_clear(&err);
}

/* A section body as a string. */
static char *body(const rt_section *s)
{
	char *b = malloc(s->len + 1);
	memcpy(b, s->body, s->len);
	b[s->len] = '\0';
	return b;
}

/* text with every "\n" turned into "\r\n". */
static char *crlf(const char *text)
{
	char *out = malloc(2 * strlen(text) + 1), *o = out;
	for (const char *p = text; *p; p++) {
		if (*p == '\n')
			*o++ = '\r';
		*o++ = *p;
	}
	*o = '\0';
	return out;
}

static void test_good_file(void **state)
{
	(void)state;
	rt_revision *r = unit_parse("migrations/3f2a_add_bio.sql", GOOD);
	assert_string_equal(r->id, "3f2a1b9c0d4e");
	assert_string_equal(r->path, "migrations/3f2a_add_bio.sql");
	assert_int_equal(r->down.n, 2);
	assert_string_equal(r->down.v[0], "1a2b3c4d5e6f");
	assert_string_equal(r->down.v[1], "0a0b0c0d0e0f");
	assert_string_equal(r->create_date, "2026-11-22 14:30:00.000000+00:00");
	assert_string_equal(r->message, "add bio: to users");
	assert_int_equal(r->labels.n, 2);
	assert_string_equal(r->labels.v[0], "accounts");
	assert_string_equal(r->labels.v[1], "users");
	assert_int_equal(r->depends.n, 2);
	assert_string_equal(r->depends.v[0], "shared");
	assert_string_equal(r->depends.v[1], "9f8e");
	assert_int_equal(r->line_id, 1);
	assert_int_equal(r->line_revises, 2);
	assert_int_equal(r->line_labels, 5);
	assert_int_equal(r->line_depends, 6);

	assert_true(r->upgrade.present);
	assert_int_equal(r->upgrade.line, 8);
	assert_int_equal(r->upgrade.body_line, 9);
	assert_true(r->upgrade.transactional);
	assert_str_free(body(&r->upgrade),
			"ALTER TABLE users ADD COLUMN bio VARCHAR(500);\n\n");
	assert_true(r->downgrade.present);
	assert_int_equal(r->downgrade.line, 11);
	assert_int_equal(r->downgrade.body_line, 12);
	assert_true(r->downgrade.transactional);
	assert_str_free(body(&r->downgrade), "ALTER TABLE users DROP COLUMN bio;\n");
	assert_int_equal(r->textlen, strlen(GOOD));
	rt_revision_free(r);
}

static void test_minimal_and_lenient_forms(void **state)
{
	(void)state;
	/* Keys in any case, no space after --, comments without a colon. */
	rt_revision *r = unit_parse("x.sql",
				    "--revision id:  aaaa  \n"
				    "-- This migration creates the table\n"
				    "   -- REVISES:\n"
				    "\n"
				    "--migrate:upgrade\n"
				    "CREATE TABLE t (id INTEGER);");
	assert_string_equal(r->id, "aaaa");
	assert_int_equal(r->down.n, 0);
	assert_null(r->message);
	assert_null(r->create_date);
	assert_int_equal(r->upgrade.line, 5);
	assert_str_free(body(&r->upgrade), "CREATE TABLE t (id INTEGER);");
	/* A missing downgrade section is allowed (check reports it). */
	assert_false(r->downgrade.present);
	rt_revision_free(r);

	/* After the first marker, "-- Key: value" lines are plain SQL comments. */
	r = unit_parse("x.sql",
		       "-- Revision ID: aaaa\n"
		       "-- migrate:upgrade\n"
		       "-- Author: me\n"
		       "-- Revision ID: bbbb\n"
		       "SELECT 1;\n");
	assert_string_equal(r->id, "aaaa");
	assert_str_free(body(&r->upgrade), "-- Author: me\n-- Revision ID: bbbb\nSELECT 1;\n");
	rt_revision_free(r);

	/* Sections in either order; an empty upgrade section. */
	r = unit_parse("x.sql",
		       "-- Revision ID: aaaa\n"
		       "-- migrate:downgrade\n"
		       "DROP TABLE t;\n"
		       "-- migrate:upgrade\n");
	assert_str_free(body(&r->downgrade), "DROP TABLE t;\n");
	assert_int_equal(r->upgrade.len, 0);
	assert_int_equal(r->upgrade.body_line, 5);
	rt_revision_free(r);
}

static void test_crlf(void **state)
{
	(void)state;
	char *text = crlf(GOOD);
	rt_revision *r = unit_parse("x.sql", text);
	rt_revision *lf = unit_parse("x.sql", GOOD);
	free(text);
	assert_string_equal(r->id, "3f2a1b9c0d4e");
	assert_string_equal(r->down.v[1], "0a0b0c0d0e0f");
	assert_string_equal(r->message, "add bio: to users");
	assert_string_equal(r->depends.v[1], "9f8e");
	assert_int_equal(r->line_depends, 6);
	assert_int_equal(r->upgrade.line, 8);
	assert_int_equal(r->downgrade.line, 11);
	assert_str_free(body(&r->downgrade), "ALTER TABLE users DROP COLUMN bio;\r\n");
	/* Same checksum whatever the line endings. */
	char *a = rt_revision_checksum(r), *b = rt_revision_checksum(lf);
	assert_string_equal(a, b);
	free(a);
	free(b);
	rt_revision_free(r);
	rt_revision_free(lf);
}

static void test_bom(void **state)
{
	(void)state;
	rt_revision *r = unit_parse("x.sql", "\xEF\xBB\xBF" GOOD);
	assert_string_equal(r->id, "3f2a1b9c0d4e");
	assert_int_equal(r->line_id, 1);
	assert_int_equal(r->upgrade.line, 8);
	rt_revision_free(r);
	/* A BOM is only skipped at the very start. */
	rt_error err = parse_error("-- Revision ID: aaaa\n\xEF\xBB\xBF-- migrate:upgrade\n", 2);
	assert_contains(err.message, "SQL before the first '-- migrate:upgrade' marker");
	rt_error_clear(&err);
}

static void test_checksum(void **state)
{
	(void)state;
	rt_revision *r = unit_parse("x.sql", GOOD);
	char *sum = rt_revision_checksum(r);
	assert_string_equal(sum, "sha256:0528c8a6651b33065f1f140c5edaa81301a283748364032a63440cd6a2a629bb");
	assert_int_equal(strlen(sum), 7 + 64);
	free(sum);
	rt_revision_free(r);

	/* Only the upgrade section counts; a lone CR is a line end too. */
	r = unit_parse("x.sql", "-- Revision ID: a\n-- migrate:upgrade\nALTER TABLE users ADD COLUMN bio VARCHAR(500);\r\r\n"
				"-- migrate:downgrade\nanything\n");
	sum = rt_revision_checksum(r);
	assert_string_equal(sum, "sha256:0528c8a6651b33065f1f140c5edaa81301a283748364032a63440cd6a2a629bb");
	free(sum);
	rt_revision_free(r);

	/* One changed character changes the sum; an empty section has one. */
	r = unit_parse("x.sql", "-- Revision ID: a\n-- migrate:upgrade\nALTER TABLE users ADD COLUMN bio VARCHAR(501);\n\n");
	sum = rt_revision_checksum(r);
	assert_string_not_equal(sum, "sha256:0528c8a6651b33065f1f140c5edaa81301a283748364032a63440cd6a2a629bb");
	free(sum);
	rt_revision_free(r);
	r = unit_parse("x.sql", "-- Revision ID: a\n-- migrate:upgrade\n");
	sum = rt_revision_checksum(r);
	assert_string_equal(sum, "sha256:e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
	free(sum);
	rt_revision_free(r);
}

static void test_missing_parts(void **state)
{
	(void)state;
	assert_parse_msg("-- Revises: aaaa\n-- migrate:upgrade\nSELECT 1;\n", 1,
			 "no '-- Revision ID:' header");
	assert_parse_msg("", 1, "no '-- Revision ID:' header");
	rt_error err = parse_error("-- Revision ID: aaaa\n\n-- migrate:downgrade\nDROP TABLE t;\n", 4);
	assert_string_equal(err.message, "no '-- migrate:upgrade' section");
	assert_non_null(err.hint);
	rt_error_clear(&err);
	assert_parse_msg("-- Revision ID:\n-- migrate:upgrade\n", 1,
			 "a revision id cannot be empty");
}

static void test_header_errors(void **state)
{
	(void)state;
	rt_error err = parse_error("-- Revision ID: aaaa\n-- Author: me\n-- migrate:upgrade\n", 2);
	assert_string_equal(err.message, "unknown header key 'Author'");
	assert_contains(err.hint, "Revision ID, Revises, Create Date, Message, Branch Labels, Depends On");
	rt_error_clear(&err);
	assert_parse_msg("-- Revision ID: aaaa\n-- Revises: bbbb\n-- revises: cccc\n-- migrate:upgrade\n",
			 3, "header 'Revises' given twice (first at line 2)");
	assert_parse_msg("-- Revision ID: aaaa\n-- Message: a\n\n-- Message: b\n-- migrate:upgrade\n",
			 4, "header 'Message' given twice (first at line 2)");
	err = parse_error("-- Revision ID: aaaa\n\nCREATE TABLE t (id INTEGER);\n-- migrate:upgrade\n", 3);
	assert_string_equal(err.message, "SQL before the first '-- migrate:upgrade' marker");
	assert_non_null(err.hint);
	rt_error_clear(&err);
}

/*
 * Steps: a repeated marker starts another section of its direction, each
 * with its own options; upgrade and downgrade span them all.
 */
static void test_steps(void **state)
{
	(void)state;
	const char *text = "-- Revision ID: aaaa\n"          /* 1 */
			   "-- migrate:upgrade transaction:false\n" /* 2 */
			   "CREATE INDEX CONCURRENTLY i ON t (c);\n"
			   "-- migrate:upgrade\n"                  /* 4 */
			   "ALTER TABLE t VALIDATE CONSTRAINT f;\n"
			   "-- migrate:upgrade batch\n"            /* 6 */
			   "UPDATE t SET c = 0 WHERE id IN (SELECT id FROM t WHERE c IS NULL LIMIT 10);\n"
			   "-- migrate:downgrade\n"                /* 8 */
			   "SELECT 1;\n"
			   "-- migrate:downgrade transaction:false\n" /* 10 */
			   "DROP INDEX CONCURRENTLY i;\n";
	rt_revision *r = unit_parse("x.sql", text);
	assert_int_equal(r->nsections[RT_SECTION_UPGRADE], 3);
	assert_int_equal(r->nsections[RT_SECTION_DOWNGRADE], 2);
	const rt_section *up = r->sections[RT_SECTION_UPGRADE];
	const rt_section *down = r->sections[RT_SECTION_DOWNGRADE];
	assert_int_equal(up[0].line, 2);
	assert_false(up[0].transactional);
	assert_str_free(body(&up[0]), "CREATE INDEX CONCURRENTLY i ON t (c);\n");
	assert_int_equal(up[1].line, 4);
	assert_int_equal(up[1].body_line, 5);
	assert_true(up[1].transactional);
	assert_false(up[1].batch);
	assert_str_free(body(&up[1]), "ALTER TABLE t VALIDATE CONSTRAINT f;\n");
	assert_true(up[2].batch);
	assert_false(up[2].transactional);
	assert_int_equal(down[0].line, 8);
	assert_true(down[0].transactional);
	assert_str_free(body(&down[1]), "DROP INDEX CONCURRENTLY i;\n");
	/* the whole: from the first body to the end of the last */
	assert_int_equal(r->upgrade.line, 2);
	assert_int_equal(r->upgrade.body_line, 3);
	assert_false(r->upgrade.transactional);
	assert_false(r->upgrade.batch);
	assert_true(r->upgrade.body + r->upgrade.len == down[0].body - strlen("-- migrate:downgrade\n"));
	assert_int_equal(r->downgrade.line, 8);
	assert_false(r->downgrade.transactional);
	rt_revision_free(r);

	/* an old file: one section each, downgrade first, is what it always was */
	r = unit_parse("x.sql", "-- Revision ID: aaaa\n-- migrate:downgrade\nDROP TABLE t;\n-- migrate:upgrade\nCREATE TABLE t (id INT);\n");
	assert_int_equal(r->nsections[RT_SECTION_UPGRADE], 1);
	assert_int_equal(r->nsections[RT_SECTION_DOWNGRADE], 1);
	assert_str_free(body(&r->upgrade), "CREATE TABLE t (id INT);\n");
	assert_str_free(body(&r->downgrade), "DROP TABLE t;\n");
	assert_true(r->upgrade.transactional);
	rt_revision_free(r);
}

static void test_section_errors(void **state)
{
	(void)state;
	assert_parse_msg("-- Revision ID: aaaa\n\n-- migrate:upgrade\nSELECT 1;\n-- migrate:downgrade\nSELECT 2;\n-- migrate:upgrade\n",
			 7, "'-- migrate:upgrade' after the downgrade section at line 5: the upgrade steps (the first at line 3) must be written together, the upgrade steps before the downgrade steps");
	assert_parse_msg("-- Revision ID: aaaa\n-- migrate:downgrade\n-- migrate:upgrade\n-- migrate:downgrade\n",
			 4, "'-- migrate:downgrade' after the upgrade section at line 3: the downgrade steps (the first at line 2) must be written together, the upgrade steps before the downgrade steps");
	assert_parse_msg("-- Revision ID: aaaa\n-- migrate:upgrade\nSELECT 1;\n-- migrate:upgrade transaction:maybe\n",
			 4, "transaction:maybe: the value must be true or false");

	rt_error err = parse_error("-- Revision ID: aaaa\n-- migrate:up\nSELECT 1;\n", 2);
	assert_string_equal(err.message, "unknown section marker '-- migrate:up'");
	assert_string_equal(err.hint, "retort's markers are '-- migrate:upgrade' and '-- migrate:downgrade'");
	rt_error_clear(&err);
	err = parse_error("-- Revision ID: aaaa\n-- migrate:upgrade\n-- migrate:down\n", 3);
	assert_string_equal(err.message, "unknown section marker '-- migrate:down'");
	assert_contains(err.hint, "retort's markers are");
	rt_error_clear(&err);
	err = parse_error("-- Revision ID: aaaa\n-- migrate:sideways now\n", 2);
	assert_string_equal(err.message, "unknown section marker '-- migrate:sideways'");
	rt_error_clear(&err);

	assert_parse_msg("-- Revision ID: aaaa\n-- migrate:upgrade foo\n", 2,
			 "unknown section option 'foo' (known: transaction:false, batch)");
	assert_parse_msg("-- Revision ID: aaaa\n-- migrate:upgrade transaction:\n", 2,
			 "unknown section option 'transaction:' (known: transaction:false, batch)");
	assert_parse_msg("-- Revision ID: aaaa\n-- migrate:upgrade transaction:false transaction:true\n", 2,
			 "option 'transaction' given twice");
	assert_parse_msg("-- Revision ID: aaaa\n-- migrate:upgrade\n-- migrate:downgrade transaction:maybe\n", 3,
			 "transaction:maybe: the value must be true or false");
}

static void test_transaction_option(void **state)
{
	(void)state;
	rt_revision *r = unit_parse("x.sql",
				    "-- Revision ID: aaaa\n"
				    "-- migrate:upgrade   transaction:false  \n"
				    "CREATE INDEX CONCURRENTLY i ON t (x);\n"
				    "-- migrate:downgrade transaction:true\n"
				    "DROP INDEX i;\n");
	assert_false(r->upgrade.transactional);
	assert_true(r->downgrade.transactional);
	assert_str_free(body(&r->upgrade), "CREATE INDEX CONCURRENTLY i ON t (x);\n");
	rt_revision_free(r);
}

static void test_list_errors(void **state)
{
	(void)state;
	assert_parse_msg("-- Revision ID: aaaa\n-- Revises: bbbb,,cccc\n-- migrate:upgrade\n", 2,
			 "empty item in 'Revises' list");
	assert_parse_msg("-- Revision ID: aaaa\n-- Revises: bbbb,\n-- migrate:upgrade\n", 2,
			 "empty item in 'Revises' list");
	assert_parse_msg("-- Revision ID: aaaa\n-- Depends On: , bbbb\n-- migrate:upgrade\n", 2,
			 "empty item in 'Depends On' list");
	assert_parse_msg("-- Revision ID: aaaa\n\n-- Branch Labels: a b\n-- migrate:upgrade\n", 3,
			 "'a b' in 'Branch Labels': items are separated by commas, not spaces");
	assert_parse_msg("-- Revision ID: aaaa\n-- Revises: bbbb, bbbb\n-- migrate:upgrade\n", 2,
			 "'bbbb' is listed twice in 'Revises'");
	rt_revision *r = unit_parse("x.sql", "-- Revision ID: aaaa\n-- Revises:  bbbb ,cccc  \n-- migrate:upgrade\n");
	assert_int_equal(r->down.n, 2);
	assert_string_equal(r->down.v[0], "bbbb");
	assert_string_equal(r->down.v[1], "cccc");
	rt_revision_free(r);
}

static void test_bad_ids(void **state)
{
	(void)state;
	const char *bad[] = { "aa@a", "aa-a", "aa+a", "aa:a" };
	for (size_t i = 0; i < 4; i++) {
		char text[128];
		snprintf(text, sizeof(text), "-- Revision ID: %s\n-- migrate:upgrade\n", bad[i]);
		rt_error err = parse_error(text, 1);
		char want[64];
		snprintf(want, sizeof(want), "character '%c' is not allowed in revision id '%s'",
			 bad[i][2], bad[i]);
		assert_contains(err.message, want);
		rt_error_clear(&err);
	}
	assert_parse_msg("-- Revision ID: 0123456789abcdef0123456789abcdef0\n-- migrate:upgrade\n", 1,
			 "revision id '0123456789abcdef0123456789abcdef0' is 33 characters long; the version table holds at most 32");
	rt_revision *r = unit_parse("x.sql", "-- Revision ID: 0123456789abcdef0123456789abcdef\n-- migrate:upgrade\n");
	assert_int_equal(strlen(r->id), 32);
	rt_revision_free(r);
	/* Down revisions follow the same rules, reported at the Revises line. */
	rt_error err = parse_error("-- Revision ID: aaaa\n\n-- Revises: bb@b\n-- migrate:upgrade\n", 3);
	assert_contains(err.message, "character '@' is not allowed in revision id 'bb@b'");
	rt_error_clear(&err);
	assert_parse_msg("-- Revision ID: aaaa\n-- Revises: bbbb, aaaa\n-- migrate:upgrade\n", 2,
			 "revision aaaa revises itself");
	err = parse_error("-- Revision ID: aaaa\n-- Branch Labels: x@y\n-- migrate:upgrade\n", 2);
	assert_contains(err.message, "bad branch label");
	rt_error_clear(&err);
	err = parse_error("-- Revision ID: aaaa\n-- Branch Labels: heads\n-- migrate:upgrade\n", 2);
	assert_contains(err.message, "bad branch label");
	assert_contains(err.message, "reserved");
	rt_error_clear(&err);
	/* Path separators and a leading '.', in the header too. */
	assert_parse_msg("-- Revision ID: a/b\n-- migrate:upgrade\n", 1,
			 "character '/' is not allowed in revision id 'a/b' (revision ids are part of file names)");
	err = parse_error("-- Revision ID: .hidden\n-- migrate:upgrade\n", 1);
	assert_contains(err.message, "revision id '.hidden' starts with '.'");
	rt_error_clear(&err);
	err = parse_error("-- Revision ID: aaaa\n-- Revises: x/y\n-- migrate:upgrade\n", 2);
	assert_contains(err.message, "character '/' is not allowed in revision id 'x/y'");
	rt_error_clear(&err);
}

static void test_nul_byte(void **state)
{
	(void)state;
	static const char text[] = "-- Revision ID: aaaa\n-- migrate:upgrade\nSELECT\0 1;\n";
	char *copy = malloc(sizeof(text));
	memcpy(copy, text, sizeof(text));
	rt_error err = { 0 };
	assert_null(rt_revision_parse("m/x.sql", copy, sizeof(text) - 1, &err));
	assert_int_equal(err.code, RT_ESCRIPT);
	assert_string_equal(err.file, "m/x.sql");
	assert_int_equal(err.line, 3);
	assert_string_equal(err.message, "contains a NUL byte: not a text file");
	rt_error_clear(&err);
}

/* CR-only line ends are refused at the first line, not read as one line. */
static void test_cr_line_endings(void **state)
{
	(void)state;
	char *text = strdup(GOOD);
	for (char *c = text; *c; c++)
		if (*c == '\n')
			*c = '\r';
	rt_error err = parse_error(text, 1);
	free(text);
	assert_string_equal(err.message,
			    "a carriage return not followed by a line feed: the file uses CR line endings");
	assert_contains(err.hint, "LF or CRLF");
	rt_error_clear(&err);
	/* Mixed: a marker line swallowing what follows a lone CR. */
	err = parse_error("-- Revision ID: aaaa\n\n-- migrate:upgrade\rSELECT 1;\n", 3);
	assert_contains(err.message, "CR line endings");
	rt_error_clear(&err);
	/* A lone CR in the SQL of a section is left alone; CRLF still works. */
	rt_revision *r = unit_parse("x.sql", "-- Revision ID: aaaa\r\n-- migrate:upgrade\r\nSELECT '\r';\r\n");
	assert_string_equal(r->id, "aaaa");
	rt_revision_free(r);
}

static void test_check_revision_id(void **state)
{
	(void)state;
	rt_error err = { 0 };
	const char *good[] = { "3f2a1b9c0d4e", "a", "my_rev.1", "ABC",
			       "0123456789abcdef0123456789abcdef", "headless" };
	for (size_t i = 0; i < sizeof(good) / sizeof(*good); i++)
		if (rt_check_revision_id(good[i], &err) < 0)
			fail_msg("'%s' rejected: %s", good[i], err.message);
	const char *bad[] = { "", "a@b", "a-b", "a+b", "a:b", "a b", "a,b",
			      "a'b", "a\"b", "a\\b", "a\tb", "head", "heads",
			      "base", "current",
			      "0123456789abcdef0123456789abcdef0", ".hidden",
			      ".", "..", "a/b", "/ab", "ab/", "a\x7f" "b" };
	for (size_t i = 0; i < sizeof(bad) / sizeof(*bad); i++) {
		if (rt_check_revision_id(bad[i], &err) == 0)
			fail_msg("'%s' accepted", bad[i]);
		assert_int_equal(err.code, RT_EUSAGE);
		rt_error_clear(&err);
	}
	assert_int_equal(rt_check_revision_id("head", &err), -1);
	assert_string_equal(err.message, "'head' is a reserved word and cannot be a revision id");
	rt_error_clear(&err);
	assert_int_equal(rt_check_revision_id("x+1", &err), -1);
	assert_contains(err.message, "character '+' is not allowed in revision id 'x+1'");
	rt_error_clear(&err);
	assert_int_equal(rt_check_revision_id("..", &err), -1);
	assert_string_equal(err.message, "revision id '..' starts with '.': its file would be hidden, and files whose name starts with '.' are not loaded");
	rt_error_clear(&err);
	assert_int_equal(rt_check_revision_id("a/b", &err), -1);
	assert_string_equal(err.message, "character '/' is not allowed in revision id 'a/b' (revision ids are part of file names)");
	rt_error_clear(&err);
	assert_int_equal(rt_check_revision_id("a\\b", &err), -1);
	assert_contains(err.message, "character '\\' is not allowed");
	rt_error_clear(&err);
	assert_int_equal(rt_check_revision_id("a\x7f", &err), -1);
	assert_contains(err.message, "control character");
	rt_error_clear(&err);
}

static void test_slugify(void **state)
{
	(void)state;
	assert_str_free(rt_slugify("add bio to users", 40), "add_bio_to_users");
	assert_str_free(rt_slugify("Add Bio, to USERS!!", 40), "add_bio_to_users");
	assert_str_free(rt_slugify("  --- ", 40), "");
	assert_str_free(rt_slugify(NULL, 40), "");
	/* \w includes '_': Python's re.findall(r"\w+", "foo__bar baz_"). */
	assert_str_free(rt_slugify("foo__bar baz_", 40), "foo__bar_baz_");
	assert_str_free(rt_slugify("v2: rename t1 -> t2", 40), "v2_rename_t1_t2");
	/* slug[:n].rsplit("_", 1)[0] + "_" */
	assert_str_free(rt_slugify("add a very long message here", 10), "add_a_");
	assert_str_free(rt_slugify("abc def", 4), "abc_");
	assert_str_free(rt_slugify("abcdefghij", 4), "abcd_");
	assert_str_free(rt_slugify("abcd", 4), "abcd");
	assert_str_free(rt_slugify("abc defgh", 5), "abc_");
	assert_str_free(rt_slugify("a long message", 0), "a_long_message");
	assert_str_free(rt_slugify("create the accounts table for billing and invoices", 40),
			"create_the_accounts_table_for_billing_");
}

static void test_slugify_utf8(void **state)
{
	(void)state;
	/* Letters of any script are word characters (Python 3's \w). */
	assert_str_free(rt_slugify("café au lait", 40), "café_au_lait");
	assert_str_free(rt_slugify("Ändere Größe", 40), "ändere_größe");
	assert_str_free(rt_slugify("таблица Пользователи", 40), "таблица_пользователи");
	/* Punctuation and symbols outside ASCII separate words. */
	assert_str_free(rt_slugify("users — add “bio” column…", 40), "users_add_bio_column");
	assert_str_free(rt_slugify("user’s table", 40), "user_s_table");
	assert_str_free(rt_slugify("fix 🐛 in «orders»", 40), "fix_in_orders");
	/* Truncation counts characters, as Alembic does, never splitting one. */
	assert_str_free(rt_slugify("café au lait", 4), "café_");
	assert_str_free(rt_slugify("ééééé", 3), "ééé_");
	assert_str_free(rt_slugify("éé éé", 4), "éé_");
	/* Bytes that are not UTF-8 are kept, one character each. */
	assert_str_free(rt_slugify("a\xff" "b c", 40), "a\xff" "b_c");
}

/* Create a revision; the path of the new file (caller frees) or NULL with err. */
static char *create(const rt_config *cfg, const rt_graph *g,
		    const rt_new_revision *nr, rt_error *err)
{
	char *path = NULL;
	if (rt_revision_write(cfg, g, nr, &path, err) < 0)
		return NULL;
	return path;
}

/* Read a file into a parsed revision. */
static rt_revision *parse_file(const char *path)
{
	FILE *fp = fopen(path, "r");
	assert_non_null(fp);
	char buf[4096];
	size_t n = fread(buf, 1, sizeof(buf) - 1, fp);
	fclose(fp);
	buf[n] = '\0';
	return unit_parse(path, buf);
}

static void test_revision_create(void **state)
{
	(void)state;
	char dir[] = "/tmp/rt_script_XXXXXX";
	assert_non_null(mkdtemp(dir));
	rt_config *cfg = rt_config_new(dir);
	rt_error err = { 0 };
	assert_int_equal(rt_config_set(cfg, "script_location", ".", &err), 0);
	rt_graph *g = rt_graph_build(NULL, 0, &err);

	/* The first revision: a base; the slug follows Alembic's rules. */
	rt_new_revision nr = { .message = "Add “bio” — to Users", .rev_id = "aaaa",
			       .upgrade_sql = "ALTER TABLE users ADD bio TEXT;",
			       .downgrade_sql = "ALTER TABLE users DROP bio;\n" };
	char *p1 = create(cfg, g, &nr, &err);
	assert_non_null(p1);
	char want[256];
	snprintf(want, sizeof(want), "%s/aaaa_add_bio_to_users.sql", dir);
	assert_string_equal(p1, want);
	rt_revision *r = parse_file(p1);
	assert_string_equal(r->id, "aaaa");
	assert_int_equal(r->down.n, 0);
	assert_string_equal(r->message, "Add “bio” — to Users");
	assert_non_null(r->create_date);
	assert_str_free(body(&r->upgrade), "ALTER TABLE users ADD bio TEXT;\n\n");
	assert_str_free(body(&r->downgrade), "ALTER TABLE users DROP bio;\n");
	rt_revision **revs = malloc(sizeof(*revs));
	revs[0] = r;
	rt_graph_free(g);
	g = rt_graph_build(revs, 1, &err);
	assert_non_null(g);

	/* The same id again, a bad id, a label that is an id: nothing written. */
	assert_null(create(cfg, g, &nr, &err));
	assert_contains(err.message, "revision id aaaa already exists");
	rt_error_clear(&err);
	rt_new_revision bad = { .message = "x", .rev_id = "bb-bb" };
	assert_null(create(cfg, g, &bad, &err));
	assert_int_equal(err.code, RT_EUSAGE);
	rt_error_clear(&err);
	const char *label[] = { "aaaa" };
	rt_new_revision lab = { .message = "x", .rev_id = "cccc", .labels = label, .nlabels = 1 };
	assert_null(create(cfg, g, &lab, &err));
	assert_contains(err.message, "branch label 'aaaa' is already a revision id");
	rt_error_clear(&err);
	/* A merge needs two heads; a message can not break the header. */
	rt_new_revision merge = { .message = "m", .rev_id = "mmmm", .merge = 1 };
	assert_null(create(cfg, g, &merge, &err));
	assert_contains(err.message, "nothing to merge");
	rt_error_clear(&err);
	rt_new_revision nl = { .message = "two\nlines\n-- migrate:upgrade", .rev_id = "dddd" };
	char *p2 = create(cfg, g, &nl, &err);
	assert_non_null(p2);
	r = parse_file(p2);
	assert_string_equal(r->message, "two lines -- migrate:upgrade");
	assert_int_equal(r->down.n, 1);
	assert_string_equal(r->down.v[0], "aaaa");
	assert_int_equal(r->upgrade.len, 1);
	rt_revision_free(r);

	unlink(p1);
	unlink(p2);
	free(p1);
	free(p2);
	rmdir(dir);
	rt_graph_free(g);
	rt_config_free(cfg);
}

/* How many entries (besides . and ..) dir holds. */
static int count_files(const char *dir)
{
	DIR *d = opendir(dir);
	assert_non_null(d);
	int n = 0;
	for (struct dirent *e; (e = readdir(d));)
		n += strcmp(e->d_name, ".") && strcmp(e->d_name, "..");
	closedir(d);
	return n;
}

/* Replace cfg's file_template, unchecked. */
static void set_template(rt_config *cfg, const char *tpl)
{
	free(cfg->file_template);
	cfg->file_template = strdup(tpl);
}

/*
 * Refused before anything is written: an id that is a branch label (in
 * the graph or of the new revision itself), an id the loader would not
 * see, and a file_template width printf cannot do or that hides the file.
 */
static void test_revision_create_refusals(void **state)
{
	(void)state;
	char dir[] = "/tmp/rt_script_XXXXXX";
	assert_non_null(mkdtemp(dir));
	rt_config *cfg = rt_config_new(dir);
	rt_error err = { 0 };
	assert_int_equal(rt_config_set(cfg, "script_location", ".", &err), 0);
	rt_graph *g = unit_graph("aaaa::feat:");

	rt_new_revision nr = { .message = "b", .rev_id = "feat" };
	assert_null(create(cfg, g, &nr, &err));
	assert_int_equal(err.code, RT_EUSAGE);
	assert_string_equal(err.message, "revision id feat is already used as a branch label by revision aaaa (aaaa.sql)");
	assert_contains(err.hint, "choose another revision id");
	assert_int_equal(err.fix, RT_FIX_SET);
	assert_string_equal(err.fix_arg, "rev_id");
	rt_error_clear(&err);
	const char *own[] = { "x", "zz" };
	nr = (rt_new_revision){ .message = "b", .rev_id = "zz", .labels = own, .nlabels = 2 };
	assert_null(create(cfg, g, &nr, &err));
	assert_int_equal(err.code, RT_EUSAGE);
	assert_string_equal(err.message, "revision id zz is also given as a branch label of the new revision");
	rt_error_clear(&err);
	const char *ids[] = { ".hidden", "..", "a/b", "a\\b" };
	for (size_t i = 0; i < sizeof(ids) / sizeof(*ids); i++) {
		nr = (rt_new_revision){ .message = "b", .rev_id = ids[i] };
		assert_null(create(cfg, g, &nr, &err));
		assert_int_equal(err.code, RT_EUSAGE);
		assert_contains(err.message, ids[i]);
		rt_error_clear(&err);
	}
	rt_graph_free(g);

	/*
	 * file_template: widths over 255, bad specs, names starting with '.'.
	 * Set directly: rt_config_set may refuse some of them first, and an
	 * embedding program can fill in rt_config itself.
	 */
	g = rt_graph_build(NULL, 0, &err);
	static const char *const tpl[][2] = {
		{ "%(rev)99999999999999999999s", "the width given for %(rev) is over 255" },
		{ "%(rev)s_%(day)256d", "the width given for %(day) is over 255" },
		{ "%(rev).99999999999999999999s", "the precision given for %(rev) is over 255" },
		{ "%(rev)1.2.3s", "'1.2.3' after %(rev) is not a format" },
		{ "%(rev).0s", "gives the file name '.sql', which starts with '.'" },
		{ ".%(rev)s", "gives the file name '.r1.sql', which starts with '.'" },
	};
	for (size_t i = 0; i < sizeof(tpl) / sizeof(*tpl); i++) {
		set_template(cfg, tpl[i][0]);
		nr = (rt_new_revision){ .message = "b", .rev_id = "r1" };
		assert_null(create(cfg, g, &nr, &err));
		assert_int_equal(err.code, RT_ECONFIG);
		assert_contains(err.message, tpl[i][1]);
		assert_contains(err.message, tpl[i][0]);
		rt_error_clear(&err);
	}
	assert_int_equal(count_files(dir), 0);
	/* Python's flags: '-' pads strings, the others only numbers. */
	set_template(cfg, "%(rev)-4s|%(rev)05s|%(year)+06d");
	nr = (rt_new_revision){ .message = "b", .rev_id = "r1" };
	char *p = create(cfg, g, &nr, &err);
	assert_non_null(p);
	struct tm tm;
	time_t now = time(NULL);
	localtime_r(&now, &tm);
	char want[300];
	snprintf(want, sizeof(want), "%s/r1  |   r1|%+06d.sql", dir, tm.tm_year + 1900);
	assert_string_equal(p, want);
	unlink(p);
	free(p);

	rmdir(dir);
	rt_graph_free(g);
	rt_config_free(cfg);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_good_file),
		cmocka_unit_test(test_minimal_and_lenient_forms),
		cmocka_unit_test(test_crlf),
		cmocka_unit_test(test_bom),
		cmocka_unit_test(test_checksum),
		cmocka_unit_test(test_missing_parts),
		cmocka_unit_test(test_header_errors),
		cmocka_unit_test(test_section_errors),
		cmocka_unit_test(test_steps),
		cmocka_unit_test(test_transaction_option),
		cmocka_unit_test(test_list_errors),
		cmocka_unit_test(test_bad_ids),
		cmocka_unit_test(test_nul_byte),
		cmocka_unit_test(test_cr_line_endings),
		cmocka_unit_test(test_check_revision_id),
		cmocka_unit_test(test_slugify),
		cmocka_unit_test(test_slugify_utf8),
		cmocka_unit_test(test_revision_create),
		cmocka_unit_test(test_revision_create_refusals),
	};
	return cmocka_run_group_tests_name("script", tests, NULL, NULL);
}
