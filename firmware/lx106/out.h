/* Line output shared by the lx106 and host builds of the harnesses: a small buffer in
 * front of one platform write (simcall on the lx106, stdout on the host). */
#ifndef WASMQTT_LX106_OUT_H
#define WASMQTT_LX106_OUT_H

#include <stddef.h>
#include <stdint.h>

void out_str(const char *text);
void out_bytes(const char *bytes, size_t length);
void out_u64(uint64_t value);
void out_i64(int64_t value);
void out_hex(uint64_t value);
void out_flush(void);

/* Provided by the platform file (platform_lx106.c or platform_host.c). */
void platform_write(const char *bytes, size_t length);

#endif
