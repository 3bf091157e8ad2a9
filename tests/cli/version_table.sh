#!/bin/bash
# version_table.sh - the version table is read once under the migration
# lock; every UPDATE/DELETE of it must then change exactly one row, or the
# step is rolled back (something else changed the table).
. "$(dirname "$0")/lib.sh"

test_version_table_changed_underneath_rolls_back() {
	project
	mig v1 "" "first" "CREATE TABLE first_t (id INTEGER);" "DROP TABLE first_t;" >/dev/null
	mig v2 v1 "meddles" "CREATE TABLE second_t (id INTEGER);
DELETE FROM retort_version;" "DROP TABLE second_t;" >/dev/null
	rt upgrade head
	expect_rc 1
	expect_err_has "the version table retort_version changed while retort was migrating: UPDATE of v1 matched 0 rows, not 1"
	expect_versions "v1"
	has_table second_t && fail "the step was not rolled back"
	expect_q "SELECT count(*) FROM retort_version_history" "1"
}

test_stamp_checks_rows_too() {
	project
	mig v1 "" "first" "CREATE TABLE first_t (id INTEGER);" "" >/dev/null
	mig v2 v1 "second" "CREATE TABLE second_t (id INTEGER);" "" >/dev/null
	rt stamp v1
	expect_rc 0
	rt stamp v2
	expect_rc 0
	expect_versions "v2"
	expect_q "SELECT direction, revision, from_revisions, to_revisions FROM retort_version_history ORDER BY id" "stamp|v1||v1
stamp|v2|v1|v2"
}

run_tests
