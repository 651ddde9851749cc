/* engine-bounds-test (interpreter) and engine-bounds-native-test (the same module through
 * wasm2c): mqtt_engine.c over a stand-in module (test_bounds.wat) whose imports get pointers and
 * lengths outside its linear memory, or unknown blobs, and which loads past its backed memory:
 * each must trap the call (MQTT_ENGINE_ETRAP) with the interpreter's trap code and leave the
 * engine dead; then the client core over it must report the trap and close the connection. Both
 * programs must print the same lines; ASan+UBSan catch any access out of bounds. */
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "mqtt_core.h"
#include "mqtt_engine.h"
#include "wasm_vm.h"

static int failures, subacks;

static void check(int ok, const char *what)
{
  printf("%s %s\n", ok ? "ok" : "FAIL", what);
  if (!ok) failures++;
}

static void on_send(void *u, const uint8_t *b, size_t n) { (void)u, (void)b, (void)n; }
static const uint8_t *on_blob(void *u, int32_t h, uint32_t o, uint32_t n) { (void)u, (void)h, (void)o, (void)n; return NULL; }
static void on_release(void *u, int32_t h) { (void)u, (void)h; }
static void on_event(void *u, int k, int32_t a, int32_t b, int32_t c, const uint8_t *codes)
{
  (void)u, (void)a, (void)b;
  if (k == MQTT_ENGINE_EV_SUBACK && codes && c == 2) subacks++;
}
static void on_message(void *u, const uint8_t *t, size_t tl, const uint8_t *d, size_t n, uint32_t total, int f)
{
  (void)u, (void)t, (void)tl, (void)d, (void)n, (void)total, (void)f;
}

static const mqtt_engine_host host = {on_send, on_blob, on_release, on_event, on_message, NULL};

/* A fresh engine, one call that must trap with `code`, then a check that it stays dead. */
static void expect_trap(const char *what, int which, uint32_t code)
{
  int error = 0;
  mqtt_engine *e = mqtt_engine_new(&host, NULL, &error);
  if (!e) {
    check(0, "the stand-in module loads");
    return;
  }
  int32_t r = 0;
  switch (which) {
    case 0: r = mqtt_engine_opened(e, 1); break;
    case 1: r = mqtt_engine_failed(e, -5, 1); break;
    case 2: r = mqtt_engine_received(e, (const uint8_t *)"x", 1, 1); break;
    case 3: r = mqtt_engine_closed(e, 1); break;
    case 4: r = mqtt_engine_tick(e, 1); break;
    case 5: r = mqtt_engine_publish(e, 7, (const uint8_t *)"t", 1, 3, 1, 0, 1, 1); break;
    case 6: r = mqtt_engine_unsubscribe(e, 0, 1); break;
    case 7: {
      static const uint8_t longer_than_io[300];
      r = mqtt_engine_field(e, MQTT_ENGINE_CLIENT_ID, 0, 1, longer_than_io, sizeof longer_than_io);
      break;
    }
  }
  mqtt_engine_stats stats;
  mqtt_engine_get_stats(e, &stats);
  char line[160];
  snprintf(line, sizeof line, "%s: the call traps (trap %u) and the engine is dead", what, (unsigned)stats.trap);
  check(r == MQTT_ENGINE_ETRAP && stats.trap == code && mqtt_engine_active(e) == MQTT_ENGINE_ETRAP, line);
  mqtt_engine_free(e);
}

/* --- the client core over the trapping module: what the platform and the events see --------- */

static mqtt_core *core;

static void say(const char *format, ...)
{
  va_list args;
  va_start(args, format);
  printf("core: ");
  vprintf(format, args);
  printf("\n");
  va_end(args);
}

static void p_open(void *u, const char *h, uint16_t port, int secure) { (void)u, (void)secure; say("open %s:%u", h, port); }
static int p_send(void *u, const uint8_t *b, size_t n) { (void)u, (void)b; say("send %zu bytes", n); return 0; }
static void p_close(void *u) { (void)u; say("close"); }
static void p_arm(void *u, int32_t delay) { (void)u, (void)delay; }
static uint32_t p_now(void *u) { (void)u; return 1; }
static void p_post(void *u) { (void)u; }
static void p_hold(void *u, int hold) { (void)u, (void)hold; }
static const mqtt_core_platform platform = {p_open, p_send, p_close, p_arm, p_now, p_post, p_hold};

static void on_core_event(void *u, const mqtt_core_event *ev)
{
  (void)u;
  if (ev->type == MQTT_CORE_PROTOCOL_ERROR) say("event error %d %s", (int)ev->reason, ev->text ? ev->text : "");
  else say("event %d", (int)ev->type);
}

/* connect (the transport opens), then `step`: 0 = the transport reports open (the engine's send
 * is out of range: a host trap), 1 = an unsubscribe (the engine loads past its memory). */
static void core_trap(int step)
{
  static const mqtt_core_config config = {"c", 1, NULL, 0, NULL, 0, 30, 1, 0, 7};
  int error = 0;
  core = mqtt_core_new(&config, &platform, on_core_event, NULL, &error);
  if (!core) {
    check(0, "the core starts over the stand-in module");
    return;
  }
  say("connect %d", mqtt_core_connect(core, "broker", 1883, 0, 0));
  mqtt_core_service(core);
  if (step == 0) {
    mqtt_core_transport_opened(core);
  } else {
    static const mqtt_core_filter filter = {"a/b", 3, 0};
    say("unsubscribe %d", mqtt_core_unsubscribe(core, &filter, 1, 4));
  }
  mqtt_core_service(core);
  say("active %d, last error: %s", mqtt_core_active(core), mqtt_core_last_error(core));
  say("publish after the trap %d", mqtt_core_publish(core, "t", 1, (const uint8_t *)"x", 1, 0, 0, 5));
  mqtt_core_free(core);
  core = NULL;
}

int main(void)
{
  int error = 0;
  mqtt_engine *e = mqtt_engine_new(&host, NULL, &error);
  check(e != NULL, "the stand-in module loads with memory limited to its high water mark");
  check(e && mqtt_engine_subscribe(e, 5, 1) == 1 && subacks == 1, "in-range pointers reach the host");
  check(e && mqtt_engine_active(e) == 0, "unaligned 32- and 16-bit stores and loads round-trip");
  mqtt_engine_free(e);
  expect_trap("send past the backed memory", 0, WASM_TRAP_HOST);
  expect_trap("send with a wrapping length", 1, WASM_TRAP_HOST);
  expect_trap("message topic far outside", 2, WASM_TRAP_HOST);
  expect_trap("message data past the end", 3, WASM_TRAP_HOST);
  expect_trap("suback codes outside", 4, WASM_TRAP_HOST);
  expect_trap("send of an unknown blob", 5, WASM_TRAP_HOST);
  expect_trap("a load inside the page but past the high-water mark", 6, WASM_TRAP_OUT_OF_BOUNDS);
  expect_trap("a store inside the page but past the high-water mark", 7, WASM_TRAP_OUT_OF_BOUNDS);
  core_trap(0);
  core_trap(1);
  printf("%s\n", failures ? "FAILED" : "PASSED");
  return failures ? 1 : 0;
}
