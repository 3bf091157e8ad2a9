/*
 * status.c - rt_status_read: every revision of the graph, applied or
 * pending, with when, by whom and how long from the history table.
 *
 * The database is read as rt_current reads it (a read-only connection;
 * nothing is created), and the order is the planner's: the applied
 * revisions in the order an upgrade from base applies them (a depth-first
 * walk from the version rows), then the pending ones in the order an
 * upgrade to the heads would apply them (the same walk from the heads,
 * skipping what is applied) -- the walk rt_plan_upgrade makes.
 */
#include "internal.h"
#include "ctx_internal.h"
#include "graph_internal.h"
#include "runs.h"

#include <stdlib.h>
#include <string.h>

typedef struct rt_status_entry {
	int rev;
	int applied;
	char *how;   /* "upgrade" or "stamp": the history row that applied it */
	char *at;    /* its started_at, ISO 8601 UTC */
	char *by;    /* its db_user */
	double ms;   /* its duration_ms, -1 when not recorded */
} rt_status_entry;

struct rt_status {
	rt_state st;
	int history;           /* the history table exists */
	rt_status_entry *v;    /* one per revision, applied first */
	size_t n;
	size_t pending;
};

/* Per revision (graph index), the history row that last applied it. */
typedef struct last_rows {
	const rt_graph *g;
	rt_status_entry *byrev;
} last_rows;

static void entry_clear(rt_status_entry *e)
{
	free(e->how);
	free(e->at);
	free(e->by);
	e->how = e->at = e->by = NULL;
	e->ms = -1;
}

/*
 * Query callback over history rows in id order (revision, direction,
 * started_at, duration_ms, db_user): an upgrade or stamp row becomes the
 * revision's, a later downgrade row forgets it.  Revisions no file defines
 * and other rows (resets, stamps to base) are passed over.
 */
static int history_row(void *ud, int n, const char *const *v)
{
	last_rows *lr = ud;
	if (n < 5 || !v[0] || !v[1])
		return 0;
	int r = rt_graph_find(lr->g, v[0]);
	if (r < 0)
		return 0;
	rt_status_entry *e = &lr->byrev[r];
	if (!strcmp(v[1], "downgrade")) {
		entry_clear(e);
		return 0;
	}
	if (strcmp(v[1], "upgrade") && strcmp(v[1], "stamp"))
		return 0;
	entry_clear(e);
	e->how = rt_xstrdup(v[1]);
	e->at = rt_xstrdup_or_null(v[2]);
	e->by = rt_xstrdup_or_null(v[4]);
	e->ms = v[3] ? strtod(v[3], NULL) : -1;
	return 0;
}

/* Read the history table, if there is one, into lr (one query). */
static int read_history(const rt_ctx *ctx, const rt_dialect *d, rt_conn *c,
			rt_status *s, last_rows *lr, rt_error *err)
{
	const char *schema;
	char *history = rt_history_table(ctx->cfg);
	int rc = rt_tables_schema(d, c, ctx->cfg, &schema, err);
	if (rc == 0)
		rc = d->table_exists(c, schema, history, &s->history, err);
	if (rc == 0 && s->history) {
		strbuf sql = STRBUF_INIT;
		rt_strbuf_adds(&sql, "SELECT revision, direction, ");
		rt_history_started_at(d, &sql);
		rt_strbuf_adds(&sql, ", duration_ms, db_user FROM ");
		rt_table_name(d, schema, history, &sql);
		rt_strbuf_adds(&sql, " ORDER BY id");
		rc = d->query(c, sql.buf, history_row, lr, err);
		rt_strbuf_release(&sql);
	}
	free(history);
	return rc;
}

/*
 * The entries: applied ones from the walk down from the version rows,
 * then pending ones from the walk down from the heads, each taking the
 * history of its revision.
 */
static void fill_entries(const rt_graph *g, rt_status *s, rt_status_entry *byrev)
{
	size_t n = g->nrevs ? g->nrevs : 1, napplied = 0, nall = 0;
	unsigned char *visited = rt_xcalloc(n, 1);
	int *order = rt_xmalloc(n * sizeof(int));
	rt_graph_dfs_order(g, s->st.rows.v, s->st.rows.n, visited, order, &napplied);
	nall = napplied;
	rt_graph_dfs_order(g, g->heads, g->nheads, visited, order, &nall);
	s->v = rt_xcalloc(n, sizeof(*s->v));
	for (size_t i = 0; i < nall; i++) {
		rt_status_entry *e = &s->v[s->n++];
		e->rev = order[i];
		e->applied = i < napplied;
		e->ms = -1;
		if (e->applied) { /* take over the row's strings */
			*e = byrev[order[i]];
			e->rev = order[i];
			e->applied = 1;
			memset(&byrev[order[i]], 0, sizeof(*byrev));
		}
	}
	s->pending = nall - napplied;
	free(order);
	free(visited);
}

/* See retort.h. */
rt_status *rt_status_read(rt_ctx *ctx, rt_error *err)
{
	const rt_graph *g = ctx->graph;
	const rt_dialect *d = rt_ctx_dialect(ctx, err);
	if (!d)
		return NULL;
	rt_status *s = rt_xcalloc(1, sizeof(*s));
	last_rows lr = { g, rt_xcalloc(g->nrevs ? g->nrevs : 1, sizeof(rt_status_entry)) };
	for (size_t i = 0; i < g->nrevs; i++)
		lr.byrev[i].ms = -1;
	int missing = 0, rc = 0;
	rt_conn *c = d->connect(ctx->cfg, 1, &missing, err);
	if (!c && !missing)
		rc = -1;
	if (c) {
		rc = rt_read_state(ctx, c, 0, &s->st, err);
		if (rc == 0 && s->st.exists)
			rc = read_history(ctx, d, c, s, &lr, err);
		d->disconnect(c);
	}
	if (rc == 0) {
		rt_state_heads(g, &s->st, &s->st.heads);
		fill_entries(g, s, lr.byrev);
	}
	for (size_t i = 0; i < g->nrevs; i++)
		entry_clear(&lr.byrev[i]);
	free(lr.byrev);
	if (rc < 0) {
		rt_status_free(s);
		return NULL;
	}
	return s;
}

void rt_status_free(rt_status *s)
{
	if (!s)
		return;
	for (size_t i = 0; i < s->n; i++)
		entry_clear(&s->v[i]);
	free(s->v);
	rt_state_free(&s->st);
	free(s);
}

const rt_state *rt_status_current(const rt_status *s)
{
	return &s->st;
}

int rt_status_history_exists(const rt_status *s)
{
	return s->history;
}

size_t rt_status_count(const rt_status *s)
{
	return s->n;
}

size_t rt_status_pending_count(const rt_status *s)
{
	return s->pending;
}

/* The entry i, or NULL past the end. */
static const rt_status_entry *entry(const rt_status *s, size_t i)
{
	return i < s->n ? &s->v[i] : NULL;
}

/* The entries' fields (retort.h): each -1, 0 or NULL past the end. */
RT_RECORD_GETTER(int, rt_status_revision, rt_status, entry, rev, -1)
RT_RECORD_GETTER(int, rt_status_applied, rt_status, entry, applied, 0)
RT_RECORD_GETTER(const char *, rt_status_how, rt_status, entry, how, NULL)
RT_RECORD_GETTER(const char *, rt_status_applied_at, rt_status, entry, at, NULL)
RT_RECORD_GETTER(const char *, rt_status_applied_by, rt_status, entry, by, NULL)
RT_RECORD_GETTER(double, rt_status_duration_ms, rt_status, entry, ms, -1)
