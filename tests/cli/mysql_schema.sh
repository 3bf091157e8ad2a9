#!/bin/bash
# MySQL/MariaDB schema work end to end: every real schema of the corpus
# (../shared/schemas/mysql: sakila, chinook, employees) goes empty -> full
# -> empty exactly through retort's diff, each step applied with the
# mariadb client; autogenerate, check, verify's drift and the online
# ALTER forms on a project.
. "$(dirname "$0")/lib.sh"

CORPUS=${RETORT_TEST_SCHEMAS:-$(cd "$(dirname "$0")/../.." && pwd)/../shared/schemas}

url_of() { echo "mysql://${RETORT_TEST_MYSQL_USER}@localhost/$1?socket=${RETORT_TEST_MYSQL_SOCKET}"; }

# The database a corpus file fills: the one its USE names (sakila makes its own), else a new one.
round_trip() {  # file
	local f=$1 a b into
	a=$(sed -n 's/^USE \([A-Za-z0-9_]*\);.*/\1/p' "$f" | head -1)
	into=  # a file with USE makes its own database
	[ -n "$a" ] || { a="${TEST_DB}_a"; into=$a; my "" -e "CREATE DATABASE $a"; }
	b="${TEST_DB}_b"
	my "" -e "CREATE DATABASE $b" || fail "cannot create $b"
	my "$into" < "$f" >/dev/null 2>"load.err" || fail "the client cannot load $f: $(cat load.err)"
	rt --url "$(url_of "$a")" diff --from empty --to "$(url_of "$a")"
	expect_rc 0
	[ -n "$OUT" ] || fail "$f: no SQL from empty"
	printf '%s\n' "$OUT" > up.sql
	my "$b" < up.sql 2>load.err || fail "$f: the client refused retort's SQL: $(cat load.err)"
	rt --url "$(url_of "$a")" diff --from "$(url_of "$a")" --to "$(url_of "$b")"
	expect_rc 0
	[ -z "$OUT" ] || fail "$f: the schema built from retort's SQL differs: $OUT"
	rt --url "$(url_of "$b")" diff --from "$(url_of "$b")" --to empty
	expect_rc 0
	printf '%s\n' "$OUT" > down.sql
	my "$b" < down.sql 2>load.err || fail "$f: the client refused retort's downgrade: $(cat load.err)"
	[ "$(my "$b" -e "SELECT COUNT(*) FROM information_schema.tables WHERE table_schema = DATABASE()")" = 0 ] ||
		fail "$f: tables left after the way down"
	[ "$(my "$b" -e "SELECT COUNT(*) FROM information_schema.routines WHERE routine_schema = DATABASE()")" = 0 ] ||
		fail "$f: routines left after the way down"
	my "" -e "DROP DATABASE $a; DROP DATABASE $b"
}

my_test_corpus_round_trips_exactly() {
	local f n=0
	project
	for f in "$CORPUS"/mysql/*.sql; do
		[ -f "$f" ] || continue
		round_trip "$f"
		n=$((n + 1))
	done
	[ "$n" -ge 3 ] || fail "the corpus has $n MySQL schemas, expected sakila, chinook and employees"
}

# A real schema beyond the corpus: MariaDB's own sys schema (100 views over
# performance_schema, 48 procedures and functions in DELIMITER blocks, a
# table), which mariadb-install-db puts on every server.
my_test_server_sys_schema_round_trips_exactly() {
	project
	[ "$(my "" -e "SELECT COUNT(*) FROM information_schema.views WHERE table_schema = 'sys'")" -gt 50 ] ||
		fail "the server has no sys schema to read"
	local b="${TEST_DB}_b"
	my "" -e "CREATE DATABASE $b"
	rt --url "$(url_of sys)" diff --from empty --to "$(url_of sys)"
	expect_rc 0
	printf '%s\n' "$OUT" > up.sql
	my "$b" < up.sql 2>err || fail "the client refused retort's SQL: $(cat err)"
	rt --url "$(url_of sys)" diff --from "$(url_of sys)" --to "$(url_of "$b")"
	expect_rc 0
	[ -z "$OUT" ] || fail "sys rebuilt from retort's SQL differs: $OUT"
	rt --url "$(url_of "$b")" diff --from "$(url_of "$b")" --to empty
	printf '%s\n' "$OUT" > down.sql
	my "$b" < down.sql 2>err || fail "the client refused retort's downgrade: $(cat err)"
	rt --url "$(url_of "$b")" diff --from "$(url_of "$b")" --to empty
	[ -z "$OUT" ] || fail "left after the way down: $OUT"
	my "" -e "DROP DATABASE $b"
}

my_test_autogenerate_check_and_online_alters() {
	project "schema = schema.sql"
	cp "$CORPUS/mysql/employees.sql" schema.sql
	rt revision --autogenerate -m "employees"
	expect_rc 0
	rt upgrade head
	expect_rc 0
	rt check
	expect_rc 0
	# a column, an index and a changed column
	sed -i 's/    hire_date   DATE            NOT NULL,/    hire_date   DATE            NOT NULL,\n    email       VARCHAR(100)    NULL,/' schema.sql
	sed -i 's/    dept_name   VARCHAR(40)     NOT NULL,/    dept_name   VARCHAR(60)     NOT NULL,/' schema.sql
	printf 'CREATE INDEX idx_hire ON employees (hire_date);\n' >> schema.sql
	rt check
	expect_rc 1
	rt revision --autogenerate -m "more"
	expect_rc 0
	local f
	f=$(ls migrations/*_more.sql)
	grep -q 'ADD COLUMN `email` varchar(100)' "$f" || fail "no ADD COLUMN: $(cat "$f")"
	grep -q 'ALGORITHM=INPLACE, LOCK=NONE' "$f" || fail "the index is not built online: $(cat "$f")"
	grep -q 'MODIFY COLUMN `dept_name` varchar(60)' "$f" || fail "no MODIFY: $(cat "$f")"
	rt upgrade head
	expect_rc 0
	rt check
	expect_rc 0
	rt downgrade -1
	expect_rc 0
	expect_q "SELECT COUNT(*) FROM information_schema.columns WHERE table_schema = DATABASE() AND column_name = 'email'" "0"
	rt downgrade base
	expect_rc 0
	expect_q "SELECT COUNT(*) FROM information_schema.tables WHERE table_schema = DATABASE() AND table_name NOT LIKE 'retort%'" "0"
}

my_test_verify_finds_drift() {
	project
	mig aaaa "" "t" "CREATE TABLE t_a (id INT PRIMARY KEY, name VARCHAR(20));" "DROP TABLE t_a;" >/dev/null
	rt upgrade head
	expect_rc 0
	rt verify
	expect_rc 0
	q "ALTER TABLE t_a ADD COLUMN extra INT"
	rt verify
	expect_rc 1
	expect_out_has "drop column extra"
}

run_tests
