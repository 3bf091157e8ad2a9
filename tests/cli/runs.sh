#!/bin/bash
# runs.sh - a deploy is a unit: every run records one run id on its history
# rows, history --runs lists the runs, downgrade --last-run reverts exactly
# what the last upgrade run applied and refuses when anything ran after it;
# a history table of a retort before run ids gains the column in place.
. "$(dirname "$0")/lib.sh"

chain4() {  # aaaa -> bbbb -> cccc -> dddd
	project
	tmig aaaa ""
	tmig bbbb aaaa
	tmig cccc bbbb
	tmig dddd cccc
}

# The run ids of the history rows, in id order ("-" for none).
row_runs() { q "SELECT coalesce(run_id, '-') FROM retort_version_history ORDER BY id" | tr '\n' ' ' | sed 's/ $//'; }

test_last_run_reverts_exactly_the_last_deploy() {
	chain4
	rt upgrade aaaa
	expect_rc 0
	rt upgrade head   # the deploy: three migrations
	expect_rc 0
	expect_err_has "applied 3 migrations in"
	local id
	id=$(sed -n 's/.*applied 3 migrations in [0-9]* ms (run \([^)]*\)).*/\1/p' <<<"$ERR")
	[ -n "$id" ] || fail "the upgrade did not name its run: $ERR"
	[ "$(q "SELECT count(DISTINCT run_id) FROM retort_version_history")" = 2 ] || fail "two runs, two ids: $(row_runs)"
	[ "$(q "SELECT count(*) FROM retort_version_history WHERE run_id = '$id'")" = 3 ] || fail "the deploy's three rows lack its id: $(row_runs)"
	rt history --runs
	expect_rc 0
	grep -E "^$id +20[0-9-]+T[0-9:.]+Z +upgrade +.*3 steps: bbbb, cccc, dddd" <<<"$OUT" >/dev/null || fail "history --runs: $OUT"
	[ "$(head -n 1 <<<"$OUT" | awk '{print $1}')" = "$id" ] || fail "newest run not first: $OUT"
	# a dry run reads the history and changes nothing
	rt downgrade --last-run --dry-run
	expect_rc 0
	expect_err_has "reverting run $id"
	expect_out_has "DROP TABLE t_dddd;"
	expect_db "dddd" "t_aaaa t_bbbb t_cccc t_dddd"
	rt downgrade --last-run
	expect_rc 0
	expect_err_has "reverting run $id (upgrade at 20"
	expect_steps "downgrade dddd -> cccc" "downgrade cccc -> bbbb" "downgrade bbbb -> aaaa"
	expect_db "aaaa" "t_aaaa"
	# the revert was a run of its own: a second --last-run refuses
	rt downgrade --last-run
	expect_rc 1
	expect_err_has "was a downgrade, not an upgrade"
	expect_err_has "run: retort history --runs"
	expect_db "aaaa" "t_aaaa"
	rt --json history --runs
	expect_rc 0
	python3 -c '
import json, sys
d = json.load(sys.stdin)["runs"]
assert [r["direction"] for r in d] == ["downgrade", "upgrade", "upgrade"], d
assert [s["revision"] for s in d[1]["steps"]] == ["bbbb", "cccc", "dddd"], d
assert all(r["run_id"] and r["started_at"] and r["user"] for r in d), d
assert d[1]["run_id"] == sys.argv[1], d' "$id" <<<"$OUT" || fail "json: $OUT"
}

# A deploy that failed at its third migration: the run is recorded as
# failed (after the rollback, so the failed step left nothing), with the
# two it applied, the failing revision and the database's message;
# --last-run takes the database back to where the deploy started.
test_last_run_reverts_a_deploy_that_failed_halfway() {
	project
	tmig aaaa ""
	tmig bbbb aaaa
	tmig cccc bbbb
	mig dddd cccc "broken" "CREATE TABLE t_dddd (id INTEGER);
INSERT INTO t_nowhere VALUES (1);" "" >/dev/null
	rt upgrade aaaa
	rt upgrade head
	expect_rc 1
	expect_versions "cccc"
	expect_tables "t_aaaa t_bbbb t_cccc"
	local id
	id=$(q "SELECT run_id FROM retort_version_history WHERE revision = 'bbbb'")
	expect_q "SELECT revision || ' ' || direction || ' ' || coalesce(outcome, '-') FROM retort_version_history WHERE run_id = '$id' ORDER BY id" "bbbb upgrade -
cccc upgrade -
dddd failed failed"
	rt history --runs
	expect_rc 0
	grep -E "^$id +20[0-9-]+T[0-9:.]+Z +upgrade +.*2 steps: bbbb, cccc \([0-9]+ ms\) failed$" <<<"$OUT" >/dev/null || fail "history --runs: $OUT"
	expect_out_has "    failed at dddd: upgrade dddd (broken) failed: "
	expect_out_has "t_nowhere"
	rt --json history --runs
	expect_rc 0
	python3 -c '
import json, sys
d = json.load(sys.stdin)["runs"]
assert [r["outcome"] for r in d] == ["failed", "ok"], d
assert d[0]["failed_revision"] == "dddd" and "t_nowhere" in d[0]["failure"], d
assert [s["revision"] for s in d[0]["steps"]] == ["bbbb", "cccc"], d
assert d[1]["failed_revision"] is None and d[1]["failure"] is None, d' <<<"$OUT" || fail "json: $OUT"
	rt downgrade --last-run
	expect_rc 0
	expect_err_has "2 revisions; it failed after them)"
	expect_steps "downgrade cccc -> bbbb" "downgrade bbbb -> aaaa"
	expect_db "aaaa" "t_aaaa"
}

# A deploy that failed at its first migration applied nothing: it is
# listed as failed with no steps, and --last-run has nothing to revert
# (it does not reach back to the deploy before it).
test_failed_run_that_applied_nothing() {
	project
	tmig aaaa ""
	mig bbbb aaaa "broken" "INSERT INTO t_nowhere VALUES (1);" "" >/dev/null
	rt upgrade aaaa
	rt upgrade head
	expect_rc 1
	rt history --runs
	expect_rc 0
	[ "$(head -n 1 <<<"$OUT" | grep -c "upgrade .* 0 steps: (0 ms) failed$")" = 1 ] || fail "history --runs: $OUT"
	expect_out_has "failed at bbbb:"
	rt downgrade --last-run
	expect_rc 0
	expect_err_has "failed before any of its steps stayed: it left nothing to revert"
	expect_db "aaaa" "t_aaaa"
	# the fixed migration is a new run, recorded ok
	mig bbbb aaaa "broken" "CREATE TABLE t_bbbb (id INTEGER);" "DROP TABLE t_bbbb;" >/dev/null
	rt upgrade head
	expect_rc 0
	rt --json history --runs
	python3 -c '
import json, sys
d = json.load(sys.stdin)["runs"]
assert [r["outcome"] for r in d] == ["ok", "failed", "ok"], d
assert d[1]["steps"] == [] and d[1]["direction"] == "upgrade", d' <<<"$OUT" || fail "json: $OUT"
}

# A failed first run into an empty database leaves it empty: nothing is
# made to record the failure.
test_failed_first_run_leaves_an_empty_database_empty() {
	project
	mig aaaa "" "broken" "CREATE TABLE t_aaaa (id INTEGER);
INSERT INTO t_nowhere VALUES (1);" "" >/dev/null
	rt upgrade head
	expect_rc 1
	expect_db "" ""
	has_table retort_version_history && fail "the history table was made to record the failure"
	rt history --runs
	expect_rc 0
	expect_err_has "no history table"
}

# A run killed mid-step cannot record anything: the steps it committed
# are listed, and the run as "unfinished"; --last-run reverts them.
test_killed_run_is_unfinished() {
	project
	tmig aaaa ""
	tmig bbbb aaaa
	local slow
	case $DIALECT in
	postgresql) slow="SELECT pg_sleep(3);" ;;  # the server notices the dead client after it
	mysql) slow="SELECT SLEEP(3);" ;;
	*) slow="WITH RECURSIVE c(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM c WHERE x < 2000000000) SELECT count(*) FROM c;" ;;
	esac
	mig cccc bbbb "slow" "CREATE TABLE t_cccc (id INTEGER);
$slow" "DROP TABLE t_cccc;" >/dev/null
	rt upgrade aaaa
	"$RETORT" upgrade head 2>killed.err &
	local pid=$!
	wait_for killed.err "Running upgrade bbbb -> cccc"
	kill -KILL "$pid"
	wait "$pid" 2>/dev/null
	rt history --runs
	expect_rc 0
	head -n 1 <<<"$OUT" | grep -E "upgrade .*1 step: bbbb \([0-9]+ ms\) unfinished$" >/dev/null || fail "history --runs: $OUT"
	rt downgrade --last-run
	expect_rc 0
	expect_err_has "1 revision; it stopped after them)"
	expect_db "aaaa" "t_aaaa"
}

# The failure recorded has the URL's secrets masked, as everything retort prints.
pg_test_failure_recorded_without_secrets() {
	project
	sed -i "s|^url = postgresql://${RETORT_TEST_PGUSER}@|url = postgresql://${RETORT_TEST_PGUSER}:Sw0rdfish42@|" retort.ini
	grep -q Sw0rdfish42 retort.ini || fail "no password in the URL: $(cat retort.ini)"
	tmig aaaa ""
	mig bbbb aaaa "leaky" "DO \$\$ BEGIN RAISE EXCEPTION 'cannot log in with Sw0rdfish42'; END \$\$;" "" >/dev/null
	rt upgrade aaaa
	rt upgrade head
	expect_rc 1
	expect_err_lacks "Sw0rdfish42"
	expect_q "SELECT direction, position('***' in failure) > 0, position('Sw0rdfish42' in failure) FROM retort_version_history WHERE outcome = 'failed'" "failed|t|0"
	rt history --runs
	expect_out_has "failed at bbbb:"
	[ "$(grep -c Sw0rdfish42 <<<"$OUT")" = 0 ] || fail "the password was printed: $OUT"
}

# A stamp after the deploy, or a version table changed by hand: "the last
# deploy" is no longer what the database holds, so nothing is reverted.
test_last_run_refuses_after_a_stamp_or_a_hand_edit() {
	chain4
	rt upgrade cccc
	rt stamp dddd
	rt downgrade --last-run
	expect_rc 1
	expect_err_has "was a stamp, not an upgrade"
	expect_db "dddd" "t_aaaa t_bbbb t_cccc"
	rt upgrade head
	expect_rc 0
	expect_err_has "nothing to do"
	# nothing ran: the stamp is still the last run
	rt downgrade --last-run
	expect_rc 1
	expect_err_has "was a stamp"
	q "CREATE TABLE t_dddd (id INTEGER)"  # what dddd would have made
	rt downgrade base
	expect_rc 0
	rt upgrade head
	expect_rc 0
	q "UPDATE retort_version SET version_num = 'bbbb'"
	rt downgrade --last-run
	expect_rc 1
	expect_err_has "cannot revert run"
	expect_err_has "revision cccc is not applied any more: the version table changed since"
	expect_versions "bbbb"
}

# Both branches a run moved are reverted; a run on one branch leaves the other.
test_last_run_across_branches() {
	project
	tmig aaaa ""
	tmig bbbb aaaa
	tmig cccc aaaa
	rt upgrade aaaa
	rt upgrade heads
	expect_rc 0
	rt downgrade --last-run
	expect_rc 0
	expect_db "aaaa" "t_aaaa"
	rt upgrade bbbb
	rt upgrade cccc
	rt downgrade --last-run
	expect_rc 0
	expect_db "bbbb" "t_aaaa t_bbbb"
}

# A history table made by a retort before run ids (no run_id column):
# the next run adds the column in its first step's transaction, keeps
# every row, and only its own rows can be reverted as a run.
test_history_table_before_run_ids_is_upgraded_in_place() {
	chain4
	rt upgrade bbbb
	q "ALTER TABLE retort_version_history DROP COLUMN run_id" >/dev/null
	q "ALTER TABLE retort_version_history DROP COLUMN outcome" >/dev/null
	q "ALTER TABLE retort_version_history DROP COLUMN failure" >/dev/null
	local before
	before=$(q "SELECT count(*) FROM retort_version_history")
	rt history --runs
	expect_rc 0
	expect_out_has "(no run id)"
	rt --json history --runs
	python3 -c '
import json, sys
d = json.load(sys.stdin)["runs"]
assert [r["outcome"] for r in d] == [None], d' <<<"$OUT" || fail "json: $OUT"
	rt downgrade --last-run
	expect_rc 1
	expect_err_has "has no run id: a retort before run ids recorded it"
	expect_db "bbbb" "t_aaaa t_bbbb"
	rt upgrade head
	expect_rc 0
	[ "$(q "SELECT count(*) FROM retort_version_history WHERE run_id IS NULL")" = "$before" ] ||
		fail "the old rows were not kept: $(row_runs)"
	[ "$(q "SELECT count(DISTINCT run_id) FROM retort_version_history WHERE run_id IS NOT NULL")" = 1 ] ||
		fail "the new rows lack one run id: $(row_runs)"
	rt history --runs
	head -n 1 <<<"$OUT" | grep -E "2 steps: cccc, dddd \([0-9]+ ms\)$" >/dev/null || fail "history --runs: $OUT"
	expect_q "SELECT coalesce(outcome, '-') FROM retort_version_history ORDER BY id" "-
-
-
ok"
	rt downgrade --last-run
	expect_rc 0
	expect_db "bbbb" "t_aaaa t_bbbb"
}

# A rehearsal records nothing; a database never migrated has no runs.
test_runs_of_rehearsal_and_empty_database() {
	chain4
	rt history --runs
	expect_rc 0
	expect_err_has "no history table"
	[ "$DIALECT" != sqlite ] || [ ! -e app.db ] || fail "history --runs created the SQLite file"
	rt --json history --runs
	expect_rc 0
	expect_out '{"runs": []}'
	rt downgrade --last-run
	expect_rc 1
	expect_err_has "no run to revert"
	rt downgrade --last-run --dry-run
	expect_rc 1
	expect_err_has "no run to revert"
	rt upgrade aaaa
	rt upgrade head --rehearse
	expect_rc 0
	rt downgrade --last-run --rehearse
	expect_rc 0
	expect_err_has "reverting run"
	expect_db "aaaa" "t_aaaa"
	[ "$(q "SELECT count(DISTINCT run_id) FROM retort_version_history")" = 1 ] || fail "a rehearsal left rows: $(row_runs)"
}

test_last_run_usage() {
	chain4
	rt downgrade --last-run base
	expect_rc 2
	expect_err_has "--last-run takes no TARGET"
	rt downgrade --last-run --sql
	expect_rc 2
	expect_err_has "no --sql form"
	rt history --runs -r :head
	expect_rc 2
}

run_tests
