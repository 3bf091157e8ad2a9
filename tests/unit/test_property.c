/*
 * test_property.c - the schema diff as a property: for random pairs of
 * schemas A and B, on SQLite and on PostgreSQL, the generated upgrade
 * turns a database holding A (with rows) into exactly B and the
 * generated downgrade turns it back into exactly A, comparing the models
 * introspected from the databases (sm_compare finds nothing).
 *
 * The generator keeps a schema as a small structure (tables with columns
 * of every supported type, keys, foreign keys, unique and check
 * constraints, indexes of each kind, views, and on PostgreSQL sequences,
 * enum types, functions, triggers and comments), writes it as SQL text,
 * and derives B from A by a few random mutations.  Two passes keep the
 * pair valid for the database: repair() drops whatever a mutation left
 * dangling (an index on a dropped column, a view of a dropped table),
 * and pair_fix() keeps the rows of A valid on both sides (a key only on
 * columns whose values both sides keep; a column added to a table with
 * rows is nullable or has a default).  Every column has a value domain
 * (numbers, text, times, ...) that outlives type changes, so its two
 * rows convert between the types A and B give it, both ways.
 *
 * A pair the database itself refuses (A or B does not load, the rows do
 * not go in, the catalog holds something retort lists as unsupported) is
 * a generator bug: it is counted and reported and fails the test.
 *
 *   RT_PROPERTY_PAIRS=N     pairs per dialect (default 100; make soak: thousands)
 *   RT_PROPERTY_SEED=S      pair i uses seed S + i; a failure prints the
 *                           seed that reproduces it alone:
 *                           RT_PROPERTY_SEED=<seed> RT_PROPERTY_PAIRS=1
 *   RT_PROPERTY_DIALECT=D   only sqlite or postgresql
 *   RT_PROPERTY_VERBOSE=1   print every pair's schemas
 *
 * PostgreSQL needs the server tests/run starts (RETORT_TEST_PGHOST,
 * RETORT_TEST_PGPORT, RETORT_TEST_PGUSER); without it the test fails.
 */
#include "unit.h"
#include "internal.h"
#include "dialect/dialect.h"
#include "schema/model.h"
#include "schema/ops.h"

#include <ctype.h>
#include <dirent.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

/* ------------------------------------------------------------------ */
/* A seeded generator                                                   */
/* ------------------------------------------------------------------ */

static uint64_t rng_state;

/* splitmix64: every seed gives a good, reproducible stream. */
static uint64_t rng_next(void)
{
	uint64_t z = (rng_state += 0x9e3779b97f4a7c15ULL);
	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
	return z ^ (z >> 31);
}

/* A number in [0, n). */
static int R(int n)
{
	return n <= 1 ? 0 : (int)(rng_next() % (uint64_t)n);
}

/* True one time in n. */
static int one_in(int n)
{
	return R(n) == 0;
}

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

/* ------------------------------------------------------------------ */
/* Types, domains and values                                            */
/* ------------------------------------------------------------------ */

/* PostgreSQL: the types each domain's values convert between, both ways. */
static const char *const pg_types[DM_N][11] = {
	[DM_NUM] = { "integer", "bigint", "smallint", "numeric(10,2)", "numeric(8,0)", "real",
		     "double precision", "text", "varchar(16)", "char(4)", NULL },
	[DM_TEXT] = { "text", "varchar(16)", "varchar(32)", "char(8)", NULL },
	[DM_BOOL] = { "boolean", "text", "varchar(8)", NULL },
	[DM_TIME] = { "date", "timestamp", "timestamptz", "text", "varchar(40)", NULL },
	[DM_IVAL] = { "interval", "text", "varchar(32)", NULL },
	[DM_UUID] = { "uuid", "text", "varchar(40)", NULL },
	[DM_JSON] = { "jsonb", "text", NULL },
	[DM_BYTES] = { "bytea", "text", NULL },
	[DM_ENUM] = { "text", "varchar(16)", NULL }, /* and the enum types */
	[DM_ARRAY] = { "integer[]", "bigint[]", "text[]", "text", NULL },
};

/* SQLite: declared types (affinities) for each domain; "" is no type. */
static const char *const sq_types[DM_N][11] = {
	[DM_NUM] = { "INTEGER", "INT", "BIGINT", "REAL", "NUMERIC", "DECIMAL(10,2)", "TEXT",
		     "VARCHAR(16)", "", NULL },
	[DM_TEXT] = { "TEXT", "VARCHAR(16)", "CHAR(8)", "CLOB", "", NULL },
	[DM_BOOL] = { "BOOLEAN", "INTEGER", "INT", NULL },
	[DM_TIME] = { "DATETIME", "DATE", "TIMESTAMP", "TEXT", NULL },
	[DM_BYTES] = { "BLOB", "", NULL },
};

/* SQLite STRICT tables: the types a domain may have there. */
static const char *const sq_strict_types[DM_N][6] = {
	[DM_NUM] = { "INTEGER", "INT", "REAL", "ANY", NULL },
	[DM_TEXT] = { "TEXT", "ANY", NULL },
	[DM_BOOL] = { "INTEGER", "INT", NULL },
	[DM_TIME] = { "TEXT", NULL },
	[DM_BYTES] = { "BLOB", "ANY", NULL },
};

static const char *const pg_colls[] = { NULL, "C", "POSIX", "und-x-icu" };
static const char *const sq_colls[] = { NULL, "NOCASE", "RTRIM", "BINARY" };
static const char *const fk_actions[] = { NULL, "CASCADE", "SET NULL", "SET DEFAULT", "RESTRICT",
					  "NO ACTION" };
static const char *const sq_conflicts[] = { NULL, "ROLLBACK", "ABORT", "FAIL", "IGNORE", "REPLACE" };

/* Copy a name (at most NM - 1 characters); the two may overlap. */
static void cpy(char *dst, const char *src)
{
	size_t n = strlen(src);
	if (n >= NM)
		n = NM - 1;
	memmove(dst, src, n);
	dst[n] = '\0';
}

static int count_of(const char *const *v)
{
	int n = 0;
	while (v[n])
		n++;
	return n;
}

static int is(const char *t, const char *name)
{
	return !strcmp(t, name);
}

static int starts(const char *t, const char *prefix)
{
	return !strncmp(t, prefix, strlen(prefix));
}

/* PostgreSQL type classes (SQLite columns answer by their domain). */
static int pg_intish(const char *t)
{
	return is(t, "integer") || is(t, "bigint") || is(t, "smallint");
}

static int pg_textish(const char *t)
{
	return is(t, "text") || starts(t, "varchar") || starts(t, "char(");
}

static int pg_numeric(const char *t)
{
	return pg_intish(t) || starts(t, "numeric") || is(t, "real") || is(t, "double precision");
}

static int pg_array(const char *t)
{
	size_t n = strlen(t);
	return n > 2 && !strcmp(t + n - 2, "[]");
}

/* Is the type of c a number (not a number held as text)? */
static int col_numeric(const gschema *s, const gcol *c)
{
	if (s->pg)
		return pg_numeric(c->type);
	return c->dom == DM_NUM || c->dom == DM_BOOL;
}

static int col_textish(const gschema *s, const gcol *c)
{
	if (s->pg)
		return pg_textish(c->type);
	return c->dom == DM_TEXT;
}

static const genum *find_enum(const gschema *s, const char *name)
{
	for (int i = 0; i < s->ne; i++)
		if (is(s->e[i].name, name))
			return &s->e[i];
	return NULL;
}

/* Is type a valid type of domain dom in s (enum types included)? */
static int type_ok(const gschema *s, int dom, const char *type, int strict)
{
	const char *const *v = s->pg ? pg_types[dom] : strict ? sq_strict_types[dom] : sq_types[dom];
	for (int i = 0; v[i]; i++)
		if (is(v[i], type))
			return 1;
	return s->pg && dom == DM_ENUM && find_enum(s, type);
}

/* A random type of domain dom (enum types included). */
static void pick_type(const gschema *s, int dom, int strict, char *out)
{
	const char *const *v = s->pg ? pg_types[dom] : strict ? sq_strict_types[dom] : sq_types[dom];
	int n = count_of(v);
	if (s->pg && dom == DM_ENUM && s->ne && R(3)) {
		cpy(out, s->e[R(s->ne)].name);
		return;
	}
	cpy(out, v[R(n)]);
}

/* A domain for a new column of s. */
static int pick_dom(const gschema *s)
{
	if (!s->pg) {
		static const int d[] = { DM_NUM, DM_NUM, DM_TEXT, DM_TEXT, DM_BOOL, DM_TIME, DM_BYTES };
		return d[R(7)];
	}
	static const int d[] = { DM_NUM, DM_NUM, DM_NUM, DM_TEXT, DM_TEXT, DM_BOOL, DM_TIME, DM_IVAL,
				 DM_UUID, DM_JSON, DM_BYTES, DM_ENUM, DM_ARRAY };
	return d[R(13)];
}

/*
 * SQLite: the affinity of a declared type (section 3.1 of "Datatypes In
 * SQLite"); ANY (STRICT tables) apart.  A foreign key's rows find their
 * parents only when both columns have the same affinity.
 */
static char sq_affinity(const char *type)
{
	char up[NM];
	size_t i;
	for (i = 0; type[i] && i < NM - 1; i++)
		up[i] = (char)toupper((unsigned char)type[i]);
	up[i] = '\0';
	if (!strcmp(up, "ANY"))
		return 'a';
	if (strstr(up, "INT"))
		return 'i';
	if (strstr(up, "CHAR") || strstr(up, "CLOB") || strstr(up, "TEXT"))
		return 't';
	if (!*up || strstr(up, "BLOB"))
		return 'b';
	if (strstr(up, "REAL") || strstr(up, "FLOA") || strstr(up, "DOUB"))
		return 'r';
	return 'n';
}

/* May a foreign key column of type child reference one of type parent? */
static int fk_types_ok(const gschema *s, const char *child, const char *parent)
{
	return s->pg ? is(child, parent) : sq_affinity(child) == sq_affinity(parent);
}

/*
 * A type for a column of domain dom (in a STRICT table or not) that a
 * foreign key may tie to a column of type like; 0 when there is none.
 */
static int fk_type(const gschema *s, int dom, int strict, const char *like, char *out)
{
	const char *const *v = s->pg ? pg_types[dom] : strict ? sq_strict_types[dom] : sq_types[dom];
	if (s->pg || type_ok(s, dom, like, strict)) {
		cpy(out, like);
		return 1;
	}
	for (int i = 0; v[i]; i++)
		if (fk_types_ok(s, v[i], like)) {
			cpy(out, v[i]);
			return 1;
		}
	return 0;
}

static int collatable(const gschema *s, const gcol *c)
{
	return s->pg ? pg_textish(c->type) : 1;
}

/* A quoted identifier (names never hold a double quote). */
static void Q(strbuf *sb, const char *name)
{
	strbuf_addf(sb, "\"%s\"", name);
}

/* Row k's value (k = 0, 1) of column c, as a literal of its current type. */
static void value_sql(strbuf *sb, const gschema *s, const gcol *c, int k)
{
	if (!s->pg) {
		switch (c->dom) {
		case DM_TEXT: strbuf_addf(sb, "'t%d'", k); return;
		case DM_TIME: strbuf_addf(sb, "'2020-01-0%d'", k + 1); return;
		case DM_BYTES: strbuf_addf(sb, "x'0%d'", k); return;
		default: strbuf_addf(sb, "%d", k); return;
		}
	}
	switch (c->dom) {
	case DM_NUM:
		strbuf_addf(sb, pg_textish(c->type) ? "'%d'" : "%d", k);
		return;
	case DM_TEXT: strbuf_addf(sb, "'t%d'", k); return;
	case DM_BOOL:
		if (is(c->type, "boolean"))
			strbuf_adds(sb, k ? "true" : "false");
		else
			strbuf_adds(sb, k ? "'true'" : "'false'");
		return;
	case DM_TIME: strbuf_addf(sb, "'2020-01-0%d'", k + 1); return;
	case DM_IVAL: strbuf_addf(sb, "'%d days'", k + 1); return;
	case DM_UUID: strbuf_addf(sb, "'00000000-0000-0000-0000-00000000000%d'", k); return;
	case DM_JSON: strbuf_addf(sb, "'{\"k\": %d}'", k); return;
	case DM_BYTES: strbuf_addf(sb, "'\\x0%d'", k); return;
	case DM_ENUM: strbuf_addf(sb, "'a%d'", k); return;
	default: strbuf_addf(sb, "'{%d}'", k); return;
	}
}

static const gfunc *find_func(const gschema *s, int num);

static const gseq *find_seq(const gschema *s, int num)
{
	for (int i = 0; i < s->ns; i++)
		if (s->s[i].num == num)
			return &s->s[i];
	return NULL;
}

/*
 * PostgreSQL: a scalar function column c can be passed to (an integer
 * column to f(integer) or f(bigint), a bigint one to f(bigint)), the
 * pick-th of them, or NULL.  f(x) = x + v: never negative for our values.
 */
static const gfunc *func_for(const gschema *s, const gcol *c, int pick)
{
	const gfunc *v[NF];
	int n = 0;
	for (int i = 0; s->pg && i < s->nf; i++)
		if (!s->f[i].trig && pg_intish(c->type) && (s->f[i].bigarg || !is(c->type, "bigint")))
			v[n++] = &s->f[i];
	return n ? v[pick % n] : NULL;
}

/* The default of c (which has one): a constant, an expression or nextval. */
static void default_sql(strbuf *sb, const gschema *s, const gcol *c)
{
	const char *t = c->type;
	if (c->def == DEF_SEQ && s->pg && pg_numeric(t) && find_seq(s, c->defv)) {
		strbuf_addf(sb, "nextval('\"%s\"')", find_seq(s, c->defv)->name);
		return;
	}
	const gfunc *f = c->def == DEF_FUNC && s->pg && pg_numeric(t) ? find_func(s, c->defv) : NULL;
	if (f && !f->trig) {
		strbuf_addf(sb, "\"%s\"(1)", f->name); /* 1 + its variant: a value every check takes */
		return;
	}
	if (c->def == DEF_EXPR && !s->pg) {
		switch (c->dom) {
		case DM_NUM: strbuf_adds(sb, "(1 + 1)"); return;
		case DM_TEXT: strbuf_adds(sb, "(upper('t9'))"); return;
		case DM_BOOL: strbuf_adds(sb, "(1 > 0)"); return;
		case DM_TIME: strbuf_adds(sb, "CURRENT_TIMESTAMP"); return;
		default: strbuf_adds(sb, "(zeroblob(2))"); return;
		}
	}
	if (c->def == DEF_EXPR) {
		const char *e = NULL;
		if (pg_numeric(t))
			e = "(1 + 1)";
		else if (is(t, "boolean"))
			e = "(1 > 0)";
		else if (is(t, "date"))
			e = "CURRENT_DATE";
		else if (is(t, "timestamp"))
			e = "LOCALTIMESTAMP";
		else if (is(t, "timestamptz"))
			e = "now()";
		else if (is(t, "interval"))
			e = "make_interval(days => 3)";
		else if (is(t, "uuid"))
			e = "gen_random_uuid()";
		else if (is(t, "jsonb"))
			e = "jsonb_build_object('k', 2)";
		else if (is(t, "bytea"))
			e = "decode('0a', 'hex')";
		else if (is(t, "text[]"))
			e = "ARRAY['2']";
		else if (pg_array(t))
			e = "ARRAY[2]";
		else if (c->dom == DM_TEXT)
			e = "('t' || 'x')";
		if (e) {
			strbuf_adds(sb, e);
			return;
		}
	}
	if (c->dom == DM_TEXT && c->defv == 2) {
		strbuf_adds(sb, "'it''s'"); /* a quote to keep through every rendering */
		return;
	}
	value_sql(sb, s, c, c->defv & 1);
}

/*
 * A check on column c: true for both rows and for every default, whatever
 * the type; v picks among the forms.
 */
static void check_sql(strbuf *sb, const gschema *s, const gcol *c, int v)
{
	char q[NM + 2];
	snprintf(q, sizeof(q), "\"%s\"", c->name);
	const char *t = c->type;
	if (!s->pg) {
		switch (c->dom) {
		case DM_NUM: strbuf_addf(sb, v & 1 ? "%s >= 0" : "length(%s) < 30", q); return;
		case DM_TEXT: strbuf_addf(sb, v & 1 ? "%s <> ''" : "length(%s) < 40", q); return;
		case DM_BOOL: strbuf_addf(sb, "%s IN (0, 1)", q); return;
		case DM_TIME: strbuf_addf(sb, "%s > '2000'", q); return;
		default: strbuf_addf(sb, "length(%s) > 0", q); return;
		}
	}
	/*
	 * IN lists over varchar are written as ORs: PostgreSQL renders
	 * "c IN ('a', 'b')" as "(c)::text = ANY ((ARRAY['a'::character
	 * varying, ...])::text[])", which reads back as another expression
	 * (ARRAY[('a'::character varying)::text, ...]), so no tool that
	 * copies pg_get_constraintdef can reproduce the original.
	 */
	int in_ok = !starts(t, "varchar");
	const gfunc *f = v >= 2 ? func_for(s, c, v) : NULL;
	if (f)
		strbuf_addf(sb, "\"%s\"(%s) >= 0", f->name, q);
	else if (pg_numeric(t))
		strbuf_addf(sb, v & 1 ? "%s >= 0" : "%s < 1000", q);
	else if (c->dom == DM_BOOL && is(t, "boolean"))
		strbuf_addf(sb, "%s IN (true, false)", q);
	else if (c->dom == DM_BOOL)
		strbuf_addf(sb, in_ok ? "%s IN ('true', 'false')" : "%s = 'true' OR %s = 'false'", q, q);
	else if (c->dom == DM_ENUM)
		strbuf_addf(sb, in_ok ? "%s IN ('a0', 'a1')" : "%s = 'a0' OR %s = 'a1'", q, q);
	else if (pg_textish(t) && c->dom == DM_TIME)
		strbuf_addf(sb, "%s > '2000'", q);
	else if (pg_textish(t))
		strbuf_addf(sb, v & 1 ? "%s <> ''" : "length(%s) < 40", q);
	else if (is(t, "date") || is(t, "timestamp") || is(t, "timestamptz"))
		strbuf_addf(sb, "%s > '2000-01-01'", q);
	else if (is(t, "interval"))
		strbuf_addf(sb, "%s >= '0 seconds'", q);
	else if (is(t, "uuid"))
		strbuf_addf(sb, "%s <> '00000000-0000-0000-0000-0000000000ff'", q);
	else if (is(t, "jsonb"))
		strbuf_addf(sb, v & 1 ? "%s ? 'k'" : "jsonb_typeof(%s) = 'object'", q);
	else if (is(t, "bytea"))
		strbuf_addf(sb, "length(%s) > 0", q);
	else
		strbuf_addf(sb, "cardinality(%s) >= 1", q);
}

/* A generated column's type: what its expression gives (see gen_sql). */
static void gen_type(const gschema *s, gcol *g, int src_dom)
{
	static const char *const pg_num[] = { "bigint", "numeric", "double precision", "integer" };
	static const char *const pg_text[] = { "text", "varchar(64)" };
	g->dom = src_dom;
	if (s->pg)
		cpy(g->type, src_dom == DM_NUM ? pg_num[R(4)] : pg_text[R(2)]);
	else
		pick_type(s, src_dom, 0, g->type);
}

static const gcol *find_col(const gtable *t, const char *name)
{
	for (int i = 0; i < t->nc; i++)
		if (is(t->c[i].name, name))
			return &t->c[i];
	return NULL;
}

/* The expression of generated column g of table t. */
static void gen_sql(strbuf *sb, const gschema *s, const gtable *t, const gcol *g)
{
	const gcol *src = find_col(t, g->gsrc);
	char q[NM + 2];
	snprintf(q, sizeof(q), "\"%s\"", g->gsrc);
	const gfunc *f = g->gop == 2 ? func_for(s, src, 0) : NULL;
	if (f)
		strbuf_addf(sb, "\"%s\"(%s)", f->name, q);
	else if (src->dom == DM_NUM && col_numeric(s, src))
		strbuf_addf(sb, g->gop ? "%s + 1" : "%s * 2", q);
	else if (src->dom == DM_NUM)
		strbuf_addf(sb, g->gop ? "length(%s) + 1" : "length(%s)", q);
	else
		strbuf_addf(sb, g->gop ? "%s || '!'" : "upper(%s)", q);
}

/* ------------------------------------------------------------------ */
/* Names and lookups                                                    */
/* ------------------------------------------------------------------ */

/*
 * A fresh name: prefix and a number never used before in this pair (B
 * continues A's numbering), now and then one that needs quoting.
 */
static void fresh(gschema *s, const char *prefix, char *out)
{
	int n = ++s->next;
	switch (R(12)) {
	case 0:
		snprintf(out, NM, "%s %d", prefix, n);
		break;
	case 1:
		snprintf(out, NM, "%c%s%d", prefix[0] - 'a' + 'A', prefix + 1, n);
		break;
	default:
		snprintf(out, NM, "%s%d", prefix, n);
	}
}

static gtable *find_table(gschema *s, const char *name)
{
	for (int i = 0; i < s->nt; i++)
		if (is(s->t[i].name, name))
			return &s->t[i];
	return NULL;
}

static const gtable *find_ctable(const gschema *s, const char *name)
{
	return find_table((gschema *)s, name);
}

static gview *find_view(gschema *s, const char *name)
{
	for (int i = 0; i < s->nv; i++)
		if (is(s->v[i].name, name))
			return &s->v[i];
	return NULL;
}

static int col_index(const gtable *t, const char *name)
{
	for (int i = 0; i < t->nc; i++)
		if (is(t->c[i].name, name))
			return i;
	return -1;
}

static const gfunc *find_func(const gschema *s, int num)
{
	/* (declared before default_sql) */
	for (int i = 0; i < s->nf; i++)
		if (s->f[i].num == num)
			return &s->f[i];
	return NULL;
}

static int ref_has(const gref *r, const char *name)
{
	for (int i = 0; i < r->n; i++)
		if (is(r->c[i], name))
			return 1;
	return 0;
}

static int ref_eq(const gref *a, const gref *b)
{
	if (a->n != b->n)
		return 0;
	for (int i = 0; i < a->n; i++)
		if (strcmp(a->c[i], b->c[i]))
			return 0;
	return 1;
}

/* A plain column: not generated (identity columns are plain). */
static int plain(const gcol *c)
{
	return c && !c->gen;
}

/* A random plain column of t, or NULL. */
static gcol *pick_plain(gtable *t)
{
	int idx[NC], n = 0;
	for (int i = 0; i < t->nc; i++)
		if (plain(&t->c[i]))
			idx[n++] = i;
	return n ? &t->c[idx[R(n)]] : NULL;
}

/* Up to max distinct plain columns of t, in a random order, into r. */
static void pick_cols(gtable *t, int max, gref *r)
{
	int idx[NC], n = 0;
	for (int i = 0; i < t->nc; i++)
		if (plain(&t->c[i]))
			idx[n++] = i;
	for (int i = n - 1; i > 0; i--) {
		int j = R(i + 1), x = idx[i];
		idx[i] = idx[j];
		idx[j] = x;
	}
	r->n = 0;
	int want = 1 + R(max);
	for (int i = 0; i < n && r->n < want; i++)
		cpy(r->c[r->n++], t->c[idx[i]].name);
}

/* The columns a table or view shows to a view reading it. */
static int rel_cols(const gschema *s, const char *rel, char out[NC][NM])
{
	const gtable *t = find_ctable(s, rel);
	if (t) {
		for (int i = 0; i < t->nc; i++)
			cpy(out[i], t->c[i].name);
		return t->nc;
	}
	for (int i = 0; i < s->nv; i++)
		if (is(s->v[i].name, rel)) {
			for (int j = 0; j < s->v[i].nc; j++)
				cpy(out[j], s->v[i].c[j]);
			return s->v[i].nc;
		}
	return 0;
}

/* The table column behind column col of a table or view (views of views followed). */
static const gcol *base_col(const gschema *s, const char *rel, const char *col)
{
	for (int depth = 0; depth < NV + 1; depth++) {
		const gtable *t = find_ctable(s, rel);
		if (t)
			return find_col(t, col);
		const gview *v = NULL;
		for (int i = 0; i < s->nv && !v; i++)
			if (is(s->v[i].name, rel))
				v = &s->v[i];
		if (!v)
			return NULL;
		rel = v->src;
	}
	return NULL;
}

/* ------------------------------------------------------------------ */
/* Random objects                                                       */
/* ------------------------------------------------------------------ */

/* A new column for table t (generated from one of t's columns now and then). */
static void gen_col(gschema *s, gtable *t, gcol *c)
{
	memset(c, 0, sizeof(*c));
	fresh(s, "c", c->name);
	c->dom = pick_dom(s);
	pick_type(s, c->dom, t->strict, c->type);
	gcol *src = pick_plain(t);
	if (src && (src->dom == DM_NUM || src->dom == DM_TEXT) && one_in(6)) {
		c->gen = 1;
		cpy(c->gsrc, src->name);
		c->gop = R(s->pg ? 3 : 2);
		c->gstored = s->pg || R(2);
		gen_type(s, c, src->dom);
		if (t->strict)
			pick_type(s, c->dom, 1, c->type);
		return;
	}
	c->notnull = one_in(3);
	switch (R(6)) {
	case 0: case 1: c->def = DEF_CONST; break;
	case 2: c->def = DEF_EXPR; break;
	case 3: c->def = s->ns && s->pg ? DEF_SEQ : DEF_NONE; break;
	default: c->def = DEF_NONE;
	}
	c->defv = c->def == DEF_SEQ ? s->s[R(s->ns)].num : R(3);
	for (int i = 0; s->pg && i < s->nf && c->def != DEF_SEQ; i++)
		if (!s->f[i].trig && one_in(3)) {
			c->def = DEF_FUNC;
			c->defv = s->f[i].num;
		}
	if (s->pg && c->dom == DM_NUM && one_in(8)) {
		static const char *const it[] = { "integer", "bigint", "smallint" };
		cpy(c->type, it[R(3)]);
		c->ident = R(2) ? 'a' : 'd';
		c->istart = R(3) ? 1 : 1 + R(50);
		c->iinc = R(3) ? 1 : 1 + R(5);
		c->notnull = 1;
		c->def = DEF_NONE;
	}
	if (collatable(s, c) && one_in(5))
		c->coll = 1 + R(3);
	if (s->pg && one_in(6))
		c->comment = 1 + R(3);
}

/* A key (primary or unique) on t's plain columns. */
static void gen_key(gschema *s, gtable *t, gkey *k, int max)
{
	memset(k, 0, sizeof(*k));
	pick_cols(t, max, &k->r);
	k->on = k->r.n > 0;
	k->named = one_in(3);
	fresh(s, "k", k->name);
	k->inl = k->r.n == 1 && R(2);
	if (s->pg) {
		k->defer = one_in(6) ? 1 + R(2) : 0;
		k->nnd = one_in(6);
	} else {
		k->conflict = one_in(6) ? 1 + R(5) : 0;
	}
}

/* A check on one of t's columns, named or not, at the column or not. */
static void gen_check(gschema *s, gtable *t, gcheck *k)
{
	memset(k, 0, sizeof(*k));
	const gcol *c = &t->c[R(t->nc)];
	cpy(k->col, c->name);
	k->named = R(2);
	fresh(s, "k", k->name);
	k->v = R(4);
	k->inl = R(2);
	k->novalid = s->pg && one_in(8);
	if (one_in(4)) {
		cpy(k->col2, t->c[R(t->nc)].name);
		k->inl = 0;
	}
}

/*
 * A foreign key from t to a table of lower id (or t itself) that has a
 * primary key or unique constraint; its columns are new columns of t
 * with the referenced columns' types (0 when there is no room or no such
 * parent).
 */
static int gen_fk(gschema *s, gtable *t, gfk *f)
{
	int cand[NT], n = 0;
	for (int i = 0; i < s->nt; i++)
		if (s->t[i].id <= t->id && (s->t[i].pk.on || s->t[i].nuq))
			cand[n++] = i;
	if (!n)
		return 0;
	gtable *p = &s->t[cand[R(n)]];
	const gkey *k = p->pk.on && (!p->nuq || R(2)) ? &p->pk : &p->uq[R(p->nuq)];
	if (!k->on || k->defer || t->nc + k->r.n > NC)
		return 0;
	char types[NR][NM];
	for (int i = 0; i < k->r.n; i++) {
		const gcol *pc = find_col(p, k->r.c[i]);
		if (!plain(pc))
			return 0; /* a mutation took the column away; repair() drops the key */
		if (!fk_type(s, pc->dom, t->strict, pc->type, types[i]))
			return 0;
	}
	memset(f, 0, sizeof(*f));
	cpy(f->parent, p->name);
	f->pr = k->r;
	f->r.n = k->r.n;
	for (int i = 0; i < k->r.n; i++) {
		const gcol *pc = find_col(p, k->r.c[i]);
		gcol *c = &t->c[t->nc++];
		memset(c, 0, sizeof(*c));
		fresh(s, "c", c->name);
		c->dom = pc->dom;
		cpy(c->type, types[i]);
		c->notnull = one_in(4);
		cpy(f->r.c[i], c->name);
	}
	f->named = R(2);
	fresh(s, "k", f->name);
	f->ondel = R(4) ? 0 : 1 + R(5);
	f->onupd = R(4) ? 0 : 1 + R(5);
	f->defer = R(3) ? 0 : 1 + R(3);
	f->full = f->r.n > 1 && one_in(3);
	f->inl = f->r.n == 1 && R(2);
	f->novalid = s->pg && one_in(8);
	return 1;
}

/* An index on up to NR of t's columns, with any of the options an index may have. */
static void gen_index(gschema *s, gtable *t, gidx *x)
{
	memset(x, 0, sizeof(*x));
	fresh(s, "i", x->name);
	pick_cols(t, NR, &x->r);
	if (!x->r.n)
		cpy(x->r.c[x->r.n++], t->c[0].name);
	for (int i = 0; i < x->r.n; i++)
		x->desc[i] = one_in(3);
	x->expr = one_in(4) ? 1 + R(s->pg ? 2 : 1) : 0; /* PostgreSQL: 2 calls a function */
	x->unique = one_in(3);
	if (one_in(4))
		cpy(x->where, t->c[R(t->nc)].name);
	if (s->pg) {
		x->method = one_in(5) ? IM_HASH : one_in(3) ? IM_GIN : IM_BTREE;
		if (one_in(4))
			cpy(x->incl, t->c[R(t->nc)].name);
		x->comment = one_in(5) ? 1 + R(3) : 0;
	}
}

/* A trigger on table t (PostgreSQL: needs a trigger function). */
static int gen_trigger(gschema *s, gtable *t, gtrg *g)
{
	memset(g, 0, sizeof(*g));
	fresh(s, "g", g->name);
	g->before = R(2);
	g->v = R(3);
	if (s->pg) {
		int fn[NF], n = 0;
		for (int i = 0; i < s->nf; i++)
			if (s->f[i].trig)
				fn[n++] = s->f[i].num;
		if (!n)
			return 0;
		g->func = fn[R(n)];
		g->row = R(3) > 0;
		do
			g->ev = R(g->row ? 8 : 16);
		while (!g->ev);
	} else {
		static const int ev[] = { EV_INSERT, EV_UPDATE, EV_DELETE };
		g->ev = ev[R(3)];
		g->row = 1;
		if (R(2)) {
			const gtable *o = &s->t[R(s->nt)];
			const gcol *oc = &o->c[R(o->nc)];
			cpy(g->ttab, o->name);
			cpy(g->tcol, oc->name);
		}
	}
	if ((g->ev & EV_UPDATE) && one_in(3))
		cpy(g->ofcol, t->c[R(t->nc)].name);
	if (g->row && !(g->ev & (EV_DELETE | EV_TRUNCATE)) && one_in(3))
		cpy(g->whencol, t->c[R(t->nc)].name);
	return 1;
}

/* A new table, appended to s. */
static gtable *gen_table(gschema *s)
{
	gtable *t = &s->t[s->nt];
	memset(t, 0, sizeof(*t));
	fresh(s, "t", t->name);
	t->id = s->next;
	if (!s->pg)
		t->strict = one_in(6);
	s->nt++;
	int n = 1 + R(5);
	while (t->nc < n)
		gen_col(s, t, &t->c[t->nc++]);
	if (R(5))
		gen_key(s, t, &t->pk, 2);
	if (one_in(3))
		gen_key(s, t, &t->uq[t->nuq++], 2);
	if (one_in(5))
		gen_key(s, t, &t->uq[t->nuq++], 1);
	for (int i = R(3); i > 0; i--)
		gen_check(s, t, &t->ck[t->nck++]);
	if (R(2) && gen_fk(s, t, &t->fk[t->nfk]))
		t->nfk++;
	if (one_in(5) && gen_fk(s, t, &t->fk[t->nfk]))
		t->nfk++;
	for (int i = R(3); i > 0; i--)
		gen_index(s, t, &t->ix[t->nix++]);
	if (one_in(3) && gen_trigger(s, t, &t->tg[t->ntg]))
		t->ntg++;
	if (s->pg) {
		t->comment = one_in(4) ? 1 + R(3) : 0;
		t->fillfactor = one_in(6) ? 50 + 10 * R(5) : 0;
	} else {
		t->without_rowid = t->pk.on && one_in(5);
		if (t->pk.on && t->pk.r.n == 1 && !t->without_rowid && one_in(4)) {
			gcol *c = (gcol *)find_col(t, t->pk.r.c[0]);
			if (c->dom == DM_NUM || c->dom == DM_BOOL) {
				snprintf(c->type, NM, "INTEGER");
				t->autoinc = 1;
			}
		}
	}
	return t;
}

/* A view of a table or of an earlier view. */
static void gen_view(gschema *s)
{
	gview *v = &s->v[s->nv];
	memset(v, 0, sizeof(*v));
	int nsrc = s->nt + s->nv;
	if (!nsrc)
		return;
	int pick = R(nsrc);
	const char *src = pick < s->nt ? s->t[pick].name : s->v[pick - s->nt].name;
	char cols[NC][NM];
	int n = rel_cols(s, src, cols);
	if (!n)
		return;
	fresh(s, "v", v->name);
	v->id = s->next;
	cpy(v->src, src);
	for (int i = 0; i < n; i++)
		if (R(3) || (i == n - 1 && !v->nc))
			cpy(v->c[v->nc++], cols[i]);
	if (one_in(3))
		cpy(v->where, cols[R(n)]);
	if (s->pg) {
		v->mat = one_in(4);
		v->comment = one_in(4) ? 1 + R(3) : 0;
		if (v->mat && R(2)) {
			gidx *x = &v->ix[v->nix++];
			memset(x, 0, sizeof(*x));
			fresh(s, "i", x->name);
			cpy(x->r.c[x->r.n++], v->c[R(v->nc)]);
			x->comment = one_in(4);
		}
	} else if (one_in(5)) {
		gtrg *g = &v->tg[v->ntg++];
		memset(g, 0, sizeof(*g));
		fresh(s, "g", g->name);
		g->ev = EV_INSERT;
		g->row = 1;
		g->v = R(3);
		if (R(2)) {
			const gtable *o = &s->t[R(s->nt)];
			cpy(g->ttab, o->name);
			cpy(g->tcol, o->c[R(o->nc)].name);
		}
	}
	s->nv++;
}

/* An enum type: a0 and a1 (the values rows hold) and a few extra labels anywhere. */
static void gen_enum(gschema *s)
{
	genum *e = &s->e[s->ne++];
	memset(e, 0, sizeof(*e));
	fresh(s, "e", e->name);
	snprintf(e->l[e->nl++], NM, "a0");
	snprintf(e->l[e->nl++], NM, "a1");
	for (int i = R(3); i > 0; i--) {
		int at = R(e->nl + 1);
		memmove(e->l[at + 1], e->l[at], (size_t)(e->nl - at) * NM);
		snprintf(e->l[at], NM, "x%d", ++s->next);
		e->nl++;
	}
	e->comment = one_in(4) ? 1 + R(3) : 0;
}

/* A sequence: its type, increment (descending too), start, cache, cycle. */
static void gen_seq(gschema *s)
{
	gseq *q = &s->s[s->ns++];
	memset(q, 0, sizeof(*q));
	fresh(s, "s", q->name);
	q->num = s->next;
	q->as = R(3);
	q->inc = R(3) ? 1 : one_in(2) ? -1 : 2 + R(3);
	q->start = R(2) ? 0 : 1 + R(90);
	q->cache = R(3) ? 1 : 1 + R(20);
	q->cycle = one_in(5);
}

/* A function: a trigger function (plpgsql) or a scalar SQL one, x + v. */
static void gen_func(gschema *s, int trig)
{
	gfunc *f = &s->f[s->nf++];
	memset(f, 0, sizeof(*f));
	fresh(s, "f", f->name);
	f->num = s->next;
	f->trig = trig;
	f->v = R(4);
	f->big = one_in(3);
	f->bigarg = one_in(4);
	f->atomic = one_in(3);
	f->comment = one_in(4) ? 1 + R(3) : 0;
}

/* Schema A: a few of everything. */
static void gen_schema(gschema *s, int pg)
{
	memset(s, 0, sizeof(*s));
	s->pg = pg;
	if (pg) {
		for (int i = R(3); i > 0; i--)
			gen_enum(s);
		for (int i = R(3); i > 0; i--)
			gen_seq(s);
		for (int i = R(3); i > 0; i--)
			gen_func(s, 1);
		if (R(2))
			gen_func(s, 0);
	}
	for (int i = 2 + R(3); i > 0; i--)
		gen_table(s);
	for (int i = R(4); i > 0; i--)
		gen_view(s);
	if (pg)
		for (int i = 0; i < s->ns; i++)
			if (one_in(3)) {
				const gtable *t = &s->t[R(s->nt)];
				cpy(s->s[i].otab, t->name);
				cpy(s->s[i].ocol, t->c[R(t->nc)].name);
			}
}

/* ------------------------------------------------------------------ */
/* Keeping a schema valid                                               */
/* ------------------------------------------------------------------ */

/* Do all of r's columns exist in t as plain columns? */
static int ref_plain(const gtable *t, const gref *r)
{
	for (int i = 0; i < r->n; i++)
		if (!plain(find_col(t, r->c[i])))
			return 0;
	return r->n > 0;
}

/*
 * Is r exactly the primary key or a unique constraint of t, one a foreign
 * key may reference (PostgreSQL: not deferrable)?
 */
static int is_key_of(const gtable *t, const gref *r)
{
	if (t->pk.on && !t->pk.defer && ref_eq(&t->pk.r, r))
		return 1;
	for (int i = 0; i < t->nuq; i++)
		if (!t->uq[i].defer && ref_eq(&t->uq[i].r, r))
			return 1;
	return 0;
}

/* Clear name unless it is a column of t. */
static int keep_col(const gtable *t, char *name)
{
	if (!*name || find_col(t, name))
		return 0;
	*name = '\0';
	return 1;
}

/* Columns: what each kind of column needs (types, identity, defaults). */
static int repair_columns(gschema *s, gtable *t)
{
	int changed = 0;
	for (int i = 0; i < t->nc; i++) {
		gcol *c = &t->c[i];
		if (c->gen) {
			const gcol *src = find_col(t, c->gsrc);
			if (!plain(src) || (src->dom != DM_NUM && src->dom != DM_TEXT)) {
				DEL(t->c, t->nc, i);
				return 1;
			}
			c->ident = 0;
			c->def = DEF_NONE;
			c->notnull = 0;
			/*
			 * PostgreSQL adds columns at the end only: a generated
			 * column declared before the column it reads cannot be
			 * reached when both must be added, and the diff says so
			 * (check_generated_order).  Keep it after its source.
			 */
			int at = col_index(t, c->gsrc);
			if (s->pg && at > i) {
				gcol g = *c;
				DEL(t->c, t->nc, i);
				memmove(&t->c[at + 1], &t->c[at], (size_t)(t->nc - at) * sizeof(gcol));
				t->c[at] = g;
				t->nc++;
				return 1;
			}
		}
		if (!type_ok(s, c->dom, c->type, t->strict)) {
			if (c->gen && s->pg)
				gen_type(s, c, c->dom);
			else
				pick_type(s, c->dom, t->strict, c->type);
			if (c->dom == DM_ENUM && !type_ok(s, c->dom, c->type, t->strict))
				snprintf(c->type, NM, "text");
			changed = 1;
		}
		if (c->ident && !pg_intish(c->type))
			c->ident = 0;
		if (c->ident) {
			c->notnull = 1;
			c->def = DEF_NONE;
		}
		if (c->def == DEF_SEQ && !find_seq(s, c->defv))
			c->def = DEF_CONST;
		if (c->def == DEF_FUNC && (!find_func(s, c->defv) || find_func(s, c->defv)->trig))
			c->def = DEF_CONST;
		if (c->coll && !collatable(s, c))
			c->coll = 0;
	}
	return changed;
}

/* Keys, checks, foreign keys, indexes and triggers on what exists. */
static int repair_constraints(gschema *s, gtable *t)
{
	int changed = 0;
	if (t->pk.on && !ref_plain(t, &t->pk.r)) {
		t->pk.on = 0;
		changed = 1;
	}
	for (int i = t->nuq - 1; i >= 0; i--)
		if (!ref_plain(t, &t->uq[i].r)) {
			DEL(t->uq, t->nuq, i);
			changed = 1;
		}
	for (int i = t->nck - 1; i >= 0; i--) {
		if (!find_col(t, t->ck[i].col)) {
			DEL(t->ck, t->nck, i);
			changed = 1;
			continue;
		}
		changed |= keep_col(t, t->ck[i].col2);
	}
	for (int i = t->nfk - 1; i >= 0; i--) {
		gfk *f = &t->fk[i];
		const gtable *p = find_ctable(s, f->parent);
		int ok = p && p->id <= t->id && ref_plain(t, &f->r) && is_key_of(p, &f->pr);
		for (int j = 0; ok && j < f->r.n; j++) {
			const gcol *c = find_col(t, f->r.c[j]), *pc = find_col(p, f->pr.c[j]);
			ok = c->dom == pc->dom && fk_types_ok(s, c->type, pc->type);
		}
		if (!ok) {
			DEL(t->fk, t->nfk, i);
			changed = 1;
		}
	}
	for (int i = t->nix - 1; i >= 0; i--) {
		gidx *x = &t->ix[i];
		int ok = 1;
		for (int j = 0; j < x->r.n; j++)
			ok = ok && find_col(t, x->r.c[j]);
		if (!ok) {
			DEL(t->ix, t->nix, i);
			changed = 1;
			continue;
		}
		changed |= keep_col(t, x->where);
		changed |= keep_col(t, x->incl);
		if (*x->incl && ref_has(&x->r, x->incl))
			x->incl[0] = '\0';
	}
	for (int i = t->ntg - 1; i >= 0; i--) {
		gtrg *g = &t->tg[i];
		if (s->pg && !find_func(s, g->func)) {
			DEL(t->tg, t->ntg, i);
			changed = 1;
			continue;
		}
		changed |= keep_col(t, g->ofcol);
		changed |= keep_col(t, g->whencol);
		/* PostgreSQL: a BEFORE trigger's WHEN may not read NEW generated columns */
		if (s->pg && g->before && *g->whencol && !plain(find_col(t, g->whencol))) {
			g->whencol[0] = '\0';
			changed = 1;
		}
		const gtable *o = *g->ttab ? find_ctable(s, g->ttab) : NULL;
		if (*g->ttab && (!o || !plain(find_col(o, g->tcol)))) {
			g->ttab[0] = g->tcol[0] = '\0';
			changed = 1;
		}
	}
	return changed;
}

/*
 * SQLite table kinds: WITHOUT ROWID needs a key, AUTOINCREMENT an INTEGER
 * PRIMARY KEY; two keys on the same columns may not have different ON
 * CONFLICT clauses (SQLite makes them one index).
 */
static void repair_kind(gtable *t)
{
	for (int i = 0; i < t->nuq; i++) {
		int same = t->pk.on && ref_eq(&t->pk.r, &t->uq[i].r);
		for (int j = 0; j < i && !same; j++)
			same = ref_eq(&t->uq[j].r, &t->uq[i].r);
		if (same)
			t->uq[i].conflict = 0;
	}
	if (!t->pk.on)
		t->without_rowid = 0;
	if (t->autoinc) {
		const gcol *c = t->pk.on && t->pk.r.n == 1 ? find_col(t, t->pk.r.c[0]) : NULL;
		if (!c || !is(c->type, "INTEGER") || t->without_rowid)
			t->autoinc = 0;
		else
			t->pk.inl = 1;
	}
}

/* Views: of what exists, with columns their source has. */
static int repair_views(gschema *s)
{
	for (int i = 0; i < s->nv; i++) {
		gview *v = &s->v[i];
		const gtable *t = find_ctable(s, v->src);
		const gview *w = t ? NULL : find_view(s, v->src);
		if ((!t && !w) || (w && w->id >= v->id)) {
			DEL(s->v, s->nv, i);
			return 1;
		}
		char cols[NC][NM];
		int n = rel_cols(s, v->src, cols), kept = 0;
		for (int j = 0; j < v->nc; j++) {
			int found = 0;
			for (int k = 0; k < n && !found; k++)
				found = is(cols[k], v->c[j]);
			if (found)
				memmove(v->c[kept++], v->c[j], NM);
		}
		int changed = kept != v->nc;
		v->nc = kept;
		if (!kept) {
			DEL(s->v, s->nv, i);
			return 1;
		}
		int where_ok = !*v->where;
		for (int k = 0; k < n && !where_ok; k++)
			where_ok = is(cols[k], v->where);
		if (!where_ok)
			v->where[0] = '\0';
		if (!v->mat)
			v->nix = 0;
		for (int j = v->nix - 1; j >= 0; j--) {
			int found = 0;
			for (int k = 0; k < v->nc && !found; k++)
				found = is(v->c[k], v->ix[j].r.c[0]);
			if (!found)
				DEL(v->ix, v->nix, j);
		}
		for (int j = 0; j < v->ntg; j++) {
			gtrg *g = &v->tg[j];
			const gtable *o = *g->ttab ? find_ctable(s, g->ttab) : NULL;
			if (*g->ttab && (!o || !plain(find_col(o, g->tcol))))
				g->ttab[0] = g->tcol[0] = '\0';
		}
		if (changed)
			return 1;
	}
	return 0;
}

/* Make s a schema the database accepts after mutations removed things. */
static void repair(gschema *s)
{
	for (int pass = 0; pass < 50; pass++) {
		int changed = 0;
		for (int i = 0; i < s->nt; i++) {
			gtable *t = &s->t[i];
			int plains = 0;
			for (int j = 0; j < t->nc; j++)
				plains += plain(&t->c[j]);
			if (!plains) {
				DEL(s->t, s->nt, i);
				changed = 1;
				break;
			}
			changed |= repair_columns(s, t);
			changed |= repair_constraints(s, t);
			repair_kind(t);
		}
		changed |= repair_views(s);
		for (int i = 0; i < s->ns; i++) {
			gseq *q = &s->s[i];
			const gtable *t = *q->otab ? find_ctable(s, q->otab) : NULL;
			if (*q->otab && (!t || !find_col(t, q->ocol)))
				q->otab[0] = q->ocol[0] = '\0';
		}
		if (!changed)
			return;
	}
}

/*
 * Does column name of table t keep its rows' values from a to b: plain on
 * both sides (values the generator wrote, converted by type changes)?
 */
static int kept(const gschema *a, const gschema *b, const char *table, const char *name)
{
	const gtable *ta = find_ctable(a, table), *tb = find_ctable(b, table);
	if (!ta || !tb)
		return 0;
	const gcol *x = find_col(ta, name), *y = find_col(tb, name);
	return plain(x) && plain(y);
}

/* Are all of r's columns kept (see kept())? */
static int ref_kept(const gschema *a, const gschema *b, const char *table, const gref *r)
{
	for (int i = 0; i < r->n; i++)
		if (!kept(a, b, table, r->c[i]))
			return 0;
	return 1;
}

/*
 * Do the columns of foreign key f (of table t) pair up on the other side
 * o as a foreign key's would (same type; SQLite: same affinity)?  The
 * rows pass through o's types: through REAL a 0 comes back as '0.0'.
 */
static int fk_types_kept(const gschema *o, const char *table, const gfk *f)
{
	const gtable *t = find_ctable(o, table), *p = find_ctable(o, f->parent);
	for (int i = 0; i < f->r.n; i++) {
		const gcol *c = t ? find_col(t, f->r.c[i]) : NULL, *pc = p ? find_col(p, f->pr.c[i]) : NULL;
		if (!c || !pc || !fk_types_ok(o, c->type, pc->type))
			return 0;
	}
	return 1;
}

/* Are all of r's columns new to this side (not in other), nullable and without a default? */
static int ref_null(const gtable *t, const gtable *other, const gref *r)
{
	for (int i = 0; i < r->n; i++) {
		const gcol *c = find_col(t, r->c[i]);
		if (find_col(other, r->c[i]) || c->def || c->ident || c->notnull)
			return 0;
	}
	return 1;
}

/*
 * Keep the rows valid on side s of the pair (o is the other side): the
 * tables both have hold A's two rows.  Unique keys only on columns
 * whose values are kept (a column added with a default has the same
 * value twice); foreign keys whose rows find their parents; a column
 * that one side adds to a table with rows is nullable or has a default.
 */
static int fix_side(gschema *s, const gschema *o, const gschema *a, const gschema *b)
{
	int changed = 0;
	for (int i = 0; i < s->nt; i++) {
		gtable *t = &s->t[i];
		const gtable *ot = find_ctable(o, t->name);
		if (!ot)
			continue;
		if (t->pk.on && !ref_kept(a, b, t->name, &t->pk.r)) {
			t->pk.on = 0;
			changed = 1;
		}
		for (int j = t->nuq - 1; j >= 0; j--)
			if (!ref_kept(a, b, t->name, &t->uq[j].r)) {
				DEL(t->uq, t->nuq, j);
				changed = 1;
			}
		for (int j = t->nix - 1; j >= 0; j--)
			if (t->ix[j].unique && !ref_kept(a, b, t->name, &t->ix[j].r)) {
				t->ix[j].unique = 0;
				changed = 1;
			}
		for (int j = t->nfk - 1; j >= 0; j--) {
			const gfk *f = &t->fk[j];
			int ok = (ref_kept(a, b, t->name, &f->r) && find_ctable(o, f->parent) &&
				  ref_kept(a, b, f->parent, &f->pr) && fk_types_kept(o, t->name, f)) ||
				 ref_null(t, ot, &f->r);
			if (!ok) {
				DEL(t->fk, t->nfk, j);
				changed = 1;
			}
		}
		for (int j = 0; j < t->nc; j++) {
			gcol *c = &t->c[j];
			const gcol *oc = find_col(ot, c->name);
			if (plain(c) && !c->ident && !kept(a, b, t->name, c->name) && c->notnull &&
			    c->def == DEF_NONE) {
				c->def = DEF_CONST;
				changed = 1;
			}
			/*
			 * SQLite: a generated column becoming plain keeps its
			 * values; a STRICT table takes them only in their own
			 * type (a REAL 2.0 does not go into an INTEGER column).
			 */
			if (!s->pg && t->strict && plain(c) && oc && oc->gen && !is(c->type, oc->type) &&
			    type_ok(s, c->dom, oc->type, 1)) {
				cpy(c->type, oc->type);
				changed = 1;
			}
		}
	}
	return changed;
}

/* Both sides valid, and valid for the rows A holds; until nothing changes. */
static void pair_fix(gschema *a, gschema *b)
{
	for (int pass = 0; pass < 50; pass++) {
		repair(a);
		repair(b);
		int changed = fix_side(a, b, a, b);
		changed |= fix_side(b, a, a, b);
		if (!changed)
			return;
	}
}

/* ------------------------------------------------------------------ */
/* Mutations: B from A                                                  */
/* ------------------------------------------------------------------ */

static gtable *any_table(gschema *s)
{
	return s->nt ? &s->t[R(s->nt)] : NULL;
}

/* The columns tied to t.col by foreign keys, either way, transitively. */
typedef struct colset {
	gtable *t[NT * NC];
	int c[NT * NC];
	int n;
} colset;

static int colset_has(const colset *cs, const gtable *t, int c)
{
	for (int i = 0; i < cs->n; i++)
		if (cs->t[i] == t && cs->c[i] == c)
			return 1;
	return 0;
}

/* Add t.c and, through every foreign key it is part of, its partners. */
static void fk_closure(gschema *s, gtable *t, int c, colset *cs)
{
	if (colset_has(cs, t, c) || cs->n >= NT * NC)
		return;
	cs->t[cs->n] = t;
	cs->c[cs->n++] = c;
	for (int i = 0; i < s->nt; i++) {
		gtable *x = &s->t[i];
		for (int j = 0; j < x->nfk; j++) {
			gfk *f = &x->fk[j];
			for (int k = 0; k < f->r.n; k++) {
				int child = x == t && is(f->r.c[k], t->c[c].name);
				int parent = is(f->parent, t->name) && is(f->pr.c[k], t->c[c].name);
				gtable *p = find_table(s, f->parent);
				if (child && p && col_index(p, f->pr.c[k]) >= 0)
					fk_closure(s, p, col_index(p, f->pr.c[k]), cs);
				if (parent && col_index(x, f->r.c[k]) >= 0)
					fk_closure(s, x, col_index(x, f->r.c[k]), cs);
			}
		}
	}
}

/* Change a column's type (within its domain); on PostgreSQL its foreign-key partners follow. */
static int m_type(gschema *s)
{
	gtable *t = any_table(s);
	if (!t)
		return 0;
	int i = R(t->nc);
	gcol *c = &t->c[i];
	if (c->gen) {
		if (s->pg)
			gen_type(s, c, c->dom);
		else
			pick_type(s, c->dom, t->strict, c->type);
		return 1;
	}
	char type[NM];
	colset cs = { .n = 0 };
	fk_closure(s, t, i, &cs);
	int ident = 0;
	for (int k = 0; k < cs.n; k++)
		ident |= cs.t[k]->c[cs.c[k]].ident;
	for (int tries = 0; tries < 10; tries++) {
		pick_type(s, c->dom, t->strict, type);
		if (ident && !pg_intish(type))
			continue;
		if (!is(type, c->type))
			break;
	}
	for (int k = 0; k < cs.n; k++) {
		gcol *x = &cs.t[k]->c[cs.c[k]];
		char other[NM];
		if (fk_type(s, x->dom, cs.t[k]->strict, type, other))
			cpy(x->type, other);
	}
	return 1;
}

/* A new column, at the end or anywhere. */
static int m_add_col(gschema *s)
{
	gtable *t = any_table(s);
	if (!t || t->nc >= NC)
		return 0;
	gcol c;
	gen_col(s, t, &c);
	int at = R(3) ? t->nc : R(t->nc + 1);
	memmove(&t->c[at + 1], &t->c[at], (size_t)(t->nc - at) * sizeof(gcol));
	t->c[at] = c;
	t->nc++;
	return 1;
}

/* A column goes (what uses it goes too, in repair()). */
static int m_drop_col(gschema *s)
{
	gtable *t = any_table(s);
	if (!t || t->nc < 2)
		return 0;
	DEL(t->c, t->nc, R(t->nc));
	return 1;
}

/* A column moves: the column order changes. */
static int m_move_col(gschema *s)
{
	gtable *t = any_table(s);
	if (!t || t->nc < 2)
		return 0;
	int from = R(t->nc), to = R(t->nc);
	if (from == to)
		return 0;
	gcol c = t->c[from];
	DEL(t->c, t->nc, from);
	memmove(&t->c[to + 1], &t->c[to], (size_t)(t->nc - to) * sizeof(gcol));
	t->c[to] = c;
	t->nc++;
	return 1;
}

/* Nullability, default, collation, comment, identity or generation of a column. */
static int m_col_attr(gschema *s)
{
	gtable *t = any_table(s);
	if (!t)
		return 0;
	gcol *c = &t->c[R(t->nc)];
	switch (R(s->pg ? 8 : 5)) {
	case 0:
		c->notnull = !c->notnull;
		return 1;
	case 1:
		c->def = R(3);
		c->defv = R(3);
		if (s->pg && s->ns && one_in(3)) {
			c->def = DEF_SEQ;
			c->defv = s->s[R(s->ns)].num;
		}
		for (int i = 0; s->pg && i < s->nf; i++)
			if (!s->f[i].trig && one_in(2)) {
				c->def = DEF_FUNC;
				c->defv = s->f[i].num;
			}
		return 1;
	case 2:
		c->coll = collatable(s, c) ? (c->coll + 1 + R(3)) % 4 : 0;
		return 1;
	case 3:
		if (c->gen) {
			if (s->pg || R(2))
				c->gop = (c->gop + 1) % (s->pg ? 3 : 2);
			else
				c->gstored = !c->gstored;
			return 1;
		} else {
			/*
			 * plain -> generated, keeping the column's domain: the
			 * way back keeps the generated values, which must
			 * convert to the plain column's type.
			 */
			gcol *src = pick_plain(t);
			if (!src || src == c || (src->dom != DM_NUM && src->dom != DM_TEXT) ||
			    src->dom != c->dom)
				return 0;
			c->gen = 1;
			cpy(c->gsrc, src->name);
			c->gop = R(s->pg ? 3 : 2);
			c->gstored = s->pg || R(2);
			gen_type(s, c, src->dom);
			return 1;
		}
	case 4:
		if (!c->gen)
			return 0;
		c->gen = 0; /* generated -> plain */
		return 1;
	case 5:
		c->comment = (c->comment + 1 + R(3)) % 4;
		return 1;
	case 6:
		if (c->gen || c->dom != DM_NUM)
			return 0;
		if (c->ident) {
			if (one_in(3))
				c->ident = 0;
			else if (R(2))
				c->ident = c->ident == 'a' ? 'd' : 'a';
			else {
				c->istart = 1 + R(50);
				c->iinc = 1 + R(4);
			}
			return 1;
		}
		if (!pg_intish(c->type))
			return 0;
		c->ident = R(2) ? 'a' : 'd';
		c->istart = R(2) ? 1 : 1 + R(50);
		c->iinc = R(2) ? 1 : 1 + R(4);
		c->notnull = 1;
		c->def = DEF_NONE;
		return 1;
	default:
		return m_type(s);
	}
}

/* The primary key: dropped, made anew, renamed, its options. */
static int m_pk(gschema *s)
{
	gtable *t = any_table(s);
	if (!t)
		return 0;
	switch (R(4)) {
	case 0:
		if (!t->pk.on)
			return 0;
		t->pk.on = 0;
		return 1;
	case 1:
		gen_key(s, t, &t->pk, 2);
		return t->pk.on;
	case 2:
		if (!t->pk.on)
			return 0;
		t->pk.named = !t->pk.named;
		fresh(s, "k", t->pk.name);
		return 1;
	default:
		if (!t->pk.on)
			return 0;
		if (s->pg)
			t->pk.defer = (t->pk.defer + 1) % 3;
		else
			t->pk.conflict = (t->pk.conflict + 1 + R(5)) % 6;
		return 1;
	}
}

/* A unique constraint: added, dropped, renamed, its options. */
static int m_unique(gschema *s)
{
	gtable *t = any_table(s);
	if (!t)
		return 0;
	if (t->nuq && R(2)) {
		gkey *k = &t->uq[R(t->nuq)];
		switch (R(3)) {
		case 0: DEL(t->uq, t->nuq, (int)(k - t->uq)); return 1;
		case 1: k->named = !k->named; fresh(s, "k", k->name); return 1;
		default:
			if (s->pg)
				k->nnd = !k->nnd;
			else
				k->conflict = (k->conflict + 1 + R(5)) % 6;
			return 1;
		}
	}
	if (t->nuq >= NU)
		return 0;
	gen_key(s, t, &t->uq[t->nuq], 2);
	if (!t->uq[t->nuq].on)
		return 0;
	t->nuq++;
	return 1;
}

/* A check: added, dropped, another expression, renamed. */
static int m_check(gschema *s)
{
	gtable *t = any_table(s);
	if (!t)
		return 0;
	if (t->nck && R(2)) {
		gcheck *k = &t->ck[R(t->nck)];
		switch (R(3)) {
		case 0: DEL(t->ck, t->nck, (int)(k - t->ck)); return 1;
		case 1: k->v = (k->v + 1) % 4; return 1;
		default: k->named = !k->named; fresh(s, "k", k->name); return 1;
		}
	}
	if (t->nck >= NCK)
		return 0;
	gen_check(s, t, &t->ck[t->nck++]);
	return 1;
}

/* A foreign key: added, dropped, its actions, deferrability, match, name. */
static int m_fk(gschema *s)
{
	gtable *t = any_table(s);
	if (!t)
		return 0;
	if (t->nfk && R(2)) {
		gfk *f = &t->fk[R(t->nfk)];
		switch (R(5)) {
		case 0: DEL(t->fk, t->nfk, (int)(f - t->fk)); return 1;
		case 1: f->ondel = R(6); f->onupd = R(6); return 1;
		case 2: f->defer = (f->defer + 1 + R(3)) % 4; return 1;
		case 3: f->full = f->r.n > 1 && !f->full; return 1;
		default: f->named = !f->named; fresh(s, "k", f->name); return 1;
		}
	}
	if (t->nfk >= NFK || !gen_fk(s, t, &t->fk[t->nfk]))
		return 0;
	t->nfk++;
	return 1;
}

/* An index: added, dropped, or one of its options changed. */
static int m_index(gschema *s)
{
	gtable *t = any_table(s);
	if (!t)
		return 0;
	if (t->nix && R(3)) {
		gidx *x = &t->ix[R(t->nix)];
		switch (R(s->pg ? 9 : 6)) {
		case 0: DEL(t->ix, t->nix, (int)(x - t->ix)); return 1;
		case 1: x->unique = !x->unique; return 1;
		case 2: x->desc[R(x->r.n)] ^= 1; return 1;
		case 3: x->expr = (x->expr + 1) % (s->pg ? 3 : 2); return 1;
		case 4:
			if (*x->where)
				x->where[0] = '\0';
			else
				cpy(x->where, t->c[R(t->nc)].name);
			return 1;
		case 5: {
			gidx y;
			gen_index(s, t, &y);
			x->r = y.r; /* other columns, same name */
			return 1;
		}
		case 6: x->method = R(3); return 1;
		case 7:
			if (*x->incl)
				x->incl[0] = '\0';
			else
				cpy(x->incl, t->c[R(t->nc)].name);
			return 1;
		default: x->comment = (x->comment + 1 + R(2)) % 3; return 1;
		}
	}
	if (t->nix >= NI)
		return 0;
	gen_index(s, t, &t->ix[t->nix++]);
	return 1;
}

/* A trigger: added, dropped, its body, timing or events. */
static int m_trigger(gschema *s)
{
	gtable *t = any_table(s);
	if (!t)
		return 0;
	if (t->ntg && R(2)) {
		gtrg *g = &t->tg[R(t->ntg)];
		switch (R(4)) {
		case 0: DEL(t->tg, t->ntg, (int)(g - t->tg)); return 1;
		case 1: g->v = (g->v + 1) % 3; return 1;
		case 2: g->before = !g->before; return 1;
		default: {
			gtrg y;
			if (!gen_trigger(s, t, &y))
				return 0;
			memcpy(y.name, g->name, NM);
			*g = y;
			return 1;
		}
		}
	}
	if (t->ntg >= NTG || !gen_trigger(s, t, &t->tg[t->ntg]))
		return 0;
	t->ntg++;
	return 1;
}

/* A table added or dropped. */
static int m_table(gschema *s)
{
	if (R(2) && s->nt < NT) {
		gen_table(s);
		return 1;
	}
	if (s->nt < 2)
		return 0;
	DEL(s->t, s->nt, R(s->nt));
	return 1;
}

/* Table kinds: SQLite's WITHOUT ROWID, STRICT, AUTOINCREMENT; PostgreSQL's comment and fillfactor. */
static int m_table_attr(gschema *s)
{
	gtable *t = any_table(s);
	if (!t)
		return 0;
	if (s->pg) {
		if (R(2))
			t->comment = (t->comment + 1 + R(3)) % 4;
		else
			t->fillfactor = t->fillfactor ? 0 : 50 + 10 * R(5);
		return 1;
	}
	switch (R(3)) {
	case 0:
		t->without_rowid = !t->without_rowid && t->pk.on;
		return 1;
	case 1:
		t->strict = !t->strict;
		return 1;
	default:
		if (t->autoinc) {
			t->autoinc = 0;
			return 1;
		}
		if (!t->pk.on || t->pk.r.n != 1 || t->without_rowid)
			return 0;
		gcol *c = (gcol *)find_col(t, t->pk.r.c[0]);
		if (c->dom != DM_NUM && c->dom != DM_BOOL)
			return 0;
		snprintf(c->type, NM, "INTEGER");
		t->autoinc = 1;
		return 1;
	}
}

/* A view: added, dropped, its columns, filter, kind, comment, indexes. */
static int m_view(gschema *s)
{
	if (!s->nv || one_in(3)) {
		if (s->nv >= NV)
			return 0;
		gen_view(s);
		return 1;
	}
	gview *v = &s->v[R(s->nv)];
	switch (R(s->pg ? 7 : 5)) {
	case 0:
		DEL(s->v, s->nv, (int)(v - s->v));
		return 1;
	case 1: {
		char cols[NC][NM];
		int n = rel_cols(s, v->src, cols);
		if (n && v->nc < NC)
			cpy(v->c[v->nc++], cols[R(n)]);
		for (int i = 0; i < v->nc; i++)
			for (int j = i + 1; j < v->nc; j++)
				if (is(v->c[i], v->c[j])) {
					DEL(v->c, v->nc, j);
					j--;
				}
		return 1;
	}
	case 2:
		if (v->nc < 2)
			return 0;
		DEL(v->c, v->nc, R(v->nc));
		return 1;
	case 3:
		if (*v->where)
			v->where[0] = '\0';
		else if (v->nc)
			cpy(v->where, v->c[R(v->nc)]);
		return 1;
	case 4:
		if (s->pg)
			v->mat = !v->mat;
		else
			v->ntg = 0;
		return 1;
	case 5:
		v->comment = (v->comment + 1 + R(3)) % 4;
		return 1;
	default:
		if (!v->mat)
			return 0;
		if (v->nix) {
			v->nix--;
			return 1;
		}
		gidx *x = &v->ix[v->nix++];
		memset(x, 0, sizeof(*x));
		fresh(s, "i", x->name);
		cpy(x->r.c[x->r.n++], v->c[R(v->nc)]);
		x->unique = one_in(3);
		return 1;
	}
}

/* A sequence: added, dropped, its options or owner. */
static int m_seq(gschema *s)
{
	if (!s->ns || one_in(4)) {
		if (s->ns >= NSQ)
			return 0;
		gen_seq(s);
		return 1;
	}
	gseq *q = &s->s[R(s->ns)];
	switch (R(6)) {
	case 0: DEL(s->s, s->ns, (int)(q - s->s)); return 1;
	case 1: q->as = (q->as + 1 + R(2)) % 3; return 1;
	case 2: q->inc = q->inc == 1 ? (R(2) ? -1 : 3) : 1; return 1;
	case 3: q->cache = q->cache == 1 ? 10 : 1; q->cycle = !q->cycle; return 1;
	case 4: q->start = R(2) ? 0 : 1 + R(90); return 1;
	default: {
		if (*q->otab) {
			q->otab[0] = q->ocol[0] = '\0';
			return 1;
		}
		const gtable *t = any_table(s);
		if (!t)
			return 0;
		cpy(q->otab, t->name);
		cpy(q->ocol, t->c[R(t->nc)].name);
		return 1;
	}
	}
}

/* An enum type: added, dropped, a label added, removed or moved, its comment. */
static int m_enum(gschema *s)
{
	if (!s->ne || one_in(5)) {
		if (s->ne >= NE)
			return 0;
		gen_enum(s);
		return 1;
	}
	genum *e = &s->e[R(s->ne)];
	switch (R(6)) {
	case 0:
		DEL(s->e, s->ne, (int)(e - s->e)); /* its columns become text (repair) */
		return 1;
	case 1:
	case 2: {
		if (e->nl >= NL)
			return 0;
		int at = R(3) ? e->nl : R(e->nl + 1);
		memmove(e->l[at + 1], e->l[at], (size_t)(e->nl - at) * NM);
		snprintf(e->l[at], NM, "x%d", ++s->next);
		e->nl++;
		return 1;
	}
	case 3:
		for (int i = 0; i < e->nl; i++)
			if (e->l[i][0] == 'x') {
				memmove(e->l[i], e->l[i + 1], (size_t)(e->nl - i - 1) * NM);
				e->nl--;
				return 1;
			}
		return 0;
	case 4: {
		int i = R(e->nl), j = R(e->nl);
		if (i == j)
			return 0;
		char tmp[NM];
		memcpy(tmp, e->l[i], NM);
		memcpy(e->l[i], e->l[j], NM);
		memcpy(e->l[j], tmp, NM);
		return 1;
	}
	default:
		e->comment = (e->comment + 1 + R(3)) % 4;
		return 1;
	}
}

/* A function: added, dropped, its body, comment, result or argument type. */
static int m_func(gschema *s)
{
	if (!s->nf || one_in(4)) {
		if (s->nf >= NF)
			return 0;
		gen_func(s, R(3) > 0);
		return 1;
	}
	gfunc *f = &s->f[R(s->nf)];
	switch (R(6)) {
	case 0: DEL(s->f, s->nf, (int)(f - s->f)); return 1;
	case 1: f->v = (f->v + 1) % 4; return 1;
	case 2: f->comment = (f->comment + 1 + R(3)) % 4; return 1;
	case 3: f->big = !f->big; return !f->trig;
	case 4: f->bigarg = !f->bigarg; return !f->trig;
	default: f->atomic = !f->atomic; return !f->trig;
	}
}

/* One random change to s; 1 when something changed. */
static int mutate(gschema *s)
{
	typedef int (*mut)(gschema *);
	static const mut common[] = { m_type, m_type, m_add_col, m_add_col, m_drop_col, m_move_col,
				      m_col_attr, m_col_attr, m_col_attr, m_pk, m_unique, m_check,
				      m_fk, m_fk, m_index, m_index, m_trigger, m_table, m_table,
				      m_table_attr, m_view, m_view };
	static const mut pg_only[] = { m_seq, m_enum, m_enum, m_func };
	int n = (int)(sizeof(common) / sizeof(common[0]));
	int np = s->pg ? (int)(sizeof(pg_only) / sizeof(pg_only[0])) : 0;
	int i = R(n + np);
	return i < n ? common[i](s) : pg_only[i - n](s);
}

/* ------------------------------------------------------------------ */
/* Writing a schema as SQL                                              */
/* ------------------------------------------------------------------ */

static void ref_sql(strbuf *sb, const gref *r)
{
	strbuf_adds(sb, "(");
	for (int i = 0; i < r->n; i++) {
		if (i)
			strbuf_adds(sb, ", ");
		Q(sb, r->c[i]);
	}
	strbuf_adds(sb, ")");
}

/* Comment variant v as a literal (quotes inside, to be quoted right). */
static void comment_text(strbuf *sb, int v)
{
	static const char *const text[] = { "", "'a comment'", "'it''s another'", "'third, with \"quotes\"'" };
	strbuf_adds(sb, text[v & 3]);
}

/* PostgreSQL: NULLS NOT DISTINCT of a unique constraint, before its columns. */
static void key_tail(strbuf *sb, const gkey *k)
{
	if (k->nnd)
		strbuf_adds(sb, " NULLS NOT DISTINCT");
}

/* PRIMARY KEY or UNIQUE with its options, after the column list (or at the column). */
static void key_opts(strbuf *sb, const gschema *s, const gkey *k)
{
	if (!s->pg && k->conflict)
		strbuf_addf(sb, " ON CONFLICT %s", sq_conflicts[k->conflict]);
	if (s->pg && k->defer)
		strbuf_adds(sb, k->defer == 2 ? " DEFERRABLE INITIALLY DEFERRED" : " DEFERRABLE");
}

/* CONSTRAINT name, for a named constraint. */
static void named(strbuf *sb, int isnamed, const char *name)
{
	if (!isnamed)
		return;
	strbuf_adds(sb, "CONSTRAINT ");
	Q(sb, name);
	strbuf_adds(sb, " ");
}

/* A foreign key from REFERENCES on (FOREIGN KEY (...) first unless at the column). */
static void fk_body(strbuf *sb, const gfk *f, int inl)
{
	if (!inl) {
		strbuf_adds(sb, "FOREIGN KEY ");
		ref_sql(sb, &f->r);
		strbuf_adds(sb, " ");
	}
	strbuf_adds(sb, "REFERENCES ");
	Q(sb, f->parent);
	strbuf_adds(sb, " ");
	ref_sql(sb, &f->pr);
	if (f->full)
		strbuf_adds(sb, " MATCH FULL");
	if (f->ondel)
		strbuf_addf(sb, " ON DELETE %s", fk_actions[f->ondel]);
	if (f->onupd)
		strbuf_addf(sb, " ON UPDATE %s", fk_actions[f->onupd]);
	static const char *const defer[] = { "", " DEFERRABLE", " DEFERRABLE INITIALLY DEFERRED",
					     " NOT DEFERRABLE" };
	strbuf_adds(sb, defer[f->defer]);
}

/* CHECK (expression) of check k of table t. */
static void check_body(strbuf *sb, const gschema *s, const gtable *t, const gcheck *k)
{
	strbuf_adds(sb, "CHECK (");
	if (*k->col2)
		strbuf_adds(sb, "(");
	check_sql(sb, s, find_col(t, k->col), k->v);
	if (*k->col2)
		strbuf_addf(sb, ") OR \"%s\" IS NULL", k->col2);
	strbuf_adds(sb, ")");
}

/* One column definition with what is written at it. */
static void column_sql(strbuf *sb, const gschema *s, const gtable *t, const gcol *c)
{
	Q(sb, c->name);
	if (s->pg && find_enum(s, c->type)) {
		strbuf_adds(sb, " ");
		Q(sb, c->type);
	} else if (*c->type) {
		strbuf_addf(sb, " %s", c->type);
	}
	if (c->coll)
		strbuf_addf(sb, s->pg ? " COLLATE \"%s\"" : " COLLATE %s",
			    s->pg ? pg_colls[c->coll] : sq_colls[c->coll]);
	if (c->gen) {
		strbuf_adds(sb, " GENERATED ALWAYS AS (");
		gen_sql(sb, s, t, c);
		strbuf_adds(sb, c->gstored ? ") STORED" : ") VIRTUAL");
	}
	if (c->ident) {
		strbuf_addf(sb, " GENERATED %s AS IDENTITY", c->ident == 'a' ? "ALWAYS" : "BY DEFAULT");
		if (c->istart != 1 || c->iinc != 1)
			strbuf_addf(sb, " (START WITH %d INCREMENT BY %d)", c->istart, c->iinc);
	}
	if (c->notnull)
		strbuf_adds(sb, " NOT NULL");
	if (c->def) {
		strbuf_adds(sb, " DEFAULT ");
		default_sql(sb, s, c);
	}
	if (t->pk.on && t->pk.inl && t->pk.r.n == 1 && is(t->pk.r.c[0], c->name)) {
		strbuf_adds(sb, " ");
		named(sb, t->pk.named, t->pk.name);
		strbuf_adds(sb, "PRIMARY KEY");
		key_opts(sb, s, &t->pk);
		if (t->autoinc)
			strbuf_adds(sb, " AUTOINCREMENT");
	}
	for (int i = 0; i < t->nuq; i++)
		if (t->uq[i].inl && t->uq[i].r.n == 1 && is(t->uq[i].r.c[0], c->name)) {
			strbuf_adds(sb, " ");
			named(sb, t->uq[i].named, t->uq[i].name);
			strbuf_adds(sb, "UNIQUE");
			key_tail(sb, &t->uq[i]);
			key_opts(sb, s, &t->uq[i]);
		}
	for (int i = 0; i < t->nck; i++)
		if (t->ck[i].inl && !*t->ck[i].col2 && !t->ck[i].novalid && is(t->ck[i].col, c->name)) {
			strbuf_adds(sb, " ");
			named(sb, t->ck[i].named, t->ck[i].name);
			check_body(sb, s, t, &t->ck[i]);
		}
	for (int i = 0; i < t->nfk; i++)
		if (t->fk[i].inl && !t->fk[i].novalid && t->fk[i].r.n == 1 && is(t->fk[i].r.c[0], c->name)) {
			strbuf_adds(sb, " ");
			named(sb, t->fk[i].named, t->fk[i].name);
			fk_body(sb, &t->fk[i], 1);
		}
}

/* CREATE TABLE with columns, keys, checks and the foreign keys written in it. */
static void create_table_sql(strbuf *sb, const gschema *s, const gtable *t)
{
	strbuf_adds(sb, "CREATE TABLE ");
	Q(sb, t->name);
	strbuf_adds(sb, " (");
	for (int i = 0; i < t->nc; i++) {
		strbuf_adds(sb, i ? ",\n  " : "\n  ");
		column_sql(sb, s, t, &t->c[i]);
	}
	if (t->pk.on && !(t->pk.inl && t->pk.r.n == 1)) {
		strbuf_adds(sb, ",\n  ");
		named(sb, t->pk.named, t->pk.name);
		strbuf_adds(sb, "PRIMARY KEY ");
		ref_sql(sb, &t->pk.r);
		key_opts(sb, s, &t->pk);
	}
	for (int i = 0; i < t->nuq; i++)
		if (!(t->uq[i].inl && t->uq[i].r.n == 1)) {
			strbuf_adds(sb, ",\n  ");
			named(sb, t->uq[i].named, t->uq[i].name);
			strbuf_adds(sb, "UNIQUE");
			key_tail(sb, &t->uq[i]);
			strbuf_adds(sb, " ");
			ref_sql(sb, &t->uq[i].r);
			key_opts(sb, s, &t->uq[i]);
		}
	for (int i = 0; i < t->nck; i++)
		if ((!t->ck[i].inl || *t->ck[i].col2) && !t->ck[i].novalid) {
			strbuf_adds(sb, ",\n  ");
			named(sb, t->ck[i].named, t->ck[i].name);
			check_body(sb, s, t, &t->ck[i]);
		}
	for (int i = 0; i < t->nfk; i++)
		if (!(t->fk[i].inl && t->fk[i].r.n == 1) && !t->fk[i].novalid) {
			strbuf_adds(sb, ",\n  ");
			named(sb, t->fk[i].named, t->fk[i].name);
			fk_body(sb, &t->fk[i], 0);
		}
	strbuf_adds(sb, "\n)");
	if (t->without_rowid)
		strbuf_adds(sb, " WITHOUT ROWID");
	if (t->strict)
		strbuf_adds(sb, t->without_rowid ? ", STRICT" : " STRICT");
	if (t->fillfactor)
		strbuf_addf(sb, " WITH (fillfactor = %d)", t->fillfactor);
	strbuf_adds(sb, ";\n");
}

/* The first key column of an index as an expression (2: a function call), when its type has one. */
static void index_expr(strbuf *sb, const gschema *s, const gcol *c, int expr)
{
	char q[NM + 2];
	snprintf(q, sizeof(q), "\"%s\"", c->name);
	const gfunc *f = expr == 2 ? func_for(s, c, 1) : NULL;
	if (f)
		strbuf_addf(sb, "\"%s\"(%s)", f->name, q);
	else if (col_numeric(s, c))
		strbuf_addf(sb, "(%s + 1)", q);
	else if (col_textish(s, c))
		strbuf_addf(sb, "lower(%s)", q);
	else if (!s->pg && c->dom == DM_TIME)
		strbuf_addf(sb, "date(%s)", q);
	else if (!s->pg)
		strbuf_addf(sb, "hex(%s)", q);
	else
		strbuf_adds(sb, q);
}

/* A partial index's predicate on column c. */
static void where_sql(strbuf *sb, const gschema *s, const gcol *c)
{
	if (col_numeric(s, c))
		strbuf_addf(sb, "\"%s\" > -1", c->name);
	else if (col_textish(s, c))
		strbuf_addf(sb, "\"%s\" <> ''", c->name);
	else
		strbuf_addf(sb, "\"%s\" IS NOT NULL", c->name);
}

/*
 * An index of relation rel (a table or materialized view), written for
 * the current types: GIN where the column has GIN operators (jsonb,
 * arrays), else btree; hash on one column; INCLUDE and DESC with btree.
 */
static void index_sql(strbuf *sb, const gschema *s, const char *rel, const gidx *x)
{
	const gcol *first = base_col(s, rel, x->r.c[0]);
	int method = x->method;
	if (method == IM_GIN && !(is(first->type, "jsonb") || pg_array(first->type)))
		method = IM_BTREE;
	if (method == IM_HASH && x->unique)
		method = IM_BTREE;
	int unique = x->unique && method == IM_BTREE;
	strbuf_addf(sb, "CREATE %sINDEX ", unique ? "UNIQUE " : "");
	Q(sb, x->name);
	strbuf_adds(sb, " ON ");
	Q(sb, rel);
	if (method == IM_GIN)
		strbuf_adds(sb, " USING gin");
	if (method == IM_HASH)
		strbuf_adds(sb, " USING hash");
	strbuf_adds(sb, " (");
	int n = method == IM_BTREE ? x->r.n : 1;
	for (int i = 0; i < n; i++) {
		const gcol *c = base_col(s, rel, x->r.c[i]);
		if (i)
			strbuf_adds(sb, ", ");
		if (i == 0 && x->expr && method == IM_BTREE)
			index_expr(sb, s, c, x->expr);
		else
			Q(sb, x->r.c[i]);
		if (method == IM_GIN && is(c->type, "jsonb") && x->expr)
			strbuf_adds(sb, " jsonb_path_ops");
		if (method == IM_BTREE && x->desc[i])
			strbuf_adds(sb, i % 2 && s->pg ? " DESC NULLS LAST" : " DESC");
	}
	strbuf_adds(sb, ")");
	if (method == IM_BTREE && *x->incl && s->pg) {
		strbuf_adds(sb, " INCLUDE (");
		Q(sb, x->incl);
		strbuf_adds(sb, ")");
	}
	if (*x->where) {
		strbuf_adds(sb, " WHERE ");
		where_sql(sb, s, base_col(s, rel, x->where));
	}
	strbuf_adds(sb, ";\n");
}

/* CREATE [MATERIALIZED] VIEW and the indexes of a materialized one. */
static void view_sql(strbuf *sb, const gschema *s, const gview *v)
{
	strbuf_addf(sb, "CREATE %sVIEW ", v->mat ? "MATERIALIZED " : "");
	Q(sb, v->name);
	strbuf_adds(sb, " AS SELECT ");
	for (int i = 0; i < v->nc; i++) {
		if (i)
			strbuf_adds(sb, ", ");
		Q(sb, v->c[i]);
	}
	strbuf_adds(sb, " FROM ");
	Q(sb, v->src);
	if (*v->where) {
		strbuf_adds(sb, " WHERE ");
		Q(sb, v->where);
		strbuf_adds(sb, " IS NOT NULL");
	}
	strbuf_adds(sb, ";\n");
	for (int i = 0; i < v->nix; i++)
		index_sql(sb, s, v->name, &v->ix[i]);
}

/* A trigger of table (or, on SQLite, view) rel. */
static void trigger_sql(strbuf *sb, const gschema *s, const char *rel, int view, const gtrg *g)
{
	strbuf_adds(sb, "CREATE TRIGGER ");
	Q(sb, g->name);
	strbuf_adds(sb, view ? " INSTEAD OF" : g->before ? " BEFORE" : " AFTER");
	static const char *const evs[] = { "INSERT", "UPDATE", "DELETE", "TRUNCATE" };
	int first = 1;
	for (int i = 0; i < 4; i++) {
		if (!(g->ev & (1 << i)))
			continue;
		strbuf_addf(sb, "%s%s", first ? " " : " OR ", evs[i]);
		first = 0;
		if ((1 << i) == EV_UPDATE && *g->ofcol) {
			strbuf_adds(sb, " OF ");
			Q(sb, g->ofcol);
		}
	}
	strbuf_adds(sb, " ON ");
	Q(sb, rel);
	strbuf_adds(sb, g->row ? " FOR EACH ROW" : " FOR EACH STATEMENT");
	if (*g->whencol) {
		strbuf_adds(sb, " WHEN (NEW.");
		Q(sb, g->whencol);
		strbuf_adds(sb, " IS NOT NULL)");
	}
	if (s->pg) {
		strbuf_adds(sb, " EXECUTE FUNCTION ");
		Q(sb, find_func(s, g->func)->name);
		strbuf_adds(sb, "();\n");
		return;
	}
	strbuf_addf(sb, "\nBEGIN\n  SELECT %d;\n", g->v);
	if (*g->ttab) {
		strbuf_adds(sb, "  UPDATE ");
		Q(sb, g->ttab);
		strbuf_adds(sb, " SET ");
		Q(sb, g->tcol);
		strbuf_adds(sb, " = ");
		Q(sb, g->tcol);
		strbuf_adds(sb, " WHERE 0;\n");
	}
	strbuf_adds(sb, "END;\n");
}

/* CREATE FUNCTION: a trigger function, or x + v in SQL (an SQL-standard body now and then). */
static void func_sql(strbuf *sb, const gfunc *f)
{
	strbuf_adds(sb, "CREATE FUNCTION ");
	Q(sb, f->name);
	if (f->trig) {
		strbuf_addf(sb, "() RETURNS trigger LANGUAGE plpgsql AS $$\nBEGIN\n  PERFORM %d;\n"
			    "  RETURN NEW;\nEND\n$$;\n", f->v);
		return;
	}
	const char *arg = f->bigarg ? "bigint" : "integer", *ret = f->big ? "bigint" : "integer";
	if (f->atomic)
		strbuf_addf(sb, "(x %s) RETURNS %s LANGUAGE sql IMMUTABLE RETURN x + %d;\n", arg, ret, f->v);
	else
		strbuf_addf(sb, "(x %s) RETURNS %s LANGUAGE sql IMMUTABLE AS $$ SELECT x + %d $$;\n",
			    arg, ret, f->v);
}

/* CREATE SEQUENCE with the options that differ from the defaults. */
static void seq_sql(strbuf *sb, const gseq *q)
{
	static const char *const as[] = { "bigint", "integer", "smallint" };
	strbuf_adds(sb, "CREATE SEQUENCE ");
	Q(sb, q->name);
	strbuf_addf(sb, " AS %s INCREMENT BY %d", as[q->as], q->inc);
	if (q->inc < 0)
		strbuf_adds(sb, " MINVALUE 1 MAXVALUE 500 START WITH 500");
	else if (q->start)
		strbuf_addf(sb, " START WITH %d", q->start);
	if (q->cache != 1)
		strbuf_addf(sb, " CACHE %d", q->cache);
	if (q->cycle)
		strbuf_adds(sb, " CYCLE");
	strbuf_adds(sb, ";\n");
}

/* COMMENT ON kind name[.sub] when v (the comment's variant) is set. */
static void comment_on(strbuf *sb, const char *kind, const char *name, const char *sub, int v)
{
	if (!v)
		return;
	strbuf_addf(sb, "COMMENT ON %s ", kind);
	Q(sb, name);
	if (sub) {
		strbuf_adds(sb, ".");
		Q(sb, sub);
	}
	strbuf_adds(sb, " IS ");
	comment_text(sb, v);
	strbuf_adds(sb, ";\n");
}

/* The whole schema as a script, in an order the database accepts. */
static char *schema_sql(const gschema *s)
{
	strbuf sb = STRBUF_INIT;
	for (int i = 0; i < s->ne; i++) {
		strbuf_adds(&sb, "CREATE TYPE ");
		Q(&sb, s->e[i].name);
		strbuf_adds(&sb, " AS ENUM (");
		for (int j = 0; j < s->e[i].nl; j++)
			strbuf_addf(&sb, "%s'%s'", j ? ", " : "", s->e[i].l[j]);
		strbuf_adds(&sb, ");\n");
	}
	for (int i = 0; i < s->ns; i++)
		seq_sql(&sb, &s->s[i]);
	for (int i = 0; i < s->nf; i++)
		func_sql(&sb, &s->f[i]);
	for (int i = 0; i < s->nt; i++)
		create_table_sql(&sb, s, &s->t[i]);
	for (int i = 0; i < s->nt; i++) {
		const gtable *t = &s->t[i];
		for (int j = 0; j < t->nck; j++)
			if (t->ck[j].novalid) {
				strbuf_adds(&sb, "ALTER TABLE ");
				Q(&sb, t->name);
				strbuf_adds(&sb, " ADD ");
				named(&sb, 1, t->ck[j].name);
				check_body(&sb, s, t, &t->ck[j]);
				strbuf_adds(&sb, " NOT VALID;\n");
			}
		for (int j = 0; j < t->nfk; j++)
			if (t->fk[j].novalid) {
				strbuf_adds(&sb, "ALTER TABLE ");
				Q(&sb, t->name);
				strbuf_adds(&sb, " ADD ");
				named(&sb, t->fk[j].named, t->fk[j].name);
				fk_body(&sb, &t->fk[j], 0);
				strbuf_adds(&sb, " NOT VALID;\n");
			}
	}
	for (int i = 0; i < s->ns; i++)
		if (*s->s[i].otab) {
			strbuf_adds(&sb, "ALTER SEQUENCE ");
			Q(&sb, s->s[i].name);
			strbuf_adds(&sb, " OWNED BY ");
			Q(&sb, s->s[i].otab);
			strbuf_adds(&sb, ".");
			Q(&sb, s->s[i].ocol);
			strbuf_adds(&sb, ";\n");
		}
	for (int i = 0; i < s->nt; i++)
		for (int j = 0; j < s->t[i].nix; j++)
			index_sql(&sb, s, s->t[i].name, &s->t[i].ix[j]);
	for (int i = 0; i < s->nv; i++)
		view_sql(&sb, s, &s->v[i]);
	for (int i = 0; i < s->nt; i++)
		for (int j = 0; j < s->t[i].ntg; j++)
			trigger_sql(&sb, s, s->t[i].name, 0, &s->t[i].tg[j]);
	for (int i = 0; i < s->nv; i++)
		for (int j = 0; j < s->v[i].ntg; j++)
			trigger_sql(&sb, s, s->v[i].name, 1, &s->v[i].tg[j]);
	if (!s->pg)
		return strbuf_detach(&sb);
	for (int i = 0; i < s->nt; i++) {
		const gtable *t = &s->t[i];
		comment_on(&sb, "TABLE", t->name, NULL, t->comment);
		for (int j = 0; j < t->nc; j++)
			comment_on(&sb, "COLUMN", t->name, t->c[j].name, t->c[j].comment);
		for (int j = 0; j < t->nix; j++)
			comment_on(&sb, "INDEX", t->ix[j].name, NULL, t->ix[j].comment);
	}
	for (int i = 0; i < s->nv; i++) {
		comment_on(&sb, s->v[i].mat ? "MATERIALIZED VIEW" : "VIEW", s->v[i].name, NULL,
			   s->v[i].comment);
		for (int j = 0; j < s->v[i].nix; j++)
			comment_on(&sb, "INDEX", s->v[i].ix[j].name, NULL, s->v[i].ix[j].comment);
	}
	for (int i = 0; i < s->ne; i++)
		comment_on(&sb, "TYPE", s->e[i].name, NULL, s->e[i].comment);
	for (int i = 0; i < s->nf; i++)
		if (s->f[i].comment) {
			strbuf_adds(&sb, "COMMENT ON FUNCTION ");
			Q(&sb, s->f[i].name);
			if (s->f[i].trig)
				strbuf_adds(&sb, "()");
			else
				strbuf_addf(&sb, "(%s)", s->f[i].bigarg ? "bigint" : "integer");
			strbuf_adds(&sb, " IS ");
			comment_text(&sb, s->f[i].comment);
			strbuf_adds(&sb, ";\n");
		}
	return strbuf_detach(&sb);
}

/* Two rows for every table (parents first: foreign keys point to lower ids). */
static char *rows_sql(const gschema *s)
{
	strbuf sb = STRBUF_INIT;
	for (int i = 0; i < s->nt; i++) {
		const gtable *t = &s->t[i];
		int ident = 0;
		strbuf_adds(&sb, "INSERT INTO ");
		Q(&sb, t->name);
		strbuf_adds(&sb, " (");
		int first = 1;
		for (int j = 0; j < t->nc; j++)
			if (plain(&t->c[j])) {
				strbuf_adds(&sb, first ? "" : ", ");
				Q(&sb, t->c[j].name);
				first = 0;
				ident |= t->c[j].ident;
			}
		strbuf_adds(&sb, ident ? ") OVERRIDING SYSTEM VALUE VALUES " : ") VALUES ");
		for (int k = 0; k < 2; k++) {
			strbuf_adds(&sb, k ? ", (" : "(");
			first = 1;
			for (int j = 0; j < t->nc; j++)
				if (plain(&t->c[j])) {
					strbuf_adds(&sb, first ? "" : ", ");
					value_sql(&sb, s, &t->c[j], k);
					first = 0;
				}
			strbuf_adds(&sb, ")");
		}
		strbuf_adds(&sb, ";\n");
	}
	return strbuf_detach(&sb);
}

/* ------------------------------------------------------------------ */
/* Databases                                                            */
/* ------------------------------------------------------------------ */

/* One database of a dialect, as retort reaches it. */
typedef struct db {
	const rt_dialect *d;
	rt_config *cfg;
	rt_conn *c;
	char *name;       /* PostgreSQL: the database; SQLite: the file */
} db;

static char tmpdir[64];

/* Everything after a failed call: the message, freed. */
static char *take(rt_error *err)
{
	char *m = xstrdup(err->message ? err->message : "(no message)");
	rt_error_clear(err);
	return m;
}

static const char *env_or_fail(const char *name)
{
	const char *v = getenv(name);
	if (!v || !*v)
		fail_msg("%s is not set: tests/run starts a PostgreSQL server for this test "
			 "(scripts/pg-test-server start prints the variables)", name);
	return v;
}

/* A libpq connection string for database dbname of the test server. */
static char *pg_url(const char *dbname)
{
	return xasprintf("host='%s' port='%s' user='%s' dbname='%s'", env_or_fail("RETORT_TEST_PGHOST"),
			 env_or_fail("RETORT_TEST_PGPORT"), env_or_fail("RETORT_TEST_PGUSER"), dbname);
}

static rt_conn *connect_url(const rt_dialect *d, rt_config *cfg)
{
	rt_error err = { 0 };
	int missing = 0;
	rt_conn *c = d->connect(cfg, 0, &missing, &err);
	if (!c)
		fail_msg("connect %s: %s", cfg->url, err.message ? err.message : "missing");
	return c;
}

static void exec_or_fail(db *x, const char *sql)
{
	rt_error err = { 0 };
	if (x->d->exec(x->c, sql, &err) < 0)
		fail_msg("%s: %s", sql, err.message);
}

/* The database for side tag ("a" or "b") of the pairs to come. */
static void db_open(db *x, int pg, const char *tag)
{
	memset(x, 0, sizeof(*x));
	x->d = pg ? &rt_dialect_postgres : &rt_dialect_sqlite;
	x->cfg = rt_config_new(tmpdir);
	free(x->cfg->url);
	if (!pg) {
		x->name = xasprintf("%s/%s.sqlite", tmpdir, tag);
		x->cfg->url = xasprintf("sqlite:///%s", x->name);
		return;
	}
	x->name = xasprintf("rt_property_%ld_%s", (long)getpid(), tag);
	x->cfg->url = pg_url("postgres");
	rt_conn *c = connect_url(x->d, x->cfg);
	rt_error err = { 0 };
	char *sql = xasprintf("DROP DATABASE IF EXISTS %s WITH (FORCE)", x->name);
	if (x->d->exec(c, sql, &err) < 0)
		fail_msg("%s: %s", sql, err.message);
	free(sql);
	sql = xasprintf("CREATE DATABASE %s TEMPLATE template0", x->name);
	if (x->d->exec(c, sql, &err) < 0)
		fail_msg("%s: %s", sql, err.message);
	free(sql);
	x->d->disconnect(c);
	free(x->cfg->url);
	x->cfg->url = pg_url(x->name);
	x->c = connect_url(x->d, x->cfg);
}

/* A SQLite database file and its journals. */
static void remove_sqlite(const char *path)
{
	static const char *const suffixes[] = { "", "-journal", "-wal", "-shm", NULL };
	for (int i = 0; suffixes[i]; i++) {
		char *p = xasprintf("%s%s", path, suffixes[i]);
		unlink(p);
		free(p);
	}
}

/* An empty database for the next pair. */
static void db_reset(db *x)
{
	if (x->d == &rt_dialect_sqlite) {
		if (x->c)
			x->d->disconnect(x->c);
		remove_sqlite(x->name);
		x->c = connect_url(x->d, x->cfg);
		return;
	}
	x->d->rollback(x->c);
	exec_or_fail(x, "DROP SCHEMA public CASCADE; CREATE SCHEMA public");
}

/* Disconnect and throw the database away. */
static void db_close(db *x)
{
	if (x->c)
		x->d->disconnect(x->c);
	if (x->d == &rt_dialect_postgres) {
		free(x->cfg->url);
		x->cfg->url = pg_url("postgres");
		rt_conn *c = connect_url(x->d, x->cfg);
		char *sql = xasprintf("DROP DATABASE IF EXISTS %s WITH (FORCE)", x->name);
		rt_error err = { 0 };
		if (x->d->exec(c, sql, &err) < 0)
			rt_error_clear(&err);
		free(sql);
		x->d->disconnect(c);
	} else {
		remove_sqlite(x->name);
	}
	rt_config_free(x->cfg);
	free(x->name);
	memset(x, 0, sizeof(*x));
}

/* Run a script; NULL, or the database's message. */
static char *db_run(db *x, const char *sql)
{
	rt_error err = { 0 };
	return x->d->exec(x->c, sql, &err) < 0 ? take(&err) : NULL;
}

static sm_schema *db_introspect(db *x, char **why)
{
	rt_error err = { 0 };
	sm_schema *s = NULL;
	if (x->d->introspect(x->c, x->cfg, &s, &err) < 0) {
		*why = take(&err);
		return NULL;
	}
	return s;
}

/* The operations as a migration section: a comment heading each, its statements. */
static char *ops_sql(const sm_ops *ops)
{
	strbuf sb = STRBUF_INIT;
	for (size_t i = 0; i < ops->n; i++) {
		const sm_op *op = &ops->v[i];
		strbuf_addf(&sb, "%s-- %s\n", i ? "\n" : "", op->what);
		if (op->note)
			strbuf_addf(&sb, "-- %s%s\n", op->destructive ? "WARNING: " : "", op->note);
		for (size_t j = 0; j < op->sql.n; j++)
			strbuf_addf(&sb, "%s;\n", op->sql.v[j]);
	}
	return strbuf_detach(&sb);
}

/*
 * Run a migration section as retort does: split by the dialect's own
 * rules, every statement in one transaction.  NULL, or what failed.
 */
static char *db_migrate(db *x, const char *section)
{
	rt_error err = { 0 };
	rt_stmtlist stmts = { 0 };
	char *why = NULL;
	if (x->d->split(section, strlen(section), 1, "migration.sql", &stmts, &err) < 0)
		return take(&err);
	if (x->d->begin(x->c, &err) < 0) {
		rt_stmtlist_free(&stmts);
		return take(&err);
	}
	for (size_t i = 0; i < stmts.n && !why; i++)
		if (x->d->exec_stmt(x->c, &stmts.v[i], "migration.sql", &err) < 0) {
			char *m = take(&err);
			why = xasprintf("line %d: %s\n   in: %.*s", stmts.v[i].line, m,
					(int)stmts.v[i].len, stmts.v[i].sql);
			free(m);
		}
	if (why)
		x->d->rollback(x->c);
	else if (x->d->commit(x->c, &err) < 0)
		why = take(&err);
	rt_stmtlist_free(&stmts);
	return why;
}

static int count_cb(void *ud, int n, const char *const *v)
{
	*(long *)ud = n && v[0] ? atol(v[0]) : -1;
	return 1;
}

/* Rows of table name (-1 when it cannot be read). */
static long db_rows(db *x, const char *name)
{
	char *sql = xasprintf("SELECT count(*) FROM \"%s\"", name);
	long n = -1;
	rt_error err = { 0 };
	if (x->d->query(x->c, sql, count_cb, &n, &err) < 0)
		rt_error_clear(&err);
	free(sql);
	return n;
}

/* SQLite: rows whose parent is missing (PostgreSQL enforces keys itself). */
static long db_fk_violations(db *x)
{
	if (x->d != &rt_dialect_sqlite)
		return 0;
	long n = -1;
	rt_error err = { 0 };
	if (x->d->query(x->c, "SELECT count(*) FROM pragma_foreign_key_check", count_cb, &n, &err) < 0)
		rt_error_clear(&err);
	return n;
}

/* ------------------------------------------------------------------ */
/* One pair                                                             */
/* ------------------------------------------------------------------ */

typedef struct stats {
	int pairs, failed, generator;
	int api;              /* pairs run through rt_schema_diff */
	rt_strlist kinds;     /* operation kinds seen ("add column", ...) */
	int *counts;
	rt_strlist failures;  /* one line per failed pair */
	int shown;            /* failures shown in full */
} stats;

/*
 * Count an operation by its kind: its first two words ("add column"),
 * or for "alter column NAME: WHAT ..." and "table|type|sequence NAME: WHAT ..."
 * the words around the name ("alter column: type", "type: values").
 */
static void count_kind(stats *st, const char *what)
{
	const char *sp = strchr(what, ' ');
	const char *sp2 = sp ? strchr(sp + 1, ' ') : NULL;
	char *kind;
	const char *colon = strstr(what, ": ");
	int named = starts(what, "table ") || starts(what, "type ") || starts(what, "sequence ");
	if (colon && (named || starts(what, "alter column "))) {
		const char *sub = colon + 2;
		size_t n = strcspn(sub, " (");
		size_t head = named ? (size_t)(sp - what) : (size_t)(sp2 - what);
		kind = xasprintf("%.*s: %.*s", (int)head, what, (int)n, sub);
	} else {
		kind = sp2 ? xstrndup(what, (size_t)(sp2 - what)) : xstrdup(what);
	}
	size_t i = 0;
	while (i < st->kinds.n && strcmp(st->kinds.v[i], kind))
		i++;
	if (i == st->kinds.n) {
		rt_strlist_push(&st->kinds, kind);
		st->counts = xrealloc(st->counts, st->kinds.n * sizeof(int));
		st->counts[i] = 0;
	}
	st->counts[i]++;
	free(kind);
}

/* Print text with every line as a TAP comment. */
static void print_block(const char *title, const char *text)
{
	printf("# ---- %s\n", title);
	const char *p = text ? text : "";
	while (*p) {
		const char *e = strchr(p, '\n');
		int n = e ? (int)(e - p) : (int)strlen(p);
		printf("#   %.*s\n", n, p);
		p += n + (e ? 1 : 0);
	}
}

/* What a pair has made so far, freed by pair_free. */
typedef struct pair {
	gschema *a, *b;
	char *sql_a, *sql_b, *rows;
	sm_schema *ma, *mb, *got;
	sm_ops up, down;
	char *up_sql, *down_sql;
} pair;

static void pair_free(pair *p)
{
	free(p->a);
	free(p->b);
	free(p->sql_a);
	free(p->sql_b);
	free(p->rows);
	sm_free(p->ma);
	sm_free(p->mb);
	sm_free(p->got);
	sm_ops_free(&p->up);
	sm_ops_free(&p->down);
	free(p->up_sql);
	free(p->down_sql);
}

/* A failure: show it (the first few in full) and remember its seed. */
static void report(stats *st, const char *dialect, uint64_t seed, int generator, const pair *p,
		   const char *what, const char *detail)
{
	if (generator)
		st->generator++;
	else
		st->failed++;
	char *line = xasprintf("%s%s: RT_PROPERTY_SEED=%llu RT_PROPERTY_PAIRS=1 RT_PROPERTY_DIALECT=%s: %s",
			       generator ? "generator bug, " : "", dialect, (unsigned long long)seed,
			       dialect, what);
	rt_strlist_push(&st->failures, line);
	printf("# FAILED %s\n", line);
	free(line);
	if (st->shown++ >= 3)
		return;
	print_block("schema A", p->sql_a);
	print_block("schema B", p->sql_b);
	print_block("rows of A", p->rows);
	if (p->up_sql)
		print_block("upgrade (diff A -> B)", p->up_sql);
	if (p->down_sql)
		print_block("downgrade (diff B -> A)", p->down_sql);
	print_block(what, detail);
	fflush(stdout);
}

/* Does every table both sides have still hold its two rows? */
static char *rows_kept(db *x, const gschema *a, const gschema *b)
{
	strbuf sb = STRBUF_INIT;
	for (int i = 0; i < a->nt; i++) {
		if (!find_ctable(b, a->t[i].name))
			continue;
		long n = db_rows(x, a->t[i].name);
		if (n != 2)
			strbuf_addf(&sb, "table %s has %ld rows, not 2\n", a->t[i].name, n);
	}
	long v = db_fk_violations(x);
	if (v)
		strbuf_addf(&sb, "PRAGMA foreign_key_check: %ld rows\n", v);
	if (!sb.len)
		return NULL;
	return strbuf_detach(&sb);
}

/* The models must be equal: NULL, or the differences (wanted -> got). */
static char *differences(const sm_schema *want, const sm_schema *got)
{
	strbuf sb = STRBUF_INIT;
	if (sm_compare(want, got, &sb) == 0) {
		strbuf_release(&sb);
		return NULL;
	}
	return strbuf_detach(&sb);
}

static char *unsupported_list(const sm_schema *s)
{
	strbuf sb = STRBUF_INIT;
	for (size_t i = 0; i < s->nunsupported; i++)
		strbuf_addf(&sb, "%s\n", s->unsupported[i]);
	return strbuf_detach(&sb);
}

/*
 * One step of a pair, as a macro so a failure reports and leaves:
 * FAIL(generator?, what, detail) frees detail.
 */
#define FAIL(gen, what, detail)                                              \
	do {                                                                 \
		char *d_ = (detail);                                         \
		report(st, dialect, seed, (gen), &p, (what), d_);            \
		free(d_);                                                    \
		goto done;                                                   \
	} while (0)

/* Diff from -> to through the dialect; NULL, or why it refused. */
static char *diff(const rt_dialect *d, const sm_schema *from, const sm_schema *to, sm_ops *out)
{
	rt_error err = { 0 };
	memset(out, 0, sizeof(*out));
	return d->diff(from, to, out, &err) < 0 ? take(&err) : NULL;
}

/* Write text to tmpdir/name; the path, malloc'd. */
static char *write_file(const char *name, const char *text)
{
	char *path = xasprintf("%s/%s", tmpdir, name);
	FILE *f = fopen(path, "w");
	if (!f || fputs(text, f) < 0)
		fail_msg("cannot write %s", path);
	fclose(f);
	return path;
}

/*
 * The migration both ways as `retort diff --from file:A --to file:B`
 * writes it: rt_schema_diff loads each file into a scratch database (on
 * PostgreSQL, made on the server of dev_url) and diffs what it reads
 * back.  NULL, or why it failed.
 */
static char *api_diff(const db *da, const char *sql_a, const char *sql_b, rt_diff *out)
{
	char *pa = write_file("a.sql", sql_a), *pb = write_file("b.sql", sql_b);
	char *from = xasprintf("file:%s", pa), *to = xasprintf("file:%s", pb);
	rt_config *cfg = rt_config_new(tmpdir);
	free(cfg->url);
	cfg->url = xstrdup(da->cfg->url);
	if (da->d == &rt_dialect_postgres)
		cfg->dev_url = pg_url("postgres");
	rt_error err = { 0 };
	char *why = NULL;
	rt_ctx *ctx = rt_ctx_open(cfg, &err);
	if (!ctx || rt_schema_diff(ctx, from, to, out, &err) < 0)
		why = take(&err);
	else if (out->unsupported.n)
		why = xasprintf("rt_schema_diff lists %zu unsupported objects, the first: %s",
				out->unsupported.n, out->unsupported.v[0]);
	rt_ctx_close(ctx);
	rt_config_free(cfg);
	free(from);
	free(to);
	free(pa);
	free(pb);
	return why;
}

/* Generate pair seed, run it both ways on the two databases, count what happened. */
static void run_pair(db *da, db *dbb, uint64_t seed, stats *st, int verbose)
{
	int pg = da->d == &rt_dialect_postgres;
	const char *dialect = da->d->name;
	const rt_dialect *d = da->d;
	pair p;
	memset(&p, 0, sizeof(p));
	char *why = NULL;

	rng_state = seed;
	p.a = xcalloc(1, sizeof(gschema));
	p.b = xcalloc(1, sizeof(gschema));
	gen_schema(p.a, pg);
	repair(p.a);
	*p.b = *p.a;
	int want = one_in(6) ? 5 + R(6) : 1 + R(4), done = 0;
	for (int tries = 0; done < want && tries < 50; tries++)
		done += mutate(p.b);
	pair_fix(p.a, p.b);
	p.sql_a = schema_sql(p.a);
	p.sql_b = schema_sql(p.b);
	p.rows = rows_sql(p.a);
	st->pairs++;
	if (verbose) {
		printf("# %s pair, seed %llu\n", dialect, (unsigned long long)seed);
		print_block("schema A", p.sql_a);
		print_block("schema B", p.sql_b);
	}

	db_reset(da);
	db_reset(dbb);
	if ((why = db_run(dbb, p.sql_b)))
		FAIL(1, "the database refused schema B", why);
	if ((why = db_run(da, p.sql_a)))
		FAIL(1, "the database refused schema A", why);
	if (!(p.ma = db_introspect(da, &why)) || !(p.mb = db_introspect(dbb, &why)))
		FAIL(0, "introspection failed", why);
	if ((why = db_run(da, p.rows)))
		FAIL(1, "the database refused the rows of A", why);
	if (p.ma->nunsupported || p.mb->nunsupported)
		FAIL(1, "retort lists objects of A or B as unsupported",
		     unsupported_list(p.ma->nunsupported ? p.ma : p.mb));

	/* A schema against itself: nothing to do. */
	for (int side = 0; side < 2; side++) {
		const sm_schema *m = side ? p.mb : p.ma;
		sm_ops same = { 0 };
		if ((why = diff(d, m, m, &same)) || same.n) {
			char *sql = why ? why : ops_sql(&same);
			sm_ops_free(&same);
			FAIL(0, side ? "operations between B and itself" : "operations between A and itself", sql);
		}
		sm_ops_free(&same);
	}

	if ((why = diff(d, p.ma, p.mb, &p.up)))
		FAIL(0, "the diff A -> B refused", why);
	if ((why = diff(d, p.mb, p.ma, &p.down)))
		FAIL(0, "the diff B -> A refused", why);
	/*
	 * One pair in eight runs the SQL that rt_schema_diff renders from two
	 * schema files (scratch databases and all), the others the dialect's
	 * operations on the models read above.
	 */
	if (seed % 8 == 0) {
		rt_diff api = { 0 };
		if ((why = api_diff(da, p.sql_a, p.sql_b, &api)))
			FAIL(0, "rt_schema_diff file:A file:B failed", why);
		p.up_sql = api.upgrade_sql;
		p.down_sql = api.downgrade_sql;
		api.upgrade_sql = api.downgrade_sql = NULL;
		rt_diff_free(&api);
		st->api++;
	} else {
		p.up_sql = ops_sql(&p.up);
		p.down_sql = ops_sql(&p.down);
	}
	for (size_t i = 0; i < p.up.n; i++)
		count_kind(st, p.up.v[i].what);
	for (size_t i = 0; i < p.down.n; i++)
		count_kind(st, p.down.v[i].what);
	if (verbose)
		print_block("upgrade", p.up_sql);

	if ((why = db_migrate(da, p.up_sql)))
		FAIL(0, "the upgrade failed", why);
	if (!(p.got = db_introspect(da, &why)))
		FAIL(0, "introspection after the upgrade failed", why);
	if ((why = differences(p.mb, p.got)))
		FAIL(0, "after the upgrade the database is not B (B -> database)", why);
	if ((why = rows_kept(da, p.a, p.b)))
		FAIL(0, "the upgrade lost rows", why);
	sm_free(p.got);
	p.got = NULL;

	if ((why = db_migrate(da, p.down_sql)))
		FAIL(0, "the downgrade failed", why);
	if (!(p.got = db_introspect(da, &why)))
		FAIL(0, "introspection after the downgrade failed", why);
	if ((why = differences(p.ma, p.got)))
		FAIL(0, "after the downgrade the database is not A (A -> database)", why);
	if ((why = rows_kept(da, p.a, p.b)))
		FAIL(0, "the downgrade lost rows", why);
done:
	pair_free(&p);
}

/* ------------------------------------------------------------------ */
/* The tests                                                            */
/* ------------------------------------------------------------------ */

static long env_long(const char *name, long dflt)
{
	const char *v = getenv(name);
	return v && *v ? strtol(v, NULL, 10) : dflt;
}

static int dialect_selected(const char *name)
{
	const char *v = getenv("RT_PROPERTY_DIALECT");
	return !v || !*v || !strcmp(v, name) || (!strcmp(v, "pg") && !strcmp(name, "postgresql"));
}

static double now_s(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static int cmp_kind(const void *x, const void *y)
{
	const char *const *a = x, *const *b = y;
	return strcmp(*a, *b);
}

static void run_dialect(int pg)
{
	const char *name = pg ? "postgresql" : "sqlite";
	if (!dialect_selected(name)) {
		printf("# %s: not selected (RT_PROPERTY_DIALECT)\n", name);
		return;
	}
	if (pg) { /* before anything is allocated: fail_msg leaves the test */
		env_or_fail("RETORT_TEST_PGHOST");
		env_or_fail("RETORT_TEST_PGPORT");
		env_or_fail("RETORT_TEST_PGUSER");
	}
	long pairs = env_long("RT_PROPERTY_PAIRS", 100);
	uint64_t seed = (uint64_t)env_long("RT_PROPERTY_SEED", 20261124);
	int verbose = env_long("RT_PROPERTY_VERBOSE", 0) != 0;
	db a, b;
	db_open(&a, pg, "a");
	db_open(&b, pg, "b");
	stats st;
	memset(&st, 0, sizeof(st));
	double t0 = now_s();
	for (long i = 0; i < pairs; i++)
		run_pair(&a, &b, seed + (uint64_t)i, &st, verbose);
	double secs = now_s() - t0;
	db_close(&a);
	db_close(&b);

	/* What the pairs exercised: operation kinds and how often. */
	char **sorted = xcalloc(st.kinds.n + 1, sizeof(char *));
	for (size_t i = 0; i < st.kinds.n; i++)
		sorted[i] = xasprintf("%s: %d", st.kinds.v[i], st.counts[i]);
	qsort(sorted, st.kinds.n, sizeof(char *), cmp_kind);
	strbuf kinds = STRBUF_INIT;
	for (size_t i = 0; i < st.kinds.n; i++) {
		strbuf_addf(&kinds, "%s%s", i ? ", " : "", sorted[i]);
		free(sorted[i]);
	}
	free(sorted);
	printf("# %s: %d pairs (seeds %llu..%llu; %d through rt_schema_diff) in %.1f s: %d failed, "
	       "%d generator bugs\n", name, st.pairs, (unsigned long long)seed,
	       (unsigned long long)(seed + (uint64_t)pairs - 1), st.api, secs, st.failed, st.generator);
	printf("# %s operations: %s\n", name, strbuf_str(&kinds));
	strbuf_release(&kinds);
	strbuf all = STRBUF_INIT;
	for (size_t i = 0; i < st.failures.n && i < 20; i++)
		strbuf_addf(&all, "\n  %s", st.failures.v[i]);
	int failed = st.failed, generator = st.generator;
	static char msg[4096];
	snprintf(msg, sizeof(msg), "%s", strbuf_str(&all));
	strbuf_release(&all);
	rt_strlist_free(&st.kinds);
	free(st.counts);
	rt_strlist_free(&st.failures);
	if (failed || generator)
		fail_msg("%s: %d of %d pairs failed, %d generator bugs (skipped pairs):%s", name,
			 failed, st.pairs, generator, msg);
}

static void test_property_sqlite(void **state)
{
	(void)state;
	run_dialect(0);
}

static void test_property_postgresql(void **state)
{
	(void)state;
	run_dialect(1);
}

static int group_setup(void **state)
{
	(void)state;
	snprintf(tmpdir, sizeof(tmpdir), "/tmp/rt_property_XXXXXX");
	if (!mkdtemp(tmpdir))
		return -1;
	char *migrations = xasprintf("%s/migrations", tmpdir); /* rt_ctx_open wants a script location */
	int rc = mkdir(migrations, 0700);
	free(migrations);
	return rc;
}

static int group_teardown(void **state)
{
	(void)state;
	DIR *d = opendir(tmpdir);
	struct dirent *e;
	while (d && (e = readdir(d))) {
		if (e->d_name[0] == '.')
			continue;
		char *p = xasprintf("%s/%s", tmpdir, e->d_name);
		unlink(p);
		free(p);
	}
	if (d)
		closedir(d);
	char *migrations = xasprintf("%s/migrations", tmpdir);
	rmdir(migrations);
	free(migrations);
	rmdir(tmpdir);
	return 0;
}

int main(void)
{
	setvbuf(stdout, NULL, _IOLBF, 0);
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_property_sqlite),
		cmocka_unit_test(test_property_postgresql),
	};
	return cmocka_run_group_tests_name("property", tests, group_setup, group_teardown);
}
