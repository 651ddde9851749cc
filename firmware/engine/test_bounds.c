/* engine-bounds-test: mqtt_engine.c over a stand-in module (test_bounds.wat) whose imports get
 * pointers and lengths outside its linear memory, or unknown blobs: each must trap the call
 * (MQTT_ENGINE_ETRAP) and leave the engine dead; ASan+UBSan catch any read out of bounds. */
#include <stdio.h>
#include <string.h>

#include "mqtt_engine.h"

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

/* A fresh engine, one call that must trap, then a check that it stays dead. */
static void expect_trap(const char *what, int which)
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
  }
  char line[120];
  snprintf(line, sizeof line, "%s: the call traps and the engine is dead", what);
  check(r == MQTT_ENGINE_ETRAP && mqtt_engine_active(e) == MQTT_ENGINE_ETRAP, line);
  mqtt_engine_free(e);
}

int main(void)
{
  int error = 0;
  mqtt_engine *e = mqtt_engine_new(&host, NULL, &error);
  check(e != NULL, "the stand-in module loads with memory limited to its high water mark");
  check(e && mqtt_engine_subscribe(e, 5, 1) == 1 && subacks == 1, "in-range pointers reach the host");
  mqtt_engine_free(e);
  expect_trap("send past the backed memory", 0);
  expect_trap("send with a wrapping length", 1);
  expect_trap("message topic far outside", 2);
  expect_trap("message data past the end", 3);
  expect_trap("suback codes outside", 4);
  expect_trap("send of an unknown blob", 5);
  printf("%s\n", failures ? "FAILED" : "PASSED");
  return failures ? 1 : 0;
}
