/* What the harness needs from where it runs: the lx106 under QEMU or the host. */
#ifndef WASMQTT_LX106_PLATFORM_H
#define WASMQTT_LX106_PLATFORM_H

#include <stddef.h>

/* Instruction-count markers: the QEMU plugin counts from entering bench_begin to entering
 * bench_end. No-ops on the host. */
void bench_begin(void);
void bench_end(void);

/* Painted-stack measurement: paint the free C stack, run something, then ask how deep it
 * reached (bytes below the point of painting). Returns 0 where it cannot be measured. */
void stack_paint(void);
size_t stack_peak(void);

/* "lx106" or "host": printed only on lines the comparison ignores. */
extern const char platform_name[];

#endif
