/*
 * leftovers.c - what PostgreSQL keeps broken after a statement that ran
 * outside a transaction: the INVALID index a failed or killed
 * CREATE INDEX CONCURRENTLY (or REINDEX CONCURRENTLY) leaves behind.  It
 * is not used by queries and a unique one enforces nothing, yet a rerun's
 * CREATE INDEX ... IF NOT EXISTS takes it for done.  So after a
 * transaction:false section, and in verify, INVALID indexes are found and
 * named with the statement that clears them.
 */
#include "internal.h"
#include "dialect/dialect.h"
#include "dialect/postgres/pg_internal.h"
#include "sqltext.h"

#include <pg_query.h>
#include <pg_query/pg_query.pb-c.h>
#include <string.h>

/* "pg_catalog.to_regclass('name')" for a RangeVar. */
static void regclass(strbuf *sb, const PgQuery__RangeVar *rv)
{
	strbuf name = STRBUF_INIT;
	if (rv->schemaname && *rv->schemaname) {
		rt_pg_ident(&name, rv->schemaname);
		rt_strbuf_addc(&name, '.');
	}
	rt_pg_ident(&name, rv->relname);
	rt_strbuf_adds(sb, "pg_catalog.to_regclass(");
	rt_sql_literal(sb, name.buf);
	rt_strbuf_addc(sb, ')');
	rt_strbuf_release(&name);
}

/*
 * See pg_internal.h.  The indexes one statement builds: CREATE INDEX: the index it names, on its table (every
 * index of the table when it names none, PostgreSQL choosing the name);
 * REINDEX: the indexes of the table it names (REINDEX INDEX: of that
 * index's table), "true" when it covers a schema or the database.  An
 * INVALID index of the same table that the statement did not build (a
 * stray failed build of someone else's) is verify's to report, not a
 * reason to fail a migration whose own index is sound.
 */
static void index_target(const PgQuery__ParseResult *tree, void *ud)
{
	strbuf *cond = ud;
	const PgQuery__Node *n = tree && tree->n_stmts ? tree->stmts[0]->stmt : NULL;
	rt_strbuf_addf(cond, "%s", cond->len ? " OR " : "");
	if (n && n->node_case == PG_QUERY__NODE__NODE_INDEX_STMT && n->index_stmt->relation) {
		rt_strbuf_adds(cond, "(i.indrelid = ");
		regclass(cond, n->index_stmt->relation);
		if (n->index_stmt->idxname && *n->index_stmt->idxname) {
			rt_strbuf_adds(cond, " AND i.indexrelid IN (SELECT x.oid FROM pg_catalog.pg_class x WHERE x.relname = ");
			rt_sql_literal(cond, n->index_stmt->idxname);
			rt_strbuf_addc(cond, ')');
		}
		rt_strbuf_addc(cond, ')');
	} else if (n && n->node_case == PG_QUERY__NODE__NODE_REINDEX_STMT &&
		   n->reindex_stmt->relation &&
		   n->reindex_stmt->kind == PG_QUERY__REINDEX_OBJECT_TYPE__REINDEX_OBJECT_INDEX) {
		rt_strbuf_adds(cond, "i.indrelid = (SELECT x.indrelid FROM pg_catalog.pg_index x WHERE x.indexrelid = ");
		regclass(cond, n->reindex_stmt->relation);
		rt_strbuf_addc(cond, ')');
	} else if (n && n->node_case == PG_QUERY__NODE__NODE_REINDEX_STMT &&
		   n->reindex_stmt->relation) {
		rt_strbuf_adds(cond, "i.indrelid = ");
		regclass(cond, n->reindex_stmt->relation);
	} else {
		rt_strbuf_adds(cond, "true");
	}
}

void rt_pg_index_target(const rt_stmt *s, strbuf *cond)
{
	rt_pg_with_tree(s->sql, s->len, index_target, cond);
}

static int add_index(void *ud, int n, const char *const *v)
{
	if (n < 1 || !v[0])
		return 0;
	char *line = rt_xasprintf("INVALID index %s, which a concurrent build that failed or was killed leaves "
			       "(no query uses it, and a unique one enforces nothing): drop it with "
			       "DROP INDEX CONCURRENTLY %s; and build it again", v[0], v[0]);
	rt_strlist_push(ud, line);
	free(line);
	return 0;
}

/*
 * See dialect.h.  With stmts, only the indexes of the tables that its
 * concurrent index builds name (a section that builds none leaves none);
 * without, every INVALID index of the database.
 */
int rt_pg_leftovers(rt_conn *c, const rt_stmtlist *stmts, rt_strlist *out,
		    rt_error *err)
{
	strbuf cond = STRBUF_INIT;
	for (size_t i = 0; stmts && i < stmts->n; i++) {
		const char *k = stmts->v[i].nontx_kind;
		if (k && (!strncmp(k, "CREATE INDEX", 12) || !strncmp(k, "REINDEX", 7)))
			rt_pg_index_target(&stmts->v[i], &cond);
	}
	if (stmts && !cond.len)
		return 0;
	strbuf sql = STRBUF_INIT;
	rt_strbuf_addf(&sql, "SELECT i.indexrelid::pg_catalog.regclass::text FROM pg_catalog.pg_index i "
			     "WHERE NOT i.indisvalid AND (%s) ORDER BY 1", cond.len ? cond.buf : "true");
	int rc = rt_dialect_postgres.query(c, sql.buf, add_index, out, err);
	rt_strbuf_release(&sql);
	rt_strbuf_release(&cond);
	return rc;
}
