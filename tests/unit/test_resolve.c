/*
 * test_resolve.c - every form of revision identifier (design.md,
 * alembic-behaviour.md §2.2) against the worked graphs S1-S6 of §3.5,
 * including the errors and what they say.
 */
#include "unit.h"

#define S1 "1a2b3c4d5e01; 1a2b3c4d5e02:1a2b3c4d5e01; 2b00000000003:1a2b3c4d5e02"
#define S2 "aaaa; bbbb:aaaa; cccc:aaaa; mmmm:bbbb,cccc; dddd:mmmm"
#define S3 "aaaa1111; bbbb2222:aaaa1111; cccc3333:aaaa1111"
#define S4 "sh01::shared; sh02:sh01; ac01::accounts; ac02:ac01; ac03:ac02"
#define S5 "sh01::shared; sh02:sh01; ac01::accounts; ac02:ac01::sh01"
#define S5B "sh01::shared; sh02:sh01; ac01::accounts; ac02:ac01; ac03:ac02;" \
	    "ac04:ac03::sh02,ac01"
#define S6 "aaaa; bbbb:aaaa; cccc:bbbb; dddd:aaaa; mmmm:cccc,dddd"

/*
 * Resolve ident (against rows when rows is not NULL) and describe the
 * result: the ids in order, "" for base, " below" appended for label@base.
 */
static char *res(const rt_graph *g, const char *ident, const char *rows)
{
	rt_state st;
	if (rows)
		unit_state(g, rows, &st);
	rt_target t;
	rt_error err = { 0 };
	if (rt_resolve_into(g, ident, rows ? &st : NULL, &t, &err) < 0)
		fail_msg("'%s' did not resolve: %s", ident, err.message);
	char *ids = unit_ids(g, t.revs.v, t.revs.n);
	if (t.below) {
		ids = realloc(ids, strlen(ids) + 7);
		strcat(ids, " below");
	}
	rt_target_free(&t);
	if (rows)
		rt_state_free(&st);
	return ids;
}

/* Resolve ident, which must fail; the error (caller clears it). */
static rt_error res_err(const rt_graph *g, const char *ident, const char *rows)
{
	rt_state st;
	if (rows)
		unit_state(g, rows, &st);
	rt_target t;
	rt_error err = { 0 };
	if (rt_resolve_into(g, ident, rows ? &st : NULL, &t, &err) == 0) {
		char *ids = unit_ids(g, t.revs.v, t.revs.n);
		fail_msg("'%s' resolved to '%s', but should fail", ident, ids);
	}
	assert_non_null(err.message);
	assert_int_equal(t.revs.n, 0);
	if (rows)
		rt_state_free(&st);
	return err;
}

/* The message of a failing resolution must be exactly msg. */
static void assert_res_msg(const rt_graph *g, const char *ident,
			   const char *rows, const char *msg)
{
	rt_error err = res_err(g, ident, rows);
	assert_string_equal(err.message, msg);
	rt_error_clear(&err);
}

/* A history range, newest first. */
static char *range(const rt_graph *g, const char *r, const char *rows)
{
	rt_state st;
	if (rows)
		unit_state(g, rows, &st);
	rt_revset out;
	rt_error err = { 0 };
	if (rt_resolve_range_into(g, r, rows ? &st : NULL, &out, &err) < 0)
		fail_msg("range '%s' failed: %s", r, err.message);
	char *ids = unit_ids(g, out.v, out.n);
	rt_revset_free(&out);
	if (rows)
		rt_state_free(&st);
	return ids;
}

static void test_s1_names(void **state)
{
	(void)state;
	rt_graph *g = unit_graph(S1);
	assert_str_free(res(g, "head", NULL), "2b00000000003");
	assert_str_free(res(g, "heads", NULL), "2b00000000003");
	assert_str_free(res(g, "base", NULL), "");
	assert_str_free(res(g, "1a2b3c4d5e02", NULL), "1a2b3c4d5e02");
	assert_str_free(res(g, "2b", NULL), "2b00000000003");
	assert_str_free(res(g, "1a2b3c4d5e01", NULL), "1a2b3c4d5e01");

	rt_error err = res_err(g, "1a2b", NULL);
	assert_int_equal(err.code, RT_ERESOLVE);
	assert_string_equal(err.message,
			    "Can't locate revision identified by '1a2b': the prefix matches 2 revisions: 1a2b3c4d5e01, 1a2b3c4d5e02");
	assert_string_equal(err.hint, "give more characters of the id");
	rt_error_clear(&err);

	err = res_err(g, "zzzz", NULL);
	assert_int_equal(err.code, RT_ERESOLVE);
	assert_string_equal(err.message,
			    "Can't locate revision identified by 'zzzz': no revision id, id prefix or branch label matches");
	assert_non_null(err.hint);
	rt_error_clear(&err);

	err = res_err(g, "", NULL);
	assert_int_equal(err.code, RT_EUSAGE);
	rt_error_clear(&err);

	err = res_err(g, "1a2b3c4d5e01:head", NULL);
	assert_int_equal(err.code, RT_EUSAGE);
	assert_contains(err.message, "a range '1a2b3c4d5e01:head' is not allowed here");
	rt_error_clear(&err);
	rt_graph_free(g);
}

static void test_s1_relative_to_revisions(void **state)
{
	(void)state;
	rt_graph *g = unit_graph(S1);
	assert_str_free(res(g, "head-1", NULL), "1a2b3c4d5e02");
	assert_str_free(res(g, "head-2", NULL), "1a2b3c4d5e01");
	/* One step below the base is base itself. */
	assert_str_free(res(g, "head-3", NULL), "1a2b3c4d5e01 below");
	assert_str_free(res(g, "1a2b3c4d5e01+2", NULL), "2b00000000003");
	assert_str_free(res(g, "2b00000000003-1", NULL), "1a2b3c4d5e02");
	assert_str_free(res(g, "2b-2", NULL), "1a2b3c4d5e01");
	assert_str_free(res(g, "1a2b3c4d5e02+0", NULL), "1a2b3c4d5e02");

	assert_res_msg(g, "head-4", NULL,
		       "Relative revision head-4 didn't produce 4 migrations: 1a2b3c4d5e01 is a base");
	/* Alembic: AssertionError traceback (bug #4). */
	assert_res_msg(g, "head+1", NULL,
		       "Relative revision head+1 didn't produce 1 migrations: 2b00000000003 is a head");
	assert_res_msg(g, "1a2b3c4d5e01+3", NULL,
		       "Relative revision 1a2b3c4d5e01+3 didn't produce 3 migrations: 2b00000000003 is a head");
	rt_error err = res_err(g, "1a2b+1", NULL);
	assert_contains(err.message, "the prefix matches 2 revisions");
	rt_error_clear(&err);
	rt_graph_free(g);
}

static void test_s1_relative_to_database(void **state)
{
	(void)state;
	rt_graph *g = unit_graph(S1);
	assert_str_free(res(g, "+1", ""), "1a2b3c4d5e01");
	assert_str_free(res(g, "+2", ""), "1a2b3c4d5e02");
	assert_str_free(res(g, "+3", ""), "2b00000000003");
	assert_str_free(res(g, "+1", "1a2b3c4d5e01"), "1a2b3c4d5e02");
	assert_str_free(res(g, "-1", "2b00000000003"), "1a2b3c4d5e02");
	assert_str_free(res(g, "-3", "2b00000000003"), "1a2b3c4d5e01 below");
	assert_str_free(res(g, "-1", "1a2b3c4d5e01"), "1a2b3c4d5e01 below");
	assert_str_free(res(g, "current", "1a2b3c4d5e02"), "1a2b3c4d5e02");
	assert_str_free(res(g, "current", ""), "");

	assert_res_msg(g, "+5", "",
		       "Relative revision +5 didn't produce 5 migrations: 2b00000000003 is a head");
	assert_res_msg(g, "+1", "2b00000000003",
		       "Relative revision +1 didn't produce 1 migrations: 2b00000000003 is a head");
	assert_res_msg(g, "-1", "",
		       "Relative revision -1 didn't produce 1 migrations: the database is at base");
	assert_res_msg(g, "-4", "2b00000000003",
		       "Relative revision -4 didn't produce 4 migrations: 1a2b3c4d5e01 is a base");

	/* No database at hand. */
	rt_error err = res_err(g, "+1", NULL);
	assert_int_equal(err.code, RT_EUSAGE);
	assert_contains(err.message, "'+1' is relative to the database's current revision");
	rt_error_clear(&err);
	err = res_err(g, "current", NULL);
	assert_int_equal(err.code, RT_EUSAGE);
	rt_error_clear(&err);
	rt_graph_free(g);
}

static void test_s2_diamond(void **state)
{
	(void)state;
	rt_graph *g = unit_graph(S2);
	assert_str_free(res(g, "head", NULL), "dddd");
	assert_str_free(res(g, "bbbb+1", NULL), "mmmm");
	assert_str_free(res(g, "head-1", NULL), "mmmm");
	/* Down from a merge point: both parents. */
	assert_str_free(res(g, "mmmm-1", NULL), "bbbb,cccc");
	assert_str_free(res(g, "head-2", NULL), "bbbb,cccc");
	assert_str_free(res(g, "-1", "mmmm"), "bbbb,cccc");
	assert_str_free(res(g, "-1", "dddd"), "mmmm");
	assert_str_free(res(g, "current", "bbbb,cccc"), "bbbb,cccc");
	assert_str_free(res(g, "current", "bbbb"), "bbbb");

	assert_res_msg(g, "aaaa+1", NULL,
		       "Ambiguous walk for 'aaaa+1': aaaa is a branch point with children (bbbb, cccc)");
	assert_res_msg(g, "head-3", NULL,
		       "Ambiguous walk for 'head-3': mmmm is a merge point of (bbbb, cccc)");
	assert_res_msg(g, "+1", "aaaa",
		       "Ambiguous walk for '+1': aaaa is a branch point with children (bbbb, cccc)");
	rt_error err = res_err(g, "-1", "bbbb,cccc");
	assert_string_equal(err.message,
			    "Ambiguous downgrade from multiple current revisions: bbbb, cccc");
	assert_contains(err.hint, "<branchname>@-1");
	rt_error_clear(&err);
	assert_res_msg(g, "+1", "bbbb,cccc",
		       "Ambiguous upgrade from multiple current revisions: bbbb, cccc");

	/* A revision id stands for its line of descent. */
	assert_str_free(res(g, "bbbb@head", NULL), "dddd");
	assert_str_free(res(g, "bbbb@-1", "bbbb,cccc"), "aaaa");
	assert_str_free(res(g, "cccc@+1", "bbbb,cccc"), "mmmm");

	int r = -1;
	assert_int_equal(rt_resolve_one(g, "mmmm", NULL, &r, &err), 0);
	assert_int_equal(r, unit_idx(g, "mmmm"));
	assert_int_equal(rt_resolve_one(g, "mmmm-1", NULL, &r, &err), -1);
	assert_string_equal(err.message, "'mmmm-1' names 2 revisions (bbbb, cccc); one is needed here");
	rt_error_clear(&err);
	assert_int_equal(rt_resolve_one(g, "base", NULL, &r, &err), -1);
	assert_contains(err.message, "'base' names no revision");
	rt_error_clear(&err);
	rt_graph_free(g);
}

static void test_s3_two_heads(void **state)
{
	(void)state;
	rt_graph *g = unit_graph(S3);
	rt_error err = res_err(g, "head", NULL);
	assert_int_equal(err.code, RT_ERESOLVE);
	assert_string_equal(err.message,
			    "Multiple head revisions are present for given argument 'head': bbbb2222, cccc3333");
	assert_contains(err.hint, "merge revision");
	assert_int_equal(err.fix, RT_FIX_MERGE);
	assert_string_equal(err.fix_arg, "heads");
	rt_error_clear(&err);

	assert_str_free(res(g, "heads", NULL), "bbbb2222,cccc3333");
	assert_str_free(res(g, "bbbb2222@head", NULL), "bbbb2222");
	assert_str_free(res(g, "cccc3333@heads", NULL), "cccc3333");
	assert_str_free(res(g, "aaaa1111@heads", NULL), "bbbb2222,cccc3333");
	assert_str_free(res(g, "bbbb2222@+1", "aaaa1111"), "bbbb2222");
	/* Up a branch that grows out of an applied revision of another. */
	assert_str_free(res(g, "cccc3333@+1", "bbbb2222"), "cccc3333");
	assert_res_msg(g, "cccc3333@-1", "bbbb2222",
		       "Relative revision cccc3333@-1 didn't produce 1 migrations: no revision of branch 'cccc3333' is applied");
	assert_str_free(res(g, "bbbb2222@-1", "bbbb2222,cccc3333"), "aaaa1111");
	assert_str_free(res(g, "current", "bbbb2222,cccc3333"), "bbbb2222,cccc3333");

	err = res_err(g, "aaaa1111@head", NULL);
	assert_string_equal(err.message,
			    "Multiple head revisions are present for given argument 'aaaa1111@head': bbbb2222, cccc3333");
	rt_error_clear(&err);
	err = res_err(g, "head-1", NULL);
	assert_contains(err.message, "Multiple head revisions are present for given argument 'head'");
	rt_error_clear(&err);
	/* Alembic silently picks one (bug #12); retort wants a branch. */
	assert_res_msg(g, "-1", "bbbb2222,cccc3333",
		       "Ambiguous downgrade from multiple current revisions: bbbb2222, cccc3333");
	rt_graph_free(g);
}

static void test_s4_labels(void **state)
{
	(void)state;
	rt_graph *g = unit_graph(S4);
	assert_str_free(res(g, "accounts", NULL), "ac01");
	assert_str_free(res(g, "shared", NULL), "sh01");
	assert_str_free(res(g, "accounts@head", NULL), "ac03");
	assert_str_free(res(g, "accounts@heads", NULL), "ac03");
	assert_str_free(res(g, "shared@head", NULL), "sh02");
	assert_str_free(res(g, "accounts@base", NULL), "ac01 below");
	assert_str_free(res(g, "shared@base", NULL), "sh01 below");
	assert_str_free(res(g, "accounts@ac02", NULL), "ac02");
	assert_str_free(res(g, "accounts@ac01+2", NULL), "ac03");
	assert_str_free(res(g, "accounts@ac03-1", NULL), "ac02");
	assert_str_free(res(g, "accounts@head-1", NULL), "ac02");
	assert_str_free(res(g, "accounts@head-2", NULL), "ac01");
	assert_str_free(res(g, "shared@head-1", NULL), "sh01");
	assert_str_free(res(g, "heads", NULL), "sh02,ac03");

	rt_error err = res_err(g, "shared@ac02", NULL);
	assert_int_equal(err.code, RT_ERESOLVE);
	assert_string_equal(err.message,
			    "Can't locate revision identified by 'shared@ac02': revision ac02 is not on branch 'shared'");
	rt_error_clear(&err);
	assert_res_msg(g, "shared@ac01+1", NULL,
		       "Can't locate revision identified by 'shared@ac01+1': revision ac01 is not on branch 'shared'");
	assert_res_msg(g, "accounts@ac01+3", NULL,
		       "Relative revision accounts@ac01+3 didn't produce 3 migrations: ac03 is a head");
	err = res_err(g, "foo@head", NULL);
	assert_contains(err.message, "Can't locate revision identified by 'foo@head': no branch label or revision 'foo'");
	assert_contains(err.message, "no branch label or revision 'foo'");
	rt_error_clear(&err);
	err = res_err(g, "head", NULL);
	assert_string_equal(err.message,
			    "Multiple head revisions are present for given argument 'head': sh02, ac03");
	rt_error_clear(&err);
	/* Empty parts around '@' name nothing. */
	err = res_err(g, "accounts@", NULL);
	assert_int_equal(err.code, RT_EUSAGE);
	rt_error_clear(&err);
	err = res_err(g, "@head", NULL);
	assert_int_equal(err.code, RT_EUSAGE);
	rt_error_clear(&err);
	rt_graph_free(g);
}

static void test_s4_labels_relative_to_database(void **state)
{
	(void)state;
	rt_graph *g = unit_graph(S4);
	/* The sequence of S4's table. */
	assert_str_free(res(g, "accounts@+1", ""), "ac01");
	assert_str_free(res(g, "accounts@+1", "ac01,sh02"), "ac02");
	assert_str_free(res(g, "accounts@+2", "ac01,sh02"), "ac03");
	assert_str_free(res(g, "accounts@-1", "ac03,sh02"), "ac02");
	assert_str_free(res(g, "accounts@-1", "ac01,sh02"), "ac01 below");
	assert_str_free(res(g, "shared@-2", "ac03,sh02"), "sh01 below");
	assert_str_free(res(g, "shared@+1", "ac03"), "sh01");
	assert_res_msg(g, "+1", "ac02,sh02",
		       "Ambiguous upgrade from multiple current revisions: ac02, sh02");
	/* Alembic: AssertionError when the branch is not applied (bug #4). */
	assert_res_msg(g, "shared@-1", "ac03",
		       "Relative revision shared@-1 didn't produce 1 migrations: no revision of branch 'shared' is applied");
	assert_res_msg(g, "accounts@+1", "ac03,sh02",
		       "Relative revision accounts@+1 didn't produce 1 migrations: ac03 is a head");
	rt_error err = res_err(g, "+1", "");
	assert_string_equal(err.message,
			    "Ambiguous upgrade from base: there are several bases: sh01, ac01");
	assert_contains(err.hint, "<branchname>@+1");
	rt_error_clear(&err);
	err = res_err(g, "accounts@+1", NULL);
	assert_int_equal(err.code, RT_EUSAGE);
	rt_error_clear(&err);
	rt_graph_free(g);
}

static void test_s5_depends_on(void **state)
{
	(void)state;
	rt_graph *g = unit_graph(S5);
	assert_str_free(res(g, "heads", NULL), "sh02,ac02");
	/* A dependency that is not a row is still a current head. */
	assert_str_free(res(g, "current", "ac02"), "ac02,sh01");
	assert_str_free(res(g, "current", "ac02,sh02"), "ac02,sh02");
	assert_str_free(res(g, "accounts@head", NULL), "ac02");
	assert_str_free(res(g, "accounts@-1", "ac02"), "ac01");
	rt_error err = res_err(g, "head", NULL);
	assert_contains(err.message, "sh02, ac02");
	rt_error_clear(&err);
	rt_graph_free(g);

	/* An effective head is not what 'head' means. */
	g = unit_graph(S5B);
	assert_str_free(res(g, "head", NULL), "ac04");
	assert_str_free(res(g, "heads", NULL), "sh02,ac04");
	assert_str_free(res(g, "current", "ac04"), "ac04,sh02");
	rt_graph_free(g);
}

static void test_s6_unequal_merge(void **state)
{
	(void)state;
	rt_graph *g = unit_graph(S6);
	assert_str_free(res(g, "mmmm-1", NULL), "cccc,dddd");
	assert_str_free(res(g, "-1", "mmmm"), "cccc,dddd");
	assert_str_free(res(g, "cccc@-1", "cccc,dddd"), "bbbb");
	assert_str_free(res(g, "dddd@-1", "cccc,dddd"), "aaaa");
	assert_str_free(res(g, "cccc-2", NULL), "aaaa");
	assert_str_free(res(g, "dddd+1", NULL), "mmmm");
	assert_res_msg(g, "-1", "cccc,dddd",
		       "Ambiguous downgrade from multiple current revisions: cccc, dddd");
	assert_res_msg(g, "head-2", NULL,
		       "Ambiguous walk for 'head-2': mmmm is a merge point of (cccc, dddd)");
	rt_graph_free(g);
}

static void test_ranges(void **state)
{
	(void)state;
	rt_graph *g = unit_graph(S1);
	assert_str_free(range(g, "1a2b3c4d5e01:2b00000000003", NULL),
			"2b00000000003,1a2b3c4d5e02,1a2b3c4d5e01");
	assert_str_free(range(g, ":1a2b3c4d5e02", NULL), "1a2b3c4d5e02,1a2b3c4d5e01");
	assert_str_free(range(g, "1a2b3c4d5e02:", NULL), "2b00000000003,1a2b3c4d5e02");
	assert_str_free(range(g, ":", NULL), "2b00000000003,1a2b3c4d5e02,1a2b3c4d5e01");
	assert_str_free(range(g, "base:head", NULL), "2b00000000003,1a2b3c4d5e02,1a2b3c4d5e01");
	assert_str_free(range(g, ":head-1", NULL), "1a2b3c4d5e02,1a2b3c4d5e01");
	assert_str_free(range(g, "head-1:", NULL), "2b00000000003,1a2b3c4d5e02");
	assert_str_free(range(g, "-1:current", "2b00000000003"),
			"2b00000000003,1a2b3c4d5e02");
	assert_str_free(range(g, "current:", "1a2b3c4d5e02"),
			"2b00000000003,1a2b3c4d5e02");

	rt_revset out;
	rt_error err = { 0 };
	assert_int_equal(rt_resolve_range_into(g, "-1:", NULL, &out, &err), -1);
	assert_int_equal(err.code, RT_EUSAGE);
	assert_contains(err.message, "relative to the database's current revision");
	rt_error_clear(&err);
	assert_int_equal(rt_resolve_range_into(g, "head", NULL, &out, &err), -1);
	assert_contains(err.message, "History range requires [start]:[end]");
	rt_error_clear(&err);
	assert_int_equal(rt_resolve_range_into(g, "a:b:c", NULL, &out, &err), -1);
	assert_int_equal(err.code, RT_EUSAGE);
	rt_error_clear(&err);
	assert_int_equal(rt_resolve_range_into(g, "zzzz:", NULL, &out, &err), -1);
	assert_contains(err.message, "Can't locate revision identified by 'zzzz'");
	rt_error_clear(&err);
	assert_int_equal(rt_resolve_range_into(g, ":zzzz", NULL, &out, &err), -1);
	assert_contains(err.message, "Can't locate revision identified by 'zzzz'");
	rt_error_clear(&err);
	rt_graph_free(g);

	g = unit_graph(S2);
	assert_str_free(range(g, "bbbb:dddd", NULL), "dddd,mmmm,bbbb");
	assert_str_free(range(g, "aaaa:mmmm", NULL), "mmmm,cccc,bbbb,aaaa");
	assert_int_equal(rt_resolve_range_into(g, "bbbb:cccc", NULL, &out, &err), -1);
	assert_int_equal(err.code, RT_ERESOLVE);
	assert_string_equal(err.message,
			    "Requested range bbbb:cccc does not refer to ancestor/descendant revisions along the same branch");
	rt_error_clear(&err);
	assert_int_equal(rt_resolve_range_into(g, "dddd:aaaa", NULL, &out, &err), -1);
	assert_contains(err.message, "does not refer to ancestor/descendant revisions");
	rt_error_clear(&err);
	rt_graph_free(g);

	g = unit_graph(S4);
	assert_str_free(range(g, "accounts@base:accounts@head", NULL), "ac03,ac02,ac01");
	assert_str_free(range(g, "shared:", NULL), "sh02,sh01");
	rt_graph_free(g);

	/* Descendants through dependencies belong to the range. */
	g = unit_graph(S5);
	assert_str_free(range(g, "sh01:", NULL), "ac02,sh02,sh01");
	rt_graph_free(g);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_s1_names),
		cmocka_unit_test(test_s1_relative_to_revisions),
		cmocka_unit_test(test_s1_relative_to_database),
		cmocka_unit_test(test_s2_diamond),
		cmocka_unit_test(test_s3_two_heads),
		cmocka_unit_test(test_s4_labels),
		cmocka_unit_test(test_s4_labels_relative_to_database),
		cmocka_unit_test(test_s5_depends_on),
		cmocka_unit_test(test_s6_unequal_merge),
		cmocka_unit_test(test_ranges),
	};
	return cmocka_run_group_tests_name("resolve", tests, NULL, NULL);
}
