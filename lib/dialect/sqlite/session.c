/*
 * session.c - the SQLite connection state one migration can leave to the
 * next: connection-level PRAGMAs (foreign_keys above all: the documented
 * "PRAGMA foreign_keys = ON" at the end of a transaction:false section
 * would make a later table rebuild cascade-delete child rows), temporary
 * tables, views and triggers, and attached databases.  None of it
 * survives a reconnect, so undoing it between two migrations of one run
 * gives what two separate runs give.
 *
 * Not tracked: journal_mode (a property of the database file once WAL,
 * which a migration may set on purpose) and case_sensitive_like (it
 * cannot be read back).
 */
#include "internal.h"
#include "dialect/dialect.h"
#include "dialect/sqlite/sqlite_internal.h"

#include <string.h>

/* PRAGMAs whose value belongs to the connection and changes what SQL does. */
static const char *const pragmas[] = {
	"foreign_keys", "defer_foreign_keys", "recursive_triggers",
	"legacy_alter_table", "ignore_check_constraints", "query_only",
	"writable_schema", "trusted_schema", "reverse_unordered_selects",
	"busy_timeout", "synchronous", "locking_mode", "temp_store",
	"secure_delete", "cell_size_check", "automatic_index", "cache_size",
	NULL,
};

static int add_line(void *ud, int n, const char *const *v)
{
	if (n > 0 && v[0])
		rt_strlist_push(ud, v[0]);
	return 0;
}

/* One query for the whole state, built once per call (it is short). */
int rt_sqlite_session_state(rt_conn *c, rt_strlist *out, rt_error *err)
{
	strbuf sql = STRBUF_INIT;
	for (int i = 0; pragmas[i]; i++)
		rt_strbuf_addf(&sql, "SELECT 'pragma %s=' || (SELECT * FROM pragma_%s) UNION ALL ",
			       pragmas[i], pragmas[i]);
	rt_strbuf_adds(&sql, "SELECT 'temp ' || type || ' ' || name FROM temp.sqlite_master "
			     "WHERE type IN ('table', 'view', 'trigger') UNION ALL "
			     "SELECT 'attached ' || name FROM pragma_database_list "
			     "WHERE name NOT IN ('main', 'temp')");
	int rc = rt_dialect_sqlite.query(c, sql.buf, add_line, out, err);
	rt_strbuf_release(&sql);
	return rc;
}

/* The value "pragma NAME=" has in l, or NULL. */
static const char *pragma_value(const rt_strlist *l, const char *line)
{
	size_t n = strcspn(line, "=") + 1;
	for (size_t i = 0; i < l->n; i++)
		if (!strncmp(l->v[i], line, n))
			return l->v[i] + n;
	return NULL;
}

/*
 * See dialect.h.  PRAGMAs first (temp_store drops every temporary object
 * when it changes), then temporary triggers, views and tables in that
 * order, then DETACH -- which works only outside a transaction, where a
 * database can have been attached in the first place.
 */
void rt_sqlite_session_undo(const rt_strlist *was, const rt_strlist *now,
			   rt_strlist *sql, rt_strlist *what)
{
	static const char *const temp_kinds[] = { "trigger", "view", "table", NULL };
	for (size_t i = 0; i < now->n; i++) {
		const char *line = now->v[i];
		const char *old = strncmp(line, "pragma ", 7) ? NULL : pragma_value(was, line);
		if (!old || rt_strlist_has(was, line))
			continue;
		size_t n = strcspn(line + 7, "=");
		char *stmt = rt_xasprintf("PRAGMA %.*s = %s", (int)n, line + 7, old);
		char *words = rt_xasprintf("%.*s set back to %s (was %s)", (int)n,
					line + 7, old, line + 7 + n + 1);
		rt_strlist_push(sql, stmt);
		rt_strlist_push(what, words);
		free(stmt);
		free(words);
	}
	for (int k = 0; temp_kinds[k]; k++) {
		size_t klen = strlen(temp_kinds[k]);
		for (size_t i = 0; i < now->n; i++) {
			const char *line = now->v[i];
			if (strncmp(line, "temp ", 5) || strncmp(line + 5, temp_kinds[k], klen) ||
			    line[5 + klen] != ' ' || rt_strlist_has(was, line))
				continue;
			strbuf stmt = STRBUF_INIT;
			rt_strbuf_addf(&stmt, "DROP %s IF EXISTS temp.", temp_kinds[k]);
			rt_sq_ident(&stmt, line + 6 + klen);
			char *words = rt_xasprintf("temporary %s %s dropped", temp_kinds[k], line + 6 + klen);
			rt_strlist_push(sql, stmt.buf);
			rt_strlist_push(what, words);
			free(words);
			rt_strbuf_release(&stmt);
		}
	}
	for (size_t i = 0; i < now->n; i++) {
		const char *line = now->v[i];
		if (strncmp(line, "attached ", 9) || rt_strlist_has(was, line))
			continue;
		strbuf stmt = STRBUF_INIT;
		rt_strbuf_adds(&stmt, "DETACH DATABASE ");
		rt_sq_ident(&stmt, line + 9);
		char *words = rt_xasprintf("database %s detached", line + 9);
		rt_strlist_push(sql, stmt.buf);
		rt_strlist_push(what, words);
		free(words);
		rt_strbuf_release(&stmt);
	}
}

/*
 * PRAGMAs whose value offline is known: retort's (foreign_keys off) or
 * SQLite's fixed default.  The others of `pragmas` depend on how sqlite3
 * was built, so a script cannot put them back.
 */
static const char *const offline_pragmas[] = {
	"foreign_keys", "defer_foreign_keys", "recursive_triggers",
	"legacy_alter_table", "ignore_check_constraints", "query_only",
	"writable_schema", "reverse_unordered_selects", NULL,
};

static void push_once(rt_strlist *l, char *sql)
{
	if (!rt_strlist_has(l, sql))
		rt_strlist_push(l, sql);
	free(sql);
}

/* "DROP KIND IF EXISTS temp.name" or "DETACH DATABASE name" for a name token. */
static char *undo_name(const char *head, const sq_token *t)
{
	strbuf sb = STRBUF_INIT;
	char *name = rt_sq_name(t);
	rt_strbuf_adds(&sb, head);
	rt_sq_ident(&sb, name);
	free(name);
	return rt_strbuf_detach(&sb);
}

/* One statement's tokens: what undoes it, into the list of its kind. */
static void undo_tokens(const sq_tokens *t, rt_strlist *set, rt_strlist *drop,
			rt_strlist *detach)
{
	const sq_token *v = t->v;
	if (t->n >= 4 && rt_sq_is(&v[0], "PRAGMA")) {
		size_t i = t->n > 3 && rt_sq_punct(&v[2], ".") ? 3 : 1;
		for (int k = 0; offline_pragmas[k]; k++)
			if (i + 1 < t->n && rt_sq_names(&v[i], offline_pragmas[k]) &&
			    (rt_sq_punct(&v[i + 1], "=") || rt_sq_punct(&v[i + 1], "(")))
				push_once(set, rt_xasprintf("PRAGMA %s = 0", offline_pragmas[k]));
	} else if (t->n >= 3 && rt_sq_is(&v[0], "ATTACH") && rt_sq_is(&v[t->n - 2], "AS")) {
		push_once(detach, undo_name("DETACH DATABASE ", &v[t->n - 1]));
	} else if (t->n >= 3 && rt_sq_is(&v[0], "CREATE")) {
		size_t i = 1;
		int temp = 0;
		if (rt_sq_is(&v[i], "TEMP") || rt_sq_is(&v[i], "TEMPORARY")) {
			temp = 1;
			i++;
		}
		const char *kind = NULL;
		if (i < t->n && (rt_sq_is(&v[i], "TABLE") || rt_sq_is(&v[i], "VIEW") || rt_sq_is(&v[i], "TRIGGER")))
			kind = rt_sq_is(&v[i], "TABLE") ? "TABLE" : rt_sq_is(&v[i], "VIEW") ? "VIEW" : "TRIGGER";
		if (!kind)
			return;
		i++;
		if (i + 2 < t->n && rt_sq_is(&v[i], "IF") && rt_sq_is(&v[i + 1], "NOT"))
			i += 3;
		if (i + 2 < t->n && rt_sq_names(&v[i], "temp") && rt_sq_punct(&v[i + 1], ".")) {
			temp = 1;
			i += 2;
		}
		if (temp && i < t->n) {
			char *head = rt_xasprintf("DROP %s IF EXISTS temp.", kind);
			push_once(drop, undo_name(head, &v[i]));
			free(head);
		}
	}
}

/*
 * See dialect.h.  Offline there is no state to read: what the statements
 * name is undone -- the PRAGMAs of offline_pragmas, temporary tables,
 * views and triggers, ATTACH -- in the order the online undoing uses.
 */
void rt_sqlite_session_reset_sql(const rt_config *cfg, const rt_stmtlist *stmts,
				 rt_strlist *out)
{
	(void)cfg;
	rt_strlist set = { 0 }, drop = { 0 }, detach = { 0 };
	for (size_t i = 0; i < stmts->n; i++) {
		if (!stmts->v[i].session)
			continue;
		sq_tokens t = { 0 };
		rt_sq_tokenize(stmts->v[i].sql, stmts->v[i].len, &t);
		if (t.n && rt_sq_punct(&t.v[t.n - 1], ";"))
			t.n--;
		undo_tokens(&t, &set, &drop, &detach);
		rt_sq_tokens_free(&t);
	}
	const rt_strlist *lists[] = { &set, &drop, &detach };
	for (int k = 0; k < 3; k++)
		for (size_t i = 0; i < lists[k]->n; i++)
			rt_strlist_push(out, lists[k]->v[i]);
	rt_strlist_free(&set);
	rt_strlist_free(&drop);
	rt_strlist_free(&detach);
}
