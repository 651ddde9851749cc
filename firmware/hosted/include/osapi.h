/* The ESP8266 SDK's osapi.h, the part the platform contract uses: os_timer_* (over the hosted
 * main loop's monotonic clock) and the string helpers. */
#ifndef WASMQTT_HOSTED_OSAPI_H
#define WASMQTT_HOSTED_OSAPI_H

#include <stdio.h>
#include <string.h>
#include "os_type.h"

#define os_memcmp memcmp
#define os_memcpy memcpy
#define os_memmove memmove
#define os_memset memset
#define os_strcat strcat
#define os_strchr strchr
#define os_strcmp strcmp
#define os_strcpy strcpy
#define os_strlen strlen
#define os_strncmp strncmp
#define os_strncpy strncpy
#define os_strstr strstr
#define os_sprintf sprintf
#define os_printf printf

/* Arming an armed timer re-arms it (the SDK asks for a disarm first). ms_flag 0 means
 * microseconds, rounded up to whole milliseconds on the host. A callback runs from the main
 * loop, never inside these calls. */
void ets_timer_arm_new(os_timer_t *ptimer, uint32_t time, bool repeat_flag, bool ms_flag);
void ets_timer_disarm(os_timer_t *ptimer);
void ets_timer_setfn(os_timer_t *ptimer, os_timer_func_t *pfunction, void *parg);

#define os_timer_arm_us(a, b, c) ets_timer_arm_new(a, b, c, 0)
#define os_timer_arm(a, b, c) ets_timer_arm_new(a, b, c, 1)
#define os_timer_disarm ets_timer_disarm
#define os_timer_setfn ets_timer_setfn

#endif
