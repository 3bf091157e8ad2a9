/*
 * proc.h - running a shell command and collecting what it prints (for
 * schema_command), without changing the host's environment or signals.
 */
#ifndef RT_PROC_H
#define RT_PROC_H

#include "retort.h"
#include "util/strbuf.h"

typedef struct rt_proc_result {
	strbuf out;      /* everything it wrote to stdout */
	strbuf err;      /* its stderr (the last 64 KiB when longer) */
	int exit_status; /* when it exited: its status, else -1 */
	int signal;      /* when a signal ended it: the signal, else 0 */
} rt_proc_result;

/*
 * Run `/bin/sh -c cmd` in directory dir (NULL: the current one) with the
 * host's environment plus env ("NAME=value" strings, NULL-terminated,
 * replacing variables of the same names), stdin from /dev/null.  Fails
 * only when it cannot be started; res then holds nothing to free.
 */
int rt_proc_run(const char *cmd, const char *dir, const char *const *env,
		rt_proc_result *res, rt_error *err);
void rt_proc_result_free(rt_proc_result *res);

/*
 * The environment for a child, built before fork: the host's with env's
 * "NAME=value" strings added or replacing theirs (NULL-terminated; free
 * the array only, its strings are borrowed).
 */
char **rt_proc_envp(const char *const *env);
/* The executable a name runs: itself when it has a '/', else the first on PATH; NULL: none. */
char *rt_proc_find(const char *name);

#endif
