/*
 * test_plan.c - upgrade, downgrade and stamp plans: the order of the
 * steps and the exact version-table changes, checked against the worked
 * examples S1-S6 of alembic-behaviour.md §3.5 by running the commands of
 * each table in sequence on a simulated version table.
 *
 * retort's order is depth first from the target, parents in the order
 * written (the first-listed parent's branch first), and a downgrade is the
 * exact reverse of that order; it differs from Alembic's where Alembic's
 * depends on file names or hash order.  An un-merge UPDATEs the row to the
 * first parent and INSERTs the others.
 */
#include "unit.h"

#define S1 "r01; r02:r01; r03:r02"
#define S2 "aaaa; bbbb:aaaa; cccc:aaaa; mmmm:bbbb,cccc; dddd:mmmm"
#define S3 "aaaa1111; bbbb2222:aaaa1111; cccc3333:aaaa1111"
#define S4 "sh01::shared; sh02:sh01; ac01::accounts; ac02:ac01; ac03:ac02"
#define S5 "sh01::shared; sh02:sh01; ac01::accounts; ac02:ac01::sh01"
#define S5B "sh01::shared; sh02:sh01; ac01::accounts; ac02:ac01; ac03:ac02;" \
	    "ac04:ac03::sh02,ac01"
#define S6 "aaaa; bbbb:aaaa; cccc:bbbb; dddd:aaaa; mmmm:cccc,dddd"

/* Alembic's invariant: no row is an ancestor of another row. */
static void assert_minimal(const rt_graph *g, const rt_state *st)
{
	for (size_t i = 0; i < st->rows.n; i++)
		for (size_t j = 0; j < st->rows.n; j++)
			if (rt_graph_is_ancestor(g, st->rows.v[i], st->rows.v[j]))
				fail_msg("row %s is an ancestor of row %s",
					 g->revs[st->rows.v[i]]->id,
					 g->revs[st->rows.v[j]]->id);
}

/* Make a plan for one command; 0 or -1 with err filled. */
static int make_plan(const rt_graph *g, const rt_state *st, rt_direction dir,
		     const char *idents, int purge, rt_plan *plan,
		     rt_error *err)
{
	rt_target t[4];
	size_t n = 0;
	char buf[256];
	snprintf(buf, sizeof(buf), "%s", idents);
	int rc = 0;
	for (char *save, *tok = strtok_r(buf, " ", &save); tok && rc == 0;
	     tok = strtok_r(NULL, " ", &save)) {
		rc = rt_resolve_into(g, tok, st, &t[n], err);
		if (rc == 0)
			n++;
	}
	if (rc == 0 && dir == RT_UPGRADE)
		rc = rt_plan_upgrade(g, st, &t[0], plan, err);
	else if (rc == 0 && dir == RT_DOWNGRADE)
		rc = rt_plan_downgrade(g, st, &t[0], plan, err);
	else if (rc == 0)
		rc = rt_plan_stamp(g, st, t, n, purge, plan, err);
	for (size_t i = 0; i < n; i++)
		rt_target_free(&t[i]);
	return rc;
}

/*
 * Run a command on the simulated table: the plan must be want_plan
 * (unit_plan_str's notation), and the rows afterwards want_rows (sorted).
 */
static void run(const rt_graph *g, rt_state *st, rt_direction dir,
		const char *idents, int purge, const char *want_plan,
		const char *want_rows)
{
	rt_plan plan;
	rt_error err = { 0 };
	if (make_plan(g, st, dir, idents, purge, &plan, &err) < 0)
		fail_msg("'%s' failed: %s", idents, err.message);
	char *got = unit_plan_str(g, &plan);
	if (strcmp(got, want_plan))
		fail_msg("'%s': plan\n  got  %s\n  want %s", idents, got,
			 want_plan);
	free(got);
	unit_apply(g, st, &plan);
	rt_plan_free(&plan);
	char *rows = unit_sorted(g, &st->rows);
	if (strcmp(rows, want_rows))
		fail_msg("'%s': rows '%s', want '%s'", idents, rows, want_rows);
	free(rows);
	assert_int_equal(st->unknown.n, 0);
	assert_minimal(g, st);
}

#define UP(ident, p, rows) run(g, &st, RT_UPGRADE, ident, 0, p, rows)
#define DOWN(ident, p, rows) run(g, &st, RT_DOWNGRADE, ident, 0, p, rows)
#define STAMP(idents, p, rows) run(g, &st, RT_STAMP, idents, 0, p, rows)
#define PURGE(idents, p, rows) run(g, &st, RT_STAMP, idents, 1, p, rows)

/* A command that must fail; its error (caller clears it). */
static rt_error run_err(const rt_graph *g, const rt_state *st,
			rt_direction dir, const char *idents, int purge)
{
	rt_plan plan;
	rt_error err = { 0 };
	if (make_plan(g, st, dir, idents, purge, &plan, &err) == 0) {
		char *got = unit_plan_str(g, &plan);
		fail_msg("'%s' planned '%s', but should fail", idents, got);
	}
	assert_non_null(err.message);
	return err;
}

static void test_s1_linear(void **state)
{
	(void)state;
	rt_graph *g = unit_graph(S1);
	rt_state st;
	unit_state(g, "", &st);
	UP("+1", "r01[+r01]", "r01");
	UP("head", "r02[r01>r02] r03[r02>r03]", "r03");
	DOWN("-1", "-r03[r03>r02]", "r02");
	DOWN("base", "-r02[r02>r01] -r01[-r01]", "");
	UP("head", "r01[+r01] r02[r01>r02] r03[r02>r03]", "r03");
	UP("head", "", "r03");
	DOWN("r01", "-r03[r03>r02] -r02[r02>r01]", "r01");
	DOWN("r01-1", "-r01[-r01]", "");
	DOWN("base", "", "");
	rt_state_free(&st);
	rt_graph_free(g);
}

static void test_s2_diamond(void **state)
{
	(void)state;
	rt_graph *g = unit_graph(S2);
	rt_state st;
	unit_state(g, "", &st);
	/* upgrade head --sql: first-listed parent's branch first. */
	UP("head", "aaaa[+aaaa] bbbb[aaaa>bbbb] cccc[+cccc] mmmm[-bbbb,cccc>mmmm] dddd[mmmm>dddd]",
	   "dddd");
	DOWN("base", "-dddd[dddd>mmmm] -mmmm[+cccc,mmmm>bbbb] -cccc[-cccc] -bbbb[bbbb>aaaa] -aaaa[-aaaa]",
	     "");
	/* The table of S2, command by command. */
	UP("bbbb", "aaaa[+aaaa] bbbb[aaaa>bbbb]", "bbbb");
	UP("cccc", "cccc[+cccc]", "bbbb,cccc");
	UP("mmmm", "mmmm[-bbbb,cccc>mmmm]", "mmmm");
	UP("head", "dddd[mmmm>dddd]", "dddd");
	DOWN("mmmm", "-dddd[dddd>mmmm]", "mmmm");
	DOWN("bbbb", "-mmmm[+cccc,mmmm>bbbb]", "bbbb,cccc");
	UP("head", "mmmm[-bbbb,cccc>mmmm] dddd[mmmm>dddd]", "dddd");
	DOWN("aaaa", "-dddd[dddd>mmmm] -mmmm[+cccc,mmmm>bbbb] -cccc[-cccc] -bbbb[bbbb>aaaa]",
	     "aaaa");
	DOWN("base", "-aaaa[-aaaa]", "");
	/* downgrade -1 from a merge point: to both parents. */
	UP("mmmm", "aaaa[+aaaa] bbbb[aaaa>bbbb] cccc[+cccc] mmmm[-bbbb,cccc>mmmm]", "mmmm");
	DOWN("-1", "-mmmm[+cccc,mmmm>bbbb]", "bbbb,cccc");
	/* Down one branch of the branch point only: the other stays. */
	DOWN("cccc@-1", "-cccc[-cccc]", "bbbb");
	DOWN("bbbb@-1", "-bbbb[bbbb>aaaa]", "aaaa");
	UP("bbbb", "bbbb[aaaa>bbbb]", "bbbb");
	UP("cccc", "cccc[+cccc]", "bbbb,cccc");
	UP("dddd", "mmmm[-bbbb,cccc>mmmm] dddd[mmmm>dddd]", "dddd");
	/* Already there, or behind: nothing to do. */
	UP("bbbb", "", "dddd");
	rt_state_free(&st);
	rt_graph_free(g);
}

static void test_step_from_to(void **state)
{
	(void)state;
	rt_graph *g = unit_graph(S2);
	rt_state st;
	unit_state(g, "bbbb,cccc", &st);
	rt_plan plan;
	rt_error err = { 0 };
	assert_int_equal(make_plan(g, &st, RT_UPGRADE, "mmmm", 0, &plan, &err), 0);
	assert_int_equal(plan.n, 1);
	assert_int_equal(plan.steps[0].dir, RT_UPGRADE);
	assert_int_equal(plan.steps[0].rev, unit_idx(g, "mmmm"));
	assert_int_equal(plan.steps[0].from.n, 2);
	assert_string_equal(plan.steps[0].from.v[0], "bbbb");
	assert_string_equal(plan.steps[0].from.v[1], "cccc");
	assert_int_equal(plan.steps[0].to.n, 1);
	assert_string_equal(plan.steps[0].to.v[0], "mmmm");
	assert_int_equal(plan.steps[0].nvops, 2);
	assert_int_equal(plan.steps[0].vops[0].kind, RT_VOP_DELETE);
	assert_null(plan.steps[0].vops[0].to);
	assert_int_equal(plan.steps[0].vops[1].kind, RT_VOP_UPDATE);
	rt_plan_free(&plan);
	rt_state_free(&st);

	unit_state(g, "mmmm", &st);
	assert_int_equal(make_plan(g, &st, RT_DOWNGRADE, "bbbb", 0, &plan, &err), 0);
	assert_int_equal(plan.n, 1);
	assert_int_equal(plan.steps[0].dir, RT_DOWNGRADE);
	assert_int_equal(plan.steps[0].from.n, 1);
	assert_string_equal(plan.steps[0].from.v[0], "mmmm");
	assert_int_equal(plan.steps[0].to.n, 2);
	assert_string_equal(plan.steps[0].to.v[0], "bbbb");
	assert_string_equal(plan.steps[0].to.v[1], "cccc");
	assert_int_equal(plan.steps[0].vops[0].kind, RT_VOP_INSERT);
	assert_null(plan.steps[0].vops[0].from);
	rt_plan_free(&plan);

	assert_int_equal(make_plan(g, &st, RT_STAMP, "aaaa", 0, &plan, &err), 0);
	assert_int_equal(plan.n, 1);
	assert_int_equal(plan.steps[0].dir, RT_STAMP);
	assert_int_equal(plan.steps[0].rev, -1);
	assert_string_equal(plan.steps[0].from.v[0], "mmmm");
	assert_string_equal(plan.steps[0].to.v[0], "aaaa");
	rt_plan_free(&plan);
	rt_state_free(&st);
	rt_graph_free(g);
}

static void test_s3_two_heads(void **state)
{
	(void)state;
	rt_graph *g = unit_graph(S3);
	rt_state st;
	unit_state(g, "", &st);
	UP("heads", "aaaa1111[+aaaa1111] bbbb2222[aaaa1111>bbbb2222] cccc3333[+cccc3333]",
	   "bbbb2222,cccc3333");
	DOWN("base", "-cccc3333[-cccc3333] -bbbb2222[bbbb2222>aaaa1111] -aaaa1111[-aaaa1111]", "");
	UP("bbbb2222", "aaaa1111[+aaaa1111] bbbb2222[aaaa1111>bbbb2222]", "bbbb2222");
	UP("heads", "cccc3333[+cccc3333]", "bbbb2222,cccc3333");
	/* Alembic's 'downgrade -1' picked one with a warning; here, name it. */
	DOWN("bbbb2222@-1", "-bbbb2222[-bbbb2222]", "cccc3333");
	UP("heads", "bbbb2222[+bbbb2222]", "bbbb2222,cccc3333");
	/* The base of cccc3333's line is shared: the other branch goes too. */
	DOWN("cccc3333@base", "-cccc3333[-cccc3333] -bbbb2222[bbbb2222>aaaa1111] -aaaa1111[-aaaa1111]", "");
	UP("heads", "aaaa1111[+aaaa1111] bbbb2222[aaaa1111>bbbb2222] cccc3333[+cccc3333]",
	   "bbbb2222,cccc3333");
	DOWN("aaaa1111", "-cccc3333[-cccc3333] -bbbb2222[bbbb2222>aaaa1111]", "aaaa1111");
	UP("bbbb2222@+1", "bbbb2222[aaaa1111>bbbb2222]", "bbbb2222");
	UP("cccc3333@+1", "cccc3333[+cccc3333]", "bbbb2222,cccc3333");

	rt_error err = run_err(g, &st, RT_UPGRADE, "head", 0);
	assert_contains(err.message, "Multiple head revisions are present");
	rt_error_clear(&err);
	err = run_err(g, &st, RT_DOWNGRADE, "-1", 0);
	assert_contains(err.message, "Ambiguous downgrade from multiple current revisions");
	rt_error_clear(&err);
	rt_state_free(&st);
	rt_graph_free(g);
}

/* The order of the rows in the table never changes a plan. */
static void test_row_order_irrelevant(void **state)
{
	(void)state;
	rt_graph *g = unit_graph(S3);
	const char *orders[] = { "bbbb2222,cccc3333", "cccc3333,bbbb2222" };
	for (int i = 0; i < 2; i++) {
		rt_state st;
		unit_state(g, orders[i], &st);
		DOWN("base", "-cccc3333[-cccc3333] -bbbb2222[bbbb2222>aaaa1111] -aaaa1111[-aaaa1111]", "");
		rt_state_free(&st);
	}
	rt_graph_free(g);
	g = unit_graph(S6);
	const char *rows6[] = { "bbbb,dddd", "dddd,bbbb" };
	for (int i = 0; i < 2; i++) {
		rt_state st;
		unit_state(g, rows6[i], &st);
		STAMP("head", "stamp[bbbb>mmmm,-dddd]", "mmmm");
		rt_state_free(&st);
	}
	rt_graph_free(g);
}

static void test_s4_labels(void **state)
{
	(void)state;
	rt_graph *g = unit_graph(S4);
	rt_state st;
	unit_state(g, "", &st);
	UP("accounts@+1", "ac01[+ac01]", "ac01");
	UP("shared@head", "sh01[+sh01] sh02[sh01>sh02]", "ac01,sh02");
	UP("accounts@+1", "ac02[ac01>ac02]", "ac02,sh02");
	rt_error err = run_err(g, &st, RT_UPGRADE, "+1", 0);
	assert_contains(err.message, "Ambiguous upgrade from multiple current revisions: ");
	assert_contains(err.message, "ac02");
	assert_contains(err.message, "sh02");
	rt_error_clear(&err);
	UP("heads", "ac03[ac02>ac03]", "ac03,sh02");
	DOWN("accounts@-1", "-ac03[ac03>ac02]", "ac02,sh02");
	DOWN("accounts@base", "-ac02[ac02>ac01] -ac01[-ac01]", "sh02");
	DOWN("shared@base", "-sh02[sh02>sh01] -sh01[-sh01]", "");
	UP("accounts@ac02", "ac01[+ac01] ac02[ac01>ac02]", "ac02");
	/* A branch that is not applied: nothing to take away. */
	DOWN("shared@base", "", "ac02");
	UP("heads", "sh01[+sh01] sh02[sh01>sh02] ac03[ac02>ac03]", "ac03,sh02");
	rt_state_free(&st);
	rt_graph_free(g);
}

static void test_s5_depends_on(void **state)
{
	(void)state;
	rt_graph *g = unit_graph(S5);
	rt_state st;
	unit_state(g, "", &st);
	/* A dependency is treated like a merge parent for the table. */
	UP("accounts@head", "ac01[+ac01] sh01[+sh01] ac02[-ac01,sh01>ac02]", "ac02");
	UP("heads", "sh02[+sh02]", "ac02,sh02");
	/* Dependants of what goes go too (Alembic's order). */
	DOWN("shared@base", "-ac02[ac02>ac01] -sh02[sh02>sh01] -sh01[-sh01]", "ac01");
	rt_error err = run_err(g, &st, RT_DOWNGRADE, "sh01", 0);
	assert_int_equal(err.code, RT_ERESOLVE);
	assert_string_equal(err.message,
			    "Destination sh01 is not a valid downgrade target from current head(s) ac01: it is not applied");
	assert_contains(err.hint, "upgrading to sh01 moves forward");
	assert_int_equal(err.fix, RT_FIX_UPGRADE);
	assert_string_equal(err.fix_arg, "sh01");
	rt_error_clear(&err);
	UP("heads", "sh01[+sh01] sh02[sh01>sh02] ac02[ac01>ac02]", "ac02,sh02");
	/* Down to the dependency itself: what depends on it stays. */
	DOWN("sh01", "-sh02[-sh02]", "ac02");
	UP("sh02", "sh02[+sh02]", "ac02,sh02");
	DOWN("accounts@base", "-ac02[ac02>ac01] -ac01[-ac01]", "sh02");
	rt_state_free(&st);
	rt_graph_free(g);
}

/* Alembic bug #6: depends_on naming an own ancestor crashes the update. */
static void test_depends_on_own_ancestor(void **state)
{
	(void)state;
	rt_graph *g = unit_graph(S5B);
	rt_state st;
	unit_state(g, "ac03,sh02", &st);
	UP("heads", "ac04[-ac03,sh02>ac04]", "ac04");
	DOWN("ac03", "-ac04[+sh02,ac04>ac03]", "ac03,sh02");
	DOWN("base", "-ac03[ac03>ac02] -ac02[ac02>ac01] -ac01[-ac01] -sh02[sh02>sh01] -sh01[-sh01]", "");
	UP("heads", "sh01[+sh01] sh02[sh01>sh02] ac01[+ac01] ac02[ac01>ac02] ac03[ac02>ac03] ac04[-ac03,sh02>ac04]",
	   "ac04");
	UP("head", "", "ac04");
	rt_state_free(&st);
	rt_graph_free(g);

	/* A dependency that is also the parent counts once. */
	g = unit_graph("aaaa; bbbb:aaaa::aaaa; cccc:bbbb");
	unit_state(g, "", &st);
	UP("head", "aaaa[+aaaa] bbbb[aaaa>bbbb] cccc[bbbb>cccc]", "cccc");
	DOWN("aaaa", "-cccc[cccc>bbbb] -bbbb[bbbb>aaaa]", "aaaa");
	rt_state_free(&st);
	rt_graph_free(g);
}

static void test_s6_unequal_merge(void **state)
{
	(void)state;
	rt_graph *g = unit_graph(S6);
	rt_state st;
	unit_state(g, "", &st);
	UP("head", "aaaa[+aaaa] bbbb[aaaa>bbbb] cccc[bbbb>cccc] dddd[+dddd] mmmm[-cccc,dddd>mmmm]",
	   "mmmm");
	DOWN("base", "-mmmm[+dddd,mmmm>cccc] -dddd[-dddd] -cccc[cccc>bbbb] -bbbb[bbbb>aaaa] -aaaa[-aaaa]",
	     "");
	/* The table of S6. */
	UP("cccc", "aaaa[+aaaa] bbbb[aaaa>bbbb] cccc[bbbb>cccc]", "cccc");
	UP("mmmm", "dddd[+dddd] mmmm[-cccc,dddd>mmmm]", "mmmm");
	DOWN("dddd", "-mmmm[+dddd,mmmm>cccc]", "cccc,dddd");
	rt_error err = run_err(g, &st, RT_DOWNGRADE, "-1", 0);
	assert_contains(err.message, "Ambiguous downgrade from multiple current revisions: ");
	rt_error_clear(&err);
	DOWN("cccc@-1", "-cccc[cccc>bbbb]", "bbbb,dddd");
	UP("head", "cccc[bbbb>cccc] mmmm[-cccc,dddd>mmmm]", "mmmm");
	DOWN("bbbb", "-mmmm[+dddd,mmmm>cccc] -cccc[cccc>bbbb]", "bbbb,dddd");
	STAMP("head", "stamp[bbbb>mmmm,-dddd]", "mmmm");
	STAMP("aaaa", "stamp[mmmm>aaaa]", "aaaa");
	STAMP("dddd", "stamp[aaaa>dddd]", "dddd");
	STAMP("heads", "stamp[dddd>mmmm]", "mmmm");
	STAMP("base", "stamp[-mmmm]", "");
	STAMP("cccc dddd", "stamp[+cccc,+dddd]", "cccc,dddd");
	STAMP("mmmm", "stamp[cccc>mmmm,-dddd]", "mmmm");
	/* Alembic bug #5: KeyError and a half-written table. */
	STAMP("cccc dddd", "stamp[mmmm>cccc,+dddd]", "cccc,dddd");
	STAMP("mmmm", "stamp[cccc>mmmm,-dddd]", "mmmm");
	STAMP("mmmm-1", "stamp[mmmm>cccc,+dddd]", "cccc,dddd");
	STAMP("cccc dddd", "", "cccc,dddd");
	rt_state_free(&st);
	rt_graph_free(g);
}

static void test_stamp_branches(void **state)
{
	(void)state;
	rt_graph *g = unit_graph(S4);
	rt_state st;
	unit_state(g, "ac01,sh02", &st);
	/* A row of an unrelated branch is kept, one of the same line replaced. */
	STAMP("accounts@head", "stamp[ac01>ac03]", "ac03,sh02");
	STAMP("shared@head", "", "ac03,sh02");
	STAMP("sh01", "stamp[sh02>sh01]", "ac03,sh01");
	STAMP("accounts@base", "stamp[-ac03]", "sh01");
	/* Rows are UPDATEd to a revision of their own line where possible. */
	STAMP("ac02 sh02", "stamp[sh01>sh02,+ac02]", "ac02,sh02");
	PURGE("accounts@head", "stamp[ac02>ac03,-sh02]", "ac03");
	PURGE("ac03", "", "ac03");
	STAMP("base", "stamp[-ac03]", "");
	STAMP("base", "", "");
	STAMP("heads", "stamp[+sh02,+ac03]", "ac03,sh02");
	/* A target and its own ancestor: the ancestor is implied. */
	STAMP("ac01 ac02", "stamp[ac03>ac02]", "ac02,sh02");
	rt_state_free(&st);
	rt_graph_free(g);

	/* Stamping a dependant: the row of its dependency goes. */
	g = unit_graph(S5);
	unit_state(g, "sh01", &st);
	STAMP("ac02", "stamp[sh01>ac02]", "ac02");
	STAMP("sh02", "stamp[+sh02]", "ac02,sh02");
	rt_state_free(&st);
	rt_graph_free(g);
}

static void test_unknown_rows(void **state)
{
	(void)state;
	rt_graph *g = unit_graph(S3);
	rt_state st;
	unit_state(g, "bbbb2222,deadbeef0000", &st);
	assert_int_equal(st.unknown.n, 1);
	rt_error err = { 0 };
	assert_int_equal(rt_state_check(g, &st, &err), -1);
	assert_int_equal(err.code, RT_EDB);
	assert_string_equal(err.message,
			    "database is at revision deadbeef0000, which no migration file defines (the known heads are: bbbb2222, cccc3333)");
	assert_contains(err.hint, "stamp the right revision");
	assert_int_equal(err.fix, RT_FIX_STAMP_PURGE);
	rt_error_clear(&err);

	rt_direction dirs[] = { RT_UPGRADE, RT_DOWNGRADE, RT_STAMP };
	for (int i = 0; i < 3; i++) {
		err = run_err(g, &st, dirs[i], "heads", 0);
		assert_int_equal(err.code, RT_EDB);
		assert_contains(err.message, "deadbeef0000");
		rt_error_clear(&err);
	}
	/* stamp --purge repairs it. */
	run(g, &st, RT_STAMP, "cccc3333", 1, "stamp[-deadbeef0000,bbbb2222>cccc3333]", "cccc3333");
	assert_int_equal(rt_state_check(g, &st, &err), 0);
	rt_state_free(&st);

	/* Several unknown rows are all named. */
	unit_state(g, "feed00000001,feed00000002", &st);
	assert_int_equal(rt_state_check(g, &st, &err), -1);
	assert_contains(err.message, "feed00000001");
	assert_contains(err.message, "feed00000002");
	rt_error_clear(&err);
	run(g, &st, RT_STAMP, "base", 1, "stamp[-feed00000001,-feed00000002]", "");
	rt_state_free(&st);
	rt_graph_free(g);
}

static void test_bad_downgrade_target(void **state)
{
	(void)state;
	rt_graph *g = unit_graph(S2);
	rt_state st;
	unit_state(g, "bbbb", &st);
	rt_error err = run_err(g, &st, RT_DOWNGRADE, "cccc", 0);
	assert_int_equal(err.code, RT_ERESOLVE);
	assert_string_equal(err.message,
			    "Destination cccc is not a valid downgrade target from current head(s) bbbb: it is not applied");
	rt_error_clear(&err);
	rt_state_free(&st);
	unit_state(g, "", &st);
	err = run_err(g, &st, RT_DOWNGRADE, "aaaa", 0);
	assert_string_equal(err.message,
			    "Destination aaaa is not a valid downgrade target from current head(s) (base): it is not applied");
	rt_error_clear(&err);
	rt_state_free(&st);
	rt_graph_free(g);
}

/* A long chain plans in linear time: this must finish quickly. */
static void test_long_chain(void **state)
{
	(void)state;
	enum { N = 10000 };
	rt_revision **revs = malloc(N * sizeof(*revs));
	char id[16], parent[16], path[32];
	for (int i = 0; i < N; i++) {
		snprintf(id, sizeof(id), "r%05d", i);
		snprintf(parent, sizeof(parent), i ? "r%05d" : "", i - 1);
		snprintf(path, sizeof(path), "%s.sql", id);
		char *t = unit_rev_text(id, parent, "", "");
		revs[i] = unit_parse(path, t);
		free(t);
	}
	rt_error err = { 0 };
	rt_graph *g = rt_graph_build(revs, N, &err);
	assert_non_null(g);
	rt_state st;
	unit_state(g, "", &st);
	rt_plan plan;
	for (int round = 0; round < 3; round++) {
		assert_int_equal(make_plan(g, &st, RT_UPGRADE, "head", 0, &plan, &err), 0);
		assert_int_equal(plan.n, N);
		assert_int_equal(plan.steps[0].rev, 0);
		assert_int_equal(plan.steps[0].vops[0].kind, RT_VOP_INSERT);
		assert_string_equal(plan.steps[N - 1].vops[0].from, "r09998");
		assert_string_equal(plan.steps[N - 1].vops[0].to, "r09999");
		unit_apply(g, &st, &plan);
		rt_plan_free(&plan);

		assert_int_equal(make_plan(g, &st, RT_DOWNGRADE, "r00100", 0, &plan, &err), 0);
		assert_int_equal(plan.n, N - 101);
		assert_int_equal(plan.steps[0].rev, N - 1);
		unit_apply(g, &st, &plan);
		rt_plan_free(&plan);
		assert_str_free(unit_sorted(g, &st.rows), "r00100");

		assert_int_equal(make_plan(g, &st, RT_DOWNGRADE, "base", 0, &plan, &err), 0);
		assert_int_equal(plan.n, 101);
		unit_apply(g, &st, &plan);
		rt_plan_free(&plan);
		assert_int_equal(st.rows.n, 0);
	}
	assert_int_equal(make_plan(g, &st, RT_STAMP, "head-1", 0, &plan, &err), 0);
	assert_str_free(unit_plan_str(g, &plan), "stamp[+r09998]");
	rt_plan_free(&plan);
	rt_state_free(&st);
	rt_graph_free(g);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_s1_linear),
		cmocka_unit_test(test_s2_diamond),
		cmocka_unit_test(test_step_from_to),
		cmocka_unit_test(test_s3_two_heads),
		cmocka_unit_test(test_row_order_irrelevant),
		cmocka_unit_test(test_s4_labels),
		cmocka_unit_test(test_s5_depends_on),
		cmocka_unit_test(test_depends_on_own_ancestor),
		cmocka_unit_test(test_s6_unequal_merge),
		cmocka_unit_test(test_stamp_branches),
		cmocka_unit_test(test_unknown_rows),
		cmocka_unit_test(test_bad_downgrade_target),
		cmocka_unit_test(test_long_chain),
	};
	return cmocka_run_group_tests_name("plan", tests, NULL, NULL);
}
