-- Revision ID: 3a7be5d21c08
-- Revises: 2c41f0e8a9d3
-- Create Date: 2026-11-21 08:40:57.771920+00:00
-- Message: add comments
-- Branch Labels:
-- Depends On:

-- migrate:upgrade
CREATE TABLE comments (
    id INTEGER PRIMARY KEY,
    post_id INTEGER NOT NULL REFERENCES posts(id) ON DELETE CASCADE,
    body TEXT NOT NULL
);
ALTER TABLE posts ADD COLUMN comment_count INTEGER NOT NULL DEFAULT 0;
-- A trigger body holds semicolons: SQLite's own tokenizer keeps it whole.
CREATE TRIGGER comments_count AFTER INSERT ON comments
BEGIN
    UPDATE posts SET comment_count = comment_count + 1 WHERE id = new.post_id;
END;

-- migrate:downgrade
DROP TRIGGER comments_count;
ALTER TABLE posts DROP COLUMN comment_count;
DROP TABLE comments;
