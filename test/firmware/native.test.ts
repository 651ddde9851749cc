// The native engine's build step and runtime (tools/firmware/native.ts, firmware/native): what the
// rewrite of wasm2c's output does and refuses, that the engine's call graph has no recursion (the
// native engine runs without a stack-depth counter), and what the lx106 objects need from outside
// (no 64-bit helpers, no allocator, no signals, no mmap).
import { execFileSync } from "node:child_process";
import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { callGraph, exportsCalled, findCycle, rewrite } from "../../tools/firmware/native.js";

const ROOT = join(import.meta.dirname, "../..");
const NATIVE = join(ROOT, "build/firmware/native");
const tmp = mkdtempSync(join(tmpdir(), "wasmqtt-native-test-"));

/** wasm2c's unchanged output for a module in the text format. */
function wasm2c(wat: string): { c: string; h: string } {
  writeFileSync(join(tmp, "m.wat"), wat);
  execFileSync("wat2wasm", [join(tmp, "m.wat"), "-o", join(tmp, "m.wasm")]);
  execFileSync("wasm2c", [join(tmp, "m.wasm"), "-n", "engine", "-o", join(tmp, "engine_native.c")]);
  return { c: readFileSync(join(tmp, "engine_native.c"), "utf8"), h: readFileSync(join(tmp, "engine_native.h"), "utf8") };
}

/** Symbols an lx106 object leaves undefined. */
function undefinedSymbols(object: string): string[] {
  return execFileSync("xtensa-lx106-elf-nm", ["-u", object], { encoding: "utf8" }).split("\n").map((l) => l.trim().split(/\s+/).pop()!).filter(Boolean);
}

beforeAll(() => {
  execFileSync("make", ["-s", "-C", join(ROOT, "firmware"), "../build/firmware/native/lx106/engine_native.o"], { stdio: ["ignore", "inherit", "inherit"] });
}, 120_000);

describe("the rewrite of wasm2c's output", () => {
  const generated = readFileSync(join(NATIVE, "engine_native.c"), "utf8");

  it("finds the engine's call graph free of cycles: no recursion, so no stack-depth counter is needed", () => {
    const graph = callGraph(generated);
    expect(graph.size).toBeGreaterThan(40);                        // every function of the engine
    expect([...graph.values()].some((calls) => calls.size > 0)).toBe(true);
    expect(findCycle(graph)).toBeNull();
    expect(readFileSync(join(NATIVE, "engine_native.h"), "utf8")).toContain("#define WASM_RT_USE_STACK_DEPTH_COUNT 0");
  });

  it("leaves no 64-bit address arithmetic: every load and store takes a 32-bit address and a constant offset", () => {
    expect(generated).not.toMatch(/\(&instance->w2c_\w+, \(u64\)/);
    const accesses = [...generated.matchAll(/\bw32_i32_(load|store)\w*\(&instance->w2c_memory, w2c_\w+, \d+u/g)];
    expect(accesses.length).toBeGreaterThan(200);                 // the engine's own accesses (error texts are calls)
    expect(generated).toContain('#include "native_access.h"');
  });

  it("bakes the engine's memory size (its high-water mark with io) into the generated header", () => {
    const h = readFileSync(join(NATIVE, "engine_native.h"), "utf8");
    const memory = Number(/#define W2C_MEMORY_BYTES (\d+)u/.exec(h)![1]);
    expect(memory).toBeLessThan(65536);
    expect(memory % 8).toBe(0);
    expect(h).toMatch(/#define W2C_IO_BYTES \d+u/);
  });

  it("keeps exactly the exports the firmware's backend calls (the codec's test exports cost no flash)", () => {
    const called = exportsCalled(readFileSync(join(ROOT, "firmware/native/native_engine.c"), "utf8"));
    expect(called).toContain("received");
    const kept = [...generated.matchAll(/^\/\* export: '(\w+)' \*\//gm)].map((m) => m[1]);
    expect(kept.sort()).toEqual([...called].sort());
    expect(generated).not.toContain("Z_engineZ_codec_parse(");
  });

  it("refuses a module without an export the firmware calls", () => {
    const { c, h } = wasm2c(`(module (memory 1) (func (export "tick") (param i32) (result i32) (i32.const 0)))`);
    expect(rewrite(c, h, 64, 16, new Set(["tick"])).c).toContain("Z_engineZ_tick(");
    expect(() => rewrite(c, h, 64, 16, new Set(["tick", "received"]))).toThrow(/lacks the export\(s\) the firmware calls: received/);
  });

  it("refuses a module that recurses, naming the cycle", () => {
    const { c, h } = wasm2c(`(module (memory 1)
      (func $even (param i32) (result i32) (if (result i32) (local.get 0) (then (call $odd (i32.sub (local.get 0) (i32.const 1)))) (else (i32.const 1))))
      (func $odd (param i32) (result i32) (if (result i32) (local.get 0) (then (call $even (i32.sub (local.get 0) (i32.const 1)))) (else (i32.const 0))))
      (export "even" (func $even)))`);
    expect(() => rewrite(c, h, 64, 16)).toThrow(/call graph has a cycle \(w2c_\w+ -> w2c_\w+ -> w2c_\w+\)/);
  });

  it("refuses a module with indirect calls", () => {
    const { c, h } = wasm2c(`(module (memory 1) (type $t (func (result i32))) (table 1 funcref)
      (func $one (result i32) (i32.const 1)) (elem (i32.const 0) $one)
      (func (export "f") (result i32) (call_indirect (type $t) (i32.const 0))))`);
    expect(() => rewrite(c, h, 64, 16)).toThrow(/indirect calls/);
  });

  it("refuses output of another shape instead of compiling it unchecked", () => {
    const { c, h } = wasm2c(`(module (memory 1) (func (export "f") (param i32) (result i32) (i32.load offset=4 (local.get 0))))`);
    expect(rewrite(c, h, 64, 16).c).toMatch(/w32_i32_load\(&instance->w2c_\w+, w2c_i0, 4u\)/);
    expect(() => rewrite(c.replace("uint64_t", "uint32_t"), h, 64, 16)).toThrow(/RANGE_CHECK: 0 matches/);
  });
});

describe("the native engine's lx106 objects", () => {
  const FORBIDDEN = /^(__\w*di3|__\w*di2|malloc|calloc|realloc|free|mmap|munmap|signal|sigaction|raise|abort|__assert\w*|floor\w*|ceil\w*|sqrt\w*)$/;

  it("need no 64-bit helpers, allocator, signals, mmap or asserts (generated code and runtime)", () => {
    const flags = ["--specs=/usr/lib/xtensa-lx106-elf/picolibc.specs", "-std=c11", "-Wall", "-Wextra", "-Werror", "-Os",
      "-I" + join(ROOT, "firmware/engine"), "-I" + join(ROOT, "firmware/native"), "-I" + join(ROOT, "firmware/vm"), "-I" + NATIVE, "-c"];
    const objects = [join(NATIVE, "lx106/engine_native.o")];
    for (const name of ["native_rt", "native_engine"]) {
      const object = join(tmp, `${name}.o`);
      execFileSync("xtensa-lx106-elf-gcc", [...flags, "-o", object, join(ROOT, `firmware/native/${name}.c`)]);
      objects.push(object);
    }
    const needed = objects.flatMap(undefinedSymbols);
    expect(needed).toContain("memset");                            // the check sees real references
    expect(needed.filter((s) => FORBIDDEN.test(s))).toEqual([]);
  });
});
