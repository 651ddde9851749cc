// `wasmqtt vm run`: what a user of the interpreter's CLI sees — results, trap names, fuel,
// a memory limit below one page, aligned-reads mode, invalid modules, host import checks —
// and that the ASan/UBSan build of the same tool runs the same calls clean.
// Modules are written in the text format here and assembled with wabt's wat2wasm.
import { beforeAll, describe, expect, it } from "vitest";
import { compileModules, vmRun } from "./cli-run.js";
import { spawnSync } from "node:child_process";
import { writeFileSync } from "node:fs";
import { join, resolve } from "node:path";

const ROOT = resolve(import.meta.dirname, "../..");
const NOFLOAT = join(ROOT, "build/firmware/wasm-vm-nofloat");

const MODULES: Record<string, string> = {
  calc: `(module
    (func $fib (export "fib") (param i32) (result i32)
      (if (result i32) (i32.lt_u (local.get 0) (i32.const 2)) (then (local.get 0))
        (else (i32.add (call $fib (i32.sub (local.get 0) (i32.const 1)))
                       (call $fib (i32.sub (local.get 0) (i32.const 2)))))))
    (func (export "sum") (param i32) (result i64) (local i64)
      (block (loop
        (br_if 1 (i32.eqz (local.get 0)))
        (local.set 1 (i64.add (local.get 1) (i64.extend_i32_u (local.get 0))))
        (local.set 0 (i32.sub (local.get 0) (i32.const 1)))
        (br 0)))
      (local.get 1))
    (func (export "neg64") (param i64) (result i64) (i64.sub (i64.const 0) (local.get 0)))
    (func (export "divmod") (param i32 i32) (result i32 i32)
      (i32.div_s (local.get 0) (local.get 1)) (i32.rem_s (local.get 0) (local.get 1)))
    (func (export "hyp") (param f64 f64) (result f64)
      (f64.sqrt (f64.add (f64.mul (local.get 0) (local.get 0)) (f64.mul (local.get 1) (local.get 1)))))
    (func (export "half") (param f32) (result f32) (f32.mul (local.get 0) (f32.const 0.5)))
    (func (export "crc32") (param $n i32) (result i32) (local $c i32) (local $i i32) (local $k i32)
      (local.set $c (i32.const -1))
      (block (loop
        (br_if 1 (i32.ge_u (local.get $i) (local.get $n)))
        (local.set $c (i32.xor (local.get $c) (i32.and (local.get $i) (i32.const 255))))
        (local.set $k (i32.const 8))
        (block (loop
          (br_if 1 (i32.eqz (local.get $k)))
          (local.set $c (i32.xor (i32.shr_u (local.get $c) (i32.const 1))
            (i32.and (i32.const 0xedb88320) (i32.sub (i32.const 0) (i32.and (local.get $c) (i32.const 1))))))
          (local.set $k (i32.sub (local.get $k) (i32.const 1)))
          (br 0)))
        (local.set $i (i32.add (local.get $i) (i32.const 1)))
        (br 0)))
      (i32.xor (local.get $c) (i32.const -1)))
    (func $spin (export "spin") (loop (br 0)))
  )`,
  traps: `(module
    (type $v (func))
    (type $i (func (result i32)))
    (memory 1)
    (table 3 funcref)
    (elem (i32.const 0) $v0 $i0)
    (func $v0)
    (func $i0 (result i32) (i32.const 7))
    (func (export "unreachable") (unreachable))
    (func (export "oob") (result i32) (i32.load (i32.const 65535)))
    (func (export "div0") (result i32) (i32.div_u (i32.const 1) (i32.const 0)))
    (func (export "overflow") (result i32) (i32.div_s (i32.const 0x80000000) (i32.const -1)))
    (func (export "conversion") (result i32) (i32.trunc_f32_s (f32.const nan)))
    (func (export "mismatch") (result i32) (call_indirect (type $i) (i32.const 0)))
    (func (export "uninitialized") (call_indirect (type $v) (i32.const 2)))
    (func (export "undefined") (call_indirect (type $v) (i32.const 9)))
    (func $deep (export "recurse") (call $deep))
    (func (export "indirect_ok") (result i32) (call_indirect (type $i) (i32.const 1)))
  )`,
  small: `(module
    (memory 1)
    (func (export "load") (param i32) (result i32) (i32.load8_u (local.get 0)))
    (func (export "store") (param i32 i32) (i32.store8 (local.get 0) (local.get 1)))
    (func (export "grow") (param i32) (result i32) (memory.grow (local.get 0)))
    (func (export "size") (result i32) (memory.size))
    (func (export "roundtrip") (param i32 i32) (result i32)
      (i32.store8 (local.get 0) (local.get 1)) (i32.load8_u (local.get 0)))
  )`,
  host_ok: `(module
    (import "env" "add_i32" (func $add (param i32 i32) (result i32)))
    (func (export "twice_sum") (param i32 i32) (result i32)
      (i32.mul (call $add (local.get 0) (local.get 1)) (i32.const 2))))`,
  host_bad_sig: `(module
    (import "env" "add_i32" (func $add (param i64 i64) (result i64)))
    (func (export "f") (result i64) (call $add (i64.const 1) (i64.const 2))))`,
  host_missing: `(module (import "env" "nowhere" (func)) (func (export "f")))`,
  host_fail: `(module (import "env" "fail" (func $f)) (func (export "f") (call $f)))`,
  type_mismatch: `(module (func (export "f") (result i32) (i64.const 1)))`,
  // a forward branch over 40 000 bytes of code: more than the compact side table spans
  far_branch: `(module (func (export "f") (param i32) (result i32)
    (block (br_if 0 (local.get 0)) ${"(nop)".repeat(40000)}) (i32.const 1)))`,
  near_branch: `(module (func (export "f") (param i32) (result i32)
    (block (br_if 0 (local.get 0)) ${"(nop)".repeat(30000)}) (i32.const 1)))`,
  // a -> b -> c and a -> c: three frames deep, a few values each
  chain: `(module
    (func $c (param i32) (result i32) (local i32 i32) (i32.add (local.get 0) (i32.const 1)))
    (func $b (param i32) (result i32) (call $c (i32.mul (local.get 0) (i32.const 2))))
    (func (export "a") (param i32) (result i32) (i32.add (call $b (local.get 0)) (call $c (local.get 0)))))`,
};

const { file, compile } = compileModules("wasmqtt-vm-", MODULES, ["--no-check"]);
const run = vmRun;
beforeAll(() => {
  compile();
  writeFileSync(file("garbage"), Buffer.from("not a wasm module at all"));
  // a valid header followed by a type section that claims more bytes than the file has
  writeFileSync(file("truncated"), Buffer.from([0, 0x61, 0x73, 0x6d, 1, 0, 0, 0, 1, 0x20, 1, 0x60]));
});

describe("vm run: results", () => {
  it("computes integer results, signed, one per line", () => {
    expect(run([file("calc"), "fib", "20"])).toMatchObject({ code: 0, out: ["6765"] });
    expect(run([file("calc"), "sum", "100000"]).out).toEqual(["5000050000"]);
    expect(run([file("calc"), "neg64", "9223372036854775807"]).out).toEqual(["-9223372036854775807"]);
    expect(run([file("calc"), "divmod", "-7", "2"]).out).toEqual(["-3", "-1"]);
    expect(run([file("calc"), "crc32", "256"]).out).toEqual([String(crc32Counting(256) | 0)]);
  });

  it("takes and prints f32/f64 in decimal", () => {
    expect(run([file("calc"), "hyp", "3", "4"]).out).toEqual(["5"]);
    expect(run([file("calc"), "half", "3"]).out).toEqual(["1.5"]);
  });

  it("rejects arguments that do not fit the parameter type", () => {
    const r = run([file("calc"), "fib", "abc"]);
    expect(r.code).not.toBe(0);
    expect(r.err).toMatch(/argument 1 \('abc'\) is not a valid/);
    expect(run([file("calc"), "fib"]).err).toMatch(/takes 1 argument\(s\), 0 given/);
    expect(run([file("calc"), "nosuch"]).err).toMatch(/no exported function 'nosuch'/);
  });
});

describe("vm run: traps", () => {
  const cases: [string, string][] = [
    ["unreachable", "unreachable"],
    ["oob", "out_of_bounds"],
    ["div0", "div_by_zero"],
    ["overflow", "int_overflow"],
    ["conversion", "invalid_conversion"],
    ["mismatch", "indirect_mismatch"],
    ["uninitialized", "uninitialized_element"],
    ["undefined", "undefined_element"],
    ["recurse", "stack_exhausted"],
  ];
  for (const [fn, name] of cases) {
    it(`${fn} traps with ${name} and a non-zero exit`, () => {
      const r = run([file("traps"), fn]);
      expect(r.code).toBe(3);
      expect(r.out).toEqual([`trap: ${name}`]);
    });
  }

  it("the same table call with the right type works", () => {
    expect(run([file("traps"), "indirect_ok"]).out).toEqual(["7"]);
  });

  it("a host function's failure is a trap", () => {
    expect(run([file("host_fail"), "f"])).toMatchObject({ code: 3, out: ["trap: host_error"] });
  });
});

describe("vm run: fuel", () => {
  it("stops an endless loop with fuel_exhausted", () => {
    expect(run([file("calc"), "spin", "--fuel", "100000"])).toMatchObject({ code: 3, out: ["trap: fuel_exhausted"] });
  });

  it("finishes when the budget suffices and reports the steps used", () => {
    const r = run([file("calc"), "fib", "15", "--stats"]);
    const steps = Number(/steps (\d+)/.exec(r.err)?.[1]);
    expect(steps).toBeGreaterThan(1000);
    expect(run([file("calc"), "fib", "15", "--fuel", String(steps)]).out).toEqual(["610"]);
    expect(run([file("calc"), "fib", "15", "--fuel", String(steps - 1)]).out).toEqual(["trap: fuel_exhausted"]);
  });
});

describe("vm run: stacks sized from the module (WASM_VM_FROM_MODULE)", () => {
  const FROM_MODULE = "4294967295";
  it("a module whose call graph validation can bound runs in stacks sized for it", () => {
    expect(run([file("chain"), "a", "5", "--value-slots", FROM_MODULE, "--call-depth", FROM_MODULE]).out).toEqual(["17"]);
  });

  it("stacks smaller than the module needs trap stack_exhausted instead of overrunning", () => {
    expect(run([file("chain"), "a", "5", "--value-slots", "3", "--call-depth", "2"]).out).toEqual(["trap: stack_exhausted"]);
  });
});

describe("vm run: memory limit below one page", () => {
  const lim = ["--memory-limit", "16384"];
  it("accesses inside the limit work, beyond it trap", () => {
    expect(run([file("small"), "roundtrip", "16383", "77", ...lim]).out).toEqual(["77"]);
    expect(run([file("small"), "load", "16384", ...lim]).out).toEqual(["trap: out_of_bounds"]);
    // without the limit the same address is inside the declared page
    expect(run([file("small"), "load", "16384"]).out).toEqual(["0"]);
  });

  it("memory.grow beyond the limit returns -1, and memory.size still says one page", () => {
    expect(run([file("small"), "grow", "1", ...lim]).out).toEqual(["-1"]);
    expect(run([file("small"), "grow", "0", ...lim]).out).toEqual(["1"]);
    expect(run([file("small"), "size", ...lim]).out).toEqual(["1"]);
    expect(run([file("small"), "grow", "1", "--memory-limit", "131072"]).out).toEqual(["1"]);
  });

  it("--stats shows the arena with the limited memory", () => {
    const r = run([file("small"), "size", "--stats", ...lim]);
    expect(r.err).toMatch(/linear memory 16384\b/);
    expect(r.err).toMatch(/peak C stack \d+ bytes/);
  });
});

describe("vm run: aligned-reads mode", () => {
  const calls: string[][] = [
    ["calc", "fib", "18"], ["calc", "sum", "5000"], ["calc", "crc32", "1000"], ["calc", "divmod", "100", "-7"],
    ["calc", "hyp", "1.5", "2"], ["traps", "oob"], ["traps", "mismatch"], ["small", "roundtrip", "5", "300"],
  ];
  it("gives identical results and traps", () => {
    for (const [m, ...rest] of calls) {
      const plain = run([file(m), ...rest]);
      const aligned = run([file(m), ...rest, "--aligned-reads"]);
      expect(aligned.out, `${m} ${rest.join(" ")}`).toEqual(plain.out);
      expect(aligned.code).toBe(plain.code);
    }
  });
});

describe("vm run: invalid modules and imports", () => {
  it("a type error gives the validation message and exit 2", () => {
    const r = run([file("type_mismatch"), "f"]);
    expect(r.code).toBe(2);
    expect(r.err).toMatch(/invalid module: type mismatch \(invalid at byte \d+\)/);
  });

  it("bytes that are not wasm say so", () => {
    expect(run([file("garbage"), "f"])).toMatchObject({ code: 2 });
    expect(run([file("garbage"), "f"]).err).toMatch(/magic header not detected/);
    expect(run([file("truncated"), "f"]).err).toMatch(/invalid module: (length out of bounds|unexpected end)/);
  });

  it("a branch longer than the side table can span is refused with a clear message", () => {
    const far = run([file("far_branch"), "f", "1"]);
    expect(far.code).toBe(2);
    expect(far.err).toMatch(/function too large: a branch spans more than 32 KiB/);
    expect(run([file("near_branch"), "f", "1"]).out).toEqual(["1"]);
    expect(run([file("near_branch"), "f", "0"]).out).toEqual(["1"]);
  });

  it("host imports are checked by name and signature", () => {
    expect(run([file("host_ok"), "twice_sum", "2", "3"]).out).toEqual(["10"]);
    const bad = run([file("host_bad_sig"), "f"]);
    expect(bad.code).toBe(2);
    expect(bad.err).toMatch(/link error: env\.add_i32: incompatible import type \(host function signature\)/);
    expect(run([file("host_missing"), "f"]).err).toMatch(/link error: env\.nowhere: unknown import/);
  });

  it("the floats-off build (as on the lx106) rejects float modules clearly and runs the rest", () => {
    const f = spawnSync(NOFLOAT, ["run", file("calc"), "fib", "10"], { encoding: "utf8" });
    expect(f.status).toBe(2);
    expect(f.stderr).toMatch(/floating point not supported in this build \(WASM_VM_FLOAT=0\)/);
    const i = spawnSync(NOFLOAT, ["run", file("traps"), "div0"], { encoding: "utf8" });
    expect(i.stderr).toMatch(/floating point not supported/); // traps.wat uses f32 too
    const s = spawnSync(NOFLOAT, ["run", file("small"), "roundtrip", "9", "4"], { encoding: "utf8" });
    expect(s.stdout.trim()).toBe("4");
  });
});

describe("vm run: ASan/UBSan build", () => {
  it("runs every behaviour above clean, with the same answers", () => {
    const calls: string[][] = [
      ["calc", "fib", "15"], ["calc", "crc32", "300"], ["calc", "hyp", "3", "4"], ["calc", "spin", "--fuel", "5000"],
      ...["unreachable", "oob", "div0", "overflow", "conversion", "mismatch", "uninitialized", "undefined", "recurse"].map((f) => ["traps", f]),
      ["small", "load", "16384", "--memory-limit", "16384"], ["small", "grow", "1", "--memory-limit", "100"],
      ["type_mismatch", "f"], ["garbage", "f"], ["truncated", "f"], ["host_bad_sig", "f"], ["host_ok", "twice_sum", "1", "2"],
    ];
    for (const aligned of [[], ["--aligned-reads"]]) {
      for (const [m, ...rest] of calls) {
        const plain = run([file(m), ...rest]);
        const san = run([file(m), ...rest, "--sanitized", ...aligned]);
        expect(san.err, `${m} ${rest.join(" ")}`).not.toMatch(/AddressSanitizer|runtime error|LeakSanitizer/);
        expect(san.out).toEqual(plain.out);
        expect(san.code).toBe(plain.code);
      }
    }
  });
});

// CRC-32 of the bytes 0,1,2,...,n-1 (mod 256), as the wasm computes it.
function crc32Counting(n: number): number {
  let c = 0xffffffff;
  for (let i = 0; i < n; i++) {
    c ^= i & 255;
    for (let k = 0; k < 8; k++) c = (c >>> 1) ^ (0xedb88320 & -(c & 1));
  }
  return (c ^ 0xffffffff) >>> 0;
}
