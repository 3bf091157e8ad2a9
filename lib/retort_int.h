/*
 * retort_int.h - the structures behind the opaque handles of retort.h,
 * and the library's own entry points that fill them in place.
 *
 * lib/ (and the unit tests, which test its parts) include this header
 * instead of retort.h: it includes retort.h first, so the public
 * declarations and these definitions are always the same types.  Nothing
 * here is part of the public API or its ABI.
 *
 * Several handle types (rt_state, rt_target, rt_diff, rt_lint_report,
 * rt_verify_report) are also used by value inside the library, on the
 * stack or embedded in other structures.  Their field `heap` is set only
 * by the public constructors: the public rt_X_free releases what the
 * structure holds and frees the structure itself only when heap is set,
 * so the same function serves both uses.
 */
#ifndef RT_RETORT_INT_H
#define RT_RETORT_INT_H

#include "retort.h"

/* ------------------------------------------------------------------ */
/* Errors                                                               */
/* ------------------------------------------------------------------ */

struct rt_error {
	rt_code code;
	char *message; /* what happened; several problems are one per line */
	char *hint;    /* what to do next, or NULL */
	char *file;    /* the file at fault, or NULL */
	int line;      /* 1-based line in file, 0 when unknown */
	int column;    /* 1-based column, 0 when unknown */
	rt_fix fix;    /* the one action that fixes it, or RT_FIX_NONE */
	char *fix_arg; /* its argument, or NULL */
	rt_fault fault; /* what kind of failure, when a database reported it */
	/*
	 * The database gave up on a lock another session held (PostgreSQL
	 * lock_not_available, deadlock_detected; SQLite busy): the same step
	 * may well succeed when tried again (lock_retries).
	 */
	int lock_conflict;
};

/* ------------------------------------------------------------------ */
/* Configuration                                                        */
/* ------------------------------------------------------------------ */

typedef struct rt_strlist {
	char **v;
	size_t n;
} rt_strlist;

typedef struct rt_kv {
	char *key;
	char *value;
} rt_kv;

struct rt_config {
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
	int protected_env;       /* protected = true: changes other than upgrade need a confirmation (rt_ctx_confirm) */
	int scratch;             /* a throwaway database of this process's: no durability needed,
				    and nothing writes to it while it is read */
	char *file_template;     /* default %(rev)s_%(slug)s */
	char *timezone;          /* for Create Date and file names; NULL = local */
	int truncate_slug_length;
	int transaction_per_migration; /* 1 (default) or 0: one transaction per run */
	int column_order_strict; /* column_order = strict: order is a difference (default ignore) */
	int compare_privileges;  /* compare_privileges = true: GRANTs are compared (PostgreSQL) */
	int online;              /* online = true (default): autogenerate writes the forms that do not
				    block a live table (PostgreSQL: CONCURRENTLY, NOT VALID, steps) */
	int scratch_spare;       /* scratch_spare = true (default): a schema command leaves an empty
				    database made ahead for the next one (PostgreSQL: scratch_spare.c) */
	double lock_wait;        /* seconds to wait for the migration lock */
	int lock_retries;        /* tries again of a step that lost a lock conflict */
	double lock_retry_max_wait; /* seconds: the longest pause before one */
	char *dump_schema_after_upgrade; /* retort upgrade/downgrade rewrite this file (dump-schema), or NULL */
	rt_strlist envs;         /* the [env:NAME] sections the file has, in order */
	rt_kv *placeholders;     /* [placeholders] and values set by the caller */
	size_t nplaceholders;
	/* [lint]: what lint (and verify's lint check) reports */
	rt_strlist lint_disable;  /* rules never reported */
	rt_strlist lint_warn;     /* rules reported as warnings: they do not fail */
	rt_strlist lint_exclude;  /* globs of migration files not linted */
	char *lint_ignore_before; /* revisions before this one are not linted, or NULL */
	int lint_postgres_version; /* major version rules assume, 0: the newest */
};

/* rt_config_load_with, the overrides as key/value pairs. */
rt_config *rt_config_load_kv(const char *path, const char *env, int require_file,
			     const rt_kv *overrides, size_t n, rt_error *err);

/* ------------------------------------------------------------------ */
/* Migration files and the revision graph                               */
/* ------------------------------------------------------------------ */

typedef struct rt_section {
	int present;        /* the marker was found */
	int line;           /* line of the marker */
	const char *body;   /* text after the marker line (points into file text) */
	size_t len;
	int body_line;      /* line number of body[0] */
	int transactional;  /* 0 when marked transaction:false */
	int batch;          /* marked batch: its one statement repeats until it changes no rows */
} rt_section;

struct rt_revision {
	char *id;
	rt_strlist down;     /* Revises: down revisions, as written */
	rt_strlist labels;   /* Branch Labels declared here */
	rt_strlist depends;  /* Depends On, as written (ids, prefixes, labels) */
	rt_strlist replaces; /* Replaces (retort squash): the chain it stands for, oldest first */
	char *message;
	char *create_date;
	char *path;          /* file path as found */
	char *text;          /* whole file contents */
	size_t textlen;
	/*
	 * upgrade and downgrade are the whole of each direction: with one
	 * section (the usual file) that section; with several (steps, see
	 * sections) their span, from the first body to the end of the last,
	 * transactional only when every one is and none is batch, never batch.
	 */
	rt_section upgrade;
	rt_section downgrade;
	/*
	 * Steps: every section of a direction in file order (a repeated
	 * marker starts another), indexed by rt_section_kind; run one by one.
	 */
	rt_section *sections[2];
	size_t nsections[2];
	int line_id, line_revises, line_labels, line_depends, line_replaces; /* header lines */
	/*
	 * Built from an embedded digest (embed.c): the struct, its sections,
	 * the lists' arrays and every string it points to are one allocation,
	 * freed with it; nothing of it may be freed or replaced on its own.
	 */
	int block;

	/* Filled in by the graph (indices into rt_graph.revs): */
	const struct rt_graph *graph; /* the graph it belongs to, or NULL */
	int index;           /* its place in graph->revs */
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
	/*
	 * Squashes (docs/revisions.md#squashed-revisions).  A squash whose
	 * replaced files are there stands beside them: squash_last is the
	 * last one it replaces (which the version table then records), and
	 * each replaced revision's squashed_by is the squash; both -1
	 * otherwise.  A squash whose replaced files are gone is an ordinary
	 * revision whose version_id is the last id it replaces.
	 */
	int squash_last;
	int squashed_by;
	const char *version_id; /* what the version table records for it (points into id or replaces) */
};

/*
 * Set rev's upgrade and downgrade (the whole of each direction) from its
 * sections, as the parser does once it has read them all.
 */
void rt_revision_set_whole(rt_revision *rev);

typedef struct rt_label {
	const char *name;    /* points into the declaring revision */
	int rev;             /* the revision that declares it */
} rt_label;

struct rt_graph {
	rt_revision **revs;  /* load order: script_locations in order, names sorted */
	size_t nrevs;
	int *heads;          /* revisions with no children, in load order */
	size_t nheads;
	int *bases;          /* revisions with no parents, in load order */
	size_t nbases;
	int *order;          /* every revision, parents and dependencies first */
	rt_label *labels;
	size_t nlabels;
	void *index;         /* graph_internal.h: id lookup */
};

/* A set of revisions (indices), in a meaningful order. */
typedef struct rt_revset {
	int *v;
	size_t n;
	size_t alloc;
} rt_revset;

void rt_revset_add(rt_revset *s, int rev);
int rt_revset_has(const rt_revset *s, int rev);
void rt_revset_free(rt_revset *s);

/* What the database records: its version rows, resolved against the graph. */
struct rt_state {
	rt_revset rows;      /* rows of the version table that files define */
	rt_strlist unknown;  /* rows that no migration file defines */
	int exists;          /* the version table exists */
	rt_revset heads;     /* effective heads (rt_current_into fills them) */
	int heap;            /* see the top of this file */
};

/* The effective heads of the database: rows plus heads implied by dependencies. */
void rt_state_heads(const rt_graph *g, const rt_state *st, rt_revset *out);

/*
 * A resolved identifier.  revs empty means base.  When below is set the
 * identifier was label@base: the named revisions themselves are to go too.
 */
struct rt_target {
	rt_revset revs;
	int below;
	/*
	 * For branch@... identifiers: the revisions of that branch (a bitmap
	 * over rt_graph.revs, owned by the target), else NULL.  A downgrade
	 * then only reverts what lies on the branch, as in Alembic.
	 */
	unsigned char *branch;
	int heap;
};

/* rt_resolve and rt_resolve_range into a target or set the caller holds. */
int rt_resolve_into(const rt_graph *g, const char *ident, const rt_state *st,
		    rt_target *out, rt_error *err);
int rt_resolve_range_into(const rt_graph *g, const char *range, const rt_state *st,
			  rt_revset *out, rt_error *err);

/* ------------------------------------------------------------------ */
/* Plans                                                                */
/* ------------------------------------------------------------------ */

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
int rt_plan_upgrade(const rt_graph *g, const rt_state *st,
		    const rt_target *target, rt_plan *plan, rt_error *err);
int rt_plan_downgrade(const rt_graph *g, const rt_state *st,
		      const rt_target *target, rt_plan *plan, rt_error *err);
/*
 * Revert exactly the revisions drop marks (a bitmap over g->revs),
 * children first: what the last run applied.  Fails when one is not
 * applied or an applied revision outside drop needs one.
 */
int rt_plan_revert(const rt_graph *g, const rt_state *st, const unsigned char *drop,
		   rt_plan *plan, rt_error *err);
/*
 * Stamp: set the version table to targets without running anything.  Rows
 * of unrelated branches are kept; with purge every row is replaced.
 */
int rt_plan_stamp(const rt_graph *g, const rt_state *st,
		  const rt_target *targets, size_t ntargets, int purge,
		  rt_plan *plan, rt_error *err);
void rt_plan_free(rt_plan *plan);

/* ------------------------------------------------------------------ */
/* Running                                                              */
/* ------------------------------------------------------------------ */

struct rt_event {
	rt_event_kind kind;
	const rt_step *step;
	const rt_revision *rev;
	double elapsed_ms;
	const char *text;
	long long rows;    /* RT_EV_BATCH: rows this repetition changed */
	long long total;   /* RT_EV_BATCH: rows changed so far */
	const char *from;  /* steps: step->from joined with ", " */
	const char *to;
	int statement;     /* RT_EV_STATEMENT: 1-based, of statements */
	int statements;
	int line;          /* RT_EV_STATEMENT: its line in the file; RT_EV_SECTION: its marker's */
	int section;       /* revisions of several steps: the section running (1-based) */
	int sections;      /* and how many (0: one section) */
};

/* rt_current into a state the caller holds (heads filled too). */
int rt_current_into(rt_ctx *ctx, rt_state *st, rt_error *err);

/* ------------------------------------------------------------------ */
/* Schemas                                                              */
/* ------------------------------------------------------------------ */

struct rt_diff {
	char *upgrade_sql;      /* SQL from `from` to `to`, commented; "" when equal */
	char *downgrade_sql;    /* SQL from `to` back to `from` */
	rt_strlist changes;     /* the upgrade's operations, one line each */
	rt_strlist warnings;    /* data that would be lost, possible renames */
	rt_strlist unsupported; /* objects found that retort cannot compare */
	int heap;
};

int rt_schema_diff_into(rt_ctx *ctx, const char *from, const char *to,
			rt_diff *out, rt_error *err);

/* ------------------------------------------------------------------ */
/* verify                                                               */
/* ------------------------------------------------------------------ */

typedef struct rt_verify_check {
	const char *name;      /* "config", "database", "heads", "version table", ... */
	int ok;                /* passed (or nothing to check) */
	int skipped;           /* not run (summary says why); ok stays 1 */
	char *summary;         /* one line: what was found */
	rt_strlist problems;   /* one line per problem */
	char *fix_sql;         /* drift: the SQL that brings the database back in line */
	rt_fix fix;            /* the action that fixes the problems, or RT_FIX_NONE */
	char *fix_arg;         /* its argument, or NULL */
} rt_verify_check;

struct rt_verify_report {
	rt_verify_check *v;
	size_t n;
	int ok;                /* every check passed */
	int heap;
};

int rt_verify_into(rt_ctx *ctx, rt_verify_report *out, rt_error *err);

/* ------------------------------------------------------------------ */
/* Writing migration files                                              */
/* ------------------------------------------------------------------ */

/* A new revision as rt_revision_write takes it: borrowed strings. */
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
	const char *const *replaces;  /* Replaces header (squash): ids, oldest first */
	size_t nreplaces;
} rt_new_revision;

/* Validate against the graph, then write the file; *path_out gets its path. */
int rt_revision_write(const rt_config *cfg, const rt_graph *g,
		      const rt_new_revision *nr, char **path_out, rt_error *err);
/* rt_autogenerate into a diff the caller holds (always to be freed). */
int rt_autogenerate_into(rt_ctx *ctx, const rt_new_revision *nr, rt_diff *diff,
			 char **path, rt_error *err);
/* rt_baseline into a diff the caller holds (always to be freed). */
int rt_baseline_into(rt_ctx *ctx, const rt_new_revision *nr, rt_diff *diff,
		     char **path, rt_error *err);

struct rt_squash_info {
	rt_strlist replaced;  /* the ids of the chain, oldest first */
	rt_strlist warnings;  /* data statements and objects not carried over */
	int heap;
};

/* rt_squash into an info the caller holds (always to be freed). */
int rt_squash_into(rt_ctx *ctx, const char *range, const rt_new_revision *nr,
		   rt_squash_info *info, char **path, rt_error *err);

/* ------------------------------------------------------------------ */
/* test and rehash                                                      */
/* ------------------------------------------------------------------ */

typedef struct rt_test_result {
	int rev;              /* the revision tested (index in rt_graph.revs) */
	int ok;
	const char *stage;    /* NULL when ok, else "upgrade", "downgrade", "schema"
				 (the downgrade left the schema different) or
				 "upgrade again" (static text) */
	char *message;        /* what went wrong, "file:line: ..." when known */
	rt_strlist changes;   /* stage "schema": what the downgrade would also have
				 to do to restore the schema, one line each */
	char *restore_sql;    /* stage "schema": the SQL of those changes */
} rt_test_result;

struct rt_test_report {
	rt_test_result *v;    /* the revisions tested, in upgrade order */
	size_t n;
	size_t failed;
	size_t applied;       /* revisions applied untested below those tested */
	int stopped;          /* an upgrade failed: what needs it was not tested */
	int heap;
};

/* rt_test into a report the caller holds (filled only when it returns 0). */
int rt_test_into(rt_ctx *ctx, const char *const *idents, size_t n, const char *seed,
		 rt_test_report *out, rt_error *err);

typedef struct rt_rehash_result {
	int rev;         /* the revision (index in rt_graph.revs) */
	char *old_sum;   /* the latest checksum recorded for it, or NULL */
	char *new_sum;   /* its file's checksum now */
	int changed;     /* they differed, so a row was written */
} rt_rehash_result;

struct rt_rehash_report {
	rt_rehash_result *v;
	size_t n;
	int heap;
};

/* rt_rehash into a report the caller holds. */
int rt_rehash_into(rt_ctx *ctx, const char *const *idents, size_t n,
		   rt_rehash_report *out, rt_error *err);

/* ------------------------------------------------------------------ */
/* Lint                                                                 */
/* ------------------------------------------------------------------ */

struct rt_finding {
	char *rule;
	char *file;
	int line, column;
	char *revision;     /* the revision's id; NULL from rt_lint_sql */
	char *section;      /* "upgrade" or "downgrade" */
	char *message;      /* what this statement does, naming the objects */
	char *why;          /* why it is dangerous */
	char *fix;          /* the safe alternative */
	int warning;        /* its rule is in [lint] warn: reported, but no failure */
};

struct rt_lint_report {
	rt_finding *v;      /* in revision order (parents first), then by line */
	size_t n;
	size_t alloc;
	size_t nrevisions;  /* revisions linted */
	const char *dialect; /* "sqlite" or "postgresql" (static) */
	size_t nskipped;    /* revisions left out by [lint] exclude and ignore_before */
	size_t nwarnings;   /* findings that are warnings; the rest fail */
	int heap;
};

typedef struct rt_lint_options {
	const char *dialect;  /* "sqlite" or "postgresql"; NULL: from the URL */
	int upgrade_only;     /* leave downgrade sections out */
	int nontransactional; /* rt_lint_sql: the SQL runs outside a transaction */
} rt_lint_options;

/* A rule, for listings: the dialects it applies to and what fires it. */
/* Why a rule's statements are dangerous and what to write instead. */
typedef struct rt_lint_text {
	const char *dialect;  /* NULL: every dialect of the rule */
	const char *why;
	const char *fix;
} rt_lint_text;

#define RT_LINT_TEXTS 4

/* A lint rule: one entry holds all there is to say about it. */
typedef struct rt_lint_rule {
	const char *name;
	const char *dialects; /* the dialects it applies to, ", "-separated ("postgresql, sqlite") */
	const char *summary;
	rt_lint_text texts[RT_LINT_TEXTS]; /* one for all its dialects, or one per dialect */
} rt_lint_rule;

int rt_lint_into(rt_ctx *ctx, const char *const *idents, size_t n,
		 const rt_lint_options *opts, rt_lint_report *out, rt_error *err);
int rt_lint_sql_into(const rt_config *cfg, const rt_lint_options *opts,
		     const char *sql, const char *file, int first_line,
		     rt_lint_report *out, rt_error *err);
int rt_lint_revision_into(const rt_config *cfg, const rt_lint_options *opts,
			  const rt_revision *rev, rt_lint_report *out, rt_error *err);
/* Every rule, in documentation order; *n gets their number. */
const rt_lint_rule *rt_lint_rules(size_t *n);

#endif
