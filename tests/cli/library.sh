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

# examples/embed/embedded.c: the migration files compiled in (make builds it
# from examples/embed/ with `retort embed`), run where no migration file
# exists, four copies at once; it needs only the database URL.
test_embedded_migrations_need_no_files() {
	local app i pids=()
	app=$(dirname "$RETORT")/embed-embedded
	[ -x "$app" ] || fail "$app was not built (make unit builds it)"
	[ ! -e migrations ] && [ ! -e retort.ini ] || fail "the test directory is not empty"
	for i in 1 2 3 4; do
		"$app" "$(db_url)" > "out.$i" 2> "err.$i" &
		pids+=($!)
	done
	for i in "${!pids[@]}"; do
		wait "${pids[$i]}" || fail "copy $((i + 1)) failed: $(cat "err.$((i + 1))")"
		grep -q "database ready" "out.$((i + 1))" || fail "copy $((i + 1)) did not say ready"
	done
	expect_versions "9d2e5b7c1a30"
	expect_q "SELECT count(*) FROM retort_version_history" "2"
	[ "$(cat err.* | grep -c '^migrated ')" = 2 ] || fail "each migration should be reported once: $(cat err.*)"
	if "$app" > out 2> err; then fail "ran without a URL"; fi
	grep -q "^usage: " err || fail "no usage line without a URL: $(cat err)"
}

# retort embed: the generated source compiles (-Wall -Werror) into a program
# that opens it with rt_ctx_open_embedded: revisions, the declared schema
# (rt_create loads it) and a seed (rt_seed runs it), with bytes that need
# escaping; -o writes the file whole; --name must be a C identifier.
sqlite_test_embed_command() {
	project "schema = schema.sql"
	local sql
	sql=$(printf "CREATE TABLE t1 (a TEXT DEFAULT 'say \"hi\"??/ back\\\\slash\ttab');")
	mig e1 "" "quotes and ??= trigraphs" "$sql" "DROP TABLE t1;" >/dev/null
	printf '%s\n' "$sql" > schema.sql
	mkdir seeds
	printf "INSERT INTO t1 (a) VALUES ('caf\303\251');\n" > seeds/demo.sql
	rt embed --name 'no good'
	expect_rc 2
	rt embed -o proj.c --name my_proj
	expect_rc 0
	expect_err_has "wrote proj.c: 1 migration files"
	grep -q "const rt_embedded my_proj" proj.c || fail "no my_proj in proj.c"
	cat > main.c <<'C'
#include <stdio.h>
#include <string.h>
#include <retort.h>
extern const rt_embedded my_proj;
int main(int argc, char **argv)
{
	rt_error *err = rt_error_new();
	rt_config *cfg = rt_config_new(".");
	rt_ctx *ctx = NULL;
	int rc = rt_config_set(cfg, "url", argv[1], err);
	if (!rc && !(ctx = rt_ctx_open_embedded(cfg, &my_proj, err)))
		rc = -1;
	if (!rc && argc > 2 && !strcmp(argv[2], "create"))
		rc = rt_create(ctx, err);
	else if (!rc)
		rc = rt_upgrade(ctx, "heads", err);
	if (!rc)
		rc = rt_seed(ctx, "demo", err);
	if (rc)
		fprintf(stderr, "%s\n", rt_error_message(err));
	rt_ctx_close(ctx);
	rt_config_free(cfg);
	rt_error_free(err);
	return rc ? 1 : 0;
}
C
	local build
	build=$(dirname "$RETORT")
	# shellcheck disable=SC2046
	cc -std=c11 -Wall -Wextra -Werror -I"$REPO/include" -o prog main.c proj.c "$build/libretort.a" \
		$(pkg-config --libs sqlite3 inih) -lpg_query -ldl -pthread $(grep -q asan <<<"$build" && echo -fsanitize=address,undefined) ||
		fail "the generated source does not build"
	mkdir run && cd run || fail "no run directory"
	../prog sqlite:///up.db > out 2> err || fail "upgrade from the embedded project failed: $(cat err)"
	[ "$(sqlite3 up.db "SELECT version_num FROM retort_version")" = e1 ] || fail "not at e1"
	[ "$(sqlite3 up.db "SELECT a FROM t1")" = "café" ] || fail "the embedded seed did not run: $(sqlite3 up.db 'SELECT a FROM t1')"
	../prog sqlite:///created.db create > out 2> err || fail "create from the embedded schema failed: $(cat err)"
	[ "$(sqlite3 created.db "SELECT version_num FROM retort_version")" = e1 ] || fail "create did not stamp e1"
	[ "$(sqlite3 created.db "SELECT sql FROM sqlite_master WHERE name = 't1'")" = "${sql%;}" ] ||
		fail "the embedded schema was not loaded as written: $(sqlite3 created.db "SELECT sql FROM sqlite_master WHERE name = 't1'")"
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
		share/man/man1/retort.1 lib/pkgconfig/retort.pc share/bash-completion/completions/retort \
		share/zsh/site-functions/_retort share/fish/vendor_completions.d/retort.fish; do
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
