/*
 * property.h - the schema generator of test_property.c, shared by its
 * files: the seeded random stream, the generator's model of a schema
 * (gschema: tables, columns with value domains, keys, views, sequences,
 * enum types, functions, triggers, policies), and the functions each file offers.
 *
 *   values.c    the random stream; types, domains and values; lookups
 *   generate.c  random objects, and repairs that keep a schema valid
 *   mutate.c    B from A by random mutations
 *   sql.c       a schema (and its rows) written as SQL
 *   kinds.c     PostgreSQL kinds: extensions, collations, operators, text search, composite
 *               and range types, extended statistics, partitioned tables
 */
#ifndef RT_TEST_PROPERTY_H
#define RT_TEST_PROPERTY_H

#include "../unit.h"
#include "internal.h"
#include "schema/model.h"

#include <string.h>

/* The seeded stream (splitmix64): pair i of a run starts at seed S + i. */
extern uint64_t rng_state;

/* ------------------------------------------------------------------ */
/* The generator's model                                                */
/* ------------------------------------------------------------------ */

enum {
	NM = 24,  /* name length */
	NT = 6,   /* tables */
	NC = 9,   /* columns of a table */
	NR = 3,   /* columns of a key or index */
	NU = 2,   /* unique constraints of a table */
	NCK = 3,  /* checks of a table */
	NFK = 2,  /* foreign keys of a table */
	NI = 4,   /* indexes of a table */
	NTG = 2,  /* triggers of a table */
	NV = 5,   /* views */
	NSQ = 3,  /* sequences */
	NE = 3,   /* enum types */
	NL = 7,   /* labels of an enum */
	NF = 4,   /* functions */
	NP = 2,   /* row-level security policies of a table */
	ND = 2,   /* domains (PostgreSQL) */
};

/* Value domains: what a column's two rows hold, whatever its type. */
enum { DM_NUM, DM_TEXT, DM_BOOL, DM_TIME, DM_IVAL, DM_UUID, DM_JSON, DM_BYTES,
       DM_ENUM, DM_ARRAY, DM_N };

enum { DEF_NONE, DEF_CONST, DEF_EXPR, DEF_SEQ, DEF_FUNC };

typedef struct gcol {
	char name[NM];
	int dom;
	char type[NM];    /* as written: "varchar(16)", an enum's name, "" (SQLite: none) */
	int notnull;
	int def, defv;    /* DEF_* and its variant (DEF_SEQ, DEF_FUNC: which sequence or function) */
	int gen;          /* a generated column ... */
	char gsrc[NM];    /* ... reading this column */
	int gop, gstored;
	int ident;        /* PostgreSQL identity: 0, 'a' (ALWAYS), 'd' (BY DEFAULT) */
	int istart, iinc;
	int coll;         /* 0, else a collation of the dialect */
	int comment;      /* PostgreSQL: 0, else a comment's variant */
	int stat;         /* PostgreSQL: SET STATISTICS n, 0 none */
} gcol;

typedef struct gref {
	char c[NR][NM];
	int n;
} gref;

/* A primary key or unique constraint. */
typedef struct gkey {
	int on;
	char name[NM];
	int named;
	gref r;
	int defer;        /* PostgreSQL: 0, DEFERRABLE 1, DEFERRABLE INITIALLY DEFERRED 2 */
	int nnd;          /* PostgreSQL: NULLS NOT DISTINCT */
	int conflict;     /* SQLite: 0, else an ON CONFLICT clause */
	int inl;          /* written at its column (one column) */
} gkey;

typedef struct gcheck {
	char name[NM];
	int named;
	char col[NM];
	char col2[NM];    /* "... OR col2 IS NULL": a second column (table-level only) */
	int v;            /* which expression */
	int inl;
	int novalid;      /* PostgreSQL: NOT VALID */
	int comment;      /* PostgreSQL: a named check's comment variant, 0 none */
} gcheck;

typedef struct gfk {
	char name[NM];
	int named;
	gref r;
	char parent[NM];
	gref pr;
	int ondel, onupd; /* 0 none written, else fk_actions[] */
	int defer;        /* 0, 1 DEFERRABLE (INITIALLY IMMEDIATE), 2 INITIALLY DEFERRED, 3 NOT DEFERRABLE */
	int full;         /* MATCH FULL */
	int inl;
	int novalid;      /* PostgreSQL: NOT VALID */
} gfk;

enum { IM_BTREE, IM_HASH, IM_GIN };

typedef struct gidx {
	char name[NM];
	gref r;
	int desc[NR];
	int expr;         /* the first column through an expression */
	int unique;
	char where[NM];   /* partial: a predicate on this column */
	int method;       /* IM_* (PostgreSQL) */
	char incl[NM];    /* PostgreSQL: INCLUDE this column */
	int comment;
} gidx;

/* Trigger events. */
enum { EV_INSERT = 1, EV_UPDATE = 2, EV_DELETE = 4, EV_TRUNCATE = 8 };

typedef struct gtrg {
	char name[NM];
	int before;       /* BEFORE, else AFTER (views: INSTEAD OF) */
	int ev;           /* one event on SQLite, any set on PostgreSQL */
	char ofcol[NM];   /* UPDATE OF this column */
	char whencol[NM]; /* WHEN this column IS NOT NULL */
	int row;          /* FOR EACH ROW (SQLite: always) */
	int func;         /* PostgreSQL: the function's number */
	char ttab[NM];    /* SQLite: the body touches this table ... */
	char tcol[NM];    /* ... and column */
	int v;            /* body variant */
} gtrg;

/* A row-level security policy (PostgreSQL). */
enum { PV_ALL, PV_SELECT, PV_INSERT, PV_RESTRICTIVE, PV_COL, PV_N };

typedef struct gpol {
	char name[NM];
	int v;            /* PV_*: command, permissive or restrictive, expression */
	char col[NM];     /* PV_COL: USING (col IS NOT NULL) */
} gpol;

typedef struct gtable {
	char name[NM];
	int id;           /* creation order: foreign keys point to lower ids (or itself) */
	gcol c[NC];
	int nc;
	gkey pk;
	gkey uq[NU];
	int nuq;
	gcheck ck[NCK];
	int nck;
	gfk fk[NFK];
	int nfk;
	gidx ix[NI];
	int nix;
	gtrg tg[NTG];
	int ntg;
	int without_rowid, strict, autoinc; /* SQLite */
	int comment, fillfactor;            /* PostgreSQL */
	int rls;          /* PostgreSQL: bit 1 ENABLE, bit 2 FORCE ROW LEVEL SECURITY */
	gpol pol[NP];
	int npol;
} gtable;

typedef struct gview {
	char name[NM];
	int id;           /* a view reads tables or views of lower ids */
	char src[NM];
	char c[NC][NM];
	int nc;
	char where[NM];
	int mat;          /* PostgreSQL: materialized */
	int comment;
	gidx ix[2];       /* indexes of a materialized view */
	int nix;
	gtrg tg[1];       /* SQLite: an INSTEAD OF trigger */
	int ntg;
} gview;

typedef struct gseq {
	char name[NM];
	int num;
	int as;           /* 0 bigint, 1 integer, 2 smallint */
	int start, inc, cache, cycle;
	char otab[NM], ocol[NM]; /* OWNED BY, or "" */
} gseq;

typedef struct genum {
	char name[NM];
	char l[NL][NM];   /* a0 and a1 always (the rows' values), extra labels x<n> */
	int nl;
	int comment;
} genum;

typedef struct gfunc {
	char name[NM];
	int num;
	int trig;         /* a trigger function, else a scalar one */
	int v;            /* body variant */
	int big;          /* scalar: bigint result instead of integer */
	int bigarg;       /* scalar: bigint argument */
	int atomic;       /* scalar: an SQL-standard body */
	int comment;
} gfunc;

/* A domain over text (PostgreSQL), named dtext<n>: text columns may have it as their type. */
typedef struct gdom {
	char name[NM];
	int chk;          /* 0 none, 1 VALUE <> 'zz', 2 length(VALUE) < 100: true for every value written */
	int def;          /* DEFAULT NULL written (a value would fill columns added to tables with rows,
			     which the rows' model does not know; ALTER DOMAIN's defaults are in test_pg_kinds) */
	int comment;
} gdom;

/* PostgreSQL kinds (kinds.c): objects of one variant each, by name. */
enum { NK = 3, NCA = 5 };

typedef struct gkobj {
	char name[NM];
	int v;            /* which definition */
} gkobj;

/* A composite type: attributes in order, each of attr_types[t]. */
typedef struct gctype {
	char name[NM];
	char a[NCA][NM];
	int t[NCA];
	int na;
} gctype;

/* Extended statistics on two columns of a table. */
typedef struct gstat {
	char name[NM];
	char table[NM];
	char c[2][NM];
	int v;            /* which statistics kinds */
} gstat;

/* A table partitioned by range of a date, a partition a year (2020 + bit), maybe a default one. */
typedef struct gpart {
	char name[NM];
	int years;        /* bit y: the partition of year 2020 + y */
	int dflt, extra, index; /* a default partition; a column more; an index on the parent */
} gpart;

typedef struct gkinds {
	int ext;          /* bit i: extension exts[i] */
	gkobj cl[NK], op[NK], opc[NK], dict[NK], ts[NK], rg[NK];
	int ncl, nop, nopc, ndict, nts, nrg;
	gctype ct[NK];
	int nct;
	gstat st[NK];
	int nst;
	gpart pt[2];
	int npt;
} gkinds;

typedef struct gschema {
	int pg;
	gtable t[NT];
	int nt;
	gview v[NV];
	int nv;
	gseq s[NSQ];
	int ns;
	genum e[NE];
	int ne;
	gfunc f[NF];
	int nf;
	gdom dm[ND];
	int nd;
	gkinds k;         /* PostgreSQL */
	int next;         /* the last number given to a name */
} gschema;

/* Remove element i of arr[0..n) (i evaluated once). */
#define DEL(arr, n, i)                                                       \
	do {                                                                 \
		int at_ = (i);                                               \
		memmove(&(arr)[at_], &(arr)[at_ + 1],                        \
			(size_t)((n) - at_ - 1) * sizeof((arr)[0]));         \
		(n)--;                                                       \
	} while (0)

/* values.c: the seeded generator, types, domains and values, names and lookups */
/* A number in [0, n). */
int R(int n);
/* True one time in n. */
int one_in(int n);
/* Copy a name (at most NM - 1 characters); the two may overlap. */
void cpy(char *dst, const char *src);
int is(const char *t, const char *name);
int starts(const char *t, const char *prefix);
/* PostgreSQL type classes (SQLite columns answer by their domain). */
int pg_intish(const char *t);
int pg_array(const char *t);
/* Is the type of c a number (not a number held as text)? */
int col_numeric(const gschema *s, const gcol *c);
int col_textish(const gschema *s, const gcol *c);
const genum *find_enum(const gschema *s, const char *name);
const gdom *find_domain(const gschema *s, const char *name);
/* Is type a valid type of domain dom in s (enum types included)? */
int type_ok(const gschema *s, int dom, const char *type, int strict);
/* A random type of domain dom (enum types included). */
void pick_type(const gschema *s, int dom, int strict, char *out);
/* A domain for a new column of s. */
int pick_dom(const gschema *s);
/* May a foreign key column of type child reference one of type parent? */
int fk_types_ok(const gschema *s, const char *child, const char *parent);
int fk_type(const gschema *s, int dom, int strict, const char *like, char *out);
int collatable(const gschema *s, const gcol *c);
/* A quoted identifier (names never hold a double quote). */
void Q(strbuf *sb, const char *name);
/* Row k's value (k = 0, 1) of column c, as a literal of its current type. */
void value_sql(strbuf *sb, const gschema *s, const gcol *c, int k);
const gseq *find_seq(const gschema *s, int num);
const gfunc *func_for(const gschema *s, const gcol *c, int pick);
/* The default of c (which has one): a constant, an expression or nextval. */
void default_sql(strbuf *sb, const gschema *s, const gcol *c);
void check_sql(strbuf *sb, const gschema *s, const gcol *c, int v);
/* A generated column's type: what its expression gives (see gen_sql). */
void gen_type(const gschema *s, gcol *g, int src_dom);
const gcol *find_col(const gtable *t, const char *name);
/* The expression of generated column g of table t. */
void gen_sql(strbuf *sb, const gschema *s, const gtable *t, const gcol *g);
void fresh(gschema *s, const char *prefix, char *out);
gtable *find_table(gschema *s, const char *name);
const gtable *find_ctable(const gschema *s, const char *name);
gview *find_view(gschema *s, const char *name);
int col_index(const gtable *t, const char *name);
const gfunc *find_func(const gschema *s, int num);
int ref_has(const gref *r, const char *name);
int ref_eq(const gref *a, const gref *b);
/* A plain column: not generated (identity columns are plain). */
int plain(const gcol *c);
/* A random plain column of t, or NULL. */
gcol *pick_plain(gtable *t);
/* Up to max distinct plain columns of t, in a random order, into r. */
void pick_cols(gtable *t, int max, gref *r);
/* The columns a table or view shows to a view reading it. */
int rel_cols(const gschema *s, const char *rel, char out[NC][NM]);
/* The table column behind column col of a table or view (views of views followed). */
const gcol *base_col(const gschema *s, const char *rel, const char *col);

/* generate.c: random objects; keeping a schema valid */
/* A new column for table t (generated from one of t's columns now and then). */
void gen_col(gschema *s, gtable *t, gcol *c);
/* A key (primary or unique) on t's plain columns. */
void gen_key(gschema *s, gtable *t, gkey *k, int max);
/* A check on one of t's columns, named or not, at the column or not. */
void gen_check(gschema *s, gtable *t, gcheck *k);
int gen_fk(gschema *s, gtable *t, gfk *f);
/* An index on up to NR of t's columns, with any of the options an index may have. */
void gen_index(gschema *s, gtable *t, gidx *x);
/* A trigger on table t (PostgreSQL: needs a trigger function). */
int gen_trigger(gschema *s, gtable *t, gtrg *g);
/* A new table, appended to s. */
gtable *gen_table(gschema *s);
/* A view of a table or of an earlier view. */
void gen_view(gschema *s);
/* An enum type: a0 and a1 (the values rows hold) and a few extra labels anywhere. */
void gen_enum(gschema *s);
/* A domain over text (PostgreSQL). */
void gen_domain(gschema *s);
/* A policy on table t (PostgreSQL). */
void gen_policy(gschema *s, gtable *t, gpol *p);
/* A sequence: its type, increment (descending too), start, cache, cycle. */
void gen_seq(gschema *s);
/* A function: a trigger function (plpgsql) or a scalar SQL one, x + v. */
void gen_func(gschema *s, int trig);
/* Schema A: a few of everything. */
void gen_schema(gschema *s, int pg);
/* Make s a schema the database accepts after mutations removed things. */
void repair(gschema *s);
/* Both sides valid, and valid for the rows A holds; until nothing changes. */
void pair_fix(gschema *a, gschema *b);

/* mutate.c: B from A */
/* One random change to s; 1 when something changed. */
int mutate(gschema *s);

/* sql.c: writing a schema as SQL */
/* The whole schema as a script, in an order the database accepts. */
char *schema_sql(const gschema *s);
/* Two rows for every table (parents first: foreign keys point to lower ids). */
char *rows_sql(const gschema *s);

/* kinds.c: extensions, collations, operators, operator classes, text search, composite and
   range types, extended statistics, partitioned tables (PostgreSQL) */
/* A few of each (not statistics), into s->k. */
void gen_kinds(gschema *s);
/* Statistics, once the tables exist. */
void gen_kinds_late(gschema *s);
/* One random change to them; 1 when something changed. */
int mutate_kinds(gschema *s);
/* Statistics whose table or columns went go too; 1 when any did. */
int repair_kinds(gschema *s);
/* What comes before the tables; partitioned tables and statistics, after them. */
void kinds_sql(strbuf *sb, const gschema *s);
void kinds_late_sql(strbuf *sb, const gschema *s);

#endif
