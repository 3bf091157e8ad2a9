/*
 * ident.c - PostgreSQL identifiers as quote_ident writes them: bare when
 * lower-case and not a keyword, double-quoted otherwise.  Below
 * everything else of lib/dialect/postgres that renders a name.
 */
#include "dialect/postgres/pg_internal.h"

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

/* See pg_internal.h. */
void rt_pg_ident(strbuf *sb, const char *name)
{
	int plain = islower((unsigned char)name[0]) || name[0] == '_';
	for (const char *p = name; *p && plain; p++)
		plain = islower((unsigned char)*p) || isdigit((unsigned char)*p) || *p == '_';
	for (int i = 0; plain && pg_keywords[i]; i++)
		plain = strcmp(name, pg_keywords[i]) != 0;
	if (plain)
		rt_strbuf_adds(sb, name);
	else
		rt_sql_quote_ident(sb, name);
}

/* See pg_internal.h. */
void rt_pg_qname(strbuf *sb, const char *schema, const char *name)
{
	if (schema) {
		rt_pg_ident(sb, schema);
		rt_strbuf_addc(sb, '.');
	}
	rt_pg_ident(sb, name);
}
