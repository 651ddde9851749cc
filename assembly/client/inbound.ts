// Inbound PUBLISH: the topic and the payload go to the host in pieces straight from the io
// buffer (no copy: the engine keeps no topic buffer), the payload cut at max_message_length.
// QoS 2 ids are held until PUBREL, in a window, so a resent PUBLISH is not delivered twice.
import { hostMessage } from "../imports";
import { E_QOS2_WINDOW } from "../abi_table";
import { MSG_FIRST, MSG_LAST, MSG_OVERFLOW, MSG_QOS_SHIFT, MSG_RETAIN, MSG_DUP, MSG_TOPIC } from "../abi_table";
import { warn } from "./output";
import { S } from "./state";

let qos: i32 = 0;
let flags: i32 = 0;
let pid: i32 = 0;
let total: u32 = 0;
let limit: u32 = 0;
let delivered: u32 = 0;
let suppress: bool = false;
let finished: bool = false; // the last piece went out with the payload's final bytes
let topicTotal: u32 = 0;
/** A whole topic in the current io chunk, not handed over yet (its length; 0 = none). */
let topicPtr: usize = 0;
let topicLen: u32 = 0;

// --- QoS 2 ids: a window over the most recent ids, one u16 slot per id modulo its size W (a power
// of two): a held id sits in slot id & (W - 1) until its PUBREL. Ids come in sequence, so an id
// still held when the id W later arrives is forgotten for it (warning 33; docs/abi.md says why).
// With W = 65536 every id has a slot of its own.
let ids: usize = 0; // before layout: one slot at address 0 (below memoryBase: unused)
let mask: i32 = 0;
let heldCount: i32 = 0;

/** Lays out an empty window of `window` ids (a power of two) at `at` (once; memory zero). */
export function place(at: usize, window: i32): void {
  ids = at;
  mask = window - 1;
}

export function clearHeld(): void {
  if (heldCount == 0) return;
  memory.fill(ids, 0, <usize>(mask + 1) << 1);
  heldCount = 0;
}

// @ts-ignore: decorator
@inline function slot(id: i32): usize {
  return ids + (<usize>(id & mask) << 1);
}

function hold(id: i32): void {
  const p = slot(id);
  if (load<u16>(p) != 0) warn(E_QOS2_WINDOW);
  else heldCount++;
  store<u16>(p, id);
}

/** PUBREL: the id may be used again. */
export function releaseHeld(id: i32): void {
  const p = slot(id);
  if (<i32>load<u16>(p) != id) return;
  store<u16>(p, 0);
  heldCount--;
}

// --- messages -------------------------------------------------------------------------------

export function begin(headerFlags: i32): void {
  qos = (headerFlags >> 1) & 3;
  // MSG_FIRST until the first call to the host
  flags = MSG_FIRST | (qos << MSG_QOS_SHIFT) | ((headerFlags & 1) != 0 ? MSG_RETAIN : 0) | ((headerFlags & 8) != 0 ? MSG_DUP : 0);
  topicLen = 0;
  pid = 0;
}

/** A new connection: no topic of the last one waits to be handed over. */
// @ts-ignore: decorator
@inline export function forget(): void {
  topicLen = 0;
}

export function qosOf(): i32 {
  return qos;
}

export function pidOf(): i32 {
  return pid;
}

export function setPid(id: i32): void {
  pid = id;
}

export function topicStart(len: u32): void {
  topicTotal = len;
}

/** A topic wholly in this chunk waits to go with the first payload piece; else it goes now. */
export function topicPiece(ptr: usize, len: u32): void {
  if (len == topicTotal) {
    topicPtr = ptr;
    topicLen = len;
  } else send(ptr, len, flags | MSG_TOPIC);
}

/** The io chunk ends (its bytes are overwritten next): a whole topic still waiting goes now. */
export function chunkEnd(): void {
  if (topicLen != 0) send(topicPtr, topicLen, flags | MSG_TOPIC);
}

/** One call to the host, with the waiting topic, if any (hosts ignore it on topic pieces). */
function send(ptr: usize, len: u32, f: i32): void {
  const tl = topicLen;
  topicLen = 0;
  flags &= ~MSG_FIRST;
  hostMessage(topicPtr, tl, ptr, len, (f & MSG_TOPIC) != 0 ? topicTotal : total, f);
}

export function payloadStart(len: u32): void {
  total = len;
  delivered = 0;
  const max = <u32>S.maxMessage;
  limit = len < max ? len : max;
  finished = false;
  suppress = qos == 2 && <i32>load<u16>(slot(pid)) == pid;
  if (suppress) topicLen = 0; // delivered before: nothing goes to the host
}

/** A piece of the payload; `final` when it ends the payload (then it also carries MSG_LAST). */
export function payloadPiece(ptr: usize, len: u32, final: bool): void {
  if (suppress) return;
  const room = limit - delivered;
  const n = len < room ? len : room;
  if (final) {
    finished = true;
    send(ptr, n, lastFlags());
  } else if (n != 0) send(ptr, n, flags);
  delivered += n;
}

function lastFlags(): i32 {
  return total > limit ? flags | MSG_LAST | MSG_OVERFLOW : flags | MSG_LAST;
}

export function payloadEnd(): void {
  if (suppress) return;
  if (!finished) send(0, 0, lastFlags());
  if (qos == 2) hold(pid);
}
