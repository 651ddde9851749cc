#include "harness.h"

#include "native_workloads.h"
#include "out.h"
#include "platform.h"
#include "script.h"
#include "wasm_vm.h"

/* Generated at build time (gen_script.mjs). */
extern const uint8_t builtin_script[];
extern const size_t builtin_script_length;
extern const uint8_t bench_module[];
extern const size_t bench_module_length;
extern const uint8_t engine_module[];
extern const size_t engine_module_length;

/* Budgets in one place: the same on the lx106 (80 KiB of DRAM in all) and the host. */
enum {
    ARENA_BYTES = 44 * 1024,
    MEMORY_LIMIT = 16 * 1024,
    VALUE_SLOTS = 1024,
    CALL_DEPTH = 128,
    SCRIPT_FUEL = 2 * 1000 * 1000, /* every scripted call fits; a runaway fails fast */
    BENCH_FUEL = 100 * 1000 * 1000, /* far above any workload; stops a runaway */
};

static uint64_t arena[ARENA_BYTES / 8];
static uint8_t scratch[WASM_VM_SCRATCH_BYTES];
static const wasm_vm_limits limits = {MEMORY_LIMIT, VALUE_SLOTS, CALL_DEPTH, 0};

static void line_u64(const char *label, uint64_t value)
{
    out_str(label);
    out_u64(value);
    out_str("\n");
}

/* The engine is only measured here (its imports belong to firmware/engine). Each line varies
 * one budget from the interpreter's defaults, so differences give each part's share: linear
 * memory (two memory budgets), operand stack (one value slot), call frames (one frame); what
 * remains is per-module state (function records, branch side table, globals, tables). */
static void report_engine(void)
{
    if (engine_module_length == 0) {
        out_str("# engine absent\n");
        return;
    }
    static const struct {
        const char *label;
        wasm_vm_limits limits;
    } variants[] = {
        {"defaults", {MEMORY_LIMIT, 0, 0, 0}},
        {"memory2x", {2 * MEMORY_LIMIT, 0, 0, 0}},
        {"slots1", {MEMORY_LIMIT, 1, 0, 0}},
        {"depth1", {MEMORY_LIMIT, 0, 1, 0}},
        /* operand stack and frames sized from what validation proves the engine needs */
        {"module", {MEMORY_LIMIT, WASM_VM_FROM_MODULE, WASM_VM_FROM_MODULE, 0}},
    };
    for (unsigned i = 0; i < sizeof variants / sizeof variants[0]; i++) {
        size_t bytes = 0;
        wasm_vm_error error = {0, 0};
        stack_paint();
        wasm_result result = wasm_vm_measure(engine_module, engine_module_length, &variants[i].limits, scratch,
                                             sizeof scratch, &bytes, &error);
        size_t stack = stack_peak();
        out_str("# engine measure ");
        out_str(variants[i].label);
        out_str(" memory_limit=");
        out_u64(variants[i].limits.memory_limit);
        out_str(result == WASM_OK ? " arena=" : " error ");
        if (result == WASM_OK) out_u64(bytes);
        else out_str(wasm_vm_result_name(result));
        out_str(" module=");
        out_u64(engine_module_length);
        out_str(" stack=");
        out_u64(stack);
        out_str("\n");
    }
}

typedef struct {
    const char *name;
    uint32_t (*native)(uint8_t *memory);
    wasm_value args[2];
    uint32_t arg_count;
} workload;

static uint32_t run_crc(uint8_t *memory) { return native_crc32(memory + CRC_AT, CRC_LENGTH); }
static uint32_t run_fib(uint8_t *memory) { (void)memory; return (uint32_t)native_fib(FIB_N); }
static uint32_t run_varint(uint8_t *memory) { return native_varint_sum(memory + VARINT_AT, VARINT_LENGTH); }

static const workload workloads[] = {
    {"crc32", run_crc, {{.i32 = CRC_AT}, {.i32 = CRC_LENGTH}}, 2},
    {"fib", run_fib, {{.i32 = FIB_N}, {.i32 = 0}}, 1},
    {"varint_sum", run_varint, {{.i32 = VARINT_AT}, {.i32 = VARINT_LENGTH}}, 2},
};

/* Native and interpreted run of each workload over the same bytes (the interpreter's linear
 * memory). The QEMU plugin counts regions in this order: empty, then native/vm pairs. */
static int run_benchmarks(void)
{
    wasm_vm *vm = 0;
    wasm_vm_error error = {0, 0};
    stack_paint();
    wasm_result result = wasm_vm_load(&vm, arena, sizeof arena, bench_module, bench_module_length, &limits,
                                      0, 0, &error);
    line_u64("# stack load bench=", stack_peak());
    if (result != WASM_OK) {
        out_str("bench: cannot load bench module: ");
        out_str(wasm_vm_result_name(result));
        out_str("\n");
        return 1;
    }
    wasm_vm_stats stats;
    wasm_vm_get_stats(vm, &stats);
    line_u64("# arena bench total=", stats.arena_bytes);
    line_u64("# arena bench memory=", stats.memory_bytes);
    line_u64("# arena bench stack=", stats.stack_bytes);
    line_u64("# arena bench side_table=", stats.side_table_bytes);

    uint32_t memory_size = 0;
    uint8_t *memory = wasm_vm_memory(vm, &memory_size);
    if (!memory || memory_size < VARINT_AT + VARINT_LENGTH) {
        out_str("bench: linear memory too small\n");
        return 1;
    }
    native_fill(memory + CRC_AT, CRC_LENGTH, 0x1234567);
    native_fill(memory + VARINT_AT, VARINT_LENGTH, 99);

    bench_begin();
    bench_end();
    int failed = 0;
    for (unsigned i = 0; i < sizeof workloads / sizeof workloads[0]; i++) {
        const workload *w = &workloads[i];
        wasm_vm_extern func;
        if (wasm_vm_export(vm, w->name, __builtin_strlen(w->name), &func) != WASM_OK) {
            out_str("bench: missing export\n");
            return 1;
        }
        stack_paint();
        bench_begin();
        uint32_t expected = w->native(memory);
        bench_end();
        size_t native_stack = stack_peak();

        wasm_value answer = {0};
        stack_paint();
        bench_begin();
        result = wasm_vm_call(vm, &func, w->args, w->arg_count, &answer, 1, BENCH_FUEL, 0);
        bench_end();
        size_t vm_stack = stack_peak();

        out_str("bench ");
        out_str(w->name);
        out_str(" native=");
        out_hex(expected);
        out_str(" vm=");
        if (result == WASM_OK) out_hex(answer.i32);
        else out_str(wasm_vm_result_name(result));
        out_str("\n# stack ");
        out_str(w->name);
        out_str(" native=");
        out_u64(native_stack);
        out_str(" vm=");
        out_u64(vm_stack);
        out_str("\n");
        failed |= result != WASM_OK || answer.i32 != expected;
    }
    wasm_vm_get_stats(vm, &stats);
    line_u64("# peak value_slots=", stats.peak_value_slots);
    line_u64("# peak call_depth=", stats.peak_call_depth);
    return failed;
}

int harness_main(const uint8_t *script, size_t script_length)
{
    script_budget budget = {arena, sizeof arena, limits, SCRIPT_FUEL};
    int status = 0;
    if (!script) {
        out_str("# platform ");
        out_str(platform_name);
        out_str("\n");
        status |= run_benchmarks();
        report_engine();
        script = builtin_script;
        script_length = builtin_script_length;
    }
    status |= script_run(script, script_length, &budget);
    out_flush();
    return status;
}
