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
