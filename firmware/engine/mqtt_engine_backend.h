/* Between mqtt_engine.c (the ABI: guards, io staging, import checks, typed exports) and the one
 * engine a build links: engine_vm.c (build/engine.wasm in firmware/vm) or firmware/native (the
 * same wasm compiled to C by wasm2c). Callers of mqtt_engine.h never see this header. */
#ifndef MQTT_ENGINE_BACKEND_H
#define MQTT_ENGINE_BACKEND_H

#include "mqtt_engine.h"
#include "wasm_vm.h" /* the argument type and trap codes both engines use */

#include "engine_exports.h" /* the exports mqtt_engine.c calls, by number: X_* (generated) */

struct mqtt_engine {
  const mqtt_engine_host *host;
  void *user;
  uint8_t *memory;    /* the engine's linear memory: set by engine_backend_load */
  uint32_t memory_size;
  uint32_t io_ptr, io_size;
  uint8_t busy;       /* an export is running: callbacks must not call back in */
  uint8_t dead;       /* the engine trapped: every call fails */
  uint8_t wake_fresh; /* `wake` is what wake_delay() would answer now */
  uint8_t trap;       /* the trap that killed it (wasm_result of firmware/vm/wasm_vm.h) */
  int32_t wake;       /* returned by opened/failed/received/closed/tick: saves a crossing */
};

/* The backend's own state follows the struct in the same allocation, 8-byte aligned. */
#define ENGINE_HEAD ((sizeof(struct mqtt_engine) + 7u) & ~(size_t)7u)
#define ENGINE_BACKEND(e) ((void *)((uint8_t *)(e) + ENGINE_HEAD))

/* Bytes the backend needs after the head: MQTT_ENGINE_OK, or ENOMEM / ELOAD. */
int engine_backend_bytes(size_t *bytes);
/* Instantiates into ENGINE_BACKEND(e); sets e->memory and e->memory_size. OK or ELOAD. */
int engine_backend_load(mqtt_engine *e);
/* Runs an export: WASM_OK (0) with *result, or the trap (wasm_result). */
int engine_backend_call(mqtt_engine *e, int which, const wasm_value *args, int32_t *result);
void engine_backend_stats(const mqtt_engine *e, mqtt_engine_stats *out);

/* The imports, checked against the linear memory; nonzero = the engine call traps
 * (WASM_TRAP_HOST). */
int engine_import_send(mqtt_engine *e, uint32_t ptr, uint32_t len, int32_t blob, uint32_t offset,
                       uint32_t blob_len);
int engine_import_event(mqtt_engine *e, int kind, int32_t a, int32_t b, int32_t c);
int engine_import_message(mqtt_engine *e, uint32_t topic, uint32_t topic_len, uint32_t ptr,
                          uint32_t len, uint32_t total, int flags);
void engine_import_release(mqtt_engine *e, int32_t handle);

#endif
