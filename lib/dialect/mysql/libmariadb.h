/*
 * libmariadb.h - the MariaDB Connector/C, loaded at run time by the MySQL
 * dialect.
 *
 * As with libpq (postgres/libpq.h), a command on SQLite or PostgreSQL
 * should neither pay for mapping the client library nor need it
 * installed, so retort opens libmariadb.so.3 with dlopen the first time a
 * MySQL or MariaDB connection is made ($RETORT_LIBMARIADB names another
 * file).  The connector speaks to MySQL 8 and MariaDB alike.
 *
 * Files that use the connector include this header instead of
 * <mysql.h>: the mysql_... names they call then go through
 * rt_libmariadb, which rt_libmariadb_load() fills.  Every entry point
 * that reaches the connector (connect, scratch databases) calls
 * rt_libmariadb_load() first.
 */
#ifndef RT_LIBMARIADB_H
#define RT_LIBMARIADB_H

#include "retort.h"

#include <mysql.h>

/* Every connector function retort calls. */
#define RT_LIBMARIADB_FUNCS(X)                                               \
	X(mysql_server_init) X(mysql_init) X(mysql_options)                  \
	X(mysql_real_connect) X(mysql_close) X(mysql_real_query)             \
	X(mysql_store_result) X(mysql_free_result) X(mysql_num_fields)       \
	X(mysql_fetch_row) X(mysql_next_result) X(mysql_field_count)         \
	X(mysql_errno) X(mysql_error) X(mysql_sqlstate)                      \
	X(mysql_affected_rows) X(mysql_get_server_info)                      \
	X(mysql_get_server_version) X(mysql_thread_init)

/* One pointer per function, each of the function's own type. */
typedef struct rt_libmariadb_api {
#define RT_LIBMARIADB_MEMBER(f) __typeof__(f) *f;
	RT_LIBMARIADB_FUNCS(RT_LIBMARIADB_MEMBER)
#undef RT_LIBMARIADB_MEMBER
} rt_libmariadb_api;

extern rt_libmariadb_api rt_libmariadb;

/*
 * Load libmariadb.so.3 and resolve every function above, once per
 * process (thread-safe; the connector's own library initialisation runs
 * here too).  0, or -1 with err saying what is missing and how to install
 * it; later calls give the same answer.
 */
int rt_libmariadb_load(rt_error *err);

#ifndef RT_LIBMARIADB_NO_MACROS
#define mysql_init (*rt_libmariadb.mysql_init)
#define mysql_options (*rt_libmariadb.mysql_options)
#define mysql_real_connect (*rt_libmariadb.mysql_real_connect)
#define mysql_close (*rt_libmariadb.mysql_close)
#define mysql_real_query (*rt_libmariadb.mysql_real_query)
#define mysql_store_result (*rt_libmariadb.mysql_store_result)
#define mysql_free_result (*rt_libmariadb.mysql_free_result)
#define mysql_num_fields (*rt_libmariadb.mysql_num_fields)
#define mysql_fetch_row (*rt_libmariadb.mysql_fetch_row)
#define mysql_next_result (*rt_libmariadb.mysql_next_result)
#define mysql_field_count (*rt_libmariadb.mysql_field_count)
#define mysql_errno (*rt_libmariadb.mysql_errno)
#define mysql_error (*rt_libmariadb.mysql_error)
#define mysql_sqlstate (*rt_libmariadb.mysql_sqlstate)
#define mysql_affected_rows (*rt_libmariadb.mysql_affected_rows)
#define mysql_get_server_info (*rt_libmariadb.mysql_get_server_info)
#define mysql_get_server_version (*rt_libmariadb.mysql_get_server_version)
#define mysql_thread_init (*rt_libmariadb.mysql_thread_init)
#endif

#endif
