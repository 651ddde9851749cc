// Inbound PUBLISH: topic kept in a fixed buffer, payload handed to the host in pieces straight
// from the io buffer, cut at max_message_length. QoS 2 ids are held until PUBREL so a resent
// PUBLISH is not delivered twice.
import { MAX_TOPIC_IN, MAX_QOS2_IN } from "../limits";
import { hostMessage } from "../imports";
import { E_TOPIC_TOO_LONG, E_QOS2_FULL } from "../abi_table";
import { MSG_FIRST, MSG_LAST, MSG_OVERFLOW, MSG_QOS_SHIFT, MSG_RETAIN, MSG_DUP } from "../abi_table";
import { S } from "./state";

const topic: usize = memory.data(MAX_TOPIC_IN);
const held: usize = memory.data(MAX_QOS2_IN * 2);

let topicLen: i32 = 0;
let qos: i32 = 0;
let flags: i32 = 0;
let pid: i32 = 0;
let total: u32 = 0;
let limit: u32 = 0;
let delivered: u32 = 0;
let suppress: bool = false;
let finished: bool = false; // the last piece went out with the payload's final bytes

function heldIndex(id: i32): i32 {
  for (let i = 0; i < MAX_QOS2_IN; i++) {
    if (<i32>load<u16>(held + (<usize>i << 1)) == id) return i;
  }
  return -1;
}

export function clearHeld(): void {
  memory.fill(held, 0, MAX_QOS2_IN * 2);
}

/** PUBREL: the id may be used again. */
export function releaseHeld(id: i32): void {
  const i = heldIndex(id);
  if (i >= 0) store<u16>(held + (<usize>i << 1), 0);
}

export function begin(headerFlags: i32): void {
  qos = (headerFlags >> 1) & 3;
  flags = (qos << MSG_QOS_SHIFT) | ((headerFlags & 1) != 0 ? MSG_RETAIN : 0) | ((headerFlags & 8) != 0 ? MSG_DUP : 0);
  topicLen = 0;
  pid = 0;
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

/** Returns an error code or 0. */
export function topicStart(len: u32): i32 {
  return len > <u32>MAX_TOPIC_IN ? E_TOPIC_TOO_LONG : 0;
}

export function topicPiece(ptr: usize, len: u32): void {
  memory.copy(topic + <usize>topicLen, ptr, len);
  topicLen += <i32>len;
}

/** Returns an error code or 0. */
export function payloadStart(len: u32): i32 {
  total = len;
  delivered = 0;
  const max = <u32>S.maxMessage;
  limit = len < max ? len : max;
  suppress = false;
  finished = false;
  if (qos == 2) {
    if (heldIndex(pid) >= 0) suppress = true;
    else if (heldIndex(0) < 0) return E_QOS2_FULL;
  }
  return 0;
}

/** A piece of the payload; `final` when it ends the payload (then it also carries MSG_LAST). */
export function payloadPiece(ptr: usize, len: u32, final: bool): void {
  if (suppress) return;
  const room = limit - delivered;
  const n = len < room ? len : room;
  if (final) {
    finished = true;
    hostMessage(topic, topicLen, ptr, n, total, lastFlags());
  } else if (n != 0) hostMessage(topic, topicLen, ptr, n, total, flags | (delivered == 0 ? MSG_FIRST : 0));
  delivered += n;
}

function lastFlags(): i32 {
  let f = flags | MSG_LAST | (delivered == 0 ? MSG_FIRST : 0);
  if (total > limit) f |= MSG_OVERFLOW;
  return f;
}

export function payloadEnd(): void {
  if (suppress) return;
  if (!finished) hostMessage(topic, topicLen, 0, 0, total, lastFlags());
  if (qos == 2) store<u16>(held + (<usize>heldIndex(0) << 1), <u16>pid);
}
