/*
 * fuzz_script.c - libFuzzer target: the migration-file parser on any bytes,
 * and the checksums of what it parses (both algorithms; sha256-sql by each
 * dialect's lexer, whose folded text must never be longer than the section).
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include "retort_int.h"
#include "checksum.h"
#include "dialect/dialect.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *text = malloc(size + 1);
	if (!text)
		return 0;
	memcpy(text, data, size);
	text[size] = '\0';
	rt_error err = { 0 };
	rt_revision *r = rt_revision_parse("fuzz.sql", text, size, &err);
	if (r) {
		char *sum = rt_revision_checksum(r);
		free(sum);
		static const rt_dialect *const dialects[] = {
			&rt_dialect_postgres, &rt_dialect_sqlite, &rt_dialect_mysql,
		};
		for (int d = 0; d < 3; d++) {
			strbuf folded = STRBUF_INIT;
			rt_checksum_text(r->upgrade.body ? r->upgrade.body : "", r->upgrade.len,
					 dialects[d]->lex, &folded);
			if (folded.len > r->upgrade.len)
				abort();
			rt_strbuf_release(&folded);
			sum = rt_checksum(r, dialects[d]->lex);
			free(sum);
		}
		rt_revision_free(r); /* frees text */
	}
	rt_error_clear(&err);
	return 0;
}
