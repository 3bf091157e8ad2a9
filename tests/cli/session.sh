#!/bin/bash
# session.sh - every migration of a run starts from the same connection
# state: what one migration changes of its connection (SQLite PRAGMAs,
# temporary objects, attached databases; PostgreSQL SET, SET ROLE,
# temporary tables) is undone before the next, so one run does what
# separate runs do.
. "$(dirname "$0")/lib.sh"

# The parent/child pair whose children a cascade would delete.
family() {
	mig a1 "" "family" "CREATE TABLE parent (id INTEGER PRIMARY KEY, name TEXT);
CREATE TABLE child (id INTEGER PRIMARY KEY, parent_id INTEGER REFERENCES parent (id) ON DELETE CASCADE);
INSERT INTO parent VALUES (1, 'a');
INSERT INTO child VALUES (1, 1), (2, 1);" "DROP TABLE child;
DROP TABLE parent;" >/dev/null
}

# The table rebuild autogenerate writes for SQLite: DROP TABLE parent.
rebuild_parent() {  # ID PARENT
	mig "$1" "$2" "rebuild parent" "CREATE TABLE parent_new (id INTEGER PRIMARY KEY, name TEXT, extra TEXT);
INSERT INTO parent_new (id, name) SELECT id, name FROM parent;
DROP TABLE parent;
ALTER TABLE parent_new RENAME TO parent;" "" >/dev/null
}

nontx() {  # FILE: mark its upgrade section transaction:false
	sed -i 's/^-- migrate:upgrade$/-- migrate:upgrade transaction:false/' "$1"
}

# The documented recipe (foreign keys off, work, back on) in a
# transaction:false section, then a rebuild in the same run: with
# enforcement left on, DROP TABLE parent cascaded and the children were
# gone although upgrade exited 0.
sqlite_test_foreign_keys_left_on_do_not_cascade_a_later_rebuild() {
	project
	family
	nontx "$(mig a2 a1 "fk recipe" "PRAGMA foreign_keys = OFF;
CREATE TABLE x (id INTEGER);
PRAGMA foreign_keys = ON;" "DROP TABLE x;")"
	rebuild_parent a3 a2
	rt upgrade head
	expect_rc 0
	expect_err_has "revision a2 changed its connection; undone for the migrations after it: foreign_keys set back to 0 (was 1)"
	expect_q "SELECT count(*) FROM child" "2"
	expect_q "SELECT count(*) FROM pragma_table_info('parent') WHERE name = 'extra'" "1"
	expect_versions "a3"
	expect_q "SELECT group_concat(revision, ' ') FROM (SELECT revision FROM retort_version_history ORDER BY id)" "a1 a2 a3"
}

# The same with transaction_per_migration = false: the rebuild runs in the
# run's transaction, which the section before it committed.
sqlite_test_foreign_keys_reset_in_one_transaction_runs() {
	project "transaction_per_migration = false"
	family
	nontx "$(mig a2 a1 "fk on" "PRAGMA foreign_keys = ON;" "")"
	rebuild_parent a3 a2
	rt upgrade head
	expect_rc 0
	expect_q "SELECT count(*) FROM child" "2"
	expect_versions "a3"
}

# A temporary trigger, a temporary table and an attached database left by
# one migration: the trigger no longer fires on the next migration's
# INSERT, the temporary table's name is free again, the attached database
# is detached (so an unqualified name cannot resolve to it).
sqlite_test_temp_objects_and_attached_databases_are_undone() {
	project
	mig a1 "" "log" "CREATE TABLE t_log (id INTEGER PRIMARY KEY, v TEXT);
CREATE TABLE t_items (id INTEGER PRIMARY KEY);" "" >/dev/null
	nontx "$(mig a2 a1 "temp things" "ATTACH DATABASE 'other.db' AS other;
CREATE TABLE other.t_stray (id INTEGER);
CREATE TEMP TABLE scratch (id INTEGER);
CREATE TEMP TRIGGER t_items_log AFTER INSERT ON main.t_items BEGIN INSERT INTO t_log (v) VALUES ('trigger'); END;" "")"
	mig a3 a2 "again" "CREATE TEMP TABLE scratch (id INTEGER);
INSERT INTO t_items VALUES (1);
CREATE TABLE t_stray (id INTEGER);" "" >/dev/null
	rt upgrade head
	expect_rc 0
	expect_err_has "temporary trigger t_items_log dropped"
	expect_err_has "temporary table scratch dropped"
	expect_err_has "database other detached"
	expect_q "SELECT count(*) FROM t_log" "0"
	expect_q "SELECT count(*) FROM t_items" "1"
	has_table t_stray || fail "t_stray was not created in the main database"
	expect_versions "a3"
}

# Nothing changed, nothing said.
test_unchanged_connection_is_not_reported() {
	project
	tmig a1 ""
	tmig a2 a1
	rt upgrade head
	expect_rc 0
	expect_err_lacks "changed its connection"
	expect_db "a2" "t_a1 t_a2"
}

# PostgreSQL: a SET (not SET LOCAL) outlives its migration's COMMIT.  A
# search_path, a role and a temporary table left by a2 must not decide
# where a3's table goes, who owns it, or what its name means, and a3 must
# not run under a2's statement_timeout.  a3 reads the setting rather than
# outlasting a short one: retort's own statements after a2 (reading and
# undoing the connection's state) run under it too until it is undone,
# and a timeout short enough to outlast cheaply could cancel one of them
# on a loaded host.
pg_test_session_settings_role_and_temp_tables_are_undone() {
	project
	q "CREATE SCHEMA elsewhere; CREATE ROLE s1_other NOLOGIN; GRANT ALL ON SCHEMA public, elsewhere TO s1_other;"
	mig a1 "" "base" "CREATE TABLE t_a1 (id integer);" "" >/dev/null
	mig a2 a1 "session" "SET search_path = elsewhere;
SET ROLE s1_other;
CREATE TEMP TABLE t_a3 (id integer);
PREPARE p AS SELECT 1;
SET statement_timeout = '5min';" "" >/dev/null
	mig a3 a2 "after" "DO \$\$ BEGIN IF current_setting('statement_timeout') = '5min' THEN RAISE EXCEPTION 'a2''s statement_timeout reached a3'; END IF; END \$\$;
CREATE TABLE t_a3 (id integer);
INSERT INTO t_a3 VALUES (1);" "" >/dev/null
	rt upgrade head
	expect_rc 0
	expect_err_has "revision a2 changed its connection; undone for the migrations after it:"
	expect_err_has "role set back"
	expect_err_has "search_path reset"
	expect_err_has "temporary objects dropped"
	expect_q "SELECT schemaname, tableowner FROM pg_tables WHERE tablename = 't_a3'" "public|$RETORT_TEST_PGUSER"
	expect_q "SELECT count(*) FROM public.t_a3" "1"
	expect_versions "a3"
	expect_q "SELECT string_agg(revision, ' ' ORDER BY id) FROM retort_version_history" "a1 a2 a3"
}

# The settings retort configures come back to retort's values.
pg_test_configured_search_path_is_restored() {
	project "search_path = app, public"
	q "CREATE SCHEMA app; CREATE SCHEMA other;"
	mig a1 "" "set" "SELECT pg_catalog.set_config('search_path', 'other', false);" "" >/dev/null
	mig a2 a1 "table" "CREATE TABLE t_a2 (id integer);" "" >/dev/null
	rt upgrade head
	expect_rc 0
	expect_err_has "search_path set back to app, public"
	expect_q "SELECT schemaname FROM pg_tables WHERE tablename = 't_a2'" "app"
}

# Not only SET and SELECT: a function called anywhere in a statement can
# set_config (an UPDATE's SET, an INSERT's VALUES, a column DEFAULT that
# ALTER TABLE evaluates), and CREATE FUNCTION pg_temp.f makes a temporary
# function.  Each is undone before the next migration, as a new run would
# have it: the search_path a2's UPDATE left does not decide where a3's
# table goes, and a4 cannot call a2's temporary function.
pg_test_functions_called_by_any_statement_are_undone() {
	project
	q "CREATE SCHEMA elsewhere"
	mig a1 "" "base" "CREATE TABLE t_a1 (id integer, v text);
INSERT INTO t_a1 VALUES (1, '');" "" >/dev/null
	mig a2 a1 "data" "UPDATE t_a1 SET v = pg_catalog.set_config('search_path', 'elsewhere', false);
CREATE FUNCTION pg_temp.helper() RETURNS integer LANGUAGE sql AS 'SELECT 7';
INSERT INTO public.t_a1 VALUES (pg_temp.helper(), 'x');" "" >/dev/null
	mig a3 a2 "after" "CREATE TABLE t_a3 (id integer);" "" >/dev/null
	rt upgrade a3
	expect_rc 0
	expect_err_has "revision a2 changed its connection; undone for the migrations after it:"
	expect_q "SELECT schemaname FROM pg_tables WHERE tablename = 't_a3'" "public"
	expect_q "SELECT string_agg(id::text, ' ' ORDER BY id) FROM t_a1" "1 7"
	mig a4 a3 "call" "INSERT INTO t_a1 VALUES (pg_temp.helper(), 'y');" "" >/dev/null
	mig a5 a4 "default" "ALTER TABLE t_a1 ADD COLUMN w text DEFAULT pg_catalog.set_config('search_path', 'elsewhere', false);" "" >/dev/null
	mig a6 a5 "after default" "CREATE TABLE t_a6 (id integer);" "" >/dev/null
	sed -i 's/^INSERT INTO t_a1 VALUES (pg_temp.helper(), .y.);$/SELECT 1;/' migrations/a4_call.sql
	rt upgrade head
	expect_rc 0
	expect_err_has "revision a5 changed its connection"
	expect_q "SELECT schemaname FROM pg_tables WHERE tablename = 't_a6'" "public"
	expect_versions "a6"
}

# A temporary function one migration made is gone for the next, in one
# run as in two.
pg_test_temporary_function_does_not_outlive_its_migration() {
	project
	mig a1 "" "helper" "CREATE FUNCTION pg_temp.helper() RETURNS integer LANGUAGE sql AS 'SELECT 7';" "" >/dev/null
	mig a2 a1 "uses it" "CREATE TABLE t_a2 AS SELECT pg_temp.helper() AS id;" "" >/dev/null
	rt upgrade head
	expect_rc 1
	expect_err_has "pg_temp.helper() does not exist"
	expect_versions "a1"
}

run_tests
