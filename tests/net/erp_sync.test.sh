#!/usr/bin/env bash
# The ERP connector end to end, natively: the stand-in ERP (tests/net/erp_standin.py, its own SQLite data,
# started and stopped here) and `crm exec connectors.run` over libcurl. Syncs both ways (ERP customers in,
# a CRM account out), changes both sides (one record on each side only, one on both), checks the configured
# `hold` policy keeps the record changed on both sides for review and that resolving it takes the ERP's
# side, that a row the CRM refuses is logged while the run goes on, and that the key never comes back.
# Usage: erp_sync.test.sh PATH_TO_CRM
set -u
crm="${1:?usage: erp_sync.test.sh PATH_TO_CRM}"
here="$(cd "$(dirname "$0")" && pwd)"
name=erp-sync
. "$here/peer_lib.sh"
key="standin-key-0123456789"
db="$work/org.db"

exec_out() { "$crm" --db "$db" exec "$1" 2>&1; }
exec_ok() { contains "$1" "$(exec_out "$2")" '"ok":true'; }
# get JSON PYTHON-EXPRESSION-OVER-d: one value of a JSON answer
get() { /usr/bin/python3 -c 'import json,sys; d=json.loads(sys.argv[1]); print(eval(sys.argv[2]))' "$1" "$2"; }
erp() { # erp METHOD PATH [BODY]: a request to the stand-in as another ERP user would make it
  curl -sS --max-time 10 -X "$1" -H "X-Api-Key: $key" -H 'Content-Type: application/json' \
    ${3:+--data "$3"} "http://127.0.0.1:$port/$2"
}
account() { # account ERP_ID FIELD: the CRM account's field
  local out; out="$(exec_out "{\"cmd\":\"records.list\",\"args\":{\"object\":\"Account\",\"filters\":[{\"field\":\"ERP_Id__c\",\"op\":\"=\",\"value\":\"$1\"}],\"columns\":[\"Name\",\"Phone\",\"ERP_Id__c\"]}}")"
  get "$out" "d['result']['rows'][0].get('$2') if d['result']['rows'] else 'none'"
}
# run: one sync, summed up as "pages=N created=N updated=N pushed=N conflicts=N held=N failed=N state=S"
run() {
  get "$(exec_out '{"cmd":"connectors.run","args":{"id":1}}')" \
    "' '.join(k + '=' + str(d['result']['run'][k]) for k in ('pages', 'created', 'updated', 'pushed', 'conflicts', 'held', 'failed', 'state'))"
}

start_python_peer "$here/erp_standin.py" "$work/erp.db" --key "$key"

erp POST customers '{"name":"Acme Trading","phone":"+86 10 1000"}' >/dev/null
erp POST customers '{"name":"Beta Foods","phone":"+86 10 2000"}' >/dev/null
erp POST customers '{"name":"Chen Logistics","phone":"+86 10 3000"}' >/dev/null
contains "the stand-in refuses a request without the key" "$(curl -sS "http://127.0.0.1:$port/customers")" unauthorized

exec_ok "the external-id field" '{"cmd":"fields.create","args":{"object":"Account","field":{"api_name":"ERP_Id__c","label":"ERP Id","type":"text"}}}'
exec_ok "the connector" "{\"cmd\":\"connectors.save\",\"args\":{\"values\":{\"name\":\"Stand-in\",\"base_url\":\"http://127.0.0.1:$port\",\"auth\":\"api_key\",\"auth_header\":\"X-Api-Key\",\"secret\":\"$key\",\"page_size\":2,\"entities\":[{\"name\":\"customers\",\"path\":\"customers\",\"object\":\"Account\",\"external_id_field\":\"ERP_Id__c\",\"direction\":\"both\",\"conflict\":\"hold\",\"fields\":[{\"erp\":\"name\",\"crm\":\"Name\",\"transform\":\"TRIM(VALUE)\"},{\"erp\":\"phone\",\"crm\":\"Phone\"}]}]}}}"
exec_ok "a CRM-only account" '{"cmd":"records.create","args":{"object":"Account","values":{"Name":"Dragon Motors","Phone":"+86 10 4000"}}}'

# 1. Both ways: three customers in (two pages), one account out.
out="$(run)"
contains "the first run pulls over two pages" "$out" 'pages=2'
contains "it creates the three customers" "$out" 'created=3'
contains "it pushes the CRM-only account" "$out" 'pushed=1'
contains "the run is clean" "$out" 'state=ok'
contains "a customer arrived with its fields" "$(account C-1 Name)/$(account C-1 Phone)" "Acme Trading/+86 10 1000"
contains "the ERP has the CRM's account" "$(erp GET customers/C-4)" '"name": "Dragon Motors"'
dragon="$(exec_out '{"cmd":"records.list","args":{"object":"Account","filters":[{"field":"Name","op":"=","value":"Dragon Motors"}],"columns":["ERP_Id__c"]}}')"
contains "the CRM keeps the id the ERP gave" "$dragon" '"ERP_Id__c":"C-4"'
out="$(run)"
contains "a second run moves nothing" "$out" 'created=0 updated=0 pushed=0 conflicts=0 held=0 failed=0 state=ok'

# 2. Changes: C-2 in the ERP only, C-3 in the CRM only, C-1 on both sides.
sleep 0.01
erp PUT customers/C-2 '{"phone":"+86 10 2222"}' >/dev/null
erp PUT customers/C-1 '{"name":"Acme (ERP side)"}' >/dev/null
c3="$(get "$(exec_out '{"cmd":"records.list","args":{"object":"Account","filters":[{"field":"ERP_Id__c","op":"=","value":"C-3"}]}}')" "d['result']['rows'][0]['Id']")"
c1="$(get "$(exec_out '{"cmd":"records.list","args":{"object":"Account","filters":[{"field":"ERP_Id__c","op":"=","value":"C-1"}]}}')" "d['result']['rows'][0]['Id']")"
exec_ok "a CRM-side change" "{\"cmd\":\"records.update\",\"args\":{\"object\":\"Account\",\"id\":$c3,\"values\":{\"Name\":\"Chen Logistics Group\"}}}"
exec_ok "a change on both sides" "{\"cmd\":\"records.update\",\"args\":{\"object\":\"Account\",\"id\":$c1,\"values\":{\"Name\":\"Acme (CRM side)\"}}}"
out="$(run)"
contains "the run sees one conflict" "$out" 'conflicts=1'
contains "and holds it" "$out" 'held=1'
contains "the ERP-only change came in" "$(account C-2 Phone)" "+86 10 2222"
contains "the CRM-only change went out" "$(erp GET customers/C-3)" '"name": "Chen Logistics Group"'
contains "the held record keeps the CRM's value" "$(account C-1 Name)" "Acme (CRM side)"
contains "and the ERP keeps its own" "$(erp GET customers/C-1)" '"name": "Acme (ERP side)"'
conflicts="$(exec_out '{"cmd":"connectors.conflicts","args":{"id":1}}')"
contains "the conflict is listed with both sides" \
  "$(get "$conflicts" "d['result']['conflicts'][0]['erp']['Name'] + ' / ' + d['result']['conflicts'][0]['crm']['Name']")" \
  "Acme (ERP side) / Acme (CRM side)"
out="$(run)"
contains "a held record stays held on the next run" "$out" 'pushed=0'
contains "the ERP still has its side" "$(erp GET customers/C-1)" '"name": "Acme (ERP side)"'
conflict_id="$(get "$conflicts" "d['result']['conflicts'][0]['id']")"
exec_ok "resolving it for the ERP" "{\"cmd\":\"connectors.resolve\",\"args\":{\"id\":$conflict_id,\"take\":\"erp\"}}"
contains "the record takes the ERP's value" "$(account C-1 Name)" "Acme (ERP side)"
contains "no conflict is left open" "$(exec_out '{"cmd":"connectors.conflicts","args":{"id":1}}')" '"conflicts":[]'
out="$(run)"
contains "after the resolution nothing moves" "$out" 'created=0 updated=0 pushed=0 conflicts=0 held=0 failed=0 state=ok'

# 3. A row the CRM refuses (no name) is logged; the others go on.
erp POST customers '{"name":"","phone":"+86 10 5000"}' >/dev/null
erp POST customers '{"name":"Eagle Tools"}' >/dev/null
out="$(run)"
contains "the run goes on past the refused row" "$out" 'created=1'
contains "and says it was partial" "$out" 'failed=1 state=partial'
log="$(exec_out '{"cmd":"connectors.log","args":{"id":1}}')"
contains "the log names the refused row" "$log" '"external_id":"C-5"'
contains "with the CRM's error" "$log" '"direction":"pull"'

# 4. The key stays home.
lacks "no answer carries the key" "$(exec_out '{"cmd":"connectors.list"}')$(exec_out '{"cmd":"connectors.get","args":{"id":1}}')$log" "$key"
contains "the answer says a key is set" "$(exec_out '{"cmd":"connectors.get","args":{"id":1}}')" '"secret_set":true'
lacks "the audit trail does not carry it" "$(exec_out '{"cmd":"audit.list","args":{"area":"integration"}}')" "$key"
finish
