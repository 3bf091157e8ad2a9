/*
 * ops.c - building the operation list of a schema diff (see ops.h).
 */
#include "internal.h"
#include "schema/ops.h"

#include <stdarg.h>
#include <string.h>

/*
 * See ops.h.  The pointer returned is good only until the next
 * rt_sm_ops_add, which may move the array.
 */
sm_op *rt_sm_ops_add(sm_ops *ops, int destructive, const char *fmt, ...)
{
	ops->v = rt_xrealloc(ops->v, (ops->n + 1) * sizeof(*ops->v));
	sm_op *op = &ops->v[ops->n++];
	memset(op, 0, sizeof(*op));
	op->destructive = destructive;
	strbuf sb = STRBUF_INIT;
	va_list ap;
	va_start(ap, fmt);
	rt_strbuf_vaddf(&sb, fmt, ap);
	va_end(ap);
	op->what = rt_strbuf_detach(&sb);
	return op;
}

void rt_sm_op_sql(sm_op *op, const char *fmt, ...)
{
	strbuf sb = STRBUF_INIT;
	va_list ap;
	va_start(ap, fmt);
	rt_strbuf_vaddf(&sb, fmt, ap);
	va_end(ap);
	rt_strlist_push(&op->sql, sb.buf);
	rt_strbuf_release(&sb);
}

/* Add to an operation's note: a later note is joined to the earlier with "; ". */
void rt_sm_op_note(sm_op *op, const char *fmt, ...)
{
	strbuf sb = STRBUF_INIT;
	if (op->note) {
		rt_strbuf_adds(&sb, op->note);
		rt_strbuf_adds(&sb, "; ");
		free(op->note);
	}
	va_list ap;
	va_start(ap, fmt);
	rt_strbuf_vaddf(&sb, fmt, ap);
	va_end(ap);
	op->note = rt_strbuf_detach(&sb);
}

/* Frees every operation's strings and the array; ops is left empty. */
void rt_sm_ops_free(sm_ops *ops)
{
	for (size_t i = 0; i < ops->n; i++) {
		free(ops->v[i].what);
		free(ops->v[i].note);
		free(ops->v[i].lint_ignore);
		rt_strlist_free(&ops->v[i].sql);
	}
	free(ops->v);
	ops->v = NULL;
	ops->n = 0;
}

void rt_sm_ops_append(sm_ops *dst, sm_ops *src)
{
	if (!src->n)
		return;
	dst->v = rt_xrealloc(dst->v, (dst->n + src->n + 1) * sizeof(sm_op));
	memcpy(dst->v + dst->n, src->v, src->n * sizeof(sm_op));
	dst->n += src->n;
	free(src->v);
	src->v = NULL;
	src->n = 0;
}
