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

void json_strlist(FILE *f, const rt_strlist *l)
{
	fputc('[', f);
	for (size_t i = 0; i < l->n; i++) {
		if (i)
			fputs(", ", f);
		json_str(f, l->v[i]);
	}
	fputc(']', f);
}

static void json_ids(FILE *f, const rt_graph *g, const int *v, int n)
{
	fputc('[', f);
	for (int i = 0; i < n; i++) {
		if (i)
			fputs(", ", f);
		json_str(f, g->revs[v[i]]->id);
	}
	fputc(']', f);
}

static const char *jbool(int b)
{
	return b ? "true" : "false";
}

/* One revision: the same object in history, show, heads, current. */
void json_revision(FILE *f, const rt_graph *g, int rev, const rt_revset *current)
{
	const rt_revision *r = g->revs[rev];
	fputs("{\"revision\": ", f);
	json_str(f, r->id);
	fputs(", \"down_revisions\": ", f);
	json_ids(f, g, r->parents, r->nparents);
	fputs(", \"depends_on\": ", f);
	json_ids(f, g, r->deps, r->ndeps);
	fputs(", \"branch_labels\": [", f);
	for (int i = 0; i < r->nbranch; i++) {
		if (i)
			fputs(", ", f);
		json_str(f, g->labels[r->branch[i]].name);
	}
	fputs("], \"declared_branch_labels\": ", f);
	json_strlist(f, &r->labels);
	fputs(", \"children\": ", f);
	json_ids(f, g, r->children, r->nchildren);
	fputs(", \"message\": ", f);
	json_str(f, r->message);
	fputs(", \"create_date\": ", f);
	json_str(f, r->create_date);
	fputs(", \"path\": ", f);
	json_str(f, r->path);
	fprintf(f, ", \"is_head\": %s, \"is_effective_head\": %s, \"is_base\": %s, "
		   "\"is_branch_point\": %s, \"is_merge_point\": %s, \"has_downgrade\": %s",
		jbool(!r->nchildren && !rt_graph_is_effective_head(g, rev)),
		jbool(rt_graph_is_effective_head(g, rev)), jbool(!r->nparents),
		jbool(r->nchildren > 1), jbool(r->nparents > 1), jbool(r->downgrade.present));
	if (current)
		fprintf(f, ", \"is_current\": %s", jbool(rt_revset_has(current, rev)));
	fputc('}', f);
}

void json_revisions(FILE *f, const char *key, const rt_graph *g, const int *v,
		    size_t n, const rt_revset *current)
{
	fprintf(f, "\"%s\": [", key);
	for (size_t i = 0; i < n; i++) {
		fputs(i ? ",\n  " : "\n  ", f);
		json_revision(f, g, v[i], current);
	}
	fputs(n ? "\n]" : "]", f);
}
