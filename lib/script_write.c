/*
 * script_write.c - write new migration files (revision and merge).
 *
 * Everything is checked against the graph before the file is written --
 * parents, labels, dependencies, the id -- so a bad request never leaves
 * a file behind that breaks every later command (Alembic writes first and
 * validates later).
 */
#include "internal.h"
#include "util/tzfile.h"
#include "graph_internal.h"
#include "util/fs.h"

#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/random.h>
#include <time.h>
#include <unistd.h>

/*
 * One UTF-8 sequence at s: its code point, and its length in bytes.  A
 * byte that does not start a valid sequence is returned as itself with
 * *valid cleared, so odd input is kept rather than dropped.
 */
static size_t utf8_decode(const unsigned char *s, uint32_t *cp, int *valid)
{
	size_t n = s[0] < 0x80 ? 1 : s[0] >= 0xF0 && s[0] < 0xF5 ? 4
		   : s[0] >= 0xE0 ? 3 : s[0] >= 0xC2 ? 2 : 0;
	uint32_t c = n == 1 ? s[0] : n == 2 ? s[0] & 0x1Fu
				   : n == 3 ? s[0] & 0x0Fu : s[0] & 0x07u;
	*valid = n > 0;
	for (size_t i = 1; i < n && *valid; i++) {
		*valid = (s[i] & 0xC0) == 0x80;
		c = (c << 6) | (s[i] & 0x3Fu);
	}
	if (!*valid) {
		*cp = s[0];
		return 1;
	}
	*cp = c;
	return n;
}

/* Append cp in UTF-8, 1 to 4 bytes by its size (cp itself is not checked). */
static void utf8_encode(strbuf *sb, uint32_t cp)
{
	if (cp < 0x80) {
		rt_strbuf_addc(sb, (char)cp);
	} else if (cp < 0x800) {
		rt_strbuf_addc(sb, (char)(0xC0 | (cp >> 6)));
		rt_strbuf_addc(sb, (char)(0x80 | (cp & 0x3F)));
	} else if (cp < 0x10000) {
		rt_strbuf_addc(sb, (char)(0xE0 | (cp >> 12)));
		rt_strbuf_addc(sb, (char)(0x80 | ((cp >> 6) & 0x3F)));
		rt_strbuf_addc(sb, (char)(0x80 | (cp & 0x3F)));
	} else {
		rt_strbuf_addc(sb, (char)(0xF0 | (cp >> 18)));
		rt_strbuf_addc(sb, (char)(0x80 | ((cp >> 12) & 0x3F)));
		rt_strbuf_addc(sb, (char)(0x80 | ((cp >> 6) & 0x3F)));
		rt_strbuf_addc(sb, (char)(0x80 | (cp & 0x3F)));
	}
}

/*
 * Is cp a word character, as Python 3's \w (which Alembic's slug uses)
 * says?  ASCII letters, digits and '_'; beyond ASCII the letters of every
 * script, but not the punctuation and symbols people type into messages
 * (dashes, curly quotes, ellipses, guillemets, arrows, emoji).
 */
static int word_cp(uint32_t cp)
{
	if (cp < 0x80)
		return isalnum((int)cp) || cp == '_';
	if (cp < 0xC0) /* Latin-1 punctuation; ª ² ³ µ ¹ º ¼ ½ ¾ are \w */
		return cp == 0xAA || cp == 0xB2 || cp == 0xB3 || cp == 0xB5 ||
		       cp == 0xB9 || cp == 0xBA || (cp >= 0xBC && cp <= 0xBE);
	static const uint32_t punct[][2] = {
		{ 0xD7, 0xD7 }, { 0xF7, 0xF7 },        /* × ÷ */
		{ 0x2000, 0x206F }, { 0x20A0, 0x20CF }, /* punctuation, currency */
		{ 0x2190, 0x23FF }, { 0x2500, 0x27BF }, /* arrows, maths, shapes */
		{ 0x2900, 0x2BFF }, { 0x3000, 0x3003 }, /* more of them, CJK . , */
		{ 0x3008, 0x3011 }, { 0xFE0F, 0xFE0F }, /* CJK brackets, emoji VS */
		{ 0xFF01, 0xFF0F }, { 0x1F000, 0x1FAFF }, /* fullwidth, emoji */
	};
	for (size_t i = 0; i < sizeof(punct) / sizeof(*punct); i++)
		if (cp >= punct[i][0] && cp <= punct[i][1])
			return 0;
	return 1;
}

/* Lower case of the common alphabets (Latin, Greek, Cyrillic), as str.lower(). */
static uint32_t lower_cp(uint32_t cp)
{
	if (cp < 0x80)
		return (uint32_t)tolower((int)cp);
	if (cp >= 0xC0 && cp <= 0xDE && cp != 0xD7)
		return cp + 0x20;
	if ((cp >= 0x100 && cp <= 0x137 && cp != 0x130) ||
	    (cp >= 0x14A && cp <= 0x177))
		return cp | 1;
	if ((cp >= 0x139 && cp <= 0x148) || (cp >= 0x179 && cp <= 0x17E))
		return cp & 1 ? cp + 1 : cp;
	if (cp == 0x178)
		return 0xFF;
	if (cp >= 0x391 && cp <= 0x3A9 && cp != 0x3A2)
		return cp + 0x20;
	if (cp >= 0x410 && cp <= 0x42F)
		return cp + 0x20;
	if (cp >= 0x400 && cp <= 0x40F)
		return cp + 0x50;
	return cp;
}

/*
 * Alembic's slug: "_".join(re.findall(r"\w+", message)).lower(), and when
 * longer than truncate characters, slug[:truncate].rsplit("_", 1)[0] + "_".
 * Characters, not bytes, are counted, so a UTF-8 sequence is never split.
 */
char *rt_slugify(const char *message, int truncate)
{
	strbuf sb = STRBUF_INIT;
	const unsigned char *p = (const unsigned char *)(message ? message : "");
	size_t chars = 0, cut = 0;
	int in_word = 0;
	while (*p) {
		uint32_t cp;
		int valid;
		size_t n = utf8_decode(p, &cp, &valid);
		int word = !valid || word_cp(cp);
		if (word && !in_word && sb.len) {
			rt_strbuf_addc(&sb, '_');
			if (++chars == (size_t)truncate)
				cut = sb.len;
		}
		if (word && valid)
			utf8_encode(&sb, lower_cp(cp));
		else if (word)
			rt_strbuf_addc(&sb, (char)*p);
		if (word && ++chars == (size_t)truncate)
			cut = sb.len;
		in_word = word;
		p += n;
	}
	if (truncate > 0 && chars > (size_t)truncate) {
		rt_strbuf_setlen(&sb, cut);
		char *us = strrchr(sb.buf, '_');
		if (us)
			rt_strbuf_setlen(&sb, (size_t)(us - sb.buf));
		rt_strbuf_addc(&sb, '_');
	}
	return rt_strbuf_detach(&sb);
}

/*
 * 12 random hex digits, the form of Alembic's ids.  Should getrandom fail,
 * the time and pid do: the caller draws again on a clash with an existing
 * id.
 */
static void random_id(char out[13])
{
	unsigned char b[6];
	if (getrandom(b, sizeof(b), 0) != (ssize_t)sizeof(b)) {
		struct timespec ts;
		clock_gettime(CLOCK_REALTIME, &ts);
		unsigned long long x = (unsigned long long)ts.tv_nsec ^
				       ((unsigned long long)getpid() << 20) ^
				       (unsigned long long)ts.tv_sec;
		memcpy(b, &x, sizeof(b));
	}
	for (int i = 0; i < 6; i++)
		snprintf(out + 2 * i, 3, "%02x", b[i]);
}

/*
 * Broken-down time now in a tz database zone (NULL: local time), without
 * touching TZ: a named zone's offset comes from its file (util/tzfile.c),
 * checked to exist when the configuration was read.
 */
static void now_in(const char *tz, struct tm *tm, long *usec, long *gmtoff)
{
	struct timespec ts;
	clock_gettime(CLOCK_REALTIME, &ts);
	*usec = ts.tv_nsec / 1000;
	if (!tz) {
		localtime_r(&ts.tv_sec, tm);
		*gmtoff = tm->tm_gmtoff;
		return;
	}
	long off = 0;
	if (strcmp(tz, "UTC")) {
		const char *dir = getenv("TZDIR");
		char *path = rt_fs_join(dir && *dir ? dir : "/usr/share/zoneinfo", tz);
		if (rt_tz_offset(path, ts.tv_sec, &off) < 0)
			off = 0;
		free(path);
	}
	time_t shifted = ts.tv_sec + off;
	gmtime_r(&shifted, tm);
	tm->tm_gmtoff = off;
	*gmtoff = off;
}

/* Digits at *p (before end) as a number, at most cap + 1; *p moves past them. */
static long digits(const char **p, const char *end, long cap)
{
	long v = 0;
	for (; *p < end && isdigit((unsigned char)**p); (*p)++)
		if ((v = v * 10 + (**p - '0')) > cap)
			v = cap + 1;
	return v;
}

/*
 * The printf conversion for one file_template key: spec[0..sl) holds
 * Python's flags, width and precision ("-+ #0", digits, "." digits).
 * Written into fmt (32 bytes) as "%" flags width .prec then "ld" for a
 * number printed with d, else "s" (where only the '-' flag is kept: C
 * leaves the others undefined for strings, Python ignores them).  A width
 * or precision over 255, or a spec not of that shape, is an error naming
 * the template: printf fails on widths past INT_MAX, which once left an
 * empty file name ("migrations/.sql").
 */
static int conversion(const char *spec, size_t sl, int number, char *fmt,
		      const char *tpl, const char *key, rt_error *err)
{
	enum { MAX_WIDTH = 255 };
	const char *p = spec, *end = spec + sl;
	char flags[6] = "";
	size_t nf = 0;
	for (; p < end && strchr("-+ #0", *p); p++)
		if (!memchr(flags, *p, nf) && (number || *p == '-'))
			flags[nf++] = *p;
	long width = p < end && isdigit((unsigned char)*p)
			     ? digits(&p, end, MAX_WIDTH) : -1;
	long prec = -1;
	if (p < end && *p == '.') {
		p++;
		prec = digits(&p, end, MAX_WIDTH);
	}
	if (p < end)
		return rt_fail(err, RT_ECONFIG,
			       "file_template '%s': '%.*s' after %%(%s) is not a format (flags, width, .precision)",
			       tpl, (int)sl, spec, key);
	if (width > MAX_WIDTH || prec > MAX_WIDTH)
		return rt_fail(err, RT_ECONFIG,
			       "file_template '%s': the %s given for %%(%s) is over %d",
			       tpl, width > MAX_WIDTH ? "width" : "precision", key,
			       MAX_WIDTH);
	int n = snprintf(fmt, 32, "%%%s", flags);
	if (width >= 0)
		n += snprintf(fmt + n, (size_t)(32 - n), "%ld", width);
	if (prec >= 0)
		n += snprintf(fmt + n, (size_t)(32 - n), ".%ld", prec);
	snprintf(fmt + n, (size_t)(32 - n), "%s", number ? "ld" : "s");
	return 0;
}

/* One piece of a file_template: a literal character, or a %(key) conversion. */
typedef struct tpl_piece {
	char lit;         /* the character, when key is NULL */
	const char *key;  /* a known key, not NUL-terminated */
	size_t kl;
	const char *spec; /* flags, width, precision after ')' */
	size_t sl;
	char conv;        /* 's' or 'd' */
} tpl_piece;

/*
 * The piece of template tpl at *p, moving *p past it: 1, 0 at the end, or
 * -1 with err (missing ')', no s or d, an unknown key).  "%%" is a literal
 * '%' and "%%(key)s" a key, as in alembic.ini.  Both the expansion and the
 * check at load time read templates through here.
 */
static int tpl_next(const char *tpl, const char **p, tpl_piece *pc, rt_error *err)
{
	static const char *const keys[] = { "rev", "slug", "epoch", "year", "month",
		"day", "hour", "minute", "second", NULL };
	const char *s = *p;
	memset(pc, 0, sizeof(*pc));
	if (!*s)
		return 0;
	if (s[0] == '%' && s[1] == '%' && s[2] == '(')
		s++;
	if (s[0] != '%' || s[1] != '(') {
		pc->lit = s[0];
		*p = s + (s[0] == '%' && s[1] == '%' ? 2 : 1);
		return 1;
	}
	const char *close = strchr(s, ')');
	if (!close)
		return rt_fail(err, RT_ECONFIG, "file_template '%s': missing ')'", tpl);
	pc->key = s + 2;
	pc->kl = (size_t)(close - pc->key);
	pc->spec = close + 1;
	pc->sl = strspn(pc->spec, "-+ #0123456789.");
	pc->conv = pc->spec[pc->sl];
	if (pc->conv != 's' && pc->conv != 'd')
		return rt_fail(err, RT_ECONFIG,
			       "file_template '%s': %%(%.*s) must be followed by s or d",
			       tpl, (int)pc->kl, pc->key);
	int known = 0;
	for (int i = 0; keys[i] && !known; i++)
		known = pc->kl == strlen(keys[i]) && !strncmp(pc->key, keys[i], pc->kl);
	if (!known) {
		rt_fail(err, RT_ECONFIG, "file_template '%s': unknown key '%.*s'", tpl,
			(int)pc->kl, pc->key);
		rt_hint(err, "keys: rev slug epoch year month day hour minute second");
		return -1;
	}
	*p = pc->spec + pc->sl + 1;
	return 1;
}

static int is_key(const tpl_piece *pc, const char *key)
{
	return pc->key && pc->kl == strlen(key) && !strncmp(pc->key, key, pc->kl);
}

/*
 * Expand a file_template: %(key)s / %(key)d / %(key).2d / %(key)02d with
 * Alembic's keys rev, slug, epoch, year, month, day, hour, minute, second.
 */
static int expand_template(const char *tpl, const char *rev, const char *slug,
			   const struct tm *tm, strbuf *out, rt_error *err)
{
	const char *p = tpl;
	tpl_piece pc;
	int rc;
	while ((rc = tpl_next(tpl, &p, &pc, err)) > 0) {
		if (!pc.key) {
			rt_strbuf_addc(out, pc.lit);
			continue;
		}
		char key[16];
		snprintf(key, sizeof(key), "%.*s", (int)pc.kl, pc.key);
		long num = -1;
		const char *str = NULL;
		if (!strcmp(key, "rev")) str = rev;
		else if (!strcmp(key, "slug")) str = slug;
		else if (!strcmp(key, "epoch")) num = (long)time(NULL);
		else if (!strcmp(key, "year")) num = tm->tm_year + 1900;
		else if (!strcmp(key, "month")) num = tm->tm_mon + 1;
		else if (!strcmp(key, "day")) num = tm->tm_mday;
		else if (!strcmp(key, "hour")) num = tm->tm_hour;
		else if (!strcmp(key, "minute")) num = tm->tm_min;
		else num = tm->tm_sec;
		char fmt[32], numbuf[32];
		if (conversion(pc.spec, pc.sl, !str && pc.conv == 'd', fmt, tpl, key, err) < 0)
			return -1;
		if (!str)
			snprintf(numbuf, sizeof(numbuf), "%ld", num);
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wformat-nonliteral"
		if (!str && pc.conv == 'd')
			rt_strbuf_addf(out, fmt, num);
		else
			rt_strbuf_addf(out, fmt, str ? str : numbuf);
#pragma GCC diagnostic pop
	}
	if (rc < 0)
		return -1;
	if (strchr(out->buf ? out->buf : "", '/'))
		return rt_fail(err, RT_ECONFIG,
			       "file_template '%s' would put a '/' in the file name", tpl);
	if (!out->len || out->buf[0] == '.') {
		rt_fail(err, RT_ECONFIG,
			"file_template '%s' gives the file name '%s.sql', which starts with '.': such files are not loaded",
			tpl, out->buf ? out->buf : "");
		rt_hint(err, "start file_template with %%(rev)s, as the default '%%(rev)s_%%(slug)s' does");
		return -1;
	}
	return 0;
}

/*
 * See internal.h.  The template must hold a %(rev) key whose precision
 * (if any) does not cut an id (32 characters at most): anything else lets
 * two revisions get the same file name ("rev_%(slug)s" only contains the
 * letters "rev").  Widths, precisions and a leading '.' are left to the
 * expansion, which reports them when a revision is written.
 */
int rt_file_template_check(const char *tpl, rt_error *err)
{
	const char *p = tpl, *cut = NULL; /* the precision (".N") of a %(rev) key */
	int has_rev = 0, cutlen = 0, rc;
	tpl_piece pc;
	while ((rc = tpl_next(tpl, &p, &pc, err)) > 0) {
		if (!pc.key && pc.lit == '/')
			return rt_fail(err, RT_ECONFIG,
				       "file_template '%s' would put a '/' in the file name", tpl);
		if (!is_key(&pc, "rev"))
			continue;
		/* ".N" keeps N characters; ids have up to 32 */
		const char *dot = memchr(pc.spec, '.', pc.sl), *end = pc.spec + pc.sl;
		long prec = 0;
		for (const char *d = dot ? dot + 1 : end;
		     d < end && isdigit((unsigned char)*d) && prec < 32; d++)
			prec = prec * 10 + (*d - '0');
		if (!dot || prec >= 32) {
			has_rev = 1;
		} else if (!cut) {
			cut = dot;
			cutlen = (int)(end - dot);
		}
	}
	if (rc < 0)
		return -1;
	if (!has_rev && cut)
		return rt_fail(err, RT_ECONFIG,
			       "file_template '%s': the precision %.*s of %%(rev) cuts the revision id: two migrations could get the same file name",
			       tpl, cutlen, cut);
	if (!has_rev)
		return rt_fail(err, RT_ECONFIG,
			       "file_template '%s' does not contain %%(rev)s: two migrations could get the same file name",
			       tpl);
	return 0;
}

/* The parents of the new revision: resolved, heads unless splicing. */
static int resolve_parents(const rt_graph *g, const rt_new_revision *nr,
			   rt_revset *parents, rt_error *err)
{
	static const char *const dflt[] = { "head" };
	const char *const *heads = nr->heads ? nr->heads : dflt;
	size_t n = nr->heads ? nr->nheads : 1;
	for (size_t i = 0; i < n; i++) {
		rt_target t;
		if (rt_resolve_into(g, heads[i], NULL, &t, err) < 0) {
			if (!nr->heads && g->nheads > 1) {
				rt_fail(err, RT_ERESOLVE,
					"Multiple heads are present; please specify the head revision on which the new revision should be based, or perform a merge");
				rt_hint(err, "name the head the new revision follows, or join them first with a merge revision");
				rt_fix_with(err, RT_FIX_MERGE, "heads");
			}
			return -1;
		}
		for (size_t j = 0; j < t.revs.n; j++) {
			int r = t.revs.v[j];
			if (!rt_revset_has(parents, r))
				rt_revset_add(parents, r);
			if (!nr->splice && g->revs[r]->nchildren) {
				if (nr->merge)
					rt_fail(err, RT_ERESOLVE,
						"Revision %s is not a head revision; merge joins heads (splice merges it anyway)",
						g->revs[r]->id);
				else
					rt_fail(err, RT_ERESOLVE,
						"Revision %s is not a head revision; splice to create a new branch from it",
						g->revs[r]->id);
				rt_fix_with(err, RT_FIX_SET, "splice");
				rt_target_free(&t);
				return -1;
			}
		}
		rt_target_free(&t);
	}
	if (!nr->merge)
		return 0;
	if (parents->n < 2) {
		rt_fail(err, RT_ERESOLVE, "nothing to merge: %s",
			parents->n ? "the revisions given are a single revision"
				   : "no revisions were given");
		if (g->nheads == 1)
			rt_hint(err, "there is only one head (%s); an ordinary revision (no merge) follows it",
				g->revs[g->heads[0]]->id);
		return -1;
	}
	for (size_t i = 0; i < parents->n; i++)
		for (size_t j = 0; j < parents->n; j++)
			if (i != j && rt_graph_is_ancestor(g, parents->v[i], parents->v[j]))
				return rt_fail(err, RT_ERESOLVE,
					       "cannot merge %s with its own descendant %s",
					       g->revs[parents->v[i]]->id,
					       g->revs[parents->v[j]]->id);
	return 0;
}

/* Labels must be new and valid, ids and labels share one namespace. */
static int check_labels(const rt_graph *g, const rt_new_revision *nr,
			rt_error *err)
{
	for (size_t i = 0; i < nr->nlabels; i++) {
		const char *l = nr->labels[i];
		if (rt_check_revision_id(l, err) < 0)
			return -1;
		int owner = rt_graph_find_label(g, l);
		if (owner >= 0)
			return rt_fail(err, RT_EGRAPH,
				       "branch label '%s' is already used by revision %s",
				       l, g->revs[g->labels[owner].rev]->id);
		if (rt_graph_find(g, l) >= 0)
			return rt_fail(err, RT_EGRAPH,
				       "branch label '%s' is already a revision id", l);
	}
	return 0;
}

/* Depends On: full ids for ids and prefixes, labels kept as written. */
static int resolve_depends(const rt_graph *g, const rt_new_revision *nr,
			   const rt_revset *parents, rt_strlist *out,
			   rt_error *err)
{
	for (size_t i = 0; i < nr->ndepends; i++) {
		int r;
		if (rt_resolve_one(g, nr->depends[i], NULL, &r, err) < 0)
			return -1;
		for (size_t j = 0; j < parents->n; j++)
			if (r == parents->v[j] || rt_graph_is_ancestor(g, r, parents->v[j]))
				return rt_fail(err, RT_ERESOLVE,
					       "depends on %s: it is already an ancestor of the new revision",
					       nr->depends[i]);
		const char *name = rt_graph_find_label(g, nr->depends[i]) >= 0
					   ? nr->depends[i] : g->revs[r]->id;
		if (!rt_strlist_has(out, name))
			rt_strlist_push(out, name);
	}
	return 0;
}

/* Where the file goes: version_path, the first parent's directory, or the only location. */
static int pick_dir(const rt_config *cfg, const rt_graph *g,
		    const rt_new_revision *nr, const rt_revset *parents,
		    char **dir, rt_error *err)
{
	if (nr->version_path) {
		for (size_t i = 0; i < cfg->nscript_locations; i++) {
			char *a = realpath(cfg->script_locations[i], NULL);
			char *b = realpath(nr->version_path, NULL);
			int same = a && b && !strcmp(a, b);
			free(a);
			free(b);
			if (same) {
				*dir = rt_xstrdup(cfg->script_locations[i]);
				return 0;
			}
		}
		rt_fail(err, RT_EUSAGE, "version path %s is not one of the script locations",
			nr->version_path);
		rt_hint(err, "script_location in retort.ini lists them");
		rt_fix_with(err, RT_FIX_SET, "version_path");
		return -1;
	}
	if (parents->n) {
		*dir = rt_fs_dirname(g->revs[parents->v[0]]->path);
		return 0;
	}
	if (cfg->nscript_locations > 1) {
		rt_fail(err, RT_EUSAGE, "there are several script locations; say which one the new revision goes to");
		rt_fix_with(err, RT_FIX_SET, "version_path");
		return -1;
	}
	*dir = rt_xstrdup(cfg->script_locations[0]);
	return 0;
}

static void header_list(strbuf *sb, const char *key, const char *const *v, size_t n)
{
	rt_strbuf_addf(sb, "-- %s:", key);
	for (size_t i = 0; i < n; i++)
		rt_strbuf_addf(sb, "%s%s", i ? ", " : " ", v[i]);
	rt_strbuf_addc(sb, '\n');
}

/*
 * A section after a blank line: its marker, unless the body starts with
 * one of its own (a migration of several steps, as autogenerate writes
 * it, marks every step), then the body ending with a newline.
 */
static void add_section(strbuf *sb, const char *direction, const char *body)
{
	char *marker = rt_xasprintf("-- migrate:%s", direction);
	size_t n = strlen(marker);
	int own = body && !strncmp(body, marker, n) && (body[n] == '\n' || body[n] == ' ');
	rt_strbuf_addf(sb, "\n%s", own ? "" : marker);
	if (!own)
		rt_strbuf_addc(sb, '\n');
	free(marker);
	if (body && *body) {
		rt_strbuf_adds(sb, body);
		if (sb->buf[sb->len - 1] != '\n')
			rt_strbuf_addc(sb, '\n');
	}
}

/*
 * The new file's text: the header as rt_revision_parse reads it (line
 * breaks in the message become spaces; no message is "empty message"),
 * then both sections, each body ending with a newline.
 */
static void render(strbuf *sb, const char *id, const rt_graph *g,
		   const rt_revset *parents, const char *date,
		   const rt_new_revision *nr, const rt_strlist *deps)
{
	rt_strbuf_addf(sb, "-- Revision ID: %s\n-- Revises:", id);
	for (size_t i = 0; i < parents->n; i++)
		rt_strbuf_addf(sb, "%s%s", i ? ", " : " ", g->revs[parents->v[i]]->id);
	rt_strbuf_addf(sb, "\n-- Create Date: %s\n-- Message: ", date);
	const char *m = nr->message && *nr->message ? nr->message : "empty message";
	for (; *m; m++)
		rt_strbuf_addc(sb, *m == '\n' || *m == '\r' ? ' ' : *m);
	rt_strbuf_addc(sb, '\n');
	header_list(sb, "Branch Labels", nr->labels, nr->nlabels);
	header_list(sb, "Depends On", (const char *const *)deps->v, deps->n);
	if (nr->nreplaces)
		header_list(sb, "Replaces", nr->replaces, nr->nreplaces);
	add_section(sb, "upgrade", nr->upgrade_sql);
	add_section(sb, "downgrade", nr->downgrade_sql);
}

/* Is name one of the labels the new revision is to get? */
static int is_new_label(const rt_new_revision *nr, const char *name)
{
	for (size_t i = 0; i < nr->nlabels; i++)
		if (!strcmp(nr->labels[i], name))
			return 1;
	return 0;
}

/*
 * --rev-id: a valid id that names nothing yet.  Ids and branch labels
 * share one namespace, so it may not be a label already in use nor one
 * of the new revision's own labels (the graph refuses either on load).
 */
static int check_rev_id(const rt_graph *g, const rt_new_revision *nr,
			rt_error *err)
{
	const char *id = nr->rev_id;
	if (rt_check_revision_id(id, err) < 0)
		return -1;
	int old = rt_graph_find(g, id);
	if (old >= 0)
		return rt_fail(err, RT_EUSAGE, "revision id %s already exists (%s)",
			       id, g->revs[old]->path);
	int label = rt_graph_find_label(g, id);
	if (label >= 0) {
		const rt_revision *owner = g->revs[g->labels[label].rev];
		rt_fail(err, RT_EUSAGE,
			"revision id %s is already used as a branch label by revision %s (%s)",
			id, owner->id, owner->path);
		rt_hint(err, "ids and branch labels share one namespace: choose another revision id");
		rt_fix_with(err, RT_FIX_SET, "rev_id");
		return -1;
	}
	if (is_new_label(nr, id)) {
		rt_fail(err, RT_EUSAGE,
			"revision id %s is also given as a branch label of the new revision",
			id);
		rt_hint(err, "ids and branch labels share one namespace: choose another revision id or label");
		rt_fix_with(err, RT_FIX_SET, "rev_id");
		return -1;
	}
	return 0;
}

/*
 * See retort.h.  Every check (id, parents, labels, dependencies,
 * directory, file name) runs and the text is parsed back before anything
 * is written, so no file that breaks later commands is left behind; the
 * file is created with O_EXCL, never overwriting one.
 */
int rt_revision_write(const rt_config *cfg, const rt_graph *g,
		       const rt_new_revision *nr, char **path_out,
		       rt_error *err)
{
	char id[40];
	if (nr->rev_id) {
		if (check_rev_id(g, nr, err) < 0)
			return -1;
		snprintf(id, sizeof(id), "%s", nr->rev_id);
	} else {
		do
			random_id(id);
		while (rt_graph_find(g, id) >= 0 || rt_graph_find_label(g, id) >= 0 ||
		       is_new_label(nr, id));
	}
	rt_revset parents = { 0 };
	rt_strlist deps = { 0 };
	char *dir = NULL, *slug = NULL;
	strbuf name = STRBUF_INIT, text = STRBUF_INIT, path = STRBUF_INIT;
	int rc = -1;
	if (resolve_parents(g, nr, &parents, err) < 0 || check_labels(g, nr, err) < 0 ||
	    resolve_depends(g, nr, &parents, &deps, err) < 0 ||
	    pick_dir(cfg, g, nr, &parents, &dir, err) < 0)
		goto out;
	struct tm tm;
	long usec, off;
	now_in(cfg->timezone, &tm, &usec, &off);
	char date[64], base[32];
	strftime(base, sizeof(base), "%Y-%m-%d %H:%M:%S", &tm);
	int hh = (int)(labs(off) / 3600 % 100), mm = (int)(labs(off) % 3600 / 60);
	snprintf(date, sizeof(date), "%.20s.%06d%c%02d:%02d", base, (int)usec,
		 off < 0 ? '-' : '+', hh, mm);
	slug = rt_slugify(nr->message, cfg->truncate_slug_length);
	if (expand_template(cfg->file_template, id, slug, &tm, &name, err) < 0)
		goto out;
	rt_strbuf_adds(&path, dir);
	rt_strbuf_addf(&path, "/%s.sql", name.buf);
	render(&text, id, g, &parents, date, nr, &deps);
	/* Parse what is about to be written: a bad message cannot corrupt it. */
	rt_revision *check = rt_revision_parse(path.buf, rt_xstrdup(text.buf), text.len, err);
	if (!check)
		goto out;
	rt_revision_free(check);
	if (rt_fs_write_new_file(path.buf, text.buf, text.len, err) < 0) {
		if (errno == EEXIST)
			rt_hint(err, "a file of that name exists; give another message or revision id");
		goto out;
	}
	*path_out = rt_strbuf_detach(&path);
	rc = 0;
out:
	rt_revset_free(&parents);
	rt_strlist_free(&deps);
	free(dir);
	free(slug);
	rt_strbuf_release(&name);
	rt_strbuf_release(&text);
	rt_strbuf_release(&path);
	return rc;
}
