// SUBSCRIBE and UNSUBSCRIBE: filters staged by the host (as blobs), sent in one packet, and the
// requests awaiting SUBACK/UNSUBACK.
import { MAX_FILTERS, MAX_PENDING_REQUESTS } from "../limits";
import { SUBSCRIBE } from "../codec/constants";
import { putWord, putByte, putRequest, filterEntrySize } from "../codec/generator";
import { out, flush, flushWith } from "./output";
import { allocatePid, requestIds } from "./outbound";

// blob i32, len u16 (a filter is at most 65535 bytes: checked before staging), qos u8
const STAGED_SIZE: usize = 8;
const staged: usize = memory.data(MAX_FILTERS * <i32>STAGED_SIZE);
let stagedCount: i32 = 0;
// Per pending request, beside its packet id in requestIds: its token, and one byte: bit 7 set for
// SUBSCRIBE (else UNSUBSCRIBE), bits 0-6 the filter count. 7 bytes a request in all.
const tokens: usize = memory.data(MAX_PENDING_REQUESTS * 4);
const kinds: usize = memory.data(MAX_PENDING_REQUESTS);

export function stage(blob: i32, len: u32, qos: i32): bool {
  if (stagedCount >= MAX_FILTERS) return false;
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

function freeSlot(): i32 {
  for (let i = 0; i < MAX_PENDING_REQUESTS; i++) {
    if (load<u16>(requestIds + (<usize>i << 1)) == 0) return i;
  }
  return -1;
}

/** Send SUBSCRIBE (type SUBSCRIBE) or UNSUBSCRIBE of the staged filters. False when too many
 *  requests are awaiting their acknowledgement. The staged filters are consumed in every case. */
export function request(type: i32, tok: i32): bool {
  const slot = freeSlot();
  if (slot < 0) {
    unstage();
    return false;
  }
  const sub = type == SUBSCRIBE;
  let entries: u32 = 0;
  for (let i = 0; i < stagedCount; i++) entries += filterEntrySize(<u32>load<u16>(staged + <usize>i * STAGED_SIZE, 4), sub);
  const pid = allocatePid();
  store<u16>(requestIds + (<usize>slot << 1), <u16>pid);
  store<i32>(tokens + (<usize>slot << 2), tok);
  store<u8>(kinds + <usize>slot, (sub ? 0x80 : 0) | stagedCount);
  let p = putRequest(out, type, pid, entries);
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
  for (let i = 0; i < MAX_PENDING_REQUESTS; i++) {
    const idp = requestIds + (<usize>i << 1);
    const kind = <i32>load<u8>(kinds + <usize>i);
    if (<i32>load<u16>(idp) != pid || (kind >> 7) != (type == SUBSCRIBE ? 1 : 0)) continue;
    store<u16>(idp, 0);
    token = load<i32>(tokens + (<usize>i << 2));
    filters = kind & 0x7f;
    return true;
  }
  return false;
}

export function clearRequests(): void {
  memory.fill(requestIds, 0, MAX_PENDING_REQUESTS * 2);
}
