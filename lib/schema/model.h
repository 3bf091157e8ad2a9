/*
 * model.h - the schema model: what a database contains, as read back from
 * its own catalog (never by parsing SQL text), in a form both dialects
 * share so two schemas can be compared field by field.
 *
 * Text fields hold what the database itself renders (PostgreSQL's
 * format_type, pg_get_expr, pg_get_indexdef, pg_get_constraintdef,
 * pg_get_viewdef, pg_get_functiondef, pg_get_triggerdef; SQLite's
 * PRAGMAs and the CREATE text sqlite_schema keeps), so equal schemas give
 * equal strings.  Lists are sorted by name, so two models of the same
 * schema compare equal whatever order the catalog returned them in.
 */
#ifndef RT_SCHEMA_MODEL_H
#define RT_SCHEMA_MODEL_H

#include <stddef.h>
#include "util/strbuf.h"

/*
 * Privileges (PostgreSQL, read only with compare_privileges = true): the
 * grants of an object other than its owner's, one grantee a line,
 * "grantee=PRIV,PRIV*" (* with grant option), sorted; "" for none.
 */

typedef struct sm_column {
	char *name;
	char *type;        /* format_type / declared type ("" when none) */
	int notnull;
	char *def;         /* default expression, NULL for none */
	char *generated;   /* generation expression, NULL when not generated */
	int stored;        /* generated ... STORED (SQLite: 1 stored, 0 virtual) */
	char identity;     /* PostgreSQL: 0, 'a' (ALWAYS) or 'd' (BY DEFAULT) */
	char *identity_opts; /* sequence options of an identity column, or NULL */
	char *collation;   /* a non-default collation, or NULL */
	char *comment;
	char *acl;         /* PostgreSQL: column privileges (see above), or NULL */
	char *settings;    /* PostgreSQL: ALTER COLUMN clauses, one a line ("SET STATISTICS 500",
			      "SET COMPRESSION lz4", "SET (n_distinct=-0.02)"), or NULL */
	int pk;            /* SQLite: position in the primary key (1-based), 0 if none */
	char *renamed_from; /* declared schema: "-- retort:renamed-from OLD" on its line, or NULL */
} sm_column;

typedef enum sm_con_kind {
	SM_PRIMARY = 'p',
	SM_UNIQUE = 'u',
	SM_CHECK = 'c',
	SM_FOREIGN = 'f',
	SM_EXCLUDE = 'x',
} sm_con_kind;

typedef struct sm_constraint {
	char kind;         /* sm_con_kind */
	char *name;        /* NULL when unnamed (SQLite) */
	char *def;         /* pg_get_constraintdef, or a canonical text (SQLite) */
	char **cols;       /* the constrained columns, in order */
	size_t ncols;
	/* foreign keys */
	char *ref_table;
	char **ref_cols;
	size_t nref_cols;
	char *on_delete;   /* "NO ACTION", "CASCADE", ... */
	char *on_update;
	char *match;       /* "SIMPLE", "FULL" ... or NULL */
	int deferrable;
	int deferred;
	int validated;     /* PostgreSQL: false for NOT VALID */
	char *comment;     /* PostgreSQL */
} sm_constraint;

typedef struct sm_index {
	char *name;
	char *def;         /* the full CREATE INDEX statement the database gives */
	char *sql;         /* SQLite: the CREATE INDEX as written, to run (def: canonical, to compare) */
	char *settings;    /* PostgreSQL: ALTER INDEX clauses, one a line ("ALTER COLUMN 2 SET STATISTICS 500") */
	int unique;
	int constraint;    /* backs a PRIMARY KEY / UNIQUE constraint: not managed alone */
	char *comment;
} sm_index;

typedef struct sm_trigger {
	char *name;
	char *def;         /* pg_get_triggerdef / sqlite_schema.sql */
	char *sql;         /* SQLite: the CREATE TRIGGER as written, to run (def: canonical, to compare) */
	char *comment;     /* PostgreSQL */
} sm_trigger;

typedef struct sm_table {
	char *schema;      /* PostgreSQL schema, NULL for SQLite */
	char *name;
	sm_column *cols;   /* in column order (not sorted: order matters) */
	size_t ncols;
	sm_constraint *cons;
	size_t ncons;
	sm_index *idx;
	size_t nidx;
	sm_trigger *trg;
	size_t ntrg;
	char *comment;
	char *sql;         /* SQLite: the CREATE TABLE text; virtual tables: their definition */
	int without_rowid; /* SQLite */
	int strict;        /* SQLite */
	int autoincrement; /* SQLite */
	int is_virtual;    /* SQLite virtual table: kept and compared as its definition */
	char *options;     /* PostgreSQL: reloptions, partitioning, ... in text, or NULL */
	char *partition_of;    /* PostgreSQL partition: its parent, "schema.name"; NULL for others */
	char *partition_bound; /* "FOR VALUES FROM (...) TO (...)", "DEFAULT" (pg_get_expr) */
	char **inherited;  /* a partition's constraints and indexes that are its parent's ("foreign key NAME",
			      "constraint NAME", "index NAME"): not compared, dropped if it is detached */
	size_t ninherited;
	char *acl;         /* PostgreSQL: privileges, or NULL */
	int row_security;  /* PostgreSQL: bit 1 ROW LEVEL SECURITY enabled, bit 2 forced (on the owner too) */
	char *renamed_from; /* declared schema: "-- retort:renamed-from OLD" on CREATE TABLE's line */
} sm_table;

typedef struct sm_view {
	char *schema;
	char *name;
	char *def;         /* the SELECT (pg_get_viewdef) / the CREATE VIEW text (SQLite) */
	char *sql;         /* SQLite: the CREATE VIEW as written, to run (def: canonical, to compare) */
	int materialized;
	char *comment;
	char **deps;       /* tables and views it reads ("schema.name"), for ordering */
	size_t ndeps;
	sm_index *idx;     /* indexes on a materialized view */
	size_t nidx;
	sm_trigger *trg;   /* triggers on the view (INSTEAD OF) */
	size_t ntrg;
	char *acl;         /* PostgreSQL: privileges, or NULL */
	char **cols;       /* PostgreSQL: output columns, "name type", in order */
	size_t ncols;
	char **col_comments; /* PostgreSQL: comments on its columns, "name\x1fcomment", in column order */
	size_t ncol_comments;
	char **col_defaults; /* PostgreSQL: defaults of its columns (ALTER VIEW ... SET DEFAULT),
				"name\x1fexpression", in column order */
	size_t ncol_defaults;
} sm_view;

typedef struct sm_sequence {
	char *schema;
	char *name;
	char *def;         /* type, start, increment, min, max, cache, cycle as text */
	char *owned_by;    /* "table.column" when owned, else NULL */
	char *comment;
	char *acl;         /* privileges, or NULL */
} sm_sequence;

/* A PostgreSQL schema's comment (public's too, unless the standard one) and privileges. */
typedef struct sm_namespace {
	char *schema;
	char *comment;
	char *acl;
} sm_namespace;

typedef struct sm_enum {
	char *schema;
	char *name;
	char **labels;     /* in sort order */
	size_t nlabels;
	char *comment;
	char *acl;         /* privileges, or NULL */
} sm_enum;

typedef struct sm_function {
	char *schema;
	char *name;
	char *identity;    /* name(argument types): what identifies it */
	char *def;         /* pg_get_functiondef */
	char *comment;
	char *acl;         /* privileges, or NULL */
	char **deps;       /* tables, views and types its signature (or SQL body) uses, for ordering */
	size_t ndeps;
} sm_function;

/*
 * A PostgreSQL extension.  Its member objects (types, functions,
 * operators, ...) are not in the model: they come with it.
 */
typedef struct sm_extension {
	char *name;
	char *schema;      /* the schema its objects live in */
	char *version;     /* the installed version */
	int default_version; /* the version is the one CREATE EXTENSION installs (not compared) */
	int relocatable;   /* ALTER EXTENSION ... SET SCHEMA works (not compared) */
	char *comment;     /* a comment other than the one the extension sets itself, or NULL */
	char **requires;   /* extensions it needs (created first) */
	size_t nrequires;
} sm_extension;

/* A PostgreSQL domain: altered in place (columns use it), never made again. */
typedef struct sm_domain {
	char *schema;
	char *name;
	char *type;        /* the base type (format_type) */
	char *collation;   /* a non-default collation, or NULL */
	char *def;         /* default expression, or NULL */
	int notnull;
	sm_constraint *cons; /* CHECK constraints (kind 'c'), by name */
	size_t ncons;
	char *comment;
	char *acl;         /* privileges, or NULL */
	char **deps;       /* types and functions it uses ("schema.name", "schema.f(types)") */
	size_t ndeps;
} sm_domain;

/*
 * A PostgreSQL object of a kind that is made by one CREATE (or a few
 * statements) and changed by dropping and making it again: aggregates,
 * collations, operators, operator classes and families, text search
 * objects, extended statistics, policies, ...  Its definition is written
 * from the catalog by the introspection query, so equal objects give
 * equal text.
 */
typedef struct sm_object {
	char *kind;        /* "aggregate", "collation", "operator", "policy", ... */
	char *schema;      /* its schema (a policy: its table's) */
	char *name;        /* what identifies it within kind and schema: name, name(types), "name on table" */
	char *key;         /* how dependencies name it ("schema.name(types)", pg_describe_object) */
	char *def;         /* the statements that make it, ';'-free, separated by "\n;\n" */
	char *drop;        /* the statement that drops it */
	char *target;      /* what COMMENT ON takes ("COLLATION public.c"), NULL: no comment */
	char *comment;
	char **deps;       /* what it uses, as dependencies name things (ordering) */
	size_t ndeps;
	char **users;      /* columns, constraints and indexes that use it (they block a DROP) */
	size_t nusers;
	int late;          /* made once tables and views exist (it uses them) */
	char **attrs;      /* a composite type's attributes in order, "name\x1ftype" (type with
			      COLLATE when not the default): changed in place when it can be */
	size_t nattrs;
	char **attr_comments; /* comments on them, "name\x1fcomment", in attribute order */
	size_t nattr_comments;
} sm_object;

typedef struct sm_schema {
	sm_table *tables;
	size_t ntables;
	sm_view *views;
	size_t nviews;
	sm_sequence *seqs;
	size_t nseqs;
	sm_enum *enums;
	size_t nenums;
	sm_function *funcs;
	size_t nfuncs;
	char **schemas;    /* PostgreSQL schemas other than public */
	size_t nschemas;
	sm_namespace *namespaces; /* comments and privileges of schemas, by name */
	size_t nnamespaces;
	sm_extension *exts; /* PostgreSQL extensions (plpgsql aside) */
	size_t nexts;
	sm_domain *domains; /* PostgreSQL domains */
	size_t ndomains;
	sm_object *objects; /* PostgreSQL objects of other kinds (sm_object) */
	size_t nobjects;
	int privileges;    /* privileges were read (acl fields are set) */
	char **unsupported; /* objects found that retort cannot diff, by kind and name */
	size_t nunsupported;
	/*
	 * PostgreSQL: of those, the ones the model's objects could use, as
	 * pg_describe_object names them ("type public.pair"); and the uses,
	 * "what is used\x1fwhat uses it" ("type public.pair\x1fcolumn p of
	 * table public.t"): a diff that would make the user without the used
	 * object existing on the other side is refused.
	 */
	char **unsupported_keys;
	size_t nunsupported_keys;
	char **unsupported_uses;
	size_t nunsupported_uses;
	char **warnings;   /* said while reading it (a rename hint that renames nothing) */
	size_t nwarnings;
} sm_schema;

sm_schema *rt_sm_new(void);
void rt_sm_free(sm_schema *s);
/* Sort every list by name (columns keep their order), so equal schemas compare equal. */
void rt_sm_sort(sm_schema *s);
/* What rt_sm_compare counts beyond the default. */
enum {
	SM_CMP_COLUMN_ORDER = 1, /* the order of a table's columns (column_order = strict) */
};
/*
 * Compare two models; describe every difference, one line each, into
 * out (when not NULL).  Returns the number of differences.  Column order
 * is a difference only with SM_CMP_COLUMN_ORDER in flags.
 */
size_t rt_sm_compare(const sm_schema *a, const sm_schema *b, unsigned flags, strbuf *out);

/* strcmp where NULL sorts first. */
int rt_sm_strcmp_null(const char *a, const char *b);

/* Finders (NULL when absent). */
sm_table *rt_sm_find_table(const sm_schema *s, const char *schema, const char *name);
sm_column *rt_sm_find_column(const sm_table *t, const char *name);
sm_view *rt_sm_find_view(const sm_schema *s, const char *schema, const char *name);
/*
 * A table (schema NULL: in any schema) or column a user named: exactly,
 * else the only one whose name differs in case alone (SQLite compares
 * names without case; a name in a hint may be written either way).
 */
sm_table *rt_sm_find_table_ci(const sm_schema *s, const char *schema, const char *name);
sm_column *rt_sm_find_column_ci(const sm_table *t, const char *name);
sm_extension *rt_sm_find_extension(const sm_schema *s, const char *name);
sm_domain *rt_sm_find_domain(const sm_schema *s, const char *schema, const char *name);
sm_object *rt_sm_find_object(const sm_schema *s, const char *kind, const char *schema,
			     const char *name);
sm_enum *rt_sm_find_enum(const sm_schema *s, const char *schema, const char *name);
sm_sequence *rt_sm_find_sequence(const sm_schema *s, const char *schema, const char *name);
/* identity: name(argument types), as sm_function.identity */
sm_function *rt_sm_find_function(const sm_schema *s, const char *schema, const char *identity);
/* t may be NULL (a table only one side has): nothing is found. */
sm_constraint *rt_sm_find_constraint(const sm_table *t, const char *name);
sm_trigger *rt_sm_find_trigger(const sm_table *t, const char *name);
/* Among the indexes v[0..n) of a table or a view. */
sm_index *rt_sm_find_index(sm_index *v, size_t n, const char *name);
/* Equal strings, or both NULL. */
int rt_sm_streq(const char *a, const char *b);

/* Appenders: zeroed new element at the end of the list. */
sm_table *rt_sm_add_table(sm_schema *s);
sm_column *rt_sm_add_column(sm_table *t);
sm_constraint *rt_sm_add_constraint(sm_table *t);
sm_index *rt_sm_add_index(sm_table *t);
sm_trigger *rt_sm_add_trigger(sm_table *t);
sm_view *rt_sm_add_view(sm_schema *s);
sm_sequence *rt_sm_add_sequence(sm_schema *s);
sm_enum *rt_sm_add_enum(sm_schema *s);
sm_function *rt_sm_add_function(sm_schema *s);
sm_extension *rt_sm_add_extension(sm_schema *s);
sm_domain *rt_sm_add_domain(sm_schema *s);
sm_constraint *rt_sm_add_domain_constraint(sm_domain *m);
sm_object *rt_sm_add_object(sm_schema *s);
sm_namespace *rt_sm_add_namespace(sm_schema *s);
/* The comment of a schema, or NULL. */
const char *rt_sm_schema_comment(const sm_schema *s, const char *schema);
sm_namespace *rt_sm_find_namespace(const sm_schema *s, const char *schema);
void rt_sm_add_unsupported(sm_schema *s, const char *what);
void rt_sm_strv_push(char ***v, size_t *n, const char *s);

#endif
