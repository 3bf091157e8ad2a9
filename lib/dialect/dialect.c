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
	NULL,
};

const rt_dialect *rt_dialect_for_url(const char *url, rt_error *err)
{
	if (!url || !*url) {
		rt_fail(err, RT_ECONFIG, "no database URL is configured");
		rt_hint(err, "set 'url' in retort.ini, export DATABASE_URL, or pass --url sqlite:///app.db");
		return NULL;
	}
	const char *colon = strchr(url, ':');
	size_t n = colon ? (size_t)(colon - url) : 0;
	for (int i = 0; dialects[i]; i++)
		for (int j = 0; dialects[i]->schemes[j]; j++)
			if (strlen(dialects[i]->schemes[j]) == n &&
			    !strncmp(dialects[i]->schemes[j], url, n))
				return dialects[i];
	char *masked = rt_url_mask(url);
	rt_fail(err, RT_ECONFIG, "unsupported database URL '%s'", masked);
	rt_hint(err, "retort supports sqlite:///relative.db, sqlite:////absolute.db and sqlite://:memory:");
	free(masked);
	return NULL;
}

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
	rt_stmt_position(s, sql_skip_blank(sql, len), &s->line, &s->column);
}

void rt_stmt_position(const rt_stmt *s, size_t off, int *line, int *column)
{
	int l, c;
	if (off > s->len)
		off = s->len;
	sql_position(s->sql, off, s->text_line, &l, &c);
	*line = l;
	*column = l == s->text_line ? s->text_column + c - 1 : c;
}

void rt_stmtlist_free(rt_stmtlist *l)
{
	free(l->v);
	memset(l, 0, sizeof(*l));
}
