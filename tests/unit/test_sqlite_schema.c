/*
 * test_sqlite_schema.c - the SQLite schema model, its diff and the SQL
 * the diff generates, on real SQLite databases.
 *
 * Every round trip works the same way: schema A and schema B are loaded
 * into two database files and read back through the catalog; the diff
 * A -> B is applied to A's database (all statements in one transaction,
 * through sqlite3 directly) and the result read back must be exactly B;
 * the diff B -> A applied then must give exactly A.  Rows put in before
 * the upgrade show what survives rebuilds.  The real schemas of
 * ../shared/schemas go from empty to full and back; the synapse pair goes
 * from version 54 to 72 and back.
 */
#include "unit.h"
#include "internal.h"
#include "dialect/dialect.h"
#include "dialect/sqlite/sqlite_internal.h"
#include "schema/model.h"
#include "schema/ops.h"

#include <dirent.h>
#include <sqlite3.h>
#include <sys/stat.h>
#include <unistd.h>

static char tmpdir[64];
static int ndb;
/* column_order = strict for the diffs and comparisons of the running test */
static int strict_order;

static unsigned cmp_flags(void)
{
	return strict_order ? SM_CMP_COLUMN_ORDER : 0;
}

/*
 * Where the shared real-world schemas are ($RETORT_TEST_SCHEMAS overrides,
 * as in test_pg_schema). A missing corpus fails the test, naming the
 * variable: skipping would let a run pass without its real schemas.
 */
static const char *schemas_dir(void)
{
	const char *d = getenv("RETORT_TEST_SCHEMAS");
	return d && *d ? d : "../shared/schemas";
}

/* Fail the running test because the corpus path is missing (frees it). */
static void corpus_missing(char *path)
{
	char msg[512];
	snprintf(msg, sizeof(msg), "%s is missing (RETORT_TEST_SCHEMAS names the corpus)", path);
	free(path);
	fail_msg("%s", msg);
}

/* A fresh database file name in the run's directory. */
static char *new_db(void)
{
	return rt_xasprintf("%s/db%d.sqlite", tmpdir, ++ndb);
}

static void remove_db(char *path)
{
	static const char *const suffixes[] = { "", "-journal", "-wal", "-shm", NULL };
	for (int i = 0; suffixes[i]; i++) {
		char *p = rt_xasprintf("%s%s", path, suffixes[i]);
		unlink(p);
		free(p);
	}
	free(path);
}

static sqlite3 *open_db(const char *path)
{
	sqlite3 *db = NULL;
	if (sqlite3_open(path, &db) != SQLITE_OK)
		fail_msg("cannot open %s", path);
	sqlite3_exec(db, "PRAGMA synchronous = OFF", NULL, NULL, NULL);
	return db;
}

/* Run SQL text (any number of statements); the test fails on error. */
static void run_sql(const char *path, const char *sql)
{
	sqlite3 *db = open_db(path);
	char *msg = NULL;
	if (sqlite3_exec(db, sql, NULL, NULL, &msg) != SQLITE_OK) {
		char *copy = rt_xasprintf("%s", msg ? msg : "?");
		sqlite3_free(msg);
		sqlite3_close(db);
		fail_msg("%s: %s\nin: %s", path, copy, sql);
	}
	sqlite3_close(db);
}

static int first_value(void *ud, int n, char **vals, char **names)
{
	(void)names;
	char **out = ud;
	if (!*out)
		*out = rt_xasprintf("%s", n && vals[0] ? vals[0] : "NULL");
	return 0;
}

/* The first value of a query's first row ("" when there is no row). */
static char *query1(const char *path, const char *sql)
{
	sqlite3 *db = open_db(path);
	char *out = NULL, *msg = NULL;
	if (sqlite3_exec(db, sql, first_value, &out, &msg) != SQLITE_OK) {
		char *copy = rt_xasprintf("%s", msg ? msg : "?");
		sqlite3_free(msg);
		sqlite3_close(db);
		fail_msg("%s: %s\nin: %s", path, copy, sql);
	}
	sqlite3_close(db);
	return out ? out : rt_xstrdup("");
}

/* Read a database's schema through the dialect, as retort does. */
static sm_schema *introspect(const char *path)
{
	rt_config *cfg = rt_config_new(tmpdir);
	free(cfg->url);
	cfg->url = rt_xasprintf("sqlite:///%s", path);
	rt_error err = { 0 };
	int missing;
	rt_conn *c = rt_dialect_sqlite.connect(cfg, 1, &missing, &err);
	if (!c)
		fail_msg("connect %s: %s", path, err.message ? err.message : "missing");
	sm_schema *s = NULL;
	if (rt_dialect_sqlite.introspect(c, cfg, &s, &err) < 0)
		fail_msg("introspect %s: %s", path, err.message);
	rt_dialect_sqlite.disconnect(c);
	rt_config_free(cfg);
	return s;
}

/* The operations as text, for failure messages and logs. */
static char *ops_text(const sm_ops *ops)
{
	strbuf sb = STRBUF_INIT;
	for (size_t i = 0; i < ops->n; i++) {
		rt_strbuf_addf(&sb, "-- %s%s%s\n", ops->v[i].what,
			    ops->v[i].note ? " / " : "",
			    ops->v[i].note ? ops->v[i].note : "");
		for (size_t j = 0; j < ops->v[i].sql.n; j++)
			rt_strbuf_addf(&sb, "%s;\n", ops->v[i].sql.v[j]);
	}
	return rt_strbuf_detach(&sb);
}

static sm_ops diff(const sm_schema *a, const sm_schema *b)
{
	sm_ops ops = { 0 };
	rt_error err = { 0 };
	sm_diff_opts opts = { .column_order_strict = strict_order };
	if (rt_dialect_sqlite.diff(a, b, &opts, &ops, &err) < 0)
		fail_msg("diff: %s", err.message);
	return ops;
}

/* Every statement of the operations, in one transaction, as a migration runs. */
static void apply(const char *path, const sm_ops *ops)
{
	sqlite3 *db = open_db(path);
	sqlite3_exec(db, "BEGIN IMMEDIATE", NULL, NULL, NULL);
	for (size_t i = 0; i < ops->n; i++)
		for (size_t j = 0; j < ops->v[i].sql.n; j++) {
			char *msg = NULL;
			if (sqlite3_exec(db, ops->v[i].sql.v[j], NULL, NULL, &msg) == SQLITE_OK)
				continue;
			char *all = ops_text(ops);
			char *copy = rt_xasprintf("%s", msg ? msg : "?");
			sqlite3_free(msg);
			sqlite3_close(db);
			fail_msg("%s\nin: %s\nof:\n%s", copy, ops->v[i].sql.v[j], all);
		}
	if (sqlite3_exec(db, "COMMIT", NULL, NULL, NULL) != SQLITE_OK)
		fail_msg("commit: %s", sqlite3_errmsg(db));
	sqlite3_close(db);
}

/* The two models must be equal; else show the differences and the SQL. */
static void assert_same(const sm_schema *got, const sm_schema *want,
			const char *what, const sm_ops *ops)
{
	strbuf sb = STRBUF_INIT;
	if (rt_sm_compare(want, got, cmp_flags(), &sb) == 0) {
		rt_strbuf_release(&sb);
		return;
	}
	char *sql = ops ? ops_text(ops) : rt_xstrdup("");
	fail_msg("%s: differences (wanted -> got):\n%s\nSQL:\n%s", what, sb.buf, sql);
}

/* Is there an operation whose description starts with prefix? */
static int has_op(const sm_ops *ops, const char *prefix)
{
	for (size_t i = 0; i < ops->n; i++)
		if (!strncmp(ops->v[i].what, prefix, strlen(prefix)))
			return 1;
	return 0;
}

static void assert_op(const sm_ops *ops, const char *prefix)
{
	if (prefix && !has_op(ops, prefix)) {
		char *all = ops_text(ops);
		fail_msg("no operation \"%s...\" in:\n%s", prefix, all);
	}
}

static void assert_no_op(const sm_ops *ops, const char *prefix)
{
	if (prefix && has_op(ops, prefix)) {
		char *all = ops_text(ops);
		fail_msg("unexpected operation \"%s...\" in:\n%s", prefix, all);
	}
}

/* The database is sound: integrity and foreign keys. */
static void assert_sound(const char *path)
{
	char *ok = query1(path, "PRAGMA integrity_check");
	assert_string_equal(ok, "ok");
	free(ok);
	char *fk = query1(path, "SELECT count(*) FROM pragma_foreign_key_check");
	assert_string_equal(fk, "0");
	free(fk);
}

/* A round trip between two schemas, with rows and what must hold. */
typedef struct trip {
	const char *before, *after; /* the two schemas */
	const char *rows;           /* put into the old database first */
	const char *check;          /* a query with one value ... */
	const char *want_up;        /* ... after the upgrade */
	const char *want_down;      /* ... after the downgrade (NULL: not checked) */
	const char *up_op;          /* an operation the upgrade must have */
	const char *down_op;        /* an operation the downgrade must have */
	const char *not_up;         /* an operation the upgrade must not have */
} trip;

static void check_value(const char *path, const char *sql, const char *want,
			const char *when)
{
	if (!sql || !want)
		return;
	char *got = query1(path, sql);
	if (strcmp(got, want))
		fail_msg("%s: %s gave \"%s\", want \"%s\"", when, sql, got, want);
	free(got);
}

static void roundtrip(const trip *t)
{
	char *pa = new_db(), *pb = new_db();
	run_sql(pa, t->before);
	run_sql(pb, t->after);
	sm_schema *a = introspect(pa), *b = introspect(pb);
	if (t->rows)
		run_sql(pa, t->rows);
	sm_ops up = diff(a, b);
	assert_op(&up, t->up_op);
	assert_no_op(&up, t->not_up);
	apply(pa, &up);
	sm_schema *got = introspect(pa);
	assert_same(got, b, "upgrade", &up);
	check_value(pa, t->check, t->want_up, "after the upgrade");
	assert_sound(pa);
	rt_sm_free(got);
	sm_ops down = diff(b, a);
	assert_op(&down, t->down_op);
	apply(pa, &down);
	got = introspect(pa);
	assert_same(got, a, "downgrade", &down);
	check_value(pa, t->check, t->want_down, "after the downgrade");
	assert_sound(pa);
	rt_sm_free(got);
	rt_sm_ops_free(&up);
	rt_sm_ops_free(&down);
	rt_sm_free(a);
	rt_sm_free(b);
	remove_db(pa);
	remove_db(pb);
}

/* Two texts of one schema: no differences, no operations. */
static void assert_equal_schemas(const char *x, const char *y)
{
	char *pa = new_db(), *pb = new_db();
	run_sql(pa, x);
	run_sql(pb, y);
	sm_schema *a = introspect(pa), *b = introspect(pb);
	assert_same(b, a, "the same schema written two ways", NULL);
	sm_ops ops = diff(a, b);
	if (ops.n)
		fail_msg("operations between equal schemas:\n%s", ops_text(&ops));
	rt_sm_ops_free(&ops);
	rt_sm_free(a);
	rt_sm_free(b);
	remove_db(pa);
	remove_db(pb);
}

/* Two texts that differ: the model must see it. */
static void assert_different(const char *x, const char *y)
{
	char *pa = new_db(), *pb = new_db();
	run_sql(pa, x);
	run_sql(pb, y);
	sm_schema *a = introspect(pa), *b = introspect(pb);
	if (rt_sm_compare(a, b, SM_CMP_COLUMN_ORDER, NULL) == 0)
		fail_msg("no difference seen between\n%s\nand\n%s", x, y);
	rt_sm_free(a);
	rt_sm_free(b);
	remove_db(pa);
	remove_db(pb);
}

/* ------------------------------------------------------------------ */
/* (a) the model: equal schemas written differently, real differences   */
/* ------------------------------------------------------------------ */

static void test_written_two_ways(void **state)
{
	(void)state;
	assert_equal_schemas(
		"CREATE TABLE users (id INTEGER PRIMARY KEY, name TEXT NOT NULL DEFAULT 'x',"
		" email VARCHAR(100) COLLATE NOCASE UNIQUE, age INT CHECK (age >= 0),"
		" team INT REFERENCES teams(id) ON DELETE CASCADE);"
		"CREATE TABLE teams (id INTEGER PRIMARY KEY, title TEXT);"
		"CREATE INDEX users_name ON users (name) WHERE age > 18;"
		"CREATE VIEW adults AS SELECT name, age FROM users WHERE age >= 18;"
		"CREATE TRIGGER users_ai AFTER INSERT ON users BEGIN UPDATE teams SET title = title WHERE id = NEW.team; END;",
		"-- the same, in another hand\n"
		"create table teams(id integer primary key,   title text);\n"
		"create table \"users\" (\n"
		"  id integer primary key,  -- the key\n"
		"  [name] text default 'x' not null,\n"
		"  email varchar(100) unique collate nocase,\n"
		"  age int, /* a comment */\n"
		"  `team` int,\n"
		"  check(age>=0),\n"
		"  foreign key (team) references teams (id) on delete cascade\n"
		");\n"
		"create index users_name on users(name) where age>18;\n"
		"create view adults as\n  select name, age\n  from users\n  where age >= 18;\n"
		"create trigger users_ai after insert on users begin\n"
		"  update teams set title = title where id = new.team;\nend;\n");
	/* ADD COLUMN writes the column into the text: the same table. */
	assert_equal_schemas("CREATE TABLE t (a INT, b TEXT DEFAULT 'q', UNIQUE (a));",
			     "CREATE TABLE t (a INT, UNIQUE (a)); ALTER TABLE t ADD COLUMN b TEXT DEFAULT 'q';");
	/* DEFAULT NULL is no default; COLLATE BINARY is the default collation. */
	assert_equal_schemas("CREATE TABLE t (a TEXT DEFAULT NULL COLLATE BINARY, b)",
			     "CREATE TABLE t (a TEXT, b)");
	/* A rowid table's key written on the column or for the table. */
	assert_equal_schemas("CREATE TABLE t (id INTEGER PRIMARY KEY, v)",
			     "CREATE TABLE t (id INTEGER, v, PRIMARY KEY (id))");
	/* Only DEFERRABLE INITIALLY DEFERRED defers a foreign key. */
	assert_equal_schemas("CREATE TABLE p (id INTEGER PRIMARY KEY); CREATE TABLE t (a REFERENCES p (id) ON DELETE SET NULL DEFERRABLE INITIALLY IMMEDIATE)",
			     "CREATE TABLE p (id INTEGER PRIMARY KEY); CREATE TABLE t (a REFERENCES p (id) ON DELETE SET NULL NOT DEFERRABLE)");
	/* retort's own tables are not part of the schema. */
	assert_equal_schemas("CREATE TABLE t (a)",
			     "CREATE TABLE t (a); CREATE TABLE retort_version (version_num VARCHAR(32) NOT NULL PRIMARY KEY);"
			     "CREATE TABLE retort_version_history (id INTEGER PRIMARY KEY);");
}

static void test_real_differences(void **state)
{
	(void)state;
	static const char *const pairs[][2] = {
		{ "CREATE TABLE t (a INT)", "CREATE TABLE t (a TEXT)" },
		{ "CREATE TABLE t (a INT)", "CREATE TABLE t (a INT NOT NULL)" },
		{ "CREATE TABLE t (a INT DEFAULT 1)", "CREATE TABLE t (a INT DEFAULT 2)" },
		{ "CREATE TABLE t (a TEXT)", "CREATE TABLE t (a TEXT COLLATE NOCASE)" },
		{ "CREATE TABLE t (a INT CHECK (a > 0))", "CREATE TABLE t (a INT CHECK (a > 1))" },
		{ "CREATE TABLE t (a INT, CHECK (a > 0))", "CREATE TABLE t (a INT, CONSTRAINT pos CHECK (a > 0))" },
		{ "CREATE TABLE t (a INT, b INT)", "CREATE TABLE t (b INT, a INT)" },
		{ "CREATE TABLE t (a INT PRIMARY KEY)", "CREATE TABLE t (a INT UNIQUE)" },
		{ "CREATE TABLE t (a INT PRIMARY KEY, b)", "CREATE TABLE t (a INT PRIMARY KEY, b) WITHOUT ROWID" },
		{ "CREATE TABLE t (a INTEGER PRIMARY KEY)", "CREATE TABLE t (a INTEGER PRIMARY KEY AUTOINCREMENT)" },
		{ "CREATE TABLE t (a INTEGER PRIMARY KEY)", "CREATE TABLE t (a INTEGER PRIMARY KEY DESC)" },
		{ "CREATE TABLE t (a INT) STRICT", "CREATE TABLE t (a INT)" },
		{ "CREATE TABLE t (a, b AS (a + 1))", "CREATE TABLE t (a, b AS (a + 2))" },
		{ "CREATE TABLE t (a, b AS (a + 1))", "CREATE TABLE t (a, b AS (a + 1) STORED)" },
		{ "CREATE TABLE p (id INTEGER PRIMARY KEY); CREATE TABLE t (a REFERENCES p (id))",
		  "CREATE TABLE p (id INTEGER PRIMARY KEY); CREATE TABLE t (a REFERENCES p (id) ON DELETE CASCADE)" },
		{ "CREATE TABLE p (id INTEGER PRIMARY KEY); CREATE TABLE t (a REFERENCES p (id))",
		  "CREATE TABLE p (id INTEGER PRIMARY KEY); CREATE TABLE t (a REFERENCES p (id) DEFERRABLE INITIALLY DEFERRED)" },
		{ "CREATE TABLE p (id INTEGER PRIMARY KEY); CREATE TABLE t (a REFERENCES p (id) ON DELETE SET NULL MATCH FULL)",
		  "CREATE TABLE p (id INTEGER PRIMARY KEY); CREATE TABLE t (a REFERENCES p (id) ON DELETE SET NULL MATCH FULL DEFERRABLE INITIALLY DEFERRED)" },
		{ "CREATE TABLE p (id INTEGER PRIMARY KEY); CREATE TABLE t (a, FOREIGN KEY (a) REFERENCES p ON UPDATE NO ACTION DEFERRABLE INITIALLY IMMEDIATE)",
		  "CREATE TABLE p (id INTEGER PRIMARY KEY); CREATE TABLE t (a, FOREIGN KEY (a) REFERENCES p ON UPDATE NO ACTION DEFERRABLE INITIALLY DEFERRED)" },
		{ "CREATE TABLE t (a UNIQUE)", "CREATE TABLE t (a UNIQUE ON CONFLICT REPLACE)" },
		{ "CREATE TABLE t (a NOT NULL)", "CREATE TABLE t (a NOT NULL ON CONFLICT IGNORE)" },
		{ "CREATE TABLE t (a); CREATE INDEX i ON t (a)", "CREATE TABLE t (a); CREATE INDEX i ON t (a DESC)" },
		{ "CREATE TABLE t (a); CREATE INDEX i ON t (a)", "CREATE TABLE t (a); CREATE UNIQUE INDEX i ON t (a)" },
		{ "CREATE TABLE t (a); CREATE VIEW v AS SELECT a FROM t", "CREATE TABLE t (a); CREATE VIEW v AS SELECT a AS b FROM t" },
		{ "CREATE VIRTUAL TABLE f USING fts5(a)", "CREATE VIRTUAL TABLE f USING fts5(a, b)" },
	};
	for (size_t i = 0; i < sizeof(pairs) / sizeof(pairs[0]); i++)
		assert_different(pairs[i][0], pairs[i][1]);
}

/*
 * One model as SQLAlchemy, Django and Rails write its DDL for SQLite and as
 * people write it by hand: users, categories, posts with foreign keys, an
 * index, an enum (SQLAlchemy: VARCHAR + the default).  Each pair means the
 * same schema: no difference, no operation.
 */
static void test_orm_spellings(void **state)
{
	(void)state;
	/* SQLAlchemy 1.4's CreateTable/CreateIndex for the sqlite dialect */
	static const char *const sqlalchemy =
		"CREATE TABLE categories (\n\tid INTEGER NOT NULL, \n\tname VARCHAR(80) NOT NULL, \n\tPRIMARY KEY (id)\n);\n"
		"CREATE TABLE users (\n\tid INTEGER NOT NULL, \n\tusername VARCHAR(50) NOT NULL, \n"
		"\temail VARCHAR(120) NOT NULL, \n\tis_active BOOLEAN DEFAULT '1', \n"
		"\tcreated_at DATETIME DEFAULT (CURRENT_TIMESTAMP), \n\tPRIMARY KEY (id), \n"
		"\tUNIQUE (username), \n\tUNIQUE (email)\n);\n"
		"CREATE TABLE posts (\n\tid INTEGER NOT NULL, \n\ttitle VARCHAR(200) NOT NULL, \n\tbody TEXT, \n"
		"\tprice NUMERIC(10, 2), \n\tstatus VARCHAR(9) DEFAULT 'draft' NOT NULL, \n"
		"\tpublished_at DATETIME, \n\tauthor_id INTEGER NOT NULL, \n\tcategory_id INTEGER, \n"
		"\tPRIMARY KEY (id), \n\tFOREIGN KEY(author_id) REFERENCES users (id), \n"
		"\tFOREIGN KEY(category_id) REFERENCES categories (id) ON DELETE SET NULL\n);\n"
		"CREATE INDEX ix_posts_category_id ON posts (category_id);\n"
		"CREATE INDEX ix_posts_title ON posts (title);\n";
	static const char *const by_hand =
		"CREATE TABLE users (\n"
		"    id INTEGER PRIMARY KEY,\n"
		"    username varchar(50) NOT NULL UNIQUE,\n"
		"    email varchar(120) NOT NULL UNIQUE,\n"
		"    is_active boolean DEFAULT 1,\n"
		"    created_at datetime DEFAULT CURRENT_TIMESTAMP\n"
		");\n"
		"CREATE TABLE categories (id INTEGER PRIMARY KEY, name varchar(80) NOT NULL);\n"
		"CREATE TABLE posts (\n"
		"    id INTEGER PRIMARY KEY,\n"
		"    title varchar(200) NOT NULL,\n"
		"    body text,\n"
		"    price numeric(10,2),\n"
		"    status varchar(9) NOT NULL DEFAULT 'draft',\n"
		"    published_at datetime,\n"
		"    author_id integer NOT NULL REFERENCES users,\n"
		"    category_id integer REFERENCES categories ON DELETE SET NULL\n"
		");\n"
		"CREATE INDEX ix_posts_category_id ON posts (category_id ASC);\n"
		"CREATE INDEX ix_posts_title ON posts(title);\n";
	/* Django's spelling: quoted names, lower-case types, explicit NULL */
	static const char *const django_style =
		"CREATE TABLE \"categories\" (\"id\" integer NOT NULL PRIMARY KEY, \"name\" varchar(80) NOT NULL);\n"
		"CREATE TABLE \"users\" (\"id\" integer NOT NULL PRIMARY KEY, \"username\" varchar(50) NOT NULL UNIQUE,"
		" \"email\" varchar(120) NOT NULL UNIQUE, \"is_active\" boolean DEFAULT '1' NULL,"
		" \"created_at\" datetime DEFAULT (CURRENT_TIMESTAMP) NULL);\n"
		"CREATE TABLE \"posts\" (\"id\" integer NOT NULL PRIMARY KEY, \"title\" varchar(200) NOT NULL,"
		" \"body\" text NULL, \"price\" numeric(10, 2) NULL, \"status\" varchar(9) DEFAULT 'draft' NOT NULL,"
		" \"published_at\" datetime NULL, \"author_id\" integer NOT NULL REFERENCES \"users\" (\"id\"),"
		" \"category_id\" integer NULL REFERENCES \"categories\" (\"id\") ON DELETE SET NULL);\n"
		"CREATE INDEX \"ix_posts_category_id\" ON \"posts\" (\"category_id\");\n"
		"CREATE INDEX \"ix_posts_title\" ON \"posts\" (\"title\");\n";
	assert_equal_schemas(sqlalchemy, by_hand);
	assert_equal_schemas(sqlalchemy, django_style);
	/* Django 4.2's sqlmigrate output for SQLite, and the same by hand */
	assert_equal_schemas(
		"CREATE TABLE \"blog_category\" (\"id\" integer NOT NULL PRIMARY KEY AUTOINCREMENT, \"name\" varchar(80) NOT NULL);\n"
		"CREATE TABLE \"blog_post\" (\"id\" integer NOT NULL PRIMARY KEY AUTOINCREMENT, \"title\" varchar(200) NOT NULL,"
		" \"published\" bool NOT NULL, \"created\" datetime NOT NULL, \"price\" decimal NOT NULL,"
		" \"category_id\" bigint NULL REFERENCES \"blog_category\" (\"id\") DEFERRABLE INITIALLY DEFERRED);\n"
		"CREATE INDEX \"blog_post_category_id_9ec1c5e9\" ON \"blog_post\" (\"category_id\");\n",
		"CREATE TABLE blog_category (id INTEGER PRIMARY KEY AUTOINCREMENT, name VARCHAR(80) NOT NULL);\n"
		"CREATE TABLE blog_post (id INTEGER PRIMARY KEY AUTOINCREMENT, title VARCHAR(200) NOT NULL,"
		" published BOOL NOT NULL, created DATETIME NOT NULL, price DECIMAL NOT NULL,"
		" category_id BIGINT REFERENCES blog_category DEFERRABLE INITIALLY DEFERRED);\n"
		"CREATE INDEX blog_post_category_id_9ec1c5e9 ON blog_post (category_id);\n");
	/* Rails 7's db/structure.sql for SQLite, and the same by hand */
	assert_equal_schemas(
		"CREATE TABLE IF NOT EXISTS \"users\" (\"id\" integer PRIMARY KEY AUTOINCREMENT NOT NULL, \"name\" varchar,"
		" \"created_at\" datetime(6) NOT NULL, \"updated_at\" datetime(6) NOT NULL);\n"
		"CREATE TABLE IF NOT EXISTS \"posts\" (\"id\" integer PRIMARY KEY AUTOINCREMENT NOT NULL, \"title\" varchar,"
		" \"user_id\" integer NOT NULL, \"created_at\" datetime(6) NOT NULL, \"updated_at\" datetime(6) NOT NULL,"
		" CONSTRAINT \"fk_rails_5b5ddfd518\"\nFOREIGN KEY (\"user_id\")\n  REFERENCES \"users\" (\"id\")\n);\n"
		"CREATE INDEX \"index_posts_on_user_id\" ON \"posts\" (\"user_id\");\n",
		"CREATE TABLE users (id INTEGER PRIMARY KEY AUTOINCREMENT, name VARCHAR,"
		" created_at DATETIME(6) NOT NULL, updated_at DATETIME(6) NOT NULL);\n"
		"CREATE TABLE posts (id INTEGER PRIMARY KEY AUTOINCREMENT, title VARCHAR,"
		" user_id INTEGER NOT NULL, created_at DATETIME(6) NOT NULL, updated_at DATETIME(6) NOT NULL,"
		" CONSTRAINT fk_rails_5b5ddfd518 FOREIGN KEY (user_id) REFERENCES users);\n"
		"CREATE INDEX index_posts_on_user_id ON posts (user_id ASC);\n");
	/* ... while what does differ still does */
	assert_different("CREATE TABLE t (id INTEGER PRIMARY KEY DESC)", "CREATE TABLE t (id INTEGER NOT NULL PRIMARY KEY DESC)");
	assert_equal_schemas("CREATE TABLE t (a TEXT DEFAULT '1', b INT DEFAULT -2)",
			     "CREATE TABLE t (a TEXT DEFAULT 1, b INT DEFAULT '-2')");
	assert_different("CREATE TABLE t (a DEFAULT '1')", "CREATE TABLE t (a DEFAULT 1)");
	assert_different("CREATE TABLE t (a TEXT DEFAULT '01')", "CREATE TABLE t (a TEXT DEFAULT 1)");
	assert_different("CREATE TABLE t (x INT); CREATE INDEX i ON t (x)", "CREATE TABLE t (x INT); CREATE INDEX i ON t (x DESC)");
	assert_different("CREATE TABLE p (id INTEGER PRIMARY KEY, k INT UNIQUE); CREATE TABLE t (a REFERENCES p)",
			 "CREATE TABLE p (id INTEGER PRIMARY KEY, k INT UNIQUE); CREATE TABLE t (a REFERENCES p (k))");
}

/* What the catalog and the text give, field by field. */
static void test_model_fields(void **state)
{
	(void)state;
	char *p = new_db();
	run_sql(p, "CREATE TABLE p (id INTEGER PRIMARY KEY AUTOINCREMENT, k TEXT UNIQUE);"
		   "CREATE TABLE \"odd name\" (a INT NOT NULL, b INT, c  DECIMAL( 20 ,  5 ) collate nocase,"
		   " g AS (a+b) STORED, v GENERATED ALWAYS AS (a*2), d TEXT DEFAULT (datetime('now')),"
		   " x REFERENCES p(k), CONSTRAINT fk2 FOREIGN KEY (b) REFERENCES p ON DELETE CASCADE"
		   " DEFERRABLE INITIALLY DEFERRED, CONSTRAINT ck CHECK (a > 0), PRIMARY KEY (b DESC, a)) WITHOUT ROWID;"
		   "CREATE VIEW v1 AS SELECT * FROM \"odd name\"; CREATE VIEW v2 AS SELECT * FROM v1;"
		   "CREATE TRIGGER tv INSTEAD OF INSERT ON v1 BEGIN SELECT 1; END;"
		   "CREATE VIRTUAL TABLE f USING fts5(a,   b);");
	sm_schema *s = introspect(p);
	sm_table *t = rt_sm_find_table(s, NULL, "odd name");
	assert_non_null(t);
	assert_int_equal(t->without_rowid, 1);
	assert_int_equal(t->ncols, 7);
	assert_string_equal(t->cols[2].type, "DECIMAL(20, 5)");
	assert_string_equal(t->cols[2].collation, "NOCASE");
	assert_string_equal(t->cols[3].generated, "a + b");
	assert_int_equal(t->cols[3].stored, 1);
	assert_string_equal(t->cols[4].generated, "a * 2");
	assert_int_equal(t->cols[4].stored, 0);
	assert_string_equal(t->cols[5].def, "datetime('now')");
	assert_int_equal(t->cols[1].pk, 1);
	assert_int_equal(t->cols[0].pk, 2);
	int found = 0;
	for (size_t i = 0; i < t->ncons; i++) {
		const sm_constraint *c = &t->cons[i];
		if (c->kind == SM_FOREIGN && c->name && !strcmp(c->name, "fk2")) {
			assert_int_equal(c->deferred, 1);
			assert_string_equal(c->on_delete, "CASCADE");
			found++;
		}
		if (c->kind == SM_CHECK && c->name && !strcmp(c->name, "ck")) {
			assert_string_equal(c->def, "CHECK (a > 0)");
			found++;
		}
		if (c->kind == SM_PRIMARY) {
			assert_string_equal(c->def, "PRIMARY KEY (b DESC, a)");
			found++;
		}
	}
	assert_int_equal(found, 3);
	sm_table *pt = rt_sm_find_table(s, NULL, "p");
	assert_int_equal(pt->autoincrement, 1);
	assert_string_equal(rt_sqlite_rowid_alias(pt), "id");
	assert_null(rt_sqlite_rowid_alias(t));
	sm_table *f = rt_sm_find_table(s, NULL, "f");
	assert_int_equal(f->is_virtual, 1);
	assert_string_equal(f->sql, "CREATE VIRTUAL TABLE f USING fts5(a, b)");
	assert_null(rt_sm_find_table(s, NULL, "f_data")); /* shadow tables are the vtable's */
	/* A view on a view: ordered by what it reads. */
	sm_view *v2 = rt_sm_find_view(s, NULL, "v2");
	assert_int_equal(v2->ndeps, 1);
	assert_string_equal(v2->deps[0], "v1");
	/* Triggers on views belong to their view. */
	sm_view *v1 = rt_sm_find_view(s, NULL, "v1");
	assert_int_equal(v1->ntrg, 1);
	assert_string_equal(v1->trg[0].name, "tv");
	assert_int_equal(s->nunsupported, 0);
	rt_sm_free(s);
	/* What the schema cannot make again is named, never skipped silently. */
	run_sql(p, "CREATE INDEX f_data_block ON f_data (block);");
	s = introspect(p);
	assert_int_equal(s->nunsupported, 1);
	assert_string_equal(s->unsupported[0],
			    "index f_data_block (on f_data, a shadow table of a virtual table)");
	rt_sm_free(s);
	remove_db(p);
}

/* ------------------------------------------------------------------ */
/* (b) real schemas: empty -> full -> empty                             */
/* ------------------------------------------------------------------ */

static char *read_text(const char *path)
{
	FILE *fp = fopen(path, "rb");
	if (!fp)
		fail_msg("cannot read %s", path);
	strbuf sb = STRBUF_INIT;
	char buf[8192];
	size_t n;
	while ((n = fread(buf, 1, sizeof(buf), fp)) > 0)
		rt_strbuf_add(&sb, buf, n);
	fclose(fp);
	return rt_strbuf_detach(&sb);
}

/* Load a schema file into a new database. */
static char *load_file(const char *file)
{
	char *p = new_db();
	char *text = read_text(file);
	run_sql(p, text);
	free(text);
	return p;
}

static size_t count_ops(const sm_ops *ops, const char *prefix)
{
	size_t n = 0;
	for (size_t i = 0; i < ops->n; i++)
		n += !strncmp(ops->v[i].what, prefix, strlen(prefix));
	return n;
}

/* One real schema from nothing to everything and back. */
static void empty_full_empty(const char *file)
{
	char *pa = load_file(file);
	sm_schema *a = introspect(pa), *empty = rt_sm_new();
	char *pb = new_db();
	sm_ops up = diff(empty, a);
	apply(pb, &up);
	sm_schema *got = introspect(pb);
	assert_same(got, a, file, &up);
	assert_sound(pb);
	sm_ops down = diff(got, empty);
	apply(pb, &down);
	sm_schema *gone = introspect(pb);
	assert_same(gone, empty, file, &down);
	char *left = query1(pb, "SELECT count(*) FROM sqlite_master WHERE name NOT LIKE 'sqlite_%'");
	assert_string_equal(left, "0");
	free(left);
	printf("# %s: %zu tables, %zu views; up %zu operations, down %zu; %zu unsupported\n",
	       strrchr(file, '/') + 1, a->ntables, a->nviews, up.n, down.n, a->nunsupported);
	for (size_t i = 0; i < a->nunsupported; i++)
		printf("#   unsupported: %s\n", a->unsupported[i]);
	rt_sm_ops_free(&up);
	rt_sm_ops_free(&down);
	rt_sm_free(a);
	rt_sm_free(got);
	rt_sm_free(gone);
	rt_sm_free(empty);
	remove_db(pa);
	remove_db(pb);
}

/* Schemas in the SQLite corpus when these tests were written: fewer means files went missing. */
#define CORPUS_MIN 8

static int cmp_names(const void *x, const void *y)
{
	return strcmp(*(char *const *)x, *(char *const *)y);
}

/*
 * The SQLite schema files of the corpus, full paths in name order (*n of
 * them; the caller frees each and the array).  A missing corpus fails.
 */
static char **corpus_files(size_t *n)
{
	char *dir = rt_xasprintf("%s/sqlite", schemas_dir());
	DIR *d = opendir(dir);
	if (!d)
		corpus_missing(dir);
	char **names = NULL;
	*n = 0;
	struct dirent *e;
	while ((e = readdir(d))) {
		if (e->d_name[0] == '.')
			continue;
		names = realloc(names, (*n + 1) * sizeof(*names));
		names[(*n)++] = rt_xasprintf("%s/%s", dir, e->d_name);
	}
	closedir(d);
	free(dir);
	qsort(names, *n, sizeof(*names), cmp_names);
	return names;
}

static void test_real_schemas(void **state)
{
	(void)state;
	size_t n;
	char **names = corpus_files(&n);
	if (n < CORPUS_MIN)
		fail_msg("the SQLite corpus has %zu schemas, fewer than the %d it had", n, CORPUS_MIN);
	for (size_t i = 0; i < n; i++) {
		empty_full_empty(names[i]);
		free(names[i]);
	}
	free(names);
}

/*
 * One schema file into another and back (different schemas sharing
 * names); returns the number of operations there, which must be some:
 * two different files that diff as equal would test nothing.
 */
static size_t file_to_file(const char *fa, const char *fb)
{
	char *pa = load_file(fa), *pb = load_file(fb);
	sm_schema *a = introspect(pa), *b = introspect(pb);
	sm_ops up = diff(a, b);
	apply(pa, &up);
	sm_schema *got = introspect(pa);
	assert_same(got, b, fb, &up);
	rt_sm_free(got);
	sm_ops down = diff(b, a);
	apply(pa, &down);
	got = introspect(pa);
	assert_same(got, a, fa, &down);
	assert_sound(pa);
	printf("# %s -> %s: %zu operations (%zu rebuild), back: %zu\n", strrchr(fa, '/') + 1,
	       strrchr(fb, '/') + 1, up.n, count_ops(&up, "rebuild table"), down.n);
	size_t n = up.n;
	if (!up.n || !down.n)
		fail_msg("%s -> %s: %zu operations there, %zu back: the pair tests nothing",
			 fa, fb, up.n, down.n);
	rt_sm_ops_free(&up);
	rt_sm_ops_free(&down);
	rt_sm_free(a);
	rt_sm_free(b);
	rt_sm_free(got);
	remove_db(pa);
	remove_db(pb);
	return n;
}

/*
 * Each real schema into the next one (in name order) and back: every file
 * of the corpus takes part (at least the CORPUS_MIN it had when this was written),
 * and each pair differs.
 */
static void test_real_schema_pairs(void **state)
{
	(void)state;
	size_t n, pairs = 0;
	char **names = corpus_files(&n);
	if (n < CORPUS_MIN)
		fail_msg("the SQLite corpus has %zu schemas, fewer than the %d it had", n, CORPUS_MIN);
	for (size_t i = 0; i + 1 < n; i++)
		pairs += file_to_file(names[i], names[i + 1]) > 0;
	assert_int_equal(pairs, n - 1);
	for (size_t i = 0; i < n; i++)
		free(names[i]);
	free(names);
}

/* ------------------------------------------------------------------ */
/* (c) the synapse pair: 54 -> 72 -> 54                                 */
/* ------------------------------------------------------------------ */

static void test_synapse_pair(void **state)
{
	(void)state;
	char *f54 = rt_xasprintf("%s/pairs/synapse/synapse-full-54.sql.sqlite", schemas_dir());
	char *f72 = rt_xasprintf("%s/pairs/synapse/synapse-full-72.sql.sqlite", schemas_dir());
	if (access(f54, R_OK) || access(f72, R_OK)) {
		free(f72);
		corpus_missing(f54);
	}
	char *p54 = load_file(f54), *p72 = load_file(f72);
	sm_schema *s54 = introspect(p54), *s72 = introspect(p72);
	assert_true(rt_sm_compare(s54, s72, 0, NULL) > 0);
	sm_ops up = diff(s54, s72);
	apply(p54, &up);
	sm_schema *got = introspect(p54);
	assert_same(got, s72, "synapse 54 -> 72", &up);
	assert_sound(p54);
	sm_ops down = diff(s72, s54);
	apply(p54, &down);
	rt_sm_free(got);
	got = introspect(p54);
	assert_same(got, s54, "synapse 72 -> 54", &down);
	assert_sound(p54);
	printf("# synapse 54 -> 72: %zu operations (%zu create table, %zu drop table, %zu add column, "
	       "%zu drop column, %zu rebuild, %zu create index, %zu drop index); 72 -> 54: %zu operations\n",
	       up.n, count_ops(&up, "create table"), count_ops(&up, "drop table"),
	       count_ops(&up, "add column"), count_ops(&up, "drop column"),
	       count_ops(&up, "rebuild table"), count_ops(&up, "create index"),
	       count_ops(&up, "drop index"), down.n);
	rt_sm_ops_free(&up);
	rt_sm_ops_free(&down);
	rt_sm_free(s54);
	rt_sm_free(s72);
	rt_sm_free(got);
	remove_db(p54);
	remove_db(p72);
	free(f54);
	free(f72);
}

/* ------------------------------------------------------------------ */
/* (d) every kind of change, up and down, with rows                     */
/* ------------------------------------------------------------------ */

#define ROWS3 "INSERT INTO t (id, a) VALUES (1, 'x'), (2, 'y'), (3, 'z');"
#define SUM_A "SELECT group_concat(id || ':' || a, ',') FROM (SELECT * FROM t ORDER BY id)"

static void test_add_and_drop_column(void **state)
{
	(void)state;
	trip t = { "CREATE TABLE t (id INTEGER PRIMARY KEY, a TEXT);",
		   "CREATE TABLE t (id INTEGER PRIMARY KEY, a TEXT, b INT NOT NULL DEFAULT 7, c TEXT);",
		   ROWS3, "SELECT group_concat(id || a || b, ',') FROM t", "1x7,2y7,3z7", NULL,
		   "add column t.b", "drop column t.b", "rebuild" };
	roundtrip(&t);
	/* An indexed column: its index goes first, then DROP COLUMN. */
	trip t2 = { "CREATE TABLE t (id INTEGER PRIMARY KEY, a TEXT, b INT); CREATE INDEX t_b ON t (b);",
		    "CREATE TABLE t (id INTEGER PRIMARY KEY, a TEXT);",
		    ROWS3, SUM_A, "1:x,2:y,3:z", "1:x,2:y,3:z", "drop column t.b", "add column t.b",
		    "rebuild" };
	roundtrip(&t2);
}

/* ADD COLUMN cannot: the table is rebuilt and its rows kept. */
static void test_add_column_rebuilds(void **state)
{
	(void)state;
	static const char *const after[] = {
		"CREATE TABLE t (id INTEGER PRIMARY KEY, a TEXT, b TEXT DEFAULT CURRENT_TIMESTAMP);",
		"CREATE TABLE t (id INTEGER PRIMARY KEY, a TEXT, b INT DEFAULT (1 + 1));",
		"CREATE TABLE t (id INTEGER PRIMARY KEY, a TEXT, b INT UNIQUE);",
		"CREATE TABLE t (id INTEGER PRIMARY KEY, a TEXT, b AS (a || '!') STORED);",
		"CREATE TABLE t (id INTEGER PRIMARY KEY, a TEXT, b INT, UNIQUE (a, b));",
		"CREATE TABLE u (id INTEGER PRIMARY KEY); CREATE TABLE t (id INTEGER PRIMARY KEY, a TEXT, b INT DEFAULT 3 REFERENCES u (id));",
	};
	for (size_t i = 0; i < sizeof(after) / sizeof(after[0]); i++) {
		trip t = { "CREATE TABLE t (id INTEGER PRIMARY KEY, a TEXT);",
			   after[i], ROWS3, SUM_A, "1:x,2:y,3:z", "1:x,2:y,3:z",
			   "rebuild table t", NULL, "add column" };
		if (strstr(after[i], "CREATE TABLE u")) {
			t.before = "CREATE TABLE u (id INTEGER PRIMARY KEY); CREATE TABLE t (id INTEGER PRIMARY KEY, a TEXT);";
			t.rows = ROWS3 "INSERT INTO u VALUES (3);";
		}
		roundtrip(&t);
	}
	/* A NOT NULL column needs a default: rebuilt (an empty table here). */
	trip t = { "CREATE TABLE t (id INTEGER PRIMARY KEY, a TEXT);",
		   "CREATE TABLE t (id INTEGER PRIMARY KEY, a TEXT, b INT NOT NULL);",
		   NULL, NULL, NULL, NULL, "rebuild table t", NULL, "add column" };
	roundtrip(&t);
	/* A virtual generated column and an inline CHECK can be added. */
	trip v = { "CREATE TABLE t (id INTEGER PRIMARY KEY, a TEXT);",
		   "CREATE TABLE t (id INTEGER PRIMARY KEY, a TEXT, b AS (a || '!'), c INT CHECK (c > 0));",
		   ROWS3, "SELECT group_concat(b, ',') FROM t", "x!,y!,z!", NULL,
		   "add column t.b", "drop column t.c", "rebuild" };
	roundtrip(&v);
}

/* Type, nullability, default, CHECK, collation: rebuilt, rows kept. */
static void test_column_changes(void **state)
{
	(void)state;
	static const char *const after[] = {
		"CREATE TABLE t (id INTEGER PRIMARY KEY, a VARCHAR(10));",
		"CREATE TABLE t (id INTEGER PRIMARY KEY, a TEXT NOT NULL);",
		"CREATE TABLE t (id INTEGER PRIMARY KEY, a TEXT DEFAULT 'none');",
		"CREATE TABLE t (id INTEGER PRIMARY KEY, a TEXT CHECK (length(a) = 1));",
		"CREATE TABLE t (id INTEGER PRIMARY KEY, a TEXT, CONSTRAINT short CHECK (length(a) < 5));",
		"CREATE TABLE t (id INTEGER PRIMARY KEY, a TEXT COLLATE NOCASE);",
		"CREATE TABLE t (id INTEGER PRIMARY KEY, a TEXT UNIQUE);",
		"CREATE TABLE t (id INTEGER PRIMARY KEY, a TEXT) STRICT;",
		"CREATE TABLE t (id INT PRIMARY KEY, a TEXT);",
		"CREATE TABLE t (id INTEGER, a TEXT, PRIMARY KEY (a, id)) WITHOUT ROWID;",
		"CREATE TABLE t (id INTEGER PRIMARY KEY AUTOINCREMENT, a TEXT);",
		"CREATE TABLE t (id INTEGER PRIMARY KEY ON CONFLICT REPLACE, a TEXT NOT NULL ON CONFLICT IGNORE);",
	};
	for (size_t i = 0; i < sizeof(after) / sizeof(after[0]); i++) {
		trip t = { "CREATE TABLE t (id INTEGER PRIMARY KEY, a TEXT);", after[i], ROWS3,
			   SUM_A, "1:x,2:y,3:z", "1:x,2:y,3:z", "rebuild table t", "rebuild table t",
			   "add column" };
		roundtrip(&t);
	}
	/* NOT NULL with a default: NULLs take the default in the copy, and the note says so. */
	trip nn = { "CREATE TABLE t (id INTEGER PRIMARY KEY, a TEXT);",
		    "CREATE TABLE t (id INTEGER PRIMARY KEY, a TEXT NOT NULL DEFAULT 'none');",
		    "INSERT INTO t VALUES (1, 'x'), (2, NULL);",
		    "SELECT group_concat(id || ':' || coalesce(a, 'NULL'), ',') FROM t", "1:x,2:none",
		    "1:x,2:none", "rebuild table t", "rebuild table t", NULL };
	roundtrip(&nn);
	/* The collation is the new one after the rebuild. */
	trip c = { "CREATE TABLE t (id INTEGER PRIMARY KEY, a TEXT);",
		   "CREATE TABLE t (id INTEGER PRIMARY KEY, a TEXT COLLATE NOCASE);", ROWS3,
		   "SELECT count(*) FROM t WHERE a = 'X'", "1", "0", "rebuild table t", NULL, NULL };
	roundtrip(&c);
	/* A dropped column in a rebuild is destructive and says so. */
	char *pa = new_db(), *pb = new_db();
	run_sql(pa, "CREATE TABLE t (id INTEGER PRIMARY KEY, a TEXT, b INT, CHECK (b > 0));");
	run_sql(pb, "CREATE TABLE t (id INTEGER PRIMARY KEY, a TEXT);");
	sm_schema *a = introspect(pa), *b = introspect(pb);
	sm_ops ops = diff(a, b);
	assert_int_equal(ops.n, 2);
	assert_string_equal(ops.v[1].sql.v[0], "PRAGMA foreign_key_check");
	assert_int_equal(ops.v[0].destructive, 1);
	assert_contains(ops.v[0].note, "drops column t.b and its data");
	assert_contains(ops.v[0].note, "foreign_keys is OFF");
	rt_sm_ops_free(&ops);
	rt_sm_free(a);
	rt_sm_free(b);
	remove_db(pa);
	remove_db(pb);
}

/* A test that failed with strict order on leaves it off for the next. */
static int order_reset(void **state)
{
	(void)state;
	strict_order = 0;
	return 0;
}

#define COLS_T "SELECT group_concat(name, ',') FROM pragma_table_info('t')"

/*
 * Column order is no difference by default: a column declared in the
 * middle is added at the end (no rebuild), a reordered table is left
 * alone, and a rebuild needed for another reason makes the declared
 * order.  column_order = strict rebuilds into the declared order, and
 * the downgrade gives back the old one.
 */
static void test_column_order(void **state)
{
	(void)state;
	trip mid = { "CREATE TABLE t (id INTEGER PRIMARY KEY, a TEXT);",
		     "CREATE TABLE t (id INTEGER PRIMARY KEY, x INT DEFAULT 5, a TEXT);",
		     ROWS3, COLS_T, "id,a,x", "id,a", "add column t.x", "drop column t.x", "rebuild" };
	roundtrip(&mid);
	assert_equal_schemas("CREATE TABLE t (id INTEGER PRIMARY KEY, a TEXT, b INT);",
			     "CREATE TABLE t (b INT, a TEXT, id INTEGER PRIMARY KEY);");
	trip retyped = { "CREATE TABLE t (id INTEGER PRIMARY KEY, a TEXT);",
			 "CREATE TABLE t (id INTEGER PRIMARY KEY, x INT DEFAULT 5, a VARCHAR(10));",
			 ROWS3, COLS_T, "id,x,a", "id,a", "rebuild table t", "rebuild table t", NULL };
	roundtrip(&retyped);
	strict_order = 1;
	trip strict_mid = { "CREATE TABLE t (id INTEGER PRIMARY KEY, a TEXT);",
			    "CREATE TABLE t (id INTEGER PRIMARY KEY, x INT DEFAULT 5, a TEXT);",
			    ROWS3, COLS_T, "id,x,a", "id,a", "rebuild table t", "drop column t.x", "add column" };
	roundtrip(&strict_mid);
	trip strict_swap = { "CREATE TABLE t (id INTEGER PRIMARY KEY, a TEXT);",
			     "CREATE TABLE t (a TEXT, id INTEGER PRIMARY KEY);",
			     ROWS3, COLS_T, "a,id", "id,a", "rebuild table t", "rebuild table t", NULL };
	roundtrip(&strict_swap);
	trip strict_rows = strict_swap;
	strict_rows.check = SUM_A;
	strict_rows.want_up = strict_rows.want_down = "1:x,2:y,3:z";
	roundtrip(&strict_rows);
	strict_order = 0;
}

/* Generated columns: changed expressions and storage. */
static void test_generated_columns(void **state)
{
	(void)state;
	trip t = { "CREATE TABLE t (id INTEGER PRIMARY KEY, a TEXT, g AS (upper(a)));",
		   "CREATE TABLE t (id INTEGER PRIMARY KEY, a TEXT, g AS (a || a) STORED, h TEXT GENERATED ALWAYS AS (lower(a)) VIRTUAL);",
		   ROWS3, "SELECT group_concat(g || h, ',') FROM t", "xxx,yyy,zzz", NULL,
		   "rebuild table t", "rebuild table t", NULL };
	roundtrip(&t);
}

/* The rowid of a table without INTEGER PRIMARY KEY survives, and the AUTOINCREMENT sequence. */
static void test_rowids_and_sequences(void **state)
{
	(void)state;
	trip t = { "CREATE TABLE t (a TEXT, b INT);",
		   "CREATE TABLE t (a TEXT NOT NULL, b INT);",
		   "INSERT INTO t (rowid, a) VALUES (5, 'x'), (10, 'y');",
		   "SELECT group_concat(rowid || a, ',') FROM t", "5x,10y", "5x,10y",
		   "rebuild table t", NULL, NULL };
	roundtrip(&t);
	/* The rowid becomes the new INTEGER PRIMARY KEY column. */
	trip k = { "CREATE TABLE t (a TEXT);",
		   "CREATE TABLE t (id INTEGER PRIMARY KEY, a TEXT);",
		   "INSERT INTO t (rowid, a) VALUES (5, 'x'), (10, 'y');",
		   "SELECT group_concat(rowid || a, ',') FROM t", "5x,10y", "5x,10y",
		   "rebuild table t", NULL, NULL };
	roundtrip(&k);
	trip s = { "CREATE TABLE t (id INTEGER PRIMARY KEY AUTOINCREMENT, a TEXT);",
		   "CREATE TABLE t (id INTEGER PRIMARY KEY AUTOINCREMENT, a TEXT NOT NULL);",
		   "INSERT INTO t (a) VALUES ('x'), ('y'), ('z'); DELETE FROM t WHERE id = 3;",
		   "SELECT seq FROM sqlite_sequence WHERE name = 't'", "3", "3",
		   "rebuild table t", NULL, NULL };
	roundtrip(&s);
}

/* Foreign keys: the parent rebuilt under its children, keys added and changed. */
static void test_foreign_keys(void **state)
{
	(void)state;
	const char *base = "CREATE TABLE parent (id INTEGER PRIMARY KEY, name TEXT);"
			   "CREATE TABLE child (id INTEGER PRIMARY KEY, parent_id INT REFERENCES parent (id), v TEXT);";
	const char *rows = "INSERT INTO parent VALUES (1, 'p1'), (2, 'p2');"
			   "INSERT INTO child VALUES (10, 1, 'p1'), (11, 2, 'p2'), (12, 1, 'p1');";
	const char *count = "SELECT (SELECT group_concat(id || parent_id, ',') FROM child) || '/' || "
			    "(SELECT group_concat(id || name, ',') FROM parent)";
	trip t = { base,
		   "CREATE TABLE parent (id INTEGER PRIMARY KEY, name TEXT NOT NULL);"
		   "CREATE TABLE child (id INTEGER PRIMARY KEY, parent_id INT REFERENCES parent (id), v TEXT);",
		   rows, count, "101,112,121/1p1,2p2", "101,112,121/1p1,2p2",
		   "rebuild table parent", "rebuild table parent", NULL };
	roundtrip(&t);
	static const char *const after[] = {
		"CREATE TABLE parent (id INTEGER PRIMARY KEY, name TEXT);"
		"CREATE TABLE child (id INTEGER PRIMARY KEY, parent_id INT REFERENCES parent (id) ON DELETE CASCADE ON UPDATE SET NULL, v TEXT);",
		"CREATE TABLE parent (id INTEGER PRIMARY KEY, name TEXT);"
		"CREATE TABLE child (id INTEGER PRIMARY KEY, parent_id INT REFERENCES parent (id) DEFERRABLE INITIALLY DEFERRED, v TEXT);",
		"CREATE TABLE parent (id INTEGER PRIMARY KEY, name TEXT);"
		"CREATE TABLE child (id INTEGER PRIMARY KEY, parent_id INT, v TEXT, FOREIGN KEY (parent_id) REFERENCES parent ON DELETE SET NULL);",
		"CREATE TABLE parent (id INTEGER PRIMARY KEY, name TEXT UNIQUE);"
		"CREATE TABLE child (id INTEGER PRIMARY KEY, parent_id INT REFERENCES parent (id), v TEXT REFERENCES parent (name));",
	};
	for (size_t i = 0; i < sizeof(after) / sizeof(after[0]); i++) {
		trip f = { base, after[i], rows, count, "101,112,121/1p1,2p2", "101,112,121/1p1,2p2",
			   "rebuild table child", "rebuild table child", NULL };
		roundtrip(&f);
	}
	/* A table that references itself, rebuilt with its rows. */
	trip self = { "CREATE TABLE tree (id INTEGER PRIMARY KEY, parent INT REFERENCES tree (id), name TEXT);",
		      "CREATE TABLE tree (id INTEGER PRIMARY KEY, parent INT REFERENCES tree (id) ON DELETE CASCADE, name TEXT NOT NULL);",
		      "INSERT INTO tree VALUES (1, NULL, 'root'), (2, 1, 'a'), (3, 2, 'b');",
		      "SELECT group_concat(id || '<' || coalesce(parent, '-'), ',') FROM tree", "1<-,2<1,3<2",
		      "1<-,2<1,3<2", "rebuild table tree", "rebuild table tree", NULL };
	roundtrip(&self);
	/* New tables: parents before children; dropped ones: children first. */
	char *pa = new_db(), *pb = new_db();
	run_sql(pa, "CREATE TABLE x (a);");
	run_sql(pb, "CREATE TABLE x (a); CREATE TABLE a_child (id INTEGER PRIMARY KEY, z_id REFERENCES z_parent (id));"
		    "CREATE TABLE z_parent (id INTEGER PRIMARY KEY);");
	sm_schema *a = introspect(pa), *b = introspect(pb);
	sm_ops up = diff(a, b), down = diff(b, a);
	assert_int_equal(up.n, 2);
	assert_string_equal(up.v[0].what, "create table z_parent");
	assert_string_equal(up.v[1].what, "create table a_child");
	assert_int_equal(down.n, 2);
	assert_string_equal(down.v[0].what, "drop table a_child");
	assert_string_equal(down.v[1].what, "drop table z_parent");
	assert_int_equal(down.v[0].destructive, 1);
	rt_sm_ops_free(&up);
	rt_sm_ops_free(&down);
	rt_sm_free(a);
	rt_sm_free(b);
	remove_db(pa);
	remove_db(pb);
}

/* Views, triggers and indexes around a rebuild, and their own changes. */
static void test_views_triggers_indexes(void **state)
{
	(void)state;
	const char *base =
		"CREATE TABLE t (id INTEGER PRIMARY KEY, a TEXT, n INT DEFAULT 0);"
		"CREATE TABLE log (msg TEXT);"
		"CREATE INDEX t_a ON t (a);"
		"CREATE INDEX t_expr ON t (lower(a) DESC) WHERE n >= 0;"
		"CREATE VIEW v1 AS SELECT id, a FROM t;"
		"CREATE VIEW v2 AS SELECT a FROM v1 WHERE id > 1;"
		"CREATE TRIGGER t_ai AFTER INSERT ON t BEGIN INSERT INTO log VALUES ('t ' || NEW.a); END;"
		"CREATE TRIGGER log_ai AFTER INSERT ON log WHEN NEW.msg = 'go' BEGIN UPDATE t SET n = n + 1; END;";
	/* t is rebuilt: v1, v2 (through v1), both triggers (one reads t) come back. */
	const char *rebuilt =
		"CREATE TABLE t (id INTEGER PRIMARY KEY, a TEXT NOT NULL, n INT DEFAULT 0);"
		"CREATE TABLE log (msg TEXT);"
		"CREATE INDEX t_a ON t (a);"
		"CREATE INDEX t_expr ON t (lower(a) DESC) WHERE n >= 0;"
		"CREATE VIEW v1 AS SELECT id, a FROM t;"
		"CREATE VIEW v2 AS SELECT a FROM v1 WHERE id > 1;"
		"CREATE TRIGGER t_ai AFTER INSERT ON t BEGIN INSERT INTO log VALUES ('t ' || NEW.a); END;"
		"CREATE TRIGGER log_ai AFTER INSERT ON log WHEN NEW.msg = 'go' BEGIN UPDATE t SET n = n + 1; END;";
	trip t = { base, rebuilt, ROWS3 "INSERT INTO log VALUES ('go');",
		   "SELECT (SELECT group_concat(a, '') FROM v2) || (SELECT count(*) FROM log) || (SELECT sum(n) FROM t)",
		   "yz43", "yz43", "rebuild table t", "rebuild table t", NULL };
	roundtrip(&t);
	/* Changed index, view and trigger: each dropped and created again, t untouched. */
	const char *changed =
		"CREATE TABLE t (id INTEGER PRIMARY KEY, a TEXT, n INT DEFAULT 0);"
		"CREATE TABLE log (msg TEXT);"
		"CREATE UNIQUE INDEX t_a ON t (a, id);"
		"CREATE INDEX t_n ON t (n) WHERE n > 0;"
		"CREATE VIEW v1 AS SELECT id, a, n FROM t;"
		"CREATE VIEW v2 AS SELECT a FROM v1 WHERE id > 1;"
		"CREATE VIEW v3 AS SELECT count(*) AS c FROM v2;"
		"CREATE TRIGGER t_ai AFTER INSERT ON t BEGIN INSERT INTO log VALUES ('new ' || NEW.a); END;";
	trip c = { base, changed, ROWS3, "SELECT group_concat(msg, ',') FROM log", "t x,t y,t z",
		   "t x,t y,t z", "drop index t_a", "create trigger log_ai", "rebuild" };
	roundtrip(&c);
	/* A trigger on a view: changed, and around a rebuild of the table it writes. */
	trip v = { "CREATE TABLE t (id INTEGER PRIMARY KEY, a TEXT);"
		   "CREATE VIEW v AS SELECT id, a FROM t;"
		   "CREATE TRIGGER tv INSTEAD OF INSERT ON v BEGIN INSERT INTO t VALUES (NEW.id, NEW.a); END;",
		   "CREATE TABLE t (id INTEGER PRIMARY KEY, a TEXT NOT NULL);"
		   "CREATE VIEW v AS SELECT id, a FROM t;"
		   "CREATE TRIGGER tv INSTEAD OF INSERT ON v BEGIN INSERT INTO t VALUES (NEW.id, upper(NEW.a)); END;",
		   ROWS3, "DELETE FROM t WHERE id = 9; INSERT INTO v VALUES (9, 'q'); SELECT group_concat(a, '') FROM t",
		   "xyzQ", "xyzq", "create trigger tv on v", "create trigger tv on v", NULL };
	roundtrip(&v);
	/* Only the view's trigger changes. */
	trip w = { v.before,
		   "CREATE TABLE t (id INTEGER PRIMARY KEY, a TEXT);"
		   "CREATE VIEW v AS SELECT id, a FROM t;"
		   "CREATE TRIGGER tv INSTEAD OF INSERT ON v BEGIN INSERT INTO t VALUES (NEW.id, NEW.a || '!'); END;",
		   ROWS3, "DELETE FROM t WHERE id = 9; INSERT INTO v VALUES (9, 'q'); SELECT group_concat(a, '') FROM t",
		   "xyzq!", "xyzq", "drop trigger tv on v", "create trigger tv on v", "create view" };
	roundtrip(&w);
	/* A dropped column that triggers and views name: they make way for DROP COLUMN. */
	trip dc = { "CREATE TABLE t (id INTEGER PRIMARY KEY, a TEXT, b INT DEFAULT 0);"
		    "CREATE TABLE log (msg TEXT);"
		    "CREATE VIEW vb AS SELECT id, a, b FROM t;"
		    "CREATE TRIGGER t_au AFTER UPDATE ON t BEGIN INSERT INTO log VALUES (NEW.a || NEW.b); END;"
		    "CREATE TRIGGER log_ai AFTER INSERT ON log BEGIN UPDATE t SET b = b + 1 WHERE 0; END;",
		    "CREATE TABLE t (id INTEGER PRIMARY KEY, a TEXT);"
		    "CREATE TABLE log (msg TEXT);"
		    "CREATE VIEW vb AS SELECT id, a FROM t;"
		    "CREATE TRIGGER t_au AFTER UPDATE ON t BEGIN INSERT INTO log VALUES (NEW.a); END;",
		    ROWS3, SUM_A, "1:x,2:y,3:z", "1:x,2:y,3:z", "drop column t.b", "add column t.b",
		    "rebuild" };
	roundtrip(&dc);
	/* The views are created after the views they read. */
	char *pa = new_db(), *pb = new_db();
	run_sql(pa, base);
	run_sql(pb, changed);
	sm_schema *a = introspect(pa), *b = introspect(pb);
	sm_ops ops = diff(a, b);
	int at1 = -1, at2 = -1, at3 = -1;
	for (size_t i = 0; i < ops.n; i++) {
		if (!strcmp(ops.v[i].what, "create view v1"))
			at1 = (int)i;
		if (!strcmp(ops.v[i].what, "create view v2"))
			at2 = (int)i;
		if (!strcmp(ops.v[i].what, "create view v3"))
			at3 = (int)i;
	}
	assert_true(at1 >= 0 && at1 < at2 && at2 < at3);
	rt_sm_ops_free(&ops);
	rt_sm_free(a);
	rt_sm_free(b);
	remove_db(pa);
	remove_db(pb);
}

/* Names that need quotes, everywhere. */
static void test_quoted_names(void **state)
{
	(void)state;
	const char *base =
		"CREATE TABLE \"odd name\" (\"the id\" INTEGER PRIMARY KEY, \"select\" TEXT, \"we\"\"ird\" INT);"
		"CREATE INDEX \"odd index\" ON \"odd name\" (\"select\");"
		"CREATE VIEW \"odd view\" AS SELECT \"select\" FROM \"odd name\";";
	const char *after =
		"CREATE TABLE \"odd name\" (\"the id\" INTEGER PRIMARY KEY, \"select\" TEXT NOT NULL, \"we\"\"ird\" INT,"
		" \"new col\" TEXT);"
		"CREATE INDEX \"odd index\" ON \"odd name\" (\"select\", \"we\"\"ird\");"
		"CREATE VIEW \"odd view\" AS SELECT \"select\" FROM \"odd name\";"
		"CREATE TABLE \"Another-Table\" (x);";
	trip t = { base, after,
		   "INSERT INTO \"odd name\" VALUES (1, 'a', 5), (2, 'b', 6);",
		   "SELECT group_concat(\"the id\" || \"select\" || \"we\"\"ird\", ',') FROM \"odd view\" JOIN \"odd name\" USING (\"select\")",
		   "1a5,2b6", "1a5,2b6", "rebuild table odd name", "rebuild table odd name", NULL };
	roundtrip(&t);
	/* ADD and DROP COLUMN with quoted names. */
	trip a = { "CREATE TABLE \"odd name\" (\"the id\" INTEGER PRIMARY KEY, \"x y\" TEXT);",
		   "CREATE TABLE \"odd name\" (\"the id\" INTEGER PRIMARY KEY, \"order\" INT DEFAULT 1);",
		   "INSERT INTO \"odd name\" VALUES (1, 'a');",
		   "SELECT \"the id\" || \"order\" FROM \"odd name\"", "11", NULL,
		   "drop column odd name.x y", "drop column odd name.order", "rebuild" };
	roundtrip(&a);
}

/* WITHOUT ROWID and AUTOINCREMENT tables as tables of their own kind. */
static void test_table_kinds(void **state)
{
	(void)state;
	trip w = { "CREATE TABLE kv (k TEXT PRIMARY KEY, v TEXT) WITHOUT ROWID;",
		   "CREATE TABLE kv (k TEXT PRIMARY KEY, v TEXT NOT NULL DEFAULT '', at INT) WITHOUT ROWID;",
		   "INSERT INTO kv VALUES ('a', '1'), ('b', '2');",
		   "SELECT group_concat(k || v, ',') FROM kv", "a1,b2", "a1,b2",
		   "rebuild table kv", "rebuild table kv", NULL };
	roundtrip(&w);
	trip a = { "CREATE TABLE s (id INTEGER PRIMARY KEY AUTOINCREMENT, v TEXT);",
		   "CREATE TABLE s (id INTEGER PRIMARY KEY AUTOINCREMENT, v TEXT, w INT);",
		   "INSERT INTO s (v) VALUES ('a'), ('b');",
		   "SELECT group_concat(id || v, ',') FROM s", "1a,2b", "1a,2b",
		   "add column s.w", "drop column s.w", "rebuild" };
	roundtrip(&a);
	/* A virtual table whose definition changes is dropped and created. */
	trip v = { "CREATE VIRTUAL TABLE f USING fts5(a); CREATE TABLE t (id INTEGER PRIMARY KEY, a TEXT);"
		   "CREATE TRIGGER t_ai AFTER INSERT ON t BEGIN INSERT INTO f (a) VALUES (NEW.a); END;",
		   "CREATE VIRTUAL TABLE f USING fts5(a, b); CREATE TABLE t (id INTEGER PRIMARY KEY, a TEXT NOT NULL);"
		   "CREATE TRIGGER t_ai AFTER INSERT ON t BEGIN INSERT INTO f (a) VALUES (NEW.a); END;",
		   ROWS3, SUM_A, "1:x,2:y,3:z", "1:x,2:y,3:z", "drop virtual table f", "create virtual table f",
		   NULL };
	roundtrip(&v);
}

/* No differences, no operations; the scratch database hooks. */
static void test_no_change_and_scratch(void **state)
{
	(void)state;
	char *url = NULL;
	rt_error err = { 0 };
	assert_non_null(rt_dialect_sqlite.scratch_create);
	assert_int_equal(rt_dialect_sqlite.scratch_create(NULL, &url, &err), 0);
	assert_true(!strncmp(url, "sqlite:////", 11));
	const char *path = url + 10;
	assert_int_equal(access(path, F_OK), 0);
	run_sql(path, "CREATE TABLE t (a); PRAGMA journal_mode = WAL; INSERT INTO t VALUES (1);");
	rt_dialect_sqlite.scratch_drop(NULL, url);
	assert_int_not_equal(access(path, F_OK), 0);
	char *wal = rt_xasprintf("%s-wal", path);
	assert_int_not_equal(access(wal, F_OK), 0);
	free(wal);
	free(url);

	sm_schema *e1 = rt_sm_new(), *e2 = rt_sm_new();
	sm_ops ops = diff(e1, e2);
	assert_int_equal(ops.n, 0);
	rt_sm_free(e1);
	rt_sm_free(e2);
}

/* ------------------------------------------------------------------ */
/* Random tables: many shapes, each way, with a row                     */
/* ------------------------------------------------------------------ */

static unsigned long rnd_state = 12345;

static unsigned rnd(unsigned n)
{
	rnd_state = rnd_state * 6364136223846793005UL + 1442695040888963407UL;
	return (unsigned)((rnd_state >> 33) % n);
}

/* One column definition: a type, maybe NOT NULL (always with a default), ... */
static void random_column(strbuf *sb, int i, int generated_ok)
{
	static const char *const types[] = { "INT", "TEXT", "REAL", "VARCHAR(10)", "" };
	static const char *const defs[] = { "0", "'x'", "CURRENT_TIMESTAMP", "(1 + 1)", "-1" };
	rt_strbuf_addf(sb, "c%d %s", i, types[rnd(5)]);
	if (generated_ok && rnd(6) == 0) {
		rt_strbuf_addf(sb, " AS (id * %u)%s", rnd(3) + 1, rnd(2) ? " STORED" : "");
		return;
	}
	int dflt = (int)rnd(7) - 2;
	if (dflt >= 0)
		rt_strbuf_addf(sb, " DEFAULT %s", defs[dflt]);
	if (dflt >= 0 && rnd(2))
		rt_strbuf_adds(sb, " NOT NULL");
	if (rnd(4) == 0)
		rt_strbuf_adds(sb, " COLLATE NOCASE");
	if (rnd(5) == 0)
		rt_strbuf_addf(sb, " CHECK (c%d IS NULL OR length(c%d) < %u)", i, i, 50 + rnd(3));
	if (rnd(8) == 0)
		rt_strbuf_adds(sb, " UNIQUE");
}

/* A table t with some of the columns c0..c5 in some order, and maybe an index. */
static char *random_table(void)
{
	int order[6] = { 0, 1, 2, 3, 4, 5 };
	for (int i = 5; i > 0; i--) {
		int j = (int)rnd((unsigned)i + 1), x = order[i];
		order[i] = order[j];
		order[j] = x;
	}
	strbuf sb = STRBUF_INIT;
	rt_strbuf_adds(&sb, "CREATE TABLE t (id INTEGER PRIMARY KEY");
	int n = 1 + (int)rnd(6), first = -1;
	for (int k = 0; k < n; k++) {
		rt_strbuf_adds(&sb, ", ");
		random_column(&sb, order[k], 1);
		if (first < 0 && !strstr(sb.buf + sb.len - 20, " AS ("))
			first = order[k];
	}
	rt_strbuf_addf(&sb, ")%s;", rnd(6) == 0 ? " WITHOUT ROWID" : "");
	if (rnd(3) == 0)
		rt_strbuf_addf(&sb, "CREATE INDEX t_i ON t (c%d);", order[0]);
	if (rnd(4) == 0)
		rt_strbuf_adds(&sb, "CREATE VIEW v AS SELECT * FROM t;");
	(void)first;
	return rt_strbuf_detach(&sb);
}

/* B from A: A's text with columns added at the end, or another table. */
static char *random_change(const char *a)
{
	if (rnd(2))
		return random_table();
	const char *semi = strchr(a, ';');
	const char *head_end = semi - 1;
	if (strstr(a, ") WITHOUT ROWID;"))
		head_end = strstr(a, ") WITHOUT ROWID;");
	strbuf sb = STRBUF_INIT;
	rt_strbuf_add(&sb, a, (size_t)(head_end - a));
	rt_strbuf_adds(&sb, ", ");
	random_column(&sb, 6 + (int)rnd(2), 0);
	rt_strbuf_adds(&sb, head_end);
	return rt_strbuf_detach(&sb);
}

static void test_random_tables(void **state)
{
	(void)state;
	size_t alters = 0, rebuilds = 0;
	/* RT_RANDOM_TABLES=N[:SEED] runs more (or other) pairs. */
	const char *env = getenv("RT_RANDOM_TABLES");
	int count = env ? atoi(env) : 150;
	if (count < 1)
		fail_msg("RT_RANDOM_TABLES=%s runs no pair: a test that checks nothing does not pass", env);
	if (env && strchr(env, ':'))
		rnd_state = strtoul(strchr(env, ':') + 1, NULL, 10);
	for (int i = 0; i < count; i++) {
		char *a = random_table();
		char *b = random_change(a);
		trip t = { a, b, "INSERT INTO t (id) VALUES (7);", "SELECT group_concat(id) FROM t",
			   "7", "7", NULL, NULL, NULL };
		roundtrip(&t);
		char *pa = new_db(), *pb = new_db();
		run_sql(pa, a);
		run_sql(pb, b);
		sm_schema *sa = introspect(pa), *sb = introspect(pb);
		sm_ops ops = diff(sa, sb);
		alters += count_ops(&ops, "add column") + count_ops(&ops, "drop column");
		rebuilds += count_ops(&ops, "rebuild table");
		rt_sm_ops_free(&ops);
		rt_sm_free(sa);
		rt_sm_free(sb);
		remove_db(pa);
		remove_db(pb);
		free(a);
		free(b);
	}
	printf("# random tables: %d pairs each way; %zu ALTER operations, %zu rebuilds\n",
	       count, alters, rebuilds);
	/* Both ways of changing a table were exercised (150 pairs give dozens of each). */
	if (count >= 50 && (alters < 5 || rebuilds < 5))
		fail_msg("%d random pairs gave %zu ALTER operations and %zu rebuilds: the generator no longer exercises both",
			 count, alters, rebuilds);
}

/* A schema of related objects: p, c referencing p, maybe g, log, views, a trigger. */
static char *random_schema(void)
{
	static const char *const pname[] = { "", " NOT NULL DEFAULT ''", " COLLATE NOCASE", ", extra INT" };
	static const char *const action[] = { "", " ON DELETE CASCADE", " DEFERRABLE INITIALLY DEFERRED" };
	static const char *const cv[] = { "", " NOT NULL DEFAULT 'd'", " CHECK (length(v) < 9)", ", w INT DEFAULT 0" };
	strbuf sb = STRBUF_INIT;
	rt_strbuf_addf(&sb, "CREATE TABLE p (id INTEGER PRIMARY KEY%s, name TEXT%s);",
		    rnd(4) ? "" : " AUTOINCREMENT", pname[rnd(4)]);
	rt_strbuf_addf(&sb, "CREATE TABLE c (id INTEGER PRIMARY KEY, pid INT REFERENCES p (id)%s, v TEXT%s);",
		    action[rnd(3)], cv[rnd(4)]);
	if (rnd(2))
		rt_strbuf_addf(&sb, "CREATE INDEX c_pid ON c (pid%s);", rnd(2) ? "" : ", v");
	if (rnd(2))
		rt_strbuf_adds(&sb, "CREATE TABLE g (x);");
	int v1 = rnd(3) != 0;
	if (v1)
		rt_strbuf_addf(&sb, "CREATE VIEW v1 AS SELECT p.name, c.v FROM p JOIN c ON c.pid = p.id%s;",
			    rnd(2) ? "" : " WHERE c.v IS NOT NULL");
	if (v1 && rnd(2))
		rt_strbuf_addf(&sb, "CREATE VIEW v2 AS SELECT %s FROM v1;", rnd(2) ? "*" : "name");
	if (rnd(2)) {
		rt_strbuf_adds(&sb, "CREATE TABLE log (m TEXT);");
		rt_strbuf_addf(&sb, "CREATE TRIGGER c_ai AFTER INSERT ON c BEGIN INSERT INTO log VALUES (NEW.v%s); END;",
			    rnd(2) ? "" : " || (SELECT name FROM p WHERE id = NEW.pid)");
	}
	if (rnd(3) == 0)
		rt_strbuf_addf(&sb, "CREATE TRIGGER p_ad AFTER DELETE ON p BEGIN DELETE FROM c WHERE pid = OLD.id%s; END;",
			    rnd(2) ? "" : " AND v IS NOT NULL");
	if (v1 && rnd(3) == 0)
		rt_strbuf_addf(&sb, "CREATE TRIGGER v1_ii INSTEAD OF INSERT ON v1 BEGIN INSERT INTO p (name) VALUES (%s); END;",
			    rnd(2) ? "NEW.name" : "upper(NEW.name)");
	if (rnd(3) == 0) {
		rt_strbuf_addf(&sb, "CREATE VIRTUAL TABLE f USING fts5(v%s);", rnd(2) ? "" : ", extra");
		if (rnd(2))
			rt_strbuf_adds(&sb, "CREATE TRIGGER c_f AFTER INSERT ON c BEGIN INSERT INTO f (v) VALUES (NEW.v); END;");
	}
	return rt_strbuf_detach(&sb);
}

static void test_random_schemas(void **state)
{
	(void)state;
	const char *env = getenv("RT_RANDOM_TABLES");
	int count = env ? atoi(env) : 150;
	if (count < 1)
		fail_msg("RT_RANDOM_TABLES=%s runs no pair: a test that checks nothing does not pass", env);
	for (int i = 0; i < count; i++) {
		char *a = random_schema(), *b = random_schema();
		trip t = { a, b, "INSERT INTO p (id, name) VALUES (1, 'a'); INSERT INTO c (id, pid, v) VALUES (1, 1, 'x');",
			   "SELECT (SELECT group_concat(id || name) FROM p) || (SELECT group_concat(id || pid || v) FROM c)",
			   "1a11x", "1a11x", NULL, NULL, NULL };
		roundtrip(&t);
		free(a);
		free(b);
	}
	printf("# random schemas: %d pairs each way\n", count);
}

static int group_setup(void **state)
{
	(void)state;
	snprintf(tmpdir, sizeof(tmpdir), "/tmp/rt_sqlite_schema_XXXXXX");
	return mkdtemp(tmpdir) ? 0 : -1;
}

/*
 * rt_sm_ops_render with operations of several steps (as online forms
 * give): each step under its marker, in the fixed order whatever the
 * order of the operations, every batch operation a step of its own, the
 * warnings after the first marker; all in one step: no marker at all.
 */
static void test_render_steps(void **state)
{
	(void)state;
	const rt_dialect *d = &rt_dialect_sqlite;
	sm_ops ops = { 0 };
	static const struct { sm_step step; const char *what, *sql; } v[] = {
		{ SM_STEP_VALIDATE, "validate", "VALIDATE 1" },
		{ SM_STEP_MAIN, "main one", "MAIN 1" },
		{ SM_STEP_BATCH, "fill a", "UPDATE a" },
		{ SM_STEP_CONCURRENT, "index", "CREATE INDEX x" },
		{ SM_STEP_MAIN, "main two", "MAIN 2" },
		{ SM_STEP_BATCH, "fill b", "UPDATE b" },
	};
	for (size_t i = 0; i < sizeof(v) / sizeof(*v); i++) {
		sm_op *op = rt_sm_ops_add(&ops, 0, "%s", v[i].what);
		op->step = v[i].step;
		rt_sm_op_sql(op, "%s", v[i].sql);
	}
	ops.v[3].lint_ignore = rt_xstrdup("some-rule");
	rt_strlist warnings = { 0 };
	rt_strlist_push(&warnings, "look");
	char *got = rt_sm_ops_render(d, &ops, &warnings, "upgrade");
	assert_string_equal(got,
		"-- migrate:upgrade\n-- WARNING: look\n\n"
		"-- main one\nMAIN 1;\n\n-- main two\nMAIN 2;\n"
		"\n-- migrate:upgrade batch\n-- fill a\nUPDATE a;\n"
		"\n-- migrate:upgrade batch\n-- fill b\nUPDATE b;\n"
		"\n-- migrate:upgrade transaction:false\n-- index\n-- retort:lint-ignore some-rule\nCREATE INDEX x;\n"
		"\n-- migrate:upgrade\n-- validate\nVALIDATE 1;\n");
	free(got);
	for (size_t i = 0; i < ops.n; i++)
		ops.v[i].step = SM_STEP_MAIN;
	got = rt_sm_ops_render(d, &ops, NULL, "downgrade");
	assert_null(strstr(got, "-- migrate:"));
	assert_non_null(strstr(got, "-- validate\nVALIDATE 1;\n\n-- main one\nMAIN 1;\n"));
	free(got);
	ops.v[0].step = SM_STEP_PRE;
	got = rt_sm_ops_render(d, &ops, NULL, "downgrade");
	const char *want = "-- migrate:downgrade transaction:false\n-- validate\nVALIDATE 1;\n\n"
			   "-- migrate:downgrade\n-- main one\n";
	assert_true(!strncmp(got, want, strlen(want)));
	free(got);
	rt_strlist_free(&warnings);
	rt_sm_ops_free(&ops);
}

static int group_teardown(void **state)
{
	(void)state;
	DIR *d = opendir(tmpdir);
	struct dirent *e;
	while (d && (e = readdir(d))) {
		if (e->d_name[0] == '.')
			continue;
		char *p = rt_xasprintf("%s/%s", tmpdir, e->d_name);
		unlink(p);
		free(p);
	}
	if (d)
		closedir(d);
	rmdir(tmpdir);
	return 0;
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_written_two_ways),
		cmocka_unit_test(test_orm_spellings),
		cmocka_unit_test(test_real_differences),
		cmocka_unit_test(test_model_fields),
		cmocka_unit_test(test_add_and_drop_column),
		cmocka_unit_test(test_add_column_rebuilds),
		cmocka_unit_test(test_column_changes),
		cmocka_unit_test_teardown(test_column_order, order_reset),
		cmocka_unit_test(test_generated_columns),
		cmocka_unit_test(test_rowids_and_sequences),
		cmocka_unit_test(test_foreign_keys),
		cmocka_unit_test(test_views_triggers_indexes),
		cmocka_unit_test(test_quoted_names),
		cmocka_unit_test(test_table_kinds),
		cmocka_unit_test(test_no_change_and_scratch),
		cmocka_unit_test(test_random_tables),
		cmocka_unit_test(test_random_schemas),
		cmocka_unit_test(test_real_schemas),
		cmocka_unit_test(test_real_schema_pairs),
		cmocka_unit_test(test_synapse_pair),
		cmocka_unit_test(test_render_steps),
	};
	return cmocka_run_group_tests(tests, group_setup, group_teardown);
}
