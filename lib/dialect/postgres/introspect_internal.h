/*
 * introspect_internal.h - the state of one PostgreSQL introspection and
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
#include "util/strmap.h"

/* Separator of lists aggregated into one text value (column names, labels). */
#define SEP '\x1f'
#define SEP_SQL "E'\\x1f'"

/* An introspection in progress. */
typedef struct pgi {
	rt_conn *c;
	sm_schema *s;
	char *rel_filter;  /* SQL: the relations retort manages (c, n aliases) */
	strmap tables;     /* relation oid -> index in s->tables */
	strmap views;      /* relation oid -> index in s->views */
	strmap funcs;      /* function oid -> index in s->funcs */
	rt_strlist keys;   /* the maps' keys (strmap does not copy them) */
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

/* introspect_kinds.c: extensions, ... */
int rt_pgi_read_kinds(pgi *p, rt_error *err);

#endif
