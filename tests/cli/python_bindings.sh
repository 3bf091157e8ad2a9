#!/bin/bash
# python_bindings.sh - retort.Project, the ctypes bindings to libretort:
# upgrade, downgrade, stamp, current, heads, history, offline SQL, errors as
# retort.Error, progress on the "retort" logger (never stdout), the URL
# given replacing the file's, many processes migrating one database at once.
# (python_fastapi.sh: the FastAPI example migrating on start-up.)
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/python.inc"
py_use_library

# Run Python with the package; stdout in $OUT, stderr in $ERR, status in $RC.
pyrun() {
	LAST_ARGS="python3 $*"
	OUT=$("$PY" "$@" 2>"$_ROOT/err.$$")
	RC=$?
	ERR=$(cat "$_ROOT/err.$$")
	grep -q "Sanitizer" <<<"$ERR" && fail "sanitizer report: $ERR"
	return 0
}

test_project_upgrade_current_history_downgrade() {
	project
	tmig a ""
	tmig b a
	mig c b "rev c" "CREATE TABLE t_c (id INTEGER);
SELECT no_such_function();" "DROP TABLE t_c;" >/dev/null
	cat > run.py <<'EOF'
import logging, os, sys, io
import retort

records = []
class Keep(logging.Handler):
    def emit(self, r):
        records.append(r.getMessage())
logging.getLogger("retort").addHandler(Keep())
logging.getLogger("retort").setLevel(logging.DEBUG)

p = retort.Project(config="retort.ini")
print("heads", p.heads())
print("current", p.current())
p.upgrade("b")
print("current", p.current())
print("history", [r["id"] for r in p.history()], p.history()[0]["down_revisions"], p.history()[1]["message"])
try:
    p.upgrade("head")
except retort.Error as e:
    print("error", e.code, e.revision, os.path.basename(e.file), e.line, bool(e.hint))
    print("message", e.message.splitlines()[0])
print("current", p.current())
sql = p.upgrade("b:c", sql=True)
print("sql", "CREATE TABLE t_c" in sql, "UPDATE retort_version" in sql)
p.downgrade("-1")
print("current", p.current())
p.stamp("b")
print("current", p.current())
p.stamp("a")
p.downgrade("base")
print("current", p.current(), p.is_up_to_date())
p.close()
try:
    p.current()
except retort.Error as e:
    print("closed", e.code)
print("logged", any(m.startswith("Running upgrade  -> a") for m in records),
      any(m.startswith("Running downgrade") for m in records))
EOF
	pyrun run.py
	expect_rc 0
	expect_out "heads ['c']
current []
current ['b']
history ['c', 'b', 'a'] ['b'] rev b
error sql c c_rev_c.sql 8 True
message upgrade c (rev c) failed: $([ "$DIALECT" = sqlite ] && echo "SQLite: no such function: no_such_function" || echo "function no_such_function() does not exist (SQLSTATE 42883)")
current ['b']
sql True True
current ['a']
current ['b']
current [] False
closed usage
logged True True"
	# progress went to the logger only: nothing on stderr without a handler
	expect_err ""
}

sqlite_test_project_configuration_errors_and_url() {
	mkdir migrations
	tmig a ""
	printf '[retort]\nurl = postgresql://app:${RT_NEVER_SET}@db/app\n' > retort.ini
	cat > run.py <<'EOF'
import sys
import retort
try:
    retort.Project(config="retort.ini")
except retort.Error as e:
    print("error", e.code, e.file, e.line, "RT_NEVER_SET" in e.message, bool(e.hint))
p = retort.Project(config="retort.ini", url="sqlite+pysqlite:///app.db")
p.upgrade()
print(p.current())
try:
    retort.Project(config="nope.ini")
except retort.Error as e:
    print("missing", e.code, e.file)
try:
    p.upgrade("zzz")
except retort.Error as e:
    print("resolve", e.code, e.revision)
print(retort.version())
EOF
	pyrun run.py
	expect_rc 0
	expect_out "error config retort.ini 2 True True
['a']
missing config nope.ini
resolve resolve None
$("$RETORT" --version | cut -d' ' -f2)"
	# the library is looked for where RETORT_LIBRARY says, and the error says where
	RETORT_LIBRARY=/nonexistent/libretort.so.0 pyrun -c 'import retort; retort.Project()'
	expect_rc 1
	grep -q "OSError: libretort not found; looked for: /nonexistent/libretort.so.0 (no such file)" <<<"$ERR" ||
		fail "unexpected: $ERR"
}

# Without RETORT_LIBRARY the package takes the build/ of the checkout it
# lives in, else the library the dynamic linker finds (an installed one).
sqlite_test_library_search_order() {
	local lib=$RETORT_LIBRARY
	unset RETORT_LIBRARY
	mkdir -p co/python co/build sys
	cp -R "$_REPO/python/retort" co/python/
	ln -s "$lib" co/build/libretort.so.0
	PYTHONPATH="$PWD/co/python" pyrun -c 'import retort; print(retort.library_path()); print(retort.version())'
	expect_rc 0
	expect_out "$PWD/co/build/libretort.so.0
$("$RETORT" --version | cut -d' ' -f2)"
	rm co/build/libretort.so.0
	ln -s "$lib" sys/libretort.so.0
	LD_LIBRARY_PATH="$PWD/sys" PYTHONPATH="$PWD/co/python" pyrun -c 'import retort; print(retort.library_path())'
	expect_rc 0
	expect_out "libretort.so.0"
	PYTHONPATH="$PWD/co/python" pyrun -c 'import retort; retort.Project()'
	expect_rc 1
	grep -q "OSError: libretort not found; looked for: $PWD/co/build/libretort.so.0 (no such file); libretort.so.0 (" <<<"$ERR" ||
		fail "unexpected: $ERR"
}

# MySQL: DDL commits statement by statement; each that took effect is
# logged, and a failure in the middle says what took effect and how to go on.
my_test_mysql_statements_logged_and_failure_in_the_middle() {
	project
	mig aaaa "" "three steps" \
"CREATE TABLE t_a (id INT PRIMARY KEY);
ALTER TABLE t_nope ADD COLUMN x INT;
CREATE TABLE t_c (id INT PRIMARY KEY);" "DROP TABLE t_c;
DROP TABLE t_a;" >/dev/null
	cat > run.py <<'EOF'
import logging, retort
records = []
class Keep(logging.Handler):
    def emit(self, r):
        records.append(r.getMessage())
logging.getLogger("retort").addHandler(Keep())
logging.getLogger("retort").setLevel(logging.INFO)
try:
    retort.Project(config="retort.ini").upgrade("head")
except retort.Error as e:
    print("error", e.code, e.revision, e.line, e.fix)
print("\n".join(m for m in records if m.startswith("statement")))
EOF
	pyrun run.py
	expect_rc 0
	expect_out "error sql aaaa 8 ('resume', 'upgrade')
statement 1 of 3 (line 7) took effect"
}

# Eight processes (a web app's workers) migrate one database at once: each
# migration is applied exactly once, every process succeeds.
test_eight_processes_at_once() {
	project
	local i
	for i in 1 2 3 4 5 6; do tmig "r$i" "$([ $i -gt 1 ] && echo "r$((i - 1))")"; done
	cat > worker.py <<'EOF'
import retort
retort.Project(config="retort.ini").upgrade("head")
EOF
	local pids=()
	for i in 1 2 3 4 5 6 7 8; do
		"$PY" worker.py > "w$i.out" 2> "w$i.err" &
		pids+=($!)
	done
	for i in "${!pids[@]}"; do
		wait "${pids[$i]}" || fail "worker $((i + 1)) failed: $(cat "w$((i + 1)).err")"
	done
	expect_versions "r6"
	expect_q "SELECT count(*), count(DISTINCT revision) FROM retort_version_history WHERE direction = 'upgrade'" "6|6"
}

run_tests
