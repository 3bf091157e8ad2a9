#!/bin/bash
# graph_cache.sh - the graph cache (migrations/.retort-graph) that status,
# heads, current and history read instead of every migration file: it is
# used when a file's size, times and inode match, and every change to the
# files gives the same graph as no cache at all.
. "$(dirname "$0")/lib.sh"

CACHE=migrations/.retort-graph

# aaaa -> bbbb -> cccc, old enough (change time over 2 s ago) to be cached.
chain() {
	project
	tmig aaaa ""
	tmig bbbb aaaa
	tmig cccc bbbb
	sleep 2.2
}

# What the listings print: history -v and --json, heads, current and status --json.
listing() {
	local all=
	rt history -v; all+="$RC $OUT $ERR"
	rt history --json; all+="$RC $OUT $ERR"
	rt heads; all+="$RC $OUT $ERR"
	rt current; all+="$RC $OUT $ERR"
	rt status --json; all+="$RC $OUT $ERR"
	printf '%s' "$all"
}

# The listings with the cache as it is equal those without any cache (and
# the run with the cache leaves a cache a second run also agrees with).
expect_same_as_no_cache() {
	local cached again fresh
	cached=$(listing)
	again=$(listing)
	mv "$CACHE" "$CACHE.kept" 2>/dev/null
	fresh=$(listing)
	rm -f "$CACHE"
	mv "$CACHE.kept" "$CACHE" 2>/dev/null
	[ "$cached" = "$fresh" ] || fail "with the cache:
$cached
without:
$fresh"
	[ "$again" = "$fresh" ] || fail "second run with the cache differs"
	ls migrations | grep -q '\.tmp$' && fail "a temporary cache file was left: $(ls migrations)"
	return 0
}

# Rewrite one string of the cache (same length) and its sum, so that what
# the listings print shows whether the entry was used.
patch_cache() {
	/usr/bin/python3 - "$CACHE" "$1" "$2" <<'EOF'
import struct, sys
path, old, new = sys.argv[1], sys.argv[2].encode(), sys.argv[3].encode()
data = open(path, "rb").read()[:-8]
assert len(old) == len(new) and data.count(old) == 1, "string not in the cache once"
data = data.replace(old, new)
h, M = 1469598103934665603, (1 << 64) - 1
n = len(data) // 8 * 8
for (w,) in struct.iter_unpack("<Q", data[:n]):
    h = ((h ^ w) * 1099511628211) & M
for b in data[n:]:
    h = ((h ^ b) * 1099511628211) & M
open(path, "wb").write(data + struct.pack("<Q", h))
EOF
}

# Rewrite a file in place (same inode), replacing one string with another of its length.
edit_in_place() {
	/usr/bin/python3 - "$1" "$2" "$3" <<'EOF'
import sys
path, old, new = sys.argv[1], sys.argv[2].encode(), sys.argv[3].encode()
with open(path, "r+b") as f:
    data = f.read()
    assert len(old) == len(new) and old in data
    f.seek(0)
    f.write(data.replace(old, new))
EOF
}

sqlite_test_graph_cache_is_written_and_used() {
	chain
	rt history
	expect_rc 0
	[ -s "$CACHE" ] || fail "no cache written"
	patch_cache "rev bbbb" "REV BBBB"
	rt history
	expect_out_has "REV BBBB" # the entry served, the file not read
	rt upgrade head            # running reads the files themselves
	expect_rc 0
	expect_q "SELECT count(*) FROM t_bbbb" 0
}

sqlite_test_graph_cache_edit_in_place_same_size_and_times() {
	chain
	rt history
	local f
	f=$(ls migrations/bbbb_*.sql)
	touch -r "$f" ref
	local t0 t1
	t0=$(date +%s.%N)
	edit_in_place "$f" "Message: rev bbbb" "Message: rev BBBB"
	touch -r ref "$f" # the same size, modification time and inode: only the change time differs
	rt history
	t1=$(date +%s.%N)
	expect_out_has "rev BBBB"
	expect_out_lacks "rev bbbb"
	# changed a moment ago (racy): read, but not stored until it is older.
	# Checked when the edit and the run took under 2 s, so that the file
	# was still racy when the run stored the cache; on a host slow enough
	# to take longer it is rightly stored, and what follows holds either way.
	if awk -v a="$t0" -v b="$t1" 'BEGIN { exit !(b - a < 1.9) }'; then
		grep -q "rev BBBB" "$CACHE" && fail "a file changed a moment ago was stored in the cache"
	fi
	expect_same_as_no_cache
	# and the same edit made a moment after the read (racy) is not trusted
	rt history
	edit_in_place "$f" "Message: rev BBBB" "Message: rev bbbb"
	touch -r ref "$f"
	rt history
	expect_out_has "rev bbbb"
	expect_same_as_no_cache
	sleep 2.2
	rt history
	grep -q "rev bbbb" "$CACHE" || fail "the file was not stored once older than 2 s"
	expect_same_as_no_cache
}

sqlite_test_graph_cache_follows_touch_rename_delete_add() {
	chain
	rt history
	touch migrations/aaaa_*.sql
	expect_same_as_no_cache
	mv migrations/cccc_rev_cccc.sql migrations/zzzz_renamed.sql
	expect_same_as_no_cache
	rt history -v
	expect_out_has "migrations/zzzz_renamed.sql"
	tmig dddd cccc
	expect_same_as_no_cache
	rt heads
	expect_out_has "dddd"
	rm migrations/dddd_*.sql migrations/zzzz_renamed.sql
	expect_same_as_no_cache
	rt heads
	expect_out_has "bbbb"
	# a file swapped for another with its name and size (another inode)
	cp migrations/bbbb_rev_bbbb.sql copy
	sed -i 's/^-- Message: rev bbbb$/-- Message: rev xxxx/' copy
	touch -r migrations/bbbb_rev_bbbb.sql copy
	mv copy migrations/bbbb_rev_bbbb.sql
	expect_same_as_no_cache
	rt history
	expect_out_has "rev xxxx"
}

sqlite_test_graph_cache_damaged_or_foreign_is_ignored_and_rewritten() {
	chain
	rt history
	local good size
	good=$(listing)
	size=$(stat -c %s "$CACHE")
	for damage in truncate flip version empty garbage; do
		case $damage in
		truncate) head -c 100 "$CACHE" > x; mv x "$CACHE" ;;
		flip) /usr/bin/python3 -c 'import sys; p=sys.argv[1]; d=bytearray(open(p,"rb").read()); d[60]^=1; open(p,"wb").write(d)' "$CACHE" ;;
		version) printf 'RTGC\x63\x00\x00\x00' | dd of="$CACHE" conv=notrunc status=none ;;
		empty) : > "$CACHE" ;;
		garbage) head -c 5000 /dev/urandom > "$CACHE" ;;
		esac
		[ "$(listing)" = "$good" ] || fail "$damage: the listings differ"
		[ "$(stat -c %s "$CACHE")" = "$size" ] || fail "$damage: the cache was not rewritten"
	done
	# a directory in its place: no cache, the same listings
	rm -f "$CACHE"; mkdir "$CACHE"
	[ "$(listing)" = "$good" ] || fail "a directory named like the cache changed the listings"
}

# Labels, dependencies, a merge, a squash beside its chain, unicode and
# control characters in messages: every header field the listings show
# comes out of the cache as the files give it, errors (naming lines) too.
sqlite_test_graph_cache_every_header_field() {
	project
	tmig aaaa "" "-- Branch Labels: core, infra"
	tmig bbbb aaaa
	tmig cccc bbbb
	tmig dddd aaaa "-- Branch Labels: feat" "-- Depends On: cccc"
	tmig eeee "cccc, dddd"
	mig ffff aaaa "squash $(printf 'caf\xc3\xa9 \x1b[31mred')" "SELECT 1;" "" "-- Replaces: bbbb, cccc" >/dev/null
	printf -- '-- Revision ID: gggg\n-- Revises: eeee\n-- Message: no downgrade\n\n-- migrate:upgrade\nSELECT 1;\n' > migrations/gggg_up_only.sql
	sleep 2.2
	rt history
	expect_rc 0
	expect_same_as_no_cache
	rt history -v
	expect_out_has "café"
	rt history --json
	grep -q '"revision": "gggg".*"has_downgrade": false' <<<"$OUT" || fail "gggg has a downgrade: $OUT"
	grep -q '"revision": "ffff".*"replaces": \["bbbb", "cccc"\]' <<<"$OUT" || fail "ffff replaces: $OUT"
	rt history -v
	expect_out_has "ffff (squash of bbbb..cccc)"
	# a label used twice: the error names the cached file and its line
	tmig hhhh gggg "-- Branch Labels: feat"
	sleep 2.2
	rt heads
	expect_rc 1
	expect_err_has "branch label 'feat' is already used by revision"
	expect_same_as_no_cache
}

sqlite_test_graph_cache_with_a_broken_file() {
	chain
	rt history
	printf -- '-- Revision ID: eeee\n-- Revises: cccc\nSELECT 1;\n' > migrations/eeee_broken.sql
	rt history
	expect_rc 1
	expect_err_has "eeee_broken.sql"
	rt heads
	expect_rc 1
	expect_err_has "eeee_broken.sql"
	rm migrations/eeee_broken.sql
	expect_same_as_no_cache
}

sqlite_test_graph_cache_two_processes_writing() {
	chain
	local i
	for i in 1 2 3 4 5; do
		rm -f "$CACHE"
		"$RETORT" history > out1 2>&1 &
		"$RETORT" heads > out2 2>&1 &
		"$RETORT" status > out3 2>&1 &
		wait
		grep -q "rev cccc" out1 && grep -q "cccc" out2 && grep -q "0 applied, 3 pending" out3 ||
			fail "round $i: $(cat out1 out2 out3)"
		expect_same_as_no_cache
	done
}

sqlite_test_graph_cache_read_only_directory() {
	chain
	if [ "$(id -u)" = 0 ]; then
		# root writes anyway: a read-only directory is what a cache that
		# cannot be replaced looks like, so make the rename fail instead
		mkdir "$CACHE"
		touch "$CACHE/keep"
	else
		chmod a-w migrations
	fi
	local first
	first=$(listing)
	[ ! -f "$CACHE" ] || fail "a cache was written"
	chmod u+w migrations
	rm -rf "$CACHE"
	[ "$(listing)" = "$first" ] || fail "the listings differ from those without a cache"
}

run_tests
