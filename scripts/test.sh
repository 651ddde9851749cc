#!/usr/bin/env bash
# The whole test suite: vitest (engine, Node client, interop, interpreter, lx106, flasher), spec
# conformance, fuzzing. Ends with one plain line: "tests: N passed, N failed".
set -uo pipefail
cd "$(dirname "$0")/.."
mkdir -p build
status=0
failed_steps=0
rm -f build/vitest.json
npx vitest run --reporter=default --reporter=json --outputFile.json=build/vitest.json || status=1
if [ -f tools/cli/vm.ts ]; then
  node dist/host/cli/main.js vm spec || { status=1; failed_steps=$((failed_steps + 1)); }
fi
if [ -f firmware/fuzz/run.sh ]; then
  bash firmware/fuzz/run.sh || { status=1; failed_steps=$((failed_steps + 1)); }
fi
node -e '
  const fs = require("fs");
  let passed = 0, failed = 0, skipped = 0;
  try {
    const r = JSON.parse(fs.readFileSync("build/vitest.json", "utf8"));
    passed = r.numPassedTests; skipped = (r.numPendingTests ?? 0) + (r.numTodoTests ?? 0); failed = r.numFailedTests + (r.numRuntimeErrors ?? 0);
    if (!r.success && failed === 0) failed = 1;
  } catch { failed = 1; }
  failed += Number(process.argv[1]);
  console.log(`tests: ${passed} passed, ${failed} failed` + (skipped ? `, ${skipped} skipped` : ""));
' "$failed_steps"
exit $status
