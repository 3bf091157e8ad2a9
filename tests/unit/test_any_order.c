/*
 * test_any_order.c - a declared schema in any order.  Every real schema of
 * ../shared/schemas (sqlite/ and pg/) is shuffled with a seeded random
 * order and compared, through rt_schema_diff as `retort diff --from
 * file:ORDERED --to file:SHUFFLED` runs it, with the file as it is: both
 * load into scratch databases, and nothing differs.
 *
 * What is shuffled is what defines the schema (CREATE, ALTER, COMMENT,
 * ...).  Session settings (SET, set_config, PRAGMA) and the DROP ... IF
 * EXISTS preludes some files start with stay first, in their order; rows
 * (INSERT, UPDATE, setval) stay last: moved, they would mean another
 * schema, not the same one in another order.
 *
 *   RT_SHUFFLE_SEED=S   file i is shuffled with seed S + i (default 1)
 *
 * PostgreSQL needs the server tests/run starts (RETORT_TEST_PGHOST, ...).
 */
#include "unit.h"
#include "internal.h"
#include "dialect/dialect.h"
#include "sqltext.h"
#include "util/fs.h"

#include <ctype.h>
#include <dirent.h>
#include <sys/stat.h>
#include <unistd.h>

static char tmpdir[64];

static const char *corpus(void)
{
	const char *d = getenv("RETORT_TEST_SCHEMAS");
	return d && *d ? d : "../shared/schemas";
}

static const char *env_or_fail(const char *name)
{
	const char *v = getenv(name);
	if (!v || !*v)
		fail_msg("%s is not set: tests/run starts a PostgreSQL server for this test", name);
	return v;
}

static int cmp_name(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

static uint64_t rng;

/* A small seeded generator (splitmix64): the same seed, the same order. */
static uint64_t next_rand(void)
{
	uint64_t z = (rng += 0x9e3779b97f4a7c15ull);
	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
	return z ^ (z >> 31);
}

/* The first word of a statement, upper-cased, after comments. */
static void first_word(const rt_stmt *s, char *out, size_t size)
{
	rt_sql_next_word(s->sql, s->len, 0, out, size);
}

/* Does the statement's text contain word? */
static int mentions(const rt_stmt *s, const char *word)
{
	size_t n = strlen(word);
	for (size_t i = 0; i + n <= s->len; i++)
		if (!memcmp(s->sql + i, word, n))
			return 1;
	return 0;
}

/* The word (a name, maybe qualified and quoted) after the first "after" in s, or "". */
static void name_after(const rt_stmt *s, const char *after, char *out, size_t size)
{
	size_t n = strlen(after), k = 0;
	*out = 0;
	for (size_t i = 0; i + n <= s->len; i++)
		if (!memcmp(s->sql + i, after, n)) {
			for (i += n; i < s->len && k + 1 < size && !isspace((unsigned char)s->sql[i]) &&
				     s->sql[i] != '(' && s->sql[i] != ';'; i++)
				out[k++] = s->sql[i];
			out[k] = 0;
			return;
		}
}

/*
 * Where each statement goes: 0 stays first (settings, and a --clean
 * prelude: everything up to its last DROP); 2 stays last, in order (rows;
 * views replaced by CREATE OR REPLACE after a first definition, as
 * pg_dump writes views that need a later one; the partitions of a table
 * and their indexes, since a partition attached after an index of its
 * parent gets a copy of it under the name pg_dump gives its own); 1 is
 * shuffled.
 */
static void places(const rt_stmtlist *l, int *out)
{
	char w[32], w2[32], name[256];
	size_t last_drop = 0;
	rt_strlist parts = { 0 };
	for (size_t k = 0; k < l->n; k++) {
		first_word(&l->v[k], w, sizeof(w));
		if (!strcmp(w, "DROP"))
			last_drop = k + 1;
		name_after(&l->v[k], "ATTACH PARTITION ", name, sizeof(name));
		if (*name)
			rt_strlist_push(&parts, name);
	}
	for (size_t i = 0; i < l->n; i++) {
		const rt_stmt *s = &l->v[i];
		size_t at = rt_sql_next_word(s->sql, s->len, 0, w, sizeof(w));
		rt_sql_next_word(s->sql, s->len, at, w2, sizeof(w2));
		name_after(s, " ON ", name, sizeof(name));
		if (i < last_drop || !strcmp(w, "SET") || !strcmp(w, "PRAGMA") ||
		    (!strcmp(w, "SELECT") && mentions(s, "set_config")))
			out[i] = 0;
		else if (!strcmp(w, "INSERT") || !strcmp(w, "UPDATE") || !strcmp(w, "DELETE") ||
			 !strcmp(w, "SELECT") || (!strcmp(w, "CREATE") && !strcmp(w2, "OR") && mentions(s, " VIEW ")))
			out[i] = 2;
		else if (mentions(s, "PARTITION") || mentions(s, " ON ONLY ") ||
			 (!strcmp(w, "CREATE") && rt_strlist_has(&parts, name)))
			out[i] = 2;
		else
			out[i] = 1;
	}
	rt_strlist_free(&parts);
}

/* The file's statements, the defining ones in a random order of seed. */
static char *shuffled(const rt_dialect *d, const char *path, uint64_t seed, size_t *moved)
{
	char *text;
	size_t len;
	rt_error err = { 0 };
	if (rt_fs_read_file(path, &text, &len, &err) < 0)
		fail_msg("%s: %s", path, err.message);
	rt_stmtlist l = { 0 };
	if (d->split(text, len, 1, path, &l, &err) < 0)
		fail_msg("%s: %s", path, err.message);
	size_t *idx = rt_xcalloc(l.n + 1, sizeof(size_t)), n = 0;
	int *place = rt_xcalloc(l.n + 1, sizeof(int));
	places(&l, place);
	for (size_t i = 0; i < l.n; i++)
		if (place[i] == 1)
			idx[n++] = i;
	rng = seed;
	for (size_t i = n; i > 1; i--) {
		size_t j = (size_t)(next_rand() % i), t = idx[i - 1];
		idx[i - 1] = idx[j];
		idx[j] = t;
	}
	*moved = 0;
	for (size_t k = 0; k < n; k++)
		*moved += k > 0 && idx[k] < idx[k - 1];
	strbuf sb = STRBUF_INIT;
	for (int p = 0; p < 3; p++)
		for (size_t i = 0; i < (p == 1 ? n : l.n); i++) {
			const rt_stmt *s = &l.v[p == 1 ? idx[i] : i];
			if (p != 1 && place[i] != p)
				continue;
			rt_strbuf_add(&sb, s->sql, s->len);
			rt_strbuf_adds(&sb, ";\n");
		}
	free(idx);
	free(place);
	rt_stmtlist_free(&l);
	free(text);
	return rt_strbuf_detach(&sb);
}

/* rt_schema_diff file:a -> file:b with a configuration for url; NULL or why it failed. */
static char *diff_files(const char *url, const char *dev_url, const char *a, const char *b,
			rt_diff *out)
{
	rt_config *cfg = rt_config_new(tmpdir);
	free(cfg->url);
	cfg->url = rt_xstrdup(url);
	if (dev_url)
		cfg->dev_url = rt_xstrdup(dev_url);
	char *from = rt_xasprintf("file:%s", a), *to = rt_xasprintf("file:%s", b);
	rt_error err = { 0 };
	char *why = NULL;
	rt_ctx *ctx = rt_ctx_open(cfg, &err);
	if (!ctx || rt_schema_diff_into(ctx, from, to, out, &err) < 0) {
		why = rt_xasprintf("%s%s%s", err.message ? err.message : "?", err.hint ? "\nhint: " : "",
				   err.hint ? err.hint : "");
		rt_error_clear(&err);
	}
	rt_ctx_close(ctx);
	rt_config_free(cfg);
	free(from);
	free(to);
	return why;
}

/* Every file of corpus()/sub, shuffled, against itself. */
static void corpus_any_order(const rt_dialect *d, const char *sub, const char *url,
			     const char *dev_url)
{
	char *dir = rt_xasprintf("%s/%s", corpus(), sub);
	DIR *dh = opendir(dir);
	if (!dh)
		fail_msg("%s is missing (RETORT_TEST_SCHEMAS names the corpus)", dir);
	rt_strlist files = { 0 };
	for (struct dirent *e; (e = readdir(dh));)
		if (e->d_name[0] != '.')
			rt_strlist_push(&files, e->d_name);
	closedir(dh);
	qsort(files.v, files.n, sizeof(char *), cmp_name);
	const char *s = getenv("RT_SHUFFLE_SEED");
	uint64_t seed0 = s && *s ? strtoull(s, NULL, 10) : 1;
	strbuf failures = STRBUF_INIT;
	for (size_t i = 0; i < files.n; i++) {
		char *path = rt_xasprintf("%s/%s", dir, files.v[i]);
		size_t moved;
		char *text = shuffled(d, path, seed0 + i, &moved);
		char *spath = rt_xasprintf("%s/shuffled.sql", tmpdir);
		FILE *f = fopen(spath, "w");
		if (!f || fputs(text, f) < 0 || fclose(f) != 0)
			fail_msg("cannot write %s", spath);
		rt_diff df = { 0 };
		char *why = diff_files(url, dev_url, path, spath, &df);
		if (!why && df.changes.n)
			why = rt_xasprintf("%zu changes, the first: %s", df.changes.n, df.changes.v[0]);
		printf("# %s/%s: %zu statements out of order (seed %llu): %s\n", sub, files.v[i], moved,
		       (unsigned long long)(seed0 + i), why ? "FAILED" : "the same schema");
		if (why)
			rt_strbuf_addf(&failures, "\n%s (RT_SHUFFLE_SEED=%llu): %.2000s", files.v[i],
				       (unsigned long long)(seed0 + i), why);
		free(why);
		rt_diff_free(&df);
		unlink(spath);
		free(spath);
		free(text);
		free(path);
	}
	rt_strlist_free(&files);
	free(dir);
	static char msg[8192];
	snprintf(msg, sizeof(msg), "%s", rt_strbuf_str(&failures));
	rt_strbuf_release(&failures);
	if (*msg)
		fail_msg("shuffled schemas differ from the ordered ones:%s", msg);
}

static void test_sqlite_any_order(void **state)
{
	(void)state;
	static char url[128];
	snprintf(url, sizeof(url), "sqlite:///%s/app.db", tmpdir);
	corpus_any_order(&rt_dialect_sqlite, "sqlite", url, NULL);
}

static void test_postgresql_any_order(void **state)
{
	(void)state;
	static char url[512];
	snprintf(url, sizeof(url), "host='%s' port='%s' user='%s' dbname='postgres'",
		 env_or_fail("RETORT_TEST_PGHOST"), env_or_fail("RETORT_TEST_PGPORT"),
		 env_or_fail("RETORT_TEST_PGUSER"));
	corpus_any_order(&rt_dialect_postgres, "pg", url, url);
}

static int group_setup(void **state)
{
	(void)state;
	snprintf(tmpdir, sizeof(tmpdir), "/tmp/rt_any_order_XXXXXX");
	if (!mkdtemp(tmpdir))
		return -1;
	char *m = rt_xasprintf("%s/migrations", tmpdir); /* rt_ctx_open wants a script location */
	int rc = mkdir(m, 0700);
	free(m);
	return rc;
}

static int group_teardown(void **state)
{
	(void)state;
	char *m = rt_xasprintf("%s/migrations", tmpdir);
	rmdir(m);
	free(m);
	char *db = rt_xasprintf("%s/app.db", tmpdir);
	unlink(db);
	free(db);
	rmdir(tmpdir);
	return 0;
}

int main(void)
{
	setvbuf(stdout, NULL, _IOLBF, 0);
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_sqlite_any_order),
		cmocka_unit_test(test_postgresql_any_order),
	};
	return cmocka_run_group_tests_name("any_order", tests, group_setup, group_teardown);
}
