// Malformed input: every rule of MQTT 3.1.1 about a packet's form, each vector asserting the
// specific error, in codec mode (whole and byte by byte) and through a client (protocol error,
// close, offline; connfail -4 before CONNACK) without a trap.
import { describe, it, expect } from "vitest";
import { EngineCodec } from "../../host/engine/codec.js";
import { Rig } from "./harness.js";

const E = {
  RESERVED_TYPE: 1, HEADER_FLAGS: 2, QOS3: 3, DUP_QOS0: 4, LENGTH_TOO_LONG: 5, LENGTH_MISMATCH: 6, TRUNCATED: 7,
  TRAILING: 8, PID_ZERO: 9, UTF8: 10, NUL: 11, EMPTY_TOPIC: 12, TOPIC_WILDCARD: 13, FILTER_WILDCARD: 14,
  PROTOCOL_NAME: 15, PROTOCOL_LEVEL: 16, CONNECT_FLAGS: 17, CONNACK_FLAGS: 18, CONNACK_CODE: 19, CONNACK_SESSION: 20,
  REQUESTED_QOS: 21, SUBACK_CODE: 22, NO_ENTRIES: 23, CLIENT_PACKET: 24, EMPTY_FILTER: 29,
};

type Vector = { name: string; bytes: number[]; code: number };
const V: Vector[] = [];
const add = (name: string, bytes: number[], code: number) => V.push({ name, bytes, code });
const str = (s: string | number[]) => {
  const b = typeof s === "string" ? [...Buffer.from(s)] : s;
  return [b.length >> 8, b.length & 255, ...b];
};
const packet = (first: number, body: number[]) => [first, body.length, ...body];
const connect = (o: { name?: string; level?: number; flags?: number; rest?: number[] }) =>
  packet(0x10, [...str(o.name ?? "MQTT"), o.level ?? 4, o.flags ?? 2, 0, 60, ...(o.rest ?? str("c"))]);

for (const t of [0, 15]) for (const f of [0, 1, 2, 15]) add(`type ${t} flags ${f}`, [(t << 4) | f, 0], E.RESERVED_TYPE);
for (const t of [1, 2, 4, 5, 7, 9, 11, 12, 13, 14]) for (const f of [1, 2, 8]) add(`type ${t} flags ${f}`, [(t << 4) | f, 0], E.HEADER_FLAGS);
for (const t of [6, 8, 10]) for (const f of [0, 3, 10]) add(`type ${t} flags ${f}`, [(t << 4) | f, 2, 0, 1], E.HEADER_FLAGS);
for (const f of [6, 7, 14, 15]) add(`PUBLISH flags ${f} (QoS 3)`, [0x30 | f, 3, 0, 1, 0x61], E.QOS3);
for (const f of [8, 9]) add(`PUBLISH flags ${f} (DUP at QoS 0)`, [0x30 | f, 3, 0, 1, 0x61], E.DUP_QOS0);
add("remaining length 5 bytes (max)", [0x30, 0xff, 0xff, 0xff, 0xff, 0x7f], E.LENGTH_TOO_LONG);
add("remaining length 5 bytes (non-minimal)", [0x30, 0x80, 0x80, 0x80, 0x80, 0x01], E.LENGTH_TOO_LONG);
add("PINGRESP remaining length 5 bytes", [0xd0, 0x80, 0x80, 0x80, 0x80, 0x00], E.LENGTH_TOO_LONG);
for (const rl of [0, 1, 3]) add(`CONNACK remaining length ${rl}`, [0x20, rl, 0, 0, 0].slice(0, 2 + rl), E.LENGTH_MISMATCH);
for (const first of [0x40, 0x50, 0x62, 0x70, 0xb0]) for (const rl of [0, 1, 3]) add(`${first.toString(16)} remaining length ${rl}`, [first, rl, 0, 1, 0].slice(0, 2 + rl), E.LENGTH_MISMATCH);
for (const first of [0xc0, 0xd0, 0xe0]) for (const rl of [1, 2]) add(`${first.toString(16)} remaining length ${rl}`, [first, rl, 0, 0].slice(0, 2 + rl), E.LENGTH_MISMATCH);
for (const first of [0x40, 0x50, 0x62, 0x70, 0xb0]) add(`${first.toString(16)} packet id 0`, [first, 2, 0, 0], E.PID_ZERO);
add("SUBACK packet id 0", [0x90, 3, 0, 0, 0], E.PID_ZERO);
add("PUBLISH QoS 1 packet id 0", packet(0x32, [...str("a"), 0, 0]), E.PID_ZERO);
add("PUBLISH QoS 2 packet id 0", packet(0x34, [...str("a"), 0, 0, 1]), E.PID_ZERO);
add("SUBSCRIBE packet id 0", packet(0x82, [0, 0, ...str("a"), 0]), E.PID_ZERO);
add("UNSUBSCRIBE packet id 0", packet(0xa2, [0, 0, ...str("a")]), E.PID_ZERO);
const badUtf8: Array<[string, number[]]> = [
  ["overlong 2-byte", [0xc0, 0x80]], ["overlong 2-byte C1", [0xc1, 0xbf]], ["overlong 3-byte", [0xe0, 0x80, 0x80]],
  ["overlong 4-byte", [0xf0, 0x80, 0x80, 0x80]], ["surrogate D800", [0xed, 0xa0, 0x80]], ["surrogate DFFF", [0xed, 0xbf, 0xbf]],
  ["above U+10FFFF", [0xf4, 0x90, 0x80, 0x80]], ["lone continuation", [0x80]], ["truncated sequence", [0x61, 0xe2, 0x82]],
  ["F5 lead", [0xf5, 0x80, 0x80, 0x80]], ["FF byte", [0xff]], ["FE byte", [0xfe]], ["lead then ASCII", [0xc3, 0x41]],
  ["4-byte lead then ASCII", [0xf0, 0x9f, 0x98, 0x41]],
];
for (const [name, b] of badUtf8) add(`PUBLISH topic ${name}`, packet(0x30, [...str(b), 0x78]), E.UTF8);
for (const [name, b] of badUtf8.slice(0, 5)) add(`CONNECT client id ${name}`, connect({ rest: str(b) }), E.UTF8);
for (const [name, b] of badUtf8.slice(5, 9)) add(`SUBSCRIBE filter ${name}`, packet(0x82, [0, 1, ...str(b), 0]), E.UTF8);
add("PUBLISH topic with U+0000", packet(0x30, [...str([0x61, 0x00, 0x62])]), E.NUL);
add("CONNECT username with U+0000", connect({ flags: 0x82, rest: [...str("c"), ...str([0])] }), E.NUL);
add("UNSUBSCRIBE filter with U+0000", packet(0xa2, [0, 1, ...str([0])]), E.NUL);
for (const t of ["a/+", "+", "#", "a#", "a/+/b", "sport/tennis/#"]) add(`PUBLISH topic ${t}`, packet(0x30, [...str(t)]), E.TOPIC_WILDCARD);
add("CONNECT will topic with wildcard", connect({ flags: 0x06, rest: [...str("c"), ...str("w/#"), ...str("m")] }), E.TOPIC_WILDCARD);
add("PUBLISH empty topic", packet(0x30, [...str(""), 0x61]), E.EMPTY_TOPIC);
add("CONNECT empty will topic", connect({ flags: 0x06, rest: [...str("c"), ...str(""), ...str("m")] }), E.EMPTY_TOPIC);
for (const f of ["a+", "+a", "a#", "#/a", "a/#/b", "a/b#", "++", "a/+b", "##", "é+"]) add(`SUBSCRIBE filter ${f}`, packet(0x82, [0, 1, ...str(f), 0]), E.FILTER_WILDCARD);
add("UNSUBSCRIBE filter a/b#", packet(0xa2, [0, 1, ...str("a/b#")]), E.FILTER_WILDCARD);
add("SUBSCRIBE empty filter", packet(0x82, [0, 1, ...str(""), 0]), E.EMPTY_FILTER);
add("UNSUBSCRIBE empty filter", packet(0xa2, [0, 1, ...str("")]), E.EMPTY_FILTER);
for (const f of [0x02, 0x80, 0xfe]) add(`CONNACK flags ${f}`, [0x20, 2, f, 0], E.CONNACK_FLAGS);
for (const rc of [6, 0x80, 0xff]) add(`CONNACK return code ${rc}`, [0x20, 2, 0, rc], E.CONNACK_CODE);
for (const rc of [1, 5]) add(`CONNACK session present with refusal ${rc}`, [0x20, 2, 1, rc], E.CONNACK_SESSION);
for (const rc of [3, 0x7f, 0x81, 0xff]) add(`SUBACK return code ${rc}`, [0x90, 3, 0, 1, rc], E.SUBACK_CODE);
add("SUBACK without return codes", [0x90, 2, 0, 1], E.NO_ENTRIES);
for (const q of [3, 4, 0x80]) add(`SUBSCRIBE requested QoS ${q}`, packet(0x82, [0, 1, ...str("a"), q]), E.REQUESTED_QOS);
add("SUBSCRIBE without filters", [0x82, 2, 0, 1], E.NO_ENTRIES);
add("UNSUBSCRIBE without filters", [0xa2, 2, 0, 1], E.NO_ENTRIES);
add("CONNECT protocol name MQIsdp", connect({ name: "MQIsdp", level: 3 }), E.PROTOCOL_NAME);
add("CONNECT protocol name MQTX", connect({ name: "MQTX" }), E.PROTOCOL_NAME);
add("CONNECT protocol name mqtt", connect({ name: "mqtt" }), E.PROTOCOL_NAME);
add("CONNECT protocol level 3", connect({ level: 3 }), E.PROTOCOL_LEVEL);
add("CONNECT protocol level 5", connect({ level: 5 }), E.PROTOCOL_LEVEL);
for (const [name, flags] of [["reserved bit", 0x03], ["will QoS without will", 0x0a], ["will retain without will", 0x22],
  ["will QoS 3", 0x1e], ["password without username", 0x42]] as Array<[string, number]>) {
  add(`CONNECT flags: ${name}`, connect({ flags }), E.CONNECT_FLAGS);
}
add("PUBLISH topic longer than the packet", [0x30, 3, 0, 5, 0x61], E.TRUNCATED);
add("PUBLISH QoS 1 without room for the packet id", packet(0x32, [...str("a")]), E.TRUNCATED);
add("SUBSCRIBE filter without requested QoS", packet(0x82, [0, 1, ...str("a")]), E.TRUNCATED);
add("SUBSCRIBE filter length beyond the packet", [0x82, 4, 0, 1, 0, 5], E.TRUNCATED);
add("SUBSCRIBE one byte where a filter should start", packet(0x82, [0, 1, ...str("a"), 0, 0]), E.TRUNCATED);
add("UNSUBSCRIBE one byte where a filter should start", packet(0xa2, [0, 1, ...str("a"), 0]), E.TRUNCATED);
add("CONNECT ends before keepalive", packet(0x10, [...str("MQTT"), 4, 2, 0]), E.TRUNCATED);
add("CONNECT ends before client id", packet(0x10, [...str("MQTT"), 4, 2, 0, 60]), E.TRUNCATED);
add("CONNECT will flag but no will message", connect({ flags: 0x06, rest: [...str("c"), ...str("w")] }), E.TRUNCATED);
add("CONNECT username flag but no username", connect({ flags: 0x82 }), E.TRUNCATED);
add("CONNECT byte after the last field", connect({ rest: [...str("c"), 0] }), E.TRAILING);
add("CONNECT username and password flags, extra bytes", connect({ flags: 0xc2, rest: [...str("c"), ...str("u"), ...str("p"), 1, 2] }), E.TRAILING);

const CLIENT_ONLY = new Set([1, 8, 10, 12, 14]);
const HEADER_LEVEL = new Set([E.RESERVED_TYPE, E.HEADER_FLAGS, E.QOS3, E.DUP_QOS0, E.LENGTH_TOO_LONG, E.LENGTH_MISMATCH]);

describe("malformed packets", () => {
  it("has more than 100 vectors", () => {
    expect(V.length).toBeGreaterThan(100);
  });

  it.each(V)("$name -> error $code", ({ bytes, code }) => {
    const input = new Uint8Array(bytes);
    const whole = new EngineCodec();
    expect(whole.parse(input).error).toBe(code);
    // byte by byte: the same error, at the same byte or earlier, never past it
    const split = new EngineCodec();
    let err = 0;
    for (let i = 0; i < input.length && err === 0; i++) err = split.parse(input.subarray(i, i + 1)).error;
    expect(err).toBe(code);
    // after an error the parser stays failed until reset
    expect(whole.parse(new Uint8Array([0xd0, 0])).error).toBe(code);
    whole.reset();
    expect(whole.parse(new Uint8Array([0xd0, 0])).error).toBe(0);

    // the client: a protocol error naming the code, close, and the session handled
    const type = bytes[0] >> 4;
    const rig = new Rig();
    const expectCode = HEADER_LEVEL.has(code) ? code : CLIENT_ONLY.has(type) ? E.CLIENT_PACKET : code;
    if (type === 2 && !HEADER_LEVEL.has(code)) {
      rig.engine.start({ clientId: "c", keepaliveSeconds: 0, cleanSession: true, autoReconnect: false }, rig.now, 1);
      rig.engine.transportOpened(rig.now);
      rig.take();
      rig.feed(input);
      const ev = rig.take();
      expect(ev.map((e) => e.type)).toEqual(["protocol-error", "close", "connfail"]);
      expect(ev[0]).toMatchObject({ code: expectCode, message: whole.errorText(expectCode) });
      expect(ev[2]).toEqual({ type: "connfail", reason: -4, retrying: false });
      return;
    }
    rig.connect();
    rig.take();
    for (const b of bytes) rig.feed(new Uint8Array([b]));
    const ev = rig.take();
    expect(ev.map((e) => e.type)).toEqual(["protocol-error", "close", "offline"]);
    expect((ev[0] as any).code).toBe(expectCode);
    expect((ev[0] as any).message.length).toBeGreaterThan(10);
  });
});
