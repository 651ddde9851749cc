// The client session on the lx106: engine + client core cross-built for the lx106
// (firmware/lx106/session.c) runs a whole session against scripted broker bytes under QEMU; the
// same program on the host (ASan/UBSan) and the Node twin over host/engine (the same engine.wasm)
// must print the same transcript. Every firmware run happens once per engine: the interpreter
// (session.elf, session-host) and the native engine (session-native.elf, session-native-host).
import { beforeAll, describe, expect, it } from "vitest";
import { build } from "./qemu.js";
import { comparable, defaultSession, figures, publishPacket, runHost, runNode, runQemu, type FirmwareEngine, type SessionRun } from "../../tools/firmware/session.js";
import { firmwareLimit } from "../../tools/firmware/limits.js";

const ENGINES: FirmwareEngine[] = ["wasm", "native"];

/** One TCP segment (1,460 B) of PUBRELs from packet id `first` on: their 365 PUBCOMPs do not fit the
 *  out records at once, so the core feeds the engine as sends finish (backpressure). */
const pubrelSegment = (first: number) =>
  Array.from({ length: 365 }, (_, i) => `6202${(first + i).toString(16).padStart(4, "0")}`).join("");

/** Edges the default session does not reach: refusal, broken broker bytes, overflow at a small
 *  max_message_length, a client id longer than the engine's io buffer, credentials, a DNS failure,
 *  a segment whose acks outgrow the out records. */
const EDGE_SESSION = [
  `client ${"x".repeat(300)} 0 1 16 7 user secret`,
  "connect nowhere.invalid 1883 0 0",
  "failed -3",
  "connect broker 1883 1 0",
  "opened",
  "in 20020005",
  "connect broker 1883 0 1",
  "opened",
  "in 20020000",
  "subscribe 9 a/b 1",
  "in 9003000180",
  `in ${pubrelSegment(1)}`,
  `in ${pubrelSegment(366)}`,
  `in 3016000161${"62".repeat(19)}`,
  "publish a/+ 0 0 1 bad",
  "publish a 1 0 2 x:0001",
  "in 30050003612b62",
  "time 3000",
  "opened",
  "in 20020000",
  "close",
  "free",
].join("\n") + "\n";

/** The inbound bounds of mqtt_limits.h: a topic longer than the engine's io buffer (it comes in
 *  pieces), one past MQTT_MAX_TOPIC_IN (overflow, the session goes on), and 100 QoS 2 messages
 *  back to back before any PUBREL (the QoS 2 window), one of them resent with DUP. */
const TOPIC_BOUND = firmwareLimit("MQTT_MAX_TOPIC_IN");
const WINDOWED = 100;
const LONG_TOPIC = `long/${"t".repeat(295)}`;
const TOO_LONG_TOPIC = `long/${"u".repeat(TOPIC_BOUND + 95)}`;
const ascii = (text: string) => Buffer.from(text, "utf8");
const hex = (text: string) => ascii(text).toString("hex");
const id16 = (id: number) => id.toString(16).padStart(4, "0");
const BOUNDS_SESSION = [
  "client wasmqtt-bounds 30 0 64 4242",
  "connect broker.lan 1883 0 0",
  "opened",
  "in 20020000",
  "subscribe 1 # 2",
  "in 9003000102",
  `in ${publishPacket(LONG_TOPIC, ascii("whole"))}`,
  `in ${publishPacket(TOO_LONG_TOPIC, ascii("cut"))}`,
  `in ${publishPacket("next", ascii("after"), 1, 1)}`,
  `in ${Array.from({ length: WINDOWED }, (_, k) => publishPacket("w", ascii(String(k + 1)), 2, k + 1)).join("")}`,
  `in ${publishPacket("w", ascii("50"), 2, 50, 8)}`,
  `in ${Array.from({ length: WINDOWED }, (_, k) => `6202${id16(k + 1)}`).join("")}`,
  "close",
  "free",
].join("\n") + "\n";

describe("client session on the lx106 under QEMU", () => {
  const runs: Record<string, { qemu: SessionRun; host: SessionRun; node: string }> = {};
  beforeAll(() => {
    build("session.elf", "session-host", "session-native.elf", "session-native-host", "libcount.so");
    for (const [name, script] of [["default", defaultSession()], ["edges", EDGE_SESSION], ["bounds", BOUNDS_SESSION]]) {
      const node = runNode(script);
      for (const engine of ENGINES) runs[`${name} ${engine}`] = { qemu: runQemu(script, engine), host: runHost(script, engine), node };
    }
  }, 240_000);

  for (const name of ["default", "edges", "bounds"]) {
    for (const engine of ENGINES) {
      const key = `${name} ${engine}`;
      it(`${key}: exits 0 on both builds with the heap back to zero, no sanitizer report`, () => {
        const { qemu, host } = runs[key];
        expect(qemu.status, qemu.transcript.slice(-2000) + qemu.stderr.slice(-2000)).toBe(0);
        expect(host.status, host.stderr.slice(-3000)).toBe(0);
        expect(host.stderr).not.toMatch(/AddressSanitizer|runtime error/);
        expect(qemu.transcript).toContain("# platform lx106");
        expect(figures(qemu.transcript).heapEnd).toBe(0);
        expect(figures(host.transcript).heapEnd).toBe(0);
      });

      it(`${key}: QEMU transcript == host transcript == Node transcript`, () => {
        const { qemu, host, node } = runs[key];
        expect(comparable(qemu.transcript)).toEqual(comparable(host.transcript));
        expect(comparable(host.transcript)).toEqual(comparable(node));
      });
    }

    it(`${name}: the interpreter's and the native engine's QEMU transcripts are identical`, () => {
      expect(comparable(runs[`${name} native`].qemu.transcript)).toEqual(comparable(runs[`${name} wasm`].qemu.transcript));
    });
  }

  it("the default session covers the whole client: connect, subscribe, QoS 0/1/2 both ways, ping, drop, session present", () => {
    const t = comparable(runs["default wasm"].qemu.transcript);
    expect(t).toMatch(/^> opened\nout 10/m);                       // CONNECT
    expect(t).toContain("ev connect sp=0");
    expect(t).toContain("ev suback 1 0 1 2 0");                    // four filters
    expect(t).toMatch(/ev message sensors\/t 32312e35 q0 r0/);
    expect(t).toMatch(/ev message cmd\/led 6f6e q1 r0\nout 40020007/); // PUBACK after delivery
    expect(t).toMatch(/ev message status 74776f q2 r0\nout 50020008/); // PUBREC
    expect(t).toContain("> in 62020008\nout 70020008");            // PUBCOMP
    expect(t).toContain("q0 r0 overflow");                          // 1500 bytes > 1024
    expect(t).toContain("> in 40020002\nev puback 21");            // outbound QoS 1
    expect(t).toContain("> in 50020003\nout 62020003");            // outbound QoS 2: PUBREL
    expect(t).toContain("> in 70020003\nev puback 22");
    expect(t).toContain("> time 1\nout c000");                     // PINGREQ at 30 s
    expect(t).toContain("> closed\nev offline");
    expect(t).toMatch(/> time 2000\nlink open broker\.lan:1883/);   // reconnect after backoff
    expect(t).toMatch(/ev connect sp=1\nout 3a/);                   // resent with DUP
    expect(t).toContain("ev puback 24");
    expect(t).toContain("ev puback 25");
    expect(t).toMatch(/> close\n= true\nev offline\nout e000\nlink close/);
  });

  it("the edge session reaches refusals, errors, overflow and backpressure", () => {
    const t = comparable(runs["edges wasm"].qemu.transcript);
    // a segment's acks outgrow the out records: every PUBCOMP still goes out, in order, on the same link
    const pubcomps = (first: number) => pubrelSegment(first).replace(/6202/g, "7002");
    expect(t).toContain(`out ${pubcomps(1)}\n`);
    expect(t).toContain(`out ${pubcomps(366)}\n`);
    expect(t).toContain("> failed -3\nev connfail -3");
    expect(t).toContain("ev connfail 5");
    expect(t).toContain("ev suback 9 128");
    expect(t).toMatch(/ev message a 6262626262626262626262626262626\d q0 r0 overflow/);
    expect(t).toContain("> publish a/+ 0 0 1 bad\n= error");
    expect(t).toMatch(/ev error 13 topic name contains a wildcard/);
  });

  it("the bounds session: a long topic whole, one past the bound as overflow, 100 QoS 2 messages in flight delivered once", () => {
    const t = comparable(runs["bounds wasm"].qemu.transcript);
    expect(t).toContain(`ev message ${LONG_TOPIC} ${hex("whole")} q0 r0\n`);
    expect(t).toContain(`ev message ${TOO_LONG_TOPIC.slice(0, TOPIC_BOUND)} ${hex("cut")} q0 r0 overflow\n`);
    expect(t).toMatch(/ev message next 6166746572 q1 r0\nout 40020001\n/);   // the session went on
    const delivered = [...t.matchAll(/^ev message w ([0-9a-f]+) q2 r0$/gm)].map((m) => Buffer.from(m[1], "hex").toString());
    expect(delivered).toEqual(Array.from({ length: WINDOWED }, (_, k) => String(k + 1)));   // once each, in order
    const pubrecs = Array.from({ length: WINDOWED }, (_, k) => `5002${id16(k + 1)}`).join("");
    expect(t).toContain(`out ${pubrecs}\n`);
    // the resent id 50 is acknowledged again and not delivered twice
    expect(t).toContain(`> in ${publishPacket("w", ascii("50"), 2, 50, 8)}\nout 50020032\n> in 6202`);
    const pubcomps = Array.from({ length: WINDOWED }, (_, k) => `7002${id16(k + 1)}`).join("");
    expect(t).toContain(`out ${pubcomps}\n`);
    expect(t.slice(0, t.indexOf("> close"))).not.toMatch(/^ev (error|warning|offline|link error)/m);
  });

  it.each(ENGINES)("measures the lx106 figures of the %s engine: heap, stack, instructions per inbound 64-byte QoS 0 PUBLISH", (engine) => {
    const { qemu } = runs[`default ${engine}`];
    const f = figures(qemu.transcript);
    expect(f.heapPeak).toBeGreaterThan(f.heapNow[0]);
    expect(f.stackPeak).toBeGreaterThan(256);
    expect(qemu.regions).toHaveLength(4);
    expect(new Set(qemu.regions).size).toBe(1);                     // exact and repeatable
    expect(qemu.regions[0]).toBeGreaterThan(1000);
    // The chip faults on loads narrower than 32 bits from flash; none may happen per publish.
    expect(qemu.narrowFlashLoads).toEqual([0, 0, 0, 0]);
    console.log(`lx106 session (${engine}): heap peak ${f.heapPeak} B (connected, 4 subscriptions: ${f.heapNow[0]} B), stack peak ${f.stackPeak} B, ${qemu.regions[0]} instructions and ${qemu.narrowFlashLoads[0]} narrow flash loads per inbound 64-byte QoS 0 PUBLISH`);
  });

  it("the native engine spends a fraction of the interpreter's instructions and heap per publish", () => {
    const wasm = runs["default wasm"].qemu, native = runs["default native"].qemu;
    expect(native.regions[0] * 5).toBeLessThan(wasm.regions[0]);
    expect(figures(native.transcript).heapPeak).toBeLessThan(figures(wasm.transcript).heapPeak);
  });
});
