// Runs lx106 ELF files under QEMU's sim machine (semihosting for output and exit status),
// optionally with the instruction-count plugin, and builds the firmware targets they need.
import { execFileSync, spawnSync } from "node:child_process";
import { existsSync } from "node:fs";
import { join } from "node:path";
import { regionLines } from "../../tools/firmware/session.js";

export const ROOT = join(import.meta.dirname, "../..");
export const OUT = join(ROOT, "build/firmware/lx106");

/** Brings the named lx106 targets up to date (a no-op when `npm run build` already made them). */
export function build(...targets: string[]): void {
  execFileSync("make", ["-s", "-C", join(ROOT, "firmware"), ...targets.map((t) => `../build/firmware/lx106/${t}`)], {
    stdio: ["ignore", "inherit", "inherit"],
  });
}

export interface QemuRun {
  status: number | null;
  stdout: string;
  /** The plugin's lines ("region N: COUNT narrow_flash_loads M", "total: COUNT") and QEMU's own complaints. */
  stderr: string;
}

export interface QemuOptions {
  /** Count instructions between entering these two symbols. */
  markers?: { begin: string; end: string };
  count?: boolean;
  /** A raw file for QEMU's loader device to place at this address (a script blob in flash). */
  blob?: { file: string; address: number };
  /** Extra plugin arguments, e.g. "profile=FILE". */
  plugin?: string;
}

export function symbol(elf: string, name: string): number {
  const table = execFileSync("xtensa-lx106-elf-nm", [elf], { encoding: "utf8" });
  const line = table.split("\n").find((l) => l.endsWith(` ${name}`));
  if (!line) throw new Error(`${elf}: no symbol ${name}`);
  return parseInt(line.split(" ")[0], 16);
}

export function runQemu(elf: string, options: QemuOptions = {}): QemuRun {
  if (!existsSync(elf)) throw new Error(`${elf} is missing; run npm run build`);
  const args = ["-M", "sim", "-cpu", "lx106", "-display", "none", "-monitor", "none", "-serial", "none",
    "-semihosting", "-device", `loader,file=${elf},cpu-num=0`];
  if (options.blob) {
    args.push("-device", `loader,file=${options.blob.file},addr=0x${options.blob.address.toString(16)},force-raw=on`);
  }
  if (options.count || options.markers || options.plugin) {
    let plugin = join(OUT, "libcount.so");
    if (options.plugin) plugin += `,${options.plugin}`;
    if (options.markers) {
      const begin = symbol(elf, options.markers.begin), end = symbol(elf, options.markers.end);
      plugin += `,begin=0x${begin.toString(16)},end=0x${end.toString(16)}`;
    }
    args.push("-plugin", plugin, "-d", "plugin");
  }
  const run = spawnSync("qemu-system-xtensa", args, { encoding: "utf8", timeout: 60_000, maxBuffer: 64 << 20 });
  if (run.error) throw run.error;
  return { status: run.status, stdout: run.stdout, stderr: run.stderr };
}

/** The plugin's per-region counts, in order. */
export function regions(stderr: string): number[] {
  return regionLines(stderr).regions;
}

/** The plugin's per-region loads narrower than 32 bits from the flash window, in order. */
export function narrowFlashLoads(stderr: string): number[] {
  return regionLines(stderr).narrowFlashLoads;
}
