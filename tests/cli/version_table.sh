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
	expect_q "SELECT direction FROM retort_version_history ORDER BY id" "upgrade
failed"
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

# A database Alembic migrated has its version table but no history table:
# retort takes it over (upgrade, stamp, and --sql from a range).
test_takes_over_a_database_alembic_migrated() {
	project "version_table = alembic_version"
	mig aaaa "" "first" "CREATE TABLE first_t (id INTEGER);" "DROP TABLE first_t;" >/dev/null
	mig bbbb aaaa "second" "CREATE TABLE second_t (id INTEGER);" "DROP TABLE second_t;" >/dev/null
	q "CREATE TABLE alembic_version (version_num VARCHAR(32) NOT NULL PRIMARY KEY); CREATE TABLE first_t (id INTEGER); INSERT INTO alembic_version VALUES ('aaaa');" >/dev/null
	rt upgrade aaaa:head --sql
	expect_rc 0
	expect_out_has "CREATE TABLE IF NOT EXISTS alembic_version_history ("
	rt upgrade head
	expect_rc 0
	expect_q "SELECT version_num FROM alembic_version" "bbbb"
	expect_q "SELECT direction, revision FROM alembic_version_history" "upgrade|bbbb"
	q "DROP TABLE alembic_version_history" >/dev/null
	rt stamp aaaa
	expect_rc 0
	expect_q "SELECT version_num FROM alembic_version" "aaaa"
}

run_tests
