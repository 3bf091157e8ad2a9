#!/bin/bash
# scenarios.sh - the worked graphs S1-S6 of alembic-behaviour.md, run online:
# after every command of their tables, the version rows, the t_* tables and
# the steps run are checked.  Each migration creates t_<id> and drops it.
. "$(dirname "$0")/lib.sh"

# A command that must succeed, then the rows and tables it leaves.
step() {  # rows tables args...
	local rows=$1 tabs=$2
	shift 2
	rt "$@"
	expect_rc 0
	expect_db "$rows" "$tabs"
}

# S1: linear chain 1a2b3c4d5e01 -> 1a2b3c4d5e02 -> 2b00000000003.
s1_graph() {
	project
	tmig 1a2b3c4d5e01 ""
	tmig 1a2b3c4d5e02 1a2b3c4d5e01
	tmig 2b00000000003 1a2b3c4d5e02
}

test_s1_linear() {
	s1_graph
	step "1a2b3c4d5e01" "t_1a2b3c4d5e01" upgrade +1
	expect_steps "upgrade  -> 1a2b3c4d5e01"
	step "2b00000000003" "t_1a2b3c4d5e01 t_1a2b3c4d5e02 t_2b00000000003" upgrade head
	expect_steps "upgrade 1a2b3c4d5e01 -> 1a2b3c4d5e02" "upgrade 1a2b3c4d5e02 -> 2b00000000003"
	rt current
	expect_out "2b00000000003 (head)"
	step "1a2b3c4d5e02" "t_1a2b3c4d5e01 t_1a2b3c4d5e02" downgrade -1
	expect_steps "downgrade 2b00000000003 -> 1a2b3c4d5e02"
	rt current
	expect_out "1a2b3c4d5e02"
	step "" "" downgrade base
	expect_steps "downgrade 1a2b3c4d5e02 -> 1a2b3c4d5e01" "downgrade 1a2b3c4d5e01 -> "
	has_table retort_version || fail "downgrade base dropped the version table"
	rt current
	expect_rc 0
	expect_out ""
}

test_s1_already_at_target_does_nothing() {
	s1_graph
	step "2b00000000003" "t_1a2b3c4d5e01 t_1a2b3c4d5e02 t_2b00000000003" upgrade head
	step "2b00000000003" "t_1a2b3c4d5e01 t_1a2b3c4d5e02 t_2b00000000003" upgrade head
	expect_steps
	expect_q "SELECT count(*) FROM retort_version_history" "3"
}

# S2: aaaa -> {bbbb, cccc} -> mmmm(bbbb, cccc) -> dddd.
s2_graph() {
	project
	tmig aaaa ""
	tmig bbbb aaaa
	tmig cccc aaaa
	tmig mmmm "bbbb, cccc"
	tmig dddd mmmm
}

test_s2_diamond() {
	s2_graph
	step "bbbb" "t_aaaa t_bbbb" upgrade bbbb
	expect_steps "upgrade  -> aaaa" "upgrade aaaa -> bbbb"
	step "bbbb cccc" "t_aaaa t_bbbb t_cccc" upgrade cccc
	expect_steps "upgrade aaaa -> cccc"
	rt current
	expect_out "bbbb
cccc"
	rt history -i
	expect_out_has "aaaa -> bbbb (current), rev bbbb"
	expect_out_has "aaaa -> cccc (current), rev cccc"
	expect_out_has "<base> -> aaaa (branchpoint), rev aaaa"
	step "mmmm" "t_aaaa t_bbbb t_cccc t_mmmm" upgrade mmmm
	expect_steps "upgrade bbbb, cccc -> mmmm"
	step "dddd" "t_aaaa t_bbbb t_cccc t_dddd t_mmmm" upgrade head
	expect_steps "upgrade mmmm -> dddd"
	step "mmmm" "t_aaaa t_bbbb t_cccc t_mmmm" downgrade mmmm
	expect_steps "downgrade dddd -> mmmm"
	step "bbbb cccc" "t_aaaa t_bbbb t_cccc" downgrade bbbb
	expect_steps "downgrade mmmm -> bbbb, cccc"
	step "dddd" "t_aaaa t_bbbb t_cccc t_dddd t_mmmm" upgrade head
	expect_steps "upgrade bbbb, cccc -> mmmm" "upgrade mmmm -> dddd"
	step "aaaa" "t_aaaa" downgrade aaaa
	expect_steps "downgrade dddd -> mmmm" "downgrade mmmm -> bbbb, cccc" \
		"downgrade cccc -> aaaa" "downgrade bbbb -> aaaa"
	step "" "" downgrade base
	expect_steps "downgrade aaaa -> "
}

test_s2_upgrade_head_from_empty() {
	s2_graph
	step "dddd" "t_aaaa t_bbbb t_cccc t_dddd t_mmmm" upgrade head
	expect_steps "upgrade  -> aaaa" "upgrade aaaa -> bbbb" "upgrade aaaa -> cccc" \
		"upgrade bbbb, cccc -> mmmm" "upgrade mmmm -> dddd"
}

sqlite_test_s2_history() {
	s2_graph
	rt history
	expect_rc 0
	expect_out "mmmm -> dddd (head), rev dddd
bbbb, cccc -> mmmm (mergepoint), rev mmmm
aaaa -> cccc, rev cccc
aaaa -> bbbb, rev bbbb
<base> -> aaaa (branchpoint), rev aaaa"
}

# S3: aaaa1111 -> bbbb2222, aaaa1111 -> cccc3333 (two heads, no merge).
s3_graph() {
	project
	tmig aaaa1111 ""
	tmig bbbb2222 aaaa1111
	tmig cccc3333 aaaa1111
}

test_s3_two_heads() {
	s3_graph
	rt heads
	expect_out "bbbb2222 (head)
cccc3333 (head)"
	rt upgrade head
	expect_rc 1
	expect_err_has "Multiple head revisions are present for given argument 'head'"
	expect_err_has "bbbb2222, cccc3333"
	expect_err_has "retort merge"
	expect_db "" ""
	step "bbbb2222" "t_aaaa1111 t_bbbb2222" upgrade bbbb2222
	rt current --check-heads
	expect_rc 1
	expect_err_has "Database is not on all head revisions"
	step "bbbb2222 cccc3333" "t_aaaa1111 t_bbbb2222 t_cccc3333" upgrade heads
	expect_steps "upgrade aaaa1111 -> cccc3333"
	rt current --check-heads
	expect_rc 0
	expect_out "bbbb2222 (head)
cccc3333 (head)"
	# Alembic silently picks one branch for downgrade -1 from two heads (its bug 12).
	rt downgrade -1
	expect_rc 1
	expect_err_has "Ambiguous"
	expect_db "bbbb2222 cccc3333" "t_aaaa1111 t_bbbb2222 t_cccc3333"
	step "aaaa1111" "t_aaaa1111" downgrade aaaa1111
	step "bbbb2222" "t_aaaa1111 t_bbbb2222" upgrade bbbb2222@+1
	expect_steps "upgrade aaaa1111 -> bbbb2222"
}

# S4: sh01 (shared) -> sh02; ac01 (accounts) -> ac02 -> ac03.
s4_graph() {
	project
	tmig sh01 "" "-- Branch Labels: shared"
	tmig sh02 sh01
	tmig ac01 "" "-- Branch Labels: accounts"
	tmig ac02 ac01
	tmig ac03 ac02
}

test_s4_branch_labels() {
	s4_graph
	rt heads
	expect_out "ac03 (accounts) (head)
sh02 (shared) (head)"
	rt history -r accounts@base:accounts@head
	expect_rc 0
	expect_out "ac02 -> ac03 (accounts) (head), rev ac03
ac01 -> ac02 (accounts), rev ac02
<base> -> ac01 (accounts), rev ac01"
	step "ac01" "t_ac01" upgrade accounts@+1
	expect_steps "upgrade  -> ac01"
	step "ac01 sh02" "t_ac01 t_sh01 t_sh02" upgrade shared@head
	expect_steps "upgrade  -> sh01" "upgrade sh01 -> sh02"
	step "ac02 sh02" "t_ac01 t_ac02 t_sh01 t_sh02" upgrade accounts@+1
	expect_steps "upgrade ac01 -> ac02"
	rt upgrade +1
	expect_rc 1
	expect_err_has "Ambiguous upgrade from multiple current revisions"
	expect_db "ac02 sh02" "t_ac01 t_ac02 t_sh01 t_sh02"
	step "ac03 sh02" "t_ac01 t_ac02 t_ac03 t_sh01 t_sh02" upgrade heads
	expect_steps "upgrade ac02 -> ac03"
	step "ac02 sh02" "t_ac01 t_ac02 t_sh01 t_sh02" downgrade accounts@-1
	expect_steps "downgrade ac03 -> ac02"
	step "sh02" "t_sh01 t_sh02" downgrade accounts@base
	expect_steps "downgrade ac02 -> ac01" "downgrade ac01 -> "
	step "" "" downgrade shared@base
	expect_steps "downgrade sh02 -> sh01" "downgrade sh01 -> "
	step "ac02" "t_ac01 t_ac02" upgrade accounts@ac02
	expect_steps "upgrade  -> ac01" "upgrade ac01 -> ac02"
}

# S5: S4's shape, but ac02 depends on sh01 (and there is no ac03).
s5_graph() {
	project
	tmig sh01 "" "-- Branch Labels: shared"
	tmig sh02 sh01
	tmig ac01 "" "-- Branch Labels: accounts"
	tmig ac02 ac01 "-- Depends On: sh01"
}

test_s5_depends_on() {
	s5_graph
	rt history
	expect_out_has "ac01 (sh01) -> ac02 (accounts) (head), rev ac02"
	rt show ac02
	expect_rc 0
	expect_out_has "Rev: ac02 (head)"
	expect_out_has "Parent: ac01"
	expect_out_has "Also depends on: sh01"
	expect_out_has "Branch names: accounts"
	step "ac02" "t_ac01 t_ac02 t_sh01" upgrade accounts@head
	rt current
	expect_out "ac02 (accounts) (head)
sh01 (shared)"
	step "ac02 sh02" "t_ac01 t_ac02 t_sh01 t_sh02" upgrade heads
	expect_steps "upgrade sh01 -> sh02"
	step "ac01" "t_ac01" downgrade shared@base
	expect_err_has "Running downgrade ac02 -> ac01"
	expect_err_has "Running downgrade sh02 -> sh01"
	expect_err_has "Running downgrade sh01 -> "
	rt downgrade sh01
	expect_rc 1
	expect_err_has "Destination sh01 is not a valid downgrade target"
	expect_db "ac01" "t_ac01"
}

# S5 with an effective head: ac04 depends on sh02 and on its own ancestor ac01
# (Alembic crashes on the latter after running the DDL: its bug 6).
test_s5_effective_head_and_redundant_dependency() {
	project
	tmig sh01 "" "-- Branch Labels: shared"
	tmig sh02 sh01
	tmig ac01 "" "-- Branch Labels: accounts"
	tmig ac02 ac01 "-- Depends On: sh01"
	tmig ac03 ac02 "-- Depends On: shared"
	tmig ac04 ac03 "-- Depends On: sh02, ac01"
	rt heads
	expect_out "ac04 (accounts) (head)
sh02 (shared) (effective head)"
	rt heads --resolve-dependencies
	expect_out "ac04 (accounts) (head)"
	step "ac04" "t_ac01 t_ac02 t_ac03 t_ac04 t_sh01 t_sh02" upgrade heads
	rt current --check-heads
	expect_rc 0
	step "" "" downgrade base
}

# S6: aaaa -> bbbb -> cccc, aaaa -> dddd, mmmm = merge(cccc, dddd).
s6_graph() {
	project
	tmig aaaa ""
	tmig bbbb aaaa
	tmig cccc bbbb
	tmig dddd aaaa
	tmig mmmm "cccc, dddd"
}

test_s6_unequal_merge() {
	s6_graph
	step "cccc" "t_aaaa t_bbbb t_cccc" upgrade cccc
	expect_steps "upgrade  -> aaaa" "upgrade aaaa -> bbbb" "upgrade bbbb -> cccc"
	step "mmmm" "t_aaaa t_bbbb t_cccc t_dddd t_mmmm" upgrade mmmm
	expect_steps "upgrade aaaa -> dddd" "upgrade cccc, dddd -> mmmm"
	step "cccc dddd" "t_aaaa t_bbbb t_cccc t_dddd" downgrade dddd
	expect_steps "downgrade mmmm -> cccc, dddd"
	rt downgrade -1
	expect_rc 1
	expect_err_has "Ambiguous"
	step "bbbb dddd" "t_aaaa t_bbbb t_dddd" downgrade cccc-1
	expect_steps "downgrade cccc -> bbbb"
	step "mmmm" "t_aaaa t_bbbb t_cccc t_dddd t_mmmm" upgrade head
	expect_steps "upgrade bbbb -> cccc" "upgrade cccc, dddd -> mmmm"
	step "bbbb dddd" "t_aaaa t_bbbb t_dddd" downgrade bbbb
	expect_steps "downgrade mmmm -> cccc, dddd" "downgrade cccc -> bbbb"
}

test_s6_stamps() {
	s6_graph
	step "bbbb" "t_aaaa t_bbbb" upgrade bbbb
	step "bbbb dddd" "t_aaaa t_bbbb t_dddd" upgrade dddd
	step "mmmm" "t_aaaa t_bbbb t_dddd" stamp head
	expect_steps "stamp_revision bbbb, dddd -> mmmm"
	step "aaaa" "t_aaaa t_bbbb t_dddd" stamp aaaa
	step "dddd" "t_aaaa t_bbbb t_dddd" stamp dddd
	step "mmmm" "t_aaaa t_bbbb t_dddd" stamp heads
	# Alembic: from a merge down to both parents crashes half-way (its bug 5).
	step "cccc dddd" "t_aaaa t_bbbb t_dddd" stamp cccc dddd
	step "" "t_aaaa t_bbbb t_dddd" stamp base
}

run_tests
