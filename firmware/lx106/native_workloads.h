/* The benchmark workloads written in C, compiled for the same core as the interpreter:
 * the "native" side of the instruction ratios. workloads/bench.ts is the same code in
 * AssemblyScript. */
#ifndef WASMQTT_LX106_NATIVE_WORKLOADS_H
#define WASMQTT_LX106_NATIVE_WORKLOADS_H

#include <stdint.h>

/* Where the workloads' bytes lie in linear memory and how many: the interpreter harness and the
 * AOT bench give every version the same work. */
enum {
    CRC_AT = 1024, CRC_LENGTH = 1024,
    VARINT_AT = 4096, VARINT_LENGTH = 64,
    FIB_N = 20,
};

void native_fill(uint8_t *bytes, uint32_t length, uint32_t seed);
uint32_t native_crc32(const uint8_t *bytes, uint32_t length);
int32_t native_fib(int32_t n);
uint32_t native_varint_sum(const uint8_t *bytes, uint32_t length);

#endif
