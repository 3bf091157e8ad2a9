/*
 * dialect.c - choosing a dialect by URL scheme, and the statement list
 * every dialect's splitter fills.
 */
#include "internal.h"
#include "dialect/dialect.h"
#include "sqltext.h"

#include <string.h>

static const rt_dialect *const dialects[] = {
	&rt_dialect_sqlite,
	&rt_dialect_postgres,
	NULL,
};

/* See dialect.h. */
int rt_tables_schema(const rt_dialect *d, rt_conn *c, const rt_config *cfg,
		     const char **schema, rt_error *err)
{
	*schema = cfg->version_table_schema;
	if (!c || !d->tables_schema)
		return 0;
	return d->tables_schema(c, cfg, schema, err);
}

void rt_table_name(const char *schema, const char *table, strbuf *sb)
{
	if (schema) {
		rt_sql_ident(sb, schema);
		rt_strbuf_addc(sb, '.');
	}
	rt_sql_ident(sb, table);
}

/*
 * See dialect.h.  A URL with an '=' before any ':' is a libpq key=value
 * string, hence PostgreSQL; otherwise the text before the first ':' must
 * be a scheme some dialect lists.
 */
const rt_dialect *rt_dialect_for_url(const char *url, rt_error *err)
{
	if (!url || !*url) {
		rt_fail(err, RT_ECONFIG, "no database URL is configured");
		rt_hint(err, "set 'url' in retort.ini (e.g. sqlite:///app.db), or export DATABASE_URL");
		rt_fix_with(err, RT_FIX_SET, "url");
		return NULL;
	}
	const char *colon = strchr(url, ':');
	size_t n = colon ? (size_t)(colon - url) : 0;
	/* "host=... dbname=..." is a libpq connection string */
	if (strchr(url, '=') && (!colon || strchr(url, '=') < colon))
		return &rt_dialect_postgres;
	for (int i = 0; dialects[i]; i++)
		for (int j = 0; dialects[i]->schemes[j]; j++)
			if (strlen(dialects[i]->schemes[j]) == n &&
			    !strncmp(dialects[i]->schemes[j], url, n))
				return dialects[i];
	char *masked = rt_url_mask(url);
	rt_fail(err, RT_ECONFIG, "unsupported database URL '%s'", masked);
	rt_hint(err, "retort supports sqlite:///relative.db, sqlite:////absolute.db, sqlite://:memory:, "
		"postgresql://user@host/dbname and libpq strings such as 'host=/run/postgresql dbname=app' "
		"(SQLAlchemy's postgresql+driver:// forms too)");
	free(masked);
	return NULL;
}

/*
 * See dialect.h.  A PostgreSQL-only setting (the first one found is
 * named) is an error on a dialect without schemas, not silently ignored.
 */
const rt_dialect *rt_dialect_for_config(const rt_config *cfg, rt_error *err)
{
	const rt_dialect *d = rt_dialect_for_url(cfg->url, err);
	if (!d || d->has_schemas)
		return d;
	const char *bad = cfg->version_table_schema ? "version_table_schema"
			: cfg->search_path ? "search_path"
			: cfg->lock_timeout ? "lock_timeout"
			: cfg->statement_timeout ? "statement_timeout" : NULL;
	if (bad) {
		rt_fail(err, RT_ECONFIG, "'%s' is a PostgreSQL setting; the database here is %s",
			bad, d->name);
		rt_hint(err, "remove it, or move it to the [env:NAME] section of the PostgreSQL environment");
		return NULL;
	}
	return d;
}

/*
 * See dialect.h.  The statement's line and column are those of its first
 * token, after blanks and comments, so errors point at the statement
 * rather than at a comment above it.
 */
void rt_stmtlist_push(rt_stmtlist *l, const char *sql, size_t len, int line,
		      int column)
{
	ALLOC_GROW(l->v, l->n + 1, l->alloc);
	rt_stmt *s = &l->v[l->n++];
	memset(s, 0, sizeof(*s));
	s->sql = sql;
	s->len = len;
	s->text_line = line;
	s->text_column = column;
	rt_stmt_position(s, rt_sql_skip_blank(sql, len), &s->line, &s->column);
}

void rt_stmt_position(const rt_stmt *s, size_t off, int *line, int *column)
{
	int l, c;
	if (off > s->len)
		off = s->len;
	rt_sql_position(s->sql, off, s->text_line, &l, &c);
	*line = l;
	*column = l == s->text_line ? s->text_column + c - 1 : c;
}

void rt_stmtlist_free(rt_stmtlist *l)
{
	free(l->v);
	memset(l, 0, sizeof(*l));
}

/* Alembic's alembic_version, exactly, so the table can change hands. */
void rt_version_table_ddl(strbuf *sb, const char *name, const char *pkname)
{
	rt_strbuf_addf(sb, "CREATE TABLE IF NOT EXISTS %s (\n"
			"    version_num VARCHAR(32) NOT NULL,\n"
			"    CONSTRAINT ", name);
	rt_sql_ident(sb, pkname);
	rt_strbuf_adds(sb, " PRIMARY KEY (version_num)\n)");
}
