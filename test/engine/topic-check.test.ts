// The inbound topic check reads four bytes at a time while they are plain ASCII: every rule must
// hold whatever offset an offending byte sits at, and whatever follows it.
import { describe, it, expect } from "vitest";
import fc from "fast-check";
import { instantiate } from "../../host/engine/index.js";

const E_UTF8 = 10, E_NUL = 11, E_TOPIC_WILDCARD = 13;

function parsePublishTopic(topic: Uint8Array): number {
  const x = instantiate({ send() {}, release() {}, event() {}, message() {} });
  x.codec_reset();
  const body = [topic.length >> 8, topic.length & 255, ...topic, 0x41];
  const packet = Uint8Array.from([0x30, body.length, ...body]);
  new Uint8Array(x.memory.buffer, x.io_ptr(), packet.length).set(packet);
  return x.codec_parse(packet.length);
}

/** The rules byte by byte: the first NUL, wildcard or broken UTF-8 sequence decides. */
function expected(topic: Uint8Array): number {
  for (let i = 0; i < topic.length; i++) {
    const b = topic[i];
    if (b === 0) return E_NUL;
    if (b === 0x2b || b === 0x23) return E_TOPIC_WILDCARD;
    if (b < 0x80) continue;
    const n = b >= 0xc2 && b < 0xe0 ? 1 : b >= 0xe0 && b < 0xf0 ? 2 : b >= 0xf0 && b < 0xf5 ? 3 : -1;
    if (n < 0 || i + n > topic.length - 1) return E_UTF8;
    try { new TextDecoder("utf-8", { fatal: true }).decode(topic.subarray(i, i + n + 1)); } catch { return E_UTF8; }
    i += n;
  }
  return 0;
}

const pieces = ["a", "b", "/", "sensor", "+", "#", "\u0000", "é", "€", "😀", "\u00ff"];
const special = [[0xc0, 0x80], [0xed, 0xa0, 0x80], [0xe2, 0x82], [0xff]];

describe("inbound topic check (four bytes at a time)", () => {
  it("agrees with the byte-by-byte rules for every offset of an offending byte", () => {
    fc.assert(fc.property(
      fc.array(fc.oneof(fc.constantFrom(...pieces).map((s) => [...new TextEncoder().encode(s)]), fc.constantFrom(...special)), { maxLength: 24 }),
      (parts) => {
        const topic = Uint8Array.from(parts.flat());
        if (topic.length === 0) return;
        expect(parsePublishTopic(topic)).toBe(expected(topic));
      }), { numRuns: 3000 });
  });

  it("finds a wildcard or NUL at each of the positions 0..11 of a 12-byte ASCII topic", () => {
    for (let at = 0; at < 12; at++) {
      for (const [byte, code] of [[0x2b, E_TOPIC_WILDCARD], [0x23, E_TOPIC_WILDCARD], [0, E_NUL], [0x80, E_UTF8]] as const) {
        const topic = new TextEncoder().encode("abcdefghijkl");
        topic[at] = byte;
        expect(parsePublishTopic(topic)).toBe(code);
      }
    }
    expect(parsePublishTopic(new TextEncoder().encode("abcdefghijkl"))).toBe(0);
  });
});
