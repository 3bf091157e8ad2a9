/*
 * config.c - retort.ini: read with inih, then resolved.
 *
 *   [retort]            the settings
 *   [env:NAME]          overrides, used with -e NAME or RETORT_ENV=NAME
 *   [placeholders]      values for ${name} in migration files
 *   [lint]              what lint reports (disable, warn, exclude, ...)
 *
 * Values may use ${VAR} and ${VAR:-default} from the environment ($${ is a
 * literal "${") and %(here)s for the file's directory.  Substitution
 * happens only for the values in effect, so an unset variable in an
 * unused environment is no error.  Every mistake names file and line.
 */
#include "internal.h"
#include "util/fs.h"

#include <ctype.h>
#include <errno.h>
#include <ini.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>

/* Keys of [retort] and [env:NAME]. */
static const char *const known_keys[] = {
	"script_location", "url", "schema", "schema_command", "version_table", "file_template",
	"timezone", "truncate_slug_length", "transaction_per_migration", "compare_privileges",
	"lock_wait", "version_table_schema", "search_path", "lock_timeout",
	"statement_timeout", "dev_url", "seed_location", "seeds", "branches",
	"protected", "column_order", "dump_schema_after_upgrade", "lock_retries",
	"lock_retry_max_wait", "online", "scratch_spare", NULL,
};

/* Keys of [lint], set as "lint.KEY". */
static const char *const lint_keys[] = {
	"disable", "warn", "exclude", "ignore_before", "postgres_version", NULL,
};

/* A raw value as read, before substitution. */
typedef struct raw {
	char *section;
	char *key;
	char *value;
	int line;
} raw;

typedef struct parse_state {
	const char *path;
	FILE *fp;
	int line;
	int too_long;
	int nul; /* the first line with a NUL byte, 0 if none */
	raw *v;
	size_t n, alloc;
	rt_strlist sections; /* every [section] of the file, in order */
	rt_errlist errs;
	const rt_kv *over;   /* settings the caller gives, replacing the file's */
	size_t nover;
} parse_state;

static int known_section(const char *name)
{
	return !strcmp(name, "retort") || !strcmp(name, "placeholders") ||
	       !strcmp(name, "lint") || (!strncmp(name, "env:", 4) && name[4]);
}

/*
 * Record a section of the file (once), reporting an unknown one at the
 * line that names it.  Sections are noted as their headers are read, so
 * an empty [env:NAME] exists and an unknown section is one error, not one
 * per key.
 */
static void note_section(parse_state *ps, const char *name, size_t len,
			 int line)
{
	for (size_t i = 0; i < ps->sections.n; i++)
		if (strlen(ps->sections.v[i]) == len &&
		    !strncmp(ps->sections.v[i], name, len))
			return;
	rt_strlist_pushn(&ps->sections, name, len);
	const char *sec = ps->sections.v[ps->sections.n - 1];
	if (known_section(sec))
		return;
	rt_error e = { 0 };
	rt_fail_at(&e, RT_ECONFIG, ps->path, line,
		   "unknown section [%s] (known: [retort], [env:NAME], [placeholders], [lint])",
		   sec);
	rt_errlist_add(&ps->errs, &e);
}

/* A "[name]" header line (unindented, as inih reads it): note the section. */
static void header_of(parse_state *ps, const char *str)
{
	if (ps->line == 1 && !strncmp(str, "\xEF\xBB\xBF", 3))
		str += 3;
	if (str[0] != '[')
		return;
	const char *close = strchr(str, ']');
	if (close)
		note_section(ps, str + 1, (size_t)(close - str - 1), ps->line);
}

/*
 * inih's reader: one line into str (at most num - 2 characters, a '\n'
 * and the NUL), counting lines.  LF, CRLF and a lone CR all end a line:
 * fgets knows only LF, and a file saved with CR line ends would be read as
 * one line.  An over-long line and a NUL byte (which would silently end
 * the line for inih) are noted with their line and the line is passed on
 * empty, so they are reported rather than half-read.
 */
static char *reader(char *str, int num, void *stream)
{
	parse_state *ps = stream;
	int c = getc(ps->fp);
	if (c == EOF)
		return NULL;
	ps->line++;
	size_t n = 0, max = (size_t)num - 2;
	int too_long = 0, nul = 0;
	for (; c != EOF && c != '\n' && c != '\r'; c = getc(ps->fp)) {
		if (c == '\0')
			nul = 1;
		if (n < max)
			str[n++] = (char)c;
		else
			too_long = 1;
	}
	if (c == '\r') {
		int next = getc(ps->fp);
		if (next != '\n' && next != EOF)
			ungetc(next, ps->fp);
	}
	str[n++] = '\n';
	str[n] = '\0';
	if (too_long && !ps->too_long)
		ps->too_long = ps->line;
	if (nul && !ps->nul) {
		ps->nul = ps->line;
		rt_error e = { 0 };
		rt_fail_at(&e, RT_ECONFIG, ps->path, ps->line, "contains a NUL byte");
		rt_hint(&e, "save the file as UTF-8 text (an editor may have written UTF-16, which has a NUL in every line)");
		rt_errlist_add(&ps->errs, &e);
	}
	if (too_long || nul)
		str[0] = '\0';
	header_of(ps, str);
	return str;
}

/* Is k a key of the section (placeholders take any key)? */
static int known_key(const char *section, const char *k)
{
	if (!strcmp(section, "placeholders"))
		return 1;
	const char *const *keys = strcmp(section, "lint") ? known_keys : lint_keys;
	for (int i = 0; keys[i]; i++)
		if (!strcmp(keys[i], k))
			return 1;
	return 0;
}

static void error_at(parse_state *ps, const char *what, const char *name,
		     const char *section)
{
	rt_error e = { 0 };
	rt_fail_at(&e, RT_ECONFIG, ps->path, ps->line, "%s '%s' in [%s]", what,
		   name, section);
	rt_errlist_add(&ps->errs, &e);
}

/*
 * inih's callback for each key = value: keep the raw value (substituted
 * later, and only if its section is used).  Unknown keys are reported, and
 * so is a key given twice in a section -- which is also how an indented
 * line arrives, since inih passes it as another value of the previous key.
 * Always returns 1 so that inih reads on and every mistake is reported.
 */
static int handler(void *user, const char *section, const char *name,
		   const char *value)
{
	parse_state *ps = user;
	note_section(ps, section, strlen(section), ps->line);
	if (!known_section(section))
		return 1; /* reported once, at its header */
	if (!known_key(section, name)) {
		error_at(ps, "unknown key", name, section);
		return 1;
	}
	int settings = strcmp(section, "placeholders") && strcmp(section, "lint");
	for (size_t i = 0; i < ps->n; i++) {
		if (strcmp(ps->v[i].section, section))
			continue;
		if (!strcmp(ps->v[i].key, name)) {
			error_at(ps, "a second value (indented lines continue the previous one) for",
				 name, section);
			return 1;
		}
		if (settings && !strncmp(name, "schema", 6) &&
		    !strncmp(ps->v[i].key, "schema", 6)) {
			/* schema and schema_command: two answers to one question */
			rt_error e = { 0 };
			rt_fail_at(&e, RT_ECONFIG, ps->path, ps->line,
				   "both schema and schema_command in [%s]: keep one", section);
			rt_errlist_add(&ps->errs, &e);
			return 1;
		}
	}
	ALLOC_GROW(ps->v, ps->n + 1, ps->alloc);
	raw *r = &ps->v[ps->n++];
	r->section = rt_xstrdup(section);
	r->key = rt_xstrdup(name);
	r->value = rt_xstrdup(value);
	r->line = ps->line;
	return 1;
}

/*
 * Expand ${VAR}, ${VAR:-default}, $${ and %(here)s in a value.  An unset
 * variable without a default is an error naming file:line.
 */
static int substitute(const rt_config *cfg, const raw *r, char **out,
		      rt_error *err)
{
	strbuf sb = STRBUF_INIT;
	const char *p = r->value;
	while (*p) {
		if (p[0] == '$' && p[1] == '$' && p[2] == '{') {
			rt_strbuf_adds(&sb, "${");
			p += 3;
		} else if (p[0] == '$' && p[1] == '{') {
			const char *close = strchr(p, '}');
			if (!close) {
				rt_strbuf_release(&sb);
				return rt_fail_at(err, RT_ECONFIG, cfg->path, r->line,
						  "'%s': unterminated ${ in value", r->key);
			}
			const char *name = p + 2;
			const char *dflt = strstr(name, ":-");
			if (dflt && dflt > close)
				dflt = NULL;
			char *var = rt_xstrndup(name, (size_t)((dflt ? dflt : close) - name));
			const char *val = getenv(var);
			if (val && (*val || !dflt)) /* ${VAR:-d} also replaces an empty VAR */
				rt_strbuf_adds(&sb, val);
			else if (dflt)
				rt_strbuf_add(&sb, dflt + 2, (size_t)(close - dflt - 2));
			else {
				rt_fail_at(err, RT_ECONFIG, cfg->path, r->line,
					   "'%s' uses ${%s}, and the environment variable %s is not set",
					   r->key, var, var);
				rt_hint(err, "export %s, or give a default: ${%s:-value}", var, var);
				free(var);
				rt_strbuf_release(&sb);
				return -1;
			}
			free(var);
			p = close + 1;
		} else if (!strncmp(p, "%(here)s", 8)) {
			/* Absolute, as Alembic's: the value may be used from elsewhere. */
			char *abs = cfg->dir[0] == '/' ? NULL : realpath(cfg->dir, NULL);
			rt_strbuf_adds(&sb, abs ? abs : cfg->dir);
			free(abs);
			p += 8;
		} else {
			rt_strbuf_addc(&sb, *p++);
		}
	}
	*out = rt_strbuf_detach(&sb);
	return 0;
}

/* true/yes/on/1 or false/no/off/0, in any case; -1 (*out untouched) otherwise. */
static int parse_bool(const char *v, int *out)
{
	static const char *const yes[] = { "true", "yes", "on", "1", NULL };
	static const char *const no[] = { "false", "no", "off", "0", NULL };
	for (int i = 0; yes[i]; i++)
		if (!strcasecmp(v, yes[i]))
			return *out = 1, 0;
	for (int i = 0; no[i]; i++)
		if (!strcasecmp(v, no[i]))
			return *out = 0, 0;
	return -1;
}

static void free_locations(rt_config *cfg)
{
	for (size_t i = 0; i < cfg->nscript_locations; i++)
		free(cfg->script_locations[i]);
	free(cfg->script_locations);
	cfg->script_locations = NULL;
	cfg->nscript_locations = 0;
}

/* script_location: one directory or several, comma-separated. */
static int set_locations(rt_config *cfg, const char *v, rt_error *err)
{
	free_locations(cfg);
	const char *p = v;
	while (*p) {
		const char *comma = strchr(p, ',');
		const char *e = comma ? comma : p + strlen(p);
		while (p < e && isspace((unsigned char)*p))
			p++;
		const char *q = e;
		while (q > p && isspace((unsigned char)q[-1]))
			q--;
		if (q > p) {
			char *d = rt_xstrndup(p, (size_t)(q - p));
			cfg->script_locations = rt_xrealloc(cfg->script_locations,
				(cfg->nscript_locations + 1) * sizeof(char *));
			cfg->script_locations[cfg->nscript_locations++] =
				rt_fs_join(cfg->dir, d);
			free(d);
		}
		p = comma ? comma + 1 : e;
	}
	if (!cfg->nscript_locations)
		return rt_fail(err, RT_ECONFIG, "script_location is empty");
	return 0;
}

/*
 * Accept "", UTC, local, or a zone file under $TZDIR (default
 * /usr/share/zoneinfo), refusing ".." and absolute names.  Checked here
 * because a TZ the C library does not know silently means UTC, and the
 * dates of new revisions would be wrong without a word.
 */
static int check_timezone(const char *tz, rt_error *err)
{
	if (!*tz || !strcmp(tz, "UTC") || !strcmp(tz, "local"))
		return 0;
	const char *dir = getenv("TZDIR");
	char *path = rt_fs_join(dir ? dir : "/usr/share/zoneinfo", tz);
	int ok = !strstr(tz, "..") && tz[0] != '/' && rt_fs_exists(path) &&
		 !rt_fs_is_dir(path);
	free(path);
	if (ok)
		return 0;
	rt_fail(err, RT_ECONFIG, "unknown timezone '%s'", tz);
	rt_hint(err, "use UTC, local, or a name from the tz database such as Europe/Paris");
	return -1;
}

static void free_list(char **v, size_t n)
{
	for (size_t i = 0; i < n; i++)
		free(v[i]);
	free(v);
}

/* A comma-separated list of names. */
static void set_list(char ***v, size_t *n, const char *s)
{
	free_list(*v, *n);
	*v = NULL;
	*n = 0;
	while (*s) {
		const char *comma = strchr(s, ',');
		const char *e = comma ? comma : s + strlen(s);
		const char *a = s, *b = e;
		while (a < b && isspace((unsigned char)*a))
			a++;
		while (b > a && isspace((unsigned char)b[-1]))
			b--;
		if (b > a) {
			*v = rt_xrealloc(*v, (*n + 1) * sizeof(char *));
			(*v)[(*n)++] = rt_xstrndup(a, (size_t)(b - a));
		}
		s = comma ? comma + 1 : e;
	}
}

/*
 * PostgreSQL session settings.  The server checks the values; here only
 * that a schema is a plain name, since it is spliced into SQL.
 */
static int set_pg_setting(rt_config *cfg, const char *key, const char *v,
			  rt_error *err)
{
	char **slot = !strcmp(key, "version_table_schema") ? &cfg->version_table_schema
		    : !strcmp(key, "search_path") ? &cfg->search_path
		    : !strcmp(key, "lock_timeout") ? &cfg->lock_timeout
		    : &cfg->statement_timeout;
	if (slot == &cfg->version_table_schema && *v) {
		for (const char *p = v; *p; p++)
			if (!(isalnum((unsigned char)*p) || *p == '_'))
				return rt_fail(err, RT_ECONFIG,
					       "version_table_schema '%s' is not a plain schema name", v);
	}
	free(*slot);
	*slot = *v ? rt_xstrdup(v) : NULL;
	return 0;
}

/*
 * [lint]: rule lists, file globs, the revision history starts after, and
 * the PostgreSQL major version (rule names are checked by lint itself).
 */
static int set_lint(rt_config *cfg, const char *key, const char *v, rt_error *err)
{
	rt_strlist *l = !strcmp(key, "disable") ? &cfg->lint_disable
		      : !strcmp(key, "warn") ? &cfg->lint_warn
		      : !strcmp(key, "exclude") ? &cfg->lint_exclude : NULL;
	if (l) {
		set_list(&l->v, &l->n, v);
	} else if (!strcmp(key, "ignore_before")) {
		free(cfg->lint_ignore_before);
		cfg->lint_ignore_before = *v ? rt_xstrdup(v) : NULL;
	} else if (!strcmp(key, "postgres_version")) {
		char *end;
		long n = strtol(v, &end, 10);
		if (*v && (*end || n < 9 || n > 99))
			return rt_fail(err, RT_ECONFIG,
				       "postgres_version '%s' is not a PostgreSQL major version such as 15", v);
		cfg->lint_postgres_version = *v ? (int)n : 0;
	} else {
		return rt_fail(err, RT_ECONFIG, "unknown setting 'lint.%s'", key);
	}
	return 0;
}

/*
 * See retort.h.  Each value is checked as it is set; relative paths
 * (script_location, schema, seed_location) are joined to cfg->dir.  An
 * empty value unsets an optional setting (schema, dev_url, timezone, the
 * PostgreSQL ones), but url stays "" and seed_location becomes "seeds".
 */
int rt_config_set(rt_config *cfg, const char *key, const char *v,
		  rt_error *err)
{
	if (!strcmp(key, "script_location"))
		return set_locations(cfg, v, err);
	if (!strcmp(key, "url") || !strcmp(key, "dev_url")) {
		char **slot = key[0] == 'u' ? &cfg->url : &cfg->dev_url;
		char *driver;
		free(*slot);
		*slot = *v || key[0] == 'u' ? rt_url_without_driver(v, &driver) : NULL;
		if (*slot && key[0] == 'u') {
			free(cfg->url_driver);
			cfg->url_driver = driver;
		} else if (*slot) {
			free(driver);
		}
	} else if (!strcmp(key, "schema") || !strcmp(key, "schema_command")) {
		/* Two ways to declare the schema: setting one unsets the other. */
		free(cfg->schema);
		free(cfg->schema_command);
		cfg->schema = cfg->schema_command = NULL;
		if (*v && key[6] == '_')
			cfg->schema_command = rt_xstrdup(v);
		else if (*v)
			cfg->schema = rt_fs_join(cfg->dir, v);
	} else if (!strcmp(key, "version_table")) {
		rt_error e = { 0 };
		if (rt_check_revision_id(v, &e) < 0) {
			rt_error_clear(&e);
			return rt_fail(err, RT_ECONFIG,
				       "version_table '%s' is not a plain table name", v);
		}
		free(cfg->version_table);
		cfg->version_table = rt_xstrdup(v);
	} else if (!strcmp(key, "file_template")) {
		if (rt_file_template_check(v, err) < 0)
			return -1;
		free(cfg->file_template);
		cfg->file_template = rt_xstrdup(v);
	} else if (!strcmp(key, "timezone")) {
		if (check_timezone(v, err) < 0)
			return -1;
		free(cfg->timezone);
		cfg->timezone = *v && strcmp(v, "local") ? rt_xstrdup(v) : NULL;
	} else if (!strcmp(key, "truncate_slug_length")) {
		char *end;
		long n = strtol(v, &end, 10);
		if (*end || n < 1 || n > 200)
			return rt_fail(err, RT_ECONFIG,
				       "truncate_slug_length '%s' is not a number from 1 to 200", v);
		cfg->truncate_slug_length = (int)n;
	} else if (!strcmp(key, "transaction_per_migration")) {
		if (parse_bool(v, &cfg->transaction_per_migration) < 0)
			return rt_fail(err, RT_ECONFIG,
				       "transaction_per_migration '%s' is not true or false", v);
	} else if (!strcmp(key, "compare_privileges")) {
		if (parse_bool(v, &cfg->compare_privileges) < 0)
			return rt_fail(err, RT_ECONFIG,
				       "compare_privileges '%s' is not true or false", v);
	} else if (!strcmp(key, "online")) {
		if (parse_bool(v, &cfg->online) < 0)
			return rt_fail(err, RT_ECONFIG, "online '%s' is not true or false", v);
	} else if (!strcmp(key, "scratch_spare")) {
		if (parse_bool(v, &cfg->scratch_spare) < 0)
			return rt_fail(err, RT_ECONFIG, "scratch_spare '%s' is not true or false", v);
	} else if (!strcmp(key, "column_order")) {
		if (strcmp(v, "ignore") && strcmp(v, "strict"))
			return rt_fail(err, RT_ECONFIG,
				       "column_order '%s' is not ignore or strict", v);
		cfg->column_order_strict = !strcmp(v, "strict");
	} else if (!strcmp(key, "version_table_schema") ||
		   !strcmp(key, "search_path") || !strcmp(key, "lock_timeout") ||
		   !strcmp(key, "statement_timeout")) {
		return set_pg_setting(cfg, key, v, err);
	} else if (!strcmp(key, "seed_location")) {
		free(cfg->seed_location);
		cfg->seed_location = rt_fs_join(cfg->dir, *v ? v : "seeds");
	} else if (!strcmp(key, "seeds")) {
		set_list(&cfg->seeds, &cfg->nseeds, v);
	} else if (!strcmp(key, "branches")) {
		set_list(&cfg->branches, &cfg->nbranches, v);
	} else if (!strcmp(key, "protected")) {
		if (parse_bool(v, &cfg->protected_env) < 0)
			return rt_fail(err, RT_ECONFIG, "protected '%s' is not true or false", v);
	} else if (!strcmp(key, "dump_schema_after_upgrade")) {
		free(cfg->dump_schema_after_upgrade);
		cfg->dump_schema_after_upgrade = *v ? rt_fs_join(cfg->dir, v) : NULL;
	} else if (!strncmp(key, "lint.", 5)) {
		return set_lint(cfg, key + 5, v, err);
	} else if (!strcmp(key, "lock_wait")) {
		char *end;
		double d = strtod(v, &end);
		if (*end || end == v || !(d >= 0 && d <= 86400))
			return rt_fail(err, RT_ECONFIG,
				       "lock_wait '%s' is not a number of seconds", v);
		cfg->lock_wait = d;
	} else if (!strcmp(key, "lock_retries")) {
		char *end;
		long n = strtol(v, &end, 10);
		if (*end || end == v || n < 0 || n > 100)
			return rt_fail(err, RT_ECONFIG, "lock_retries '%s' is not a number from 0 to 100", v);
		cfg->lock_retries = (int)n;
	} else if (!strcmp(key, "lock_retry_max_wait")) {
		char *end;
		double d = strtod(v, &end);
		if (*end || end == v || !(d >= 0 && d <= 3600))
			return rt_fail(err, RT_ECONFIG,
				       "lock_retry_max_wait '%s' is not a number of seconds (at most 3600)", v);
		cfg->lock_retry_max_wait = d;
	} else {
		return rt_fail(err, RT_ECONFIG, "unknown setting '%s'", key);
	}
	return 0;
}

/*
 * See retort.h.  Every default in one place; url comes from $DATABASE_URL
 * when it is set (a file's url overrides it).
 */
rt_config *rt_config_new(const char *dir)
{
	rt_config *cfg = rt_xcalloc(1, sizeof(*cfg));
	cfg->dir = rt_xstrdup(dir ? dir : ".");
	cfg->version_table = rt_xstrdup("retort_version");
	cfg->file_template = rt_xstrdup("%(rev)s_%(slug)s");
	cfg->truncate_slug_length = 40;
	cfg->transaction_per_migration = 1;
	cfg->lock_wait = 300;
	cfg->lock_retries = 3;
	cfg->lock_retry_max_wait = 30;
	cfg->online = 1;
	cfg->scratch_spare = 1;
	set_locations(cfg, "migrations", NULL);
	cfg->seed_location = rt_fs_join(cfg->dir, "seeds");
	const char *url = getenv("DATABASE_URL");
	if (url && *url)
		cfg->url = rt_url_without_driver(url, &cfg->url_driver);
	return cfg;
}

/* Does the caller give key itself (so the file's value is not even substituted)? */
static int overridden(const parse_state *ps, const char *section, const char *key)
{
	if (!strcmp(section, "placeholders"))
		return 0;
	for (size_t i = 0; i < ps->nover; i++)
		if (!strcmp(ps->over[i].key, key))
			return 1;
	return 0;
}

/*
 * Apply the settings the caller gives (as by rt_config_set, last so they
 * win); a bad one is reported as the setting, since no file line has it.
 */
static int apply_overrides(rt_config *cfg, const rt_kv *over, size_t n, rt_error *err)
{
	for (size_t i = 0; i < n; i++)
		if (rt_config_set(cfg, over[i].key, over[i].value, err) < 0)
			return -1;
	return 0;
}

/* Apply the values of one section (in file order) to cfg. */
static void apply_section(rt_config *cfg, parse_state *ps, const char *section)
{
	for (size_t i = 0; i < ps->n; i++) {
		raw *r = &ps->v[i];
		if (strcmp(r->section, section) || overridden(ps, section, r->key))
			continue;
		rt_error e = { 0 };
		char *v = NULL;
		if (substitute(cfg, r, &v, &e) < 0) {
			rt_errlist_add(&ps->errs, &e);
			continue;
		}
		char *key = !strcmp(section, "lint") ? rt_xasprintf("lint.%s", r->key)
						     : rt_xstrdup(r->key);
		if (!strcmp(section, "placeholders")) {
			rt_config_set_placeholder(cfg, r->key, v);
		} else if (rt_config_set(cfg, key, v, &e) < 0) {
			char *m = e.message, *hint = e.hint;
			e.message = e.hint = NULL;
			rt_fail_at(&e, RT_ECONFIG, cfg->path, r->line, "%s", m);
			e.hint = hint; /* what to do, e.g. the file_template keys */
			free(m);
			rt_errlist_add(&ps->errs, &e);
		}
		free(key);
		free(v);
	}
}

/* Fail unless the [env:NAME] section exists; list the ones that do. */
static int check_env(parse_state *ps, const char *env, rt_error *err)
{
	char *want = rt_xasprintf("env:%s", env);
	int found = rt_strlist_has(&ps->sections, want);
	free(want);
	if (found)
		return 0;
	strbuf have = STRBUF_INIT;
	for (size_t i = 0; i < ps->sections.n; i++)
		if (!strncmp(ps->sections.v[i], "env:", 4) && ps->sections.v[i][4])
			rt_strbuf_addf(&have, "%s%s", have.len ? ", " : "",
				    ps->sections.v[i] + 4);
	rt_fail(err, RT_ECONFIG, "%s has no [env:%s] section", ps->path, env);
	if (have.len)
		rt_hint(err, "environments defined there: %s", have.buf);
	else
		rt_hint(err, "add a section [env:%s] with the settings that differ", env);
	rt_strbuf_release(&have);
	return -1;
}

static void free_raw(parse_state *ps)
{
	for (size_t i = 0; i < ps->n; i++) {
		free(ps->v[i].section);
		free(ps->v[i].key);
		free(ps->v[i].value);
	}
	free(ps->v);
	rt_strlist_free(&ps->sections);
}

/*
 * Parse path into ps->v; 0 or -1 with err set.  A directory is refused:
 * it opens and reads as an empty file on Linux, so "-c DIR" would
 * silently mean the defaults.  Anything else that reads is read (-c
 * /dev/null for the defaults, -c <(generate-config) for a pipe).
 */
static int read_file(parse_state *ps, rt_error *err)
{
	struct stat st;
	if (!stat(ps->path, &st) && S_ISDIR(st.st_mode)) {
		rt_fail_at(err, RT_ECONFIG, ps->path, 0,
			   "is a directory, not a configuration file");
		size_t n = strlen(ps->path);
		if (n >= 4 && !strcmp(ps->path + n - 4, ".ini"))
			rt_hint(err, "rename that directory, or name a configuration file");
		else
			rt_hint(err, "name the file itself, e.g. %s/retort.ini", ps->path);
		rt_fix_with(err, RT_FIX_SET, "config_file");
		return -1;
	}
	ps->fp = fopen(ps->path, "r");
	if (!ps->fp) {
		rt_fail_at(err, RT_ECONFIG, ps->path, 0, "cannot read: %s",
			   strerror(errno));
		if (errno == ENOENT) {
			rt_hint(err, "start a new project, or name another configuration file");
			rt_fix_with(err, RT_FIX_NEW_PROJECT, NULL);
		}
		return -1;
	}
	int rc = ini_parse_stream(reader, ps, handler, ps);
	fclose(ps->fp);
	if (ps->too_long) {
		rt_error e = { 0 };
		rt_fail_at(&e, RT_ECONFIG, ps->path, ps->too_long,
			   "line longer than 198 characters");
		rt_errlist_add(&ps->errs, &e);
	} else if (rc > 0) {
		rt_error e = { 0 };
		rt_fail_at(&e, RT_ECONFIG, ps->path, rc,
			   "not a 'key = value' line or a [section] header");
		rt_errlist_add(&ps->errs, &e);
	}
	return rt_errlist_finish(&ps->errs, err);
}

/*
 * See retort.h.  Sections apply in order [retort], [env:NAME],
 * [placeholders], each value substituted only then, so a variable that
 * only other environments use need not be set -- nor one in a setting the
 * caller overrides.  Every mistake in the file is collected and reported
 * at once.
 */
rt_config *rt_config_load_kv(const char *path, const char *env, int require_file,
			     const rt_kv *overrides, size_t noverrides, rt_error *err)
{
	if (!path)
		path = getenv("RETORT_CONFIG");
	if (path && !*path)
		path = NULL;
	if (!env)
		env = getenv("RETORT_ENV");
	if (env && !*env)
		env = NULL;
	if (!path) {
		if (!rt_fs_exists("retort.ini") && !require_file) {
			if (env) {
				rt_fail(err, RT_ECONFIG,
					"environment '%s' was asked for, but there is no retort.ini", env);
				return NULL;
			}
			rt_config *cfg = rt_config_new(".");
			if (apply_overrides(cfg, overrides, noverrides, err) < 0) {
				rt_config_free(cfg);
				return NULL;
			}
			return cfg;
		}
		path = "retort.ini";
	}
	parse_state ps = { .path = path, .over = overrides, .nover = noverrides };
	if (read_file(&ps, err) < 0) {
		free_raw(&ps);
		return NULL;
	}
	char *dir = rt_fs_dirname(path);
	rt_config *cfg = rt_config_new(dir);
	free(dir);
	cfg->path = rt_xstrdup(path);
	if (env && check_env(&ps, env, err) < 0) {
		free_raw(&ps);
		rt_config_free(cfg);
		return NULL;
	}
	cfg->env = rt_xstrdup_or_null(env);
	for (size_t i = 0; i < ps.sections.n; i++)
		if (!strncmp(ps.sections.v[i], "env:", 4) && ps.sections.v[i][4])
			rt_strlist_push(&cfg->envs, ps.sections.v[i] + 4);
	apply_section(cfg, &ps, "retort");
	if (env) {
		char *s = rt_xasprintf("env:%s", env);
		apply_section(cfg, &ps, s);
		free(s);
	}
	apply_section(cfg, &ps, "placeholders");
	apply_section(cfg, &ps, "lint");
	free_raw(&ps);
	if (rt_errlist_finish(&ps.errs, err) < 0 ||
	    apply_overrides(cfg, overrides, noverrides, err) < 0) {
		rt_config_free(cfg);
		return NULL;
	}
	return cfg;
}

rt_config *rt_config_load(const char *path, const char *env, int require_file,
			  rt_error *err)
{
	return rt_config_load_kv(path, env, require_file, NULL, 0, err);
}

/*
 * See retort.h.  Every string and list is copied, so the clone and the
 * original are freed independently with rt_config_free.
 */
rt_config *rt_config_clone(const rt_config *cfg)
{
	rt_config *c = rt_xcalloc(1, sizeof(*c));
	*c = *cfg;
	c->path = rt_xstrdup_or_null(cfg->path);
	c->dir = rt_xstrdup_or_null(cfg->dir);
	c->env = rt_xstrdup_or_null(cfg->env);
	c->url = rt_xstrdup_or_null(cfg->url);
	c->url_driver = rt_xstrdup_or_null(cfg->url_driver);
	c->schema = rt_xstrdup_or_null(cfg->schema);
	c->schema_command = rt_xstrdup_or_null(cfg->schema_command);
	c->version_table = rt_xstrdup_or_null(cfg->version_table);
	c->version_table_schema = rt_xstrdup_or_null(cfg->version_table_schema);
	c->search_path = rt_xstrdup_or_null(cfg->search_path);
	c->lock_timeout = rt_xstrdup_or_null(cfg->lock_timeout);
	c->statement_timeout = rt_xstrdup_or_null(cfg->statement_timeout);
	c->dev_url = rt_xstrdup_or_null(cfg->dev_url);
	c->seed_location = rt_xstrdup_or_null(cfg->seed_location);
	c->seeds = rt_xcalloc(cfg->nseeds + 1, sizeof(char *));
	for (size_t i = 0; i < cfg->nseeds; i++)
		c->seeds[i] = rt_xstrdup(cfg->seeds[i]);
	c->branches = rt_xcalloc(cfg->nbranches + 1, sizeof(char *));
	for (size_t i = 0; i < cfg->nbranches; i++)
		c->branches[i] = rt_xstrdup(cfg->branches[i]);
	c->file_template = rt_xstrdup_or_null(cfg->file_template);
	c->timezone = rt_xstrdup_or_null(cfg->timezone);
	c->script_locations = rt_xcalloc(cfg->nscript_locations + 1, sizeof(char *));
	for (size_t i = 0; i < cfg->nscript_locations; i++)
		c->script_locations[i] = rt_xstrdup(cfg->script_locations[i]);
	rt_strlist *const lists[] = { &c->lint_disable, &c->lint_warn, &c->lint_exclude, &c->envs };
	for (size_t k = 0; k < 4; k++) {
		rt_strlist from = *lists[k];
		memset(lists[k], 0, sizeof(from));
		for (size_t i = 0; i < from.n; i++)
			rt_strlist_push(lists[k], from.v[i]);
	}
	c->lint_ignore_before = rt_xstrdup_or_null(cfg->lint_ignore_before);
	c->dump_schema_after_upgrade = rt_xstrdup_or_null(cfg->dump_schema_after_upgrade);
	c->placeholders = rt_xcalloc(cfg->nplaceholders + 1, sizeof(rt_kv));
	for (size_t i = 0; i < cfg->nplaceholders; i++) {
		c->placeholders[i].key = rt_xstrdup(cfg->placeholders[i].key);
		c->placeholders[i].value = rt_xstrdup(cfg->placeholders[i].value);
	}
	return c;
}

/* See retort.h; a key already set gets the new value in its old place. */
void rt_config_set_placeholder(rt_config *cfg, const char *key,
			       const char *value)
{
	for (size_t i = 0; i < cfg->nplaceholders; i++)
		if (!strcmp(cfg->placeholders[i].key, key)) {
			free(cfg->placeholders[i].value);
			cfg->placeholders[i].value = rt_xstrdup(value);
			return;
		}
	cfg->placeholders = rt_xrealloc(cfg->placeholders,
		(cfg->nplaceholders + 1) * sizeof(*cfg->placeholders));
	cfg->placeholders[cfg->nplaceholders].key = rt_xstrdup(key);
	cfg->placeholders[cfg->nplaceholders].value = rt_xstrdup(value);
	cfg->nplaceholders++;
}

const char *rt_config_placeholder(const rt_config *cfg, const char *key)
{
	for (size_t i = 0; i < cfg->nplaceholders; i++)
		if (!strcmp(cfg->placeholders[i].key, key))
			return cfg->placeholders[i].value;
	return NULL;
}

/* Frees every string and list the configuration owns; cfg may be NULL. */
void rt_config_free(rt_config *cfg)
{
	if (!cfg)
		return;
	free(cfg->path);
	free(cfg->dir);
	free(cfg->env);
	free_locations(cfg);
	free(cfg->url);
	free(cfg->url_driver);
	free(cfg->schema);
	free(cfg->schema_command);
	free(cfg->version_table);
	free(cfg->version_table_schema);
	free(cfg->search_path);
	free(cfg->lock_timeout);
	free(cfg->statement_timeout);
	free(cfg->dev_url);
	free(cfg->seed_location);
	free_list(cfg->seeds, cfg->nseeds);
	free_list(cfg->branches, cfg->nbranches);
	free(cfg->file_template);
	free(cfg->timezone);
	for (size_t i = 0; i < cfg->nplaceholders; i++) {
		free(cfg->placeholders[i].key);
		free(cfg->placeholders[i].value);
	}
	free(cfg->placeholders);
	rt_strlist_free(&cfg->lint_disable);
	rt_strlist_free(&cfg->lint_warn);
	rt_strlist_free(&cfg->lint_exclude);
	rt_strlist_free(&cfg->envs);
	free(cfg->lint_ignore_before);
	free(cfg->dump_schema_after_upgrade);
	free(cfg);
}
