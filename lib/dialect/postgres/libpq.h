/*
 * libpq.h - libpq, loaded at run time by the PostgreSQL dialect.
 *
 * libpq and what it links (OpenSSL, Kerberos, LDAP, GnuTLS: 21 shared
 * objects in all) cost every process about 2 ms to map and relocate at
 * start-up, which a command on SQLite would pay for nothing.  So retort
 * opens libpq.so.5 with dlopen the first time a PostgreSQL connection is
 * made ($RETORT_LIBPQ names another file), and runs on SQLite where
 * libpq is not installed at all.
 *
 * Files that use libpq include this header instead of <libpq-fe.h>: the
 * PQ... names they call then go through rt_libpq, which rt_libpq_load()
 * fills.  Every entry point that reaches libpq (connect, scratch
 * databases, backup) calls rt_libpq_load() first.
 */
#ifndef RT_LIBPQ_H
#define RT_LIBPQ_H

#include "retort_int.h"

#include <libpq-fe.h>

/* Every libpq function retort calls. */
#define RT_LIBPQ_FUNCS(X)                                                   \
	X(PQclear) X(PQcmdStatus) X(PQcmdTuples) X(PQconnectdbParams)       \
	X(PQconninfo) X(PQconninfoFree)                                     \
	X(PQconninfoParse) X(PQdb) X(PQerrorMessage) X(PQexec) X(PQfinish)  \
	X(PQfreemem) X(PQgetCopyData) X(PQgetResult) X(PQgetisnull)         \
	X(PQgetvalue)                                                       \
	X(PQnfields) X(PQntuples) X(PQputCopyEnd) X(PQresultErrorField)     \
	X(PQresultStatus) X(PQserverVersion) X(PQsetNoticeProcessor)        \
	X(PQstatus) X(PQtransactionStatus)                                  \
	X(PQbackendPID) X(PQconsumeInput) X(PQisBusy) X(PQsendQuery)       \
	X(PQsocket)

/* One pointer per function, each of the function's own type. */
typedef struct rt_libpq_api {
#define RT_LIBPQ_MEMBER(f) __typeof__(f) *f;
	RT_LIBPQ_FUNCS(RT_LIBPQ_MEMBER)
#undef RT_LIBPQ_MEMBER
} rt_libpq_api;

extern rt_libpq_api rt_libpq;

/*
 * Load libpq.so.5 and resolve every function above, once per process
 * (thread-safe).  0, or -1 with err saying what is missing and how to
 * install it; later calls give the same answer.
 */
int rt_libpq_load(rt_error *err);

#ifndef RT_LIBPQ_NO_MACROS
#define PQbackendPID (*rt_libpq.PQbackendPID)
#define PQconsumeInput (*rt_libpq.PQconsumeInput)
#define PQisBusy (*rt_libpq.PQisBusy)
#define PQsendQuery (*rt_libpq.PQsendQuery)
#define PQsocket (*rt_libpq.PQsocket)
#define PQclear (*rt_libpq.PQclear)
#define PQcmdStatus (*rt_libpq.PQcmdStatus)
#define PQcmdTuples (*rt_libpq.PQcmdTuples)
#define PQconnectdbParams (*rt_libpq.PQconnectdbParams)
#define PQconninfo (*rt_libpq.PQconninfo)
#define PQconninfoFree (*rt_libpq.PQconninfoFree)
#define PQconninfoParse (*rt_libpq.PQconninfoParse)
#define PQdb (*rt_libpq.PQdb)
#define PQerrorMessage (*rt_libpq.PQerrorMessage)
#define PQexec (*rt_libpq.PQexec)
#define PQfinish (*rt_libpq.PQfinish)
#define PQfreemem (*rt_libpq.PQfreemem)
#define PQgetCopyData (*rt_libpq.PQgetCopyData)
#define PQgetResult (*rt_libpq.PQgetResult)
#define PQgetisnull (*rt_libpq.PQgetisnull)
#define PQgetvalue (*rt_libpq.PQgetvalue)
#define PQnfields (*rt_libpq.PQnfields)
#define PQntuples (*rt_libpq.PQntuples)
#define PQputCopyEnd (*rt_libpq.PQputCopyEnd)
#define PQresultErrorField (*rt_libpq.PQresultErrorField)
#define PQresultStatus (*rt_libpq.PQresultStatus)
#define PQserverVersion (*rt_libpq.PQserverVersion)
#define PQsetNoticeProcessor (*rt_libpq.PQsetNoticeProcessor)
#define PQstatus (*rt_libpq.PQstatus)
#define PQtransactionStatus (*rt_libpq.PQtransactionStatus)
#endif

#endif
