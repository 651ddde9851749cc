/* The memory accesses of the rewritten wasm2c output (host/firmware/native.ts writes calls to
 * them): a 32-bit address and a constant offset, checked against the fixed size of the engine's
 * linear memory (W2C_MEMORY_BYTES, its high-water mark, from the generated header) before the
 * access. Always inlined: offset and size fold with the size into one compare with a constant,
 * where wasm2c's own accessors add in 64 bits and compare with mem->size. Out of range calls
 * w32_out_of_bounds (one argument-free call per site: smaller than wasm_rt_trap(code)). */
#ifndef NATIVE_ACCESS_H
#define NATIVE_ACCESS_H

WASM_RT_NO_RETURN __attribute__((cold)) void w32_out_of_bounds(void);

/* addr + offset + size <= W2C_MEMORY_BYTES without overflow (offset is a constant) */
#define W32_FITS(addr, offset, size) \
  ((uint64_t)(offset) + (size) <= W2C_MEMORY_BYTES && (addr) <= W2C_MEMORY_BYTES - (uint32_t)(offset) - (size))

#define W32_LOAD(name, t1, t2, t3)                                                                \
  static inline __attribute__((always_inline)) t3 w32_##name(wasm_rt_memory_t *mem, u32 addr,     \
                                                              u32 offset)                         \
  {                                                                                               \
    if (UNLIKELY(!W32_FITS(addr, offset, sizeof(t1)))) w32_out_of_bounds();                       \
    t1 result;                                                                                    \
    wasm_rt_memcpy(&result, mem->data + addr + offset, sizeof(t1));                               \
    return (t3)(t2)result;                                                                        \
  }

#define W32_STORE(name, t1, t2)                                                                   \
  static inline __attribute__((always_inline)) void w32_##name(wasm_rt_memory_t *mem, u32 addr,   \
                                                                u32 offset, t2 value)             \
  {                                                                                               \
    if (UNLIKELY(!W32_FITS(addr, offset, sizeof(t1)))) w32_out_of_bounds();                       \
    t1 wrapped = (t1)value;                                                                       \
    wasm_rt_memcpy(mem->data + addr + offset, &wrapped, sizeof(t1));                              \
  }

W32_LOAD(i32_load, u32, u32, u32)
W32_LOAD(i32_load8_s, s8, s32, u32)
W32_LOAD(i32_load8_u, u8, u32, u32)
W32_LOAD(i32_load16_s, s16, s32, u32)
W32_LOAD(i32_load16_u, u16, u32, u32)
W32_LOAD(i64_load, u64, u64, u64)
W32_LOAD(i64_load8_s, s8, s64, u64)
W32_LOAD(i64_load8_u, u8, u64, u64)
W32_LOAD(i64_load16_s, s16, s64, u64)
W32_LOAD(i64_load16_u, u16, u64, u64)
W32_LOAD(i64_load32_s, s32, s64, u64)
W32_LOAD(i64_load32_u, u32, u64, u64)
W32_STORE(i32_store, u32, u32)
W32_STORE(i32_store8, u8, u32)
W32_STORE(i32_store16, u16, u32)
W32_STORE(i64_store, u64, u64)
W32_STORE(i64_store8, u8, u64)
W32_STORE(i64_store16, u16, u64)
W32_STORE(i64_store32, u32, u64)

#endif
