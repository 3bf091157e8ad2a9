/*
 * dl.c - open a client library at its first use (see dl.h).
 */
#define _GNU_SOURCE /* secure_getenv */
#include "internal.h"
#include "util/dl.h"

#include <dlfcn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* The callers copy dlsym's void * into function pointers (POSIX guarantees this works). */
_Static_assert(sizeof(void *) == sizeof(void (*)(void)),
	       "function pointers must be as wide as void *");

/* See dl.h. */
int rt_dl_open(rt_dl *l, void *api, size_t size)
{
	/* Not in a setuid or otherwise privileged process: code would run from it. */
	const char *path = l->env ? secure_getenv(l->env) : NULL;
	if (!path || !*path)
		path = l->soname;
	l->path = path;
	void *h = dlopen(path, RTLD_LAZY | RTLD_LOCAL);
	if (!h) {
		const char *why = dlerror();
		snprintf(l->error, sizeof(l->error), "%s", why ? why : path);
		return -1;
	}
	char *table = rt_xcalloc(1, size);
	for (size_t i = 0; i < l->n; i++) {
		void *sym = dlsym(h, l->syms[i].name);
		if (!sym) {
			snprintf(l->error, sizeof(l->error), "%s has no %s", path, l->syms[i].name);
			free(table);
			dlclose(h);
			return -1;
		}
		memcpy(table + l->syms[i].offset, &sym, sizeof(sym));
	}
	memcpy(api, table, size);
	free(table);
	l->error[0] = 0;
	return 0;
}

/* See dl.h. */
int rt_dl_check(const rt_dl *l, rt_error *err)
{
	if (!l->error[0])
		return 0;
	rt_fail(err, RT_EDB, "%s, which cannot be loaded: %s", l->needs, l->error);
	const char *env = l->env ? secure_getenv(l->env) : NULL;
	if (env && *env)
		rt_hint(err, "%s=%s is not a usable %s: unset it, or point it at one", l->env, env, l->soname);
	else if (l->env)
		rt_hint(err, "install %s, or point %s at %s", l->install, l->env, l->soname);
	else
		rt_hint(err, "install %s", l->install);
	return -1;
}
