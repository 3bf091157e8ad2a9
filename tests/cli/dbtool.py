"""Helpers for the Python end-to-end tests, over SQLAlchemy (so one tool
reads SQLite and PostgreSQL alike).

    python3 dbtool.py describe URL            the schema, one fact a line, sorted
    python3 dbtool.py exec URL SQL            run SQL; rows, columns joined by |
    python3 dbtool.py create-all URL MOD:ATTR metadata.create_all() of the models

describe prints tables, columns (type, nullability, server default),
primary keys, foreign keys, unique and check constraints, indexes, and
PostgreSQL enum types, for comparing databases built from the same models by
different tools.  Column order is left out (ADD COLUMN appends, a rename
keeps the place: both are the models' schema), and so are the version tables
of retort and Alembic.
"""
import re
import sys

import sqlalchemy as sa

SKIP = {"alembic_version", "alembic_version_history", "retort_version", "retort_version_history"}


def _default(d):
    if d is None:
        return None
    return re.sub(r"^\((.*)\)$", r"\1", str(d))  # SQLite keeps the parentheses given


def _type(t):
    if isinstance(t, sa.Enum) and t.name:  # PostgreSQL's own enum type
        return "enum %s" % t.name
    return str(t).lower()


def describe(url):
    eng = sa.create_engine(url)
    insp = sa.inspect(eng)
    out = []
    for t in insp.get_table_names():
        if t in SKIP:
            continue
        out.append("table %s" % t)
        for c in insp.get_columns(t):
            out.append("column %s.%s %s %s default=%s" % (
                t, c["name"], _type(c["type"]), "null" if c["nullable"] else "not null",
                _default(c.get("default"))))
        pk = insp.get_pk_constraint(t)
        out.append("primary key %s (%s) %s" % (t, ", ".join(pk["constrained_columns"]), pk.get("name")))
        for fk in insp.get_foreign_keys(t):
            out.append("foreign key %s %s (%s) -> %s (%s) %s" % (
                t, fk.get("name"), ", ".join(fk["constrained_columns"]), fk["referred_table"],
                ", ".join(fk["referred_columns"]),
                " ".join("%s=%s" % kv for kv in sorted(fk.get("options", {}).items()))))
        for u in insp.get_unique_constraints(t):
            out.append("unique %s %s (%s)" % (t, u["name"], ", ".join(u["column_names"])))
        for ix in insp.get_indexes(t):
            out.append("index %s %s (%s)%s" % (t, ix["name"], ", ".join(c or "?" for c in ix["column_names"]),
                                               " unique" if ix["unique"] else ""))
        for ck in insp.get_check_constraints(t):
            out.append("check %s %s" % (t, re.sub(r"\s+", " ", ck["sqltext"]).strip()))
    if eng.dialect.name == "postgresql":
        for e in insp.get_enums():
            out.append("enum %s (%s)" % (e["name"], ", ".join(e["labels"])))
    eng.dispose()
    return "".join(line + "\n" for line in sorted(out))


def execute(url, sql):
    eng = sa.create_engine(url)
    with eng.begin() as conn:
        res = conn.execute(sa.text(sql))
        rows = res.fetchall() if res.returns_rows else []
    eng.dispose()
    return "".join("|".join("" if v is None else str(v) for v in r) + "\n" for r in rows)


def create_all(url, spec):
    import importlib
    sys.path.insert(0, ".")
    module, _, attr = spec.partition(":")
    obj = importlib.import_module(module)
    for part in attr.split("."):
        obj = getattr(obj, part)
    md = obj if isinstance(obj, sa.MetaData) else obj.metadata
    eng = sa.create_engine(url)
    md.create_all(eng)
    eng.dispose()
    return ""


if __name__ == "__main__":
    cmd, args = sys.argv[1], sys.argv[2:]
    fn = {"describe": describe, "exec": execute, "create-all": create_all}[cmd]
    sys.stdout.write(fn(*args))
