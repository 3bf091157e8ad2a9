/*
 * test_config.c - retort.ini: environment substitution, [env:NAME]
 * overrides, [placeholders], every error with its file and line,
 * rt_config_set, and masking passwords in URLs.  Real files in a fresh
 * temporary directory, real environment variables.
 */
#include "unit.h"

#include <unistd.h>

typedef struct fixture {
	char dir[64];
	char path[128];
} fixture;

static const char *const test_vars[] = {
	"RETORT_ENV", "RETORT_CONFIG", "DATABASE_URL", "RT_T_PW", "RT_T_UNSET",
	"RT_T_VT", "RT_T_OWNER", "RT_T_EMPTY", NULL,
};

/* A fresh directory for retort.ini, and none of the variables set. */
static int setup(void **state)
{
	fixture *f = calloc(1, sizeof(*f));
	snprintf(f->dir, sizeof(f->dir), "/tmp/rt_config_XXXXXX");
	if (!mkdtemp(f->dir))
		return -1;
	snprintf(f->path, sizeof(f->path), "%s/retort.ini", f->dir);
	for (int i = 0; test_vars[i]; i++)
		unsetenv(test_vars[i]);
	*state = f;
	return 0;
}

static int teardown(void **state)
{
	fixture *f = *state;
	unlink(f->path);
	rmdir(f->dir);
	free(f);
	return 0;
}

/* Write retort.ini of the fixture. */
static void write_ini(const fixture *f, const char *text)
{
	FILE *fp = fopen(f->path, "w");
	assert_non_null(fp);
	fputs(text, fp);
	fclose(fp);
}

/* Write retort.ini of the fixture byte for byte (it may hold a NUL). */
static void write_bytes(const fixture *f, const char *bytes, size_t n)
{
	FILE *fp = fopen(f->path, "w");
	assert_non_null(fp);
	assert_int_equal(fwrite(bytes, 1, n, fp), n);
	fclose(fp);
}

/* Load the fixture's file, which must succeed. */
static rt_config *load(const fixture *f, const char *env)
{
	rt_error err = { 0 };
	rt_config *cfg = rt_config_load(f->path, env, 1, &err);
	if (!cfg)
		fail_msg("%s:%d: %s", err.file ? err.file : "", err.line,
			 err.message);
	return cfg;
}

/* Load the fixture's file, which must fail with a config error. */
static rt_error load_err(const fixture *f, const char *env)
{
	rt_error err = { 0 };
	rt_config *cfg = rt_config_load(f->path, env, 1, &err);
	if (cfg) {
		rt_config_free(cfg);
		fail_msg("%s loaded, but should fail", f->path);
	}
	assert_int_equal(err.code, RT_ECONFIG);
	return err;
}

/* "<dir>/<name>" of the fixture, for expected paths. */
static char *in_dir(const fixture *f, const char *name)
{
	size_t n = strlen(f->dir) + strlen(name) + 2;
	char *s = malloc(n);
	snprintf(s, n, "%s/%s", f->dir, name);
	return s;
}

static void test_defaults(void **state)
{
	fixture *f = *state;
	write_ini(f, "[retort]\n");
	rt_config *cfg = load(f, NULL);
	assert_string_equal(cfg->path, f->path);
	assert_string_equal(cfg->dir, f->dir);
	assert_null(cfg->env);
	assert_int_equal(cfg->nscript_locations, 1);
	assert_str_free(in_dir(f, "migrations"), cfg->script_locations[0]);
	assert_null(cfg->url);
	assert_null(cfg->schema);
	assert_string_equal(cfg->version_table, "retort_version");
	assert_string_equal(cfg->file_template, "%(rev)s_%(slug)s");
	assert_int_equal(cfg->truncate_slug_length, 40);
	assert_int_equal(cfg->transaction_per_migration, 1);
	assert_true(cfg->lock_wait == 300);
	assert_int_equal(cfg->nplaceholders, 0);
	rt_config_free(cfg);

	/* DATABASE_URL is the URL when the file names none. */
	setenv("DATABASE_URL", "sqlite:///from_env.db", 1);
	cfg = load(f, NULL);
	assert_string_equal(cfg->url, "sqlite:///from_env.db");
	rt_config_free(cfg);
}

static void test_substitution(void **state)
{
	fixture *f = *state;
	write_ini(f, "# retort.ini\n"
		     "[retort]\n"
		     "script_location = migrations, %(here)s/more ; two of them\n"
		     "url = postgresql://app:${RT_T_PW}@db/app\n"
		     "schema = ${RT_T_UNSET:-db/schema.sql}\n"
		     "version_table = ${RT_T_EMPTY:-alembic_version}\n"
		     "file_template = %(rev)s_$${RT_T_PW}_${RT_T_VT:-}\n"
		     "timezone = ${RT_T_VT:-UTC}\n");
	setenv("RT_T_PW", "s3cret", 1);
	setenv("RT_T_EMPTY", "", 1); /* empty counts as unset */
	rt_config *cfg = load(f, NULL);
	assert_int_equal(cfg->nscript_locations, 2);
	assert_str_free(in_dir(f, "migrations"), cfg->script_locations[0]);
	assert_str_free(in_dir(f, "more"), cfg->script_locations[1]);
	assert_string_equal(cfg->url, "postgresql://app:s3cret@db/app");
	assert_str_free(in_dir(f, "db/schema.sql"), cfg->schema);
	assert_string_equal(cfg->version_table, "alembic_version");
	assert_string_equal(cfg->file_template, "%(rev)s_${RT_T_PW}_");
	assert_string_equal(cfg->timezone, "UTC");
	rt_config_free(cfg);

	/* A set variable wins over the default. */
	setenv("RT_T_EMPTY", "legacy_version", 1);
	cfg = load(f, NULL);
	assert_string_equal(cfg->version_table, "legacy_version");
	rt_config_free(cfg);
}

/* %(here)s is absolute even when the file is named relative to the cwd. */
static void test_here_is_absolute(void **state)
{
	fixture *f = *state;
	write_ini(f, "[retort]\nurl = sqlite:///%(here)s/app.db\nschema = %(here)s/s.sql\n");
	char *cwd = getcwd(NULL, 0), *real = realpath(f->dir, NULL);
	assert_int_equal(chdir(f->dir), 0);
	rt_error err = { 0 };
	rt_config *cfg = rt_config_load("retort.ini", NULL, 1, &err);
	int back = chdir(cwd);
	assert_non_null(cfg);
	assert_int_equal(back, 0);
	assert_string_equal(cfg->dir, ".");
	char want[256];
	snprintf(want, sizeof(want), "sqlite:///%s/app.db", real);
	assert_string_equal(cfg->url, want);
	snprintf(want, sizeof(want), "%s/s.sql", real);
	assert_string_equal(cfg->schema, want);
	rt_config_free(cfg);
	free(cwd);
	free(real);
}

static void test_unset_variable(void **state)
{
	fixture *f = *state;
	write_ini(f, "[retort]\n"
		     "script_location = migrations\n"
		     "url = postgresql://app:${RT_T_UNSET}@db/app\n");
	rt_error err = load_err(f, NULL);
	assert_string_equal(err.file, f->path);
	assert_int_equal(err.line, 3);
	assert_string_equal(err.message,
			    "'url' uses ${RT_T_UNSET}, and the environment variable RT_T_UNSET is not set");
	assert_string_equal(err.hint, "export RT_T_UNSET, or give a default: ${RT_T_UNSET:-value}");
	rt_error_clear(&err);

	write_ini(f, "[retort]\nurl = ${RT_T_PW\n");
	err = load_err(f, NULL);
	assert_int_equal(err.line, 2);
	assert_string_equal(err.message, "'url': unterminated ${ in value");
	rt_error_clear(&err);
}

#define ENVS                                                                 \
	"[retort]\n"                                                         \
	"url = sqlite:///dev.db\n"                                           \
	"lock_wait = 10\n"                                                   \
	"transaction_per_migration = yes\n"                                  \
	"\n"                                                                 \
	"[env:production]\n"                                                 \
	"url = postgresql://app:${RT_T_PW}@db.internal/app\n"                \
	"lock_wait = 60\n"                                                   \
	"\n"                                                                 \
	"[env:prod]\n"                                                       \
	"url = ${RT_T_UNSET}\n"                                              \
	"\n"                                                                 \
	"[env:empty]\n"

static void test_env_sections(void **state)
{
	fixture *f = *state;
	write_ini(f, ENVS);
	setenv("RT_T_PW", "pw", 1);
	/* No environment: [retort] only; unused sections' variables unchecked. */
	rt_config *cfg = load(f, NULL);
	assert_null(cfg->env);
	assert_string_equal(cfg->url, "sqlite:///dev.db");
	assert_true(cfg->lock_wait == 10);
	rt_config_free(cfg);

	cfg = load(f, "production");
	assert_string_equal(cfg->env, "production");
	assert_string_equal(cfg->url, "postgresql://app:pw@db.internal/app");
	assert_true(cfg->lock_wait == 60);
	assert_int_equal(cfg->transaction_per_migration, 1);
	rt_config_free(cfg);

	/* RETORT_ENV when none is given; an explicit one wins. */
	setenv("RETORT_ENV", "production", 1);
	cfg = load(f, NULL);
	assert_string_equal(cfg->env, "production");
	rt_config_free(cfg);
	cfg = load(f, "empty");
	assert_string_equal(cfg->env, "empty");
	assert_string_equal(cfg->url, "sqlite:///dev.db");
	rt_config_free(cfg);
	unsetenv("RETORT_ENV");

	rt_error err = load_err(f, "prod");
	assert_int_equal(err.line, 11);
	assert_contains(err.message, "RT_T_UNSET is not set");
	rt_error_clear(&err);
}

static void test_unknown_env(void **state)
{
	fixture *f = *state;
	write_ini(f, ENVS);
	rt_error err = load_err(f, "staging");
	char want[256];
	snprintf(want, sizeof(want), "%s has no [env:staging] section", f->path);
	assert_string_equal(err.message, want);
	assert_string_equal(err.hint, "environments defined there: production, prod, empty");
	rt_error_clear(&err);

	write_ini(f, "[retort]\nurl = sqlite:///x.db\n");
	err = load_err(f, "production");
	assert_contains(err.hint, "add a section [env:production]");
	rt_error_clear(&err);
}

static void test_unknown_key(void **state)
{
	fixture *f = *state;
	write_ini(f, "[retort]\nurl = sqlite:///x.db\nurll = sqlite:///y.db\n");
	rt_error err = load_err(f, NULL);
	assert_string_equal(err.file, f->path);
	assert_int_equal(err.line, 3);
	assert_string_equal(err.message, "unknown key 'urll' in [retort]");
	rt_error_clear(&err);

	write_ini(f, "[retort]\n[env:prod]\nscript_locations = x\n");
	err = load_err(f, "prod");
	assert_int_equal(err.line, 3);
	assert_string_equal(err.message, "unknown key 'script_locations' in [env:prod]");
	rt_error_clear(&err);
}

static void test_unknown_section(void **state)
{
	fixture *f = *state;
	write_ini(f, "[retort]\nurl = sqlite:///x.db\n\n[databse]\nurl = a\nschema = b\n");
	rt_error err = load_err(f, NULL);
	assert_string_equal(err.file, f->path);
	assert_int_equal(err.line, 4);
	assert_string_equal(err.message,
			    "unknown section [databse] (known: [retort], [env:NAME], [placeholders], [lint])");
	rt_error_clear(&err);
	/* Also when it holds nothing. */
	write_ini(f, "[retort]\n[alembic]\n");
	err = load_err(f, NULL);
	assert_int_equal(err.line, 2);
	assert_contains(err.message, "unknown section [alembic]");
	rt_error_clear(&err);
}

static void test_duplicate_key(void **state)
{
	fixture *f = *state;
	write_ini(f, "[retort]\nurl = sqlite:///x.db\nschema = s.sql\n\nurl = sqlite:///y.db\n");
	rt_error err = load_err(f, NULL);
	assert_string_equal(err.file, f->path);
	assert_int_equal(err.line, 5);
	assert_contains(err.message, "'url' in [retort]");
	rt_error_clear(&err);
	/* The same key in [retort] and [env:x] is an override, not a duplicate. */
	write_ini(f, "[retort]\nurl = a\n[env:x]\nurl = b\n");
	rt_config *cfg = load(f, "x");
	assert_string_equal(cfg->url, "b");
	rt_config_free(cfg);
}

static void test_bad_values(void **state)
{
	fixture *f = *state;
	write_ini(f, "[retort]\ntransaction_per_migration = maybe\n");
	rt_error err = load_err(f, NULL);
	assert_int_equal(err.line, 2);
	assert_string_equal(err.message, "transaction_per_migration 'maybe' is not true or false");
	rt_error_clear(&err);

	write_ini(f, "[retort]\ntruncate_slug_length = abc\n");
	err = load_err(f, NULL);
	assert_int_equal(err.line, 2);
	assert_string_equal(err.message, "truncate_slug_length 'abc' is not a number from 1 to 200");
	rt_error_clear(&err);

	write_ini(f, "[retort]\nlock_wait = soon\n");
	err = load_err(f, NULL);
	assert_string_equal(err.message, "lock_wait 'soon' is not a number of seconds");
	rt_error_clear(&err);

	/* Several mistakes: one "file:line: message" line each. */
	write_ini(f, "[retort]\ntruncate_slug_length = 0\nlock_wait = -1\nversion_table = my-table\n"
		     "file_template = %(slug)s\ntimezone = Mars/Olympus\n");
	err = load_err(f, NULL);
	char want[1024];
	snprintf(want, sizeof(want),
		 "%1$s:2: truncate_slug_length '0' is not a number from 1 to 200\n"
		 "%1$s:3: lock_wait '-1' is not a number of seconds\n"
		 "%1$s:4: version_table 'my-table' is not a plain table name\n"
		 "%1$s:5: file_template '%%(slug)s' does not contain %%(rev)s: two migrations could get the same file name\n"
		 "%1$s:6: unknown timezone 'Mars/Olympus'",
		 f->path);
	assert_string_equal(err.message, want);
	rt_error_clear(&err);

	write_ini(f, "[retort]\nurl = sqlite:///x.db\nthis line is not ini\n");
	err = load_err(f, NULL);
	assert_int_equal(err.line, 3);
	assert_string_equal(err.message, "not a 'key = value' line or a [section] header");
	rt_error_clear(&err);
}

/*
 * file_template is expanded as a dry run when it is read: "rev" as mere
 * text is no %(rev)s key (every second revision would collide), and an
 * unknown key is an error at its line, not at the first 'retort revision'.
 */
static void test_file_template(void **state)
{
	fixture *f = *state;
	static const struct {
		const char *tpl, *message;
	} bad[] = {
		{ "rev_%(slug)s", "file_template 'rev_%(slug)s' does not contain %(rev)s: two migrations could get the same file name" },
		{ "%(slug)s_revision", "file_template '%(slug)s_revision' does not contain %(rev)s: two migrations could get the same file name" },
		{ "%(revision)s", "file_template '%(revision)s': unknown key 'revision'" },
		{ "%(rev)s_%(title)s", "file_template '%(rev)s_%(title)s': unknown key 'title'" },
		{ "%(rev).4s_%(slug)s", "file_template '%(rev).4s_%(slug)s': the precision .4 of %(rev) cuts the revision id: two migrations could get the same file name" },
		{ "%(rev).s", "file_template '%(rev).s': the precision . of %(rev) cuts the revision id: two migrations could get the same file name" },
		{ "%(rev).31s%(rev).4s", "file_template '%(rev).31s%(rev).4s': the precision .31 of %(rev) cuts the revision id: two migrations could get the same file name" },
		{ "%(rev)s_%(slug", "file_template '%(rev)s_%(slug': missing ')'" },
		{ "%(rev)x", "file_template '%(rev)x': %(rev) must be followed by s or d" },
		{ "%(year)d/%(rev)s", "file_template '%(year)d/%(rev)s' would put a '/' in the file name" },
		{ "%%(rev)s", NULL }, /* alembic.ini's escaped form is a key too */
	};
	char text[256];
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		snprintf(text, sizeof(text), "[retort]\nurl = sqlite:///x.db\nfile_template = %s\n", bad[i].tpl);
		write_ini(f, text);
		if (!bad[i].message) {
			rt_config *cfg = load(f, NULL);
			assert_string_equal(cfg->file_template, bad[i].tpl);
			rt_config_free(cfg);
			continue;
		}
		rt_error err = load_err(f, NULL);
		assert_string_equal(err.file, f->path);
		assert_int_equal(err.line, 3);
		assert_string_equal(err.message, bad[i].message);
		if (strstr(bad[i].message, "unknown key"))
			assert_string_equal(err.hint, "keys: rev slug epoch year month day hour minute second");
		rt_error_clear(&err);
	}
	static const char *const good[] = {
		"%(rev)s_%(slug)s", "%(year)d_%(month).2d_%(day).2d_%(rev)s_%(slug)s",
		"%(epoch)s-%(rev)d", "%(rev)-12s%(hour)02d%(minute)02d%(second)02d",
		"100%%_%(rev)s", "%%%(rev)s", "%(rev).32s", "%(rev).4s_%(rev)s",
	};
	for (size_t i = 0; i < sizeof(good) / sizeof(good[0]); i++) {
		snprintf(text, sizeof(text), "[retort]\nfile_template = %s\n", good[i]);
		write_ini(f, text);
		rt_config *cfg = load(f, NULL);
		assert_string_equal(cfg->file_template, good[i]);
		rt_config_free(cfg);
	}
}

/* A lone CR ends a line (old Mac files), as CRLF and LF do. */
static void test_line_ends(void **state)
{
	fixture *f = *state;
	write_ini(f, "[retort]\rurl = sqlite:///cr.db\rlock_wait = 7\r");
	rt_config *cfg = load(f, NULL);
	assert_string_equal(cfg->url, "sqlite:///cr.db");
	assert_true(cfg->lock_wait == 7);
	rt_config_free(cfg);

	write_ini(f, "[retort]\r\nurl = sqlite:///crlf.db\r\n\r\nlock_wait = 8\r\n");
	cfg = load(f, NULL);
	assert_string_equal(cfg->url, "sqlite:///crlf.db");
	assert_true(cfg->lock_wait == 8);
	rt_config_free(cfg);

	/* Line numbers count CR, CRLF and LF alike. */
	write_ini(f, "[retort]\rurl = a\r\ncolour = x\nlock_wait = 1\r");
	rt_error err = load_err(f, NULL);
	assert_int_equal(err.line, 3);
	assert_string_equal(err.message, "unknown key 'colour' in [retort]");
	rt_error_clear(&err);

	/* 198 characters and a CRLF are within the limit. */
	char text[256] = "[retort]\nurl = ";
	size_t n = strlen(text);
	memset(text + n, 'x', 198 - 6);
	strcpy(text + n + 198 - 6, "\r\n");
	write_ini(f, text);
	cfg = load(f, NULL);
	assert_int_equal(strlen(cfg->url), 198 - 6);
	rt_config_free(cfg);
}

/* A NUL byte would end the line for inih: refused, with its line. */
static void test_nul_byte(void **state)
{
	fixture *f = *state;
	static const char text[] = "[retort]\nurl = sqlite:///a.db\0junk\nlock_wait = 1\n";
	write_bytes(f, text, sizeof(text) - 1);
	rt_error err = load_err(f, NULL);
	assert_string_equal(err.file, f->path);
	assert_int_equal(err.line, 2);
	assert_string_equal(err.message, "contains a NUL byte");
	assert_contains(err.hint, "UTF-8");
	rt_error_clear(&err);

	/* UTF-16 (every line has NULs): one error, at the first line. */
	static const char utf16[] = "\xff\xfe[\0r\0e\0t\0o\0r\0t\0]\0\n\0u\0r\0l\0";
	write_bytes(f, utf16, sizeof(utf16) - 1);
	err = load_err(f, NULL);
	assert_int_equal(err.line, 1);
	assert_string_equal(err.message, "contains a NUL byte");
	rt_error_clear(&err);
}

static void test_good_values(void **state)
{
	fixture *f = *state;
	const char *yes[] = { "true", "Yes", "on", "1", "TRUE" };
	const char *no[] = { "false", "No", "off", "0", "FALSE" };
	char text[128];
	for (int i = 0; i < 5; i++) {
		snprintf(text, sizeof(text), "[retort]\ntransaction_per_migration = %s\n", no[i]);
		write_ini(f, text);
		rt_config *cfg = load(f, NULL);
		assert_int_equal(cfg->transaction_per_migration, 0);
		rt_config_free(cfg);
		snprintf(text, sizeof(text), "[retort]\ntransaction_per_migration = %s\n", yes[i]);
		write_ini(f, text);
		cfg = load(f, NULL);
		assert_int_equal(cfg->transaction_per_migration, 1);
		rt_config_free(cfg);
	}
	write_ini(f, "; comment\n[retort]\n# another\ntruncate_slug_length = 12\nlock_wait = 2.5 ; seconds\n"
		     "timezone = local\nschema =\n");
	rt_config *cfg = load(f, NULL);
	assert_int_equal(cfg->truncate_slug_length, 12);
	assert_true(cfg->lock_wait == 2.5);
	assert_null(cfg->timezone);
	assert_null(cfg->schema);
	rt_config_free(cfg);
}

static void test_placeholders(void **state)
{
	fixture *f = *state;
	write_ini(f, "[retort]\nurl = sqlite:///x.db\n[placeholders]\nschema_name = app\n"
		     "owner = ${RT_T_OWNER:-postgres}\nliteral = $${not_a_var}\n");
	setenv("RT_T_OWNER", "admin", 1);
	rt_config *cfg = load(f, NULL);
	assert_int_equal(cfg->nplaceholders, 3);
	assert_string_equal(rt_config_placeholder(cfg, "schema_name"), "app");
	assert_string_equal(rt_config_placeholder(cfg, "owner"), "admin");
	assert_string_equal(rt_config_placeholder(cfg, "literal"), "${not_a_var}");
	assert_null(rt_config_placeholder(cfg, "nope"));
	/* -x key=value replaces or adds. */
	rt_config_set_placeholder(cfg, "owner", "root");
	rt_config_set_placeholder(cfg, "extra", "1");
	assert_string_equal(rt_config_placeholder(cfg, "owner"), "root");
	assert_string_equal(rt_config_placeholder(cfg, "extra"), "1");
	assert_int_equal(cfg->nplaceholders, 4);
	rt_config_free(cfg);
}

static void test_config_set(void **state)
{
	(void)state;
	rt_config *cfg = rt_config_new("/srv/app");
	rt_error err = { 0 };
	assert_string_equal(cfg->script_locations[0], "/srv/app/migrations");
	assert_int_equal(rt_config_set(cfg, "url", "sqlite:///a.db", &err), 0);
	assert_string_equal(cfg->url, "sqlite:///a.db");
	assert_int_equal(rt_config_set(cfg, "script_location", " a , /abs/b ,", &err), 0);
	assert_int_equal(cfg->nscript_locations, 2);
	assert_string_equal(cfg->script_locations[0], "/srv/app/a");
	assert_string_equal(cfg->script_locations[1], "/abs/b");
	assert_int_equal(rt_config_set(cfg, "script_location", "./m, ., /abs/", &err), 0);
	assert_int_equal(cfg->nscript_locations, 3);
	assert_string_equal(cfg->script_locations[0], "/srv/app/m");
	assert_string_equal(cfg->script_locations[1], "/srv/app");
	assert_string_equal(cfg->script_locations[2], "/abs/");
	assert_int_equal(rt_config_set(cfg, "script_location", " , ", &err), -1);
	assert_string_equal(err.message, "script_location is empty");
	rt_error_clear(&err);
	assert_int_equal(rt_config_set(cfg, "schema", "schema.sql", &err), 0);
	assert_string_equal(cfg->schema, "/srv/app/schema.sql");
	assert_int_equal(rt_config_set(cfg, "version_table", "alembic_version", &err), 0);
	assert_string_equal(cfg->version_table, "alembic_version");
	assert_int_equal(rt_config_set(cfg, "version_table", "bad-name", &err), -1);
	assert_int_equal(err.code, RT_ECONFIG);
	assert_string_equal(cfg->version_table, "alembic_version");
	rt_error_clear(&err);
	assert_int_equal(rt_config_set(cfg, "file_template", "%(year)d_%(rev)s", &err), 0);
	assert_int_equal(rt_config_set(cfg, "file_template", "%(slug)s", &err), -1);
	rt_error_clear(&err);
	assert_int_equal(rt_config_set(cfg, "timezone", "UTC", &err), 0);
	assert_string_equal(cfg->timezone, "UTC");
	assert_int_equal(rt_config_set(cfg, "timezone", "../../etc/passwd", &err), -1);
	assert_contains(err.message, "unknown timezone");
	assert_contains(err.hint, "Europe/Paris");
	rt_error_clear(&err);
	assert_int_equal(rt_config_set(cfg, "transaction_per_migration", "off", &err), 0);
	assert_int_equal(cfg->transaction_per_migration, 0);
	assert_int_equal(rt_config_set(cfg, "lock_wait", "", &err), -1);
	rt_error_clear(&err);
	assert_int_equal(rt_config_set(cfg, "truncate_slug_length", "201", &err), -1);
	rt_error_clear(&err);
	assert_int_equal(rt_config_set(cfg, "colour", "blue", &err), -1);
	assert_int_equal(err.code, RT_ECONFIG);
	assert_string_equal(err.message, "unknown setting 'colour'");
	rt_error_clear(&err);
	rt_config_free(cfg);
}

static void test_file_lookup(void **state)
{
	fixture *f = *state;
	rt_error err = { 0 };
	char missing[160];
	snprintf(missing, sizeof(missing), "%s/nope.ini", f->dir);
	assert_null(rt_config_load(missing, NULL, 1, &err));
	assert_int_equal(err.code, RT_ECONFIG);
	assert_string_equal(err.file, missing);
	assert_contains(err.message, "cannot read");
	assert_contains(err.hint, "start a new project");
	assert_int_equal(err.fix, RT_FIX_NEW_PROJECT);
	rt_error_clear(&err);

	/* $RETORT_CONFIG names the file when none is given. */
	write_ini(f, "[retort]\nurl = sqlite:///via_env.db\n");
	setenv("RETORT_CONFIG", f->path, 1);
	rt_config *cfg = rt_config_load(NULL, NULL, 1, &err);
	assert_non_null(cfg);
	assert_string_equal(cfg->url, "sqlite:///via_env.db");
	rt_config_free(cfg);
	unsetenv("RETORT_CONFIG");

	/* A file made with mkstemp: any name works with -c. */
	char tmp[] = "/tmp/rt_config_file_XXXXXX";
	int fd = mkstemp(tmp);
	assert_true(fd >= 0);
	const char text[] = "[retort]\nversion_table = from_mkstemp\n";
	assert_int_equal(write(fd, text, sizeof(text) - 1), (ssize_t)sizeof(text) - 1);
	close(fd);
	cfg = rt_config_load(tmp, NULL, 1, &err);
	assert_non_null(cfg);
	assert_string_equal(cfg->version_table, "from_mkstemp");
	assert_string_equal(cfg->dir, "/tmp");
	rt_config_free(cfg);
	unlink(tmp);

	/* A directory is no empty config; /dev/null is (the defaults). */
	assert_null(rt_config_load(f->dir, NULL, 1, &err));
	assert_int_equal(err.code, RT_ECONFIG);
	assert_string_equal(err.file, f->dir);
	assert_string_equal(err.message, "is a directory, not a configuration file");
	assert_contains(err.hint, "retort.ini");
	rt_error_clear(&err);
	rt_config *dn = rt_config_load("/dev/null", NULL, 1, &err);
	assert_non_null(dn);
	rt_config_free(dn);
}

static void test_long_line(void **state)
{
	fixture *f = *state;
	char text[512];
	memset(text, 0, sizeof(text));
	strcpy(text, "[retort]\nurl = sqlite:///");
	size_t n = strlen(text);
	memset(text + n, 'x', 300);
	strcpy(text + n + 300, ".db\nschema = s.sql\n");
	write_ini(f, text);
	rt_error err = load_err(f, NULL);
	assert_int_equal(err.line, 2);
	assert_contains(err.message, "line longer than");
	rt_error_clear(&err);
}

static void test_url_mask(void **state)
{
	(void)state;
	assert_str_free(rt_url_mask("postgresql://u:secret@h/db"), "postgresql://u:***@h/db");
	assert_str_free(rt_url_mask("postgresql://u:secret@h:5432/db?sslmode=require"),
			"postgresql://u:***@h:5432/db?sslmode=require");
	assert_str_free(rt_url_mask("mysql://root:p@ss:w0rd@db/app"), "mysql://root:***@db/app");
	assert_str_free(rt_url_mask("postgresql://u@h/db"), "postgresql://u@h/db");
	assert_str_free(rt_url_mask("postgresql://h:5432/db"), "postgresql://h:5432/db");
	assert_str_free(rt_url_mask("sqlite:///app.db"), "sqlite:///app.db");
	assert_str_free(rt_url_mask("sqlite:////abs/path/with@sign:x.db"),
			"sqlite:////abs/path/with@sign:x.db");
	assert_str_free(rt_url_mask("postgresql:///app?user=u&password=secret&sslmode=require"),
			"postgresql:///app?user=u&password=***&sslmode=require");
	assert_str_free(rt_url_mask("postgresql://h/app?password=secret"),
			"postgresql://h/app?password=***");
	assert_str_free(rt_url_mask("host=db user=app password=secret dbname=app"),
			"host=db user=app password=*** dbname=app");
	assert_str_free(rt_url_mask("password='it\\'s secret' host=db"),
			"password=*** host=db");
	assert_str_free(rt_url_mask("host=db PASSWORD=Secret"), "host=db PASSWORD=***");
	assert_str_free(rt_url_mask("host=db mypassword=x"), "host=db mypassword=x");
	assert_str_free(rt_url_mask("postgresql://u:a@h/db?password=b"),
			"postgresql://u:***@h/db?password=***");
	/* libpq ends the authority only at '/': '?' and '#' may be in a password. */
	assert_str_free(rt_url_mask("postgresql://app:Xy7?k#2@127.0.0.1:1/app"),
			"postgresql://app:***@127.0.0.1:1/app");
	assert_str_free(rt_url_mask("postgresql://app:a?b@h"), "postgresql://app:***@h");
	assert_str_free(rt_url_mask("postgresql://u:a@b#c@h/db"), "postgresql://u:***@h/db");
	assert_str_free(rt_url_mask("postgresql://u:pw@h?password=x"),
			"postgresql://u:***@h?password=***");
	assert_str_free(rt_url_mask("postgresql://[::1]:5432/db"), "postgresql://[::1]:5432/db");
	assert_str_free(rt_url_mask(" postgresql://u:pw@h/db"), " postgresql://u:***@h/db");
	/* Query parameters: any position, sslpassword, %-encoded names. */
	assert_str_free(rt_url_mask("postgresql://h/app?sslmode=require&password=x#y&user=u"),
			"postgresql://h/app?sslmode=require&password=***&user=u");
	assert_str_free(rt_url_mask("postgresql://h/app?sslpassword=secret"),
			"postgresql://h/app?sslpassword=***");
	assert_str_free(rt_url_mask("postgresql://h/app?pass%77ord=secret&x=1"),
			"postgresql://h/app?pass%77ord=***&x=1");
	assert_str_free(rt_url_mask("postgresql://h/password=x"), "postgresql://h/password=x");
	/* key=value: spaces around '=', quotes, backslash escapes, sslpassword. */
	assert_str_free(rt_url_mask("host=db password = s3cret dbname=app"),
			"host=db password = *** dbname=app");
	assert_str_free(rt_url_mask("password= x host=db"), "password= *** host=db");
	assert_str_free(rt_url_mask("host=db\tpassword\t=\ts3cret"), "host=db\tpassword\t=\t***");
	assert_str_free(rt_url_mask("sslpassword=secret host=db"), "sslpassword=*** host=db");
	assert_str_free(rt_url_mask("host=db password='a b\\'c' user=u"),
			"host=db password=*** user=u");
	assert_str_free(rt_url_mask("password='a\\\\' host=db"), "password=*** host=db");
	assert_str_free(rt_url_mask("password=a\\ b host=db"), "password=*** host=db");
	assert_str_free(rt_url_mask("password='unterminated host=db"), "password=***");
	assert_str_free(rt_url_mask("host=db password="), "host=db password=***");
	assert_str_free(rt_url_mask("host=db password"), "host=db password");
	assert_str_free(rt_url_mask("user=password=x host=db"), "user=password=x host=db");
	assert_str_free(rt_url_mask("sqlite:app.db"), "sqlite:app.db");
	assert_str_free(rt_url_mask(NULL), "");
	assert_str_free(rt_url_mask(""), "");
}

/* Set url to in and expect the URL retort reads and the driver it named. */
static void expect_url(const char *in, const char *url, const char *driver)
{
	rt_error err = { 0 };
	rt_config *cfg = rt_config_new(".");
	assert_int_equal(rt_config_set(cfg, "url", in, &err), 0);
	assert_string_equal(cfg->url, url);
	if (driver)
		assert_string_equal(cfg->url_driver, driver);
	else
		assert_null(cfg->url_driver);
	rt_config_free(cfg);
}

/* SQLAlchemy's scheme+driver URLs: the driver is taken out, and remembered. */
static void test_url_driver_forms(void **state)
{
	(void)state;
	expect_url("postgresql+psycopg2://u:p@h/db", "postgresql://u:p@h/db", "psycopg2");
	expect_url("postgresql+psycopg://u@h:5433/db", "postgresql://u@h:5433/db", "psycopg");
	expect_url("postgresql+asyncpg://u@h/db", "postgresql://u@h/db", "asyncpg");
	expect_url("sqlite+pysqlite:///app.db", "sqlite:///app.db", "pysqlite");
	expect_url("sqlite+aiosqlite:////abs/app.db", "sqlite:////abs/app.db", "aiosqlite");
	/* asyncpg's ssl= is libpq's sslmode=; other parameters and drivers keep theirs */
	expect_url("postgresql+asyncpg://u@h/db?ssl=require", "postgresql://u@h/db?sslmode=require", "asyncpg");
	expect_url("postgresql+asyncpg://h/db?application_name=a&ssl=disable&x=ssl=1",
		   "postgresql://h/db?application_name=a&sslmode=disable&x=ssl=1", "asyncpg");
	expect_url("postgresql+asyncpg://h/db?sslmode=require", "postgresql://h/db?sslmode=require", "asyncpg");
	expect_url("postgresql+psycopg2://h/db?ssl=1", "postgresql://h/db?ssl=1", "psycopg2");
	/* a '+' that is not in the scheme is left alone */
	expect_url("postgresql://u:a+b@h/db", "postgresql://u:a+b@h/db", NULL);
	expect_url("sqlite:///a+b.db", "sqlite:///a+b.db", NULL);
	expect_url("host=/tmp dbname=a+b", "host=/tmp dbname=a+b", NULL);
	expect_url("", "", NULL);
	/* the last url set decides */
	rt_error err = { 0 };
	rt_config *cfg = rt_config_new(".");
	assert_int_equal(rt_config_set(cfg, "url", "sqlite+pysqlite:///a.db", &err), 0);
	assert_int_equal(rt_config_set(cfg, "url", "sqlite:///a.db", &err), 0);
	assert_null(cfg->url_driver);
	assert_int_equal(rt_config_set(cfg, "dev_url", "postgresql+asyncpg://h/postgres", &err), 0);
	assert_string_equal(cfg->dev_url, "postgresql://h/postgres");
	assert_null(cfg->url_driver);
	rt_config_free(cfg);
	setenv("DATABASE_URL", "postgresql+psycopg2://h/db", 1);
	cfg = rt_config_new(".");
	assert_string_equal(cfg->url, "postgresql://h/db");
	assert_string_equal(cfg->url_driver, "psycopg2");
	rt_config *copy = rt_config_clone(cfg);
	assert_string_equal(copy->url_driver, "psycopg2");
	rt_config_free(copy);
	rt_config_free(cfg);
	unsetenv("DATABASE_URL");
}

/*
 * rt_config_load_with: a setting given by the caller replaces the file's
 * before substitution, so an unset ${VAR} in the replaced value is no
 * error; other values are substituted as always, and a bad given value is
 * an error.
 */
static void test_load_with_overrides(void **state)
{
	fixture *f = *state;
	write_ini(f, "[retort]\nurl = postgresql://app:${RT_T_UNSET}@db/app\n"
		     "version_table = ${RT_T_VT:-vt}\n[env:prod]\nurl = ${RT_T_UNSET}\n");
	rt_error err = { 0 };
	rt_kv url = { "url", "sqlite+pysqlite:///x.db" };
	rt_config *cfg = rt_config_load_kv(f->path, "prod", 1, &url, 1, &err);
	if (!cfg)
		fail_msg("%s", err.message);
	assert_string_equal(cfg->url, "sqlite:///x.db");
	assert_string_equal(cfg->url_driver, "pysqlite");
	assert_string_equal(cfg->version_table, "vt");
	rt_config_free(cfg);
	/* without it, the unset variable is the error it always was */
	cfg = rt_config_load_kv(f->path, NULL, 1, NULL, 0, &err);
	assert_null(cfg);
	assert_non_null(strstr(err.message, "RT_T_UNSET"));
	rt_error_clear(&err);
	rt_kv bad[] = { { "url", "sqlite:///x.db" }, { "lock_wait", "soon" } };
	cfg = rt_config_load_kv(f->path, NULL, 1, bad, 2, &err);
	assert_null(cfg);
	assert_non_null(strstr(err.message, "lock_wait"));
	rt_error_clear(&err);
	/* no file: the defaults, then the given settings */
	char *cwd = getcwd(NULL, 0);
	assert_int_equal(chdir(f->dir), 0);
	unlink(f->path);
	cfg = rt_config_load_kv(NULL, NULL, 0, &url, 1, &err);
	assert_int_equal(chdir(cwd), 0);
	free(cwd);
	assert_non_null(cfg);
	assert_string_equal(cfg->url, "sqlite:///x.db");
	rt_config_free(cfg);
}

int main(void)
{
#define T(name) cmocka_unit_test_setup_teardown(name, setup, teardown)
	const struct CMUnitTest tests[] = {
		T(test_defaults),
		T(test_substitution),
		T(test_here_is_absolute),
		T(test_unset_variable),
		T(test_env_sections),
		T(test_unknown_env),
		T(test_unknown_key),
		T(test_unknown_section),
		T(test_duplicate_key),
		T(test_bad_values),
		T(test_good_values),
		T(test_placeholders),
		T(test_config_set),
		T(test_file_lookup),
		T(test_long_line),
		T(test_file_template),
		T(test_line_ends),
		T(test_nul_byte),
		T(test_url_mask),
		T(test_url_driver_forms),
		T(test_load_with_overrides),
	};
	return cmocka_run_group_tests_name("config", tests, NULL, NULL);
}
