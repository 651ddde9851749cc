import { describe, it, expect } from "vitest";
import { instantiate, createEngine, type ImportSink } from "../../host/engine/index.js";
import { ERR, errorText } from "../../host/engine/abi_table.js";

/** A raw instance (no wrapper) whose sends are collected as bytes; blobs by handle. */
function raw() {
  const sent: number[] = [];
  const events: number[] = [];
  const blobs = new Map<number, Uint8Array>();
  const sink: ImportSink = {
    send(ptr, len, handle, offset, blobLen) {
      sent.push(...new Uint8Array(x.memory.buffer, ptr, len));
      if (blobLen > 0) sent.push(...blobs.get(handle)!.subarray(offset, offset + blobLen));
    },
    release() {},
    event(kind) { events.push(kind); },
    message() {},
  };
  const x = instantiate(sink);
  return { x, sent, events, blobs };
}

const LAYOUT_ERROR = ERR.ARG_LAYOUT;

describe("layout: the host's capacities", () => {
  it("lays the firmware's small tables out within the page, io last, and reports the high-water mark", () => {
    const { x } = raw();
    const high = x.layout(16, 128, 32, 16, 128);
    expect(high).toBe(x.high_water());
    expect(x.io_size()).toBe(128);
    expect(x.high_water()).toBe(x.io_ptr() + 128);
    // static data, 16 publishes (24 B), an id map of 64 ids (2 B), 32 requests (8 B), 16 filters
    // (9 B), a window of 128 ids (2 B): under 4 KiB, so the ESP8266 backs little
    expect(high).toBeLessThan(4096);
    expect(x.memory.buffer.byteLength).toBe(65536);
  });

  it("grows memory for Node's large tables, once, and nothing grows afterwards", () => {
    const { x } = raw();
    const high = x.layout(64000, 65536, 1024, 1024, 2048);
    expect(high).toBeGreaterThan(64000 * 24 + 65536 * 2);
    expect(x.memory.buffer.byteLength).toBeGreaterThanOrEqual(high);
    expect(x.high_water()).toBe(x.io_ptr() + 2048);
    // the layout is fixed: a second call is refused and changes nothing
    expect(x.layout(16, 128, 32, 16, 128)).toBe(-LAYOUT_ERROR);
    expect(x.high_water()).toBe(high);
  });

  it("refuses capacities out of range, naming the call and where the ranges are", () => {
    for (const args of [[0, 128, 1, 1, 128], [65535, 128, 1, 1, 128], [65000, 128, 536, 1, 128], [1, 65537, 1, 1, 128],
      [1, 128, -1, 1, 128], [1, 128, 1, 32768, 128], [1, 128, 1, 1, 127], [1, 128, 1, 1, 65537]] as const) {
      const { x } = raw();
      expect(x.layout(...args), String(args)).toBe(-LAYOUT_ERROR);
    }
    expect(errorText(LAYOUT_ERROR)).toBe("layout: once, before start, capacities in range");
    expect(raw().x.layout(65534, 32, 1, 32767, 65536)).toBeGreaterThan(0); // every bound at its edge
    expect(raw().x.layout(1, 0, 0, 0, 128)).toBeGreaterThan(0); // no requests, no filters, the smallest window
  });

  it("is needed before start, and refused while a session runs", () => {
    const { x, blobs } = raw();
    new Uint8Array(x.memory.buffer, x.io_ptr(), 1).set([0x63]);
    blobs.set(1, new Uint8Array([0x63]));
    expect(x.field(0, 1, 1)).toBe(0);
    expect(x.start(30, 1, 0, 1)).toBe(-LAYOUT_ERROR);
    expect(x.layout(4, 32, 4, 4, 256)).toBeGreaterThan(0);
    expect(x.start(30, 1, 0, 1)).toBe(1);
  });

  it("runs a session in 256 bytes of io", () => {
    const { x, sent, events, blobs } = raw();
    x.layout(4, 32, 4, 4, 256);
    const io = () => new Uint8Array(x.memory.buffer, x.io_ptr(), x.io_size());
    const id = new TextEncoder().encode("c".repeat(200));
    io().set(id);
    blobs.set(1, id);
    expect(x.field(0, 1, id.length)).toBe(0);
    expect(x.start(30, 1, 0, 1)).toBe(1);
    x.opened(0);
    // CONNECT: fixed header, 10 bytes of variable header, the 200-byte client id
    expect(sent[0]).toBe(0x10);
    expect(Buffer.from(sent.slice(-200)).toString()).toBe("c".repeat(200));
    // more bytes than io holds are refused (nothing read past io), a CONNACK within it is taken
    x.received(257, 10);
    expect(events).not.toContain(3);
    io().set([0x20, 2, 0, 0]);
    x.received(4, 10);
    expect(events).toContain(3);
  });

  it("with no request slots, subscribe sends nothing and says so", () => {
    const { x, sent, events, blobs } = raw();
    x.layout(1, 32, 0, 1, 128);
    const io = () => new Uint8Array(x.memory.buffer, x.io_ptr(), x.io_size());
    io().set([0x63]);
    blobs.set(1, new Uint8Array([0x63]));
    x.field(0, 1, 1);
    x.start(0, 1, 0, 1);
    x.opened(0);
    io().set([0x20, 2, 0, 0]);
    x.received(4, 0);
    expect(events).toContain(3);
    const before = sent.length;
    io().set([0x61]);
    blobs.set(2, new Uint8Array([0x61]));
    expect(x.field(6, 2, 1)).toBe(0);
    expect(x.subscribe(7, 0)).toBe(0);
    expect(sent.length).toBe(before);
  });

  it("keeps codec mode to before layout (its records live after the first io)", () => {
    const { x, text } = raw();
    new Uint8Array(x.memory.buffer, x.io_ptr(), 2).set([0xd0, 0]); // PINGRESP
    expect(x.codec_parse(2)).toBe(0);
    x.layout(4, 32, 4, 4, 2048);
    expect(x.codec_parse(2)).toBe(ERR.ARG_CODEC_IO);
    expect(errorText(ERR.ARG_CODEC_IO)).toBe("codec mode: before layout only");
  });

});

describe("Node's limits", () => {
  const host = { send() {}, event() {} };

  it("default to tables no MQTT session outgrows: 64,000 publishes, every QoS 2 id", () => {
    const engine = createEngine(host);
    expect(engine.limits).toEqual({ maxMessageLength: 268435455, maxQueuedMessages: 64000, maxQueuedBytes: 0xffffffff,
      maxPendingRequests: 1024, maxFiltersPerCall: 1024, qos2Window: 65536 });
    expect(engine.memoryHighWater()).toBeGreaterThan(64000 * 24);
  });

  it("name the limit that is wrong", () => {
    expect(() => createEngine(host, { maxQueuedMessages: 0 })).toThrow(/limits\.maxQueuedMessages must be an integer from 1 to 65534, got 0/);
    expect(() => createEngine(host, { qos2Window: 1e6 })).toThrow(/limits\.qos2Window must be an integer from 1 to 65536/);
    expect(() => createEngine(host, { maxQueuedMessages: 65000, maxPendingRequests: 1000 }))
      .toThrow(/maxQueuedMessages \+ limits\.maxPendingRequests must be at most 65535 \(each holds MQTT packet ids\), got 65000 \+ 1000/);
  });

  it("keep the error texts free of internal constant names", () => {
    for (const code of Object.values(ERR)) expect(errorText(code)).not.toMatch(/MAX_|set_io_size|broker broke/);
  });
});
