/* Loader internals shared by the section parser (wasm_load.c), the function validator
 * (wasm_validate.c) and instantiation (wasm_instance.c). */
#ifndef WASM_LOAD_H
#define WASM_LOAD_H

#include "wasm_read.h"

/* Bump allocator over the arena; in counting mode (base == NULL) it only adds up sizes. */
typedef struct {
  uint8_t *base;
  size_t used, cap;
} wvm_bump;

typedef struct {
  wvm_reader r;
  wvm_module m;
  wvm_bump a;
  struct wasm_vm *vm;      /* NULL when only measuring */
  uint8_t *scratch;        /* validation work area */
  size_t scratch_size;
  uint32_t nside;
  wvm_side *side;          /* write mode: the side table being built */
  uint32_t value_slots;
  size_t scratch_peak;     /* most validation scratch any function needed */
  /* WASM_VM_FROM_MODULE rounds: per function the slots its calls can use (nfuncs words), then
   * the frames (nfuncs words); NULL otherwise. */
  uint32_t *bound;
  uint8_t bound_changed;   /* a round raised some function's figures */
  uint8_t bound_open;      /* call_indirect: no bound */
  uint32_t nwide;          /* wide side entries so far (branches that drop values) */
  uint32_t wide_total;     /* write mode: the counting pass's nwide, reserved before the side table */
  wvm_side_wide *wide;     /* write mode: that reservation */
} wvm_loader;

void *wvm_alloc(wvm_loader *L, size_t n, size_t align);
static inline int wvm_writing(const wvm_loader *L) { return L->vm != NULL; }

/* Lookups by scanning the (already validated) sections. */
int wvm_type_at(const wvm_module *m, uint32_t idx, wvm_type *out);
uint32_t wvm_func_type_index(const wvm_module *m, uint32_t fidx);
void wvm_global_type(const wvm_module *m, uint32_t gidx, uint8_t *type, uint8_t *mut);
uint8_t wvm_table_type(const wvm_module *m, uint32_t tidx);
int wvm_func_declared(const wvm_module *m, uint32_t fidx);
void wvm_skip_name(wvm_reader *r);
void wvm_skip_limits(wvm_reader *r);
/* Reads a const expression's instructions up to and including `end` (validated already). */
void wvm_skip_const_expr(wvm_reader *r);

/* Validates a constant expression of type `want` (0 for any reference returned in *got). */
void wvm_validate_const_expr(wvm_loader *L, uint8_t want);
uint8_t wvm_read_valtype(wvm_reader *r);
int wvm_is_reftype(uint8_t t);

/* Validates one function body (reader positioned after the body size) and builds its side
 * table entries; fills the function record when writing. */
void wvm_validate_body(wvm_loader *L, uint32_t fidx, const uint8_t *body_end);

/* The code section (reader on its vector count): every body validated. */
void wvm_parse_code(wvm_loader *L);

/* Runs the whole section walk: measure (vm == NULL) or build (vm != NULL). */
void wvm_parse_module(wvm_loader *L);

#endif
