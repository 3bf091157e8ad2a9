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

# Only rt_ names leave the library: the shared library exports nothing
# else, and the archive defines no other global symbol (a host program's
# own xmalloc or strbuf_add must never clash).
sqlite_test_only_rt_symbols() {
	local build so ar bad
	build=$(dirname "$RETORT")
	so=$build/libretort.so.0 ar=$build/libretort.a
	[ -f "$so" ] && [ -f "$ar" ] || fail "the libraries were not built in $build"
	[ "$(readelf -d "$so" | sed -n 's/.*(SONAME).*\[\(.*\)\]/\1/p')" = libretort.so.0 ] ||
		fail "soname: $(readelf -d "$so" | grep SONAME)"
	nm -D --defined-only "$so" | awk '{print $3}' | grep -c '^rt_' > count || true
	[ "$(cat count)" -gt 100 ] || fail "only $(cat count) rt_ symbols exported"
	bad=$(nm -D --defined-only "$so" | awk '{print $3}' | grep -v '^rt_')
	[ -z "$bad" ] || fail "the shared library exports symbols without the rt_ prefix: $bad"
	# (AddressSanitizer's __odr_asan.NAME marks a global NAME: NAME counts.)
	bad=$(nm --defined-only "$ar" | awk 'NF == 3 && $2 ~ /^[A-Z]$/ {print $3}' |
		sed 's/^__odr_asan\.//' | grep -v '^rt_' | sort -u)
	[ -z "$bad" ] || fail "the archive defines global symbols without the rt_ prefix: $bad"
	# Every function the header declares is exported.
	local missing=""
	for fn in $(sed -n 's/^RT_API [^(]*[ *]\(rt_[a-z0-9_]*\)(.*/\1/p' "$REPO/include/retort.h"); do
		nm -D --defined-only "$so" | awk '{print $3}' | grep -qx "$fn" || missing="$missing $fn"
	done
	[ -z "$missing" ] || fail "declared RT_API but not exported:$missing"
}

# make install into a DESTDIR, the example built against what it installed
# through pkg-config -- with the shared library and with the archive --
# and run from there; make uninstall takes every file away again.
sqlite_test_make_install_and_pkg_config() {
	local dest=$PWD/dest
	make -s -C "$REPO" install BUILD=build/install-test PREFIX=/usr DESTDIR="$dest" > make.log 2>&1 ||
		fail "make install failed: $(tail -5 make.log)"
	local f
	for f in bin/retort lib/libretort.a lib/libretort.so.0 lib/libretort.so include/retort.h \
		share/man/man1/retort.1 lib/pkgconfig/retort.pc; do
		[ -e "$dest/usr/$f" ] || fail "make install left out /usr/$f: $(cd "$dest" && find . -type f -o -type l)"
	done
	[ "$(readlink "$dest/usr/lib/libretort.so")" = libretort.so.0 ] || fail "libretort.so does not point at libretort.so.0"
	"$dest/usr/bin/retort" --version | grep -q "^retort " || fail "installed retort does not run"
	export PKG_CONFIG_PATH=$dest/usr/lib/pkgconfig PKG_CONFIG_SYSROOT_DIR=$dest
	local cflags libs static
	cflags=$(pkg-config --cflags retort) && libs=$(pkg-config --libs retort) &&
		static=$(pkg-config --static --libs retort) || fail "pkg-config does not know retort"
	grep -q -- "-lpg_query" <<<"$static" || fail "pkg-config --static lacks the archive's libraries: $static"
	# shellcheck disable=SC2086
	cc -o app-shared "$REPO/examples/embed/app.c" $cflags $libs ||
		fail "the example does not build against the installed shared library"
	# shellcheck disable=SC2086
	cc -o app-static "$REPO/examples/embed/app.c" $cflags ${static/-lretort/-l:libretort.a} ||
		fail "the example does not build against the installed archive"
	ldd app-shared | grep -q "libretort.so.0 => $dest/usr/lib/" ||
		LD_LIBRARY_PATH=$dest/usr/lib ldd app-shared | grep -q "libretort.so.0 => $dest/usr/lib/" ||
		fail "app-shared does not use the installed libretort.so.0: $(ldd app-shared)"
	! ldd app-static | grep -q libretort || fail "app-static still needs libretort.so"
	project
	mig e1 "" "users" "CREATE TABLE users (id INTEGER PRIMARY KEY);" >/dev/null
	LD_LIBRARY_PATH=$dest/usr/lib ./app-shared retort.ini > out 2>&1 || fail "the shared-library build failed: $(cat out)"
	expect_versions "e1"
	mig e2 e1 "posts" "CREATE TABLE posts (id INTEGER PRIMARY KEY);" >/dev/null
	./app-static retort.ini > out 2>&1 || fail "the static build failed: $(cat out)"
	expect_versions "e2"
	make -s -C "$REPO" uninstall BUILD=build/install-test PREFIX=/usr DESTDIR="$dest" > make.log 2>&1 ||
		fail "make uninstall failed: $(tail -5 make.log)"
	[ -z "$(find "$dest" -type f -o -type l)" ] || fail "make uninstall left: $(find "$dest" -type f -o -type l)"
}

run_tests
