/*
 * config_set.c - the settings of an rt_config one by one: the defaults
 * (rt_config_new), each value checked as it is set (rt_config_set, which
 * reading retort.ini in config.c and the API's callers both go through),
 * copies, placeholders and freeing.
 */
#include "internal.h"
#include "util/fs.h"

#include <ctype.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

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
