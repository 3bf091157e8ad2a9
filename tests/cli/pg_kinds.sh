#!/bin/bash
# pg_kinds.sh - PostgreSQL object kinds as a user meets them: a real
# structure.sql as schema.sql on an empty database, nothing made by hand
# first; autogenerate, upgrade, check, verify and downgrade.
. "$(dirname "$0")/lib.sh"

CORPUS=${RETORT_TEST_SCHEMAS:-$(cd "$(dirname "$0")/../.." && pwd)/../shared/schemas}

# The first migration of a project whose schema.sql is from the corpus or
# written by the test (lib.sh).
journey() { schema_journey; }

# Extensions: a column of one's type, indexes with their operator classes.
pg_test_extensions_from_a_structure_sql() {
	cat > schema.sql <<'SQL'
CREATE EXTENSION IF NOT EXISTS cube WITH SCHEMA public;
CREATE EXTENSION IF NOT EXISTS pg_trgm WITH SCHEMA public;
COMMENT ON EXTENSION pg_trgm IS 'text similarity measurement and index searching based on trigrams';
CREATE TABLE public.points (id bigint NOT NULL, at public.cube, label text);
CREATE INDEX index_points_on_label ON public.points USING gin (label public.gin_trgm_ops);
SQL
	journey
	expect_q "SELECT count(*) FROM pg_extension WHERE extname IN ('cube', 'pg_trgm')" "0"
	rt upgrade head
	expect_q "SELECT string_agg(extname, ',' ORDER BY extname) FROM pg_extension WHERE extname <> 'plpgsql'" "cube,pg_trgm"
	# an extension made by hand is drift, and verify says how to undo it
	q "CREATE EXTENSION hstore"
	rt verify
	expect_rc 1
	expect_out_has "DROP EXTENSION hstore"
}

# danbooru's db/structure.sql as it is: five extensions first.
pg_test_danbooru_structure_sql() {
	cp "$CORPUS/pg/danbooru-structure.sql" schema.sql || fail "no corpus"
	journey
	expect_q "SELECT count(*) FROM pg_extension WHERE extname <> 'plpgsql'" "0"
	expect_q "SELECT count(*) FROM pg_tables WHERE schemaname = 'public' AND tablename NOT LIKE 'retort%'" "0"
}

# pagila and sakila as they are: domains (one over integer with a check, one
# with a non-ASCII name), an aggregate over a function of the file.
pg_test_pagila_and_sakila() {
	local f
	for f in pagila-schema.noowner.sql sakila-postgres-schema.noowner.sql; do
		rm -rf migrations
		cp "$CORPUS/pg/$f" schema.sql || fail "no corpus"
		journey
		expect_q "SELECT count(*) FROM pg_type WHERE typtype = 'd' AND typnamespace = 'public'::regnamespace" "0"
		expect_q "SELECT count(*) FROM pg_proc WHERE pronamespace = 'public'::regnamespace" "0"
	done
}

# compare_privileges = true: the GRANTs of schema.sql are part of the schema.
pg_test_privileges_compared() {
	q "DO \$\$BEGIN IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = 'rt_app_ro') THEN CREATE ROLE rt_app_ro; END IF; END\$\$"
	cat > schema.sql <<'SQL'
CREATE TABLE public.report (id bigint PRIMARY KEY, body text);
GRANT SELECT ON public.report TO rt_app_ro;
SQL
	project "schema = schema.sql" "compare_privileges = true"
	rt revision --autogenerate -m "reports"
	expect_rc 0
	grep -q "GRANT SELECT ON TABLE public.report TO rt_app_ro" "$OUT" || fail "no GRANT in $(cat "$OUT")"
	grep -q "REVOKE ALL ON TABLE public.report FROM rt_app_ro" "$OUT" && fail "a REVOKE in the upgrade"
	rt upgrade head
	expect_rc 0
	expect_q "SELECT has_table_privilege('rt_app_ro', 'report', 'SELECT')" "t"
	rt check
	expect_rc 0
	q "REVOKE SELECT ON report FROM rt_app_ro"
	rt verify
	expect_rc 1
	expect_out_has "GRANT SELECT ON TABLE public.report TO rt_app_ro"
	# without the setting, grants are not compared: listed, not drift
	sed -i '/compare_privileges/d' retort.ini
	rt verify
	expect_rc 0
	expect_out_has "privileges on table public.report"
}

# A table of a type retort does not compare (a base type: shell, I/O
# functions, CREATE TYPE): autogenerate refuses, naming both, and writes
# nothing; made by hand first, the type and its functions are left alone.
BASE_TYPE="CREATE TYPE public.tag;
CREATE FUNCTION public.tag_in(cstring) RETURNS public.tag LANGUAGE internal IMMUTABLE STRICT AS 'textin';
CREATE FUNCTION public.tag_out(public.tag) RETURNS cstring LANGUAGE internal IMMUTABLE STRICT AS 'textout';
CREATE TYPE public.tag (INPUT = public.tag_in, OUTPUT = public.tag_out, LIKE = text);"
pg_test_autogenerate_refuses_what_would_fail() {
	printf '%s\n%s\n' "$BASE_TYPE" "CREATE TABLE public.offer (id bigint PRIMARY KEY, label public.tag);" > schema.sql
	project "schema = schema.sql"
	rt revision --autogenerate -m "offers"
	expect_rc 1
	expect_err_has "column label of table public.offer uses type public.tag, which retort does not compare"
	[ -z "$(ls migrations)" ] || fail "a migration was written"
	q "$BASE_TYPE"
	rt revision --autogenerate -m "offers"
	expect_rc 0
	expect_err_has "not compared"
	grep -q "FUNCTION" migrations/*.sql && fail "the migration makes the type's functions again"
	rt upgrade head
	expect_rc 0
	has_table offer || fail "offer missing"
}

# A composite type and a range type from the schema file: made before the
# table that uses them, and the composite type gains an attribute in place.
pg_test_autogenerate_composite_and_range_types() {
	cat > schema.sql <<'SQL'
CREATE TYPE public.addr AS (street text, city text);
CREATE TYPE public.price_range AS RANGE (subtype = numeric);
CREATE TABLE public.offer (id bigint PRIMARY KEY, ship_to public.addr, price public.price_range);
SQL
	project "schema = schema.sql"
	rt revision --autogenerate -m "offers"
	expect_rc 0
	rt upgrade head
	expect_rc 0
	q "INSERT INTO offer VALUES (1, ROW('Main St', 'Springfield'), '[1,5)')" >/dev/null
	sed -i 's/(street text, city text)/(street text, city text, zip text)/' schema.sql
	rt revision --autogenerate -m "zip"
	expect_rc 0
	grep -q "ADD ATTRIBUTE zip text" migrations/*zip*.sql || fail "no ALTER TYPE ... ADD ATTRIBUTE"
	rt upgrade head
	expect_rc 0
	expect_q "SELECT (ship_to).city FROM offer" "Springfield"
	rt check
	expect_rc 0
	# drift: an attribute added by hand is found, with the statement that undoes it
	q "ALTER TYPE addr ADD ATTRIBUTE note text"
	rt verify
	expect_rc 1
	expect_out_has "DROP ATTRIBUTE note"
	q "ALTER TYPE addr DROP ATTRIBUTE note"
	rt downgrade -1
	expect_rc 0
	expect_q "SELECT (ship_to).street FROM offer" "Main St"
}

run_tests
