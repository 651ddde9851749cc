// The firmware's engine layer and client core on the host: the C array host/firmware/embed.ts
// makes from build/engine.wasm; firmware/engine/mqtt_engine.c (firmware/engine/test_engine.c);
// firmware/nodemcu/mqtt_core.c driven by a fake platform and scripted broker bytes
// (firmware/engine/test_core.c). Both programs run under ASan+UBSan.
import { execFileSync, spawnSync } from "node:child_process";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { embed, memoryBytes } from "../../host/firmware/embed.js";

const ROOT = join(import.meta.dirname, "../..");
const BUILD = join(ROOT, "build/firmware");

let lines: string[] = [];
let run: ReturnType<typeof spawnSync>;

beforeAll(() => {
  // one make for both programs: parallel makes of the same targets would race
  execFileSync("make", ["-s", "-j3", "-C", join(ROOT, "firmware"), "../build/firmware/engine-test", "../build/firmware/engine-bounds-test",
    "../build/firmware/core-test"], {
    stdio: ["ignore", "inherit", "inherit"],
  });
  run = spawnSync(join(ROOT, "build/firmware/core-test"), { encoding: "utf8", timeout: 120_000 });
  lines = String(run.stdout).split("\n");
}, 180_000);

/** The program's verdict on one check, by the start of its text. */
function verdict(prefix: string): string {
  const line = lines.find((l) => l.replace(/^(ok|FAIL) /, "").startsWith(prefix));
  return line ? line.split(" ")[0] : `missing check: ${prefix}`;
}

describe("mqtt_core (ASan+UBSan, scripted broker)", () => {
  it("runs clean under the sanitizers", () => {
    expect(String(run.stderr)).not.toMatch(/AddressSanitizer|runtime error|LeakSanitizer/);
    expect(run.status, String(run.stdout) + String(run.stderr)).toBe(0);
    expect(lines.filter((l) => l.startsWith("FAIL"))).toEqual([]);
  });

  const checks: Array<[string, string]> = [
    ["connect", "CONNECT bytes"],
    ["connect", "open, then connect event"],
    ["connect", "connect twice is EBUSY"],
    ["connect", "connect opens nothing before service"],
    ["connect", "the second session sends the same CONNECT and connects"],
    ["subscribe", "SUBSCRIBE bytes"],
    ["subscribe", "suback event with granted codes"],
    ["QoS in", "PUBACK for QoS 1, PUBREC for QoS 2"],
    ["QoS in", "PUBCOMP after PUBREL"],
    ["QoS in", "inbound QoS 0, 1, 2 delivered once each"],
    ["QoS out", "PUBLISH bytes for QoS 1, 2, 0"],
    ["QoS out", "QoS 0 completes when handed over"],
    ["QoS out", "PUBREL after PUBREC"],
    ["QoS out", "puback for QoS 1 (PUBACK) and QoS 2 (PUBCOMP)"],
    ["QoS out", "no event inside the publish calls"],
    ["keepalive", "PINGREQ from the timer after 30 s"],
    ["slices", "60 messages from one read, in order"],
    ["slices", "300 bytes over two reads and three slices"],
    ["overflow", "a 300-byte payload over max_message_length 16"],
    ["reconnect", "broker drop: offline"],
    ["reconnect", "session present: the PUBLISH is resent with DUP"],
    ["reconnect", "connect with session present"],
    ["reconnect", "offline: the engine holds MQTT_MAX_QUEUED_MESSAGES publishes, then refuses"],
    ["reconnect", "all of them sent at once after CONNACK, the connection kept"],
    ["callbacks", "close() from a message callback sends DISCONNECT"],
    ["callbacks", "then offline and the transport closes after the flush"],
    ["callbacks", "publish from inside a message callback"],
    ["callbacks", "a burst of publishes from a callback: every one taken is acknowledged, the rest refused"],
    ["callbacks", "free from inside the offline callback"],
    ["full", "publish returns EQUEUEDBYTES once the held topic + payload bytes would pass the bound"],
    ["platform", "a platform reporting sent from inside send: every byte once, in order"],
    ["full", "the six taken are sent and acknowledged, in order"],
    ["errors", "a topic with a wildcard is refused with the engine's text"],
    ["errors", "broker breaks the protocol: error, offline"],
    ["heap", "1000 connect/close cycles leave the heap where it started"],
    ["transport", "bytes in flight unchanged until sent (the platform does not copy them)"],
    ["transport", "a send held mid-buffer while publishes fill it: its bytes stay put"],
  ];
  for (const [group, check] of checks) {
    it(`${group}: ${check}`, () => {
      expect(verdict(check)).toBe("ok");
    });
  }

  it("reports the heap figures of the cycles", () => {
    const m = /heap after 1000 cycles: (\d+) bytes in (\d+) blocks \(start (\d+) in (\d+)\), peak (\d+)/.exec(String(run.stdout));
    expect(m).not.toBeNull();
    expect(Number(m![1])).toBe(Number(m![3]));
    expect(Number(m![5])).toBeGreaterThan(0);
  });
});

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
    const run = spawnSync(join(BUILD, "engine-test"), { encoding: "utf8", timeout: 60_000 });
    const failed = run.stdout.split("\n").filter((l) => l.startsWith("FAIL"));
    expect(failed, run.stdout + run.stderr).toEqual([]);
    expect(run.stdout).toContain("PASSED");
    expect(run.status, run.stderr).toBe(0);
    expect(run.stdout.split("\n").filter((l) => l.startsWith("ok")).length).toBeGreaterThanOrEqual(18);
  });
});

describe("mqtt_engine.c against a module passing bad pointers (test_bounds.wat)", () => {
  it("turns every out-of-range pointer, wrapping length and unknown blob into a trap of that call", () => {
    const run = spawnSync(join(BUILD, "engine-bounds-test"), { encoding: "utf8", timeout: 60_000 });
    expect(run.stderr).not.toMatch(/AddressSanitizer|runtime error/);
    expect(run.status, run.stdout + run.stderr).toBe(0);
    const ok = run.stdout.split("\n").filter((l) => l.startsWith("ok "));
    expect(ok.filter((l) => l.includes("the call traps and the engine is dead"))).toHaveLength(6);
    expect(ok.some((l) => l.includes("in-range pointers reach the host"))).toBe(true);
  });
});
