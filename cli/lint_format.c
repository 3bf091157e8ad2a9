/*
 * lint_format.c - lint findings for CI: GitHub Actions workflow commands
 * (annotations on the pull request's diff) and SARIF 2.1.0 (the format
 * code-scanning services read: GitHub code scanning, GitLab, Azure DevOps).
 */
#include "cli.h"

#include <ctype.h>
#include <stdlib.h>
#include <string.h>

/*
 * A workflow command's value: % CR LF escaped (data), and in a property
 * also : and , -- GitHub's own escaping rules for ::error and ::warning.
 */
static void gh_escape(const char *s, int property)
{
	for (s = s ? cli_safe(s) : NULL; s && *s; s++) {
		switch (*s) {
		case '%': fputs("%25", stdout); break;
		case '\r': fputs("%0D", stdout); break;
		case '\n': fputs("%0A", stdout); break;
		case ':': fputs(property ? "%3A" : ":", stdout); break;
		case ',': fputs(property ? "%2C" : ",", stdout); break;
		default: fputc(*s, stdout);
		}
	}
}

/*
 * See cli.h.  One line per finding:
 * ::error file=F,line=L,col=C,title=retort RULE::message, why and fix
 * (::warning for the rules [lint] warn names).
 */
void cli_lint_github(const rt_lint_report *r)
{
	for (size_t i = 0; i < r->n; i++) {
		const rt_finding *f = &r->v[i];
		printf("::%s ", f->warning ? "warning" : "error");
		if (f->file) {
			fputs("file=", stdout);
			gh_escape(f->file, 1);
			printf(",line=%d,col=%d,", f->line, f->column);
		}
		fputs("title=", stdout);
		gh_escape("retort lint: ", 1);
		gh_escape(f->rule, 1);
		fputs("::", stdout);
		gh_escape(f->message, 0);
		if (!strcmp(f->section, "downgrade"))
			gh_escape(" (downgrade section)", 0);
		gh_escape("\nwhy: ", 0);
		gh_escape(f->why, 0);
		gh_escape("\nfix: ", 0);
		gh_escape(f->fix, 0);
		fputc('\n', stdout);
	}
}

/* A relative file path as a URI reference: unreserved characters and '/' kept, the rest %XX. */
static void uri_path(FILE *out, const char *path)
{
	fputc('"', out);
	for (const unsigned char *p = (const unsigned char *)path; *p; p++) {
		if (isalnum(*p) || strchr("-._~/", *p))
			fputc(*p, out);
		else
			fprintf(out, "%%%02X", *p);
	}
	fputc('"', out);
}

/* Does a rule apply to the dialect linted ("postgresql, sqlite" lists)? */
static int rule_applies(const rt_lint_rule *rule, const char *dialect)
{
	return dialect && strstr(rule->dialects, dialect) != NULL;
}

/* The rules of the run's dialect, as the tool's reportingDescriptors. */
static void sarif_rules(const rt_lint_report *r)
{
	size_t n;
	const rt_lint_rule *rules = rt_lint_rules(&n);
	int first = 1;
	for (size_t i = 0; i < n; i++) {
		if (!rule_applies(&rules[i], r->dialect))
			continue;
		fputs(first ? "\n      " : ",\n      ", stdout);
		first = 0;
		fputs("{\"id\": ", stdout);
		json_str(stdout, rules[i].name);
		fputs(", \"name\": ", stdout);
		json_str(stdout, rules[i].name);
		fputs(", \"shortDescription\": {\"text\": ", stdout);
		json_str(stdout, rules[i].summary);
		fputs("}, \"help\": {\"text\": \"docs/lint.md describes the rule, why it matters and the safe form\"}"
		      ", \"defaultConfiguration\": {\"level\": \"error\"}}", stdout);
	}
}

/* The index of a rule among those sarif_rules wrote, or -1. */
static int rule_index(const char *dialect, const char *name)
{
	size_t n;
	const rt_lint_rule *rules = rt_lint_rules(&n);
	int k = 0;
	for (size_t i = 0; i < n; i++) {
		if (!rule_applies(&rules[i], dialect))
			continue;
		if (!strcmp(rules[i].name, name))
			return k;
		k++;
	}
	return -1;
}

/* One result: rule, level, message (with why and fix), where, and which revision. */
static void sarif_result(const rt_lint_report *r, const rt_finding *f)
{
	fputs("{\"ruleId\": ", stdout);
	json_str(stdout, f->rule);
	int idx = rule_index(r->dialect, f->rule);
	if (idx >= 0)
		printf(", \"ruleIndex\": %d", idx);
	printf(", \"level\": \"%s\", \"message\": {\"text\": ", f->warning ? "warning" : "error");
	size_t len = strlen(f->message) + strlen(f->why) + strlen(f->fix) + 64;
	char *text = malloc(len);
	if (text)
		snprintf(text, len, "%s%s. Why: %s. Fix: %s", f->message,
			 strcmp(f->section, "downgrade") ? "" : " (downgrade section)", f->why, f->fix);
	json_str(stdout, text ? text : f->message);
	free(text);
	fputc('}', stdout);
	if (f->file) {
		fputs(", \"locations\": [{\"physicalLocation\": {\"artifactLocation\": {\"uri\": ", stdout);
		uri_path(stdout, f->file);
		fputs(", \"uriBaseId\": \"%SRCROOT%\"}", stdout);
		if (f->line > 0)
			printf(", \"region\": {\"startLine\": %d%s", f->line, f->column > 0 ? ", \"startColumn\": " : "");
		if (f->line > 0 && f->column > 0)
			printf("%d", f->column);
		fputs(f->line > 0 ? "}}}]" : "}}]", stdout);
	}
	fputs(", \"properties\": {\"revision\": ", stdout);
	json_str(stdout, f->revision);
	fputs(", \"section\": ", stdout);
	json_str(stdout, f->section);
	fputs("}}", stdout);
}

/* See cli.h.  One run of one tool, its rules, and a result per finding. */
void cli_lint_sarif(const rt_lint_report *r)
{
	fputs("{\n  \"$schema\": \"https://json.schemastore.org/sarif-2.1.0.json\",\n"
	      "  \"version\": \"2.1.0\",\n  \"runs\": [{\n"
	      "    \"tool\": {\"driver\": {\"name\": \"retort\", \"version\": \"" RETORT_VERSION "\", "
	      "\"semanticVersion\": \"" RETORT_VERSION "\", \"rules\": [", stdout);
	sarif_rules(r);
	fputs("]}},\n    \"results\": [", stdout);
	for (size_t i = 0; i < r->n; i++) {
		fputs(i ? ",\n      " : "\n      ", stdout);
		sarif_result(r, &r->v[i]);
	}
	printf("]%s,\n    \"properties\": {\"dialect\": ", r->n ? "\n    " : "");
	json_str(stdout, r->dialect);
	printf(", \"revisions\": %zu}\n  }]\n}\n", r->nrevisions);
}
