import { describe, it, expect } from "vitest";
import { instantiate, type ImportSink } from "../../host/engine/index.js";
import { ERR, EV, KIND, START, errorText } from "../../host/engine/abi_table.js";

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

describe("io buffer size (set_io_size)", () => {
  it("is clamped to 128..2048 and is the last thing in linear memory", () => {
    const { x } = raw();
    expect(x.io_size()).toBe(2048);
    expect(x.high_water()).toBe(x.io_ptr() + 2048);
    expect(x.set_io_size(5)).toBe(128);
    expect(x.set_io_size(1 << 20)).toBe(2048);
    expect(x.set_io_size(256)).toBe(256);
    expect(x.io_size()).toBe(256);
    expect(x.high_water()).toBe(x.io_ptr() + 256);
  });

  it("runs a session in 256 bytes of io and refuses a resize while it runs", () => {
    const { x, sent, events, blobs } = raw();
    x.set_io_size(256);
    const io = () => new Uint8Array(x.memory.buffer, x.io_ptr(), x.io_size());
    const id = new TextEncoder().encode("c".repeat(200));
    io().set(id);
    blobs.set(1, id);
    expect(x.field(KIND.CLIENT_ID, 1, id.length)).toBe(0);
    expect(x.start(30, START.CLEAN_SESSION, 0, 1)).toBe(1);
    expect(x.set_io_size(2048)).toBe(256);
    x.opened(0);
    // CONNECT: fixed header, 10 bytes of variable header, the 200-byte client id
    expect(sent[0]).toBe(0x10);
    expect(Buffer.from(sent.slice(-200)).toString()).toBe("c".repeat(200));
    // more bytes than io holds are refused (nothing read past io), a CONNACK within it is taken
    x.received(257, 10);
    expect(events).not.toContain(EV.CONNECT);
    io().set([0x20, 2, 0, 0]);
    x.received(4, 10);
    expect(events).toContain(EV.CONNECT);
  });

  it("keeps codec mode to the whole io buffer (its records live after it)", () => {
    const { x } = raw();
    x.set_io_size(256);
    expect(x.codec_parse(4)).toBe(ERR.ARG_CODEC_IO);
    expect(errorText(ERR.ARG_CODEC_IO)).toMatch(/codec mode needs the whole io buffer/);
    x.set_io_size(2048);
    new Uint8Array(x.memory.buffer, x.io_ptr(), 2).set([0xd0, 0]); // PINGRESP
    expect(x.codec_parse(2)).toBe(0);
  });
});
