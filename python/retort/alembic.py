"""Turn an Alembic (or Flask-Migrate) migration directory into retort files.

    python3 -m retort.alembic ALEMBIC_DIR OUT_DIR --dialect sqlite|postgresql|mysql

`retort init --from-alembic` runs this.  ALEMBIC_DIR is the directory that
holds env.py (Flask-Migrate's migrations/), or one holding alembic.ini, whose
script_location and version_locations are then used.  For every revision it
writes OUT_DIR/<id>_<slug>.sql with the same id, down revisions, branch
labels, dependencies, message and create date, and as its SQL what Alembic's
offline mode (``alembic upgrade --sql``) renders for its upgrade() and
downgrade() on the dialect: the revision's own module runs against an
offline MigrationContext, exactly as in offline mode, but env.py is not run
-- it would need the application (Flask-Migrate's needs an app context) and
only adds the version-table statements, which retort writes itself.

Python that cannot be rendered offline (a data migration that reads rows
through op.get_bind(), batch operations that must reflect a table) is
named, file and line, in the section it belongs to and on stderr; the
exit status is then 3 (the files are written all the same, each such
section with a comment saying what to write there).  Exit status 2: the
directory cannot be read as an Alembic project, or Alembic is missing.
"""

import argparse
import configparser
import io
import os
import re
import sys
import traceback

DIALECTS = ("sqlite", "postgresql", "mysql")


class SetupError(Exception):
    """The Alembic project cannot be read."""


def _script_dirs(path):
    """(script directory, [version directories]) for ALEMBIC_DIR."""
    path = os.path.abspath(path)
    ini = os.path.join(path, "alembic.ini")
    if os.path.isfile(os.path.join(path, "env.py")):
        script, versions = path, None
        if os.path.isfile(ini):
            versions = _ini_versions(ini, path)
        return script, versions
    if os.path.isfile(ini):
        cp = configparser.ConfigParser(defaults={"here": path})
        cp.read(ini)
        if not cp.has_option("alembic", "script_location"):
            raise SetupError("%s has no script_location in [alembic]" % ini)
        loc = cp.get("alembic", "script_location")
        script = loc if os.path.isabs(loc) else os.path.join(path, loc)
        if ":" in loc and not os.path.isdir(script):
            raise SetupError("%s: script_location %s is a package resource; name its directory instead"
                             % (ini, loc))
        return script, _ini_versions(ini, path)
    raise SetupError("%s holds neither env.py (an Alembic or Flask-Migrate migrations directory) "
                     "nor alembic.ini" % path)


def _ini_versions(ini, here):
    cp = configparser.ConfigParser(defaults={"here": here})
    cp.read(ini)
    if not cp.has_option("alembic", "version_locations"):
        return None
    raw = cp.get("alembic", "version_locations")
    sep = cp.get("alembic", "version_path_separator", fallback="space")
    seps = {"space": None, "os": os.pathsep, ":": ":", ";": ";", "newline": "\n"}
    parts = raw.split(seps.get(sep, None)) if sep != "space" else raw.split()
    return [p if os.path.isabs(p) else os.path.join(here, p) for p in parts if p.strip()]


def _script_directory(script, versions):
    from alembic.script import ScriptDirectory

    if not os.path.isdir(os.path.join(script, "versions")) and not versions:
        raise SetupError("%s has no versions/ directory" % script)
    return ScriptDirectory(script, version_locations=versions)


def _as_list(v):
    if v is None:
        return []
    if isinstance(v, str):
        return [v]
    return list(v)


def _declared_labels(rev):
    """The branch labels rev itself declares (Alembic's branch_labels also
    holds those its descendants inherit, which retort works out itself)."""
    own = getattr(rev, "_orig_branch_labels", None)
    return set(own if own is not None else rev.branch_labels or ())


def _create_date(rev):
    m = re.search(r"^Create Date:\s*(.+)$", rev.module.__doc__ or "", re.M)
    return m.group(1).strip() if m else ""


def _message(rev):
    doc = (rev.doc or "").strip()
    return doc.splitlines()[0] if doc else ""


def _slug(message, truncate=40):
    words = re.findall(r"\w+", message.lower())
    slug = ""
    for w in words:
        nxt = (slug + "_" + w) if slug else w
        if len(nxt) > truncate:
            break
        slug = nxt
    return slug or "empty"


def _where(exc, path):
    """'file:line' of the innermost frame of exc in the revision's file."""
    where = None
    for fs in traceback.extract_tb(exc.__traceback__):
        if os.path.abspath(fs.filename) == os.path.abspath(path):
            where = "%s:%d" % (path, fs.lineno)
    return where or path


class Scratch:
    """An in-memory SQLite database holding the schema as the revisions
    rendered so far leave it.  Alembic's batch mode on SQLite copies a
    table into a new one, and needs the table's definition for it: offline,
    there is no database to reflect it from, so it is reflected from here
    and handed to batch_alter_table() as its copy_from -- still Alembic's
    offline mode rendering it.  Other dialects alter tables in place and
    need none."""

    def __init__(self, dialect):
        import sqlalchemy as sa
        from sqlalchemy.pool import StaticPool

        self.engine = None
        if dialect == "sqlite":
            self.engine = sa.create_engine("sqlite://", poolclass=StaticPool)

    def apply(self, sql):
        if self.engine is None or not sql.strip():
            return
        raw = self.engine.raw_connection()
        try:
            raw.executescript(sql)
        except Exception:
            pass  # a best effort: a later batch operation then fails as offline mode does
        finally:
            raw.close()

    def table(self, name, schema):
        import sqlalchemy as sa

        if self.engine is None:
            return None
        try:
            return sa.Table(name, sa.MetaData(), schema=schema, autoload_with=self.engine)
        except Exception:
            return None


def _patched_batch(scratch):
    """Operations.batch_alter_table, given copy_from from the scratch database."""
    from alembic.operations import Operations

    orig = Operations.batch_alter_table

    def batch_alter_table(self, table_name, schema=None, *args, **kw):
        if not args and kw.get("copy_from") is None:
            kw["copy_from"] = scratch.table(table_name, schema)
        return orig(self, table_name, schema, *args, **kw)

    return orig, batch_alter_table


def render(rev, fn_name, dialect, scratch):
    """The SQL Alembic's offline mode renders for rev's upgrade/downgrade:
    (sql, transactional, problem or None)."""
    from alembic.operations import Operations
    from alembic.runtime.migration import MigrationContext

    fn = getattr(rev.module, fn_name, None)
    if fn is None:
        return "", True, None
    buf = io.StringIO()
    # as the offline branch of Alembic's own env.py templates configures it
    ctx = MigrationContext.configure(
        dialect_name=dialect, dialect_opts={"paramstyle": "named"},
        opts={"as_sql": True, "output_buffer": buf, "literal_binds": True})
    orig, patched = _patched_batch(scratch)
    Operations.batch_alter_table = patched
    try:
        with Operations.context(ctx):
            fn()
    except Exception as e:  # the revision's own code: anything can happen
        msg = "%s: %s" % (type(e).__name__, str(e).strip().splitlines()[0] if str(e).strip() else "")
        return buf.getvalue(), True, "%s: %s() cannot be rendered offline: %s" % (
            _where(e, rev.path), fn_name, msg)
    finally:
        Operations.batch_alter_table = orig
    sql = buf.getvalue()
    # autocommit_block(): Alembic ends the transaction around its statements;
    # retort runs such a section outside a transaction instead
    transactional = True
    if re.search(r"^COMMIT;\s*$", sql, re.M):
        sql = re.sub(r"^(COMMIT|BEGIN);\s*\n?", "", sql, flags=re.M)
        transactional = False
    return sql, transactional, None


def _section(marker, sql, transactional, problem, origin=""):
    out = ["-- migrate:%s%s" % (marker, "" if transactional else " transaction:false")]
    if origin:
        out.append(origin.rstrip("\n"))
    if problem:
        out.append("-- retort: %s" % problem)
        out.append("-- Write the SQL it stands for here (what ran when Alembic applied it).")
        out.append("-- What was rendered before that point follows.")
    body = sql.strip()
    if body:
        out.append(body)
    return "\n".join(out) + "\n"


def convert(alembic_dir, out_dir, dialect, stream=sys.stderr):
    """Write one retort file per Alembic revision; returns (count, problems).
    Nothing goes to stdout: the problems are listed on stream."""
    script, versions = _script_dirs(alembic_dir)
    sd = _script_directory(script, versions)
    os.makedirs(out_dir, exist_ok=True)
    problems = []
    count = 0
    revs = list(sd.walk_revisions("base", "heads"))
    scratch = Scratch(dialect)
    for rev in reversed(revs):  # bases first
        up, up_tx, up_problem = render(rev, "upgrade", dialect, scratch)
        scratch.apply(up)  # the downgrade starts from what the upgrade made
        down, down_tx, down_problem = render(rev, "downgrade", dialect, scratch)
        problems += [p for p in (up_problem, down_problem) if p]
        message = _message(rev)
        header = [
            "-- Revision ID: %s" % rev.revision,
            "-- Revises: %s" % ", ".join(_as_list(rev.down_revision)),
            "-- Create Date: %s" % _create_date(rev),
            "-- Message: %s" % message,
            "-- Branch Labels: %s" % ", ".join(sorted(_declared_labels(rev))),
            "-- Depends On: %s" % ", ".join(_as_list(rev.dependencies)),
        ]
        text = "\n".join(h.rstrip() for h in header) + "\n\n"
        origin = "-- from %s, rendered by Alembic's offline mode for %s\n" % (
            os.path.relpath(rev.path), dialect)
        text += _section("upgrade", up, up_tx, up_problem, origin) + "\n"
        text += _section("downgrade", down, down_tx, down_problem)
        path = os.path.join(out_dir, "%s_%s.sql" % (rev.revision, _slug(message)))
        with open(path, "x", encoding="utf-8") as f:
            f.write(text)
        count += 1
    for p in problems:
        print("retort.alembic: %s" % p, file=stream)
    return count, problems


def main(argv=None):
    parser = argparse.ArgumentParser(
        prog="python3 -m retort.alembic",
        description="Write one retort migration file per Alembic revision, "
                    "its SQL rendered by Alembic's offline mode.")
    parser.add_argument("alembic_dir", help="the directory holding env.py, or alembic.ini")
    parser.add_argument("out_dir", help="where the retort files go (created)")
    parser.add_argument("--dialect", choices=DIALECTS, required=True)
    args = parser.parse_args(argv)
    sys.path.insert(0, os.getcwd())
    try:
        import alembic  # noqa: F401 (the real one: imports are absolute)
    except ImportError:
        print("retort.alembic: error: Alembic is not installed for %s "
              "(Debian: python3-alembic; or pip install alembic)" % sys.executable, file=sys.stderr)
        return 2
    try:
        count, problems = convert(args.alembic_dir, args.out_dir, args.dialect)
    except SetupError as e:
        print("retort.alembic: error: %s" % e, file=sys.stderr)
        return 2
    except FileExistsError as e:
        print("retort.alembic: error: %s already exists" % e.filename, file=sys.stderr)
        return 2
    return 3 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
