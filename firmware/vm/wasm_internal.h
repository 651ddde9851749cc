/* Shared between the loader (wasm_load.c), the interpreter (wasm_exec.c) and the API glue
 * (wasm_api.c). Not part of the public interface. */
#ifndef WASM_INTERNAL_H
#define WASM_INTERNAL_H

#include "wasm_vm.h"
#include "wasm_opcodes.h"

#ifndef WASM_VM_ALIGNED_READS
#define WASM_VM_ALIGNED_READS 0
#endif

/* Every read of module bytes goes through RD8: on the ESP8266 flash only answers aligned
 * 32-bit loads, so that build fetches the word and shifts out the byte. */
#if WASM_VM_ALIGNED_READS
typedef uint32_t __attribute__((may_alias)) wvm_word;
static inline __attribute__((always_inline)) uint8_t wvm_rd8(const uint8_t *p) {
  uintptr_t a = (uintptr_t)p;
  uint32_t w = *(const wvm_word *)(a & ~(uintptr_t)3);
#if defined(__XTENSA__)
  /* ssa8l takes the byte lane from the address's low bits itself: one instruction fewer
   * than the C shift (GCC masks first), on every opcode and immediate byte. */
  uint32_t r;
  __asm__("ssa8l %1\n\tsrl %0, %2" : "=a"(r) : "a"(p), "a"(w));
  return (uint8_t)r;
#else
  return (uint8_t)(w >> ((a & 3u) * 8u));
#endif
}
#define RD8(p) wvm_rd8(p)
#if defined(__XTENSA__)
/* Four module bytes from p (opcode and immediates) for one more load than a byte: the
 * aligned word and the next, funnel-shifted. Reads up to 7 bytes past p. */
#define WVM_RD32 1
static inline __attribute__((always_inline)) uint32_t wvm_rd32(const uint8_t *p) {
  const wvm_word *a = (const wvm_word *)((uintptr_t)p & ~(uintptr_t)3);
  uint32_t lo = a[0], hi = a[1], r;
  __asm__("ssa8l %1\n\tsrc %0, %3, %2" : "=a"(r) : "a"(p), "a"(lo), "a"(hi));
  return r;
}
#endif
#else
#define RD8(p) (*(const uint8_t *)(p))
#endif

#define WVM_PAGE 65536u
#define WVM_V128 0x7b /* SIMD's value type: recognised only to be reported as unsupported */

struct wasm_vm;

/* Branch side table entry, 4 bytes, built at validation in code order. Branch sites (if, else,
 * br, br_if, br_table targets) each own one; the interpreter walks the table in step with the
 * code, so no branch ever scans. Deltas: pc relative to the byte after the branch opcode (never
 * 0), stp relative to this entry. A branch that drops values (rare) has pc 0 and stp indexing
 * the instance's wide entries, which hold both deltas and, for a taken branch, how many values
 * on top to keep and how many below them to drop. */
typedef struct {
  int16_t pc;
  int16_t stp;
} wvm_side;
typedef struct {
  wvm_side d;
  uint8_t keep;
  uint8_t drop;
} wvm_side_wide;
#define WVM_SIDE_SPAN 32767 /* farthest a branch may reach, in side entries and in code bytes */
#define WVM_SIDE_VALUES 255 /* most values a taken branch may keep or drop */
#define WVM_MAX_WIDE 65535u /* branches that drop values, in one module */
#define WVM_WIDE_BYTES(n) ((sizeof(wvm_side_wide) * (n) + 3u) & ~(size_t)3) /* keeps the side table aligned */

typedef struct {
  const uint8_t *params;   /* value type bytes, in the module */
  const uint8_t *results;
  uint16_t np, nr;         /* more are refused as unsupported */
} wvm_type;

/* 20 bytes on a 32-bit core: one per function, so 16-bit where the limits below allow. */
typedef struct wvm_func {
  struct wasm_vm *inst;          /* instance whose code/memory/globals this function uses */
  const wvm_type *type;
  union {
    const uint8_t *code;           /* first instruction */
    const wasm_vm_host_func *host; /* host functions (side == WVM_HOST) */
  } u;
  uint16_t len;                  /* code + len is the final `end` byte */
  uint16_t side;                 /* first side entry, in inst->side; WVM_HOST for host functions */
  uint16_t nlocals;              /* declared locals, params excluded */
  uint16_t max_height;           /* deepest operand stack in the body */
} wvm_func;
#define WVM_HOST 0xffffu
#define WVM_MAX_LOCALS 50000u
#define WVM_MAX_HEIGHT 65535u
#define WVM_MAX_BODY 65535u      /* bytes of instructions in one function */
#define WVM_MAX_SIDE 65534u      /* branch sites in one module */

/* The value as two words: a 4-aligned 12-byte record on the lx106 instead of an 8-aligned
 * 16-byte one. Moved as the 64-bit field (no library call, same bits back). An instance has
 * one per global, imports first: an imported one only points at the exporter's. */
typedef struct wvm_global {
  union {
    uint32_t v[2];
    struct wvm_global *to;  /* mut == WVM_GLOBAL_IMPORTED */
  } u;
  uint8_t type;
  uint8_t mut;
} wvm_global;
#define WVM_GLOBAL_IMPORTED 2u
_Static_assert(sizeof(wasm_value) == sizeof(uint64_t), "a wasm_value is its 64-bit field");
static inline wasm_value wvm_global_get(const wvm_global *g) {
  wasm_value v;
  v.i64 = (uint64_t)g->u.v[1] << 32 | g->u.v[0];
  return v;
}
static inline void wvm_global_set(wvm_global *g, wasm_value v) {
  g->u.v[0] = (uint32_t)v.i64;
  g->u.v[1] = (uint32_t)(v.i64 >> 32);
}

typedef struct {
  uintptr_t *elems;
  uint32_t size, max;      /* max: reserved capacity (declared max clipped to the host limit) */
  uint32_t decl_max;       /* declared max or UINT32_MAX; used for import matching */
  uint8_t type;
} wvm_table;

typedef struct {
  uint8_t *data;
  uint32_t size;           /* accessible bytes (pages * 64 KiB, clipped to the host limit) */
  uint32_t pages;          /* what memory.size reports */
  uint32_t limit;          /* bytes reserved in the arena */
  uint32_t decl_max;       /* declared max pages or UINT32_MAX */
} wvm_memory;

typedef struct {
  const uint8_t *items;    /* in the module */
  uint32_t count;
  uint8_t exprs;           /* items are const exprs (else function indices) */
  uint8_t type;
  uint8_t dropped;
} wvm_elem;

typedef struct {
  const uint8_t *bytes;
  uint32_t len;
  uint8_t dropped;
} wvm_data;

/* Where the sections are (vector contents, after the count) and how many of everything. */
typedef struct {
  const uint8_t *base, *end;
  const uint8_t *types, *imports, *funcs, *tables, *mems, *globals, *exports, *elems, *datas;
  const uint8_t *code;     /* the code section's vector count */
  uint32_t ntypes, nimports, nfuncs, ntables, nmems, nglobals, nexports, nelems, ncode, ndatas;
  uint32_t imp_funcs, imp_tables, imp_mems, imp_globals;
  uint32_t start;          /* UINT32_MAX if none */
  uint32_t datacount;      /* UINT32_MAX if no data count section */
} wvm_module;

typedef struct {
  const uint8_t *pc;
  const wvm_side *stp;
  wvm_func *func;
  wasm_value *fp;
} wvm_frame;

struct wasm_vm {
  const uint8_t *base, *end; /* the module (the rest of its layout matters only while loading) */
  const uint8_t *exports;  /* the export vector's contents */
  uint32_t nexports;
  wvm_type *types;
  wvm_func *funcs;         /* all functions, imports first: an import from another instance is a
                              copy of that instance's record (same code, instance and type) */
  wvm_global *globals;
  wvm_table **tables;
  wvm_table *own_tables;
  wvm_memory *mem;         /* NULL if none */
  wvm_memory own_mem;
  wvm_elem *elems;
  wvm_data *datas;
  wvm_side *side;
  wvm_side_wide *wide;
  uint32_t nside;
  wasm_value *stack, *stack_end;
  wvm_frame *frames;
  uint32_t max_frames;
  uint32_t peak_slots, peak_depth;
  uint8_t busy;            /* a call is running on this instance's stack */
  size_t arena_used, memory_bytes, side_bytes, stack_bytes;
};

/* Global i of the instance, followed to the exporter's if imported. */
static inline wvm_global *wvm_global_ref(const struct wasm_vm *vm, uint32_t i) {
  wvm_global *g = &vm->globals[i];
  return g->mut == WVM_GLOBAL_IMPORTED ? g->u.to : g;
}

/* Loader helpers used by the interpreter for bulk ops on segments. */
uintptr_t wvm_elem_item(struct wasm_vm *vm, const wvm_elem *e, uint32_t i);
int wvm_types_equal(const wvm_type *a, const wvm_type *b);
wasm_result wvm_execute(struct wasm_vm *vm, wvm_func *f, const wasm_value *args, wasm_value *results,
                        uint64_t fuel, uint64_t *fuel_used);

#endif
