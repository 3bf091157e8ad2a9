"""The models: the declared schema retort compares the database with."""
from datetime import datetime, timezone

from app import db


def utcnow():
    return datetime.now(timezone.utc)


class User(db.Model):
    id = db.Column(db.Integer, primary_key=True)
    username = db.Column(db.String(64), index=True, unique=True, nullable=False)
    email = db.Column(db.String(120), index=True, unique=True, nullable=False)
    password_hash = db.Column(db.String(256))
    posts = db.relationship("Post", back_populates="author")


class Category(db.Model):
    id = db.Column(db.Integer, primary_key=True)
    name = db.Column(db.String(50), unique=True, nullable=False)
    posts = db.relationship("Post", back_populates="category")


class Post(db.Model):
    id = db.Column(db.Integer, primary_key=True)
    body = db.Column(db.String(140), nullable=False)
    timestamp = db.Column(db.DateTime, index=True, default=utcnow)
    user_id = db.Column(db.Integer, db.ForeignKey(User.id), index=True, nullable=False)
    category_id = db.Column(db.Integer, db.ForeignKey(Category.id), index=True)
    author = db.relationship(User, back_populates="posts")
    category = db.relationship(Category, back_populates="posts")
