// Inbound payload buffers grow with the bytes that arrive, not with what a PUBLISH header
// announces: with maxMessageLength raised, a header announcing 256 MB allocates nothing large,
// and a big message that does arrive, in pieces, is delivered whole and correct.
import { describe, expect, it } from "vitest";
import { Rig } from "./harness.js";

const MB = 1024 * 1024;
/** The largest remaining length MQTT can announce (268,435,455 bytes, 256 MB). */
const MAX_REMAINING = 268_435_455;

/** A QoS 0 PUBLISH header for `topic` announcing `payloadLength` payload bytes. */
function publishHeader(topic: string, payloadLength: number): Uint8Array {
  const remaining = 2 + topic.length + payloadLength;
  const len: number[] = [];
  let x = remaining;
  do { let b = x % 128; x = Math.floor(x / 128); if (x > 0) b |= 128; len.push(b); } while (x > 0);
  return Uint8Array.from([0x30, ...len, 0, topic.length, ...Buffer.from(topic)]);
}

const arrayBuffers = () => process.memoryUsage().arrayBuffers;

describe("inbound payload buffers", () => {
  it("a header announcing 256 MB allocates only what has arrived", () => {
    const rig = new Rig({ maxMessageLength: 300 * MB });
    rig.connect();
    rig.take();
    const before = arrayBuffers();
    rig.feed(publishHeader("big", MAX_REMAINING - 5));
    rig.feed(new Uint8Array(1000).fill(7));
    const afterHeader = arrayBuffers() - before;
    // 2 MB more, in 64 KiB reads, as a socket hands them over
    const piece = new Uint8Array(64 * 1024).fill(9);
    for (let i = 0; i < 32; i++) rig.feed(piece);
    const after2MB = arrayBuffers() - before;
    console.log(`256 MB announced: +${afterHeader} B after the header and 1,000 bytes; +${(after2MB / MB).toFixed(1)} MB after 2 MB more`);
    expect(afterHeader).toBeLessThan(64 * 1024);
    // a buffer at most twice what arrived, plus the smaller ones it grew from (garbage not yet
    // collected): about 4x the 2 MB, against the 256 MB announced
    expect(after2MB).toBeLessThan(16 * MB);
    expect(rig.take()).toEqual([]); // nothing delivered before the last byte
  });

  it("a 3 MB message that arrives in 1,000-byte pieces is delivered whole and correct", () => {
    const rig = new Rig({ maxMessageLength: 4 * MB });
    rig.connect();
    rig.take();
    const payload = Buffer.alloc(3 * MB);
    for (let i = 0; i < payload.length; i++) payload[i] = (i * 31 + (i >> 12)) & 0xff;
    const wire = Buffer.concat([publishHeader("t/big", payload.length), payload]);
    for (let at = 0; at < wire.length; at += 1000) rig.feed(wire.subarray(at, at + 1000));
    const events = rig.take();
    expect(events).toHaveLength(1);
    expect(events[0]).toMatchObject({ type: "message", topic: "t/big", overflow: false });
    const got = (events[0] as { payload: Uint8Array }).payload;
    expect(got.length).toBe(payload.length);
    expect(Buffer.from(got).equals(payload)).toBe(true);
  });

  it("a message over maxMessageLength still delivers exactly its first maxMessageLength bytes", () => {
    const rig = new Rig({ maxMessageLength: 100_000 });
    rig.connect();
    rig.take();
    const payload = Buffer.alloc(250_000);
    for (let i = 0; i < payload.length; i++) payload[i] = i & 0xff;
    const wire = Buffer.concat([publishHeader("cut", payload.length), payload]);
    for (let at = 0; at < wire.length; at += 1460) rig.feed(wire.subarray(at, at + 1460));
    const [m] = rig.take() as Array<{ type: string; overflow: boolean; payload: Uint8Array }>;
    expect(m).toMatchObject({ type: "message", overflow: true });
    expect(Buffer.from(m.payload).equals(payload.subarray(0, 100_000))).toBe(true);
  });
});
