"""A Flask application as the Flask guides build it (Flask-SQLAlchemy), with
retort in place of Flask-Migrate: the models in app/models.py are the
declared schema (retort.ini: schema_command), migrations/ holds plain SQL."""
import os

from flask import Flask
from flask_sqlalchemy import SQLAlchemy
from sqlalchemy import MetaData

basedir = os.path.abspath(os.path.dirname(os.path.dirname(__file__)))

# Named constraints, as Flask-Migrate's documentation recommends: the names
# are then the same on every database, and migrations can refer to them.
db = SQLAlchemy(metadata=MetaData(naming_convention={
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}))


def create_app(database_url=None):
    app = Flask(__name__)
    # retort.ini reads the same DATABASE_URL, with the same default file.
    app.config["SQLALCHEMY_DATABASE_URI"] = (
        database_url or os.environ.get("DATABASE_URL")
        or "sqlite:///" + os.path.join(basedir, "app.db"))
    db.init_app(app)

    from app import routes
    app.register_blueprint(routes.bp)
    return app
