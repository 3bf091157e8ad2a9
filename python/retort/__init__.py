"""retort from Python.

retort.Project migrates a database from the application itself, through
libretort (ctypes bindings; see retort.project):

    import retort
    retort.Project(config="retort.ini", url=DATABASE_URL).upgrade("head")

retort.sqlalchemy prints the DDL of SQLAlchemy models, for retort's
schema_command (python3 -m retort.sqlalchemy app.models:db); retort.alembic
renders Alembic revisions offline for retort init --from-alembic.
"""

__version__ = "0.1.0"

from retort.project import Error, Project, library_path, version  # noqa: E402

__all__ = ["Error", "Project", "library_path", "version"]
