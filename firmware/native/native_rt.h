/* The native engine's runtime (native_rt.c): what wasm2c's output needs from wasm-rt.h, for the
 * chip — linear memory handed out from the engine's one allocation, memory.grow refused, traps
 * unwound with longjmp to the export call that is running and reported as the interpreter's
 * wasm_result codes (firmware/vm/wasm_vm.h). No signals, no mmap, no allocation. */
#ifndef NATIVE_RT_H
#define NATIVE_RT_H

#include <setjmp.h>
#include <stdint.h>

/* Where a trap unwinds to: set around every call into the generated code (NULL outside). */
extern jmp_buf *native_rt_target;

/* The block the next wasm_rt_allocate_memory (an instantiation) backs the memory with. */
void native_rt_give_memory(uint8_t *data, uint32_t size);

/* Unwinds to native_rt_target with `code` (a wasm_result trap). */
__attribute__((noreturn)) void native_rt_trap(int code);

#endif
