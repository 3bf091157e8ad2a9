/*
 * script.c - parse migration files.
 *
 * A migration file is plain SQL with a header of "-- Key: value" comment
 * lines (Alembic's key names) and sections started by marker lines:
 *
 *     -- Revision ID: 3f2a1b9c0d4e
 *     -- Revises: 1a2b3c4d5e6f
 *     -- Message: add bio to users
 *
 *     -- migrate:upgrade
 *     ALTER TABLE users ADD COLUMN bio VARCHAR(500);
 *
 *     -- migrate:downgrade transaction:false
 *     ...
 *
 * Everything wrong with a file is reported with its path and line, so the
 * user can go straight to it.  The file text is kept: sections point into it.
 */
#include "internal.h"

#include <ctype.h>
#include <string.h>
#include <strings.h>

/* One line of the file: [s, s+len) without the line terminator. */
typedef struct line {
	const char *s;
	size_t len;
	const char *next; /* start of the following line */
	int no;
} line;

/* Advance to the next line; 0 at end of text. */
static int next_line(const char **p, const char *end, int *no, line *ln)
{
	if (*p >= end)
		return 0;
	const char *s = *p;
	const char *e = memchr(s, '\n', (size_t)(end - s));
	ln->next = e ? e + 1 : end;
	if (!e)
		e = end;
	ln->s = s;
	ln->len = (size_t)(e - s);
	if (ln->len && ln->s[ln->len - 1] == '\r')
		ln->len--;
	ln->no = ++*no;
	*p = ln->next;
	return 1;
}

static int is_blank(const char *s, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (!isspace((unsigned char)s[i]))
			return 0;
	return 1;
}

/* Trim [*s, *s+*n) of spaces on both sides. */
static void trim(const char **s, size_t *n)
{
	while (*n && isspace((unsigned char)**s)) {
		(*s)++;
		(*n)--;
	}
	while (*n && isspace((unsigned char)(*s)[*n - 1]))
		(*n)--;
}

/*
 * If the line is a comment ("--" after optional spaces), point *c at the
 * text after the dashes, trimmed, and return 1.
 */
static int comment_text(const line *ln, const char **c, size_t *n)
{
	const char *s = ln->s;
	size_t len = ln->len;
	trim(&s, &len);
	if (len < 2 || s[0] != '-' || s[1] != '-')
		return 0;
	*c = s + 2;
	*n = len - 2;
	trim(c, n);
	return 1;
}

/*
 * Inside a section only marker lines matter: jump to the start of the
 * next line that holds "--" (a marker is a comment line), counting the
 * lines passed, instead of examining every line of SQL.  Returns 0 at
 * the end of the text.
 */
static int skip_to_marker(const char **p, const char *end, int *no)
{
	const char *m = *p;
	while ((m = memchr(m, '-', (size_t)(end - m))) && (m + 1 >= end || m[1] != '-'))
		m++;
	if (!m)
		m = end;
	while (m > *p && m[-1] != '\n')
		m--;
	for (const char *s = *p; (s = memchr(s, '\n', (size_t)(m - s))); s++)
		(*no)++;
	*p = m;
	return *p < end;
}

/*
 * Is the line a section marker, a comment starting "migrate:"?  *rest and
 * *n then hold what follows it: the section's name and options.
 */
static int is_marker(const line *ln, const char **rest, size_t *n)
{
	const char *c;
	size_t len;
	if (!comment_text(ln, &c, &len))
		return 0;
	if (len < 8 || strncmp(c, "migrate:", 8) != 0)
		return 0;
	*rest = c + 8;
	*n = len - 8;
	return 1;
}

/* Header keys, as Alembic names them; matched case-insensitively. */
enum { K_ID, K_REVISES, K_DATE, K_MESSAGE, K_LABELS, K_DEPENDS, K_REPLACES, K_COUNT };
static const char *const header_keys[K_COUNT] = {
	"Revision ID", "Revises", "Create Date", "Message", "Branch Labels",
	"Depends On", "Replaces",
};

/*
 * Does comment text look like "Key: value" (a key of at most three words of
 * letters)?  Sets *klen to the key length and *v, *vlen to the trimmed value.
 */
static int split_key(const char *c, size_t n, size_t *klen, const char **v,
		     size_t *vlen)
{
	size_t i = 0, words = 0;
	while (i < n && c[i] != ':') {
		if (isalpha((unsigned char)c[i])) {
			if (i == 0 || c[i - 1] == ' ')
				words++;
		} else if (c[i] != ' ' && c[i] != '_' && c[i] != '-') {
			return 0;
		}
		i++;
	}
	if (i == n || i == 0 || words == 0 || words > 3)
		return 0;
	*klen = i;
	while (*klen && c[*klen - 1] == ' ')
		(*klen)--;
	*v = c + i + 1;
	*vlen = n - i - 1;
	trim(v, vlen);
	return 1;
}

static int find_key(const char *k, size_t klen)
{
	for (int i = 0; i < K_COUNT; i++)
		if (strlen(header_keys[i]) == klen &&
		    !strncasecmp(header_keys[i], k, klen))
			return i;
	return -1;
}

/*
 * Split a comma-separated header value into l.  Empty items ("a,,b") and
 * items containing spaces are errors.
 */
static int parse_list(const char *path, int lineno, const char *key,
		      const char *v, size_t n, rt_strlist *l, rt_error *err)
{
	if (n == 0)
		return 0;
	const char *end = v + n;
	while (v <= end) {
		const char *comma = memchr(v, ',', (size_t)(end - v));
		const char *e = comma ? comma : end;
		const char *item = v;
		size_t len = (size_t)(e - v);
		trim(&item, &len);
		if (len == 0)
			return rt_fail_at(err, RT_ESCRIPT, path, lineno,
					  "empty item in '%s' list", key);
		for (size_t i = 0; i < len; i++)
			if (isspace((unsigned char)item[i]))
				return rt_fail_at(err, RT_ESCRIPT, path, lineno,
						  "'%.*s' in '%s': items are separated by commas, not spaces",
						  (int)len, item, key);
		rt_strlist_pushn(l, item, len);
		for (size_t i = 0; i + 1 < l->n; i++)
			if (!strcmp(l->v[i], l->v[l->n - 1]))
				return rt_fail_at(err, RT_ESCRIPT, path, lineno,
						  "'%s' is listed twice in '%s'",
						  l->v[l->n - 1], key);
		if (!comma)
			break;
		v = comma + 1;
	}
	return 0;
}

/*
 * See retort.h.  Besides @ - + : it refuses spaces, commas (header lists
 * are comma-separated), quotes, control characters (DEL too), the path
 * separators / and \ and a leading '.' (ids go into file names: a file
 * named ".x_msg.sql" is hidden and never loaded), and the words head,
 * heads, base and current.  Branch labels pass through it too.
 */
int rt_check_revision_id(const char *id, rt_error *err)
{
	size_t n = strlen(id);
	if (n == 0)
		return rt_fail(err, RT_EUSAGE, "a revision id cannot be empty");
	if (n > 32)
		return rt_fail(err, RT_EUSAGE,
			       "revision id '%s' is %zu characters long; the version table holds at most 32",
			       id, n);
	if (id[0] == '.')
		return rt_fail(err, RT_EUSAGE,
			       "revision id '%s' starts with '.': its file would be hidden, and files whose name starts with '.' are not loaded",
			       id);
	for (size_t i = 0; i < n; i++) {
		unsigned char c = (unsigned char)id[i];
		if (strchr("@-+:", c))
			return rt_fail(err, RT_EUSAGE,
				       "character '%c' is not allowed in revision id '%s' (@ - + : have meanings in revision identifiers)",
				       c, id);
		if (c == '/' || c == '\\')
			return rt_fail(err, RT_EUSAGE,
				       "character '%c' is not allowed in revision id '%s' (revision ids are part of file names)",
				       c, id);
		if (isspace(c) || c == ',' || c < 0x20 || c == 0x7f ||
		    c == '\'' || c == '"')
			return rt_fail(err, RT_EUSAGE,
				       "revision id '%s' contains a space, comma, quote or control character",
				       id);
	}
	static const char *const reserved[] = { "head", "heads", "base",
						"current" };
	for (size_t i = 0; i < sizeof(reserved) / sizeof(*reserved); i++)
		if (!strcmp(id, reserved[i]))
			return rt_fail(err, RT_EUSAGE,
				       "'%s' is a reserved word and cannot be a revision id",
				       id);
	return 0;
}

/* Labels share the identifier namespace: same character rules as ids. */
static int check_label(const char *path, int lineno, const char *label,
		       rt_error *err)
{
	rt_error e = { 0 };
	if (rt_check_revision_id(label, &e) < 0 || strchr(label, '@')) {
		rt_fail_at(err, RT_ESCRIPT, path, lineno, "bad branch label: %s",
			   e.message ? e.message : label);
		rt_error_clear(&e);
		return -1;
	}
	return 0;
}

/* Parse the options after "-- migrate:upgrade", e.g. "transaction:false". */
static int parse_marker_options(const char *path, int lineno, const char *s,
				size_t n, rt_section *sec, rt_error *err)
{
	int seen_tx = 0;
	const char *end = s + n;
	while (s < end) {
		while (s < end && isspace((unsigned char)*s))
			s++;
		const char *w = s;
		while (s < end && !isspace((unsigned char)*s))
			s++;
		size_t len = (size_t)(s - w);
		if (!len)
			break;
		if (len == 5 && !strncmp(w, "batch", 5)) {
			if (sec->batch++)
				return rt_fail_at(err, RT_ESCRIPT, path, lineno,
						  "option 'batch' given twice");
			continue;
		}
		const char *val = NULL;
		if (len > 12 && !strncmp(w, "transaction:", 12))
			val = w + 12;
		if (!val)
			return rt_fail_at(err, RT_ESCRIPT, path, lineno,
					  "unknown section option '%.*s' (known: transaction:false, batch)",
					  (int)len, w);
		if (seen_tx++)
			return rt_fail_at(err, RT_ESCRIPT, path, lineno,
					  "option 'transaction' given twice");
		size_t vlen = len - 12;
		if (vlen == 5 && !strncmp(val, "false", 5))
			sec->transactional = 0;
		else if (vlen == 4 && !strncmp(val, "true", 4))
			sec->transactional = 1;
		else
			return rt_fail_at(err, RT_ESCRIPT, path, lineno,
					  "transaction:%.*s: the value must be true or false",
					  (int)vlen, val);
	}
	if (sec->batch && !seen_tx)
		sec->transactional = 0; /* each repetition commits on its own */
	if (sec->batch && sec->transactional)
		return rt_fail_at(err, RT_ESCRIPT, path, lineno,
				  "a batch section commits each repetition: it cannot be transaction:true");
	return 0;
}

/* "upgrade" or "downgrade". */
static const char *kind_word(int k)
{
	return k == RT_SECTION_UPGRADE ? "upgrade" : "downgrade";
}

/*
 * Handle a "-- migrate:NAME [options]" line: it ends the open section
 * (*cur, the kind of the last section, -1 before the first) and starts
 * another of its kind.  A repeated marker starts another step of the same
 * direction; a direction's steps are written together (the upgrade steps
 * first, then the downgrade steps), so each direction spans one stretch
 * of the file.
 */
static int start_section(rt_revision *r, const line *ln, const char *rest,
			 size_t n, int *cur, rt_error *err)
{
	size_t w = 0;
	while (w < n && !isspace((unsigned char)rest[w]))
		w++;
	int k;
	if (w == 7 && !strncmp(rest, "upgrade", 7))
		k = RT_SECTION_UPGRADE;
	else if (w == 9 && !strncmp(rest, "downgrade", 9))
		k = RT_SECTION_DOWNGRADE;
	else {
		rt_fail_at(err, RT_ESCRIPT, r->path, ln->no,
			   "unknown section marker '-- migrate:%.*s'", (int)w,
			   rest);
		if ((w == 2 && !strncmp(rest, "up", 2)) ||
		    (w == 4 && !strncmp(rest, "down", 4)))
			rt_hint(err, "retort's markers are '-- migrate:upgrade' and '-- migrate:downgrade'");
		else
			rt_hint(err, "sections are '-- migrate:upgrade' and '-- migrate:downgrade'");
		return -1;
	}
	if (r->nsections[k] && *cur != k) {
		const rt_section *other = &r->sections[!k][r->nsections[!k] - 1];
		rt_fail_at(err, RT_ESCRIPT, r->path, ln->no,
			   "'-- migrate:%s' after the %s section at line %d: the %s steps (the first at line %d) must be written together, the upgrade steps before the downgrade steps",
			   kind_word(k), kind_word(!k), other->line, kind_word(k),
			   r->sections[k][0].line);
		rt_hint(err, "move this section up to the other %s sections; they run in the order written",
			kind_word(k));
		return -1;
	}
	if (*cur >= 0) {
		rt_section *open = &r->sections[*cur][r->nsections[*cur] - 1];
		open->len = (size_t)(ln->s - open->body);
	}
	r->sections[k] = rt_xrealloc(r->sections[k], (r->nsections[k] + 1) * sizeof(rt_section));
	rt_section *sec = &r->sections[k][r->nsections[k]++];
	memset(sec, 0, sizeof(*sec));
	sec->present = 1;
	sec->line = ln->no;
	sec->transactional = 1;
	sec->body = ln->next;
	sec->body_line = ln->no + 1;
	*cur = k;
	return parse_marker_options(r->path, ln->no, rest + w, n - w, sec, err);
}

/*
 * Close the last section at end and set upgrade and downgrade to the
 * whole of each direction (see retort_int.h).
 */
static void finish_sections(rt_revision *r, int cur, const char *end)
{
	if (cur >= 0) {
		rt_section *open = &r->sections[cur][r->nsections[cur] - 1];
		open->len = (size_t)(end - open->body);
	}
	rt_revision_set_whole(r);
}

/* See retort_int.h. */
void rt_revision_set_whole(rt_revision *r)
{
	for (int k = 0; k < 2; k++) {
		rt_section *whole = k == RT_SECTION_UPGRADE ? &r->upgrade : &r->downgrade;
		size_t n = r->nsections[k];
		if (!n)
			continue;
		*whole = r->sections[k][0];
		if (n == 1)
			continue;
		const rt_section *last = &r->sections[k][n - 1];
		whole->len = (size_t)(last->body + last->len - whole->body);
		whole->batch = 0;
		for (size_t i = 0; i < n; i++)
			if (!r->sections[k][i].transactional || r->sections[k][i].batch)
				whole->transactional = 0;
	}
}

/*
 * A header value for display: control characters (a lone CR, escape
 * sequences) as U+FFFD, so a message can neither drive the terminal nor
 * end the comment it is printed in by --sql (PostgreSQL ends a -- comment
 * at a CR).
 */
static char *printable(const char *v, size_t n)
{
	strbuf sb = STRBUF_INIT;
	rt_strbuf_add_printable(&sb, v, n);
	return rt_strbuf_detach(&sb);
}

/* Record one "-- Key: value" header line. */
static int header_line(rt_revision *r, const line *ln, const char *c, size_t n,
		       int *seen, rt_error *err)
{
	size_t klen, vlen;
	const char *v;
	if (!split_key(c, n, &klen, &v, &vlen))
		return 0; /* an ordinary comment */
	int k = find_key(c, klen);
	if (k < 0) {
		rt_fail_at(err, RT_ESCRIPT, r->path, ln->no,
			   "unknown header key '%.*s'", (int)klen, c);
		rt_hint(err, "header keys are: Revision ID, Revises, Create Date, Message, Branch Labels, Depends On, Replaces; other comments belong after '-- migrate:upgrade'");
		return -1;
	}
	if (seen[k])
		return rt_fail_at(err, RT_ESCRIPT, r->path, ln->no,
				  "header '%s' given twice (first at line %d)",
				  header_keys[k], seen[k]);
	seen[k] = ln->no;
	switch (k) {
	case K_ID:
		r->id = rt_xstrndup(v, vlen);
		r->line_id = ln->no;
		if (rt_check_revision_id(r->id, err) < 0) {
			char *m = err->message;
			err->message = NULL;
			rt_fail_at(err, RT_ESCRIPT, r->path, ln->no, "%s", m);
			free(m);
			return -1;
		}
		return 0;
	case K_REVISES:
		r->line_revises = ln->no;
		return parse_list(r->path, ln->no, "Revises", v, vlen, &r->down,
				  err);
	case K_DATE:
		r->create_date = printable(v, vlen);
		return 0;
	case K_MESSAGE:
		r->message = printable(v, vlen);
		return 0;
	case K_LABELS:
		r->line_labels = ln->no;
		if (parse_list(r->path, ln->no, "Branch Labels", v, vlen,
			       &r->labels, err) < 0)
			return -1;
		for (size_t i = 0; i < r->labels.n; i++)
			if (check_label(r->path, ln->no, r->labels.v[i], err) < 0)
				return -1;
		return 0;
	case K_DEPENDS:
		r->line_depends = ln->no;
		return parse_list(r->path, ln->no, "Depends On", v, vlen,
				  &r->depends, err);
	case K_REPLACES:
		r->line_replaces = ln->no;
		return parse_list(r->path, ln->no, "Replaces", v, vlen,
				  &r->replaces, err);
	}
	return 0;
}

/* Check the parts of a parsed file that need the whole file. */
static int check_complete(rt_revision *r, int lines, rt_error *err)
{
	if (!r->id)
		return rt_fail_at(err, RT_ESCRIPT, r->path, 1,
				  "no '-- Revision ID:' header");
	if (!r->upgrade.present) {
		rt_fail_at(err, RT_ESCRIPT, r->path, lines ? lines : 1,
			   "no '-- migrate:upgrade' section");
		rt_hint(err, "put the upgrade SQL after a line '-- migrate:upgrade'");
		return -1;
	}
	for (size_t i = 0; i < r->down.n; i++) {
		if (!strcmp(r->down.v[i], r->id))
			return rt_fail_at(err, RT_ESCRIPT, r->path,
					  r->line_revises,
					  "revision %s revises itself", r->id);
		if (rt_check_revision_id(r->down.v[i], err) < 0) {
			char *m = err->message;
			err->message = NULL;
			rt_fail_at(err, RT_ESCRIPT, r->path, r->line_revises,
				   "%s", m);
			free(m);
			return -1;
		}
	}
	return 0;
}

/* The line number of p in text (1 for the first line). */
static int line_of(const char *text, const char *p)
{
	int no = 1;
	for (const char *s = text; (s = memchr(s, '\n', (size_t)(p - s))); s++)
		no++;
	return no;
}

/*
 * A carriage return inside a line (not the CR of a CRLF end) means the
 * file uses CR line endings (classic Mac OS): the whole file would be one
 * line.  They are refused, not read as line ends, since the SQL would be
 * passed on with them and SQLite ends a "--" comment only at a line feed.
 * Checked on the lines the parser reads: header and marker lines.
 */
static int lone_cr(const char *path, const line *ln, rt_error *err)
{
	if (!memchr(ln->s, '\r', ln->len))
		return 0;
	rt_fail_at(err, RT_ESCRIPT, path, ln->no,
		   "a carriage return not followed by a line feed: the file uses CR line endings");
	rt_hint(err, "retort reads LF or CRLF line endings; convert the file, e.g. with: tr '\\r' '\\n' < OLD > NEW");
	return -1;
}

/*
 * See retort.h.  text belongs to the revision at once, so it is freed on
 * failure too.  A UTF-8 BOM and CRLF line ends are accepted, CR line
 * ends are not (see lone_cr).  Before the first marker only blank lines
 * and comments may appear (one shaped "Key: value" must be a known
 * header); after it only marker lines are looked at, everything else
 * being the sections' SQL.
 */
rt_revision *rt_revision_parse(const char *path, char *text, size_t len,
			       rt_error *err)
{
	rt_revision *r = rt_xcalloc(1, sizeof(*r));
	r->path = rt_xstrdup(path);
	r->text = text;
	r->textlen = len;
	const char *nul = memchr(text, '\0', len);
	if (nul) {
		rt_fail_at(err, RT_ESCRIPT, path, line_of(text, nul),
			   "contains a NUL byte: not a text file");
		goto fail;
	}
	const char *p = text, *end = text + len;
	if (len >= 3 && !memcmp(p, "\xEF\xBB\xBF", 3))
		p += 3;
	int no = 0, seen[K_COUNT] = { 0 };
	int cur = -1; /* the kind of the open section */
	line ln;
	while ((cur < 0 || skip_to_marker(&p, end, &no)) &&
	       next_line(&p, end, &no, &ln)) {
		const char *c;
		size_t n;
		int marker = is_marker(&ln, &c, &n);
		if ((marker || cur < 0) && lone_cr(path, &ln, err) < 0)
			goto fail;
		if (marker) {
			if (start_section(r, &ln, c, n, &cur, err) < 0)
				goto fail;
			continue;
		}
		if (cur >= 0)
			continue;
		if (is_blank(ln.s, ln.len))
			continue;
		if (!comment_text(&ln, &c, &n)) {
			rt_fail_at(err, RT_ESCRIPT, path, ln.no,
				   "SQL before the first '-- migrate:upgrade' marker");
			rt_hint(err, "the header holds only '-- Key: value' comments; SQL goes into a section");
			goto fail;
		}
		if (header_line(r, &ln, c, n, seen, err) < 0)
			goto fail;
	}
	finish_sections(r, cur, end);
	if (check_complete(r, no, err) < 0)
		goto fail;
	return r;
fail:
	rt_revision_free(r);
	return NULL;
}

/*
 * Frees everything the revision owns: its file text, header strings and
 * the arrays the graph filled in; r may be NULL.
 */
void rt_revision_free(rt_revision *r)
{
	if (!r)
		return;
	free(r->id);
	rt_strlist_free(&r->down);
	rt_strlist_free(&r->labels);
	rt_strlist_free(&r->depends);
	rt_strlist_free(&r->replaces);
	free(r->message);
	free(r->create_date);
	free(r->path);
	free(r->text);
	free(r->sections[0]);
	free(r->sections[1]);
	free(r->parents);
	free(r->deps);
	free(r->children);
	free(r->branch);
	free(r);
}
