/*
 * hints.h - "-- retort:renamed-from OLD" comments in a declared schema
 * (hints.c): which table or column each renames, marked on the model.
 */
#ifndef RT_SCHEMA_HINTS_H
#define RT_SCHEMA_HINTS_H

#include "retort.h"
#include "schema/model.h"

typedef struct sm_hint {
	char *schema;  /* as written in CREATE TABLE, or NULL */
	char *table;   /* the table the hint is in */
	char *column;  /* the column renamed, NULL when the table is */
	char *old;     /* its old name */
	int line;
} sm_hint;

typedef struct sm_hints {
	sm_hint *v;
	size_t n;
} sm_hints;

/*
 * The hints of a declared schema's SQL (file: its name in messages).  A
 * hint on no column's or CREATE TABLE's line is added to stray as a
 * "FILE:LINE: ..." warning.
 */
void rt_sm_hints_read(const char *sql, size_t len, const char *file, sm_hints *out,
		      rt_strlist *stray);
/*
 * Mark the hints on s, the model read back from the database: the named
 * tables' and columns' renamed_from.  One naming nothing of s goes to stray.
 */
void rt_sm_hints_mark(sm_schema *s, const sm_hints *h, const char *file, rt_strlist *stray);
void rt_sm_hints_free(sm_hints *h);

#endif
