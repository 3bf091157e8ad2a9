/*
 * libmariadb.c - open libmariadb.so.3 when MySQL is first used (see
 * libmariadb.h).
 */
#define _GNU_SOURCE /* secure_getenv */
#define RT_LIBMARIADB_NO_MACROS
#include "internal.h"
#include "dialect/mysql/libmariadb.h"

#include <dlfcn.h>
#include <pthread.h>
#include <stdio.h>
#include <string.h>

/* The connector's soname since Connector/C 3.0.  $RETORT_LIBMARIADB overrides it. */
#define LIBMARIADB_SONAME "libmariadb.so.3"

rt_libmariadb_api rt_libmariadb;

_Static_assert(sizeof(void *) == sizeof(void (*)(void)),
	       "function pointers must be as wide as void *");

static pthread_once_t load_once = PTHREAD_ONCE_INIT;
static char load_error[512]; /* empty once loaded */

/*
 * Open the library and resolve every function into a local table first,
 * so rt_libmariadb is either complete or untouched; then the connector's
 * library initialisation, which mysql_init would otherwise run on first
 * use without a lock.  The handle stays open for the life of the process.
 */
static void load(void)
{
	const char *path = secure_getenv("RETORT_LIBMARIADB");
	if (!path || !*path)
		path = LIBMARIADB_SONAME;
	void *h = dlopen(path, RTLD_NOW | RTLD_LOCAL);
	if (!h) {
		const char *why = dlerror();
		snprintf(load_error, sizeof(load_error), "%s", why ? why : path);
		return;
	}
	rt_libmariadb_api api;
#define RT_LIBMARIADB_RESOLVE(f)                                                \
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
	RT_LIBMARIADB_FUNCS(RT_LIBMARIADB_RESOLVE)
#undef RT_LIBMARIADB_RESOLVE
	if (api.mysql_server_init(0, NULL, NULL) != 0) {
		snprintf(load_error, sizeof(load_error), "%s failed to initialise", path);
		return;
	}
	rt_libmariadb = api;
}

/* See libmariadb.h. */
int rt_libmariadb_load(rt_error *err)
{
	pthread_once(&load_once, load);
	if (!load_error[0]) {
		rt_libmariadb.mysql_thread_init();
		return 0;
	}
	rt_fail(err, RT_EDB, "MySQL and MariaDB need the MariaDB Connector/C, which cannot be loaded: %s",
		load_error);
	const char *env = secure_getenv("RETORT_LIBMARIADB");
	if (env && *env)
		rt_hint(err, "RETORT_LIBMARIADB=%s is not a usable libmariadb.so.3: unset it, or point it at one", env);
	else
		rt_hint(err, "install the client library (Debian: apt-get install libmariadb3), or point RETORT_LIBMARIADB at libmariadb.so.3");
	return -1;
}
