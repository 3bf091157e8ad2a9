#!/bin/bash
# tests/source/tests_run.sh - tests/run runs the unit-test programs that
# `make list-tests` names and no others: a test_* left in the build
# directory by another branch (or a test since removed) is not run, and a
# named one that is not built counts as failed, not as passed.  Runs
# tests/run on a build directory of its own, without database servers.
# Output is TAP.
set -u
cd "$(dirname "$0")/../.."

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
build=$tmp/build
mkdir -p "$build/tests"
export RETORT_TEST_NO_PG=1 RETORT_TEST_NO_MYSQL=1

n=0 bad=0
check() {  # description, then a command that must succeed
	local what=$1
	shift
	n=$((n + 1))
	if "$@"; then
		echo "ok $n - $what"
	else
		echo "not ok $n - $what"
		sed 's/^/# /' "$tmp/out"
		bad=$((bad + 1))
	fi
}
fake() {  # a test program that reports one result
	printf '#!/bin/sh\necho "%s 1 - %s"\n' "$2" "$1" > "$build/tests/$1"
	chmod +x "$build/tests/$1"
}
run() {  # TESTS words; leaves the output in $tmp/out and the status in $status
	TESTS=$1 tests/run "$build" > "$tmp/out" 2>&1
	status=$?
}

name=$(make -s --no-print-directory BUILD="$build" list-tests | grep -m1 '^test_')
check "make list-tests names the unit tests" test -n "$name"

fake test_zz_left_behind "not ok"
run test_zz_left_behind
check "a test_* the Makefile does not name is not run" \
	bash -c "[ $status -eq 0 ] && ! grep -q test_zz_left_behind '$tmp/out' && grep -q '^0 passed, 0 skipped, 0 failed' '$tmp/out'"

run "$name"
check "$name not built: counted as failed" \
	bash -c "[ $status -ne 0 ] && grep -q '$name: not built' '$tmp/out' && grep -q '^0 passed, 0 skipped, 1 failed' '$tmp/out'"

fake "$name" ok
run "$name"
check "$name built: run" \
	bash -c "[ $status -eq 0 ] && grep -q '^1 passed, 0 skipped, 0 failed' '$tmp/out'"

echo "1..$n"
[ "$bad" -eq 0 ]
