#!/usr/bin/env bash
# Builds one target. Usage: scripts/build.sh native|web [--dir DIR] [--type Release|Debug]
#                                            [--no-app] [--bench] [--no-tests]
# Default folders: build/native and build/web. Third-party objects stay cached there.
set -euo pipefail
ROOT="$(cd "$(dirname "$0")/.." && pwd)"
target="${1:?usage: build.sh native|web [options]}"; shift
dir="$ROOT/build/$target"; type=Release; app=ON; bench=OFF; tests=ON
while [ $# -gt 0 ]; do
  case "$1" in
    --dir) dir="$2"; shift ;;
    --type) type="$2"; shift ;;
    --no-app) app=OFF ;;
    --bench) bench=ON ;;
    --no-tests) tests=OFF ;;
    *) echo "build.sh: unknown option $1" >&2; exit 2 ;;
  esac; shift
done
# (Node 20 has fetch(): the node runs of wasm tests pass --no-experimental-fetch so Emscripten 3.1.6 reads the .wasm from disk.)
# Emscripten 3.1.6 needs Debian's acorn for -O1+ links (TOOLCHAIN.md, pitfall 1).
export NODE_PATH=/usr/share/nodejs
gen=(); command -v ninja >/dev/null && gen=(-G Ninja)
opts=(-S "$ROOT" -B "$dir" -DCMAKE_BUILD_TYPE="$type" -DCRM_BUILD_APP=$app -DCRM_BUILD_BENCH=$bench -DCRM_BUILD_TESTS=$tests)
case "$target" in
  native) [ -f "$dir/CMakeCache.txt" ] || cmake "${gen[@]}" "${opts[@]}" >/dev/null ;;
  web)    [ -f "$dir/CMakeCache.txt" ] || emcmake cmake "${gen[@]}" "${opts[@]}" >/dev/null ;;
  *) echo "build.sh: target must be native or web" >&2; exit 2 ;;
esac
# Options may differ from the cached configuration: re-apply them (cheap when unchanged).
cmake "${opts[@]}" >/dev/null
cmake --build "$dir" -j"$(nproc)"
