/*
 * pg_internal.h - pieces of the PostgreSQL dialect shared between its files.
 */
#ifndef RT_PG_INTERNAL_H
#define RT_PG_INTERNAL_H

#include "retort.h"
#include "dialect/dialect.h"

/*
 * Split PostgreSQL SQL into statements with libpg_query (the server's own
 * parser), marking those that cannot run inside a transaction block.
 */
int rt_pg_split(const char *sql, size_t len, int first_line, const char *file,
		rt_stmtlist *out, rt_error *err);

#endif
