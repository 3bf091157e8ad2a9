/*
 * fuzz_placeholder.c - libFuzzer target: ${name}, ${name:literal} and
 * ${name:ident} substitution, which must never touch strings, identifiers,
 * comments or dollar-quoted bodies, by SQLite's and by PostgreSQL's
 * lexical rules; the warnings for placeholders left in those; and lint's
 * masking, which must keep the length.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include "retort_int.h"
#include "placeholder.h"
#include "dialect/dialect.h"
#include "util/strbuf.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static rt_config *cfg;
	if (!cfg) {
		cfg = rt_config_new(".");
		rt_config_set_placeholder(cfg, "owner", "app");
		rt_config_set_placeholder(cfg, "schema.name", "s1");
		rt_config_set_placeholder(cfg, "empty", "");
		rt_config_set_placeholder(cfg, "q", "it's \\' \"x\" $$ */ --");
	}
	const rt_lexrules *const dialects[] = { rt_dialect_sqlite.lex, rt_dialect_postgres.lex };
	for (int d = 0; d < 2; d++) {
		strbuf out = STRBUF_INIT;
		rt_error err = { 0 };
		if (rt_placeholders_apply(cfg, (const char *)data, size, dialects[d], "fuzz.sql", 1,
					  &out, &err) == 0) {
			/* With nothing replaced, the text comes back unchanged. */
			if (!memchr(data, '$', size) && (out.len != size || (size && memcmp(out.buf, data, size))))
				abort();
		}
		rt_strbuf_release(&out);
		rt_error_clear(&err);
		rt_strlist w = { 0 };
		rt_placeholders_warnings(cfg, (const char *)data, size, dialects[d], "fuzz.sql", 1, &w);
		for (size_t i = 0; i < w.n; i++)
			free(w.v[i]);
		free(w.v);
		rt_placeholders_mask((const char *)data, size, dialects[d], &out);
		if (out.len != size)
			abort();
		rt_strbuf_release(&out);
	}
	return 0;
}
