#!/usr/bin/env bash
# Desktop smoke test: crm-console under Xvfb opens a workspace, draws a non-blank frame (checked
# on a screenshot of the X screen), publishes its UI state, and exits cleanly after N frames.
# Usage: smoke.test.sh PATH/TO/crm-console OUT_DIR
set -euo pipefail
console="$1"; out="$2"
mkdir -p "$out"; work="$(mktemp -d)"; trap 'kill $xvfb_pid 2>/dev/null || true; rm -rf "$work"' EXIT
fail() { echo "FAIL: $*" >&2; exit 1; }
ok() { echo "  ok - $*"; }

# Xvfb picks a free display and writes its number to the fd we give it.
exec {fd}<> <(:)
Xvfb -displayfd "$fd" -screen 0 1280x800x24 -nolisten tcp >"$work/xvfb.log" 2>&1 &
xvfb_pid=$!
read -r -t 20 display <&"$fd" || fail "Xvfb did not start: $(cat "$work/xvfb.log")"
export DISPLAY=":$display"

run() {  # run the console for N frames against a database; records its exit code
  local frames="$1" db="$2"; shift 2
  set +e
  timeout 120 "$console" --db "$db" --frames "$frames" --ui-state "$work/ui.json" "$@" >"$work/console.log" 2>&1
  rc=$?
  set -e
}

# 1. A new workspace opens on the demo company, draws, and exits cleanly.
run 90 "$work/org.db" --screenshot "$work/frame.ppm"
[ "$rc" = 0 ] || fail "crm-console exited with $rc: $(tail -20 "$work/console.log")"
ok "crm-console ran 90 frames and exited with 0"
grep -q '"ready": *true' "$work/ui.json" || fail "the console did not report a ready workspace: $(head -c 400 "$work/ui.json")"
ok "the console opened the workspace"
[ -s "$work/org.db" ] || fail "no database file was written"
ok "the workspace file was created"

# 2. The frame is not blank: many distinct colours, not one flat fill.
convert "$work/frame.ppm" "$out/desktop_frame.png"
colors=$(identify -format '%k' "$out/desktop_frame.png")
[ "$colors" -gt 20 ] || fail "the frame looks blank ($colors colours)"
ok "the frame has $colors distinct colours (saved as $out/desktop_frame.png)"

# 3. In Chinese too.
run 60 "$work/org.db" --lang zh-CN
[ "$rc" = 0 ] || fail "crm-console --lang zh-CN exited with $rc"
grep -q '"lang": *"zh-CN"' "$work/ui.json" || fail "the console did not switch to Chinese"
ok "the console runs in Simplified Chinese"

# 4. A damaged database is set aside (never overwritten) and the console still opens.
head -c 8192 /dev/urandom >"$work/bad.db"; cp "$work/bad.db" "$work/bad.orig"
run 30 "$work/bad.db"
[ "$rc" = 0 ] || fail "crm-console on a damaged database exited with $rc"
aside=$(ls "$work"/bad.db.corrupt-* 2>/dev/null | head -1)
[ -n "$aside" ] && cmp -s "$aside" "$work/bad.orig" || fail "the damaged file was not kept aside intact"
grep -q '"banner": *"[^"]' "$work/ui.json" || fail "no banner told the user about the damaged file"
ok "a damaged database is kept aside intact and the user is told"
echo "desktop smoke: all checks passed"
