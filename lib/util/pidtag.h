/*
 * pidtag.h - a short tag that names the process that made something (a
 * scratch database) on this machine, so that a later run can tell when
 * the process is gone and what it left can be thrown away.
 */
#ifndef RT_PIDTAG_H
#define RT_PIDTAG_H

/*
 * "HHHHHHHH_PID_START_TIME": HHHHHHHH identifies this machine (host name,
 * boot and PID namespace), START the process's start time since boot
 * (which a reused PID does not share), TIME when the tag was made
 * (seconds since the epoch, base 36).  Letters, digits and '_' only.
 * The caller frees it.
 */
char *rt_pidtag_new(void);

/* What a tag says about its process. */
typedef enum rt_pidtag_state {
	RT_PIDTAG_ALIVE,   /* this machine, and the process still runs */
	RT_PIDTAG_GONE,    /* this machine, and the process is gone */
	RT_PIDTAG_FOREIGN, /* another machine (or namespace): cannot tell */
	RT_PIDTAG_INVALID, /* not a tag */
} rt_pidtag_state;

/*
 * Read a tag made by rt_pidtag_new (text after it is ignored when it
 * starts with '_' or '.'): the state of its process, its PID, and how
 * many seconds ago it was made.
 */
rt_pidtag_state rt_pidtag_check(const char *tag, long *pid, long *age_s);

#endif
