// Differential tests: AssemblyScript programs compiled here, run by Node's WebAssembly, by the
// interpreter on the host (ASan/UBSan build, floats off, aligned reads: the lx106 switches)
// and by the interpreter on the lx106 core under QEMU. All three must give the same values
// and trap on the same calls.
import { beforeAll, describe, expect, it } from "vitest";
import asc from "assemblyscript/asc";
import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { build, OUT, runQemu, SCRIPT_ADDRESS } from "../lx106/qemu.js";
import { compareWithNode, encodeScript, i32, i64, runInNode, runLines, type Call, type ScriptModule } from "./script.js";

const PROGRAMS = join(import.meta.dirname, "programs");
const c = (name: string, ...args: Call["args"]): Call => ({ name, args });

// Calls per program; buffers at 1024.. stay below the harness's 16 KiB memory limit except
// where a trap is the point.
const CALLS: Record<string, Call[]> = {
  crc32: [
    c("fill", i32(1024), i32(2048), i32(7)), c("crc32", i32(1024), i32(2048)), c("crc32", i32(1024), i32(1)),
    c("adler32", i32(1024), i32(2048)), c("crc32", i32(0), i32(0)), c("adler32", i32(65530), i32(100)),
  ],
  fib: [
    c("fib", i32(0)), c("fib", i32(1)), c("fib", i32(15)), c("fib", i32(-5)),
    c("fibIter", i32(90)), c("fibIter", i32(200)), c("ackermann", i32(2), i32(3)),
    c("collatzSteps", i32(27)), c("collatzSteps", i32(0x7fffffff)), c("fib", i32(1 << 30)),
  ],
  varint: [
    c("encodeUleb", i32(1024), i64(0)), c("decodeUleb", i32(1024), i32(1)),
    c("encodeUleb", i32(1024), i64(-1)), c("decodeUleb", i32(1024), i32(10)),
    c("encodeSleb", i32(1024), i64(-129)), c("decodeUleb", i32(1024), i32(2)),
    c("roundTrips", i32(2048), i64(0x9e3779b97f4a7c15n), i32(500)),
    c("poke", i32(3000), i32(0x017f80ff)), c("mqttLength", i32(3000), i32(4)), c("mqttLength", i32(3001), i32(3)),
    c("poke", i32(3000), i32(0xffffffff)), c("mqttLength", i32(3000), i32(4)), c("poke", i32(70000), i32(1)),
  ],
  sort: [
    c("fill", i32(1024), i32(300), i32(5)), c("insertionSort", i32(1024), i32(300)),
    c("isSorted", i32(1024), i32(300), i32(1)), c("checksum", i32(1024), i32(300)),
    c("fill", i32(4096), i32(500), i32(11)), c("heapSortUnsigned", i32(4096), i32(500)),
    c("isSorted", i32(4096), i32(500), i32(0)), c("isSorted", i32(4096), i32(500), i32(1)),
    c("checksum", i32(4096), i32(500)), c("heapSortUnsigned", i32(4096), i32(1)),
  ],
  strings: [
    c("utf8Length", i32(40)), c("hashString", i32(12345)), c("hashString", i32(-7)),
    c("topicMatches", i32(0), i32(3)), c("topicMatches", i32(0), i32(4)), c("topicMatches", i32(1), i32(5)),
    c("topicMatches", i32(2), i32(3)), c("fillText", i32(9000), i32(300)), c("reverseBytes", i32(9000), i32(300)),
    c("indexOfByte", i32(9000), i32(300), i32(0x7a)), c("indexOfByte", i32(9000), i32(300), i32(0x30)),
  ],
  i64math: [
    c("mulHigh", i64(-1), i64(-1)), c("mulHigh", i64(0x123456789abcdefn), i64(0xfedcba987654321n)),
    c("divMix", i64(-(2n ** 63n)), i64(-1)), c("divMix", i64(-1000000007n), i64(97)), c("divMix", i64(1), i64(0)),
    c("bits", i64(0)), c("bits", i64(0x8000000000000001n)), c("powMod", i64(2), i64(1000003), i32(1000000007)),
    c("powMod", i64(-1), i64(-1), i32(4294967291)), c("shifts", i64(-12345678901234n), i32(70)),
    c("narrow", i64(0x1234_8765_ffff_ff80n)), c("trapDiv", i64(-(2n ** 63n)), i64(-1)), c("trapDiv", i64(5), i64(0)),
  ],
};

describe("interpreter vs Node on AssemblyScript programs", () => {
  let modules: ScriptModule[] = [];
  let blobFile = "";
  beforeAll(async () => {
    build("harness-host", "harness.elf", "libcount.so");
    const dir = mkdtempSync(join(tmpdir(), "vm-diff-"));
    // The compiler in-process (one load for all programs); baseDir keeps the project's
    // asconfig.json (the engine's) out of it.
    for (const name of Object.keys(CALLS)) {
      const { error, stderr } = await asc.main([`${name}.ts`, "--baseDir", PROGRAMS, "-O3", "--runtime", "stub",
        "--noAssert", "--use", "abort=", "-o", join(dir, `${name}.wasm`)], {});
      if (error) throw new Error(`asc ${name}.ts: ${error.message}\n${stderr.toString()}`);
    }
    modules = Object.entries(CALLS).map(([name, calls]) => ({ bytes: readFileSync(join(dir, `${name}.wasm`)), calls }));
    blobFile = join(dir, "script.bin");
    writeFileSync(blobFile, encodeScript(modules));
  }, 120_000);

  it("the host build gives Node's results on every call", () => {
    const host = runLines(join(OUT, "harness-host"), [blobFile]);
    expect(host.stderr).toBe("");
    expect(host.status).toBe(0);
    const comparison = compareWithNode(host.lines, runInNode(modules));
    expect(comparison.differences).toEqual([]);
    expect(comparison.unsupported).toBe(0);
    const calls = Object.values(CALLS).reduce((n, list) => n + list.length, 0);
    expect(comparison.compared).toBe(calls + modules.length);
    // The programs trap where they should (division by zero, INT64_MIN / -1, out of bounds).
    expect(host.lines.filter((l) => l.includes("-> trap")).length).toBeGreaterThanOrEqual(5);
  });

  it("the lx106 build under QEMU prints exactly what the host build prints", () => {
    const host = runLines(join(OUT, "harness-host"), [blobFile]);
    const qemu = runQemu(join(OUT, "harness.elf"), { blob: { file: blobFile, address: SCRIPT_ADDRESS } });
    expect(qemu.status).toBe(0);
    expect(qemu.stdout.split("\n").filter((l) => l !== "")).toEqual(host.lines);
  });
});
