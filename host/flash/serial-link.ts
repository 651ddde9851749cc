// The byte pipe to a board: what the flasher and the Lua-prompt tools need from a serial port.
// NodeSerialLink puts it on a `serialport` port; tests put it on a simulated chip.
import { SerialPort } from "serialport";
import { FlashError, PortGoneError, EXIT } from "./errors.js";

export interface Signals {
  dtr: boolean;
  rts: boolean;
}

export interface SerialLink {
  readonly path: string;
  readonly vendorId?: number;
  readonly productId?: number;
  /** Open (or reopen after close) at this baud rate. */
  open(baudRate: number): Promise<void>;
  close(): Promise<void>;
  readonly isOpen: boolean;
  /** Resolves once the bytes are handed to the OS (or, simulated, have crossed the wire). */
  write(data: Uint8Array): Promise<void>;
  /** Always the full DTR/RTS state. Rejects with SignalsUnsupported where the port has no modem lines. */
  setSignals(signals: Signals): Promise<void>;
  /** Changes the rate without closing the port (closing can toggle DTR/RTS and reset the chip). */
  setBaudRate(baudRate: number): Promise<void>;
  /** Bytes as they arrive; returns an unsubscribe function. */
  onData(listener: (data: Uint8Array) => void): () => void;
  /** Called once when the device disappears (unplugged) or the port fails. */
  onLost(listener: (err: Error) => void): () => void;
}

export class SignalsUnsupported extends Error {
  constructor(path: string, cause: string) {
    super(`${path} has no DTR/RTS lines (${cause})`);
    this.name = "SignalsUnsupported";
  }
}

function cb(resolve: () => void, reject: (e: Error) => void) {
  return (err: Error | null | undefined) => (err ? reject(err) : resolve());
}

export class NodeSerialLink implements SerialLink {
  private port: SerialPort | null = null;
  private dataListeners = new Set<(d: Uint8Array) => void>();
  private lostListeners = new Set<(e: Error) => void>();
  private closing = false;

  constructor(readonly path: string, readonly vendorId?: number, readonly productId?: number) {}

  get isOpen(): boolean {
    return this.port?.isOpen ?? false;
  }

  async open(baudRate: number): Promise<void> {
    if (this.port?.isOpen) {
      await this.setBaudRate(baudRate);
      return;
    }
    const port = new SerialPort({ path: this.path, baudRate, autoOpen: false, hupcl: false });
    port.on("data", (d: Buffer) => {
      const bytes = new Uint8Array(d.buffer, d.byteOffset, d.byteLength);
      for (const l of this.dataListeners) l(bytes);
    });
    port.on("close", (err: (Error & { disconnected?: boolean }) | null) => {
      if (this.closing) return;
      this.fireLost(err ?? new Error("the port closed"));
    });
    port.on("error", (err: Error) => this.fireLost(err));
    await new Promise<void>((resolve, reject) => port.open(cb(resolve, reject))).catch((err: Error) => {
      throw new FlashError(`cannot open ${this.path}: ${err.message}` + permissionHint(err), EXIT.device);
    });
    this.port = port;
    this.closing = false;
  }

  async close(): Promise<void> {
    const port = this.port;
    this.port = null;
    if (!port || !port.isOpen) return;
    this.closing = true;
    await new Promise<void>((resolve) => port.close(() => resolve()));
  }

  async write(data: Uint8Array): Promise<void> {
    const port = this.requirePort();
    // Handed to the OS, not drained: tcdrain() blocks a thread for good on a line nobody reads.
    await new Promise<void>((resolve, reject) => port.write(Buffer.from(data), cb(resolve, reject)));
  }

  async setSignals(signals: Signals): Promise<void> {
    const port = this.requirePort();
    // serialport's set() fills missing flags with true: always give both.
    await new Promise<void>((resolve, reject) =>
      port.set({ dtr: signals.dtr, rts: signals.rts }, cb(resolve, reject)),
    ).catch((err: Error) => {
      throw new SignalsUnsupported(this.path, err.message);
    });
  }

  async setBaudRate(baudRate: number): Promise<void> {
    const port = this.requirePort();
    await new Promise<void>((resolve, reject) => port.update({ baudRate }, cb(resolve, reject)));
  }

  onData(listener: (data: Uint8Array) => void): () => void {
    this.dataListeners.add(listener);
    return () => this.dataListeners.delete(listener);
  }

  onLost(listener: (err: Error) => void): () => void {
    this.lostListeners.add(listener);
    return () => this.lostListeners.delete(listener);
  }

  private fireLost(err: Error): void {
    const listeners = [...this.lostListeners];
    this.lostListeners.clear();
    for (const l of listeners) l(err);
  }

  private requirePort(): SerialPort {
    if (!this.port || !this.port.isOpen) throw new PortGoneError(`${this.path} is not open (was the device unplugged?)`, EXIT.device);
    return this.port;
  }
}

function permissionHint(err: Error): string {
  if (/EACCES|Permission denied/i.test(err.message)) {
    return "\n  you may need to be in the 'dialout' group: sudo usermod -aG dialout $USER, then log in again";
  }
  if (/EBUSY|Resource busy|lock/i.test(err.message)) return "\n  another program (a serial monitor?) has the port open";
  if (/ENOENT|No such file/i.test(err.message)) return "\n  list the ports with: wasmqtt ports";
  return "";
}
