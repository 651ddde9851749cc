/* mqtt_engine — the engine ABI (docs/abi.md) over firmware/vm: one allocation per engine (this
 * struct, then the interpreter's arena), the four imports bound to the host's callbacks, each
 * export looked up once at load and called through a typed wrapper. */
#include "mqtt_engine.h"

#include <string.h>

#include "mqtt_alloc.h"
#include "wasm_vm.h"

/* The exports this layer calls, in one table: name, parameter count, result count. */
enum {
  X_CONFIGURE, X_TEXT, X_FIELD, X_CLEAR_FIELDS, X_ACTIVE, X_START, X_OPENED, X_FAILED, X_RECEIVED,
  X_CLOSED, X_TICK, X_WAKE_DELAY, X_PUBLISH, X_SUBSCRIBE, X_UNSUBSCRIBE, X_CLOSE, X_HIGH_WATER,
  X_ERROR_TEXT, X_IO_PTR, X_SET_IO_SIZE, X_COUNT
};

/* One string of NUL-separated names (no pointer per entry), read only at load. */
static const char export_names[] =
    "configure\0text\0field\0clear_fields\0active\0start\0opened\0failed\0received\0closed\0tick\0"
    "wake_delay\0publish\0subscribe\0unsubscribe\0close\0high_water\0error_text\0io_ptr\0set_io_size";

/* Parameters << 1 | results (0 or 1), one nibble per export, eight to a word: every call reads
 * it, and .rodata lives in flash, where the chip faults on loads narrower than 32 bits. */
#define ARITY(params, results) ((uint32_t)(params) << 1 | (results))
#define WORD8(a, b, c, d, e, f, g, h) \
  ((a) | (b) << 4 | (c) << 8 | (d) << 12 | (e) << 16 | (f) << 20 | (g) << 24 | (h) << 28)
static const uint32_t export_arity[(X_COUNT + 7) / 8] = {
  WORD8(ARITY(3, 1), ARITY(3, 1), ARITY(3, 1), ARITY(0, 0), ARITY(0, 1), ARITY(4, 1), ARITY(1, 1), ARITY(2, 1)),
  WORD8(ARITY(2, 1), ARITY(1, 1), ARITY(1, 1), ARITY(0, 1), ARITY(6, 1), ARITY(2, 1), ARITY(2, 1), ARITY(1, 1)),
  WORD8(ARITY(0, 1), ARITY(1, 1), ARITY(0, 1), ARITY(1, 1), 0, 0, 0, 0),
};

static uint32_t arity_of(int which)
{
  return export_arity[which / 8] >> (which % 8 * 4) & 15u;
}

enum { IMPORT_COUNT = 4 };

struct mqtt_engine {
  wasm_vm *vm;
  const mqtt_engine_host *host;
  void *user;
  uint8_t *memory;
  uint32_t memory_size;
  uint32_t io_ptr, io_size;
  uint8_t busy;   /* an export is running: callbacks must not call back in */
  uint8_t dead;   /* the interpreter trapped: every call fails */
  uint8_t wake_fresh; /* `wake` is what wake_delay() would answer now */
  int32_t wake;       /* returned by opened/failed/received/closed/tick: saves a crossing */
  /* Records the instance's imports point at: they must live as long as it does. */
  wasm_vm_host_func imports[IMPORT_COUNT];
  wasm_vm_extern exports[X_COUNT];
};

/* The arena follows the struct, 8-byte aligned as wasm_vm_load wants. */
#define ARENA_OFFSET ((sizeof(struct mqtt_engine) + 7u) & ~(size_t)7u)

static size_t cached_arena;     /* arena bytes, once measured */
static uint8_t measure_failed;  /* the embedded module did not validate: ELOAD for good */

static const wasm_vm_limits *engine_limits(void)
{
  static wasm_vm_limits limits;
  limits.memory_limit = mqtt_engine_memory_bytes;
  limits.value_slots = WASM_VM_FROM_MODULE;
  limits.call_depth = WASM_VM_FROM_MODULE;
  return &limits;
}

/* Measures once. The validation scratch is borrowed from the heap for that moment only (it is
 * larger than the C stack budget), doubled while the module's deepest function needs more (on a
 * 64-bit host it does: its records are wider than the lx106's). */
enum { SCRATCH_LIMIT = 8 * WASM_VM_SCRATCH_BYTES };

static size_t arena_bytes(void)
{
  if (cached_arena || measure_failed) return cached_arena;
  for (size_t size = WASM_VM_SCRATCH_BYTES; size <= SCRATCH_LIMIT; size *= 2) {
    void *scratch = MQTT_MALLOC(size);
    if (!scratch) return 0;
    size_t bytes = 0;
    wasm_vm_error error = {0, 0};
    wasm_result r = wasm_vm_measure(mqtt_engine_wasm, mqtt_engine_wasm_length, engine_limits(),
                                    scratch, size, &bytes, &error);
    MQTT_FREE(scratch);
    if (r == WASM_OK) {
      cached_arena = bytes;
      return bytes;
    }
    if (r != WASM_ERR_ARENA) break;
  }
  measure_failed = 1;
  return 0;
}

size_t mqtt_engine_footprint(void)
{
  size_t arena = arena_bytes();
  return arena ? ARENA_OFFSET + arena : 0;
}

/* --- imports: pointers from the engine are offsets into linear memory, checked here -------- */

static int in_memory(const mqtt_engine *e, uint32_t ptr, uint32_t len)
{
  return ptr <= e->memory_size && len <= e->memory_size - ptr;
}

static wasm_result import_send(void *user, const wasm_value *args, wasm_value *results)
{
  (void)results;
  mqtt_engine *e = user;
  uint32_t ptr = args[0].i32, len = args[1].i32, offset = args[3].i32, blob_len = args[4].i32;
  if (!in_memory(e, ptr, len)) return WASM_TRAP_HOST;
  if (len) e->host->send(e->user, e->memory + ptr, len);
  if (blob_len && e->host->send_blob) {
    if (e->host->send_blob(e->user, (int32_t)args[2].i32, offset, blob_len) != 0) return WASM_TRAP_HOST;
  } else if (blob_len) {
    const uint8_t *bytes = e->host->blob(e->user, (int32_t)args[2].i32, offset, blob_len);
    if (!bytes) return WASM_TRAP_HOST;
    e->host->send(e->user, bytes, blob_len);
  }
  return WASM_OK;
}

static wasm_result import_release(void *user, const wasm_value *args, wasm_value *results)
{
  (void)results;
  mqtt_engine *e = user;
  e->host->release(e->user, (int32_t)args[0].i32);
  return WASM_OK;
}

static wasm_result import_event(void *user, const wasm_value *args, wasm_value *results)
{
  (void)results;
  mqtt_engine *e = user;
  int kind = (int)args[0].i32;
  int32_t a = (int32_t)args[1].i32, b = (int32_t)args[2].i32, c = (int32_t)args[3].i32;
  const uint8_t *codes = NULL;
  if (kind == MQTT_ENGINE_EV_SUBACK) {
    if (c < 0 || !in_memory(e, (uint32_t)b, (uint32_t)c)) return WASM_TRAP_HOST;
    codes = e->memory + (uint32_t)b;
  }
  e->host->event(e->user, kind, a, b, c, codes);
  return WASM_OK;
}

static wasm_result import_message(void *user, const wasm_value *args, wasm_value *results)
{
  (void)results;
  mqtt_engine *e = user;
  uint32_t topic = args[0].i32, topic_len = args[1].i32, ptr = args[2].i32, len = args[3].i32;
  if (!in_memory(e, topic, topic_len) || !in_memory(e, ptr, len)) return WASM_TRAP_HOST;
  e->host->message(e->user, e->memory + topic, topic_len, e->memory + ptr, len, args[4].i32,
                   (int)args[5].i32);
  return WASM_OK;
}

static const struct {
  const char *name;
  const char *sig;
  wasm_vm_host_fn fn;
} import_table[IMPORT_COUNT] = {
  {"send", "iiiii:", import_send},
  {"release", "i:", import_release},
  {"event", "iiii:", import_event},
  {"message", "iiiiii:", import_message},
};

/* --- calls ---------------------------------------------------------------------------------- */

/* Every export goes through here: busy and dead guards, a trap kills the engine. */
static int32_t call(mqtt_engine *e, int which, const wasm_value *args)
{
  if (!e) return MQTT_ENGINE_ETRAP;
  if (e->dead) return MQTT_ENGINE_ETRAP;
  if (e->busy) return MQTT_ENGINE_EBUSY;
  wasm_value result = {0};
  e->wake_fresh = 0;
  e->busy = 1;
  uint32_t arity = arity_of(which);
  wasm_result r = wasm_vm_call(e->vm, &e->exports[which], args, arity >> 1, &result, arity & 1u, 0, NULL);
  e->busy = 0;
  if (r != WASM_OK) {
    e->dead = 1;
    return MQTT_ENGINE_ETRAP;
  }
  return (int32_t)result.i32;
}

#define ARGS(...) ((const wasm_value[]){__VA_ARGS__})
#define I(v) {.i32 = (uint32_t)(v)}

/* Checks that the module has the exports and signatures this file calls. */
static int bind_exports(mqtt_engine *e)
{
  const char *name = export_names;
  for (int i = 0; i < X_COUNT; i++) {
    wasm_vm_functype type;
    size_t len = strlen(name);
    if (wasm_vm_export(e->vm, name, len, &e->exports[i]) != WASM_OK
        || e->exports[i].kind != WASM_EXTERN_FUNC
        || wasm_vm_func_type(e->vm, &e->exports[i], &type) != WASM_OK
        || type.param_count != arity_of(i) >> 1 || type.result_count != (arity_of(i) & 1u)) {
      return 0;
    }
    name += len + 1;
  }
  return 1;
}

mqtt_engine *mqtt_engine_new(const mqtt_engine_host *host, void *user, int *error)
{
  int ignored;
  if (!error) error = &ignored;
  size_t arena = arena_bytes();
  if (!arena) {
    *error = measure_failed ? MQTT_ENGINE_ELOAD : MQTT_ENGINE_ENOMEM;
    return NULL;
  }
  mqtt_engine *e = MQTT_MALLOC(ARENA_OFFSET + arena);
  if (!e) {
    *error = MQTT_ENGINE_ENOMEM;
    return NULL;
  }
  memset(e, 0, sizeof *e);
  e->host = host;
  e->user = user;
  for (int i = 0; i < IMPORT_COUNT; i++) {
    e->imports[i] = (wasm_vm_host_func){"env", import_table[i].name, import_table[i].sig,
                                        import_table[i].fn, e};
  }
  wasm_vm_host_funcs funcs = {e->imports, IMPORT_COUNT};
  wasm_vm_error detail = {0, 0};
  if (wasm_vm_load(&e->vm, (uint8_t *)e + ARENA_OFFSET, arena, mqtt_engine_wasm,
                   mqtt_engine_wasm_length, engine_limits(), wasm_vm_resolve_host_funcs, &funcs,
                   &detail) != WASM_OK
      || !bind_exports(e)) {
    MQTT_FREE(e);
    *error = MQTT_ENGINE_ELOAD;
    return NULL;
  }
  e->memory = wasm_vm_memory(e->vm, &e->memory_size);
  /* io is last in linear memory: sized so that it ends where the backed memory ends */
  int32_t io_size = call(e, X_SET_IO_SIZE, ARGS(I(mqtt_engine_io_bytes)));
  int32_t io_ptr = call(e, X_IO_PTR, NULL);
  if (!e->memory || io_ptr < 0 || io_size <= 0 || !in_memory(e, (uint32_t)io_ptr, (uint32_t)io_size)) {
    MQTT_FREE(e);
    *error = MQTT_ENGINE_ELOAD;
    return NULL;
  }
  e->io_ptr = (uint32_t)io_ptr;
  e->io_size = (uint32_t)io_size;
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

int32_t mqtt_engine_configure(mqtt_engine *e, uint32_t max_message_length, uint32_t max_queued,
                              uint32_t max_queued_bytes)
{
  return call(e, X_CONFIGURE, ARGS(I(max_message_length), I(max_queued), I(max_queued_bytes)));
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
  return call(e, X_FIELD, ARGS(I(kind | qos << 8), I(handle), I(len)));
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
  return call(e, X_PUBLISH, ARGS(I(handle), I(topic_len), I(payload_len), I(qos << 1 | (retain != 0)),
                                 I(token), I(now)));
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

const char *mqtt_engine_error_text(mqtt_engine *e, int32_t code, char *buf, size_t size)
{
  const char *own = own_text(code);
  if (!own) {
    int32_t n = unusable(e);
    if (n == 0) n = call(e, X_ERROR_TEXT, ARGS(I(code)));
    if (n >= 0 && (uint32_t)n <= e->io_size) return copy_text((const char *)e->memory + e->io_ptr, (size_t)n, buf, size);
    /* no text from the engine: why (busy, or dead) */
    own = own_text(n == MQTT_ENGINE_EBUSY ? n : MQTT_ENGINE_ETRAP);
  }
  return copy_text(own, strlen(own), buf, size);
}

void mqtt_engine_get_stats(const mqtt_engine *e, mqtt_engine_stats *out)
{
  memset(out, 0, sizeof *out);
  if (!e) return;
  wasm_vm_stats s;
  wasm_vm_get_stats(e->vm, &s);
  out->footprint_bytes = ARENA_OFFSET + cached_arena;
  out->arena_bytes = s.arena_bytes;
  out->memory_bytes = s.memory_bytes;
  out->peak_value_slots = s.peak_value_slots;
  out->peak_call_depth = s.peak_call_depth;
}
