// The integer helpers our lx106 build supplies (Debian's libgcc lacks them), run on the
// lx106 core under QEMU and checked line by line against BigInt arithmetic.
import { beforeAll, describe, expect, it } from "vitest";
import { execFileSync } from "node:child_process";
import { mkdtempSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { build, narrowFlashLoads, OUT, regions, ROOT, runQemu, symbol } from "./qemu.js";

const M32 = (1n << 32n) - 1n;
const M64 = (1n << 64n) - 1n;
const signed = (v: bigint, bits: bigint) => BigInt.asIntN(Number(bits), v);
// C division truncates toward zero, as BigInt division does.
const expected: Record<string, (a: bigint, b: bigint) => bigint> = {
  umulsidi3: (a, b) => (a * b) & M64,
  udivsi3: (a, b) => a / b,
  umodsi3: (a, b) => a % b,
  divsi3: (a, b) => (signed(a, 32n) / signed(b, 32n)) & M32,
  modsi3: (a, b) => (signed(a, 32n) % signed(b, 32n)) & M32,
  muldi3: (a, b) => (a * b) & M64,
  udivdi3: (a, b) => a / b,
  umoddi3: (a, b) => a % b,
  divdi3: (a, b) => (signed(a, 64n) / signed(b, 64n)) & M64,
  moddi3: (a, b) => (signed(a, 64n) % signed(b, 64n)) & M64,
};

describe("lx106 runtime helpers under QEMU", () => {
  const elf = join(OUT, "helpers-check.elf");
  let lines: string[][] = [];
  let status: number | null = null;
  beforeAll(() => {
    build("helpers-check.elf", "libcount.so");
    const run = runQemu(elf);
    status = run.status;
    lines = run.stdout.trim().split("\n").map((l) => l.split(" "));
  });

  it("runs to the end and exits 0", () => {
    expect(status).toBe(0);
    expect(lines.at(-1)).toEqual(["done"]);
  });

  it("gives the reference result on every line", () => {
    const wrong: string[] = [];
    const seen = new Set<string>();
    for (const [name, ...hex] of lines.slice(0, -1)) {
      const [a, b, result] = hex.map((h) => BigInt(`0x${h}`));
      const reference = expected[name];
      expect(reference, `unknown helper ${name}`).toBeDefined();
      seen.add(name);
      if (reference(a, b) !== result) wrong.push(`${name}(${a}, ${b}) = ${result}, want ${reference(a, b)}`);
    }
    expect(wrong).toEqual([]);
    expect([...seen].sort()).toEqual(Object.keys(expected).sort());
    expect(lines.length).toBeGreaterThan(4000);
  });

  it("covers the overflow edges: INT_MIN / -1 wraps, 64-bit division by 2^32 and by -1", () => {
    const has = (name: string, a: bigint, b: bigint, r: bigint) =>
      lines.some(([n, ...h]) => n === name && h.map((x) => BigInt(`0x${x}`)).join() === [a, b, r].join());
    expect(has("divsi3", 0x80000000n, 0xffffffffn, 0x80000000n)).toBe(true);
    expect(has("modsi3", 0x80000000n, 0xffffffffn, 0n)).toBe(true);
    expect(has("divdi3", 1n << 63n, M64, 1n << 63n)).toBe(true);
    expect(has("udivdi3", M64, 1n << 32n, M32)).toBe(true);
    expect(has("umulsidi3", M32, M32, 0xfffffffe00000001n)).toBe(true);
  });

  it("the plugin counts guest instructions repeatably", () => {
    const first = runQemu(elf, { count: true });
    const second = runQemu(elf, { count: true });
    const total = (s: string) => Number(/^total: (\d+)$/m.exec(s)?.[1]);
    expect(total(first.stderr)).toBeGreaterThan(100_000);
    expect(total(first.stderr)).toBe(total(second.stderr));
    expect(regions(first.stderr)).toEqual([]);
  });

  it("the plugin's profile accounts for every instruction, all of them in flash", () => {
    const file = join(mkdtempSync(join(tmpdir(), "lx106-profile-")), "profile.txt");
    const run = runQemu(elf, { count: true, plugin: `profile=${file}` });
    const total = Number(/^total: (\d+)$/m.exec(run.stderr)?.[1]);
    const rows = readFileSync(file, "utf8").trim().split("\n").map((l) => l.split(" "));
    expect(rows.reduce((n, [, c]) => n + Number(c), 0)).toBe(total);
    const entry = symbol(elf, "_start");
    expect(rows.find(([a]) => parseInt(a, 16) === entry)?.[1]).toBe("1");
    // profile.mjs attributes the instructions to functions: hex printing and 64-bit division lead.
    const report = execFileSync("node", [join(ROOT, "firmware/lx106/profile.mjs"), elf, file, "4"], { encoding: "utf8" });
    const names = report.trim().split("\n").slice(0, -1).map((l) => /^\s*\d+\s+\d+\.\d%\s+(\S+)$/.exec(l)?.[1]);
    expect(names).toHaveLength(4);
    expect(names).toContain("put_hex");
    expect(names).toContain("udivmod64");
    expect(report).toContain(`${total}  total`);
  });
});

describe("the plugin's narrow flash loads", () => {
  it("counts byte and half-word loads from flash, not word loads from flash nor byte loads from DRAM", () => {
    build("flash-loads.elf", "libcount.so");
    const run = runQemu(join(OUT, "flash-loads.elf"), { markers: { begin: "bench_begin", end: "bench_end" } });
    expect(run.status, run.stdout + run.stderr).toBe(0);
    // Region 0: 16 bytes + 8 half-words from flash (and words from flash, bytes from DRAM); region 1: only the latter.
    expect(narrowFlashLoads(run.stderr)).toEqual([24, 0]);
    expect(run.stderr).toMatch(/^total narrow_flash_loads: 24$/m);
  });
});
