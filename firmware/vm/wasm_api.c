/* Small public entry points: names, exports, calls, globals, memory, statistics. */
#include "wasm_internal.h"

#include <string.h>

const char *wasm_vm_result_name(wasm_result r) {
  switch (r) {
    case WASM_OK: return "ok";
    case WASM_ERR_MALFORMED: return "malformed";
    case WASM_ERR_INVALID: return "invalid";
    case WASM_ERR_UNSUPPORTED: return "unsupported";
    case WASM_ERR_LINK: return "link";
    case WASM_ERR_ARENA: return "arena";
    case WASM_ERR_ARGUMENT: return "argument";
    case WASM_TRAP_UNREACHABLE: return "unreachable";
    case WASM_TRAP_OUT_OF_BOUNDS: return "out_of_bounds";
    case WASM_TRAP_DIV_BY_ZERO: return "div_by_zero";
    case WASM_TRAP_INT_OVERFLOW: return "int_overflow";
    case WASM_TRAP_INVALID_CONVERSION: return "invalid_conversion";
    case WASM_TRAP_INDIRECT_MISMATCH: return "indirect_mismatch";
    case WASM_TRAP_UNDEFINED_ELEMENT: return "undefined_element";
    case WASM_TRAP_UNINITIALIZED: return "uninitialized_element";
    case WASM_TRAP_STACK_EXHAUSTED: return "stack_exhausted";
    case WASM_TRAP_FUEL_EXHAUSTED: return "fuel_exhausted";
    case WASM_TRAP_HOST: return "host_error";
  }
  return "unknown";
}

const char *wasm_vm_trap_message(wasm_result r) {
  switch (r) {
    case WASM_TRAP_UNREACHABLE: return "unreachable";
    case WASM_TRAP_OUT_OF_BOUNDS: return "out of bounds memory or table access";
    case WASM_TRAP_DIV_BY_ZERO: return "integer divide by zero";
    case WASM_TRAP_INT_OVERFLOW: return "integer overflow";
    case WASM_TRAP_INVALID_CONVERSION: return "invalid conversion to integer";
    case WASM_TRAP_INDIRECT_MISMATCH: return "indirect call type mismatch";
    case WASM_TRAP_UNDEFINED_ELEMENT: return "undefined element";
    case WASM_TRAP_UNINITIALIZED: return "uninitialized element";
    case WASM_TRAP_STACK_EXHAUSTED: return "call stack exhausted";
    case WASM_TRAP_FUEL_EXHAUSTED: return "fuel exhausted";
    case WASM_TRAP_HOST: return "host function failed";
    default: return wasm_vm_result_name(r);
  }
}

int wasm_vm_resolve_host_funcs(void *ctx, const char *module, size_t module_len, const char *name,
                               size_t name_len, wasm_extern_kind kind, wasm_vm_extern *out) {
  const wasm_vm_host_funcs *list = ctx;
  if (kind != WASM_EXTERN_FUNC || !list) return 1;
  for (size_t i = 0; i < list->count; i++) {
    const wasm_vm_host_func *h = &list->funcs[i];
    if (strlen(h->module) == module_len && strlen(h->name) == name_len &&
        !memcmp(h->module, module, module_len) && !memcmp(h->name, name, name_len)) {
      out->kind = WASM_EXTERN_HOST_FUNC;
      out->ptr = h;
      return 0;
    }
  }
  return 1;
}

static uint32_t leb(const uint8_t **pp) {
  uint32_t v = 0;
  unsigned shift = 0;
  uint8_t b;
  do {
    b = RD8((*pp)++);
    v |= (uint32_t)(b & 0x7f) << shift;
    shift += 7;
  } while ((b & 0x80) && shift < 35);
  return v;
}

static wasm_result extern_of(const wasm_vm *vm, uint8_t kind, uint32_t idx, wasm_vm_extern *out) {
  out->kind = (wasm_extern_kind)kind;
  switch (kind) {
    case 0: out->ptr = &vm->funcs[idx]; break;
    case 1: out->ptr = vm->tables[idx]; break;
    case 2: out->ptr = vm->mem; break;
    default: out->ptr = wvm_global_ref(vm, idx); break;
  }
  return WASM_OK;
}

wasm_result wasm_vm_export(const wasm_vm *vm, const char *name, size_t name_len, wasm_vm_extern *out) {
  const uint8_t *p = vm->exports;
  for (uint32_t i = 0; p && i < vm->nexports; i++) {
    uint32_t n = leb(&p);
    int same = n == name_len;
    for (uint32_t k = 0; same && k < n; k++) same = RD8(p + k) == (uint8_t)name[k];
    p += n;
    uint8_t kind = RD8(p++);
    uint32_t idx = leb(&p);
    if (!same) continue;
    return extern_of(vm, kind, idx, out);
  }
  return WASM_ERR_ARGUMENT;
}

wasm_result wasm_vm_export_at(const wasm_vm *vm, uint32_t index, wasm_vm_extern *out) {
  const uint8_t *p = vm->exports;
  if (!p || index >= vm->nexports) return WASM_ERR_ARGUMENT;
  for (uint32_t i = 0;; i++) {
    uint32_t n = leb(&p);
    p += n;
    uint8_t kind = RD8(p++);
    uint32_t idx = leb(&p);
    if (i < index) continue;
    return extern_of(vm, kind, idx, out);
  }
}

wasm_result wasm_vm_func_type(const wasm_vm *vm, const wasm_vm_extern *func, wasm_vm_functype *out) {
  (void)vm;
  if (func->kind != WASM_EXTERN_FUNC) return WASM_ERR_ARGUMENT;
  const wvm_type *t = ((const wvm_func *)func->ptr)->type;
  out->param_count = t->np;
  out->result_count = t->nr;
  out->params = t->params;
  out->results = t->results;
  return WASM_OK;
}

wasm_valtype wasm_vm_functype_param(const wasm_vm_functype *t, uint32_t i) {
  return (wasm_valtype)RD8(t->params + i);
}
wasm_valtype wasm_vm_functype_result(const wasm_vm_functype *t, uint32_t i) {
  return (wasm_valtype)RD8(t->results + i);
}

wasm_result wasm_vm_call(wasm_vm *vm, const wasm_vm_extern *func, const wasm_value *args, uint32_t arg_count,
                         wasm_value *results, uint32_t result_count, uint64_t fuel, uint64_t *fuel_used) {
  if (fuel_used) *fuel_used = 0;
  if (!vm || !func || func->kind != WASM_EXTERN_FUNC || !func->ptr) return WASM_ERR_ARGUMENT;
  wvm_func *f = (wvm_func *)(uintptr_t)func->ptr;
  if (f->type->np != arg_count || f->type->nr != result_count) return WASM_ERR_ARGUMENT;
  if (vm->busy) return WASM_ERR_ARGUMENT; /* from a host function: its stack is in use */
  vm->busy = 1;
  wasm_result r = wvm_execute(vm, f, args, results, fuel, fuel_used);
  vm->busy = 0;
  return r;
}

wasm_result wasm_vm_call_export(wasm_vm *vm, const char *name, const wasm_value *args, uint32_t arg_count,
                                wasm_value *results, uint32_t result_count, uint64_t fuel, uint64_t *fuel_used) {
  wasm_vm_extern e;
  if (wasm_vm_export(vm, name, strlen(name), &e) != WASM_OK) return WASM_ERR_ARGUMENT;
  return wasm_vm_call(vm, &e, args, arg_count, results, result_count, fuel, fuel_used);
}

wasm_result wasm_vm_global_get(const wasm_vm *vm, const wasm_vm_extern *global, wasm_valtype *type,
                               wasm_value *value) {
  (void)vm;
  if (global->kind != WASM_EXTERN_GLOBAL) return WASM_ERR_ARGUMENT;
  const wvm_global *g = global->ptr;
  if (type) *type = (wasm_valtype)g->type;
  *value = wvm_global_get(g);
  return WASM_OK;
}

wasm_result wasm_vm_global_set(wasm_vm *vm, const wasm_vm_extern *global, wasm_value value) {
  (void)vm;
  if (global->kind != WASM_EXTERN_GLOBAL) return WASM_ERR_ARGUMENT;
  wvm_global *g = (wvm_global *)(uintptr_t)global->ptr;
  if (!g->mut) return WASM_ERR_ARGUMENT;
  wvm_global_set(g, value);
  return WASM_OK;
}

uint8_t *wasm_vm_memory(const wasm_vm *vm, uint32_t *size) {
  if (!vm->mem) {
    if (size) *size = 0;
    return NULL;
  }
  if (size) *size = vm->mem->size;
  return vm->mem->data;
}

void wasm_vm_get_stats(const wasm_vm *vm, wasm_vm_stats *out) {
  out->arena_bytes = vm->arena_used;
  out->memory_bytes = vm->memory_bytes;
  out->side_table_bytes = vm->side_bytes;
  out->stack_bytes = vm->stack_bytes;
  out->peak_value_slots = vm->peak_slots;
  out->peak_call_depth = vm->peak_depth;
}
