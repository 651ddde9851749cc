// The one QEMU runner: lx106 ELF files on QEMU's sim machine (-M sim -cpu lx106), output and exit
// status through semihosting, optionally a raw blob placed in the flash window and the
// instruction-counting plugin (firmware/lx106/plugin). Used by the firmware report and session,
// the interpreter benchmarks and the lx106 tests. Facts: /work/shared/notes/lx106-qemu.md.
import { execFileSync, spawnSync } from "node:child_process";
import { existsSync } from "node:fs";
import { join } from "node:path";
import { packageRoot } from "../../host/engine/index.js";

/** Where the lx106 programs read a script blob from the flash window (harness_lx106.c, session_lx106.c). */
export const SCRIPT_ADDRESS = 0x40280000;

/** Where the lx106 builds land (firmware/lx106/build.mk's LX_OUT). */
export const lxOut = (): string => join(packageRoot(), "build/firmware/lx106");

/** Brings the named lx106 targets up to date (a no-op when `npm run build:firmware` already made them). */
export function buildLx106(...targets: string[]): void {
  execFileSync("make", ["-s", "-C", join(packageRoot(), "firmware"), ...targets.map((t) => `../build/firmware/lx106/${t}`)], {
    stdio: ["ignore", "inherit", "inherit"],
  });
}

export function symbol(elf: string, name: string): number {
  const table = execFileSync("xtensa-lx106-elf-nm", [elf], { encoding: "utf8" });
  const line = table.split("\n").find((l) => l.endsWith(` ${name}`));
  if (!line) throw new Error(`${elf}: no symbol ${name}`);
  return parseInt(line.split(" ")[0], 16);
}

/** The counting plugin's "region N: COUNT narrow_flash_loads M" lines, in order. */
export function regionLines(stderr: string): { regions: number[]; narrowFlashLoads: number[] } {
  const lines = [...stderr.matchAll(/^region \d+: (\d+) narrow_flash_loads (\d+)$/gm)];
  return { regions: lines.map((m) => Number(m[1])), narrowFlashLoads: lines.map((m) => Number(m[2])) };
}

export interface QemuOptions {
  /** Count instructions in each region from entering `begin` to entering `end` (symbols of the ELF). */
  markers?: { begin: string; end: string };
  /** Load the plugin (total count only, unless `markers`). */
  count?: boolean;
  /** A raw file for QEMU's loader device to place at this address (a script blob in flash). */
  blob?: { file: string; address: number };
  /** Extra plugin arguments, e.g. "profile=FILE". */
  plugin?: string;
  /** Default 120 s. */
  timeoutMs?: number;
}

export interface QemuRun {
  status: number | null;
  stdout: string;
  /** The plugin's lines ("region N: COUNT narrow_flash_loads M", "total: COUNT") and QEMU's own complaints. */
  stderr: string;
  /** Instructions of each counted region, in order (empty without markers). */
  regions: number[];
  /** Loads narrower than 32 bits from the flash window in each counted region. */
  narrowFlashLoads: number[];
}

export function runLx106(elf: string, options: QemuOptions = {}): QemuRun {
  if (!existsSync(elf)) throw new Error(`${elf} is missing; run npm run build:firmware`);
  const args = ["-M", "sim", "-cpu", "lx106", "-display", "none", "-monitor", "none", "-serial", "none",
    "-semihosting", "-device", `loader,file=${elf},cpu-num=0`];
  if (options.blob) {
    args.push("-device", `loader,file=${options.blob.file},addr=0x${options.blob.address.toString(16)},force-raw=on`);
  }
  if (options.count || options.markers || options.plugin) {
    let plugin = join(lxOut(), "libcount.so");
    if (options.plugin) plugin += `,${options.plugin}`;
    if (options.markers) {
      const begin = symbol(elf, options.markers.begin), end = symbol(elf, options.markers.end);
      plugin += `,begin=0x${begin.toString(16)},end=0x${end.toString(16)}`;
    }
    args.push("-plugin", plugin, "-d", "plugin");
  }
  const run = spawnSync("qemu-system-xtensa", args, { encoding: "utf8", timeout: options.timeoutMs ?? 120_000, maxBuffer: 64 << 20 });
  if (run.error) throw run.error;
  return { status: run.status, stdout: run.stdout, stderr: run.stderr, ...regionLines(run.stderr) };
}
