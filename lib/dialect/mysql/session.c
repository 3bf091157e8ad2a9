/*
 * session.c - the MySQL session state a migration can leave to the next
 * one (see lib/session.c): the session variables migration files set,
 * mysqldump's preamble above all (SET FOREIGN_KEY_CHECKS=0, SET
 * sql_mode=..., SET NAMES, SET time_zone=...).  A file that sets one and
 * does not set it back would change how every later migration of the run
 * behaves -- foreign keys unchecked, another sql_mode -- and a separate
 * run, connecting afresh, would behave differently; so the runner reads
 * these after each migration that has a SET and sets back what changed.
 * User variables (@x) change nothing the server does, and are not read.
 *
 * A temporary table a migration creates and does not drop outlives it
 * too: a later migration of the run would read (or fail to create) it.
 * Neither MySQL 8 nor MariaDB before 11.2 lists a session's temporary
 * tables, so the names the connection's CREATE TEMPORARY TABLE statements
 * gave are asked about one by one (SHOW CREATE TABLE says TEMPORARY).
 */
#include "internal.h"
#include "dialect/dialect.h"
#include "dialect/mysql/mysql_internal.h"

#include <string.h>

/*
 * The variables read (a name the server lacks -- max_statement_time is
 * MariaDB's, max_execution_time MySQL's -- is simply not listed by it).
 */
static const char state_sql[] =
	"SHOW SESSION VARIABLES WHERE Variable_name IN ("
	"'sql_mode', 'foreign_key_checks', 'unique_checks', 'time_zone', "
	"'character_set_client', 'character_set_connection', 'character_set_results', "
	"'collation_connection', 'autocommit', 'sql_safe_updates', 'sql_notes', "
	"'sql_select_limit', 'lock_wait_timeout', 'innodb_lock_wait_timeout', "
	"'innodb_strict_mode', 'max_statement_time', 'max_execution_time', "
	"'transaction_isolation', 'tx_isolation', 'transaction_read_only', 'tx_read_only', "
	"'group_concat_max_len', 'div_precision_increment', 'default_storage_engine', "
	"'check_constraint_checks', 'explicit_defaults_for_timestamp', 'big_tables', "
	"'sql_big_selects', 'sql_auto_is_null', 'sql_quote_show_create', 'old_alter_table', "
	"'alter_algorithm')";

static int add_line(void *ud, int n, const char *const *v)
{
	if (n >= 2 && v[0]) {
		char *line = rt_xasprintf("setting %s=%s", v[0], v[1] ? v[1] : "");
		rt_strlist_push(ud, line);
		free(line);
	}
	return 0;
}

/* A name asked about, and the state it goes into when it is a temporary table. */
typedef struct temp_probe {
	const char *name;
	rt_strlist *out;
} temp_probe;

/* SHOW CREATE TABLE's row: "temporary table NAME" when the table is a temporary one. */
static int temp_line(void *ud, int n, const char *const *v)
{
	temp_probe *p = ud;
	if (n >= 2 && v[1] && !strncmp(v[1], "CREATE TEMPORARY TABLE", 22)) {
		char *line = rt_xasprintf("temporary table %s", p->name);
		if (!rt_strlist_has(p->out, line))
			rt_strlist_push(p->out, line);
		free(line);
	}
	return 0;
}

/* See dialect.h. */
int rt_my_session_state(rt_conn *c, rt_strlist *out, rt_error *err)
{
	if (rt_dialect_mysql.query(c, state_sql, add_line, out, err) < 0)
		return -1;
	const rt_strlist *temps = rt_my_temp_tables(c);
	for (size_t i = 0; i < temps->n; i++) {
		/* a table dropped since is simply not there: the error is the answer */
		char *sql = rt_xasprintf("SHOW CREATE TABLE %s", temps->v[i]);
		temp_probe p = { temps->v[i], out };
		rt_error e = { 0 };
		rt_dialect_mysql.query(c, sql, temp_line, &p, &e);
		rt_error_clear(&e);
		free(sql);
	}
	return 0;
}

/* Is value a number MySQL wants unquoted (an integer variable refuses a string)? */
static int numeric(const char *v)
{
	if (!*v)
		return 0;
	size_t n = strspn(v, "0123456789.");
	return v[n] == '\0' && v[0] != '.';
}

/*
 * See dialect.h: each variable whose value differs is set back to the
 * value it had (character_set_results may be NULL, shown empty).
 */
void rt_my_session_undo(const rt_strlist *was, const rt_strlist *now,
			rt_strlist *sql, rt_strlist *what)
{
	for (size_t i = 0; i < now->n; i++) {
		const char *line = now->v[i];
		if (rt_strlist_has(was, line))
			continue;
		if (!strncmp(line, "temporary table ", 16)) {
			char *stmt = rt_xasprintf("DROP TEMPORARY TABLE IF EXISTS %s", line + 16);
			char *words = rt_xasprintf("temporary table %s dropped", line + 16);
			rt_strlist_push(sql, stmt);
			rt_strlist_push(what, words);
			free(stmt);
			free(words);
			continue;
		}
		const char *eq = strchr(line, '=');
		size_t n = (size_t)(eq - line) + 1; /* "setting name=" */
		const char *old = NULL;
		for (size_t j = 0; j < was->n && !old; j++)
			if (!strncmp(was->v[j], line, n))
				old = was->v[j] + n;
		if (!old)
			continue; /* the check after undoing names it */
		strbuf stmt = STRBUF_INIT;
		rt_strbuf_addf(&stmt, "SET SESSION %.*s = ", (int)(n - 9), line + 8);
		if (numeric(old))
			rt_strbuf_adds(&stmt, old);
		else if (!*old && !strncmp(line + 8, "character_set_", 14))
			rt_strbuf_adds(&stmt, "NULL");
		else
			rt_my_literal(&stmt, old);
		char *words = rt_xasprintf("%.*s set back to '%s'", (int)(n - 9), line + 8, old);
		rt_strlist_push(sql, stmt.buf);
		rt_strlist_push(what, words);
		free(words);
		rt_strbuf_release(&stmt);
	}
}
