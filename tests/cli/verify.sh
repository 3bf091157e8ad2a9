#!/bin/bash
# verify.sh - the pre-deploy check: every kind of failure it finds, on
# every dialect, in text and --json, with exit 1.
. "$(dirname "$0")/lib.sh"

jcheck() {  # NAME -> "ok|FAIL" of that check in the --json output
	python3 -c 'import json,sys; d=json.load(sys.stdin); print(next(("ok" if c["ok"] else "FAIL") for c in d["checks"] if c["name"] == sys.argv[1]))' "$1" <<<"$OUT"
}

expect_check() {  # NAME STATUS
	local got
	got=$(jcheck "$1") || fail "no check $1 in: $OUT"
	[ "$got" = "$2" ] || fail "check $1: expected $2, got $got
$OUT"
}

base_project() {
	project "schema = schema.sql"
	cat > schema.sql <<-'EOF'
	CREATE TABLE users (id INTEGER PRIMARY KEY, name VARCHAR(50));
	CREATE TABLE posts (id INTEGER PRIMARY KEY, title VARCHAR(50));
	EOF
	mig v1 "" "users" "CREATE TABLE users (id INTEGER PRIMARY KEY, name VARCHAR(50));" "DROP TABLE users;" >/dev/null
	mig v2 v1 "posts" "CREATE TABLE posts (id INTEGER PRIMARY KEY, title VARCHAR(50));" "DROP TABLE posts;" >/dev/null
}

test_verify_clean() {
	base_project
	rt upgrade head
	rt verify
	expect_rc 0
	expect_out_has "ok    checksums     2 applied revisions checked against their files"
	expect_out_has "ok    drift         the database matches its migrations"
	expect_out_has "ok    schema        schema.sql matches the migrations at the heads"
	rt --json verify
	expect_rc 0
	python3 -c 'import json,sys; d=json.load(sys.stdin); assert d["ok"] is True and len(d["checks"]) == 9 and not any(c["skipped"] for c in d["checks"])' <<<"$OUT" || fail "json: $OUT"
}

# The guide's story: the model (schema.sql) gained a column and was
# deployed, its migration was not written; the database matches its
# migrations, so only the declared schema can tell.
test_verify_declared_schema_without_its_migration() {
	base_project
	rt upgrade head
	sed -i 's/name VARCHAR(50))/name VARCHAR(50), email VARCHAR(100))/' schema.sql
	rt verify
	expect_rc 1
	expect_out_has "ok    drift         the database matches its migrations"
	expect_out_has "FAIL  schema        schema.sql differs from the migrations at the heads (1 difference): a migration is missing"
	expect_out_has "users.email"
	expect_out_has "run: retort revision --autogenerate -m"
	rt --json verify
	expect_check schema FAIL
	python3 -c 'import json,sys; d=json.load(sys.stdin); c=[c for c in d["checks"] if c["name"]=="schema"][0]; assert c["fix"].startswith("run: retort revision --autogenerate") and not c["skipped"], c' <<<"$OUT" ||
		fail "json: $OUT"
	# writing the migration it names makes verify pass again
	rt revision --autogenerate -m "add email"
	expect_rc 0
	rt upgrade head
	rt verify
	expect_rc 0
	expect_out_has "ok    schema        schema.sql matches the migrations at the heads"
}

# schema_command: the models' DDL printed by a command is checked the same way.
test_verify_schema_command() {
	project "schema_command = cat models.sql"
	mig v1 "" "users" "CREATE TABLE users (id INTEGER PRIMARY KEY);" "DROP TABLE users;" >/dev/null
	echo "CREATE TABLE users (id INTEGER PRIMARY KEY);" > models.sql
	rt upgrade head
	rt verify
	expect_rc 0
	expect_out_has "ok    schema        cat models.sql matches the migrations at the heads"
	echo "CREATE TABLE tags (id INTEGER PRIMARY KEY);" >> models.sql
	rt verify
	expect_rc 1
	expect_out_has "FAIL  schema"
	expect_out_has "tags"
}

# Without a declared schema the check says it was skipped, not "ok";
# so does the checksum check of a database with no history table.
test_verify_skipped_checks_print_as_skipped() {
	project
	mig v1 "" "users" "CREATE TABLE users (id INTEGER PRIMARY KEY);" "DROP TABLE users;" >/dev/null
	rt upgrade head
	q "DROP TABLE retort_version_history"
	rt verify
	expect_rc 0
	expect_out_has "skip  schema        skipped: no declared schema (schema or schema_command in the configuration)"
	expect_out_has "skip  checksums     skipped: no history table"
	expect_out_has "ok    drift"
	rt --json verify
	python3 -c 'import json,sys; d=json.load(sys.stdin); s={c["name"]: c["skipped"] for c in d["checks"]}; assert s["schema"] and s["checksums"] and not s["drift"] and d["ok"], d' <<<"$OUT" ||
		fail "json: $OUT"
}

test_verify_edited_migration() {
	base_project
	rt upgrade head
	echo "-- an edit after deployment" >> migrations/v1_users.sql
	sed -i 's/name VARCHAR(50)/name VARCHAR(50), extra INTEGER/' migrations/v1_users.sql
	rt verify
	expect_rc 1
	expect_out_has "migrations/v1_users.sql was changed after it was applied (revision v1, applied 20"
	rt --json verify
	expect_check checksums FAIL
	expect_check heads ok
}

test_verify_drift_added_and_missing_columns() {
	base_project
	rt upgrade head
	q "ALTER TABLE users ADD COLUMN by_hand INTEGER"
	q "DROP TABLE posts"
	rt verify
	expect_rc 1
	expect_out_has "FAIL  drift"
	expect_out_has "users.by_hand"
	expect_out_has "drop column"
	expect_out_has "posts"
	expect_out_has "SQL that brings the database back in line with its migrations:"
	expect_out_has "CREATE TABLE"
	rt --json verify
	expect_check drift FAIL
	python3 -c 'import json,sys; d=json.load(sys.stdin); c=[c for c in d["checks"] if c["name"]=="drift"][0]; assert "by_hand" in c["fix_sql"]' <<<"$OUT" ||
		fail "fix_sql: $OUT"
}

test_verify_heads_unknown_rows_lint_and_downgrades() {
	base_project
	rt upgrade head
	mig v3 v1 "second head" "CREATE TABLE other (id INTEGER PRIMARY KEY);" >/dev/null
	sed -i '/^-- migrate:downgrade/d' migrations/v3_second_head.sql
	mig v4 v2 "drops" "DROP TABLE posts;" "CREATE TABLE posts (id INTEGER PRIMARY KEY, title VARCHAR(50));" >/dev/null
	rt --json verify
	expect_rc 1
	expect_check heads FAIL
	expect_check lint FAIL
	expect_check downgrades FAIL
	expect_check "version table" ok
	rt verify
	expect_out_has "2 heads: v3, v4"
	expect_out_has "ban-drop-table"
	expect_out_has "migrations/v3_second_head.sql (revision v3) has no downgrade section"
	q "UPDATE retort_version SET version_num = 'gone1234'"
	rt --json verify
	expect_rc 1
	expect_check "version table" FAIL
	expect_check checksums ok
}

test_verify_declared_branches() {
	project "branches = alpha, beta"
	mig a1 "" "alpha root" "CREATE TABLE a (id INTEGER PRIMARY KEY);" "DROP TABLE a;" "-- Branch Labels: alpha" >/dev/null
	mig b1 "" "beta root" "CREATE TABLE b (id INTEGER PRIMARY KEY);" "DROP TABLE b;" "-- Branch Labels: beta" >/dev/null
	rt upgrade heads
	rt --json verify
	expect_rc 0
	expect_check heads ok
	mig c1 "" "stray root" "CREATE TABLE c (id INTEGER PRIMARY KEY);" "DROP TABLE c;" >/dev/null
	rt verify
	expect_rc 1
	expect_out_has "head c1 is on none of the declared branches"
}

pg_test_verify_unreachable_database() {
	base_project
	rt --url "postgresql://nobody@/nosuch?host=$RETORT_TEST_PGHOST&port=$RETORT_TEST_PGPORT" --json verify
	expect_rc 1
	expect_check database FAIL
	expect_check drift ok
	python3 -c 'import json,sys; d=json.load(sys.stdin); s={c["name"]: c["skipped"] for c in d["checks"]}; assert s["drift"] and s["schema"] and s["lint"], d' <<<"$OUT" ||
		fail "json: $OUT"
	rt --url "postgresql://nobody@/nosuch?host=$RETORT_TEST_PGHOST&port=$RETORT_TEST_PGPORT" verify
	expect_out_has "cannot connect"
	expect_out_has "skipped: the database cannot be read"
}

# A database that cannot even be created fails verify (the deploy would),
# and the checks that need it say they were skipped rather than pass.
sqlite_test_database_that_cannot_be_created() {
	project
	tmig aaaa ""
	rt --url sqlite:////nonexistent/dir/x.db verify
	expect_rc 1
	expect_out_has "FAIL  database"
	expect_out_has "cannot be created: /nonexistent/dir"
	expect_out_has "version table skipped: the database cannot be read"
	expect_out_has "lint          skipped: the database cannot be read"
	rt --url sqlite:////nonexistent/dir/x.db verify --json
	expect_rc 1
	python3 -c 'import json, sys; d = json.load(sys.stdin); assert all(c["summary"] for c in d["checks"]), d' <<<"$OUT" ||
		fail "a check without a summary"
}

run_tests
