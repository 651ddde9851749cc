// `wasmqtt firmware size`: the lx106 figures of the firmware against its budgets.
// Sizes: the interpreter (firmware/vm), the engine (the generated array + mqtt_engine.c) and the
// binding (the client core and the Lua module, firmware/core and firmware/nodemcu, the latter against
// the hosted shim headers)
// compiled for the lx106 (-Os, one section per function), as objects split into text, rodata,
// data and bss, and linked with NodeMCU's code generation into one image whose map gives what
// the image pays (tools/firmware/mapfile.ts): flash_bytes, the figure the budget checks. Run: the
// session of tools/firmware/session.ts under QEMU for the heap peak (counting allocator, linear
// memory included), the C stack peak (painted) and the instructions per inbound 64-byte QoS 0
// PUBLISH (TCG plugin). Writes build/firmware-report.json.
import { execFileSync, spawnSync } from "node:child_process";
import { copyFileSync, existsSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { basename, join } from "node:path";
import { packageRoot } from "../../host/engine/index.js";
import { LX106_REGIONS, memberName, moduleCost, parseMap, type Cost } from "./mapfile.js";
import { firmwareMakeVars } from "./sources.js";
import { buildSession, defaultSession, figures, lxOut, runQemu } from "./session.js";

/** The figures measured for each engine, and their budgets. */
export interface EngineFigures {
  flash_bytes: number;
  heap_peak_bytes: number;
  stack_peak_bytes: number;
  instructions_per_publish: number;
  flash_narrow_loads_per_publish: number;
}

export type EngineName = "wasm" | "native";

/** Per engine: the interpreter running build/engine.wasm, and the engine compiled to C. */
export const ENGINE_BUDGETS: Record<EngineName, EngineFigures> = {
  wasm: { flash_bytes: 64 * 1024, heap_peak_bytes: 10_240, stack_peak_bytes: 1536, instructions_per_publish: 60_000, flash_narrow_loads_per_publish: 0 },
  native: { flash_bytes: 40 * 1024, heap_peak_bytes: 6144, stack_peak_bytes: 1536, instructions_per_publish: 5000, flash_narrow_loads_per_publish: 0 },
};

/** Goals tighter than a budget: shown beside it; over the goal but within the budget is OK. */
export const ENGINE_GOALS: Partial<Record<EngineName, Partial<EngineFigures>>> = {
  wasm: { instructions_per_publish: 45_000 },
};

/** The default engine's budgets (the report's top-level keys). */
export const BUDGETS = ENGINE_BUDGETS.wasm;

export interface SectionSizes { text: number; rodata: number; data: number; bss: number }
export interface PartSize extends SectionSizes { name: string; files: string[]; note?: string }

const LX_CC = "xtensa-lx106-elf-gcc";
const LX_FLAGS = ["--specs=/usr/lib/xtensa-lx106-elf/picolibc.specs", "-std=c11", "-Wall", "-Wextra", "-Werror", "-Os", "-mno-target-align",
  "-ffunction-sections", "-fdata-sections", "-DWASM_VM_FLOAT=0", "-DWASM_VM_ALIGNED_READS=1"];

/** Sums an object's sections (xtensa-lx106-elf-size -A) into text (code and literals), rodata,
 *  data and bss. */
export function sectionSizes(object: string): SectionSizes {
  const table = execFileSync("xtensa-lx106-elf-size", ["-A", object], { encoding: "utf8" });
  const sizes: SectionSizes = { text: 0, rodata: 0, data: 0, bss: 0 };
  for (const line of table.split("\n")) {
    const m = /^(\.\S+)\s+(\d+)\s+\d+/.exec(line);
    if (!m) continue;
    const [name, size] = [m[1], Number(m[2])];
    if (name.startsWith(".text") || name.startsWith(".literal")) sizes.text += size;
    else if (name.startsWith(".rodata")) sizes.rodata += size;
    else if (name.startsWith(".data") || name.startsWith(".sdata")) sizes.data += size;
    else if (name.startsWith(".bss") || name.startsWith(".sbss") || name === "COMMON") sizes.bss += size;
  }
  return sizes;
}

function compile(sources: string[], out: string, include: string[], extra: string[] = []): string[] {
  mkdirSync(out, { recursive: true });
  const objects: string[] = [];
  for (const source of sources) {
    const object = join(out, basename(source).replace(/\.c$/, ".o"));
    const run = spawnSync(LX_CC, [...LX_FLAGS, ...extra, ...include.map((i) => `-I${i}`), "-c", source, "-o", object], { encoding: "utf8" });
    if (run.status !== 0) throw new Error(`${basename(source)} does not compile for the lx106:\n${(run.stderr || "").trim().split("\n").slice(0, 6).join("\n")}`);
    objects.push(object);
  }
  return objects;
}

function part(name: string, sources: string[], out: string, include: string[]): PartSize {
  const total: PartSize = { name, files: sources.map((s) => basename(s)), text: 0, rodata: 0, data: 0, bss: 0 };
  for (const object of compile(sources, out, include)) {
    const s = sectionSizes(object);
    total.text += s.text;
    total.rodata += s.rodata;
    total.data += s.data;
    total.bss += s.bss;
  }
  return total;
}

/** NodeMCU's code generation (its top-level CCFLAGS): every call through a literal, literals
 *  beside the code, no inlining of functions; app/wasmqtt's Makefile keeps -Os and jump tables. */
const NODEMCU_CODEGEN = ["-mlongcalls", "-mtext-section-literals", "-fno-inline-functions"];

/** Helpers a NodeMCU image has whether or not the module is in it: the ones the ESP8266's ROM
 *  provides (the SDK's eagle.rom.addr.v6.ld) and the double compares NodeMCU's Lua VM links.
 *  The size link resolves them outside the image, so they are not counted as the module's. */
const FIRMWARE_HELPERS = ["__divsi3", "__udivsi3", "__umodsi3", "__divdi3", "__udivdi3", "__umoddi3", "__muldi3",
  "__umulsidi3", "__adddf3", "__subdf3", "__muldf3", "__divdf3", "__fixdfsi", "__fixunsdfsi", "__floatsidf",
  "__floatunsidf", "__eqdf2", "__nedf2", "__ltdf2", "__ledf2", "__gtdf2", "__gedf2", "__unorddf2"];

export interface LinkedPart { name: string; image: number }

export interface LinkedSize {
  /** Bytes the module stores in the image: its sections as laid out (merged strings, alignment)
   *  and the libgcc members only it pulls in. */
  cost: Cost;
  parts: LinkedPart[];
  map: string;
}

/** Links the module's objects (NodeMCU's code generation) into one lx106 image with only libgcc
 *  beside them and reads the module's cost from the map. Nothing else of a firmware is in that
 *  image, so every libgcc member in it is one the module alone pulls in; libc (memcpy, strlen,
 *  malloc) is the firmware's, in NodeMCU's ROM or libc, and left unresolved here. */
export function measureLinked(parts: ModulePart[], out: string, root = packageRoot()): LinkedSize {
  const objects: Array<{ part: string; object: string }> = [];
  for (const p of parts) {
    for (const object of compile(p.sources, join(out, p.name), p.include, [...NODEMCU_CODEGEN, ...(p.flags ?? [])])) objects.push({ part: p.name, object });
  }
  const map = join(out, "module.map");
  // The module's entry points: every global the Lua binding (or, without it, the core) defines.
  const top = objects.filter((o) => basename(o.object) === "mqtt.o").map((o) => o.object);
  const roots = execFileSync("xtensa-lx106-elf-nm", ["--defined-only", "-g", ...top], { encoding: "utf8" })
    .split("\n").map((l) => l.trim().split(/\s+/)).filter((f) => f.length === 3 && /[TDRB]/.test(f[1])).map((f) => f[2]);
  const link = spawnSync(LX_CC, ["-nostdlib", "-nostartfiles", "-T", join(root, "firmware/lx106/lx106.ld"), "-Wl,--gc-sections",
    "-Wl,--unresolved-symbols=ignore-all", `-Wl,-Map=${map}`, "-Wl,-e,0", ...roots.map((r) => `-Wl,-u,${r}`),
    "-Wl,--defsym=__stack_size=0",
    ...FIRMWARE_HELPERS.map((h) => `-Wl,--defsym=${h}=0x40000000`), "-o", join(out, "module.elf"), ...objects.map((o) => o.object), "-lgcc"], { encoding: "utf8" });
  if (link.status !== 0) throw new Error(`the module's objects do not link for the lx106:\n${(link.stderr || "").trim().split("\n").slice(0, 6).join("\n")}`);
  const parsed = parseMap(readFileSync(map, "utf8"));
  const partOf = new Map(objects.map((o) => [o.object, o.part]));
  const cost = moduleCost(parsed, (f) => partOf.has(f), LX106_REGIONS);
  const linked = parts.map((p) => ({
    name: p.name,
    image: moduleCost(parsed, (f) => partOf.get(f) === p.name, LX106_REGIONS).image,
  }));
  return { cost, parts: linked, map };
}

/** Flash a part takes: code, constants and the initial values of its data. */
export const flashOf = (p: SectionSizes): number => p.text + p.rodata + p.data;

/** The module's parts and how each compiles: the interpreter, the engine (array + ABI), the
 *  binding (client core and, when it exists, the Lua module against the hosted NodeMCU headers). */
export interface ModulePart { name: string; sources: string[]; include: string[]; flags?: string[]; note?: string }

export function moduleParts(root = packageRoot()): ModulePart[] {
  const fw = join(root, "firmware");
  const include = [join(fw, "vm"), join(fw, "engine"), join(fw, "core"), join(fw, "nodemcu")];
  const vm = readdirSync(join(fw, "vm")).filter((f) => f.endsWith(".c")).sort().map((f) => join(fw, "vm", f));
  const engineArray = join(root, "build/firmware/engine_wasm.c");
  if (!existsSync(engineArray)) throw new Error(`${engineArray} is missing; run npm run build:firmware`);
  const core = firmwareMakeVars(root, ["CORE_SRC"]).CORE_SRC.map((f) => join(fw, f));
  const binding = { name: "binding", sources: core, include, note: undefined as string | undefined };
  const moduleDir = join(fw, "nodemcu");
  const module = existsSync(moduleDir) ? readdirSync(moduleDir).filter((f) => f.endsWith(".c")).sort().map((f) => join(moduleDir, f)) : [];
  if (!module.length) {
    binding.note = "firmware/nodemcu has no Lua module yet: core only";
  } else {
    // Debian's luaconf.h includes a multiarch header that only the host's include tree has.
    const shim = join(root, "build/firmware/size/shim");
    mkdirSync(shim, { recursive: true });
    const multiarch = "/usr/include/x86_64-linux-gnu/lua5.1-deb-multiarch.h";
    if (existsSync(multiarch)) copyFileSync(multiarch, join(shim, basename(multiarch)));
    else writeFileSync(join(shim, "lua5.1-deb-multiarch.h"), "/* empty: sizes only */\n");
    binding.sources.push(...module);
    binding.include = [...include, join(fw, "hosted/include"), "/usr/include/lua5.1", shim];
  }
  return [
    { name: "interpreter", sources: vm, include },
    { name: "engine", sources: firmwareMakeVars(root, ["ENGINE_SRC"]).ENGINE_SRC.map((f) => join(fw, f)), include },
    binding,
  ];
}

export function measureSizes(root = packageRoot()): PartSize[] {
  const out = join(root, "build/firmware/size");
  rmSync(join(out, "objects"), { recursive: true, force: true });
  return moduleParts(root).map((p) => ({ ...part(p.name, p.sources, join(out, "objects", p.name), p.include), ...(p.note ? { note: p.note } : {}) }));
}

export interface EngineReport extends EngineFigures {
  /** The engine's own parts linked (interpreter + engine array + ABI, or the native engine). */
  linked: { parts: LinkedPart[]; helpers: Array<{ member: string; bytes: number }>; ram_bytes: number };
  regions: number[];
}

export interface FirmwareReport extends EngineFigures {
  parts: PartSize[];
  /** The module linked as the image pays it (flash_bytes): per part, and the libgcc members
   *  it alone pulls in. */
  linked: EngineReport["linked"];
  heap_connected_bytes: number;
  /** Of the connected client's heap: the engine instance (interpreter arena with the linear
   *  memory) and the linear memory alone; the rest is the core (buffers, strings). */
  heap_engine_bytes: number;
  heap_linear_memory_bytes: number;
  regions: number[];
  budgets: EngineFigures;
  /** Both engines side by side; native is absent when the build has no native engine. */
  engines: Partial<Record<EngineName, EngineReport>>;
  engine_notes: string[];
}

const average = (values: number[]): number => Math.round(values.reduce((a, b) => a + b, 0) / values.length);

/** The native engine as a part: its sources, include folders and the generated file's narrower
 *  warnings (engine/build.mk), or null when this build has none. */
function nativePart(root: string): ModulePart | null {
  const v = firmwareMakeVars(root, ["ENGINE_NATIVE_SRC", "ENGINE_NATIVE_INC", "NATIVE_GEN_CFLAGS"]);
  if (!v.ENGINE_NATIVE_SRC.length) return null;
  const fw = join(root, "firmware");
  return {
    name: "engine",
    sources: v.ENGINE_NATIVE_SRC.map((f) => join(fw, f)),
    include: [...v.ENGINE_NATIVE_INC.map((i) => join(fw, i.slice(2))), join(fw, "core"), join(fw, "nodemcu")],
    flags: v.NATIVE_GEN_CFLAGS.filter((f) => f.startsWith("-Wno-")),
  };
}

/** One engine's figures: its parts linked, its session under QEMU. */
function measureEngine(name: EngineName, parts: ReturnType<typeof moduleParts>, root: string): EngineReport & { transcript: string } {
  const linked = measureLinked(parts, join(root, "build/firmware/size", `linked-${name}`), root);
  const run = runQemu(defaultSession(), name);
  if (run.status !== 0) {
    throw new Error(`the lx106 session (${name}) failed under QEMU (status ${run.status}):\n${run.transcript.slice(-1500)}${run.stderr.slice(-800)}`);
  }
  if (run.regions.length === 0) throw new Error("the QEMU plugin counted no region (libcount.so and the bench markers)");
  const f = figures(run.transcript);
  return {
    flash_bytes: linked.cost.image,
    heap_peak_bytes: f.heapPeak,
    stack_peak_bytes: f.stackPeak,
    instructions_per_publish: average(run.regions),
    flash_narrow_loads_per_publish: run.narrowFlashLoads.length ? average(run.narrowFlashLoads) : NaN,
    linked: {
      parts: linked.parts,
      helpers: linked.cost.helpers.map((h) => ({ member: memberName(h.member), bytes: h.bytes })),
      ram_bytes: linked.cost.ram,
    },
    regions: run.regions,
    transcript: run.transcript,
  };
}

export function measure(root = packageRoot()): FirmwareReport {
  const parts = measureSizes(root);
  buildSession();
  const modules = moduleParts(root);
  const { transcript, ...wasm } = measureEngine("wasm", modules, root);
  const engines: FirmwareReport["engines"] = { wasm };
  const notes: string[] = [];
  const native = nativePart(root);
  const nativeElf = join(lxOut(), "session-native.elf");
  if (!native) notes.push("native: this build has no native engine (no ENGINE_NATIVE_SRC in firmware/)");
  else if (!existsSync(nativeElf)) notes.push(`native: ${nativeElf} is missing (npm run build:firmware)`);
  else {
    // The native engine replaces the interpreter and the engine array; the binding is the same.
    const nativeParts = [native, modules[2]];
    const { transcript: _t, ...n } = measureEngine("native", nativeParts, root);
    engines.native = n;
  }
  const f = figures(transcript);
  return {
    ...wasm,
    parts,
    heap_connected_bytes: f.heapNow[0] ?? NaN,
    heap_engine_bytes: f.engineBytes,
    heap_linear_memory_bytes: f.linearMemoryBytes,
    budgets: BUDGETS,
    engines,
    engine_notes: notes,
  };
}

const fmt = (n: number): string => n.toLocaleString("en-US");

export function render(r: FirmwareReport): string {
  const lines: string[] = [];
  const row = (cells: string[]): string => cells.map((c, i) => (i === 0 ? c.padEnd(12) : c.padStart(9))).join(" ");
  lines.push("lx106 sizes (bytes): -Os objects, and linked as the image pays them (merged strings, alignment, libgcc helpers):");
  lines.push(row(["part", "text", "rodata", "data", "bss", "objects", "linked"]));
  for (const p of r.parts) {
    const linked = r.linked.parts.find((l) => l.name === p.name)?.image ?? NaN;
    lines.push(row([p.name, fmt(p.text), fmt(p.rodata), fmt(p.data), fmt(p.bss), fmt(flashOf(p)), fmt(linked)]) + `   ${p.files.length > 4 ? `${p.files.length} files` : p.files.join(", ")}`);
    if (p.note) lines.push(`             (${p.note})`);
  }
  if (r.linked.helpers.length) {
    lines.push(`  libgcc helpers only the module pulls in (in "linked"): ${r.linked.helpers.map((h) => `${h.member.replace(/^libgcc\.a\((.*)\.o\)$/, "$1")} ${fmt(h.bytes)}`).join(", ")}`);
  }
  const native = r.engines.native;
  if (native) {
    const engine = native.linked.parts.find((p) => p.name === "engine");
    lines.push(`  native engine (wasm2c, replaces interpreter + engine), linked: ${fmt(engine?.image ?? NaN)} B` +
      (native.linked.helpers.length ? `; libgcc helpers: ${native.linked.helpers.map((h) => `${h.member.replace(/^libgcc\.a\((.*)\.o\)$/, "$1")} ${fmt(h.bytes)}`).join(", ")}` : ""));
  }
  lines.push("");
  lines.push("budgets per engine (lx106; heap, stack, instructions and narrow loads from the QEMU session of tools/firmware/session.ts):");
  const names = (Object.keys(ENGINE_BUDGETS) as EngineName[]);
  const header = `  ${"".padEnd(50)}${names.map((n) => (n === "wasm" ? "wasm (interpreter)" : n).padEnd(44)).join("")}`;
  lines.push(header.trimEnd());
  const rows: Array<[keyof EngineFigures, string, string]> = [
    ["flash_bytes", "flash: the module linked (helpers included)", "B"],
    ["heap_peak_bytes", "heap peak: one client, 4 subscriptions", "B"],
    ["stack_peak_bytes", "C stack peak", "B"],
    ["instructions_per_publish", "instructions per inbound 64-byte QoS 0 PUBLISH", ""],
    ["flash_narrow_loads_per_publish", "narrow loads from flash per such PUBLISH", ""],
  ];
  for (const [key, label, unit] of rows) {
    const cells = names.map((n) => {
      const e = r.engines[n];
      return e ? verdict(e[key], ENGINE_BUDGETS[n][key], ENGINE_GOALS[n]?.[key], unit) : "not built";
    });
    lines.push(`  ${label.padEnd(50)}${cells.map((c) => c.padEnd(44)).join("")}`.trimEnd());
  }
  for (const note of r.engine_notes) lines.push(`  (${note})`);
  lines.push(`  (wasm, connected with 4 subscriptions: ${fmt(r.heap_connected_bytes)} B of heap: engine ${fmt(r.heap_engine_bytes)} B, of which linear memory ${fmt(r.heap_linear_memory_bytes)} B; core ${fmt(r.heap_connected_bytes - r.heap_engine_bytes)} B)`);
  return lines.join("\n");
}

/** "53,798 / 60,000 OK (goal 45,000: not met)": a figure against its budget and goal. */
export function verdict(value: number, budget: number, goal: number | undefined, unit: string): string {
  if (Number.isNaN(value)) return "not measured";
  const u = unit ? ` ${unit}` : "";
  const text = `${fmt(value)}${u} / ${fmt(budget)}${u} ${value <= budget ? "OK" : "OVER"}`;
  if (goal === undefined) return text;
  return `${text} (goal ${fmt(goal)}${value <= goal ? "" : ": not met"})`;
}

export async function main(argv: string[]): Promise<number> {
  const strict = argv.includes("--strict");
  const unknown = argv.filter((a) => a !== "--strict");
  if (unknown.length) {
    console.error(`wasmqtt firmware size: unknown argument '${unknown[0]}' (only --strict: exit 1 when a budget is over)`);
    return 2;
  }
  let report: FirmwareReport;
  try {
    report = measure();
  } catch (err) {
    console.error(`wasmqtt firmware size: ${(err as Error).message}`);
    return 1;
  }
  const file = join(packageRoot(), "build/firmware-report.json");
  writeFileSync(file, JSON.stringify(report, null, 2) + "\n");
  console.log(render(report));
  console.log(`\nwritten: ${file}`);
  const over = (Object.keys(report.engines) as EngineName[]).filter((n) => {
    const e = report.engines[n]!;
    return (Object.keys(ENGINE_BUDGETS[n]) as Array<keyof EngineFigures>).some((k) => e[k] > ENGINE_BUDGETS[n][k]);
  });
  return strict && over.length ? 1 : 0;
}
