#!/bin/bash
# errors.sh - failures with real answers: a database at a revision no file
# defines, 'head' with several heads, every kind of broken revision graph
# (each naming its files), exit codes, and --help for every command.
. "$(dirname "$0")/lib.sh"

chain() {  # aaaa -> bbbb -> cccc
	project
	tmig aaaa ""
	tmig bbbb aaaa
	tmig cccc bbbb
}

# The database is ahead of the code: its row names a file that is gone.
test_database_at_unknown_revision() {
	chain
	rt upgrade head
	q "UPDATE retort_version SET version_num = '9f8e7d6c5b4a'"
	local c
	for c in "upgrade head" "upgrade +1" "downgrade base" "downgrade -1" "current" "stamp head"; do
		# shellcheck disable=SC2086
		rt $c
		expect_rc 1
		expect_err_has "error: database is at revision 9f8e7d6c5b4a, which no migration file defines (the known heads are: cccc)"
		expect_err_has "retort stamp --purge"
		expect_db "9f8e7d6c5b4a" "t_aaaa t_bbbb t_cccc"
	done
	# the repair the hint names
	rt stamp --purge cccc
	expect_rc 0
	expect_db "cccc" "t_aaaa t_bbbb t_cccc"
	rt upgrade head
	expect_rc 0
	rt current
	expect_out "cccc (head)"
}

test_unknown_row_next_to_known_rows() {
	project
	tmig aaaa ""
	tmig bbbb aaaa
	tmig cccc aaaa
	rt upgrade heads
	q "INSERT INTO retort_version (version_num) VALUES ('deadbeef0000')"
	rt upgrade heads
	expect_rc 1
	expect_err_has "deadbeef0000"
	expect_err_has "bbbb, cccc"
	rt current
	expect_rc 1
	expect_out "bbbb (head)
cccc (head)"
	expect_err_has "deadbeef0000"
}

test_head_with_several_heads() {
	project
	tmig aaaa ""
	tmig bbbb aaaa
	tmig cccc aaaa
	local c
	for c in "upgrade head" "downgrade head" "show head" "history -r :head" "upgrade head-1"; do
		# shellcheck disable=SC2086
		rt $c
		expect_rc 1
		expect_err_has "Multiple head revisions are present for given argument 'head': bbbb, cccc"
		expect_err_has 'retort merge -m "merge heads" heads'
	done
	expect_db "" ""
	rt revision -m x
	expect_rc 1
	expect_err_has "Multiple heads are present"
	expect_err_has "retort merge"
}

test_ambiguous_prefix_lists_candidates() {
	project
	tmig aaaa1 ""
	tmig aaaa2 aaaa1
	tmig aaab aaaa2
	rt upgrade aaaa
	expect_rc 1
	expect_err_has "Can't locate revision identified by 'aaaa': the prefix matches 2 revisions: aaaa1, aaaa2"
	expect_db "" ""
	rt show aaa
	expect_rc 1
	expect_err_has "aaaa1, aaaa2, aaab"
	rt upgrade aaaa2
	expect_rc 0
	expect_db "aaaa2" "t_aaaa1 t_aaaa2"
}

# Each broken graph: heads and upgrade both fail naming the files, nothing runs.
broken_graph_fails() {  # message-fragment file...
	local what=$1 f c
	shift
	for c in heads "upgrade heads"; do
		# shellcheck disable=SC2086
		rt $c
		[ "$RC" -ne 0 ] || fail "'retort $c' succeeded on a broken graph"
		expect_err_has "$what"
		for f in "$@"; do expect_err_has "$f"; done
	done
	expect_db "" ""
}

test_duplicate_revision_ids() {
	project
	tmig aaaa ""
	tmig bbbb aaaa
	cp migrations/bbbb_rev_bbbb.sql migrations/bbbb_copy.sql
	broken_graph_fails "revision id bbbb is already defined" migrations/bbbb_rev_bbbb.sql migrations/bbbb_copy.sql
}

test_unknown_down_revision() {
	project
	tmig aaaa ""
	tmig cccc nope
	broken_graph_fails "revision cccc revises nope, which no migration file defines" "migrations/cccc_rev_cccc.sql:2"
}

test_unknown_dependency() {
	project
	tmig aaaa ""
	tmig cccc aaaa "-- Depends On: ffff"
	broken_graph_fails "depends on 'ffff'" "migrations/cccc_rev_cccc.sql:5"
}

test_cycle() {
	project
	tmig aaaa ""
	tmig cccc dddd
	tmig dddd cccc
	broken_graph_fails "cycle in the revision graph" migrations/cccc_rev_cccc.sql migrations/dddd_rev_dddd.sql
}

test_self_loop() {
	project
	tmig eeee eeee
	broken_graph_fails "revision eeee revises itself" "migrations/eeee_rev_eeee.sql:2"
}

test_duplicate_branch_labels() {
	project
	tmig aaaa ""
	tmig cccc aaaa "-- Branch Labels: lbl"
	tmig dddd aaaa "-- Branch Labels: lbl"
	broken_graph_fails "branch label 'lbl' is already used" migrations/cccc_rev_cccc.sql migrations/dddd_rev_dddd.sql
}

test_malformed_files() {
	project
	tmig aaaa ""
	printf 'hello\n' > migrations/junk.sql
	broken_graph_fails "SQL before the first '-- migrate:upgrade' marker" "migrations/junk.sql:1"
	printf -- '-- Revision ID: zz\n-- Revises:\n-- Bogus: x\n-- migrate:upgrade\n' > migrations/junk.sql
	broken_graph_fails "unknown header key 'Bogus'" "migrations/junk.sql:3"
	printf -- '-- Revision ID: zz\n-- Revises:\n' > migrations/junk.sql
	broken_graph_fails "no '-- migrate:upgrade' section" "migrations/junk.sql"
	printf -- '-- Revision ID: z@z\n-- Revises:\n-- migrate:upgrade\n' > migrations/junk.sql
	broken_graph_fails "character '@' is not allowed in revision id 'z@z'" "migrations/junk.sql:1"
	printf -- '-- Revises:\n-- migrate:upgrade\n' > migrations/junk.sql
	broken_graph_fails "Revision ID" "migrations/junk.sql"
	rm migrations/junk.sql
	rt heads
	expect_rc 0
	expect_out "aaaa (head)"
}

test_missing_script_location() {
	project
	rmdir migrations
	rt heads
	expect_rc 2
	expect_err_has "migrations: the script location does not exist"
	expect_err_has "retort init"
}

# A client library opened at the first connection of its dialect: SQLite
# works without it, and its URL without it says what to install.
# Arguments: the variable naming the library, its soname, a URL of the
# dialect, what the message says is needed, the first function loaded.
check_client_library_loaded_on_demand() {
	local var=$1 soname=$2 url=$3 needs=$4 first=$5
	if readelf -d "$RETORT" | grep -q "NEEDED.*${soname%%.so*}"; then
		fail "retort is linked with $soname"
	fi
	export "$var=/nonexistent/$soname"
	project
	tmig aaaa ""
	rt upgrade head
	expect_rc 0
	expect_db "aaaa" "t_aaaa"
	rt --url "$url" current
	expect_rc 1
	expect_err_has "$needs, which cannot be loaded: /nonexistent/$soname"
	expect_err_has "hint: $var=/nonexistent/$soname is not a usable $soname"
	expect_err_lacks "s3cret"
	export "$var=libsqlite3.so.0"
	rt --url "$url" current
	expect_rc 1
	expect_err_has "libsqlite3.so.0 has no $first"
}

sqlite_test_libpq_loaded_only_for_postgresql() {
	check_client_library_loaded_on_demand RETORT_LIBPQ libpq.so.5 postgresql://deploy:s3cret@localhost/app \
		"PostgreSQL needs libpq" PQclear
}

sqlite_test_libmariadb_loaded_only_for_mysql() {
	check_client_library_loaded_on_demand RETORT_LIBMARIADB libmariadb.so.3 mysql://deploy:s3cret@localhost/app \
		"MySQL and MariaDB need the MariaDB Connector/C" mysql_server_init
}

# libcrypto likewise, at the first checksum: a run with nothing to do
# computes none.
sqlite_test_libcrypto_not_linked() {
	if readelf -d "$RETORT" | grep -q 'NEEDED.*libcrypto'; then
		fail "retort is linked with libcrypto"
	fi
	project
	tmig aaaa ""
	rt upgrade head
	expect_rc 0
	local sum
	sum=$(q "SELECT checksum FROM retort_version_history WHERE revision = 'aaaa'")
	[[ $sum == sha256-sql:* && ${#sum} -gt 70 ]] || fail "no checksum recorded: '$sum'"
}

# "error:" and "hint:" are coloured when stderr is a terminal (script(1)
# gives the command one), never with NO_COLOR or TERM=dumb, never in a pipe.
sqlite_test_errors_are_coloured_only_on_a_terminal() {
	unset NO_COLOR # tests/run sets it for every other test
	project
	tmig aaaa ""
	tmig bbbb ""
	local red=$(printf '\033[1;31merror:') yellow=$(printf '\033[33mhint:') out
	for cmd in "nosuch" "current --check-heads" "show zzzz" "edit zzzz" "backup --url sqlite:///absent.db"; do
		out=$(TERM=xterm script -qec "$RETORT $cmd" /dev/null 2>&1)
		case $out in *"$red"*) ;; *) fail "'retort $cmd' on a terminal: no red error: $out" ;; esac
		out=$(NO_COLOR=1 TERM=xterm script -qec "$RETORT $cmd" /dev/null 2>&1)
		case $out in *$'\033'*) fail "'retort $cmd' with NO_COLOR is coloured: $out" ;; esac
		out=$(TERM=dumb script -qec "$RETORT $cmd" /dev/null 2>&1)
		case $out in *$'\033'*) fail "'retort $cmd' with TERM=dumb is coloured: $out" ;; esac
	done
	out=$(TERM=xterm script -qec "$RETORT current --check-heads" /dev/null 2>&1)
	case $out in *"$yellow"*) ;; *) fail "no yellow hint: $out" ;; esac
	rt nosuch
	expect_rc 2
	expect_err_lacks $'\033'
}

# libpq quotes the token of a malformed URL it cannot read, which can be
# the password: retort takes it out of libpq's message too.
sqlite_test_libpq_messages_never_show_the_password() {
	project
	rt --url 'postgresql://deploy:s3%zzcret@127.0.0.1:1/app' current
	expect_rc 1
	expect_err_has 'invalid percent-encoded token: "***"'
	expect_err_lacks "s3%zz"
	expect_err_lacks "zzcret"
}

test_no_configuration_at_all() {
	rt heads
	expect_rc 2
	expect_err_has "migrations"
	rt current
	[ "$RC" -ne 0 ] || fail "current without a URL succeeded"
}

test_exit_codes_for_usage_errors() {
	chain
	rt upgrade
	expect_rc 2
	expect_err_has "a target revision is needed: 'retort upgrade head' applies every pending migration"
	expect_err_has "usage: retort upgrade"
	rt downgrade
	expect_rc 2
	expect_err_has "'retort downgrade -1' reverts the last migration applied"
	rt show
	expect_rc 2
	expect_err_has "'retort show head' shows the newest"
	expect_db "" ""
	rt upgrade --bogus head
	expect_rc 2
	expect_err_has "unknown option '--bogus'"
	rt upgrade -Z head
	expect_rc 2
	expect_err_has "unknown option '-Z'"
	rt upgrade head extra
	expect_rc 2
	rt nosuchcommand
	expect_rc 2
	expect_err_has "unknown command 'nosuchcommand'"
	rt
	expect_rc 2
	rt -c
	expect_rc 2
	expect_err_has "'-c' needs a value"
	rt upgrade head -c
	expect_rc 2
	expect_err_has "needs a value"
	rt --lock-wait soon upgrade head
	expect_rc 2
	expect_err_has "--lock-wait 'soon'"
	rt -x novalue upgrade head
	expect_rc 2
	expect_err_has "-x needs KEY=VALUE"
	rt stamp
	expect_rc 2
	rt revision stray
	expect_rc 2
	expect_err_has 'did you mean -m "stray"'
	rt history -r
	expect_rc 2
	rt upgrade --sql=yes head
	expect_rc 2
	expect_err_has "takes no value"
	expect_db "" ""
	# and success is 0, a failure 1
	rt upgrade head
	expect_rc 0
	rt upgrade zzzz
	expect_rc 1
}

test_help_for_every_command() {
	chain
	local c
	for c in init revision upgrade downgrade current heads branches history show stamp merge edit; do
		rt "$c" --help
		expect_rc 0
		expect_out_has "usage: retort $c"
		expect_out_has "global options:"
		expect_err ""
		rt help "$c"
		expect_rc 0
		expect_out_has "usage: retort $c"
		rt "$c" -h
		expect_rc 0
	done
	rt --help
	expect_rc 0
	for c in init revision upgrade downgrade current heads branches history show stamp merge edit; do
		expect_out_has "  $c "
	done
	rt --version
	expect_rc 0
	[[ $OUT =~ ^retort\ [0-9]+\.[0-9]+\.[0-9]+$ ]] || fail "version: $OUT"
	# options named in the issue appear in the help
	rt revision --help
	for c in -m --head --splice --branch-label --depends-on --rev-id --version-path; do expect_out_has -- "$c"; done
	rt current --help
	for c in -v --check-heads; do expect_out_has -- "$c"; done
	rt heads --help
	expect_out_has "--resolve-dependencies"
	rt history --help
	for c in -r -v -i; do expect_out_has -- "$c"; done
	rt stamp --help
	for c in --purge --sql; do expect_out_has -- "$c"; done
	expect_db "" ""
}

# Short global flags combine before the command, a value-taking one last
# (-qc FILE), and data printed before an error comes first in one pipe.
sqlite_test_combined_global_flags_and_output_order() {
	project
	tmig aaaa ""
	tmig bbbb ""
	rt upgrade aaaa
	rt -qc retort.ini heads
	expect_rc 0
	expect_out_has "aaaa (head)"
	rt -vcretort.ini heads
	expect_rc 0
	local both
	both=$("$RETORT" current --check-heads 2>&1)
	[ "$(head -n 1 <<<"$both")" = "aaaa (head)" ] || fail "the error came before the data: $both"
}

run_tests
