/*
 * session.c - every migration of a run starts from the same connection
 * state.  A migration can change its connection for whoever comes next
 * (SQLite: PRAGMA foreign_keys = ON, a temporary trigger, ATTACH;
 * PostgreSQL: SET search_path, SET ROLE, a temporary table), and two
 * separate runs would not see it, since each connects afresh.  So after
 * each migration's statements, before its version-table update (which must
 * not run as another role or with another search_path either), the state
 * is read again through the dialect, what changed is undone and named in a
 * notice, and a change that cannot be undone fails the migration.
 */
#include "runner.h"

#include <string.h>

/* Lines of a not in b, joined into sb. */
static void missing_from(strbuf *sb, const rt_strlist *a, const rt_strlist *b)
{
	for (size_t i = 0; i < a->n; i++)
		if (!rt_strlist_has(b, a->v[i]))
			rt_strbuf_addf(sb, "%s%s", sb->len ? ", " : "", a->v[i]);
}

static int same(const rt_strlist *a, const rt_strlist *b)
{
	if (a->n != b->n)
		return 0;
	for (size_t i = 0; i < a->n; i++)
		if (!rt_strlist_has(b, a->v[i]))
			return 0;
	return 1;
}

/*
 * Run the dialect's statements that take the state from now back to
 * r->session, then read it again: anything still different is an error.
 * done gets what was undone, in words.
 */
static int undo(run *r, const rt_strlist *now, strbuf *done, rt_error *err)
{
	rt_strlist sql = { 0 }, what = { 0 }, after = { 0 };
	r->d->session_undo(&r->session, now, &sql, &what);
	int rc = 0;
	for (size_t i = 0; rc == 0 && i < sql.n; i++) {
		rc = r->d->exec(r->conn, sql.v[i], err);
		if (rc == 0)
			rt_strbuf_addf(done, "%s%s", done->len ? ", " : "", what.v[i]);
	}
	if (rc == 0)
		rc = r->d->session_state(r->conn, &after, err);
	if (rc == 0 && !same(&after, &r->session)) {
		strbuf left = STRBUF_INIT;
		missing_from(&left, &after, &r->session);
		missing_from(&left, &r->session, &after);
		rc = rt_fail(err, RT_EDB, "still different after undoing: %s", left.buf);
		rt_strbuf_release(&left);
	}
	rt_strlist_free(&sql);
	rt_strlist_free(&what);
	rt_strlist_free(&after);
	return rc;
}

/* See runner.h. */
int rt_run_session_check(run *r, const rt_step *s, rt_error *err)
{
	if (!r->conn || !r->d->session_state)
		return 0;
	if (!s) {
		rt_strlist_free(&r->session);
		return r->d->session_state(r->conn, &r->session, err);
	}
	if (s->rev < 0)
		return 0;
	rt_strlist now = { 0 };
	strbuf done = STRBUF_INIT;
	int rc = r->d->session_state(r->conn, &now, err);
	if (rc == 0 && !same(&now, &r->session)) {
		rc = undo(r, &now, &done, err);
		if (rc < 0) {
			char *m = err->message;
			err->message = rt_xasprintf("it left the connection changed for the migrations after it, and retort could not undo that: %s",
						 m ? m : "");
			free(m);
		} else if (done.len) {
			char *text = rt_xasprintf("revision %s changed its connection; undone for the migrations after it: %s",
					       r->g->revs[s->rev]->id, done.buf);
			rt_ctx_emit(r->ctx, RT_EV_NOTICE, NULL, 0, text);
			free(text);
		}
	}
	rt_strbuf_release(&done);
	rt_strlist_free(&now);
	return rc;
}
