/*
 * cmd_init.c - init: start a project: DIR/retort.ini, DIR/migrations/,
 * DIR/schema.sql (or, with --sqlalchemy, a schema_command that prints the
 * models' DDL) and DIR/.gitignore.  With --from-alembic, the project takes
 * over an Alembic or Flask-Migrate one: the revisions become SQL files with
 * the same ids (written by the Python package's retort.alembic, which runs
 * Alembic's offline mode), and the version table is alembic_version.
 * Never overwrites anything.
 */
#include "cli.h"

#include <ctype.h>
#include <errno.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <dirent.h>
#include <unistd.h>

/* What retort.ini says, where init varies it. */
typedef struct ini_spec {
	const char *locations;     /* script_location */
	const char *url;           /* the url line's value */
	const char *models;        /* --sqlalchemy MODULE:ATTR, or NULL: schema.sql */
	const char *version_table;
} ini_spec;

static const char ini_head[] =
	"# retort.ini - configuration of retort (see docs/configuration.md)\n"
	"[retort]\n"
	"; where migration files live (several directories: comma-separated)\n"
	"script_location = %s\n"
	"; the database; ${VAR} and ${VAR:-default} are read from the environment:\n"
	"; sqlite:///app.db, postgresql://app:${PGPASSWORD}@db/app,\n"
	"; mysql://app:${MYSQL_PASSWORD}@db/app (MariaDB too)\n"
	"url = %s\n";

static const char ini_tail[] =
	"; set to alembic_version to adopt a database managed by Alembic\n"
	"version_table = %s\n"
	"; names of new files; keys: rev slug year month day hour minute second epoch\n"
	"file_template = %%(rev)s_%%(slug)s\n"
	"timezone = UTC\n"
	"; one transaction per migration (true), or one for the whole run (false)\n"
	"transaction_per_migration = true\n"
	"; seconds to wait while another retort migrates the same database\n"
	"lock_wait = 300\n"
	"\n"
	"; values for ${name} in migration files (also: -x name=value)\n"
	";[placeholders]\n"
	";owner = app\n"
	"\n"
	"; settings of one environment, used with: retort -e production ...\n"
	";[env:production]\n"
	";url = postgresql://app:${PGPASSWORD}@db.internal/app\n";

static const char schema_text[] =
	"-- schema.sql - the declared schema: CREATE statements for the tables,\n"
	"-- indexes and views the application expects.\n";

/* The text of retort.ini for s (open_memstream: no length to compute). */
static char *ini_text(const ini_spec *s)
{
	char *text = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&text, &len);
	if (!f)
		return NULL;
	fprintf(f, ini_head, s->locations, s->url);
	if (s->models)
		fprintf(f, "; the declared schema: the DDL of the SQLAlchemy models, printed by a command\n"
			   "schema_command = python3 -m retort.sqlalchemy %s\n", s->models);
	else
		fprintf(f, "; the declared schema\nschema = schema.sql\n");
	fprintf(f, ini_tail, s->version_table);
	if (fclose(f) != 0) {
		free(text);
		return NULL;
	}
	return text;
}

/*
 * What a project's .gitignore keeps out of the repository: the SQLite
 * database of the default url (and the files SQLite keeps beside it) and
 * the backups retort writes next to retort.ini, and the graph cache that
 * listings keep in each migrations directory.
 */
static const char *const ignored[] = {
	"/app.db", "/app.db-journal", "/app.db-wal", "/app.db-shm", "/backups/",
	".retort-graph", /* the graph cache of each migrations directory */
	NULL,
};

/* Does the file at path hold line as a whole line? */
static int has_line(const char *path, const char *line)
{
	FILE *f = fopen(path, "r");
	char buf[1024];
	int found = 0;
	while (f && !found && fgets(buf, sizeof(buf), f)) {
		buf[strcspn(buf, "\r\n")] = '\0';
		found = !strcmp(buf, line);
	}
	if (f)
		fclose(f);
	return found;
}

/*
 * DIR/.gitignore: written when there is none; an existing one (a
 * repository's) gets the lines it lacks appended, nothing else changed.
 * Sets *appended when the file was there.
 */
static int write_gitignore(cli *c, const char *path, int *appended)
{
	struct stat st;
	*appended = stat(path, &st) == 0;
	FILE *f = fopen(path, *appended ? "a" : "wx");
	if (!f)
		return cli_error(c, -1, NULL, "cannot write %s: %s", path, strerror(errno));
	int header = 0;
	for (int i = 0; ignored[i]; i++) {
		if (*appended && has_line(path, ignored[i]))
			continue;
		if (!header++)
			fputs(*appended ? "\n# retort: the SQLite database and backups\n"
				       : "# the SQLite database (url = sqlite:///app.db) and retort's backups\n", f);
		fprintf(f, "%s\n", ignored[i]);
	}
	if (fclose(f) != 0)
		return cli_error(c, -1, NULL, "cannot write %s: %s", path, strerror(errno));
	return 0;
}

static void note_gitignore(cli *c, const char *path, int appended)
{
	cli_note(c, "%s %s: the SQLite database and backups/ stay out of git",
		 appended ? "Updated" : "Created", path);
}

/*
 * Create path holding text; "wx" (O_EXCL) fails when it already exists, so
 * nothing is overwritten.  Errors go to stderr.
 */
static int write_new(cli *c, const char *path, const char *text)
{
	FILE *f = fopen(path, "wx");
	if (!f)
		return cli_error(c, -1, NULL, "cannot create %s: %s", path, strerror(errno));
	fputs(text, f);
	if (fclose(f) != 0)
		return cli_error(c, -1, NULL, "cannot write %s: %s", path, strerror(errno));
	return 0;
}

/* mkdir -p, naming the directory that could not be made. */
static int make_dir(cli *c, const char *path)
{
	char *p = strdup(path);
	if (!p)
		return -1;
	for (char *s = p + 1;; s++) {
		if (*s != '/' && *s)
			continue;
		char ch = *s;
		*s = '\0';
		if (mkdir(p, 0755) < 0 && errno != EEXIST) {
			cli_error(c, -1, NULL, "cannot create directory %s: %s", p, strerror(errno));
			free(p);
			return -1;
		}
		*s = ch;
		if (!ch)
			break;
	}
	free(p);
	return 0;
}

/*
 * 1 when path has no entries besides . and .. -- also when it cannot be
 * opened, so a migrations/ that does not exist yet counts as empty.
 */
static int dir_is_empty(const char *path)
{
	DIR *d = opendir(path);
	if (!d)
		return 1;
	struct dirent *de;
	int empty = 1;
	while ((de = readdir(d)))
		if (strcmp(de->d_name, ".") && strcmp(de->d_name, ".."))
			empty = 0;
	closedir(d);
	return empty;
}

/*
 * A MODULE[:ATTR] for --sqlalchemy: a dotted Python name, optionally ':'
 * and a dotted attribute -- nothing the shell would read differently in
 * schema_command.
 */
static int valid_models(const char *s)
{
	int colons = 0;
	if (!*s || *s == ':' || *s == '.')
		return 0;
	for (const char *p = s; *p; p++) {
		if (*p == ':' && ++colons > 1)
			return 0;
		if (!(isalnum((unsigned char)*p) || *p == '_' || *p == '.' || *p == ':'))
			return 0;
	}
	return s[strlen(s) - 1] != ':' && s[strlen(s) - 1] != '.';
}

/* "DIR/name" in a new string (NULL on no memory). */
static char *path_in(const char *dir, const char *name)
{
	size_t n = strlen(dir) + strlen(name) + 2;
	char *p = malloc(n);
	if (p)
		snprintf(p, n, "%s/%s", dir, name);
	return p;
}

/*
 * Refuse to overwrite: an existing DIR/retort.ini, or a non-empty
 * DIR/LOCATION.  Returns 0 when init may go on.
 */
static int check_free(cli *c, const char *ini, const char *mig)
{
	struct stat st;
	if (stat(ini, &st) == 0)
		return cli_error(c, -1, "retort init never overwrites; remove it or pick another directory",
				 "%s already exists", ini);
	if (!dir_is_empty(mig))
		return cli_error(c, -1, NULL, "%s already exists and is not empty", mig);
	return 0;
}

/* ---------------------------------------------------------------- */
/* --from-alembic                                                      */
/* ---------------------------------------------------------------- */

/*
 * The directory of retort's own Python package next to this program in a
 * build tree (build/retort or build/asan/retort: ../python, ../../python),
 * or NULL when installed (the package is then in python3's site-packages).
 */
static char *own_python_dir(void)
{
	char exe[PATH_MAX];
	ssize_t n = readlink("/proc/self/exe", exe, sizeof(exe) - 1);
	if (n <= 0)
		return NULL;
	exe[n] = '\0';
	for (int up = 1; up <= 3; up++) {
		char *slash = strrchr(exe, '/');
		if (!slash)
			return NULL;
		*slash = '\0';
		char probe[PATH_MAX + 32];
		snprintf(probe, sizeof(probe), "%s/python/retort/alembic.py", exe);
		if (access(probe, R_OK) == 0) {
			snprintf(probe, sizeof(probe), "%s/python", exe);
			return strdup(probe);
		}
	}
	return NULL;
}

/*
 * Run `python3 -m retort.alembic ALEMBIC_DIR OUT --dialect D` in dir
 * ($RETORT_PYTHON names another interpreter); its output passes through.
 * Returns its exit status (0 converted, 3 converted with Python it could
 * not render, 2 not an Alembic project), 127 when it could not be started.
 */
static int run_converter(const char *dir, const char *alembic_dir, const char *out,
			 const char *dialect)
{
	const char *py = getenv("RETORT_PYTHON");
	if (!py || !*py)
		py = "python3";
	char *own = own_python_dir();
	char *pythonpath = NULL;
	if (own) {
		const char *old = getenv("PYTHONPATH");
		size_t n = strlen(own) + (old ? strlen(old) : 0) + 2;
		pythonpath = malloc(n);
		if (pythonpath)
			snprintf(pythonpath, n, "%s%s%s", own, old && *old ? ":" : "", old && *old ? old : "");
	}
	fflush(stdout);
	pid_t pid = fork();
	if (pid == 0) {
		if (chdir(dir) < 0)
			_exit(126);
		if (pythonpath)
			setenv("PYTHONPATH", pythonpath, 1);
		execlp(py, py, "-m", "retort.alembic", alembic_dir, out, "--dialect", dialect,
		       (char *)NULL);
		_exit(127);
	}
	free(own);
	free(pythonpath);
	if (pid < 0)
		return 127;
	int status;
	while (waitpid(pid, &status, 0) < 0)
		if (errno != EINTR)
			return 127;
	return WIFEXITED(status) ? WEXITSTATUS(status) : 128;
}

/* Remove the .sql files of a directory init made, then the directory. */
static void remove_written(const char *mig)
{
	DIR *d = opendir(mig);
	if (d) {
		struct dirent *de;
		while ((de = readdir(d))) {
			size_t n = strlen(de->d_name);
			if (n > 4 && !strcmp(de->d_name + n - 4, ".sql")) {
				char *p = path_in(mig, de->d_name);
				if (p)
					unlink(p);
				free(p);
			}
		}
		closedir(d);
	}
	rmdir(mig);
}

/*
 * The url line of retort.ini: the URL itself unless it holds a password
 * (retort.ini is committed), always overridable by DATABASE_URL.
 */
static char *url_line(const char *url, int *secret)
{
	char *masked = rt_url_mask(url);
	*secret = masked && strcmp(masked, url) != 0;
	free(masked);
	size_t n = strlen(url) + 32;
	char *line = malloc(n);
	if (line)
		snprintf(line, n, *secret ? "${DATABASE_URL}" : "${DATABASE_URL:-%s}", url);
	return line;
}

/*
 * init --from-alembic ALEMBIC_DIR [DIR]: the files first (so a failure
 * leaves nothing behind), retort.ini last, then the whole project is
 * loaded once to check it.
 */
static int from_alembic(cli *c, const char *alembic_dir, const char *dir,
			const char *models)
{
	const char *url = c->url ? c->url : getenv("DATABASE_URL");
	if (!url || !*url)
		return cli_error(c, 2, "pass the database's URL: retort --url URL init --from-alembic ... (or export DATABASE_URL)",
				 "--from-alembic needs the database's URL, to render the SQL for its dialect");
	const char *dialect = rt_url_dialect(url, c->err);
	if (!dialect)
		return cli_fail(c, c->err);
	struct stat st;
	if (stat(alembic_dir, &st) < 0 || !S_ISDIR(st.st_mode))
		return cli_error(c, 2, NULL, "%s is not a directory", alembic_dir);
	char *ini = path_in(dir, "retort.ini");
	char *mig = path_in(dir, "migrations");
	char *abs = realpath(alembic_dir, NULL); /* the converter runs in dir */
	char *line = NULL;
	const char *loc = "migrations";
	int status = 1, secret = 0;
	if (!ini || !mig || !abs)
		goto out;
	/* Flask-Migrate's own directory is migrations/: then the SQL goes to db/migrations/ */
	if (!dir_is_empty(mig)) {
		free(mig);
		loc = "db/migrations";
		mig = path_in(dir, loc);
		if (!mig)
			goto out;
	}
	if (check_free(c, ini, mig) < 0 || make_dir(c, mig) < 0)
		goto out;
	cli_note(c, "Converting the revisions of %s (Alembic's offline mode, %s) into %s/",
		 alembic_dir, dialect, mig);
	/* 0: converted; 3: converted, some Python named as not renderable offline */
	int rc = run_converter(dir, abs, loc, dialect);
	if (rc != 0 && rc != 3) {
		remove_written(mig);
		if (rc == 127)
			cli_error(c, 1, "install Python 3 with Alembic and retort's Python package (make install), or name the interpreter in RETORT_PYTHON",
				  "could not run python3 -m retort.alembic");
		else
			cli_error(c, rc == 2 ? 2 : 1, NULL, "%s was not converted; nothing was written", alembic_dir);
		status = rc == 2 ? 2 : 1;
		goto out;
	}
	line = url_line(url, &secret);
	ini_spec spec = { loc, line, models, "alembic_version" };
	char *text = line ? ini_text(&spec) : NULL;
	if (!text || write_new(c, ini, text) < 0) {
		free(text);
		goto out;
	}
	free(text);
	/* Load it all once: a file the converter got wrong is reported now, not at deploy. */
	const char *key = "url", *val = url; /* the file may read it from DATABASE_URL */
	rt_config *cfg = rt_config_load_with(ini, NULL, 1, &key, &val, 1, c->err);
	rt_ctx *ctx = cfg ? rt_ctx_open(cfg, c->err) : NULL;
	if (!ctx) {
		status = cli_fail(c, c->err);
		rt_config_free(cfg);
		goto out;
	}
	size_t n = rt_graph_count(rt_ctx_graph(ctx));
	rt_ctx_close(ctx);
	rt_config_free(cfg);
	cli_note(c, "Converted %zu revision%s; created %s (version_table = alembic_version: the database's Alembic revision is its current one)",
		 n, n == 1 ? "" : "s", ini);
	if (secret)
		cli_note(c, "The URL holds a password, so retort.ini reads it from DATABASE_URL");
	if (rc == 3) {
		cli_error(c, 1, "write the SQL those sections stand for (the comment in each says where), then run: retort check",
			  "some Python of %s could not be rendered offline (listed above); its sections say so",
			  alembic_dir);
		status = 1;
		goto out;
	}
	cli_note(c, "Next: cd %s && retort current  (the revision Alembic recorded), then retort upgrade head", dir);
	status = 0;
out:
	free(ini);
	free(mig);
	free(abs);
	free(line);
	return status;
}

/* ---------------------------------------------------------------- */

/*
 * init [DIRECTORY]: refuses an existing retort.ini or a non-empty
 * migrations/, then makes the directories and writes retort.ini and, unless
 * one is already there (or the schema comes from --sqlalchemy), schema.sql.
 * Needs no configuration.
 */
int cmd_init(cli *c, int argc, char **argv)
{
	const char *models = NULL, *alembic = NULL;
	const opt opts[] = {
		OPT_STRING(0, "sqlalchemy", &models, "MODULE:ATTR",
			   "declare the schema by SQLAlchemy models (a MetaData, declarative base or Flask-SQLAlchemy db)"),
		OPT_STRING(0, "from-alembic", &alembic, "DIR",
			   "take over the Alembic or Flask-Migrate project whose migrations are in DIR"),
		OPT_END(),
	};
	const cli_spec spec = { opts, "retort init [--sqlalchemy MODULE:ATTR] [--from-alembic ALEMBIC_DIR] DIRECTORY",
		"Create DIRECTORY (if needed) with retort.ini, an empty migrations/\n"
		"directory, schema.sql and a .gitignore keeping the SQLite database and\n"
		"backups/ out of git. 'retort init .' uses the current directory.\n"
		"With --sqlalchemy, the declared schema is the DDL of SQLAlchemy models:\n"
		"retort.ini gets 'schema_command = python3 -m retort.sqlalchemy MODULE:ATTR'\n"
		"instead of 'schema = schema.sql'.\n"
		"With --from-alembic (DIRECTORY defaults to the current one), each revision\n"
		"of ALEMBIC_DIR (holding env.py, or alembic.ini) becomes a SQL migration\n"
		"with the same id, rendered by Alembic's offline mode for the dialect of\n"
		"--url (or $DATABASE_URL); version_table = alembic_version.",
		0, 1, NULL };
	int rc = cli_start(c, &argc, argv, &spec, NULL);
	if (rc >= 0)
		return rc;
	if (argc < 2 && !alembic)
		return usage_error(c, spec.usage, "one directory is needed");
	if (models && !valid_models(models))
		return usage_error(c, spec.usage, "--sqlalchemy '%s' is not MODULE or MODULE:ATTR (e.g. app.models:db)",
				   models);
	const char *dir = argc >= 2 ? argv[1] : ".";
	if (alembic)
		return from_alembic(c, alembic, dir, models);
	char *ini = path_in(dir, "retort.ini"), *mig = path_in(dir, "migrations");
	char *schema = path_in(dir, "schema.sql"), *ignore = path_in(dir, ".gitignore");
	ini_spec is = { "migrations", "${DATABASE_URL:-sqlite:///app.db}", models, "retort_version" };
	char *text = ini_text(&is);
	int status = 1, appended = 0;
	if (!ini || !mig || !schema || !ignore || !text || check_free(c, ini, mig) < 0)
		goto out;
	if (make_dir(c, dir) < 0 || make_dir(c, mig) < 0 || write_new(c, ini, text) < 0 ||
	    write_gitignore(c, ignore, &appended) < 0)
		goto out;
	struct stat st;
	int kept = stat(schema, &st) == 0;
	if (models) {
		cli_note(c, "Created %s and %s/; the declared schema is the DDL of %s", ini, mig, models);
		note_gitignore(c, ignore, appended);
		cli_note(c, "Next: cd %s && retort migrate -m \"initial\"  (python3 must import retort.sqlalchemy and %s)",
			 dir, models);
		status = 0;
		goto out;
	}
	if (!kept && write_new(c, schema, schema_text) < 0)
		goto out;
	if (kept)
		cli_note(c, "Created %s and %s/ (kept the existing %s)", ini, mig, schema);
	else
		cli_note(c, "Created %s, %s/ and %s", ini, mig, schema);
	note_gitignore(c, ignore, appended);
	cli_note(c, "Next: cd %s && retort revision -m \"create users\"", dir);
	status = 0;
out:
	free(ignore);
	free(ini);
	free(mig);
	free(schema);
	free(text);
	return status;
}
