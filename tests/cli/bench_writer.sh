#!/bin/bash
# bench_writer.sh - bench/writer.c, the steady writer of the benchmark's
# section online, measures what a lock costs the application: while another
# session holds a lock on its table the writer's statement waits, and its
# worst latency and its per-statement samples say for how long; on SIGTERM
# it finishes and prints its summary line.
. "$(dirname "$0")/lib.sh"
REPO=$(cd "$(dirname "$0")/../.." && pwd)

# field NAME LINE: the value of NAME=... in the writer's summary line
field() { tr ' ' '\n' <<<"$2" | sed -n "s/^$1=//p"; }

pg_test_writer_reports_the_wait_of_a_lock() {
	psql_db -c "CREATE TABLE customers (id bigint PRIMARY KEY);
		CREATE TABLE orders (id bigserial PRIMARY KEY, customer_id bigint REFERENCES customers,
			amount_cents integer, status text);
		INSERT INTO customers SELECT generate_series(1, 10);
		INSERT INTO orders (customer_id, amount_cents, status) SELECT 1, 1, 'new' FROM generate_series(1, 100);" ||
		fail "cannot make the tables"
	local build san=
	build=$(dirname "$RETORT")
	grep -q asan <<<"$build" && san=-fsanitize=address,undefined
	# shellcheck disable=SC2046
	cc -std=c11 -O2 -Wall -Wextra -Werror $san -o writer "$REPO/bench/writer.c" \
		$(pkg-config --cflags --libs libpq) -lm || fail "bench/writer.c does not build"
	./writer -r 100 -n 100 -c 10 -s samples \
		"host=$RETORT_TEST_PGHOST port=$RETORT_TEST_PGPORT user=$RETORT_TEST_PGUSER dbname=$TEST_DB" > out 2> err &
	local w=$!
	wait_for out ready
	# another session holds the table's lock until the test lets go (it
	# waits on a FIFO): once the writer's statement is seen waiting for it,
	# 1.5 s more.  A lock held for a fixed time would show a wait of 1.5 s
	# only if the writer sent its statement at once, which a loaded host
	# need not do.
	hold_sql "BEGIN; LOCK TABLE orders IN ACCESS EXCLUSIVE MODE;" psql_db
	local i=0
	until [ "$(psql_db -c "SELECT count(*) FROM pg_stat_activity WHERE datname = current_database() AND wait_event_type = 'Lock'")" = 1 ]; do
		[ $((i += 1)) -le 600 ] || fail "the writer's statement did not wait for the lock within 60 s"
		sleep 0.1
	done
	sleep 1.5 # the wait the writer is to measure, not a synchronisation
	release
	# and some statements after it: at least 6 inserts in all (half the
	# statements are inserts), so 11 statements or more
	i=0
	until [ "$(psql_db -c 'SELECT count(*) >= 106 FROM orders')" = t ]; do
		[ $((i += 1)) -le 600 ] || fail "the writer wrote nothing more within 60 s"
		sleep 0.1
	done
	kill -TERM "$w"
	wait "$w" || fail "the writer exited with $?: $(cat err)"
	local line count
	line=$(tail -n 1 out)
	[[ $line =~ ^count=[0-9]+\ errors=[0-9]+\ p50=[0-9.]+\ p99=[0-9.]+\ worst=[0-9.]+\ elapsed=[0-9.]+$ ]] ||
		fail "summary line: '$line'"
	count=$(field count "$line")
	[ "$(field errors "$line")" = 0 ] || fail "statements failed: $(cat err)"
	[ "$count" -ge 10 ] || fail "only $count statements: $line"
	awk -v w="$(field worst "$line")" 'BEGIN { exit !(w >= 1.0 && w < 60) }' ||
		fail "the worst latency does not show the 1.5 s lock: $line"
	awk -v p="$(field p50 "$line")" 'BEGIN { exit !(p < 0.5) }' ||
		fail "the median statement waited too: $line"
	# one sample line per statement: start (epoch seconds), latency, failed; the
	# longest is the worst of the summary, and it started while the lock was held
	[ "$(wc -l < samples)" = "$count" ] || fail "$(wc -l < samples) sample lines for $count statements"
	awk 'NF != 3 || $1 < 1e9 || $2 < 0 || $3 != 0 { bad = 1 } END { exit bad }' samples ||
		fail "malformed samples: $(head -n 3 samples)"
	[ "$(sort -k2,2 -g samples | tail -n 1 | awk '{printf "%.6f", $2}')" = "$(field worst "$line")" ] ||
		fail "the samples' longest latency is not the summary's worst"
	# the writer wrote: half its statements are inserts
	[ "$(psql_db -c 'SELECT count(*) > 100 FROM orders')" = t ] || fail "the writer inserted nothing"
}

run_tests
