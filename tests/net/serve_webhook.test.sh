#!/usr/bin/env bash
# The local API server and webhooks together (issue 14): `crm serve` on a demo workspace, a sales rep's API
# key saves an Account over HTTP and cannot read the credit limit hidden from reps (the administrator's key
# can); a subscription running as the rep sends the save, after `crm deliver`, to a local HTTP peer
# (tests/net/http_peer.py) signed with its secret, without the hidden field; an update that changed only that
# field sends nothing. Every wait is bounded; the server and the peer are stopped however the test ends.
# Usage: serve_webhook.test.sh PATH_TO_CRM
set -u
crm="${1:?usage: serve_webhook.test.sh PATH_TO_CRM}"
here="$(cd "$(dirname "$0")" && pwd)"
name=serve-webhook
. "$here/peer_lib.sh"
server_pid=""
stop_server() {
  if [ -n "$server_pid" ] && kill -0 "$server_pid" 2>/dev/null; then
    kill -TERM "$server_pid" 2>/dev/null
    for _ in $(seq 1 100); do kill -0 "$server_pid" 2>/dev/null || break; sleep 0.1; done  # at most 10 s
    kill -KILL "$server_pid" 2>/dev/null
  fi
  wait "$server_pid" 2>/dev/null
  server_pid=""
}
trap 'stop_server; stop_peer; rm -rf "$work"' EXIT
json_get() { /usr/bin/python3 -c "import json,sys; r=json.load(sys.stdin); print($1)"; }
db="$work/org.db"
secret="serve-webhook-secret-0123456789"

echo "# setup"
start_peer
"$crm" demo --db "$db" --seed 3 >/dev/null || { fail "crm demo"; exit 1; }
rep="$("$crm" --db "$db" exec '{"cmd":"users.list"}' |
  json_get "next(u['username'] for u in r['result'] if u['profile'] == 'Sales Representative' and u['active'])")"
[ -n "$rep" ] && pass "a sales rep of the demo: $rep" || { fail "no sales rep in the demo"; exit 1; }
out="$("$crm" --db "$db" exec '{"cmd":"profiles.set_field","args":{"name":"Sales Representative","object":"Account","field":"CreditLimit__c","read":false}}')"
contains "the credit limit is hidden from reps" "$out" '"ok":true'
out="$("$crm" --db "$db" exec "{\"cmd\":\"webhooks.save\",\"args\":{\"values\":{\"name\":\"Rep accounts\",\"object\":\"Account\",\"events\":[\"created\",\"updated\"],\"url\":\"http://127.0.0.1:$port/hook\",\"run_as\":\"$rep\",\"secret\":\"$secret\"}}}")"
contains "a subscription running as the rep" "$out" '"secret_set":true'
key() { "$crm" --db "$db" exec "{\"cmd\":\"apikeys.create\",\"args\":$1}" | json_get "r['result']['secret']"; }
admin_key="$(key '{"username":"admin","name":"Admin key"}')"
rep_key="$(key "{\"username\":\"$rep\",\"name\":\"Rep key\",\"areas\":[\"records\"]}")"
case "$admin_key$rep_key" in crm_*crm_*) pass "API keys for the administrator and the rep" ;; *) fail "keys: $admin_key $rep_key"; exit 1 ;; esac

echo "# serve"
"$crm" --db "$db" serve --port 0 >"$work/serve.out" 2>"$work/serve.err" &
server_pid=$!
sport=""
for _ in $(seq 1 100); do  # at most 10 s
  sport="$(sed -n 's/^crm serve: listening on http:\/\/127\.0\.0\.1:\([0-9][0-9]*\) .*/\1/p' "$work/serve.out")"
  [ -n "$sport" ] && break
  kill -0 "$server_pid" 2>/dev/null || break
  sleep 0.1
done
[ -n "$sport" ] || { fail "the server started: $(cat "$work/serve.out" "$work/serve.err")"; exit 1; }
pass "crm serve listens on 127.0.0.1:$sport"
# call KEY BODY: POST /api/v1/commands; the answer in $body, the status in $status.
call() {
  printf '%s' "$2" >"$work/req.json"
  status="$(curl -s --max-time 10 -o "$work/body" -w '%{http_code}' -X POST -H "Authorization: Bearer $1" \
    -H 'Content-Type: application/json' --data-binary "@$work/req.json" "http://127.0.0.1:$sport/api/v1/commands")"
  body="$(cat "$work/body")"
}
call "$rep_key" '{"cmd":"records.create","args":{"object":"Account","values":{"Name":"Serve Hook Co"}}}'
[ "$status" = 200 ] && pass "the rep's key saves an Account over HTTP" || fail "rep save: $status $body"
id="$(printf '%s' "$body" | json_get "r['result']['Id']" 2>/dev/null)"
[ -n "$id" ] && pass "the new Account is $id" || { fail "no id in: $body"; exit 1; }
call "$rep_key" "{\"cmd\":\"records.get\",\"args\":{\"object\":\"Account\",\"id\":$id}}"
contains "the rep reads it back" "$body" '"Serve Hook Co"'
lacks "the rep's key cannot read the hidden credit limit" "$body" 'CreditLimit__c'
call "$admin_key" "{\"cmd\":\"records.update\",\"args\":{\"object\":\"Account\",\"id\":$id,\"values\":{\"CreditLimit__c\":987654}}}"
[ "$status" = 200 ] && pass "the administrator's key sets the credit limit" || fail "admin update: $status $body"
call "$admin_key" "{\"cmd\":\"records.get\",\"args\":{\"object\":\"Account\",\"id\":$id}}"
contains "the administrator's key reads it" "$body" '987654'
stop_server
pass "the server stopped"

echo "# deliver"
out="$("$crm" --db "$db" deliver --limit 10)"
contains "crm deliver sends one event (the update changed only a field the rep cannot read)" "$out" '"sent":1'
[ -s "$work/peer.jsonl" ] || { fail "the peer received the event"; exit 1; }
verdict="$(/usr/bin/python3 - "$work/peer.jsonl" "$secret" <<'PY'
import hashlib, hmac, json, sys
reqs = [json.loads(l) for l in open(sys.argv[1], encoding="utf-8") if l.strip()]
print("count=%d" % len(reqs))
req = reqs[0]
h = {k.lower(): v for k, v in req["headers"].items()}
want = "sha256=" + hmac.new(sys.argv[2].encode(), req["body"].encode("utf-8"), hashlib.sha256).hexdigest()
body = json.loads(req["body"])
print("signature-ok" if hmac.compare_digest(h.get("x-crm-signature", ""), want) else "signature-bad")
print("event=" + body["event"])
print("name=" + str(body["record"].get("Name", "")))
print("hidden-absent" if "CreditLimit__c" not in body["record"] else "hidden-present")
PY
)"
contains "the peer got one request" "$verdict" "count=1"
contains "its X-CRM-Signature verifies with the subscription's secret" "$verdict" "signature-ok"
contains "it is the record.created event" "$verdict" "event=record.created"
contains "with the record the rep saved" "$verdict" "name=Serve Hook Co"
contains "without the field the rep cannot read" "$verdict" "hidden-absent"
lacks "the hidden value never reaches the peer" "$(cat "$work/peer.jsonl")" "987654"
lacks "nor the secret" "$(cat "$work/peer.jsonl")" "$secret"
out="$("$crm" --db "$db" exec '{"cmd":"webhooks.deliveries","args":{"id":1}}')"
contains "the delivery log has the try" "$out" '"result":"sent"'
finish
