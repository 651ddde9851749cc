// Table-driven CRC-32 (the table built in linear memory on first use) and Adler-32.
let tableReady = false;
const TABLE: usize = 0x2000;

function buildTable(): void {
  for (let n: u32 = 0; n < 256; n++) {
    let c = n;
    for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
    store<u32>(TABLE + (n << 2), c);
  }
  tableReady = true;
}

export function fill(ptr: usize, len: u32, seed: u32): void {
  let x = seed | 1;
  for (let i: u32 = 0; i < len; i++) {
    x ^= x << 13; x ^= x >> 17; x ^= x << 5;
    store<u8>(ptr + i, x as u8);
  }
}

export function crc32(ptr: usize, len: u32): u32 {
  if (!tableReady) buildTable();
  let crc: u32 = 0xffffffff;
  for (let i: u32 = 0; i < len; i++) {
    crc = load<u32>(TABLE + (((crc ^ load<u8>(ptr + i)) & 0xff) << 2)) ^ (crc >>> 8);
  }
  return ~crc;
}

export function adler32(ptr: usize, len: u32): u32 {
  let a: u32 = 1, b: u32 = 0;
  for (let i: u32 = 0; i < len; i++) {
    a = (a + load<u8>(ptr + i)) % 65521;
    b = (b + a) % 65521;
  }
  return (b << 16) | a;
}
