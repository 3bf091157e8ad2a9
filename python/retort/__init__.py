"""retort from Python.

retort.sqlalchemy prints the DDL of SQLAlchemy models, for retort's
schema_command (python3 -m retort.sqlalchemy app.models:db).
"""

__version__ = "0.1.0"
