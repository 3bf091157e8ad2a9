#!/bin/bash
# pg_kinds.sh - PostgreSQL object kinds as a user meets them: a real
# structure.sql as schema.sql on an empty database, nothing made by hand
# first; autogenerate, upgrade, check, verify and downgrade.
. "$(dirname "$0")/lib.sh"

CORPUS=${RETORT_TEST_SCHEMAS:-$(cd "$(dirname "$0")/../.." && pwd)/../shared/schemas}

# The first migration of a project whose schema.sql is FILE (from the corpus
# or written by the test): upgrade, check, verify; then down to nothing.
journey() {
	project "schema = schema.sql"
	rt revision --autogenerate -m "initial schema"
	expect_rc 0
	rt upgrade head
	expect_rc 0
	rt check
	expect_rc 0
	rt verify
	expect_rc 0
	expect_out_has "ok    drift         the database matches its migrations"
	rt downgrade base
	expect_rc 0
}

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

# A table of a type retort does not compare: autogenerate refuses, naming
# both, and writes nothing; made by hand first, the type is left alone.
pg_test_autogenerate_refuses_what_would_fail() {
	cat > schema.sql <<'SQL'
CREATE TYPE public.money_range AS RANGE (subtype = numeric);
CREATE TABLE public.offer (id bigint PRIMARY KEY, price public.money_range);
SQL
	project "schema = schema.sql"
	rt revision --autogenerate -m "offers"
	expect_rc 1
	expect_err_has "column price of table public.offer uses type public.money_range, which retort does not compare"
	[ -z "$(ls migrations)" ] || fail "a migration was written"
	q "CREATE TYPE public.money_range AS RANGE (subtype = numeric)"
	rt revision --autogenerate -m "offers"
	expect_rc 0
	expect_err_has "not compared"
	rt upgrade head
	expect_rc 0
	has_table offer || fail "offer missing"
}

run_tests
