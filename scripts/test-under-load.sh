#!/usr/bin/env bash
# Runs the browser end-to-end suite (ctest's e2e.* tests of the web build) several times in a row
# while `stress-ng --cpu 2` keeps two cores busy, and prints each run's results and duration.
# Usage: scripts/test-under-load.sh [runs]      (default 3; needs `scripts/build.sh web` first)
# Environment: CRM_LOAD_CPUS (stress-ng workers, default 2), CRM_WEB_BUILD (default build/web).
# stress-ng is stopped however the script ends (and has its own --timeout as a last bound).
# Exits 0 only when every run passed.
set -uo pipefail
ROOT="$(cd "$(dirname "$0")/.." && pwd)"
runs="${1:-3}"
cpus="${CRM_LOAD_CPUS:-2}"
build="${CRM_WEB_BUILD:-$ROOT/build/web}"
[[ "$runs" =~ ^[1-9][0-9]*$ ]] || { echo "usage: scripts/test-under-load.sh [runs]" >&2; exit 2; }
command -v stress-ng >/dev/null || { echo "stress-ng is not installed (scripts/setup.sh installs it)" >&2; exit 2; }
[ -f "$build/CTestTestfile.cmake" ] || { echo "no web build in $build: run scripts/build.sh web first" >&2; exit 2; }

# A generous bound: every e2e test has a 300 s ctest timeout; 30 minutes a run is far above that.
stress-ng --cpu "$cpus" --timeout "$((runs * 1800))s" --quiet &
stress_pid=$!
logs="$(mktemp -d)"
stop() {
  kill -TERM "$stress_pid" 2>/dev/null && wait "$stress_pid" 2>/dev/null
  rm -rf "$logs"
}
trap stop EXIT
trap 'exit 130' INT TERM HUP
echo "stress-ng --cpu $cpus running (pid $stress_pid); $runs run(s) of the e2e suite in $build"

ok_runs=0
for ((i = 1; i <= runs; i++)); do
  log="$logs/run$i.log"
  start=$(date +%s)
  ctest --test-dir "$build" -R '^e2e\.' --output-on-failure >"$log" 2>&1
  rc=$?
  secs=$(($(date +%s) - start))
  passed=$(grep -cE '^ *[0-9]+/[0-9]+ Test +#[0-9]+: .* Passed' "$log")
  failed=$(grep -cE '^ *[0-9]+/[0-9]+ Test +#[0-9]+: .*(\*\*\*|Failed|Exception|Timeout|Not Run)' "$log")
  # Every test's output (also of passing tests) is in ctest's LastTest.log, written at the end of a
  # run: count the retried actions (when this run wrote it).
  last="$build/Testing/Temporary/LastTest.log"
  retried="?"
  [ -f "$last" ] && [ "$(stat -c %Y "$last")" -ge "$start" ] && retried=$(grep -c '\[retry\]' "$last")
  echo "run $i/$runs: $passed passed, $failed failed in ${secs}s ($retried UI actions retried)"
  [ "$rc" -ge 128 ] && echo "  ctest was stopped by signal $((rc - 128)) (from outside this script)"
  grep -E '^ *[0-9]+/[0-9]+ Test +#[0-9]+: ' "$log" | sed -E 's/^ *[0-9]+\/[0-9]+ Test +#[0-9]+: /  /'
  if [ "$rc" = 0 ] && [ "$failed" = 0 ] && [ "$passed" -gt 0 ]; then
    ok_runs=$((ok_runs + 1))
  else
    grep -E '(Error|check failed|timed out|did not lead to)' "$log" | cut -c1-400 | head -10
  fi
done
echo "$ok_runs of $runs runs passed under stress-ng --cpu $cpus"
[ "$ok_runs" = "$runs" ]
