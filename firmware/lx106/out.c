#include "out.h"

static char buffer[256];
static size_t used;

void out_flush(void)
{
    if (used) {
        platform_write(buffer, used);
        used = 0;
    }
}

void out_bytes(const char *bytes, size_t length)
{
    for (size_t i = 0; i < length; i++) {
        if (used == sizeof buffer) {
            out_flush();
        }
        buffer[used++] = bytes[i];
    }
}

void out_str(const char *text)
{
    size_t n = 0;
    while (text[n]) n++;
    out_bytes(text, n);
}

void out_u64(uint64_t value)
{
    char digits[20];
    size_t n = 0;
    do {
        digits[n++] = (char)('0' + value % 10);
        value /= 10;
    } while (value);
    while (n) {
        out_bytes(&digits[--n], 1);
    }
}

void out_i64(int64_t value)
{
    if (value < 0) {
        out_str("-");
        out_u64(0u - (uint64_t)value);
    } else {
        out_u64((uint64_t)value);
    }
}

void out_hex(uint64_t value)
{
    char text[18] = "0x";
    size_t n = 2;
    int shift = 60;
    while (shift > 0 && ((value >> shift) & 15) == 0) shift -= 4;
    for (; shift >= 0; shift -= 4) {
        text[n++] = "0123456789abcdef"[(value >> shift) & 15];
    }
    out_bytes(text, n);
}
