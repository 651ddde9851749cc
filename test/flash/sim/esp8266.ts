// A simulated ESP8266 behind its UART: the reset circuit of a NodeMCU board (DTR/RTS -> GPIO0/EN),
// the ROM loader (SYNC, registers, RAM download), the esptool flasher stub once the exact stub
// esptool-js carries has been uploaded (baud change, plain and compressed flash writes, MD5, erase),
// an SPI flash, and faults to inject. Test code only.
import { createHash } from "node:crypto";
import { inflateSync, constants as zc } from "node:zlib";
import { getStubJsonByChipName } from "esptool-js";
import { SlipDecoder, slipEncode } from "./slip.js";
import { NorFlash, SECTOR } from "./nor-flash.js";

export const ESP8266_MAGIC = 0xfff0c101;
export const ESP32_MAGIC = 0x00f01d83;

export interface Faults {
  /** The chip never answers (wrong port, not in download mode, broken RX). */
  silent?: boolean;
  /** 0-based index among flash data frames: lost before the stub sees it. */
  dropDataFrame?: number;
  /** 0-based index among flash data frames: one payload byte flipped on the way. */
  corruptDataFrame?: number;
  /** 0-based index among flash data frames: handled, but the answer is lost. */
  dropDataReply?: number;
  /** 0-based index among flash data frames: handled, but noise breaks the answer's SLIP framing. */
  corruptDataReply?: number;
  /** Above this rate the line garbles every byte (a cable or adapter that cannot do it). */
  maxReliableBaud?: number;
  /** Unplug after this many flash data frames reached the stub. */
  unplugAfterDataFrames?: number;
}

export interface ChipOptions {
  flashBytes?: number;
  magic?: number;
  /** Start already in the ROM loader (a pty cannot drive DTR/RTS). */
  startInDownloadMode?: boolean;
  faults?: Faults;
}

type State = "off" | "reset" | "rom" | "stub" | "app" | "crashed";

const STATUS_OK = [0, 0];
const ERR_INVALID = [1, 0x05];
const ERR_CHECKSUM = [1, 0x07];
const ERR_INFLATE = [1, 0xc3];
const ERR_SIZE = [1, 0xc9];

const SPI = 0x60000200;
const REG = { cmd: SPI, usr: SPI + 0x1c, usr1: SPI + 0x20, usr2: SPI + 0x24, w0: SPI + 0x40 };

function u32(d: Uint8Array, o: number): number {
  return (d[o] | (d[o + 1] << 8) | (d[o + 2] << 16) | (d[o + 3] << 24)) >>> 0;
}

function flashIdFor(bytes: number): number {
  return 0xef | (0x40 << 8) | (Math.log2(bytes) << 16); // Winbond-like JEDEC id
}

export class SimEsp8266 {
  readonly flash: NorFlash;
  readonly events: string[] = [];
  state: State;
  /** The chip's UART rate. */
  baud = 115200;
  /** Bytes towards the host, at `baud`. Set by the link. */
  output: (bytes: Uint8Array, baud: number) => void = () => undefined;
  /** Set by the link: the cable is pulled. */
  onUnplug: () => void = () => undefined;
  readonly faults: Faults;
  /** The stub the chip will accept, as esptool-js carries it. */
  private stub: Awaited<ReturnType<typeof getStubJsonByChipName>> | null = null;
  private ram = new Map<number, Uint8Array>();
  private memLoad: { offset: number; size: number; received: number } | null = null;
  private regs = new Map<number, number>();
  private decoder: SlipDecoder;
  private write: { offset: number; size: number; written: number; erasedUpTo: number; compressed: boolean;
    input: Uint8Array[]; inputBytes: number; produced: number } | null = null;
  private dataFrames = 0;
  private pins = { dtr: false, rts: false };
  private readonly magic: number;

  constructor(options: ChipOptions = {}) {
    this.flash = new NorFlash(options.flashBytes ?? 4 << 20);
    this.magic = options.magic ?? ESP8266_MAGIC;
    this.faults = options.faults ?? {};
    this.state = options.startInDownloadMode ? "rom" : "app";
    this.decoder = new SlipDecoder((f) => this.onFrame(f));
    const mac0 = 0x5e000000, mac1 = 0x0000a1b2;
    this.regs.set(0x3ff00050, mac0).set(0x3ff00054, mac1).set(0x3ff00058, 0).set(0x3ff0005c, 0);
    this.regs.set(0x60000014, 451); // UART divider: 26 MHz crystal at 115200
    this.regs.set(0x40001000, this.magic);
  }

  async init(): Promise<this> {
    this.stub = (await getStubJsonByChipName("ESP8266"))!;
    return this;
  }

  /** DTR/RTS through the two-transistor circuit of NodeMCU boards. */
  setPins(dtr: boolean, rts: boolean): void {
    const enBefore = !(this.pins.rts && !this.pins.dtr);
    this.pins = { dtr, rts };
    const en = !(rts && !dtr);
    const gpio0Low = dtr && !rts;
    if (enBefore && !en) {
      this.state = "reset";
      this.events.push("reset");
    } else if (!enBefore && en) {
      this.boot(gpio0Low ? "download" : "flash");
    }
  }

  private boot(mode: "download" | "flash"): void {
    this.ram.clear();
    this.write = null;
    this.baud = 74880;
    // The ROM's boot message goes out at 74880 baud: noise to a host at 115200.
    this.send(new TextEncoder().encode(`\r\n ets Jan  8 2013,rst cause:2, boot mode:(${mode === "download" ? "1,7" : "3,6"})\r\n\r\n`));
    this.baud = 115200;
    if (mode === "download") {
      this.state = "rom";
      this.events.push("boot:download");
    } else {
      this.runApplication();
    }
  }

  private runApplication(): void {
    this.state = "app";
    const ok = this.flash.bytes[0] === 0xe9;
    this.events.push(ok ? "boot:app" : "boot:app-invalid");
    this.send(new TextEncoder().encode(ok ? "\r\nNodeMCU (simulated)\r\n> " : "\r\ninvalid header\r\n"));
  }

  /** Bytes from the host, as the chip's UART received them. */
  input(bytes: Uint8Array): void {
    if (this.faults.silent || (this.state !== "rom" && this.state !== "stub")) return;
    this.decoder.feed(bytes);
  }

  private send(bytes: Uint8Array): void {
    this.output(bytes, this.baud);
  }

  private reply(op: number, value: number, data: number[] | Uint8Array): void {
    const body = Uint8Array.from([...data]);
    const p = new Uint8Array(8 + body.length);
    p[0] = 1; p[1] = op; p[2] = body.length & 0xff; p[3] = body.length >> 8;
    new DataView(p.buffer).setUint32(4, value >>> 0, true);
    p.set(body, 8);
    this.send(slipEncode(p));
  }

  private onFrame(frame: Uint8Array): void {
    if (frame.length < 8 || frame[0] !== 0) return;
    const op = frame[1];
    const size = frame[2] | (frame[3] << 8);
    const chk = u32(frame, 4);
    let data = frame.subarray(8);
    if (data.length !== size) {
      this.reply(op, 0, ERR_INVALID);
      return;
    }
    const isData = op === 0x03 || op === 0x11;
    let index = -1;
    if (isData && this.state === "stub") {
      index = this.dataFrames++;
      if (index === this.faults.dropDataFrame) {
        this.events.push(`fault:dropped frame ${index}`);
        return;
      }
      if (index === this.faults.corruptDataFrame) {
        data = data.slice();
        data[16 + (data.length >> 1)] ^= 0x10;
        this.events.push(`fault:corrupted frame ${index}`);
      }
    }
    const reply = (value: number, body: number[] | Uint8Array) => {
      if (index >= 0 && index === this.faults.dropDataReply) {
        this.events.push(`fault:dropped reply ${index}`);
        return;
      }
      if (index >= 0 && index === this.faults.corruptDataReply) {
        this.events.push(`fault:corrupted reply ${index}`);
        const real = this.output;
        this.output = (bytes, baud) => real(Uint8Array.from([...bytes.subarray(0, 5), 0xdb, 0x01, ...bytes.subarray(5)]), baud);
        this.reply(op, value, body);
        this.output = real;
        return;
      }
      this.reply(op, value, body);
    };
    if (this.state === "rom") this.rom(op, data, chk, reply);
    else this.stubCommand(op, data, chk, reply);
    if (index >= 0 && this.faults.unplugAfterDataFrames !== undefined && index + 1 >= this.faults.unplugAfterDataFrames) {
      this.events.push("fault:unplugged");
      this.state = "off";
      this.onUnplug();
    }
  }

  private checksumOk(data: Uint8Array, chk: number): boolean {
    let c = 0xef;
    for (const b of data) c ^= b;
    return c === (chk & 0xff);
  }

  private readReg(addr: number): number {
    return this.regs.get(addr) ?? 0;
  }

  private writeReg(addr: number, value: number, mask: number): void {
    const v = ((this.readReg(addr) & ~mask) | (value & mask)) >>> 0;
    this.regs.set(addr, v);
    if (addr === REG.cmd && (v & (1 << 18))) {
      const command = this.readReg(REG.usr2) & 0xff;
      const misoBits = ((this.readReg(REG.usr1) >>> 8) & 0x1ff) + 1;
      if (command === 0x9f && this.readReg(REG.usr) & (1 << 28)) {
        const id = flashIdFor(this.flash.size);
        this.regs.set(REG.w0, misoBits >= 32 ? id : id & ((1 << misoBits) - 1));
      }
      this.regs.set(REG.cmd, v & ~(1 << 18));
    }
  }

  private registers(op: number, data: Uint8Array, reply: (v: number, b: number[]) => void): boolean {
    if (op === 0x0a) {
      reply(this.readReg(u32(data, 0)), STATUS_OK);
      return true;
    }
    if (op === 0x09) {
      for (let o = 0; o + 16 <= data.length; o += 16) this.writeReg(u32(data, o), u32(data, o + 4), u32(data, o + 8));
      reply(0, STATUS_OK);
      return true;
    }
    return false;
  }

  private rom(op: number, data: Uint8Array, chk: number, reply: (v: number, b: number[]) => void): void {
    switch (op) {
      case 0x08: { // SYNC: the ROM answers eight times
        const ok = data.length === 36 && data[0] === 7 && data[1] === 7 && data[2] === 0x12 && data[3] === 0x20 &&
          data.subarray(4).every((b) => b === 0x55);
        if (!ok) return reply(0, ERR_INVALID);
        for (let i = 0; i < 8; i++) reply(0x20120707, STATUS_OK);
        return;
      }
      case 0x05: { // MEM_BEGIN size blocks blocksize offset
        this.memLoad = { size: u32(data, 0), offset: u32(data, 12), received: 0 };
        this.ram.set(this.memLoad.offset, new Uint8Array(this.memLoad.size));
        return reply(0, STATUS_OK);
      }
      case 0x07: { // MEM_DATA len seq 0 0 data
        const len = u32(data, 0), seq = u32(data, 4);
        const payload = data.subarray(16);
        if (!this.memLoad || payload.length !== len) return reply(0, ERR_INVALID);
        if (!this.checksumOk(payload, chk)) return reply(0, ERR_CHECKSUM);
        const area = this.ram.get(this.memLoad.offset)!;
        const at = seq * 0x1800;
        if (at + len > area.length) return reply(0, ERR_SIZE);
        area.set(payload, at);
        this.memLoad.received += len;
        return reply(0, STATUS_OK);
      }
      case 0x06: { // MEM_END flag entry
        reply(0, STATUS_OK);
        if (u32(data, 0) === 0) this.jump(u32(data, 4));
        return;
      }
      default:
        if (this.registers(op, data, reply)) return;
        return reply(0, ERR_INVALID); // the ESP8266 ROM knows no other command (GET_SECURITY_INFO included)
    }
  }

  /** Runs what was loaded: only the genuine stub at its addresses answers. */
  private jump(entry: number): void {
    const stub = this.stub!;
    const text = this.ram.get(stub.text_start);
    const data = this.ram.get(stub.data_start);
    const same = (a: Uint8Array | undefined, b: Uint8Array) => !!a && a.length === b.length && a.every((x, i) => x === b[i]);
    if (entry === stub.entry && same(text, stub.decodedText) && same(data, stub.decodedData)) {
      this.state = "stub";
      this.events.push("stub:running");
      this.send(slipEncode(new TextEncoder().encode("OHAI")));
    } else {
      this.state = "crashed";
      this.events.push("stub:crashed");
    }
  }

  private stubCommand(op: number, data: Uint8Array, chk: number, reply: (v: number, b: number[] | Uint8Array) => void): void {
    switch (op) {
      case 0x08:
        return reply(0, STATUS_OK);
      case 0x0f: { // CHANGE_BAUDRATE new old: answer at the old rate, then switch
        const next = u32(data, 0);
        reply(0, STATUS_OK);
        this.baud = next;
        this.events.push(`baud:${next}`);
        return;
      }
      case 0x02: case 0x10: { // FLASH_BEGIN / FLASH_DEFL_BEGIN: size blocks blocksize offset
        const size = u32(data, 0), offset = u32(data, 12);
        this.write = { offset, size, written: 0, erasedUpTo: offset, compressed: op === 0x10, input: [], inputBytes: 0, produced: 0 };
        return reply(0, STATUS_OK);
      }
      case 0x03: case 0x11: { // FLASH_DATA / FLASH_DEFL_DATA: len seq 0 0 data
        const w = this.write;
        const payload = data.subarray(16);
        if (!w || w.compressed !== (op === 0x11) || payload.length !== u32(data, 0)) return reply(0, ERR_INVALID);
        if (!this.checksumOk(payload, chk)) return reply(0, ERR_CHECKSUM);
        let plain: Uint8Array;
        if (w.compressed) {
          w.input.push(payload.slice());
          w.inputBytes += payload.length;
          let all: Uint8Array;
          try {
            all = inflateSync(Buffer.concat(w.input), { finishFlush: zc.Z_SYNC_FLUSH });
          } catch {
            return reply(0, ERR_INFLATE);
          }
          plain = all.subarray(w.produced);
          w.produced = all.length;
        } else {
          plain = payload;
        }
        // The stub writes whole plain blocks (the last one padded); inflated data must fit the announced size.
        if (w.compressed && plain.length > w.size - w.written) return reply(0, ERR_SIZE);
        this.program(w, plain);
        return reply(0, STATUS_OK);
      }
      case 0x04: case 0x12: { // FLASH_END / FLASH_DEFL_END flag
        reply(0, STATUS_OK);
        if (u32(data, 0) === 0) this.runApplication();
        return;
      }
      case 0x13: { // SPI_FLASH_MD5 addr size 0 0
        const md5 = createHash("md5").update(this.flash.read(u32(data, 0), u32(data, 4))).digest();
        return reply(0, [...md5, ...STATUS_OK]);
      }
      case 0xd0:
        this.flash.eraseAll();
        this.events.push("erase:all");
        return reply(0, STATUS_OK);
      case 0xd1: { // ERASE_REGION addr size
        const addr = u32(data, 0), size = u32(data, 4);
        if (addr % SECTOR || size % SECTOR) return reply(0, ERR_INVALID);
        for (let a = addr; a < addr + size; a += SECTOR) this.flash.eraseSector(a);
        return reply(0, STATUS_OK);
      }
      case 0xd3: // RUN_USER_CODE: no answer
        this.runApplication();
        return;
      default:
        if (this.registers(op, data, reply)) return;
        return reply(0, ERR_INVALID);
    }
  }

  /** Erases each sector as the write reaches it, then programs. */
  private program(w: NonNullable<SimEsp8266["write"]>, bytes: Uint8Array): void {
    const start = w.offset + w.written;
    const end = start + bytes.length;
    while (w.erasedUpTo < end) {
      this.flash.eraseSector(w.erasedUpTo);
      w.erasedUpTo = (Math.floor(w.erasedUpTo / SECTOR) + 1) * SECTOR;
    }
    this.flash.program(start, bytes);
    w.written += bytes.length;
  }
}
