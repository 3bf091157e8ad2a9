#!/bin/bash
# online.sh - autogenerate's online forms on PostgreSQL (online = true, the
# default): for each kind of change to a table that exists before the
# migration, the migration written (golden files in online/), and the
# plain forms with online = false; on SQLite, the note of a table rebuild.
. "$(dirname "$0")/lib.sh"

GOLDEN=$(cd "$(dirname "$0")/online" && pwd)

# The schema before: three tables with rows (events has no primary key).
base_schema() {
	cat <<'EOF'
CREATE TABLE users (id integer PRIMARY KEY, email text);
CREATE TABLE items (id integer PRIMARY KEY, user_id integer, sku text, price integer,
                    qty integer DEFAULT 0, note varchar(20));
CREATE TABLE events (id integer NOT NULL, kind text);
EOF
}

# The declared schema with one kind of change.
kind_schema() {
	case $1 in
	index) base_schema; echo "CREATE INDEX items_price ON items (price);" ;;
	unique) base_schema | sed 's/sku text,/sku text UNIQUE,/' ;;
	pk) base_schema | sed 's/events (id integer NOT NULL,/events (id integer PRIMARY KEY,/' ;;
	fk) base_schema | sed 's/user_id integer,/user_id integer REFERENCES users (id),/' ;;
	check) base_schema | sed 's/price integer,/price integer CHECK (price > 0),/' ;;
	notnull) base_schema | sed 's/sku text,/sku text NOT NULL,/' ;;
	backfill) base_schema | sed 's/qty integer DEFAULT 0,/qty integer NOT NULL DEFAULT 0,/' ;;
	type) base_schema | sed 's/price integer,/price bigint,/; s/note varchar(20)/note varchar(40)/' ;;
	esac
}

# A project at the base schema, applied, with rows (qty NULL in every other row).
base_project() {
	project "schema = schema.sql" "$@"
	base_schema > schema.sql
	rt revision --autogenerate -m base --rev-id base00000001
	expect_rc 0
	rt upgrade head
	expect_rc 0
	q "INSERT INTO users SELECT i, 'u' || i FROM generate_series(1, 3) i;
	   INSERT INTO items SELECT i, 1 + i % 3, 'sku' || i, i, CASE WHEN i % 2 = 0 THEN i END, 'n'
	   FROM generate_series(1, 200) i;
	   INSERT INTO events SELECT i, 'k' FROM generate_series(1, 50) i;" >/dev/null
}

# The migration as a file holds it: the upgrade, then the downgrade.
migration_of() {  # the two diffs, as the revision writer puts them together
	rt diff --from database --to schema
	expect_rc 0
	local up=$OUT
	rt diff --from schema --to database
	expect_rc 0
	case $up in "-- migrate:upgrade"*) ;; *) echo "-- migrate:upgrade" ;; esac
	printf '%s\n\n' "$up"
	case $OUT in "-- migrate:downgrade"*) ;; *) echo "-- migrate:downgrade" ;; esac
	printf '%s\n' "$OUT"
}

# ONLINE_GOLDEN_WRITE=1 writes the golden files instead (then review them with git diff).
expect_golden() {  # KIND: the migration for it is online/KIND.sql
	local got
	kind_schema "$1" > schema.sql
	got=$(migration_of) || exit 1
	[ -n "${ONLINE_GOLDEN_WRITE:-}" ] && printf '%s\n' "$got" > "$GOLDEN/$1.sql"
	[ "$got" = "$(cat "$GOLDEN/$1.sql")" ] ||
		fail "migration for $1 differs from online/$1.sql:
$(diff -u "$GOLDEN/$1.sql" <(printf '%s\n' "$got") | head -n 60)"
}

pg_test_online_index() { base_project; expect_golden index; }
pg_test_online_unique() { base_project; expect_golden unique; }
pg_test_online_primary_key() { base_project; expect_golden pk; }
pg_test_online_foreign_key() { base_project; expect_golden fk; }
pg_test_online_check() { base_project; expect_golden check; }
pg_test_online_not_null() { base_project; expect_golden notnull; }
pg_test_online_backfill() { base_project; expect_golden backfill; }
pg_test_online_type_change() { base_project; expect_golden type; }

# The migration autogenerate writes for KIND: lint (exit status LINT_RC),
# the upgrade on the table with rows, the downgrade back.
online_round_trip() {  # KIND LINT_RC
	base_project
	kind_schema "$1" > schema.sql
	rt revision --autogenerate -m "$1" --rev-id online000002
	expect_rc 0
	rt lint online000002
	expect_rc "$2"
	rt upgrade head
	expect_rc 0
	expect_err_lacks "changed its connection" # SET LOCAL ends with its step's transaction
	expect_versions online000002
	rt diff --from database --to schema
	expect_rc 0
	expect_out ""
	expect_q "SELECT count(*) FROM items" "200"
	rt downgrade -1
	expect_rc 0
	expect_versions base00000001
	base_schema > schema.sql
	rt diff --from database --to schema
	expect_rc 0
	expect_out ""
	expect_q "SELECT count(*), count(DISTINCT sku) FROM items" "200|200"
}

pg_test_online_index_runs() { online_round_trip index 0; }
pg_test_online_unique_runs() { online_round_trip unique 0; }
pg_test_online_primary_key_runs() { online_round_trip pk 0; }
pg_test_online_foreign_key_runs() { online_round_trip fk 0; }
pg_test_online_check_runs() { online_round_trip check 0; }
pg_test_online_not_null_runs() { online_round_trip notnull 0; }
pg_test_online_type_change_runs() { online_round_trip type 1; }

pg_test_online_backfill_runs() {
	online_round_trip backfill 0
	kind_schema backfill > schema.sql
	rt upgrade head
	expect_rc 0
	expect_q "SELECT count(*) FROM items WHERE qty = 0" "100"
	expect_err_has "batch:"
}

pg_test_online_type_change_lints_the_rewrite_only() {
	base_project
	kind_schema type > schema.sql
	rt revision --autogenerate -m type --rev-id online000002
	expect_rc 0
	rt lint --upgrade-only
	expect_rc 1
	expect_out_has "changing-column-type: ALTER TABLE items ALTER COLUMN price TYPE bigint"
	expect_out_lacks "COLUMN note TYPE"
}

# A row breaks the new foreign key: the validation step fails, the NOT VALID
# key stays (its step is recorded); with the row fixed, a rerun goes on from there.
pg_test_online_failed_validation_reruns_from_its_step() {
	base_project
	q "INSERT INTO items VALUES (999, 42, 'orphan', 1, 0, 'n')" >/dev/null
	kind_schema fk > schema.sql
	rt revision --autogenerate -m fk --rev-id online000002
	expect_rc 0
	rt upgrade head
	expect_rc 1
	expect_err_has "online000002"
	expect_versions base00000001
	expect_q "SELECT convalidated FROM pg_constraint WHERE conname = 'items_user_id_fkey'" "f"
	q "DELETE FROM items WHERE id = 999" >/dev/null
	rt upgrade head
	expect_rc 0
	expect_err_has "step 1/"
	expect_versions online000002
	expect_q "SELECT convalidated FROM pg_constraint WHERE conname = 'items_user_id_fkey'" "t"
}

# Duplicates fail the concurrent build of a unique key and leave an INVALID
# index; once they are gone, the rerun drops that index and builds it again.
pg_test_online_failed_index_build_reruns() {
	base_project
	q "UPDATE items SET sku = 'sku1' WHERE id = 2" >/dev/null
	kind_schema unique > schema.sql
	rt revision --autogenerate -m unique --rev-id online000002
	expect_rc 0
	rt upgrade head
	expect_rc 1
	expect_versions base00000001
	expect_q "SELECT indisvalid FROM pg_index WHERE indexrelid = 'items_sku_key'::regclass" "f"
	q "UPDATE items SET sku = 'sku2' WHERE id = 2" >/dev/null
	rt upgrade head
	expect_rc 0
	expect_versions online000002
	expect_q "SELECT indisvalid FROM pg_index WHERE indexrelid = 'items_sku_key'::regclass" "t"
	expect_q "SELECT contype FROM pg_constraint WHERE conname = 'items_sku_key'" "u"
}

# --sql prints every step, the DO block that drops a failed build among them.
pg_test_online_sql_output() {
	base_project
	kind_schema unique > schema.sql
	rt revision --autogenerate -m unique --rev-id online000002
	expect_rc 0
	rt upgrade base00000001:online000002 --sql
	expect_rc 0
	expect_out_has "DROP INDEX public.items_sku_key;"
	expect_out_has "CREATE UNIQUE INDEX CONCURRENTLY IF NOT EXISTS items_sku_key ON public.items USING btree (sku);"
	expect_out_has "ALTER TABLE public.items ADD CONSTRAINT items_sku_key UNIQUE USING INDEX items_sku_key;"
}

# The configured lock_timeout is what each transactional step sets.
pg_test_online_uses_configured_lock_timeout() {
	base_project "lock_timeout = 2s"
	kind_schema check > schema.sql
	rt diff --from database --to schema
	expect_rc 0
	expect_out_has "SET LOCAL lock_timeout = '2s';"
	expect_out_lacks "'5s'"
}

# online = false: today's plain forms, one section.
pg_test_online_false_writes_plain_forms() {
	base_project "online = false"
	kind_schema fk | sed 's/price integer,/price integer CHECK (price > 0),/' > schema.sql
	echo "CREATE INDEX items_price ON items (price);" >> schema.sql
	rt diff --from database --to schema
	expect_rc 0
	expect_out_has "CREATE INDEX items_price ON public.items USING btree (price);"
	expect_out_has "ALTER TABLE public.items ADD CONSTRAINT items_price_check CHECK ((price > 0));"
	expect_out_lacks "migrate:upgrade"
	expect_out_lacks "CONCURRENTLY"
	expect_out_lacks "NOT VALID"
	expect_out_lacks "lock_timeout"
}

# A table created by the migration keeps the plain forms, and a new database gets no lock_timeout.
pg_test_online_new_table_keeps_plain_forms() {
	project "schema = schema.sql"
	echo "CREATE TABLE a (id integer PRIMARY KEY, b integer NOT NULL CHECK (b > 0));
CREATE INDEX a_b ON a (b);" > schema.sql
	rt diff --from database --to schema
	expect_rc 0
	expect_out_lacks "migrate:upgrade"
	expect_out_lacks "CONCURRENTLY"
	expect_out_lacks "lock_timeout"
	expect_out_has "CREATE INDEX a_b ON public.a USING btree (b);"
}

# SQLite: a rebuild says it holds the write lock, with the rows counted when generated.
sqlite_test_rebuild_note_counts_rows() {
	project "schema = schema.sql"
	echo "CREATE TABLE t (id INTEGER PRIMARY KEY, a TEXT);" > schema.sql
	rt revision --autogenerate -m one --rev-id aaaa00000001
	expect_rc 0
	rt upgrade head
	expect_rc 0
	q "WITH RECURSIVE s(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM s WHERE i < 1234)
	   INSERT INTO t SELECT i, 'x' FROM s"
	echo "CREATE TABLE t (id INTEGER PRIMARY KEY, a TEXT NOT NULL DEFAULT 'x');" > schema.sql
	rt revision --autogenerate -m two --rev-id aaaa00000002
	expect_rc 0
	local f=migrations/aaaa00000002_two.sql
	grep -qF "the copy holds the database's write lock until the migration commits: no other connection can write meanwhile, for a time that grows with the table's rows (1234 when this migration was generated)" "$f" ||
		fail "no write-lock note with the row count: $(cat "$f")"
	# without the database (a diff of two files) the note has no count
	cp schema.sql new.sql
	echo "CREATE TABLE t (id INTEGER PRIMARY KEY, a TEXT);" > old.sql
	rt diff --from file:old.sql --to file:new.sql
	expect_rc 0
	expect_out_has "for a time that grows with the table's rows"
	expect_out_lacks "when this migration was generated"
}

run_tests
