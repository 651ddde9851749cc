/* Function body validation (the standard's algorithm with a polymorphic stack after
 * unconditional branches) and construction of the branch side table. */
#include "wasm_load.h"

#include <string.h>

#define T_UNKNOWN 0

enum { K_BLOCK, K_LOOP, K_IF, K_ELSE, K_FUNC };

/* One per nested block in the validation scratch, so 16-bit where a function's limits allow:
 * a function whose operand height or side entries go past them is refused at its end, and a
 * truncated figure before that can only make validation stricter. */
typedef struct {
  wvm_type bt;
  uint32_t oldest_off; /* code offset of the first pending entry */
  union {              /* by kind */
    uint32_t if_off;   /* if: code offset its entry jumps from */
    uint32_t start_off; /* loop: code offset of the body */
  };
  uint16_t height;     /* type stack height below the block's values */
  uint16_t pending;    /* side entries waiting for this block's end (index + 1, linked) */
  uint16_t oldest;     /* first pending entry (index + 1): the longest span to patch */
  union {
    uint16_t if_entry; /* if: its side entry (index + 1) until else/end patches it */
    uint16_t start_stp; /* loop: side index at the body */
  };
  uint8_t kind;
  uint8_t unreachable;
} vctrl;

typedef struct {
  wvm_loader *L;
  wvm_reader *r;
  uint8_t *types;      /* grows down from the scratch end: types[-1] is the top */
  uint32_t h;
  vctrl *ctrl;         /* grows up from the scratch start */
  uint32_t nctrl;
  uint32_t max_h;
  wvm_type ft;
  const uint8_t *groups;
  uint32_t ngroups;
  uint64_t nlocals;
  uint32_t callee_slots, callee_frames; /* WASM_VM_FROM_MODULE rounds: the deepest call */
} V;

static void fail(V *v, const char *msg) { rd_fail(v->r, WASM_ERR_INVALID, msg); }

static int room(V *v) {
  size_t used = (size_t)(v->nctrl + 1) * sizeof(vctrl) + v->h + 1;
  if (used > v->L->scratch_peak) v->L->scratch_peak = used;
  if (used > v->L->scratch_size) {
    rd_fail(v->r, WASM_ERR_ARENA, "function nests too deep for the validation scratch");
    return 0;
  }
  return 1;
}

static void push(V *v, uint8_t t) {
  if (v->r->err || !room(v)) return;
  v->types[-(int64_t)++v->h] = t;
  if (v->h > v->max_h) v->max_h = v->h;
}

static uint8_t pop_any(V *v) {
  vctrl *c = &v->ctrl[v->nctrl - 1];
  if (v->h == c->height) {
    if (c->unreachable) return T_UNKNOWN;
    fail(v, "type mismatch");
    return T_UNKNOWN;
  }
  return v->types[-(int64_t)v->h--];
}

static uint8_t pop(V *v, uint8_t want) {
  uint8_t t = pop_any(v);
  if (t != want && t != T_UNKNOWN && want != T_UNKNOWN) fail(v, "type mismatch");
  return t == T_UNKNOWN ? want : t;
}

static void pop_vals(V *v, const uint8_t *ts, uint32_t n) {
  for (uint32_t i = n; i-- > 0 && !v->r->err;) pop(v, RD8(ts + i));
}
static void push_vals(V *v, const uint8_t *ts, uint32_t n) {
  for (uint32_t i = 0; i < n && !v->r->err; i++) push(v, RD8(ts + i));
}

static void set_unreachable(V *v) {
  vctrl *c = &v->ctrl[v->nctrl - 1];
  v->h = c->height;
  c->unreachable = 1;
}

static uint32_t off(V *v, const uint8_t *p) { return (uint32_t)(p - v->L->m.base); }

static void span_fail(V *v) {
  rd_fail(v->r, WASM_ERR_UNSUPPORTED, "function too large: a branch spans more than 32 KiB or 32767 branches");
}

static wvm_side *new_side(V *v, uint32_t *idx) {
  wvm_loader *L = v->L;
  *idx = L->nside++;
  wvm_side *s = wvm_alloc(L, sizeof(wvm_side), 4);
  if (s && !L->side) L->side = s;
  return s;
}

/* Where the entry's deltas are: in its wide entry if it has one. */
static wvm_side *deltas(wvm_loader *L, wvm_side *s) {
  return s->pc == 0 ? &L->wide[(uint16_t)s->stp].d : s;
}

/* Queues a forward branch for the block's end. Until the end patches it, the entry's deltas
 * hold the distance to the previous queued entry with the top bit set (pc is then never 0) and
 * the branch's offset (low bits suffice: the patched span is < 32 KiB). */
static __attribute__((noinline)) void add_pending(vctrl *c, wvm_side *t, uint32_t idx, uint32_t op_off) {
  if (t) {
    /* a link beyond the span fails span_ok before it is read */
    t->pc = (int16_t)(uint16_t)(((c->pending ? idx + 1 - c->pending : 0) & 0x7fffu) | 0x8000u);
    t->stp = (int16_t)(uint16_t)op_off;
  }
  if (!c->oldest) {
    c->oldest = idx + 1;
    c->oldest_off = op_off;
  }
  c->pending = idx + 1;
}

/* Side entry for a branch to `depth` from the branch opcode ending at op_off, with the operand
 * stack at height h (branch operands still on it); wide if it drops values. */
static void emit_branch(V *v, uint32_t depth, uint32_t op_off) {
  wvm_loader *L = v->L;
  vctrl *c = &v->ctrl[v->nctrl - 1 - depth];
  uint32_t keep = c->kind == K_LOOP ? c->bt.np : c->bt.nr;
  uint32_t drop = v->h >= c->height + keep ? v->h - c->height - keep : 0;
  if (keep > WVM_SIDE_VALUES || drop > WVM_SIDE_VALUES) {
    rd_fail(v->r, WASM_ERR_UNSUPPORTED, "branch carries more than 255 values");
    return;
  }
  uint32_t idx;
  wvm_side *s = new_side(v, &idx);
  if (drop) {
    uint32_t at = L->nwide++;
    if (at >= WVM_MAX_WIDE) {
      rd_fail(v->r, WASM_ERR_UNSUPPORTED, "module has more than 65535 branches that drop values");
      return;
    }
    if (s && at < L->wide_total) { /* building (it never needs more than the counting pass) */
      L->wide[at].keep = (uint8_t)keep;
      L->wide[at].drop = (uint8_t)drop;
      s->pc = 0;
      s->stp = (int16_t)(uint16_t)at;
      s = &L->wide[at].d;
    }
  }
  if (c->kind == K_LOOP) {
    if (idx - c->start_stp > WVM_SIDE_SPAN || op_off - c->start_off > WVM_SIDE_SPAN + 1) {
      span_fail(v);
      return;
    }
    if (!s) return;
    s->pc = (int16_t)-(int32_t)(op_off - c->start_off);
    s->stp = (int16_t)-(int32_t)(idx - c->start_stp);
  } else {
    add_pending(c, s, idx, op_off);
  }
}

static int span_ok(V *v, uint32_t entry1, uint32_t from_off, uint32_t target_off) {
  if (entry1 && (v->L->nside - (entry1 - 1) > WVM_SIDE_SPAN || target_off - from_off > WVM_SIDE_SPAN)) {
    span_fail(v);
    return 0;
  }
  return 1;
}

/* Sets a queued entry's deltas now that the target is known; returns its link. */
static uint32_t patch(V *v, uint32_t entry1, uint32_t target_off) {
  wvm_loader *L = v->L;
  uint32_t idx = entry1 - 1;
  wvm_side *t = deltas(L, &L->side[idx]);
  uint32_t link = (uint16_t)t->pc & 0x7fffu;
  t->pc = (int16_t)(uint16_t)((uint16_t)target_off - (uint16_t)t->stp);
  t->stp = (int16_t)(L->nside - idx);
  return link;
}

static void patch_if(V *v, vctrl *c, uint32_t target_off) {
  if (span_ok(v, c->if_entry, c->if_off, target_off) && wvm_writing(v->L)) patch(v, c->if_entry, target_off);
  c->if_entry = 0;
}

static void patch_pending(V *v, vctrl *c, uint32_t target_off) {
  if (!span_ok(v, c->oldest, c->oldest_off, target_off)) return;
  c->oldest = 0;
  if (!wvm_writing(v->L)) return;
  uint32_t e = c->pending;
  while (e) {
    uint32_t back = patch(v, e, target_off);
    e = back ? e - back : 0;
  }
  c->pending = 0;
}

static void push_ctrl(V *v, uint8_t kind, const wvm_type *bt) {
  pop_vals(v, bt->params, bt->np);
  if (v->r->err || !room(v)) return;
  vctrl *c = &v->ctrl[v->nctrl++];
  memset(c, 0, sizeof *c);
  c->bt = *bt;
  c->kind = kind;
  c->height = v->h;
  push_vals(v, bt->params, bt->np);
}

static uint8_t local_type(V *v, uint32_t idx) {
  if (idx < v->ft.np) return RD8(v->ft.params + idx);
  if ((uint64_t)idx >= v->ft.np + v->nlocals) {
    fail(v, "unknown local");
    return 0;
  }
  idx -= v->ft.np;
  wvm_reader g = {v->groups, v->L->m.end, v->L->m.base, WASM_OK, NULL, NULL};
  for (uint32_t i = 0; i < v->ngroups; i++) {
    uint32_t n = rd_u32(&g);
    uint8_t t = rd_byte(&g);
    if (idx < n) return t;
    idx -= n;
  }
  return 0;
}

static void read_blocktype(V *v, wvm_type *bt) {
  wvm_reader *r = v->r;
  memset(bt, 0, sizeof *bt);
  if (r->p >= r->end) { rd_fail(r, WASM_ERR_MALFORMED, "unexpected end"); return; }
  uint8_t b = RD8(r->p);
  if (b == WVM_BLOCKTYPE_EMPTY) { r->p++; return; }
  /* 0x7b..0x7f: v128 and the numeric types (wvm_read_valtype rejects v128 as unsupported) */
  if ((b >= WVM_V128 && b <= WASM_I32) || b == WASM_FUNCREF || b == WASM_EXTERNREF) {
    bt->nr = 1;
    bt->results = r->p;
    wvm_read_valtype(r);
    return;
  }
  int64_t x = (int64_t)rd_leb(r, 33, 1);
  if (r->err) return;
  if (x < 0) { rd_fail(r, WASM_ERR_MALFORMED, "malformed block type"); return; }
  if (!wvm_type_at(&v->L->m, (uint32_t)x, bt)) fail(v, "unknown type");
}

static void memarg(V *v, uint32_t natural_log2) {
  uint32_t align = rd_u32(v->r);
  rd_u32(v->r);
  if (v->r->err) return;
  if (v->L->m.nmems == 0) { fail(v, "unknown memory 0"); return; }
  if (align > natural_log2) fail(v, "alignment must not be larger than natural");
}

static void need_memory(V *v) {
  if (v->L->m.nmems == 0) fail(v, "unknown memory 0");
}

static void zero_byte(V *v) {
  if (rd_byte(v->r) != 0 && !v->r->err) rd_fail(v->r, WASM_ERR_MALFORMED, "zero byte expected");
}

static uint8_t table_of(V *v, uint32_t t) {
  if (t >= v->L->m.ntables) { fail(v, "unknown table"); return 0; }
  return wvm_table_type(&v->L->m, t);
}

static uint8_t elem_type(V *v, uint32_t idx) {
  const wvm_module *m = &v->L->m;
  if (idx >= m->nelems) { fail(v, "unknown elem segment"); return 0; }
  wvm_reader r = {m->elems, m->end, m->base, WASM_OK, NULL, NULL};
  uint8_t type = WASM_FUNCREF;
  for (uint32_t i = 0; i <= idx; i++) {
    uint32_t flags = rd_u32(&r);
    type = WASM_FUNCREF;
    if (!(flags & 1)) {
      if (flags & 2) rd_u32(&r);
      wvm_skip_const_expr(&r);
      if (flags & 2) { uint8_t k = rd_byte(&r); if (flags & 4) type = k; }
    } else {
      uint8_t k = rd_byte(&r);
      if (flags & 4) type = k;
    }
    uint32_t n = rd_u32(&r);
    for (uint32_t k = 0; k < n; k++) {
      if (flags & 4) wvm_skip_const_expr(&r);
      else rd_u32(&r);
    }
  }
  return type;
}

static void need_data(V *v, uint32_t idx) {
  if (v->L->m.datacount == UINT32_MAX) { rd_fail(v->r, WASM_ERR_MALFORMED, "data count section required"); return; }
  if (idx >= v->L->m.datacount) fail(v, "unknown data segment");
}

/* Operand/result types of the plain numeric opcodes (i32.eqz..i64.extend32_s). */
static int numeric_sig(uint8_t op, uint8_t *a, uint8_t *b, uint8_t *out) {
  const uint8_t I = WASM_I32, L = WASM_I64, F = WASM_F32, D = WASM_F64;
  *b = 0;
#define U(x, o) (*a = (x), *out = (o), 1)
#define B(x, o) (*a = (x), *b = (x), *out = (o), 1)
  if (op == OP_I32_EQZ) return U(I, I);
  if (op <= OP_I32_GE_U) return B(I, I);
  if (op == OP_I64_EQZ) return U(L, I);
  if (op <= OP_I64_GE_U) return B(L, I);
  if (op <= OP_F32_GE) return B(F, I);
  if (op <= OP_F64_GE) return B(D, I);
  if (op <= OP_I32_POPCNT) return U(I, I);
  if (op <= OP_I32_ROTR) return B(I, I);
  if (op <= OP_I64_POPCNT) return U(L, L);
  if (op <= OP_I64_ROTR) return B(L, L);
  if (op <= OP_F32_SQRT) return U(F, F);
  if (op <= OP_F32_COPYSIGN) return B(F, F);
  if (op <= OP_F64_SQRT) return U(D, D);
  if (op <= OP_F64_COPYSIGN) return B(D, D);
  switch (op) {
    case OP_I32_WRAP_I64: return U(L, I);
    case OP_I32_TRUNC_F32_S: case OP_I32_TRUNC_F32_U: return U(F, I);
    case OP_I32_TRUNC_F64_S: case OP_I32_TRUNC_F64_U: return U(D, I);
    case OP_I64_EXTEND_I32_S: case OP_I64_EXTEND_I32_U: return U(I, L);
    case OP_I64_TRUNC_F32_S: case OP_I64_TRUNC_F32_U: return U(F, L);
    case OP_I64_TRUNC_F64_S: case OP_I64_TRUNC_F64_U: return U(D, L);
    case OP_F32_CONVERT_I32_S: case OP_F32_CONVERT_I32_U: return U(I, F);
    case OP_F32_CONVERT_I64_S: case OP_F32_CONVERT_I64_U: return U(L, F);
    case OP_F32_DEMOTE_F64: return U(D, F);
    case OP_F64_CONVERT_I32_S: case OP_F64_CONVERT_I32_U: return U(I, D);
    case OP_F64_CONVERT_I64_S: case OP_F64_CONVERT_I64_U: return U(L, D);
    case OP_F64_PROMOTE_F32: return U(F, D);
    case OP_I32_REINTERPRET_F32: return U(F, I);
    case OP_I64_REINTERPRET_F64: return U(D, L);
    case OP_F32_REINTERPRET_I32: return U(I, F);
    case OP_F64_REINTERPRET_I64: return U(L, D);
    case OP_I32_EXTEND8_S: case OP_I32_EXTEND16_S: return U(I, I);
    case OP_I64_EXTEND8_S: case OP_I64_EXTEND16_S: case OP_I64_EXTEND32_S: return U(L, L);
  }
  return 0;
#undef U
#undef B
}

static int is_float(uint8_t t) { return t == WASM_F32 || t == WASM_F64; }

static void numeric(V *v, uint8_t a, uint8_t b, uint8_t out) {
#if !WASM_VM_FLOAT
  if (is_float(a) || is_float(b) || is_float(out)) {
    rd_fail(v->r, WASM_ERR_UNSUPPORTED, "floating point not supported in this build (WASM_VM_FLOAT=0)");
    return;
  }
#else
  (void)is_float;
#endif
  if (b) pop(v, b);
  pop(v, a);
  push(v, out);
}

static void fc_op(V *v) {
  wvm_reader *r = v->r;
  uint32_t sub = rd_u32(r);
  if (r->err) return;
  uint8_t t, t2;
  uint32_t x, y;
  switch (sub) {
    case OP_I32_TRUNC_SAT_F32_S: case OP_I32_TRUNC_SAT_F32_U: numeric(v, WASM_F32, 0, WASM_I32); break;
    case OP_I32_TRUNC_SAT_F64_S: case OP_I32_TRUNC_SAT_F64_U: numeric(v, WASM_F64, 0, WASM_I32); break;
    case OP_I64_TRUNC_SAT_F32_S: case OP_I64_TRUNC_SAT_F32_U: numeric(v, WASM_F32, 0, WASM_I64); break;
    case OP_I64_TRUNC_SAT_F64_S: case OP_I64_TRUNC_SAT_F64_U: numeric(v, WASM_F64, 0, WASM_I64); break;
    case OP_MEMORY_INIT:
      x = rd_u32(r);
      zero_byte(v);
      if (r->err) return;
      need_memory(v);
      if (!r->err) need_data(v, x);
      pop(v, WASM_I32); pop(v, WASM_I32); pop(v, WASM_I32);
      break;
    case OP_DATA_DROP:
      x = rd_u32(r);
      if (!r->err) need_data(v, x);
      break;
    case OP_MEMORY_COPY:
      zero_byte(v);
      zero_byte(v);
      need_memory(v);
      pop(v, WASM_I32); pop(v, WASM_I32); pop(v, WASM_I32);
      break;
    case OP_MEMORY_FILL:
      zero_byte(v);
      need_memory(v);
      pop(v, WASM_I32); pop(v, WASM_I32); pop(v, WASM_I32);
      break;
    case OP_TABLE_INIT:
      x = rd_u32(r);
      y = rd_u32(r);
      if (r->err) return;
      t = elem_type(v, x);
      if (r->err) return;
      t2 = table_of(v, y);
      if (r->err) return;
      if (t != t2) { fail(v, "type mismatch"); return; }
      pop(v, WASM_I32); pop(v, WASM_I32); pop(v, WASM_I32);
      break;
    case OP_ELEM_DROP:
      x = rd_u32(r);
      if (!r->err) elem_type(v, x);
      break;
    case OP_TABLE_COPY:
      x = rd_u32(r);
      y = rd_u32(r);
      if (r->err) return;
      t = table_of(v, x);
      if (r->err) return;
      t2 = table_of(v, y);
      if (r->err) return;
      if (t != t2) { fail(v, "type mismatch"); return; }
      pop(v, WASM_I32); pop(v, WASM_I32); pop(v, WASM_I32);
      break;
    case OP_TABLE_GROW:
      t = table_of(v, rd_u32(r));
      if (r->err) return;
      pop(v, WASM_I32); pop(v, t); push(v, WASM_I32);
      break;
    case OP_TABLE_SIZE:
      table_of(v, rd_u32(r));
      push(v, WASM_I32);
      break;
    case OP_TABLE_FILL:
      t = table_of(v, rd_u32(r));
      if (r->err) return;
      pop(v, WASM_I32); pop(v, t); pop(v, WASM_I32);
      break;
    default:
      rd_fail(r, WASM_ERR_MALFORMED, "illegal opcode");
  }
}

/* Checks the top operands against a label's types and leaves them there (as popped, so an
 * unknown stays unknown), as br_if and br_table need. */
static void recheck(V *v, const uint8_t *ts, uint32_t n) {
  uint32_t before = v->h;
  pop_vals(v, ts, n);
  if (v->r->err) return;
  uint32_t real = before - v->h, unknown = n - real, base = v->h;
  if (!unknown) {
    v->h = before;
    return;
  }
  v->h = base + n;
  if (!room(v)) return;
  for (uint32_t j = real; j >= 1; j--) v->types[-(int64_t)(base + unknown + j)] = v->types[-(int64_t)(base + j)];
  for (uint32_t j = 1; j <= unknown; j++) v->types[-(int64_t)(base + j)] = T_UNKNOWN;
  v->h = base + n;
  if (v->h > v->max_h) v->max_h = v->h;
}

static void call_type(V *v, const wvm_type *t) {
  pop_vals(v, t->params, t->np);
  push_vals(v, t->results, t->nr);
}

/* One instruction. Returns 0 when the function's final `end` was consumed. */
static int instr(V *v) {
  wvm_reader *r = v->r;
  wvm_loader *L = v->L;
  const uint8_t *op_at = r->p;
  uint8_t op = rd_byte(r);
  uint32_t after = off(v, op_at) + 1;
  uint32_t x, idx;
  uint8_t t, a, b, o;
  wvm_type bt;
  vctrl *c;
  if (r->err) return 0;
  switch (op) {
    case OP_UNREACHABLE: set_unreachable(v); break;
    case OP_NOP: break;
    case OP_BLOCK:
      read_blocktype(v, &bt);
      if (!r->err) push_ctrl(v, K_BLOCK, &bt);
      break;
    case OP_LOOP:
      read_blocktype(v, &bt);
      if (r->err) break;
      push_ctrl(v, K_LOOP, &bt);
      if (r->err) break;
      c = &v->ctrl[v->nctrl - 1];
      c->start_off = off(v, r->p);
      c->start_stp = L->nside;
      break;
    case OP_IF: {
      read_blocktype(v, &bt);
      if (r->err) break;
      pop(v, WASM_I32);
      push_ctrl(v, K_IF, &bt);
      if (r->err) break;
      wvm_side *s = new_side(v, &idx);
      v->ctrl[v->nctrl - 1].if_entry = idx + 1;
      v->ctrl[v->nctrl - 1].if_off = after;
      if (s) { /* queued alone (no link): patched at else/end */
        s->pc = INT16_MIN;
        s->stp = (int16_t)(uint16_t)after;
      }
      break;
    }
    case OP_ELSE: {
      c = &v->ctrl[v->nctrl - 1];
      if (c->kind != K_IF) { rd_fail(r, WASM_ERR_MALFORMED, "else without if"); break; }
      pop_vals(v, c->bt.results, c->bt.nr);
      if (r->err) break;
      if (v->h != c->height) { fail(v, "type mismatch"); break; }
      wvm_side *s = new_side(v, &idx);
      add_pending(c, s, idx, after);
      patch_if(v, c, after);
      c->kind = K_ELSE;
      c->unreachable = 0;
      push_vals(v, c->bt.params, c->bt.np);
      break;
    }
    case OP_END: {
      c = &v->ctrl[v->nctrl - 1];
      pop_vals(v, c->bt.results, c->bt.nr);
      if (r->err) break;
      if (v->h != c->height) { fail(v, "type mismatch"); break; }
      if (c->kind == K_IF) {
        /* no else: the missing branch passes the params through */
        int same = c->bt.np == c->bt.nr;
        for (uint32_t i = 0; same && i < c->bt.np; i++) same = RD8(c->bt.params + i) == RD8(c->bt.results + i);
        if (!same) { fail(v, "type mismatch"); break; }
        patch_if(v, c, after);
      }
      if (c->kind == K_FUNC) {
        patch_pending(v, c, off(v, op_at));
        v->nctrl--;
        return 0;
      }
      patch_pending(v, c, after);
      bt = c->bt;
      v->nctrl--;
      push_vals(v, bt.results, bt.nr);
      break;
    }
    case OP_BR:
    case OP_BR_IF: {
      x = rd_u32(r);
      if (r->err) break;
      if (x >= v->nctrl) { fail(v, "unknown label"); break; }
      if (op == OP_BR_IF) pop(v, WASM_I32);
      if (r->err) break;
      emit_branch(v, x, after);
      c = &v->ctrl[v->nctrl - 1 - x];
      const uint8_t *lt = c->kind == K_LOOP ? c->bt.params : c->bt.results;
      uint32_t ln = c->kind == K_LOOP ? c->bt.np : c->bt.nr;
      pop_vals(v, lt, ln);
      if (op == OP_BR) set_unreachable(v);
      else push_vals(v, lt, ln);
      break;
    }
    case OP_BR_TABLE: {
      uint32_t n = rd_u32(r);
      if (r->err) break;
      pop(v, WASM_I32);
      if (r->err) break;
      uint32_t arity = 0;
      for (uint32_t i = 0; i <= n && !r->err; i++) {
        x = rd_u32(r);
        if (r->err) break;
        if (x >= v->nctrl) { fail(v, "unknown label"); break; }
        c = &v->ctrl[v->nctrl - 1 - x];
        const uint8_t *lt = c->kind == K_LOOP ? c->bt.params : c->bt.results;
        uint32_t ln = c->kind == K_LOOP ? c->bt.np : c->bt.nr;
        if (i == 0) arity = ln;
        else if (ln != arity) { fail(v, "type mismatch"); break; }
        emit_branch(v, x, after);
        if (i < n) recheck(v, lt, ln);
        else pop_vals(v, lt, ln);
      }
      if (!r->err) set_unreachable(v);
      break;
    }
    case OP_RETURN:
      pop_vals(v, v->ft.results, v->ft.nr);
      set_unreachable(v);
      break;
    case OP_CALL: {
      x = rd_u32(r);
      if (r->err) break;
      if (x >= L->m.nfuncs) { fail(v, "unknown function"); break; }
      wvm_type_at(&L->m, wvm_func_type_index(&L->m, x), &bt);
      call_type(v, &bt);
      if (L->bound) {
        /* a host function writes its results above the arguments; a wasm callee needs its
         * own figures (its parameters counted twice: an over-estimate) */
        uint32_t slots = x < L->m.imp_funcs ? bt.nr : L->bound[x];
        uint32_t frames = x < L->m.imp_funcs ? 0 : 1 + L->bound[L->m.nfuncs + x];
        if (slots > v->callee_slots) v->callee_slots = slots;
        if (frames > v->callee_frames) v->callee_frames = frames;
      }
      break;
    }
    case OP_CALL_INDIRECT: {
      x = rd_u32(r);
      uint32_t tab = rd_u32(r);
      if (r->err) break;
      if (tab >= L->m.ntables) { fail(v, "unknown table"); break; }
      if (!wvm_type_at(&L->m, x, &bt)) { fail(v, "unknown type"); break; }
      if (wvm_table_type(&L->m, tab) != WASM_FUNCREF) { fail(v, "type mismatch"); break; }
      pop(v, WASM_I32);
      call_type(v, &bt);
      L->bound_open = 1;
      break;
    }
    case OP_DROP: pop_any(v); break;
    case OP_SELECT:
      pop(v, WASM_I32);
      a = pop_any(v);
      b = pop_any(v);
      if (r->err) break;
      if (wvm_is_reftype(a) || wvm_is_reftype(b)) { fail(v, "type mismatch"); break; }
      if (a != b && a != T_UNKNOWN && b != T_UNKNOWN) { fail(v, "type mismatch"); break; }
      push(v, a == T_UNKNOWN ? b : a);
      break;
    case OP_SELECT_T:
      x = rd_u32(r);
      if (r->err) break;
      if (x != 1) { fail(v, "invalid result arity"); break; }
      t = wvm_read_valtype(r);
      if (r->err) break;
      pop(v, WASM_I32);
      pop(v, t);
      pop(v, t);
      push(v, t);
      break;
    case OP_LOCAL_GET:
      t = local_type(v, rd_u32(r));
      if (!r->err) push(v, t);
      break;
    case OP_LOCAL_SET:
      t = local_type(v, rd_u32(r));
      if (!r->err) pop(v, t);
      break;
    case OP_LOCAL_TEE:
      t = local_type(v, rd_u32(r));
      if (!r->err) { pop(v, t); push(v, t); }
      break;
    case OP_GLOBAL_GET:
    case OP_GLOBAL_SET: {
      x = rd_u32(r);
      if (r->err) break;
      if (x >= L->m.nglobals) { fail(v, "unknown global"); break; }
      uint8_t mut = 0;
      wvm_global_type(&L->m, x, &t, &mut);
      if (op == OP_GLOBAL_GET) push(v, t);
      else if (!mut) fail(v, "global is immutable");
      else pop(v, t);
      break;
    }
    case OP_TABLE_GET:
      t = table_of(v, rd_u32(r));
      if (r->err) break;
      pop(v, WASM_I32);
      push(v, t);
      break;
    case OP_TABLE_SET:
      t = table_of(v, rd_u32(r));
      if (r->err) break;
      pop(v, t);
      pop(v, WASM_I32);
      break;
    case OP_I32_LOAD: memarg(v, 2); pop(v, WASM_I32); push(v, WASM_I32); break;
    case OP_I64_LOAD: memarg(v, 3); pop(v, WASM_I32); push(v, WASM_I64); break;
    case OP_F32_LOAD: case OP_F64_LOAD: case OP_F32_STORE: case OP_F64_STORE:
#if WASM_VM_FLOAT
      memarg(v, op == OP_F32_LOAD || op == OP_F32_STORE ? 2 : 3);
      t = op == OP_F32_LOAD || op == OP_F32_STORE ? WASM_F32 : WASM_F64;
      if (op <= OP_F64_LOAD) { pop(v, WASM_I32); push(v, t); }
      else { pop(v, t); pop(v, WASM_I32); }
#else
      rd_fail(r, WASM_ERR_UNSUPPORTED, "floating point not supported in this build (WASM_VM_FLOAT=0)");
#endif
      break;
    case OP_I32_LOAD8_S: case OP_I32_LOAD8_U: memarg(v, 0); pop(v, WASM_I32); push(v, WASM_I32); break;
    case OP_I32_LOAD16_S: case OP_I32_LOAD16_U: memarg(v, 1); pop(v, WASM_I32); push(v, WASM_I32); break;
    case OP_I64_LOAD8_S: case OP_I64_LOAD8_U: memarg(v, 0); pop(v, WASM_I32); push(v, WASM_I64); break;
    case OP_I64_LOAD16_S: case OP_I64_LOAD16_U: memarg(v, 1); pop(v, WASM_I32); push(v, WASM_I64); break;
    case OP_I64_LOAD32_S: case OP_I64_LOAD32_U: memarg(v, 2); pop(v, WASM_I32); push(v, WASM_I64); break;
    case OP_I32_STORE: memarg(v, 2); pop(v, WASM_I32); pop(v, WASM_I32); break;
    case OP_I64_STORE: memarg(v, 3); pop(v, WASM_I64); pop(v, WASM_I32); break;
    case OP_I32_STORE8: memarg(v, 0); pop(v, WASM_I32); pop(v, WASM_I32); break;
    case OP_I32_STORE16: memarg(v, 1); pop(v, WASM_I32); pop(v, WASM_I32); break;
    case OP_I64_STORE8: memarg(v, 0); pop(v, WASM_I64); pop(v, WASM_I32); break;
    case OP_I64_STORE16: memarg(v, 1); pop(v, WASM_I64); pop(v, WASM_I32); break;
    case OP_I64_STORE32: memarg(v, 2); pop(v, WASM_I64); pop(v, WASM_I32); break;
    case OP_MEMORY_SIZE:
      zero_byte(v);
      need_memory(v);
      push(v, WASM_I32);
      break;
    case OP_MEMORY_GROW:
      zero_byte(v);
      need_memory(v);
      pop(v, WASM_I32);
      push(v, WASM_I32);
      break;
    case OP_I32_CONST: rd_s32(r); push(v, WASM_I32); break;
    case OP_I64_CONST: rd_s64(r); push(v, WASM_I64); break;
    case OP_F32_CONST:
    case OP_F64_CONST:
#if WASM_VM_FLOAT
      if (op == OP_F32_CONST) rd_fixed32(r);
      else rd_fixed64(r);
      push(v, op == OP_F32_CONST ? WASM_F32 : WASM_F64);
#else
      rd_fail(r, WASM_ERR_UNSUPPORTED, "floating point not supported in this build (WASM_VM_FLOAT=0)");
#endif
      break;
    case OP_REF_NULL: {
      t = rd_byte(r);
      if (!r->err && !wvm_is_reftype(t)) { rd_fail(r, WASM_ERR_MALFORMED, "malformed reference type"); break; }
      push(v, t);
      break;
    }
    case OP_REF_IS_NULL:
      t = pop_any(v);
      if (!r->err && t != T_UNKNOWN && !wvm_is_reftype(t)) { fail(v, "type mismatch"); break; }
      push(v, WASM_I32);
      break;
    case OP_REF_FUNC:
      x = rd_u32(r);
      if (r->err) break;
      if (x >= L->m.nfuncs) { fail(v, "unknown function"); break; }
      if (!wvm_func_declared(&L->m, x)) { fail(v, "undeclared function reference"); break; }
      push(v, WASM_FUNCREF);
      break;
    case OP_PREFIX_MISC: fc_op(v); break;
    default:
      if (op >= OP_I32_EQZ && op <= OP_I64_EXTEND32_S && numeric_sig(op, &a, &b, &o)) {
        numeric(v, a, b, o);
        break;
      }
      r->p = op_at;
      /* The GC, SIMD and threads prefixes, exceptions and tail calls: a valid module this
       * build cannot run, not a broken one. */
      {
#define BIT(o) (1u << (o))
        const uint32_t proposals = BIT(OP_TRY) | BIT(OP_CATCH) | BIT(OP_THROW) | BIT(OP_RETHROW) |
                                   BIT(OP_THROW_REF) | BIT(OP_DELEGATE) | BIT(OP_CATCH_ALL) |
                                   BIT(OP_RETURN_CALL) | BIT(OP_RETURN_CALL_INDIRECT);
#undef BIT
        int lacking = op >= OP_PREFIX_GC || (op < 32 && (proposals >> op & 1));
        rd_fail(r, lacking ? WASM_ERR_UNSUPPORTED : WASM_ERR_MALFORMED,
                lacking ? "SIMD, threads, exceptions, tail calls and GC are not supported" : "illegal opcode");
      }
  }
  return !r->err;
}

void wvm_validate_body(wvm_loader *L, uint32_t fidx, const uint8_t *body_end) {
  wvm_reader *r = &L->r;
  V v;
  memset(&v, 0, sizeof v);
  v.L = L;
  v.r = r;
  v.ctrl = (vctrl *)(void *)L->scratch;
  v.types = L->scratch + L->scratch_size;
  wvm_type_at(&L->m, wvm_func_type_index(&L->m, fidx), &v.ft);
  v.ngroups = rd_u32(r);
  v.groups = r->p;
  for (uint32_t i = 0; i < v.ngroups && !r->err; i++) {
    v.nlocals += rd_u32(r);
    wvm_read_valtype(r);
    if (v.nlocals > UINT32_MAX) { rd_fail(r, WASM_ERR_MALFORMED, "too many locals"); return; }
  }
  if (r->err) return;
  if (v.nlocals > WVM_MAX_LOCALS) {
    rd_fail(r, WASM_ERR_UNSUPPORTED, "function has more than 50000 locals");
    return;
  }
  const uint8_t *code = r->p;
  uint32_t first_side = L->nside;
  wvm_type fbt = v.ft;
  fbt.np = 0;
  if (!room(&v)) return; /* the function's own block, even when nothing is ever pushed */
  memset(&v.ctrl[0], 0, sizeof v.ctrl[0]);
  v.ctrl[0].bt = fbt;
  v.ctrl[0].kind = K_FUNC;
  v.nctrl = 1;
  while (r->p < body_end && instr(&v)) {
  }
  if (r->err) return;
  if (v.nctrl != 0) {
    rd_fail(r, WASM_ERR_MALFORMED, r->p >= body_end ? "unexpected end of section or function" : "section size mismatch");
    return;
  }
  size_t used = (size_t)v.max_h + 8 * sizeof(vctrl);
  (void)used;
  if (v.max_h > WVM_MAX_HEIGHT) {
    rd_fail(r, WASM_ERR_UNSUPPORTED, "function needs more than 65535 operand slots");
    return;
  }
  if ((size_t)(r->p - 1 - code) > WVM_MAX_BODY) {
    rd_fail(r, WASM_ERR_UNSUPPORTED, "function body larger than 64 KiB");
    return;
  }
  if (L->nside > WVM_MAX_SIDE) {
    rd_fail(r, WASM_ERR_UNSUPPORTED, "module has more than 65534 branch sites");
    return;
  }
  if (L->bound) {
    /* results too: a body ending in `unreachable` may never hold them */
    uint32_t slots = v.ft.np + v.ft.nr + (uint32_t)v.nlocals + v.max_h + v.callee_slots;
    uint32_t *frames = &L->bound[L->m.nfuncs + fidx];
    if (slots > L->bound[fidx] || v.callee_frames > *frames) L->bound_changed = 1;
    if (slots > L->bound[fidx]) L->bound[fidx] = slots;
    if (v.callee_frames > *frames) *frames = v.callee_frames;
  }
  if (wvm_writing(L)) {
    wvm_func *f = &L->vm->funcs[fidx];
    f->u.code = code;
    f->len = (uint16_t)(r->p - 1 - code);
    f->side = (uint16_t)first_side; /* never read when the function has no branches */
    f->nlocals = (uint16_t)v.nlocals;
    f->max_height = (uint16_t)v.max_h;
  }
}
