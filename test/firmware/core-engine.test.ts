// firmware/engine (mqtt_engine.c) over the embedded engine, on the host under ASan+UBSan, and the
// C array host/firmware/embed.ts makes from build/engine.wasm.
import { execFileSync, spawnSync } from "node:child_process";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { embed, memoryBytes } from "../../host/firmware/embed.js";

const ROOT = join(import.meta.dirname, "../..");
const BUILD = join(ROOT, "build/firmware");

function make(target: string): void {
  execFileSync("make", ["-s", "-C", join(ROOT, "firmware"), `../build/firmware/${target}`], { stdio: ["ignore", "inherit", "inherit"] });
}

describe("engine array (embed.ts)", () => {
  const wasm = readFileSync(join(ROOT, "build/engine.wasm"));

  it("holds the module's bytes, padded to whole words, 4-byte aligned", () => {
    const c = embed(wasm, "engine.wasm", 256);
    const body = /mqtt_engine_wasm\[(\d+)\][^=]*aligned\(4\)[^=]*= \{([^}]*)\}/.exec(c);
    expect(body).not.toBeNull();
    const bytes = body![2].split(",").map((s) => s.trim()).filter((s) => s).map(Number);
    expect(Number(body![1])).toBe(bytes.length);
    expect(bytes.length % 4).toBe(0);
    expect(Buffer.from(bytes.slice(0, wasm.length)).equals(wasm)).toBe(true);
    expect(c).toContain(`mqtt_engine_wasm_length = ${wasm.length}u`);
    expect(c).toContain("#ifdef ICACHE_RODATA_ATTR");
  });

  it("backs only static data plus the firmware's io buffer", () => {
    const small = memoryBytes(wasm, 256), large = memoryBytes(wasm, 2048);
    expect(small % 8).toBe(0);
    expect(large - small).toBe(2048 - 256);
    expect(embed(wasm, "engine.wasm", 256)).toContain(`mqtt_engine_memory_bytes = ${small}u`);
  });

  it("refuses an io size the engine does not take", () => {
    expect(() => memoryBytes(wasm, 64)).toThrow(/MQTT_ENGINE_IO_BYTES/);
  });
});

describe("mqtt_engine.c (ASan+UBSan)", () => {
  it("drives a session and keeps its guards: busy, trap, bounds, long strings", () => {
    make("engine-test");
    const run = spawnSync(join(BUILD, "engine-test"), { encoding: "utf8", timeout: 60_000 });
    const failed = run.stdout.split("\n").filter((l) => l.startsWith("FAIL"));
    expect(failed, run.stdout + run.stderr).toEqual([]);
    expect(run.stdout).toContain("PASSED");
    expect(run.status, run.stderr).toBe(0);
    expect(run.stdout.split("\n").filter((l) => l.startsWith("ok")).length).toBeGreaterThanOrEqual(18);
  });
});
