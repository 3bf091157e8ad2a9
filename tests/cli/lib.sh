# tests/cli/lib.sh - harness for end-to-end tests of the built `retort`.
#
# A test file defines functions and ends with `run_tests`:
#
#   test_NAME         runs once per dialect in $DIALECTS (sqlite, and
#                     postgresql when a test server is up)
#   sqlite_test_NAME  runs on SQLite only
#   pg_test_NAME      runs on PostgreSQL only
#   my_test_NAME      runs on MySQL/MariaDB only, when a test server is up
#                     (RETORT_TEST_MYSQL_SOCKET; a file may set MY_DIALECTS=mysql
#                     before sourcing this one to run its test_NAME there too)
#   pgnoserver_test_NAME  gets a postgresql:// URL of no server (for what
#                     never connects, such as lint): runs with or without one
#
# A test whose dialect is not selected is reported "# SKIP", never dropped.
#
# Each test runs in a subshell, in a fresh empty directory, with a fresh
# database; the first failed expectation ends it.  Output is TAP.
#
# Helpers:
#   project [INI_LINES...]       write retort.ini (url for the dialect) + migrations/
#   mig ID PARENTS MSG UP [DOWN] [HEADER_LINES...]
#                                write migrations/ID_<slug>.sql; PARENTS comma-separated
#   rt ARGS...                   run retort: stdout in $OUT, stderr in $ERR, status in $RC
#   expect_rc N                  the last rt exited with N
#   expect_out TEXT              stdout is exactly TEXT
#   expect_out_has TEXT / expect_err_has TEXT / expect_err_lacks TEXT
#   q SQL                        query the test database: rows, columns joined by |
#   expect_q SQL EXPECTED        q SQL prints EXPECTED (rows joined by newlines)
#   versions                     the version table's rows, sorted, space-separated
#   expect_versions "A B"        versions prints exactly that
#   has_table NAME               0 if the table exists
#   tables                       the t_* tables, sorted, space-separated
#   expect_tables "t_a t_b"      tables prints exactly that
#   expect_db "A B" "t_a t_b"    expect_versions and expect_tables at once
#   tmig ID PARENTS [HEADER_LINES...]
#                                mig whose upgrade creates t_ID and downgrade drops it,
#                                message "rev ID" (the worked examples' convention)
#   expect_err TEXT              stderr is exactly TEXT
#   expect_steps STEP...         the "Running ..." lines of stderr, without "Running " and
#                                without a ", rev ID" message, are exactly these
#   wait_for FILE TEXT           until FILE contains TEXT (a hung process fails after 60 s)
#   fail MESSAGE
#   schema_journey               schema.sql -> autogenerate, upgrade, check, verify, downgrade base
#   skip REASON                  end the test as skipped (TAP "# SKIP REASON"): only for
#                                what the machine lacks, never for a failed expectation

set -u
RETORT=${RETORT:?RETORT must name the retort binary}
DIALECTS=${DIALECTS:-sqlite${RETORT_TEST_PGHOST:+ postgresql}}
if [ -n "${MY_DIALECTS:-}" ] && [ -n "${RETORT_TEST_MYSQL_SOCKET:-}" ]; then
	DIALECTS="$DIALECTS mysql"
fi
_TAP_N=0
_TAP_FAILED=0
_ROOT=$(mktemp -d)
trap 'rm -rf "$_ROOT"' EXIT

skip() { echo "$*"; exit 77; }

fail() {
	echo "# FAIL: $*" >&2
	if [ -n "${OUT:-}" ] || [ -n "${ERR:-}" ]; then
		echo "# last: retort ${LAST_ARGS:-} (exit ${RC:-?})" >&2
		echo "# stdout: ${OUT:-}" | head -n 25 | sed '2,$s/^/#   /' >&2
		echo "# stderr: ${ERR:-}" | head -n 25 | sed '2,$s/^/#   /' >&2
	fi
	exit 1
}

db_url() {
	case $DIALECT in
	sqlite) echo "sqlite:///app.db" ;;
	postgresql) echo "postgresql://${RETORT_TEST_PGUSER}@/${TEST_DB}?host=${RETORT_TEST_PGHOST}&port=${RETORT_TEST_PGPORT}" ;;
	mysql) echo "mysql://${RETORT_TEST_MYSQL_USER}@localhost/${TEST_DB}?socket=${RETORT_TEST_MYSQL_SOCKET}" ;;
	pgnoserver) echo "postgresql://nobody@/nodb?host=/nonexistent" ;;
	esac
}

# The mariadb client on the test server: my [DATABASE] [ARGS...] (reads SQL from stdin).
my() {
	local db=${1:-}
	[ $# -gt 0 ] && shift
	mariadb --no-defaults -N -B --socket="$RETORT_TEST_MYSQL_SOCKET" -u "$RETORT_TEST_MYSQL_USER" \
		${db:+"$db"} "$@"
}

project() {
	mkdir -p migrations
	{
		echo "[retort]"
		echo "script_location = migrations"
		echo "url = $(db_url)"
		for line in "$@"; do echo "$line"; done
	} > retort.ini
}

slug() { echo "$1" | tr 'A-Z' 'a-z' | sed 's/[^a-z0-9_]\{1,\}/_/g; s/^_//; s/_$//'; }

mig() {
	local id=$1 parents=$2 msg=$3 up=$4 down=${5-} f
	shift 4
	[ $# -gt 0 ] && shift
	mkdir -p migrations
	f="migrations/${id}_$(slug "$msg").sql"
	{
		echo "-- Revision ID: $id"
		echo "-- Revises: $parents"
		echo "-- Create Date: 2026-11-22 14:30:00.000000+00:00"
		echo "-- Message: $msg"
		for line in "$@"; do echo "$line"; done
		echo
		echo "-- migrate:upgrade"
		printf '%s\n' "$up"
		echo
		echo "-- migrate:downgrade"
		printf '%s\n' "$down"
	} > "$f"
	echo "$f"
}

rt() {
	LAST_ARGS="$*"
	OUT=$("$RETORT" "$@" 2>"$_ROOT/err.$$")
	RC=$?
	ERR=$(cat "$_ROOT/err.$$")
	if [ "$RC" -eq 86 ] || grep -q "Sanitizer" <<<"$ERR"; then
		fail "sanitizer report"
	fi
	return 0
}

expect_rc() { [ "$RC" -eq "$1" ] || fail "expected exit status $1, got $RC"; }
expect_out() { [ "$OUT" = "$1" ] || fail "expected stdout:
$1"; }
expect_out_has() { grep -qF -- "$1" <<<"$OUT" || fail "stdout lacks: $1"; }
expect_out_lacks() { ! grep -qF -- "$1" <<<"$OUT" || fail "stdout has: $1"; }
expect_err() { [ "$ERR" = "$1" ] || fail "expected stderr:
$1"; }
expect_steps() {
	local got want
	got=$(grep '^Running ' <<<"$ERR" | sed -E 's/^Running //; s/, rev [A-Za-z0-9_]+$//')
	want=$(printf '%s\n' "$@")
	[ $# -eq 0 ] && want=""
	[ "$got" = "$want" ] || fail "steps: expected:
$want
got:
$got"
}
expect_err_has() { grep -qF -- "$1" <<<"$ERR" || fail "stderr lacks: $1"; }
expect_err_lacks() { ! grep -qF -- "$1" <<<"$ERR" || fail "stderr has: $1"; }

q() {
	case $DIALECT in
	sqlite) sqlite3 -batch -bail app.db "$1" ;;
	postgresql) psql -X -q -At -v ON_ERROR_STOP=1 -h "$RETORT_TEST_PGHOST" -p "$RETORT_TEST_PGPORT" \
		-U "$RETORT_TEST_PGUSER" -d "$TEST_DB" -c "$1" ;;
	mysql) my "$TEST_DB" -e "$1" | tr '\t' '|' ;;
	esac
}

expect_q() {
	local got
	got=$(q "$1" 2>&1)
	[ "$got" = "$2" ] || fail "query: $1
expected: $2
got:      $got"
}

# True when the SQLite test database does not exist (so reading it would create it).
no_sqlite_db() { [ "$DIALECT" = sqlite ] && [ ! -e app.db ]; }

versions() {
	local table=${VERSION_TABLE:-retort_version}
	no_sqlite_db && return 0
	q "SELECT version_num FROM $table ORDER BY version_num" 2>/dev/null | tr '\n' ' ' | sed 's/ $//'
}

expect_versions() {
	local got
	got=$(versions)
	[ "$got" = "$1" ] || fail "version rows: expected '$1', got '$got'"
}

has_table() {
	case $DIALECT in
	sqlite) [ "$(q "SELECT count(*) FROM sqlite_master WHERE type='table' AND name='$1'")" = 1 ] ;;
	postgresql) [ "$(q "SELECT count(*) FROM pg_tables WHERE tablename='$1'")" = 1 ] ;;
	mysql) [ "$(q "SELECT count(*) FROM information_schema.tables WHERE table_schema = DATABASE() AND table_name='$1'")" = 1 ] ;;
	esac
}

tables() {
	no_sqlite_db && return 0
	case $DIALECT in
	sqlite) q "SELECT name FROM sqlite_master WHERE type='table' AND name LIKE 't\_%' ESCAPE '\' ORDER BY 1" ;;
	postgresql) q "SELECT tablename FROM pg_tables WHERE schemaname = current_schema() AND tablename LIKE 't\_%' ESCAPE '\' ORDER BY 1" ;;
	mysql) q "SELECT table_name FROM information_schema.tables WHERE table_schema = DATABASE() AND table_name LIKE 't\\_%' ORDER BY 1" ;;
	esac 2>/dev/null | tr '\n' ' ' | sed 's/ $//'
}

expect_tables() {
	local got
	got=$(tables)
	[ "$got" = "$1" ] || fail "tables: expected '$1', got '$got'"
}

expect_db() { expect_versions "$1"; expect_tables "$2"; }

tmig() {
	local id=$1 parents=$2
	shift 2
	mig "$id" "$parents" "rev $id" "CREATE TABLE t_$id (id INTEGER);" "DROP TABLE t_$id;" "$@" >/dev/null
}

# wait_for FILE TEXT: until FILE contains TEXT (fails after 60 s, which
# only a hung process takes: it is no measure of speed).
wait_for() {
	local i
	for i in $(seq 1 600); do
		grep -qF -- "$2" "$1" 2>/dev/null && return 0
		sleep 0.1
	done
	fail "timed out waiting for '$2' in $1: $(cat "$1" 2>/dev/null)"
}

# psql on the test's PostgreSQL database, one value per line.
psql_db() { psql -X -q -At -h "$RETORT_TEST_PGHOST" -p "$RETORT_TEST_PGPORT" -U "$RETORT_TEST_PGUSER" -d "$TEST_DB" "$@"; }

# hold_sql SQL CLIENT... / hold_flock / hold_write, then release: another
# session holds a lock from hold_* until the test calls release -- the
# holder waits on a FIFO only release closes, so the lock is held exactly
# as long as the test says, however fast or slow the machine (a holder
# that sleeps a few seconds may not hold yet when retort starts, or let go
# before a slow retort has waited).  hold_sql runs SQL in the client
# (sqlite3 app.db, psql_db), which commits at release; hold_flock takes
# retort's migration lock on app.db as another retort would; hold_write
# takes the write lock on t_m001 (PostgreSQL: ACCESS EXCLUSIVE on it;
# SQLite: the database's).  A retort started in the background between
# them must not inherit the FIFO (8>&-), or the holder would wait for it
# while it waits for the holder.
hold_sql() {
	[ -p gate ] || mkfifo gate
	{ echo "$1"; echo "SELECT 'held';"; cat gate; echo "COMMIT;"; } | "${@:2}" > holder.out 2>&1 &
	HOLDER=$!
	exec 8> gate
	wait_for holder.out held
}

hold_flock() {
	[ -p gate ] || mkfifo gate
	flock -x app.db sh -c 'echo held; exec cat gate' > holder.out 2>&1 &
	HOLDER=$!
	exec 8> gate
	wait_for holder.out held
}

hold_write() {
	case $DIALECT in
	postgresql) hold_sql "BEGIN; LOCK TABLE t_m001 IN ACCESS EXCLUSIVE MODE;" psql_db ;;
	sqlite) hold_sql "BEGIN IMMEDIATE;" sqlite3 app.db ;;
	esac
}

release() {
	exec 8>&-
	wait "$HOLDER" || fail "the lock holder failed: $(cat holder.out)"
}

# A project whose schema.sql the test wrote: its first migration by
# autogenerate, applied, checked, verified (no drift), then downgraded to
# nothing.
schema_journey() {
	project "schema = schema.sql"
	rt revision --autogenerate -m "initial schema"
	expect_rc 0
	rt upgrade head
	expect_rc 0
	rt check
	expect_rc 0
	rt verify
	expect_rc 0
	expect_out_has "ok    drift         the database matches its migrations"
	rt downgrade base
	expect_rc 0
}

_setup_db() {
	TEST_DB="t_$$_${_TAP_N}"
	if [ "$DIALECT" = postgresql ]; then
		psql -X -q -h "$RETORT_TEST_PGHOST" -p "$RETORT_TEST_PGPORT" -U "$RETORT_TEST_PGUSER" \
			-d postgres -c "CREATE DATABASE $TEST_DB" >/dev/null || return 1
	fi
	if [ "$DIALECT" = mysql ]; then
		my "" -e "CREATE DATABASE $TEST_DB CHARACTER SET utf8mb4" >/dev/null || return 1
	fi
}

_drop_db() {
	if [ "$DIALECT" = postgresql ]; then
		psql -X -q -h "$RETORT_TEST_PGHOST" -p "$RETORT_TEST_PGPORT" -U "$RETORT_TEST_PGUSER" \
			-d postgres -c "DROP DATABASE IF EXISTS $TEST_DB WITH (FORCE)" >/dev/null 2>&1
	fi
	if [ "$DIALECT" = mysql ]; then
		my "" -e "DROP DATABASE IF EXISTS $TEST_DB" >/dev/null 2>&1
	fi
}

_run_one() {  # function, dialect
	local fn=$1 dir
	DIALECT=$2
	_TAP_N=$((_TAP_N + 1))
	dir="$_ROOT/$_TAP_N"
	mkdir -p "$dir"
	if ! _setup_db; then
		echo "not ok $_TAP_N - $fn [$DIALECT]: cannot create the test database"
		_TAP_FAILED=$((_TAP_FAILED + 1))
		return
	fi
	local rc=0
	(cd "$dir" && export DIALECT TEST_DB && "$fn") > "$dir.log" 2>&1 || rc=$?
	if [ "$rc" -eq 0 ]; then
		echo "ok $_TAP_N - $fn [$DIALECT]"
	elif [ "$rc" -eq 77 ]; then
		echo "ok $_TAP_N - $fn [$DIALECT] # SKIP $(tail -n 1 "$dir.log")"
	else
		echo "not ok $_TAP_N - $fn [$DIALECT]"
		sed 's/^/# /; s/^# # /# /' "$dir.log"
		_TAP_FAILED=$((_TAP_FAILED + 1))
	fi
	_drop_db
}

# A test for a dialect that is not selected is reported as skipped (TAP
# "# SKIP"), never left out: tests/run counts it.
_skip_one() {  # function, dialect
	_TAP_N=$((_TAP_N + 1))
	echo "ok $_TAP_N - $1 [$2] # SKIP $2 not selected (DIALECTS=$DIALECTS; PostgreSQL needs RETORT_TEST_PGHOST, MySQL RETORT_TEST_MYSQL_SOCKET)"
}

_pg_selected() { case " $DIALECTS " in *" postgresql "*) return 0 ;; esac; return 1; }

run_tests() {
	local fn d
	for fn in $(declare -F | awk '{print $3}'); do
		case $fn in
		test_*)
			for d in $DIALECTS; do _run_one "$fn" "$d"; done
			_pg_selected || _skip_one "$fn" postgresql ;;
		sqlite_test_*) _run_one "$fn" sqlite ;;
		pg_test_*) if _pg_selected; then _run_one "$fn" postgresql; else _skip_one "$fn" postgresql; fi ;;
		my_test_*) if [ -n "${RETORT_TEST_MYSQL_SOCKET:-}" ]; then _run_one "$fn" mysql; else _skip_one "$fn" mysql; fi ;;
		pgnoserver_test_*) _run_one "$fn" pgnoserver ;;
		esac
	done
	echo "1..$_TAP_N"
	[ "$_TAP_FAILED" -eq 0 ]
}
