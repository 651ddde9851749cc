// The session's strings (client id, username, password, will topic and message): host blobs the
// engine holds from field() until the session ends, sent from the host in every CONNECT.
import { hostRelease } from "../imports";
import { SLOTS } from "./state";

const slots: usize = memory.data(SLOTS * 8); // blob handle (-1 = none), length

export function initSlots(): void {
  for (let i = 0; i < SLOTS; i++) store<i32>(slots + <usize>i * 8, -1);
}

export function setSlot(slot: i32, blob: i32, len: u32): void {
  const p = slots + <usize>slot * 8;
  const old = load<i32>(p);
  if (old >= 0) hostRelease(old);
  store<i32>(p, blob);
  store<u32>(p, len, 4);
}

export function slotBlob(slot: i32): i32 {
  return load<i32>(slots + <usize>slot * 8);
}

export function slotLen(slot: i32): u32 {
  return load<u32>(slots + <usize>slot * 8, 4);
}

export function releaseSlots(): void {
  for (let i = 0; i < SLOTS; i++) {
    const p = slots + <usize>i * 8;
    const h = load<i32>(p);
    if (h >= 0) hostRelease(h);
    store<i32>(p, -1);
  }
}
