"""The models of the FastAPI tutorial's SQL application: the declared
schema retort compares the database with (retort.ini: schema_command)."""
import sqlalchemy as sa
from sqlalchemy.orm import declarative_base, relationship

Base = declarative_base(metadata=sa.MetaData(naming_convention={
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}))


class User(Base):
    __tablename__ = "users"

    id = sa.Column(sa.Integer, primary_key=True)
    email = sa.Column(sa.String(255), unique=True, index=True, nullable=False)
    hashed_password = sa.Column(sa.String(255), nullable=False)
    is_active = sa.Column(sa.Boolean, nullable=False, server_default=sa.true())

    items = relationship("Item", back_populates="owner")


class Item(Base):
    __tablename__ = "items"

    id = sa.Column(sa.Integer, primary_key=True)
    title = sa.Column(sa.String(200), index=True, nullable=False)
    description = sa.Column(sa.Text)
    owner_id = sa.Column(sa.Integer, sa.ForeignKey(User.id, ondelete="CASCADE"),
                         index=True, nullable=False)

    owner = relationship(User, back_populates="items")
