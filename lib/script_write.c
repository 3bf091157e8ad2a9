/*
 * script_write.c - write new migration files (revision and merge).
 *
 * Everything is checked against the graph before the file is written --
 * parents, labels, dependencies, the id -- so a bad request never leaves
 * a file behind that breaks every later command (Alembic writes first and
 * validates later).
 */
#include "internal.h"
#include "graph_internal.h"
#include "util/fs.h"

#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/random.h>
#include <time.h>
#include <unistd.h>

char *rt_slugify(const char *message, int truncate)
{
	strbuf sb = STRBUF_INIT;
	const unsigned char *p = (const unsigned char *)(message ? message : "");
	while (*p) {
		while (*p && !(isalnum(*p) || *p == '_' || *p >= 0x80))
			p++;
		if (!*p)
			break;
		if (sb.len)
			strbuf_addc(&sb, '_');
		while (*p && (isalnum(*p) || *p == '_' || *p >= 0x80))
			strbuf_addc(&sb, (char)tolower(*p++));
	}
	if (truncate > 0 && sb.len > (size_t)truncate) {
		size_t n = (size_t)truncate;
		while (n > 0 && ((unsigned char)sb.buf[n] & 0xC0) == 0x80)
			n--; /* never cut a UTF-8 sequence */
		strbuf_setlen(&sb, n);
		char *us = strrchr(sb.buf, '_');
		if (us)
			strbuf_setlen(&sb, (size_t)(us - sb.buf));
		strbuf_addc(&sb, '_');
	}
	return strbuf_detach(&sb);
}

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

/* Broken-down time now in a tz database zone (NULL: local time). */
static void now_in(const char *tz, struct tm *tm, long *usec, long *gmtoff)
{
	struct timespec ts;
	clock_gettime(CLOCK_REALTIME, &ts);
	*usec = ts.tv_nsec / 1000;
	char *saved = getenv("TZ") ? xstrdup(getenv("TZ")) : NULL;
	if (tz) {
		setenv("TZ", !strcmp(tz, "UTC") ? "UTC0" : tz, 1);
		tzset();
	}
	localtime_r(&ts.tv_sec, tm);
	*gmtoff = tm->tm_gmtoff;
	if (tz) {
		if (saved)
			setenv("TZ", saved, 1);
		else
			unsetenv("TZ");
		tzset();
	}
	free(saved);
}

/*
 * Expand a file_template: %(key)s / %(key)d / %(key).2d / %(key)02d with
 * Alembic's keys rev, slug, epoch, year, month, day, hour, minute, second.
 * "%%" is a literal percent sign (and %%(key)s works as in alembic.ini).
 */
static int expand_template(const char *tpl, const char *rev, const char *slug,
			   const struct tm *tm, strbuf *out, rt_error *err)
{
	const char *p = tpl;
	while (*p) {
		if (p[0] == '%' && p[1] == '%' && p[2] == '(')
			p++;
		if (p[0] == '%' && p[1] == '%') {
			strbuf_addc(out, '%');
			p += 2;
			continue;
		}
		if (p[0] != '%' || p[1] != '(') {
			strbuf_addc(out, *p++);
			continue;
		}
		const char *close = strchr(p, ')');
		if (!close)
			return rt_fail(err, RT_ECONFIG, "file_template '%s': missing ')'", tpl);
		char key[16];
		size_t kl = (size_t)(close - p - 2);
		if (kl >= sizeof(key))
			kl = sizeof(key) - 1;
		memcpy(key, p + 2, kl);
		key[kl] = '\0';
		const char *spec = close + 1;
		size_t sl = strspn(spec, "-+ #0123456789.");
		char conv = spec[sl];
		if (conv != 's' && conv != 'd')
			return rt_fail(err, RT_ECONFIG,
				       "file_template '%s': %%(%s) must be followed by s or d",
				       tpl, key);
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
		else if (!strcmp(key, "second")) num = tm->tm_sec;
		else {
			rt_fail(err, RT_ECONFIG, "file_template '%s': unknown key '%s'", tpl, key);
			rt_hint(err, "keys: rev slug epoch year month day hour minute second");
			return -1;
		}
		char fmt[32], numbuf[32];
		int w = (int)(sl < 20 ? sl : 20);
		if (!str)
			snprintf(numbuf, sizeof(numbuf), "%ld", num);
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wformat-nonliteral"
		if (!str && conv == 'd') {
			snprintf(fmt, sizeof(fmt), "%%%.*sld", w, spec);
			strbuf_addf(out, fmt, num);
		} else {
			snprintf(fmt, sizeof(fmt), "%%%.*ss", w, spec);
			strbuf_addf(out, fmt, str ? str : numbuf);
		}
#pragma GCC diagnostic pop
		p = spec + sl + 1;
	}
	if (strchr(out->buf ? out->buf : "", '/'))
		return rt_fail(err, RT_ECONFIG,
			       "file_template '%s' would put a '/' in the file name", tpl);
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
		if (rt_resolve(g, heads[i], NULL, &t, err) < 0) {
			if (!nr->heads && g->nheads > 1) {
				rt_fail(err, RT_ERESOLVE,
					"Multiple heads are present; please specify the head revision on which the new revision should be based (--head), or perform a merge");
				rt_hint(err, "join them first with: retort merge -m \"merge heads\" heads");
			}
			return -1;
		}
		for (size_t j = 0; j < t.revs.n; j++) {
			int r = t.revs.v[j];
			if (!rt_revset_has(parents, r))
				rt_revset_add(parents, r);
			if (!nr->splice && g->revs[r]->nchildren) {
				rt_fail(err, RT_EUSAGE,
					"Revision %s is not a head revision; please specify --splice to create a new branch from this revision",
					g->revs[r]->id);
				rt_target_free(&t);
				return -1;
			}
		}
		rt_target_free(&t);
	}
	if (!nr->merge)
		return 0;
	if (parents->n < 2) {
		rt_fail(err, RT_EUSAGE, "nothing to merge: %s",
			parents->n ? "the revisions given are a single revision"
				   : "no revisions were given");
		if (g->nheads == 1)
			rt_hint(err, "there is only one head (%s); 'retort revision' makes an ordinary revision",
				g->revs[g->heads[0]]->id);
		return -1;
	}
	for (size_t i = 0; i < parents->n; i++)
		for (size_t j = 0; j < parents->n; j++)
			if (i != j && rt_graph_is_ancestor(g, parents->v[i], parents->v[j]))
				return rt_fail(err, RT_EUSAGE,
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
			return rt_fail(err, RT_EUSAGE,
				       "branch label '%s' is already used by revision %s",
				       l, g->revs[g->labels[owner].rev]->id);
		if (rt_graph_find(g, l) >= 0)
			return rt_fail(err, RT_EUSAGE,
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
				return rt_fail(err, RT_EUSAGE,
					       "--depends-on %s: it is already an ancestor of the new revision",
					       nr->depends[i]);
		const char *name = rt_graph_find_label(g, nr->depends[i]) >= 0
					   ? nr->depends[i] : g->revs[r]->id;
		if (!rt_strlist_has(out, name))
			rt_strlist_push(out, name);
	}
	return 0;
}

/* Where the file goes: --version-path, the first parent's directory, or the only location. */
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
				*dir = xstrdup(cfg->script_locations[i]);
				return 0;
			}
		}
		rt_fail(err, RT_EUSAGE, "--version-path %s is not one of the script locations",
			nr->version_path);
		rt_hint(err, "script_location in retort.ini lists them");
		return -1;
	}
	if (parents->n) {
		*dir = fs_dirname(g->revs[parents->v[0]]->path);
		return 0;
	}
	if (cfg->nscript_locations > 1) {
		rt_fail(err, RT_EUSAGE, "there are several script locations; say which with --version-path");
		return -1;
	}
	*dir = xstrdup(cfg->script_locations[0]);
	return 0;
}

static void header_list(strbuf *sb, const char *key, const char *const *v, size_t n)
{
	strbuf_addf(sb, "-- %s:", key);
	for (size_t i = 0; i < n; i++)
		strbuf_addf(sb, "%s%s", i ? ", " : " ", v[i]);
	strbuf_addc(sb, '\n');
}

static void render(strbuf *sb, const char *id, const rt_graph *g,
		   const rt_revset *parents, const char *date,
		   const rt_new_revision *nr, const rt_strlist *deps)
{
	strbuf_addf(sb, "-- Revision ID: %s\n-- Revises:", id);
	for (size_t i = 0; i < parents->n; i++)
		strbuf_addf(sb, "%s%s", i ? ", " : " ", g->revs[parents->v[i]]->id);
	strbuf_addf(sb, "\n-- Create Date: %s\n-- Message: ", date);
	const char *m = nr->message && *nr->message ? nr->message : "empty message";
	for (; *m; m++)
		strbuf_addc(sb, *m == '\n' || *m == '\r' ? ' ' : *m);
	strbuf_addc(sb, '\n');
	header_list(sb, "Branch Labels", nr->labels, nr->nlabels);
	header_list(sb, "Depends On", (const char *const *)deps->v, deps->n);
	strbuf_adds(sb, "\n-- migrate:upgrade\n");
	if (nr->upgrade_sql && *nr->upgrade_sql) {
		strbuf_adds(sb, nr->upgrade_sql);
		if (sb->buf[sb->len - 1] != '\n')
			strbuf_addc(sb, '\n');
	}
	strbuf_adds(sb, "\n-- migrate:downgrade\n");
	if (nr->downgrade_sql && *nr->downgrade_sql) {
		strbuf_adds(sb, nr->downgrade_sql);
		if (sb->buf[sb->len - 1] != '\n')
			strbuf_addc(sb, '\n');
	}
}

int rt_revision_create(const rt_config *cfg, const rt_graph *g,
		       const rt_new_revision *nr, char **path_out,
		       rt_error *err)
{
	char id[40];
	if (nr->rev_id) {
		if (rt_check_revision_id(nr->rev_id, err) < 0)
			return -1;
		int old = rt_graph_find(g, nr->rev_id);
		if (old >= 0)
			return rt_fail(err, RT_EUSAGE, "revision id %s already exists (%s)",
				       nr->rev_id, g->revs[old]->path);
		snprintf(id, sizeof(id), "%s", nr->rev_id);
	} else {
		do
			random_id(id);
		while (rt_graph_find(g, id) >= 0);
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
	strbuf_adds(&path, dir);
	strbuf_addf(&path, "/%s.sql", name.buf);
	render(&text, id, g, &parents, date, nr, &deps);
	/* Parse what is about to be written: a bad message cannot corrupt it. */
	rt_revision *check = rt_revision_parse(path.buf, xstrdup(text.buf), text.len, err);
	if (!check)
		goto out;
	rt_revision_free(check);
	if (fs_write_new_file(path.buf, text.buf, text.len, err) < 0) {
		if (errno == EEXIST)
			rt_hint(err, "a file of that name exists; give another message or --rev-id");
		goto out;
	}
	*path_out = strbuf_detach(&path);
	rc = 0;
out:
	rt_revset_free(&parents);
	rt_strlist_free(&deps);
	free(dir);
	free(slug);
	strbuf_release(&name);
	strbuf_release(&text);
	strbuf_release(&path);
	return rc;
}
