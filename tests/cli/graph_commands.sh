#!/bin/bash
# graph_commands.sh - the read-only commands: heads, branches, history,
# show, current; their -v forms and options, exact output, and that they
# never create the database or its version table.
. "$(dirname "$0")/lib.sh"

# S2 of alembic-behaviour.md: aaaa -> {bbbb, cccc} -> mmmm -> dddd.
diamond() {
	project
	tmig aaaa ""
	tmig bbbb aaaa
	tmig cccc aaaa
	tmig mmmm "bbbb, cccc"
	tmig dddd mmmm
}

# The -v block of one revision (command substitution drops its final blank line).
verbose_block() {  # id marks parent-line [extra lines...]
	local id=$1 marks=$2 parent=$3
	shift 3
	echo "Rev: $id$marks"
	echo "$parent"
	for l in "$@"; do echo "$l"; done
	echo "Path: migrations/${id}_rev_${id}.sql"
	echo "Create Date: 2026-11-22 14:30:00.000000+00:00"
	echo
	echo "    rev $id"
	echo
}

test_heads() {
	diamond
	rt heads
	expect_rc 0
	expect_out "dddd (head)"
	rt heads -v
	expect_rc 0
	expect_out "$(verbose_block dddd " (head)" "Parent: mmmm")"
	rt heads extra
	expect_rc 2
}

test_branches() {
	diamond
	rt branches
	expect_rc 0
	expect_out "aaaa (branchpoint)
     -> bbbb
     -> cccc"
	rt branches -v
	expect_rc 0
	expect_out "$(verbose_block aaaa " (branchpoint)" "Parent: <base>" "Branches into: bbbb, cccc")

     -> bbbb
     -> cccc"
}

test_branches_of_a_linear_graph_is_empty() {
	project
	tmig aaaa ""
	tmig bbbb aaaa
	rt branches
	expect_rc 0
	expect_out ""
}

test_history() {
	diamond
	rt history
	expect_rc 0
	expect_out "mmmm -> dddd (head), rev dddd
bbbb, cccc -> mmmm (mergepoint), rev mmmm
aaaa -> cccc, rev cccc
aaaa -> bbbb, rev bbbb
<base> -> aaaa (branchpoint), rev aaaa"
	rt history -r bbbb:dddd
	expect_rc 0
	expect_out "mmmm -> dddd (head), rev dddd
bbbb, cccc -> mmmm (mergepoint), rev mmmm
aaaa -> bbbb, rev bbbb"
	rt history -r :bbbb
	expect_out "aaaa -> bbbb, rev bbbb
<base> -> aaaa (branchpoint), rev aaaa"
	rt history -r mmmm:
	expect_out "mmmm -> dddd (head), rev dddd
bbbb, cccc -> mmmm (mergepoint), rev mmmm"
	# Alembic rejects head-1 at the start of a range (its bug 13)
	rt history -r head-1:
	expect_rc 0
	expect_out "mmmm -> dddd (head), rev dddd
bbbb, cccc -> mmmm (mergepoint), rev mmmm"
	rt history -r :head-1
	expect_rc 0
	expect_out_has "bbbb, cccc -> mmmm (mergepoint), rev mmmm"
	expect_out_lacks "dddd"
	rt history -r dddd:bbbb
	expect_rc 1
	expect_err_has "Requested range dddd:bbbb does not refer to ancestor/descendant revisions along the same branch"
	rt history -r head
	expect_rc 2
	expect_err_has "History range requires [start]:[end], [start]:, or :[end]"
	rt history -r
	expect_rc 2
	expect_err_has "needs a value"
}

test_history_verbose() {
	diamond
	rt history -v -r mmmm:dddd
	expect_rc 0
	expect_out "$(verbose_block dddd " (head)" "Parent: mmmm")

$(verbose_block mmmm " (mergepoint)" "Merges: bbbb, cccc")"
}

test_history_indicate_current() {
	diamond
	rt history -i
	expect_rc 0
	expect_out_lacks "(current)"
	rt upgrade bbbb
	rt upgrade cccc
	rt history -i
	expect_rc 0
	expect_out "mmmm -> dddd (head), rev dddd
bbbb, cccc -> mmmm (mergepoint), rev mmmm
aaaa -> cccc (current), rev cccc
aaaa -> bbbb (current), rev bbbb
<base> -> aaaa (branchpoint), rev aaaa"
	rt history -r current:
	expect_rc 0
	expect_out "mmmm -> dddd (head), rev dddd
bbbb, cccc -> mmmm (mergepoint), rev mmmm
aaaa -> cccc, rev cccc
aaaa -> bbbb, rev bbbb"
}

test_history_relative_range() {
	project
	tmig aaaa ""
	tmig bbbb aaaa
	tmig cccc bbbb
	tmig dddd cccc
	rt upgrade head
	rt history --rev-range=-1:current
	expect_rc 0
	expect_out "cccc -> dddd (head), rev dddd
bbbb -> cccc, rev cccc"
	rt history -r-2:current
	expect_rc 0
	expect_out "cccc -> dddd (head), rev dddd
bbbb -> cccc, rev cccc
aaaa -> bbbb, rev bbbb"
}

test_show() {
	diamond
	rt show mmmm
	expect_rc 0
	expect_out "$(verbose_block mmmm " (mergepoint)" "Merges: bbbb, cccc")"
	rt show aaaa bbbb
	expect_rc 0
	expect_out "$(verbose_block aaaa " (branchpoint)" "Parent: <base>" "Branches into: bbbb, cccc")

$(verbose_block bbbb "" "Parent: aaaa")"
	rt show head
	expect_out "$(verbose_block dddd " (head)" "Parent: mmmm")"
	rt show heads
	expect_out "$(verbose_block dddd " (head)" "Parent: mmmm")"
	# Alembic rejects show head-1 (its bug 13)
	rt show head-1
	expect_rc 0
	expect_out "$(verbose_block mmmm " (mergepoint)" "Merges: bbbb, cccc")"
	rt show mm
	expect_rc 0
	expect_out_has "Rev: mmmm (mergepoint)"
	rt show base
	expect_rc 0
	expect_out ""
	rt show zzzz
	expect_rc 1
	expect_err_has "Can't locate revision identified by 'zzzz'"
	rt show
	expect_rc 2
}

test_show_labels_and_dependencies() {
	project
	tmig sh01 "" "-- Branch Labels: shared"
	tmig ac01 "" "-- Branch Labels: accounts"
	tmig ac02 ac01 "-- Depends On: sh01"
	rt show ac02
	expect_rc 0
	expect_out "$(verbose_block ac02 " (head)" "Parent: ac01" "Also depends on: sh01" "Branch names: accounts")"
	rt show accounts
	expect_out_has "Rev: ac01"
	rt show accounts@head
	expect_out_has "Rev: ac02 (head)"
	rt show shared@ac02
	expect_rc 1
}

test_current() {
	diamond
	rt current
	expect_rc 0
	expect_out ""
	rt upgrade bbbb
	rt current
	expect_rc 0
	expect_out "bbbb"
	rt current -v
	expect_rc 0
	expect_out_has "$(verbose_block bbbb "" "Parent: aaaa")"
	[ "$(head -n 1 <<<"$OUT")" = "Current revision(s) for $(db_url):" ] || fail "first line: $(head -n 1 <<<"$OUT")"
	rt current --check-heads
	expect_rc 1
	expect_err_has "Database is not on all head revisions"
	expect_out "bbbb"
	rt upgrade head
	rt current --check-heads
	expect_rc 0
	expect_out "dddd (head)"
	rt current nosuch
	expect_rc 2
}

# Reading never creates the database, nor the version table (Alembic #694).
sqlite_test_read_only_commands_create_nothing() {
	diamond
	local c
	for c in current "current -v" "current --check-heads" heads branches history "history -i" \
		"history -r current:" "show current" "show heads" "edit current"; do
		# shellcheck disable=SC2086
		EDITOR=true rt $c
		[ ! -e app.db ] || fail "'retort $c' created app.db"
	done
	sqlite3 app.db "CREATE TABLE t_other (id INTEGER)"
	rt current
	expect_rc 0
	rt history -i
	expect_rc 0
	has_table retort_version && fail "a read created the version table"
	return 0
}

run_tests
