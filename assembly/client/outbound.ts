// Outbound publishes: a table of queued and in-flight messages (its size is the host's, from
// layout) whose topic and payload stay in one host blob (topic bytes then payload bytes). Free
// slots are a list, publish order a list through the table, and the packet ids in flight a map
// to their holders, so no call scans the table: the host may hold thousands. Ids count up, and
// are never reused while in flight.
import { PUBACK, PUBREC, PUBREL, PUBCOMP } from "../codec/constants";
import { putWord, putPublish } from "../codec/generator";
import { hostEvent } from "../imports";
import { out, flushWith, sendAck, warn } from "./output";
import { EV_PUBACK, EV_DROPPED } from "../abi_table";
import { E_QOS2_PUBACK, E_WRONG_ACK } from "../abi_table";
import { S } from "./state";

export const Q_FREE: i32 = 0;
export const Q_QUEUED: i32 = 1; // not sent yet (no packet id)
export const Q_WAIT_PUBACK: i32 = 2;
export const Q_WAIT_PUBREC: i32 = 3;
export const Q_WAIT_PUBCOMP: i32 = 4; // PUBREL sent

/** No slot (a list's end): slots count from 1. */
export const NONE: i32 = 0;

// Words first, then the narrow fields: 24 bytes an entry. A topic is at most 65535 bytes
// (checked before it gets here). The packet id is valid from the first send on (not Q_QUEUED).
@unmanaged
class Entry {
  blob: i32;
  payloadLen: u32;
  token: i32;
  topicLen: u16;
  pid: u16;
  next: u16; // publish order; the free list for a free entry
  prev: u16;
  state: u8;
  qos: u8;
  retain: u8;
}

export const ENTRY_SIZE: usize = (offsetof<Entry>() + 3) & ~3;
/** Where slot 0 would be: slots are 1..capacity. */
let table: usize = 0;
export let capacity: i32 = 0;
/** Ids in flight: u16 at index id & idMask = their holder (0 = none; 1..capacity an outbound slot,
 *  above a request). Its size, a power of two, is at least the holders', so a free index is near. */
let idMap: usize = 0;
let idMask: i32 = 0;
let lastPid: i32 = 0;
/** Slots up to this were used once (the rest are free and need no list: nothing touches them). */
let fresh: i32 = 0;
let freeList: i32 = 0; // NONE (a literal: a constant's name would cost a start-up store)
let first: i32 = 0;
let last: i32 = 0;
let used: i32 = 0;
let usedBytes: u32 = 0;

export function bytes(outbound: i32, idMapIds: i32): usize {
  return <usize>outbound * ENTRY_SIZE + (<usize>idMapIds << 1);
}

/** Lays the table and the id map out at `at` (once, before any publish; memory zero). */
export function place(at: usize, outbound: i32, idMapIds: i32): void {
  idMap = at;
  idMask = idMapIds - 1;
  table = at + (<usize>idMapIds << 1) - ENTRY_SIZE;
  capacity = outbound;
}

// @ts-ignore: decorator
@inline function at(i: i32): Entry {
  return changetype<Entry>(table + <usize>i * ENTRY_SIZE);
}

// @ts-ignore: decorator
@inline function idAt(id: i32): usize {
  return idMap + (<usize>(id & idMask) << 1);
}

/** A packet id 1..65535 after the last one, not in flight (its map index free), for `holder`. */
export function allocateId(holder: i32): i32 {
  let id = lastPid;
  do {
    id = id == 65535 ? 1 : id + 1;
  } while (load<u16>(idAt(id)) != 0);
  store<u16>(idAt(id), holder);
  lastPid = id;
  return id;
}

export function freeId(id: i32): void {
  store<u16>(idAt(id), 0);
}

/** Who holds packet id `id` (0: none; may be another id with the same index: check its id). */
export function holderOf(id: i32): i32 {
  return load<u16>(idAt(id));
}

function sendPublish(e: Entry, dup: bool): void {
  const qos: i32 = e.qos;
  const tl: u32 = e.topicLen;
  const p = putPublish(out, qos, e.retain, dup, tl, e.payloadLen);
  if (qos == 0) {
    flushWith(p, e.blob, 0, tl + e.payloadLen); // no packet id between topic and payload
    return;
  }
  flushWith(p, e.blob, 0, tl);
  flushWith(putWord(out, e.pid), e.blob, tl, e.payloadLen);
}

/** Done (puback) or abandoned (dropped): out of the order, onto the free list; the event also
 *  hands the blob back (one crossing). */
function complete(i: i32, kind: i32): void {
  const e = at(i);
  const p: i32 = e.prev;
  const n: i32 = e.next;
  if (p != NONE) at(p).next = <u16>n;
  else first = n;
  if (n != NONE) at(n).prev = <u16>p;
  else last = p;
  if (<i32>e.state > Q_QUEUED) freeId(e.pid);
  e.state = <u8>Q_FREE;
  e.next = <u16>freeList;
  freeList = i;
  used--;
  usedBytes -= <u32>e.topicLen + e.payloadLen;
  hostEvent(kind, e.token, e.blob, 0);
}

/** Start (or restart as new) one entry: a QoS 0 message is done once handed over. */
function transmit(i: i32, dup: bool): void {
  const e = at(i);
  if (e.qos == 0) {
    sendPublish(e, false);
    complete(i, EV_PUBACK);
    return;
  }
  if (e.state == Q_QUEUED) e.pid = <u16>allocateId(i);
  sendPublish(e, dup);
  e.state = <u8>(e.qos == 1 ? Q_WAIT_PUBACK : Q_WAIT_PUBREC);
}

export const PUBLISH_REFUSED: i32 = 0;
export const PUBLISH_HELD: i32 = 1;
/** Sent and complete: the blob is given back and the puback is due, without an event crossing. */
export const PUBLISH_DONE: i32 = 2;

/** Publish now (connected) or queue. Refused when the table or the host's byte cap is full. */
export function publish(blob: i32, topicLen: u32, payloadLen: u32, qos: i32, retain: i32, token: i32, send: bool): i32 {
  if (send && qos == 0) {
    // connected QoS 0: nothing to keep (anything queued was sent at CONNACK)
    flushWith(putPublish(out, 0, retain, false, topicLen, payloadLen), blob, 0, topicLen + payloadLen);
    return PUBLISH_DONE;
  }
  if (used >= capacity || topicLen + payloadLen > S.maxQueuedBytes - usedBytes) return PUBLISH_REFUSED;
  // a slot is free: on the free list, or never used yet
  let i = freeList;
  let e: Entry;
  if (i != NONE) {
    e = at(i);
    freeList = e.next;
  } else {
    i = ++fresh;
    e = at(i);
  }
  e.state = <u8>Q_QUEUED;
  e.qos = <u8>qos;
  e.retain = <u8>retain;
  e.blob = blob;
  e.topicLen = <u16>topicLen;
  e.payloadLen = payloadLen;
  e.token = token;
  e.next = <u16>NONE;
  e.prev = <u16>last;
  if (last != NONE) at(last).next = <u16>i;
  else first = i;
  last = i;
  used++;
  usedBytes += topicLen + payloadLen;
  if (send) transmit(i, false);
  return PUBLISH_HELD;
}

/** After CONNACK: resend (session present) or restart (no session) everything, in order. */
export function resume(sessionPresent: bool): void {
  let i = first;
  while (i != NONE) {
    const e = at(i);
    const next: i32 = e.next; // transmit may complete (unlink) this one
    const st: i32 = e.state;
    if (st == Q_QUEUED) transmit(i, false);
    else if (st == Q_WAIT_PUBCOMP) {
      // the broker took the message (PUBREC): finish the handshake or, with its session gone, it is done
      if (sessionPresent) sendAck(PUBREL, e.pid);
      else complete(i, EV_PUBACK);
    } else transmit(i, sessionPresent); // without the session: a new message (its id is free there)
    i = next;
  }
}

/** PUBACK, PUBREC or PUBCOMP from the broker. Unknown ids are ignored. An acknowledgement of the
 *  wrong kind for the message's QoS (RabbitMQ answers QoS 2 with PUBACK) still ends the message,
 *  as MQTT.js does, so no slot is held for an answer that never comes; it is reported once.
 *  Inline (one call site): each function costs the firmware interpreter heap for its records. */
// @ts-ignore: decorator
@inline export function acknowledge(type: i32, pid: i32): void {
  const i = holderOf(pid);
  if (i == 0 || i > capacity) return; // not in flight, or a request's
  const e = at(i);
  const st: i32 = e.state;
  if (st <= Q_QUEUED || <i32>e.pid != pid) return;
  if (type == PUBREC && st != Q_WAIT_PUBACK) {
    e.state = <u8>Q_WAIT_PUBCOMP;
    sendAck(PUBREL, pid);
    return;
  }
  const expected = type == PUBACK ? Q_WAIT_PUBACK : Q_WAIT_PUBCOMP;
  if (st != expected) {
    // a QoS 1 message answered with PUBREC: release the broker's id too
    if (type == PUBREC) sendAck(PUBREL, pid);
    warn(type == PUBACK && st == Q_WAIT_PUBREC ? E_QOS2_PUBACK : E_WRONG_ACK);
  }
  complete(i, EV_PUBACK);
}

/** Every message is abandoned (close(), or a clean session ended). */
export function dropAll(): void {
  while (first != NONE) complete(first, EV_DROPPED);
}
