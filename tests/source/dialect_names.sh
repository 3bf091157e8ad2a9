#!/bin/bash
# tests/source/dialect_names.sh - generic code never compares a dialect's
# name: outside lib/dialect/, no source file of lib/ or cli/ compares a
# string with a dialect or URL-scheme name (strcmp, strncmp, strcasecmp,
# memcmp, ==) nor a dialect with one of the dialect structs.  What a
# dialect does differently belongs in its folder, behind rt_dialect.
# Output is TAP.
set -u
cd "$(dirname "$0")/../.."

names='sqlite3?|postgres(ql)?|pg|mysql|mariadb'
checks=(
	"dialect name compared as a string|(str(n?case)?cmp|strn?cmp|memcmp)[[:space:]]*\\([^;]*\"($names)\""
	"string compared with == to a dialect name|([=!]=[[:space:]]*\"($names)\"|\"($names)\"[[:space:]]*[=!]=)"
	"dialect compared with one dialect's struct|([=!]=[[:space:]]*&?rt_dialect_[a-z]+\\b|&?rt_dialect_[a-z]+[[:space:]]*[=!]=)"
)

files=$(find lib cli -name '*.[ch]' -not -path 'lib/dialect/*' | sort)
[ -n "$files" ] || { echo "not ok 1 - no sources found under lib/ and cli/"; exit 1; }

n=0 bad=0
for c in "${checks[@]}"; do
	what=${c%%|*}
	re=${c#*|}
	n=$((n + 1))
	# shellcheck disable=SC2086
	hits=$(grep -nE -e "$re" $files || true)
	if [ -n "$hits" ]; then
		echo "not ok $n - no $what outside lib/dialect/"
		echo "$hits" | sed 's/^/# /'
		bad=$((bad + 1))
	else
		echo "ok $n - no $what outside lib/dialect/"
	fi
done
echo "1..$n"
[ "$bad" -eq 0 ]
