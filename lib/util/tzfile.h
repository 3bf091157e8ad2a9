/*
 * tzfile.h - UTC offsets of tz database zones, read from their files.
 */
#ifndef RT_TZFILE_H
#define RT_TZFILE_H

#include <time.h>

/*
 * The offset from UTC (seconds east) in effect at t in the zone whose
 * TZif file is path ($TZDIR/Europe/Paris); -1 when the file cannot be read
 * or is not a zone file.  Reads the file each time: nothing is cached, no
 * global state is touched.
 */
int rt_tz_offset(const char *path, time_t t, long *utoff);

#endif
