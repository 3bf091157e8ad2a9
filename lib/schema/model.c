/*
 * model.c - the schema model: building, freeing, sorting and comparing
 * (see model.h).  Comparison is field by field on the catalog's own text,
 * and reports every difference in words a user can act on.
 */
#include "internal.h"
#include "schema/model.h"

#include <stdarg.h>
#include <string.h>

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
	}
	free(t->cols);
	for (size_t i = 0; i < t->ncons; i++) {
		sm_constraint *c = &t->cons[i];
		free(c->name);
		free(c->def);
		strv_free(c->cols, c->ncols);
		free(c->ref_table);
		strv_free(c->ref_cols, c->nref_cols);
		free(c->on_delete);
		free(c->on_update);
		free(c->match);
	}
	free(t->cons);
	for (size_t i = 0; i < t->nidx; i++)
		free_index(&t->idx[i]);
	free(t->idx);
	for (size_t i = 0; i < t->ntrg; i++) {
		free(t->trg[i].name);
		free(t->trg[i].def);
		free(t->trg[i].sql);
	}
	free(t->trg);
	free(t->comment);
	free(t->sql);
	free(t->options);
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
		strv_free(v->deps, v->ndeps);
		for (size_t j = 0; j < v->nidx; j++)
			free_index(&v->idx[j]);
		free(v->idx);
		for (size_t j = 0; j < v->ntrg; j++) {
			free(v->trg[j].name);
			free(v->trg[j].def);
			free(v->trg[j].sql);
		}
		free(v->trg);
		strv_free(v->cols, v->ncols);
	}
	free(s->views);
	for (size_t i = 0; i < s->nseqs; i++) {
		free(s->seqs[i].schema);
		free(s->seqs[i].name);
		free(s->seqs[i].def);
		free(s->seqs[i].owned_by);
	}
	free(s->seqs);
	for (size_t i = 0; i < s->nenums; i++) {
		free(s->enums[i].schema);
		free(s->enums[i].name);
		strv_free(s->enums[i].labels, s->enums[i].nlabels);
		free(s->enums[i].comment);
	}
	free(s->enums);
	for (size_t i = 0; i < s->nfuncs; i++) {
		free(s->funcs[i].schema);
		free(s->funcs[i].name);
		free(s->funcs[i].identity);
		free(s->funcs[i].def);
		free(s->funcs[i].comment);
		strv_free(s->funcs[i].deps, s->funcs[i].ndeps);
	}
	free(s->funcs);
	strv_free(s->schemas, s->nschemas);
	for (size_t i = 0; i < s->nexts; i++) {
		free(s->exts[i].name);
		free(s->exts[i].schema);
		free(s->exts[i].version);
		free(s->exts[i].comment);
		strv_free(s->exts[i].requires, s->exts[i].nrequires);
	}
	free(s->exts);
	strv_free(s->unsupported, s->nunsupported);
	free(s);
}

static int nullcmp(const char *a, const char *b)
{
	if (!a || !b)
		return a ? 1 : b ? -1 : 0;
	return strcmp(a, b);
}

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

sm_column *rt_sm_find_column(const sm_table *t, const char *name)
{
	for (size_t i = 0; i < t->ncols; i++)
		if (!strcmp(t->cols[i].name, name))
			return &t->cols[i];
	return NULL;
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

/* A comparison in progress: counts differences and words them. */
typedef struct cmp {
	strbuf *out;
	size_t n;
	unsigned flags; /* SM_CMP_* */
} cmp;

static void differ(cmp *c, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void differ(cmp *c, const char *fmt, ...)
{
	c->n++;
	if (!c->out)
		return;
	va_list ap;
	va_start(ap, fmt);
	rt_strbuf_vaddf(c->out, fmt, ap);
	va_end(ap);
	rt_strbuf_addc(c->out, '\n');
}

static const char *qn(strbuf *sb, const char *schema, const char *name)
{
	rt_strbuf_reset(sb);
	if (schema)
		rt_strbuf_addf(sb, "%s.", schema);
	rt_strbuf_adds(sb, name);
	return sb->buf;
}

static void field(cmp *c, const char *what, const char *owner, const char *a,
		  const char *b)
{
	if (!rt_sm_streq(a, b))
		differ(c, "%s of %s: %s -> %s", what, owner, a ? a : "(none)",
		       b ? b : "(none)");
}

static void compare_columns(cmp *c, const char *tname, const sm_table *a,
			    const sm_table *b)
{
	strbuf name = STRBUF_INIT;
	for (size_t i = 0; i < a->ncols; i++)
		if (!rt_sm_find_column(b, a->cols[i].name))
			differ(c, "column %s.%s only in the first", tname, a->cols[i].name);
	for (size_t i = 0; i < b->ncols; i++) {
		const sm_column *y = &b->cols[i];
		const sm_column *x = rt_sm_find_column(a, y->name);
		if (!x) {
			differ(c, "column %s.%s only in the second", tname, y->name);
			continue;
		}
		rt_strbuf_reset(&name);
		rt_strbuf_addf(&name, "column %s.%s", tname, y->name);
		field(c, "type", name.buf, x->type, y->type);
		field(c, "default", name.buf, x->def, y->def);
		field(c, "generated expression", name.buf, x->generated, y->generated);
		field(c, "collation", name.buf, x->collation, y->collation);
		field(c, "comment", name.buf, x->comment, y->comment);
		field(c, "identity options", name.buf, x->identity_opts, y->identity_opts);
		if (x->notnull != y->notnull)
			differ(c, "%s: %s -> %s", name.buf, x->notnull ? "NOT NULL" : "NULL",
			       y->notnull ? "NOT NULL" : "NULL");
		if (x->identity != y->identity || x->stored != y->stored || x->pk != y->pk)
			differ(c, "%s: identity, storage or key position differs", name.buf);
	}
	/* Same columns, different order: a difference only when order is compared. */
	int same_set = (c->flags & SM_CMP_COLUMN_ORDER) && a->ncols == b->ncols;
	for (size_t i = 0; same_set && i < a->ncols; i++)
		same_set = rt_sm_find_column(b, a->cols[i].name) != NULL;
	for (size_t i = 0; same_set && i < a->ncols; i++)
		if (strcmp(a->cols[i].name, b->cols[i].name)) {
			differ(c, "column order of %s differs", tname);
			break;
		}
	rt_strbuf_release(&name);
}

static const char *con_kind(char k)
{
	switch (k) {
	case SM_PRIMARY: return "primary key";
	case SM_UNIQUE: return "unique constraint";
	case SM_CHECK: return "check constraint";
	case SM_FOREIGN: return "foreign key";
	case SM_EXCLUDE: return "exclusion constraint";
	default: return "constraint";
	}
}

static void compare_constraints(cmp *c, const char *tname, const sm_table *a,
				const sm_table *b)
{
	for (size_t i = 0; i < a->ncons; i++) {
		const sm_constraint *x = &a->cons[i];
		int found = 0;
		for (size_t j = 0; j < b->ncons && !found; j++)
			found = b->cons[j].kind == x->kind && rt_sm_streq(b->cons[j].name, x->name) &&
				rt_sm_streq(b->cons[j].def, x->def) && b->cons[j].validated == x->validated;
		if (!found)
			differ(c, "%s %s on %s: %s only in the first",
			       con_kind(x->kind), x->name ? x->name : "(unnamed)", tname,
			       x->def ? x->def : "");
	}
	for (size_t j = 0; j < b->ncons; j++) {
		const sm_constraint *y = &b->cons[j];
		int found = 0;
		for (size_t i = 0; i < a->ncons && !found; i++)
			found = a->cons[i].kind == y->kind && rt_sm_streq(a->cons[i].name, y->name) &&
				rt_sm_streq(a->cons[i].def, y->def) && a->cons[i].validated == y->validated;
		if (!found)
			differ(c, "%s %s on %s: %s only in the second",
			       con_kind(y->kind), y->name ? y->name : "(unnamed)", tname,
			       y->def ? y->def : "");
	}
}

static void compare_indexes(cmp *c, const char *owner, const sm_index *a,
			    size_t na, const sm_index *b, size_t nb)
{
	for (size_t i = 0; i < na; i++) {
		const sm_index *y = NULL;
		for (size_t j = 0; j < nb && !y; j++)
			if (rt_sm_streq(a[i].name, b[j].name))
				y = &b[j];
		if (!y)
			differ(c, "index %s on %s only in the first", a[i].name, owner);
		else if (!rt_sm_streq(a[i].def, y->def))
			differ(c, "index %s on %s: %s -> %s", a[i].name, owner, a[i].def, y->def);
		else if (!rt_sm_streq(a[i].comment, y->comment))
			differ(c, "comment of index %s differs", a[i].name);
	}
	for (size_t j = 0; j < nb; j++) {
		int found = 0;
		for (size_t i = 0; i < na && !found; i++)
			found = rt_sm_streq(a[i].name, b[j].name);
		if (!found)
			differ(c, "index %s on %s only in the second", b[j].name, owner);
	}
}

static void compare_triggers(cmp *c, const char *tname, const sm_table *a,
			     const sm_table *b)
{
	for (size_t i = 0; i < a->ntrg; i++) {
		const sm_trigger *y = NULL;
		for (size_t j = 0; j < b->ntrg && !y; j++)
			if (rt_sm_streq(a->trg[i].name, b->trg[j].name))
				y = &b->trg[j];
		if (!y)
			differ(c, "trigger %s on %s only in the first", a->trg[i].name, tname);
		else if (!rt_sm_streq(a->trg[i].def, y->def))
			differ(c, "trigger %s on %s differs", a->trg[i].name, tname);
	}
	for (size_t j = 0; j < b->ntrg; j++) {
		int found = 0;
		for (size_t i = 0; i < a->ntrg && !found; i++)
			found = rt_sm_streq(a->trg[i].name, b->trg[j].name);
		if (!found)
			differ(c, "trigger %s on %s only in the second", b->trg[j].name, tname);
	}
}

/* Triggers on a view (INSTEAD OF), compared as a table's are. */
static void compare_view_triggers(cmp *c, const char *vname, const sm_view *a,
				  const sm_view *b)
{
	sm_table ta = { 0 }, tb = { 0 };
	ta.trg = a->trg;
	ta.ntrg = a->ntrg;
	tb.trg = b->trg;
	tb.ntrg = b->ntrg;
	compare_triggers(c, vname, &ta, &tb);
}

static void compare_table(cmp *c, const sm_table *a, const sm_table *b)
{
	strbuf sb = STRBUF_INIT;
	const char *tname = qn(&sb, b->schema, b->name);
	compare_columns(c, tname, a, b);
	compare_constraints(c, tname, a, b);
	compare_indexes(c, tname, a->idx, a->nidx, b->idx, b->nidx);
	compare_triggers(c, tname, a, b);
	field(c, "comment", tname, a->comment, b->comment);
	field(c, "options", tname, a->options, b->options);
	if (a->without_rowid != b->without_rowid || a->strict != b->strict ||
	    a->autoincrement != b->autoincrement || a->is_virtual != b->is_virtual)
		differ(c, "table %s: WITHOUT ROWID, STRICT, AUTOINCREMENT or virtual differs", tname);
	if (a->is_virtual && !rt_sm_streq(a->sql, b->sql))
		differ(c, "virtual table %s: definition differs", tname);
	rt_strbuf_release(&sb);
}

/* Extensions: present, schema, version, comment. */
static void compare_extensions(cmp *c, const sm_schema *a, const sm_schema *b)
{
	for (size_t i = 0; i < a->nexts; i++)
		if (!rt_sm_find_extension(b, a->exts[i].name))
			differ(c, "extension %s only in the first", a->exts[i].name);
	strbuf name = STRBUF_INIT;
	for (size_t i = 0; i < b->nexts; i++) {
		const sm_extension *y = &b->exts[i];
		const sm_extension *x = rt_sm_find_extension(a, y->name);
		if (!x) {
			differ(c, "extension %s only in the second", y->name);
			continue;
		}
		rt_strbuf_reset(&name);
		rt_strbuf_addf(&name, "extension %s", y->name);
		field(c, "schema", name.buf, x->schema, y->schema);
		field(c, "version", name.buf, x->version, y->version);
		field(c, "comment", name.buf, x->comment, y->comment);
	}
	rt_strbuf_release(&name);
}

size_t rt_sm_compare(const sm_schema *a, const sm_schema *b, unsigned flags, strbuf *out)
{
	cmp c = { out, 0, flags };
	strbuf sb = STRBUF_INIT;
	compare_extensions(&c, a, b);
	for (size_t i = 0; i < a->ntables; i++)
		if (!rt_sm_find_table(b, a->tables[i].schema, a->tables[i].name))
			differ(&c, "table %s only in the first",
			       qn(&sb, a->tables[i].schema, a->tables[i].name));
	for (size_t i = 0; i < b->ntables; i++) {
		const sm_table *x = rt_sm_find_table(a, b->tables[i].schema, b->tables[i].name);
		if (x)
			compare_table(&c, x, &b->tables[i]);
		else
			differ(&c, "table %s only in the second",
			       qn(&sb, b->tables[i].schema, b->tables[i].name));
	}
	for (size_t i = 0; i < a->nviews; i++)
		if (!rt_sm_find_view(b, a->views[i].schema, a->views[i].name))
			differ(&c, "view %s only in the first", qn(&sb, a->views[i].schema, a->views[i].name));
	for (size_t i = 0; i < b->nviews; i++) {
		const sm_view *y = &b->views[i];
		const sm_view *x = rt_sm_find_view(a, y->schema, y->name);
		const char *vn = qn(&sb, y->schema, y->name);
		if (!x) {
			differ(&c, "view %s only in the second", vn);
			continue;
		}
		if (!rt_sm_streq(x->def, y->def) || x->materialized != y->materialized)
			differ(&c, "view %s: definition differs", vn);
		field(&c, "comment", vn, x->comment, y->comment);
		compare_indexes(&c, vn, x->idx, x->nidx, y->idx, y->nidx);
		compare_view_triggers(&c, vn, x, y);
	}
	for (size_t i = 0; i < a->nseqs; i++) {
		const sm_sequence *x = &a->seqs[i], *y = NULL;
		for (size_t j = 0; j < b->nseqs && !y; j++)
			if (rt_sm_streq(b->seqs[j].schema, x->schema) && rt_sm_streq(b->seqs[j].name, x->name))
				y = &b->seqs[j];
		if (!y)
			differ(&c, "sequence %s only in the first", qn(&sb, x->schema, x->name));
		else if (!rt_sm_streq(x->def, y->def) || !rt_sm_streq(x->owned_by, y->owned_by))
			differ(&c, "sequence %s differs", qn(&sb, x->schema, x->name));
	}
	for (size_t j = 0; j < b->nseqs; j++) {
		int found = 0;
		for (size_t i = 0; i < a->nseqs && !found; i++)
			found = rt_sm_streq(a->seqs[i].schema, b->seqs[j].schema) && rt_sm_streq(a->seqs[i].name, b->seqs[j].name);
		if (!found)
			differ(&c, "sequence %s only in the second", qn(&sb, b->seqs[j].schema, b->seqs[j].name));
	}
	for (size_t i = 0; i < a->nenums; i++) {
		const sm_enum *x = &a->enums[i], *y = NULL;
		for (size_t j = 0; j < b->nenums && !y; j++)
			if (rt_sm_streq(b->enums[j].schema, x->schema) && rt_sm_streq(b->enums[j].name, x->name))
				y = &b->enums[j];
		if (!y) {
			differ(&c, "type %s only in the first", qn(&sb, x->schema, x->name));
			continue;
		}
		int same = x->nlabels == y->nlabels;
		for (size_t k = 0; same && k < x->nlabels; k++)
			same = !strcmp(x->labels[k], y->labels[k]);
		if (!same)
			differ(&c, "labels of type %s differ", qn(&sb, x->schema, x->name));
		field(&c, "comment", qn(&sb, x->schema, x->name), x->comment, y->comment);
	}
	for (size_t j = 0; j < b->nenums; j++) {
		int found = 0;
		for (size_t i = 0; i < a->nenums && !found; i++)
			found = rt_sm_streq(a->enums[i].schema, b->enums[j].schema) && rt_sm_streq(a->enums[i].name, b->enums[j].name);
		if (!found)
			differ(&c, "type %s only in the second", qn(&sb, b->enums[j].schema, b->enums[j].name));
	}
	for (size_t i = 0; i < a->nfuncs; i++) {
		const sm_function *x = &a->funcs[i], *y = NULL;
		for (size_t j = 0; j < b->nfuncs && !y; j++)
			if (rt_sm_streq(b->funcs[j].schema, x->schema) && rt_sm_streq(b->funcs[j].identity, x->identity))
				y = &b->funcs[j];
		if (!y)
			differ(&c, "function %s only in the first", qn(&sb, x->schema, x->identity));
		else if (!rt_sm_streq(x->def, y->def) || !rt_sm_streq(x->comment, y->comment))
			differ(&c, "function %s differs", qn(&sb, x->schema, x->identity));
	}
	for (size_t j = 0; j < b->nfuncs; j++) {
		int found = 0;
		for (size_t i = 0; i < a->nfuncs && !found; i++)
			found = rt_sm_streq(a->funcs[i].schema, b->funcs[j].schema) && rt_sm_streq(a->funcs[i].identity, b->funcs[j].identity);
		if (!found)
			differ(&c, "function %s only in the second", qn(&sb, b->funcs[j].schema, b->funcs[j].identity));
	}
	for (size_t i = 0; i < a->nschemas; i++) {
		int found = 0;
		for (size_t j = 0; j < b->nschemas && !found; j++)
			found = !strcmp(a->schemas[i], b->schemas[j]);
		if (!found)
			differ(&c, "schema %s only in the first", a->schemas[i]);
	}
	for (size_t j = 0; j < b->nschemas; j++) {
		int found = 0;
		for (size_t i = 0; i < a->nschemas && !found; i++)
			found = !strcmp(a->schemas[i], b->schemas[j]);
		if (!found)
			differ(&c, "schema %s only in the second", b->schemas[j]);
	}
	rt_strbuf_release(&sb);
	return c.n;
}
