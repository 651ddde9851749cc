#!/usr/bin/env bash
# Builds the interpreter's libFuzzer targets and runs them for a bounded time, seeded with the
# spec suite's modules (wast2json), the engine and the lx106 workloads. Exits non-zero on any
# crash, leak, timeout or sanitizer report.
#   FUZZ_SECONDS (default 50) is split between the two builds (floats on; lx106 switches).
#   WASM_TESTSUITE: the WebAssembly spec tests (default ../shared/wasm-testsuite beside the project).
set -euo pipefail
cd "$(dirname "$0")/../.."
seconds=${FUZZ_SECONDS:-50}
suite=${WASM_TESTSUITE:-../shared/wasm-testsuite}
out=build/firmware/fuzz
seeds=$out/seeds

make -s -C firmware fuzz

if [ ! -f "$seeds/.done" ]; then
  rm -rf "$seeds" && mkdir -p "$seeds/json"
  if [ -d "$suite/core" ]; then
    for wast in "$suite"/core/*.wast; do
      name=$(basename "$wast" .wast)
      wast2json --enable-all "$wast" -o "$seeds/json/$name.json" 2>/dev/null || true
    done
    find "$seeds/json" -name '*.wasm' -exec mv {} "$seeds/" \;
  else
    echo "fuzz: no spec suite at $suite; seeding from the engine and workloads only" >&2
  fi
  rm -rf "$seeds/json"
  for f in build/engine.wasm build/firmware/lx106/bench.wasm build/firmware/lx106/mixed.wasm; do
    [ -f "$f" ] && cp "$f" "$seeds/$(basename "$f")"
  done
  touch "$seeds/.done"
fi
echo "fuzz: $(find "$seeds" -name '*.wasm' | wc -l) seed modules, ${seconds}s"

status=0
half=$(( seconds / 2 ))
for target in fuzz-vm fuzz-vm-lx106; do
  corpus=$out/corpus-$target
  mkdir -p "$corpus" "$out/crashes"
  # -max_len covers the engine; -timeout catches a run that fuel failed to bound.
  if ! "$out/$target" "$corpus" "$seeds" -max_total_time="$half" -max_len=65536 -timeout=10 \
      -rss_limit_mb=2048 -artifact_prefix="$out/crashes/$target-" -print_final_stats=1 \
      >"$out/$target.log" 2>&1; then
    echo "fuzz: $target FAILED; see $out/$target.log and $out/crashes/" >&2
    tail -40 "$out/$target.log" >&2
    status=1
  else
    echo "fuzz: $target ok ($(grep -m1 -o 'stat::number_of_executed_units: *[0-9]*' "$out/$target.log" | grep -o '[0-9]*$') runs)"
  fi
done
exit $status
