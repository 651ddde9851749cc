// `wasmqtt vm run` on a PC: generous stacks by default (the chip's budgets only when asked), a
// stack-exhausted trap that names the flag raising the limit, and modules using features the
// interpreter lacks (SIMD, tail calls) reported as unsupported rather than malformed.
import { spawnSync } from "node:child_process";
import { writeFileSync } from "node:fs";
import { join, resolve } from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { compileModules, vmRun } from "./cli-run.js";

const ROOT = resolve(import.meta.dirname, "../..");
const NOFLOAT = join(ROOT, "build/firmware/wasm-vm-nofloat");

const MODULES: Record<string, string> = {
  // depth(n) recurses n frames deep: an ordinary recursive program
  recursive: `(module (func $d (export "depth") (param i32) (result i32)
    (if (result i32) (i32.eqz (local.get 0)) (then (i32.const 0))
      (else (i32.add (i32.const 1) (call $d (i32.sub (local.get 0) (i32.const 1))))))))`,
  simd_ops: `(module (func (export "lane") (param i32) (result i32)
    (i32x4.extract_lane 0 (i32x4.splat (local.get 0)))))`,
  simd_type: `(module (func (export "f") (param v128) (result i32) (i32.const 1)))`,
  simd_block: `(module (func (export "f") (result i32)
    (drop (block (result v128) (unreachable))) (i32.const 1)))`,
  tail_call: `(module (func $f (export "f") (return_call $f)))`,
};

const { file, compile } = compileModules("wasmqtt-vm-budgets-", MODULES, ["--enable-all"]);
beforeAll(() => {
  compile();
  // type () -> (), one function whose body is the reserved opcode 0x27: broken, not unsupported
  writeFileSync(file("reserved_op"), Buffer.from([
    0, 0x61, 0x73, 0x6d, 1, 0, 0, 0,
    1, 4, 1, 0x60, 0, 0,
    3, 2, 1, 0,
    10, 5, 1, 3, 0, 0x27, 0x0b,
  ]));
});

describe("vm run: stacks on the host", () => {
  it("runs a 10,000-frame recursion with the default budgets, in both sanitized read modes too", () => {
    expect(vmRun([file("recursive"), "depth", "10000"])).toMatchObject({ code: 0, out: ["10000"] });
    expect(vmRun([file("recursive"), "depth", "10000", "--sanitized"]).out).toEqual(["10000"]);
    expect(vmRun([file("recursive"), "depth", "10000", "--sanitized", "--aligned-reads"]).out).toEqual(["10000"]);
  });

  it("with the chip's call depth (32 frames past the entry) depth 33 traps and the message names --call-depth", () => {
    expect(vmRun([file("recursive"), "depth", "32", "--call-depth", "32"]).out).toEqual(["32"]);
    const r = vmRun([file("recursive"), "depth", "33", "--call-depth", "32"]);
    expect(r).toMatchObject({ code: 3, out: ["trap: stack_exhausted"] });
    expect(r.err).toMatch(/call depth ran out \(32 frames\): raise it with --call-depth N/);
  });

  it("a value stack too small for the recursion names --value-slots", () => {
    const r = vmRun([file("recursive"), "depth", "1000", "--value-slots", "64"]);
    expect(r).toMatchObject({ code: 3, out: ["trap: stack_exhausted"] });
    expect(r.err).toMatch(/value stack ran out \(64 slots of 8 bytes\): raise it with --value-slots N/);
  });

  it("an endless recursion (depth -1 never reaches 0) ends in the trap at 65,536 frames, not a crash", () => {
    const r = vmRun([file("recursive"), "depth", "-1", "--sanitized"]);
    expect(r).toMatchObject({ code: 3, out: ["trap: stack_exhausted"] });
    expect(r.err).toMatch(/call depth ran out \(65536 frames\): raise it with --call-depth N/);
  });
});

describe("vm run: features the interpreter lacks are unsupported, not malformed", () => {
  it("SIMD instructions, v128 values and v128 block types", () => {
    for (const [name, fn] of [["simd_ops", "lane"], ["simd_type", "f"], ["simd_block", "f"]]) {
      const args = name === "simd_ops" ? [file(name), fn, "3"] : [file(name), fn];
      const r = vmRun(args);
      expect(r.code, name).toBe(2);
      expect(r.err, name).toMatch(/^unsupported module: SIMD.* not supported \(unsupported at byte \d+\)/);
      expect(r.err, name).not.toMatch(/malformed/);
    }
  });

  it("tail calls", () => {
    const r = vmRun([file("tail_call"), "f"]);
    expect(r.code).toBe(2);
    expect(r.err).toMatch(/unsupported module: .*tail calls.* \(unsupported at byte \d+\)/);
  });

  it("the lx106's build (floats off, aligned reads) says the same", () => {
    const r = spawnSync(NOFLOAT, ["run", file("simd_ops"), "lane", "3"], { encoding: "utf8" });
    expect(r.status).toBe(2);
    expect(r.stderr).toMatch(/unsupported module: SIMD/);
  });

  it("an opcode no proposal defines is still malformed", () => {
    const r = vmRun([file("reserved_op"), "f"]);
    expect(r.code).toBe(2);
    expect(r.err).toMatch(/invalid module: illegal opcode \(malformed at byte \d+\)/);
  });
});
