#!/bin/bash
# batch.sh - batch sections: one statement repeated, a transaction each,
# until it changes no rows; a million-row backfill on every dialect.
. "$(dirname "$0")/lib.sh"

million_rows() {
	case $DIALECT in
	sqlite) echo "CREATE TABLE big (id INTEGER PRIMARY KEY, v INTEGER, w INTEGER);
WITH RECURSIVE s(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM s WHERE i < 1000000)
INSERT INTO big (id, v) SELECT i, i FROM s;" ;;
	postgresql) echo "CREATE TABLE big (id integer PRIMARY KEY, v integer, w integer);
INSERT INTO big (id, v) SELECT i, i FROM generate_series(1, 1000000) AS i;
CREATE INDEX big_w_null ON big (id) WHERE w IS NULL;" ;;
	esac
}

batch_mig() {  # ID PARENT UP DOWN
	local f
	f=$(mig "$1" "$2" "backfill" "$3" "$4")
	sed -i 's/^-- migrate:upgrade$/-- migrate:upgrade batch/; s/^-- migrate:downgrade$/-- migrate:downgrade batch/' "$f"
}

test_batch_backfills_a_million_rows() {
	project
	mig b1 "" "big table" "$(million_rows)" "DROP TABLE big;" >/dev/null
	batch_mig b2 b1 "UPDATE big SET w = v * 2 WHERE id IN (SELECT id FROM big WHERE w IS NULL LIMIT 100000);" \
		"UPDATE big SET w = NULL WHERE id IN (SELECT id FROM big WHERE w IS NOT NULL LIMIT 250000);"
	rt upgrade head
	expect_rc 0
	expect_err_has "batch: 1000000 rows in all"
	expect_err_has "rows/s"
	expect_versions "b2"
	expect_q "SELECT count(*), count(w), sum(CASE WHEN w = v * 2 THEN 1 ELSE 0 END) FROM big" "1000000|1000000|1000000"
	expect_q "SELECT count(*) FROM retort_version_history WHERE revision = 'b2'" "1"
	rt downgrade -1
	expect_rc 0
	expect_err_has "batch: 1000000 rows in all"
	expect_q "SELECT count(w) FROM big" "0"
	expect_versions "b1"
}

test_batch_failure_keeps_committed_repetitions_and_reruns() {
	project
	mig b1 "" "table" "CREATE TABLE t (id INTEGER PRIMARY KEY, v INTEGER, w INTEGER CHECK (w < 100));
INSERT INTO t (id, v) VALUES (1, 1), (2, 2), (3, 300), (4, 4);" "DROP TABLE t;" >/dev/null
	batch_mig b2 b1 "UPDATE t SET w = v WHERE id = (SELECT min(id) FROM t WHERE w IS NULL);" ""
	rt upgrade head
	expect_rc 1
	expect_err_has "b2_backfill.sql:7:"
	expect_versions "b1"
	expect_q "SELECT count(w) FROM t" "2"
	expect_err_has "earlier repetitions committed 2 rows"
	q "UPDATE t SET v = 3 WHERE id = 3"
	rt upgrade head
	expect_rc 0
	expect_q "SELECT count(w) FROM t" "4"
	expect_versions "b2"
}

test_batch_needs_one_statement() {
	project
	batch_mig b1 "" "UPDATE x SET a = 1; UPDATE y SET b = 2;" ""
	rt upgrade head
	expect_rc 1
	expect_err_has "b1_backfill.sql:6: a batch section holds exactly one statement, this one has 2"
	expect_versions ""
}

sqlite_test_batch_sql_output_and_option_errors() {
	project
	mig b1 "" "table" "CREATE TABLE t (id INTEGER);" "" >/dev/null
	batch_mig b2 b1 "UPDATE t SET id = id WHERE 0;" ""
	rt upgrade head --sql
	expect_rc 0
	expect_out_has "-- batch: repeat the next statement, one transaction each, until it changes no rows"
	sed -i 's/^-- migrate:upgrade batch$/-- migrate:upgrade batch transaction:true/' migrations/b2_backfill.sql
	rt upgrade head
	expect_rc 1
	expect_err_has "a batch section commits each repetition: it cannot be transaction:true"
}

# Only a data change ends a batch: anything else is refused before running
# (a CREATE would otherwise repeat forever, its changed-rows count never 0).
test_batch_refuses_what_is_not_a_data_change() {
	project
	mig b1 "" "table" "CREATE TABLE t (id INTEGER);" "DROP TABLE t;" >/dev/null
	batch_mig b2 b1 "CREATE TABLE IF NOT EXISTS x (id INTEGER);" ""
	rt upgrade head
	expect_rc 1
	expect_err_has "b2_backfill.sql:7:1: a batch section repeats an INSERT, UPDATE or DELETE until it changes no rows; this statement is CREATE"
	expect_versions ""
	has_table t && fail "b1 ran although the plan was refused"
	batch_mig b2 b1 "SELECT 1;" ""
	rt upgrade head
	expect_rc 1
	expect_err_has "this statement is SELECT"
}

# What a statement does decides, not its first word: a SELECT over a
# data-changing WITH ran once, printed "0 rows" and left the work half done
# (PostgreSQL counts the SELECT's rows).  It is refused before anything
# runs; a WITH before an INSERT, UPDATE or DELETE repeats until done.
pg_test_batch_with_select_over_a_data_change_is_refused() {
	project
	mig b1 "" "tables" "CREATE TABLE t (id integer PRIMARY KEY);
CREATE TABLE archive (id integer PRIMARY KEY);
INSERT INTO t SELECT generate_series(1, 10);" "" >/dev/null
	batch_mig b2 b1 "WITH moved AS (DELETE FROM t WHERE id IN (SELECT id FROM t ORDER BY id LIMIT 3) RETURNING id)
SELECT count(*) FROM moved;" ""
	rt upgrade head
	expect_rc 1
	expect_err_has "b2_backfill.sql:7:1: a batch section repeats an INSERT, UPDATE or DELETE until it changes no rows; this statement is a WITH whose main statement is not one"
	expect_versions ""
	has_table t && fail "b1 ran although the plan was refused"
	batch_mig b2 b1 "WITH moved AS (DELETE FROM t WHERE id IN (SELECT id FROM t ORDER BY id LIMIT 3) RETURNING id)
INSERT INTO archive SELECT id FROM moved;" ""
	rt upgrade head
	expect_rc 0
	expect_err_has "batch: 10 rows in all"
	expect_q "SELECT (SELECT count(*) FROM t), (SELECT count(*) FROM archive)" "0|10"
	expect_versions "b2"
}

sqlite_test_batch_with_clause_decides_by_its_main_statement() {
	project
	mig b1 "" "tables" "CREATE TABLE t (id INTEGER PRIMARY KEY, moved INTEGER DEFAULT 0);
WITH RECURSIVE s(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM s WHERE i < 10) INSERT INTO t (id) SELECT i FROM s;" "" >/dev/null
	batch_mig b2 b1 "WITH todo AS (SELECT id FROM t WHERE moved = 0 LIMIT 3) SELECT count(*) FROM todo;" ""
	rt upgrade head
	expect_rc 1
	expect_err_has "this statement is a WITH whose main statement is not one"
	expect_versions ""
	batch_mig b2 b1 "WITH todo AS (SELECT id FROM t WHERE moved = 0 LIMIT 3) UPDATE t SET moved = 1 WHERE id IN todo;" ""
	rt upgrade head
	expect_rc 0
	expect_err_has "batch: 10 rows in all"
	expect_q "SELECT count(*) FROM t WHERE moved = 1" "10"
	expect_versions "b2"
}

run_tests
