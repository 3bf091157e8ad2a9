/*
 * pg_tree.h - readers of libpg_query's parse tree (the protobuf form) used
 * by the PostgreSQL lint rules.  None allocates except into a strbuf.
 */
#ifndef RT_LINT_PG_TREE_H
#define RT_LINT_PG_TREE_H

#include "util/strbuf.h"

#include <pg_query/pg_query.pb-c.h>
#include <stddef.h>

typedef PgQuery__Node Node;

/* The text of a String node, or NULL for any other node. */
const char *rt_pgt_str_node(const Node *n);

/* The last String of a name list (the unqualified name), or "". */
const char *rt_pgt_last_name(Node **v, size_t n);

/* A name list joined with commas ("a, b") into sb. */
void rt_pgt_names_join(strbuf *sb, Node **v, size_t n);

/* A type as it is written in SQL (bigint, not int8), modifiers included. */
void rt_pgt_type_name(strbuf *sb, const PgQuery__TypeName *t);

/* Whether a setting's value means "off" (0, 0ms, '0s' ...). */
int rt_pgt_setting_is_zero(const char *v);

/* Whether a constant (through casts) is zero, true, or NULL. */
int rt_pgt_const_is_zero(const Node *n);
int rt_pgt_const_is_true(const Node *n);
int rt_pgt_const_is_null(const Node *n);

/* The value of a string constant, or NULL. */
const char *rt_pgt_const_str(const Node *n);

/* Whether s is one of the NULL-terminated list. */
int rt_pgt_in_list(const char *const *list, const char *s);

/*
 * The name of a function in an expression that is (or may be, when
 * retort does not know it) volatile, else NULL.
 */
const char *rt_pgt_volatile_call(const Node *n);

/* Whether fn is known to be VOLATILE (not merely unknown). */
int rt_pgt_known_volatile(const char *fn);

#endif
