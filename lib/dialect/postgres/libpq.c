/*
 * libpq.c - open libpq.so.5 when PostgreSQL is first used (see libpq.h).
 */
#define RT_LIBPQ_NO_MACROS
#include "internal.h"
#include "dialect/postgres/libpq.h"
#include "util/dl.h"

#include <pthread.h>
#include <stddef.h>

rt_libpq_api rt_libpq;

static const rt_dl_sym syms[] = {
#define RT_LIBPQ_SYM(f) { #f, offsetof(rt_libpq_api, f) },
	RT_LIBPQ_FUNCS(RT_LIBPQ_SYM)
#undef RT_LIBPQ_SYM
};

/* libpq's soname: stable since PostgreSQL 8.0. */
static rt_dl lib = RT_DL("libpq.so.5", "RETORT_LIBPQ", "PostgreSQL needs libpq",
			 "the PostgreSQL client library (Debian: apt-get install libpq5)", syms);

static pthread_once_t load_once = PTHREAD_ONCE_INIT;

static void load(void)
{
	rt_dl_open(&lib, &rt_libpq, sizeof(rt_libpq));
}

/* See libpq.h. */
int rt_libpq_load(rt_error *err)
{
	pthread_once(&load_once, load);
	return rt_dl_check(&lib, err);
}
