-- Revision ID: 4f06c3b8e2a1
-- Revises: 2c41f0e8a9d3
-- Create Date: 2026-11-21 09:15:03.125066+00:00
-- Message: add tags
-- Branch Labels:
-- Depends On:

-- migrate:upgrade
CREATE TABLE tags (
    id INTEGER PRIMARY KEY,
    name TEXT NOT NULL UNIQUE
);
CREATE TABLE post_tags (
    post_id INTEGER NOT NULL REFERENCES posts(id) ON DELETE CASCADE,
    tag_id INTEGER NOT NULL REFERENCES tags(id),
    PRIMARY KEY (post_id, tag_id)
) WITHOUT ROWID;

-- migrate:downgrade
DROP TABLE post_tags;
DROP TABLE tags;
