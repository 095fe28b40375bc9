#!/usr/bin/env bash
# The desktop console sends the message outbox while it is open (native/console_delivery.h): an automation
# rule's webhook, queued by a save, reaches a local HTTP peer (tests/net/http_peer.py on 127.0.0.1, started
# and stopped here) during a short run of crm-console under Xvfb and is recorded as sent; the next run
# sends nothing again; a peer answering 500 leaves the message failed with the reason.
# Usage: outbox.test.sh PATH/TO/crm-console OUT_DIR
set -u
console="${1:?usage: outbox.test.sh PATH/TO/crm-console OUT_DIR}"; out_dir="$2"
crm="$(dirname "$console")/crm"
here="$(cd "$(dirname "$0")/../net" && pwd)"
name=desktop-outbox
. "$here/peer_lib.sh"
mkdir -p "$out_dir"

exec {fd}<> <(:)
Xvfb -displayfd "$fd" -screen 0 1280x800x24 -nolisten tcp >"$work/xvfb.log" 2>&1 &
xvfb_pid=$!
trap 'stop_peer; kill $xvfb_pid 2>/dev/null || true; rm -rf "$work"' EXIT
read -r -t 20 display <&"$fd" || { fail "Xvfb started: $(cat "$work/xvfb.log")"; exit 1; }
export DISPLAY=":$display"

run_console() {  # a short run of the console; its log in $work/console.log
  timeout 120 "$console" --db "$db" --frames 5 --ui-state "$work/ui.json" >"$work/console.log" 2>&1
  cp "$work/console.log" "$out_dir/outbox-console.log"
}

db="$work/org.db"
start_peer
"$crm" --db "$db" exec "{\"cmd\":\"automation.create\",\"args\":{\"object\":\"Account\",\"name\":\"Tell the ERP\",\"trigger\":{\"kind\":\"on_create\"},\"actions\":[{\"kind\":\"webhook\",\"url\":\"http://127.0.0.1:$port/erp\"}]}}" >"$work/out" 2>&1
contains "the rule is created" "$(cat "$work/out")" '"ok":true'
"$crm" --db "$db" exec '{"cmd":"records.create","args":{"object":"Account","values":{"Name":"Acme Desktop"}}}' >/dev/null 2>&1
run_console
contains "the console sent the queued webhook" "$(cat "$work/console.log")" "outbox: 1 claimed, 1 sent"
contains "the peer got the record" "$(cat "$work/peer.jsonl" 2>/dev/null)" "Acme Desktop"
out="$("$crm" --db "$db" exec '{"cmd":"notify.outbox.list","args":{"channel":"webhook"}}')"
contains "the outbox says sent" "$out" '"state":"sent"'
run_console
contains "the next run sends nothing again" "$(cat "$work/console.log")" "outbox: 0 claimed"
lines="$(wc -l <"$work/peer.jsonl")"
[ "$lines" -eq 1 ] && pass "the peer got one request" || fail "the peer got $lines requests, expected 1"

stop_peer
rm -f "$work/in" "$work/port" "$work/peer.jsonl"
start_peer "500"
"$crm" --db "$db" exec '{"cmd":"automation.update","args":{"object":"Account","name":"Tell the ERP","changes":{"actions":[{"kind":"webhook","url":"http://127.0.0.1:'"$port"'/erp"}]}}}' >"$work/out" 2>&1
"$crm" --db "$db" exec '{"cmd":"records.create","args":{"object":"Account","values":{"Name":"Refused Ltd"}}}' >/dev/null 2>&1
run_console
contains "a refused send is counted failed" "$(cat "$work/console.log")" "1 failed"
out="$("$crm" --db "$db" exec '{"cmd":"notify.outbox.list","args":{"state":"failed"}}')"
contains "the outbox says why" "$out" '"last_reason":"HTTP 500"'
finish
