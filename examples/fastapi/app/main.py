"""The FastAPI application.  At start-up it migrates its database with
retort instead of Base.metadata.create_all(): every worker asks, the first
one applies what is missing under retort's lock, the others find the
database at head."""
import logging
import os

import retort
import sqlalchemy as sa
from fastapi import Depends, FastAPI, HTTPException
from pydantic import BaseModel
from sqlalchemy.ext.asyncio import AsyncSession

from app.database import DATABASE_URL, get_session
from app.models import Item, User

PROJECT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))

logging.basicConfig(level=logging.INFO)
app = FastAPI()


@app.on_event("startup")
def migrate():
    # the create_tables_on_start of the boilerplates, done with migrations
    with retort.Project(config=os.path.join(PROJECT, "retort.ini"), url=DATABASE_URL) as project:
        project.upgrade("head")


class UserIn(BaseModel):
    email: str
    password: str


class ItemIn(BaseModel):
    title: str
    description: str = None


@app.post("/users/", status_code=201)
async def create_user(user: UserIn, session: AsyncSession = Depends(get_session)):
    row = User(email=user.email, hashed_password="not-really-hashed:" + user.password)
    session.add(row)
    await session.commit()
    await session.refresh(row)  # is_active comes from the server default
    return {"id": row.id, "email": row.email, "is_active": row.is_active}


@app.post("/users/{user_id}/items/", status_code=201)
async def create_item(user_id: int, item: ItemIn, session: AsyncSession = Depends(get_session)):
    if await session.get(User, user_id) is None:
        raise HTTPException(status_code=404, detail="no such user")
    row = Item(title=item.title, description=item.description, owner_id=user_id)
    session.add(row)
    await session.commit()
    return {"id": row.id, "title": row.title, "owner_id": row.owner_id}


@app.get("/items/")
async def list_items(session: AsyncSession = Depends(get_session)):
    rows = (await session.execute(sa.select(Item).order_by(Item.id))).scalars().all()
    return [{"id": r.id, "title": r.title, "owner_id": r.owner_id} for r in rows]
