// Property-based round trips (fast-check) between the engine and mqtt-packet, arbitrary input
// without traps, and the build's shape (no floats).
import { describe, it, expect } from "vitest";
import fc from "fast-check";
import { execFileSync } from "node:child_process";
import { join } from "node:path";
import { EngineCodec } from "../../host/engine/codec.js";
import { packageRoot } from "../../host/engine/index.js";
import { Rig, encode } from "./harness.js";
import { itemsToPackets, normalize } from "./items.js";

/** Topic names: any text without wildcards or U+0000, non-empty, short enough for the engine. */
const topicName = fc.string({ unit: "grapheme", minLength: 1, maxLength: 40 })
  .filter((s) => !/[+#\u0000]/.test(s) && Buffer.byteLength(s) <= 256);
const level = fc.oneof(fc.constant("+"), fc.string({ unit: "grapheme", maxLength: 6 }).filter((s) => !/[+#/\u0000]/.test(s)));
const topicFilter = fc.tuple(fc.array(level, { minLength: 1, maxLength: 5 }), fc.boolean())
  .map(([levels, hash]) => (hash ? [...levels, "#"] : levels).join("/"))
  .filter((s) => s.length > 0 && Buffer.byteLength(s) <= 300);
const qos = fc.constantFrom(0, 1, 2);
const pid = fc.integer({ min: 1, max: 65535 });
const payload = fc.uint8Array({ maxLength: 3000 });

const anyPacket = fc.oneof(
  fc.record({ cmd: fc.constant("publish"), topic: topicName, payload: payload.map((b) => Buffer.from(b)), qos, retain: fc.boolean(), messageId: pid })
    .chain((p) => fc.boolean().map((dup) => ({ ...p, dup: p.qos > 0 && dup }))),
  fc.record({ cmd: fc.constant("connect"), protocolId: fc.constant("MQTT"), protocolVersion: fc.constant(4), clean: fc.boolean(),
    keepalive: fc.integer({ min: 0, max: 65535 }), clientId: fc.string({ maxLength: 30 }).filter((s) => !s.includes("\u0000")),
    username: fc.option(fc.string({ maxLength: 10 }).filter((s) => !s.includes("\u0000")), { nil: undefined }),
    will: fc.option(fc.record({ topic: topicName, payload: payload.map((b) => Buffer.from(b)), qos, retain: fc.boolean() }), { nil: undefined }) })
    .filter((c) => c.clean || c.clientId.length > 0)
    .chain((c) => fc.option(fc.uint8Array({ maxLength: 20 }), { nil: undefined }).map((pw) => (c.username !== undefined && pw ? { ...c, password: Buffer.from(pw) } : c))),
  fc.record({ cmd: fc.constant("subscribe"), messageId: pid, subscriptions: fc.array(fc.record({ topic: topicFilter, qos }), { minLength: 1, maxLength: 6 }) }),
  fc.record({ cmd: fc.constant("suback"), messageId: pid, granted: fc.array(fc.constantFrom(0, 1, 2, 128), { minLength: 1, maxLength: 8 }) }),
  fc.record({ cmd: fc.constant("unsubscribe"), messageId: pid, unsubscriptions: fc.array(topicFilter, { minLength: 1, maxLength: 4 }) }),
  fc.record({ cmd: fc.constantFrom("puback", "pubrec", "pubrel", "pubcomp", "unsuback"), messageId: pid }),
  fc.record({ cmd: fc.constant("connack"), returnCode: fc.integer({ min: 0, max: 5 }) })
    .chain((c) => fc.boolean().map((sp) => ({ ...c, sessionPresent: c.returnCode === 0 && sp }))),
  fc.record({ cmd: fc.constantFrom("pingreq", "pingresp", "disconnect") }),
);

describe("round trips", () => {
  it("the codec parses any packet mqtt-packet generates, split anywhere", () => {
    fc.assert(fc.property(fc.array(anyPacket, { minLength: 1, maxLength: 5 }), fc.nat(), (packets, cutSeed) => {
      const stream = Buffer.concat(packets.map((p) => Buffer.from(encode(p))));
      const cut = cutSeed % (stream.length + 1);
      const codec = new EngineCodec();
      const a = codec.parse(stream.subarray(0, cut));
      const b = codec.parse(stream.subarray(cut));
      expect(a.error + b.error).toBe(0);
      expect(itemsToPackets([...a.items, ...b.items]).map(normalize)).toEqual(packets.map(normalize));
    }), { numRuns: 300 });
  });

  it("inbound PUBLISH: what the broker sends is what the application gets", () => {
    const rig = new Rig({ maxMessageLength: 4096 });
    rig.connect();
    rig.take();
    let id = 0;
    fc.assert(fc.property(topicName, payload, qos, fc.boolean(), (topic, body, q, retain) => {
      rig.feed({ cmd: "publish", topic, payload: Buffer.from(body), qos: q, retain, messageId: ++id });
      if (q === 2) rig.feed({ cmd: "pubrel", messageId: id });
      const ev = rig.take();
      expect(ev).toEqual([{ type: "message", topic: Buffer.from(topic).toString(), payload: body, qos: q, retain, dup: false, overflow: false }]);
    }), { numRuns: 300 });
  });

  it("outbound PUBLISH: mqtt-packet reads what the application published", () => {
    const rig = new Rig();
    rig.connect();
    rig.packets();
    fc.assert(fc.property(topicName, payload, qos, fc.boolean(), (topic, body, q, retain) => {
      expect(rig.engine.publish(topic, body, q, retain, 1, rig.now)).toBe(true);
      const [p] = rig.packets() as any[];
      expect(normalize(p)).toEqual(normalize({ cmd: "publish", topic: Buffer.from(topic).toString(), payload: body, qos: q, retain, dup: false, messageId: p.messageId }));
      if (q === 1) rig.feed({ cmd: "puback", messageId: p.messageId });
      if (q === 2) {
        rig.feed({ cmd: "pubrec", messageId: p.messageId });
        rig.feed({ cmd: "pubcomp", messageId: p.messageId });
      }
      rig.packets();
      rig.take();
    }), { numRuns: 300 });
  });

  it("the largest remaining length (268,435,455) is accepted and streamed", () => {
    const codec = new EngineCodec();
    const header = new Uint8Array([0x30, 0xff, 0xff, 0xff, 0x7f, 0x00, 0x01, 0x74, 1, 2, 3]);
    const { items, error } = codec.parse(header);
    expect(error).toBe(0);
    expect(items[0]).toEqual({ item: 1, a: 3, b: 268435455 });
    expect(items.find((i) => i.item === 4 && i.a === 14)?.b).toBe(268435455 - 3);
    expect(items.filter((i) => i.item === 5 && i.a === 14).reduce((n, i) => n + i.b, 0)).toBe(3);
  });
});

describe("arbitrary bytes", () => {
  it("never trap: the codec and the client either parse or report an error", () => {
    fc.assert(fc.property(fc.array(fc.uint8Array({ maxLength: 64 }), { maxLength: 8 }), (chunks) => {
      const codec = new EngineCodec();
      for (const c of chunks) {
        const { items, error } = codec.parse(c);
        expect(items.length).toBeLessThanOrEqual(c.length * 3 + 4);
        if (error) {
          expect(codec.errorText(error)).not.toBe("unknown error");
          break;
        }
      }
      const rig = new Rig();
      rig.connect({ autoReconnect: true });
      rig.take();
      const mark = rig.engine.memoryHighWater();
      for (const c of chunks) rig.engine.received(c, rig.now);
      const ev = rig.take();
      const err = ev.findIndex((e) => e.type === "protocol-error");
      if (err >= 0) expect(ev.slice(err + 1, err + 3).map((e) => e.type)).toEqual(["close", "offline"]);
      expect(rig.engine.memoryHighWater()).toBe(mark);
    }), { numRuns: 500 });
  });
});

describe("the build", () => {
  it("engine.wasm has no floating-point types or instructions", () => {
    const wasm = join(packageRoot(), "build", "engine.wasm");
    const text = execFileSync(join(packageRoot(), "node_modules", ".bin", "wasm-dis"), [wasm], { encoding: "utf8" });
    expect(text).toContain("(export \"publish\"");
    expect(text.match(/\b(f32|f64)\b/g)).toBe(null);
    // and no 64-bit arithmetic or divisions either (the lx106 has no divider and no 64-bit
    // helpers): at most constants compared, masked and shifted by a constant, which compile to
    // 32-bit instructions
    const ops = [...new Set(text.match(/\bi64\.\w+/g) ?? [])];
    expect(ops.filter((op) => !["i64.const", "i64.eqz", "i64.ne", "i64.and", "i64.shr_u"].includes(op))).toEqual([]);
    const shifts = text.match(/i64\.shr_u/g)?.length ?? 0;
    expect(text.match(/\(i64\.shr_u\s+\([^()]*\)\s+\(i64\.const \d+\)/g)?.length ?? 0).toBe(shifts);
    expect(text.match(/i32\.(div|rem)_[su]/g)).toBe(null);
  });
});

describe("ABI misuse by a host", () => {
  it("lengths beyond io, unknown kinds and handles never trap", async () => {
    const { instantiate } = await import("../../host/engine/index.js");
    const { ERR, KIND } = await import("../../host/engine/abi_table.js");
    const noop = () => {};
    const x = instantiate({ send: noop, release: noop, event: noop, message: noop });
    const size = x.io_size();
    expect(x.text(KIND.TOPIC, size + 1, 1)).toBe(ERR.ARG_IO);
    expect(x.codec_parse(-1)).toBe(ERR.ARG_IO);
    expect(x.codec_parse(0x7fffffff)).toBe(ERR.ARG_IO);
    x.received(size * 100, 0);
    x.codec_generate(9, 1, 0, 1 << 30);
    expect(x.field(200, 1, 3)).toBeGreaterThan(0);
    expect(x.publish(1, 100000, 5, 2, 1, 0)).toBeLessThan(0); // topic not checked through text()
    expect(x.subscribe(1, 0)).toBeLessThan(0); // nothing staged
    for (let kind = -3; kind < 300; kind += 7) expect(typeof x.field(kind, 7, 3)).toBe("number");
    expect(x.close(0)).toBe(0);
    expect(x.high_water()).toBeGreaterThan(0);
  });

  it("a publish whose packet would pass MQTT's largest remaining length (268,435,455) is refused as too long", async () => {
    const { instantiate } = await import("../../host/engine/index.js");
    const noop = () => {};
    const x = instantiate({ send: noop, release: noop, event: noop, message: noop });
    new Uint8Array(x.memory.buffer, x.io_ptr(), 1).set([0x74]); // topic "t"
    // no session runs: a publish that fits is turned away (0), one that cannot fit in any packet is an error (-50)
    expect(x.publish(1, 1, 268435455 - 3, 0, 1, 0)).toBe(0);
    expect(x.publish(1, 1, 268435455 - 2, 0, 1, 0)).toBe(-50);
    expect(x.publish(1, 1, 268435455 - 5, 2, 1, 0)).toBe(0); // QoS 1: a packet id too
    expect(x.publish(1, 1, 268435455 - 4, 2, 1, 0)).toBe(-50);
    const { errorText } = await import("../../host/engine/abi_table.js");
    expect(errorText(50)).toMatch(/publish: .*268,435,455 bytes/);
  });
});

describe("mutated packets", () => {
  it("valid streams with bytes flipped, cut or inserted never trap or hang", () => {
    fc.assert(fc.property(fc.array(anyPacket, { minLength: 1, maxLength: 4 }),
      fc.array(fc.tuple(fc.nat(), fc.integer({ min: 0, max: 255 }), fc.constantFrom("flip", "cut", "insert")), { minLength: 1, maxLength: 4 }),
      (packets, edits) => {
        let bytes = [...Buffer.concat(packets.map((p) => Buffer.from(encode(p))))];
        for (const [at, value, how] of edits) {
          const i = at % (bytes.length + 1);
          if (how === "flip" && i < bytes.length) bytes[i] = value;
          else if (how === "cut") bytes = bytes.slice(0, i).concat(bytes.slice(i + 1));
          else bytes.splice(i, 0, value);
        }
        const input = new Uint8Array(bytes);
        const codec = new EngineCodec();
        const { error } = codec.parse(input);
        expect(error === 0 || codec.errorText(error) !== "unknown error").toBe(true);
        const rig = new Rig();
        rig.connect({ autoReconnect: true });
        rig.take();
        rig.engine.received(input, rig.now);
        const ev = rig.take();
        const err = ev.findIndex((e) => e.type === "protocol-error");
        if (err >= 0) expect(ev.slice(err + 1, err + 3).map((e) => e.type)).toEqual(["close", "offline"]);
        // the session goes on: a reconnect is due (after an error) or the connection is still usable
        expect(rig.engine.nextWakeup()).not.toBe(null);
      }), { numRuns: 400 });
  });
});
