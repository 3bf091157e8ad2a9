-- Revision ID: 2c41f0e8a9d3
-- Revises: 1975ea83b712
-- Create Date: 2026-11-20 10:02:11.004113+00:00
-- Message: create posts
-- Branch Labels:
-- Depends On:

-- migrate:upgrade
CREATE TABLE posts (
    id INTEGER PRIMARY KEY,
    author_id INTEGER NOT NULL REFERENCES users(id),
    title TEXT NOT NULL,
    body TEXT NOT NULL,
    published_at TEXT
);
CREATE INDEX ix_posts_author ON posts(author_id);

-- migrate:downgrade
DROP INDEX ix_posts_author;
DROP TABLE posts;
