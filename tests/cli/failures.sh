#!/bin/bash
# tests/cli/failures.sh - a failed migration's hint fits the kind of
# failure: a lock, a full disk, a missing permission, rows that break a
# constraint or do not fit a type are not "fix the migration"; and a run
# that waits for another session's lock says so while it waits, naming
# the holder.
. "$(dirname "$0")/lib.sh"

# The hint of the last rt does not blame the migration, and says $1.
expect_hint_not_migration() {
	expect_err_has "$1"
	expect_err_lacks "fix the migration"
}

test_statement_error_blames_the_migration() {
	project
	mig m001 "" "typo" "CREATE TABLE t_a (id INTEGER);
INSERT INTO t_nowhere VALUES (1);" "" >/dev/null
	rt upgrade head
	expect_rc 1
	expect_err_has "fix the migration and run the command again"
}

test_constraint_failure_points_at_the_rows() {
	project
	tmig m001 ""
	mig m002 m001 "unique" "CREATE UNIQUE INDEX ix_u ON t_m001 (id);" "DROP INDEX ix_u;" >/dev/null
	rt upgrade m001
	q "INSERT INTO t_m001 VALUES (1), (1)" >/dev/null
	rt upgrade head
	expect_rc 1
	expect_hint_not_migration "rows already in the database break a constraint"
	expect_versions m001
}

pg_test_data_failure_points_at_the_values() {
	project
	mig m001 "" "text" "CREATE TABLE t_a (v TEXT);" "DROP TABLE t_a;" >/dev/null
	mig m002 m001 "to int" "ALTER TABLE t_a ALTER COLUMN v TYPE INTEGER USING v::integer;" "" >/dev/null
	rt upgrade m001
	q "INSERT INTO t_a VALUES ('12'), ('twelve')" >/dev/null
	rt upgrade head
	expect_rc 1
	expect_hint_not_migration "a value does not fit the change"
	expect_versions m001
}

sqlite_test_full_database_is_not_the_migrations_fault() {
	project
	mig m001 "" "fill" "CREATE TABLE t_a (v TEXT);
PRAGMA max_page_count = 8;
INSERT INTO t_a SELECT hex(randomblob(500)) FROM (WITH RECURSIVE c(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM c WHERE x < 200) SELECT x FROM c);" "" >/dev/null
	rt upgrade head
	expect_rc 1
	expect_err_has "database or disk is full"
	expect_hint_not_migration "free space or repair the storage"
	expect_db "" ""
}

sqlite_test_read_only_database_is_a_permission_problem() {
	project
	mig m001 "" "write" "PRAGMA query_only = 1;
CREATE TABLE t_a (id INTEGER);" "" >/dev/null
	rt upgrade head
	expect_rc 1
	expect_hint_not_migration "lack of permission"
}

pg_test_missing_privilege_is_a_permission_problem() {
	project
	psql_db -c "CREATE ROLE rt_limited_$$ LOGIN; REVOKE CREATE ON SCHEMA public FROM PUBLIC" >/dev/null
	tmig m001 ""
	rt --url "postgresql://rt_limited_$$@/${TEST_DB}?host=${RETORT_TEST_PGHOST}&port=${RETORT_TEST_PGPORT}" upgrade head
	psql_db -c "DROP OWNED BY rt_limited_$$; DROP ROLE rt_limited_$$" >/dev/null
	expect_rc 1
	expect_err_has "permission denied"
	expect_hint_not_migration "lack of permission"
}

# An sqlite3 shell holds the write lock: while it does, retort says it
# waits and for whom; when the wait runs out, the hint says so.  (retort
# tells after half a second of its own waiting; the test does not time it
# from outside, where a loaded host's process start would count too.)
sqlite_test_lock_wait_is_reported_and_not_blamed_on_the_migration() {
	project "lock_retries = 0"  # the failure itself is tested here (retries.sh: retrying)
	tmig m001 ""
	sqlite3 app.db "CREATE TABLE t_other (id INTEGER)"
	hold_sql "BEGIN IMMEDIATE; INSERT INTO t_other VALUES (1);" sqlite3 app.db
	"$RETORT" --lock-wait 60 upgrade head 2> wait.err 8>&- &
	local pid=$!
	wait_for wait.err "is locked by another connection"
	grep -q "is locked by another connection, process [0-9]* (sqlite3)" wait.err ||
		fail "the holder is not named: $(cat wait.err)"
	release
	wait "$pid" || fail "the upgrade failed after the lock was released: $(cat wait.err)"
	expect_db "m001" "t_m001 t_other"
	hold_sql "BEGIN IMMEDIATE;" sqlite3 app.db
	tmig m002 m001
	rt --lock-wait 1 upgrade head 8>&-
	release
	expect_rc 1
	expect_hint_not_migration "the migration itself is not at fault"
	expect_err_has "database is locked (by process"
	expect_versions m001
}

# Another retort's migration lock (flock stands in for it): the wait names
# the process that holds it.
sqlite_test_migration_lock_wait_names_the_holder() {
	project
	tmig m001 ""
	rt upgrade head
	tmig m002 m001
	hold_flock
	rt --lock-wait 1 upgrade head 8>&-
	release
	expect_rc 1
	expect_err_has "(flock) is migrating app.db; waiting up to 1 s"
	expect_versions m001
}

# A psql session keeps a table locked: the ALTER TABLE waits, which retort
# reports while it waits (after half a second of it), naming the backend;
# at lock_timeout it fails with a hint that does not blame the migration.
# The session holds the lock until the upgrade has ended.
pg_test_lock_wait_is_reported_and_not_blamed_on_the_migration() {
	project "lock_timeout = 3s" "lock_retries = 0"  # retries.sh tests retrying
	tmig m001 ""
	mig m002 m001 "add" "ALTER TABLE t_m001 ADD COLUMN v INTEGER;" "ALTER TABLE t_m001 DROP COLUMN v;" >/dev/null
	rt upgrade m001
	hold_sql "BEGIN; LOCK TABLE t_m001 IN ACCESS EXCLUSIVE MODE;" psql_db -v ON_ERROR_STOP=1
	"$RETORT" upgrade head 2> wait.err 8>&- &
	local pid=$!
	wait_for wait.err "waits for a lock held by"
	grep -q "the statement at migrations/m002_add.sql:7 waits for a lock held by backend [0-9]* (psql, user $RETORT_TEST_PGUSER" wait.err ||
		fail "the wait does not name the holder: $(cat wait.err)"
	wait "$pid" && fail "the upgrade did not fail at lock_timeout"
	release
	grep -q "canceling statement due to lock timeout" wait.err || fail "not a lock timeout: $(cat wait.err)"
	grep -q "the migration itself is not at fault" wait.err || fail "the hint blames the migration: $(cat wait.err)"
	grep -q "fix the migration" wait.err && fail "the hint blames the migration: $(cat wait.err)"
	expect_versions m001
}

run_tests
