"""Two routes, enough to see the tables work."""
from flask import Blueprint, jsonify, request

from app import db
from app.models import Category, Post, User

bp = Blueprint("main", __name__)


@bp.post("/users")
def create_user():
    data = request.get_json()
    user = User(username=data["username"], email=data["email"])
    db.session.add(user)
    db.session.commit()
    return jsonify(id=user.id), 201


@bp.post("/posts")
def create_post():
    data = request.get_json()
    category = None
    if data.get("category"):
        category = db.session.scalar(db.select(Category).filter_by(name=data["category"]))
        if category is None:
            category = Category(name=data["category"])
    post = Post(body=data["body"], user_id=data["user_id"], category=category)
    db.session.add(post)
    db.session.commit()
    return jsonify(id=post.id), 201


@bp.get("/posts")
def list_posts():
    posts = db.session.scalars(db.select(Post).order_by(Post.id)).all()
    return jsonify([{"id": p.id, "body": p.body, "author": p.author.username,
                     "category": p.category.name if p.category else None} for p in posts])
