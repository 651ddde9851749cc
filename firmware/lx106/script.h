/* A test script for the interpreter: modules to load and exports to call, in one blob,
 * run identically by the lx106 build (blob in flash) and the host build (blob from a
 * file). Every result is printed as one line, so the two outputs can be compared.
 *
 * Blob (little-endian, 4-byte aligned): "WSC1", then records:
 *   'M' 0 0 0, u32 length, module bytes, zero padding to 4
 *   'I' 0, u16 name length, name, u8 argument count, u8 0, then per argument
 *       u8 type (0x7f i32, 0x7e i64), u64 value; zero padding to 4
 *   'E' 0 0 0  end
 * Calls go to the most recently loaded module. */
#ifndef WASMQTT_LX106_SCRIPT_H
#define WASMQTT_LX106_SCRIPT_H

#include <stddef.h>
#include <stdint.h>

#include "wasm_vm.h"

/* Where instances live and the budgets they get; the same on both builds. */
typedef struct {
    void *arena;            /* 8-byte aligned */
    size_t arena_size;
    wasm_vm_limits limits;
    uint64_t fuel;          /* per call; 0 = unlimited */
} script_budget;

/* Returns 0 when the blob was well formed (whatever the results), 1 otherwise. */
int script_run(const uint8_t *blob, size_t length, const script_budget *budget);

/* Byte reads that only use aligned 32-bit loads: the blob may sit in ESP8266 flash. */
uint8_t script_byte(const uint8_t *at);

#endif
