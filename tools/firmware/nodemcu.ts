// `wasmqtt firmware --nodemcu DIR [--no-make] [-- MAKE_ARGS...]`: puts the module into a NodeMCU
// checkout (ESP8266, 3.0 release-branch layout) and runs its make.
//
// What it changes in DIR, each time the same way (a second run changes nothing):
//   app/wasmqtt/              our sources, flat (firmware/nodemcu, firmware/core, firmware/engine, firmware/vm,
//                             build/firmware/engine_wasm.c), a Makefile in NodeMCU's form and
//                             WASMQTT.txt, the marker saying what was changed and how to undo it
//   app/include/user_modules.h  NodeMCU's own LUA_USE_MODULES_MQTT commented out, ours
//                             (LUA_USE_MODULES_WASMQTT) added
//   app/Makefile              app/wasmqtt built and linked as one of NodeMCU's optional components,
//                             and its library scanned for the module's registration symbol
// Every edited line carries the marker "wasmqtt:", so a later run recognises (and can replace) it.
import { spawnSync } from "node:child_process";
import { createHash } from "node:crypto";
import { copyFileSync, existsSync, mkdirSync, readFileSync, readdirSync, rmSync, statSync, unlinkSync, writeFileSync } from "node:fs";
import { basename, dirname, join, relative, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { imageDelta, memberName, moduleCost, NODEMCU_REGIONS, parseMap, type Cost } from "./mapfile.js";
import { adviceFor, findFailure, runMake } from "./nodemcu-make.js";
import { cleanOtherFlavour, COMPONENT, flavourOf, MARK, MARKER_FILE, plannedFetches } from "./nodemcu-tree.js";
export { adviceFor, findFailure } from "./nodemcu-make.js";
import { ENGINE_BUDGETS } from "./report.js";
import { coreFiles, engineFiles, type Engine } from "./sources.js";

export const USAGE = `usage: wasmqtt firmware --nodemcu DIR [--engine wasm|native] [--no-make] [--no-baseline] [-- MAKE_ARGS...]
  Puts wasmqtt's mqtt module into the NodeMCU checkout at DIR (ESP8266 firmware, release branch):
  app/wasmqtt/ with our sources, NodeMCU's own mqtt module off and ours on in
  app/include/user_modules.h, app/Makefile taught to build app/wasmqtt; then runs make in DIR and
  copies bin/0x00000.bin and bin/0x10000.bin to build/nodemcu/ (what 'wasmqtt flash' writes), and
  says what the module costs in the image (from app/mapfile) and how much the image grew against
  the same tree with NodeMCU's own mqtt (built first, once per configuration).
  --engine E       wasm: the interpreter running build/engine.wasm (the default); native: the
                   engine compiled to C by wasm2c (smaller, faster; no engine swap without a rebuild)
  --no-make        change the tree only
  --no-baseline    skip the build with NodeMCU's own mqtt (no image delta)
  -- MAKE_ARGS     passed to make, e.g. -- LUA=53 (NodeMCU's Lua 5.3 flavour; objects built for
                   the other flavour are removed first)`;

/** Exit codes: bad arguments or DIR is not a NodeMCU tree; our own sources could not be built;
 *  NodeMCU's make failed. */
export const EXIT = { ok: 0, badTree: 2, ourBuild: 3, make: 4 } as const;


class TreeError extends Error {
  constructor(message: string, readonly code: number = EXIT.badTree) {
    super(message);
  }
}

/** The folder holding package.json, walking up from this file (host/ or dist/host/). */
function packageRoot(): string {
  let dir = dirname(fileURLToPath(import.meta.url));
  while (!existsSync(join(dir, "package.json"))) {
    const up = dirname(dir);
    if (up === dir) throw new TreeError("package.json not found above " + fileURLToPath(import.meta.url), EXIT.ourBuild);
    dir = up;
  }
  return dir;
}

interface Options {
  dir: string;
  engine: Engine;
  make: boolean;
  baseline: boolean;
  makeArgs: string[];
}

function parseArgs(argv: string[]): Options | string {
  let dir: string | undefined;
  let make = true;
  let baseline = true;
  let engine: Engine = "wasm";
  const makeArgs: string[] = [];
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    if (a === "--") {
      makeArgs.push(...argv.slice(i + 1));
      break;
    }
    if (a === "--nodemcu") {
      if (i + 1 >= argv.length || argv[i + 1].startsWith("--")) return "--nodemcu needs the NodeMCU checkout's folder";
      dir = argv[++i];
    } else if (a.startsWith("--nodemcu=")) {
      dir = a.slice("--nodemcu=".length);
      if (!dir) return "--nodemcu needs the NodeMCU checkout's folder";
    } else if (a === "--no-make") {
      make = false;
    } else if (a === "--engine" || a.startsWith("--engine=")) {
      const value = a === "--engine" ? argv[++i] : a.slice("--engine=".length);
      if (value !== "wasm" && value !== "native") return `--engine takes wasm (the interpreter, the default) or native (the engine compiled to C), not '${value ?? ""}'`;
      engine = value;
    } else if (a === "--no-baseline") {
      baseline = false;
    } else {
      return `unknown argument '${a}'`;
    }
  }
  if (!dir) return "--nodemcu DIR is required";
  return { dir: resolve(dir), engine, make, baseline, makeArgs };
}

// ---------------------------------------------------------------------------------------------
// The tree

/** Checks that dir is a NodeMCU ESP8266 checkout of the 3.0 (release branch) layout; throws a
 *  TreeError saying what is missing and what to do. */
export function checkTree(dir: string): void {
  const get = "Use a checkout of NodeMCU's ESP8266 firmware, branch release (3.0): " +
    "git clone --recurse-submodules -b release <nodemcu-firmware repository> DIR";
  if (!existsSync(dir)) throw new TreeError(`${dir} does not exist. ${get}`);
  if (!statSync(dir).isDirectory()) throw new TreeError(`${dir} is not a folder. ${get}`);
  if (existsSync(join(dir, "components")) && existsSync(join(dir, "sdkconfig.defaults"))) {
    throw new TreeError(`${dir} is NodeMCU for the ESP32 (it has components/ and sdkconfig.defaults); ` +
      `wasmqtt's module is for the ESP8266 firmware. ${get}`);
  }
  const need: [string, string][] = [
    ["Makefile", "NodeMCU's top-level Makefile"],
    ["app/Makefile", "the app/ Makefile"],
    ["app/include/module.h", "NODEMCU_MODULE's header"],
    ["app/modules", "the modules folder"],
    ["sdk-overrides/include", "NodeMCU's SDK overrides"],
  ];
  const missing = need.filter(([p]) => !existsSync(join(dir, p)));
  if (missing.length === need.length) throw new TreeError(`${dir} is not a NodeMCU firmware checkout (no ${need.map(([p]) => p).join(", ")}). ${get}`);
  if (missing.length) {
    throw new TreeError(`${dir} is not a complete NodeMCU firmware checkout: missing ${missing.map(([p, what]) => `${p} (${what})`).join(", ")}. ${get}`);
  }
  if (!existsSync(join(dir, "app/include/user_modules.h"))) {
    throw new TreeError(`${dir}/app/include/user_modules.h is missing: it is where NodeMCU's build chooses its modules ` +
      `and where wasmqtt switches the mqtt module. Restore it (git checkout app/include/user_modules.h) or use a fresh checkout. ${get}`);
  }
  if (!existsSync(join(dir, "app/lua53")) || !existsSync(join(dir, "app/lua/lnodemcu.h"))) {
    throw new TreeError(`${dir} is an older NodeMCU (no app/lua53 or app/lua/lnodemcu.h): wasmqtt's module needs the 3.0 ` +
      `layout (LROT tables, both Lua flavours). ${get}`);
  }
  const makefile = readFileSync(join(dir, "app/Makefile"), "utf8");
  for (const v of ["OPT_MKTARGETS", "SELECTED_MODULE_SYMS"]) {
    if (!new RegExp(`^${v}\\s*:?=`, "m").test(makefile)) {
      throw new TreeError(`${dir}/app/Makefile has no '${v} =' line: it is not the 3.0 release-branch layout wasmqtt ` +
        `adds its component to. ${get}`);
    }
  }
}

/** user_modules.h with NodeMCU's mqtt module off and ours on. Lines this function wrote before
 *  (marked) are first put back as they were, so the result does not depend on earlier runs. */
export function editUserModules(text: string): string {
  const eol = text.includes("\r\n") ? "\r\n" : "\n";
  const lines = unmarkUserModules(text.split(/\r?\n/));
  const ours = `#define LUA_USE_MODULES_${COMPONENT.toUpperCase()}  // ${MARK} the mqtt module on the WebAssembly engine`;
  const stockAt = lines.findIndex((l) => /^\s*#\s*define\s+LUA_USE_MODULES_MQTT\b/.test(l));
  if (stockAt >= 0) lines[stockAt] = `//${lines[stockAt].trim()}  // ${MARK} NodeMCU's own mqtt module off (wasmqtt's replaces it)`;
  if (lines.some((l) => /^\s*#\s*define\s+LUA_USE_MODULES_WASMQTT\b/.test(l))) return lines.join(eol);
  let at = stockAt >= 0 ? stockAt + 1 : lines.findIndex((l) => /LUA_USE_MODULES_MQTT\b/.test(l)) + 1;
  if (at <= 0) at = lines.findIndex((l) => /^\s*#\s*endif\b.*LUA_CROSS_COMPILER/.test(l));
  if (at < 0) {
    throw new TreeError("app/include/user_modules.h has no LUA_USE_MODULES_MQTT line and no '#endif /* LUA_CROSS_COMPILER */': " +
      "add '#define LUA_USE_MODULES_WASMQTT' to its module list yourself, then run again with --no-make to check");
  }
  lines.splice(at, 0, ours);
  return lines.join(eol);
}

/** user_modules.h and app/Makefile as NodeMCU had them: every line this command wrote undone. */
export function stockUserModules(text: string): string {
  return unmarkUserModules(text.split(/\r?\n/)).join(text.includes("\r\n") ? "\r\n" : "\n");
}

export function stockAppMakefile(text: string): string {
  return text.split(/\r?\n/).filter((l) => !l.includes(`# ${MARK}`)).join(text.includes("\r\n") ? "\r\n" : "\n");
}

function unmarkUserModules(lines: string[]): string[] {
  const out: string[] = [];
  for (const l of lines) {
    if (!l.includes(`// ${MARK}`)) {
      out.push(l);
      continue;
    }
    const restored = /^\s*\/\/\s*(#\s*define\s+LUA_USE_MODULES_\w+.*?)\s*\/\/ wasmqtt:/.exec(l);
    if (restored) out.push(restored[1]);
    // Our own define: dropped, added again below.
  }
  return out;
}

/** app/Makefile with app/wasmqtt as an optional component (built and linked when
 *  LUA_USE_MODULES_WASMQTT is on, like NodeMCU's own coap, mqtt, ...), and its library scanned for
 *  the module's registration symbol (NodeMCU only scans libmodules.a). */
export function editAppMakefile(text: string): string {
  const eol = text.includes("\r\n") ? "\r\n" : "\n";
  const lines = text.split(/\r?\n/).filter((l) => !l.includes(`# ${MARK}`));
  const lib = `${COMPONENT}/.output/$(TARGET)/$(FLAVOR)/lib/lib${COMPONENT}.a`;
  const insertAfter = (name: string, line: string) => {
    const at = lines.findIndex((l) => new RegExp(`^${name}\\s*:?=`).test(l));
    if (at < 0) throw new TreeError(`app/Makefile has no '${name} =' line: not the NodeMCU 3.0 layout`);
    lines.splice(at + 1, 0, line);
  };
  insertAfter("OPT_MKTARGETS", `OPT_MKTARGETS += ${COMPONENT} # ${MARK} app/${COMPONENT}, when LUA_USE_MODULES_WASMQTT is on`);
  insertAfter("SELECTED_MODULE_SYMS",
    `SELECTED_MODULE_SYMS += $(if $(wildcard ${lib}),$(filter %_module_selected %module_selected1,$(shell $(NM) ${lib}))) # ${MARK} the module's registration`);
  return lines.join(eol);
}

/** The Makefile of app/wasmqtt, in the form of NodeMCU's own component Makefiles. */
export function componentMakefile(engine: Engine = "wasm"): string {
  const what = engine === "wasm"
    ? "the interpreter (firmware/engine, firmware/vm, build/firmware/engine_wasm.c)"
    : "the native engine (firmware/engine's ABI, firmware/native, wasm2c's build/firmware/native)";
  return `# ${MARK} generated by 'wasmqtt firmware --nodemcu --engine ${engine}': the mqtt module on
# ${what}. Sources copied from wasmqtt (firmware/nodemcu, firmware/core and the engine's files); run the command
# again to update them. See ${MARKER_FILE}.
ifndef PDIR
GEN_LIBS = lib${COMPONENT}.a
endif

# As wasmqtt measures its lx106 budgets: -Os, switch jump tables (the interpreter's opcode
# dispatch; NodeMCU turns them off tree-wide) and no branch-target alignment (2-3% of the
# module's flash, no fewer instructions). Warnings as NodeMCU's modules get them (-Werror
# from its top-level CCFLAGS): its headers are not clean under -Wall -Wextra, and wasmqtt's own
# builds already hold these sources to -Wall -Wextra -Werror.
STD_CFLAGS = -std=gnu11 -Wimplicit -Os -fjump-tables -mno-target-align
# The interpreter without floats (the engine has none) and reading the module's bytes with aligned
# 32-bit loads: the embedded engine lives in flash, which allows no other reads.
DEFINES += -DWASM_VM_FLOAT=0 -DWASM_VM_ALIGNED_READS=1
${engine === "native" ? `# wasm2c's output tests WABT_BIG_ENDIAN with #if; NodeMCU's -Wundef -Werror wants it defined
# (the lx106 is little-endian).
DEFINES += -DWABT_BIG_ENDIAN=0
` : ""}
PDIR := ../$(PDIR)
sinclude $(PDIR)Makefile
`;
}

/** Our sources for `engine`: name in app/wasmqtt -> absolute path. The Lua module (firmware/nodemcu),
 *  the client core and its limits (firmware/core/build.mk's CORE_SRC and CORE_HDR) and the engine's
 *  files as firmware/engine/build.mk lists them (for the interpreter: firmware/engine, firmware/vm and the
 *  embedded array; for the native engine: the ABI, firmware/native and wasm2c's output). */
export function ourSources(root: string, engine: Engine = "wasm"): Map<string, string> {
  const files = new Map<string, string>();
  const add = (name: string, path: string) => {
    const before = files.get(name);
    if (before && before !== path) throw new TreeError(`two sources named ${name} (${before}, ${path}): app/${COMPONENT} is flat, rename one`, EXIT.ourBuild);
    files.set(name, path);
  };
  const folder = join(root, "firmware/nodemcu");
  if (!existsSync(folder)) throw new TreeError(`${folder} is missing: is this a complete wasmqtt checkout?`, EXIT.ourBuild);
  for (const name of readdirSync(folder).sort()) {
    if (/\.[ch]$/.test(name)) add(name, join(folder, name));
  }
  for (const path of coreFilesOrFail(root)) add(basename(path), path);
  for (const path of engineFilesOrFail(root, engine).files) add(basename(path), path);
  return files;
}

/** A source list from firmware/'s make files, or a TreeError with what to do (`advice`). */
function listOrFail<T>(list: () => T, advice: string): T {
  try {
    return list();
  } catch (err) {
    throw new TreeError(`${(err as Error).message}: ${advice}`, EXIT.ourBuild);
  }
}

const coreFilesOrFail = (root: string) => listOrFail(() => coreFiles(root), "is this a complete wasmqtt checkout?");
const engineFilesOrFail = (root: string, engine: Engine) =>
  listOrFail(() => engineFiles(root, engine), "build wasmqtt first ('npm run build:firmware'), or use --engine wasm");

/** The engine's generated source (the array of build/engine.wasm, or wasm2c's C), (re)made by
 *  firmware/engine/build.mk's rules. */
function buildEngine(root: string, engine: Engine): void {
  const wasm = join(root, "build/engine.wasm");
  if (!existsSync(wasm)) {
    throw new TreeError(`${wasm} is missing: build wasmqtt first ('npm run build'), then run this again`, EXIT.ourBuild);
  }
  const target = relative(join(root, "firmware"), engineFilesOrFail(root, engine).generated);
  const run = spawnSync("make", ["-s", "-C", join(root, "firmware"), target], { encoding: "utf8" });
  if (run.error || run.status !== 0) {
    const why = run.error ? run.error.message : (run.stderr || run.stdout).trim();
    throw new TreeError(`could not make ${target.replace(/^\.\.\//, "")} (the ${engine} engine's generated C): ${why}\n` +
      "Run 'npm run build:firmware' in wasmqtt and try again.", EXIT.ourBuild);
  }
}

function sha(data: Buffer | string): string {
  return createHash("sha256").update(data).digest("hex").slice(0, 16);
}

/** Writes only when the content differs, so make sees no change on a second run. */
function writeIfChanged(path: string, data: Buffer | string): boolean {
  const next = typeof data === "string" ? Buffer.from(data) : data;
  if (existsSync(path) && readFileSync(path).equals(next)) return false;
  mkdirSync(dirname(path), { recursive: true });
  writeFileSync(path, next);
  return true;
}

function markerText(files: Map<string, Buffer>, engine: Engine): string {
  const lines = [
    `wasmqtt put its NodeMCU mqtt module into this tree ('wasmqtt firmware --nodemcu DIR --engine ${engine}').`,
    "",
    "What it changed (each edited line carries the marker 'wasmqtt:'):",
    `  app/${COMPONENT}/                   this folder: the sources below, its Makefile and this file`,
    "  app/include/user_modules.h       #define LUA_USE_MODULES_MQTT commented out (NodeMCU's own module off),",
    "                                   #define LUA_USE_MODULES_WASMQTT added (ours on, as Lua's 'mqtt')",
    `  app/Makefile                     OPT_MKTARGETS += ${COMPONENT} (build and link app/${COMPONENT}),`,
    `                                   SELECTED_MODULE_SYMS += the module symbol in lib${COMPONENT}.a`,
    "",
    "To undo: delete app/wasmqtt/, delete the lines marked 'wasmqtt:' in app/Makefile and",
    "app/include/user_modules.h, and remove the leading // of '#define LUA_USE_MODULES_MQTT'.",
    "Running the command again updates the sources and changes nothing else.",
    "",
    "Sources (sha256, first 16 hex digits):",
  ];
  for (const [name, data] of [...files].sort(([a], [b]) => a.localeCompare(b))) lines.push(`  ${name.padEnd(32)} ${sha(data)}`);
  return lines.join("\n") + "\n";
}

/** Files the marker of an earlier run lists. */
function previousSources(marker: string): string[] {
  if (!existsSync(marker)) return [];
  const names: string[] = [];
  let inList = false;
  for (const line of readFileSync(marker, "utf8").split("\n")) {
    if (line.startsWith("Sources")) inList = true;
    else if (inList && /^\s+\S+\.[ch]\s+[0-9a-f]+$/.test(line)) names.push(line.trim().split(/\s+/)[0]);
  }
  return names;
}

export interface InstallResult {
  changed: string[];
  component: string;
}

/** Puts our sources into dir and edits its two files; returns what changed (empty when nothing did). */
export function install(dir: string, root: string, engine: Engine = "wasm"): InstallResult {
  checkTree(dir);
  const componentDir = join(dir, "app", COMPONENT);
  const sources = ourSources(root, engine);
  const contents = new Map<string, Buffer>();
  for (const [name, path] of sources) {
    if (!existsSync(path)) throw new TreeError(`${path} is missing: build wasmqtt first ('npm run build:firmware')`, EXIT.ourBuild);
    contents.set(name, readFileSync(path));
  }
  const changed: string[] = [];
  const note = (wrote: boolean, path: string) => { if (wrote) changed.push(relative(dir, path)); };

  // Sources a previous version put here and this one no longer has.
  const marker = join(componentDir, MARKER_FILE);
  let removed = false;
  for (const old of previousSources(marker)) {
    const path = join(componentDir, old);
    if (!contents.has(old) && existsSync(path)) {
      unlinkSync(path);
      changed.push(relative(dir, path) + " (removed)");
      removed = true;
    }
  }
  // NodeMCU's make only adds to a library (ar ru), so a removed source's object would stay in
  // libwasmqtt.a and could be linked (the other engine's backend): our build output goes, make
  // builds app/wasmqtt again. The same when our Makefile (the flags) changes.
  const makefileChanged = writeIfChanged(join(componentDir, "Makefile"), componentMakefile(engine));
  note(makefileChanged, join(componentDir, "Makefile"));
  if ((removed || makefileChanged) && existsSync(join(componentDir, ".output"))) {
    rmSync(join(componentDir, ".output"), { recursive: true, force: true });
    changed.push(`app/${COMPONENT}/.output (removed: built again)`);
  }
  for (const [name, data] of contents) note(writeIfChanged(join(componentDir, name), data), join(componentDir, name));

  const userModules = join(dir, "app/include/user_modules.h");
  note(writeIfChanged(userModules, editUserModules(readFileSync(userModules, "utf8"))), userModules);
  const appMakefile = join(dir, "app/Makefile");
  note(writeIfChanged(appMakefile, editAppMakefile(readFileSync(appMakefile, "utf8"))), appMakefile);
  note(writeIfChanged(marker, markerText(contents, engine)), marker);
  return { changed, component: componentDir };
}

// ---------------------------------------------------------------------------------------------
// The image

/** Our library's files in NodeMCU's link, and those of NodeMCU's own mqtt module (app/modules/mqtt.c
 *  and its app/mqtt component). */
const isOurs = (file: string): boolean => file.includes(`lib${COMPONENT}.a(`);
const isStockMqtt = (file: string): boolean => /libmodules\.a\(mqtt\.o\)$|\/libmqtt\.a\(/.test(file);

export interface ImageReport {
  ours: Cost;
  /** With a map of the same tree built with NodeMCU's own mqtt: that module's cost and how the
   *  image changed. */
  baseline?: { stock: Cost; delta: Cost };
}

/** What the module costs in the image NodeMCU linked (its map), and against the baseline's map. */
export function imageReport(map: string, baselineMap?: string): ImageReport {
  const after = parseMap(map);
  if (baselineMap === undefined) return { ours: moduleCost(after, isOurs, NODEMCU_REGIONS) };
  const before = parseMap(baselineMap);
  return {
    ours: moduleCost(after, isOurs, NODEMCU_REGIONS, before),
    baseline: { stock: moduleCost(before, isStockMqtt, NODEMCU_REGIONS, after), delta: imageDelta(before, after, NODEMCU_REGIONS) },
  };
}

const fmt = (n: number): string => n.toLocaleString("en-US");

export function renderImageReport(r: ImageReport, engine: Engine = "wasm"): string[] {
  const o = r.ours;
  const budget = ENGINE_BUDGETS[engine].flash_bytes;
  const lines = [`the module (${engine} engine) in the image: ${fmt(o.image)} B stored in flash (code and constants ${fmt(o.flash)} B, ` +
    `IRAM ${fmt(o.iram)} B, initialised RAM ${fmt(o.dram)} B), ${fmt(o.ram)} B bss; ` +
    `flash budget ${fmt(budget)} B: ${o.image <= budget ? "OK" : "OVER"}`];
  // libgcc's members are the helpers its code calls; other SDK members only moved (alignment).
  const helpers = o.helpers.filter((h) => /\/libgcc\.a\(/.test(h.member));
  const moved = o.helpers.filter((h) => !helpers.includes(h)).reduce((sum, h) => sum + h.bytes, 0);
  if (helpers.length) lines.push(`  of which libgcc helpers only it pulls in: ${helpers.map((h) => `${memberName(h.member)} ${fmt(h.bytes)}`).join(", ")}`);
  if (moved) lines.push(`  and ${fmt(moved)} B of alignment where the SDK's own members moved`);
  if (r.baseline) {
    const { stock, delta } = r.baseline;
    const expected = o.image - stock.image;
    const off = delta.image === 0 ? 0 : Math.abs(expected - delta.image) / Math.abs(delta.image);
    lines.push(`against the same tree with NodeMCU's own mqtt (${fmt(stock.image)} B): the image grew by ${fmt(delta.image)} B ` +
      `(ours - NodeMCU's = ${fmt(expected)} B, ${(off * 100).toFixed(1)}% off the delta)`);
  }
  return lines;
}

function copyImages(dir: string, out: string): string[] {
  const bin = join(dir, "bin");
  const images = ["0x00000.bin", "0x10000.bin"].filter((f) => existsSync(join(bin, f)));
  if (images.length === 0) return [];
  mkdirSync(out, { recursive: true });
  for (const f of readdirSync(out)) if (/^0x[0-9a-f]+\.bin$/i.test(f) && !images.includes(f)) rmSync(join(out, f));
  for (const f of images) copyFileSync(join(bin, f), join(out, f));
  return images.map((f) => join(out, f));
}

// ---------------------------------------------------------------------------------------------

/** The baseline's map of this configuration: the tree as NodeMCU had it (our lines undone),
 *  its user_config.h and the make arguments. A change to any of them means another baseline. */
function baselineFile(dir: string, makeArgs: string[]): string {
  const read = (p: string) => (existsSync(join(dir, p)) ? readFileSync(join(dir, p), "utf8") : "");
  const key = sha([stockUserModules(read("app/include/user_modules.h")), stockAppMakefile(read("app/Makefile")),
    read("app/include/user_config.h"), makeArgs.join("\0"), `LUA=${flavourOf(makeArgs)}`].join("\0\0"));
  return join(dir, "app", COMPONENT, `baseline-${key}.map`);
}

/** Puts NodeMCU's own user_modules.h and app/Makefile back (the lines marked by us undone). */
function restoreStock(dir: string): void {
  const userModules = join(dir, "app/include/user_modules.h");
  writeIfChanged(userModules, stockUserModules(readFileSync(userModules, "utf8")));
  const appMakefile = join(dir, "app/Makefile");
  writeIfChanged(appMakefile, stockAppMakefile(readFileSync(appMakefile, "utf8")));
}

/** Runs make and, when it fails, says where and whose fault it is; true when it succeeded. */
async function make(dir: string, args: string[], stock: boolean): Promise<boolean> {
  console.log(`wasmqtt firmware: make ${args.join(" ")} (in ${dir}${stock ? ", with NodeMCU's own mqtt" : ""})`.replace(/ +\(/, " ("));
  const run = await runMake(dir, args);
  if (run.spawnError) {
    const missing = (run.spawnError as NodeJS.ErrnoException).code === "ENOENT";
    console.error(`wasmqtt firmware: could not run make: ${missing ? "make is not installed (Debian: apt-get install make)" : run.spawnError.message}`);
    return false;
  }
  if (run.status === 0) return true;
  const failure = findFailure(run.lines);
  const parts = [`wasmqtt firmware: NodeMCU's build${stock ? " with its own mqtt (the baseline)" : ""} failed (make exited with ${run.status ?? "a signal"})` +
    (failure.step ? ` at step: ${failure.step}` : "")];
  if (failure.errors.length) parts.push("  " + failure.errors.join("\n  "));
  if (failure.makeError) parts.push(`  ${failure.makeError}`);
  parts.push(`What to do: ${adviceFor(failure, run.lines.join("\n"), dir, stock)}.`);
  console.error(parts.join("\n"));
  return false;
}

/** `imagesDir`: where the images go ('wasmqtt flash' reads build/nodemcu of the current folder). */
export async function main(argv: string[], imagesDir = resolve("build/nodemcu")): Promise<number> {
  if (argv.includes("-h") || argv.includes("--help")) {
    console.log(USAGE);
    return EXIT.ok;
  }
  const options = parseArgs(argv);
  if (typeof options === "string") {
    console.error(`wasmqtt firmware: ${options}\n\n${USAGE}`);
    return EXIT.badTree;
  }
  const { dir, makeArgs } = options;
  let root: string;
  try {
    checkTree(dir);
    root = packageRoot();
    buildEngine(root, options.engine);
    ourSources(root, options.engine);
  } catch (err) {
    if (err instanceof TreeError) {
      console.error(`wasmqtt firmware: ${err.message}`);
      return err.code;
    }
    throw err;
  }

  let baseline: string | undefined;
  if (options.make) {
    const flavour = flavourOf(makeArgs);
    const cleaned = cleanOtherFlavour(dir, flavour);
    if (cleaned.removed.length) {
      const folders = [...new Set(cleaned.removed.map((r) => r.split("/").slice(0, 2).join("/")))];
      console.log(`wasmqtt firmware: LUA=${flavour}: removed ${cleaned.removed.length} objects compiled against the other Lua ` +
        `flavour's headers (in ${folders.join(", ")}); make rebuilds them. sdk/ and the caches are untouched.`);
    }
    const planned = plannedFetches(dir, makeArgs);
    if (planned?.downloads.length) {
      console.log(`wasmqtt firmware: NodeMCU's make is going to download ${planned.downloads.join(", ")} (not in cache/): ` +
        "offline, put them there first (docs/firmware.md, building offline)");
    }
    if (planned?.unpacks.length) {
      console.log(`wasmqtt firmware: NodeMCU's make is going to unpack ${planned.unpacks.join(", ")} again, replacing what was ` +
        "unpacked before (the cache file is newer): to keep what is unpacked, make the cache file older (touch -d @0 FILE)");
    }
    const file = baselineFile(dir, makeArgs);
    if (options.baseline && existsSync(file)) {
      baseline = readFileSync(file, "utf8");
    } else if (options.baseline) {
      console.log("wasmqtt firmware: first the same tree with NodeMCU's own mqtt, once per configuration, for the image delta (--no-baseline skips it)");
      restoreStock(dir);
      if (!(await make(dir, makeArgs, true))) return EXIT.make;
      const map = join(dir, "app/mapfile");
      if (existsSync(map)) {
        baseline = readFileSync(map, "utf8");
        mkdirSync(dirname(file), { recursive: true });
        writeFileSync(file, baseline);
      }
    }
  }

  let result: InstallResult;
  try {
    result = install(dir, root, options.engine);
  } catch (err) {
    if (err instanceof TreeError) {
      console.error(`wasmqtt firmware: ${err.message}`);
      return err.code;
    }
    throw err;
  }
  if (result.changed.length === 0) console.log(`wasmqtt firmware: ${dir} already has this version of the module (nothing changed)`);
  else console.log(`wasmqtt firmware: changed in ${dir}:\n  ${result.changed.join("\n  ")}`);
  if (!options.make) {
    console.log(`wasmqtt firmware: --no-make: build it with 'make' in ${dir}`);
    return EXIT.ok;
  }
  if (!(await make(dir, makeArgs, false))) return EXIT.make;

  const images = copyImages(dir, imagesDir);
  if (images.length === 0) {
    console.error(`wasmqtt firmware: make succeeded but ${join(dir, "bin")} has no 0x00000.bin / 0x10000.bin: ` +
      "was this NodeMCU's top-level Makefile?");
    return EXIT.make;
  }
  const mapfile = join(dir, "app/mapfile");
  if (existsSync(mapfile)) {
    const report = imageReport(readFileSync(mapfile, "utf8"), baseline);
    for (const line of renderImageReport(report, options.engine)) console.log(`wasmqtt firmware: ${line}`);
  }
  for (const image of images) console.log(`wasmqtt firmware: ${relative(process.cwd(), image) || image} (${statSync(image).size} B)`);
  console.log("wasmqtt firmware: flash it with 'npm run flash' (docs/flashing.md)");
  return EXIT.ok;
}
