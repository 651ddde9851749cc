#!/usr/bin/env bash
# The Node part: the engine (build/engine.wasm) and the Node client + CLI (dist/). Needs node and
# npm only (no compiler, no lx106 toolchain); `npm pack` runs it (prepack). The firmware C is
# scripts/build-firmware.sh. An output whose bytes did not change keeps its time stamp, so make
# rebuilds no firmware after a build that changed nothing.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh --node
mkdir -p build
if [ -f assembly/index.ts ]; then
  npx asc assembly/index.ts --target release --outFile build/engine.wasm.new --textFile build/engine.wat.new
  for f in engine.wasm engine.wat; do
    if cmp -s "build/$f.new" "build/$f"; then rm "build/$f.new"; else mv "build/$f.new" "build/$f"; fi
  done
fi
# Incremental: unchanged sources are not emitted again. The build info lives in dist/, so a
# removed dist/ is rebuilt whole.
npx tsc -p tsconfig.json --incremental --tsBuildInfoFile dist/.tsbuildinfo
