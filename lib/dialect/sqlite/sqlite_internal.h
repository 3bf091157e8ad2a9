/*
 * sqlite_internal.h - pieces of the SQLite dialect shared between its files.
 */
#ifndef RT_SQLITE_INTERNAL_H
#define RT_SQLITE_INTERNAL_H

#include "retort.h"
#include "dialect/dialect.h"

/* The file a sqlite: URL names, relative paths resolved against dir. */
int rt_sqlite_path(const char *url, const char *dir, char **path,
		   rt_error *err);
int rt_sqlite_split(const char *sql, size_t len, int first_line,
		    const char *file, rt_stmtlist *out, rt_error *err);

#endif
