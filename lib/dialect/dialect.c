/*
 * dialect.c - choosing a dialect by URL scheme, and the statement list
 * every dialect's splitter fills.
 */
#include "internal.h"
#include "dialect/dialect.h"
#include "sqltext.h"
#include "util/pidtag.h"

#include <stddef.h>
#include <stdio.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

static const rt_dialect *const dialects[] = {
	&rt_dialect_sqlite,
	&rt_dialect_postgres,
	&rt_dialect_mysql,
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

void rt_table_name(const rt_dialect *d, const char *schema, const char *table,
		   strbuf *sb)
{
	if (schema) {
		d->ident(sb, schema);
		rt_strbuf_addc(sb, '.');
	}
	d->ident(sb, table);
}

/* Every dialect's URL forms, for the hint when none takes a URL. */
static void url_hint(rt_error *err)
{
	strbuf sb = STRBUF_INIT;
	for (int i = 0; dialects[i]; i++)
		rt_strbuf_addf(&sb, "%s%s", i ? ", " : "", dialects[i]->url_examples);
	rt_hint(err, "retort supports %s", sb.buf);
	rt_strbuf_release(&sb);
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
	url_hint(err);
	free(masked);
	return NULL;
}

/* See retort.h: the scheme without its +driver, as the configuration stores it. */
const char *rt_url_dialect(const char *url, rt_error *err)
{
	const char *colon = url ? strchr(url, ':') : NULL;
	const char *plus = colon ? memchr(url, '+', (size_t)(colon - url)) : NULL;
	const char *eq = url ? strchr(url, '=') : NULL;
	char *bare = plus && (!eq || eq > colon)
		? rt_xasprintf("%.*s%s", (int)(plus - url), url, colon) : NULL;
	const rt_dialect *d = rt_dialect_for_url(bare ? bare : url, err);
	free(bare);
	return d ? d->name : NULL;
}

/* The settings only some dialects take, and where a configuration holds them. */
static const struct {
	const char *name;
	size_t off;
} dialect_settings[] = {
	{ "version_table_schema", offsetof(rt_config, version_table_schema) },
	{ "search_path", offsetof(rt_config, search_path) },
	{ "lock_timeout", offsetof(rt_config, lock_timeout) },
	{ "statement_timeout", offsetof(rt_config, statement_timeout) },
};

static int takes_setting(const rt_dialect *d, const char *name)
{
	for (int i = 0; d->settings && d->settings[i]; i++)
		if (!strcmp(d->settings[i], name))
			return 1;
	return 0;
}

/* "PostgreSQL", or "PostgreSQL and MySQL": the dialects that take a setting. */
static void takers(const char *name, strbuf *sb)
{
	for (int i = 0; dialects[i]; i++)
		if (takes_setting(dialects[i], name))
			rt_strbuf_addf(sb, "%s%s", sb->len ? " and " : "", dialects[i]->title);
}

/*
 * See dialect.h.  A setting the dialect does not take (the first one
 * found is named) is an error, not silently ignored.
 */
const rt_dialect *rt_dialect_for_config(const rt_config *cfg, rt_error *err)
{
	const rt_dialect *d = rt_dialect_for_url(cfg->url, err);
	if (!d)
		return NULL;
	for (size_t i = 0; i < sizeof(dialect_settings) / sizeof(*dialect_settings); i++) {
		const char *name = dialect_settings[i].name;
		if (!*(char *const *)((const char *)cfg + dialect_settings[i].off) ||
		    takes_setting(d, name))
			continue;
		strbuf who = STRBUF_INIT;
		takers(name, &who);
		rt_fail(err, RT_ECONFIG, "'%s' is a %s setting; the database here is %s",
			name, who.buf, d->name);
		rt_hint(err, "remove it, or move it to the [env:NAME] section of the %s environment",
			who.buf);
		rt_strbuf_release(&who);
		return NULL;
	}
	return d;
}

/* See dialect.h. */
const rt_dialect *rt_dialect_by_name(const char *name, rt_error *err)
{
	strbuf all = STRBUF_INIT;
	for (int i = 0; dialects[i]; i++) {
		for (int j = 0; dialects[i]->names[j]; j++)
			if (!strcmp(dialects[i]->names[j], name)) {
				rt_strbuf_release(&all);
				return dialects[i];
			}
		rt_strbuf_addf(&all, "%s%s", i ? (dialects[i + 1] ? ", " : " and ") : "",
			       dialects[i]->name);
	}
	rt_fail(err, RT_EUSAGE, "unknown dialect '%s'", name);
	rt_hint(err, "retort knows %s", all.buf);
	rt_strbuf_release(&all);
	return NULL;
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

/* See dialect.h: the process's tag and a counter, so that neither two processes nor two calls collide. */
void rt_scratch_name(char *buf, size_t n)
{
	static unsigned counter; /* atomic: contexts on several threads make scratch databases */
	char *tag = rt_pidtag_new();
	snprintf(buf, n, "retort_scratch_%s_%u", tag,
		 __atomic_add_fetch(&counter, 1, __ATOMIC_RELAXED));
	free(tag);
}

#define SCRATCH_PREFIX "retort_scratch_"
#define FOREIGN_AGE (24 * 3600) /* seconds: another machine's, unused, this old */

/* See dialect.h. */
char *rt_scratch_abandoned(const char *name)
{
	long pid, age;
	if (strncmp(name, SCRATCH_PREFIX, strlen(SCRATCH_PREFIX)))
		return NULL;
	switch (rt_pidtag_check(name + strlen(SCRATCH_PREFIX), &pid, &age)) {
	case RT_PIDTAG_GONE:
		return rt_xasprintf("left by process %ld, which is gone", pid);
	case RT_PIDTAG_FOREIGN:
		if (age > FOREIGN_AGE)
			return rt_xasprintf("made %ld hours ago on another machine, and unused", age / 3600);
		return NULL;
	default:
		return NULL;
	}
}

/* Alembic's alembic_version, exactly, so the table can change hands. */
void rt_version_table_ddl(strbuf *sb, const char *name, const char *pkname)
{
	rt_strbuf_addf(sb, "CREATE TABLE IF NOT EXISTS %s (\n"
			"    version_num VARCHAR(32) NOT NULL,\n"
			"    CONSTRAINT ", name);
	rt_strbuf_addf(sb, "%s PRIMARY KEY (version_num)\n)", pkname);
}
