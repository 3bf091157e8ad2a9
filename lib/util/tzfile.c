/*
 * tzfile.c - the UTC offset of a tz database zone at an instant, read
 * from its TZif file (RFC 8536), so that a Create Date in a configured
 * timezone never needs setenv("TZ") + tzset(): those change the host
 * program's environment and race with its other threads.
 *
 * The file's transitions give the offset up to the last one; after it,
 * the POSIX TZ string of the file's footer ("CET-1CEST,M3.5.0,M10.5.0/3")
 * gives the rule for every later year.
 */
#include "internal.h"
#include "util/fs.h"
#include "util/tzfile.h"

#include <ctype.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

static int64_t be(const unsigned char *p, int n)
{
	uint64_t v = 0;
	for (int i = 0; i < n; i++)
		v = v << 8 | p[i];
	if (n == 4)
		return (int32_t)(uint32_t)v;
	return (int64_t)v;
}

/* Days from 1970-01-01 to y-m-d (proleptic Gregorian; Howard Hinnant's algorithm). */
static int64_t days_from_civil(int64_t y, int m, int d)
{
	y -= m <= 2;
	int64_t era = (y >= 0 ? y : y - 399) / 400;
	int64_t yoe = y - era * 400;
	int64_t doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
	int64_t doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
	return era * 146097 + doe - 719468;
}

static int is_leap(int64_t y)
{
	return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
}

/* The year of a day count from 1970-01-01. */
static int64_t year_of(int64_t days)
{
	int64_t y = 1970 + days / 366;
	while (days_from_civil(y + 1, 1, 1) <= days)
		y++;
	while (days_from_civil(y, 1, 1) > days)
		y--;
	return y;
}

/* A POSIX TZ zone name: letters, or anything in <...>.  Moves *p past it. */
static int tz_name(const char **p)
{
	const char *s = *p;
	if (*s == '<') {
		const char *e = strchr(s, '>');
		if (!e)
			return -1;
		*p = e + 1;
		return 0;
	}
	while (isalpha((unsigned char)**p))
		(*p)++;
	return *p - s >= 3 ? 0 : -1;
}

/* [+-]hh[:mm[:ss]] in seconds; hours up to 167 (RFC 8536). */
static int tz_time(const char **p, long *out)
{
	int sign = 1;
	if (**p == '+' || **p == '-')
		sign = *(*p)++ == '-' ? -1 : 1;
	if (!isdigit((unsigned char)**p))
		return -1;
	long v = 0, part = 0;
	for (int field = 0; field < 3; field++) {
		part = 0;
		if (!isdigit((unsigned char)**p))
			return -1;
		while (isdigit((unsigned char)**p))
			part = part * 10 + (*(*p)++ - '0');
		if (part > 167)
			return -1;
		v = v * 60 + part;
		if (**p != ':') {
			for (int k = field; k < 2; k++)
				v *= 60;
			break;
		}
		(*p)++;
	}
	*out = sign * v;
	return 0;
}

/* A transition rule: Mm.w.d, Jn or n, then an optional /time (default 02:00). */
typedef struct tz_rule {
	char kind;   /* 'M', 'J' or 'n' */
	int m, w, d; /* M: month, week (5 = last), weekday (0 = Sunday); J/n: day in d */
	long time;   /* seconds after local midnight */
} tz_rule;

static int tz_parse_rule(const char **p, tz_rule *r)
{
	const char *s = *p;
	char *end;
	if (*s == 'M') {
		r->kind = 'M';
		r->m = (int)strtol(s + 1, &end, 10);
		if (*end != '.')
			return -1;
		r->w = (int)strtol(end + 1, &end, 10);
		if (*end != '.')
			return -1;
		r->d = (int)strtol(end + 1, &end, 10);
		if (r->m < 1 || r->m > 12 || r->w < 1 || r->w > 5 || r->d < 0 || r->d > 6)
			return -1;
	} else {
		r->kind = *s == 'J' ? 'J' : 'n';
		if (*s == 'J')
			s++;
		if (!isdigit((unsigned char)*s))
			return -1;
		r->d = (int)strtol(s, &end, 10);
		if (r->d > 365 || (r->kind == 'J' && r->d < 1))
			return -1;
	}
	*p = end;
	r->time = 2 * 3600;
	if (**p == '/') {
		(*p)++;
		return tz_time(p, &r->time);
	}
	return 0;
}

/* Seconds from the epoch to local midnight starting the rule's day in year y. */
static int64_t rule_day(const tz_rule *r, int64_t y)
{
	int64_t jan1 = days_from_civil(y, 1, 1);
	if (r->kind == 'J')
		return (jan1 + r->d - 1 + (is_leap(y) && r->d >= 60)) * 86400;
	if (r->kind == 'n')
		return (jan1 + r->d) * 86400;
	static const int mdays[] = { 31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31 };
	int64_t first = days_from_civil(y, r->m, 1);
	int wday = (int)(((first % 7) + 7 + 4) % 7); /* 1970-01-01 was a Thursday */
	int day = 1 + (r->d - wday + 7) % 7 + (r->w - 1) * 7;
	int len = mdays[r->m - 1] + (r->m == 2 && is_leap(y));
	while (day > len)
		day -= 7;
	return (first + day - 1) * 86400;
}

/*
 * The offset at t from a POSIX TZ string: std offset [dst [offset]
 * [,start[/time],end[/time]]].  A dst zone without rules takes the US
 * rules, as POSIX's implementations do.
 */
static int tz_posix(const char *s, time_t t, long *utoff)
{
	long std, dst;
	if (tz_name(&s) < 0 || tz_time(&s, &std) < 0)
		return -1;
	std = -std; /* POSIX counts west of Greenwich */
	if (!*s) {
		*utoff = std;
		return 0;
	}
	if (tz_name(&s) < 0)
		return -1;
	dst = std + 3600;
	if (*s && *s != ',') {
		if (tz_time(&s, &dst) < 0)
			return -1;
		dst = -dst;
	}
	tz_rule start = { 'M', 3, 2, 0, 7200 }, end = { 'M', 11, 1, 0, 7200 };
	if (*s == ',') {
		s++;
		if (tz_parse_rule(&s, &start) < 0 || *s++ != ',' || tz_parse_rule(&s, &end) < 0)
			return -1;
	}
	int64_t y = year_of(((int64_t)t + std) / 86400 - ((int64_t)t + std < 0));
	/* Start is in standard time, end in daylight time; southern zones wrap the year. */
	int64_t on = rule_day(&start, y) + start.time - std;
	int64_t off = rule_day(&end, y) + end.time - dst;
	int in_dst = on < off ? t >= on && t < off : !(t >= off && t < on);
	*utoff = in_dst ? dst : std;
	return 0;
}

/*
 * The offset at t from a TZif body starting at p (n bytes), with times of
 * size tsz (4 in version 1 data, 8 after).  *footer gets where the data
 * ends.  Returns 1 when t is past the last transition (the footer
 * decides), 0 when the offset was found, -1 on a malformed file.
 */
static int tzif_block(const unsigned char *p, size_t n, int tsz, time_t t,
		      long *utoff, size_t *footer)
{
	if (n < 44 || memcmp(p, "TZif", 4))
		return -1;
	int64_t isutcnt = be(p + 20, 4), isstdcnt = be(p + 24, 4), leapcnt = be(p + 28, 4);
	int64_t timecnt = be(p + 32, 4), typecnt = be(p + 36, 4), charcnt = be(p + 40, 4);
	if (isutcnt < 0 || isstdcnt < 0 || leapcnt < 0 || timecnt < 0 || typecnt < 1 ||
	    charcnt < 0 || typecnt > 256)
		return -1;
	size_t need = 44 + (size_t)timecnt * (size_t)(tsz + 1) + (size_t)typecnt * 6 +
		      (size_t)charcnt + (size_t)leapcnt * (size_t)(tsz + 4) +
		      (size_t)isstdcnt + (size_t)isutcnt;
	if (need > n)
		return -1;
	*footer = need;
	const unsigned char *times = p + 44, *idx = times + timecnt * tsz;
	const unsigned char *types = idx + timecnt;
	int64_t k = -1; /* the last transition at or before t */
	for (int64_t i = 0; i < timecnt && be(times + i * tsz, tsz) <= (int64_t)t; i++)
		k = i;
	int type = 0;
	if (k >= 0) {
		type = idx[k];
	} else {
		/* Before the first transition: the first standard-time type. */
		for (int i = 0; i < typecnt; i++)
			if (!types[i * 6 + 4]) {
				type = i;
				break;
			}
	}
	if (type >= typecnt)
		return -1;
	*utoff = (long)be(types + type * 6, 4);
	return timecnt > 0 && k == timecnt - 1 ? 1 : timecnt == 0 ? 1 : 0;
}

/* See tzfile.h. */
int rt_tz_offset(const char *path, time_t t, long *utoff)
{
	char *buf;
	size_t len;
	rt_error e = { 0 };
	if (rt_fs_read_file(path, &buf, &len, &e) < 0) {
		rt_error_clear(&e);
		return -1;
	}
	const unsigned char *p = (const unsigned char *)buf;
	size_t end = 0;
	int rc = tzif_block(p, len, 4, t, utoff, &end);
	if (rc >= 0 && p[4] >= '2') {
		/* Version 2+: the 64-bit data follows, then "\n<TZ string>\n". */
		size_t start = end, end2 = 0;
		rc = tzif_block(p + start, len - start, 8, t, utoff, &end2);
		if (rc == 1) {
			size_t f = start + end2;
			if (f < len && p[f] == '\n') {
				const char *tz = buf + f + 1;
				const char *nl = memchr(tz, '\n', len - f - 1);
				if (nl && nl > tz) {
					char *rule = rt_xstrndup(tz, (size_t)(nl - tz));
					if (tz_posix(rule, t, utoff) < 0)
						rc = -1;
					free(rule);
				}
			}
		}
	}
	free(buf);
	return rc < 0 ? -1 : 0;
}
