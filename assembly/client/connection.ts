// The connection state machine: open -> CONNECT -> CONNACK -> connected, keepalive, loss,
// reconnect with jittered exponential backoff, close. Time only comes in through S.now.
import * as C from "../codec/constants";
import * as E from "../abi_table";
import { Parser, ITEM_NEED_MORE, ITEM_PACKET, ITEM_BYTE, ITEM_WORD, ITEM_STRING, ITEM_PIECE, ITEM_STRING_END, ITEM_END, ITEM_ERROR } from "../codec/parser";
import { putHeader, putWord, putByte } from "../codec/generator";
import { OPEN_TIMEOUT_MS, CONNACK_TIMEOUT_MS, BACKOFF_MIN_SHIFT, BACKOFF_MAX_SHIFT } from "../limits";
import { hostRelease, hostEvent } from "../imports";
import { out, flushWith, sendString, sendAck, sendEmpty, emit, rearmWarnings } from "./output";
import * as Ev from "../abi_table";
import { CONNFAIL_REFUSED_PROTOCOL_VER, CONNFAIL_REFUSED_ID_REJECTED, CONNFAIL_REFUSED_BAD_USER_OR_PASS, CONNFAIL_REFUSED_NOT_AUTHORIZED } from "../abi_table";
import * as Out from "./outbound";
import * as In from "./inbound";
import * as Req from "./requests";
import { S, reached, ST_IDLE, ST_OPENING, ST_CONNECTING, ST_CONNECTED, ST_BACKOFF,
  SLOTS, SLOT_CLIENT_ID, SLOT_USERNAME, SLOT_PASSWORD, SLOT_WILL_TOPIC, SLOT_WILL_MESSAGE } from "./state";

const slots: usize = memory.data(SLOTS * 8); // blob handle (-1 = none), length
let parser: Parser = changetype<Parser>(0);

export function init(): void {
  parser = Parser.create();
  for (let i = 0; i < SLOTS; i++) store<i32>(slots + <usize>i * 8, -1);
}

export function setSlot(slot: i32, blob: i32, len: u32): void {
  const p = slots + <usize>slot * 8;
  const old = load<i32>(p);
  if (old >= 0) hostRelease(old);
  store<i32>(p, blob);
  store<u32>(p, len, 4);
}

function slotBlob(slot: i32): i32 {
  return load<i32>(slots + <usize>slot * 8);
}

function slotLen(slot: i32): u32 {
  return load<u32>(slots + <usize>slot * 8, 4);
}

function releaseSlots(): void {
  for (let i = 0; i < SLOTS; i++) {
    const p = slots + <usize>i * 8;
    const h = load<i32>(p);
    if (h >= 0) hostRelease(h);
    store<i32>(p, -1);
  }
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
  parser.reset();
  In.forget(); // nothing of an earlier connection's message is left to hand over
  S.pingOutstanding = false;
  sendConnect();
  S.state = ST_CONNECTING;
  S.deadline = S.now + CONNACK_TIMEOUT_MS;
}

function sendConnect(): void {
  let cf = S.cleanSession ? C.CF_CLEAN : 0;
  let rl: u32 = 10 + 2 + slotLen(SLOT_CLIENT_ID);
  if (S.hasWill) {
    cf |= C.CF_WILL | (S.willQos << 3) | (S.willRetain ? C.CF_WILL_RETAIN : 0);
    rl += 4 + slotLen(SLOT_WILL_TOPIC) + slotLen(SLOT_WILL_MESSAGE);
  }
  if (S.hasUsername) {
    cf |= C.CF_USERNAME;
    rl += 2 + slotLen(SLOT_USERNAME);
  }
  if (S.hasPassword) {
    cf |= C.CF_PASSWORD;
    rl += 2 + slotLen(SLOT_PASSWORD);
  }
  let p = putWord(putHeader(out, C.CONNECT << 4, rl), 4);
  store<u32>(p, 0x5454514d); // "MQTT"
  p = putWord(putByte(putByte(p + 4, C.PROTOCOL_LEVEL), cf), S.keepalive);
  flushWith(putWord(p, <i32>slotLen(SLOT_CLIENT_ID)), slotBlob(SLOT_CLIENT_ID), 0, slotLen(SLOT_CLIENT_ID));
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

function protocolError(code: i32): void {
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
  if (st == ST_CONNECTED) sendEmpty(C.DISCONNECT << 4);
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
      sendEmpty(C.PINGREQ << 4);
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

// --- inbound bytes -------------------------------------------------------------------------

let ptype: i32 = 0;
let pflags: i32 = 0;
let word: i32 = 0;
let sessionPresent: i32 = 0;
let returnCode: i32 = 0;
let requestMatched: bool = false;
let codeCount: i32 = 0;

export function received(ptr: usize, len: i32): void {
  const st = S.state;
  if (st != ST_CONNECTING && st != ST_CONNECTED) return;
  parser.feed(ptr, len);
  while (<u32>(S.state - ST_CONNECTING) <= <u32>(ST_CONNECTED - ST_CONNECTING)) { // connecting or connected
    const item = parser.next();
    if (item == ITEM_NEED_MORE) {
      In.chunkEnd();
      return;
    }
    const err = handle(item);
    if (err != 0) {
      protocolError(err);
      return;
    }
  }
}

/** Packet types only a client sends (type numbers 1..14: one bit each). */
const CLIENT_PACKETS: i32 = (1 << C.CONNECT) | (1 << C.SUBSCRIBE) | (1 << C.UNSUBSCRIBE) | (1 << C.PINGREQ) | (1 << C.DISCONNECT);

function handle(item: i32): i32 {
  const p = parser;
  const field = p.field;
  // Most frequent first: an inbound PUBLISH is two strings of pieces.
  if (item == ITEM_PIECE) {
    if (field == C.F_TOPIC) In.topicPiece(p.ptr, p.len);
    else In.payloadPiece(p.ptr, p.len, p.left == 0);
    return 0;
  }
  if (item == ITEM_STRING) {
    if (field == C.F_TOPIC) In.topicStart(p.len);
    else In.payloadStart(p.len);
    return 0;
  }
  if (item == ITEM_STRING_END) {
    if (field == C.F_PAYLOAD) In.payloadEnd();
    return 0;
  }
  if (item == ITEM_PACKET) {
    const type = p.value;
    ptype = type;
    pflags = p.value2;
    if (S.state == ST_CONNECTING) {
      if (type != C.CONNACK) return E.E_NOT_CONNACK;
    } else if (type == C.CONNACK) return E.E_SECOND_CONNACK;
    if (((1 << type) & CLIENT_PACKETS) != 0) return E.E_CLIENT_PACKET;
    if (type == C.PUBLISH) In.begin(pflags);
    return 0;
  }
  if (item == ITEM_END) return ended();
  if (item == ITEM_ERROR) return p.value;
  if (item == ITEM_BYTE) {
    const v = p.value;
    if (field == C.F_CONNACK_FLAGS) sessionPresent = v;
    else if (field == C.F_CONNACK_CODE) returnCode = v;
    else if (field == C.F_SUBACK_CODE && requestMatched) {
      if (codeCount >= Req.settledFilters()) return E.E_SUBACK_COUNT;
      store<u8>(Req.codes + <usize>codeCount, v);
      codeCount++;
    }
    return 0;
  }
  if (item == ITEM_WORD) {
    word = p.value;
    if (ptype == C.PUBLISH) In.setPid(word);
    else if (ptype == C.SUBACK) {
      requestMatched = Req.settle(C.SUBSCRIBE, word);
      codeCount = 0;
    }
    return 0;
  }
  return 0;
}

/** The packet's last field arrived: acknowledge or settle what it completes. Inlined: a call
 *  more would lengthen the longest call chain the interpreter sizes its stack from. */
// @ts-ignore: decorator
@inline function ended(): i32 {
  const type = ptype;
  if (type == C.PUBLISH) {
    const q = In.qosOf();
    if (q == 1) sendAck(C.PUBACK << 4, In.pidOf());
    else if (q == 2) sendAck(C.PUBREC << 4, In.pidOf());
  } else if (type == C.CONNACK) connack();
  else if (type == C.PUBACK || type == C.PUBREC || type == C.PUBCOMP) Out.acknowledge(type, word);
  else if (type == C.PUBREL) {
    In.releaseHeld(word);
    sendAck(C.PUBCOMP << 4, word);
  } else if (type == C.SUBACK) {
    if (requestMatched) {
      requestMatched = false;
      if (codeCount != Req.settledFilters()) return E.E_SUBACK_COUNT;
      hostEvent(Ev.EV_SUBACK, Req.settledToken(), <i32>Req.codes, codeCount);
    }
  } else if (type == C.UNSUBACK) {
    if (Req.settle(C.UNSUBSCRIBE, word)) emit(Ev.EV_UNSUBACK, Req.settledToken());
  } else if (type == C.PINGRESP) S.pingOutstanding = false;
  return 0;
}

function connack(): void {
  const rc = returnCode;
  if (rc != 0) {
    emit(Ev.EV_CONNFAIL, rc);
    drop();
    afterFailure(rc);
    return;
  }
  S.state = ST_CONNECTED;
  S.attempt = 0;
  rearmWarnings();
  const sp = sessionPresent != 0 && !S.cleanSession;
  if (!sp) In.clearHeld();
  emit(Ev.EV_CONNECT, sp ? 1 : 0);
  Out.resume(sp);
}
