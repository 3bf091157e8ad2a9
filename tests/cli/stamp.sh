#!/bin/bash
# stamp.sh - setting the version table without running migrations:
# targets, unrelated branches, base, --purge, rows no file defines.
. "$(dirname "$0")/lib.sh"

chain() {  # aaaa -> bbbb -> cccc
	project
	tmig aaaa ""
	tmig bbbb aaaa
	tmig cccc bbbb
}

test_stamp_runs_no_migration() {
	chain
	rt stamp head
	expect_rc 0
	expect_steps "stamp_revision  -> cccc"
	expect_db "cccc" ""
	expect_q "SELECT revision || ' ' || direction || ' ' || to_revisions FROM retort_version_history" "cccc stamp cccc"
	rt stamp aaaa
	expect_rc 0
	expect_db "aaaa" ""
	rt upgrade head
	expect_rc 0
	expect_db "cccc" "t_bbbb t_cccc"
}

test_stamp_base_empties_the_table() {
	chain
	rt upgrade head
	rt stamp base
	expect_rc 0
	expect_db "" "t_aaaa t_bbbb t_cccc"
	has_table retort_version || fail "stamp base dropped the version table"
}

test_stamp_keeps_unrelated_branches() {
	project
	tmig sh01 "" "-- Branch Labels: shared"
	tmig sh02 sh01
	tmig ac01 "" "-- Branch Labels: accounts"
	tmig ac02 ac01
	rt stamp ac01 sh01
	expect_rc 0
	expect_db "ac01 sh01" ""
	rt stamp accounts@head
	expect_rc 0
	expect_db "ac02 sh01" ""
	rt stamp sh02
	expect_rc 0
	expect_db "ac02 sh02" ""
	rt stamp --purge ac01
	expect_rc 0
	expect_db "ac01" ""
}

test_stamp_purge_replaces_unknown_rows() {
	chain
	rt upgrade bbbb
	q "INSERT INTO retort_version (version_num) VALUES ('deadbeef0000')"
	rt stamp head
	expect_rc 1
	expect_err_has "deadbeef0000"
	expect_db "bbbb deadbeef0000" "t_aaaa t_bbbb"
	rt stamp --purge head
	expect_rc 0
	expect_db "cccc" "t_aaaa t_bbbb"
}

test_stamp_unknown_revision() {
	chain
	rt stamp zzzz
	expect_rc 1
	expect_err_has "Can't locate revision identified by 'zzzz'"
	expect_db "" ""
}

test_stamp_head_with_two_heads() {
	project
	tmig aaaa ""
	tmig bbbb aaaa
	tmig cccc aaaa
	rt stamp head
	expect_rc 1
	expect_err_has "bbbb, cccc"
	expect_db "" ""
	rt stamp heads
	expect_rc 0
	expect_db "bbbb cccc" ""
}

test_stamp_range_needs_sql() {
	chain
	rt stamp aaaa:cccc
	expect_rc 2
	expect_err_has "only allowed with --sql"
	expect_db "" ""
}

run_tests
