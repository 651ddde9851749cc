// `wasmqtt firmware size`: the lx106 figures of the firmware against its budgets.
// Sizes: the interpreter (firmware/vm), the engine (the generated array + mqtt_engine.c) and the
// binding (mqtt_core.c and firmware/nodemcu/mqtt.c, the latter against the hosted shim headers)
// compiled for the lx106 (-Os, one section per function), as objects split into text, rodata,
// data and bss, and linked with NodeMCU's code generation into one image whose map gives what
// the image pays (host/firmware/mapfile.ts): flash_bytes, the figure the budget checks. Run: the
// session of host/firmware/session.ts under QEMU for the heap peak (counting allocator, linear
// memory included), the C stack peak (painted) and the instructions per inbound 64-byte QoS 0
// PUBLISH (TCG plugin). Writes build/firmware-report.json.
import { execFileSync, spawnSync } from "node:child_process";
import { copyFileSync, existsSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { basename, join } from "node:path";
import { packageRoot } from "../engine/index.js";
import { LX106_REGIONS, memberName, moduleCost, parseMap, type Cost } from "./mapfile.js";
import { buildSession, DEFAULT_SESSION, figures, runQemu } from "./session.js";

export const BUDGETS = {
  flash_bytes: 64 * 1024,
  heap_peak_bytes: 12 * 1024,
  stack_peak_bytes: 1536,
  instructions_per_publish: 60_000,
} as const;

export interface SectionSizes { text: number; rodata: number; data: number; bss: number }
export interface PartSize extends SectionSizes { name: string; files: string[]; note?: string }

const LX_CC = "xtensa-lx106-elf-gcc";
const LX_FLAGS = ["--specs=/usr/lib/xtensa-lx106-elf/picolibc.specs", "-std=c11", "-Wall", "-Wextra", "-Werror", "-Os",
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
export function measureLinked(parts: Array<{ name: string; sources: string[]; include: string[] }>, out: string, root = packageRoot()): LinkedSize {
  const objects: Array<{ part: string; object: string }> = [];
  for (const p of parts) {
    for (const object of compile(p.sources, join(out, p.name), p.include, NODEMCU_CODEGEN)) objects.push({ part: p.name, object });
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
export function moduleParts(root = packageRoot()): Array<{ name: string; sources: string[]; include: string[]; note?: string }> {
  const fw = join(root, "firmware");
  const include = [join(fw, "vm"), join(fw, "engine"), join(fw, "nodemcu")];
  const vm = readdirSync(join(fw, "vm")).filter((f) => f.endsWith(".c")).sort().map((f) => join(fw, "vm", f));
  const engineArray = join(root, "build/firmware/engine_wasm.c");
  if (!existsSync(engineArray)) throw new Error(`${engineArray} is missing; run npm run build`);
  const binding = { name: "binding", sources: [join(fw, "nodemcu/mqtt_core.c")], include, note: undefined as string | undefined };
  const module = join(fw, "nodemcu/mqtt.c");
  if (!existsSync(module)) {
    binding.note = "firmware/nodemcu/mqtt.c does not exist yet: core only";
  } else {
    // Debian's luaconf.h includes a multiarch header that only the host's include tree has.
    const shim = join(root, "build/firmware/size/shim");
    mkdirSync(shim, { recursive: true });
    const multiarch = "/usr/include/x86_64-linux-gnu/lua5.1-deb-multiarch.h";
    if (existsSync(multiarch)) copyFileSync(multiarch, join(shim, basename(multiarch)));
    else writeFileSync(join(shim, "lua5.1-deb-multiarch.h"), "/* empty: sizes only */\n");
    binding.sources.push(module);
    binding.include = [...include, join(fw, "hosted/include"), "/usr/include/lua5.1", shim];
  }
  return [
    { name: "interpreter", sources: vm, include },
    { name: "engine", sources: [engineArray, join(fw, "engine/mqtt_engine.c")], include },
    binding,
  ];
}

export function measureSizes(root = packageRoot()): PartSize[] {
  const out = join(root, "build/firmware/size");
  rmSync(join(out, "objects"), { recursive: true, force: true });
  return moduleParts(root).map((p) => ({ ...part(p.name, p.sources, join(out, "objects", p.name), p.include), ...(p.note ? { note: p.note } : {}) }));
}

export interface FirmwareReport {
  flash_bytes: number;
  heap_peak_bytes: number;
  stack_peak_bytes: number;
  instructions_per_publish: number;
  parts: PartSize[];
  /** The module linked as the image pays it (flash_bytes): per part, and the libgcc members
   *  it alone pulls in. */
  linked: { parts: LinkedPart[]; helpers: Array<{ member: string; bytes: number }>; ram_bytes: number };
  heap_connected_bytes: number;
  /** Of the connected client's heap: the engine instance (interpreter arena with the linear
   *  memory) and the linear memory alone; the rest is the core (buffers, strings). */
  heap_engine_bytes: number;
  heap_linear_memory_bytes: number;
  regions: number[];
  budgets: typeof BUDGETS;
}

export function measure(root = packageRoot()): FirmwareReport {
  const parts = measureSizes(root);
  const linked = measureLinked(moduleParts(root), join(root, "build/firmware/size/linked"), root);
  buildSession();
  const run = runQemu(DEFAULT_SESSION);
  if (run.status !== 0) {
    throw new Error(`the lx106 session failed under QEMU (status ${run.status}):\n${run.transcript.slice(-1500)}${run.stderr.slice(-800)}`);
  }
  const f = figures(run.transcript);
  if (run.regions.length === 0) throw new Error("the QEMU plugin counted no region (libcount.so and the bench markers)");
  return {
    flash_bytes: linked.cost.image,
    heap_peak_bytes: f.heapPeak,
    stack_peak_bytes: f.stackPeak,
    instructions_per_publish: Math.round(run.regions.reduce((a, b) => a + b, 0) / run.regions.length),
    parts,
    linked: {
      parts: linked.parts,
      helpers: linked.cost.helpers.map((h) => ({ member: memberName(h.member), bytes: h.bytes })),
      ram_bytes: linked.cost.ram,
    },
    heap_connected_bytes: f.heapNow[0] ?? NaN,
    heap_engine_bytes: f.engineBytes,
    heap_linear_memory_bytes: f.linearMemoryBytes,
    regions: run.regions,
    budgets: BUDGETS,
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
  lines.push("");
  lines.push("budgets (lx106 under QEMU, the session of host/firmware/session.ts):");
  const check = (label: string, value: number, budget: number, unit: string): string =>
    `  ${label.padEnd(48)} ${fmt(value).padStart(7)} ${unit.padEnd(1)} / ${fmt(budget).padStart(6)} ${unit.padEnd(1)}  ${value <= budget ? "OK" : "OVER"}`;
  lines.push(check("flash: the module linked (all parts, helpers)", r.flash_bytes, BUDGETS.flash_bytes, "B"));
  lines.push(check("heap peak: one client, 4 subscriptions", r.heap_peak_bytes, BUDGETS.heap_peak_bytes, "B"));
  lines.push(check("C stack peak", r.stack_peak_bytes, BUDGETS.stack_peak_bytes, "B"));
  lines.push(check("instructions per inbound 64-byte QoS 0 PUBLISH", r.instructions_per_publish, BUDGETS.instructions_per_publish, ""));
  lines.push(`  (connected with 4 subscriptions: ${fmt(r.heap_connected_bytes)} B of heap: engine ${fmt(r.heap_engine_bytes)} B, of which linear memory ${fmt(r.heap_linear_memory_bytes)} B; core ${fmt(r.heap_connected_bytes - r.heap_engine_bytes)} B)`);
  return lines.join("\n");
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
  const over = (Object.keys(BUDGETS) as Array<keyof typeof BUDGETS>).filter((k) => report[k] > BUDGETS[k]);
  return strict && over.length ? 1 : 0;
}
