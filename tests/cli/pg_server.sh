#!/bin/bash
# pg_server.sh - what only PostgreSQL has: concurrent deployers on the
# advisory lock, a killed migration, libpg_query splitting, sections
# outside transactions, error positions, schemas and session settings.
. "$(dirname "$0")/lib.sh"

# gate_hold, then release (lib.sh): a psql session holds an ACCESS
# EXCLUSIVE lock on table gate until the test lets go, so a migration that
# touches gate keeps its retort inside the migration lock exactly as long
# as the test wants, however fast or slow the machine.
gate_hold() {
	psql_db -c "CREATE TABLE IF NOT EXISTS gate (x integer)"
	hold_sql "BEGIN; LOCK TABLE gate IN ACCESS EXCLUSIVE MODE;" psql_db
}

# until a retort's statement is waiting for the gate (it holds the migration lock then)
wait_at_gate() {
	local i
	for i in $(seq 1 600); do
		[ "$(psql_db -c "SELECT count(*) FROM pg_stat_activity WHERE application_name = 'retort' AND query LIKE '%gate%' AND wait_event_type = 'Lock'")" = 1 ] && return 0
		sleep 0.1
	done
	fail "no retort waited at the gate within 60 s"
}

# N linear migrations creating t_1 .. t_N.
chain() {
	local n=$1 i prev=""
	for i in $(seq 1 "$n"); do
		mig "$(printf 'c%04d' "$i")" "$prev" "step $i" "CREATE TABLE t_$i (id integer PRIMARY KEY);" "DROP TABLE t_$i;" >/dev/null
		prev=$(printf 'c%04d' "$i")
	done
}

pg_test_eight_concurrent_upgrades_apply_each_migration_once() {
	project
	chain 20
	local pids=() i st=0
	for i in 1 2 3 4 5 6 7 8; do
		"$RETORT" -q upgrade head > "out.$i" 2> "err.$i" &
		pids+=($!)
	done
	for i in "${!pids[@]}"; do
		wait "${pids[$i]}" || { st=1; echo "# process $((i + 1)) failed:"; sed 's/^/#   /' "err.$((i + 1))"; }
	done
	[ "$st" -eq 0 ] || fail "not every process exited 0"
	expect_versions "c0020"
	expect_q "SELECT count(*) FROM pg_tables WHERE tablename LIKE 't\_%'" "20"
	expect_q "SELECT count(*), count(DISTINCT revision) FROM retort_version_history WHERE direction = 'upgrade'" "20|20"
}

pg_test_killed_migration_leaves_previous_revision_and_rerun_completes() {
	project
	mig m0001 "" "first" "CREATE TABLE first_t (id integer);" "DROP TABLE first_t;" >/dev/null
	local f
	f=$(mig m0002 m0001 "slow" "CREATE TABLE slow_t (id integer);
SELECT pg_sleep(60);" "DROP TABLE slow_t;")
	"$RETORT" -q upgrade head > out 2> err &
	local pid=$! i
	for i in $(seq 1 600); do
		[ "$(psql_db -c "SELECT count(*) FROM pg_stat_activity WHERE query LIKE 'SELECT pg_sleep(60)%'")" = 1 ] && break
		sleep 0.1
	done
	[ "$i" -lt 600 ] || fail "the slow migration never started"
	kill -9 "$pid"
	wait "$pid" 2>/dev/null
	# The server notices the dead client (client_connection_check_interval) and rolls back.
	for i in $(seq 1 600); do
		[ "$(psql_db -c "SELECT count(*) FROM pg_stat_activity WHERE query LIKE 'SELECT pg_sleep(60)%'")" = 0 ] && break
		sleep 0.1
	done
	[ "$i" -lt 600 ] || fail "the server never ended the killed client's session"
	expect_versions "m0001"
	has_table slow_t && fail "slow_t survived the kill"
	sed -i 's/pg_sleep(60)/pg_sleep(0)/' "$f"
	rt --lock-wait 30 upgrade head
	expect_rc 0
	expect_versions "m0002"
	has_table slow_t || fail "slow_t missing after the rerun"
}

pg_test_failure_in_third_of_five_leaves_second() {
	project
	chain 2
	mig c0003 c0002 "step 3" "CREATE TABLE t_3 (id integer);
INSERT INTO t_3 VALUES (1);
INSERT INTO missing_table VALUES (1);" "DROP TABLE t_3;" >/dev/null
	mig c0004 c0003 "step 4" "CREATE TABLE t_4 (id integer);" "DROP TABLE t_4;" >/dev/null
	mig c0005 c0004 "step 5" "CREATE TABLE t_5 (id integer);" "DROP TABLE t_5;" >/dev/null
	rt upgrade head
	expect_rc 1
	expect_err_has "c0003_step_3.sql:9:13: upgrade c0003 (step 3) failed: relation \"missing_table\" does not exist (SQLSTATE 42P01)"
	expect_err_has "the database is still at c0002"
	expect_versions "c0002"
	has_table t_2 || fail "t_2 missing"
	has_table t_3 && fail "t_3 was left behind"
	expect_q "SELECT string_agg(direction || ' ' || revision, ', ' ORDER BY id) FROM retort_version_history" "upgrade c0001, upgrade c0002, failed c0003"
}

pg_test_whole_run_transaction_rolls_everything_back() {
	project "transaction_per_migration = false"
	chain 2
	mig c0003 c0002 "step 3" "SELECT 1/0;" "" >/dev/null
	rt upgrade head
	expect_rc 1
	expect_err_has "division by zero (SQLSTATE 22012)"
	expect_err_has "whole run was rolled back"
	expect_versions ""
	has_table t_1 && fail "t_1 survived"
	return 0
}

pg_test_dollar_bodies_do_blocks_and_concurrent_indexes() {
	project
	mig d0001 "" "functions" "CREATE TABLE items (id integer PRIMARY KEY, name text DEFAULT E'it\\'s; fine');
CREATE FUNCTION touch() RETURNS trigger LANGUAGE plpgsql AS \$\$
BEGIN
    NEW.name := NEW.name || ';';  -- a semicolon in a body
    RETURN NEW;
END \$\$;
CREATE TRIGGER items_touch BEFORE INSERT ON items FOR EACH ROW EXECUTE FUNCTION touch();
DO \$do\$ BEGIN PERFORM 1; RAISE NOTICE 'a; b'; END \$do\$;
/* a /* nested */ comment; */
CREATE FUNCTION two() RETURNS integer LANGUAGE sql BEGIN ATOMIC SELECT 1; SELECT 2; END;" "DROP TABLE items; DROP FUNCTION touch(); DROP FUNCTION two();" >/dev/null
	mig d0002 d0001 "indexes" "CREATE INDEX CONCURRENTLY ix_items_name ON items (name);
CREATE INDEX CONCURRENTLY ix_items_id_name ON items (id, name);
CREATE UNIQUE INDEX CONCURRENTLY ux_items_name ON items (name);" "DROP INDEX CONCURRENTLY ix_items_name;
DROP INDEX CONCURRENTLY ix_items_id_name;
DROP INDEX CONCURRENTLY ux_items_name;" >/dev/null
	sed -i 's/^-- migrate:upgrade$/-- migrate:upgrade transaction:false/; s/^-- migrate:downgrade$/-- migrate:downgrade transaction:false/' migrations/d0002_indexes.sql
	rt upgrade head
	expect_rc 0
	expect_versions "d0002"
	expect_q "SELECT count(*) FROM pg_indexes WHERE tablename = 'items' AND indexname LIKE '%items%name%'" "3"
	expect_q "SELECT count(*) FROM pg_index i JOIN pg_class c ON c.oid = i.indexrelid WHERE NOT i.indisvalid" "0"
	psql_db -c "INSERT INTO items (id) VALUES (1)"
	expect_q "SELECT name FROM items" "it's; fine;"
	expect_q "SELECT two()" "2"
	rt downgrade d0001
	expect_rc 0
	expect_q "SELECT count(*) FROM pg_indexes WHERE tablename = 'items'" "1"
}

pg_test_concurrently_in_a_transaction_is_refused_before_running() {
	project
	mig e0001 "" "create" "CREATE TABLE e (id integer);" "DROP TABLE e;" >/dev/null
	mig e0002 e0001 "index" "CREATE TABLE e2 (id integer);
CREATE INDEX CONCURRENTLY ix_e ON e (id);" "" >/dev/null
	rt upgrade head
	expect_rc 1
	expect_err_has "e0002_index.sql:8:1: CREATE INDEX CONCURRENTLY cannot run inside a transaction block"
	expect_err_has "transaction:false"
	expect_versions ""
	has_table e && fail "e0001 ran although the plan was refused"
	return 0
}

pg_test_syntax_error_is_found_before_anything_runs() {
	project
	mig s0001 "" "good" "CREATE TABLE good (id integer);" "" >/dev/null
	mig s0002 s0001 "bad" "SELECT 1;
SELEC 2;" "" >/dev/null
	rt upgrade head
	expect_rc 1
	expect_err_has "s0002_bad.sql:8:1: syntax error at or near \"SELEC\""
	has_table good && fail "s0001 ran before the syntax error was reported"
	return 0
}

pg_test_lock_wait_names_the_holder() {
	project
	mig l0001 "" "gated" "LOCK TABLE gate IN SHARE MODE;" "" >/dev/null
	gate_hold
	"$RETORT" -q upgrade head > out 2> err 8>&- &
	local pid=$!
	wait_at_gate
	rt --lock-wait 1 upgrade head
	expect_rc 1
	expect_err_has "held the migration lock"
	expect_err_has "application_name retort"
	release
	wait "$pid" || fail "the first retort failed: $(cat err)"
	expect_versions "l0001"
}

# A program starting with the database at its head reads the version table
# without the migration lock: while a newer deploy holds the lock (its step
# not committed), it finds nothing to do at once.  Once the newer revision
# is in the version table it is no longer at its head: the locked path runs
# and reports the revision it does not know.
pg_test_at_head_start_does_not_wait_for_a_deploy() {
	project
	mig h0001 "" "first" "CREATE TABLE h1 (id integer);" "DROP TABLE h1;" >/dev/null
	rt upgrade head
	expect_rc 0
	mkdir older && cp -r retort.ini migrations older/
	mig h0002 h0001 "gated" "CREATE TABLE h2 (id integer);
LOCK TABLE gate IN SHARE MODE;" "DROP TABLE h2;" >/dev/null
	gate_hold
	"$RETORT" -q upgrade head > out 2> err 8>&- &
	local pid=$!
	wait_at_gate
	rt -c older/retort.ini --lock-wait 1 upgrade head
	expect_rc 0
	expect_err_has "nothing to do"
	expect_err_lacks "waiting"
	release
	wait "$pid" || fail "the newer deploy failed: $(cat err)"
	expect_versions "h0002"
	rt -c older/retort.ini upgrade head
	expect_rc 1
	expect_err_has "h0002, which no migration file defines"
}

pg_test_second_deployer_waits_and_then_finds_nothing_to_do() {
	project
	mig w0001 "" "gated" "CREATE TABLE w (id integer);
LOCK TABLE gate IN SHARE MODE;" "" >/dev/null
	gate_hold
	"$RETORT" -q upgrade head > out 2> err 8>&- &
	local pid=$!
	wait_at_gate
	"$RETORT" upgrade head > second.out 2> second.err 8>&- &
	local second=$!
	wait_for second.err "waiting up to"
	release
	wait "$pid" || fail "the first retort failed: $(cat err)"
	wait "$second" || fail "the second retort failed: $(cat second.err)"
	grep -q "nothing to do" second.err || fail "the second retort did not find nothing to do: $(cat second.err)"
	expect_q "SELECT count(*) FROM retort_version_history" "1"
}

pg_test_version_table_schema_and_search_path() {
	project "version_table_schema = ops" "search_path = app, public"
	psql_db -c "CREATE SCHEMA ops; CREATE SCHEMA app"
	mig v0001 "" "create" "CREATE TABLE things (id integer);" "DROP TABLE things;" >/dev/null
	rt upgrade head
	expect_rc 0
	expect_q "SELECT version_num FROM ops.retort_version" "v0001"
	expect_q "SELECT count(*) FROM ops.retort_version_history" "1"
	expect_q "SELECT schemaname FROM pg_tables WHERE tablename = 'things'" "app"
	rt current
	expect_out "v0001 (head)"
	rt upgrade head --sql
	expect_out_has "SELECT pg_catalog.set_config('search_path', 'app, public', false);"
	expect_out_has "INSERT INTO ops.retort_version (version_num) VALUES ('v0001');"
}

# search_path = app, public and a first migration that creates app: run 1
# put the version table in public (app did not exist yet); later runs
# must find both tables there, not make a second history table in app
# (verify then checked 1 applied revision instead of 4).
pg_test_version_tables_stay_in_one_schema_across_runs() {
	project "search_path = app, public"
	mig v1 "" "schema" "CREATE SCHEMA app;" "DROP SCHEMA app;" >/dev/null
	mig v2 v1 "one" "CREATE TABLE one (id integer);" "DROP TABLE one;" >/dev/null
	rt upgrade v1
	expect_rc 0
	rt upgrade v2
	expect_rc 0
	mig v3 v2 "two" "CREATE TABLE two (id integer);" "DROP TABLE two;" >/dev/null
	mig v4 v3 "three" "CREATE TABLE three (id integer);" "DROP TABLE three;" >/dev/null
	rt upgrade head
	expect_rc 0
	expect_q "SELECT schemaname || '.' || tablename FROM pg_tables WHERE tablename LIKE 'retort%' ORDER BY 1" "public.retort_version
public.retort_version_history"
	expect_q "SELECT string_agg(revision, ' ' ORDER BY id) FROM public.retort_version_history" "v1 v2 v3 v4"
	expect_q "SELECT schemaname FROM pg_tables WHERE tablename = 'three'" "app"
	rt verify
	expect_rc 0
	expect_out_has "4 applied revisions checked"
	rt current
	expect_out "v4 (head)"
	rt downgrade -1
	expect_rc 0
	expect_q "SELECT version_num FROM public.retort_version" "v3"
	expect_q "SELECT count(*) FROM public.retort_version_history" "5"
}

pg_test_statement_timeout_applies() {
	project "statement_timeout = 300ms"
	mig x0001 "" "slow" "SELECT pg_sleep(2);" "" >/dev/null
	rt upgrade head
	expect_rc 1
	expect_err_has "SQLSTATE 57014"
	expect_versions ""
}

pg_test_password_is_masked() {
	project
	sed -i "s|postgresql://$RETORT_TEST_PGUSER@|postgresql://$RETORT_TEST_PGUSER:s3cr3t@|" retort.ini
	mig p0001 "" "create" "CREATE TABLE p (id integer);" "" >/dev/null
	rt upgrade head
	expect_rc 0
	rt current -v
	expect_out_has "postgresql://$RETORT_TEST_PGUSER:***@"
	rt --url "postgresql://nobody:s3cr3t@/nosuchdb?host=$RETORT_TEST_PGHOST&port=$RETORT_TEST_PGPORT" current
	expect_rc 1
	expect_err_has "cannot connect to postgresql://nobody:***@/nosuchdb"
	grep -q s3cr3t <<<"$OUT$ERR" && fail "the password was printed"
	return 0
}

pg_test_libpq_key_value_strings_and_environment() {
	project
	mig k0001 "" "create" "CREATE TABLE k (id integer);" "" >/dev/null
	rt --url "host=$RETORT_TEST_PGHOST port=$RETORT_TEST_PGPORT user=$RETORT_TEST_PGUSER dbname=$TEST_DB" upgrade head
	expect_rc 0
	expect_versions "k0001"
	PGHOST=$RETORT_TEST_PGHOST PGPORT=$RETORT_TEST_PGPORT PGUSER=$RETORT_TEST_PGUSER rt --url "postgresql:///$TEST_DB" current
	expect_rc 0
	expect_out "k0001 (head)"
}

pg_test_offline_sql_needs_no_server() {
	project
	mig o0001 "" "create" "CREATE TABLE o (id integer);" "DROP TABLE o;" >/dev/null
	mig o0002 o0001 "more" "CREATE TABLE o2 (id integer);" "DROP TABLE o2;" >/dev/null
	rt --url "postgresql://nobody@/nosuchdb?host=/nonexistent&port=1" upgrade head --sql
	expect_rc 0
	expect_out_has "BEGIN;"
	expect_out_has "CREATE TABLE IF NOT EXISTS retort_version ("
	expect_out_has "id BIGINT GENERATED BY DEFAULT AS IDENTITY PRIMARY KEY"
	expect_out_has "UPDATE retort_version SET version_num='o0002' WHERE retort_version.version_num = 'o0001';"
	expect_out_has "COMMIT;"
	# The printed script, run by psql, leaves the same state an online run does.
	psql_db -v ON_ERROR_STOP=1 <<<"$OUT" >/dev/null || fail "psql could not run the --sql output"
	expect_versions "o0002"
	rt downgrade base
	expect_rc 0
	expect_versions ""
}

# A failed CREATE INDEX CONCURRENTLY leaves an INVALID index: the error
# names it, since a rerun with IF NOT EXISTS would silently keep it.
pg_test_failed_concurrent_index_names_the_invalid_index() {
	project
	mig c1 "" "table" "CREATE TABLE t (id integer PRIMARY KEY, v integer);
INSERT INTO t SELECT g, g % 3 FROM generate_series(1, 30) g;" "DROP TABLE t;" >/dev/null
	mig c2 c1 "unique" "CREATE UNIQUE INDEX CONCURRENTLY ux_v ON t (v);" "DROP INDEX CONCURRENTLY ux_v;" >/dev/null
	sed -i 's/^-- migrate:upgrade$/-- migrate:upgrade transaction:false/; s/^-- migrate:downgrade$/-- migrate:downgrade transaction:false/' migrations/c2_unique.sql
	rt upgrade head
	expect_rc 1
	expect_err_has "left behind: INVALID index ux_v"
	expect_err_has "DROP INDEX CONCURRENTLY"
	expect_versions "c1"
}

# A killed (or failed) CREATE UNIQUE INDEX CONCURRENTLY IF NOT EXISTS
# leaves an INVALID index, which the rerun's IF NOT EXISTS skipped: the
# revision was recorded, the index enforced nothing and verify said the
# database matched.  The rerun now refuses, naming the index and the DROP
# that clears it, and verify reports it.
pg_test_rerun_does_not_take_an_invalid_index_for_done() {
	project
	mig c1 "" "table" "CREATE TABLE t (id integer PRIMARY KEY, v integer);" "DROP TABLE t;" >/dev/null
	rt upgrade c1
	q "INSERT INTO t SELECT g, g % 3 FROM generate_series(1, 30) g"
	mig c2 c1 "unique" "CREATE UNIQUE INDEX CONCURRENTLY IF NOT EXISTS ux_v ON t (v);" "DROP INDEX CONCURRENTLY ux_v;" >/dev/null
	sed -i 's/^-- migrate:upgrade$/-- migrate:upgrade transaction:false/; s/^-- migrate:downgrade$/-- migrate:downgrade transaction:false/' migrations/c2_unique.sql
	rt upgrade head
	expect_rc 1
	expect_versions "c1"
	q "DELETE FROM t WHERE id > 3"
	rt upgrade head
	expect_rc 1
	expect_err_has "upgrade c2 (unique) failed: its statements ran, but left behind:"
	expect_err_has "INVALID index ux_v"
	expect_err_has "DROP INDEX CONCURRENTLY ux_v;"
	expect_versions "c1"
	expect_q "SELECT count(*) FROM retort_version_history WHERE revision = 'c2' AND direction <> 'failed'" "0"
	rt verify
	expect_rc 1
	expect_out_has "INVALID index ux_v"
	q "DROP INDEX CONCURRENTLY ux_v"
	rt upgrade head
	expect_rc 0
	expect_versions "c2"
	expect_q "SELECT indisvalid FROM pg_index WHERE indexrelid = 'ux_v'::regclass" "t"
	rt verify
	expect_rc 0
}

# An INVALID index the migration did not build -- another build of the
# same table that failed, by hand or in another project -- is not the
# migration's to answer for: its own index built, it is recorded (the
# failed step made the rerun of a CREATE INDEX without IF NOT EXISTS fail
# on the index it had built), and verify still names the stray one.
pg_test_an_unrelated_invalid_index_does_not_fail_the_build() {
	project
	mig c1 "" "table" "CREATE TABLE t (id integer PRIMARY KEY, v integer);
INSERT INTO t SELECT g, g % 3 FROM generate_series(1, 30) g;" "DROP TABLE t;" >/dev/null
	rt upgrade c1
	expect_rc 0
	q "CREATE UNIQUE INDEX CONCURRENTLY ux_stray ON t (v)" 2>/dev/null && fail "the duplicate values built a unique index"
	expect_q "SELECT indisvalid FROM pg_index WHERE indexrelid = 'ux_stray'::regclass" "f"
	mig c2 c1 "index" "CREATE INDEX CONCURRENTLY ix_v ON t (v);" "DROP INDEX CONCURRENTLY ix_v;" >/dev/null
	sed -i 's/^-- migrate:upgrade$/-- migrate:upgrade transaction:false/; s/^-- migrate:downgrade$/-- migrate:downgrade transaction:false/' migrations/c2_index.sql
	rt upgrade head
	expect_rc 0
	expect_versions "c2"
	expect_q "SELECT indisvalid FROM pg_index WHERE indexrelid = 'ix_v'::regclass" "t"
	rt verify
	expect_rc 1
	expect_out_has "INVALID index ux_stray"
	# a build that fails names the index it left, not the stray one
	mig c3 c2 "unique" "CREATE UNIQUE INDEX CONCURRENTLY ux_v ON t (v);" "DROP INDEX CONCURRENTLY ux_v;" >/dev/null
	sed -i 's/^-- migrate:upgrade$/-- migrate:upgrade transaction:false/; s/^-- migrate:downgrade$/-- migrate:downgrade transaction:false/' migrations/c3_unique.sql
	rt upgrade head
	expect_rc 1
	expect_err_has "left behind: INVALID index ux_v "
	expect_err_lacks "ux_stray"
	expect_versions "c2"
}

# What a migration run by retort cannot do is refused before anything
# runs, with the reason: COPY from or to the client, psql meta-commands,
# REINDEX DATABASE in a transaction.
pg_test_client_side_things_are_refused_before_running() {
	project
	tmig aaaa ""
	mig bbbb aaaa "copy" "CREATE TABLE x (id integer);
COPY x (id) FROM STDIN;" "" >/dev/null
	rt upgrade head
	expect_rc 1
	expect_err_has "bbbb_copy.sql:8:1: COPY ... FROM STDIN needs psql's client-side data stream"
	expect_versions ""
	rm -f migrations/bbbb_*.sql
	mig bbbb aaaa "copy" "COPY (SELECT 1) TO STDOUT;" "" >/dev/null
	rt upgrade head
	expect_rc 1
	expect_err_has "COPY ... TO STDOUT needs psql's client-side data stream"
	rm -f migrations/bbbb_*.sql
	mig bbbb aaaa "psql" "CREATE TABLE x (id integer);
\\connect other" "" >/dev/null
	rt upgrade head
	expect_rc 1
	expect_err_has "bbbb_psql.sql:8:"
	expect_err_has "psql meta-command"
	rm -f migrations/bbbb_*.sql
	mig bbbb aaaa "reindex" "REINDEX DATABASE postgres;" "" >/dev/null
	rt upgrade head
	expect_rc 1
	expect_err_has "REINDEX DATABASE cannot run inside a transaction block"
	expect_versions ""
}

run_tests
