// The fixed workload set: which exports of which module get called with what. Each call
// runs in Node, in the host build and on the lx106 under QEMU; their outputs must agree.
// Addresses 1024.. are scratch buffers in linear memory.
const i32 = (v) => ["i32", BigInt.asUintN(32, BigInt(v))];
const i64 = (v) => ["i64", BigInt.asUintN(64, BigInt(v))];

export default {
  "bench.wasm": [
    ["fill", i32(1024), i32(1024), i32(0x1234567)],
    ["crc32", i32(1024), i32(1024)],
    ["crc32", i32(1024), i32(0)],
    ["fib", i32(0)],
    ["fib", i32(1)],
    ["fib", i32(20)],
    ["fill", i32(4096), i32(64), i32(99)],
    ["varint_sum", i32(4096), i32(64)],
    ["crc32", i32(0xfffc), i32(8)], // runs past the end of memory: a trap, not a crash
  ],
  "mixed.wasm": [
    ["indirect", i32(0), i32(21)],
    ["indirect", i32(1), i32(-12)],
    ["indirect", i32(2), i32(5)],
    ["indirect", i32(3), i32(5)],
    ["indirect", i32(4), i32(5)],
    ["classify", i32(0)], ["classify", i32(1)], ["classify", i32(2)], ["classify", i32(3)],
    ["classify", i32(-1)],
    ["i64_mix", i64(0x123456789abcdefn), i64(37)],
    ["i64_mix", i64(-1), i64(-1)],
    ["i64_mix", i64(0), i64(0)],
    ["i64_div_s", i64(-(2n ** 63n)), i64(-1)],
    ["i64_div_s", i64(-(2n ** 63n)), i64(3)],
    ["i64_div_s", i64(7), i64(0)],
    ["i64_rem_s", i64(-(2n ** 63n)), i64(-1)],
    ["i64_rem_s", i64(-1000000000007n), i64(97)],
    ["i32_div_s", i32(-(2 ** 31)), i32(-1)],
    ["i32_div_s", i32(-7), i32(2)],
    ["i32_rem_u", i32(-7), i32(10)],
    ["i32_rem_u", i32(1), i32(0)],
    ["loads"],
    ["bulk", i32(40)],
    ["grow", i32(0)],
    ["out_of_bounds", i32(-4)],
    ["out_of_bounds", i32(65533)],
    ["count"], ["count"],
    ["deep", i32(30)],
    ["deep", i32(100000)],
    ["select_sign_extend", i32(0xff81)],
    ["select_sign_extend", i32(0xff80)],
    ["unreachable"],
  ],
};
