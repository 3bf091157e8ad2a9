/*
 * compare.c - rt_sm_compare: two schema models compared field by field on
 * the catalog's own text, every difference reported in words a user can
 * act on (check, verify, the tests' exactness).
 */
#include "internal.h"
#include "schema/model.h"

#include <stdarg.h>
#include <string.h>

/* A comparison in progress: counts differences and words them. */
typedef struct cmp {
	strbuf *out;
	size_t n;
	unsigned flags; /* SM_CMP_* */
	int acl;        /* both sides have their privileges read: compare them */
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

/* Privileges, when both sides have them. */
static void acl_field(cmp *c, const char *owner, const char *a, const char *b)
{
	if (c->acl)
		field(c, "privileges", owner, a, b);
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
		field(c, "settings", name.buf, x->settings, y->settings);
		acl_field(c, name.buf, x->acl, y->acl);
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

static int same_con(const sm_constraint *x, const sm_constraint *y)
{
	return x->kind == y->kind && rt_sm_streq(x->name, y->name) && rt_sm_streq(x->def, y->def) &&
	       x->validated == y->validated && rt_sm_streq(x->comment, y->comment);
}

static void compare_constraints(cmp *c, const char *tname, const sm_constraint *acons,
				size_t nacons, const sm_constraint *bcons, size_t nbcons)
{
	for (size_t i = 0; i < nacons; i++) {
		const sm_constraint *x = &acons[i];
		int found = 0;
		for (size_t j = 0; j < nbcons && !found; j++)
			found = same_con(&bcons[j], x);
		if (!found)
			differ(c, "%s %s on %s: %s only in the first",
			       con_kind(x->kind), x->name ? x->name : "(unnamed)", tname,
			       x->def ? x->def : "");
	}
	for (size_t j = 0; j < nbcons; j++) {
		const sm_constraint *y = &bcons[j];
		int found = 0;
		for (size_t i = 0; i < nacons && !found; i++)
			found = same_con(&acons[i], y);
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
		else if (!rt_sm_streq(a[i].settings, y->settings))
			differ(c, "settings of index %s: %s -> %s", a[i].name,
			       a[i].settings ? a[i].settings : "(none)", y->settings ? y->settings : "(none)");
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
		else if (!rt_sm_streq(a->trg[i].comment, y->comment))
			differ(c, "comment of trigger %s on %s differs", a->trg[i].name, tname);
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

static const char *rls_word(int rls)
{
	return rls == 3 ? "enabled, forced" : rls == 2 ? "forced, not enabled" : rls ? "enabled" : "disabled";
}

static void compare_table(cmp *c, const sm_table *a, const sm_table *b)
{
	strbuf sb = STRBUF_INIT;
	const char *tname = qn(&sb, b->schema, b->name);
	if (!a->partition_of || !b->partition_of) /* a partition's columns are its parent's */
		compare_columns(c, tname, a, b);
	compare_constraints(c, tname, a->cons, a->ncons, b->cons, b->ncons);
	compare_indexes(c, tname, a->idx, a->nidx, b->idx, b->nidx);
	compare_triggers(c, tname, a, b);
	field(c, "comment", tname, a->comment, b->comment);
	field(c, "options", tname, a->options, b->options);
	field(c, "parent", tname, a->partition_of, b->partition_of);
	acl_field(c, tname, a->acl, b->acl);
	field(c, "partition bound", tname, a->partition_bound, b->partition_bound);
	if (a->row_security != b->row_security)
		differ(c, "row-level security of %s: %s -> %s", tname,
		       rls_word(a->row_security), rls_word(b->row_security));
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

/* Domains: base type, collation, default, NOT NULL, constraints, comment. */
static void compare_domains(cmp *c, const sm_schema *a, const sm_schema *b)
{
	strbuf name = STRBUF_INIT;
	for (size_t i = 0; i < a->ndomains; i++)
		if (!rt_sm_find_domain(b, a->domains[i].schema, a->domains[i].name))
			differ(c, "domain %s only in the first", qn(&name, a->domains[i].schema, a->domains[i].name));
	for (size_t i = 0; i < b->ndomains; i++) {
		const sm_domain *y = &b->domains[i];
		const sm_domain *x = rt_sm_find_domain(a, y->schema, y->name);
		rt_strbuf_reset(&name);
		rt_strbuf_addf(&name, "domain %s.%s", y->schema, y->name);
		if (!x) {
			differ(c, "%s only in the second", name.buf);
			continue;
		}
		field(c, "type", name.buf, x->type, y->type);
		field(c, "collation", name.buf, x->collation, y->collation);
		field(c, "default", name.buf, x->def, y->def);
		field(c, "comment", name.buf, x->comment, y->comment);
		acl_field(c, name.buf, x->acl, y->acl);
		if (x->notnull != y->notnull)
			differ(c, "%s: %s -> %s", name.buf, x->notnull ? "NOT NULL" : "NULL",
			       y->notnull ? "NOT NULL" : "NULL");
		compare_constraints(c, name.buf, x->cons, x->ncons, y->cons, y->ncons);
	}
	rt_strbuf_release(&name);
}

/* Two string lists with the same strings in the same order. */
static int strv_eq(char *const *a, size_t na, char *const *b, size_t nb)
{
	for (size_t k = 0; na == nb && k < na; k++)
		if (strcmp(a[k], b[k]))
			return 0;
	return na == nb;
}

/* Other objects: present, definition, comment. */
static void compare_objects(cmp *c, const sm_schema *a, const sm_schema *b)
{
	for (size_t i = 0; i < a->nobjects; i++) {
		const sm_object *x = &a->objects[i];
		if (!rt_sm_find_object(b, x->kind, x->schema, x->name))
			differ(c, "%s %s%s%s only in the first", x->kind, x->schema ? x->schema : "",
			       x->schema ? "." : "", x->name);
	}
	for (size_t i = 0; i < b->nobjects; i++) {
		const sm_object *y = &b->objects[i];
		const sm_object *x = rt_sm_find_object(a, y->kind, y->schema, y->name);
		const char *dot = y->schema ? "." : "", *sch = y->schema ? y->schema : "";
		if (!x)
			differ(c, "%s %s%s%s only in the second", y->kind, sch, dot, y->name);
		else if (!rt_sm_streq(x->def, y->def))
			differ(c, "%s %s%s%s: definition differs", y->kind, sch, dot, y->name);
		else if (!rt_sm_streq(x->comment, y->comment))
			differ(c, "comment of %s %s%s%s: %s -> %s", y->kind, sch, dot, y->name,
			       x->comment ? x->comment : "(none)", y->comment ? y->comment : "(none)");
	}
}

size_t rt_sm_compare(const sm_schema *a, const sm_schema *b, unsigned flags, strbuf *out)
{
	cmp c = { out, 0, flags, a->privileges && b->privileges };
	strbuf sb = STRBUF_INIT;
	compare_extensions(&c, a, b);
	compare_domains(&c, a, b);
	compare_objects(&c, a, b);
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
		if (!strv_eq(x->col_comments, x->ncol_comments, y->col_comments, y->ncol_comments))
			differ(&c, "comments on the columns of view %s differ", vn);
		if (!strv_eq(x->col_defaults, x->ncol_defaults, y->col_defaults, y->ncol_defaults))
			differ(&c, "defaults of the columns of view %s differ", vn);
		acl_field(&c, vn, x->acl, y->acl);
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
		else if (!rt_sm_streq(x->def, y->def) || !rt_sm_streq(x->owned_by, y->owned_by) || !rt_sm_streq(x->comment, y->comment))
			differ(&c, "sequence %s differs", qn(&sb, x->schema, x->name));
		else
			acl_field(&c, qn(&sb, x->schema, x->name), x->acl, y->acl);
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
		acl_field(&c, qn(&sb, x->schema, x->name), x->acl, y->acl);
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
		else
			acl_field(&c, qn(&sb, x->schema, x->identity), x->acl, y->acl);
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
	for (size_t i = 0; i < a->nnamespaces; i++) {
		const sm_namespace *x = &a->namespaces[i];
		const sm_namespace *y = rt_sm_find_namespace(b, x->schema);
		field(&c, "comment", qn(&sb, NULL, x->schema), x->comment, y ? y->comment : NULL);
		if (y)
			acl_field(&c, qn(&sb, NULL, x->schema), x->acl, y->acl);
	}
	for (size_t j = 0; j < b->nnamespaces; j++) {
		const sm_namespace *y = &b->namespaces[j];
		if (!rt_sm_schema_comment(a, y->schema))
			field(&c, "comment", qn(&sb, NULL, y->schema), NULL, y->comment);
	}
	rt_strbuf_release(&sb);
	return c.n;
}
