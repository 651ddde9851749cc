// Outbound publishes: a fixed table of queued and in-flight messages whose topic and payload stay
// in one host blob (topic bytes then payload bytes). Packet ids are never reused while in flight.
import { MAX_OUTBOUND, MAX_PENDING_REQUESTS } from "../limits";
import { PUBACK, PUBREC, PUBCOMP } from "../codec/constants";
import { putHeader, putWord, lengthSize } from "../codec/generator";
import { hostEvent } from "../imports";
import { out, flushWith, sendAck } from "./output";
import { EV_PUBACK, EV_DROPPED, EV_WARNING } from "../abi_table";
import { E_QOS2_PUBACK, E_WRONG_ACK } from "../abi_table";
import { S } from "./state";

export const Q_FREE: i32 = 0;
export const Q_QUEUED: i32 = 1; // not sent yet
export const Q_WAIT_PUBACK: i32 = 2;
export const Q_WAIT_PUBREC: i32 = 3;
export const Q_WAIT_PUBCOMP: i32 = 4; // PUBREL sent

// Words first, then the narrow fields: 24 bytes an entry, not 36 (the table is the largest thing
// in linear memory). A topic is at most 65535 bytes (checked before it gets here).
@unmanaged
class Entry {
  blob: i32;
  payloadLen: u32;
  token: i32;
  seq: u32;
  topicLen: u16;
  pid: u16;
  state: u8;
  qos: u8;
  retain: u8;
}

const ENTRY_SIZE: usize = (offsetof<Entry>() + 3) & ~3;
const table: usize = memory.data(<i32>ENTRY_SIZE * MAX_OUTBOUND);
/** Packet ids of SUBSCRIBE/UNSUBSCRIBE in flight (kept here so ids are allocated in one place). */
export const requestIds: usize = memory.data(MAX_PENDING_REQUESTS * 2);

let used: i32 = 0;
let usedBytes: u32 = 0;
let nextSeq: u32 = 0;
let lastPid: i32 = 0;
/** Warnings already reported on this connection (bit per code past E_QOS2_PUBACK): once each. */
let warned: i32 = 0;

// @ts-ignore: decorator
@inline function at(i: i32): Entry {
  return changetype<Entry>(table + <usize>i * ENTRY_SIZE);
}

export function outboundCount(): i32 {
  return used;
}

function pidInUse(pid: i32): bool {
  for (let i = 0; i < MAX_OUTBOUND; i++) {
    const e = at(i);
    if (e.state != Q_FREE && e.pid == pid) return true;
  }
  for (let i = 0; i < MAX_PENDING_REQUESTS; i++) {
    if (<i32>load<u16>(requestIds + (<usize>i << 1)) == pid) return true;
  }
  return false;
}

/** A packet id 1..65535 not used by any message or request in flight. */
export function allocatePid(): i32 {
  let pid = lastPid;
  do {
    pid = pid == 65535 ? 1 : pid + 1;
  } while (pidInUse(pid));
  lastPid = pid;
  return pid;
}

function sendPublish(e: Entry, dup: bool): void {
  const qos: i32 = e.qos;
  const tl: u32 = e.topicLen;
  const rl = 2 + tl + (qos != 0 ? 2 : 0) + e.payloadLen;
  const first = 0x30 | (dup ? 8 : 0) | (qos << 1) | e.retain;
  const p = putWord(putHeader(out, first, rl), <i32>tl);
  if (qos == 0) {
    flushWith(p, e.blob, 0, tl + e.payloadLen); // no packet id between topic and payload
    return;
  }
  flushWith(p, e.blob, 0, tl);
  flushWith(putWord(out, e.pid), e.blob, tl, e.payloadLen);
}

/** Total bytes of a PUBLISH (used by hosts to size their queues; also checks the 268 MB limit). */
export function publishSize(topicLen: u32, payloadLen: u32, qos: i32): u32 {
  const rl = 2 + topicLen + (qos != 0 ? 2 : 0) + payloadLen;
  return 1 + <u32>lengthSize(rl) + rl;
}

/** Done (puback) or abandoned (dropped): the event also hands the blob back (one crossing). */
function complete(e: Entry, kind: i32): void {
  e.state = <u8>Q_FREE;
  e.pid = 0;
  used--;
  usedBytes -= <u32>e.topicLen + e.payloadLen;
  hostEvent(kind, e.token, e.blob, 0);
}

/** Start (or restart as new) one entry: a QoS 0 message is done once handed over. */
function transmit(e: Entry, dup: bool): void {
  if (e.qos == 0) {
    sendPublish(e, false);
    complete(e, EV_PUBACK);
    return;
  }
  if (e.pid == 0) e.pid = <u16>allocatePid();
  sendPublish(e, dup);
  e.state = <u8>(e.qos == 1 ? Q_WAIT_PUBACK : Q_WAIT_PUBREC);
}

export const PUBLISH_REFUSED: i32 = 0;
export const PUBLISH_HELD: i32 = 1;
/** Sent and complete: the blob is given back and the puback is due, without an event crossing. */
export const PUBLISH_DONE: i32 = 2;

/** Publish now (connected) or queue. Refused when the table or the host's cap is full. */
export function publish(blob: i32, topicLen: u32, payloadLen: u32, qos: i32, retain: i32, token: i32, send: bool): i32 {
  if (send && qos == 0) {
    // connected QoS 0: nothing to keep (anything queued was sent at CONNACK)
    const rl = 2 + topicLen + payloadLen;
    flushWith(putWord(putHeader(out, 0x30 | retain, rl), <i32>topicLen), blob, 0, topicLen + payloadLen);
    return PUBLISH_DONE;
  }
  if (used >= S.maxQueued || topicLen + payloadLen > S.maxQueuedBytes - usedBytes) return PUBLISH_REFUSED;
  for (let i = 0; i < MAX_OUTBOUND; i++) {
    const e = at(i);
    if (e.state != Q_FREE) continue;
    e.state = <u8>Q_QUEUED;
    e.qos = <u8>qos;
    e.retain = <u8>retain;
    e.pid = 0;
    e.blob = blob;
    e.topicLen = <u16>topicLen;
    e.payloadLen = payloadLen;
    e.token = token;
    e.seq = ++nextSeq;
    used++;
    usedBytes += topicLen + payloadLen;
    if (send) transmit(e, false);
    return PUBLISH_HELD;
  }
  return PUBLISH_REFUSED;
}

/** The entry with the smallest sequence number above `after`, or null. */
function nextInOrder(after: u32): Entry | null {
  let best: Entry | null = null;
  let bestSeq: u32 = 0xffffffff;
  for (let i = 0; i < MAX_OUTBOUND; i++) {
    const e = at(i);
    if (e.state != Q_FREE && e.seq > after && e.seq <= bestSeq) {
      best = e;
      bestSeq = e.seq;
    }
  }
  return best;
}

/** After CONNACK: resend (session present) or restart (no session) everything, in order. */
export function resume(sessionPresent: bool): void {
  warned = 0;
  let after: u32 = 0;
  while (true) {
    const e = nextInOrder(after);
    if (e == null) break;
    after = e.seq;
    const st = e.state;
    if (st == Q_QUEUED) transmit(e, false);
    else if (st == Q_WAIT_PUBCOMP) {
      // the broker took the message (PUBREC): finish the handshake or, with its session gone, it is done
      if (sessionPresent) sendAck(0x62, e.pid);
      else complete(e, EV_PUBACK);
    } else if (sessionPresent) transmit(e, true);
    else {
      e.pid = 0;
      transmit(e, false);
    }
  }
}

/** PUBACK, PUBREC or PUBCOMP from the broker. Unknown ids are ignored. An acknowledgement of the
 *  wrong kind for the message's QoS (RabbitMQ answers QoS 2 with PUBACK) still ends the message,
 *  as MQTT.js does, so no slot is held for an answer that never comes; it is reported once.
 *  Inline (one call site): each function costs the firmware interpreter heap for its records. */
// @ts-ignore: decorator
@inline export function acknowledge(type: i32, pid: i32): void {
  for (let i = 0; i < MAX_OUTBOUND; i++) {
    const e = at(i);
    if (e.state == Q_FREE || e.pid != pid) continue;
    const st: i32 = e.state;
    if (type == PUBREC && st != Q_WAIT_PUBACK) {
      e.state = <u8>Q_WAIT_PUBCOMP;
      sendAck(0x62, pid);
      return;
    }
    const expected = type == PUBACK ? Q_WAIT_PUBACK : Q_WAIT_PUBCOMP;
    if (st != expected) {
      // a QoS 1 message answered with PUBREC: release the broker's id too
      if (type == PUBREC) sendAck(0x62, pid);
      warn(type == PUBACK && st == Q_WAIT_PUBREC ? E_QOS2_PUBACK : E_WRONG_ACK);
    }
    complete(e, EV_PUBACK);
    return;
  }
}

function warn(code: i32): void {
  const bit = 1 << (code - E_QOS2_PUBACK);
  if (warned & bit) return;
  warned |= bit;
  hostEvent(EV_WARNING, code, 0, 0);
}

/** Every message is abandoned (close(), or a clean session ended). */
export function dropAll(): void {
  let after: u32 = 0;
  while (true) {
    const e = nextInOrder(after);
    if (e == null) break;
    after = e.seq;
    complete(e, EV_DROPPED);
  }
}
