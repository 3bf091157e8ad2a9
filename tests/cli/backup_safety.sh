#!/bin/bash
# tests/cli/backup_safety.sh - a backup is private (0600 in a 0700
# backups/), appears under its name only once complete (a killed backup
# leaves nothing that looks whole), never overwrites or writes through a
# symlink, and pg_dump gets no secret on its command line: the connection
# goes in a 0600 service file that is gone from the disk before pg_dump
# starts.
. "$(dirname "$0")/lib.sh"

psql_admin() { psql -X -q -At -h "$RETORT_TEST_PGHOST" -p "$RETORT_TEST_PGPORT" -U "$RETORT_TEST_PGUSER" "$@"; }

# Octal permission bits of a file.
mode() { stat -c %a "$1"; }

# The newest real pg_dump.
real_pg_dump() { ls -d /usr/lib/postgresql/*/bin/pg_dump 2>/dev/null | sort -V | tail -n 1; }

test_backup_files_are_private() {
	project
	tmig m001 ""
	rt upgrade head
	[ "$DIALECT" = sqlite ] && chmod 644 app.db
	umask 022
	rt backup
	expect_rc 0
	[ "$(mode backups)" = 700 ] || fail "backups/ is $(mode backups), not 700"
	[ "$(mode "$OUT")" = 600 ] || fail "$OUT is $(mode "$OUT"), not 600"
	rt backup -o mine.bak
	expect_rc 0
	[ "$(mode mine.bak)" = 600 ] || fail "mine.bak is $(mode mine.bak), not 600"
	rt upgrade --backup head
	expect_rc 0
	for f in backups/*; do [ "$(mode "$f")" = 600 ] || fail "$f is $(mode "$f")"; done
	ls -A backups | grep -q partial && fail "a partial file was left: $(ls -A backups)"
	return 0
}

# -o onto a symlink (dangling or not) is refused; nothing is written
# through it.
test_backup_never_follows_a_symlink() {
	project
	tmig m001 ""
	rt upgrade head
	ln -s target.bak link.bak
	rt backup -o link.bak
	expect_rc 2
	expect_err_has "link.bak: already exists"
	[ -e target.bak ] && fail "the backup was written through the symlink"
	[ -L link.bak ] || fail "the symlink was replaced"
	echo keep > other.bak
	ln -s other.bak link2.bak
	rt backup -o link2.bak
	expect_rc 2
	[ "$(cat other.bak)" = keep ] || fail "the symlink's target was overwritten"
	ls -A | grep -q partial && fail "a partial file was left: $(ls -A)"
	return 0
}

# A backup killed while it waits on a locked database leaves no file
# under the name asked for (one there would open as an empty database).
# The sqlite3 shell holds the lock until the test closes the FIFO it waits
# on, not for a time: a holder that sleeps may not hold yet when the backup
# starts (which then completes), or let go before a slow backup is killed.
sqlite_test_killed_backup_leaves_no_file_under_its_name() {
	project
	tmig m001 ""
	rt upgrade head
	hold_sql "BEGIN EXCLUSIVE; INSERT INTO t_m001 VALUES (1);" sqlite3 app.db
	"$RETORT" --lock-wait 60 backup -o b.sqlite 2>/dev/null 8>&- &
	local pid=$!
	# its partial file is made before app.db is read, and it cannot be
	# complete while the lock is held: the backup is under way
	local i=0
	until ls -A | grep -q '^\.b\.sqlite\.partial-'; do
		[ $((i += 1)) -le 600 ] || fail "the backup made no partial file within 60 s: $(ls -A)"
		sleep 0.1
	done
	kill -9 "$pid"
	wait "$pid" 2>/dev/null
	release
	[ -e b.sqlite ] && fail "a killed backup left b.sqlite ($(stat -c %s b.sqlite) bytes)"
	rt backup -o b.sqlite
	expect_rc 0
	[ "$(sqlite3 b.sqlite 'SELECT count(*) FROM t_m001')" = 1 ] || fail "the backup after it is not whole"
}

# The same for pg_dump: it has written part of the dump when retort dies.
pg_test_killed_backup_leaves_no_file_under_its_name() {
	project
	tmig m001 ""
	rt upgrade head
	cat > dying_pg_dump <<'DYING'
#!/bin/sh
[ "$1" = --version ] && { echo "pg_dump (PostgreSQL) 99.0"; exit 0; }
out=/dev/stdout
for a; do case $a in --file=*) out=${a#--file=} ;; esac; done
printf PGDMP-partial > "$out"
kill -9 $PPID
DYING
	chmod +x dying_pg_dump
	RETORT_PG_DUMP=$PWD/dying_pg_dump "$RETORT" backup -o x.dump 2>/dev/null
	[ -e x.dump ] && fail "a killed backup left x.dump: $(cat x.dump)"
	return 0
}

# pg_dump's argv (read from /proc as ps shows it) and environment hold no
# password or sslpassword; the service file that does is 0600 and already
# deleted when pg_dump runs; nothing of it stays in TMPDIR; the dump is real.
pg_test_pg_dump_gets_no_secret_in_argv_or_environment() {
	project
	tmig m001 ""
	rt upgrade head
	local real
	real=$(real_pg_dump)
	[ -n "$real" ] || fail "no pg_dump installed"
	cat > spy_pg_dump <<SPY
#!/bin/bash
[ "\$1" = --version ] && exec "$real" --version
tr '\\0' ' ' < /proc/\$\$/cmdline > argv
tr '\\0' '\\n' < /proc/\$\$/environ > environ
cat "\$PGSERVICEFILE" > service
stat -L -c %a "\$PGSERVICEFILE" > service_mode
readlink "\$PGSERVICEFILE" > service_link
exec "$real" "\$@"
SPY
	chmod +x spy_pg_dump
	psql_admin -d postgres -c "ALTER USER $RETORT_TEST_PGUSER PASSWORD 's3cret-pw'" >/dev/null
	sed -i "s|postgresql://$RETORT_TEST_PGUSER@/\\([^?]*\\)?|postgresql://$RETORT_TEST_PGUSER:s3cret-pw@/\\1?sslpassword=ssl-s3cret\\&|" retort.ini
	mkdir tmp
	TMPDIR=$PWD/tmp RETORT_PG_DUMP=$PWD/spy_pg_dump rt backup -o x.dump
	psql_admin -d postgres -c "ALTER USER $RETORT_TEST_PGUSER PASSWORD NULL" >/dev/null
	expect_rc 0
	grep -q "s3cret" argv && fail "a secret was on pg_dump's command line: $(cat argv)"
	grep -q "s3cret" environ && fail "a secret was in pg_dump's environment: $(grep s3cret environ)"
	grep -qx "password=s3cret-pw" service || fail "no password in the service file: $(cat service)"
	grep -qx "sslpassword=ssl-s3cret" service || fail "no sslpassword in the service file"
	[ "$(cat service_mode)" = 600 ] || fail "the service file was $(cat service_mode)"
	grep -q "(deleted)" service_link || fail "the service file still had a name: $(cat service_link)"
	[ -z "$(ls -A tmp)" ] || fail "left in TMPDIR: $(ls -A tmp)"
	[ "$(mode x.dump)" = 600 ] || fail "x.dump is $(mode x.dump)"
	pg_restore --list x.dump | grep -q "TABLE public t_m001" || fail "the dump does not hold t_m001"
}

run_tests
