/* The few wasm2c runtime functions the AOT bench module needs (wabt 1.0.32's API), for the
 * lx106: linear memory is one static block only as large as the workloads use (never a 64 KiB
 * page), every access is checked against it by the generated code, memory.grow is refused, and a
 * trap ends the program with its reason (a benchmark has nothing to recover). */
#include "wasm-rt.h"

#include "native_workloads.h"
#include "out.h"
#include "semihost.h"

static uint8_t memory_block[VARINT_AT + VARINT_LENGTH] __attribute__((aligned(8)));

bool wasm_rt_is_initialized(void)
{
    return true;
}

void wasm_rt_allocate_memory(wasm_rt_memory_t *memory, uint32_t initial_pages, uint32_t max_pages)
{
    (void)initial_pages;
    (void)max_pages;
    memory->data = memory_block;
    memory->size = sizeof memory_block;
    memory->pages = memory->max_pages = 1;
}

uint32_t wasm_rt_grow_memory(wasm_rt_memory_t *memory, uint32_t pages)
{
    (void)memory;
    (void)pages;
    return UINT32_MAX;
}

void wasm_rt_free_memory(wasm_rt_memory_t *memory)
{
    (void)memory;
}

/* Type ids matter only to call_indirect, which the bench module does not use. */
uint32_t wasm_rt_register_func_type(uint32_t params, uint32_t results, ...)
{
    (void)params;
    (void)results;
    return 0;
}

void wasm_rt_trap(wasm_rt_trap_t trap)
{
    out_str("aot trap ");
    out_u64((uint64_t)trap);
    out_str("\n");
    out_flush();
    lx106_exit(2);
}
