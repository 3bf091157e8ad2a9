-- Revision ID: 6b93e1f07d54
-- Revises: 5e2d9a7c4b10
-- Create Date: 2026-11-22 14:30:00.000000+00:00
-- Message: add post summary view
-- Branch Labels:
-- Depends On:

-- migrate:upgrade
CREATE VIEW post_summary AS
SELECT p.id, p.title, u.name AS author, p.comment_count,
       (SELECT count(*) FROM post_tags t WHERE t.post_id = p.id) AS tag_count
FROM posts p JOIN users u ON u.id = p.author_id;

-- migrate:downgrade
DROP VIEW post_summary;
