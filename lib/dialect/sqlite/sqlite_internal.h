/*
 * sqlite_internal.h - pieces of the SQLite dialect shared between its files.
 */
#ifndef RT_SQLITE_INTERNAL_H
#define RT_SQLITE_INTERNAL_H

#include "retort_int.h"
#include "dialect/dialect.h"
#include "util/strbuf.h"

struct sm_schema;
struct sm_ops;
struct sm_table;

/* The file a sqlite: URL names, relative paths resolved against dir. */
int rt_sqlite_path(const char *url, const char *dir, char **path,
		   rt_error *err);
int rt_sqlite_split(const char *sql, size_t len, int first_line,
		    const char *file, rt_stmtlist *out, rt_error *err);

/*
 * A read transaction around many queries (introspection): one snapshot,
 * so a writer committing meanwhile cannot leave the model half old and
 * half new, and the shared lock taken once.  rt_sq_read_begin
 * starts one unless a transaction is already open and says whether it
 * did; rt_sq_read_end ends only the one it started.
 */
int rt_sq_read_begin(rt_conn *c);
void rt_sq_read_end(rt_conn *c, int started);

/*
 * Waiting for another connection's lock (busy.c): SQLite's busy handler
 * over an rt_sq_busy, which reports a wait longer than half a second
 * through fn (when set), naming the process that holds the lock.
 */
typedef struct rt_sq_busy {
	double limit;    /* seconds to wait in all (lock_wait) */
	double started;  /* when the current wait began */
	int told;        /* the current wait was reported */
	rt_event_fn fn;  /* where to report it, or NULL */
	void *ud;
	const char *path;
} rt_sq_busy;
int rt_sq_busy_handler(void *busy, int count);
/*
 * "process 1234 (name)" holding a lock on the database at path, when known:
 * retort's migration lock (flock), or else SQLite's own.
 */
void rt_sq_lock_holder(const char *path, int flock, strbuf *out);

/* The connection state between migrations (session.c; see dialect.h). */
int rt_sqlite_session_state(rt_conn *c, rt_strlist *out, rt_error *err);
void rt_sqlite_session_undo(const rt_strlist *was, const rt_strlist *now,
			   rt_strlist *sql, rt_strlist *what);
void rt_sqlite_session_reset_sql(const rt_config *cfg, const rt_stmtlist *stmts,
				 rt_strlist *out);

/* Schema work: introspect.c, diff.c, scratch.c. */
int rt_sqlite_introspect(rt_conn *c, const rt_config *cfg,
			 struct sm_schema **out, rt_error *err);
struct sm_rename;
/* A rename asked by the declared schema (rename.c; see dialect.h). */
int rt_sqlite_rename(struct sm_schema *s, const struct sm_schema *target,
		     const struct sm_rename *r, struct sm_ops *out, rt_error *err);
int rt_sqlite_diff(const struct sm_schema *from, const struct sm_schema *to,
		   const struct sm_diff_opts *opts, struct sm_ops *out, rt_error *err);
int rt_sqlite_fingerprint(rt_conn *c, const rt_config *cfg, int commit,
			  strbuf *out, rt_error *err);
int rt_sqlite_scratch_create(const rt_config *cfg, char **url, rt_error *err);
void rt_sqlite_scratch_sweep(const rt_config *cfg, rt_strlist *notes);
void rt_sqlite_scratch_drop(const rt_config *cfg, const char *url);

/*
 * sqtext.c - SQLite's tokens, for the few things the catalog cannot tell.
 *
 * Nothing here parses SQL: text is cut into tokens by SQLite's lexical
 * rules (strings, quoted identifiers, comments, numbers, operators) so
 * that comparing, quoting and finding names never trips over a quote.
 */
typedef enum sq_kind {
	SQ_WORD,    /* a bare word: keyword or identifier */
	SQ_QUOTED,  /* "identifier", [identifier] or `identifier` */
	SQ_STRING,  /* 'literal' */
	SQ_NUMBER,
	SQ_BLOB,    /* x'hex' */
	SQ_VAR,     /* ?1 :name @name $name */
	SQ_PUNCT,   /* operators and ( ) , ; . */
} sq_kind;

typedef struct sq_token {
	sq_kind kind;
	const char *s;
	size_t n;
	int depth;  /* parentheses around it; ( and ) count as outside */
} sq_token;

typedef struct sq_tokens {
	sq_token *v;
	size_t n;
	size_t alloc;
} sq_tokens;

void rt_sq_tokenize(const char *sql, size_t len, sq_tokens *out);
void rt_sq_tokens_free(sq_tokens *t);
/* Is t the bare word kw (case-insensitive)? */
int rt_sq_is(const sq_token *t, const char *kw);
/* Is t the punctuation p? */
int rt_sq_punct(const sq_token *t, const char *p);
/* The name a word, quoted identifier or string token stands for. */
char *rt_sq_name(const sq_token *t);
/* Does t name id (case-insensitive, quotes removed)? */
int rt_sq_names(const sq_token *t, const char *id);
/* Index of the ) matching the ( at i, or n when it is missing. */
size_t rt_sq_close(const sq_token *v, size_t n, size_t i);
/* Does any token of v[0..n) name id? */
int rt_sq_mentions(const sq_token *v, size_t n, const char *id);

/* Canonical text of tokens: one space between tokens where SQL allows it. */
enum {
	SQ_CANON_KEYWORDS = 1, /* upper-case SQLite keywords */
	SQ_CANON_UPPER = 2,    /* upper-case every bare word (type names) */
	SQ_CANON_IDENTS = 4,   /* "plain" -> plain; [x] and `x` -> "x" */
	SQ_CANON_FOLD = 8,     /* keywords upper, identifiers lower: where names are not shown */
};
void rt_sq_canon(strbuf *sb, const sq_token *v, size_t n, int flags);
/* rt_sq_canon of a whole text, as a new string. */
char *rt_sq_canon_text(const char *sql, int flags);
/* Comments removed, whitespace outside quotes collapsed to one space. */
char *rt_sq_squeeze(const char *sql);
/* An identifier for generated SQL: bare when plain, else "quoted". */
void rt_sq_ident(strbuf *sb, const char *name);

/* Equivalent spellings (spelling.c). */
struct sm_schema;
struct sm_constraint;
/* The affinity SQLite gives a declared type: "INTEGER", "TEXT", "BLOB", "REAL" or "NUMERIC". */
const char *rt_sq_affinity(const char *type);
/* Make what is written differently but means the same read the same (see spelling.c). */
void rt_sq_spellings(struct sm_schema *s);
/* The canonical text of a CREATE INDEX, ASC key columns written as the default they are. */
char *rt_sq_index_canon(const char *sql);
/* A foreign key's canonical definition from its fields (introspect.c). */
void rt_sq_fk_text(struct sm_constraint *c);

/*
 * The parts of a CREATE TABLE statement, found by tokens: where its name
 * is, and each element of its body (column definitions and table
 * constraints) between the commas at the body's top level.
 */
typedef struct sq_elem {
	size_t first, end;  /* tokens [first, end) */
} sq_elem;

typedef struct sq_table_text {
	sq_tokens tok;
	size_t name_first, name_end; /* tokens of the (possibly qualified) name */
	sq_elem *elems;
	size_t nelems;
	size_t close;       /* the body's closing ) */
} sq_table_text;

/* 0 on success, -1 when the text has no ( ... ) body. */
int rt_sq_table_parse(const char *sql, sq_table_text *out);
void rt_sq_table_text_free(sq_table_text *t);
/* Does an element start a table constraint rather than a column? */
int rt_sq_elem_is_constraint(const sq_table_text *t, const sq_elem *e);

/*
 * What a CREATE TABLE text says beyond the PRAGMAs (table_text.c).
 */
/* A constraint as written. */
typedef struct tx_con {
	char kind;         /* sm_con_kind */
	char *name;        /* CONSTRAINT name, or NULL */
	char *conflict;    /* ON CONFLICT resolution, or NULL */
	char *expr;        /* CHECK: the canonical expression */
	rt_strlist cols;   /* the columns; a column constraint: its column */
	int inline_col;    /* written on its column */
	char *ref;         /* FOREIGN KEY: the parent table */
	int deferred;      /* DEFERRABLE INITIALLY DEFERRED */
	int used;          /* matched to the catalog already */
} tx_con;

typedef struct tx_col {
	char *name;
	char *collation;   /* canonical, NULL for none or BINARY */
	char *generated;   /* canonical expression */
	char *notnull_conflict;
} tx_col;

typedef struct tx_info {
	tx_col *cols;
	size_t ncols;
	tx_con *cons;
	size_t ncons;
	int autoincrement;
	int without_rowid, strict; /* from the text after the body */
} tx_info;

/* Read a CREATE TABLE text into t; -1 when it has no body to read. */
int rt_sq_tx_scan(const char *sql, tx_info *t);
/* Frees every string and list of t; not t itself. */
void rt_sq_tx_free(tx_info *t);
/* The column of that name (any case), or NULL. */
tx_col *rt_sq_tx_find_col(const tx_info *t, const char *name);
/*
 * The first written constraint of a kind over these columns (and, for a
 * foreign key, this parent) not matched yet, now marked matched; or NULL.
 */
tx_con *rt_sq_tx_match(tx_info *t, char kind, char *const *cols, size_t ncols,
		    const char *ref);

/*
 * The column a table's rowid is aliased to (an INTEGER PRIMARY KEY of a
 * rowid table), or NULL.
 */
const char *rt_sqlite_rowid_alias(const struct sm_table *t);

int rt_sqlite_backup(const rt_config *cfg, const char *dest, rt_error *err);

#endif
