#!/bin/bash
# status.sh - retort status: every revision in upgrade order, applied (when,
# by whom, how long) or pending; --check as a gate; --json; read-only.
. "$(dirname "$0")/lib.sh"

chain() {  # aaaa -> bbbb -> cccc
	project
	tmig aaaa ""
	tmig bbbb aaaa
	tmig cccc bbbb
}

# The STATE and REVISION columns of the table, one "state id" per line.
states() { awk 'NR > 1 && NF == 0 { exit } NR > 1 { print $1, $2 }' <<<"$OUT"; }

expect_states() {
	local got want
	got=$(states)
	want=$(printf '%s\n' "$@")
	[ "$got" = "$want" ] || fail "states: expected:
$want
got:
$got"
}

test_status_of_an_empty_database_is_all_pending_and_creates_nothing() {
	chain
	rt status
	expect_rc 0
	expect_states "pending aaaa" "pending bbbb" "pending cccc"
	expect_out_has "no version table yet"
	expect_out_has "0 applied, 3 pending"
	[ "$DIALECT" != sqlite ] || [ ! -e app.db ] || fail "status created the SQLite file"
	[ "$DIALECT" != postgresql ] || ! has_table retort_version || fail "status created the version table"
	rt status --check
	expect_rc 1
	expect_err_has "3 migrations are pending"
	expect_err_has "retort upgrade heads"
}

test_status_lists_applied_with_history_then_pending() {
	chain
	rt upgrade bbbb
	expect_rc 0
	rt status
	expect_rc 0
	expect_states "applied aaaa" "applied bbbb" "pending cccc"
	expect_out_has "at bbbb"
	expect_out_has "2 applied, 1 pending"
	# when, by whom and how long come from the history table
	local user
	user=$(q "SELECT db_user FROM retort_version_history WHERE revision = 'aaaa'")
	[ -n "$user" ] || fail "no db_user recorded"
	grep -E "^applied +aaaa +20[0-9][0-9]-[0-9][0-9]-[0-9][0-9] [0-9][0-9]:[0-9][0-9]:[0-9][0-9] +$user +[0-9]+ ms +rev aaaa$" <<<"$OUT" >/dev/null ||
		fail "the applied line lacks time, user or duration"
	grep -E "^pending +cccc \(head\) +rev cccc$" <<<"$OUT" >/dev/null || fail "the pending line is not bare"
	grep -q "bbbb (current)" <<<"$OUT" || fail "the database's revision is not marked current"
	rt status --check
	expect_rc 1
	expect_err_has "1 migration is pending"
	rt upgrade head
	rt status --check
	expect_rc 0
	expect_out_has "3 applied, 0 pending"
}

test_status_json() {
	chain
	rt upgrade aaaa
	rt stamp bbbb
	rt status --json
	expect_rc 0
	/usr/bin/python3 - "$OUT" <<'EOF' || fail "JSON: see above"
import json, re, sys
d = json.loads(sys.argv[1])
assert d["version_table_exists"] and d["history_table_exists"], d
assert d["current"] == ["bbbb"] and d["applied"] == 2 and d["pending"] == 1, d
revs = d["revisions"]
assert [(r["revision"], r["state"]) for r in revs] == [("aaaa", "applied"), ("bbbb", "applied"), ("cccc", "pending")], revs
a, b, c = revs
assert re.match(r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$", a["applied_at"]), a["applied_at"]
assert a["applied_how"] == "upgrade" and isinstance(a["duration_ms"], int) and a["applied_by"], a
assert b["applied_how"] == "stamp" and b["applied_at"] and b["is_current"], b
assert c["applied_at"] is None and c["applied_by"] is None and c["duration_ms"] is None and c["is_head"], c
assert a["message"] == "rev aaaa" and a["down_revisions"] == [] and c["down_revisions"] == ["bbbb"], revs
EOF
}

# Branches: applied first in the order they went in, pending in the order
# upgrade heads applies them; branch and merge points marked.
test_status_orders_branches_as_upgrade_does() {
	project
	tmig aaaa ""
	tmig bbbb aaaa
	tmig cccc aaaa
	tmig dddd "bbbb, cccc"
	rt upgrade cccc
	rt status
	expect_rc 0
	expect_states "applied aaaa" "applied cccc" "pending bbbb" "pending dddd"
	expect_out_has "aaaa (branchpoint)"
	expect_out_has "dddd (head) (mergepoint)"
	rt upgrade heads
	expect_steps "upgrade aaaa -> bbbb" "upgrade bbbb, cccc -> dddd"
}

# A database Alembic migrated has no history table: applied, no details.
test_status_without_history_table() {
	chain
	rt upgrade head
	q "DROP TABLE retort_version_history" >/dev/null
	q "UPDATE retort_version SET version_num = 'bbbb'" >/dev/null
	rt status --json
	expect_rc 0
	/usr/bin/python3 -c 'import json,sys; d=json.loads(sys.argv[1]); assert not d["history_table_exists"]; assert [r["applied_at"] for r in d["revisions"]] == [None, None, None], d; assert [r["state"] for r in d["revisions"]] == ["applied", "applied", "pending"], d' "$OUT" ||
		fail "JSON without a history table"
	rt status
	expect_rc 0
	grep -E "^applied +aaaa +- +rev aaaa$" <<<"$OUT" >/dev/null || fail "an applied revision without history is not shown with '-'"
	has_table retort_version_history && fail "status created the history table"
	return 0
}

# A downgraded revision is pending again; an upgrade after it gives new details.
test_status_after_downgrade() {
	chain
	rt upgrade head
	rt downgrade -1
	rt status --json
	/usr/bin/python3 -c 'import json,sys; d=json.loads(sys.argv[1]); r=d["revisions"]; assert [x["state"] for x in r] == ["applied","applied","pending"], r; assert r[2]["applied_at"] is None, r' "$OUT" ||
		fail "after downgrade"
}

test_status_unknown_row_fails_after_listing() {
	chain
	rt upgrade aaaa
	q "INSERT INTO retort_version (version_num) VALUES ('feedfeedfeed')" >/dev/null
	rt status
	expect_rc 1
	expect_out_has "feedfeedfeed (no file defines it)"
	expect_err_has "feedfeedfeed, which no migration file defines"
}

sqlite_test_status_needs_no_json_refusal() {
	chain
	rt status --json --check
	expect_rc 1
	/usr/bin/python3 -c 'import json,sys; json.loads(sys.argv[1])' "$OUT" || fail "not JSON"
}

run_tests
