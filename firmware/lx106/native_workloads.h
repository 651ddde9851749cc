/* The benchmark workloads written in C, compiled for the same core as the interpreter:
 * the "native" side of the instruction ratios. workloads/bench.ts is the same code in
 * AssemblyScript. */
#ifndef WASMQTT_LX106_NATIVE_WORKLOADS_H
#define WASMQTT_LX106_NATIVE_WORKLOADS_H

#include <stdint.h>

void native_fill(uint8_t *bytes, uint32_t length, uint32_t seed);
uint32_t native_crc32(const uint8_t *bytes, uint32_t length);
int32_t native_fib(int32_t n);
uint32_t native_varint_sum(const uint8_t *bytes, uint32_t length);

#endif
