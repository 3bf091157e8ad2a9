"""Print the DDL of SQLAlchemy models: retort's declared schema from Python.

    python3 -m retort.sqlalchemy MODULE[:ATTR] [--dialect sqlite|postgresql]

ATTR names a ``MetaData``, a declarative base (anything with a ``.metadata``)
or a Flask-SQLAlchemy ``db``; without it the module is searched for one.
The DDL is what SQLAlchemy itself compiles for the dialect -- tables in
dependency order with their server defaults, keys, unique and check
constraints, then indexes, enums (CREATE TYPE on PostgreSQL), sequences and
comments -- as ``metadata.create_all()`` would run it.  A table or column
renamed in the models carries ``info={"renamed_from": "old_name"}``, printed
as retort's rename hint (``-- retort:renamed-from old_name``) so that
autogenerate renames it instead of dropping and adding it.  The dialect defaults
to ``$RETORT_DIALECT``, which retort sets when it runs this as its
``schema_command``:

    [retort]
    schema_command = python3 -m retort.sqlalchemy app.models:db

Exit status: 0 with the DDL on stdout; 1 when the models cannot be loaded
or compiled (the reason on stderr); 2 on a usage error.
"""

import argparse
import importlib
import os
import sys

DIALECTS = ("sqlite", "postgresql", "mysql")


class ModelError(Exception):
    """The models cannot be found, loaded or compiled: a message for stderr."""


def _metadata_of(obj):
    """The MetaData behind obj (a MetaData, a declarative base, a Flask-SQLAlchemy db)."""
    import sqlalchemy as sa

    if isinstance(obj, sa.MetaData):
        return obj
    md = getattr(obj, "metadata", None)
    if isinstance(md, sa.MetaData):
        return md
    return None


def _search_module(module):
    """The one MetaData a module holds (by name: db, Base, metadata, or any)."""
    found = {}
    for name in dir(module):
        if name.startswith("__"):
            continue
        md = _metadata_of(getattr(module, name))
        if md is not None:
            found.setdefault(id(md), (name, md))
    if len(found) == 1:
        return next(iter(found.values()))[1]
    if not found:
        raise ModelError(
            "%s holds no MetaData, declarative base or Flask-SQLAlchemy db; "
            "name it: %s:ATTR" % (module.__name__, module.__name__))
    names = ", ".join(sorted(n for n, _ in found.values()))
    raise ModelError(
        "%s holds several MetaData (%s); name one: %s:ATTR"
        % (module.__name__, names, module.__name__))


def load_metadata(spec):
    """Import MODULE[:ATTR] and return its MetaData, every model class loaded."""
    module_name, _, attr = spec.partition(":")
    if not module_name:
        raise ModelError("'%s' names no module: write MODULE:ATTR, e.g. app.models:db" % spec)
    if "" not in sys.path and os.getcwd() not in sys.path:
        sys.path.insert(0, os.getcwd())
    try:
        module = importlib.import_module(module_name)
    except ImportError as e:
        if getattr(e, "name", None) and module_name.startswith(e.name):
            raise ModelError(
                "cannot import %s: %s (run from the project directory, or set PYTHONPATH)"
                % (module_name, e))
        raise
    if not attr:
        return _search_module(module)
    obj = module
    for part in attr.split("."):
        try:
            obj = getattr(obj, part)
        except AttributeError:
            raise ModelError("%s has no attribute '%s'" % (module_name, attr))
    md = _metadata_of(obj)
    if md is None:
        raise ModelError(
            "%s:%s is not a MetaData, a declarative base or a Flask-SQLAlchemy db (it is a %s)"
            % (module_name, attr, type(obj).__name__))
    return md


def _dialect(name):
    """SQLAlchemy's dialect for a retort dialect name, with a paramstyle that
    leaves '%' alone (pyformat drivers would print '%%' in defaults and checks)."""
    if name == "sqlite":
        from sqlalchemy.dialects import sqlite as mod
    elif name == "postgresql":
        from sqlalchemy.dialects import postgresql as mod
    elif name == "mysql":
        from sqlalchemy.dialects import mysql as mod
    else:
        raise ModelError("unknown dialect '%s' (one of: %s)" % (name, ", ".join(DIALECTS)))
    return mod.dialect(paramstyle="named")


def _schemas(metadata, dialect):
    """CREATE SCHEMA for the schemas tables are put in (PostgreSQL)."""
    if dialect.name != "postgresql":
        return []
    names = sorted({t.schema for t in metadata.tables.values() if t.schema}
                   | {s.schema for s in metadata._sequences.values() if s.schema})
    prep = dialect.identifier_preparer
    return ["CREATE SCHEMA IF NOT EXISTS %s" % prep.quote_schema(n) for n in names]


def _renamed_from(obj):
    """The old name a table or column was renamed from, from its info dict."""
    old = obj.info.get("renamed_from") if obj.info else None
    if old is not None and (not isinstance(old, str) or not old or "\n" in old):
        raise ModelError("%s: info['renamed_from'] must be the old name, a string" % obj)
    return old


def _add_rename_hints(text, table, dialect):
    """retort's rename hints on the lines of a CREATE TABLE: the table's
    on its first line, each column's on the line that defines it."""
    lines = text.split("\n")
    old = _renamed_from(table)
    if old:
        lines[0] += " -- retort:renamed-from %s" % old
    prep = dialect.identifier_preparer
    for col in table.columns:
        old = _renamed_from(col)
        if not old:
            continue
        start = prep.format_column(col) + " "
        for i in range(1, len(lines)):
            if lines[i].lstrip().startswith(start):
                lines[i] = lines[i].rstrip() + " -- retort:renamed-from %s" % old
                break
    return "\n".join(lines)


def ddl(metadata, dialect_name):
    """The statements metadata.create_all() runs on the dialect, as strings."""
    import sqlalchemy as sa
    from sqlalchemy.schema import CreateTable

    dialect = _dialect(dialect_name)
    out = _schemas(metadata, dialect)

    def executor(sql, *multiparams, **params):
        try:
            text = str(sql.compile(dialect=dialect)).strip()
        except sa.exc.CompileError as e:
            target = getattr(sql, "element", None)
            where = " (%s)" % target.name if getattr(target, "name", None) else ""
            raise ModelError("SQLAlchemy cannot compile%s for %s: %s"
                             % (where, dialect_name, e))
        if isinstance(sql, CreateTable):
            text = _add_rename_hints(text, sql.element, dialect)
        if text:
            out.append(text)

    engine = sa.create_mock_engine(dialect_name + "://", executor)
    try:
        metadata.create_all(engine, checkfirst=False)
    except sa.exc.CompileError as e:
        raise ModelError("SQLAlchemy cannot compile the models for %s: %s" % (dialect_name, e))
    return out


def render(metadata, dialect_name, source=""):
    """The whole script: a header, then every statement ending in ';'."""
    import sqlalchemy as sa

    lines = ["-- The declared schema of %s for %s, as SQLAlchemy %s compiles it."
             % (source or "the models", dialect_name, sa.__version__),
             "-- Printed by python3 -m retort.sqlalchemy.", ""]
    for stmt in ddl(metadata, dialect_name):
        lines.append(stmt.rstrip().rstrip(";") + ";")
        lines.append("")
    return "\n".join(lines)


def main(argv=None):
    parser = argparse.ArgumentParser(
        prog="python3 -m retort.sqlalchemy",
        description="Print the DDL of SQLAlchemy models (a MetaData, a declarative "
                    "base or a Flask-SQLAlchemy db) for retort's schema_command.")
    parser.add_argument("spec", metavar="MODULE[:ATTR]",
                        help="e.g. app.models:Base or app:db")
    parser.add_argument("--dialect", choices=DIALECTS,
                        default=os.environ.get("RETORT_DIALECT") or "sqlite",
                        help="default: $RETORT_DIALECT, else sqlite")
    args = parser.parse_args(argv)
    try:
        metadata = load_metadata(args.spec)
        text = render(metadata, args.dialect, args.spec)
    except ModelError as e:
        print("retort.sqlalchemy: error: %s" % e, file=sys.stderr)
        return 1
    sys.stdout.write(text)
    sys.stdout.flush()
    return 0


if __name__ == "__main__":
    sys.exit(main())
