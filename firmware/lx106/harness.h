/* The interpreter harness run on the lx106 (QEMU) and on the host with the same code:
 * benchmarks against the native workloads, then a script (the built-in one, or one
 * given at run time). */
#ifndef WASMQTT_LX106_HARNESS_H
#define WASMQTT_LX106_HARNESS_H

#include <stddef.h>
#include <stdint.h>

/* Runs `script` (a blob in script.h's format) alone when given, otherwise the benchmarks and
 * the built-in script. Returns the process exit status. */
int harness_main(const uint8_t *script, size_t script_length);

#endif
