/*
 * checksum.c - the checksum of a revision: what tells `verify` that an
 * applied migration's file was edited afterwards.
 *
 * A checksum is "algorithm:hex", recorded in the history table whenever a
 * revision is applied or stamped.  Two algorithms exist:
 *
 *   sha256      SHA-256 of the upgrade section, line endings normalised,
 *               lines that start with "-- retort:lint-ignore" left out.
 *               Recorded up to retort 0.1; still computed to check rows
 *               recorded by it (rt_revision_checksum, in ctx.c).
 *   sha256-sql  SHA-256 of the upgrade section with what cannot change
 *               what the SQL does taken out: every comment (found by the
 *               dialect's lexer, so "--" inside a string literal is data),
 *               and white space outside string literals, quoted names and
 *               dollar-quoted bodies: each run of it, comments included,
 *               becomes one space where it separates two words or two
 *               operator characters (which it keeps apart: "- -1" is not
 *               "--1") or a digit and a '.', one line break where it
 *               separates two quoted strings and held one (PostgreSQL joins
 *               'a' and 'b' on two lines into 'ab'), and nothing elsewhere
 *               ("( id" is "(id"), with line endings normalised inside
 *               quoted text too.  A license header, a
 *               reworded comment, a lint-ignore tag or re-indented SQL keep
 *               the sum; any change to code or quoted text changes it.
 *
 * A revision of several steps (repeated "-- migrate:upgrade" markers)
 * hashes each upgrade section after its marker's options in a fixed
 * spelling; one section is hashed alone, so files of one section keep the
 * sums they always had.
 *
 * New rows get sha256-sql; `verify` computes each file's sum by the
 * algorithm its recorded row names, so databases migrated before keep
 * verifying.
 */
#include "internal.h"
#include "checksum.h"
#include "placeholder.h"
#include "util/sha256.h"

#include <ctype.h>
#include <string.h>

/* The SHA-256 of text as "name:hex". */
static char *hash_as(const char *name, const char *text, size_t len)
{
	rt_sha256 h;
	rt_sha256_init(&h);
	rt_sha256_add(&h, text, len);
	strbuf sb = STRBUF_INIT;
	rt_sha256_end_hex(&h, name, &sb);
	return rt_strbuf_detach(&sb);
}

/* Append quoted text with CRLF and lone CR as LF. */
static void add_quoted(strbuf *out, const char *s, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		if (s[i] == '\r') {
			rt_strbuf_addc(out, '\n');
			if (i + 1 < n && s[i + 1] == '\n')
				i++;
		} else {
			rt_strbuf_addc(out, s[i]);
		}
	}
}

static int blank(char c)
{
	return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == '\v';
}

/* 'w' for a character of a word or quote, 'o' for an operator's, 0 else. */
static char char_class(char c)
{
	if (isalnum((unsigned char)c) || c == '_' || c == '$' || (unsigned char)c >= 0x80 ||
	    strchr("'\"`[]", c))
		return 'w';
	return strchr("+-*/<>=~!@#%^&|?:.", c) ? 'o' : 0;
}

#define GAP 1         /* white space or comments since the last byte written */
#define GAP_NEWLINE 2 /* ... holding a line break */

/*
 * Write c, after a gap (white space or comments) when there was one: as one
 * space only where it keeps two words, or two operators, apart, or a digit
 * from a '.' ("1 .5" is not "1.5"); as a line break between two quoted
 * strings when it held one ('a' and 'b' on two lines are one string 'ab'
 * on PostgreSQL, and an error on one line).
 */
static void put(strbuf *out, char c, int *gap)
{
	if (*gap && out->len) {
		char prev = out->buf[out->len - 1], k = char_class(prev);
		if (prev == '\'' && c == '\'' && (*gap & GAP_NEWLINE))
			rt_strbuf_addc(out, '\n');
		else if ((k && k == char_class(c)) || (isdigit((unsigned char)prev) && c == '.') ||
			 (prev == '.' && isdigit((unsigned char)c)))
			rt_strbuf_addc(out, ' ');
	}
	*gap = 0;
	rt_strbuf_addc(out, c);
}

/* See checksum.h: the text sha256-sql hashes (see the file header). */
void rt_checksum_text(const char *sql, size_t len, const rt_lexrules *lx, strbuf *out)
{
	int gap = 0; /* GAP, GAP_NEWLINE */
	for (size_t i = 0; i < len;) {
		rt_sql_kind kind;
		size_t n = rt_sql_region(sql, len, i, lx, &kind);
		if (kind == RT_SQL_COMMENT) {
			gap |= GAP | (memchr(sql + i, '\n', n) || memchr(sql + i, '\r', n) ? GAP_NEWLINE : 0);
		} else if (kind == RT_SQL_QUOTED) {
			put(out, sql[i], &gap);
			add_quoted(out, sql + i + 1, n - 1);
		} else {
			for (size_t k = i; k < i + n; k++) {
				if (blank(sql[k]))
					gap |= GAP | (sql[k] == '\n' || sql[k] == '\r' ? GAP_NEWLINE : 0);
				else
					put(out, sql[k], &gap);
			}
		}
		i += n;
	}
}

/*
 * One section's part of the hashed text: with several steps, each is
 * preceded by its marker in a fixed spelling (options included: changing
 * transaction:false to true changes what runs), since the marker, a
 * comment, is otherwise left out.  A single section is hashed alone, as
 * it always was.
 */
static void section_text(const rt_section *sec, int several, const rt_lexrules *lx,
			 strbuf *sb)
{
	if (several)
		rt_strbuf_addf(sb, "\n-- migrate:step%s%s\n",
			       sec->transactional ? "" : " transaction:false",
			       sec->batch ? " batch" : "");
	rt_checksum_text(sec->body ? sec->body : "", sec->len, lx, sb);
}

/* See checksum.h. */
char *rt_checksum(const rt_revision *rev, const rt_lexrules *lx)
{
	strbuf sb = STRBUF_INIT;
	size_t n = rev->nsections[RT_SECTION_UPGRADE];
	for (size_t i = 0; i < n; i++)
		section_text(&rev->sections[RT_SECTION_UPGRADE][i], n > 1, lx, &sb);
	char *sum = hash_as(RT_CHECKSUM_ALGORITHM, rt_strbuf_str(&sb), sb.len);
	rt_strbuf_release(&sb);
	return sum;
}

/* See checksum.h. */
char *rt_checksum_section(const rt_revision *rev, rt_section_kind kind, size_t k,
			  const rt_lexrules *lx)
{
	strbuf sb = STRBUF_INIT;
	section_text(&rev->sections[kind][k], 1, lx, &sb);
	char *sum = hash_as(RT_CHECKSUM_ALGORITHM, rt_strbuf_str(&sb), sb.len);
	rt_strbuf_release(&sb);
	return sum;
}

/* See checksum.h. */
char *rt_checksum_as(const rt_revision *rev, const rt_lexrules *lx, const char *recorded)
{
	size_t n = strcspn(recorded, ":");
	if (!recorded[n])
		return NULL;
	if (n == strlen(RT_CHECKSUM_ALGORITHM) && !strncmp(recorded, RT_CHECKSUM_ALGORITHM, n))
		return rt_checksum(rev, lx);
	if (n == 6 && !strncmp(recorded, "sha256", 6))
		return rt_revision_checksum(rev);
	return NULL;
}
