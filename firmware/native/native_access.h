/* The memory accesses of the rewritten wasm2c output (tools/firmware/native.ts writes calls to
 * them): a 32-bit address and a constant offset, checked against the fixed size of the engine's
 * linear memory (W2C_MEMORY_BYTES, its high-water mark, from the generated header) before the
 * access, where wasm2c's own accessors add in 64 bits and compare with mem->size.
 * The lx106 faults on unaligned 16/32-bit accesses, so a C compiler for it turns wasm2c's memcpy
 * into byte loads and shifts (about 20 B of code per access). Here an access in range and
 * aligned is one load or store; an unaligned one (legal in wasm) or one out of range goes to
 * w32_load_slow / w32_store_slow (native_rt.c), which trap out of bounds. The memory itself is
 * 4-aligned (native_rt.c checks), so alignment is that of addr + offset.
 * Loads are inlined (offset and size fold into one compare with a constant); stores, three
 * quarters of the engine's accesses and rarer per publish, are one out-of-line function per
 * kind: measured on the lx106 session, all inlined cost 35.5 KB of flash (byte-wise) and
 * all out of line 5,450 instructions per publish; this split 20.8 KB and 4,280. */
#ifndef NATIVE_ACCESS_H
#define NATIVE_ACCESS_H

WASM_RT_NO_RETURN __attribute__((cold)) void w32_out_of_bounds(void);
__attribute__((cold)) u32 w32_load_slow(const wasm_rt_memory_t *mem, u32 addr, u32 offset, u32 size);
__attribute__((cold)) void w32_store_slow(wasm_rt_memory_t *mem, u32 addr, u32 offset, u32 size, u32 value);

/* addr + offset + size <= W2C_MEMORY_BYTES without overflow (offset is a constant) */
#define W32_FITS(addr, offset, size)                                                               \
  ((uint64_t)(offset) + (size) <= W2C_MEMORY_BYTES && (addr) <= W2C_MEMORY_BYTES - (uint32_t)(offset) - (size))
/* in range and naturally aligned: the fast path */
#define W32_PLAIN(addr, offset, size) (W32_FITS(addr, offset, size) && (((addr) + (offset)) & ((size) - 1)) == 0)

typedef u16 __attribute__((may_alias)) w32_u16;
typedef u32 __attribute__((may_alias)) w32_u32;

/* 1, 2 and 4 bytes (loads inlined, stores out of line: see above): t1 the stored type, t2 its
 * extension, t3 the result; `word` the may_alias type of its size. */
#define W32_LOAD(name, t1, t2, t3, word)                                                           \
  static inline __attribute__((always_inline)) t3 w32_##name(wasm_rt_memory_t *mem, u32 addr,      \
                                                              u32 offset)                          \
  {                                                                                                \
    if (UNLIKELY(!W32_PLAIN(addr, offset, sizeof(t1))))                                            \
      return (t3)(t2)(t1)w32_load_slow(mem, addr, offset, sizeof(t1));                             \
    return (t3)(t2)(t1) * (const word *)(const void *)(mem->data + addr + offset);                 \
  }

#define W32_STORE(name, t1, t2, word)                                                              \
  static __attribute__((noinline, unused)) void w32_##name(wasm_rt_memory_t *mem, u32 addr,        \
                                                                u32 offset, t2 value)              \
  {                                                                                                \
    if (UNLIKELY(!W32_PLAIN(addr, offset, sizeof(t1))))                                            \
      w32_store_slow(mem, addr, offset, sizeof(t1), (u32)(t1)value);                               \
    else                                                                                           \
      *(word *)(void *)(mem->data + addr + offset) = (t1)value;                                    \
  }

/* 8 bytes (the engine has no i64; kept whole for other modules): checked, then copied. */
#define W32_LOAD64(name, t1, t2, t3)                                                               \
  static inline __attribute__((always_inline)) t3 w32_##name(wasm_rt_memory_t *mem, u32 addr,      \
                                                              u32 offset)                          \
  {                                                                                                \
    if (UNLIKELY(!W32_FITS(addr, offset, sizeof(t1)))) w32_out_of_bounds();                        \
    t1 result;                                                                                     \
    wasm_rt_memcpy(&result, mem->data + addr + offset, sizeof(t1));                                \
    return (t3)(t2)result;                                                                         \
  }

#define W32_STORE64(name, t1, t2)                                                                  \
  static __attribute__((noinline, unused)) void w32_##name(wasm_rt_memory_t *mem, u32 addr,        \
                                                                u32 offset, t2 value)              \
  {                                                                                                \
    if (UNLIKELY(!W32_FITS(addr, offset, sizeof(t1)))) w32_out_of_bounds();                        \
    t1 wrapped = (t1)value;                                                                        \
    wasm_rt_memcpy(mem->data + addr + offset, &wrapped, sizeof(t1));                               \
  }

W32_LOAD(i32_load, u32, u32, u32, w32_u32)
W32_LOAD(i32_load8_s, s8, s32, u32, u8)
W32_LOAD(i32_load8_u, u8, u32, u32, u8)
W32_LOAD(i32_load16_s, s16, s32, u32, w32_u16)
W32_LOAD(i32_load16_u, u16, u32, u32, w32_u16)
W32_LOAD(i64_load8_s, s8, s64, u64, u8)
W32_LOAD(i64_load8_u, u8, u64, u64, u8)
W32_LOAD(i64_load16_s, s16, s64, u64, w32_u16)
W32_LOAD(i64_load16_u, u16, u64, u64, w32_u16)
W32_LOAD(i64_load32_s, s32, s64, u64, w32_u32)
W32_LOAD(i64_load32_u, u32, u64, u64, w32_u32)
W32_LOAD64(i64_load, u64, u64, u64)
W32_STORE(i32_store, u32, u32, w32_u32)
W32_STORE(i32_store8, u8, u32, u8)
W32_STORE(i32_store16, u16, u32, w32_u16)
W32_STORE(i64_store8, u8, u64, u8)
W32_STORE(i64_store16, u16, u64, w32_u16)
W32_STORE(i64_store32, u32, u64, w32_u32)
W32_STORE64(i64_store, u64, u64)

#endif
