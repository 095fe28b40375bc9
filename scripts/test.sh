#!/usr/bin/env bash
# Installs what is missing, builds both targets, runs every test through ctest:
# native core suites, the same suites compiled to wasm under Node.js, the CLI tests, the browser
# end-to-end tests in headless Chromium and the desktop smoke test under Xvfb.
# Ends with "N passed, N failed"; exits non-zero on any failure.
set -uo pipefail
ROOT="$(cd "$(dirname "$0")/.." && pwd)"
cd "$ROOT"
scripts/setup.sh || { echo "setup failed"; echo "0 passed, 1 failed"; exit 1; }

passed=0; failed=0
build_failed=()
scripts/build.sh native || build_failed+=(native)
scripts/build.sh web || build_failed+=(web)

run_ctest() {  # run_ctest DIR: runs its tests, adds to the totals
  local dir="$1" log
  log="$(mktemp)"
  ctest --test-dir "$dir" --output-on-failure --timeout 600 2>&1 | tee "$log"
  local p f
  p=$(grep -cE '^ *[0-9]+/[0-9]+ Test +#[0-9]+: .* Passed' "$log")
  f=$(grep -cE '^ *[0-9]+/[0-9]+ Test +#[0-9]+: .*(\*\*\*|Failed|Exception|Timeout|Not Run)' "$log")
  passed=$((passed + p)); failed=$((failed + f))
  rm -f "$log"
}
for t in native web; do
  if [[ " ${build_failed[*]-} " == *" $t "* ]]; then
    echo "build of $t failed: its tests did not run"; failed=$((failed + 1))
  else
    run_ctest "build/$t"
  fi
done
echo "$passed passed, $failed failed"
[ "$failed" = 0 ] && [ "$passed" -gt 0 ]
