/*
 * dl.h - a client library opened with dlopen the first time it is needed
 * (libpq for PostgreSQL, the MariaDB Connector/C for MySQL), so that a
 * process that never uses that database neither maps it nor needs it
 * installed (libcrypto too: a run with nothing to do computes no
 * checksum).  The caller keeps one rt_dl per library, naming each
 * function and where its pointer goes in the caller's table of typed
 * function pointers, and opens it once per process (pthread_once).
 */
#ifndef RT_DL_H
#define RT_DL_H

#include "retort.h"

#include <stddef.h>

/* A function to resolve: its name, and the offset of its pointer in the table. */
typedef struct rt_dl_sym {
	const char *name;
	size_t offset;
} rt_dl_sym;

typedef struct rt_dl {
	const char *soname;       /* "libpq.so.5" */
	const char *env;          /* "RETORT_LIBPQ": names another file to open (NULL: none) */
	const char *needs;        /* "PostgreSQL needs libpq", for the message */
	const char *install;      /* how to install it, for the hint */
	const rt_dl_sym *syms;    /* the functions to resolve */
	size_t n;
	const char *path;         /* what was opened (set by rt_dl_open) */
	char error[512];          /* why it is unusable; empty when it loaded */
} rt_dl;

/* An rt_dl for the table syms (an array), the rest as the fields above. */
#define RT_DL(soname_, env_, needs_, install_, syms_)                        \
	{ .soname = (soname_), .env = (env_), .needs = (needs_),             \
	  .install = (install_), .syms = (syms_),                            \
	  .n = sizeof(syms_) / sizeof(*(syms_)) }

/*
 * Open l->env's file (when set, not in a privileged process) or else
 * l->soname, and resolve l->syms into the table at api (size bytes).  All
 * or nothing: api is written only when every function resolved; on
 * failure l->error says why and the library is closed.  The handle stays
 * open for the life of the process.
 */
int rt_dl_open(rt_dl *l, void *api, size_t size);
/*
 * 0 when l loaded; else -1 with err saying what cannot be loaded and why,
 * and a hint: fix the variable, or install the library.
 */
int rt_dl_check(const rt_dl *l, rt_error *err);

#endif
