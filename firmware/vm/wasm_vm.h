/* wasm_vm — a small WebAssembly 2.0 interpreter (no SIMD) that runs module bytes in place.
 *
 * No allocation: the caller gives one arena per instance. wasm_vm_measure() says beforehand how
 * many bytes an instance of a module needs (instance state, function records, branch side table,
 * operand and call stacks, linear memory up to the host's limit).
 *
 * Module bytes are never copied; they must stay valid and unchanged while the instance lives.
 * Build switches:
 *   WASM_VM_FLOAT=1|0        f32/f64 support (default 1). With 0, modules using floats are
 *                            rejected at load with WASM_ERR_UNSUPPORTED.
 *   WASM_VM_ALIGNED_READS=1  every read of module bytes goes through an aligned 32-bit load
 *                            and a shift (ESP8266 flash); the module may start at any address.
 *
 * No C recursion: wasm frames and values live in the arena; C stack use is bounded. */
#ifndef WASM_VM_H
#define WASM_VM_H

#include <stddef.h>
#include <stdint.h>

#ifndef WASM_VM_FLOAT
#define WASM_VM_FLOAT 1
#endif

#ifdef __cplusplus
extern "C" {
#endif

typedef enum {
  WASM_OK = 0,
  /* load / link errors */
  WASM_ERR_MALFORMED,        /* bytes are not a well-formed binary module */
  WASM_ERR_INVALID,          /* well-formed but fails validation */
  WASM_ERR_UNSUPPORTED,      /* valid but uses something this build lacks (floats, SIMD, ...) */
  WASM_ERR_LINK,             /* an import is missing or has the wrong type */
  WASM_ERR_ARENA,            /* arena too small (call wasm_vm_measure) or a limit exceeded */
  WASM_ERR_ARGUMENT,         /* bad call from the host: unknown export, wrong arg count, ... */
  /* traps (execution) */
  WASM_TRAP_UNREACHABLE,
  WASM_TRAP_OUT_OF_BOUNDS,       /* memory access, table access, bulk op or segment out of range */
  WASM_TRAP_DIV_BY_ZERO,
  WASM_TRAP_INT_OVERFLOW,
  WASM_TRAP_INVALID_CONVERSION,
  WASM_TRAP_INDIRECT_MISMATCH,   /* call_indirect type mismatch */
  WASM_TRAP_UNDEFINED_ELEMENT,   /* call_indirect index beyond the table */
  WASM_TRAP_UNINITIALIZED,       /* call_indirect through a null entry */
  WASM_TRAP_STACK_EXHAUSTED,     /* wasm call depth or operand stack exhausted */
  WASM_TRAP_FUEL_EXHAUSTED,
  WASM_TRAP_HOST                 /* a host function reported failure */
} wasm_result;

/* Short stable name of a result, e.g. "out of bounds memory access" style names are in
 * wasm_vm_trap_message(); this one gives identifiers like "unreachable", "div_by_zero". */
const char *wasm_vm_result_name(wasm_result r);
/* The spec suite's wording for a trap ("integer divide by zero", ...). */
const char *wasm_vm_trap_message(wasm_result r);

typedef enum {
  WASM_I32 = 0x7f,
  WASM_I64 = 0x7e,
  WASM_F32 = 0x7d,
  WASM_F64 = 0x7c,
  WASM_FUNCREF = 0x70,
  WASM_EXTERNREF = 0x6f
} wasm_valtype;

/* One value. Floats are carried as their bits (f32 in the low 32 bits of i64's storage);
 * references are pointers (0 = null). */
typedef union {
  uint32_t i32;
  uint64_t i64;
  uintptr_t ref;
} wasm_value;

/* Host's budgets for one instance. Zero fields take the defaults below. */
typedef struct {
  uint32_t memory_limit;   /* bytes of linear memory at most (may be < 65536); default 65536 */
  uint32_t value_slots;    /* operand stack + locals, in 8-byte slots; default 256 */
  uint32_t call_depth;     /* wasm frames; default 32 */
  uint32_t table_limit;    /* elements per table at most; default 1024 */
} wasm_vm_limits;

/* value_slots / call_depth = WASM_VM_FROM_MODULE: exactly what the module can use, when
 * validation proves it (its own call graph has no cycle and no call_indirect; imported
 * functions count as host functions, needing room for their results only; calling into
 * another instance's function is still checked and traps WASM_TRAP_STACK_EXHAUSTED when it
 * does not fit); the default otherwise. */
#define WASM_VM_FROM_MODULE UINT32_MAX

#define WASM_VM_DEFAULT_MEMORY_LIMIT 65536u
#define WASM_VM_DEFAULT_VALUE_SLOTS 256u
#define WASM_VM_DEFAULT_CALL_DEPTH 32u
#define WASM_VM_DEFAULT_TABLE_LIMIT 1024u

/* Error detail: a short message (static text plus an offset), never allocated. */
typedef struct {
  const char *message;   /* e.g. "type mismatch", "unknown import" */
  uint32_t offset;       /* byte offset in the module where it was found */
} wasm_vm_error;

typedef struct wasm_vm wasm_vm;

/* A host function. args/results are arrays sized by the signature. Return WASM_OK or a trap. */
typedef wasm_result (*wasm_vm_host_fn)(void *user, const wasm_value *args, wasm_value *results);

/* A host function offered for import. sig is "params:results" with one letter per value:
 * i=i32 I=i64 f=f32 F=f64 r=funcref e=externref, e.g. "ii:i", ":", "I:". sig NULL accepts any
 * signature (for stubs; results start zeroed). The record must outlive every instance that
 * imports it. */
typedef struct {
  const char *module;
  const char *name;
  const char *sig;
  wasm_vm_host_fn fn;
  void *user;
} wasm_vm_host_func;

typedef enum {
  WASM_EXTERN_FUNC = 0,
  WASM_EXTERN_TABLE = 1,
  WASM_EXTERN_MEMORY = 2,
  WASM_EXTERN_GLOBAL = 3,
  WASM_EXTERN_HOST_FUNC = 4   /* ptr is a const wasm_vm_host_func * */
} wasm_extern_kind;

/* Something an instance exports (or a host function) that another instance may import. */
typedef struct {
  wasm_extern_kind kind;
  const void *ptr;
} wasm_vm_extern;

/* Resolves one import. Return 0 and fill *out, or non-zero if unknown (link error). kind is
 * the import's kind (WASM_EXTERN_FUNC..GLOBAL); returning a HOST_FUNC for a FUNC import is fine.
 * module/name are RAM copies (not NUL-terminated); names longer than 64 bytes are a link error. */
typedef int (*wasm_vm_resolve_fn)(void *ctx, const char *module, size_t module_len,
                                  const char *name, size_t name_len, wasm_extern_kind kind,
                                  wasm_vm_extern *out);

/* Convenience resolver: ctx is a wasm_vm_host_funcs list; only functions are resolved. */
typedef struct {
  const wasm_vm_host_func *funcs;
  size_t count;
} wasm_vm_host_funcs;
int wasm_vm_resolve_host_funcs(void *ctx, const char *module, size_t module_len,
                               const char *name, size_t name_len, wasm_extern_kind kind,
                               wasm_vm_extern *out);

/* Validates the module (fully) and computes the arena bytes an instance needs with these limits.
 * scratch: work area for validation: about 48 bytes per nested block plus one byte per operand
 * of the deepest function (on a 32-bit target). WASM_VM_SCRATCH_BYTES covers compiler output of
 * ordinary depth; if it is too small the result is WASM_ERR_ARENA. Loading uses the tail of the
 * arena for the same purpose, and the measured size includes what it needs. */
#define WASM_VM_SCRATCH_BYTES 2048u
wasm_result wasm_vm_measure(const uint8_t *bytes, size_t len, const wasm_vm_limits *limits,
                            void *scratch, size_t scratch_size, size_t *arena_bytes,
                            wasm_vm_error *err);

/* Validates, links and instantiates (globals, tables, memory, element and data segments, start
 * function) inside arena (8-byte aligned, at least the measured size; the tail of the arena is
 * used as validation scratch). Errors leave *out NULL. A trap in the start function or a segment
 * out of bounds returns that trap (the instance is unusable, but other instances it wrote into
 * through imported tables/memories keep those writes, as the standard says). */
wasm_result wasm_vm_load(wasm_vm **out, void *arena, size_t arena_size, const uint8_t *bytes,
                         size_t len, const wasm_vm_limits *limits, wasm_vm_resolve_fn resolve,
                         void *resolve_ctx, wasm_vm_error *err);

/* Exports. Names are compared as byte strings. */
wasm_result wasm_vm_export(const wasm_vm *vm, const char *name, size_t name_len,
                           wasm_vm_extern *out);

/* The i-th export (in the module's order), for hosts that enumerate; WASM_ERR_ARGUMENT past the
 * last one. */
wasm_result wasm_vm_export_at(const wasm_vm *vm, uint32_t index, wasm_vm_extern *out);

/* A function's signature: counts and value types (as wasm_valtype bytes). */
typedef struct {
  uint32_t param_count;
  uint32_t result_count;
  const uint8_t *params;   /* points into the module bytes (read with care if aligned reads) */
  const uint8_t *results;
} wasm_vm_functype;
wasm_result wasm_vm_func_type(const wasm_vm *vm, const wasm_vm_extern *func, wasm_vm_functype *out);
/* Value type of parameter/result i (handles aligned-read builds). */
wasm_valtype wasm_vm_functype_param(const wasm_vm_functype *t, uint32_t i);
wasm_valtype wasm_vm_functype_result(const wasm_vm_functype *t, uint32_t i);

/* Calls an exported (or any) function. fuel: steps budget, 0 means no limit; a step is a taken
 * branch or a call (what can repeat), so any budget bounds the run time. On return *fuel_used
 * (if not NULL) holds the steps used. Traps are returned as codes. */
/* A host function must not call back into the instance whose call is running (its stack is in
 * use): that returns WASM_ERR_ARGUMENT. */
wasm_result wasm_vm_call(wasm_vm *vm, const wasm_vm_extern *func, const wasm_value *args,
                         uint32_t arg_count, wasm_value *results, uint32_t result_count,
                         uint64_t fuel, uint64_t *fuel_used);
/* Shorthand: look up export `name` and call it. */
wasm_result wasm_vm_call_export(wasm_vm *vm, const char *name, const wasm_value *args,
                                uint32_t arg_count, wasm_value *results, uint32_t result_count,
                                uint64_t fuel, uint64_t *fuel_used);

/* Globals: read (any) / write (mutable only) an exported global. */
wasm_result wasm_vm_global_get(const wasm_vm *vm, const wasm_vm_extern *global, wasm_valtype *type,
                               wasm_value *value);
wasm_result wasm_vm_global_set(wasm_vm *vm, const wasm_vm_extern *global, wasm_value value);

/* Linear memory of the instance (memory 0): base and current size in bytes (0/NULL if none). */
uint8_t *wasm_vm_memory(const wasm_vm *vm, uint32_t *size);

/* Statistics for budgets. */
typedef struct {
  size_t arena_bytes;        /* total used */
  size_t memory_bytes;       /* of which reserved for linear memory */
  size_t side_table_bytes;   /* branch side table */
  size_t stack_bytes;        /* operand stack + call frames */
  uint32_t peak_value_slots; /* deepest operand stack use seen */
  uint32_t peak_call_depth;
} wasm_vm_stats;
void wasm_vm_get_stats(const wasm_vm *vm, wasm_vm_stats *out);

#ifdef __cplusplus
}
#endif
#endif
