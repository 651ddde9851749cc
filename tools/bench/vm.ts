// The interpreter's benchmarks. On the lx106 (QEMU + the instruction-count plugin): guest
// instructions for CRC-32 over 1 KiB, recursive fib(20) and a varint decode over 64 bytes,
// interpreted vs the same C compiled for the lx106 (-Os) in the same run, and the same
// AssemblyScript compiled ahead of time through wasm2c (aot-bench.elf) vs that C; peak C stack
// (painted); arena bytes; code size. On the host: time per call vs Node and vs wabt's
// interpreter (spectest-interp) on the same module.
import { execFileSync, spawnSync } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, writeFileSync, copyFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { buildLx106, lxOut, runLx106 } from "../firmware/qemu.js";
import type { BenchRow } from "./types.js";

const OUT = lxOut();

// Goals from the project brief (no peer interpreter is measured on the lx106 here).
const MAX_INSTRUCTION_RATIO = 25;
const MAX_C_STACK = 1536;
const MAX_ARENA_BEYOND_MEMORY = 4096;
const MAX_TEXT = 24 * 1024;
// Issue #9: the same workloads through wasm2c (AssemblyScript -> wasm -> C -> lx106).
const MAX_AOT_RATIO = 1.5;

interface Workload { name: string; label: string; args: number[]; repeat: number }
const CRC_AT = 1024, VARINT_AT = 4096; // firmware/lx106/harness.c
const WORKLOADS: Workload[] = [
  { name: "crc32", label: "CRC-32 over 1 KiB", args: [CRC_AT, 1024], repeat: 200 },
  { name: "fib", label: "recursive fib(20)", args: [20], repeat: 20 },
  { name: "varint_sum", label: "varint decode over 64 B", args: [VARINT_AT, 64], repeat: 5000 },
];
const SETUP = [["fill", CRC_AT, 1024, 0x1234567], ["fill", VARINT_AT, 64, 99]] as const;

function row(name: string, ours: number, peer: number | null, peerName: string | null, unit: string,
  ratio: number | null, goal: string, met: boolean): BenchRow {
  return { group: "vm", name, ours, peer, peerName, unit, ratio, goal, met };
}

/** One QEMU run of a bench program (the interpreter harness by default) with the plugin counting
 *  each bench_begin..bench_end region. */
function lx106Run(program = "harness.elf"): { stdout: string; regions: number[] } {
  const run = runLx106(join(OUT, program), { markers: { begin: "bench_begin", end: "bench_end" } });
  if (run.status !== 0) throw new Error(`${program} under QEMU exited ${run.status}: ${run.stdout.slice(-500)}${run.stderr.slice(-500)}`);
  return { stdout: run.stdout, regions: run.regions };
}

function measured(stdout: string, pattern: RegExp): number {
  const m = pattern.exec(stdout);
  if (!m) throw new Error(`harness output lacks ${pattern}`);
  return Number(m[1]);
}

// Script blobs as firmware/lx106/script.h describes (i32 arguments only here).
function script(module: Buffer, calls: (readonly [string, ...number[]])[]): Buffer {
  const parts: Buffer[] = [Buffer.from("WSC1")];
  let length = 4;
  const push = (b: Buffer) => { parts.push(b); length += b.length; };
  const pad = () => { if (length % 4) push(Buffer.alloc(4 - (length % 4))); };
  const head = Buffer.alloc(8);
  head.write("M", 0);
  head.writeUInt32LE(module.length, 4);
  push(head); push(module); pad();
  for (const [name, ...args] of calls) {
    const h = Buffer.alloc(4);
    h.write("I", 0);
    h.writeUInt16LE(name.length, 2);
    push(h); push(Buffer.from(name)); push(Buffer.from([args.length, 0]));
    for (const a of args) {
      const v = Buffer.alloc(9);
      v[0] = 0x7f;
      v.writeBigUInt64LE(BigInt(a >>> 0), 1);
      push(v);
    }
    pad();
  }
  push(Buffer.from("E\0\0\0"));
  return Buffer.concat(parts);
}

/** Seconds for one process run, the fastest of `tries`. */
function fastest(command: string, args: string[], tries = 5): number {
  let best = Infinity;
  for (let i = 0; i < tries; i++) {
    const start = process.hrtime.bigint();
    const run = spawnSync(command, args, { encoding: "utf8", maxBuffer: 64 << 20 });
    const seconds = Number(process.hrtime.bigint() - start) / 1e9;
    if (run.status !== 0) throw new Error(`${command} ${args.join(" ")} failed: ${run.stderr.slice(-500)}`);
    best = Math.min(best, seconds);
  }
  return best;
}

/** Microseconds per call: a run with `repeat` calls minus a run with none, same setup. */
function perCallMicros(w: Workload, run: (calls: number) => number): number {
  return Math.max(0, ((run(w.repeat) - run(0)) / w.repeat) * 1e6);
}

function hostTimes(dir: string, module: Buffer): BenchRow[] {
  const rows: BenchRow[] = [];
  const instance = new WebAssembly.Instance(new WebAssembly.Module(new Uint8Array(module)), {});
  const exports = instance.exports as Record<string, (...a: number[]) => number>;
  for (const [name, ...args] of SETUP) exports[name](...args);
  copyFileSync(join(OUT, "bench.wasm"), join(dir, "bench.wasm"));
  for (const w of WORKLOADS) {
    const ours = perCallMicros(w, (n) => {
      const file = join(dir, `${w.name}-${n}.bin`);
      writeFileSync(file, script(module, [...SETUP, ...Array.from({ length: n }, () => [w.name, ...w.args] as const)]));
      return fastest(join(OUT, "harness-release"), [file]);
    });
    const wabt = perCallMicros(w, (n) => {
      const i32 = (v: number) => ({ type: "i32", value: String(v >>> 0) });
      const invoke = (name: string, a: readonly number[], line: number) =>
        ({ type: "action", line, action: { type: "invoke", field: name, args: a.map(i32) }, expected: [] });
      const commands = [{ type: "module", line: 1, filename: "bench.wasm" },
        ...SETUP.map(([name, ...a], i) => invoke(name, a, 2 + i)),
        ...Array.from({ length: n }, (_, i) => invoke(w.name, w.args, 10 + i))];
      const file = join(dir, `${w.name}-${n}.json`);
      writeFileSync(file, JSON.stringify({ source_filename: "bench.wast", commands }));
      return fastest("spectest-interp", [file]);
    });
    const fn = exports[w.name];
    for (let i = 0; i < 20; i++) fn(...w.args);
    const rounds = w.repeat * 20;
    const start = process.hrtime.bigint();
    for (let i = 0; i < rounds; i++) fn(...w.args);
    const node = Number(process.hrtime.bigint() - start) / 1e3 / rounds;
    rows.push(row(`${w.label}: host time per call vs wabt interpreter (same module)`, ours, wabt,
      "wabt spectest-interp", "us", wabt / ours, ">= 1x (not slower than wabt)", wabt / ours >= 1));
    rows.push(row(`${w.label}: host time per call vs Node (JIT)`, ours, node, "Node WebAssembly", "us",
      node / ours, "report", true));
  }
  return rows;
}

/** The workloads compiled ahead of time by wasm2c (firmware/lx106/aot_bench.c) vs native C. */
function aotRows(): BenchRow[] {
  const aot = lx106Run("aot-bench.elf");
  if (aot.regions.length !== 1 + 2 * WORKLOADS.length) throw new Error(`aot-bench.elf: expected 7 counted regions, got ${aot.regions.length}`);
  const [markers, ...pairs] = aot.regions;
  return WORKLOADS.map((w, i) => {
    const native = pairs[2 * i] - markers, compiled = pairs[2 * i + 1] - markers;
    return row(`${w.label}: lx106 instructions, AssemblyScript -> wasm -> C (wasm2c) -Os vs native C -Os`, compiled, native,
      "native C (-Os)", "instructions", native / compiled, `<= ${MAX_AOT_RATIO}x native (ratio >= ${(1 / MAX_AOT_RATIO).toFixed(2)})`,
      compiled <= MAX_AOT_RATIO * native);
  });
}

/** Interpreter code size for the lx106 (floats off) from its objects, by section kind. */
function codeSize(): Record<"text" | "rodata" | "data" | "bss", number> {
  const objects = join(OUT, "vm-obj");
  const files = readFileSync(join(OUT, "vm-size.txt"), "utf8").split("\n")
    .map((l) => l.trim().split(/\s+/).at(-1) ?? "").filter((f) => f.endsWith(".o"));
  const table = execFileSync("xtensa-lx106-elf-size", ["-A", ...files.map((f) => join(objects, f.split("/").at(-1)!))], { encoding: "utf8" });
  const size = { text: 0, rodata: 0, data: 0, bss: 0 };
  for (const [, section, bytes] of table.matchAll(/^(\.\S+)\s+(\d+)/gm)) {
    const n = Number(bytes);
    if (/^\.(text|literal)/.test(section)) size.text += n;
    else if (section.startsWith(".rodata")) size.rodata += n;
    else if (section.startsWith(".data")) size.data += n;
    else if (section.startsWith(".bss")) size.bss += n;
  }
  return size;
}

export async function run(): Promise<BenchRow[]> {
  buildLx106("harness.elf", "aot-bench.elf", "harness-release", "libcount.so", "vm-size.txt");
  const rows: BenchRow[] = [];

  const lx106 = lx106Run();
  if (lx106.regions.length !== 1 + 2 * WORKLOADS.length) throw new Error(`expected 7 counted regions, got ${lx106.regions.length}`);
  const [markers, ...pairs] = lx106.regions;
  WORKLOADS.forEach((w, i) => {
    const native = pairs[2 * i] - markers, vm = pairs[2 * i + 1] - markers;
    rows.push(row(`${w.label}: lx106 instructions, interpreter vs native C -Os`, vm, native, "native C (-Os)",
      "instructions", native / vm, `<= ${MAX_INSTRUCTION_RATIO}x native (ratio >= ${1 / MAX_INSTRUCTION_RATIO})`,
      vm <= MAX_INSTRUCTION_RATIO * native));
  });
  rows.push(...aotRows());
  const stackVm = Math.max(...WORKLOADS.map((w) => measured(lx106.stdout, new RegExp(`^# stack ${w.name} native=\\d+ vm=(\\d+)$`, "m"))));
  const stackFib = measured(lx106.stdout, /^# stack fib native=(\d+) vm=\d+$/m);
  rows.push(row("peak C stack of an interpreter call, lx106 (painted), vs native recursive fib(20)", stackVm, stackFib,
    "native fib(20)", "B", stackFib / stackVm, `<= ${MAX_C_STACK} B`, stackVm <= MAX_C_STACK));
  const stackLoad = measured(lx106.stdout, /^# stack load bench=(\d+)$/m);
  const stackEngine = Math.max(0, ...[...lx106.stdout.matchAll(/^# engine measure .* stack=(\d+)$/gm)].map((m) => Number(m[1])));
  const stackValidate = Math.max(stackLoad, stackEngine);
  rows.push(row("peak C stack loading/validating (bench module, engine.wasm), lx106 (painted), vs native fib(20)",
    stackValidate, stackFib, "native fib(20)", "B", stackFib / stackValidate, `<= ${MAX_C_STACK} B`, stackValidate <= MAX_C_STACK));

  const benchTotal = measured(lx106.stdout, /^# arena bench total=(\d+)$/m);
  const benchMemory = measured(lx106.stdout, /^# arena bench memory=(\d+)$/m);
  rows.push(row(`arena beyond linear memory, bench module (${readFileSync(join(OUT, "bench.wasm")).length} B), lx106, harness budgets`,
    benchTotal - benchMemory, null, null, "B", null, "report", true));
  const engineArena = (label: string) => {
    const m = new RegExp(`^# engine measure ${label} memory_limit=(\\d+) arena=(\\d+) module=(\\d+) stack=(\\d+)$`, "m").exec(lx106.stdout);
    return m ? { memory: Number(m[1]), arena: Number(m[2]), module: Number(m[3]), stack: Number(m[4]) } : null;
  };
  const defaults = engineArena("defaults"), twice = engineArena("memory2x");
  const oneSlot = engineArena("slots1"), oneFrame = engineArena("depth1");
  if (defaults && twice && oneSlot && oneFrame) {
    const memory = twice.arena - defaults.arena; // linear memory grows 1:1 with its budget
    const beyond = defaults.arena - memory;
    const stack = defaults.arena - oneSlot.arena, frames = defaults.arena - oneFrame.arena;
    rows.push(row(`arena beyond linear memory, build/engine.wasm (${defaults.module} B), lx106, default budgets`, beyond,
      null, null, "B", null, `<= ${MAX_ARENA_BEYOND_MEMORY} B`, beyond <= MAX_ARENA_BEYOND_MEMORY));
    rows.push(row(`  of which operand stack ${stack} B, call frames ${frames} B, per-module state (functions, side table, globals)`,
      beyond - stack - frames, null, null, "B", null, "report", true));
    const sized = engineArena("module");
    if (sized) {
      const sizedBeyond = sized.arena - memory;
      rows.push(row("arena beyond linear memory, build/engine.wasm, operand stack and frames sized from the module (WASM_VM_FROM_MODULE)",
        sizedBeyond, null, null, "B", null, `<= ${MAX_ARENA_BEYOND_MEMORY} B`, sizedBeyond <= MAX_ARENA_BEYOND_MEMORY));
    }
  } else {
    rows.push(row("arena beyond linear memory, build/engine.wasm: engine not built or refused", 0, null, null, "B",
      null, `<= ${MAX_ARENA_BEYOND_MEMORY} B`, false));
  }

  const size = codeSize();
  rows.push(row("interpreter code on the lx106 (.text + literals, floats off)", size.text, null, null, "B", null,
    `<= ${MAX_TEXT} B`, size.text <= MAX_TEXT));
  rows.push(row(`interpreter constants and state on the lx106 (rodata ${size.rodata}, data ${size.data}, bss ${size.bss})`,
    size.rodata + size.data + size.bss, null, null, "B", null, "report", true));

  if (existsSync(join(OUT, "harness-release"))) {
    const dir = mkdtempSync(join(tmpdir(), "bench-vm-"));
    rows.push(...hostTimes(dir, readFileSync(join(OUT, "bench.wasm"))));
  }
  return rows;
}
