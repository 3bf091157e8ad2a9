#!/bin/bash
# recipes.sh - every recovery recipe of docs/operations.md ("When something
# goes wrong"), run as written: the failure as users meet it, the hint
# naming the recipe's commands, and those commands fixing it.
. "$(dirname "$0")/lib.sh"

users_posts() {  # aaaa: users, bbbb: posts; schema.sql declares both
	project "schema = schema.sql"
	mig aaaa "" "users" "CREATE TABLE users (id INTEGER PRIMARY KEY, name VARCHAR(50));" "DROP TABLE users;" >/dev/null
	mig bbbb aaaa "posts" "CREATE TABLE posts (id INTEGER PRIMARY KEY, title VARCHAR(50));" "DROP TABLE posts;" >/dev/null
	cat > schema.sql <<-'EOF'
	CREATE TABLE users (id INTEGER PRIMARY KEY, name VARCHAR(50));
	CREATE TABLE posts (id INTEGER PRIMARY KEY, title VARCHAR(50));
	EOF
}

# Recipe "table already exists": the tables were made by create_all (or by
# hand) before the first upgrade.  The hint blames no migration and names
# diff and stamp; stamping what the diff confirms lets upgrade go on.
test_recipe_table_already_exists() {
	users_posts
	q "CREATE TABLE users (id INTEGER PRIMARY KEY, name VARCHAR(50))"
	rt upgrade head
	expect_rc 1
	expect_err_has "already exists"
	expect_err_has "the migration is not at fault"
	expect_err_lacks "fix the migration"
	expect_err_has "run: retort diff --from database --to migrations:aaaa; when it lists no difference, record the revision as applied: retort stamp aaaa"
	rt diff --from database --to migrations:aaaa
	expect_rc 0
	expect_out ""
	expect_err_has "No differences"
	rt stamp aaaa
	expect_rc 0
	rt upgrade head
	expect_rc 0
	expect_versions "bbbb"
	rt verify
	expect_rc 0
}

# Recipe "the database is ahead of its revision": a migration was applied
# by hand.  verify says to stamp, not to drop what the migration made.
test_recipe_database_ahead_of_its_revision() {
	users_posts
	rt upgrade aaaa
	q "CREATE TABLE posts (id INTEGER PRIMARY KEY, title VARCHAR(50))"
	rt verify
	expect_rc 1
	expect_out_has "FAIL  drift         the database is ahead of its version table: it matches its migrations at bbbb"
	expect_out_has "run: retort stamp bbbb"
	expect_out_lacks "DROP TABLE"
	rt --json verify
	python3 -c 'import json,sys; c=[c for c in json.load(sys.stdin)["checks"] if c["name"]=="drift"][0]; assert c["fix"]=="run: retort stamp bbbb" and c["fix_sql"] is None, c' <<<"$OUT" ||
		fail "json: $OUT"
	rt stamp bbbb
	rt verify
	expect_rc 0
	# everything made at once (create_all): stamp the heads
	mig cccc bbbb "tags" "CREATE TABLE tags (id INTEGER PRIMARY KEY);" "DROP TABLE tags;" >/dev/null
	mig dddd cccc "labels" "CREATE TABLE labels (id INTEGER PRIMARY KEY);" "DROP TABLE labels;" >/dev/null
	echo "CREATE TABLE tags (id INTEGER PRIMARY KEY); CREATE TABLE labels (id INTEGER PRIMARY KEY);" >> schema.sql
	q "CREATE TABLE tags (id INTEGER PRIMARY KEY)"
	q "CREATE TABLE labels (id INTEGER PRIMARY KEY)"
	rt verify
	expect_rc 1
	expect_out_has "it matches its migrations at heads"
	expect_out_has "run: retort stamp heads"
	rt stamp heads
	rt verify
	expect_rc 0
	# drift that no later revision explains still gets its SQL
	q "CREATE TABLE stray (id INTEGER)"
	rt verify
	expect_rc 1
	expect_out_has "stray;"
	expect_out_lacks "run: retort stamp"
}

# Recipe "no such column" ("table has no column named X"): the model
# changed and was deployed, its migration was never written.
test_recipe_model_changed_without_its_migration() {
	users_posts
	rt upgrade head
	sed -i 's/title VARCHAR(50))/title VARCHAR(50), body TEXT)/' schema.sql
	rt verify
	expect_rc 1
	expect_out_has "FAIL  schema"
	expect_out_has "posts.body"
	expect_out_has "run: retort revision --autogenerate"
	rt revision --autogenerate -m "add body"
	expect_rc 0
	rt upgrade head
	expect_rc 0
	rt verify
	expect_rc 0
}

# Recipe "Target database is not up to date": autogenerate compares
# against the database, so it must be at the heads first.
test_recipe_target_database_is_not_up_to_date() {
	users_posts
	rt upgrade aaaa
	sed -i 's/name VARCHAR(50))/name VARCHAR(50), email TEXT)/' schema.sql
	rt revision --autogenerate -m "add email"
	expect_rc 1
	expect_err_has "Target database is not up to date"
	expect_err_has "run: retort upgrade heads"
	rt upgrade heads
	rt revision --autogenerate -m "add email"
	expect_rc 0
	rt upgrade head
	expect_rc 0
	rt verify
	expect_rc 0
}

# Recipe "Can't locate revision": the database is at a revision whose file
# is gone (deleted, or on another git branch).  Put the file back, or
# stamp the revision the database really is at.
test_recipe_cant_locate_revision() {
	users_posts
	rt upgrade head
	mv migrations/bbbb_posts.sql ../bbbb_posts.sql.away
	rt current
	expect_rc 1
	expect_err_has "bbbb"
	rt upgrade head
	expect_rc 1
	expect_err_has "bbbb"
	mv ../bbbb_posts.sql.away migrations/bbbb_posts.sql
	rt current
	expect_rc 0
	# the other way: the revision is really gone, the database at aaaa's schema
	rt downgrade aaaa
	q "UPDATE retort_version SET version_num = 'gone1234'"
	rt current
	expect_rc 1
	expect_err_has "gone1234"
	expect_err_has "stamp --purge"
	rt stamp --purge aaaa
	expect_rc 0
	rt upgrade head
	expect_rc 0
	expect_versions "bbbb"
}

# Recipe "Multiple head revisions are present": two branches of work each
# added a migration.  merge heads joins them; upgrade head then works.
test_recipe_multiple_heads() {
	users_posts
	rt upgrade head
	mig cccc aaaa "tags" "CREATE TABLE tags (id INTEGER PRIMARY KEY);" "DROP TABLE tags;" >/dev/null
	rt upgrade head
	expect_rc 1
	expect_err_has "Multiple head revisions are present"
	expect_err_has "run: retort merge -m \"merge heads\" heads"
	rt merge -m "merge heads" heads
	expect_rc 0
	rt upgrade head
	expect_rc 0
	rt heads
	[ "$(wc -l <<<"$OUT")" = 1 ] || fail "still several heads: $OUT"
}

# Recipe "roll back a deploy": downgrade --last-run reverts what the last
# upgrade applied, however many migrations that was.
test_recipe_roll_back_a_deploy() {
	users_posts
	mig cccc bbbb "tags" "CREATE TABLE tags (id INTEGER PRIMARY KEY);" "DROP TABLE tags;" >/dev/null
	rt upgrade aaaa
	rt upgrade head
	rt downgrade --last-run
	expect_rc 0
	expect_versions "aaaa"
	has_table users || fail "users was reverted too"
	! has_table posts || fail "posts stayed"
}

run_tests
