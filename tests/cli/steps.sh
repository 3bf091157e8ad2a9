#!/bin/bash
# steps.sh - revisions of several steps: a repeated '-- migrate:upgrade'
# (or '-- migrate:downgrade') marker starts another section, run in order
# as its kind; each completed step is recorded, so a rerun after a failure
# continues at the step that failed; --sql prints what the online run does.
. "$(dirname "$0")/lib.sh"

# A revision whose upgrade has five steps of every kind; step 3 needs a
# table "gate" that the tests make when they want it to pass.
five_steps() {  # ID PARENT
	cat > "migrations/$1_five_steps.sql" <<SQL
-- Revision ID: $1
-- Revises: $2
-- Message: five steps

-- migrate:upgrade
INSERT INTO log (n) VALUES (1);
-- migrate:upgrade transaction:false
INSERT INTO log (n) VALUES (2);
-- migrate:upgrade
INSERT INTO log (n) VALUES (30);
INSERT INTO log (n) SELECT 3 FROM gate;
-- migrate:upgrade batch
UPDATE log SET done = 1 WHERE n IN (SELECT n FROM log WHERE done = 0 LIMIT 1);
-- migrate:upgrade
INSERT INTO log (n) VALUES (5);

-- migrate:downgrade transaction:false
DELETE FROM log WHERE n = 5;
-- migrate:downgrade
DELETE FROM log;
SQL
}

log_table() {
	mig s1 "" "log" "CREATE TABLE log (n INTEGER PRIMARY KEY, done INTEGER NOT NULL DEFAULT 0);" "DROP TABLE log;" >/dev/null
}

step_rows() {
	q "SELECT to_revisions FROM retort_version_history WHERE direction = 'step' ORDER BY id" | tr '\n' ' ' | sed 's/ $//'
}

test_steps_fail_at_step_3_and_the_rerun_continues_there() {
	project
	log_table
	five_steps s2 s1
	rt upgrade head
	expect_rc 1
	expect_err_has "upgrade s2 (five steps), step 3/5, failed:"
	expect_err_has "s2_five_steps.sql:11:"
	expect_err_has "Steps 1-2 of 5 are recorded as applied: a rerun continues at step 3/5"
	expect_versions "s1"
	expect_q "SELECT n FROM log ORDER BY n" "1
2"
	[ "$(step_rows)" = "upgrade 1/5 upgrade 2/5" ] || fail "step records: $(step_rows)"
	q "CREATE TABLE gate (x INTEGER); INSERT INTO gate VALUES (1);" >/dev/null
	rt upgrade head
	expect_rc 0
	expect_err_has "upgrade s2: steps 1-2/5 already applied (the last at "
	expect_err_has "continuing at step 3/5"
	expect_err_lacks "step 1/5"
	expect_err_has "step 4/5 batch (line 12)"
	expect_versions "s2"
	expect_q "SELECT n, done FROM log ORDER BY n" "1|1
2|1
3|1
5|0
30|1"
	[ "$(step_rows)" = "upgrade 1/5 upgrade 2/5 upgrade 3/5 upgrade 4/5" ] || fail "step records: $(step_rows)"
	expect_q "SELECT count(*) FROM retort_version_history WHERE revision = 's2' AND direction = 'upgrade'" "1"
	# history --runs: the failed run applied s1 (s2's steps list nothing), the rerun s2
	rt history --runs --json
	expect_rc 0
	expect_out_has '"direction": "upgrade", "started_at"'
	expect_out_has '"steps": [{"revision": "s1", "direction": "upgrade"}]}'
	expect_out_has '"steps": [{"revision": "s2", "direction": "upgrade"}]}'
	expect_out_lacks '"mixed"'
	rt downgrade --last-run --dry-run
	expect_rc 0
	expect_err_has "(upgrade at "
	expect_err_has "1 revision)"
	# downgrade: its two steps in the order written
	rt downgrade -1
	expect_rc 0
	expect_err_has "step 1/2 transaction:false (line 17)"
	expect_err_has "step 2/2 (line 19)"
	expect_versions "s1"
	expect_q "SELECT count(*) FROM log" "0"
	# a new upgrade starts at step 1: the records belong to the last one
	rt upgrade head
	expect_rc 0
	expect_err_lacks "already applied"
	expect_err_has "step 1/5 (line 5)"
	expect_q "SELECT count(*) FROM log" "5"
}

test_steps_changed_after_they_ran_are_refused() {
	project
	log_table
	five_steps s2 s1
	rt upgrade head
	expect_rc 1
	sed -i 's/VALUES (1);/VALUES (10);/' migrations/s2_five_steps.sql
	q "CREATE TABLE gate (x INTEGER); INSERT INTO gate VALUES (1);" >/dev/null
	rt upgrade head
	expect_rc 1
	expect_err_has "s2_five_steps.sql:5: upgrade s2: step 1/5 was applied (recorded at "
	expect_err_has "but its section has changed since"
	expect_versions "s1"
	# a fix in the step that failed is what a rerun is for
	sed -i 's/VALUES (10);/VALUES (1);/; s/VALUES (30);/VALUES (31);/' migrations/s2_five_steps.sql
	rt upgrade head
	expect_rc 0
	expect_versions "s2"
	expect_q "SELECT count(*) FROM log WHERE n = 31" "1"
}

test_steps_a_run_of_steps_only_is_no_deploy_to_revert() {
	project
	log_table
	rt upgrade head
	expect_rc 0
	five_steps s2 s1
	rt upgrade head
	expect_rc 1
	rt history --runs --json
	expect_out_has '"direction": "step"'
	rt downgrade --last-run
	expect_rc 1
	expect_err_has "was a step, not an upgrade"
	expect_versions "s1"
}

test_steps_stamp_forgets_the_records() {
	project
	log_table
	five_steps s2 s1
	rt upgrade head
	expect_rc 1
	rt stamp s2
	expect_rc 0
	rt downgrade -1
	expect_rc 0
	q "CREATE TABLE gate (x INTEGER); INSERT INTO gate VALUES (1);" >/dev/null
	rt upgrade head
	expect_rc 0
	expect_err_lacks "already applied"
	expect_q "SELECT count(*) FROM log" "5"
}

# A downgrade of any revision may undo what the recorded steps did (here it
# drops the table they filled): the next upgrade starts at step 1.
test_steps_a_downgrade_forgets_the_records() {
	project
	log_table
	five_steps s2 s1
	rt upgrade head
	expect_rc 1
	rt downgrade base
	expect_rc 0
	q "CREATE TABLE gate (x INTEGER); INSERT INTO gate VALUES (1);" >/dev/null
	rt upgrade head
	expect_rc 0
	expect_err_lacks "already applied"
	expect_q "SELECT count(*) FROM log" "5"
}

# Run SQL that --sql printed on the test database.
run_sql() {
	case $DIALECT in
	sqlite) sqlite3 -bail app.db <<<"$1" >/dev/null ;;
	postgresql) psql -X -q -v ON_ERROR_STOP=1 -h "$RETORT_TEST_PGHOST" -p "$RETORT_TEST_PGPORT" \
		-U "$RETORT_TEST_PGUSER" -d "$TEST_DB" <<<"$1" >/dev/null ;;
	esac
}

test_steps_sql_output_does_what_the_online_run_does() {
	project
	log_table
	five_steps s2 s1
	q "CREATE TABLE gate (x INTEGER); INSERT INTO gate VALUES (1);" >/dev/null
	rt upgrade head --sql
	expect_rc 0
	expect_out_has "-- step 1/5 (line 5)"
	expect_out_has "-- step 2/5 transaction:false (line 7)"
	expect_out_has "-- step 4/5 batch (line 12)"
	expect_out_has "'step', 's1', 'upgrade 1/5'"
	run_sql "$OUT" || fail "the printed SQL does not run"
	expect_versions "s2"
	# a script cannot loop: the batch statement is printed (and runs) once
	expect_q "SELECT n, done FROM log ORDER BY n" "1|1
2|0
3|0
5|0
30|0"
	[ "$(step_rows)" = "upgrade 1/5 upgrade 2/5 upgrade 3/5 upgrade 4/5" ] || fail "step records: $(step_rows)"
	rt upgrade head --dry-run
	expect_rc 0
	expect_err_has "nothing to do"
}

test_steps_dry_run_shows_the_steps_left() {
	project
	log_table
	five_steps s2 s1
	rt upgrade head
	expect_rc 1
	rt upgrade head --dry-run
	expect_rc 0
	expect_out_has "-- step 1/5 (line 5): already applied, skipped"
	expect_out_has "-- step 2/5 transaction:false (line 7): already applied, skipped"
	expect_out_has "-- step 3/5 (line 9)"
	expect_versions "s1"
}

test_steps_parse_errors_name_the_line() {
	project
	cat > migrations/a1_bad.sql <<'SQL'
-- Revision ID: a1
-- Revises:

-- migrate:upgrade
CREATE TABLE t (id INTEGER);
-- migrate:downgrade
DROP TABLE t;
-- migrate:upgrade transaction:false
CREATE INDEX i ON t (id);
SQL
	rt upgrade head
	expect_rc 1
	expect_err_has "a1_bad.sql:8: '-- migrate:upgrade' after the downgrade section at line 6: the upgrade steps (the first at line 4) must be written together"
	sed -i '8s/.*/-- migrate:upgrade transaction:sometimes/' migrations/a1_bad.sql
	sed -i '6,7d' migrations/a1_bad.sql
	rt upgrade head
	expect_rc 1
	expect_err_has "a1_bad.sql:6: transaction:sometimes: the value must be true or false"
}

pg_test_steps_rehearse_names_the_step() {
	project
	log_table
	five_steps s2 s1
	rt upgrade head --rehearse
	expect_rc 2
	expect_err_has "s2_five_steps.sql:7: revision s2: its upgrade step 2/5 section is marked transaction:false"
}

# lint: each step with its own options.
pgnoserver_test_steps_lint_each_step_with_its_options() {
	project "lock_timeout = 5s"
	mig a1 "" "tables" "CREATE TABLE users (id bigint PRIMARY KEY, email text);
CREATE TABLE orders (id bigint PRIMARY KEY, user_id bigint);" "DROP TABLE orders; DROP TABLE users;" >/dev/null
	cat > migrations/b2_online.sql <<'SQL'
-- Revision ID: b2
-- Revises: a1

-- migrate:upgrade transaction:false
CREATE INDEX CONCURRENTLY IF NOT EXISTS users_email ON users (email);
-- migrate:upgrade
ALTER TABLE orders ADD CONSTRAINT orders_user FOREIGN KEY (user_id) REFERENCES users (id) NOT VALID;
-- migrate:upgrade
ALTER TABLE orders VALIDATE CONSTRAINT orders_user;

-- migrate:downgrade
ALTER TABLE orders DROP CONSTRAINT orders_user;
-- migrate:downgrade transaction:false
DROP INDEX CONCURRENTLY IF EXISTS users_email;
SQL
	rt lint b2
	expect_rc 0
	expect_err_has "No findings in"
	# the same in one transactional step: both fire, at their lines
	sed -i '6d; 8d' migrations/b2_online.sql
	sed -i 's/^-- migrate:upgrade transaction:false$/-- migrate:upgrade/' migrations/b2_online.sql
	rt lint b2
	expect_rc 1
	expect_out_has "migrations/b2_online.sql:5:1: concurrently-in-transaction: "
	expect_out_has "migrations/b2_online.sql:7:1: constraint-missing-not-valid: "
}

# squash: a chain holding a revision of several steps becomes one plain
# section (it builds a fresh database); the data statements of every step
# are named.
test_steps_squash_reads_every_step() {
	project
	log_table
	cat > migrations/s2_two_steps.sql <<'SQL'
-- Revision ID: s2
-- Revises: s1

-- migrate:upgrade
CREATE TABLE t2 (id INTEGER PRIMARY KEY, c INTEGER);
-- migrate:upgrade batch
UPDATE log SET done = 1 WHERE n IN (SELECT n FROM log WHERE done = 0 LIMIT 10);

-- migrate:downgrade
DROP TABLE t2;
SQL
	rt squash s1:s2 -m "squash" --rev-id q1
	expect_rc 0
	expect_err_has "s2_two_steps.sql:7: UPDATE changes data"
	grep -c '^-- migrate:upgrade' migrations/q1_squash.sql | grep -qx 1 || fail "the squash has more than one upgrade section"
	rm migrations/s1_log.sql migrations/s2_two_steps.sql
	rt upgrade head
	expect_rc 0
	has_table t2 || fail "no table t2"
}

# The example of the format on PostgreSQL: an index built CONCURRENTLY, a
# foreign key added NOT VALID and validated in a later step; a failure in
# the validation leaves the index (recorded), and the rerun validates.
pg_test_steps_online_forms_and_a_failure_between_steps() {
	project "lock_timeout = 5s"
	mig a1 "" "tables" "CREATE TABLE users (id bigint PRIMARY KEY, email text);
CREATE TABLE orders (id bigint PRIMARY KEY, user_id bigint);
INSERT INTO users VALUES (1, 'a');
INSERT INTO orders VALUES (1, 1), (2, 2);" "DROP TABLE orders; DROP TABLE users;" >/dev/null
	cat > migrations/b2_online.sql <<'SQL'
-- Revision ID: b2
-- Revises: a1

-- migrate:upgrade transaction:false
CREATE INDEX CONCURRENTLY IF NOT EXISTS orders_user_id ON orders (user_id);
-- migrate:upgrade
ALTER TABLE orders ADD CONSTRAINT orders_user FOREIGN KEY (user_id) REFERENCES users (id) NOT VALID;
-- migrate:upgrade
ALTER TABLE orders VALIDATE CONSTRAINT orders_user;

-- migrate:downgrade
ALTER TABLE orders DROP CONSTRAINT orders_user;
-- migrate:downgrade transaction:false
DROP INDEX CONCURRENTLY IF EXISTS orders_user_id;
SQL
	rt upgrade head
	expect_rc 1
	expect_err_has "upgrade b2 (no message), step 3/3, failed:"
	expect_err_has "b2_online.sql:9:"
	expect_err_has "Steps 1-2 of 3 are recorded as applied: a rerun continues at step 3/3"
	expect_versions "a1"
	expect_q "SELECT count(*) FROM pg_index WHERE indexrelid = 'orders_user_id'::regclass AND indisvalid" "1"
	expect_q "SELECT convalidated FROM pg_constraint WHERE conname = 'orders_user'" "f"
	q "INSERT INTO users VALUES (2, 'b')" >/dev/null
	rt upgrade head
	expect_rc 0
	expect_err_has "upgrade b2: steps 1-2/3 already applied"
	expect_versions "b2"
	expect_q "SELECT convalidated FROM pg_constraint WHERE conname = 'orders_user'" "t"
	rt lint b2
	expect_rc 0
	rt downgrade -1
	expect_rc 0
	expect_versions "a1"
	expect_q "SELECT count(*) FROM pg_class WHERE relname = 'orders_user_id'" "0"
	expect_q "SELECT count(*) FROM pg_constraint WHERE conname = 'orders_user'" "0"
}

# One transaction per run: the steps of the transactional sections roll
# back with it, and so do their records.
test_steps_one_transaction_per_run() {
	project "transaction_per_migration = false"
	log_table
	cat > migrations/s2_steps.sql <<'SQL'
-- Revision ID: s2
-- Revises: s1

-- migrate:upgrade
INSERT INTO log (n) VALUES (1);
-- migrate:upgrade
INSERT INTO log (n) SELECT 2 FROM gate;
SQL
	rt upgrade head
	expect_rc 1
	expect_err_has "step 2/2, failed"
	expect_err_has "No step of its 2 is recorded as applied: a rerun starts at step 1/2"
	expect_versions ""
	[ "$(step_rows)" = "" ] || fail "step records: $(step_rows)"
}

# MySQL: a step holding DDL runs statement by statement (progress table);
# a failure inside step 2 is resumed at its statement, after step 1 is
# skipped as recorded.
my_test_steps_resume_inside_a_step() {
	project
	cat > migrations/s1_ddl_steps.sql <<'SQL'
-- Revision ID: s1
-- Revises:

-- migrate:upgrade
CREATE TABLE a (id INT);
-- migrate:upgrade
CREATE TABLE b (id INT);
CREATE TABLE c AS SELECT x FROM gate;
-- migrate:upgrade
CREATE TABLE d (id INT);

-- migrate:downgrade
DROP TABLE d;
-- migrate:downgrade
DROP TABLE c;
DROP TABLE b;
DROP TABLE a;
SQL
	rt upgrade head
	expect_rc 1
	expect_err_has "upgrade s1 (no message), step 2/3, failed:"
	expect_versions ""
	[ "$(step_rows)" = "upgrade 1/3" ] || fail "step records: $(step_rows)"
	rt upgrade head
	expect_rc 1
	expect_err_has "was left partly applied"
	q "CREATE TABLE gate (x INT)"
	rt upgrade head --resume
	expect_rc 0
	expect_err_has "step 1/3 already applied"
	expect_versions "s1"
	expect_q "SELECT count(*) FROM information_schema.tables WHERE table_schema = DATABASE() AND table_name IN ('a', 'b', 'c', 'd')" "4"
	rt downgrade base
	expect_rc 0
	expect_versions ""
	expect_q "SELECT count(*) FROM information_schema.tables WHERE table_schema = DATABASE() AND table_name IN ('a', 'b', 'c', 'd')" "0"
}

run_tests
