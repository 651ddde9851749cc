// The engine's exports: the whole surface a host sees (imports are in imports.ts). Integers only;
// bulk bytes pass through the io buffer (io_ptr/io_size). Described in docs/abi.md.
import { IO_MAX, IO_MIN, MAX_IDS, MAX_FILTERS, MIN_QOS2_WINDOW, MAX_QOS2_WINDOW, DEFAULT_IO, DEFAULT_MAX_MESSAGE } from "./limits";
import * as C from "./codec/constants";
import * as E from "./abi_table";
import { K_CLIENT_ID, K_USERNAME, K_WILL_TOPIC, K_WILL_MESSAGE, K_TOPIC, K_FILTER, FIELD_QOS_SHIFT, PUBLISH_QOS_SHIFT, PUBLISH_RETAIN } from "./abi_table";
import { TextCheck } from "./codec/text";
import { publishLength } from "./codec/generator";
import { S } from "./client/state";
import * as Conn from "./client/connection";
import { setSlot } from "./client/slots";
import * as Dispatch from "./client/dispatch";
import * as Out from "./client/outbound";
import * as Req from "./client/requests";
import * as In from "./client/inbound";
import * as Codec from "./codec_mode";

// The host's capacities are laid out after all static data (the stub runtime never allocates
// there), io last, so a host backs only high_water() bytes. Until layout() the engine has io of
// DEFAULT_IO bytes there and no tables (codec mode and error texts work; start() refuses).
let io: usize = (__heap_base + 15) & ~15;
let ioSize: i32 = DEFAULT_IO;
let check: TextCheck = changetype<TextCheck>(0);
let checking: i32 = -1; // kind of the string being checked, -1 = none
let checkedKind: i32 = -1; // kind, length and result of the last complete string
let checkedLen: u32 = 0;
let checkedError: i32 = 0;
let ready: bool = false;

function setup(): void {
  if (ready) return;
  ready = true;
  check = changetype<TextCheck>(memory.data(<i32>offsetof<TextCheck>(), 8));
  Conn.init();
}

/** The host's capacities: held outbound publishes, the inbound QoS 2 window (ids, rounded up to a
 *  power of two), pending subscribe/unsubscribe requests, filters per call, io bytes. Once, before
 *  start; memory grows if they need it. Returns high_water(), or -E_ARG_LAYOUT (nothing laid out). */
export function layout(outbound: i32, window: i32, requests: i32, filters: i32, ioBytes: i32): i32 {
  setup();
  // a session needs a layout first (start() refuses): none runs now
  if (Out.capacity != 0
    || <u32>(outbound - 1) >= <u32>(MAX_IDS - 1) || <u32>requests > <u32>(MAX_IDS - outbound)
    || <u32>filters > <u32>MAX_FILTERS || <u32>window > <u32>MAX_QOS2_WINDOW
    || <u32>(ioBytes - IO_MIN) > <u32>(IO_MAX - IO_MIN)) return -E.E_ARG_LAYOUT;
  const w = powerOfTwo(window);
  const ids = powerOfTwo(outbound + requests);
  const tables = (__heap_base + 15) & ~15;
  const requestsAt = tables + Out.bytes(outbound, ids);
  const windowAt = requestsAt + Req.bytes(requests, filters);
  const start = (windowAt + (<usize>w << 1) + 15) & ~15;
  const pages = <i32>((start + <usize>ioBytes + 0xffff) >> 16) - memory.size();
  if (pages > 0 && memory.grow(pages) < 0) return -E.E_ARG_LAYOUT;
  // the tables start empty: zero what io (and codec mode's records) may have used before
  const used = io + <usize>ioSize + <usize>Codec.ITEM_BYTES;
  memory.fill(tables, 0, (used < start ? used : start) - tables);
  Out.place(tables, outbound, ids);
  Req.place(requestsAt, requests, filters);
  In.place(windowAt, w);
  io = start;
  ioSize = ioBytes;
  return high_water();
}

/** The power of two at or above n, at least MIN_QOS2_WINDOW (the id map's and window's sizes). */
// @ts-ignore: decorator
@inline function powerOfTwo(n: i32): i32 {
  return n <= MIN_QOS2_WINDOW ? MIN_QOS2_WINDOW : 1 << (32 - clz(n - 1));
}

/** A host's length of bytes in io: never read outside it, whatever a buggy host passes. */
function fits(len: i32): bool {
  return <u32>len <= <u32>ioSize;
}

function modeOf(kind: i32): i32 {
  if (kind == K_CLIENT_ID || kind == K_USERNAME) return C.TEXT_UTF8;
  if (kind == K_WILL_TOPIC || kind == K_TOPIC) return C.TEXT_TOPIC;
  if (kind == K_FILTER) return C.TEXT_FILTER;
  return C.TEXT_BINARY;
}

export function io_ptr(): usize {
  setup();
  return io;
}

export function io_size(): i32 {
  return ioSize;
}

/** Inbound payload bytes delivered per message, and the cap on topic + payload bytes of the
 *  publishes held (their count is layout's). Any time. */
export function configure(maxMessageLength: i32, maxQueuedBytes: u32): void {
  S.maxQueuedBytes = maxQueuedBytes;
  S.maxMessage = maxMessageLength > 0 ? maxMessageLength : DEFAULT_MAX_MESSAGE;
}

/** Check the next `len` bytes (in io) of a string of `kind`; `last` != 0 on its final piece.
 *  Returns 0 or the error code (the string is then refused by field()/publish()). */
export function text(kind: i32, len: i32, last: i32): i32 {
  setup();
  if (!fits(len)) return E.E_ARG_IO;
  if (checking != kind) {
    check.begin(modeOf(kind));
    checking = kind;
  }
  check.piece(io, len);
  if (last == 0) return check.error;
  checking = -1;
  checkedKind = kind;
  checkedLen = check.count;
  checkedError = check.finish();
  return checkedError;
}

/** Check a string the host hands over: strings up to io_size() bytes are in io now; longer ones
 *  must have been checked piece by piece with text() just before. */
function checked(kind: i32, len: u32): i32 {
  const mode = modeOf(kind);
  if (mode == C.TEXT_BINARY) return len > 65535 ? E.E_ARG_TOO_LONG : 0;
  if (len <= <u32>ioSize) {
    check.begin(mode);
    check.piece(io, <i32>len);
    return check.finish();
  }
  if (checkedKind != kind || checkedLen != len) return E.E_ARG_ORDER;
  checkedKind = -1;
  if (checkedError != 0) return checkedError;
  return len > 65535 ? E.E_ARG_TOO_LONG : 0;
}

/** Hand the engine a string kept host-side as blob `handle` (a copy of it is in io when it fits). For kind 6 (filter) the requested
 *  QoS is in bits 8..9 of `kind`. Returns 0 (the engine now owns the handle) or an error code. */
export function field(kindAndQos: i32, handle: i32, len: u32): i32 {
  setup();
  const kind = kindAndQos & ((1 << FIELD_QOS_SHIFT) - 1);
  const qos = kindAndQos >> FIELD_QOS_SHIFT;
  const err = checked(kind, len);
  if (err != 0) return err;
  if (kind == K_FILTER) {
    if (qos > 2) return E.E_ARG_QOS;
    return Req.stage(handle, len, qos) ? 0 : E.E_ARG_FILTERS;
  }
  if (kind > K_WILL_MESSAGE) return E.E_ARG_ORDER;
  setSlot(kind, handle, len);
  return 0;
}

/** Forget staged filters (their blobs are the host's again). */
export function clear_fields(): void {
  setup();
  Req.unstage();
}

/** 1 while a session runs (start() would return 0). */
export function active(): i32 {
  setup();
  return Conn.canQueue() ? 1 : 0;
}

/** flags: START_* of abi_table.ts (clean session, auto-reconnect, will with its QoS and retain,
 *  username, password). Returns 1 started, 0 already running, -error for bad arguments. */
export function start(keepalive: i32, flags: i32, now: u32, seed: u32): i32 {
  setup();
  if (Out.capacity == 0) return -E.E_ARG_LAYOUT;
  S.now = now;
  return Conn.start(keepalive, flags, seed);
}

// opened, failed, received, closed and tick return wake_delay(): one crossing fewer per call,
// which on the ESP8266's interpreter is ~2% of an inbound publish.
export function opened(now: u32): i32 {
  S.now = now;
  Conn.opened();
  return Conn.wakeDelay();
}

export function failed(reason: i32, now: u32): i32 {
  S.now = now;
  Conn.failed(reason);
  return Conn.wakeDelay();
}

/** `len` bytes from the broker are in io. */
export function received(len: i32, now: u32): i32 {
  setup();
  S.now = now;
  if (fits(len)) Dispatch.received(io, len);
  return Conn.wakeDelay();
}

export function closed(now: u32): i32 {
  S.now = now;
  Conn.closedByPeer();
  return Conn.wakeDelay();
}

export function tick(now: u32): i32 {
  S.now = now;
  Conn.tick();
  return Conn.wakeDelay();
}

/** Milliseconds after the last `now` when tick() is wanted, or -1 for never. */
export function wake_delay(): i32 {
  return Conn.wakeDelay();
}

/** Publish blob `handle` = topic bytes then payload bytes; the topic is also in io (or, when
 *  longer than io, was checked with text(5, ...) just before). Returns 1 held (puback/dropped
 *  event later), 2 sent and done (QoS 0: blob back, puback due now, no event), 0 refused, -error.
 *  Returns 1 accepted (handle owned until release), 0 queue full or offline, or -error. */
export function publish(handle: i32, topicLen: u32, payloadLen: u32, qosRetain: i32, token: i32, now: u32): i32 {
  setup();
  S.now = now;
  const qos = qosRetain >> PUBLISH_QOS_SHIFT;
  if (qos > 2 || qos < 0) return -E.E_ARG_QOS;
  const err = checked(K_TOPIC, topicLen);
  if (err != 0) return -err;
  if (publishLength(topicLen, payloadLen, qos) > C.MAX_REMAINING_LENGTH) return -E.E_ARG_PUBLISH_TOO_LONG;
  if (!Conn.canQueue()) return 0;
  return Out.publish(handle, topicLen, payloadLen, qos, qosRetain & PUBLISH_RETAIN, token, Conn.isConnected());
}

/** SUBSCRIBE the filters staged with field(6 | qos << 8, ...). 1 sent, 0 not connected or too
 *  many requests pending, -error. The staged blobs are the host's again when this returns. */
export function subscribe(token: i32, now: u32): i32 {
  return request(C.SUBSCRIBE, token, now);
}

export function unsubscribe(token: i32, now: u32): i32 {
  return request(C.UNSUBSCRIBE, token, now);
}

function request(type: i32, token: i32, now: u32): i32 {
  setup();
  S.now = now;
  if (Req.stagedFilters() == 0) return -E.E_ARG_FILTERS;
  if (!Conn.isConnected()) {
    Req.unstage();
    return 0;
  }
  return Req.request(type, token) ? 1 : 0;
}

export function close(now: u32): i32 {
  setup();
  S.now = now;
  return Conn.close() ? 1 : 0;
}

/** Bytes of linear memory in use: static data and tables, then io (nothing is allocated later). */
export function high_water(): i32 {
  return <i32>io + ioSize;
}

/** Codec mode (tests, benchmarks): parse `len` bytes in io as a stream of packets (either
 *  direction), reporting every item through event(EV_ITEM, ...) and bytes through message().
 *  Returns 0, or the error code that stopped parsing (call codec_reset to start over). */
export function codec_parse(len: i32): i32 {
  setup();
  if (Out.capacity != 0) return E.E_ARG_CODEC_IO;
  return fits(len) ? Codec.parse(io, len, io + <usize>ioSize) : E.E_ARG_IO;
}

export function codec_reset(): void {
  setup();
  Codec.reset();
}

/** Codec mode: write a CONNACK, SUBACK (codes in io), UNSUBACK or PINGRESP through send(). */
export function codec_generate(type: i32, a: i32, b: i32, n: i32): void {
  setup();
  if (fits(n)) Codec.generate(type, a, b, io, n);
}
