/*
 * error.c - rt_error values: how every failure in libretort travels to
 * the caller.  Only the command line turns them into text on stderr.
 */
#include "internal.h"

#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

void rt_error_clear(rt_error *err)
{
	if (!err)
		return;
	free(err->message);
	free(err->hint);
	free(err->file);
	free(err->fix_arg);
	memset(err, 0, sizeof(*err));
}

static void vfail(rt_error *err, rt_code code, const char *file, int line,
		  const char *fmt, va_list ap) __attribute__((format(printf, 5, 0)));
/*
 * Replace err's contents with a new message (err NULL: nothing).  err is
 * cleared before fmt is formatted, so no argument may point into err's
 * own strings: take them out first, as apply_section in config.c does.
 */
static void vfail(rt_error *err, rt_code code, const char *file, int line,
		  const char *fmt, va_list ap)
{
	if (!err)
		return;
	rt_error_clear(err);
	strbuf sb = STRBUF_INIT;
	rt_strbuf_vaddf(&sb, fmt, ap);
	err->code = code;
	err->message = rt_strbuf_detach(&sb);
	err->file = rt_xstrdup_or_null(file);
	err->line = line;
}

int rt_fail(rt_error *err, rt_code code, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	vfail(err, code, NULL, 0, fmt, ap);
	va_end(ap);
	return -1;
}

int rt_fail_at(rt_error *err, rt_code code, const char *file, int line,
	       const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	vfail(err, code, file, line, fmt, ap);
	va_end(ap);
	return -1;
}

/* See internal.h; replaces any earlier hint.  err NULL: nothing. */
void rt_hint(rt_error *err, const char *fmt, ...)
{
	if (!err)
		return;
	va_list ap;
	strbuf sb = STRBUF_INIT;
	va_start(ap, fmt);
	rt_strbuf_vaddf(&sb, fmt, ap);
	va_end(ap);
	free(err->hint);
	err->hint = rt_strbuf_detach(&sb);
}

/* See internal.h; replaces any earlier fix.  err NULL: nothing. */
void rt_fix_with(rt_error *err, rt_fix fix, const char *arg)
{
	if (!err)
		return;
	free(err->fix_arg);
	err->fix = fix;
	err->fix_arg = rt_xstrdup_or_null(arg);
}

void rt_strlist_pushn(rt_strlist *l, const char *s, size_t n)
{
	l->v = rt_xrealloc(l->v, (l->n + 1) * sizeof(*l->v));
	l->v[l->n++] = rt_xstrndup(s, n);
}

/* See internal.h. */
void rt_strlist_pushf(rt_strlist *l, const char *fmt, ...)
{
	strbuf sb = STRBUF_INIT;
	va_list ap;
	va_start(ap, fmt);
	rt_strbuf_vaddf(&sb, fmt, ap);
	va_end(ap);
	rt_strlist_push(l, sb.buf);
	rt_strbuf_release(&sb);
}

void rt_strlist_push(rt_strlist *l, const char *s)
{
	rt_strlist_pushn(l, s, strlen(s));
}

void rt_strlist_free(rt_strlist *l)
{
	for (size_t i = 0; i < l->n; i++)
		free(l->v[i]);
	free(l->v);
	l->v = NULL;
	l->n = 0;
}

int rt_strlist_has(const rt_strlist *l, const char *s)
{
	for (size_t i = 0; i < l->n; i++)
		if (!strcmp(l->v[i], s))
			return 1;
	return 0;
}

void rt_strlist_join(strbuf *sb, const rt_strlist *l, const char *sep)
{
	for (size_t i = 0; i < l->n; i++) {
		if (i)
			rt_strbuf_adds(sb, sep);
		rt_strbuf_adds(sb, l->v[i]);
	}
}

void rt_error_format_location(strbuf *sb, const rt_error *e)
{
	if (e->file && e->line)
		rt_strbuf_addf(sb, "%s:%d: ", e->file, e->line);
	else if (e->file)
		rt_strbuf_addf(sb, "%s: ", e->file);
	rt_strbuf_adds(sb, e->message ? e->message : "unknown error");
}

/*
 * See internal.h.  The first error is kept whole (code, hint, file, line);
 * each one, the first too, also becomes a "file:line: message" line of
 * l->all.
 */
void rt_errlist_add(rt_errlist *l, rt_error *e)
{
	if (l->n)
		rt_strbuf_addc(&l->all, '\n');
	rt_error_format_location(&l->all, e);
	if (!l->n)
		l->first = *e;
	else
		rt_error_clear(e);
	memset(e, 0, sizeof(*e));
	l->n++;
}

/*
 * See internal.h.  A single error is handed over as it was; several become
 * one error of a line each, with no file of its own (each line names its
 * file) and the first one's code and hint.
 */
int rt_errlist_finish(rt_errlist *l, rt_error *err)
{
	if (!l->n) {
		rt_strbuf_release(&l->all);
		return 0;
	}
	rt_error_clear(err);
	if (l->n == 1) {
		*err = l->first;
	} else {
		err->code = l->first.code;
		err->message = rt_strbuf_detach(&l->all);
		err->hint = l->first.hint;
		l->first.hint = NULL;
		err->fix = l->first.fix;
		err->fix_arg = l->first.fix_arg;
		l->first.fix_arg = NULL;
		rt_error_clear(&l->first);
	}
	rt_strbuf_release(&l->all);
	return -1;
}
