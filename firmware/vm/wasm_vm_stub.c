/* Temporary skeleton: every entry point reports "unsupported" until the interpreter lands. */
#include "wasm_vm.h"

const char *wasm_vm_result_name(wasm_result r) { (void)r; return "unsupported"; }
const char *wasm_vm_trap_message(wasm_result r) { (void)r; return "unsupported"; }
int wasm_vm_resolve_host_funcs(void *ctx, const char *m, size_t ml, const char *n, size_t nl,
                               wasm_extern_kind k, wasm_vm_extern *out) {
  (void)ctx; (void)m; (void)ml; (void)n; (void)nl; (void)k; (void)out; return 1;
}
wasm_result wasm_vm_measure(const uint8_t *b, size_t l, const wasm_vm_limits *lim, void *s,
                            size_t ss, size_t *a, wasm_vm_error *e) {
  (void)b; (void)l; (void)lim; (void)s; (void)ss; (void)a; if (e) e->message = "not yet"; return WASM_ERR_UNSUPPORTED;
}
