/*
 * diff_acl.c - privileges in a PostgreSQL schema diff, when both sides
 * have them (compare_privileges = true).  For each grantee whose
 * privileges on an object differ: REVOKE ALL, then GRANT what it is to
 * have (WITH GRANT OPTION for those marked so).  An object made by the
 * migration starts from PostgreSQL's defaults (EXECUTE on functions and
 * USAGE on types to PUBLIC, nothing else), so its grants are written
 * too.  Ownership is not compared.
 */
#include "dialect/postgres/pgdiff.h"

#include <string.h>

/* The privileges of who in acl ("who=P,Q*" lines), or NULL; its length in *len. */
static const char *privs_of(const char *acl, const char *who, size_t *len)
{
	size_t wl = strlen(who);
	for (const char *p = acl; p && *p;) {
		const char *e = strchr(p, '\n');
		size_t n = e ? (size_t)(e - p) : strlen(p);
		if (n > wl && !strncmp(p, who, wl) && p[wl] == '=') {
			*len = n - wl - 1;
			return p + wl + 1;
		}
		p = e ? e + 1 : NULL;
	}
	return NULL;
}

/*
 * The privileges of list ("P,Q*") with or without the grant option, as
 * GRANT takes them ("P, Q" or, for a column, "P (col), Q (col)").
 */
static void privilege_list(strbuf *sb, const char *list, size_t len, int grantable, const char *col)
{
	for (const char *p = list; p < list + len;) {
		size_t n = strcspn(p, ",");
		if (p + n > list + len)
			n = (size_t)(list + len - p);
		int star = n && p[n - 1] == '*';
		if (star == grantable) {
			rt_strbuf_addf(sb, "%s%.*s", sb->len ? ", " : "", (int)(n - (size_t)star), p);
			if (col)
				rt_strbuf_addf(sb, " (%s)", col);
		}
		p += n + 1;
	}
}

/* The grantee of line p (up to '='), copied. */
static char *grantee(const char *p)
{
	return rt_xstrndup(p, strcspn(p, "="));
}

/* Grants of one grantee: REVOKE ALL when it had some, GRANT what it is to have. */
static void regrant(dd *d, sm_op **op, const char *what, const char *target, const char *col,
		    const char *who, const char *had, size_t nhad, const char *has, size_t nhas)
{
	if (had && has && nhad == nhas && !strncmp(had, has, nhas))
		return;
	if (!*op)
		*op = rt_sm_ops_add(d->out, 0, "privileges on %s", what);
	if (had)
		rt_sm_op_sql(*op, "REVOKE ALL%s%s%s ON %s FROM %s", col ? " (" : "", col ? col : "",
			     col ? ")" : "", target, who);
	for (int grantable = 0; has && grantable < 2; grantable++) {
		strbuf privs = STRBUF_INIT;
		privilege_list(&privs, has, nhas, grantable, col);
		if (privs.len)
			rt_sm_op_sql(*op, "GRANT %s ON %s TO %s%s", privs.buf, target, who,
				     grantable ? " WITH GRANT OPTION" : "");
		rt_strbuf_release(&privs);
	}
}

/* ACL old -> new of one object (col: of this column of the table). */
static void acl_diff(dd *d, const char *what, const char *target, const char *col, const char *old,
		     const char *new)
{
	if (eq(old ? old : "", new ? new : ""))
		return;
	sm_op *op = NULL;
	for (int side = 0; side < 2; side++)
		for (const char *p = side ? new : old; p && *p;) {
			const char *e = strchr(p, '\n');
			char *who = grantee(p);
			size_t nhad = 0, nhas = 0;
			const char *had = privs_of(old, who, &nhad), *has = privs_of(new, who, &nhas);
			if (side == 0 || !had) /* each grantee once */
				regrant(d, &op, what, target, col, who, had, nhad, has, nhas);
			free(who);
			p = e ? e + 1 : NULL;
		}
}

/* Columns of a table of b: privileges of each (a column made again has none). */
static void column_acls(dd *d, const sm_table *ta, const sm_table *tb, const char *target)
{
	for (size_t i = 0; i < tb->ncols; i++) {
		const sm_column *y = &tb->cols[i];
		const sm_column *x = ta ? rt_sm_find_column(ta, y->name) : NULL;
		int fresh = !x || rt_pgd_col_remade(d, ta, tb, x, y);
		char *what = rt_xasprintf("column %s.%s.%s", tb->schema, tb->name, y->name);
		acl_diff(d, what, target, I(&d->n, y->name), fresh ? NULL : x->acl, y->acl);
		free(what);
	}
}

static void table_acls(dd *d)
{
	for (size_t i = 0; i < d->b->ntables; i++) {
		const sm_table *tb = &d->b->tables[i];
		const sm_table *ta = rt_sm_find_table(d->a, tb->schema, tb->name);
		char *what = rt_xasprintf("table %s.%s", tb->schema, tb->name);
		char *target = rt_xasprintf("TABLE %s", Q(&d->n, tb->schema, tb->name));
		acl_diff(d, what, target, NULL, ta ? ta->acl : NULL, tb->acl);
		column_acls(d, ta, tb, target);
		free(what);
		free(target);
	}
	for (size_t i = 0; i < d->b->nviews; i++) {
		const sm_view *y = &d->b->views[i];
		const sm_view *x = rt_sm_find_view(d->a, y->schema, y->name);
		char *what = rt_xasprintf("view %s.%s", y->schema, y->name);
		char *target = rt_xasprintf("TABLE %s", Q(&d->n, y->schema, y->name));
		acl_diff(d, what, target, NULL, d->vb_make[i] == 1 || !x ? NULL : x->acl, y->acl);
		free(what);
		free(target);
	}
	for (size_t i = 0; i < d->b->nseqs; i++) {
		const sm_sequence *y = &d->b->seqs[i];
		const sm_sequence *x = rt_sm_find_sequence(d->a, y->schema, y->name);
		char *what = rt_xasprintf("sequence %s.%s", y->schema, y->name);
		char *target = rt_xasprintf("SEQUENCE %s", Q(&d->n, y->schema, y->name));
		acl_diff(d, what, target, NULL, x ? x->acl : NULL, y->acl);
		free(what);
		free(target);
	}
}

/* Functions, types and schemas: new ones start from PostgreSQL's defaults. */
static void other_acls(dd *d)
{
	for (size_t i = 0; i < d->b->nfuncs; i++) {
		const sm_function *y = &d->b->funcs[i];
		const sm_function *x = rt_sm_find_function(d->a, y->schema, y->identity);
		char *what = rt_xasprintf("function %s.%s", y->schema, y->identity);
		char *target = rt_xasprintf("%s %s", rt_pgd_is_procedure(y) ? "PROCEDURE" : "FUNCTION",
					    rt_pgd_fsig(&d->n, y));
		acl_diff(d, what, target, NULL, d->fb_make[i] == 1 || !x ? "PUBLIC=EXECUTE" : x->acl, y->acl);
		free(what);
		free(target);
	}
	for (size_t i = 0; i < d->b->nenums; i++) {
		const sm_enum *y = &d->b->enums[i];
		const sm_enum *x = rt_sm_find_enum(d->a, y->schema, y->name);
		char *what = rt_xasprintf("type %s.%s", y->schema, y->name);
		char *target = rt_xasprintf("TYPE %s", Q(&d->n, y->schema, y->name));
		int fresh = !x || rt_pgd_enum_dance(x, y);
		acl_diff(d, what, target, NULL, fresh ? "PUBLIC=USAGE" : x->acl, y->acl);
		free(what);
		free(target);
	}
	for (size_t i = 0; i < d->b->ndomains; i++) {
		const sm_domain *y = &d->b->domains[i];
		const sm_domain *x = rt_sm_find_domain(d->a, y->schema, y->name);
		char *what = rt_xasprintf("domain %s.%s", y->schema, y->name);
		char *target = rt_xasprintf("DOMAIN %s", Q(&d->n, y->schema, y->name));
		acl_diff(d, what, target, NULL, x ? x->acl : "PUBLIC=USAGE", y->acl);
		free(what);
		free(target);
	}
	for (size_t i = 0; i < d->b->nnamespaces; i++) {
		const sm_namespace *y = &d->b->namespaces[i];
		const sm_namespace *x = rt_sm_find_namespace(d->a, y->schema);
		char *what = rt_xasprintf("schema %s", y->schema);
		char *target = rt_xasprintf("SCHEMA %s", I(&d->n, y->schema));
		acl_diff(d, what, target, NULL, x ? x->acl : NULL, y->acl);
		free(what);
		free(target);
	}
}

/* Every privilege that differs, when both sides have them; after every object exists. */
void rt_pgd_privileges(dd *d)
{
	if (!d->a->privileges || !d->b->privileges)
		return;
	table_acls(d);
	other_acls(d);
}
