// Codec mode: the same parser and generator as the client, driven directly (tests, tools,
// benchmarks). Beside client/, not in codec/: like the client it talks to the host through the
// imports, and it sends through the client's output (scratch buffer and senders).
import { Parser, ITEM_NEED_MORE, ITEM_ERROR, ITEM_PIECE, ITEM_PACKET, ITEM_STRING } from "./codec/parser";
import { putWord, putConnack, putSuback, putPublishFlags } from "./codec/generator";
import { CONNACK, PUBLISH, SUBACK } from "./codec/constants";
import { hostEvent, hostSend } from "./imports";
import { EV_ITEM } from "./abi_table";
import { out, flush, sendAck, sendEmpty } from "./client/output";

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

/** One packet of `type` (docs/abi.md) through send(); `bytes` (n of them) are a SUBACK's return
 *  codes or a PUBLISH's topic then payload. The client's own senders write it. */
// @ts-ignore: decorator
@inline export function generate(type: i32, a: i32, b: i32, bytes: usize, n: i32): void {
  if ((type & 15) == PUBLISH) generatePublish(type >> 4, a, <u32>b, bytes, <u32>n);
  else if (type == CONNACK) flush(putConnack(out, a, b));
  else if (type == SUBACK) {
    flush(putSuback(out, a, n));
    hostSend(bytes, n, 0, 0, 0);
  } else if (b != 0) sendAck(type, a);
  else sendEmpty(type);
}

/** PUBLISH with header `flags` (dup 8, QoS << 1, retain 1), packet id `pid` (QoS 1 and 2) and the
 *  first `topicLen` of the `n` bytes as its topic. */
function generatePublish(flags: i32, pid: i32, topicLen: u32, bytes: usize, n: u32): void {
  const tl = topicLen < n ? topicLen : n;
  flush(putPublishFlags(out, flags, tl, n - tl));
  hostSend(bytes, <i32>tl, 0, 0, 0);
  if (flags & 6) flush(putWord(out, pid)); // QoS 1 or 2
  hostSend(bytes + <usize>tl, <i32>(n - tl), 0, 0, 0);
}
