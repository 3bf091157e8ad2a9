/*
 * quote.c - how MySQL and MariaDB write names and strings.
 */
#include "internal.h"
#include "dialect/mysql/mysql_internal.h"

#include <ctype.h>
#include <stdlib.h>
#include <string.h>

/*
 * MySQL 8.0's reserved words (those that need quoting as identifiers;
 * MariaDB reserves a subset of them, and quoting one more name is
 * harmless), sorted for bsearch.
 */
static const char *const reserved[] = {
	"accessible", "add", "all", "alter", "analyze", "and", "as", "asc",
	"asensitive", "before", "between", "bigint", "binary", "blob", "both",
	"by", "call", "cascade", "case", "change", "char", "character", "check",
	"collate", "column", "condition", "constraint", "continue", "convert",
	"create", "cross", "cube", "cume_dist", "current_date", "current_role",
	"current_time", "current_timestamp", "current_user", "cursor", "database",
	"databases", "day_hour", "day_microsecond", "day_minute", "day_second",
	"dec", "decimal", "declare", "default", "delayed", "delete", "dense_rank",
	"desc", "describe", "deterministic", "distinct", "distinctrow", "div",
	"double", "drop", "dual", "each", "else", "elseif", "empty", "enclosed",
	"escaped", "except", "exists", "exit", "explain", "false", "fetch",
	"first_value", "float", "float4", "float8", "for", "force", "foreign",
	"from", "fulltext", "function", "general", "generated", "get", "grant",
	"group", "grouping", "groups", "having", "high_priority", "hour_microsecond",
	"hour_minute", "hour_second", "if", "ignore", "ignore_server_ids", "in",
	"index", "infile", "inner", "inout", "insensitive", "insert", "int",
	"int1", "int2", "int3", "int4", "int8", "integer", "intersect", "interval",
	"into", "io_after_gtids", "io_before_gtids", "is", "iterate", "join",
	"json_table", "key", "keys", "kill", "lag", "last_value", "lateral",
	"lead", "leading", "leave", "left", "like", "limit", "linear", "lines",
	"load", "localtime", "localtimestamp", "lock", "long", "longblob",
	"longtext", "loop", "low_priority", "master_bind",
	"master_heartbeat_period", "master_ssl_verify_server_cert", "match",
	"maxvalue", "mediumblob", "mediumint", "mediumtext", "middleint",
	"minute_microsecond", "minute_second", "mod", "modifies", "natural", "no_write_to_binlog",
	"not", "nth_value", "ntile", "null", "numeric", "of",
	"offset", "on", "optimize", "optimizer_costs", "option", "optionally",
	"or", "order", "out", "outer", "outfile", "over", "page_checksum",
	"parse_vcol_expr", "partition", "percent_rank", "position", "precision",
	"primary", "procedure", "purge", "range", "rank", "read", "read_write",
	"reads", "real", "recursive", "ref_system_id", "references", "regexp",
	"release", "rename", "repeat", "replace", "require", "resignal",
	"restrict", "return", "returning", "revoke", "right", "rlike", "row",
	"row_number", "rows", "schema", "schemas", "second_microsecond", "select",
	"sensitive", "separator", "set", "show", "signal", "slow", "smallint",
	"spatial", "specific", "sql", "sql_big_result", "sql_calc_found_rows",
	"sql_small_result", "sqlexception", "sqlstate", "sqlwarning", "ssl",
	"starting", "stats_auto_recalc", "stats_persistent", "stats_sample_pages",
	"stored", "straight_join", "system", "table", "terminated", "then",
	"tinyblob", "tinyint", "tinytext", "to", "trailing", "trigger", "true",
	"undo", "union", "unique", "unlock", "unsigned", "update", "usage", "use",
	"using", "utc_date", "utc_time", "utc_timestamp", "values", "varbinary",
	"varchar", "varcharacter", "varying", "virtual", "when", "where", "while",
	"window", "with", "write", "xor", "year_month", "zerofill",
};

static int cmp(const void *a, const void *b)
{
	return strcmp(*(const char *const *)a, *(const char *const *)b);
}

static int is_reserved(const char *name)
{
	return bsearch(&name, reserved, sizeof(reserved) / sizeof(*reserved),
		       sizeof(*reserved), cmp) != NULL;
}

void rt_my_quote_ident(strbuf *sb, const char *name)
{
	rt_strbuf_addc(sb, '`');
	for (const char *p = name; *p; p++) {
		if (*p == '`')
			rt_strbuf_addc(sb, '`');
		rt_strbuf_addc(sb, *p);
	}
	rt_strbuf_addc(sb, '`');
}

/*
 * See mysql_internal.h.  Only lower case stays bare: table names are case
 * sensitive on most servers (lower_case_table_names = 0), and a name in
 * the case it was written in is found either way.  A name of digits only
 * is quoted too (it would read as a number).
 */
void rt_my_ident(strbuf *sb, const char *name)
{
	int plain = *name != '\0', digits = 1;
	for (const char *p = name; *p && plain; p++) {
		plain = islower((unsigned char)*p) || isdigit((unsigned char)*p) ||
			*p == '_' || *p == '$';
		digits &= isdigit((unsigned char)*p) != 0;
	}
	if (plain && !digits && !is_reserved(name))
		rt_strbuf_adds(sb, name);
	else
		rt_my_quote_ident(sb, name);
}

/*
 * See mysql_internal.h.  Quotes are doubled rather than backslashed.  A
 * backslash reads differently with and without NO_BACKSLASH_ESCAPES, and
 * retort does not know the session's sql_mode (offline least of all), so
 * a value holding one -- or a control character -- is written as a hex
 * string, _utf8mb4 X'...', which reads the same under every mode.
 */
void rt_my_literal(strbuf *sb, const char *s)
{
	if (!s) {
		rt_strbuf_adds(sb, "NULL");
		return;
	}
	int plain = 1;
	for (const char *p = s; *p && plain; p++)
		plain = *p != '\\' && (unsigned char)*p >= 0x20;
	if (!plain) {
		rt_strbuf_adds(sb, "_utf8mb4 X'");
		for (const unsigned char *p = (const unsigned char *)s; *p; p++)
			rt_strbuf_addf(sb, "%02X", *p);
		rt_strbuf_addc(sb, '\'');
		return;
	}
	rt_strbuf_addc(sb, '\'');
	for (const char *p = s; *p; p++) {
		if (*p == '\'')
			rt_strbuf_addc(sb, '\'');
		rt_strbuf_addc(sb, *p);
	}
	rt_strbuf_addc(sb, '\'');
}
