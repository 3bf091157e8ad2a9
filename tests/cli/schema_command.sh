#!/bin/bash
# schema_command.sh - the declared schema printed by a command (schema_command
# in retort.ini): autogenerate, check, diff and create use its output as they
# use schema.sql; a failing command stops them with its status and stderr.
. "$(dirname "$0")/lib.sh"

# A command that prints a schema for $RETORT_DIALECT from the project
# directory, and counts its runs in runs.log.
schema_script() {
	mkdir -p gen
	cat > gen/print-schema <<'EOF'
#!/bin/sh
echo run >> runs.log
case $RETORT_DIALECT in
sqlite) serial="INTEGER PRIMARY KEY" ;;
postgresql) serial="SERIAL PRIMARY KEY" ;;
*) echo "unknown RETORT_DIALECT '$RETORT_DIALECT'" >&2; exit 1 ;;
esac
echo "-- schema for $RETORT_DIALECT"
echo "CREATE TABLE users (id $serial, email VARCHAR(200) NOT NULL);"
[ -f with_posts ] && echo "CREATE TABLE posts (id $serial, user_id INTEGER REFERENCES users (id));"
exit 0
EOF
	chmod +x gen/print-schema
}

runs() { [ -f runs.log ] && wc -l < runs.log | tr -d ' ' || echo 0; }

test_autogenerate_check_and_diff_use_the_command_output() {
	project "schema_command = gen/print-schema"
	schema_script
	rt check
	expect_rc 1
	expect_out_has "create table"
	expect_out_has "users"
	rt migrate -m "users"
	expect_rc 0
	grep -q "CREATE TABLE.*users" "$OUT" || fail "the migration lacks users"
	rt upgrade head
	expect_rc 0
	has_table users || fail "users not created"
	rt check
	expect_rc 0
	touch with_posts
	rt diff
	expect_rc 0
	grep -q "CREATE TABLE.*posts" <<<"$OUT" || fail "diff lacks posts"
	rt diff --from migrations --to schema --exit-code
	expect_rc 1
	rt revision --autogenerate -m "posts"
	expect_rc 0
	rt upgrade head
	expect_rc 0
	has_table posts || fail "posts not created"
	rt check
	expect_rc 0
}

# The working directory is the project's (the configuration's directory),
# wherever retort is started from.
test_runs_in_the_project_directory() {
	mkdir proj
	(cd proj && project "schema_command = gen/print-schema" && schema_script)
	sed -i 's|sqlite:///app.db|sqlite:///../app.db|' proj/retort.ini
	rt -c proj/retort.ini diff --from empty --to schema
	expect_rc 0
	grep -q "CREATE TABLE.*users" <<<"$OUT" || fail "diff lacks users"
	[ "$(cd proj && runs)" = 1 ] || fail "the command did not run in proj/"
}

test_create_runs_the_command_once() {
	project "schema_command = gen/print-schema"
	schema_script
	rt migrate -m "users"
	expect_rc 0
	rm runs.log
	rt create
	expect_rc 0
	has_table users || fail "create did not load the schema"
	expect_versions "$(basename "$(ls migrations)" | cut -d_ -f1)"
	[ "$(runs)" = 1 ] || fail "create ran the command $(runs) times: what it checks must be what it loads"
}

test_a_failing_command_is_an_error_and_changes_nothing() {
	project "schema_command = gen/fail"
	mkdir gen
	printf '#!/bin/sh\necho "CREATE TABLE half (id INTEGER);"\nfor i in 1 2 3 4 5 6 7 8 9 10 11 12 13 14 15; do echo "line $i" >&2; done\necho "ImportError: no module named app" >&2\nexit 3\n' > gen/fail
	chmod +x gen/fail
	rt migrate -m "x"
	expect_rc 1
	expect_err_has "schema_command failed with exit status 3: gen/fail"
	expect_err_has "ImportError: no module named app"
	expect_err_has "line 15"
	expect_err_lacks "line 2"   # only the end of stderr
	expect_err_has "hint: run it in"
	[ -z "$(ls migrations)" ] || fail "a migration was written from a failed command"
	rt create
	expect_rc 1
	expect_err_has "exit status 3"
	has_table half && fail "create used the output of a failed command"
	rt check
	expect_rc 1
	expect_err_has "exit status 3"
}

sqlite_test_command_not_found_killed_and_empty() {
	project "schema_command = no-such-program --models app"
	rt check
	expect_rc 1
	expect_err_has "exit status 127"
	expect_err_has "not found"
	expect_err_has "hint: the shell did not find the program"
	project "schema_command = kill -TERM \$\$"
	rt check
	expect_rc 1
	expect_err_has "killed by signal 15"
	project "schema_command = true"
	rt check
	expect_rc 1
	expect_err_has "schema_command printed nothing"
}

sqlite_test_stderr_of_a_successful_command_is_shown() {
	project "schema_command = echo 'CREATE TABLE a (id INTEGER);'; echo 'SAWarning: something' >&2"
	rt diff --from empty --to schema
	expect_rc 0
	expect_err_has "schema_command: SAWarning: something"
	expect_out_has "CREATE TABLE a"
	rt -q diff --from empty --to schema
	expect_err_lacks "SAWarning"
}

sqlite_test_sql_errors_name_the_command_output() {
	project "schema_command = printf 'CREATE TABLE a (id INTEGER);\\nCREATE TABLEX b;\\n'"
	rt check
	expect_rc 1
	expect_err_has "schema_command output:2:"
	expect_err_has "TABLEX"
}

sqlite_test_config_schema_and_schema_command() {
	project "schema = schema.sql" "schema_command = cat schema.sql"
	rt check
	expect_rc 2
	expect_err_has "retort.ini:5: both schema and schema_command in [retort]: keep one"
	# an environment may declare it the other way
	project "schema = schema.sql" "[env:models]" "schema_command = echo 'CREATE TABLE m (id INTEGER);'"
	echo "CREATE TABLE f (id INTEGER);" > schema.sql
	rt diff --from empty --to schema
	expect_out_has "CREATE TABLE f"
	rt -e models diff --from empty --to schema
	expect_out_has "CREATE TABLE m"
	expect_out_lacks "CREATE TABLE f"
	project
	rt check
	expect_rc 2
	expect_err_has "no declared schema is configured"
	expect_err_has "schema_command"
}

run_tests
