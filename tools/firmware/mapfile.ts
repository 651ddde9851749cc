// What a module costs in a linked image, read from GNU ld's map file (-Wl,-Map=...).
// Object sizes overstate and understate it: the linker merges equal strings across objects
// (a merged input section keeps its old size in the map but shares its address with the next),
// pads each input section to its alignment, and pulls in library members (libgcc's __moddi3,
// __popcount*, ...) only because the module calls them. So the cost here is by address: an input
// section pays from its address to the next one's, plus the fill before it, and a library member
// belongs to the module when the map says the module (or a member it pulled in) made the linker
// include it.

export interface MapEntry {
  /** Output section (".irom0.text", ".text", ...). */
  output: string;
  /** Input section name, "*fill*" for padding. */
  section: string;
  address: number;
  /** Bytes this entry takes in the image: up to the next entry's address, plus the fill before it. */
  bytes: number;
  /** Input file as the linker names it ("lib/libwasmqtt.a(mqtt.o)"); "" for fill. */
  file: string;
}

export interface LinkMap {
  entries: MapEntry[];
  /** Output sections with the bytes their input sections take: from the section's start to the
   *  end of its last input section (trailing alignment, e.g. NodeMCU's 4 KiB rounding of
   *  .irom0.text, left out: it moves in steps no module owns). */
  outputs: Map<string, number>;
  /** Library member -> the file whose reference made the linker include it. */
  includedBy: Map<string, string>;
}

const HEX = "0x[0-9a-fA-F]+";
const INPUT_FULL = new RegExp(`^ (\\S+)\\s+(${HEX})\\s+(${HEX})\\s+(\\S.*)$`);
const INPUT_REST = new RegExp(`^\\s+(${HEX})\\s+(${HEX})\\s+(\\S.*)$`);
const FILL = new RegExp(`^ \\*fill\\*\\s+(${HEX})\\s+(${HEX})`);
const OUTPUT_FULL = new RegExp(`^(\\.?[A-Za-z_][\\w.$]*)\\s+(${HEX})\\s+(${HEX})`);
const OUTPUT_REST = new RegExp(`^\\s+(${HEX})\\s+(${HEX})\\s*(load address.*)?$`);

interface RawEntry { output: string; section: string; address: number; size: number; file: string }

/** Parses a map: the archive members the linker included and why, and the layout. */
export function parseMap(text: string): LinkMap {
  const lines = text.split(/\r?\n/);
  const includedBy = new Map<string, string>();
  let at = 0;
  if (lines[0]?.startsWith("Archive member included")) {
    for (at = 1; at < lines.length && !/^(Allocating common|Discarded input|Memory Configuration|Linker script and memory map)/.test(lines[at]); at++) {
      const member = /^(\S.*\(.*\))$/.exec(lines[at]);
      const by = member ? /^\s+(\S.*?) \(.*\)$/.exec(lines[at + 1] ?? "") : null;
      if (member && by) includedBy.set(member[1], by[1]);
    }
  }
  while (at < lines.length && !lines[at].startsWith("Linker script and memory map")) at++;

  const raw: RawEntry[] = [];
  const starts = new Map<string, number>();
  const ends = new Map<string, number>();
  let output = "";
  let pendingOutput: string | null = null;
  let pendingInput: string | null = null;
  for (const line of lines.slice(at + 1)) {
    if (pendingOutput !== null) {
      const rest = OUTPUT_REST.exec(line);
      if (rest) startOutput(pendingOutput, parseInt(rest[1], 16), parseInt(rest[2], 16));
      pendingOutput = null;
      if (rest) continue;
    }
    if (pendingInput !== null) {
      const rest = INPUT_REST.exec(line);
      const section = pendingInput;
      pendingInput = null;
      if (rest) {
        raw.push({ output, section, address: parseInt(rest[1], 16), size: parseInt(rest[2], 16), file: rest[3].trim() });
        continue;
      }
    }
    const head = OUTPUT_FULL.exec(line);
    if (head) {
      startOutput(head[1], parseInt(head[2], 16), parseInt(head[3], 16));
      continue;
    }
    if (/^\.?[A-Za-z_][\w.$]*\s*$/.test(line)) {
      pendingOutput = line.trim();
      continue;
    }
    if (!output) continue;
    const fill = FILL.exec(line);
    if (fill) {
      raw.push({ output, section: "*fill*", address: parseInt(fill[1], 16), size: parseInt(fill[2], 16), file: "" });
      continue;
    }
    const input = INPUT_FULL.exec(line);
    if (input && !input[4].startsWith("(size before")) {
      raw.push({ output, section: input[1], address: parseInt(input[2], 16), size: parseInt(input[3], 16), file: input[4].trim() });
      continue;
    }
    if (/^ [^\s*]\S*$/.test(line)) pendingInput = line.trim();
  }

  function startOutput(name: string, address: number, size: number): void {
    output = name;
    starts.set(name, address);
    ends.set(name, address + size);
  }

  const outputs = new Map<string, number>();
  for (const name of starts.keys()) outputs.set(name, 0);
  for (const e of raw) {
    if (e.size > 0 && e.section !== "*fill*") outputs.set(e.output, Math.max(outputs.get(e.output) ?? 0, e.address + e.size - (starts.get(e.output) ?? e.address)));
  }
  return { entries: layOut(raw, ends), outputs, includedBy };
}

/** Each entry's bytes by address: to the next entry of its output section (the output's end for
 *  the last); fill goes to the entry after it, whose alignment asked for it. */
function layOut(raw: RawEntry[], ends: Map<string, number>): MapEntry[] {
  const entries: MapEntry[] = [];
  let fill = 0;
  for (let i = 0; i < raw.length; i++) {
    const e = raw[i];
    const next = raw[i + 1]?.output === e.output ? raw[i + 1].address : (ends.get(e.output) ?? e.address + e.size);
    // A section the linker dropped from the layout (size 0) or merged away entirely spans nothing.
    const span = e.size === 0 ? 0 : Math.max(0, Math.min(next, e.address + e.size) - e.address);
    if (e.section === "*fill*") {
      fill += span;
      continue;
    }
    entries.push({ output: e.output, section: e.section, address: e.address, bytes: span + fill, file: e.file });
    fill = 0;
  }
  return entries;
}

/** Where the image keeps each output section: the bytes a region's sections take. `flash` means
 *  stored in the flash image (code, constants, initial data); `ram` means RAM only (bss). */
export type Regions = Record<string, "flash" | "iram" | "dram" | "ram">;

/** NodeMCU 3.0's ld/nodemcu.ld: code and constants in the flash-mapped .irom0.text, IRAM code in
 *  .text, initialised RAM in .data/.rodata (both also stored in the image), .bss. */
export const NODEMCU_REGIONS: Regions = {
  ".irom0.text": "flash", ".text": "iram", ".data": "dram", ".rodata": "dram", ".bss": "ram",
};

/** firmware/lx106/lx106.ld: code and constants in flash, .data in RAM (stored in flash), .bss. */
export const LX106_REGIONS: Regions = { ".text": "flash", ".rodata": "flash", ".data": "dram", ".bss": "ram" };

export interface Cost {
  /** Bytes stored in the flash image (flash-mapped + IRAM + initialised RAM). */
  image: number;
  flash: number;
  iram: number;
  dram: number;
  ram: number;
  /** Library members the module alone made the linker include, with their bytes. */
  helpers: Array<{ member: string; bytes: number }>;
}

function emptyCost(): Cost {
  return { image: 0, flash: 0, iram: 0, dram: 0, ram: 0, helpers: [] };
}

function add(cost: Cost, region: Regions[string] | undefined, bytes: number): void {
  if (!region) return;
  cost[region] += bytes;
  if (region !== "ram") cost.image += bytes;
}

/** The files a module owns in the image: its own (`ours`), and every library member included
 *  because of a reference from a file it owns. */
export function ownedFiles(map: LinkMap, ours: (file: string) => boolean): Set<string> {
  const owned = new Set<string>();
  for (const e of map.entries) if (ours(e.file)) owned.add(e.file);
  let grew = true;
  while (grew) {
    grew = false;
    for (const [member, by] of map.includedBy) {
      if (!owned.has(member) && (owned.has(by) || ours(by))) {
        owned.add(member);
        grew = true;
      }
    }
  }
  return owned;
}

/** A member of a library from outside the firmware's own sources (the SDK's or the toolchain's
 *  libgcc, libc): the linker names it by an absolute path. */
const isOutsideLibraryMember = (file: string): boolean => file.startsWith("/") && /\.a\([^)]*\)$/.test(file);

/** Bytes per file and region ("file\0region"). */
function bytesByFile(map: LinkMap, regions: Regions): Map<string, number> {
  const bytes = new Map<string, number>();
  for (const e of map.entries) {
    const key = `${e.file}\0${regions[e.output]}`;
    if (regions[e.output]) bytes.set(key, (bytes.get(key) ?? 0) + e.bytes);
  }
  return bytes;
}

/** What the module whose files `ours` matches costs in the linked image. Its library helpers:
 *  with `baseline` (the same firmware linked without the module), every SDK or toolchain library
 *  member that takes more bytes than there (a member the baseline includes but whose sections
 *  --gc-sections dropped there counts too); without it, the members the map says the module's
 *  references made the linker include. */
export function moduleCost(map: LinkMap, ours: (file: string) => boolean, regions: Regions, baseline?: LinkMap): Cost {
  const cost = emptyCost();
  const helpers = new Map<string, number>();
  const owned = baseline ? new Set<string>() : ownedFiles(map, ours);
  for (const e of map.entries) {
    if (!ours(e.file) && !owned.has(e.file)) continue;
    add(cost, regions[e.output], e.bytes);
    if (!ours(e.file) && regions[e.output] && regions[e.output] !== "ram") helpers.set(e.file, (helpers.get(e.file) ?? 0) + e.bytes);
  }
  if (baseline) {
    const before = bytesByFile(baseline, regions);
    for (const [key, bytes] of bytesByFile(map, regions)) {
      const [file, region] = key.split("\0") as [string, Regions[string]];
      const grown = bytes - (before.get(key) ?? 0);
      if (ours(file) || !isOutsideLibraryMember(file) || grown <= 0) continue;
      add(cost, region, grown);
      if (region !== "ram") helpers.set(file, (helpers.get(file) ?? 0) + grown);
    }
  }
  cost.helpers = [...helpers].map(([member, bytes]) => ({ member, bytes })).sort((a, b) => b.bytes - a.bytes);
  return cost;
}

/** The whole image by region: the output sections' sizes. */
export function imageTotals(map: LinkMap, regions: Regions): Cost {
  const cost = emptyCost();
  for (const [name, size] of map.outputs) add(cost, regions[name], size);
  return cost;
}

/** Image `after` minus image `before`, region by region. */
export function imageDelta(before: LinkMap, after: LinkMap, regions: Regions): Cost {
  const a = imageTotals(before, regions);
  const b = imageTotals(after, regions);
  return { image: b.image - a.image, flash: b.flash - a.flash, iram: b.iram - a.iram, dram: b.dram - a.dram, ram: b.ram - a.ram, helpers: [] };
}

/** A member's short name: "libgcc.a(_moddi3.o)" for ".../libgcc.a(_moddi3.o)". */
export function memberName(file: string): string {
  return file.replace(/^.*\//, "");
}
