/*
 * lint.c - `retort lint`: rules over migration SQL, the generic part.
 *
 * Chooses the revisions (identifiers and ranges, or all of them), lints
 * each one's upgrade section and then its downgrade (marked as such, and
 * allowed to undo what its own upgrade created), replaces placeholders as
 * a run would, and keeps the findings.  The rules themselves live in
 * rt_lint_pg.c (PostgreSQL, over libpg_query's parse tree) and
 * rt_lint_sqlite.c (SQLite, over a small tokenizer).  The catalog below
 * holds each rule's reason and safe alternative; docs/lint.md describes
 * the same rules with examples.
 */
#include "internal.h"
#include "graph_internal.h"
#include "lint/lint.h"
#include "ctx_internal.h"
#include "placeholder.h"

#include <fnmatch.h>
#include <stdarg.h>
#include <string.h>

/* ------------------------------------------------------------------ */
/* The rules                                                            */
/* ------------------------------------------------------------------ */

static const rt_lint_rule rules[] = {
	{ "require-concurrent-index-creation", "postgresql",
	  "CREATE INDEX without CONCURRENTLY on a table that exists before the migration" },
	{ "require-concurrent-index-deletion", "postgresql",
	  "DROP INDEX without CONCURRENTLY" },
	{ "adding-not-nullable-field", "postgresql, sqlite, mysql",
	  "ADD COLUMN ... NOT NULL without a DEFAULT on an existing table" },
	{ "adding-field-with-volatile-default", "postgresql",
	  "ADD COLUMN with a volatile DEFAULT, a serial type, an identity or a GENERATED ... STORED column" },
	{ "setting-column-not-null", "postgresql",
	  "ALTER COLUMN ... SET NOT NULL on an existing table" },
	{ "changing-column-type", "postgresql",
	  "ALTER COLUMN ... TYPE on an existing table" },
	{ "constraint-missing-not-valid", "postgresql",
	  "ADD CONSTRAINT ... CHECK or FOREIGN KEY without NOT VALID, or VALIDATE in the transaction that added it" },
	{ "adding-unique-constraint", "postgresql",
	  "ADD CONSTRAINT ... UNIQUE (or a UNIQUE column) without USING INDEX" },
	{ "adding-primary-key", "postgresql",
	  "ADD PRIMARY KEY (or a PRIMARY KEY column) without USING INDEX" },
	{ "ban-drop-table", "postgresql, sqlite, mysql",
	  "DROP TABLE of a table that exists before the migration" },
	{ "ban-drop-column", "postgresql, sqlite, mysql",
	  "ALTER TABLE ... DROP COLUMN" },
	{ "renaming-table", "postgresql, sqlite, mysql",
	  "ALTER TABLE ... RENAME TO" },
	{ "renaming-column", "postgresql, sqlite, mysql",
	  "ALTER TABLE ... RENAME COLUMN" },
	{ "concurrently-in-transaction", "postgresql",
	  "CREATE/DROP INDEX, REINDEX or DETACH PARTITION ... CONCURRENTLY in a transactional section" },
	{ "require-lock-timeout", "postgresql",
	  "a statement that locks an existing table with no lock_timeout set (config or SET before it)" },
	{ "require-primary-key", "postgresql",
	  "CREATE TABLE without a primary key (none added later in the section)" },
	{ "syntax-error", "postgresql",
	  "SQL that PostgreSQL's parser rejects" },
	{ "sqlite-alter-needs-rebuild", "sqlite",
	  "an ALTER TABLE form SQLite does not have, or an ADD COLUMN it refuses" },
	{ "pragma-foreign-keys-in-transaction", "sqlite",
	  "PRAGMA foreign_keys = ... in a transactional section" },
	{ "mysql-table-copy", "mysql",
	  "an ALTER TABLE on an existing table that copies or rebuilds it (ALGORITHM=COPY, MODIFY/CHANGE COLUMN, primary key, CONVERT TO, ENGINE=, a foreign key, FORCE, OPTIMIZE TABLE)" },
	{ "mysql-blocking-index", "mysql",
	  "a FULLTEXT or SPATIAL index added to an existing table" },
	{ "foreign-key-without-index", "mysql",
	  "a FOREIGN KEY whose columns no index of the table starts with" },
	{ "mysql-non-transactional-engine", "mysql",
	  "a table of an engine without transactions (MyISAM, MEMORY, Aria, ...)" },
};

const rt_lint_rule *rt_lint_rules(size_t *n)
{
	*n = sizeof(rules) / sizeof(*rules);
	return rules;
}

/* Why a rule's statements are dangerous and what to write instead. */
typedef struct rule_text {
	const char *name;
	const char *dialect; /* NULL: every dialect */
	const char *why;
	const char *fix;
} rule_text;

static const rule_text texts[] = {
	{ "require-concurrent-index-creation", NULL,
	  "CREATE INDEX holds a SHARE lock on the table while the index builds: every INSERT, UPDATE and DELETE waits until the build ends, minutes on a large table",
	  "CREATE INDEX CONCURRENTLY IF NOT EXISTS ... in a section marked '-- migrate:upgrade transaction:false' (it cannot run in a transaction; if it fails it leaves an INVALID index to drop before retrying)" },
	{ "require-concurrent-index-deletion", NULL,
	  "DROP INDEX takes an ACCESS EXCLUSIVE lock on the index's table: reads and writes wait, and the DROP itself waits behind every running query on the table",
	  "DROP INDEX CONCURRENTLY IF EXISTS ... in a section marked transaction:false" },
	{ "adding-not-nullable-field", "postgresql",
	  "the ALTER fails as soon as the table has a row (existing rows would be NULL), and code still running without the column cannot insert",
	  "add the column with a constant DEFAULT (PostgreSQL 11+ stores it without rewriting the table), or add it nullable, backfill it in batches, then make it NOT NULL safely (see setting-column-not-null)" },
	{ "adding-not-nullable-field", "sqlite",
	  "SQLite refuses it with 'Cannot add a NOT NULL column with default value NULL' as soon as the table has a row, so the migration fails here",
	  "give the column a non-NULL constant DEFAULT, or add it nullable; a NOT NULL column without a default needs a table rebuild (create the new table, copy the rows, drop the old one, rename)" },
	{ "adding-field-with-volatile-default", NULL,
	  "a default PostgreSQL must compute per row (random(), gen_random_uuid(), clock_timestamp(), nextval() behind serial and identity columns) or a stored generated column makes it rewrite the whole table under an ACCESS EXCLUSIVE lock: no reads or writes until the rewrite ends",
	  "add the column without a default (or with a constant one), then ALTER COLUMN ... SET DEFAULT (it applies to new rows only) and backfill existing rows in batches" },
	{ "setting-column-not-null", NULL,
	  "SET NOT NULL scans the whole table for NULLs while holding an ACCESS EXCLUSIVE lock: reads and writes wait for the scan",
	  "ADD CONSTRAINT c CHECK (col IS NOT NULL) NOT VALID in one migration; in a later one VALIDATE CONSTRAINT c (no write lock), then SET NOT NULL right after it (PostgreSQL 12+ uses the validated constraint instead of scanning) and DROP CONSTRAINT c" },
	{ "changing-column-type", NULL,
	  "ALTER COLUMN ... TYPE rewrites the table and rebuilds its indexes under an ACCESS EXCLUSIVE lock unless the change is binary-coercible (varchar(n) to text or to a longer varchar, numeric to more precision at the same scale, ...); code expecting the old type may break too",
	  "add a column of the new type, write both, backfill in batches, move the readers, then drop the old column; if the change is known not to rewrite (e.g. varchar(n) to text), mark it with '-- retort:lint-ignore changing-column-type'" },
	{ "constraint-missing-not-valid", NULL,
	  "adding a CHECK or FOREIGN KEY constraint checks every row while holding a lock that blocks writes (a FOREIGN KEY locks the referenced table too); validating it in the transaction that added it holds that lock for the scan as well",
	  "ADD CONSTRAINT ... NOT VALID (instant: only new rows are checked), then ALTER TABLE ... VALIDATE CONSTRAINT in a later migration: the scan then takes a SHARE UPDATE EXCLUSIVE lock, which lets reads and writes go on" },
	{ "adding-unique-constraint", NULL,
	  "the UNIQUE constraint builds its index while holding an ACCESS EXCLUSIVE lock on the table: no reads or writes until the build ends",
	  "CREATE UNIQUE INDEX CONCURRENTLY idx ON t (cols) in a transaction:false section, then ALTER TABLE t ADD CONSTRAINT name UNIQUE USING INDEX idx" },
	{ "adding-primary-key", NULL,
	  "the primary key builds its unique index while holding an ACCESS EXCLUSIVE lock on the table (and sets NOT NULL on its columns, which scans the table)",
	  "CREATE UNIQUE INDEX CONCURRENTLY idx ON t (cols) in a transaction:false section, make the columns NOT NULL safely (see setting-column-not-null), then ALTER TABLE t ADD CONSTRAINT name PRIMARY KEY USING INDEX idx" },
	{ "ban-drop-table", NULL,
	  "dropping a table destroys its data for good, and code that still uses it (the version running during the deploy, other services, reports) fails",
	  "stop using the table in the code and deploy that first; drop it in a later migration (after a backup), marked with '-- retort:lint-ignore ban-drop-table'" },
	{ "ban-drop-column", "postgresql",
	  "dropping a column destroys its data, and code still running that reads or writes it fails (ORMs often name every column they know in INSERTs and SELECTs)",
	  "remove the column from the code (tell the ORM to ignore it) and deploy that first; drop it in a later migration, marked with '-- retort:lint-ignore ban-drop-column'" },
	{ "adding-not-nullable-field", "mysql",
	  "MySQL does not refuse it: every existing row gets the type's implicit default (0, '', '0000-00-00'), which looks like real data, and code still running without the column cannot insert (strict mode refuses an INSERT that leaves it out)",
	  "give the column an explicit DEFAULT (MySQL 8.0.29+ and MariaDB 10.4+ add it instantly), or add it nullable, backfill it in batches, then make it NOT NULL" },
	{ "ban-drop-column", "mysql",
	  "dropping a column destroys its data, and code still running that reads or writes it fails (ORMs often name every column they know in INSERTs and SELECTs); before MySQL 8.0.29 and MariaDB 10.4 the drop also rebuilds the table",
	  "remove the column from the code and deploy that first; drop it in a later migration, marked with '-- retort:lint-ignore ban-drop-column'" },
	{ "ban-drop-column", "sqlite",
	  "dropping a column destroys its data, and code still running that reads or writes it fails; SQLite also rewrites the table, and refuses the drop when the column is indexed, a key, UNIQUE, or used by a constraint, view or trigger",
	  "remove the column from the code and deploy that first; drop it in a later migration, marked with '-- retort:lint-ignore ban-drop-column' (or rebuild the table when SQLite refuses)" },
	{ "renaming-table", NULL,
	  "code that still uses the old name (the version running during the deploy, other services) fails as soon as the rename commits",
	  "create the table under the new name (or a view with the new name), move the code to it, and remove the old name in a later migration" },
	{ "renaming-column", NULL,
	  "code that still uses the old name (the version running during the deploy, other services) fails as soon as the rename commits",
	  "add a column with the new name, write both, backfill, move the readers, then drop the old column in a later migration" },
	{ "concurrently-in-transaction", NULL,
	  "CONCURRENTLY operations cannot run inside a transaction block: PostgreSQL refuses them there, and retort refuses to run the section",
	  "mark the section '-- migrate:upgrade transaction:false' (its statements then run one by one: write them so a rerun works, e.g. IF NOT EXISTS), or move the statement to a revision of its own" },
	{ "require-lock-timeout", NULL,
	  "a statement waiting for its lock on a busy table makes every later query on that table queue behind it; without lock_timeout that outage lasts as long as the longest running transaction",
	  "set lock_timeout = 5s (or less) in retort.ini, which applies to every migration, or start the section with SET LOCAL lock_timeout = '5s' (SET lock_timeout in a transaction:false section); retry the migration when it times out" },
	{ "require-primary-key", NULL,
	  "rows of a table without a primary key cannot be told apart reliably, logical replication cannot replicate its UPDATEs and DELETEs, and adding a key later locks the filled table",
	  "declare a primary key in CREATE TABLE, e.g. id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY" },
	{ "syntax-error", NULL,
	  "PostgreSQL's parser rejects this SQL, so no statement of the section can run and the other rules could not check it",
	  "fix the SQL (retort parses with the grammar of PostgreSQL 15)" },
	{ "sqlite-alter-needs-rebuild", NULL,
	  "SQLite's ALTER TABLE can only rename a table, rename a column, add a column (without PRIMARY KEY or UNIQUE; on a table with rows also without NOT NULL lacking a default, a non-constant default or STORED) and drop a column; anything else fails and the migration stops here",
	  "rebuild the table: CREATE TABLE t_new (the new definition); INSERT INTO t_new SELECT ... FROM t; DROP TABLE t; ALTER TABLE t_new RENAME TO t; then recreate its indexes, triggers and views (https://www.sqlite.org/lang_altertable.html#otheralter); for a table created in this migration, write the column into its CREATE TABLE instead" },
	{ "mysql-table-copy", NULL,
	  "the ALTER copies the whole table (or rebuilds it in place), and a copy blocks every write to the table until it ends -- minutes or hours on a large table -- while it needs free disk for a second copy; and MySQL commits the DDL on its own, so there is no rolling it back",
	  "where an INSTANT or INPLACE form exists, ask for it (ALGORITHM=INSTANT or ALGORITHM=INPLACE, LOCK=NONE: the server refuses rather than copying); otherwise change large tables with an online schema-change tool (pt-online-schema-change, gh-ost), or add a new column, backfill it and switch over; mark a deliberate copy with '-- retort:lint-ignore mysql-table-copy'" },
	{ "mysql-blocking-index", NULL,
	  "InnoDB builds a FULLTEXT or SPATIAL index with LOCK=SHARED at best: reads go on, but every INSERT, UPDATE and DELETE on the table waits until the build ends",
	  "build it at a quiet time, or on a copy of the table switched in with an online schema-change tool; mark it with '-- retort:lint-ignore mysql-blocking-index' once that is the plan" },
	{ "foreign-key-without-index", NULL,
	  "InnoDB needs an index on a foreign key's columns and, when the table has none, creates one of its own named after the constraint: an index no migration declares (autogenerate and drift checks then see it), which a later DROP FOREIGN KEY leaves behind",
	  "declare the index yourself, before the foreign key: KEY idx_t_col (col) in the CREATE TABLE, or ADD INDEX in the same ALTER" },
	{ "mysql-non-transactional-engine", NULL,
	  "MyISAM, MEMORY, Aria and the like have no transactions: a migration's data changes cannot be rolled back when it fails, rows can be half-written by a crash, and foreign keys are ignored",
	  "use ENGINE=InnoDB (the default since MySQL 5.5), or leave ENGINE out" },
	{ "pragma-foreign-keys-in-transaction", NULL,
	  "PRAGMA foreign_keys does nothing inside a transaction, so in a transactional section it changes nothing: a table rebuild meant to run without foreign-key checks runs with them (or the other way round)",
	  "mark the section '-- migrate:upgrade transaction:false' and set the pragma there, before and after the statements; run PRAGMA foreign_key_check before turning the checks back on" },
};

/* The reason and alternative of a rule for a dialect. */
static const rule_text *rule_text_for(const char *rule, const char *dialect)
{
	for (size_t i = 0; i < sizeof(texts) / sizeof(*texts); i++)
		if (!strcmp(texts[i].name, rule) &&
		    (!texts[i].dialect || !strcmp(texts[i].dialect, dialect)))
			return &texts[i];
	return NULL;
}

/* ------------------------------------------------------------------ */
/* Suppression comments                                                 */
/* ------------------------------------------------------------------ */

#define IGNORE_TAG "retort:lint-ignore"

/* Does the list after "retort:lint-ignore" (up to end) name rule or all? */
static int ignore_names(const char *p, const char *end, const char *rule)
{
	size_t rlen = strlen(rule);
	while (p < end) {
		while (p < end && (*p == ' ' || *p == '\t' || *p == ','))
			p++;
		const char *w = p;
		while (p < end && *p != ' ' && *p != '\t' && *p != ',' &&
		       *p != '\r')
			p++;
		size_t n = (size_t)(p - w);
		if ((n == rlen && !strncmp(w, rule, n)) ||
		    (n == 3 && !strncmp(w, "all", 3)))
			return 1;
		if (p < end && *p == '\r')
			p++;
	}
	return 0;
}

/* Start of file line `line` in the section's text, or NULL. */
static const char *line_start(const lint_section *s, int line)
{
	if (line < s->first_line)
		return NULL;
	const char *p = s->sql, *end = s->sql + s->len;
	for (int l = s->first_line; l < line; l++) {
		p = memchr(p, '\n', (size_t)(end - p));
		if (!p)
			return NULL;
		p++;
	}
	return p;
}

/* The kind of each byte of the section, by the dialect's lexer (made once). */
static const unsigned char *lexmap(lint_section *s)
{
	if (!s->lexmap) {
		s->lexmap = rt_xmalloc(s->len + 1);
		for (size_t i = 0; i < s->len;) {
			rt_sql_kind kind;
			size_t n = rt_sql_region(s->sql, s->len, i, s->lex, &kind);
			memset(s->lexmap + i, (int)kind, n);
			i += n;
		}
	}
	return s->lexmap;
}

/*
 * Does the list after a lint-ignore tag at p, up to the end of its
 * comment on this line (where the bytes stop being comment), name rule?
 */
static int tag_names(const lint_section *s, const unsigned char *map, const char *p,
		     const char *eol, const char *rule)
{
	const char *end = p;
	while (end < eol && map[end - s->sql] == RT_SQL_COMMENT)
		end++;
	return ignore_names(p, end, rule);
}

/*
 * Is rule suppressed for the statement starting on line?  The tag stands
 * in a comment -- a real one, as the dialect's lexer finds comments (the
 * same reading that leaves comments out of checksums) -- on the line right
 * before the statement, or anywhere in the unbroken block of lines above
 * it that hold comments and nothing else.  "--" in a string literal is no
 * comment, and a line holding code or quoted text ends the block.
 */
static int suppressed(lint_section *s, const char *rule, int line)
{
	const unsigned char *map = lexmap(s);
	const char *end = s->sql + s->len;
	for (int l = line - 1; l >= s->first_line; l--) {
		const char *p = line_start(s, l);
		if (!p)
			return 0;
		const char *eol = memchr(p, '\n', (size_t)(end - p));
		if (!eol)
			eol = end;
		int comment = 0;
		for (const char *q = p; q < eol; q++) {
			unsigned char k = map[q - s->sql];
			if (k == RT_SQL_COMMENT)
				comment = 1;
			else if (k == RT_SQL_QUOTED || !strchr(" \t\r\f\v", *q))
				return 0; /* code or quoted text: the block ends */
		}
		if (!comment)
			return 0; /* a blank line ends the block */
		for (const char *q = p; q + sizeof(IGNORE_TAG) - 1 <= eol; q++)
			if (map[q - s->sql] == RT_SQL_COMMENT &&
			    !strncmp(q, IGNORE_TAG, sizeof(IGNORE_TAG) - 1) &&
			    tag_names(s, map, q + sizeof(IGNORE_TAG) - 1, eol, rule))
				return 1;
	}
	return 0;
}

/* ------------------------------------------------------------------ */
/* Findings                                                             */
/* ------------------------------------------------------------------ */

void rt_lint_finding(lint_section *s, const char *rule, int line, int column,
		 const char *fmt, ...)
{
	if (suppressed(s, rule, line) ||
	    (s->cfg && rt_strlist_has(&s->cfg->lint_disable, rule)))
		return;
	const rule_text *t = rule_text_for(rule, s->dialect);
	rt_lint_report *r = s->out;
	ALLOC_GROW(r->v, r->n + 1, r->alloc);
	rt_finding *f = &r->v[r->n++];
	memset(f, 0, sizeof(*f));
	f->rule = rt_xstrdup(rule);
	f->file = rt_xstrdup_or_null(s->file);
	f->line = line;
	f->column = column;
	f->revision = rt_xstrdup_or_null(s->revision);
	f->section = rt_xstrdup(s->downgrade ? "downgrade" : "upgrade");
	strbuf sb = STRBUF_INIT;
	va_list ap;
	va_start(ap, fmt);
	rt_strbuf_vaddf(&sb, fmt, ap);
	va_end(ap);
	f->message = rt_strbuf_detach(&sb);
	f->why = rt_xstrdup(t ? t->why : "");
	f->fix = rt_xstrdup(t ? t->fix : "");
	f->warning = s->cfg && rt_strlist_has(&s->cfg->lint_warn, rule);
	r->nwarnings += (size_t)f->warning;
}

int rt_lint_listed(const rt_strlist *l, const char *name)
{
	return l && name && rt_strlist_has(l, name);
}

/* Order the findings [from, n) by position, keeping the order of equals. */
static void sort_findings(rt_lint_report *r, size_t from)
{
	for (size_t i = from + 1; i < r->n; i++) {
		rt_finding f = r->v[i];
		size_t j = i;
		while (j > from && (r->v[j - 1].line > f.line ||
				    (r->v[j - 1].line == f.line &&
				     r->v[j - 1].column > f.column))) {
			r->v[j] = r->v[j - 1];
			j--;
		}
		r->v[j] = f;
	}
}

/*
 * Frees every finding's strings and the array, leaving r empty (dialect is
 * static), and r itself when heap (retort_int.h); r may be NULL.
 */
void rt_lint_report_free(rt_lint_report *r)
{
	if (!r)
		return;
	int heap = r->heap;
	for (size_t i = 0; i < r->n; i++) {
		rt_finding *f = &r->v[i];
		free(f->rule);
		free(f->file);
		free(f->revision);
		free(f->section);
		free(f->message);
		free(f->why);
		free(f->fix);
	}
	free(r->v);
	memset(r, 0, sizeof(*r));
	if (heap)
		free(r);
}

/* ------------------------------------------------------------------ */
/* Sections                                                             */
/* ------------------------------------------------------------------ */

/*
 * The section's SQL with each ${name} (outside strings, comments and
 * bodies) turned into an identifier of the same length, defined or not:
 * lint needs no -x values, and positions -- lines, columns, and so which
 * statement a suppression comment belongs to -- stay those of the file
 * whatever the values are.
 */
static char *section_text(const char *sql, size_t len, const rt_lexrules *lx,
			  size_t *outlen)
{
	strbuf sb = STRBUF_INIT;
	rt_placeholders_mask(sql, len, lx, &sb);
	*outlen = sb.len;
	return rt_strbuf_detach(&sb);
}

/* Where a section is and how it runs. */
typedef struct section_ref {
	const char *file;
	const char *revision;
	const char *body;
	size_t len;
	int first_line;
	int transactional;
	int downgrade;
} section_ref;

/* Lint one section with the dialect's rules; its findings end up sorted. */
static void lint_section_run(const rt_config *cfg, const rt_dialect *d,
			     const section_ref *ref, lint_memory *mem,
			     rt_lint_report *out)
{
	size_t len = 0;
	char *text = section_text(ref->body, ref->len, d->lex, &len);
	lint_section s = {
		.cfg = cfg, .dialect = d->name, .lex = d->lex, .sql = text, .len = len,
		.pg_version = cfg ? cfg->lint_postgres_version : 0,
		.first_line = ref->first_line, .file = ref->file,
		.revision = ref->revision, .downgrade = ref->downgrade,
		.transactional = ref->transactional, .mem = mem, .out = out,
	};
	size_t from = out->n;
	if (d->lint)
		d->lint(&s);
	sort_findings(out, from);
	free(s.lexmap);
	free(text);
}

static void memory_free(lint_memory *m)
{
	rt_strlist_free(&m->tables);
	rt_strlist_free(&m->columns);
	rt_strlist_free(&m->indexes);
}

/* Both sections of one revision: the upgrade first, it informs the downgrade. */
static void lint_revision(const rt_config *cfg, const rt_dialect *d,
			  const rt_revision *rev, int upgrade_only,
			  rt_lint_report *out)
{
	lint_memory mem = { 0 };
	const rt_section *secs[2] = { &rev->upgrade, &rev->downgrade };
	for (int i = 0; i < 2; i++) {
		if (!secs[i]->present || (i == 1 && upgrade_only))
			continue;
		section_ref ref = {
			.file = rev->path, .revision = rev->id,
			.body = secs[i]->body, .len = secs[i]->len,
			.first_line = secs[i]->body_line,
			.transactional = secs[i]->transactional,
			.downgrade = i,
		};
		lint_section_run(cfg, d, &ref, &mem, out);
	}
	memory_free(&mem);
}

/* ------------------------------------------------------------------ */
/* Entry points                                                         */
/* ------------------------------------------------------------------ */

/*
 * The dialect to lint for: the option, else the context's (ctx NULL: the
 * configured URL's).
 */
static const rt_dialect *pick_dialect(const rt_ctx *ctx, const rt_config *cfg,
				      const rt_lint_options *opts, rt_error *err)
{
	if (opts && opts->dialect)
		return rt_dialect_by_name(opts->dialect, err);
	const rt_dialect *d = ctx ? rt_ctx_dialect(ctx, err)
				  : rt_dialect_for_url(cfg ? cfg->url : NULL, err);
	if (!d) {
		rt_hint(err, "lint needs no database, only its dialect: set url in retort.ini, or name the dialect (sqlite, postgresql or mysql)");
		rt_fix_with(err, RT_FIX_SET, "dialect");
	}
	return d;
}

/* Every rule [lint] disable and warn name must exist: a typo would silently lint. */
static int check_lint_config(const rt_config *cfg, rt_error *err)
{
	if (!cfg)
		return 0;
	const rt_strlist *lists[] = { &cfg->lint_disable, &cfg->lint_warn };
	for (int k = 0; k < 2; k++)
		for (size_t i = 0; i < lists[k]->n; i++) {
			const char *name = lists[k]->v[i];
			size_t j = 0;
			while (j < sizeof(rules) / sizeof(*rules) && strcmp(rules[j].name, name))
				j++;
			if (j < sizeof(rules) / sizeof(*rules))
				continue;
			rt_fail_at(err, RT_ECONFIG, cfg->path ? cfg->path : "retort.ini", 0,
				   "[lint] %s names no rule '%s'", k ? "warn" : "disable", name);
			rt_hint(err, "'retort lint --list-rules' lists the rules");
			return -1;
		}
	return 0;
}

/* Does a [lint] exclude glob match the file: as found, relative to the config's directory, or its name? */
static int excluded(const rt_config *cfg, const char *path)
{
	const char *base = strrchr(path, '/');
	base = base ? base + 1 : path;
	size_t dl = cfg->dir ? strlen(cfg->dir) : 0;
	const char *rel = dl && !strncmp(path, cfg->dir, dl) && path[dl] == '/' ? path + dl + 1 : path;
	for (size_t i = 0; i < cfg->lint_exclude.n; i++) {
		const char *g = cfg->lint_exclude.v[i];
		if (!fnmatch(g, path, 0) || !fnmatch(g, rel, 0) || !fnmatch(g, base, 0))
			return 1;
	}
	return 0;
}

/*
 * Unmark what [lint] leaves out: files matching exclude, and the
 * revisions before ignore_before (its ancestors: history, not linted).
 * Returns how many marked revisions were unmarked, or -1.
 */
static long apply_lint_config(const rt_graph *g, const rt_config *cfg,
			      unsigned char *mark, rt_error *err)
{
	int before = -1;
	if (cfg->lint_ignore_before &&
	    rt_resolve_one(g, cfg->lint_ignore_before, NULL, &before, err) < 0) {
		char *m = err->message;
		err->message = rt_xasprintf("[lint] ignore_before: %s", m);
		free(m);
		return -1;
	}
	size_t n = g->nrevs ? g->nrevs : 1, cnt = 0;
	unsigned char *history = rt_xcalloc(n, 1);
	if (before >= 0) {
		int *order = rt_xmalloc(n * sizeof(int));
		rt_graph_dfs_order(g, &before, 1, history, order, &cnt);
		history[before] = 0;
		free(order);
	}
	long skipped = 0;
	for (size_t i = 0; i < g->nrevs; i++)
		if (mark[i] && (history[i] || excluded(cfg, g->revs[i]->path))) {
			mark[i] = 0;
			skipped++;
		}
	free(history);
	return skipped;
}

/*
 * See retort.h.  No database is read, so identifiers that need one
 * (current, +N, -N) fail.  Revisions are linted in the graph's
 * parents-first order, each with a fresh memory of what its own upgrade
 * creates.
 */
int rt_lint_into(rt_ctx *ctx, const char *const *idents, size_t n,
	    const rt_lint_options *opts, rt_lint_report *out, rt_error *err)
{
	const rt_graph *g = rt_ctx_graph(ctx);
	const rt_config *cfg = rt_ctx_config(ctx);
	const rt_dialect *d = pick_dialect(ctx, cfg, opts, err);
	if (!d)
		return -1;
	if (check_lint_config(cfg, err) < 0)
		return -1;
	unsigned char *mark = rt_xcalloc(g->nrevs ? g->nrevs : 1, 1);
	long skipped = -1;
	if (rt_select_revisions(g, idents, n, mark, err) < 0 ||
	    (skipped = apply_lint_config(g, cfg, mark, err)) < 0) {
		free(mark);
		return -1;
	}
	out->nskipped = (size_t)skipped;
	out->dialect = d->name;
	for (size_t i = 0; i < g->nrevs; i++) {
		int r = g->order[i];
		if (!mark[r])
			continue;
		lint_revision(cfg, d, g->revs[r],
			      opts && opts->upgrade_only, out);
		out->nrevisions++;
	}
	free(mark);
	return 0;
}

/*
 * See retort.h.  The SQL is one upgrade section of no revision (findings
 * have revision NULL); a first_line below 1 counts as 1.
 */
int rt_lint_sql_into(const rt_config *cfg, const rt_lint_options *opts,
		const char *sql, const char *file, int first_line,
		rt_lint_report *out, rt_error *err)
{
	const rt_dialect *d = pick_dialect(NULL, cfg, opts, err);
	if (!d || check_lint_config(cfg, err) < 0)
		return -1;
	out->dialect = d->name;
	lint_memory mem = { 0 };
	section_ref ref = {
		.file = file, .body = sql, .len = strlen(sql),
		.first_line = first_line > 0 ? first_line : 1,
		.transactional = !(opts && opts->nontransactional),
	};
	lint_section_run(cfg, d, &ref, &mem, out);
	memory_free(&mem);
	return 0;
}
