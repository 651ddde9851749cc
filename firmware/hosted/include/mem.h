/* The ESP8266 SDK's mem.h: os_malloc & co. on the C heap (counted by system_get_free_heap_size). */
#ifndef WASMQTT_HOSTED_MEM_H
#define WASMQTT_HOSTED_MEM_H

#include <stdlib.h>

#define os_malloc(s) malloc(s)
#define os_zalloc(s) calloc(1, (s))
#define os_calloc(n, s) calloc((n), (s))
#define os_realloc(p, s) realloc((p), (s))
#define os_free(p) free(p)

#endif
