#!/bin/bash
# revision.sh - writing migration files: init, revision (every option),
# file_template and timezone, ids, branch labels, merge, and edit.
. "$(dirname "$0")/lib.sh"

# Every *.sql file under migrations/, sorted, space-separated.
files() { (cd migrations && ls) | tr '\n' ' ' | sed 's/ $//'; }

header() {  # file key: the value of "-- key:" in the header
	sed -n "s/^-- $2: *//p" "$1" | head -n 1
}

sqlite_test_init_then_revision_then_upgrade() {
	rt init proj
	expect_rc 0
	cd proj || fail "no proj"
	grep -q '^url = \${DATABASE_URL:-sqlite:///app.db}$' retort.ini || fail "unexpected url line"
	rt revision -m "create users"
	expect_rc 0
	local f=$OUT
	[ -f "$OUT" ] || fail "revision did not print the path of a file"
	case $OUT in migrations/[0-9a-f][0-9a-f][0-9a-f][0-9a-f][0-9a-f][0-9a-f][0-9a-f][0-9a-f][0-9a-f][0-9a-f][0-9a-f][0-9a-f]_create_users.sql) ;;
	*) fail "unexpected file name $OUT" ;;
	esac
	sed -i 's/^-- migrate:upgrade$/&\nCREATE TABLE t_users (id INTEGER);/' "$f"
	rt upgrade head
	expect_rc 0
	expect_db "$(header "$f" "Revision ID")" "t_users"
}

sqlite_test_init_refuses_to_overwrite() {
	rt init proj
	expect_rc 0
	[ -f proj/retort.ini ] && [ -d proj/migrations ] && [ -f proj/schema.sql ] || fail "files missing"
	echo "keep" > proj/schema.sql
	rt init proj
	expect_rc 1
	expect_err_has "already exists"
	[ "$(cat proj/schema.sql)" = keep ] || fail "init overwrote schema.sql"
	rt init
	expect_rc 2
}

test_revision_file_contents() {
	project
	tmig aaaa ""
	rt revision -m "Add the Users table, quickly!"
	expect_rc 0
	local f=$OUT id
	id=$(header "$f" "Revision ID")
	[[ $id =~ ^[0-9a-f]{12}$ ]] || fail "id '$id' is not 12 hex digits"
	[ "$f" = "migrations/${id}_add_the_users_table_quickly.sql" ] || fail "file name $f"
	[ "$(header "$f" Revises)" = aaaa ] || fail "Revises is not aaaa"
	[ "$(header "$f" Message)" = "Add the Users table, quickly!" ] || fail "Message"
	[[ $(header "$f" "Create Date") =~ ^20[0-9][0-9]-[01][0-9]-[0-3][0-9]\ [0-2][0-9]:[0-5][0-9]:[0-5][0-9]\.[0-9]{6}\+00:00$ ]] ||
		fail "Create Date '$(header "$f" "Create Date")'"
	grep -qx -- '-- migrate:upgrade' "$f" && grep -qx -- '-- migrate:downgrade' "$f" || fail "sections missing"
	rt history
	expect_out_has "aaaa -> $id (head), Add the Users table, quickly!"
	# a second revision gets another id, on top of the first
	rt revision
	expect_rc 0
	[ "$(header "$OUT" Revises)" = "$id" ] || fail "second revision does not revise the first"
	[ "$(header "$OUT" Message)" = "empty message" ] || fail "no -m is 'empty message'"
	[ "$(header "$OUT" "Revision ID")" != "$id" ] || fail "the same id twice"
	rt upgrade head
	expect_rc 0
}

test_file_template_and_timezone() {
	project "file_template = %%(year)d%%(month).2d%%(day).2d_%%(hour).2d%%(minute).2d%%(second).2d_%%(rev)s_%%(slug)s" \
		"timezone = Asia/Tokyo" "truncate_slug_length = 10"
	tmig aaaa ""
	rt revision -m "Add the Users table" --rev-id r1
	expect_rc 0
	local f=$OUT date stamp
	date=$(header "$f" "Create Date")
	[[ $date == *+09:00 ]] || fail "Create Date '$date' is not in Asia/Tokyo"
	# the file name's time is the Create Date's
	stamp=$(sed -E 's/^([0-9]{4})-([0-9]{2})-([0-9]{2}) ([0-9]{2}):([0-9]{2}):([0-9]{2}).*/\1\2\3_\4\5\6/' <<<"$date")
	[ "$f" = "migrations/${stamp}_r1_add_the_.sql" ] || fail "file name $f, Create Date $date"
	# and it is the time in Tokyo, not UTC
	local now
	now=$(TZ=Asia/Tokyo date +%Y%m%d_%H)
	[[ $stamp == "$now"* ]] || [[ $stamp == "$(TZ=Asia/Tokyo date -d '-1 hour' +%Y%m%d_%H)"* ]] ||
		fail "file time $stamp is not Tokyo time ($now)"
}

test_file_template_epoch_and_errors() {
	project "file_template = %%(epoch)s-%%(rev)s"
	tmig aaaa ""
	rt revision -m x --rev-id r1
	expect_rc 0
	[[ $OUT =~ ^migrations/[0-9]{10}-r1\.sql$ ]] || fail "file name $OUT"
	project "file_template = %%(rev)s_%%(nosuch)s"
	rt revision -m x --rev-id r2
	expect_rc 2
	expect_err_has "unknown key 'nosuch'"
	[ ! -e migrations/r2* ] || fail "a file was written"
	project "file_template = %%(slug)s"
	rt heads
	expect_rc 2
	expect_err_has "%(rev)s"
	project "timezone = Mars/Olympus"
	rt revision -m x
	expect_rc 2
	expect_err_has "unknown timezone 'Mars/Olympus'"
}

test_rev_id_checks() {
	project
	tmig aaaa ""
	local id
	for id in bad-id bad@id bad+id bad:id; do
		rt revision -m x --rev-id "$id"
		expect_rc 2
		expect_err_has "'${id:3:1}' is not allowed in revision id '$id'"
	done
	rt revision -m x --rev-id 012345678901234567890123456789012
	expect_rc 2
	expect_err_has "33 characters"
	rt revision -m x --rev-id aaaa
	expect_rc 2
	expect_err_has "aaaa already exists"
	[ "$(files)" = "aaaa_rev_aaaa.sql" ] || fail "a file was written: $(files)"
	rt revision -m x --rev-id 01234567890123456789012345678901
	expect_rc 0
	[ "$OUT" = migrations/01234567890123456789012345678901_x.sql ] || fail "32 characters refused"
}

# A leading '.' made a hidden file the loader skips; '/' the file_template
# error instead of the id's.
sqlite_test_rev_id_leading_dot_and_slash() {
	project
	tmig aaaa ""
	local id
	for id in .hidden .. .; do
		rt revision -m x --rev-id "$id"
		expect_rc 2
		expect_err "error: revision id '$id' starts with '.': its file would be hidden, and files whose name starts with '.' are not loaded"
	done
	for id in a/b 'a\b'; do
		rt revision -m x --rev-id "$id"
		expect_rc 2
		expect_err "error: character '${id:1:1}' is not allowed in revision id '$id' (revision ids are part of file names)"
	done
	[ "$(cd migrations && ls -A | tr '\n' ' ')" = "aaaa_rev_aaaa.sql " ] || fail "a file was written: $(ls -A migrations)"
	rt heads
	expect_rc 0
}

# The id was written and every later command failed ("branch label 'feat'
# is also a revision id").
sqlite_test_rev_id_that_is_a_branch_label_refused_before_writing() {
	project
	tmig aaaa "" "-- Branch Labels: feat"
	rt revision -m b --rev-id feat
	expect_rc 2
	expect_err_has "error: revision id feat is already used as a branch label by revision aaaa (migrations/aaaa_rev_aaaa.sql)"
	expect_err_has "choose another revision id"
	expect_err_has "hint: option: --rev-id ID"
	rt revision -m b --rev-id zz --branch-label zz
	expect_rc 2
	expect_err_has "error: revision id zz is also given as a branch label of the new revision"
	rt merge -m m --rev-id feat heads
	expect_rc 2
	expect_err_has "revision id feat is already used as a branch label"
	[ "$(files)" = "aaaa_rev_aaaa.sql" ] || fail "a file was written: $(files)"
	rt heads
	expect_rc 0
	expect_out "aaaa (feat) (head)"
}

# A width printf cannot do expanded to nothing: "migrations/.sql", exit 0.
sqlite_test_file_template_width_and_hidden_names() {
	project "file_template = %%(rev)99999999999999999999s"
	tmig aaaa ""
	rt revision -m x --rev-id r1
	expect_rc 2
	expect_err_has "file_template '%%(rev)99999999999999999999s'"
	expect_err_has "255"
	project "file_template = .%%(rev)s"
	rt revision -m x --rev-id r1
	expect_rc 2
	expect_err_has "file_template '.%%(rev)s'"
	expect_err_has "starts with '.'"
	project "file_template = %%(rev)-6s_%%(month)02d"
	rt revision -m x --rev-id r1
	expect_rc 0
	[[ $OUT =~ ^migrations/r1\ {4}_[01][0-9]\.sql$ ]] || fail "file name '$OUT'"
	[ "$(cd migrations && ls -A | grep -c '^\.')" = 0 ] || fail "a hidden file was written: $(ls -A migrations)"
}

test_head_splice_and_new_roots() {
	project
	tmig aaaa ""
	rt revision -m b --rev-id bbbb
	expect_rc 0
	rt revision -m c --rev-id cccc --head aaaa
	expect_rc 1
	expect_err_has "Revision aaaa is not a head revision; splice to create a new branch from it"
	expect_err_has "hint: option: --splice"
	[ ! -e migrations/cccc_c.sql ] || fail "a file was written"
	rt revision -m c --rev-id cccc --head aaaa --splice
	expect_rc 0
	[ "$(header migrations/cccc_c.sql Revises)" = aaaa ] || fail "cccc does not revise aaaa"
	rt revision -m d
	expect_rc 1
	expect_err_has "Multiple heads are present"
	expect_err_has "retort merge"
	rt revision -m d --rev-id dddd --head bbbb
	expect_rc 0
	rt revision -m "new root" --rev-id rp01 --head base --branch-label reports
	expect_rc 0
	[ "$(header migrations/rp01_new_root.sql Revises)" = "" ] || fail "rp01 is not a base"
	[ "$(header migrations/rp01_new_root.sql "Branch Labels")" = reports ] || fail "label"
	rt revision -m "on reports" --rev-id rp02 --head reports@head
	expect_rc 0
	rt heads
	expect_out "cccc (head)
dddd (head)
rp02 (reports) (head)"
	rt upgrade heads
	expect_rc 0
	expect_versions "cccc dddd rp02"
}

# Alembic writes the file first and then every command crashes (its bug 3).
test_duplicate_branch_label_refused_before_writing() {
	project
	tmig aaaa ""
	rt revision -m b --rev-id bbbb --branch-label lbl
	expect_rc 0
	rt revision -m c --rev-id cccc --head aaaa --splice --branch-label lbl
	expect_rc 1
	expect_err_has "branch label 'lbl' is already used by revision bbbb"
	rt revision -m c --rev-id cccc --head aaaa --splice --branch-label aaaa
	expect_rc 1
	expect_err_has "branch label 'aaaa' is already a revision id"
	[ "$(files)" = "aaaa_rev_aaaa.sql bbbb_b.sql" ] || fail "a file was written: $(files)"
	rt heads
	expect_rc 0
}

test_depends_on() {
	project
	tmig sh01 "" "-- Branch Labels: shared"
	tmig ac01 ""
	rt revision -m a --rev-id ac02 --head ac01 --depends-on sh0
	expect_rc 0
	[ "$(header migrations/ac02_a.sql "Depends On")" = sh01 ] || fail "a prefix is written as the full id"
	rt revision -m b --rev-id bx01 --head base --depends-on shared
	expect_rc 0
	[ "$(header migrations/bx01_b.sql "Depends On")" = shared ] || fail "a label is kept as written"
	rt revision -m c --rev-id ac03 --head ac02 --depends-on shared
	expect_rc 1
	expect_err_has "already an ancestor"
	rt revision -m c --rev-id ac03 --head ac02 --depends-on nosuch
	expect_rc 1
	expect_err_has "Can't locate revision identified by 'nosuch'"
	[ ! -e migrations/ac03_c.sql ] || fail "a file was written"
	rt history
	expect_out_has "ac01 (sh01) -> ac02 (head), a"
	expect_out_has "<base> (sh01) -> bx01 (head), b"
	rt upgrade ac02
	expect_rc 0
	expect_db "ac02" "t_ac01 t_sh01"
}

test_version_path() {
	project
	sed -i 's/^script_location.*/script_location = migrations, other/' retort.ini
	mkdir other
	tmig aaaa ""
	tmig r0 ""
	mv migrations/r0_rev_r0.sql other/
	rt revision -m root2 --head base
	expect_rc 2
	expect_err_has "--version-path"
	rt revision -m root2 --head base --version-path other --rev-id r2
	expect_rc 0
	[ "$OUT" = other/r2_root2.sql ] || fail "not written to other/: $OUT"
	rt revision -m onr2 --head r2 --rev-id r3
	expect_rc 0
	[ "$OUT" = other/r3_onr2.sql ] || fail "not written next to its parent: $OUT"
	rt revision -m x --head aaaa --version-path /tmp
	expect_rc 2
	expect_err_has "not one of the script locations"
	rt heads
	expect_out "aaaa (head)
r0 (head)
r3 (head)"
}

# An empty script location (as 'init' leaves it) is a valid, empty graph.
test_empty_project() {
	project
	rt heads
	expect_rc 0
	expect_out ""
	rt history
	expect_rc 0
	expect_out ""
	rt upgrade head
	expect_rc 0
	rt revision -m first --rev-id aaaa
	expect_rc 0
	[ "$OUT" = migrations/aaaa_first.sql ] || fail "path $OUT"
	[ "$(header migrations/aaaa_first.sql Revises)" = "" ] || fail "first revision is not a base"
}

test_merge() {
	project
	tmig aaaa ""
	tmig bbbb aaaa
	tmig cccc aaaa
	rt merge -m "merge b and c" --rev-id mmmm heads
	expect_rc 0
	[ "$OUT" = migrations/mmmm_merge_b_and_c.sql ] || fail "path $OUT"
	[ "$(header "$OUT" Revises)" = "bbbb, cccc" ] || fail "Revises: $(header "$OUT" Revises)"
	rt history
	expect_out_has "bbbb, cccc -> mmmm (head) (mergepoint), merge b and c"
	rt upgrade head
	expect_rc 0
	expect_db "mmmm" "t_aaaa t_bbbb t_cccc"
}

# Alembic makes an ordinary revision from 'merge heads' with one head, and
# merges a revision with its own ancestor with --splice (its bug 15).
test_merge_refusals() {
	project
	tmig aaaa ""
	tmig bbbb aaaa
	tmig cccc bbbb
	rt merge -m m heads
	expect_rc 1
	expect_err_has "nothing to merge"
	expect_err_has "only one head (cccc)"
	rt merge -m m bbbb cccc
	expect_rc 1
	rt merge -m m --splice bbbb cccc
	expect_rc 1
	expect_err_has "cannot merge bbbb with its own descendant cccc"
	rt merge -m m cccc cccc
	expect_rc 1
	rt merge -m m
	expect_rc 2
	[ "$(files)" = "aaaa_rev_aaaa.sql bbbb_rev_bbbb.sql cccc_rev_cccc.sql" ] || fail "a file was written: $(files)"
}

# EDITOR is a script that records its arguments.
editor_script() {
	cat > editor.sh <<-'EOF'
	#!/bin/sh
	printf '%s\n' "$@" >> "$(dirname "$0")/edited.txt"
	EOF
	chmod +x editor.sh
	export EDITOR=$PWD/editor.sh VISUAL=
}

test_edit() {
	project
	tmig aaaa ""
	tmig bbbb aaaa
	tmig cccc aaaa
	editor_script
	rt edit bbbb
	expect_rc 0
	[ "$(cat edited.txt)" = migrations/bbbb_rev_bbbb.sql ] || fail "editor got: $(cat edited.txt)"
	rm edited.txt
	rt edit heads
	expect_rc 0
	[ "$(cat edited.txt)" = "migrations/bbbb_rev_bbbb.sql
migrations/cccc_rev_cccc.sql" ] || fail "editor got: $(cat edited.txt)"
	rm edited.txt
	rt upgrade aaaa
	rt edit current
	expect_rc 0
	[ "$(cat edited.txt)" = migrations/aaaa_rev_aaaa.sql ] || fail "editor got: $(cat edited.txt)"
	rm edited.txt
	rt edit zzzz
	expect_rc 1
	expect_err_has "Can't locate revision identified by 'zzzz'"
	rt edit base
	expect_rc 1
	rt edit
	expect_rc 2
	[ ! -e edited.txt ] || fail "the editor ran on an error"
	EDITOR=false rt edit aaaa
	expect_rc 1
	expect_err_has "exited with status 1"
}

run_tests
