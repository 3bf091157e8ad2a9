#!/bin/bash
# rehash.sh - `retort rehash REV...` records the checksum of applied
# revisions edited on purpose (a 'rehash' history row with the old and new
# sums), after which verify passes; refuses revisions not applied (all or
# nothing) and unknown ones.  test_* run on MySQL/MariaDB too.
MY_DIALECTS=mysql
. "$(dirname "$0")/lib.sh"

HIST=retort_version_history

# A true comparison as the dialect's client prints it.
true_is() { [ "$DIALECT" = postgresql ] && echo t || echo 1; }

setup() {
	project
	tmig a1 ""
	tmig b2 a1
	tmig c3 b2
	rt upgrade b2
	expect_rc 0
}

test_rehash_after_a_deliberate_edit() {
	setup
	rt upgrade head
	local f=migrations/a1_rev_a1.sql old new
	old=$(q "SELECT checksum FROM $HIST WHERE revision = 'a1' AND direction = 'upgrade'")
	# white space and comments are not part of the checksum: this edit is
	sed -i 's/^-- migrate:upgrade$/-- migrate:upgrade\n-- a comment added later/; s/^CREATE TABLE t_a1 (id INTEGER);$/CREATE  TABLE t_a1 (id INTEGER);/' "$f"
	rt verify
	expect_rc 0
	sed -i 's/^CREATE  TABLE t_a1 (id INTEGER);$/CREATE TABLE IF NOT EXISTS t_a1 (id INTEGER);/' "$f"
	rt verify
	expect_rc 1
	expect_out_has "migrations/a1_rev_a1.sql was changed after it was applied (revision a1"
	expect_out_has "rehash a1 records the file as it is"
	rt rehash a1 b2
	expect_rc 0
	new=$(q "SELECT checksum FROM $HIST WHERE direction = 'rehash'")
	[ -n "$new" ] && [ "$new" != "$old" ] || fail "no new checksum: '$new'"
	expect_out "a1 $old -> $new
b2 unchanged $(q "SELECT checksum FROM $HIST WHERE revision = 'b2'")"
	expect_err_has "recorded 1 new checksum; 1 revision already matched"
	expect_q "SELECT revision, direction, from_revisions, to_revisions, checksum = to_revisions FROM $HIST WHERE direction = 'rehash'" \
		"a1|rehash|$old|$new|$(true_is)"
	rt verify
	expect_rc 0
	expect_out_has "ok    checksums     3 applied revisions checked against their files"
	rt rehash a1
	expect_out "a1 unchanged $new"
	expect_q "SELECT count(*) FROM $HIST WHERE direction = 'rehash'" "1"
	# a later downgrade and upgrade record the sum of the run, which wins
	rt downgrade base
	rt upgrade head
	rt verify
	expect_rc 0
	expect_versions "c3"
}

test_refuses_unapplied_and_unknown() {
	setup
	sed -i 's/^CREATE TABLE t_a1 (id INTEGER);$/CREATE TABLE IF NOT EXISTS t_a1 (id INTEGER);/' migrations/a1_rev_a1.sql
	rt rehash a1 c3
	expect_rc 1
	expect_err_has "migrations/c3_rev_c3.sql: revision c3 is not applied: there is no recorded checksum to repair"
	expect_err_has "nothing was changed"
	expect_q "SELECT count(*) FROM $HIST WHERE direction = 'rehash'" "0"
	rt rehash nosuch
	expect_rc 1
	expect_err_has "nosuch"
	rt rehash
	expect_rc 2
	expect_err_has "name the revisions whose files were edited"
	rt rehash a1 --sql
	expect_rc 2
}

# A database migrated when checksums were "sha256:" (comments counted):
# rehash leaves a row that still holds by that algorithm alone, and records
# an edited file by the current one ("sha256-sql:"), which verify accepts.
test_rows_of_the_older_algorithm() {
	project
	local f old
	f=$(mig a1 "" "old" "-- a note
CREATE TABLE t_a1 (id INTEGER);" "DROP TABLE t_a1;")
	tmig b2 a1
	rt upgrade head
	expect_rc 0
	old=$(sed -n '/^-- migrate:upgrade/,/^-- migrate:downgrade/{/^-- migrate:/d;p}' "$f" | sha256sum | cut -d' ' -f1)
	q "UPDATE $HIST SET checksum = 'sha256:$old' WHERE revision = 'a1'" >/dev/null
	rt rehash a1
	expect_rc 0
	expect_out "a1 unchanged sha256:$old"
	expect_q "SELECT count(*) FROM $HIST WHERE direction = 'rehash'" "0"
	sed -i 's/^CREATE TABLE t_a1 (id INTEGER);$/CREATE TABLE IF NOT EXISTS t_a1 (id INTEGER);/' "$f"
	rt verify
	expect_rc 1
	rt rehash a1
	expect_rc 0
	expect_q "SELECT from_revisions = 'sha256:$old', to_revisions LIKE 'sha256-sql:%' FROM $HIST WHERE direction = 'rehash'" \
		"$(true_is)|$(true_is)"
	rt verify
	expect_rc 0
}

sqlite_test_no_database_yet() {
	project
	tmig a1 ""
	rt rehash a1
	expect_rc 1
	expect_err_has "the database does not exist yet"
	[ ! -e app.db ] || fail "rehash created the database"
}

run_tests
