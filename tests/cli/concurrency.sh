#!/bin/bash
# concurrency.sh - several retort processes on one database: eight
# simultaneous 'upgrade head' runs apply each migration exactly once and all
# succeed; a run started while another holds the lock waits for it, or gives
# up with a clear message after lock_wait seconds.
. "$(dirname "$0")/lib.sh"

# A chain of N migrations m001..mNNN, each creating t_mNNN.
chain_of() {
	local i id parent=""
	for i in $(seq 1 "$1"); do
		id=$(printf 'm%03d' "$i")
		tmig "$id" "$parent"
		parent=$id
	done
}

# m001, then m002 that burns CPU for a few seconds inside its transaction.
slow_second() {
	project
	tmig m001 ""
	mig m002 m001 "slow" "CREATE TABLE t_m002 (id INTEGER);
WITH RECURSIVE c(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM c WHERE x < 10000000) SELECT count(*) FROM c;" \
		"DROP TABLE t_m002;" >/dev/null
}

# Start 'retort upgrade head' in the background; its stderr goes to $1.
start_upgrade() { "$RETORT" "${@:2}" upgrade head > /dev/null 2> "$1" & }

# hold_lock / release_lock: another process holds retort's migration lock
# on app.db (on SQLite, flock(2) on the database file) from hold_lock until
# the test calls release_lock, however fast or slow the machine: the holder
# waits on a FIFO that only release_lock closes.
hold_lock() {
	mkfifo gate
	flock -x app.db sh -c 'echo held; exec cat gate' > holder.out 2>&1 &
	HOLDER=$!
	exec 9> gate
	wait_for holder.out held
}

release_lock() {
	exec 9>&-
	wait "$HOLDER" || fail "the lock holder failed: $(cat holder.out)"
}

test_eight_simultaneous_upgrades() {
	project
	chain_of 20
	local i pids=() rc
	for i in 1 2 3 4 5 6 7 8; do
		"$RETORT" upgrade head > "out.$i" 2> "err.$i" &
		pids+=($!)
	done
	for i in 1 2 3 4 5 6 7 8; do
		wait "${pids[$((i - 1))]}"
		rc=$?
		[ "$rc" -eq 0 ] || fail "process $i exited with $rc: $(cat "err.$i")"
		! grep -q Sanitizer "err.$i" || fail "sanitizer report in process $i"
	done
	expect_versions "m020"
	expect_tables "$(seq -f 't_m%03g' 1 20 | tr '\n' ' ' | sed 's/ $//')"
	expect_q "SELECT count(*), count(DISTINCT revision) FROM retort_version_history WHERE direction = 'upgrade'" "20|20"
	expect_q "SELECT count(*) FROM retort_version_history WHERE direction <> 'upgrade'" "0"
	# every migration ran in exactly one of the processes
	[ "$(cat err.* | grep -c '^Running upgrade')" = 20 ] || fail "steps run: $(cat err.* | grep -c '^Running upgrade')"
	rt current
	expect_out "m020 (head)"
}

test_second_upgrade_waits_for_the_first() {
	slow_second
	start_upgrade first.err
	local first=$!
	wait_for first.err "Running upgrade m001 -> m002"
	rt upgrade head
	expect_rc 0
	expect_err_has "waiting up to 300 s"
	expect_err_has "nothing to do"
	expect_steps
	wait "$first" || fail "the first upgrade failed: $(cat first.err)"
	expect_db "m002" "t_m001 t_m002"
	expect_q "SELECT count(*) FROM retort_version_history" "2"
}

sqlite_test_bounded_lock_wait() {
	project
	tmig m001 ""
	rt upgrade head
	tmig m002 m001
	hold_lock
	local t0 t1
	t0=$(date +%s.%N)
	rt --lock-wait 1 upgrade head
	t1=$(date +%s.%N)
	expect_rc 1
	expect_err_has "another retort process held the migration lock on"
	expect_err_has "for more than 1 s"
	expect_err_has "lock_wait"
	# it waited: the lock was held all along, however long startup took
	awk -v a="$t0" -v b="$t1" 'BEGIN { exit !(b - a >= 0.9) }' ||
		fail "gave up after $(awk -v a="$t0" -v b="$t1" 'BEGIN { print b - a }') s, not after waiting 1 s"
	release_lock
	expect_db "m001" "t_m001"
	rt upgrade head
	expect_rc 0
	expect_db "m002" "t_m001 t_m002"
}

# An upgrade that finds the database at its target reads the version table
# once without the lock and ends (a program starting at head); with work to
# do it still takes the lock and waits for the holder.
sqlite_test_at_head_upgrade_needs_no_lock() {
	project
	tmig m001 ""
	rt upgrade head
	hold_lock
	rt --lock-wait 1 upgrade head
	expect_rc 0
	expect_err_has "nothing to do"
	expect_err_lacks "waiting"
	tmig m002 m001
	rt --lock-wait 1 upgrade head
	expect_rc 1
	expect_err_has "for more than 1 s"
	release_lock
	rt upgrade head
	expect_rc 0
	expect_db "m002" "t_m001 t_m002"
	expect_q "SELECT count(*) FROM retort_version_history" "2"
}

# The message gives the wait that was configured, not a rounded one.
sqlite_test_fractional_lock_wait_in_message() {
	project
	tmig m001 ""
	rt upgrade head
	hold_lock
	rt --lock-wait 0.5 downgrade base
	expect_rc 1
	expect_err_has "for more than 0.5 s"
	release_lock
	expect_db "m001" "t_m001"
}

sqlite_test_lock_wait_from_config() {
	project "lock_wait = 1"
	tmig m001 ""
	tmig m002 m001
	rt upgrade head
	hold_lock
	rt stamp base
	expect_rc 1
	expect_err_has "for more than 1 s"
	rt downgrade base
	expect_rc 1
	expect_err_has "for more than 1 s"
	# reading does not wait for the lock
	rt current
	expect_rc 0
	expect_out "m002 (head)"
	release_lock
	expect_db "m002" "t_m001 t_m002"
}

run_tests
