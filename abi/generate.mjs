// Writes every copy of the engine ABI's numbers from abi/abi.json: the AssemblyScript constants,
// the Node host's constants and texts, the firmware's C header and text table, docs/abi-table.md.
//   node abi/generate.mjs           write the files that differ (scripts/build.sh runs it first)
//   node abi/generate.mjs --check   list the stale ones and exit 1 (test/abi does the same)
// Plain Node, no dependencies: it runs before anything is compiled.
import { readFileSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

export const ROOT = join(dirname(fileURLToPath(import.meta.url)), "..");
export const COMMAND = "node abi/generate.mjs";
const SOURCE = "abi/abi.json";

export function loadTable(root = ROOT) {
  return JSON.parse(readFileSync(join(root, SOURCE), "utf8"));
}

/** The generated files: relative path -> content. */
export function generate(table) {
  check(table);
  return {
    "assembly/abi_table.ts": assemblyScript(table),
    "host/engine/abi_table.ts": typeScript(table),
    "firmware/engine/mqtt_engine_abi.h": cHeader(table),
    "firmware/engine/engine_exports.h": cExports(table),
    "firmware/engine/engine_error_texts.h": cTexts(table),
    "docs/abi-table.md": markdown(table),
  };
}

/** Paths whose content on disk differs from what the table gives. */
export function stale(root = ROOT) {
  const files = generate(loadTable(root));
  return Object.keys(files).filter((path) => {
    try {
      return readFileSync(join(root, path), "utf8") !== files[path];
    } catch {
      return true;
    }
  });
}

// --- checks: a table that would generate wrong code is refused here -----------------------------

function check(table) {
  const ids = new Set();
  const unique = (what, values, key) => {
    const seen = new Set();
    for (const v of values) {
      if (seen.has(v[key])) throw new Error(`${SOURCE}: ${what} has ${key} ${v[key]} twice`);
      seen.add(v[key]);
    }
  };
  for (const g of [...table.groups, table.errors]) {
    for (const v of g.values ?? g.codes) {
      if (!/^[A-Z][A-Z0-9_]*$/.test(v.name) || !Number.isInteger(v.value)) throw new Error(`${SOURCE}: bad entry ${JSON.stringify(v)}`);
    }
  }
  for (const g of table.groups) {
    if (ids.has(g.id)) throw new Error(`${SOURCE}: group ${g.id} twice`);
    ids.add(g.id);
    unique(g.id, g.values, "name");
  }
  unique("errors", table.errors.codes, "name");
  unique("errors", table.errors.codes, "value");
  for (const e of table.errors.codes) {
    if (e.value <= 0) throw new Error(`${SOURCE}: error ${e.name} must be positive (calls return -code)`);
    if (!(e.kind in table.errors.kinds)) throw new Error(`${SOURCE}: error ${e.name} has unknown kind ${e.kind}`);
    ascii(e.text);
  }
  ascii(table.errors.unknown);
  for (const lang of ["as", "ts", "c"]) {
    const names = [...table.groups, table.errors].flatMap((g) => (g.values ?? g.codes).map((v) => ({ name: g.names[lang] + v.name })));
    unique(`${lang} names`, names, "name");
  }
  unique("exports", table.exports, "name");
  unique("imports", table.imports, "name");
}

function ascii(text) {
  if (typeof text !== "string" || text === "" || !/^[\x20-\x7e]*$/.test(text)) throw new Error(`${SOURCE}: error texts must be printable ASCII: ${JSON.stringify(text)}`);
  if (/[\\"*]/.test(text)) throw new Error(`${SOURCE}: keep \\, " and * out of error texts (they would need escaping in C and comments): ${text}`);
}

const header = (comment) => `${comment} Generated from ${SOURCE} by abi/generate.mjs: do not edit (change the table, then ${COMMAND}).`;
const byValue = (codes) => [...codes].sort((a, b) => a.value - b.value);

/** Error codes in order, with "kind" ranges for comments: packet 1..30, ... */
function ranges(errors) {
  const out = [];
  for (const e of byValue(errors.codes)) {
    const last = out[out.length - 1];
    if (last && last.kind === e.kind) last.to = e.value;
    else out.push({ kind: e.kind, from: e.value, to: e.value });
  }
  return out.map((r) => `${r.from === r.to ? r.from : `${r.from}..${r.to}`} ${errors.kinds[r.kind]}`);
}

// --- AssemblyScript -----------------------------------------------------------------------------

function assemblyScript(table) {
  const lines = [header("//"), "// The engine's side of the ABI's numbers (docs/abi.md); the exports are in abi.ts.", ""];
  for (const g of table.groups) {
    lines.push(`// ${g.title}`);
    for (const v of g.values) lines.push(`export const ${g.names.as}${v.name}: i32 = ${v.value}; // ${v.doc}`);
    lines.push("");
  }
  const e = table.errors;
  lines.push(`// ${e.title}:`, ...ranges(e).map((r) => `//   ${r}`));
  for (const c of byValue(e.codes)) lines.push(`export const ${e.names.as}${c.name}: i32 = ${c.value};`);
  return lines.join("\n") + "\n";
}

// --- TypeScript (Node host) ---------------------------------------------------------------------

function typeScript(table) {
  const lines = [header("//"), "// The Node host's side of the ABI's numbers and the error texts (docs/abi.md).", ""];
  for (const g of table.groups) {
    lines.push(`/** ${g.title}. */`, `export const ${g.names.ts} = {`);
    for (const v of g.values) lines.push(`  /** ${v.doc} */`, `  ${v.name}: ${v.value},`);
    lines.push("} as const;", "");
  }
  const e = table.errors;
  lines.push(`/** ${e.title}: ${ranges(e).join("; ")}. */`, `export const ${e.names.ts} = {`);
  for (const c of byValue(e.codes)) lines.push(`  ${c.name}: ${c.value},`);
  lines.push("} as const;", "");
  lines.push("const ERROR_TEXTS: Readonly<Record<number, string>> = {");
  for (const c of byValue(e.codes)) lines.push(`  ${c.value}: ${JSON.stringify(c.text)},`);
  lines.push("};", "");
  lines.push("/** The text of an error code (what was wrong), the same on every host. */");
  lines.push("export function errorText(code: number): string {");
  lines.push(`  return ERROR_TEXTS[code] ?? ${JSON.stringify(e.unknown)};`);
  lines.push("}", "");
  lines.push("/** The engine's exports (all values i32). */", "export interface EngineExports {", "  memory: WebAssembly.Memory;");
  for (const x of table.exports) {
    lines.push(`  /** ${x.doc} */`, `  ${x.name}(${x.params.map((p) => `${p}: number`).join(", ")}): ${x.result ? "number" : "void"};`);
  }
  lines.push("}");
  return lines.join("\n") + "\n";
}

// --- C (firmware) -------------------------------------------------------------------------------

function cEnum(title, entries) {
  const width = Math.max(...entries.map(([name, value]) => `${name} = ${value},`.length));
  const body = entries.map(([name, value, doc], i) => {
    const text = `${name} = ${value}${i < entries.length - 1 ? "," : ""}`;
    return doc ? `  ${text.padEnd(width)} /* ${doc} */` : `  ${text}`;
  });
  return [`/* ${title} */`, "enum {", ...body, "};", ""];
}

function cHeader(table) {
  const lines = [
    header("/*") + " */",
    "/* The firmware's side of the ABI's numbers (docs/abi.md); included by mqtt_engine.h. */",
    "#ifndef MQTT_ENGINE_ABI_H",
    "#define MQTT_ENGINE_ABI_H",
    "",
  ];
  for (const g of table.groups) lines.push(...cEnum(`${g.title}.`, g.values.map((v) => [`${g.names.c}${v.name}`, v.value, v.doc])));
  const e = table.errors;
  lines.push(...cEnum(`${e.title}: ${ranges(e).join("; ")}.`, byValue(e.codes).map((c) => [`${e.names.c}${c.name}`, c.value])));
  const longest = Math.max(...e.codes.map((c) => Buffer.byteLength(c.text)));
  lines.push("/* Bytes a buffer needs to hold any error text whole, its NUL included. */",
    `#define MQTT_ENGINE_ERROR_TEXT_BYTES ${longest + 1}`, "");
  lines.push("#endif");
  return lines.join("\n") + "\n";
}

/** The exports the firmware calls, by number (X_*), with their names and arities for binding. */
function cExports(table) {
  const used = table.exports.filter((x) => x.firmware);
  const id = (x) => `X_${x.name.toUpperCase()}`;
  // parameters << 1 | results, one nibble per export, eight to a word: .rodata lives in flash on
  // the ESP8266, where the chip faults on loads narrower than 32 bits
  const nibbles = used.map((x) => (x.params.length << 1) | (x.result ? 1 : 0));
  if (nibbles.some((n) => n > 15)) throw new Error(`${SOURCE}: an export the firmware calls has more than 7 parameters`);
  const words = [];
  for (let i = 0; i < nibbles.length; i += 8) {
    words.push(nibbles.slice(i, i + 8).reduce((w, n, k) => (w | (n << (k * 4))) >>> 0, 0));
  }
  const names = used.map((x) => `${x.name}\\0`).join("");
  return [
    header("/*") + " */",
    "/* The engine's exports mqtt_engine.c calls, by number; included by mqtt_engine_backend.h. */",
    "#ifndef ENGINE_EXPORTS_H",
    "#define ENGINE_EXPORTS_H",
    "",
    "enum {",
    ...used.map((x) => `  ${id(x)}, /* ${x.name}(${x.params.join(", ")})${x.result ? " -> i32" : ""} */`),
    "  X_COUNT",
    "};",
    "",
    "/* Their names, in X_* order, NUL-separated (for a string of them, no pointer per entry). */",
    `#define ENGINE_EXPORT_NAMES "${names.slice(0, -2)}"`,
    "/* Parameters << 1 | results (0 or 1) of export i: nibble i % 8 of word i / 8. */",
    `#define ENGINE_EXPORT_ARITY { ${words.map((w) => `0x${w.toString(16).padStart(8, "0")}u`).join(", ")} }`,
    "",
    "#endif",
  ].join("\n") + "\n";
}

/** The error texts for mqtt_engine.c, compressed by byte pairs: a symbol is a character (1..127),
 *  0 (end of a text) or 128 + k, pair k of two earlier symbols, found by counting the most
 *  frequent neighbours (at most 128 pairs, nested at most PAIR_DEPTH deep, so the reader's stack
 *  is a few bytes): 1.9 KB of ASCII in about 1.2 KB. Text 0 is for unknown codes, then code 1, 2,
 *  ... (empty for unused codes). */
const PAIR_DEPTH = 4;

function cTexts(table) {
  const e = table.errors;
  const texts = new Map(e.codes.map((c) => [c.value, c.text]));
  const max = Math.max(...texts.keys());
  const all = [e.unknown];
  for (let code = 1; code <= max; code++) all.push(texts.get(code) ?? "");
  let symbols = all.flatMap((t) => [...t].map((c) => c.charCodeAt(0)).concat(0));
  const pairs = [];
  const depth = new Map();
  const depthOf = (s) => depth.get(s) ?? 0;
  while (pairs.length < 2 * 128) {
    const counts = new Map();
    for (let i = 0; i + 1 < symbols.length; i++) {
      const [a, b] = [symbols[i], symbols[i + 1]];
      if (a === 0 || b === 0 || Math.max(depthOf(a), depthOf(b)) >= PAIR_DEPTH) continue;
      counts.set(a * 256 + b, (counts.get(a * 256 + b) ?? 0) + 1);
    }
    let best = -1;
    let most = 2; // a pair used twice saves nothing over its two bytes in the table
    for (const [pair, n] of counts) if (n > most || (n === most && best >= 0 && pair < best)) [best, most] = [pair, n];
    if (best < 0) break;
    const symbol = 128 + pairs.length / 2;
    const [a, b] = [best >> 8, best & 255];
    pairs.push(a, b);
    depth.set(symbol, Math.max(depthOf(a), depthOf(b)) + 1);
    const next = [];
    for (let i = 0; i < symbols.length; i++) {
      if (i + 1 < symbols.length && symbols[i] === a && symbols[i + 1] === b) {
        next.push(symbol);
        i++;
      } else next.push(symbols[i]);
    }
    symbols = next;
  }
  const bytes = [...pairs, ...symbols];
  const words = [];
  for (let i = 0; i < bytes.length; i += 4) {
    words.push(bytes.slice(i, i + 4).reduce((w, byte, k) => (w | (byte << (8 * k))) >>> 0, 0));
  }
  const hex = words.map((w) => `0x${w.toString(16).padStart(8, "0")}u`);
  const rows = [];
  for (let i = 0; i < hex.length; i += 8) rows.push(`  ${hex.slice(i, i + 8).join(", ")},`);
  return [
    header("/*") + " */",
    "/* The engine's error texts: included by mqtt_engine.c only. In a NodeMCU build <stdint.h>",
    " * defines ICACHE_RODATA_ATTR and the table stays in flash, where only aligned 32-bit loads work:",
    " * byte i is bits 8 * (i % 4) .. of word i / 4 (the lx106 is little-endian). The pairs (two bytes",
    " * each) come first, then the texts' symbols. The texts:",
    ...all.map((t, i) => ` *   ${i}: ${t === "" ? "(none)" : t}`),
    " */",
    "#ifndef ENGINE_ERROR_TEXTS_H",
    "#define ENGINE_ERROR_TEXTS_H",
    "",
    "#include <stdint.h>",
    "",
    "#ifdef ICACHE_RODATA_ATTR",
    "#define ENGINE_ERROR_TEXTS_PLACE ICACHE_RODATA_ATTR",
    "#else",
    "#define ENGINE_ERROR_TEXTS_PLACE",
    "#endif",
    "",
    `/* Codes 1..${max} have a text (none for unused ones: text 0 then); 0 and the rest read text 0. */`,
    `#define ENGINE_ERROR_CODES ${max + 1}`,
    "/* Symbol 128 + k is pair k: bytes 2k and 2k + 1; the texts start after the pairs. */",
    `#define ENGINE_ERROR_TEXT_START ${pairs.length}u`,
    "/* Pairs nest at most this deep: the reader's stack of right halves. */",
    `#define ENGINE_ERROR_TEXT_DEPTH ${PAIR_DEPTH}`,
    "",
    `static const uint32_t engine_error_texts[${words.length}] ENGINE_ERROR_TEXTS_PLACE = {`,
    ...rows,
    "};",
    "",
    "#endif",
  ].join("\n") + "\n";
}

// --- docs ---------------------------------------------------------------------------------------

function markdown(table) {
  const lines = [`<!-- ${header("").trim()} -->`, "# The engine ABI's numbers", "",
    `The table \`${SOURCE}\`, as every host sees it; what the numbers mean is [docs/abi.md](abi.md).`,
    "Names: AssemblyScript `assembly/abi_table.ts`, Node `host/engine/abi_table.ts`, C `firmware/engine/mqtt_engine_abi.h`.", ""];
  const row = (...cells) => `| ${cells.join(" | ")} |`;
  for (const g of table.groups) {
    lines.push(`## ${g.title}`, "", row("value", "AssemblyScript", "Node", "C", "meaning"), row("---", "---", "---", "---", "---"));
    for (const v of g.values) lines.push(row(v.value, `\`${g.names.as}${v.name}\``, `\`${g.names.ts}.${v.name}\``, `\`${g.names.c}${v.name}\``, v.doc));
    lines.push("");
  }
  const e = table.errors;
  lines.push(`## ${e.title}`, "", ...ranges(e).map((r) => `- ${r}`), "", row("code", "AssemblyScript", "Node", "C", "text"), row("---", "---", "---", "---", "---"));
  for (const c of byValue(e.codes)) lines.push(row(c.value, `\`${e.names.as}${c.name}\``, `\`${e.names.ts}.${c.name}\``, `\`${e.names.c}${c.name}\``, c.text));
  lines.push(row("other", "", "", "", e.unknown), "");
  lines.push("## Exports", "", row("export", "firmware", "meaning"), row("---", "---", "---"));
  for (const x of table.exports) lines.push(row(`\`${x.name}(${x.params.join(", ")})${x.result ? " -> i32" : ""}\``, x.firmware ? "yes" : "", x.doc));
  lines.push("", "## Imports (module `env`)", "", row("import", "meaning"), row("---", "---"));
  for (const x of table.imports) lines.push(row(`\`${x.name}(${x.params.join(", ")})\``, x.doc));
  return lines.join("\n") + "\n";
}

// --- command line -------------------------------------------------------------------------------

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  if (process.argv.includes("--check")) {
    const old = stale();
    if (old.length) {
      console.error(`stale, generated from ${SOURCE}: ${old.join(", ")}; run: ${COMMAND}`);
      process.exit(1);
    }
  } else {
    const files = generate(loadTable());
    for (const [path, content] of Object.entries(files)) {
      let now = null;
      try {
        now = readFileSync(join(ROOT, path), "utf8");
      } catch {}
      if (now !== content) {
        writeFileSync(join(ROOT, path), content);
        console.log(`abi: wrote ${path}`);
      }
    }
  }
}
