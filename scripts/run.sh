#!/usr/bin/env bash
# Installs what is missing, builds, and starts the console.
#   scripts/run.sh [--port N]          the web console on http://127.0.0.1:N (default 8080)
#   scripts/run.sh --native [ARGS...]  the desktop app (ARGS go to crm-console, e.g. --db PATH)
set -euo pipefail
ROOT="$(cd "$(dirname "$0")/.." && pwd)"
cd "$ROOT"
port=8080; native=0; args=()
while [ $# -gt 0 ]; do
  case "$1" in
    --port) port="$2"; shift ;;
    --native) native=1 ;;
    *) args+=("$1") ;;
  esac; shift
done
scripts/setup.sh
if [ $native = 1 ]; then
  scripts/build.sh native --no-tests
  exec build/native/crm-console "${args[@]+"${args[@]}"}"
fi
scripts/build.sh web --no-tests
echo "CRM settings console: http://127.0.0.1:$port/  (Ctrl+C stops it)"
exec python3 -m http.server "$port" --bind 127.0.0.1 --directory build/web/site
