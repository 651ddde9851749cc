/* Output and exit for bare-metal lx106 programs under QEMU (-semihosting): the
 * simcall instruction, plus the few number formatters the harnesses need. */
#ifndef WASMQTT_LX106_SEMIHOST_H
#define WASMQTT_LX106_SEMIHOST_H

#include <stddef.h>
#include <stdint.h>

void lx106_write(const char *bytes, size_t length);
void lx106_exit(int status) __attribute__((noreturn));

#endif
