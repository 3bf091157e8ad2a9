#!/bin/bash
# debian_schemas.sh - real schemas beyond ../shared/schemas, as the
# projects ship them: the SQL files Debian's packages of PowerDNS,
# Icinga 2 and Bacula install to create their databases (dbconfig-common
# loads them as they are).  Each goes empty -> full -> empty through
# autogenerate, upgrade, check, verify and downgrade, with nothing made
# by hand first.
#
# The packages are fetched with `apt-get download` (no installation, no
# root: the .deb is only unpacked) into $RETORT_TEST_DEBS (default: debs/
# beside the retort binary), once; a machine that cannot fetch them
# reports these tests as skipped, naming the package.
. "$(dirname "$0")/lib.sh"

DEBS=${RETORT_TEST_DEBS:-$(cd "$(dirname "$RETORT")" && pwd)/debs}

# The unpacked file PATH of Debian package PKG, fetched and unpacked on
# first use; prints its path, or the reason it is missing (exit 1).
deb_file() {
	local pkg=$1 path=$2
	if [ ! -e "$DEBS/$pkg/$path" ]; then
		mkdir -p "$DEBS/$pkg"
		if ! command -v apt-get >/dev/null || ! command -v dpkg-deb >/dev/null; then
			echo "no apt-get/dpkg-deb to fetch Debian package $pkg"
			return 1
		fi
		if ! (cd "$DEBS/$pkg" && rm -f ./*.deb && apt-get download -q "$pkg" >download.log 2>&1 &&
			dpkg-deb -x ./*.deb .); then
			echo "cannot fetch Debian package $pkg (apt-get download: $(tail -n 1 "$DEBS/$pkg/download.log" 2>/dev/null))"
			return 1
		fi
	fi
	[ -e "$DEBS/$pkg/$path" ] || { echo "Debian package $pkg has no $path"; return 1; }
	echo "$DEBS/$pkg/$path"
}

# schema.sql is the file PATH of package PKG, as it is: the first
# migration written by autogenerate, applied, checked, verified, undone.
journey() {
	local f
	f=$(deb_file "$1" "$2") || skip "$f"
	cp "$f" schema.sql
	schema_journey
}

# Upgraded, the N tables of the file are there; downgraded, none is.
full_then_empty() {
	rt upgrade head
	expect_rc 0
	expect_q "$(user_tables_sql)" "$1"
	rt downgrade base
	expect_rc 0
	expect_q "$(user_tables_sql)" "0"
}

# The query counting the tables of the test database other than retort's own.
user_tables_sql() {
	case $DIALECT in
	sqlite) echo "SELECT count(*) FROM sqlite_schema WHERE type = 'table' AND name NOT LIKE 'retort%' AND name NOT LIKE 'sqlite%'" ;;
	postgresql) echo "SELECT count(*) FROM pg_tables WHERE schemaname = 'public' AND tablename NOT LIKE 'retort%'" ;;
	mysql) echo "SELECT count(*) FROM information_schema.tables WHERE table_schema = DATABASE() AND table_name NOT LIKE 'retort%'" ;;
	esac
}

sqlite_test_powerdns_sqlite3() {
	journey pdns-backend-sqlite3 usr/share/pdns-backend-sqlite3/schema/schema.sqlite3.sql
	full_then_empty 7
}

pg_test_powerdns_pgsql() {
	journey pdns-backend-pgsql usr/share/pdns-backend-pgsql/schema/schema.pgsql.sql
	full_then_empty 7
}

pg_test_icinga2_ido_pgsql() {
	journey icinga2-ido-pgsql usr/share/icinga2-ido-pgsql/schema/pgsql.sql
	full_then_empty 61
}

pg_test_bacula_director_pgsql() {
	journey bacula-director-pgsql usr/share/dbconfig-common/data/bacula-director-pgsql/install/pgsql
	full_then_empty 26
}

my_test_powerdns_mysql() {
	journey pdns-backend-mysql usr/share/pdns-backend-mysql/schema/schema.mysql.sql
	full_then_empty 7
}

my_test_icinga2_ido_mysql() {
	journey icinga2-ido-mysql usr/share/icinga2-ido-mysql/schema/mysql.sql
	full_then_empty 61
}

run_tests
