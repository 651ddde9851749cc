// Codec mode: the same parser and generator as the client, driven directly (tests, benchmarks).
import { Parser, ITEM_NEED_MORE, ITEM_ERROR, ITEM_PIECE, ITEM_PACKET, ITEM_STRING } from "./parser";
import { TextCheck } from "./text";
import { putHeader, putWord } from "./generator";
import { CONNACK, SUBACK } from "./constants";
import { hostEvent, hostSend } from "../imports";
import { EV_ITEM } from "../abi_table";
import { out } from "../client/output";

let parser: Parser = changetype<Parser>(0);

function ensure(): void {
  if (changetype<usize>(parser) != 0) return;
  parser = Parser.create();
}
export function reset(): void {
  ensure();
  parser.reset();
}

// Items are batched: up to ITEMS records of 4 i32 (item, a, b, piece pointer) per event call.
/** A string whose bytes all arrived in one window (field, length, pointer). */
const ITEM_WHOLE_STRING: i32 = 9;
const ITEMS: i32 = 32;
/** Bytes of the item records, kept after the largest io buffer: codec mode (tests, benchmarks)
 *  then costs a firmware host, which backs less, no RAM. */
export const ITEM_BYTES: i32 = ITEMS * 16;
let items: usize = 0;
let count: i32 = 0;

function put(item: i32, a: i32, b: i32, ptr: usize): void {
  const p = items + (<usize>count << 4);
  store<i32>(p, item);
  store<i32>(p, a, 4);
  store<i32>(p, b, 8);
  store<i32>(p, <i32>ptr, 12);
  if (++count == ITEMS) flushItems();
}

function flushItems(): void {
  if (count == 0) return;
  hostEvent(EV_ITEM, count, <i32>items, 0);
  count = 0;
}

export function parse(ptr: usize, len: i32, itemsAt: usize): i32 {
  ensure();
  items = itemsAt;
  const p = parser;
  p.feed(ptr, len);
  while (true) {
    const item = p.next();
    if (item == ITEM_NEED_MORE) break;
    if (item == ITEM_ERROR) {
      put(item, p.value, 0, 0);
      flushItems();
      return p.value;
    }
    if (item == ITEM_STRING && <usize>p.len <= p.end - p.pos) {
      // the whole string is in this window: one record instead of start, piece, end
      const field = p.field;
      const n = p.len;
      let at = p.pos;
      let next = n != 0 ? p.next() : ITEM_PIECE;
      if (n != 0) at = p.ptr;
      if (next != ITEM_ERROR) next = p.next();
      if (next == ITEM_ERROR) {
        put(next, p.value, 0, 0);
        flushItems();
        return p.value;
      }
      put(ITEM_WHOLE_STRING, field, <i32>n, at);
    } else if (item == ITEM_PIECE) put(item, p.field, <i32>p.len, p.ptr);
    else if (item == ITEM_PACKET) put(item, p.value, (p.value2 << 28) | <i32>p.len, 0);
    else if (item == ITEM_STRING) put(item, p.field, <i32>p.len, 0);
    else put(item, p.field, p.value, 0);
  }
  flushItems();
  return 0;
}

export function generate(type: i32, a: i32, b: i32, codes: usize, n: i32): void {
  if (type == CONNACK) {
    const p = putHeader(out, CONNACK << 4, 2);
    store<u8>(p, a);
    store<u8>(p + 1, b);
    hostSend(out, <i32>(p + 2 - out), 0, 0, 0);
    return;
  }
  if (type == SUBACK) {
    hostSend(out, <i32>(putWord(putHeader(out, SUBACK << 4, 2 + <u32>n), a) - out), 0, 0, 0);
    hostSend(codes, n, 0, 0, 0);
    return;
  }
  if (b != 0) hostSend(out, <i32>(putWord(putHeader(out, type << 4, 2), a) - out), 0, 0, 0);
  else hostSend(out, <i32>(putHeader(out, type << 4, 0) - out), 0, 0, 0);
}
