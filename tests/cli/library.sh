#!/bin/bash
# library.sh - libretort as an application uses it: the example of
# docs/library.md (examples/embed/app.c) migrating its database at
# start-up, several copies at once; and `make install` with pkg-config.
. "$(dirname "$0")/lib.sh"

REPO=$(cd "$(dirname "$0")/../.." && pwd)
APP=$(dirname "$RETORT")/embed-app

test_embedded_app_migrates_at_startup() {
	[ -x "$APP" ] || fail "$APP was not built (make unit builds it)"
	project
	mig e1 "" "users" "CREATE TABLE users (id INTEGER PRIMARY KEY);" "DROP TABLE users;" >/dev/null
	mig e2 e1 "posts" "CREATE TABLE posts (id INTEGER PRIMARY KEY);" "DROP TABLE posts;" >/dev/null
	local pids=() i
	for i in 1 2 3 4; do
		"$APP" retort.ini > "out.$i" 2> "err.$i" &
		pids+=($!)
	done
	for i in "${!pids[@]}"; do
		wait "${pids[$i]}" || fail "copy $((i + 1)) failed: $(cat "err.$((i + 1))")"
		grep -q "database ready" "out.$((i + 1))" || fail "copy $((i + 1)) did not say ready"
	done
	expect_versions "e2"
	expect_q "SELECT count(*) FROM retort_version_history" "2"
	[ "$(cat err.* | grep -c '^migrated ')" = 2 ] || fail "each migration should be reported once: $(cat err.*)"
}

test_embedded_app_reports_errors() {
	project
	mig e1 "" "bad" "CREATE TABLE users (id INTEGER PRIMARY KEY);
CREATE TABLE users (id INTEGER);" "" >/dev/null
	"$APP" retort.ini > out 2> err && fail "the app started although its migration failed"
	grep -q "migration failed: .*users" err || fail "no error message: $(cat err)"
	expect_versions ""
}

sqlite_test_make_install_and_pkg_config() {
	local prefix=$PWD/prefix
	make -s -C "$REPO" install BUILD=build/install-test PREFIX="$prefix" > make.log 2>&1 || fail "make install failed: $(tail -5 make.log)"
	[ -x "$prefix/bin/retort" ] && [ -f "$prefix/lib/libretort.a" ] && [ -f "$prefix/include/retort.h" ] &&
		[ -f "$prefix/share/man/man1/retort.1" ] || fail "make install left out files: $(find "$prefix" -type f)"
	"$prefix/bin/retort" --version | grep -q "^retort " || fail "installed retort does not run"
	local flags
	flags=$(PKG_CONFIG_PATH=$prefix/lib/pkgconfig pkg-config --cflags --libs retort) || fail "pkg-config does not know retort"
	# shellcheck disable=SC2086
	cc -o app "$REPO/examples/embed/app.c" $flags || fail "the example does not build against the installed library"
	project
	mig e1 "" "users" "CREATE TABLE users (id INTEGER PRIMARY KEY);" >/dev/null
	./app retort.ini > out 2>&1 || fail "the installed example failed: $(cat out)"
	expect_versions "e1"
}

run_tests
