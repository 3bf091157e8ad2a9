/*
 * introspect_kinds.c - the PostgreSQL object kinds read besides
 * relations, enum types and functions (introspect.c): extensions.
 *
 * As in introspect.c, every definition is the server's own rendering,
 * read with an empty search_path, so names outside pg_catalog come
 * qualified.
 */
#include "dialect/postgres/introspect_internal.h"
#include "dialect/postgres/pg_internal.h"

#include <string.h>

/* ---- extensions ---- */

/*
 * plpgsql aside (every database has it).  The version is kept; whether it
 * is the one CREATE EXTENSION installs by default decides whether a
 * migration names it.  The comment every extension sets from its control
 * file is no comment of the user's.
 */
static const char q_exts[] =
	"SELECT e.extname, n.nspname, e.extversion, "
	"e.extversion IS NOT DISTINCT FROM a.default_version, e.extrelocatable, "
	"CASE WHEN d.description IS DISTINCT FROM a.comment THEN d.description END, "
	"(SELECT pg_catalog.string_agg(r.extname, " SEP_SQL " ORDER BY r.extname) "
	"FROM pg_catalog.pg_depend x JOIN pg_catalog.pg_extension r ON r.oid = x.refobjid "
	"WHERE x.classid = 'pg_catalog.pg_extension'::pg_catalog.regclass AND x.objid = e.oid "
	"AND x.refclassid = 'pg_catalog.pg_extension'::pg_catalog.regclass) "
	"FROM pg_catalog.pg_extension e "
	"JOIN pg_catalog.pg_namespace n ON n.oid = e.extnamespace "
	"LEFT JOIN pg_catalog.pg_available_extensions a ON a.name = e.extname "
	"LEFT JOIN pg_catalog.pg_description d ON d.classoid = 'pg_catalog.pg_extension'::pg_catalog.regclass "
	"AND d.objoid = e.oid AND d.objsubid = 0 "
	"WHERE e.extname <> 'plpgsql'";

static int on_ext(void *ud, int n, const char *const *v)
{
	pgi *p = ud;
	(void)n;
	sm_extension *e = rt_sm_add_extension(p->s);
	e->name = dup(v[0]);
	e->schema = dup(v[1]);
	e->version = dup(v[2]);
	e->default_version = is_true(v[3]);
	e->relocatable = is_true(v[4]);
	e->comment = dup(v[5]);
	rt_pgi_split_list(v[6], &e->requires, &e->nrequires);
	return 0;
}

/* Every kind this file reads, into p->s. */
int rt_pgi_read_kinds(pgi *p, rt_error *err)
{
	return rt_pgi_run(p, q_exts, 0, NULL, on_ext, err);
}
