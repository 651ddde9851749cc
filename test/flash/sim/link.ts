// The simulated chip as a SerialLink, in-process: a UART line in each direction whose bytes take
// their time at the current baud rate (when modelled), garbled when the two ends disagree on the rate.
import type { SerialLink, Signals } from "../../../host/flash/serial-link.js";
import { SignalsUnsupported } from "../../../host/flash/serial-link.js";
import type { SimEsp8266 } from "./esp8266.js";

export interface SimLinkOptions {
  /** Model the time bytes take on the wire (10 bits a byte). */
  wireTime?: boolean;
  /** false: a port without DTR/RTS (like a pty). */
  signals?: boolean;
}

const sleepUntil = (t: number) => new Promise<void>((r) => setTimeout(r, Math.max(0, t - performance.now())));

export class SimLink implements SerialLink {
  readonly path = "sim:esp8266";
  readonly vendorId = 0x1a86;
  readonly productId = 0x7523;
  isOpen = false;
  hostBaud = 115200;
  /** Bytes written by the host, and the bytes delivered to it, over the link's life. */
  hostBytes = 0;
  chipBytes = 0;
  /** Every open (with its baud) and every in-place baud change, in order. */
  readonly calls: string[] = [];
  private lost = false;
  private txFree = 0;
  private rxFree = 0;
  private dataListeners = new Set<(d: Uint8Array) => void>();
  private lostListeners = new Set<(e: Error) => void>();
  private noise = 0x1234567;

  constructor(readonly chip: SimEsp8266, private readonly options: SimLinkOptions = {}) {
    chip.output = (bytes, baud) => this.fromChip(bytes, baud);
    chip.onUnplug = () => this.unplug();
  }

  async open(baudRate: number): Promise<void> {
    if (this.lost) throw new Error(`cannot open ${this.path}: No such file or directory`);
    this.isOpen = true;
    this.hostBaud = baudRate;
    this.calls.push(`open ${baudRate}`);
  }

  async close(): Promise<void> {
    this.isOpen = false;
  }

  async write(data: Uint8Array): Promise<void> {
    if (this.lost || !this.isOpen) throw new Error("Writing to a closed port (device disconnected)");
    this.hostBytes += data.length;
    const baud = this.hostBaud;
    const copy = data.slice();
    if (this.options.wireTime) {
      this.txFree = Math.max(performance.now(), this.txFree) + (copy.length * 10 * 1000) / baud;
      await sleepUntil(this.txFree);
      if (this.lost) throw new Error("Writing to a closed port (device disconnected)");
    }
    this.chip.input(this.line(copy, baud, this.chip.baud));
  }

  async setSignals(s: Signals): Promise<void> {
    if (this.options.signals === false) throw new SignalsUnsupported(this.path, "Inappropriate ioctl for device");
    this.calls.push(`signals dtr=${+s.dtr} rts=${+s.rts}`);
    this.chip.setPins(s.dtr, s.rts);
  }

  async setBaudRate(baudRate: number): Promise<void> {
    this.hostBaud = baudRate;
    this.calls.push(`baud ${baudRate}`);
  }

  onData(listener: (data: Uint8Array) => void): () => void {
    this.dataListeners.add(listener);
    return () => this.dataListeners.delete(listener);
  }

  onLost(listener: (err: Error) => void): () => void {
    this.lostListeners.add(listener);
    return () => this.lostListeners.delete(listener);
  }

  unplug(): void {
    if (this.lost) return;
    this.lost = true;
    this.isOpen = false;
    setImmediate(() => {
      for (const l of [...this.lostListeners]) l(Object.assign(new Error("device disconnected"), { disconnected: true }));
      this.lostListeners.clear();
    });
  }

  private fromChip(bytes: Uint8Array, chipBaud: number): void {
    const deliver = () => {
      if (this.lost || !this.isOpen) return;
      const seen = this.line(bytes, chipBaud, this.hostBaud);
      this.chipBytes += seen.length;
      for (const l of this.dataListeners) l(seen);
    };
    if (!this.options.wireTime) {
      setImmediate(deliver);
      return;
    }
    this.rxFree = Math.max(performance.now(), this.rxFree) + (bytes.length * 10 * 1000) / chipBaud;
    void sleepUntil(this.rxFree).then(deliver);
  }

  /** What arrives at a receiver listening at `rxBaud` for bytes sent at `txBaud`. */
  private line(bytes: Uint8Array, txBaud: number, rxBaud: number): Uint8Array {
    const max = this.chip.faults.maxReliableBaud ?? Infinity;
    if (txBaud === rxBaud && txBaud <= max) return bytes;
    const n = Math.max(1, Math.round((bytes.length * rxBaud) / txBaud));
    const out = new Uint8Array(n);
    for (let i = 0; i < n; i++) {
      this.noise = (this.noise * 1103515245 + 12345) >>> 0;
      out[i] = (this.noise >>> 16) & 0xff;
    }
    return out;
  }
}
