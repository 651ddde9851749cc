// 64-bit arithmetic: multiply-high by parts, division and remainder of both signs, shifts,
// rotations, bit counts, and a modular exponentiation.
export function mulHigh(a: u64, b: u64): u64 {
  const a0 = a & 0xffffffff, a1 = a >> 32, b0 = b & 0xffffffff, b1 = b >> 32;
  const p00 = a0 * b0, p01 = a0 * b1, p10 = a1 * b0, p11 = a1 * b1;
  const middle = (p00 >> 32) + (p01 & 0xffffffff) + (p10 & 0xffffffff);
  return p11 + (p01 >> 32) + (p10 >> 32) + (middle >> 32);
}

export function divMix(a: i64, b: i64): i64 {
  if (b == 0) return 0;
  const q = a / b, r = a % b;
  const uq = (a as u64) / (b as u64), ur = (a as u64) % (b as u64);
  return q ^ (r << 1) ^ ((uq as i64) << 2) ^ ((ur as i64) << 3);
}

export function bits(x: u64): u64 {
  return (clz(x) << 48) | (ctz(x) << 32) | (popcnt(x) << 16) | (rotl(x, 13) & 0xffff) ^ rotr(x, 7);
}

export function powMod(base: u64, exponent: u64, modulus: u32): u64 {
  const m = modulus as u64;
  if (m == 0) return 0;
  let result: u64 = 1 % m, b = base % m, e = exponent;
  while (e != 0) {
    if (e & 1) result = (result * b) % m;
    b = (b * b) % m;
    e >>= 1;
  }
  return result;
}

export function shifts(x: i64, n: i32): i64 {
  return (x << (n as i64)) ^ (x >> (n as i64)) ^ (((x as u64) >> (n as u64)) as i64);
}

export function narrow(x: i64): i32 {
  return (x as i32) + ((x >> 32) as i32) + (<i32>(x as i8)) + (<i32>(x as i16));
}

export function trapDiv(a: i64, b: i64): i64 {
  return a / b;
}
