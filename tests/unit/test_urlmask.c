/*
 * test_urlmask.c - passwords in URLs and libpq connection strings: what
 * rt_url_mask hides in the URL itself, and what rt_url_hide_secrets takes
 * out of other text (libpq's own messages, which quote parts of the URL,
 * %-decoded or cut into pieces when the URL is malformed).  Table-driven,
 * malformed shapes included.  (test_config.c has the well-formed basics.)
 */
#include "unit.h"
#include "internal.h"

static void test_mask_shapes(void **state)
{
	(void)state;
	static const char *const cases[][2] = {
		/* An unencoded '/' in the password (base64): libpq sees no user-info. */
		{ "postgresql://app:ab/cd==@h/app", "postgresql://app:***@h/app" },
		{ "postgresql://app:s3cr/et@127.0.0.1:1/app", "postgresql://app:***@127.0.0.1:1/app" },
		{ "postgresql://u:p@ss/w@h/db", "postgresql://u:***@h/db" },
		{ "postgresql://u:a/b?c@h/db", "postgresql://u:***@h/db" },
		{ "postgresql://u:a/b@h/db?password=c", "postgresql://u:***@h/db?password=***" },
		{ "postgres://u:x/y+z==@h:5432/db?sslmode=require",
		  "postgres://u:***@h:5432/db?sslmode=require" },
		/* Both a user-info and a query password. */
		{ "postgresql://app:first@h/app?password=second", "postgresql://app:***@h/app?password=***" },
		/* An '@' in a query value is no user-info. */
		{ "postgresql://h:5432/db?user=a@b", "postgresql://h:5432/db?user=a@b" },
		{ "postgresql://u@h/db?user=x@y&password=z", "postgresql://u@h/db?user=x@y&password=***" },
		{ "postgresql://h/db?application_name=a@b&password=s",
		  "postgresql://h/db?application_name=a@b&password=***" },
		/* Several hosts, IPv6, empty parts. */
		{ "postgresql://u:pw@h1:5432,h2:5433/db", "postgresql://u:***@h1:5432,h2:5433/db" },
		{ "postgresql://u:pw@[::1]:5432/db", "postgresql://u:***@[::1]:5432/db" },
		{ "postgresql://:pw@h/db", "postgresql://:***@h/db" },
		{ "postgresql://u:@h/db", "postgresql://u:@h/db" },
		{ "postgresql://u:p%2Fw@h/db", "postgresql://u:***@h/db" },
		/* No authority: nothing is user-info. */
		{ "postgresql:///db?host=/run/pg&password=x", "postgresql:///db?host=/run/pg&password=***" },
		{ "sqlite:////abs/pa:th/with@sign.db", "sqlite:////abs/pa:th/with@sign.db" },
		/* Malformed. */
		{ "postgresql://u:pw@", "postgresql://u:***@" },
		{ "postgresql://u:a@b@c", "postgresql://u:***@c" },
		{ "postgresql://@@@", "postgresql://@@@" },
		{ "postgresql://", "postgresql://" },
		{ "postgresql://u:pw", "postgresql://u:pw" },
		{ "postgresql://h/db?password", "postgresql://h/db?password" },
		{ "postgresql://h/db?password=", "postgresql://h/db?password=***" },
		{ "postgresql://h/db?&&password=x&", "postgresql://h/db?&&password=***&" },
		{ "postgresql:/u:s3cret@h/db", "postgresql:/u:***@h/db" },
		{ "postgresql:u:s3cret@h/db", "postgresql:u:***@h/db" },
		{ "postgresql:app.db", "postgresql:app.db" },
		/* A URL as a key=value value. */
		{ "dbname=postgresql://u:s3cret@h/db sslmode=require",
		  "dbname=postgresql://u:***@h/db sslmode=require" },
		{ "dbname='postgresql://u:s3cret@h/db'", "dbname='postgresql://u:***@h/db'" },
		{ "host=h password=p1 dbname=postgresql://u:p2@h/db?password=p3",
		  "host=h password=*** dbname=postgresql://u:***@h/db?password=***" },
	};
	for (size_t i = 0; i < sizeof(cases) / sizeof(*cases); i++) {
		char *got = rt_url_mask(cases[i][0]);
		if (strcmp(got, cases[i][1]))
			fail_msg("rt_url_mask(\"%s\") = \"%s\", want \"%s\"", cases[i][0], got, cases[i][1]);
		free(got);
	}
}

/* hide(url, text) with every secret of url replaced. */
static char *hide(const char *url, const char *text)
{
	strbuf sb = STRBUF_INIT;
	rt_strbuf_adds(&sb, text);
	rt_url_hide_secrets(&sb, url);
	return rt_strbuf_detach(&sb);
}

/*
 * libpq's messages for these URLs (as libpq 15 writes them): each secret
 * leaves them, as written, %-decoded, unquoted, or in the pieces libpq cut
 * a malformed URL into; ordinary words stay.
 */
static void test_hide_in_messages(void **state)
{
	(void)state;
	static const char *const cases[][3] = {
		{ "postgresql://app:ab/cd==@127.0.0.1:1/app",
		  "invalid integer value \"ab\" for connection option \"port\"",
		  "invalid integer value \"***\" for connection option \"port\"" },
		{ "postgresql://app:s3cr/et@h/app", "database \"et@h/app\" does not exist",
		  "database \"***@h/app\" does not exist" },
		{ "postgresql://app:pa/ss?wo@rd@127.0.0.1:1/app",
		  "missing key/value separator \"=\" in URI query parameter: \"wo@rd@127.0.0.1:1/app\"",
		  "missing key/value separator \"=\" in URI query parameter: \"***@127.0.0.1:1/app\"" },
		{ "postgresql://app:fi%zzrst@h/app?password=se%zzcond",
		  "invalid percent-encoded token: \"fi%zzrst\"", "invalid percent-encoded token: \"***\"" },
		{ "postgresql://app:fi%zzrst@h/app?password=se%zzcond",
		  "invalid percent-encoded token: \"se%zzcond\"", "invalid percent-encoded token: \"***\"" },
		{ "postgresql://u:p%40ss%2Fword@h/db", "password p@ss/word and p%40ss%2Fword",
		  "password *** and ***" },
		{ "host=h password='it\\'s secret'", "bad password it's secret",
		  "bad password ***" },
		{ "postgresql:/u:s3cret@h/db",
		  "missing \"=\" after \"postgresql:/u:s3cret@h/db\" in connection info string",
		  "missing \"=\" after \"postgresql:/u:***@h/db\" in connection info string" },
		/* Short pieces only where libpq quotes a whole value. */
		{ "postgresql://u:ab/t@h/db", "table ab \"ab\" 'ab' \"abc\"", "table ab \"***\" '***' \"abc\"" },
		{ "postgresql://u@h/db", "nothing secret here", "nothing secret here" },
		{ "sqlite:///app.db", "unable to open app.db", "unable to open app.db" },
	};
	for (size_t i = 0; i < sizeof(cases) / sizeof(*cases); i++) {
		char *got = hide(cases[i][0], cases[i][1]);
		if (strcmp(got, cases[i][2]))
			fail_msg("hiding %s in '%s' gave '%s', want '%s'", cases[i][0], cases[i][1], got,
				 cases[i][2]);
		free(got);
	}
}

/* The hint for a password libpq cuts short, only then. */
static void test_password_hint(void **state)
{
	(void)state;
	assert_non_null(rt_url_password_hint("postgresql://app:ab/cd==@h/app"));
	assert_non_null(rt_url_password_hint("postgresql://u:p@ss@h/db/x@y"));
	assert_non_null(rt_url_password_hint("postgresql://u:p@ss@h/db"));
	assert_null(rt_url_password_hint("postgresql://u:pw@h/db"));
	assert_null(rt_url_password_hint("postgresql://h:5432/db?user=a@b"));
	assert_null(rt_url_password_hint("postgresql://u@h/db"));
	assert_null(rt_url_password_hint("host=h password=a/b@c"));
	assert_null(rt_url_password_hint(NULL));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_mask_shapes),
		cmocka_unit_test(test_hide_in_messages),
		cmocka_unit_test(test_password_hint),
	};
	return cmocka_run_group_tests_name("urlmask", tests, NULL, NULL);
}
