#!/bin/bash
# retries.sh - a step that loses a lock conflict (PostgreSQL lock_timeout or
# deadlock, SQLite busy) is rolled back and tried again, lock_retries times
# with a growing, jittered pause, each retry announced; what held the lock
# is named; the upgrade succeeds once the holder lets go.
. "$(dirname "$0")/lib.sh"

# PostgreSQL gives up on the lock at lock_timeout; SQLite at lock_wait (--lock-wait 1).
lock_timeout() {
	if [ "$DIALECT" = postgresql ]; then echo "lock_timeout = 1s"; else echo "; SQLite: --lock-wait"; fi
}

two_steps() {
	tmig m001 ""
	mig m002 m001 "add" "ALTER TABLE t_m001 ADD COLUMN v INTEGER;" "ALTER TABLE t_m001 DROP COLUMN v;" >/dev/null
}

# The lock is held across the first tries; the upgrade retries, naming the
# holder, and succeeds once it is released.
test_lock_conflict_is_retried_until_the_holder_lets_go() {
	project "$(lock_timeout)" "lock_retries = 5" "lock_retry_max_wait = 1"
	two_steps
	rt upgrade m001
	hold_write
	# SQLite: the busy wait is lock_wait
	"$RETORT" --lock-wait 1 upgrade head 8>&- 2> up.err &
	local pid=$!
	wait_for up.err "trying again in"
	release
	wait "$pid" || fail "the upgrade failed although the lock was released: $(cat up.err)"
	grep -q "retry 1 of 5" up.err || fail "the retry is not numbered: $(cat up.err)"
	grep -q "nothing of m002 stayed" up.err || fail "the retry does not say the step was rolled back: $(cat up.err)"
	case $DIALECT in
	postgresql)
		grep -q "canceling statement due to lock timeout" up.err || fail "not a lock timeout: $(cat up.err)"
		grep -q "waits for a lock held by backend [0-9]* (psql, user $RETORT_TEST_PGUSER" up.err ||
			fail "the holder is not named: $(cat up.err)" ;;
	sqlite)
		grep -q "database is locked" up.err || fail "not a busy database: $(cat up.err)"
		grep -q "locked by another connection, process [0-9]* (sqlite3)" up.err ||
			fail "the holder is not named: $(cat up.err)" ;;
	esac
	expect_versions m002
	[ "$(q "SELECT count(*) FROM retort_version_history WHERE revision = 'm002'")" = 1 ] ||
		fail "m002 recorded more than once"
}

# Tries run out: the failure is the last one's, with the hint that does
# not blame the migration; the database is where it was.
test_retries_run_out() {
	project "$(lock_timeout)" "lock_retries = 2" "lock_retry_max_wait = 0.2"
	two_steps
	rt upgrade m001
	hold_write
	rt --lock-wait 1 upgrade head 8>&-
	release
	expect_rc 1
	expect_err_has "retry 1 of 2"
	expect_err_has "retry 2 of 2"
	expect_err_lacks "retry 3"
	expect_err_has "the migration itself is not at fault"
	expect_versions m001
}

# lock_retries = 0 turns retrying off; a rehearsal never retries.
test_no_retries() {
	project "$(lock_timeout)" "lock_retries = 0"
	two_steps
	rt upgrade m001
	hold_write
	rt --lock-wait 1 upgrade head 8>&-
	expect_rc 1
	expect_err_lacks "trying again"
	project "$(lock_timeout)" "lock_retries = 3"
	rt --lock-wait 1 upgrade head --rehearse 8>&-
	release
	expect_rc 1
	expect_err_lacks "trying again"
	expect_versions m001
}

test_lock_retry_settings_are_checked() {
	project "lock_retries = many"
	tmig m001 ""
	rt upgrade head
	expect_rc 2
	expect_err_has "lock_retries 'many' is not a number from 0 to 100"
	project "lock_retry_max_wait = -1"
	rt upgrade head
	expect_rc 2
	expect_err_has "lock_retry_max_wait '-1' is not a number of seconds"
}

run_tests
