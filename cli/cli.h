/*
 * cli.h - what the files of the `retort` command share: the global
 * options, the option parser, the command table's signature, and output
 * helpers.  The command line reaches libretort only through retort.h.
 */
#ifndef RT_CLI_H
#define RT_CLI_H

#include <stdarg.h>
#include <stdio.h>
#include "retort.h"

typedef struct opt_list {
	const char **v;
	size_t n;
} opt_list;

struct opt;

typedef struct cli {
	/* global options */
	const char *config_path; /* -c */
	const char *env;         /* -e */
	const char *url;         /* --url */
	opt_list xargs;          /* -x KEY=VALUE */
	int json;                /* --json: data as JSON on stdout */
	int quiet;               /* -q */
	int verbose;             /* -v */
	int help;                /* -h, --help */
	const char *lock_wait_arg; /* --lock-wait */
	const char *confirm;     /* --confirm NAME: a protected environment's name */
	double lock_wait;        /* its value, < 0 when not given */
	int color;               /* stderr is a terminal and NO_COLOR unset */
	rt_error *err;           /* the error every command fills (main makes it) */
	/* loaded on demand */
	rt_config *cfg;
	rt_ctx *ctx;
	int headers;             /* set before cli_start: a listing, opened with rt_ctx_open_headers */
	const char *cmd;         /* the command being run */
	/*
	 * Describe mode (completion): parse_options hands the command's
	 * option table to describe and returns as after --help.
	 */
	void (*describe)(struct cli *c, const struct opt *opts);
	void *describe_ud;
} cli;

/* An option: type decides what value points to. */
typedef enum opt_type {
	OPT_BOOL,    /* int, set to 1 */
	OPT_STRING,  /* const char * */
	OPT_LIST,    /* struct opt_list, repeatable */
	OPT_END,
} opt_type;

typedef struct opt {
	opt_type type;
	char short_name;        /* 0 for none */
	const char *long_name;
	void *value;
	const char *argname;    /* for --help: the value's name */
	const char *help;
} opt;

/* Append s (not copied) to a list; the owner frees l->v. */
void cli_list_add(opt_list *l, const char *s);

#define OPT_BOOL(s, l, v, h) { OPT_BOOL, s, l, v, NULL, h }
#define OPT_STRING(s, l, v, a, h) { OPT_STRING, s, l, v, a, h }
#define OPT_LIST(s, l, v, a, h) { OPT_LIST, s, l, v, a, h }
#define OPT_END() { OPT_END, 0, NULL, NULL, NULL, NULL }

/*
 * Parse argv (argv[0] is the command name) against the command's options
 * and the global ones.  Positional arguments are left in argv[1..*argc-1].
 * Returns 0 to go on, 1 after printing --help (exit 0), -1 after printing
 * a usage error (exit 2).  "-1", "-2" ... are positional (relative revisions).
 */
int parse_options(cli *c, int *argc, char **argv, const opt *opts,
		  const char *usage, const char *description);
/*
 * What a command accepts: its options, usage line and description, and
 * how many positional arguments (max < 0: any number; missing: the
 * message when there are too few).
 */
typedef struct cli_spec {
	const opt *opts;
	const char *usage;
	const char *description;
	int min_args;
	int max_args;
	const char *missing;
} cli_spec;

/*
 * The start every command shares: parse the options, check the number of
 * positional arguments, and (when ctx is not NULL) load the configuration
 * and the revision graph.  Returns -1 to go on, else the exit status the
 * command returns right away (0 after --help).
 */
int cli_start(cli *c, int *argc, char **argv, const cli_spec *spec, rt_ctx **ctx);

/* Print "usage: ..." and the error to stderr; returns 2. */
int usage_error(cli *c, const char *usage, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

/*
 * Before a command that changes the database other than upgrade (what:
 * "downgrade", "stamp", ...): in a protected environment go on (-1) only
 * when --confirm names it or, on a terminal, the user types its name;
 * else the exit status (2 refused, 1 cancelled at the prompt).
 */
int cli_confirm_protected(cli *c, rt_ctx *ctx, const char *what);

/* Load the configuration (and graph for cli_ctx), applying -x, --url, --lock-wait. */
rt_config *cli_config(cli *c, rt_error *err);
rt_ctx *cli_ctx(cli *c, rt_error *err);

/*
 * Print an error, its hint and the command that fixes it to stderr; clears
 * err and returns the exit status (2 for usage and configuration errors).
 */
int cli_fail(cli *c, rt_error *err);
/* The command line that does what an error's fix says, or NULL (static or in buf). */
const char *cli_fix_text(const rt_error *err, char *buf, size_t size);
/* The same for a fix the library names outside an error (verify's checks). */
const char *cli_fix_text_of(rt_fix fix, const char *arg, char *buf, size_t size);
/*
 * Print "error: FMT..." and, unless hint is NULL, "hint: HINT" to stderr,
 * coloured on a terminal; returns status.
 */
int cli_error(cli *c, int status, const char *hint, const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));
/*
 * s made safe to print (rt_printable: control characters and bytes that are
 * not UTF-8 as U+FFFD), for anything that can come from a file or a
 * database.  The copy stays valid for the next 15 calls; no free.
 */
const char *cli_safe(const char *s);
/* vfprintf to stream, the text made printable as cli_safe does. */
void cli_vprint_safe(FILE *stream, const char *fmt, va_list ap)
	__attribute__((format(printf, 2, 0)));
/* A progress or information line on stderr, unless -q (made printable). */
void cli_note(cli *c, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* Report library events (steps, lock waits) on stderr. */
void cli_on_event(const rt_event *ev, void *ud);
/* Write offline SQL to stdout. */
void cli_write_stdout(const char *text, size_t len, void *ud);

/* A list of revision indices the command line collects. */
typedef struct revlist {
	int *v;
	size_t n;
} revlist;
void revlist_add(revlist *l, int rev);
void revlist_free(revlist *l);

/* " (label, ...)" and the markers Alembic prints after an id. */
typedef struct rev_marks {
	const rt_state *current; /* the database, for its heads, or NULL */
} rev_marks;
void print_rev_short(FILE *f, const rt_graph *g, int rev, const rev_marks *m);
/* The verbose block: Rev:, Parent:/Merges:, Path:, message. */
void print_rev_verbose(FILE *f, const rt_graph *g, int rev, const rev_marks *m);
/* Read the database's state for read-only commands; no database -> empty. */
rt_state *cli_read_current(cli *c, rt_error *err);

/* JSON output (docs/json.md). */
void json_str(FILE *f, const char *s);
/* Item i of a JSON list of strings: ", " before every one but the first. */
void json_item(FILE *f, size_t i, const char *s);
/* A member after an object's first: , "key": "s" (null when s is NULL). */
void json_field(FILE *f, const char *key, const char *s);
/* The database's heads in current (NULL: no is_current member). */
void json_revision(FILE *f, const rt_graph *g, int rev, const rt_state *current);
/* The same object left open ("{...", no closing brace), for a command to add members. */
void json_revision_open(FILE *f, const rt_graph *g, int rev, const rt_state *current);
/* "key": [revision, ...] */
void json_revisions(FILE *f, const char *key, const rt_graph *g, const int *v,
		    size_t n, const rt_state *current);

/*
 * --since GITREF: append to ids the revisions (ids owned by ctx's graph)
 * whose files changed since ref -- committed, staged, edited or new.
 * Returns -1 after printing an error (git missing, an unknown ref).
 */
int cli_since_revisions(cli *c, rt_ctx *ctx, const char *ref, opt_list *ids);
/*
 * The revisions a command is to work on: its positional arguments, and
 * with since those changed since that git revision.  -1 to go on, else the
 * exit status after the error was printed.
 */
int cli_revision_args(cli *c, rt_ctx *ctx, int argc, char **argv, const char *since,
		      opt_list *ids);

typedef int (*command_fn)(cli *c, int argc, char **argv);

/* A command of the dispatch table (main.c). */
typedef struct cli_command {
	const char *name;
	command_fn fn;
	const char *summary;
	int json;          /* has --json output */
	const char *args;  /* what its arguments complete to: revisions, seeds, dirs, shells; NULL: nothing */
} cli_command;

/* The table, ending with a NULL name; and the global options' table. */
const cli_command *cli_command_table(void);
const opt *cli_global_options(void);
int cmd_completion(cli *c, int argc, char **argv);
int cmd_complete(cli *c, int argc, char **argv);

int cmd_init(cli *c, int argc, char **argv);
int cmd_revision(cli *c, int argc, char **argv);
int cmd_merge(cli *c, int argc, char **argv);
int cmd_squash(cli *c, int argc, char **argv);
int cmd_edit(cli *c, int argc, char **argv);
int cmd_upgrade(cli *c, int argc, char **argv);
int cmd_downgrade(cli *c, int argc, char **argv);
int cmd_stamp(cli *c, int argc, char **argv);
int cmd_current(cli *c, int argc, char **argv);
int cmd_heads(cli *c, int argc, char **argv);
int cmd_branches(cli *c, int argc, char **argv);
int cmd_history(cli *c, int argc, char **argv);
int cmd_show(cli *c, int argc, char **argv);
int cmd_status(cli *c, int argc, char **argv);
int cmd_migrate(cli *c, int argc, char **argv);
int cmd_backup(cli *c, int argc, char **argv);
int cmd_verify(cli *c, int argc, char **argv);
int cmd_seed(cli *c, int argc, char **argv);
int cmd_create(cli *c, int argc, char **argv);
int cmd_reset(cli *c, int argc, char **argv);
int cmd_check(cli *c, int argc, char **argv);
int cmd_diff(cli *c, int argc, char **argv);
int cmd_lint(cli *c, int argc, char **argv);
int cmd_test(cli *c, int argc, char **argv);
int cmd_baseline(cli *c, int argc, char **argv);
int cmd_rehash(cli *c, int argc, char **argv);
int cmd_dump_schema(cli *c, int argc, char **argv);
/* Write the database's schema (rt_dump_schema) to path, or stdout when NULL; exit status. */
int cli_dump_schema_to(cli *c, rt_ctx *ctx, const char *path);
/* lint --format github and sarif (lint_format.c). */
void cli_lint_github(const rt_lint_report *r);
void cli_lint_sarif(const rt_lint_report *r);
int cmd_embed(cli *c, int argc, char **argv);
void cli_report_unsupported(cli *c, const rt_diff *d);

#endif
