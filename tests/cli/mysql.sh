#!/bin/bash
# MySQL and MariaDB end to end, against the throwaway MariaDB that tests/run
# starts (scripts/mariadb-test-server): every command, DELIMITER files as
# mysqldump writes them, a failure in the middle of a migration whose DDL
# committed as it ran (what took effect, --resume, --partial), SIGKILL in
# the middle of one, eight deployers at once, and --sql replayed with the
# mariadb client.
. "$(dirname "$0")/lib.sh"

# Five statements; the third fails until the file is fixed.
five() {
	mig aaaa "" "five steps" \
"CREATE TABLE t_a (id INT PRIMARY KEY);
CREATE TABLE t_b (id INT PRIMARY KEY);
ALTER TABLE ${1:-t_nope} ADD COLUMN x INT;
CREATE TABLE t_c (id INT PRIMARY KEY);
CREATE TABLE t_d (id INT PRIMARY KEY);" \
"DROP TABLE t_d;
DROP TABLE t_c;
ALTER TABLE t_a DROP COLUMN x;
DROP TABLE t_b;
DROP TABLE t_a;" >/dev/null
}

progress() { q "SELECT revision, direction, statements, done, COALESCE(running, '-') FROM retort_version_progress"; }

# A migration that sets session variables (as mysqldump's preamble does)
# and does not set them back leaves no trace on the migrations after it,
# whether its statements commit one by one (DDL) or in one transaction.
my_test_session_variables_set_by_a_migration_are_set_back() {
	project
	mig aaaa "" "preamble" "/*!40014 SET FOREIGN_KEY_CHECKS=0 */;
SET sql_mode = 'ANSI_QUOTES';
CREATE TABLE t_a (id INT PRIMARY KEY);" "DROP TABLE t_a;" >/dev/null
	mig bbbb aaaa "data" "SET time_zone = '+05:00';
INSERT INTO t_a VALUES (1);" "DELETE FROM t_a;" >/dev/null
	mig cccc bbbb "seen" "CREATE TABLE t_seen AS SELECT @@SESSION.foreign_key_checks AS fk,
  @@SESSION.sql_mode LIKE '%ANSI_QUOTES%' AS ansi, @@SESSION.time_zone AS tz;" "DROP TABLE t_seen;" >/dev/null
	rt upgrade head
	expect_rc 0
	expect_err_has "revision aaaa changed its connection; undone for the migrations after it:"
	expect_err_has "foreign_key_checks set back to 'ON'"
	expect_err_has "sql_mode set back to"
	expect_err_has "revision bbbb changed its connection"
	expect_err_has "time_zone set back to 'SYSTEM'"
	expect_q "SELECT fk, ansi, tz FROM t_seen" "1|0|SYSTEM"
	expect_versions "cccc"
}

# A temporary table a migration leaves behind is dropped before the next
# migration of the run (as a new connection would not have it): the next
# one can create it again, and the notice names it.
my_test_temporary_tables_left_by_a_migration_are_dropped() {
	project
	mig aaaa "" "staging" "CREATE TABLE t_a (id INT PRIMARY KEY);
CREATE TEMPORARY TABLE tmp_ids (id INT);
CREATE TEMPORARY TABLE IF NOT EXISTS \`tmp two\` (id INT);
INSERT INTO tmp_ids VALUES (1), (2);
INSERT INTO t_a SELECT id FROM tmp_ids;" "DROP TABLE t_a;" >/dev/null
	mig bbbb aaaa "again" "CREATE TEMPORARY TABLE tmp_ids (id INT);
CREATE TEMPORARY TABLE \`tmp two\` (id INT);
INSERT INTO tmp_ids VALUES (3);
INSERT INTO t_a SELECT id FROM tmp_ids;
DROP TEMPORARY TABLE tmp_ids;
DROP TABLE \`tmp two\`;" "DELETE FROM t_a WHERE id = 3;" >/dev/null
	rt upgrade head
	expect_rc 0
	expect_err_has "revision aaaa changed its connection; undone for the migrations after it:"
	expect_err_has "temporary table tmp_ids dropped"
	expect_err_has 'temporary table `tmp two` dropped'
	expect_err_lacks "revision bbbb changed its connection"
	expect_q "SELECT GROUP_CONCAT(id ORDER BY id) FROM t_a" "1,2,3"
	expect_versions "bbbb"
}

# Statements are split as the session reads strings: a backslash escapes
# the next character by default, and is a plain character when sql_mode
# has NO_BACKSLASH_ESCAPES (here from an init-command in ~/.my.cnf, which
# retort reads as the mysql client does).
my_test_statements_split_by_the_sessions_backslash_rule() {
	project
	mig aaaa "" "escapes" "CREATE TABLE t_path (v VARCHAR(40));
INSERT INTO t_path VALUES ('it\\'s; one');" "DROP TABLE t_path;" >/dev/null
	rt upgrade head
	expect_rc 0
	expect_q "SELECT v FROM t_path" "it's; one"
	mkdir home
	printf '[client]\ninit-command=SET SESSION sql_mode = CONCAT(@@SESSION.sql_mode, ",NO_BACKSLASH_ESCAPES")\n' > home/.my.cnf
	mig bbbb aaaa "plain backslashes" "INSERT INTO t_path VALUES ('C:\\');
INSERT INTO t_path VALUES ('x;y');" "DELETE FROM t_path WHERE v <> 'it''s; one';" >/dev/null
	HOME=$PWD/home rt upgrade head
	expect_rc 0
	expect_q "SELECT REPLACE(v, CHAR(92), '/') FROM t_path ORDER BY v" "C:/
it's; one
x;y"
	HOME=$PWD/home rt downgrade aaaa
	expect_rc 0
	expect_q "SELECT COUNT(*) FROM t_path" "1"
}

my_test_every_command() {
	project
	tmig aaaa ""
	tmig bbbb aaaa
	rt upgrade head
	expect_rc 0
	expect_steps "upgrade  -> aaaa" "upgrade aaaa -> bbbb"
	expect_db "bbbb" "t_aaaa t_bbbb"
	# times read back from the history table are ISO 8601 UTC, as on the other dialects
	rt --json status
	expect_rc 0
	python3 -c '
import json, re, sys
d = json.load(sys.stdin)
at = [r["applied_at"] for r in d["revisions"]]
assert len(at) == 2 and all(re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z", a) for a in at), at' <<<"$OUT" || fail "status --json: $OUT"
	rt history --runs
	grep -qE "^[0-9TZ-]+-[0-9a-f]+ 20[0-9-]+T[0-9:.]+Z +upgrade " <<<"$OUT" || fail "history --runs: $OUT"
	rt current
	expect_rc 0
	expect_out "bbbb (head)"
	rt history -i
	expect_rc 0
	expect_out_has "(head) (current)"
	rt downgrade -1
	expect_rc 0
	expect_db "aaaa" "t_aaaa"
	rt stamp bbbb
	expect_rc 0
	expect_versions "bbbb"
	rt downgrade base
	expect_rc 1  # bbbb's table is not there: stamp said it was
	rt stamp aaaa
	rt downgrade base
	expect_rc 0
	expect_db "" ""
	expect_q "SELECT direction, COALESCE(revision, '-'), COALESCE(outcome, '-') FROM retort_version_history ORDER BY id" "upgrade|aaaa|-
upgrade|bbbb|ok
downgrade|bbbb|ok
stamp|bbbb|ok
failed|bbbb|failed
stamp|aaaa|ok
downgrade|aaaa|ok"
	expect_q "SELECT COUNT(*) FROM retort_version_history WHERE started_at > UTC_TIMESTAMP() - INTERVAL 1 HOUR AND db_user LIKE 'root@%'" "7"
	expect_q "SELECT engine, table_collation FROM information_schema.tables WHERE table_schema = DATABASE() AND table_name = 'retort_version_history'" "InnoDB|utf8mb4_general_ci"
}

my_test_delimiter_blocks_as_mysqldump_writes_them() {
	project
	cat > migrations/aaaa_routines.sql <<'EOF'
-- Revision ID: aaaa
-- Revises:
-- Message: routines

-- migrate:upgrade
/*!40101 SET @saved_cs_client = @@character_set_client */;
# a comment with a ; in it
CREATE TABLE t_film (id INT PRIMARY KEY, title VARCHAR(50) DEFAULT 'it''s; fine', note TEXT);
CREATE TABLE t_log (id INT AUTO_INCREMENT PRIMARY KEY, msg VARCHAR(100));
DELIMITER ;;
/*!50003 CREATE*/ /*!50003 TRIGGER ins_film AFTER INSERT ON t_film FOR EACH ROW BEGIN
    INSERT INTO t_log (msg) VALUES (CONCAT('added; ', NEW.title));
END */;;
DELIMITER ;
DELIMITER $$
CREATE PROCEDURE film_count(OUT n INT)
BEGIN
    SELECT COUNT(*) INTO n FROM t_film; -- counted
END $$
DELIMITER ;
INSERT INTO t_film (id, title) VALUES (1, 'a\'b');

-- migrate:downgrade
DROP PROCEDURE film_count;
DROP TABLE t_log;
DROP TABLE t_film;
EOF
	rt upgrade head
	expect_rc 0
	expect_tables "t_film t_log"
	expect_q "SELECT title FROM t_film" "a'b"
	expect_q "SELECT msg FROM t_log" "added; a'b"
	expect_q "SELECT trigger_name FROM information_schema.triggers WHERE trigger_schema = DATABASE()" "ins_film"
	expect_q "CALL film_count(@n); SELECT @n" "1"
	expect_q "SELECT column_default FROM information_schema.columns WHERE table_schema = DATABASE() AND column_name = 'title'" "'it''s; fine'"
	rt downgrade base
	expect_rc 0
	expect_db "" ""
}

# The issue's case: the 3rd of 5 statements fails.
my_test_failure_in_the_third_statement_reports_what_took_effect() {
	project
	five
	rt upgrade head
	expect_rc 1
	expect_err_has "migrations/aaaa_five_steps.sql:9:1: upgrade aaaa (five steps) failed"
	expect_err_has "Table '$TEST_DB.t_nope' doesn't exist (MariaDB error 1146"
	expect_err_has "statements 1-2 of 5 of aaaa (lines 7 and 8) took effect, statement 3 (line 9) did not"
	expect_err_has "resume the upgrade (it continues at statement 3)"
	expect_err_has "undo the 2 that took effect (a partial downgrade runs the downgrade statements that match them)"
	expect_err_has "or, once the database is repaired by hand, stamp aaaa (or the revision before it)"
	expect_err_has "hint: run: retort upgrade --resume"
	expect_db "" "t_a t_b"
	expect_q "SELECT revision, direction, statements, done, COALESCE(running, '-') FROM retort_version_progress" "aaaa|upgrade|5|2|-"
	# every later run stops there
	rt upgrade head
	expect_rc 1
	expect_err_has "revision aaaa was left partly applied by an interrupted upgrade: 2 of its 5 upgrade statements took effect"
	expect_db "" "t_a t_b"
	rt current
	expect_rc 0
	expect_err_has "revision aaaa is partly applied: 2 of its 5 upgrade statements took effect"
	# fix the failing statement, then resume: statements 3-5 run
	five t_a
	rt upgrade --resume -v
	expect_rc 0
	expect_err_has "statement 3 of 5 (line 9) took effect"
	expect_err_lacks "statement 2 of 5"
	expect_db "aaaa" "t_a t_b t_c t_d"
	expect_q "SELECT COUNT(*) FROM retort_version_progress" "0"
	expect_q "SELECT COUNT(*) FROM information_schema.columns WHERE table_schema = DATABASE() AND table_name = 't_a' AND column_name = 'x'" "1"
	rt downgrade base
	expect_rc 0
	expect_db "" ""
}

my_test_partial_runs_the_matching_downgrade_statements() {
	project
	five
	rt upgrade head
	expect_rc 1
	rt downgrade --partial
	expect_rc 0
	expect_db "" ""
	expect_q "SELECT COUNT(*) FROM retort_version_progress" "0"
	expect_q "SELECT direction, revision FROM retort_version_history ORDER BY id" "failed|aaaa
downgrade|aaaa"
	# and the migration can run again once fixed
	five t_a
	rt upgrade head
	expect_rc 0
	expect_db "aaaa" "t_a t_b t_c t_d"
}

my_test_resume_refuses_changed_statements_that_took_effect() {
	project
	five
	rt upgrade head
	expect_rc 1
	sed -i 's/CREATE TABLE t_b (id INT PRIMARY KEY)/CREATE TABLE t_b (id BIGINT PRIMARY KEY)/' migrations/aaaa_*.sql
	rt upgrade --resume
	expect_rc 1
	expect_err_has "the 2 statements of aaaa that took effect are not those of its upgrade section any more"
	expect_q "SELECT done FROM retort_version_progress" "2"
	rt stamp aaaa
	expect_rc 0
	expect_err_has "the record that aaaa was partly applied is cleared"
	expect_versions "aaaa"
	expect_q "SELECT COUNT(*) FROM retort_version_progress" "0"
}

my_test_a_failing_first_statement_leaves_nothing() {
	project
	five
	sed -i 's/^CREATE TABLE t_a (id INT PRIMARY KEY);/CREATE TABLE t_a (id INT PRIMARY KEY, id INT);/' migrations/aaaa_*.sql
	rt upgrade head
	expect_rc 1
	expect_err_has "statement 1 failed, so nothing of aaaa took effect"
	expect_db "" ""
	expect_q "SELECT COUNT(*) FROM retort_version_progress" "0"
	rt upgrade --resume
	expect_rc 2
	expect_err_has "there is nothing to resume"
}

my_test_data_only_migration_is_one_transaction() {
	project
	mig aaaa "" "table" "CREATE TABLE t_x (id INT PRIMARY KEY) ENGINE=InnoDB;" "DROP TABLE t_x;" >/dev/null
	mig bbbb aaaa "rows" "INSERT INTO t_x VALUES (1);
INSERT INTO t_x VALUES (2);
INSERT INTO t_x VALUES (1);" "DELETE FROM t_x;" >/dev/null
	rt upgrade head
	expect_rc 1
	expect_err_has "Duplicate entry '1'"
	expect_err_has "nothing of bbbb was applied"
	expect_versions "aaaa"
	expect_q "SELECT COUNT(*) FROM t_x" "0"
	expect_q "SELECT COUNT(*) FROM retort_version_progress" "0"
}

my_test_sql_replayed_with_the_client_equals_the_online_run() {
	project
	cat > migrations/aaaa_first.sql <<'EOF'
-- Revision ID: aaaa
-- Revises:
-- Message: first

-- migrate:upgrade
CREATE TABLE t_user (id INT AUTO_INCREMENT PRIMARY KEY, name VARCHAR(50) NOT NULL) # trailing comment
;
DELIMITER //
CREATE FUNCTION t_twice(x INT) RETURNS INT DETERMINISTIC
BEGIN
    RETURN x * 2;
END //
DELIMITER ;
INSERT INTO t_user (name) VALUES ('back\\slash'), ('quote''s');

-- migrate:downgrade
DROP FUNCTION t_twice;
DROP TABLE t_user;
EOF
	tmig bbbb aaaa
	rt upgrade head --sql
	expect_rc 0
	printf '%s\n' "$OUT" > deploy.sql
	expect_out_has "DELIMITER ;;"
	local other="${TEST_DB}_sql"
	my "" -e "CREATE DATABASE $other" || fail "cannot create $other"
	my "$other" < deploy.sql || { my "" -e "DROP DATABASE $other"; fail "the client refused the --sql output"; }
	rt upgrade head
	expect_rc 0
	local a b t
	for t in t_user t_bbbb retort_version retort_version_progress; do
		a=$(my "$TEST_DB" -e "SHOW CREATE TABLE $t" | sed 's/AUTO_INCREMENT=[0-9]* //')
		b=$(my "$other" -e "SHOW CREATE TABLE $t" | sed 's/AUTO_INCREMENT=[0-9]* //')
		[ "$a" = "$b" ] || { my "" -e "DROP DATABASE $other"; fail "$t differs: $a / $b"; }
	done
	for t in "SELECT version_num FROM retort_version" "SELECT id, name FROM t_user ORDER BY id" \
		"SELECT t_twice(21)" "SELECT revision, direction, checksum FROM retort_version_history ORDER BY id"; do
		a=$(my "$TEST_DB" -e "$t")
		b=$(my "$other" -e "$t")
		[ "$a" = "$b" ] || { my "" -e "DROP DATABASE $other"; fail "$t differs: $a / $b"; }
	done
	my "" -e "DROP DATABASE $other"
}

my_test_eight_deployers_at_once() {
	project
	local i
	for i in 1 2 3 4 5; do
		mig "000$i" "$( [ "$i" -gt 1 ] && echo "000$((i - 1))")" "step $i" \
			"CREATE TABLE t_$i (id INT); DO SLEEP(0.1);" "DROP TABLE t_$i;" >/dev/null
	done
	local pids=() rcs=()
	for i in 1 2 3 4 5 6 7 8; do
		"$RETORT" upgrade head >"out.$i" 2>&1 &
		pids+=($!)
	done
	for i in "${!pids[@]}"; do
		wait "${pids[$i]}"
		rcs+=($?)
	done
	for i in "${!rcs[@]}"; do
		[ "${rcs[$i]}" -eq 0 ] || fail "deployer $((i + 1)) exited ${rcs[$i]}: $(cat "out.$((i + 1))")"
	done
	expect_db "0005" "t_1 t_2 t_3 t_4 t_5"
	expect_q "SELECT COUNT(*), COUNT(DISTINCT revision) FROM retort_version_history WHERE direction = 'upgrade'" "5|5"
}

# SIGKILL while a data statement runs: its transaction is rolled back, the DDL before it stays.
my_test_sigkill_mid_migration_then_resume() {
	project
	mig aaaa "" "slow" "CREATE TABLE t_a (id INT);
INSERT INTO t_a SELECT SLEEP(3);
CREATE TABLE t_b (id INT);" "DROP TABLE t_b;
DELETE FROM t_a;
DROP TABLE t_a;" >/dev/null
	"$RETORT" upgrade head >out 2>&1 &
	local pid=$! i=0
	# killed while the statement runs: wait for it as long as a hung
	# process would take (a slow host may need more than a few seconds to
	# get there), never kill before
	until [ "$(q "SELECT COUNT(*) FROM information_schema.processlist WHERE info LIKE 'INSERT INTO t_a SELECT SLEEP%'" 2>/dev/null)" = 1 ]; do
		[ $((i += 1)) -le 1200 ] || fail "the INSERT never started: $(cat out)"
		sleep 0.05
	done
	kill -KILL "$pid"
	wait "$pid" 2>/dev/null
	# the server ends the dead session's statement when it notices; wait for that
	for i in $(seq 1 100); do
		[ "$(q "SELECT COUNT(*) FROM information_schema.processlist WHERE info LIKE 'INSERT INTO t_a SELECT SLEEP%'")" = 0 ] && break
		sleep 0.1
	done
	expect_db "" "t_a"
	expect_q "SELECT done, COALESCE(running, '-') FROM retort_version_progress" "1|-"
	rt upgrade head
	expect_rc 1
	expect_err_has "1 of its 3 upgrade statements took effect"
	rt upgrade --resume head
	expect_rc 0
	expect_db "aaaa" "t_a t_b"
	expect_q "SELECT COUNT(*) FROM t_a" "1"
}

# SIGKILL while a DDL statement runs: whether it took effect is the user's to say.
my_test_sigkill_during_ddl_asks_what_took_effect() {
	project
	mig aaaa "" "slow ddl" "CREATE TABLE t_a (id INT);
CREATE TABLE t_b AS SELECT SLEEP(2) AS s;
CREATE TABLE t_c (id INT);" "DROP TABLE t_c;
DROP TABLE t_b;
DROP TABLE t_a;" >/dev/null
	"$RETORT" upgrade head >out 2>&1 &
	local pid=$! i=0
	# killed while the statement runs: wait for it as long as a hung
	# process would take (a slow host may need more than a few seconds to
	# get there), never kill before
	until [ "$(q "SELECT COUNT(*) FROM information_schema.processlist WHERE info LIKE 'CREATE TABLE t_b%'" 2>/dev/null)" = 1 ]; do
		[ $((i += 1)) -le 1200 ] || fail "the CREATE TABLE t_b never started: $(cat out)"
		sleep 0.05
	done
	kill -KILL "$pid"
	wait "$pid" 2>/dev/null
	for i in $(seq 1 100); do
		[ "$(q "SELECT COUNT(*) FROM information_schema.processlist WHERE info LIKE 'CREATE TABLE t_b%'")" = 0 ] && break
		sleep 0.1
	done
	expect_q "SELECT done, running FROM retort_version_progress" "1|2"
	rt upgrade --resume
	expect_rc 2
	expect_err_has "statement 2 was running when it stopped (it may or may not have taken effect)"
	expect_err_has "--applied 2 if it did, --applied 1 if it did not"
	local applied=1
	has_table t_b && applied=2
	rt upgrade --resume --applied "$applied"
	expect_rc 0
	expect_db "aaaa" "t_a t_b t_c"
}

my_test_lock_timeout_and_settings() {
	project "lock_timeout = 3s"
	tmig aaaa ""
	rt upgrade head --sql
	expect_rc 0
	expect_out_has "SET SESSION lock_wait_timeout = 3"
	rt upgrade head
	expect_rc 0
	project "search_path = app"
	rt current
	expect_rc 2
	expect_err_has "'search_path' is a PostgreSQL setting; the database here is mysql"
}

my_test_connection_errors_name_the_url_not_the_password() {
	project
	rt --url "mysql://root:s3cretpw@localhost/no_such_db?socket=$RETORT_TEST_MYSQL_SOCKET" current
	expect_rc 1
	expect_err_lacks "s3cretpw"
	expect_err_has "mysql://root:***@localhost/no_such_db"
	rt --url "mysql://root@localhost/no_such_db?socket=$RETORT_TEST_MYSQL_SOCKET" upgrade head
	expect_rc 1
	expect_err_has "Unknown database 'no_such_db'"
	expect_err_has "CREATE DATABASE no_such_db"
	rt --url "mysql://root@localhost/x?sockte=/tmp/s" current
	expect_rc 2
	expect_err_has "an unknown parameter in the URL"
	expect_err_has "sockte"
}

# backup through mariadb-dump with a password: it goes in a 0600 option file, never in argv.
my_test_backup_with_a_password() {
	my "" -e "CREATE USER IF NOT EXISTS 'bk_$TEST_DB'@'localhost' IDENTIFIED BY 'p@ss w\"rd'; GRANT ALL ON $TEST_DB.* TO 'bk_$TEST_DB'@'localhost'" ||
		fail "cannot create the user"
	project
	sed -i "s|^url = .*|url = mysql://bk_$TEST_DB:p%40ss%20w%22rd@localhost/$TEST_DB?socket=$RETORT_TEST_MYSQL_SOCKET|" retort.ini
	tmig aaaa ""
	rt upgrade head
	expect_rc 0
	rt backup -o dump.sql
	expect_rc 0
	expect_err_lacks 'p@ss'
	grep -q 'CREATE TABLE `t_aaaa`' dump.sql || fail "the dump lacks t_aaaa"
	grep -A1 'INSERT INTO `retort_version` VALUES' dump.sql | grep -q "('aaaa')" || fail "the dump lacks the version row"
	rt backup -o dump.sql
	expect_rc 2
	expect_err_has "already exists"
	# --backup before an upgrade writes backups/backup-*.sql
	tmig bbbb aaaa
	rt upgrade head --backup
	expect_rc 0
	ls backups/backup-*.sql >/dev/null 2>&1 || fail "no backup file"
	[ -z "$(ls /tmp | grep '^retort-dump\.' || true)" ] || fail "an option file was left in /tmp"
	my "" -e "DROP USER 'bk_$TEST_DB'@'localhost'"
}

my_test_use_and_database_statements_are_refused() {
	project
	mig aaaa "" "other db" "CREATE TABLE t_a (id INT);
USE mysql;
CREATE TABLE t_b (id INT);" "DROP TABLE t_a;" >/dev/null
	rt upgrade head
	expect_rc 1
	expect_err_has "migrations/aaaa_other_db.sql:8:1: USE cannot be in a migration or a declared schema"
	expect_db "" ""
	mig aaaa "" "other db" "DROP SCHEMA IF EXISTS sakila;" "" >/dev/null
	rt upgrade head --sql
	expect_rc 1
	expect_err_has "DROP SCHEMA cannot be in a migration"
}

my_test_create_seed_reset() {
	project "schema = schema.sql"
	cat > schema.sql <<'EOF'
CREATE TABLE t_dept (id CHAR(4) PRIMARY KEY, name VARCHAR(40) NOT NULL UNIQUE);
CREATE TABLE t_emp (id INT AUTO_INCREMENT PRIMARY KEY, dept CHAR(4), KEY ix_dept (dept),
  CONSTRAINT fk_dept FOREIGN KEY (dept) REFERENCES t_dept (id));
EOF
	rt revision --autogenerate -m init
	expect_rc 0
	rt create
	expect_rc 0
	expect_tables "t_dept t_emp"
	rt current
	expect_out_has "(head)"
	mkdir -p seeds
	echo "INSERT INTO t_dept VALUES ('d001', 'Sales'); INSERT INTO t_emp (dept) VALUES ('d001');" > seeds/demo.sql
	rt seed demo
	expect_rc 0
	expect_q "SELECT COUNT(*) FROM t_emp" "1"
	rt reset --yes
	expect_rc 0
	expect_q "SELECT COUNT(*) FROM t_emp" "0"
	expect_tables "t_dept t_emp"
	rt check
	expect_rc 0
}

run_tests
