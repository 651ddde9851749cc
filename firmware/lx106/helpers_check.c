/* Prints each runtime helper's result over edge cases and pseudo-random operands, one
 * "name a b result" line each (hex); test/lx106 recomputes every line with BigInt. */
#include <stdint.h>

#include "semihost.h"

#include "runtime_helpers.h"

static char line[96];
static unsigned used;

static void put(const char *text)
{
    while (*text) line[used++] = *text++;
}

static void put_hex(uint64_t value)
{
    put(" ");
    for (int shift = 60; shift >= 0; shift -= 4) {
        line[used++] = "0123456789abcdef"[(value >> shift) & 15];
    }
}

static void emit(const char *name, uint64_t a, uint64_t b, uint64_t result)
{
    used = 0;
    put(name);
    put_hex(a);
    put_hex(b);
    put_hex(result);
    put("\n");
    lx106_write(line, used);
}

static void check32(uint32_t a, uint32_t b)
{
    emit("umulsidi3", a, b, __umulsidi3(a, b));
    if (b == 0) return;
    emit("udivsi3", a, b, __udivsi3(a, b));
    emit("umodsi3", a, b, __umodsi3(a, b));
    emit("divsi3", a, b, (uint32_t)__divsi3((int32_t)a, (int32_t)b));
    emit("modsi3", a, b, (uint32_t)__modsi3((int32_t)a, (int32_t)b));
}

static void check64(uint64_t a, uint64_t b)
{
    emit("muldi3", a, b, (uint64_t)__muldi3((int64_t)a, (int64_t)b));
    if (b == 0) return;
    emit("udivdi3", a, b, __udivdi3(a, b));
    emit("umoddi3", a, b, __umoddi3(a, b));
    emit("divdi3", a, b, (uint64_t)__divdi3((int64_t)a, (int64_t)b));
    emit("moddi3", a, b, (uint64_t)__moddi3((int64_t)a, (int64_t)b));
}

static const uint32_t edges32[] = {
    0, 1, 2, 3, 7, 10, 0xffff, 0x10000, 0x7fffffff, 0x80000000, 0x80000001,
    0xfffffffe, 0xffffffff, 0xfffffff9, 0xdeadbeef, 0x12345678,
};

static const uint64_t edges64[] = {
    0, 1, 2, 3, 10, 0xffffffffull, 0x100000000ull, 0x100000001ull, 0x7fffffffffffffffull,
    0x8000000000000000ull, 0x8000000000000001ull, 0xffffffffffffffffull, 0xfffffffffffffffdull,
    0xffffffff00000000ull, 0x123456789abcdef0ull, 0x00000000deadbeefull,
};

static uint64_t state = 0x9e3779b97f4a7c15ull;
static uint64_t next_random(void)
{
    state ^= state << 13;
    state ^= state >> 7;
    state ^= state << 17;
    /* Vary magnitudes so short and long divisions both get exercised. */
    return state >> (state & 63);
}

int main(void)
{
    unsigned n32 = sizeof edges32 / sizeof edges32[0], n64 = sizeof edges64 / sizeof edges64[0];
    for (unsigned i = 0; i < n32; i++)
        for (unsigned j = 0; j < n32; j++) check32(edges32[i], edges32[j]);
    for (unsigned i = 0; i < n64; i++)
        for (unsigned j = 0; j < n64; j++) check64(edges64[i], edges64[j]);
    for (int i = 0; i < 300; i++) {
        uint64_t a = next_random(), b = next_random();
        check32((uint32_t)a, (uint32_t)b);
        check64(a, b);
    }
    lx106_write("done\n", 5);
    return 0;
}
