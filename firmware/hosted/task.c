/* Task posting (the SDK's system_os_post under NodeMCU's platform_task_get_id/platform_post):
 * three bounded queues; the loop runs high before medium before low. */
#include <stdio.h>

#include "hosted.h"
#include "platform.h"

/* NodeMCU's handle layout: a fingerprint, the callback's index, the priority in the low bits. */
#define TASK_MONIKER 0x68680000u
#define TASK_MASK 0xFFF80000u
#define TASK_SHIFT 2u

typedef struct {
  os_event_t events[HOSTED_TASK_QUEUE_LEN];
  unsigned head, count;
} task_queue;

static platform_task_callback_t callbacks[HOSTED_TASK_HANDLES];
static unsigned callback_count;
static task_queue queues[3];

platform_task_handle_t platform_task_get_id(platform_task_callback_t t) {
  if (callback_count == HOSTED_TASK_HANDLES || !t) return 0;
  callbacks[callback_count++] = t;
  return TASK_MONIKER + ((callback_count - 1) << TASK_SHIFT);
}

bool system_os_post(uint8 prio, os_signal_t sig, os_param_t par) {
  if (prio > PLATFORM_TASK_PRIORITY_HIGH) return false;
  task_queue *q = &queues[prio];
  if (q->count == HOSTED_TASK_QUEUE_LEN) return false;
  q->events[(q->head + q->count++) % HOSTED_TASK_QUEUE_LEN] = (os_event_t){sig, par};
  return true;
}

bool hosted_tasks_pending(void) { return queues[0].count + queues[1].count + queues[2].count > 0; }

static void dispatch(os_event_t event, uint8 prio) {
  uint32_t handle = event.sig;
  uint32_t entry = (handle & ~TASK_MASK) >> TASK_SHIFT;
  if ((handle & TASK_MASK) != TASK_MONIKER || entry >= callback_count) {
    fprintf(stderr, "wasmqtt-lua: a task was posted with an invalid handle 0x%08x; dropped\n", (unsigned)handle);
    return;
  }
  callbacks[entry](event.par, prio);
  hosted_after_callback();
}

void hosted_tasks_run(void) {
  /* Tasks posted while these run wait for the next pass, so timers and sockets keep turning. */
  unsigned budget = queues[0].count + queues[1].count + queues[2].count;
  while (budget-- > 0 && !hosted_restart_requested()) {
    int prio = 2;
    while (prio >= 0 && queues[prio].count == 0) prio--;
    if (prio < 0) return;
    task_queue *q = &queues[prio];
    os_event_t event = q->events[q->head];
    q->head = (q->head + 1) % HOSTED_TASK_QUEUE_LEN;
    q->count--;
    dispatch(event, (uint8)prio);
  }
}
