/* NodeMCU's platform.h, the task part: handles from platform_task_get_id, posting at three
 * priorities. Posted tasks run from the hosted main loop, highest priority first. */
#ifndef __PLATFORM_H__
#define __PLATFORM_H__

#include <stdint.h>
#include "user_interface.h"

typedef uint32_t platform_task_handle_t;
typedef uint32_t platform_task_param_t;

#define PLATFORM_TASK_PRIORITY_LOW 0
#define PLATFORM_TASK_PRIORITY_MEDIUM 1
#define PLATFORM_TASK_PRIORITY_HIGH 2

#define platform_post_low(handle, param) platform_post(PLATFORM_TASK_PRIORITY_LOW, handle, param)
#define platform_post_medium(handle, param) platform_post(PLATFORM_TASK_PRIORITY_MEDIUM, handle, param)
#define platform_post_high(handle, param) platform_post(PLATFORM_TASK_PRIORITY_HIGH, handle, param)

typedef void (*platform_task_callback_t)(platform_task_param_t param, uint8 prio);
/* 0 when out of memory. */
platform_task_handle_t platform_task_get_id(platform_task_callback_t t);

static inline bool platform_post(uint8 prio, platform_task_handle_t handle, platform_task_param_t par) {
  return system_os_post(prio, handle | prio, par);
}
#define platform_freeheap() system_get_free_heap_size()

#endif
