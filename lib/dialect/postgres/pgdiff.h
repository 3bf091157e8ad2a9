/*
 * pgdiff.h - the state of one PostgreSQL schema diff and the
 * functions its files share (diff.c runs the phases; diff_render.c
 * renders single objects, diff_mark.c decides what is dropped and made
 * again, diff_table.c alters tables).  Private to lib/dialect/postgres.
 */
#ifndef RT_PG_DIFF_INTERNAL_H
#define RT_PG_DIFF_INTERNAL_H

#include "internal.h"
#include "dialect/postgres/pg_internal.h"
#include "schema/model.h"
#include "schema/ops.h"
#include "sqltext.h"

#include <string.h>

/* Equal strings, or both NULL (the model's rt_sm_streq, short). */
static inline int eq(const char *a, const char *b)
{
	return rt_sm_streq(a, b);
}

/* "schema.name", raw: how dependencies name things. */
static inline char *dep_name(const char *schema, const char *name)
{
	return rt_xasprintf("%s.%s", schema ? schema : "", name);
}

/* A rotating set of buffers for quoted names used within one statement. */
#define NQ 16
typedef struct names {
	strbuf b[NQ];
	int next;
} names;

static inline strbuf *nbuf(names *n)
{
	strbuf *sb = &n->b[n->next];
	n->next = (n->next + 1) % NQ;
	rt_strbuf_reset(sb);
	return sb;
}

static inline const char *Q(names *n, const char *schema, const char *name)
{
	strbuf *sb = nbuf(n);
	rt_pg_qname(sb, schema, name);
	return sb->buf;
}

static inline const char *I(names *n, const char *name)
{
	strbuf *sb = nbuf(n);
	rt_pg_ident(sb, name);
	return sb->buf;
}

static inline const char *L(names *n, const char *text)
{
	strbuf *sb = nbuf(n);
	rt_sql_literal(sb, text);
	return sb->buf;
}

/* A definition without the trailing whitespace and ';' the catalog gives. */
static inline const char *trimmed(names *n, const char *def)
{
	strbuf *sb = nbuf(n);
	rt_strbuf_adds(sb, def);
	for (;;) {
		rt_strbuf_rtrim(sb);
		if (!sb->len || sb->buf[sb->len - 1] != ';')
			break;
		rt_strbuf_setlen(sb, sb->len - 1);
	}
	return sb->buf;
}

static inline void names_free(names *n)
{
	for (int i = 0; i < NQ; i++)
		rt_strbuf_release(&n->b[i]);
}

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
	int strict_order;       /* column_order = strict: columns move to their declared place */
	size_t *prefix;         /* per table of a: columns of b's table that stay in place */
	unsigned char *va_drop; /* per view of a: dropped */
	unsigned char *vb_make; /* per view of b: 1 created, 2 replaced */
	unsigned char *fa_drop; /* per function of a: dropped (and made again if in b); 2: for a view or table it reads */
	unsigned char *fb_make; /* per function of b: 1 created, 2 replaced */
	unsigned char *oa_drop; /* per object of a: dropped (and made again if in b) */
	unsigned char *ob_make; /* per object of b: made */
	rt_strlist dirty;       /* dep names of things dropped and made again */
	rt_strlist dance;       /* dep names of enum types recreated */
	int online;             /* online = true: diff_online.c's forms for tables a has */
	const char *lock_timeout; /* online: what each transactional step sets */
	rt_strlist online_made; /* online: statement prefixes that wait for a later step (diff_online.c) */
	rt_error *err;
} dd;

static inline int is_dirty(const dd *d, const char *name)
{
	return rt_strlist_has(&d->dirty, name);
}

static inline void mark_dirty(dd *d, const char *name)
{
	if (!rt_strlist_has(&d->dirty, name))
		rt_strlist_push(&d->dirty, name);
}

/*
 * The options of a sequence or an identity, as introspect.c writes them:
 * "AS bigint START WITH 1 INCREMENT BY 1 MINVALUE 1 MAXVALUE ... CACHE 1
 * NO CYCLE" (an identity has "SEQUENCE NAME schema.name" instead of AS).
 * Rendered, only what differs from PostgreSQL's defaults is written.
 */
enum { SQ_START, SQ_INC, SQ_MIN, SQ_MAX, SQ_CACHE, SQ_N };

typedef struct seqopts {
	char *head;      /* "bigint" (AS) or the sequence's qualified name (SEQUENCE NAME) */
	char *v[SQ_N];
	int cycle;
} seqopts;

/* A node of the dependency order: a view, a function, an object or a domain. */
typedef struct node {
	const sm_view *v;
	const sm_function *f;
	const sm_object *o;
	const sm_domain *m;
	char *name;   /* dep name */
	int done;
} node;

/* diff_render.c: helpers, sequence options, rendering of single objects */
/* The table a "schema.name" (as in ref_table) names, or NULL. */
const sm_table *rt_pgd_table_by_dep(const sm_schema *s, const char *qn);
int rt_pgd_has_str(char *const *v, size_t n, const char *s);
size_t rt_pgd_table_index(const sm_schema *s, const sm_table *t);
int rt_pgd_mentions(const char *def, const char *qtype);
/* A constraint definition without a trailing " NOT VALID". */
int rt_pgd_same_but_validity(const char *a, const char *b);
/* Would CREATE OR REPLACE turn a's function into b's? (same arguments and result) */
int rt_pgd_func_replaceable(const sm_function *a, const sm_function *b);
int rt_pgd_is_procedure(const sm_function *f);
/* schema.name(args) of a function, quoted. */
const char *rt_pgd_fsig(names *n, const sm_function *f);
/* Does a function use (in its signature or SQL body) a table or view of s? */
int rt_pgd_func_is_late(const sm_schema *s, const sm_function *f);
void rt_pgd_seqopts_parse(const char *s, seqopts *o);
void rt_pgd_seqopts_free(seqopts *o);
/* The options of o that differ from the defaults, joined by spaces (prefix before each). */
void rt_pgd_seq_nondefault(strbuf *sb, const seqopts *o, const char *type, const char *prefix);
/* The options of b that differ from a's (prefix before each). */
void rt_pgd_seq_changes(strbuf *sb, const seqopts *a, const seqopts *b, const char *prefix);
/* " (SEQUENCE NAME ... INCREMENT BY ...)" of an identity column, "" when all default. */
void rt_pgd_identity_options(strbuf *sb, const char *schema, const char *table,
			  const sm_column *c);
void rt_pgd_col_def(strbuf *sb, const sm_table *t, const sm_column *c);
/* One line of a table's options ("UNLOGGED", "PARTITION BY ...", "WITH (...)"), or NULL. */
char *rt_pgd_option_line(const char *options, const char *prefix);
int rt_pgd_con_inline(const sm_constraint *k);
void rt_pgd_create_table(dd *d, const sm_table *t);
sm_op *rt_pgd_add_constraint(dd *d, const sm_table *t, const sm_constraint *k);
void rt_pgd_drop_constraint(dd *d, const sm_table *t, const sm_constraint *k);
int rt_pgd_is_partitioned(const sm_table *t);
void rt_pgd_create_index(dd *d, const char *schema, const sm_index *x, int partitioned);
void rt_pgd_drop_index(dd *d, const char *schema, const sm_index *x);
/* CREATE [OR REPLACE] [MATERIALIZED] VIEW; a new materialized view gets its indexes too. */
void rt_pgd_create_view(dd *d, const sm_view *v, int replace);
void rt_pgd_drop_view(dd *d, const sm_view *v);
void rt_pgd_create_function(dd *d, const sm_function *f, int replace);
void rt_pgd_drop_function(dd *d, const sm_function *f);
void rt_pgd_create_trigger(dd *d, const sm_table *t, const sm_trigger *g);
void rt_pgd_drop_trigger(dd *d, const sm_table *t, const sm_trigger *g);

/* diff_mark.c: what is dropped and made again; the order of views and functions */
/* Is the enum (on both sides) recreated by the rename-create-recast-drop dance? */
int rt_pgd_enum_dance(const sm_enum *a, const sm_enum *b);
/* Is column x (of a) recast to the new version of a danced enum? */
int rt_pgd_col_recast(const dd *d, const sm_column *x, const sm_column *y);
int rt_pgd_calls_dropped_function(const dd *d, const char *def);
/* Does the column change type (or collation, or enum version)? */
int rt_pgd_col_type_changes(const dd *d, const sm_column *x, const sm_column *y);
int rt_pgd_released_column(const dd *d, const sm_column *x);
int rt_pgd_col_rebuilt(const dd *d, const sm_table *ta, const sm_table *tb,
		    const sm_column *x, const sm_column *y);
/* Is column y of b's table tb (which a has as ta) moved to the end? */
int rt_pgd_col_moved(const dd *d, const sm_table *ta, const sm_table *tb, const sm_column *y);
/* Is the column dropped and added again (rebuilt or moved)? */
int rt_pgd_col_remade(const dd *d, const sm_table *ta, const sm_table *tb,
		   const sm_column *x, const sm_column *y);
/* Is a's constraint k (of table ta) dropped: gone, changed, or forced? */
int rt_pgd_con_dropped(const dd *d, const sm_table *ta, const sm_table *tb,
		    const sm_constraint *k);
/* Is a's index x (of table ta) dropped? */
int rt_pgd_idx_dropped(const dd *d, const sm_table *ta, const sm_table *tb, const sm_index *x);
/* Enum types recreated by the dance. */
void rt_pgd_mark_dances(dd *d);
/* Flags of every table on both sides; views over flagged tables become dirty. */
void rt_pgd_mark_tables(dd *d);
/* Does a function's signature use an enum type that is recreated? */
int rt_pgd_uses_dance(const dd *d, const sm_function *f);
void rt_pgd_mark_functions(dd *d);
int rt_pgd_mark_views_once(dd *d);
/* Views and functions of b to make: new, dropped above, or changed. */
void rt_pgd_mark_makes(dd *d);
/* Is trigger g (of a's table ta) dropped? */
int rt_pgd_trg_dropped(const dd *d, const sm_table *ta, const sm_table *tb, const sm_trigger *g);
/* Every view and every function that uses a relation of s, as nodes. */
void rt_pgd_nodes_build(const sm_schema *s, node **out, size_t *n);
void rt_pgd_nodes_free(node *v, size_t n);
size_t *rt_pgd_nodes_order(node *v, size_t n);

/* diff_table.c: columns and tables, constraints, indexes, views, triggers */
void rt_pgd_release_functions(dd *d);
/* Every table on both sides; -1 when a change cannot be written. */
int rt_pgd_alter_tables(dd *d);
void rt_pgd_add_constraints(dd *d, int foreign);
/* Indexes of b's tables that are new or made again (not those of constraints). */
void rt_pgd_create_indexes(dd *d);
/* Views and functions that use relations, in dependency order; then matview indexes. */
void rt_pgd_create_views(dd *d);
/* Triggers of b that are new or made again, once their functions exist. */
void rt_pgd_create_triggers(dd *d);

/* diff.c */
/* COMMENT ON target (which names the kind) when old (NULL: new object) and new differ. */
void rt_pgd_comment_on(dd *d, int fresh, const char *old, const char *new, const char *kind,
		       const char *label, const char *target);
/* The same, target without its kind: "COMMENT ON KIND target". */
void rt_pgd_comment(dd *d, int fresh, const char *old, const char *new, const char *kind,
		    const char *label, const char *target);

/* diff_early.c: domains, functions and objects made before the tables */
/* Does object o use a table or view of s, or a function that does? */
int rt_pgd_obj_is_late(const sm_schema *s, const sm_object *o);
/* Domains, functions that use no relation, objects that use none: as nodes. */
void rt_pgd_early_nodes(const sm_schema *s, node **out, size_t *n);
/* Objects of a that are dropped, early or late ones; whether any was found. */
int rt_pgd_mark_objects_once(dd *d, int late);
/* Early objects, and functions using them, dropped: until nothing more is found. */
void rt_pgd_mark_objects(dd *d);
void rt_pgd_mark_object_makes(dd *d);
void rt_pgd_drop_late_objects(dd *d);
/* Early nodes of a dropped now (changed) or after the tables (gone); -1 when one cannot be. */
int rt_pgd_drop_early(dd *d, int changed);
/* New domains, functions and objects in dependency order, then domain changes; -1 on failure. */
int rt_pgd_create_early(dd *d);
void rt_pgd_create_late_object(dd *d, const sm_object *o);
void rt_pgd_object_comments(dd *d);

/* diff_domain.c: domains */
void rt_pgd_create_domain(dd *d, const sm_domain *m);
void rt_pgd_drop_domain(dd *d, const sm_domain *m);
/* ALTER DOMAIN for what changes; -1 when the base type or collation changes. */
int rt_pgd_alter_domain(dd *d, const sm_domain *x, const sm_domain *y);
void rt_pgd_domain_comments(dd *d);

/* diff_types.c: composite types changed in place, defaults of view columns */
/* Can composite type x (of a) become y (of b) by ALTER TYPE? */
int rt_pgd_composite_in_place(const sm_object *x, const sm_object *y);
/* Composite types on both sides that change in place (ALTER TYPE ... ATTRIBUTE). */
void rt_pgd_alter_composites(dd *d);
/* Defaults of view y's columns (x in a or NULL; fresh: y is made anew). */
void rt_pgd_view_defaults(dd *d, const sm_view *x, const sm_view *y, int fresh);

/* diff_part.c: tables made and dropped, partitions among them */
/* Tables of a only (their foreign keys, views and triggers went first): partitions first. */
void rt_pgd_drop_tables(dd *d);
/* Tables of b only (foreign keys come later, once every table exists): parents first. */
void rt_pgd_create_tables(dd *d);
/* Partitions whose parent or bound changes: detached before the tables change, attached after. */
void rt_pgd_detach_partitions(dd *d);
void rt_pgd_attach_partitions(dd *d);

/* diff_settings.c: settings of columns and indexes, row-level security */
/* The keys of an option list "k=v, k2=v2)" as "k, k2" (RESET takes keys). */
void rt_pgd_option_keys(strbuf *keys, const char *p);
void rt_pgd_column_settings(dd *d, const sm_table *t, const char *col, const char *old,
			    const char *new);
void rt_pgd_index_settings(dd *d, const char *schema, const char *index, const char *old,
			   const char *new);
void rt_pgd_row_security(dd *d, const sm_table *t, int old, int new);
/* A new table's column settings and row-level security. */
void rt_pgd_new_table_settings(dd *d, const sm_table *t);

/* diff_acl.c: privileges (compare_privileges = true) */
void rt_pgd_privileges(dd *d);

/* diff_ext.c: extensions */
/* New extensions (required ones first) and changes to existing ones; -1 when one cannot be written. */
int rt_pgd_create_extensions(dd *d);
/* Extensions of a only, once nothing uses them: those requiring others first. */
void rt_pgd_drop_extensions(dd *d);

/* diff_online.c: online = true, changes to tables that exist before the migration */
/* Does table tb of b take the online forms (a has it, it is not partitioned)? */
int rt_pgd_online(const dd *d, const sm_table *tb);
/* CREATE INDEX CONCURRENTLY (a leftover INVALID one dropped first). */
void rt_pgd_online_index(dd *d, const char *schema, const sm_index *x);
/* DROP INDEX CONCURRENTLY in the first step; 0 when the plain form is needed. */
int rt_pgd_online_drop_index(dd *d, const sm_table *ta, const sm_index *x);
/* A constraint added online (late: after the keys made online); 0 when the plain form is needed. */
int rt_pgd_online_constraint(dd *d, const sm_table *t, const sm_constraint *k, int late);
/* VALIDATE CONSTRAINT in a step of its own (kind: "check constraint", "foreign key", "constraint"). */
void rt_pgd_online_validate(dd *d, const sm_table *t, const char *name, const char *kind, int late);
/* SET NOT NULL through a validated CHECK; fill: NULLs take the default first, in batches. */
void rt_pgd_online_not_null(dd *d, const sm_table *t, const sm_column *c, int fill);
/* A type change: marked when it rewrites the table, silenced for lint when it does not. */
void rt_pgd_online_type(dd *d, sm_op *op, const sm_table *t, const sm_column *x, const sm_column *y);
/* Does the migration make a primary key or unique index of table ref (a dep name) online? */
int rt_pgd_key_made_online(const dd *d, const char *ref);
/* Last: what follows objects made online moves after them; SET LOCAL lock_timeout per step. */
void rt_pgd_online_finish(dd *d);

#endif
