/*
 * busy.c - waiting for another connection's lock on a SQLite database.
 *
 * retort's own runs exclude each other with the migration lock (sq_lock);
 * what else writes the file -- the application, a sqlite3 shell left in a
 * transaction -- makes SQLite answer SQLITE_BUSY.  Instead of SQLite's
 * silent busy timeout, this handler waits up to lock_wait, and once a wait
 * passes half a second it says so, naming the process that holds the
 * lock when the system tells (Linux: /proc/locks), so a deploy that stands
 * still says why.
 */
#include "internal.h"
#include "dialect/sqlite/sqlite_internal.h"

#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <time.h>
#include <unistd.h>

#define TELL_AFTER 0.5 /* seconds of waiting before the wait is reported */

static double now_s(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/*
 * Does a /proc/locks line lock the file with this device and inode, with
 * a lock of the kind asked for (flock: retort's migration lock, else
 * SQLite's own POSIX locks)?
 */
static int locks_file(const char *line, const struct stat *st, int flock, long *pid)
{
	char kind[16];
	unsigned maj, min;
	unsigned long ino;
	/* "1: POSIX  ADVISORY  WRITE 1234 08:01:123456 0 EOF" (a "->" marks a waiter) */
	const char *p = strchr(line, ':');
	if (!p || strstr(line, "->"))
		return 0;
	if (sscanf(p + 1, " %15s %*s %*s %ld %x:%x:%lu", kind, pid, &maj, &min, &ino) != 5)
		return 0;
	int match = flock ? !strcmp(kind, "FLOCK") : !strcmp(kind, "POSIX") || !strcmp(kind, "OFDLCK");
	return match && maj == major(st->st_dev) && min == minor(st->st_dev) && ino == st->st_ino;
}

/* See sqlite_internal.h. */
void rt_sq_lock_holder(const char *path, int flock, strbuf *out)
{
	static const char *const suffixes[] = { "", "-shm", "-journal", "-wal", NULL };
	FILE *f = fopen("/proc/locks", "re");
	if (!f)
		return;
	long me = (long)getpid(), pid = 0, found = 0;
	char line[256];
	for (int i = 0; suffixes[i] && !found; i++) {
		char *name = rt_xasprintf("%s%s", path, suffixes[i]);
		struct stat st;
		int ok = stat(name, &st) == 0;
		free(name);
		rewind(f);
		while (ok && !found && fgets(line, sizeof(line), f))
			if (locks_file(line, &st, flock, &pid) && pid != me)
				found = pid;
	}
	fclose(f);
	if (!found)
		return;
	char comm[64] = "", file[64];
	snprintf(file, sizeof(file), "/proc/%ld/comm", found);
	FILE *c = fopen(file, "re");
	if (c) {
		if (fgets(comm, sizeof(comm), c))
			comm[strcspn(comm, "\n")] = '\0';
		fclose(c);
	}
	rt_strbuf_addf(out, "process %ld%s%s%s", found, *comm ? " (" : "", comm, *comm ? ")" : "");
}

/*
 * See sqlite_internal.h.  count is 0 at the start of each wait.  Sleeps
 * grow from 1 ms to 50 ms, so a lock held for an instant costs little and
 * one held for long costs no CPU.
 */
int rt_sq_busy_handler(void *arg, int count)
{
	rt_sq_busy *b = arg;
	double now = now_s();
	if (count == 0) {
		b->started = now;
		b->told = 0;
	}
	double waited = now - b->started;
	if (waited >= b->limit)
		return 0; /* give up: SQLITE_BUSY */
	if (!b->told && waited >= TELL_AFTER && b->fn) {
		strbuf who = STRBUF_INIT;
		rt_sq_lock_holder(b->path, 0, &who);
		char *text = rt_xasprintf("waiting up to %g s: %s is locked by another connection%s%s",
					  b->limit, b->path, who.len ? ", " : "", rt_strbuf_str(&who));
		rt_event ev = { .kind = RT_EV_LOCK_WAIT, .text = text };
		b->fn(&ev, b->ud);
		free(text);
		rt_strbuf_release(&who);
		b->told = 1;
	}
	int ms = count < 10 ? 1 : count < 30 ? 10 : 50;
	struct timespec ts = { 0, ms * 1000000L };
	nanosleep(&ts, NULL);
	return 1;
}
