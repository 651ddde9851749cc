// TCP or TLS to the broker, with connection failures mapped to the seed's reason codes.
// Knows sockets, nothing of MQTT.
import { createRequire } from "node:module";
import { connect as tcpConnect, type Socket } from "node:net";
import type { ConnectionOptions } from "node:tls";
import { ConnFail } from "../engine/types.js";
import type { ClientSettings } from "./settings.js";

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

/** Flushes below this size are copied out of the staging buffer (from Node's buffer pool). */
const STAGE_COPY_LIMIT = 4 * 1024;

const DNS_CODES = new Set(["ENOTFOUND", "EAI_AGAIN", "EAI_FAIL", "EAI_NONAME", "EAI_NODATA"]);

/** Which seed reason a failure to open the connection is. */
export function failureReason(err: NodeJS.ErrnoException): number {
  if (err.code && DNS_CODES.has(err.code)) return ConnFail.DNS;
  if (err.syscall === "getaddrinfo") return ConnFail.DNS;
  if (err.code === "ETIMEDOUT") return ConnFail.TIMEOUT_SENDING;
  return ConnFail.SERVER_NOT_FOUND;
}

/** The transport's share of the client settings (host/net/settings.ts). */
export type TransportBounds = Pick<ClientSettings, "writeStageBytes" | "pauseReadingBytes" | "writeStallMs">;

/**
 * One connection. Writes made in one tick go out as one socket write. Backpressure: while more
 * than `pauseReadingBytes` wait to be written the socket is not read (the broker's packets, and
 * the acks they would cause, wait in the kernel and at the broker), and reading resumes once
 * half of them have left. Nothing is dropped. If the broker takes none of the backlog for
 * `writeStallMs`, the connection is closed with an error saying so.
 * Fields are private (#): the socket and target carry TLS keys, the staged bytes a password.
 */
export class Transport {
  readonly #socket: Socket;
  readonly #handlers: TransportHandlers;
  readonly #bounds: TransportBounds;
  #opened = false;
  #done = false;
  #stage: Buffer;
  #stagedLength = 0;
  #flushPending = false;
  #ending = false;
  #paused = false;
  /** When the socket last finished a write (ms, monotonic). */
  #lastProgress = 0;
  #stallTimer: NodeJS.Timeout | null = null;

  constructor(target: TransportTarget, handlers: TransportHandlers, bounds: TransportBounds) {
    this.#handlers = handlers;
    this.#bounds = bounds;
    this.#stage = Buffer.allocUnsafe(bounds.writeStageBytes);
    const onOpen = () => {
      if (this.#done) return;
      this.#opened = true;
      this.#socket.setNoDelay(true);
      handlers.opened();
    };
    if (target.tls) {
      const opts: ConnectionOptions = { host: target.host, port: target.port, ...target.tls };
      if (opts.servername === undefined && !/^[\d.]+$|:/.test(target.host)) opts.servername = target.host;
      this.#socket = tls().connect(opts, onOpen);
    } else {
      this.#socket = tcpConnect({ host: target.host, port: target.port }, onOpen);
    }
    this.#socket.on("data", (d: Buffer) => { if (!this.#done) handlers.data(d); });
    this.#socket.on("error", (err) => this.#fail(err));
    this.#socket.on("close", () => this.#fail(null));
  }

  #fail(err: Error | null): void {
    if (this.#done) return;
    this.#done = true;
    this.#stopWatch();
    this.#socket.destroy();
    if (this.#opened) {
      this.#handlers.closed(err);
    } else {
      const e = (err ?? Object.assign(new Error("connection closed before it opened"), { code: "ECONNRESET" })) as NodeJS.ErrnoException;
      this.#handlers.failed(failureReason(e), e);
    }
  }

  /** Bytes not yet handed to the kernel (staged here or in the socket's buffer). */
  get buffered(): number {
    return this.#socket.writableLength + this.#stagedLength;
  }

  get isOpen(): boolean {
    return this.#opened && !this.#done;
  }

  /** Copy bytes into the staging buffer; what is staged in one tick goes out in one socket write. */
  write(bytes: Uint8Array): void {
    if (this.#done) return;
    const n = bytes.length;
    if (this.#stagedLength + n > this.#stage.length) {
      this.#flush();
      if (n > this.#stage.length) {
        this.#socket.write(Buffer.from(bytes), this.#written);
        this.#checkBacklog();
        return;
      }
    }
    this.#stage.set(bytes, this.#stagedLength);
    this.#stagedLength += n;
    if (!this.#flushPending) {
      this.#flushPending = true;
      process.nextTick(this.#flushLater);
    }
  }

  readonly #flushLater = () => {
    this.#flushPending = false;
    this.#flush();
  };

  #flush(): void {
    const n = this.#stagedLength;
    if (n === 0 || this.#done && !this.#ending) return;
    this.#stagedLength = 0;
    // The socket keeps what it is given until written: small flushes are copied out (from
    // Node's buffer pool), big ones hand over the staging buffer and a new one is made.
    if (n < STAGE_COPY_LIMIT) {
      this.#socket.write(Buffer.from(this.#stage.subarray(0, n)), this.#written);
    } else {
      this.#socket.write(this.#stage.subarray(0, n), this.#written);
      this.#stage = Buffer.allocUnsafe(this.#bounds.writeStageBytes);
    }
    this.#checkBacklog();
  }

  /** Over the bound: stop reading until the broker takes the backlog, and watch that it does. */
  #checkBacklog(): void {
    if (this.#paused || this.#done || this.#socket.writableLength <= this.#bounds.pauseReadingBytes) return;
    this.#paused = true;
    this.#socket.pause();
    this.#lastProgress = nowMs();
    this.#watch(this.#bounds.writeStallMs);
  }

  /** A socket write finished: progress; below half the bound, read again. */
  readonly #written = (err?: Error | null) => {
    if (err || !this.#paused) return;
    this.#lastProgress = nowMs();
    if (this.#done || this.#socket.writableLength > this.#bounds.pauseReadingBytes / 2) return;
    this.#paused = false;
    this.#stopWatch();
    this.#socket.resume();
  };

  #watch(delayMs: number): void {
    this.#stallTimer = setTimeout(() => {
      this.#stallTimer = null;
      if (!this.#paused || this.#done) return;
      const idle = nowMs() - this.#lastProgress;
      const stall = this.#bounds.writeStallMs;
      if (idle < stall) { this.#watch(stall - idle); return; }
      const e = Object.assign(new Error(
        `the broker stopped reading: ${this.buffered} bytes waited ${stall} ms without any being taken ` +
        `(settings.writeStallMs); the connection was closed`), { code: "ESTALLED" });
      this.#fail(e);
    }, delayMs);
    this.#stallTimer.unref();
  }

  #stopWatch(): void {
    if (this.#stallTimer) clearTimeout(this.#stallTimer);
    this.#stallTimer = null;
  }

  /** Flush what is queued, then close; destroy if that takes longer than graceMs. No more callbacks. */
  end(graceMs: number): void {
    if (this.#done) return;
    this.#done = true;
    this.#stopWatch();
    if (!this.#opened) { this.#socket.destroy(); return; }
    this.#ending = true;
    this.#flush();
    this.#ending = false;
    const t = setTimeout(() => this.#socket.destroy(), graceMs);
    t.unref();
    this.#socket.end(() => { clearTimeout(t); this.#socket.destroy(); });
  }

  /** Drop the connection at once, as if the network died. No more callbacks. */
  destroy(): void {
    if (this.#done) return;
    this.#done = true;
    this.#stopWatch();
    this.#socket.destroy();
  }
}

function nowMs(): number {
  return process.uptime() * 1000;
}
