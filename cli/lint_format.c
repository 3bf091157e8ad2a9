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
	for (size_t i = 0; i < rt_lint_report_count(r); i++) {
		const rt_finding *f = rt_lint_report_finding(r, i);
		const char *file = rt_finding_file(f);
		printf("::%s ", rt_finding_warning(f) ? "warning" : "error");
		if (file) {
			fputs("file=", stdout);
			gh_escape(file, 1);
			printf(",line=%d,col=%d,", rt_finding_line(f), rt_finding_column(f));
		}
		fputs("title=", stdout);
		gh_escape("retort lint: ", 1);
		gh_escape(rt_finding_rule(f), 1);
		fputs("::", stdout);
		gh_escape(rt_finding_message(f), 0);
		if (!strcmp(rt_finding_section(f), "downgrade"))
			gh_escape(" (downgrade section)", 0);
		gh_escape("\nwhy: ", 0);
		gh_escape(rt_finding_why(f), 0);
		gh_escape("\nfix: ", 0);
		gh_escape(rt_finding_fix(f), 0);
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

/* Does rule i apply to the dialect linted ("postgresql, sqlite" lists)? */
static int rule_applies(size_t i, const char *dialect)
{
	return dialect && strstr(rt_lint_rule_dialects(i), dialect) != NULL;
}

/* The rules of the run's dialect, as the tool's reportingDescriptors. */
static void sarif_rules(const rt_lint_report *r)
{
	int first = 1;
	for (size_t i = 0; i < rt_lint_rule_count(); i++) {
		if (!rule_applies(i, rt_lint_report_dialect(r)))
			continue;
		fputs(first ? "\n      " : ",\n      ", stdout);
		first = 0;
		fputs("{\"id\": ", stdout);
		json_str(stdout, rt_lint_rule_name(i));
		json_field(stdout, "name", rt_lint_rule_name(i));
		fputs(", \"shortDescription\": {\"text\": ", stdout);
		json_str(stdout, rt_lint_rule_summary(i));
		fputs("}, \"help\": {\"text\": \"docs/lint.md describes the rule, why it matters and the safe form\"}"
		      ", \"defaultConfiguration\": {\"level\": \"error\"}}", stdout);
	}
}

/* The index of a rule among those sarif_rules wrote, or -1. */
static int rule_index(const char *dialect, const char *name)
{
	int k = 0;
	for (size_t i = 0; i < rt_lint_rule_count(); i++) {
		if (!rule_applies(i, dialect))
			continue;
		if (!strcmp(rt_lint_rule_name(i), name))
			return k;
		k++;
	}
	return -1;
}

/* One result: rule, level, message (with why and fix), where, and which revision. */
static void sarif_result(const rt_lint_report *r, const rt_finding *f)
{
	const char *rule = rt_finding_rule(f), *message = rt_finding_message(f);
	const char *why = rt_finding_why(f), *fix = rt_finding_fix(f), *file = rt_finding_file(f);
	int line = rt_finding_line(f), column = rt_finding_column(f);
	fputs("{\"ruleId\": ", stdout);
	json_str(stdout, rule);
	int idx = rule_index(rt_lint_report_dialect(r), rule);
	if (idx >= 0)
		printf(", \"ruleIndex\": %d", idx);
	printf(", \"level\": \"%s\", \"message\": {\"text\": ", rt_finding_warning(f) ? "warning" : "error");
	size_t len = strlen(message) + strlen(why) + strlen(fix) + 64;
	char *text = malloc(len);
	if (text)
		snprintf(text, len, "%s%s. Why: %s. Fix: %s", message,
			 strcmp(rt_finding_section(f), "downgrade") ? "" : " (downgrade section)", why, fix);
	json_str(stdout, text ? text : message);
	free(text);
	fputc('}', stdout);
	if (file) {
		fputs(", \"locations\": [{\"physicalLocation\": {\"artifactLocation\": {\"uri\": ", stdout);
		uri_path(stdout, file);
		fputs(", \"uriBaseId\": \"%SRCROOT%\"}", stdout);
		if (line > 0)
			printf(", \"region\": {\"startLine\": %d%s", line, column > 0 ? ", \"startColumn\": " : "");
		if (line > 0 && column > 0)
			printf("%d", column);
		fputs(line > 0 ? "}}}]" : "}}]", stdout);
	}
	fputs(", \"properties\": {\"revision\": ", stdout);
	json_str(stdout, rt_finding_revision(f));
	json_field(stdout, "section", rt_finding_section(f));
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
	size_t n = rt_lint_report_count(r);
	for (size_t i = 0; i < n; i++) {
		fputs(i ? ",\n      " : "\n      ", stdout);
		sarif_result(r, rt_lint_report_finding(r, i));
	}
	printf("]%s,\n    \"properties\": {\"dialect\": ", n ? "\n    " : "");
	json_str(stdout, rt_lint_report_dialect(r));
	printf(", \"revisions\": %zu}\n  }]\n}\n", rt_lint_report_revisions(r));
}
