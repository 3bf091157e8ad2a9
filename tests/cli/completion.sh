#!/bin/bash
# completion.sh - `retort completion bash|zsh|fish`: the bash script is
# sourced and its function called on sample command lines (commands,
# options from the same tables as --help, option values, environments from
# retort.ini, revision ids and labels, seeds); zsh and fish scripts are
# checked by their shells' parsers when those are installed.
. "$(dirname "$0")/lib.sh"

# complete LINE: what the bash completion offers for LINE (a trailing space
# starts a new word), sorted, one line.
complete_line() {
	"$RETORT" completion bash > c.bash || fail "completion bash failed"
	bash -c '
		source ./c.bash
		read -r -a COMP_WORDS <<<"$1"
		[[ $1 == *" " ]] && COMP_WORDS+=("")
		COMP_CWORD=$(( ${#COMP_WORDS[@]} - 1 ))
		COMP_WORDS[0]=$2
		_retort
		printf "%s\n" "${COMPREPLY[@]}" | sort | tr "\n" " " | sed "s/ \$//"
	' _ "$1" "$RETORT"
}

expect_completion() {
	local got
	got=$(complete_line "$1")
	[ "$got" = "$2" ] || fail "completing '$1': expected '$2', got '$got'"
}

completion_has() {
	local got
	got=$(complete_line "$1")
	for w in $2; do
		grep -qw -- "$w" <<<"$got" || fail "completing '$1': no '$w' in '$got'"
	done
}

setup() {
	project "" "[env:staging]" "url = sqlite:///staging.db" "[env:production]" "url = sqlite:///prod.db"
	tmig aaa1 ""
	tmig bbb2 aaa1 "-- Branch Labels: shop"
	mkdir -p seeds
	echo "SELECT 1;" > seeds/demo.sql
	echo "SELECT 1;" > seeds/load.sql
}

sqlite_test_commands_and_options() {
	setup
	expect_completion "retort up" "upgrade"
	expect_completion "retort d" "diff downgrade dump-schema"
	completion_has "retort " "init revision upgrade downgrade test lint squash rehash baseline completion"
	completion_has "retort --" "--config --env --url --json --quiet --verbose --help"
	completion_has "retort upgrade --" "--sql --backup --config --env"
	expect_completion "retort lint --f" "--format"
	expect_completion "retort lint --format " "github json sarif text"
	expect_completion "retort lint --dialect p" "postgresql"
	expect_completion "retort completion " "bash fish zsh"
	# every command --help lists, and every option of lint's --help
	for c in $("$RETORT" --help | awk '/^commands:/ {f = 1; next} f && /^  [a-z]/ {print $1}'); do
		completion_has "retort " "$c"
	done
	for o in $("$RETORT" lint --help | grep -o -- '--[a-z][a-z-]*' | sort -u); do
		completion_has "retort lint -" "$o"
	done
}

sqlite_test_project_words() {
	setup
	expect_completion "retort -e " "production staging"
	expect_completion "retort --env p" "production"
	expect_completion "retort upgrade aa" "aaa1"
	completion_has "retort upgrade " "aaa1 bbb2 head heads base shop shop@head"
	completion_has "retort -e staging downgrade " "aaa1 bbb2"
	completion_has "retort history -r " "aaa1 bbb2"
	completion_has "retort revision --head " "aaa1 bbb2"
	expect_completion "retort seed " "demo load"
	expect_completion "retort test --seed d" "demo"
	# no project here: nothing, and no error on the terminal
	mkdir empty && cd empty
	expect_completion "retort upgrade " ""
}

sqlite_test_other_shells() {
	setup
	rt completion zsh
	expect_rc 0
	expect_out_has "#compdef retort"
	expect_out_has "complete -F __retort_bash retort"
	if command -v zsh >/dev/null; then
		zsh -n <<<"$OUT" || fail "zsh cannot parse it"
	fi
	rt completion fish
	expect_rc 0
	expect_out_has "complete -c retort -n 'not __retort_cmd' -a upgrade"
	expect_out_has "complete -c retort -n '__retort_using lint' -l format -x -a 'text json github sarif'"
	expect_out_has "-a '(retort __complete revisions 2>/dev/null)'"
	if command -v fish >/dev/null; then
		fish -n <<<"$OUT" || fail "fish cannot parse it"
		echo "$OUT" > c.fish
		local got
		got=$(PATH="$(dirname "$RETORT"):$PATH" fish -c 'source c.fish
			complete -C "retort up"; complete -C "retort upgrade aa"; complete -C "retort -e st"
			complete -C "retort lint --format s"' | cut -f1 | tr '\n' ' ')
		[ "$got" = "upgrade aaa1 staging sarif " ] || fail "fish completes: '$got'"
	fi
	rt completion tcsh
	expect_rc 2
	expect_err_has "no completion for 'tcsh' (bash, zsh, fish)"
	rt __complete revisions
	expect_out_has "aaa1"
	rt __complete envs
	expect_out "staging
production"
}

run_tests
