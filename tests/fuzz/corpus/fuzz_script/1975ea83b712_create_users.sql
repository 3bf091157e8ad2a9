-- Revision ID: 1975ea83b712
-- Revises:
-- Create Date: 2026-11-20 09:12:44.310527+00:00
-- Message: create users
-- Branch Labels:
-- Depends On:

-- migrate:upgrade
CREATE TABLE users (
    id INTEGER PRIMARY KEY,
    email TEXT NOT NULL UNIQUE,
    name TEXT NOT NULL,
    created_at TEXT NOT NULL DEFAULT (datetime('now'))
);

-- migrate:downgrade
DROP TABLE users;
