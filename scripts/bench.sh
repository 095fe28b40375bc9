#!/usr/bin/env bash
# Builds in release mode and runs the benchmarks under bench/. Usage: scripts/bench.sh [area]
# Each benchmark prints its figures one a line as `name: value`; ratios compare against a
# reference run in the same process (or, for wasm ratios, the same run of both builds).
set -euo pipefail
ROOT="$(cd "$(dirname "$0")/.." && pwd)"
cd "$ROOT"
area="${1:-}"
scripts/setup.sh
quiet() { local log; log="$(mktemp)"; "$@" >"$log" 2>&1 || { cat "$log"; rm -f "$log"; return 1; }; rm -f "$log"; }
quiet scripts/build.sh native --dir build/bench-native --no-app --no-tests --bench
quiet scripts/build.sh web --dir build/bench-web --no-app --no-tests --bench
for exe in build/bench-native/bench_*; do
  [ -x "$exe" ] || continue
  name="$(basename "$exe")"; name="${name#bench_}"
  [ -z "$area" ] || [ "$area" = "$name" ] || [ "$area" = "${name%%_*}" ] || continue  # integration_api: integration
  wasm="build/bench-web/bench_$name.js"
  "$exe" --wasm-js "$wasm"
done
# Browser benchmarks (bench/<area>/*.bench.js) run against the web console in headless Chromium.
for js in bench/*/*.bench.js; do
  [ -f "$js" ] || continue
  name="$(basename "$(dirname "$js")")"
  [ -z "$area" ] || [ "$area" = "$name" ] || continue
  quiet scripts/build.sh web --no-tests
  CRM_SITE="$ROOT/build/web/site" NODE_PATH="$ROOT/third_party/node/node_modules" node "$js"
done
