/*
 * libmariadb.c - open libmariadb.so.3 when MySQL is first used (see
 * libmariadb.h).
 */
#define RT_LIBMARIADB_NO_MACROS
#include "internal.h"
#include "dialect/mysql/libmariadb.h"
#include "util/dl.h"

#include <pthread.h>
#include <stddef.h>
#include <stdio.h>

rt_libmariadb_api rt_libmariadb;

static const rt_dl_sym syms[] = {
#define RT_LIBMARIADB_SYM(f) { #f, offsetof(rt_libmariadb_api, f) },
	RT_LIBMARIADB_FUNCS(RT_LIBMARIADB_SYM)
#undef RT_LIBMARIADB_SYM
};

/* The connector's soname since Connector/C 3.0. */
static rt_dl lib = RT_DL("libmariadb.so.3", "RETORT_LIBMARIADB",
			 "MySQL and MariaDB need the MariaDB Connector/C",
			 "the client library (Debian: apt-get install libmariadb3)", syms);

static pthread_once_t load_once = PTHREAD_ONCE_INIT;

/*
 * Then the connector's library initialisation, which mysql_init would
 * otherwise run on first use without a lock.
 */
static void load(void)
{
	if (rt_dl_open(&lib, &rt_libmariadb, sizeof(rt_libmariadb)) == 0 &&
	    rt_libmariadb.mysql_server_init(0, NULL, NULL) != 0)
		snprintf(lib.error, sizeof(lib.error), "%s failed to initialise", lib.path);
}

/* See libmariadb.h. */
int rt_libmariadb_load(rt_error *err)
{
	pthread_once(&load_once, load);
	if (rt_dl_check(&lib, err) < 0)
		return -1;
	rt_libmariadb.mysql_thread_init();
	return 0;
}
