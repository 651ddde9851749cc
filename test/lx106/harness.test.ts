// The interpreter cross-built for the lx106 (floats off, aligned reads) runs the fixed workload
// set and the integer spec modules under QEMU; its output must equal the host build's line for
// line, its values must equal Node's, and its benchmark results the native C workloads'.
import { beforeAll, describe, expect, it } from "vitest";
import { existsSync, readFileSync } from "node:fs";
import { crc32 } from "node:zlib";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { compareWithNode, decodeScript, runInNode, runLines } from "../vm-diff/script.js";
import { build, OUT, regions, runQemu, type QemuRun } from "./qemu.js";

const measured = (l: string) => l.startsWith("# ");
// The spec suite sits in ../shared beside the project (as in CI).
const SUITE = process.env.WASM_TESTSUITE ?? fileURLToPath(new URL("../../../shared/wasm-testsuite", import.meta.url));

describe("interpreter on the lx106 under QEMU", () => {
  let qemu: QemuRun;
  let qemuLines: string[] = [];
  let hostLines: string[] = [];
  let hostStatus: number | null = null;
  beforeAll(() => {
    build("harness.elf", "harness-host", "libcount.so");
    qemu = runQemu(join(OUT, "harness.elf"), { markers: { begin: "bench_begin", end: "bench_end" } });
    qemuLines = qemu.stdout.split("\n").filter((l) => l !== "");
    const host = runLines(join(OUT, "harness-host"), []);
    hostStatus = host.status;
    hostLines = host.lines;
  });

  it("runs everything and exits 0 on both builds", () => {
    expect(qemu.status, qemu.stdout.slice(-2000)).toBe(0);
    expect(hostStatus).toBe(0);
    expect(qemuLines).toContain("# platform lx106");
    expect(hostLines).toContain("# platform host");
  });

  it("prints the same results on the lx106 as on the host", () => {
    expect(qemuLines.filter((l) => !measured(l))).toEqual(hostLines.filter((l) => !measured(l)));
  });

  it("computes each benchmark workload as the native C build does", () => {
    const bench = qemuLines.filter((l) => l.startsWith("bench "));
    expect(bench.map((l) => l.split(" ")[1])).toEqual(["crc32", "fib", "varint_sum"]);
    for (const line of bench) {
      const [, native, vm] = /native=(\S+) vm=(\S+)/.exec(line)!;
      expect(vm, line).toBe(native);
    }
    // And against independent references: zlib's CRC-32 of the same xorshift bytes, fib in JS.
    const crc = `0x${crc32(xorshiftBytes(1024, 0x1234567)).toString(16)}`;
    expect(bench[0]).toBe(`bench crc32 native=${crc} vm=${crc}`);
    const f = `0x${fib(20).toString(16)}`;
    expect(bench[1]).toBe(`bench fib native=${f} vm=${f}`);
  });

  // The built-in script: the two workload modules (bench.wasm, mixed.wasm), then the spec modules.
  const WORKLOAD_MODULES = 2;
  const nodeComparison = (onlyWorkloads: boolean) => {
    let script = decodeScript(readFileSync(join(OUT, "builtin_script.bin")));
    let vm = qemuLines.slice(qemuLines.findIndex((l) => l.startsWith("module 0: "))).filter((l) => !measured(l));
    if (onlyWorkloads) {
      script = script.slice(0, WORKLOAD_MODULES);
      const end = vm.findIndex((l) => l.startsWith(`module ${WORKLOAD_MODULES}: `));
      if (end >= 0) vm = vm.slice(0, end);
    }
    return { modules: script.length, ...compareWithNode(vm, runInNode(script)) };
  };

  it("gives Node's results for every workload call", () => {
    const comparison = nodeComparison(true);
    expect(comparison.differences).toEqual([]);
    expect(comparison.compared).toBeGreaterThan(40);
  });

  // The spec suite is read from WASM_TESTSUITE (build.mk); without it the built-in script holds
  // only the workloads and this check is reported as skipped, not passed.
  it.skipIf(!existsSync(join(SUITE, "core/i32.wast")))("gives Node's results for the spec-suite modules' calls", () => {
    const comparison = nodeComparison(false);
    expect(comparison.modules).toBeGreaterThan(20);
    expect(comparison.differences).toEqual([]);
    expect(comparison.compared).toBeGreaterThan(1000);
  });

  it("counts instructions in each marked region: empty, then native/interpreted pairs", () => {
    const counts = regions(qemu.stderr);
    expect(counts).toHaveLength(7);
    const [empty, ...pairs] = counts;
    expect(empty).toBeLessThan(10);
    for (let i = 0; i < pairs.length; i += 2) expect(pairs[i + 1]).toBeGreaterThan(pairs[i]);
    const again = runQemu(join(OUT, "harness.elf"), { markers: { begin: "bench_begin", end: "bench_end" } });
    expect(regions(again.stderr)).toEqual(counts);
  });
});

describe("the bench workloads compiled ahead of time (wasm2c) on the lx106 under QEMU", () => {
  it("give the native C results, checked against zlib and JS, in counted native/AOT region pairs", () => {
    build("aot-bench.elf", "libcount.so");
    const run = runQemu(join(OUT, "aot-bench.elf"), { markers: { begin: "bench_begin", end: "bench_end" } });
    expect(run.status, run.stdout + run.stderr.slice(-1000)).toBe(0);
    const crc = `0x${crc32(xorshiftBytes(1024, 0x1234567)).toString(16)}`, f = `0x${fib(20).toString(16)}`;
    const lines = run.stdout.trim().split("\n");
    expect(lines.slice(0, 2)).toEqual([`aot crc32 native=${crc} aot=${crc}`, `aot fib native=${f} aot=${f}`]);
    expect(lines[2]).toMatch(/^aot varint_sum native=(0x[0-9a-f]+) aot=\1$/);
    const counts = regions(run.stderr);
    expect(counts).toHaveLength(7);
    expect(counts.slice(1).every((n) => n > 500)).toBe(true);
  });
});

function xorshiftBytes(length: number, seed: number): Uint8Array {
  const out = new Uint8Array(length);
  let x = seed >>> 0;
  for (let i = 0; i < length; i++) {
    x = (x ^ (x << 13)) >>> 0;
    x = (x ^ (x >>> 17)) >>> 0;
    x = (x ^ (x << 5)) >>> 0;
    out[i] = x & 0xff;
  }
  return out;
}

function fib(n: number): number {
  return n < 2 ? n : fib(n - 1) + fib(n - 2);
}
