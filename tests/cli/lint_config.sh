#!/bin/bash
# lint_config.sh - [lint] in retort.ini (disable, warn, exclude,
# ignore_before, postgres_version) for lint and verify, and the CI
# formats: lint --format text|json|github|sarif (SARIF checked against
# the required fields of the SARIF 2.1.0 schema) and lint --since GITREF.
. "$(dirname "$0")/lib.sh"

# rev ID PARENTS UP [DOWN]: migrations/ID_m.sql; the upgrade starts on line 5.
rev() {
	mkdir -p migrations
	{
		echo "-- Revision ID: $1"
		echo "-- Revises: $2"
		echo
		echo "-- migrate:upgrade"
		printf '%s\n' "$3"
		echo
		echo "-- migrate:downgrade"
		printf '%s\n' "${4-}"
	} > "migrations/$1_m.sql"
}

# lint [INI_LINES...]: a project (SQLite) with [lint] lines; a1 creates
# users, b2 drops a column (ban-drop-column), c3 renames one (renaming-column).
lint_project() {
	if [ "$DIALECT" = postgresql ]; then project "lock_timeout = 5s"; else project; fi
	if [ $# -gt 0 ]; then
		echo "[lint]" >> retort.ini
		printf '%s\n' "$@" >> retort.ini
	fi
	rev a1 "" "CREATE TABLE users (id INTEGER PRIMARY KEY, email TEXT, name TEXT, bio TEXT);" "DROP TABLE users;"
	rev b2 a1 "ALTER TABLE users DROP COLUMN bio;" "ALTER TABLE users ADD COLUMN bio TEXT;"
	rev c3 b2 "ALTER TABLE users RENAME COLUMN name TO full_name;" "ALTER TABLE users RENAME COLUMN full_name TO name;"
}

sqlite_test_without_config_both_rules_fire() {
	lint_project
	rt lint
	expect_rc 1
	expect_out_has "migrations/b2_m.sql:5:1: ban-drop-column: "
	expect_out_has "migrations/c3_m.sql:5:1: renaming-column: "
}

sqlite_test_disable() {
	lint_project "disable = ban-drop-column, renaming-column"
	rt lint
	expect_rc 0
	expect_out ""
	expect_err_has "No findings in 3 revisions"
}

sqlite_test_warn_reports_without_failing() {
	lint_project "warn = ban-drop-column"
	rt lint
	expect_rc 1
	expect_out_has "migrations/b2_m.sql:5:1: ban-drop-column (warning): "
	expect_out_has "migrations/c3_m.sql:5:1: renaming-column: "
	expect_err_has "1 of the findings is a warning ([lint] warn): it does not fail the run"
	lint_project "warn = ban-drop-column, renaming-column"
	rt lint
	expect_rc 0
	rt lint --json
	expect_rc 0
	/usr/bin/python3 -c '
import json, sys
d = json.load(sys.stdin)
assert [f["level"] for f in d["findings"]] == ["warning", "warning", "warning"], d
' <<<"$OUT" || fail "levels: $OUT"
}

sqlite_test_exclude_globs() {
	lint_project "exclude = migrations/b2_*.sql, c3_m.sql"
	rt lint
	expect_rc 0
	expect_err_has "2 revisions left out by [lint] exclude / ignore_before"
	expect_err_has "No findings in 1 revision"
	lint_project "exclude = *_m.sql"
	rt lint
	expect_rc 0
	expect_err_has "3 revisions left out"
}

sqlite_test_ignore_before() {
	lint_project "ignore_before = c3"
	rt lint
	expect_rc 1
	expect_out_lacks "b2_m.sql"
	expect_out_has "migrations/c3_m.sql:5:1: renaming-column: "
	expect_err_has "2 revisions left out"
	lint_project "ignore_before = nosuch"
	rt lint
	expect_rc 1
	expect_err_has "[lint] ignore_before: "
	expect_err_has "nosuch"
}

sqlite_test_config_mistakes_name_the_file() {
	lint_project "disable = ban-drop-colum"
	rt lint
	expect_rc 2
	expect_err_has "error: retort.ini: [lint] disable names no rule 'ban-drop-colum'"
	expect_err_has "hint: 'retort lint --list-rules' lists the rules"
	lint_project "disabled = ban-drop-column"
	rt lint
	expect_rc 2
	expect_err_has "retort.ini:5: unknown key 'disabled' in [lint]"
	lint_project "postgres_version = fifteen"
	rt lint
	expect_rc 2
	expect_err_has "retort.ini:5: postgres_version 'fifteen' is not a PostgreSQL major version"
	printf '[retort]\nscript_location = migrations\nurl = sqlite:///app.db\n[lints]\nx = 1\n' > retort.ini
	rt lint
	expect_rc 2
	expect_err_has "unknown section [lints] (known: [retort], [env:NAME], [placeholders], [lint])"
}

# The version-dependent rules (PostgreSQL; lint does not connect).
pg_test_postgres_version() {
	project "lock_timeout = 5s"
	rev a1 "" "CREATE TABLE t (id bigint PRIMARY KEY, a int, b int);" "DROP TABLE t;"
	rev b2 a1 "ALTER TABLE t ADD COLUMN c int DEFAULT 0;" "ALTER TABLE t DROP COLUMN c;"
	rev c3 b2 "ALTER TABLE t ADD CONSTRAINT a_set CHECK (a IS NOT NULL) NOT VALID;
ALTER TABLE t VALIDATE CONSTRAINT a_set;
ALTER TABLE t ALTER COLUMN a SET NOT NULL;" "ALTER TABLE t ALTER COLUMN a DROP NOT NULL;
ALTER TABLE t DROP CONSTRAINT a_set;"
	rt lint b2 c3
	expect_out_lacks "adding-field-with-volatile-default"
	expect_out_lacks "setting-column-not-null"
	printf '[lint]\npostgres_version = 10\n' >> retort.ini
	rt lint b2 c3
	expect_rc 1
	expect_out_has "migrations/b2_m.sql:5:1: adding-field-with-volatile-default: ALTER TABLE t ADD COLUMN c with a DEFAULT: before PostgreSQL 11 (postgres_version = 10)"
	expect_out_has "migrations/c3_m.sql:7:1: setting-column-not-null: ALTER TABLE t ALTER COLUMN a SET NOT NULL: before PostgreSQL 12"
	sed -i 's/postgres_version = 10/postgres_version = 11/' retort.ini
	rt lint b2 c3
	expect_out_lacks "adding-field-with-volatile-default"
	expect_out_has "setting-column-not-null"
}

# verify reads the same [lint] settings for the revisions still to apply.
test_verify_uses_lint_settings() {
	lint_project "warn = renaming-column"
	rt upgrade a1
	expect_rc 0
	rt verify
	expect_rc 1
	expect_out_has "FAIL  lint          2 revisions to apply, 1 finding, 2 warnings"
	expect_out_has "- warning: migrations/c3_m.sql:5:1: renaming-column: "
	lint_project "warn = renaming-column" "disable = ban-drop-column"
	rt verify
	expect_rc 0
	expect_out_has "ok    lint          2 revisions to apply, 0 findings, 2 warnings"
}

sqlite_test_format_github() {
	lint_project "warn = renaming-column"
	rt lint --format github
	expect_rc 1
	expect_out_has "::error file=migrations/b2_m.sql,line=5,col=1,title=retort lint%3A ban-drop-column::ALTER TABLE users DROP COLUMN bio%0Awhy: "
	expect_out_has "::warning file=migrations/c3_m.sql,line=5,col=1,title=retort lint%3A renaming-column::"
	[ "$(grep -c '^::' <<<"$OUT")" = "$(wc -l <<<"$OUT")" ] || fail "a line that is not a workflow command"
}

# The required properties of SARIF 2.1.0 (sarif-schema-2.1.0.json): sarifLog
# {version, runs}, run {tool}, tool {driver}, toolComponent {name},
# reportingDescriptor {id}, result {message}, message {text or id},
# multiformatMessageString {text}; and the types and values they must have.
check_sarif() {
	/usr/bin/python3 -c '
import json, sys, urllib.parse
d = json.load(sys.stdin)
def need(obj, keys, what):
    assert isinstance(obj, dict), (what, obj)
    for k in keys:
        assert k in obj, "%s lacks %s" % (what, k)
need(d, ["version", "runs"], "sarifLog")
assert d["version"] == "2.1.0" and d["$schema"].endswith("sarif-2.1.0.json")
assert isinstance(d["runs"], list) and len(d["runs"]) == 1
run = d["runs"][0]
need(run, ["tool"], "run"); need(run["tool"], ["driver"], "tool")
drv = run["tool"]["driver"]; need(drv, ["name"], "toolComponent")
assert drv["name"] == "retort"
ids = []
for r in drv.get("rules", []):
    need(r, ["id"], "reportingDescriptor")
    for k in ("shortDescription", "fullDescription", "help"):
        if k in r: need(r[k], ["text"], "multiformatMessageString")
    assert r["defaultConfiguration"]["level"] in ("none", "note", "warning", "error")
    ids.append(r["id"])
assert len(ids) == len(set(ids)), "duplicate rule ids"
res = run["results"]
assert len(res) == int(sys.argv[1]), len(res)
for x in res:
    need(x, ["message"], "result")
    assert "text" in x["message"] or "id" in x["message"]
    assert x["level"] in ("none", "note", "warning", "error")
    assert ids[x["ruleIndex"]] == x["ruleId"]
    for loc in x["locations"]:
        pl = loc["physicalLocation"]
        assert "artifactLocation" in pl or "address" in pl
        uri = pl["artifactLocation"]["uri"]
        assert urllib.parse.urlparse(uri).scheme == "" and " " not in uri, uri
        assert pl["region"]["startLine"] >= 1 and pl["region"]["startColumn"] >= 1
print(" ".join("%s:%s:%s" % (x["ruleId"], x["level"], x["locations"][0]["physicalLocation"]["artifactLocation"]["uri"]) for x in res))
' "$1" <<<"$OUT" || fail "not valid SARIF 2.1.0: $OUT"
}

sqlite_test_format_sarif() {
	lint_project "warn = renaming-column"
	mv migrations/c3_m.sql "migrations/c3 m%.sql"
	rt lint --format sarif
	expect_rc 1
	got=$(check_sarif 3)
	[ "$got" = "ban-drop-column:error:migrations/b2_m.sql renaming-column:warning:migrations/c3%20m%25.sql renaming-column:warning:migrations/c3%20m%25.sql" ] ||
		fail "results: $got"
	rm "migrations/c3 m%.sql"
	lint_project "disable = ban-drop-column, renaming-column"
	rt lint --format sarif
	expect_rc 0
	check_sarif 0 >/dev/null
}

pg_test_format_sarif_postgresql_rules() {
	project
	rev a1 "" "CREATE TABLE t (id bigint PRIMARY KEY);" "DROP TABLE t;"
	rev b2 a1 "CREATE INDEX t_id ON t (id);" "DROP INDEX t_id;"
	rt lint --format sarif
	expect_rc 1
	check_sarif 4 >/dev/null
	expect_out_has '"id": "require-concurrent-index-creation"'
	expect_out_lacks '"id": "sqlite-alter-needs-rebuild"'
}

sqlite_test_format_choices() {
	lint_project
	rt lint --format json
	expect_rc 1
	/usr/bin/python3 -c 'import json, sys; d = json.load(sys.stdin); assert len(d["findings"]) == 3' <<<"$OUT" || fail "json"
	rt lint --json --format sarif
	expect_rc 2
	expect_err_has "--json and --format sarif disagree"
	rt lint --format xml
	expect_rc 2
	expect_err_has "unknown --format 'xml' (text, json, github, sarif)"
	rt lint --json --format json
	expect_rc 1
}

sqlite_test_since() {
	lint_project
	git init -q . && git add -A &&
		git -c user.name=t -c user.email=t@example.com commit -q -m one || fail "git"
	rt lint --since HEAD
	expect_rc 0
	expect_out ""
	expect_err_has "No migration file changed since HEAD: nothing to lint."
	rt lint --since HEAD --format sarif
	expect_rc 0
	check_sarif 0 >/dev/null
	rev d4 c3 "ALTER TABLE users RENAME TO people;" "ALTER TABLE people RENAME TO users;"
	rt lint --since HEAD
	expect_rc 1
	expect_out_has "migrations/d4_m.sql:5:1: renaming-table: "
	expect_out_lacks "b2_m.sql"
	expect_err_has "in 1 revision (sqlite)"
	git add -A && git -c user.name=t -c user.email=t@example.com commit -q -m two
	rt lint --since HEAD~1 --format github
	expect_rc 1
	expect_out_has "::error file=migrations/d4_m.sql,line=5"
	rt lint --since nosuchref
	expect_rc 1
	expect_err_has "git could not list the files changed since 'nosuchref'"
}

run_tests
