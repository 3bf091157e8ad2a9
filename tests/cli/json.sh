#!/bin/bash
# json.sh - --json output of the read-only commands (docs/json.md): valid
# JSON, the documented fields, the same facts as the text output.
. "$(dirname "$0")/lib.sh"

# jget EXPR: evaluate a Python expression over the parsed stdout ("d").
jget() {
	python3 -c 'import json, sys; d = json.loads(sys.stdin.read()); print(eval(sys.argv[1]))' "$1" <<<"$OUT" ||
		fail "stdout is not valid JSON: $OUT"
}

expect_j() {
	local got
	got=$(jget "$1")
	[ "$got" = "$2" ] || fail "JSON $1: expected '$2', got '$got'"
}

diamond() {
	project
	mig aaaa "" "rev aaaa" "CREATE TABLE t_aaaa (id INTEGER);" "DROP TABLE t_aaaa;" >/dev/null
	mig bbbb aaaa "rev bbbb" "CREATE TABLE t_bbbb (id INTEGER);" "DROP TABLE t_bbbb;" "-- Branch Labels: left" >/dev/null
	mig cccc aaaa "rev cccc" "CREATE TABLE t_cccc (id INTEGER);" "DROP TABLE t_cccc;" >/dev/null
	mig mmmm "bbbb, cccc" "rev \"mmmm\"" "CREATE TABLE t_mmmm (id INTEGER);" >/dev/null
}

test_json_heads_history_show() {
	diamond
	rt --json heads
	expect_rc 0
	expect_j "[r['revision'] for r in d['heads']]" "['mmmm']"
	expect_j "d['heads'][0]['down_revisions']" "['bbbb', 'cccc']"
	expect_j "d['heads'][0]['is_merge_point'], d['heads'][0]['has_downgrade']" "(True, True)"
	expect_j "d['heads'][0]['message']" 'rev "mmmm"'
	rt history --json
	expect_j "[r['revision'] for r in d['revisions']]" "['mmmm', 'cccc', 'bbbb', 'aaaa']"
	expect_j "[r['branch_labels'] for r in d['revisions'] if r['revision'] == 'bbbb']" "[['left']]"
	expect_j "'is_current' in d['revisions'][0]" "False"
	rt --json branches
	expect_j "[(r['revision'], r['children']) for r in d['branch_points']]" "[('aaaa', ['bbbb', 'cccc'])]"
	rt --json show bbbb cccc
	expect_j "[r['revision'] for r in d['revisions']]" "['bbbb', 'cccc']"
	expect_j "d['revisions'][0]['path']" "migrations/bbbb_rev_bbbb.sql"
}

test_json_current_and_history_marks() {
	diamond
	rt --json current
	expect_rc 0
	expect_j "d['rows'], d['current'], d['version_table_exists'], d['at_all_heads']" "([], [], False, False)"
	rt upgrade bbbb
	rt upgrade cccc
	rt --json current
	expect_j "d['rows'], [r['revision'] for r in d['current']]" "(['bbbb', 'cccc'], ['bbbb', 'cccc'])"
	expect_j "d['at_all_heads']" "False"
	rt --json history -i
	expect_j "[r['revision'] for r in d['revisions'] if r['is_current']]" "['cccc', 'bbbb']"
	rt upgrade head
	rt --json current
	expect_j "d['at_all_heads'], d['current'][0]['is_head']" "(True, True)"
}

test_json_current_unknown_row_still_reports() {
	diamond
	rt upgrade head
	q "UPDATE retort_version SET version_num = 'zzzz9999'"
	rt --json current
	expect_rc 1
	expect_j "d['unknown_rows']" "['zzzz9999']"
	expect_err_has "database is at revision zzzz9999"
}

sqlite_test_json_masks_password_and_refuses_writers() {
	diamond
	rt --json upgrade head
	expect_rc 2
	expect_err_has "'retort upgrade' has no JSON output"
	expect_versions ""
	rt --json revision -m x
	expect_rc 2
	[ "$(ls migrations | wc -l)" = 4 ] || fail "revision --json wrote a file"
}

# Bytes that are not UTF-8 (a Latin-1 header) come out as U+FFFD: the
# document still parses; valid UTF-8 passes through.
sqlite_test_json_is_utf8_whatever_the_files_hold() {
	project
	mig aaaa "" "x" "CREATE TABLE t_a (id INTEGER);" "" >/dev/null
	sed -i "s/^-- Message: x$/-- Message: caf$(printf '\351') na$(printf '\303\257')ve/" migrations/aaaa_x.sql
	rt history --json
	expect_rc 0
	python3 -c 'import json, sys; d = json.loads(sys.stdin.buffer.read().decode("utf-8")); m = d[0]["message"] if isinstance(d, list) else d["revisions"][0]["message"]; assert m == "caf\ufffd na\u00efve", m' <<<"$OUT" ||
		fail "history --json is not UTF-8 or lost the message: $OUT"
}

# verify --json when the migration files cannot be loaded: still one
# object, the problem naming file:line as the text error does.
sqlite_test_verify_json_when_nothing_loads() {
	project
	mig aaaa "" "a" "CREATE TABLE t_a (id INTEGER);" "" >/dev/null
	cp migrations/aaaa_a.sql migrations/zz_dup.sql
	rt verify --json
	expect_rc 1
	python3 -c 'import json, sys; d = json.load(sys.stdin); c = d["checks"][0]; assert not d["ok"] and c["summary"] and c["problems"][0].startswith("migrations/zz_dup.sql:1: revision id aaaa is already defined"), d' <<<"$OUT" ||
		fail "verify --json: $OUT"
}

run_tests
