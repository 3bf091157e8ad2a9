/*
 * test_pg_schema.c - PostgreSQL introspection and diff against a real
 * server (helpers and the bar of exactness: pgtest.h).  The generated
 * upgrade turns schema A into exactly B and the generated downgrade
 * turns it back into A.  Covered: one schema written two ways reads
 * the same; every real schema of ../shared/schemas/pg goes from empty to
 * full and back, nothing made by hand first, with the objects retort
 * cannot diff listed exactly; the synapse pair (v54 -> v72) goes up and
 * down; and each kind of change, with rows that must survive it.
 * The other object kinds (extensions, domains, ...): test_pg_kinds.c.
 *
 * RETORT_TEST_SCHEMAS names the corpus directory (default ../shared/schemas,
 * relative to the repository); files are read from there, never copied.
 */
#include "pgtest.h"
#include "schema/rename.h"

/* ------------------------------------------------------------------ */
/* (a) one schema written two ways                                      */
/* ------------------------------------------------------------------ */

static void test_written_two_ways(void **state)
{
	(void)state;
	char *d1 = db_create("way1"), *d2 = db_create("way2");
	rt_conn *c1 = db_connect(d1), *c2 = db_connect(d2);
	db_exec(c1,
		"CREATE TYPE mood AS ENUM ('sad', 'ok', 'happy');"
		"CREATE TABLE users (id serial PRIMARY KEY, email varchar(100) NOT NULL UNIQUE,"
		" m mood DEFAULT 'ok', created timestamptz DEFAULT now(),"
		" score numeric(8,2) CHECK (score >= 0));"
		"CREATE TABLE posts (id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,"
		" user_id int REFERENCES users ON DELETE CASCADE, body text COLLATE \"C\","
		" len int GENERATED ALWAYS AS (length(body)) STORED);"
		"CREATE INDEX posts_user ON posts (user_id) WHERE body IS NOT NULL;"
		"CREATE VIEW v AS SELECT u.email, count(p.id) AS n FROM users u LEFT JOIN posts p ON p.user_id = u.id GROUP BY u.email;"
		"COMMENT ON TABLE users IS 'people';"
		"CREATE FUNCTION f(x int) RETURNS int LANGUAGE sql AS $$ SELECT x + 1 $$;");
	/* The same: other spellings, other order, another search_path, later ALTERs. */
	db_exec(c2, "CREATE SCHEMA other; SET search_path = other, public;"
		"CREATE TYPE public.mood AS ENUM ('sad', 'happy')");
	db_exec(c2, "ALTER TYPE public.mood ADD VALUE 'ok' BEFORE 'happy'"); /* committed before use */
	db_exec(c2,
		"CREATE FUNCTION public.f(x integer) RETURNS integer LANGUAGE sql AS $$ SELECT x + 1 $$;"
		"CREATE SEQUENCE public.users_id_seq AS integer;"
		"CREATE TABLE public.users (id integer NOT NULL DEFAULT nextval('public.users_id_seq'::regclass),"
		" email character varying(100) NOT NULL, m public.mood DEFAULT 'ok'::public.mood,"
		" created timestamp with time zone DEFAULT now(), score numeric(8,2));"
		"ALTER SEQUENCE public.users_id_seq OWNED BY public.users.id;"
		"ALTER TABLE public.users ADD CONSTRAINT users_pkey PRIMARY KEY (id);"
		"ALTER TABLE public.users ADD CONSTRAINT users_email_key UNIQUE (email);"
		"ALTER TABLE public.users ADD CONSTRAINT users_score_check CHECK (score >= 0::numeric);"
		"CREATE TABLE public.posts (id bigint NOT NULL, user_id integer, body text COLLATE pg_catalog.\"C\","
		" len integer GENERATED ALWAYS AS (length(body)) STORED);"
		"ALTER TABLE public.posts ALTER COLUMN id ADD GENERATED ALWAYS AS IDENTITY;"
		"ALTER TABLE public.posts ADD PRIMARY KEY (id);"
		"ALTER TABLE public.posts ADD CONSTRAINT posts_user_id_fkey FOREIGN KEY (user_id) REFERENCES public.users(id) ON DELETE CASCADE;"
		"create index posts_user on public.posts using btree (user_id) where (body is not null);"
		"create view public.v as select u.email, count(p.id) as n from public.users u left join public.posts p on (p.user_id = u.id) group by u.email;"
		"COMMENT ON TABLE public.users IS 'people'; DROP SCHEMA other; RESET search_path;");
	sm_schema *s1 = db_introspect(c1), *s2 = db_introspect(c2);
	assert_same(s1, s2, "the same schema written two ways");
	assert_int_equal(s1->ntables, 2);
	assert_int_equal(s1->nviews, 1);
	assert_int_equal(s1->nenums, 1);
	assert_int_equal(s1->nseqs, 1);
	assert_int_equal(s1->nfuncs, 1);
	assert_int_equal(s1->nunsupported, 0);
	/* Names are qualified whatever the session's search_path. */
	const sm_table *users = rt_sm_find_table(s1, "public", "users");
	assert_non_null(users);
	assert_string_equal(rt_sm_find_column(users, "id")->def, "nextval('public.users_id_seq'::regclass)");
	assert_string_equal(rt_sm_find_column(users, "m")->type, "public.mood");
	assert_string_equal(s1->seqs[0].owned_by, "public.users.id");
	const sm_table *posts = rt_sm_find_table(s1, "public", "posts");
	assert_int_equal(rt_sm_find_column(posts, "id")->identity, 'a');
	assert_string_equal(rt_sm_find_column(posts, "body")->collation, "pg_catalog.\"C\"");
	assert_string_equal(rt_sm_find_column(posts, "len")->generated, "length(body)");
	/* what the server would choose by itself is not written out */
	sm_schema *none = rt_sm_new();
	sm_ops ops;
	diff(none, s1, &ops);
	assert_sql(&ops, "id bigint GENERATED ALWAYS AS IDENTITY NOT NULL,");
	assert_sql(&ops, "CREATE SEQUENCE public.users_id_seq AS integer");
	rt_sm_ops_free(&ops);
	rt_sm_free(none);
	rt_sm_free(s1);
	rt_sm_free(s2);
	PG->disconnect(c1);
	PG->disconnect(c2);
	db_drop(d1);
	db_drop(d2);
}

/* Two texts of one schema, each in a database of its own: same model, no operation. */
static void assert_equal_texts(const char *x, const char *y)
{
	char *d1 = db_create("eq1"), *d2 = db_create("eq2");
	rt_conn *c1 = db_connect(d1), *c2 = db_connect(d2);
	db_exec(c1, x);
	db_exec(c2, y);
	sm_schema *s1 = db_introspect(c1), *s2 = db_introspect(c2);
	assert_same(s1, s2, y);
	sm_ops ops;
	diff(s1, s2, &ops);
	if (ops.n) {
		strbuf all = STRBUF_INIT;
		ops_text(&ops, &all);
		fail_msg("operations between two texts of one schema:\n%s", all.buf);
	}
	rt_sm_ops_free(&ops);
	rt_sm_free(s1);
	rt_sm_free(s2);
	PG->disconnect(c1);
	PG->disconnect(c2);
	db_drop(d1);
	db_drop(d2);
}

/*
 * One model as SQLAlchemy and Django write its DDL for PostgreSQL, as
 * pg_dump gives it back, and as people write it by hand: users,
 * categories, posts with foreign keys, an index, an enum type.  Each pair
 * is one schema: no difference, no operation.
 */
static void test_orm_spellings(void **state)
{
	(void)state;
	/* SQLAlchemy 1.4's CreateEnumType/CreateTable/CreateIndex for the postgresql dialect */
	static const char *const sqlalchemy =
		"CREATE TYPE post_status AS ENUM ('draft', 'published');\n"
		"CREATE TABLE categories (\n\tid SERIAL NOT NULL, \n\tname VARCHAR(80) NOT NULL, \n\tPRIMARY KEY (id)\n);\n"
		"CREATE TABLE users (\n\tid SERIAL NOT NULL, \n\tusername VARCHAR(50) NOT NULL, \n"
		"\temail VARCHAR(120) NOT NULL, \n\tis_active BOOLEAN DEFAULT '1', \n"
		"\tcreated_at TIMESTAMP WITHOUT TIME ZONE DEFAULT now(), \n\tPRIMARY KEY (id), \n"
		"\tUNIQUE (username), \n\tUNIQUE (email)\n);\n"
		"CREATE TABLE posts (\n\tid SERIAL NOT NULL, \n\ttitle VARCHAR(200) NOT NULL, \n\tbody TEXT, \n"
		"\tprice NUMERIC(10, 2), \n\tstatus post_status DEFAULT 'draft' NOT NULL, \n"
		"\tpublished_at TIMESTAMP WITH TIME ZONE, \n\tauthor_id INTEGER NOT NULL, \n\tcategory_id INTEGER, \n"
		"\tPRIMARY KEY (id), \n\tFOREIGN KEY(author_id) REFERENCES users (id), \n"
		"\tFOREIGN KEY(category_id) REFERENCES categories (id) ON DELETE SET NULL\n);\n"
		"CREATE INDEX ix_posts_category_id ON posts (category_id);\n"
		"CREATE INDEX ix_posts_title ON posts (title);\n";
	static const char *const by_hand =
		"CREATE TYPE post_status AS ENUM ('draft', 'published');\n"
		"CREATE TABLE users (\n"
		"    id serial PRIMARY KEY,\n"
		"    username varchar(50) NOT NULL UNIQUE,\n"
		"    email varchar(120) NOT NULL UNIQUE,\n"
		"    is_active boolean DEFAULT true,\n"
		"    created_at timestamp DEFAULT CURRENT_TIMESTAMP\n"
		");\n"
		"CREATE TABLE categories (id serial PRIMARY KEY, name varchar(80) NOT NULL);\n"
		"CREATE TABLE posts (\n"
		"    id serial PRIMARY KEY,\n"
		"    title varchar(200) NOT NULL,\n"
		"    body text,\n"
		"    price numeric(10,2),\n"
		"    status post_status NOT NULL DEFAULT 'draft',\n"
		"    published_at timestamptz,\n"
		"    author_id int NOT NULL REFERENCES users,\n"
		"    category_id int REFERENCES categories ON DELETE SET NULL\n"
		");\n"
		"CREATE INDEX ix_posts_category_id ON posts USING btree (category_id ASC);\n"
		"CREATE INDEX ix_posts_title ON posts (title);\n";
	/* pg_dump 15's rendering of the same (the serial columns as sequences) */
	static const char *const pg_dump =
		"CREATE TYPE public.post_status AS ENUM ('draft', 'published');\n"
		"CREATE TABLE public.categories (id integer NOT NULL, name character varying(80) NOT NULL);\n"
		"CREATE SEQUENCE public.categories_id_seq AS integer START WITH 1 INCREMENT BY 1 NO MINVALUE NO MAXVALUE CACHE 1;\n"
		"ALTER SEQUENCE public.categories_id_seq OWNED BY public.categories.id;\n"
		"CREATE TABLE public.posts (id integer NOT NULL, title character varying(200) NOT NULL, body text,"
		" price numeric(10,2), status public.post_status DEFAULT 'draft'::public.post_status NOT NULL,"
		" published_at timestamp with time zone, author_id integer NOT NULL, category_id integer);\n"
		"CREATE SEQUENCE public.posts_id_seq AS integer START WITH 1 INCREMENT BY 1 NO MINVALUE NO MAXVALUE CACHE 1;\n"
		"ALTER SEQUENCE public.posts_id_seq OWNED BY public.posts.id;\n"
		"CREATE TABLE public.users (id integer NOT NULL, username character varying(50) NOT NULL,"
		" email character varying(120) NOT NULL, is_active boolean DEFAULT true,"
		" created_at timestamp without time zone DEFAULT now());\n"
		"CREATE SEQUENCE public.users_id_seq AS integer START WITH 1 INCREMENT BY 1 NO MINVALUE NO MAXVALUE CACHE 1;\n"
		"ALTER SEQUENCE public.users_id_seq OWNED BY public.users.id;\n"
		"ALTER TABLE ONLY public.categories ALTER COLUMN id SET DEFAULT nextval('public.categories_id_seq'::regclass);\n"
		"ALTER TABLE ONLY public.posts ALTER COLUMN id SET DEFAULT nextval('public.posts_id_seq'::regclass);\n"
		"ALTER TABLE ONLY public.users ALTER COLUMN id SET DEFAULT nextval('public.users_id_seq'::regclass);\n"
		"ALTER TABLE ONLY public.categories ADD CONSTRAINT categories_pkey PRIMARY KEY (id);\n"
		"ALTER TABLE ONLY public.posts ADD CONSTRAINT posts_pkey PRIMARY KEY (id);\n"
		"ALTER TABLE ONLY public.users ADD CONSTRAINT users_email_key UNIQUE (email);\n"
		"ALTER TABLE ONLY public.users ADD CONSTRAINT users_pkey PRIMARY KEY (id);\n"
		"ALTER TABLE ONLY public.users ADD CONSTRAINT users_username_key UNIQUE (username);\n"
		"CREATE INDEX ix_posts_category_id ON public.posts USING btree (category_id);\n"
		"CREATE INDEX ix_posts_title ON public.posts USING btree (title);\n"
		"ALTER TABLE ONLY public.posts ADD CONSTRAINT posts_author_id_fkey FOREIGN KEY (author_id) REFERENCES public.users(id);\n"
		"ALTER TABLE ONLY public.posts ADD CONSTRAINT posts_category_id_fkey FOREIGN KEY (category_id)"
		" REFERENCES public.categories(id) ON DELETE SET NULL;\n";
	assert_equal_texts(sqlalchemy, by_hand);
	assert_equal_texts(sqlalchemy, pg_dump);
	/* Django 4.2's sqlmigrate output for PostgreSQL, and the same by hand */
	assert_equal_texts(
		"CREATE TABLE \"blog_category\" (\"id\" bigint NOT NULL PRIMARY KEY GENERATED BY DEFAULT AS IDENTITY,"
		" \"name\" varchar(80) NOT NULL);\n"
		"CREATE TABLE \"blog_post\" (\"id\" bigint NOT NULL PRIMARY KEY GENERATED BY DEFAULT AS IDENTITY,"
		" \"title\" varchar(200) NOT NULL, \"body\" text NOT NULL, \"price\" numeric(10, 2) NULL,"
		" \"published\" boolean NOT NULL, \"created\" timestamp with time zone NOT NULL, \"category_id\" bigint NULL);\n"
		"ALTER TABLE \"blog_post\" ADD CONSTRAINT \"blog_post_category_id_9ec1c5e9_fk_blog_category_id\""
		" FOREIGN KEY (\"category_id\") REFERENCES \"blog_category\" (\"id\") DEFERRABLE INITIALLY DEFERRED;\n"
		"CREATE INDEX \"blog_post_category_id_9ec1c5e9\" ON \"blog_post\" (\"category_id\");\n"
		"CREATE INDEX \"blog_post_title_2bd8f1_like\" ON \"blog_post\" (\"title\" varchar_pattern_ops);\n",
		"CREATE TABLE blog_category (id bigint GENERATED BY DEFAULT AS IDENTITY PRIMARY KEY, name varchar(80) NOT NULL);\n"
		"CREATE TABLE blog_post (\n"
		"    id bigint GENERATED BY DEFAULT AS IDENTITY PRIMARY KEY,\n"
		"    title varchar(200) NOT NULL,\n"
		"    body text NOT NULL,\n"
		"    price numeric(10,2),\n"
		"    published bool NOT NULL,\n"
		"    created timestamptz NOT NULL,\n"
		"    category_id bigint CONSTRAINT blog_post_category_id_9ec1c5e9_fk_blog_category_id\n"
		"        REFERENCES blog_category DEFERRABLE INITIALLY DEFERRED\n"
		");\n"
		"CREATE INDEX blog_post_category_id_9ec1c5e9 ON blog_post (category_id);\n"
		"CREATE INDEX blog_post_title_2bd8f1_like ON blog_post USING btree (title varchar_pattern_ops);\n");
	/* one function, three spellings; and the renderings a database from before PostgreSQL 10 keeps */
	assert_equal_texts(
		"CREATE TABLE t (a timestamptz DEFAULT now(), b timestamptz DEFAULT transaction_timestamp(),"
		" c date DEFAULT ('now'::text)::date, d name DEFAULT \"current_user\"(), e text DEFAULT 'now()')",
		"CREATE TABLE t (a timestamptz DEFAULT CURRENT_TIMESTAMP, b timestamptz DEFAULT CURRENT_TIMESTAMP,"
		" c date DEFAULT CURRENT_DATE, d name DEFAULT CURRENT_USER, e text DEFAULT 'now()')");
	/* ... while what differs still does */
	char *d1 = db_create("ne1"), *d2 = db_create("ne2");
	rt_conn *c1 = db_connect(d1), *c2 = db_connect(d2);
	db_exec(c1, "CREATE TABLE t (a timestamptz DEFAULT now(), s text DEFAULT 'now()')");
	db_exec(c2, "CREATE TABLE t (a timestamptz DEFAULT statement_timestamp(), s text DEFAULT 'CURRENT_TIMESTAMP')");
	sm_schema *s1 = db_introspect(c1), *s2 = db_introspect(c2);
	assert_int_equal(rt_sm_compare(s1, s2, 0, NULL), 2);
	rt_sm_free(s1);
	rt_sm_free(s2);
	PG->disconnect(c1);
	PG->disconnect(c2);
	db_drop(d1);
	db_drop(d2);
}

/* Introspection leaves the session as it was, also inside a transaction. */
static void test_session_untouched(void **state)
{
	(void)state;
	char *db = db_create("session");
	rt_conn *c = db_connect(db);
	db_exec(c, "CREATE TABLE t (a int); SET search_path = public, pg_temp; SET TimeZone = 'Asia/Tokyo'");
	sm_schema *s = db_introspect(c);
	rt_sm_free(s);
	assert_str_free(db_value(c, "SHOW search_path"), "public, pg_temp");
	assert_str_free(db_value(c, "SHOW TimeZone"), "Asia/Tokyo");
	db_exec(c, "BEGIN; CREATE TABLE u (b int)");
	s = db_introspect(c);
	assert_non_null(rt_sm_find_table(s, "public", "u")); /* sees the transaction's work */
	rt_sm_free(s);
	assert_str_free(db_value(c, "SELECT count(*) FROM u"), "0"); /* still usable */
	db_exec(c, "ROLLBACK");
	PG->disconnect(c);
	db_drop(db);
}

/* retort's version and history tables are not part of the schema. */
static void test_own_tables_skipped(void **state)
{
	(void)state;
	char *db = db_create("own");
	rt_conn *c = db_connect(db);
	db_exec(c, "CREATE SCHEMA ops; CREATE TABLE retort_version (version_num varchar(32) PRIMARY KEY);"
		   "CREATE TABLE retort_version_history (id int); CREATE TABLE ops.retort_version (v int);"
		   "CREATE TABLE app (id int)");
	sm_schema *s = db_introspect(c);
	assert_int_equal(s->ntables, 2); /* app, ops.retort_version */
	assert_non_null(rt_sm_find_table(s, "ops", "retort_version"));
	assert_null(rt_sm_find_table(s, "public", "retort_version"));
	rt_sm_free(s);
	rt_config *cfg = rt_config_new("/tmp");
	cfg->version_table_schema = rt_xstrdup("ops");
	rt_error err = { 0 };
	assert_int_equal(PG->introspect(c, cfg, &s, &err), 0);
	assert_null(rt_sm_find_table(s, "ops", "retort_version"));
	assert_non_null(rt_sm_find_table(s, "public", "retort_version"));
	rt_sm_free(s);
	rt_config_free(cfg);
	PG->disconnect(c);
	db_drop(db);
}

/* Everything the model cannot hold is named, never silently left out. */
static void test_unsupported_listed(void **state)
{
	(void)state;
	char *db = db_create("unsup");
	rt_conn *c = db_connect(db);
	db_exec(c,
		"CREATE DOMAIN posint AS integer CHECK (VALUE > 0);"
		"CREATE TYPE tag;"
		"CREATE FUNCTION tag_in(cstring) RETURNS tag LANGUAGE internal IMMUTABLE STRICT AS 'textin';"
		"CREATE FUNCTION tag_out(tag) RETURNS cstring LANGUAGE internal IMMUTABLE STRICT AS 'textout';"
		"CREATE TYPE tag (INPUT = tag_in, OUTPUT = tag_out, LIKE = text);"
		"CREATE TABLE t (id int PRIMARY KEY, owner text);"
		"CREATE TABLE parted (d date) PARTITION BY RANGE (d);"
		"CREATE TABLE parted_2024 PARTITION OF parted FOR VALUES FROM ('2024-01-01') TO ('2025-01-01');"
		"CREATE TABLE child () INHERITS (t);"
		"CREATE FUNCTION add2(int, int) RETURNS int LANGUAGE sql AS 'SELECT $1 + $2';"
		"CREATE AGGREGATE total(int) (SFUNC = add2, STYPE = int);"
		"ALTER TABLE t ENABLE ROW LEVEL SECURITY;"
		"CREATE POLICY mine ON t USING (owner = current_user);"
		"CREATE RULE no_delete AS ON DELETE TO t DO INSTEAD NOTHING;"
		"CREATE VIEW v WITH (security_barrier) AS SELECT id FROM t;"
		"CREATE SEQUENCE s; COMMENT ON SEQUENCE s IS 'x';"
		"COMMENT ON CONSTRAINT t_pkey ON t IS 'the key';"
		"CREATE STATISTICS st ON id, owner FROM t;"
		"CREATE PUBLICATION pub FOR TABLE t;"
		"GRANT SELECT ON t TO PUBLIC;"
		"ALTER TABLE t ALTER COLUMN owner SET STATISTICS 500;"
		"CREATE TABLE big (doc text, packed text COMPRESSION pglz);"
		"ALTER TABLE big ALTER COLUMN doc SET STORAGE EXTERNAL;"
		"CREATE FUNCTION noop() RETURNS trigger LANGUAGE plpgsql AS 'BEGIN RETURN NEW; END';"
		"CREATE TRIGGER quiet BEFORE INSERT ON big FOR EACH ROW EXECUTE FUNCTION noop();"
		"ALTER TABLE big DISABLE TRIGGER quiet;");
	sm_schema *s = db_introspect(c);
	const char *want[] = {
		"base type public.tag",
		"disabled trigger quiet on public.big",
		"inheritance child public.child of public.t",
		"options of view public.v (security_barrier=true)",
		"privileges on table public.t",
		"publication pub",
		"rule no_delete on public.t",
		"storage of column public.big.doc",
	};
	strbuf got = STRBUF_INIT;
	for (size_t i = 0; i < s->nunsupported; i++)
		rt_strbuf_addf(&got, "%s\n", s->unsupported[i]);
	for (size_t i = 0; i < sizeof(want) / sizeof(*want); i++)
		assert_contains(got.buf, want[i]);
	if (s->nunsupported != sizeof(want) / sizeof(*want))
		fail_msg("unsupported:\n%s", got.buf);
	/* an inheritance child is left out, its parent is there; a partition is a table */
	assert_null(rt_sm_find_table(s, "public", "child"));
	const sm_table *part = rt_sm_find_table(s, "public", "parted_2024");
	assert_non_null(part);
	assert_string_equal(part->partition_of, "public.parted");
	assert_string_equal(part->partition_bound, "FOR VALUES FROM ('2024-01-01') TO ('2025-01-01')");
	assert_string_equal(rt_sm_find_table(s, "public", "parted")->options, "PARTITION BY RANGE (d)");
	rt_strbuf_release(&got);
	rt_sm_free(s);
	PG->disconnect(c);
	db_drop(db);
}

/* ------------------------------------------------------------------ */
/* (b) the real schemas, empty -> full -> empty                          */
/* ------------------------------------------------------------------ */

typedef struct corpus_case {
	const char *file;          /* under pg/ */
	const char *const *unsupported; /* exactly what introspection lists */
} corpus_case;

#define LIST(...) ((const char *const[]){ __VA_ARGS__, NULL })

static const corpus_case corpus_cases[] = {
	{ "Chinook_PostgreSql.ddl.sql", LIST(NULL) },
	{ "northwind.ddl.sql", LIST(NULL) },
	{ "roundcube-postgres.initial.sql", LIST(NULL) },
	{ "temporal-pg12-temporal-schema.sql", LIST(NULL) },
	{ "temporal-pg12-visibility-schema.sql", LIST(NULL) },
	{ "synapse-full-72.sql.postgres", LIST(NULL) },
	{ "openstreetmap-structure.sql", LIST(NULL) },
	{ "danbooru-structure.sql", LIST(NULL) },
	{ "lago-api-structure.nopartman.sql", LIST(NULL) },
	{ "pagila-schema.noowner.sql", LIST("privileges on schema public") },
	{ "sakila-postgres-schema.noowner.sql",
	  LIST("inheritance child public.payment_p2007_01 of public.payment",
	       "inheritance child public.payment_p2007_02 of public.payment",
	       "inheritance child public.payment_p2007_03 of public.payment",
	       "inheritance child public.payment_p2007_04 of public.payment",
	       "inheritance child public.payment_p2007_05 of public.payment",
	       "inheritance child public.payment_p2007_06 of public.payment",
	       "privileges on schema public",
	       "rule payment_insert_p2007_01 on public.payment",
	       "rule payment_insert_p2007_02 on public.payment",
	       "rule payment_insert_p2007_03 on public.payment",
	       "rule payment_insert_p2007_04 on public.payment",
	       "rule payment_insert_p2007_05 on public.payment",
	       "rule payment_insert_p2007_06 on public.payment") },
};

static void assert_unsupported(const sm_schema *s, const char *const *want, const char *file)
{
	strbuf got = STRBUF_INIT, exp = STRBUF_INIT;
	for (size_t i = 0; i < s->nunsupported; i++)
		rt_strbuf_addf(&got, "%s\n", s->unsupported[i]);
	for (size_t i = 0; want[i]; i++)
		rt_strbuf_addf(&exp, "%s\n", want[i]);
	if (strcmp(rt_strbuf_str(&got), rt_strbuf_str(&exp)))
		fail_msg("%s: unsupported objects\n%s-- want --\n%s", file, rt_strbuf_str(&got),
			 rt_strbuf_str(&exp));
	rt_strbuf_release(&got);
	rt_strbuf_release(&exp);
}

/*
 * The model of db read as a scratch database is (cfg->scratch): over two
 * sessions at once, introspect_share.c.
 */
static sm_schema *introspect_shared(const char *db)
{
	rt_config *cfg = db_config(db);
	cfg->scratch = 1;
	cfg->compare_privileges = pgt_privileges;
	rt_conn *c = db_connect(db);
	sm_schema *s = NULL;
	rt_error err = { 0 };
	if (PG->introspect(c, cfg, &s, &err) < 0)
		fail_msg("introspect: %.2000s", err.message);
	PG->disconnect(c);
	rt_config_free(cfg);
	return s;
}

/*
 * Load the file into A; B is empty, nothing made in it by hand first.
 * A read over two sessions gives what one session reads.
 * B -> A by the generated upgrade must give A's model exactly, and the
 * downgrade must give B's first model back (no table, view, extension,
 * ... of the file is left).
 */
static void corpus_roundtrip(const corpus_case *k)
{
	char *path = rt_xasprintf("%s/pg/%s", corpus(), k->file);
	char *da = db_create("full"), *db = db_create("empty");
	db_load_file(da, path);
	rt_conn *a = db_connect(da), *b = db_connect(db);
	sm_schema *full = db_introspect(a);
	sm_schema *shared = introspect_shared(da);
	assert_same(full, shared, k->file);
	assert_int_equal(shared->nunsupported, full->nunsupported);
	rt_sm_free(shared);
	assert_unsupported(full, k->unsupported, k->file);
	assert_true(full->ntables > 0);
	sm_ops up, down;
	sm_schema *empty = migrate(b, full, &up, k->file);
	sm_schema *filled = db_introspect(b);
	sm_schema *back = migrate(b, empty, &down, k->file);
	rt_sm_free(back);
	sm_schema *now = db_introspect(b);
	assert_int_equal(now->ntables, 0);
	assert_int_equal(now->nviews, 0);
	assert_int_equal(now->nenums, 0);
	assert_int_equal(now->nseqs, 0);
	assert_int_equal(now->nexts, 0);
	rt_sm_free(now);
	rt_sm_free(filled);
	rt_sm_ops_free(&up);
	rt_sm_ops_free(&down);
	rt_sm_free(full);
	rt_sm_free(empty);
	PG->disconnect(a);
	PG->disconnect(b);
	db_drop(da);
	db_drop(db);
	free(path);
}

#define CORPUS_TEST(fn, i)                      \
	static void fn(void **state)              \
	{                                         \
		(void)state;                      \
		corpus_roundtrip(&corpus_cases[i]); \
	}

CORPUS_TEST(test_corpus_chinook, 0)
CORPUS_TEST(test_corpus_northwind, 1)
CORPUS_TEST(test_corpus_roundcube, 2)
CORPUS_TEST(test_corpus_temporal, 3)
CORPUS_TEST(test_corpus_temporal_visibility, 4)
CORPUS_TEST(test_corpus_synapse72, 5)
CORPUS_TEST(test_corpus_openstreetmap, 6)
CORPUS_TEST(test_corpus_danbooru, 7)
CORPUS_TEST(test_corpus_lago, 8)
CORPUS_TEST(test_corpus_pagila, 9)
CORPUS_TEST(test_corpus_sakila, 10)

/* Every file of the corpus has its case above (a new file fails here). */
static void test_corpus_complete(void **state)
{
	(void)state;
	char *cmd = rt_xasprintf("ls '%s/pg'", corpus());
	FILE *p = popen(cmd, "r");
	char line[512];
	int n = 0;
	while (p && fgets(line, sizeof(line), p)) {
		line[strcspn(line, "\n")] = '\0';
		int found = 0;
		for (size_t i = 0; i < sizeof(corpus_cases) / sizeof(*corpus_cases); i++)
			found |= !strcmp(corpus_cases[i].file, line);
		if (!found)
			fail_msg("%s/pg/%s has no case in test_pg_schema.c", corpus(), line);
		n++;
	}
	if (p)
		pclose(p);
	free(cmd);
	assert_int_equal(n, (int)(sizeof(corpus_cases) / sizeof(*corpus_cases)));
}

/* ------------------------------------------------------------------ */
/* (c) the synapse pair, v54 -> v72 -> v54                              */
/* ------------------------------------------------------------------ */

static void test_synapse_pair(void **state)
{
	(void)state;
	char *old_path = rt_xasprintf("%s/pairs/synapse/synapse-full-54.sql.postgres", corpus());
	char *new_path = rt_xasprintf("%s/pairs/synapse/synapse-full-72.sql.postgres", corpus());
	char *dold = db_create("s54"), *dnew = db_create("s72"), *dwork = db_create("work");
	db_load_file(dold, old_path);
	db_load_file(dnew, new_path);
	db_load_file(dwork, old_path);
	rt_conn *co = db_connect(dold), *cn = db_connect(dnew), *w = db_connect(dwork);
	sm_schema *s54 = db_introspect(co), *s72 = db_introspect(cn);
	assert_int_equal(s54->ntables, 123);
	assert_int_equal(s72->ntables, 138);
	assert_unsupported(s54, LIST(NULL), "synapse-full-54.sql.postgres");
	assert_unsupported(s72, corpus_cases[5].unsupported, "synapse-full-72.sql.postgres");
	/* rows that must survive both ways */
	db_exec(w, "INSERT INTO events (stream_ordering, topological_ordering, event_id, type, room_id,"
		   " processed, outlier) VALUES (7, 3, '$e', 'm.room.message', '!r', true, false)");
	sm_ops up, down;
	sm_schema *before = migrate(w, s72, &up, "synapse 54 -> 72");
	assert_op(&up, "drop column public.access_tokens.last_used", 1);
	/* column order is no difference: new columns at the end, nothing moved */
	assert_false(has_op(&up, "move column", -1));
	assert_sql(&up, "ALTER TABLE public.events ALTER COLUMN stream_ordering TYPE bigint");
	assert_str_free(db_value(w, "SELECT stream_ordering || ' ' || event_id FROM events"), "7 $e");
	sm_schema *after = migrate(w, s54, &down, "synapse 72 -> 54");
	assert_same(before, s54, "synapse 54 as loaded");
	assert_str_free(db_value(w, "SELECT stream_ordering || ' ' || event_id FROM events"), "7 $e");
	rt_sm_free(after);
	rt_sm_free(before);
	rt_sm_ops_free(&up);
	rt_sm_ops_free(&down);
	rt_sm_free(s54);
	rt_sm_free(s72);
	PG->disconnect(co);
	PG->disconnect(cn);
	PG->disconnect(w);
	db_drop(dold);
	db_drop(dnew);
	db_drop(dwork);
	free(old_path);
	free(new_path);
}

/* ------------------------------------------------------------------ */
/* (d) each kind of change, with rows                                   */
/* ------------------------------------------------------------------ */

static void test_tables_and_columns(void **state)
{
	(void)state;
	change k = {
		"CREATE TABLE a (id int PRIMARY KEY, name text NOT NULL, gone text);"
		"CREATE TABLE old_t (x int);",
		"CREATE TABLE a (id int PRIMARY KEY, name text, note varchar(20) DEFAULT 'n/a' NOT NULL);"
		"CREATE TABLE new_t (y text DEFAULT 'y');",
		"INSERT INTO a VALUES (1, 'one', 'g'), (2, 'two', NULL); INSERT INTO old_t VALUES (5)",
		"SELECT string_agg(id || name || note, ',' ORDER BY id) FROM a", "1onen/a,2twon/a",
		"SELECT string_agg(id || name || coalesce(gone, '-'), ',' ORDER BY id) FROM a", "1one-,2two-",
	};
	sm_ops up, down;
	run_change(&k, &up, &down);
	assert_op(&up, "drop column public.a.gone", 1);
	assert_op(&up, "drop table public.old_t", 1);
	assert_op(&up, "add column public.a.note", 0);
	assert_op(&up, "alter column public.a.name: nullable", 0);
	assert_op(&down, "drop table public.new_t", 1);
	assert_op(&down, "alter column public.a.name: not null", 0);
	rt_sm_ops_free(&up);
	rt_sm_ops_free(&down);
}

static void test_type_changes(void **state)
{
	(void)state;
	change k = {
		"CREATE TABLE t (a text DEFAULT '0', b integer, c varchar(10), d numeric(6,2),"
		" e int GENERATED ALWAYS AS IDENTITY, f numeric GENERATED ALWAYS AS (d * 2) STORED);",
		"CREATE TABLE t (a integer DEFAULT 0, b bigint, c varchar(20), d numeric(10,2),"
		" e bigint GENERATED ALWAYS AS IDENTITY, f numeric GENERATED ALWAYS AS (d * 2) STORED);",
		"INSERT INTO t VALUES ('12', 3, 'abc', 1.5), ('7', 4, 'de', 2.25)",
		"SELECT sum(a) + sum(b) || ' ' || string_agg(c, ',' ORDER BY c) || ' ' || sum(d) || ' ' || sum(f) FROM t",
		"26 abc,de 3.75 7.50",
		"SELECT string_agg(a, ',' ORDER BY a) || ' ' || min(pg_typeof(b)::text) FROM t", "12,7 integer",
	};
	sm_ops up, down;
	run_change(&k, &up, &down);
	assert_sql(&up, "ALTER TABLE public.t ALTER COLUMN a TYPE integer USING a::integer");
	assert_op(&up, "type text -> integer", 1);
	assert_op(&up, "type integer -> bigint", 0);   /* widening */
	assert_op(&up, "type character varying(10) -> character varying(20)", 0);
	assert_op(&down, "type bigint -> integer", 1); /* narrowing */
	assert_op(&down, "type character varying(20) -> character varying(10)", 1);
	assert_op(&down, "type numeric(10,2) -> numeric(6,2)", 1);
	/* f reads d, whose type changes: it is dropped first and added again */
	assert_op(&up, "drop column public.t.f", 0);
	assert_op(&up, "add column public.t.f", 0);
	rt_sm_ops_free(&up);
	rt_sm_ops_free(&down);
}

/*
 * Found by test_property: a foreign key between columns that both change
 * type (PostgreSQL checks the pair at each ALTER COLUMN TYPE, an enum's
 * new version included); a collation kept through a type change (ALTER
 * COLUMN TYPE without COLLATE resets it) or dropped for a type without
 * collations; a generated column declared before a moved column it reads
 * (refused: ALTER TABLE adds columns at the end only); an identity
 * column becoming numeric loses its identity first.
 */
static void test_retyped_keys_and_collations(void **state)
{
	(void)state;
	change k = {
		"CREATE TYPE e AS ENUM ('a', 'b', 'x');"
		"CREATE TABLE p (id jsonb PRIMARY KEY, k e UNIQUE);"
		"CREATE TABLE c (pid jsonb REFERENCES p (id), pk e REFERENCES p (k),"
		" v varchar(32) COLLATE \"C\", w varchar(32) COLLATE \"C\","
		" i bigint GENERATED BY DEFAULT AS IDENTITY);",
		"CREATE TYPE e AS ENUM ('a', 'b');"
		"CREATE TABLE p (id text PRIMARY KEY, k e UNIQUE);"
		"CREATE TABLE c (pid text REFERENCES p (id), pk e REFERENCES p (k),"
		" v varchar(16) COLLATE \"C\", w interval, i numeric(8,0));",
		"INSERT INTO p VALUES ('1', 'a'), ('2', 'b');"
		"INSERT INTO c VALUES ('1', 'a', 'x', '1 day'), ('2', 'b', 'y', '2 days')",
		"SELECT string_agg(concat(pid, pk, v, w), ',' ORDER BY pid::text) FROM c", "1ax1 day,2by2 days",
		"SELECT string_agg(concat(pid, pk, v, w), ',' ORDER BY pid::text) FROM c", "1ax1 day,2by2 days",
	};
	sm_ops up, down;
	run_change(&k, &up, &down);
	assert_op(&up, "drop constraint c_pid_fkey", 0);
	assert_op(&up, "drop constraint c_pk_fkey", 0);
	assert_sql(&up, "ALTER COLUMN v TYPE character varying(16) COLLATE pg_catalog.\"C\"");
	assert_sql(&up, "ALTER COLUMN w TYPE interval USING");
	assert_sql(&down, "ALTER COLUMN w TYPE character varying(32) COLLATE pg_catalog.\"C\"");
	assert_op(&up, "alter column public.c.i: drop identity", 0); /* before numeric, which takes none */
	rt_sm_ops_free(&up);
	rt_sm_ops_free(&down);

	char *d1 = db_create("g1"), *d2 = db_create("g2");
	rt_conn *c1 = db_connect(d1), *c2 = db_connect(d2);
	db_exec(c1, "CREATE TABLE t (a int, b int)");
	db_exec(c2, "CREATE TABLE t (a int, g int GENERATED ALWAYS AS (b * 2) STORED, b int)");
	sm_schema *s1 = db_introspect(c1), *s2 = db_introspect(c2);
	sm_ops ops = { 0 };
	rt_error err = { 0 };
	/* added at the end, plain columns first: b, then g which reads it */
	sm_schema *before = migrate(c1, s2, &ops, "a generated column before what it reads");
	rt_sm_free(before);
	rt_sm_ops_free(&ops);
	/* column_order = strict: both must go at the end, in an order that cannot be */
	sm_diff_opts strict = { .column_order_strict = 1 };
	assert_int_equal(PG->diff(s1, s2, &strict, &ops, &err), -1);
	assert_contains(err.message, "generated column g comes before column b, which it reads");
	assert_int_equal(ops.n, 0);
	rt_error_clear(&err);
	rt_sm_free(s1);
	rt_sm_free(s2);
	PG->disconnect(c1);
	PG->disconnect(c2);
	db_drop(d1);
	db_drop(d2);
}

/*
 * Found by test_property: a function whose result type changes is
 * dropped and made again, so the default, check and index that call it
 * go first and come back after, and so do the generated columns that call
 * it (or only their expression, when the column stops being generated);
 * a generated column changes type without USING (the server computes it
 * again and refuses USING).
 */
static void test_function_users(void **state)
{
	(void)state;
	change k = {
		"CREATE FUNCTION f(x integer) RETURNS integer LANGUAGE sql IMMUTABLE AS $$ SELECT x + 1 $$;"
		"CREATE TABLE t (a int DEFAULT f(1) CHECK (f(a) > 0), b int, g int GENERATED ALWAYS AS (b * 2) STORED,"
		" h bigint GENERATED ALWAYS AS (f(b)) STORED, p bigint GENERATED ALWAYS AS (f(a)) STORED);"
		"CREATE INDEX t_f ON t (f(b));",
		"CREATE FUNCTION f(x integer) RETURNS bigint LANGUAGE sql IMMUTABLE AS $$ SELECT x + 1 $$;"
		"CREATE TABLE t (a int DEFAULT f(1) CHECK (f(a) > 0), b int, g bigint GENERATED ALWAYS AS (b * 2) STORED,"
		" h bigint GENERATED ALWAYS AS (f(b)) STORED, p bigint);"
		"CREATE INDEX t_f ON t (f(b));",
		"INSERT INTO t (a, b) VALUES (1, 2)",
		"SELECT a || ' ' || b || ' ' || g || ' ' || pg_typeof(g) || ' ' || h || ' ' || p FROM t",
		"1 2 4 bigint 3 2",
		"SELECT a || ' ' || b || ' ' || g || ' ' || pg_typeof(g) || ' ' || h || ' ' || p FROM t",
		"1 2 4 integer 3 2",
	};
	sm_ops up, down;
	run_change(&k, &up, &down);
	assert_op(&up, "alter column public.t.a: drop default (its function is dropped)", 0);
	assert_op(&up, "drop constraint t_a_check", 0);
	assert_op(&up, "drop index public.t_f", 0);
	assert_sql(&up, "ALTER COLUMN g TYPE bigint");
	/* the generated columns calling f: h goes and comes back, p keeps its values */
	assert_op(&up, "drop column public.t.h", 0);
	assert_op(&up, "add column public.t.h", 0);
	assert_op(&up, "alter column public.t.p: no longer generated", 0);
	rt_sm_ops_free(&up);
	rt_sm_ops_free(&down);
}

static void test_defaults_identity_generated(void **state)
{
	(void)state;
	change k = {
		"CREATE TABLE t (id int GENERATED BY DEFAULT AS IDENTITY, n int DEFAULT 1, s int,"
		" w text COLLATE \"C\", k bigint GENERATED ALWAYS AS IDENTITY (START WITH 10),"
		" plain int, g int GENERATED ALWAYS AS (n * 2) STORED);",
		"CREATE TABLE t (id int GENERATED ALWAYS AS IDENTITY (INCREMENT BY 5), n int DEFAULT 2,"
		" s int GENERATED BY DEFAULT AS IDENTITY, w text, k bigint,"
		" plain int GENERATED ALWAYS AS (n + 100) STORED, g int GENERATED ALWAYS AS (n * 3) STORED);",
		"INSERT INTO t (id, n, s, plain, w) VALUES (1, 4, 9, 5, 'x')",
		"SELECT id || ' ' || n || ' ' || s || ' ' || g || ' ' || plain || ' ' || w || ' ' || k FROM t",
		"1 4 9 12 104 x 10",
		"SELECT id || ' ' || n || ' ' || s || ' ' || g || ' ' || plain || ' ' || w || ' ' || k FROM t",
		"1 4 9 8 104 x 10", /* DROP EXPRESSION keeps the values */
	};
	sm_ops up, down;
	run_change(&k, &up, &down);
	assert_op(&up, "alter column public.t.id: identity kind", 0);
	assert_op(&up, "alter column public.t.id: identity options", 0);
	assert_op(&up, "alter column public.t.s: add identity", 0);
	assert_op(&up, "alter column public.t.k: drop identity", 0);
	assert_op(&up, "drop column public.t.plain", 1); /* becomes generated: its data is replaced */
	assert_op(&up, "alter column public.t.w: type text", 0);
	assert_op(&down, "alter column public.t.plain: no longer generated", 0);
	rt_sm_ops_free(&up);
	rt_sm_ops_free(&down);
}

static void test_constraints(void **state)
{
	(void)state;
	change k = {
		"CREATE TABLE p (id int PRIMARY KEY, code text UNIQUE);"
		"CREATE TABLE c (id int PRIMARY KEY, p_id int REFERENCES p ON DELETE CASCADE, q int CHECK (q > 0),"
		" code text);"
		"ALTER TABLE c ADD CONSTRAINT c_q_small CHECK (q < 100) NOT VALID;",
		"CREATE TABLE p (id int, code text NOT NULL, CONSTRAINT p_pkey PRIMARY KEY (id, code));"
		"CREATE TABLE c (id int PRIMARY KEY, p_id int, q int CHECK (q > 1), code text,"
		" CONSTRAINT c_p_fkey FOREIGN KEY (p_id, code) REFERENCES p (id, code) ON UPDATE CASCADE"
		" DEFERRABLE INITIALLY DEFERRED, CONSTRAINT c_q_small CHECK (q < 100),"
		" CONSTRAINT c_code_key UNIQUE (code) DEFERRABLE);",
		"INSERT INTO p VALUES (1, 'x'), (2, 'y'); INSERT INTO c VALUES (10, 1, 5, 'x'), (11, 2, 6, 'y')",
		"SELECT count(*) FROM c JOIN p ON p.id = c.p_id AND p.code = c.code", "2",
		"SELECT count(*) FROM c JOIN p ON p.id = c.p_id", "2",
	};
	sm_ops up, down;
	run_change(&k, &up, &down);
	assert_op(&up, "validate constraint c_q_small on public.c", 0);
	assert_op(&up, "drop constraint p_pkey on public.p", 0);
	assert_op(&up, "drop constraint c_p_id_fkey on public.c", 0);
	assert_op(&up, "add foreign key c_p_fkey on public.c", 0);
	assert_sql(&down, "CHECK ((q < 100)) NOT VALID");
	rt_sm_ops_free(&up);
	rt_sm_ops_free(&down);
}

/* Exclusion constraints, key storage parameters, sequence and identity details. */
static void test_keys_and_sequences_in_detail(void **state)
{
	(void)state;
	change k = {
		"CREATE TABLE r (id int GENERATED ALWAYS AS IDENTITY, during tsrange, room int,"
		" CONSTRAINT r_pkey PRIMARY KEY (id),"
		" CONSTRAINT r_no_overlap EXCLUDE USING gist (during WITH &&));"
		"CREATE SEQUENCE down_seq; CREATE TYPE nothing AS ENUM ();",
		"CREATE TABLE r (id int GENERATED ALWAYS AS IDENTITY (SEQUENCE NAME r_ident START WITH 100),"
		" during tsrange, room int, CONSTRAINT r_pkey PRIMARY KEY (id) WITH (fillfactor = 80),"
		" CONSTRAINT r_no_overlap EXCLUDE USING gist (during WITH &&) WITH (fillfactor = 90) WHERE (room > 0));"
		"CREATE SEQUENCE down_seq INCREMENT BY -1 MINVALUE -50 MAXVALUE 100 START 1;"
		"CREATE TYPE nothing AS ENUM ('something');",
		"INSERT INTO r (during, room) VALUES ('[2024-01-01, 2024-01-02)', 1)",
		"SELECT count(*) || ' ' || nextval('down_seq') FROM r", "1 1",
		"SELECT count(*) || ' ' || nextval('down_seq') FROM r", "1 2",
	};
	sm_ops up;
	run_change(&k, &up, NULL);
	assert_sql(&up, "PRIMARY KEY (id) WITH (fillfactor=80)");
	assert_sql(&up, "EXCLUDE USING gist (during WITH &&) WITH (fillfactor='90') WHERE ((room > 0))");
	assert_sql(&up, "ALTER SEQUENCE public.r_id_seq RENAME TO r_ident");
	assert_sql(&up, "SET START WITH 100");
	assert_sql(&up, "ALTER SEQUENCE public.down_seq INCREMENT BY -1 MINVALUE -50 MAXVALUE 100");
	rt_sm_ops_free(&up);
}

/* A primary key replaced under a foreign key that stays: the key is dropped and added around it. */
static void test_key_under_foreign_key(void **state)
{
	(void)state;
	change k = {
		"CREATE TABLE p (id int, CONSTRAINT p_pkey PRIMARY KEY (id));"
		"CREATE TABLE c (p_id int CONSTRAINT c_fk REFERENCES p (id));",
		"CREATE TABLE p (id int, CONSTRAINT p_pkey PRIMARY KEY (id) WITH (fillfactor = 70));"
		"CREATE TABLE c (p_id int CONSTRAINT c_fk REFERENCES p (id));",
		"INSERT INTO p VALUES (1); INSERT INTO c VALUES (1)",
		"SELECT count(*) FROM c", "1", "SELECT count(*) FROM p", "1",
	};
	sm_ops up;
	run_change(&k, &up, NULL);
	assert_op(&up, "drop constraint c_fk on public.c", 0);
	assert_op(&up, "add foreign key c_fk on public.c", 0);
	rt_sm_ops_free(&up);
}

static void test_indexes(void **state)
{
	(void)state;
	change k = {
		"CREATE TABLE t (a int, b text, c jsonb, d int);"
		"CREATE INDEX t_a ON t (a); CREATE INDEX t_gone ON t (d); CREATE UNIQUE INDEX t_b ON t (b);",
		"CREATE TABLE t (a int, b text, c jsonb, d int);"
		"CREATE INDEX t_a ON t (a DESC NULLS LAST) INCLUDE (d); CREATE UNIQUE INDEX t_b ON t (lower(b)) WHERE a > 0;"
		"CREATE INDEX t_c ON t USING gin (c jsonb_path_ops); CREATE INDEX t_h ON t USING hash (b);"
		"COMMENT ON INDEX t_c IS 'documents';",
		"INSERT INTO t VALUES (1, 'A', '{\"k\": 1}', 2)",
		"SELECT count(*) FROM t", "1", "SELECT count(*) FROM t", "1",
	};
	sm_ops up;
	run_change(&k, &up, NULL);
	assert_op(&up, "drop index public.t_a", 0);
	assert_op(&up, "create index public.t_a", 0);
	assert_op(&up, "drop index public.t_gone", 0);
	assert_op(&up, "create index public.t_c", 0);
	assert_op(&up, "comment on index public.t_c", 0);
	rt_sm_ops_free(&up);
}

static void test_views(void **state)
{
	(void)state;
	change k = {
		"CREATE TABLE t (id int, amount int, label text);"
		"CREATE VIEW v1 AS SELECT id, amount FROM t;"
		"CREATE VIEW v2 AS SELECT id FROM v1 WHERE amount > 0;"
		"CREATE VIEW v3 AS SELECT label FROM t;"
		"CREATE MATERIALIZED VIEW m AS SELECT id, amount FROM t; CREATE INDEX m_id ON m (id);"
		"CREATE VIEW keep AS SELECT label FROM t;",
		"CREATE TABLE t (id int, amount bigint, label text);"
		"CREATE VIEW v1 AS SELECT id, amount FROM t;"
		"CREATE VIEW v2 AS SELECT id FROM v1 WHERE amount > 0;"
		"CREATE VIEW v3 AS SELECT label, upper(label) AS shout FROM t;"
		"CREATE MATERIALIZED VIEW m AS SELECT id, amount FROM t WHERE id > 0; CREATE UNIQUE INDEX m_id ON m (id);"
		"COMMENT ON MATERIALIZED VIEW m IS 'cached';"
		"CREATE VIEW keep AS SELECT label::varchar AS label FROM t;",
		"INSERT INTO t VALUES (1, 10, 'a'), (2, -1, 'b')",
		"SELECT (SELECT count(*) FROM v2) || ' ' || (SELECT string_agg(shout, '') FROM v3) || ' ' || (SELECT count(*) FROM m)",
		"1 AB 2",
		"SELECT (SELECT count(*) FROM v2) || ' ' || (SELECT count(*) FROM m)", "1 2",
	};
	sm_ops up;
	run_change(&k, &up, NULL);
	/* the column type of t.amount changes: v1 and v2 (through v1) are made again */
	assert_op(&up, "drop view public.v1", 0);
	assert_op(&up, "drop view public.v2", 0);
	assert_op(&up, "create view public.v2", 0);
	/* v3 only gains a column at the end: replaced in place */
	assert_op(&up, "replace view public.v3", 0);
	assert_op(&up, "drop materialized view public.m", 0);
	assert_op(&up, "create materialized view public.m", 0);
	assert_op(&up, "drop view public.keep", 0); /* a column's type changes: not replaceable */
	rt_sm_ops_free(&up);
}

static void test_sequences_and_schemas(void **state)
{
	(void)state;
	change k = {
		"CREATE SEQUENCE s1; CREATE SEQUENCE gone_seq; CREATE TABLE t (id int DEFAULT nextval('s1'));"
		"ALTER SEQUENCE s1 OWNED BY t.id; CREATE SCHEMA old_app; CREATE TABLE old_app.x (a int);",
		"CREATE SEQUENCE s1 AS bigint INCREMENT BY 10 CYCLE; CREATE TABLE t (id int DEFAULT nextval('s1'));"
		"CREATE SCHEMA app; CREATE SEQUENCE app.s2 START 100; CREATE TABLE app.y (b int DEFAULT nextval('app.s2'));"
		"ALTER SEQUENCE app.s2 OWNED BY app.y.b; CREATE VIEW app.v AS SELECT b FROM app.y;",
		"INSERT INTO t DEFAULT VALUES",
		"SELECT count(*) || ' ' || (SELECT nextval('app.s2')) FROM t", "1 100",
		"SELECT count(*) FROM t", "1",
	};
	sm_ops up, down;
	run_change(&k, &up, &down);
	assert_op(&up, "create schema app", 0);
	assert_op(&up, "alter sequence public.s1", 0);
	assert_op(&up, "sequence public.s1: owned by nothing", 0);
	assert_op(&up, "drop sequence public.gone_seq", 0);
	assert_op(&up, "sequence app.s2: owned by app.y.b", 0);
	assert_op(&up, "drop schema old_app", 1);
	assert_op(&down, "drop schema app", 1);
	rt_sm_ops_free(&up);
	rt_sm_ops_free(&down);
}

static void test_enum_values(void **state)
{
	(void)state;
	/* added values: ALTER TYPE ... ADD VALUE, rows untouched */
	change add = {
		"CREATE TYPE st AS ENUM ('new', 'done'); CREATE TABLE t (s st DEFAULT 'new');",
		"CREATE TYPE st AS ENUM ('draft', 'new', 'doing', 'done', 'archived'); CREATE TABLE t (s st DEFAULT 'new');",
		"INSERT INTO t VALUES ('new'), ('done')",
		"SELECT string_agg(s::text, ',' ORDER BY s) FROM t", "new,done",
		"SELECT string_agg(s::text, ',' ORDER BY s) FROM t", "new,done",
	};
	sm_ops up, down;
	run_change(&add, &up, &down);
	assert_sql(&up, "ALTER TYPE public.st ADD VALUE 'draft' BEFORE 'new'");
	assert_sql(&up, "ALTER TYPE public.st ADD VALUE 'doing' AFTER 'new'");
	assert_sql(&up, "ALTER TYPE public.st ADD VALUE 'archived' AFTER 'done'");
	/* the way back removes values: the rename-create-recast-drop dance */
	assert_op(&down, "type public.st: values removed (recreated)", 1);
	rt_sm_ops_free(&up);
	rt_sm_ops_free(&down);

	/* a new value used in the same migration (which PostgreSQL refuses) is pointed out */
	char *d1 = db_create("e1"), *d2 = db_create("e2");
	rt_conn *c1 = db_connect(d1), *c2 = db_connect(d2);
	db_exec(c1, "CREATE TYPE st AS ENUM ('new')");
	db_exec(c2, "CREATE TYPE st AS ENUM ('draft', 'new'); CREATE TABLE u (s st DEFAULT 'draft')");
	sm_schema *s1 = db_introspect(c1), *s2 = db_introspect(c2);
	diff(s1, s2, &up);
	assert_op(&up, "type public.st: add value draft", 0);
	assert_contains(up.v[0].note, "cannot use the new value draft");
	rt_sm_ops_free(&up);
	rt_sm_free(s1);
	rt_sm_free(s2);
	PG->disconnect(c1);
	PG->disconnect(c2);
	db_drop(d1);
	db_drop(d2);
}

static void test_enum_dance(void **state)
{
	(void)state;
	/* removed and reordered values, used by columns, arrays, defaults,
	 * a partial index, a check, a view and a function's signature */
	change k = {
		"CREATE TYPE st AS ENUM ('a', 'b', 'c', 'old');"
		"CREATE TABLE t (id int, s st NOT NULL DEFAULT 'a', hist st[] DEFAULT '{a}', CHECK (s <> 'c'));"
		"CREATE INDEX t_b ON t (id) WHERE s = 'b';"
		"CREATE VIEW v AS SELECT id, s FROM t WHERE s <> 'a'::st;"
		"CREATE FUNCTION first_st(x st) RETURNS st LANGUAGE sql AS 'SELECT x';",
		"CREATE TYPE st AS ENUM ('c', 'b', 'a');"
		"CREATE TABLE t (id int, s st NOT NULL DEFAULT 'a', hist st[] DEFAULT '{a}', CHECK (s <> 'c'));"
		"CREATE INDEX t_b ON t (id) WHERE s = 'b';"
		"CREATE VIEW v AS SELECT id, s FROM t WHERE s <> 'a'::st;"
		"CREATE FUNCTION first_st(x st) RETURNS st LANGUAGE sql AS 'SELECT x';",
		"INSERT INTO t VALUES (1, 'a', '{a,b}'), (2, 'b', '{b}')",
		"SELECT string_agg(id || s::text || hist::text, ',' ORDER BY s) || ' ' || (SELECT count(*) FROM v) FROM t",
		"2b{b},1a{a,b} 1",
		"SELECT string_agg(id || s::text || hist::text, ',' ORDER BY s) || ' ' || (SELECT count(*) FROM v) FROM t",
		"1a{a,b},2b{b} 1",
	};
	sm_ops up, down;
	run_change(&k, &up, &down);
	assert_op(&up, "type public.st: values removed (recreated)", 1);
	assert_sql(&up, "ALTER TYPE public.st RENAME TO st__retort_old");
	assert_sql(&up, "ALTER TABLE public.t ALTER COLUMN s TYPE public.st USING s::text::public.st");
	assert_sql(&up, "ALTER TABLE public.t ALTER COLUMN hist TYPE public.st[] USING hist::text[]::public.st[]");
	assert_sql(&up, "DROP TYPE public.st__retort_old");
	assert_op(&down, "type public.st: values reordered (recreated)", 0);
	rt_sm_ops_free(&up);
	rt_sm_ops_free(&down);
}

/* A column moving to another enum type (a rename of the type): cast through text. */
static void test_enum_to_enum(void **state)
{
	(void)state;
	change k = {
		"CREATE TYPE old_st AS ENUM ('a', 'b'); CREATE TABLE t (s old_st, h old_st[]);",
		"CREATE TYPE new_st AS ENUM ('a', 'b', 'c'); CREATE TABLE t (s new_st, h new_st[]);",
		"INSERT INTO t VALUES ('b', '{a,b}')",
		"SELECT s::text || h::text || pg_typeof(s) FROM t", "b{a,b}new_st",
		"SELECT s::text || h::text || pg_typeof(s) FROM t", "b{a,b}old_st",
	};
	sm_ops up;
	run_change(&k, &up, NULL);
	assert_sql(&up, "ALTER TABLE public.t ALTER COLUMN s TYPE public.new_st USING s::text::public.new_st");
	assert_sql(&up, "ALTER TABLE public.t ALTER COLUMN h TYPE public.new_st[] USING h::text[]::public.new_st[]");
	rt_sm_ops_free(&up);
}

static void test_functions_and_triggers(void **state)
{
	(void)state;
	change k = {
		"CREATE TABLE t (id int, n int, touched int DEFAULT 0);"
		"CREATE FUNCTION bump() RETURNS trigger LANGUAGE plpgsql AS $$BEGIN NEW.touched := 1; RETURN NEW; END$$;"
		"CREATE TRIGGER t_bump BEFORE UPDATE ON t FOR EACH ROW EXECUTE FUNCTION bump();"
		"CREATE FUNCTION twice(x int) RETURNS int LANGUAGE sql IMMUTABLE AS 'SELECT x * 2';"
		"CREATE FUNCTION label(x int) RETURNS text LANGUAGE sql AS 'SELECT x::text';"
		"CREATE PROCEDURE reset_all() LANGUAGE sql AS 'UPDATE t SET n = 0';"
		"CREATE FUNCTION rows_of() RETURNS SETOF t LANGUAGE sql AS 'SELECT * FROM t';"
		"COMMENT ON FUNCTION twice(int) IS 'doubles';",
		"CREATE TABLE t (id int, n int, touched int DEFAULT 0);"
		"CREATE FUNCTION bump() RETURNS trigger LANGUAGE plpgsql AS $$BEGIN NEW.touched := 2; RETURN NEW; END$$;"
		"CREATE TRIGGER t_bump BEFORE INSERT OR UPDATE ON t FOR EACH ROW WHEN (true) EXECUTE FUNCTION bump();"
		"CREATE FUNCTION twice(x int) RETURNS int LANGUAGE sql IMMUTABLE AS 'SELECT x + x';"
		"CREATE FUNCTION label(x int) RETURNS varchar LANGUAGE sql AS 'SELECT x::text';"
		"CREATE PROCEDURE reset_all() LANGUAGE sql AS 'UPDATE t SET n = 1';"
		"CREATE FUNCTION rows_of() RETURNS SETOF t LANGUAGE sql AS 'SELECT * FROM t WHERE n > 0';"
		"CREATE INDEX t_twice ON t (twice(n));"
		"COMMENT ON FUNCTION twice(int) IS 'doubles, by adding';",
		"INSERT INTO t (id, n) VALUES (1, 5)",
		"UPDATE t SET n = twice(n) RETURNING touched::text || n", "210",
		"UPDATE t SET n = twice(n) RETURNING touched::text || n", "120",
	};
	sm_ops up;
	run_change(&k, &up, NULL);
	assert_op(&up, "replace function public.bump()", 0);
	assert_op(&up, "replace function public.twice(integer)", 0);
	assert_op(&up, "drop function public.label(integer)", 0); /* result type changes */
	assert_op(&up, "create function public.label(integer)", 0);
	assert_op(&up, "replace procedure public.reset_all()", 0);
	assert_op(&up, "replace function public.rows_of()", 0);
	assert_op(&up, "drop trigger t_bump on public.t", 0);
	assert_op(&up, "create trigger t_bump on public.t", 0);
	assert_op(&up, "comment on function public.twice(integer)", 0);
	rt_sm_ops_free(&up);
}

static void test_comments_and_options(void **state)
{
	(void)state;
	change k = {
		"CREATE TABLE t (a int, b int) WITH (fillfactor = 70); COMMENT ON TABLE t IS 'old';"
		"COMMENT ON COLUMN t.a IS 'the a'; CREATE TYPE e AS ENUM ('x'); COMMENT ON TYPE e IS 'an e';"
		"CREATE VIEW v AS SELECT a FROM t; CREATE UNLOGGED TABLE cache (k text);",
		"CREATE TABLE t (a int, b int) WITH (fillfactor = 50, autovacuum_enabled = false);"
		"COMMENT ON TABLE t IS 'new, with ''quotes'''; COMMENT ON COLUMN t.b IS 'the b';"
		"CREATE TYPE e AS ENUM ('x'); CREATE VIEW v AS SELECT a FROM t; COMMENT ON VIEW v IS 'a view';"
		"CREATE TABLE cache (k text);",
		"INSERT INTO t VALUES (1, 2); INSERT INTO cache VALUES ('k')",
		"SELECT count(*) FROM t", "1", "SELECT count(*) FROM cache", "1",
	};
	sm_ops up;
	run_change(&k, &up, NULL);
	assert_sql(&up, "COMMENT ON TABLE public.t IS 'new, with ''quotes'''");
	assert_sql(&up, "COMMENT ON COLUMN public.t.a IS NULL");
	assert_sql(&up, "COMMENT ON TYPE public.e IS NULL");
	assert_sql(&up, "ALTER TABLE public.t SET (fillfactor=50, autovacuum_enabled=false)");
	assert_sql(&up, "ALTER TABLE public.cache SET LOGGED");
	rt_sm_ops_free(&up);
}

#define PG_COLS_T "(SELECT string_agg(attname, ',' ORDER BY attnum) FROM pg_attribute" \
	" WHERE attrelid = 'public.t'::regclass AND attnum > 0 AND NOT attisdropped)"

/*
 * A column declared in the middle.  By default it is added at the end
 * and nothing else moves (order is no difference); with column_order =
 * strict the columns after it move, with their data, and the downgrade
 * gives back the old order.
 */
static void test_column_order(void **state)
{
	(void)state;
	change k = {
		"CREATE TABLE t (id serial PRIMARY KEY, b text NOT NULL, c int GENERATED ALWAYS AS (id * 10) STORED,"
		" e bigint GENERATED BY DEFAULT AS IDENTITY);"
		"CREATE INDEX t_b ON t (b); CREATE VIEW v AS SELECT id, b FROM t; COMMENT ON COLUMN t.b IS 'bee';",
		"CREATE TABLE t (id serial PRIMARY KEY, a text, b text NOT NULL, c int GENERATED ALWAYS AS (id * 10) STORED,"
		" e bigint GENERATED BY DEFAULT AS IDENTITY);"
		"CREATE INDEX t_b ON t (b); CREATE VIEW v AS SELECT id, b FROM t; COMMENT ON COLUMN t.b IS 'bee';",
		"INSERT INTO t (b) VALUES ('x'), ('y')",
		"SELECT " PG_COLS_T " || ' ' || string_agg(id || b || c || e, ',' ORDER BY id) || ' ' ||"
		" (SELECT count(*) FROM v) FROM t",
		"id,b,c,e,a 1x101,2y202 2",
		"SELECT " PG_COLS_T " || ' ' || string_agg(id || b || c || e, ',' ORDER BY id) FROM t",
		"id,b,c,e 1x101,2y202",
	};
	sm_ops up, down;
	run_change(&k, &up, &down);
	assert_op(&up, "add column public.t.a", 0);
	assert_false(has_op(&up, "move column", -1));
	assert_int_equal(up.n, 1);
	assert_op(&down, "drop column public.t.a", 1);
	assert_int_equal(down.n, 1);
	rt_sm_ops_free(&up);
	rt_sm_ops_free(&down);

	/* only the order differs: nothing to do */
	change swap = {
		"CREATE TABLE t (id int PRIMARY KEY, a text, b int)",
		"CREATE TABLE t (b int, id int PRIMARY KEY, a text)",
		"INSERT INTO t VALUES (1, 'x', 2)",
		"SELECT " PG_COLS_T, "id,a,b", "SELECT " PG_COLS_T, "id,a,b",
	};
	run_change(&swap, &up, &down);
	assert_int_equal(up.n, 0);
	assert_int_equal(down.n, 0);

	strict_order = 1;
	k.up_value = "id,a,b,c,e 1x101,2y202 2";
	run_change(&k, &up, &down);
	assert_op(&up, "move column public.t.b", 0);
	assert_op(&up, "move column public.t.e", 0);
	assert_op(&down, "drop column public.t.a", 1);
	rt_sm_ops_free(&up);
	rt_sm_ops_free(&down);
	swap.up_value = "b,id,a";
	run_change(&swap, &up, &down);
	assert_op(&up, "move column public.t.id", 0);
	assert_op(&down, "move column public.t.b", 0);
	rt_sm_ops_free(&up);
	rt_sm_ops_free(&down);
	strict_order = 0;
}

/*
 * Rename hints (as schema/rename.c gathers them from "-- retort:renamed-from"):
 * a table and one of its columns renamed, with what uses them - keys, a
 * foreign key from another table to each, an index, a check, a trigger,
 * a view, a serial sequence, a comment.  The upgrade renames (the rows
 * stay), names PostgreSQL gave after the old names follow, and the model
 * the renames leave is what the database then holds: the diff after them
 * gives exactly the declared schema; the downgrade gives back the old one.
 */
static void test_rename_hints(void **state)
{
	(void)state;
	static const char *const before =
		"CREATE TABLE users (id serial PRIMARY KEY, name text NOT NULL UNIQUE, email text,"
		" CHECK (length(name) > 0));"
		"CREATE INDEX users_name_idx ON users (lower(name)) WHERE email IS NOT NULL;"
		"CREATE TABLE posts (id serial PRIMARY KEY, author_id int REFERENCES users (id),"
		" author_name text REFERENCES users (name));"
		"CREATE VIEW v AS SELECT name, email FROM users;"
		"CREATE FUNCTION trg() RETURNS trigger LANGUAGE plpgsql AS $$BEGIN RETURN NEW; END$$;"
		"CREATE TRIGGER users_t BEFORE UPDATE OF name ON users FOR EACH ROW"
		" WHEN (NEW.name IS NOT NULL) EXECUTE FUNCTION trg();"
		"COMMENT ON COLUMN users.name IS 'who';";
	static const char *const after =
		"CREATE TABLE accounts (id serial PRIMARY KEY, full_name text NOT NULL UNIQUE, email text,"
		" CHECK (length(full_name) > 0));"
		"CREATE INDEX accounts_full_name_idx ON accounts (lower(full_name)) WHERE email IS NOT NULL;"
		"CREATE TABLE posts (id serial PRIMARY KEY, author_id int REFERENCES accounts (id),"
		" author_name text REFERENCES accounts (full_name));"
		"CREATE VIEW v AS SELECT full_name, email FROM accounts;"
		"CREATE FUNCTION trg() RETURNS trigger LANGUAGE plpgsql AS $$BEGIN RETURN NEW; END$$;"
		"CREATE TRIGGER users_t BEFORE UPDATE OF full_name ON accounts FOR EACH ROW"
		" WHEN (NEW.full_name IS NOT NULL) EXECUTE FUNCTION trg();"
		"COMMENT ON COLUMN accounts.full_name IS 'who';";
	char *dold = db_create("rn_old"), *dnew = db_create("rn_new"), *dwork = db_create("rn_work");
	rt_conn *co = db_connect(dold), *cn = db_connect(dnew), *w = db_connect(dwork);
	db_exec(co, before);
	db_exec(cn, after);
	db_exec(w, before);
	db_exec(w, "INSERT INTO users (name, email) VALUES ('Ann', 'a@x'); INSERT INTO posts (author_id, author_name) VALUES (1, 'Ann')");
	sm_schema *sold = db_introspect(co), *snew = db_introspect(cn), *a = db_introspect(w);
	sm_table *accounts = (sm_table *)rt_sm_find_table(snew, "public", "accounts");
	accounts->renamed_from = rt_xstrdup("users");
	((sm_column *)rt_sm_find_column(accounts, "full_name"))->renamed_from = rt_xstrdup("name");
	sm_ops up = { 0 }, down = { 0 }, changes = { 0 };
	rt_error err = { 0 };
	sm_renames rn;
	rt_sm_renames_gather(a, snew, &rn);
	assert_int_equal(rn.n, 2);
	/* the renames leave the model of what the database will hold; each way as rt_schema_diff runs them */
	if (rt_sm_renames_apply(PG, a, snew, &rn, 0, &up, &err) < 0)
		fail_msg("renames: %s", err.message);
	diff(a, snew, &changes);
	rt_sm_ops_append(&up, &changes);
	if (rt_sm_renames_apply(PG, snew, sold, &rn, 1, &down, &err) < 0)
		fail_msg("renames back: %s", err.message);
	diff(snew, sold, &changes);
	rt_sm_ops_append(&down, &changes);
	rt_sm_renames_free(&rn);
	assert_op(&up, "rename table public.users to accounts", 0);
	assert_op(&up, "rename column public.accounts.name to full_name", 0);
	assert_op(&up, "rename constraint users_pkey on public.accounts to accounts_pkey", 0);
	assert_op(&up, "rename constraint users_name_key on public.accounts to accounts_full_name_key", 0);
	assert_op(&up, "rename constraint users_name_check on public.accounts to accounts_full_name_check", 0);
	assert_op(&up, "rename index public.users_name_idx to accounts_full_name_idx", 0);
	assert_op(&up, "rename sequence public.users_id_seq to accounts_id_seq", 0);
	/* renames, and the view made again (its output column is named anew); nothing else */
	for (size_t i = 0; i < up.n; i++)
		if (strncmp(up.v[i].what, "rename ", 7) && !strstr(up.v[i].what, " view public.v")) {
			strbuf all = STRBUF_INIT;
			ops_text(&up, &all);
			fail_msg("the upgrade does more than rename: %s\n%s", up.v[i].what, all.buf);
		}
	apply(w, &up);
	sm_schema *got = db_introspect(w), *want = db_introspect(cn);
	assert_same(want, got, "after the renames");
	rt_sm_free(want);
	assert_str_free(db_value(w, "SELECT full_name || email || (SELECT author_name FROM posts) FROM accounts"),
			"Anna@xAnn");
	assert_str_free(db_value(w, "SELECT nextval('accounts_id_seq')"), "2");
	rt_sm_free(got);
	apply(w, &down);
	got = db_introspect(w);
	assert_same(sold, got, "after the renames back");
	assert_str_free(db_value(w, "SELECT name || email FROM users"), "Anna@x");
	/* once applied, the hint asks for nothing */
	sm_schema *now = db_introspect(cn), *marked = db_introspect(cn);
	accounts = (sm_table *)rt_sm_find_table(marked, "public", "accounts");
	accounts->renamed_from = rt_xstrdup("users");
	((sm_column *)rt_sm_find_column(accounts, "full_name"))->renamed_from = rt_xstrdup("name");
	rt_sm_renames_gather(now, marked, &rn);
	assert_int_equal(rn.n, 0);
	rt_sm_renames_free(&rn);
	rt_sm_free(now);
	rt_sm_free(marked);
	rt_sm_free(got);
	rt_sm_ops_free(&up);
	rt_sm_ops_free(&down);
	rt_sm_free(a);
	rt_sm_free(sold);
	rt_sm_free(snew);
	PG->disconnect(co);
	PG->disconnect(cn);
	PG->disconnect(w);
	db_drop(dold);
	db_drop(dnew);
	db_drop(dwork);
}

/* Names that need quoting (keywords, capitals, spaces, non-ASCII) in every position. */
static void test_quoted_names(void **state)
{
	(void)state;
	change k = {
		"CREATE SCHEMA \"My App\"; CREATE TYPE \"My App\".\"Status\" AS ENUM ('a', 'b', 'c');"
		"CREATE TABLE \"My App\".\"Order\" (\"select\" int PRIMARY KEY, \"Status\" \"My App\".\"Status\" DEFAULT 'a',"
		" \"naïve\" text, \"user\" int);"
		"CREATE INDEX \"Idx\" ON \"My App\".\"Order\" (\"naïve\") WHERE \"Status\" = 'b';",
		"CREATE SCHEMA \"My App\"; CREATE TYPE \"My App\".\"Status\" AS ENUM ('b', 'a');"
		"CREATE TABLE \"My App\".\"Order\" (\"select\" bigint PRIMARY KEY, \"Status\" \"My App\".\"Status\" DEFAULT 'a',"
		" \"naïve\" varchar(30), \"from\" int GENERATED ALWAYS AS IDENTITY);"
		"CREATE INDEX \"Idx\" ON \"My App\".\"Order\" (\"naïve\") WHERE \"Status\" = 'b';"
		"CREATE VIEW \"My App\".\"V\" AS SELECT \"select\", \"Status\" FROM \"My App\".\"Order\";"
		"COMMENT ON COLUMN \"My App\".\"Order\".\"naïve\" IS 'naïve';"
		"CREATE FUNCTION \"My App\".\"Fn\"(\"in\" \"My App\".\"Status\") RETURNS int LANGUAGE sql AS 'SELECT 1';",
		"INSERT INTO \"My App\".\"Order\" VALUES (1, 'b', 'x', 7)",
		"SELECT \"select\" || \"Status\"::text || \"naïve\" || \"from\" FROM \"My App\".\"Order\"", "1bx1",
		"SELECT \"select\" || \"Status\"::text || \"naïve\" || coalesce(\"user\", 0) FROM \"My App\".\"Order\"", "1bx0",
	};
	sm_ops up;
	run_change(&k, &up, NULL);
	assert_sql(&up, "ALTER TABLE \"My App\".\"Order\" ALTER COLUMN \"Status\" TYPE \"My App\".\"Status\" USING \"Status\"::text::\"My App\".\"Status\"");
	assert_sql(&up, "ALTER TABLE \"My App\".\"Order\" DROP COLUMN \"user\"");
	rt_sm_ops_free(&up);
}

/* An index added to a partitioned table reaches its partitions (which retort does not manage). */
static void test_partitioned_index(void **state)
{
	(void)state;
	change k = {
		"CREATE TABLE parted (d date, n int) PARTITION BY RANGE (d);"
		"CREATE TABLE parted_2024 PARTITION OF parted FOR VALUES FROM ('2024-01-01') TO ('2025-01-01');",
		"CREATE TABLE parted (d date, n int) PARTITION BY RANGE (d); CREATE INDEX parted_n ON parted (n);"
		"CREATE TABLE parted_2024 PARTITION OF parted FOR VALUES FROM ('2024-01-01') TO ('2025-01-01');",
		"INSERT INTO parted VALUES ('2024-05-01', 1)",
		"SELECT count(*) || ' ' || bool_and(i.indisvalid) FROM pg_index i JOIN pg_class c ON c.oid = i.indrelid"
		" WHERE c.relname IN ('parted', 'parted_2024')", "2 true",
		"SELECT count(*) FROM parted", "1",
	};
	sm_ops up;
	run_change(&k, &up, NULL);
	assert_sql(&up, "CREATE INDEX parted_n ON public.parted USING btree (n)");
	rt_sm_ops_free(&up);
}

/* A partition key cannot be altered: the diff says so rather than guess. */
static void test_partitioning_change_refused(void **state)
{
	(void)state;
	char *d1 = db_create("p1"), *d2 = db_create("p2");
	rt_conn *c1 = db_connect(d1), *c2 = db_connect(d2);
	db_exec(c1, "CREATE TABLE t (a int, b int) PARTITION BY RANGE (a)");
	db_exec(c2, "CREATE TABLE t (a int, b int) PARTITION BY LIST (b)");
	sm_schema *s1 = db_introspect(c1), *s2 = db_introspect(c2);
	sm_ops ops = { 0 };
	rt_error err = { 0 };
	assert_int_equal(PG->diff(s1, s2, NULL, &ops, &err), -1);
	assert_contains(err.message, "partitioning of table public.t");
	assert_int_equal(ops.n, 0);
	rt_error_clear(&err);
	rt_sm_free(s1);
	rt_sm_free(s2);
	PG->disconnect(c1);
	PG->disconnect(c2);
	db_drop(d1);
	db_drop(d2);
}

/* A scratch database: made on the server, usable, dropped. */
static void test_scratch(void **state)
{
	(void)state;
	rt_config *cfg = db_config("postgres");
	cfg->dev_url = db_url("template1");
	char *url = NULL;
	rt_error err = { 0 };
	if (PG->scratch_create(cfg, &url, &err) < 0)
		fail_msg("scratch_create: %s", err.message);
	assert_contains(url, "dbname='retort_scratch_");
	rt_config *scfg = rt_config_clone(cfg);
	free(scfg->url);
	scfg->url = rt_xstrdup(url);
	int missing;
	rt_conn *c = PG->connect(scfg, 0, &missing, &err);
	assert_non_null(c);
	db_exec(c, "CREATE TABLE x (a int)");
	PG->disconnect(c);
	PG->scratch_drop(cfg, url);
	rt_conn *pc = db_connect("postgres");
	char *q = rt_xasprintf("SELECT count(*) FROM pg_database WHERE datname LIKE 'retort_scratch_%ld_%%'",
			    (long)getpid());
	assert_str_free(db_value(pc, q), "0");
	free(q);
	PG->disconnect(pc);
	rt_config_free(scfg);
	rt_config_free(cfg);
	free(url);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_teardown(test_written_two_ways, teardown),
		cmocka_unit_test_teardown(test_orm_spellings, teardown),
		cmocka_unit_test_teardown(test_session_untouched, teardown),
		cmocka_unit_test_teardown(test_own_tables_skipped, teardown),
		cmocka_unit_test_teardown(test_unsupported_listed, teardown),
		cmocka_unit_test_teardown(test_scratch, teardown),
		cmocka_unit_test_teardown(test_tables_and_columns, teardown),
		cmocka_unit_test_teardown(test_type_changes, teardown),
		cmocka_unit_test_teardown(test_defaults_identity_generated, teardown),
		cmocka_unit_test_teardown(test_retyped_keys_and_collations, teardown),
		cmocka_unit_test_teardown(test_function_users, teardown),
		cmocka_unit_test_teardown(test_constraints, teardown),
		cmocka_unit_test_teardown(test_key_under_foreign_key, teardown),
		cmocka_unit_test_teardown(test_keys_and_sequences_in_detail, teardown),
		cmocka_unit_test_teardown(test_indexes, teardown),
		cmocka_unit_test_teardown(test_views, teardown),
		cmocka_unit_test_teardown(test_sequences_and_schemas, teardown),
		cmocka_unit_test_teardown(test_enum_values, teardown),
		cmocka_unit_test_teardown(test_enum_dance, teardown),
		cmocka_unit_test_teardown(test_enum_to_enum, teardown),
		cmocka_unit_test_teardown(test_functions_and_triggers, teardown),
		cmocka_unit_test_teardown(test_comments_and_options, teardown),
		cmocka_unit_test_teardown(test_column_order, teardown),
		cmocka_unit_test_teardown(test_rename_hints, teardown),
		cmocka_unit_test_teardown(test_quoted_names, teardown),
		cmocka_unit_test_teardown(test_partitioned_index, teardown),
		cmocka_unit_test_teardown(test_partitioning_change_refused, teardown),
		cmocka_unit_test_teardown(test_corpus_complete, teardown),
		cmocka_unit_test_teardown(test_corpus_chinook, teardown),
		cmocka_unit_test_teardown(test_corpus_northwind, teardown),
		cmocka_unit_test_teardown(test_corpus_roundcube, teardown),
		cmocka_unit_test_teardown(test_corpus_temporal, teardown),
		cmocka_unit_test_teardown(test_corpus_temporal_visibility, teardown),
		cmocka_unit_test_teardown(test_corpus_synapse72, teardown),
		cmocka_unit_test_teardown(test_corpus_openstreetmap, teardown),
		cmocka_unit_test_teardown(test_corpus_danbooru, teardown),
		cmocka_unit_test_teardown(test_corpus_lago, teardown),
		cmocka_unit_test_teardown(test_corpus_pagila, teardown),
		cmocka_unit_test_teardown(test_corpus_sakila, teardown),
		cmocka_unit_test_teardown(test_synapse_pair, teardown),
	};
	return cmocka_run_group_tests_name("pg_schema", tests, NULL, NULL);
}
