// Streaming MQTT 3.1.1 parser, pull style: feed() a window of bytes, then call next() until it
// says NEED_MORE. Each call returns one item: a packet start, a 1- or 2-byte field, the start,
// a piece or the end of a string (payloads are strings of the whole rest), the packet end, or an
// error. Input may be split anywhere; strings and payloads are never copied. After ERROR the
// parser stays failed until reset().
import * as C from "./constants";
import * as E from "../abi_table";
import { TextCheck } from "./text";

export const ITEM_NEED_MORE: i32 = 0;
export const ITEM_PACKET: i32 = 1; // value = type, value2 = flags, len = remaining length
export const ITEM_BYTE: i32 = 2; // field, value
export const ITEM_WORD: i32 = 3; // field, value
export const ITEM_STRING: i32 = 4; // field, len
export const ITEM_PIECE: i32 = 5; // field, ptr, len
export const ITEM_STRING_END: i32 = 6; // field
export const ITEM_END: i32 = 7;
export const ITEM_ERROR: i32 = 8; // value = error code

const S_HEADER: i32 = 0;
const S_LENGTH: i32 = 1;
const S_FIELD: i32 = 2;
const S_BYTE: i32 = 3;
const S_WORD: i32 = 4;
const S_STRLEN: i32 = 5;
const S_STRING: i32 = 6;
const S_FAILED: i32 = 7;

const K_BYTE: i32 = 1;
const K_WORD: i32 = 2;
const K_STRING: i32 = 3;
const K_REST: i32 = 4;

@unmanaged
export class Parser {
  pos: usize = 0;
  end: usize = 0;
  state: i32 = S_HEADER;
  type: i32 = 0;
  flags: i32 = 0;
  remaining: u32 = 0;
  shift: i32 = 0;
  step: i32 = 0;
  entries: i32 = 0;
  connectFlags: i32 = 0;
  field: i32 = 0;
  textMode: i32 = 0;
  acc: u32 = 0;
  accBytes: i32 = 0;
  left: u32 = 0;
  nameIndex: i32 = 0;
  // the item just returned
  value: i32 = 0;
  value2: i32 = 0;
  ptr: usize = 0;
  len: u32 = 0;
  check: TextCheck = changetype<TextCheck>(0);

  /** A parser in static memory (no allocation). */
  static create(): Parser {
    const p = changetype<Parser>(memory.data(<i32>offsetof<Parser>(), 8));
    p.check = changetype<TextCheck>(memory.data(<i32>offsetof<TextCheck>(), 8));
    return p;
  }

  reset(): void {
    this.state = S_HEADER;
    this.pos = 0;
    this.end = 0;
  }

  feed(ptr: usize, len: i32): void {
    this.pos = ptr;
    this.end = ptr + <usize>len;
  }

  next(): i32 {
    while (true) {
      const state = this.state;
      if (state == S_STRING) {
        const left = this.left;
        if (left == 0) {
          // binary strings (payloads, will messages, passwords) are never checked
          if (this.textMode != C.TEXT_BINARY) {
            const err = this.check.finish();
            if (err != 0) return this.fail(err);
          }
          this.state = S_FIELD;
          this.step++;
          return ITEM_STRING_END;
        }
        const avail = <u32>(this.end - this.pos);
        if (avail == 0) return ITEM_NEED_MORE;
        const n = avail < left ? avail : left;
        const p = this.pos;
        this.pos = p + <usize>n;
        this.left = left - n;
        this.remaining -= n;
        if (this.textMode != C.TEXT_BINARY) { // the protocol name is text: payloads skip both checks
          const err = this.check.piece(p, <i32>n);
          if (err != 0) return this.fail(err);
          if (this.field == C.F_PROTOCOL_NAME && !this.protocolName(p, n)) return this.fail(E.E_PROTOCOL_NAME);
        }
        this.ptr = p;
        this.len = n;
        return ITEM_PIECE;
      }
      if (state == S_FIELD) {
        const f = this.plan();
        if (f < 0) return this.fail(-f);
        if (f == 0) {
          if (this.remaining != 0) return this.fail(E.E_TRAILING);
          this.state = S_HEADER;
          return ITEM_END;
        }
        this.field = f;
        const kind = fieldKind(f);
        if (kind == K_REST) {
          this.left = this.remaining;
          this.textMode = C.TEXT_BINARY;
          this.state = S_STRING;
          this.len = this.remaining;
          return ITEM_STRING;
        }
        const need: u32 = kind == K_BYTE ? 1 : 2;
        if (this.remaining < need) return this.fail(E.E_TRUNCATED);
        this.acc = 0;
        this.accBytes = 0;
        this.state = kind == K_BYTE ? S_BYTE : kind == K_WORD ? S_WORD : S_STRLEN;
        continue;
      }
      if (this.pos == this.end) return ITEM_NEED_MORE;
      if (state == S_HEADER) {
        const b = <i32>load<u8>(this.pos++);
        const type = b >> 4;
        const flags = b & 15;
        this.type = type;
        this.flags = flags;
        if (type == 0 || type == 15) return this.fail(E.E_RESERVED_TYPE);
        if (type == C.PUBLISH) {
          if ((flags & 6) == 6) return this.fail(E.E_PUBLISH_QOS3);
          if ((flags & 0xe) == 8) return this.fail(E.E_DUP_QOS0);
        } else if (type == C.PUBREL || type == C.SUBSCRIBE || type == C.UNSUBSCRIBE) {
          if (flags != 2) return this.fail(E.E_HEADER_FLAGS);
        } else if (flags != 0) return this.fail(E.E_HEADER_FLAGS);
        this.remaining = 0;
        this.shift = 0;
        this.state = S_LENGTH;
        continue;
      }
      if (state == S_LENGTH) {
        const b = <u32>load<u8>(this.pos++);
        this.remaining |= (b & 127) << <u32>this.shift;
        this.shift += 7;
        if (b & 128) {
          if (this.shift == 28) return this.fail(E.E_LENGTH_TOO_LONG);
          continue;
        }
        const type = this.type;
        const rl = this.remaining;
        if (type == C.CONNACK || (type >= C.PUBACK && type <= C.PUBCOMP) || type == C.UNSUBACK) {
          if (rl != 2) return this.fail(E.E_LENGTH_MISMATCH);
        } else if (type >= C.PINGREQ) {
          if (rl != 0) return this.fail(E.E_LENGTH_MISMATCH);
        }
        this.step = 0;
        this.entries = 0;
        this.state = S_FIELD;
        this.value = type;
        this.value2 = this.flags;
        this.len = rl;
        return ITEM_PACKET;
      }
      if (state == S_BYTE) {
        const b = <i32>load<u8>(this.pos++);
        this.remaining -= 1;
        this.state = S_FIELD;
        this.step++;
        const err = this.checkByte(this.field, b);
        if (err != 0) return this.fail(err);
        this.value = b;
        return ITEM_BYTE;
      }
      if (state == S_WORD || state == S_STRLEN) {
        const pos = this.pos;
        if (this.accBytes == 0 && this.end - pos >= 2) {
          // both bytes in this window (the usual case): one pass instead of two
          this.acc = (<u32>load<u8>(pos) << 8) | <u32>load<u8>(pos, 1);
          this.pos = pos + 2;
        } else {
          this.acc = (this.acc << 8) | <u32>load<u8>(pos);
          this.pos = pos + 1;
          if (++this.accBytes < 2) continue;
        }
        this.remaining -= 2;
        const v = this.acc;
        if (state == S_WORD) {
          if (this.field == C.F_PACKET_ID && v == 0) return this.fail(E.E_PACKET_ID_ZERO);
          this.value = <i32>v;
          this.state = S_FIELD;
          this.step++;
          return ITEM_WORD;
        }
        if (v > this.remaining) return this.fail(E.E_TRUNCATED);
        const mode = textModeOf(this.field);
        this.textMode = mode;
        if (mode != C.TEXT_BINARY) this.check.begin(mode);
        if (this.field == C.F_PROTOCOL_NAME && v != 4) return this.fail(E.E_PROTOCOL_NAME);
        this.nameIndex = 0;
        this.left = v;
        this.len = v;
        this.state = S_STRING;
        return ITEM_STRING;
      }
      return ITEM_ERROR; // S_FAILED
    }
  }

  /** The next field of the current packet, 0 at its end, or -error. */
  private plan(): i32 {
    const type = this.type;
    const step = this.step;
    if (type == C.PUBLISH) {
      if (step == 0) return C.F_TOPIC;
      if (step == 1 && (this.flags & 6) != 0) return C.F_PACKET_ID;
      if (step <= 2) { this.step = 2; return C.F_PAYLOAD; }
      return 0;
    }
    if ((type >= C.PUBACK && type <= C.PUBCOMP) || type == C.UNSUBACK) return step == 0 ? C.F_PACKET_ID : 0;
    if (type == C.CONNACK) return step == 0 ? C.F_CONNACK_FLAGS : step == 1 ? C.F_CONNACK_CODE : 0;
    if (type == C.SUBSCRIBE || type == C.SUBACK || type == C.UNSUBSCRIBE) {
      if (step == 0) return C.F_PACKET_ID;
      if (type == C.SUBSCRIBE && step == 2) return C.F_REQUESTED_QOS;
      if (step == 1 || step == 3 || (type == C.SUBACK && step == 2) || (type == C.UNSUBSCRIBE && step == 2)) {
        if (step != 1) {
          this.entries++;
          this.step = 1;
        }
        if (this.remaining == 0) return this.entries == 0 ? -E.E_NO_ENTRIES : 0;
        return type == C.SUBACK ? C.F_SUBACK_CODE : C.F_FILTER;
      }
      return 0;
    }
    if (type == C.CONNECT) {
      const cf = this.connectFlags;
      let s = step;
      if (s == 0) return C.F_PROTOCOL_NAME;
      if (s == 1) return C.F_PROTOCOL_LEVEL;
      if (s == 2) return C.F_CONNECT_FLAGS;
      if (s == 3) return C.F_KEEPALIVE;
      if (s == 4) return C.F_CLIENT_ID;
      if (s == 5) { if (cf & C.CF_WILL) return C.F_WILL_TOPIC; s = 7; }
      if (s == 6) return C.F_WILL_MESSAGE;
      if (s == 7) { if (cf & C.CF_USERNAME) { this.step = 7; return C.F_USERNAME; } s = 8; }
      if (s == 8) { if (cf & C.CF_PASSWORD) { this.step = 8; return C.F_PASSWORD; } }
      this.step = 9;
      return 0;
    }
    return 0; // PINGREQ, PINGRESP, DISCONNECT: no fields
  }

  private checkByte(field: i32, b: i32): i32 {
    if (field == C.F_CONNACK_FLAGS) {
      if (b & 0xfe) return E.E_CONNACK_FLAGS;
      this.connectFlags = b;
      return 0;
    }
    if (field == C.F_CONNACK_CODE) {
      if (b > 5) return E.E_CONNACK_CODE;
      if (b != 0 && (this.connectFlags & 1) != 0) return E.E_CONNACK_SESSION;
      return 0;
    }
    if (field == C.F_REQUESTED_QOS) return b > 2 ? E.E_REQUESTED_QOS : 0;
    if (field == C.F_SUBACK_CODE) return (b > 2 && b != 0x80) ? E.E_SUBACK_CODE : 0;
    if (field == C.F_PROTOCOL_LEVEL) return b != C.PROTOCOL_LEVEL ? E.E_PROTOCOL_LEVEL : 0;
    if (field == C.F_CONNECT_FLAGS) {
      this.connectFlags = b;
      if (b & 1) return E.E_CONNECT_FLAGS;
      const willQos = (b >> 3) & 3;
      if (willQos == 3) return E.E_CONNECT_FLAGS;
      if ((b & C.CF_WILL) == 0 && (b & (C.CF_WILL_RETAIN | 0x18)) != 0) return E.E_CONNECT_FLAGS;
      if ((b & C.CF_PASSWORD) != 0 && (b & C.CF_USERNAME) == 0) return E.E_CONNECT_FLAGS;
      return 0;
    }
    return 0;
  }

  private protocolName(p: usize, n: u32): bool {
    // "MQTT" = 4d 51 54 54
    let i = this.nameIndex;
    for (let k: u32 = 0; k < n; k++) {
      const b = <u32>load<u8>(p + <usize>k);
      const want: u32 = i == 0 ? 0x4d : i == 1 ? 0x51 : 0x54;
      if (b != want) return false;
      i++;
    }
    this.nameIndex = i;
    return true;
  }

  private fail(code: i32): i32 {
    this.state = S_FAILED;
    this.value = code;
    return ITEM_ERROR;
  }
}

// Field numbers are 1..17: one bit each, so a field's kind or text mode is a few mask tests and
// selects, not a chain of compares and branches (each branch costs the interpreter a side-table
// entry of RAM).
const BYTE_FIELDS: u32 = (1 << C.F_PROTOCOL_LEVEL) | (1 << C.F_CONNECT_FLAGS) | (1 << C.F_CONNACK_FLAGS)
  | (1 << C.F_CONNACK_CODE) | (1 << C.F_REQUESTED_QOS) | (1 << C.F_SUBACK_CODE);
const WORD_FIELDS: u32 = (1 << C.F_KEEPALIVE) | (1 << C.F_PACKET_ID);
const TOPIC_FIELDS: u32 = (1 << C.F_TOPIC) | (1 << C.F_WILL_TOPIC);
const BINARY_FIELDS: u32 = (1 << C.F_WILL_MESSAGE) | (1 << C.F_PASSWORD);

function fieldKind(f: i32): i32 {
  const bit: u32 = 1 << <u32>f;
  return select<i32>(K_BYTE, select<i32>(K_WORD, select<i32>(K_REST, K_STRING, f == C.F_PAYLOAD),
    (bit & WORD_FIELDS) != 0), (bit & BYTE_FIELDS) != 0);
}

function textModeOf(f: i32): i32 {
  const bit: u32 = 1 << <u32>f;
  return select<i32>(C.TEXT_TOPIC, select<i32>(C.TEXT_FILTER, select<i32>(C.TEXT_BINARY, C.TEXT_UTF8,
    (bit & BINARY_FIELDS) != 0), f == C.F_FILTER), (bit & TOPIC_FIELDS) != 0);
}
