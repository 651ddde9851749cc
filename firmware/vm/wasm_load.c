/* Section walk: checks the binary format and everything outside function bodies, records where
 * each section lives, and lays out the instance's arrays in the arena. */
#include "wasm_load.h"

#include <string.h>

/* LEB128 of `bits` bits, signed or not, with the standard's length and unused-bit rules. */
uint64_t wvm_rd_leb(wvm_reader *r, unsigned bits, int is_signed) {
  uint64_t v = 0;
  unsigned shift = 0, maxbytes = (bits + 6) / 7;
  uint8_t b = 0;
  for (unsigned i = 0; i < maxbytes; i++) {
    if (r->p >= r->end) {
      rd_fail(r, WASM_ERR_MALFORMED, "unexpected end");
      return 0;
    }
    b = RD8(r->p++);
    if (i == maxbytes - 1) {
      unsigned used = bits - shift;
      if (b & 0x80) {
        rd_fail(r, WASM_ERR_MALFORMED, "integer representation too long");
        return 0;
      }
      if (is_signed) {
        int32_t top = (int32_t)((uint32_t)(b & 0x7f) << 25) >> (25 + used - 1); /* sign bit and up */
        if (top != 0 && top != -1) {
          rd_fail(r, WASM_ERR_MALFORMED, "integer too large");
          return 0;
        }
      } else if ((b & 0x7f) >> used) {
        rd_fail(r, WASM_ERR_MALFORMED, "integer too large");
        return 0;
      }
    }
    v |= (uint64_t)(b & 0x7f) << shift;
    shift += 7;
    if (!(b & 0x80)) break;
  }
  if (is_signed && shift < 64 && (b & 0x40)) v |= ~(uint64_t)0 << shift;
  return v;
}


void *wvm_alloc(wvm_loader *L, size_t n, size_t align) {
  size_t at = (L->a.used + align - 1) & ~(align - 1);
  if (n > SIZE_MAX / 2 || at + n < at) {
    rd_fail(&L->r, WASM_ERR_ARENA, "module too large for the arena");
    return NULL;
  }
  L->a.used = at + n;
  if (!L->a.base) return NULL;
  if (L->a.used > L->a.cap) {
    rd_fail(&L->r, WASM_ERR_ARENA, "arena too small (use wasm_vm_measure)");
    return NULL;
  }
  return L->a.base + at;
}

int wvm_is_reftype(uint8_t t) { return t == WASM_FUNCREF || t == WASM_EXTERNREF; }

uint8_t wvm_read_valtype(wvm_reader *r) {
  uint8_t t = rd_byte(r);
  switch (t) {
    case WASM_I32:
    case WASM_I64:
    case WASM_FUNCREF:
    case WASM_EXTERNREF:
      return t;
    case WASM_F32:
    case WASM_F64:
#if WASM_VM_FLOAT
      return t;
#else
      rd_fail(r, WASM_ERR_UNSUPPORTED, "floating point not supported in this build (WASM_VM_FLOAT=0)");
      return 0;
#endif
    default:
      if (!r->err) r->p--;
      if (t == WVM_V128) rd_fail(r, WASM_ERR_UNSUPPORTED, "SIMD (v128) is not supported");
      else rd_fail(r, WASM_ERR_MALFORMED, "malformed value type");
      return 0;
  }
}

static uint8_t read_reftype(wvm_reader *r) {
  uint8_t t = rd_byte(r);
  if (!wvm_is_reftype(t)) rd_fail(r, WASM_ERR_MALFORMED, "malformed reference type");
  return t;
}

static void check_utf8(wvm_reader *r, const uint8_t *p, uint32_t n) {
  uint32_t i = 0;
  while (i < n) {
    uint8_t c = RD8(p + i);
    uint32_t len, cp;
    if (c < 0x80) { i++; continue; }
    if (c >= 0xc2 && c < 0xe0) { len = 2; cp = c & 0x1f; }
    else if (c >= 0xe0 && c < 0xf0) { len = 3; cp = c & 0x0f; }
    else if (c >= 0xf0 && c < 0xf5) { len = 4; cp = c & 0x07; }
    else goto bad;
    if (i + len > n) goto bad;
    for (uint32_t k = 1; k < len; k++) {
      uint8_t d = RD8(p + i + k);
      if ((d & 0xc0) != 0x80) goto bad;
      cp = (cp << 6) | (d & 0x3f);
    }
    if ((len == 3 && (cp < 0x800 || (cp >= 0xd800 && cp < 0xe000))) || (len == 4 && (cp < 0x10000 || cp > 0x10ffff)))
      goto bad;
    i += len;
  }
  return;
bad:
  rd_fail(r, WASM_ERR_MALFORMED, "malformed UTF-8 encoding");
}

void wvm_skip_name(wvm_reader *r) {
  uint32_t n = rd_u32(r);
  if (r->err) return;
  if ((size_t)(r->end - r->p) < n) {
    rd_fail(r, WASM_ERR_MALFORMED, "unexpected end");
    return;
  }
  check_utf8(r, r->p, n);
  r->p += n;
}

/* Returns min; *max = UINT32_MAX if absent, and *has_max says which. */
static uint32_t read_limits_ex(wvm_reader *r, uint32_t *max, int *has_max, int memory) {
  uint8_t flags = rd_byte(r);
  if (flags > 1) {
    rd_fail(r, WASM_ERR_MALFORMED, memory ? "malformed limits flags" : "integer too large");
    return 0;
  }
  uint32_t min = rd_u32(r);
  *max = flags ? rd_u32(r) : UINT32_MAX;
  *has_max = flags;
  return min;
}
static uint32_t read_limits(wvm_reader *r, uint32_t *max, int memory) {
  int has_max;
  return read_limits_ex(r, max, &has_max, memory);
}

void wvm_skip_limits(wvm_reader *r) {
  uint32_t max;
  read_limits(r, &max, 0);
}

static void check_limits(wvm_loader *L, uint32_t min, uint32_t max, int has_max, int memory) {
  if (memory && (min > 65536 || (has_max && max > 65536)))
    rd_fail(&L->r, WASM_ERR_INVALID, "memory size must be at most 65536 pages (4GiB)");
  else if (max != UINT32_MAX && min > max)
    rd_fail(&L->r, WASM_ERR_INVALID, "size minimum must not be greater than maximum");
}

/* ---- lookups over validated sections ---- */

static void skip_functype(wvm_reader *r, wvm_type *out) {
  rd_byte(r); /* WVM_FUNCTYPE_FORM */
  out->np = (uint16_t)rd_u32(r);
  out->params = r->p;
  r->p += out->np;
  out->nr = (uint16_t)rd_u32(r);
  out->results = r->p;
  r->p += out->nr;
}

int wvm_type_at(const wvm_module *m, uint32_t idx, wvm_type *out) {
  if (idx >= m->ntypes) return 0;
  wvm_reader r = {m->types, m->end, m->base, WASM_OK, NULL, NULL};
  for (uint32_t i = 0; i <= idx; i++) skip_functype(&r, out);
  return 1;
}

/* Walks the import section; calls back on each import of `kind` with its index among them. */
typedef struct {
  wvm_reader r;
  uint32_t left;
} import_iter;

static int next_import(import_iter *it, uint8_t *kind) {
  if (!it->left) return 0;
  it->left--;
  wvm_skip_name(&it->r);
  wvm_skip_name(&it->r);
  *kind = rd_byte(&it->r);
  return 1;
}

static void skip_import_desc(wvm_reader *r, uint8_t kind) {
  switch (kind) {
    case 0: rd_u32(r); break;
    case 1: rd_byte(r); wvm_skip_limits(r); break;
    case 2: wvm_skip_limits(r); break;
    default: rd_byte(r); rd_byte(r); break;
  }
}

uint32_t wvm_func_type_index(const wvm_module *m, uint32_t fidx) {
  if (fidx < m->imp_funcs) {
    import_iter it = {{m->imports, m->end, m->base, WASM_OK, NULL, NULL}, m->nimports};
    uint8_t kind;
    uint32_t n = 0;
    while (next_import(&it, &kind)) {
      if (kind == 0) {
        uint32_t t = rd_u32(&it.r);
        if (n++ == fidx) return t;
      } else {
        skip_import_desc(&it.r, kind);
      }
    }
    return 0;
  }
  wvm_reader r = {m->funcs, m->end, m->base, WASM_OK, NULL, NULL};
  uint32_t t = 0;
  for (uint32_t i = m->imp_funcs; i <= fidx; i++) t = rd_u32(&r);
  return t;
}

void wvm_skip_const_expr(wvm_reader *r) {
  for (;;) {
    uint8_t op = rd_byte(r);
    if (r->err || op == OP_END) return;
    switch (op) {
      case OP_I32_CONST: rd_s32(r); break;
      case OP_I64_CONST: rd_s64(r); break;
      case OP_F32_CONST: r->p += 4; break;
      case OP_F64_CONST: r->p += 8; break;
      case OP_REF_NULL: rd_byte(r); break;
      default: rd_u32(r); break; /* ref.func, global.get */
    }
  }
}

void wvm_global_type(const wvm_module *m, uint32_t gidx, uint8_t *type, uint8_t *mut) {
  if (gidx < m->imp_globals) {
    import_iter it = {{m->imports, m->end, m->base, WASM_OK, NULL, NULL}, m->nimports};
    uint8_t kind;
    uint32_t n = 0;
    while (next_import(&it, &kind)) {
      if (kind == 3) {
        *type = rd_byte(&it.r);
        *mut = rd_byte(&it.r);
        if (n++ == gidx) return;
      } else {
        skip_import_desc(&it.r, kind);
      }
    }
    return;
  }
  wvm_reader r = {m->globals, m->end, m->base, WASM_OK, NULL, NULL};
  for (uint32_t i = m->imp_globals; i <= gidx; i++) {
    *type = rd_byte(&r);
    *mut = rd_byte(&r);
    wvm_skip_const_expr(&r);
  }
}

uint8_t wvm_table_type(const wvm_module *m, uint32_t tidx) {
  if (tidx < m->imp_tables) {
    import_iter it = {{m->imports, m->end, m->base, WASM_OK, NULL, NULL}, m->nimports};
    uint8_t kind;
    uint32_t n = 0;
    while (next_import(&it, &kind)) {
      if (kind == 1) {
        uint8_t t = rd_byte(&it.r);
        wvm_skip_limits(&it.r);
        if (n++ == tidx) return t;
      } else {
        skip_import_desc(&it.r, kind);
      }
    }
    return 0;
  }
  wvm_reader r = {m->tables, m->end, m->base, WASM_OK, NULL, NULL};
  uint8_t t = 0;
  for (uint32_t i = m->imp_tables; i <= tidx; i++) {
    t = rd_byte(&r);
    wvm_skip_limits(&r);
  }
  return t;
}

/* Skips one const expression; says whether it contains ref.func fidx. */
static int const_expr_refs(wvm_reader *r, uint32_t fidx) {
  int found = 0;
  for (;;) {
    uint8_t op = rd_byte(r);
    if (op == OP_END || r->err) return found;
    switch (op) {
      case OP_I32_CONST: rd_s32(r); break;
      case OP_I64_CONST: rd_s64(r); break;
      case OP_F32_CONST: r->p += 4; break;
      case OP_F64_CONST: r->p += 8; break;
      case OP_REF_NULL: rd_byte(r); break;
      case OP_REF_FUNC: if (rd_u32(r) == fidx) found = 1; break;
      default: rd_u32(r); break;
    }
  }
}

/* ref.func x in a body needs x to appear outside function bodies (exports, elements, globals). */
int wvm_func_declared(const wvm_module *m, uint32_t fidx) {
  wvm_reader r = {m->exports, m->end, m->base, WASM_OK, NULL, NULL};
  for (uint32_t i = 0; m->exports && i < m->nexports; i++) {
    wvm_skip_name(&r);
    uint8_t kind = rd_byte(&r);
    if (rd_u32(&r) == fidx && kind == 0) return 1;
  }
  r.p = m->globals;
  for (uint32_t i = 0; m->globals && i < m->nglobals - m->imp_globals; i++) {
    rd_byte(&r);
    rd_byte(&r);
    if (const_expr_refs(&r, fidx)) return 1;
  }
  r.p = m->elems;
  for (uint32_t i = 0; m->elems && i < m->nelems; i++) {
    uint32_t flags = rd_u32(&r);
    if (!(flags & 1)) {
      if (flags & 2) rd_u32(&r);
      wvm_skip_const_expr(&r);
      if (flags & 2) rd_byte(&r);
    } else {
      rd_byte(&r);
    }
    uint32_t n = rd_u32(&r);
    for (uint32_t k = 0; k < n; k++) {
      if (flags & 4) {
        if (const_expr_refs(&r, fidx)) return 1;
      } else if (rd_u32(&r) == fidx) {
        return 1;
      }
    }
  }
  return 0;
}

/* ---- constant expressions ---- */

void wvm_validate_const_expr(wvm_loader *L, uint8_t want) {
  wvm_reader *r = &L->r;
  uint8_t stack[4];
  unsigned h = 0;
  for (;;) {
    uint8_t op = rd_byte(r), t = 0;
    if (r->err) return;
    switch (op) {
      case OP_END:
        if (h != 1 || stack[0] != want) rd_fail(r, WASM_ERR_INVALID, "type mismatch");
        return;
      case OP_I32_CONST: rd_s32(r); t = WASM_I32; break;
      case OP_I64_CONST: rd_s64(r); t = WASM_I64; break;
#if WASM_VM_FLOAT
      case OP_F32_CONST: rd_fixed32(r); t = WASM_F32; break;
      case OP_F64_CONST: rd_fixed64(r); t = WASM_F64; break;
#else
      case OP_F32_CONST:
      case OP_F64_CONST:
        rd_fail(r, WASM_ERR_UNSUPPORTED, "floating point not supported in this build (WASM_VM_FLOAT=0)");
        return;
#endif
      case OP_REF_NULL: t = read_reftype(r); break;
      case OP_REF_FUNC: {
        uint32_t f = rd_u32(r);
        if (f >= L->m.nfuncs) { rd_fail(r, WASM_ERR_INVALID, "unknown function"); return; }
        t = WASM_FUNCREF;
        break;
      }
      case OP_GLOBAL_GET: {
        uint32_t g = rd_u32(r);
        uint8_t mut = 0;
        if (g >= L->m.imp_globals) { rd_fail(r, WASM_ERR_INVALID, "unknown global"); return; }
        wvm_global_type(&L->m, g, &t, &mut);
        if (mut) { rd_fail(r, WASM_ERR_INVALID, "constant expression required"); return; }
        break;
      }
      default:
        if (!r->err) r->p--;
        rd_fail(r, WASM_ERR_INVALID, "constant expression required");
        return;
    }
    if (r->err) return;
    if (h == sizeof stack) { rd_fail(r, WASM_ERR_INVALID, "type mismatch"); return; }
    stack[h++] = t;
  }
}

/* ---- sections ---- */

static void parse_types(wvm_loader *L) {
  wvm_reader *r = &L->r;
  L->m.ntypes = rd_u32(r);
  L->m.types = r->p;
  for (uint32_t i = 0; i < L->m.ntypes && !r->err; i++) {
    if (rd_byte(r) != WVM_FUNCTYPE_FORM) { rd_fail(r, WASM_ERR_MALFORMED, "integer representation too long"); return; }
    for (int part = 0; part < 2 && !r->err; part++) {
      uint32_t n = rd_u32(r);
      if (n > UINT16_MAX) rd_fail(r, WASM_ERR_UNSUPPORTED, "function type with more than 65535 params or results");
      for (uint32_t k = 0; k < n && !r->err; k++) wvm_read_valtype(r);
    }
  }
}

static void parse_imports(wvm_loader *L) {
  wvm_reader *r = &L->r;
  wvm_module *m = &L->m;
  m->nimports = rd_u32(r);
  m->imports = r->p;
  for (uint32_t i = 0; i < m->nimports && !r->err; i++) {
    wvm_skip_name(r);
    wvm_skip_name(r);
    uint8_t kind = rd_byte(r);
    uint32_t min, max;
    int has_max;
    switch (kind) {
      case 0:
        if (rd_u32(r) >= m->ntypes && !r->err) rd_fail(r, WASM_ERR_INVALID, "unknown type");
        m->imp_funcs++;
        break;
      case 1:
        read_reftype(r);
        min = read_limits_ex(r, &max, &has_max, 0);
        check_limits(L, min, max, has_max, 0);
        m->imp_tables++;
        break;
      case 2:
        min = read_limits_ex(r, &max, &has_max, 1);
        check_limits(L, min, max, has_max, 1);
        if (++m->imp_mems > 1 && !r->err) rd_fail(r, WASM_ERR_INVALID, "multiple memories");
        break;
      case 3: {
        wvm_read_valtype(r);
        uint8_t mut = rd_byte(r);
        if (mut > 1) rd_fail(r, WASM_ERR_MALFORMED, "malformed mutability");
        m->imp_globals++;
        break;
      }
      default:
        rd_fail(r, WASM_ERR_MALFORMED, "malformed import kind");
    }
  }
  m->nfuncs = m->imp_funcs;
  m->ntables = m->imp_tables;
  m->nmems = m->imp_mems;
  m->nglobals = m->imp_globals;
}

static void parse_funcs(wvm_loader *L) {
  wvm_reader *r = &L->r;
  uint32_t n = rd_u32(r);
  L->m.funcs = r->p;
  for (uint32_t i = 0; i < n && !r->err; i++)
    if (rd_u32(r) >= L->m.ntypes && !r->err) rd_fail(r, WASM_ERR_INVALID, "unknown type");
  L->m.nfuncs += n;
}

static void parse_tables(wvm_loader *L) {
  wvm_reader *r = &L->r;
  uint32_t n = rd_u32(r), min, max;
  int has_max;
  L->m.tables = r->p;
  for (uint32_t i = 0; i < n && !r->err; i++) {
    read_reftype(r);
    min = read_limits_ex(r, &max, &has_max, 0);
    check_limits(L, min, max, has_max, 0);
  }
  L->m.ntables += n;
}

static void parse_mems(wvm_loader *L) {
  wvm_reader *r = &L->r;
  uint32_t n = rd_u32(r), min, max;
  int has_max;
  L->m.mems = r->p;
  for (uint32_t i = 0; i < n && !r->err; i++) {
    min = read_limits_ex(r, &max, &has_max, 1);
    check_limits(L, min, max, has_max, 1);
  }
  L->m.nmems += n;
  if (L->m.nmems > 1 && !r->err) rd_fail(r, WASM_ERR_INVALID, "multiple memories");
}

static void parse_globals(wvm_loader *L) {
  wvm_reader *r = &L->r;
  uint32_t n = rd_u32(r);
  L->m.globals = r->p;
  for (uint32_t i = 0; i < n && !r->err; i++) {
    uint8_t t = wvm_read_valtype(r);
    uint8_t mut = rd_byte(r);
    if (mut > 1) rd_fail(r, WASM_ERR_MALFORMED, "malformed mutability");
    if (!r->err) wvm_validate_const_expr(L, t);
  }
  L->m.nglobals += n;
}

static void parse_exports(wvm_loader *L) {
  wvm_reader *r = &L->r;
  wvm_module *m = &L->m;
  m->nexports = rd_u32(r);
  m->exports = r->p;
  for (uint32_t i = 0; i < m->nexports && !r->err; i++) {
    const uint8_t *name = r->p;
    wvm_skip_name(r);
    uint8_t kind = rd_byte(r);
    uint32_t idx = rd_u32(r);
    if (r->err) return;
    uint32_t lim = kind == 0 ? m->nfuncs : kind == 1 ? m->ntables : kind == 2 ? m->nmems : kind == 3 ? m->nglobals : 0;
    if (kind > 3) { rd_fail(r, WASM_ERR_MALFORMED, "malformed export kind"); return; }
    if (idx >= lim) {
      rd_fail(r, WASM_ERR_INVALID, kind == 0 ? "unknown function" : kind == 1 ? "unknown table" : kind == 2 ? "unknown memory" : "unknown global");
      return;
    }
    /* duplicate names: compare with every earlier export */
    wvm_reader a = {name, m->end, m->base, WASM_OK, NULL, NULL};
    uint32_t alen = rd_u32(&a);
    wvm_reader e = {m->exports, m->end, m->base, WASM_OK, NULL, NULL};
    for (uint32_t k = 0; k < i; k++) {
      uint32_t blen = rd_u32(&e);
      int same = blen == alen;
      for (uint32_t c = 0; same && c < alen; c++) same = RD8(a.p + c) == RD8(e.p + c);
      if (same) { rd_fail(r, WASM_ERR_INVALID, "duplicate export name"); return; }
      e.p += blen;
      rd_byte(&e);
      rd_u32(&e);
    }
  }
}

static void parse_start(wvm_loader *L) {
  wvm_reader *r = &L->r;
  uint32_t f = rd_u32(r);
  if (r->err) return;
  if (f >= L->m.nfuncs) { rd_fail(r, WASM_ERR_INVALID, "unknown function"); return; }
  wvm_type t;
  wvm_type_at(&L->m, wvm_func_type_index(&L->m, f), &t);
  if (t.np || t.nr) { rd_fail(r, WASM_ERR_INVALID, "start function"); return; }
  L->m.start = f;
}

static void parse_elems(wvm_loader *L) {
  wvm_reader *r = &L->r;
  wvm_module *m = &L->m;
  m->nelems = rd_u32(r);
  m->elems = r->p;
  for (uint32_t i = 0; i < m->nelems && !r->err; i++) {
    uint32_t flags = rd_u32(r);
    uint8_t type = WASM_FUNCREF;
    if (flags > 7) { rd_fail(r, WASM_ERR_MALFORMED, "malformed elements segment kind"); return; }
    if (!(flags & 1)) { /* active */
      uint32_t table = (flags & 2) ? rd_u32(r) : 0;
      if (!r->err && table >= m->ntables) { rd_fail(r, WASM_ERR_INVALID, "unknown table"); return; }
      wvm_validate_const_expr(L, WASM_I32);
      if (r->err) return;
      if (flags & 2) {
        if (flags & 4) type = read_reftype(r);
        else if (rd_byte(r) != 0x00) rd_fail(r, WASM_ERR_MALFORMED, "malformed element kind");
      }
      if (!r->err && wvm_table_type(m, table) != type) { rd_fail(r, WASM_ERR_INVALID, "type mismatch"); return; }
    } else if (flags & 4) {
      type = read_reftype(r);
    } else if (rd_byte(r) != 0x00) {
      rd_fail(r, WASM_ERR_MALFORMED, "malformed element kind");
    }
    uint32_t n = rd_u32(r);
    for (uint32_t k = 0; k < n && !r->err; k++) {
      if (flags & 4) {
        wvm_validate_const_expr(L, type);
      } else if (rd_u32(r) >= m->nfuncs && !r->err) {
        rd_fail(r, WASM_ERR_INVALID, "unknown function");
      }
    }
  }
}

static void parse_datas(wvm_loader *L) {
  wvm_reader *r = &L->r;
  wvm_module *m = &L->m;
  m->ndatas = rd_u32(r);
  m->datas = r->p;
  if (m->datacount != UINT32_MAX && m->datacount != m->ndatas && !r->err) {
    rd_fail(r, WASM_ERR_MALFORMED, "data count and data section have inconsistent lengths");
    return;
  }
  for (uint32_t i = 0; i < m->ndatas && !r->err; i++) {
    uint32_t flags = rd_u32(r);
    if (flags > 2) { rd_fail(r, WASM_ERR_MALFORMED, "malformed data segment kind"); return; }
    if (flags != 1) {
      uint32_t mem = flags == 2 ? rd_u32(r) : 0;
      if (!r->err && mem >= m->nmems) { rd_fail(r, WASM_ERR_INVALID, "unknown memory"); return; }
      wvm_validate_const_expr(L, WASM_I32);
    }
    uint32_t len = rd_u32(r);
    if (r->err) return;
    if ((size_t)(r->end - r->p) < len) { rd_fail(r, WASM_ERR_MALFORMED, "unexpected end of section or function"); return; }
    r->p += len;
  }
}

void wvm_parse_code(wvm_loader *L) {
  wvm_reader *r = &L->r;
  wvm_module *m = &L->m;
  m->code = r->p;
  m->ncode = rd_u32(r);
  if (!r->err && m->ncode != m->nfuncs - m->imp_funcs) {
    rd_fail(r, WASM_ERR_MALFORMED, "function and code section have inconsistent lengths");
    return;
  }
  for (uint32_t i = 0; i < m->ncode && !r->err; i++) {
    uint32_t size = rd_u32(r);
    if (r->err) return;
    if ((size_t)(r->end - r->p) < size) { rd_fail(r, WASM_ERR_MALFORMED, "unexpected end of section or function"); return; }
    const uint8_t *body_end = r->p + size;
    const uint8_t *sec_end = r->end;
    r->end = body_end;
    wvm_validate_body(L, m->imp_funcs + i, body_end);
    if (!r->err && r->p != body_end) rd_fail(r, WASM_ERR_MALFORMED, "section size mismatch");
    r->end = sec_end;
    if (!r->err) r->p = body_end;
  }
}

/* Lays out the instance's arrays once the sections before the code are known. */
static void alloc_arrays(wvm_loader *L) {
  wvm_module *m = &L->m;
  struct wasm_vm *vm = L->vm;
  wvm_type *types = wvm_alloc(L, sizeof(wvm_type) * m->ntypes, 8);
  wvm_func *funcs = wvm_alloc(L, sizeof(wvm_func) * m->nfuncs, 8);
  wvm_global *globals = wvm_alloc(L, sizeof(wvm_global) * m->nglobals, 8);
  wvm_table **tables = wvm_alloc(L, sizeof(wvm_table *) * m->ntables, 8);
  wvm_table *own_tables = wvm_alloc(L, sizeof(wvm_table) * m->ntables, 8);
  wvm_elem *elems = wvm_alloc(L, sizeof(wvm_elem) * m->nelems, 8);
  /* wide side entries before the side table: their number is known from the counting pass
   * (which adds them after it instead: same bytes) */
  wvm_side_wide *wide = wvm_writing(L) ? wvm_alloc(L, WVM_WIDE_BYTES(L->wide_total), 4) : NULL;
  if (!wvm_writing(L) || L->r.err) return;
  L->wide = wide;
  vm->wide = wide;
  vm->types = types;
  vm->funcs = funcs;
  vm->globals = globals;
  vm->tables = tables;
  vm->own_tables = own_tables;
  vm->elems = elems;
  wvm_reader r = {m->types, m->end, m->base, WASM_OK, NULL, NULL};
  for (uint32_t i = 0; i < m->ntypes; i++) skip_functype(&r, &types[i]);
  r.p = m->funcs;
  for (uint32_t i = 0; i < m->nfuncs; i++) {
    memset(&funcs[i], 0, sizeof funcs[i]);
    funcs[i].inst = vm;
    if (i >= m->imp_funcs) funcs[i].type = &types[rd_u32(&r)];
  }
}

void wvm_parse_module(wvm_loader *L) {
  wvm_reader *r = &L->r;
  wvm_module *m = &L->m;
  m->start = UINT32_MAX;
  m->datacount = UINT32_MAX;
  if (rd_fixed32(r) != 0x6d736100u) { rd_fail(r, WASM_ERR_MALFORMED, "magic header not detected"); return; }
  if (rd_fixed32(r) != 1u) { rd_fail(r, WASM_ERR_MALFORMED, "unknown binary version"); return; }
  /* canonical order of the non-custom sections */
  static const uint8_t order[13] = {0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 11, 12, 10};
  unsigned last = 0;
  int arrays = 0;
  while (r->p < r->end && !r->err) {
    uint8_t id = rd_byte(r);
    uint32_t size = rd_u32(r);
    if (r->err) return;
    if (id > 12) { r->p -= 1; rd_fail(r, WASM_ERR_MALFORMED, "malformed section id"); return; }
    if ((size_t)(r->end - r->p) < size) { rd_fail(r, WASM_ERR_MALFORMED, "length out of bounds"); return; }
    const uint8_t *sec_end = r->p + size;
    const uint8_t *mod_end = r->end;
    if (id != 0) {
      if (order[id] <= last) { rd_fail(r, WASM_ERR_MALFORMED, "unexpected content after last section"); return; }
      last = order[id];
    }
    if ((id == 10 || id == 11) && !arrays) {
      arrays = 1;
      alloc_arrays(L);
    }
    r->end = sec_end;
    switch (id) {
      case 0: wvm_skip_name(r); r->p = sec_end; break;
      case 1: parse_types(L); break;
      case 2: parse_imports(L); break;
      case 3: parse_funcs(L); break;
      case 4: parse_tables(L); break;
      case 5: parse_mems(L); break;
      case 6: parse_globals(L); break;
      case 7: parse_exports(L); break;
      case 8: parse_start(L); break;
      case 9: parse_elems(L); break;
      case 10: wvm_parse_code(L); break;
      case 11: parse_datas(L); break;
      case 12: m->datacount = rd_u32(r); break;
    }
    if (r->err) return;
    if (r->p != sec_end) { rd_fail(r, WASM_ERR_MALFORMED, "section size mismatch"); return; }
    r->end = mod_end;
  }
  if (!arrays) {
    alloc_arrays(L);
  }
  if (!wvm_writing(L)) wvm_alloc(L, WVM_WIDE_BYTES(L->nwide), 4);
  if (r->err) return;
  if (m->nfuncs != m->imp_funcs && !m->code) {
    rd_fail(r, WASM_ERR_MALFORMED, "function and code section have inconsistent lengths");
    return;
  }
  if (m->datacount != UINT32_MAX && m->datacount != m->ndatas)
    rd_fail(r, WASM_ERR_MALFORMED, "data count and data section have inconsistent lengths");
}
