/*
 * source.h - loading a schema to compare from one of the sources of
 * rt_schema_diff (see retort.h): schema, file:PATH, migrations[:REV],
 * database, a URL, empty.
 */
#ifndef RT_SCHEMA_SOURCE_H
#define RT_SCHEMA_SOURCE_H

#include "retort_int.h"
#include "dialect/dialect.h"
#include "schema/model.h"
#include "schema/load.h"

/* Load spec's schema with dialect d; cfg->url is the configured database. */
int rt_sm_source_load(const rt_ctx *ctx, const rt_dialect *d, const rt_config *cfg,
		   const char *spec, sm_schema **out, rt_error *err);
/*
 * What a load leaves to finish once its model is read: dropping its
 * scratch database, and the sweep and spare made beside it.
 */
typedef struct rt_sm_pending rt_sm_pending;
/*
 * rt_sm_source_load, except that what is left to finish runs on (*later
 * is set, or NULL when nothing is left) while the caller compares: the
 * caller calls rt_sm_pending_finish(*later) before ctx and cfg go, and
 * before it returns.
 */
int rt_sm_source_load_later(const rt_ctx *ctx, const rt_dialect *d, const rt_config *cfg,
			 const char *spec, sm_schema **out, rt_sm_pending **later, rt_error *err);
/* Wait for what a load left to finish, and free it (p may be NULL). */
void rt_sm_pending_finish(rt_sm_pending *p);
/* The URL a source names, or NULL when it is not a URL. */
const char *rt_sm_source_url(const char *spec);

#endif
