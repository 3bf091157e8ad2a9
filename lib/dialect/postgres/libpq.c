/*
 * libpq.c - open libpq.so.5 when PostgreSQL is first used (see libpq.h).
 */
#define _GNU_SOURCE /* secure_getenv */
#define RT_LIBPQ_NO_MACROS
#include "internal.h"
#include "dialect/postgres/libpq.h"

#include <dlfcn.h>
#include <pthread.h>
#include <stdio.h>
#include <string.h>

/* libpq's soname: stable since PostgreSQL 8.0.  $RETORT_LIBPQ overrides it. */
#define LIBPQ_SONAME "libpq.so.5"

rt_libpq_api rt_libpq;

/* dlsym's void * is copied into function pointers (POSIX guarantees this works). */
_Static_assert(sizeof(void *) == sizeof(void (*)(void)),
	       "function pointers must be as wide as void *");

static pthread_once_t load_once = PTHREAD_ONCE_INIT;
static char load_error[512]; /* empty once loaded */

/*
 * Open the library and resolve every function into a local table first,
 * so rt_libpq is either complete or untouched.  The handle stays open for
 * the life of the process.
 */
static void load(void)
{
	/* Not in a setuid or otherwise privileged process: code would run from it. */
	const char *path = secure_getenv("RETORT_LIBPQ");
	if (!path || !*path)
		path = LIBPQ_SONAME;
	void *h = dlopen(path, RTLD_NOW | RTLD_LOCAL);
	if (!h) {
		const char *why = dlerror();
		snprintf(load_error, sizeof(load_error), "%s", why ? why : path);
		return;
	}
	rt_libpq_api api;
#define RT_LIBPQ_RESOLVE(f)                                                     \
	{                                                                       \
		void *sym = dlsym(h, #f);                                       \
		if (!sym) {                                                     \
			snprintf(load_error, sizeof(load_error),                \
				 "%s has no %s", path, #f);                     \
			dlclose(h);                                             \
			return;                                                 \
		}                                                               \
		memcpy(&api.f, &sym, sizeof(sym));                              \
	}
	RT_LIBPQ_FUNCS(RT_LIBPQ_RESOLVE)
#undef RT_LIBPQ_RESOLVE
	rt_libpq = api;
}

/* See libpq.h. */
int rt_libpq_load(rt_error *err)
{
	pthread_once(&load_once, load);
	if (!load_error[0])
		return 0;
	rt_fail(err, RT_EDB, "PostgreSQL needs libpq, which cannot be loaded: %s", load_error);
	const char *env = secure_getenv("RETORT_LIBPQ");
	if (env && *env)
		rt_hint(err, "RETORT_LIBPQ=%s is not a usable libpq.so.5: unset it, or point it at one", env);
	else
		rt_hint(err, "install the PostgreSQL client library (Debian: apt-get install libpq5), or point RETORT_LIBPQ at libpq.so.5");
	return -1;
}
