#include <stdint.h>

#include "out.h"
#include "platform.h"
#include "semihost.h"

const char platform_name[] = "lx106";

void platform_write(const char *bytes, size_t length)
{
    lx106_write(bytes, length);
}

/* Kept out of line with an empty body so each is one distinct instruction address. */
__attribute__((noinline)) void bench_begin(void) { __asm__ volatile(""); }
__attribute__((noinline)) void bench_end(void) { __asm__ volatile(""); }

enum { PAINT = 0xA5A5A5A5u, RED_ZONE = 64 };

extern uint32_t __stack_bottom[];
static uintptr_t painted_from;

static uintptr_t current_sp(void)
{
    uintptr_t sp;
    __asm__ volatile("mov %0, a1" : "=r"(sp));
    return sp;
}

void stack_paint(void)
{
    painted_from = current_sp() - RED_ZONE;
    for (volatile uint32_t *word = __stack_bottom; (uintptr_t)word < painted_from; word++) {
        *word = PAINT;
    }
}

size_t stack_peak(void)
{
    const volatile uint32_t *word = __stack_bottom;
    while ((uintptr_t)word < painted_from && *word == PAINT) {
        word++;
    }
    /* Depth below the caller's stack pointer, counting the red zone the paint skipped. */
    return painted_from + RED_ZONE - (uintptr_t)word;
}
