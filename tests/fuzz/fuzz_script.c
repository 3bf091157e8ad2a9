/*
 * fuzz_script.c - libFuzzer target: the migration-file parser on any bytes.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include "retort_int.h"

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
		rt_revision_free(r); /* frees text */
	}
	rt_error_clear(&err);
	return 0;
}
