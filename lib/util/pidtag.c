/*
 * pidtag.c - tags naming a process on a machine (see pidtag.h).
 *
 * A PID alone cannot tell a dead process from a live one: PIDs are reused,
 * and the same number on another machine (a shared development server
 * used by several CI runners) means nothing here.  So the tag also holds
 * the process's start time, which a reused PID does not share, and a
 * hash of what makes PIDs comparable: the host name, the boot (Linux's
 * boot_id) and the PID namespace.
 */
#include "internal.h"
#include "util/pidtag.h"
#include "util/sha256.h"

#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

/* The first line of a small file, or "" (no newline). */
static void read_line(const char *path, char *buf, size_t n)
{
	buf[0] = '\0';
	FILE *f = fopen(path, "re");
	if (!f)
		return;
	if (fgets(buf, (int)n, f))
		buf[strcspn(buf, "\n")] = '\0';
	fclose(f);
}

/* Eight hex digits identifying this machine, boot and PID namespace. */
static void machine_id(char out[9])
{
	char host[256] = "", boot[64], ns[64] = "";
	gethostname(host, sizeof(host) - 1);
	read_line("/proc/sys/kernel/random/boot_id", boot, sizeof(boot));
	ssize_t n = readlink("/proc/self/ns/pid", ns, sizeof(ns) - 1);
	ns[n > 0 ? n : 0] = '\0';
	char *all = rt_xasprintf("%s\n%s\n%s", host, boot, ns);
	unsigned char md[32];
	rt_sha256 h;
	rt_sha256_init(&h);
	rt_sha256_add(&h, all, strlen(all));
	rt_sha256_end(&h, md);
	free(all);
	snprintf(out, 9, "%02x%02x%02x%02x", md[0], md[1], md[2], md[3]);
}

/*
 * The start time of process pid in clock ticks since boot (field 22 of
 * /proc/PID/stat, counted after the ')' that ends the command name), or
 * -1 when there is no such process or no /proc.
 */
static long long start_time(long pid)
{
	char path[64], buf[1024];
	snprintf(path, sizeof(path), "/proc/%ld/stat", pid);
	FILE *f = fopen(path, "re");
	if (!f)
		return -1;
	size_t n = fread(buf, 1, sizeof(buf) - 1, f);
	fclose(f);
	buf[n] = '\0';
	const char *p = strrchr(buf, ')');
	if (!p)
		return -1;
	for (int field = 2; field < 22 && p; field++)
		p = strchr(p + 1, ' ');
	return p ? strtoll(p + 1, NULL, 10) : -1;
}

/* See pidtag.h. */
char *rt_pidtag_new(void)
{
	char id[9];
	machine_id(id);
	long pid = (long)getpid();
	long long start = start_time(pid);
	char when[16], *w = when + sizeof(when);
	unsigned long long t = (unsigned long long)time(NULL);
	*--w = '\0';
	do
		*--w = "0123456789abcdefghijklmnopqrstuvwxyz"[t % 36];
	while (t /= 36);
	return rt_xasprintf("%s_%ld_%lld_%s", id, pid, start < 0 ? 0 : start, w);
}

/* See pidtag.h. */
rt_pidtag_state rt_pidtag_check(const char *tag, long *pid, long *age_s)
{
	char id[9], when[16];
	long long start;
	int used = 0;
	*pid = 0;
	*age_s = 0;
	if (sscanf(tag, "%8[0-9a-f]_%ld_%lld_%15[0-9a-z]%n", id, pid, &start, when, &used) != 4 ||
	    strlen(id) != 8 || (tag[used] && tag[used] != '_' && tag[used] != '.') || *pid <= 0)
		return RT_PIDTAG_INVALID;
	long long made = strtoll(when, NULL, 36);
	*age_s = (long)(time(NULL) - made);
	char here[9];
	machine_id(here);
	if (strcmp(id, here))
		return RT_PIDTAG_FOREIGN;
	long long now = start_time(*pid);
	if (now >= 0)
		return start == 0 || now == start ? RT_PIDTAG_ALIVE : RT_PIDTAG_GONE;
	/*
	 * No /proc entry: no such process -- or no /proc, or one that hides
	 * other users' processes (hidepid): then a live PID counts as alive.
	 */
	return kill((pid_t)*pid, 0) == 0 || errno == EPERM ? RT_PIDTAG_ALIVE : RT_PIDTAG_GONE;
}
