#!/usr/bin/env bash
# Webhook subscriptions end to end: a record save queues a signed event, `crm deliver` posts it to a local
# HTTP peer (tests/net/http_peer.py, started and stopped here), and the peer's copy verifies: the
# X-CRM-Signature header is the HMAC-SHA256 of the body as received with the subscription's secret.
# A hidden field of the run-as user never reaches the peer; webhooks.deliveries shows the try.
# Usage: webhook_deliver.test.sh PATH_TO_CRM
set -u
crm="${1:?usage: webhook_deliver.test.sh PATH_TO_CRM}"
here="$(cd "$(dirname "$0")" && pwd)"
name=webhook
. "$here/peer_lib.sh"
exec_ok() { # exec_ok NAME JSON
  local out; out="$("$crm" --db "$db" exec "$2" 2>&1)"
  contains "$1" "$out" '"ok":true'
}

start_peer

db="$work/org.db"
secret="peer-shared-secret-0123456789"
exec_ok "a field is added" '{"cmd":"fields.create","args":{"object":"Account","field":{"api_name":"Margin__c","label":"Margin","type":"text"}}}'
exec_ok "a profile that cannot read it" '{"cmd":"profiles.create","args":{"name":"Integration"}}'
exec_ok "the profile reads Accounts" '{"cmd":"profiles.set_object","args":{"name":"Integration","object":"Account","permissions":["read","view_all"]}}'
exec_ok "the profile does not read Margin__c" '{"cmd":"profiles.set_field","args":{"name":"Integration","object":"Account","field":"Margin__c","read":false}}'
exec_ok "the integration user" '{"cmd":"users.create","args":{"username":"erp","full_name":"ERP","email":"erp@example.com","profile":"Integration"}}'
exec_ok "a subscription running as that user" "{\"cmd\":\"webhooks.save\",\"args\":{\"values\":{\"name\":\"ERP\",\"object\":\"Account\",\"events\":[\"created\",\"updated\"],\"url\":\"http://127.0.0.1:$port/crm\",\"run_as\":\"erp\",\"secret\":\"$secret\"}}}"
exec_ok "a record is saved" '{"cmd":"records.create","args":{"object":"Account","values":{"Name":"Acme","Margin__c":"HIDDEN-MARGIN"}}}'
out="$("$crm" --db "$db" deliver --limit 10)"
contains "crm deliver sends it" "$out" '"sent":1'
[ -s "$work/peer.jsonl" ] || { fail "the peer received the event"; exit 1; }
verdict="$(/usr/bin/python3 - "$work/peer.jsonl" "$secret" <<'PY'
import hashlib, hmac, json, sys
req = json.loads(open(sys.argv[1], encoding="utf-8").readline())
h = {k.lower(): v for k, v in req["headers"].items()}
want = "sha256=" + hmac.new(sys.argv[2].encode(), req["body"].encode("utf-8"), hashlib.sha256).hexdigest()
body = json.loads(req["body"])
print("signature-ok" if hmac.compare_digest(h.get("x-crm-signature", ""), want) else "signature-bad")
print("event-ok" if body["event"] == "record.created" and body["event_id"] == h.get("x-crm-event-id") else "event-bad")
print("name=" + body["record"].get("Name", ""))
PY
)"
contains "the signature verifies with the shared secret" "$verdict" "signature-ok"
contains "the event id is in the body and the header" "$verdict" "event-ok"
contains "the record came along" "$verdict" "name=Acme"
lacks "the field the run-as user cannot read stayed home" "$(cat "$work/peer.jsonl")" "HIDDEN-MARGIN"
lacks "the secret never travels" "$(cat "$work/peer.jsonl")" "$secret"
out="$("$crm" --db "$db" exec '{"cmd":"webhooks.deliveries","args":{"id":1}}')"
contains "the delivery log has the try" "$out" '"result":"sent"'
lacks "no answer carries the secret" "$out$("$crm" --db "$db" exec '{"cmd":"webhooks.list"}')" "$secret"
exec_ok "send test" '{"cmd":"webhooks.test","args":{"id":1}}'
out="$("$crm" --db "$db" deliver)"
contains "the test event is delivered" "$out" '"sent":1'
contains "the peer got the test event" "$(tail -1 "$work/peer.jsonl")" 'webhook.test'
finish
