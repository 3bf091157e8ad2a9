/*
 * introspect.c - the schema of a MySQL or MariaDB database, read back
 * from the server itself.
 *
 * Tables come from SHOW CREATE TABLE, which renders every column, key,
 * foreign key and check on a line of its own in the server's canonical
 * form (types, defaults, ON UPDATE, generated columns, character sets and
 * collations, prefix lengths, FULLTEXT and SPATIAL keys), and the table
 * options and partitioning after them.  Each line becomes one element of
 * the model with that text as its definition: two tables are equal
 * exactly when the server renders them alike, and the diff (diff.c) can
 * write the lines back as they are.  AUTO_INCREMENT=N is left out of the
 * options: it is data, not schema.
 *
 * Views, triggers and routines come from information_schema and SHOW
 * CREATE; DEFINER clauses and the database's own name in qualified names
 * are left out, so a schema read from a scratch database equals the one
 * read from the real one.  Events are listed as not compared.
 */
#include "internal.h"
#include "dialect/dialect.h"
#include "dialect/mysql/mysql_internal.h"
#include "schema/model.h"

#include <ctype.h>
#include <string.h>

typedef struct my_intro {
	rt_conn *c;
	const rt_dialect *d;
	char *db;
	const char *version_table;
	char *history_table;
	char *progress_table;
	sm_schema *s;
} my_intro;

/* Collect one column of every row. */
static int collect(void *ud, int n, const char *const *v)
{
	if (n > 0 && v[0])
		rt_strlist_push(ud, v[0]);
	return 0;
}

typedef struct pair {
	char *a, *b;
} pair;

/* The second column of the first row. */
static int second(void *ud, int n, const char *const *v)
{
	pair *p = ud;
	if (n > 1 && !p->b) {
		p->a = rt_xstrdup_or_null(v[0]);
		p->b = rt_xstrdup_or_null(v[1]);
	}
	return 1;
}

/* `name` with backticks doubled, into sb (for SHOW statements). */
static void quoted(strbuf *sb, const char *name)
{
	rt_my_quote_ident(sb, name);
}

/* The unquoted name of the `quoted` identifier at *p, moving *p past it. */
static char *read_ident(const char **p)
{
	const char *s = *p;
	if (*s != '`') {
		const char *e = s;
		while (*e && !isspace((unsigned char)*e) && *e != '(' && *e != ',')
			e++;
		*p = e;
		return rt_xstrndup(s, (size_t)(e - s));
	}
	strbuf sb = STRBUF_INIT;
	for (s++; *s; s++) {
		if (*s == '`') {
			if (s[1] == '`') {
				rt_strbuf_addc(&sb, '`');
				s++;
				continue;
			}
			s++;
			break;
		}
		rt_strbuf_addc(&sb, *s);
	}
	*p = s;
	return rt_strbuf_detach(&sb);
}

/* The names of a "(`a`,`b`(10))" list at p (prefix lengths left out). */
static void read_cols(const char *p, char ***v, size_t *n)
{
	p = strchr(p, '(');
	if (!p)
		return;
	p++;
	while (*p && *p != ')') {
		while (*p == ' ' || *p == ',')
			p++;
		if (*p == ')' || !*p)
			break;
		char *name = read_ident(&p);
		rt_sm_strv_push(v, n, name);
		free(name);
		if (*p == '(') { /* a prefix length */
			while (*p && *p != ')')
				p++;
			if (*p)
				p++;
		}
		while (*p && *p != ',' && *p != ')')
			p++;
	}
}

/* Remove every "`db`." from s, in place: names qualified with the database itself. */
static void unqualify(char *s, const char *db)
{
	strbuf pat = STRBUF_INIT;
	quoted(&pat, db);
	rt_strbuf_addc(&pat, '.');
	char *hit;
	while ((hit = strstr(s, pat.buf)))
		memmove(hit, hit + pat.len, strlen(hit + pat.len) + 1);
	rt_strbuf_release(&pat);
}

/* Remove " DEFINER=`u`@`h`" (or at the start, "DEFINER=... ") from s, in place. */
static void no_definer(char *s)
{
	char *d = strstr(s, "DEFINER=");
	if (!d)
		return;
	const char *p = d + 8;
	free(read_ident(&p));
	if (*p == '@') {
		p++;
		free(read_ident(&p));
	}
	while (*p == ' ')
		p++;
	memmove(d, p, strlen(p) + 1);
}

/* "AUTO_INCREMENT=123 " out of a table's options: data, not schema. */
static void no_auto_increment(char *s)
{
	char *a = strstr(s, "AUTO_INCREMENT=");
	if (!a)
		return;
	const char *p = a + 15;
	while (isdigit((unsigned char)*p))
		p++;
	while (*p == ' ')
		p++;
	memmove(a, p, strlen(p) + 1);
	size_t n = strlen(s);
	while (n && s[n - 1] == ' ')
		s[--n] = '\0';
}

/* Does text hold word (as a whole, in any case) outside quotes? */
static int has_word(const char *text, const char *word)
{
	size_t n = strlen(word);
	char q = 0;
	for (const char *p = text; *p; p++) {
		if (q) {
			if (*p == q)
				q = 0;
			continue;
		}
		if (*p == '\'' || *p == '`' || *p == '"') {
			q = *p;
			continue;
		}
		if (!strncasecmp(p, word, n) && (p == text || !isalnum((unsigned char)p[-1])) &&
		    !isalnum((unsigned char)p[n]) && p[n] != '_')
			return 1;
	}
	return 0;
}

/* One line of SHOW CREATE TABLE's list: a column, key, foreign key or check. */
static void table_item(sm_table *t, const char *line)
{
	const char *p = line;
	if (*p == '`') {
		sm_column *c = rt_sm_add_column(t);
		c->name = read_ident(&p);
		while (*p == ' ')
			p++;
		c->type = rt_xstrdup(p);
		c->notnull = has_word(p, "NOT NULL");
		c->def = has_word(p, "DEFAULT") ? rt_xstrdup(p) : NULL;
		c->generated = has_word(p, "GENERATED") || strstr(p, " AS (") ? rt_xstrdup(p) : NULL;
		c->identity = has_word(p, "AUTO_INCREMENT") ? 'd' : 0;
		return;
	}
	if (!strncmp(p, "PRIMARY KEY", 11)) {
		sm_constraint *k = rt_sm_add_constraint(t);
		k->kind = SM_PRIMARY;
		k->name = rt_xstrdup("PRIMARY");
		k->def = rt_xstrdup(line);
		read_cols(p, &k->cols, &k->ncols);
		return;
	}
	if (!strncmp(p, "UNIQUE KEY ", 11) || !strncmp(p, "UNIQUE INDEX ", 13)) {
		sm_constraint *k = rt_sm_add_constraint(t);
		k->kind = SM_UNIQUE;
		p = strchr(p, '`') ? strchr(p, '`') : p + 11;
		k->name = read_ident(&p);
		k->def = rt_xstrdup(line);
		read_cols(p, &k->cols, &k->ncols);
		return;
	}
	if (!strncmp(p, "CONSTRAINT ", 11)) {
		sm_constraint *k = rt_sm_add_constraint(t);
		p += 11;
		k->name = read_ident(&p);
		while (*p == ' ')
			p++;
		k->def = rt_xstrdup(line);
		if (!strncmp(p, "FOREIGN KEY", 11)) {
			k->kind = SM_FOREIGN;
			read_cols(p, &k->cols, &k->ncols);
			const char *r = strstr(p, "REFERENCES ");
			if (r) {
				r += 11;
				k->ref_table = read_ident(&r);
				if (*r == '.') { /* another database's table */
					r++;
					free(k->ref_table);
					k->ref_table = read_ident(&r);
				}
				read_cols(r, &k->ref_cols, &k->nref_cols);
			}
		} else {
			k->kind = SM_CHECK;
		}
		return;
	}
	/* KEY, FULLTEXT KEY, SPATIAL KEY, VECTOR ... */
	sm_index *x = rt_sm_add_index(t);
	const char *q = strchr(p, '`');
	x->name = q ? read_ident(&q) : rt_xstrdup(p);
	x->def = rt_xstrdup(line);
}

/*
 * SHOW CREATE TABLE, line by line: "CREATE TABLE `t` (", the items, ")
 * options", then partitioning lines, which join the options.
 */
static int read_table(my_intro *x, const char *name, rt_error *err)
{
	strbuf sql = STRBUF_INIT;
	rt_strbuf_adds(&sql, "SHOW CREATE TABLE ");
	quoted(&sql, name);
	pair p = { 0 };
	int rc = x->d->query(x->c, sql.buf, second, &p, err);
	rt_strbuf_release(&sql);
	if (rc < 0 || !p.b) {
		free(p.a);
		free(p.b);
		return rc;
	}
	sm_table *t = rt_sm_add_table(x->s);
	t->name = rt_xstrdup(name);
	strbuf opts = STRBUF_INIT;
	int in_list = 0, after = 0;
	for (char *line = strtok(p.b, "\n"); line; line = strtok(NULL, "\n")) {
		if (!in_list && !after) {
			in_list = 1; /* CREATE TABLE `t` ( */
			continue;
		}
		if (in_list && line[0] == ')') {
			in_list = 0;
			after = 1;
			const char *o = line + 1;
			while (*o == ' ')
				o++;
			rt_strbuf_adds(&opts, o);
			continue;
		}
		if (in_list) {
			while (*line == ' ')
				line++;
			size_t n = strlen(line);
			if (n && line[n - 1] == ',')
				line[--n] = '\0';
			table_item(t, line);
			continue;
		}
		rt_strbuf_addf(&opts, "\n%s", line); /* partitioning */
	}
	char *o = rt_strbuf_detach(&opts);
	no_auto_increment(o);
	t->options = o;
	free(p.a);
	free(p.b);
	return 0;
}

/* Names of retort's own tables are not the application's schema. */
static int own_table(const my_intro *x, const char *name)
{
	return !strcmp(name, x->version_table) || !strcmp(name, x->history_table) ||
	       !strcmp(name, x->progress_table);
}

/* The names "`a`" a definition mentions that are tables or views of the schema: its dependencies. */
static void find_deps(const sm_schema *s, const char *def, char ***v, size_t *n)
{
	for (const char *p = strchr(def, '`'); p; p = strchr(p, '`')) {
		const char *q = p;
		char *name = read_ident(&q);
		int known = rt_sm_find_table(s, NULL, name) || rt_sm_find_view(s, NULL, name);
		int dup = 0;
		for (size_t i = 0; i < *n && !dup; i++)
			dup = !strcmp((*v)[i], name);
		if (known && !dup)
			rt_sm_strv_push(v, n, name);
		free(name);
		p = q;
	}
}

/*
 * information_schema.views: name, definition, check option, security
 * (the algorithm is not there on MySQL: left to the server's choice).
 */
static int view_cb(void *ud, int n, const char *const *v)
{
	my_intro *x = ud;
	if (n < 5 || !v[0])
		return 0;
	sm_view *w = rt_sm_add_view(x->s);
	w->name = rt_xstrdup(v[0]);
	char *body = rt_xstrdup(v[1] ? v[1] : "");
	unqualify(body, x->db);
	strbuf def = STRBUF_INIT;
	rt_strbuf_adds(&def, "CREATE OR REPLACE");
	if (v[4] && strcmp(v[4], "UNDEFINED"))
		rt_strbuf_addf(&def, " ALGORITHM=%s", v[4]);
	if (v[3] && strcmp(v[3], "DEFINER"))
		rt_strbuf_addf(&def, " SQL SECURITY %s", v[3]);
	rt_strbuf_adds(&def, " VIEW ");
	quoted(&def, w->name);
	rt_strbuf_addf(&def, " AS %s", body);
	if (v[2] && strcmp(v[2], "NONE"))
		rt_strbuf_addf(&def, " WITH %s CHECK OPTION", v[2]);
	w->def = rt_strbuf_detach(&def);
	free(body);
	return 0;
}

/* information_schema.triggers: name, table, timing, event, statement, order. */
static int trigger_cb(void *ud, int n, const char *const *v)
{
	my_intro *x = ud;
	if (n < 5 || !v[0] || !v[1])
		return 0;
	sm_table *t = rt_sm_find_table(x->s, NULL, v[1]);
	if (!t)
		return 0;
	sm_trigger *g = rt_sm_add_trigger(t);
	g->name = rt_xstrdup(v[0]);
	char *body = rt_xstrdup(v[4] ? v[4] : "");
	unqualify(body, x->db);
	strbuf def = STRBUF_INIT;
	rt_strbuf_adds(&def, "CREATE TRIGGER ");
	quoted(&def, g->name);
	rt_strbuf_addf(&def, " %s %s ON ", v[2], v[3]);
	quoted(&def, v[1]);
	rt_strbuf_addf(&def, " FOR EACH ROW %s", body);
	g->def = rt_strbuf_detach(&def);
	free(body);
	return 0;
}

/* Third column of SHOW CREATE PROCEDURE/FUNCTION: the statement. */
static int third_cb(void *ud, int n, const char *const *v)
{
	char **out = ud;
	if (n > 2 && v[2] && !*out)
		*out = rt_xstrdup(v[2]);
	return 1;
}

static int routines(my_intro *x, rt_error *err)
{
	rt_strlist names = { 0 };
	int rc = x->d->query(x->c,
		"SELECT CONCAT(routine_type, ' ', routine_name) FROM information_schema.routines "
		"WHERE routine_schema = DATABASE() ORDER BY 1", collect, &names, err);
	for (size_t i = 0; rc == 0 && i < names.n; i++) {
		const char *sp = strchr(names.v[i], ' ');
		char *kind = rt_xstrndup(names.v[i], (size_t)(sp - names.v[i]));
		const char *name = sp + 1;
		strbuf sql = STRBUF_INIT;
		rt_strbuf_addf(&sql, "SHOW CREATE %s ", kind);
		quoted(&sql, name);
		char *text = NULL;
		rc = x->d->query(x->c, sql.buf, third_cb, &text, err);
		rt_strbuf_release(&sql);
		if (rc == 0 && text) {
			no_definer(text);
			unqualify(text, x->db);
			sm_function *f = rt_sm_add_function(x->s);
			f->name = rt_xstrdup(name);
			f->identity = rt_xasprintf("%s %s", kind, name);
			f->def = text;
			find_deps(x->s, text, &f->deps, &f->ndeps);
		} else {
			free(text);
		}
		free(kind);
	}
	rt_strlist_free(&names);
	return rc;
}

/* See dialect.h: the whole schema of the connection's database. */
int rt_mysql_introspect(rt_conn *c, const rt_config *cfg, sm_schema **out, rt_error *err)
{
	my_intro x = { .c = c, .d = rt_conn_dialect(c) };
	x.version_table = cfg && cfg->version_table ? cfg->version_table : "retort_version";
	x.history_table = rt_xasprintf("%s_history", x.version_table);
	x.progress_table = rt_xasprintf("%s_progress", x.version_table);
	x.s = rt_sm_new();
	rt_strlist names = { 0 };
	rt_strlist db = { 0 };
	int rc = x.d->query(c, "SELECT DATABASE()", collect, &db, err);
	x.db = rt_xstrdup(db.n ? db.v[0] : "");
	rt_strlist_free(&db);
	if (rc == 0)
		rc = x.d->query(c, "SELECT table_name FROM information_schema.tables WHERE table_schema = DATABASE() "
				   "AND table_type IN ('BASE TABLE', 'SYSTEM VERSIONED') ORDER BY 1", collect, &names, err);
	for (size_t i = 0; rc == 0 && i < names.n; i++)
		if (!own_table(&x, names.v[i]))
			rc = read_table(&x, names.v[i], err);
	rt_strlist_free(&names);
	if (rc == 0)
		rc = x.d->query(c, "SELECT table_name, view_definition, check_option, security_type, "
				   "'UNDEFINED' "
				   "FROM information_schema.views WHERE table_schema = DATABASE() ORDER BY 1",
				view_cb, &x, err);
	for (size_t i = 0; rc == 0 && i < x.s->nviews; i++)
		find_deps(x.s, x.s->views[i].def, &x.s->views[i].deps, &x.s->views[i].ndeps);
	if (rc == 0)
		rc = x.d->query(c, "SELECT trigger_name, event_object_table, action_timing, event_manipulation, "
				   "action_statement FROM information_schema.triggers "
				   "WHERE trigger_schema = DATABASE() ORDER BY event_object_table, action_order",
				trigger_cb, &x, err);
	if (rc == 0)
		rc = routines(&x, err);
	if (rc == 0) {
		rt_strlist ev = { 0 };
		rc = x.d->query(c, "SELECT event_name FROM information_schema.events WHERE event_schema = DATABASE() ORDER BY 1",
				collect, &ev, err);
		for (size_t i = 0; rc == 0 && i < ev.n; i++) {
			char *what = rt_xasprintf("event %s", ev.v[i]);
			rt_sm_add_unsupported(x.s, what);
			free(what);
		}
		rt_strlist_free(&ev);
	}
	free(x.db);
	free(x.history_table);
	free(x.progress_table);
	if (rc < 0) {
		rt_sm_free(x.s);
		return -1;
	}
	rt_sm_sort(x.s);
	*out = x.s;
	return 0;
}
