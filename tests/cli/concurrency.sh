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

# m001 applied, then m002 that writes to t_m001.
gated_second() {
	project
	tmig m001 ""
	mig m002 m001 "gated" "CREATE TABLE t_m002 (id INTEGER);
INSERT INTO t_m001 VALUES (1);" "DROP TABLE t_m002;" >/dev/null
	rt upgrade m001
}

# Start 'retort upgrade head' in the background; its stderr goes to $1.
# It does not inherit hold_write's FIFO (8>&-), or the holder would wait
# for it while it waits for the holder.
start_upgrade() { "$RETORT" "${@:2}" upgrade head > /dev/null 2> "$1" 8>&- & }

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

# The first upgrade stays in m002's step, inside the migration lock, until
# the test lets it go: the second waits for the lock, then finds nothing
# to do.
test_second_upgrade_waits_for_the_first() {
	gated_second
	hold_write
	start_upgrade first.err
	local first=$!
	wait_for first.err "Running upgrade m001 -> m002"
	start_upgrade second.err
	local second=$!
	wait_for second.err "waiting up to 300 s"
	release
	wait "$first" || fail "the first upgrade failed: $(cat first.err)"
	wait "$second" || fail "the second upgrade failed: $(cat second.err)"
	grep -q "nothing to do" second.err || fail "the second upgrade did not find nothing to do: $(cat second.err)"
	grep -q "^Running " second.err && fail "the second upgrade ran steps: $(cat second.err)"
	expect_db "m002" "t_m001 t_m002"
	expect_q "SELECT count(*) FROM retort_version_history" "2"
}

sqlite_test_bounded_lock_wait() {
	project
	tmig m001 ""
	rt upgrade head
	tmig m002 m001
	hold_flock
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
	release
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
	hold_flock
	rt --lock-wait 1 upgrade head
	expect_rc 0
	expect_err_has "nothing to do"
	expect_err_lacks "waiting"
	tmig m002 m001
	rt --lock-wait 1 upgrade head
	expect_rc 1
	expect_err_has "for more than 1 s"
	release
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
	hold_flock
	rt --lock-wait 0.5 downgrade base
	expect_rc 1
	expect_err_has "for more than 0.5 s"
	release
	expect_db "m001" "t_m001"
}

sqlite_test_lock_wait_from_config() {
	project "lock_wait = 1"
	tmig m001 ""
	tmig m002 m001
	rt upgrade head
	hold_flock
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
	release
	expect_db "m002" "t_m001 t_m002"
}

run_tests
