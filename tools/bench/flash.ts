// `npm run bench` flash suite: flashing 1 MiB of firmware-like data through the simulated ESP8266
// with 460800-baud wire time modelled. The write phase against the wire time of the bytes it sent
// (the floor); the whole job against esptool-js on the same simulator, same run, both clocks from
// the first byte to the chip to a verified MD5, so both include compressing the image (ours
// compresses while it connects, esptool-js inside writeFlash).
// The simulator is test code: loaded by path at run time (tsx), never compiled into dist/.
import { createHash } from "node:crypto";
import { ESPLoader, Transport } from "esptool-js";
import type { BenchRow } from "./types.js";
import { flashDevice } from "../../host/flash/flasher.js";
import { WebSerialAdapter } from "../../host/flash/web-serial.js";
import type { SerialLink } from "../../host/flash/serial-link.js";

const BAUD = 460800;
const SIZE = 1 << 20;
const ADDRESS = 0x100000;

interface Sim {
  init(): Promise<Sim>;
  flash: { read(a: number, n: number): Uint8Array };
}
interface SimModules {
  SimEsp8266: new (o: object) => Sim;
  SimLink: new (chip: Sim, o: object) => SerialLink & { hostBytes: number };
  firmwareLike: (n: number, seed?: number) => Uint8Array;
}

async function load(): Promise<SimModules> {
  const at = (p: string) => new URL(`../../test/flash/sim/${p}`, import.meta.url).href;
  const [chip, link, images] = await Promise.all([import(at("esp8266.ts")), import(at("link.ts")), import(at("images.ts"))]);
  return { SimEsp8266: chip.SimEsp8266, SimLink: link.SimLink, firmwareLike: images.firmwareLike };
}

const md5 = (d: Uint8Array) => createHash("md5").update(d).digest("hex");

export async function run(): Promise<BenchRow[]> {
  const m = await load();
  const data = m.firmwareLike(SIZE, 11);
  const quiet = { info: () => undefined, debug: () => undefined, progress: () => undefined };

  // Ours: the flasher module, connect to a verified MD5 (report.writeMs: its write phase alone).
  const chip = await new m.SimEsp8266({}).init();
  const link = new m.SimLink(chip, { wireTime: true });
  const t0 = performance.now();
  const report = await flashDevice(link, { regions: [{ address: ADDRESS, data, name: "1MiB" }], baud: BAUD, after: "no_reset" }, quiet);
  const oursMs = performance.now() - t0;
  if (md5(chip.flash.read(ADDRESS, SIZE)) !== md5(data)) throw new Error("bench: flash contents differ");
  const wireMs = (report.wireBytesWritten * 10 * 1000) / BAUD;

  // Peer: esptool-js's main (connect, stub, baud change) and writeFlash (pako level 9 before
  // sending, its own MD5 check) over the same simulated line.
  const chip2 = await new m.SimEsp8266({}).init();
  const link2 = new m.SimLink(chip2, { wireTime: true });
  const adapter = new WebSerialAdapter(link2);
  const transport = new Transport(adapter as never, false);
  (transport as unknown as { trace: (s: string) => void }).trace = () => undefined;
  const loader = new ESPLoader({ transport, baudrate: BAUD, terminal: { clean() {}, write() {}, writeLine() {} } });
  const t1 = performance.now();
  await loader.main("default_reset");
  await loader.writeFlash({
    fileArray: [{ data, address: ADDRESS }], flashMode: "keep", flashFreq: "keep", flashSize: "keep",
    eraseAll: false, compress: true, calculateMD5Hash: (d: Uint8Array) => md5(d),
  });
  const peerMs = performance.now() - t1;
  await transport.disconnect().catch(() => undefined);
  await adapter.release();
  if (md5(chip2.flash.read(ADDRESS, SIZE)) !== md5(data)) throw new Error("bench: esptool-js flash contents differ");

  return [
    {
      group: "flash", name: "write+verify phase, 1 MiB firmware-like at 460800 baud (sim), vs wire time of the bytes it sent",
      ours: report.writeMs / 1000, peer: wireMs / 1000, peerName: "wire time", unit: "s",
      ratio: wireMs / report.writeMs, goal: "<= 1.2x wire time (ratio >= 0.83)", met: report.writeMs <= 1.2 * wireMs,
    },
    {
      group: "flash", name: "flash 1 MiB end to end: connect, stub, 460800 baud, compress, write, verify (sim)",
      ours: oursMs / 1000, peer: peerMs / 1000, peerName: "esptool-js main + writeFlash", unit: "s",
      ratio: peerMs / oursMs, goal: ">= 1x", met: oursMs <= peerMs,
    },
  ];
}
