#!/bin/bash
# tests/cli/placeholders.sh - the quoting forms of placeholders:
# ${name:literal} inserts a value as a string literal and ${name:ident} as
# a quoted identifier, so a hostile -x value stays data; an unknown form is
# refused before anything runs; a ${name} with a value left inside a string
# literal or comment is reported with file:line.
. "$(dirname "$0")/lib.sh"

# -x "v=1); DROP TABLE t_keep; --" pasted raw would drop t_keep; as a
# literal it is one value, stored exactly, quotes and backslashes included.
test_literal_value_cannot_become_sql() {
	project
	tmig m001 ""
	mig m002 m001 "data" "CREATE TABLE t_data (v TEXT);
INSERT INTO t_data (v) VALUES (\${v:literal});
INSERT INTO t_data (v) VALUES (\${w:literal});" "DROP TABLE t_data;" >/dev/null
	rt -x "v=1'); DROP TABLE t_m001; --" -x "w=back\\slash \\' and ''two''" upgrade head
	expect_rc 0
	expect_db "m002" "t_data t_m001"
	expect_q "SELECT v FROM t_data ORDER BY v" "1'); DROP TABLE t_m001; --
back\\slash \\' and ''two''"
}

test_ident_value_is_one_quoted_name() {
	project
	mig m001 "" "named" "CREATE TABLE \${t:ident} (id INTEGER);" "DROP TABLE \${t:ident};" >/dev/null
	rt -x 't=t_we"ird (x); DROP TABLE y' upgrade head
	expect_rc 0
	expect_tables 't_we"ird (x); DROP TABLE y'
	rt -x 't=t_we"ird (x); DROP TABLE y' downgrade base
	expect_rc 0
	expect_db "" ""
}

test_unknown_form_runs_nothing() {
	project
	tmig m001 ""
	mig m002 m001 "bad form" "CREATE TABLE t_m002 (id INTEGER);
INSERT INTO t_m002 VALUES (\${n:lit});" "DROP TABLE t_m002;" >/dev/null
	rt -x n=1 upgrade head
	expect_rc 1
	expect_err_has "migrations/m002_bad_form.sql:8: unknown placeholder form '\${n:lit}'"
	expect_err_has "\${n:literal}"
	expect_db "" ""
}

# Left alone inside literals and comments as before, but a name that has a
# value is reported: the author almost certainly meant it to be replaced.
# A name without a value (a template string stored as data) is not.
test_placeholder_in_literal_or_comment_is_reported() {
	project
	mig m001 "" "greeting" "CREATE TABLE t_g (v TEXT);
-- for \${tenant}
INSERT INTO t_g VALUES ('Hello \${tenant}');
INSERT INTO t_g VALUES ('Hi \${user}');" "DROP TABLE t_g;" >/dev/null
	rt -x tenant=acme upgrade head
	expect_rc 0
	expect_err_has "warning: migrations/m001_greeting.sql:8: \${tenant} is inside a comment, so it is not replaced"
	expect_err_has "warning: migrations/m001_greeting.sql:9: \${tenant} is inside a string literal, so it is not replaced"
	expect_err_lacks "\${user}"
	expect_q "SELECT v FROM t_g ORDER BY v" "Hello \${tenant}
Hi \${user}"
	rt -x tenant=acme -q downgrade base
	expect_rc 0
	expect_err ""
}

# --sql prints the quoted forms exactly as the online run executes them.
test_literal_in_offline_sql() {
	project
	mig m001 "" "data" "INSERT INTO t VALUES (\${v:literal}, \${t:ident});" "" >/dev/null
	rt -x "v=it's" -x 't=a"b' upgrade head --sql
	expect_rc 0
	expect_out_has "INSERT INTO t VALUES ('it''s', \"a\"\"b\");"
}

run_tests
