#!/bin/bash
# tests/cli/control_chars.sh - text from files never reaches the terminal
# raw: control characters (escape sequences, a lone CR, DEL, C1 controls
# such as CSI) in a migration's Message, Create Date or SQL are printed as
# U+FFFD in text and --json output, and in the comments of --sql output.
. "$(dirname "$0")/lib.sh"

ESC=$'\033' DEL=$'\177' CSI=$'\302\233' FFFD=$'\357\277\275'

# No byte of stdout or stderr is a control character other than newline
# and tab, nor a C1 control.
no_controls() {
	local all="$OUT$ERR"
	if LC_ALL=C grep -q $'[\001-\010\013-\037\177]' <<<"$all"; then
		fail "output holds a control character: $(printf '%q' "$all" | head -c 600)"
	fi
	if grep -q "$CSI" <<<"$all"; then fail "output holds a C1 control"; fi
}

# A migration whose header and body carry hostile bytes.
hostile_project() {
	project
	mkdir -p migrations
	{
		echo "-- Revision ID: m001"
		echo "-- Revises:"
		echo "-- Create Date: 2026${ESC}]0;owned${ESC}\\"
		echo "-- Message: red ${ESC}[31mALERT${ESC}[0m del${DEL} csi${CSI}2J end"
		echo
		echo "-- migrate:upgrade"
		echo "CREATE TABLE t_m001 (id INTEGER);"
		echo
		echo "-- migrate:downgrade"
		echo "DROP TABLE t_m001;"
	} > migrations/m001_hostile.sql
}

test_message_is_printed_without_controls() {
	hostile_project
	rt upgrade head
	expect_rc 0
	no_controls
	expect_err_has "red ${FFFD}[31mALERT${FFFD}[0m del${FFFD} csi${FFFD}2J end"
	for args in "history" "history -v" "show m001" "heads -v" "current -v"; do
		rt $args
		expect_rc 0
		no_controls
	done
	expect_out_has "Create Date: 2026${FFFD}]0;owned${FFFD}\\"
	for cmd in history show heads current; do
		if [ $cmd = show ]; then rt --json show m001; else rt --json $cmd; fi
		expect_rc 0
		no_controls
		/usr/bin/python3 -c 'import json,sys; json.load(sys.stdin)' <<<"$OUT" || fail "$cmd --json does not parse"
	done
}

# The script's "-- Running upgrade" comments carry the message printable,
# and the script replays.  (A lone CR, which would end the comment for
# PostgreSQL, is refused when the file is read.)
test_sql_comment_carries_the_message_printable() {
	hostile_project
	q "CREATE TABLE t_keep (id INTEGER)" >/dev/null
	rt upgrade head --sql
	expect_rc 0
	no_controls
	case $DIALECT in
	sqlite) sqlite3 -bail app.db <<<"$OUT" >/dev/null 2>&1 || fail "the script does not replay" ;;
	postgresql) psql -X -q -v ON_ERROR_STOP=1 -h "$RETORT_TEST_PGHOST" -p "$RETORT_TEST_PGPORT" \
		-U "$RETORT_TEST_PGUSER" -d "$TEST_DB" <<<"$OUT" >/dev/null 2>&1 || fail "the script does not replay" ;;
	esac
	expect_db "m001" "t_keep t_m001"
}

# Errors quote file names, SQL and the database's message: all printable.
test_error_text_is_printable() {
	project
	mig m001 "" "bad" "SELECT \"${ESC}[2J\" FROM nowhere_${ESC}[31m;" "" >/dev/null
	rt upgrade head
	expect_rc 1
	no_controls
	expect_err_has "\"${FFFD}\""
	rt --json verify
	no_controls
	/usr/bin/python3 -c 'import json,sys; json.load(sys.stdin)' <<<"$OUT" || fail "verify --json does not parse"
	rt lint
	no_controls
}

run_tests
