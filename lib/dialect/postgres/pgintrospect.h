/*
 * pgintrospect.h - the state of one PostgreSQL introspection and
 * the helpers its files share (introspect.c reads relations, columns,
 * constraints, indexes, triggers, enum types and functions;
 * introspect_kinds.c the other object kinds).  Private to
 * lib/dialect/postgres.
 */
#ifndef RT_PG_INTROSPECT_INTERNAL_H
#define RT_PG_INTROSPECT_INTERNAL_H

#include "internal.h"
#include "dialect/dialect.h"
#include "schema/model.h"
#include "dialect/postgres/pg_internal.h"
#include "util/strmap.h"

/* Separator of lists aggregated into one text value (column names, labels). */
#define SEP '\x1f'
#define SEP_SQL "E'\\x1f'"

/*
 * SQL: how dependencies name the object (cls, oid) - the catalog and oid
 * as SQL expressions: relations "schema.name", functions
 * "schema.name(types)", types "schema.name" (arrays as their element
 * type, row types as their relation), anything else of a user's as
 * pg_describe_object gives it ("collation public.c", "operator
 * public.~<<(text,text)"); NULL for the system's.
 */
#define PG_KEY(cls, oid)                                                                \
	"CASE " cls " "                                                                     \
	"WHEN 'pg_catalog.pg_class'::pg_catalog.regclass THEN "                             \
	"(SELECT rn.nspname || '.' || rc.relname FROM pg_catalog.pg_class rc "              \
	"JOIN pg_catalog.pg_namespace rn ON rn.oid = rc.relnamespace "                      \
	"WHERE rc.oid = " oid " AND " PG_NS_OK("rn") ") "                                   \
	"WHEN 'pg_catalog.pg_proc'::pg_catalog.regclass THEN "                              \
	"(SELECT rn.nspname || '.' || rp.proname || '(' || "                                \
	"pg_catalog.oidvectortypes(rp.proargtypes) || ')' FROM pg_catalog.pg_proc rp "       \
	"JOIN pg_catalog.pg_namespace rn ON rn.oid = rp.pronamespace "                      \
	"WHERE rp.oid = " oid " AND " PG_NS_OK("rn") ") "                                   \
	"WHEN 'pg_catalog.pg_type'::pg_catalog.regclass THEN "                              \
	"(SELECT rn.nspname || '.' || rt.typname FROM pg_catalog.pg_type t0 "                \
	"JOIN pg_catalog.pg_type rt ON rt.oid = CASE WHEN t0.typcategory = 'A' "             \
	"THEN t0.typelem ELSE t0.oid END "                                                  \
	"JOIN pg_catalog.pg_namespace rn ON rn.oid = rt.typnamespace "                      \
	"WHERE t0.oid = " oid " AND " PG_NS_OK("rn") ") "                                   \
	"WHEN 'pg_catalog.pg_namespace'::pg_catalog.regclass THEN NULL "                    \
	"ELSE CASE WHEN " oid " >= 16384 THEN "                                             \
	"pg_catalog.pg_describe_object(" cls ", " oid ", 0) END END"

typedef struct pgi_share pgi_share;

/* An introspection in progress. */
typedef struct pgi {
	rt_conn *c;
	sm_schema *s;
	char *rel_filter;  /* SQL: the relations retort manages (c, n aliases) */
	strmap tables;     /* relation oid -> index in s->tables */
	strmap views;      /* relation oid -> index in s->views */
	strmap funcs;      /* function oid -> index in s->funcs */
	strmap domains;    /* type oid -> index in s->domains */
	strmap objects;    /* "catalog oid/object oid" -> index in s->objects */
	rt_strlist keys;   /* the maps' keys (strmap does not copy them) */
	int privileges;    /* read privileges too (compare_privileges) */
	rt_strlist *collect; /* not NULL: rt_pgi_run only adds its SQL here */
	pgi_share *share;  /* a second session fetching rows ahead, or NULL */
} pgi;

static inline char *dup(const char *s)
{
	return rt_xstrdup_or_null(s);
}

static inline int is_true(const char *v)
{
	return v && v[0] == 't';
}

/* Remember oid -> idx in m; the key is kept alive by p->keys. */
void rt_pgi_map_put(pgi *p, strmap *m, const char *oid, int idx);
/* Split a SEP-joined value into a string vector (NULL: empty). */
void rt_pgi_split_list(const char *v, char ***out, size_t *n);
/* Run q (followed by the relation filter and tail, when given), fn for each row. */
int rt_pgi_run(pgi *p, const char *q, int filtered, const char *tail, rt_row_fn fn,
	       rt_error *err);

/*
 * introspect_share.c: enter a snapshot of our own (a read-only
 * transaction, or a savepoint when c is in one) with the settings that
 * make renderings independent of the session; leave it.
 */
int rt_pgi_enter(rt_conn *c, int *savepoint, rt_error *err);
void rt_pgi_leave(rt_conn *c, int savepoint);
/*
 * introspect_share.c: a second session on the scratch database of cfg,
 * with the settings of c's session, running the queries of sql (taken
 * over) from the last backwards; NULL when none can start.  Only for a
 * database nothing writes to, c outside any transaction.
 */
pgi_share *rt_pgi_share_start(rt_conn *c, const rt_config *cfg, rt_strlist *sql);
/*
 * The rows of sql, the caller's next query, to fn if the second session
 * fetched them (1); 0: run it yourself.
 */
int rt_pgi_share_take(pgi_share *sh, const char *sql, rt_row_fn fn, void *ud);
/* Stop the second session and free what it fetched (sh may be NULL). */
void rt_pgi_share_end(pgi_share *sh);
/* introspect_kinds.c: extensions, domains, objects kept as their definition */
int rt_pgi_read_kinds(pgi *p, rt_error *err);
/* introspect_acl.c: privileges (compare_privileges = true) */
int rt_pgi_read_privileges(pgi *p, rt_error *err);

#endif
