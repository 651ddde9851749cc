#include "script.h"

#include "out.h"

uint8_t script_byte(const uint8_t *at)
{
    uintptr_t address = (uintptr_t)at;
    uint32_t word = *(const uint32_t *)(address & ~(uintptr_t)3);
    return (uint8_t)(word >> (8 * (address & 3)));
}

static uint32_t read_le(const uint8_t *at, int bytes)
{
    uint32_t value = 0;
    for (int i = bytes - 1; i >= 0; i--) {
        value = (value << 8) | script_byte(at + i);
    }
    return value;
}

static size_t padded(size_t n) { return (n + 3) & ~(size_t)3; }

/* The spec suite's "spectest" module offers print functions; anything else is unknown. */
static wasm_result ignore_call(void *user, const wasm_value *args, wasm_value *results)
{
    (void)user;
    (void)args;
    (void)results;
    return WASM_OK;
}

static const wasm_vm_host_func spectest_funcs[] = {
    {"spectest", "print", ":", ignore_call, 0},
    {"spectest", "print_i32", "i:", ignore_call, 0},
    {"spectest", "print_i64", "I:", ignore_call, 0},
    {"spectest", "print_i32_i32", "ii:", ignore_call, 0},
};
static const wasm_vm_host_funcs spectest = {spectest_funcs, sizeof spectest_funcs / sizeof spectest_funcs[0]};

static void print_value(wasm_valtype type, wasm_value value)
{
    switch (type) {
    case WASM_I32: out_str("i32:"); out_hex(value.i32); break;
    case WASM_I64: out_str("i64:"); out_hex(value.i64); break;
    case WASM_F32: out_str("f32:"); out_hex((uint32_t)value.i64); break;
    case WASM_F64: out_str("f64:"); out_hex(value.i64); break;
    default: out_str(value.ref ? "ref:nonnull" : "ref:null"); break;
    }
}

/* Export names may hold any bytes: print them escaped so lines stay lines. */
static void print_name(const uint8_t *name, size_t length)
{
    for (size_t i = 0; i < length; i++) {
        uint8_t c = script_byte(name + i);
        if (c >= 0x21 && c < 0x7f && c != '\\' && c != '(') {
            char ch = (char)c;
            out_bytes(&ch, 1);
        } else {
            out_str("\\");
            out_hex(c);
        }
    }
}

static void print_error(wasm_result result, const wasm_vm_error *error)
{
    out_str("error ");
    out_str(wasm_vm_result_name(result));
    if (error->message) {
        out_str(" (");
        out_str(error->message);
        out_str(")");
    }
}

enum { MAX_NAME = 256, MAX_VALUES = 16 };

static void invoke(wasm_vm *vm, const uint8_t *name_at, size_t name_length, const wasm_value *args,
                   const uint8_t *types, uint32_t arg_count, uint64_t fuel)
{
    print_name(name_at, name_length);
    out_str("(");
    for (uint32_t i = 0; i < arg_count; i++) {
        if (i) out_str(" ");
        print_value((wasm_valtype)types[i], args[i]);
    }
    out_str(") -> ");
    if (!vm) {
        out_str("skipped: no module\n");
        return;
    }
    char name[MAX_NAME];
    for (size_t i = 0; i < name_length; i++) name[i] = (char)script_byte(name_at + i);
    wasm_vm_extern func;
    wasm_vm_functype type;
    wasm_result result = wasm_vm_export(vm, name, name_length, &func);
    if (result == WASM_OK) result = wasm_vm_func_type(vm, &func, &type);
    if (result != WASM_OK) {
        out_str("error ");
        out_str(wasm_vm_result_name(result));
        out_str("\n");
        return;
    }
    if (type.result_count > MAX_VALUES) {
        out_str("skipped: too many results\n");
        return;
    }
    wasm_value results[MAX_VALUES];
    result = wasm_vm_call(vm, &func, args, arg_count, results, type.result_count, fuel, 0);
    if (result != WASM_OK) {
        out_str("trap ");
        out_str(wasm_vm_result_name(result));
        out_str("\n");
        return;
    }
    for (uint32_t i = 0; i < type.result_count; i++) {
        if (i) out_str(" ");
        print_value(wasm_vm_functype_result(&type, i), results[i]);
    }
    out_str("\n");
}

int script_run(const uint8_t *blob, size_t length, const script_budget *budget)
{
    if (length < 4 || read_le(blob, 4) != 0x31435357u) { /* "WSC1" */
        out_str("script: bad magic\n");
        return 1;
    }
    wasm_vm *vm = 0;
    unsigned modules = 0;
    size_t at = 4;
    while (at + 4 <= length) {
        uint8_t kind = script_byte(blob + at);
        if (kind == 'E') {
            out_flush();
            return 0;
        }
        if (kind == 'M') {
            if (at + 8 > length) break;
            size_t module_length = read_le(blob + at + 4, 4);
            const uint8_t *module = blob + at + 8;
            if (module_length > length - at - 8) break;
            at += 8 + padded(module_length);
            wasm_vm_error error = {0, 0};
            vm = 0;
            wasm_result result = wasm_vm_load(&vm, budget->arena, budget->arena_size, module, module_length,
                                              &budget->limits, wasm_vm_resolve_host_funcs,
                                              (void *)&spectest, &error);
            out_str("module ");
            out_u64(modules++);
            out_str(": ");
            if (result == WASM_OK) {
                out_str("ok\n");
            } else {
                if (result >= WASM_TRAP_UNREACHABLE) vm = 0;
                print_error(result, &error);
                out_str("\n");
            }
            continue;
        }
        if (kind == 'I') {
            if (at + 4 > length) break;
            size_t name_length = read_le(blob + at + 2, 2);
            size_t cursor = at + 4;
            if (name_length > MAX_NAME || cursor + name_length + 2 > length) break;
            const uint8_t *name = blob + cursor;
            cursor += name_length;
            uint32_t arg_count = script_byte(blob + cursor);
            cursor += 2;
            if (arg_count > MAX_VALUES || cursor + 9u * arg_count > length) break;
            wasm_value args[MAX_VALUES];
            uint8_t types[MAX_VALUES];
            for (uint32_t i = 0; i < arg_count; i++) {
                types[i] = script_byte(blob + cursor);
                uint64_t low = read_le(blob + cursor + 1, 4), high = read_le(blob + cursor + 5, 4);
                args[i].i64 = low | (high << 32);
                if (types[i] == WASM_I32) args[i].i64 = (uint32_t)low;
                cursor += 9;
            }
            at = padded(cursor);
            invoke(vm, name, name_length, args, types, arg_count, budget->fuel);
            continue;
        }
        break;
    }
    out_str("script: malformed record at offset ");
    out_u64(at);
    out_str("\n");
    out_flush();
    return 1;
}
