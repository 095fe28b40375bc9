#!/usr/bin/env bash
# End-to-end checks of the `crm` command-line tool. Usage: cli.test.sh PATH_TO_CRM
# Prints each check; exits non-zero when any fails.
set -u
crm="${1:?usage: cli.test.sh PATH_TO_CRM}"
work="$(mktemp -d "${TMPDIR:-/tmp}/crm-cli-test.XXXXXX")"
trap 'rm -rf "$work"' EXIT
failures=0

pass() { echo "ok   - $1"; }
fail() { echo "FAIL - $1"; failures=$((failures + 1)); }
# expect NAME EXPECTED_STATUS COMMAND...: runs the command, keeps stdout/stderr in $out/$err.
expect() {
  local name="$1" want="$2"; shift 2
  "$@" >"$work/out" 2>"$work/err"
  local got=$?
  out="$(cat "$work/out")"; err="$(cat "$work/err")"
  if [ "$got" -eq "$want" ]; then pass "$name (exit $got)"; else fail "$name: exit $got, expected $want; stderr: $err"; fi
}
contains() { # contains NAME HAYSTACK NEEDLE
  case "$2" in *"$3"*) pass "$1" ;; *) fail "$1: expected to find '$3' in: $2" ;; esac
}

db="$work/org.db"

echo "# help and usage"
expect "--help prints the usage" 0 "$crm" --help
contains "the usage names exec" "$out" "exec"
expect "no command is a usage error" 2 "$crm"
contains "usage goes to stderr" "$err" "Usage:"
expect "an unknown option is a usage error" 2 "$crm" --db "$db" --frobnicate info
expect "an unknown command is a usage error" 2 "$crm" --db "$db" frobnicate
expect "a command without --db is a usage error" 2 "$crm" info
expect "exec without a request is a usage error" 2 "$crm" --db "$db" exec
expect "a seed that is not a number is a usage error" 2 "$crm" --db "$db" demo --seed abc

echo "# exec"
expect "company.update succeeds" 0 "$crm" --db "$db" exec \
  '{"cmd":"company.update","as":"alice","args":{"name":"Acme 北风","currency":"EUR"}}'
contains "the response is ok" "$out" '"ok":true'
contains "the response carries the new name" "$out" '"name":"Acme 北风"'
expect "company.get reads it back" 0 "$crm" --db "$db" exec '{"cmd":"company.get"}'
contains "the currency persisted" "$out" '"currency":"EUR"'
expect "audit.list shows two entries" 0 "$crm" --db "$db" exec '{"cmd":"audit.list","args":{"actor":"alice"}}'
contains "the total is 2" "$out" '"total":2'
expect "malformed JSON fails" 1 "$crm" --db "$db" exec '{"cmd":'
contains "the code is bad_json" "$out" '"code":"bad_json"'
contains "the message is on stderr too" "$err" "not valid JSON"
expect "an invalid currency fails" 1 "$crm" --db "$db" exec \
  '{"cmd":"company.update","as":"alice","args":{"currency":"USX"}}'
contains "the field is named" "$out" '"field":"currency"'
expect "a change without an actor runs as the workspace's owner" 0 "$crm" --db "$db" exec \
  '{"cmd":"company.update","args":{"name":"Acme Owner"}}'
expect "the owner's change is audited under its name" 0 "$crm" --db "$db" exec '{"cmd":"audit.list","args":{"actor":"admin"}}'
contains "the owner is the built-in administrator" "$out" '"actor":"admin"'

echo "# info"
expect "info succeeds" 0 "$crm" --db "$db" info
if grep -Eq '"schema_version": [1-9][0-9]*' <<<"$out"; then pass "info shows the schema version"; else fail "info shows the schema version: $out"; fi
contains "info shows the path" "$out" "$db"

echo "# demo"
demo_a="$work/demo-a.db"; demo_b="$work/demo-b.db"
expect "demo fills a new workspace" 0 "$crm" demo --seed 7 --scale 1 --db "$demo_a"
contains "demo names the company" "$out" "Generated the demo company"
expect "demo with the same seed again" 0 "$crm" --db "$demo_b" demo --seed 7
"$crm" --db "$demo_a" exec '{"cmd":"company.get"}' >"$work/a.json"
"$crm" --db "$demo_b" exec '{"cmd":"company.get"}' >"$work/b.json"
if cmp -s "$work/a.json" "$work/b.json"; then pass "the same seed gives the same company"; else fail "the same seed gave different companies"; fi
expect "demo refuses a workspace with data" 1 "$crm" --db "$db" demo --seed 1
contains "the refusal mentions --force" "$err" "--force"
expect "the refused workspace still has its data" 0 "$crm" --db "$db" exec '{"cmd":"company.get"}'
contains "its name is unchanged" "$out" '"name":"Acme Owner"'
expect "demo --force replaces it" 0 "$crm" --db "$db" demo --seed 1 --force
expect "the replaced workspace holds the demo company" 0 "$crm" --db "$db" exec '{"cmd":"audit.list","args":{"actor":"alice"}}'
contains "no entry of the old workspace is left" "$out" '"total":0'
if ls "$work" | grep -q "demo-new"; then fail "a temporary demo file was left behind"; else pass "no temporary file is left behind"; fi

echo "# a file that is not a workspace"
junk="$work/junk.db"
head -c 8192 /dev/urandom >"$junk"
cp "$junk" "$work/junk.orig"
expect "exec on random bytes fails" 1 "$crm" --db "$junk" exec '{"cmd":"company.get"}'
contains "the error names the file" "$err" "$junk"
contains "the error says it is not a database" "$err" "not a SQLite database"
expect "info on random bytes fails" 1 "$crm" --db "$junk" info
expect "demo on random bytes without --force fails" 1 "$crm" --db "$junk" demo
if cmp -s "$junk" "$work/junk.orig"; then pass "the random-bytes file is byte-for-byte unchanged"; else fail "the random-bytes file was modified"; fi
if [ -e "$junk-journal" ]; then fail "a journal was left next to the random-bytes file"; else pass "no journal was created"; fi

echo
if [ "$failures" -eq 0 ]; then echo "all CLI checks passed"; else echo "$failures CLI check(s) failed"; fi
[ "$failures" -eq 0 ]
