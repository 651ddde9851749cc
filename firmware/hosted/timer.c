/* os_timer (the SDK's ets_timer_*): the armed timers in one list sorted by expiry, linked
 * through the callers' own ETSTimer structs as on the ESP8266. Times are milliseconds since
 * start, compared wrap-safe. */
#include "hosted.h"
#include "osapi.h"

static ETSTimer *armed;

static uint32_t now_ms32(void) { return (uint32_t)hosted_now_ms(); }

/* a before b on the wrapping clock */
static bool before(uint32_t a, uint32_t b) { return (int32_t)(a - b) < 0; }

static void unlink_timer(ETSTimer *timer) {
  for (ETSTimer **link = &armed; *link; link = &(*link)->timer_next) {
    if (*link == timer) {
      *link = timer->timer_next;
      timer->timer_next = NULL;
      return;
    }
  }
}

static void insert_sorted(ETSTimer *timer) {
  ETSTimer **link = &armed;
  while (*link && !before(timer->timer_expire, (*link)->timer_expire)) link = &(*link)->timer_next;
  timer->timer_next = *link;
  *link = timer;
}

void ets_timer_setfn(os_timer_t *ptimer, os_timer_func_t *pfunction, void *parg) {
  ptimer->timer_func = pfunction;
  ptimer->timer_arg = parg;
}

void ets_timer_arm_new(os_timer_t *ptimer, uint32_t time, bool repeat_flag, bool ms_flag) {
  uint32_t ms = ms_flag ? time : (time + 999u) / 1000u;
  unlink_timer(ptimer);
  ptimer->timer_period = repeat_flag ? (ms ? ms : 1u) : 0u;
  ptimer->timer_expire = now_ms32() + ms;
  insert_sorted(ptimer);
}

void ets_timer_disarm(os_timer_t *ptimer) { unlink_timer(ptimer); }

bool hosted_timers_armed(void) { return armed != NULL; }

int64_t hosted_timers_next_ms(void) {
  if (!armed) return -1;
  int32_t left = (int32_t)(armed->timer_expire - now_ms32());
  return left > 0 ? left : 0;
}

/* Fires each timer due now once; a repeating one is re-armed first (period after its due time,
 * or after now when it fell a whole period behind), so its callback may disarm or re-arm it. */
void hosted_timers_run_due(void) {
  uint32_t now = now_ms32();
  unsigned budget = 0;
  for (ETSTimer *t = armed; t; t = t->timer_next) budget++;
  while (budget-- > 0 && armed && !before(now, armed->timer_expire) && !hosted_restart_requested()) {
    ETSTimer *timer = armed;
    armed = timer->timer_next;
    timer->timer_next = NULL;
    if (timer->timer_period) {
      uint32_t next = timer->timer_expire + timer->timer_period;
      timer->timer_expire = before(next, now) ? now + timer->timer_period : next;
      insert_sorted(timer);
    }
    if (timer->timer_func) {
      timer->timer_func(timer->timer_arg);
      hosted_after_callback();
    }
  }
}
