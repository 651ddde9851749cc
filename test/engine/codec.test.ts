// The codec inside build/engine.wasm: byte-exact vectors from the MQTT 3.1.1 standard for all 14
// packet types, generated through the client ABI (and codec mode for the 4 packets only brokers
// send) and parsed in codec mode; differential checks against mqtt-packet, codec mode's broker
// packets included.
import { describe, it, expect } from "vitest";
import mqttPacket from "mqtt-packet";
import { EngineCodec } from "../../host/engine/codec.js";
import { Rig, encode, decodeAll } from "./harness.js";
import { itemsToPackets, normalize } from "./items.js";

const hex = (s: string) => new Uint8Array(s.trim().split(/\s+/).map((h) => parseInt(h, 16)));
const toHex = (b: Uint8Array) => Array.from(b, (x) => x.toString(16).padStart(2, "0")).join(" ");
const bytes = (s: string) => new TextEncoder().encode(s);

/** What the client engine sends in reaction to something, as hex. */
function sentHex(rig: Rig, act: () => void): string {
  const before = rig.sent.length;
  act();
  return toHex(Buffer.concat(rig.sent.slice(before)));
}

function connected(): Rig {
  const rig = new Rig();
  rig.connect({ clientId: "c", keepaliveSeconds: 60 });
  rig.take();
  return rig;
}

/** The 14 packet types: standard bytes, and the fields our parser must report. */
const VECTORS: Array<{ name: string; hex: string; packet: Record<string, unknown> }> = [
  { name: "CONNECT", hex: "10 0d 00 04 4d 51 54 54 04 02 00 3c 00 01 63",
    packet: { cmd: "connect", protocolId: "MQTT", protocolVersion: 4, clean: true, keepalive: 60, clientId: "c" } },
  { name: "CONNACK", hex: "20 02 01 00", packet: { cmd: "connack", sessionPresent: true, returnCode: 0 } },
  { name: "PUBLISH", hex: "32 09 00 03 61 2f 62 00 01 68 69",
    packet: { cmd: "publish", qos: 1, dup: false, retain: false, topic: "a/b", messageId: 1, payload: Buffer.from("hi") } },
  { name: "PUBACK", hex: "40 02 00 07", packet: { cmd: "puback", messageId: 7 } },
  { name: "PUBREC", hex: "50 02 00 08", packet: { cmd: "pubrec", messageId: 8 } },
  { name: "PUBREL", hex: "62 02 00 01", packet: { cmd: "pubrel", messageId: 1 } },
  { name: "PUBCOMP", hex: "70 02 00 09", packet: { cmd: "pubcomp", messageId: 9 } },
  { name: "SUBSCRIBE", hex: "82 0f 00 01 00 03 61 2f 2b 01 00 04 62 2f 2f 23 02",
    packet: { cmd: "subscribe", messageId: 1, subscriptions: [{ topic: "a/+", qos: 1 }, { topic: "b//#", qos: 2 }] } },
  { name: "SUBACK", hex: "90 05 00 0a 00 02 80", packet: { cmd: "suback", messageId: 10, granted: [0, 2, 0x80] } },
  { name: "UNSUBSCRIBE", hex: "a2 07 00 01 00 03 61 2f 2b",
    packet: { cmd: "unsubscribe", messageId: 1, unsubscriptions: ["a/+"] } },
  { name: "UNSUBACK", hex: "b0 02 00 0b", packet: { cmd: "unsuback", messageId: 11 } },
  { name: "PINGREQ", hex: "c0 00", packet: { cmd: "pingreq" } },
  { name: "PINGRESP", hex: "d0 00", packet: { cmd: "pingresp" } },
  { name: "DISCONNECT", hex: "e0 00", packet: { cmd: "disconnect" } },
];

describe("standard vectors", () => {
  it("generates all 14 packet types byte-exact", () => {
    const got: Record<string, string> = {};
    const rig = new Rig();
    got.CONNECT = sentHex(rig, () => {
      rig.engine.start({ clientId: "c", keepaliveSeconds: 60, cleanSession: true, autoReconnect: false }, rig.now, 1);
      rig.engine.transportOpened(rig.now);
    });
    rig.feed({ cmd: "connack", returnCode: 0, sessionPresent: false });
    got.PUBLISH = sentHex(rig, () => rig.engine.publish("a/b", bytes("hi"), 1, false, 1, rig.now));
    got.PUBACK = sentHex(rig, () => rig.feed(hex("32 05 00 01 74 00 07")));
    got.PUBREC = sentHex(rig, () => rig.feed(hex("34 05 00 01 74 00 08")));
    got.PUBCOMP = sentHex(rig, () => rig.feed(hex("62 02 00 09")));
    rig.feed(hex("40 02 00 01"));
    const r2 = connected();
    r2.engine.publish("q", bytes(""), 2, false, 1, r2.now);
    got.PUBREL = sentHex(r2, () => r2.feed(hex("50 02 00 01")));
    const r3 = connected();
    got.SUBSCRIBE = sentHex(r3, () => r3.engine.subscribe([["a/+", 1], ["b//#", 2]], 1, r3.now));
    const r4 = connected();
    got.UNSUBSCRIBE = sentHex(r4, () => r4.engine.unsubscribe(["a/+"], 1, r4.now));
    got.PINGREQ = sentHex(r4, () => r4.advance(60_000));
    got.DISCONNECT = sentHex(r4, () => r4.engine.close(r4.now));
    const codec = new EngineCodec();
    got.CONNACK = toHex(codec.generate(2, 1, 0));
    got.SUBACK = toHex(codec.generate(9, 10, 0, new Uint8Array([0, 2, 0x80])));
    got.UNSUBACK = toHex(codec.generate(11, 11, 1));
    got.PINGRESP = toHex(codec.generate(13));
    for (const v of VECTORS) expect([v.name, got[v.name]]).toEqual([v.name, v.hex]);
  });

  it.each(VECTORS)("parses $name", (v) => {
    const codec = new EngineCodec();
    const { items, error } = codec.parse(hex(v.hex));
    expect(error).toBe(0);
    const [p] = itemsToPackets(items);
    expect(p).toMatchObject(v.packet);
    // and mqtt-packet agrees on the same bytes
    expect(normalize(decodeAll(hex(v.hex))[0] as any)).toEqual(normalize(p));
  });
});

describe("differential against mqtt-packet", () => {
  const samples: Record<string, unknown>[] = [
    { cmd: "connect", protocolId: "MQTT", protocolVersion: 4, clean: false, keepalive: 65535, clientId: "dev-ü-1",
      username: "user", password: Buffer.from([0, 1, 255]), will: { topic: "will/t", payload: Buffer.from("bye"), qos: 2, retain: true } },
    { cmd: "connect", protocolId: "MQTT", protocolVersion: 4, clean: true, keepalive: 0, clientId: "" },
    { cmd: "connect", protocolId: "MQTT", protocolVersion: 4, clean: true, keepalive: 10, clientId: "x", username: "" },
    { cmd: "connack", sessionPresent: false, returnCode: 5 },
    { cmd: "publish", topic: "t/😀/x", payload: Buffer.alloc(300, 9), qos: 2, dup: true, retain: true, messageId: 65535 },
    { cmd: "publish", topic: "t", payload: Buffer.alloc(0), qos: 0, dup: false, retain: false },
    { cmd: "publish", topic: "x".repeat(200), payload: Buffer.alloc(20000, 1), qos: 1, dup: false, retain: false, messageId: 2 },
    { cmd: "puback", messageId: 1 }, { cmd: "pubrec", messageId: 300 }, { cmd: "pubrel", messageId: 65535 },
    { cmd: "pubcomp", messageId: 5 },
    { cmd: "subscribe", messageId: 9, subscriptions: [{ topic: "#", qos: 0 }, { topic: "+/+/a", qos: 1 }, { topic: "/", qos: 2 }, { topic: "a/+", qos: 1 }] },
    { cmd: "suback", messageId: 9, granted: [0, 1, 2, 128] },
    { cmd: "unsubscribe", messageId: 10, unsubscriptions: ["#", "a/b"] },
    { cmd: "unsuback", messageId: 10 }, { cmd: "pingreq" }, { cmd: "pingresp" }, { cmd: "disconnect" },
  ];

  it("parses what mqtt-packet generates, as one stream, in any split", () => {
    const stream = Buffer.concat(samples.map((s) => Buffer.from(encode(s))));
    const want = samples.map((s) => normalize(decodeAll(encode(s))[0] as any));
    const codec = new EngineCodec();
    const whole = codec.parse(stream);
    expect(whole.error).toBe(0);
    expect(itemsToPackets(whole.items).map(normalize)).toEqual(want);
    // split into two pieces at every byte of the packets around the big payload (and every 97th
    // byte inside it), and byte by byte
    const big = Buffer.from(encode(samples[6]));
    const bigStart = stream.indexOf(big);
    expect(bigStart).toBeGreaterThan(0);
    for (let cut = 1; cut < stream.length; cut += cut > bigStart + 64 && cut < bigStart + big.length - 64 ? 97 : 1) {
      const c = new EngineCodec();
      const a = c.parse(stream.subarray(0, cut));
      const b = c.parse(stream.subarray(cut));
      expect(a.error + b.error).toBe(0);
      expect(itemsToPackets([...a.items, ...b.items]).map(normalize)).toEqual(want);
    }
    const c = new EngineCodec();
    const all = [];
    for (const byte of stream) all.push(...c.parse(new Uint8Array([byte])).items);
    expect(itemsToPackets(all).map(normalize)).toEqual(want);
  });

  it("mqtt-packet parses what the client engine generates", () => {
    const rig = new Rig();
    rig.engine.start({ clientId: "dev-ü-1", keepaliveSeconds: 65535, cleanSession: false, autoReconnect: false,
      username: "user", password: new Uint8Array([0, 1, 255]), will: { topic: "will/t", message: bytes("bye"), qos: 2, retain: true } }, 0, 1);
    rig.engine.transportOpened(0);
    expect(normalize(rig.packets()[0] as any)).toEqual(normalize(samples[0]));
    rig.feed({ cmd: "connack", returnCode: 0, sessionPresent: false });
    rig.engine.publish("t/😀/x", new Uint8Array(300).fill(9), 2, true, 1, 0);
    rig.engine.subscribe([["#", 0], ["+/+/a", 1], ["/", 2], ["a/+", 1]], 2, 0);
    rig.engine.unsubscribe(["#", "a/b"], 3, 0);
    const [pub, sub, unsub] = rig.packets() as any[];
    expect(normalize(pub)).toMatchObject({ topic: "t/😀/x", qos: 2, retain: true, payload: "09".repeat(300) });
    expect(normalize(sub)).toMatchObject({ subscriptions: (samples[11] as any).subscriptions });
    expect(normalize(unsub)).toMatchObject({ unsubscriptions: ["#", "a/b"] });
  });

  it("codec mode writes every packet a broker sends byte for byte as mqtt-packet does", () => {
    const codec = new EngineCodec();
    const same = (got: Uint8Array, packet: Record<string, unknown>) => expect(toHex(got)).toBe(toHex(encode(packet)));
    // every flag; remaining lengths of 127 and 128 (one and two bytes) and up to what io holds
    const topic = "sensors/ü"; // 10 bytes
    for (const [qos, id, retain, dup, size] of [[0, 0, false, false, 0], [0, 0, true, false, 115], [1, 7, false, false, 114],
      [1, 65535, true, true, 1500], [2, 8, false, true, 2038], [2, 1, true, false, 113]] as const) {
      const payload = new Uint8Array(size).map((_, i) => i);
      same(codec.publish(topic, payload, { qos, id, retain, dup }),
        { cmd: "publish", topic, payload: Buffer.from(payload), qos, messageId: qos ? id : undefined, retain, dup });
    }
    for (const [type, cmd] of [[4, "puback"], [5, "pubrec"], [6, "pubrel"], [7, "pubcomp"], [11, "unsuback"]] as const) {
      same(codec.generate(type, 258, 1), { cmd, messageId: 258 });
    }
    same(codec.generate(2, 1, 0), { cmd: "connack", sessionPresent: true, returnCode: 0 });
    same(codec.generate(9, 1, 0, new Uint8Array([0, 1, 2, 0x80])), { cmd: "suback", messageId: 1, granted: [0, 1, 2, 128] });
    same(codec.generate(13), { cmd: "pingresp" });
  });

  it("codec mode refuses a PUBLISH longer than io with a clear error, and the next one is whole", () => {
    const codec = new EngineCodec();
    expect(() => codec.publish("t", new Uint8Array(2048))).toThrow(/up to 2048 bytes of strings and payload \(io_size\); got 2049/);
    expect(toHex(codec.publish("t", new Uint8Array([1])))).toBe("30 04 00 01 74 01");
  });
});
