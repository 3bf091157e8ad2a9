/*
 * mysql_internal.h - what the files of the MySQL dialect share.
 *
 * One dialect serves MySQL 8 and MariaDB 10.11+ (mysql:// and mariadb://
 * URLs) through the MariaDB Connector/C.  The server decides the details
 * where the two differ; the dialect asks it (rt_my_is_mariadb).
 */
#ifndef RT_MYSQL_INTERNAL_H
#define RT_MYSQL_INTERNAL_H

#include "retort.h"
#include "dialect/dialect.h"

/* A mysql:// or mariadb:// URL taken apart (url.c); unset parts are NULL or 0. */
typedef struct rt_my_url {
	char *user;
	char *password;
	char *host;        /* NULL: localhost through the default socket */
	unsigned port;
	char *socket;      /* ?socket=/path (also unix_socket) */
	char *db;          /* the path, without its '/' */
	char *ssl_mode;    /* DISABLED, PREFERRED, REQUIRED, VERIFY_CA, VERIFY_IDENTITY */
	char *ssl_ca;
	char *ssl_capath;
	char *ssl_cert;
	char *ssl_key;
	char *ssl_cipher;
	unsigned connect_timeout; /* seconds; 0: the connector's default */
	char *charset;     /* default utf8mb4 */
} rt_my_url;

/*
 * Parse url: mysql://user:password@host:port/db?param=value&...  User and
 * password are %XX-decoded; an unknown parameter is an error naming it
 * (and the URL, masked).
 */
int rt_my_url_parse(const char *url, rt_my_url *out, rt_error *err);
void rt_my_url_free(rt_my_url *u);
/* url with its database (the path) replaced by db. */
char *rt_my_url_with_db(const char *url, const char *db);

/* Split a migration section by MySQL's lexical rules (split.c). */
int rt_mysql_split(const char *sql, size_t len, int first_line,
		   const char *file, rt_stmtlist *out, rt_error *err);
/* The same for a session whose sql_mode has NO_BACKSLASH_ESCAPES. */
int rt_mysql_split_no_backslash(const char *sql, size_t len, int first_line,
				const char *file, rt_stmtlist *out, rt_error *err);

/* `name` with backticks doubled: how MySQL quotes identifiers. */
void rt_my_quote_ident(strbuf *sb, const char *name);
/* name bare when it is a plain lower-case word and no reserved word, else `quoted`. */
void rt_my_ident(strbuf *sb, const char *name);
/* 'text' with quotes and backslashes escaped, read back exactly with or without NO_BACKSLASH_ESCAPES. */
void rt_my_literal(strbuf *sb, const char *s);

struct sm_schema;
struct sm_ops;
struct sm_diff_opts;
/* The schema of c's database, retort's own tables left out (introspect.c). */
int rt_mysql_introspect(rt_conn *c, const rt_config *cfg, struct sm_schema **out,
			rt_error *err);
/* The operations that turn from into to (diff.c). */
int rt_mysql_diff(const struct sm_schema *from, const struct sm_schema *to,
		  const struct sm_diff_opts *opts, struct sm_ops *out, rt_error *err);

/* A dump of the database into dest with mariadb-dump or mysqldump (backup.c). */
int rt_my_backup(const rt_config *cfg, const char *dest, rt_error *err);

/* The session variables a migration may leave changed, and setting them back (session.c). */
int rt_my_session_state(rt_conn *c, rt_strlist *out, rt_error *err);
void rt_my_session_undo(const rt_strlist *was, const rt_strlist *now,
			rt_strlist *sql, rt_strlist *what);

/*
 * Is the statement [s, s+n) CREATE TEMPORARY TABLE?  Its table's name,
 * as written, is appended to name (split.c).
 */
int rt_my_temp_table(const char *s, size_t n, strbuf *name);
/*
 * The temporary tables statements on c created (mysql.c): neither MySQL 8
 * nor MariaDB before 11.2 lists a session's temporary tables, so the
 * session check (session.c) asks about these names.
 */
const rt_strlist *rt_my_temp_tables(rt_conn *c);

/*
 * The dialect a connection whose session has NO_BACKSLASH_ESCAPES carries
 * (rt_conn_dialect): rt_dialect_mysql with the splitter for that mode.
 */
const rt_dialect *rt_my_dialect_no_backslash(void);

/* Is the server MariaDB (else MySQL)? */
int rt_my_is_mariadb(rt_conn *c);

#endif
