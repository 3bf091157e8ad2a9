#!/bin/bash
# url_forms.sh - database URLs as Python applications write them
# (SQLAlchemy's scheme+driver forms), and --url replacing the file's url
# before its ${VAR}s are expanded.
. "$(dirname "$0")/lib.sh"

# The test database's URL with a driver in its scheme.
driver_url() {  # driver
	local u
	u=$(db_url)
	echo "${u%%:*}+$1:${u#*:}"
}

sqlite_test_sqlalchemy_sqlite_forms() {
	project
	tmig a ""
	for form in sqlite+pysqlite sqlite+aiosqlite; do
		rt --url "$form:///app.db" upgrade head
		expect_rc 0
		rt --url "$form:///app.db" -v current
		expect_rc 0
		expect_out_has "a (head)"
		expect_err_has "the URL names the driver '${form#sqlite+}', which retort ignores"
		rt --url "$form:///app.db" current
		expect_err_lacks "driver"
		rt --url "$form:///app.db" downgrade base
		expect_rc 0
	done
	expect_db "" ""
}

pg_test_sqlalchemy_postgresql_forms() {
	project
	tmig a ""
	tmig b a
	rt --url "$(driver_url psycopg2)" upgrade a
	expect_rc 0
	expect_versions "a"
	rt --url "$(driver_url psycopg)" upgrade head
	expect_rc 0
	expect_versions "b"
	# asyncpg's ssl= is libpq's sslmode=: libpq alone refuses "ssl"
	rt --url "$(driver_url asyncpg)&ssl=disable" -v current
	expect_rc 0
	expect_out_has "b (head)"
	expect_err_has "the URL names the driver 'asyncpg'"
	rt --url "$(driver_url psycopg2)&ssl=disable" current
	expect_rc 1
	expect_err_has "ssl"
}

# The file's url may use variables that only production sets.
test_url_option_replaces_the_file_url_unexpanded() {
	local url
	url=$(db_url)
	mkdir migrations
	printf '[retort]\nurl = postgresql://app:${RT_T_NEVER_SET}@db.internal/app\n' > retort.ini
	tmig a ""
	rt current
	expect_rc 2
	expect_err_has "RT_T_NEVER_SET"
	rt --url "$url" upgrade head
	expect_rc 0
	expect_versions "a"
	# other values are still expanded, and still checked
	printf '[retort]\nurl = ${RT_T_NEVER_SET}\nscript_location = ${RT_T_LOC:-other}\n' > retort.ini
	rt --url "$url" history
	expect_rc 2
	expect_err_has "other: the script location does not exist"
	printf '[retort]\nurl = ${RT_T_NEVER_SET}\nlock_wait = ${RT_T_NEVER_SET2}\n' > retort.ini
	rt --url "$url" current
	expect_rc 2
	expect_err_has "RT_T_NEVER_SET2"
	expect_err_lacks "RT_T_NEVER_SET,"
}

test_driver_forms_in_the_file_environment_and_diff() {
	project
	local drv=aiosqlite
	[ "$DIALECT" = postgresql ] && drv=asyncpg
	printf '[retort]\nurl = %s\n' "$(driver_url $drv)" > retort.ini
	tmig a ""
	rt upgrade head
	expect_rc 0
	expect_versions "a"
	rm retort.ini
	DATABASE_URL=$(driver_url pyfoo) rt -v current
	expect_rc 0
	expect_out_has "a (head)"
	expect_err_has "driver 'pyfoo'"
	echo "CREATE TABLE t_b (id INTEGER);" > b.sql
	rt --url "$(db_url)" diff --from "$(driver_url drv)" --to file:b.sql
	expect_rc 0
	expect_out_has "t_b"
}

run_tests
