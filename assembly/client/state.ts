// The session state shared by the client modules (module-wide, allocated once).
import { DEFAULT_MAX_MESSAGE } from "../limits";

export const ST_IDLE: i32 = 0; // no session
export const ST_OPENING: i32 = 1; // asked the host to open the transport
export const ST_CONNECTING: i32 = 2; // CONNECT sent, waiting for CONNACK
export const ST_CONNECTED: i32 = 3;
export const ST_BACKOFF: i32 = 4; // waiting to reconnect

// Config string slots (host blobs).
export const SLOT_CLIENT_ID: i32 = 0;
export const SLOT_USERNAME: i32 = 1;
export const SLOT_PASSWORD: i32 = 2;
export const SLOT_WILL_TOPIC: i32 = 3;
export const SLOT_WILL_MESSAGE: i32 = 4;
export const SLOTS: i32 = 5;

export class S {
  static state: i32 = ST_IDLE;
  static now: u32 = 0;
  static deadline: u32 = 0; // open / CONNACK / backoff deadline
  static keepaliveMs: u32 = 0;
  static keepalive: i32 = 0;
  static cleanSession: bool = true;
  static autoReconnect: bool = false;
  static willQos: i32 = 0;
  static willRetain: bool = false;
  static hasUsername: bool = false;
  static hasPassword: bool = false;
  static hasWill: bool = false;
  static lastSent: u32 = 0;
  static pingOutstanding: bool = false;
  static pingSentAt: u32 = 0;
  static rng: u32 = 1;
  static attempt: i32 = 0;
  static maxMessage: i32 = DEFAULT_MAX_MESSAGE;
  static maxQueuedBytes: u32 = 65536;
}

/** Wrap-safe "a is at or after b" for u32 millisecond times. */
// @ts-ignore: decorator
@inline export function reached(a: u32, b: u32): bool {
  return <i32>(a - b) >= 0;
}
