#!/bin/bash
# baseline.sh - `retort baseline` adopts a database made without retort
# (a first revision of its schema, the database stamped at it, an empty
# declared schema filled) so that check, verify and a fresh upgrade head
# agree with it; and `retort dump-schema` / dump_schema_after_upgrade.
# test_* run on MySQL/MariaDB too.
MY_DIALECTS=mysql
. "$(dirname "$0")/lib.sh"

# Objects made by hand, as a team's existing database has them.
existing() {
	q "CREATE TABLE users (id INTEGER PRIMARY KEY, email TEXT NOT NULL UNIQUE)" >/dev/null
	q "CREATE TABLE posts (id INTEGER PRIMARY KEY, user_id INTEGER REFERENCES users (id), body TEXT)" >/dev/null
	q "CREATE INDEX posts_user ON posts (user_id)" >/dev/null
	q "CREATE VIEW recent AS SELECT id, body FROM posts" >/dev/null
	q "INSERT INTO users (id, email) VALUES (1, 'ann@example.com')" >/dev/null
}

# A second, empty database of the same dialect: its URL.
other_db() {
	case $DIALECT in
	sqlite) echo "sqlite:///fresh.db" ;;
	postgresql)
		psql -X -q -h "$RETORT_TEST_PGHOST" -p "$RETORT_TEST_PGPORT" -U "$RETORT_TEST_PGUSER" \
			-d postgres -c "CREATE DATABASE ${TEST_DB}_fresh" >/dev/null || return 1
		echo "postgresql://${RETORT_TEST_PGUSER}@/${TEST_DB}_fresh?host=${RETORT_TEST_PGHOST}&port=${RETORT_TEST_PGPORT}" ;;
	mysql)
		my "" -e "CREATE DATABASE ${TEST_DB}_fresh CHARACTER SET utf8mb4" >/dev/null || return 1
		echo "mysql://${RETORT_TEST_MYSQL_USER}@localhost/${TEST_DB}_fresh?socket=${RETORT_TEST_MYSQL_SOCKET}" ;;
	esac
}
# The number of the first line of text $2 that matches the extended regex $1.
first_line() { grep -n -E "$1" <<<"$2" | head -1 | cut -d: -f1; }

# Run SQL in the second database.
q_other() {
	case $DIALECT in
	sqlite) sqlite3 fresh.db "$1" ;;
	postgresql) psql -X -q -h "$RETORT_TEST_PGHOST" -p "$RETORT_TEST_PGPORT" -U "$RETORT_TEST_PGUSER" \
		-d "${TEST_DB}_fresh" -c "$1" >/dev/null ;;
	mysql) my "${TEST_DB}_fresh" -e "$1" ;;
	esac
}
drop_other() {
	case $DIALECT in
	postgresql) psql -X -q -h "$RETORT_TEST_PGHOST" -p "$RETORT_TEST_PGPORT" -U "$RETORT_TEST_PGUSER" \
		-d postgres -c "DROP DATABASE IF EXISTS ${TEST_DB}_fresh WITH (FORCE)" >/dev/null 2>&1 ;;
	mysql) my "" -e "DROP DATABASE IF EXISTS ${TEST_DB}_fresh" >/dev/null 2>&1 ;;
	esac
	return 0
}

# What a fresh database gets from upgrade head is what the adopted one holds.
fresh_upgrade_matches() {
	local url
	url=$(other_db) || fail "cannot create a second database"
	rt --url "$url" upgrade head
	expect_rc 0
	rt diff --from database --to "$url" --exit-code
	drop_other
	expect_rc 0
	expect_err_has "No differences."
}

test_adopts_a_database_made_by_hand() {
	project "schema = schema.sql"
	printf -- '-- the declared schema (retort init writes comments only)\n' > schema.sql
	existing
	rt baseline -m "adopt existing database" --rev-id 0000baseline
	expect_rc 0
	expect_out "migrations/0000baseline_adopt_existing_database.sql"
	expect_err_has "wrote the declared schema to"
	expect_err_has "objects; the database is stamped at it."
	expect_versions "0000baseline"
	grep -q "CREATE TABLE" migrations/0000baseline_adopt_existing_database.sql || fail "no CREATE TABLE"
	grep -q "^-- migrate:downgrade" migrations/0000baseline_adopt_existing_database.sql || fail "no downgrade"
	grep -q "CREATE TABLE" schema.sql || fail "schema.sql not written"
	expect_q "SELECT email FROM users" "ann@example.com"
	rt check
	expect_rc 0
	rt verify
	expect_rc 0
	rt test
	expect_rc 0
	fresh_upgrade_matches
	# a second baseline refuses: the database is at a revision now
	rt baseline -m again
	expect_rc 1
	expect_err_has "the database is already at revision 0000baseline"
	expect_err_has "hint: to bring it up to date run: retort upgrade heads"
	[ "$(ls migrations | wc -l)" = 1 ] || fail "a file was written"
}

test_project_with_revisions_needs_head() {
	project
	tmig a1 ""
	rt upgrade head
	q "DELETE FROM retort_version" >/dev/null   # as if the table had been made by another tool
	q "DROP TABLE retort_version_history" >/dev/null
	q "DROP TABLE retort_version" >/dev/null
	existing
	rt baseline -m adopt
	expect_rc 2
	expect_err_has "the project already has 1 revision (head: a1): say where the baseline goes"
	expect_err_has "hint: --head REV puts it after REV"
	rt baseline -m adopt --head a1 --rev-id b2
	expect_rc 0
	expect_versions "b2"
	# only what the database has beyond a1
	! grep -q "t_a1" migrations/b2_adopt.sql || fail "the baseline creates t_a1 again"
	grep -q "users" migrations/b2_adopt.sql || fail "the baseline lacks users"
	rt heads
	expect_out "b2 (head)"
	fresh_upgrade_matches
	rt verify
	expect_rc 0
}

test_head_base_makes_a_new_base() {
	project
	tmig a1 ""
	existing
	rt baseline -m legacy --head base --rev-id l1 --branch-label legacy
	expect_rc 0
	rt heads
	expect_out_has "l1 (legacy) (head)"
	expect_out_has "a1 (head)"
	expect_versions "l1"
}

test_refusals() {
	project
	rt baseline -m nothing
	expect_rc 1
	expect_err_has "the database has no tables, views or other objects retort can read: there is nothing to adopt"
	[ ! -d migrations ] || [ -z "$(ls migrations)" ] || fail "a file was written"
	rt baseline
	expect_rc 2
	expect_err_has "baseline needs -m MSG"
	tmig a1 ""
	rt upgrade head
	q "DROP TABLE retort_version_history" >/dev/null
	q "DROP TABLE retort_version" >/dev/null
	rt baseline -m same --head a1
	expect_rc 1
	expect_err_has "the database already matches the migrations at a1: no new revision is needed"
	expect_err_has "hint: record that with: retort stamp a1"
}

test_declared_schema_with_statements_is_kept() {
	project "schema = schema.sql"
	echo "CREATE TABLE users (id INTEGER PRIMARY KEY);" > schema.sql
	existing
	rt baseline -m adopt
	expect_rc 0
	expect_err_lacks "wrote the declared schema"
	[ "$(cat schema.sql)" = "CREATE TABLE users (id INTEGER PRIMARY KEY);" ] || fail "schema.sql changed"
	rt check
	expect_rc 1
}

test_dump_schema_is_stable() {
	project
	q "CREATE TABLE zebra (id INTEGER PRIMARY KEY)" >/dev/null
	q "CREATE TABLE apple (id INTEGER PRIMARY KEY, z INTEGER REFERENCES zebra (id))" >/dev/null
	q "CREATE INDEX apple_z ON apple (z)" >/dev/null
	rt dump-schema
	expect_rc 0
	expect_out_has "at revision none (no version table)"
	local first=$OUT
	rt dump-schema
	[ "$OUT" = "$first" ] || fail "two dumps differ"
	# the same objects created in another order dump the same
	local url
	url=$(other_db) || fail "cannot create a second database"
	rt --url "$url" upgrade head
	q_other "CREATE TABLE zebra (id INTEGER PRIMARY KEY); CREATE TABLE apple (id INTEGER PRIMARY KEY, z INTEGER REFERENCES zebra (id)); CREATE INDEX apple_z ON apple (z);"
	rt --url "$url" dump-schema
	drop_other
	[ "$(tail -n +2 <<<"$OUT")" = "$(tail -n +2 <<<"$first")" ] || fail "dumps of the same schema differ:
$first"
	# zebra is made before what refers to it; the index after its table
	local z r a i
	z=$(first_line "CREATE TABLE (public\.)?\`?zebra" "$first")
	r=$(first_line "REFERENCES (public\.)?\`?zebra" "$first")
	a=$(first_line "CREATE TABLE (public\.)?\`?apple" "$first")
	i=$(first_line "(INDEX|KEY) \`?apple_z" "$first")
	[ -n "$z" ] && [ -n "$r" ] && [ -n "$a" ] && [ -n "$i" ] && [ "$z" -lt "$r" ] && [ "$a" -lt "$i" ] ||
		fail "not in dependency order (lines $z $r $a $i): $first"
	rt dump-schema -o db/schema.sql
	expect_rc 1
	expect_err_has "cannot write db/schema.sql"
	mkdir db
	rt dump-schema -o db/schema.sql
	expect_rc 0
	expect_out ""
	[ "$(cat db/schema.sql)" = "$first" ] || fail "the file differs from stdout"
}

test_dump_schema_after_upgrade() {
	project "dump_schema_after_upgrade = structure.sql"
	tmig a1 ""
	tmig b2 a1
	rt upgrade head --sql
	[ ! -e structure.sql ] || fail "--sql wrote the dump"
	rt upgrade a1
	expect_rc 0
	expect_err_has "wrote"
	grep -q "at revision a1" structure.sql || fail "header: $(head -1 structure.sql)"
	grep -q "t_a1" structure.sql || fail "no t_a1"
	! grep -q "t_b2" structure.sql || fail "t_b2 already"
	rt upgrade head
	grep -q "at revision b2" structure.sql || fail "not rewritten"
	grep -q "t_b2" structure.sql || fail "no t_b2"
	rt downgrade -1
	! grep -q "t_b2" structure.sql || fail "downgrade did not rewrite it"
	rt upgrade a1
	expect_rc 0
	expect_err_lacks "dump_schema_after_upgrade"
}

run_tests
