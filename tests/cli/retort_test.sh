#!/bin/bash
# retort_test.sh - `retort test`: every revision applied, reverted and
# applied again in a scratch database; downgrades that do not restore the
# schema (an empty section, a column not dropped, an index not recreated)
# fail naming the revision and the difference; ranges, --seed, --since,
# --json, sections outside a transaction, branches and merges; the
# configured database is never touched.  test_* run on MySQL/MariaDB too.
MY_DIALECTS=mysql
. "$(dirname "$0")/lib.sh"

# rev ID PARENTS UP [DOWN] [UPOPTS] [DOWNOPTS]: migrations/ID_m.sql, with
# message "m ID"; no DOWN argument at all: no downgrade section.
rev() {
	mkdir -p migrations
	{
		echo "-- Revision ID: $1"
		echo "-- Revises: $2"
		echo "-- Message: m $1"
		echo
		echo "-- migrate:upgrade${5:+ $5}"
		printf '%s\n' "$3"
		if [ $# -ge 4 ]; then
			echo
			echo "-- migrate:downgrade${6:+ $6}"
			printf '%s\n' "$4"
		fi
	} > "migrations/$1_m.sql"
}

# DROP INDEX of the users table's index $1 (MySQL names the table).
drop_index() { [ "$DIALECT" = mysql ] && echo "DROP INDEX $1 ON users;" || echo "DROP INDEX $1;"; }

# The chain most tests start from: users, then a column, then an index.
# (MySQL indexes a TEXT column by a prefix only: name is VARCHAR there.)
base_chain() {
	local name=TEXT
	[ "$DIALECT" = mysql ] && name="VARCHAR(100)"
	rev a1 "" "CREATE TABLE users (id INTEGER PRIMARY KEY, name $name);" "DROP TABLE users;"
	rev b2 a1 "ALTER TABLE users ADD COLUMN bio TEXT;" "ALTER TABLE users DROP COLUMN bio;"
	rev c3 b2 "CREATE INDEX users_name ON users (name);" "$(drop_index users_name)"
}

# How the dialect names a table in a difference: "public.users" on PostgreSQL.
ns() { [ "$DIALECT" = postgresql ] && echo "public.$1" || echo "$1"; }

# An identifier as the dialect's generated SQL quotes it.
qi() { [ "$DIALECT" = mysql ] && echo "\`$1\`" || echo "$1"; }

# The difference a column $2 of table $1 left behind makes.
column_left() {
	case $DIALECT in
	mysql) echo "alter table $1: drop column $2" ;;
	*) echo "drop column $(ns "$1.$2")" ;;
	esac
}

# The configured database must not have been touched.
untouched() {
	case $DIALECT in
	sqlite) [ ! -e app.db ] || fail "the configured database was created" ;;
	postgresql)
		[ "$(q "SELECT count(*) FROM pg_tables WHERE schemaname = 'public'")" = 0 ] ||
			fail "the configured database has tables" ;;
	mysql)
		[ "$(q "SELECT count(*) FROM information_schema.tables WHERE table_schema = DATABASE()")" = 0 ] ||
			fail "the configured database has tables" ;;
	esac
}

test_every_revision_passes() {
	project
	base_chain
	rt test
	expect_rc 0
	expect_out "ok    a1  m a1
ok    b2  m b2
ok    c3  m c3"
	expect_err_has "3 revisions passed"
	untouched
}

test_column_not_dropped_fails_and_names_it() {
	project
	base_chain
	rev b2 a1 "ALTER TABLE users ADD COLUMN bio TEXT;" "SELECT 1;"
	rt test
	expect_rc 1
	expect_out_has "ok    a1  m a1"
	expect_out_has "FAIL  b2  m b2"
	expect_out_has "schema: migrations/b2_m.sql: the downgrade does not restore the schema from before the upgrade (1 difference)"
	expect_out_has "- $(column_left users bio)"
	expect_out_has "DROP COLUMN $(qi bio)"
	# the revisions after it are still tested, from the schema they expect
	expect_out_has "ok    c3  m c3"
	expect_err_has "error: 1 of 3 revisions failed"
	untouched
}

test_empty_downgrade_section_fails() {
	project
	base_chain
	rev c3 b2 "CREATE INDEX users_name ON users (name);" ""
	rt test
	expect_rc 1
	expect_out_has "FAIL  c3  m c3"
	expect_out_has "drop index"
	expect_out_has "users_name"
}

test_index_not_recreated_fails() {
	project
	base_chain
	rev d4 c3 "$(drop_index users_name)" "SELECT 1;"
	rt test
	expect_rc 1
	expect_out_has "FAIL  d4  m d4"
	if [ "$DIALECT" = mysql ]; then
		expect_out_has "- alter table users: add index users_name"
		expect_out_has "ADD KEY \`users_name\` (\`name\`)"
	else
		expect_out_has "- create index"
		expect_out_has "CREATE INDEX users_name ON"
	fi
}

test_missing_downgrade_section_fails_and_goes_on() {
	project
	base_chain
	rev b2 a1 "ALTER TABLE users ADD COLUMN bio TEXT;"
	rt test
	expect_rc 1
	expect_out_has "FAIL  b2  m b2"
	expect_out_has "downgrade: migrations/b2_m.sql: revision b2 has no '-- migrate:downgrade' section"
	expect_out_has "ok    c3  m c3"
}

test_failing_upgrade_stops_with_file_and_line() {
	project
	base_chain
	rev b2 a1 "ALTER TABLE users ADD COLUMN bio TEXT;
ALTER TABLE no_such_table ADD COLUMN x TEXT;" "ALTER TABLE users DROP COLUMN bio;"
	rt test
	expect_rc 1
	expect_out_has "FAIL  b2  m b2"
	expect_out_has "upgrade: migrations/b2_m.sql:7: upgrade b2 (m b2) failed"
	expect_out_lacks "c3"
	expect_err_has "stopped: a revision could not be applied"
}

test_range_applies_ancestors_untested() {
	project
	base_chain
	rt test b2:c3
	expect_rc 0
	expect_out "ok    b2  m b2
ok    c3  m c3"
	expect_err_has "1 revision applied untested first"
	rt test c3
	expect_rc 0
	expect_out "ok    c3  m c3"
	rt test nosuch
	expect_rc 1
	expect_err_has "nosuch"
}

test_json() {
	project
	base_chain
	rev b2 a1 "ALTER TABLE users ADD COLUMN bio TEXT;" "SELECT 1;"
	rt test --json
	expect_rc 1
	/usr/bin/python3 -c '
import json, sys
d = json.load(sys.stdin)
assert d["ok"] is False and d["tested"] == 3 and d["failed"] == 1 and d["applied"] == 0, d
r = {x["revision"]: x for x in d["results"]}
assert r["a1"]["ok"] and r["a1"]["stage"] is None and r["c3"]["ok"], d
b = r["b2"]
assert not b["ok"] and b["stage"] == "schema" and b["path"] == "migrations/b2_m.sql", b
assert b["changes"] == [sys.argv[1]] and "DROP COLUMN " + sys.argv[2] in b["restore_sql"], b
' "$(column_left users bio)" "$(qi bio)" <<<"$OUT" || fail "JSON: $OUT"
}

# A migration that only fails on rows: the seed gives it rows.  (MariaDB
# has no index on an expression; its default collation ignores case.)
test_seed_gives_migrations_rows() {
	project
	local name=TEXT key="lower(name)"
	[ "$DIALECT" = mysql ] && name="VARCHAR(100)" key=name
	rev a1 "" "CREATE TABLE users (id INTEGER PRIMARY KEY, name $name);" "DROP TABLE users;"
	rev b2 a1 "ALTER TABLE users ADD COLUMN email TEXT;" "ALTER TABLE users DROP COLUMN email;"
	rev c3 b2 "CREATE UNIQUE INDEX users_lower_name ON users ($key);" "$(drop_index users_lower_name)"
	mkdir -p seeds
	echo "INSERT INTO users (id, name) VALUES (1, 'Ann'), (2, 'ann');" > seeds/demo.sql
	rt test
	expect_rc 0
	rt test --seed demo b2:c3
	expect_rc 1
	expect_out_has "ok    b2  m b2"
	expect_out_has "FAIL  c3  m c3"
	expect_out_has "upgrade: migrations/c3_m.sql:6: upgrade c3 (m c3) failed"
	# a seed that does not fit the schema where the test starts
	rt test --seed demo
	expect_rc 1
	expect_err_has "seed demo failed on the schema before revision a1"
	expect_err_has "hint: a seed fits the schema where the test starts"
	rt test --seed nosuch b2
	expect_rc 2
	expect_err_has "no seed named 'nosuch'"
	expect_err_has "seeds here: demo"
	untouched
}

test_since_tests_changed_files_only() {
	project
	base_chain
	git init -q . && git add -A &&
		git -c user.name=t -c user.email=t@example.com commit -q -m one || fail "git"
	rt test --since HEAD
	expect_rc 0
	expect_out ""
	expect_err_has "No migration file changed since HEAD"
	rev d4 c3 "CREATE TABLE posts (id INTEGER PRIMARY KEY);" "DROP TABLE posts;"
	echo "-- reviewed" >> migrations/b2_m.sql
	rt test --since HEAD
	expect_rc 0
	expect_out "ok    b2  m b2
ok    d4  m d4"
	rt test --since no-such-ref
	expect_rc 1
	expect_err_has "git could not list the files changed since 'no-such-ref'"
	rt test --since=-x
	expect_rc 2
}

test_branches_and_merge() {
	project
	rev a1 "" "CREATE TABLE t_a (id INTEGER);" "DROP TABLE t_a;"
	rev b1 a1 "CREATE TABLE t_b (id INTEGER);" "DROP TABLE t_b;"
	rev c1 a1 "CREATE TABLE t_c (id INTEGER);" "SELECT 1;"
	rev m1 "b1, c1" "CREATE TABLE t_m (id INTEGER);" "DROP TABLE t_m;"
	rt test
	expect_rc 1
	expect_out_has "ok    a1  m a1"
	expect_out_has "ok    b1  m b1"
	expect_out_has "FAIL  c1  m c1"
	expect_out_has "- drop table $(ns t_c)"
	expect_out_has "ok    m1  m m1"
}

# A downgrade spelled differently that restores the same schema passes.
sqlite_test_rebuild_downgrade_passes() {
	project
	rev a1 "" "CREATE TABLE users (id INTEGER PRIMARY KEY, name TEXT NOT NULL);" "DROP TABLE users;"
	rev b2 a1 "ALTER TABLE users ADD COLUMN bio TEXT;" "CREATE TABLE users_new (
    id   INTEGER PRIMARY KEY,
    name TEXT NOT NULL
);
INSERT INTO users_new SELECT id, name FROM users;
DROP TABLE users;
ALTER TABLE users_new RENAME TO users;"
	rt test
	expect_rc 0
	expect_out "ok    a1  m a1
ok    b2  m b2"
}

sqlite_test_nontransactional_sections() {
	project
	rev a1 "" "CREATE TABLE users (id INTEGER PRIMARY KEY, name TEXT);" "DROP TABLE users;"
	rev b2 a1 "PRAGMA foreign_keys = OFF;
ALTER TABLE users ADD COLUMN bio TEXT;" "ALTER TABLE users DROP COLUMN bio;" "transaction:false" "transaction:false"
	rev c3 b2 "ALTER TABLE users ADD COLUMN x TEXT;" "SELECT 1;" "transaction:false" "transaction:false"
	rt test
	expect_rc 1
	expect_out_has "ok    b2  m b2"
	expect_out_has "FAIL  c3  m c3"
	expect_out_has "- drop column users.x"
}

pg_test_concurrent_index_and_enum() {
	project
	rev a1 "" "CREATE TABLE users (id bigint PRIMARY KEY, name text);
CREATE TYPE mood AS ENUM ('ok', 'sad');" "DROP TABLE users;
DROP TYPE mood;"
	rev b2 a1 "CREATE INDEX CONCURRENTLY users_name ON users (name);" \
		"DROP INDEX CONCURRENTLY users_name;" "transaction:false" "transaction:false"
	rev c3 b2 "CREATE FUNCTION f() RETURNS int LANGUAGE sql AS 'SELECT 1';
COMMENT ON TABLE users IS 'people';" "DROP FUNCTION f();"
	rt test
	expect_rc 1
	expect_out_has "ok    a1  m a1"
	expect_out_has "ok    b2  m b2"
	expect_out_has "FAIL  c3  m c3"
	expect_out_has "comment"
	untouched
}

# What each kind of leftover looks like once the fast path (the catalog
# fingerprint) hands it to the schema comparison: a type, a privilege, a
# function, and a downgrade whose DO block caught an error (a subtransaction
# rolled back: its catalog rows count as written, never as unwritten).
pg_test_leftovers_of_every_kind_fail() {
	project "compare_privileges = true"
	rev a1 "" "CREATE TABLE users (id bigint PRIMARY KEY, name text);" "DROP TABLE users;"
	rev b2 a1 "CREATE TYPE mood AS ENUM ('ok', 'sad');" "SELECT 1;"
	rev c3 b2 "GRANT SELECT ON users TO PUBLIC;" "SELECT 1;"
	rev d4 c3 "CREATE FUNCTION f() RETURNS int LANGUAGE sql AS 'SELECT 1';" "SELECT 1;"
	rev e5 d4 "ALTER TABLE users ADD COLUMN bio text;" 'DO $$
BEGIN
	CREATE TABLE scratch_t (id int);
	RAISE EXCEPTION '"'"'undone'"'"';
EXCEPTION WHEN raise_exception THEN NULL;
END $$;'
	rev f6 e5 "CREATE TABLE posts (id bigint PRIMARY KEY);" 'DO $$
BEGIN
	CREATE TABLE scratch_t (id int);
	RAISE EXCEPTION '"'"'undone'"'"';
EXCEPTION WHEN raise_exception THEN NULL;
END $$;
DROP TABLE posts;'
	rt test
	expect_rc 1
	expect_out_has "ok    a1  m a1"
	expect_out_has "FAIL  b2  m b2"
	expect_out_has "- drop type public.mood"
	expect_out_has "FAIL  c3  m c3"
	expect_out_has "- privileges on table public.users"
	expect_out_has "FAIL  d4  m d4"
	expect_out_has "- drop function public.f()"
	expect_out_has "FAIL  e5  m e5"
	expect_out_has "- drop column public.users.bio"
	expect_out_has "ok    f6  m f6"
	expect_err_has "error: 4 of 6 revisions failed"
	untouched
}

# Changes that leave every catalog's row count as it was: a function's
# volatility and a table's comment changed (their rows updated, none
# inserted or deleted), and a downgrade that drops another table of the
# same shape than the one the upgrade made (as many rows inserted as
# deleted).  The fingerprint rereads every catalog the transaction wrote
# (inserted, updated or deleted rows) and counts the rows it wrote, not only
# how many there are, so each goes to the schema comparison and fails.  a1
# sleeps past a second: PostgreSQL reports a session's write counters at
# most once a second, and until then the counters of b2's transaction would
# still hold a1's writes to the same catalogs.
pg_test_same_row_counts_other_schema_fails() {
	project
	rev a1 "" "CREATE TABLE old_t (id int);
CREATE FUNCTION f() RETURNS int LANGUAGE sql AS 'SELECT 1';
COMMENT ON TABLE old_t IS 'old';
SELECT pg_sleep(1.1);" "DROP TABLE old_t;
DROP FUNCTION f();"
	rev b2 a1 "ALTER FUNCTION f() IMMUTABLE;" "ALTER FUNCTION f() STABLE;"
	rev c3 b2 "COMMENT ON TABLE old_t IS 'new';" "COMMENT ON TABLE old_t IS 'other';"
	rev d4 c3 "CREATE TABLE IF NOT EXISTS new_t (id int);" "DROP TABLE old_t;"
	rev e5 d4 "CREATE OR REPLACE FUNCTION f() RETURNS int LANGUAGE sql IMMUTABLE AS 'SELECT 2';" \
		"CREATE OR REPLACE FUNCTION f() RETURNS int LANGUAGE sql IMMUTABLE AS 'SELECT 1';"
	rt test
	expect_rc 1
	expect_out_has "ok    a1  m a1"
	expect_out_has "FAIL  b2  m b2"
	expect_out_has "- replace function public.f()"
	expect_out_has "FAIL  c3  m c3"
	expect_out_has "COMMENT ON TABLE public.old_t IS 'old';"
	expect_out_has "FAIL  d4  m d4"
	expect_out_has "- create table public.old_t"
	expect_out_has "- drop table public.new_t"
	expect_out_has "ok    e5  m e5"
	expect_err_has "error: 3 of 5 revisions failed"
	untouched
}

run_tests
