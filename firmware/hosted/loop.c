/* The main loop, single-threaded like the ESP8266's: due timers, then posted tasks, then DNS
 * answers, then poll() over the connections' sockets (sleeping until the next timer), until
 * nothing is left to do, node.restart(), or the deadline. */
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <string.h>

#include "hosted.h"
#include "wasmqtt_hosted.h"

static int module_holds;

void wasmqtt_hosted_busy(int delta) {
  module_holds += delta;
  if (module_holds < 0) module_holds = 0;
}

void hosted_after_callback(void) {
  /* Callbacks run on the main state's base level: drop what they left (luaL_pcallx leaves a
   * nil after an error) so the base level never runs out of its few guaranteed slots. */
  lua_State *L = lua_getstate();
  if (L) lua_settop(L, 0);
}

static bool busy(void) {
  return module_holds > 0 || hosted_timers_armed() || hosted_tasks_pending() || hosted_dns_pending() ||
         hosted_espconn_busy();
}

void hosted_loop_describe(char *out, size_t out_len) {
  out[0] = '\0';
  const char *parts[5];
  size_t n = 0;
  if (hosted_espconn_busy()) parts[n++] = "a connection open or opening";
  if (hosted_timers_armed()) parts[n++] = "an armed timer";
  if (hosted_tasks_pending()) parts[n++] = "a posted task";
  if (hosted_dns_pending()) parts[n++] = "a DNS answer due";
  if (module_holds > 0) parts[n++] = "a module's session (mqtt client not closed)";
  size_t used = 0;
  for (size_t i = 0; i < n && used < out_len; i++)
    used += (size_t)snprintf(out + used, out_len - used, "%s%s", i ? ", " : "", parts[i]);
}

hosted_loop_end hosted_loop_run(uint64_t deadline_ms) {
  struct pollfd fds[HOSTED_MAX_CONNECTIONS];
  for (;;) {
    hosted_timers_run_due();
    if (!hosted_restart_requested()) hosted_tasks_run();
    if (!hosted_restart_requested() && hosted_dns_pending()) hosted_dns_run();
    if (hosted_restart_requested()) return HOSTED_LOOP_RESTART;
    if (!busy()) return HOSTED_LOOP_IDLE;

    uint64_t now = hosted_now_ms();
    if (deadline_ms && now >= deadline_ms) return HOSTED_LOOP_TIMEOUT;
    int64_t wait = -1;
    if (hosted_tasks_pending() || hosted_dns_pending() || hosted_espconn_due()) {
      wait = 0;
    } else {
      wait = hosted_timers_next_ms();
    }
    if (deadline_ms && (wait < 0 || (uint64_t)wait > deadline_ms - now)) wait = (int64_t)(deadline_ms - now);
    if (wait > INT_MAX) wait = INT_MAX;

    size_t count = hosted_espconn_poll_fds(fds, HOSTED_MAX_CONNECTIONS);
    int ready = poll(fds, (nfds_t)count, (int)wait);
    if (ready < 0) {
      if (errno != EINTR) {
        fprintf(stderr, "wasmqtt-lua: poll: %s\n", strerror(errno));
        return HOSTED_LOOP_IDLE;
      }
      for (size_t i = 0; i < count; i++) fds[i].revents = 0;
    }
    hosted_espconn_dispatch(fds, count);
  }
}
