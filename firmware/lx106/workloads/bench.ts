// The benchmark workloads in AssemblyScript: the same algorithms as native_workloads.c,
// so instruction counts compare the interpreter with compiled C on the same work.
// Buffers are raw linear-memory addresses chosen by the caller.

export function fill(ptr: usize, len: u32, seed: u32): void {
  let x = seed;
  for (let i: u32 = 0; i < len; i++) {
    x ^= x << 13;
    x ^= x >> 17;
    x ^= x << 5;
    store<u8>(ptr + i, x as u8);
  }
}

export function crc32(ptr: usize, len: u32): u32 {
  let crc: u32 = 0xffffffff;
  for (let i: u32 = 0; i < len; i++) {
    crc ^= load<u8>(ptr + i);
    for (let k = 0; k < 8; k++) {
      crc = (crc >> 1) ^ (0xedb88320 & (0 - (crc & 1)));
    }
  }
  return ~crc;
}

export function fib(n: i32): i32 {
  return n < 2 ? n : fib(n - 1) + fib(n - 2);
}

export function varint_sum(ptr: usize, len: u32): u32 {
  let sum: u32 = 0, value: u32 = 0, shift: u32 = 0;
  for (let i: u32 = 0; i < len; i++) {
    const byte = load<u8>(ptr + i) as u32;
    value |= (byte & 0x7f) << shift;
    if (byte & 0x80) {
      shift += 7;
    } else {
      sum += value;
      value = 0;
      shift = 0;
    }
  }
  return sum + value;
}
