/*
 * test_property.c - the schema diff as a property: for random pairs of
 * schemas A and B, on SQLite and on PostgreSQL, the generated upgrade
 * turns a database holding A (with rows) into exactly B and the
 * generated downgrade turns it back into exactly A, comparing the models
 * introspected from the databases (rt_sm_compare finds nothing).  One
 * pair in three runs with column_order = strict, where column order is
 * compared too; the others check that no column moves for order's sake
 * (a column inserted in the middle is added at the end).  On PostgreSQL
 * one pair in two runs with online = true: the migration is written in
 * steps (CREATE INDEX CONCURRENTLY outside a transaction, NOT VALID then
 * VALIDATE, SET NOT NULL through a CHECK, backfills as batch steps),
 * and each step runs as retort runs it.
 *
 * The generator keeps a schema as a small structure (tables with columns
 * of every supported type, keys, foreign keys, unique and check
 * constraints, indexes of each kind, views, and on PostgreSQL sequences,
 * enum types, functions, triggers, comments (on constraints too),
 * statistics targets, row-level security and its policies, domains over
 * text as column types, and on their own extensions, collations,
 * operators, operator classes, text search dictionaries and
 * configurations, composite and range types, extended statistics and
 * partitioned tables with their partitions), writes it as SQL text,
 * and derives B from A by a few random mutations.  Two passes keep the
 * pair valid for the database: repair() drops whatever a mutation left
 * dangling (an index on a dropped column, a view of a dropped table),
 * and pair_fix() keeps the rows of A valid on both sides (a key only on
 * columns whose values both sides keep; a column added to a table with
 * rows is nullable or has a default).  Every column has a value domain
 * (numbers, text, times, ...) that outlives type changes, so its two
 * rows convert between the types A and B give it, both ways.  The
 * generator is in tests/unit/property/ (see property.h); this file runs
 * the pairs against the databases and checks them.
 *
 * A pair the database itself refuses (A or B does not load, the rows do
 * not go in, the catalog holds something retort lists as unsupported) is
 * a generator bug: it is counted and reported and fails the test.
 *
 *   RT_PROPERTY_PAIRS=N     pairs per dialect (default 100; make soak: thousands)
 *   RT_PROPERTY_SEED=S      pair i uses seed S + i; a failure prints the
 *                           seed that reproduces it alone:
 *                           RT_PROPERTY_SEED=<seed> RT_PROPERTY_PAIRS=1
 *   RT_PROPERTY_DIALECT=D   only sqlite or postgresql
 *   RT_PROPERTY_VERBOSE=1   print every pair's schemas
 *
 * PostgreSQL needs the server tests/run starts (RETORT_TEST_PGHOST,
 * RETORT_TEST_PGPORT, RETORT_TEST_PGUSER); without it the test fails.
 */
#include "unit.h"
#include "property/property.h"
#include "internal.h"
#include "dialect/dialect.h"
#include "schema/model.h"
#include "schema/ops.h"

#include <ctype.h>
#include <dirent.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

/* ------------------------------------------------------------------ */
/* Databases                                                            */
/* ------------------------------------------------------------------ */

/* One database of a dialect, as retort reaches it. */
typedef struct db {
	const rt_dialect *d;
	rt_config *cfg;
	rt_conn *c;
	char *name;       /* PostgreSQL: the database; SQLite: the file */
} db;

static char tmpdir[64];

/* Everything after a failed call: the message, freed. */
static char *take(rt_error *err)
{
	char *m = rt_xstrdup(err->message ? err->message : "(no message)");
	rt_error_clear(err);
	return m;
}

static const char *env_or_fail(const char *name)
{
	const char *v = getenv(name);
	if (!v || !*v)
		fail_msg("%s is not set: tests/run starts a PostgreSQL server for this test "
			 "(scripts/pg-test-server start prints the variables)", name);
	return v;
}

/* A libpq connection string for database dbname of the test server. */
static char *pg_url(const char *dbname)
{
	return rt_xasprintf("host='%s' port='%s' user='%s' dbname='%s'", env_or_fail("RETORT_TEST_PGHOST"),
			 env_or_fail("RETORT_TEST_PGPORT"), env_or_fail("RETORT_TEST_PGUSER"), dbname);
}

static rt_conn *connect_url(const rt_dialect *d, rt_config *cfg)
{
	rt_error err = { 0 };
	int missing = 0;
	rt_conn *c = d->connect(cfg, 0, &missing, &err);
	if (!c)
		fail_msg("connect %s: %s", cfg->url, err.message ? err.message : "missing");
	return c;
}

static void exec_or_fail(db *x, const char *sql)
{
	rt_error err = { 0 };
	if (x->d->exec(x->c, sql, &err) < 0)
		fail_msg("%s: %s", sql, err.message);
}

/* The database for side tag ("a" or "b") of the pairs to come. */
static void db_open(db *x, int pg, const char *tag)
{
	memset(x, 0, sizeof(*x));
	x->d = pg ? &rt_dialect_postgres : &rt_dialect_sqlite;
	x->cfg = rt_config_new(tmpdir);
	free(x->cfg->url);
	if (!pg) {
		x->name = rt_xasprintf("%s/%s.sqlite", tmpdir, tag);
		x->cfg->url = rt_xasprintf("sqlite:///%s", x->name);
		return;
	}
	x->name = rt_xasprintf("rt_property_%ld_%s", (long)getpid(), tag);
	x->cfg->url = pg_url("postgres");
	rt_conn *c = connect_url(x->d, x->cfg);
	rt_error err = { 0 };
	char *sql = rt_xasprintf("DROP DATABASE IF EXISTS %s WITH (FORCE)", x->name);
	if (x->d->exec(c, sql, &err) < 0)
		fail_msg("%s: %s", sql, err.message);
	free(sql);
	sql = rt_xasprintf("CREATE DATABASE %s TEMPLATE template0", x->name);
	if (x->d->exec(c, sql, &err) < 0)
		fail_msg("%s: %s", sql, err.message);
	free(sql);
	x->d->disconnect(c);
	free(x->cfg->url);
	x->cfg->url = pg_url(x->name);
	x->c = connect_url(x->d, x->cfg);
}

/* A SQLite database file and its journals. */
static void remove_sqlite(const char *path)
{
	static const char *const suffixes[] = { "", "-journal", "-wal", "-shm", NULL };
	for (int i = 0; suffixes[i]; i++) {
		char *p = rt_xasprintf("%s%s", path, suffixes[i]);
		unlink(p);
		free(p);
	}
}

/* An empty database for the next pair. */
static void db_reset(db *x)
{
	if (x->d == &rt_dialect_sqlite) {
		if (x->c)
			x->d->disconnect(x->c);
		remove_sqlite(x->name);
		x->c = connect_url(x->d, x->cfg);
		return;
	}
	x->d->rollback(x->c);
	exec_or_fail(x, "DROP SCHEMA public CASCADE; CREATE SCHEMA public");
}

/* Disconnect and throw the database away. */
static void db_close(db *x)
{
	if (x->c)
		x->d->disconnect(x->c);
	if (x->d == &rt_dialect_postgres) {
		free(x->cfg->url);
		x->cfg->url = pg_url("postgres");
		rt_conn *c = connect_url(x->d, x->cfg);
		char *sql = rt_xasprintf("DROP DATABASE IF EXISTS %s WITH (FORCE)", x->name);
		rt_error err = { 0 };
		if (x->d->exec(c, sql, &err) < 0)
			rt_error_clear(&err);
		free(sql);
		x->d->disconnect(c);
	} else {
		remove_sqlite(x->name);
	}
	rt_config_free(x->cfg);
	free(x->name);
	memset(x, 0, sizeof(*x));
}

/* Run a script; NULL, or the database's message. */
static char *db_run(db *x, const char *sql)
{
	rt_error err = { 0 };
	return x->d->exec(x->c, sql, &err) < 0 ? take(&err) : NULL;
}

static sm_schema *db_introspect(db *x, char **why)
{
	rt_error err = { 0 };
	sm_schema *s = NULL;
	if (x->d->introspect(x->c, x->cfg, &s, &err) < 0) {
		*why = take(&err);
		return NULL;
	}
	return s;
}

/* The operations as a migration section: a comment heading each, its statements. */
static char *ops_sql(const sm_ops *ops)
{
	strbuf sb = STRBUF_INIT;
	for (size_t i = 0; i < ops->n; i++) {
		const sm_op *op = &ops->v[i];
		rt_strbuf_addf(&sb, "%s-- %s\n", i ? "\n" : "", op->what);
		if (op->note)
			rt_strbuf_addf(&sb, "-- %s%s\n", op->destructive ? "WARNING: " : "", op->note);
		for (size_t j = 0; j < op->sql.n; j++)
			rt_strbuf_addf(&sb, "%s;\n", op->sql.v[j]);
	}
	return rt_strbuf_detach(&sb);
}

/*
 * Run one step as retort does: split by the dialect's own rules, every
 * statement in one transaction, or each on its own (transaction:false,
 * batch: the tables hold two rows, so one repetition is the whole
 * backfill).  NULL, or what failed.
 */
static char *db_step(db *x, const char *section, size_t len, int line, int tx)
{
	rt_error err = { 0 };
	rt_stmtlist stmts = { 0 };
	char *why = NULL;
	if (x->d->split(section, len, line, "migration.sql", &stmts, &err) < 0)
		return take(&err);
	if (tx && x->d->begin(x->c, &err) < 0) {
		rt_stmtlist_free(&stmts);
		return take(&err);
	}
	for (size_t i = 0; i < stmts.n && !why; i++)
		if (x->d->exec_stmt(x->c, &stmts.v[i], "migration.sql", &err) < 0) {
			char *m = take(&err);
			why = rt_xasprintf("line %d: %s\n   in: %.*s", stmts.v[i].line, m,
					(int)stmts.v[i].len, stmts.v[i].sql);
			free(m);
		}
	if (why && tx)
		x->d->rollback(x->c);
	else if (tx && x->d->commit(x->c, &err) < 0)
		why = take(&err);
	rt_stmtlist_free(&stmts);
	return why;
}

/*
 * Run a migration section as retort does, step by step: a line
 * "-- migrate:upgrade|downgrade [options]" starts a step (online forms),
 * transaction:false and batch ones outside a transaction.
 */
static char *db_migrate(db *x, const char *section)
{
	const char *start = section, *p = section;
	int tx = 1, line = 1, start_line = 1;
	char *why = NULL;
	for (;;) {
		int marker = starts(p, "-- migrate:upgrade") || starts(p, "-- migrate:downgrade");
		if (!*p || marker) {
			if (p > start && (why = db_step(x, start, (size_t)(p - start), start_line, tx)))
				return why;
			if (!*p)
				return NULL;
			const char *eol = strchr(p, '\n');
			size_t n = eol ? (size_t)(eol - p) : strlen(p);
			char *opts = rt_xstrndup(p, n);
			tx = !strstr(opts, "transaction:false") && !strstr(opts, " batch");
			free(opts);
			p = eol ? eol + 1 : p + n;
			start = p;
			start_line = ++line;
			continue;
		}
		const char *eol = strchr(p, '\n');
		p = eol ? eol + 1 : p + strlen(p);
		line++;
	}
}

static int count_cb(void *ud, int n, const char *const *v)
{
	*(long *)ud = n && v[0] ? atol(v[0]) : -1;
	return 1;
}

/* Rows of table name (-1 when it cannot be read). */
static long db_rows(db *x, const char *name)
{
	char *sql = rt_xasprintf("SELECT count(*) FROM \"%s\"", name);
	long n = -1;
	rt_error err = { 0 };
	if (x->d->query(x->c, sql, count_cb, &n, &err) < 0)
		rt_error_clear(&err);
	free(sql);
	return n;
}

/* SQLite: rows whose parent is missing (PostgreSQL enforces keys itself). */
static long db_fk_violations(db *x)
{
	if (x->d != &rt_dialect_sqlite)
		return 0;
	long n = -1;
	rt_error err = { 0 };
	if (x->d->query(x->c, "SELECT count(*) FROM pragma_foreign_key_check", count_cb, &n, &err) < 0)
		rt_error_clear(&err);
	return n;
}

/* ------------------------------------------------------------------ */
/* One pair                                                             */
/* ------------------------------------------------------------------ */

typedef struct stats {
	int pairs, failed, generator;
	int api;              /* pairs run through rt_schema_diff */
	rt_strlist kinds;     /* operation kinds seen ("add column", ...) */
	int *counts;
	rt_strlist failures;  /* one line per failed pair */
	int shown;            /* failures shown in full */
} stats;

/*
 * Count an operation by its kind: its first two words ("add column"),
 * or for "alter column NAME: WHAT ..." and "table|type|sequence NAME: WHAT ..."
 * the words around the name ("alter column: type", "type: values").
 */
static void count_kind(stats *st, const char *what)
{
	const char *sp = strchr(what, ' ');
	const char *sp2 = sp ? strchr(sp + 1, ' ') : NULL;
	char *kind;
	const char *colon = strstr(what, ": ");
	int named = starts(what, "table ") || starts(what, "type ") || starts(what, "sequence ");
	if (colon && (named || starts(what, "alter column "))) {
		const char *sub = colon + 2;
		size_t n = strcspn(sub, " (");
		size_t head = named ? (size_t)(sp - what) : (size_t)(sp2 - what);
		kind = rt_xasprintf("%.*s: %.*s", (int)head, what, (int)n, sub);
	} else {
		kind = sp2 ? rt_xstrndup(what, (size_t)(sp2 - what)) : rt_xstrdup(what);
	}
	size_t i = 0;
	while (i < st->kinds.n && strcmp(st->kinds.v[i], kind))
		i++;
	if (i == st->kinds.n) {
		rt_strlist_push(&st->kinds, kind);
		st->counts = rt_xrealloc(st->counts, st->kinds.n * sizeof(int));
		st->counts[i] = 0;
	}
	st->counts[i]++;
	free(kind);
}

/* Print text with every line as a TAP comment. */
static void print_block(const char *title, const char *text)
{
	printf("# ---- %s\n", title);
	const char *p = text ? text : "";
	while (*p) {
		const char *e = strchr(p, '\n');
		int n = e ? (int)(e - p) : (int)strlen(p);
		printf("#   %.*s\n", n, p);
		p += n + (e ? 1 : 0);
	}
}

/* What a pair has made so far, freed by pair_free. */
typedef struct pair {
	gschema *a, *b;
	char *sql_a, *sql_b, *rows;
	sm_schema *ma, *mb, *got;
	sm_ops up, down;
	char *up_sql, *down_sql;
	int strict;      /* column_order = strict (one pair in three) */
	int online;      /* PostgreSQL, one pair in two: online = true (steps, CONCURRENTLY, NOT VALID) */
} pair;

static void pair_free(pair *p)
{
	free(p->a);
	free(p->b);
	free(p->sql_a);
	free(p->sql_b);
	free(p->rows);
	rt_sm_free(p->ma);
	rt_sm_free(p->mb);
	rt_sm_free(p->got);
	rt_sm_ops_free(&p->up);
	rt_sm_ops_free(&p->down);
	free(p->up_sql);
	free(p->down_sql);
}

/* A failure: show it (the first few in full) and remember its seed. */
static void report(stats *st, const char *dialect, uint64_t seed, int generator, const pair *p,
		   const char *what, const char *detail)
{
	if (generator)
		st->generator++;
	else
		st->failed++;
	char *line = rt_xasprintf("%s%s: RT_PROPERTY_SEED=%llu RT_PROPERTY_PAIRS=1 RT_PROPERTY_DIALECT=%s%s%s: %s",
			       generator ? "generator bug, " : "", dialect, (unsigned long long)seed,
			       dialect, p->strict ? " (column_order = strict)" : "",
			       p->online ? " (online = true)" : "", what);
	rt_strlist_push(&st->failures, line);
	printf("# FAILED %s\n", line);
	free(line);
	if (st->shown++ >= 3)
		return;
	print_block("schema A", p->sql_a);
	print_block("schema B", p->sql_b);
	print_block("rows of A", p->rows);
	if (p->up_sql)
		print_block("upgrade (diff A -> B)", p->up_sql);
	if (p->down_sql)
		print_block("downgrade (diff B -> A)", p->down_sql);
	print_block(what, detail);
	fflush(stdout);
}

/* Does every table both sides have still hold its two rows? */
static char *rows_kept(db *x, const gschema *a, const gschema *b)
{
	strbuf sb = STRBUF_INIT;
	for (int i = 0; i < a->nt; i++) {
		if (!find_ctable(b, a->t[i].name))
			continue;
		long n = db_rows(x, a->t[i].name);
		if (n != 2)
			rt_strbuf_addf(&sb, "table %s has %ld rows, not 2\n", a->t[i].name, n);
	}
	long v = db_fk_violations(x);
	if (v)
		rt_strbuf_addf(&sb, "PRAGMA foreign_key_check: %ld rows\n", v);
	if (!sb.len)
		return NULL;
	return rt_strbuf_detach(&sb);
}

/*
 * The models must be equal (column order too when strict): NULL, or the
 * differences (wanted -> got).
 */
static char *differences(const sm_schema *want, const sm_schema *got, int strict)
{
	strbuf sb = STRBUF_INIT;
	if (rt_sm_compare(want, got, strict ? SM_CMP_COLUMN_ORDER : 0, &sb) == 0) {
		rt_strbuf_release(&sb);
		return NULL;
	}
	return rt_strbuf_detach(&sb);
}

static char *unsupported_list(const sm_schema *s)
{
	strbuf sb = STRBUF_INIT;
	for (size_t i = 0; i < s->nunsupported; i++)
		rt_strbuf_addf(&sb, "%s\n", s->unsupported[i]);
	return rt_strbuf_detach(&sb);
}

/*
 * One step of a pair, as a macro so a failure reports and leaves:
 * FAIL(generator?, what, detail) frees detail.
 */
#define FAIL(gen, what, detail)                                              \
	do {                                                                 \
		char *d_ = (detail);                                         \
		report(st, dialect, seed, (gen), &p, (what), d_);            \
		free(d_);                                                    \
		goto done;                                                   \
	} while (0)

/* Diff from -> to through the dialect; NULL, or why it refused. */
static char *diff(const rt_dialect *d, const sm_schema *from, const sm_schema *to, int strict,
		  int online, sm_ops *out)
{
	rt_error err = { 0 };
	sm_diff_opts opts = { .column_order_strict = strict, .online = online };
	memset(out, 0, sizeof(*out));
	return d->diff(from, to, &opts, out, &err) < 0 ? take(&err) : NULL;
}

/* Write text to tmpdir/name; the path, malloc'd. */
static char *write_file(const char *name, const char *text)
{
	char *path = rt_xasprintf("%s/%s", tmpdir, name);
	FILE *f = fopen(path, "w");
	if (!f || fputs(text, f) < 0)
		fail_msg("cannot write %s", path);
	fclose(f);
	return path;
}

/*
 * The migration both ways as `retort diff --from file:A --to file:B`
 * writes it: rt_schema_diff loads each file into a scratch database (on
 * PostgreSQL, made on the server of dev_url) and diffs what it reads
 * back.  NULL, or why it failed.
 */
static char *api_diff(const db *da, const char *sql_a, const char *sql_b, int strict,
		      int online, rt_diff *out)
{
	char *pa = write_file("a.sql", sql_a), *pb = write_file("b.sql", sql_b);
	char *from = rt_xasprintf("file:%s", pa), *to = rt_xasprintf("file:%s", pb);
	rt_config *cfg = rt_config_new(tmpdir);
	free(cfg->url);
	cfg->url = rt_xstrdup(da->cfg->url);
	if (da->d == &rt_dialect_postgres)
		cfg->dev_url = pg_url("postgres");
	cfg->column_order_strict = strict;
	cfg->online = online;
	rt_error err = { 0 };
	char *why = NULL;
	rt_ctx *ctx = rt_ctx_open(cfg, &err);
	if (!ctx || rt_schema_diff_into(ctx, from, to, out, &err) < 0)
		why = take(&err);
	else if (out->unsupported.n)
		why = rt_xasprintf("rt_schema_diff lists %zu unsupported objects, the first: %s",
				out->unsupported.n, out->unsupported.v[0]);
	rt_ctx_close(ctx);
	rt_config_free(cfg);
	free(from);
	free(to);
	free(pa);
	free(pb);
	return why;
}

/* Generate pair seed, run it both ways on the two databases, count what happened. */
static void run_pair(db *da, db *dbb, uint64_t seed, stats *st, int verbose)
{
	int pg = da->d == &rt_dialect_postgres;
	const char *dialect = da->d->name;
	const rt_dialect *d = da->d;
	pair p;
	memset(&p, 0, sizeof(p));
	char *why = NULL;

	rng_state = seed;
	p.a = rt_xcalloc(1, sizeof(gschema));
	p.b = rt_xcalloc(1, sizeof(gschema));
	gen_schema(p.a, pg);
	repair(p.a);
	*p.b = *p.a;
	int want = one_in(6) ? 5 + R(6) : 1 + R(4), done = 0;
	for (int tries = 0; done < want && tries < 50; tries++)
		done += mutate(p.b);
	pair_fix(p.a, p.b);
	p.sql_a = schema_sql(p.a);
	p.sql_b = schema_sql(p.b);
	p.rows = rows_sql(p.a);
	p.strict = seed % 3 == 1;
	p.online = pg && seed % 2 == 0;
	st->pairs++;
	if (verbose) {
		printf("# %s pair, seed %llu\n", dialect, (unsigned long long)seed);
		print_block("schema A", p.sql_a);
		print_block("schema B", p.sql_b);
	}

	db_reset(da);
	db_reset(dbb);
	if ((why = db_run(dbb, p.sql_b)))
		FAIL(1, "the database refused schema B", why);
	if ((why = db_run(da, p.sql_a)))
		FAIL(1, "the database refused schema A", why);
	if (!(p.ma = db_introspect(da, &why)) || !(p.mb = db_introspect(dbb, &why)))
		FAIL(0, "introspection failed", why);
	if ((why = db_run(da, p.rows)))
		FAIL(1, "the database refused the rows of A", why);
	if (p.ma->nunsupported || p.mb->nunsupported)
		FAIL(1, "retort lists objects of A or B as unsupported",
		     unsupported_list(p.ma->nunsupported ? p.ma : p.mb));

	/* A schema against itself: nothing to do. */
	for (int side = 0; side < 2; side++) {
		const sm_schema *m = side ? p.mb : p.ma;
		sm_ops same = { 0 };
		if ((why = diff(d, m, m, p.strict, p.online, &same)) || same.n) {
			char *sql = why ? why : ops_sql(&same);
			rt_sm_ops_free(&same);
			FAIL(0, side ? "operations between B and itself" : "operations between A and itself", sql);
		}
		rt_sm_ops_free(&same);
	}

	if ((why = diff(d, p.ma, p.mb, p.strict, p.online, &p.up)))
		FAIL(0, "the diff A -> B refused", why);
	if ((why = diff(d, p.mb, p.ma, p.strict, p.online, &p.down)))
		FAIL(0, "the diff B -> A refused", why);
	/* column order is no difference: nothing moves for its sake */
	for (size_t i = 0; !p.strict && i < p.up.n + p.down.n; i++) {
		const sm_op *op = i < p.up.n ? &p.up.v[i] : &p.down.v[i - p.up.n];
		if (!strncmp(op->what, "move column", 11))
			FAIL(0, "a column moved without column_order = strict", rt_xstrdup(op->what));
	}
	/*
	 * One pair in eight runs the SQL that rt_schema_diff renders from two
	 * schema files (scratch databases and all), the others the dialect's
	 * operations on the models read above.
	 */
	if (seed % 8 == 0) {
		rt_diff api = { 0 };
		if ((why = api_diff(da, p.sql_a, p.sql_b, p.strict, p.online, &api)))
			FAIL(0, "rt_schema_diff file:A file:B failed", why);
		p.up_sql = api.upgrade_sql;
		p.down_sql = api.downgrade_sql;
		api.upgrade_sql = api.downgrade_sql = NULL;
		rt_diff_free(&api);
		st->api++;
	} else {
		p.up_sql = rt_sm_ops_render(d, &p.up, NULL, "upgrade");
		p.down_sql = rt_sm_ops_render(d, &p.down, NULL, "downgrade");
	}
	for (size_t i = 0; i < p.up.n; i++)
		count_kind(st, p.up.v[i].what);
	for (size_t i = 0; i < p.down.n; i++)
		count_kind(st, p.down.v[i].what);
	if (verbose)
		print_block("upgrade", p.up_sql);

	if ((why = db_migrate(da, p.up_sql)))
		FAIL(0, "the upgrade failed", why);
	if (!(p.got = db_introspect(da, &why)))
		FAIL(0, "introspection after the upgrade failed", why);
	if ((why = differences(p.mb, p.got, p.strict)))
		FAIL(0, "after the upgrade the database is not B (B -> database)", why);
	if ((why = rows_kept(da, p.a, p.b)))
		FAIL(0, "the upgrade lost rows", why);
	rt_sm_free(p.got);
	p.got = NULL;

	if ((why = db_migrate(da, p.down_sql)))
		FAIL(0, "the downgrade failed", why);
	if (!(p.got = db_introspect(da, &why)))
		FAIL(0, "introspection after the downgrade failed", why);
	if ((why = differences(p.ma, p.got, p.strict)))
		FAIL(0, "after the downgrade the database is not A (A -> database)", why);
	if ((why = rows_kept(da, p.a, p.b)))
		FAIL(0, "the downgrade lost rows", why);
done:
	pair_free(&p);
}

/* ------------------------------------------------------------------ */
/* The tests                                                            */
/* ------------------------------------------------------------------ */

static long env_long(const char *name, long dflt)
{
	const char *v = getenv(name);
	return v && *v ? strtol(v, NULL, 10) : dflt;
}

static int dialect_selected(const char *name)
{
	const char *v = getenv("RT_PROPERTY_DIALECT");
	return !v || !*v || !strcmp(v, name) || (!strcmp(v, "pg") && !strcmp(name, "postgresql"));
}

static double now_s(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static int cmp_kind(const void *x, const void *y)
{
	const char *const *a = x, *const *b = y;
	return strcmp(*a, *b);
}

static void run_dialect(int pg)
{
	const char *name = pg ? "postgresql" : "sqlite";
	if (!dialect_selected(name)) {
		printf("# %s: not selected (RT_PROPERTY_DIALECT)\n", name);
		skip(); /* reported as skipped, not as passed */
	}
	if (pg) { /* before anything is allocated: fail_msg leaves the test */
		env_or_fail("RETORT_TEST_PGHOST");
		env_or_fail("RETORT_TEST_PGPORT");
		env_or_fail("RETORT_TEST_PGUSER");
	}
	long pairs = env_long("RT_PROPERTY_PAIRS", 100);
	if (pairs < 1)
		fail_msg("RT_PROPERTY_PAIRS=%ld runs no pair: a test that checks nothing does not pass", pairs);
	uint64_t seed = (uint64_t)env_long("RT_PROPERTY_SEED", 20261124);
	int verbose = env_long("RT_PROPERTY_VERBOSE", 0) != 0;
	db a, b;
	db_open(&a, pg, "a");
	db_open(&b, pg, "b");
	stats st;
	memset(&st, 0, sizeof(st));
	double t0 = now_s();
	for (long i = 0; i < pairs; i++)
		run_pair(&a, &b, seed + (uint64_t)i, &st, verbose);
	double secs = now_s() - t0;
	db_close(&a);
	db_close(&b);

	/* What the pairs exercised: operation kinds and how often. */
	char **sorted = rt_xcalloc(st.kinds.n + 1, sizeof(char *));
	for (size_t i = 0; i < st.kinds.n; i++)
		sorted[i] = rt_xasprintf("%s: %d", st.kinds.v[i], st.counts[i]);
	qsort(sorted, st.kinds.n, sizeof(char *), cmp_kind);
	strbuf kinds = STRBUF_INIT;
	for (size_t i = 0; i < st.kinds.n; i++) {
		rt_strbuf_addf(&kinds, "%s%s", i ? ", " : "", sorted[i]);
		free(sorted[i]);
	}
	free(sorted);
	printf("# %s: %d pairs (seeds %llu..%llu; %d through rt_schema_diff) in %.1f s: %d failed, "
	       "%d generator bugs\n", name, st.pairs, (unsigned long long)seed,
	       (unsigned long long)(seed + (uint64_t)pairs - 1), st.api, secs, st.failed, st.generator);
	printf("# %s operations: %s\n", name, rt_strbuf_str(&kinds));
	rt_strbuf_release(&kinds);
	strbuf all = STRBUF_INIT;
	for (size_t i = 0; i < st.failures.n && i < 20; i++)
		rt_strbuf_addf(&all, "\n  %s", st.failures.v[i]);
	int failed = st.failed, generator = st.generator;
	static char msg[4096];
	snprintf(msg, sizeof(msg), "%s", rt_strbuf_str(&all));
	rt_strbuf_release(&all);
	rt_strlist_free(&st.kinds);
	free(st.counts);
	rt_strlist_free(&st.failures);
	if (failed || generator)
		fail_msg("%s: %d of %d pairs failed, %d generator bugs (skipped pairs):%s", name,
			 failed, st.pairs, generator, msg);
}

static void test_property_sqlite(void **state)
{
	(void)state;
	run_dialect(0);
}

static void test_property_postgresql(void **state)
{
	(void)state;
	run_dialect(1);
}

static int group_setup(void **state)
{
	(void)state;
	snprintf(tmpdir, sizeof(tmpdir), "/tmp/rt_property_XXXXXX");
	if (!mkdtemp(tmpdir))
		return -1;
	char *migrations = rt_xasprintf("%s/migrations", tmpdir); /* rt_ctx_open wants a script location */
	int rc = mkdir(migrations, 0700);
	free(migrations);
	return rc;
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
	char *migrations = rt_xasprintf("%s/migrations", tmpdir);
	rmdir(migrations);
	free(migrations);
	rmdir(tmpdir);
	return 0;
}

int main(void)
{
	setvbuf(stdout, NULL, _IOLBF, 0);
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_property_sqlite),
		cmocka_unit_test(test_property_postgresql),
	};
	return cmocka_run_group_tests_name("property", tests, group_setup, group_teardown);
}
