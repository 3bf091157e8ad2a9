/*
 * fuzz_lint.c - libFuzzer target: lint (and so statement splitting) over
 * any SQL, with PostgreSQL's parse trees and SQLite's tokenizer.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include "retort_int.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static rt_config *cfg;
	if (!cfg)
		cfg = rt_config_new(".");
	char *sql = malloc(size + 1);
	if (!sql)
		return 0;
	memcpy(sql, data, size);
	sql[size] = '\0';
	const char *dialects[] = { "postgresql", "sqlite" };
	for (int i = 0; i < 2; i++) {
		for (int nontx = 0; nontx < 2; nontx++) {
			rt_lint_options o = { .dialect = dialects[i], .nontransactional = nontx };
			rt_lint_report rep = { 0 };
			rt_error err = { 0 };
			if (rt_lint_sql_into(cfg, &o, sql, "fuzz.sql", 1, &rep, &err) == 0)
				rt_lint_report_free(&rep);
			rt_error_clear(&err);
		}
	}
	free(sql);
	return 0;
}
