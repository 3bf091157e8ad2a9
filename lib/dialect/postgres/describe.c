/*
 * describe.c - a failed libpq result as the text retort's messages
 * carry: the server's message and SQLSTATE, its detail, hint and
 * context, and where in the statement it points.  Used by every
 * PostgreSQL connection (pg.c) and the scratch server's (scratch.c).
 */
#include "internal.h"
#include "dialect/postgres/libpq.h"
#include "dialect/postgres/pg_internal.h"

#include <stdlib.h>

/* See pg_internal.h. */
void rt_pg_describe(PGresult *res, PGconn *pg, strbuf *sb, long *pos)
{
	const char *state = res ? PQresultErrorField(res, PG_DIAG_SQLSTATE) : NULL;
	const char *msg = res ? PQresultErrorField(res, PG_DIAG_MESSAGE_PRIMARY) : NULL;
	const char *detail = res ? PQresultErrorField(res, PG_DIAG_MESSAGE_DETAIL) : NULL;
	const char *hint = res ? PQresultErrorField(res, PG_DIAG_MESSAGE_HINT) : NULL;
	const char *p = res ? PQresultErrorField(res, PG_DIAG_STATEMENT_POSITION) : NULL;
	const char *context = res ? PQresultErrorField(res, PG_DIAG_CONTEXT) : NULL;
	if (msg) {
		rt_strbuf_addf(sb, "%s (SQLSTATE %s)", msg, state ? state : "?");
	} else {
		rt_strbuf_adds(sb, PQerrorMessage(pg));
		rt_strbuf_rtrim(sb);
	}
	if (detail)
		rt_strbuf_addf(sb, "\n  detail: %s", detail);
	if (hint)
		rt_strbuf_addf(sb, "\n  PostgreSQL's hint: %s", hint);
	if (context) /* where in a function or DO block */
		rt_strbuf_addf(sb, "\n  context: %s", context);
	*pos = p ? strtol(p, NULL, 10) : 0;
}
