/*
 * migrate.h - what migrate.c offers lib/ beyond the public upgrade,
 * downgrade and stamp of retort.h.
 */
#ifndef RT_MIGRATE_H
#define RT_MIGRATE_H

#include "retort_int.h"
#include "schema/load.h"

/*
 * The run of create once its schema is checked (create.c): under the
 * migration lock, refuse a database that is not empty, then load the
 * declared schema dc and stamp the heads in one transaction.
 */
int rt_create_stamp(rt_ctx *ctx, const rt_declared *dc, rt_error *err);

#endif
