// The ABI table (abi/abi.json) is the only definition: every generated copy matches it, and the
// engine that was built has exactly the exports and imports it lists.
import { describe, it, expect } from "vitest";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { engineModule, instantiate, packageRoot } from "../../host/engine/index.js";
import { ERR, errorText } from "../../host/engine/abi_table.js";

interface Table {
  errors: { unknown: string; codes: Array<{ name: string; value: number; kind: string; text: string }> };
  exports: Array<{ name: string; params: string[]; result: boolean; firmware: boolean }>;
  imports: Array<{ name: string; params: string[] }>;
}

const root = packageRoot();
const gen = await import(join(root, "abi", "generate.mjs"));
const table: Table = gen.loadTable(root);

describe("the generated files", () => {
  const files: Record<string, string> = gen.generate(table);

  it.each(Object.keys(files))("%s is what abi/abi.json gives", (path) => {
    let onDisk = "";
    try {
      onDisk = readFileSync(join(root, path), "utf8");
    } catch {}
    if (onDisk !== files[path]) expect.fail(`${path} is stale or missing: run ${gen.COMMAND}`);
    expect(onDisk.split("\n", 3).join("\n")).toMatch(/Generated from abi\/abi\.json by abi\/generate\.mjs: do not edit/);
  });

  it("a table that would generate wrong code is refused, naming the entry", () => {
    const copy = (): Table & Record<string, unknown> => JSON.parse(JSON.stringify(table));
    const twice = copy();
    twice.errors.codes[1].value = twice.errors.codes[0].value;
    expect(() => gen.generate(twice)).toThrow(/errors has value 1 twice/);
    const accented = copy();
    accented.errors.codes[0].text = "café";
    expect(() => gen.generate(accented)).toThrow(/printable ASCII/);
    const negative = copy();
    negative.errors.codes[0].value = -3;
    expect(() => gen.generate(negative)).toThrow(/must be positive/);
  });
});

describe("build/engine.wasm against the table", () => {
  it("exports exactly the table's exports, each with its parameter count", () => {
    const exported = WebAssembly.Module.exports(engineModule()).filter((x) => x.kind === "function").map((x) => x.name);
    expect(exported.sort()).toEqual(table.exports.map((x) => x.name).sort());
    const noop = () => {};
    const x = instantiate({ send: noop, release: noop, event: noop, message: noop }) as unknown as Record<string, (...a: number[]) => number>;
    for (const e of table.exports) expect({ name: e.name, params: x[e.name].length }).toEqual({ name: e.name, params: e.params.length });
  });

  it("imports exactly the table's imports from env", () => {
    const imported = WebAssembly.Module.imports(engineModule()).map((x) => `${x.module}.${x.name}`);
    expect(imported.sort()).toEqual(table.imports.map((x) => `env.${x.name}`).sort());
  });
});

describe("error texts", () => {
  it("every code has its text on the Node host, and other numbers say they are unknown", () => {
    for (const c of table.errors.codes) expect(errorText(c.value)).toBe(c.text);
    expect(errorText(ERR.TOPIC_WILDCARD)).toBe("topic name contains a wildcard (+ or #)");
    for (const code of [0, -1, 39, 1000]) expect(errorText(code)).toBe(table.errors.unknown);
  });
});
