// The firmware's source lists, read from firmware/Makefile where they are kept once (each engine's
// sources, headers and flags in engine/build.mk): `firmware size` and `--nodemcu` take them there.
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
