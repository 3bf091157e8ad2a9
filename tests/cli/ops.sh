#!/bin/bash
# ops.sh - backup (and restoring it), seed, reset, create: the operations
# around the migrations, on every dialect.
. "$(dirname "$0")/lib.sh"

psql_admin() { psql -X -q -At -h "$RETORT_TEST_PGHOST" -p "$RETORT_TEST_PGPORT" -U "$RETORT_TEST_PGUSER" "$@"; }

two_migrations() {
	mig o1 "" "users" "CREATE TABLE users (id INTEGER PRIMARY KEY, name VARCHAR(50) NOT NULL);" "DROP TABLE users;" >/dev/null
	mig o2 o1 "posts" "CREATE TABLE posts (id INTEGER PRIMARY KEY, user_id INTEGER REFERENCES users (id), title VARCHAR(50));" "DROP TABLE posts;" >/dev/null
}

seeds() {
	mkdir -p seeds
	echo "INSERT INTO users (id, name) VALUES (1, 'Ann'), (2, 'Bob');" > seeds/people.sql
	echo "INSERT INTO posts (id, user_id, title) VALUES (\${post_id}, 1, 'hello');" > seeds/posts.sql
}

test_backup_and_restore_round_trip() {
	project
	two_migrations
	rt upgrade head
	q "INSERT INTO users VALUES (1, 'Ann'), (2, 'Bob')"
	rt backup
	expect_rc 0
	local file=$OUT
	[ -s "$file" ] || fail "no backup file at '$file'"
	case $DIALECT in
	sqlite) [[ $file == backups/backup-*.sqlite ]] || fail "backup name $file" ;;
	postgresql) [[ $file == backups/backup-*.dump ]] || fail "backup name $file" ;;
	esac
	q "DELETE FROM users"
	rt downgrade base
	case $DIALECT in
	sqlite) cp "$file" app.db ;;
	postgresql) pg_restore -h "$RETORT_TEST_PGHOST" -p "$RETORT_TEST_PGPORT" -U "$RETORT_TEST_PGUSER" \
			-d "$TEST_DB" --clean --if-exists "$file" || fail "pg_restore failed" ;;
	esac
	expect_q "SELECT name FROM users ORDER BY id" "Ann
Bob"
	expect_versions "o2"
	rt backup -o mine.bak
	expect_rc 0
	expect_out "mine.bak"
	rt backup -o mine.bak
	expect_rc 2
	expect_err_has "never overwrites a backup"
}

test_upgrade_with_backup_prints_where() {
	project
	two_migrations
	rt upgrade o1
	rt upgrade --backup head
	expect_rc 0
	expect_err_has "backed up to backups/backup-"
	expect_versions "o2"
	[ "$(ls backups | wc -l)" = 1 ] || fail "expected one backup"
}

sqlite_test_backup_of_missing_database() {
	project
	two_migrations
	rt backup
	expect_rc 1
	expect_err_has "the database does not exist yet"
	rt upgrade --backup head
	expect_rc 0
	expect_err_has "no backup: the database does not exist yet"
}

pg_test_backup_pg_dump_missing_or_too_old() {
	project
	two_migrations
	rt upgrade head
	RETORT_PG_DUMP=/nonexistent/pg_dump rt backup
	expect_rc 1
	expect_err_has "pg_dump was not found"
	printf '#!/bin/sh\necho "pg_dump (PostgreSQL) 9.6.24"\n' > old_pg_dump
	chmod +x old_pg_dump
	RETORT_PG_DUMP=$PWD/old_pg_dump rt backup
	expect_rc 1
	expect_err_has "is version 9, older than the server"
	expect_err_has "install postgresql-client-"
	[ ! -e backups ] || [ -z "$(ls backups)" ] || fail "a failed backup left a file"
}

pg_test_backup_keeps_the_password_off_the_command_line() {
	project
	two_migrations
	rt upgrade head
	psql_admin -d postgres -c "ALTER USER $RETORT_TEST_PGUSER PASSWORD 's3cret-pw'" >/dev/null
	printf '#!/bin/sh\ncase "$1" in --version) echo "pg_dump (PostgreSQL) 99.0";; *) echo "$@" > args; cat "$PGSERVICEFILE" > svc;; esac\n' > fake_pg_dump
	chmod +x fake_pg_dump
	sed -i "s|postgresql://$RETORT_TEST_PGUSER@|postgresql://$RETORT_TEST_PGUSER:s3cret-pw@|" retort.ini
	RETORT_PG_DUMP=$PWD/fake_pg_dump rt backup -o x.dump
	psql_admin -d postgres -c "ALTER USER $RETORT_TEST_PGUSER PASSWORD NULL" >/dev/null
	expect_rc 0
	grep -q s3cret args && fail "the password was on pg_dump's command line: $(cat args)"
	grep -qx "password=s3cret-pw" svc || fail "the password was not in the service file: $(cat svc)"
	grep -q -- "--format=custom" args || fail "not custom format"
	return 0
}

test_seed_runs_in_one_transaction() {
	project "seeds = people, posts"
	two_migrations
	seeds
	rt upgrade head
	rt -x post_id=42 seed people posts
	expect_rc 0
	expect_q "SELECT count(*) FROM users" "2"
	expect_q "SELECT id, title FROM posts" "42|hello"
	echo "INSERT INTO users (id, name) VALUES (3, 'Cy'); INSERT INTO users (id, name) VALUES (1, 'dup');" > seeds/bad.sql
	rt seed bad
	expect_rc 1
	expect_err_has "seeds/bad.sql:1:"
	expect_err_has "nothing of it was kept"
	expect_q "SELECT count(*) FROM users" "2"
	rt seed nosuch
	expect_rc 2
	expect_err_has "no seed named 'nosuch'"
	expect_err_has "seeds here: bad, people, posts"
}

test_reset_downgrades_upgrades_and_seeds() {
	project "seeds = people, posts" "[placeholders]" "post_id = 9"
	two_migrations
	seeds
	rt upgrade head
	q "INSERT INTO users VALUES (7, 'Old')"
	rt reset
	expect_rc 2
	expect_err_has "run it on a terminal, or pass --yes"
	expect_q "SELECT count(*) FROM users" "1"
	rt reset --yes
	expect_rc 0
	expect_err_has "Running downgrade o1"
	expect_q "SELECT name FROM users ORDER BY id" "Ann
Bob"
	expect_q "SELECT id FROM posts" "9"
	expect_versions "o2"
}

test_reset_without_downgrades_drops_what_the_migrations_created() {
	project "seeds = people"
	mig o1 "" "users" "CREATE TABLE users (id INTEGER PRIMARY KEY, name VARCHAR(50) NOT NULL);" >/dev/null
	sed -i '/^-- migrate:downgrade/d' migrations/o1_users.sql
	seeds
	rt upgrade head
	q "CREATE TABLE stray (id INTEGER)"
	q "INSERT INTO users VALUES (7, 'Old')"
	rt reset --yes
	expect_rc 0
	expect_err_has "dropping what the migrations created instead"
	expect_err_has "kept what this project's migrations did not create:"
	expect_err_has "stray"
	has_table stray || fail "reset dropped a table its migrations did not create"
	expect_q "SELECT name FROM users ORDER BY id" "Ann
Bob"
	expect_versions "o1"
	expect_q "SELECT direction FROM retort_version_history ORDER BY id" "upgrade
reset
upgrade"
}

# Two projects in one database, each with its own version_table: a reset of
# one whose revision has no downgrade dropped the other's tables too.
test_reset_in_a_shared_database_keeps_the_other_project() {
	mkdir other
	(cd other && project "version_table = other_version" &&
		mig x1 "" "other" "CREATE TABLE t_other (id INTEGER);
INSERT INTO t_other VALUES (42);" "DROP TABLE t_other;" >/dev/null)
	[ "$DIALECT" = sqlite ] && sed -i 's|sqlite:///app.db|sqlite:///../app.db|' other/retort.ini
	rt -c other/retort.ini upgrade head
	expect_rc 0
	project
	mig o1 "" "mine" "CREATE TABLE t_mine (id INTEGER);
INSERT INTO t_mine VALUES (1);" >/dev/null
	sed -i '/^-- migrate:downgrade/d' migrations/o1_mine.sql
	rt upgrade head
	expect_rc 0
	q "INSERT INTO t_mine VALUES (2)"
	rt reset --yes
	expect_rc 0
	expect_err_has "t_other"
	expect_tables "t_mine t_other"
	expect_q "SELECT id FROM t_other" "42"
	expect_q "SELECT id FROM t_mine" "1"
	expect_versions "o1"
	expect_q "SELECT version_num FROM other_version" "x1"
	expect_q "SELECT count(*) FROM other_version_history" "1"
	rt -c other/retort.ini current
	expect_out "x1 (head)"
}

# The other project's table references one of ours: dropping ours fails
# (no CASCADE, which would take the other project's constraint), the drop
# is rolled back whole, and the hint says why and what to do, instead of
# PostgreSQL's "use DROP ... CASCADE".
pg_test_reset_stops_at_what_another_project_hangs_on_ours() {
	project
	mig o1 "" "mine" "CREATE TABLE t_mine (id INTEGER PRIMARY KEY);
INSERT INTO t_mine VALUES (1);" >/dev/null
	sed -i '/^-- migrate:downgrade/d' migrations/o1_mine.sql
	rt upgrade head
	expect_rc 0
	q "CREATE TABLE t_other (id INTEGER, mine_id INTEGER REFERENCES t_mine (id)); INSERT INTO t_other VALUES (5, 1)"
	rt reset --yes
	expect_rc 1
	expect_err_has "depends on table t_mine"
	expect_err_has "hint: nothing was changed"
	expect_err_has "(kept: constraint t_other_mine_id_fkey on public.t_other, table public.t_other)"
	expect_tables "t_mine t_other"
	expect_q "SELECT mine_id FROM t_other" "1"
	expect_versions "o1"
}

test_reset_refuses_protected_environments() {
	project "[env:production]" "protected = true"
	two_migrations
	rt upgrade head
	rt -e production reset --yes
	expect_rc 2
	expect_err_has "environment 'production' is marked protected"
	expect_versions "o2"
}

test_create_refuses_tables() {
	project "schema = schema.sql"
	echo "CREATE TABLE a (id INTEGER PRIMARY KEY);" > schema.sql
	rt revision --autogenerate -m "a"
	expect_rc 0
	q "CREATE TABLE already (id INTEGER)"
	rt create
	expect_rc 1
	expect_err_has "the database already has 1 table or view"
	has_table a && fail "create loaded the schema anyway"
	q "DROP TABLE already"
	echo "CREATE TABLE b (id INTEGER PRIMARY KEY);" >> schema.sql
	rt create
	expect_rc 1
	expect_err_has "the declared schema and the migrations at the heads differ"
	expect_err_has "create table"
	has_table a && fail "create loaded the schema although it differs from the migrations"
	return 0
}

# What retort does not manage would survive dropping everything and break
# the upgrade after it: reset refuses first, changing nothing.
pg_test_reset_refuses_when_it_cannot_drop_what_the_migrations_created() {
	project
	mig o1 "" "users" "CREATE TYPE tag;
CREATE FUNCTION tag_in(cstring) RETURNS tag LANGUAGE internal IMMUTABLE STRICT AS 'textin';
CREATE FUNCTION tag_out(tag) RETURNS cstring LANGUAGE internal IMMUTABLE STRICT AS 'textout';
CREATE TYPE tag (INPUT = tag_in, OUTPUT = tag_out, LIKE = text);
CREATE TABLE users (id integer PRIMARY KEY, s tag);" >/dev/null
	sed -i '/^-- migrate:downgrade/d' migrations/o1_users.sql
	rt upgrade head
	expect_rc 0
	q "INSERT INTO users VALUES (7)" >/dev/null
	rt reset --yes
	expect_rc 1
	expect_err_has "reset cannot drop what the migrations created: they create what retort does not manage: base type public.tag"
	expect_err_has "nothing was changed"
	expect_q "SELECT id FROM users" "7"
	expect_versions "o1"
}

run_tests
