/* Measure, load, link and instantiate: arena layout, imports, globals, tables, memory, element
 * and data segments, start function. */
#include "wasm_load.h"

#include <string.h>

static void limits_or_default(const wasm_vm_limits *in, wasm_vm_limits *out) {
  wasm_vm_limits z = {0, 0, 0, 0};
  if (!in) in = &z;
  out->memory_limit = in->memory_limit ? in->memory_limit : WASM_VM_DEFAULT_MEMORY_LIMIT;
  out->value_slots = in->value_slots ? in->value_slots : WASM_VM_DEFAULT_VALUE_SLOTS;
  out->call_depth = in->call_depth ? in->call_depth : WASM_VM_DEFAULT_CALL_DEPTH;
  out->table_limit = in->table_limit ? in->table_limit : WASM_VM_DEFAULT_TABLE_LIMIT;
}

static void loader_init(wvm_loader *L, const uint8_t *bytes, size_t len) {
  memset(L, 0, sizeof *L);
  L->r.p = L->r.base = bytes;
  L->r.end = bytes + len;
  L->m.base = bytes;
  L->m.end = bytes + len;
}

/* Everything after the parsed module: data records, tables' elements, stacks, linear memory. */
static void layout_tail(wvm_loader *L, const wasm_vm_limits *lim) {
  wvm_module *m = &L->m;
  struct wasm_vm *vm = L->vm;
  wvm_data *datas = wvm_alloc(L, sizeof(wvm_data) * m->ndatas, 8);
  size_t before = L->a.used;
  wvm_reader r = {m->tables, m->end, m->base, WASM_OK, NULL, NULL};
  for (uint32_t i = m->imp_tables; i < m->ntables && !L->r.err; i++) {
    uint8_t type = rd_byte(&r), flags = rd_byte(&r);
    uint32_t min = rd_u32(&r), max = flags ? rd_u32(&r) : UINT32_MAX;
    uint32_t cap = max < lim->table_limit ? max : lim->table_limit;
    if (min > cap) {
      rd_fail(&L->r, WASM_ERR_ARENA, "table larger than the host's table limit");
      return;
    }
    uintptr_t *elems = wvm_alloc(L, sizeof(uintptr_t) * cap, 8);
    if (elems) {
      wvm_table *t = &vm->own_tables[i];
      t->elems = elems;
      t->size = min;
      t->max = cap;
      t->decl_max = max;
      t->type = type;
      memset(elems, 0, sizeof(uintptr_t) * min); /* table.grow fills what it adds */
      vm->tables[i] = t;
    }
  }
  size_t tables_bytes = L->a.used - before;
  wasm_value *stack = wvm_alloc(L, sizeof(wasm_value) * lim->value_slots, 8);
  wvm_frame *frames = wvm_alloc(L, sizeof(wvm_frame) * lim->call_depth, 8);
  uint32_t reserve = 0, min_pages = 0, max_pages = UINT32_MAX;
  if (m->nmems > m->imp_mems) {
    r.p = m->mems;
    uint8_t flags = rd_byte(&r);
    min_pages = rd_u32(&r);
    if (flags) max_pages = rd_u32(&r);
    uint64_t want = max_pages == UINT32_MAX ? UINT64_MAX : (uint64_t)max_pages * WVM_PAGE;
    reserve = want < lim->memory_limit ? (uint32_t)want : lim->memory_limit;
  }
  uint8_t *mem = wvm_alloc(L, reserve, 8);
  if (L->r.err || !wvm_writing(L)) return;
  vm->datas = datas;
  vm->stack = stack;
  vm->stack_end = stack + lim->value_slots;
  vm->frames = frames;
  vm->max_frames = lim->call_depth;
  vm->stack_bytes = sizeof(wasm_value) * lim->value_slots + sizeof(wvm_frame) * lim->call_depth;
  vm->memory_bytes = reserve;
  vm->side_bytes = sizeof(wvm_side) * L->nside + WVM_WIDE_BYTES(L->wide_total);
  (void)tables_bytes;
  if (m->nmems > m->imp_mems) {
    uint64_t size = (uint64_t)min_pages * WVM_PAGE;
    vm->own_mem.data = mem;
    vm->own_mem.size = size < reserve ? (uint32_t)size : reserve;
    vm->own_mem.pages = min_pages;
    vm->own_mem.limit = reserve;
    vm->own_mem.decl_max = max_pages;
    memset(mem, 0, vm->own_mem.size); /* memory.grow zeroes what it adds */
    vm->mem = &vm->own_mem;
  }
}

static wasm_result finish_error(wvm_loader *L, wasm_vm_error *err) {
  if (err) {
    err->message = L->r.msg ? L->r.msg : "error";
    err->offset = L->r.at ? (uint32_t)(L->r.at - L->m.base) : 0;
  }
  return L->r.err;
}

/* WASM_VM_FROM_MODULE: validation runs again over the bodies in rounds, each raising every
 * function's figures (its frame plus its deepest call's) from its callees' as known so far.
 * Without a cycle they settle within (longest call chain + 1) rounds; a cycle never settles,
 * so after WVM_BOUND_ROUNDS the defaults stand, as they do with call_indirect or too little
 * scratch. Runs in the counting pass only, which measure and load both do first. */
#define WVM_BOUND_ROUNDS 16u
/* not inlined: its copy of the loader is on the C stack only when asked for */
static __attribute__((noinline)) void module_bounds(wvm_loader *L, wasm_vm_limits *lim) {
  const wvm_module *m = &L->m;
  uint32_t slots = WASM_VM_DEFAULT_VALUE_SLOTS, frames = WASM_VM_DEFAULT_CALL_DEPTH;
  uint8_t *start = (uint8_t *)(((uintptr_t)L->scratch + 3) & ~(uintptr_t)3);
  size_t bytes = (size_t)(start - L->scratch) + sizeof(uint32_t) * 2 * m->nfuncs;
  if (bytes + L->scratch_peak + 16 <= L->scratch_size) {
    wvm_loader saved = *L;
    uint32_t *bound = (uint32_t *)(void *)start;
    memset(bound, 0, sizeof(uint32_t) * 2 * m->nfuncs);
    L->bound = bound;
    L->bound_open = 0;
    L->scratch += bytes;
    L->scratch_size -= bytes;
    for (uint32_t round = 0; round < WVM_BOUND_ROUNDS; round++) {
      L->bound_changed = 0;
      L->r.p = m->code;
      wvm_parse_code(L);
      L->nside = saved.nside;
      L->nwide = saved.nwide;
      L->a = saved.a;
      if (L->r.err || L->bound_open) break;
      if (!L->bound_changed) {
        /* any function may be the entry (imported ones need no stack: wvm_execute) */
        slots = frames = 1;
        for (uint32_t f = 0; f < m->nfuncs; f++) {
          if (bound[f] > slots) slots = bound[f];
          if (bound[m->nfuncs + f] > frames) frames = bound[m->nfuncs + f];
        }
        break;
      }
    }
    *L = saved;
  }
  if (lim->value_slots == WASM_VM_FROM_MODULE) lim->value_slots = slots;
  if (lim->call_depth == WASM_VM_FROM_MODULE) lim->call_depth = frames;
}

/* One counting pass: validates and sizes everything. scratch holds the validator's stacks. */
static wasm_result count_pass(wvm_loader *L, const uint8_t *bytes, size_t len, wasm_vm_limits *lim,
                              void *scratch, size_t scratch_size, size_t *parsed, size_t *total) {
  loader_init(L, bytes, len);
  L->scratch = scratch;
  L->scratch_size = scratch_size;
  L->value_slots = lim->value_slots;
  wvm_alloc(L, sizeof(struct wasm_vm), 8);
  wvm_parse_module(L);
  if (L->r.err) return L->r.err;
  if (lim->value_slots == WASM_VM_FROM_MODULE || lim->call_depth == WASM_VM_FROM_MODULE) module_bounds(L, lim);
  *parsed = (L->a.used + 7) & ~(size_t)7;
  layout_tail(L, lim);
  *total = L->a.used;
  /* the building pass validates again in the space after the parsed part */
  if (*total < *parsed + L->scratch_peak + 16) *total = *parsed + L->scratch_peak + 16;
  return L->r.err;
}

wasm_result wasm_vm_measure(const uint8_t *bytes, size_t len, const wasm_vm_limits *limits,
                            void *scratch, size_t scratch_size, size_t *arena_bytes, wasm_vm_error *err) {
  wasm_vm_limits lim;
  limits_or_default(limits, &lim);
  wvm_loader L;
  size_t parsed = 0, total = 0;
  if (count_pass(&L, bytes, len, &lim, scratch, scratch_size, &parsed, &total)) return finish_error(&L, err);
  *arena_bytes = total;
  return WASM_OK;
}

/* ---- linking ---- */

static int sig_char_type(char c) {
  switch (c) {
    case 'i': return WASM_I32;
    case 'I': return WASM_I64;
    case 'f': return WASM_F32;
    case 'F': return WASM_F64;
    case 'r': return WASM_FUNCREF;
    case 'e': return WASM_EXTERNREF;
  }
  return -1;
}

static int host_sig_matches(const char *sig, const wvm_type *t) {
  uint32_t i = 0;
  if (!sig) return 1; /* a host function that takes any signature */
  for (; *sig && *sig != ':'; sig++, i++)
    if (i >= t->np || sig_char_type(*sig) != RD8(t->params + i)) return 0;
  if (i != t->np || *sig != ':') return 0;
  sig++;
  for (i = 0; *sig; sig++, i++)
    if (i >= t->nr || sig_char_type(*sig) != RD8(t->results + i)) return 0;
  return i == t->nr;
}

int wvm_types_equal(const wvm_type *a, const wvm_type *b) {
  if (a == b) return 1;
  if (a->np != b->np || a->nr != b->nr) return 0;
  for (uint32_t i = 0; i < a->np; i++)
    if (RD8(a->params + i) != RD8(b->params + i)) return 0;
  for (uint32_t i = 0; i < a->nr; i++)
    if (RD8(a->results + i) != RD8(b->results + i)) return 0;
  return 1;
}

#define NAME_MAX_BYTES 64

static int copy_name(wvm_reader *r, char *buf, size_t *len) {
  uint32_t n = rd_u32(r);
  if (n > NAME_MAX_BYTES) return 0;
  for (uint32_t i = 0; i < n; i++) buf[i] = (char)RD8(r->p + i);
  r->p += n;
  *len = n;
  return 1;
}

static int limits_match(uint32_t have_min, uint32_t have_max, uint32_t want_min, uint32_t want_max) {
  if (have_min < want_min) return 0;
  if (want_max == UINT32_MAX) return 1;
  return have_max != UINT32_MAX && have_max <= want_max;
}

static void link_imports(wvm_loader *L, wasm_vm_resolve_fn resolve, void *ctx) {
  wvm_module *m = &L->m;
  struct wasm_vm *vm = L->vm;
  wvm_reader r = {m->imports, m->end, m->base, WASM_OK, NULL, NULL};
  uint32_t nf = 0, nt = 0, ng = 0;
  char mod[NAME_MAX_BYTES], name[NAME_MAX_BYTES];
  for (uint32_t i = 0; i < m->nimports; i++) {
    size_t ml, nl;
    if (!copy_name(&r, mod, &ml) || !copy_name(&r, name, &nl)) {
      rd_fail(&L->r, WASM_ERR_LINK, "import name longer than 64 bytes");
      return;
    }
    uint8_t kind = rd_byte(&r);
    wasm_vm_extern ext = {WASM_EXTERN_FUNC, NULL};
    if (!resolve || resolve(ctx, mod, ml, name, nl, (wasm_extern_kind)kind, &ext) || !ext.ptr) {
      rd_fail(&L->r, WASM_ERR_LINK, "unknown import");
      return;
    }
    const char *bad = NULL;
    switch (kind) {
      case 0: {
        const wvm_type *t = &vm->types[rd_u32(&r)];
        if (ext.kind == WASM_EXTERN_HOST_FUNC) {
          const wasm_vm_host_func *h = ext.ptr;
          if (!host_sig_matches(h->sig, t)) bad = "incompatible import type (host function signature)";
          vm->funcs[nf].type = t;
          vm->funcs[nf].u.host = h;
          vm->funcs[nf].side = WVM_HOST;
        } else if (ext.kind == WASM_EXTERN_FUNC) {
          wvm_func *f = (wvm_func *)(uintptr_t)ext.ptr;
          if (!wvm_types_equal(f->type, t)) bad = "incompatible import type";
          vm->funcs[nf] = *f;
        } else {
          bad = "incompatible import type";
        }
        nf++;
        break;
      }
      case 1: {
        uint8_t type = rd_byte(&r), flags = rd_byte(&r);
        uint32_t min = rd_u32(&r), max = flags ? rd_u32(&r) : UINT32_MAX;
        wvm_table *t = (wvm_table *)(uintptr_t)ext.ptr;
        if (ext.kind != WASM_EXTERN_TABLE || t->type != type || !limits_match(t->size, t->decl_max, min, max))
          bad = "incompatible import type";
        vm->tables[nt++] = t;
        break;
      }
      case 2: {
        uint8_t flags = rd_byte(&r);
        uint32_t min = rd_u32(&r), max = flags ? rd_u32(&r) : UINT32_MAX;
        wvm_memory *mem = (wvm_memory *)(uintptr_t)ext.ptr;
        if (ext.kind != WASM_EXTERN_MEMORY || !limits_match(mem->pages, mem->decl_max, min, max))
          bad = "incompatible import type";
        vm->mem = mem;
        break;
      }
      case 3: {
        uint8_t type = rd_byte(&r), mut = rd_byte(&r);
        wvm_global *g = (wvm_global *)(uintptr_t)ext.ptr;
        if (ext.kind != WASM_EXTERN_GLOBAL || g->type != type || g->mut != mut) bad = "incompatible import type";
        vm->globals[ng].u.to = g;
        vm->globals[ng++].mut = WVM_GLOBAL_IMPORTED;
        break;
      }
    }
    if (bad) {
      rd_fail(&L->r, WASM_ERR_LINK, bad);
      return;
    }
  }
}

/* ---- instantiation ---- */

static wasm_value eval_const(struct wasm_vm *vm, wvm_reader *r) {
  wasm_value v;
  v.i64 = 0;
  for (;;) {
    uint8_t op = rd_byte(r);
    switch (op) {
      case OP_END: return v;
      case OP_I32_CONST: v.i64 = 0; v.i32 = (uint32_t)rd_s32(r); break;
      case OP_I64_CONST: v.i64 = (uint64_t)rd_s64(r); break;
      case OP_F32_CONST: v.i64 = 0; v.i32 = rd_fixed32(r); break;
      case OP_F64_CONST: v.i64 = rd_fixed64(r); break;
      case OP_REF_NULL: rd_byte(r); v.i64 = 0; v.ref = 0; break;
      case OP_REF_FUNC: v.i64 = 0; v.ref = (uintptr_t)&vm->funcs[rd_u32(r)]; break;
      case OP_GLOBAL_GET: v = wvm_global_get(wvm_global_ref(vm, rd_u32(r))); break;
      default: return v;
    }
  }
}

uintptr_t wvm_elem_item(struct wasm_vm *vm, const wvm_elem *e, uint32_t i) {
  wvm_reader r = {e->items, vm->end, vm->base, WASM_OK, NULL, NULL};
  for (uint32_t k = 0; k < i; k++) {
    if (e->exprs) wvm_skip_const_expr(&r);
    else rd_u32(&r);
  }
  if (e->exprs) return eval_const(vm, &r).ref;
  return (uintptr_t)&vm->funcs[rd_u32(&r)];
}

static wasm_result init_segments(struct wasm_vm *vm, const wvm_module *mod) {
  const wvm_module *m = mod;
  wvm_reader r = {m->globals, m->end, m->base, WASM_OK, NULL, NULL};
  for (uint32_t i = m->imp_globals; i < m->nglobals; i++) {
    wvm_global *g = &vm->globals[i];
    g->type = rd_byte(&r);
    g->mut = rd_byte(&r);
    wvm_global_set(g, eval_const(vm, &r));
  }
  /* element segments: record all, then apply the active ones in order */
  r.p = m->elems;
  for (uint32_t i = 0; i < m->nelems; i++) {
    wvm_elem *e = &vm->elems[i];
    uint32_t flags = rd_u32(&r), table = 0, offset = 0;
    e->type = WASM_FUNCREF;
    if (!(flags & 1)) {
      if (flags & 2) table = rd_u32(&r);
      offset = eval_const(vm, &r).i32;
      if (flags & 2) { uint8_t k = rd_byte(&r); if (flags & 4) e->type = k; }
    } else {
      uint8_t k = rd_byte(&r);
      if (flags & 4) e->type = k;
    }
    e->count = rd_u32(&r);
    e->items = r.p;
    e->exprs = (flags & 4) != 0;
    e->dropped = (flags & 1) != 0 && (flags & 2) != 0; /* declarative */
    for (uint32_t k = 0; k < e->count; k++) {
      if (e->exprs) wvm_skip_const_expr(&r);
      else rd_u32(&r);
    }
    if (!(flags & 1)) {
      wvm_table *t = vm->tables[table];
      if ((uint64_t)offset + e->count > t->size) return WASM_TRAP_OUT_OF_BOUNDS;
      for (uint32_t k = 0; k < e->count; k++) t->elems[offset + k] = wvm_elem_item(vm, e, k);
      e->dropped = 1;
    }
  }
  r.p = m->datas;
  for (uint32_t i = 0; i < m->ndatas; i++) {
    wvm_data *d = &vm->datas[i];
    uint32_t flags = rd_u32(&r), offset = 0;
    if (flags != 1) {
      if (flags == 2) rd_u32(&r);
      offset = eval_const(vm, &r).i32;
    }
    d->len = rd_u32(&r);
    d->bytes = r.p;
    d->dropped = 0;
    r.p += d->len;
    if (flags != 1) {
      wvm_memory *mem = vm->mem;
      if ((uint64_t)offset + d->len > mem->size) return WASM_TRAP_OUT_OF_BOUNDS;
      for (uint32_t k = 0; k < d->len; k++) mem->data[offset + k] = RD8(d->bytes + k);
      d->dropped = 1;
    }
  }
  return WASM_OK;
}

wasm_result wasm_vm_load(wasm_vm **out, void *arena, size_t arena_size, const uint8_t *bytes, size_t len,
                         const wasm_vm_limits *limits, wasm_vm_resolve_fn resolve, void *resolve_ctx,
                         wasm_vm_error *err) {
  wasm_vm_limits lim;
  limits_or_default(limits, &lim);
  *out = NULL;
  wvm_loader L;
  size_t parsed = 0, total = 0;
  if (count_pass(&L, bytes, len, &lim, arena, arena_size, &parsed, &total)) return finish_error(&L, err);
  if (total > arena_size) {
    L.r.err = WASM_ERR_ARENA;
    L.r.msg = "arena too small (use wasm_vm_measure)";
    return finish_error(&L, err);
  }
  uint32_t wide_total = L.nwide;
  loader_init(&L, bytes, len);
  L.wide_total = wide_total;
  L.a.base = arena;
  L.a.cap = arena_size;
  L.scratch = (uint8_t *)arena + parsed;
  L.scratch_size = arena_size - parsed;
  L.value_slots = lim.value_slots;
  struct wasm_vm *vm = wvm_alloc(&L, sizeof(struct wasm_vm), 8);
  memset(vm, 0, sizeof *vm);
  L.vm = vm;
  wvm_parse_module(&L);
  if (!L.r.err) layout_tail(&L, &lim);
  if (L.r.err) return finish_error(&L, err);
  vm->base = L.m.base;
  vm->end = L.m.end;
  vm->exports = L.m.exports;
  vm->nexports = L.m.nexports;
  {
    /* a module without branches: a valid base for side indices all the same */
    static const wvm_side no_branches = {0, 0};
    vm->side = L.side ? L.side : (wvm_side *)(uintptr_t)&no_branches;
  }
  vm->nside = L.nside;
  vm->arena_used = L.a.used;
  link_imports(&L, resolve, resolve_ctx);
  if (L.r.err) return finish_error(&L, err);
  wasm_result res = init_segments(vm, &L.m);
  if (res == WASM_OK && L.m.start != UINT32_MAX)
    res = wvm_execute(vm, &vm->funcs[L.m.start], NULL, NULL, 0, NULL);
  if (res != WASM_OK) {
    if (err) {
      err->message = wasm_vm_trap_message(res);
      err->offset = 0;
    }
    return res;
  }
  *out = vm;
  return WASM_OK;
}
