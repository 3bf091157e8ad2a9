/*
 * introspect_query.c - what every PostgreSQL introspection file shares:
 * running a catalog query into row callbacks, and the small helpers that
 * keep its results (oid maps, SEP-joined lists).  introspect.c and the
 * per-kind files (introspect_kinds.c, introspect_acl.c) build on it.
 */
#include "internal.h"
#include "dialect/dialect.h"
#include "dialect/postgres/pg_internal.h"
#include "schema/model.h"
#include "dialect/postgres/pgintrospect.h"

#include <string.h>

/* Remember oid -> idx in m; the key is kept alive by p->keys. */
void rt_pgi_map_put(pgi *p, strmap *m, const char *oid, int idx)
{
	rt_strlist_push(&p->keys, oid);
	rt_strmap_put(m, p->keys.v[p->keys.n - 1], idx);
}

/* Split a SEP-joined value into a string vector (NULL: empty). */
void rt_pgi_split_list(const char *v, char ***out, size_t *n)
{
	if (!v)
		return;
	for (;;) {
		const char *e = strchr(v, SEP);
		char *item = rt_xstrndup(v, e ? (size_t)(e - v) : strlen(v));
		rt_sm_strv_push(out, n, item);
		free(item);
		if (!e)
			break;
		v = e + 1;
	}
}

/* Run q (followed by the relation filter and tail, when given). */
int rt_pgi_run(pgi *p, const char *q, int filtered, const char *tail,
	       rt_row_fn fn, rt_error *err)
{
	strbuf sb = STRBUF_INIT;
	rt_strbuf_adds(&sb, q);
	if (filtered)
		rt_strbuf_adds(&sb, p->rel_filter);
	if (tail)
		rt_strbuf_adds(&sb, tail);
	int rc = rt_dialect_postgres.query(p->c, sb.buf, fn, p, err);
	rt_strbuf_release(&sb);
	return rc;
}
