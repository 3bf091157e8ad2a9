/*
 * diff_settings.c - settings of PostgreSQL tables, columns and indexes
 * in a schema diff: per-column statistics targets, compression and
 * options (n_distinct, ...), statistics targets of index columns, and
 * row-level security (ENABLE / FORCE).  A setting is a clause, one a
 * line (model.h); a line that goes is undone by its reset clause.
 */
#include "dialect/postgres/pgdiff.h"

#include <string.h>

/* The keys of an option list "k=v, k2=v2)" as "k, k2" (RESET takes keys). */
void rt_pgd_option_keys(strbuf *keys, const char *p)
{
	while (*p && *p != ')') {
		size_t n = strcspn(p, "=,)");
		rt_strbuf_addf(keys, "%s%.*s", keys->len ? ", " : "", (int)n, p);
		p += n;
		p += strcspn(p, ",)");
		if (*p == ',')
			p += 2;
	}
}

/* Is line an option list ("SET (...)")? */
static int is_options(const char *line, size_t len)
{
	return len > 5 && !strncmp(line, "SET (", 5);
}

/* The part of a line that names what it sets: all but its last word (the value). */
static size_t key_len(const char *line, size_t len)
{
	if (is_options(line, len))
		return 5;
	size_t k = len;
	while (k > 0 && line[k - 1] != ' ')
		k--;
	return k;
}

/* The line of settings with the same key as line, or NULL (its length in *len). */
static const char *find_key(const char *settings, const char *line, size_t klen, size_t *len)
{
	for (const char *p = settings; p && *p;) {
		const char *e = strchr(p, '\n');
		size_t n = e ? (size_t)(e - p) : strlen(p);
		if (n >= klen && !strncmp(p, line, klen)) {
			*len = n;
			return p;
		}
		p = e ? e + 1 : NULL;
	}
	return NULL;
}

/* The clause that undoes a line: "RESET (keys)", "... STATISTICS -1", "... COMPRESSION default". */
static void reset_clause(strbuf *sb, const char *line, size_t len)
{
	if (is_options(line, len)) {
		strbuf keys = STRBUF_INIT;
		char *copy = rt_xstrndup(line + 5, len - 5);
		rt_pgd_option_keys(&keys, copy);
		rt_strbuf_addf(sb, "RESET (%s)", keys.buf);
		rt_strbuf_release(&keys);
		free(copy);
		return;
	}
	size_t k = key_len(line, len);
	rt_strbuf_add(sb, line, k);
	/* the key ends with "STATISTICS " or "COMPRESSION " */
	rt_strbuf_adds(sb, k >= 11 && !strncmp(line + k - 11, "STATISTICS ", 11) ? "-1" : "default");
}

/*
 * The statements (prefix + clause) that turn settings old (NULL: none)
 * into new: resets of the lines that go, then the new lines.
 */
static void settings_diff(dd *d, const char *what, const char *prefix, const char *old, const char *new)
{
	if (eq(old, new) || (!old && !new))
		return;
	sm_op *op = rt_sm_ops_add(d->out, 0, "%s", what);
	strbuf sb = STRBUF_INIT;
	for (const char *p = old; p && *p;) {
		const char *e = strchr(p, '\n');
		size_t n = e ? (size_t)(e - p) : strlen(p), len;
		const char *m = find_key(new, p, key_len(p, n), &len);
		if (!m || (is_options(p, n) && (len != n || strncmp(m, p, n)))) {
			rt_strbuf_reset(&sb);
			reset_clause(&sb, p, n);
			rt_sm_op_sql(op, "%s %s", prefix, sb.buf);
		}
		p = e ? e + 1 : NULL;
	}
	for (const char *p = new; p && *p;) {
		const char *e = strchr(p, '\n');
		size_t n = e ? (size_t)(e - p) : strlen(p), len;
		const char *m = find_key(old, p, key_len(p, n), &len);
		if (!m || len != n || strncmp(m, p, n))
			rt_sm_op_sql(op, "%s %.*s", prefix, (int)n, p);
		p = e ? e + 1 : NULL;
	}
	rt_strbuf_release(&sb);
}

/* Settings of a column of t: old (NULL: a new column) -> new. */
void rt_pgd_column_settings(dd *d, const sm_table *t, const char *col, const char *old,
			    const char *new)
{
	char *what = rt_xasprintf("alter column %s.%s.%s: settings", t->schema, t->name, col);
	char *prefix = rt_xasprintf("ALTER TABLE %s ALTER COLUMN %s", Q(&d->n, t->schema, t->name),
				    I(&d->n, col));
	settings_diff(d, what, prefix, old, new);
	free(what);
	free(prefix);
}

/* Settings of an index: old (NULL: a new index) -> new. */
void rt_pgd_index_settings(dd *d, const char *schema, const char *index, const char *old,
			   const char *new)
{
	char *what = rt_xasprintf("index %s.%s: settings", schema, index);
	char *prefix = rt_xasprintf("ALTER INDEX %s", Q(&d->n, schema, index));
	settings_diff(d, what, prefix, old, new);
	free(what);
	free(prefix);
}

/* Row-level security of a table: old -> new (bit 1 enabled, bit 2 forced). */
void rt_pgd_row_security(dd *d, const sm_table *t, int old, int new)
{
	if ((old & 1) != (new & 1)) {
		sm_op *op = rt_sm_ops_add(d->out, 0, "table %s.%s: row-level security %s", t->schema, t->name,
					  new & 1 ? "enabled" : "disabled");
		rt_sm_op_sql(op, "ALTER TABLE %s %s ROW LEVEL SECURITY", Q(&d->n, t->schema, t->name),
			     new & 1 ? "ENABLE" : "DISABLE");
	}
	if ((old & 2) != (new & 2)) {
		sm_op *op = rt_sm_ops_add(d->out, 0, "table %s.%s: row-level security %s", t->schema, t->name,
					  new & 2 ? "forced on its owner" : "not forced");
		rt_sm_op_sql(op, "ALTER TABLE %s %s ROW LEVEL SECURITY", Q(&d->n, t->schema, t->name),
			     new & 2 ? "FORCE" : "NO FORCE");
	}
}

/* A new table's column settings and row-level security. */
void rt_pgd_new_table_settings(dd *d, const sm_table *t)
{
	for (size_t i = 0; i < t->ncols; i++)
		rt_pgd_column_settings(d, t, t->cols[i].name, NULL, t->cols[i].settings);
	rt_pgd_row_security(d, t, 0, t->row_security);
}
