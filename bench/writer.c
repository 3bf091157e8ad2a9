/*
 * writer.c - the steady writer of section `online`: a client that keeps
 * writing to the table a migration is changing, and says how long each of
 * its statements took.  What a migration's locks cost an application is
 * the time its statements wait, so that is what this measures.
 *
 *   writer [-r RATE] [-n ROWS] [-c CUSTOMERS] [-s FILE] CONNINFO
 *
 * In a loop, alternately (the shape of section online's `orders` table):
 *   INSERT INTO orders (customer_id, amount_cents, status) VALUES ($1, $2, 'new')
 *   UPDATE orders SET amount_cents = amount_cents + 1, status = 'paid' WHERE id = $1
 * with a random customer in 1..CUSTOMERS and a random order in 1..ROWS, each
 * statement on its own (autocommit), RATE statements a second (default 200;
 * 0 = as fast as it can), paced against the clock: a statement that waited
 * is not made up for by a burst afterwards.  Every statement's latency (from
 * sending it to having its result) is kept; -s FILE also writes them, one
 * "START LATENCY FAILED" line per statement in order (START: when it was
 * sent, seconds since the epoch, so that a caller can pick the statements
 * in flight during a window of its own clock; FAILED: 0 or 1).
 *
 * Prints "ready" on stdout once its first statement has completed; on
 * SIGTERM or SIGINT it finishes the statement in flight, then prints one line
 *   count=N errors=E p50=S p99=S worst=S elapsed=S
 * (seconds; percentiles by nearest rank over all statements, failed ones
 * included) and exits 0.  A failing statement is counted, its message goes to
 * stderr (the first 5), and the loop goes on.  Exit 1 when it cannot connect.
 *
 * Compiled by bench/run with the system cc and pkg-config libpq.
 */
#define _POSIX_C_SOURCE 200809L
#include <libpq-fe.h>
#include <math.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

static volatile sig_atomic_t stop;

static void on_signal(int sig)
{
	(void)sig;
	stop = 1;
}

static double clock_s(clockid_t id)
{
	struct timespec ts;
	clock_gettime(id, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static double now(void)
{
	return clock_s(CLOCK_MONOTONIC);
}

/* Sleep until the monotonic time t (or a signal). */
static void sleep_until(double t)
{
	double d = t - now();
	if (d <= 0)
		return;
	struct timespec ts = { (time_t)d, (long)((d - floor(d)) * 1e9) };
	nanosleep(&ts, NULL);
}

static int cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;
	return (x > y) - (x < y);
}

/* The nearest-rank q-quantile of n sorted values. */
static double quantile(const double *v, size_t n, double q)
{
	if (n == 0)
		return 0;
	size_t k = (size_t)ceil(q * (double)n);
	return v[k == 0 ? 0 : k - 1];
}

static void usage(void)
{
	fprintf(stderr, "usage: writer [-r RATE] [-n ROWS] [-c CUSTOMERS] [-s FILE] CONNINFO\n");
	exit(2);
}

int main(int argc, char **argv)
{
	double rate = 200;
	long rows = 1000, customers = 1000;
	const char *samples_path = NULL;
	int opt;
	while ((opt = getopt(argc, argv, "r:n:c:s:")) != -1) {
		switch (opt) {
		case 'r': rate = atof(optarg); break;
		case 'n': rows = atol(optarg); break;
		case 'c': customers = atol(optarg); break;
		case 's': samples_path = optarg; break;
		default: usage();
		}
	}
	if (optind != argc - 1 || rows < 1 || customers < 1 || rate < 0)
		usage();

	struct sigaction sa;
	memset(&sa, 0, sizeof sa);
	sa.sa_handler = on_signal; /* no SA_RESTART: a signal ends a sleep */
	sigemptyset(&sa.sa_mask);
	sigaction(SIGTERM, &sa, NULL);
	sigaction(SIGINT, &sa, NULL);

	PGconn *c = PQconnectdb(argv[optind]);
	if (PQstatus(c) != CONNECTION_OK) {
		fprintf(stderr, "writer: %s", PQerrorMessage(c));
		PQfinish(c);
		return 1;
	}
	FILE *sf = NULL;
	if (samples_path && !(sf = fopen(samples_path, "w"))) {
		perror(samples_path);
		PQfinish(c);
		return 1;
	}

	static const char *ins =
		"INSERT INTO orders (customer_id, amount_cents, status) VALUES ($1, $2, 'new')";
	static const char *upd =
		"UPDATE orders SET amount_cents = amount_cents + 1, status = 'paid' WHERE id = $1";
	size_t n = 0, cap = 4096;
	double *lat = malloc(cap * sizeof *lat);
	long errors = 0;
	unsigned seed = (unsigned)getpid();
	double t0 = now(), next = t0, interval = rate > 0 ? 1.0 / rate : 0;
	double epoch0 = clock_s(CLOCK_REALTIME) - (now() - t0);

	while (!stop) {
		char a[24], b[24];
		const char *params[2] = { a, b };
		int is_insert = (n % 2) == 0;
		if (is_insert) {
			snprintf(a, sizeof a, "%ld", 1 + (long)(rand_r(&seed) % customers));
			snprintf(b, sizeof b, "%d", rand_r(&seed) % 100000);
		} else {
			snprintf(a, sizeof a, "%ld", 1 + (long)(rand_r(&seed) % rows));
		}
		double s = now();
		PGresult *r = PQexecParams(c, is_insert ? ins : upd, is_insert ? 2 : 1,
					   NULL, params, NULL, NULL, 0);
		double e = now();
		int failed = PQresultStatus(r) != PGRES_COMMAND_OK;
		if (failed) {
			if (errors++ < 5)
				fprintf(stderr, "writer: %s", PQerrorMessage(c));
			if (PQstatus(c) != CONNECTION_OK)
				PQreset(c);
		}
		PQclear(r);
		if (n == cap) {
			cap *= 2;
			double *p = realloc(lat, cap * sizeof *lat);
			if (!p) {
				fprintf(stderr, "writer: out of memory\n");
				return 1;
			}
			lat = p;
		}
		lat[n++] = e - s;
		if (sf)
			fprintf(sf, "%.6f %.6f %d\n", epoch0 + (s - t0), e - s, failed);
		if (n == 1) {
			printf("ready\n");
			fflush(stdout);
		}
		next += interval;
		if (next < e)
			next = e; /* waited: no burst to catch up */
		sleep_until(next);
	}
	double elapsed = now() - t0;
	PQfinish(c);
	if (sf)
		fclose(sf);

	qsort(lat, n, sizeof *lat, cmp_double);
	printf("count=%zu errors=%ld p50=%.6f p99=%.6f worst=%.6f elapsed=%.3f\n", n, errors,
	       quantile(lat, n, 0.50), quantile(lat, n, 0.99), n ? lat[n - 1] : 0.0, elapsed);
	free(lat);
	return 0;
}
