/* The ESP8266 SDK's ets_sys.h, the part the platform contract uses: event and timer types. */
#ifndef WASMQTT_HOSTED_ETS_SYS_H
#define WASMQTT_HOSTED_ETS_SYS_H

#include "sdk_types.h"

typedef uint32_t ETSSignal;
typedef uint32_t ETSParam;
typedef struct ETSEventTag ETSEvent;
struct ETSEventTag {
  ETSSignal sig;
  ETSParam par;
};
typedef void (*ETSTask)(ETSEvent *e);

typedef void ETSTimerFunc(void *timer_arg);
/* As on the SDK the timer lives in the caller's memory and is linked into the armed list:
 * free it only disarmed. timer_expire and timer_period are milliseconds on the host. */
typedef struct _ETSTIMER_ {
  struct _ETSTIMER_ *timer_next;
  uint32_t timer_expire;
  uint32_t timer_period;
  ETSTimerFunc *timer_func;
  void *timer_arg;
} ETSTimer;

#endif
