#!/bin/bash
# schema.sh - the declared schema: revision --autogenerate (and migrate),
# check, diff, create; what they write is applied and the database read back.
. "$(dirname "$0")/lib.sh"

# The declared schema, in SQL both dialects accept.
schema_v1() {
	cat > schema.sql <<'EOF'
CREATE TABLE users (
    id INTEGER PRIMARY KEY,
    email VARCHAR(200) NOT NULL UNIQUE,
    name VARCHAR(100) NOT NULL
);
CREATE TABLE posts (
    id INTEGER PRIMARY KEY,
    author_id INTEGER NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    title VARCHAR(200) NOT NULL
);
CREATE INDEX ix_posts_author ON posts (author_id);
CREATE VIEW post_titles AS SELECT p.title, u.name FROM posts p JOIN users u ON u.id = p.author_id;
EOF
}

# v2: a column added, a column renamed (seen as drop + add), a table dropped, a new table.
schema_v2() {
	cat > schema.sql <<'EOF'
CREATE TABLE users (
    id INTEGER PRIMARY KEY,
    email VARCHAR(200) NOT NULL UNIQUE,
    full_name VARCHAR(100),
    bio TEXT
);
CREATE TABLE tags (
    id INTEGER PRIMARY KEY,
    label VARCHAR(50) NOT NULL UNIQUE
);
EOF
}

test_autogenerate_check_and_round_trip() {
	project "schema = schema.sql"
	schema_v1
	rt check
	expect_rc 1
	expect_out_has "posts"
	expect_err_has "the declared schema and the migrations at head differ"
	rt revision --autogenerate -m "initial schema"
	expect_rc 0
	local f1=$OUT
	[ -f "$f1" ] || fail "no migration written"
	grep -q "^-- migrate:downgrade" "$f1" || fail "no downgrade section"
	rt check
	expect_rc 0   # check compares the migrations with the schema, not the database
	rt upgrade head
	expect_rc 0
	has_table users || fail "users missing after upgrade"
	rt revision --autogenerate -m "again"
	expect_rc 0
	expect_err_has "No changes in schema detected"
	expect_out ""
	[ "$(ls migrations | wc -l)" = 1 ] || fail "an empty migration was written"
	q "INSERT INTO users (id, email, name) VALUES (1, 'a@x', 'Ann')"
	schema_v2
	rt migrate -m "users v2"
	expect_rc 0
	local f2=$OUT
	expect_err_has "possible rename: users.name -> full_name"
	grep -q "^-- WARNING: possible rename: users.name -> full_name" "$f2" || fail "the possible rename is not in the migration file"
	grep -q "WARNING: " "$f2" || fail "the drop carries no warning comment"
	rt upgrade head
	expect_rc 0
	rt check
	expect_rc 0
	expect_err_has "No changes"
	has_table tags || fail "tags missing"
	has_table posts && fail "posts still there"
	expect_q "SELECT email FROM users" "a@x"
	# users.name comes back NOT NULL without a default: the downgrade fails on rows, atomically
	rt downgrade -1
	expect_rc 1
	expect_versions "$(basename "$f2" | cut -d_ -f1)"
	has_table tags || fail "a failed downgrade dropped tags"
	q "DELETE FROM users"
	rt downgrade -1
	expect_rc 0
	has_table posts || fail "posts not restored by the downgrade"
	has_table tags && fail "tags not dropped by the downgrade"
	rt downgrade base
	expect_rc 0
	has_table users && fail "users left after downgrade base"
	return 0
}

test_autogenerate_refuses_behind_head() {
	project "schema = schema.sql"
	schema_v1
	mig a1 "" "first" "CREATE TABLE first_t (id INTEGER PRIMARY KEY);" "DROP TABLE first_t;" >/dev/null
	rt revision --autogenerate -m "x"
	expect_rc 1
	expect_err_has "Target database is not up to date"
	[ "$(ls migrations | wc -l)" = 1 ] || fail "a file was written"
	return 0
}

test_diff_sources() {
	project "schema = schema.sql"
	schema_v1
	rt diff --from empty --to schema
	expect_rc 0
	expect_out_has "CREATE TABLE"
	expect_out_has "users"
	rt diff --from schema --to schema --exit-code
	expect_rc 0
	expect_out ""
	rt diff --from empty --to schema --exit-code
	expect_rc 1
	rt --json diff --from schema --to empty
	expect_rc 0
	python3 -c 'import json,sys; d=json.load(sys.stdin); assert d["changes"] and "DROP" in d["upgrade_sql"].upper()' <<<"$OUT" ||
		fail "json diff: $OUT"
	rt diff --from nonsense
	expect_rc 2
	expect_err_has "'nonsense' is not a schema source"
}

# migrations:current is the database's revisions, not the scratch
# database's (which is at base: the diff printed DROP TABLE for every
# table); so are relative ones like migrations:-1.
test_diff_migrations_current_means_the_database() {
	project
	tmig a1 ""
	tmig a2 a1
	tmig a3 a2
	rt upgrade a2
	expect_rc 0
	rt diff --to migrations:current --exit-code
	expect_rc 0
	expect_out ""
	expect_err_has "No differences."
	rt diff --from migrations:current --to migrations:heads
	expect_rc 0
	expect_out_has "t_a3 ("
	expect_out_lacks "DROP"
	expect_out_lacks "t_a1"
	rt diff --from migrations:-1 --to migrations:current
	expect_rc 0
	expect_out_has "t_a2 ("
	expect_out_lacks "t_a1"
	expect_out_lacks "DROP"
	q "DELETE FROM retort_version"
	rt diff --from migrations:current --to empty
	expect_rc 0
	expect_out ""
	q "INSERT INTO retort_version VALUES ('ffffffffffff')"
	rt diff --to migrations:current
	expect_rc 1
	expect_err_has "ffffffffffff"
	expect_db "ffffffffffff" "t_a1 t_a2"
}

test_create_fills_an_empty_database_and_stamps_heads() {
	project "schema = schema.sql"
	schema_v1
	rt revision --autogenerate -m "initial"
	expect_rc 0
	local rev
	rev=$(basename "$OUT" | cut -d_ -f1)
	rt create
	expect_rc 0
	has_table posts || fail "create did not load the schema"
	expect_versions "$rev"
	rt create
	expect_rc 1
	expect_err_has "create only fills an empty database"
	rt check
	expect_rc 0
}

sqlite_test_foreign_key_check_fails_a_migration() {
	project
	mig f1 "" "tables" "CREATE TABLE parent (id INTEGER PRIMARY KEY);
CREATE TABLE child (id INTEGER PRIMARY KEY, parent_id INTEGER REFERENCES parent (id));
INSERT INTO parent VALUES (1);
INSERT INTO child VALUES (1, 1);" "" >/dev/null
	mig f2 f1 "breaks a key" "DELETE FROM parent;
PRAGMA foreign_key_check;" "" >/dev/null
	rt upgrade head
	expect_rc 1
	expect_err_has "PRAGMA foreign_key_check found a row of child (rowid 1) whose parent in parent does not exist"
	expect_versions "f1"
	expect_q "SELECT count(*) FROM parent" "1"
}

# A SQLite type change that changes the column's affinity converts its
# values in the rebuild's copy: marked as destructive, in both directions.
sqlite_test_affinity_change_is_marked_destructive() {
	project "schema = schema.sql"
	echo "CREATE TABLE t (id INTEGER PRIMARY KEY, zip TEXT, n VARCHAR(10));" > schema.sql
	rt migrate -m first
	expect_rc 0
	rt upgrade head
	echo "CREATE TABLE t (id INTEGER PRIMARY KEY, zip INTEGER, n TEXT);" > schema.sql
	rt migrate -m retype
	expect_rc 0
	expect_err_has "warning: converts the values of t.zip (TEXT -> INTEGER) to the new type affinity"
	expect_err_lacks "t.n ("
	grep -q "^-- WARNING: converts the values of t.zip (INTEGER -> TEXT)" migrations/*_retype.sql ||
		fail "the downgrade's conversion is not marked"
}

# A nullable column that becomes NOT NULL with a default: its NULLs take
# the default on both dialects, so the upgrade does not fail on old rows.
test_not_null_with_a_default_fills_old_nulls() {
	project "schema = schema.sql"
	echo "CREATE TABLE t (id integer PRIMARY KEY, n text);" > schema.sql
	rt migrate -m first
	expect_rc 0
	rt upgrade head
	expect_rc 0
	q "INSERT INTO t (id) VALUES (1)" >/dev/null
	echo "CREATE TABLE t (id integer PRIMARY KEY, n text NOT NULL DEFAULT 'none');" > schema.sql
	rt migrate -m not-null
	expect_rc 0
	rt upgrade head
	expect_rc 0
	expect_q "SELECT n FROM t" "none"
	rt check
	expect_rc 0
}

# A TEMP table in the schema file is not part of the database: named as
# not compared, never dropped from the comparison unnoticed.
sqlite_test_temp_objects_in_the_schema_file_are_named() {
	project "schema = schema.sql"
	printf 'CREATE TABLE a (id INTEGER PRIMARY KEY);\nCREATE TEMP TABLE scratch (x);\n' > schema.sql
	rt migrate -m a
	expect_rc 0
	expect_err_has "not compared (retort cannot diff it yet): table temp.scratch (in temp, not in the database itself)"
}

# The rename the warning suggests is SQL that runs: names quoted as needed.
sqlite_test_possible_rename_quotes_names() {
	project "schema = schema.sql"
	echo 'CREATE TABLE t (id INTEGER PRIMARY KEY, "Mixed Case" TEXT);' > schema.sql
	rt migrate -m a
	rt upgrade head
	echo 'CREATE TABLE t (id INTEGER PRIMARY KEY, "new name" TEXT);' > schema.sql
	rt migrate -m b
	expect_rc 0
	expect_err_has 'replace both with ALTER TABLE t RENAME COLUMN "Mixed Case" TO "new name", and the downgrade'
}

# The columns of a table of the test database, in order, comma-separated.
columns_of() {
	case $DIALECT in
	sqlite) q "SELECT group_concat(name, ',') FROM pragma_table_info('$1')" ;;
	postgresql) q "SELECT string_agg(attname, ',' ORDER BY attnum) FROM pg_attribute
		WHERE attrelid = 'public.$1'::regclass AND attnum > 0 AND NOT attisdropped" ;;
	esac
}

# A column declared in the middle of a table (the usual edit of a model) is
# one ADD COLUMN at the end, and check and verify pass on the order that
# gives; column_order = strict moves it to its declared place, and its
# downgrade gives back the old order.
test_column_in_the_middle_is_added_at_the_end() {
	project "schema = schema.sql"
	schema_v1
	rt migrate -m initial
	expect_rc 0
	rt upgrade head
	q "INSERT INTO users (id, email, name) VALUES (1, 'a@x', 'Ann')"
	sed -i 's/^    email VARCHAR(200)/    bio TEXT,\n&/' schema.sql
	grep -q "bio TEXT," schema.sql || fail "sed did not insert the column"
	rt migrate -m "add bio"
	expect_rc 0
	local f=$OUT
	[ "$(grep -c '^-- ' "$f" | tr -d ' ')" -ge 1 ] || fail "no operations"
	grep -q "^ALTER TABLE .*users ADD COLUMN bio" "$f" || fail "no ADD COLUMN bio in $(cat "$f")"
	# (PostgreSQL, online = true: after the SET LOCAL lock_timeout every step starts with)
	[ "$(sed -n '/^-- migrate:upgrade/,/^-- migrate:downgrade/p' "$f" | grep -v '^SET LOCAL lock_timeout' | grep -c ';$')" = 1 ] ||
		fail "more than one statement in the upgrade: $(cat "$f")"
	rt upgrade head
	expect_rc 0
	[ "$(columns_of users)" = "id,email,name,bio" ] || fail "columns: $(columns_of users)"
	expect_q "SELECT name FROM users" "Ann"
	rt check
	expect_rc 0
	rt migrate -m again
	expect_rc 0
	expect_err_has "No changes in schema detected"
	rt diff --exit-code
	expect_rc 0
	rt verify
	expect_rc 0

	echo "column_order = strict" >> retort.ini
	rt check
	expect_rc 1
	expect_out_has "users"
	rt migrate -m "declared order"
	expect_rc 0
	rt upgrade head
	expect_rc 0
	[ "$(columns_of users)" = "id,bio,email,name" ] || fail "strict columns: $(columns_of users)"
	expect_q "SELECT name FROM users" "Ann"
	rt check
	expect_rc 0
	rt downgrade -1
	expect_rc 0
	[ "$(columns_of users)" = "id,email,name,bio" ] || fail "columns after the downgrade: $(columns_of users)"
	expect_q "SELECT name FROM users" "Ann"
}

# column_order takes ignore or strict.
test_column_order_setting_is_checked() {
	project "schema = schema.sql" "column_order = sometimes"
	schema_v1
	rt check
	expect_rc 2
	expect_err_has "column_order 'sometimes' is not ignore or strict"
}

# schema.sql in any order: a view before its tables, an index before its
# table, a foreign key to a table declared later.  What can never run is
# named by file:line, with the database's reason.
test_schema_file_in_any_order() {
	project "schema = schema.sql"
	cat > schema.sql <<'EOF'
CREATE VIEW post_titles AS SELECT p.title, u.name FROM posts p JOIN users u ON u.id = p.author_id;
CREATE INDEX ix_posts_author ON posts (author_id);
CREATE TABLE posts (
    id INTEGER PRIMARY KEY,
    author_id INTEGER NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    title VARCHAR(200) NOT NULL
);
CREATE TABLE users (
    id INTEGER PRIMARY KEY,
    email VARCHAR(200) NOT NULL UNIQUE,
    name VARCHAR(100) NOT NULL
);
EOF
	rt migrate -m initial
	expect_rc 0
	rt upgrade head
	expect_rc 0
	has_table users || fail "users missing"
	rt check
	expect_rc 0
	schema_v1
	rt check
	expect_rc 0   # the same schema in order
	cat >> schema.sql <<'EOF'
CREATE INDEX ix_gone ON nowhere (x);
CREATE TABLE audit (id INTEGER PRIMARY KEY);
CREATE INDEX ix_never ON nobody (y);
EOF
	rt check
	expect_rc 1
	expect_err_has "statements could not run, even when tried again after all the others"
	expect_err_has "schema.sql:13:"
	expect_err_has "nowhere"
	expect_err_has "schema.sql:15:"
}

# pg_dump 15.14, 16.10, 17.6 and later put \restrict KEY and \unrestrict KEY
# around a dump (a Rails structure.sql has them): psql's, meaning nothing
# to retort, so a dump loads as it is.
pg_test_pg_dump_restrict_lines_are_read_as_blank() {
	project "schema = schema.sql"
	cat > schema.sql <<'EOF'
--
-- PostgreSQL database dump
--

\restrict OTErP263hI5xdbqI2WkKaAOOb7GbGil4unib5XpTypqNeezoVOC9x0eWbYhXSDr

SET statement_timeout = 0;
CREATE TABLE public.users (id integer NOT NULL, name text);
ALTER TABLE ONLY public.users ADD CONSTRAINT users_pkey PRIMARY KEY (id);

--
-- PostgreSQL database dump complete
--

\unrestrict OTErP263hI5xdbqI2WkKaAOOb7GbGil4unib5XpTypqNeezoVOC9x0eWbYhXSDr

EOF
	rt migrate -m initial
	expect_rc 0
	rt upgrade head
	expect_rc 0
	has_table users || fail "users missing"
	rt check
	expect_rc 0
	# another meta-command is still refused, naming its line
	echo '\connect other' >> schema.sql
	rt check
	expect_rc 1
	expect_err_has "schema.sql:17:"
	expect_err_has "psql meta-command"
}

# The columns of a table (columns_of) and whether the generated upgrade
# section holds a statement matching a pattern.
upgrade_has() { sed -n '/^-- migrate:upgrade/,/^-- migrate:downgrade/p' "$1" | grep -qE "$2"; }
downgrade_has() { sed -n '/^-- migrate:downgrade/,$p' "$1" | grep -qE "$2"; }

# "-- retort:renamed-from OLD" on a column's line or a CREATE TABLE line: the
# migration renames (the rows stay), the downgrade renames back, and once
# applied the hint changes nothing.
test_rename_hints() {
	project "schema = schema.sql"
	cat > schema.sql <<'EOF'
CREATE TABLE users (
    id INTEGER PRIMARY KEY,
    name VARCHAR(100) NOT NULL,
    email VARCHAR(200) NOT NULL UNIQUE
);
CREATE TABLE posts (
    id INTEGER PRIMARY KEY,
    author_id INTEGER NOT NULL REFERENCES users (id),
    title VARCHAR(200) NOT NULL
);
CREATE INDEX ix_users_name ON users (name);
EOF
	rt migrate -m initial
	rt upgrade head
	expect_rc 0
	q "INSERT INTO users (id, name, email) VALUES (1, 'Ann', 'a@x')"
	q "INSERT INTO posts (id, author_id, title) VALUES (7, 1, 'Hello')"
	# without the hint: a possible rename, and how to mark it
	sed -i 's/^    name VARCHAR(100) NOT NULL,/    full_name VARCHAR(100) NOT NULL,/; s/(name)/(full_name)/' schema.sql
	rt diff
	expect_err_lacks "error"
	rt migrate -m "full name"
	expect_rc 0
	expect_err_has "possible rename: users.name -> full_name"
	expect_err_has "end full_name's line in the schema with '-- retort:renamed-from name'"
	rm "$OUT"
	# with it: a rename
	sed -i 's/^    full_name VARCHAR(100) NOT NULL,/&  -- retort:renamed-from name/' schema.sql
	rt migrate -m "full name"
	expect_rc 0
	expect_err_lacks "possible rename"
	local f=$OUT
	upgrade_has "$f" 'RENAME COLUMN name TO full_name' || fail "no RENAME COLUMN in: $(cat "$f")"
	upgrade_has "$f" 'DROP COLUMN|ADD COLUMN' && fail "drops or adds a column: $(cat "$f")"
	downgrade_has "$f" 'RENAME COLUMN full_name TO name' || fail "no rename back in: $(cat "$f")"
	rt upgrade head
	expect_rc 0
	expect_q "SELECT full_name FROM users" "Ann"
	rt check
	expect_rc 0
	rt migrate -m again
	expect_err_has "No changes in schema detected"
	# the table, renamed on its CREATE TABLE line
	sed -i 's/^CREATE TABLE users (/CREATE TABLE accounts (  -- retort:renamed-from users/; s/REFERENCES users/REFERENCES accounts/; s/ON users/ON accounts/' schema.sql
	rt migrate -m accounts
	expect_rc 0
	f=$OUT
	upgrade_has "$f" 'RENAME TO accounts' || fail "no RENAME TO in: $(cat "$f")"
	upgrade_has "$f" 'DROP TABLE|CREATE TABLE' && fail "drops or creates a table: $(cat "$f")"
	rt upgrade head
	expect_rc 0
	expect_q "SELECT full_name || ' ' || title FROM accounts JOIN posts ON posts.author_id = accounts.id" "Ann Hello"
	rt check
	expect_rc 0
	rt verify
	expect_rc 0
	rt migrate -m again
	expect_err_has "No changes in schema detected"
	# back down both: the old names, the rows still there
	rt downgrade -2
	expect_rc 0
	expect_q "SELECT name || ' ' || title FROM users JOIN posts ON posts.author_id = users.id" "Ann Hello"
	# a hint on a line of its own renames nothing, and says so
	printf -- '-- retort:renamed-from nothing\n' >> schema.sql
	rt diff
	expect_err_has "schema.sql:12: '-- retort:renamed-from nothing' is not in a CREATE TABLE statement"
}

run_tests
