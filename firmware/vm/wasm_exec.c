/* The interpreter: one dispatch loop over the module bytes in place. Operands, locals and
 * frames live in the arena; branches follow the side table built at validation. */
#include "wasm_internal.h"

#include <string.h>
#if WASM_VM_FLOAT
#include <math.h>
#endif

/* Multi-byte LEB128 decoders for validated code. They take and return the code pointer by
 * value: taking its address would keep the interpreter's pc in memory instead of a register. */
typedef struct {
  uint32_t v;
  const uint8_t *p;
} leb32;
typedef struct {
  uint64_t v;
  const uint8_t *p;
} leb64;

/* The bytes after the first of a 32-bit LEB: at most four. Where a word fetch is cheap they
 * come from one. */
#ifdef WVM_RD32
#define LEB_REST_START() uint32_t x_ = wvm_rd32(p)
#define LEB_REST_BYTE() (b = x_ & 0xffu, x_ >>= 8, p++)
#else
#define LEB_REST_START() do { } while (0)
#define LEB_REST_BYTE() (b = RD8(p++))
#endif

static leb32 leb_u32_slow(const uint8_t *p, uint32_t first) {
  uint32_t v = first & 0x7f, b;
  unsigned shift = 7;
  LEB_REST_START();
  do {
    LEB_REST_BYTE();
    if (shift < 32) v |= (b & 0x7f) << shift;
    shift += 7;
  } while ((b & 0x80) && shift < 35);
  leb32 r = {v, p};
  return r;
}

/* i32.const: 32-bit arithmetic only (64-bit shifts are library calls on the lx106) */
static leb32 leb_s32_slow(const uint8_t *p, uint32_t first) {
  uint32_t v = first & 0x7f, b;
  unsigned shift = 7;
  LEB_REST_START();
  do {
    LEB_REST_BYTE();
    if (shift < 32) v |= (b & 0x7f) << shift;
    shift += 7;
  } while ((b & 0x80) && shift < 35);
  if (shift < 32 && (b & 0x40)) v |= ~(uint32_t)0 << shift;
  leb32 r = {v, p};
  return r;
}

static leb64 leb_s64(const uint8_t *p) {
  uint64_t v = 0;
  unsigned shift = 0;
  uint8_t b;
  do {
    b = RD8(p++);
    if (shift < 64) v |= (uint64_t)(b & 0x7f) << shift;
    shift += 7;
  } while ((b & 0x80) && shift < 70);
  if (shift < 64 && (b & 0x40)) v |= ~(uint64_t)0 << shift;
  leb64 r = {v, p};
  return r;
}

/* The opcode is fetched with the bytes after it where a word fetch is cheap (the lx106):
 * a first immediate of one byte then costs no further read. */
#ifdef WVM_RD32
#define FETCH_OP() (w = wvm_rd32(pc++), (uint8_t)w)
#define IMM_BYTE() ((w >> 8) & 0xffu)
#define IMM_BYTE2() ((w >> 16) & 0xffu)
#else
#define FETCH_OP() RD8(pc++)
#define IMM_BYTE() RD8(pc)
#define IMM_BYTE2() RD8(pc + 1)
#endif

/* the instruction's first immediate, right after the opcode */
#define U32_FIRST(var)                        \
  do {                                        \
    uint32_t b_ = IMM_BYTE();                 \
    pc++;                                     \
    if (__builtin_expect(b_ < 0x80, 1)) {     \
      var = b_;                               \
    } else {                                  \
      leb32 r_ = leb_u32_slow(pc, b_);        \
      var = r_.v;                             \
      pc = r_.p;                              \
    }                                         \
  } while (0)
#define SKIP_FIRST()                          \
  do {                                        \
    if (IMM_BYTE() & 0x80) SKIP_LEB();        \
    else pc++;                                \
  } while (0)
#define U32(var)                              \
  do {                                        \
    uint32_t b_ = RD8(pc++);                  \
    if (__builtin_expect(b_ < 0x80, 1)) {     \
      var = b_;                               \
    } else {                                  \
      leb32 r_ = leb_u32_slow(pc, b_);        \
      var = r_.v;                             \
      pc = r_.p;                              \
    }                                         \
  } while (0)
/* pc moves once per continuation byte: no copy of the old pc kept around the loop */
#define SKIP_LEB()                 \
  do {                             \
    while (RD8(pc) & 0x80) pc++;   \
    pc++;                          \
  } while (0)

/* Signed remainders from the unsigned ones, and population counts by bit arithmetic: the
 * ESP8266's ROM has __umodsi3/__umoddi3, but __modsi3, __moddi3 and __popcount* would be linked
 * into the image from libgcc (about 1.1 KB). Callers rule out b == 0 and b == -1. */
static uint32_t rem_s32(uint32_t a, uint32_t b) {
  uint32_t r = ((int32_t)a < 0 ? 0u - a : a) % ((int32_t)b < 0 ? 0u - b : b);
  return (int32_t)a < 0 ? 0u - r : r;
}
static uint64_t rem_s64(uint64_t a, uint64_t b) {
  uint64_t r = ((int64_t)a < 0 ? 0u - a : a) % ((int64_t)b < 0 ? 0u - b : b);
  return (int64_t)a < 0 ? 0u - r : r;
}
static uint32_t popcount32(uint32_t x) {
  x -= (x >> 1) & 0x55555555u;
  x = (x & 0x33333333u) + ((x >> 2) & 0x33333333u);
  x = (x + (x >> 4)) & 0x0f0f0f0fu;
  x += x >> 8;
  return (x + (x >> 16)) & 0x3fu;
}

#if WASM_VM_FLOAT
static inline float f32_of(const wasm_value *v) { float f; memcpy(&f, &v->i32, 4); return f; }
static inline double f64_of(const wasm_value *v) { double d; memcpy(&d, &v->i64, 8); return d; }
static inline void put_f32(wasm_value *v, float f) { memcpy(&v->i32, &f, 4); }
static inline void put_f64(wasm_value *v, double d) { memcpy(&v->i64, &d, 8); }

static float fmin32(float a, float b) {
  if (a != a || b != b) return a + b;
  if (a == 0 && b == 0) return signbit(a) ? a : b;
  return a < b ? a : b;
}
static float fmax32(float a, float b) {
  if (a != a || b != b) return a + b;
  if (a == 0 && b == 0) return signbit(a) ? b : a;
  return a > b ? a : b;
}
static double fmin64(double a, double b) {
  if (a != a || b != b) return a + b;
  if (a == 0 && b == 0) return signbit(a) ? a : b;
  return a < b ? a : b;
}
static double fmax64(double a, double b) {
  if (a != a || b != b) return a + b;
  if (a == 0 && b == 0) return signbit(a) ? b : a;
  return a > b ? a : b;
}

/* Float to integer, trapping (sat == 0) or saturating. lo/hi are the exclusive bounds. */
typedef struct {
  wasm_result err;
  uint64_t v;
} conv;
static conv trunc_to(double x, double lo, double hi, int is_signed, int bits, int sat) {
  conv c = {WASM_OK, 0};
  if (x != x) {
    if (!sat) c.err = WASM_TRAP_INVALID_CONVERSION;
    return c;
  }
  if (!(x > lo && x < hi)) {
    if (!sat) {
      c.err = WASM_TRAP_INT_OVERFLOW;
      return c;
    }
    if (x <= lo) c.v = is_signed ? (bits == 32 ? (uint64_t)(uint32_t)INT32_MIN : (uint64_t)INT64_MIN) : 0;
    else c.v = is_signed ? (bits == 32 ? (uint64_t)INT32_MAX : (uint64_t)INT64_MAX) : (bits == 32 ? UINT32_MAX : UINT64_MAX);
    return c;
  }
  if (is_signed) c.v = (uint64_t)(int64_t)x;
  else c.v = (uint64_t)x;
  if (bits == 32) c.v &= 0xffffffffu;
  return c;
}
#endif

#define TRAP(code)  \
  do {              \
    res = (code);   \
    goto done;      \
  } while (0)

/* The next 32-bit chunk of the 64-bit fuel budget, 0 when none is left. Out of line: it runs
 * once per 2^32 steps, and three inline copies of 64-bit arithmetic cost code. */
static __attribute__((noinline)) uint32_t next_chunk(uint64_t *left) {
  uint32_t c = *left > UINT32_MAX ? UINT32_MAX : (uint32_t)*left;
  *left -= c;
  return c;
}

#define TICK()                                                            \
  do {                                                                    \
    if (chunk == 0 && (chunk = next_chunk(&left)) == 0) TRAP(WASM_TRAP_FUEL_EXHAUSTED); \
    chunk--;                                                              \
  } while (0)

#define LOAD_MEM()                         \
  do {                                     \
    wvm_memory *m_ = in->mem;              \
    mem = m_ ? m_->data : NULL;            \
    msize = m_ ? m_->size : 0;             \
  } while (0)

/* Little-endian accesses to linear memory without library calls (the lx106 has no unaligned
 * loads; memcpy would be a call per access). */
static inline uint32_t ld_le(const uint8_t *p, unsigned n) {
  uint32_t v = p[0];
  if (n > 1) v |= (uint32_t)p[1] << 8;
  if (n > 2) v |= (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24;
  return v;
}
static inline void st_le(uint8_t *p, uint32_t v, unsigned n) {
  p[0] = (uint8_t)v;
  if (n > 1) p[1] = (uint8_t)(v >> 8);
  if (n > 2) {
    p[2] = (uint8_t)(v >> 16);
    p[3] = (uint8_t)(v >> 24);
  }
}

/* Effective address of an n-byte access, bounds-checked in 32-bit arithmetic. */
#define EA(addr_val, n)                                                          \
  do {                                                                           \
    uint32_t off_, a_ = (addr_val);                                              \
    if (!((IMM_BYTE() | IMM_BYTE2()) & 0x80)) {                                  \
      off_ = IMM_BYTE2();                                                        \
      pc += 2;                                                                   \
    } else {                                                                     \
      SKIP_LEB();                                                                \
      U32(off_);                                                                 \
    }                                                                            \
    if (msize < (n) || off_ > msize - (n) || a_ > msize - (n) - off_) TRAP(WASM_TRAP_OUT_OF_BOUNDS); \
    ea = a_ + off_;                                                              \
  } while (0)

#define LOAD32(n, conv_expr)                \
  {                                         \
    uint32_t t_;                            \
    EA(sp[-1].i32, n);                      \
    t_ = ld_le(mem + ea, n);                \
    conv_expr;                              \
    break;                                  \
  }
#define LOAD64(conv_expr)                   \
  {                                         \
    uint64_t t_;                            \
    EA(sp[-1].i32, 8);                      \
    t_ = ld_le(mem + ea, 4) | (uint64_t)ld_le(mem + ea + 4, 4) << 32; \
    conv_expr;                              \
    break;                                  \
  }
#define STORE32(n)                          \
  {                                         \
    uint32_t v_ = (--sp)->i32;              \
    EA(sp[-1].i32, n);                      \
    st_le(mem + ea, v_, n);                 \
    sp--;                                   \
    break;                                  \
  }
#define STORE64(n)                          \
  {                                         \
    uint64_t v_ = (--sp)->i64;              \
    EA(sp[-1].i32, n);                      \
    if ((n) == 8) {                         \
      st_le(mem + ea, (uint32_t)v_, 4);     \
      st_le(mem + ea + 4, (uint32_t)(v_ >> 32), 4); \
    } else {                                \
      st_le(mem + ea, (uint32_t)v_, (n));   \
    }                                       \
    sp--;                                   \
    break;                                  \
  }

#define BIN32(expr)                          \
  {                                          \
    uint32_t b = (--sp)->i32, a = sp[-1].i32; \
    sp[-1].i32 = (expr);                     \
    (void)a; (void)b;                        \
    break;                                   \
  }
#define BIN64(expr)                          \
  {                                          \
    uint64_t b = (--sp)->i64, a = sp[-1].i64; \
    sp[-1].i64 = (expr);                     \
    (void)a; (void)b;                        \
    break;                                   \
  }
#define CMP64(expr)                          \
  {                                          \
    uint64_t b = (--sp)->i64, a = sp[-1].i64; \
    sp[-1].i64 = 0;                          \
    sp[-1].i32 = (expr);                     \
    break;                                   \
  }
#define UN32(expr)             \
  {                            \
    uint32_t a = sp[-1].i32;   \
    sp[-1].i32 = (expr);       \
    break;                     \
  }
#define UN64(expr)             \
  {                            \
    uint64_t a = sp[-1].i64;   \
    sp[-1].i64 = (expr);       \
    break;                     \
  }
#define SET_REF(slot, r) \
  do {                   \
    (slot).i64 = 0;      \
    (slot).ref = (r);    \
  } while (0)

#if WASM_VM_FLOAT
#define FBIN32(expr)                                  \
  {                                                   \
    float b = f32_of(--sp), a = f32_of(sp - 1);       \
    put_f32(sp - 1, (expr));                          \
    break;                                            \
  }
#define FBIN64(expr)                                  \
  {                                                   \
    double b = f64_of(--sp), a = f64_of(sp - 1);      \
    put_f64(sp - 1, (expr));                          \
    break;                                            \
  }
#define FCMP32(expr)                                  \
  {                                                   \
    float b = f32_of(--sp), a = f32_of(sp - 1);       \
    sp[-1].i32 = (expr);                              \
    break;                                            \
  }
#define FCMP64(expr)                                  \
  {                                                   \
    double b = f64_of(--sp), a = f64_of(sp - 1);      \
    sp[-1].i64 = 0;                                   \
    sp[-1].i32 = (expr);                              \
    break;                                            \
  }
#define FUN32(expr)                 \
  {                                 \
    float a = f32_of(sp - 1);       \
    put_f32(sp - 1, (expr));        \
    break;                          \
  }
#define FUN64(expr)                 \
  {                                 \
    double a = f64_of(sp - 1);      \
    put_f64(sp - 1, (expr));        \
    break;                          \
  }
#define TRUNC(src, lo, hi, sg, bits, sat)                         \
  {                                                               \
    conv c_ = trunc_to((src), (lo), (hi), (sg), (bits), (sat));   \
    if (c_.err) TRAP(c_.err);                                     \
    sp[-1].i64 = c_.v;                                            \
    break;                                                        \
  }
#endif

/* A taken branch with a wide side entry: the kept values move down over the dropped ones.
 * Out of line: rare. */
static __attribute__((noinline)) wasm_value *drop_values(wasm_value *sp, const wvm_side_wide *w) {
  wasm_value *src = sp - w->keep, *dst = src - w->drop;
  for (uint32_t k = 0; k < w->keep; k++) dst[k] = src[k];
  return sp - w->drop;
}

wasm_result wvm_execute(struct wasm_vm *vm, wvm_func *entry, const wasm_value *args, wasm_value *results,
                        uint64_t fuel, uint64_t *fuel_used) {
  wasm_result res = WASM_OK;
  /* Fuel counts steps that can repeat: taken branches and calls (straight-line code between
   * them is bounded by the function's size). Counted in a 32-bit chunk (one decrement and test
   * on a 32-bit core); the 64-bit rest is touched once per 2^32 steps. */
  uint64_t left = fuel ? fuel : UINT64_MAX;
  uint32_t chunk = next_chunk(&left);
  wasm_value *const stack = vm->stack, *const stack_end = vm->stack_end;
  wvm_frame *const frames = vm->frames;
  const uint32_t max_frames = vm->max_frames;
  uint32_t depth = 0;
  wvm_func *fn = entry;
  const wvm_type *ft = entry->type;
  wasm_value *sp = stack, *fp = stack;
  const uint8_t *pc = NULL, *fend = NULL;
  const wvm_side *stp = NULL;
  struct wasm_vm *in = entry->inst;
  uint8_t *mem = NULL;
  uint32_t msize = 0;
  uint32_t ea;
#ifdef WVM_RD32
  uint32_t w;
#endif
  wvm_func *callee = NULL;

  if (entry->side == WVM_HOST) { /* a host function called from the host: no operand stack needed */
    if (ft->nr) memset(results, 0, sizeof(wasm_value) * ft->nr);
    if (fuel_used) *fuel_used = 0;
    return entry->u.host->fn(entry->u.host->user, args, results);
  }
  if ((size_t)(stack_end - stack) < (size_t)ft->np + ft->nr) return WASM_TRAP_STACK_EXHAUSTED;
  for (uint32_t i = 0; i < ft->np; i++) sp[i] = args[i];
  sp += ft->np;
  if ((size_t)(stack_end - sp) < (size_t)fn->nlocals + fn->max_height) return WASM_TRAP_STACK_EXHAUSTED;
  memset(sp, 0, sizeof(wasm_value) * fn->nlocals);
  sp += fn->nlocals;
  pc = fn->u.code;
  fend = pc + fn->len;
  stp = fn->inst->side + fn->side;
  LOAD_MEM();

  for (;;) {
    uint8_t op = FETCH_OP();
    switch (op) {
      case OP_UNREACHABLE: TRAP(WASM_TRAP_UNREACHABLE);
      case OP_NOP: break;
      case OP_BLOCK:
      case OP_LOOP: SKIP_FIRST(); break;
      case OP_IF:
        if ((--sp)->i32) {
          SKIP_FIRST();
          stp++;
        } else {
          pc += stp->pc; /* if and else entries are never wide */
          stp += stp->stp;
        }
        break;
      case OP_ELSE:
        pc += stp->pc;
        stp += stp->stp;
        break;
      case OP_END:
        if (pc - 1 == fend) goto do_return;
        break;
      case OP_BR_IF:
        if (!(--sp)->i32) {
          SKIP_FIRST();
          stp++;
          break;
        }
        /* fall through */
      case OP_BR:
        TICK();
      take_branch: { /* pc: the byte after the opcode; stp: the entry */
        const wvm_side *s = stp;
        int32_t d = s->pc, x = s->stp;
        if (!d) {
          const wvm_side_wide *wd = &in->wide[(uint16_t)x];
          sp = drop_values(sp, wd);
          d = wd->d.pc;
          x = wd->d.stp;
        }
        pc += d;
        stp = s + x;
        break;
      }
      case OP_BR_TABLE: {
        const uint8_t *base = pc;
        TICK();
        uint32_t n, i;
        U32_FIRST(n);
        i = (--sp)->i32;
        stp += i < n ? i : n;
        pc = base;
        goto take_branch;
      }
      case OP_RETURN:
      do_return: {
        uint32_t nr = fn->type->nr;
        wasm_value *src = sp - nr;
        for (uint32_t k = 0; k < nr; k++) fp[k] = src[k];
        sp = fp + nr;
        if (depth == 0) goto finished;
        wvm_frame *f = &frames[--depth];
        pc = f->pc;
        stp = f->stp;
        fn = f->func;
        fp = f->fp;
        fend = fn->u.code + fn->len;
        if (fn->inst != in) {
          in = fn->inst;
          LOAD_MEM();
        }
        break;
      }
      case OP_CALL: {
        uint32_t idx;
        U32_FIRST(idx);
        callee = &in->funcs[idx];
      do_call:
        TICK();
        if (callee->side == WVM_HOST) {
          const wvm_type *t = callee->type;
          wasm_value *a = sp - t->np;
          if ((size_t)(stack_end - sp) < t->nr) TRAP(WASM_TRAP_STACK_EXHAUSTED);
          memset(sp, 0, sizeof(wasm_value) * t->nr);
          wasm_result hr = callee->u.host->fn(callee->u.host->user, a, sp);
          if (hr != WASM_OK) TRAP(hr < WASM_TRAP_UNREACHABLE ? WASM_TRAP_HOST : hr);
          for (uint32_t k = 0; k < t->nr; k++) a[k] = sp[k];
          sp = a + t->nr;
          LOAD_MEM();
          break;
        }
        if (depth >= max_frames) TRAP(WASM_TRAP_STACK_EXHAUSTED);
        if ((size_t)(stack_end - sp) < (size_t)callee->nlocals + callee->max_height) TRAP(WASM_TRAP_STACK_EXHAUSTED);
        wvm_frame *f = &frames[depth++];
        f->pc = pc;
        f->stp = stp;
        f->func = fn;
        f->fp = fp;
        if (depth > vm->peak_depth) vm->peak_depth = depth;
        fp = sp - callee->type->np;
        if (callee->nlocals) { /* most small functions declare none: no library call then */
          memset(sp, 0, sizeof(wasm_value) * callee->nlocals);
          sp += callee->nlocals;
        }
        {
          uint32_t used = (uint32_t)(sp - stack) + callee->max_height;
          if (used > vm->peak_slots) vm->peak_slots = used;
        }
        fn = callee;
        pc = fn->u.code;
        stp = fn->inst->side + fn->side;
        fend = fn->u.code + fn->len;
        if (fn->inst != in) {
          in = fn->inst;
          LOAD_MEM();
        }
        break;
      }
      case OP_CALL_INDIRECT: {
        uint32_t tidx, tab, i;
        U32_FIRST(tidx);
        U32(tab);
        wvm_table *t = in->tables[tab];
        i = (--sp)->i32;
        if (i >= t->size) TRAP(WASM_TRAP_UNDEFINED_ELEMENT);
        callee = (wvm_func *)t->elems[i];
        if (!callee) TRAP(WASM_TRAP_UNINITIALIZED);
        if (!wvm_types_equal(callee->type, &in->types[tidx])) TRAP(WASM_TRAP_INDIRECT_MISMATCH);
        goto do_call;
      }
      case OP_DROP: sp--; break;
      case OP_SELECT_T: {
        uint32_t n;
        U32_FIRST(n);
        pc += n;
      }
        /* fall through */
      case OP_SELECT: {
        uint32_t c = (--sp)->i32;
        sp--;
        if (!c) sp[-1] = sp[0];
        break;
      }
      case OP_LOCAL_GET: {
        uint32_t i;
        U32_FIRST(i);
        *sp++ = fp[i];
        break;
      }
      case OP_LOCAL_SET: {
        uint32_t i;
        U32_FIRST(i);
        fp[i] = *--sp;
        break;
      }
      case OP_LOCAL_TEE: {
        uint32_t i;
        U32_FIRST(i);
        fp[i] = sp[-1];
        break;
      }
      case OP_GLOBAL_GET: {
        uint32_t i;
        U32_FIRST(i);
        *sp++ = wvm_global_get(wvm_global_ref(in, i));
        break;
      }
      case OP_GLOBAL_SET: {
        uint32_t i;
        U32_FIRST(i);
        wvm_global_set(wvm_global_ref(in, i), *--sp);
        break;
      }
      case OP_TABLE_GET: {
        uint32_t x, i;
        U32_FIRST(x);
        wvm_table *t = in->tables[x];
        i = sp[-1].i32;
        if (i >= t->size) TRAP(WASM_TRAP_OUT_OF_BOUNDS);
        SET_REF(sp[-1], t->elems[i]);
        break;
      }
      case OP_TABLE_SET: {
        uint32_t x, i;
        U32_FIRST(x);
        wvm_table *t = in->tables[x];
        uintptr_t v = (--sp)->ref;
        i = (--sp)->i32;
        if (i >= t->size) TRAP(WASM_TRAP_OUT_OF_BOUNDS);
        t->elems[i] = v;
        break;
      }
      case OP_I32_LOAD: LOAD32(4, sp[-1].i32 = t_)
      case OP_I64_LOAD: LOAD64(sp[-1].i64 = t_)
#if WASM_VM_FLOAT
      case OP_F32_LOAD: LOAD32(4, sp[-1].i32 = t_)
      case OP_F64_LOAD: LOAD64(sp[-1].i64 = t_)
#endif
      case OP_I32_LOAD8_S: LOAD32(1, sp[-1].i32 = (uint32_t)(int32_t)(int8_t)t_)
      case OP_I32_LOAD8_U: LOAD32(1, sp[-1].i32 = t_)
      case OP_I32_LOAD16_S: LOAD32(2, sp[-1].i32 = (uint32_t)(int32_t)(int16_t)t_)
      case OP_I32_LOAD16_U: LOAD32(2, sp[-1].i32 = t_)
      case OP_I64_LOAD8_S: LOAD32(1, sp[-1].i64 = (uint64_t)(int64_t)(int8_t)t_)
      case OP_I64_LOAD8_U: LOAD32(1, sp[-1].i64 = t_)
      case OP_I64_LOAD16_S: LOAD32(2, sp[-1].i64 = (uint64_t)(int64_t)(int16_t)t_)
      case OP_I64_LOAD16_U: LOAD32(2, sp[-1].i64 = t_)
      case OP_I64_LOAD32_S: LOAD32(4, sp[-1].i64 = (uint64_t)(int64_t)(int32_t)t_)
      case OP_I64_LOAD32_U: LOAD32(4, sp[-1].i64 = t_)
      case OP_I32_STORE: STORE32(4)
      case OP_I64_STORE: STORE64(8)
#if WASM_VM_FLOAT
      case OP_F32_STORE: STORE32(4)
      case OP_F64_STORE: STORE64(8)
#endif
      case OP_I32_STORE8: STORE32(1)
      case OP_I32_STORE16: STORE32(2)
      case OP_I64_STORE8: STORE64(1)
      case OP_I64_STORE16: STORE64(2)
      case OP_I64_STORE32: STORE64(4)
      case OP_MEMORY_SIZE:
        pc++;
        sp->i64 = 0;
        sp->i32 = in->mem->pages;
        sp++;
        break;
      case OP_MEMORY_GROW: {
        wvm_memory *m = in->mem;
        uint32_t n = sp[-1].i32, old = m->pages;
        uint64_t want = (uint64_t)old + n;
        pc++;
        if (want > 65536 || (m->decl_max != UINT32_MAX && want > m->decl_max) ||
            (n && want * WVM_PAGE > m->limit)) {
          sp[-1].i32 = UINT32_MAX;
        } else {
          m->pages = (uint32_t)want;
          if (n) {
            uint32_t grown = (uint32_t)(want * WVM_PAGE);
            memset(m->data + m->size, 0, grown - m->size);
            m->size = grown;
          }
          sp[-1].i32 = old;
        }
        LOAD_MEM();
        break;
      }
      case OP_I32_CONST:
        {
          uint32_t b = IMM_BYTE();
          if (__builtin_expect(b < 0x80, 1)) {
            b = (uint32_t)((int32_t)(b << 25) >> 25);
            pc++;
          } else if (IMM_BYTE2() < 0x80) { /* two bytes: -8192..8191 */
            b = (b & 0x7f) | IMM_BYTE2() << 7;
            b = (uint32_t)((int32_t)(b << 18) >> 18);
            pc += 2;
          } else {
            leb32 r_ = leb_s32_slow(pc + 1, b);
            b = r_.v;
            pc = r_.p;
          }
          sp->i64 = b; /* an i32 slot's upper half is zero */
        }
        sp++;
        break;
      case OP_I64_CONST:
        {
          leb64 r_ = leb_s64(pc);
          sp->i64 = r_.v;
          pc = r_.p;
        }
        sp++;
        break;
#if WASM_VM_FLOAT
      case OP_F32_CONST: {
        uint32_t v = 0;
        for (unsigned k = 0; k < 4; k++) v |= (uint32_t)RD8(pc + k) << (8 * k);
        pc += 4;
        sp->i64 = 0;
        sp->i32 = v;
        sp++;
        break;
      }
      case OP_F64_CONST: {
        uint64_t v = 0;
        for (unsigned k = 0; k < 8; k++) v |= (uint64_t)RD8(pc + k) << (8 * k);
        pc += 8;
        sp->i64 = v;
        sp++;
        break;
      }
#endif
      case OP_I32_EQZ: UN32(a == 0)
      case OP_I32_EQ: BIN32(a == b)
      case OP_I32_NE: BIN32(a != b)
      case OP_I32_LT_S: BIN32((int32_t)a < (int32_t)b)
      case OP_I32_LT_U: BIN32(a < b)
      case OP_I32_GT_S: BIN32((int32_t)a > (int32_t)b)
      case OP_I32_GT_U: BIN32(a > b)
      case OP_I32_LE_S: BIN32((int32_t)a <= (int32_t)b)
      case OP_I32_LE_U: BIN32(a <= b)
      case OP_I32_GE_S: BIN32((int32_t)a >= (int32_t)b)
      case OP_I32_GE_U: BIN32(a >= b)
      case OP_I64_EQZ: {
        uint32_t z = sp[-1].i64 == 0;
        sp[-1].i64 = 0;
        sp[-1].i32 = z;
        break;
      }
      case OP_I64_EQ: CMP64(a == b)
      case OP_I64_NE: CMP64(a != b)
      case OP_I64_LT_S: CMP64((int64_t)a < (int64_t)b)
      case OP_I64_LT_U: CMP64(a < b)
      case OP_I64_GT_S: CMP64((int64_t)a > (int64_t)b)
      case OP_I64_GT_U: CMP64(a > b)
      case OP_I64_LE_S: CMP64((int64_t)a <= (int64_t)b)
      case OP_I64_LE_U: CMP64(a <= b)
      case OP_I64_GE_S: CMP64((int64_t)a >= (int64_t)b)
      case OP_I64_GE_U: CMP64(a >= b)
#if WASM_VM_FLOAT
      case OP_F32_EQ: FCMP32(a == b)
      case OP_F32_NE: FCMP32(a != b)
      case OP_F32_LT: FCMP32(a < b)
      case OP_F32_GT: FCMP32(a > b)
      case OP_F32_LE: FCMP32(a <= b)
      case OP_F32_GE: FCMP32(a >= b)
      case OP_F64_EQ: FCMP64(a == b)
      case OP_F64_NE: FCMP64(a != b)
      case OP_F64_LT: FCMP64(a < b)
      case OP_F64_GT: FCMP64(a > b)
      case OP_F64_LE: FCMP64(a <= b)
      case OP_F64_GE: FCMP64(a >= b)
#endif
      case OP_I32_CLZ: UN32(a ? (uint32_t)__builtin_clz(a) : 32u)
      case OP_I32_CTZ: UN32(a ? (uint32_t)__builtin_ctz(a) : 32u)
      case OP_I32_POPCNT: UN32(popcount32(a))
      case OP_I32_ADD: BIN32(a + b)
      case OP_I32_SUB: BIN32(a - b)
      case OP_I32_MUL: BIN32(a * b)
      case OP_I32_DIV_S: {
        uint32_t b = (--sp)->i32, a = sp[-1].i32;
        if (!b) TRAP(WASM_TRAP_DIV_BY_ZERO);
        if (a == 0x80000000u && b == UINT32_MAX) TRAP(WASM_TRAP_INT_OVERFLOW);
        sp[-1].i32 = (uint32_t)((int32_t)a / (int32_t)b);
        break;
      }
      case OP_I32_DIV_U: {
        uint32_t b = (--sp)->i32, a = sp[-1].i32;
        if (!b) TRAP(WASM_TRAP_DIV_BY_ZERO);
        sp[-1].i32 = a / b;
        break;
      }
      case OP_I32_REM_S: {
        uint32_t b = (--sp)->i32, a = sp[-1].i32;
        if (!b) TRAP(WASM_TRAP_DIV_BY_ZERO);
        sp[-1].i32 = b == UINT32_MAX ? 0 : rem_s32(a, b);
        break;
      }
      case OP_I32_REM_U: {
        uint32_t b = (--sp)->i32, a = sp[-1].i32;
        if (!b) TRAP(WASM_TRAP_DIV_BY_ZERO);
        sp[-1].i32 = a % b;
        break;
      }
      case OP_I32_AND: BIN32(a & b)
      case OP_I32_OR: BIN32(a | b)
      case OP_I32_XOR: BIN32(a ^ b)
      case OP_I32_SHL: BIN32(a << (b & 31))
      case OP_I32_SHR_S: BIN32((uint32_t)((int32_t)a >> (b & 31)))
      case OP_I32_SHR_U: BIN32(a >> (b & 31))
      case OP_I32_ROTL: BIN32((a << (b & 31)) | (a >> ((32 - (b & 31)) & 31)))
      case OP_I32_ROTR: BIN32((a >> (b & 31)) | (a << ((32 - (b & 31)) & 31)))
      case OP_I64_CLZ: UN64(a ? (uint64_t)__builtin_clzll(a) : 64u)
      case OP_I64_CTZ: UN64(a ? (uint64_t)__builtin_ctzll(a) : 64u)
      case OP_I64_POPCNT: UN64((uint64_t)(popcount32((uint32_t)a) + popcount32((uint32_t)(a >> 32))))
      case OP_I64_ADD: BIN64(a + b)
      case OP_I64_SUB: BIN64(a - b)
      case OP_I64_MUL: BIN64(a * b)
      case OP_I64_DIV_S: {
        uint64_t b = (--sp)->i64, a = sp[-1].i64;
        if (!b) TRAP(WASM_TRAP_DIV_BY_ZERO);
        if (a == 0x8000000000000000ull && b == UINT64_MAX) TRAP(WASM_TRAP_INT_OVERFLOW);
        sp[-1].i64 = (uint64_t)((int64_t)a / (int64_t)b);
        break;
      }
      case OP_I64_DIV_U: {
        uint64_t b = (--sp)->i64, a = sp[-1].i64;
        if (!b) TRAP(WASM_TRAP_DIV_BY_ZERO);
        sp[-1].i64 = a / b;
        break;
      }
      case OP_I64_REM_S: {
        uint64_t b = (--sp)->i64, a = sp[-1].i64;
        if (!b) TRAP(WASM_TRAP_DIV_BY_ZERO);
        sp[-1].i64 = b == UINT64_MAX ? 0 : rem_s64(a, b);
        break;
      }
      case OP_I64_REM_U: {
        uint64_t b = (--sp)->i64, a = sp[-1].i64;
        if (!b) TRAP(WASM_TRAP_DIV_BY_ZERO);
        sp[-1].i64 = a % b;
        break;
      }
      case OP_I64_AND: BIN64(a & b)
      case OP_I64_OR: BIN64(a | b)
      case OP_I64_XOR: BIN64(a ^ b)
      case OP_I64_SHL: BIN64(a << (b & 63))
      case OP_I64_SHR_S: BIN64((uint64_t)((int64_t)a >> (b & 63)))
      case OP_I64_SHR_U: BIN64(a >> (b & 63))
      case OP_I64_ROTL: BIN64((a << (b & 63)) | (a >> ((64 - (b & 63)) & 63)))
      case OP_I64_ROTR: BIN64((a >> (b & 63)) | (a << ((64 - (b & 63)) & 63)))
#if WASM_VM_FLOAT
      case OP_F32_ABS: sp[-1].i32 &= 0x7fffffffu; break;
      case OP_F32_NEG: sp[-1].i32 ^= 0x80000000u; break;
      case OP_F32_CEIL: FUN32(ceilf(a))
      case OP_F32_FLOOR: FUN32(floorf(a))
      case OP_F32_TRUNC: FUN32(truncf(a))
      case OP_F32_NEAREST: FUN32(rintf(a))
      case OP_F32_SQRT: FUN32(sqrtf(a))
      case OP_F32_ADD: FBIN32(a + b)
      case OP_F32_SUB: FBIN32(a - b)
      case OP_F32_MUL: FBIN32(a * b)
      case OP_F32_DIV: FBIN32(a / b)
      case OP_F32_MIN: FBIN32(fmin32(a, b))
      case OP_F32_MAX: FBIN32(fmax32(a, b))
      case OP_F32_COPYSIGN: {
        uint32_t b = (--sp)->i32;
        sp[-1].i32 = (sp[-1].i32 & 0x7fffffffu) | (b & 0x80000000u);
        break;
      }
      case OP_F64_ABS: sp[-1].i64 &= 0x7fffffffffffffffull; break;
      case OP_F64_NEG: sp[-1].i64 ^= 0x8000000000000000ull; break;
      case OP_F64_CEIL: FUN64(ceil(a))
      case OP_F64_FLOOR: FUN64(floor(a))
      case OP_F64_TRUNC: FUN64(trunc(a))
      case OP_F64_NEAREST: FUN64(rint(a))
      case OP_F64_SQRT: FUN64(sqrt(a))
      case OP_F64_ADD: FBIN64(a + b)
      case OP_F64_SUB: FBIN64(a - b)
      case OP_F64_MUL: FBIN64(a * b)
      case OP_F64_DIV: FBIN64(a / b)
      case OP_F64_MIN: FBIN64(fmin64(a, b))
      case OP_F64_MAX: FBIN64(fmax64(a, b))
      case OP_F64_COPYSIGN: {
        uint64_t b = (--sp)->i64;
        sp[-1].i64 = (sp[-1].i64 & 0x7fffffffffffffffull) | (b & 0x8000000000000000ull);
        break;
      }
#endif
      case OP_I32_WRAP_I64: {
        uint32_t v = (uint32_t)sp[-1].i64;
        sp[-1].i64 = 0;
        sp[-1].i32 = v;
        break;
      }
#if WASM_VM_FLOAT
      case OP_I32_TRUNC_F32_S: TRUNC(f32_of(sp - 1), -2147483904.0, 2147483648.0, 1, 32, 0)
      case OP_I32_TRUNC_F32_U: TRUNC(f32_of(sp - 1), -1.0, 4294967296.0, 0, 32, 0)
      case OP_I32_TRUNC_F64_S: TRUNC(f64_of(sp - 1), -2147483649.0, 2147483648.0, 1, 32, 0)
      case OP_I32_TRUNC_F64_U: TRUNC(f64_of(sp - 1), -1.0, 4294967296.0, 0, 32, 0)
#endif
      case OP_I64_EXTEND_I32_S: sp[-1].i64 = (uint64_t)(int64_t)(int32_t)sp[-1].i32; break;
      case OP_I64_EXTEND_I32_U: sp[-1].i64 = (uint64_t)sp[-1].i32; break;
#if WASM_VM_FLOAT
      case OP_I64_TRUNC_F32_S: TRUNC(f32_of(sp - 1), -9223373136366403584.0, 9223372036854775808.0, 1, 64, 0)
      case OP_I64_TRUNC_F32_U: TRUNC(f32_of(sp - 1), -1.0, 18446744073709551616.0, 0, 64, 0)
      case OP_I64_TRUNC_F64_S: TRUNC(f64_of(sp - 1), -9223372036854777856.0, 9223372036854775808.0, 1, 64, 0)
      case OP_I64_TRUNC_F64_U: TRUNC(f64_of(sp - 1), -1.0, 18446744073709551616.0, 0, 64, 0)
      case OP_F32_CONVERT_I32_S: put_f32(sp - 1, (float)(int32_t)sp[-1].i32); break;
      case OP_F32_CONVERT_I32_U: put_f32(sp - 1, (float)sp[-1].i32); break;
      case OP_F32_CONVERT_I64_S: put_f32(sp - 1, (float)(int64_t)sp[-1].i64); break;
      case OP_F32_CONVERT_I64_U: put_f32(sp - 1, (float)sp[-1].i64); break;
      case OP_F32_DEMOTE_F64: put_f32(sp - 1, (float)f64_of(sp - 1)); break;
      case OP_F64_CONVERT_I32_S: put_f64(sp - 1, (double)(int32_t)sp[-1].i32); break;
      case OP_F64_CONVERT_I32_U: put_f64(sp - 1, (double)sp[-1].i32); break;
      case OP_F64_CONVERT_I64_S: put_f64(sp - 1, (double)(int64_t)sp[-1].i64); break;
      case OP_F64_CONVERT_I64_U: put_f64(sp - 1, (double)sp[-1].i64); break;
      case OP_F64_PROMOTE_F32: put_f64(sp - 1, (double)f32_of(sp - 1)); break;
      case OP_I32_REINTERPRET_F32:
      case OP_I64_REINTERPRET_F64:
      case OP_F32_REINTERPRET_I32:
      case OP_F64_REINTERPRET_I64: break;
#endif
      case OP_I32_EXTEND8_S: sp[-1].i32 = (uint32_t)(int32_t)(int8_t)sp[-1].i32; break;
      case OP_I32_EXTEND16_S: sp[-1].i32 = (uint32_t)(int32_t)(int16_t)sp[-1].i32; break;
      case OP_I64_EXTEND8_S: sp[-1].i64 = (uint64_t)(int64_t)(int8_t)sp[-1].i64; break;
      case OP_I64_EXTEND16_S: sp[-1].i64 = (uint64_t)(int64_t)(int16_t)sp[-1].i64; break;
      case OP_I64_EXTEND32_S: sp[-1].i64 = (uint64_t)(int64_t)(int32_t)sp[-1].i64; break;
      case OP_REF_NULL:
        pc++;
        SET_REF(*sp, 0);
        sp++;
        break;
      case OP_REF_IS_NULL: {
        uint32_t z = sp[-1].ref == 0;
        sp[-1].i64 = 0;
        sp[-1].i32 = z;
        break;
      }
      case OP_REF_FUNC: {
        uint32_t i;
        U32_FIRST(i);
        SET_REF(*sp, (uintptr_t)&in->funcs[i]);
        sp++;
        break;
      }
      case OP_PREFIX_MISC: {
        uint32_t sub;
        U32_FIRST(sub);
        switch (sub) {
#if WASM_VM_FLOAT
          case OP_I32_TRUNC_SAT_F32_S: TRUNC(f32_of(sp - 1), -2147483904.0, 2147483648.0, 1, 32, 1)
          case OP_I32_TRUNC_SAT_F32_U: TRUNC(f32_of(sp - 1), -1.0, 4294967296.0, 0, 32, 1)
          case OP_I32_TRUNC_SAT_F64_S: TRUNC(f64_of(sp - 1), -2147483649.0, 2147483648.0, 1, 32, 1)
          case OP_I32_TRUNC_SAT_F64_U: TRUNC(f64_of(sp - 1), -1.0, 4294967296.0, 0, 32, 1)
          case OP_I64_TRUNC_SAT_F32_S: TRUNC(f32_of(sp - 1), -9223373136366403584.0, 9223372036854775808.0, 1, 64, 1)
          case OP_I64_TRUNC_SAT_F32_U: TRUNC(f32_of(sp - 1), -1.0, 18446744073709551616.0, 0, 64, 1)
          case OP_I64_TRUNC_SAT_F64_S: TRUNC(f64_of(sp - 1), -9223372036854777856.0, 9223372036854775808.0, 1, 64, 1)
          case OP_I64_TRUNC_SAT_F64_U: TRUNC(f64_of(sp - 1), -1.0, 18446744073709551616.0, 0, 64, 1)
#endif
          case OP_MEMORY_INIT: {
            uint32_t seg, n, s, d;
            U32(seg);
            pc++;
            n = (--sp)->i32;
            s = (--sp)->i32;
            d = (--sp)->i32;
            const wvm_data *ds = &in->datas[seg];
            uint32_t len = ds->dropped ? 0 : ds->len;
            if ((uint64_t)s + n > len || (uint64_t)d + n > msize) TRAP(WASM_TRAP_OUT_OF_BOUNDS);
            for (uint32_t k = 0; k < n; k++) mem[d + k] = RD8(ds->bytes + s + k);
            break;
          }
          case OP_DATA_DROP: {
            uint32_t seg;
            U32(seg);
            in->datas[seg].dropped = 1;
            break;
          }
          case OP_MEMORY_COPY: {
            uint32_t n, s, d;
            pc += 2;
            n = (--sp)->i32;
            s = (--sp)->i32;
            d = (--sp)->i32;
            if ((uint64_t)s + n > msize || (uint64_t)d + n > msize) TRAP(WASM_TRAP_OUT_OF_BOUNDS);
            if (n) memmove(mem + d, mem + s, n);
            break;
          }
          case OP_MEMORY_FILL: {
            uint32_t n, v, d;
            pc++;
            n = (--sp)->i32;
            v = (--sp)->i32;
            d = (--sp)->i32;
            if ((uint64_t)d + n > msize) TRAP(WASM_TRAP_OUT_OF_BOUNDS);
            if (n) memset(mem + d, (int)(v & 0xff), n);
            break;
          }
          case OP_TABLE_INIT: {
            uint32_t seg, x, n, s, d;
            U32(seg);
            U32(x);
            n = (--sp)->i32;
            s = (--sp)->i32;
            d = (--sp)->i32;
            const wvm_elem *e = &in->elems[seg];
            wvm_table *t = in->tables[x];
            uint32_t len = e->dropped ? 0 : e->count;
            if ((uint64_t)s + n > len || (uint64_t)d + n > t->size) TRAP(WASM_TRAP_OUT_OF_BOUNDS);
            for (uint32_t k = 0; k < n; k++) t->elems[d + k] = wvm_elem_item(in, e, s + k);
            break;
          }
          case OP_ELEM_DROP: {
            uint32_t seg;
            U32(seg);
            in->elems[seg].dropped = 1;
            break;
          }
          case OP_TABLE_COPY: {
            uint32_t x, y, n, s, d;
            U32(x);
            U32(y);
            wvm_table *td = in->tables[x], *ts = in->tables[y];
            n = (--sp)->i32;
            s = (--sp)->i32;
            d = (--sp)->i32;
            if ((uint64_t)s + n > ts->size || (uint64_t)d + n > td->size) TRAP(WASM_TRAP_OUT_OF_BOUNDS);
            if (n) memmove(td->elems + d, ts->elems + s, sizeof(uintptr_t) * n);
            break;
          }
          case OP_TABLE_GROW: {
            uint32_t x, n;
            U32(x);
            wvm_table *t = in->tables[x];
            n = (--sp)->i32;
            uintptr_t v = sp[-1].ref;
            uint32_t old = t->size;
            sp[-1].i64 = 0;
            if ((uint64_t)old + n > t->max) {
              sp[-1].i32 = UINT32_MAX;
            } else {
              for (uint32_t k = 0; k < n; k++) t->elems[old + k] = v;
              t->size = old + n;
              sp[-1].i32 = old;
            }
            break;
          }
          case OP_TABLE_SIZE: {
            uint32_t x;
            U32(x);
            sp->i64 = 0;
            sp->i32 = in->tables[x]->size;
            sp++;
            break;
          }
          case OP_TABLE_FILL: {
            uint32_t x, n, i;
            U32(x);
            wvm_table *t = in->tables[x];
            n = (--sp)->i32;
            uintptr_t v = (--sp)->ref;
            i = (--sp)->i32;
            if ((uint64_t)i + n > t->size) TRAP(WASM_TRAP_OUT_OF_BOUNDS);
            for (uint32_t k = 0; k < n; k++) t->elems[i + k] = v;
            break;
          }
          default: TRAP(WASM_TRAP_UNREACHABLE);
        }
        break;
      }
      /* Validation rejects every other opcode: no range check before the jump table. */
      default: __builtin_unreachable();
    }
  }
finished:
  for (uint32_t i = 0; i < ft->nr; i++) results[i] = stack[i];
done:
  if (fuel_used) *fuel_used = (fuel ? fuel : UINT64_MAX) - left - chunk;
  return res;
}
