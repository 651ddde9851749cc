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

/* A script loaded by QEMU's loader device at this flash address (see build.mk / the tests)
 * replaces the built-in one: new modules run on the lx106 without relinking. QEMU's memory
 * starts zeroed, so without a load there is no magic here. */
#define EXTERNAL_SCRIPT_ADDRESS 0x40280000u
#define EXTERNAL_SCRIPT_LIMIT (0x40300000u - EXTERNAL_SCRIPT_ADDRESS)

#include "harness.h"

int main(void)
{
    const uint8_t *external = (const uint8_t *)EXTERNAL_SCRIPT_ADDRESS;
    if (*(const uint32_t *)external == 0x31435357u) { /* "WSC1" */
        return harness_main(external, EXTERNAL_SCRIPT_LIMIT);
    }
    return harness_main(0, 0);
}
