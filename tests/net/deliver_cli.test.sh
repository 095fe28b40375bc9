#!/usr/bin/env bash
# `crm deliver` end to end: an automation rule's webhook is queued by a save (in the message outbox) and
# `crm deliver` hands it to a local HTTP peer (tests/net/http_peer.py, started and stopped here); a peer
# answering 500 leaves it failed with the reason; `notify.channels.test` through `crm exec` sends at once.
# Usage: deliver_cli.test.sh PATH_TO_CRM
set -u
crm="${1:?usage: deliver_cli.test.sh PATH_TO_CRM}"
here="$(cd "$(dirname "$0")" && pwd)"
name=deliver
. "$here/peer_lib.sh"

db="$work/org.db"
start_peer "500"
"$crm" --db "$db" exec "{\"cmd\":\"automation.create\",\"args\":{\"object\":\"Account\",\"name\":\"Tell the ERP\",\"trigger\":{\"kind\":\"on_create\"},\"actions\":[{\"kind\":\"webhook\",\"url\":\"http://127.0.0.1:$port/erp\"}]}}" >"$work/out" 2>&1
contains "the rule is created" "$(cat "$work/out")" '"ok":true'
"$crm" --db "$db" exec '{"cmd":"records.create","args":{"object":"Account","values":{"Name":"Acme"}}}' >/dev/null 2>&1
out="$("$crm" --db "$db" deliver --limit 10)"
contains "the first try is answered 500" "$out" '"failed":1'
out="$("$crm" --db "$db" exec '{"cmd":"notify.outbox.list","args":{"channel":"webhook"}}')"
contains "the outbox says why" "$out" '"last_reason":"HTTP 500"'
# Due again now (the test moves the try forward by hand: a retry of a failed message is immediate).
"$crm" --db "$db" exec '{"cmd":"notify.outbox.retry","args":{"id":1}}' >/dev/null
out="$("$crm" --db "$db" deliver)"
contains "crm deliver sends it" "$out" '"sent":1'
out="$("$crm" --db "$db" deliver)"
contains "nothing is sent twice" "$out" '"claimed":0'
lines="$(wc -l <"$work/peer.jsonl")"
[ "$lines" -eq 2 ] && pass "the peer got two tries" || fail "the peer got $lines requests, expected 2"
contains "the webhook carried the record" "$(tail -1 "$work/peer.jsonl")" 'Acme'
out="$("$crm" --db "$db" exec '{"cmd":"notify.channels.test","args":{"channel":"webhook","to":"http://127.0.0.1:'"$port"'/test"}}')"
contains "a channel test sends at once through libcurl" "$out" '"sent":true'
out="$("$crm" --db "$db" deliver --limit 0 2>&1)"; status=$?
[ "$status" -eq 2 ] && pass "--limit 0 is a usage error" || fail "--limit 0 exited $status"
finish
