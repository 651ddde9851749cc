// Everything the client sends goes through here: its own bytes from a small scratch buffer,
// strings and payloads as host blob ranges. Sending counts as activity for keepalive.
import { OUT_SIZE } from "../limits";
import { hostSend, hostEvent } from "../imports";
import { putWord, putAck, putEmpty } from "../codec/generator";
import { S } from "./state";
import { EV_WARNING } from "../abi_table";
import { E_QOS2_PUBACK } from "../abi_table";

export const out: usize = memory.data(OUT_SIZE);

export function flush(end: usize): void {
  hostSend(out, <i32>(end - out), 0, 0, 0);
  S.lastSent = S.now;
}

/** The scratch bytes up to `end`, then a range of a host blob, in one crossing. */
export function flushWith(end: usize, handle: i32, offset: u32, len: u32): void {
  hostSend(out, <i32>(end - out), handle, offset, len);
  S.lastSent = S.now;
}

/** A 2-byte length then the blob bytes (an MQTT string whose bytes stay host-side). */
export function sendString(handle: i32, len: u32): void {
  flushWith(putWord(out, <i32>len), handle, 0, len);
}

/** PUBACK, PUBREC, PUBREL or PUBCOMP (`type`) for packet id `pid`. */
export function sendAck(type: i32, pid: i32): void {
  flush(putAck(out, type, pid));
}

/** PINGREQ or DISCONNECT. */
export function sendEmpty(type: i32): void {
  flush(putEmpty(out, type));
}

export function emit(kind: i32, a: i32): void {
  hostEvent(kind, a, 0, 0);
}

/** Warnings already reported on this connection (a bit per code from E_QOS2_PUBACK on). */
let warned: i32 = 0;

/** Something legal but odd (a warning code): reported once per connection. */
export function warn(code: i32): void {
  const bit = 1 << (code - E_QOS2_PUBACK);
  if (warned & bit) return;
  warned |= bit;
  hostEvent(EV_WARNING, code, 0, 0);
}

/** A new connection: every warning may be reported again. */
export function rearmWarnings(): void {
  warned = 0;
}
