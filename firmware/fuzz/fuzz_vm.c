/* libFuzzer target for the interpreter: every input is a candidate module. It is measured,
 * loaded into an arena of exactly the measured size (so ASan sees any write past it), and
 * each exported function is called with fuel, arguments taken from the input's last bytes.
 * A load into a slightly too small arena runs first: it must fail or fit, never overrun. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "wasm_vm.h"

enum {
    FUEL = 20000,
    MAX_ARENA = 1 << 20,
    MAX_EXPORTS = 16,
    MAX_VALUES = 16,
    MAX_NAME = 64,
};

static const wasm_vm_limits limits = {64 * 1024, 512, 64, 1024};

typedef struct {
    const uint8_t *at;
    const uint8_t *end;
} cursor;

static int read_leb(cursor *c, uint32_t *out)
{
    uint32_t value = 0;
    for (int shift = 0; shift < 35; shift += 7) {
        if (c->at >= c->end) return 0;
        uint8_t byte = *c->at++;
        value |= (uint32_t)(byte & 0x7f) << shift;
        if (!(byte & 0x80)) {
            *out = value;
            return 1;
        }
    }
    return 0;
}

/* The names of exported functions, from the export section (the module already loaded). */
static size_t export_names(const uint8_t *bytes, size_t size, char names[][MAX_NAME + 1])
{
    cursor c = {bytes + 8, bytes + size};
    size_t found = 0;
    while (c.at < c.end) {
        uint8_t id = *c.at++;
        uint32_t length;
        if (!read_leb(&c, &length) || length > (size_t)(c.end - c.at)) return found;
        cursor section = {c.at, c.at + length};
        c.at += length;
        if (id != 7) continue;
        uint32_t count;
        if (!read_leb(&section, &count)) return found;
        for (uint32_t i = 0; i < count && found < MAX_EXPORTS; i++) {
            uint32_t name_length, index;
            if (!read_leb(&section, &name_length) || name_length > (size_t)(section.end - section.at)) return found;
            const uint8_t *name = section.at;
            section.at += name_length;
            if (section.at >= section.end) return found;
            uint8_t kind = *section.at++;
            if (!read_leb(&section, &index)) return found;
            if (kind == 0 && name_length <= MAX_NAME) {
                memcpy(names[found], name, name_length);
                names[found][name_length] = '\0';
                found++;
            }
        }
    }
    return found;
}

static wasm_result host_echo(void *user, const wasm_value *args, wasm_value *results)
{
    (void)user;
    (void)args;
    (void)results;
    return WASM_OK;
}

static const wasm_vm_host_func host_funcs[] = {
    {"spectest", "print", ":", host_echo, 0},
    {"spectest", "print_i32", "i:", host_echo, 0},
    {"spectest", "print_i64", "I:", host_echo, 0},
    {"env", "abort", "iiii:", host_echo, 0},
};
static const wasm_vm_host_funcs hosts = {host_funcs, sizeof host_funcs / sizeof host_funcs[0]};

static void call_exports(wasm_vm *vm, const uint8_t *bytes, size_t size)
{
    char names[MAX_EXPORTS][MAX_NAME + 1];
    size_t count = export_names(bytes, size, names);
    for (size_t i = 0; i < count; i++) {
        wasm_vm_extern func;
        wasm_vm_functype type;
        if (wasm_vm_export(vm, names[i], strlen(names[i]), &func) != WASM_OK) continue;
        if (wasm_vm_func_type(vm, &func, &type) != WASM_OK) continue;
        if (type.param_count > MAX_VALUES || type.result_count > MAX_VALUES) continue;
        wasm_value args[MAX_VALUES], results[MAX_VALUES];
        for (uint32_t a = 0; a < type.param_count; a++) {
            uint64_t seed = size > a ? bytes[size - 1 - a] : a;
            args[a].i64 = seed * 0x9e3779b97f4a7c15ull;
            wasm_valtype t = wasm_vm_functype_param(&type, a);
            if (t == WASM_I32 || t == WASM_F32) args[a].i64 &= 0xffffffffu;
            if (t == WASM_FUNCREF || t == WASM_EXTERNREF) args[a].ref = 0;
        }
        wasm_vm_call(vm, &func, args, type.param_count, results, type.result_count, FUEL, 0);
    }
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    /* A private, word-aligned copy padded to whole words: aligned-read builds load the word
     * holding the last byte (as on flash); nothing beyond that word may be touched. */
    size_t words = (size + 3) / 4;
    uint32_t *copy = calloc(words ? words : 1, 4);
    if (!copy) return 0;
    uint8_t *bytes = (uint8_t *)copy;
    memcpy(bytes, data, size);
    static uint64_t scratch[WASM_VM_SCRATCH_BYTES / 8];
    size_t arena_bytes = 0;
    wasm_vm_error error = {0, 0};
    wasm_result result = wasm_vm_measure(bytes, size, &limits, scratch, sizeof scratch, &arena_bytes, &error);
    if (result == WASM_OK && arena_bytes > 0 && arena_bytes <= MAX_ARENA) {
        void *arena = malloc(arena_bytes);
        wasm_vm *vm = 0;
        if (arena && arena_bytes > 8) {
            result = wasm_vm_load(&vm, arena, arena_bytes - 8, bytes, size, &limits,
                                  wasm_vm_resolve_host_funcs, (void *)&hosts, &error);
        }
        if (arena) {
            vm = 0;
            result = wasm_vm_load(&vm, arena, arena_bytes, bytes, size, &limits, wasm_vm_resolve_host_funcs,
                                  (void *)&hosts, &error);
            if (result == WASM_OK && vm) call_exports(vm, bytes, size);
        }
        free(arena);
    }
    free(bytes);
    return 0;
}
