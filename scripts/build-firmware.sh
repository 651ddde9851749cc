#!/usr/bin/env bash
# Everything: the Node part (scripts/build.sh: the firmware build embeds build/engine.wasm and runs
# dist/tools), then the firmware C (build/firmware): the interpreter, the C engine, the client core,
# the Lua module, the hosted runtime, the lx106 images (QEMU), the fuzzers. Needs the Debian
# packages of scripts/setup.sh (clang, the lx106 toolchain, wabt, Lua), installed when missing.
# `npm run build:firmware`, `npm test`, the firmware's tests (their vitest globalSetup), the
# benchmarks and `npm run firmware:size` run it; make does nothing when all is up to date.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
bash scripts/build.sh
if [ -f firmware/Makefile ]; then
  make -s -C firmware -j2
fi
