/* The integer division, modulo and widening-multiply helpers GCC calls on the lx106
 * (which has a 32-bit multiplier but no divider). Debian's libgcc for xtensa-lx106-elf
 * lacks them. Division by zero never reaches these: the interpreter traps first; here it
 * gives an all-ones quotient and the dividend as remainder instead of looping. */
#include <stdint.h>

#include "runtime_helpers.h"

/* Shift-and-subtract: line the divisor up under the dividend's top bit, then one
 * quotient bit per step. */
static uint32_t udivmod32(uint32_t n, uint32_t d, uint32_t *remainder)
{
    if (d == 0) {
        *remainder = n;
        return UINT32_MAX;
    }
    uint32_t quotient = 0;
    int shift = 0;
    while (!(d & 0x80000000u) && (d << 1) <= n) {
        d <<= 1;
        shift++;
    }
    for (; shift >= 0; shift--) {
        quotient <<= 1;
        if (n >= d) {
            n -= d;
            quotient |= 1;
        }
        d >>= 1;
    }
    *remainder = n;
    return quotient;
}

static uint64_t udivmod64(uint64_t n, uint64_t d, uint64_t *remainder)
{
    if ((n >> 32) == 0 && (d >> 32) == 0) {
        uint32_t r32;
        uint64_t q = udivmod32((uint32_t)n, (uint32_t)d, &r32);
        *remainder = r32;
        return (uint32_t)d == 0 ? UINT64_MAX : q;
    }
    if (d == 0) {
        *remainder = n;
        return UINT64_MAX;
    }
    uint64_t quotient = 0;
    int shift = 0;
    while (!(d & 0x8000000000000000ull) && (d << 1) <= n) {
        d <<= 1;
        shift++;
    }
    for (; shift >= 0; shift--) {
        quotient <<= 1;
        if (n >= d) {
            n -= d;
            quotient |= 1;
        }
        d >>= 1;
    }
    *remainder = n;
    return quotient;
}

/* Magnitudes as unsigned, so INT_MIN / -1 wraps to INT_MIN instead of overflowing. */
static uint32_t magnitude32(int32_t v) { return v < 0 ? 0u - (uint32_t)v : (uint32_t)v; }
static uint64_t magnitude64(int64_t v) { return v < 0 ? 0u - (uint64_t)v : (uint64_t)v; }

uint32_t __udivsi3(uint32_t n, uint32_t d)
{
    uint32_t r;
    return udivmod32(n, d, &r);
}

uint32_t __umodsi3(uint32_t n, uint32_t d)
{
    uint32_t r;
    udivmod32(n, d, &r);
    return r;
}

int32_t __divsi3(int32_t n, int32_t d)
{
    uint32_t r;
    uint32_t q = udivmod32(magnitude32(n), magnitude32(d), &r);
    return (int32_t)((n < 0) != (d < 0) ? 0u - q : q);
}

int32_t __modsi3(int32_t n, int32_t d)
{
    uint32_t r;
    udivmod32(magnitude32(n), magnitude32(d), &r);
    return (int32_t)(n < 0 ? 0u - r : r);
}

/* 32x32 -> 64 from four 16x16 products, since the core has no high-half multiply. */
uint64_t __umulsidi3(uint32_t a, uint32_t b)
{
    uint32_t al = a & 0xffff, ah = a >> 16, bl = b & 0xffff, bh = b >> 16;
    uint32_t ll = al * bl, lh = al * bh, hl = ah * bl, hh = ah * bh;
    uint32_t middle = (ll >> 16) + (lh & 0xffff) + (hl & 0xffff);
    uint32_t low = (middle << 16) | (ll & 0xffff);
    uint32_t high = hh + (lh >> 16) + (hl >> 16) + (middle >> 16);
    return ((uint64_t)high << 32) | low;
}

int64_t __muldi3(int64_t a, int64_t b)
{
    uint64_t ua = (uint64_t)a, ub = (uint64_t)b;
    uint32_t alo = (uint32_t)ua, ahi = (uint32_t)(ua >> 32);
    uint32_t blo = (uint32_t)ub, bhi = (uint32_t)(ub >> 32);
    uint64_t product = __umulsidi3(alo, blo);
    uint32_t cross = alo * bhi + ahi * blo;
    return (int64_t)(product + ((uint64_t)cross << 32));
}

uint64_t __udivdi3(uint64_t n, uint64_t d)
{
    uint64_t r;
    return udivmod64(n, d, &r);
}

uint64_t __umoddi3(uint64_t n, uint64_t d)
{
    uint64_t r;
    udivmod64(n, d, &r);
    return r;
}

int64_t __divdi3(int64_t n, int64_t d)
{
    uint64_t r;
    uint64_t q = udivmod64(magnitude64(n), magnitude64(d), &r);
    return (int64_t)((n < 0) != (d < 0) ? 0u - q : q);
}

int64_t __moddi3(int64_t n, int64_t d)
{
    uint64_t r;
    udivmod64(magnitude64(n), magnitude64(d), &r);
    return (int64_t)(n < 0 ? 0u - r : r);
}
