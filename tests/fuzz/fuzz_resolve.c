/*
 * fuzz_resolve.c - libFuzzer target: revision identifiers and ranges
 * (head-N, label@+N, a:b, ...) resolved against a fixed graph with
 * branches, a merge, labels and a dependency, with and without a state.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "retort_int.h"

static rt_revision *rev(const char *id, const char *revises, const char *extra)
{
	char buf[256];
	snprintf(buf, sizeof(buf), "-- Revision ID: %s\n-- Revises: %s\n%s\n-- migrate:upgrade\n-- migrate:downgrade\n",
		 id, revises, extra);
	rt_error err = { 0 };
	rt_revision *r = rt_revision_parse(id, strdup(buf), strlen(buf), &err);
	rt_error_clear(&err);
	return r;
}

static rt_graph *graph(void)
{
	rt_revision **v = calloc(8, sizeof(*v));
	v[0] = rev("aaaa0001", "", "-- Branch Labels: main");
	v[1] = rev("bbbb0002", "aaaa0001", "");
	v[2] = rev("cccc0003", "aaaa0001", "-- Branch Labels: side");
	v[3] = rev("dddd0004", "bbbb0002, cccc0003", "");
	v[4] = rev("eeee0005", "dddd0004", "");
	v[5] = rev("ffff0006", "", "-- Branch Labels: other\n-- Depends On: aaaa0001");
	v[6] = rev("aaab0007", "ffff0006", "");
	rt_error err = { 0 };
	rt_graph *g = rt_graph_build(v, 7, &err);
	rt_error_clear(&err);
	return g;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static rt_graph *g;
	if (!g)
		g = graph();
	char *ident = malloc(size + 1);
	if (!ident)
		return 0;
	memcpy(ident, data, size);
	ident[size] = '\0';
	rt_state st = { 0 };
	rt_revset_add(&st.rows, 1);
	rt_revset_add(&st.rows, 2);
	rt_revset_add(&st.rows, 5);
	st.exists = 1;
	for (int with_state = 0; with_state < 2; with_state++) {
		rt_error err = { 0 };
		rt_target t;
		if (rt_resolve_into(g, ident, with_state ? &st : NULL, &t, &err) == 0) {
			rt_plan p;
			rt_error e2 = { 0 };
			if (rt_plan_upgrade(g, &st, &t, &p, &e2) == 0)
				rt_plan_free(&p);
			rt_error_clear(&e2);
			if (rt_plan_downgrade(g, &st, &t, &p, &e2) == 0)
				rt_plan_free(&p);
			rt_error_clear(&e2);
			if (rt_plan_stamp(g, &st, &t, 1, 0, &p, &e2) == 0)
				rt_plan_free(&p);
			rt_error_clear(&e2);
			rt_target_free(&t);
		}
		rt_error_clear(&err);
		rt_revset out;
		if (rt_resolve_range_into(g, ident, with_state ? &st : NULL, &out, &err) == 0)
			rt_revset_free(&out);
		rt_error_clear(&err);
	}
	rt_revset_free(&st.rows);
	free(ident);
	return 0;
}
