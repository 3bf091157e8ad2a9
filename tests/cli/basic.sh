#!/bin/bash
# basic.sh - the first end-to-end path: init, revision, upgrade, current, downgrade.
. "$(dirname "$0")/lib.sh"

test_upgrade_and_downgrade_linear() {
	project
	mig aaaa0001 "" "create users" "CREATE TABLE users (id INTEGER PRIMARY KEY);" "DROP TABLE users;" >/dev/null
	mig aaaa0002 aaaa0001 "add email" "ALTER TABLE users ADD COLUMN email TEXT;" "ALTER TABLE users DROP COLUMN email;" >/dev/null
	rt upgrade head
	expect_rc 0
	expect_versions "aaaa0002"
	has_table users || fail "users missing"
	rt current
	expect_out "aaaa0002 (head)"
	rt downgrade -1
	expect_rc 0
	expect_versions "aaaa0001"
	rt downgrade base
	expect_versions ""
	has_table users && fail "users still there"
	return 0
}

sqlite_test_init_writes_project() {
	rt init proj
	expect_rc 0
	[ -f proj/retort.ini ] && [ -d proj/migrations ] && [ -f proj/schema.sql ] || fail "files missing"
	rt init proj
	expect_rc 1
	expect_err_has "already exists"
}

run_tests
