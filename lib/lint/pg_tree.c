/*
 * pg_tree.c - small readers of libpg_query's parse tree for the
 * PostgreSQL lint rules (rt_lint_pg.c): names, types as SQL spells them,
 * constants, and whether an expression calls a volatile function.
 */
#include "internal.h"
#include "lint/pg_tree.h"

#include <stdlib.h>
#include <string.h>
#include <strings.h>


/* The text of a String node, or NULL for any other node. */
const char *rt_pgt_str_node(const Node *n)
{
	return n && n->node_case == PG_QUERY__NODE__NODE_STRING ? n->string->sval
								 : NULL;
}

/* The last String of a name list (the unqualified name), or "". */
const char *rt_pgt_last_name(Node **v, size_t n)
{
	const char *s = n ? rt_pgt_str_node(v[n - 1]) : NULL;
	return s ? s : "";
}

/* A name list joined with commas ("a, b") into sb. */
void rt_pgt_names_join(strbuf *sb, Node **v, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		const char *s = rt_pgt_str_node(v[i]);
		if (!s && v[i]->node_case == PG_QUERY__NODE__NODE_INDEX_ELEM)
			s = v[i]->index_elem->name;
		if (s && *s)
			rt_strbuf_addf(sb, "%s%s", sb->len ? ", " : "", s);
	}
}

/* The SQL name of a type the parser gives by its internal name (int8: bigint). */
static const char *sql_type_name(const char *internal)
{
	static const char *const names[][2] = {
		{ "int2", "smallint" }, { "int4", "integer" }, { "int8", "bigint" },
		{ "float4", "real" }, { "float8", "double precision" },
		{ "bool", "boolean" }, { "varchar", "varchar" }, { "bpchar", "char" },
		{ "timestamptz", "timestamptz" }, { "timetz", "timetz" },
		{ "numeric", "numeric" }, { NULL, NULL },
	};
	for (int i = 0; names[i][0]; i++)
		if (!strcmp(internal, names[i][0]))
			return names[i][1];
	return internal;
}

/*
 * A type as written, for messages: without a pg_catalog qualifier (whose
 * internal names become SQL's: int8 -> bigint), then its modifiers (other
 * than integers shown as ?) and array bounds.
 */
/* A type as written: names without pg_catalog, modifiers, array bounds. */
void rt_pgt_type_name(strbuf *sb, const PgQuery__TypeName *t)
{
	if (!t)
		return;
	const char *schema = t->n_names > 1 ? rt_pgt_str_node(t->names[0]) : NULL;
	size_t first = schema && !strcmp(schema, "pg_catalog") ? 1 : 0;
	for (size_t i = first; i < t->n_names; i++) {
		const char *s = rt_pgt_str_node(t->names[i]);
		rt_strbuf_addf(sb, "%s%s", i > first ? "." : "",
			    s ? (first ? sql_type_name(s) : s) : "?");
	}
	for (size_t i = 0; i < t->n_typmods; i++) {
		const Node *m = t->typmods[i];
		rt_strbuf_adds(sb, i ? ", " : "(");
		if (m->node_case == PG_QUERY__NODE__NODE_A_CONST &&
		    m->a_const->val_case == PG_QUERY__A__CONST__VAL_IVAL)
			rt_strbuf_addf(sb, "%d", m->a_const->ival->ival);
		else
			rt_strbuf_addc(sb, '?');
		if (i + 1 == t->n_typmods)
			rt_strbuf_addc(sb, ')');
	}
	for (size_t i = 0; i < t->n_array_bounds; i++)
		rt_strbuf_adds(sb, "[]");
}

/* A setting's value that turns the timeout off: 0, '0', '0s', ... */
int rt_pgt_setting_is_zero(const char *v)
{
	char *end;
	double d = strtod(v, &end);
	return end != v && d == 0;
}

/* Is a constant 0 (as a timeout: off)? */
int rt_pgt_const_is_zero(const Node *n)
{
	if (!n || n->node_case != PG_QUERY__NODE__NODE_A_CONST)
		return 0;
	const PgQuery__AConst *c = n->a_const;
	switch (c->val_case) {
	case PG_QUERY__A__CONST__VAL_IVAL:
		return c->ival->ival == 0;
	case PG_QUERY__A__CONST__VAL_FVAL:
		return rt_pgt_setting_is_zero(c->fval->fval);
	case PG_QUERY__A__CONST__VAL_SVAL:
		return rt_pgt_setting_is_zero(c->sval->sval);
	default:
		return 0;
	}
}

/* Is a constant (or cast constant) boolean true: true, 't', 'on', ...? */
int rt_pgt_const_is_true(const Node *n)
{
	if (n && n->node_case == PG_QUERY__NODE__NODE_TYPE_CAST)
		n = n->type_cast->arg;
	if (!n || n->node_case != PG_QUERY__NODE__NODE_A_CONST)
		return 0;
	const PgQuery__AConst *c = n->a_const;
	if (c->val_case == PG_QUERY__A__CONST__VAL_BOOLVAL)
		return c->boolval->boolval;
	if (c->val_case != PG_QUERY__A__CONST__VAL_SVAL)
		return 0;
	const char *v = c->sval->sval;
	return !strcasecmp(v, "true") || !strcasecmp(v, "t") ||
	       !strcasecmp(v, "on") || !strcasecmp(v, "yes") || !strcmp(v, "1");
}

/* Is an expression the NULL constant (possibly cast: NULL::text)? */
int rt_pgt_const_is_null(const Node *n)
{
	if (n && n->node_case == PG_QUERY__NODE__NODE_TYPE_CAST)
		n = n->type_cast->arg;
	return n && n->node_case == PG_QUERY__NODE__NODE_A_CONST && n->a_const->isnull;
}

/* The value of a string constant, or NULL. */
const char *rt_pgt_const_str(const Node *n)
{
	if (!n || n->node_case != PG_QUERY__NODE__NODE_A_CONST ||
	    n->a_const->val_case != PG_QUERY__A__CONST__VAL_SVAL)
		return NULL;
	return n->a_const->sval->sval;
}

/* ------------------------------------------------------------------ */
/* Volatile defaults                                                    */
/* ------------------------------------------------------------------ */

/* Functions that are STABLE or IMMUTABLE: as a default, computed once. */
static const char *const stable_fns[] = {
	"now", "transaction_timestamp", "statement_timestamp", "localtimestamp",
	"current_date", "current_setting", "current_user", "session_user",
	"current_schema", "lower", "upper", "btrim", "ltrim", "rtrim", "concat",
	"concat_ws", "length", "replace", "substring", "md5", "to_json",
	"to_jsonb", "json_build_object", "jsonb_build_object",
	"json_build_array", "jsonb_build_array", "array_fill", "make_date",
	"make_time", "make_timestamp", "make_timestamptz", "make_interval",
	"to_timestamp", "to_date", "to_char", "to_number", "date_trunc",
	"date_part", "timezone", "abs", "round", "floor", "ceil", "ceiling",
	"int4", "int8", "numeric", "text", "bool", NULL
};

/* Functions known to be VOLATILE (the message says so outright). */
static const char *const volatile_fns[] = {
	"random", "gen_random_uuid", "uuid_generate_v1", "uuid_generate_v1mc",
	"uuid_generate_v4", "clock_timestamp", "timeofday", "nextval",
	"txid_current", "setseed", NULL
};

/* Whether s is one of the NULL-terminated list. */
int rt_pgt_in_list(const char *const *list, const char *s)
{
	for (int i = 0; list[i]; i++)
		if (!strcmp(list[i], s))
			return 1;
	return 0;
}

/* See pg_tree.h. */
int rt_pgt_known_volatile(const char *fn)
{
	return rt_pgt_in_list(volatile_fns, fn);
}

/* The first (possibly) volatile function called in a list of expressions. */
static const char *volatile_in(Node **v, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		const char *f = rt_pgt_volatile_call(v[i]);
		if (f)
			return f;
	}
	return NULL;
}

/*
 * The name of a function in an expression that is (or may be, when
 * retort does not know it) volatile, else NULL.  Constants, casts,
 * operators and the SQL value functions (CURRENT_TIMESTAMP ...) are not.
 */
const char *rt_pgt_volatile_call(const Node *n)
{
	if (!n)
		return NULL;
	switch (n->node_case) {
	case PG_QUERY__NODE__NODE_TYPE_CAST:
		return rt_pgt_volatile_call(n->type_cast->arg);
	case PG_QUERY__NODE__NODE_A_EXPR: {
		const char *f = rt_pgt_volatile_call(n->a_expr->lexpr);
		return f ? f : rt_pgt_volatile_call(n->a_expr->rexpr);
	}
	case PG_QUERY__NODE__NODE_BOOL_EXPR:
		return volatile_in(n->bool_expr->args, n->bool_expr->n_args);
	case PG_QUERY__NODE__NODE_COALESCE_EXPR:
		return volatile_in(n->coalesce_expr->args, n->coalesce_expr->n_args);
	case PG_QUERY__NODE__NODE_MIN_MAX_EXPR:
		return volatile_in(n->min_max_expr->args, n->min_max_expr->n_args);
	case PG_QUERY__NODE__NODE_A_ARRAY_EXPR:
		return volatile_in(n->a_array_expr->elements,
				   n->a_array_expr->n_elements);
	case PG_QUERY__NODE__NODE_LIST:
		return volatile_in(n->list->items, n->list->n_items);
	case PG_QUERY__NODE__NODE_FUNC_CALL: {
		const PgQuery__FuncCall *fc = n->func_call;
		const char *name = rt_pgt_last_name(fc->funcname, fc->n_funcname);
		if (!rt_pgt_in_list(stable_fns, name))
			return name;
		return volatile_in(fc->args, fc->n_args);
	}
	default:
		return NULL;
	}
}
