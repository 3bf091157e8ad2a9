#!/bin/bash
# The schema diff as a property on MySQL/MariaDB: for random pairs of
# schemas A and B (tests/cli/mysql_property.py, seeded), the upgrade retort
# computes turns a database holding A, with rows, into exactly B, and the
# downgrade it computes turns it back into exactly A (retort diff between
# the result and a database loaded from the file finds nothing).  Each
# statement is applied with the mariadb client.
#
#   RT_MY_PROPERTY_PAIRS=N   pairs (default 30)
#   RT_MY_PROPERTY_SEED=S    pair i uses seed S + i; a failure names its seed
. "$(dirname "$0")/lib.sh"

GEN=$(cd "$(dirname "$0")" && pwd)/mysql_property.py
url_of() { echo "mysql://${RETORT_TEST_MYSQL_USER}@localhost/$1?socket=${RETORT_TEST_MYSQL_SOCKET}"; }

# The diff from one database to another, as SQL (empty: no difference).
diff_sql() { rt --url "$(url_of "$1")" diff --from "$(url_of "$1")" --to "$(url_of "$2")"; }

one_pair() {  # seed
	local seed=$1 a="${TEST_DB}_a" b="${TEST_DB}_b" ref="${TEST_DB}_r"
	/usr/bin/python3 "$GEN" "$seed" || fail "seed $seed: the generator failed"
	my "" -e "DROP DATABASE IF EXISTS $a; DROP DATABASE IF EXISTS $b; DROP DATABASE IF EXISTS $ref;
		  CREATE DATABASE $a; CREATE DATABASE $b; CREATE DATABASE $ref"
	my "$a" < A.sql 2>err || fail "seed $seed: A does not load (a generator bug): $(cat err)"
	my "$a" < A-rows.sql 2>err || fail "seed $seed: A's rows do not go in (a generator bug): $(cat err)"
	my "$ref" < A.sql 2>err || fail "seed $seed: A does not load twice: $(cat err)"
	my "$b" < B.sql 2>err || fail "seed $seed: B does not load (a generator bug): $(cat err)"
	diff_sql "$a" "$b"
	expect_rc 0
	printf '%s\n' "$OUT" > up.sql
	my "$a" < up.sql 2>err || fail "seed $seed: the upgrade fails: $(cat err)
$(cat up.sql)"
	diff_sql "$a" "$b"
	[ -z "$OUT" ] || fail "seed $seed: after the upgrade the database is not B: $OUT
upgrade was:
$(cat up.sql)"
	diff_sql "$a" "$ref"
	printf '%s\n' "$OUT" > down.sql
	my "$a" < down.sql 2>err || fail "seed $seed: the downgrade fails: $(cat err)
$(cat down.sql)"
	diff_sql "$a" "$ref"
	[ -z "$OUT" ] || fail "seed $seed: after the downgrade the database is not A: $OUT"
	[ "$(my "$a" -e "SELECT COUNT(*) FROM t0" 2>/dev/null || echo 2)" -ge 0 ] || true
	my "" -e "DROP DATABASE $a; DROP DATABASE $b; DROP DATABASE $ref"
}

my_test_random_schema_pairs_round_trip() {
	project
	local n=${RT_MY_PROPERTY_PAIRS:-30} s=${RT_MY_PROPERTY_SEED:-1000} i
	for i in $(seq 0 $((n - 1))); do
		one_pair $((s + i))
	done
}

run_tests
