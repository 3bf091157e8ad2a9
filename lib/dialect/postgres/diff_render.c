/*
 * diff_render.c - the pieces of a PostgreSQL schema diff that render
 * single objects: lookups in a schema model, what is made late, the catalog's
 * renderings compared as text, sequence options, and the CREATE/DROP of
 * one table, constraint, index, view, function or trigger.
 */
#include "dialect/postgres/pgdiff.h"

#include <ctype.h>
#include <string.h>

/* The table a "schema.name" (as in ref_table) names, or NULL. */
const sm_table *rt_pgd_table_by_dep(const sm_schema *s, const char *qn)
{
	for (size_t i = 0; i < s->ntables; i++) {
		const sm_table *t = &s->tables[i];
		size_t ls = strlen(t->schema);
		if (!strncmp(qn, t->schema, ls) && qn[ls] == '.' && !strcmp(qn + ls + 1, t->name))
			return t;
	}
	return NULL;
}

int rt_pgd_has_str(char *const *v, size_t n, const char *s)
{
	for (size_t i = 0; i < n; i++)
		if (!strcmp(v[i], s))
			return 1;
	return 0;
}

size_t rt_pgd_table_index(const sm_schema *s, const sm_table *t)
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
int rt_pgd_mentions(const char *def, const char *qtype)
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
int rt_pgd_same_but_validity(const char *a, const char *b)
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
int rt_pgd_func_replaceable(const sm_function *a, const sm_function *b)
{
	size_t la = header_len(a->def), lb = header_len(b->def);
	return la == lb && !strncmp(a->def, b->def, la);
}

int rt_pgd_is_procedure(const sm_function *f)
{
	return f->def && strstr(f->def, "CREATE OR REPLACE PROCEDURE") == f->def;
}

static int is_sql_language(const sm_function *f)
{
	return f->def && strstr(f->def, "\n LANGUAGE sql\n");
}

/* schema.name(args) of a function, quoted. */
const char *rt_pgd_fsig(names *n, const sm_function *f)
{
	strbuf *sb = nbuf(n);
	rt_pg_qname(sb, f->schema, f->name);
	rt_strbuf_adds(sb, f->identity + strlen(f->name));
	return sb->buf;
}

/* Does a function use (in its signature or SQL body) a table or view of s? */
int rt_pgd_func_is_late(const sm_schema *s, const sm_function *f)
{
	for (size_t i = 0; i < f->ndeps; i++) {
		if (rt_pgd_table_by_dep(s, f->deps[i]))
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

static int is_late_function_key(const sm_schema *s, const char *key)
{
	for (size_t i = 0; i < s->nfuncs; i++) {
		const sm_function *f = &s->funcs[i];
		char *k = dep_name(f->schema, f->identity);
		int hit = !strcmp(k, key);
		free(k);
		if (hit)
			return rt_pgd_func_is_late(s, f);
	}
	return 0;
}

/* Does object o use a table or view of s, or a function that does? */
int rt_pgd_obj_is_late(const sm_schema *s, const sm_object *o)
{
	if (o->late)
		return 1;
	for (size_t i = 0; i < o->ndeps; i++) {
		if (rt_pgd_table_by_dep(s, o->deps[i]) || is_late_function_key(s, o->deps[i]))
			return 1;
		for (size_t j = 0; j < s->nviews; j++) {
			char *vn = dep_name(s->views[j].schema, s->views[j].name);
			int hit = !strcmp(vn, o->deps[i]);
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

static const char *const seq_words[SQ_N] = {
	"START WITH ", "INCREMENT BY ", "MINVALUE ", "MAXVALUE ", "CACHE ",
};


void rt_pgd_seqopts_parse(const char *s, seqopts *o)
{
	memset(o, 0, sizeof(*o));
	const char *start = strstr(s, "START WITH ");
	if (!start)
		return;
	const char *head = !strncmp(s, "AS ", 3) ? s + 3 :
			   !strncmp(s, "SEQUENCE NAME ", 14) ? s + 14 : NULL;
	if (head && start > head)
		o->head = rt_xstrndup(head, (size_t)(start - head - 1));
	for (int i = 0; i < SQ_N; i++) {
		const char *p = strstr(start, seq_words[i]);
		if (p) {
			p += strlen(seq_words[i]);
			o->v[i] = rt_xstrndup(p, strcspn(p, " "));
		}
	}
	o->cycle = !strstr(start, "NO CYCLE");
}

void rt_pgd_seqopts_free(seqopts *o)
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
void rt_pgd_seq_nondefault(strbuf *sb, const seqopts *o, const char *type, const char *prefix)
{
	for (int i = 0; i < SQ_N; i++)
		if (o->v[i] && !eq(o->v[i], seq_default(i, type, o)))
			rt_strbuf_addf(sb, "%s%s%s%s", sb->len ? " " : "", prefix, seq_words[i], o->v[i]);
	if (o->cycle)
		rt_strbuf_addf(sb, "%s%sCYCLE", sb->len ? " " : "", prefix);
}

/* The options of b that differ from a's (prefix before each). */
void rt_pgd_seq_changes(strbuf *sb, const seqopts *a, const seqopts *b, const char *prefix)
{
	int retyped = !eq(a->head, b->head);
	for (int i = 0; i < SQ_N; i++)
		if (b->v[i] && (!eq(a->v[i], b->v[i]) || (retyped && (i == SQ_MIN || i == SQ_MAX))))
			rt_strbuf_addf(sb, "%s%s%s%s", sb->len ? " " : "", prefix, seq_words[i], b->v[i]);
	if (a->cycle != b->cycle)
		rt_strbuf_addf(sb, "%s%s%s", sb->len ? " " : "", prefix, b->cycle ? "CYCLE" : "NO CYCLE");
}

/* The identity sequence PostgreSQL names by itself: schema.table_column_seq. */
static int default_seq_name(const char *qname, const char *schema, const char *table,
			    const char *column)
{
	char *name = rt_xasprintf("%s_%s_seq", table, column);
	strbuf sb = STRBUF_INIT;
	rt_pg_qname(&sb, schema, name);
	int same = !strcmp(sb.buf, qname);
	rt_strbuf_release(&sb);
	free(name);
	return same;
}

/* " (SEQUENCE NAME ... INCREMENT BY ...)" of an identity column, "" when all default. */
void rt_pgd_identity_options(strbuf *sb, const char *schema, const char *table,
			  const sm_column *c)
{
	seqopts o;
	rt_pgd_seqopts_parse(c->identity_opts ? c->identity_opts : "", &o);
	strbuf opts = STRBUF_INIT;
	if (o.head && !default_seq_name(o.head, schema, table, c->name))
		rt_strbuf_addf(&opts, "SEQUENCE NAME %s", o.head);
	rt_pgd_seq_nondefault(&opts, &o, c->type, "");
	if (opts.len)
		rt_strbuf_addf(sb, " (%s)", opts.buf);
	rt_strbuf_release(&opts);
	rt_pgd_seqopts_free(&o);
}

/* ------------------------------------------------------------------ */
/* Rendering                                                            */
/* ------------------------------------------------------------------ */

void rt_pgd_col_def(strbuf *sb, const sm_table *t, const sm_column *c)
{
	rt_pg_ident(sb, c->name);
	rt_strbuf_addf(sb, " %s", c->type);
	if (c->collation)
		rt_strbuf_addf(sb, " COLLATE %s", c->collation);
	if (c->generated)
		rt_strbuf_addf(sb, " GENERATED ALWAYS AS (%s) %s", c->generated,
			    c->stored ? "STORED" : "VIRTUAL");
	if (c->identity) {
		rt_strbuf_addf(sb, " GENERATED %s AS IDENTITY",
			    c->identity == 'a' ? "ALWAYS" : "BY DEFAULT");
		rt_pgd_identity_options(sb, t->schema, t->name, c);
	}
	if (c->def)
		rt_strbuf_addf(sb, " DEFAULT %s", c->def);
	if (c->notnull)
		rt_strbuf_adds(sb, " NOT NULL");
}

/* One line of a table's options ("UNLOGGED", "PARTITION BY ...", "WITH (...)"), or NULL. */
char *rt_pgd_option_line(const char *options, const char *prefix)
{
	for (const char *p = options; p && *p;) {
		const char *e = strchr(p, '\n');
		size_t len = e ? (size_t)(e - p) : strlen(p);
		if (!strncmp(p, prefix, strlen(prefix)))
			return rt_xstrndup(p, len);
		p = e ? e + 1 : NULL;
	}
	return NULL;
}

int rt_pgd_con_inline(const sm_constraint *k)
{
	return k->kind != SM_FOREIGN && k->validated;
}

/*
 * CREATE TABLE with every column and the constraints that can be written
 * inline (not foreign keys, which wait for every table, nor NOT VALID
 * ones, which CREATE TABLE would validate).
 */
void rt_pgd_create_table(dd *d, const sm_table *t)
{
	sm_op *op = rt_sm_ops_add(d->out, 0, "create table %s.%s", t->schema, t->name);
	strbuf sb = STRBUF_INIT;
	char *unlogged = rt_pgd_option_line(t->options, "UNLOGGED");
	char *part = rt_pgd_option_line(t->options, "PARTITION BY ");
	char *with = rt_pgd_option_line(t->options, "WITH (");
	rt_strbuf_addf(&sb, "CREATE %sTABLE %s (", unlogged ? "UNLOGGED " : "",
		    Q(&d->n, t->schema, t->name));
	int first = 1;
	for (size_t i = 0; i < t->ncols; i++, first = 0) {
		rt_strbuf_adds(&sb, first ? "\n    " : ",\n    ");
		rt_pgd_col_def(&sb, t, &t->cols[i]);
	}
	for (size_t i = 0; i < t->ncons; i++) {
		if (!rt_pgd_con_inline(&t->cons[i]))
			continue;
		rt_strbuf_adds(&sb, first ? "\n    " : ",\n    ");
		rt_strbuf_addf(&sb, "CONSTRAINT %s %s", I(&d->n, t->cons[i].name), t->cons[i].def);
		first = 0;
	}
	rt_strbuf_adds(&sb, first ? ")" : "\n)");
	if (part)
		rt_strbuf_addf(&sb, " %s", part);
	if (with)
		rt_strbuf_addf(&sb, " %s", with);
	rt_sm_op_sql(op, "%s", sb.buf);
	rt_strbuf_release(&sb);
	free(unlogged);
	free(part);
	free(with);
}

sm_op *rt_pgd_add_constraint(dd *d, const sm_table *t, const sm_constraint *k)
{
	sm_op *op = rt_sm_ops_add(d->out, 0, "add %s %s on %s.%s",
			       k->kind == SM_FOREIGN ? "foreign key" :
			       k->kind == SM_PRIMARY ? "primary key" :
			       k->kind == SM_UNIQUE ? "unique constraint" :
			       k->kind == SM_CHECK ? "check constraint" : "exclusion constraint",
			       k->name, t->schema, t->name);
	rt_sm_op_sql(op, "ALTER TABLE %s ADD CONSTRAINT %s %s", Q(&d->n, t->schema, t->name),
		  I(&d->n, k->name), k->def);
	return op;
}

void rt_pgd_drop_constraint(dd *d, const sm_table *t, const sm_constraint *k)
{
	sm_op *op = rt_sm_ops_add(d->out, 0, "drop constraint %s on %s.%s", k->name,
			       t->schema, t->name);
	rt_sm_op_sql(op, "ALTER TABLE %s DROP CONSTRAINT %s", Q(&d->n, t->schema, t->name),
		  I(&d->n, k->name));
}

int rt_pgd_is_partitioned(const sm_table *t)
{
	return t->options && strstr(t->options, "PARTITION BY ") != NULL;
}

/*
 * CREATE INDEX as the catalog gives it.  On a partitioned table the
 * catalog writes ON ONLY (pg_dump attaches the partitions' indexes one by
 * one); retort does not manage partitions, so the index is made on them
 * too, and valid, by leaving ONLY out.
 */
void rt_pgd_create_index(dd *d, const char *schema, const sm_index *x, int partitioned)
{
	sm_op *op = rt_sm_ops_add(d->out, 0, "create index %s.%s", schema, x->name);
	const char *only = partitioned ? strstr(x->def, " ON ONLY ") : NULL;
	if (only)
		rt_sm_op_sql(op, "%.*s ON %s", (int)(only - x->def), x->def, only + 9);
	else
		rt_sm_op_sql(op, "%s", x->def);
}

void rt_pgd_drop_index(dd *d, const char *schema, const sm_index *x)
{
	sm_op *op = rt_sm_ops_add(d->out, 0, "drop index %s.%s", schema, x->name);
	rt_sm_op_sql(op, "DROP INDEX %s", Q(&d->n, schema, x->name));
}

/* CREATE [OR REPLACE] [MATERIALIZED] VIEW; a new materialized view gets its indexes too. */
void rt_pgd_create_view(dd *d, const sm_view *v, int replace)
{
	sm_op *op = rt_sm_ops_add(d->out, 0, "%s %sview %s.%s", replace ? "replace" : "create",
			       v->materialized ? "materialized " : "", v->schema, v->name);
	rt_sm_op_sql(op, "CREATE %s%sVIEW %s AS\n%s", replace ? "OR REPLACE " : "",
		  v->materialized ? "MATERIALIZED " : "", Q(&d->n, v->schema, v->name),
		  trimmed(&d->n, v->def));
	for (size_t i = 0; v->materialized && !replace && i < v->nidx; i++)
		rt_sm_op_sql(op, "%s", v->idx[i].def);
}

void rt_pgd_drop_view(dd *d, const sm_view *v)
{
	sm_op *op = rt_sm_ops_add(d->out, 0, "drop %sview %s.%s", v->materialized ? "materialized " : "",
			       v->schema, v->name);
	rt_sm_op_sql(op, "DROP %sVIEW %s", v->materialized ? "MATERIALIZED " : "",
		  Q(&d->n, v->schema, v->name));
}

void rt_pgd_create_function(dd *d, const sm_function *f, int replace)
{
	sm_op *op = rt_sm_ops_add(d->out, 0, "%s %s %s.%s", replace ? "replace" : "create",
			       rt_pgd_is_procedure(f) ? "procedure" : "function", f->schema, f->identity);
	int wrap = is_sql_language(f);
	if (wrap) /* its body may read tables made later: check it when it runs */
		rt_sm_op_sql(op, "SET check_function_bodies = false");
	rt_sm_op_sql(op, "%s", trimmed(&d->n, f->def));
	if (wrap)
		rt_sm_op_sql(op, "RESET check_function_bodies");
}

void rt_pgd_drop_function(dd *d, const sm_function *f)
{
	const char *kind = rt_pgd_is_procedure(f) ? "PROCEDURE" : "FUNCTION";
	sm_op *op = rt_sm_ops_add(d->out, 0, "drop %s %s.%s", rt_pgd_is_procedure(f) ? "procedure" : "function",
			       f->schema, f->identity);
	rt_sm_op_sql(op, "DROP %s %s", kind, rt_pgd_fsig(&d->n, f));
}

void rt_pgd_create_trigger(dd *d, const sm_table *t, const sm_trigger *g)
{
	sm_op *op = rt_sm_ops_add(d->out, 0, "create trigger %s on %s.%s", g->name, t->schema, t->name);
	rt_sm_op_sql(op, "%s", g->def);
}

void rt_pgd_drop_trigger(dd *d, const sm_table *t, const sm_trigger *g)
{
	sm_op *op = rt_sm_ops_add(d->out, 0, "drop trigger %s on %s.%s", g->name, t->schema, t->name);
	rt_sm_op_sql(op, "DROP TRIGGER %s ON %s", I(&d->n, g->name), Q(&d->n, t->schema, t->name));
}

/*
 * COMMENT ON target IS text when old (NULL: the object is new) and new
 * differ; target names the kind too ("DOMAIN public.d").
 */
void rt_pgd_comment_on(dd *d, int fresh, const char *old, const char *new, const char *kind,
		       const char *label, const char *target)
{
	if (fresh ? !new : eq(old, new))
		return;
	sm_op *op = rt_sm_ops_add(d->out, 0, "comment on %s %s", kind, label);
	rt_sm_op_sql(op, "COMMENT ON %s IS %s", target, new ? L(&d->n, new) : "NULL");
}

/* COMMENT ON KIND target, the kind in capitals. */
void rt_pgd_comment(dd *d, int fresh, const char *old, const char *new, const char *kind,
		    const char *label, const char *target)
{
	if (fresh ? !new : eq(old, new))
		return;
	strbuf sb = STRBUF_INIT;
	for (const char *p = kind; *p; p++)
		rt_strbuf_addc(&sb, (char)toupper((unsigned char)*p));
	rt_strbuf_addf(&sb, " %s", target);
	rt_pgd_comment_on(d, fresh, old, new, kind, label, sb.buf);
	rt_strbuf_release(&sb);
}
