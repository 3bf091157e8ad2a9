/*
 * spelling.c - one default written in different hands reads as one.
 *
 * PostgreSQL stores a column default as an expression tree and gives it
 * back through pg_get_expr, so most spellings meet there (int and
 * integer, varchar and character varying, 'f' and false).  The time and
 * user functions do not: now(), transaction_timestamp() and
 * CURRENT_TIMESTAMP are one function rendered three ways (SQLAlchemy
 * writes func.now(), Rails and hand-written files CURRENT_TIMESTAMP), and
 * a database created before PostgreSQL 10 and upgraded keeps the old
 * renderings of the SQL keywords ('now'::text)::date for CURRENT_DATE,
 * "current_user"() for CURRENT_USER and so on.  They are read as the SQL
 * keyword, so equal defaults compare equal (and a migration sets the
 * keyword form, which means the same).
 */
#include "internal.h"
#include "dialect/postgres/pg_internal.h"

#include <ctype.h>
#include <string.h>

static const struct {
	const char *from, *to;
} spellings[] = {
	{ "now()", "CURRENT_TIMESTAMP" },
	{ "transaction_timestamp()", "CURRENT_TIMESTAMP" },
	{ "('now'::text)::timestamp with time zone", "CURRENT_TIMESTAMP" },
	{ "('now'::text)::date", "CURRENT_DATE" },
	{ "('now'::text)::time with time zone", "CURRENT_TIME" },
	{ "('now'::text)::timestamp without time zone", "LOCALTIMESTAMP" },
	{ "('now'::text)::time without time zone", "LOCALTIME" },
	{ "\"current_user\"()", "CURRENT_USER" },
	{ "\"session_user\"()", "SESSION_USER" },
	{ "\"current_schema\"()", "CURRENT_SCHEMA" },
};

/* Can c be part of a name (so a match after it is the end of another name)? */
static int name_char(char c)
{
	return isalnum((unsigned char)c) || c == '_' || c == '.' || c == '"' || c == '$' ||
	       (unsigned char)c >= 0x80;
}

/* See pg_internal.h. */
size_t rt_pg_quoted_end(const char *s, size_t i)
{
	char q = s[i];
	for (i++; s[i]; i++)
		if (s[i] == q) {
			if (s[i + 1] != q)
				return i + 1;
			i++;
		}
	return i;
}

/* See pg_internal.h. */
char *rt_pg_default_canon(const char *def)
{
	if (!def)
		return NULL;
	const size_t nsp = sizeof(spellings) / sizeof(*spellings);
	strbuf sb = STRBUF_INIT;
	for (size_t i = 0; def[i];) {
		size_t k = nsp, n = 0;
		for (size_t j = 0; k == nsp && j < nsp && (!i || !name_char(def[i - 1])); j++) {
			n = strlen(spellings[j].from);
			if (!strncmp(def + i, spellings[j].from, n))
				k = j;
		}
		if (k < nsp) {
			rt_strbuf_adds(&sb, spellings[k].to);
			i += n;
		} else if (def[i] == '\'' || def[i] == '"') {
			size_t e = rt_pg_quoted_end(def, i);
			rt_strbuf_add(&sb, def + i, e - i);
			i = e;
		} else {
			rt_strbuf_addc(&sb, def[i++]);
		}
	}
	return rt_strbuf_detach(&sb);
}
