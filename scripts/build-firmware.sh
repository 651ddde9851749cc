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
# The packages can be installed and still not be on this PATH: say which command is missing.
for tool in make cc clang wat2wasm wasm2c xtensa-lx106-elf-gcc; do
  command -v "$tool" >/dev/null || { echo "build-firmware: '$tool' is not on PATH; the firmware needs the Debian packages in scripts/setup.sh" >&2; exit 1; }
done
bash scripts/build.sh
if [ -f firmware/Makefile ]; then
  make -s -C firmware -j2
fi
