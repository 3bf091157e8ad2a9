#!/bin/bash
# tests/cli/scratch.sh - scratch databases of killed runs (check, diff,
# verify under SIGKILL) do not stay forever: they are named after the
# process that made them, and a later run drops those whose process is
# gone, saying so -- never one still in use.  PostgreSQL: the spare
# database a run makes ahead for the next one is taken only while it is
# as template0 made it, and dropped when nobody took it within a day.
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

# The scratch databases in which the slow migration is running now.  check
# loads the schema file and replays the migrations side by side: the file's
# scratch database is made, read and dropped within a moment, and the
# replay's may not exist yet when it goes, so seeing "a" scratch database
# proves nothing; the one running the slow statement lasts its 4 s.  On
# SQLite nothing is dropped behind a killed process and the replay's file
# is made before anything runs in it.
replaying_dbs() {
	case $DIALECT in
	sqlite) scratch_dbs ;;
	postgresql) psql_admin -c "SELECT DISTINCT datname FROM pg_stat_activity WHERE datname LIKE 'retort\_scratch\_%' AND query LIKE '%pg_sleep(4)%' AND state = 'active'" ;;
	mysql) my "" -e "SELECT DISTINCT db FROM information_schema.processlist WHERE db LIKE 'retort\\_scratch\\_%' AND info LIKE '%SLEEP(4)%'" ;;
	esac
}

# Wait (at most 30 s) until the slow migration runs in a scratch database.
wait_for_scratch() {
	for _ in $(seq 300); do
		[ -n "$(replaying_dbs)" ] && return 0
		sleep 0.1
	done
	fail "no scratch database appeared"
}

# Wait (at most 60 s, which only a hung server takes) until no session of
# the killed run is left on the server: the sweep leaves a database anyone
# is in, and the killed client's sessions end only when the server notices
# (PostgreSQL: client_connection_check_interval, 1 s; MariaDB: once the
# SLEEP returns, up to 4 s after the kill), and a DROP DATABASE it had sent
# beside the replay still completes -- so which scratch databases the run
# left is known only then.  A fixed sleep is a guess a loaded host can
# outlast.  (retort's PostgreSQL sessions say application_name retort; on
# MariaDB, its sessions are those in or naming a scratch database.)
wait_no_sessions() {
	local i=0
	[ "$DIALECT" = sqlite ] && return 0
	until [ "$(case $DIALECT in
		postgresql) psql_admin -c "SELECT count(*) FROM pg_stat_activity WHERE application_name = 'retort' AND pid <> pg_backend_pid()" ;;
		mysql) my "" -e "SELECT COUNT(*) FROM information_schema.processlist WHERE id <> CONNECTION_ID() AND (db LIKE 'retort\\_scratch\\_%' OR info LIKE '%retort\\_scratch\\_%')" ;;
		esac)" = 0 ]; do
		[ $((i += 1)) -le 600 ] || fail "the killed client's sessions did not end within 60 s"
		sleep 0.1
	done
}

test_killed_check_leaves_a_scratch_database_the_next_run_drops() {
	slow_project
	"$RETORT" check >/dev/null 2>&1 &
	local pid=$!
	wait_for_scratch
	kill -9 "$pid"
	wait "$pid" 2>/dev/null
	wait_no_sessions
	local left
	left=$(scratch_dbs)
	[ -n "$left" ] || fail "the killed run left nothing to test with"
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
	local live
	live=$(replaying_dbs)
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

# PostgreSQL spares belong to the user who made them: each test has a user
# of its own, so runs of other tests on the server do not take its spares.
spare_user() {
	SPARE_USER=rt_spare_$$_${_TAP_N}
	psql_admin -c "CREATE ROLE $SPARE_USER LOGIN CREATEDB" || fail "cannot create a role"
	psql_admin -c "GRANT ALL ON DATABASE $TEST_DB TO $SPARE_USER"
	psql_admin -d "$TEST_DB" -c "GRANT ALL ON SCHEMA public TO $SPARE_USER"
	project "schema = schema.sql"
	sed -i "s|^url = .*|url = postgresql://$SPARE_USER@/$TEST_DB?host=$RETORT_TEST_PGHOST\&port=$RETORT_TEST_PGPORT|" retort.ini
	echo "CREATE TABLE t_a (id INTEGER);" > schema.sql
}

# The databases of SPARE_USER whose names start with $1.
user_dbs() {
	psql_admin -c "SELECT datname FROM pg_database WHERE datname LIKE '$1%' AND datdba =
		(SELECT oid FROM pg_roles WHERE rolname = '$SPARE_USER') ORDER BY 1"
}

drop_user() {
	for db in $(user_dbs retort_); do psql_admin -c "DROP DATABASE $db"; done
	psql_admin -d "$TEST_DB" -c "DROP OWNED BY $SPARE_USER"
	psql_admin -c "DROP ROLE $SPARE_USER"
}

pg_test_a_run_takes_the_spare_the_last_one_made() {
	spare_user
	rt diff --from empty --to schema
	expect_rc 0
	local first
	first=$(user_dbs 'retort\_spare\_')
	[ "$(echo "$first" | grep -c .)" = 1 ] || fail "want one spare, have: $first"
	rt diff --from empty --to schema
	expect_rc 0
	expect_out_has "CREATE TABLE public.t_a"
	local second
	second=$(user_dbs 'retort\_spare\_')
	[ "$(echo "$second" | grep -c .)" = 1 ] || fail "want one spare, have: $second"
	[ "$first" != "$second" ] || fail "the spare $first was not taken"
	[ -z "$(user_dbs 'retort\_scratch\_')" ] || fail "left behind: $(user_dbs 'retort\_scratch\_')"
	drop_user
}

# scratch_spare = false: a schema command leaves nothing on the server, no
# spare either (production, when dev_url is unset).
pg_test_scratch_spare_false_leaves_nothing() {
	spare_user
	echo "scratch_spare = false" >> retort.ini
	rt diff --from empty --to schema
	expect_rc 0
	expect_out_has "CREATE TABLE public.t_a"
	[ -z "$(user_dbs 'retort\_')" ] || fail "left behind: $(user_dbs 'retort\_')"
	sed -i '/^scratch_spare/d' retort.ini
	rt diff --from empty --to schema
	expect_rc 0
	[ -n "$(user_dbs 'retort\_spare\_')" ] || fail "no spare with scratch_spare unset"
	drop_user
}

# A spare someone could connect to, or gave settings or grants, may hold
# anything: it is not taken, and what it holds shows nowhere.
pg_test_a_changed_spare_is_not_taken() {
	spare_user
	rt diff --from empty --to schema
	local s
	s=$(user_dbs 'retort\_spare\_')
	[ -n "$s" ] || fail "no spare was made"
	psql_admin -c "ALTER DATABASE $s ALLOW_CONNECTIONS true"
	psql_admin -d "$s" -c "CREATE TABLE public.t_tampered (id INTEGER)"
	rt diff --from empty --to schema
	expect_rc 0
	expect_out_has "t_a"
	expect_out_lacks "t_tampered"
	user_dbs 'retort\_spare\_' | grep -qx "$s" || fail "the changed spare $s was taken"
	# allowing no connections again does not make it usable when it has settings
	psql_admin -c "ALTER DATABASE $s ALLOW_CONNECTIONS false" \
		-c "ALTER DATABASE $s SET search_path = nowhere"
	for db in $(user_dbs 'retort\_spare\_'); do
		[ "$db" = "$s" ] || psql_admin -c "DROP DATABASE $db"
	done
	rt diff --from empty --to schema
	expect_rc 0
	expect_out_lacks "t_tampered"
	user_dbs 'retort\_spare\_' | grep -qx "$s" || fail "the spare $s with settings was taken"
	drop_user
}

# A spare nobody took within a day is dropped by the sweep; a newer one stays.
pg_test_an_old_spare_is_swept() {
	spare_user
	local old new
	old=retort_spare_00000000_1_1_$(b36 $(( $(date +%s) - 2 * 86400 )))
	new=retort_spare_00000000_1_1_$(b36 $(( $(date +%s) - 3600 )))
	for db in $old $new; do
		psql_admin -c "CREATE DATABASE $db OWNER $SPARE_USER TEMPLATE template0 ALLOW_CONNECTIONS false"
		# never usable: what is taken here is no sweep's business
		psql_admin -c "ALTER DATABASE $db SET search_path = nowhere"
	done
	rt diff --from empty --to schema
	expect_rc 0
	expect_err_has "$old"
	expect_err_has "a spare made 48 hours ago and not taken"
	expect_err_lacks "$new"
	user_dbs 'retort\_spare\_' | grep -qx "$old" && fail "the old spare is still there"
	user_dbs 'retort\_spare\_' | grep -qx "$new" || fail "the newer spare was dropped"
	drop_user
}

# A number in base 36, as util/pidtag.h writes times.
b36() {
	local n=$1 s="" d=0123456789abcdefghijklmnopqrstuvwxyz
	while :; do s=${d:$((n % 36)):1}$s; n=$((n / 36)); [ "$n" = 0 ] && break; done
	echo "$s"
}

run_tests
