#!/bin/bash
# tests/cli/scratch.sh - scratch databases of killed runs (check, diff,
# verify under SIGKILL) do not stay forever: they are named after the
# process that made them, and a later run drops those whose process is
# gone, saying so -- never one still in use.
MY_DIALECTS=mysql
. "$(dirname "$0")/lib.sh"

psql_admin() { psql -X -q -At -h "$RETORT_TEST_PGHOST" -p "$RETORT_TEST_PGPORT" -U "$RETORT_TEST_PGUSER" -d postgres "$@"; }

# The scratch databases there are now: files in tmp/, or databases.
scratch_dbs() {
	case $DIALECT in
	sqlite) ls tmp | grep '^retort-scratch-.*\.db$' ;;
	postgresql) psql_admin -c "SELECT datname FROM pg_database WHERE datname LIKE 'retort\_scratch\_%' ORDER BY 1" ;;
	mysql) my "" -e "SELECT schema_name FROM information_schema.schemata WHERE schema_name LIKE 'retort\\_scratch\\_%' ORDER BY 1" ;;
	esac
}

# A project whose one migration takes a few seconds to replay.
slow_project() {
	project "schema = schema.sql"
	echo "CREATE TABLE t_a (id INTEGER);" > schema.sql
	case $DIALECT in
	sqlite) slow="WITH RECURSIVE c(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM c WHERE x < 30000000) SELECT count(*) FROM c;" ;;
	postgresql) slow="SELECT pg_sleep(4);" ;;
	mysql) slow="DO SLEEP(4);" ;;
	esac
	mig a1 "" "slow" "CREATE TABLE t_a (id INTEGER);
$slow" "DROP TABLE t_a;" >/dev/null
	mkdir -p tmp
	export TMPDIR=$PWD/tmp
}

# Wait (at most 10 s) until a scratch database exists.
wait_for_scratch() {
	for _ in $(seq 100); do
		[ -n "$(scratch_dbs)" ] && return 0
		sleep 0.1
	done
	fail "no scratch database appeared"
}

test_killed_check_leaves_a_scratch_database_the_next_run_drops() {
	slow_project
	"$RETORT" check >/dev/null 2>&1 &
	local pid=$!
	wait_for_scratch
	kill -9 "$pid"
	wait "$pid" 2>/dev/null
	local left
	left=$(scratch_dbs)
	[ -n "$left" ] || fail "the killed run left nothing to test with"
	sleep 2 # the server notices the dead client (client_connection_check_interval)
	# MariaDB ends the killed client's session once its SLEEP returns
	[ "$DIALECT" != mysql ] || sleep 3
	rt check
	expect_rc 0
	expect_err_has "abandoned scratch database"
	expect_err_has "which is gone"
	for db in $left; do expect_err_has "$db"; done
	[ -z "$(scratch_dbs)" ] || fail "left behind: $(scratch_dbs)"
}

# A run in progress keeps its scratch database while another run sweeps.
test_scratch_database_in_use_is_kept() {
	slow_project
	"$RETORT" check >/dev/null 2>&1 &
	local pid=$!
	wait_for_scratch
	# check loads the schema file and replays the migrations side by side:
	# the file's scratch database is made, read and dropped by the check
	# itself within a moment; the replay's lasts the slow migration
	sleep 1
	local live
	live=$(scratch_dbs)
	[ -n "$live" ] || fail "no scratch database of the running check"
	echo "CREATE TABLE t_b (id INTEGER);" > other.sql
	rt diff --from empty --to file:other.sql
	expect_err_lacks "abandoned"
	# the sweep names what it drops; the check itself drops each of its
	# databases when done with it, which on a loaded host may be before
	# the diff ends, so whether they still exist proves nothing
	for db in $live; do expect_err_lacks "$db"; done
	wait "$pid" || fail "the running check failed"
	[ -z "$(scratch_dbs)" ] || fail "left behind: $(scratch_dbs)"
}

run_tests
