// Flashing an ESP8266 with esptool-js: connect, refuse other chips, upload the stub, raise the
// baud rate, check every region against the flash, write compressed, verify every region by MD5,
// reset into the application. The CLI only picks the port and reads the files.
import { createHash } from "node:crypto";
import { deflate } from "node:zlib";
import { promisify } from "node:util";
import { ESPLoader, Transport, UnexpectedChipMagicError } from "esptool-js";
import { FLASH_LIMITS } from "./limits.js";
import { FlashError, PortGoneError, EXIT, describe } from "./errors.js";
import { WebSerialAdapter } from "./web-serial.js";
import type { SerialLink } from "./serial-link.js";
import {
  FLASH_SIZES, checkRegions, describeHeader, flashBytesFromId, formatBytes, hex, parseImage, patchHeader,
  sizeNameForBytes, type FlashFreq, type FlashMode, type FlashSize, type Region,
} from "./image.js";

const deflateAsync = promisify(deflate);

export type Before = "default_reset" | "no_reset";
export type After = "hard_reset" | "no_reset";

export interface FlashOptions {
  regions: Region[];
  baud?: number;
  flashMode?: FlashMode;
  flashFreq?: FlashFreq;
  /** A size name, "detect" (use the flash ID) or undefined to keep the header's. */
  flashSize?: FlashSize | "detect";
  eraseAll?: boolean;
  /** false: plain FLASH_DATA blocks (esptool's --no-compress); default compressed. */
  compress?: boolean;
  before?: Before;
  after?: After;
  connectAttempts?: number;
}

export interface Progress {
  index: number;
  count: number;
  name: string;
  address: number;
  /** Compressed bytes sent of this region, and their total. */
  sent: number;
  total: number;
  startedAt: number;
}

export interface FlashUI {
  info(line: string): void;
  debug(line: string): void;
  progress(p: Progress): void;
}

export interface RegionReport {
  name: string;
  address: number;
  bytes: number;
  compressedBytes: number;
  md5: string;
  attempts: number;
}

export interface FlashReport {
  chip: string;
  mac: string;
  flashId: number | null;
  flashBytes: number | null;
  baud: number;
  regions: RegionReport[];
  /** "app": reset into the application; "none": left in the loader (--after no_reset). */
  reset: "app" | "none";
  /** Bytes the host wrote to the port while writing and verifying regions (SLIP framed), for the benchmark. */
  wireBytesWritten: number;
  writeMs: number;
}

const NO_ANSWER =
  "no answer from the chip: hold FLASH and press RESET (or hold GPIO0 low while powering it), " +
  "check the cable is a data cable, and that --port is the board";

/** Routes esptool-js's own trace lines (printed even with tracing off) to the debug log. */
class QuietTransport extends Transport {
  log: (line: string) => void = () => undefined;
  override trace(message: string): void {
    this.log(`trace: ${message}`);
  }
}

/** Checks the images and regions that can be checked without a chip; returns what will be written. */
export function prepareRegions(options: FlashOptions, ui: Pick<FlashUI, "info">): Region[] {
  const explicitSize = options.flashSize && options.flashSize !== "detect" ? options.flashSize : undefined;
  const regions = options.regions.map((r) => {
    if (r.data.length > FLASH_LIMITS.maxImageBytes) {
      throw new FlashError(`${r.name} is ${formatBytes(r.data.length)}, larger than any ESP8266 flash`, EXIT.badInput);
    }
    let data = r.data;
    if (r.address === 0) {
      const info = parseImage(data, r.name);
      const before = describeHeader(info.mode, info.sizeFreq);
      data = patchHeader(data, { mode: options.flashMode, freq: options.flashFreq, size: explicitSize });
      const after = describeHeader(data[2], data[3]);
      ui.info(`${r.name}: ESP8266 image, ${info.segments.length} segments, entry 0x${info.entry.toString(16)}, ` +
        (before === after ? `header kept (${before})` : `header ${before} -> ${after}`));
    }
    // The stub writes whole words; pad like esptool does so the MD5 covers what lands in flash.
    if (data.length % 4 !== 0) {
      const padded = new Uint8Array(data.length + (4 - (data.length % 4))).fill(0xff);
      padded.set(data);
      data = padded;
    }
    return { ...r, data };
  });
  const sizeBytes = explicitSize ? FLASH_SIZES[explicitSize].bytes : null;
  checkRegions(regions, sizeBytes, `--flash-size ${explicitSize}`);
  return regions;
}

function md5(data: Uint8Array): string {
  return createHash("md5").update(data).digest("hex");
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** The SPI flash's JEDEC ID through the ESP8266's SPI registers (esptool-js's own read uses ESP32 register roles). */
export async function readFlashId(loader: ESPLoader): Promise<number> {
  const base = 0x60000200;
  const CMD = base, USR = base + 0x1c, USR1 = base + 0x20, USR2 = base + 0x24, W0 = base + 0x40;
  const USR_COMMAND = 1 << 31, USR_MISO = 1 << 28, CMD_USR = 1 << 18;
  const oldUsr = await loader.readReg(USR);
  const oldUsr2 = await loader.readReg(USR2);
  await loader.writeReg(USR1, (24 - 1) << 8); // 24 bits back on MISO, nothing on MOSI
  await loader.writeReg(USR, (USR_COMMAND | USR_MISO) >>> 0);
  await loader.writeReg(USR2, ((7 << 28) | 0x9f) >>> 0); // 8-bit command RDID
  await loader.writeReg(W0, 0);
  await loader.writeReg(CMD, CMD_USR);
  let done = false;
  for (let i = 0; i < 10 && !done; i++) done = ((await loader.readReg(CMD)) & CMD_USR) === 0;
  if (!done) throw new FlashError("the SPI flash did not answer the ID command", EXIT.device);
  const id = (await loader.readReg(W0)) & 0xffffff;
  await loader.writeReg(USR, oldUsr >>> 0);
  await loader.writeReg(USR2, oldUsr2 >>> 0);
  return id;
}

export async function flashDevice(link: SerialLink, options: FlashOptions, ui: FlashUI): Promise<FlashReport> {
  let regions = prepareRegions(options, ui);
  const baud = options.baud ?? FLASH_LIMITS.defaultBaud;
  const before = options.before ?? "default_reset";
  const after = options.after ?? "hard_reset";
  // Compress every region now, off the main thread, while connecting (re-done if the header changes).
  const compress = options.compress ?? true;
  const pack = (rs: Region[]) => rs.map((r) => {
    const p = compress ? deflateAsync(r.data, { level: 9 }).then((b) => new Uint8Array(b)) : Promise.resolve(r.data);
    p.catch(() => undefined);
    return p;
  });
  let compressed = pack(regions);

  const adapter = new WebSerialAdapter(link);
  const transport = new QuietTransport(adapter as never, false);
  transport.log = ui.debug;
  const loader = new ESPLoader({
    transport,
    baudrate: baud,
    romBaudrate: FLASH_LIMITS.romBaud,
    terminal: { clean: () => undefined, writeLine: (l) => ui.debug(l), write: (l) => ui.debug(l) },
  });
  let wrote = false;
  let stage = "connecting";
  const fail = (err: unknown): never => {
    if (err instanceof FlashError && !(err instanceof PortGoneError)) throw err;
    // the close event may not have arrived yet when a write finds the port gone
    const lost = adapter.lost ?? (err instanceof PortGoneError ? err : null);
    if (lost) {
      throw new FlashError(
        `the serial device went away while ${stage} (unplugged?): ${lost.message}` +
          (wrote ? "\n  the flash may now hold a partial image: reconnect the board and run flash again" : ""),
        EXIT.device);
    }
    throw new FlashError(`${stage} failed: ${describe(err)}`, wrote ? EXIT.writeFailed : EXIT.device);
  };
  try {
    try {
      await loader.connect(before, options.connectAttempts ?? FLASH_LIMITS.connectAttempts, true);
    } catch (err) {
      if (err instanceof UnexpectedChipMagicError) {
        throw new FlashError(`this is not an ESP8266: the chip answered with an unknown chip id (${describe(err)})`, EXIT.device);
      }
      if (adapter.lost) fail(err);
      if (/Failed to connect/i.test(describe(err))) throw new FlashError(NO_ANSWER, EXIT.device);
      fail(err);
    }
    const chipName: string = loader.chip.CHIP_NAME;
    if (chipName !== "ESP8266") {
      throw new FlashError(`this is an ${chipName}, not an ESP8266: wasmqtt flashes ESP8266 boards only (use esptool for the ${chipName})`, EXIT.device);
    }
    stage = "reading the chip";
    const description = await loader.chip.getChipDescription(loader);
    const mac = await loader.chip.readMac(loader);
    ui.info(`chip: ${description}, MAC ${mac}`);

    stage = "starting the flasher stub";
    await loader.runStub();
    if (baud !== FLASH_LIMITS.romBaud) {
      stage = `changing to ${baud} baud`;
      await loader.changeBaud();
      if (transport.baudrate !== baud) ui.info(`the chip did not follow ${baud} baud: continuing at ${transport.baudrate}`);
    }
    const actualBaud: number = transport.baudrate;

    stage = "reading the flash ID";
    let flashId: number | null = null;
    let flashBytes: number | null = null;
    try {
      flashId = await readFlashId(loader);
      flashBytes = flashBytesFromId(flashId);
    } catch (err) {
      if (adapter.lost) fail(err);
      ui.debug(`flash ID: ${describe(err)}`);
    }
    ui.info(flashBytes === null
      ? `flash: size unknown (ID ${flashId === null ? "unreadable" : "0x" + flashId.toString(16)})`
      : `flash: ${formatBytes(flashBytes)} (ID 0x${flashId!.toString(16)})`);

    const given = options.flashSize && options.flashSize !== "detect" ? options.flashSize : undefined;
    if (given && flashBytes !== null && FLASH_SIZES[given].bytes > flashBytes) {
      throw new FlashError(`--flash-size ${given} is larger than the chip's flash (${formatBytes(flashBytes)}): ` +
        `use --flash-size ${sizeNameForBytes(flashBytes) ?? "keep"}`, EXIT.badInput);
    }
    checkRegions(regions, flashBytes, "flash on this board");
    if (options.flashSize === "detect") {
      const name = flashBytes === null ? null : sizeNameForBytes(flashBytes);
      if (!name) throw new FlashError("--flash-size detect: the flash size could not be read; give it, e.g. --flash-size 4MB", EXIT.device);
      regions = prepareRegions({ ...options, regions, flashSize: name }, { info: ui.debug });
      compressed = pack(regions);
    }

    if (options.eraseAll) {
      stage = "erasing the whole flash";
      wrote = true;
      ui.info("erasing the whole flash...");
      await loader.eraseFlash();
    }

    const bytesBefore = adapter.bytesWritten;
    const writeStart = Date.now();
    const reports: RegionReport[] = [];
    for (let i = 0; i < regions.length; i++) {
      const region = regions[i];
      const packed = await compressed[i];
      const expected = md5(region.data);
      let attempt = 0;
      for (;;) {
        attempt++;
        stage = `writing ${region.name} at ${hex(region.address)}`;
        wrote = true;
        let problem: string | null = null;
        try {
          if (compress) await writeRegion(loader, region, packed, i, regions.length, ui);
          else await writeRegionPlain(loader, region, i, regions.length, ui);
          stage = `verifying ${region.name}`;
          const actual = await loader.flashMd5sum(region.address, region.data.length);
          if (actual !== expected) problem = `MD5 in flash ${actual} differs from the file's ${expected}`;
        } catch (err) {
          if (adapter.lost || err instanceof FlashError) fail(err);
          problem = describe(err);
        }
        if (problem === null) break;
        if (attempt >= FLASH_LIMITS.regionAttempts) {
          throw new FlashError(`${region.name} at ${hex(region.address)} could not be written and verified ` +
            `(${attempt} attempts; last: ${problem}).\n  try a lower --baud (115200) or another cable`, EXIT.writeFailed);
        }
        ui.info(`${region.name}: ${problem}; writing it again`);
        await sleep(100);
        loader.transport.flushInput();
      }
      ui.info(`${region.name}: ${region.data.length} bytes at ${hex(region.address)} verified (MD5 ${expected})`);
      reports.push({ name: region.name, address: region.address, bytes: region.data.length,
        compressedBytes: packed.length, md5: expected, attempts: attempt });
    }
    const writeMs = Date.now() - writeStart;
    const wireBytes = adapter.bytesWritten - bytesBefore;

    let reset: FlashReport["reset"] = "none";
    if (after === "hard_reset") {
      stage = "resetting into the application";
      reset = "app";
      await resetIntoApp(adapter, loader);
      ui.info(adapter.signalsUnsupported
        ? "reset: the port has no DTR/RTS lines; asked the stub to run the application"
        : "reset into the application");
    } else {
      ui.info("left in the flasher stub (--after no_reset)");
    }
    return { chip: description, mac, flashId, flashBytes, baud: actualBaud, regions: reports, reset,
      wireBytesWritten: wireBytes, writeMs };
  } catch (err) {
    return fail(err);
  } finally {
    // A write that failed leaves esptool-js's writer locked, and its disconnect() would wait for it forever.
    if (!adapter.lost && !adapter.writable?.locked) {
      await Promise.race([transport.disconnect().catch(() => undefined), sleep(2000)]);
    }
    await adapter.release().catch(() => undefined);
  }
}

async function writeRegion(loader: ESPLoader, region: Region, packed: Uint8Array, index: number, count: number,
  ui: FlashUI): Promise<void> {
  const blockSize: number = loader.FLASH_WRITE_SIZE;
  const blocks = await loader.flashDeflBegin(region.data.length, packed.length, region.address);
  const ratio = region.data.length / packed.length;
  const startedAt = Date.now();
  const progress = (sent: number) => ui.progress({ index, count, name: region.name, address: region.address,
    sent, total: packed.length, startedAt });
  progress(0);
  let timeout = 3000;
  for (let seq = 0; seq < blocks; seq++) {
    const block = packed.subarray(seq * blockSize, Math.min(packed.length, (seq + 1) * blockSize));
    await loader.flashDeflBlock(block, seq, timeout);
    // The stub acknowledges a block on receipt and writes it while the next one arrives.
    timeout = Math.max(3000, loader.timeoutPerMb(loader.ERASE_WRITE_TIMEOUT_PER_MB, block.length * ratio));
    progress(Math.min(packed.length, (seq + 1) * blockSize));
  }
  await loader.flashDeflFinish(false, timeout);
}

async function writeRegionPlain(loader: ESPLoader, region: Region, index: number, count: number, ui: FlashUI): Promise<void> {
  const blockSize: number = loader.FLASH_WRITE_SIZE;
  const blocks = await loader.flashBegin(region.data.length, region.address);
  const startedAt = Date.now();
  const total = region.data.length;
  const progress = (sent: number) => ui.progress({ index, count, name: region.name, address: region.address, sent, total, startedAt });
  progress(0);
  const timeout = Math.max(3000, loader.timeoutPerMb(loader.ERASE_WRITE_TIMEOUT_PER_MB, blockSize));
  for (let seq = 0; seq < blocks; seq++) {
    // Whole blocks only: the last one padded with 0xFF, as esptool does (erased flash reads 0xFF).
    const block = new Uint8Array(blockSize).fill(0xff);
    block.set(region.data.subarray(seq * blockSize, (seq + 1) * blockSize));
    await loader.flashBlock(block, seq, timeout);
    progress(Math.min(total, (seq + 1) * blockSize));
  }
  await loader.flashFinish(false, timeout);
}

/** The ESP8266 boots its application when EN rises with GPIO0 high: DTR off, pulse RTS. */
async function resetIntoApp(adapter: WebSerialAdapter, loader: ESPLoader): Promise<void> {
  await adapter.setSignals({ dataTerminalReady: false, requestToSend: true });
  await sleep(100);
  await adapter.setSignals({ dataTerminalReady: false, requestToSend: false });
  if (adapter.signalsUnsupported) {
    // No lines to pull: the stub can jump to the application itself (RUN_USER_CODE, no answer).
    await loader.command(loader.ESP_RUN_USER_CODE, new Uint8Array(0), 0, false);
    await sleep(50);
  }
}
