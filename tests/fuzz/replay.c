/*
 * replay.c - runs a fuzz target over files, without libFuzzer: how the
 * seed corpus and every input that once crashed (tests/fuzz/regressions/)
 * are replayed by `make test` under the sanitizers.  Prints TAP.
 *
 *   test_replay_fuzz_X DIR...   every regular file in each DIR
 *   test_replay_fuzz_X          tests/fuzz/corpus/X and tests/fuzz/regressions/X
 */
#include <dirent.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static int run_file(const char *path)
{
	FILE *f = fopen(path, "rb");
	if (!f)
		return -1;
	size_t cap = 4096, n = 0;
	unsigned char *buf = malloc(cap);
	size_t r;
	while (buf && (r = fread(buf + n, 1, cap - n, f)) > 0) {
		n += r;
		if (n == cap)
			buf = realloc(buf, cap *= 2);
	}
	fclose(f);
	if (!buf)
		return -1;
	LLVMFuzzerTestOneInput(buf, n);
	free(buf);
	return 0;
}

int main(int argc, char **argv)
{
	int count = 0;
	char *defaults[] = { argv[0], "tests/fuzz/corpus/" FUZZ_NAME,
			     "tests/fuzz/regressions/" FUZZ_NAME, NULL };
	if (argc < 2) {
		argv = defaults;
		argc = 3;
	}
	for (int i = 1; i < argc; i++) {
		DIR *d = opendir(argv[i]);
		if (!d)
			continue;
		struct dirent *de;
		while ((de = readdir(d))) {
			if (de->d_name[0] == '.')
				continue;
			char path[4096];
			snprintf(path, sizeof(path), "%s/%s", argv[i], de->d_name);
			int rc = run_file(path);
			printf("%sok %d - %s\n", rc ? "not " : "", ++count, path);
		}
		closedir(d);
	}
	printf("1..%d\n", count);
	return 0;
}
