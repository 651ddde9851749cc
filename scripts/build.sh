#!/usr/bin/env bash
# The Node part: the engine (build/engine.wasm) and the Node client, CLI and tooling (dist/).
# Needs node and npm only (no compiler, no lx106 toolchain); `npm pack` runs it (prepack), and so
# does scripts/build-firmware.sh. Quick when nothing changed: asc runs only when a source is newer
# than its last run, tsc is incremental, and an output whose bytes did not change keeps its time
# stamp, so make rebuilds no firmware after a build that changed nothing.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh --node
mkdir -p build
# the ABI's numbers, generated from abi/abi.json into assembly/, host/, firmware/ and docs/ (a file
# is written only when its text changes)
node abi/generate.mjs
if [ -f assembly/index.ts ]; then
  if [ ! -f build/engine.wasm ] || [ ! -f build/engine.stamp ] ||
     [ -n "$(find assembly asconfig.json package-lock.json -newer build/engine.stamp -print -quit)" ]; then
    touch build/engine.stamp.next # this run's start: a source saved during it is newer
    npx asc assembly/index.ts --target release --outFile build/engine.wasm.new --textFile build/engine.wat.new
    for f in engine.wasm engine.wat; do
      if cmp -s "build/$f.new" "build/$f"; then rm "build/$f.new"; else mv "build/$f.new" "build/$f"; fi
    done
    mv build/engine.stamp.next build/engine.stamp
  fi
fi
# The build info lives in dist/, so a removed dist/ is rebuilt whole.
npx tsc -p tsconfig.json --incremental --tsBuildInfoFile dist/.tsbuildinfo
# tsc leaves the outputs of removed or moved sources behind: drop them, so dist/ (and the package)
# holds only what the sources build now.
find dist -name '*.js' | while read -r js; do
  src="${js#dist/}"
  [ -f "${src%.js}.ts" ] || rm -f "$js" "$js.map" "${js%.js}.d.ts" "${js%.js}.d.ts.map"
done
find dist -type d -empty -delete
