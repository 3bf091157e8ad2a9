#!/bin/bash
# lint.sh - `retort lint` (docs/lint.md): for every rule a statement that
# fires it and the safe form (and, where it matters, the same statement on
# a table the migration itself creates) that does not; suppression
# comments, both sections, revision selection, --dialect, --json, exit
# statuses, and the warnings of `revision --autogenerate`.
#
# lint never connects: pgnoserver_test_* get a postgresql:// URL of no
# server (they run whether a PostgreSQL server is up or not), sqlite_test_*
# a sqlite:/// one.
. "$(dirname "$0")/lib.sh"
LINT_DOC="$(cd "$(dirname "$0")/../.." && pwd)/docs/lint.md"

# rev ID PARENTS UP [DOWN] [UPOPTS] [DOWNOPTS]: migrations/ID_m.sql.  The
# upgrade's first line is line 5 of the file; the downgrade's is line
# 7 + the number of lines of UP.
rev() {
	mkdir -p migrations
	{
		echo "-- Revision ID: $1"
		echo "-- Revises: $2"
		echo
		echo "-- migrate:upgrade${5:+ $5}"
		printf '%s\n' "$3"
		echo
		echo "-- migrate:downgrade${6:+ $6}"
		printf '%s\n' "${4-}"
	} > "migrations/$1_m.sql"
}

# A base revision a1 with the tables the other revisions change.
PG_BASE="CREATE TABLE users (id bigint PRIMARY KEY, email text, name text);
CREATE TABLE orders (id bigint PRIMARY KEY, user_id bigint);"
SQ_BASE="CREATE TABLE users (id INTEGER PRIMARY KEY, email TEXT, name TEXT);"

# pg UP [DOWN] [UPOPTS] [INI_LINES...]: a PostgreSQL project with a1 and
# b2 (UP), lock_timeout configured unless INI lines are given; lints b2.
pg() {
	local up=$1 down=${2-} opts=${3-}
	shift $(($# < 3 ? $# : 3))
	if [ $# -gt 0 ]; then project "$@"; else project "lock_timeout = 5s"; fi
	rev a1 "" "$PG_BASE" "DROP TABLE orders; DROP TABLE users;"
	rev b2 a1 "$up" "$down" "$opts"
	rt lint b2
}

# sq UP [DOWN] [UPOPTS]: the same on SQLite.
sq() {
	project
	rev a1 "" "$SQ_BASE" "DROP TABLE users;"
	rev b2 a1 "$1" "${2-}" "${3-}"
	rt lint b2
}

# fires RULE LINE [TEXT]: a finding of RULE at b2's line LINE whose
# message contains TEXT (and so exit status 1).
fires() {
	expect_rc 1
	grep -F -- "migrations/b2_m.sql:$2:1: $1: " <<<"$OUT" | grep -qF -- "${3-}" ||
		fail "no finding $1 at line $2${3:+ saying: $3}"
}

# quiet [RULE]: no finding of RULE; without RULE no finding at all (exit 0).
quiet() {
	if [ $# -eq 0 ]; then
		expect_rc 0
		expect_out ""
		expect_err_has "No findings in"
	else
		expect_out_lacks ": $1: "
	fi
}

# ------------------------------------------------------------------
# PostgreSQL rules

pgnoserver_test_require_concurrent_index_creation() {
	pg "CREATE INDEX users_email ON users (email);"
	fires require-concurrent-index-creation 5 "CREATE INDEX users_email on users without CONCURRENTLY"
	expect_out_has "  why: CREATE INDEX holds a SHARE lock"
	expect_out_has "  fix: CREATE INDEX CONCURRENTLY"
	pg "CREATE UNIQUE INDEX users_email ON users (email);"
	fires require-concurrent-index-creation 5 "CREATE UNIQUE INDEX users_email"
}

pgnoserver_test_require_concurrent_index_creation_safe_forms() {
	pg "CREATE INDEX CONCURRENTLY IF NOT EXISTS users_email ON users (email);" "" "transaction:false"
	quiet
	# a table the migration creates: nobody else can be waiting on it
	pg "CREATE TABLE t (id bigint PRIMARY KEY, x int);
CREATE INDEX t_x ON t (x);"
	quiet
}

pgnoserver_test_require_concurrent_index_deletion() {
	pg "DROP INDEX users_email;"
	fires require-concurrent-index-deletion 5 "DROP INDEX users_email without CONCURRENTLY"
	pg "DROP INDEX CONCURRENTLY IF EXISTS users_email;" "" "transaction:false"
	quiet
	pg "CREATE TABLE t (id bigint PRIMARY KEY, x int);
CREATE INDEX t_x ON t (x);
DROP INDEX t_x;"
	quiet
}

pgnoserver_test_adding_not_nullable_field() {
	pg "ALTER TABLE users ADD COLUMN age int NOT NULL;"
	fires adding-not-nullable-field 5 "ALTER TABLE users ADD COLUMN age ... NOT NULL without a DEFAULT"
	pg "ALTER TABLE users ADD COLUMN age int NOT NULL DEFAULT 0;"
	quiet
	pg "ALTER TABLE users ADD COLUMN age int;"
	quiet
	pg "CREATE TABLE t (id bigint PRIMARY KEY);
ALTER TABLE t ADD COLUMN age int NOT NULL;"
	quiet
}

pgnoserver_test_adding_field_with_volatile_default() {
	pg "ALTER TABLE users ADD COLUMN token uuid DEFAULT gen_random_uuid();"
	fires adding-field-with-volatile-default 5 "ALTER TABLE users ADD COLUMN token with a DEFAULT calling gen_random_uuid(): volatile"
	pg "ALTER TABLE users ADD COLUMN seen timestamptz NOT NULL DEFAULT clock_timestamp();"
	fires adding-field-with-volatile-default 5
	expect_out_lacks "adding-not-nullable-field"
	pg "ALTER TABLE users ADD COLUMN n bigserial;"
	fires adding-field-with-volatile-default 5 "ALTER TABLE users ADD COLUMN n bigserial: a serial column"
	pg "ALTER TABLE users ADD COLUMN n bigint GENERATED ALWAYS AS IDENTITY;"
	fires adding-field-with-volatile-default 5 "GENERATED AS IDENTITY"
	pg "ALTER TABLE users ADD COLUMN l int GENERATED ALWAYS AS (length(email)) STORED;"
	fires adding-field-with-volatile-default 5 "STORED"
	pg "ALTER TABLE users ADD COLUMN x int DEFAULT my_func(1);"
	fires adding-field-with-volatile-default 5 "my_func(): not known to be STABLE or IMMUTABLE"
}

pgnoserver_test_adding_field_with_volatile_default_safe_forms() {
	pg "ALTER TABLE users ADD COLUMN created timestamptz NOT NULL DEFAULT now();
ALTER TABLE users ADD COLUMN d date DEFAULT CURRENT_DATE;
ALTER TABLE users ADD COLUMN meta jsonb NOT NULL DEFAULT '{}'::jsonb;
ALTER TABLE users ADD COLUMN tags text[] DEFAULT ARRAY[]::text[];
ALTER TABLE users ADD COLUMN score numeric DEFAULT -1.5 * 2;
ALTER TABLE users ADD COLUMN token uuid;
ALTER TABLE users ALTER COLUMN token SET DEFAULT gen_random_uuid();"
	quiet
	pg "CREATE TABLE t (id bigint PRIMARY KEY);
ALTER TABLE t ADD COLUMN token uuid DEFAULT gen_random_uuid();
ALTER TABLE t ADD COLUMN n bigserial;"
	quiet
}

pgnoserver_test_setting_column_not_null() {
	pg "ALTER TABLE users ALTER COLUMN email SET NOT NULL;"
	fires setting-column-not-null 5 "ALTER TABLE users ALTER COLUMN email SET NOT NULL"
	expect_out_has "NOT VALID"
	# the safe form: a NOT VALID check added before, validated right before
	pg "ALTER TABLE users VALIDATE CONSTRAINT users_email_not_null;
ALTER TABLE users ALTER COLUMN email SET NOT NULL;
ALTER TABLE users DROP CONSTRAINT users_email_not_null;"
	quiet
	pg "CREATE TABLE t (id bigint PRIMARY KEY, x int);
ALTER TABLE t ALTER COLUMN x SET NOT NULL;"
	quiet
}

pgnoserver_test_changing_column_type() {
	pg "ALTER TABLE users ALTER COLUMN email TYPE varchar(200);"
	fires changing-column-type 5 "ALTER TABLE users ALTER COLUMN email TYPE varchar(200)"
	pg "ALTER TABLE users ALTER COLUMN id TYPE bigint[];"
	fires changing-column-type 5 "TYPE bigint[]"
	pg "CREATE TABLE t (id bigint PRIMARY KEY, x int);
ALTER TABLE t ALTER COLUMN x TYPE bigint;"
	quiet
	pg "-- retort:lint-ignore changing-column-type
ALTER TABLE users ALTER COLUMN email TYPE text;"
	quiet
}

pgnoserver_test_constraint_missing_not_valid() {
	pg "ALTER TABLE users ADD CONSTRAINT email_len CHECK (length(email) < 300);"
	fires constraint-missing-not-valid 5 "ALTER TABLE users ADD CONSTRAINT email_len CHECK (...) without NOT VALID"
	pg "ALTER TABLE orders ADD CONSTRAINT orders_user FOREIGN KEY (user_id) REFERENCES users (id);"
	fires constraint-missing-not-valid 5 "ALTER TABLE orders ADD CONSTRAINT orders_user FOREIGN KEY (user_id) REFERENCES users without NOT VALID"
	# validating in the transaction that added it keeps the lock for the scan
	pg "ALTER TABLE users ADD CONSTRAINT email_len CHECK (length(email) < 300) NOT VALID;
ALTER TABLE users VALIDATE CONSTRAINT email_len;"
	fires constraint-missing-not-valid 6 "VALIDATE CONSTRAINT email_len in the transaction that added it NOT VALID"
}

pgnoserver_test_constraint_missing_not_valid_safe_forms() {
	pg "ALTER TABLE users ADD CONSTRAINT email_len CHECK (length(email) < 300) NOT VALID;
ALTER TABLE orders ADD CONSTRAINT orders_user FOREIGN KEY (user_id) REFERENCES users (id) NOT VALID;"
	quiet
	# validated by a later migration
	rev c3 b2 "ALTER TABLE users VALIDATE CONSTRAINT email_len;"
	rt lint
	quiet
	pg "CREATE TABLE t (id bigint PRIMARY KEY, user_id bigint, n int);
ALTER TABLE t ADD CONSTRAINT n_pos CHECK (n > 0);
ALTER TABLE t ADD CONSTRAINT t_user FOREIGN KEY (user_id) REFERENCES users (id);"
	quiet
}

pgnoserver_test_adding_unique_constraint() {
	pg "ALTER TABLE users ADD CONSTRAINT users_email_key UNIQUE (email);"
	fires adding-unique-constraint 5 "ALTER TABLE users ADD CONSTRAINT users_email_key UNIQUE (email) without USING INDEX"
	pg "ALTER TABLE users ADD COLUMN code text UNIQUE;"
	fires adding-unique-constraint 5 "ADD COLUMN code ... UNIQUE"
	pg "ALTER TABLE users ADD CONSTRAINT users_email_key UNIQUE USING INDEX users_email_idx;"
	quiet
	pg "CREATE TABLE t (id bigint PRIMARY KEY, x int);
ALTER TABLE t ADD CONSTRAINT t_x UNIQUE (x);"
	quiet
}

pgnoserver_test_adding_primary_key() {
	PG_BASE="CREATE TABLE events (id bigint NOT NULL) ;" pg "ALTER TABLE events ADD PRIMARY KEY (id);"
	fires adding-primary-key 5 "ALTER TABLE events ADD PRIMARY KEY (id) without USING INDEX"
	PG_BASE="CREATE TABLE events (x int) ;" pg "ALTER TABLE events ADD COLUMN id bigint PRIMARY KEY;"
	fires adding-primary-key 5 "ADD COLUMN id ... PRIMARY KEY"
	fires adding-not-nullable-field 5 "ADD COLUMN id ... PRIMARY KEY (so NOT NULL) without a DEFAULT"
	PG_BASE="CREATE TABLE events (id bigint NOT NULL) ;" pg "ALTER TABLE events ADD CONSTRAINT events_pkey PRIMARY KEY USING INDEX events_id_idx;"
	quiet adding-primary-key
	pg "CREATE TABLE t (id bigint NOT NULL);
ALTER TABLE t ADD PRIMARY KEY (id);"
	quiet
}

pgnoserver_test_ban_drop_table() {
	pg "DROP TABLE orders;"
	fires ban-drop-table 5 "DROP TABLE orders"
	pg "DROP TABLE IF EXISTS orders, users CASCADE;"
	fires ban-drop-table 5 "DROP TABLE orders, users"
	pg "CREATE TABLE t (id bigint PRIMARY KEY);
DROP TABLE t;"
	quiet
	# a table rebuild: the filled copy is renamed into the dropped table's place
	pg "CREATE TABLE orders_new (id bigint PRIMARY KEY, user_id bigint NOT NULL);
INSERT INTO orders_new SELECT id, user_id FROM orders WHERE user_id IS NOT NULL;
DROP TABLE orders;
ALTER TABLE orders_new RENAME TO orders;"
	quiet ban-drop-table
}

pgnoserver_test_ban_drop_column() {
	pg "ALTER TABLE users DROP COLUMN name;"
	fires ban-drop-column 5 "ALTER TABLE users DROP COLUMN name"
	pg "CREATE TABLE t (id bigint PRIMARY KEY, x int);
ALTER TABLE t DROP COLUMN x;"
	quiet
}

pgnoserver_test_renaming_table() {
	pg "ALTER TABLE orders RENAME TO purchases;"
	fires renaming-table 5 "ALTER TABLE orders RENAME TO purchases"
	pg "CREATE TABLE t (id bigint PRIMARY KEY);
ALTER TABLE t RENAME TO t2;
CREATE INDEX t2_id ON t2 (id);"
	quiet
}

pgnoserver_test_renaming_column() {
	pg "ALTER TABLE users RENAME COLUMN name TO full_name;"
	fires renaming-column 5 "ALTER TABLE users RENAME COLUMN name TO full_name"
	pg "ALTER TABLE users ADD COLUMN full_name text;"
	quiet
	pg "CREATE TABLE t (id bigint PRIMARY KEY, x int);
ALTER TABLE t RENAME COLUMN x TO y;"
	quiet
}

pgnoserver_test_concurrently_in_transaction() {
	pg "CREATE INDEX CONCURRENTLY users_email ON users (email);"
	fires concurrently-in-transaction 5 "CREATE INDEX CONCURRENTLY users_email in a transactional section"
	expect_out_lacks "require-concurrent-index-creation"
	pg "DROP INDEX CONCURRENTLY users_email;"
	fires concurrently-in-transaction 5 "DROP INDEX CONCURRENTLY"
	pg "REINDEX (CONCURRENTLY) INDEX users_email;"
	fires concurrently-in-transaction 5 "REINDEX CONCURRENTLY"
	pg "CREATE INDEX CONCURRENTLY users_email ON users (email);
DROP INDEX CONCURRENTLY users_old;
REINDEX INDEX CONCURRENTLY users_email;" "" "transaction:false"
	quiet
}

pgnoserver_test_require_lock_timeout() {
	pg "ALTER TABLE users ADD COLUMN bio text;
ALTER TABLE users ADD COLUMN bio2 text;" "" "" "# no lock_timeout"
	fires require-lock-timeout 5 "ALTER TABLE users waits for a lock on an existing table, and no lock_timeout is set before it"
	[ "$(grep -c 'require-lock-timeout' <<<"$OUT")" = 1 ] || fail "one finding per section"
	# set too late, turned off, or SET LOCAL where there is no transaction
	pg "CREATE INDEX users_email ON users (email);
SET LOCAL lock_timeout = '2s';" "" "" "# none"
	fires require-lock-timeout 5 "CREATE INDEX users_email on users waits"
	pg "SET lock_timeout = 0;
ALTER TABLE users ADD COLUMN bio text;" "" "" "# none"
	fires require-lock-timeout 6
	pg "SET LOCAL lock_timeout = '2s';
CREATE INDEX CONCURRENTLY users_email ON users (email);
ALTER TABLE users ADD COLUMN bio text;" "" "transaction:false" "# none"
	fires require-lock-timeout 7
	pg "CREATE TABLE t (id bigint PRIMARY KEY, user_id bigint REFERENCES users (id));" "" "" "# none"
	fires require-lock-timeout 5 "CREATE TABLE t (a foreign key to users) waits"
}

pgnoserver_test_require_lock_timeout_set() {
	pg "ALTER TABLE users ADD COLUMN bio text;"
	quiet
	pg "SET LOCAL lock_timeout = '2s';
ALTER TABLE users ADD COLUMN bio text;" "" "" "# none"
	quiet
	pg "SELECT set_config('lock_timeout', '2s', true);
ALTER TABLE users ADD COLUMN bio text;" "" "" "# none"
	quiet
	pg "SET lock_timeout TO 2000;
CREATE INDEX CONCURRENTLY users_email ON users (email);
ALTER TABLE users ADD COLUMN bio text;" "" "transaction:false" "# none"
	quiet
	# only new tables: nothing to wait for
	pg "CREATE TABLE t (id bigint PRIMARY KEY, x int);
CREATE INDEX t_x ON t (x);
ALTER TABLE t ADD COLUMN y int;" "" "" "# none"
	quiet
}

pgnoserver_test_require_primary_key() {
	pg "CREATE TABLE t (id bigint, x int);"
	fires require-primary-key 5 "CREATE TABLE t without a primary key"
	pg "CREATE TABLE t AS SELECT id FROM users;"
	fires require-primary-key 5 "CREATE TABLE t without a primary key"
	pg "CREATE TABLE t (id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY);
CREATE TABLE u (a int, b int, PRIMARY KEY (a, b));
CREATE TABLE v (id bigint NOT NULL);
ALTER TABLE v ADD CONSTRAINT v_pkey PRIMARY KEY (id);
CREATE TABLE w (LIKE users INCLUDING ALL);
CREATE TEMP TABLE scratch (x int);"
	quiet
}

pgnoserver_test_syntax_error() {
	pg "ALTER TABLE users ADD COLUMN;
SELECT 1;"
	expect_rc 1
	expect_out_has "migrations/b2_m.sql:5:29: syntax-error: syntax error at or near \";\""
	pg "SELECT 1;"
	quiet
}

# ------------------------------------------------------------------
# SQLite rules

sqlite_test_sqlite_alter_needs_rebuild() {
	sq "ALTER TABLE users ALTER COLUMN email SET NOT NULL;"
	fires sqlite-alter-needs-rebuild 5 "ALTER TABLE users ALTER COLUMN ...: SQLite's ALTER TABLE has no such form"
	expect_out_has "  fix: rebuild the table"
	sq "ALTER TABLE users ADD CONSTRAINT email_len CHECK (length(email) < 300);"
	fires sqlite-alter-needs-rebuild 5 "ALTER TABLE users ADD CONSTRAINT ..."
	sq "ALTER TABLE users DROP CONSTRAINT email_len;"
	fires sqlite-alter-needs-rebuild 5 "ALTER TABLE users DROP CONSTRAINT ..."
	sq "ALTER TABLE users ADD COLUMN code TEXT UNIQUE;"
	fires sqlite-alter-needs-rebuild 5 "SQLite cannot add a UNIQUE column"
	sq "ALTER TABLE users ADD COLUMN created TEXT DEFAULT CURRENT_TIMESTAMP;"
	fires sqlite-alter-needs-rebuild 5 "DEFAULT CURRENT_TIMESTAMP: SQLite refuses a non-constant default"
	sq "ALTER TABLE users ADD COLUMN n INTEGER DEFAULT (1 + 1);"
	fires sqlite-alter-needs-rebuild 5 "an expression in parentheses"
	sq "ALTER TABLE users ADD COLUMN l INTEGER GENERATED ALWAYS AS (length(email)) STORED;"
	fires sqlite-alter-needs-rebuild 5 "STORED generated column"
	# a PRIMARY KEY column is refused even on a new table
	sq "CREATE TABLE t (x INTEGER);
ALTER TABLE t ADD COLUMN id INTEGER PRIMARY KEY;"
	fires sqlite-alter-needs-rebuild 6 "SQLite cannot add a PRIMARY KEY column"
}

sqlite_test_sqlite_alter_safe_forms() {
	sq "ALTER TABLE users ADD COLUMN bio TEXT;
ALTER TABLE users ADD bio2 TEXT NOT NULL DEFAULT '' CHECK (bio2 IS NOT NULL);
ALTER TABLE users ADD COLUMN l INTEGER GENERATED ALWAYS AS (length(email)) VIRTUAL;
ALTER TABLE users ADD COLUMN n INTEGER DEFAULT -1;
ALTER TABLE users ADD COLUMN oid INTEGER REFERENCES orders(id) ON DELETE SET DEFAULT;
ALTER TABLE users ADD key INTEGER;"
	quiet
	# A column named key is a column: dropping it is a DROP COLUMN, not a constraint.
	sq "ALTER TABLE users DROP key;"
	quiet sqlite-alter-needs-rebuild
	# on a table the migration creates (no rows yet) SQLite accepts these
	sq "CREATE TABLE t (x INTEGER PRIMARY KEY);
ALTER TABLE t ADD COLUMN created TEXT DEFAULT CURRENT_TIMESTAMP;
ALTER TABLE t ADD COLUMN l INTEGER GENERATED ALWAYS AS (x + 1) STORED;"
	quiet
	# and they really run: the upgrade succeeds
	rt upgrade head
	expect_rc 0
}

sqlite_test_adding_not_nullable_field() {
	sq "ALTER TABLE users ADD COLUMN age INTEGER NOT NULL;"
	fires adding-not-nullable-field 5 "ALTER TABLE users ADD COLUMN age ... NOT NULL without a non-NULL DEFAULT"
	expect_out_has "Cannot add a NOT NULL column with default value NULL"
	sq "ALTER TABLE users ADD COLUMN age INTEGER NOT NULL DEFAULT NULL;"
	fires adding-not-nullable-field 5
	sq "ALTER TABLE users ADD COLUMN age INTEGER NOT NULL DEFAULT 0;"
	quiet
	sq "ALTER TABLE users ADD COLUMN age INTEGER CHECK (age IS NOT NULL);"
	quiet
	sq "CREATE TABLE t (x INTEGER PRIMARY KEY);
ALTER TABLE t ADD COLUMN age INTEGER NOT NULL;"
	quiet
}

sqlite_test_pragma_foreign_keys_in_transaction() {
	sq "PRAGMA foreign_keys = OFF;
ALTER TABLE users ADD COLUMN bio TEXT;
PRAGMA foreign_keys=ON;"
	fires pragma-foreign-keys-in-transaction 5 "PRAGMA foreign_keys = OFF in a transactional section"
	fires pragma-foreign-keys-in-transaction 7 "PRAGMA foreign_keys = ON"
	sq "PRAGMA main.foreign_keys(0);"
	fires pragma-foreign-keys-in-transaction 5
	sq "PRAGMA foreign_keys = OFF;
ALTER TABLE users ADD COLUMN bio TEXT;
PRAGMA foreign_key_check;
PRAGMA foreign_keys = ON;" "" "transaction:false"
	quiet
	sq "PRAGMA foreign_keys;
PRAGMA foreign_key_check;"
	quiet
}

sqlite_test_drops_and_renames() {
	sq "DROP TABLE users;"
	fires ban-drop-table 5 "DROP TABLE users"
	sq "ALTER TABLE users DROP COLUMN name;"
	fires ban-drop-column 5 "ALTER TABLE users DROP COLUMN name"
	expect_out_has "SQLite also rewrites the table"
	sq "ALTER TABLE users RENAME TO people;"
	fires renaming-table 5 "ALTER TABLE users RENAME TO people"
	sq "ALTER TABLE \"users\" RENAME COLUMN [name] TO full_name;"
	fires renaming-column 5 "ALTER TABLE users RENAME COLUMN name TO full_name"
	sq "ALTER TABLE main.users RENAME name TO full_name;"
	fires renaming-column 5 "ALTER TABLE users RENAME COLUMN name TO full_name"
}

sqlite_test_drops_and_renames_safe_forms() {
	sq "CREATE TABLE t (x INTEGER PRIMARY KEY, y TEXT);
ALTER TABLE t RENAME COLUMN y TO z;
ALTER TABLE t DROP COLUMN z;
ALTER TABLE t RENAME TO t2;
DROP TABLE t2;"
	quiet
	# the rebuild SQLite's documentation describes
	sq "CREATE TABLE users_new (id INTEGER PRIMARY KEY, email TEXT NOT NULL);
INSERT INTO users_new SELECT id, coalesce(email, '') FROM users;
DROP TABLE users;
ALTER TABLE users_new RENAME TO users;"
	quiet
	rt upgrade head
	expect_rc 0
}

sqlite_test_tokenizer_skips_strings_and_comments() {
	sq "/* ALTER TABLE users DROP COLUMN name; */
INSERT INTO users (email) VALUES ('ALTER TABLE users DROP COLUMN name;');
-- DROP TABLE users;
CREATE TRIGGER users_ai AFTER INSERT ON users BEGIN
  DELETE FROM users WHERE email = 'x; DROP TABLE users';
END;"
	quiet
}

# ------------------------------------------------------------------
# Suppression, sections, selection, output

sqlite_test_suppression() {
	sq "-- retort:lint-ignore ban-drop-column
ALTER TABLE users DROP COLUMN name;
-- retort:lint-ignore renaming-column, renaming-table
ALTER TABLE users RENAME TO people;
-- retort:lint-ignore all
DROP TABLE people;
-- retort:lint-ignore renaming-column
-- the reason: no code reads it since v2
ALTER TABLE people RENAME COLUMN email TO mail;"
	quiet
	# the wrong rule, or a comment separated by a blank line, suppress nothing
	sq "-- retort:lint-ignore ban-drop-table
ALTER TABLE users DROP COLUMN name;
-- retort:lint-ignore ban-drop-column

ALTER TABLE users DROP COLUMN email;"
	fires ban-drop-column 6
	fires ban-drop-column 9
}

pgnoserver_test_suppression_of_section_level_rules() {
	pg "-- retort:lint-ignore require-lock-timeout
ALTER TABLE users ADD COLUMN bio text;
-- retort:lint-ignore require-primary-key
CREATE TABLE t (x int);" "" "" "# none"
	quiet
}

sqlite_test_downgrade_section() {
	project
	rev a1 "" "$SQ_BASE" "DROP TABLE users;"
	rev b2 a1 "ALTER TABLE users ADD COLUMN bio TEXT;
CREATE TABLE tags (id INTEGER PRIMARY KEY);" "ALTER TABLE users DROP COLUMN bio;
DROP TABLE tags;
ALTER TABLE users DROP COLUMN email;"
	rt lint
	# undoing what the revision's own upgrade created is no finding
	expect_rc 1
	expect_out_lacks "DROP COLUMN bio"
	expect_out_lacks "DROP TABLE tags"
	expect_out_has "migrations/b2_m.sql:11:1: ban-drop-column: ALTER TABLE users DROP COLUMN email (downgrade section)"
	rt lint --upgrade-only
	quiet
	rt --json lint
	[ "$(python3 -c 'import json,sys; print(json.load(sys.stdin)["findings"][0]["section"])' <<<"$OUT")" = downgrade ] ||
		fail "section: $OUT"
}

sqlite_test_revision_selection() {
	project
	rev a1 "" "CREATE TABLE t1 (id INTEGER PRIMARY KEY, x TEXT);"
	rev b2 a1 "DROP TABLE t1;"
	rev c3 b2 "CREATE TABLE t3 (id INTEGER PRIMARY KEY, x TEXT);"
	rev d4 c3 "ALTER TABLE t3 DROP COLUMN x;"
	rt lint
	expect_rc 1
	expect_out_has "b2_m.sql:5:1: ban-drop-table"
	expect_out_has "d4_m.sql:5:1: ban-drop-column"
	expect_err_has "2 findings (2 rules) in 4 revisions (sqlite)"
	rt lint c3
	quiet
	expect_err_has "No findings in 1 revision (sqlite)."
	rt lint head
	expect_out_lacks "b2_m.sql"
	expect_out_has "d4_m.sql"
	rt lint a1:c3
	expect_out_has "b2_m.sql"
	expect_out_lacks "d4_m.sql"
	expect_err_has "in 3 revisions"
	rt lint a1 c3
	quiet
	rt lint nosuch
	expect_rc 1
	expect_err_has "nosuch"
}

test_dialect_option() {
	# PostgreSQL rules on a SQLite project, and no URL at all
	project
	rev a1 "" "CREATE TABLE t (id bigint PRIMARY KEY);"
	rev b2 a1 "CREATE INDEX t_id ON t (id);"
	rt lint --dialect postgresql
	fires require-concurrent-index-creation 5
	rt lint --dialect sqlite
	quiet
	printf '[retort]\nscript_location = migrations\n' > retort.ini
	rt lint --dialect postgres
	fires require-concurrent-index-creation 5
	rt lint
	expect_rc 2
	expect_err_has "--dialect"
	rt lint --dialect oracle
	expect_rc 2
	expect_err_has "unknown dialect 'oracle'"
}

sqlite_test_json_output() {
	project
	rev a1 "" "CREATE TABLE t (id INTEGER PRIMARY KEY, x TEXT);"
	rev b2 a1 "ALTER TABLE t DROP COLUMN x;" "ALTER TABLE t ADD COLUMN x TEXT;"
	rt --json lint
	expect_rc 1
	local got
	got=$(python3 -c '
import json, sys
d = json.load(sys.stdin)
f = d["findings"][0]
print(len(d["findings"]), d["revisions"], d["dialect"] in ("sqlite", "postgresql"))
print(f["rule"], f["file"], f["line"], f["column"], f["revision"], f["section"])
print(f["message"])
print(bool(f["why"]), bool(f["fix"]))' <<<"$OUT") || fail "not JSON: $OUT"
	[ "$got" = "1 2 True
ban-drop-column migrations/b2_m.sql 5 1 b2 upgrade
ALTER TABLE t DROP COLUMN x
True True" ] || fail "JSON: $got"
	rt lint a1 --json
	expect_rc 0
	expect_out '{"dialect": "sqlite", "revisions": 1, "findings": []}'
}

test_exit_statuses_and_rules_list() {
	project
	rt lint
	expect_rc 0
	expect_err_has "No findings in 0 revisions"
	rt lint --nosuch
	expect_rc 2
	expect_err_has "unknown option '--nosuch'"
	rt lint --list-rules
	expect_rc 0
	local r
	for r in require-concurrent-index-creation require-concurrent-index-deletion \
		adding-not-nullable-field adding-field-with-volatile-default setting-column-not-null \
		changing-column-type constraint-missing-not-valid adding-unique-constraint \
		adding-primary-key ban-drop-table ban-drop-column renaming-table renaming-column \
		concurrently-in-transaction require-lock-timeout require-primary-key syntax-error \
		sqlite-alter-needs-rebuild pragma-foreign-keys-in-transaction mysql-table-copy \
		mysql-blocking-index foreign-key-without-index mysql-non-transactional-engine; do
		expect_out_has "$r "
		grep -q "^### \`$r\`" "$LINT_DOC" || fail "docs/lint.md does not describe $r"
	done
	rt --json lint --list-rules
	python3 -c 'import json,sys; d=json.load(sys.stdin); assert len(d["rules"]) == 23' <<<"$OUT" ||
		fail "rules JSON: $OUT"
	rt lint --help
	expect_rc 0
	expect_out_has "usage: retort lint"
}

test_placeholders_need_no_values() {
	project
	rev a1 "" "CREATE TABLE t (id bigint PRIMARY KEY);"
	rev b2 a1 "ALTER TABLE t OWNER TO \${owner};
DROP TABLE t;"
	rt lint --dialect postgresql
	fires ban-drop-table 6
	expect_out_lacks syntax-error
	rt -x owner=app lint --dialect postgresql
	fires ban-drop-table 6
	# Values never move positions: a long one, or one holding newlines.
	rev c3 b2 "CREATE TABLE \${tbl} (id bigint PRIMARY KEY); DROP TABLE t;"
	rt -x tbl=a_very_long_table_name_indeed -x owner=app lint --dialect postgresql c3
	expect_out_has "c3_m.sql:5:46: ban-drop-table"
}

sqlite_test_autogenerate_warns() {
	project "schema = schema.sql"
	echo "CREATE TABLE users (id INTEGER PRIMARY KEY, email TEXT);
CREATE TABLE logs (id INTEGER PRIMARY KEY, msg TEXT);" > schema.sql
	rt revision --autogenerate -m one
	expect_rc 0
	expect_err_lacks "warning: migrations/"
	rt upgrade head
	echo "CREATE TABLE users (id INTEGER PRIMARY KEY, email TEXT);" > schema.sql
	rt revision --autogenerate -m two
	expect_rc 0
	local f=$OUT
	expect_err_has "warning: $f:"
	expect_err_has ": ban-drop-table: DROP TABLE logs"
	expect_err_has "  fix: "
	expect_err_has "lint found 1 unsafe statement in the new migration"
	[ -f "$f" ] || fail "no file written"
}

pg_test_autogenerate_warns() {
	project "schema = schema.sql" "online = false"
	echo "CREATE TABLE users (id bigint PRIMARY KEY, email text);" > schema.sql
	rt revision --autogenerate -m one
	expect_rc 0
	rt upgrade head
	expect_rc 0
	echo "CREATE TABLE users (id bigint PRIMARY KEY, email text);
CREATE INDEX users_email ON users (email);" > schema.sql
	rt revision --autogenerate -m two
	expect_rc 0
	expect_err_has ": require-concurrent-index-creation: CREATE INDEX users_email on users"
	expect_err_has ": require-lock-timeout: "
}

# online = true (the default): the same change in its online form draws no warning.
pg_test_autogenerate_online_is_lint_clean() {
	project "schema = schema.sql"
	echo "CREATE TABLE users (id bigint PRIMARY KEY, email text);" > schema.sql
	rt revision --autogenerate -m one
	expect_rc 0
	rt upgrade head
	expect_rc 0
	echo "CREATE TABLE users (id bigint PRIMARY KEY, email text NOT NULL CHECK (email <> ''));
CREATE INDEX users_email ON users (email);" > schema.sql
	rt revision --autogenerate -m two
	expect_rc 0
	expect_err_lacks "warning:"
	rt lint
	expect_rc 0
}

run_tests
