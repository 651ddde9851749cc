// `wasmqtt firmware size`: the lx106 figures of the firmware against its budgets.
// Sizes: the interpreter (firmware/vm), the engine (the generated array + mqtt_engine.c) and the
// binding (mqtt_core.c and firmware/nodemcu/mqtt.c, the latter against the hosted shim headers)
// compiled for the lx106 (-Os, one section per function, objects: -c only), split into text,
// rodata, data and bss. Run: the session of host/firmware/session.ts under QEMU for the heap
// peak (counting allocator, linear memory included), the C stack peak (painted) and the
// instructions per inbound 64-byte QoS 0 PUBLISH (TCG plugin). Writes build/firmware-report.json.
import { execFileSync, spawnSync } from "node:child_process";
import { copyFileSync, existsSync, mkdirSync, readdirSync, rmSync, writeFileSync } from "node:fs";
import { basename, join } from "node:path";
import { packageRoot } from "../engine/index.js";
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

function compile(sources: string[], out: string, include: string[]): string[] {
  mkdirSync(out, { recursive: true });
  const objects: string[] = [];
  for (const source of sources) {
    const object = join(out, basename(source).replace(/\.c$/, ".o"));
    const run = spawnSync(LX_CC, [...LX_FLAGS, ...include.map((i) => `-I${i}`), "-c", source, "-o", object], { encoding: "utf8" });
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

/** Flash a part takes: code, constants and the initial values of its data. */
export const flashOf = (p: SectionSizes): number => p.text + p.rodata + p.data;

export function measureSizes(root = packageRoot()): PartSize[] {
  const fw = join(root, "firmware");
  const out = join(root, "build/firmware/size");
  rmSync(out, { recursive: true, force: true });
  const include = [join(fw, "vm"), join(fw, "engine"), join(fw, "nodemcu")];
  const vm = readdirSync(join(fw, "vm")).filter((f) => f.endsWith(".c")).sort().map((f) => join(fw, "vm", f));
  const engineArray = join(root, "build/firmware/engine_wasm.c");
  if (!existsSync(engineArray)) throw new Error(`${engineArray} is missing; run npm run build`);
  const parts = [
    part("interpreter", vm, join(out, "interpreter"), include),
    part("engine", [engineArray, join(fw, "engine/mqtt_engine.c")], join(out, "engine"), include),
    part("binding", [join(fw, "nodemcu/mqtt_core.c")], join(out, "binding"), include),
  ];
  const binding = parts[2];
  const module = join(fw, "nodemcu/mqtt.c");
  if (!existsSync(module)) {
    binding.note = "firmware/nodemcu/mqtt.c does not exist yet: core only";
  } else {
    // Debian's luaconf.h includes a multiarch header that only the host's include tree has.
    const shim = join(out, "shim");
    mkdirSync(shim, { recursive: true });
    const multiarch = "/usr/include/x86_64-linux-gnu/lua5.1-deb-multiarch.h";
    if (existsSync(multiarch)) copyFileSync(multiarch, join(shim, basename(multiarch)));
    else writeFileSync(join(shim, "lua5.1-deb-multiarch.h"), "/* empty: sizes only */\n");
    try {
      const lua = part("mqtt.c", [module], join(out, "binding"), [...include, join(fw, "hosted/include"), "/usr/include/lua5.1", shim]);
      binding.files.push("mqtt.c");
      binding.text += lua.text;
      binding.rodata += lua.rodata;
      binding.data += lua.data;
      binding.bss += lua.bss;
    } catch (err) {
      binding.note = `mqtt.c left out: ${(err as Error).message.split("\n")[0]}`;
    }
  }
  return parts;
}

export interface FirmwareReport {
  flash_bytes: number;
  heap_peak_bytes: number;
  stack_peak_bytes: number;
  instructions_per_publish: number;
  parts: PartSize[];
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
  buildSession();
  const run = runQemu(DEFAULT_SESSION);
  if (run.status !== 0) {
    throw new Error(`the lx106 session failed under QEMU (status ${run.status}):\n${run.transcript.slice(-1500)}${run.stderr.slice(-800)}`);
  }
  const f = figures(run.transcript);
  if (run.regions.length === 0) throw new Error("the QEMU plugin counted no region (libcount.so and the bench markers)");
  return {
    flash_bytes: parts.reduce((sum, p) => sum + flashOf(p), 0),
    heap_peak_bytes: f.heapPeak,
    stack_peak_bytes: f.stackPeak,
    instructions_per_publish: Math.round(run.regions.reduce((a, b) => a + b, 0) / run.regions.length),
    parts,
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
  lines.push("lx106 sizes (bytes, -Os objects):");
  lines.push(row(["part", "text", "rodata", "data", "bss", "flash"]));
  for (const p of r.parts) {
    lines.push(row([p.name, fmt(p.text), fmt(p.rodata), fmt(p.data), fmt(p.bss), fmt(flashOf(p))]) + `   ${p.files.length > 4 ? `${p.files.length} files` : p.files.join(", ")}`);
    if (p.note) lines.push(`             (${p.note})`);
  }
  lines.push("");
  lines.push("budgets (lx106 under QEMU, the session of host/firmware/session.ts):");
  const check = (label: string, value: number, budget: number, unit: string): string =>
    `  ${label.padEnd(48)} ${fmt(value).padStart(7)} ${unit.padEnd(1)} / ${fmt(budget).padStart(6)} ${unit.padEnd(1)}  ${value <= budget ? "OK" : "OVER"}`;
  lines.push(check("flash: interpreter + engine + binding", r.flash_bytes, BUDGETS.flash_bytes, "B"));
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
