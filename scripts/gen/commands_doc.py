#!/usr/bin/env python3
"""Writes the "Arguments: ... · Reads: ..." line under each command's heading in docs/commands.md from
the registry (`crm exec '{"cmd":"commands.list"}'`), so the documented arguments are the declared ones.
Usage: scripts/gen/commands_doc.py build/native/crm [docs/commands.md]"""
import json
import re
import subprocess
import sys
import tempfile
import os

crm = sys.argv[1]
doc_path = sys.argv[2] if len(sys.argv) > 2 else os.path.join(os.path.dirname(__file__), "..", "..", "docs", "commands.md")
with tempfile.TemporaryDirectory() as tmp:
    out = subprocess.run([crm, "--db", os.path.join(tmp, "doc.db"), "exec", '{"cmd":"commands.list"}'],
                         check=True, capture_output=True, text=True).stdout
commands = {c["name"]: c for c in json.loads(out)["result"]}

lines = open(doc_path, encoding="utf-8").read().split("\n")
result, i, seen = [], 0, set()
while i < len(lines):
    line = lines[i]
    result.append(line)
    m = re.match(r"^## `([a-z_.]+)`$", line)
    if m and m.group(1) in commands:
        c = commands[m.group(1)]
        seen.add(c["name"])
        # Drop an earlier generated line (and its blank line) before writing the new one.
        j = i + 1
        while j < len(lines) and lines[j] == "":
            j += 1
        if j < len(lines) and lines[j].startswith("Arguments: "):
            i = j
        args = "`" + c["args"] + "`" if c["args"] else "none"
        result += ["", "Arguments: " + args + " · Reads: " + c["reads"]]
    i += 1
open(doc_path, "w", encoding="utf-8").write("\n".join(result))
missing = sorted(set(commands) - seen)
if missing:
    print("commands without a section in docs/commands.md:", ", ".join(missing), file=sys.stderr)
    sys.exit(1)
