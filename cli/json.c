/*
 * json.c - the little JSON writer behind --json: strings escaped per
 * RFC 8259, and the one shape every command uses for a revision.
 * The schemas are documented in docs/json.md.
 */
#include "cli.h"

#include <string.h>

/*
 * s as a JSON string, or null when s is NULL.  Control characters are
 * escaped; bytes >= 0x80 are copied as they are, so the output is valid
 * JSON only when s is UTF-8.
 */
/*
 * Length of the well-formed UTF-8 sequence at p (1-4), or 0 when the bytes
 * there are not one (stray continuation, overlong form, surrogate, beyond
 * U+10FFFF, cut short).
 */
static int utf8_len(const unsigned char *p)
{
	int n = p[0] >= 0xf0 ? 4 : p[0] >= 0xe0 ? 3 : p[0] >= 0xc2 ? 2 : 0;
	if (!n || p[0] > 0xf4)
		return 0;
	for (int i = 1; i < n; i++)
		if ((p[i] & 0xc0) != 0x80)
			return 0;
	if ((p[0] == 0xe0 && p[1] < 0xa0) || (p[0] == 0xed && p[1] >= 0xa0) ||
	    (p[0] == 0xf0 && p[1] < 0x90) || (p[0] == 0xf4 && p[1] >= 0x90))
		return 0;
	return n;
}

/*
 * A JSON string: quotes, backslashes and control characters escaped, and
 * bytes that are not UTF-8 (a Latin-1 file header, say) written as
 * U+FFFD, so the document always parses.
 */
void json_str(FILE *f, const char *s)
{
	if (!s) {
		fputs("null", f);
		return;
	}
	fputc('"', f);
	for (const unsigned char *p = (const unsigned char *)s; *p; p++) {
		switch (*p) {
		case '"': fputs("\\\"", f); break;
		case '\\': fputs("\\\\", f); break;
		case '\n': fputs("\\n", f); break;
		case '\r': fputs("\\r", f); break;
		case '\t': fputs("\\t", f); break;
		default:
			if (*p < 0x20) {
				fprintf(f, "\\u%04x", *p);
			} else if (*p < 0x80) {
				fputc(*p, f);
			} else {
				int n = utf8_len(p);
				if (n) {
					fwrite(p, 1, (size_t)n, f);
					p += n - 1;
				} else {
					fputs("\\ufffd", f);
				}
			}
		}
	}
	fputc('"', f);
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
		jbool(!r->nchildren && r->squash_last < 0 && !rt_graph_is_effective_head(g, rev)),
		jbool(rt_graph_is_effective_head(g, rev)), jbool(!r->nparents && r->squash_last < 0),
		jbool(r->nchildren > 1), jbool(r->nparents > 1), jbool(r->downgrade.present));
	fputs(", \"replaces\": ", f);
	json_strlist(f, &r->replaces);
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
