ALTER TABLE t OWNER TO ${owner}; SELECT '${owner}', "${owner}", E'\'${x}'; -- ${nope}
/* /* ${nested} */ */ CREATE FUNCTION f() RETURNS int AS $$ SELECT ${body} $$ LANGUAGE sql; SELECT $tag$ ${t} $tag$, ${schema.name}, ${empty};
