/*
 * split.c - split PostgreSQL migration SQL with libpg_query, the parser
 * of PostgreSQL itself, so dollar-quoted bodies, DO blocks, E'' strings,
 * nested comments and BEGIN ATOMIC bodies are never cut.  The same parse
 * tree tells which statements cannot run inside a transaction block
 * (CREATE INDEX CONCURRENTLY, VACUUM, ...), before anything runs.
 */
#include "internal.h"
#include "dialect/dialect.h"
#include "dialect/postgres/pg_internal.h"
#include "sqltext.h"

#include <pg_query.h>
#include <pg_query/pg_query.pb-c.h>
#include <ctype.h>
#include <stdint.h>
#include <string.h>

/* The first DefElem named name in a list of nodes, or NULL. */
static const PgQuery__DefElem *find_option(PgQuery__Node **v, size_t n,
					   const char *name)
{
	for (size_t i = 0; i < n; i++)
		if (v[i]->node_case == PG_QUERY__NODE__NODE_DEF_ELEM &&
		    !strcmp(v[i]->def_elem->defname, name))
			return v[i]->def_elem;
	return NULL;
}

/* Is one of an ALTER TABLE's commands DETACH PARTITION ... CONCURRENTLY? */
static int detaches_concurrently(const PgQuery__AlterTableStmt *a)
{
	for (size_t i = 0; i < a->n_cmds; i++) {
		const PgQuery__Node *n = a->cmds[i];
		if (n->node_case != PG_QUERY__NODE__NODE_ALTER_TABLE_CMD)
			continue;
		const PgQuery__AlterTableCmd *cmd = n->alter_table_cmd;
		if (cmd->subtype == PG_QUERY__ALTER_TABLE_TYPE__AT_DetachPartition &&
		    cmd->def && cmd->def->node_case == PG_QUERY__NODE__NODE_PARTITION_CMD &&
		    cmd->def->partition_cmd->concurrent)
			return 1;
	}
	return 0;
}

/* What a statement is, when it cannot run in a transaction block; else NULL. */
static const char *nontx_kind(const PgQuery__Node *n)
{
	switch (n->node_case) {
	case PG_QUERY__NODE__NODE_INDEX_STMT:
		return n->index_stmt->concurrent ? "CREATE INDEX CONCURRENTLY" : NULL;
	case PG_QUERY__NODE__NODE_DROP_STMT:
		return n->drop_stmt->concurrent ? "DROP INDEX CONCURRENTLY" : NULL;
	case PG_QUERY__NODE__NODE_REINDEX_STMT:
		if (n->reindex_stmt->kind == PG_QUERY__REINDEX_OBJECT_TYPE__REINDEX_OBJECT_DATABASE)
			return "REINDEX DATABASE";
		if (n->reindex_stmt->kind == PG_QUERY__REINDEX_OBJECT_TYPE__REINDEX_OBJECT_SYSTEM)
			return "REINDEX SYSTEM";
		return find_option(n->reindex_stmt->params, n->reindex_stmt->n_params,
				   "concurrently") ? "REINDEX CONCURRENTLY" : NULL;
	case PG_QUERY__NODE__NODE_CREATE_SUBSCRIPTION_STMT:
		return "CREATE SUBSCRIPTION";
	case PG_QUERY__NODE__NODE_DROP_SUBSCRIPTION_STMT:
		return "DROP SUBSCRIPTION";
	case PG_QUERY__NODE__NODE_VACUUM_STMT:
		return n->vacuum_stmt->is_vacuumcmd ? "VACUUM" : NULL;
	case PG_QUERY__NODE__NODE_CREATEDB_STMT:
		return "CREATE DATABASE";
	case PG_QUERY__NODE__NODE_DROPDB_STMT:
		return "DROP DATABASE";
	case PG_QUERY__NODE__NODE_CREATE_TABLE_SPACE_STMT:
		return "CREATE TABLESPACE";
	case PG_QUERY__NODE__NODE_DROP_TABLE_SPACE_STMT:
		return "DROP TABLESPACE";
	case PG_QUERY__NODE__NODE_ALTER_SYSTEM_STMT:
		return "ALTER SYSTEM";
	case PG_QUERY__NODE__NODE_ALTER_TABLE_STMT:
		return detaches_concurrently(n->alter_table_stmt)
			       ? "DETACH PARTITION CONCURRENTLY" : NULL;
	default:
		return NULL;
	}
}

static int temp_relation(const PgQuery__RangeVar *rv)
{
	return rv && (!strcmp(rv->relpersistence, "t") ||
		      (rv->schemaname && !strcmp(rv->schemaname, "pg_temp")));
}

/*
 * Does the parse tree under m call a function (a FuncCall node anywhere)?
 * Walked through protobuf-c's descriptors, so every node kind is seen
 * without a case for each; a tree deeper than the walk goes is taken to.
 */
static int calls_function(const ProtobufCMessage *m, int depth)
{
	if (!m)
		return 0;
	if (m->descriptor == &pg_query__func_call__descriptor || depth > 256)
		return 1;
	const ProtobufCMessageDescriptor *d = m->descriptor;
	const char *base = (const char *)m;
	for (unsigned i = 0; i < d->n_fields; i++) {
		const ProtobufCFieldDescriptor *f = &d->fields[i];
		if (f->type != PROTOBUF_C_TYPE_MESSAGE)
			continue;
		if (f->label == PROTOBUF_C_LABEL_REPEATED) {
			size_t n = *(const size_t *)(const void *)(base + f->quantifier_offset);
			ProtobufCMessage *const *v = *(ProtobufCMessage *const *const *)(const void *)(base + f->offset);
			for (size_t k = 0; k < n; k++)
				if (calls_function(v[k], depth + 1))
					return 1;
			continue;
		}
		if ((f->flags & PROTOBUF_C_FIELD_FLAG_ONEOF) &&
		    *(const uint32_t *)(const void *)(base + f->quantifier_offset) != f->id)
			continue;
		if (calls_function(*(ProtobufCMessage *const *)(const void *)(base + f->offset), depth + 1))
			return 1;
	}
	return 0;
}

/* CREATE FUNCTION/PROCEDURE pg_temp.name: a temporary function. */
static int temp_function(const PgQuery__CreateFunctionStmt *f)
{
	const PgQuery__Node *schema = f->n_funcname > 1 ? f->funcname[0] : NULL;
	return schema && schema->node_case == PG_QUERY__NODE__NODE_STRING &&
	       !strcmp(schema->string->sval, "pg_temp");
}

/*
 * May the statement change the session for the statements after it
 * (lib/session.c)?  SET (not SET LOCAL, which ends with its transaction)
 * and RESET (also ROLE and SESSION AUTHORIZATION),
 * DISCARD, temporary tables, views, sequences and functions, PREPARE,
 * DECLARE, LISTEN; and what calls functions, which may SET inside
 * (set_config): SELECT, DO, CALL, EXECUTE, and a data change, ALTER
 * TABLE (a DEFAULT or CHECK it evaluates), CREATE TABLE AS or COPY whose
 * tree calls one.  Not seen: what a trigger function does.
 */
static int changes_session(const PgQuery__Node *n)
{
	switch (n->node_case) {
	case PG_QUERY__NODE__NODE_INSERT_STMT:
	case PG_QUERY__NODE__NODE_UPDATE_STMT:
	case PG_QUERY__NODE__NODE_DELETE_STMT:
	case PG_QUERY__NODE__NODE_MERGE_STMT:
	case PG_QUERY__NODE__NODE_ALTER_TABLE_STMT:
	case PG_QUERY__NODE__NODE_COPY_STMT:
		return calls_function(&n->base, 0);
	case PG_QUERY__NODE__NODE_CREATE_FUNCTION_STMT:
		return temp_function(n->create_function_stmt);
	case PG_QUERY__NODE__NODE_VARIABLE_SET_STMT: /* SET LOCAL ends with its transaction */
		return !n->variable_set_stmt->is_local;
	case PG_QUERY__NODE__NODE_DISCARD_STMT:
	case PG_QUERY__NODE__NODE_PREPARE_STMT:
	case PG_QUERY__NODE__NODE_DECLARE_CURSOR_STMT:
	case PG_QUERY__NODE__NODE_LISTEN_STMT:
	case PG_QUERY__NODE__NODE_SELECT_STMT:
	case PG_QUERY__NODE__NODE_DO_STMT:
	case PG_QUERY__NODE__NODE_CALL_STMT:
	case PG_QUERY__NODE__NODE_EXECUTE_STMT:
		return 1;
	case PG_QUERY__NODE__NODE_CREATE_STMT:
		return temp_relation(n->create_stmt->relation);
	case PG_QUERY__NODE__NODE_VIEW_STMT:
		return temp_relation(n->view_stmt->view);
	case PG_QUERY__NODE__NODE_CREATE_SEQ_STMT:
		return temp_relation(n->create_seq_stmt->sequence);
	case PG_QUERY__NODE__NODE_CREATE_TABLE_AS_STMT:
		return (n->create_table_as_stmt->into &&
			temp_relation(n->create_table_as_stmt->into->rel)) ||
		       calls_function(&n->base, 0);
	default:
		return 0;
	}
}

/* Does line n (0: the first) of text start, after blanks, with a backslash? */
static int psql_command_at(const char *text, size_t len, int n)
{
	size_t i = 0;
	for (; n > 0 && i < len; i++)
		if (text[i] == '\n')
			n--;
	while (i < len && (text[i] == ' ' || text[i] == '\t'))
		i++;
	return i < len && text[i] == '\\';
}

/*
 * pg_dump (15.14, 16.10, 17.6 and later) brackets its output with psql's
 * "\restrict KEY" and "\unrestrict KEY", which stop a hostile server from
 * running meta-commands through a dump restored by psql.  retort runs no
 * meta-command, so they change nothing and their lines read as blank:
 * a structure.sql dumped today loads as it is.  The end of such a line
 * starting at s[i] (after blanks), else 0.
 */
static size_t restrict_line_end(const char *s, size_t len, size_t i)
{
	while (i < len && (s[i] == ' ' || s[i] == '\t'))
		i++;
	size_t n = len - i > 10 && !strncmp(s + i, "\\restrict ", 10) ? 10
		 : len - i > 12 && !strncmp(s + i, "\\unrestrict ", 12) ? 12 : 0;
	if (!n)
		return 0;
	for (i += n; i < len && s[i] != '\n' && s[i] != '\r'; i++)
		if (!isalnum((unsigned char)s[i]) && s[i] != ' ' && s[i] != '\t')
			return 0; /* not a key alone on its line */
	return i;
}

/*
 * Where a statement starting at s[start] (up to end) starts once the
 * restrict lines among the comments before it are left out (with those
 * comments): start itself when there are none.
 */
static size_t restrict_lines_after(const char *s, size_t start, size_t end)
{
	size_t i = start, from = start, e;
	while (i < end) {
		if ((e = restrict_line_end(s, end, i))) {
			i = from = e;
		} else if (s[i] == ' ' || s[i] == '\t' || s[i] == '\n' || s[i] == '\r') {
			i++;
		} else {
			size_t c = rt_sql_skip_comment(s, end, i);
			if (c == i)
				break;
			i = c;
		}
	}
	while (from < end && (s[from] == ' ' || s[from] == '\t' || s[from] == '\n' || s[from] == '\r'))
		from++;
	return from;
}

/* The restrict lines of text made blank, so the parser sees none. */
static void blank_restrict_lines(char *text, size_t len)
{
	for (size_t i = 0; i < len;) {
		size_t e = restrict_line_end(text, len, i);
		if (e)
			memset(text + i, ' ', e - i);
		while (i < len && text[i] != '\n')
			i++;
		i++;
	}
}

/*
 * COPY ... FROM STDIN or TO STDOUT: a data stream to or from psql, which
 * a migration run by retort does not have.
 */
static int copies_client_data(const PgQuery__Node *n)
{
	return n->node_case == PG_QUERY__NODE__NODE_COPY_STMT &&
	       !n->copy_stmt->is_program &&
	       (!n->copy_stmt->filename || !*n->copy_stmt->filename);
}

/* One split: its input, and what it gives (split_parsed fills rc, out, err). */
typedef struct split_job {
	const char *sql;
	size_t len;
	int first_line;
	const char *file;
	rt_stmtlist *out;
	rt_error *err;
	int rc;
} split_job;

/*
 * The split itself (see rt_pg_split), run on a stack deep enough for the
 * parse (deep.c).  A syntax error fails the whole section before anything
 * runs, at the parser's cursor (which counts characters, not bytes).
 * Each statement starts at its first non-blank byte and ends before the
 * ';' that closes it (the last one without ';' runs to the end); one
 * cursor moving forward gives every position, in linear time.
 */
static void split_parsed(void *arg)
{
	split_job *j = arg;
	const char *sql = j->sql, *file = j->file;
	size_t len = j->len;
	int first_line = j->first_line;
	rt_stmtlist *out = j->out;
	rt_error *err = j->err;
	char *text = rt_xstrndup(sql, len);
	blank_restrict_lines(text, len);
	PgQueryProtobufParseResult res = pg_query_parse_protobuf(text);
	int rc = 0;
	if (res.error) {
		int line = first_line, col = 1;
		if (res.error->cursorpos > 0) {
			rt_stmt whole = { .sql = text, .len = len,
					  .text_line = first_line, .text_column = 1 };
			size_t off = 0;
			for (int n = 1; n < res.error->cursorpos && off < len; n++) {
				off++;
				while (off < len && ((unsigned char)text[off] & 0xC0) == 0x80)
					off++;
			}
			rt_stmt_position(&whole, off, &line, &col);
		}
		rc = rt_fail_at(err, RT_ESCRIPT, file, line, "%s (PostgreSQL's parser)",
				res.error->message);
		err->column = col;
		if (psql_command_at(text, len, line - first_line))
			rt_hint(err, "that line is a psql meta-command (\\connect, \\i, \\set, \\gexec ...): retort runs SQL, not psql scripts; write it as SQL or leave it out; nothing was run");
		else
			rt_hint(err, "nothing was run; fix the SQL (retort parses with the grammar of PostgreSQL 15)");
		goto done;
	}
	PgQuery__ParseResult *tree = pg_query__parse_result__unpack(
		NULL, res.parse_tree.len, (const uint8_t *)res.parse_tree.data);
	if (!tree) {
		rc = rt_fail_at(err, RT_ESCRIPT, file, first_line,
				"cannot read libpg_query's parse tree");
		goto done;
	}
	sql_cursor pos;
	rt_sql_cursor_init(&pos, sql, first_line);
	for (size_t i = 0; i < tree->n_stmts; i++) {
		const PgQuery__RawStmt *raw = tree->stmts[i];
		size_t start = (size_t)raw->stmt_location;
		size_t n = raw->stmt_len ? (size_t)raw->stmt_len : len - start;
		while (n && (sql[start] == ' ' || sql[start] == '\n' ||
			     sql[start] == '\t' || sql[start] == '\r')) {
			start++;
			n--;
		}
		size_t after = restrict_lines_after(sql, start, start + n);
		n -= after - start;
		start = after;
		rt_sql_cursor_to(&pos, start);
		if (raw->stmt && copies_client_data(raw->stmt)) {
			rc = rt_fail_at(err, RT_ESCRIPT, file, pos.line,
					"COPY ... %s needs psql's client-side data stream, which a migration run by retort does not have",
					raw->stmt->copy_stmt->is_from ? "FROM STDIN" : "TO STDOUT");
			err->column = pos.col;
			rt_hint(err, "load the rows with INSERT statements, or COPY from a file on the database server; nothing was run");
			break;
		}
		rt_stmtlist_push(out, sql + start, n, pos.line, pos.col);
		const char *kind = raw->stmt ? nontx_kind(raw->stmt) : NULL;
		out->v[out->n - 1].nontx_kind = kind;
		out->v[out->n - 1].nontx = kind != NULL;
		out->v[out->n - 1].session = raw->stmt && changes_session(raw->stmt);
		/* Whatever its WITH clause does, PostgreSQL counts the rows of the main statement. */
		out->v[out->n - 1].rows = raw->stmt &&
			(raw->stmt->node_case == PG_QUERY__NODE__NODE_INSERT_STMT ||
			 raw->stmt->node_case == PG_QUERY__NODE__NODE_UPDATE_STMT ||
			 raw->stmt->node_case == PG_QUERY__NODE__NODE_DELETE_STMT ||
			 raw->stmt->node_case == PG_QUERY__NODE__NODE_MERGE_STMT);
	}
	pg_query__parse_result__free_unpacked(tree, NULL);
done:
	pg_query_free_protobuf_parse_result(res);
	free(text);
	j->rc = rc;
}

/* See pg_internal.h: rt_pg_too_deep. */
int rt_pg_too_deep(const char *sql, const rt_pg_depth_bound *d, int first_line,
		   const char *file, rt_error *err)
{
	int line, col;
	size_t at = d->at + rt_sql_skip_blank(sql + d->at, strlen(sql + d->at));
	rt_sql_position(sql, at, first_line, &line, &col);
	if (d->bound > RT_PG_MAX_DEPTH)
		rt_fail_at(err, RT_ESCRIPT, file, line,
			   "this statement nests too deeply for retort's parser (up to %zu levels; at most %d)",
			   d->bound, RT_PG_MAX_DEPTH);
	else
		rt_fail_at(err, RT_ESCRIPT, file, line,
			   "not enough memory for the stack that parsing this statement needs (up to %zu levels deep)",
			   d->bound);
	err->column = col;
	rt_hint(err, "split it into smaller statements (a long chain of + or || or UNION into several, through a temporary table if need be); nothing was run");
	return -1;
}

typedef struct tree_job {
	const char *sql;
	size_t len;
	void (*fn)(const PgQuery__ParseResult *tree, void *ud);
	void *ud;
	int ran;
} tree_job;

static void tree_parsed(void *p)
{
	tree_job *j = p;
	char *text = rt_xstrndup(j->sql, j->len);
	PgQueryProtobufParseResult res = pg_query_parse_protobuf(text);
	PgQuery__ParseResult *tree = res.error ? NULL :
		pg_query__parse_result__unpack(NULL, res.parse_tree.len,
					       (const uint8_t *)res.parse_tree.data);
	j->fn(tree, j->ud);
	j->ran = 1;
	if (tree)
		pg_query__parse_result__free_unpacked(tree, NULL);
	pg_query_free_protobuf_parse_result(res);
	free(text);
}

/* See pg_internal.h. */
void rt_pg_with_tree(const char *sql, size_t len,
		     void (*fn)(const PgQuery__ParseResult *tree, void *ud), void *ud)
{
	rt_pg_depth_bound d;
	rt_pg_depth(sql, len, &d);
	tree_job j = { sql, len, fn, ud, 0 };
	if (rt_pg_on_stack(d.bound, tree_parsed, &j) < 0 || !j.ran)
		fn(NULL, ud);
}

/*
 * See pg_internal.h.  The parse runs on a stack deep enough for the
 * section's nesting (deep.c); a section too deep for any is refused.
 */
int rt_pg_split(const char *sql, size_t len, int first_line, const char *file,
		rt_stmtlist *out, rt_error *err)
{
	rt_pg_depth_bound d;
	rt_pg_depth(sql, len, &d);
	split_job j = { sql, len, first_line, file, out, err, 0 };
	if (rt_pg_on_stack(d.bound, split_parsed, &j) < 0) {
		char *text = rt_xstrndup(sql, len);
		rt_pg_too_deep(text, &d, first_line, file, err);
		free(text);
		return -1;
	}
	return j.rc;
}
