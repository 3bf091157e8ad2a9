#!/bin/bash
# python_sqlalchemy.sh - python3 -m retort.sqlalchemy (the DDL of SQLAlchemy
# models, compiled by SQLAlchemy) and retort init --sqlalchemy, with
# Debian's SQLAlchemy and Flask-SQLAlchemy, on SQLite and PostgreSQL.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/python.inc"

# Models with every kind of object the DDL must carry.
write_models() {
	cat > models.py <<'EOF'
import enum
import sqlalchemy as sa
from sqlalchemy.orm import declarative_base, relationship

Base = declarative_base()


class Mood(enum.Enum):
    happy = "happy"
    sad = "sad"


class User(Base):
    __tablename__ = "users"
    __table_args__ = (sa.CheckConstraint("length(email) > 3", name="ck_users_email"),
                      {"comment": "people"})
    id = sa.Column(sa.Integer, primary_key=True)
    email = sa.Column(sa.String(120), nullable=False, unique=True)
    mood = sa.Column(sa.Enum(Mood, name="mood", create_constraint=True))
    score = sa.Column(sa.Integer, server_default="0", nullable=False)
    discount = sa.Column(sa.String(10), server_default="10%")
    ticket = sa.Column(sa.Integer, sa.Sequence("ticket_seq"))
    note = sa.Column(sa.Text, comment="free text")


class Post(Base):
    __tablename__ = "posts"
    id = sa.Column(sa.Integer, primary_key=True)
    user_id = sa.Column(sa.ForeignKey("users.id", ondelete="CASCADE"), nullable=False, index=True)
    title = sa.Column(sa.String(200), nullable=False)
    user = relationship(User)
    __table_args__ = (sa.Index("ix_posts_title_user", "title", "user_id", unique=True),)
EOF
}

# Run the module; stdout in $OUT, stderr in $ERR, status in $RC.
sa_ddl() {
	LAST_ARGS="python3 -m retort.sqlalchemy $*"
	OUT=$("$PY" -m retort.sqlalchemy "$@" 2>"$_ROOT/err.$$")
	RC=$?
	ERR=$(cat "$_ROOT/err.$$")
}

test_ddl_loads_into_the_database() {
	py_need sqlalchemy
	write_models
	sa_ddl models:Base --dialect "$DIALECT"
	expect_rc 0
	expect_out_has "CREATE TABLE users"
	expect_out_has "CREATE TABLE posts"
	expect_out_has "CREATE UNIQUE INDEX ix_posts_title_user ON posts (title, user_id)"
	expect_out_has "CREATE INDEX ix_posts_user_id ON posts (user_id)"
	expect_out_has "CONSTRAINT ck_users_email CHECK (length(email) > 3)"
	expect_out_has "DEFAULT '10%'"
	expect_out_lacks "%%"
	# users before posts (posts refers to it)
	[ "$(grep -n 'CREATE TABLE users' <<<"$OUT" | cut -d: -f1)" -lt \
	  "$(grep -n 'CREATE TABLE posts' <<<"$OUT" | cut -d: -f1)" ] || fail "posts comes before users"
	if [ "$DIALECT" = postgresql ]; then
		expect_out_has "CREATE TYPE mood AS ENUM ('happy', 'sad')"
		expect_out_has "CREATE SEQUENCE ticket_seq"
		expect_out_has "COMMENT ON TABLE users IS 'people'"
		expect_out_has "COMMENT ON COLUMN users.note IS 'free text'"
	else
		expect_out_has "CHECK (mood IN ('happy', 'sad'))"
	fi
	# the database takes it as it is, through retort's own loader
	printf '%s\n' "$OUT" > schema.sql
	project "schema = schema.sql"
	rt migrate -m "from the models"
	expect_rc 0
	rt upgrade head
	expect_rc 0
	rt check
	expect_rc 0
	has_table users || fail "users not created"
	has_table posts || fail "posts not created"
	q "INSERT INTO users (email) VALUES ('ann@x')" >/dev/null
	expect_q "SELECT score, discount FROM users" "0|10%"
}

sqlite_test_finds_metadata_base_db_and_the_module() {
	py_need sqlalchemy flask_sqlalchemy
	write_models
	cat > meta.py <<'EOF'
import sqlalchemy as sa
metadata = sa.MetaData()
sa.Table("things", metadata, sa.Column("id", sa.Integer, primary_key=True))
EOF
	cat > fsa.py <<'EOF'
from flask_sqlalchemy import SQLAlchemy
db = SQLAlchemy()
class Item(db.Model):
    id = db.Column(db.Integer, primary_key=True)
    name = db.Column(db.String(50), nullable=False)
EOF
	cat > two.py <<'EOF'
import sqlalchemy as sa
a = sa.MetaData()
b = sa.MetaData()
EOF
	sa_ddl meta:metadata
	expect_rc 0
	expect_out_has "CREATE TABLE things"
	sa_ddl meta
	expect_rc 0
	expect_out_has "CREATE TABLE things"
	sa_ddl fsa:db
	expect_rc 0
	expect_out_has "CREATE TABLE item"
	sa_ddl fsa
	expect_rc 0
	expect_out_has "CREATE TABLE item"
	sa_ddl models:User   # a model class: its base's metadata
	expect_rc 0
	expect_out_has "CREATE TABLE posts"
	RETORT_DIALECT=postgresql sa_ddl models:Base
	expect_out_has "CREATE TYPE mood"
	sa_ddl two
	expect_rc 1
	expect_err_has "two holds several MetaData (a, b); name one: two:ATTR"
	sa_ddl models:Mood
	expect_rc 1
	expect_err_has "models:Mood is not a MetaData, a declarative base or a Flask-SQLAlchemy db"
	sa_ddl models:nothing
	expect_rc 1
	expect_err_has "models has no attribute 'nothing'"
	sa_ddl no_such_module:db
	expect_rc 1
	expect_err_has "cannot import no_such_module"
	sa_ddl models:Base --dialect oracle
	expect_rc 2
	# a model the dialect cannot compile is named
	cat > pgonly.py <<'EOF'
import sqlalchemy as sa
from sqlalchemy.dialects.postgresql import TSVECTOR
metadata = sa.MetaData()
sa.Table("docs", metadata, sa.Column("id", sa.Integer, primary_key=True), sa.Column("tsv", TSVECTOR))
EOF
	sa_ddl pgonly --dialect sqlite
	expect_rc 1
	expect_err_has "SQLAlchemy cannot compile"
	expect_err_has "sqlite"
	# an empty MetaData still prints something: retort refuses empty output
	printf 'import sqlalchemy as sa\nmetadata = sa.MetaData()\n' > empty.py
	sa_ddl empty
	expect_rc 0
	expect_out_has "-- The declared schema of empty"
}

test_init_sqlalchemy_migrate_upgrade_check() {
	py_need sqlalchemy
	rt init --sqlalchemy models:Base .
	expect_rc 0
	grep -qx "schema_command = python3 -m retort.sqlalchemy models:Base" retort.ini ||
		fail "no schema_command in retort.ini"
	[ -e schema.sql ] && fail "init --sqlalchemy wrote schema.sql"
	ini_set_url
	write_models
	rt migrate -m "initial"
	expect_rc 0
	rt upgrade head
	expect_rc 0
	rt check
	expect_rc 0
	# a model change: a new nullable column and an index
	sed -i 's|    note = sa.Column(sa.Text, comment="free text")|&\n    bio = sa.Column(sa.String(500), index=True)|' models.py
	rt check
	expect_rc 1
	expect_out_has "bio"
	rt migrate -m "add bio"
	expect_rc 0
	grep -q "ADD COLUMN bio" "$OUT" || fail "the migration does not add bio"
	rt upgrade head
	expect_rc 0
	q "SELECT bio FROM users" >/dev/null || fail "bio not added"
	rt check
	expect_rc 0
	# a broken model: the traceback's end, nothing written
	echo "raise RuntimeError('models are broken')" >> models.py
	rt migrate -m "broken"
	expect_rc 1
	expect_err_has "RuntimeError: models are broken"
	[ "$(ls migrations | wc -l)" = 2 ] || fail "a migration was written from broken models"
}

sqlite_test_init_sqlalchemy_refuses_what_is_not_a_python_name() {
	rt init --sqlalchemy 'app;rm -rf x' proj
	expect_rc 2
	expect_err_has "is not MODULE or MODULE:ATTR"
	[ -e proj ] && fail "init wrote something"
	rt init --sqlalchemy app.models:db.metadata proj
	expect_rc 0
}

# info={"renamed_from": ...} becomes retort's rename hint on the line that
# defines the column (or table).
test_renamed_from_becomes_the_rename_hint() {
	py_need sqlalchemy
	cat > ren.py <<'EOF'
import sqlalchemy as sa
metadata = sa.MetaData()
sa.Table("articles", metadata,
         sa.Column("id", sa.Integer, primary_key=True),
         sa.Column("content", sa.String(140), info={"renamed_from": "body"}),
         sa.Column("user", sa.Integer, info={"renamed_from": "author"}),
         info={"renamed_from": "posts"})
EOF
	sa_ddl ren --dialect "$DIALECT"
	expect_rc 0
	expect_out_has "CREATE TABLE articles ( -- retort:renamed-from posts"
	expect_out_has "content VARCHAR(140), -- retort:renamed-from body"
	grep -Eq '^\s+"?user"? INTEGER, -- retort:renamed-from author$' <<<"$OUT" || fail "no hint on the quoted column"
	# the hint is a comment: the database takes the DDL as it is
	printf '%s\n' "$OUT" > schema.sql
	project "schema = schema.sql"
	rt diff --from empty --to schema
	expect_rc 0
	sed -i 's/info={"renamed_from": "body"}/info={"renamed_from": 3}/' ren.py
	sa_ddl ren
	expect_rc 1
	expect_err_has "info['renamed_from'] must be the old name"
}

# make install puts the package where the system's python3 imports it from.
sqlite_test_make_install_python() {
	py_need sqlalchemy
	make -s -C "$_REPO" install-python DESTDIR="$PWD/dest" PREFIX=/usr/local >/dev/null ||
		fail "make install-python failed"
	local dir
	dir=$(find dest -name __init__.py -path '*/retort/*' -printf '%h\n')
	[ -n "$dir" ] || fail "no retort package installed"
	case $dir in dest/usr/local/lib/python3*/dist-packages/retort) ;; *) fail "installed in $dir" ;; esac
	write_models
	OUT=$(PYTHONPATH="$PWD/${dir%/retort}" "$PY" -c 'import retort.sqlalchemy as m; print(m.__file__)')
	case $OUT in "$PWD"/dest/*) ;; *) fail "imported from $OUT" ;; esac
}

run_tests
