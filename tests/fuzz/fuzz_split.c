/*
 * fuzz_split.c - libFuzzer target: the dialects' statement splitters
 * (PostgreSQL's through libpg_query, on a stack deep enough for the
 * input's nesting, or refused past retort's limit; SQLite's tokenizer).
 * Every statement found must lie within the input.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include "retort.h"
#include "dialect/dialect.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *sql = malloc(size + 1);
	if (!sql)
		return 0;
	memcpy(sql, data, size);
	sql[size] = '\0';
	const rt_dialect *dialects[] = { &rt_dialect_postgres, &rt_dialect_sqlite };
	for (int i = 0; i < 2; i++) {
		rt_stmtlist out = { 0 };
		rt_error err = { 0 };
		if (dialects[i]->split(sql, size, 1, "fuzz.sql", &out, &err) == 0)
			for (size_t k = 0; k < out.n; k++)
				if (out.v[k].sql < sql || out.v[k].sql + out.v[k].len > sql + size)
					abort();
		rt_stmtlist_free(&out);
		rt_error_clear(&err);
	}
	free(sql);
	return 0;
}
