// The firmware's engine layer and client core on the host: the C array tools/firmware/embed.ts
// makes from build/engine.wasm; firmware/engine/mqtt_engine.c (firmware/test/test_engine.c);
// firmware/core/mqtt_core.c driven by a fake platform and scripted broker bytes
// (firmware/test/test_core.c). Every program runs under ASan+UBSan, once per engine: the
// interpreter ("wasm") and the native engine (wasm2c, firmware/native), with the same output.
import { execFileSync, spawnSync } from "node:child_process";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { embed, memoryBytes } from "../../tools/firmware/embed.js";
import { errorText } from "../../host/engine/abi_table.js";

const ROOT = join(import.meta.dirname, "../..");
const BUILD = join(ROOT, "build/firmware");
const ENGINES = [["wasm", ""], ["native", "-native"]] as const;

type Run = ReturnType<typeof spawnSync>;
const runs: Record<string, { core: Run; engine: Run; bounds: Run }> = {};

beforeAll(() => {
  // one make for every program: parallel makes of the same targets would race
  execFileSync("make", ["-s", "-j3", "-C", join(ROOT, "firmware"),
    ...ENGINES.flatMap(([, s]) => [`../build/firmware/engine${s}-test`, `../build/firmware/engine-bounds${s}-test`, `../build/firmware/core${s}-test`])], {
    stdio: ["ignore", "inherit", "inherit"],
  });
  for (const [name, s] of ENGINES) {
    const run = (program: string) => spawnSync(join(BUILD, program), { encoding: "utf8", timeout: 120_000 });
    runs[name] = { core: run(`core${s}-test`), engine: run(`engine${s}-test`), bounds: run(`engine-bounds${s}-test`) };
  }
}, 240_000);

/** A program's verdict on one check, by the start of its text. */
function verdict(run: Run, prefix: string): string {
  const line = String(run.stdout).split("\n").find((l) => l.replace(/^(ok|FAIL) /, "").startsWith(prefix));
  return line ? line.split(" ")[0] : `missing check: ${prefix}`;
}

describe.each(ENGINES)("mqtt_core over the %s engine (ASan+UBSan, scripted broker)", (engine) => {
  it("runs clean under the sanitizers", () => {
    const run = runs[engine].core;
    expect(String(run.stderr)).not.toMatch(/AddressSanitizer|runtime error|LeakSanitizer/);
    expect(run.status, String(run.stdout) + String(run.stderr)).toBe(0);
    expect(String(run.stdout).split("\n").filter((l) => l.startsWith("FAIL"))).toEqual([]);
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
    ["QoS out", "PUBACK for QoS 2: done, one warning"],
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
      expect(verdict(runs[engine].core, check)).toBe("ok");
    });
  }

  it("reports the heap figures of the cycles", () => {
    const m = /heap after 1000 cycles: (\d+) bytes in (\d+) blocks \(start (\d+) in (\d+)\), peak (\d+)/.exec(String(runs[engine].core.stdout));
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

describe.each(ENGINES)("mqtt_engine.c over the %s engine (ASan+UBSan)", (engine) => {
  it("drives a session and keeps its guards: busy, trap, bounds, long strings", () => {
    const run = runs[engine].engine;
    const failed = String(run.stdout).split("\n").filter((l) => l.startsWith("FAIL"));
    expect(failed, String(run.stdout) + String(run.stderr)).toEqual([]);
    expect(String(run.stdout)).toContain("PASSED");
    expect(run.status, String(run.stderr)).toBe(0);
    expect(String(run.stdout).split("\n").filter((l) => l.startsWith("ok")).length).toBeGreaterThanOrEqual(18);
  });

  it("gives every error code the ABI table's text, as the Node host does, and others \"unknown error\"", () => {
    const lines = String(runs[engine].engine.stdout).split("\n").filter((l) => l.startsWith("# text "));
    expect(lines).toContain("# text 13 topic name contains a wildcard (+ or #)");
    expect(lines).toContain("# text 35 unknown error");
    expect(lines.map((l) => l.replace(/^# text (-?\d+) .*$/, "$1"))).toEqual(Array.from({ length: 66 }, (_, i) => String(i - 1)));
    for (const line of lines) {
      const code = Number(/^# text (-?\d+) /.exec(line)![1]);
      expect(line).toBe(`# text ${code} ${errorText(code)}`);
    }
  });
});

describe.each(ENGINES)("mqtt_engine.c and the core over the %s engine against a module that traps (test_bounds.wat)", (engine) => {
  it("turns every out-of-range pointer, wrapping length and unknown blob into a host trap of that call", () => {
    const run = runs[engine].bounds;
    expect(String(run.stderr)).not.toMatch(/AddressSanitizer|runtime error/);
    expect(run.status, String(run.stdout) + String(run.stderr)).toBe(0);
    const ok = String(run.stdout).split("\n").filter((l) => l.startsWith("ok "));
    expect(ok.filter((l) => l.includes("the call traps (trap 17) and the engine is dead"))).toHaveLength(6);
    expect(ok.some((l) => l.includes("in-range pointers reach the host"))).toBe(true);
  });

  it("traps out of bounds (the interpreter's code 8) on a load or store past the backed memory inside the declared page", () => {
    expect(verdict(runs[engine].bounds, "a load inside the page but past the high-water mark: the call traps (trap 8)")).toBe("ok");
    expect(verdict(runs[engine].bounds, "a store inside the page but past the high-water mark: the call traps (trap 8)")).toBe("ok");
  });

  it("runs unaligned loads and stores (legal in wasm; the lx106 faults on them in hardware)", () => {
    expect(verdict(runs[engine].bounds, "unaligned 32- and 16-bit stores and loads round-trip")).toBe("ok");
  });

  it("the core reports the trap, closes the connection and refuses further calls", () => {
    const core = String(runs[engine].bounds.stdout).split("\n").filter((l) => l.startsWith("core: ")).join("\n");
    const trapped = "core: close\n(core: unsubscribe -6\n)?core: event error -101 engine trapped: free it, make a new one\n" +
      "core: active 0, last error: engine trapped: free it, make a new one\ncore: publish after the trap -6";
    expect(core).toMatch(new RegExp(`^core: connect 0\ncore: open broker:1883\n${trapped}\ncore: connect 0\ncore: open broker:1883\n${trapped}$`));
  });
});

describe("the two engines", () => {
  /** Output lines that describe behaviour (not the engines' own sizes). */
  const behaviour = (run: Run) => String(run.stdout).split("\n").filter((l) => !/^# (footprint|heap after)/.test(l));

  it("print the same lines in every program: the native engine behaves as the interpreter", () => {
    for (const program of ["core", "engine", "bounds"] as const) {
      expect(behaviour(runs.native[program]), program).toEqual(behaviour(runs.wasm[program]));
    }
  });

  it("the native engine takes less heap than the interpreter for the same linear memory", () => {
    const footprint = (run: Run) => /# footprint (\d+) arena \d+ memory (\d+)/.exec(String(run.stdout))!.slice(1).map(Number);
    const [wasmBytes, wasmMemory] = footprint(runs.wasm.engine), [nativeBytes, nativeMemory] = footprint(runs.native.engine);
    expect(nativeMemory).toBe(wasmMemory);
    expect(nativeBytes).toBeLessThan(wasmBytes);
    expect(nativeBytes).toBeLessThan(nativeMemory + 512);
  });
});
