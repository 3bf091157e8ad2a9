/*
 * replay.h - migrations replayed into a scratch database, the way the
 * schema sources build migrations[:REV] (schema/source.c).
 */
#ifndef RT_REPLAY_H
#define RT_REPLAY_H

#include "retort_int.h"
#include "dialect/dialect.h"

/*
 * Upgrade the database of scfg (a scratch database the caller made and
 * owns: no lock is taken) to each revision of revs in turn, ids joined
 * with ',' ("a,b": the state of a database whose rows are a and b).
 * ctx gives the graph; nothing is emitted.  On failure err's message
 * says that the replay failed.
 */
int rt_replay(const rt_ctx *ctx, const rt_dialect *d, const rt_config *scfg,
	      const char *revs, rt_error *err);

#endif
