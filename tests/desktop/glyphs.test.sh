#!/usr/bin/env bash
# Every character has a glyph, in every font size (no "?" and no placeholder box):
# 1. crm-console --check-glyphs over a new workspace (the demo company): every character of every
#    UI catalog (both languages) and of every text the demo generator stored is in the atlas of
#    all four font sizes, without the full font's run-time help ($CRM_FULL_FONT points nowhere).
# 2. Every character in the sources of core/ and ui/ (the core's error catalogs, the formula help,
#    the built-in metadata, the demo generator's names) is in the shipped fonts (crm_font.ttf, and
#    crm_symbols.ttf for the few symbols wqy-microhei lacks).
# Usage: glyphs.test.sh PATH/TO/crm-console OUT_DIR
set -euo pipefail
console="$1"; out="$2"
root="$(cd "$(dirname "$0")/../.." && pwd)"
mkdir -p "$out"; work="$(mktemp -d)"; trap 'kill $xvfb_pid 2>/dev/null || true; rm -rf "$work"' EXIT
fail() { echo "FAIL: $*" >&2; exit 1; }
ok() { echo "  ok - $*"; }

exec {fd}<> <(:)
Xvfb -displayfd "$fd" -screen 0 1280x800x24 -nolisten tcp >"$work/xvfb.log" 2>&1 &
xvfb_pid=$!
read -r -t 20 display <&"$fd" || fail "Xvfb did not start: $(cat "$work/xvfb.log")"
export DISPLAY=":$display"

set +e
CRM_FULL_FONT="$work/no-such-font.ttc" timeout 120 "$console" --db "$work/org.db" --frames 3 --check-glyphs \
  --ui-state "$work/ui.json" >"$work/console.log" 2>&1
rc=$?
set -e
cp "$work/console.log" "$out/glyphs.log"
[ "$rc" = 0 ] || fail "characters without a glyph (exit $rc): $(grep -m 20 'no glyph\|without' "$work/console.log")"
grep -q '^0 characters without a glyph' "$work/console.log" || fail "no glyph report: $(tail -5 "$work/console.log")"
ok "every catalog text and every stored text of the demo company has a glyph in every font size ($(grep -o '([0-9]* code points' "$work/console.log" | tr -d '('))"

fonts_dir="$(dirname "$console")"
/usr/bin/python3 - "$root" "$fonts_dir/crm_font.ttf" "$fonts_dir/crm_symbols.ttf" <<'PY' || fail "a source character is in no shipped font"
import os, sys
from fontTools.ttLib import TTFont
root, fonts = sys.argv[1], sys.argv[2:]
have = set()
for f in fonts:
    have |= set(TTFont(f).getBestCmap())
missing = {}
for top in ("core", "ui"):
    for folder, _, files in os.walk(os.path.join(root, top)):
        for name in files:
            path = os.path.join(folder, name)
            try:
                text = open(path, encoding="utf-8").read()
            except (UnicodeDecodeError, OSError):
                continue
            for c in text:
                cp = ord(c)
                if cp > 0x7F and cp not in have and cp not in (0xFFFD, 0xFEFF) and not 0xFE00 <= cp <= 0xFE0F:
                    missing.setdefault(c, os.path.relpath(path, root))
for c, where in sorted(missing.items()):
    print("  no glyph for U+%04X %s (%s)" % (ord(c), c, where))
sys.exit(1 if missing else 0)
PY
ok "every character of the sources of core/ and ui/ is in the shipped fonts"
