/*
 * internal.h - helpers shared by the files of libretort, not part of the
 * public API: error construction and small string-list utilities.
 */
#ifndef RT_INTERNAL_H
#define RT_INTERNAL_H

#include "retort_int.h"
#include "util/strbuf.h"
#include "util/xalloc.h"

/* Fill err (replacing what it held) and return -1. */
int rt_fail(rt_error *err, rt_code code, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
/* The same, naming a file and line (line 0: the whole file). */
int rt_fail_at(rt_error *err, rt_code code, const char *file, int line,
	       const char *fmt, ...) __attribute__((format(printf, 5, 6)));
/* Set the hint of an error already filled. */
void rt_hint(rt_error *err, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
/* Set the action that fixes an error already filled, and its argument (or NULL). */
void rt_fix_with(rt_error *err, rt_fix fix, const char *arg);

void rt_strlist_push(rt_strlist *l, const char *s);
/* Push a printf-style line. */
void rt_strlist_pushf(rt_strlist *l, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
void rt_strlist_pushn(rt_strlist *l, const char *s, size_t n);
void rt_strlist_free(rt_strlist *l);
int rt_strlist_has(const rt_strlist *l, const char *s);
/* Join with sep into sb. */
void rt_strlist_join(strbuf *sb, const rt_strlist *l, const char *sep);

/* Revision ids of a set, joined with ", ". */
void rt_revset_join(strbuf *sb, const rt_graph *g, const rt_revset *s,
		    const char *sep);

/*
 * Defines FN(list, i), a public accessor of one field of the i-th record
 * of a result list (a status's entries, the runs): AT(list, i) is the
 * record, or NULL past the end, where FN returns NONE.
 */
#define RT_RECORD_GETTER(RET, FN, LIST, AT, FIELD, NONE)      \
	RET FN(const LIST *list, size_t i)                    \
	{                                                     \
		return AT(list, i) ? AT(list, i)->FIELD : (NONE); \
	}



/*
 * Mark (in a bitmap over g->revs) the revisions that identifiers and
 * ranges "A:B" name, or every revision when n == 0 (lint, test).  No
 * database is read, so current, +N and -N fail.
 */
int rt_select_revisions(const rt_graph *g, const char *const *idents, size_t n,
			unsigned char *mark, rt_error *err);

/*
 * A plan of one step reverting rev alone, which must be applied with
 * nothing applied needing it (retort test reverts each revision right
 * after applying it).
 */
int rt_plan_downgrade_one(const rt_graph *g, const rt_state *st, int rev,
			  rt_plan *plan, rt_error *err);

/*
 * Squashes (graph.c and plan.c): the squash whose Replaces lists id when the
 * replaced files are gone, else -1; and, in a plan, the steps of a whole
 * replaced chain turned into the squash's one step (upgrade and downgrade
 * plans call it).
 */
int rt_graph_replaced_by(const rt_graph *g, const char *id);
void rt_plan_use_squashes(const rt_graph *g, rt_plan *plan);
/* Free one step's version changes and id lists (plan.c). */
void rt_step_free(rt_step *s);
/* A squash beside its chain named as a target means the state it leaves: its last replaced revision. */
void rt_target_unsquash(const rt_graph *g, rt_revset *revs);

/* verify's squashes check (squash_verify.c): whether there is one to make, and making it. */
int rt_verify_has_squashes(const rt_graph *g);
void rt_verify_squashes(rt_ctx *ctx, rt_verify_check *c);

/*
 * Replace in text every secret of url (those rt_url_mask hides, as written,
 * %-decoded and unquoted, and the pieces libpq would cut a malformed one
 * into) with "***": for libpq's messages, which quote parts of the URL.
 */
void rt_url_hide_secrets(strbuf *text, const char *url);
/*
 * A hint when url's password holds a character that ends it early for
 * libpq (an unencoded '/' or '@'), else NULL.
 */
const char *rt_url_password_hint(const char *url);

/*
 * Collects several problems (e.g. every malformed file of a directory) so
 * they are reported together: one "file:line: message" line each.
 */
typedef struct rt_errlist {
	rt_error first;
	strbuf all;
	int n;
} rt_errlist;

/* Take over e's contents (e is cleared). */
void rt_errlist_add(rt_errlist *l, rt_error *e);
/* Return 0 if nothing was added, else fill err and return -1. */
int rt_errlist_finish(rt_errlist *l, rt_error *err);
/* "file:line: message" of one error into sb. */
void rt_error_format_location(strbuf *sb, const rt_error *e);

/*
 * A URL with SQLAlchemy's driver part taken out of its scheme
 * ("postgresql+asyncpg://..." -> "postgresql://..."; asyncpg's ssl= becomes
 * libpq's sslmode=); *driver gets the driver ("asyncpg"), or NULL when the
 * URL names none.  The caller frees both.
 */
char *rt_url_without_driver(const char *url, char **driver);

/*
 * Check a file_template when it is read (script_write.c, which also
 * expands it): syntax, known keys, no '/', and a %(rev) key that keeps
 * the whole id -- so a mistake names retort.ini:LINE.
 */
int rt_file_template_check(const char *tpl, rt_error *err);
#endif
