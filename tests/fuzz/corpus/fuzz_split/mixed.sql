CREATE TABLE a (id int, v text DEFAULT 'x;y');
CREATE FUNCTION f() RETURNS int AS $$ SELECT 1; $$ LANGUAGE sql;
/* nested /* comment */ ; */ INSERT INTO a VALUES (1, E'\';'), (2, $t$;$t$);
CREATE INDEX CONCURRENTLY ix ON a (v);
CREATE TRIGGER tr AFTER INSERT ON a BEGIN SELECT 1; END;
