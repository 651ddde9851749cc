/* The benchmark workloads of workloads/bench.ts compiled ahead of time (AssemblyScript -> wasm ->
 * C by wasm2c -> lx106 -Os) against the same workloads written in C (native_workloads.c), over
 * the same bytes. The QEMU plugin counts regions in this order: empty, then native/AOT pairs;
 * tools/bench/vm.ts turns them into ratios. */
#include "bench_aot.h"
#include "native_workloads.h"
#include "out.h"
#include "platform.h"

typedef struct {
    const char *name;
    uint32_t (*native)(uint8_t *memory);
    uint32_t (*aot)(Z_bench_instance_t *instance);
} workload;

static uint32_t native_crc(uint8_t *memory) { return native_crc32(memory + CRC_AT, CRC_LENGTH); }
static uint32_t native_fib_n(uint8_t *memory) { (void)memory; return (uint32_t)native_fib(FIB_N); }
static uint32_t native_varint(uint8_t *memory) { return native_varint_sum(memory + VARINT_AT, VARINT_LENGTH); }
static uint32_t aot_crc(Z_bench_instance_t *b) { return Z_benchZ_crc32(b, CRC_AT, CRC_LENGTH); }
static uint32_t aot_fib(Z_bench_instance_t *b) { return Z_benchZ_fib(b, FIB_N); }
static uint32_t aot_varint(Z_bench_instance_t *b) { return Z_benchZ_varint_sum(b, VARINT_AT, VARINT_LENGTH); }

static const workload workloads[] = {
    {"crc32", native_crc, aot_crc},
    {"fib", native_fib_n, aot_fib},
    {"varint_sum", native_varint, aot_varint},
};

static Z_bench_instance_t bench;

int main(void)
{
    Z_bench_init_module();
    Z_bench_instantiate(&bench);
    uint8_t *memory = Z_benchZ_memory(&bench)->data;
    /* The AOT module fills its bytes itself: the same xorshift as native_fill, checked below. */
    Z_benchZ_fill(&bench, CRC_AT, CRC_LENGTH, 0x1234567);
    Z_benchZ_fill(&bench, VARINT_AT, VARINT_LENGTH, 99);

    bench_begin();
    bench_end();
    int failed = 0;
    for (unsigned i = 0; i < sizeof workloads / sizeof workloads[0]; i++) {
        const workload *w = &workloads[i];
        bench_begin();
        uint32_t expected = w->native(memory);
        bench_end();
        bench_begin();
        uint32_t answer = w->aot(&bench);
        bench_end();
        out_str("aot ");
        out_str(w->name);
        out_str(" native=");
        out_hex(expected);
        out_str(" aot=");
        out_hex(answer);
        out_str("\n");
        failed |= answer != expected;
    }
    out_flush();
    return failed;
}
