// The lx106 tests' side of the one QEMU runner (tools/firmware/qemu.ts), under the names the tests use.
import { join } from "node:path";
import { lxOut, regionLines } from "../../tools/firmware/qemu.js";

export { buildLx106 as build, runLx106 as runQemu, SCRIPT_ADDRESS, symbol, type QemuOptions, type QemuRun } from "../../tools/firmware/qemu.js";

export const ROOT = join(import.meta.dirname, "../..");
export const OUT = lxOut();

/** The plugin's per-region counts, in order. */
export function regions(stderr: string): number[] {
  return regionLines(stderr).regions;
}

/** The plugin's per-region loads narrower than 32 bits from the flash window, in order. */
export function narrowFlashLoads(stderr: string): number[] {
  return regionLines(stderr).narrowFlashLoads;
}
