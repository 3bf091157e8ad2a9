/*
 * deep.c - parsing statements nested deeper than the stack allows.
 *
 * libpg_query parses with bison, which needs no stack for depth, but
 * writes the tree out (and protobuf-c reads it back, and lint walks it)
 * by recursion: a left-deep chain such as SELECT 1+1+...+1 with 4,500
 * terms takes about 2 KiB of stack a level and overflows 8 MiB.  Each
 * level of nesting needs at least one token that is no name, constant or
 * separator -- an operator, a keyword, a parenthesis -- so counting those
 * bounds the depth.  A section whose bound is small is parsed on the
 * caller's stack, as always; a larger one on a thread whose stack fits
 * the bound; one beyond RT_PG_MAX_DEPTH is refused, naming the statement.
 *
 * The count is cheap first (bytes, no lexing: a quote's contents count
 * too, so it can only overestimate), and only when that is large, exact
 * (libpg_query's scanner, which reads strings, comments and dollar
 * quotes as the server does).
 */
#include "internal.h"
#include "dialect/postgres/pg_internal.h"

#include <ctype.h>
#include <pg_query.h>
#include <pg_query/pg_query.pb-c.h>
#include <pthread.h>
#include <string.h>

#define SHALLOW 200              /* levels any caller's stack holds (about 1 MiB) */
#define STACK_PER_LEVEL (8 << 10) /* bytes; the deepest kinds measured take 2-4 KiB */
#define STACK_BASE (16 << 20)

/*
 * A quick upper bound of the nesting in sql: operator characters, '(' and
 * words, each counted (strings and comments included).
 */
static size_t crude_bound(const char *sql, size_t len)
{
	size_t n = 0;
	for (size_t i = 0; i < len; i++) {
		unsigned char c = (unsigned char)sql[i];
		if (isalpha(c) || c == '_' || c >= 0x80) {
			n++;
			while (i + 1 < len && (isalnum((unsigned char)sql[i + 1]) || sql[i + 1] == '_' ||
					       (unsigned char)sql[i + 1] >= 0x80 || sql[i + 1] == '$'))
				i++;
		} else if (strchr("+-*/<>=~!@#%^&|`?:[(", c)) {
			n++;
		}
	}
	return n;
}

/* Does this token add nothing to nesting (a name, a constant, a separator)? */
static int flat_token(PgQuery__Token t)
{
	switch (t) {
	case PG_QUERY__TOKEN__IDENT: case PG_QUERY__TOKEN__UIDENT:
	case PG_QUERY__TOKEN__FCONST: case PG_QUERY__TOKEN__SCONST:
	case PG_QUERY__TOKEN__USCONST: case PG_QUERY__TOKEN__BCONST:
	case PG_QUERY__TOKEN__XCONST: case PG_QUERY__TOKEN__ICONST:
	case PG_QUERY__TOKEN__PARAM: case PG_QUERY__TOKEN__SQL_COMMENT:
	case PG_QUERY__TOKEN__C_COMMENT: case PG_QUERY__TOKEN__ASCII_44: /* , */
	case PG_QUERY__TOKEN__ASCII_41: /* ) */ case PG_QUERY__TOKEN__ASCII_46: /* . */
		return 1;
	default:
		return 0;
	}
}

/* See pg_internal.h. */
void rt_pg_depth(const char *sql, size_t len, rt_pg_depth_bound *d)
{
	d->bound = crude_bound(sql, len);
	d->at = 0;
	if (d->bound <= SHALLOW)
		return;
	char *text = rt_xstrndup(sql, len);
	PgQueryScanResult res = pg_query_scan(text);
	PgQuery__ScanResult *scan = res.error ? NULL :
		pg_query__scan_result__unpack(NULL, res.pbuf.len, (const uint8_t *)res.pbuf.data);
	if (scan) { /* else keep the crude bound: the parse will report the error */
		size_t count = 0, start = 0;
		int depth = 0;
		d->bound = 0;
		for (size_t i = 0; i < scan->n_tokens; i++) {
			const PgQuery__ScanToken *t = scan->tokens[i];
			if (t->token == PG_QUERY__TOKEN__ASCII_59 && depth <= 0) { /* ; ends a statement */
				count = 0;
				start = i + 1 < scan->n_tokens ? (size_t)scan->tokens[i + 1]->start : len;
				continue;
			}
			depth += t->token == PG_QUERY__TOKEN__ASCII_40;
			depth -= t->token == PG_QUERY__TOKEN__ASCII_41;
			count += !flat_token(t->token);
			if (count > d->bound) {
				d->bound = count;
				d->at = start;
			}
		}
		pg_query__scan_result__free_unpacked(scan, NULL);
	}
	pg_query_free_scan_result(res);
	free(text);
}

typedef struct deep_call {
	void (*fn)(void *);
	void *arg;
} deep_call;

static void *deep_thread(void *p)
{
	deep_call *c = p;
	c->fn(c->arg);
	return NULL;
}

/* See pg_internal.h. */
int rt_pg_on_stack(size_t bound, void (*fn)(void *), void *arg)
{
	if (bound <= SHALLOW) {
		fn(arg);
		return 0;
	}
	if (bound > RT_PG_MAX_DEPTH)
		return -1;
	pthread_attr_t attr;
	pthread_t th;
	deep_call call = { fn, arg };
	if (pthread_attr_init(&attr) != 0)
		return -1;
	int rc = pthread_attr_setstacksize(&attr, STACK_BASE + bound * STACK_PER_LEVEL) == 0 &&
		 pthread_create(&th, &attr, deep_thread, &call) == 0 ? 0 : -1;
	pthread_attr_destroy(&attr);
	if (rc == 0)
		pthread_join(th, NULL);
	return rc;
}
