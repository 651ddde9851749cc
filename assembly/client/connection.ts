// The connection state machine: open -> CONNECT -> CONNACK -> connected, keepalive, loss,
// reconnect with jittered exponential backoff, close. Time only comes in through S.now. The
// broker's packets reach it through dispatch.ts (CONNACK, broken packets, the link's end).
import * as C from "../codec/constants";
import * as E from "../abi_table";
import { putConnect } from "../codec/generator";
import { OPEN_TIMEOUT_MS, CONNACK_TIMEOUT_MS, BACKOFF_MIN_SHIFT, BACKOFF_MAX_SHIFT } from "../limits";
import { out, flushWith, sendString, sendEmpty, emit, rearmWarnings } from "./output";
import * as Ev from "../abi_table";
import { CONNFAIL_REFUSED_PROTOCOL_VER, CONNFAIL_REFUSED_ID_REJECTED, CONNFAIL_REFUSED_BAD_USER_OR_PASS, CONNFAIL_REFUSED_NOT_AUTHORIZED } from "../abi_table";
import * as Out from "./outbound";
import * as In from "./inbound";
import * as Req from "./requests";
import * as Dispatch from "./dispatch";
import { initSlots, slotBlob, slotLen, releaseSlots } from "./slots";
import { S, reached, ST_IDLE, ST_OPENING, ST_CONNECTING, ST_CONNECTED, ST_BACKOFF,
  SLOT_CLIENT_ID, SLOT_USERNAME, SLOT_PASSWORD, SLOT_WILL_TOPIC, SLOT_WILL_MESSAGE } from "./state";

export function init(): void {
  Dispatch.init();
  initSlots();
}

/** Returns 1, 0 when a session is already running, or -error. */
export function start(keepalive: i32, flags: i32, seed: u32): i32 {
  if (S.state != ST_IDLE) return 0;
  if (keepalive < 0 || keepalive > 65535) return -E.E_ARG_KEEPALIVE;
  const clean = (flags & Ev.START_CLEAN_SESSION) != 0;
  const hasWill = (flags & Ev.START_WILL) != 0;
  const willQos = (flags >> Ev.START_WILL_QOS_SHIFT) & 3;
  const hasUser = (flags & Ev.START_HAS_USERNAME) != 0;
  const hasPass = (flags & Ev.START_HAS_PASSWORD) != 0;
  if (willQos == 3) return -E.E_ARG_QOS;
  if (hasPass && !hasUser) return -E.E_ARG_PASSWORD;
  if (slotBlob(SLOT_CLIENT_ID) < 0) return -E.E_ARG_ORDER;
  if (slotLen(SLOT_CLIENT_ID) == 0 && !clean) return -E.E_ARG_CLIENT_ID;
  if (hasWill && (slotBlob(SLOT_WILL_TOPIC) < 0 || slotBlob(SLOT_WILL_MESSAGE) < 0)) return -E.E_ARG_ORDER;
  if (hasUser && slotBlob(SLOT_USERNAME) < 0) return -E.E_ARG_ORDER;
  if (hasPass && slotBlob(SLOT_PASSWORD) < 0) return -E.E_ARG_ORDER;
  S.cleanSession = clean;
  S.autoReconnect = (flags & Ev.START_AUTO_RECONNECT) != 0;
  S.hasWill = hasWill;
  S.willQos = hasWill ? willQos : 0;
  S.willRetain = hasWill && (flags & Ev.START_WILL_RETAIN) != 0;
  S.hasUsername = hasUser;
  S.hasPassword = hasPass;
  S.keepalive = keepalive;
  S.keepaliveMs = <u32>keepalive * 1000;
  S.rng = seed != 0 ? seed : 0x9e3779b9;
  S.attempt = 0;
  if (clean) In.clearHeld();
  open();
  return 1;
}

function open(): void {
  S.state = ST_OPENING;
  S.deadline = S.now + OPEN_TIMEOUT_MS;
  emit(Ev.EV_OPEN, 0);
}

export function opened(): void {
  if (S.state != ST_OPENING) return;
  Dispatch.restart();
  In.forget(); // nothing of an earlier connection's message is left to hand over
  S.pingOutstanding = false;
  sendConnect();
  S.state = ST_CONNECTING;
  S.deadline = S.now + CONNACK_TIMEOUT_MS;
}

function sendConnect(): void {
  let cf = S.cleanSession ? C.CF_CLEAN : 0;
  if (S.hasWill) cf |= C.CF_WILL | (S.willQos << 3) | (S.willRetain ? C.CF_WILL_RETAIN : 0);
  if (S.hasUsername) cf |= C.CF_USERNAME;
  if (S.hasPassword) cf |= C.CF_PASSWORD;
  const p = putConnect(out, cf, S.keepalive, slotLen(SLOT_CLIENT_ID), slotLen(SLOT_WILL_TOPIC), slotLen(SLOT_WILL_MESSAGE),
    slotLen(SLOT_USERNAME), slotLen(SLOT_PASSWORD));
  flushWith(p, slotBlob(SLOT_CLIENT_ID), 0, slotLen(SLOT_CLIENT_ID));
  if (S.hasWill) {
    sendSlot(SLOT_WILL_TOPIC);
    sendSlot(SLOT_WILL_MESSAGE);
  }
  if (S.hasUsername) sendSlot(SLOT_USERNAME);
  if (S.hasPassword) sendSlot(SLOT_PASSWORD);
}

function sendSlot(slot: i32): void {
  sendString(slotBlob(slot), slotLen(slot));
}

/** The host could not open the transport (-5 refused, -3 DNS). */
export function failed(reason: i32): void {
  if (S.state != ST_OPENING) return;
  emit(Ev.EV_CONNFAIL, reason);
  afterFailure(reason);
}

function afterFailure(reason: i32): void {
  // refusals that a retry cannot fix end the session; the rest retry when asked to
  // one expression without branches: each costs the interpreter a side entry of RAM
  const permanent = (reason == CONNFAIL_REFUSED_PROTOCOL_VER) | (reason == CONNFAIL_REFUSED_ID_REJECTED) | (reason == CONNFAIL_REFUSED_BAD_USER_OR_PASS) | (reason == CONNFAIL_REFUSED_NOT_AUTHORIZED);
  if (S.autoReconnect && !permanent) backoff();
  else endSession();
}

function afterLoss(): void {
  emit(Ev.EV_OFFLINE, 0);
  if (S.autoReconnect) backoff();
  else endSession();
}

function random(): u32 {
  let x = S.rng;
  x ^= x << 13;
  x ^= x >> 17;
  x ^= x << 5;
  S.rng = x;
  return x;
}

/** Delay uniform in [base/2, base) where base doubles per attempt from 2^MIN to 2^MAX ms. */
function backoff(): void {
  let shift = BACKOFF_MIN_SHIFT + S.attempt;
  if (shift > BACKOFF_MAX_SHIFT) shift = BACKOFF_MAX_SHIFT;
  else S.attempt++;
  const half: u32 = 1 << <u32>(shift - 1);
  S.deadline = S.now + half + (random() & (half - 1));
  S.state = ST_BACKOFF;
}

function endSession(): void {
  S.state = ST_IDLE;
  Req.clearRequests();
  Req.unstage();
  releaseSlots();
  if (S.cleanSession) {
    Out.dropAll();
    In.clearHeld();
  }
}

/** Close the transport after the engine decided so. */
function drop(): void {
  emit(Ev.EV_CLOSE, 0);
}

/** The broker's bytes broke a rule of MQTT (error `code`): drop the connection. */
export function protocolError(code: i32): void {
  emit(Ev.EV_PROTOCOL_ERROR, code);
  drop();
  if (S.state == ST_CONNECTING) {
    emit(Ev.EV_CONNFAIL, Ev.CONNFAIL_NOT_A_CONNACK_MSG);
    afterFailure(Ev.CONNFAIL_NOT_A_CONNACK_MSG);
  } else afterLoss();
}

export function closedByPeer(): void {
  const st = S.state;
  if (st == ST_CONNECTED) afterLoss();
  else if (st == ST_CONNECTING) {
    emit(Ev.EV_CONNFAIL, Ev.CONNFAIL_NOT_A_CONNACK_MSG);
    afterFailure(Ev.CONNFAIL_NOT_A_CONNACK_MSG);
  } else if (st == ST_OPENING) {
    emit(Ev.EV_CONNFAIL, Ev.CONNFAIL_SERVER_NOT_FOUND);
    afterFailure(Ev.CONNFAIL_SERVER_NOT_FOUND);
  }
}

/** User close: DISCONNECT when connected, drop every message, end the session. */
export function close(): bool {
  const st = S.state;
  if (st == ST_IDLE) return false;
  if (st == ST_CONNECTED) sendEmpty(C.DISCONNECT);
  if (st != ST_BACKOFF) drop();
  if (st == ST_CONNECTED) emit(Ev.EV_OFFLINE, 0);
  Out.dropAll();
  endSession();
  return true;
}

export function tick(): void {
  const st = S.state;
  const now = S.now;
  if (st == ST_OPENING || st == ST_CONNECTING) {
    if (!reached(now, S.deadline)) return;
    const reason = st == ST_OPENING ? Ev.CONNFAIL_TIMEOUT_SENDING : Ev.CONNFAIL_TIMEOUT_RECEIVING;
    emit(Ev.EV_CONNFAIL, reason);
    drop();
    afterFailure(reason);
  } else if (st == ST_BACKOFF) {
    if (reached(now, S.deadline)) open();
  } else if (st == ST_CONNECTED && S.keepaliveMs != 0) {
    if (S.pingOutstanding) {
      if (reached(now, S.pingSentAt + S.keepaliveMs)) {
        drop();
        afterLoss();
      }
    } else if (reached(now, S.lastSent + S.keepaliveMs)) {
      sendEmpty(C.PINGREQ);
      S.pingOutstanding = true;
      S.pingSentAt = now;
    }
  }
}

/** Milliseconds until the next tick is wanted, or -1. */
export function wakeDelay(): i32 {
  const st = S.state;
  let at: u32 = 0;
  if (st == ST_OPENING || st == ST_CONNECTING || st == ST_BACKOFF) at = S.deadline;
  else if (st == ST_CONNECTED && S.keepaliveMs != 0) at = (S.pingOutstanding ? S.pingSentAt : S.lastSent) + S.keepaliveMs;
  else return -1;
  const d = <i32>(at - S.now);
  return d < 0 ? 0 : d;
}

export function isConnected(): bool {
  return S.state == ST_CONNECTED;
}

/** Publishing is possible now or after a pending (re)connect. */
export function canQueue(): bool {
  return S.state != ST_IDLE;
}

/** CONNACK refused the connection with return code `rc`. */
export function refused(rc: i32): void {
  emit(Ev.EV_CONNFAIL, rc);
  drop();
  afterFailure(rc);
}

/** CONNACK accepted the connection. */
export function connected(sessionPresent: i32): void {
  S.state = ST_CONNECTED;
  S.attempt = 0;
  rearmWarnings();
  const sp = sessionPresent != 0 && !S.cleanSession;
  if (!sp) In.clearHeld();
  emit(Ev.EV_CONNECT, sp ? 1 : 0);
  Out.resume(sp);
}
