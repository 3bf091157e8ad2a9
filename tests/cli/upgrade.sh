#!/bin/bash
# upgrade.sh - running migrations: targets, transactions (a failure leaves
# nothing of the failing migration, or of the run), statement splitting,
# transaction:false sections, the history table, -x placeholders.
. "$(dirname "$0")/lib.sh"

# Five migrations m001..m005, each creating t_mNNN and adding a row to t_m001;
# the third also inserts into a table that does not exist (file line 9).
five_with_failing_third() {
	project "$@"
	mig m001 "" "first" "CREATE TABLE t_m001 (id INTEGER);
INSERT INTO t_m001 VALUES (1);" "DROP TABLE t_m001;" >/dev/null
	mig m002 m001 "second" "CREATE TABLE t_m002 (id INTEGER);
INSERT INTO t_m001 VALUES (2);" "DROP TABLE t_m002;" >/dev/null
	mig m003 m002 "third" "CREATE TABLE t_m003 (id INTEGER);
INSERT INTO t_m001 VALUES (3);
INSERT INTO t_nosuch VALUES (1);" "DROP TABLE t_m003;" >/dev/null
	mig m004 m003 "fourth" "CREATE TABLE t_m004 (id INTEGER);" "DROP TABLE t_m004;" >/dev/null
	mig m005 m004 "fifth" "CREATE TABLE t_m005 (id INTEGER);" "DROP TABLE t_m005;" >/dev/null
}

test_failure_in_third_of_five_leaves_the_second() {
	five_with_failing_third
	rt upgrade head
	expect_rc 1
	expect_db "m002" "t_m001 t_m002"
	expect_q "SELECT id FROM t_m001 ORDER BY id" "1
2"
	expect_q "SELECT revision || ' ' || direction FROM retort_version_history ORDER BY id" "m001 upgrade
m002 upgrade
m003 failed"
	expect_err_has "migrations/m003_third.sql:9"
	expect_err_has "m003"
	expect_err_has "still at m002"
	if [ "$DIALECT" = sqlite ]; then
		expect_err_has "migrations/m003_third.sql:9:1: upgrade m003 (third) failed: SQLite: no such table: t_nosuch"
	fi
	# Fixed, the run goes on from m002.
	sed -i '/t_nosuch/d' migrations/m003_third.sql
	rt upgrade head
	expect_rc 0
	expect_steps "upgrade m002 -> m003, third" "upgrade m003 -> m004, fourth" "upgrade m004 -> m005, fifth"
	expect_db "m005" "t_m001 t_m002 t_m003 t_m004 t_m005"
}

test_failure_with_one_transaction_per_run_leaves_nothing() {
	five_with_failing_third "transaction_per_migration = false"
	rt upgrade head
	expect_rc 1
	expect_err_has "migrations/m003_third.sql:9"
	expect_err_has "rolled back"
	expect_db "" ""
	has_table retort_version && fail "the version table of the failed run is left"
	has_table retort_version_history && fail "the history table of the failed run is left"
	return 0
}

test_one_transaction_per_run_applies_everything() {
	five_with_failing_third "transaction_per_migration = false"
	sed -i '/t_nosuch/d' migrations/m003_third.sql
	rt upgrade head
	expect_rc 0
	expect_db "m005" "t_m001 t_m002 t_m003 t_m004 t_m005"
	expect_q "SELECT count(*) FROM retort_version_history WHERE direction = 'upgrade'" "5"
}

# The version-table update fails (the migration took its row): the migration goes too.
test_version_update_and_migration_commit_together() {
	project
	tmig m001 ""
	mig m002 m001 "takes the row" "CREATE TABLE t_m002 (id INTEGER);
INSERT INTO retort_version (version_num) VALUES ('m002');" "DROP TABLE t_m002;" >/dev/null
	rt upgrade head
	expect_rc 1
	expect_db "m001" "t_m001"
	expect_q "SELECT revision || ' ' || direction FROM retort_version_history ORDER BY id" "m001 upgrade
m002 failed"
}

sqlite_test_syntax_error_names_line_and_column() {
	project
	tmig m001 ""
	mig m002 m001 "bad" "CREATE TABLE t_m002 (id INTEGER);
  SELECT 1; THIS IS NOT SQL;" >/dev/null
	rt upgrade head
	expect_rc 1
	expect_err_has 'migrations/m002_bad.sql:8:13: upgrade m002 (bad) failed: SQLite: near "THIS": syntax error'
	expect_db "m001" "t_m001"
}

sqlite_test_triggers_and_semicolons_in_strings() {
	project
	mig m001 "" "trigger" "CREATE TABLE t_a (id INTEGER, note TEXT);
CREATE TABLE t_log (msg TEXT);
CREATE TRIGGER t_a_ins AFTER INSERT ON t_a BEGIN
  INSERT INTO t_log VALUES ('inserted; id=' || NEW.id);
  INSERT INTO t_log VALUES ('second;');
END;
INSERT INTO t_a VALUES (1, 'a;b'';c');
-- a comment; with a semicolon
INSERT INTO t_a VALUES (2, 'x'); /* block; comment */
INSERT INTO \"t_a\" VALUES (3, '/* not a comment; */')" "DROP TABLE t_a; DROP TABLE t_log;" >/dev/null
	rt upgrade head
	expect_rc 0
	expect_db "m001" "t_a t_log"
	expect_q "SELECT id || '|' || note FROM t_a ORDER BY id" "1|a;b';c
2|x
3|/* not a comment; */"
	expect_q "SELECT msg FROM t_log" "inserted; id=1
second;
inserted; id=2
second;
inserted; id=3
second;"
	rt downgrade base
	expect_rc 0
	expect_db "" ""
}

# VACUUM cannot run inside a transaction: only a transaction:false section can.
sqlite_test_transaction_false_section() {
	project
	tmig m001 ""
	mig m002 m001 "vacuum" "VACUUM;" "VACUUM;" >/dev/null
	rt upgrade head
	expect_rc 1
	expect_err_has "cannot VACUUM from within a transaction"
	expect_db "m001" "t_m001"
	sed -i 's/^-- migrate:upgrade$/-- migrate:upgrade transaction:false/' migrations/m002_vacuum.sql
	rt upgrade head
	expect_rc 0
	expect_db "m002" "t_m001"
	expect_q "SELECT revision || ' ' || direction FROM retort_version_history ORDER BY id" "m001 upgrade
m002 failed
m002 upgrade"
}

sqlite_test_transaction_false_with_one_transaction_per_run() {
	project "transaction_per_migration = false"
	tmig m001 ""
	mig m002 m001 "vacuum" "VACUUM;" >/dev/null
	sed -i 's/^-- migrate:upgrade$/-- migrate:upgrade transaction:false/' migrations/m002_vacuum.sql
	tmig m003 m002
	rt upgrade head
	expect_rc 0
	expect_db "m003" "t_m001 t_m003"
}

# A failure after the first statement of a transaction:false section says what is left.
test_transaction_false_partial_failure_is_explained() {
	project
	mig m001 "" "outside" "CREATE TABLE t_m001 (id INTEGER);
INSERT INTO t_nosuch VALUES (1);" "DROP TABLE t_m001;" >/dev/null
	sed -i 's/^-- migrate:upgrade$/-- migrate:upgrade transaction:false/' migrations/m001_outside.sql
	rt upgrade head
	expect_rc 1
	expect_err_has "outside a transaction"
	expect_db "" "t_m001"
}

# sha256 of a file's upgrade section with white space folded (runs as one
# space between words, none next to punctuation or at the ends): sha256-sql
# for a section of words and ( ) , ; without comments or quotes.
section_sum() {
	local text
	text=$(sed -n '/^-- migrate:upgrade/,/^-- migrate:downgrade/{/^-- migrate:/d;p}' "$1" |
		tr -d '\r' | tr -s ' \t\n' ' ' | sed -E 's/^ //; s/ $//; s/ ?([(),;]) ?/\1/g')
	printf %s "$text" | sha256sum | cut -d' ' -f1
}

test_history_rows() {
	project
	tmig m001 ""
	tmig m002 m001
	rt upgrade head
	expect_rc 0
	rt downgrade -1
	expect_rc 0
	rt stamp head
	expect_rc 0
	expect_q "SELECT revision || ' ' || direction || ' ' || from_revisions || ' ' || to_revisions FROM retort_version_history ORDER BY id" \
		"m001 upgrade  m001
m002 upgrade m001 m002
m002 downgrade m002 m001
m002 stamp m001 m002"
	local user sum
	user=$(id -un)
	expect_q "SELECT count(*) FROM retort_version_history WHERE retort_version = '$("$RETORT" --version | cut -d' ' -f2)'" "4"
	expect_q "SELECT count(*) FROM retort_version_history WHERE duration_ms >= 0 AND started_at IS NOT NULL" "4"
	if [ "$DIALECT" = sqlite ]; then
		expect_q "SELECT count(*) FROM retort_version_history WHERE started_at LIKE '20__-__-__T__:__:__.___Z'" "4"
		expect_q "SELECT DISTINCT db_user FROM retort_version_history" "$user"
	else
		expect_q "SELECT count(*) FROM retort_version_history WHERE db_user = current_user" "4"
	fi
	# checksum: sha256-sql of the upgrade section (the text between the markers,
	# white space folded; it has no comments or quotes)
	sum=$(section_sum migrations/m002_rev_m002.sql)
	expect_q "SELECT DISTINCT checksum FROM retort_version_history WHERE revision = 'm002'" "sha256-sql:$sum"
}

test_checksum_ignores_line_endings() {
	project
	tmig m001 ""
	tmig m002 m001
	sed -i 's/$/\r/' migrations/m002_rev_m002.sql
	rt upgrade head
	expect_rc 0
	local sum
	sum=$(section_sum migrations/m002_rev_m002.sql)
	expect_q "SELECT checksum FROM retort_version_history WHERE revision = 'm002'" "sha256-sql:$sum"
}

test_relative_and_named_targets() {
	project
	tmig aaaa ""
	tmig bbbb aaaa
	tmig cccc bbbb
	tmig dddd cccc
	rt upgrade +2
	expect_rc 0
	expect_db "bbbb" "t_aaaa t_bbbb"
	rt upgrade +5
	expect_rc 1
	expect_err_has "Relative revision +5 didn't produce 5 migrations"
	expect_db "bbbb" "t_aaaa t_bbbb"
	rt upgrade head-1
	expect_rc 0
	expect_db "cccc" "t_aaaa t_bbbb t_cccc"
	rt upgrade head+1
	expect_rc 1
	expect_err_has "Relative revision head+1 didn't produce 1 migrations"
	rt downgrade -2
	expect_rc 0
	expect_db "aaaa" "t_aaaa"
	rt upgrade bbbb+2
	expect_rc 0
	expect_db "dddd" "t_aaaa t_bbbb t_cccc t_dddd"
	rt downgrade dddd-3
	expect_rc 0
	expect_db "aaaa" "t_aaaa"
	rt upgrade ccc
	expect_rc 0
	expect_db "cccc" "t_aaaa t_bbbb t_cccc"
}

test_unknown_target() {
	project
	tmig aaaa ""
	rt upgrade zzzz
	expect_rc 1
	expect_err_has "Can't locate revision identified by 'zzzz'"
	expect_db "" ""
}

test_placeholders() {
	project
	mig m001 "" "placeholders" "CREATE TABLE t_\${name} (id INTEGER, v TEXT DEFAULT '\${name}');
-- a comment with \${undefined}
/* and \${undefined} here */
INSERT INTO t_\${name} (id) VALUES (\${num});
INSERT INTO t_\${name} VALUES (2, '\${num}');
CREATE TABLE \"t_q\${name}\" (id INTEGER);" "DROP TABLE t_\${name}; DROP TABLE \"t_q\${name}\";" >/dev/null
	rt -x name=foo -x num=7 upgrade head
	expect_rc 0
	expect_db "m001" "t_foo t_q\${name}"
	expect_q "SELECT id || '|' || coalesce(v, '') FROM t_foo ORDER BY id" "2|\${num}
7|\${name}"
	rt downgrade base -x name=foo
	expect_rc 0
	expect_db "" ""
}

# Placeholders are found the way the database reads the text: SQLite's
# block comments end at the first star-slash and [...] quotes a name;
# PostgreSQL's comments nest and E'' strings have backslash escapes.
test_placeholders_read_as_the_dialect_reads() {
	project
	case $DIALECT in
	sqlite)
		mig m001 "" "dialect rules" "/* a /* b */ CREATE TABLE t_\${name} (id INTEGER, [\${name}] TEXT);" \
			"DROP TABLE t_\${name};" >/dev/null
		rt -x name=foo upgrade head
		expect_rc 0
		expect_db "m001" "t_foo"
		expect_q "SELECT group_concat(name, ',') FROM pragma_table_info('t_foo')" "id,\${name}"
		;;
	postgresql)
		mig m001 "" "dialect rules" "/* a /* b */ \${name} */ CREATE TABLE t_\${name} (id INTEGER, v TEXT DEFAULT E'\\' \${name}');" \
			"DROP TABLE t_\${name};" >/dev/null
		rt -x name=foo upgrade head
		expect_rc 0
		expect_db "m001" "t_foo"
		expect_q "SELECT pg_get_expr(adbin, adrelid) FROM pg_attrdef WHERE adrelid = 't_foo'::regclass" "''' \${name}'::text"
		;;
	esac
}

test_placeholder_from_config_section() {
	project "" "[placeholders]" "name = cfg"
	mig m001 "" "placeholders" "CREATE TABLE t_\${name} (id INTEGER);" "DROP TABLE t_\${name};" >/dev/null
	rt upgrade head
	expect_rc 0
	expect_tables "t_cfg"
	rt -x name=cli downgrade base
	expect_rc 1
	expect_db "m001" "t_cfg"
}

# An undefined placeholder anywhere in the plan stops it before anything runs.
test_undefined_placeholder_runs_nothing() {
	project
	tmig m001 ""
	mig m002 m001 "uses a placeholder" "CREATE TABLE t_m002 (id INTEGER);
INSERT INTO t_m002 VALUES (\${num});" "DROP TABLE t_m002;" >/dev/null
	rt upgrade head
	expect_rc 1
	expect_err_has "migrations/m002_uses_a_placeholder.sql:8: placeholder \${num} is not defined"
	expect_err_has "-x num="
	expect_db "" ""
	has_table retort_version && fail "the version table was created"
	rt -x num=5 upgrade head
	expect_rc 0
	expect_db "m002" "t_m001 t_m002"
	expect_q "SELECT id FROM t_m002" "5"
}

# With one transaction for the whole run, a transaction:false section
# commits what came before it and its own bookkeeping at once: a later
# failure rolls back only to there, and the version table says so.
test_whole_run_transaction_keeps_a_section_outside_it() {
	project "transaction_per_migration = false"
	mig aaaa "" "a" "CREATE TABLE t_a (id INTEGER);" "DROP TABLE t_a;" >/dev/null
	mig bbbb aaaa "b outside" "CREATE TABLE t_b (id INTEGER);" "DROP TABLE t_b;" >/dev/null
	sed -i 's/^-- migrate:upgrade$/-- migrate:upgrade transaction:false/' migrations/bbbb_b_outside.sql
	mig cccc bbbb "c fails" "CREATE TABLE t_c (id INTEGER);
INSERT INTO nowhere VALUES (1);" "DROP TABLE t_c;" >/dev/null
	rt upgrade head
	expect_rc 1
	expect_err_has "upgrade cccc (c fails) failed"
	expect_err_has "the run was rolled back to the last section that ran outside a transaction"
	expect_err_has "the database is at bbbb"
	expect_db "bbbb" "t_a t_b"
	expect_q "SELECT revision || ' ' || direction FROM retort_version_history ORDER BY id" "aaaa upgrade
bbbb upgrade
cccc failed"
	mig cccc bbbb "c fails" "CREATE TABLE t_c (id INTEGER);" "DROP TABLE t_c;" >/dev/null
	rt upgrade head
	expect_rc 0
	expect_db "cccc" "t_a t_b t_c"
}

# COMMIT, BEGIN or ROLLBACK in a migration retort runs in a transaction
# would break it in two: refused before anything runs.
test_transaction_control_in_a_transactional_section_is_refused() {
	project
	mig aaaa "" "a" "CREATE TABLE t_a (id INTEGER);" "DROP TABLE t_a;" >/dev/null
	mig bbbb aaaa "commits" "CREATE TABLE t_b (id INTEGER);
COMMIT;
CREATE TABLE t_c (id INTEGER);" "DROP TABLE t_b;" >/dev/null
	rt upgrade head
	expect_rc 1
	expect_err_has "bbbb_commits.sql:8:1: COMMIT inside a migration that retort runs in a transaction"
	expect_err_has "transaction:false"
	expect_db "" ""
	mig bbbb aaaa "commits" "SAVEPOINT s; CREATE TABLE t_b (id INTEGER); ROLLBACK TO s; RELEASE s;" "" >/dev/null
	rt upgrade head
	expect_rc 0
	expect_db "bbbb" "t_a"
}

# A run killed mid-migration leaves SQLite a hot journal; read-only
# commands must still work (they roll it back), showing the old revision.
sqlite_test_current_after_a_killed_migration() {
	project
	mig aaaa "" "a" "CREATE TABLE big (x INTEGER);" "DROP TABLE big;" >/dev/null
	mig bbbb aaaa "long" "WITH RECURSIVE c(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM c LIMIT 100000000) INSERT INTO big SELECT x FROM c;" "" >/dev/null
	rt upgrade aaaa
	"$RETORT" upgrade head >/dev/null 2>&1 &
	local pid=$!
	local n=0
	while [ ! -e app.db-journal ] && [ $n -lt 100 ]; do sleep 0.1; n=$((n + 1)); done
	sleep 0.5
	kill -9 $pid
	wait $pid 2>/dev/null
	[ -e app.db-journal ] || fail "no journal left behind (the migration ended too soon?)"
	rt current
	expect_rc 0
	expect_out "aaaa"
	expect_q "SELECT count(*) FROM big" "0"
}

run_tests
