#!/bin/bash
# python_flask_migrate.sh - retort against Flask-Migrate, from the same
# Flask-SQLAlchemy models, through the model changes of the Flask guides:
# add a model, add a nullable column, add a model with a foreign key, add an
# index, add a foreign key to a table, drop a column, rename a column, an
# enum, a new enum value, a server default, a changed server default.
#
# At every step Flask-Migrate (flask db migrate + flask db upgrade) moves one
# database and retort (retort migrate + retort upgrade head) another; a third
# is made by metadata.create_all() from the models.  retort's database must
# equal create_all's at every step (tables, columns, types, nullability,
# defaults, keys, indexes, checks, enums).  So must Flask-Migrate's, except
# where Alembic's autogenerate is known to miss something -- and there the
# test shows the miss (on the data) and that retort got it right.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/python.inc"

DBTOOL="$(dirname "$0")/dbtool.py"
DBTOOL=$(cd "$(dirname "$DBTOOL")" && pwd)/dbtool.py

# models N: app's models.py after step N of the guide.
models() {
	local n=$1
	cat <<'PY'
from datetime import datetime
from flask_sqlalchemy import SQLAlchemy
from sqlalchemy import MetaData

# the naming convention Flask-Migrate's documentation recommends
db = SQLAlchemy(metadata=MetaData(naming_convention={
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}))


class User(db.Model):
    id = db.Column(db.Integer, primary_key=True)
    username = db.Column(db.String(64), index=True, unique=True)
    email = db.Column(db.String(120), index=True, unique=True)
    password_hash = db.Column(db.String(256))
PY
	[ "$n" -ge 2 ] && [ "$n" -lt 6 ] && echo "    about_me = db.Column(db.String(140))"
	[ "$n" -ge 10 ] && echo "    karma = db.Column(db.Integer, nullable=False, server_default=$([ "$n" -ge 11 ] && echo "'10'" || echo "'0'"))"
	[ "$n" -ge 5 ] && cat <<'PY'


class Category(db.Model):
    id = db.Column(db.Integer, primary_key=True)
    name = db.Column(db.String(50), nullable=False, unique=True)
PY
	if [ "$n" -ge 3 ]; then
		cat <<'PY'


class Post(db.Model):
    id = db.Column(db.Integer, primary_key=True)
PY
		if [ "$n" -ge 7 ]; then
			echo "    content = db.Column(db.String(140))"
		else
			echo "    body = db.Column(db.String(140))"
		fi
		cat <<'PY'
    timestamp = db.Column(db.DateTime, index=True, default=datetime.utcnow)
    user_id = db.Column(db.Integer, db.ForeignKey(User.id), index=True)
PY
		[ "$n" -ge 5 ] && echo "    category_id = db.Column(db.Integer, db.ForeignKey(Category.id))"
		[ "$n" -ge 8 ] && echo "    status = db.Column(db.Enum('draft', 'published'$([ "$n" -ge 9 ] && echo ", 'archived'"), name='post_status', create_constraint=True), server_default='draft')"
		[ "$n" -ge 4 ] && echo "    __table_args__ = (db.Index('ix_post_user_time', 'user_id', 'timestamp'),)"
	fi
	return 0
}

# The Flask-Migrate project: an app with Migrate(app, db), as in the guides.
flask_project() {
	mkdir -p fm
	cat > fm/app.py <<'PY'
import os
from flask import Flask
from flask_migrate import Migrate
from models import db

app = Flask(__name__)
app.config["SQLALCHEMY_DATABASE_URI"] = os.environ["FM_URL"]
db.init_app(app)
migrate = Migrate(app, db)
PY
	models 1 > fm/models.py
	(cd fm && flask db init >/dev/null 2>&1) || fail "flask db init failed"
}

# The three databases: URLs in FM_URL (Flask-Migrate), RT_URL (retort),
# REF_URL (create_all; made again at each step).
databases() {
	if [ "$DIALECT" = sqlite ]; then
		FM_URL="sqlite:///$PWD/fm.db" RT_URL="sqlite:///$PWD/rt.db" REF_URL="sqlite:///$PWD/ref.db"
	else
		pg_db_new "${TEST_DB}_fm" "${TEST_DB}_ref"
		FM_URL=$(py_url psycopg2 "${TEST_DB}_fm")
		RT_URL=$(py_url psycopg2)
		REF_URL=$(py_url psycopg2 "${TEST_DB}_ref")
	fi
	export FM_URL FLASK_APP=app
}

drop_databases() {
	[ "$DIALECT" = postgresql ] || return 0
	pg_db_drop "${TEST_DB}_fm" "${TEST_DB}_ref"
}

sql() { "$PY" "$DBTOOL" exec "$@"; }

# flask db migrate + flask db upgrade; FM_ERR holds their stderr.
fm_step() {  # message
	(cd fm && flask db migrate -m "$1" >/dev/null 2>../fm.err) || fail "flask db migrate failed: $(tail -3 fm.err)"
	(cd fm && flask db upgrade >/dev/null 2>>../fm.err)
	FM_RC=$?
	FM_ERR=$(cat fm.err)
}

rt_step() {  # message; rt.file names the migration written
	(cd rt && rt migrate -m "$1" && echo "$OUT" > ../rt.file && echo "$ERR" > ../rt.err &&
		[ "$RC" = 0 ] && rt upgrade head && echo "$ERR" >> ../rt.err && [ "$RC" = 0 ]) ||
		fail "retort failed at '$1': $(cat rt.err 2>/dev/null)"
}

# Do what retort's possible-rename warning says: replace the drop and the
# add with the rename it names, and the downgrade's with the rename back.
follow_rename_hint() {  # migration file
	local up down
	up=$(sed -n 's/.*replace both with \(ALTER TABLE .* RENAME COLUMN [^ ]* TO [^ ,]*\), and the downgrade.*/\1/p' "$1" | head -n 1)
	[ -n "$up" ] || fail "the warning names no rename: $(cat "$1")"
	down=$(sed -E 's/RENAME COLUMN ([^ ]+) TO ([^ ]+)$/RENAME COLUMN \2 TO \1/' <<<"$up")
	sed -n '1,/^-- migrate:upgrade/p' "$1" > "$1.new"
	printf '%s;\n\n-- migrate:downgrade\n%s;\n' "$up" "$down" >> "$1.new"
	mv "$1.new" "$1"
}

# The models' own schema, made by create_all in a fresh database.
ref_db() {
	if [ "$DIALECT" = sqlite ]; then
		rm -f ref.db
	else
		pg_db_new "${TEST_DB}_ref"
	fi
	(cd rt && "$PY" "$DBTOOL" create-all "$REF_URL" models:db) || fail "create_all failed"
}

# Compare a database with the models' schema; lines matching $2 (an
# extended regex of differences Alembic is known for) are allowed.
same_as_models() {  # url label [allowed]
	local d
	d=$(diff <("$PY" "$DBTOOL" describe "$REF_URL") <("$PY" "$DBTOOL" describe "$1") | grep '^[<>]')
	[ -n "${3:-}" ] && d=$(grep -Ev -- "$3" <<<"$d")
	[ -z "$d" ] || fail "$2 differs from the models (< models, > $2):
$d"
}

# One step: the models, both tools, the comparison.
step() {  # n message [allowed differences of Flask-Migrate's database]
	models "$1" > fm/models.py
	models "$1" > rt/models.py
	fm_step "$2"
	[ "$FM_RC" = 0 ] || fail "flask db upgrade failed at '$2': $(tail -3 <<<"$FM_ERR")"
	rt_step "$2"
	ref_db
	same_as_models "$RT_URL" retort
	same_as_models "$FM_URL" Flask-Migrate "${3:-}"
}

test_same_schema_as_flask_migrate_through_the_guides() {
	py_need sqlalchemy flask_sqlalchemy flask_migrate psycopg2
	databases
	flask_project
	mkdir rt
	(cd rt && rt init --sqlalchemy models:db . && ini_set_url "$RT_URL") || fail "retort init failed"
	step 1 "users"
	step 2 "about me"
	step 3 "posts"
	step 4 "post index"
	step 5 "categories"
	step 6 "drop about me"
	sql "$RT_URL" "INSERT INTO \"user\" (id, username) VALUES (1, 'ann')"
	sql "$FM_URL" "INSERT INTO \"user\" (id, username) VALUES (1, 'ann')"
	sql "$RT_URL" "INSERT INTO post (id, body, user_id) VALUES (1, 'hello', 1)"
	sql "$FM_URL" "INSERT INTO post (id, body, user_id) VALUES (1, 'hello', 1)"

	# rename: Alembic drops body and adds content (the data is lost);
	# retort says it may be a rename, and what to write instead -- done here
	models 7 > fm/models.py
	models 7 > rt/models.py
	fm_step "rename body"
	[ "$FM_RC" = 0 ] || fail "flask db upgrade failed: $FM_ERR"
	(cd rt && rt migrate -m "rename body" && echo "$OUT" > ../rt.file && echo "$ERR" > ../rt.err)
	grep -q "possible rename: post.body -> content" rt.err || fail "no rename hint: $(cat rt.err)"
	follow_rename_hint "rt/$(cat rt.file)"
	(cd rt && rt upgrade head && [ "$RC" = 0 ]) || fail "the renaming migration failed"
	ref_db
	same_as_models "$RT_URL" retort
	same_as_models "$FM_URL" Flask-Migrate
	[ "$(sql "$RT_URL" "SELECT content FROM post")" = hello ] || fail "retort lost the post's text"
	[ "$(sql "$FM_URL" "SELECT content FROM post")" = "" ] || fail "Flask-Migrate kept the text?"

	# an enum added to a table: on PostgreSQL Alembic's add_column does not
	# create the type, and the upgrade fails -- users add the CREATE TYPE
	# by hand, as here; on SQLite its batch copy doubles the CHECK
	models 8 > fm/models.py
	models 8 > rt/models.py
	fm_step "status"
	if [ "$DIALECT" = postgresql ]; then
		[ "$FM_RC" != 0 ] || fail "flask db upgrade created the enum type (Alembic learnt it: update the test)"
		grep -q 'type "post_status" does not exist' <<<"$FM_ERR" || fail "unexpected failure: $FM_ERR"
		local f
		f=$(grep -l "def upgrade" fm/migrations/versions/*status*.py)
		sed -i "s/^def upgrade():/&\n    sa.Enum('draft', 'published', name='post_status').create(op.get_bind())/" "$f"
		(cd fm && flask db upgrade >/dev/null 2>../fm.err) || fail "the fixed migration failed: $(cat fm.err)"
	else
		[ "$FM_RC" = 0 ] || fail "flask db upgrade failed: $FM_ERR"
	fi
	rt_step "status"
	ref_db
	same_as_models "$RT_URL" retort
	local doubled="^> check post status IN \('draft', 'published'\)$"
	same_as_models "$FM_URL" Flask-Migrate "$doubled"

	# a new enum value: Alembic does not see it (neither the type's labels
	# nor the CHECK), so only retort's database takes 'archived'
	local missed="^[<>] (check post status IN|enum post_status)"
	step 9 "archived" "$missed"
	grep -q "archived" "rt/$(cat rt.file)" || fail "retort wrote nothing for the new value"
	sql "$RT_URL" "INSERT INTO post (id, content, user_id, status) VALUES (2, 'old', 1, 'archived')" ||
		fail "retort's database refuses the new enum value"
	sql "$FM_URL" "INSERT INTO post (id, content, user_id, status) VALUES (2, 'old', 1, 'archived')" 2>/dev/null &&
		fail "Flask-Migrate's database takes 'archived' (Alembic learnt it: update the test)"

	# a server default: Alembic renders it for a new column, but does not
	# compare it (compare_server_default is off), so a changed one is missed
	step 10 "karma" "$missed"
	step 11 "more karma" "$missed|^[<>] column user.karma "
	sql "$RT_URL" "INSERT INTO \"user\" (id, username) VALUES (2, 'bob')"
	sql "$FM_URL" "INSERT INTO \"user\" (id, username) VALUES (2, 'bob')"
	[ "$(sql "$RT_URL" "SELECT karma FROM \"user\" WHERE id = 2")" = 10 ] || fail "retort's default is not 10"
	[ "$(sql "$FM_URL" "SELECT karma FROM \"user\" WHERE id = 2")" = 0 ] ||
		fail "Flask-Migrate's default changed (Alembic learnt it: update the test)"

	# nothing left to do for either tool's check
	cd rt
	rt check
	expect_rc 0
	cd ..
	drop_databases
}

# Without a naming convention (the guides' first models), Flask-Migrate's
# SQLite batch mode cannot add a foreign key to a table ("Constraint must
# have a name"); retort adds it.
sqlite_test_foreign_key_without_naming_convention() {
	py_need sqlalchemy flask_sqlalchemy flask_migrate
	databases
	flask_project
	mkdir rt
	(cd rt && rt init --sqlalchemy models:db . && ini_set_url "$RT_URL") || fail "retort init failed"
	nameless() { models "$1" | sed '/^# the naming convention/,/^}))$/c\db = SQLAlchemy()'; }
	for n in 3 5; do
		nameless $n > fm/models.py
		nameless $n > rt/models.py
		fm_step "step $n"
		rt_step "step $n"
	done
	[ "$FM_RC" != 0 ] || fail "Flask-Migrate added the foreign key (Alembic learnt it: update the test)"
	grep -q "Constraint must have a name" <<<"$FM_ERR" || fail "unexpected failure: $FM_ERR"
	ref_db
	same_as_models "$RT_URL" retort
}

# retort init --from-alembic on the Flask-Migrate project of the guides:
# the same revisions as SQL, the database taken over where Alembic left it,
# and an empty database built by the SQL alone equal to Flask-Migrate's.
test_takeover_of_a_flask_migrate_project() {
	py_need sqlalchemy flask_sqlalchemy flask_migrate alembic psycopg2
	databases
	flask_project
	local n
	for n in 1 2 3 4 5 6 7; do   # SQLite: 5, 6, 7 are batch copies
		models $n > fm/models.py
		fm_step "step $n"
		[ "$FM_RC" = 0 ] || fail "flask db upgrade failed at $n: $FM_ERR"
	done
	sql "$FM_URL" "INSERT INTO \"user\" (id, username) VALUES (1, 'ann')"
	local alembic_current
	alembic_current=$(cd fm && flask db current 2>/dev/null | awk '{print $1}')
	[ -n "$alembic_current" ] || fail "flask db current printed nothing"

	rt --url "$FM_URL" init --from-alembic fm/migrations --sqlalchemy models:db proj
	expect_rc 0
	expect_err_has "Converted 7 revisions"
	grep -qx "version_table = alembic_version" proj/retort.ini || fail "version_table is not alembic_version"
	grep -qx "schema_command = python3 -m retort.sqlalchemy models:db" proj/retort.ini || fail "no schema_command"
	local id
	for f in fm/migrations/versions/*.py; do
		id=$(basename "$f" | cut -d_ -f1)
		ls proj/migrations/"${id}"_*.sql >/dev/null 2>&1 || fail "revision $id was not converted"
	done
	[ "$(ls proj/migrations | wc -l)" = 7 ] || fail "$(ls proj/migrations | wc -l) files for 7 revisions"
	cp fm/models.py proj/
	cd proj
	rt current
	expect_rc 0
	expect_out "$alembic_current (head)"
	rt upgrade head
	expect_rc 0
	expect_err_has "nothing to do"
	rt check   # the migrations, replayed, are the models
	expect_rc 0
	# an empty database, built by the converted SQL alone, is Flask-Migrate's
	rt --url "$REF_URL" upgrade head
	expect_rc 0
	d=$(diff <("$PY" "$DBTOOL" describe "$FM_URL") <("$PY" "$DBTOOL" describe "$REF_URL"))
	[ -z "$d" ] || fail "the converted migrations build another schema:
$d"
	# and the next model change goes on from where Alembic stopped
	models 8 > models.py
	rt migrate -m "status"
	expect_rc 0
	rt upgrade head
	expect_rc 0
	rt current
	expect_out_has "(head)"
	expect_out_lacks "$alembic_current"
	[ "$(sql "$FM_URL" "SELECT content FROM post")" = "" ] || true
	sql "$FM_URL" "INSERT INTO post (id, content, user_id, status) VALUES (1, 'x', 1, 'published')" ||
		fail "the new column is not there"
	cd ..
	drop_databases
}

# A password in the URL never reaches retort.ini (nor the output); no
# database is needed to convert.
sqlite_test_takeover_keeps_the_password_out() {
	py_need sqlalchemy flask_sqlalchemy flask_migrate alembic
	FM_URL="sqlite:///$PWD/fm.db" FLASK_APP=app
	export FM_URL FLASK_APP
	flask_project
	fm_step "users"
	rt --url "postgresql+psycopg2://app:s3cret@db.invalid/app" init --from-alembic fm/migrations proj
	expect_rc 0
	grep -qx 'url = ${DATABASE_URL}' proj/retort.ini || fail "url: $(grep '^url' proj/retort.ini)"
	grep -rq s3cret proj && fail "the password is in proj/"
	expect_err_lacks s3cret
	grep -q 'SERIAL' proj/migrations/*.sql || fail "not rendered for PostgreSQL"
	# Flask-Migrate's own directory is migrations/: retort's goes beside it
	cd fm
	rt --url "$FM_URL" init --from-alembic migrations
	expect_rc 0
	grep -qx 'script_location = db/migrations' retort.ini || fail "$(grep script_location retort.ini)"
	[ "$(ls db/migrations | wc -l)" = 1 ] || fail "no db/migrations/"
	rt current
	expect_rc 0
	expect_out_has "(head)"
	# never over an existing project
	rt --url "$FM_URL" init --from-alembic migrations
	expect_rc 1
	expect_err_has "already exists"
}

sqlite_test_takeover_errors() {
	py_need alembic
	mkdir empty
	rt --url sqlite:///x.db init --from-alembic empty proj
	expect_rc 2
	expect_err_has "holds neither env.py"
	[ -e proj/retort.ini ] && fail "retort.ini written for nothing"
	[ -n "$(ls proj/migrations 2>/dev/null)" ] && fail "files left behind"
	rt --url sqlite:///x.db init --from-alembic no-such-dir proj
	expect_rc 2
	expect_err_has "no-such-dir is not a directory"
	(unset DATABASE_URL; rt init --from-alembic empty proj)
	rt init --from-alembic empty proj
	expect_rc 2
	expect_err_has "needs the database's URL"
	RETORT_PYTHON=/nonexistent/python3 rt --url sqlite:///x.db init --from-alembic empty proj
	expect_rc 1
	expect_err_has "could not run python3 -m retort.alembic"
}

run_tests
