/*
 * api.c - the public face of the library's small objects: version,
 * memory, errors, configuration values and events, read through functions
 * so their layout stays private (retort_int.h).
 */
#include "internal.h"

#include <stdlib.h>
#include <string.h>

const char *rt_version(void)
{
	return RETORT_VERSION;
}

int rt_version_number(void)
{
	return RETORT_VERSION_NUMBER;
}

void rt_free(void *p)
{
	free(p);
}

/* ---- errors ---- */

rt_error *rt_error_new(void)
{
	return rt_xcalloc(1, sizeof(rt_error));
}

void rt_error_free(rt_error *err)
{
	rt_error_clear(err);
	free(err);
}

rt_code rt_error_code(const rt_error *err)
{
	return err->code;
}

const char *rt_error_message(const rt_error *err)
{
	return err->message;
}

const char *rt_error_hint(const rt_error *err)
{
	return err->hint;
}

const char *rt_error_file(const rt_error *err)
{
	return err->file;
}

int rt_error_line(const rt_error *err)
{
	return err->line;
}

int rt_error_column(const rt_error *err)
{
	return err->column;
}

rt_fix rt_error_fix(const rt_error *err)
{
	return err->fix;
}

const char *rt_error_fix_arg(const rt_error *err)
{
	return err->fix_arg;
}

rt_fault rt_error_fault(const rt_error *err)
{
	return err->fault;
}

const char *rt_strerror(rt_code code)
{
	switch (code) {
	case RT_OK: return "no error";
	case RT_EFAIL: return "failure";
	case RT_EUSAGE: return "an argument the call cannot accept";
	case RT_ECONFIG: return "configuration problem";
	case RT_ESCRIPT: return "malformed migration file";
	case RT_EGRAPH: return "invalid revision graph";
	case RT_ERESOLVE: return "revision identifier names nothing, or too much";
	case RT_EDB: return "database unreachable or inconsistent";
	case RT_ESQL: return "a migration statement failed";
	case RT_ELOCK: return "the migration lock was held too long";
	case RT_EIO: return "file system error";
	}
	return "unknown error code";
}

/* ---- configuration ---- */

rt_config *rt_config_load_with(const char *path, const char *env, int require_file,
			       const char *const *keys, const char *const *values,
			       size_t n, rt_error *err)
{
	rt_kv *kv = rt_xcalloc(n ? n : 1, sizeof(*kv));
	for (size_t i = 0; i < n; i++) {
		kv[i].key = (char *)keys[i];
		kv[i].value = (char *)values[i];
	}
	rt_config *cfg = rt_config_load_kv(path, env, require_file, kv, n, err);
	free(kv);
	return cfg;
}

const char *rt_config_path(const rt_config *cfg)
{
	return cfg->path;
}

const char *rt_config_dir(const rt_config *cfg)
{
	return cfg->dir;
}

const char *rt_config_env(const rt_config *cfg)
{
	return cfg->env;
}

size_t rt_config_env_count(const rt_config *cfg)
{
	return cfg->envs.n;
}

const char *rt_config_env_name(const rt_config *cfg, size_t i)
{
	return i < cfg->envs.n ? cfg->envs.v[i] : NULL;
}

/* A list as retort.ini spells it: "a, b"; NULL when empty. */
static char *join_list(char *const *v, size_t n)
{
	if (!n)
		return NULL;
	strbuf sb = STRBUF_INIT;
	for (size_t i = 0; i < n; i++)
		rt_strbuf_addf(&sb, "%s%s", i ? ", " : "", v[i]);
	return rt_strbuf_detach(&sb);
}

/* See retort.h: every key of known_keys in config.c. */
char *rt_config_get(const rt_config *cfg, const char *key)
{
	static const struct {
		const char *key;
		size_t off;
	} strings[] = {
		{ "url", offsetof(rt_config, url) },
		{ "url_driver", offsetof(rt_config, url_driver) },
		{ "schema", offsetof(rt_config, schema) },
		{ "schema_command", offsetof(rt_config, schema_command) },
		{ "version_table", offsetof(rt_config, version_table) },
		{ "version_table_schema", offsetof(rt_config, version_table_schema) },
		{ "search_path", offsetof(rt_config, search_path) },
		{ "lock_timeout", offsetof(rt_config, lock_timeout) },
		{ "statement_timeout", offsetof(rt_config, statement_timeout) },
		{ "dev_url", offsetof(rt_config, dev_url) },
		{ "seed_location", offsetof(rt_config, seed_location) },
		{ "file_template", offsetof(rt_config, file_template) },
		{ "timezone", offsetof(rt_config, timezone) },
		{ "dump_schema_after_upgrade", offsetof(rt_config, dump_schema_after_upgrade) },
	};
	for (size_t i = 0; i < sizeof(strings) / sizeof(*strings); i++)
		if (!strcmp(key, strings[i].key))
			return rt_xstrdup_or_null(*(char *const *)((const char *)cfg + strings[i].off));
	if (!strcmp(key, "script_location"))
		return join_list(cfg->script_locations, cfg->nscript_locations);
	if (!strcmp(key, "seeds"))
		return join_list(cfg->seeds, cfg->nseeds);
	if (!strcmp(key, "branches"))
		return join_list(cfg->branches, cfg->nbranches);
	if (!strcmp(key, "protected"))
		return rt_xstrdup(cfg->protected_env ? "true" : "false");
	if (!strcmp(key, "transaction_per_migration"))
		return rt_xstrdup(cfg->transaction_per_migration ? "true" : "false");
	if (!strcmp(key, "truncate_slug_length"))
		return rt_xasprintf("%d", cfg->truncate_slug_length);
	if (!strcmp(key, "column_order"))
		return rt_xstrdup(cfg->column_order_strict ? "strict" : "ignore");
	if (!strcmp(key, "compare_privileges"))
		return rt_xstrdup(cfg->compare_privileges ? "true" : "false");
	if (!strcmp(key, "lock_wait"))
		return rt_xasprintf("%g", cfg->lock_wait);
	if (!strcmp(key, "lock_retries"))
		return rt_xasprintf("%d", cfg->lock_retries);
	if (!strcmp(key, "lock_retry_max_wait"))
		return rt_xasprintf("%g", cfg->lock_retry_max_wait);
	return NULL;
}

/* ---- events ---- */

rt_event_kind rt_event_kind_of(const rt_event *ev)
{
	return ev->kind;
}

rt_direction rt_event_direction(const rt_event *ev)
{
	return ev->step ? ev->step->dir : RT_UPGRADE;
}

const rt_revision *rt_event_revision(const rt_event *ev)
{
	return ev->rev;
}

const char *rt_event_from(const rt_event *ev)
{
	return ev->from;
}

const char *rt_event_to(const rt_event *ev)
{
	return ev->to;
}

double rt_event_elapsed_ms(const rt_event *ev)
{
	return ev->elapsed_ms;
}

const char *rt_event_text(const rt_event *ev)
{
	return ev->text;
}

long long rt_event_rows(const rt_event *ev)
{
	return ev->rows;
}

long long rt_event_total(const rt_event *ev)
{
	return ev->total;
}

int rt_event_statement(const rt_event *ev)
{
	return ev->statement;
}

int rt_event_statements(const rt_event *ev)
{
	return ev->statements;
}

int rt_event_line(const rt_event *ev)
{
	return ev->line;
}

int rt_event_section(const rt_event *ev)
{
	return ev->section;
}

int rt_event_sections(const rt_event *ev)
{
	return ev->sections;
}
