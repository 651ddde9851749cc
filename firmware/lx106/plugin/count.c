/* QEMU TCG plugin (API version 1): counts guest instructions exactly, in total and in
 * regions delimited by two marker addresses. Each time the guest executes the
 * instruction at `begin=ADDR` a region opens; at `end=ADDR` it closes and its count is
 * printed as "region N: COUNT narrow_flash_loads M", M being the loads narrower than 32 bits
 * from the flash window (0x40200000, 1 MiB) in that region: the chip faults on those and
 * NodeMCU emulates them at many cycles each, QEMU executes them silently. With `profile=FILE` it also writes "ADDRESS COUNT" lines for
 * every executed instruction in the flash window (0x40200000, 1 MiB): map them to functions
 * with the ELF's symbol table to see where an interpreter spends its instructions.
 * Debian ships no qemu-plugin.h, so the few types and functions used are declared here from
 * the documented API. */
#include <inttypes.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

typedef uint64_t qemu_plugin_id_t;
typedef struct qemu_info_t qemu_info_t;
struct qemu_plugin_tb;
struct qemu_plugin_insn;

enum qemu_plugin_cb_flags { QEMU_PLUGIN_CB_NO_REGS, QEMU_PLUGIN_CB_R_REGS, QEMU_PLUGIN_CB_RW_REGS };
enum qemu_plugin_op { QEMU_PLUGIN_INLINE_ADD_U64 };
enum qemu_plugin_mem_rw { QEMU_PLUGIN_MEM_R = 1, QEMU_PLUGIN_MEM_W, QEMU_PLUGIN_MEM_RW };
typedef uint32_t qemu_plugin_meminfo_t;

typedef void (*qemu_plugin_vcpu_tb_trans_cb_t)(qemu_plugin_id_t id, struct qemu_plugin_tb *tb);
typedef void (*qemu_plugin_vcpu_udata_cb_t)(unsigned int vcpu_index, void *userdata);
typedef void (*qemu_plugin_udata_cb_t)(qemu_plugin_id_t id, void *userdata);
typedef void (*qemu_plugin_vcpu_mem_cb_t)(unsigned int vcpu_index, qemu_plugin_meminfo_t info, uint64_t vaddr,
                                          void *userdata);

#define PLUGIN_EXPORT __attribute__((visibility("default")))

void qemu_plugin_register_vcpu_tb_trans_cb(qemu_plugin_id_t id, qemu_plugin_vcpu_tb_trans_cb_t cb);
void qemu_plugin_register_vcpu_insn_exec_inline(struct qemu_plugin_insn *insn, enum qemu_plugin_op op,
                                                void *ptr, uint64_t imm);
void qemu_plugin_register_vcpu_insn_exec_cb(struct qemu_plugin_insn *insn, qemu_plugin_vcpu_udata_cb_t cb,
                                            enum qemu_plugin_cb_flags flags, void *userdata);
void qemu_plugin_register_vcpu_mem_cb(struct qemu_plugin_insn *insn, qemu_plugin_vcpu_mem_cb_t cb,
                                      enum qemu_plugin_cb_flags flags, enum qemu_plugin_mem_rw rw, void *userdata);
unsigned int qemu_plugin_mem_size_shift(qemu_plugin_meminfo_t info);
bool qemu_plugin_mem_is_store(qemu_plugin_meminfo_t info);
size_t qemu_plugin_tb_n_insns(const struct qemu_plugin_tb *tb);
struct qemu_plugin_insn *qemu_plugin_tb_get_insn(const struct qemu_plugin_tb *tb, size_t idx);
uint64_t qemu_plugin_insn_vaddr(const struct qemu_plugin_insn *insn);
void qemu_plugin_register_atexit_cb(qemu_plugin_id_t id, qemu_plugin_udata_cb_t cb, void *userdata);
void qemu_plugin_outs(const char *string);

PLUGIN_EXPORT int qemu_plugin_version = 1;
PLUGIN_EXPORT int qemu_plugin_install(qemu_plugin_id_t id, const qemu_info_t *info, int argc, char **argv);

/* One vCPU (the sim machine has one), so plain counters are enough. */
static uint64_t executed;
static uint64_t region_start;
static uint64_t narrow_flash_loads, region_narrow_start;
static bool region_open;
static unsigned regions;
static uint64_t begin_address, end_address;
static bool have_markers;

/* The ESP8266's flash window (code and .rodata); the profile covers the same addresses. */
enum { FLASH_BASE = 0x40200000u, FLASH_SPAN = 1u << 20 };
enum { PROFILE_BASE = FLASH_BASE, PROFILE_SPAN = FLASH_SPAN };
static uint64_t *profile;      /* per byte address of the flash window, when asked for */
static char profile_path[256];

static void say(const char *text)
{
    qemu_plugin_outs(text);
}

static void on_begin(unsigned int vcpu, void *userdata)
{
    (void)vcpu;
    (void)userdata;
    region_start = executed;
    region_narrow_start = narrow_flash_loads;
    region_open = true;
}

static void on_end(unsigned int vcpu, void *userdata)
{
    (void)vcpu;
    (void)userdata;
    if (!region_open) {
        return;
    }
    region_open = false;
    char line[96];
    /* Both marker instructions have been counted by the time their callbacks run, so
     * the difference is exactly the instructions from `begin` up to just before `end`. */
    snprintf(line, sizeof line, "region %u: %" PRIu64 " narrow_flash_loads %" PRIu64 "\n", regions++,
             executed - region_start, narrow_flash_loads - region_narrow_start);
    say(line);
}

/* A size shift of 0 or 1 is a byte or half-word access. Registered for reads and writes and
 * filtered here: QEMU 7.2 hands QEMU_PLUGIN_MEM_R alone the stores, not the loads. */
static void on_access(unsigned int vcpu, qemu_plugin_meminfo_t info, uint64_t address, void *userdata)
{
    (void)vcpu;
    (void)userdata;
    if (!qemu_plugin_mem_is_store(info) && qemu_plugin_mem_size_shift(info) < 2 && address - FLASH_BASE < FLASH_SPAN) {
        narrow_flash_loads++;
    }
}

static void on_translate(qemu_plugin_id_t id, struct qemu_plugin_tb *tb)
{
    (void)id;
    size_t count = qemu_plugin_tb_n_insns(tb);
    for (size_t i = 0; i < count; i++) {
        struct qemu_plugin_insn *insn = qemu_plugin_tb_get_insn(tb, i);
        qemu_plugin_register_vcpu_insn_exec_inline(insn, QEMU_PLUGIN_INLINE_ADD_U64, &executed, 1);
        qemu_plugin_register_vcpu_mem_cb(insn, on_access, QEMU_PLUGIN_CB_NO_REGS, QEMU_PLUGIN_MEM_RW, NULL);
        uint64_t address = qemu_plugin_insn_vaddr(insn);
        if (profile && address - PROFILE_BASE < PROFILE_SPAN) {
            qemu_plugin_register_vcpu_insn_exec_inline(insn, QEMU_PLUGIN_INLINE_ADD_U64,
                                                       &profile[address - PROFILE_BASE], 1);
        }
        if (!have_markers) {
            continue;
        }
        if (address == begin_address) {
            qemu_plugin_register_vcpu_insn_exec_cb(insn, on_begin, QEMU_PLUGIN_CB_NO_REGS, NULL);
        }
        if (address == end_address) {
            qemu_plugin_register_vcpu_insn_exec_cb(insn, on_end, QEMU_PLUGIN_CB_NO_REGS, NULL);
        }
    }
}

static void on_exit(qemu_plugin_id_t id, void *userdata)
{
    (void)id;
    (void)userdata;
    char line[64];
    snprintf(line, sizeof line, "total: %" PRIu64 "\n", executed);
    say(line);
    snprintf(line, sizeof line, "total narrow_flash_loads: %" PRIu64 "\n", narrow_flash_loads);
    say(line);
    if (!profile) {
        return;
    }
    FILE *out = fopen(profile_path, "w");
    if (!out) {
        say("libcount: cannot write the profile file\n");
        return;
    }
    for (uint32_t i = 0; i < PROFILE_SPAN; i++) {
        if (profile[i]) {
            fprintf(out, "0x%08" PRIx32 " %" PRIu64 "\n", PROFILE_BASE + i, profile[i]);
        }
    }
    fclose(out);
}

static bool parse_address(const char *arg, const char *key, uint64_t *out)
{
    size_t length = strlen(key);
    if (strncmp(arg, key, length) != 0 || arg[length] != '=') {
        return false;
    }
    char *rest;
    *out = strtoull(arg + length + 1, &rest, 0);
    return *rest == '\0';
}

int qemu_plugin_install(qemu_plugin_id_t id, const qemu_info_t *info, int argc, char **argv)
{
    (void)info;
    bool have_begin = false, have_end = false;
    for (int i = 0; i < argc; i++) {
        if (parse_address(argv[i], "begin", &begin_address)) {
            have_begin = true;
        } else if (parse_address(argv[i], "end", &end_address)) {
            have_end = true;
        } else if (strncmp(argv[i], "profile=", 8) == 0 && strlen(argv[i] + 8) < sizeof profile_path) {
            strcpy(profile_path, argv[i] + 8);
            profile = calloc(PROFILE_SPAN, sizeof *profile);
            if (!profile) {
                fprintf(stderr, "libcount: no memory for the profile\n");
                return -1;
            }
        } else {
            fprintf(stderr, "libcount: unknown argument '%s' (use begin=0xADDR,end=0xADDR,profile=FILE)\n", argv[i]);
            return -1;
        }
    }
    if (have_begin != have_end) {
        fprintf(stderr, "libcount: give both begin= and end= marker addresses, or neither\n");
        return -1;
    }
    have_markers = have_begin;
    qemu_plugin_register_vcpu_tb_trans_cb(id, on_translate);
    qemu_plugin_register_atexit_cb(id, on_exit, NULL);
    return 0;
}
