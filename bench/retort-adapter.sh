# retort (C) -- PG + SQLite. One BEGIN IMMEDIATE..COMMIT per migration (default transaction_per_migration = true), SQLite defaults (rollback journal, synchronous=FULL).
# Adapter for the shared harness: ../shared/bench/run.sh [-n ..] [-w ..] raw raw1tx /path/to/bench/retort-adapter.sh
# The header comment lines (like these) end up in the "notes" column of RESULTS.md.
# RETORT: the binary (default: build/retort of the repository holding this file).
TOOL_TX=per_migration
RETORT=${RETORT:-$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)/build/retort}
tool_check()    { [ -x "$RETORT" ]; }
tool_version()  { $RETORT --version; }
# The 'generic' format (migrations/00001_t_1.up.sql + .down.sql) converted by one awk
# process into retort files: revision i gets id printf %012x i (as gen.py does for alembic)
# and revises i-1.
tool_generate() {
  python3 "$BENCH_ROOT/gen.py" generic "$N" "$D" || return 1
  awk '
    function flush(   base, num, name, dn, line, rev, down, out) {
      if (cur == "") return
      base = cur; sub(/.*\//, "", base)
      num = base; sub(/_.*/, "", num); num += 0
      name = base; sub(/^[0-9]+_/, "", name); sub(/\.up\.sql$/, "", name)
      dn = cur; sub(/\.up\.sql$/, ".down.sql", dn)
      down = ""
      while ((getline line < dn) > 0) down = down line "\n"
      close(dn)
      rev = sprintf("%012x", num)
      out = "migrations/" rev "_" name ".sql"
      printf "-- Revision ID: %s\n-- Revises: %s\n-- Create Date: 2026-01-01 00:00:00.000000+00:00\n-- Message: %s\n-- Branch Labels:\n-- Depends On:\n\n-- migrate:upgrade\n%s\n-- migrate:downgrade\n%s", \
        rev, (num > 1 ? sprintf("%012x", num - 1) : ""), name, body, down > out
      close(out)
    }
    FNR == 1 { flush(); cur = FILENAME; body = "" }
    { body = body $0 "\n" }
    END { flush() }
  ' migrations/*.up.sql || return 1
  rm -f migrations/*.up.sql migrations/*.down.sql
  printf '[retort]\nscript_location = migrations\nurl = sqlite:///data/bench.db\n' > retort.ini
}
# cwd is $D.
tool_cmd() {
  local S="sqlite:///$SQLITE_DB"   # absolute path: sqlite:////abs/path
  local P="postgresql://$PGUSER_@$PGHOST_:$PGPORT_/$PGDB"
  case $1 in
    up_sqlite|noop_sqlite) echo "$RETORT --url $S upgrade head" ;;
    up_pg|noop_pg)         echo "$RETORT --url $P upgrade head" ;;
    status_sqlite)         echo "$RETORT --url $S current" ;;
    status_pg)             echo "$RETORT --url $P current" ;;
    heads)                 echo "$RETORT heads" ;;
    history)               echo "$RETORT history" ;;
  esac
}
