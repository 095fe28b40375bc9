#!/usr/bin/env python3
"""Builds the console's font: a subset of a Debian CJK TrueType font covering Latin text,
ImGui's common Simplified Chinese range and every character used by the UI sources.

Usage: ui_font.py FONT_TTC IMGUI_DRAW_CPP OUT_TTF SOURCE...
FONT_TTC must have TrueType outlines (wqy-microhei): ImGui's stb_truetype cannot draw CFF.
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

def main(font, imgui_draw_cpp, out, sources):
    cps = set(range(0x20, 0x7F)) | set(range(0xA0, 0x180))
    cps |= set(range(0x2000, 0x206F)) | set(range(0x3000, 0x30FF)) | set(range(0xFF00, 0xFFEF))
    cps |= {0x2190, 0x2191, 0x2192, 0x2193, 0x25B2, 0x25BC, 0x2713, 0x2715, 0x2026}
    cps |= set(imgui_chinese_common(imgui_draw_cpp))
    for path in sources:
        cps |= {ord(c) for c in open(path, encoding="utf-8").read() if ord(c) > 0x7F}
    with tempfile.NamedTemporaryFile("w", suffix=".txt", delete=False) as f:
        f.write(",".join("U+%04X" % c for c in sorted(cps)))
        unicodes = f.name
    subprocess.check_call([sys.executable, "-m", "fontTools.subset", font, "--font-number=0", "--unicodes-file=" + unicodes,
                           "--output-file=" + out, "--no-hinting", "--layout-features=",
                           "--name-IDs=*", "--notdef-outline"])

if __name__ == "__main__":
    main(sys.argv[1], sys.argv[2], sys.argv[3], sys.argv[4:])
