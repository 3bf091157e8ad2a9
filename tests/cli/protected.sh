#!/bin/bash
# protected.sh - an environment marked protected = true: every command that
# changes its database other than upgrade (downgrade, stamp, reset, seed,
# create) asks for the environment's name on a terminal, and elsewhere
# refuses, changing nothing, unless given --confirm NAME.
. "$(dirname "$0")/lib.sh"

protected_project() {
	project "schema = schema.sql" "[env:production]" "protected = true"
	mig p1 "" "one" "CREATE TABLE t_p1 (id INTEGER);" "DROP TABLE t_p1;" >/dev/null
	mig p2 p1 "two" "CREATE TABLE t_p2 (id INTEGER);" "DROP TABLE t_p2;" >/dev/null
	printf 'CREATE TABLE t_p1 (id INTEGER);\nCREATE TABLE t_p2 (id INTEGER);\n' > schema.sql
	mkdir -p seeds
	echo "INSERT INTO t_p1 VALUES (1);" > seeds/demo.sql
}

# Run retort on a terminal (script(1) gives it one), typing $1.
on_terminal() {  # typed, args...
	local typed=$1
	shift
	LAST_ARGS="$* (on a terminal, typing '$typed')"
	OUT=$(printf '%s\n' "$typed" | script -qec "$(printf '%q ' "$RETORT" "$@")" /dev/null 2>&1)
	RC=$?
	ERR=$OUT
	grep -q "Sanitizer" <<<"$OUT" && fail "sanitizer report"
	return 0
}

test_protected_commands_refuse_without_confirmation() {
	protected_project
	rt -e production upgrade head
	expect_rc 0
	expect_db "p2" "t_p1 t_p2"
	local history
	history=$(q "SELECT count(*) FROM retort_version_history")
	rt -e production downgrade base
	expect_rc 2
	expect_err_has "environment 'production' is marked protected: downgrade changes its database and needs a confirmation"
	expect_err_has "pass --confirm production"
	rt -e production stamp base
	expect_rc 2
	expect_err_has "stamp changes its database"
	rt -e production seed demo
	expect_rc 2
	expect_err_has "seed changes its database"
	rt -e production reset --yes
	expect_rc 2
	expect_err_has "reset changes its database"
	rt -e production create
	expect_rc 2
	expect_err_has "create changes its database"
	expect_db "p2" "t_p1 t_p2"
	expect_q "SELECT count(*) FROM t_p1" "0"
	expect_q "SELECT count(*) FROM retort_version_history" "$history"
	# offline nothing changes: no confirmation
	rt -e production downgrade head:base --sql
	expect_rc 0
	expect_out_has "DROP TABLE t_p2"
	rt -e production stamp base --sql
	expect_rc 0
	# another environment's name is no confirmation
	rt -e production --confirm staging downgrade -1
	expect_rc 2
	expect_err_has "--confirm 'staging' does not name this environment ('production')"
	expect_db "p2" "t_p1 t_p2"
}

test_protected_commands_run_with_confirm() {
	protected_project
	rt -e production upgrade head
	rt -e production downgrade -1 --confirm production
	expect_rc 0
	expect_db "p1" "t_p1"
	rt --confirm=production -e production stamp p2
	expect_rc 0
	expect_versions "p2"
	rt -e production stamp p1 --confirm production
	expect_rc 0
	expect_versions "p1"
	rt -e production seed demo --confirm production
	expect_rc 0
	expect_q "SELECT count(*) FROM t_p1" "1"
	# the environment that is not protected needs nothing
	rt downgrade base
	expect_rc 0
	expect_db "" ""
}

sqlite_test_protected_reset_and_create_with_confirm() {
	protected_project
	rt -e production create --confirm production
	expect_rc 0
	expect_db "p2" "t_p1 t_p2"
	q "INSERT INTO t_p2 VALUES (5)"
	rt -e production reset --confirm production
	expect_rc 0
	expect_db "p2" "t_p1 t_p2"
	expect_q "SELECT count(*) FROM t_p2" "0"
}

# protected = true in [retort] protects running with no environment too:
# its name is "default".
sqlite_test_protected_without_an_environment() {
	project "protected = true"
	tmig p1 ""
	rt upgrade head
	rt downgrade base
	expect_rc 2
	expect_err_has "environment 'default' is marked protected"
	rt downgrade base --confirm default
	expect_rc 0
	expect_db "" ""
}

# On a terminal retort asks for the name; anything else cancels.
sqlite_test_protected_asks_on_a_terminal() {
	protected_project
	rt -e production upgrade head
	on_terminal "yes" -e production downgrade -1
	expect_rc 1
	expect_err_has "Type the environment's name to go on"
	expect_err_has "downgrade cancelled: nothing was changed"
	expect_versions "p2"
	on_terminal "production" -e production downgrade -1
	expect_rc 0
	expect_versions "p1"
}

run_tests
