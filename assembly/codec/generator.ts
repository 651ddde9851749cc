// Building blocks of the generator: fixed headers and big-endian fields written into a scratch
// buffer. Strings and payloads never pass through here: the client sends them from host blobs.
import { PUBREL } from "./constants";

/** Bytes the remaining length takes (1..4). */
export function lengthSize(rl: u32): i32 {
  return rl < 128 ? 1 : rl < 16384 ? 2 : rl < 2097152 ? 3 : 4;
}

/** Fixed header: first byte and remaining length; returns the write position after it. */
export function putHeader(p: usize, first: i32, rl: u32): usize {
  store<u8>(p++, first);
  do {
    let b = rl & 127;
    rl >>= 7;
    if (rl != 0) b |= 128;
    store<u8>(p++, b);
  } while (rl != 0);
  return p;
}

export function putWord(p: usize, v: i32): usize {
  store<u8>(p, v >> 8);
  store<u8>(p + 1, v);
  return p + 2;
}

export function putByte(p: usize, v: i32): usize {
  store<u8>(p, v);
  return p + 1;
}

/** PUBACK, PUBREC, PUBREL, PUBCOMP, UNSUBACK: fixed header (PUBREL's reserved flags are 0010)
 *  and packet id. */
export function putAck(p: usize, type: i32, pid: i32): usize {
  return putWord(putHeader(p, (type << 4) | (type == PUBREL ? 2 : 0), 2), pid);
}

/** PINGREQ, PINGRESP, DISCONNECT: a fixed header alone. */
export function putEmpty(p: usize, type: i32): usize {
  return putHeader(p, type << 4, 0);
}
