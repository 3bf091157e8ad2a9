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
/* The URL a source names, or NULL when it is not a URL. */
const char *rt_sm_source_url(const char *spec);

#endif
