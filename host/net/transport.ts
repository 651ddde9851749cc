// TCP or TLS to the broker, with connection failures mapped to the seed's reason codes.
// Knows sockets, nothing of MQTT.
import { connect as tcpConnect, type Socket } from "node:net";
import { connect as tlsConnect, type ConnectionOptions } from "node:tls";
import { ConnFail } from "../engine/types.js";

/** TLS settings accepted by connect(): `secure` may be 1/true (system CAs) or this object. */
export interface TlsSettings {
  ca?: string | Buffer | Array<string | Buffer>;
  cert?: string | Buffer;
  key?: string | Buffer;
  rejectUnauthorized?: boolean;
  servername?: string;
}

export interface TransportTarget {
  host: string;
  port: number;
  tls: TlsSettings | null;
}

export interface TransportHandlers {
  opened(): void;
  /** The connection could not be made; reason is a ConnFail code. */
  failed(reason: number, error: Error): void;
  data(bytes: Buffer): void;
  /** The open connection ended (by the peer or by an error). */
  closed(error: Error | null): void;
}

const DNS_CODES = new Set(["ENOTFOUND", "EAI_AGAIN", "EAI_FAIL", "EAI_NONAME", "EAI_NODATA"]);

/** Which seed reason a failure to open the connection is. */
export function failureReason(err: NodeJS.ErrnoException): number {
  if (err.code && DNS_CODES.has(err.code)) return ConnFail.DNS;
  if (err.syscall === "getaddrinfo") return ConnFail.DNS;
  if (err.code === "ETIMEDOUT") return ConnFail.TIMEOUT_SENDING;
  return ConnFail.SERVER_NOT_FOUND;
}

export class Transport {
  private readonly socket: Socket;
  private opened = false;
  private done = false;
  private corked = false;

  constructor(target: TransportTarget, private readonly handlers: TransportHandlers) {
    const onOpen = () => {
      if (this.done) return;
      this.opened = true;
      this.socket.setNoDelay(true);
      handlers.opened();
    };
    if (target.tls) {
      const opts: ConnectionOptions = { host: target.host, port: target.port, ...target.tls };
      if (opts.servername === undefined && !/^[\d.]+$|:/.test(target.host)) opts.servername = target.host;
      this.socket = tlsConnect(opts, onOpen);
    } else {
      this.socket = tcpConnect({ host: target.host, port: target.port }, onOpen);
    }
    this.socket.on("data", (d: Buffer) => { if (!this.done) handlers.data(d); });
    this.socket.on("error", (err) => this.fail(err));
    this.socket.on("close", () => this.fail(null));
  }

  private fail(err: Error | null): void {
    if (this.done) return;
    this.done = true;
    this.socket.destroy();
    if (this.opened) {
      this.handlers.closed(err);
    } else {
      const e = (err ?? Object.assign(new Error("connection closed before it opened"), { code: "ECONNRESET" })) as NodeJS.ErrnoException;
      this.handlers.failed(failureReason(e), e);
    }
  }

  /** Bytes waiting in the socket's buffer. */
  get buffered(): number {
    return this.socket.writableLength;
  }

  get isOpen(): boolean {
    return this.opened && !this.done;
  }

  /** Copy and queue bytes; writes in one tick are handed to the kernel together. */
  write(bytes: Uint8Array): void {
    if (this.done) return;
    if (!this.corked) {
      this.corked = true;
      this.socket.cork();
      process.nextTick(() => { this.corked = false; this.socket.uncork(); });
    }
    this.socket.write(Buffer.from(bytes));
  }

  /** Flush what is queued, then close; destroy if that takes longer than graceMs. No more callbacks. */
  end(graceMs: number): void {
    if (this.done) return;
    this.done = true;
    if (!this.opened) { this.socket.destroy(); return; }
    const t = setTimeout(() => this.socket.destroy(), graceMs);
    t.unref();
    this.socket.end(() => { clearTimeout(t); this.socket.destroy(); });
  }

  /** Drop the connection at once, as if the network died. No more callbacks. */
  destroy(): void {
    if (this.done) return;
    this.done = true;
    this.socket.destroy();
  }
}
