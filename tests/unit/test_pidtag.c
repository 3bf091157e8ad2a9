/*
 * test_pidtag.c - the tags that name the process behind a scratch
 * database: this process is alive, a finished child is gone (even though
 * a PID alone could be reused), another machine's tag cannot be judged,
 * and what is not a tag is said to be so.
 */
#include "unit.h"
#include "internal.h"
#include "util/pidtag.h"

#include <stdio.h>
#include <sys/wait.h>
#include <unistd.h>

static void test_own_tag_is_alive(void **state)
{
	(void)state;
	char *tag = rt_pidtag_new();
	long pid, age;
	assert_int_equal(rt_pidtag_check(tag, &pid, &age), RT_PIDTAG_ALIVE);
	assert_int_equal(pid, (long)getpid());
	assert_true(age >= 0 && age < 60);
	/* What retort appends (a counter, a file extension) is not read. */
	char *name = rt_xasprintf("%s_7.db", tag);
	assert_int_equal(rt_pidtag_check(name, &pid, &age), RT_PIDTAG_ALIVE);
	free(name);
	for (const char *p = tag; *p; p++)
		assert_true((*p >= 'a' && *p <= 'z') || (*p >= '0' && *p <= '9') || *p == '_');
	free(tag);
}

/* A child's tag: alive while it runs, gone once it has exited. */
static void test_finished_process_is_gone(void **state)
{
	(void)state;
	int fds[2];
	assert_int_equal(pipe(fds), 0);
	pid_t child = fork();
	if (child == 0) {
		char *tag = rt_pidtag_new();
		ssize_t n = write(fds[1], tag, strlen(tag) + 1);
		(void)n;
		_exit(0);
	}
	char tag[128] = "";
	assert_true(read(fds[0], tag, sizeof(tag) - 1) > 0);
	close(fds[0]);
	close(fds[1]);
	waitpid(child, NULL, 0);
	long pid, age;
	assert_int_equal(rt_pidtag_check(tag, &pid, &age), RT_PIDTAG_GONE);
	assert_int_equal(pid, (long)child);
}

/* Another machine's hash, or a start time that is not this process's. */
static void test_foreign_and_reused(void **state)
{
	(void)state;
	char *tag = rt_pidtag_new();
	long pid, age;
	char *foreign = rt_xstrdup(tag);
	foreign[0] = foreign[0] == '0' ? '1' : '0';
	assert_int_equal(rt_pidtag_check(foreign, &pid, &age), RT_PIDTAG_FOREIGN);
	/* Same machine and PID, other start time: the PID was reused. */
	char id[9];
	long mypid;
	long long start;
	char when[16];
	assert_int_equal(sscanf(tag, "%8[0-9a-f]_%ld_%lld_%15s", id, &mypid, &start, when), 4);
	char *reused = rt_xasprintf("%s_%ld_%lld_%s", id, mypid, start + 1, when);
	assert_int_equal(rt_pidtag_check(reused, &pid, &age), RT_PIDTAG_GONE);
	/* An hour-old tag says so. */
	char *old = rt_xasprintf("%s_%ld_%lld_%s", id, mypid, start, "1");
	rt_pidtag_check(old, &pid, &age);
	assert_true(age > 3600);
	free(old);
	free(reused);
	free(foreign);
	free(tag);
}

static void test_not_tags(void **state)
{
	(void)state;
	long pid, age;
	const char *bad[] = { "", "x", "1234_5678", "abcdefgh_12_34", "abcdefgh_0_1_a",
			      "abcdefgh_-5_1_a", "ABCDEFGH_12_34_ab", "abcdefgh_12_34_ab\"; DROP",
			      "12345_1b19717d" /* the older retort_scratch_<pid>_<hex> */ };
	for (size_t i = 0; i < sizeof(bad) / sizeof(*bad); i++)
		if (rt_pidtag_check(bad[i], &pid, &age) != RT_PIDTAG_INVALID)
			fail_msg("'%s' read as a tag", bad[i]);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_own_tag_is_alive),
		cmocka_unit_test(test_finished_process_is_gone),
		cmocka_unit_test(test_foreign_and_reused),
		cmocka_unit_test(test_not_tags),
	};
	return cmocka_run_group_tests_name("pidtag", tests, NULL, NULL);
}
