# The interpreter cross-built for the ESP8266's lx106 core (floats off, aligned reads on),
# run under QEMU; the same harness built for the host; the instruction-counting plugin.
LX_OUT := $(BUILD)/lx106
LX_CC := xtensa-lx106-elf-gcc
LX_SPECS := --specs=/usr/lib/xtensa-lx106-elf/picolibc.specs
LX_VM_DEFS := -DWASM_VM_FLOAT=0 -DWASM_VM_ALIGNED_READS=1
# -Os without branch-target alignment (gas widens instructions to align loop and branch targets:
# measured, 2-3% of the module's flash for no fewer instructions). NodeMCU trees get the same
# (tools/firmware/nodemcu.ts), and so do the size report's objects (tools/firmware/report.ts).
LX_OPT := -Os -mno-target-align
LX_CFLAGS := $(CSTD) $(LX_OPT) -ffunction-sections -fdata-sections $(LX_VM_DEFS) -Ivm -Ilx106
LX_LDFLAGS := -nostartfiles -T lx106/lx106.ld -Wl,--gc-sections -Wl,-Map=$(LX_OUT)/harness.map
LX_VM_SRC := $(sort $(wildcard vm/*.c))
LX_VM_HDR := $(wildcard vm/*.h)
LX_COMMON := lx106/harness.c lx106/script.c lx106/out.c lx106/native_workloads.c
LX_TARGET_SRC := lx106/start.S lx106/semihost.c lx106/runtime_helpers.c lx106/platform_lx106.c lx106/harness_lx106.c
LX_HDR := $(wildcard lx106/*.h)

# Spec-suite files whose modules run in the built-in script.
WASM_TESTSUITE ?= $(abspath ../../shared/wasm-testsuite)
# Modules with any float function are refused whole (floats off) and only show that; files
# that need more than the 16 KiB memory budget (memory_grow, address, ...) belong to the host
# spec runner.
LX_SPEC_NAMES := i32 i64 int_exprs int_literals fac forward labels load store stack switch traps \
  block br br_if br_table call if loop local_get local_set local_tee return select unreachable \
  unwind endianness left-to-right
LX_SPEC_WAST := $(wildcard $(foreach n,$(LX_SPEC_NAMES),$(WASM_TESTSUITE)/core/$(n).wast))
LX_SPEC_JSON := $(patsubst $(WASM_TESTSUITE)/core/%.wast,$(LX_OUT)/spec/%.json,$(LX_SPEC_WAST))
LX_ENGINE := $(wildcard ../build/engine.wasm)

LX_GEN := $(LX_OUT)/builtin_script.c $(LX_OUT)/bench_module.c $(LX_OUT)/engine_module.c

LX_HARNESS := $(LX_OUT)/harness.elf $(LX_OUT)/harness-host $(LX_OUT)/harness-release $(LX_OUT)/vm-size.txt
ALL += $(LX_OUT)/helpers-check.elf $(LX_OUT)/flash-loads.elf $(LX_OUT)/libcount.so $(LX_HARNESS)
lx106-harness: $(LX_HARNESS)
.PHONY: lx106-harness

$(LX_OUT)/bench.wasm: lx106/workloads/bench.ts
	@mkdir -p $(LX_OUT)
	# From the workloads folder, so the project's asconfig.json (the engine's) stays out of it.
	cd lx106/workloads && npx asc bench.ts -O3 --runtime stub --noAssert --use abort= \
	  --initialMemory 1 -o $(abspath $@)

$(LX_OUT)/mixed.wasm: lx106/workloads/mixed.wat
	@mkdir -p $(LX_OUT)
	wat2wasm $< -o $@

$(LX_OUT)/spec/%.json: $(WASM_TESTSUITE)/core/%.wast
	@mkdir -p $(LX_OUT)/spec
	wast2json --enable-all $< -o $@ 2>/dev/null || wast2json $< -o $@

$(LX_OUT)/builtin_script.c: $(LX_OUT)/bench.wasm $(LX_OUT)/mixed.wasm $(LX_SPEC_JSON) lx106/gen_script.mjs lx106/workloads/calls.mjs lx106/build.mk
	@mkdir -p $(LX_OUT)
	node lx106/gen_script.mjs --c $@ --bin $(LX_OUT)/builtin_script.bin --symbol builtin_script \
	  --workload $(LX_OUT)/bench.wasm --workload $(LX_OUT)/mixed.wasm $(foreach j,$(LX_SPEC_JSON),--spec $(j))

$(LX_OUT)/bench_module.c: $(LX_OUT)/bench.wasm lx106/gen_script.mjs
	@mkdir -p $(LX_OUT)
	node lx106/gen_script.mjs --c $@ --symbol bench_module --bytes $<

# The engine is optional at this point of the build; an empty array means "absent".
$(LX_OUT)/engine_module.c: $(LX_ENGINE) lx106/gen_script.mjs
	@mkdir -p $(LX_OUT)
	node lx106/gen_script.mjs --c $@ --symbol engine_module --bytes ../build/engine.wasm

$(LX_OUT)/harness.elf: $(LX_COMMON) $(LX_TARGET_SRC) $(LX_GEN) $(LX_VM_SRC) $(LX_VM_HDR) $(LX_HDR) lx106/lx106.ld lx106/build.mk
	@mkdir -p $(LX_OUT)
	$(LX_CC) $(LX_SPECS) $(LX_CFLAGS) $(LX_LDFLAGS) -o $@ $(LX_TARGET_SRC) $(LX_COMMON) $(LX_GEN) $(LX_VM_SRC)

# The interpreter alone, for its size: its objects with the same flags, sized per section.
$(LX_OUT)/vm-size.txt: $(LX_VM_SRC) $(LX_VM_HDR) lx106/build.mk
	@mkdir -p $(LX_OUT)/vm-obj
	cd $(LX_OUT)/vm-obj && rm -f *.o && $(LX_CC) $(LX_SPECS) $(subst -Ivm,-I$(CURDIR)/vm,$(subst -Ilx106,,$(LX_CFLAGS))) -c $(addprefix $(CURDIR)/,$(LX_VM_SRC))
	xtensa-lx106-elf-size -t $(LX_OUT)/vm-obj/*.o > $@

$(LX_OUT)/helpers-check.elf: lx106/helpers_check.c lx106/start.S lx106/semihost.c lx106/runtime_helpers.c lx106/runtime_helpers.h lx106/semihost.h lx106/lx106.ld lx106/build.mk
	@mkdir -p $(LX_OUT)
	$(LX_CC) $(LX_SPECS) $(CSTD) -Os -ffunction-sections -fdata-sections -Ilx106 \
	  -nostartfiles -T lx106/lx106.ld -Wl,--gc-sections -o $@ \
	  lx106/start.S lx106/semihost.c lx106/runtime_helpers.c lx106/helpers_check.c

# The bench workloads compiled ahead of time: bench.wasm -> C (Debian's wasm2c, wabt 1.0.32) ->
# lx106 -Os, against the native C workloads (tools/bench/vm.ts). The stack-depth counter is off:
# only fib recurses, 20 deep. wasm-rt.h is linked into a folder of its own so the cross compiler
# sees no other host header.
AOT_OUT := $(LX_OUT)/aot
ALL += $(LX_OUT)/aot-bench.elf

$(AOT_OUT)/bench_aot.c: $(LX_OUT)/bench.wasm lx106/build.mk
	@mkdir -p $(AOT_OUT)/include
	ln -sf /usr/include/wasm-rt.h $(AOT_OUT)/include/wasm-rt.h
	wasm2c $< -n bench -o $@

# Generated code gets a narrower warning set: wasm2c's TRAP() comma expressions and its unused
# float helpers would fail -Wextra -Werror. NDEBUG: its asserts would pull in stdio and signals.
AOT_CFLAGS := $(CSTD) -Os -ffunction-sections -fdata-sections -DNDEBUG -DWASM_RT_USE_STACK_DEPTH_COUNT=0 -I$(AOT_OUT) -I$(AOT_OUT)/include
$(AOT_OUT)/bench_aot.o: $(AOT_OUT)/bench_aot.c
	$(LX_CC) $(LX_SPECS) $(AOT_CFLAGS) -Wno-unused-value -Wno-unused-function -c -o $@ $<

$(LX_OUT)/aot-bench.elf: $(AOT_OUT)/bench_aot.o lx106/aot_bench.c lx106/aot_runtime.c lx106/native_workloads.c lx106/out.c \
  lx106/platform_lx106.c lx106/start.S lx106/semihost.c lx106/runtime_helpers.c $(LX_HDR) lx106/lx106.ld lx106/build.mk
	$(LX_CC) $(LX_SPECS) $(AOT_CFLAGS) -Ilx106 -nostartfiles -T lx106/lx106.ld -Wl,--gc-sections -o $@ \
	  lx106/start.S lx106/semihost.c lx106/runtime_helpers.c lx106/platform_lx106.c lx106/out.c \
	  lx106/native_workloads.c lx106/aot_runtime.c lx106/aot_bench.c $(AOT_OUT)/bench_aot.o

# Known narrow and wide loads from flash and DRAM, for the plugin's narrow_flash_loads.
$(LX_OUT)/flash-loads.elf: lx106/flash_loads.c lx106/start.S lx106/semihost.c lx106/semihost.h lx106/lx106.ld lx106/build.mk
	@mkdir -p $(LX_OUT)
	$(LX_CC) $(LX_SPECS) $(CSTD) -Os -ffunction-sections -fdata-sections -Ilx106 \
	  -nostartfiles -T lx106/lx106.ld -Wl,--gc-sections -o $@ lx106/start.S lx106/semihost.c lx106/flash_loads.c

# Same harness on the host, same switches, under ASan/UBSan: its output must equal QEMU's.
$(LX_OUT)/harness-host: $(LX_COMMON) lx106/platform_host.c lx106/harness_host.c $(LX_GEN) $(LX_VM_SRC) $(LX_VM_HDR) $(LX_HDR) lx106/build.mk
	@mkdir -p $(LX_OUT)
	clang $(CSTD) -O1 -g -fsanitize=address,undefined -fno-sanitize-recover=all -fno-omit-frame-pointer \
	  $(LX_VM_DEFS) -Ivm -Ilx106 -o $@ lx106/platform_host.c lx106/harness_host.c $(LX_COMMON) $(LX_GEN) $(LX_VM_SRC)

$(LX_OUT)/libcount.so: lx106/plugin/count.c lx106/build.mk
	@mkdir -p $(LX_OUT)
	cc $(CSTD) -O2 -fPIC -shared -o $@ $<

# The host harness without sanitizers, for timing (tools/bench/vm.ts).
$(LX_OUT)/harness-release: $(LX_COMMON) lx106/platform_host.c lx106/harness_host.c $(LX_GEN) $(LX_VM_SRC) $(LX_VM_HDR) $(LX_HDR) lx106/build.mk
	@mkdir -p $(LX_OUT)
	clang $(CSTD) -O2 $(LX_VM_DEFS) -Ivm -Ilx106 -o $@ lx106/platform_host.c lx106/harness_host.c $(LX_COMMON) $(LX_GEN) $(LX_VM_SRC)

# The client session (session.c): interpreter + engine + client core, no Lua, no espconn, run
# from a script blob (tools/firmware/session.ts writes it) under QEMU and on the host.
SESSION_DEFS := $(LX_VM_DEFS) -DMQTT_MALLOC=session_malloc -DMQTT_FREE=session_free
SESSION_INC := -Ivm -Ilx106 -Iengine $(CORE_INC)
SESSION_SRC := lx106/session.c lx106/out.c $(CORE_SRC) $(ENGINE_SRC)
SESSION_DEPS := $(SESSION_SRC) lx106/session.h lx106/out.h lx106/platform.h $(CORE_HDR) \
  $(ENGINE_HDR) $(LX_VM_SRC) $(LX_VM_HDR) lx106/build.mk
LX_SESSION := $(LX_OUT)/session.elf $(LX_OUT)/session-host
ALL += $(LX_SESSION)
lx106-session: $(LX_SESSION)
.PHONY: lx106-session

$(LX_OUT)/session.elf: $(SESSION_DEPS) lx106/session_lx106.c lx106/platform_lx106.c $(LX_TARGET_SRC) lx106/lx106.ld
	@mkdir -p $(LX_OUT)
	$(LX_CC) $(LX_SPECS) $(CSTD) $(LX_OPT) -ffunction-sections -fdata-sections $(SESSION_DEFS) $(SESSION_INC) \
	  -nostartfiles -T lx106/lx106.ld -Wl,--gc-sections -Wl,-Map=$(LX_OUT)/session.map -o $@ \
	  lx106/start.S lx106/semihost.c lx106/runtime_helpers.c lx106/platform_lx106.c lx106/session_lx106.c $(SESSION_SRC) $(LX_VM_SRC)

$(LX_OUT)/session-host: $(SESSION_DEPS) lx106/session_host.c lx106/platform_host.c
	@mkdir -p $(LX_OUT)
	clang $(CSTD) -O1 -g -fsanitize=address,undefined -fno-sanitize-recover=all -fno-omit-frame-pointer \
	  $(SESSION_DEFS) $(SESSION_INC) -o $@ lx106/session_host.c lx106/platform_host.c $(SESSION_SRC) $(LX_VM_SRC)

# The same session over the native engine (engine/build.mk): session-native.elf (+ .map) under
# QEMU and session-native-host (ASan/UBSan); their transcripts must equal the interpreter's.
SESSION_NATIVE_DEFS := -DMQTT_MALLOC=session_malloc -DMQTT_FREE=session_free
SESSION_NATIVE_INC := -Ilx106 $(CORE_INC) $(ENGINE_NATIVE_INC)
SESSION_NATIVE_SRC := lx106/session.c lx106/out.c $(CORE_SRC) $(ENGINE_NATIVE_OWN)
SESSION_NATIVE_DEPS := $(SESSION_NATIVE_SRC) lx106/session.h lx106/out.h lx106/platform.h $(CORE_HDR) \
  $(ENGINE_NATIVE_HDR) lx106/build.mk
LX_SESSION_NATIVE := $(LX_OUT)/session-native.elf $(LX_OUT)/session-native-host
ALL += $(LX_SESSION_NATIVE)
lx106-session: $(LX_SESSION_NATIVE)

$(LX_OUT)/session-native.elf: $(SESSION_NATIVE_DEPS) $(NATIVE_OBJ_LX106) lx106/session_lx106.c lx106/platform_lx106.c $(LX_TARGET_SRC) lx106/lx106.ld
	@mkdir -p $(LX_OUT)
	$(LX_CC) $(LX_SPECS) $(CSTD) $(LX_OPT) -ffunction-sections -fdata-sections $(SESSION_NATIVE_DEFS) $(SESSION_NATIVE_INC) \
	  -nostartfiles -T lx106/lx106.ld -Wl,--gc-sections -Wl,-Map=$(LX_OUT)/session-native.map -o $@ \
	  lx106/start.S lx106/semihost.c lx106/runtime_helpers.c lx106/platform_lx106.c lx106/session_lx106.c $(SESSION_NATIVE_SRC) $(NATIVE_OBJ_LX106)

$(LX_OUT)/session-native-host: $(SESSION_NATIVE_DEPS) $(NATIVE_OBJ_SAN) lx106/session_host.c lx106/platform_host.c
	@mkdir -p $(LX_OUT)
	clang $(CSTD) $(ENGINE_SAN) $(SESSION_NATIVE_DEFS) $(SESSION_NATIVE_INC) -o $@ lx106/session_host.c lx106/platform_host.c $(SESSION_NATIVE_SRC) $(NATIVE_OBJ_SAN)
