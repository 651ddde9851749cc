/* mqtt_engine — the engine ABI (docs/abi.md) over whichever engine the build links (the
 * interpreter, engine_vm.c, or the native engine, firmware/native): one allocation per engine
 * (this layer's head, then the backend's state), the busy and dead guards, io staging, the
 * imports checked against linear memory and handed to the host's callbacks, typed exports. */
#include "mqtt_engine.h"

#include <string.h>

#include "engine_error_texts.h"
#include "mqtt_alloc.h"
#include "mqtt_engine_backend.h"

enum { TRAP_HOST_FAILED = 1 };

size_t mqtt_engine_footprint(void)
{
  size_t bytes = 0;
  return engine_backend_bytes(&bytes) == MQTT_ENGINE_OK ? ENGINE_HEAD + bytes : 0;
}

/* --- imports: pointers from the engine are offsets into linear memory, checked here -------- */

static int in_memory(const mqtt_engine *e, uint32_t ptr, uint32_t len)
{
  return ptr <= e->memory_size && len <= e->memory_size - ptr;
}

int engine_import_send(mqtt_engine *e, uint32_t ptr, uint32_t len, int32_t blob, uint32_t offset,
                       uint32_t blob_len)
{
  if (!in_memory(e, ptr, len)) return TRAP_HOST_FAILED;
  if (len) e->host->send(e->user, e->memory + ptr, len);
  if (blob_len && e->host->send_blob) {
    if (e->host->send_blob(e->user, blob, offset, blob_len) != 0) return TRAP_HOST_FAILED;
  } else if (blob_len) {
    const uint8_t *bytes = e->host->blob(e->user, blob, offset, blob_len);
    if (!bytes) return TRAP_HOST_FAILED;
    e->host->send(e->user, bytes, blob_len);
  }
  return 0;
}

void engine_import_release(mqtt_engine *e, int32_t handle)
{
  e->host->release(e->user, handle);
}

int engine_import_event(mqtt_engine *e, int kind, int32_t a, int32_t b, int32_t c)
{
  const uint8_t *codes = NULL;
  if (kind == MQTT_ENGINE_EV_SUBACK) {
    if (c < 0 || !in_memory(e, (uint32_t)b, (uint32_t)c)) return TRAP_HOST_FAILED;
    codes = e->memory + (uint32_t)b;
  }
  e->host->event(e->user, kind, a, b, c, codes);
  return 0;
}

int engine_import_message(mqtt_engine *e, uint32_t topic, uint32_t topic_len, uint32_t ptr,
                          uint32_t len, uint32_t total, int flags)
{
  if (!in_memory(e, topic, topic_len) || !in_memory(e, ptr, len)) return TRAP_HOST_FAILED;
  e->host->message(e->user, e->memory + topic, topic_len, e->memory + ptr, len, total, flags);
  return 0;
}

/* --- calls ---------------------------------------------------------------------------------- */

/* Every export goes through here: busy and dead guards, a trap kills the engine. */
static int32_t call(mqtt_engine *e, int which, const wasm_value *args)
{
  if (!e) return MQTT_ENGINE_ETRAP;
  if (e->dead) return MQTT_ENGINE_ETRAP;
  if (e->busy) return MQTT_ENGINE_EBUSY;
  int32_t result = 0;
  e->wake_fresh = 0;
  e->busy = 1;
  int trap = engine_backend_call(e, which, args, &result);
  e->busy = 0;
  if (trap) {
    e->dead = 1;
    e->trap = (uint8_t)trap;
    return MQTT_ENGINE_ETRAP;
  }
  return result;
}

#define ARGS(...) ((const wasm_value[]){__VA_ARGS__})
#define I(v) {.i32 = (uint32_t)(v)}

mqtt_engine *mqtt_engine_new(const mqtt_engine_host *host, void *user, int *error)
{
  int ignored;
  if (!error) error = &ignored;
  size_t bytes = 0;
  int r = engine_backend_bytes(&bytes);
  if (r != MQTT_ENGINE_OK) {
    *error = r;
    return NULL;
  }
  mqtt_engine *e = MQTT_MALLOC(ENGINE_HEAD + bytes);
  if (!e) {
    *error = MQTT_ENGINE_ENOMEM;
    return NULL;
  }
  memset(e, 0, sizeof *e);
  e->host = host;
  e->user = user;
  if (engine_backend_load(e) != MQTT_ENGINE_OK) {
    MQTT_FREE(e);
    *error = MQTT_ENGINE_ELOAD;
    return NULL;
  }
  /* the tables, then io: it ends where the backed memory ends */
  const uint32_t *c = mqtt_engine_capacities;
  int32_t high = call(e, X_LAYOUT, ARGS(I(c[0]), I(c[1]), I(c[2]), I(c[3]), I(mqtt_engine_io_bytes)));
  int32_t io_ptr = call(e, X_IO_PTR, NULL);
  uint32_t io_size = mqtt_engine_io_bytes;
  if (!e->memory || high <= 0 || io_ptr < 0 || !in_memory(e, (uint32_t)io_ptr, io_size)) {
    MQTT_FREE(e);
    *error = MQTT_ENGINE_ELOAD;
    return NULL;
  }
  e->io_ptr = (uint32_t)io_ptr;
  e->io_size = io_size;
  *error = MQTT_ENGINE_OK;
  return e;
}

void mqtt_engine_free(mqtt_engine *engine)
{
  MQTT_FREE(engine);
}

/* A failure of this layer (busy, dead) before any bytes are copied into io. */
static int32_t unusable(const mqtt_engine *e)
{
  if (!e || e->dead) return MQTT_ENGINE_ETRAP;
  return e->busy ? MQTT_ENGINE_EBUSY : MQTT_ENGINE_OK;
}

/* A text string where the engine checks it: in io when it fits, else piece by piece through
 * text() (the engine keeps the verdict for the call that follows). */
static int32_t stage(mqtt_engine *e, int kind, const uint8_t *bytes, size_t len)
{
  uint8_t *io = e->memory + e->io_ptr;
  if (len <= e->io_size) {
    if (len) memcpy(io, bytes, len);
    return MQTT_ENGINE_OK;
  }
  for (size_t at = 0; at < len; at += e->io_size) {
    size_t piece = len - at < e->io_size ? len - at : e->io_size;
    memcpy(io, bytes + at, piece);
    int32_t r = call(e, X_TEXT, ARGS(I(kind), I(piece), I(at + piece >= len)));
    if (r < 0) return r;
  }
  return MQTT_ENGINE_OK;
}

int32_t mqtt_engine_configure(mqtt_engine *e, uint32_t max_message_length, uint32_t max_queued_bytes)
{
  return call(e, X_CONFIGURE, ARGS(I(max_message_length), I(max_queued_bytes)));
}

int32_t mqtt_engine_field(mqtt_engine *e, int kind, int qos, int32_t handle, const uint8_t *bytes,
                          size_t len)
{
  int32_t r = unusable(e);
  if (r) return r;
  /* password and will message are binary: the engine only checks their length */
  if (kind != MQTT_ENGINE_PASSWORD && kind != MQTT_ENGINE_WILL_MESSAGE) {
    r = stage(e, kind, bytes, len);
    if (r) return r;
  }
  return call(e, X_FIELD, ARGS(I(kind | qos << MQTT_ENGINE_FIELD_QOS_SHIFT), I(handle), I(len)));
}

int32_t mqtt_engine_clear_fields(mqtt_engine *e)
{
  return call(e, X_CLEAR_FIELDS, NULL);
}

int32_t mqtt_engine_active(mqtt_engine *e)
{
  return call(e, X_ACTIVE, NULL);
}

int32_t mqtt_engine_start(mqtt_engine *e, uint32_t keepalive, uint32_t flags, uint32_t now,
                          uint32_t seed)
{
  return call(e, X_START, ARGS(I(keepalive), I(flags), I(now), I(seed)));
}

/* The calls that return wake_delay(): keep it for mqtt_engine_wake_delay, answer OK or an error. */
static int32_t waking(mqtt_engine *e, int which, const wasm_value *args)
{
  int32_t r = call(e, which, args);
  if (r <= MQTT_ENGINE_EBUSY) return r;
  e->wake = r;
  e->wake_fresh = 1;
  return MQTT_ENGINE_OK;
}

int32_t mqtt_engine_opened(mqtt_engine *e, uint32_t now)
{
  return waking(e, X_OPENED, ARGS(I(now)));
}

int32_t mqtt_engine_failed(mqtt_engine *e, int32_t reason, uint32_t now)
{
  return waking(e, X_FAILED, ARGS(I(reason), I(now)));
}

int32_t mqtt_engine_received(mqtt_engine *e, const uint8_t *bytes, size_t len, uint32_t now)
{
  int32_t r = unusable(e);
  if (r) return r;
  for (size_t at = 0; at < len; at += e->io_size) {
    size_t piece = len - at < e->io_size ? len - at : e->io_size;
    memcpy(e->memory + e->io_ptr, bytes + at, piece);
    r = waking(e, X_RECEIVED, ARGS(I(piece), I(now)));
    if (r) return r;
  }
  return MQTT_ENGINE_OK;
}

int32_t mqtt_engine_closed(mqtt_engine *e, uint32_t now)
{
  return waking(e, X_CLOSED, ARGS(I(now)));
}

int32_t mqtt_engine_tick(mqtt_engine *e, uint32_t now)
{
  return waking(e, X_TICK, ARGS(I(now)));
}

int32_t mqtt_engine_wake_delay(mqtt_engine *e)
{
  if (e && e->wake_fresh && !e->dead && !e->busy) return e->wake;
  return call(e, X_WAKE_DELAY, NULL);
}

int32_t mqtt_engine_publish(mqtt_engine *e, int32_t handle, const uint8_t *topic, size_t topic_len,
                            uint32_t payload_len, int qos, int retain, int32_t token, uint32_t now)
{
  int32_t r = unusable(e);
  if (r) return r;
  r = stage(e, MQTT_ENGINE_TOPIC, topic, topic_len);
  if (r) return r;
  int32_t qos_retain = qos << MQTT_ENGINE_PUBLISH_QOS_SHIFT | (retain ? MQTT_ENGINE_PUBLISH_RETAIN : 0);
  return call(e, X_PUBLISH, ARGS(I(handle), I(topic_len), I(payload_len), I(qos_retain), I(token), I(now)));
}

int32_t mqtt_engine_subscribe(mqtt_engine *e, int32_t token, uint32_t now)
{
  return call(e, X_SUBSCRIBE, ARGS(I(token), I(now)));
}

int32_t mqtt_engine_unsubscribe(mqtt_engine *e, int32_t token, uint32_t now)
{
  return call(e, X_UNSUBSCRIBE, ARGS(I(token), I(now)));
}

int32_t mqtt_engine_close(mqtt_engine *e, uint32_t now)
{
  return call(e, X_CLOSE, ARGS(I(now)));
}

int32_t mqtt_engine_high_water(mqtt_engine *e)
{
  return call(e, X_HIGH_WATER, NULL);
}

static const char *own_text(int32_t code)
{
  switch (code) {
    case MQTT_ENGINE_EBUSY: return "engine called from its own callback: call after it returns";
    case MQTT_ENGINE_ETRAP: return "engine trapped: free it, make a new one";
    case MQTT_ENGINE_ENOMEM: return "no heap for an engine";
    case MQTT_ENGINE_ELOAD: return "embedded engine did not load: rebuild engine_wasm.c";
    default: return NULL;
  }
}

static const char *copy_text(const char *text, size_t len, char *buf, size_t size)
{
  if (!buf || size == 0) return "";
  if (len >= size) len = size - 1;
  memcpy(buf, text, len);
  buf[len] = 0;
  return buf;
}

/* Byte i of the engine's error-text table, read with aligned word loads only (it may be in flash). */
static uint8_t text_byte(size_t i)
{
  return (uint8_t)(engine_error_texts[i / 4] >> (i % 4 * 8));
}

/* Text `code` of the table into buf (text 0 for unknown codes and codes without a text). A symbol
 * is a character (< 128), 0 (the end) or pair 128 + k (bytes 2k, 2k + 1): its left half now, its
 * right half pending. */
static const char *engine_text(int32_t code, char *buf, size_t size)
{
  if (!buf || size == 0) return "";
  size_t at = ENGINE_ERROR_TEXT_START;
  if (code > 0 && code < ENGINE_ERROR_CODES) {
    for (int32_t skip = code; skip > 0; at++) {
      if (text_byte(at) == 0) skip--;
    }
    if (text_byte(at) == 0) at = ENGINE_ERROR_TEXT_START;
  }
  uint8_t pending[ENGINE_ERROR_TEXT_DEPTH];
  unsigned top = 0;
  size_t n = 0;
  uint8_t symbol = text_byte(at++);
  while (symbol != 0 && n + 1 < size) {
    if (symbol >= 128) {
      size_t pair = 2u * (symbol - 128u);
      pending[top++] = text_byte(pair + 1);
      symbol = text_byte(pair);
      continue;
    }
    buf[n++] = (char)symbol;
    symbol = top ? pending[--top] : text_byte(at++);
  }
  buf[n] = 0;
  return buf;
}

/* The texts are the firmware's (from the ABI table), not the engine's: any engine state, even none. */
const char *mqtt_engine_error_text(mqtt_engine *e, int32_t code, char *buf, size_t size)
{
  (void)e;
  const char *own = own_text(code);
  return own ? copy_text(own, strlen(own), buf, size) : engine_text(code, buf, size);
}

void mqtt_engine_get_stats(const mqtt_engine *e, mqtt_engine_stats *out)
{
  memset(out, 0, sizeof *out);
  if (!e) return;
  engine_backend_stats(e, out);
  out->trap = e->trap;
}
