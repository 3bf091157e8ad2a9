/*
 * test_graph.c - building and validating the revision graph: heads,
 * bases, children, topological order, branch labels, and every error a
 * broken set of migration files must produce (naming files and lines).
 */
#include "unit.h"

#include <sys/stat.h>
#include <unistd.h>

#define S2 "aaaa; bbbb:aaaa; cccc:aaaa; mmmm:bbbb,cccc; dddd:mmmm"
#define S5 "sh01::shared; sh02:sh01; ac01::accounts; ac02:ac01::sh01"

/* Every parent and dependency comes before its revision in g->order. */
static void assert_topological(const rt_graph *g)
{
	unsigned char *seen = calloc(g->nrevs ? g->nrevs : 1, 1);
	for (size_t k = 0; k < g->nrevs; k++) {
		int r = g->order[k];
		const rt_revision *rev = g->revs[r];
		assert_int_equal(rev->order, (int)k);
		for (int j = 0; j < rev->nparents; j++)
			if (!seen[rev->parents[j]])
				fail_msg("%s comes before its parent %s", rev->id,
					 g->revs[rev->parents[j]]->id);
		for (int j = 0; j < rev->ndeps; j++)
			if (!seen[rev->deps[j]])
				fail_msg("%s comes before its dependency %s",
					 rev->id, g->revs[rev->deps[j]]->id);
		assert_int_equal(seen[r], 0);
		seen[r] = 1;
	}
	free(seen);
}

/* Ids of a revision's children, in their stored order. */
static char *children_of(const rt_graph *g, const char *id)
{
	const rt_revision *r = g->revs[unit_idx(g, id)];
	return unit_ids(g, r->children, (size_t)r->nchildren);
}

/* The names of the branch labels in effect on a revision. */
static char *labels_on(const rt_graph *g, const char *id)
{
	const rt_revision *r = g->revs[unit_idx(g, id)];
	char *s = calloc(1, 256);
	for (int i = 0; i < r->nbranch; i++) {
		if (i)
			strcat(s, ",");
		strcat(s, g->labels[r->branch[i]].name);
	}
	return s;
}

/* Build a graph that must fail; return its error (caller clears it). */
static rt_error graph_error(const char *desc)
{
	rt_error err = { 0 };
	rt_graph *g = unit_graph_try(desc, &err);
	if (g) {
		rt_graph_free(g);
		fail_msg("graph \"%s\" built, but it should not", desc);
	}
	assert_int_equal(err.code, RT_EGRAPH);
	assert_non_null(err.message);
	return err;
}

static void test_linear(void **state)
{
	(void)state;
	rt_graph *g = unit_graph("1a2b3c4d5e01; 1a2b3c4d5e02:1a2b3c4d5e01;"
				 "2b00000000003:1a2b3c4d5e02");
	assert_int_equal(g->nrevs, 3);
	assert_str_free(unit_ids(g, g->heads, g->nheads), "2b00000000003");
	assert_str_free(unit_ids(g, g->bases, g->nbases), "1a2b3c4d5e01");
	assert_str_free(unit_ids(g, g->order, g->nrevs),
			"1a2b3c4d5e01,1a2b3c4d5e02,2b00000000003");
	assert_str_free(children_of(g, "1a2b3c4d5e01"), "1a2b3c4d5e02");
	assert_str_free(children_of(g, "2b00000000003"), "");
	const rt_revision *r = g->revs[unit_idx(g, "1a2b3c4d5e02")];
	assert_int_equal(r->nparents, 1);
	assert_int_equal(r->parents[0], unit_idx(g, "1a2b3c4d5e01"));
	assert_int_equal(rt_graph_find(g, "1a2b"), -1);
	assert_topological(g);
	rt_graph_free(g);
}

static void test_diamond(void **state)
{
	(void)state;
	rt_graph *g = unit_graph(S2);
	assert_str_free(unit_ids(g, g->heads, g->nheads), "dddd");
	assert_str_free(unit_ids(g, g->bases, g->nbases), "aaaa");
	assert_str_free(children_of(g, "aaaa"), "bbbb,cccc");
	assert_str_free(children_of(g, "bbbb"), "mmmm");
	assert_str_free(children_of(g, "cccc"), "mmmm");
	const rt_revision *m = g->revs[unit_idx(g, "mmmm")];
	assert_str_free(unit_ids(g, m->parents, (size_t)m->nparents), "bbbb,cccc");
	/* Depth first, first-listed parent's branch first. */
	assert_str_free(unit_ids(g, g->order, g->nrevs), "aaaa,bbbb,cccc,mmmm,dddd");
	assert_topological(g);
	rt_graph_free(g);
}

static void test_order_follows_parent_order(void **state)
{
	(void)state;
	/* Listing the merge's parents the other way round flips the branches. */
	rt_graph *g = unit_graph("aaaa; bbbb:aaaa; cccc:aaaa; mmmm:cccc,bbbb");
	assert_str_free(unit_ids(g, g->order, g->nrevs), "aaaa,cccc,bbbb,mmmm");
	assert_topological(g);
	rt_graph_free(g);
	/* Files loaded in another order: the same topological answer. */
	g = unit_graph("mmmm:bbbb,cccc; dddd:mmmm; cccc:aaaa; bbbb:aaaa; aaaa");
	assert_str_free(unit_ids(g, g->order, g->nrevs), "aaaa,bbbb,cccc,mmmm,dddd");
	assert_str_free(unit_ids(g, g->bases, g->nbases), "aaaa");
	assert_topological(g);
	rt_graph_free(g);
}

static void test_two_heads_and_roots(void **state)
{
	(void)state;
	rt_graph *g = unit_graph("aaaa1111; bbbb2222:aaaa1111; cccc3333:aaaa1111");
	assert_str_free(unit_ids(g, g->heads, g->nheads), "bbbb2222,cccc3333");
	assert_str_free(unit_ids(g, g->order, g->nrevs), "aaaa1111,bbbb2222,cccc3333");
	rt_graph_free(g);

	g = unit_graph("sh01::shared; sh02:sh01; ac01::accounts; ac02:ac01; ac03:ac02");
	assert_str_free(unit_ids(g, g->heads, g->nheads), "sh02,ac03");
	assert_str_free(unit_ids(g, g->bases, g->nbases), "sh01,ac01");
	assert_str_free(unit_ids(g, g->order, g->nrevs), "sh01,sh02,ac01,ac02,ac03");
	assert_int_equal(g->nlabels, 2);
	assert_string_equal(g->labels[0].name, "shared");
	assert_int_equal(g->labels[0].rev, unit_idx(g, "sh01"));
	assert_string_equal(g->labels[1].name, "accounts");
	assert_topological(g);
	rt_graph_free(g);
}

static void test_depends_on(void **state)
{
	(void)state;
	rt_graph *g = unit_graph(S5);
	const rt_revision *ac02 = g->revs[unit_idx(g, "ac02")];
	assert_int_equal(ac02->nparents, 1);
	assert_int_equal(ac02->ndeps, 1);
	assert_int_equal(ac02->deps[0], unit_idx(g, "sh01"));
	assert_int_equal(g->revs[unit_idx(g, "sh01")]->ndependants, 1);
	/* A dependency is no parent: it makes neither heads nor children. */
	assert_str_free(children_of(g, "sh01"), "sh02");
	assert_str_free(unit_ids(g, g->heads, g->nheads), "sh02,ac02");
	/* ac02 comes after sh01 although sh01 is on another branch. */
	assert_str_free(unit_ids(g, g->order, g->nrevs), "sh01,sh02,ac01,ac02");
	assert_topological(g);
	rt_graph_free(g);

	/* Files in the other order: the dependency still comes first. */
	g = unit_graph("ac01::accounts; ac02:ac01::sh01; sh01::shared; sh02:sh01");
	assert_str_free(unit_ids(g, g->order, g->nrevs), "ac01,sh01,ac02,sh02");
	assert_topological(g);
	rt_graph_free(g);
}

static void test_depends_on_label_and_prefix(void **state)
{
	(void)state;
	rt_graph *g = unit_graph("sh01::shared; sh02:sh01; ac01::accounts;"
				 "ac02:ac01::shared");
	const rt_revision *ac02 = g->revs[unit_idx(g, "ac02")];
	assert_int_equal(ac02->ndeps, 1);
	assert_int_equal(ac02->deps[0], unit_idx(g, "sh01"));
	assert_string_equal(ac02->depends.v[0], "shared"); /* as written */
	rt_graph_free(g);
	/* "sh0" is a prefix of two ids: ambiguous. */
	rt_error err = graph_error("sh01::shared; sh02:sh01; ac01:::sh0");
	assert_contains(err.message, "dependency 'sh0' of revision ac01 is ambiguous");
	assert_contains(err.message, "sh01, sh02");
	assert_string_equal(err.file, "ac01.sql");
	assert_int_equal(err.line, 4);
	rt_error_clear(&err);
	/* A unique prefix is accepted. */
	g = unit_graph("sh01::shared; sh02:sh01; ac01:::ac9; ac99");
	assert_int_equal(g->revs[unit_idx(g, "ac01")]->deps[0], unit_idx(g, "ac99"));
	rt_graph_free(g);
}

static void test_unknown_dependency(void **state)
{
	(void)state;
	rt_error err = graph_error("aaaa; bbbb:aaaa::nope");
	assert_string_equal(err.file, "bbbb.sql");
	assert_int_equal(err.line, 4);
	assert_contains(err.message, "revision bbbb depends on 'nope', which is neither a revision nor a branch label");
	rt_error_clear(&err);
}

static void test_self_dependency(void **state)
{
	(void)state;
	rt_error err = graph_error("aaaa; bbbb:aaaa::bbbb");
	assert_contains(err.message, "revision bbbb depends on itself");
	assert_string_equal(err.file, "bbbb.sql");
	assert_int_equal(err.line, 4);
	rt_error_clear(&err);
	/* Through its own label. */
	err = graph_error("aaaa; bbbb:aaaa:mine:mine");
	assert_contains(err.message, "revision bbbb depends on itself");
	rt_error_clear(&err);
}

static void test_duplicate_ids(void **state)
{
	(void)state;
	rt_revision **revs = malloc(3 * sizeof(*revs));
	char *t = unit_rev_text("aaaa", "", "", "");
	revs[0] = unit_parse("migrations/aaaa_first.sql", t);
	revs[1] = unit_parse("migrations/bbbb.sql",
			     "-- Revision ID: bbbb\n-- Revises: aaaa\n\n-- migrate:upgrade\n");
	revs[2] = unit_parse("migrations/zzzz_second.sql", t);
	free(t);
	rt_error err = { 0 };
	assert_null(rt_graph_build(revs, 3, &err));
	assert_int_equal(err.code, RT_EGRAPH);
	assert_string_equal(err.file, "migrations/zzzz_second.sql");
	assert_int_equal(err.line, 1);
	assert_string_equal(err.message,
			    "revision id aaaa is already defined by migrations/aaaa_first.sql");
	rt_error_clear(&err);
}

static void test_unknown_down_revision(void **state)
{
	(void)state;
	rt_error err = graph_error("aaaa; bbbb:nope");
	assert_string_equal(err.file, "bbbb.sql");
	assert_int_equal(err.line, 2);
	assert_string_equal(err.message,
			    "revision bbbb revises nope, which no migration file defines");
	assert_contains(err.hint, "restore the missing migration file");
	rt_error_clear(&err);

	/* A prefix of a real id: the hint names the full id. */
	err = graph_error("3f2a1b9c0d4e; bbbb:3f2a");
	assert_string_equal(err.message,
			    "revision bbbb revises 3f2a, which no migration file defines");
	assert_string_equal(err.hint, "'Revises' needs the full id: did you mean 3f2a1b9c0d4e?");
	rt_error_clear(&err);
}

static void test_several_problems_reported_together(void **state)
{
	(void)state;
	rt_error err = graph_error("aaaa; bbbb:nope1; cccc:nope2");
	assert_contains(err.message, "bbbb.sql:2: revision bbbb revises nope1");
	assert_contains(err.message, "\ncccc.sql:2: revision cccc revises nope2");
	rt_error_clear(&err);
}

static void test_cycle(void **state)
{
	(void)state;
	rt_error err = graph_error("aaaa:cccc; bbbb:aaaa; cccc:bbbb; dddd");
	assert_contains(err.message, "cycle in the revision graph");
	assert_contains(err.message, "aaaa (aaaa.sql)");
	assert_contains(err.message, "bbbb (bbbb.sql)");
	assert_contains(err.message, "cccc (cccc.sql)");
	assert_null(strstr(err.message, "dddd"));
	assert_non_null(err.hint);
	rt_error_clear(&err);

	/* A revision hanging off a cycle is not listed as part of it. */
	err = graph_error("eeee:bbbb; aaaa:bbbb; bbbb:aaaa");
	assert_contains(err.message, "aaaa (aaaa.sql)");
	assert_contains(err.message, "bbbb (bbbb.sql)");
	assert_null(strstr(err.message, "eeee"));
	rt_error_clear(&err);

	/* A cycle through a dependency. */
	err = graph_error("aaaa:::cccc; bbbb:aaaa; cccc:bbbb");
	assert_contains(err.message, "cycle in the revision graph");
	assert_contains(err.message, "aaaa (aaaa.sql)");
	assert_contains(err.message, "cccc (cccc.sql)");
	rt_error_clear(&err);
}

static void test_self_revision_rejected_by_parser(void **state)
{
	(void)state;
	rt_error err = { 0 };
	assert_null(unit_graph_try("aaaa:aaaa", &err));
	assert_int_equal(err.code, RT_ESCRIPT);
	assert_contains(err.message, "revision aaaa revises itself");
	assert_int_equal(err.line, 2);
	rt_error_clear(&err);
}

static void test_duplicate_label(void **state)
{
	(void)state;
	rt_error err = graph_error("rp01::reports; rp99::reports");
	assert_string_equal(err.file, "rp99.sql");
	assert_int_equal(err.line, 3);
	assert_string_equal(err.message,
			    "branch label 'reports' is already used by revision rp01 (rp01.sql)");
	rt_error_clear(&err);
}

static void test_label_equal_to_id(void **state)
{
	(void)state;
	rt_error err = graph_error("aaaa; bbbb:aaaa:aaaa");
	assert_string_equal(err.file, "bbbb.sql");
	assert_int_equal(err.line, 3);
	assert_string_equal(err.message, "branch label 'aaaa' is also a revision id");
	rt_error_clear(&err);
}

static void test_label_propagation(void **state)
{
	(void)state;
	/* Declared on cccc: below it down to the branch point, and above. */
	rt_graph *g = unit_graph("aaaa; bbbb:aaaa; cccc:bbbb:feature; eeee:cccc;"
				 "dddd:aaaa; ffff:aaaa");
	assert_str_free(labels_on(g, "aaaa"), "");
	assert_str_free(labels_on(g, "bbbb"), "feature");
	assert_str_free(labels_on(g, "cccc"), "feature");
	assert_str_free(labels_on(g, "eeee"), "feature");
	assert_str_free(labels_on(g, "dddd"), "");
	rt_graph_free(g);

	/*
	 * On a linear chain a label reaches the base (as in Alembic), so two
	 * labels on one line both cover all of it.
	 */
	g = unit_graph("r1; r2:r1; r3:r2:lower; r4:r3; r5:r4:upper");
	assert_str_free(labels_on(g, "r1"), "lower,upper");
	assert_str_free(labels_on(g, "r3"), "lower,upper");
	assert_str_free(labels_on(g, "r4"), "lower,upper");
	assert_str_free(labels_on(g, "r5"), "lower,upper");
	rt_graph_free(g);

	/* A label flows through a merge into everything above it. */
	g = unit_graph("aaaa; bbbb:aaaa:left; cccc:aaaa:right; mmmm:bbbb,cccc; dddd:mmmm");
	assert_str_free(labels_on(g, "aaaa"), "");
	assert_str_free(labels_on(g, "mmmm"), "left,right");
	assert_str_free(labels_on(g, "dddd"), "left,right");
	assert_str_free(labels_on(g, "cccc"), "right");
	rt_graph_free(g);
}

static void test_is_ancestor(void **state)
{
	(void)state;
	rt_graph *g = unit_graph(S2);
	int a = unit_idx(g, "aaaa"), b = unit_idx(g, "bbbb"),
	    c = unit_idx(g, "cccc"), m = unit_idx(g, "mmmm"),
	    d = unit_idx(g, "dddd");
	assert_true(rt_graph_is_ancestor(g, a, d));
	assert_true(rt_graph_is_ancestor(g, c, d));
	assert_true(rt_graph_is_ancestor(g, b, m));
	assert_false(rt_graph_is_ancestor(g, d, a));
	assert_false(rt_graph_is_ancestor(g, b, c));
	assert_false(rt_graph_is_ancestor(g, c, b));
	assert_false(rt_graph_is_ancestor(g, m, m));
	rt_graph_free(g);

	/* Through dependencies too. */
	g = unit_graph(S5);
	assert_true(rt_graph_is_ancestor(g, unit_idx(g, "sh01"), unit_idx(g, "ac02")));
	assert_false(rt_graph_is_ancestor(g, unit_idx(g, "sh02"), unit_idx(g, "ac02")));
	assert_false(rt_graph_is_ancestor(g, unit_idx(g, "ac02"), unit_idx(g, "sh01")));
	rt_graph_free(g);
}

static void test_effective_heads(void **state)
{
	(void)state;
	rt_graph *g = unit_graph("sh01::shared; sh02:sh01; ac01::accounts; ac02:ac01;"
				 "ac03:ac02; ac04:ac03::sh02,ac01");
	assert_str_free(unit_ids(g, g->heads, g->nheads), "sh02,ac04");
	assert_true(rt_graph_is_effective_head(g, unit_idx(g, "sh02")));
	assert_false(rt_graph_is_effective_head(g, unit_idx(g, "ac04")));
	assert_false(rt_graph_is_effective_head(g, unit_idx(g, "ac01")));
	assert_topological(g);
	rt_graph_free(g);
	/* A non-head dependency target is no effective head. */
	g = unit_graph(S5);
	assert_false(rt_graph_is_effective_head(g, unit_idx(g, "sh01")));
	assert_false(rt_graph_is_effective_head(g, unit_idx(g, "sh02")));
	rt_graph_free(g);
}

static void test_empty_graph(void **state)
{
	(void)state;
	rt_error err = { 0 };
	rt_graph *g = rt_graph_build(NULL, 0, &err);
	assert_non_null(g);
	assert_int_equal(g->nheads, 0);
	assert_int_equal(g->nbases, 0);
	assert_int_equal(rt_graph_find(g, "aaaa"), -1);
	rt_graph_free(g);
}

/* A long chain: every algorithm must be iterative and linear. */
static void test_long_chain(void **state)
{
	(void)state;
	enum { N = 100000 };
	rt_revision **revs = malloc(N * sizeof(*revs));
	char id[16], parent[16], path[32];
	for (int i = 0; i < N; i++) {
		snprintf(id, sizeof(id), "r%06d", i);
		snprintf(parent, sizeof(parent), i ? "r%06d" : "", i - 1);
		snprintf(path, sizeof(path), "%s.sql", id);
		char *t = unit_rev_text(id, parent, i == 0 ? "trunk" : "", "");
		revs[i] = unit_parse(path, t);
		free(t);
	}
	rt_error err = { 0 };
	rt_graph *g = rt_graph_build(revs, N, &err);
	assert_non_null(g);
	assert_int_equal(g->nheads, 1);
	assert_string_equal(g->revs[g->heads[0]]->id, "r099999");
	assert_int_equal(g->nbases, 1);
	assert_int_equal(g->order[0], 0);
	assert_int_equal(g->order[N - 1], N - 1);
	assert_true(rt_graph_is_ancestor(g, 0, N - 1));
	assert_false(rt_graph_is_ancestor(g, N - 1, 0));
	assert_int_equal(g->revs[N - 1]->nbranch, 1);

	int r = -1;
	assert_int_equal(rt_resolve_one(g, "head-99999", NULL, &r, &err), 0);
	assert_int_equal(r, 0);
	assert_int_equal(rt_resolve_one(g, "trunk@head", NULL, &r, &err), 0);
	assert_int_equal(r, N - 1);
	rt_revset range = { 0 };
	assert_int_equal(rt_resolve_range_into(g, "r000010:r000019", NULL, &range, &err), 0);
	assert_int_equal(range.n, 10);
	assert_int_equal(range.v[0], 19);
	rt_revset_free(&range);
	rt_graph_free(g);
}

/* A cycle over a long chain is found without recursion too. */
static void test_long_cycle(void **state)
{
	(void)state;
	enum { N = 20000 };
	rt_revision **revs = malloc(N * sizeof(*revs));
	char id[16], parent[16], path[32];
	for (int i = 0; i < N; i++) {
		snprintf(id, sizeof(id), "c%05d", i);
		snprintf(parent, sizeof(parent), "c%05d", (i + N - 1) % N);
		snprintf(path, sizeof(path), "%s.sql", id);
		char *t = unit_rev_text(id, parent, "", "");
		revs[i] = unit_parse(path, t);
		free(t);
	}
	rt_error err = { 0 };
	assert_null(rt_graph_build(revs, N, &err));
	assert_contains(err.message, "cycle in the revision graph");
	assert_contains(err.message, "c19999 (c19999.sql)");
	rt_error_clear(&err);
}

/* Write text to dir/name. */
static void write_file(const char *dir, const char *name, const char *text)
{
	char path[256];
	snprintf(path, sizeof(path), "%s/%s", dir, name);
	FILE *fp = fopen(path, "w");
	assert_non_null(fp);
	fputs(text, fp);
	fclose(fp);
}

/* Remove dir/name (ignoring a missing one). */
static void remove_file(const char *dir, const char *name)
{
	char path[256];
	snprintf(path, sizeof(path), "%s/%s", dir, name);
	unlink(path);
}

static void test_load_directories(void **state)
{
	(void)state;
	char dir[] = "/tmp/rt_graph_XXXXXX";
	assert_non_null(mkdtemp(dir));
	char a[64], b[64];
	snprintf(a, sizeof(a), "%s/a", dir);
	snprintf(b, sizeof(b), "%s/b", dir);
	assert_int_equal(mkdir(a, 0700), 0);
	assert_int_equal(mkdir(b, 0700), 0);
	char *t1 = unit_rev_text("aaaa", "", "", ""), *t2 = unit_rev_text("bbbb", "aaaa", "", ""),
	     *t3 = unit_rev_text("cccc", "aaaa", "", "");
	write_file(a, "2_bbbb.sql", t2);
	write_file(a, "1_aaaa.sql", t1);
	write_file(b, "0_cccc.sql", t3);
	write_file(a, "notes.txt", "not a migration");
	write_file(a, ".#1_aaaa.sql", "editor lock file");
	free(t1);
	free(t2);
	free(t3);

	rt_config *cfg = rt_config_new(dir);
	rt_error err = { 0 };
	assert_int_equal(rt_config_set(cfg, "script_location", "a, b", &err), 0);
	rt_graph *g = rt_graph_load(cfg, &err);
	assert_non_null(g);
	/* Load order: locations in order, names sorted within each. */
	assert_int_equal(g->nrevs, 3);
	assert_string_equal(g->revs[0]->id, "aaaa");
	assert_string_equal(g->revs[1]->id, "bbbb");
	assert_string_equal(g->revs[2]->id, "cccc");
	assert_str_free(unit_ids(g, g->heads, g->nheads), "bbbb,cccc");
	char want[512];
	snprintf(want, sizeof(want), "%s/1_aaaa.sql", a);
	assert_string_equal(g->revs[0]->path, want);
	rt_graph_free(g);

	/* Every malformed file is reported, each with its file and line. */
	write_file(a, "3_bad.sql", "-- Revision ID: dddd\n-- Author: me\n-- migrate:upgrade\n");
	write_file(b, "4_bad.sql", "-- Revision ID: eeee\n-- migrate:up\n");
	assert_null(rt_graph_load(cfg, &err));
	assert_int_equal(err.code, RT_ESCRIPT);
	snprintf(want, sizeof(want), "%s/3_bad.sql:2: unknown header key 'Author'\n"
		 "%s/4_bad.sql:2: unknown section marker '-- migrate:up'", a, b);
	assert_string_equal(err.message, want);
	rt_error_clear(&err);

	/* A missing location. */
	remove_file(a, "3_bad.sql");
	assert_int_equal(rt_config_set(cfg, "script_location", "a, nowhere", &err), 0);
	assert_null(rt_graph_load(cfg, &err));
	assert_int_equal(err.code, RT_ECONFIG);
	assert_contains(err.file, "/nowhere");
	assert_contains(err.message, "the script location does not exist");
	assert_contains(err.hint, "script_location");
	rt_error_clear(&err);
	rt_config_free(cfg);

	const char *names[] = { "1_aaaa.sql", "2_bbbb.sql", "3_bad.sql", "notes.txt",
				".#1_aaaa.sql" };
	for (size_t i = 0; i < 5; i++)
		remove_file(a, names[i]);
	remove_file(b, "0_cccc.sql");
	remove_file(b, "4_bad.sql");
	rmdir(a);
	rmdir(b);
	rmdir(dir);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_linear),
		cmocka_unit_test(test_diamond),
		cmocka_unit_test(test_order_follows_parent_order),
		cmocka_unit_test(test_two_heads_and_roots),
		cmocka_unit_test(test_depends_on),
		cmocka_unit_test(test_depends_on_label_and_prefix),
		cmocka_unit_test(test_unknown_dependency),
		cmocka_unit_test(test_self_dependency),
		cmocka_unit_test(test_duplicate_ids),
		cmocka_unit_test(test_unknown_down_revision),
		cmocka_unit_test(test_several_problems_reported_together),
		cmocka_unit_test(test_cycle),
		cmocka_unit_test(test_self_revision_rejected_by_parser),
		cmocka_unit_test(test_duplicate_label),
		cmocka_unit_test(test_label_equal_to_id),
		cmocka_unit_test(test_label_propagation),
		cmocka_unit_test(test_is_ancestor),
		cmocka_unit_test(test_effective_heads),
		cmocka_unit_test(test_empty_graph),
		cmocka_unit_test(test_long_chain),
		cmocka_unit_test(test_long_cycle),
		cmocka_unit_test(test_load_directories),
	};
	return cmocka_run_group_tests_name("graph", tests, NULL, NULL);
}
