// The module's cost read from a linker map (tools/firmware/mapfile.ts) against what a real lx106
// link pays: the same program linked with and without a module that shares strings with it,
// needs alignment and calls libgcc's 64-bit modulo.
import { execFileSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { imageDelta, LX106_REGIONS, moduleCost, parseMap } from "../../tools/firmware/mapfile.js";
import { flashOf, measureLinked, measureSizes, moduleParts, sectionSizes } from "../../tools/firmware/report.js";

const ROOT = join(import.meta.dirname, "../..");
const CC = "xtensa-lx106-elf-gcc";
const FLAGS = ["--specs=/usr/lib/xtensa-lx106-elf/picolibc.specs", "-Os", "-mlongcalls", "-ffunction-sections", "-fdata-sections"];
let tmp: string;

const BASE = `
extern int module_entry(long long a, long long b, int i);
extern void report(const char *text);
#ifdef WITH_MODULE
#define CALL_MODULE() module_entry(7, 3, 1)
#else
#define CALL_MODULE() 0
#endif
void _start(void) {
  report("connection refused");
  report("base only");
  CALL_MODULE();
  for (;;) {}
}
`;
const MODULE = `
extern void report(const char *text);
static const char table[5] __attribute__((aligned(16))) = { 1, 2, 3, 4, 5 };
int module_entry(long long a, long long b, int i) {
  report("connection refused");   /* the same text as the base: merged into one */
  report("module only");
  return (int)(a % b) + table[i];
}
`;

function link(out: string, objects: string[]): string {
  const map = join(tmp, `${out}.map`);
  execFileSync(CC, [...FLAGS, "-nostartfiles", "-nostdlib", "-T", join(ROOT, "firmware/lx106/lx106.ld"), "-Wl,--gc-sections",
    "-Wl,--unresolved-symbols=ignore-all", `-Wl,-Map=${map}`, "-o", join(tmp, `${out}.elf`), ...objects, "-lgcc"]);
  return readFileSync(map, "utf8");
}

beforeAll(() => {
  tmp = mkdtempSync(join(tmpdir(), "wasmqtt-map-"));
  writeFileSync(join(tmp, "base.c"), BASE);
  writeFileSync(join(tmp, "module.c"), MODULE);
  execFileSync(CC, [...FLAGS, "-c", join(tmp, "base.c"), "-o", join(tmp, "base.o")]);
  execFileSync(CC, [...FLAGS, "-DWITH_MODULE", "-c", join(tmp, "base.c"), "-o", join(tmp, "base-with.o")]);
  execFileSync(CC, [...FLAGS, "-c", join(tmp, "module.c"), "-o", join(tmp, "module.o")]);
});
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

describe("the module's cost from the map", () => {
  it("equals what the image grows by when the module is linked in, helpers and merged strings included", () => {
    const without = parseMap(link("without", [join(tmp, "base.o")]));
    const withModule = parseMap(link("with", [join(tmp, "base-with.o"), join(tmp, "module.o")]));
    const cost = moduleCost(withModule, (f) => f.endsWith("module.o"), LX106_REGIONS);
    const delta = imageDelta(without, withModule, LX106_REGIONS);
    // The base's call of the module is the only other change between the two images.
    const baseGrowth = moduleCost(withModule, (f) => f.endsWith("base-with.o"), LX106_REGIONS).image -
      moduleCost(without, (f) => f.endsWith("base.o"), LX106_REGIONS).image;
    expect(cost.image + baseGrowth).toBe(delta.image);
    expect(cost.helpers.map((h) => h.member)).toEqual([expect.stringMatching(/libgcc\.a\(_moddi3\.o\)$/)]);
    const moddi3 = cost.helpers[0].bytes;
    expect(moddi3).toBeGreaterThan(100);

    // The object's own sections count the shared string again (and literals before relaxing),
    // and know nothing of _moddi3.
    const object = sectionSizes(join(tmp, "module.o"));
    const objectBytes = object.text + object.rodata + object.data;
    expect(cost.image - moddi3).toBeLessThan(objectBytes - "connection refused".length);
    expect(cost.image).toBeGreaterThan(objectBytes);
  });

  it("does not count a helper the rest of the image pulled in first", () => {
    const map = parseMap([
      "Archive member included to satisfy reference by file (symbol)",
      "",
      "/lib/libgcc.a(_moddi3.o)",
      "                              base.o (__moddi3)",
      "/lib/libgcc.a(_popcountsi2.o)",
      "                              /lib/libgcc.a(_moddi3.o) (__popcountsi2)",
      "/lib/libgcc.a(_ctzsi2.o)",
      "                              module.o (__ctzsi2)",
      "/lib/libgcc.a(_ashldi3.o)",
      "                              /lib/libgcc.a(_ctzsi2.o) (__ashldi3)",
      "",
      "Linker script and memory map",
      "",
      ".text           0x40200000      0x180",
      " .text.entry    0x40200000       0x40 module.o",
      " .text          0x40200040       0x80 /lib/libgcc.a(_moddi3.o)",
      " .text          0x402000c0       0x20 /lib/libgcc.a(_popcountsi2.o)",
      " .text          0x402000e0       0x18 /lib/libgcc.a(_ctzsi2.o)",
      " *fill*         0x402000f8        0x8 ",
      " .text          0x40200100       0x20 /lib/libgcc.a(_ashldi3.o)",
      " .text.main     0x40200120       0x60 base.o",
      "",
    ].join("\n"));
    const cost = moduleCost(map, (f) => f === "module.o", LX106_REGIONS);
    // Its own 0x40, _ctzsi2 0x18 and _ashldi3 (which _ctzsi2 pulled in) with the fill before it.
    expect(cost.image).toBe(0x40 + 0x18 + 0x28);
    expect(cost.helpers).toEqual([{ member: "/lib/libgcc.a(_ashldi3.o)", bytes: 0x28 }, { member: "/lib/libgcc.a(_ctzsi2.o)", bytes: 0x18 }]);
  });
});

describe("wasmqtt firmware size: the module linked as the image pays it", () => {
  it("counts the libgcc helpers only the interpreter calls, not the ESP8266 ROM's, and every part", () => {
    const linked = measureLinked(moduleParts(ROOT), join(tmp, "linked"), ROOT);
    const helpers = linked.cost.helpers.map((h) => h.member.replace(/^.*\((.*)\.o\)$/, "$1"));
    // The interpreter's 64-bit ctz and shifts come from libgcc and the ROM lacks them: the module's bytes.
    for (const own of ["_ctzdi2", "_ashldi3", "_lshrdi3"]) expect(helpers).toContain(own);
    // Division and double helpers are in the ROM (or NodeMCU's Lua VM): not the module's bytes.
    for (const rom of ["_udivsi3", "_divsi3", "_umoddi3", "_cmpdf2"]) expect(helpers).not.toContain(rom);
    // Signed remainders and popcount are the interpreter's own (wasm_exec.c), not libgcc's.
    for (const gone of ["_moddi3", "_modsi3", "_popcountsi2", "_popcountdi2"]) expect(helpers).not.toContain(gone);
    expect(linked.parts.map((p) => p.name)).toEqual(["interpreter", "engine", "binding"]);
    expect(linked.parts.reduce((sum, p) => sum + p.image, 0)).toBe(linked.cost.image);
    // Linked, the strings merge and the literals relax; the helpers come on top of the objects.
    const objects = measureSizes(ROOT).reduce((sum, p) => sum + flashOf(p), 0);
    const helperBytes = linked.cost.helpers.reduce((sum, h) => sum + h.bytes, 0);
    expect(linked.cost.image).toBeGreaterThan(helperBytes);
    expect(Math.abs(linked.cost.image - objects)).toBeLessThan(objects * 0.1);
  }, 120_000);
});
