/* The ESP8266 SDK's integer names and section attributes (NodeMCU puts them in its stdint.h
 * override, the SDK in c_types.h). On the host the attributes are empty: there is no flash. */
#ifndef WASMQTT_HOSTED_SDK_TYPES_H
#define WASMQTT_HOSTED_SDK_TYPES_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

typedef signed char sint8_t;
typedef signed short sint16_t;
typedef signed int sint32_t;
typedef signed long long sint64_t;
typedef unsigned char uint8;
typedef signed char sint8;
typedef unsigned short uint16;
typedef signed short sint16;
typedef unsigned int uint32;
typedef signed int sint32;
typedef signed long long sint64;
typedef unsigned long long uint64;

#ifndef LOCAL
#define LOCAL static
#endif
#define ICACHE_FLASH_ATTR
#define ICACHE_RODATA_ATTR
#define STORE_ATTR __attribute__((aligned(4)))

#endif
