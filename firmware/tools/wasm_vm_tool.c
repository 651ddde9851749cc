/* Host tool over the interpreter.
 *   wasm-vm run FILE.wasm EXPORT [ARGS...] [--memory-limit BYTES] [--fuel N] [--stats]
 *           [--value-slots N] [--call-depth N]   (defaults: 2^20 slots, 2^16 frames; the chip: 256, 32)
 *   wasm-vm spec      line protocol on stdin for the spec-suite driver (see spec_main)
 * Exit codes (run): 0 ok, 1 usage/IO, 2 invalid module or link error, 3 trap. */
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "wasm_vm.h"

static uint8_t *read_file(const char *path, size_t *len) {
  FILE *f = fopen(path, "rb");
  if (!f) return NULL;
  size_t cap = 4096, n = 0;
  uint8_t *buf = malloc(cap);
  for (;;) {
    if (n == cap) {
      cap *= 2;
      uint8_t *nb = realloc(buf, cap);
      if (!nb) { free(buf); fclose(f); return NULL; }
      buf = nb;
    }
    size_t got = fread(buf + n, 1, cap - n, f);
    if (!got) break;
    n += got;
  }
  fclose(f);
  *len = n;
  return buf; /* malloc'd: 16-byte aligned, as aligned reads need */
}

/* ---- host functions offered to `run` ---- */

static wasm_result host_add_i32(void *u, const wasm_value *a, wasm_value *r) {
  (void)u;
  r[0].i64 = 0;
  r[0].i32 = a[0].i32 + a[1].i32;
  return WASM_OK;
}
static wasm_result host_print_i32(void *u, const wasm_value *a, wasm_value *r) {
  (void)u; (void)r;
  fprintf(stderr, "print: %" PRId32 "\n", (int32_t)a[0].i32);
  return WASM_OK;
}
static wasm_result host_print_i64(void *u, const wasm_value *a, wasm_value *r) {
  (void)u; (void)r;
  fprintf(stderr, "print: %" PRId64 "\n", (int64_t)a[0].i64);
  return WASM_OK;
}
static wasm_result host_fail(void *u, const wasm_value *a, wasm_value *r) {
  (void)u; (void)a; (void)r;
  return WASM_TRAP_HOST;
}

static wasm_result host_stub(void *u, const wasm_value *a, wasm_value *r) {
  (void)u; (void)a; (void)r;
  return WASM_OK;
}
static const wasm_vm_host_func STUB = {"*", "*", NULL, host_stub, NULL};

static const wasm_vm_host_func RUN_HOST[] = {
    {"env", "add_i32", "ii:i", host_add_i32, NULL},
    {"env", "print_i32", "i:", host_print_i32, NULL},
    {"env", "print_i64", "I:", host_print_i64, NULL},
    {"env", "fail", ":", host_fail, NULL},
};

typedef struct {
  wasm_vm_host_funcs list;
  int stub_imports;
  char last[160];
} run_resolver;

static int run_resolve(void *ctx, const char *m, size_t ml, const char *n, size_t nl, wasm_extern_kind k,
                       wasm_vm_extern *out) {
  run_resolver *rr = ctx;
  /* no printf here: it would dominate the load's measured C stack */
  size_t at = 0;
  for (size_t i = 0; i < ml && at + 2 < sizeof rr->last; i++) rr->last[at++] = m[i];
  rr->last[at++] = '.';
  for (size_t i = 0; i < nl && at + 1 < sizeof rr->last; i++) rr->last[at++] = n[i];
  rr->last[at] = 0;
  if (!wasm_vm_resolve_host_funcs(&rr->list, m, ml, n, nl, k, out)) return 0;
  if (!rr->stub_imports || k != WASM_EXTERN_FUNC) return 1;
  out->kind = WASM_EXTERN_HOST_FUNC; /* --stub-imports: any other function import returns zeros */
  out->ptr = &STUB;
  return 0;
}

/* Peak C stack of a call: paint a region below the caller's frame, run, see how much of it
 * changed. Meaningless under ASan (frames live elsewhere), so reported as 0 there. */
#if defined(__SANITIZE_ADDRESS__)
#define NO_PAINT 1
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
#define NO_PAINT 1
#endif
#endif
#define PAINT_BYTES 16384
static uintptr_t paint_base;
static __attribute__((noinline)) void paint_stack(void) {
#ifndef NO_PAINT
  uint8_t buf[PAINT_BYTES];
  memset(buf, 0xa5, sizeof buf);
  paint_base = (uintptr_t)buf;
  __asm__ volatile("" : : "r"(buf) : "memory");
#endif
}
static size_t painted_used(void) {
  size_t i = 0;
  if (!paint_base) return 0;
  const volatile uint8_t *p = (const volatile uint8_t *)paint_base;
  while (i < PAINT_BYTES && p[i] == 0xa5) i++;
  return PAINT_BYTES - i;
}

static int parse_u64(const char *s, uint64_t *out) {
  char *end;
  errno = 0;
  unsigned long long v = strtoull(s, &end, 10);
  if (errno || *end || !*s || *s == '-') return 0;
  *out = v;
  return 1;
}

static int parse_arg(const char *s, wasm_valtype t, wasm_value *v) {
  char *end;
  errno = 0;
  v->i64 = 0;
  switch (t) {
    case WASM_I32: {
      long long x = strtoll(s, &end, 10);
      if (errno || *end || x < INT32_MIN || x > (long long)UINT32_MAX) return 0;
      v->i32 = (uint32_t)x;
      return 1;
    }
    case WASM_I64: {
      if (*s == '-') {
        long long x = strtoll(s, &end, 10);
        if (errno || *end) return 0;
        v->i64 = (uint64_t)x;
      } else {
        unsigned long long x = strtoull(s, &end, 10);
        if (errno || *end) return 0;
        v->i64 = x;
      }
      return 1;
    }
    case WASM_F32: {
      float f = strtof(s, &end);
      if (*end) return 0;
      memcpy(&v->i32, &f, 4);
      return 1;
    }
    case WASM_F64: {
      double d = strtod(s, &end);
      if (*end) return 0;
      memcpy(&v->i64, &d, 8);
      return 1;
    }
    default:
      return 0;
  }
}

static void print_value(FILE *out, wasm_valtype t, wasm_value v) {
  switch (t) {
    case WASM_I32: fprintf(out, "%" PRId32 "\n", (int32_t)v.i32); break;
    case WASM_I64: fprintf(out, "%" PRId64 "\n", (int64_t)v.i64); break;
    case WASM_F32: { float f; memcpy(&f, &v.i32, 4); fprintf(out, "%.9g\n", (double)f); break; }
    case WASM_F64: { double d; memcpy(&d, &v.i64, 8); fprintf(out, "%.17g\n", d); break; }
    default: fprintf(out, "%s\n", v.ref ? "ref" : "null"); break;
  }
}

/* `run` is a tool on a PC: its stacks are generous (8 MiB of values, 64 Ki frames), not the
 * chip's budgets (wasm_vm.h's defaults: 256 slots, 32 frames), which --value-slots and
 * --call-depth restore. */
#define RUN_VALUE_SLOTS (1u << 20)
#define RUN_CALL_DEPTH (1u << 16)

/* A module refused at load: a valid one using a feature this build lacks is not "invalid". */
static void module_error(wasm_result r, const wasm_vm_error *err) {
  fprintf(stderr, "%s module: %s (%s at byte %" PRIu32 ")\n", r == WASM_ERR_UNSUPPORTED ? "unsupported" : "invalid",
          err->message, wasm_vm_result_name(r), err->offset);
}

/* Which budget a stack-exhausted trap ran out of, and the flag that raises it. */
static void explain_exhaustion(const wasm_vm *vm, const wasm_vm_limits *lim) {
  wasm_vm_stats s;
  wasm_vm_get_stats(vm, &s);
  if (s.peak_call_depth >= lim->call_depth)
    fprintf(stderr, "  the call depth ran out (%" PRIu32 " frames): raise it with --call-depth N\n", lim->call_depth);
  else
    fprintf(stderr, "  the value stack ran out (%" PRIu32 " slots of 8 bytes): raise it with --value-slots N"
                    " (or the call depth with --call-depth N)\n", lim->value_slots);
}

static int run_main(int argc, char **argv) {
  const char *file = NULL, *export = NULL;
  const char *args[64];
  int nargs = 0, stats = 0, stub_imports = 0;
  uint64_t fuel = 0, u;
  wasm_vm_limits lim = {1u << 20, RUN_VALUE_SLOTS, RUN_CALL_DEPTH, 65536};
  for (int i = 0; i < argc; i++) {
    const char *a = argv[i];
    if (!strcmp(a, "--stats")) { stats = 1; continue; }
    if (!strcmp(a, "--stub-imports")) { stub_imports = 1; continue; }
    if (!strcmp(a, "--aligned-reads")) continue; /* chosen by binary; accepted for symmetry */
    if (!strncmp(a, "--", 2) && a[2] && (a[2] < '0' || a[2] > '9')) {
      if (i + 1 >= argc || !parse_u64(argv[i + 1], &u)) {
        fprintf(stderr, "wasm-vm: %s needs a non-negative number\n", a);
        return 1;
      }
      i++;
      if (!strcmp(a, "--memory-limit") && u <= UINT32_MAX) lim.memory_limit = (uint32_t)u;
      else if (!strcmp(a, "--fuel")) fuel = u;
      else if (!strcmp(a, "--value-slots") && u && u <= UINT32_MAX) lim.value_slots = (uint32_t)u;
      else if (!strcmp(a, "--call-depth") && u && u <= UINT32_MAX) lim.call_depth = (uint32_t)u;
      else { fprintf(stderr, "wasm-vm: unknown or out-of-range option %s\n", a); return 1; }
      continue;
    }
    if (!file) file = a;
    else if (!export) export = a;
    else if (nargs < 64) args[nargs++] = a;
    else { fprintf(stderr, "wasm-vm: too many arguments\n"); return 1; }
  }
  if (!file || !export) {
    fprintf(stderr, "usage: wasm-vm run FILE.wasm EXPORT [ARGS...] [--memory-limit BYTES] [--fuel N] [--stats]\n"
                    "       [--value-slots N] [--call-depth N] [--stub-imports]\n");
    return 1;
  }
  size_t len;
  uint8_t *bytes = read_file(file, &len);
  if (!bytes) { fprintf(stderr, "wasm-vm: cannot read %s: %s\n", file, strerror(errno)); return 1; }
  static uint8_t scratch[1 << 16];
  wasm_vm_error err = {NULL, 0};
  size_t need = 0;
  wasm_result r = wasm_vm_measure(bytes, len, &lim, scratch, sizeof scratch, &need, &err);
  if (r != WASM_OK) {
    module_error(r, &err);
    free(bytes);
    return 2;
  }
  void *arena = calloc(1, need + 8);
  run_resolver rr = {{RUN_HOST, sizeof RUN_HOST / sizeof RUN_HOST[0]}, stub_imports, ""};
  wasm_vm *vm = NULL;
  paint_stack();
  r = wasm_vm_load(&vm, arena, need, bytes, len, &lim, run_resolve, &rr, &err);
  size_t load_stack = painted_used();
  int code = 0;
  if (r != WASM_OK) {
    if (r == WASM_ERR_LINK)
      fprintf(stderr, "link error: %s: %s\n  (run offers env.add_i32, env.print_i32, env.print_i64, env.fail;"
                      " --stub-imports answers any other function import with zeros)\n", rr.last, err.message);
    else if (r >= WASM_TRAP_UNREACHABLE) {
      fprintf(stderr, "trap: %s (%s) during instantiation\n", wasm_vm_result_name(r), wasm_vm_trap_message(r));
      if (r == WASM_TRAP_STACK_EXHAUSTED)
        fprintf(stderr, "  raise the call depth with --call-depth N or the value stack with --value-slots N\n");
    } else
      module_error(r, &err);
    code = r >= WASM_TRAP_UNREACHABLE ? 3 : 2;
    goto out;
  }
  wasm_vm_extern fn;
  wasm_vm_functype ft;
  if (wasm_vm_export(vm, export, strlen(export), &fn) != WASM_OK || fn.kind != WASM_EXTERN_FUNC) {
    fprintf(stderr, "wasm-vm: no exported function '%s'\n", export);
    code = 1;
    goto out;
  }
  wasm_vm_func_type(vm, &fn, &ft);
  if ((uint32_t)nargs != ft.param_count || ft.result_count > 64) {
    fprintf(stderr, "wasm-vm: '%s' takes %" PRIu32 " argument(s), %d given\n", export, ft.param_count, nargs);
    code = 1;
    goto out;
  }
  wasm_value in[64], res[64];
  for (int i = 0; i < nargs; i++) {
    if (!parse_arg(args[i], wasm_vm_functype_param(&ft, (uint32_t)i), &in[i])) {
      fprintf(stderr, "wasm-vm: argument %d ('%s') is not a valid %s\n", i + 1, args[i],
              wasm_vm_functype_param(&ft, (uint32_t)i) == WASM_I64 ? "i64" : "number of the parameter's type");
      code = 1;
      goto out;
    }
  }
  uint64_t steps = 0;
  paint_stack();
  r = wasm_vm_call(vm, &fn, in, (uint32_t)nargs, res, ft.result_count, fuel, &steps);
  size_t call_stack = painted_used();
  if (r != WASM_OK) {
    fprintf(stdout, "trap: %s\n", wasm_vm_result_name(r));
    fprintf(stderr, "trap: %s (%s)\n", wasm_vm_result_name(r), wasm_vm_trap_message(r));
    if (r == WASM_TRAP_STACK_EXHAUSTED) explain_exhaustion(vm, &lim);
    code = 3;
  } else {
    for (uint32_t i = 0; i < ft.result_count; i++) print_value(stdout, wasm_vm_functype_result(&ft, i), res[i]);
  }
  if (stats) {
    wasm_vm_stats s;
    wasm_vm_get_stats(vm, &s);
    fprintf(stderr,
            "stats: arena %zu bytes (linear memory %zu, side table %zu, stacks %zu, rest %zu); "
            "peak C stack %zu bytes (load %zu); steps %" PRIu64 "; peak value slots %" PRIu32
            "; peak call depth %" PRIu32 "\n",
            s.arena_bytes, s.memory_bytes, s.side_table_bytes, s.stack_bytes,
            s.arena_bytes - s.memory_bytes - s.stack_bytes - s.side_table_bytes, call_stack, load_stack, steps,
            s.peak_value_slots, s.peak_call_depth);
  }
out:
  free(arena);
  free(bytes);
  return code;
}

/* ---- spec line protocol ----
 * module NAME PATH        instantiate, becomes current; NAME "-" for none
 * instantiate PATH        instantiate without naming (assert_unlinkable / uninstantiable)
 * check PATH              validate only (assert_invalid / assert_malformed)
 * register AS NAME        make NAME ("-" = current) importable as module AS
 * invoke NAME FIELD ARGS  ARGS as type:value (bits in unsigned decimal, refs null or a number)
 * get NAME FIELD
 * Each answers one line: "ok [type:value...]", "trap NAME", or "error KIND message". */

typedef struct {
  char name[128];
  wasm_vm *vm;
} named;

#define MAX_INSTANCES 512
static named instances[MAX_INSTANCES];
static int ninstances;
static named registered[MAX_INSTANCES];
static int nregistered;
static wasm_vm *current;
#define SPEC_FUEL 300000000u
static wasm_vm_limits spec_limits = {64u << 20, 1u << 16, 1000, 1u << 20};

static int spec_resolve(void *ctx, const char *m, size_t ml, const char *n, size_t nl, wasm_extern_kind k,
                        wasm_vm_extern *out) {
  (void)ctx;
  for (int i = nregistered - 1; i >= 0; i--) {
    if (strlen(registered[i].name) != ml || memcmp(registered[i].name, m, ml)) continue;
    if (wasm_vm_export(registered[i].vm, n, nl, out) != WASM_OK) return 1;
    return out->kind == k ? 0 : 1;
  }
  return 1;
}

static wasm_vm *find(const char *name) {
  if (!strcmp(name, "-")) return current;
  for (int i = ninstances - 1; i >= 0; i--)
    if (!strcmp(instances[i].name, name)) return instances[i].vm;
  return NULL;
}

static void print_error(wasm_result r, const wasm_vm_error *err) {
  if (r >= WASM_TRAP_UNREACHABLE) printf("trap %s\n", wasm_vm_result_name(r));
  else printf("error %s %s\n", wasm_vm_result_name(r), err->message ? err->message : "");
}

static uint8_t spec_scratch[1 << 20];
static void *spec_allocs[2 * MAX_INSTANCES + 8];
static int nallocs;

/* Arenas and module bytes stay alive to the end (other instances may point into them). */
static void keep_alloc(void *p) {
  if (nallocs < (int)(sizeof spec_allocs / sizeof spec_allocs[0])) spec_allocs[nallocs++] = p;
}

static wasm_vm *spec_load(const char *path, int check_only) {
  size_t len;
  uint8_t *bytes = read_file(path, &len);
  if (!bytes) { printf("error io cannot read %s\n", path); return NULL; }
  wasm_vm_error err = {NULL, 0};
  size_t need = 0;
  wasm_result r = wasm_vm_measure(bytes, len, &spec_limits, spec_scratch, sizeof spec_scratch, &need, &err);
  if (r != WASM_OK || check_only) {
    if (r == WASM_OK) printf("ok\n");
    else print_error(r, &err);
    free(bytes);
    return NULL;
  }
  if (nallocs + 2 > (int)(sizeof spec_allocs / sizeof spec_allocs[0])) {
    printf("error argument too many modules in one run\n");
    free(bytes);
    return NULL;
  }
  void *arena = calloc(1, need);
  keep_alloc(bytes);
  keep_alloc(arena);
  wasm_vm *vm = NULL;
  /* bytes and arena stay alive: other instances may hold references into them */
  r = wasm_vm_load(&vm, arena, need, bytes, len, &spec_limits, spec_resolve, NULL, &err);
  if (r != WASM_OK) {
    print_error(r, &err);
    return NULL;
  }
  printf("ok\n");
  return vm;
}

static int parse_value(const char *tok, wasm_value *v) {
  const char *colon = strchr(tok, ':');
  v->i64 = 0;
  if (!colon) return 0;
  const char *val = colon + 1;
  if (!strcmp(val, "null")) return 1;
  uint64_t x;
  if (!parse_u64(val, &x)) return 0;
  if (!strncmp(tok, "externref", 9)) v->ref = (uintptr_t)x + 1;
  else if (!strncmp(tok, "i32", 3) || !strncmp(tok, "f32", 3)) v->i32 = (uint32_t)x;
  else v->i64 = x;
  return 1;
}

static void print_typed(wasm_valtype t, wasm_value v) {
  switch (t) {
    case WASM_I32: printf(" i32:%" PRIu32, v.i32); break;
    case WASM_I64: printf(" i64:%" PRIu64, v.i64); break;
    case WASM_F32: printf(" f32:%" PRIu32, v.i32); break;
    case WASM_F64: printf(" f64:%" PRIu64, v.i64); break;
    case WASM_FUNCREF: if (v.ref) printf(" funcref:func"); else printf(" funcref:null"); break;
    case WASM_EXTERNREF:
      if (v.ref) printf(" externref:%" PRIuPTR, v.ref - 1);
      else printf(" externref:null");
      break;
  }
}

/* Export names travel as "x" + hex bytes: they may hold spaces or be empty. */
static int unhex(char *s, size_t *len) {
  if (*s != 'x') return 0;
  size_t n = 0;
  for (char *p = s + 1; p[0] && p[1]; p += 2) {
    unsigned v;
    if (sscanf(p, "%2x", &v) != 1) return 0;
    s[n++] = (char)v;
  }
  *len = n;
  return 1;
}

static void spec_invoke(char *rest) {
  char *name = strtok(rest, " "), *field = strtok(NULL, " ");
  size_t flen;
  if (!name || !field || !unhex(field, &flen)) { printf("error argument bad invoke\n"); return; }
  wasm_vm *vm = find(name);
  if (!vm) { printf("error argument unknown module %s\n", name); return; }
  wasm_vm_extern fn;
  if (wasm_vm_export(vm, field, flen, &fn) != WASM_OK || fn.kind != WASM_EXTERN_FUNC) {
    printf("error argument unknown export %s\n", field);
    return;
  }
  wasm_value args[64], res[64];
  uint32_t n = 0;
  for (char *t; (t = strtok(NULL, " ")) != NULL && n < 64; n++)
    if (!parse_value(t, &args[n])) { printf("error argument bad value %s\n", t); return; }
  wasm_vm_functype ft;
  wasm_vm_func_type(vm, &fn, &ft);
  if (ft.result_count > 64) { printf("error argument too many results\n"); return; }
  /* a step budget so a wrong interpreter fails the assertion instead of hanging the run */
  wasm_result r = wasm_vm_call(vm, &fn, args, n, res, ft.result_count, SPEC_FUEL, NULL);
  if (r != WASM_OK) {
    if (r >= WASM_TRAP_UNREACHABLE) printf("trap %s\n", wasm_vm_result_name(r));
    else printf("error %s call failed\n", wasm_vm_result_name(r));
    return;
  }
  printf("ok");
  for (uint32_t i = 0; i < ft.result_count; i++) print_typed(wasm_vm_functype_result(&ft, i), res[i]);
  printf("\n");
}

static int spec_main(void) {
  static char line[1 << 16];
  while (fgets(line, sizeof line, stdin)) {
    line[strcspn(line, "\r\n")] = 0;
    char *cmd = strtok(line, " ");
    if (!cmd) continue;
    if (!strcmp(cmd, "module")) {
      char *name = strtok(NULL, " "), *path = strtok(NULL, " ");
      if (!name || !path) { printf("error argument bad module\n"); continue; }
      wasm_vm *vm = spec_load(path, 0);
      if (vm) {
        current = vm;
        if (ninstances < MAX_INSTANCES) {
          snprintf(instances[ninstances].name, sizeof instances[0].name, "%s", name);
          instances[ninstances++].vm = vm;
        }
      }
    } else if (!strcmp(cmd, "instantiate")) {
      char *path = strtok(NULL, " ");
      if (path) spec_load(path, 0);
      else printf("error argument bad instantiate\n");
    } else if (!strcmp(cmd, "check")) {
      char *path = strtok(NULL, " ");
      if (path) spec_load(path, 1);
      else printf("error argument bad check\n");
    } else if (!strcmp(cmd, "register")) {
      char *as = strtok(NULL, " "), *name = strtok(NULL, " ");
      wasm_vm *vm = as && name ? find(name) : NULL;
      if (!vm || nregistered >= MAX_INSTANCES) { printf("error argument bad register\n"); continue; }
      snprintf(registered[nregistered].name, sizeof registered[0].name, "%s", as);
      registered[nregistered++].vm = vm;
      printf("ok\n");
    } else if (!strcmp(cmd, "invoke")) {
      spec_invoke(strtok(NULL, ""));
    } else if (!strcmp(cmd, "invoke-all")) {
      /* robustness runs: every exported function once, all arguments zero, small budget */
      char *name = strtok(NULL, " ");
      wasm_vm *vm = name ? find(name) : NULL;
      if (!vm) { printf("error argument bad invoke-all\n"); continue; }
      unsigned calls = 0, traps = 0;
      for (uint32_t i = 0;; i++) {
        wasm_vm_extern fn;
        if (wasm_vm_export_at(vm, i, &fn) != WASM_OK) break;
        if (fn.kind != WASM_EXTERN_FUNC) continue;
        wasm_vm_functype ft;
        wasm_vm_func_type(vm, &fn, &ft);
        if (ft.param_count > 64 || ft.result_count > 64) continue;
        wasm_value args[64], res[64];
        memset(args, 0, sizeof args);
        calls++;
        if (wasm_vm_call(vm, &fn, args, ft.param_count, res, ft.result_count, 100000, NULL) != WASM_OK) traps++;
      }
      printf("ok %u calls, %u traps\n", calls, traps);
    } else if (!strcmp(cmd, "get")) {
      char *name = strtok(NULL, " "), *field = strtok(NULL, " ");
      wasm_vm *vm = name ? find(name) : NULL;
      wasm_vm_extern g;
      wasm_valtype t;
      wasm_value v;
      size_t flen;
      if (!vm || !field || !unhex(field, &flen) || wasm_vm_export(vm, field, flen, &g) != WASM_OK ||
          wasm_vm_global_get(vm, &g, &t, &v) != WASM_OK) {
        printf("error argument bad get\n");
        continue;
      }
      printf("ok");
      print_typed(t, v);
      printf("\n");
    } else {
      printf("error argument unknown command %s\n", cmd);
    }
    fflush(stdout);
  }
  for (int i = 0; i < nallocs; i++) free(spec_allocs[i]);
  return 0;
}

int main(int argc, char **argv) {
  if (argc >= 2 && !strcmp(argv[1], "run")) return run_main(argc - 2, argv + 2);
  if (argc >= 2 && !strcmp(argv[1], "spec")) return spec_main();
  fprintf(stderr, "usage: wasm-vm run FILE.wasm EXPORT [ARGS...] [options] | wasm-vm spec\n");
  return 1;
}
