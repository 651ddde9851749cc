#!/usr/bin/env bash
# The firmware C (build/firmware): the interpreter, the C engine, the client core, the Lua module,
# the hosted runtime, the lx106 images (QEMU), the fuzzers. Needs the Debian packages of
# scripts/setup.sh (clang, the lx106 toolchain, wabt, Lua) and the Node part (scripts/build.sh),
# which it builds first when missing. Firmware commands, tests and benchmarks run it.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
if [ ! -f build/engine.wasm ] || [ ! -f dist/host/index.js ]; then
  bash scripts/build.sh
fi
if [ -f firmware/Makefile ]; then
  make -s -C firmware -j2
fi
