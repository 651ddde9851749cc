import { describe, it, expect } from "vitest";
import { instantiate, type ImportSink } from "../../host/engine/index.js";
import { Rig, encode } from "./harness.js";

const MSG_FIRST = 1, MSG_LAST = 2, MSG_TOPIC = 128;

function connected(): Rig {
  const rig = new Rig({ maxMessageLength: 100_000 });
  rig.connect();
  rig.packets();
  rig.take();
  return rig;
}

/** Feed `bytes` cut at `cuts` (offsets), as separate received() calls. */
function feedCut(rig: Rig, bytes: Uint8Array, cuts: number[]): void {
  let from = 0;
  for (const cut of [...cuts, bytes.length]) {
    rig.engine.received(bytes.subarray(from, cut), rig.now);
    from = cut;
  }
}

describe("inbound topics of any legal length", () => {
  const topic300 = "sensors/" + "ü😀x/".repeat(37) + "end"; // multi-byte UTF-8, 300+ bytes
  const payload = Buffer.from("payload after a long topic");

  it("a 300-byte topic arrives whole wherever the stream is cut (UTF-8 split across pieces)", () => {
    expect(Buffer.byteLength(topic300)).toBeGreaterThan(300);
    const packet = encode({ cmd: "publish", topic: topic300, payload, qos: 1, messageId: 7 });
    for (let cut = 1; cut < packet.length; cut++) {
      const rig = connected();
      feedCut(rig, packet, [cut]);
      expect(rig.take(), `cut at ${cut}`).toEqual([{ type: "message", topic: topic300, payload: new Uint8Array(payload),
        qos: 1, retain: false, dup: false, overflow: false }]);
      expect(rig.packets()).toMatchObject([{ cmd: "puback", messageId: 7 }]);
    }
    const rig = connected();
    feedCut(rig, packet, Array.from({ length: packet.length - 1 }, (_, i) => i + 1)); // a byte at a time
    expect(rig.take()).toMatchObject([{ topic: topic300, payload: new Uint8Array(payload) }]);
  });

  it("a 65,535-byte topic (MQTT's longest) passes through io in pieces, at odd cuts too", () => {
    const topic = "t/" + "abcdefghi/".repeat(6553) + "xyz";
    expect(Buffer.byteLength(topic)).toBe(65535);
    const packet = encode({ cmd: "publish", topic, payload, qos: 2, messageId: 9 });
    for (const step of [packet.length, 4093, 777, 2049]) {
      const rig = connected();
      const cuts: number[] = [];
      for (let at = step; at < packet.length; at += step) cuts.push(at);
      feedCut(rig, packet, cuts);
      const [m] = rig.take() as any[];
      expect(m.topic === topic, `step ${step}`).toBe(true);
      expect(Buffer.from(m.payload).equals(payload)).toBe(true);
      expect(rig.packets()).toMatchObject([{ cmd: "pubrec", messageId: 9 }]);
    }
  });

  it("topic rules still hold across pieces: a wildcard or broken UTF-8 late in a long topic is a protocol error", () => {
    const wildcard = encode({ cmd: "publish", topic: "a/".repeat(2000) + "+", payload: Buffer.from("p"), qos: 0 });
    // a topic ending in the first byte of a two-byte UTF-8 sequence: its last byte patched in
    const broken = Buffer.from(encode({ cmd: "publish", topic: "b".repeat(3000) + "X", payload: Buffer.from("p"), qos: 0 }));
    broken[broken.indexOf("X")] = 0xc3;
    for (const packet of [wildcard, broken]) {
      const rig = connected();
      rig.feed(packet);
      expect(rig.take().map((e) => e.type)).toEqual(["protocol-error", "close", "offline"]);
    }
  });
});

describe("the message import's topic (docs/abi.md)", () => {
  function rawSession(io: number) {
    const calls: Array<{ topic: string; data: string; total: number; flags: number }> = [];
    const blobs = new Map<number, Uint8Array>();
    const sink: ImportSink = {
      send() {},
      release() {},
      event() {},
      message(topicPtr, topicLen, ptr, len, total, flags) {
        const mem = Buffer.from(x.memory.buffer);
        calls.push({ topic: mem.toString("latin1", topicPtr, topicPtr + topicLen), data: mem.toString("latin1", ptr, ptr + len), total, flags });
      },
    };
    const x = instantiate(sink);
    x.layout(4, 32, 4, 4, io);
    new Uint8Array(x.memory.buffer, x.io_ptr(), 1).set([0x63]);
    blobs.set(1, new Uint8Array([0x63]));
    x.field(0, 1, 1);
    x.start(0, 1, 0, 1);
    x.opened(0);
    const feed = (bytes: Uint8Array) => {
      for (let at = 0; at < bytes.length; at += io) {
        const piece = bytes.subarray(at, at + io);
        new Uint8Array(x.memory.buffer, x.io_ptr(), piece.length).set(piece);
        x.received(piece.length, 0);
      }
    };
    feed(new Uint8Array([0x20, 2, 0, 0]));
    return { calls, feed };
  }

  it("a topic wholly in the io chunk comes with the payload in one call", () => {
    const { calls, feed } = rawSession(128);
    feed(encode({ cmd: "publish", topic: "a/b", payload: Buffer.from("hi"), qos: 0 }));
    expect(calls).toEqual([{ topic: "a/b", data: "hi", total: 2, flags: MSG_FIRST | MSG_LAST }]);
  });

  it("a longer topic comes first in topic pieces, then the payload with no topic", () => {
    const { calls, feed } = rawSession(128);
    const topic = "x".repeat(300);
    feed(encode({ cmd: "publish", topic, payload: Buffer.from("hi"), qos: 0 }));
    const pieces = calls.filter((c) => c.flags & MSG_TOPIC);
    expect(pieces.map((c) => c.data).join("")).toBe(topic);
    expect(pieces.every((c) => c.total === 300 && c.topic === "")).toBe(true);
    expect(calls[0].flags & MSG_FIRST).toBe(MSG_FIRST);
    expect(calls.slice(1).every((c) => (c.flags & MSG_FIRST) === 0)).toBe(true);
    expect(calls.at(-1)).toEqual({ topic: "", data: "hi", total: 2, flags: MSG_LAST });
  });
});
