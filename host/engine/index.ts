// The engine wrapper: loads build/engine.wasm (one instance per Engine) and marshals its ABI
// (docs/abi.md). It knows strings, blobs, integers and the order of calls, nothing of MQTT:
// packet layouts and rules live in assembly/ only.
import { existsSync, readFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { inspect } from "node:util";
import { EV, KIND, MSG, PACK, START, errorText, type EngineExports } from "./abi_table.js";
import type { Engine, EngineEvent, EngineHost, EngineLimits, SessionConfig } from "./types.js";

export * from "./types.js";
export type { EngineExports } from "./abi_table.js";

/** MQTT 3.1.1's largest remaining length: no packet, and so no message, is longer. */
export const MQTT_MAX_PACKET = 268_435_455;

/** Host-side bounds, all in one place: generous, as Node has the memory (the engine's tables take
 *  about 1.6 MB of linear memory, touched only as they are used). maxQueuedBytes counts topic +
 *  payload bytes of the publishes the engine holds: by default no bound below 4 GiB. */
export const DEFAULT_LIMITS: EngineLimits = {
  maxMessageLength: MQTT_MAX_PACKET, // every message whole, as in MQTT.js: no message is longer

  maxQueuedMessages: 64000,
  maxQueuedBytes: 0xffffffff,
  maxPendingRequests: 1024,
  maxFiltersPerCall: 1024,
  qos2Window: 65536,
};
/** The io buffer the wrapper lays out (inbound bytes go through it in slices of this size). */
const IO_BYTES = 2048;


let compiled: WebAssembly.Module | null = null;

/** The folder holding package.json, walking up from this file (host/ or dist/host/). */
export function packageRoot(): string {
  let dir = dirname(fileURLToPath(import.meta.url));
  while (!existsSync(join(dir, "package.json"))) {
    const up = dirname(dir);
    if (up === dir) throw new Error("wasmqtt: package.json not found above " + fileURLToPath(import.meta.url));
    dir = up;
  }
  return dir;
}

export function engineModule(): WebAssembly.Module {
  if (compiled) return compiled;
  const file = join(packageRoot(), "build", "engine.wasm");
  if (!existsSync(file)) throw new Error(`wasmqtt: ${file} is missing; build it with "npm run build"`);
  compiled = new WebAssembly.Module(readFileSync(file));
  return compiled;
}

/** What the imports receive; the wrapper routes them to the client path or the codec path. */
export interface ImportSink {
  send(ptr: number, len: number, handle: number, offset: number, blobLen: number): void;
  release(handle: number): void;
  event(kind: number, a: number, b: number, c: number): void;
  message(topicPtr: number, topicLen: number, ptr: number, len: number, total: number, flags: number): void;
}

/** A raw instance whose imports call `sink`. Pointers and lengths stay below 2^31 (one page of
 *  memory, lengths bounded by MQTT's 268,435,455), so they arrive as plain non-negative numbers. */
export function instantiate(sink: ImportSink): EngineExports {
  const instance = new WebAssembly.Instance(engineModule(), {
    env: {
      send: sink.send.bind(sink),
      release: sink.release.bind(sink),
      event: sink.event.bind(sink),
      message: sink.message.bind(sink),
    },
  });
  return instance.exports as unknown as EngineExports;
}

const encoder = new TextEncoder();
const decoder = new TextDecoder();

/** A host-side string or payload: `head` then `tail`. A null head means "the bytes are in io"
 *  (only during the call that hands the blob over). */
interface Blob { head: Uint8Array | null; headLen: number; tail: Uint8Array | null; size: number; live: boolean }
/** Output bytes go into slabs handed out as views (never overwritten), like Node's Buffer pool. */
const SLAB = 16384;
/** An inbound payload's first buffer, before it grows with the bytes that arrive. */
const FIRST_MESSAGE_ROOM = 4096;
/** Output in order: events, and numbers = "send outBuf up to here" (from the previous number). */
type Output = EngineEvent | number;

/** A plain Uint8Array carved from Node's Buffer pool: much cheaper than a new ArrayBuffer for
 *  the small packets MQTT mostly moves. */
function pooled(size: number): Uint8Array {
  const b = Buffer.allocUnsafe(size);
  return new Uint8Array(b.buffer, b.byteOffset, size);
}

function checkLimit(limits: EngineLimits, name: keyof EngineLimits, max: number): number {
  const value: unknown = limits[name];
  if (typeof value !== "number" || !Number.isInteger(value) || value <= 0 || value > max) {
    throw new RangeError(`limits.${name} must be an integer from 1 to ${max}, got ${String(value)}`);
  }
  return value;
}

/** The limits checked, each naming itself when wrong. */
function checkLimits(limits: Partial<EngineLimits>): EngineLimits {
  const merged = { ...DEFAULT_LIMITS, ...limits };
  const checked: EngineLimits = {
    maxMessageLength: checkLimit(merged, "maxMessageLength", 0x7fffffff),
    maxQueuedMessages: checkLimit(merged, "maxQueuedMessages", 65534),
    maxQueuedBytes: checkLimit(merged, "maxQueuedBytes", 0xffffffff),
    maxPendingRequests: checkLimit(merged, "maxPendingRequests", 65534),
    maxFiltersPerCall: checkLimit(merged, "maxFiltersPerCall", 32767),
    qos2Window: checkLimit(merged, "qos2Window", 65536),
  };
  if (checked.maxQueuedMessages + checked.maxPendingRequests > 65535) {
    throw new RangeError(`limits.maxQueuedMessages + limits.maxPendingRequests must be at most 65535 (each holds MQTT packet ids), got ${checked.maxQueuedMessages} + ${checked.maxPendingRequests}`);
  }
  return Object.freeze(checked);
}

function time(now: number): number {
  if (typeof now !== "number" || !Number.isFinite(now)) throw new TypeError(`now must be a finite number of milliseconds, got ${String(now)}`);
  return Math.floor(now) >>> 0;
}

class WasmEngine implements Engine, ImportSink {
  readonly limits: EngineLimits;
  private readonly x: EngineExports;
  private readonly ioPtr: number;
  private readonly ioSize: number;
  /** Blob handle h is slots[h - 1]; released slots are reused. */
  private readonly slots: Blob[] = [];
  private readonly freeSlots: number[] = [];
  private readonly queue: Output[] = [];
  private sentUpTo = 0;
  private delivering = false;
  private lastNow = 0;
  private outBuf = new Uint8Array(SLAB);
  private outLen = 0;
  /** A message's first call came and its last did not yet. */
  private receiving = false;
  private msgTopic = "";
  /** A topic coming in pieces, and the bytes of it so far. */
  private topicBuf: Uint8Array | null = null;
  private topicAt = 0;
  /** The payload being assembled (null until its first piece). */
  private msg: Uint8Array | null = null;
  private msgLen = 0;
  /** Most bytes the message being assembled can deliver: its length, cut at maxMessageLength. */
  private msgCap = 0;

  constructor(private readonly host: EngineHost, limits: Partial<EngineLimits> = {}) {
    this.limits = checkLimits(limits);
    const l = this.limits;
    this.x = instantiate(this);
    const high = this.x.layout(l.maxQueuedMessages, l.qos2Window, l.maxPendingRequests, l.maxFiltersPerCall, IO_BYTES);
    this.ioPtr = this.x.io_ptr();
    this.ioSize = this.x.io_size();
    if (high < 0) throw new RangeError(`limits: ${errorText(-high)}`); // memory could not grow
    this.x.configure(l.maxMessageLength, l.maxQueuedBytes);
  }

  // --- imports ------------------------------------------------------------------------------

  private memView = new Uint8Array(0);
  private ioView = new Uint8Array(0);

  /** All of linear memory (views are remade only if memory was replaced by growth). */
  private get mem(): Uint8Array {
    if (this.memView.byteLength === 0) {
      this.memView = new Uint8Array(this.x.memory.buffer);
      this.ioView = this.memView.subarray(this.ioPtr, this.ioPtr + this.ioSize);
    }
    return this.memView;
  }

  private get io(): Uint8Array {
    void this.mem;
    return this.ioView;
  }

  private bytes(ptr: number, len: number): Uint8Array {
    return this.mem.subarray(ptr, ptr + len);
  }

  /** Room for `len` more output bytes; returns the write offset. */
  private reserve(len: number): number {
    let at = this.outLen;
    if (at + len > this.outBuf.length) {
      // a fresh slab: move the bytes not yet handed out and rebase their offsets; doubling, as
      // one call (a burst of acks) may produce many sends before any is handed out
      const base = this.sentUpTo;
      const slab = new Uint8Array(Math.max(SLAB, 2 * (at - base + len)));
      slab.set(this.outBuf.subarray(base, at));
      this.outBuf = slab;
      const q = this.queue;
      for (let i = 0; i < q.length; i++) if (typeof q[i] === "number") q[i] = (q[i] as number) - base;
      this.sentUpTo = 0;
      at -= base;
    }
    const q = this.queue;
    this.outLen = at + len;
    if (q.length > 0 && typeof q[q.length - 1] === "number") q[q.length - 1] = at + len;
    else q.push(at + len);
    return at;
  }

  send(ptr: number, len: number, handle: number, offset: number, blobLen: number): void {
    const at = this.reserve(len);
    const out = this.outBuf;
    const mem = this.mem;
    if (len <= 32) for (let i = 0; i < len; i++) out[at + i] = mem[ptr + i];
    else out.set(mem.subarray(ptr, ptr + len), at);
    if (blobLen > 0) this.sendBlob(handle, offset, blobLen);
  }

  private sendBlob(handle: number, offset: number, len: number): void {
    const blob = this.blob(handle);
    if (!blob || offset + len > blob.size) throw new Error(`wasmqtt engine: send outside blob ${handle}`);
    let at = this.reserve(len);
    const headLen = blob.headLen;
    if (offset < headLen) {
      const n = Math.min(len, headLen - offset);
      const head = blob.head ?? this.io;
      const out = this.outBuf;
      if (n <= 32) for (let i = 0; i < n; i++) out[at + i] = head[offset + i];
      else out.set(head.subarray(offset, offset + n), at);
      at += n;
      offset += n;
      len -= n;
    }
    if (len > 0) {
      const from = offset - headLen;
      const tail = blob.tail!;
      const out = this.outBuf;
      if (from === 0 && len === tail.length) out.set(tail, at);
      else out.set(tail.subarray(from, from + len), at);
    }
  }

  release(handle: number): void {
    const blob = this.blob(handle);
    if (!blob) return;
    blob.live = false;
    blob.head = null;
    blob.tail = null;
    this.freeSlots.push(handle - 1);
  }

  private push(event: EngineEvent): void {
    this.queue.push(event);
  }

  event(kind: number, a: number, b: number, c: number): void {
    switch (kind) {
      case EV.OPEN: return this.push({ type: "open" });
      case EV.CLOSE: return this.push({ type: "close" });
      case EV.CONNECT: return this.push({ type: "connect", sessionPresent: a !== 0 });
      case EV.CONNFAIL: return this.pushEnding({ type: "connfail", reason: a, retrying: false });
      case EV.OFFLINE: return this.pushEnding({ type: "offline", retrying: false });
      case EV.PUBACK:
        this.release(b);
        return this.push({ type: "puback", token: a });
      case EV.SUBACK: {
        const mem = this.mem;
        const granted = new Array<number>(c);
        for (let i = 0; i < c; i++) granted[i] = mem[b + i];
        return this.push({ type: "suback", token: a, granted });
      }
      case EV.UNSUBACK: return this.push({ type: "unsuback", token: a });
      case EV.DROPPED:
        this.release(b);
        return this.push({ type: "dropped", token: a });
      case EV.PROTOCOL_ERROR: return this.push({ type: "protocol-error", code: a, message: errorText(a) });
      case EV.WARNING: return this.push({ type: "warning", code: a, message: errorText(a) });
    }
  }

  message(topicPtr: number, topicLen: number, ptr: number, len: number, total: number, flags: number): void {
    if (flags & MSG.FIRST) {
      if ((flags & (MSG.LAST | MSG.TOPIC)) === MSG.LAST && this.wholeInInput(len, total)) {
        // topic and whole payload in one received() chunk: a view of those bytes, no copy
        this.receiving = false;
        this.pushMessage(this.topic(topicPtr, topicLen), this.inputView(ptr, len), flags);
        return;
      }
      this.receiving = true;
      this.msg = null;
      this.msgLen = 0;
      if (flags & MSG.TOPIC) {
        this.topicBuf = new Uint8Array(total);
        this.topicAt = 0;
      } else this.msgTopic = this.topic(topicPtr, topicLen);
    }
    if (!this.receiving) return; // a piece of a message whose start we never saw
    if (flags & MSG.TOPIC) {
      const buf = this.topicBuf;
      if (!buf) return;
      const n = Math.min(len, buf.length - this.topicAt);
      buf.set(this.bytes(ptr, n), this.topicAt);
      this.topicAt += n;
      if (this.topicAt === buf.length) {
        this.msgTopic = decoder.decode(buf);
        this.topicBuf = null;
      }
      return;
    }
    let msg = this.msg;
    if (!msg) {
      if ((flags & MSG.LAST) && this.wholeInInput(len, total)) {
        this.receiving = false;
        this.pushMessage(this.msgTopic, this.inputView(ptr, len), flags);
        return;
      }
      // room for what has arrived, not for what the header announces (up to 256 MB)
      this.msgCap = Math.min(total, this.limits.maxMessageLength);
      msg = this.msg = pooled(Math.min(this.msgCap, Math.max(len, FIRST_MESSAGE_ROOM)));
    }
    if (len > 0) {
      const n = Math.min(len, this.msgCap - this.msgLen);
      if (this.msgLen + n > msg.length) {
        // doubling: copies stay linear in the bytes delivered
        const bigger = pooled(Math.min(this.msgCap, Math.max(msg.length * 2, this.msgLen + n)));
        bigger.set(msg.subarray(0, this.msgLen));
        msg = this.msg = bigger;
      }
      msg.set(this.bytes(ptr, n), this.msgLen);
      this.msgLen += n;
    }
    if (!(flags & MSG.LAST)) return;
    this.receiving = false;
    this.msg = null;
    this.pushMessage(this.msgTopic, this.msgLen === msg.length ? msg : msg.subarray(0, this.msgLen), flags);
  }

  /** The payload's bytes all came in this call, from the bytes given to received(). */
  private wholeInInput(len: number, total: number): boolean {
    return this.input !== null && len === total && len > 0;
  }

  private inputView(ptr: number, len: number): Uint8Array {
    const input = this.input!;
    return new Uint8Array(input.buffer, input.byteOffset + this.inputAt + ptr - this.ioPtr, len);
  }

  private pushMessage(topic: string, payload: Uint8Array, flags: number): void {
    this.push({
      type: "message",
      topic,
      payload,
      qos: (flags >> MSG.QOS_SHIFT) & 3,
      retain: (flags & MSG.RETAIN) !== 0,
      dup: (flags & MSG.DUP) !== 0,
      overflow: (flags & MSG.OVERFLOW) !== 0,
    });
  }

  private lastTopic = "";
  private lastTopicBytes = new Uint8Array(0);

  /** Messages mostly repeat topics: reuse the last string when the bytes are the same. */
  private topic(ptr: number, len: number): string {
    const mem = this.mem;
    const last = this.lastTopicBytes;
    if (last.length === len) {
      let i = 0;
      while (i < len && mem[ptr + i] === last[i]) i++;
      if (i === len) return this.lastTopic;
    }
    const bytes = mem.slice(ptr, ptr + len);
    this.lastTopicBytes = bytes;
    this.lastTopic = decoder.decode(bytes);
    return this.lastTopic;
  }

  // --- delivery -----------------------------------------------------------------------------

  /** Deliver what the engine produced, after the call that produced it returned, in order. */
  /** connfail/offline: whether the engine retries is known once the call that emitted them returned. */
  private pushEnding(event: EngineEvent & { retrying: boolean }): void {
    this.ending.push(event);
    this.push(event);
  }

  private readonly ending: Array<{ retrying: boolean }> = [];

  private deliver(): void {
    // the engine's verdict, now that its call returned (before any callback can call it again)
    if (this.ending.length > 0) {
      const retrying = this.x.active() !== 0;
      for (const e of this.ending) e.retrying = retrying;
      this.ending.length = 0;
    }
    if (this.delivering) return;
    this.delivering = true;
    let i = 0;
    try {
      // index walk, not shift(): calls made from inside host callbacks append to the same queue
      while (i < this.queue.length) {
        const out = this.queue[i++];
        if (typeof out === "number") {
          const from = this.sentUpTo;
          this.sentUpTo = out;
          this.host.send(this.outBuf.subarray(from, out));
        } else this.host.event(out);
      }
    } finally {
      if (i === this.queue.length) {
        this.queue.length = 0;
      } else this.queue.splice(0, i);
      this.delivering = false;
    }
  }

  private now(now: number): number {
    const t = time(now);
    this.lastNow = now;
    return t;
  }

  // --- strings and blobs ----------------------------------------------------------------------

  /** Put a string where the engine checks it: into io when it fits, else piece by piece
   *  through text() (the engine remembers the result for the next call). */
  private stage(kind: number, bytes: Uint8Array): void {
    const io = this.io;
    if (bytes.length <= this.ioSize) {
      io.set(bytes);
      return;
    }
    for (let at = 0; at < bytes.length; at += this.ioSize) {
      const piece = bytes.subarray(at, Math.min(bytes.length, at + this.ioSize));
      io.set(piece);
      this.x.text(kind, piece.length, at + piece.length >= bytes.length ? 1 : 0);
    }
  }

  /** Encode a JS string straight into io when it surely fits; else stage its bytes. Returns its
   *  length and its bytes (null when they are only in io). */
  private stageText(kind: number, text: string): [number, Uint8Array | null] {
    const n = text.length;
    if (n * 3 <= this.ioSize) {
      const io = this.io;
      let i = 0;
      for (; i < n; i++) {
        const c = text.charCodeAt(i);
        if (c >= 0x80) break;
        io[i] = c;
      }
      if (i === n) return [n, null];
      const { written } = encoder.encodeInto(text, io);
      return [written, null];
    }
    const bytes = encoder.encode(text);
    this.stage(kind, bytes);
    return [bytes.length, bytes];
  }

  private newBlob(head: Uint8Array | null, headLen: number, tail: Uint8Array | null): number {
    const size = headLen + (tail ? tail.length : 0);
    const i = this.freeSlots.pop();
    if (i === undefined) {
      this.slots.push({ head, headLen, tail, size, live: true });
      return this.slots.length;
    }
    const blob = this.slots[i];
    blob.head = head;
    blob.headLen = headLen;
    blob.tail = tail;
    blob.size = size;
    blob.live = true;
    return i + 1;
  }

  private blob(handle: number): Blob | undefined {
    const blob = this.slots[handle - 1];
    return blob !== undefined && blob.live ? blob : undefined;
  }

  /** After the call that handed `handle` over: if the engine kept it, copy what was only in io. */
  private keep(handle: number): void {
    const blob = this.blob(handle);
    if (!blob) return;
    if (blob.head === null) blob.head = this.io.slice(0, blob.headLen);
    // a payload is kept by reference, as MQTT.js does: callers must not modify it until its puback
  }

  private dropBlob(handle: number): void {
    this.release(handle);
  }

  /** A string handed to the engine as a blob (its handle); throws RangeError naming `what` if
   *  refused. */
  private field(kind: number, value: string | Uint8Array, what: string, extra = 0): number {
    let len: number;
    let bytes: Uint8Array | null;
    if (typeof value === "string") [len, bytes] = this.stageText(kind, value);
    else {
      bytes = value.slice();
      len = bytes.length;
    }
    const handle = this.newBlob(bytes, len, null);
    const err = this.x.field(kind | (extra << PACK.FIELD_QOS_SHIFT), handle, len);
    if (err !== 0) {
      this.dropBlob(handle);
      throw new RangeError(`${what}: ${errorText(err)}`);
    }
    this.keep(handle);
    return handle;
  }

  // --- Engine ---------------------------------------------------------------------------------

  start(config: SessionConfig, now: number, randomSeed: number): boolean {
    if (typeof config !== "object" || config === null) throw new TypeError("config must be an object");
    const t = this.now(now);
    if (this.x.active()) return false;
    if (typeof config.clientId !== "string") throw new TypeError("config.clientId must be a string");
    const keepalive = config.keepaliveSeconds;
    if (typeof keepalive !== "number" || !Number.isInteger(keepalive)) throw new TypeError("config.keepaliveSeconds must be an integer");
    let flags = (config.cleanSession ? START.CLEAN_SESSION : 0) | (config.autoReconnect ? START.AUTO_RECONNECT : 0);
    try {
      this.field(KIND.CLIENT_ID, config.clientId, "config.clientId");
      if (config.username !== undefined) {
        if (typeof config.username !== "string") throw new TypeError("config.username must be a string");
        this.field(KIND.USERNAME, config.username, "config.username");
        flags |= START.HAS_USERNAME;
      }
      if (config.password !== undefined) {
        if (!(config.password instanceof Uint8Array)) throw new TypeError("config.password must be a Uint8Array");
        this.field(KIND.PASSWORD, config.password, "config.password");
        flags |= START.HAS_PASSWORD;
      }
      if (config.will !== undefined) {
        const will = config.will;
        if (typeof will.topic !== "string") throw new TypeError("config.will.topic must be a string");
        if (!(will.message instanceof Uint8Array)) throw new TypeError("config.will.message must be a Uint8Array");
        this.field(KIND.WILL_TOPIC, will.topic, "config.will.topic");
        this.field(KIND.WILL_MESSAGE, will.message, "config.will.message");
        const q = Number.isInteger(will.qos) && will.qos >= 0 && will.qos <= 3 ? will.qos : 3;
        flags |= START.WILL | (q << START.WILL_QOS_SHIFT) | (will.retain ? START.WILL_RETAIN : 0);
      }
      const seed = typeof randomSeed === "number" && Number.isFinite(randomSeed) ? Math.floor(randomSeed) >>> 0 : 0;
      const r = this.x.start(keepalive < 0 || keepalive > 65535 ? -1 : keepalive, flags, t, seed);
      if (r < 0) throw new RangeError(`config: ${errorText(-r)}`);
      return r === 1;
    } finally {
      this.deliver();
    }
  }

  transportOpened(now: number): void {
    this.x.opened(this.now(now));
    this.deliver();
  }

  transportFailed(reason: number, now: number): void {
    this.x.failed(reason | 0, this.now(now));
    this.deliver();
  }

  /** The bytes being received and where the io chunk starts in them (for payload views). */
  private input: Uint8Array | null = null;
  private inputAt = 0;

  received(bytes: Uint8Array, now: number): void {
    if (!(bytes instanceof Uint8Array)) throw new TypeError("bytes must be a Uint8Array");
    const t = this.now(now);
    const io = this.io;
    this.input = bytes;
    try {
      for (let at = 0; at < bytes.length; at += this.ioSize) {
        const piece = bytes.subarray(at, Math.min(bytes.length, at + this.ioSize));
        io.set(piece);
        this.inputAt = at;
        this.x.received(piece.length, t);
      }
    } finally {
      this.input = null;
    }
    this.deliver();
  }

  transportClosed(now: number): void {
    this.x.closed(this.now(now));
    this.deliver();
  }

  tick(now: number): void {
    this.x.tick(this.now(now));
    this.deliver();
  }

  nextWakeup(): number | null {
    const d = this.x.wake_delay();
    return d < 0 ? null : this.lastNow + d;
  }

  publish(topic: string, payload: Uint8Array, qos: number, retain: boolean, token: number, now: number): boolean {
    if (typeof topic !== "string") throw new TypeError("topic must be a string");
    if (!(payload instanceof Uint8Array)) throw new TypeError("payload must be a Uint8Array");
    const t = this.now(now);
    const q = Number.isInteger(qos) && qos >= 0 && qos <= 3 ? qos : 3;
    let topicBytes = this.pubTopicBytes;
    if (topic !== this.pubTopic) {
      // publishers mostly repeat a topic: keep its bytes, shared (never modified) by its blobs
      const [n, bytes] = this.stageText(KIND.TOPIC, topic);
      topicBytes = bytes ?? this.io.slice(0, n);
      this.pubTopic = topic;
      this.pubTopicBytes = topicBytes;
    } else this.stage(KIND.TOPIC, topicBytes);
    const topicLen = topicBytes.length;
    const handle = this.newBlob(topicBytes, topicLen, payload);
    try {
      const r = this.x.publish(handle, topicLen, payload.length, (q << PACK.PUBLISH_QOS_SHIFT) | (retain ? PACK.PUBLISH_RETAIN : 0), token | 0, t);
      if (r === 1) {
        this.keep(handle);
        return true;
      }
      this.dropBlob(handle);
      if (r === 2) {
        this.push({ type: "puback", token: token | 0 });
        return true;
      }
      if (r < 0) throw new RangeError(`publish: ${errorText(-r)}`);
      const size = topicLen + payload.length;
      if (size > this.limits.maxQueuedBytes) {
        throw new RangeError(`publish: topic + payload are ${size} bytes, more than this client ever holds (limits.maxQueuedBytes ${this.limits.maxQueuedBytes}): raise that limit`);
      }
      return false;
    } finally {
      this.deliver();
    }
  }

  subscribe(filters: Array<[topic: string, qos: number]>, token: number, now: number): boolean {
    if (!Array.isArray(filters)) throw new TypeError("filters must be an array of [topic, qos]");
    return this.request(filters.map((f, i) => {
      if (!Array.isArray(f) || typeof f[0] !== "string") throw new TypeError(`filters[${i}] must be [topic: string, qos: number]`);
      const q = Number.isInteger(f[1]) && f[1] >= 0 && f[1] <= 3 ? f[1] : 3;
      return [f[0], q] as [string, number];
    }), token, now, true);
  }

  unsubscribe(filters: string[], token: number, now: number): boolean {
    if (!Array.isArray(filters)) throw new TypeError("filters must be an array of strings");
    return this.request(filters.map((f, i) => {
      if (typeof f !== "string") throw new TypeError(`filters[${i}] must be a string`);
      return [f, 0] as [string, number];
    }), token, now, false);
  }

  private request(filters: Array<[string, number]>, token: number, now: number, sub: boolean): boolean {
    const t = this.now(now);
    const max = this.limits.maxFiltersPerCall;
    if (filters.length > max) {
      throw new RangeError(`${sub ? "subscribe" : "unsubscribe"}: ${filters.length} topic filters in one call; this client takes at most ${max} (limits.maxFiltersPerCall): split the call`);
    }
    const staged = this.staged;
    try {
      for (let i = 0; i < filters.length; i++) staged.push(this.field(KIND.FILTER, filters[i][0], `filters[${i}]`, filters[i][1]));
      const r = sub ? this.x.subscribe(token | 0, t) : this.x.unsubscribe(token | 0, t);
      if (r < 0) throw new RangeError(`filters: ${errorText(-r)}`);
      return r === 1;
    } finally {
      this.x.clear_fields();
      // staged filter blobs are ours again once the call returned
      for (const h of staged) this.release(h);
      staged.length = 0;
      this.deliver();
    }
  }

  private readonly staged: number[] = [];
  private pubTopic = "";
  private pubTopicBytes: Uint8Array = new Uint8Array(0);

  close(now: number): boolean {
    const r = this.x.close(this.now(now));
    this.deliver();
    return r === 1;
  }

  memoryHighWater(): number {
    return this.x.high_water();
  }

  // Linear memory, blobs and output slabs hold the username, password and the CONNECT packet:
  // inspect, console.log and JSON show the limits only.
  [inspect.custom](): string {
    return `WasmEngine { limits: ${inspect(this.limits)} }`;
  }

  toJSON(): { limits: EngineLimits } {
    return { limits: this.limits };
  }
}

export function createEngine(host: EngineHost, limits?: Partial<EngineLimits>): Engine {
  return new WasmEngine(host, limits);
}
