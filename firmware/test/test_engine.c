/* engine-test: mqtt_engine.c over the embedded engine, under ASan+UBSan. Prints one line per
 * check ("ok ..." / "FAIL ...") and exits 1 if any failed (test/firmware/core-engine.test.ts). */
#include <stdio.h>
#include <string.h>

#include "mqtt_engine.h"

static int failures;

static void check(int ok, const char *what)
{
  printf("%s %s\n", ok ? "ok" : "FAIL", what);
  if (!ok) failures++;
}

/* What the host saw: sent bytes, the last events, and blob storage. */
typedef struct {
  mqtt_engine *engine;
  uint8_t sent[8192];
  size_t sent_len;
  int events[32];
  int32_t event_a[32];
  int event_count;
  int reentry;            /* what a call from inside a callback returned */
  const uint8_t *blobs[8];
  size_t blob_len[8];
  int released[8];
  char topic[64];
  char payload[64];
} host_state;

static void on_send(void *user, const uint8_t *bytes, size_t len)
{
  host_state *h = user;
  if (h->sent_len + len <= sizeof h->sent) memcpy(h->sent + h->sent_len, bytes, len);
  h->sent_len += len;
}

static const uint8_t *on_blob(void *user, int32_t handle, uint32_t offset, uint32_t len)
{
  host_state *h = user;
  if (handle < 1 || handle >= 8 || !h->blobs[handle] || offset + len > h->blob_len[handle]) return NULL;
  return h->blobs[handle] + offset;
}

static void on_release(void *user, int32_t handle)
{
  host_state *h = user;
  if (handle >= 0 && handle < 8) h->released[handle]++;
}

static void on_event(void *user, int kind, int32_t a, int32_t b, int32_t c, const uint8_t *codes)
{
  (void)b, (void)c, (void)codes;
  host_state *h = user;
  if (h->event_count < 32) {
    h->events[h->event_count] = kind;
    h->event_a[h->event_count++] = a;
  }
  h->reentry = mqtt_engine_active(h->engine);
}

static void on_message(void *user, const uint8_t *topic, size_t topic_len, const uint8_t *data,
                       size_t len, uint32_t total, int flags)
{
  (void)total;
  host_state *h = user;
  /* the topic comes with the first call (whole, or in pieces: only short ones here) */
  if (flags & MQTT_ENGINE_MSG_TOPIC) snprintf(h->topic, sizeof h->topic, "%.*s", (int)len, (const char *)data);
  else if (flags & MQTT_ENGINE_MSG_FIRST) snprintf(h->topic, sizeof h->topic, "%.*s", (int)topic_len, (const char *)topic);
  if (!(flags & MQTT_ENGINE_MSG_TOPIC)) snprintf(h->payload, sizeof h->payload, "%.*s", (int)len, (const char *)data);
}

static const mqtt_engine_host host = {on_send, on_blob, on_release, on_event, on_message, NULL};

static int last_event(const host_state *h)
{
  return h->event_count ? h->events[h->event_count - 1] : 0;
}

static void set_blob(host_state *h, int handle, const void *bytes, size_t len)
{
  h->blobs[handle] = bytes;
  h->blob_len[handle] = len;
}

/* A session up to CONNACK: client id in blob 1. */
static int connect(host_state *h, const char *client_id, size_t id_len)
{
  int error = 0;
  h->engine = mqtt_engine_new(&host, h, &error);
  if (!h->engine) return error;
  set_blob(h, 1, client_id, id_len);
  if (mqtt_engine_configure(h->engine, 1024, 4096) != MQTT_ENGINE_OK) return -1;
  if (mqtt_engine_field(h->engine, MQTT_ENGINE_CLIENT_ID, 0, 1, (const uint8_t *)client_id, id_len)) return -2;
  if (mqtt_engine_start(h->engine, 60, MQTT_ENGINE_CLEAN_SESSION, 1000, 7) != 1) return -3;
  if (last_event(h) != MQTT_ENGINE_EV_OPEN) return -4;
  h->sent_len = 0;
  mqtt_engine_opened(h->engine, 1010);
  static const uint8_t connack[] = {0x20, 0x02, 0x00, 0x00};
  mqtt_engine_received(h->engine, connack, sizeof connack, 1020);
  return last_event(h) == MQTT_ENGINE_EV_CONNECT ? 0 : -5;
}

int main(void)
{
  char text[128];
  check(mqtt_engine_footprint() > mqtt_engine_memory_bytes, "footprint covers the linear memory");

  static host_state h;
  check(connect(&h, "c1", 2) == 0, "CONNECT, CONNACK, connect event");
  check(h.sent_len == 16 && h.sent[0] == 0x10 && memcmp(h.sent + 4, "MQTT", 4) == 0
        && memcmp(h.sent + 14, "c1", 2) == 0, "CONNECT bytes carry the client id blob");
  check(h.reentry == MQTT_ENGINE_EBUSY, "a call from inside a callback returns EBUSY");
  check(mqtt_engine_active(h.engine) == 1, "the engine is usable after the callback");

  static const char pub[] = "tt" "hello";
  set_blob(&h, 2, pub, 7);
  h.sent_len = 0;
  int32_t r = mqtt_engine_publish(h.engine, 2, (const uint8_t *)"tt", 2, 5, 0, 0, 99, 1030);
  static const uint8_t qos0[] = {0x30, 0x09, 0x00, 0x02, 't', 't', 'h', 'e', 'l', 'l', 'o'};
  check(r == 2 && h.sent_len == sizeof qos0 && memcmp(h.sent, qos0, sizeof qos0) == 0,
        "QoS 0 publish is sent at once from the blob and completes (2)");

  r = mqtt_engine_field(h.engine, MQTT_ENGINE_FILTER, 1, 3, (const uint8_t *)"a/#/b", 5);
  check(r > 0, "a bad filter is refused with an engine error code");
  mqtt_engine_error_text(h.engine, r, text, sizeof text);
  check(strlen(text) > 5, "the engine gives the refusal a text");
  printf("# filter error %d: %s\n", (int)r, text);

  static const uint8_t inbound[] = {0x30, 0x07, 0x00, 0x03, 'a', '/', 'b', 'h', 'i'};
  mqtt_engine_received(h.engine, inbound, sizeof inbound, 1040);
  check(strcmp(h.topic, "a/b") == 0 && strcmp(h.payload, "hi") == 0, "inbound QoS 0 message");

  check(mqtt_engine_wake_delay(h.engine) > 0, "keepalive timer armed");
  h.sent_len = 0;
  mqtt_engine_tick(h.engine, 1040 + 60000);
  check(h.sent_len == 2 && h.sent[0] == 0xC0, "PINGREQ after keepalive");

  /* a blob the host cannot give: a host trap, the engine is dead from then on */
  h.sent_len = 0;
  r = mqtt_engine_publish(h.engine, 5, (const uint8_t *)"tt", 2, 5, 1, 0, 100, 62000);
  check(r == MQTT_ENGINE_ETRAP, "an unknown blob traps the call");
  check(mqtt_engine_active(h.engine) == MQTT_ENGINE_ETRAP && mqtt_engine_tick(h.engine, 62001) == MQTT_ENGINE_ETRAP,
        "every later call returns ETRAP");
  mqtt_engine_error_text(h.engine, MQTT_ENGINE_ETRAP, text, sizeof text);
  check(strstr(text, "trapped") != NULL, "this layer's codes have texts");
  /* the engine's texts are the firmware's own (the ABI table's), whatever the engine's state */
  mqtt_engine_error_text(h.engine, MQTT_ENGINE_ERR_TOPIC_WILDCARD, text, sizeof text);
  check(strcmp(text, "topic name contains a wildcard (+ or #)") == 0, "a dead engine's error codes still have their texts");
  char cut[8];
  mqtt_engine_error_text(NULL, MQTT_ENGINE_ERR_TOPIC_WILDCARD, cut, sizeof cut);
  check(strcmp(cut, "topic n") == 0, "a text is cut to the buffer, NUL-terminated");
  for (int32_t code = -1; code <= 64; code++) {
    mqtt_engine_error_text(NULL, code, text, sizeof text);
    printf("# text %d %s\n", (int)code, text);
  }
  mqtt_engine_free(h.engine);

  /* a client id longer than io goes through text() in pieces */
  static host_state g;
  static char long_id[5000];
  memset(long_id, 'x', sizeof long_id);
  check(connect(&g, long_id, sizeof long_id) == 0, "a 5000-byte client id is staged through text()");
  check(g.sent_len == 15 + sizeof long_id && memcmp(g.sent + 15, long_id, sizeof long_id) == 0,
        "and sent whole");

  /* broken broker bytes: a protocol error, never a trap */
  static const uint8_t broken[] = {0x30, 0x05, 0x00, 0x03, 'a', '+', 'b'};
  g.event_count = 0;
  r = mqtt_engine_received(g.engine, broken, sizeof broken, 1050);
  check(r == 0 && g.event_count >= 1 && g.events[0] == MQTT_ENGINE_EV_PROTOCOL_ERROR,
        "a wildcard in an inbound topic is a protocol error");
  mqtt_engine_stats stats;
  mqtt_engine_get_stats(g.engine, &stats);
  printf("# footprint %zu arena %zu memory %zu slots %u depth %u\n", stats.footprint_bytes,
         stats.arena_bytes, stats.memory_bytes, stats.peak_value_slots, stats.peak_call_depth);
  check(stats.footprint_bytes == mqtt_engine_footprint(), "stats report the footprint");
  mqtt_engine_free(g.engine);

  printf("%s\n", failures ? "FAILED" : "PASSED");
  return failures ? 1 : 0;
}
