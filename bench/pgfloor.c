/*
 * pgfloor.c - the floor for `retort current` on PostgreSQL: connect with
 * libpq, run one query, print the rows, exit.  No configuration, no files.
 *
 *   pgfloor CONNINFO [SQL]     default SQL: SELECT version_num FROM retort_version
 *
 * Compiled by bench/run with the system cc and pkg-config libpq.
 */
#include <libpq-fe.h>
#include <stdio.h>

int main(int argc, char **argv)
{
	if (argc < 2) {
		fprintf(stderr, "usage: pgfloor CONNINFO [SQL]\n");
		return 2;
	}
	const char *sql = argc > 2 ? argv[2] : "SELECT version_num FROM retort_version";
	PGconn *c = PQconnectdb(argv[1]);
	if (PQstatus(c) != CONNECTION_OK) {
		fprintf(stderr, "pgfloor: %s", PQerrorMessage(c));
		PQfinish(c);
		return 1;
	}
	PGresult *r = PQexec(c, sql);
	if (PQresultStatus(r) != PGRES_TUPLES_OK) {
		fprintf(stderr, "pgfloor: %s", PQerrorMessage(c));
		PQclear(r);
		PQfinish(c);
		return 1;
	}
	for (int i = 0; i < PQntuples(r); i++)
		printf("%s\n", PQgetvalue(r, i, 0));
	PQclear(r);
	PQfinish(c);
	return 0;
}
