#!/bin/bash
# squash.sh - `retort squash FROM:TO`: one revision replacing a linear
# chain.  A fresh database applies it instead of the chain, one inside the
# chain goes on through the replaced files, one past it is unaffected;
# heads, history, branches and the version table stay as they were
# (the version table records the chain's last id either way); verify
# compares it with the chain and names the environments that still need
# the replaced files; once they are deleted it is an ordinary revision.
# test_* run on MySQL/MariaDB too.
MY_DIALECTS=mysql
. "$(dirname "$0")/lib.sh"

# a1 -> b2 -> c3 -> d4 -> e5, each creating t_ID.
chain() {
	project "$@"
	tmig a1 ""
	tmig b2 a1
	tmig c3 b2
	tmig d4 c3
	tmig e5 d4
}

squash_b2_d4() {
	rt squash b2:d4 -m "squash b2 to d4" --rev-id s1
	expect_rc 0
	expect_out "migrations/s1_squash_b2_to_d4.sql"
}

test_squash_file() {
	chain
	squash_b2_d4
	local f=migrations/s1_squash_b2_to_d4.sql
	grep -qx -- "-- Revises: a1" $f || fail "Revises: $(cat $f)"
	grep -qx -- "-- Replaces: b2, c3, d4" $f || fail "Replaces: $(cat $f)"
	for t in t_b2 t_c3 t_d4; do grep -q "CREATE TABLE.*$t" $f || fail "no $t"; done
	! grep -q "t_a1\|t_e5" $f || fail "creates what is outside the chain"
	expect_err_has "It replaces 3 revisions (b2 .. d4)"
	rt heads
	expect_out "e5 (head)"
	rt branches
	expect_out ""
	rt history
	expect_out_has "a1 -> s1 (squash of b2..d4), squash b2 to d4"
	expect_out_has "<base> -> a1, rev a1"
	rt history --json
	/usr/bin/python3 -c '
import json, sys
d = {r["revision"]: r for r in json.load(sys.stdin)["revisions"]}
assert d["s1"]["replaces"] == ["b2", "c3", "d4"] and not d["s1"]["is_head"] and not d["s1"]["is_base"], d["s1"]
assert d["a1"]["children"] == ["b2"] and not d["a1"]["is_branch_point"], d["a1"]
' <<<"$OUT" || fail "json: $OUT"
}

test_fresh_database_applies_the_squash() {
	chain
	squash_b2_d4
	rt upgrade head
	expect_rc 0
	expect_steps "upgrade  -> a1" "upgrade a1 -> s1, squash b2 to d4" "upgrade d4 -> e5"
	expect_db "e5" "t_a1 t_b2 t_c3 t_d4 t_e5"
	expect_q "SELECT revision FROM retort_version_history WHERE direction = 'upgrade' ORDER BY id" "a1
s1
e5"
	# and back: the squash's downgrade in one step
	rt downgrade base
	expect_rc 0
	expect_steps "downgrade e5 -> d4" "downgrade s1 -> a1, squash b2 to d4" "downgrade a1 -> "
	expect_db "" ""
	# up to the squash's end: the squash, recorded as d4
	rt upgrade s1
	expect_steps "upgrade  -> a1" "upgrade a1 -> s1, squash b2 to d4"
	expect_versions "d4"
	# the squash's recorded checksum is verified, and rehash repairs it
	sed -i '/^-- migrate:upgrade$/a SELECT 1;' migrations/s1_squash_b2_to_d4.sql
	rt verify
	expect_out_has "migrations/s1_squash_b2_to_d4.sql was changed after it was applied (revision s1"
	rt rehash s1
	expect_rc 0
	rt verify
	expect_out_has "ok    checksums     2 applied revisions checked against their files"
	rt upgrade --sql base:head
	expect_out_has "-- Running upgrade a1 -> s1, squash b2 to d4"
	expect_out_has "SET version_num='d4' WHERE retort_version.version_num = 'a1'"
}

test_database_inside_the_chain_goes_on_through_the_files() {
	chain
	rt upgrade c3
	squash_b2_d4
	rt upgrade head
	expect_rc 0
	expect_steps "upgrade c3 -> d4" "upgrade d4 -> e5"
	expect_db "e5" "t_a1 t_b2 t_c3 t_d4 t_e5"
	# a target inside the chain also runs the files
	rt downgrade c3
	expect_steps "downgrade e5 -> d4" "downgrade d4 -> c3"
	rt downgrade base
	expect_steps "downgrade c3 -> b2" "downgrade b2 -> a1" "downgrade a1 -> "
	rt upgrade b2
	expect_steps "upgrade  -> a1" "upgrade a1 -> b2"
}

test_database_past_the_chain_is_unaffected() {
	chain
	rt upgrade head
	squash_b2_d4
	rt upgrade head
	expect_rc 0
	expect_steps
	expect_versions "e5"
	rt current
	expect_out "e5 (head)"
	rt stamp s1
	expect_versions "d4"
	rt stamp e5
	rt downgrade a1
	expect_steps "downgrade e5 -> d4" "downgrade s1 -> a1, squash b2 to d4"
	expect_db "a1" "t_a1"
}

test_refuses_what_is_not_a_linear_chain() {
	chain
	rt squash d4:b2 -m x
	expect_rc 1
	expect_err_has "d4 is not below b2 on one line of revisions"
	tmig x3 b2
	rt squash b2:d4 -m x
	expect_rc 1
	expect_err_has "revision b2 is a branch point (its children: c3, x3): a squash replaces a linear chain"
	tmig m6 "e5, x3"
	rt squash d4:m6 -m x
	expect_rc 1
	expect_err_has "revision m6 is a merge point"
	rt squash c3:c3 -m x
	expect_rc 2
	expect_err_has "FROM:TO names one revision"
	rt squash c3 -m x
	expect_rc 2
	expect_err_has "squash needs a range FROM:TO"
	rt squash c3:d4
	expect_rc 2
	expect_err_has "squash needs -m MSG"
	rt squash c3:d4 -m ok --rev-id s1
	expect_rc 0
	rt squash c3:e5 -m again
	expect_rc 1
	expect_err_has "revision d4 is replaced by a squash already"
}

# Data statements are not schema: the squash says what it cannot carry.
test_warns_about_data_statements() {
	chain
	mig c3 b2 "seed" "CREATE TABLE t_c3 (id INTEGER);
INSERT INTO t_c3 (id) VALUES (1);" "DROP TABLE t_c3;" > /dev/null
	rm -f migrations/c3_rev_c3.sql
	rt squash b2:d4 -m x
	expect_rc 0
	expect_err_has "warning: migrations/c3_seed.sql:"
	expect_err_has "INSERT changes data; the squashed revision is built from the schema alone"
}

# Environments are read the same way on every dialect: SQLite files suffice.
sqlite_test_verify() {
	chain "" "[env:inside]" "url = sqlite:///inside.db"
	rt -e inside upgrade c3
	squash_b2_d4
	rt verify
	expect_out_has "ok    squashes      1 squash beside the revisions it replaces, 0 whose replaced files are deleted"
	expect_out_has "environment inside is at c3, inside the chain squash s1 replaces: it still needs the replaced files"
	rt -e inside upgrade head
	rt verify
	expect_out_has "no configured environment needs the 3 files squash s1 replaces: they can be deleted"
	# a squash that does not build what its chain builds
	sed -i 's/^CREATE TABLE t_c3 (id INTEGER);$/CREATE TABLE t_c3 (id INTEGER, extra TEXT);/' migrations/s1_squash_b2_to_d4.sql
	rt verify
	expect_rc 1
	expect_out_has "FAIL  squashes"
	expect_out_has "migrations/s1_squash_b2_to_d4.sql (squash s1) does not build what b2..d4 build"
}

test_replaced_files_deleted() {
	chain
	rt upgrade d4
	squash_b2_d4
	rm migrations/b2_rev_b2.sql migrations/c3_rev_c3.sql migrations/d4_rev_d4.sql
	rt history
	expect_out_has "s1 -> e5 (head), rev e5"
	expect_out_has "a1 -> s1, squash b2 to d4"
	rt current
	expect_out "s1"
	rt upgrade head
	expect_rc 0
	expect_steps "upgrade s1 -> e5"
	rt downgrade base
	expect_steps "downgrade e5 -> s1" "downgrade s1 -> a1, squash b2 to d4" "downgrade a1 -> "
	rt upgrade head
	expect_steps "upgrade  -> a1" "upgrade a1 -> s1, squash b2 to d4" "upgrade s1 -> e5"
	expect_versions "e5"
	# a database left inside the chain cannot go on without the files
	q "UPDATE retort_version SET version_num = 'c3'" > /dev/null
	rt upgrade head
	expect_rc 1
	expect_err_has "database is at revision c3, inside the chain that squash s1 replaces (migrations/s1_squash_b2_to_d4.sql), and the replaced files have been deleted"
	expect_err_has "hint: restore the replaced files"
}

test_partly_deleted_chain_is_an_error() {
	chain
	squash_b2_d4
	rm migrations/c3_rev_c3.sql
	rt heads
	expect_rc 1
	expect_err_has "squash s1 replaces 3 revisions, but only 2 of their files are here (gone: c3)"
}

test_test_and_lint_accept_squashes() {
	chain
	squash_b2_d4
	rt test
	expect_rc 0
	expect_out_lacks "s1"
	expect_err_has "5 revisions passed"
}

run_tests
