// SUBSCRIBE and UNSUBSCRIBE: filters staged by the host (as blobs), sent in one packet, and the
// requests awaiting SUBACK/UNSUBACK. Both tables are sized by the host (layout); a request's
// packet id names its slot, and free slots are a list: no call scans a table.
import { SUBSCRIBE } from "../codec/constants";
import { putHeader, putWord, putByte } from "../codec/generator";
import { out, flush, flushWith } from "./output";
import { capacity as outbound, allocateId, freeId, holderOf } from "./outbound";

// Staged filter: blob i32, len u16 (a filter is at most 65535 bytes: checked before staging), qos u8
const STAGED_SIZE: usize = 8;
let staged: usize = 0;
let stagedCap: i32 = 0;
let stagedCount: i32 = 0;
/** A SUBACK's return codes, one byte per filter of the request it settles. */
export let codes: usize = 0;

// Request: token i32, id u16, kind u16: bit 15 SUBSCRIBE (else UNSUBSCRIBE), bits 0..14 its
// filter count, 0 for a free slot. A request takes the first free slot: subscribe calls are rare
// beside publishes, and an acknowledgement finds its request through the id map.
const REQUEST_SIZE: usize = 8;
const SUB: i32 = 0x8000;
/** Where request 0 would be: requests are 1..capacity. */
let table: usize = 0;
/** Request j is holder outbound + j of its packet id (outbound slots come first). */
let capacity: i32 = 0;

export function bytes(requests: i32, filters: i32): usize {
  return <usize>requests * REQUEST_SIZE + <usize>filters * (STAGED_SIZE + 1);
}

/** Lays out `requests` requests and `filters` filters per call at `at` (once, before any). */
export function place(at: usize, requests: i32, filters: i32): void {
  table = at - REQUEST_SIZE;
  capacity = requests;
  staged = at + <usize>requests * REQUEST_SIZE;
  stagedCap = filters;
  codes = staged + <usize>filters * STAGED_SIZE;
}

export function stage(blob: i32, len: u32, qos: i32): bool {
  if (stagedCount >= stagedCap) return false;
  const p = staged + <usize>stagedCount * STAGED_SIZE;
  store<i32>(p, blob);
  store<u16>(p, len, 4);
  store<u8>(p, qos, 6);
  stagedCount++;
  return true;
}

export function stagedFilters(): i32 {
  return stagedCount;
}

/** Forget the staged filters. Their blobs go back to the host without a call: it frees them
 *  when subscribe/unsubscribe/clear_fields returns. */
export function unstage(): void {
  stagedCount = 0;
}

/** Send SUBSCRIBE (type SUBSCRIBE) or UNSUBSCRIBE of the staged filters. False when `capacity`
 *  requests await their acknowledgement. The staged filters are consumed in every case. */
export function request(type: i32, tok: i32): bool {
  let j = 0;
  let r = table;
  do {
    if (++j > capacity) {
      unstage();
      return false;
    }
    r += REQUEST_SIZE;
  } while (load<u16>(r, 6) != 0);
  const sub = type == SUBSCRIBE;
  let rl: u32 = 2;
  for (let i = 0; i < stagedCount; i++) rl += 2 + <u32>load<u16>(staged + <usize>i * STAGED_SIZE, 4) + (sub ? 1 : 0);
  const pid = allocateId(outbound + j);
  store<i32>(r, tok);
  store<u16>(r, pid, 4);
  store<u16>(r, (sub ? SUB : 0) | stagedCount, 6);
  let p = putWord(putHeader(out, (type << 4) | 2, rl), pid);
  for (let i = 0; i < stagedCount; i++) {
    const e = staged + <usize>i * STAGED_SIZE;
    const len = <u32>load<u16>(e, 4);
    // the previous filter's QoS byte and this filter's length go with this filter's bytes
    flushWith(putWord(p, <i32>len), load<i32>(e), 0, len);
    p = out;
    if (sub) p = putByte(p, <i32>load<u8>(e, 6));
  }
  if (p != out) flush(p);
  unstage();
  return true;
}

let token: i32 = 0;
let filters: i32 = 0;

export function settledToken(): i32 {
  return token;
}

/** How many filters the settled request had (a SUBACK must have as many return codes). */
export function settledFilters(): i32 {
  return filters;
}

/** The acknowledgement for `pid` arrived: false if no such request of that type is pending. */
export function settle(type: i32, pid: i32): bool {
  const j = holderOf(pid) - outbound;
  if (<u32>(j - 1) >= <u32>capacity) return false; // not in flight, or a publish's
  const r = table + <usize>j * REQUEST_SIZE;
  const kind = <i32>load<u16>(r, 6);
  if (kind == 0 || <i32>load<u16>(r, 4) != pid || (kind >> 15) != (type == SUBSCRIBE ? 1 : 0)) return false;
  token = load<i32>(r);
  filters = kind & (SUB - 1);
  free(r);
  return true;
}

function free(r: usize): void {
  freeId(<i32>load<u16>(r, 4));
  store<u16>(r, 0, 6);
}

/** The session's requests are forgotten, and their packet ids free again. */
export function clearRequests(): void {
  for (let j = 1; j <= capacity; j++) {
    const r = table + <usize>j * REQUEST_SIZE;
    if (load<u16>(r, 6) != 0) free(r);
  }
}
