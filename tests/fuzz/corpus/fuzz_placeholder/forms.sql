INSERT INTO ${owner:ident} VALUES (${q:literal}, ${q:ident}, ${q}, ${empty:literal});
SELECT '${q:literal}', "${owner:ident}" -- ${q:literal}
/* ${owner} */ SELECT $$ ${q:ident} $$, ${q:lit}, ${q:}, ${q:literal, [${q}], `${owner}`;
