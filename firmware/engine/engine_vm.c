/* The interpreter backend of mqtt_engine.c: build/engine.wasm, embedded as a constant array
 * (engine_wasm.c), run in firmware/vm. The backend state (imports, exports) and the
 * interpreter's arena follow the engine's head in its one allocation. */
#include <string.h>

#include "mqtt_alloc.h"
#include "mqtt_engine_backend.h"
#include "wasm_vm.h"

/* One string of NUL-separated names (no pointer per entry), read only at load. */
static const char export_names[] = ENGINE_EXPORT_NAMES;

/* Parameters << 1 | results, one nibble per export, eight to a word: every call reads it, and
 * .rodata lives in flash, where the chip faults on loads narrower than 32 bits. */
static const uint32_t export_arity[(X_COUNT + 7) / 8] = ENGINE_EXPORT_ARITY;

static uint32_t arity_of(int which)
{
  return export_arity[which / 8] >> (which % 8 * 4) & 15u;
}

enum { IMPORT_COUNT = 4 };

typedef struct {
  wasm_vm *vm;
  /* Records the instance's imports point at: they must live as long as it does. */
  wasm_vm_host_func imports[IMPORT_COUNT];
  /* The exports' functions: every one is checked to be a function, so its kind is not kept. */
  const void *exports[X_COUNT];
} vm_backend;

/* The arena follows the backend state, 8-byte aligned as wasm_vm_load wants. */
#define ARENA_OFFSET ((sizeof(vm_backend) + 7u) & ~(size_t)7u)

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

int engine_backend_bytes(size_t *bytes)
{
  size_t arena = arena_bytes();
  *bytes = arena ? ARENA_OFFSET + arena : 0;
  if (arena) return MQTT_ENGINE_OK;
  return measure_failed ? MQTT_ENGINE_ELOAD : MQTT_ENGINE_ENOMEM;
}

/* --- imports -------------------------------------------------------------------------------- */

static wasm_result import_send(void *user, const wasm_value *args, wasm_value *results)
{
  (void)results;
  return engine_import_send(user, args[0].i32, args[1].i32, (int32_t)args[2].i32, args[3].i32,
                            args[4].i32) ? WASM_TRAP_HOST : WASM_OK;
}

static wasm_result import_release(void *user, const wasm_value *args, wasm_value *results)
{
  (void)results;
  engine_import_release(user, (int32_t)args[0].i32);
  return WASM_OK;
}

static wasm_result import_event(void *user, const wasm_value *args, wasm_value *results)
{
  (void)results;
  return engine_import_event(user, (int)args[0].i32, (int32_t)args[1].i32, (int32_t)args[2].i32,
                             (int32_t)args[3].i32) ? WASM_TRAP_HOST : WASM_OK;
}

static wasm_result import_message(void *user, const wasm_value *args, wasm_value *results)
{
  (void)results;
  return engine_import_message(user, args[0].i32, args[1].i32, args[2].i32, args[3].i32,
                               args[4].i32, (int)args[5].i32) ? WASM_TRAP_HOST : WASM_OK;
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

/* --- load and call -------------------------------------------------------------------------- */

/* Checks that the module has the exports and signatures mqtt_engine.c calls. */
static int bind_exports(vm_backend *b)
{
  const char *name = export_names;
  for (int i = 0; i < X_COUNT; i++) {
    wasm_vm_functype type;
    wasm_vm_extern x;
    size_t len = strlen(name);
    if (wasm_vm_export(b->vm, name, len, &x) != WASM_OK || x.kind != WASM_EXTERN_FUNC
        || wasm_vm_func_type(b->vm, &x, &type) != WASM_OK
        || type.param_count != arity_of(i) >> 1 || type.result_count != (arity_of(i) & 1u)) {
      return 0;
    }
    b->exports[i] = x.ptr;
    name += len + 1;
  }
  return 1;
}

int engine_backend_load(mqtt_engine *e)
{
  vm_backend *b = ENGINE_BACKEND(e);
  for (int i = 0; i < IMPORT_COUNT; i++) {
    b->imports[i] = (wasm_vm_host_func){"env", import_table[i].name, import_table[i].sig,
                                        import_table[i].fn, e};
  }
  wasm_vm_host_funcs funcs = {b->imports, IMPORT_COUNT};
  wasm_vm_error detail = {0, 0};
  if (wasm_vm_load(&b->vm, (uint8_t *)b + ARENA_OFFSET, cached_arena, mqtt_engine_wasm,
                   mqtt_engine_wasm_length, engine_limits(), wasm_vm_resolve_host_funcs, &funcs,
                   &detail) != WASM_OK
      || !bind_exports(b)) {
    return MQTT_ENGINE_ELOAD;
  }
  e->memory = wasm_vm_memory(b->vm, &e->memory_size);
  return MQTT_ENGINE_OK;
}

int engine_backend_call(mqtt_engine *e, int which, const wasm_value *args, int32_t *result)
{
  vm_backend *b = ENGINE_BACKEND(e);
  uint32_t arity = arity_of(which);
  wasm_value out = {0};
  const wasm_vm_extern fn = {WASM_EXTERN_FUNC, b->exports[which]};
  wasm_result r = wasm_vm_call(b->vm, &fn, args, arity >> 1, &out, arity & 1u, 0, NULL);
  *result = (int32_t)out.i32;
  return r;
}

void engine_backend_stats(const mqtt_engine *e, mqtt_engine_stats *out)
{
  const vm_backend *b = (const void *)((const uint8_t *)e + ENGINE_HEAD);
  wasm_vm_stats s;
  wasm_vm_get_stats(b->vm, &s);
  out->footprint_bytes = ENGINE_HEAD + ARENA_OFFSET + cached_arena;
  out->arena_bytes = s.arena_bytes;
  out->memory_bytes = s.memory_bytes;
  out->peak_value_slots = s.peak_value_slots;
  out->peak_call_depth = s.peak_call_depth;
}
