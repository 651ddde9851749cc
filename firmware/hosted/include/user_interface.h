/* The ESP8266 SDK's user_interface.h, the system_* calls the platform contract uses. */
#ifndef WASMQTT_HOSTED_USER_INTERFACE_H
#define WASMQTT_HOSTED_USER_INTERFACE_H

#include "os_type.h"
#include "lwip/ip_addr.h"

/* Microseconds since the runtime started, wrapping at 2^32 (as the SDK's). */
uint32 system_get_time(void);
/* 44 KiB (about a NodeMCU 3.0 board's free heap after boot) less the bytes the process took on
 * the C heap since the script started (Lua objects, clients, engine memory, buffers; malloc's
 * own overhead included outside the ASan build), 0 at worst. */
uint32 system_get_free_heap_size(void);
/* A stable 24-bit number for this host (from its host name), like the ESP8266's MAC-derived id. */
uint32 system_get_chip_id(void);
/* Ends the run once the running callback returns (wasmqtt-lua exits 0 with a line saying so). */
void system_restart(void);
/* Queues (sig, par) for the task of priority prio (0 low .. 2 high); false when its queue
 * (8 entries, as NodeMCU's) is full. */
bool system_os_post(uint8 prio, os_signal_t sig, os_param_t par);

#endif
