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
 * Each value in effect is then set and checked by rt_config_set
 * (config_set.c), as the API's callers set theirs.
 */
#include "internal.h"
#include "util/fs.h"

#include <errno.h>
#include <ini.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
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
