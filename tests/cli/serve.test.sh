#!/usr/bin/env bash
# End-to-end checks of `crm serve` (issue 14) with curl. Usage: serve.test.sh PATH_TO_CRM
# A demo workspace, keys for the administrator and a sales rep made with `crm exec`, the server on a free
# port of 127.0.0.1 (--port 0; the port is read from its first line); every wait is bounded, and the server
# is stopped however the test ends. Prints each check; exits non-zero when any fails.
set -u
crm="${1:?usage: serve.test.sh PATH_TO_CRM}"
work="$(mktemp -d "${TMPDIR:-/tmp}/crm-serve-test.XXXXXX")"
server_pid=""
cleanup() {
  if [ -n "$server_pid" ] && kill -0 "$server_pid" 2>/dev/null; then
    kill -TERM "$server_pid" 2>/dev/null
    for _ in $(seq 1 50); do kill -0 "$server_pid" 2>/dev/null || break; sleep 0.1; done
    kill -KILL "$server_pid" 2>/dev/null
  fi
  rm -rf "$work"
}
trap cleanup EXIT
failures=0
pass() { echo "ok   - $1"; }
fail() { echo "FAIL - $1"; failures=$((failures + 1)); }
contains() { case "$2" in *"$3"*) pass "$1" ;; *) fail "$1: expected to find '$3' in: ${2:0:400}" ;; esac; }
lacks() { case "$2" in *"$3"*) fail "$1: found '$3' in: ${2:0:400}" ;; *) pass "$1" ;; esac; }
# json_get FILE_OR_- EXPR: a value from JSON on stdin, by a Python expression over `r`.
json_get() { python3 -c "import json,sys; r=json.load(sys.stdin); print($1)"; }
db="$work/org.db"

echo "# setup"
"$crm" demo --db "$db" --seed 3 >/dev/null || { echo "FAIL - demo"; exit 1; }
rep="$("$crm" --db "$db" exec '{"cmd":"users.list"}' |
  json_get "next(u['username'] for u in r['result'] if u['profile'] == 'Sales Representative' and u['active'])")"
[ -n "$rep" ] && pass "a sales rep of the demo: $rep" || fail "no sales rep in the demo"
# The credit limit, hidden from reps (the demo lets them read it).
"$crm" --db "$db" exec '{"cmd":"profiles.set_field","args":{"name":"Sales Representative","object":"Account",
  "field":"CreditLimit__c","read":false}}' >/dev/null || fail "hiding CreditLimit__c from reps"
key() { "$crm" --db "$db" exec "{\"cmd\":\"apikeys.create\",\"args\":$1}" | json_get "r['result']['secret']"; }
admin_key="$(key '{"username":"admin","name":"Admin key"}')"
rep_key="$(key "{\"username\":\"$rep\",\"name\":\"Rep key\",\"areas\":[\"records\",\"listviews\"]}")"
doomed_key="$(key '{"username":"admin","name":"Doomed key"}')"
slow_key="$(key '{"username":"admin","name":"Slow key","rate_per_minute":1,"burst":2}')"
doomed_id="$("$crm" --db "$db" exec '{"cmd":"apikeys.list"}' | json_get "[k['id'] for k in r['result']['keys'] if k['name'] == 'Doomed key'][0]")"
case "$admin_key$rep_key" in crm_*crm_*) pass "keys are made with crm exec" ;; *) fail "keys: $admin_key $rep_key" ;; esac

echo "# start"
"$crm" --db "$db" serve --port 0 >"$work/serve.out" 2>"$work/serve.err" &
server_pid=$!
port=""
for _ in $(seq 1 100); do  # at most 10 s
  port="$(sed -n 's/^crm serve: listening on http:\/\/127\.0\.0\.1:\([0-9][0-9]*\) .*/\1/p' "$work/serve.out")"
  [ -n "$port" ] && break
  kill -0 "$server_pid" 2>/dev/null || break
  sleep 0.1
done
if [ -z "$port" ]; then
  fail "the server did not start: $(cat "$work/serve.out" "$work/serve.err")"
  exit 1
fi
pass "the server listens on 127.0.0.1:$port"
base="http://127.0.0.1:$port"
if ss -ltn 2>/dev/null | grep -q "127.0.0.1:$port "; then pass "bound to the loopback address only"; fi

# Slow requests, in the background meanwhile: headers that stop half-way, a body that never comes.
python3 - "$port" >"$work/slow.out" 2>&1 <<'PY' &
import socket, sys, threading, time
def slow(name, data):
    s = socket.create_connection(("127.0.0.1", int(sys.argv[1])))
    s.sendall(data)
    s.settimeout(30)
    t0, got = time.time(), b""
    try:
        while True:
            b = s.recv(4096)
            if not b:
                break
            got += b
    except Exception as e:
        got += repr(e).encode()
    print(name, round(time.time() - t0), "closed" if not got or got.startswith(b"HTTP/1.1 400") else got[:80])
threads = [threading.Thread(target=slow, args=a) for a in [
    ("headers", b"GET /api/v1/records/Acc"),
    ("body", b"POST /api/v1/commands HTTP/1.1\r\nHost: x\r\nContent-Length: 100\r\n\r\n{")]]
for t in threads: t.start()
for t in threads: t.join()
PY
slow_pid=$!

# call NAME KEY METHOD PATH [BODY-FILE]: the answer in $body, the status in $status.
call() {
  local key="$2" method="$3" path="$4" data="${5:-}"
  local args=(-s --max-time 10 -o "$work/body" -w '%{http_code}' -X "$method")
  [ -n "$key" ] && args+=(-H "Authorization: Bearer $key")
  [ -n "$data" ] && args+=(-H 'Content-Type: application/json' --data-binary "@$data")
  status="$(curl "${args[@]}" "$base$path")"
  body="$(cat "$work/body")"
}
expect_status() { [ "$status" = "$2" ] && pass "$1 ($status)" || fail "$1: status $status, expected $2: ${body:0:300}"; }
request() { printf '%s' "$1" >"$work/req.json"; echo "$work/req.json"; }

echo "# keys"
call "no key" "" GET /api/v1/records/Account/1
expect_status "a request without a key is refused" 401
contains "its code is api.key_missing" "$body" '"code":"api.key_missing"'
call "bad key" "crm_000000000000_$(printf '0%.0s' $(seq 1 64))" GET /api/v1/records/Account/1
expect_status "an unknown key is refused" 401
contains "its code is api.key_invalid" "$body" '"code":"api.key_invalid"'
call "garbage" "not-a-key" GET /api/v1/records/Account/1
expect_status "a malformed key is refused" 401

echo "# field-level security through the key's user"
call "admin get" "$admin_key" GET /api/v1/records/Account/1
expect_status "the administrator's key reads Account 1" 200
contains "the administrator sees the credit limit" "$body" '"CreditLimit__c"'
call "rep get" "$rep_key" GET /api/v1/records/Account/1
expect_status "the rep's key reads Account 1" 200
contains "the rep's answer has the record" "$body" '"Name"'
lacks "the rep's answer has no credit limit" "$body" 'CreditLimit__c'
call "rep exec" "$rep_key" POST /api/v1/commands "$(request '{"cmd":"records.get","args":{"object":"Account","id":1}}')"
expect_status "records.get through the command route" 200
lacks "nor through the command route" "$body" 'CreditLimit__c'
call "rep list" "$rep_key" GET "/api/v1/records/Account?limit=5&sort_field=Name"
expect_status "the rep lists accounts" 200
lacks "the rep's list has no credit limit column" "$body" 'CreditLimit__c'
call "rep view" "$rep_key" POST /api/v1/commands "$(request '{"cmd":"listviews.save","args":{"object":"Account","name":"Mine","query":{"sort_field":"Name"}}}')"
call "rep view run" "$rep_key" GET "/api/v1/records/Account?view=Mine&limit=3"
expect_status "the rep runs a list view by the view route" 200
contains "the view answers rows" "$body" '"rows"'

echo "# as"
call "as other" "$admin_key" POST /api/v1/commands "$(request "{\"cmd\":\"users.list\",\"as\":\"$rep\"}")"
expect_status "\"as\" naming another user is refused" 403
contains "its code is api.as_not_key_user" "$body" '"code":"api.as_not_key_user"'
call "as self" "$rep_key" POST /api/v1/commands "$(request "{\"cmd\":\"records.get\",\"as\":\"$rep\",\"args\":{\"object\":\"Account\",\"id\":1}}")"
expect_status "\"as\" naming the key's own user is fine" 200
call "area" "$rep_key" POST /api/v1/commands "$(request '{"cmd":"users.list"}')"
expect_status "a command outside the key's areas is refused" 403
contains "its code is api.area_not_allowed" "$body" '"code":"api.area_not_allowed"'

echo "# bad input answers the CLI's error objects"
printf '%s' '{"cmd":' >"$work/bad.json"
call "malformed" "$admin_key" POST /api/v1/commands "$work/bad.json"
expect_status "malformed JSON" 400
cli_answer="$("$crm" --db "$db" exec '{"cmd":' 2>/dev/null)"
[ "$body" = "$cli_answer" ] && pass "the same error object as crm exec" || fail "malformed JSON: $body vs $cli_answer"
call "unknown command" "$admin_key" POST /api/v1/commands "$(request '{"cmd":"records.gte"}')"
expect_status "an unknown command" 400
contains "its code is unknown_command" "$body" '"code":"unknown_command"'
call "unknown route" "$admin_key" GET /api/v1/nowhere
expect_status "an unknown route" 404
contains "its code is api.unknown_route" "$body" '"code":"api.unknown_route"'
contains "it has the Chinese message too" "$body" '"message_zh"'
call "bad id" "$admin_key" GET /api/v1/records/Account/abc
expect_status "a record id that is not a number" 400
head -c 2000000 /dev/zero | tr '\0' ' ' >"$work/big.json"
call "oversized" "$admin_key" POST /api/v1/commands "$work/big.json"
expect_status "an oversized body is refused" 413
contains "its code is api.too_large" "$body" '"code":"api.too_large"'

echo "# revocation and the rate limit"
call "doomed works" "$doomed_key" GET /api/v1/records/Account/1
expect_status "a key works before it is revoked" 200
call "revoke" "$admin_key" POST /api/v1/commands "$(request "{\"cmd\":\"apikeys.revoke\",\"args\":{\"id\":$doomed_id}}")"
expect_status "apikeys.revoke through the server" 200
call "revoked" "$doomed_key" GET /api/v1/records/Account/1
expect_status "a revoked key is refused at once" 401
contains "its code is api.key_revoked" "$body" '"code":"api.key_revoked"'
call "slow 1" "$slow_key" GET /api/v1/records/Account/1
call "slow 2" "$slow_key" GET /api/v1/records/Account/1
call "slow 3" "$slow_key" GET /api/v1/records/Account/1
expect_status "past its burst, a key is rate limited" 429
contains "its code is api.rate_limited" "$body" '"code":"api.rate_limited"'

echo "# slow requests are cut"
for _ in $(seq 1 300); do kill -0 "$slow_pid" 2>/dev/null || break; sleep 0.1; done  # at most 30 s
slow="$(cat "$work/slow.out")"
if grep -Eq '^headers ([0-9]|1[0-5]) closed$' <<<"$slow"; then pass "stalled headers are cut within 15 s"; else fail "stalled headers: $slow"; fi
if grep -Eq '^body ([0-9]|1[0-5]) closed$' <<<"$slow"; then pass "a stalled body is cut within 15 s"; else fail "stalled body: $slow"; fi

echo "# the request log"
call "log" "$admin_key" POST /api/v1/commands "$(request '{"cmd":"apikeys.log","args":{"limit":100}}')"
expect_status "apikeys.log" 200
contains "the log has the rep's reads" "$body" "\"username\":\"$rep\""
contains "the log has the refusals" "$body" '"error":"api.key_revoked"'
lacks "the log never holds a secret" "$body" "${rep_key:17}"
lacks "nor the administrator's" "$body" "${admin_key:17}"

echo "# stop"
kill -TERM "$server_pid"
stopped=""
for _ in $(seq 1 100); do  # at most 10 s
  if ! kill -0 "$server_pid" 2>/dev/null; then stopped=1; break; fi
  sleep 0.1
done
if [ -n "$stopped" ]; then
  wait "$server_pid"; code=$?
  [ "$code" -eq 0 ] && pass "the server stops on SIGTERM (exit 0)" || fail "the server exited $code"
  server_pid=""
else
  fail "the server did not stop within 10 s"
fi
contains "it says it stopped" "$(cat "$work/serve.out")" "crm serve: stopped"
if curl -s --max-time 2 "$base/api/v1/records/Account/1" >/dev/null; then fail "the port still answers"; else pass "the port no longer answers"; fi
log_total="$("$crm" --db "$db" exec '{"cmd":"apikeys.log","args":{"limit":1000}}' | json_get "len(r['result']['requests'])")"
[ "${log_total:-0}" -ge 20 ] && pass "the log was written before the stop ($log_total requests)" || fail "log: $log_total"

echo "# SIGINT (Ctrl+C) stops it too"
"$crm" --db "$db" serve --port 0 >"$work/serve2.out" 2>&1 &
server_pid=$!
for _ in $(seq 1 100); do grep -q "listening" "$work/serve2.out" && break; sleep 0.1; done
kill -INT "$server_pid"
for _ in $(seq 1 100); do kill -0 "$server_pid" 2>/dev/null || break; sleep 0.1; done
if kill -0 "$server_pid" 2>/dev/null; then fail "SIGINT did not stop the server within 10 s"; else
  wait "$server_pid"; code=$?; server_pid=""
  [ "$code" -eq 0 ] && pass "SIGINT stops the server (exit 0)" || fail "after SIGINT the server exited $code"
fi

echo "# $failures failed"
[ "$failures" -eq 0 ]
