/*
 * unit.h - what every cmocka unit test includes: cmocka itself (with the
 * headers it needs first), the public API, and small helpers to build
 * revision graphs from a compact description.
 *
 * A graph description is a list of revisions separated by ';', each
 *
 *     id : revises : branch labels : depends on
 *
 * with comma-separated lists and trailing fields optional, e.g. the
 * diamond "aaaa; bbbb:aaaa; cccc:aaaa; mmmm:bbbb,cccc; dddd:mmmm".  The
 * revisions are loaded in the order written (that is rt_graph's load
 * order), each as the file "<id>.sql" whose header lines are: Revision ID
 * on line 1, Revises 2, Branch Labels 3, Depends On 4.
 *
 * Helpers are static inline so a suite that does not use one gets no
 * unused-function warning.
 */
#ifndef RT_UNIT_H
#define RT_UNIT_H

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "retort_int.h"

/* Fail the test unless haystack contains needle (showing both). */
#define assert_contains(haystack, needle)                                    \
	do {                                                                 \
		const char *h_ = (haystack), *n_ = (needle);                 \
		if (!h_ || !strstr(h_, n_))                                  \
			fail_msg("\"%s\" does not contain \"%s\"",           \
				 h_ ? h_ : "(null)", n_);                    \
	} while (0)

/* Compare a malloc'd string with the expected text, then free it. */
#define assert_str_free(got, want)                                           \
	do {                                                                 \
		char *g_ = (got);                                            \
		assert_string_equal(g_, (want));                             \
		free(g_);                                                    \
	} while (0)

/* The text of a migration file with the fixed header layout above. */
static inline char *unit_rev_text(const char *id, const char *revises,
				  const char *labels, const char *depends)
{
#define UNIT_REV_FMT                                                         \
	"-- Revision ID: %s\n"                                              \
	"-- Revises: %s\n"                                                  \
	"-- Branch Labels: %s\n"                                            \
	"-- Depends On: %s\n"                                               \
	"\n"                                                                \
	"-- migrate:upgrade\n"                                              \
	"CREATE TABLE t_%s (id INTEGER);\n"                                 \
	"\n"                                                                \
	"-- migrate:downgrade\n"                                            \
	"DROP TABLE t_%s;\n"
	size_t n = sizeof(UNIT_REV_FMT) + 3 * strlen(id) + strlen(revises) +
		   strlen(labels) + strlen(depends) + 1;
	char *s = malloc(n);
	snprintf(s, n, UNIT_REV_FMT, id, revises, labels, depends, id, id);
#undef UNIT_REV_FMT
	return s;
}

/* Parse text as the file path; NULL with err filled on failure. */
static inline rt_revision *unit_parse_try(const char *path, const char *text,
					  rt_error *err)
{
	size_t len = strlen(text);
	char *copy = malloc(len + 1);
	memcpy(copy, text, len + 1);
	return rt_revision_parse(path, copy, len, err);
}

/* Parse text as the file path; the test fails if it does not parse. */
static inline rt_revision *unit_parse(const char *path, const char *text)
{
	rt_error err = { 0 };
	rt_revision *r = unit_parse_try(path, text, &err);
	if (!r)
		fail_msg("%s: %s:%d: %s", path, err.file ? err.file : "",
			 err.line, err.message);
	return r;
}

/* Copy [s, s+n) without surrounding spaces into buf (of size cap). */
static inline void unit_field(char *buf, size_t cap, const char *s, size_t n)
{
	while (n && (*s == ' ' || *s == '\n' || *s == '\t')) {
		s++;
		n--;
	}
	while (n && (s[n - 1] == ' ' || s[n - 1] == '\n' || s[n - 1] == '\t'))
		n--;
	if (n >= cap)
		n = cap - 1;
	memcpy(buf, s, n);
	buf[n] = '\0';
}

/* One "id:revises:labels:depends" entry into a parsed revision. */
static inline rt_revision *unit_entry(const char *s, size_t n, rt_error *err)
{
	char f[4][256] = { "", "", "", "" };
	size_t k = 0, start = 0;
	for (size_t i = 0; i <= n && k < 4; i++)
		if (i == n || s[i] == ':') {
			unit_field(f[k++], sizeof(f[0]), s + start, i - start);
			start = i + 1;
		}
	char path[300];
	snprintf(path, sizeof(path), "%s.sql", f[0]);
	char *text = unit_rev_text(f[0], f[1], f[2], f[3]);
	rt_revision *r = unit_parse_try(path, text, err);
	free(text);
	return r;
}

/* Build a graph from a description; NULL with err filled on failure. */
static inline rt_graph *unit_graph_try(const char *desc, rt_error *err)
{
	rt_revision **revs = NULL;
	size_t n = 0;
	const char *p = desc;
	while (*p) {
		const char *semi = strchr(p, ';');
		size_t len = semi ? (size_t)(semi - p) : strlen(p);
		char probe[8];
		unit_field(probe, sizeof(probe), p, len);
		if (*probe) {
			rt_revision *r = unit_entry(p, len, err);
			if (!r) {
				for (size_t i = 0; i < n; i++)
					rt_revision_free(revs[i]);
				free(revs);
				return NULL;
			}
			revs = realloc(revs, (n + 1) * sizeof(*revs));
			revs[n++] = r;
		}
		p += len + (semi ? 1 : 0);
	}
	return rt_graph_build(revs, n, err);
}

/* Build a graph from a description; the test fails if it is invalid. */
static inline rt_graph *unit_graph(const char *desc)
{
	rt_error err = { 0 };
	rt_graph *g = unit_graph_try(desc, &err);
	if (!g)
		fail_msg("graph \"%s\": %s", desc, err.message);
	return g;
}

/* Index of a revision that must exist. */
static inline int unit_idx(const rt_graph *g, const char *id)
{
	int r = rt_graph_find(g, id);
	if (r < 0)
		fail_msg("no revision %s in the graph", id);
	return r;
}

/* Ids of v[0..n) joined with ",". */
static inline char *unit_ids(const rt_graph *g, const int *v, size_t n)
{
	size_t cap = 1;
	for (size_t i = 0; i < n; i++)
		cap += strlen(g->revs[v[i]]->id) + 1;
	char *s = malloc(cap);
	s[0] = '\0';
	for (size_t i = 0; i < n; i++) {
		if (i)
			strcat(s, ",");
		strcat(s, g->revs[v[i]]->id);
	}
	return s;
}

static inline int unit_cmp_str(const void *a, const void *b)
{
	return strcmp(*(const char *const *)a, *(const char *const *)b);
}

/* Ids of a set, sorted, joined with "," (row sets have no order). */
static inline char *unit_sorted(const rt_graph *g, const rt_revset *s)
{
	const char **ids = malloc((s->n ? s->n : 1) * sizeof(*ids));
	size_t cap = 1;
	for (size_t i = 0; i < s->n; i++) {
		ids[i] = g->revs[s->v[i]]->id;
		cap += strlen(ids[i]) + 1;
	}
	qsort(ids, s->n, sizeof(*ids), unit_cmp_str);
	char *out = malloc(cap);
	out[0] = '\0';
	for (size_t i = 0; i < s->n; i++) {
		if (i)
			strcat(out, ",");
		strcat(out, ids[i]);
	}
	free(ids);
	return out;
}

/*
 * A state whose version table holds rows (comma-separated ids; "" for an
 * empty table).  Ids the graph does not know become unknown rows.
 */
static inline void unit_state(const rt_graph *g, const char *rows,
			      rt_state *st)
{
	memset(st, 0, sizeof(*st));
	st->exists = 1;
	const char *p = rows;
	while (*p) {
		const char *comma = strchr(p, ',');
		size_t len = comma ? (size_t)(comma - p) : strlen(p);
		char id[256];
		unit_field(id, sizeof(id), p, len);
		if (*id) {
			int r = rt_graph_find(g, id);
			if (r >= 0) {
				rt_revset_add(&st->rows, r);
			} else {
				st->unknown.v = realloc(st->unknown.v,
					(st->unknown.n + 1) * sizeof(char *));
				st->unknown.v[st->unknown.n++] = strdup(id);
			}
		}
		p += len + (comma ? 1 : 0);
	}
}

/* Append s to a growing malloc'd string. */
static inline void unit_cat(char **buf, size_t *len, const char *s)
{
	size_t n = strlen(s);
	*buf = realloc(*buf, *len + n + 1);
	memcpy(*buf + *len, s, n + 1);
	*len += n;
}

/*
 * A plan as text, one word per step separated by spaces: "id" for an
 * upgrade, "-id" for a downgrade, "stamp" for a stamp, each followed by
 * its version-table changes in brackets: "+x" INSERT x, "-x" DELETE x,
 * "x>y" UPDATE x to y.  The S2 diamond from base to head is
 * "aaaa[+aaaa] bbbb[aaaa>bbbb] cccc[+cccc] mmmm[-bbbb,cccc>mmmm] dddd[mmmm>dddd]".
 */
static inline char *unit_plan_str(const rt_graph *g, const rt_plan *p)
{
	char *s = malloc(1);
	size_t len = 0;
	s[0] = '\0';
	for (size_t i = 0; i < p->n; i++) {
		const rt_step *st = &p->steps[i];
		if (i)
			unit_cat(&s, &len, " ");
		if (st->dir == RT_STAMP)
			unit_cat(&s, &len, "stamp");
		else {
			if (st->dir == RT_DOWNGRADE)
				unit_cat(&s, &len, "-");
			unit_cat(&s, &len, g->revs[st->rev]->id);
		}
		unit_cat(&s, &len, "[");
		for (size_t j = 0; j < st->nvops; j++) {
			const rt_vop *v = &st->vops[j];
			if (j)
				unit_cat(&s, &len, ",");
			if (v->kind == RT_VOP_INSERT) {
				unit_cat(&s, &len, "+");
				unit_cat(&s, &len, v->to);
			} else if (v->kind == RT_VOP_DELETE) {
				unit_cat(&s, &len, "-");
				unit_cat(&s, &len, v->from);
			} else {
				unit_cat(&s, &len, v->from);
				unit_cat(&s, &len, ">");
				unit_cat(&s, &len, v->to);
			}
		}
		unit_cat(&s, &len, "]");
	}
	return s;
}

/* Remove one row named id from st; 0 when there was none. */
static inline int unit_row_del(const rt_graph *g, rt_state *st, const char *id)
{
	for (size_t i = 0; i < st->rows.n; i++)
		if (!strcmp(g->revs[st->rows.v[i]]->id, id)) {
			memmove(st->rows.v + i, st->rows.v + i + 1,
				(st->rows.n - i - 1) * sizeof(int));
			st->rows.n--;
			return 1;
		}
	for (size_t i = 0; i < st->unknown.n; i++)
		if (!strcmp(st->unknown.v[i], id)) {
			free(st->unknown.v[i]);
			memmove(st->unknown.v + i, st->unknown.v + i + 1,
				(st->unknown.n - i - 1) * sizeof(char *));
			st->unknown.n--;
			return 1;
		}
	return 0;
}

/*
 * Run a plan's version-table changes on st's rows, as a database would:
 * an UPDATE or DELETE must find its row and an INSERT must not, else the
 * test fails (Alembic's "expected to match one row").
 */
static inline void unit_apply(const rt_graph *g, rt_state *st,
			      const rt_plan *p)
{
	for (size_t i = 0; i < p->n; i++)
		for (size_t j = 0; j < p->steps[i].nvops; j++) {
			const rt_vop *v = &p->steps[i].vops[j];
			if (v->from && !unit_row_del(g, st, v->from))
				fail_msg("step %zu: no row %s to %s", i, v->from,
					 v->to ? "update" : "delete");
			if (!v->to)
				continue;
			int r = unit_idx(g, v->to);
			if (rt_revset_has(&st->rows, r))
				fail_msg("step %zu: row %s already exists", i,
					 v->to);
			rt_revset_add(&st->rows, r);
		}
}

#endif
