/*
 * placeholder.h - ${name} substitution in migration SQL.
 */
#ifndef RT_PLACEHOLDER_H
#define RT_PLACEHOLDER_H

#include "retort_int.h"
#include "sqltext.h"
#include "util/strbuf.h"

/*
 * Copy sql to out, replacing ${name} with the configured value of name as
 * it is (raw SQL text), ${name:literal} with the value as a quoted string
 * literal and ${name:ident} with it as a quoted identifier -- but never
 * inside string literals, quoted identifiers, dollar-quoted bodies or
 * comments, so function bodies are never changed.  sql is read by a
 * dialect's lexical rules (rt_dialect.lex: PostgreSQL's nested block
 * comments, E'' strings and $tag$ bodies; SQLite's flat comments, [...]
 * and `...` names; ...), which also say how a literal and a quoted
 * identifier are written.  An undefined name is an error naming file and line
 * (first_line = line of sql[0]); so is an unknown form (${name:other}).
 */
int rt_placeholders_apply(const rt_config *cfg, const char *sql, size_t len,
			  const rt_lexrules *lx, const char *file,
			  int first_line, strbuf *out, rt_error *err);

/*
 * The lexical regions of SQL text, by the dialect's rules (the same that
 * find placeholders): comments; quoted text -- string literals, quoted
 * identifiers, dollar-quoted bodies -- taken whole; and code in between.
 */
typedef enum rt_sql_kind {
	RT_SQL_CODE,
	RT_SQL_COMMENT,
	RT_SQL_QUOTED,
} rt_sql_kind;
/* The kind and length of the region that starts at sql[i] (i < len). */
size_t rt_sql_region(const char *sql, size_t len, size_t i, const rt_lexrules *lx,
		     rt_sql_kind *kind);

/*
 * The placeholders that substitution leaves alone because they stand in a
 * string literal, quoted identifier, comment or dollar-quoted body, and
 * whose name has a value (so the author most likely meant them to be
 * replaced): one "FILE:LINE: ..." line each is added to out.
 */
void rt_placeholders_warnings(const rt_config *cfg, const char *sql, size_t len,
			      const rt_lexrules *lx, const char *file,
			      int first_line, rt_strlist *out);

/*
 * Copy sql to out with every well-formed ${name} that substitution would
 * replace turned into an identifier of the same length (a string literal
 * for ${name:literal}), defined or not
 * (lint reads migrations without -x values; line and column numbers stay
 * those of the file).  Malformed ones are copied as they are.
 */
void rt_placeholders_mask(const char *sql, size_t len, const rt_lexrules *lx,
			  strbuf *out);

#endif
