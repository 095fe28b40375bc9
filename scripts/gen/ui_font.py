#!/usr/bin/env python3
"""Builds the console's font: a subset of a Debian CJK TrueType font covering Latin text,
ImGui's common Simplified Chinese range and every character used by the UI sources.

Usage: ui_font.py [--symbols SYMBOL_TTF OUT_SYMBOLS_TTF] FONT_TTC IMGUI_DRAW_CPP OUT_TTF SOURCE...
FONT_TTC must have TrueType outlines (wqy-microhei): ImGui's stb_truetype cannot draw CFF.
With --symbols, the characters the sources use that FONT_TTC lacks (a few symbols: ₹ ₩ ▸ ▾) are
subset from SYMBOL_TTF (DejaVu Sans) into OUT_SYMBOLS_TTF, which the console merges into every font
size; the build fails when a character is in neither font.
"""
import re
import subprocess
import sys
import tempfile

def imgui_chinese_common(imgui_draw_cpp):
    """Decodes ImGui's accumulative offset table of GetGlyphRangesChineseSimplifiedCommon()."""
    src = open(imgui_draw_cpp, encoding="utf-8").read()
    start = src.index("GetGlyphRangesChineseSimplifiedCommon()")
    table = src.index("accumulative_offsets_from_0x4E00[] =", start)
    body = src[src.index("{", table) + 1:src.index("};", table)]
    codepoints, cp = [], 0x4E00
    for n in re.findall(r"\d+", body):
        cp += int(n)
        codepoints.append(cp)
    return codepoints

def cmap_of(font):
    from fontTools.ttLib import TTFont
    return set(TTFont(font, fontNumber=0).getBestCmap() or {})

def subset(font, cps, out):
    with tempfile.NamedTemporaryFile("w", suffix=".txt", delete=False) as f:
        f.write(",".join("U+%04X" % c for c in sorted(cps)))
        unicodes = f.name
    subprocess.check_call([sys.executable, "-m", "fontTools.subset", font, "--font-number=0", "--unicodes-file=" + unicodes,
                           "--output-file=" + out, "--no-hinting", "--layout-features=",
                           "--name-IDs=*", "--notdef-outline"])

def main(font, imgui_draw_cpp, out, sources, symbols=None):
    cps = set(range(0x20, 0x7F)) | set(range(0xA0, 0x180))
    cps |= set(range(0x2000, 0x206F)) | set(range(0x3000, 0x30FF)) | set(range(0xFF00, 0xFFEF))
    cps |= {0x2190, 0x2191, 0x2192, 0x2193, 0x25B2, 0x25BC, 0x2713, 0x2715, 0x2026}
    cps |= set(imgui_chinese_common(imgui_draw_cpp))
    used = set()
    for path in sources:
        used |= {ord(c) for c in open(path, encoding="utf-8").read() if ord(c) > 0x7F}
    cps |= used
    subset(font, cps, out)
    if symbols:
        symbol_font, symbol_out = symbols
        # (U+FFFD is the console's own placeholder box; variation selectors and the BOM draw nothing.)
        lacking = {c for c in used - cmap_of(font) if c != 0xFFFD and c != 0xFEFF and not 0xFE00 <= c <= 0xFE0F}
        have = cmap_of(symbol_font)
        missing = sorted(lacking - have)
        if missing:
            sys.exit("ui_font.py: no font has " + " ".join("U+%04X %s" % (c, chr(c)) for c in missing))
        subset(symbol_font, lacking | {0x20}, symbol_out)

if __name__ == "__main__":
    args = sys.argv[1:]
    symbols = None
    if args and args[0] == "--symbols":
        symbols, args = (args[1], args[2]), args[3:]
    main(args[0], args[1], args[2], args[3:], symbols)
