/*
 * lint.h - what the generic part of the linter (lint.c, finding.c)
 * shares with the rules of each dialect (lint_pg.c, lint_sqlite.c,
 * lint_mysql.c).
 *
 * lint.c picks the revisions and sections, replaces placeholders and
 * runs the dialect's rules; finding.c holds the table of rules, the
 * suppression comments and rt_lint_finding.  A dialect's rules walk the
 * statements of one section and call rt_lint_finding for each dangerous
 * one.  Every finding is located at the first token of its
 * statement, so a `-- retort:lint-ignore RULE` comment right above the
 * statement always applies to it.
 */
#ifndef RT_LINT_H
#define RT_LINT_H

#include "retort_int.h"
#include "sqltext.h"

/*
 * What an upgrade section created, so its downgrade may undo it without
 * a finding: dropping the tables, columns and indexes the same revision
 * added is the point of a downgrade, not an accident.  And what earlier
 * steps of the same direction did that a later step builds on.
 */
typedef struct lint_memory {
	rt_strlist tables;  /* tables the upgrade created */
	rt_strlist columns; /* "table.column" the upgrade added */
	rt_strlist indexes; /* indexes the upgrade created on its new tables */
	rt_strlist validated[2]; /* tables with a VALIDATE CONSTRAINT in an earlier step ([downgrade]) */
} lint_memory;

/* One section being linted. */
typedef struct lint_section {
	const rt_config *cfg;
	const char *dialect;  /* the dialect's name: "sqlite", "postgresql", "mysql" */
	const rt_lexrules *lex; /* its lexical rules */
	const char *sql;      /* placeholders replaced, NUL-terminated */
	size_t len;
	int first_line;       /* file line of sql[0] */
	const char *file;
	const char *revision; /* NULL for rt_lint_sql */
	int downgrade;        /* 0: the upgrade section */
	int transactional;
	int pg_version;       /* [lint] postgres_version, 0: the newest */
	lint_memory *mem;     /* upgrade: filled in; downgrade: read */
	rt_lint_report *out;
	unsigned char *lexmap; /* rt_sql_kind of each byte of sql, made on first need */
} lint_section;

/*
 * Add a finding of rule for the statement whose first token is at
 * line:column, unless a lint-ignore comment above that line names the
 * rule (or "all").  The message is formatted; why and fix come from the
 * rule's entry for the section's dialect.
 */
void rt_lint_finding(lint_section *s, const char *rule, int line, int column,
		 const char *fmt, ...) __attribute__((format(printf, 5, 6)));

/* Is the table (or "table.column", or index) named in a list? */
int rt_lint_listed(const rt_strlist *l, const char *name);

/* The rules of each dialect over one section. */
void rt_lint_pg(lint_section *s);
void rt_lint_sqlite(lint_section *s);
void rt_lint_mysql(lint_section *s);

#endif
