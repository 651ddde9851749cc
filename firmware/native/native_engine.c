/* The native backend of mqtt_engine.c: build/engine.wasm compiled ahead of time to C by wasm2c
 * (tools/firmware/native.ts writes build/firmware/native/engine_native.c), run on native_rt.c.
 * The instance (the module's globals) and the linear memory follow the engine's head in its
 * one allocation: nothing is allocated after mqtt_engine_new. */
#include "engine_native.h"
#include "mqtt_engine_backend.h"
#include "native_rt.h"
#include "wasm_vm.h"

/* The same figures the interpreter build gets from engine_wasm.c. */
const uint32_t mqtt_engine_memory_bytes = W2C_MEMORY_BYTES;
const uint32_t mqtt_engine_capacities[4] = {W2C_CAPACITIES};
const uint32_t mqtt_engine_io_bytes = W2C_IO_BYTES;

/* The linear memory follows the instance, 8-byte aligned. */
#define INSTANCE_BYTES ((sizeof(Z_engine_instance_t) + 7u) & ~(size_t)7u)

int engine_backend_bytes(size_t *bytes)
{
  *bytes = INSTANCE_BYTES + W2C_MEMORY_BYTES;
  return MQTT_ENGINE_OK;
}

/* --- imports: env is the engine (given at instantiation); a refusal traps the call ---------- */

void Z_envZ_send(struct Z_env_instance_t *env, u32 ptr, u32 len, u32 blob, u32 offset, u32 blob_len)
{
  if (engine_import_send((mqtt_engine *)env, ptr, len, (int32_t)blob, offset, blob_len)) native_rt_trap(WASM_TRAP_HOST);
}

void Z_envZ_release(struct Z_env_instance_t *env, u32 handle)
{
  engine_import_release((mqtt_engine *)env, (int32_t)handle);
}

void Z_envZ_event(struct Z_env_instance_t *env, u32 kind, u32 a, u32 b, u32 c)
{
  if (engine_import_event((mqtt_engine *)env, (int)kind, (int32_t)a, (int32_t)b, (int32_t)c)) native_rt_trap(WASM_TRAP_HOST);
}

void Z_envZ_message(struct Z_env_instance_t *env, u32 topic, u32 topic_len, u32 ptr, u32 len, u32 total, u32 flags)
{
  if (engine_import_message((mqtt_engine *)env, topic, topic_len, ptr, len, total, (int)flags)) native_rt_trap(WASM_TRAP_HOST);
}

/* --- load and call -------------------------------------------------------------------------- */

static int32_t dispatch(Z_engine_instance_t *x, int which, const wasm_value *v)
{
  switch (which) {
    case X_CONFIGURE: Z_engineZ_configure(x, v[0].i32, v[1].i32); return 0;
    case X_TEXT: return (int32_t)Z_engineZ_text(x, v[0].i32, v[1].i32, v[2].i32);
    case X_FIELD: return (int32_t)Z_engineZ_field(x, v[0].i32, v[1].i32, v[2].i32);
    case X_CLEAR_FIELDS: Z_engineZ_clear_fields(x); return 0;
    case X_ACTIVE: return (int32_t)Z_engineZ_active(x);
    case X_START: return (int32_t)Z_engineZ_start(x, v[0].i32, v[1].i32, v[2].i32, v[3].i32);
    case X_OPENED: return (int32_t)Z_engineZ_opened(x, v[0].i32);
    case X_FAILED: return (int32_t)Z_engineZ_failed(x, v[0].i32, v[1].i32);
    case X_RECEIVED: return (int32_t)Z_engineZ_received(x, v[0].i32, v[1].i32);
    case X_CLOSED: return (int32_t)Z_engineZ_closed(x, v[0].i32);
    case X_TICK: return (int32_t)Z_engineZ_tick(x, v[0].i32);
    case X_WAKE_DELAY: return (int32_t)Z_engineZ_wake_delay(x);
    case X_PUBLISH: return (int32_t)Z_engineZ_publish(x, v[0].i32, v[1].i32, v[2].i32, v[3].i32, v[4].i32, v[5].i32);
    case X_SUBSCRIBE: return (int32_t)Z_engineZ_subscribe(x, v[0].i32, v[1].i32);
    case X_UNSUBSCRIBE: return (int32_t)Z_engineZ_unsubscribe(x, v[0].i32, v[1].i32);
    case X_CLOSE: return (int32_t)Z_engineZ_close(x, v[0].i32);
    case X_HIGH_WATER: return (int32_t)Z_engineZ_high_water(x);
    case X_IO_PTR: return (int32_t)Z_engineZ_io_ptr(x);
    case X_LAYOUT: return (int32_t)Z_engineZ_layout(x, v[0].i32, v[1].i32, v[2].i32, v[3].i32, v[4].i32);
    default: native_rt_trap(WASM_ERR_ARGUMENT);
  }
}

/* Runs an export (or, for which < 0, the instantiation) with traps caught. */
static int run(mqtt_engine *e, int which, const wasm_value *args, int32_t *result)
{
  Z_engine_instance_t *x = ENGINE_BACKEND(e);
  jmp_buf here;
  jmp_buf *outer = native_rt_target; /* another engine's call may be running (nested hosts) */
  native_rt_target = &here;
  int trap = setjmp(here);
  if (trap == 0) {
    if (which < 0) Z_engine_instantiate(x, (struct Z_env_instance_t *)e);
    else *result = dispatch(x, which, args);
  }
  native_rt_target = outer;
  return trap;
}

int engine_backend_load(mqtt_engine *e)
{
  static uint8_t module_ready;
  if (!module_ready) {
    Z_engine_init_module();
    module_ready = 1;
  }
  Z_engine_instance_t *x = ENGINE_BACKEND(e);
  native_rt_give_memory((uint8_t *)x + INSTANCE_BYTES, W2C_MEMORY_BYTES);
  if (run(e, -1, NULL, NULL) != 0) return MQTT_ENGINE_ELOAD;
  e->memory = x->w2c_memory.data;
  e->memory_size = x->w2c_memory.size;
  return MQTT_ENGINE_OK;
}

int engine_backend_call(mqtt_engine *e, int which, const wasm_value *args, int32_t *result)
{
  return run(e, which, args, result);
}

void engine_backend_stats(const mqtt_engine *e, mqtt_engine_stats *out)
{
  (void)e;
  out->footprint_bytes = ENGINE_HEAD + INSTANCE_BYTES + W2C_MEMORY_BYTES;
  out->arena_bytes = INSTANCE_BYTES;
  out->memory_bytes = W2C_MEMORY_BYTES;
}
