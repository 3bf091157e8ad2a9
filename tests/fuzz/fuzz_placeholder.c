/*
 * fuzz_placeholder.c - libFuzzer target: ${name} substitution, which must
 * never touch strings, identifiers, comments or dollar-quoted bodies, by
 * SQLite's and by PostgreSQL's lexical rules.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include "retort.h"
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
	}
	return 0;
}
