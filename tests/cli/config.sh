#!/bin/bash
# config.sh - where the configuration comes from (-c, RETORT_CONFIG,
# ./retort.ini, --url, DATABASE_URL), ${VAR} substitution, [env:NAME]
# sections (-e, RETORT_ENV), SQLite URL forms, version_table, and that a
# password in a URL is never printed.
. "$(dirname "$0")/lib.sh"

# proj/retort.ini with the given extra lines, proj/migrations/aaaa; the
# tests run from sub/ so that relative paths must follow the config file.
layout() {
	mkdir -p proj/migrations sub
	{
		echo "[retort]"
		echo "script_location = migrations"
		for line in "$@"; do echo "$line"; done
	} > proj/retort.ini
	(cd proj && tmig aaaa "")
	cd sub || fail "no sub"
}

# The version rows of an SQLite file.
rows_of() { sqlite3 "$1" "SELECT group_concat(version_num, ' ') FROM (SELECT version_num FROM ${2:-retort_version} ORDER BY 1)"; }

sqlite_test_dash_c_and_relative_sqlite_url() {
	layout "url = sqlite:///rel.db"
	rt -c ../proj/retort.ini upgrade head
	expect_rc 0
	[ -f ../proj/rel.db ] || fail "sqlite:///rel.db is not relative to the config file"
	[ ! -e rel.db ] || fail "sqlite:///rel.db was created in the working directory"
	[ "$(rows_of ../proj/rel.db)" = aaaa ] || fail "rows: $(rows_of ../proj/rel.db)"
	rt -c ../proj/nosuch.ini heads
	expect_rc 2
	expect_err_has "nosuch.ini"
}

sqlite_test_retort_config_variable() {
	layout "url = sqlite:///rel.db"
	RETORT_CONFIG=../proj/retort.ini rt upgrade head
	expect_rc 0
	[ "$(rows_of ../proj/rel.db)" = aaaa ] || fail "RETORT_CONFIG was not used"
	# -c wins over RETORT_CONFIG
	mkdir -p ../other/migrations
	printf '[retort]\nscript_location = migrations\nurl = sqlite:///other.db\n' > ../other/retort.ini
	(cd ../other && tmig zzzz "")
	RETORT_CONFIG=../proj/retort.ini rt -c ../other/retort.ini heads
	expect_rc 0
	expect_out "zzzz (head)"
}

sqlite_test_absolute_and_memory_urls() {
	layout "url = sqlite:///rel.db"
	local abs=$PWD/abs.db
	rt -c ../proj/retort.ini --url "sqlite:///$abs" upgrade head
	expect_rc 0
	[ "$(rows_of "$abs")" = aaaa ] || fail "sqlite:////abs/path.db not used"
	[ ! -e ../proj/rel.db ] || fail "--url did not override the configured url"
	rt -c ../proj/retort.ini --url sqlite://:memory: upgrade head
	expect_rc 0
	expect_err_has "Running upgrade  -> aaaa"
	rt -c ../proj/retort.ini --url sqlite://:memory: current
	expect_rc 0
	expect_out ""
	[ ! -e ../proj/rel.db ] && [ ! -e :memory: ] && [ ! -e ../proj/:memory: ] || fail "a file was created for :memory:"
	rt -c ../proj/retort.ini --url sqlite:// heads
	expect_rc 0
	rt -c ../proj/retort.ini --url sqlite:// upgrade head
	expect_rc 2
	expect_err_has "names no file"
}

# A URL no dialect takes fails when the project opens, even for commands
# that never connect, naming every form retort takes; the password masked.
sqlite_test_unknown_scheme_fails_at_open() {
	layout "url = oracle://scott:tiger@db/orcl"
	rt -c ../proj/retort.ini heads
	expect_rc 2
	expect_err_has "unsupported database URL 'oracle://scott:"
	expect_err_lacks "tiger"
	expect_err_has "sqlite:///"
	expect_err_has "postgresql://"
	expect_err_has "mysql://"
	rt -c ../proj/retort.ini --url "mysql://app@db/app" heads
	expect_rc 0
}

sqlite_test_env_substitution() {
	layout 'url = ${MYDB:-sqlite:///default.db}'
	rt -c ../proj/retort.ini upgrade head
	expect_rc 0
	[ -f ../proj/default.db ] || fail "the default of \${MYDB:-...} was not used"
	MYDB=sqlite:///set.db rt -c ../proj/retort.ini upgrade head
	expect_rc 0
	[ "$(rows_of ../proj/set.db)" = aaaa ] || fail "\${MYDB} was not used"
	# empty counts as unset, as in the shell
	MYDB= rt -c ../proj/retort.ini current
	expect_rc 0
	expect_out "aaaa (head)"
}

sqlite_test_unset_variable_is_an_error() {
	layout 'url = sqlite:///${NAME_NOT_SET_ANYWHERE}.db'
	rt -c ../proj/retort.ini upgrade head
	expect_rc 2
	expect_err_has "../proj/retort.ini:3: 'url' uses \${NAME_NOT_SET_ANYWHERE}, and the environment variable NAME_NOT_SET_ANYWHERE is not set"
	expect_err_has "\${NAME_NOT_SET_ANYWHERE:-value}"
	[ -z "$(ls ../proj | grep '\.db$')" ] || fail "a database was created"
}

sqlite_test_environments() {
	layout "url = sqlite:///main.db" "" "[env:prod]" 'url = sqlite:///${PRODNAME}.db' "" "[env:staging]" "url = sqlite:///staging.db"
	# an unset variable in an environment not in use is no error
	rt -c ../proj/retort.ini upgrade head
	expect_rc 0
	[ "$(rows_of ../proj/main.db)" = aaaa ] || fail "main.db"
	PRODNAME=p rt -c ../proj/retort.ini -e prod upgrade head
	expect_rc 0
	[ "$(rows_of ../proj/p.db)" = aaaa ] || fail "-e prod was not used"
	RETORT_ENV=staging rt -c ../proj/retort.ini upgrade head
	expect_rc 0
	[ "$(rows_of ../proj/staging.db)" = aaaa ] || fail "RETORT_ENV was not used"
	# -e wins over RETORT_ENV
	PRODNAME=q RETORT_ENV=staging rt -c ../proj/retort.ini -e prod upgrade head
	expect_rc 0
	[ -f ../proj/q.db ] || fail "-e did not win over RETORT_ENV"
	rt -c ../proj/retort.ini -e prod upgrade head
	expect_rc 2
	expect_err_has "PRODNAME"
	rt -c ../proj/retort.ini -e nope upgrade head
	expect_rc 2
	expect_err_has "has no [env:nope] section"
	expect_err_has "environments defined there: prod, staging"
}

sqlite_test_database_url_variable() {
	rt init proj
	cd proj || fail "no proj"
	tmig aaaa ""
	DATABASE_URL=sqlite:///from_env.db rt upgrade head
	expect_rc 0
	[ "$(rows_of from_env.db)" = aaaa ] || fail "DATABASE_URL was not used"
	[ ! -e app.db ] || fail "app.db was created"
	rt upgrade head
	expect_rc 0
	[ "$(rows_of app.db)" = aaaa ] || fail "the default sqlite:///app.db was not used"
	# without any configuration file, DATABASE_URL alone works
	rm retort.ini
	DATABASE_URL=sqlite:///bare.db rt upgrade head
	expect_rc 0
	[ "$(rows_of bare.db)" = aaaa ] || fail "DATABASE_URL without retort.ini"
	rt --url sqlite:///flag.db upgrade head
	expect_rc 0
	[ "$(rows_of flag.db)" = aaaa ] || fail "--url without retort.ini"
	rt upgrade head
	expect_rc 2
	expect_err_has "no database URL is configured"
}

sqlite_test_version_table_setting() {
	layout "url = sqlite:///app.db" "version_table = alembic_version"
	rt -c ../proj/retort.ini upgrade head
	expect_rc 0
	[ "$(rows_of ../proj/app.db alembic_version)" = aaaa ] || fail "alembic_version not used"
	[ "$(sqlite3 ../proj/app.db "SELECT count(*) FROM alembic_version_history")" = 1 ] || fail "history table"
	[ "$(sqlite3 ../proj/app.db "SELECT count(*) FROM sqlite_master WHERE name = 'retort_version'")" = 0 ] ||
		fail "retort_version was created too"
	sed -i 's/^version_table.*/version_table = bad-name;/' ../proj/retort.ini
	rt -c ../proj/retort.ini current
	expect_rc 2
	expect_err_has "../proj/retort.ini:4"
}

sqlite_test_config_mistakes_name_file_and_line() {
	layout "url = sqlite:///app.db" "colour = blue"
	rt -c ../proj/retort.ini heads
	expect_rc 2
	expect_err_has "../proj/retort.ini:4: unknown key 'colour' in [retort]"
	printf '[retort]\nscript_location = migrations\ntransaction_per_migration = maybe\n' > ../proj/retort.ini
	rt -c ../proj/retort.ini heads
	expect_rc 2
	expect_err_has "../proj/retort.ini:3: transaction_per_migration 'maybe' is not true or false"
	printf '[retort]\nscript_location = migrations\nlock_wait = soon\n' > ../proj/retort.ini
	rt -c ../proj/retort.ini heads
	expect_rc 2
	expect_err_has "../proj/retort.ini:3: lock_wait 'soon'"
	printf '[retort]\nscript_location = migrations\n[nosuch]\nx = 1\n' > ../proj/retort.ini
	rt -c ../proj/retort.ini heads
	expect_rc 2
	expect_err_has "unknown section [nosuch]"
}

sqlite_test_placeholders_from_cli_win_over_config() {
	layout "url = sqlite:///app.db" "[placeholders]" "name = cfg"
	(cd ../proj && mig bbbb aaaa "ph" "CREATE TABLE t_\${name} (id INTEGER);" "DROP TABLE t_\${name};" >/dev/null)
	rt -c ../proj/retort.ini -x name=cli upgrade head
	expect_rc 0
	[ "$(sqlite3 ../proj/app.db "SELECT name FROM sqlite_master WHERE name LIKE 't\_%' ESCAPE '\' ORDER BY 1" | tr '\n' ' ')" = "t_aaaa t_cli " ] ||
		fail "-x did not win over [placeholders]"
}

# Passwords in URLs are masked wherever retort prints a URL.
test_password_is_never_printed() {
	project
	tmig aaaa ""
	local url c
	for url in "mysql://user:s3cretpw@db.example/app" "postgresql://user:s3cretpw@127.0.0.1:1/app" \
		"mysql://db.example/app?password=s3cretpw"; do
		for c in "current -v" "current" "upgrade head" "history -i" "stamp head"; do
			# shellcheck disable=SC2086
			rt --url "$url" $c
			[ "$RC" -ne 0 ] || fail "'retort --url $url $c' succeeded"
			expect_err_lacks "s3cretpw"
			expect_out_lacks "s3cretpw"
			expect_err_has "***"
		done
	done
	rt --url "mysql://user:s3cretpw@db.example/app" current -v
	expect_err_has "mysql://user:***@db.example/app"
	: > empty.ini
	DATABASE_URL="mysql://user:s3cretpw@db.example/app" rt upgrade head -c empty.ini
	expect_rc 1  # a MySQL URL: the connection fails
	expect_err_lacks "s3cretpw"
	expect_err_has "mysql://user:***@db.example/app"
}

# libpq ends a URL's user-info only at '/': '?' and '#' may be in the
# password, and the connection error must not show it.
test_password_with_query_characters_is_never_printed() {
	rt init proj
	cd proj || fail "no proj"
	rt --url 'postgresql://app:Xy7?k#2@127.0.0.1:1/app' current
	expect_rc 1
	expect_err_has "postgresql://app:***@127.0.0.1:1/app"
	expect_err_lacks "Xy7"
	expect_out_lacks "Xy7"
	rt --url 'host=127.0.0.1 port=1 password = Xy7 sslpassword=Xy7' current
	expect_rc 1
	expect_err_has "password = ***"
	expect_err_lacks "Xy7"
}

# A retort.ini saved with old Mac line ends (CR only) is read line by line.
sqlite_test_cr_line_ends() {
	mkdir -p proj/migrations
	printf '[retort]\rscript_location = migrations\rurl = sqlite:///cr.db\r' > proj/retort.ini
	(cd proj && tmig aaaa "")
	rt -c proj/retort.ini upgrade head
	expect_rc 0
	[ "$(rows_of proj/cr.db)" = aaaa ] || fail "the CR-only retort.ini was not read line by line"
	printf '[retort]\rurl = sqlite:///cr.db\rcolour = blue\r' > proj/retort.ini
	rt -c proj/retort.ini heads
	expect_rc 2
	expect_err_has "proj/retort.ini:3: unknown key 'colour' in [retort]"
}

# -c names a file: a directory, a NUL byte or a file_template without a
# real %(rev)s key is an error with the file (and line), exit 2.
sqlite_test_config_file_refusals() {
	rt init proj
	rt -c proj heads
	expect_rc 2
	expect_err_has "proj: is a directory, not a configuration file"
	expect_err_has "proj/retort.ini"
	# A pipe is read like a file.
	rt -c <(printf '[retort]\nscript_location = %s/proj/migrations\nurl = sqlite:////tmp/none.db\n' "$PWD") heads
	expect_rc 0
	printf '[retort]\nurl = sqlite:///a.db\0junk\n' > proj/retort.ini
	rt -c proj/retort.ini heads
	expect_rc 2
	expect_err_has "proj/retort.ini:2: contains a NUL byte"
	printf '[retort]\nurl = sqlite:///a.db\nfile_template = rev_%%(slug)s\n' > proj/retort.ini
	rt -c proj/retort.ini heads
	expect_rc 2
	expect_err_has "proj/retort.ini:3: file_template 'rev_%(slug)s' does not contain %(rev)s"
	printf '[retort]\nurl = sqlite:///a.db\nfile_template = %%(rev)s_%%(title)s\n' > proj/retort.ini
	rt -c proj/retort.ini heads
	expect_rc 2
	expect_err_has "proj/retort.ini:3: file_template '%(rev)s_%(title)s': unknown key 'title'"
	expect_err_has "keys: rev slug"
}

sqlite_test_current_verbose_shows_the_url() {
	layout "url = sqlite:///app.db"
	rt -c ../proj/retort.ini upgrade head
	rt -c ../proj/retort.ini current -v
	expect_rc 0
	[ "$(head -n 1 <<<"$OUT")" = "Current revision(s) for sqlite:///app.db:" ] || fail "first line: $(head -n 1 <<<"$OUT")"
}

run_tests
