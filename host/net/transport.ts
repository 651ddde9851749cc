// TCP or TLS to the broker, with connection failures mapped to the seed's reason codes.
// Knows sockets, nothing of MQTT.
import { createRequire } from "node:module";
import { connect as tcpConnect, type Socket } from "node:net";
import type { ConnectionOptions } from "node:tls";
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

// node:tls (and OpenSSL's state with it) is loaded on the first TLS connection only: a plain
// client does not pay its memory.
const load = createRequire(import.meta.url);
let tlsModule: typeof import("node:tls") | null = null;
function tls(): typeof import("node:tls") {
  return (tlsModule ??= load("node:tls") as typeof import("node:tls"));
}

/** Bytes staged per tick before a write is forced; flushes below STAGE_COPY_LIMIT are copied out. */
const STAGE_BYTES = 64 * 1024;
const STAGE_COPY_LIMIT = 4 * 1024;

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
  private stage: Buffer = Buffer.allocUnsafe(STAGE_BYTES);
  private stagedLength = 0;
  private flushPending = false;
  private ending = false;

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
      this.socket = tls().connect(opts, onOpen);
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

  /** Bytes not yet handed to the kernel (staged here or in the socket's buffer). */
  get buffered(): number {
    return this.socket.writableLength + this.stagedLength;
  }

  get isOpen(): boolean {
    return this.opened && !this.done;
  }

  /** Copy bytes into the staging buffer; what is staged in one tick goes out in one socket write. */
  write(bytes: Uint8Array): void {
    if (this.done) return;
    const n = bytes.length;
    if (this.stagedLength + n > this.stage.length) {
      this.flush();
      if (n > this.stage.length) { this.socket.write(Buffer.from(bytes)); return; }
    }
    this.stage.set(bytes, this.stagedLength);
    this.stagedLength += n;
    if (!this.flushPending) {
      this.flushPending = true;
      process.nextTick(this.flushLater);
    }
  }

  private readonly flushLater = () => {
    this.flushPending = false;
    this.flush();
  };

  private flush(): void {
    const n = this.stagedLength;
    if (n === 0 || this.done && !this.ending) return;
    this.stagedLength = 0;
    // The socket keeps what it is given until written: small flushes are copied out (from
    // Node's buffer pool), big ones hand over the staging buffer and a new one is made.
    if (n < STAGE_COPY_LIMIT) {
      this.socket.write(Buffer.from(this.stage.subarray(0, n)));
    } else {
      this.socket.write(this.stage.subarray(0, n));
      this.stage = Buffer.allocUnsafe(STAGE_BYTES);
    }
  }

  /** Flush what is queued, then close; destroy if that takes longer than graceMs. No more callbacks. */
  end(graceMs: number): void {
    if (this.done) return;
    this.done = true;
    if (!this.opened) { this.socket.destroy(); return; }
    this.ending = true;
    this.flush();
    this.ending = false;
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
