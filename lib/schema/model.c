/*
 * model.c - the schema model: building, freeing, sorting and finding
 * (see model.h); compare.c compares two models.
 */
#include "internal.h"
#include "schema/model.h"

#include <string.h>
#include <strings.h>

sm_schema *rt_sm_new(void)
{
	return rt_xcalloc(1, sizeof(sm_schema));
}

void rt_sm_strv_push(char ***v, size_t *n, const char *s)
{
	*v = rt_xrealloc(*v, (*n + 1) * sizeof(char *));
	(*v)[(*n)++] = rt_xstrdup(s);
}

static void strv_free(char **v, size_t n)
{
	for (size_t i = 0; i < n; i++)
		free(v[i]);
	free(v);
}

/* Grow an array by one zeroed element and return it. */
#define APPEND(arr, n) \
	((arr) = rt_xrealloc((arr), ((n) + 1) * sizeof(*(arr))), \
	 memset(&(arr)[(n)], 0, sizeof(*(arr))), &(arr)[(n)++])

sm_table *rt_sm_add_table(sm_schema *s) { return APPEND(s->tables, s->ntables); }
sm_column *rt_sm_add_column(sm_table *t) { return APPEND(t->cols, t->ncols); }
sm_constraint *rt_sm_add_constraint(sm_table *t) { return APPEND(t->cons, t->ncons); }
sm_index *rt_sm_add_index(sm_table *t) { return APPEND(t->idx, t->nidx); }
sm_trigger *rt_sm_add_trigger(sm_table *t) { return APPEND(t->trg, t->ntrg); }
sm_view *rt_sm_add_view(sm_schema *s) { return APPEND(s->views, s->nviews); }
sm_sequence *rt_sm_add_sequence(sm_schema *s) { return APPEND(s->seqs, s->nseqs); }
sm_enum *rt_sm_add_enum(sm_schema *s) { return APPEND(s->enums, s->nenums); }
sm_function *rt_sm_add_function(sm_schema *s) { return APPEND(s->funcs, s->nfuncs); }
sm_extension *rt_sm_add_extension(sm_schema *s) { return APPEND(s->exts, s->nexts); }
sm_domain *rt_sm_add_domain(sm_schema *s) { return APPEND(s->domains, s->ndomains); }
sm_constraint *rt_sm_add_domain_constraint(sm_domain *m) { return APPEND(m->cons, m->ncons); }
sm_object *rt_sm_add_object(sm_schema *s) { return APPEND(s->objects, s->nobjects); }
sm_namespace *rt_sm_add_namespace(sm_schema *s)
{
	return APPEND(s->namespaces, s->nnamespaces);
}

void rt_sm_add_unsupported(sm_schema *s, const char *what)
{
	rt_sm_strv_push(&s->unsupported, &s->nunsupported, what);
}

static void free_index(sm_index *x)
{
	free(x->name);
	free(x->def);
	free(x->sql);
	free(x->comment);
	free(x->settings);
}

static void free_constraint(sm_constraint *c)
{
	free(c->name);
	free(c->def);
	strv_free(c->cols, c->ncols);
	free(c->ref_table);
	strv_free(c->ref_cols, c->nref_cols);
	free(c->on_delete);
	free(c->on_update);
	free(c->match);
	free(c->comment);
}

static void free_domain(sm_domain *m)
{
	free(m->schema);
	free(m->name);
	free(m->type);
	free(m->collation);
	free(m->def);
	for (size_t i = 0; i < m->ncons; i++)
		free_constraint(&m->cons[i]);
	free(m->cons);
	free(m->comment);
	free(m->acl);
	strv_free(m->deps, m->ndeps);
}

static void free_object(sm_object *o)
{
	free(o->kind);
	free(o->schema);
	free(o->name);
	free(o->key);
	free(o->def);
	free(o->drop);
	free(o->target);
	free(o->comment);
	strv_free(o->deps, o->ndeps);
	strv_free(o->users, o->nusers);
	strv_free(o->attrs, o->nattrs);
	strv_free(o->attr_comments, o->nattr_comments);
}

static void free_table(sm_table *t)
{
	free(t->schema);
	free(t->name);
	for (size_t i = 0; i < t->ncols; i++) {
		sm_column *c = &t->cols[i];
		free(c->name);
		free(c->type);
		free(c->def);
		free(c->generated);
		free(c->identity_opts);
		free(c->collation);
		free(c->comment);
		free(c->settings);
		free(c->acl);
		free(c->renamed_from);
	}
	free(t->cols);
	for (size_t i = 0; i < t->ncons; i++)
		free_constraint(&t->cons[i]);
	free(t->cons);
	for (size_t i = 0; i < t->nidx; i++)
		free_index(&t->idx[i]);
	free(t->idx);
	for (size_t i = 0; i < t->ntrg; i++) {
		free(t->trg[i].name);
		free(t->trg[i].def);
		free(t->trg[i].sql);
		free(t->trg[i].comment);
	}
	free(t->trg);
	free(t->comment);
	free(t->sql);
	free(t->options);
	free(t->partition_of);
	free(t->partition_bound);
	strv_free(t->inherited, t->ninherited);
	free(t->acl);
	free(t->renamed_from);
}

void rt_sm_free(sm_schema *s)
{
	if (!s)
		return;
	for (size_t i = 0; i < s->ntables; i++)
		free_table(&s->tables[i]);
	free(s->tables);
	for (size_t i = 0; i < s->nviews; i++) {
		sm_view *v = &s->views[i];
		free(v->schema);
		free(v->name);
		free(v->def);
		free(v->sql);
		free(v->comment);
		strv_free(v->col_comments, v->ncol_comments);
		strv_free(v->col_defaults, v->ncol_defaults);
		strv_free(v->deps, v->ndeps);
		for (size_t j = 0; j < v->nidx; j++)
			free_index(&v->idx[j]);
		free(v->idx);
		for (size_t j = 0; j < v->ntrg; j++) {
			free(v->trg[j].name);
			free(v->trg[j].def);
			free(v->trg[j].sql);
			free(v->trg[j].comment);
		}
		free(v->trg);
		strv_free(v->cols, v->ncols);
		free(v->acl);
	}
	free(s->views);
	for (size_t i = 0; i < s->nseqs; i++) {
		free(s->seqs[i].schema);
		free(s->seqs[i].name);
		free(s->seqs[i].def);
		free(s->seqs[i].owned_by);
		free(s->seqs[i].comment);
		free(s->seqs[i].acl);
	}
	free(s->seqs);
	for (size_t i = 0; i < s->nenums; i++) {
		free(s->enums[i].schema);
		free(s->enums[i].name);
		strv_free(s->enums[i].labels, s->enums[i].nlabels);
		free(s->enums[i].comment);
		free(s->enums[i].acl);
	}
	free(s->enums);
	for (size_t i = 0; i < s->nfuncs; i++) {
		free(s->funcs[i].schema);
		free(s->funcs[i].name);
		free(s->funcs[i].identity);
		free(s->funcs[i].def);
		free(s->funcs[i].comment);
		free(s->funcs[i].acl);
		strv_free(s->funcs[i].deps, s->funcs[i].ndeps);
	}
	free(s->funcs);
	strv_free(s->schemas, s->nschemas);
	for (size_t i = 0; i < s->nnamespaces; i++) {
		free(s->namespaces[i].schema);
		free(s->namespaces[i].comment);
		free(s->namespaces[i].acl);
	}
	free(s->namespaces);
	for (size_t i = 0; i < s->nexts; i++) {
		free(s->exts[i].name);
		free(s->exts[i].schema);
		free(s->exts[i].version);
		free(s->exts[i].comment);
		strv_free(s->exts[i].requires, s->exts[i].nrequires);
	}
	free(s->exts);
	for (size_t i = 0; i < s->ndomains; i++)
		free_domain(&s->domains[i]);
	free(s->domains);
	for (size_t i = 0; i < s->nobjects; i++)
		free_object(&s->objects[i]);
	free(s->objects);
	strv_free(s->unsupported, s->nunsupported);
	strv_free(s->unsupported_keys, s->nunsupported_keys);
	strv_free(s->unsupported_uses, s->nunsupported_uses);
	strv_free(s->warnings, s->nwarnings);
	free(s);
}

/* strcmp where NULL sorts first. */
int rt_sm_strcmp_null(const char *a, const char *b)
{
	if (!a || !b)
		return a ? 1 : b ? -1 : 0;
	return strcmp(a, b);
}

static int nullcmp(const char *a, const char *b)
{
	return rt_sm_strcmp_null(a, b);
}

/* See model.h. */
int rt_sm_streq(const char *a, const char *b)
{
	return nullcmp(a, b) == 0;
}


/* Order by schema, then name. */
static int qname_cmp(const char *sa, const char *na, const char *sb, const char *nb)
{
	int c = nullcmp(sa, sb);
	return c ? c : nullcmp(na, nb);
}

static int cmp_table(const void *a, const void *b)
{
	const sm_table *x = a, *y = b;
	return qname_cmp(x->schema, x->name, y->schema, y->name);
}

static int cmp_view(const void *a, const void *b)
{
	const sm_view *x = a, *y = b;
	return qname_cmp(x->schema, x->name, y->schema, y->name);
}

static int cmp_seq(const void *a, const void *b)
{
	const sm_sequence *x = a, *y = b;
	return qname_cmp(x->schema, x->name, y->schema, y->name);
}

static int cmp_enum(const void *a, const void *b)
{
	const sm_enum *x = a, *y = b;
	return qname_cmp(x->schema, x->name, y->schema, y->name);
}

static int cmp_func(const void *a, const void *b)
{
	const sm_function *x = a, *y = b;
	return qname_cmp(x->schema, x->identity, y->schema, y->identity);
}

static int cmp_ext(const void *a, const void *b)
{
	return strcmp(((const sm_extension *)a)->name, ((const sm_extension *)b)->name);
}

static int cmp_domain(const void *a, const void *b)
{
	const sm_domain *x = a, *y = b;
	return qname_cmp(x->schema, x->name, y->schema, y->name);
}

/* Objects by kind, schema, name. */
static int cmp_object(const void *a, const void *b)
{
	const sm_object *x = a, *y = b;
	int c = strcmp(x->kind, y->kind);
	return c ? c : qname_cmp(x->schema, x->name, y->schema, y->name);
}

static int cmp_index(const void *a, const void *b)
{
	return nullcmp(((const sm_index *)a)->name, ((const sm_index *)b)->name);
}

static int cmp_trigger(const void *a, const void *b)
{
	return nullcmp(((const sm_trigger *)a)->name, ((const sm_trigger *)b)->name);
}

/* Constraints: named ones by name, unnamed (SQLite) by kind then definition. */
static int cmp_con(const void *a, const void *b)
{
	const sm_constraint *x = a, *y = b;
	if (x->kind != y->kind)
		return x->kind - y->kind;
	int c = nullcmp(x->name, y->name);
	return c ? c : nullcmp(x->def, y->def);
}

static int cmp_str(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

#define SORT(arr, n, fn) do { if ((n) > 1) qsort((arr), (n), sizeof(*(arr)), fn); } while (0)

void rt_sm_sort(sm_schema *s)
{
	SORT(s->tables, s->ntables, cmp_table);
	for (size_t i = 0; i < s->ntables; i++) {
		sm_table *t = &s->tables[i];
		SORT(t->cons, t->ncons, cmp_con);
		SORT(t->idx, t->nidx, cmp_index);
		SORT(t->trg, t->ntrg, cmp_trigger);
	}
	SORT(s->views, s->nviews, cmp_view);
	for (size_t i = 0; i < s->nviews; i++) {
		SORT(s->views[i].idx, s->views[i].nidx, cmp_index);
		SORT(s->views[i].trg, s->views[i].ntrg, cmp_trigger);
	}
	SORT(s->seqs, s->nseqs, cmp_seq);
	SORT(s->enums, s->nenums, cmp_enum);
	SORT(s->funcs, s->nfuncs, cmp_func);
	SORT(s->schemas, s->nschemas, cmp_str);
	SORT(s->exts, s->nexts, cmp_ext);
	SORT(s->domains, s->ndomains, cmp_domain);
	for (size_t i = 0; i < s->ndomains; i++)
		SORT(s->domains[i].cons, s->domains[i].ncons, cmp_con);
	SORT(s->objects, s->nobjects, cmp_object);
	SORT(s->unsupported, s->nunsupported, cmp_str);
}

sm_table *rt_sm_find_table(const sm_schema *s, const char *schema, const char *name)
{
	for (size_t i = 0; i < s->ntables; i++)
		if (rt_sm_streq(s->tables[i].schema, schema) && !strcmp(s->tables[i].name, name))
			return &s->tables[i];
	return NULL;
}

sm_view *rt_sm_find_view(const sm_schema *s, const char *schema, const char *name)
{
	for (size_t i = 0; i < s->nviews; i++)
		if (rt_sm_streq(s->views[i].schema, schema) && !strcmp(s->views[i].name, name))
			return &s->views[i];
	return NULL;
}

sm_extension *rt_sm_find_extension(const sm_schema *s, const char *name)
{
	for (size_t i = 0; i < s->nexts; i++)
		if (!strcmp(s->exts[i].name, name))
			return &s->exts[i];
	return NULL;
}

sm_domain *rt_sm_find_domain(const sm_schema *s, const char *schema, const char *name)
{
	for (size_t i = 0; i < s->ndomains; i++)
		if (rt_sm_streq(s->domains[i].schema, schema) && !strcmp(s->domains[i].name, name))
			return &s->domains[i];
	return NULL;
}

sm_object *rt_sm_find_object(const sm_schema *s, const char *kind, const char *schema,
			     const char *name)
{
	for (size_t i = 0; i < s->nobjects; i++)
		if (!strcmp(s->objects[i].kind, kind) && rt_sm_streq(s->objects[i].schema, schema) &&
		    !strcmp(s->objects[i].name, name))
			return &s->objects[i];
	return NULL;
}

sm_namespace *rt_sm_find_namespace(const sm_schema *s, const char *schema)
{
	for (size_t i = 0; i < s->nnamespaces; i++)
		if (!strcmp(s->namespaces[i].schema, schema))
			return &s->namespaces[i];
	return NULL;
}

const char *rt_sm_schema_comment(const sm_schema *s, const char *schema)
{
	const sm_namespace *k = rt_sm_find_namespace(s, schema);
	return k ? k->comment : NULL;
}

sm_column *rt_sm_find_column(const sm_table *t, const char *name)
{
	for (size_t i = 0; i < t->ncols; i++)
		if (!strcmp(t->cols[i].name, name))
			return &t->cols[i];
	return NULL;
}

/* See model.h. */
sm_table *rt_sm_find_table_ci(const sm_schema *s, const char *schema, const char *name)
{
	sm_table *ci = NULL;
	int nci = 0;
	for (size_t i = 0; i < s->ntables; i++) {
		sm_table *t = &s->tables[i];
		if (schema && t->schema && strcasecmp(schema, t->schema))
			continue;
		if (!strcmp(t->name, name) && (!schema || !t->schema || !strcmp(schema, t->schema)))
			return t;
		if (!strcasecmp(t->name, name)) {
			ci = t;
			nci++;
		}
	}
	return nci == 1 ? ci : NULL;
}

/* See model.h. */
sm_column *rt_sm_find_column_ci(const sm_table *t, const char *name)
{
	sm_column *ci = NULL;
	int nci = 0;
	for (size_t i = 0; t && i < t->ncols; i++) {
		if (!strcmp(t->cols[i].name, name))
			return &t->cols[i];
		if (!strcasecmp(t->cols[i].name, name)) {
			ci = &t->cols[i];
			nci++;
		}
	}
	return nci == 1 ? ci : NULL;
}

sm_enum *rt_sm_find_enum(const sm_schema *s, const char *schema, const char *name)
{
	for (size_t i = 0; i < s->nenums; i++)
		if (rt_sm_streq(s->enums[i].schema, schema) && !strcmp(s->enums[i].name, name))
			return &s->enums[i];
	return NULL;
}

sm_sequence *rt_sm_find_sequence(const sm_schema *s, const char *schema, const char *name)
{
	for (size_t i = 0; i < s->nseqs; i++)
		if (rt_sm_streq(s->seqs[i].schema, schema) && !strcmp(s->seqs[i].name, name))
			return &s->seqs[i];
	return NULL;
}

sm_function *rt_sm_find_function(const sm_schema *s, const char *schema, const char *identity)
{
	for (size_t i = 0; i < s->nfuncs; i++)
		if (rt_sm_streq(s->funcs[i].schema, schema) && !strcmp(s->funcs[i].identity, identity))
			return &s->funcs[i];
	return NULL;
}

sm_constraint *rt_sm_find_constraint(const sm_table *t, const char *name)
{
	for (size_t i = 0; t && i < t->ncons; i++)
		if (rt_sm_streq(t->cons[i].name, name))
			return &t->cons[i];
	return NULL;
}

sm_index *rt_sm_find_index(sm_index *v, size_t n, const char *name)
{
	for (size_t i = 0; i < n; i++)
		if (rt_sm_streq(v[i].name, name))
			return &v[i];
	return NULL;
}

sm_trigger *rt_sm_find_trigger(const sm_table *t, const char *name)
{
	for (size_t i = 0; t && i < t->ntrg; i++)
		if (rt_sm_streq(t->trg[i].name, name))
			return &t->trg[i];
	return NULL;
}
