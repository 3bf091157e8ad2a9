/*
 * retort.h - the public API of libretort, the only header an application
 * (or retort's own command line) includes.
 *
 * libretort manages a database schema with a graph of revisions, each a
 * plain-SQL migration file with an upgrade and a downgrade section, the
 * database remembering which heads it is at in a version table exactly as
 * Alembic's alembic_version does.
 *
 * Conventions:
 *   - Functions that can fail return 0 on success and -1 on failure, filling
 *     the rt_error the caller passed (which must start zeroed and be released
 *     with rt_error_clear).  Pointer-returning functions return NULL instead.
 *   - The library never prints.  Progress reaches the caller through an
 *     event callback, offline SQL through an output callback.
 *   - Revisions are referred to by their index in rt_graph.revs.
 *
 * The smallest program that migrates its database at start-up:
 *
 *     rt_error err = {0};
 *     rt_config *cfg = rt_config_load("retort.ini", NULL, 1, &err);
 *     rt_ctx *ctx = cfg ? rt_ctx_open(cfg, &err) : NULL;
 *     if (!ctx || rt_upgrade(ctx, "head", &err) < 0)
 *             fprintf(stderr, "migration failed: %s\n", err.message);
 *     rt_ctx_close(ctx);
 *     rt_config_free(cfg);
 *     rt_error_clear(&err);
 */
#ifndef RETORT_H
#define RETORT_H

#include <stddef.h>

#ifdef __cplusplus
extern "C" {
#endif

/*
 * RT_API marks the library's public functions: the only symbols the shared
 * library exports (everything else is built with -fvisibility=hidden).
 */
#if defined(RETORT_BUILDING) && defined(__GNUC__)
#define RT_API __attribute__((visibility("default")))
#else
#define RT_API
#endif

#define RETORT_VERSION "0.1.0"

/* ------------------------------------------------------------------ */
/* Errors                                                               */
/* ------------------------------------------------------------------ */

typedef enum rt_code {
	RT_OK = 0,
	RT_EFAIL,    /* generic failure */
	RT_EUSAGE,   /* bad command-line use (exit 2) */
	RT_ECONFIG,  /* configuration file or URL problem (exit 2) */
	RT_ESCRIPT,  /* malformed migration file */
	RT_EGRAPH,   /* invalid revision graph (cycle, duplicate, unknown parent) */
	RT_ERESOLVE, /* a revision identifier that names nothing, or too much */
	RT_EDB,      /* database unreachable, or the version table is inconsistent */
	RT_ESQL,     /* a statement of a migration failed */
	RT_ELOCK,    /* another process held the migration lock for too long */
	RT_EIO,      /* file system error */
} rt_code;

typedef struct rt_error {
	rt_code code;
	char *message; /* what happened; several problems are one per line */
	char *hint;    /* what to do next, or NULL */
	char *file;    /* the file at fault, or NULL */
	int line;      /* 1-based line in file, 0 when unknown */
	int column;    /* 1-based column, 0 when unknown */
} rt_error;

RT_API void rt_error_clear(rt_error *err);
/* The process exit status for an error: 2 for usage and config errors, else 1. */
RT_API int rt_error_exit_status(const rt_error *err);

/* ------------------------------------------------------------------ */
/* Configuration (retort.ini)                                           */
/* ------------------------------------------------------------------ */

typedef struct rt_kv {
	char *key;
	char *value;
} rt_kv;

typedef struct rt_config {
	char *path;              /* the file read, NULL when none */
	char *dir;               /* base directory for relative paths */
	char *env;               /* selected [env:NAME], or NULL */
	char **script_locations; /* directories of migration files (relative to the cwd) */
	size_t nscript_locations;
	char *url;               /* database URL, ${VAR} substituted, driver taken out */
	char *url_driver;        /* the driver its scheme named (postgresql+asyncpg), or NULL */
	char *schema;            /* declared schema file (absolute), or NULL */
	char *schema_command;    /* or: a shell command printing it, or NULL */
	char *version_table;     /* default retort_version */
	char *version_table_schema; /* PostgreSQL: schema of retort's tables, or NULL */
	char *search_path;       /* PostgreSQL: search_path for migrations, or NULL */
	char *lock_timeout;      /* PostgreSQL: lock_timeout for migrations ("5s"), or NULL */
	char *statement_timeout; /* PostgreSQL: statement_timeout, or NULL */
	char *dev_url;           /* where scratch databases are made (PostgreSQL), or NULL: url */
	char *seed_location;     /* directory of seed files, default "seeds" */
	char **seeds;            /* seeds `reset` runs, in order */
	size_t nseeds;
	char **branches;         /* branch labels expected to have a head each (verify) */
	size_t nbranches;
	int protected_env;       /* protected = true: reset refuses */
	int scratch;             /* internal: a throwaway database, no durability needed */
	char *file_template;     /* default %(rev)s_%(slug)s */
	char *timezone;          /* for Create Date and file names; NULL = local */
	int truncate_slug_length;
	int transaction_per_migration; /* 1 (default) or 0: one transaction per run */
	int column_order_strict; /* column_order = strict: order is a difference (default ignore) */
	int compare_privileges;  /* compare_privileges = true: GRANTs are compared (PostgreSQL) */
	double lock_wait;        /* seconds to wait for the migration lock */
	rt_kv *placeholders;     /* [placeholders] and -x key=value */
	size_t nplaceholders;
} rt_config;

/*
 * Read a configuration file.  path NULL means $RETORT_CONFIG, else
 * ./retort.ini.  env NULL means $RETORT_ENV, else no environment.  When no
 * file is given and ./retort.ini does not exist, defaults are used (so
 * --url alone works) unless require_file is set.
 */
RT_API rt_config *rt_config_load(const char *path, const char *env, int require_file,
			  rt_error *err);
/*
 * rt_config_load with settings that replace the file's (n key/value pairs,
 * set as by rt_config_set after the file is read).  A replaced value of
 * the file is never substituted, so a ${VAR} only it uses need not be set:
 * an application passing its own url needs no DATABASE_URL.
 */
RT_API rt_config *rt_config_load_with(const char *path, const char *env, int require_file,
			       const rt_kv *overrides, size_t n, rt_error *err);
/* A deep copy. */
RT_API rt_config *rt_config_clone(const rt_config *cfg);
/* Defaults only, no file: script_location "migrations" relative to dir. */
RT_API rt_config *rt_config_new(const char *dir);
/* Set a key as if it came from the file (used by --url and -x). */
RT_API int rt_config_set(rt_config *cfg, const char *key, const char *value,
		  rt_error *err);
/* Add or replace a placeholder value (-x key=value). */
RT_API void rt_config_set_placeholder(rt_config *cfg, const char *key,
			       const char *value);
RT_API const char *rt_config_placeholder(const rt_config *cfg, const char *key);
RT_API void rt_config_free(rt_config *cfg);

/* A copy of url with any password replaced by "***"; the caller frees it. */
RT_API char *rt_url_mask(const char *url);

/*
 * A copy of s safe to print on a terminal: control characters other than
 * newline and tab (C0, DEL, C1) and bytes that are not UTF-8 become U+FFFD.
 * NULL gives "".  The caller frees it.
 */
RT_API char *rt_printable(const char *s);

/* ------------------------------------------------------------------ */
/* Migration files and the revision graph                               */
/* ------------------------------------------------------------------ */

typedef struct rt_strlist {
	char **v;
	size_t n;
} rt_strlist;

typedef struct rt_section {
	int present;        /* the marker was found */
	int line;           /* line of the marker */
	const char *body;   /* text after the marker line (points into file text) */
	size_t len;
	int body_line;      /* line number of body[0] */
	int transactional;  /* 0 when marked transaction:false */
	int batch;          /* marked batch: its one statement repeats until it changes no rows */
} rt_section;

typedef struct rt_revision {
	char *id;
	rt_strlist down;     /* Revises: down revisions, as written */
	rt_strlist labels;   /* Branch Labels declared here */
	rt_strlist depends;  /* Depends On, as written (ids, prefixes, labels) */
	char *message;
	char *create_date;
	char *path;          /* file path as found */
	char *text;          /* whole file contents */
	size_t textlen;
	rt_section upgrade;
	rt_section downgrade;
	int line_id, line_revises, line_labels, line_depends; /* header lines */

	/* Filled in by the graph (indices into rt_graph.revs): */
	int *parents;        /* resolved down revisions, in written order */
	int nparents;
	int *deps;           /* resolved depends_on targets */
	int ndeps;
	int *children;       /* revisions that list this one in Revises */
	int nchildren;
	int ndependants;     /* revisions whose Depends On names this one */
	int *branch;         /* branch labels in effect (indices into graph labels) */
	int nbranch;
	int order;           /* position in rt_graph.order */
} rt_revision;

typedef struct rt_label {
	const char *name;    /* points into the declaring revision */
	int rev;             /* the revision that declares it */
} rt_label;

typedef struct rt_graph {
	rt_revision **revs;  /* load order: script_locations in order, names sorted */
	size_t nrevs;
	int *heads;          /* revisions with no children, in load order */
	size_t nheads;
	int *bases;          /* revisions with no parents, in load order */
	size_t nbases;
	int *order;          /* every revision, parents and dependencies first */
	rt_label *labels;
	size_t nlabels;
	void *index;         /* private: id lookup */
} rt_graph;

/* Parse one migration file's text (which the revision takes ownership of). */
RT_API rt_revision *rt_revision_parse(const char *path, char *text, size_t len,
			       rt_error *err);
RT_API void rt_revision_free(rt_revision *rev);

/*
 * Load every *.sql file of the script locations and validate the graph:
 * malformed files, duplicate ids, unknown down revisions or dependencies,
 * cycles and duplicate branch labels are errors naming the files.
 */
RT_API rt_graph *rt_graph_load(const rt_config *cfg, rt_error *err);
/* Build a graph from parsed revisions (takes ownership, also on error). */
RT_API rt_graph *rt_graph_build(rt_revision **revs, size_t n, rt_error *err);
RT_API void rt_graph_free(rt_graph *g);
/* Index of the revision with exactly this id, or -1. */
RT_API int rt_graph_find(const rt_graph *g, const char *id);
/* Is a an ancestor of b (following down revisions and dependencies)? */
RT_API int rt_graph_is_ancestor(const rt_graph *g, int a, int b);
/* A head that some revision depends on (Alembic's "effective head"). */
RT_API int rt_graph_is_effective_head(const rt_graph *g, int rev);

/* A set of revisions (indices), in a meaningful order. */
typedef struct rt_revset {
	int *v;
	size_t n;
	size_t alloc;
} rt_revset;

RT_API void rt_revset_add(rt_revset *s, int rev);
RT_API int rt_revset_has(const rt_revset *s, int rev);
RT_API void rt_revset_free(rt_revset *s);

/* What the database records: its version rows, resolved against the graph. */
typedef struct rt_state {
	rt_revset rows;      /* rows of the version table that files define */
	rt_strlist unknown;  /* rows that no migration file defines */
	int exists;          /* the version table exists */
} rt_state;

RT_API void rt_state_free(rt_state *st);
/*
 * Fail when the database records a revision no file defines, naming it and
 * the known heads, with the stamp command that repairs it.
 */
RT_API int rt_state_check(const rt_graph *g, const rt_state *st, rt_error *err);
/* The effective heads of the database: rows plus heads implied by dependencies. */
RT_API void rt_state_heads(const rt_graph *g, const rt_state *st, rt_revset *out);

/*
 * A resolved identifier.  revs empty means base.  When below is set the
 * identifier was label@base: the named revisions themselves are to go too.
 */
typedef struct rt_target {
	rt_revset revs;
	int below;
	/*
	 * For branch@... identifiers: the revisions of that branch (a bitmap
	 * over rt_graph.revs, owned by the target), else NULL.  A downgrade
	 * then only reverts what lies on the branch, as in Alembic.
	 */
	unsigned char *branch;
} rt_target;

RT_API void rt_target_free(rt_target *t);

/*
 * Resolve a revision identifier: head, heads, base, a full id or unique
 * prefix, a branch label, label@head|heads|base|REV, +N, -N, REV+N, REV-N,
 * head-N, label@+N, label@-N, current.  st may be NULL when no database
 * is at hand; forms that need it then fail with a message saying so.
 */
RT_API int rt_resolve(const rt_graph *g, const char *ident, const rt_state *st,
	       rt_target *out, rt_error *err);
/* Resolve an identifier that must name exactly one revision. */
RT_API int rt_resolve_one(const rt_graph *g, const char *ident, const rt_state *st,
		   int *rev, rt_error *err);

/*
 * The revisions of a history range "A:B" (either side may be empty: base,
 * heads), A and B included, newest first.  A must be an ancestor of B.
 */
RT_API int rt_resolve_range(const rt_graph *g, const char *range, const rt_state *st,
		     rt_revset *out, rt_error *err);

/*
 * Check a new revision id (or branch label): at most 32 characters; no
 * @ - + : (they mean something in identifiers), no spaces, commas, quotes
 * or control characters, no / or \ and no leading '.' (ids become file
 * names), and not one of the words head, heads, base, current.
 */
RT_API int rt_check_revision_id(const char *id, rt_error *err);

/* ------------------------------------------------------------------ */
/* Plans                                                                */
/* ------------------------------------------------------------------ */

typedef enum rt_direction {
	RT_UPGRADE,
	RT_DOWNGRADE,
	RT_STAMP,
} rt_direction;

/* One change to the version table: INSERT to, UPDATE from -> to, DELETE from. */
typedef struct rt_vop {
	enum { RT_VOP_INSERT, RT_VOP_UPDATE, RT_VOP_DELETE } kind;
	char *from; /* NULL for INSERT */
	char *to;   /* NULL for DELETE */
} rt_vop;

typedef struct rt_step {
	rt_direction dir;
	int rev;             /* the revision run (for stamps: -1) */
	rt_strlist from;     /* ids before the step (for display) */
	rt_strlist to;       /* ids after the step */
	rt_vop *vops;
	size_t nvops;
} rt_step;

typedef struct rt_plan {
	rt_step *steps;
	size_t n;
} rt_plan;

/*
 * Upgrade: every ancestor of the target (down revisions and dependencies)
 * not yet applied, parents first, depth first along the first-listed down
 * revision.  Downgrade: every applied strict descendant of the target,
 * children first.  Both simulate the version table and record its changes.
 */
RT_API int rt_plan_upgrade(const rt_graph *g, const rt_state *st,
		    const rt_target *target, rt_plan *plan, rt_error *err);
RT_API int rt_plan_downgrade(const rt_graph *g, const rt_state *st,
		      const rt_target *target, rt_plan *plan, rt_error *err);
/*
 * Stamp: set the version table to targets without running anything.  Rows
 * of unrelated branches are kept; with purge every row is replaced.
 */
RT_API int rt_plan_stamp(const rt_graph *g, const rt_state *st,
		  const rt_target *targets, size_t ntargets, int purge,
		  rt_plan *plan, rt_error *err);
RT_API void rt_plan_free(rt_plan *plan);

/* ------------------------------------------------------------------ */
/* Running against a database                                           */
/* ------------------------------------------------------------------ */

typedef struct rt_ctx rt_ctx;

typedef enum rt_event_kind {
	RT_EV_STEP_BEGIN,  /* step is set */
	RT_EV_STEP_END,    /* step and elapsed_ms are set */
	RT_EV_LOCK_WAIT,   /* text says who holds the lock */
	RT_EV_NOTICE,      /* text: something the user should know */
	RT_EV_BATCH,       /* a batch repetition committed: rows, total, elapsed_ms */
} rt_event_kind;

typedef struct rt_event {
	rt_event_kind kind;
	const rt_step *step;
	const rt_revision *rev;
	double elapsed_ms;
	const char *text;
	long long rows;    /* RT_EV_BATCH: rows this repetition changed */
	long long total;   /* RT_EV_BATCH: rows changed so far */
} rt_event;

typedef void (*rt_event_fn)(const rt_event *ev, void *ud);
/* Receives offline SQL (--sql), a piece at a time. */
typedef void (*rt_output_fn)(const char *text, size_t len, void *ud);

/* Load the graph for cfg and pick the dialect for its URL (no connection yet). */
RT_API rt_ctx *rt_ctx_open(const rt_config *cfg, rt_error *err);
RT_API void rt_ctx_close(rt_ctx *ctx);
RT_API const rt_graph *rt_ctx_graph(const rt_ctx *ctx);
RT_API const rt_config *rt_ctx_config(const rt_ctx *ctx);
RT_API void rt_ctx_on_event(rt_ctx *ctx, rt_event_fn fn, void *ud);
/*
 * Back the database up (as rt_backup) right before the first step of the
 * next upgrade or downgrade, under the migration lock -- and only when
 * there is a step to run.  Where it went comes as an RT_EV_NOTICE.
 */
RT_API void rt_ctx_backup_first(rt_ctx *ctx, int on);
/* Offline mode: nothing connects; SQL goes to fn. */
RT_API void rt_ctx_set_offline(rt_ctx *ctx, rt_output_fn fn, void *ud);

/*
 * Read the version table without changing anything (no table, no file is
 * created).  A SQLite file that does not exist yet reads as empty; a
 * PostgreSQL database that does not exist is an error (more likely a
 * wrong URL than a database still to be made).
 */
RT_API int rt_current(rt_ctx *ctx, rt_state *st, rt_error *err);

/*
 * Move the database.  Online: takes the migration lock, reads the version
 * table under it, runs each step with its version-table update in one
 * transaction (or the whole run in one), and records history.  Offline
 * (rt_ctx_set_offline) target may be a range FROM:TO; the SQL that would
 * run is written out instead.
 */
RT_API int rt_upgrade(rt_ctx *ctx, const char *target, rt_error *err);
RT_API int rt_downgrade(rt_ctx *ctx, const char *target, rt_error *err);
RT_API int rt_stamp(rt_ctx *ctx, const char *const *targets, size_t n, int purge,
	     rt_error *err);

/* ------------------------------------------------------------------ */
/* Schemas: autogenerate, check, diff                                   */
/* ------------------------------------------------------------------ */

/*
 * The difference between two schemas.  A source is one of:
 *   schema            the declared schema file (config: schema)
 *   file:PATH         another schema file (also: any PATH ending in .sql)
 *   migrations[:REV]  the migration files replayed up to REV (default heads;
 *                     "a,b" for the state of a database at both a and b)
 *   database          the configured database, as it is
 *   URL               another database, as it is
 *   empty             nothing
 * Files and migrations are loaded into a scratch database (SQLite: a
 * temporary file; PostgreSQL: a temporary database on dev_url or url)
 * and read back from its catalog, like live databases.
 */
typedef struct rt_diff {
	char *upgrade_sql;      /* SQL from `from` to `to`, commented; "" when equal */
	char *downgrade_sql;    /* SQL from `to` back to `from` */
	rt_strlist changes;     /* the upgrade's operations, one line each */
	rt_strlist warnings;    /* data that would be lost, possible renames */
	rt_strlist unsupported; /* objects found that retort cannot compare */
} rt_diff;

RT_API int rt_schema_diff(rt_ctx *ctx, const char *from, const char *to,
		   rt_diff *out, rt_error *err);
RT_API void rt_diff_free(rt_diff *d);

/* ------------------------------------------------------------------ */
/* Around the migrations: backup, seeds, create, reset                  */
/* ------------------------------------------------------------------ */

/*
 * Back the database up to path, or when path is NULL to
 * <config dir>/backups/backup-<UTC time>.<sqlite|dump>; *written gets the
 * file's path.  SQLite: the online backup API; PostgreSQL: pg_dump
 * (custom format, for pg_restore).  Returns 1 (and *written NULL) when
 * the database does not exist yet.
 */
RT_API int rt_backup(rt_ctx *ctx, const char *path, char **written, rt_error *err);
/* Run <seed_location>/NAME.sql in one transaction. */
RT_API int rt_seed(rt_ctx *ctx, const char *name, rt_error *err);
/*
 * Load the declared schema into an empty database and stamp it at the
 * heads, in one transaction; refuses a database with tables or a revision.
 */
RT_API int rt_create(rt_ctx *ctx, rt_error *err);
/*
 * Start over: downgrade to base (or, when a revision has no downgrade,
 * drop every object), upgrade to the heads, run the configured seeds.
 * Refuses in an environment marked protected.  The caller asks first.
 */
RT_API int rt_reset(rt_ctx *ctx, rt_error *err);

/* ------------------------------------------------------------------ */
/* verify: one pre-deploy check                                         */
/* ------------------------------------------------------------------ */

typedef struct rt_verify_check {
	const char *name;      /* "config", "database", "heads", "version table", ... */
	int ok;                /* passed (or nothing to check) */
	char *summary;         /* one line: what was found */
	rt_strlist problems;   /* one line per problem */
	char *fix_sql;         /* drift: the SQL that brings the database back in line */
} rt_verify_check;

typedef struct rt_verify_report {
	rt_verify_check *v;
	size_t n;
	int ok;                /* every check passed */
} rt_verify_report;

/*
 * Config, connection, heads (one, or one per branch in `branches`),
 * version rows defined by files, checksums of applied revisions against
 * their files, drift between the database and its migrations, lint of
 * the revisions still to apply, and a downgrade for every revision.
 * Returns 0 when the checks ran (see out->ok), -1 when they could not.
 */
RT_API int rt_verify(rt_ctx *ctx, rt_verify_report *out, rt_error *err);
RT_API void rt_verify_report_free(rt_verify_report *r);

/* SHA-256 of a revision's upgrade section, line endings normalised: "sha256:<hex>". */
RT_API char *rt_revision_checksum(const rt_revision *rev);

/* ------------------------------------------------------------------ */
/* Writing migration files                                              */
/* ------------------------------------------------------------------ */

typedef struct rt_new_revision {
	const char *message;          /* may be NULL */
	const char *rev_id;           /* NULL: 12 random hex digits */
	const char *const *heads;     /* identifiers of the parents; NULL = {"head"} */
	size_t nheads;
	int splice;                   /* allow a parent that is not a head */
	int merge;                    /* a merge: at least two distinct heads */
	const char *const *labels;    /* Branch Labels */
	size_t nlabels;
	const char *const *depends;   /* Depends On identifiers */
	size_t ndepends;
	const char *version_path;     /* directory; NULL = the parent's, or the first */
	const char *upgrade_sql;      /* body of the upgrade section, or NULL */
	const char *downgrade_sql;
} rt_new_revision;

/* Validate against the graph, then write the file; *path_out gets its path. */
RT_API int rt_revision_create(const rt_config *cfg, const rt_graph *g,
		       const rt_new_revision *nr, char **path_out,
		       rt_error *err);
/*
 * revision --autogenerate: with the database at every head, write a
 * migration from it to the declared schema (both sections).  When they
 * already match, nothing is written and *path stays NULL.
 */
RT_API int rt_autogenerate(rt_ctx *ctx, const rt_new_revision *nr, rt_diff *diff,
		    char **path, rt_error *err);

/* The slug Alembic derives from a message: words joined by _, lower case, truncated. */
RT_API char *rt_slugify(const char *message, int truncate);

/* ------------------------------------------------------------------ */
/* Lint: rules over migration SQL (docs/lint.md)                        */
/* ------------------------------------------------------------------ */

/*
 * One finding: a statement that is dangerous to run on a live database.
 * rule is a stable kebab-case id (the name a lint-ignore comment uses);
 * line and column are those of the statement's first token.
 */
typedef struct rt_finding {
	char *rule;
	char *file;
	int line, column;
	char *revision;     /* the revision's id; NULL from rt_lint_sql */
	char *section;      /* "upgrade" or "downgrade" */
	char *message;      /* what this statement does, naming the objects */
	char *why;          /* why it is dangerous */
	char *fix;          /* the safe alternative */
} rt_finding;

typedef struct rt_lint_report {
	rt_finding *v;      /* in revision order (parents first), then by line */
	size_t n;
	size_t alloc;
	size_t nrevisions;  /* revisions linted */
	const char *dialect; /* "sqlite" or "postgresql" (static) */
} rt_lint_report;

typedef struct rt_lint_options {
	const char *dialect;  /* "sqlite" or "postgresql"; NULL: from the URL */
	int upgrade_only;     /* leave downgrade sections out */
	int nontransactional; /* rt_lint_sql: the SQL runs outside a transaction */
} rt_lint_options;

/* A rule, for listings: the dialects it applies to and what fires it. */
typedef struct rt_lint_rule {
	const char *name;
	const char *dialects; /* "postgresql", "sqlite" or "postgresql, sqlite" */
	const char *summary;
} rt_lint_rule;

/*
 * Lint revisions: idents are revision identifiers or ranges "A:B" (n == 0:
 * every revision).  Both sections are linted (the downgrade unless
 * opts->upgrade_only), placeholders replaced as when running.  Findings
 * are added to out (which must start zeroed); a syntax error is a finding
 * (rule syntax-error), not a failure.  Fails only on unknown identifiers
 * or an unknown dialect.  opts may be NULL.
 */
RT_API int rt_lint(rt_ctx *ctx, const char *const *idents, size_t n,
	    const rt_lint_options *opts, rt_lint_report *out, rt_error *err);
/*
 * Lint SQL that is not (yet) a revision's section, e.g. what autogenerate
 * wrote: as an upgrade section, transactional unless
 * opts->nontransactional.  first_line is the file line of sql[0].
 */
RT_API int rt_lint_sql(const rt_config *cfg, const rt_lint_options *opts,
		const char *sql, const char *file, int first_line,
		rt_lint_report *out, rt_error *err);
RT_API void rt_lint_report_free(rt_lint_report *r);
/* Every rule, in documentation order; *n gets their number. */
RT_API const rt_lint_rule *rt_lint_rules(size_t *n);

#ifdef __cplusplus
}
#endif
#endif
