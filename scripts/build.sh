#!/usr/bin/env bash
# Build everything: the engine (.wasm), the Node host (dist/), the firmware C (build/firmware).
set -euo pipefail
cd "$(dirname "$0")/.."
mkdir -p build
# the ABI's numbers, generated from abi/abi.json into assembly/, host/, firmware/ and docs/
node abi/generate.mjs
if [ -f assembly/index.ts ]; then
  npx asc assembly/index.ts --target release
fi
npx tsc -p tsconfig.json
if [ -f firmware/Makefile ]; then
  make -s -C firmware -j2
fi
