/*
 * session.c - the PostgreSQL session state one migration can leave to the
 * next: settings SET for the session (a SET search_path that is not SET
 * LOCAL outlives the migration's COMMIT), SET ROLE and SET SESSION
 * AUTHORIZATION, temporary objects, prepared statements, WITH HOLD
 * cursors and LISTEN channels.  None of it survives a reconnect, so
 * undoing it between two migrations of one run gives what two separate
 * runs give.
 *
 * Not DISCARD ALL: it would also release the session advisory lock retort
 * holds for the whole run.  Settings go back one by one to the values
 * retort configured (pg_settings with source 'session'), so nothing set at
 * connection start (the URL's options, PGOPTIONS) is touched.  Advisory
 * locks a migration takes and keeps are not undone; they go when the run
 * ends.
 */
#include "internal.h"
#include "dialect/dialect.h"
#include "dialect/postgres/pg_internal.h"
#include "sqltext.h"

#include <pg_query.h>
#include <pg_query/pg_query.pb-c.h>
#include <string.h>

static int add_line(void *ud, int n, const char *const *v)
{
	if (n > 0 && v[0])
		rt_strlist_push(ud, v[0]);
	return 0;
}

/* See dialect.h: one query. */
int rt_pg_session_state(rt_conn *c, rt_strlist *out, rt_error *err)
{
	return rt_dialect_postgres.query(c,
		"SELECT 'setting ' || name || '=' || setting FROM pg_catalog.pg_settings WHERE source = 'session' "
		"UNION ALL SELECT 'session_authorization ' || session_user::text "
		"UNION ALL SELECT 'role ' || current_user::text "
		"UNION ALL SELECT 'temp ' || relname::text FROM pg_catalog.pg_class "
		"WHERE relnamespace = pg_catalog.pg_my_temp_schema() AND relkind NOT IN ('i', 'I', 't', 'c') "
		"UNION ALL SELECT 'temp function ' || proname::text FROM pg_catalog.pg_proc "
		"WHERE pronamespace = pg_catalog.pg_my_temp_schema() "
		"UNION ALL SELECT 'prepared ' || name FROM pg_catalog.pg_prepared_statements "
		"UNION ALL SELECT 'cursor ' || name FROM pg_catalog.pg_cursors "
		"UNION ALL SELECT 'listen ' || l FROM pg_catalog.pg_listening_channels() AS l",
		add_line, out, err);
}

/* The line of l starting with prefix (up to and including its '=' or ' '), or NULL. */
static const char *find_prefix(const rt_strlist *l, const char *line, char sep)
{
	const char *end = strchr(line, sep);
	size_t n = end ? (size_t)(end - line) + 1 : strlen(line);
	for (size_t i = 0; i < l->n; i++)
		if (!strncmp(l->v[i], line, n))
			return l->v[i];
	return NULL;
}

/* Does some line of l start with prefix but is not in other? */
static int changed(const rt_strlist *l, const rt_strlist *other, const char *prefix)
{
	for (size_t i = 0; i < l->n; i++)
		if (!strncmp(l->v[i], prefix, strlen(prefix)) && !rt_strlist_has(other, l->v[i]))
			return 1;
	return 0;
}

/* A statement of the undoing and what it undoes, in words. */
static void add(rt_strlist *sql, rt_strlist *what, const char *stmt, const char *words)
{
	rt_strlist_push(sql, stmt);
	rt_strlist_push(what, words);
}

/* A setting's name for RESET: each dotted part quoted as needed. */
static void setting_name(strbuf *sb, const char *name, size_t n)
{
	char *copy = rt_xstrndup(name, n);
	char *save = NULL;
	int first = 1;
	for (char *part = strtok_r(copy, ".", &save); part; part = strtok_r(NULL, ".", &save)) {
		if (!first)
			rt_strbuf_addc(sb, '.');
		rt_pg_ident(sb, part);
		first = 0;
	}
	free(copy);
}

/*
 * Settings: a changed one back to retort's value with set_config, one
 * retort never set with RESET (to its value at connection start), one
 * the migration RESET back to retort's value.
 */
static void undo_settings(const rt_strlist *was, const rt_strlist *now,
			  rt_strlist *sql, rt_strlist *what)
{
	for (int pass = 0; pass < 2; pass++) {
		const rt_strlist *from = pass ? was : now, *other = pass ? now : was;
		for (size_t i = 0; i < from->n; i++) {
			const char *line = from->v[i];
			if (strncmp(line, "setting ", 8) || rt_strlist_has(other, line))
				continue;
			if (pass && find_prefix(now, line, '='))
				continue; /* changed, not removed: done in the first pass */
			const char *name = line + 8;
			size_t n = strcspn(name, "=");
			const char *old = find_prefix(was, line, '=');
			strbuf stmt = STRBUF_INIT;
			char *words;
			if (old) {
				char *key = rt_xstrndup(name, n);
				rt_strbuf_adds(&stmt, "SELECT pg_catalog.set_config(");
				rt_sql_literal(&stmt, key);
				rt_strbuf_adds(&stmt, ", ");
				rt_sql_literal(&stmt, old + 8 + n + 1);
				rt_strbuf_adds(&stmt, ", false)");
				words = rt_xasprintf("%s set back to %s", key, old + 8 + n + 1);
				free(key);
			} else {
				rt_strbuf_adds(&stmt, "RESET ");
				setting_name(&stmt, name, n);
				words = rt_xasprintf("%.*s reset", (int)n, name);
			}
			add(sql, what, stmt.buf, words);
			free(words);
			rt_strbuf_release(&stmt);
		}
	}
}

/*
 * See dialect.h.  The session user first (SET SESSION AUTHORIZATION
 * DEFAULT also ends SET ROLE), then the role, so that the settings are
 * put back with the privileges retort started with; then what DISCARD
 * TEMP, DEALLOCATE ALL, CLOSE ALL and UNLISTEN * clear.
 */
void rt_pg_session_undo(const rt_strlist *was, const rt_strlist *now,
			rt_strlist *sql, rt_strlist *what)
{
	if (changed(now, was, "session_authorization "))
		add(sql, what, "SET SESSION AUTHORIZATION DEFAULT", "session authorization reset");
	if (changed(now, was, "role ")) {
		const char *role = find_prefix(was, "role ", ' ');
		const char *user = find_prefix(was, "session_authorization ", ' ');
		strbuf stmt = STRBUF_INIT;
		if (!role || !user || !strcmp(role + 5, user + 22)) {
			rt_strbuf_adds(&stmt, "RESET ROLE");
		} else {
			rt_strbuf_adds(&stmt, "SET ROLE ");
			rt_pg_ident(&stmt, role + 5);
		}
		add(sql, what, stmt.buf, "role set back");
		rt_strbuf_release(&stmt);
	}
	undo_settings(was, now, sql, what);
	static const struct { const char *prefix, *sql, *what; } clear[] = {
		{ "temp ", "DISCARD TEMP", "temporary objects dropped" },
		{ "prepared ", "DEALLOCATE ALL", "prepared statements deallocated" },
		{ "cursor ", "CLOSE ALL", "cursors closed" },
		{ "listen ", "UNLISTEN *", "LISTEN channels ended" },
	};
	for (size_t i = 0; i < sizeof(clear) / sizeof(*clear); i++)
		if (changed(now, was, clear[i].prefix))
			add(sql, what, clear[i].sql, clear[i].what);
}

/* set_config of a setting retort configures, or NULL when it sets none. */
static char *configured(const rt_config *cfg, const char *name)
{
	rt_strlist setup = { 0 };
	char *found = NULL;
	rt_dialect_postgres.session_sql(cfg, &setup);
	char *needle = rt_xasprintf("set_config('%s',", name);
	for (size_t i = 0; i < setup.n && !found; i++)
		if (strstr(setup.v[i], needle))
			found = rt_xstrdup(setup.v[i]);
	free(needle);
	rt_strlist_free(&setup);
	return found;
}

/* What undoes a SET or RESET (not LOCAL): retort's value, else RESET. */
static void undo_set(const rt_config *cfg, const PgQuery__VariableSetStmt *v,
		     rt_strlist *out)
{
	if (v->is_local || v->kind == PG_QUERY__VARIABLE_SET_KIND__VAR_SET_MULTI)
		return;
	if (v->kind == PG_QUERY__VARIABLE_SET_KIND__VAR_RESET_ALL) {
		rt_strlist setup = { 0 };
		rt_dialect_postgres.session_sql(cfg, &setup);
		for (size_t i = 0; i < setup.n; i++)
			if (!rt_strlist_has(out, setup.v[i]))
				rt_strlist_push(out, setup.v[i]);
		rt_strlist_free(&setup);
		return;
	}
	strbuf sb = STRBUF_INIT;
	char *set = configured(cfg, v->name);
	if (set)
		rt_strbuf_adds(&sb, set);
	else if (!strcmp(v->name, "role"))
		rt_strbuf_adds(&sb, "RESET ROLE");
	else if (!strcmp(v->name, "session_authorization"))
		rt_strbuf_adds(&sb, "RESET SESSION AUTHORIZATION");
	else if (v->kind != PG_QUERY__VARIABLE_SET_KIND__VAR_RESET) {
		rt_strbuf_adds(&sb, "RESET ");
		setting_name(&sb, v->name, strlen(v->name));
	}
	if (sb.len && !rt_strlist_has(out, sb.buf))
		rt_strlist_push(out, sb.buf);
	free(set);
	rt_strbuf_release(&sb);
}

/* "WORD name" with the name quoted as needed. */
static char *word_and_name(const char *word, const char *name)
{
	strbuf sb = STRBUF_INIT;
	rt_strbuf_addf(&sb, "%s ", word);
	rt_pg_ident(&sb, name);
	return rt_strbuf_detach(&sb);
}

/* What undoes one statement's change to the session, when it can be told. */
static void undo_statement(const rt_config *cfg, const PgQuery__Node *n, rt_strlist *out)
{
	char *sql = NULL;
	switch (n->node_case) {
	case PG_QUERY__NODE__NODE_VARIABLE_SET_STMT:
		undo_set(cfg, n->variable_set_stmt, out);
		return;
	case PG_QUERY__NODE__NODE_CREATE_STMT:
	case PG_QUERY__NODE__NODE_VIEW_STMT:
	case PG_QUERY__NODE__NODE_CREATE_SEQ_STMT:
	case PG_QUERY__NODE__NODE_CREATE_FUNCTION_STMT:
		sql = rt_xstrdup("DISCARD TEMP"); /* only temporary ones are marked */
		break;
	case PG_QUERY__NODE__NODE_CREATE_TABLE_AS_STMT: /* also marked: one calling a function */
		if (n->create_table_as_stmt->into && n->create_table_as_stmt->into->rel) {
			const PgQuery__RangeVar *rv = n->create_table_as_stmt->into->rel;
			if (!strcmp(rv->relpersistence, "t") ||
			    (rv->schemaname && !strcmp(rv->schemaname, "pg_temp")))
				sql = rt_xstrdup("DISCARD TEMP");
		}
		break;
	case PG_QUERY__NODE__NODE_PREPARE_STMT:
		sql = word_and_name("DEALLOCATE", n->prepare_stmt->name);
		break;
	case PG_QUERY__NODE__NODE_DECLARE_CURSOR_STMT:
		if (n->declare_cursor_stmt->options & 0x0020) /* CURSOR_OPT_HOLD */
			sql = word_and_name("CLOSE", n->declare_cursor_stmt->portalname);
		break;
	case PG_QUERY__NODE__NODE_LISTEN_STMT:
		sql = word_and_name("UNLISTEN", n->listen_stmt->conditionname);
		break;
	default:
		break;
	}
	if (sql && !rt_strlist_has(out, sql))
		rt_strlist_push(out, sql);
	free(sql);
}

/*
 * See dialect.h.  Offline there is no state to read: what the statements
 * name is undone (SET and RESET of settings, the role, temporary objects,
 * PREPARE, DECLARE ... WITH HOLD, LISTEN).  A function that SETs inside
 * (set_config in a SELECT, an UPDATE, a DO block) cannot be seen here.
 */
typedef struct undo_job {
	const rt_config *cfg;
	rt_strlist *out;
} undo_job;

static void undo_tree(const PgQuery__ParseResult *tree, void *ud)
{
	undo_job *j = ud;
	for (size_t i = 0; tree && i < tree->n_stmts; i++)
		if (tree->stmts[i]->stmt)
			undo_statement(j->cfg, tree->stmts[i]->stmt, j->out);
}

void rt_pg_session_reset_sql(const rt_config *cfg, const rt_stmtlist *stmts,
			     rt_strlist *out)
{
	undo_job j = { cfg, out };
	for (size_t i = 0; i < stmts->n; i++)
		if (stmts->v[i].session)
			rt_pg_with_tree(stmts->v[i].sql, stmts->v[i].len, undo_tree, &j);
}
