/*
 * diff.c - the PostgreSQL operations that turn one schema model into
 * another (see schema/ops.h), in an order the server accepts.
 *
 * Every name written is schema-qualified (public too), so the SQL means
 * the same whatever search_path the migration runs with; definitions are
 * the server's own renderings, read with an empty search_path and so
 * qualified as well (introspect.c).
 *
 * The order, for `from` -> `to`:
 *
 *   drops of what depends on things that change: triggers; views,
 *   materialized views and functions that use relations (dependents
 *   first, from pg_depend); functions made again; foreign keys; other
 *   constraints; indexes; sequence ownership that is about to go away;
 *   schemas; enum types (new ones, added values, and the first half of
 *   the rename-create-recast-drop dance for removed or reordered values);
 *   sequences; functions that use no relation;
 *   columns of existing tables (moves of columns to their declared
 *   position included); removed tables; what they no longer need
 *   (functions, then the renamed and removed enum types, sequences);
 *   new tables; sequence ownership; constraints; indexes; foreign keys;
 *   views and functions that use relations (what they use first);
 *   triggers; comments; removed schemas.
 *
 * What depends on a changed object is dropped before the change and made
 * again after it: views reading a table whose columns change type or go
 * away (and the views and functions reading those views), triggers of a
 * function that is dropped and created again, foreign keys pointing at a
 * primary key that is replaced, and so on.  A view whose query changes
 * but keeps its columns (and may add some at the end) is replaced with
 * CREATE OR REPLACE and keeps its dependents.
 */
#include "internal.h"
#include "dialect/postgres/pg_internal.h"
#include "schema/model.h"
#include "schema/ops.h"
#include "sqltext.h"

#include <ctype.h>
#include <string.h>

/* Keywords quote_ident quotes (every category but unreserved; PG 12-18). */
static const char *const pg_keywords[] = {
	"all", "analyse", "analyze", "and", "any", "array", "as", "asc",
	"asymmetric", "authorization", "between", "bigint", "binary", "bit",
	"boolean", "both", "case", "cast", "char", "character", "check",
	"coalesce", "collate", "collation", "column", "concurrently", "constraint",
	"create", "cross", "current_catalog", "current_date", "current_role",
	"current_schema", "current_time", "current_timestamp", "current_user",
	"dec", "decimal", "default", "deferrable", "desc", "distinct", "do",
	"else", "end", "except", "exists", "extract", "false", "fetch", "float",
	"for", "foreign", "freeze", "from", "full", "grant", "greatest", "group",
	"grouping", "having", "ilike", "in", "initially", "inner", "inout", "int",
	"integer", "intersect", "interval", "into", "is", "isnull", "join",
	"json", "json_array", "json_arrayagg", "json_exists", "json_object",
	"json_objectagg", "json_query", "json_scalar", "json_serialize",
	"json_table", "json_value", "lateral", "leading", "least", "left", "like",
	"limit", "localtime", "localtimestamp", "merge_action", "national",
	"natural", "nchar", "none", "normalize", "not", "notnull", "null",
	"nullif", "numeric", "offset", "on", "only", "or", "order", "out", "outer",
	"overlaps", "overlay", "placing", "position", "precision", "primary",
	"real", "references", "returning", "right", "row", "select",
	"session_user", "setof", "similar", "smallint", "some", "substring",
	"symmetric", "system_user", "table", "tablesample", "then", "time",
	"timestamp", "to", "trailing", "treat", "trim", "true", "union", "unique",
	"user", "using", "values", "varchar", "variadic", "verbose", "when",
	"where", "window", "with", "xmlattributes", "xmlconcat", "xmlelement",
	"xmlexists", "xmlforest", "xmlnamespaces", "xmlparse", "xmlpi", "xmlroot",
	"xmlserialize", "xmltable", NULL,
};

void rt_pg_ident(strbuf *sb, const char *name)
{
	int plain = islower((unsigned char)name[0]) || name[0] == '_';
	for (const char *p = name; *p && plain; p++)
		plain = islower((unsigned char)*p) || isdigit((unsigned char)*p) || *p == '_';
	for (int i = 0; plain && pg_keywords[i]; i++)
		plain = strcmp(name, pg_keywords[i]) != 0;
	if (plain)
		strbuf_adds(sb, name);
	else
		sql_quote_ident(sb, name);
}

void rt_pg_qname(strbuf *sb, const char *schema, const char *name)
{
	if (schema) {
		rt_pg_ident(sb, schema);
		strbuf_addc(sb, '.');
	}
	rt_pg_ident(sb, name);
}

/* ------------------------------------------------------------------ */
/* Small helpers                                                       */
/* ------------------------------------------------------------------ */

static int eq(const char *a, const char *b)
{
	if (!a || !b)
		return a == b;
	return !strcmp(a, b);
}

/* "schema.name", raw: how dependencies name things. */
static char *dep_name(const char *schema, const char *name)
{
	return xasprintf("%s.%s", schema ? schema : "", name);
}

/* A rotating set of buffers for quoted names used within one statement. */
#define NQ 16
typedef struct names {
	strbuf b[NQ];
	int next;
} names;

static strbuf *nbuf(names *n)
{
	strbuf *sb = &n->b[n->next];
	n->next = (n->next + 1) % NQ;
	strbuf_reset(sb);
	return sb;
}

static const char *Q(names *n, const char *schema, const char *name)
{
	strbuf *sb = nbuf(n);
	rt_pg_qname(sb, schema, name);
	return sb->buf;
}

static const char *I(names *n, const char *name)
{
	strbuf *sb = nbuf(n);
	rt_pg_ident(sb, name);
	return sb->buf;
}

static const char *L(names *n, const char *text)
{
	strbuf *sb = nbuf(n);
	sql_literal(sb, text);
	return sb->buf;
}

/* A definition without the trailing whitespace and ';' the catalog gives. */
static const char *trimmed(names *n, const char *def)
{
	strbuf *sb = nbuf(n);
	strbuf_adds(sb, def);
	for (;;) {
		strbuf_rtrim(sb);
		if (!sb->len || sb->buf[sb->len - 1] != ';')
			break;
		strbuf_setlen(sb, sb->len - 1);
	}
	return sb->buf;
}

static void names_free(names *n)
{
	for (int i = 0; i < NQ; i++)
		strbuf_release(&n->b[i]);
}

/* ------------------------------------------------------------------ */
/* The state of one diff                                               */
/* ------------------------------------------------------------------ */

/* Flags of a table present on both sides. */
enum {
	TF_VIEWS = 1,    /* views reading it must be dropped and made again (its key changes) */
	TF_TRIGGERS = 2, /* its triggers must be dropped and made again */
	TF_ALL = 4,      /* all its indexes and constraints too (a column is rebuilt) */
	TF_FKIN = 8,     /* foreign keys pointing at it too (its keys change) */
};

typedef struct dd {
	const sm_schema *a, *b;
	sm_ops *out;
	names n;
	unsigned char *tflags;  /* per table of a */
	size_t *prefix;         /* per table of a: columns of b's table that stay in place */
	unsigned char *va_drop; /* per view of a: dropped */
	unsigned char *vb_make; /* per view of b: 1 created, 2 replaced */
	unsigned char *fa_drop; /* per function of a: dropped (and made again if in b); 2: for a view or table it reads */
	unsigned char *fb_make; /* per function of b: 1 created, 2 replaced */
	rt_strlist dirty;       /* dep names of things dropped and made again */
	rt_strlist dance;       /* dep names of enum types recreated */
	rt_error *err;
} dd;

static int is_dirty(const dd *d, const char *name)
{
	return rt_strlist_has(&d->dirty, name);
}

static void mark_dirty(dd *d, const char *name)
{
	if (!rt_strlist_has(&d->dirty, name))
		rt_strlist_push(&d->dirty, name);
}

static const sm_table *find_table(const sm_schema *s, const char *schema, const char *name)
{
	return sm_find_table(s, schema, name);
}

/* The table a "schema.name" (as in ref_table) names, or NULL. */
static const sm_table *table_by_dep(const sm_schema *s, const char *qn)
{
	for (size_t i = 0; i < s->ntables; i++) {
		const sm_table *t = &s->tables[i];
		size_t ls = strlen(t->schema);
		if (!strncmp(qn, t->schema, ls) && qn[ls] == '.' && !strcmp(qn + ls + 1, t->name))
			return t;
	}
	return NULL;
}

static const sm_enum *find_enum(const sm_schema *s, const char *schema, const char *name)
{
	for (size_t i = 0; i < s->nenums; i++)
		if (eq(s->enums[i].schema, schema) && !strcmp(s->enums[i].name, name))
			return &s->enums[i];
	return NULL;
}

static const sm_sequence *find_seq(const sm_schema *s, const char *schema, const char *name)
{
	for (size_t i = 0; i < s->nseqs; i++)
		if (eq(s->seqs[i].schema, schema) && !strcmp(s->seqs[i].name, name))
			return &s->seqs[i];
	return NULL;
}

static const sm_function *find_func(const sm_schema *s, const char *schema, const char *identity)
{
	for (size_t i = 0; i < s->nfuncs; i++)
		if (eq(s->funcs[i].schema, schema) && !strcmp(s->funcs[i].identity, identity))
			return &s->funcs[i];
	return NULL;
}

static const sm_constraint *find_con(const sm_table *t, const char *name)
{
	for (size_t i = 0; t && i < t->ncons; i++)
		if (eq(t->cons[i].name, name))
			return &t->cons[i];
	return NULL;
}

static const sm_index *find_idx(const sm_index *v, size_t n, const char *name)
{
	for (size_t i = 0; i < n; i++)
		if (eq(v[i].name, name))
			return &v[i];
	return NULL;
}

static const sm_trigger *find_trg(const sm_table *t, const char *name)
{
	for (size_t i = 0; t && i < t->ntrg; i++)
		if (eq(t->trg[i].name, name))
			return &t->trg[i];
	return NULL;
}

static int has_str(char *const *v, size_t n, const char *s)
{
	for (size_t i = 0; i < n; i++)
		if (!strcmp(v[i], s))
			return 1;
	return 0;
}

static size_t table_index(const sm_schema *s, const sm_table *t)
{
	return (size_t)(t - s->tables);
}

/* ------------------------------------------------------------------ */
/* Text helpers on the catalog's renderings                            */
/* ------------------------------------------------------------------ */

/*
 * Does def mention the type (schema-qualified, as the catalog renders
 * it with an empty search_path)?  A match must not run on into a longer
 * name.
 */
static int mentions(const char *def, const char *qtype)
{
	size_t n = strlen(qtype);
	for (const char *p = def ? strstr(def, qtype) : NULL; p; p = strstr(p + 1, qtype)) {
		unsigned char after = (unsigned char)p[n];
		unsigned char before = p > def ? (unsigned char)p[-1] : ' ';
		if (!(isalnum(after) || after == '_' || after == '$') &&
		    !(isalnum(before) || before == '_' || before == '.' || before == '"'))
			return 1;
	}
	return 0;
}

/* A constraint definition without a trailing " NOT VALID". */
static int same_but_validity(const char *a, const char *b)
{
	const char *suffix = " NOT VALID";
	size_t la = strlen(a), lb = strlen(b), ls = strlen(suffix);
	if (la == lb + ls && !strcmp(a + lb, suffix))
		return !strncmp(a, b, lb);
	if (lb == la + ls && !strcmp(b + la, suffix))
		return !strncmp(a, b, la);
	return 0;
}

/* The signature part of a function definition: up to the LANGUAGE line. */
static size_t header_len(const char *def)
{
	const char *p = strstr(def, "\n LANGUAGE ");
	return p ? (size_t)(p - def) : strlen(def);
}

/* Would CREATE OR REPLACE turn a's function into b's? (same arguments and result) */
static int func_replaceable(const sm_function *a, const sm_function *b)
{
	size_t la = header_len(a->def), lb = header_len(b->def);
	return la == lb && !strncmp(a->def, b->def, la);
}

static int is_procedure(const sm_function *f)
{
	return f->def && strstr(f->def, "CREATE OR REPLACE PROCEDURE") == f->def;
}

static int is_sql_language(const sm_function *f)
{
	return f->def && strstr(f->def, "\n LANGUAGE sql\n");
}

/* schema.name(args) of a function, quoted. */
static const char *fsig(names *n, const sm_function *f)
{
	strbuf *sb = nbuf(n);
	rt_pg_qname(sb, f->schema, f->name);
	strbuf_adds(sb, f->identity + strlen(f->name));
	return sb->buf;
}

/* Does a function use (in its signature or SQL body) a table or view of s? */
static int func_is_late(const sm_schema *s, const sm_function *f)
{
	for (size_t i = 0; i < f->ndeps; i++) {
		if (table_by_dep(s, f->deps[i]))
			return 1;
		for (size_t j = 0; j < s->nviews; j++) {
			char *vn = dep_name(s->views[j].schema, s->views[j].name);
			int hit = !strcmp(vn, f->deps[i]);
			free(vn);
			if (hit)
				return 1;
		}
	}
	return 0;
}

/* ------------------------------------------------------------------ */
/* Sequence options                                                     */
/* ------------------------------------------------------------------ */

/*
 * The options of a sequence or an identity, as introspect.c writes them:
 * "AS bigint START WITH 1 INCREMENT BY 1 MINVALUE 1 MAXVALUE ... CACHE 1
 * NO CYCLE" (an identity has "SEQUENCE NAME schema.name" instead of AS).
 * Rendered, only what differs from PostgreSQL's defaults is written.
 */
enum { SQ_START, SQ_INC, SQ_MIN, SQ_MAX, SQ_CACHE, SQ_N };
static const char *const seq_words[SQ_N] = {
	"START WITH ", "INCREMENT BY ", "MINVALUE ", "MAXVALUE ", "CACHE ",
};

typedef struct seqopts {
	char *head;      /* "bigint" (AS) or the sequence's qualified name (SEQUENCE NAME) */
	char *v[SQ_N];
	int cycle;
} seqopts;

static void seqopts_parse(const char *s, seqopts *o)
{
	memset(o, 0, sizeof(*o));
	const char *start = strstr(s, "START WITH ");
	if (!start)
		return;
	const char *head = !strncmp(s, "AS ", 3) ? s + 3 :
			   !strncmp(s, "SEQUENCE NAME ", 14) ? s + 14 : NULL;
	if (head && start > head)
		o->head = xstrndup(head, (size_t)(start - head - 1));
	for (int i = 0; i < SQ_N; i++) {
		const char *p = strstr(start, seq_words[i]);
		if (p) {
			p += strlen(seq_words[i]);
			o->v[i] = xstrndup(p, strcspn(p, " "));
		}
	}
	o->cycle = !strstr(start, "NO CYCLE");
}

static void seqopts_free(seqopts *o)
{
	free(o->head);
	for (int i = 0; i < SQ_N; i++)
		free(o->v[i]);
}

/* PostgreSQL's default for option i, given the type and the increment. */
static const char *seq_default(int i, const char *type, const seqopts *o)
{
	int down = o->v[SQ_INC] && o->v[SQ_INC][0] == '-';
	const char *max = !strcmp(type, "smallint") ? "32767" :
			  !strcmp(type, "integer") ? "2147483647" : "9223372036854775807";
	const char *min = !strcmp(type, "smallint") ? "-32768" :
			  !strcmp(type, "integer") ? "-2147483648" : "-9223372036854775808";
	switch (i) {
	case SQ_START: return down ? o->v[SQ_MAX] : o->v[SQ_MIN];
	case SQ_INC: return "1";
	case SQ_MIN: return down ? min : "1";
	case SQ_MAX: return down ? "-1" : max;
	default: return "1";
	}
}

/* The options of o that differ from the defaults, joined by spaces (prefix before each). */
static void seq_nondefault(strbuf *sb, const seqopts *o, const char *type, const char *prefix)
{
	for (int i = 0; i < SQ_N; i++)
		if (o->v[i] && !eq(o->v[i], seq_default(i, type, o)))
			strbuf_addf(sb, "%s%s%s%s", sb->len ? " " : "", prefix, seq_words[i], o->v[i]);
	if (o->cycle)
		strbuf_addf(sb, "%s%sCYCLE", sb->len ? " " : "", prefix);
}

/* The options of b that differ from a's (prefix before each). */
static void seq_changes(strbuf *sb, const seqopts *a, const seqopts *b, const char *prefix)
{
	int retyped = !eq(a->head, b->head);
	for (int i = 0; i < SQ_N; i++)
		if (b->v[i] && (!eq(a->v[i], b->v[i]) || (retyped && (i == SQ_MIN || i == SQ_MAX))))
			strbuf_addf(sb, "%s%s%s%s", sb->len ? " " : "", prefix, seq_words[i], b->v[i]);
	if (a->cycle != b->cycle)
		strbuf_addf(sb, "%s%s%s", sb->len ? " " : "", prefix, b->cycle ? "CYCLE" : "NO CYCLE");
}

/* The identity sequence PostgreSQL names by itself: schema.table_column_seq. */
static int default_seq_name(const char *qname, const char *schema, const char *table,
			    const char *column)
{
	char *name = xasprintf("%s_%s_seq", table, column);
	strbuf sb = STRBUF_INIT;
	rt_pg_qname(&sb, schema, name);
	int same = !strcmp(sb.buf, qname);
	strbuf_release(&sb);
	free(name);
	return same;
}

/* " (SEQUENCE NAME ... INCREMENT BY ...)" of an identity column, "" when all default. */
static void identity_options(strbuf *sb, const char *schema, const char *table,
			     const sm_column *c)
{
	seqopts o;
	seqopts_parse(c->identity_opts ? c->identity_opts : "", &o);
	strbuf opts = STRBUF_INIT;
	if (o.head && !default_seq_name(o.head, schema, table, c->name))
		strbuf_addf(&opts, "SEQUENCE NAME %s", o.head);
	seq_nondefault(&opts, &o, c->type, "");
	if (opts.len)
		strbuf_addf(sb, " (%s)", opts.buf);
	strbuf_release(&opts);
	seqopts_free(&o);
}

/* ------------------------------------------------------------------ */
/* Rendering                                                            */
/* ------------------------------------------------------------------ */

static void col_def(strbuf *sb, const sm_table *t, const sm_column *c)
{
	rt_pg_ident(sb, c->name);
	strbuf_addf(sb, " %s", c->type);
	if (c->collation)
		strbuf_addf(sb, " COLLATE %s", c->collation);
	if (c->generated)
		strbuf_addf(sb, " GENERATED ALWAYS AS (%s) %s", c->generated,
			    c->stored ? "STORED" : "VIRTUAL");
	if (c->identity) {
		strbuf_addf(sb, " GENERATED %s AS IDENTITY",
			    c->identity == 'a' ? "ALWAYS" : "BY DEFAULT");
		identity_options(sb, t->schema, t->name, c);
	}
	if (c->def)
		strbuf_addf(sb, " DEFAULT %s", c->def);
	if (c->notnull)
		strbuf_adds(sb, " NOT NULL");
}

/* One line of a table's options ("UNLOGGED", "PARTITION BY ...", "WITH (...)"), or NULL. */
static char *option_line(const char *options, const char *prefix)
{
	for (const char *p = options; p && *p;) {
		const char *e = strchr(p, '\n');
		size_t len = e ? (size_t)(e - p) : strlen(p);
		if (!strncmp(p, prefix, strlen(prefix)))
			return xstrndup(p, len);
		p = e ? e + 1 : NULL;
	}
	return NULL;
}

static int con_inline(const sm_constraint *k)
{
	return k->kind != SM_FOREIGN && k->validated;
}

/*
 * CREATE TABLE with every column and the constraints that can be written
 * inline (not foreign keys, which wait for every table, nor NOT VALID
 * ones, which CREATE TABLE would validate).
 */
static void create_table(dd *d, const sm_table *t)
{
	sm_op *op = sm_ops_add(d->out, 0, "create table %s.%s", t->schema, t->name);
	strbuf sb = STRBUF_INIT;
	char *unlogged = option_line(t->options, "UNLOGGED");
	char *part = option_line(t->options, "PARTITION BY ");
	char *with = option_line(t->options, "WITH (");
	strbuf_addf(&sb, "CREATE %sTABLE %s (", unlogged ? "UNLOGGED " : "",
		    Q(&d->n, t->schema, t->name));
	int first = 1;
	for (size_t i = 0; i < t->ncols; i++, first = 0) {
		strbuf_adds(&sb, first ? "\n    " : ",\n    ");
		col_def(&sb, t, &t->cols[i]);
	}
	for (size_t i = 0; i < t->ncons; i++) {
		if (!con_inline(&t->cons[i]))
			continue;
		strbuf_adds(&sb, first ? "\n    " : ",\n    ");
		strbuf_addf(&sb, "CONSTRAINT %s %s", I(&d->n, t->cons[i].name), t->cons[i].def);
		first = 0;
	}
	strbuf_adds(&sb, first ? ")" : "\n)");
	if (part)
		strbuf_addf(&sb, " %s", part);
	if (with)
		strbuf_addf(&sb, " %s", with);
	sm_op_sql(op, "%s", sb.buf);
	strbuf_release(&sb);
	free(unlogged);
	free(part);
	free(with);
}

static void add_constraint(dd *d, const sm_table *t, const sm_constraint *k)
{
	sm_op *op = sm_ops_add(d->out, 0, "add %s %s on %s.%s",
			       k->kind == SM_FOREIGN ? "foreign key" :
			       k->kind == SM_PRIMARY ? "primary key" :
			       k->kind == SM_UNIQUE ? "unique constraint" :
			       k->kind == SM_CHECK ? "check constraint" : "exclusion constraint",
			       k->name, t->schema, t->name);
	sm_op_sql(op, "ALTER TABLE %s ADD CONSTRAINT %s %s", Q(&d->n, t->schema, t->name),
		  I(&d->n, k->name), k->def);
}

static void drop_constraint(dd *d, const sm_table *t, const sm_constraint *k)
{
	sm_op *op = sm_ops_add(d->out, 0, "drop constraint %s on %s.%s", k->name,
			       t->schema, t->name);
	sm_op_sql(op, "ALTER TABLE %s DROP CONSTRAINT %s", Q(&d->n, t->schema, t->name),
		  I(&d->n, k->name));
}

static int is_partitioned(const sm_table *t)
{
	return t->options && strstr(t->options, "PARTITION BY ") != NULL;
}

/*
 * CREATE INDEX as the catalog gives it.  On a partitioned table the
 * catalog writes ON ONLY (pg_dump attaches the partitions' indexes one by
 * one); retort does not manage partitions, so the index is made on them
 * too, and valid, by leaving ONLY out.
 */
static void create_index(dd *d, const char *schema, const sm_index *x, int partitioned)
{
	sm_op *op = sm_ops_add(d->out, 0, "create index %s.%s", schema, x->name);
	const char *only = partitioned ? strstr(x->def, " ON ONLY ") : NULL;
	if (only)
		sm_op_sql(op, "%.*s ON %s", (int)(only - x->def), x->def, only + 9);
	else
		sm_op_sql(op, "%s", x->def);
}

static void drop_index(dd *d, const char *schema, const sm_index *x)
{
	sm_op *op = sm_ops_add(d->out, 0, "drop index %s.%s", schema, x->name);
	sm_op_sql(op, "DROP INDEX %s", Q(&d->n, schema, x->name));
}

/* CREATE [OR REPLACE] [MATERIALIZED] VIEW; a new materialized view gets its indexes too. */
static void create_view(dd *d, const sm_view *v, int replace)
{
	sm_op *op = sm_ops_add(d->out, 0, "%s %sview %s.%s", replace ? "replace" : "create",
			       v->materialized ? "materialized " : "", v->schema, v->name);
	sm_op_sql(op, "CREATE %s%sVIEW %s AS\n%s", replace ? "OR REPLACE " : "",
		  v->materialized ? "MATERIALIZED " : "", Q(&d->n, v->schema, v->name),
		  trimmed(&d->n, v->def));
	for (size_t i = 0; v->materialized && !replace && i < v->nidx; i++)
		sm_op_sql(op, "%s", v->idx[i].def);
}

static void drop_view(dd *d, const sm_view *v)
{
	sm_op *op = sm_ops_add(d->out, 0, "drop %sview %s.%s", v->materialized ? "materialized " : "",
			       v->schema, v->name);
	sm_op_sql(op, "DROP %sVIEW %s", v->materialized ? "MATERIALIZED " : "",
		  Q(&d->n, v->schema, v->name));
}

static void create_function(dd *d, const sm_function *f, int replace)
{
	sm_op *op = sm_ops_add(d->out, 0, "%s %s %s.%s", replace ? "replace" : "create",
			       is_procedure(f) ? "procedure" : "function", f->schema, f->identity);
	int wrap = is_sql_language(f);
	if (wrap) /* its body may read tables made later: check it when it runs */
		sm_op_sql(op, "SET check_function_bodies = false");
	sm_op_sql(op, "%s", trimmed(&d->n, f->def));
	if (wrap)
		sm_op_sql(op, "RESET check_function_bodies");
}

static void drop_function(dd *d, const sm_function *f)
{
	const char *kind = is_procedure(f) ? "PROCEDURE" : "FUNCTION";
	sm_op *op = sm_ops_add(d->out, 0, "drop %s %s.%s", is_procedure(f) ? "procedure" : "function",
			       f->schema, f->identity);
	sm_op_sql(op, "DROP %s %s", kind, fsig(&d->n, f));
}

static void create_trigger(dd *d, const sm_table *t, const sm_trigger *g)
{
	sm_op *op = sm_ops_add(d->out, 0, "create trigger %s on %s.%s", g->name, t->schema, t->name);
	sm_op_sql(op, "%s", g->def);
}

static void drop_trigger(dd *d, const sm_table *t, const sm_trigger *g)
{
	sm_op *op = sm_ops_add(d->out, 0, "drop trigger %s on %s.%s", g->name, t->schema, t->name);
	sm_op_sql(op, "DROP TRIGGER %s ON %s", I(&d->n, g->name), Q(&d->n, t->schema, t->name));
}

/* ------------------------------------------------------------------ */
/* What changes: marking                                               */
/* ------------------------------------------------------------------ */

/* Is column a's type (or array of it) the enum named qtype (quoted, qualified)? */
static int col_of_type(const sm_column *c, const char *qtype)
{
	size_t n = strlen(qtype);
	return !strncmp(c->type, qtype, n) && (!c->type[n] || !strcmp(c->type + n, "[]"));
}

/* Is the enum (on both sides) recreated by the rename-create-recast-drop dance? */
static int enum_dance(const sm_enum *a, const sm_enum *b)
{
	size_t j = 0;
	for (size_t i = 0; i < b->nlabels && j < a->nlabels; i++)
		if (!strcmp(b->labels[i], a->labels[j]))
			j++;
	return j < a->nlabels; /* a's labels are not all in b in the same order */
}

/* Is column x (of a) recast to the new version of a danced enum? */
static int col_recast(const dd *d, const sm_column *x, const sm_column *y)
{
	if (strcmp(x->type, y->type))
		return 0;
	for (size_t i = 0; i < d->dance.n; i++) {
		const char *dot = strchr(d->dance.v[i], '.');
		char *schema = xstrndup(d->dance.v[i], (size_t)(dot - d->dance.v[i]));
		strbuf q = STRBUF_INIT;
		rt_pg_qname(&q, schema, dot + 1);
		int hit = col_of_type(x, q.buf);
		strbuf_release(&q);
		free(schema);
		if (hit)
			return 1;
	}
	return 0;
}

/* Does def mention one of the danced enum types? */
static int mentions_dance(const dd *d, const char *def)
{
	for (size_t i = 0; i < d->dance.n; i++) {
		const char *dot = strchr(d->dance.v[i], '.');
		char *schema = xstrndup(d->dance.v[i], (size_t)(dot - d->dance.v[i]));
		strbuf q = STRBUF_INIT;
		rt_pg_qname(&q, schema, dot + 1);
		int hit = mentions(def, q.buf);
		strbuf_release(&q);
		free(schema);
		if (hit)
			return 1;
	}
	return 0;
}

/*
 * Does def (a default, check or index) call a function of a that is
 * dropped (and made again when b has it)?  The server refuses DROP
 * FUNCTION under it, so it goes first and comes back after.
 */
static int calls_dropped_function(const dd *d, const char *def)
{
	for (size_t i = 0; def && i < d->a->nfuncs; i++) {
		if (!d->fa_drop[i])
			continue;
		strbuf q = STRBUF_INIT;
		rt_pg_qname(&q, d->a->funcs[i].schema, d->a->funcs[i].name);
		strbuf_addc(&q, '(');
		int hit = strstr(def, q.buf) != NULL;
		strbuf_release(&q);
		if (hit)
			return 1;
	}
	return 0;
}

/* Does the column change type (or collation, or enum version)? */
static int col_type_changes(const dd *d, const sm_column *x, const sm_column *y)
{
	return strcmp(x->type, y->type) || !eq(x->collation, y->collation) || col_recast(d, x, y);
}

/*
 * Does generated column y read a column whose type changes?  PostgreSQL
 * refuses to change it under the expression.  The expression names
 * columns bare (quoted when needed), so the name is looked for.
 */
static int reads_retyped(const dd *d, const sm_table *ta, const sm_table *tb,
			 const sm_column *y)
{
	for (size_t i = 0; i < tb->ncols; i++) {
		const sm_column *c = &tb->cols[i];
		const sm_column *x = sm_find_column(ta, c->name);
		if (c == y || !x || !col_type_changes(d, x, c))
			continue;
		strbuf q = STRBUF_INIT;
		rt_pg_ident(&q, c->name);
		int hit = mentions(y->generated, q.buf);
		strbuf_release(&q);
		if (hit)
			return 1;
	}
	return 0;
}

/*
 * Is x a generated column of a that calls a function dropped and made
 * again?  The server refuses DROP FUNCTION under it: release_functions
 * drops the column (or its expression) first.  Only the functions
 * mark_functions drops (fa_drop 1) count: the rest go after the tables.
 */
static int released_column(const dd *d, const sm_column *x)
{
	for (size_t i = 0; x->generated && i < d->a->nfuncs; i++) {
		if (d->fa_drop[i] != 1)
			continue;
		strbuf q = STRBUF_INIT;
		rt_pg_qname(&q, d->a->funcs[i].schema, d->a->funcs[i].name);
		strbuf_addc(&q, '(');
		int hit = strstr(x->generated, q.buf) != NULL;
		strbuf_release(&q);
		if (hit)
			return 1;
	}
	return 0;
}

/*
 * Must a generated column be dropped and added again: its expression
 * changes, a column it reads changes type, or a function it calls is
 * made again?
 */
static int col_rebuilt(const dd *d, const sm_table *ta, const sm_table *tb,
		       const sm_column *x, const sm_column *y)
{
	if (!y->generated)
		return 0;
	return !x->generated || strcmp(x->generated, y->generated) || x->stored != y->stored ||
	       reads_retyped(d, ta, tb, y) || released_column(d, x);
}

/*
 * How many of b's columns (from the first) stay where they are: columns
 * of a, in a's order, not rebuilt.  Every later column is added at the
 * end in b's order, new ones and existing ones moved there (a column
 * cannot move in place), so the table ends with b's column order.
 */
static size_t kept_prefix(const dd *d, const sm_table *ta, const sm_table *tb)
{
	size_t last = 0, i;
	for (i = 0; i < tb->ncols; i++) {
		const sm_column *x = sm_find_column(ta, tb->cols[i].name);
		if (!x || col_rebuilt(d, ta, tb, x, &tb->cols[i]) || (size_t)(x - ta->cols) < last)
			break;
		last = (size_t)(x - ta->cols);
	}
	return i;
}

/* Is column y of b's table tb (which a has as ta) moved to the end? */
static int col_moved(const dd *d, const sm_table *ta, const sm_table *tb, const sm_column *y)
{
	const sm_column *x = sm_find_column(ta, y->name);
	return x && !col_rebuilt(d, ta, tb, x, y) &&
	       (size_t)(y - tb->cols) >= d->prefix[table_index(d->a, ta)];
}

/* Is the column dropped and added again (rebuilt or moved)? */
static int col_remade(const dd *d, const sm_table *ta, const sm_table *tb,
		      const sm_column *x, const sm_column *y)
{
	return col_rebuilt(d, ta, tb, x, y) || col_moved(d, ta, tb, y);
}

/*
 * Columns whose dependents (views, from pg_depend's column-level
 * entries "schema.table.column") must be dropped first: dropped, rebuilt,
 * moved, or changing type.
 */
static void mark_columns(dd *d, const sm_table *ta, const sm_table *tb)
{
	for (size_t i = 0; i < ta->ncols; i++) {
		const sm_column *x = &ta->cols[i];
		const sm_column *y = sm_find_column(tb, x->name);
		if (y && !col_remade(d, ta, tb, x, y) && !col_type_changes(d, x, y))
			continue;
		char *n = xasprintf("%s.%s.%s", ta->schema, ta->name, x->name);
		mark_dirty(d, n);
		free(n);
	}
}

/* Flags of a table on both sides, from its columns. */
static unsigned column_flags(const dd *d, const sm_table *ta, const sm_table *tb)
{
	unsigned f = 0;
	for (size_t i = 0; i < ta->ncols; i++) {
		const sm_column *x = &ta->cols[i];
		const sm_column *y = sm_find_column(tb, x->name);
		if (!y)
			f |= TF_TRIGGERS;
		else if (col_remade(d, ta, tb, x, y))
			f |= TF_TRIGGERS | TF_ALL | TF_FKIN;
		else if (col_type_changes(d, x, y) || (x->generated && !y->generated))
			f |= TF_TRIGGERS;
	}
	return f;
}

/* Does a column of a's table ta named in cols change type (collation, enum version) in b? */
static int cols_retyped(const dd *d, const sm_table *ta, char *const *cols, size_t n)
{
	const sm_table *tb = ta ? find_table(d->b, ta->schema, ta->name) : NULL;
	for (size_t i = 0; tb && i < n; i++) {
		const sm_column *x = sm_find_column(ta, cols[i]);
		const sm_column *y = sm_find_column(tb, cols[i]);
		if (x && y && col_type_changes(d, x, y))
			return 1;
	}
	return 0;
}

/* Is a's constraint k (of table ta) dropped: gone, changed, or forced? */
static int con_dropped(const dd *d, const sm_table *ta, const sm_table *tb,
		       const sm_constraint *k)
{
	const sm_constraint *m = tb ? find_con(tb, k->name) : NULL;
	if (!m || m->kind != k->kind)
		return 1;
	unsigned f = d->tflags[table_index(d->a, ta)];
	if (f & TF_ALL)
		return 1;
	if (k->kind == SM_FOREIGN && k->ref_table) {
		const sm_table *r = table_by_dep(d->a, k->ref_table);
		if (r && (d->tflags[table_index(d->a, r)] & TF_FKIN))
			return 1;
		/*
		 * Its columns or the ones it references change type: the
		 * server checks the pair at each ALTER COLUMN TYPE, so the key
		 * goes first and comes back when both have their new types.
		 */
		if (cols_retyped(d, ta, k->cols, k->ncols) ||
		    cols_retyped(d, r, k->ref_cols, k->nref_cols))
			return 1;
	}
	if (mentions_dance(d, k->def) || calls_dropped_function(d, k->def))
		return 1;
	if (!strcmp(k->def, m->def) && k->validated == m->validated)
		return 0;
	/* NOT VALID -> valid is ALTER TABLE ... VALIDATE CONSTRAINT */
	return !(!k->validated && m->validated && same_but_validity(k->def, m->def));
}

/* Is a's index x (of table ta) dropped? */
static int idx_dropped(const dd *d, const sm_table *ta, const sm_table *tb, const sm_index *x)
{
	const sm_index *m = tb ? find_idx(tb->idx, tb->nidx, x->name) : NULL;
	if (!m || strcmp(m->def, x->def))
		return 1;
	return (d->tflags[table_index(d->a, ta)] & TF_ALL) || mentions_dance(d, x->def) ||
	       calls_dropped_function(d, x->def);
}

/* Keys of a table change (so foreign keys pointing at it are made again). */
static unsigned key_flags(const dd *d, const sm_table *ta, const sm_table *tb)
{
	unsigned f = 0;
	for (size_t i = 0; i < ta->ncons; i++) {
		const sm_constraint *k = &ta->cons[i];
		if ((k->kind == SM_PRIMARY || k->kind == SM_UNIQUE) && con_dropped(d, ta, tb, k))
			f |= TF_FKIN | (k->kind == SM_PRIMARY ? TF_VIEWS : 0);
	}
	for (size_t i = 0; i < ta->nidx; i++)
		if (ta->idx[i].unique && !ta->idx[i].constraint && idx_dropped(d, ta, tb, &ta->idx[i]))
			f |= TF_FKIN;
	return f;
}

/* Enum types recreated by the dance. */
static void mark_dances(dd *d)
{
	for (size_t i = 0; i < d->a->nenums; i++) {
		const sm_enum *x = &d->a->enums[i];
		const sm_enum *y = find_enum(d->b, x->schema, x->name);
		if (y && enum_dance(x, y)) {
			char *n = dep_name(x->schema, x->name);
			rt_strlist_push(&d->dance, n);
			mark_dirty(d, n);
			free(n);
		}
	}
}

/* Flags of every table on both sides; views over flagged tables become dirty. */
static void mark_tables(dd *d)
{
	for (size_t i = 0; i < d->a->ntables; i++) {
		const sm_table *ta = &d->a->tables[i];
		const sm_table *tb = find_table(d->b, ta->schema, ta->name);
		if (!tb)
			continue;
		d->prefix[i] = kept_prefix(d, ta, tb);
		d->tflags[i] = (unsigned char)column_flags(d, ta, tb);
		mark_columns(d, ta, tb);
	}
	/* keys depend on the column flags of every table (TF_ALL) */
	for (size_t i = 0; i < d->a->ntables; i++) {
		const sm_table *ta = &d->a->tables[i];
		const sm_table *tb = find_table(d->b, ta->schema, ta->name);
		if (tb)
			d->tflags[i] |= (unsigned char)key_flags(d, ta, tb);
	}
	for (size_t i = 0; i < d->a->ntables; i++) {
		const sm_table *ta = &d->a->tables[i];
		const sm_table *tb = find_table(d->b, ta->schema, ta->name);
		char *n = dep_name(ta->schema, ta->name);
		if (!tb || (d->tflags[i] & TF_VIEWS))
			mark_dirty(d, n);
		free(n);
	}
}

/* Does a function's signature use an enum type that is recreated? */
static int uses_dance(const dd *d, const sm_function *f)
{
	for (size_t j = 0; j < f->ndeps; j++)
		if (rt_strlist_has(&d->dance, f->deps[j]))
			return 1;
	return 0;
}

/*
 * Functions of a that are dropped: gone, changed beyond CREATE OR
 * REPLACE (arguments or result), or using an enum type that is
 * recreated.  What uses them must go first.
 */
static void mark_functions(dd *d)
{
	for (size_t i = 0; i < d->a->nfuncs; i++) {
		const sm_function *f = &d->a->funcs[i];
		const sm_function *g = find_func(d->b, f->schema, f->identity);
		if (g && func_replaceable(f, g) && !uses_dance(d, f))
			continue;
		char *n = dep_name(f->schema, f->identity);
		mark_dirty(d, n);
		free(n);
		d->fa_drop[i] = 1;
	}
}

/*
 * Can CREATE OR REPLACE VIEW turn view x into y?  Only when y keeps x's
 * columns (names and types, in order) and at most adds some at the end.
 */
static int view_replaceable(const sm_view *x, const sm_view *y)
{
	if (x->materialized || y->materialized || x->ncols > y->ncols)
		return 0;
	for (size_t i = 0; i < x->ncols; i++)
		if (strcmp(x->cols[i], y->cols[i]))
			return 0;
	return 1;
}

/* Does one of deps name something dropped and made again (or a recreated enum type)? */
static int deps_dirty(const dd *d, char *const *deps, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (is_dirty(d, deps[i]) || rt_strlist_has(&d->dance, deps[i]))
			return 1;
	return 0;
}

/*
 * Views (and functions that use relations) of a that must be dropped:
 * gone, changed beyond CREATE OR REPLACE, or reading something dirty.
 * Each one found is dirty in turn (what reads it must go too), so this
 * runs until it finds nothing more.
 */
static int mark_views_once(dd *d)
{
	int more = 0;
	for (size_t i = 0; i < d->a->nviews; i++) {
		const sm_view *x = &d->a->views[i];
		if (d->va_drop[i])
			continue;
		const sm_view *y = sm_find_view(d->b, x->schema, x->name);
		int drop = !y || x->materialized != y->materialized ||
			   deps_dirty(d, x->deps, x->ndeps) ||
			   (strcmp(x->def, y->def) && !view_replaceable(x, y));
		if (!drop)
			continue;
		d->va_drop[i] = 1;
		char *n = dep_name(x->schema, x->name);
		mark_dirty(d, n);
		free(n);
		more = 1;
	}
	for (size_t i = 0; i < d->a->nfuncs; i++) {
		const sm_function *f = &d->a->funcs[i];
		if (d->fa_drop[i] || !func_is_late(d->a, f) || !deps_dirty(d, f->deps, f->ndeps))
			continue;
		d->fa_drop[i] = 2; /* late: after the tables (released_column ignores it) */
		char *n = dep_name(f->schema, f->identity);
		mark_dirty(d, n);
		free(n);
		more = 1;
	}
	return more;
}

/* Views and functions of b to make: new, dropped above, or changed. */
static void mark_makes(dd *d)
{
	for (size_t j = 0; j < d->b->nviews; j++) {
		const sm_view *y = &d->b->views[j];
		const sm_view *x = sm_find_view(d->a, y->schema, y->name);
		if (!x || d->va_drop[(size_t)(x - d->a->views)])
			d->vb_make[j] = 1;
		else if (strcmp(x->def, y->def))
			d->vb_make[j] = 2;
	}
	for (size_t j = 0; j < d->b->nfuncs; j++) {
		const sm_function *g = &d->b->funcs[j];
		const sm_function *f = find_func(d->a, g->schema, g->identity);
		if (!f || d->fa_drop[(size_t)(f - d->a->funcs)])
			d->fb_make[j] = 1;
		else if (strcmp(f->def, g->def))
			d->fb_make[j] = 2;
	}
}

/* Is trigger g (of a's table ta) dropped? */
static int trg_dropped(const dd *d, const sm_table *ta, const sm_table *tb, const sm_trigger *g)
{
	const sm_trigger *m = tb ? find_trg(tb, g->name) : NULL;
	if (!m || strcmp(m->def, g->def))
		return 1;
	if (d->tflags[table_index(d->a, ta)] & TF_TRIGGERS)
		return 1;
	for (size_t i = 0; i < d->a->nfuncs; i++) {
		const sm_function *f = &d->a->funcs[i];
		if (!d->fa_drop[i])
			continue;
		strbuf q = STRBUF_INIT;
		strbuf_adds(&q, "FUNCTION ");
		rt_pg_qname(&q, f->schema, f->name);
		strbuf_addc(&q, '(');
		int hit = strstr(g->def, q.buf) != NULL;
		strbuf_release(&q);
		if (hit)
			return 1;
	}
	return 0;
}

/* ------------------------------------------------------------------ */
/* Ordering views and functions that use relations                     */
/* ------------------------------------------------------------------ */

/* A node of the dependency order: a view or a function. */
typedef struct node {
	const sm_view *v;
	const sm_function *f;
	char *name;   /* dep name */
	int done;
} node;

/* Every view and every function that uses a relation of s, as nodes. */
static void nodes_build(const sm_schema *s, node **out, size_t *n)
{
	*out = xcalloc(s->nviews + s->nfuncs + 1, sizeof(node));
	*n = 0;
	for (size_t i = 0; i < s->nviews; i++) {
		node *x = &(*out)[(*n)++];
		x->v = &s->views[i];
		x->name = dep_name(x->v->schema, x->v->name);
	}
	for (size_t i = 0; i < s->nfuncs; i++) {
		if (!func_is_late(s, &s->funcs[i]))
			continue;
		node *x = &(*out)[(*n)++];
		x->f = &s->funcs[i];
		x->name = dep_name(x->f->schema, x->f->identity);
	}
}

static void nodes_free(node *v, size_t n)
{
	for (size_t i = 0; i < n; i++)
		free(v[i].name);
	free(v);
}

/* Does node x use a node not yet done? */
static int node_waits(const node *v, size_t n, const node *x)
{
	char *const *deps = x->v ? x->v->deps : x->f->deps;
	size_t nd = x->v ? x->v->ndeps : x->f->ndeps;
	for (size_t i = 0; i < n; i++)
		if (!v[i].done && &v[i] != x && has_str(deps, nd, v[i].name))
			return 1;
	return 0;
}

/*
 * The nodes in dependency order (what they use first; name order among
 * equals).  A cycle, which PostgreSQL itself would refuse, ends in name
 * order.
 */
static size_t *nodes_order(node *v, size_t n)
{
	size_t *order = xcalloc(n + 1, sizeof(size_t)), k = 0;
	while (k < n) {
		size_t before = k;
		for (size_t i = 0; i < n; i++)
			if (!v[i].done && !node_waits(v, n, &v[i])) {
				v[i].done = 1;
				order[k++] = i;
			}
		if (k == before)
			for (size_t i = 0; i < n; i++)
				if (!v[i].done) {
					v[i].done = 1;
					order[k++] = i;
					break;
				}
	}
	return order;
}

/* ------------------------------------------------------------------ */
/* The phases                                                           */
/* ------------------------------------------------------------------ */

static void drop_triggers(dd *d)
{
	for (size_t i = 0; i < d->a->ntables; i++) {
		const sm_table *ta = &d->a->tables[i];
		const sm_table *tb = find_table(d->b, ta->schema, ta->name);
		if (!tb)
			continue; /* they go with the table */
		for (size_t j = 0; j < ta->ntrg; j++)
			if (trg_dropped(d, ta, tb, &ta->trg[j]))
				drop_trigger(d, ta, &ta->trg[j]);
	}
}

/* Views and functions that use relations, dependents first. */
static void drop_views(dd *d)
{
	node *v;
	size_t n;
	nodes_build(d->a, &v, &n);
	size_t *order = nodes_order(v, n);
	for (size_t k = n; k-- > 0;) {
		const node *x = &v[order[k]];
		if (x->v && d->va_drop[(size_t)(x->v - d->a->views)])
			drop_view(d, x->v);
		else if (x->f && d->fa_drop[(size_t)(x->f - d->a->funcs)])
			drop_function(d, x->f);
	}
	free(order);
	nodes_free(v, n);
	/* indexes of materialized views that stay */
	for (size_t i = 0; i < d->a->nviews; i++) {
		const sm_view *x = &d->a->views[i];
		const sm_view *y = sm_find_view(d->b, x->schema, x->name);
		if (d->va_drop[i] || !y)
			continue;
		for (size_t j = 0; j < x->nidx; j++) {
			const sm_index *m = find_idx(y->idx, y->nidx, x->idx[j].name);
			if (!m || strcmp(m->def, x->idx[j].def))
				drop_index(d, x->schema, &x->idx[j]);
		}
	}
}

/* Foreign keys (foreign) or the other constraints of a that go or are made again. */
static void drop_constraints(dd *d, int foreign)
{
	for (size_t i = 0; i < d->a->ntables; i++) {
		const sm_table *ta = &d->a->tables[i];
		const sm_table *tb = find_table(d->b, ta->schema, ta->name);
		if (!tb && !foreign)
			continue;
		for (size_t j = 0; j < ta->ncons; j++) {
			const sm_constraint *k = &ta->cons[j];
			if ((k->kind == SM_FOREIGN) == foreign && con_dropped(d, ta, tb, k))
				drop_constraint(d, ta, k);
		}
	}
}

/* Indexes of a's tables that go or are made again (not those of constraints). */
static void drop_indexes(dd *d)
{
	for (size_t i = 0; i < d->a->ntables; i++) {
		const sm_table *ta = &d->a->tables[i];
		const sm_table *tb = find_table(d->b, ta->schema, ta->name);
		if (!tb)
			continue;
		for (size_t j = 0; j < ta->nidx; j++)
			if (!ta->idx[j].constraint && idx_dropped(d, ta, tb, &ta->idx[j]))
				drop_index(d, ta->schema, &ta->idx[j]);
	}
}

/* The table and column "schema.table.column" names, in s (NULL when absent). */
static const sm_table *owner_of(const sm_schema *s, const char *owned_by, const char **col)
{
	for (size_t i = 0; owned_by && i < s->ntables; i++) {
		const sm_table *t = &s->tables[i];
		size_t ls = strlen(t->schema), ln = strlen(t->name);
		if (!strncmp(owned_by, t->schema, ls) && owned_by[ls] == '.' &&
		    !strncmp(owned_by + ls + 1, t->name, ln) && owned_by[ls + 1 + ln] == '.' &&
		    sm_find_column(t, owned_by + ls + ln + 2)) {
			*col = owned_by + ls + ln + 2;
			return t;
		}
	}
	return NULL;
}

/* Does a sequence's owner (in a) go away, or change? */
static int owner_changes(const dd *d, const sm_sequence *x, const sm_sequence *y)
{
	if (!x->owned_by)
		return 0;
	if (!y || !eq(x->owned_by, y->owned_by))
		return 1;
	const char *col;
	const sm_table *ta = owner_of(d->a, x->owned_by, &col);
	const sm_table *tb = ta ? find_table(d->b, ta->schema, ta->name) : NULL;
	if (!tb)
		return 1;
	const sm_column *cx = sm_find_column(ta, col), *cy = sm_find_column(tb, col);
	return !cy || col_remade(d, ta, tb, cx, cy);
}

/* OWNED BY NONE before a sequence's owning column goes: else the sequence would go with it. */
static void disown_sequences(dd *d)
{
	for (size_t i = 0; i < d->a->nseqs; i++) {
		const sm_sequence *x = &d->a->seqs[i];
		const sm_sequence *y = find_seq(d->b, x->schema, x->name);
		if (!owner_changes(d, x, y))
			continue;
		sm_op *op = sm_ops_add(d->out, 0, "sequence %s.%s: owned by nothing", x->schema, x->name);
		sm_op_sql(op, "ALTER SEQUENCE %s OWNED BY NONE", Q(&d->n, x->schema, x->name));
	}
}

/* Schemas of b only, before anything is made in them. */
static void create_schemas(dd *d)
{
	for (size_t i = 0; i < d->b->nschemas; i++) {
		if (has_str(d->a->schemas, d->a->nschemas, d->b->schemas[i]))
			continue;
		sm_op *op = sm_ops_add(d->out, 0, "create schema %s", d->b->schemas[i]);
		sm_op_sql(op, "CREATE SCHEMA %s", I(&d->n, d->b->schemas[i]));
	}
}

/* Schemas of a only, last: DROP SCHEMA without CASCADE fails if anything is left in them. */
static void drop_schemas(dd *d)
{
	for (size_t i = 0; i < d->a->nschemas; i++) {
		if (has_str(d->b->schemas, d->b->nschemas, d->a->schemas[i]))
			continue;
		sm_op *op = sm_ops_add(d->out, 1, "drop schema %s", d->a->schemas[i]);
		sm_op_note(op, "drops schema %s (it must be empty)", d->a->schemas[i]);
		sm_op_sql(op, "DROP SCHEMA %s", I(&d->n, d->a->schemas[i]));
	}
}

static void enum_labels(strbuf *sb, const sm_enum *e)
{
	for (size_t i = 0; i < e->nlabels; i++) {
		if (i)
			strbuf_adds(sb, ", ");
		sql_literal(sb, e->labels[i]);
	}
}

/* CREATE TYPE ... AS ENUM with the labels in order. */
static void create_enum(dd *d, const sm_enum *e)
{
	sm_op *op = sm_ops_add(d->out, 0, "create type %s.%s", e->schema, e->name);
	strbuf sb = STRBUF_INIT;
	enum_labels(&sb, e);
	sm_op_sql(op, "CREATE TYPE %s AS ENUM (%s)", Q(&d->n, e->schema, e->name), strbuf_str(&sb));
	strbuf_release(&sb);
}

/* Does a definition of s use the enum value ('label'::type)? */
static int label_used(const sm_schema *s, const char *qtype, const char *label)
{
	strbuf lit = STRBUF_INIT;
	sql_literal(&lit, label);
	strbuf_addf(&lit, "::%s", qtype);
	int used = 0;
	for (size_t i = 0; i < s->ntables && !used; i++) {
		const sm_table *t = &s->tables[i];
		for (size_t j = 0; j < t->ncols && !used; j++)
			used = mentions(t->cols[j].def, lit.buf) || mentions(t->cols[j].generated, lit.buf);
		for (size_t j = 0; j < t->ncons && !used; j++)
			used = mentions(t->cons[j].def, lit.buf);
		for (size_t j = 0; j < t->nidx && !used; j++)
			used = mentions(t->idx[j].def, lit.buf);
		for (size_t j = 0; j < t->ntrg && !used; j++)
			used = mentions(t->trg[j].def, lit.buf);
	}
	for (size_t i = 0; i < s->nviews && !used; i++)
		used = mentions(s->views[i].def, lit.buf);
	strbuf_release(&lit);
	return used;
}

/* New labels of an enum whose old labels all stay, in order. */
static void add_enum_values(dd *d, const sm_enum *x, const sm_enum *y)
{
	for (size_t i = 0; i < y->nlabels; i++) {
		if (has_str(x->labels, x->nlabels, y->labels[i]))
			continue;
		sm_op *op = sm_ops_add(d->out, 0, "type %s.%s: add value %s", y->schema, y->name,
				       y->labels[i]);
		if (label_used(d->b, Q(&d->n, y->schema, y->name), y->labels[i]))
			sm_op_note(op, "PostgreSQL cannot use the new value %s before this transaction commits, and a default, check, index or view below does: put this step in a migration of its own (or mark this one transaction:false)",
				   y->labels[i]);
		if (i > 0)
			sm_op_sql(op, "ALTER TYPE %s ADD VALUE %s AFTER %s", Q(&d->n, y->schema, y->name),
				  L(&d->n, y->labels[i]), L(&d->n, y->labels[i - 1]));
		else if (y->nlabels > 1 && x->nlabels)
			sm_op_sql(op, "ALTER TYPE %s ADD VALUE %s BEFORE %s", Q(&d->n, y->schema, y->name),
				  L(&d->n, y->labels[i]), L(&d->n, y->labels[1]));
		else
			sm_op_sql(op, "ALTER TYPE %s ADD VALUE %s", Q(&d->n, y->schema, y->name),
				  L(&d->n, y->labels[i]));
	}
}

/* The name an enum type has while its columns move to the new version. */
static char *old_enum_name(const char *name)
{
	char *s = xasprintf("%.50s__retort_old", name);
	return s;
}

/* First half of the dance: the old type renamed away, the new one made. */
static void dance_start(dd *d, const sm_enum *x, const sm_enum *y)
{
	char *old = old_enum_name(x->name);
	strbuf gone = STRBUF_INIT;
	for (size_t i = 0; i < x->nlabels; i++)
		if (!has_str(y->labels, y->nlabels, x->labels[i]))
			strbuf_addf(&gone, "%s%s", gone.len ? ", " : "", x->labels[i]);
	sm_op *op = sm_ops_add(d->out, gone.len > 0, "type %s.%s: %s (recreated)", x->schema,
			       x->name, gone.len ? "values removed" : "values reordered");
	if (gone.len)
		sm_op_note(op, "removes values %s of type %s.%s: the change fails if rows still hold them",
			   gone.buf, x->schema, x->name);
	sm_op_sql(op, "ALTER TYPE %s RENAME TO %s", Q(&d->n, x->schema, x->name), I(&d->n, old));
	strbuf sb = STRBUF_INIT;
	enum_labels(&sb, y);
	sm_op_sql(op, "CREATE TYPE %s AS ENUM (%s)", Q(&d->n, y->schema, y->name), strbuf_str(&sb));
	strbuf_release(&sb);
	strbuf_release(&gone);
	free(old);
}

/* New enum types, added values, and the first half of each dance. */
static void enums_first(dd *d)
{
	for (size_t i = 0; i < d->b->nenums; i++) {
		const sm_enum *y = &d->b->enums[i];
		const sm_enum *x = find_enum(d->a, y->schema, y->name);
		if (!x)
			create_enum(d, y);
		else if (enum_dance(x, y))
			dance_start(d, x, y);
		else
			add_enum_values(d, x, y);
	}
}

/* Removed enum types and the old versions left by the dances, once no column uses them. */
static void enums_last(dd *d)
{
	for (size_t i = 0; i < d->a->nenums; i++) {
		const sm_enum *x = &d->a->enums[i];
		const sm_enum *y = find_enum(d->b, x->schema, x->name);
		if (y && !enum_dance(x, y))
			continue;
		char *old = y ? old_enum_name(x->name) : NULL;
		sm_op *op = sm_ops_add(d->out, 0, "drop type %s.%s%s", x->schema, y ? old : x->name,
				       y ? " (the old version)" : "");
		sm_op_sql(op, "DROP TYPE %s", Q(&d->n, x->schema, y ? old : x->name));
		free(old);
	}
}

/* New sequences, and changed options (only those that change). */
static void sequences_first(dd *d)
{
	for (size_t i = 0; i < d->b->nseqs; i++) {
		const sm_sequence *y = &d->b->seqs[i];
		const sm_sequence *x = find_seq(d->a, y->schema, y->name);
		if (x && eq(x->def, y->def))
			continue;
		sm_op *op = sm_ops_add(d->out, 0, "%s sequence %s.%s", x ? "alter" : "create",
				       y->schema, y->name);
		seqopts a, b;
		seqopts_parse(x ? x->def : "", &a);
		seqopts_parse(y->def, &b);
		strbuf sb = STRBUF_INIT;
		if (b.head && (x ? !eq(a.head, b.head) : strcmp(b.head, "bigint")))
			strbuf_addf(&sb, "AS %s", b.head);
		if (x)
			seq_changes(&sb, &a, &b, "");
		else
			seq_nondefault(&sb, &b, b.head ? b.head : "bigint", "");
		if (x && (!eq(a.v[SQ_MIN], b.v[SQ_MIN]) || !eq(a.v[SQ_MAX], b.v[SQ_MAX])))
			sm_op_note(op, "fails if the current value of %s.%s is outside the new range (add RESTART WITH a value inside it)",
				   y->schema, y->name);
		sm_op_sql(op, "%s SEQUENCE %s%s%s", x ? "ALTER" : "CREATE",
			  Q(&d->n, y->schema, y->name), sb.len ? " " : "", strbuf_str(&sb));
		strbuf_release(&sb);
		seqopts_free(&a);
		seqopts_free(&b);
	}
}

/* Removed sequences, after the defaults that used them changed. */
static void sequences_last(dd *d)
{
	for (size_t i = 0; i < d->a->nseqs; i++) {
		const sm_sequence *x = &d->a->seqs[i];
		if (find_seq(d->b, x->schema, x->name))
			continue;
		sm_op *op = sm_ops_add(d->out, 0, "drop sequence %s.%s", x->schema, x->name);
		sm_op_sql(op, "DROP SEQUENCE %s", Q(&d->n, x->schema, x->name));
	}
}

/* OWNED BY for sequences whose owner is new or changed, once the owning tables exist. */
static void own_sequences(dd *d)
{
	for (size_t i = 0; i < d->b->nseqs; i++) {
		const sm_sequence *y = &d->b->seqs[i];
		const sm_sequence *x = find_seq(d->a, y->schema, y->name);
		if (!y->owned_by || (x && eq(x->owned_by, y->owned_by) && !owner_changes(d, x, y)))
			continue;
		const char *col;
		const sm_table *t = owner_of(d->b, y->owned_by, &col);
		if (!t)
			continue;
		sm_op *op = sm_ops_add(d->out, 0, "sequence %s.%s: owned by %s", y->schema, y->name,
				       y->owned_by);
		sm_op_sql(op, "ALTER SEQUENCE %s OWNED BY %s.%s", Q(&d->n, y->schema, y->name),
			  Q(&d->n, t->schema, t->name), I(&d->n, col));
	}
}

/*
 * Functions that use no relation and are dropped early: those made
 * again, and those whose signature names an enum type about to be
 * renamed away (after that, the name means its new version).
 */
static int early_drop(const dd *d, size_t i)
{
	const sm_function *f = &d->a->funcs[i];
	return d->fa_drop[i] && !func_is_late(d->a, f) &&
	       (find_func(d->b, f->schema, f->identity) || uses_dance(d, f));
}

static void drop_changed_functions(dd *d)
{
	for (size_t i = 0; i < d->a->nfuncs; i++)
		if (early_drop(d, i))
			drop_function(d, &d->a->funcs[i]);
}

/* Functions that use no relation: made before the tables (defaults, checks, indexes use them). */
static void functions_first(dd *d)
{
	for (size_t j = 0; j < d->b->nfuncs; j++) {
		const sm_function *g = &d->b->funcs[j];
		if (d->fb_make[j] && !func_is_late(d->b, g))
			create_function(d, g, d->fb_make[j] == 2);
	}
}

/* Functions of a that are gone and use no relation (after the tables that used them). */
static void functions_last(dd *d)
{
	for (size_t i = 0; i < d->a->nfuncs; i++) {
		const sm_function *f = &d->a->funcs[i];
		if (d->fa_drop[i] && !func_is_late(d->a, f) && !early_drop(d, i))
			drop_function(d, f);
	}
}

/* ---- columns ---- */

static int type_is(const char *t, const char *prefix)
{
	return !strncmp(t, prefix, strlen(prefix));
}

/* The length or precision in "name(n)" / "name(p,s)", -1 when none. */
static long type_arg(const char *t, int which)
{
	const char *p = strchr(t, '(');
	if (!p)
		return -1;
	long v = strtol(p + 1, (char **)&p, 10);
	if (which == 0)
		return v;
	return *p == ',' ? strtol(p + 1, NULL, 10) : 0;
}

/* Can every value of type a be stored in type b unchanged? (else the change is marked destructive) */
static int widening(const char *a, const char *b)
{
	static const char *const ints[] = { "smallint", "integer", "bigint", "numeric", NULL };
	int ia = -1, ib = -1;
	for (int i = 0; ints[i]; i++) {
		if (!strcmp(a, ints[i]))
			ia = i;
		if (!strcmp(b, ints[i]))
			ib = i;
	}
	if (ia >= 0 && ib >= 0)
		return ia <= ib;
	if (!strcmp(b, "text") && (type_is(a, "character varying") || type_is(a, "character(")))
		return 1;
	if (type_is(a, "character varying(") && !strcmp(b, "character varying"))
		return 1;
	if (type_is(a, "character varying(") && type_is(b, "character varying("))
		return type_arg(a, 0) <= type_arg(b, 0);
	if (type_is(a, "numeric(") && !strcmp(b, "numeric"))
		return 1;
	if (type_is(a, "numeric(") && type_is(b, "numeric(")) {
		long pa = type_arg(a, 0), sa = type_arg(a, 1), pb = type_arg(b, 0), sb = type_arg(b, 1);
		return sb >= sa && pb - sb >= pa - sa;
	}
	if ((!strcmp(a, "real") && !strcmp(b, "double precision")) ||
	    (!strcmp(a, "timestamp without time zone") && !strcmp(b, "timestamp with time zone")) ||
	    (!strcmp(a, "json") && !strcmp(b, "jsonb")))
		return 1;
	return 0;
}

/* An ALTER TABLE ... ALTER COLUMN operation: one statement, clause after the column. */
static sm_op *alter_col(dd *d, const sm_table *t, const sm_column *c, int destructive,
			const char *what, const char *clause)
{
	sm_op *op = sm_ops_add(d->out, destructive, "alter column %s.%s.%s: %s", t->schema, t->name,
			       c->name, what);
	sm_op_sql(op, "ALTER TABLE %s ALTER COLUMN %s %s", Q(&d->n, t->schema, t->name),
		  I(&d->n, c->name), clause);
	return op;
}

/* ALTER TABLE ... ADD COLUMN with the whole column definition. */
static void add_column(dd *d, const sm_table *t, const sm_column *c)
{
	sm_op *op = sm_ops_add(d->out, 0, "add column %s.%s.%s", t->schema, t->name, c->name);
	strbuf sb = STRBUF_INIT;
	col_def(&sb, t, c);
	sm_op_sql(op, "ALTER TABLE %s ADD COLUMN %s", Q(&d->n, t->schema, t->name), sb.buf);
	if (c->notnull && !c->def && !c->generated && !c->identity)
		sm_op_note(op, "NOT NULL without a default: fails if %s.%s has rows", t->schema, t->name);
	strbuf_release(&sb);
}

/* ALTER TABLE ... DROP COLUMN; destructive unless the data is kept elsewhere (a generated column). */
static void drop_column(dd *d, const sm_table *t, const sm_column *c, int keeps_data)
{
	sm_op *op = sm_ops_add(d->out, !keeps_data, "drop column %s.%s.%s", t->schema, t->name,
			       c->name);
	if (!keeps_data)
		sm_op_note(op, "drops column %s.%s.%s and its data", t->schema, t->name, c->name);
	sm_op_sql(op, "ALTER TABLE %s DROP COLUMN %s", Q(&d->n, t->schema, t->name),
		  I(&d->n, c->name));
}

/*
 * Before functions are dropped: the generated columns that call them
 * (dropped, or their expression when b's column is plain), the defaults
 * that call them (alter_column sets them again), and the checks and
 * indexes that call them on tables b does not have (con_dropped and
 * idx_dropped see to the others).
 */
static void release_functions(dd *d)
{
	for (size_t i = 0; i < d->a->ntables; i++) {
		const sm_table *ta = &d->a->tables[i];
		const sm_table *tb = find_table(d->b, ta->schema, ta->name);
		for (size_t j = 0; j < ta->ncols; j++) {
			const sm_column *x = &ta->cols[j];
			const sm_column *y = tb ? sm_find_column(tb, x->name) : NULL;
			if (released_column(d, x) && y && !y->generated)
				alter_col(d, ta, x, 0, "no longer generated", "DROP EXPRESSION");
			else if (released_column(d, x))
				drop_column(d, ta, x, 1); /* added again by alter_table when b has it */
			if (!calls_dropped_function(d, x->def))
				continue;
			sm_op *op = sm_ops_add(d->out, 0, "alter column %s.%s.%s: drop default (its function is dropped)",
					       ta->schema, ta->name, x->name);
			sm_op_sql(op, "ALTER TABLE %s ALTER COLUMN %s DROP DEFAULT",
				  Q(&d->n, ta->schema, ta->name), I(&d->n, x->name));
		}
		if (tb)
			continue;
		for (size_t j = 0; j < ta->ncons; j++)
			if (ta->cons[j].kind != SM_FOREIGN && calls_dropped_function(d, ta->cons[j].def))
				drop_constraint(d, ta, &ta->cons[j]);
		for (size_t j = 0; j < ta->nidx; j++)
			if (!ta->idx[j].constraint && calls_dropped_function(d, ta->idx[j].def))
				drop_index(d, ta->schema, &ta->idx[j]);
	}
}

/* After an identity is added to a column with rows: its sequence past their values. */
static void identity_catch_up(dd *d, sm_op *op, const sm_table *t, const sm_column *c)
{
	seqopts o;
	seqopts_parse(c->identity_opts ? c->identity_opts : "", &o);
	if (!o.v[SQ_INC] || o.v[SQ_INC][0] != '-') {
		const char *qt = Q(&d->n, t->schema, t->name);
		strbuf lit = STRBUF_INIT;
		sql_literal(&lit, qt);
		sm_op_sql(op, "SELECT pg_catalog.setval(pg_catalog.pg_get_serial_sequence(%s, %s), "
			  "coalesce(max(%s) + 1, %s), false) FROM %s", lit.buf, L(&d->n, c->name),
			  I(&d->n, c->name), o.v[SQ_START] ? o.v[SQ_START] : "1", qt);
		strbuf_release(&lit);
	}
	seqopts_free(&o);
}

/* Identity options of a column on both sides: SET ... for what changes, a rename of its sequence. */
static void identity_changes(dd *d, const sm_table *t, const sm_column *x, const sm_column *y)
{
	seqopts a, b;
	seqopts_parse(x->identity_opts, &a);
	seqopts_parse(y->identity_opts, &b);
	strbuf sb = STRBUF_INIT;
	seq_changes(&sb, &a, &b, "SET ");
	if (sb.len)
		alter_col(d, t, y, 0, "identity options", sb.buf);
	if (a.head && b.head && strcmp(a.head, b.head)) {
		const char *dot = strrchr(b.head, '.');
		sm_op *op = sm_ops_add(d->out, 0, "identity sequence of %s.%s.%s: renamed", t->schema,
				       t->name, y->name);
		sm_op_sql(op, "ALTER SEQUENCE %s RENAME TO %s", a.head, dot ? dot + 1 : b.head);
	}
	strbuf_release(&sb);
	seqopts_free(&a);
	seqopts_free(&b);
}

/* Identity of a column on both sides: added, dropped, ALWAYS <-> BY DEFAULT, options. */
static void alter_identity(dd *d, const sm_table *t, const sm_column *x, const sm_column *y)
{
	if (x->identity && !y->identity) {
		alter_col(d, t, x, 0, "drop identity", "DROP IDENTITY");
		return;
	}
	if (!x->identity && y->identity) {
		strbuf sb = STRBUF_INIT;
		strbuf_addf(&sb, "ADD GENERATED %s AS IDENTITY",
			    y->identity == 'a' ? "ALWAYS" : "BY DEFAULT");
		identity_options(&sb, t->schema, t->name, y);
		sm_op *op = alter_col(d, t, y, 0, "add identity", sb.buf);
		identity_catch_up(d, op, t, y);
		strbuf_release(&sb);
		return;
	}
	if (!x->identity)
		return;
	if (x->identity != y->identity)
		alter_col(d, t, y, 0, "identity kind", y->identity == 'a' ?
			  "SET GENERATED ALWAYS" : "SET GENERATED BY DEFAULT");
	if (!eq(x->identity_opts, y->identity_opts) && x->identity_opts && y->identity_opts)
		identity_changes(d, t, x, y);
}

/* Is type (as format_type writes it) an enum type of s, or an array of one? */
static int is_enum_type(const sm_schema *s, const char *type)
{
	for (size_t i = 0; i < s->nenums; i++) {
		strbuf q = STRBUF_INIT;
		rt_pg_qname(&q, s->enums[i].schema, s->enums[i].name);
		size_t n = q.len;
		int hit = !strncmp(type, q.buf, n) && (!type[n] || !strcmp(type + n, "[]"));
		strbuf_release(&q);
		if (hit)
			return 1;
	}
	return 0;
}

/*
 * The cast of a column's values to its new type: "c::new", through text
 * when there is no cast between the two (an enum type to another, or to
 * the new version of itself).
 */
static void cast_to(dd *d, strbuf *sb, const char *expr, const sm_column *x, const sm_column *y)
{
	strbuf_addf(sb, "%s::", expr);
	if (col_recast(d, x, y) || (is_enum_type(d->a, x->type) && is_enum_type(d->b, y->type)))
		strbuf_addf(sb, "%s::", strstr(x->type, "[]") ? "text[]" : "text");
	strbuf_adds(sb, y->type);
}

/* The new type of a column: ALTER ... TYPE ... [COLLATE] USING. */
static void alter_type(dd *d, const sm_table *t, const sm_column *x, const sm_column *y)
{
	int recast = col_recast(d, x, y);
	int lossy = recast ? 0 : !widening(x->type, y->type) && strcmp(x->type, y->type);
	strbuf sb = STRBUF_INIT, what = STRBUF_INIT;
	strbuf_addf(&sb, "TYPE %s", y->type);
	/*
	 * Without COLLATE the column gets the new type's default collation,
	 * which is what no collation in the model means (and the only one a
	 * type without collations takes); any other is written every time.
	 */
	if (y->collation)
		strbuf_addf(&sb, " COLLATE %s", y->collation);
	/* a generated column is computed again: the server refuses USING for it */
	if (!y->generated) {
		strbuf_adds(&sb, " USING ");
		cast_to(d, &sb, I(&d->n, y->name), x, y);
	}
	if (recast)
		strbuf_addf(&what, "type %s (recast to its new version)", y->type);
	else
		strbuf_addf(&what, "type %s -> %s", x->type, y->type);
	sm_op *op = alter_col(d, t, y, lossy, what.buf, sb.buf);
	if (lossy)
		sm_op_note(op, "changes the type of %s.%s.%s from %s to %s: values that do not fit fail the change or are converted",
			   t->schema, t->name, y->name, x->type, y->type);
	strbuf_release(&sb);
	strbuf_release(&what);
}

/*
 * One column on both sides: generation, identity, type, default and
 * nullability, each its own statement.  A default is dropped before a
 * type changes (it may not cast) and set again after.
 */
static void alter_column(dd *d, const sm_table *t, const sm_column *x, const sm_column *y)
{
	/* a default calling a dropped function is gone already (release_functions) */
	const char *xdef = calls_dropped_function(d, x->def) ? NULL : x->def;
	if (x->generated && !y->generated && !released_column(d, x))
		alter_col(d, t, y, 0, "no longer generated", "DROP EXPRESSION");
	int retype = col_type_changes(d, x, y);
	if (xdef && (retype || (y->identity && !x->identity) || !eq(xdef, y->def))) {
		if (!y->def || retype || y->identity)
			alter_col(d, t, y, 0, "drop default", "DROP DEFAULT");
		if (!y->def || retype || y->identity)
			xdef = NULL;
	}
	/*
	 * An identity column is NOT NULL: set before it is added, dropped
	 * after it goes.  The type first: its identity sequence follows it.
	 */
	if (!x->notnull && y->notnull)
		alter_col(d, t, y, 0, "not null", "SET NOT NULL");
	/* an identity that goes, goes before the type (which may take none) */
	int unident = x->identity && !y->identity;
	if (unident)
		alter_identity(d, t, x, y);
	if (retype)
		alter_type(d, t, x, y);
	if (!unident)
		alter_identity(d, t, x, y);
	if (y->def && !eq(xdef, y->def)) {
		char *set = xasprintf("SET DEFAULT %s", y->def);
		alter_col(d, t, y, 0, "default", set);
		free(set);
	}
	if (x->notnull && !y->notnull)
		alter_col(d, t, y, 0, "nullable", "DROP NOT NULL");
}

/* Storage parameters and logging of a table on both sides. */
static int alter_options(dd *d, const sm_table *ta, const sm_table *tb)
{
	char *pa = option_line(ta->options, "PARTITION BY "), *pb = option_line(tb->options, "PARTITION BY ");
	int same_part = eq(pa, pb);
	free(pa);
	free(pb);
	if (!same_part) {
		rt_fail(d->err, RT_EFAIL, "the partitioning of table %s.%s changes, which PostgreSQL cannot alter",
			ta->schema, ta->name);
		rt_hint(d->err, "write this migration by hand (a new table, a copy of the rows, a rename)");
		return -1;
	}
	char *ua = option_line(ta->options, "UNLOGGED"), *ub = option_line(tb->options, "UNLOGGED");
	if (!ua != !ub) {
		sm_op *op = sm_ops_add(d->out, 0, "table %s.%s: %s", tb->schema, tb->name,
				       ub ? "unlogged" : "logged");
		sm_op_sql(op, "ALTER TABLE %s SET %s", Q(&d->n, tb->schema, tb->name),
			  ub ? "UNLOGGED" : "LOGGED");
	}
	free(ua);
	free(ub);
	char *wa = option_line(ta->options, "WITH ("), *wb = option_line(tb->options, "WITH (");
	if (!eq(wa, wb)) {
		sm_op *op = sm_ops_add(d->out, 0, "table %s.%s: storage parameters", tb->schema, tb->name);
		if (wa) {
			/* RESET (key, ...): the keys of "WITH (k=v, k2=v2)" */
			strbuf keys = STRBUF_INIT;
			for (const char *p = wa + 6; *p && *p != ')';) {
				size_t n = strcspn(p, "=,)");
				strbuf_addf(&keys, "%s%.*s", keys.len ? ", " : "", (int)n, p);
				p += n;
				p += strcspn(p, ",)");
				if (*p == ',')
					p += 2;
			}
			sm_op_sql(op, "ALTER TABLE %s RESET (%s)", Q(&d->n, tb->schema, tb->name), keys.buf);
			strbuf_release(&keys);
		}
		if (wb)
			sm_op_sql(op, "ALTER TABLE %s SET %s", Q(&d->n, tb->schema, tb->name), wb + 5);
	}
	free(wa);
	free(wb);
	return 0;
}

/* The name a moved column has while its data is copied. */
static char *moving_name(const char *name)
{
	return xasprintf("%.48s__retort_moving", name);
}

/* First half of a move: the column renamed away, its data kept. */
static void move_start(dd *d, const sm_table *t, const sm_column *x)
{
	char *tmp = moving_name(x->name);
	sm_op *op = sm_ops_add(d->out, 0, "move column %s.%s.%s (1/2): rename it away", t->schema,
			       t->name, x->name);
	sm_op_note(op, "columns after the first new or reordered one are moved to the end, in the declared order, by copying their data: to avoid it, declare new columns last");
	sm_op_sql(op, "ALTER TABLE %s RENAME COLUMN %s TO %s", Q(&d->n, t->schema, t->name),
		  I(&d->n, x->name), I(&d->n, tmp));
	free(tmp);
}

/* Second half: the column added at the end, the data copied, the old one dropped. */
static void move_finish(dd *d, const sm_table *t, const sm_column *x, const sm_column *y)
{
	char *tmp = moving_name(x->name);
	const char *qt = Q(&d->n, t->schema, t->name);
	sm_op *op = sm_ops_add(d->out, 0, "move column %s.%s.%s (2/2): add it at the end, copy the data",
			       t->schema, t->name, y->name);
	sm_column plain = { .name = y->name, .type = y->type, .collation = y->collation };
	strbuf sb = STRBUF_INIT;
	col_def(&sb, t, &plain);
	sm_op_sql(op, "ALTER TABLE %s ADD COLUMN %s", qt, sb.buf);
	strbuf_reset(&sb);
	if (col_type_changes(d, x, y))
		cast_to(d, &sb, I(&d->n, tmp), x, y);
	else
		strbuf_adds(&sb, I(&d->n, tmp));
	sm_op_sql(op, "UPDATE %s SET %s = %s", qt, I(&d->n, y->name), sb.buf);
	sm_op_sql(op, "ALTER TABLE %s DROP COLUMN %s", qt, I(&d->n, tmp));
	const char *qc = I(&d->n, y->name);
	if (y->def)
		sm_op_sql(op, "ALTER TABLE %s ALTER COLUMN %s SET DEFAULT %s", qt, qc, y->def);
	if (y->notnull)
		sm_op_sql(op, "ALTER TABLE %s ALTER COLUMN %s SET NOT NULL", qt, qc);
	if (y->identity) {
		strbuf_reset(&sb);
		identity_options(&sb, t->schema, t->name, y);
		sm_op_sql(op, "ALTER TABLE %s ALTER COLUMN %s ADD GENERATED %s AS IDENTITY%s", qt, qc,
			  y->identity == 'a' ? "ALWAYS" : "BY DEFAULT", strbuf_str(&sb));
		identity_catch_up(d, op, t, y);
	}
	strbuf_release(&sb);
	free(tmp);
}

/*
 * Columns of one table on both sides: drops (and the first half of
 * moves), changes in place, then additions at the end in b's order.
 */
/*
 * Columns from the first moved or new one on are added at the end, in b's
 * order: a generated one among them can read only columns present by
 * then.  One that reads a column declared after it cannot be made by
 * ALTER TABLE: refuse, saying so.
 */
static int check_generated_order(dd *d, const sm_table *ta, const sm_table *tb)
{
	for (size_t i = d->prefix[table_index(d->a, ta)]; i < tb->ncols; i++) {
		const sm_column *y = &tb->cols[i];
		if (!y->generated)
			continue;
		for (size_t j = i + 1; j < tb->ncols; j++) {
			strbuf q = STRBUF_INIT;
			rt_pg_ident(&q, tb->cols[j].name);
			int reads = mentions(y->generated, q.buf);
			strbuf_release(&q);
			if (!reads)
				continue;
			rt_fail(d->err, RT_EFAIL,
				"table %s.%s: generated column %s comes before column %s, which it reads, "
				"and both must be added at the end (ALTER TABLE cannot place a column)",
				tb->schema, tb->name, y->name, tb->cols[j].name);
			rt_hint(d->err, "declare %s after %s, or write this migration by hand "
				"(a new table, a copy of the rows, a rename)", y->name, tb->cols[j].name);
			return -1;
		}
	}
	return 0;
}

static int alter_table(dd *d, const sm_table *ta, const sm_table *tb)
{
	if (check_generated_order(d, ta, tb) < 0)
		return -1;
	/* generated columns first: a column they read cannot go before them */
	for (int generated = 1; generated >= 0; generated--)
		for (size_t i = 0; i < ta->ncols; i++) {
			const sm_column *x = &ta->cols[i];
			const sm_column *y = sm_find_column(tb, x->name);
			if (!x->generated != !generated)
				continue;
			if (released_column(d, x) && !(y && !y->generated))
				continue; /* dropped by release_functions */
			if (!y)
				drop_column(d, ta, x, x->generated != NULL);
			else if (col_rebuilt(d, ta, tb, x, y))
				drop_column(d, ta, x, x->generated != NULL);
			else if (col_moved(d, ta, tb, y) && !y->generated)
				move_start(d, ta, x);
			else if (col_moved(d, ta, tb, y))
				drop_column(d, ta, x, 1);
		}
	for (size_t i = 0; i < tb->ncols; i++) {
		const sm_column *y = &tb->cols[i];
		const sm_column *x = sm_find_column(ta, y->name);
		if (x && !col_remade(d, ta, tb, x, y))
			alter_column(d, tb, x, y);
	}
	for (size_t i = 0; i < tb->ncols; i++) {
		const sm_column *y = &tb->cols[i];
		const sm_column *x = sm_find_column(ta, y->name);
		if (x && col_moved(d, ta, tb, y) && !y->generated)
			move_finish(d, tb, x, y);
		else if (!x || col_remade(d, ta, tb, x, y))
			add_column(d, tb, y);
	}
	return alter_options(d, ta, tb);
}

/* Every table on both sides; -1 when a change cannot be written. */
static int alter_tables(dd *d)
{
	for (size_t i = 0; i < d->b->ntables; i++) {
		const sm_table *tb = &d->b->tables[i];
		const sm_table *ta = find_table(d->a, tb->schema, tb->name);
		if (ta && alter_table(d, ta, tb) < 0)
			return -1;
	}
	return 0;
}

/* Tables of a only (their foreign keys, views and triggers went first). */
static void drop_tables(dd *d)
{
	for (size_t i = 0; i < d->a->ntables; i++) {
		const sm_table *t = &d->a->tables[i];
		if (find_table(d->b, t->schema, t->name))
			continue;
		sm_op *op = sm_ops_add(d->out, 1, "drop table %s.%s", t->schema, t->name);
		char *part = option_line(t->options, "PARTITION BY ");
		sm_op_note(op, "drops table %s.%s and all its rows%s", t->schema, t->name,
			   part ? ", and its partitions with theirs" : "");
		free(part);
		sm_op_sql(op, "DROP TABLE %s", Q(&d->n, t->schema, t->name));
	}
}

/* Tables of b only (foreign keys come later, once every table exists). */
static void create_tables(dd *d)
{
	for (size_t i = 0; i < d->b->ntables; i++) {
		const sm_table *t = &d->b->tables[i];
		if (!find_table(d->a, t->schema, t->name))
			create_table(d, t);
	}
}

/* Is b's constraint k (of table tb) to be added? */
static int con_added(const dd *d, const sm_table *tb, const sm_constraint *k)
{
	const sm_table *ta = find_table(d->a, tb->schema, tb->name);
	if (!ta)
		return k->kind == SM_FOREIGN || !con_inline(k);
	const sm_constraint *m = find_con(ta, k->name);
	return !m || con_dropped(d, ta, tb, m);
}

/*
 * Foreign keys (foreign) or the other constraints of b that are new,
 * made again, or left out of CREATE TABLE; NOT VALID -> valid is a
 * VALIDATE CONSTRAINT.
 */
static void add_constraints(dd *d, int foreign)
{
	for (size_t i = 0; i < d->b->ntables; i++) {
		const sm_table *tb = &d->b->tables[i];
		const sm_table *ta = find_table(d->a, tb->schema, tb->name);
		for (size_t j = 0; j < tb->ncons; j++) {
			const sm_constraint *k = &tb->cons[j];
			if ((k->kind == SM_FOREIGN) != foreign)
				continue;
			if (con_added(d, tb, k)) {
				add_constraint(d, tb, k);
				continue;
			}
			const sm_constraint *m = ta ? find_con(ta, k->name) : NULL;
			if (m && !m->validated && k->validated) {
				sm_op *op = sm_ops_add(d->out, 0, "validate constraint %s on %s.%s",
						       k->name, tb->schema, tb->name);
				sm_op_sql(op, "ALTER TABLE %s VALIDATE CONSTRAINT %s",
					  Q(&d->n, tb->schema, tb->name), I(&d->n, k->name));
			}
		}
	}
}

/* Indexes of b's tables that are new or made again (not those of constraints). */
static void create_indexes(dd *d)
{
	for (size_t i = 0; i < d->b->ntables; i++) {
		const sm_table *tb = &d->b->tables[i];
		const sm_table *ta = find_table(d->a, tb->schema, tb->name);
		for (size_t j = 0; j < tb->nidx; j++) {
			const sm_index *x = &tb->idx[j];
			if (x->constraint)
				continue;
			const sm_index *m = ta ? find_idx(ta->idx, ta->nidx, x->name) : NULL;
			if (!m || m->constraint || idx_dropped(d, ta, tb, m))
				create_index(d, tb->schema, x, is_partitioned(tb));
		}
	}
}

/* Views and functions that use relations, in dependency order; then matview indexes. */
static void create_views(dd *d)
{
	node *v;
	size_t n;
	nodes_build(d->b, &v, &n);
	size_t *order = nodes_order(v, n);
	for (size_t k = 0; k < n; k++) {
		const node *x = &v[order[k]];
		if (x->v && d->vb_make[(size_t)(x->v - d->b->views)])
			create_view(d, x->v, d->vb_make[(size_t)(x->v - d->b->views)] == 2);
		else if (x->f && d->fb_make[(size_t)(x->f - d->b->funcs)])
			create_function(d, x->f, d->fb_make[(size_t)(x->f - d->b->funcs)] == 2);
	}
	free(order);
	nodes_free(v, n);
	for (size_t j = 0; j < d->b->nviews; j++) {
		const sm_view *y = &d->b->views[j];
		const sm_view *x = sm_find_view(d->a, y->schema, y->name);
		if (d->vb_make[j] == 1 || !x)
			continue;
		for (size_t i = 0; i < y->nidx; i++) {
			const sm_index *m = find_idx(x->idx, x->nidx, y->idx[i].name);
			if (!m || strcmp(m->def, y->idx[i].def))
				create_index(d, y->schema, &y->idx[i], 0);
		}
	}
}

/* Triggers of b that are new or made again, once their functions exist. */
static void create_triggers(dd *d)
{
	for (size_t i = 0; i < d->b->ntables; i++) {
		const sm_table *tb = &d->b->tables[i];
		const sm_table *ta = find_table(d->a, tb->schema, tb->name);
		for (size_t j = 0; j < tb->ntrg; j++) {
			const sm_trigger *g = &tb->trg[j];
			const sm_trigger *m = ta ? find_trg(ta, g->name) : NULL;
			if (!m || trg_dropped(d, ta, tb, m))
				create_trigger(d, tb, g);
		}
	}
}

/* ---- comments ---- */

/* COMMENT ON kind name IS text when old (NULL: the object is new) and new differ. */
static void comment(dd *d, int fresh, const char *old, const char *new, const char *kind,
		    const char *label, const char *target)
{
	if (fresh ? !new : eq(old, new))
		return;
	sm_op *op = sm_ops_add(d->out, 0, "comment on %s %s", kind, label);
	strbuf sb = STRBUF_INIT;
	for (const char *p = kind; *p; p++)
		strbuf_addc(&sb, (char)toupper((unsigned char)*p));
	sm_op_sql(op, "COMMENT ON %s %s IS %s", sb.buf, target, new ? L(&d->n, new) : "NULL");
	strbuf_release(&sb);
}

/* Comments of a table of b, its columns and indexes (made-again objects lost theirs). */
static void table_comments(dd *d, const sm_table *tb)
{
	const sm_table *ta = find_table(d->a, tb->schema, tb->name);
	char *label = dep_name(tb->schema, tb->name);
	comment(d, !ta, ta ? ta->comment : NULL, tb->comment, "table", label,
		Q(&d->n, tb->schema, tb->name));
	for (size_t i = 0; i < tb->ncols; i++) {
		const sm_column *y = &tb->cols[i];
		const sm_column *x = ta ? sm_find_column(ta, y->name) : NULL;
		int fresh = !x || col_remade(d, ta, tb, x, y);
		char *cl = xasprintf("%s.%s", label, y->name);
		char *target = xasprintf("%s.%s", Q(&d->n, tb->schema, tb->name), I(&d->n, y->name));
		comment(d, fresh, x ? x->comment : NULL, y->comment, "column", cl, target);
		free(cl);
		free(target);
	}
	for (size_t i = 0; i < tb->nidx; i++) {
		const sm_index *y = &tb->idx[i];
		const sm_index *x = ta ? find_idx(ta->idx, ta->nidx, y->name) : NULL;
		int fresh = !x || (!x->constraint && idx_dropped(d, ta, tb, x));
		if (x && x->constraint) {
			const sm_constraint *k = find_con(ta, x->name);
			fresh = !k || con_dropped(d, ta, tb, k);
		}
		char *il = dep_name(tb->schema, y->name);
		comment(d, fresh, x ? x->comment : NULL, y->comment, "index", il,
			Q(&d->n, tb->schema, y->name));
		free(il);
	}
	free(label);
}

/* Comments of views and their indexes, enum types and functions of b. */
static void other_comments(dd *d)
{
	for (size_t i = 0; i < d->b->nviews; i++) {
		const sm_view *y = &d->b->views[i];
		const sm_view *x = sm_find_view(d->a, y->schema, y->name);
		char *label = dep_name(y->schema, y->name);
		comment(d, d->vb_make[i] == 1, x ? x->comment : NULL, y->comment,
			y->materialized ? "materialized view" : "view", label,
			Q(&d->n, y->schema, y->name));
		for (size_t j = 0; j < y->nidx; j++) {
			const sm_index *m = x ? find_idx(x->idx, x->nidx, y->idx[j].name) : NULL;
			int fresh = d->vb_make[i] == 1 || !m || strcmp(m->def, y->idx[j].def);
			char *il = dep_name(y->schema, y->idx[j].name);
			comment(d, fresh, m ? m->comment : NULL, y->idx[j].comment, "index", il,
				Q(&d->n, y->schema, y->idx[j].name));
			free(il);
		}
		free(label);
	}
	for (size_t i = 0; i < d->b->nenums; i++) {
		const sm_enum *y = &d->b->enums[i];
		const sm_enum *x = find_enum(d->a, y->schema, y->name);
		char *label = dep_name(y->schema, y->name);
		comment(d, !x || enum_dance(x, y), x ? x->comment : NULL, y->comment, "type", label,
			Q(&d->n, y->schema, y->name));
		free(label);
	}
	for (size_t i = 0; i < d->b->nfuncs; i++) {
		const sm_function *y = &d->b->funcs[i];
		const sm_function *x = find_func(d->a, y->schema, y->identity);
		char *label = dep_name(y->schema, y->identity);
		comment(d, d->fb_make[i] == 1, x ? x->comment : NULL, y->comment,
			is_procedure(y) ? "procedure" : "function", label, fsig(&d->n, y));
		free(label);
	}
}

/* Every comment that is new, changed, removed, or lost with an object made again. */
static void comments(dd *d)
{
	for (size_t i = 0; i < d->b->ntables; i++)
		table_comments(d, &d->b->tables[i]);
	other_comments(d);
}

/* ------------------------------------------------------------------ */

/* A diff from a to b writing into out: per-object marks all cleared. */
static void dd_init(dd *d, const sm_schema *a, const sm_schema *b, sm_ops *out, rt_error *err)
{
	memset(d, 0, sizeof(*d));
	d->a = a;
	d->b = b;
	d->out = out;
	d->err = err;
	d->tflags = xcalloc(a->ntables + 1, 1);
	d->prefix = xcalloc(a->ntables + 1, sizeof(size_t));
	d->va_drop = xcalloc(a->nviews + 1, 1);
	d->vb_make = xcalloc(b->nviews + 1, 1);
	d->fa_drop = xcalloc(a->nfuncs + 1, 1);
	d->fb_make = xcalloc(b->nfuncs + 1, 1);
}

/* Release what dd_init and the marking allocated (not the operations). */
static void dd_free(dd *d)
{
	free(d->tflags);
	free(d->prefix);
	free(d->va_drop);
	free(d->vb_make);
	free(d->fa_drop);
	free(d->fb_make);
	rt_strlist_free(&d->dirty);
	rt_strlist_free(&d->dance);
	names_free(&d->n);
}

/* Decide what is dropped and made again, before writing anything. */
static void mark(dd *d)
{
	mark_dances(d);
	mark_functions(d); /* before the tables: col_rebuilt reads fa_drop */
	mark_tables(d);
	while (mark_views_once(d))
		;
	mark_makes(d);
}

/* Phases up to the new tables; -1 when a change cannot be written. */
static int first_phases(dd *d)
{
	drop_triggers(d);
	drop_views(d);
	drop_constraints(d, 1);
	drop_constraints(d, 0);
	drop_indexes(d);
	release_functions(d);
	drop_changed_functions(d);
	disown_sequences(d);
	create_schemas(d);
	enums_first(d);
	sequences_first(d);
	functions_first(d);
	if (alter_tables(d) < 0)
		return -1;
	drop_tables(d);
	functions_last(d);
	enums_last(d);
	sequences_last(d);
	return 0;
}

static void last_phases(dd *d)
{
	create_tables(d);
	own_sequences(d);
	add_constraints(d, 0);
	create_indexes(d);
	add_constraints(d, 1);
	create_views(d);
	create_triggers(d);
	comments(d);
	drop_schemas(d);
}

/*
 * Mark what changes (and what must be dropped around it) first, then
 * write the phases in order.  On failure no operation is left in out.
 */
int rt_pg_diff(const sm_schema *from, const sm_schema *to, sm_ops *out,
	       rt_error *err)
{
	dd d;
	dd_init(&d, from, to, out, err);
	mark(&d);
	int rc = first_phases(&d);
	if (rc == 0)
		last_phases(&d);
	dd_free(&d);
	if (rc < 0)
		sm_ops_free(out);
	return rc;
}
