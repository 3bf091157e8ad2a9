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

# The digests `retort embed` writes beside the files (what the parser read
# of each header and its section markers): the program builds the same
# graph from them as from parsing the files -- ids, messages, dates,
# parents, labels, dependencies, sections (the checksums) -- for branches,
# a merge, steps, options and CRLF line ends; a file generated before
# digests (a smaller size field) is parsed; a digest is read only for the
# bytes it was written for (a text edited in the generated file, even
# keeping its length, is parsed again); and an edited migration is still
# caught by rt_verify's checksums once re-embedded.
sqlite_test_embed_digests() {
	project
	mig d1 "" "first" "CREATE TABLE d1 (a int);" "DROP TABLE d1;" "-- Branch Labels: core" >/dev/null
	printf '%s\n' "-- Revision ID: d2" "-- Revises: d1" "-- Message: steps, café" "" "-- migrate:upgrade" \
		"CREATE TABLE d2 (a int);" "-- migrate:upgrade transaction:false" "INSERT INTO d2 VALUES (1);" \
		"-- migrate:downgrade" "DROP TABLE d2;" > migrations/d2_steps.sql
	mig d3 d1 "branch" "CREATE TABLE d3 (a int);" "DROP TABLE d3;" "-- Depends On: d2" >/dev/null
	mig d4 "d2, d3" "merge" "SELECT 1;" "SELECT 1;" >/dev/null
	printf '%s\r\n' "-- Revision ID: d5" "-- Revises: d4" "-- Message: crlf" "" "-- migrate:upgrade" \
		"CREATE TABLE d5 (a int);" "-- migrate:downgrade" "DROP TABLE d5;" > migrations/d5_crlf.sql
	rt embed -o proj.c
	expect_rc 0
	grep -q "digests" proj.c || fail "no digests in proj.c"
	cat > main.c <<'C'
#include <stdio.h>
#include <string.h>
#include <retort.h>
extern const rt_embedded retort_project;
static void list(const rt_ctx *ctx)
{
	const rt_graph *g = rt_ctx_graph(ctx);
	for (size_t i = 0; i < rt_graph_count(g); i++) {
		const rt_revision *r = rt_graph_revision(g, rt_graph_order(g, i));
		char *sum = rt_revision_checksum(r);
		printf("%s|%s|%s|", rt_revision_id(r), rt_revision_message(r) ? rt_revision_message(r) : "-",
		       rt_revision_create_date(r) ? rt_revision_create_date(r) : "-");
		for (size_t k = 0; k < rt_revision_down_count(r); k++)
			printf("%s,", rt_revision_down(r, k));
		printf("|");
		for (size_t k = 0; k < rt_revision_label_count(r); k++)
			printf("%s,", rt_revision_label(r, k));
		printf("|");
		for (size_t k = 0; k < rt_revision_depends_count(r); k++)
			printf("%s,", rt_revision_depends(r, k));
		printf("|%s|%d\n", sum, rt_revision_parent_count(r) > 0);
		rt_free(sum);
	}
}
int main(int argc, char **argv)
{
	rt_error *err = rt_error_new();
	rt_config *cfg = rt_config_new(".");
	rt_ctx *ctx = NULL;
	int rc = argc == 3 ? rt_config_set(cfg, "url", argv[1], err) : -1;
	if (!rc && !(ctx = rt_ctx_open_embedded(cfg, &retort_project, err)))
		rc = -1;
	if (!rc && !strcmp(argv[2], "list")) {
		list(ctx);
	} else if (!rc && !strcmp(argv[2], "upgrade")) {
		rc = rt_upgrade(ctx, "heads", err);
	} else if (!rc) {
		rt_verify_report *v = rt_verify(ctx, err);
		rc = v ? 0 : -1;
		for (size_t i = 0; v && i < rt_verify_check_count(v); i++)
			printf("%s %s %s\n", rt_verify_check_name(v, i), rt_verify_check_ok(v, i) ? "ok" : "FAILED",
			       rt_verify_check_summary(v, i) ? rt_verify_check_summary(v, i) : "");
		rt_verify_report_free(v);
	}
	if (rc)
		fprintf(stderr, "%s\n", rt_error_message(err));
	rt_ctx_close(ctx);
	rt_config_free(cfg);
	rt_error_free(err);
	return rc ? 1 : 0;
}
C
	local build libs
	build=$(dirname "$RETORT")
	libs="$build/libretort.a $(pkg-config --libs sqlite3 inih) -lpg_query -ldl -pthread $(grep -q asan <<<"$build" && echo -fsanitize=address,undefined)"
	# shellcheck disable=SC2086
	cc -std=c11 -Wall -Wextra -Werror -I"$REPO/include" -o prog main.c proj.c $libs || fail "the generated source does not build"
	./prog sqlite:///x.db list > with.txt 2> err || fail "list failed: $(cat err)"
	[ "$(wc -l < with.txt)" = 5 ] || fail "not five revisions: $(cat with.txt)"
	grep -q '^d4|merge|[^|]*|d2,d3,||' with.txt || fail "the merge's parents: $(cat with.txt)"
	grep -q '^d3|branch|[^|]*|d1,||d2,|' with.txt || fail "d3's dependency: $(cat with.txt)"
	grep -q '^d1|first|2026-11-22 14:30:00.000000+00:00||core,|' with.txt || fail "d1's date and label: $(cat with.txt)"
	# The same project as a file generated before digests: parsed, the same graph.
	sed -e '/^\tdigests,$/d' -e 's/^\tsizeof(rt_embedded),$/\toffsetof(rt_embedded, nseeds) + sizeof(size_t),/' \
		-e 's/^#include <retort.h>$/#include <stddef.h>\n#include <retort.h>/' proj.c > old.c
	! grep -q '^\tdigests,$' old.c || fail "old.c still names the digests"
	# shellcheck disable=SC2086
	cc -std=c11 -Wall -Wextra -Wno-missing-field-initializers -I"$REPO/include" -o prog-old main.c old.c $libs || fail "the old-style source does not build"
	./prog-old sqlite:///x.db list > without.txt 2> err || fail "list (parsed) failed: $(cat err)"
	diff without.txt with.txt > diff.txt || fail "the digests give another graph than parsing: $(cat diff.txt)"
	# A text edited in the generated file (same length): its digest is not read, the text is parsed.
	sed 's/"-- Message: first\\n"/"-- Message: fir5t\\n"/' proj.c > edited.c
	! cmp -s proj.c edited.c || fail "the edit did not apply"
	# shellcheck disable=SC2086
	cc -std=c11 -Wall -Wextra -I"$REPO/include" -o prog-edited main.c edited.c $libs || fail "edited.c does not build"
	./prog-edited sqlite:///x.db list > edited.txt 2> err || fail "list (edited) failed: $(cat err)"
	grep -q '^d1|fir5t|' edited.txt || fail "the edited text was not read: $(cat edited.txt)"
	# Upgrade from the embedded project; then an edited migration, re-embedded, fails the checksum check.
	./prog sqlite:///app.db upgrade > out 2> err || fail "upgrade failed: $(cat err)"
	expect_versions "d5"
	./prog sqlite:///app.db verify > out 2> err || fail "verify failed: $(cat err)"
	grep -q '^checksums ok' out || fail "checksums not ok after the upgrade: $(cat out)"
	sed -i 's/CREATE TABLE d1 (a int);/CREATE TABLE d1 (a int, b int);/' migrations/d1_first.sql
	rt embed -o proj.c
	expect_rc 0
	# shellcheck disable=SC2086
	cc -std=c11 -Wall -Wextra -I"$REPO/include" -o prog main.c proj.c $libs || fail "the re-embedded source does not build"
	./prog sqlite:///app.db verify > out 2> err || fail "verify failed: $(cat err)"
	grep -q '^checksums FAILED.*' out || fail "the edited migration was not caught: $(cat out)"
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
