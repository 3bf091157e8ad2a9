#!/bin/bash
# orm_spellings.sh - a database made by SQLAlchemy (metadata.create_all, as
# Flask-SQLAlchemy's db.create_all() and a first `flask db upgrade` make
# it) and the same models written by hand in schema.sql are one schema:
# no difference, no migration.  SQLite and PostgreSQL.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/python.inc"

# The guides' models: users, categories, posts with foreign keys, an index, an enum.
write_models() {
	cat > models.py <<'EOF'
import enum, sys
import sqlalchemy as sa
from sqlalchemy.orm import declarative_base

Base = declarative_base()


class Status(enum.Enum):
    draft = "draft"
    published = "published"


class User(Base):
    __tablename__ = "users"
    id = sa.Column(sa.Integer, primary_key=True)
    username = sa.Column(sa.String(50), unique=True, nullable=False)
    email = sa.Column(sa.String(120), unique=True, nullable=False)
    is_active = sa.Column(sa.Boolean, server_default="1")
    created_at = sa.Column(sa.DateTime, server_default=sa.func.now())


class Category(Base):
    __tablename__ = "categories"
    id = sa.Column(sa.Integer, primary_key=True)
    name = sa.Column(sa.String(80), nullable=False)


class Post(Base):
    __tablename__ = "posts"
    id = sa.Column(sa.Integer, primary_key=True)
    title = sa.Column(sa.String(200), nullable=False, index=True)
    body = sa.Column(sa.Text)
    price = sa.Column(sa.Numeric(10, 2))
    status = sa.Column(sa.Enum(Status, name="post_status"), nullable=False, server_default="draft")
    author_id = sa.Column(sa.Integer, sa.ForeignKey("users.id"), nullable=False)
    category_id = sa.Column(sa.Integer, sa.ForeignKey("categories.id", ondelete="SET NULL"), index=True)


if __name__ == "__main__":
    Base.metadata.create_all(sa.create_engine(sys.argv[1]))
EOF
}

# The same models as a person writes them in schema.sql.
write_schema() {
	local status="varchar(9)"
	if [ "$DIALECT" = postgresql ]; then
		echo "CREATE TYPE post_status AS ENUM ('draft', 'published');" > schema.sql
		status=post_status
	else
		: > schema.sql
	fi
	cat >> schema.sql <<EOF
CREATE TABLE users (
    id INTEGER PRIMARY KEY,
    username VARCHAR(50) NOT NULL UNIQUE,
    email VARCHAR(120) NOT NULL UNIQUE,
    is_active BOOLEAN DEFAULT $([ "$DIALECT" = postgresql ] && echo true || echo 1),
    created_at TIMESTAMP DEFAULT CURRENT_TIMESTAMP
);
CREATE TABLE categories (id INTEGER PRIMARY KEY, name VARCHAR(80) NOT NULL);
CREATE TABLE posts (
    id INTEGER PRIMARY KEY,
    title VARCHAR(200) NOT NULL,
    body TEXT,
    price NUMERIC(10,2),
    status $status NOT NULL DEFAULT 'draft',
    author_id INTEGER NOT NULL REFERENCES users,
    category_id INTEGER REFERENCES categories ON DELETE SET NULL
);
CREATE INDEX ix_posts_title ON posts (title);
CREATE INDEX ix_posts_category_id ON posts (category_id);
EOF
	# SQLAlchemy types DateTime as DATETIME on SQLite; PostgreSQL knows no DATETIME
	[ "$DIALECT" = sqlite ] && sed -i 's/created_at TIMESTAMP/created_at DATETIME/' schema.sql
	# PostgreSQL: SQLAlchemy's Integer primary keys are serial
	[ "$DIALECT" = postgresql ] && sed -i 's/id INTEGER PRIMARY KEY/id SERIAL PRIMARY KEY/' schema.sql
	return 0
}

test_a_database_made_by_sqlalchemy_is_the_schema_written_by_hand() {
	py_need sqlalchemy
	[ "$DIALECT" = postgresql ] && py_need psycopg2
	project "schema = schema.sql"
	write_models
	write_schema
	local url=sqlite:///app.db
	[ "$DIALECT" = postgresql ] && url=$(pg_url_for_python)
	"$PY" models.py "$url" || fail "SQLAlchemy's create_all failed"
	rt diff --from database --to schema --exit-code
	expect_rc 0
	expect_out ""
	rt migrate -m nothing
	expect_rc 0
	expect_err_has "No changes in schema detected"
}

run_tests
