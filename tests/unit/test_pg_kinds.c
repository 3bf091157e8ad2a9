/*
 * test_pg_kinds.c - the PostgreSQL object kinds besides tables, views,
 * sequences, enum types and functions (test_pg_schema.c has those):
 * each is introspected, diffed both ways with rows that must survive,
 * and compared, against a real server (helpers: pgtest.h).
 */
#include "pgtest.h"
#include "schema/rename.h"

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

/* The reverse-text functions and operators the operator class tests use. */
#define REV_OPS                                                                                         \
	"CREATE FUNCTION rcmp(text, text) RETURNS int LANGUAGE sql IMMUTABLE STRICT AS "                      \
	"$$SELECT CASE WHEN reverse($1) < reverse($2) THEN -1 WHEN reverse($1) > reverse($2) THEN 1 ELSE 0 END$$;" \
	"CREATE FUNCTION rlt(text, text) RETURNS bool LANGUAGE sql IMMUTABLE STRICT AS $$SELECT reverse($1) < reverse($2)$$;" \
	"CREATE FUNCTION req(text, text) RETURNS bool LANGUAGE sql IMMUTABLE STRICT AS $$SELECT reverse($1) = reverse($2)$$;" \
	"CREATE FUNCTION rgt(text, text) RETURNS bool LANGUAGE sql IMMUTABLE STRICT AS $$SELECT reverse($1) > reverse($2)$$;" \
	"CREATE OPERATOR <<< (FUNCTION = rlt, LEFTARG = text, RIGHTARG = text);"                              \
	"CREATE OPERATOR === (FUNCTION = req, LEFTARG = text, RIGHTARG = text);"                              \
	"CREATE OPERATOR >>> (FUNCTION = rgt, LEFTARG = text, RIGHTARG = text);"

/*
 * Operator classes and families: the family first, the class in it after
 * its operators and functions, an index using the class after both; a
 * family with a member of its own ("loose").  Down: the other way round.
 */
static void test_operator_classes(void **state)
{
	(void)state;
	change k = {
		REV_OPS "CREATE TABLE w (x text);",
		REV_OPS
		"CREATE OPERATOR CLASS rev_ops FOR TYPE text USING btree AS OPERATOR 1 <<<, OPERATOR 3 ===,"
		" OPERATOR 5 >>>, FUNCTION 1 rcmp(text, text);"
		"COMMENT ON OPERATOR CLASS rev_ops USING btree IS 'by reversed text';"
		"CREATE OPERATOR FAMILY loose USING hash;"
		"ALTER OPERATOR FAMILY loose USING hash ADD OPERATOR 1 = (text, text), FUNCTION 1 (text, text) hashtext(text);"
		"CREATE TABLE w (x text); CREATE INDEX w_rev ON w (x rev_ops);",
		"INSERT INTO w VALUES ('ab'), ('ba')",
		"SELECT count(*) FROM pg_indexes WHERE indexname = 'w_rev'", "1",
		"SELECT count(*) FROM pg_opclass WHERE opcname = 'rev_ops'", "0",
	};
	sm_ops up, down;
	run_change(&k, &up, &down);
	assert_sql(&up, "CREATE OPERATOR FAMILY public.rev_ops USING btree");
	assert_sql(&up, "CREATE OPERATOR CLASS public.rev_ops FOR TYPE text USING btree FAMILY public.rev_ops AS "
		   "OPERATOR 1 public.<<<(text,text), OPERATOR 3 public.===(text,text), OPERATOR 5 public.>>>(text,text), "
		   "FUNCTION 1 (text, text) public.rcmp(text,text)");
	assert_sql(&up, "ALTER OPERATOR FAMILY public.loose USING hash ADD OPERATOR 1 =(text,text), "
		   "FUNCTION 1 (text, text) hashtext(text)");
	assert_sql(&up, "COMMENT ON OPERATOR CLASS public.rev_ops USING btree IS 'by reversed text'");
	assert_sql(&down, "DROP OPERATOR CLASS public.rev_ops USING btree");
	rt_sm_ops_free(&up);
	rt_sm_ops_free(&down);
}

/*
 * Text search: a dictionary on a built-in template, a configuration with
 * its mappings; changing the dictionary makes both again, and a view using
 * the configuration around them.
 */
static void test_text_search(void **state)
{
	(void)state;
	change k = {
		"CREATE TEXT SEARCH DICTIONARY plain_dict (TEMPLATE = simple);"
		"CREATE TEXT SEARCH CONFIGURATION plain (PARSER = default);"
		"ALTER TEXT SEARCH CONFIGURATION plain ADD MAPPING FOR asciiword WITH plain_dict;"
		"CREATE TABLE doc (body text);"
		"CREATE VIEW words AS SELECT to_tsvector('public.plain'::regconfig, body) AS v FROM doc;",
		"CREATE TEXT SEARCH DICTIONARY plain_dict (TEMPLATE = simple, STOPWORDS = english);"
		"COMMENT ON TEXT SEARCH DICTIONARY plain_dict IS 'no stop words';"
		"CREATE TEXT SEARCH CONFIGURATION plain (PARSER = default);"
		"ALTER TEXT SEARCH CONFIGURATION plain ADD MAPPING FOR asciiword, word WITH plain_dict, simple;"
		"CREATE TABLE doc (body text);"
		"CREATE VIEW words AS SELECT to_tsvector('public.plain'::regconfig, body) AS v FROM doc;",
		"INSERT INTO doc VALUES ('the cat')",
		"SELECT v::text FROM words", "'cat':2",
		"SELECT v::text FROM words", "'cat':2 'the':1",
	};
	sm_ops up, down;
	run_change(&k, &up, &down);
	assert_op(&up, "drop view public.words", 0);
	assert_sql(&up, "CREATE TEXT SEARCH DICTIONARY public.plain_dict (TEMPLATE = pg_catalog.simple, stopwords = 'english')");
	assert_sql(&up, "ALTER TEXT SEARCH CONFIGURATION public.plain ADD MAPPING FOR word WITH public.plain_dict, pg_catalog.simple");
	assert_sql(&up, "COMMENT ON TEXT SEARCH DICTIONARY public.plain_dict IS 'no stop words'");
	rt_sm_ops_free(&up);
	rt_sm_ops_free(&down);
}

/*
 * Statistics: extended statistics (and their target), column statistics
 * targets, compression and options (synapse's n_distinct), index column
 * statistics targets (danbooru's); set, changed and reset.
 */
static void test_statistics_and_settings(void **state)
{
	(void)state;
	change k = {
		"CREATE TABLE t (a int, b int, c text, d text);"
		"ALTER TABLE t ALTER COLUMN a SET STATISTICS 200;"
		"ALTER TABLE t ALTER COLUMN b SET (n_distinct = -0.5);"
		"CREATE INDEX t_lower ON t (lower(c));"
		"CREATE STATISTICS t_ab (ndistinct) ON a, b FROM t;",
		"CREATE TABLE t (a int, b int, c text COMPRESSION pglz, d text);"
		"ALTER TABLE t ALTER COLUMN a SET STATISTICS 500;"
		"ALTER TABLE t ALTER COLUMN b SET (n_distinct = -0.02, n_distinct_inherited = -0.1);"
		"CREATE INDEX t_lower ON t (lower(c));"
		"ALTER INDEX t_lower ALTER COLUMN 1 SET STATISTICS 3000;"
		"CREATE STATISTICS t_ab (ndistinct, dependencies) ON a, b FROM t;"
		"ALTER STATISTICS t_ab SET STATISTICS 700;"
		"COMMENT ON STATISTICS t_ab IS 'a and b move together';"
		"CREATE STATISTICS t_cd ON c, d FROM t;",
		"INSERT INTO t VALUES (1, 2, 'x', 'y')",
		"SELECT attstattarget FROM pg_attribute WHERE attrelid = 't'::regclass AND attname = 'a'", "500",
		"SELECT array_to_string(attoptions, ',') FROM pg_attribute WHERE attrelid = 't'::regclass AND attname = 'b'",
		"n_distinct=-0.5",
	};
	sm_ops up, down;
	run_change(&k, &up, &down);
	assert_sql(&up, "ALTER TABLE public.t ALTER COLUMN a SET STATISTICS 500");
	assert_sql(&up, "ALTER TABLE public.t ALTER COLUMN b RESET (n_distinct)");
	assert_sql(&up, "ALTER TABLE public.t ALTER COLUMN b SET (n_distinct=-0.02, n_distinct_inherited=-0.1)");
	assert_sql(&up, "ALTER TABLE public.t ALTER COLUMN c SET COMPRESSION pglz");
	assert_sql(&up, "ALTER INDEX public.t_lower ALTER COLUMN 1 SET STATISTICS 3000");
	assert_sql(&up, "CREATE STATISTICS public.t_ab (ndistinct, dependencies) ON a, b FROM public.t");
	assert_sql(&up, "ALTER STATISTICS public.t_ab SET STATISTICS 700");
	assert_sql(&up, "COMMENT ON STATISTICS public.t_ab IS 'a and b move together'");
	assert_sql(&down, "ALTER TABLE public.t ALTER COLUMN c SET COMPRESSION default");
	assert_sql(&down, "ALTER INDEX public.t_lower ALTER COLUMN 1 SET STATISTICS -1");
	assert_sql(&down, "DROP STATISTICS public.t_cd");
	rt_sm_ops_free(&up);
	rt_sm_ops_free(&down);
}

/* Statistics on a column that changes type are made again around the change. */
static void test_statistics_on_retyped_column(void **state)
{
	(void)state;
	change k = {
		"CREATE TABLE t (a int, b int); CREATE STATISTICS t_ab ON a, b FROM t;",
		"CREATE TABLE t (a bigint, b int); CREATE STATISTICS t_ab ON a, b FROM t;",
		"INSERT INTO t VALUES (1, 2)", "SELECT a FROM t", "1", "SELECT a FROM t", "1",
	};
	run_change(&k, NULL, NULL);
}

/*
 * Row-level security: ENABLE and FORCE, permissive and restrictive
 * policies for roles and PUBLIC, with USING and WITH CHECK calling a
 * function; a changed policy is made again.
 */
static void test_row_level_security(void **state)
{
	(void)state;
	change k = {
		"CREATE TABLE doc (id int, owner text, body text);"
		"ALTER TABLE doc ENABLE ROW LEVEL SECURITY;"
		"CREATE POLICY own ON doc USING (owner = current_user);",
		"CREATE FUNCTION may_see(text) RETURNS bool LANGUAGE sql STABLE AS $$SELECT $1 IS NOT NULL$$;"
		"CREATE TABLE doc (id int, owner text, body text);"
		"ALTER TABLE doc ENABLE ROW LEVEL SECURITY; ALTER TABLE doc FORCE ROW LEVEL SECURITY;"
		"CREATE POLICY own ON doc FOR SELECT TO PUBLIC USING (may_see(owner) AND owner = current_user);"
		"CREATE POLICY no_empty ON doc AS RESTRICTIVE FOR INSERT TO CURRENT_USER WITH CHECK (body <> '');"
		"COMMENT ON POLICY no_empty ON doc IS 'no empty documents';",
		"INSERT INTO doc VALUES (1, current_user, 'x')",
		"SELECT relforcerowsecurity FROM pg_class WHERE relname = 'doc'", "t",
		"SELECT count(*) FROM pg_policy", "1",
	};
	sm_ops up, down;
	run_change(&k, &up, &down);
	assert_sql(&up, "ALTER TABLE public.doc FORCE ROW LEVEL SECURITY");
	assert_op(&up, "drop policy public.own on doc", 0);
	assert_sql(&up, "CREATE POLICY own ON public.doc FOR SELECT TO PUBLIC USING ((public.may_see(owner) AND (owner = CURRENT_USER)))");
	assert_sql(&up, "CREATE POLICY no_empty ON public.doc AS RESTRICTIVE FOR INSERT TO ");
	assert_sql(&up, "COMMENT ON POLICY no_empty ON public.doc IS 'no empty documents'");
	assert_sql(&down, "ALTER TABLE public.doc NO FORCE ROW LEVEL SECURITY");
	rt_sm_ops_free(&up);
	rt_sm_ops_free(&down);
}

/* From nothing to a table with row-level security and a policy, and back. */
static void test_row_level_security_new_table(void **state)
{
	(void)state;
	change k = {
		"SELECT 1",
		"CREATE TABLE doc (id int, owner text);"
		"ALTER TABLE doc ENABLE ROW LEVEL SECURITY;"
		"CREATE POLICY own ON doc USING (owner = current_user);",
		NULL, "SELECT relrowsecurity FROM pg_class WHERE relname = 'doc'", "t", NULL, NULL,
	};
	run_change(&k, NULL, NULL);
}

/* Comments on table constraints, triggers, sequences, schemas (public's too). */
static void test_comments_everywhere(void **state)
{
	(void)state;
	change k = {
		"CREATE SCHEMA app; CREATE SEQUENCE app.s;"
		"CREATE TABLE app.t (id int CONSTRAINT t_pk PRIMARY KEY, n int CONSTRAINT n_pos CHECK (n > 0));"
		"CREATE FUNCTION app.noop() RETURNS trigger LANGUAGE plpgsql AS 'BEGIN RETURN NEW; END';"
		"CREATE TRIGGER quiet BEFORE INSERT ON app.t FOR EACH ROW EXECUTE FUNCTION app.noop();"
		"COMMENT ON SCHEMA app IS 'the app';",
		"CREATE SCHEMA app; CREATE SEQUENCE app.s;"
		"CREATE TABLE app.t (id int CONSTRAINT t_pk PRIMARY KEY, n int CONSTRAINT n_pos CHECK (n > 1));"
		"CREATE FUNCTION app.noop() RETURNS trigger LANGUAGE plpgsql AS 'BEGIN RETURN NEW; END';"
		"CREATE TRIGGER quiet BEFORE INSERT ON app.t FOR EACH ROW EXECUTE FUNCTION app.noop();"
		"COMMENT ON SCHEMA public IS 'public things';"
		"COMMENT ON SEQUENCE app.s IS 'numbers';"
		"COMMENT ON CONSTRAINT t_pk ON app.t IS 'the key';"
		"COMMENT ON CONSTRAINT n_pos ON app.t IS 'positive';"
		"COMMENT ON TRIGGER quiet ON app.t IS 'does nothing';",
		"INSERT INTO app.t VALUES (1, 5)", "SELECT count(*) FROM app.t", "1", NULL, NULL,
	};
	sm_ops up, down;
	run_change(&k, &up, &down);
	assert_sql(&up, "COMMENT ON SCHEMA public IS 'public things'");
	assert_sql(&up, "COMMENT ON SCHEMA app IS NULL");
	assert_sql(&up, "COMMENT ON SEQUENCE app.s IS 'numbers'");
	assert_sql(&up, "COMMENT ON CONSTRAINT t_pk ON app.t IS 'the key'");
	assert_sql(&up, "COMMENT ON CONSTRAINT n_pos ON app.t IS 'positive'"); /* the check is made again */
	assert_sql(&up, "COMMENT ON TRIGGER quiet ON app.t IS 'does nothing'");
	assert_sql(&down, "COMMENT ON SCHEMA public IS NULL");
	assert_sql(&down, "COMMENT ON SCHEMA app IS 'the app'");
	rt_sm_ops_free(&up);
	rt_sm_ops_free(&down);
}

/* ------------------------------------------------------------------ */
/* Partitions                                                            */
/* ------------------------------------------------------------------ */

/*
 * Partitioned tables and their partitions (range, list, default, a
 * sub-partitioned one), with a key, an index and a foreign key on the
 * parent that the partitions inherit, an index of a partition's own; a
 * new partition, one dropped, one whose bound changes (detached and
 * attached again, rows kept), a table that becomes a partition and one
 * that stops being one.
 */
static void test_partitions(void **state)
{
	(void)state;
	change k = {
		"CREATE TABLE customer (id int PRIMARY KEY);"
		"CREATE TABLE payment (id int, customer_id int REFERENCES customer, paid date NOT NULL,"
		" amount numeric, PRIMARY KEY (id, paid)) PARTITION BY RANGE (paid);"
		"CREATE INDEX payment_customer ON payment (customer_id);"
		"CREATE TABLE payment_2022 PARTITION OF payment FOR VALUES FROM ('2022-01-01') TO ('2023-01-01');"
		"CREATE TABLE payment_2023 PARTITION OF payment FOR VALUES FROM ('2023-01-01') TO ('2023-07-01');"
		"CREATE TABLE payment_old PARTITION OF payment FOR VALUES FROM ('2000-01-01') TO ('2022-01-01');"
		"CREATE TABLE payment_2024 (id int NOT NULL, customer_id int, paid date NOT NULL, amount numeric);"
		"CREATE TABLE region (code text, name text) PARTITION BY LIST (code);"
		"CREATE TABLE region_eu PARTITION OF region FOR VALUES IN ('de', 'fr') PARTITION BY LIST (name);"
		"CREATE TABLE region_eu_all PARTITION OF region_eu DEFAULT;",
		"CREATE TABLE customer (id int PRIMARY KEY);"
		"CREATE TABLE payment (id int, customer_id int REFERENCES customer, paid date NOT NULL,"
		" amount numeric, PRIMARY KEY (id, paid)) PARTITION BY RANGE (paid);"
		"CREATE INDEX payment_customer ON payment (customer_id);"
		"CREATE TABLE payment_2022 PARTITION OF payment FOR VALUES FROM ('2022-01-01') TO ('2023-01-01');"
		"CREATE INDEX payment_2022_amount ON payment_2022 (amount);"
		"CREATE TABLE payment_2023 PARTITION OF payment FOR VALUES FROM ('2023-01-01') TO ('2024-01-01');"
		"CREATE TABLE payment_2024 PARTITION OF payment FOR VALUES FROM ('2024-01-01') TO ('2025-01-01');"
		"CREATE TABLE payment_rest PARTITION OF payment DEFAULT;"
		"CREATE TABLE payment_old (id int NOT NULL, customer_id int, paid date NOT NULL, amount numeric);"
		"CREATE TABLE region (code text, name text) PARTITION BY LIST (code);"
		"CREATE TABLE region_eu PARTITION OF region FOR VALUES IN ('de', 'fr', 'it') PARTITION BY LIST (name);"
		"CREATE TABLE region_eu_all PARTITION OF region_eu DEFAULT;"
		"CREATE TABLE region_us PARTITION OF region FOR VALUES IN ('us');",
		"INSERT INTO customer VALUES (1);"
		"INSERT INTO payment VALUES (1, 1, '2022-05-01', 10), (2, 1, '2023-03-01', 20), (3, 1, '2010-01-01', 5);"
		"INSERT INTO payment_2024 VALUES (4, 1, '2024-02-01', 40);"
		"INSERT INTO region VALUES ('de', 'Germany')",
		"SELECT string_agg(id || ':' || tableoid::regclass::text, ',' ORDER BY id) FROM payment",
		"1:payment_2022,2:payment_2023,4:payment_2024",
		"SELECT string_agg(id || ':' || tableoid::regclass::text, ',' ORDER BY id) FROM payment",
		"1:payment_2022,2:payment_2023,3:payment_old",
	};
	sm_ops up, down;
	run_change(&k, &up, &down);
	assert_sql(&up, "ALTER TABLE public.payment DETACH PARTITION public.payment_2023");
	assert_sql(&up, "ALTER TABLE public.payment ATTACH PARTITION public.payment_2023 FOR VALUES FROM ('2023-01-01') TO ('2024-01-01')");
	assert_sql(&up, "ALTER TABLE public.payment DETACH PARTITION public.payment_old");
	assert_sql(&up, "ALTER TABLE public.payment ATTACH PARTITION public.payment_2024 FOR VALUES FROM ('2024-01-01') TO ('2025-01-01')");
	assert_sql(&up, "CREATE TABLE public.payment_rest PARTITION OF public.payment DEFAULT");
	assert_sql(&up, "CREATE TABLE public.region_us PARTITION OF public.region FOR VALUES IN ('us')");
	assert_sql(&up, "CREATE INDEX payment_2022_amount ON public.payment_2022 USING btree (amount)");
	assert_false(has_sql(&up, "payment_2022_pkey")); /* inherited: not the partition's own */
	assert_op(&down, "drop table public.payment_rest", 1);
	rt_sm_ops_free(&up);
	rt_sm_ops_free(&down);
}

/* From nothing: parents before partitions (sub-partitions too); back: partitions first. */
static void test_partitions_from_nothing(void **state)
{
	(void)state;
	change k = {
		"SELECT 1",
		"CREATE TABLE m (k int, at date, v text) PARTITION BY LIST (k);"
		"CREATE TABLE m_b PARTITION OF m FOR VALUES IN (2) PARTITION BY RANGE (at);"
		"CREATE TABLE m_a PARTITION OF m FOR VALUES IN (1);"
		"CREATE TABLE m_b_2024 PARTITION OF m_b FOR VALUES FROM ('2024-01-01') TO ('2025-01-01');"
		"CREATE UNIQUE INDEX m_key ON m (k, at);"
		"ALTER TABLE m_a ADD CONSTRAINT v_short CHECK (length(v) < 10);"
		"COMMENT ON TABLE m_a IS 'ones';",
		NULL, "SELECT count(*) FROM pg_inherits JOIN pg_class c ON c.oid = inhrelid WHERE c.relkind IN ('r', 'p')",
		"3", NULL, NULL,
	};
	sm_ops up, down;
	run_change(&k, &up, &down);
	assert_sql(&up, "ALTER TABLE public.m_a ADD CONSTRAINT v_short CHECK ((length(v) < 10))");
	assert_sql(&up, "CREATE UNIQUE INDEX m_key ON public.m USING btree (k, at)");
	rt_sm_ops_free(&up);
	rt_sm_ops_free(&down);
}

/* ------------------------------------------------------------------ */
/* Privileges (compare_privileges = true)                               */
/* ------------------------------------------------------------------ */

/* Roles are the server's: made once, kept. */
static void make_roles(void)
{
	char *db = db_create("roles");
	rt_conn *c = db_connect(db);
	db_exec(c, "DO $$BEGIN IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = 'rt_reader') THEN "
		   "CREATE ROLE rt_reader; END IF; IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = 'rt_writer') "
		   "THEN CREATE ROLE rt_writer; END IF; END$$");
	PG->disconnect(c);
	db_drop(db);
}

/*
 * Grants on tables (with grant option), columns, views, sequences,
 * functions (PUBLIC's EXECUTE revoked), domains, enum types and schemas,
 * both ways; a new object's grants start from PostgreSQL's defaults.
 */
static void test_privileges(void **state)
{
	(void)state;
	make_roles();
	pgt_privileges = 1;
	change k = {
		"CREATE SCHEMA app; CREATE TABLE t (id int, secret text); GRANT SELECT ON t TO rt_reader;"
		"CREATE FUNCTION f() RETURNS int LANGUAGE sql AS 'SELECT 1';"
		"REVOKE EXECUTE ON FUNCTION f() FROM PUBLIC;"
		"CREATE DOMAIN d AS int; CREATE TYPE e AS ENUM ('x');",
		"CREATE SCHEMA app; GRANT USAGE ON SCHEMA app TO rt_reader;"
		"CREATE TABLE t (id int, secret text);"
		"GRANT SELECT ON t TO rt_reader; GRANT INSERT ON t TO rt_reader WITH GRANT OPTION;"
		"GRANT SELECT (id), UPDATE (id) ON t TO rt_writer;"
		"CREATE SEQUENCE s; GRANT USAGE ON SEQUENCE s TO rt_writer;"
		"CREATE VIEW v AS SELECT id FROM t; GRANT SELECT ON v TO rt_reader;"
		"CREATE FUNCTION f() RETURNS int LANGUAGE sql AS 'SELECT 1';"
		"CREATE FUNCTION g() RETURNS int LANGUAGE sql AS 'SELECT 2';"
		"REVOKE EXECUTE ON FUNCTION g() FROM PUBLIC; GRANT EXECUTE ON FUNCTION g() TO rt_writer;"
		"CREATE DOMAIN d AS int; REVOKE USAGE ON DOMAIN d FROM PUBLIC;"
		"CREATE TYPE e AS ENUM ('x'); GRANT USAGE ON TYPE e TO rt_reader;"
		"GRANT CREATE ON SCHEMA public TO rt_writer;",
		NULL,
		"SELECT has_table_privilege('rt_reader', 't', 'INSERT WITH GRANT OPTION')::text"
		" || has_column_privilege('rt_writer', 't', 'id', 'UPDATE')::text"
		" || has_column_privilege('rt_writer', 't', 'secret', 'SELECT')::text"
		" || has_function_privilege('rt_writer', 'g()', 'EXECUTE')::text"
		" || has_function_privilege('rt_reader', 'g()', 'EXECUTE')::text", "truetruefalsetruefalse",
		"SELECT has_table_privilege('rt_reader', 't', 'INSERT')::text"
		" || has_function_privilege('rt_reader', 'f()', 'EXECUTE')::text"
		" || has_schema_privilege('rt_writer', 'public', 'CREATE')::text", "falsefalsefalse",
	};
	sm_ops up, down;
	run_change(&k, &up, &down);
	pgt_privileges = 0;
	assert_sql(&up, "GRANT INSERT ON TABLE public.t TO rt_reader WITH GRANT OPTION");
	assert_sql(&up, "GRANT SELECT (id), UPDATE (id) ON TABLE public.t TO rt_writer");
	assert_sql(&up, "GRANT EXECUTE ON FUNCTION public.f() TO PUBLIC");
	assert_sql(&up, "REVOKE ALL ON FUNCTION public.g() FROM PUBLIC");
	assert_sql(&up, "REVOKE ALL ON DOMAIN public.d FROM PUBLIC");
	assert_sql(&up, "GRANT USAGE ON SCHEMA app TO rt_reader");
	assert_sql(&down, "REVOKE ALL (id) ON TABLE public.t FROM rt_writer");
	assert_sql(&down, "REVOKE ALL ON SCHEMA public FROM rt_writer");
	rt_sm_ops_free(&up);
	rt_sm_ops_free(&down);
}

/* Without compare_privileges (the default), grants are listed as not compared and left alone. */
static void test_privileges_not_compared(void **state)
{
	(void)state;
	make_roles();
	char *d1 = db_create("a"), *d2 = db_create("b");
	rt_conn *c1 = db_connect(d1), *c2 = db_connect(d2);
	db_exec(c1, "CREATE TABLE t (id int)");
	db_exec(c2, "CREATE TABLE t (id int); GRANT SELECT ON t TO rt_reader");
	sm_schema *a = db_introspect(c1), *b = db_introspect(c2);
	assert_int_equal(b->nunsupported, 1);
	assert_string_equal(b->unsupported[0], "privileges on table public.t");
	sm_ops ops;
	diff(a, b, &ops);
	assert_int_equal(ops.n, 0);
	rt_sm_ops_free(&ops);
	rt_sm_free(a);
	rt_sm_free(b);
	PG->disconnect(c1);
	PG->disconnect(c2);
	db_drop(d1);
	db_drop(d2);
}

/* ------------------------------------------------------------------ */
/* Rename hints with the new kinds                                      */
/* ------------------------------------------------------------------ */

/*
 * A table renamed by its hint keeps its policies (with their comment),
 * extended statistics, statistics targets and row-level security; a
 * partitioned table renamed keeps its partitions, and its partition key
 * column renamed is renamed on every partition: the migration is renames
 * only, and the database is then exactly the declared schema, and back.
 */
static void test_rename_hints_kinds(void **state)
{
	(void)state;
	static const char *const before =
		"CREATE TABLE users (id bigint PRIMARY KEY, email text NOT NULL, region text NOT NULL);"
		"ALTER TABLE users ALTER COLUMN email SET STATISTICS 500;"
		"CREATE STATISTICS users_st (dependencies) ON email, region FROM users;"
		"ALTER TABLE users ENABLE ROW LEVEL SECURITY;"
		"CREATE POLICY own ON users USING (email IS NOT NULL) WITH CHECK (users.email <> '');"
		"COMMENT ON POLICY own ON users IS 'own rows';"
		"CREATE TABLE events (id bigint, happened date NOT NULL, user_id bigint REFERENCES users (id))"
		" PARTITION BY RANGE (happened);"
		"CREATE TABLE events_2026 PARTITION OF events FOR VALUES FROM ('2026-01-01') TO ('2027-01-01');"
		"CREATE TABLE events_rest PARTITION OF events DEFAULT;"
		"CREATE POLICY mine ON events_2026 USING (happened IS NOT NULL);";
	static const char *const after =
		"CREATE TABLE accounts (id bigint PRIMARY KEY, mail text NOT NULL, region text NOT NULL);"
		"ALTER TABLE accounts ALTER COLUMN mail SET STATISTICS 500;"
		"CREATE STATISTICS users_st (dependencies) ON mail, region FROM accounts;"
		"ALTER TABLE accounts ENABLE ROW LEVEL SECURITY;"
		"CREATE POLICY own ON accounts USING (mail IS NOT NULL) WITH CHECK (accounts.mail <> '');"
		"COMMENT ON POLICY own ON accounts IS 'own rows';"
		"CREATE TABLE activity (id bigint, occurred date NOT NULL, user_id bigint REFERENCES accounts (id))"
		" PARTITION BY RANGE (occurred);"
		"CREATE TABLE events_2026 PARTITION OF activity FOR VALUES FROM ('2026-01-01') TO ('2027-01-01');"
		"CREATE TABLE events_rest PARTITION OF activity DEFAULT;"
		"CREATE POLICY mine ON events_2026 USING (occurred IS NOT NULL);";
	char *dold = db_create("rk_old"), *dnew = db_create("rk_new"), *dwork = db_create("rk_work");
	rt_conn *co = db_connect(dold), *cn = db_connect(dnew), *w = db_connect(dwork);
	db_exec(co, before);
	db_exec(cn, after);
	db_exec(w, before);
	db_exec(w, "INSERT INTO users VALUES (1, 'a@x', 'eu'); INSERT INTO events VALUES (1, '2026-05-01', 1)");
	sm_schema *sold = db_introspect(co), *snew = db_introspect(cn), *a = db_introspect(w);
	sm_table *t = (sm_table *)rt_sm_find_table(snew, "public", "accounts");
	t->renamed_from = rt_xstrdup("users");
	((sm_column *)rt_sm_find_column(t, "mail"))->renamed_from = rt_xstrdup("email");
	t = (sm_table *)rt_sm_find_table(snew, "public", "activity");
	t->renamed_from = rt_xstrdup("events");
	((sm_column *)rt_sm_find_column(t, "occurred"))->renamed_from = rt_xstrdup("happened");
	sm_ops up = { 0 }, down = { 0 }, changes = { 0 };
	rt_error err = { 0 };
	sm_renames rn;
	rt_sm_renames_gather(a, snew, &rn);
	assert_int_equal(rn.n, 4);
	if (rt_sm_renames_apply(PG, a, snew, &rn, 0, &up, &err) < 0)
		fail_msg("renames: %s", err.message);
	diff(a, snew, &changes);
	rt_sm_ops_append(&up, &changes);
	if (rt_sm_renames_apply(PG, snew, sold, &rn, 1, &down, &err) < 0)
		fail_msg("renames back: %s", err.message);
	diff(snew, sold, &changes);
	rt_sm_ops_append(&down, &changes);
	rt_sm_renames_free(&rn);
	for (size_t i = 0; i < up.n; i++)
		if (strncmp(up.v[i].what, "rename ", 7)) {
			strbuf all = STRBUF_INIT;
			ops_text(&up, &all);
			fail_msg("the upgrade does more than rename: %s\n%s", up.v[i].what, all.buf);
		}
	for (size_t i = 0; i < down.n; i++)
		if (strncmp(down.v[i].what, "rename ", 7)) {
			strbuf all = STRBUF_INIT;
			ops_text(&down, &all);
			fail_msg("the downgrade does more than rename: %s\n%s", down.v[i].what, all.buf);
		}
	apply(w, &up);
	sm_schema *got = db_introspect(w), *want = db_introspect(cn);
	assert_same(want, got, "after the renames");
	rt_sm_free(want);
	assert_str_free(db_value(w, "SELECT mail || occurred FROM accounts JOIN events_2026 ON user_id = accounts.id"),
			"a@x2026-05-01");
	rt_sm_free(got);
	apply(w, &down);
	got = db_introspect(w);
	assert_same(sold, got, "after the renames back");
	rt_sm_free(got);
	rt_sm_ops_free(&up);
	rt_sm_ops_free(&down);
	rt_sm_free(a);
	rt_sm_free(sold);
	rt_sm_free(snew);
	PG->disconnect(co);
	PG->disconnect(cn);
	PG->disconnect(w);
	db_drop(dold);
	db_drop(dnew);
	db_drop(dwork);
}

/*
 * Comments on view columns: set, changed and removed on a view kept
 * (CREATE OR REPLACE keeps them), and set again on a view made anew.
 */
static void test_view_column_comments(void **state)
{
	(void)state;
	change k = {
		.old_sql = "CREATE TABLE t (a int, b text, c int);"
			   "CREATE VIEW v AS SELECT a, b FROM t;"
			   "COMMENT ON COLUMN v.a IS 'first';"
			   "COMMENT ON COLUMN v.b IS 'gone';"
			   "CREATE VIEW w AS SELECT a FROM t;"
			   "COMMENT ON COLUMN w.a IS 'w a';",
		.new_sql = "CREATE TABLE t (a int, b text, c int);"
			   "CREATE VIEW v AS SELECT a, b FROM t;"
			   "COMMENT ON COLUMN v.a IS 'changed';"
			   "CREATE VIEW w AS SELECT c AS a FROM t;"
			   "COMMENT ON COLUMN w.a IS 'w a';",
		.check_up = "SELECT col_description('v'::regclass, 1) || coalesce(col_description('v'::regclass, 2), '-')"
			    " || col_description('w'::regclass, 1)",
		.up_value = "changed-w a",
		.check_down = "SELECT col_description('v'::regclass, 1) || col_description('v'::regclass, 2)",
		.down_value = "firstgone",
	};
	sm_ops up, down;
	run_change(&k, &up, &down);
	assert_sql(&up, "COMMENT ON COLUMN public.v.a IS 'changed'");
	assert_sql(&up, "COMMENT ON COLUMN public.v.b IS NULL");
	assert_sql(&down, "COMMENT ON COLUMN public.v.b IS 'gone'");
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
		cmocka_unit_test_teardown(test_operator_classes, teardown),
		cmocka_unit_test_teardown(test_text_search, teardown),
		cmocka_unit_test_teardown(test_statistics_and_settings, teardown),
		cmocka_unit_test_teardown(test_statistics_on_retyped_column, teardown),
		cmocka_unit_test_teardown(test_row_level_security, teardown),
		cmocka_unit_test_teardown(test_row_level_security_new_table, teardown),
		cmocka_unit_test_teardown(test_comments_everywhere, teardown),
		cmocka_unit_test_teardown(test_partitions, teardown),
		cmocka_unit_test_teardown(test_partitions_from_nothing, teardown),
		cmocka_unit_test_teardown(test_privileges, teardown),
		cmocka_unit_test_teardown(test_privileges_not_compared, teardown),
		cmocka_unit_test_teardown(test_rename_hints_kinds, teardown),
		cmocka_unit_test_teardown(test_view_column_comments, teardown),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
