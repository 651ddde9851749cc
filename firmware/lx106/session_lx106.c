/* The session program on the lx106 under QEMU: the script blob is placed in flash at
 * SCRIPT_ADDRESS by QEMU's loader device; output and exit through semihosting; the heap is a
 * static area handed to picolibc's malloc through sbrk. The markers and the stack paint are
 * platform_lx106.c's. */
#include <stddef.h>
#include <stdint.h>

#include "session.h"

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
