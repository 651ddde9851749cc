/* Checked readers for module bytes (loader side). Errors are sticky: after the first, reads
 * return 0 and the caller checks r->err at convenient points. */
#ifndef WASM_READ_H
#define WASM_READ_H

#include "wasm_internal.h"

typedef struct {
  const uint8_t *p, *end, *base;
  wasm_result err;
  const char *msg;
  const uint8_t *at;
} wvm_reader;

static inline void rd_fail(wvm_reader *r, wasm_result e, const char *msg) {
  if (!r->err) {
    r->err = e;
    r->msg = msg;
    r->at = r->p;
  }
  r->p = r->end;
}

static inline uint8_t rd_byte(wvm_reader *r) {
  if (r->p >= r->end) {
    rd_fail(r, WASM_ERR_MALFORMED, "unexpected end");
    return 0;
  }
  return RD8(r->p++);
}

/* LEB128 of `bits` bits, signed or not, with the standard's length and unused-bit rules.
 * One copy (in wasm_load.c) for every loader file: it is the largest reader. */
uint64_t wvm_rd_leb(wvm_reader *r, unsigned bits, int is_signed);
#define rd_leb wvm_rd_leb

static inline uint32_t rd_u32(wvm_reader *r) { return (uint32_t)rd_leb(r, 32, 0); }
static inline int32_t rd_s32(wvm_reader *r) { return (int32_t)(uint32_t)rd_leb(r, 32, 1); }
static inline int64_t rd_s64(wvm_reader *r) { return (int64_t)rd_leb(r, 64, 1); }

static inline uint32_t rd_fixed32(wvm_reader *r) {
  uint32_t v = 0;
  for (unsigned i = 0; i < 4; i++) v |= (uint32_t)rd_byte(r) << (8 * i);
  return v;
}
static inline uint64_t rd_fixed64(wvm_reader *r) {
  uint64_t lo = rd_fixed32(r);
  return lo | (uint64_t)rd_fixed32(r) << 32;
}

#endif
