#!/bin/bash
# tests/cli/secrets.sh - no password reaches any output: URLs are masked by
# what libpq reads (and, when malformed, by what their author meant), and
# libpq's own messages lose every form of the secret they quote.
. "$(dirname "$0")/lib.sh"

# stdout and stderr of the last rt hold none of the words given.
expect_no_secret() {
	local w
	for w in "$@"; do
		expect_err_lacks "$w"
		expect_out_lacks "$w"
	done
}

# A base64 password with an unencoded '/': libpq sees no user-info, and
# its pieces become the port and the database name of its messages.
sqlite_test_password_with_a_slash_is_never_printed() {
	project
	rt --url 'postgresql://app:Ab3x/Cd9y+Ef==@127.0.0.1:1/app' current
	expect_rc 1
	expect_err_has "postgresql://app:***@127.0.0.1:1/app"
	expect_err_has "percent-encode"
	expect_no_secret Ab3x Cd9y "Ef=="
	rt --url 'postgresql://app:P4ss/w0rd?x@y@127.0.0.1:1/app' current
	expect_rc 1
	expect_no_secret P4ss w0rd "x@y"
}

# Two passwords (user-info and ?password=): neither is printed, in any of
# the forms libpq quotes.
sqlite_test_both_passwords_are_hidden() {
	project
	rt --url 'postgresql://app:fi%zzrst@127.0.0.1:1/app?password=se%zzcond' current
	expect_rc 1
	expect_err_has 'invalid percent-encoded token: "***"'
	expect_no_secret "fi%zz" zzrst "se%zz" zzcond
	rt --url 'postgresql:/app:Secr3tPw@127.0.0.1:1/app' current
	expect_rc 1
	expect_no_secret Secr3tPw
}

# On a real server: the slash password's second half becomes the database
# name, which the server's error quotes.
pg_test_password_pieces_in_server_errors_are_hidden() {
	project
	local url="postgresql://${RETORT_TEST_PGUSER}:Pa55/w0rdX@/${TEST_DB}?host=${RETORT_TEST_PGHOST}&port=${RETORT_TEST_PGPORT}&user=${RETORT_TEST_PGUSER}"
	rt --url "$url" current
	expect_rc 1
	expect_err_has "database \"***@/${TEST_DB}\" does not exist"
	expect_no_secret Pa55 w0rdX
}

run_tests
