/* mqtt_engine — the C side of the engine ABI (docs/abi.md): runs build/engine.wasm, either
 * embedded as a constant array in firmware/vm (the interpreter, engine_vm.c) or compiled ahead of
 * time to C (firmware/native); the build picks one (docs/firmware.md), callers cannot tell. Binds
 * the four imports to a host callback table and wraps each export in a typed call. It knows the
 * ABI and nothing of MQTT, Lua or sockets.
 *
 * Callbacks run during an engine call, in the order the engine produces them. They must not call
 * back into the same engine (that returns MQTT_ENGINE_EBUSY): a host that wants to act on an
 * event (run a Lua callback, publish) queues it and acts after the call returns. Pointers given
 * to callbacks are valid only during the callback. */
#ifndef MQTT_ENGINE_H
#define MQTT_ENGINE_H

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

/* The embedded module of the interpreter build (generated from build/engine.wasm by
 * tools/firmware/embed.ts into build/firmware/engine_wasm.c; the native build has no array). On the ESP8266 it lives in flash and is read only with aligned
 * 32-bit loads (the interpreter is built with WASM_VM_ALIGNED_READS=1 there). */
extern const uint8_t mqtt_engine_wasm[];
extern const uint32_t mqtt_engine_wasm_length;
/* Bytes of linear memory the engine uses (its high_water() after layout, rounded up to 8): the
 * only part of the declared 64 KiB page the host backs. */
extern const uint32_t mqtt_engine_memory_bytes;
/* The engine's capacities, given to its layout() at load, from mqtt_limits.h: held outbound
 * publishes, inbound QoS 2 window (ids), pending subscribe/unsubscribe requests, filters per call
 * (docs/abi.md). */
extern const uint32_t mqtt_engine_capacities[4];
/* Size of the engine's io buffer (layout's last argument; MQTT_ENGINE_IO_BYTES of mqtt_limits.h):
 * io is last in linear memory, so mqtt_engine_memory_bytes covers static data, tables and this. */
extern const uint32_t mqtt_engine_io_bytes;

/* Event kinds, string kinds, start and message flags, connfail reasons and error codes: generated
 * from the ABI table (abi/abi.json). */
#include "mqtt_engine_abi.h"

/* Results of this layer's own failures (negative, apart from the engine's error codes, which are
 * positive: MQTT_ENGINE_ERR_* of mqtt_engine_abi.h). */
enum {
  MQTT_ENGINE_OK = 0,
  MQTT_ENGINE_EBUSY = -100,   /* called from inside one of this engine's callbacks */
  MQTT_ENGINE_ETRAP = -101,   /* the engine trapped: it is dead, free it (stats give the trap) */
  MQTT_ENGINE_ENOMEM = -102,  /* no memory for the instance */
  MQTT_ENGINE_ELOAD = -103    /* the embedded module did not load (build mismatch) */
};

typedef struct {
  /* Bytes for the transport, in order; copy them before returning. */
  void (*send)(void *user, const uint8_t *bytes, size_t len);
  /* Bytes [offset, offset + len) of the host's blob `handle`, contiguous; NULL if the handle or
   * range is unknown (the engine call then fails with MQTT_ENGINE_ETRAP). Used only to send
   * them: may be NULL when send_blob is given. */
  const uint8_t *(*blob)(void *user, int32_t handle, uint32_t offset, uint32_t len);
  /* The engine is done with a string blob (publish blobs come back through events 6 and 10). */
  void (*release)(void *user, int32_t handle);
  /* An event; `codes` (c bytes) only for SUBACK, NULL otherwise. */
  void (*event)(void *user, int kind, int32_t a, int32_t b, int32_t c, const uint8_t *codes);
  /* A piece of an inbound message (docs/abi.md: first/last/overflow; the topic comes with the
   * first call, whole in topic/topic_len, or in MQTT_ENGINE_MSG_TOPIC pieces in data). */
  void (*message)(void *user, const uint8_t *topic, size_t topic_len, const uint8_t *data,
                  size_t len, uint32_t total, int flags);
  /* Optional (NULL: blob + send are used): send bytes [offset, offset + len) of blob `handle`
   * by reference, for hosts that keep the blob alive until the transport took it instead of
   * copying. Nonzero = unknown handle or range (the engine call fails with MQTT_ENGINE_ETRAP). */
  int (*send_blob)(void *user, int32_t handle, uint32_t offset, uint32_t len);
} mqtt_engine_host;

typedef struct mqtt_engine mqtt_engine;

/* Bytes one engine instance takes from the heap (instance state, interpreter arena, linear
 * memory); 0 if the embedded module does not load. Measured once, then cached. */
size_t mqtt_engine_footprint(void);

/* A new engine with its own arena (one allocation with MQTT_ENGINE_MALLOC), laid out with
 * mqtt_engine_capacities and mqtt_engine_io_bytes. NULL on failure with *error set
 * (MQTT_ENGINE_ENOMEM or MQTT_ENGINE_ELOAD). `host` must outlive the engine. */
mqtt_engine *mqtt_engine_new(const mqtt_engine_host *host, void *user, int *error);
void mqtt_engine_free(mqtt_engine *engine);

/* The exports. Each returns what the ABI says, or a negative MQTT_ENGINE_E* of this layer. */
/* Inbound payload bytes delivered per message; topic + payload bytes of the publishes held. */
int32_t mqtt_engine_configure(mqtt_engine *e, uint32_t max_message_length, uint32_t max_queued_bytes);
/* A string for field kinds 0..4 (replaces the session's), or a staged filter (kind 6, with its
 * QoS): the bytes are copied into io (through text() in pieces when longer than io), then
 * field(kind | qos << 8, handle, len). 0 = the engine owns `handle` until release. */
int32_t mqtt_engine_field(mqtt_engine *e, int kind, int qos, int32_t handle, const uint8_t *bytes,
                          size_t len);
int32_t mqtt_engine_clear_fields(mqtt_engine *e);
int32_t mqtt_engine_active(mqtt_engine *e);
int32_t mqtt_engine_start(mqtt_engine *e, uint32_t keepalive, uint32_t flags, uint32_t now,
                          uint32_t seed);
int32_t mqtt_engine_opened(mqtt_engine *e, uint32_t now);
int32_t mqtt_engine_failed(mqtt_engine *e, int32_t reason, uint32_t now);
/* Inbound bytes, any length (fed through io in pieces). */
int32_t mqtt_engine_received(mqtt_engine *e, const uint8_t *bytes, size_t len, uint32_t now);
int32_t mqtt_engine_closed(mqtt_engine *e, uint32_t now);
int32_t mqtt_engine_tick(mqtt_engine *e, uint32_t now);
/* ms until tick is due, relative to the last `now` given; -1 = no timer. opened, failed,
 * received, closed and tick get it back from the engine and keep it, so asking right after one of
 * them costs no crossing. */
int32_t mqtt_engine_wake_delay(mqtt_engine *e);
/* Blob `handle` = topic bytes then payload bytes; `topic` (topic_len bytes) is copied into io
 * (through text() when longer). Returns 2 / 1 / 0 / -err as docs/abi.md says. */
int32_t mqtt_engine_publish(mqtt_engine *e, int32_t handle, const uint8_t *topic, size_t topic_len,
                            uint32_t payload_len, int qos, int retain, int32_t token, uint32_t now);
int32_t mqtt_engine_subscribe(mqtt_engine *e, int32_t token, uint32_t now);
int32_t mqtt_engine_unsubscribe(mqtt_engine *e, int32_t token, uint32_t now);
int32_t mqtt_engine_close(mqtt_engine *e, uint32_t now);
int32_t mqtt_engine_high_water(mqtt_engine *e);
/* The text of an error code, NUL-terminated into buf (truncated to size): the engine's codes from
 * the ABI table (kept in flash, not in the engine; e may be NULL), this layer's (MQTT_ENGINE_E*)
 * its own. */
const char *mqtt_engine_error_text(mqtt_engine *e, int32_t code, char *buf, size_t size);

/* Figures for budgets: interpreter arena bytes (native: the instance's globals), linear memory
 * bytes backed, peak operand slots and call depth (interpreter only), and the trap that killed
 * the engine (0 = none; both engines report the interpreter's wasm_result codes of
 * firmware/vm/wasm_vm.h, e.g. WASM_TRAP_OUT_OF_BOUNDS, WASM_TRAP_HOST). */
typedef struct {
  size_t footprint_bytes;
  size_t arena_bytes;
  size_t memory_bytes;
  uint32_t peak_value_slots;
  uint32_t peak_call_depth;
  uint32_t trap;
} mqtt_engine_stats;
void mqtt_engine_get_stats(const mqtt_engine *e, mqtt_engine_stats *out);

#ifdef __cplusplus
}
#endif
#endif
