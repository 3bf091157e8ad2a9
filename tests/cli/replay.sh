#!/bin/bash
# replay.sh - --sql is the online run written down.  For each fixture
# project, `upgrade heads --sql` replayed by sqlite3 or psql into a second,
# empty database must leave the same schema, version rows and history rows
# (revision, direction, from, to, checksum, retort version: the columns an
# offline script can know) as `upgrade heads` run online; and so must
# `downgrade heads:base --sql` against `downgrade base`.  The fixtures are
# the example project and the shapes where a script can part from the
# online run: sections ending in comments or without ';', trigger and
# function bodies, sections outside a transaction, a connection changed by
# a migration, branches and merges, one transaction per run, placeholders,
# CRLF and a byte-order mark.
. "$(dirname "$0")/lib.sh"

pg_bin() {  # the newest PostgreSQL client program NAME (as pg-test-server picks the server)
	local d
	for d in $(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V -r); do
		[ -x "$d/$1" ] && { echo "$d/$1"; return; }
	done
	command -v "$1"
}

psql_on() {  # database, psql args...
	local db=$1
	shift
	psql -X -q -At -v ON_ERROR_STOP=1 -h "$RETORT_TEST_PGHOST" -p "$RETORT_TEST_PGPORT" \
		-U "$RETORT_TEST_PGUSER" -d "$db" "$@"
}

# The second database, which only ever sees the scripts.
second_db() {
	case $DIALECT in
	sqlite) rm -f replay.db ;;
	postgresql)
		psql_on postgres -c "DROP DATABASE IF EXISTS ${TEST_DB}_b" -c "CREATE DATABASE ${TEST_DB}_b" 2>/dev/null ;;
	esac
}

replay() {  # script file
	case $DIALECT in
	sqlite) sqlite3 -bail replay.db < "$1" ;;
	postgresql) psql_on "${TEST_DB}_b" -f "$1" >/dev/null ;;
	esac || fail "the script did not run: $(cat "$1")"
}

# What both runs must agree on, for one database (a: the online one).
snapshot() {  # a|b
	local db
	case $DIALECT in
	sqlite)
		db=app.db
		[ "$1" = b ] && db=replay.db
		sqlite3 "$db" .schema
		sqlite3 "$db" "SELECT version_num FROM retort_version ORDER BY 1"
		sqlite3 "$db" "SELECT revision, direction, from_revisions, to_revisions, checksum, retort_version FROM retort_version_history ORDER BY id"
		;;
	postgresql)
		db=$TEST_DB
		[ "$1" = b ] && db=${TEST_DB}_b
		"$(pg_bin pg_dump)" -s -O -x -h "$RETORT_TEST_PGHOST" -p "$RETORT_TEST_PGPORT" -U "$RETORT_TEST_PGUSER" "$db" |
			grep -v '^--' | grep -v '^SET \|^SELECT pg_catalog.set_config\|^\\' | sed '/^$/d'
		psql_on "$db" -c "SELECT version_num FROM retort_version ORDER BY 1"
		psql_on "$db" -c "SELECT revision, direction, from_revisions, to_revisions, checksum, retort_version FROM retort_version_history ORDER BY id"
		;;
	esac
}

same() {  # what
	snapshot a > a.txt 2>&1
	snapshot b > b.txt 2>&1
	diff -u a.txt b.txt > ab.diff || fail "$1: the script and the online run differ:
$(head -n 40 ab.diff)"
	[ -s a.txt ] || fail "$1: nothing to compare"
}

# The fixture in the current directory, online and offline, up and down.
online_equals_offline() {  # extra retort args...
	second_db
	rt "$@" upgrade heads
	expect_rc 0
	rt "$@" upgrade heads --sql
	expect_rc 0
	printf '%s\n' "$OUT" > up.sql
	replay up.sql
	same "upgrade heads"
	rt "$@" downgrade base
	expect_rc 0
	rt "$@" downgrade heads:base --sql
	expect_rc 0
	printf '%s\n' "$OUT" > down.sql
	replay down.sql
	same "downgrade base"
	[ "$DIALECT" = postgresql ] && psql_on postgres -c "DROP DATABASE IF EXISTS ${TEST_DB}_b"
	return 0
}

sqlite_test_replay_the_example_project() {
	cp -r "$(dirname "$RETORT")/../../examples/blog/migrations" . || fail "examples/blog not found"
	project "[placeholders]" "page_size = 20"
	online_equals_offline
}

# How a section may end: a line comment, a closed block comment, no ';',
# strings and names holding ';', '--' and '/*'.
test_replay_section_endings() {
	project
	mig e1 "" "line comment" "CREATE TABLE t_e1 (id INTEGER, note VARCHAR(40) DEFAULT 'a;b -- c /* d')
-- no semicolon, and a comment after" "DROP TABLE t_e1 -- gone" >/dev/null
	mig e2 e1 "block comment" "CREATE TABLE t_e2 (id INTEGER) /* closed; */" "DROP TABLE t_e2 /* closed */" >/dev/null
	mig e3 e2 "no semicolon" "INSERT INTO t_e1 (id) VALUES (1)" "DELETE FROM t_e1" >/dev/null
	mig e4 e3 "message with */ and -- in it" "CREATE TABLE \"t_e4;--\" (id INTEGER);" "DROP TABLE \"t_e4;--\";" >/dev/null
	online_equals_offline
}

# The documented foreign-keys recipe in a transaction:false section, a
# rebuild after it, a temporary table and an attached database: the
# script undoes them where the online run does.
sqlite_test_replay_connection_changes() {
	project
	mig s1 "" "family" "CREATE TABLE parent (id INTEGER PRIMARY KEY);
CREATE TABLE child (id INTEGER PRIMARY KEY, parent_id INTEGER REFERENCES parent (id) ON DELETE CASCADE);
INSERT INTO parent VALUES (1);
INSERT INTO child VALUES (1, 1), (2, 1);" "DROP TABLE child;
DROP TABLE parent;" >/dev/null
	mig s2 s1 "fk recipe" "PRAGMA foreign_keys = OFF;
CREATE TEMP TABLE scratch (id INTEGER);
ATTACH DATABASE ':memory:' AS other;
PRAGMA foreign_keys = ON;" "SELECT 1;" >/dev/null
	sed -i 's/^-- migrate:upgrade$/-- migrate:upgrade transaction:false/' migrations/s2_fk_recipe.sql
	mig s3 s2 "rebuild" "CREATE TABLE parent_new (id INTEGER PRIMARY KEY, extra TEXT);
INSERT INTO parent_new (id) SELECT id FROM parent;
DROP TABLE parent;
ALTER TABLE parent_new RENAME TO parent;
CREATE TEMP TABLE scratch (id INTEGER);" "SELECT 1;" >/dev/null
	online_equals_offline
	rt upgrade heads --sql
	printf '%s\n' "$OUT" > again.sql
	rm -f replay.db
	replay again.sql
	[ "$(sqlite3 replay.db 'SELECT count(*) FROM child')" = 2 ] || fail "the replayed rebuild cascaded"
}

sqlite_test_replay_trigger_bodies() {
	project
	mig g1 "" "trigger" "CREATE TABLE t_g (id INTEGER, n INTEGER DEFAULT 0);
CREATE TRIGGER t_g_count AFTER INSERT ON t_g BEGIN
    UPDATE t_g SET n = n + 1; -- a comment; with semicolons
END;
INSERT INTO t_g (id) VALUES (1)" "DROP TABLE t_g;" >/dev/null
	online_equals_offline
}

pg_test_replay_bodies_concurrent_indexes_and_settings() {
	project
	mig p1 "" "function" 'CREATE TABLE t_p (id integer, v text);
CREATE FUNCTION t_p_touch() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    NEW.v := coalesce(NEW.v, '"'"'x;y -- z'"'"'); -- a comment; here
    RETURN NEW;
END $$;
CREATE TRIGGER t_p_touch BEFORE INSERT ON t_p FOR EACH ROW EXECUTE FUNCTION t_p_touch();
DO $$ BEGIN INSERT INTO t_p (id) VALUES (1); END $$' 'DROP TABLE t_p;
DROP FUNCTION t_p_touch();' >/dev/null
	mig p2 p1 "index" "CREATE INDEX CONCURRENTLY IF NOT EXISTS t_p_v ON t_p (v) -- built outside a transaction" \
		"DROP INDEX CONCURRENTLY IF EXISTS t_p_v" >/dev/null
	sed -i 's/^-- migrate:upgrade$/-- migrate:upgrade transaction:false/; s/^-- migrate:downgrade$/-- migrate:downgrade transaction:false/' migrations/p2_index.sql
	mig p3 p2 "settings" "CREATE SCHEMA elsewhere;
SET search_path = elsewhere;
SET statement_timeout = '5min';
CREATE TEMP TABLE scratch (id integer);" "SET search_path = elsewhere;
DROP SCHEMA elsewhere;" >/dev/null
	mig p4 p3 "after" "CREATE TABLE t_after (id integer);
CREATE TEMP TABLE scratch (id integer);" "DROP TABLE t_after;" >/dev/null
	online_equals_offline
}

# Two branches, a merge, a dependency, a second base.
branches() {
	tmig b1 ""
	tmig b2 b1
	tmig b3 b1 "-- Depends On: b2"
	tmig b4 "b2, b3"
	tmig c1 "" "-- Branch Labels: other"
}

test_replay_branches_and_merge() {
	project
	branches
	online_equals_offline
}

test_replay_one_transaction_per_run() {
	project "transaction_per_migration = false"
	branches
	online_equals_offline
}

test_replay_placeholders_crlf_and_bom() {
	project "[placeholders]" "tbl = t_x"
	f=$(mig x1 "" "placeholders" 'CREATE TABLE ${tbl} (id INTEGER, s VARCHAR(20) DEFAULT ${v:literal});' 'DROP TABLE ${tbl};')
	printf '\xef\xbb\xbf' > bom.tmp
	sed 's/$/\r/' "$f" >> bom.tmp
	mv bom.tmp "$f"
	online_equals_offline -x "v=it's"
}

# A section that ends inside a block comment or a quote never closed is
# refused, online and with --sql, naming where it opens: the ';' and the
# statements retort prints after the section would land inside it, and the
# replayed script skipped the revision's bookkeeping and the next BEGIN.
test_section_ending_inside_a_comment_is_refused() {
	project
	tmig a1 ""
	mig a2 a1 "open comment" "INSERT INTO t_a1 VALUES (1) /* never closed" "" >/dev/null
	mig a3 a2 "open string" "SELECT 1;" "INSERT INTO t_a1 VALUES ('never closed);" >/dev/null
	rt upgrade head --sql
	expect_rc 1
	expect_err_has "a2_open_comment.sql:7:"
	expect_out ""
	rt upgrade head
	expect_rc 1
	expect_err_has "a2_open_comment.sql:7:"
	case $DIALECT in
	sqlite) expect_err_has "this /* comment is never closed" ;;
	postgresql) expect_err_has "unterminated /* comment" ;;
	esac
	expect_db "" ""
	sed -i 's|/\* never closed|/* closed */|' migrations/a2_open_comment.sql
	rt upgrade head
	expect_rc 0
	rt downgrade a3:a2 --sql
	expect_rc 1
	expect_err_has "a3_open_string.sql:10:"
	rt downgrade -1
	expect_rc 1
	expect_versions "a3"
}

run_tests
