/*
 * test_tzfile.c - util/tzfile.c against the C library: for zones north
 * and south of the equator, with and without daylight saving time, and
 * for instants from 1975 to 2100 (past the files' last transitions, where
 * the POSIX rule of the file's footer decides), rt_tz_offset must give the
 * offset localtime_r gives with TZ set to the zone.
 */
#include "unit.h"
#include "util/tzfile.h"

#include <time.h>

static long libc_offset(const char *zone, time_t t)
{
	setenv("TZ", zone, 1);
	tzset();
	struct tm tm;
	localtime_r(&t, &tm);
	return tm.tm_gmtoff;
}

static void test_offsets_match_the_c_library(void **state)
{
	(void)state;
	static const char *const zones[] = {
		"Europe/Paris", "America/New_York", "Australia/Sydney", "Asia/Kolkata",
		"America/Sao_Paulo", "Pacific/Chatham", "Africa/Casablanca", "UTC",
		"America/St_Johns", "Europe/Dublin",
	};
	const char *dir = getenv("TZDIR");
	int checked = 0;
	for (size_t z = 0; z < sizeof(zones) / sizeof(*zones); z++) {
		char path[256];
		snprintf(path, sizeof(path), "%s/%s", dir && *dir ? dir : "/usr/share/zoneinfo", zones[z]);
		/* every 6 days and 7 hours, 1975 .. 2100: both sides of every change */
		for (time_t t = 157766400; t < 4102444800; t += 6 * 86400 + 7 * 3600) {
			long got;
			assert_int_equal(rt_tz_offset(path, t, &got), 0);
			long want = libc_offset(zones[z], t);
			if (got != want)
				fail_msg("%s at %lld: %ld, the C library says %ld", zones[z],
					 (long long)t, got, want);
			checked++;
		}
	}
	assert_true(checked > 50000);
	unsetenv("TZ");
	long off;
	assert_int_equal(rt_tz_offset("/nonexistent/zone", 0, &off), -1);
	assert_int_equal(rt_tz_offset("/etc/hostname", 0, &off), -1);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_offsets_match_the_c_library),
	};
	return cmocka_run_group_tests_name("tzfile", tests, NULL, NULL);
}
