#!/usr/bin/env bash
# The whole test suite: vitest (engine, Node client, interop, flasher, firmware), spec conformance, fuzzing.
set -uo pipefail
cd "$(dirname "$0")/.."
status=0
npx vitest run || status=1
if [ -f host/cli/vm.ts ]; then
  node dist/host/cli/main.js vm spec || status=1
fi
if [ -f firmware/fuzz/run.sh ]; then
  bash firmware/fuzz/run.sh || status=1
fi
exit $status
