// The firmware's source lists, read from firmware/Makefile where they are kept once (the client
// core's in core/build.mk, each engine's sources, headers and flags in engine/build.mk):
// `firmware size` and `--nodemcu` take them there.
import { spawnSync } from "node:child_process";
import { join } from "node:path";

/** Variables of firmware/Makefile (the engines' source lists live there, once), each split into
 *  words; paths in them are relative to firmware/. */
export function firmwareMakeVars(root: string, names: string[]): Record<string, string[]> {
  const recipe = names.map((n) => `echo "$(${n})"`).join("; ");
  const run = spawnSync("make", ["-s", "--no-print-directory", "-C", join(root, "firmware"), "--eval",
    `wasmqtt-print-vars: ; @${recipe}`, "wasmqtt-print-vars"], { encoding: "utf8" });
  if (run.status !== 0) throw new Error(`make -C firmware could not print ${names.join(", ")}: ${(run.stderr || "").trim()}`);
  const lines = run.stdout.split("\n");
  return Object.fromEntries(names.map((n, i) => [n, (lines[i] ?? "").trim().split(/\s+/).filter(Boolean)]));
}

export type Engine = "wasm" | "native";

/** The client core's files (sources and headers with its limits, absolute paths) as
 *  core/build.mk lists them. */
export function coreFiles(root: string): string[] {
  const v = firmwareMakeVars(root, ["CORE_SRC", "CORE_HDR"]);
  if (!v.CORE_SRC.length) throw new Error("firmware/core/build.mk lists no CORE_SRC");
  return [...v.CORE_SRC, ...v.CORE_HDR].map((f) => join(root, "firmware", f));
}

/** An engine's C files (sources and headers, absolute paths) as engine/build.mk lists them, and
 *  the generated source among them that make writes from build/engine.wasm. */
export function engineFiles(root: string, engine: Engine): { files: string[]; generated: string } {
  const fw = join(root, "firmware");
  if (engine === "wasm") {
    const v = firmwareMakeVars(root, ["ENGINE_SRC", "ENGINE_HDR", "ENGINE_VM_SRC", "ENGINE_VM_HDR", "ENGINE_WASM_C"]);
    return {
      files: [...v.ENGINE_SRC, ...v.ENGINE_HDR, ...v.ENGINE_VM_SRC, ...v.ENGINE_VM_HDR].map((f) => join(fw, f)),
      generated: join(fw, v.ENGINE_WASM_C[0]),
    };
  }
  const v = firmwareMakeVars(root, ["ENGINE_NATIVE_SRC", "ENGINE_NATIVE_HDR", "NATIVE_GEN", "NATIVE_OUT"]);
  if (!v.ENGINE_NATIVE_SRC.length) throw new Error("this wasmqtt build has no native engine (no ENGINE_NATIVE_SRC in firmware/)");
  // Besides the listed headers: wasm2c's runtime header beside its output, and the interpreter's
  // wasm_vm.h for the trap codes both engines report.
  return {
    files: [...v.ENGINE_NATIVE_SRC, ...v.ENGINE_NATIVE_HDR, `${v.NATIVE_OUT[0]}/wasm-rt.h`, "vm/wasm_vm.h"].map((f) => join(fw, f)),
    generated: join(fw, v.NATIVE_GEN[0]),
  };
}
