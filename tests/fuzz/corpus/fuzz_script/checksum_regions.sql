-- Revision ID: c1
-- Revises:
-- Message: regions

-- migrate:upgrade
/* license /* nested */ header */
CREATE TABLE t (   -- trailing
    v TEXT DEFAULT 'a
-- retort:lint-ignore all
b',   "we""ird" INTEGER
);
INSERT INTO t VALUES (E'it\'s -- not a comment', $x$ body -- kept $x$, [br]acket, `tick`);
SELECT 1 - -1, 2--comment
;
-- migrate:downgrade
DROP TABLE t;
