/*
 * fuzz_config.c - libFuzzer target: retort.ini reading (inih, ${VAR}
 * substitution, environments) on any bytes, via a file per process.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include "retort_int.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char path[64];
	snprintf(path, sizeof(path), "/tmp/retort-fuzz-%d.ini", (int)getpid());
	FILE *f = fopen(path, "w");
	if (!f)
		return 0;
	fwrite(data, 1, size, f);
	fclose(f);
	setenv("RETORT_FUZZ_SET", "value", 1);
	const char *envs[] = { NULL, "production", "dev" };
	for (int i = 0; i < 3; i++) {
		rt_error err = { 0 };
		rt_config *cfg = rt_config_load(path, envs[i], 1, &err);
		if (cfg) {
			rt_config *copy = rt_config_clone(cfg);
			char *m = rt_url_mask(cfg->url);
			free(m);
			rt_config_free(copy);
			rt_config_free(cfg);
		}
		rt_error_clear(&err);
	}
	/* The URL masker on the raw bytes too. */
	char *raw = malloc(size + 1);
	if (raw) {
		memcpy(raw, data, size);
		raw[size] = '\0';
		free(rt_url_mask(raw));
		free(raw);
	}
	unlink(path);
	return 0;
}
