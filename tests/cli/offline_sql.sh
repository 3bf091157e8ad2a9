#!/bin/bash
# offline_sql.sh - --sql on upgrade, downgrade and stamp: the exact SQL a run
# would execute (version and history tables included) on stdout, without
# opening the database; FROM:TO ranges give the starting point.  The printed
# SQL is also fed to sqlite3 to show that it does what an online run does.
. "$(dirname "$0")/lib.sh"

chain() {  # aaaa -> bbbb -> cccc
	project
	tmig aaaa ""
	tmig bbbb aaaa
	tmig cccc bbbb
}

no_db_file() { [ ! -e app.db ] || fail "--sql created or touched the database file"; }

# The checksum retort records for a migration file (sha256-sql of its
# upgrade section, which has no comments or quotes here: white space folded).
checksum() {
	local text
	text=$(sed -n '/^-- migrate:upgrade/,/^-- migrate:downgrade/{/^-- migrate:/d;p}' "$1" |
		tr -s ' \t\n' ' ' | sed -E 's/^ //; s/ $//; s/ ?([(),;]) ?/\1/g')
	echo "sha256-sql:$(printf %s "$text" | sha256sum | cut -d' ' -f1)"
}

history_insert() {  # revision direction from to file
	echo "INSERT INTO retort_version_history (revision, direction, from_revisions, to_revisions, checksum, started_at, duration_ms, db_user, retort_version) VALUES ('$1', '$2', '$3', '$4', '$(checksum "$5")', strftime('%Y-%m-%dT%H:%M:%fZ', 'now'), NULL, NULL, '$("$RETORT" --version | cut -d' ' -f2)');"
}

sqlite_test_upgrade_sql_exact() {
	project
	tmig aaaa ""
	tmig bbbb aaaa
	rt upgrade head --sql
	expect_rc 0
	no_db_file
	expect_out "PRAGMA foreign_keys = OFF;

-- Running upgrade  -> aaaa, rev aaaa

BEGIN IMMEDIATE;

CREATE TABLE IF NOT EXISTS retort_version (
    version_num VARCHAR(32) NOT NULL,
    CONSTRAINT retort_version_pkc PRIMARY KEY (version_num)
);

CREATE TABLE IF NOT EXISTS retort_version_history (
    id INTEGER PRIMARY KEY,
    revision VARCHAR(32),
    direction VARCHAR(10) NOT NULL,
    from_revisions TEXT,
    to_revisions TEXT,
    checksum VARCHAR(80),
    started_at VARCHAR(32) NOT NULL,
    duration_ms INTEGER,
    db_user VARCHAR(128),
    retort_version VARCHAR(32) NOT NULL,
    run_id VARCHAR(40),
    outcome VARCHAR(16),
    failure TEXT
);

CREATE TABLE t_aaaa (id INTEGER);

INSERT INTO retort_version (version_num) VALUES ('aaaa');

$(history_insert aaaa upgrade "" aaaa migrations/aaaa_rev_aaaa.sql)

COMMIT;

-- Running upgrade aaaa -> bbbb, rev bbbb

BEGIN IMMEDIATE;

CREATE TABLE t_bbbb (id INTEGER);

UPDATE retort_version SET version_num='bbbb' WHERE retort_version.version_num = 'aaaa';

$(history_insert bbbb upgrade aaaa bbbb migrations/bbbb_rev_bbbb.sql)

COMMIT;"
	# progress stays on stderr
	expect_err_has "Running upgrade aaaa -> bbbb, rev bbbb"
	expect_out_lacks "applied"
}

sqlite_test_upgrade_sql_does_what_online_does() {
	chain
	rt upgrade head --sql
	expect_rc 0
	no_db_file
	sqlite3 -bail app.db <<<"$OUT" || fail "the printed SQL does not run"
	expect_db "cccc" "t_aaaa t_bbbb t_cccc"
	expect_q "SELECT revision || ' ' || direction FROM retort_version_history ORDER BY id" "aaaa upgrade
bbbb upgrade
cccc upgrade"
	# and retort reads what it wrote
	rt current
	expect_out "cccc (head)"
	rt downgrade cccc:base --sql
	expect_rc 0
	sqlite3 -bail app.db <<<"$OUT" || fail "the printed downgrade does not run"
	expect_db "" ""
}

sqlite_test_sql_never_opens_the_database() {
	chain
	rt --url sqlite:////nonexistent/dir/x.db upgrade head --sql
	expect_rc 0
	expect_out_has "CREATE TABLE t_cccc (id INTEGER);"
	# A database at head is not read: the script starts from base.
	rt upgrade head
	expect_db "cccc" "t_aaaa t_bbbb t_cccc"
	local before
	before=$(ls -l --time-style=full-iso app.db; md5sum app.db)
	rt upgrade head --sql
	expect_rc 0
	expect_out_has "CREATE TABLE IF NOT EXISTS retort_version ("
	expect_out_has "CREATE TABLE t_aaaa (id INTEGER);"
	rt stamp head --sql
	expect_rc 0
	rt downgrade head:base --sql
	expect_rc 0
	[ "$(ls -l --time-style=full-iso app.db; md5sum app.db)" = "$before" ] || fail "--sql changed the database file"
	expect_db "cccc" "t_aaaa t_bbbb t_cccc"
}

sqlite_test_upgrade_range_gives_the_start() {
	chain
	rt upgrade bbbb:head --sql
	expect_rc 0
	no_db_file
	local sql=$OUT
	# From a range the version table exists; the history table is made
	# sure of (a database Alembic migrated has none).
	expect_out_lacks "CREATE TABLE IF NOT EXISTS retort_version ("
	expect_out_has "CREATE TABLE IF NOT EXISTS retort_version_history ("
	expect_out_lacks "t_aaaa"
	expect_out_lacks "t_bbbb"
	expect_out_has "-- Running upgrade bbbb -> cccc, rev cccc"
	expect_out_has "UPDATE retort_version SET version_num='cccc' WHERE retort_version.version_num = 'bbbb';"
	[ "$(grep -c '^-- Running' <<<"$OUT")" = 1 ] || fail "more than one step"
	# the piece applies to a database at bbbb
	rt upgrade bbbb
	sqlite3 -bail app.db <<<"$sql" || fail "the printed SQL does not run"
	expect_db "cccc" "t_aaaa t_bbbb t_cccc"
}

# Alembic cannot start offline from several revisions (its bug 14).
sqlite_test_range_from_several_heads() {
	project
	tmig aaaa ""
	tmig bbbb aaaa
	tmig cccc aaaa
	tmig mmmm "bbbb, cccc"
	rt upgrade bbbb,cccc:head --sql
	expect_rc 0
	expect_out_has "-- Running upgrade bbbb, cccc -> mmmm, rev mmmm"
	expect_out_has "DELETE FROM retort_version WHERE retort_version.version_num = 'bbbb';"
	expect_out_has "UPDATE retort_version SET version_num='mmmm' WHERE retort_version.version_num = 'cccc';"
	expect_out_lacks "t_aaaa"
	# un-merge offline
	rt downgrade mmmm:bbbb --sql
	expect_rc 0
	expect_out_has "-- Running downgrade mmmm -> bbbb, cccc, rev mmmm"
	expect_out_has "DROP TABLE t_mmmm;"
	[ "$(grep -c '^INSERT INTO retort_version ' <<<"$OUT")" = 1 ] || fail "an un-merge inserts one row"
	[ "$(grep -c '^UPDATE retort_version ' <<<"$OUT")" = 1 ] || fail "an un-merge updates one row"
	# the same every time (Alembic picks the updated parent by hash order: its bug 7)
	local first=$OUT i
	for i in 1 2 3 4 5; do
		rt downgrade mmmm:bbbb --sql
		[ "$OUT" = "$first" ] || fail "un-merge SQL differs between runs"
	done
	no_db_file
}

sqlite_test_downgrade_sql_needs_a_range() {
	chain
	rt downgrade base --sql
	expect_rc 2
	expect_err_has "downgrade with --sql needs a range FROM:TO"
	expect_out ""
	rt downgrade head:-1 --sql
	expect_rc 0
	expect_out_has "-- Running downgrade cccc -> bbbb, rev cccc"
	expect_out_has "DROP TABLE t_cccc;"
	[ "$(grep -c '^-- Running' <<<"$OUT")" = 1 ] || fail "more than one step"
	rt downgrade cccc:base --sql
	expect_rc 0
	expect_out_has "DELETE FROM retort_version WHERE retort_version.version_num = 'aaaa';"
	expect_out_lacks "DROP TABLE retort_version"
	no_db_file
}

sqlite_test_stamp_sql() {
	chain
	rt stamp head --sql
	expect_rc 0
	expect_out_has "-- Running stamp_revision  -> cccc"
	expect_out_has "CREATE TABLE IF NOT EXISTS retort_version ("
	expect_out_has "INSERT INTO retort_version (version_num) VALUES ('cccc');"
	expect_out_lacks "t_cccc"
	rt stamp aaaa:head --sql
	expect_rc 0
	expect_out_lacks "CREATE TABLE IF NOT EXISTS retort_version ("
	expect_out_has "CREATE TABLE IF NOT EXISTS retort_version_history ("
	expect_out_has "UPDATE retort_version SET version_num='cccc' WHERE retort_version.version_num = 'aaaa';"
	rt stamp --purge head --sql
	expect_rc 2
	expect_err_has "--purge"
	rt stamp aaaa bbbb:cccc --sql
	expect_rc 2
	no_db_file
}

sqlite_test_stamp_sql_two_branches() {
	project
	tmig aaaa ""
	tmig bbbb aaaa
	tmig cccc bbbb
	tmig dddd aaaa
	rt stamp cccc dddd --sql
	expect_rc 0
	expect_out_has "INSERT INTO retort_version (version_num) VALUES ('cccc');"
	expect_out_has "INSERT INTO retort_version (version_num) VALUES ('dddd');"
	sqlite3 -bail app.db <<<"$OUT" || fail "the printed SQL does not run"
	expect_db "cccc dddd" ""
}

sqlite_test_sql_transactions() {
	chain
	rt upgrade head --sql
	[ "$(grep -c '^BEGIN IMMEDIATE;' <<<"$OUT")" = 3 ] || fail "one transaction per migration expected"
	[ "$(grep -c '^COMMIT;' <<<"$OUT")" = 3 ] || fail "one commit per migration expected"
	echo "transaction_per_migration = false" >> retort.ini
	rt upgrade head --sql
	expect_rc 0
	[ "$(grep -c '^BEGIN IMMEDIATE;' <<<"$OUT")" = 1 ] || fail "one transaction for the run expected"
	[ "$(grep -c '^COMMIT;' <<<"$OUT")" = 1 ] || fail "one commit for the run expected"
	[ "$(tail -n 1 <<<"$OUT")" = "COMMIT;" ] || fail "the run does not end with COMMIT"
	no_db_file
}

sqlite_test_sql_transaction_false_section_outside() {
	project
	mig aaaa "" "vacuum" "VACUUM;" "VACUUM;" >/dev/null
	sed -i 's/^-- migrate:upgrade$/-- migrate:upgrade transaction:false/' migrations/aaaa_vacuum.sql
	rt upgrade head --sql
	expect_rc 0
	# VACUUM comes before the transaction that records it
	[ "$(grep -n -m1 '^VACUUM;' <<<"$OUT" | cut -d: -f1)" -lt "$(grep -n -m1 '^BEGIN' <<<"$OUT" | cut -d: -f1)" ] ||
		fail "VACUUM is inside the transaction"
	sqlite3 -bail app.db <<<"$OUT" || fail "the printed SQL does not run"
	expect_versions "aaaa"
}

sqlite_test_sql_placeholders() {
	project
	mig aaaa "" "placeholder" "CREATE TABLE t_\${name} (id INTEGER);" "DROP TABLE t_\${name};" >/dev/null
	rt upgrade head --sql
	expect_rc 1
	expect_err_has "migrations/aaaa_placeholder.sql:7: placeholder \${name} is not defined"
	expect_out ""
	rt -x name=x upgrade head --sql
	expect_rc 0
	expect_out_has "CREATE TABLE t_x (id INTEGER);"
	no_db_file
}

sqlite_test_sql_statement_ending_in_a_comment() {
	project
	mig aaaa "" "comment" "CREATE TABLE t_a (id INTEGER) -- no semicolon after this" "DROP TABLE t_a;" >/dev/null
	rt upgrade head --sql
	expect_rc 0
	sqlite3 -bail app.db <<<"$OUT" || fail "the printed SQL does not run"
	expect_db "aaaa" "t_a"
}

# The starting point of --sql holds heads only: an ancestor of another
# would make the script match no row.
sqlite_test_range_start_with_an_ancestor_is_refused() {
	chain
	rt upgrade aaaa,bbbb:head --sql
	expect_rc 2
	expect_err_has "the starting point names aaaa, an ancestor of bbbb"
	expect_err_has "here bbbb"
}

# The SQLite script turns foreign keys off first, as retort's connections
# run: a table rebuild run by a connection that enforces them would
# cascade-delete the children of the rebuilt table.
sqlite_test_script_keeps_child_rows_of_a_rebuilt_table() {
	project
	mig aaaa "" "tables" "CREATE TABLE p (id INTEGER PRIMARY KEY, n TEXT);
CREATE TABLE c (id INTEGER PRIMARY KEY, p_id INTEGER REFERENCES p(id) ON DELETE CASCADE);
INSERT INTO p VALUES (1, 'x');
INSERT INTO c VALUES (1, 1);" "DROP TABLE c; DROP TABLE p;" >/dev/null
	mig bbbb aaaa "rebuild p" "CREATE TABLE p_new (id INTEGER PRIMARY KEY, n TEXT NOT NULL DEFAULT '');
INSERT INTO p_new SELECT id, coalesce(n, '') FROM p;
DROP TABLE p;
ALTER TABLE p_new RENAME TO p;
PRAGMA foreign_key_check;" "" >/dev/null
	rt upgrade aaaa
	expect_rc 0
	rt upgrade aaaa:head --sql
	expect_rc 0
	expect_out_has "PRAGMA foreign_keys = OFF;"
	sqlite3 -bail -cmd "PRAGMA foreign_keys = ON" app.db <<<"$OUT" >/dev/null || fail "the script does not run"
	expect_q "SELECT count(*) FROM c" "1"
	expect_versions "bbbb"
}

# A range from base is a new database: the version table is created, as
# in the script without a range.
sqlite_test_range_from_base_creates_the_version_table() {
	chain
	rt upgrade base:head --sql
	expect_rc 0
	expect_out_has "CREATE TABLE IF NOT EXISTS retort_version ("
	sqlite3 -bail fresh.db <<<"$OUT" || fail "the script does not run on a new database"
	[ "$(sqlite3 fresh.db 'SELECT version_num FROM retort_version')" = cccc ] || fail "not at cccc"
}

run_tests
