/*
 * test_hints.c - "-- retort:renamed-from OLD" comments in a declared
 * schema: which table or column each one names, whatever the layout
 * (hints.c), and the ones that name nothing, said as warnings.
 */
#include "unit.h"
#include "internal.h"
#include "schema/hints.h"

#include <string.h>

/* The hints of sql as "table.column<-old@line" (table<-old@line for a table), joined by spaces. */
static char *hints_of(const char *sql, rt_strlist *stray)
{
	sm_hints h;
	rt_sm_hints_read(sql, strlen(sql), "schema.sql", &h, stray);
	strbuf sb = STRBUF_INIT;
	for (size_t i = 0; i < h.n; i++)
		rt_strbuf_addf(&sb, "%s%s%s%s%s%s<-%s@%d", i ? " " : "", h.v[i].schema ? h.v[i].schema : "",
			       h.v[i].schema ? "." : "", h.v[i].table, h.v[i].column ? "." : "",
			       h.v[i].column ? h.v[i].column : "", h.v[i].old, h.v[i].line);
	rt_sm_hints_free(&h);
	return rt_strbuf_detach(&sb);
}

static void expect(const char *sql, const char *want, size_t nstray)
{
	rt_strlist stray = { 0 };
	char *got = hints_of(sql, &stray);
	if (strcmp(got, want) || stray.n != nstray) {
		strbuf sb = STRBUF_INIT;
		for (size_t i = 0; i < stray.n; i++)
			rt_strbuf_addf(&sb, "\n  %s", stray.v[i]);
		fail_msg("in:\n%s\nwant: %s (%zu stray)\ngot:  %s (%zu stray)%s", sql, want, nstray, got,
			 stray.n, sb.buf ? sb.buf : "");
	}
	free(got);
	rt_strlist_free(&stray);
}

static void test_columns_and_tables(void **state)
{
	(void)state;
	expect("CREATE TABLE users (\n"
	       "    id INTEGER PRIMARY KEY,\n"
	       "    full_name TEXT NOT NULL, -- retort:renamed-from name\n"
	       "    mail TEXT -- retort:renamed-from email\n"
	       ");\n",
	       "users.full_name<-name@3 users.mail<-email@4", 0);
	/* the table, on the CREATE TABLE line; names quoted and qualified */
	expect("create table app.\"Accounts\" ( -- retort:renamed-from app.users\n"
	       "  \"Full Name\" text, -- retort:renamed-from \"Name\"\n"
	       "  id int primary key\n"
	       ");",
	       "app.Accounts<-users@1 app.Accounts.Full Name<-Name@2", 0);
	/* leading commas, a definition over two lines, a hint after the closing ); */
	expect("CREATE TABLE t (id INT\n"
	       "  , b TEXT -- retort:renamed-from a\n"
	       "  , c NUMERIC(10,\n"
	       "      2) -- retort:renamed-from old_c\n"
	       "  , d INT); -- retort:renamed-from e\n",
	       "t.b<-a@2 t.c<-old_c@4 t.d<-e@5", 0);
	/* [name] and `name` (SQLite), IF NOT EXISTS, TEMP words, block comments */
	/* two columns on the line: the hint follows the last */
	expect("CREATE TABLE t (\n"
	       "  id INT PRIMARY KEY, mail TEXT NOT NULL -- retort:renamed-from email\n"
	       ");",
	       "t.mail<-email@2", 0);

	expect("CREATE TABLE IF NOT EXISTS [t] ([new] INT, /* retort:renamed-from old */\n"
	       " `x` INT -- retort:renamed-from y\n);",
	       "t<-old@1 t.x<-y@2", 0);
}

static void test_what_renames_nothing(void **state)
{
	(void)state;
	/* on a line of its own, on a constraint, outside CREATE TABLE: warnings */
	expect("CREATE TABLE t (\n"
	       "    -- retort:renamed-from a\n"
	       "    b INT,\n"
	       "    PRIMARY KEY (b) -- retort:renamed-from k\n"
	       ");\n"
	       "-- retort:renamed-from u\n"
	       "CREATE INDEX i ON t (b); -- retort:renamed-from j\n",
	       "", 4);
	/* not a hint: in a string, another word, no name */
	expect("CREATE TABLE t (a TEXT DEFAULT '-- retort:renamed-from x', -- retort:renamed-fromage b\n"
	       " c INT -- retort:renamed-from\n);",
	       "", 0);
	/* $$ bodies and E'' strings do not hide the end of a statement */
	expect("CREATE FUNCTION f() RETURNS int AS $$ SELECT 1; $$ LANGUAGE sql;\n"
	       "CREATE TABLE t (s text DEFAULT E'it\\'s',\n n int -- retort:renamed-from m\n);",
	       "t.n<-m@3", 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_columns_and_tables),
		cmocka_unit_test(test_what_renames_nothing),
	};
	return cmocka_run_group_tests_name("hints", tests, NULL, NULL);
}
