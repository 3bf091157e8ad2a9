-- Revision ID: 4c1f0a9e2b7d
-- Revises:
-- Create Date: 2026-12-03 14:00:00.000000+00:00
-- Message: create users

-- migrate:upgrade
CREATE TABLE users (
    id INTEGER PRIMARY KEY,
    email VARCHAR(255) NOT NULL UNIQUE
);

-- migrate:downgrade
DROP TABLE users;
