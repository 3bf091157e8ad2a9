/*
 * placeholder.h - ${name} substitution in migration SQL.
 */
#ifndef RT_PLACEHOLDER_H
#define RT_PLACEHOLDER_H

#include "retort.h"
#include "sqltext.h"
#include "util/strbuf.h"

/*
 * Copy sql to out, replacing ${name} with the configured value of name,
 * but never inside string literals, quoted identifiers, dollar-quoted
 * bodies or comments, so function bodies are never changed.  sql is read
 * by a dialect's lexical rules (rt_dialect.lex: PostgreSQL's nested block
 * comments, E'' strings and $tag$ bodies; SQLite's flat comments, [...]
 * and `...` names; ...).  An undefined name is an error naming file and
 * line (first_line = line of sql[0]).
 */
int rt_placeholders_apply(const rt_config *cfg, const char *sql, size_t len,
			  const rt_lexrules *lx, const char *file,
			  int first_line, strbuf *out, rt_error *err);

/*
 * Copy sql to out with every well-formed ${name} that substitution would
 * replace turned into an identifier of the same length, defined or not
 * (lint reads migrations without -x values; line and column numbers stay
 * those of the file).  Malformed ones are copied as they are.
 */
void rt_placeholders_mask(const char *sql, size_t len, const rt_lexrules *lx,
			  strbuf *out);

#endif
