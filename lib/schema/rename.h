/*
 * rename.h - the renames a declared schema asks for (rename.c).
 */
#ifndef RT_SCHEMA_RENAME_H
#define RT_SCHEMA_RENAME_H

#include "retort.h"
#include "dialect/dialect.h"
#include "schema/model.h"
#include "schema/ops.h"

/* The renames asked for, in the order they run (tables first); names owned. */
typedef struct sm_renames {
	sm_rename *v;
	size_t n;
	char **names;
	size_t nnames;
} sm_renames;

/* The renames the hints of a and b ask for, diffing a to b (none once they ran). */
void rt_sm_renames_gather(const sm_schema *a, const sm_schema *b, sm_renames *out);
/*
 * Their operations appended to out, and s changed to what the database
 * holds after them: forward on a (target b), or back (undone, last
 * first) on b (target a).
 */
int rt_sm_renames_apply(const rt_dialect *d, sm_schema *s, const sm_schema *target,
			const sm_renames *l, int back, sm_ops *out, rt_error *err);
void rt_sm_renames_free(sm_renames *l);

#endif
