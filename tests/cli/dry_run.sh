#!/bin/bash
# dry_run.sh - looking before deploying: upgrade/downgrade --dry-run (the
# plan and SQL from the database's real state, under the lock, nothing
# changed), 'current' as the start of an offline range, and --rehearse (the
# whole plan in one transaction, rolled back: success or the real failure).
. "$(dirname "$0")/lib.sh"

chain() {  # aaaa -> bbbb -> cccc
	project
	tmig aaaa ""
	tmig bbbb aaaa
	tmig cccc bbbb
}

history_rows() { q "SELECT count(*) FROM retort_version_history"; }

# Everything the database holds, to compare before and after.
snapshot() {
	case $DIALECT in
	sqlite) sqlite3 app.db .dump ;;
	# sequences are not transactional: a rolled-back history row still used an id
	postgresql) pg_dump -h "$RETORT_TEST_PGHOST" -p "$RETORT_TEST_PGPORT" -U "$RETORT_TEST_PGUSER" "$TEST_DB" |
		grep -v '^-- Dumped\|^\\restrict\|^\\unrestrict\|pg_catalog.setval' ;;
	esac
}

test_dry_run_prints_the_plan_from_the_database_and_changes_nothing() {
	chain
	rt upgrade aaaa
	local before
	before=$(snapshot)
	rt upgrade head --dry-run
	expect_rc 0
	expect_steps "upgrade aaaa -> bbbb" "upgrade bbbb -> cccc"
	expect_err_has "dry run: 2 migrations would be applied; nothing was changed"
	expect_out_has "-- Running upgrade aaaa -> bbbb, rev bbbb"
	expect_out_has "CREATE TABLE t_bbbb (id INTEGER);"
	expect_out_has "CREATE TABLE t_cccc (id INTEGER);"
	expect_out_has "version_num='bbbb' WHERE"
	expect_out_lacks "CREATE TABLE t_aaaa"
	# the version table exists: it is not made again
	expect_out_lacks "CREATE TABLE IF NOT EXISTS retort_version ("
	[ "$(snapshot)" = "$before" ] || fail "the dry run changed the database"
	# what a dry run prints is what a real run then does
	rt upgrade head
	expect_steps "upgrade aaaa -> bbbb" "upgrade bbbb -> cccc"
	expect_db "cccc" "t_aaaa t_bbbb t_cccc"
}

test_dry_run_downgrade() {
	chain
	rt upgrade head
	local before
	before=$(snapshot)
	rt downgrade -2 --dry-run
	expect_rc 0
	expect_steps "downgrade cccc -> bbbb" "downgrade bbbb -> aaaa"
	expect_out_has "DROP TABLE t_cccc;"
	expect_out_has "DROP TABLE t_bbbb;"
	expect_err_has "dry run: 2 migrations would be reverted"
	[ "$(snapshot)" = "$before" ] || fail "the dry run changed the database"
	rt downgrade base --dry-run --sql
	expect_rc 2
	expect_err_has "exclude each other"
	rt upgrade head --dry-run --backup
	expect_rc 2
	[ ! -d backups ] || fail "a backup was made"
}

test_dry_run_at_head_has_nothing_to_do() {
	chain
	rt upgrade head
	rt upgrade head --dry-run
	expect_rc 0
	expect_out ""
	expect_err_has "nothing to do"
	expect_err_has "dry run: 0 migrations would be applied"
}

sqlite_test_dry_run_creates_no_database_file() {
	chain
	rt upgrade head --dry-run
	expect_rc 0
	[ ! -e app.db ] || fail "the dry run created app.db"
	expect_out_has "CREATE TABLE IF NOT EXISTS retort_version ("
	expect_steps "upgrade  -> aaaa" "upgrade aaaa -> bbbb" "upgrade bbbb -> cccc"
}

# The dry run reads the version table under the migration lock: while
# another run holds it, the dry run waits (and says so).
sqlite_test_dry_run_takes_the_lock() {
	chain
	rt upgrade aaaa
	hold_flock
	rt --lock-wait 1 upgrade head --dry-run
	expect_rc 1
	expect_err_has "held the migration lock"
	release
	rt upgrade head --dry-run
	expect_rc 0
}

test_current_starts_an_offline_range() {
	chain
	rt upgrade current:head --sql
	expect_rc 0
	expect_out_has "CREATE TABLE IF NOT EXISTS retort_version ("
	expect_out_has "CREATE TABLE t_aaaa"
	[ "$DIALECT" != sqlite ] || [ ! -e app.db ] || fail "reading current created app.db"
	rt upgrade aaaa
	rt upgrade current:head --sql
	expect_rc 0
	expect_out_has "-- Running upgrade aaaa -> bbbb"
	expect_out_lacks "CREATE TABLE t_aaaa"
	expect_out_lacks "CREATE TABLE IF NOT EXISTS retort_version ("
	# the same SQL as a dry run (on SQLite, where offline names the tables as online does)
	if [ "$DIALECT" = sqlite ]; then
		local offline=$OUT
		rt upgrade head --dry-run
		[ "$OUT" = "$offline" ] || fail "--dry-run and current:head --sql differ"
	fi
	rt upgrade head
	rt downgrade current:-1 --sql
	expect_rc 0
	expect_out_has "DROP TABLE t_cccc;"
	expect_out_lacks "DROP TABLE t_bbbb;"
	expect_db "cccc" "t_aaaa t_bbbb t_cccc"
}

test_rehearse_runs_everything_then_rolls_back() {
	chain
	rt upgrade aaaa
	local before
	before=$(snapshot)
	rt upgrade head --rehearse
	expect_rc 0
	expect_steps "upgrade aaaa -> bbbb" "upgrade bbbb -> cccc"
	expect_err_has "rehearsal: 2 migrations applied in"
	expect_err_has "then rolled back: the database is as it was"
	[ "$(snapshot)" = "$before" ] || fail "the rehearsal changed the database"
	rt downgrade base --rehearse
	expect_rc 0
	expect_steps "downgrade aaaa -> "
	[ "$(snapshot)" = "$before" ] || fail "the downgrade rehearsal changed the database"
}

# A failure is reported as a real run reports it -- revision, file:line,
# the database's message -- and the migrations before it are rolled back too.
test_rehearse_reports_the_real_failure() {
	chain
	mig dddd cccc "breaks" "CREATE TABLE t_dddd (id INTEGER);
INSERT INTO t_nosuch VALUES (1);" "DROP TABLE t_dddd;" >/dev/null
	rt upgrade aaaa
	local before
	before=$(snapshot)
	rt upgrade head --rehearse
	expect_rc 1
	expect_err_has "migrations/dddd_breaks.sql:8:"
	expect_err_has "t_nosuch"
	expect_err_has "a rehearsal: the whole run was rolled back and nothing changed; a real run would stop here with the database at cccc"
	expect_err_has "rehearsal failed after 2 migrations"
	[ "$(snapshot)" = "$before" ] || fail "the failed rehearsal changed the database"
	# the real run fails the same way, keeping what committed before
	rt upgrade head
	expect_rc 1
	expect_err_has "migrations/dddd_breaks.sql:8:"
	expect_db "cccc" "t_aaaa t_bbbb t_cccc"
}

test_rehearse_refuses_sections_outside_a_transaction() {
	chain
	mig dddd cccc "no tx" "CREATE TABLE t_dddd (id INTEGER);" "DROP TABLE t_dddd;" >/dev/null
	sed -i 's/^-- migrate:upgrade$/-- migrate:upgrade transaction:false/' migrations/dddd_no_tx.sql
	mig eeee dddd "backfill" "UPDATE t_aaaa SET id = 1 WHERE id IS NULL;" "" >/dev/null
	sed -i 's/^-- migrate:upgrade$/-- migrate:upgrade batch/' migrations/eeee_backfill.sql
	rt upgrade head --rehearse
	expect_rc 2
	expect_err_has "migrations/dddd_no_tx.sql:6: revision dddd: its upgrade section is marked transaction:false"
	expect_err_has "cannot be rehearsed"
	expect_err_lacks "Running upgrade"
	expect_db "" ""
	rt upgrade cccc
	rt upgrade eeee --rehearse
	expect_rc 2
	expect_err_has "transaction:false"
	rt upgrade dddd
	rt upgrade head --rehearse
	expect_rc 2
	expect_err_has "migrations/eeee_backfill.sql:6: revision eeee: its upgrade section is marked batch"
	expect_db "dddd" "t_aaaa t_bbbb t_cccc t_dddd"
	# a plan without such a section is rehearsed
	rt upgrade dddd --rehearse
	expect_rc 0
}

sqlite_test_rehearse_of_a_database_not_made_yet_creates_none() {
	chain
	rt upgrade head --rehearse
	expect_rc 0
	expect_err_has "the database does not exist yet: rehearsing on an empty scratch database"
	expect_steps "upgrade  -> aaaa" "upgrade aaaa -> bbbb" "upgrade bbbb -> cccc"
	[ ! -e app.db ] || fail "the rehearsal created app.db"
}

run_tests
