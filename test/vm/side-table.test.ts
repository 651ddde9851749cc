// The interpreter's branch side table (firmware/vm): 4 bytes per branch site, and a wide entry
// only for a branch that carries values out past values it drops. What a user sees: the right
// results for such branches (br, br_if taken and not, br_table to two depths, a loop with a
// parameter), the same in aligned-reads mode and under ASan/UBSan, and the side table's size in
// `--stats`. Modules are assembled with wabt's wat2wasm; expected values are what the
// WebAssembly semantics give (checked against Node's engine below).
import { beforeAll, describe, expect, it } from "vitest";
import { compileModules, vmRun } from "./cli-run.js";
import { readFileSync } from "node:fs";


const SITES = 1000;
const MODULES: Record<string, string> = {
  // every taken branch here keeps its result and drops the values below it
  carry: `(module
    (func (export "br_drop") (param i32) (result i32)
      (block (result i32) (i32.const 10) (i32.const 20) (local.get 0) (br 0)))
    (func (export "br_if_drop") (param i32) (result i32)
      (block (result i32) (i32.const 7) (i32.const 8) (i32.const 1) (local.get 0) (br_if 0) (drop) (drop)))
    (func (export "br_table_drop") (param i32) (result i32)
      (block (result i32)
        (block (result i32) (i32.const 100) (i32.const 200) (i32.const 5) (local.get 0) (br_table 0 1 1))
        (i32.const 1000) (i32.add)))
    (func (export "loop_drop") (param $n i32) (result i32) (local $acc i32)
      (i32.const 0)
      (loop $l (param i32) (result i32)
        (local.set $acc)
        (i32.const 555)
        (i32.add (local.get $acc) (local.get $n))
        (local.set $n (i32.sub (local.get $n) (i32.const 1)))
        (br_if $l (local.get $n))
        (local.set $acc) (drop) (local.get $acc))))`,
  // SITES branch sites that drop nothing, one if/else
  sites: `(module (func (export "f") (param i32) (result i32)
    (block ${"(br_if 0 (local.get 0))".repeat(SITES)})
    (if (result i32) (local.get 0) (then (i32.const 1)) (else (i32.const 2)))))`,
};

const CALLS: [string, string, number][] = [
  ["br_drop", "3", 3], ["br_if_drop", "1", 1], ["br_if_drop", "0", 7], ["br_table_drop", "0", 1005],
  ["br_table_drop", "1", 5], ["br_table_drop", "9", 5], ["loop_drop", "4", 10], ["loop_drop", "1", 1],
];

const { file, compile } = compileModules("wasmqtt-side-", MODULES);
const run = vmRun;
beforeAll(compile);

describe("vm side table: branches that keep values and drop others", () => {
  it("the expected values are the WebAssembly semantics (Node agrees)", () => {
    const exports = new WebAssembly.Instance(new WebAssembly.Module(readFileSync(file("carry")))).exports as
      Record<string, (x: number) => number>;
    for (const [fn, arg, want] of CALLS) expect(exports[fn](Number(arg)), `${fn}(${arg})`).toBe(want);
  });

  for (const mode of [[], ["--aligned-reads"], ["--sanitized"], ["--sanitized", "--aligned-reads"]]) {
    it(`give the right results ${mode.length ? mode.join(" ") : "(plain reads)"}`, () => {
      for (const [fn, arg, want] of CALLS) {
        const r = run([file("carry"), fn, arg, ...mode]);
        expect(r.out, `${fn}(${arg}) ${r.err}`).toEqual([String(want)]);
        expect(r.code).toBe(0);
      }
    });
  }
});

describe("vm side table: size", () => {
  const sideBytes = (name: string) => {
    const r = run([file(name), name === "sites" ? "f" : "br_drop", "0", "--stats"]);
    const m = /side table (\d+)\b/.exec(r.err);
    if (!m) throw new Error(`no side table figure in: ${r.err}`);
    return Number(m[1]);
  };

  it("is 4 bytes per branch site when no branch drops values", () => {
    // SITES br_if, the if and the else
    expect(sideBytes("sites")).toBe(4 * (SITES + 2));
    expect(run([file("sites"), "f", "0"]).out).toEqual(["2"]);
    expect(run([file("sites"), "f", "1"]).out).toEqual(["1"]);
  });

  it("adds 6 bytes (rounded to 4) per branch that drops values", () => {
    // 6 sites (br, br_if, three br_table targets, the loop's br_if), all dropping
    expect(sideBytes("carry")).toBe(4 * 6 + 36);
  });
});
