#!/usr/bin/env bash
# A short libFuzzer run of the formula parser, evaluator and SQL translation (clang, ASan, UBSan)
# on the seed corpus in tests/fuzz/corpus/formula, plus 20 seconds of new inputs.
# Usage: formula_fuzz.test.sh SOURCE_DIR BUILD_DIR [build]   (build: compile when stale, do not run)
set -euo pipefail
src="$1"; out="$2/fuzz"; mode="${3:-run}"
mkdir -p "$out/corpus"
SQLITE_DEFS="-DSQLITE_OMIT_LOAD_EXTENSION -DSQLITE_THREADSAFE=0 -DSQLITE_DEFAULT_MEMSTATUS=0 -DSQLITE_DQS=0"
[ -f "$out/sqlite3.o" ] || clang -O1 -w -c "$src/third_party/sqlite/sqlite3.c" -o "$out/sqlite3.o" $SQLITE_DEFS
sources=("$src/tests/fuzz/formula_fuzz.cpp" "$src"/core/formula/*.cpp "$src/core/common/text.cpp"
         "$src/core/common/clock.cpp" "$src/core/common/messages.cpp" "$src/core/common/error_text.cpp"
         "$src/core/storage/database.cpp")
stale=0; [ -x "$out/formula_fuzz" ] || stale=1
for f in "${sources[@]}" "$src"/core/formula/*.h "$src"/core/common/*.h; do
  [ "$f" -nt "$out/formula_fuzz" ] && stale=1
done
if [ $stale = 1 ]; then
  clang++ -std=c++17 -O1 -g -fsanitize=fuzzer,address,undefined -fno-sanitize-recover=undefined \
    -I"$src/core" -I"$src/third_party/sqlite" "${sources[@]}" "$out/sqlite3.o" -o "$out/formula_fuzz"
fi
[ "$mode" = build ] && exit 0
"$out/formula_fuzz" -max_len=512 -max_total_time=20 -timeout=10 -print_final_stats=1 \
  "$out/corpus" "$src/tests/fuzz/corpus/formula" 2>&1 | tail -15
