// The flasher against the simulated ESP8266, in-process: what reaches the flash, what the user is
// told, and that faults end in a verified flash or a clear error, never a false success.
import { describe, it, expect } from "vitest";
import { createHash } from "node:crypto";
import { getStubJsonByChipName, Transport } from "esptool-js";
import { WebSerialAdapter } from "../../host/flash/web-serial.js";
import { SimEsp8266, ESP32_MAGIC, type ChipOptions } from "./sim/esp8266.js";
import { SimLink, type SimLinkOptions } from "./sim/link.js";
import { nodemcuPair, firmwareLike } from "./sim/images.js";
import { slipEncode } from "./sim/slip.js";
import { flashDevice, type FlashOptions, type FlashReport } from "../../host/flash/flasher.js";
import { FlashError } from "../../host/flash/errors.js";

async function rig(chip: ChipOptions = {}, link: SimLinkOptions = {}) {
  const sim = await new SimEsp8266(chip).init();
  return { sim, link: new SimLink(sim, link) };
}

async function run(link: SimLink, options: Partial<FlashOptions> & Pick<FlashOptions, "regions">) {
  const lines: string[] = [];
  const debug: string[] = [];
  let report: FlashReport | null = null;
  let error: FlashError | null = null;
  try {
    report = await flashDevice(link, { connectAttempts: 2, ...options }, {
      info: (l) => lines.push(l), debug: (l) => debug.push(l), progress: () => undefined,
    });
  } catch (err) {
    if (!(err instanceof FlashError)) throw err;
    error = err;
  }
  return { report, error, lines, debug };
}

const md5 = (d: Uint8Array) => createHash("md5").update(d).digest("hex");
const pair = nodemcuPair(96 * 1024);
const regions = [
  { address: 0, data: pair.boot, name: "0x00000.bin" },
  { address: 0x10000, data: pair.irom, name: "0x10000.bin" },
];

function expectFlashed(sim: SimEsp8266) {
  expect(md5(sim.flash.read(0, pair.boot.length))).toBe(md5(pair.boot));
  expect(md5(sim.flash.read(0x10000, pair.irom.length))).toBe(md5(pair.irom));
}

describe("flashing the simulated ESP8266", () => {
  it("writes both NodeMCU images, verifies them and resets into the application", async () => {
    const { sim, link } = await rig();
    const { report, error, lines } = await run(link, { regions });
    expect(error).toBeNull();
    expectFlashed(sim);
    expect(report!.baud).toBe(460800);
    expect(report!.chip).toBe("ESP8266EX");
    expect(report!.flashBytes).toBe(4 << 20);
    expect(report!.regions.map((r) => r.md5)).toEqual([md5(pair.boot), md5(pair.irom)]);
    // Reset into download mode by DTR/RTS, the stub (checked byte for byte by the chip) ran, then the app booted.
    expect(sim.events).toContain("boot:download");
    expect(sim.events).toContain("stub:running");
    expect(sim.events).toContain("baud:460800");
    expect(sim.events[sim.events.length - 1]).toBe("boot:app");
    expect(lines.some((l) => /verified/.test(l))).toBe(true);
    // Sectors between the two regions keep their old contents: only what was written was erased.
    expect(sim.flash.read(0x8000, 16).every((b) => b === 0xff)).toBe(false);
  });

  it("patches the header's flash mode and size, and flashes what it patched", async () => {
    const { sim, link } = await rig();
    const { error, lines } = await run(link, { regions, flashMode: "dio", flashSize: "detect", flashFreq: "80m" });
    expect(error).toBeNull();
    expect(sim.flash.bytes[2]).toBe(2); // dio
    expect(sim.flash.bytes[3]).toBe(0x4f); // 4MB, 80m
    expect(sim.flash.read(4, pair.boot.length - 4)).toEqual(pair.boot.subarray(4));
    expect(lines.join("\n")).toMatch(/header/);
  });

  it("the simulated ROM only runs the exact stub esptool-js carries (one changed byte: no OHAI)", async () => {
    const stub = (await getStubJsonByChipName("ESP8266"))!;
    const upload = async (tamper: boolean) => {
      const sim = await new SimEsp8266({ startInDownloadMode: true }).init();
      const frames: Uint8Array[] = [];
      sim.output = (b) => frames.push(b);
      const cmd = (op: number, body: Uint8Array, chk = 0) => {
        const p = new Uint8Array(8 + body.length);
        p[1] = op; p[2] = body.length & 0xff; p[3] = body.length >> 8;
        new DataView(p.buffer).setUint32(4, chk, true);
        p.set(body, 8);
        sim.input(slipEncode(p));
      };
      const words = (...w: number[]) => new Uint8Array(new Uint32Array(w).buffer);
      for (const [start, bytes] of [[stub.text_start, stub.decodedText], [stub.data_start, stub.decodedData]] as const) {
        const data = bytes.slice();
        if (tamper && start === stub.text_start) data[100] ^= 1;
        const blocks = Math.ceil(data.length / 0x1800);
        cmd(0x05, words(data.length, blocks, 0x1800, start));
        for (let seq = 0; seq < blocks; seq++) {
          const block = data.subarray(seq * 0x1800, (seq + 1) * 0x1800);
          let chk = 0xef;
          for (const b of block) chk ^= b;
          const body = new Uint8Array(16 + block.length);
          body.set(words(block.length, seq, 0, 0));
          body.set(block, 16);
          cmd(0x07, body, chk);
        }
      }
      cmd(0x06, words(0, stub.entry));
      return { sim, said: Buffer.concat(frames).toString("latin1") };
    };
    const good = await upload(false);
    expect(good.sim.state).toBe("stub");
    expect(good.said).toContain("OHAI");
    const bad = await upload(true);
    expect(bad.sim.state).toBe("crashed");
    expect(bad.said).not.toContain("OHAI");
  });

  it("writes plain (uncompressed) blocks with compress: false, padding the last block", async () => {
    const { sim, link } = await rig({ faults: { corruptDataFrame: 1 } });
    const odd = [{ address: 0x20000, data: pair.irom.subarray(0, 40000), name: "odd.bin" }];
    const { error, report } = await run(link, { regions: odd, compress: false });
    expect(error).toBeNull();
    expect(report!.regions[0].compressedBytes).toBe(40000);
    expect(sim.events).toContain("fault:corrupted frame 1");
    expect(md5(sim.flash.read(0x20000, 40000))).toBe(md5(pair.irom.subarray(0, 40000)));
    // The rest of the last 16 KB block is padding: erased flash, 0xFF.
    expect(sim.flash.read(0x20000 + 40000, 0x4000 * 3 - 40000).every((b) => b === 0xff)).toBe(true);
  });

  it("the flash model is strict NOR: programming without an erase only clears bits", async () => {
    const { NorFlash } = await import("./sim/nor-flash.js");
    const nor = new NorFlash(64 * 1024);
    nor.eraseSector(0x1000);
    nor.program(0x1000, Uint8Array.of(0xf0));
    nor.program(0x1000, Uint8Array.of(0x3c));
    expect(nor.read(0x1000, 1)[0]).toBe(0x30);
    nor.eraseSector(0x1fff);
    expect(nor.read(0x1000, 0x1000).every((b) => b === 0xff)).toBe(true);
  });

  it("erases the whole flash with --erase-all", async () => {
    const { sim, link } = await rig();
    const { error } = await run(link, { regions, eraseAll: true, after: "no_reset" });
    expect(error).toBeNull();
    expect(sim.events).toContain("erase:all");
    expect(sim.flash.read(0x200000, 64).every((b) => b === 0xff)).toBe(true);
    expectFlashed(sim);
    expect(sim.state).toBe("stub");
  });

  it("works on a port without DTR/RTS (no reset before; the stub starts the application)", async () => {
    const { sim, link } = await rig({ startInDownloadMode: true }, { signals: false });
    const { error, lines } = await run(link, { regions, before: "no_reset" });
    expect(error).toBeNull();
    expectFlashed(sim);
    expect(sim.events).not.toContain("reset");
    expect(sim.events[sim.events.length - 1]).toBe("boot:app");
    expect(lines.join("\n")).toMatch(/no DTR\/RTS/);
  });
});

describe("the Web Serial adapter under esptool-js", () => {
  it("sends the full DTR/RTS state for single-flag calls and changes baud in place", async () => {
    const { link } = await rig();
    const adapter = new WebSerialAdapter(link);
    const transport = new Transport(adapter as never, false);
    await transport.connect(115200);
    await transport.setDTR(true);
    await transport.setRTS(true); // Transport then re-sends DTR: both must stay asserted
    await transport.setDTR(false);
    await transport.changeBaudrate(460800);
    expect(link.calls).toEqual([
      "open 115200", "signals dtr=1 rts=0", "signals dtr=1 rts=1", "signals dtr=1 rts=1", "signals dtr=0 rts=1", "baud 460800",
    ]);
    await adapter.release();
  });

  it("a whole flash never reopens the port after the stub runs: the baud change is in place", async () => {
    const { link } = await rig();
    const { error } = await run(link, { regions });
    expect(error).toBeNull();
    // One open for the whole session: esptool-js's reconnect (after the ESP8266 ROM rejects
    // GET_SECURITY_INFO) and the baud change both happen on the open port.
    expect(link.calls.filter((c) => c.startsWith("open"))).toEqual(["open 115200"]);
    expect(link.calls).toContain("baud 460800");
    // Reset into the app at the end: EN pulled low by RTS with DTR released, then released.
    expect(link.calls.slice(-2)).toEqual(["signals dtr=0 rts=1", "signals dtr=0 rts=0"]);
  });
});

describe("faults end in a verified flash or a clear error", () => {
  it("a silent chip: tells the user what to do", async () => {
    const { sim, link } = await rig({ faults: { silent: true } });
    const { error } = await run(link, { regions });
    expect(error?.message).toMatch(/no answer from the chip: hold FLASH and press RESET/);
    expect(error?.exitCode).toBe(3);
    expect(sim.flash.bytes[0]).not.toBe(0xe9);
  });

  it("a corrupted data frame is rejected by its checksum and sent again", async () => {
    const { sim, link } = await rig({ faults: { corruptDataFrame: 3 } });
    const { error } = await run(link, { regions });
    expect(error).toBeNull();
    expect(sim.events).toContain("fault:corrupted frame 3");
    expectFlashed(sim);
  });

  it("a dropped data frame times out and is sent again", async () => {
    const { sim, link } = await rig({ faults: { dropDataFrame: 2 } });
    const { error } = await run(link, { regions });
    expect(error).toBeNull();
    expect(sim.events).toContain("fault:dropped frame 2");
    expectFlashed(sim);
  });

  it("a lost answer makes the block arrive twice: caught and the region written again", async () => {
    const { sim, link } = await rig({ faults: { dropDataReply: 4 } });
    const { error, report, lines } = await run(link, { regions });
    expect(error).toBeNull();
    expect(sim.events).toContain("fault:dropped reply 4");
    expectFlashed(sim);
    expect(report!.regions[1].attempts).toBe(2);
    expect(lines.join("\n")).toMatch(/writing it again/);
  });

  it("a garbled answer: the block is sent again, caught by inflate or MD5, the region written again", async () => {
    const { sim, link } = await rig({ faults: { corruptDataReply: 2 } });
    const { error, report } = await run(link, { regions });
    expect(error).toBeNull();
    expect(sim.events).toContain("fault:corrupted reply 2");
    expectFlashed(sim);
    expect(report!.regions.some((r) => r.attempts === 2)).toBe(true);
  });

  it("another chip's magic: refused by name before anything is written", async () => {
    const { sim, link } = await rig({ magic: ESP32_MAGIC });
    const { error } = await run(link, { regions });
    expect(error?.message).toMatch(/this is an ESP32, not an ESP8266/);
    expect(error?.exitCode).toBe(3);
    expect(sim.events).not.toContain("stub:running");
    const unknown = await rig({ magic: 0x12345678 });
    const second = await run(unknown.link, { regions });
    expect(second.error?.message).toMatch(/this is not an ESP8266: the chip answered with an unknown chip id/);
    expect(unknown.sim.events).not.toContain("stub:running");
  });

  it("a flash smaller than the image: refused before writing", async () => {
    const { sim, link } = await rig({ flashBytes: 512 * 1024 });
    const big = [{ address: 0x10000, data: firmwareLike(600 * 1024), name: "big.bin" }];
    const before = md5(sim.flash.bytes);
    const { error } = await run(link, { regions: big });
    expect(error?.message).toMatch(/big\.bin .* past the end of the flash on this board \(512 KB\)/);
    expect(md5(sim.flash.bytes)).toBe(before);
  });

  it("a --flash-size larger than the chip's: refused", async () => {
    const { link } = await rig({ flashBytes: 1 << 20 });
    const { error } = await run(link, { regions, flashSize: "4MB" });
    expect(error?.message).toMatch(/--flash-size 4MB is larger than the chip's flash \(1 MB\): use --flash-size 1MB/);
  });

  it("a failed baud change: falls back to 115200 and still verifies", async () => {
    const { sim, link } = await rig({ faults: { maxReliableBaud: 115200 } });
    const { error, report, lines } = await run(link, { regions });
    expect(error).toBeNull();
    expect(report!.baud).toBe(115200);
    expect(lines.join("\n")).toMatch(/did not follow 460800 baud: continuing at 115200/);
    expectFlashed(sim);
  });

  it("a device unplugged mid-write: a clear error, not a success", async () => {
    const { link } = await rig({ faults: { unplugAfterDataFrames: 3 } });
    const { error, report } = await run(link, { regions });
    expect(report).toBeNull();
    expect(error?.message).toMatch(/serial device went away while writing 0x10000\.bin .*unplugged/);
    expect(error?.message).toMatch(/partial image/);
  });
});
