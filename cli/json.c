/*
 * json.c - the little JSON writer behind --json: strings escaped per
 * RFC 8259, and the one shape every command uses for a revision.
 * The schemas are documented in docs/json.md.
 */
#include "cli.h"

#include <stdlib.h>
#include <string.h>

/*
 * A JSON string, or null when s is NULL: made printable first as all text
 * output is (rt_printable: control characters other than newline and tab,
 * and bytes that are not UTF-8, become U+FFFD), then quotes, backslashes,
 * newlines and tabs escaped, so the document always parses and no value
 * read from a file reaches a terminal as an escape sequence.
 */
void json_str(FILE *f, const char *s)
{
	if (!s) {
		fputs("null", f);
		return;
	}
	char *clean = rt_printable(s);
	fputc('"', f);
	for (const char *p = clean; *p; p++) {
		switch (*p) {
		case '"': fputs("\\\"", f); break;
		case '\\': fputs("\\\\", f); break;
		case '\n': fputs("\\n", f); break;
		case '\t': fputs("\\t", f); break;
		default: fputc(*p, f);
		}
	}
	fputc('"', f);
	free(clean);
}

/* A member after the first of an object: `, "key": ` and json_str(s). */
void json_field(FILE *f, const char *key, const char *s)
{
	fprintf(f, ", \"%s\": ", key);
	json_str(f, s);
}

void json_item(FILE *f, size_t i, const char *s)
{
	if (i)
		fputs(", ", f);
	json_str(f, s);
}

/* The revisions i < n that idx(r, i) names, as a list of ids. */
static void json_ids(FILE *f, const rt_graph *g, const rt_revision *r, size_t n,
		     int (*idx)(const rt_revision *, size_t))
{
	fputc('[', f);
	for (size_t i = 0; i < n; i++)
		json_item(f, i, rt_revision_id(rt_graph_revision(g, idx(r, i))));
	fputc(']', f);
}

static const char *jbool(int b)
{
	return b ? "true" : "false";
}

/* One revision: the same object in history, show, heads, current. */
void json_revision(FILE *f, const rt_graph *g, int rev, const rt_state *current)
{
	json_revision_open(f, g, rev, current);
	fputc('}', f);
}

/* See cli.h: the revision object's members, without the closing brace. */
void json_revision_open(FILE *f, const rt_graph *g, int rev, const rt_state *current)
{
	const rt_revision *r = rt_graph_revision(g, rev);
	size_t nparents = rt_revision_parent_count(r), nchildren = rt_revision_child_count(r);
	fputs("{\"revision\": ", f);
	json_str(f, rt_revision_id(r));
	fputs(", \"down_revisions\": ", f);
	json_ids(f, g, r, nparents, rt_revision_parent);
	fputs(", \"depends_on\": ", f);
	json_ids(f, g, r, rt_revision_dependency_count(r), rt_revision_dependency);
	fputs(", \"branch_labels\": [", f);
	for (size_t i = 0; i < rt_revision_branch_count(r); i++)
		json_item(f, i, rt_revision_branch(r, i));
	fputs("], \"declared_branch_labels\": [", f);
	for (size_t i = 0; i < rt_revision_label_count(r); i++)
		json_item(f, i, rt_revision_label(r, i));
	fputs("], \"children\": ", f);
	json_ids(f, g, r, nchildren, rt_revision_child);
	json_field(f, "message", rt_revision_message(r));
	json_field(f, "create_date", rt_revision_create_date(r));
	json_field(f, "path", rt_revision_path(r));
	int effective = rt_graph_is_effective_head(g, rev);
	int squashing = rt_revision_squash_last(r) >= 0; /* stands beside its chain: neither head nor base */
	fprintf(f, ", \"is_head\": %s, \"is_effective_head\": %s, \"is_base\": %s, "
		   "\"is_branch_point\": %s, \"is_merge_point\": %s, \"has_downgrade\": %s",
		jbool(!nchildren && !squashing && !effective), jbool(effective),
		jbool(!nparents && !squashing), jbool(nchildren > 1), jbool(nparents > 1),
		jbool(rt_revision_has_section(r, RT_SECTION_DOWNGRADE)));
	fputs(", \"replaces\": [", f);
	for (size_t i = 0; i < rt_revision_replaces_count(r); i++)
		json_item(f, i, rt_revision_replaces(r, i));
	fputc(']', f);
	if (current)
		fprintf(f, ", \"is_current\": %s", jbool(rt_state_is_head(current, rev)));
}

void json_revisions(FILE *f, const char *key, const rt_graph *g, const int *v,
		    size_t n, const rt_state *current)
{
	fprintf(f, "\"%s\": [", key);
	for (size_t i = 0; i < n; i++) {
		fputs(i ? ",\n  " : "\n  ", f);
		json_revision(f, g, v[i], current);
	}
	fputs(n ? "\n]" : "]", f);
}
