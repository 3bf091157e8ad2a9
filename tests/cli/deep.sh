#!/bin/bash
# tests/cli/deep.sh - statements nested deeper than a stack holds (SELECT
# 1+1+...+1 with thousands of terms, long UNION chains, nested subqueries)
# never crash the splitter, lint or upgrade: they are parsed on a stack that
# fits, and one too deep for retort's limit is refused naming file:line,
# exit 1, nothing run.
. "$(dirname "$0")/lib.sh"

# A migration m001 whose upgrade is CREATE TABLE t_m001 and then the
# statement made by python expression $1 (line 8 of the file).
deep_mig() {
	local stmt
	stmt=$(/usr/bin/python3 -c "print($1)")
	mig m001 "" "deep" "CREATE TABLE t_m001 (id INTEGER);
$stmt;" "DROP TABLE t_m001;" >/dev/null
}

# lint, upgrade --sql and upgrade on the migration; none may crash, and
# the database is as it was when upgrade fails.
expect_no_crash() {
	rt lint
	[ "$RC" -le 1 ] || fail "lint exited $RC"
	rt upgrade head --sql
	[ "$RC" -le 1 ] || fail "upgrade --sql exited $RC"
	rt upgrade head
	[ "$RC" -le 1 ] || fail "upgrade exited $RC"
}

# 4,500 terms: deeper than 8 MiB of stack held when libpg_query wrote the
# tree out; the server itself refuses it (max_stack_depth), SQLite too.
test_4500_terms_do_not_crash() {
	project
	deep_mig "'SELECT ' + '+'.join(['1'] * 4500)"
	expect_no_crash
	expect_rc 1
	expect_err_has "migrations/m001_deep.sql:8"
	expect_db "" ""
	rt upgrade head --sql
	expect_rc 0
	expect_out_has "SELECT 1+1+1+1"
}

pg_test_deep_union_and_subqueries_do_not_crash() {
	project
	deep_mig "' UNION ALL '.join(['SELECT 1'] * 9000)"
	expect_no_crash
	deep_mig "'SELECT ' + '(SELECT ' * 2500 + '1' + ')' * 2500"
	expect_no_crash
}

# Past retort's limit the statement is refused before anything runs, with
# the same error from upgrade, upgrade --sql and lint.
pg_test_too_deep_is_refused_naming_the_line() {
	project
	deep_mig "'SELECT ' + '+'.join(['1'] * 25000)"
	for cmd in "upgrade head" "upgrade head --sql"; do
		rt $cmd
		expect_rc 1
		expect_err_has "migrations/m001_deep.sql:8:1: this statement nests too deeply for retort's parser (up to 25000 levels; at most 10000)"
		expect_err_has "nothing was run"
		expect_out_lacks "CREATE TABLE"
	done
	expect_db "" ""
	has_table retort_version && fail "the version table was created"
	rt lint
	expect_rc 1
	expect_out_has "migrations/m001_deep.sql:8:1: syntax-error: this statement nests too deeply"
}

run_tests
