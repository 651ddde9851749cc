// LEB128 encode/decode round trips and MQTT-style remaining-length varints.
export function encodeUleb(ptr: usize, value: u64): u32 {
  let n: u32 = 0;
  do {
    let byte = (value & 0x7f) as u8;
    value >>= 7;
    if (value != 0) byte |= 0x80;
    store<u8>(ptr + n++, byte);
  } while (value != 0);
  return n;
}

export function decodeUleb(ptr: usize, len: u32): u64 {
  let result: u64 = 0;
  for (let i: u32 = 0; i < len && i < 10; i++) {
    const byte = load<u8>(ptr + i) as u64;
    result |= (byte & 0x7f) << ((7 * i) as u64);
    if (!(byte & 0x80)) break;
  }
  return result;
}

export function encodeSleb(ptr: usize, value: i64): u32 {
  let n: u32 = 0;
  while (true) {
    const byte = (value & 0x7f) as u8;
    value >>= 7;
    const done = (value == 0 && !(byte & 0x40)) || (value == -1 && (byte & 0x40));
    store<u8>(ptr + n++, done ? byte : byte | 0x80);
    if (done) return n;
  }
}

export function roundTrips(ptr: usize, seed: u64, count: u32): u64 {
  let x = seed | 1, sum: u64 = 0;
  for (let i: u32 = 0; i < count; i++) {
    x ^= x << 13; x ^= x >> 7; x ^= x << 17;
    const v = x >> ((x & 63) as u64);
    const n = encodeUleb(ptr, v);
    sum += decodeUleb(ptr, n) ^ (n as u64);
  }
  return sum;
}

// MQTT remaining length: at most 4 bytes; returns -1 when malformed.
export function mqttLength(ptr: usize, len: u32): i32 {
  let value: i32 = 0, multiplier: i32 = 1;
  for (let i: u32 = 0; i < 4; i++) {
    if (i >= len) return -1;
    const byte = load<u8>(ptr + i) as i32;
    value += (byte & 0x7f) * multiplier;
    if (!(byte & 0x80)) return value;
    multiplier *= 128;
  }
  return -1;
}

export function poke(ptr: usize, value: u32): void {
  store<u32>(ptr, value);
}
