-- Revision ID: 9d2e5b7c1a30
-- Revises: 4c1f0a9e2b7d
-- Create Date: 2026-12-03 14:05:00.000000+00:00
-- Message: add user name

-- migrate:upgrade
ALTER TABLE users ADD COLUMN name VARCHAR(100);

-- migrate:downgrade
ALTER TABLE users DROP COLUMN name;
