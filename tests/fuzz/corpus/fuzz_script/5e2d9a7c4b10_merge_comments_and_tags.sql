-- Revision ID: 5e2d9a7c4b10
-- Revises: 3a7be5d21c08, 4f06c3b8e2a1
-- Create Date: 2026-11-21 11:30:00.000000+00:00
-- Message: merge comments and tags
-- Branch Labels:
-- Depends On:

-- migrate:upgrade
CREATE TABLE settings (key TEXT PRIMARY KEY, value NOT NULL);
-- The page size comes from [placeholders] in retort.ini (or -x page_size=50).
-- Placeholders are replaced outside strings and comments only.
INSERT INTO settings (key, value) VALUES ('page_size', ${page_size});

-- migrate:downgrade
DROP TABLE settings;
