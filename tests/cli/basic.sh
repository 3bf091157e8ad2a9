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

# What the project makes at run time stays out of git: the SQLite database
# (and its journal), backups/ and the graph cache; an existing .gitignore is
# added to, not replaced.
sqlite_test_init_gitignore_keeps_database_and_backups_out_of_git() {
	command -v git >/dev/null || fail "git is needed"
	git init -q repo
	printf 'node_modules/\n/backups/' > repo/.gitignore
	rt init repo
	expect_rc 0
	expect_err_has "Updated repo/.gitignore"
	grep -qx 'node_modules/' repo/.gitignore || fail "the existing lines were lost"
	[ "$(grep -cx '/backups/' repo/.gitignore)" = 1 ] || fail "a line already there was added again"
	cd repo || fail "no repo"
	rt revision -m "create users"
	expect_rc 0
	rt upgrade head
	expect_rc 0
	rt backup
	expect_rc 0
	rt status # writes the graph cache, migrations/.retort-graph
	expect_rc 0
	[ -e app.db ] && [ -n "$(ls backups)" ] || fail "no database or backup made"
	[ -f migrations/.retort-graph ] || fail "no graph cache written"
	git add -A
	local tracked
	tracked=$(git diff --cached --name-only | sort | tr '\n' ' ')
	case $tracked in
	".gitignore migrations/"*"_create_users.sql retort.ini schema.sql ") ;;
	*) fail "git would track: $tracked" ;;
	esac
	cd .. || fail "cd"
	rt init fresh
	expect_rc 0
	expect_err_has "Created fresh/.gitignore"
	grep -qx '/app.db' fresh/.gitignore && grep -qx '/backups/' fresh/.gitignore || fail "fresh .gitignore: $(cat fresh/.gitignore)"
}

run_tests
