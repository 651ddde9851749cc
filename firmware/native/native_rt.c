/* The native engine's runtime: see native_rt.h. */
#include "native_rt.h"

#include <string.h>

#include "engine_native.h"
#include "native_access.h"
#include "wasm_vm.h"

jmp_buf *native_rt_target;

static uint8_t *given_memory;
static uint32_t given_size;

void native_rt_give_memory(uint8_t *data, uint32_t size)
{
  given_memory = data;
  given_size = size;
}

/* Only the given block, zeroed, of the size the generated checks assume; never a 64 KiB page. */
void wasm_rt_allocate_memory(wasm_rt_memory_t *mem, uint32_t initial_pages, uint32_t max_pages)
{
  (void)initial_pages, (void)max_pages;
  /* 4-aligned: native_access.h's fast path judges alignment by the address alone */
  if (!given_memory || given_size != W2C_MEMORY_BYTES || ((uintptr_t)given_memory & 3u)) native_rt_trap(WASM_ERR_ARENA);
  memset(given_memory, 0, given_size);
  mem->data = given_memory;
  mem->size = given_size;
  mem->pages = mem->max_pages = 1;
  given_memory = NULL;
}

uint32_t wasm_rt_grow_memory(wasm_rt_memory_t *mem, uint32_t pages)
{
  (void)mem, (void)pages;
  return UINT32_MAX; /* refused, as the interpreter refuses past its memory limit */
}

void wasm_rt_free_memory(wasm_rt_memory_t *mem)
{
  (void)mem; /* part of the engine's allocation */
}

/* Type ids matter only to call_indirect, which the rewrite refuses (tools/firmware/native.ts). */
uint32_t wasm_rt_register_func_type(uint32_t params, uint32_t results, ...)
{
  (void)params, (void)results;
  return 0;
}

void native_rt_trap(int code)
{
  if (!native_rt_target) __builtin_trap(); /* never: every entry into the generated code sets one */
  longjmp(*native_rt_target, code);
}

void w32_out_of_bounds(void)
{
  native_rt_trap(WASM_TRAP_OUT_OF_BOUNDS);
}

/* Out of range (trap) or unaligned (byte by byte, little-endian as wasm): native_access.h. */
u32 w32_load_slow(const wasm_rt_memory_t *mem, u32 addr, u32 offset, u32 size)
{
  if (!W32_FITS(addr, offset, size)) w32_out_of_bounds();
  const u8 *p = mem->data + addr + offset;
  u32 value = 0;
  for (u32 i = size; i-- > 0;) value = value << 8 | p[i];
  return value;
}

void w32_store_slow(wasm_rt_memory_t *mem, u32 addr, u32 offset, u32 size, u32 value)
{
  if (!W32_FITS(addr, offset, size)) w32_out_of_bounds();
  u8 *p = mem->data + addr + offset;
  for (u32 i = 0; i < size; i++, value >>= 8) p[i] = (u8)value;
}

void wasm_rt_trap(wasm_rt_trap_t trap)
{
  static const uint8_t as_interpreter[] = {
    [WASM_RT_TRAP_OOB] = WASM_TRAP_OUT_OF_BOUNDS,
    [WASM_RT_TRAP_INT_OVERFLOW] = WASM_TRAP_INT_OVERFLOW,
    [WASM_RT_TRAP_DIV_BY_ZERO] = WASM_TRAP_DIV_BY_ZERO,
    [WASM_RT_TRAP_INVALID_CONVERSION] = WASM_TRAP_INVALID_CONVERSION,
    [WASM_RT_TRAP_UNREACHABLE] = WASM_TRAP_UNREACHABLE,
    [WASM_RT_TRAP_CALL_INDIRECT] = WASM_TRAP_INDIRECT_MISMATCH,
    [WASM_RT_TRAP_EXHAUSTION] = WASM_TRAP_STACK_EXHAUSTED,
  };
  native_rt_trap(trap < sizeof as_interpreter && as_interpreter[trap] ? as_interpreter[trap] : WASM_TRAP_HOST);
}
