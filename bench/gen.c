/*
 * gen.c - write a retort project with N generated revisions, fast.
 *
 *   gen linear|branchy N DIR
 *
 * Writes DIR/migrations/<rev>_t_<i>.sql for i = 1..N (DIR/retort.ini is
 * written by bench/run).  Revision i creates table t_i and drops it on
 * downgrade, like the shared harness's workload.  Ids are 12 hex digits from
 * a bijective 48-bit mix of i: unique, and file order (sorted by id) is not
 * graph order, as with real ids.
 *
 * linear:  one chain, 1 -> 2 -> ... -> N.
 * branchy: a main chain; every 50 main revisions a 10-revision side branch
 *          forks from the main revision 10 back (so 10 main and 10 side
 *          revisions are parallel) and a merge revision joins the two tips
 *          (the shape of alembic-behaviour.md section 8.1).  Always exactly
 *          one head and one base.
 *
 * Only libc; compiled by bench/run with the system cc.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#define M48 ((1ULL << 48) - 1)

static void rev_id(long i, char out[13])
{
	unsigned long long x = (unsigned long long)i & M48;
	/* each step is a bijection on 48-bit values */
	x = (x * 0x9E3779B97F4BULL) & M48;
	x ^= x >> 23;
	x = (x * 0xC2B2AE3D27D5ULL) & M48;
	x ^= x >> 29;
	x = (x * 0x165667B19E37ULL) & M48;
	x ^= x >> 21;
	snprintf(out, 13, "%012llx", x);
}

static const char *dir;

static void write_rev(long i, const char *parents)
{
	char id[13], path[4096], buf[1024];
	rev_id(i, id);
	snprintf(path, sizeof path, "%s/migrations/%s_t_%ld.sql", dir, id, i);
	int n = snprintf(buf, sizeof buf,
			 "-- Revision ID: %s\n"
			 "-- Revises: %s\n"
			 "-- Create Date: 2026-01-01 00:00:00.000000+00:00\n"
			 "-- Message: t_%ld\n"
			 "-- Branch Labels:\n"
			 "-- Depends On:\n"
			 "\n"
			 "-- migrate:upgrade\n"
			 "CREATE TABLE t_%ld (id integer PRIMARY KEY, name text, created_at timestamp);\n"
			 "\n"
			 "-- migrate:downgrade\n"
			 "DROP TABLE t_%ld;\n",
			 id, parents, i, i, i);
	int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0644);
	if (fd < 0 || write(fd, buf, (size_t)n) != n || close(fd) != 0) {
		fprintf(stderr, "gen: %s: %s\n", path, strerror(errno));
		exit(1);
	}
}

int main(int argc, char **argv)
{
	if (argc != 4 || (strcmp(argv[1], "linear") && strcmp(argv[1], "branchy"))) {
		fprintf(stderr, "usage: gen linear|branchy N DIR\n");
		return 2;
	}
	int branchy = !strcmp(argv[1], "branchy");
	long n = atol(argv[2]);
	dir = argv[3];
	if (n < 1) {
		fprintf(stderr, "gen: N must be >= 1\n");
		return 2;
	}
	char path[4096];
	snprintf(path, sizeof path, "%s/migrations", dir);
	if (mkdir(dir, 0755) && errno != EEXIST) {
		perror(dir);
		return 1;
	}
	if (mkdir(path, 0755) && errno != EEXIST) {
		perror(path);
		return 1;
	}

	long *main_seq = malloc(sizeof(long) * (size_t)(n + 1));
	long nmain = 0, since = 0, i = 0;
	char a[13], b[13], parents[32];
	if (!main_seq)
		return 1;
	while (i < n) {
		if (branchy && since == 50 && n - i >= 11) {
			/* side branch of 10 from the main revision 10 back */
			long fork = main_seq[nmain - 11];
			long prev = fork;
			for (int k = 0; k < 10; k++) {
				rev_id(prev, a);
				write_rev(++i, a);
				prev = i;
			}
			rev_id(main_seq[nmain - 1], a);
			rev_id(prev, b);
			snprintf(parents, sizeof parents, "%s, %s", a, b);
			write_rev(++i, parents);
			main_seq[nmain++] = i;
			since = 0;
			continue;
		}
		if (nmain) {
			rev_id(main_seq[nmain - 1], a);
			write_rev(++i, a);
		} else {
			write_rev(++i, "");
		}
		main_seq[nmain++] = i;
		since++;
	}
	free(main_seq);
	return 0;
}
