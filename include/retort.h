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
 *   - Every object is an opaque handle, read through functions: the layout
 *     of the structures behind them may change in any release.  What a
 *     function returns with "_free" in its family is freed with it;
 *     strings returned as "char *" are freed with rt_free.  Every _free
 *     function accepts NULL.
 *   - Functions that can fail return 0 on success and -1 on failure (or
 *     NULL for pointer-returning ones), filling the rt_error the caller
 *     passed (from rt_error_new; never NULL).  A failing call replaces what
 *     the error held; a succeeding one leaves it alone.
 *   - The library never prints.  Progress reaches the caller through an
 *     event callback, offline SQL through an output callback.
 *   - Revisions are referred to by their index in the graph: 0 to
 *     rt_graph_count() - 1, in load order (script locations in order, file
 *     names sorted).
 *
 * Threads: the library keeps no global state that changes.  Each thread
 * uses its own rt_ctx (and rt_error); any number of contexts may run at
 * once, on different databases or on the same one (the migration lock
 * serialises them, as it does separate processes).  A read-only object
 * (rt_config, rt_graph) may be shared by several threads as long as none
 * changes it.  Nothing changes the process environment, the time zone,
 * signal handlers or the working directory; between fork and exec (pg_dump,
 * schema_command) only async-signal-safe calls are made.
 *
 * Out of memory: libretort does not return allocation failures; when
 * malloc fails it writes one line to stderr and calls abort().
 *
 * Versions: RETORT_VERSION_NUMBER is MAJOR * 1000000 + MINOR * 1000 +
 * PATCH.  Within one major version, functions and enumerators are only
 * added, never removed or changed; docs/library.md has the whole policy.
 *
 * The smallest program that migrates its database at start-up:
 *
 *     rt_error *err = rt_error_new();
 *     rt_config *cfg = rt_config_load("retort.ini", NULL, 1, err);
 *     rt_ctx *ctx = cfg ? rt_ctx_open(cfg, err) : NULL;
 *     if (!ctx || rt_upgrade(ctx, "heads", err) < 0)
 *             fprintf(stderr, "migration failed: %s\n", rt_error_message(err));
 *     rt_ctx_close(ctx);
 *     rt_config_free(cfg);
 *     rt_error_free(err);
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

/* ------------------------------------------------------------------ */
/* Version                                                              */
/* ------------------------------------------------------------------ */

#define RETORT_VERSION_MAJOR 0
#define RETORT_VERSION_MINOR 1
#define RETORT_VERSION_PATCH 0
#define RETORT_VERSION "0.1.0"
#define RETORT_VERSION_NUMBER \
	(RETORT_VERSION_MAJOR * 1000000 + RETORT_VERSION_MINOR * 1000 + RETORT_VERSION_PATCH)

/*
 * The version of the library actually linked (which may be newer than the
 * header a program was built with): "0.1.0" and 1000.
 */
RT_API const char *rt_version(void);
RT_API int rt_version_number(void);

/* Free a string the library returned as "char *". */
RT_API void rt_free(void *p);

/* ------------------------------------------------------------------ */
/* Errors                                                               */
/* ------------------------------------------------------------------ */

typedef enum rt_code {
	RT_OK = 0,
	RT_EFAIL,    /* generic failure */
	RT_EUSAGE,   /* an argument the call cannot accept */
	RT_ECONFIG,  /* configuration file or URL problem */
	RT_ESCRIPT,  /* malformed migration file */
	RT_EGRAPH,   /* invalid revision graph (cycle, duplicate, unknown parent) */
	RT_ERESOLVE, /* a revision identifier that names nothing, or too much */
	RT_EDB,      /* database unreachable, or the version table is inconsistent */
	RT_ESQL,     /* a statement of a migration failed */
	RT_ELOCK,    /* another process held the migration lock for too long */
	RT_EIO,      /* file system error */
} rt_code;

/*
 * What would fix an error, when one action does: rt_error_fix_arg names
 * its argument.  A program offers it in its own terms (the command line
 * prints the retort command that does it).
 */
typedef enum rt_fix {
	RT_FIX_NONE = 0,
	RT_FIX_UPGRADE,         /* upgrade to the revision(s) arg */
	RT_FIX_DOWNGRADE,       /* downgrade to arg */
	RT_FIX_STAMP,           /* stamp arg: record it without running SQL */
	RT_FIX_STAMP_PURGE,     /* stamp arg, replacing every version row */
	RT_FIX_MERGE,           /* write a merge revision joining arg ("heads") */
	RT_FIX_NEW_PROJECT,     /* create a configuration file and migrations directory */
	RT_FIX_AUTOGENERATE,    /* write a migration from the declared schema */
	RT_FIX_READ_CURRENT,    /* read the database's current revisions again */
	RT_FIX_LIST_REVISIONS,  /* look the identifier up in the graph's revisions */
	/*
	 * Set what arg names: a configuration key (url, lock_wait), the
	 * configuration file itself (config_file), the dialect a call takes
	 * (dialect), or a field of rt_revision_spec (rev_id, splice,
	 * version_path).
	 */
	RT_FIX_SET,
	RT_FIX_SET_PLACEHOLDER, /* give the placeholder arg a value */
	/*
	 * Continue the revision a failed run left partly applied (MySQL;
	 * rt_ctx_partial RT_PARTIAL_RESUME): arg is the direction it was
	 * going, "upgrade" or "downgrade", then a space and the target when
	 * one is needed.
	 */
	RT_FIX_RESUME,
	RT_FIX_LIST_RUNS,       /* look at the runs in the history table (rt_runs_read) */
	/*
	 * The database already holds what revision arg makes: compare it with
	 * what the migrations build at arg, and when it matches, stamp arg.
	 */
	RT_FIX_COMPARE_STAMP,
} rt_fix;

/*
 * What kind of failure a database reported (RT_ESQL, RT_EDB, RT_ELOCK), so
 * that a caller can tell a broken migration from a busy, full or locked
 * database: retry later, fix the storage or grant a privilege instead of
 * editing the migration.
 */
typedef enum rt_fault {
	RT_FAULT_NONE = 0,    /* not reported by a database, or not known */
	RT_FAULT_STATEMENT,   /* the SQL itself: syntax, unknown table, ... */
	RT_FAULT_DATA,        /* a value does not fit (bad input for a type, division by zero) */
	RT_FAULT_CONSTRAINT,  /* rows break a constraint (unique, foreign key, not null, check) */
	RT_FAULT_LOCK,        /* a lock another session held; a lock or statement timeout */
	RT_FAULT_PERMISSION,  /* a missing privilege; a read-only database or file */
	RT_FAULT_IO,          /* disk full, I/O error, a damaged database file, no memory */
	RT_FAULT_CONNECTION,  /* the connection to the server was lost */
	RT_FAULT_EXISTS,      /* what the statement creates is already there (table, column, index, ...) */
} rt_fault;


typedef struct rt_error rt_error;

/* A new, empty error (code RT_OK). */
RT_API rt_error *rt_error_new(void);
RT_API void rt_error_free(rt_error *err);
/* Empty it again (RT_OK), to reuse it. */
RT_API void rt_error_clear(rt_error *err);
RT_API rt_code rt_error_code(const rt_error *err);
/* What happened; several problems are one per line.  NULL when RT_OK. */
RT_API const char *rt_error_message(const rt_error *err);
/* What to do next, in terms of this API (no command lines), or NULL. */
RT_API const char *rt_error_hint(const rt_error *err);
/* The file at fault, or NULL; its 1-based line and column, 0 when unknown. */
RT_API const char *rt_error_file(const rt_error *err);
RT_API int rt_error_line(const rt_error *err);
RT_API int rt_error_column(const rt_error *err);
RT_API rt_fix rt_error_fix(const rt_error *err);
RT_API const char *rt_error_fix_arg(const rt_error *err);
/* What kind of failure, when a database reported it (else RT_FAULT_NONE). */
RT_API rt_fault rt_error_fault(const rt_error *err);
/* A short static description of a code ("a migration statement failed"). */
RT_API const char *rt_strerror(rt_code code);

/* ------------------------------------------------------------------ */
/* Configuration (retort.ini)                                           */
/* ------------------------------------------------------------------ */

typedef struct rt_config rt_config;

/*
 * Read a configuration file.  path NULL means $RETORT_CONFIG, else
 * ./retort.ini.  env NULL means $RETORT_ENV, else no environment.  When no
 * file is given and ./retort.ini does not exist, defaults are used (so
 * a URL set with rt_config_set alone works) unless require_file is set.
 */
RT_API rt_config *rt_config_load(const char *path, const char *env, int require_file,
			  rt_error *err);
/*
 * rt_config_load with settings that replace the file's (n keys and their
 * values, set as by rt_config_set after the file is read).  A replaced
 * value of the file is never substituted, so a ${VAR} only it uses need
 * not be set: an application passing its own url needs no DATABASE_URL.
 */
RT_API rt_config *rt_config_load_with(const char *path, const char *env, int require_file,
			       const char *const *keys, const char *const *values,
			       size_t n, rt_error *err);
/* Defaults only, no file: script_location "migrations" relative to dir. */
RT_API rt_config *rt_config_new(const char *dir);
/* A deep copy. */
RT_API rt_config *rt_config_clone(const rt_config *cfg);
/* Set a key of [retort] as if it came from the file; checked as the file's are. */
RT_API int rt_config_set(rt_config *cfg, const char *key, const char *value,
		  rt_error *err);
/*
 * A key's value as retort.ini would spell it (lists comma-separated,
 * booleans true/false, paths as resolved), to be freed with rt_free; NULL
 * for a key that is unset or unknown.
 */
RT_API char *rt_config_get(const rt_config *cfg, const char *key);
/* The file read (NULL: none), its directory, and the [env:NAME] selected (or NULL). */
RT_API const char *rt_config_path(const rt_config *cfg);
RT_API const char *rt_config_dir(const rt_config *cfg);
RT_API const char *rt_config_env(const rt_config *cfg);
/* The [env:NAME] sections the file has, in order: their number and names. */
RT_API size_t rt_config_env_count(const rt_config *cfg);
RT_API const char *rt_config_env_name(const rt_config *cfg, size_t i);
/* Add or replace a placeholder value (${key} in migrations). */
RT_API void rt_config_set_placeholder(rt_config *cfg, const char *key,
			       const char *value);
RT_API const char *rt_config_placeholder(const rt_config *cfg, const char *key);
RT_API void rt_config_free(rt_config *cfg);

/* A copy of url with any password replaced by "***", for rt_free. */
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

typedef struct rt_revision rt_revision;
typedef struct rt_graph rt_graph;

typedef enum rt_section_kind {
	RT_SECTION_UPGRADE,
	RT_SECTION_DOWNGRADE,
} rt_section_kind;

/*
 * Parse one migration file's text, which the revision takes ownership of
 * (it must come from malloc; it is freed also when parsing fails).
 */
RT_API rt_revision *rt_revision_parse(const char *path, char *text, size_t len,
			       rt_error *err);
/* Free a revision from rt_revision_parse that no graph took over. */
RT_API void rt_revision_free(rt_revision *rev);

/*
 * Load every *.sql file of the script locations and validate the graph:
 * malformed files, duplicate ids, unknown down revisions or dependencies,
 * cycles and duplicate branch labels are errors naming the files.
 */
RT_API rt_graph *rt_graph_load(const rt_config *cfg, rt_error *err);
/* Build a graph from parsed revisions (takes ownership, also on error). */
RT_API rt_graph *rt_graph_build(rt_revision **revs, size_t n, rt_error *err);
/* Frees the graph and every revision in it. */
RT_API void rt_graph_free(rt_graph *g);

/* The revisions: index 0 .. count-1 in load order; NULL out of range. */
RT_API size_t rt_graph_count(const rt_graph *g);
RT_API const rt_revision *rt_graph_revision(const rt_graph *g, int rev);
/* Index of the revision with exactly this id, or -1. */
RT_API int rt_graph_find(const rt_graph *g, const char *id);
/* Heads (nothing revises them) and bases (they revise nothing), in load order. */
RT_API size_t rt_graph_head_count(const rt_graph *g);
RT_API int rt_graph_head(const rt_graph *g, size_t i);
RT_API size_t rt_graph_base_count(const rt_graph *g);
RT_API int rt_graph_base(const rt_graph *g, size_t i);
/* The k-th revision (k < count) in an order that puts parents and dependencies first. */
RT_API int rt_graph_order(const rt_graph *g, size_t k);
/* Is a an ancestor of b (following down revisions and dependencies)? */
RT_API int rt_graph_is_ancestor(const rt_graph *g, int a, int b);
/* A head that some revision depends on (Alembic's "effective head"). */
RT_API int rt_graph_is_effective_head(const rt_graph *g, int rev);

/*
 * A revision's header, as written.  Strings live as long as the revision
 * (its graph); message and create_date may be NULL.
 */
RT_API const char *rt_revision_id(const rt_revision *rev);
RT_API const char *rt_revision_message(const rt_revision *rev);
RT_API const char *rt_revision_create_date(const rt_revision *rev);
RT_API const char *rt_revision_path(const rt_revision *rev);
/* Revises, Branch Labels (declared here) and Depends On, as written. */
RT_API size_t rt_revision_down_count(const rt_revision *rev);
RT_API const char *rt_revision_down(const rt_revision *rev, size_t i);
RT_API size_t rt_revision_label_count(const rt_revision *rev);
RT_API const char *rt_revision_label(const rt_revision *rev, size_t i);
RT_API size_t rt_revision_depends_count(const rt_revision *rev);
RT_API const char *rt_revision_depends(const rt_revision *rev, size_t i);
/*
 * Its place in the graph (indices into the graph; for a revision in no
 * graph the counts are 0 and the index -1): parents (resolved down
 * revisions), dependencies (resolved Depends On), children (revisions that
 * revise it), and the branch labels in effect on it (declared here or
 * inherited, as Alembic shows them).
 */
RT_API int rt_revision_index(const rt_revision *rev);
RT_API size_t rt_revision_parent_count(const rt_revision *rev);
RT_API int rt_revision_parent(const rt_revision *rev, size_t i);
RT_API size_t rt_revision_dependency_count(const rt_revision *rev);
RT_API int rt_revision_dependency(const rt_revision *rev, size_t i);
RT_API size_t rt_revision_child_count(const rt_revision *rev);
RT_API int rt_revision_child(const rt_revision *rev, size_t i);
RT_API size_t rt_revision_branch_count(const rt_revision *rev);
RT_API const char *rt_revision_branch(const rt_revision *rev, size_t i);
/*
 * A section: whether the file has it, its SQL (a copy for rt_free, as
 * written: placeholders not replaced), the file line of the SQL's first
 * character, and whether it runs in a transaction (0 when marked
 * transaction:false).
 */
RT_API int rt_revision_has_section(const rt_revision *rev, rt_section_kind s);
RT_API char *rt_revision_section_sql(const rt_revision *rev, rt_section_kind s);
RT_API int rt_revision_section_line(const rt_revision *rev, rt_section_kind s);
RT_API int rt_revision_section_transactional(const rt_revision *rev, rt_section_kind s);
/*
 * Steps (docs/migration-files.md#steps): a repeated marker starts another
 * section of the same kind.  The functions above give a kind's sections
 * as a whole (their span; transactional only when every step is); these
 * give step k (0-based) of rt_revision_step_count (1 for the usual file,
 * 0 when the file has no such section): its SQL (for rt_free), the line
 * of its marker, whether it runs in a transaction and whether it is a
 * batch section.  Out of range: NULL, 0.
 */
RT_API size_t rt_revision_step_count(const rt_revision *rev, rt_section_kind s);
RT_API char *rt_revision_step_sql(const rt_revision *rev, rt_section_kind s, size_t k);
RT_API int rt_revision_step_line(const rt_revision *rev, rt_section_kind s, size_t k);
RT_API int rt_revision_step_transactional(const rt_revision *rev, rt_section_kind s, size_t k);
RT_API int rt_revision_step_batch(const rt_revision *rev, rt_section_kind s, size_t k);
/*
 * Squashes (retort squash, docs/revisions.md#squashed-revisions): the ids
 * its Replaces header names, oldest first (none: not a squash).  A squash
 * whose replaced files are still there stands beside its chain:
 * rt_revision_squash_last gives the last revision it replaces (the one the
 * version table records for either way), else -1; rt_revision_squashed_by
 * gives, for a replaced revision, the squash beside it, else -1.
 */
RT_API size_t rt_revision_replaces_count(const rt_revision *rev);
RT_API const char *rt_revision_replaces(const rt_revision *rev, size_t i);
RT_API int rt_revision_squash_last(const rt_revision *rev);
RT_API int rt_revision_squashed_by(const rt_revision *rev);
/* The whole file's text as read (len: its length; it is NUL-terminated too). */
RT_API const char *rt_revision_text(const rt_revision *rev, size_t *len);
/*
 * The checksum retort 0.1 recorded (for rt_free): SHA-256 of a revision's
 * upgrade section, line endings normalised, lint-ignore lines left out
 * ("sha256:<hex>").  Runs now record "sha256-sql:<hex>", which leaves out
 * every comment and folds white space by the dialect's lexer; verify checks
 * each row by the algorithm it names (docs/migration-files.md).
 */
RT_API char *rt_revision_checksum(const rt_revision *rev);

/*
 * Check a new revision id (or branch label): at most 32 characters; no
 * @ - + : (they mean something in identifiers), no spaces, commas, quotes
 * or control characters, no / or \ and no leading '.' (ids become file
 * names), and not one of the words head, heads, base, current.
 */
RT_API int rt_check_revision_id(const char *id, rt_error *err);
/* The slug Alembic derives from a message (for rt_free): words joined by _, lower case, truncated. */
RT_API char *rt_slugify(const char *message, int truncate);

/* ------------------------------------------------------------------ */
/* The database's state, and revision identifiers                      */
/* ------------------------------------------------------------------ */

typedef struct rt_ctx rt_ctx;
typedef struct rt_state rt_state;
typedef struct rt_target rt_target;

/*
 * Read the version table without changing anything (no table, no file is
 * created).  A SQLite file that does not exist yet reads as empty; a
 * PostgreSQL database that does not exist is an error (more likely a
 * wrong URL than a database still to be made).  The state refers to the
 * context's graph: free it before closing the context.
 */
RT_API rt_state *rt_current(rt_ctx *ctx, rt_error *err);
RT_API void rt_state_free(rt_state *st);
/* The version table exists. */
RT_API int rt_state_exists(const rt_state *st);
/* Version rows that files define (revision indices), in stored order. */
RT_API size_t rt_state_row_count(const rt_state *st);
RT_API int rt_state_row(const rt_state *st, size_t i);
/* Version rows that no migration file defines. */
RT_API size_t rt_state_unknown_count(const rt_state *st);
RT_API const char *rt_state_unknown(const rt_state *st, size_t i);
/* The effective heads: the rows plus heads implied by dependencies. */
RT_API size_t rt_state_head_count(const rt_state *st);
RT_API int rt_state_head(const rt_state *st, size_t i);
RT_API int rt_state_is_head(const rt_state *st, int rev);
/*
 * Fail when the database records a revision no file defines, naming it and
 * the known heads (fix: stamp).
 */
RT_API int rt_state_check(const rt_graph *g, const rt_state *st, rt_error *err);

/*
 * Resolve a revision identifier: head, heads, base, a full id or unique
 * prefix, a branch label, label@head|heads|base|REV, +N, -N, REV+N, REV-N,
 * head-N, label@+N, label@-N, current.  st may be NULL when no database
 * is at hand; forms that need it then fail with a message saying so.
 * The target lives on its own (indices into g).
 */
RT_API rt_target *rt_resolve(const rt_graph *g, const char *ident, const rt_state *st,
		      rt_error *err);
/*
 * The revisions of a history range "A:B" (either side may be empty: base,
 * heads), A and B included, newest first.  A must be an ancestor of B.
 */
RT_API rt_target *rt_resolve_range(const rt_graph *g, const char *range,
			    const rt_state *st, rt_error *err);
/* Resolve an identifier that must name exactly one revision. */
RT_API int rt_resolve_one(const rt_graph *g, const char *ident, const rt_state *st,
		   int *rev, rt_error *err);
/* The revisions named (none: base). */
RT_API size_t rt_target_count(const rt_target *t);
RT_API int rt_target_revision(const rt_target *t, size_t i);
/* The identifier was label@base: the named revisions themselves are to go too. */
RT_API int rt_target_below(const rt_target *t);
RT_API void rt_target_free(rt_target *t);

/* ------------------------------------------------------------------ */
/* status: every revision, applied or pending                          */
/* ------------------------------------------------------------------ */

typedef struct rt_status rt_status;

/*
 * Read the database's version table and history table without changing
 * anything (as rt_current: nothing is created), and list every revision of
 * the graph: the applied ones first, in the order an upgrade from base
 * applies them, then the pending ones in the order an upgrade to the heads
 * would apply them.  A database that does not exist yet has every revision
 * pending.  The status refers to the context's graph: free it before
 * closing the context.
 */
RT_API rt_status *rt_status_read(rt_ctx *ctx, rt_error *err);
RT_API void rt_status_free(rt_status *s);
/* The version table's rows and the database's heads, as rt_current reads them. */
RT_API const rt_state *rt_status_current(const rt_status *s);
/* The history table exists (a database Alembic migrated has none). */
RT_API int rt_status_history_exists(const rt_status *s);
/* Entries: one per revision of the graph, in the order above. */
RT_API size_t rt_status_count(const rt_status *s);
RT_API size_t rt_status_pending_count(const rt_status *s);
RT_API int rt_status_revision(const rt_status *s, size_t i);
/* Applied (1) or pending (0). */
RT_API int rt_status_applied(const rt_status *s, size_t i);
/*
 * For an applied revision, from the history table's last row that applied
 * it: how ("upgrade" or "stamp"), when it started (ISO 8601, UTC, e.g.
 * "2026-11-24T01:27:53.858Z"), who (the database user; on SQLite the
 * operating-system user), and how long it took in milliseconds (-1 when
 * not recorded).  NULL (and -1) when no row says so: the revision lies
 * below a stamped one, or was applied by another tool.
 */
RT_API const char *rt_status_how(const rt_status *s, size_t i);
RT_API const char *rt_status_applied_at(const rt_status *s, size_t i);
RT_API const char *rt_status_applied_by(const rt_status *s, size_t i);
RT_API double rt_status_duration_ms(const rt_status *s, size_t i);

/* ------------------------------------------------------------------ */
/* runs: the history table by command run                               */
/* ------------------------------------------------------------------ */

typedef struct rt_runs rt_runs;

/*
 * Every run recorded in the history table, oldest first: each upgrade,
 * downgrade or stamp that changed something records its steps with one
 * run id.  Rows a retort before run ids wrote have none (consecutive ones
 * form one entry whose id is NULL).  Reads as rt_current does (read-only,
 * nothing created); no history table is no runs.  NULL on failure.
 */
RT_API rt_runs *rt_runs_read(rt_ctx *ctx, rt_error *err);
RT_API void rt_runs_free(rt_runs *rs);
RT_API int rt_runs_history_exists(const rt_runs *rs);
RT_API size_t rt_runs_count(const rt_runs *rs);
RT_API const char *rt_runs_id(const rt_runs *rs, size_t i);
/* "upgrade", "downgrade", "stamp", "reset", or "mixed". */
RT_API const char *rt_runs_direction(const rt_runs *rs, size_t i);
/* Its first step's start, ISO 8601 UTC, and the database user that ran it. */
RT_API const char *rt_runs_started_at(const rt_runs *rs, size_t i);
RT_API const char *rt_runs_user(const rt_runs *rs, size_t i);
/* The steps' recorded durations added up. */
RT_API double rt_runs_duration_ms(const rt_runs *rs, size_t i);
RT_API size_t rt_runs_step_count(const rt_runs *rs, size_t i);
/* Step j's revision (for a stamp that only removed rows: the rows it left, or "base"). */
RT_API const char *rt_runs_step_revision(const rt_runs *rs, size_t i, size_t j);
RT_API const char *rt_runs_step_direction(const rt_runs *rs, size_t i, size_t j);
/*
 * How run i ended: "ok"; "failed" (its steps are those that stayed before
 * the failure); "unfinished" (it stopped without recording an outcome:
 * killed, or its connection lost); NULL for rows of a retort before run
 * ids.  A failed run's failed step (NULL when its final commit failed)
 * and the message it failed with (the URL's secrets masked).
 */
RT_API const char *rt_runs_outcome(const rt_runs *rs, size_t i);
RT_API const char *rt_runs_failed_revision(const rt_runs *rs, size_t i);
RT_API const char *rt_runs_failure(const rt_runs *rs, size_t i);

/* ------------------------------------------------------------------ */
/* Running against a database                                           */
/* ------------------------------------------------------------------ */

typedef enum rt_direction {
	RT_UPGRADE,
	RT_DOWNGRADE,
	RT_STAMP,
} rt_direction;

typedef enum rt_event_kind {
	RT_EV_STEP_BEGIN,  /* a step starts: direction, from, to, revision */
	RT_EV_STEP_END,    /* a step ended: the same and elapsed_ms */
	RT_EV_LOCK_WAIT,   /* text says who holds the lock */
	RT_EV_NOTICE,      /* text: something the user should know */
	RT_EV_BATCH,       /* a batch repetition committed: rows, total, elapsed_ms */
	RT_EV_STATEMENT,   /* a statement that commits on its own (MySQL DDL) took effect:
			      statement of statements, its line, elapsed_ms */
	RT_EV_SECTION,     /* a step of a revision of several starts: section of sections,
			      its marker's line, text its options ("transaction:false",
			      "batch") or NULL */
} rt_event_kind;

/* An event, valid only during the callback that receives it. */
typedef struct rt_event rt_event;

RT_API rt_event_kind rt_event_kind_of(const rt_event *ev);
/* Steps: upgrade, downgrade or stamp; the revision run (NULL for a stamp). */
RT_API rt_direction rt_event_direction(const rt_event *ev);
RT_API const rt_revision *rt_event_revision(const rt_event *ev);
/* Steps: the version rows before and after, ", "-separated ("" at base). */
RT_API const char *rt_event_from(const rt_event *ev);
RT_API const char *rt_event_to(const rt_event *ev);
RT_API double rt_event_elapsed_ms(const rt_event *ev);
/* RT_EV_LOCK_WAIT, RT_EV_NOTICE: the text (else NULL). */
RT_API const char *rt_event_text(const rt_event *ev);
/* RT_EV_BATCH: rows this repetition changed (0: the last), rows so far. */
RT_API long long rt_event_rows(const rt_event *ev);
RT_API long long rt_event_total(const rt_event *ev);
/* RT_EV_STATEMENT: the statement (1-based) of how many, and its line in the file. */
RT_API int rt_event_statement(const rt_event *ev);
RT_API int rt_event_statements(const rt_event *ev);
RT_API int rt_event_line(const rt_event *ev);
/*
 * RT_EV_SECTION, RT_EV_BATCH and RT_EV_STATEMENT of a revision with
 * several sections in its direction (docs/migration-files.md#steps): the
 * section running (1-based) and how many there are; else 0 and 0.
 */
RT_API int rt_event_section(const rt_event *ev);
RT_API int rt_event_sections(const rt_event *ev);

typedef void (*rt_event_fn)(const rt_event *ev, void *ud);
/* Receives offline SQL, a piece at a time. */
typedef void (*rt_output_fn)(const char *text, size_t len, void *ud);

/*
 * Load the graph for cfg and pick the dialect for its URL (no connection
 * yet): a URL of no supported scheme, or a setting its database does not
 * take, fails here with the supported forms.  Without any URL the context
 * opens, and only what needs a database fails.  cfg is not copied: it
 * must outlive the context (rt_ctx_close before rt_config_free).
 */
RT_API rt_ctx *rt_ctx_open(const rt_config *cfg, rt_error *err);
/*
 * The dialect a database URL is for, by its scheme ("sqlite", "postgresql"
 * or "mysql"; a SQLAlchemy +driver is ignored, a libpq key=value string is
 * PostgreSQL); NULL and an error naming the forms retort takes (the URL
 * masked) when no dialect takes it.
 */
RT_API const char *rt_url_dialect(const char *url, rt_error *err);
RT_API void rt_ctx_close(rt_ctx *ctx);
/* The context's graph and configuration, valid until rt_ctx_close. */
RT_API const rt_graph *rt_ctx_graph(const rt_ctx *ctx);
RT_API const rt_config *rt_ctx_config(const rt_ctx *ctx);
/* Events are delivered on the calling thread, during the call that causes them. */
RT_API void rt_ctx_on_event(rt_ctx *ctx, rt_event_fn fn, void *ud);
/*
 * Back the database up (as rt_backup) right before the first step of the
 * next upgrade or downgrade, under the migration lock -- and only when
 * there is a step to run.  Where it went comes as an RT_EV_NOTICE.
 */
RT_API void rt_ctx_backup_first(rt_ctx *ctx, int on);
/*
 * Where DDL commits as it runs (MySQL, MariaDB), a failed or killed run
 * can leave a revision partly applied; retort records how far it got and
 * the next upgrade or downgrade refuses to go on (RT_PARTIAL_REFUSE, the
 * default) until told what to do: RT_PARTIAL_RESUME continues the
 * revision with its first statement that did not take effect (the
 * target may then be NULL: as far as that revision); RT_PARTIAL_UNDO
 * (target NULL) runs the statements of its other section that undo those
 * that took effect.  applied is how many of its statements took effect,
 * -1 for as recorded; it is needed when one was running as retort
 * stopped, which may or may not have taken effect.  See docs/mysql.md.
 */
typedef enum rt_partial {
	RT_PARTIAL_REFUSE,
	RT_PARTIAL_RESUME,
	RT_PARTIAL_UNDO,
} rt_partial;
RT_API void rt_ctx_partial(rt_ctx *ctx, rt_partial how, long applied);
/*
 * Offline mode: nothing connects; the SQL a run would execute goes to fn.
 * A FROM:TO range says where the run starts; FROM "current" reads the
 * version table for it (a read-only connection, no lock).
 */
RT_API void rt_ctx_set_offline(rt_ctx *ctx, rt_output_fn fn, void *ud);
/*
 * Dry run: rt_upgrade and rt_downgrade connect, take the migration lock
 * and read the version table as a real run does, then write the SQL the
 * run would execute from that state to fn instead of executing it, and
 * release the lock.  Nothing in the database changes (a SQLite file that
 * does not exist is not created).  fn NULL turns it off.
 */
RT_API void rt_ctx_set_dry_run(rt_ctx *ctx, rt_output_fn fn, void *ud);
/*
 * Rehearsal: rt_upgrade and rt_downgrade run the whole plan in one
 * transaction, as a real run would (lock, statements, version and history
 * tables), and roll it back: success, or the failure exactly as a real run
 * reports it, with nothing changed.  A plan holding a section that runs
 * outside a transaction (transaction:false, batch) is refused before
 * anything runs.
 */
RT_API void rt_ctx_set_rehearse(rt_ctx *ctx, int on);
/*
 * In an environment marked protected (protected = true), everything that
 * changes the database other than rt_upgrade -- rt_downgrade, rt_stamp,
 * rt_reset, rt_seed, rt_create -- refuses (RT_EUSAGE, nothing changed)
 * until the caller confirms that its user asked for it, having typed the
 * environment's name (rt_protected_name).  The library never asks; offline
 * runs change nothing and need no confirmation.
 */
RT_API void rt_ctx_confirm(rt_ctx *ctx, int confirmed);
/*
 * The name that confirms a protected environment: the environment's name,
 * "default" when none is selected; NULL when cfg is not protected.
 */
RT_API const char *rt_protected_name(const rt_config *cfg);

/*
 * A project compiled into the program (`retort embed` writes the C source
 * that defines one): a versioned plain struct, filled by the generated
 * code; size is sizeof(rt_embedded) as the code was compiled, so a newer
 * library can tell which fields an older one filled.
 */
typedef struct rt_embedded_file {
	const char *path;  /* as in the project, e.g. "migrations/3f2a1b9c0d4e_users.sql" */
	const char *data;  /* its bytes (not NUL-terminated as far as the library cares) */
	size_t len;
} rt_embedded_file;

typedef struct rt_embedded {
	size_t size;                        /* sizeof(rt_embedded) */
	const rt_embedded_file *migrations; /* every migration file, in load order */
	size_t nmigrations;
	const rt_embedded_file *schema;     /* the declared schema, or NULL */
	const rt_embedded_file *seeds;      /* seed files (NAME.sql) */
	size_t nseeds;
	/*
	 * Added after the fields above (a file generated before it stops
	 * at nseeds; its size says so): per migration, in the same order,
	 * what `retort embed` read of the file's header and section markers
	 * (rt_embed_digest), so that opening the project builds the graph
	 * without parsing every file; NULL for none.  A digest that was
	 * not written for its file's bytes by this version of the library
	 * is ignored and the file parsed.
	 */
	const char *const *digests;
} rt_embedded;

/*
 * The digest of rev for rt_embedded.digests (what `retort embed`
 * writes): its header and section markers as the parser read them, with
 * the length and a hash of its text; freed with rt_free.  Its form is the
 * library's own: only rt_ctx_open_embedded reads it.
 */
RT_API char *rt_embed_digest(const rt_revision *rev);

/*
 * rt_ctx_open with the migration files (and the declared schema and seeds,
 * when embedded) taken from project instead of the file system: cfg's
 * script_location, schema and seed_location are not read.  project must
 * outlive the context (the generated one is static).
 */
RT_API rt_ctx *rt_ctx_open_embedded(const rt_config *cfg, const rt_embedded *project,
				    rt_error *err);

/*
 * Move the database.  Online: takes the migration lock, reads the version
 * table under it, runs each step with its version-table update in one
 * transaction (or the whole run in one), and records history.  Offline
 * (rt_ctx_set_offline) target may be a range FROM:TO; the SQL that would
 * run is written out instead.
 */
RT_API int rt_upgrade(rt_ctx *ctx, const char *target, rt_error *err);
RT_API int rt_downgrade(rt_ctx *ctx, const char *target, rt_error *err);
/*
 * Revert exactly what the last run applied, newest first: the last run in
 * the history table must be an upgrade with a run id, and every revision
 * it applied still applied with nothing applied since needing one;
 * otherwise it fails saying why (a later downgrade or stamp, rows of a
 * retort before run ids).  Online only (a dry run and a rehearsal work).
 */
RT_API int rt_downgrade_last_run(rt_ctx *ctx, rt_error *err);
/*
 * The run id the last rt_upgrade, rt_downgrade or rt_stamp on ctx recorded
 * on its history rows, or NULL (nothing changed, offline, a dry run).
 */
RT_API const char *rt_ctx_last_run_id(const rt_ctx *ctx);
/*
 * Stamp: set the version table to targets without running anything.  Rows
 * of unrelated branches are kept; with purge every row is replaced.
 */
RT_API int rt_stamp(rt_ctx *ctx, const char *const *targets, size_t n, int purge,
	     rt_error *err);

/* ------------------------------------------------------------------ */
/* Schemas: autogenerate, check, diff                                   */
/* ------------------------------------------------------------------ */

typedef struct rt_diff rt_diff;

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
RT_API rt_diff *rt_schema_diff(rt_ctx *ctx, const char *from, const char *to,
			rt_error *err);
/* SQL from `from` to `to`, commented ("" when equal), and the way back. */
RT_API const char *rt_diff_upgrade_sql(const rt_diff *d);
RT_API const char *rt_diff_downgrade_sql(const rt_diff *d);
/* The upgrade's operations, one line each (none: the schemas are equal). */
RT_API size_t rt_diff_change_count(const rt_diff *d);
RT_API const char *rt_diff_change(const rt_diff *d, size_t i);
/* Data that would be lost, possible renames. */
RT_API size_t rt_diff_warning_count(const rt_diff *d);
RT_API const char *rt_diff_warning(const rt_diff *d, size_t i);
/* Objects found that retort cannot compare. */
RT_API size_t rt_diff_unsupported_count(const rt_diff *d);
RT_API const char *rt_diff_unsupported(const rt_diff *d, size_t i);
RT_API void rt_diff_free(rt_diff *d);

/* ------------------------------------------------------------------ */
/* Writing migration files                                              */
/* ------------------------------------------------------------------ */

/* What a new revision should be: every setter copies its string. */
typedef struct rt_revision_spec rt_revision_spec;

RT_API rt_revision_spec *rt_revision_spec_new(void);
RT_API void rt_revision_spec_free(rt_revision_spec *s);
RT_API void rt_revision_spec_set_message(rt_revision_spec *s, const char *message);
/* Default: 12 random hex digits. */
RT_API void rt_revision_spec_set_rev_id(rt_revision_spec *s, const char *id);
/* Parents, as identifiers (default: "head"; "base" for a new root). */
RT_API void rt_revision_spec_add_head(rt_revision_spec *s, const char *ident);
/* Allow a parent that is not a head. */
RT_API void rt_revision_spec_set_splice(rt_revision_spec *s, int on);
/* A merge: the heads must be at least two distinct heads. */
RT_API void rt_revision_spec_set_merge(rt_revision_spec *s, int on);
RT_API void rt_revision_spec_add_label(rt_revision_spec *s, const char *label);
RT_API void rt_revision_spec_add_depends(rt_revision_spec *s, const char *ident);
/* Which script location to write to (default: the parent's, or the first). */
RT_API void rt_revision_spec_set_version_path(rt_revision_spec *s, const char *dir);
/* The sections' SQL (default: empty). */
RT_API void rt_revision_spec_set_sql(rt_revision_spec *s, rt_section_kind section,
				     const char *sql);

/* Validate against the graph, then write the file; *path_out gets its path (rt_free). */
RT_API int rt_revision_create(const rt_config *cfg, const rt_graph *g,
		       const rt_revision_spec *spec, char **path_out,
		       rt_error *err);
/*
 * Autogenerate: with the database at every head, write a migration from
 * it to the declared schema (both sections).  *diff always gets a diff to
 * free: the difference found (also when writing the file failed), empty
 * when none was computed.  When they already match, nothing is written and
 * *path stays NULL.
 */
RT_API int rt_autogenerate(rt_ctx *ctx, const rt_revision_spec *spec, rt_diff **diff,
		    char **path, rt_error *err);

/*
 * Baseline: adopt a database made without retort (by hand, by create_all,
 * by another tool): it must have objects and no revision recorded.  A new
 * revision is written whose upgrade creates what the database holds (as
 * rt_schema_diff from "empty" to "database") and whose downgrade drops it,
 * and the database is stamped at it.  The spec's head: none when the
 * project has no revisions yet; else one revision (the upgrade then holds
 * what the database has beyond the migrations up to it) or "base".  A
 * declared schema file that is missing or holds no statement gets the
 * database's schema (an RT_EV_NOTICE says so).  *diff always gets a diff to
 * free (warnings, objects not read); *path the new file (rt_free).
 */
RT_API int rt_baseline(rt_ctx *ctx, const rt_revision_spec *spec, rt_diff **diff,
		       char **path, rt_error *err);

/* What rt_squash reports besides the file. */
typedef struct rt_squash_info rt_squash_info;

/*
 * Squash: one revision standing for the linear chain FROM..TO (range
 * "FROM:TO", both replaced): header "Replaces: <ids>", revising FROM's
 * parent, its upgrade the schema at TO built from FROM's parent, its
 * downgrade the way back (the spec's heads and sections are not used).
 * Refuses branch points, merge points, revisions depended on inside the
 * chain, and revisions already squashed, naming them.  A fresh database
 * then applies it instead of the chain; one inside the chain goes on
 * through the replaced files; the version table records TO either way.
 * *info always gets an info to free.
 */
RT_API int rt_squash(rt_ctx *ctx, const char *range, const rt_revision_spec *spec,
		     rt_squash_info **info, char **path, rt_error *err);
/* The ids of the chain, oldest first. */
RT_API size_t rt_squash_info_replaced_count(const rt_squash_info *s);
RT_API const char *rt_squash_info_replaced(const rt_squash_info *s, size_t i);
/* Data statements and objects the squash does not carry over. */
RT_API size_t rt_squash_info_warning_count(const rt_squash_info *s);
RT_API const char *rt_squash_info_warning(const rt_squash_info *s, size_t i);
RT_API void rt_squash_info_free(rt_squash_info *s);

/* ------------------------------------------------------------------ */
/* Around the migrations: backup, seeds, create, reset                  */
/* ------------------------------------------------------------------ */

/*
 * Back the database up to path, or when path is NULL to
 * <config dir>/backups/backup-<UTC time>.<sqlite|dump>; *written gets the
 * file's path (rt_free).  SQLite: the online backup API; PostgreSQL:
 * pg_dump (custom format, for pg_restore).  Returns 1 (and *written NULL)
 * when the database does not exist yet.
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
 * drop what the migrations create at the database's revisions, keeping
 * everything else), upgrade to the heads, run the configured seeds.
 * The caller asks first (and in a protected environment confirms, see
 * rt_ctx_confirm).
 */
RT_API int rt_reset(rt_ctx *ctx, rt_error *err);
/*
 * The database's schema as SQL statements in a stable order (dependencies
 * first, names sorted), headed by a comment naming its revision; objects
 * retort cannot read are listed as comments.  *sql is for rt_free.
 */
RT_API int rt_dump_schema(rt_ctx *ctx, char **sql, rt_error *err);

/* ------------------------------------------------------------------ */
/* verify: one pre-deploy check                                         */
/* ------------------------------------------------------------------ */

typedef struct rt_verify_report rt_verify_report;

/*
 * Config, connection, heads (one, or one per branch in `branches`),
 * version rows defined by files, checksums of applied revisions against
 * their files, drift between the database and its migrations, the
 * declared schema against the migrations at the heads, lint of the
 * revisions still to apply, and a downgrade for every revision.
 * Returns the report when the checks ran (see rt_verify_report_ok), NULL
 * when they could not.
 */
RT_API rt_verify_report *rt_verify(rt_ctx *ctx, rt_error *err);
/* Every check passed. */
RT_API int rt_verify_report_ok(const rt_verify_report *r);
RT_API size_t rt_verify_check_count(const rt_verify_report *r);
/* A check: "config", "database", "heads", "version table", "checksums", ... */
RT_API const char *rt_verify_check_name(const rt_verify_report *r, size_t i);
RT_API int rt_verify_check_ok(const rt_verify_report *r, size_t i);
/* The check did not run (its summary says why); rt_verify_check_ok is 1. */
RT_API int rt_verify_check_skipped(const rt_verify_report *r, size_t i);
/* One line: what was found. */
RT_API const char *rt_verify_check_summary(const rt_verify_report *r, size_t i);
RT_API size_t rt_verify_check_problem_count(const rt_verify_report *r, size_t i);
RT_API const char *rt_verify_check_problem(const rt_verify_report *r, size_t i, size_t j);
/* drift: the SQL that brings the database back in line, else NULL. */
RT_API const char *rt_verify_check_fix_sql(const rt_verify_report *r, size_t i);
/* The one action that fixes a failed check (as rt_error_fix), or RT_FIX_NONE; its argument or NULL. */
RT_API rt_fix rt_verify_check_fix(const rt_verify_report *r, size_t i);
RT_API const char *rt_verify_check_fix_arg(const rt_verify_report *r, size_t i);
RT_API void rt_verify_report_free(rt_verify_report *r);

/* ------------------------------------------------------------------ */
/* test: every revision applied, undone and applied again               */
/* ------------------------------------------------------------------ */

typedef struct rt_test_report rt_test_report;

/*
 * In a scratch database, every selected revision (idents: revisions and
 * ranges A:B; n == 0: all) in upgrade order: applied, its schema noted,
 * reverted, the schema compared with the one before it was applied,
 * applied again.  Their ancestors that are not selected are applied
 * first, untested.  seed (or NULL) names seed_location/NAME.sql, loaded
 * before the first revision tested, so data migrations meet rows.
 * Returns the report when the test ran (rt_test_report_failed says how it
 * went), NULL when it could not (no scratch database, a bad identifier, a
 * seed that fails).
 */
RT_API rt_test_report *rt_test(rt_ctx *ctx, const char *const *idents, size_t n,
			       const char *seed, rt_error *err);
/* The revisions tested, in upgrade order, and how many failed. */
RT_API size_t rt_test_report_count(const rt_test_report *r);
RT_API size_t rt_test_report_failed(const rt_test_report *r);
/* Revisions applied untested below those tested. */
RT_API size_t rt_test_report_applied(const rt_test_report *r);
/* An upgrade failed: what needs that revision was not tested. */
RT_API int rt_test_report_stopped(const rt_test_report *r);
/* The i-th revision tested (its index in the graph). */
RT_API int rt_test_revision(const rt_test_report *r, size_t i);
/*
 * NULL when it passed, else where it failed: "upgrade", "downgrade",
 * "schema" (the downgrade left the schema different) or "upgrade again";
 * and what went wrong ("file:line: ..." when known).
 */
RT_API const char *rt_test_stage(const rt_test_report *r, size_t i);
RT_API const char *rt_test_message(const rt_test_report *r, size_t i);
/* Stage "schema": what the downgrade would also have to do, one line each, and its SQL. */
RT_API size_t rt_test_change_count(const rt_test_report *r, size_t i);
RT_API const char *rt_test_change(const rt_test_report *r, size_t i, size_t j);
RT_API const char *rt_test_restore_sql(const rt_test_report *r, size_t i);
RT_API void rt_test_report_free(rt_test_report *r);

/* ------------------------------------------------------------------ */
/* rehash: record the checksum of an applied revision edited on purpose */
/* ------------------------------------------------------------------ */

typedef struct rt_rehash_report rt_rehash_report;

/*
 * For each revision named (every one must be applied, or nothing is
 * written): when its file's checksum differs from the latest one the
 * history table records, add a history row of direction "rehash" with
 * from_revisions = the old checksum, to_revisions and checksum = the new
 * one, which verify then checks the file against.  One transaction, under
 * the migration lock.
 */
RT_API rt_rehash_report *rt_rehash(rt_ctx *ctx, const char *const *idents, size_t n,
				   rt_error *err);
RT_API size_t rt_rehash_count(const rt_rehash_report *r);
/* The revision (its index in the graph). */
RT_API int rt_rehash_revision(const rt_rehash_report *r, size_t i);
/* The latest checksum recorded for it (or NULL), and its file's now. */
RT_API const char *rt_rehash_old_sum(const rt_rehash_report *r, size_t i);
RT_API const char *rt_rehash_new_sum(const rt_rehash_report *r, size_t i);
/* They differed, so a row was written. */
RT_API int rt_rehash_changed(const rt_rehash_report *r, size_t i);
RT_API void rt_rehash_report_free(rt_rehash_report *r);

/* ------------------------------------------------------------------ */
/* Lint: rules over migration SQL (docs/lint.md)                        */
/* ------------------------------------------------------------------ */

typedef struct rt_lint_report rt_lint_report;
typedef struct rt_finding rt_finding;

/* Flags of rt_lint and rt_lint_sql. */
#define RT_LINT_UPGRADE_ONLY     1 /* rt_lint: leave downgrade sections out */
#define RT_LINT_NONTRANSACTIONAL 2 /* rt_lint_sql: the SQL runs outside a transaction */

/*
 * Lint revisions: idents are revision identifiers or ranges "A:B" (n == 0:
 * every revision).  Both sections are linted (the downgrade unless
 * RT_LINT_UPGRADE_ONLY), placeholders replaced as when running.  dialect
 * is "sqlite" or "postgresql", or NULL for the configured URL's.  A syntax
 * error is a finding (rule syntax-error), not a failure: this fails only
 * on unknown identifiers or an unknown dialect.
 */
RT_API rt_lint_report *rt_lint(rt_ctx *ctx, const char *const *idents, size_t n,
			const char *dialect, unsigned flags, rt_error *err);
/*
 * Lint SQL that is not (yet) a revision's section, e.g. what autogenerate
 * wrote: as an upgrade section, transactional unless
 * RT_LINT_NONTRANSACTIONAL.  first_line is the file line of sql[0].
 */
RT_API rt_lint_report *rt_lint_sql(const rt_config *cfg, const char *dialect,
			    unsigned flags, const char *sql, const char *file,
			    int first_line, rt_error *err);
/*
 * Lint one parsed revision (rt_revision_parse; no graph needed): every
 * section, each with its own options -- a revision of several steps is
 * linted step by step, objects its earlier steps create counting as new
 * -- the downgrade too unless RT_LINT_UPGRADE_ONLY.  Placeholders are not
 * replaced.  Fails only on an unknown dialect or [lint] configuration.
 */
RT_API rt_lint_report *rt_lint_revision(const rt_config *cfg, const char *dialect,
				 unsigned flags, const rt_revision *rev, rt_error *err);
/* The dialect linted ("sqlite" or "postgresql") and how many revisions. */
RT_API const char *rt_lint_report_dialect(const rt_lint_report *r);
RT_API size_t rt_lint_report_revisions(const rt_lint_report *r);
/* Revisions left out by [lint] exclude and ignore_before. */
RT_API size_t rt_lint_report_skipped(const rt_lint_report *r);
/* Findings whose rule is in [lint] warn: reported, but they do not fail. */
RT_API size_t rt_lint_report_warnings(const rt_lint_report *r);
/* Findings in revision order (parents first), then by line. */
RT_API size_t rt_lint_report_count(const rt_lint_report *r);
RT_API const rt_finding *rt_lint_report_finding(const rt_lint_report *r, size_t i);
RT_API void rt_lint_report_free(rt_lint_report *r);

/*
 * A finding: a statement that is dangerous to run on a live database.
 * rule is a stable kebab-case id (the name a lint-ignore comment uses);
 * line and column are those of the statement's first token.  Strings live
 * as long as the report.
 */
RT_API const char *rt_finding_rule(const rt_finding *f);
RT_API const char *rt_finding_file(const rt_finding *f);
RT_API int rt_finding_line(const rt_finding *f);
RT_API int rt_finding_column(const rt_finding *f);
/* The revision's id (NULL from rt_lint_sql), and "upgrade" or "downgrade". */
RT_API const char *rt_finding_revision(const rt_finding *f);
RT_API const char *rt_finding_section(const rt_finding *f);
/* What the statement does, why it is dangerous, and the safe alternative. */
RT_API const char *rt_finding_message(const rt_finding *f);
RT_API const char *rt_finding_why(const rt_finding *f);
RT_API const char *rt_finding_fix(const rt_finding *f);
/* Its rule is in [lint] warn. */
RT_API int rt_finding_warning(const rt_finding *f);

/* Every rule, in documentation order: its name, dialects, and what fires it. */
RT_API size_t rt_lint_rule_count(void);
RT_API const char *rt_lint_rule_name(size_t i);
RT_API const char *rt_lint_rule_dialects(size_t i);
RT_API const char *rt_lint_rule_summary(size_t i);

#ifdef __cplusplus
}
#endif
#endif
