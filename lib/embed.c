/*
 * embed.c - contexts over a project compiled into the program
 * (rt_ctx_open_embedded): the migration files come from memory, parsed
 * and validated exactly as rt_graph_load does with files, so a shipped
 * binary needs no migration files beside it.
 */
#include "internal.h"
#include "ctx_internal.h"

#include <stdlib.h>
#include <string.h>

/* The fields of rt_embedded a program compiled against this header filled. */
#define EMBEDDED_V1 (offsetof(rt_embedded, nseeds) + sizeof(size_t))

/* See retort.h. */
rt_ctx *rt_ctx_open_embedded(const rt_config *cfg, const rt_embedded *p, rt_error *err)
{
	if (!p || p->size < EMBEDDED_V1) {
		rt_fail(err, RT_EUSAGE, "not an embedded project (its size field is %zu, not %zu)",
			p ? p->size : 0, sizeof(rt_embedded));
		rt_hint(err, "pass the rt_embedded that `retort embed` generated, and rebuild that file with this version");
		return NULL;
	}
	rt_revision **revs = rt_xcalloc(p->nmigrations ? p->nmigrations : 1, sizeof(*revs));
	size_t n = 0;
	rt_errlist errs = { 0 };
	for (size_t i = 0; i < p->nmigrations; i++) {
		const rt_embedded_file *f = &p->migrations[i];
		char *text = rt_xmalloc(f->len + 1);
		memcpy(text, f->data, f->len);
		text[f->len] = '\0';
		rt_error e = { 0 };
		rt_revision *r = rt_revision_parse(f->path, text, f->len, &e);
		if (r)
			revs[n++] = r;
		else
			rt_errlist_add(&errs, &e);
	}
	if (rt_errlist_finish(&errs, err) < 0) {
		for (size_t i = 0; i < n; i++)
			rt_revision_free(revs[i]);
		free(revs);
		return NULL;
	}
	rt_graph *g = rt_graph_build(revs, n, err);
	if (!g)
		return NULL;
	rt_ctx *ctx = rt_ctx_with_graph(cfg, g, err);
	if (ctx)
		ctx->embedded = p;
	return ctx;
}

/* See ctx_internal.h. */
const rt_embedded_file *rt_embedded_seed(const rt_embedded *p, const char *name)
{
	size_t n = strlen(name);
	for (size_t i = 0; p && i < p->nseeds; i++) {
		const char *path = p->seeds[i].path, *base = strrchr(path, '/');
		base = base ? base + 1 : path;
		if (!strncmp(base, name, n) && !strcmp(base + n, ".sql"))
			return &p->seeds[i];
	}
	return NULL;
}
