// esptool-js's Transport expects a Web Serial port; this gives it one on top of a SerialLink.
// setSignals keeps the full DTR/RTS state (Web Serial callers pass one flag at a time) and
// setBaudRate changes the rate in place. close() only ends the streams: esptool-js closes and
// reopens the port when it reconnects, and on a real board reopening can pulse DTR/RTS and reset
// the chip out of download mode, so the port itself stays open until release().
import { SignalsUnsupported, type SerialLink, type Signals } from "./serial-link.js";

interface WebSerialSignals {
  dataTerminalReady?: boolean;
  requestToSend?: boolean;
  break?: boolean;
}

export class WebSerialAdapter {
  readable: ReadableStream<Uint8Array> | null = null;
  writable: WritableStream<Uint8Array> | null = null;
  /** Set when the device went away; the flasher turns it into an actionable message. */
  lost: Error | null = null;
  /** Set when the port refused DTR/RTS (a pty, some adapters): resets are then not possible. */
  signalsUnsupported = false;
  /** Bytes handed to the port so far (the benchmark's wire-time floor is counted from these). */
  bytesWritten = 0;
  /** Every full DTR/RTS state sent, oldest first (tests and --verbose read it). */
  readonly signalLog: Signals[] = [];
  private signals: Signals = { dtr: false, rts: false };
  private unsubscribe: Array<() => void> = [];

  constructor(readonly link: SerialLink) {}

  getInfo(): { usbVendorId?: number; usbProductId?: number } {
    return { usbVendorId: this.link.vendorId, usbProductId: this.link.productId };
  }

  async open(options: { baudRate: number }): Promise<void> {
    this.lost = null;
    if (this.link.isOpen) await this.link.setBaudRate(options.baudRate);
    else await this.link.open(options.baudRate);
    let controller!: ReadableStreamDefaultController<Uint8Array>;
    this.readable = new ReadableStream<Uint8Array>({
      start: (c) => {
        controller = c;
      },
      cancel: () => {
        this.dropListeners();
      },
    });
    this.unsubscribe.push(
      this.link.onData((d) => {
        try {
          controller.enqueue(d.slice());
        } catch {
          // stream already cancelled: the bytes have no reader
        }
      }),
      this.link.onLost((err) => {
        this.lost = err;
        try {
          controller.error(new DOMException(`The device has been lost: ${err.message}`, "NetworkError"));
        } catch {
          // already closed
        }
      }),
    );
    this.writable = new WritableStream<Uint8Array>({
      write: (chunk) => {
        if (this.lost) throw new DOMException("The device has been lost.", "NetworkError");
        this.bytesWritten += chunk.length;
        return this.link.write(chunk);
      },
    });
  }

  async close(): Promise<void> {
    this.dropListeners();
    if (this.readable && !this.readable.locked) await this.readable.cancel().catch(() => undefined);
    this.readable = null;
    this.writable = null;
  }

  /** Ends the streams and closes the port. */
  async release(): Promise<void> {
    await this.close();
    await this.link.close();
  }

  async setSignals(s: WebSerialSignals): Promise<void> {
    if (s.dataTerminalReady !== undefined) this.signals.dtr = s.dataTerminalReady;
    if (s.requestToSend !== undefined) this.signals.rts = s.requestToSend;
    const full = { ...this.signals };
    this.signalLog.push(full);
    if (this.signalsUnsupported) return;
    try {
      await this.link.setSignals(full);
    } catch (err) {
      if (err instanceof SignalsUnsupported) {
        this.signalsUnsupported = true;
        return;
      }
      throw err;
    }
  }

  async setBaudRate(baudRate: number): Promise<void> {
    await this.link.setBaudRate(baudRate);
  }

  private dropListeners(): void {
    for (const u of this.unsubscribe) u();
    this.unsubscribe = [];
  }
}
