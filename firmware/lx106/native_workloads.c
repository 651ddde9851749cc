#include "native_workloads.h"

/* xorshift32: the same bytes as bench.ts's fill(). */
void native_fill(uint8_t *bytes, uint32_t length, uint32_t seed)
{
    uint32_t x = seed;
    for (uint32_t i = 0; i < length; i++) {
        x ^= x << 13;
        x ^= x >> 17;
        x ^= x << 5;
        bytes[i] = (uint8_t)x;
    }
}

/* Bitwise CRC-32 (IEEE, reflected), no table. */
uint32_t native_crc32(const uint8_t *bytes, uint32_t length)
{
    uint32_t crc = 0xFFFFFFFFu;
    for (uint32_t i = 0; i < length; i++) {
        crc ^= bytes[i];
        for (int k = 0; k < 8; k++) {
            crc = (crc >> 1) ^ (0xEDB88320u & (0u - (crc & 1)));
        }
    }
    return ~crc;
}

int32_t native_fib(int32_t n)
{
    return n < 2 ? n : native_fib(n - 1) + native_fib(n - 2);
}

/* LEB128 varints back to back; the shift wraps at 32 like wasm's i32.shl. */
uint32_t native_varint_sum(const uint8_t *bytes, uint32_t length)
{
    uint32_t sum = 0, value = 0, shift = 0;
    for (uint32_t i = 0; i < length; i++) {
        uint32_t byte = bytes[i];
        value |= (byte & 0x7f) << (shift & 31);
        if (byte & 0x80) {
            shift += 7;
        } else {
            sum += value;
            value = 0;
            shift = 0;
        }
    }
    return sum + value;
}
