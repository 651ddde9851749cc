// build/engine.wasm -> C for the native engine (firmware/native): Debian's wasm2c (wabt 1.0.32)
// writes engine_native.c/.h, which this file rewrites in three small, checked ways for the chip
// (firmware/native/native_access.h holds what the rewrite calls):
//   - memory accesses take a 32-bit address and a constant offset instead of u64 arithmetic, and
//     are checked inline against the engine's fixed memory size (W2C_MEMORY_BYTES, its high-water
//     mark with io): the u64 form cost about 1,000 lx106 instructions per publish and 3.9 KB;
//   - no stack-depth counter (WASM_RT_USE_STACK_DEPTH_COUNT 0): safe only because the call graph
//     has no cycle and no indirect call, which this file proves before writing anything;
//   - no signal handler checks (WASM_RT_MEMCHECK_SIGNAL_HANDLER 0) and no asserts;
//   - only the exports the firmware calls stay (those firmware/native/native_engine.c names):
//     the others (the codec's test exports) would cost flash for code nothing runs.
// The runtime header wasm-rt.h is copied beside them so a cross-compiler finds it.
// Usage: node dist/host/firmware/native.js ENGINE.wasm OUT_DIR [mqtt_limits.h [native_engine.c]]
import { execFileSync } from "node:child_process";
import { mkdirSync, mkdtempSync, readFileSync, renameSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { memoryBytes } from "./embed.js";
import { firmwareCapacities, firmwareLimit, limitsHeader } from "./limits.js";

/** The wasm2c runtime header of Debian's wabt package. */
export const WASM_RT_HEADER = "/usr/include/wasm-rt.h";
/** wasm2c's module name: the generated symbols are Z_engine*, whatever the module. */
const MODULE = "engine";

/** The generated functions (w2c_*) and whom each calls directly. */
export function callGraph(c: string): Map<string, Set<string>> {
  const graph = new Map<string, Set<string>>();
  // a definition starts at column 0 and ends at the first "}" at column 0
  for (const m of c.matchAll(/^static \w+ (w2c_\w+)\([^)]*\) \{\n([\s\S]*?)^\}/gm)) {
    const calls = new Set<string>();
    for (const call of m[2].matchAll(/\b(w2c_\w+)\(instance\b/g)) calls.add(call[1]);
    graph.set(m[1], calls);
  }
  return graph;
}

/** A cycle of direct calls (recursion) as a path, or null when there is none. */
export function findCycle(graph: Map<string, Set<string>>): string[] | null {
  const state = new Map<string, 1 | 2>(); // 1: on the current path, 2: done
  const path: string[] = [];
  const visit = (f: string): string[] | null => {
    if (state.get(f) === 2) return null;
    if (state.get(f) === 1) return [...path.slice(path.indexOf(f)), f];
    state.set(f, 1);
    path.push(f);
    for (const g of graph.get(f) ?? []) {
      const cycle = visit(g);
      if (cycle) return cycle;
    }
    path.pop();
    state.set(f, 2);
    return null;
  };
  for (const f of graph.keys()) {
    const cycle = visit(f);
    if (cycle) return cycle;
  }
  return null;
}

/** Replaces `from` (which must occur exactly `count` times) in text. */
function replaceChecked(text: string, from: string | RegExp, to: string, what: string, count?: number): string {
  const pattern = typeof from === "string" ? new RegExp(from.replace(/[.*+?^${}()|[\]\\]/g, "\\$&"), "g") : from;
  const found = text.match(pattern)?.length ?? 0;
  if (found === 0 || (count !== undefined && found !== count)) {
    throw new Error(`wasm2c output changed shape (${what}: ${found} matches); this rewrite expects wabt 1.0.32`);
  }
  return text.replace(pattern, to);
}

/** The exports a C file calls (Z_engineZ_name). */
export function exportsCalled(source: string): Set<string> {
  return new Set([...source.matchAll(/\bZ_engineZ_(\w+)\(/g)].map((m) => m[1]));
}

/** The rewrite of wasm2c's output (see the top of this file); `keep`: the exports to keep (all
 *  when absent). */
export function rewrite(c: string, h: string, memory: number, io: number, keep?: Set<string>,
  capacities: number[] = firmwareCapacities()): { c: string; h: string } {
  const cycle = findCycle(callGraph(c));
  if (cycle) throw new Error(`the module's call graph has a cycle (${cycle.join(" -> ")}): the native engine runs without a stack-depth counter and needs none`);
  if (/\bCALL_INDIRECT\(instance/.test(c)) throw new Error("the module makes indirect calls: the native engine supports none");
  let out = replaceChecked(c, `#include "${MODULE}_native.h"\n`,
    `#include "${MODULE}_native.h"\n/* Rewritten by host/firmware/native.ts: 32-bit memory accesses checked inline. */\n#include "native_access.h"\n`,
    "the include of the generated header", 1);
  // i32_load(&instance->w2c_memory, (u64)(w2c_i0) + 8) -> w32_i32_load(&instance->w2c_memory, w2c_i0, 8u)
  out = out.replace(/\b(i(?:32|64)_(?:load|store)\w*)\(&instance->(w2c_\w+), \(u64\)\((w2c_\w+)\)(?: \+ (\d+)u?(?:ll)?)?/g,
    (_m, name: string, memory: string, address: string, offset?: string) => `w32_${name}(&instance->${memory}, ${address}, ${offset ?? 0}u`);
  if (/\(&instance->w2c_\w+, \(u64\)/.test(out)) throw new Error("a memory access of a form this rewrite does not know is left in the wasm2c output");
  out = replaceChecked(out, "if (UNLIKELY(offset + (uint64_t)len > mem->size))",
    "if (UNLIKELY((len) > mem->size || (offset) > mem->size - (len)))", "RANGE_CHECK", 1);
  // asserts of the stock runtime's initialisation: ours has none to check, and no assert helper
  out = out.replace(/^\s*assert\(.*\);\n/gm, "");
  if (keep) {
    const exported = [...out.matchAll(/^\/\* export: '(\w+)' \*\/\n\S.* Z_engineZ_\w+\(/gm)].map((m) => m[1]);
    const missing = [...keep].filter((name) => !exported.includes(name));
    if (missing.length) throw new Error(`the module lacks the export(s) the firmware calls: ${missing.join(", ")}`);
    // an unused export's wrapper goes; its static body then goes with it (unused)
    out = out.replace(/^\/\* export: '(\w+)' \*\/\n\S.* Z_engineZ_\w+\([^)]*\) \{\n[\s\S]*?^\}\n/gm,
      (whole, name: string) => (keep.has(name) ? whole : ""));
  }
  const hOut = replaceChecked(h, '#include "wasm-rt.h"\n', `/* For the native engine (host/firmware/native.ts): bounds checked by code, no stack-depth
 * counter (the call graph has no cycle), the linear memory's fixed size, capacities and io size. */
#define WASM_RT_MEMCHECK_SIGNAL_HANDLER 0
#define WASM_RT_USE_STACK_DEPTH_COUNT 0
#define W2C_MEMORY_BYTES ${memory}u
#define W2C_CAPACITIES ${capacities.map((n) => `${n}u`).join(", ")}
#define W2C_IO_BYTES ${io}u
#include "wasm-rt.h"
`, "the include of wasm-rt.h", 1);
  return { c: out, h: hOut };
}

/** wasm2c + rewrite into outDir: engine_native.c, engine_native.h, wasm-rt.h. */
export function generate(wasmFile: string, outDir: string, io: number, keep?: Set<string>,
  capacities: number[] = firmwareCapacities()): void {
  const wasm = readFileSync(wasmFile);
  const memory = memoryBytes(wasm, io, capacities);
  const tmp = mkdtempSync(join(tmpdir(), "wasmqtt-native-"));
  try {
    execFileSync("wasm2c", [wasmFile, "-n", MODULE, "-o", join(tmp, `${MODULE}_native.c`)], { stdio: ["ignore", "ignore", "pipe"] });
    const { c, h } = rewrite(readFileSync(join(tmp, `${MODULE}_native.c`), "utf8"), readFileSync(join(tmp, `${MODULE}_native.h`), "utf8"), memory, io, keep, capacities);
    mkdirSync(outDir, { recursive: true });
    // each written whole, then renamed: a make running in parallel never compiles half a file
    for (const [name, text] of [["wasm-rt.h", readFileSync(WASM_RT_HEADER, "utf8")], [`${MODULE}_native.h`, h], [`${MODULE}_native.c`, c]]) {
      const partial = join(outDir, `${name}.${process.pid}.tmp`);
      writeFileSync(partial, text);
      renameSync(partial, join(outDir, name));
    }
  } finally {
    rmSync(tmp, { recursive: true, force: true });
  }
}

export function main(argv: string[]): number {
  if (argv.length < 2 || argv.length > 4) {
    console.error("usage: native ENGINE.wasm OUT_DIR [mqtt_limits.h [native_engine.c]] (writes the engine as C for firmware/native; " +
      "with native_engine.c, only the exports it calls)");
    return 2;
  }
  try {
    const keep = argv[3] ? exportsCalled(readFileSync(argv[3], "utf8")) : undefined;
    const header = argv[2] ?? limitsHeader();
    generate(argv[0], argv[1], firmwareLimit("MQTT_ENGINE_IO_BYTES", header), keep, firmwareCapacities(header));
  } catch (err) {
    const e = err as Error & { stderr?: Buffer };
    console.error(`native: ${argv[0]}: ${e.stderr?.length ? e.stderr.toString().trim() : e.message}`);
    return 1;
  }
  return 0;
}

if (process.argv[1] && import.meta.url === new URL(`file://${process.argv[1]}`).href) {
  process.exitCode = main(process.argv.slice(2));
}
