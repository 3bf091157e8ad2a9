#!/bin/bash
# python_alembic.sh - retort init --from-alembic on a plain Alembic project
# (alembic init, hand-written revisions with a branch label, a second base,
# a merge, a dependency, a data migration Alembic cannot render offline):
# the same graph, each revision's SQL equal to what `alembic upgrade A:B
# --sql` prints for it, and the Python that cannot be rendered named.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/python.inc"

# A revision file: id, down revisions (Python literal), extra header lines, body.
rev() {  # id down_revision branch_labels depends_on upgrade_body [downgrade_body]
	cat > "alembic/versions/$1_rev.py" <<EOF
"""rev $1

Revision ID: $1
Create Date: 2026-01-0${1: -1} 10:00:00.000000

"""
from alembic import op
import sqlalchemy as sa

revision = "$1"
down_revision = $2
branch_labels = $3
depends_on = $4


def upgrade():
$5


def downgrade():
${6:-    pass}
EOF
}

alembic_project() {  # the SQLAlchemy URL alembic.ini names (nothing connects)
	alembic init alembic >/dev/null || fail "alembic init failed"
	U=$1 awk '/^sqlalchemy.url = /{print "sqlalchemy.url = " ENVIRON["U"]; next} {print}' alembic.ini > a.new &&
		mv a.new alembic.ini
	rev a00001 None None None \
'    op.create_table("accounts",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("name", sa.String(50), nullable=False),
        sa.Column("share", sa.String(10), server_default="100%"))' \
'    op.drop_table("accounts")'
	rev b00002 '"a00001"' None None \
'    op.add_column("accounts", sa.Column("email", sa.String(100)))
    op.create_index("ix_accounts_email", "accounts", ["email"], unique=True)' \
'    op.drop_index("ix_accounts_email", table_name="accounts")
    op.drop_column("accounts", "email")'
	rev c00003 None '("audit",)' None \
'    op.create_table("audit_log", sa.Column("id", sa.Integer, primary_key=True), sa.Column("what", sa.Text))' \
'    op.drop_table("audit_log")'
	rev d00004 '("b00002", "c00003")' None None '    pass'
	rev e00005 '"d00004"' None '"c00003"' \
'    op.execute("UPDATE accounts SET name = '"'"'n/a'"'"' WHERE name = '"''"'")
    op.add_column("audit_log", sa.Column("account_id", sa.Integer))' \
'    op.drop_column("audit_log", "account_id")'
	rev f00006 '"e00005"' None None \
'    conn = op.get_bind()
    for (n,) in conn.execute(sa.text("SELECT count(*) FROM accounts")):
        op.execute("SELECT %d" % n)' \
'    pass'
}

# What `alembic upgrade RANGE --sql` prints, without the version table's
# statements, the transaction and the comments: the revision's own SQL.
alembic_sql() {  # range
	alembic upgrade "$1" --sql 2>/dev/null | "$PY" -c '
import re, sys
text = re.sub(r"(?m)^-- .*\n", "", sys.stdin.read())
stmts = re.split(r";\n", text)
keep = [s.strip() for s in stmts
        if s.strip() and "alembic_version" not in s and s.strip() not in ("BEGIN", "COMMIT")]
print(";\n\n".join(keep) + (";" if keep else ""))'
}

# The upgrade section of a converted file, without comments.
retort_sql() {  # id
	sed -n '/^-- migrate:upgrade/,/^-- migrate:downgrade/p' proj/migrations/"$1"_*.sql |
		grep -v '^--' | sed -e :a -e '/^\n*$/{$d;N;ba' -e '}'
}

test_alembic_project_converts_with_its_graph_and_sql() {
	py_need sqlalchemy alembic
	local url
	if [ "$DIALECT" = sqlite ]; then
		url="sqlite:///$PWD/app.db"
	else
		url=$(pg_url_for_python)
	fi
	alembic_project "$url"
	rt --url "$url" init --from-alembic . proj
	expect_rc 1   # f00006 reads rows: named, the rest converted
	expect_err_has "f00006_rev.py:18: upgrade() cannot be rendered offline"
	expect_err_has "Converted 6 revisions"
	grep -q "^-- retort: .*f00006_rev.py:18: upgrade() cannot be rendered offline" proj/migrations/f00006_*.sql ||
		fail "the section does not say what is missing"
	# the graph, as Alembic shows it
	local heads
	heads=$(alembic heads 2>/dev/null)
	[ -n "$heads" ] || fail "alembic heads printed nothing"
	cd proj
	rt heads
	expect_out "$heads"
	rt history
	expect_rc 0
	rt show d00004
	expect_out_has "Merges: b00002, c00003"
	grep -qx -- "-- Branch Labels: audit" migrations/c00003_*.sql || fail "branch label lost"
	grep -qx -- "-- Depends On: c00003" migrations/e00005_*.sql || fail "dependency lost"
	grep -qx -- "-- Create Date: 2026-01-05 10:00:00.000000" migrations/e00005_*.sql || fail "create date lost"
	grep -qx -- "-- Message: rev e00005" migrations/e00005_*.sql || fail "message lost"
	cd ..
	# each revision's SQL is what Alembic's offline mode prints for it
	local r range
	for r in a00001:base b00002:a00001 c00003:base e00005:d00004; do
		range="${r#*:}:${r%%:*}"
		[ "${r#*:}" = base ] && range="${r%%:*}"
		got=$(retort_sql "${r%%:*}")
		want=$(alembic_sql "$range")
		[ -n "$want" ] || fail "alembic printed nothing for $range"
		[ "$got" = "$want" ] || fail "${r%%:*} differs from alembic upgrade $range --sql:
retort:
$got
alembic:
$want"
	done
	grep -q "DEFAULT '100%'" proj/migrations/a00001_*.sql || fail "the % of a default was doubled"
	# the SQL builds the schema (f00006's section is empty but for comments)
	cd proj
	rt --url "$(db_url)" upgrade head
	expect_rc 0
	has_table accounts || fail "accounts not created"
	has_table audit_log || fail "audit_log not created"
	rt --url "$(db_url)" downgrade base
	expect_rc 0
	has_table accounts && fail "accounts still there"
	cd ..
}

# An Alembic project whose alembic.ini puts the scripts elsewhere; and
# autocommit_block (CREATE INDEX CONCURRENTLY) becomes transaction:false.
pg_test_alembic_ini_script_location_and_autocommit() {
	py_need sqlalchemy alembic
	alembic init scripts >/dev/null || fail "alembic init failed"
	mkdir -p alembic
	rmdir alembic
	mv scripts alembic_scripts
	sed -i 's|^script_location = .*|script_location = %(here)s/alembic_scripts|' alembic.ini
	mkdir -p alembic && ln -s ../alembic_scripts/versions alembic/versions
	rev a00001 None None None \
'    op.create_table("t", sa.Column("id", sa.Integer, primary_key=True), sa.Column("v", sa.Integer))
    with op.get_context().autocommit_block():
        op.create_index("ix_t_v", "t", ["v"], postgresql_concurrently=True)' \
'    op.drop_table("t")'
	rm alembic/versions && rmdir alembic
	rt --url "$(pg_url_for_python)" init --from-alembic . proj
	expect_rc 0
	grep -qx -- "-- migrate:upgrade transaction:false" proj/migrations/a00001_*.sql ||
		fail "no transaction:false: $(cat proj/migrations/a00001_*.sql)"
	grep -q "CREATE INDEX CONCURRENTLY ix_t_v" proj/migrations/a00001_*.sql || fail "no concurrent index"
	grep -q "^COMMIT;" proj/migrations/a00001_*.sql && fail "Alembic's COMMIT left in"
	cd proj
	rt upgrade head
	expect_rc 0
	has_table t || fail "t not created"
}

run_tests
