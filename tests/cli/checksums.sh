#!/bin/bash
# tests/cli/checksums.sh - what verify calls "changed after it was applied":
# only real comments (found by the dialect's lexer) and white space outside
# quoted text are left out of a checksum, so a license header or a reworded
# comment passes, and an edit inside a string literal -- even of a line that
# reads "-- retort:lint-ignore" -- does not; databases whose history holds
# checksums of the older algorithm keep verifying; lint reads its
# suppressions with the same lexer.
. "$(dirname "$0")/lib.sh"

# verify's "checksums" line.
checksums_line() { grep -E '^(ok|FAIL) +checksums' <<<"$OUT"; }

expect_checksums_ok() {
	rt verify
	checksums_line | grep -q '^ok' || fail "checksums not ok: $OUT"
}

expect_checksums_changed() {
	rt verify
	expect_rc 1
	checksums_line | grep -q '^FAIL' || fail "checksums not failed: $OUT"
	expect_out_has "$1 was changed after it was applied"
}

data_mig() {
	mig m001 "" "data" "-- the lookup table
CREATE TABLE t_codes (code TEXT);
INSERT INTO t_codes VALUES ('a
-- retort:lint-ignore b
');" "DROP TABLE t_codes;"
}

test_comments_and_layout_do_not_change_the_checksum() {
	project
	local f
	f=$(data_mig)
	rt upgrade head
	expect_rc 0
	expect_q "SELECT checksum LIKE 'sha256-sql:%' FROM retort_version_history" "$( [ "$DIALECT" = sqlite ] && echo 1 || echo t)"
	/usr/bin/python3 - "$f" <<'PY'
import sys
p = sys.argv[1]
s = open(p).read()
s = s.replace("-- migrate:upgrade\n", "-- migrate:upgrade\n-- Copyright 2026 Example Ltd.\n/* SPDX-License-Identifier: MIT */\n-- retort:lint-ignore require-primary-key\n", 1)
s = s.replace("-- the lookup table", "-- codes, reworded")
s = s.replace("CREATE TABLE t_codes (code TEXT);", "CREATE TABLE t_codes (\n    code TEXT   \n);  -- one column", 1)
open(p, "w").write(s.replace("\n", "\r\n"))
PY
	expect_checksums_ok
}

# The line in the literal looks like a suppression comment but is data: an
# edit of it is an edit of what the migration inserts.
test_edit_inside_a_string_literal_changes_the_checksum() {
	project
	local f
	f=$(data_mig)
	rt upgrade head
	expect_rc 0
	sed -i 's/^-- retort:lint-ignore b$/-- retort:lint-ignore c/' "$f"
	grep -q "lint-ignore c" "$f" || fail "the test did not edit the file"
	expect_checksums_changed "$f"
}

# PostgreSQL joins two literals on two lines into one: putting them on one
# line (a syntax error there) is an edit, not a change of layout.
pg_test_literals_joined_across_lines_count() {
	project
	local f
	f=$(mig m001 "" "joined" "CREATE TABLE t_codes (code TEXT);
INSERT INTO t_codes VALUES ('a'
'b');" "DROP TABLE t_codes;")
	rt upgrade head
	expect_rc 0
	expect_q "SELECT code FROM t_codes" "ab"
	sed -i "/VALUES ('a'\$/{N;s/\n/ /}" "$f"
	grep -q "VALUES ('a' 'b');" "$f" || fail "the test did not edit the file: $(cat "$f")"
	expect_checksums_changed "$f"
}

# A history row of the older algorithm (sha256: of the section, line
# endings normalised, comments counted) is checked by that algorithm.
test_older_checksums_keep_verifying() {
	project
	local f old
	f=$(mig m001 "" "old" "-- a note
CREATE TABLE t_m001 (id INTEGER);" "DROP TABLE t_m001;")
	rt upgrade head
	expect_rc 0
	old=$(sed -n '/^-- migrate:upgrade/,/^-- migrate:downgrade/{/^-- migrate:/d;p}' "$f" | sha256sum | cut -d' ' -f1)
	q "UPDATE retort_version_history SET checksum = 'sha256:$old'" >/dev/null
	expect_checksums_ok
	sed -i 's/-- a note/-- another note/' "$f"
	expect_checksums_changed "$f"
	q "UPDATE retort_version_history SET checksum = 'md9:0123'" >/dev/null
	rt verify
	expect_rc 1
	expect_out_has "checksum of an algorithm this retort does not know (md9)"
}

# lint: a suppression counts only in a real comment, wherever on a
# comment-only line the tag stands; "--" inside a string is no comment.
test_lint_reads_suppressions_with_the_lexer() {
	project
	mig m001 "" "drops" "CREATE TABLE t_keep (id INTEGER PRIMARY KEY);
SELECT 'x
-- retort:lint-ignore ban-drop-table
'; DROP TABLE t_gone;
/* note */ -- see retort:lint-ignore ban-drop-table
DROP TABLE t_other;" "" >/dev/null
	rt lint
	expect_out_has "migrations/m001_drops.sql:10:"
	expect_out_lacks "migrations/m001_drops.sql:12:"
}

run_tests
