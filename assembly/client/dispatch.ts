// Inbound bytes: the parser's items routed to the packet's owner, as the bytes arrive: PUBLISH to
// inbound, PUBACK/PUBREC/PUBCOMP to outbound, SUBACK/UNSUBACK to requests, CONNACK and broken
// packets to the connection. Acknowledgements the broker is owed go out here.
import * as C from "../codec/constants";
import * as E from "../abi_table";
import { Parser, ITEM_NEED_MORE, ITEM_PACKET, ITEM_BYTE, ITEM_WORD, ITEM_STRING, ITEM_PIECE, ITEM_STRING_END, ITEM_END, ITEM_ERROR } from "../codec/parser";
import { hostEvent } from "../imports";
import { sendAck, emit } from "./output";
import * as Ev from "../abi_table";
import * as Out from "./outbound";
import * as In from "./inbound";
import * as Req from "./requests";
import { refused, connected, protocolError } from "./connection";
import { S, ST_CONNECTING, ST_CONNECTED } from "./state";

let parser: Parser = changetype<Parser>(0);

export function init(): void {
  parser = Parser.create();
}

/** A new connection: its bytes start with a fresh packet. */
export function restart(): void {
  parser.reset();
}

let ptype: i32 = 0;
let pflags: i32 = 0;
let word: i32 = 0;
let sessionPresent: i32 = 0;
let returnCode: i32 = 0;
let requestMatched: bool = false;
let codeCount: i32 = 0;

/** `len` bytes from the broker at `ptr`, while connecting or connected. */
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
    if (q == 1) sendAck(C.PUBACK, In.pidOf());
    else if (q == 2) sendAck(C.PUBREC, In.pidOf());
  } else if (type == C.CONNACK) {
    if (returnCode != 0) refused(returnCode);
    else connected(sessionPresent);
  }
  else if (type == C.PUBACK || type == C.PUBREC || type == C.PUBCOMP) Out.acknowledge(type, word);
  else if (type == C.PUBREL) {
    In.releaseHeld(word);
    sendAck(C.PUBCOMP, word);
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
