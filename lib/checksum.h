/*
 * checksum.h - revision checksums, "algorithm:hex" (see checksum.c).
 */
#ifndef RT_CHECKSUM_H
#define RT_CHECKSUM_H

#include "retort.h"
#include "sqltext.h"
#include "util/strbuf.h"

/* The algorithm of the checksums retort records now. */
#define RT_CHECKSUM_ALGORITHM "sha256-sql"

/*
 * The text the current algorithm hashes: sql without its comments (by the
 * lexical rules of the dialect, lx) and with white space outside quoted
 * text folded (see checksum.c).
 */
void rt_checksum_text(const char *sql, size_t len, const rt_lexrules *lx, strbuf *out);
/* The checksum of rev by the current algorithm, for a project of this dialect. */
char *rt_checksum(const rt_revision *rev, const rt_lexrules *lx);
/*
 * The checksum of section k (0-based) of one direction of rev, its
 * options included: what a step's record in the history table carries.
 */
char *rt_checksum_section(const rt_revision *rev, rt_section_kind kind, size_t k,
			  const rt_lexrules *lx);
/*
 * The checksum of rev by the algorithm the recorded checksum names
 * ("sha256:...", "sha256-sql:..."), to compare with it; NULL when retort
 * does not know that algorithm.
 */
char *rt_checksum_as(const rt_revision *rev, const rt_lexrules *lx, const char *recorded);

#endif
