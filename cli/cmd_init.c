/*
 * cmd_init.c - init: start a project: DIR/retort.ini, DIR/migrations/,
 * DIR/schema.sql (or, with --sqlalchemy, a schema_command that prints the
 * models' DDL) and DIR/.gitignore.  Never overwrites anything.
 */
#include "cli.h"

#include <ctype.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <dirent.h>

/* retort.ini, in two parts around the line that declares the schema. */
static const char ini_head[] =
	"# retort.ini - configuration of retort (see docs/configuration.md)\n"
	"[retort]\n"
	"; where migration files live (several directories: comma-separated)\n"
	"script_location = migrations\n"
	"; the database; ${VAR} and ${VAR:-default} are read from the environment\n"
	"url = ${DATABASE_URL:-sqlite:///app.db}\n";

static const char ini_tail[] =
	"; set to alembic_version to adopt a database managed by Alembic\n"
	"version_table = retort_version\n"
	"; names of new files; keys: rev slug year month day hour minute second epoch\n"
	"file_template = %(rev)s_%(slug)s\n"
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

/*
 * What a project's .gitignore keeps out of the repository: the SQLite
 * database of the default url (and the files SQLite keeps beside it) and
 * the backups retort writes next to retort.ini.
 */
static const char *const ignored[] = {
	"/app.db", "/app.db-journal", "/app.db-wal", "/app.db-shm", "/backups/", NULL,
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
 * The text of retort.ini: the declared schema is schema.sql, or with
 * --sqlalchemy the models' DDL printed by the Python package.
 */
static char *ini_text(const char *models)
{
	const char *decl = models
		? "; the declared schema: the DDL of the SQLAlchemy models, printed by a command\n"
		  "schema_command = python3 -m retort.sqlalchemy "
		: "; the declared schema\nschema = schema.sql";
	size_t n = strlen(ini_head) + strlen(decl) + (models ? strlen(models) : 0) +
		   strlen(ini_tail) + 2;
	char *text = malloc(n);
	if (text)
		snprintf(text, n, "%s%s%s\n%s", ini_head, decl, models ? models : "", ini_tail);
	return text;
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

/*
 * init DIRECTORY: refuses an existing retort.ini or a non-empty
 * migrations/, then makes the directories and writes retort.ini and, unless
 * one is already there (or the schema comes from --sqlalchemy), schema.sql.
 * Needs no configuration.
 */
int cmd_init(cli *c, int argc, char **argv)
{
	const char *models = NULL;
	const opt opts[] = {
		OPT_STRING(0, "sqlalchemy", &models, "MODULE:ATTR",
			   "declare the schema by SQLAlchemy models (a MetaData, declarative base or Flask-SQLAlchemy db)"),
		OPT_END(),
	};
	const cli_spec spec = { opts, "retort init [--sqlalchemy MODULE:ATTR] DIRECTORY",
		"Create DIRECTORY (if needed) with retort.ini, an empty migrations/\n"
		"directory and schema.sql. 'retort init .' uses the current directory.\n"
		"With --sqlalchemy, the declared schema is the DDL of SQLAlchemy models:\n"
		"retort.ini gets 'schema_command = python3 -m retort.sqlalchemy MODULE:ATTR'\n"
		"instead of 'schema = schema.sql'.",
		1, 1, "one directory is needed" };
	int rc = cli_start(c, &argc, argv, &spec, NULL);
	if (rc >= 0)
		return rc;
	if (models && !valid_models(models))
		return usage_error(c, spec.usage, "--sqlalchemy '%s' is not MODULE or MODULE:ATTR (e.g. app.models:db)",
				   models);
	const char *dir = argv[1];
	size_t n = strlen(dir) + 32;
	char *ini = malloc(n), *mig = malloc(n), *schema = malloc(n), *text = ini_text(models);
	char *ignore = malloc(n);
	int status = 1, appended = 0;
	if (!ini || !mig || !schema || !text || !ignore)
		goto out;
	snprintf(ini, n, "%s/retort.ini", dir);
	snprintf(ignore, n, "%s/.gitignore", dir);
	snprintf(mig, n, "%s/migrations", dir);
	snprintf(schema, n, "%s/schema.sql", dir);
	struct stat st;
	if (stat(ini, &st) == 0) {
		cli_error(c, 1, "retort init never overwrites; remove it or pick another directory",
			  "%s already exists", ini);
		goto out;
	}
	if (!dir_is_empty(mig)) {
		cli_error(c, 1, NULL, "%s already exists and is not empty", mig);
		goto out;
	}
	if (make_dir(c, dir) < 0 || make_dir(c, mig) < 0 || write_new(c, ini, text) < 0 ||
	    write_gitignore(c, ignore, &appended) < 0)
		goto out;
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
