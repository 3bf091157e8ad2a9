#!/bin/bash
# downgrade.sh - reverting migrations: targets, branches, a missing
# downgrade section, and a failing downgrade that leaves nothing behind.
. "$(dirname "$0")/lib.sh"

chain() {  # aaaa -> bbbb -> cccc
	project
	tmig aaaa ""
	tmig bbbb aaaa
	tmig cccc bbbb
}

test_downgrade_targets() {
	chain
	rt upgrade head
	expect_rc 0
	rt downgrade bbbb
	expect_rc 0
	expect_steps "downgrade cccc -> bbbb"
	expect_db "bbbb" "t_aaaa t_bbbb"
	rt downgrade bbbb
	expect_rc 0
	expect_steps
	expect_db "bbbb" "t_aaaa t_bbbb"
	rt downgrade -5
	expect_rc 1
	expect_err_has "Relative revision -5 didn't produce 5 migrations"
	expect_db "bbbb" "t_aaaa t_bbbb"
	rt downgrade +1
	expect_rc 1
	expect_err_has "Relative revision +1 didn't produce 1 migrations: +1 goes up"
	expect_db "bbbb" "t_aaaa t_bbbb"
	rt downgrade cccc
	expect_rc 1
	expect_err_has "Destination cccc is not a valid downgrade target"
	rt downgrade base
	expect_rc 0
	expect_steps "downgrade bbbb -> aaaa" "downgrade aaaa -> "
	expect_db "" ""
	expect_q "SELECT revision || ' ' || direction FROM retort_version_history ORDER BY id" "aaaa upgrade
bbbb upgrade
cccc upgrade
cccc downgrade
bbbb downgrade
aaaa downgrade"
}

test_downgrade_of_an_empty_database() {
	chain
	rt downgrade base
	expect_rc 0
	expect_db "" ""
	rt downgrade -1
	expect_rc 1
	expect_db "" ""
}

test_downgrade_range_needs_sql() {
	chain
	rt upgrade head
	rt downgrade cccc:aaaa
	expect_rc 2
	expect_err_has "only allowed with --sql"
	expect_db "cccc" "t_aaaa t_bbbb t_cccc"
}

test_missing_downgrade_section() {
	project
	tmig aaaa ""
	printf -- '-- Revision ID: bbbb\n-- Revises: aaaa\n\n-- migrate:upgrade\nCREATE TABLE t_bbbb (id INTEGER);\n' > migrations/bbbb.sql
	rt upgrade head
	expect_rc 0
	expect_db "bbbb" "t_aaaa t_bbbb"
	rt downgrade base
	expect_rc 1
	expect_err_has "migrations/bbbb.sql"
	expect_err_has "no '-- migrate:downgrade' section"
	expect_err_has "retort stamp"
	# nothing ran, not even aaaa's downgrade
	expect_db "bbbb" "t_aaaa t_bbbb"
}

test_failing_downgrade_leaves_nothing() {
	chain
	mig dddd cccc "bad down" "CREATE TABLE t_dddd (id INTEGER);" "DROP TABLE t_dddd;
DROP TABLE t_nosuch;" >/dev/null
	rt upgrade head
	expect_rc 0
	rt downgrade bbbb
	expect_rc 1
	expect_err_has "migrations/dddd_bad_down.sql:11"
	expect_err_has "dddd"
	expect_db "dddd" "t_aaaa t_bbbb t_cccc t_dddd"
	expect_q "SELECT count(*) FROM retort_version_history WHERE direction = 'downgrade'" "0"
}

test_downgrade_one_branch_keeps_the_other() {
	project
	tmig aaaa ""
	tmig bbbb aaaa "-- Branch Labels: bl"
	tmig cccc aaaa "-- Branch Labels: cl"
	rt upgrade heads
	expect_db "bbbb cccc" "t_aaaa t_bbbb t_cccc"
	rt downgrade -1
	expect_rc 1
	expect_err_has "Ambiguous downgrade from multiple current revisions"
	expect_err_has "@-1"
	rt downgrade bl@-1
	expect_rc 0
	expect_steps "downgrade bbbb -> aaaa"
	expect_db "cccc" "t_aaaa t_cccc"
	rt downgrade bl@-1
	expect_rc 1
	expect_db "cccc" "t_aaaa t_cccc"
	rt downgrade cl@base
	expect_rc 0
	expect_db "aaaa" "t_aaaa"
	# downgrade to a revision reverts everything above it, on every branch
	rt upgrade heads
	rt downgrade aaaa
	expect_rc 0
	expect_db "aaaa" "t_aaaa"
}

# Alembic accepts any revision id where a branch label goes (bbbb@-1): the
# hint of 'downgrade -1' from two heads suggests exactly that form.
test_downgrade_branch_named_by_revision_id() {
	project
	tmig aaaa ""
	tmig bbbb aaaa
	tmig cccc aaaa
	rt upgrade heads
	expect_db "bbbb cccc" "t_aaaa t_bbbb t_cccc"
	rt downgrade bbbb@-1
	expect_rc 0
	expect_steps "downgrade bbbb -> aaaa"
	expect_db "cccc" "t_aaaa t_cccc"
	# bbbb's branch is no longer applied: nothing below it may go
	rt downgrade bbbb@-1
	expect_rc 1
	expect_db "cccc" "t_aaaa t_cccc"
}

# downgrade -1 steps down from the version-table rows: a revision only
# implied through depends_on is no second head (Flask-Migrate's default
# downgrade works in projects that use depends_on).
test_relative_downgrade_with_a_dependency() {
	project
	tmig sh01 ""
	tmig ac01 ""
	tmig ac02 ac01 "-- Depends On: sh01"
	rt upgrade ac02
	expect_rc 0
	expect_versions "ac02"
	rt show -1
	expect_rc 0
	expect_out_has "Rev: ac01"
	rt downgrade -1
	expect_rc 0
	expect_versions "ac01 sh01"
}

run_tests
