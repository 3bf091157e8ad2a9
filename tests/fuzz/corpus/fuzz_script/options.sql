-- Revision ID: x1
-- Revises: a, b
-- Branch Labels: l1, l2
-- Depends On: zz

-- migrate:upgrade transaction:false
CREATE INDEX CONCURRENTLY i ON t (a);
-- migrate:downgrade batch
UPDATE t SET a = 1 WHERE a IS NULL;
