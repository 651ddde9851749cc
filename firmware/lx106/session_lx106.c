/* The session program on the lx106 under QEMU: the script blob is placed in flash at
 * SCRIPT_ADDRESS by QEMU's loader device; output and exit through semihosting; the heap is a
 * static area handed to picolibc's malloc through sbrk. The markers and the stack paint are
 * platform_lx106.c's (that file carries the harness's main, so they are repeated here). */
#include <stddef.h>
#include <stdint.h>

#include "out.h"
#include "platform.h"
#include "semihost.h"
#include "session.h"

const char platform_name[] = "lx106";

void platform_write(const char *bytes, size_t length)
{
    lx106_write(bytes, length);
}

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
    return painted_from + RED_ZONE - (uintptr_t)word;
}

/* picolibc's malloc grows through sbrk: a static area of DRAM. */
static uint64_t heap_area[40 * 1024 / 8];
static size_t heap_used;

void *sbrk(ptrdiff_t increment);
void *sbrk(ptrdiff_t increment)
{
    if (increment < 0 || (size_t)increment > sizeof heap_area - heap_used) {
        return (void *)-1;
    }
    void *block = (uint8_t *)heap_area + heap_used;
    heap_used += (size_t)increment;
    return block;
}

#define SCRIPT_ADDRESS 0x40280000u
#define SCRIPT_LIMIT (0x40300000u - SCRIPT_ADDRESS)

int main(void)
{
    return session_main((const uint8_t *)SCRIPT_ADDRESS, SCRIPT_LIMIT);
}
